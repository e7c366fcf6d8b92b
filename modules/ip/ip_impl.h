/*
 * The ip router's private structures (contract: <strdp/ip.h>; design:
 * docs/ip.md). Not installed.
 *
 * Ownership, which is what lets the data path run without locks:
 *  - a lane (struct ip_lane) is one scheduler; everything of a lane (its
 *    lowers, their ARP caches, its ICMP bucket, the counters of its
 *    slot in every interface) is touched only by that scheduler's thread,
 *    but for counters read (not written) by IP_IOC_STATS;
 *  - an interface (struct ip_if) is created once and never freed while
 *    the plugin is loaded; its address, prefix, MTU and MAC are written
 *    before it is published in ip_rt.ifs (release) and never change, so
 *    a lane that finds it (acquire) reads them without a lock; its slot
 *    lower[i] is lane i's alone;
 *  - the forwarding table is ip_fib's: lookups without locks, changes
 *    under ip_rt.lock, next hops reclaimed through RCU (each lane reports
 *    quiescent once per pass of its loop, in its poller).
 */
#ifndef IP_IMPL_H
#define IP_IMPL_H

#include <sys/types.h>
#include <sys/stream.h>
#include <sys/ddi.h>
#include <sys/cmn_err.h>
#include <sys/kmem.h>
#include <pthread.h>
#include <stdint.h>

#include <strdp/ip.h>
#include <strdp/strdp.h>

#include "ip_arp.h"
#include "ip_fib.h"
#include "ip_icmp.h"

#define IP_PRIVATE __attribute__((visibility("hidden")))

#define IP_LMAGIC 0x69706c6fu /* "iplo": q_ptr of a lower queue */
#define IP_ETHER_HDR 14
#define IP_ETHERTYPE_IP 0x0800
#define IP_ETHERTYPE_ARP 0x0806

/* One interface on one lane. */
struct ip_counters {
	uint64_t c[IP_IF_COUNT_];
	uint64_t input_drops[IP_DROP_COUNT_];
	uint64_t arp_drops[IP_ARP_DROP_COUNT_]; /* parse drops, and caches gone */
	uint64_t icmp_no[IP_ICMP_NO_COUNT_];
};

struct ip_lower;
struct rte_ring;

struct ip_lane {
	strdp_sched_t	*il_sched;	/* NULL: a free slot */
	unsigned	il_id;		/* slot, and RCU thread id */
	unsigned	il_opens;	/* ip streams open on it */
	int		il_poller;
	uint64_t	il_now_ms;	/* the lane's clock, read once a pass */
	uint64_t	il_tick_ms;	/* ARP timers last run */
	struct ip_icmp_bucket il_icmp;
	struct ip_lower	*il_lowers;	/* linked on this lane */
	struct ip_counters il_unassigned; /* lowers with no interface yet */
	struct rte_ring	*il_inbox;	/* MPSC, made with the slot and kept:
					   what other threads hand this lane
					   (ip_lane_inbox) */
};

enum ip_lower_state {
	IP_LS_ASKED,	/* DL_INFO_REQ sent, no answer yet */
	IP_LS_READY,	/* an Ethernet provider: MAC and MTU known */
	IP_LS_UNUSABLE,	/* answered, but not a provider the router can use */
};

struct ip_upper;
struct ip_if;

struct ip_lower {
	uint32_t	lo_magic;
	queue_t		*lo_wq;		/* l_qbot: send frames down it */
	queue_t		*lo_rq;
	struct ip_lane	*lo_lane;
	struct ip_if	*lo_ifp;	/* NULL until IP_IOC_IFSET */
	struct ip_counters *lo_ctr;	/* the interface's slot, or the lane's */
	struct ip_arp_cache *lo_arp;
	struct ip_upper	*lo_owner;	/* linked under it; NULL once closed */
	int		lo_muxid;
	int		lo_persistent;
	enum ip_lower_state lo_state;
	int		lo_up;		/* link state, DL_NOTIFY_IND */
	uint32_t	lo_max_sdu;
	uint8_t		lo_mac[6];
	/* The fast path's last neighbour on this link (ip_fast.c), good
	 * until lo_memo_until_ms unless ARP on this lower says otherwise
	 * (then lo_memo_ip is cleared). */
	uint8_t		lo_memo_mac[6];
	uint32_t	lo_memo_ip;
	uint64_t	lo_memo_until_ms;
	struct ip_lower	*lo_next;	/* the lane's list */
};

struct ip_if {
	char		if_name[IP_IFNAMSIZ];
	unsigned	if_index;	/* in ip_rt.ifs and in next hops */
	uint32_t	if_addr, if_plen, if_mask, if_mtu;
	uint32_t	if_bcast;	/* 0 for /31 and /32 */
	uint8_t		if_mac[6];
	unsigned	if_lanes;	/* lowers in lower[] */
	struct ip_lower	*if_lower[IP_MAX_LANES];
	struct ip_counters if_ctr[IP_MAX_LANES];
};

