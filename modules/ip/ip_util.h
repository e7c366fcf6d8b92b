/*
 * Small pieces the ip multiplexor's files share: big-endian 32-bit loads
 * and stores on byte buffers (no alignment assumed), and the one way its
 * tables make an rte_hash. Not part of any interface.
 */
#ifndef STRDP_IP_UTIL_H
#define STRDP_IP_UTIL_H

#include <stdint.h>
#include <stdio.h>

#include <rte_hash.h>
#include <rte_jhash.h>

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

#endif /* STRDP_IP_UTIL_H */
