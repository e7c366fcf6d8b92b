/*
 * /dev/udp's private structures (contract: <strdp/udp.h>, <strdp/tpi.h>;
 * design: docs/ip.md "UDP"). Not installed.
 *
 * An endpoint's stream belongs to whichever scheduler opened it (an
 * application's, the apps service's); datagrams for it arrive on the
 * router's lanes, other schedulers. Nothing of the stream is touched
 * across that line. What crosses is:
 *
 *  - lane -> endpoint: a slot (struct udp_slot) of a table that lives as
 *    long as the plugin. A lane finds it through the port table (an
 *    atomic index), puts the T_UNITDATA_IND into its MPSC ring and, if
 *    no wake is pending, posts a notification (strdp_sched_notify) to
 *    the endpoint's scheduler carrying the slot and its generation. The
 *    owner runs it, and enables the read queue only when the generation
 *    still matches, so a notification that outlives its endpoint does
 *    nothing. The read service procedure moves datagrams up while the
 *    stream head takes them: the ring is the receive buffer, a full one
 *    is the lane's counted drop.
 *  - endpoint -> lane: each lane has an MPSC ring (il_inbox), made with
 *    its slot and never freed; the lane drains it in its poller and
 *    routes each datagram as one of its own.
 *
 * Lifetimes: a lane reads a slot between two of its quiescent states
 * (rte_rcu_qsbr, the router's). A close unpublishes the port, bumps the
 * generation and waits (bounded) for a grace period before the slot and
 * what is left in its ring are freed, so that no lane is still about to
 * post to a scheduler that is about to go away. A slot is reused only
 * after that.
 */
#ifndef UDP_IMPL_H
#define UDP_IMPL_H

#include <netinet/in.h>

#include <strdp/tpi.h>
#include <strdp/udp.h>

#include "ip_impl.h"

#define UDP_SLOTS 1024		/* endpoints open at once */
#define UDP_RCVBUF 1024		/* datagrams an endpoint's ring holds */
#define UDP_TXRING 4096		/* datagrams a lane's output ring holds */
#define UDP_HDR 8
#define UDP_MAX_PAYLOAD (65535 - 20 - UDP_HDR)
#define UDP_EPHEMERAL_LO 49152
#define UDP_DEFAULT_TTL 64

struct rte_ring;

/* Shared with the lanes. */
struct udp_slot {
	struct rte_ring	*us_ring;	/* MPSC; made at first use, kept */
	strdp_sched_t	*us_sched;	/* the endpoint's owner */
	uint32_t	us_gen;		/* atomic; bumped at each close */
	uint32_t	us_addr;	/* atomic; the bound address, 0: any */
	uint32_t	us_wake;	/* atomic; 1: a wake is posted or due */
	uint32_t	us_recvdst;	/* atomic; T_IP_RECVDSTADDR is on */
	int		us_used;	/* under udp_lock */
	struct udp_ep	*us_ep;		/* the owner's thread only */
	uint64_t	us_in;		/* atomic, lanes: queued for it */
	uint64_t	us_rcvbuf_full;	/* atomic, lanes: its ring was full */
	uint64_t	us_nomem;	/* atomic, lanes: no buffer for the header */
};

/* The endpoint: its stream's owner thread only. */
struct udp_ep {
	queue_t		*ue_rq;
	unsigned	ue_slot;
	int		ue_state;	/* TS_UNBND or TS_IDLE */
	uint32_t	ue_addr;	/* host order, 0: any */
	uint16_t	ue_port;	/* host order, 0: unbound */
	int		ue_privileged;	/* opened by uid 0: ports < 1024 */
	uint8_t		ue_ttl, ue_tos, ue_cksum, ue_recvdst;
	struct udp_ep_stats ue_st;	/* the owner's counters */
};

IP_PRIVATE extern struct udp_slot udp_slots[UDP_SLOTS];

/* udp_ports.c: slots and the port table (any thread, under udp_lock but
 * for the lanes' lookup). */
IP_PRIVATE int udp_slot_take(strdp_sched_t *s, struct udp_ep *ep);
IP_PRIVATE void udp_slot_release(struct udp_ep *ep);
IP_PRIVATE int udp_port_bind(struct udp_ep *ep, uint32_t addr, uint16_t port, int *tli,
			     int *uerr);
IP_PRIVATE void udp_port_unbind(struct udp_ep *ep);
/* Is addr (host order) one of the router's? With ip_rt.lock held. */
IP_PRIVATE int udp_addr_is_ours_locked(uint32_t addr);
/* The lanes' lookup: the slot bound to (port, dst), or NULL. */
IP_PRIVATE struct udp_slot *udp_port_find(uint16_t port, uint32_t dst);

/* udp_tpi.c: what the user sends down (the owner's thread). */
IP_PRIVATE void udp_wput_proto(queue_t *q, mblk_t *mp);
IP_PRIVATE void udp_wput_data(queue_t *q, mblk_t *mp);

/* udp_lane.c: the lanes' side. */
IP_PRIVATE uint16_t udp_sum(const uint8_t *ip, const uint8_t *udp, unsigned len);
IP_PRIVATE int udp_input(struct ip_counters *ctr, mblk_t *mp, const uint8_t *ip,
			 unsigned hlen, unsigned tlen);
/* A datagram from the lane's inbox: routed as the lane's own. */
IP_PRIVATE void udp_lane_out(struct ip_lane *ln, mblk_t *mp);
/* The owner: hands a complete datagram (b_rptr at the Ethernet header's
 * place) to a lane that can send it; EAGAIN when its ring is full,
 * ENETDOWN when no lane is there. With ip_rt.lock held. */
IP_PRIVATE int udp_lane_post(const struct ip_if *out, mblk_t *mp);

#endif /* UDP_IMPL_H */
