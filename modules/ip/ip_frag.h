/*
 * ip_frag: cutting an IPv4 datagram for a link with a smaller MTU
 * (RFC 791 section 3.2, RFC 1812 section 5.2.6), for the `ip`
 * multiplexor (docs/ip-plan.md).
 *
 * Two steps so that the caller owns the buffers (a message block per
 * fragment, in the driver): ip_frag_prepare() checks the datagram and lays
 * the fragments out; ip_frag_write() writes one of them. Pure functions
 * over bytes, for a header that passed ip_input_check.
 *
 * The rules kept: payload split on 8-byte boundaries; the first fragment
 * keeps every option, the others only those whose copied flag is set
 * (padded with end-of-list to a 4-byte boundary); a datagram that is
 * already a fragment is cut again with its offset added and its last
 * piece keeping its more-fragments flag; DF set means no fragments (the
 * caller sends ICMP fragmentation needed, ip_icmp).
 */
#ifndef STRDP_IP_FRAG_H
#define STRDP_IP_FRAG_H

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

#define IP_MIN_MTU 68 /* RFC 791: every link carries 68 bytes whole */

enum ip_frag_verdict {
	IP_FRAG_OK = 0,
	IP_FRAG_NO_df,      /* don't fragment is set */
	IP_FRAG_NO_mtu,     /* mtu under IP_MIN_MTU, or too small for the header */
	IP_FRAG_NO_options, /* an option runs past the header, or has a bad length */
};

struct ip_frag_plan {
	unsigned count;          /* fragments; 1 when the datagram fits as it is */
	unsigned hlen;           /* the first fragment's header (the datagram's) */
	unsigned later_hlen;     /* the others' */
	unsigned first_payload;  /* payload bytes in the first fragment */
	unsigned later_payload;  /* in each later one but maybe the last */
	unsigned payload;        /* the datagram's payload bytes */
	uint8_t later_opts[40];  /* the options later fragments carry, padded */
};

enum ip_frag_verdict ip_frag_prepare(const uint8_t *dgram, unsigned hlen, unsigned tlen,
				  unsigned mtu, struct ip_frag_plan *plan);

/* Writes fragment k of plan (0 <= k < count) at out: its length, or 0
 * when k is out of range or it does not fit in cap bytes. */
size_t ip_frag_write(uint8_t *out, size_t cap, const uint8_t *dgram,
		     const struct ip_frag_plan *plan, unsigned k);

#ifdef __cplusplus
}
#endif

#endif /* STRDP_IP_FRAG_H */
