/*
 * The ip router's frame fast path: the lower read side's qi_putfp
 * (docs/module-guide.md section 5). A pmd stream in raw mode hands its
 * received burst up as frames; this forwards the leading run of them that
 * need nothing but a route, a known neighbour and a TTL decrement, in
 * place, as frames, with no message made, and returns how many it took.
 * Everything else (ARP, datagrams for us, options, TTL 1, too big for the
 * next link, an unresolved neighbour, a full link, a bad header) stops
 * the run: the framework makes messages of that frame and all after it,
 * and ip_lrput (ip_data.c) does exactly what it always did.
 *
 * What it does to a frame it takes is what the message path would do to
 * it, counted in the same counters: rx_frames and forwarded on the
 * interface it came in by, tx_frames on the one it leaves by.
 *
 * Three passes over at most IP_FAST_BURST frames: check each header
 * (reading only), one bulk lookup of the forwarding table for those that
 * passed, then the next hop and the link for each; only the frames of the
 * prefix that passed all three are written (TTL, checksum, MAC header).
 * Frames for one lower in a row leave in one putnext_frames().
 */
#include <string.h>

#include <rte_mbuf.h>
#include <rte_prefetch.h>
#include <strdp/mbuf.h>

#include "ip_impl.h"
#include "ip_input.h"
#include "ip_util.h"

#define IP_FAST_BURST 64
#define IP_FAST_PREFETCH 16	/* mbufs this far ahead, their bytes half as far */

/* The neighbour's MAC for nexthop on lo, copied into mac, from its
 * one-entry memo or the cache (without side effects); 0 when the message
 * path must resolve. A copy: a later frame of the burst may move the memo
 * to another neighbour. */
static int
neighbour(struct ip_lower *lo, uint32_t nexthop, uint64_t now_ms, uint8_t mac[6])
{
	if (lo->lo_memo_ip != nexthop || now_ms >= lo->lo_memo_until_ms) {
		uint64_t until;
		if (!ip_arp_peek(lo->lo_arp, nexthop, now_ms, lo->lo_memo_mac, &until)) {
			lo->lo_memo_ip = 0;
			return 0;
		}
		lo->lo_memo_ip = nexthop;
		lo->lo_memo_until_ms = until;
	}
	memcpy(mac, lo->lo_memo_mac, 6);
	return 1;
}

/* The IPv4 header of a frame the fast path may take, or NULL. */
static inline uint8_t *
plain_ipv4(const uint8_t own_mac[6], struct rte_mbuf *m, unsigned *tlen)
{
	if (m->nb_segs != 1 || m->data_len < IP_ETHER_HDR + 20)
		return NULL;
	uint8_t *eth = rte_pktmbuf_mtod(m, uint8_t *);
	/* Unicast to us (a group address is never forwarded), IPv4. */
	if (memcmp(eth, own_mac, 6) != 0 || eth[12] != 0x08 || eth[13] != 0x00)
		return NULL;
	uint8_t *ip = eth + IP_ETHER_HDR;
	unsigned hlen;
	/* A NIC that checked the header checksum says so; one that found it
	 * bad leaves the frame to the message path, which counts it. */
	uint64_t sum = m->ol_flags & RTE_MBUF_F_RX_IP_CKSUM_MASK;
	if (ip[0] != 0x45 ||	/* options: the message path reads them */
	    sum == RTE_MBUF_F_RX_IP_CKSUM_BAD ||
	    ip_input_check_sum(ip, m->data_len - IP_ETHER_HDR, &hlen, tlen,
			       sum == RTE_MBUF_F_RX_IP_CKSUM_GOOD) != IP_INPUT_OK ||
	    ip[8] <= 1)
		return NULL;
	uint32_t dst = ip_get32(ip + 16);
	if ((dst >> 28) == 14 || dst == 0xffffffffu)
		return NULL;
	return ip;
}

