/*
 * ip_fib: rte_lpm routes, next hop slots behind RCU (ip_fib.h).
 *
 * Rules kept here:
 *  - a next hop slot is written only while no route points at it and no
 *    reader can still hold its index (free, its grace period over); the
 *    release fence after the write orders it before the rte_lpm entry or
 *    the default index that makes it reachable;
 *  - the writer's route list (routes[], indexed by route_ix) is the truth
 *    for EEXIST/ENOENT and for walks; rte_lpm is told nothing it refuses
 *    afterwards: every check that can fail runs before it is changed;
 *  - 0.0.0.0/0 is default_nh (rte_lpm depths start at 1), read by a
 *    lookup that rte_lpm answered with a miss.
 */
#include "ip_fib.h"
#include "ip_util.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <rte_errno.h>
#include <rte_lpm.h>
#include <rte_malloc.h>
#include <rte_rcu_qsbr.h>

#define NO_ROUTE UINT32_MAX
#define NAME_MAX_LEN 20
#define BULK_CHUNK 64

struct route_key {
	uint32_t prefix;
	uint32_t depth; /* 32 bits: no padding in a hash key */
};

struct fib_route {
	uint32_t prefix;
	uint8_t depth;
	uint32_t nh; /* slot */
};

struct ip_fib {
	/* What readers touch. */
	struct rte_lpm *lpm;
	struct ip_nexthop *nh; /* max_nh slots */
	uint32_t default_nh;   /* NO_ROUTE or a slot; atomic */
	/* The writer's. */
	struct rte_rcu_qsbr_dq *nh_dq;
	struct rte_hash *route_ix; /* route_key -> position in routes */
	struct rte_hash *nh_ix;    /* ip_nexthop -> slot */
	uint32_t *nh_refs;
	uint32_t *nh_free;
	uint32_t nh_nfree, nh_deferred, max_nh;
	struct fib_route *routes;
	uint32_t nroutes, max_routes;
};

static uint32_t prefix_mask(uint8_t depth)
{
	return depth == 0 ? 0 : UINT32_MAX << (32 - depth);
}

/* A create that failed part way: what it made goes, rte_errno is err. */
static struct ip_fib *create_failed(struct ip_fib *fib, int err)
{
	ip_fib_free(fib);
	rte_errno = err;
	return NULL;
}

/* The defer queue's free routine: slots whose grace period is over. */
static void nh_release(void *p, void *e, unsigned int n)
{
	struct ip_fib *fib = p;
	const uint32_t *slots = e;
	for (unsigned int i = 0; i < n; i++) {
		fib->nh_free[fib->nh_nfree++] = slots[i];
		fib->nh_deferred--;
	}
}

struct ip_fib *ip_fib_create(const struct ip_fib_conf *conf)
{
	if (conf == NULL || conf->name == NULL || strlen(conf->name) == 0 ||
	    strlen(conf->name) > NAME_MAX_LEN || conf->qs == NULL || conf->max_routes == 0 ||
	    conf->max_nexthops == 0 || conf->max_nexthops > (1u << 24)) {
		rte_errno = EINVAL;
		return NULL;
	}
	struct ip_fib *fib = calloc(1, sizeof *fib);
	if (fib == NULL) {
		rte_errno = ENOMEM;
		return NULL;
	}
	int socket = conf->socket_id;
	fib->max_nh = conf->max_nexthops;
	fib->max_routes = conf->max_routes;
	fib->default_nh = NO_ROUTE;
	fib->nh = rte_zmalloc_socket("ip_fib_nh", sizeof *fib->nh * fib->max_nh,
				     RTE_CACHE_LINE_SIZE, socket);
	fib->nh_refs = calloc(fib->max_nh, sizeof *fib->nh_refs);
	fib->nh_free = calloc(fib->max_nh, sizeof *fib->nh_free);
	fib->routes = calloc(fib->max_routes, sizeof *fib->routes);
	if (fib->nh == NULL || fib->nh_refs == NULL || fib->nh_free == NULL ||
	    fib->routes == NULL)
		return create_failed(fib, ENOMEM);
	fib->nh_nfree = ip_free_stack_fill(fib->nh_free, fib->max_nh);

