/*
 * ip_input: the checks RFC 1812 section 5.2.2 asks of every IPv4 datagram
 * a router receives, before anything reads its addresses; and the TTL
 * decrement of section 5.3.1 with the header checksum updated as RFC 1624
 * says (eqn. 3), not recomputed.
 *
 * Pure functions over bytes: no mblk_t, no state, so the frame put and
 * the message path share them.
 */
#ifndef STRDP_IP_INPUT_H
#define STRDP_IP_INPUT_H

#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <rte_byteorder.h>
#include <rte_ip.h>
#include <strdp/ip.h>

#ifdef __cplusplus
extern "C" {
#endif

/* The drop reasons (enum ip_input_verdict) are public: <strdp/ip.h>. */

/* "checksum", ... for a drop reason; NULL for IP_INPUT_OK or out of range. */
const char *ip_drop_name(int verdict);

/* Every option's length is at least 2 and stays inside the header (an
 * end-of-list option ends the walk): 1, else 0. ip_input.c. */
int ip_options_ok(const uint8_t *opt, unsigned len);

/* The checks and the TTL update are here, inline, because the frame fast
 * path (ip_fast.c) runs them on every datagram it forwards. */

static inline int ip_martian_source(uint32_t a)
{
	uint8_t top = (uint8_t)(a >> 24);

	return top == 0 || top == 127 || top >= 224;  /* 224/4, 240/4, bcast */
}

static inline int ip_martian_destination(uint32_t a)
{
	uint8_t top = (uint8_t)(a >> 24);

	if (a == 0xffffffffu)
		return 0;
	return top == 0 || top == 127 || top >= 240;
}

/*
 * The one's-complement sum of a header (ihl a multiple of 4, as an IHL
 * makes it), folded: 0xffff for a header whose checksum is right. Summed
 * as 32-bit words, which folds to the sum of its 16-bit words
 * (rte_raw_cksum's, in memory order) in a fifth of the steps.
 */
static inline uint16_t ip_header_sum(const uint8_t *hdr, unsigned ihl)
{
	uint64_t sum = 0;

	for (unsigned i = 0; i < ihl; i += 4) {
		uint32_t w;
		memcpy(&w, hdr + i, 4);
		sum += w;
	}
	sum = (sum & 0xffffffffu) + (sum >> 32);
	sum = (sum & 0xffffffffu) + (sum >> 32);
	sum = (sum & 0xffff) + (sum >> 16);
	sum = (sum & 0xffff) + (sum >> 16);
	return (uint16_t)sum;
}

/*
 * Checks the datagram that starts at hdr, with avail bytes of frame after
 * it (the Ethernet padding of a short datagram included). On IP_INPUT_OK,
 * *hlen is the header's length in bytes and *tlen the datagram's (the
 * bytes past it are link padding, to trim). Options are checked for their
 * lengths only (each at least 2 and inside the header).
 */
static inline enum ip_input_verdict ip_input_check_sum(const uint8_t *hdr, size_t avail,
						       unsigned *hlen, unsigned *tlen,
						       int sum_checked);

static inline enum ip_input_verdict ip_input_check(const uint8_t *hdr, size_t avail,
						   unsigned *hlen, unsigned *tlen)
{
	return ip_input_check_sum(hdr, avail, hlen, tlen, 0);
}

/* The same, but sum_checked says the NIC verified the header checksum
 * (RTE_MBUF_F_RX_IP_CKSUM_GOOD), which is then not summed again. */
static inline enum ip_input_verdict ip_input_check_sum(const uint8_t *hdr, size_t avail,
						       unsigned *hlen, unsigned *tlen,
						       int sum_checked)
{
	const struct rte_ipv4_hdr *ip = (const struct rte_ipv4_hdr *)hdr;
	unsigned ihl, total;

	if (avail < sizeof(struct rte_ipv4_hdr))
		return IP_DROP_short_frame;
	if ((ip->version_ihl >> 4) != 4)
		return IP_DROP_version;
	ihl = (unsigned)(ip->version_ihl & 0x0f) * 4;
	if (ihl < sizeof(struct rte_ipv4_hdr) || ihl > avail)
		return IP_DROP_header_length;
	total = rte_be_to_cpu_16(ip->total_length);
	if (total < ihl || total > avail)
		return IP_DROP_total_length;
	if (!sum_checked && ip_header_sum(hdr, ihl) != 0xffff)
		return IP_DROP_checksum;
	if (ihl > sizeof(struct rte_ipv4_hdr) &&
	    !ip_options_ok(hdr + sizeof(struct rte_ipv4_hdr), ihl - sizeof(struct rte_ipv4_hdr)))
		return IP_DROP_options;
	if (ip_martian_source(rte_be_to_cpu_32(ip->src_addr)))
		return IP_DROP_source;
	if (ip_martian_destination(rte_be_to_cpu_32(ip->dst_addr)))
		return IP_DROP_destination;
	*hlen = ihl;
	*tlen = total;
	return IP_INPUT_OK;
}

/*
 * Decrements the TTL of a header that passed ip_input_check and whose TTL
 * is above 1 (the caller sends time-exceeded otherwise), and updates the
 * header checksum incrementally (RFC 1624, HC' = ~(~HC + ~m + m')).
 */
static inline void ip_ttl_decrement(uint8_t *hdr)
{
	struct rte_ipv4_hdr *ip = (struct rte_ipv4_hdr *)hdr;
	/* The 16-bit word holding TTL (high byte) and protocol (low byte). */
	uint32_t old_word = ((uint32_t)ip->time_to_live << 8) | ip->next_proto_id;
	uint32_t new_word = old_word - 0x100;
	uint32_t sum;

	ip->time_to_live--;
	/* RFC 1624 eqn. 3, in host order: HC' = ~(~HC + ~m + m'). */
	sum = (uint16_t)~rte_be_to_cpu_16(ip->hdr_checksum);
	sum += (uint16_t)~old_word;
	sum += new_word;
	sum = (sum & 0xffff) + (sum >> 16);
	sum = (sum & 0xffff) + (sum >> 16);
	ip->hdr_checksum = rte_cpu_to_be_16((uint16_t)~sum);
}

#ifdef __cplusplus
}
#endif

#endif /* STRDP_IP_INPUT_H */