unsigned int
ip_lrputf(queue_t *q, strdp_frame_t **f, unsigned int n)
{
	struct ip_lower *lo = q->q_ptr;
	struct ip_lane *ln = lo->lo_lane;
	uint32_t dst[IP_FAST_BURST];
	struct ip_nexthop nh[IP_FAST_BURST];
	uint8_t found[IP_FAST_BURST];
	unsigned tlen[IP_FAST_BURST];
	uint16_t pad[IP_FAST_BURST];
	uint8_t *ip[IP_FAST_BURST];
	struct ip_lower *out[IP_FAST_BURST];
	uint8_t mac[IP_FAST_BURST][6];

	if (lo->lo_ifp == NULL || !lo->lo_up)
		return 0;
	if (n > IP_FAST_BURST)
		n = IP_FAST_BURST;	/* the rest come as messages: rare, and right */

	/* The frames' mbufs and bytes were last touched by the PMD a burst
	 * ago: ask for them a few frames ahead, as l3fwd does. */
	const uint8_t *own_mac = lo->lo_ifp->if_mac;
	for (unsigned i = 0; i < n && i < IP_FAST_PREFETCH; i++)
		rte_prefetch0(strdp_frame_mbuf(f[i]));
	for (unsigned i = 0; i < n && i < IP_FAST_PREFETCH / 2; i++)
		rte_prefetch0(rte_pktmbuf_mtod(strdp_frame_mbuf(f[i]), void *));
	unsigned k = 0;
	for (; k < n; k++) {
		if (k + IP_FAST_PREFETCH < n)
			rte_prefetch0(strdp_frame_mbuf(f[k + IP_FAST_PREFETCH]));
		if (k + IP_FAST_PREFETCH / 2 < n)
			rte_prefetch0(rte_pktmbuf_mtod(strdp_frame_mbuf(f[k + IP_FAST_PREFETCH / 2]), void *));
		struct rte_mbuf *m = strdp_frame_mbuf(f[k]);
		if ((ip[k] = plain_ipv4(own_mac, m, &tlen[k])) == NULL)
			break;
		pad[k] = (uint16_t)(m->data_len - IP_ETHER_HDR - tlen[k]);
		dst[k] = ip_get32(ip[k] + 16);
	}
	if (k == 0)
		return 0;
	ip_fib_lookup_bulk(ip_rt.fib, dst, nh, found, k);

	/* Where each goes: the run stops at the first the message path must
	 * see, and at a link with no room (where the message path counts the
	 * drop). Room is asked once per lower in a row, as for fragments. */
	unsigned take = 0;
	struct ip_lower *room_for = NULL, *o = NULL;
	unsigned oindex = ~0u, mtu = 0;
	for (; take < k; take++) {
		if (!found[take] || (nh[take].flags & (IP_NH_LOCAL | IP_NH_REJECT)))
			break;
		if (nh[take].ifindex != oindex) {	/* most go where the last went */
			oindex = nh[take].ifindex;
			struct ip_if *oif = ip_if_at(oindex);
			o = oif != NULL ? oif->if_lower[ln->il_id] : NULL;
			if (o == NULL || !o->lo_up || o->lo_ifp != oif)
				break;
			mtu = oif->if_mtu;
		}
		if (tlen[take] > mtu)
			break;
		uint32_t hop = nh[take].gateway != 0 ? nh[take].gateway : dst[take];
		if (!neighbour(o, hop, ln->il_now_ms, mac[take]))
			break;
		if (o != room_for) {
			if (!canputnext(o->lo_wq))
				break;
			room_for = o;
		}
		out[take] = o;
	}
	if (take == 0)
		return 0;

	struct ip_counters *in = lo->lo_ctr;
	in->c[IP_IF_rx_frames] += take;
	in->c[IP_IF_forwarded] += take;
	unsigned run = 0;
	for (unsigned i = 0; i < take; i++) {
		if (pad[i] != 0)	/* the link's padding */
			rte_pktmbuf_trim(strdp_frame_mbuf(f[i]), pad[i]);
		ip_ttl_decrement(ip[i]);
		uint8_t *eth = ip[i] - IP_ETHER_HDR;
		memcpy(eth, mac[i], 6);
		memcpy(eth + 6, out[i]->lo_ifp->if_mac, 6);
		if (i + 1 == take || out[i + 1] != out[i]) {
			unsigned len = i + 1 - run;
			out[i]->lo_ctr->c[IP_IF_tx_frames] += len;
			putnext_frames(out[i]->lo_wq, f + run, len);
			run = i + 1;
		}
	}
	return take;
}
