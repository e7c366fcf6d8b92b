/*
 * What leaves the ip router: a datagram to a next hop on an interface
 * (fragmented to its MTU, its neighbour resolved by the lane's ARP
 * cache), ARP packets, ICMP errors (ip_impl.h).
 *
 * Flow control: a router does not wait. A frame for a lower whose queue
 * is full (canputnext fails) is dropped there and counted (drop_tx_full
 * of the interface it would have left by): this is the one place the
 * router drops for lack of room, and what holds a fast port from filling
 * memory behind a slow one. The fragments of a datagram, and what waited
 * for one neighbour's answer, go or are dropped together on one check, so
 * that they may pass the high water mark by that much. Drops on the way
 * out count on the interface the datagram was to leave by.
 */
#include <sys/strsun.h>
#include <string.h>

#include "ip_frag.h"
#include "ip_impl.h"
#include "ip_util.h"

#define IP_ARP_FRAME 60	/* the shortest Ethernet frame, FCS not counted */
#define IP_ICMP_MAX 576	/* RFC 1812 4.3.2.3 */

static const uint8_t ether_bcast[6] = {0xff, 0xff, 0xff, 0xff, 0xff, 0xff};

static void
put_ether(uint8_t *p, const uint8_t dst[6], const uint8_t src[6], uint16_t type)
{
	memcpy(p, dst, 6);
	memcpy(p + 6, src, 6);
	p[12] = (uint8_t)(type >> 8);
	p[13] = (uint8_t)type;
}

static void
send_checked(struct ip_lower *lo, mblk_t *mp, int room)
{
	if (room) {
		lo->lo_ctr->c[IP_IF_tx_frames]++;
		putnext(lo->lo_wq, mp);
	} else {
		lo->lo_ctr->c[IP_IF_drop_tx_full]++;
		freemsg(mp);
	}
}

void
ip_send_frame(struct ip_lower *lo, mblk_t *mp)
{
	send_checked(lo, mp, canputnext(lo->lo_wq));
}

void
ip_send_to(struct ip_lower *lo, mblk_t *mp, const uint8_t mac[6], int room)
{
	put_ether(mp->b_rptr, mac, lo->lo_ifp->if_mac, IP_ETHERTYPE_IP);
	send_checked(lo, mp, room);
}

void
ip_arp_send(struct ip_lower *lo, uint16_t op, const uint8_t tha[6], uint32_t tpa,
	    const uint8_t eth_dst[6])
{
	static const uint8_t zero[6];
	struct ip_if *ifp = lo->lo_ifp;
	mblk_t *mp;

	if (ifp == NULL)
		return;
	if ((mp = allocb(IP_ARP_FRAME, BPRI_HI)) == NULL) {
		lo->lo_ctr->c[IP_IF_drop_nomem]++;
		return;
	}
	memset(mp->b_wptr, 0, IP_ARP_FRAME);
	put_ether(mp->b_wptr, eth_dst != NULL ? eth_dst : ether_bcast, ifp->if_mac,
		  IP_ETHERTYPE_ARP);
	struct ip_arp_pkt pkt = {.op = op, .spa = ifp->if_addr, .tpa = tpa};
	memcpy(pkt.sha, ifp->if_mac, 6);
	memcpy(pkt.tha, tha != NULL ? tha : zero, 6);
	ip_arp_build(mp->b_wptr + IP_ETHER_HDR, &pkt);
	mp->b_wptr += IP_ARP_FRAME;
	lo->lo_ctr->c[op == IP_ARP_REPLY ? IP_IF_arp_replies : IP_IF_arp_requests]++;
	ip_send_frame(lo, mp);
}

/* To the neighbour nexthop on lo's link: now, or once ARP answers. room:
 * what canputnext said (once for a datagram's fragments, which go or are
 * dropped together). */
static void
xmit(struct ip_lane *ln, struct ip_lower *lo, uint32_t nexthop, mblk_t *mp, int room)
{
	uint8_t mac[6];
	int ask = 0;

	switch (ip_arp_resolve(lo->lo_arp, nexthop, ln->il_now_ms, mp, mac, &ask)) {
	case IP_ARP_RESOLVED:
		ip_send_to(lo, mp, mac, room);
		break;
	case IP_ARP_QUEUED:
		if (ask)
			ip_arp_send(lo, IP_ARP_REQUEST, NULL, nexthop, NULL);
		break;
	case IP_ARP_DROPPED:	/* counted by the cache */
		break;
	}
}

