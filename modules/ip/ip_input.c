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

/* Every option's length is at least 2 and stays inside the header; an
 * end-of-list ends the walk (what follows it is padding). */
int
ip_options_ok(const uint8_t *opt, unsigned len)
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

