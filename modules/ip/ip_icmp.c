/*
 * ip_icmp: echo replies, router errors and their rate limit (ip_icmp.h).
 *
 * Rules kept here (RFC 1812 4.3.2.7, after RFC 1122 3.2.2): no error is
 * sent about an ICMP error, about a fragment other than the first, or
 * about a datagram whose destination is broadcast or multicast or whose
 * source is not a unicast host. Errors quote as much of the datagram as
 * fits in 576 bytes (4.3.2.3) and go out with precedence 6 (4.3.2.5).
 */
#include "ip_icmp.h"
#include "ip_util.h"

#include <string.h>

#include <rte_ip.h>

#define NEW_TTL 64
#define ERROR_MAX 576
#define IP_PROTO_ICMP 1

static const char *const no_names[] = {
	NULL,
#define STRDP_ICMP_NO_NAME(name, text) #name,
	STRDP_ICMP_NO_REASONS(STRDP_ICMP_NO_NAME)
#undef STRDP_ICMP_NO_NAME
};

const char *ip_icmp_no_name(int verdict)
{
	return ip_reason_name(no_names, IP_ICMP_NO_COUNT_, verdict);
}

static int unicast_source(uint32_t a)
{
	unsigned top = a >> 24;
	return top != 0 && top != 127 && top < 224;
}

static int unicast_destination(uint32_t a)
{
	return a != 0 && a >> 28 != 0xe && a != UINT32_MAX;
}

enum ip_icmp_verdict ip_icmp_echo_reply(uint8_t *hdr, unsigned hlen, unsigned tlen)
{
	if (tlen < hlen + 8)
		return IP_ICMP_NO_short_icmp;
	uint8_t *icmp = hdr + hlen;
	unsigned ilen = tlen - hlen;
	if (icmp[0] != IP_ICMP_ECHO || icmp[1] != 0)
		return IP_ICMP_NO_not_echo;
	if (rte_raw_cksum(icmp, ilen) != 0xffff)
		return IP_ICMP_NO_icmp_checksum;
	/* RFC 1624 eqn. 3 for the type word: HC' = ~(~HC + ~m + m'). */
	uint16_t hc, m, m2;
	memcpy(&hc, icmp + 2, 2);
	memcpy(&m, icmp, 2);
	icmp[0] = IP_ICMP_ECHO_REPLY;
	memcpy(&m2, icmp, 2);
	uint32_t sum = (uint16_t)~hc + (uint32_t)(uint16_t)~m + m2;
	sum = (sum & 0xffff) + (sum >> 16);
	sum = (sum & 0xffff) + (sum >> 16);
	hc = (uint16_t)~sum;
	memcpy(icmp + 2, &hc, 2);

	uint8_t a[4];
	memcpy(a, hdr + 12, 4);
	memcpy(hdr + 12, hdr + 16, 4);
	memcpy(hdr + 16, a, 4);
	hdr[8] = NEW_TTL;
	ip_set_cksum(hdr, hlen, 10);
	return IP_ICMP_OK;
}

static int is_icmp_error(uint8_t type)
{
	return type == 3 || type == 4 || type == 5 || type == 11 || type == 12;
}

enum ip_icmp_verdict ip_icmp_error(uint8_t *out, size_t cap, const uint8_t *orig, size_t olen,
				   uint8_t type, uint8_t code, uint16_t next_mtu, uint32_t src,
				   size_t *len)
{
	unsigned ihl = (orig[0] & 0xfu) * 4u;
	if ((((unsigned)orig[6] << 8 | orig[7]) & 0x1fffu) != 0)
		return IP_ICMP_NO_about_fragment;
	if (orig[9] == IP_PROTO_ICMP && olen > ihl && is_icmp_error(orig[ihl]))
		return IP_ICMP_NO_about_error;
	uint32_t osrc = ip_get32(orig + 12), odst = ip_get32(orig + 16);
	if (!unicast_source(osrc) || !unicast_destination(odst))
		return IP_ICMP_NO_about_non_unicast;
	size_t quote = olen;
	if (quote > ERROR_MAX - 28)
		quote = ERROR_MAX - 28;
	size_t need = olen < ihl + 8 ? olen : ihl + 8; /* RFC 792's minimum */
	if (cap < 28 + need)
		return IP_ICMP_NO_no_room;
	if (quote > cap - 28)
		quote = cap - 28;

	size_t total = 28 + quote;
	memset(out, 0, 28);
	out[0] = 0x45;
	out[1] = 0xc0; /* precedence 6, internetwork control */
	out[2] = (uint8_t)(total >> 8);
	out[3] = (uint8_t)total;
	out[8] = NEW_TTL;
	out[9] = IP_PROTO_ICMP;
	ip_put32(out + 12, src);
	ip_put32(out + 16, osrc);
	ip_set_cksum(out, 20, 10);
	uint8_t *icmp = out + 20;
	icmp[0] = type;
	icmp[1] = code;
	if (type == IP_ICMP_UNREACH && code == IP_ICMP_UNREACH_NEEDFRAG) {
		icmp[6] = (uint8_t)(next_mtu >> 8);
		icmp[7] = (uint8_t)next_mtu;
	}
	memcpy(icmp + 8, orig, quote);
	ip_set_cksum(icmp, 8 + quote, 2);
	*len = total;
	return IP_ICMP_OK;
}

void ip_icmp_bucket_init(struct ip_icmp_bucket *b, uint32_t rate, uint32_t burst, uint64_t now_ms)
{
	b->rate = rate;
	b->burst = burst;
	b->tokens_milli = (uint64_t)burst * 1000;
	b->last_ms = now_ms;
}

enum ip_icmp_verdict ip_icmp_bucket_take(struct ip_icmp_bucket *b, uint64_t now_ms)
{
	if (now_ms > b->last_ms) {
		/* rate tokens a second is rate thousandths a millisecond. */
		uint64_t cap = (uint64_t)b->burst * 1000;
		uint64_t add = (now_ms - b->last_ms) * b->rate;
		b->tokens_milli = add >= cap - b->tokens_milli ? cap : b->tokens_milli + add;
		b->last_ms = now_ms;
	}
	if (b->tokens_milli < 1000)
		return IP_ICMP_NO_rate_limited;
	b->tokens_milli -= 1000;
	return IP_ICMP_OK;
}
