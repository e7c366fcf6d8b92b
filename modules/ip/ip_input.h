/*
 * ip_input: the checks RFC 1812 section 5.2.2 asks of every IPv4 datagram
 * a router receives, before anything reads its addresses; and the TTL
 * decrement of section 5.3.1 with the header checksum updated as RFC 1624
 * says (eqn. 3), not recomputed.
 *
 * The first piece of the `ip` multiplexor (docs/ip-plan.md); the driver
 * that calls it is not built yet. Pure functions over bytes: no mblk_t,
 * no state, so the frame put and the message path share them.
 */
#ifndef STRDP_IP_INPUT_H
#define STRDP_IP_INPUT_H

#include <stddef.h>
#include <stdint.h>

#include <strdp/ip.h>

#ifdef __cplusplus
extern "C" {
#endif

/* The drop reasons (enum ip_input_verdict) are public: <strdp/ip.h>. */

/* "checksum", ... for a drop reason; NULL for IP_INPUT_OK or out of range. */
const char *ip_drop_name(int verdict);

/*
 * Checks the datagram that starts at hdr, with avail bytes of frame after
 * it (the Ethernet padding of a short datagram included). On IP_INPUT_OK,
 * *hlen is the header's length in bytes and *tlen the datagram's (the
 * bytes past it are link padding, to trim). Options are checked for their
 * lengths only (each at least 2 and inside the header).
 */
enum ip_input_verdict ip_input_check(const uint8_t *hdr, size_t avail,
				     unsigned *hlen, unsigned *tlen);

/*
 * Decrements the TTL of a header that passed ip_input_check and whose TTL
 * is above 1 (the caller sends time-exceeded otherwise), and updates the
 * header checksum incrementally (RFC 1624, HC' = ~(~HC + ~m + m')).
 */
void ip_ttl_decrement(uint8_t *hdr);

#ifdef __cplusplus
}
#endif

#endif /* STRDP_IP_INPUT_H */
