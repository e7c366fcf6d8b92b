/*
 * ip_arp: the ARP packet and one lane's neighbour cache (ip_arp.h).
 *
 * Rules kept here:
 *  - RFC 826's merge: a packet updates the sender's entry if there is
 *    one; it creates one only when it is addressed to us;
 *  - a packet from our own address, or from 0.0.0.0 (an RFC 5227 probe),
 *    teaches nothing; a probe for our address is still answered;
 *  - every message the cache takes is either given back (the neighbour
 *    answered) or freed with a drop reason counted: never lost silently.
 */
#include "ip_arp.h"
#include "ip_util.h"

#include <errno.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>


enum { ST_FREE, ST_INCOMPLETE, ST_VALID };

struct arp_entry {
	uint32_t ip;
	uint8_t mac[6];
	uint8_t state;
	uint32_t tries;
	uint64_t confirmed_ms; /* ST_VALID: the last answer */
	uint64_t next_ms;      /* ST_INCOMPLETE: the next request */
	mblk_t *pend_head, *pend_tail;
	uint32_t npend;
};

struct ip_arp_cache {
	struct ip_arp_conf conf;
	struct rte_hash *ix; /* ip -> entry index */
	struct arp_entry *e;
	uint32_t *free_ix, nfree;
	uint64_t drops[IP_ARP_DROP_COUNT_];
};

static const char *const drop_names[] = {
	NULL,
#define STRDP_ARP_DROP_NAME(name, text) #name,
	STRDP_ARP_DROP_REASONS(STRDP_ARP_DROP_NAME)
#undef STRDP_ARP_DROP_NAME
};

const char *ip_arp_drop_name(int verdict)
{
	return ip_reason_name(drop_names, IP_ARP_DROP_COUNT_, verdict);
}

enum ip_arp_verdict ip_arp_parse(const uint8_t *p, size_t len, struct ip_arp_pkt *out)
{
	static const uint8_t zero[6];
	if (len < IP_ARP_LEN)
		return IP_ARP_DROP_short_packet;
	if (p[0] != 0 || p[1] != 1 || p[2] != 0x08 || p[3] != 0x00 || p[4] != 6 || p[5] != 4)
		return IP_ARP_DROP_not_ethernet_ipv4;
	out->op = (uint16_t)(p[6] << 8 | p[7]);
	if (out->op != IP_ARP_REQUEST && out->op != IP_ARP_REPLY)
		return IP_ARP_DROP_opcode;
	memcpy(out->sha, p + 8, 6);
	out->spa = ip_get32(p + 14);
	memcpy(out->tha, p + 18, 6);
	out->tpa = ip_get32(p + 24);
	unsigned top = out->spa >> 24;
	if ((out->sha[0] & 1) != 0 || memcmp(out->sha, zero, 6) == 0 || top >= 224 || top == 127)
		return IP_ARP_DROP_bad_sender;
	return IP_ARP_OK;
}

void ip_arp_build(uint8_t *p, const struct ip_arp_pkt *pkt)
{
	static const uint8_t fixed[6] = {0, 1, 0x08, 0x00, 6, 4};
	memcpy(p, fixed, sizeof fixed);
	p[6] = (uint8_t)(pkt->op >> 8);
	p[7] = (uint8_t)pkt->op;
	memcpy(p + 8, pkt->sha, 6);
	ip_put32(p + 14, pkt->spa);
	memcpy(p + 18, pkt->tha, 6);
	ip_put32(p + 24, pkt->tpa);
}

struct ip_arp_cache *ip_arp_cache_create(const struct ip_arp_conf *conf)
{
	if (conf == NULL || conf->capacity == 0 || conf->pending_max == 0 ||
	    conf->retrans_ms == 0 || conf->max_tries == 0 || conf->reachable_ms == 0) {
		errno = EINVAL;
		return NULL;
	}
	struct ip_arp_cache *c = calloc(1, sizeof *c);
	if (c == NULL)
		return NULL;
	c->conf = *conf;
	c->e = calloc(conf->capacity, sizeof *c->e);
	c->free_ix = calloc(conf->capacity, sizeof *c->free_ix);
	static atomic_uint serial;
	char serial_s[12];
	snprintf(serial_s, sizeof serial_s, "%u", atomic_fetch_add(&serial, 1));
	if (c->e == NULL || c->free_ix == NULL ||
	    (c->ix = ip_hash_create("arp", serial_s, conf->capacity, sizeof(uint32_t),
				    SOCKET_ID_ANY)) == NULL) {
		ip_arp_cache_free(c);
		errno = ENOMEM;
		return NULL;
	}
	c->nfree = ip_free_stack_fill(c->free_ix, conf->capacity);
	return c;
}

static void drop_pending(struct ip_arp_cache *c, struct arp_entry *e, enum ip_arp_verdict why)
{
	c->drops[why] += e->npend;
	freemsgchain(e->pend_head);
	e->pend_head = e->pend_tail = NULL;
	e->npend = 0;
}

void ip_arp_cache_free(struct ip_arp_cache *c)
{
	if (c == NULL)
		return;
	if (c->e != NULL)
		for (uint32_t i = 0; i < c->conf.capacity; i++)
			freemsgchain(c->e[i].pend_head);
	rte_hash_free(c->ix);
	free(c->e);
	free(c->free_ix);
	free(c);
}

static struct arp_entry *find(struct ip_arp_cache *c, uint32_t ip)
{
	void *data;
	if (rte_hash_lookup_data(c->ix, &ip, &data) < 0)
		return NULL;
	return &c->e[(uint32_t)(uintptr_t)data];
}