static void
fragment(struct ip_lane *ln, struct ip_lower *lo, uint32_t nexthop, mblk_t *mp)
{
	struct ip_counters *ctr = lo->lo_ctr;
	const uint8_t *ip = mp->b_rptr + IP_ETHER_HDR;
	unsigned mtu = lo->lo_ifp->if_mtu;
	struct ip_frag_plan plan;
	enum ip_frag_verdict v =
	    ip_frag_prepare(ip, (ip[0] & 0xfu) * 4u, ip_get16(ip + 2), mtu, &plan);

	if (v != IP_FRAG_OK || !canputnext(lo->lo_wq)) {
		ctr->c[v == IP_FRAG_OK ? IP_IF_drop_tx_full
				       : v == IP_FRAG_NO_df ? IP_IF_drop_df : IP_IF_drop_frag]++;
		freemsg(mp);
		return;
	}
	for (unsigned k = 0; k < plan.count; k++) {
		mblk_t *f = allocb(IP_ETHER_HDR + mtu, BPRI_MED);
		if (f == NULL) {	/* the rest would not reassemble anyway */
			ctr->c[IP_IF_drop_nomem]++;
			break;
		}
		size_t n = ip_frag_write(f->b_wptr + IP_ETHER_HDR, mtu, ip, &plan, k);
		f->b_wptr += IP_ETHER_HDR + n;
		ctr->c[IP_IF_fragments]++;
		xmit(ln, lo, nexthop, f, 1);
	}
	freemsg(mp);
}

void
ip_output(struct ip_lane *ln, struct ip_if *ifp, uint32_t nexthop, mblk_t *mp)
{
	struct ip_lower *lo = ifp->if_lower[ln->il_id];

	if (lo == NULL || !lo->lo_up) {
		ifp->if_ctr[ln->il_id].c[IP_IF_drop_link_down]++;
		freemsg(mp);
		return;
	}
	if (ip_get16(mp->b_rptr + IP_ETHER_HDR + 2) <= ifp->if_mtu)
		xmit(ln, lo, nexthop, mp, canputnext(lo->lo_wq));
	else
		fragment(ln, lo, nexthop, mp);
}

void
ip_route_out(struct ip_lane *ln, struct ip_counters *ctr, mblk_t *mp)
{
	uint32_t dst = ip_get32(mp->b_rptr + IP_ETHER_HDR + 16);
	struct ip_nexthop nh;
	struct ip_if *out;

	if (ip_fib_lookup(ip_rt.fib, dst, &nh) != 0 || (nh.flags & (IP_NH_LOCAL | IP_NH_REJECT)) ||
	    (out = ip_if_at(nh.ifindex)) == NULL) {
		ctr->c[IP_IF_drop_no_route]++;
		freemsg(mp);
		return;
	}
	ip_output(ln, out, nh.gateway != 0 ? nh.gateway : dst, mp);
}

void
ip_icmp_send_error(struct ip_lower *in, const uint8_t *ip, unsigned tlen, uint8_t type,
		   uint8_t code, uint16_t mtu)
{
	struct ip_lane *ln = in->lo_lane;
	struct ip_counters *ctr = in->lo_ctr;
	mblk_t *mp = allocb(IP_ETHER_HDR + IP_ICMP_MAX, BPRI_MED);

	if (mp == NULL) {
		ctr->c[IP_IF_drop_nomem]++;
		return;
	}
	size_t len;
	enum ip_icmp_verdict v = ip_icmp_error(mp->b_wptr + IP_ETHER_HDR, IP_ICMP_MAX, ip, tlen,
					       type, code, mtu, in->lo_ifp->if_addr, &len);
	if (v == IP_ICMP_OK)	/* a token only for an error that may go */
		v = ip_icmp_bucket_take(&ln->il_icmp, ln->il_now_ms);
	if (v != IP_ICMP_OK) {
		ctr->icmp_no[v]++;
		freemsg(mp);
		return;
	}
	mp->b_wptr += IP_ETHER_HDR + len;
	ctr->c[IP_IF_icmp_errors]++;
	ip_route_out(ln, ctr, mp);
}
