/*
 * What comes up a lower stream of the ip router: frames (the lower is an
 * Ethernet provider in raw mode), DLPI answers, M_FLUSH.
 *
 * A frame, in the order of RFC 1812's chapter 5:
 *  - Ethernet: shorter than a header, for another station's address, or
 *    neither IPv4 nor ARP: dropped and counted;
 *  - ARP (ip_arp): learnt from, answered when it asks for our address;
 *    what waited for the sender goes out; the interface's other lanes
 *    learn from it too (arp_share);
 *  - IPv4: the input checks (ip_input, 5.2.2), the link padding trimmed;
 *    a datagram for one of our addresses (or the limited broadcast) is
 *    delivered here: ICMP echo is answered, UDP goes to the endpoint
 *    bound to its port (udp_lane.c), anything else gets ICMP
 *    unreachable (port or protocol); link-layer
 *    broadcasts and multicast are not forwarded (5.3.4); otherwise the
 *    route, TTL (5.3.1), the next link's MTU with DF (5.2.6), then out
 *    (ip_output.c) with the TTL decremented in place.
 * Each frame ends in exactly one counter of its interface's lane.
 *
 * All of it runs on the lane that owns the lower, without locks; the
 * only shared state read is the forwarding table (lock-free lookups) and
 * the interfaces (immutable once published).
 */
#include <sys/stropts.h>
#include <sys/strsun.h>
#include <string.h>

#include <rte_ring.h>

#include "ip_impl.h"
#include "ip_input.h"
#include "ip_util.h"
#include "udp_impl.h"

#define IP_DF_BYTE 0x40	/* don't fragment, in the flags byte (offset 6) */
#define IP_PROTO_ICMP 1
#define IP_PROTO_UDP 17

static void
drop(struct ip_counters *ctr, enum ip_if_counter why, mblk_t *mp)
{
	ctr->c[why]++;
	freemsg(mp);
}

/* What an ARP packet teaches lo's cache; what waited for the sender goes
 * out. A request for our address is answered only where it came in. */
static void
arp_learn(struct ip_lower *lo, const struct ip_arp_pkt *pkt, int may_reply)
{
	struct ip_if *ifp = lo->lo_ifp;
	uint8_t mac[6];
	int reply = 0;

	lo->lo_memo_ip = 0;	/* the cache may change: the fast path asks it */
	mblk_t *w = ip_arp_input(lo->lo_arp, pkt, ifp->if_addr, lo->lo_lane->il_now_ms, mac,
				 &reply);
	if (reply && may_reply)
		ip_arp_send(lo, IP_ARP_REPLY, pkt->sha, pkt->spa, pkt->sha);
	int room = w != NULL && canputnext(lo->lo_wq);
	while (w != NULL) {	/* what waited for the sender, in order */
		mblk_t *next = w->b_next;
		w->b_next = NULL;
		ip_send_to(lo, w, mac, room);
		w = next;
	}
}

/* ARP news, from one lane of an interface to its others. */
struct arp_news {
	uint32_t ifindex;
	struct ip_arp_pkt pkt;
};

/*
 * With RSS, an answer comes in on whichever lane the NIC hashes it to,
 * not the one that asked: each of the interface's other lanes gets the
 * packet too, through its inbox, and learns from it as if it had come in
 * there (the same merge rule, no answer sent). A lane whose inbox is
 * full misses it, and asks again if it needs to.
 */
static void
arp_share(struct ip_lower *lo, const struct ip_arp_pkt *pkt)
{
	struct ip_if *ifp = lo->lo_ifp;
	unsigned self = lo->lo_lane->il_id;

	if (pkt->spa == 0 || pkt->spa == ifp->if_addr)
		return;		/* nothing to learn anywhere */
	for (unsigned j = 0; j < IP_MAX_LANES; j++) {
		if (j == self || __atomic_load_n(&ifp->if_lower[j], __ATOMIC_RELAXED) == NULL)
			continue;
		struct rte_ring *inbox = __atomic_load_n(&ip_rt.lanes[j].il_inbox, __ATOMIC_ACQUIRE);
		mblk_t *rec = inbox != NULL ? allocb(sizeof(struct arp_news), BPRI_MED) : NULL;
		if (rec == NULL)
			continue;
		struct arp_news n = {ifp->if_index, *pkt};
		memcpy(rec->b_wptr, &n, sizeof n);
		rec->b_wptr += sizeof n;
		rec->b_datap->db_type = M_PROTO;
		if (rte_ring_mp_enqueue(inbox, rec) != 0)
			freemsg(rec);
		else
			lo->lo_ctr->c[IP_IF_arp_shared]++;
	}
}

