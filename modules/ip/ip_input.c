/*
 * ip_input: RFC 1812 checks and the RFC 1624 TTL update (ip_input.h).
 *
 * Rules kept here, in the order a datagram meets them:
 *  - 5.2.2: the frame holds a full header (20 bytes), version 4, IHL >= 5
 *    and the IHL's bytes present, total length >= IHL * 4 and not past
 *    the frame, the header checksum right. A datagram failing any of them
 *    is silently discarded (no ICMP: its addresses cannot be trusted).
 *  - 5.3.7: martian addresses are not forwarded: a source in 0/8 (this
 *    network), 127/8 (loopback), 224/4 (multicast), 240/4 (reserved) or
 *    the limited broadcast; a destination in 0/8, 127/8 or 240/4 other
 *    than 255.255.255.255 (which is for us, not for forwarding).
 *  - Options are walked only for their lengths (each at least 2, none
 *    past the header: RFC 791's format); a malformed one drops the
 *    datagram, counted, without the parameter problem message RFC 1812
 *    4.3.2.4 would send. Their meaning is not acted on: the router
 *    forwards them as they are (4.2.2.6's rule for unknown options).
 *  - The checksum is verified by summing the whole header, the checksum
 *    field included: a right header sums to 0xffff (rte_raw_cksum, DPDK's
 *    own one's-complement sum).
 */
#include "ip_input.h"
#include "ip_util.h"

#include <rte_byteorder.h>
#include <rte_ip.h>

static const char *const drop_names[] = {
	NULL,
#define STRDP_IP_DROP_NAME(name, text) #name,
	STRDP_IP_DROP_REASONS(STRDP_IP_DROP_NAME)
#undef STRDP_IP_DROP_NAME
};

const char *
ip_drop_name(int verdict)
{
	return (ip_reason_name(drop_names, IP_DROP_COUNT_, verdict));
}

static int
martian_source(uint32_t a)
{
	uint8_t top = (uint8_t)(a >> 24);

	return (top == 0 || top == 127 || top >= 224);  /* 224/4, 240/4, bcast */
}

static int
martian_destination(uint32_t a)
{
	uint8_t top = (uint8_t)(a >> 24);

	if (a == 0xffffffffu)
		return (0);
	return (top == 0 || top == 127 || top >= 240);
}

/* Every option's length is at least 2 and stays inside the header; an
 * end-of-list ends the walk (what follows it is padding). */
static int
options_ok(const uint8_t *opt, unsigned len)
{
	for (unsigned i = 0; i < len;) {
		if (opt[i] == 0)	/* end of list */
			return (1);
		if (opt[i] == 1) {	/* no-op */
			i++;
			continue;
		}
		if (i + 1 >= len || opt[i + 1] < 2 || opt[i + 1] > len - i)
			return (0);
		i += opt[i + 1];
	}
	return (1);
}

enum ip_input_verdict
ip_input_check(const uint8_t *hdr, size_t avail, unsigned *hlen,
	       unsigned *tlen)
{
	const struct rte_ipv4_hdr *ip = (const struct rte_ipv4_hdr *)hdr;
	unsigned ihl, total;

	if (avail < sizeof(struct rte_ipv4_hdr))
		return (IP_DROP_short_frame);
	if ((ip->version_ihl >> 4) != 4)
		return (IP_DROP_version);
	ihl = (unsigned)(ip->version_ihl & 0x0f) * 4;
	if (ihl < sizeof(struct rte_ipv4_hdr) || ihl > avail)
		return (IP_DROP_header_length);
	total = rte_be_to_cpu_16(ip->total_length);
	if (total < ihl || total > avail)
		return (IP_DROP_total_length);
	if (rte_raw_cksum(hdr, ihl) != 0xffff)
		return (IP_DROP_checksum);
	if (ihl > sizeof(struct rte_ipv4_hdr) &&
	    !options_ok(hdr + sizeof(struct rte_ipv4_hdr), ihl - sizeof(struct rte_ipv4_hdr)))
		return (IP_DROP_options);
	if (martian_source(rte_be_to_cpu_32(ip->src_addr)))
		return (IP_DROP_source);
	if (martian_destination(rte_be_to_cpu_32(ip->dst_addr)))
		return (IP_DROP_destination);
	*hlen = ihl;
	*tlen = total;
	return (IP_INPUT_OK);
}

void
ip_ttl_decrement(uint8_t *hdr)
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
