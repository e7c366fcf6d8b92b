/*
 * ip_frag: the fragment layout and writing of one fragment (ip_frag.h).
 */
#include "ip_frag.h"
#include "ip_util.h"

#include <netinet/ip.h> /* IP_DF, IP_MF, IP_OFFMASK */
#include <string.h>

#define OPT_EOL 0
#define OPT_NOP 1
#define OPT_COPIED 0x80

/* The options later fragments carry; -1 if the options are malformed. */
static int copied_options(const uint8_t *opt, unsigned len, uint8_t *out)
{
	unsigned n = 0;
	for (unsigned i = 0; i < len;) {
		uint8_t type = opt[i];
		if (type == OPT_EOL)
			break;
		if (type == OPT_NOP) {
			i++;
			continue;
		}
		if (i + 1 >= len || opt[i + 1] < 2 || i + opt[i + 1] > len)
			return -1;
		unsigned olen = opt[i + 1];
		if (type & OPT_COPIED) {
			memcpy(out + n, opt + i, olen);
			n += olen;
		}
		i += olen;
	}
	while (n % 4 != 0)
		out[n++] = OPT_EOL;
	return (int)n;
}

enum ip_frag_verdict ip_frag_prepare(const uint8_t *dgram, unsigned hlen, unsigned tlen,
				  unsigned mtu, struct ip_frag_plan *p)
{
	memset(p, 0, sizeof *p);
	p->hlen = hlen;
	p->payload = tlen - hlen;
	if (tlen <= mtu) {
		p->count = 1;
		p->later_hlen = hlen;
		p->first_payload = p->later_payload = p->payload;
		return IP_FRAG_OK;
	}
	if (((unsigned)dgram[6] << 8 | dgram[7]) & IP_DF)
		return IP_FRAG_NO_df;
	if (mtu < IP_MIN_MTU || mtu < hlen + 8)
		return IP_FRAG_NO_mtu;
	int olen = copied_options(dgram + 20, hlen - 20, p->later_opts);
	if (olen < 0)
		return IP_FRAG_NO_options;
	p->later_hlen = 20 + (unsigned)olen;
	p->first_payload = (mtu - hlen) & ~7u;
	p->later_payload = (mtu - p->later_hlen) & ~7u;
	unsigned rest = p->payload - p->first_payload;
	p->count = 1 + (rest + p->later_payload - 1) / p->later_payload;
	return IP_FRAG_OK;
}

size_t ip_frag_write(uint8_t *out, size_t cap, const uint8_t *dgram,
		     const struct ip_frag_plan *p, unsigned k)
{
	if (k >= p->count)
		return 0;
	unsigned start = k == 0 ? 0 : p->first_payload + (k - 1) * p->later_payload;
	unsigned n = k == 0 ? p->first_payload : p->later_payload;
	if (start + n > p->payload)
		n = p->payload - start;
	unsigned hl = k == 0 ? p->hlen : p->later_hlen;
	size_t total = (size_t)hl + n;
	if (total > cap)
		return 0;
	if (k == 0) {
		memcpy(out, dgram, p->hlen);
	} else {
		memcpy(out, dgram, 20);
		memcpy(out + 20, p->later_opts, p->later_hlen - 20);
		out[0] = (uint8_t)(0x40 | (p->later_hlen / 4));
	}
	memcpy(out + hl, dgram + p->hlen + start, n);
	unsigned old = (unsigned)dgram[6] << 8 | dgram[7];
	unsigned off = (old & IP_OFFMASK) + start / 8;
	/* The last piece keeps the datagram's own MF: it may be a fragment. */
	unsigned mf = k + 1 < p->count ? IP_MF : (old & IP_MF);
	unsigned fo = p->count == 1 ? old : (mf | off);
	out[2] = (uint8_t)(total >> 8);
	out[3] = (uint8_t)total;
	out[6] = (uint8_t)(fo >> 8);
	out[7] = (uint8_t)fo;
	ip_set_cksum(out, hl, 10);
	return total;
}
