/*
 * /dev/udp on the router's lanes (udp_impl.h): datagrams for a bound
 * port go to its endpoint's ring, datagrams endpoints send leave through
 * the lane's own output ring.
 */
#include <sys/strsun.h>
#include <string.h>

#include <rte_ring.h>

#include "ip_util.h"
#include "udp_impl.h"

/* The UDP checksum's one's-complement sum over the pseudo-header and the
 * len bytes at udp, folded, not complemented (0xffff: right). */
uint16_t
udp_sum(const uint8_t *ip, const uint8_t *udp, unsigned len)
{
	uint8_t ph[12];

	memcpy(ph, ip + 12, 8);	/* source, destination */
	ph[8] = 0;
	ph[9] = 17;
	ph[10] = (uint8_t)(len >> 8);
	ph[11] = (uint8_t)len;
	uint32_t s = (uint32_t)rte_raw_cksum(ph, sizeof ph) + rte_raw_cksum(udp, len);
	s = (s & 0xffff) + (s >> 16);
	s = (s & 0xffff) + (s >> 16);
	return (uint16_t)s;
}

/* The owner's side of a wake (strdp_sched_notify): arg is the slot and
 * the generation it was posted for. */
static void
udp_wake(void *arg)
{
	uintptr_t v = (uintptr_t)arg;
	struct udp_slot *us = &udp_slots[v & 0xffff];

	if (__atomic_load_n(&us->us_gen, __ATOMIC_ACQUIRE) != (uint32_t)(v >> 16) ||
	    us->us_ep == NULL)
		return;		/* closed since: nothing to wake */
	qenable(us->us_ep->ue_rq);
}

static void
wake(struct udp_slot *us)
{
	if (__atomic_exchange_n(&us->us_wake, 1, __ATOMIC_SEQ_CST) != 0)
		return;		/* posted, or the service procedure will look */
	uintptr_t v = (uintptr_t)(us - udp_slots) |
		      (uintptr_t)__atomic_load_n(&us->us_gen, __ATOMIC_RELAXED) << 16;
	if (strdp_sched_notify(us->us_sched, udp_wake, (void *)v) != 0)
		/* The owner's ring is full: the next datagram tries again. */
		__atomic_store_n(&us->us_wake, 0, __ATOMIC_SEQ_CST);
}

/*
 * A datagram for one of our addresses with protocol UDP: 1 when it was
 * taken (queued for an endpoint or dropped and counted), 0 when no
 * endpoint has its port (the caller answers ICMP port unreachable).
 */
