/*
 * ip_arp: RFC 826 for the `ip` multiplexor (docs/ip-plan.md). The packet
 * (checked parse, build) and the neighbour cache of one interface lane.
 *
 * The contract:
 *  - a cache belongs to one lane (the scheduler that owns the interface's
 *    lower stream): no locks, no other thread calls it;
 *  - time is the caller's, in milliseconds (now_ms), so that the lane's
 *    clock drives ageing and retries and tests can step it;
 *  - addresses are in host byte order, MAC addresses 6 bytes;
 *  - a message waiting for its neighbour is held by the cache (at most
 *    pending_max per neighbour, the oldest dropped first, as Linux's
 *    unres_qlen does) and comes back to the caller when the neighbour
 *    answers, or is freed and counted when it never does. Every drop has
 *    a reason, declared once in STRDP_ARP_DROP_REASONS.
 */
#ifndef STRDP_IP_ARP_H
#define STRDP_IP_ARP_H

#include <stddef.h>
#include <stdint.h>

#include <strdp/ip.h>
#include <strdp/stream.h>

#ifdef __cplusplus
extern "C" {
#endif

#define IP_ARP_LEN 28 /* an Ethernet/IPv4 ARP packet, after the MAC header */
#define IP_ARP_REQUEST 1
#define IP_ARP_REPLY 2

struct ip_arp_pkt {
	uint16_t op;
	uint8_t sha[6];
	uint32_t spa;
	uint8_t tha[6];
	uint32_t tpa;
};

/* The drop reasons (enum ip_arp_verdict) are public: <strdp/ip.h>. */

/* "opcode", ... for a drop reason; NULL for IP_ARP_OK or out of range. */
const char *ip_arp_drop_name(int verdict);

/* Checks and decodes the packet at p (len bytes after the MAC header). */
enum ip_arp_verdict ip_arp_parse(const uint8_t *p, size_t len, struct ip_arp_pkt *out);
/* Writes pkt as IP_ARP_LEN bytes at p. */
void ip_arp_build(uint8_t *p, const struct ip_arp_pkt *pkt);

struct ip_arp_conf {
	uint32_t capacity;     /* neighbours, at most */
	uint32_t pending_max;  /* messages held per unresolved neighbour (>= 1) */
	uint32_t reachable_ms; /* an answer is trusted this long */
	uint32_t retrans_ms;   /* between two requests for one neighbour */
	uint32_t max_tries;    /* requests before the neighbour is unreachable */
};

struct ip_arp_cache;

/* NULL with errno EINVAL or ENOMEM. */
struct ip_arp_cache *ip_arp_cache_create(const struct ip_arp_conf *conf);
/* Frees the cache and every message it still holds. */
void ip_arp_cache_free(struct ip_arp_cache *c);

enum ip_arp_resolution {
	IP_ARP_RESOLVED, /* *mac set; mp is still the caller's */
	IP_ARP_QUEUED,   /* mp is held; send a request now if *ask is set */
	IP_ARP_DROPPED,  /* mp freed and counted (cache_full) */
};

/*
 * The MAC address of ip for mp, which is to leave by this interface. An
 * entry past its reachable time still answers (and is refreshed by the
 * next reply or request from it), as a stale entry does in Linux; one
 * past twice that time is resolved again.
 */
enum ip_arp_resolution ip_arp_resolve(struct ip_arp_cache *c, uint32_t ip, uint64_t now_ms,
				      mblk_t *mp, uint8_t mac[6], int *ask);

/*
 * What ip_arp_resolve would answer for ip without a message to hold:
 * 1 and *mac when it would say IP_ARP_RESOLVED, with *until_ms the
 * moment it stops doing so; 0 otherwise. Changes nothing: the frame fast
 * path asks, and leaves every other case to ip_arp_resolve.
 */
int ip_arp_peek(const struct ip_arp_cache *c, uint32_t ip, uint64_t now_ms, uint8_t mac[6],
		uint64_t *until_ms);

/*
 * What a received packet (already parsed) teaches, for an interface whose
 * address is own_ip: the sender's entry is created (only if the packet is
 * for us, RFC 826's merge rule) or updated. Returns the messages that
 * were waiting for the sender, chained by b_next in the order they came
 * (the caller sends them to *mac), and sets *reply when the packet is a
 * request for own_ip.
 */
mblk_t *ip_arp_input(struct ip_arp_cache *c, const struct ip_arp_pkt *pkt, uint32_t own_ip,
		     uint64_t now_ms, uint8_t mac[6], int *reply);

/*
 * Timers: fills ask[] with up to max neighbours whose request is due now
 * (a retry), drops the messages of those that ran out of tries, forgets
 * entries unused for twice their reachable time. Returns the count in ask.
 */
unsigned ip_arp_tick(struct ip_arp_cache *c, uint64_t now_ms, uint32_t *ask, unsigned max);

/* Counters: drops by reason, and the neighbours known. */
uint64_t ip_arp_drops(const struct ip_arp_cache *c, enum ip_arp_verdict reason);
uint32_t ip_arp_count(const struct ip_arp_cache *c);

#ifdef __cplusplus
}
#endif

#endif /* STRDP_IP_ARP_H */