/* An upper stream (an open of "ip"). */
struct ip_upper {
	queue_t		*up_rq;
	struct ip_lane	*up_lane;
	minor_t		up_minor;
	struct ip_upper	*up_next;
};

/* A removed interface, freed once no lane can still be reading it. */
struct ip_retired {
	struct ip_if	*ifp;
	uint64_t	token;		/* rte_rcu_qsbr_start */
	struct ip_retired *next;
};

struct ip_router {
	pthread_mutex_t	lock;		/* everything but the data path */
	struct rte_rcu_qsbr *qs;
	struct ip_fib	*fib;		/* made at the first open */
	struct ip_if	*ifs[IP_MAX_IFS];
	struct ip_upper	*uppers;
	struct ip_retired *retired;
	struct ip_lane	lanes[IP_MAX_LANES];
	uint64_t	upper_drops;
};

IP_PRIVATE extern struct ip_router ip_rt;

/* ip_router.c: the router's state, lanes and their poller. A lane's
 * inbox takes M_DATA (a datagram a /dev/udp endpoint sends, udp_lane.c)
 * and M_PROTO (ARP news from another lane of an interface, ip_data.c). */
IP_PRIVATE int ip_router_start(void);
IP_PRIVATE struct ip_lane *ip_lane_get(strdp_sched_t *s);
IP_PRIVATE void ip_lane_put(struct ip_lane *ln);
IP_PRIVATE void ip_lane_release_idle(struct ip_lane *ln);
IP_PRIVATE struct ip_if *ip_if_at(unsigned index);

/* ip_if.c: interfaces, and what the lower's provider says. */
IP_PRIVATE int ip_lower_link(struct ip_upper *up, struct linkblk *lp);
IP_PRIVATE int ip_lower_unlink(struct ip_upper *up, int cmd, struct linkblk *lp);
IP_PRIVATE void ip_lower_dlpi(struct ip_lower *lo, mblk_t *mp);
IP_PRIVATE int ip_ifset(struct ip_upper *up, const struct ip_ifreq *rq);
IP_PRIVATE int ip_if_stats(mblk_t *mp, size_t *countp);
IP_PRIVATE struct ip_if *ip_if_on_link(uint32_t addr);
IP_PRIVATE struct ip_if *ip_if_named(const char *name);

/* ip_route.c: IP_IOC_ROUTE_*. */
IP_PRIVATE int ip_route_add(const struct ip_rtreq *rq);
IP_PRIVATE int ip_route_del(const struct ip_rtreq *rq);
IP_PRIVATE int ip_route_list(mblk_t *mp, size_t *countp);

/* ip_data.c: what comes up a lower. */
IP_PRIVATE int ip_lrput(queue_t *q, mblk_t *mp);
/* ARP news from another lane of an interface (ip_arp_share's record,
 * freed here). */
IP_PRIVATE void ip_arp_news(struct ip_lane *ln, mblk_t *rec);
IP_PRIVATE int ip_lwput(queue_t *q, mblk_t *mp);
/* ip_fast.c: the frame fast path of a lower's read side. */
IP_PRIVATE unsigned int ip_lrputf(queue_t *q, strdp_frame_t **f, unsigned int n);

/* ip_output.c: what leaves. mp's b_rptr is at the Ethernet header's
 * place, the IPv4 header after it. */
IP_PRIVATE void ip_route_out(struct ip_lane *ln, struct ip_counters *ctr, mblk_t *mp);
IP_PRIVATE void ip_output(struct ip_lane *ln, struct ip_if *ifp, uint32_t nexthop, mblk_t *mp);
IP_PRIVATE void ip_send_frame(struct ip_lower *lo, mblk_t *mp);
/* With the Ethernet header written for an IPv4 datagram to mac; room:
 * what canputnext(lo->lo_wq) said. */
IP_PRIVATE void ip_send_to(struct ip_lower *lo, mblk_t *mp, const uint8_t mac[6], int room);
IP_PRIVATE void ip_arp_send(struct ip_lower *lo, uint16_t op, const uint8_t tha[6],
			    uint32_t tpa, const uint8_t eth_dst[6]);
IP_PRIVATE void ip_icmp_send_error(struct ip_lower *in, const uint8_t *ip, unsigned tlen,
				   uint8_t type, uint8_t code, uint16_t mtu);

static inline uint32_t ip_mask_of(uint32_t plen)
{
	return plen == 0 ? 0 : ~0u << (32 - plen);
}

static inline uint16_t ip_get16(const uint8_t *p)
{
	return (uint16_t)(p[0] << 8 | p[1]);
}

#endif /* IP_IMPL_H */