int
udp_input(struct ip_counters *ctr, mblk_t *mp, const uint8_t *ip, unsigned hlen,
	  unsigned tlen)
{
	const uint8_t *udp = ip + hlen;
	unsigned ulen = tlen - hlen;
	unsigned len = ulen >= UDP_HDR ? ip_get16(udp + 4) : 0;
	int summed = ip_get16(udp + 6) != 0;
	if (len < UDP_HDR || len > ulen ||
	    (summed && mp->b_cont == NULL && udp_sum(ip, udp, len) != 0xffff)) {
		ctr->c[IP_IF_drop_udp_bad]++;
		freemsg(mp);
		return 1;
	}
	struct udp_slot *us = udp_port_find(ip_get16(udp + 2), ip_get32(ip + 16));
	if (us == NULL)
		return 0;	/* ip still points into mp, for the ICMP quote */
	if (mp->b_cont != NULL) {	/* one block: checksum and cut in place */
		ptrdiff_t off = udp - mp->b_rptr;
		if (!pullupmsg(mp, -1)) {
			ctr->c[IP_IF_drop_nomem]++;
			freemsg(mp);
			return 1;
		}
		udp = mp->b_rptr + off;
		ip = udp - hlen;
		if (summed && udp_sum(ip, udp, len) != 0xffff) {
			ctr->c[IP_IF_drop_udp_bad]++;
			freemsg(mp);
			return 1;
		}
	}

	/* T_UNITDATA_IND: the source, and the destination if asked for. */
	int dst_opt = __atomic_load_n(&us->us_recvdst, __ATOMIC_RELAXED) != 0;
	const size_t opt_len = sizeof(struct t_opthdr) + sizeof(struct in_addr);
	struct T_unitdata_ind t = {
		.PRIM_type = T_UNITDATA_IND,
		.SRC_length = sizeof(struct sockaddr_in),
		.SRC_offset = sizeof t,
		.OPT_length = dst_opt ? (t_scalar_t)opt_len : 0,
		.OPT_offset = dst_opt ? (t_scalar_t)(sizeof t + sizeof(struct sockaddr_in)) : 0,
	};
	mblk_t *ind = allocb(sizeof t + sizeof(struct sockaddr_in) + opt_len, BPRI_MED);
	if (ind == NULL) {
		__atomic_fetch_add(&us->us_nomem, 1, __ATOMIC_RELAXED);
		ctr->c[IP_IF_drop_nomem]++;
		freemsg(mp);
		return 1;
	}
	struct sockaddr_in src = {.sin_family = AF_INET};
	memcpy(&src.sin_port, udp, 2);		/* both in network order */
	memcpy(&src.sin_addr, ip + 12, 4);
	memcpy(ind->b_wptr, &t, sizeof t);
	memcpy(ind->b_wptr + sizeof t, &src, sizeof src);
	ind->b_wptr += sizeof t + sizeof src;
	if (dst_opt) {
		struct t_opthdr h = {opt_len, T_INET_IP, T_IP_RECVDSTADDR, 0};
		memcpy(ind->b_wptr, &h, sizeof h);
		memcpy(ind->b_wptr + sizeof h, ip + 16, 4);
		ind->b_wptr += opt_len;
	}
	ind->b_datap->db_type = M_PROTO;
	mp->b_rptr = (uint8_t *)udp + UDP_HDR;
	mp->b_wptr = (uint8_t *)udp + len;
	ind->b_cont = mp;

	if (rte_ring_mp_enqueue(us->us_ring, ind) != 0) {
		__atomic_fetch_add(&us->us_rcvbuf_full, 1, __ATOMIC_RELAXED);
		ctr->c[IP_IF_drop_udp_full]++;
		freemsg(ind);
		wake(us);	/* it may have missed one */
		return 1;
	}
	__atomic_fetch_add(&us->us_in, 1, __ATOMIC_RELAXED);
	ctr->c[IP_IF_udp_in]++;
	wake(us);
	return 1;
}

/* One datagram an endpoint sent: routed as this lane's own. */
void
udp_lane_out(struct ip_lane *ln, mblk_t *mp)
{
	uint8_t *ip = mp->b_rptr + IP_ETHER_HDR;
	unsigned tlen = ip_get16(ip + 2);
	uint32_t dst = ip_get32(ip + 16);
	struct ip_nexthop nh;
	struct ip_if *ifp = NULL;

	if (ip_fib_lookup(ip_rt.fib, dst, &nh) == 0 && !(nh.flags & IP_NH_REJECT))
		ifp = ip_if_at(nh.ifindex);
	if (ifp == NULL) {	/* the route went since the owner looked */
		ln->il_unassigned.c[IP_IF_drop_no_route]++;
		freemsg(mp);
		return;
	}
	struct ip_counters *ctr = &ifp->if_ctr[ln->il_id];
	ctr->c[IP_IF_udp_out]++;
	if (nh.flags & IP_NH_LOCAL) {	/* to ourselves: straight in */
		if (!udp_input(ctr, mp, ip, (ip[0] & 0xfu) * 4u, tlen)) {
			ctr->c[IP_IF_drop_local_proto]++;
			freemsg(mp);
		}
		return;
	}
	ip_output(ln, ifp, nh.gateway != 0 ? nh.gateway : dst, mp);
}

int
udp_lane_post(const struct ip_if *out, mblk_t *mp)
{
	struct ip_lane *pick = NULL;
	strdp_sched_t *here = strdp_sched_current();

	/* A lane with a lower on the way out; this thread's own if it is one,
	 * so that the datagram crosses no thread. */
	for (unsigned i = 0; i < IP_MAX_LANES; i++) {
		struct ip_lane *ln = &ip_rt.lanes[i];
		if (ln->il_sched == NULL || ln->il_inbox == NULL ||
		    (out != NULL && out->if_lower[i] == NULL))
			continue;
		if (pick == NULL || ln->il_sched == here)
			pick = ln;
	}
	if (pick == NULL)
		return ENETDOWN;
	return rte_ring_mp_enqueue(pick->il_inbox, mp) == 0 ? 0 : EAGAIN;
}