	char n[RTE_LPM_NAMESIZE];
	snprintf(n, sizeof n, "fib_%s", conf->name);
	uint32_t tbl8s = conf->max_routes < 256 ? 256 : conf->max_routes;
	struct rte_lpm_config lc = {
		.max_rules = conf->max_routes,
		.number_tbl8s = tbl8s > 65536 ? 65536 : tbl8s,
	};
	fib->lpm = rte_lpm_create(n, socket, &lc);
	if (fib->lpm == NULL)
		return create_failed(fib, rte_errno);
	struct rte_lpm_rcu_config rc = {.v = conf->qs, .mode = RTE_LPM_QSBR_MODE_DQ};
	fib->route_ix = ip_hash_create("fibr", conf->name, conf->max_routes,
				       sizeof(struct route_key), socket);
	fib->nh_ix = ip_hash_create("fibn", conf->name, fib->max_nh, sizeof(struct ip_nexthop),
				    socket);
	snprintf(n, sizeof n, "fibq_%s", conf->name);
	struct rte_rcu_qsbr_dq_parameters dp = {
		.name = n,
		.size = fib->max_nh,
		.esize = sizeof(uint32_t),
		.trigger_reclaim_limit = 0, /* try at every enqueue */
		.max_reclaim_size = fib->max_nh,
		.free_fn = nh_release,
		.p = fib,
		.v = conf->qs,
	};
	if (rte_lpm_rcu_qsbr_add(fib->lpm, &rc) != 0 || fib->route_ix == NULL ||
	    fib->nh_ix == NULL || (fib->nh_dq = rte_rcu_qsbr_dq_create(&dp)) == NULL)
		return create_failed(fib, rte_errno != 0 ? rte_errno : ENOMEM);
	return fib;
}

void ip_fib_free(struct ip_fib *fib)
{
	if (fib == NULL)
		return;
	if (fib->nh_dq != NULL)
		rte_rcu_qsbr_dq_delete(fib->nh_dq); /* no reader is online: all go */
	rte_lpm_free(fib->lpm);
	rte_hash_free(fib->route_ix);
	rte_hash_free(fib->nh_ix);
	rte_free(fib->nh);
	free(fib->nh_refs);
	free(fib->nh_free);
	free(fib->routes);
	free(fib);
}

unsigned ip_fib_reclaim(struct ip_fib *fib)
{
	unsigned int freed = 0, pending = 0, avail = 0;
	rte_rcu_qsbr_dq_reclaim(fib->nh_dq, fib->max_nh, &freed, &pending, &avail);
	return freed;
}

/* A slot holding nh, shared with the routes that already use it: the
 * slot, or -ENOSPC. */
static int64_t nh_get(struct ip_fib *fib, const struct ip_nexthop *nh)
{
	void *data;
	if (rte_hash_lookup_data(fib->nh_ix, nh, &data) >= 0) {
		uint32_t slot = (uint32_t)(uintptr_t)data;
		fib->nh_refs[slot]++;
		return slot;
	}
	if (fib->nh_nfree == 0)
		ip_fib_reclaim(fib);
	if (fib->nh_nfree == 0)
		return -ENOSPC;
	uint32_t slot = fib->nh_free[--fib->nh_nfree];
	if (rte_hash_add_key_data(fib->nh_ix, nh, (void *)(uintptr_t)slot) != 0) {
		fib->nh_free[fib->nh_nfree++] = slot;
		return -ENOSPC;
	}
	fib->nh[slot] = *nh;
	/* The slot's bytes before whatever makes the slot reachable. */
	__atomic_thread_fence(__ATOMIC_RELEASE);
	fib->nh_refs[slot] = 1;
	return slot;
}

static void nh_put(struct ip_fib *fib, uint32_t slot)
{
	if (--fib->nh_refs[slot] != 0)
		return;
	rte_hash_del_key(fib->nh_ix, &fib->nh[slot]);
	fib->nh_deferred++;
	/* Cannot be full: it holds each slot at most once. */
	if (rte_rcu_qsbr_dq_enqueue(fib->nh_dq, &slot) != 0) {
		/* Lost to reuse, never to a reader: the slot stays out. */
		fib->nh_deferred--;
	}
}

static int check_route(uint32_t prefix, uint8_t depth)
{
	if (depth > 32 || (prefix & ~prefix_mask(depth)) != 0)
		return -EINVAL;
	return 0;
}

static int find_route(const struct ip_fib *fib, uint32_t prefix, uint8_t depth, uint32_t *pos)
{
	struct route_key k = {prefix, depth};
	void *data;
	if (rte_hash_lookup_data(fib->route_ix, &k, &data) < 0)
		return -ENOENT;
	*pos = (uint32_t)(uintptr_t)data;
	return 0;
}

