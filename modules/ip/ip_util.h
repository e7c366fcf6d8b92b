/*
 * Small pieces the ip multiplexor's files share: big-endian 32-bit loads
 * and stores on byte buffers (no alignment assumed), the header checksum,
 * the names of drop reasons, the free-index stacks of its tables, the one way they make an
 * rte_hash, and the emptying of a ring of messages. Not part of any interface.
 */
#ifndef STRDP_IP_UTIL_H
#define STRDP_IP_UTIL_H

#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <rte_hash.h>
#include <rte_ip.h>
#include <rte_jhash.h>
#include <rte_ring.h>
#include <strdp/stream.h>

static inline uint32_t ip_get32(const uint8_t *p)
{
	return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
}

static inline void ip_put32(uint8_t *p, uint32_t v)
{
	p[0] = (uint8_t)(v >> 24);
	p[1] = (uint8_t)(v >> 16);
	p[2] = (uint8_t)(v >> 8);
	p[3] = (uint8_t)v;
}

/* Writes the Internet checksum of n bytes at p into p + at (the field is
 * zeroed first). rte_raw_cksum sums the words as they lie in memory, and
 * a one's-complement sum stored the way it was read is right in either
 * byte order. */
static inline void ip_set_cksum(uint8_t *p, size_t n, size_t at)
{
	memset(p + at, 0, 2);
	uint16_t c = (uint16_t)~rte_raw_cksum(p, n);
	memcpy(p + at, &c, 2);
}

/* The name of reason v in a table made from an X-macro list, whose entry
 * 0 (no drop) is NULL; NULL outside 1..count-1. */
static inline const char *ip_reason_name(const char *const *names, int count, int v)
{
	return v > 0 && v < count ? names[v] : NULL;
}

/* Fills a stack of free indices 0..n-1, 0 on top (the first taken gets
 * the lowest index); returns n, the stack's depth. */
static inline uint32_t ip_free_stack_fill(uint32_t *stack, uint32_t n)
{
	for (uint32_t i = 0; i < n; i++)
		stack[i] = n - 1 - i;
	return n;
}

/* A single-writer rte_hash named "TAG_NAME" (names are global in DPDK),
 * of at least 8 entries; NULL with rte_errno set. */
static inline struct rte_hash *ip_hash_create(const char *tag, const char *name,
					      uint32_t entries, uint32_t key_len, int socket)
{
	char n[RTE_HASH_NAMESIZE];
	snprintf(n, sizeof n, "%s_%s", tag, name);
	struct rte_hash_parameters p = {
		.name = n,
		.entries = entries < 8 ? 8 : entries,
		.key_len = key_len,
		.hash_func = rte_jhash,
		.socket_id = socket,
	};
	return rte_hash_create(&p);
}

/* Frees every message left in a ring of mblk_t pointers (an inbox or a
 * receive ring nobody will read). The caller is its one consumer. */
static inline void ip_ring_free_msgs(struct rte_ring *r)
{
	void *mp;
	while (rte_ring_dequeue(r, &mp) == 0)
		freemsg(mp);
}

#endif /* STRDP_IP_UTIL_H */
