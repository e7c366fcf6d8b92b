/*
 * strdp-echo-client — round trips through a stream of a running streamsd.
 *
 *   strdp-echo-client [-n count] [-s size] [name]
 *
 * Opens `name` (default "echo", which the daemon must offer in [apps]),
 * then `count` times (default 1000) sends one message with putmsg — an
 * 8-byte control part (sequence number and a tag) and `size` data bytes
 * (default 64, at most 65536) of a pattern that depends on the sequence
 * number — and reads it back with getmsg, comparing both parts byte for
 * byte. Prints how many matched and the round-trip time's median and
 * 99th percentile in microseconds. Exit status 0 only if every message
 * came back intact.
 *
 * Only <strdp/strdp_app.h> and libc: cc strdp-echo-client.c
 * $(pkg-config --cflags --libs strdp-client).
 */
#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <strdp/strdp_app.h>

#define TAG 0x45434831u /* "ECH1" */
#define MAX_SIZE 65536

struct ctl_part {
	uint32_t seq;
	uint32_t tag;
};

static double now_us(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1e6 + ts.tv_nsec / 1e3;
}

static void fill(unsigned char *p, int size, uint32_t seq)
{
	for (int j = 0; j < size; j++)
		p[j] = (unsigned char)(seq * 31u + (unsigned)j);
}

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;
	return x < y ? -1 : x > y;
}

static double percentile(const double *sorted, int n, double p)
{
	int i = (int)(p * (n - 1) + 0.5);
	return n > 0 ? sorted[i] : 0.0;
}

/* One round trip: 1 when the message came back intact. */
static int round_trip(strdp_stream_t *sp, uint32_t seq, int size, unsigned char *out,
		      unsigned char *in)
{
	struct ctl_part c = { seq, TAG }, back;
	struct strbuf ctl = { 0, sizeof c, (char *)&c };
	struct strbuf data = { 0, size, (char *)out };
	fill(out, size, seq);
	if (strdp_putmsg(sp, &ctl, &data, 0) != 0) {
		fprintf(stderr, "strdp-echo-client: putmsg: %s\n", strerror(errno));
		return -1;
	}
	struct strbuf rc = { sizeof back, 0, (char *)&back };
	struct strbuf rd = { size, 0, (char *)in };
	int flags = 0;
	int more = strdp_getmsg(sp, &rc, &rd, &flags);
	if (more < 0) {
		fprintf(stderr, "strdp-echo-client: getmsg: %s\n", strerror(errno));
		return -1;
	}
	if (rc.len == -1 && rd.len == -1) {
		fprintf(stderr, "strdp-echo-client: end of file (hangup)\n");
		return -1;
	}
	return more == 0 && rc.len == (int)sizeof back && back.seq == seq && back.tag == TAG &&
	       rd.len == size && memcmp(in, out, (size_t)size) == 0;
}

int main(int argc, char **argv)
{
	int count = 1000, size = 64, opt;
	while ((opt = getopt(argc, argv, "n:s:h")) != -1) {
		switch (opt) {
		case 'n': count = atoi(optarg); break;
		case 's': size = atoi(optarg); break;
		default:
			fprintf(stderr, "usage: %s [-n count] [-s size] [name]\n", argv[0]);
			return 2;
		}
	}
	if (count < 1 || size < 0 || size > MAX_SIZE) {
		fprintf(stderr, "strdp-echo-client: count >= 1, 0 <= size <= %d\n", MAX_SIZE);
		return 2;
	}
	const char *name = optind < argc ? argv[optind] : "echo";

	strdp_stream_t *sp = strdp_open(name, O_RDWR, NULL);
	if (sp == NULL) {
		fprintf(stderr, "strdp-echo-client: open %s: %s\n", name, strerror(errno));
		return 1;
	}
	unsigned char *out = malloc(MAX_SIZE), *in = malloc(MAX_SIZE);
	double *rtt = malloc(sizeof *rtt * (size_t)count);
	if (out == NULL || in == NULL || rtt == NULL) {
		fprintf(stderr, "strdp-echo-client: out of memory\n");
		return 1;
	}
	int sent = 0, matched = 0;
	for (int i = 0; i < count; i++) {
		double t0 = now_us();
		int ok = round_trip(sp, (uint32_t)i, size, out, in);
		if (ok < 0)
			break;
		rtt[sent++] = now_us() - t0;
		matched += ok;
	}
	qsort(rtt, (size_t)sent, sizeof *rtt, cmp_double);
	printf("%s: %d sent, %d matched (%d bytes each); rtt p50 %.1f us, p99 %.1f us\n", name,
	       sent, matched, size, percentile(rtt, sent, 0.50), percentile(rtt, sent, 0.99));
	strdp_close(sp);
	free(out);
	free(in);
	free(rtt);
	return matched == count ? 0 : 1;
}
