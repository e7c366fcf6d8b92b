/*
 * ip_icmp: what the `ip` multiplexor says in ICMP (docs/ip-plan.md): the
 * echo reply for an address of ours, and the errors a router sends (time
 * exceeded, destination unreachable, fragmentation needed), within the
 * rules of RFC 1812 section 4.3.2 and a token bucket per lane.
 *
 * Pure functions over bytes (an IPv4 header that passed ip_input_check)
 * and one bucket a lane owns: no mblk_t, no locks. Addresses in host
 * byte order.
 */
#ifndef STRDP_IP_ICMP_H
#define STRDP_IP_ICMP_H

#include <stddef.h>
#include <stdint.h>

#include <strdp/ip.h>

#ifdef __cplusplus
extern "C" {
#endif

#define IP_ICMP_ECHO_REPLY 0
#define IP_ICMP_UNREACH 3
#define IP_ICMP_ECHO 8
#define IP_ICMP_TIME_EXCEEDED 11
#define IP_ICMP_UNREACH_NET 0
#define IP_ICMP_UNREACH_HOST 1
#define IP_ICMP_UNREACH_PROTO 2
#define IP_ICMP_UNREACH_PORT 3
#define IP_ICMP_UNREACH_NEEDFRAG 4

/* Why no ICMP goes out (enum ip_icmp_verdict) is public: <strdp/ip.h>. */

const char *ip_icmp_no_name(int verdict);

/*
 * Turns the echo request at hdr (tlen bytes, the IP header's length hlen)
 * into its reply in place: addresses swapped, type 0, a fresh TTL, both
 * checksums right (the ICMP one updated for the type as RFC 1624 says,
 * the IP one recomputed). The caller has seen the destination is ours.
 */
enum ip_icmp_verdict ip_icmp_echo_reply(uint8_t *hdr, unsigned hlen, unsigned tlen);

/*
 * Writes at out (cap bytes) an ICMP error about the datagram at orig
 * (olen bytes, IP header included), from our address src: a new IP header,
 * the ICMP header (for IP_ICMP_UNREACH_NEEDFRAG, next_mtu as RFC 1191
 * says), and as much of the datagram as keeps the whole within 576 bytes
 * (RFC 1812 4.3.2.3). On IP_ICMP_OK, *len is the answer's length.
 */
enum ip_icmp_verdict ip_icmp_error(uint8_t *out, size_t cap, const uint8_t *orig, size_t olen,
				   uint8_t type, uint8_t code, uint16_t next_mtu, uint32_t src,
				   size_t *len);

/* A token bucket: rate answers per second, at most burst at once. */
struct ip_icmp_bucket {
	uint32_t rate, burst;
	uint64_t tokens_milli; /* thousandths of a token */
	uint64_t last_ms;
};

void ip_icmp_bucket_init(struct ip_icmp_bucket *b, uint32_t rate, uint32_t burst, uint64_t now_ms);
/* Takes a token: IP_ICMP_OK, or IP_ICMP_NO_rate_limited. */
enum ip_icmp_verdict ip_icmp_bucket_take(struct ip_icmp_bucket *b, uint64_t now_ms);

#ifdef __cplusplus
}
#endif

#endif /* STRDP_IP_ICMP_H */