void
ip_arp_news(struct ip_lane *ln, mblk_t *rec)
{
	struct arp_news n;

	memcpy(&n, rec->b_rptr, sizeof n);
	freemsg(rec);
	struct ip_if *ifp = ip_if_at(n.ifindex);
	struct ip_lower *lo = ifp != NULL ? ifp->if_lower[ln->il_id] : NULL;
	if (lo == NULL || lo->lo_ifp != ifp || lo->lo_arp == NULL)
		return;		/* the interface or this lane's lower went */
	arp_learn(lo, &n.pkt, 0);
}

static void
arp_in(struct ip_lower *lo, mblk_t *mp, size_t len)
{
	struct ip_counters *ctr = lo->lo_ctr;
	struct ip_arp_pkt pkt;
	enum ip_arp_verdict v = ip_arp_parse(mp->b_rptr + IP_ETHER_HDR, len - IP_ETHER_HDR, &pkt);

	freemsg(mp);
	if (v != IP_ARP_OK) {
		ctr->arp_drops[v]++;
		return;
	}
	ctr->c[IP_IF_rx_arp]++;
	arp_learn(lo, &pkt, 1);
	if (__atomic_load_n(&lo->lo_ifp->if_lanes, __ATOMIC_RELAXED) > 1)
		arp_share(lo, &pkt);
}

/* For one of our addresses, or the limited broadcast. */
static void
local_in(struct ip_lower *lo, mblk_t *mp, uint8_t *ip, unsigned hlen, unsigned tlen,
	 int bcast)
{
	struct ip_counters *ctr = lo->lo_ctr;
	uint8_t proto = ip[9];

	/* No reassembly: a fragment for us has nothing to go to. */
	if ((ip_get16(ip + 6) & 0x3fff) != 0) {
		drop(ctr, IP_IF_drop_local_proto, mp);
		return;
	}
	if (proto == IP_PROTO_ICMP) {
		enum ip_icmp_verdict v = bcast ? IP_ICMP_NO_about_non_unicast
					       : ip_icmp_echo_reply(ip, hlen, tlen);
		if (v != IP_ICMP_OK) {
			ctr->icmp_no[v]++;
			drop(ctr, IP_IF_drop_icmp, mp);
			return;
		}
		ctr->c[IP_IF_local_in]++;
		ctr->c[IP_IF_echo_replies]++;
		ip_route_out(lo->lo_lane, ctr, mp);
		return;
	}
	if (proto == IP_PROTO_UDP && udp_input(ctr, mp, ip, hlen, tlen))
		return;
	if (!bcast)
		ip_icmp_send_error(lo, ip, tlen, IP_ICMP_UNREACH,
				   proto == IP_PROTO_UDP ? IP_ICMP_UNREACH_PORT : IP_ICMP_UNREACH_PROTO,
				   0);
	drop(ctr, IP_IF_drop_local_proto, mp);
}

