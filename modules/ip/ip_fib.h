/*
 * ip_fib: the IPv4 forwarding table of the `ip` multiplexor
 * (docs/ip-plan.md). Lanes look routes up without a lock while one writer
 * (the control thread) adds, replaces and deletes them.
 *
 * The contract:
 *  - addresses and prefixes are in host byte order;
 *  - one writer at a time: ip_fib_add, ip_fib_del, ip_fib_reclaim,
 *    ip_fib_walk and ip_fib_free are the writer's (the caller
 *    serialises them); ip_fib_lookup* may run on any number of threads,
 *    each registered with the fib's rte_rcu_qsbr and online while it
 *    looks up, reporting quiescent (rte_rcu_qsbr_quiescent) between
 *    lookups, once per poll loop;
 *  - a lookup returns a copy of the next hop, consistent as of some
 *    moment during the call: the route before a change or the one after,
 *    never a mix, never a freed entry.
 *
 * How: routes of length 1..32 live in rte_lpm, whose tbl8 groups are
 * reclaimed through its own RCU defer queue (rte_lpm_rcu_qsbr_add);
 * 0.0.0.0/0, which rte_lpm cannot hold, is one published index. Next hops
 * are slots of a table of their own, shared by every route that names the
 * same (gateway, interface) and counted by the writer; a slot no route
 * uses goes through an RCU defer queue before it is reused, so a reader
 * that found its index before the delete still reads what it found.
 * The RCU defer queue and rte_lpm's RCU hook are experimental in DPDK
 * 22.11; this file's build allows them.
 */
#ifndef STRDP_IP_FIB_H
#define STRDP_IP_FIB_H

#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

struct rte_rcu_qsbr;
struct ip_fib;

struct ip_nexthop {
	uint32_t gateway; /* 0: the destination is on the link itself */
	uint16_t ifindex; /* the interface (a linked lower stream) */
	uint16_t flags;   /* IP_NH_* */
};

#define IP_NH_LOCAL 0x1  /* an address of ours: deliver up, do not forward */
#define IP_NH_REJECT 0x2 /* unreachable: drop, ICMP destination unreachable */
#define IP_NH_FLAGS (IP_NH_LOCAL | IP_NH_REJECT)

struct ip_fib_conf {
	const char *name;       /* unique among fibs, at most 20 characters */
	uint32_t max_routes;    /* 0..32-bit prefixes, the default route included */
	uint32_t max_nexthops;  /* distinct next hops, at most 1 << 24 */
	int socket_id;          /* where the tables live (SOCKET_ID_ANY) */
	struct rte_rcu_qsbr *qs; /* the lanes that look up */
};

/* A new empty table; NULL with rte_errno set (EINVAL, ENOMEM, EEXIST). */
struct ip_fib *ip_fib_create(const struct ip_fib_conf *conf);
/* Frees the table; no reader may be looking up any more. */
void ip_fib_free(struct ip_fib *fib);

/* ip_fib_add flags: replace a route of the same prefix and length
 * (without it, such a route is EEXIST, as ip route add says). */
#define IP_FIB_REPLACE 0x1

/*
 * Adds prefix/depth via nh. 0, or a negative errno: -EINVAL (depth over
 * 32, bits set past the prefix length, unknown nh flags, unknown add
 * flags), -EEXIST, -ENOSPC (max_routes reached, or every next hop slot
 * in use or still in its grace period: see ip_fib_reclaim), -ENOMEM
 * (rte_lpm is out of tbl8 groups).
 */
int ip_fib_add(struct ip_fib *fib, uint32_t prefix, uint8_t depth,
	       const struct ip_nexthop *nh, unsigned flags);
/* Deletes prefix/depth: 0, -EINVAL or -ENOENT. */
int ip_fib_del(struct ip_fib *fib, uint32_t prefix, uint8_t depth);
/* Makes free the next hop slots whose grace period is over; how many. */
unsigned ip_fib_reclaim(struct ip_fib *fib);

/* The longest prefix that holds dst: 0 and *nh, or -ENOENT. */
int ip_fib_lookup(const struct ip_fib *fib, uint32_t dst, struct ip_nexthop *nh);
/*
 * A burst: nh[i] for dst[i], found[i] 1 or 0 (no route). One rte_lpm bulk
 * lookup for the whole burst.
 */
void ip_fib_lookup_bulk(const struct ip_fib *fib, const uint32_t *dst,
			struct ip_nexthop *nh, uint8_t *found, unsigned n);

/* Every route, in no particular order; a non-zero return of fn stops the
 * walk and is returned. */
typedef int (*ip_fib_walk_fn)(void *arg, uint32_t prefix, uint8_t depth,
			      const struct ip_nexthop *nh);
int ip_fib_walk(const struct ip_fib *fib, ip_fib_walk_fn fn, void *arg);
uint32_t ip_fib_count(const struct ip_fib *fib);
/* Next hop slots held by routes, and those waiting out a grace period. */
uint32_t ip_fib_nexthops_used(const struct ip_fib *fib);
uint32_t ip_fib_nexthops_deferred(const struct ip_fib *fib);

#ifdef __cplusplus
}
#endif

#endif /* STRDP_IP_FIB_H */