int ip_fib_add(struct ip_fib *fib, uint32_t prefix, uint8_t depth,
	       const struct ip_nexthop *nh, unsigned flags)
{
	if (fib == NULL || nh == NULL || (flags & ~IP_FIB_REPLACE) != 0 ||
	    (nh->flags & ~IP_NH_FLAGS) != 0)
		return -EINVAL;
	if (check_route(prefix, depth) != 0)
		return -EINVAL;
	uint32_t pos;
	int exists = find_route(fib, prefix, depth, &pos) == 0;
	if (exists && !(flags & IP_FIB_REPLACE))
		return -EEXIST;
	if (!exists && fib->nroutes == fib->max_routes)
		return -ENOSPC;
	int64_t slot = nh_get(fib, nh);
	if (slot < 0)
		return (int)slot;
	if (depth == 0) {
		__atomic_store_n(&fib->default_nh, (uint32_t)slot, __ATOMIC_RELEASE);
	} else {
		int r = rte_lpm_add(fib->lpm, prefix, depth, (uint32_t)slot);
		if (r != 0) {
			nh_put(fib, (uint32_t)slot);
			return r == -ENOSPC ? -ENOMEM : r;
		}
	}
	if (exists) {
		uint32_t old = fib->routes[pos].nh;
		fib->routes[pos].nh = (uint32_t)slot;
		nh_put(fib, old);
		return 0;
	}
	struct route_key k = {prefix, depth};
	pos = fib->nroutes;
	if (rte_hash_add_key_data(fib->route_ix, &k, (void *)(uintptr_t)pos) != 0) {
		/* The hash was sized for max_routes: undo what readers saw. */
		if (depth == 0)
			__atomic_store_n(&fib->default_nh, NO_ROUTE, __ATOMIC_RELEASE);
		else
			rte_lpm_delete(fib->lpm, prefix, depth);
		nh_put(fib, (uint32_t)slot);
		return -ENOSPC;
	}
	fib->routes[pos] = (struct fib_route){prefix, depth, (uint32_t)slot};
	fib->nroutes++;
	return 0;
}

int ip_fib_del(struct ip_fib *fib, uint32_t prefix, uint8_t depth)
{
	if (fib == NULL || check_route(prefix, depth) != 0)
		return -EINVAL;
	uint32_t pos;
	if (find_route(fib, prefix, depth, &pos) != 0)
		return -ENOENT;
	if (depth == 0)
		__atomic_store_n(&fib->default_nh, NO_ROUTE, __ATOMIC_RELEASE);
	else
		rte_lpm_delete(fib->lpm, prefix, depth);
	nh_put(fib, fib->routes[pos].nh);
	struct route_key k = {prefix, depth};
	rte_hash_del_key(fib->route_ix, &k);
	uint32_t last = --fib->nroutes;
	if (pos != last) {
		fib->routes[pos] = fib->routes[last];
		struct route_key mk = {fib->routes[pos].prefix, fib->routes[pos].depth};
		rte_hash_add_key_data(fib->route_ix, &mk, (void *)(uintptr_t)pos); /* updates */
	}
	return 0;
}

int ip_fib_lookup(const struct ip_fib *fib, uint32_t dst, struct ip_nexthop *nh)
{
	uint32_t slot;
	if (rte_lpm_lookup(fib->lpm, dst, &slot) != 0) {
		slot = __atomic_load_n(&fib->default_nh, __ATOMIC_ACQUIRE);
		if (slot == NO_ROUTE)
			return -ENOENT;
	}
	*nh = fib->nh[slot];
	return 0;
}

void ip_fib_lookup_bulk(const struct ip_fib *fib, const uint32_t *dst,
			struct ip_nexthop *nh, uint8_t *found, unsigned n)
{
	uint32_t hops[BULK_CHUNK];
	for (unsigned base = 0; base < n; base += BULK_CHUNK) {
		unsigned k = n - base < BULK_CHUNK ? n - base : BULK_CHUNK;
		rte_lpm_lookup_bulk(fib->lpm, dst + base, hops, k);
		uint32_t dflt = NO_ROUTE;
		int dflt_read = 0;
		for (unsigned i = 0; i < k; i++) {
			uint32_t slot;
			if (hops[i] & RTE_LPM_LOOKUP_SUCCESS) {
				slot = hops[i] & 0x00ffffffu;
			} else {
				if (!dflt_read) {
					dflt = __atomic_load_n(&fib->default_nh, __ATOMIC_ACQUIRE);
					dflt_read = 1;
				}
				slot = dflt;
			}
			found[base + i] = slot != NO_ROUTE;
			if (slot != NO_ROUTE)
				nh[base + i] = fib->nh[slot];
		}
	}
}

int ip_fib_walk(const struct ip_fib *fib, ip_fib_walk_fn fn, void *arg)
{
	for (uint32_t i = 0; i < fib->nroutes; i++) {
		const struct fib_route *r = &fib->routes[i];
		int v = fn(arg, r->prefix, r->depth, &fib->nh[r->nh]);
		if (v != 0)
			return v;
	}
	return 0;
}

uint32_t ip_fib_count(const struct ip_fib *fib) { return fib->nroutes; }

uint32_t ip_fib_nexthops_used(const struct ip_fib *fib)
{
	return fib->max_nh - fib->nh_nfree - fib->nh_deferred;
}

uint32_t ip_fib_nexthops_deferred(const struct ip_fib *fib) { return fib->nh_deferred; }