static struct arp_entry *insert(struct ip_arp_cache *c, uint32_t ip)
{
	if (c->nfree == 0)
		return NULL;
	uint32_t i = c->free_ix[c->nfree - 1];
	if (rte_hash_add_key_data(c->ix, &ip, (void *)(uintptr_t)i) != 0)
		return NULL;
	c->nfree--;
	struct arp_entry *e = &c->e[i];
	memset(e, 0, sizeof *e);
	e->ip = ip;
	return e;
}

static void forget(struct ip_arp_cache *c, struct arp_entry *e)
{
	uint32_t i = (uint32_t)(e - c->e);
	rte_hash_del_key(c->ix, &e->ip);
	e->state = ST_FREE;
	c->free_ix[c->nfree++] = i;
}

static void hold(struct ip_arp_cache *c, struct arp_entry *e, mblk_t *mp)
{
	if (e->npend == c->conf.pending_max) {
		mblk_t *old = e->pend_head;
		e->pend_head = old->b_next;
		if (e->pend_head == NULL)
			e->pend_tail = NULL;
		old->b_next = NULL;
		freemsg(old);
		e->npend--;
		c->drops[IP_ARP_DROP_pending_overflow]++;
	}
	mp->b_next = NULL;
	if (e->pend_tail != NULL)
		e->pend_tail->b_next = mp;
	else
		e->pend_head = mp;
	e->pend_tail = mp;
	e->npend++;
}

static void start_asking(struct ip_arp_cache *c, struct arp_entry *e, uint64_t now)
{
	e->state = ST_INCOMPLETE;
	e->tries = 1;
	e->next_ms = now + c->conf.retrans_ms;
}

/* A valid entry's answer is used for twice the reachable time. */
static int trusted(const struct ip_arp_cache *c, const struct arp_entry *e, uint64_t now_ms)
{
	return now_ms - e->confirmed_ms < 2ull * c->conf.reachable_ms;
}

int ip_arp_peek(const struct ip_arp_cache *c, uint32_t ip, uint64_t now_ms, uint8_t mac[6],
		uint64_t *until_ms)
{
	const struct arp_entry *e = find((struct ip_arp_cache *)c, ip);
	if (e == NULL || e->state != ST_VALID || !trusted(c, e, now_ms))
		return 0;
	memcpy(mac, e->mac, 6);
	*until_ms = e->confirmed_ms + 2ull * c->conf.reachable_ms;
	return 1;
}

enum ip_arp_resolution ip_arp_resolve(struct ip_arp_cache *c, uint32_t ip, uint64_t now_ms,
				      mblk_t *mp, uint8_t mac[6], int *ask)
{
	*ask = 0;
	struct arp_entry *e = find(c, ip);
	if (e != NULL && e->state == ST_VALID) {
		if (trusted(c, e, now_ms)) {
			memcpy(mac, e->mac, 6);
			return IP_ARP_RESOLVED;
		}
		start_asking(c, e, now_ms); /* too old to trust: resolve again */
		*ask = 1;
	} else if (e == NULL) {
		if ((e = insert(c, ip)) == NULL) {
			freemsg(mp);
			c->drops[IP_ARP_DROP_cache_full]++;
			return IP_ARP_DROPPED;
		}
		start_asking(c, e, now_ms);
		*ask = 1;
	}
	hold(c, e, mp);
	return IP_ARP_QUEUED;
}

mblk_t *ip_arp_input(struct ip_arp_cache *c, const struct ip_arp_pkt *pkt, uint32_t own_ip,
		     uint64_t now_ms, uint8_t mac[6], int *reply)
{
	*reply = pkt->op == IP_ARP_REQUEST && pkt->tpa == own_ip;
	memcpy(mac, pkt->sha, 6);
	if (pkt->spa == 0 || pkt->spa == own_ip)
		return NULL;
	struct arp_entry *e = find(c, pkt->spa);
	if (e == NULL && pkt->tpa == own_ip)
		e = insert(c, pkt->spa); /* no room: we answer, but do not learn */
	if (e == NULL)
		return NULL;
	memcpy(e->mac, pkt->sha, 6);
	e->state = ST_VALID;
	e->confirmed_ms = now_ms;
	e->tries = 0;
	mblk_t *out = e->pend_head;
	e->pend_head = e->pend_tail = NULL;
	e->npend = 0;
	return out;
}

unsigned ip_arp_tick(struct ip_arp_cache *c, uint64_t now_ms, uint32_t *ask, unsigned max)
{
	unsigned n = 0;
	for (uint32_t i = 0; i < c->conf.capacity; i++) {
		struct arp_entry *e = &c->e[i];
		if (e->state == ST_INCOMPLETE && now_ms >= e->next_ms) {
			if (e->tries >= c->conf.max_tries) {
				drop_pending(c, e, IP_ARP_DROP_unresolved);
				forget(c, e);
			} else if (n < max) {
				ask[n++] = e->ip;
				e->tries++;
				e->next_ms = now_ms + c->conf.retrans_ms;
			}
		} else if (e->state == ST_VALID && !trusted(c, e, now_ms)) {
			forget(c, e);
		}
	}
	return n;
}

uint64_t ip_arp_drops(const struct ip_arp_cache *c, enum ip_arp_verdict reason)
{
	return reason > 0 && reason < IP_ARP_DROP_COUNT_ ? c->drops[reason] : 0;
}

uint32_t ip_arp_count(const struct ip_arp_cache *c) { return c->conf.capacity - c->nfree; }