static void
ipv4_in(struct ip_lower *lo, mblk_t *mp, size_t len, int link_bcast)
{
	struct ip_counters *ctr = lo->lo_ctr;
	uint8_t *ip = mp->b_rptr + IP_ETHER_HDR;
	unsigned hlen, tlen;
	enum ip_input_verdict v = ip_input_check(ip, len - IP_ETHER_HDR, &hlen, &tlen);

	if (v != IP_INPUT_OK) {
		ctr->input_drops[v]++;
		freemsg(mp);
		return;
	}
	mp->b_wptr = ip + tlen;		/* the link's padding */
	uint32_t dst = ip_get32(ip + 16);
	if (dst == 0xffffffffu) {
		local_in(lo, mp, ip, hlen, tlen, 1);
		return;
	}
	struct ip_nexthop nh;
	int found = (dst >> 28) != 14 && ip_fib_lookup(ip_rt.fib, dst, &nh) == 0;
	if (found && (nh.flags & IP_NH_LOCAL)) {
		struct ip_if *own = ip_if_at(nh.ifindex);
		local_in(lo, mp, ip, hlen, tlen, own != NULL && dst == own->if_bcast);
		return;
	}
	if ((dst >> 28) == 14 || link_bcast) {	/* 5.3.4: not forwarded */
		drop(ctr, IP_IF_drop_multicast, mp);
		return;
	}
	if (!found || (nh.flags & IP_NH_REJECT)) {
		ip_icmp_send_error(lo, ip, tlen, IP_ICMP_UNREACH,
				   found ? IP_ICMP_UNREACH_HOST : IP_ICMP_UNREACH_NET, 0);
		drop(ctr, found ? IP_IF_drop_reject : IP_IF_drop_no_route, mp);
		return;
	}
	if (ip[8] <= 1) {
		ip_icmp_send_error(lo, ip, tlen, IP_ICMP_TIME_EXCEEDED, 0, 0);
		drop(ctr, IP_IF_drop_ttl, mp);
		return;
	}
	struct ip_if *out = ip_if_at(nh.ifindex);
	if (out == NULL) {
		drop(ctr, IP_IF_drop_no_route, mp);
		return;
	}
	if (tlen > out->if_mtu && (ip[6] & IP_DF_BYTE)) {
		ip_icmp_send_error(lo, ip, tlen, IP_ICMP_UNREACH, IP_ICMP_UNREACH_NEEDFRAG,
				   (uint16_t)out->if_mtu);
		drop(ctr, IP_IF_drop_df, mp);
		return;
	}
	ip_ttl_decrement(ip);
	ctr->c[IP_IF_forwarded]++;
	ip_output(lo->lo_lane, out, nh.gateway != 0 ? nh.gateway : dst, mp);
}

static void
frame_in(struct ip_lower *lo, mblk_t *mp)
{
	struct ip_counters *ctr = lo->lo_ctr;

	ctr->c[IP_IF_rx_frames]++;
	if (mp->b_cont != NULL) {	/* headers read in place: one block */
		mblk_t *one = msgpullup(mp, -1);
		freemsg(mp);
		if (one == NULL) {
			ctr->c[IP_IF_drop_nomem]++;
			return;
		}
		mp = one;
	}
	size_t len = MBLKL(mp);
	const uint8_t *eth = mp->b_rptr;
	if (len < IP_ETHER_HDR) {
		drop(ctr, IP_IF_drop_runt, mp);
		return;
	}
	if (lo->lo_ifp == NULL || !lo->lo_up) {
		drop(ctr, IP_IF_drop_link_down, mp);
		return;
	}
	int group = eth[0] & 1;		/* broadcast or multicast */
	if (!group && memcmp(eth, lo->lo_ifp->if_mac, 6) != 0) {
		drop(ctr, IP_IF_drop_other_mac, mp);
		return;
	}
	switch (ip_get16(eth + 12)) {
	case IP_ETHERTYPE_ARP:
		arp_in(lo, mp, len);
		break;
	case IP_ETHERTYPE_IP:
		ipv4_in(lo, mp, len, group);
		break;
	default:
		drop(ctr, IP_IF_drop_ethertype, mp);
		break;
	}
}

int
ip_lrput(queue_t *q, mblk_t *mp)
{
	struct ip_lower *lo = q->q_ptr;

	switch (mp->b_datap->db_type) {
	case M_DATA:
		frame_in(lo, mp);
		break;
	case M_PROTO:
	case M_PCPROTO:
		ip_lower_dlpi(lo, mp);
		break;
	case M_FLUSH:
		/* We are the lower stream's head: nothing is held here. */
		if (*mp->b_rptr & FLUSHW) {
			*mp->b_rptr &= ~FLUSHR;
			qreply(q, mp);
		} else {
			freemsg(mp);
		}
		break;
	default:
		/* M_HANGUP, M_ERROR, stray ioctl answers: no one to tell. */
		freemsg(mp);
		break;
	}
	return 0;
}

int
ip_lwput(queue_t *q, mblk_t *mp)
{
	putnext(q, mp);
	return 0;
}
