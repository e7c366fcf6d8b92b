/*
 * strdp-app-bench — what an application gets from libstrdp-client, and
 * the same traffic over a kernel socketpair for a reference measured in
 * the same run (perf/app-bench.sh runs both, and memif).
 *
 *   strdp-app-bench oneway [-n MSGS] [-s SIZE] [-b BATCH] [-d DEVICE] [-w WINDOW]
 *       one thread sends MSGS messages of SIZE data bytes with
 *       strdp_putmsgv (BATCH per call) down DEVICE (default "echo") and
 *       takes them back with strdp_getmsgv, both non-blocking, keeping
 *       at most WINDOW (default 1024) in flight, and checks the sequence
 *       numbers. -c: the classic calls instead, strdp_putmsg and
 *       strdp_getmsg one message at a time. Prints "oneway: <N> msg/s".
 *   strdp-app-bench socketpair [-n MSGS] [-s SIZE] [-b BATCH]
 *       the same over an AF_UNIX SOCK_SEQPACKET socketpair with
 *       sendmmsg/recvmmsg. Prints "socketpair: <N> msg/s".
 *   strdp-app-bench rtt [-n MSGS] [-s SIZE] [-d DEVICE]
 *       putmsg then getmsg, one at a time. Prints
 *       "rtt: p50 <A> us p99 <B> us".
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include <strdp/strdp_app.h>

#define MAX_BATCH 256

static long n_msgs = 2000000;
static int msg_size = 64;
static int batch = 32;
static const char *device = "echo";
static long window = 1024;

static double now_s(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

static void die(const char *what)
{
	fprintf(stderr, "strdp-app-bench: %s: %s\n", what, strerror(errno));
	exit(1);
}

/* A batch's buffers lie side by side, one message size apart (rounded to
 * a cache line), as an application would lay them out: 64 KiB apart, they
 * would all fall in the same few cache sets. */
static size_t buf_stride; /* set by main() */
#define BUF(bufs, i) ((bufs) + (size_t)(i) * buf_stride)

static char *batch_bufs(void)
{
	char *b = aligned_alloc(64, buf_stride * MAX_BATCH);
	if (b == NULL)
		die("aligned_alloc");
	memset(b, 0, buf_stride * MAX_BATCH);
	return b;
}

/* ------------------------------------------------------------ oneway */

static strdp_stream_t *bench_sp;

/* Fills m[0..k) with messages sent+0 .. sent+k-1 (the sequence number in
 * the first 8 bytes). */
static void fill(struct strdp_msg *m, char *bufs, long sent, int k)
{
	for (int i = 0; i < k; ++i) {
		uint64_t seq = (uint64_t)(sent + i);
		memcpy(BUF(bufs, i), &seq, sizeof seq);
		m[i].ctl.len = -1;
		m[i].ctl.buf = NULL;
		m[i].data.len = msg_size;
		m[i].data.buf = BUF(bufs, i);
		m[i].band = 0;
		m[i].flags = MSG_BAND;
	}
}

/* Checks what came back; -1 when out of order or cut. */
static int check(const struct strdp_msg *m, char *bufs, int n, long *got)
{
	for (int i = 0; i < n; ++i, ++*got) {
		uint64_t seq;
		memcpy(&seq, BUF(bufs, i), sizeof seq);
		if (seq != (uint64_t)*got || m[i].data.len != msg_size) {
			fprintf(stderr, "strdp-app-bench: message %ld came as %llu\n", *got,
			        (unsigned long long)seq);
			return -1;
		}
	}
	return 0;
}

static void arm_reads(struct strdp_msg *m, char *bufs)
{
	for (int i = 0; i < batch; ++i) {
		m[i].ctl.maxlen = -1;
		m[i].ctl.buf = NULL;
		m[i].data.maxlen = msg_size;
		m[i].data.buf = BUF(bufs, i);
	}
}

/* The classic calls, one message each: what strdp_putmsgv/strdp_getmsgv
 * would return for the same messages. */
static int put_each(strdp_stream_t *sp, const struct strdp_msg *m, int k)
{
	int i = 0;
	for (; i < k; ++i)
		if (strdp_putmsg(sp, NULL, &m[i].data, 0) != 0)
			break;
	return i > 0 ? i : -1;
}

static int get_each(strdp_stream_t *sp, struct strdp_msg *m, int k)
{
	int i = 0;
	for (; i < k; ++i) {
		int flags = 0;
		m[i].ctl.len = -1;
		if (strdp_getmsg(sp, NULL, &m[i].data, &flags) != 0)
			break;
		if (m[i].data.len <= 0 && i == 0)
			return 0;  /* end of file */
	}
	return i > 0 ? i : -1;
}

static int classic;

/* One thread, so the application has one core and the daemon the other:
 * it keeps up to `window` messages in flight, posting a batch when there
 * is room and taking back what has come, both without blocking. */
static int oneway(long window)
{
	if ((bench_sp = strdp_open(device, O_RDWR | O_NONBLOCK, NULL)) == NULL)
		die("strdp_open");
	char *out = batch_bufs(), *in = batch_bufs();
	struct strdp_msg mo[MAX_BATCH], mi[MAX_BATCH];
	long sent = 0, got = 0;
	double t0 = now_s();
	while (got < n_msgs) {
		if (sent < n_msgs && sent - got + batch <= window) {
			int k = (int)(n_msgs - sent < batch ? n_msgs - sent : batch);
			fill(mo, out, sent, k);
			int n = classic ? put_each(bench_sp, mo, k) : strdp_putmsgv(bench_sp, mo, k);
			if (n > 0)
				sent += n;
			else if (errno != EAGAIN)
				die("strdp_putmsgv");
		}
		arm_reads(mi, in);
		int n = classic ? get_each(bench_sp, mi, batch) : strdp_getmsgv(bench_sp, mi, batch);
		if (n < 0 && errno != EAGAIN)
			die("strdp_getmsgv");
		if (n == 0) {
			fprintf(stderr, "strdp-app-bench: end of file after %ld\n", got);
			return 1;
		}
		if (n > 0 && check(mi, in, n, &got) != 0)
			return 1;
	}
	double dt = now_s() - t0;
	strdp_close(bench_sp);
	printf("oneway: %.0f msg/s\n", (double)n_msgs / dt);
	return 0;
}

/* ------------------------------------------------------------ socketpair */

static int sv[2];

static void *sp_writer(void *arg)
{
	(void)arg;
	char *bufs = batch_bufs();
	struct mmsghdr mh[MAX_BATCH];
	struct iovec iov[MAX_BATCH];
	long sent = 0;
	while (sent < n_msgs) {
		int k = (int)(n_msgs - sent < batch ? n_msgs - sent : batch);
		for (int i = 0; i < k; ++i) {
			uint64_t seq = (uint64_t)(sent + i);
			memcpy(BUF(bufs, i), &seq, sizeof seq);
			iov[i].iov_base = BUF(bufs, i);
			iov[i].iov_len = (size_t)msg_size;
			memset(&mh[i], 0, sizeof mh[i]);
			mh[i].msg_hdr.msg_iov = &iov[i];
			mh[i].msg_hdr.msg_iovlen = 1;
		}
		int n = sendmmsg(sv[0], mh, (unsigned)k, 0);
		if (n <= 0)
			die("sendmmsg");
		sent += n;
	}
	return NULL;
}

static int socketpair_bench(void)
{
	if (socketpair(AF_UNIX, SOCK_SEQPACKET, 0, sv) != 0)
		die("socketpair");
	int big = 4 << 20;
	setsockopt(sv[0], SOL_SOCKET, SO_SNDBUF, &big, sizeof big);
	setsockopt(sv[1], SOL_SOCKET, SO_RCVBUF, &big, sizeof big);
	char *bufs = batch_bufs();
	struct mmsghdr mh[MAX_BATCH];
	struct iovec iov[MAX_BATCH];
	pthread_t t;
	double t0 = now_s();
	if (pthread_create(&t, NULL, sp_writer, NULL) != 0)
		die("pthread_create");
	long got = 0;
	while (got < n_msgs) {
		for (int i = 0; i < batch; ++i) {
			iov[i].iov_base = BUF(bufs, i);
			iov[i].iov_len = (size_t)msg_size;
			memset(&mh[i], 0, sizeof mh[i]);
			mh[i].msg_hdr.msg_iov = &iov[i];
			mh[i].msg_hdr.msg_iovlen = 1;
		}
		int n = recvmmsg(sv[1], mh, (unsigned)batch, MSG_WAITFORONE, NULL);
		if (n <= 0)
			die("recvmmsg");
		for (int i = 0; i < n; ++i, ++got) {
			uint64_t seq;
			memcpy(&seq, BUF(bufs, i), sizeof seq);
			if (seq != (uint64_t)got)
				return 1;
		}
	}
	double dt = now_s() - t0;
	pthread_join(t, NULL);
	printf("socketpair: %.0f msg/s\n", (double)n_msgs / dt);
	return 0;
}

/* ------------------------------------------------------------ rtt */

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;
	return x < y ? -1 : x > y;
}

static int rtt(void)
{
	strdp_stream_t *sp = strdp_open(device, O_RDWR, NULL);
	if (sp == NULL)
		die("strdp_open");
	double *lat = malloc(sizeof(double) * (size_t)n_msgs);
	static char out[65536], in[65536];
	memset(out, 'r', sizeof out);
	for (long i = 0; i < n_msgs; ++i) {
		struct strbuf d = {0, msg_size, out};
		struct strbuf g = {(int)sizeof in, -1, in};
		int flags = 0;
		double t0 = now_s();
		if (strdp_putmsg(sp, NULL, &d, 0) != 0)
			die("strdp_putmsg");
		if (strdp_getmsg(sp, NULL, &g, &flags) != 0)
			die("strdp_getmsg");
		lat[i] = (now_s() - t0) * 1e6;
		if (g.len != msg_size)
			return 1;
	}
	qsort(lat, (size_t)n_msgs, sizeof *lat, cmp_double);
	printf("rtt: p50 %.2f us p99 %.2f us\n", lat[n_msgs / 2], lat[n_msgs * 99 / 100]);
	free(lat);
	strdp_close(sp);
	return 0;
}

int main(int argc, char **argv)
{
	if (argc < 2) {
		fprintf(stderr, "usage: strdp-app-bench oneway|socketpair|rtt [-n MSGS] [-s SIZE] "
		                "[-b BATCH] [-d DEVICE] [-w WINDOW] [-c]\n");
		return 2;
	}
	const char *mode = argv[1];
	int c;
	optind = 2;
	while ((c = getopt(argc, argv, "n:s:b:d:w:c")) != -1) {
		switch (c) {
		case 'n': n_msgs = atol(optarg); break;
		case 's': msg_size = atoi(optarg); break;
		case 'b': batch = atoi(optarg); break;
		case 'd': device = optarg; break;
		case 'w': window = atol(optarg); break;
		case 'c': classic = 1; break;
		default: return 2;
		}
	}
	if (n_msgs < 1 || msg_size < 8 || msg_size > 65536 || batch < 1 || batch > MAX_BATCH) {
		fprintf(stderr, "strdp-app-bench: -n >= 1, 8 <= -s <= 65536, 1 <= -b <= %d\n",
		        MAX_BATCH);
		return 2;
	}
	buf_stride = ((size_t)msg_size + 63) & ~(size_t)63;
	if (strcmp(mode, "oneway") == 0)
		return oneway(window < batch ? batch : window);
	if (strcmp(mode, "socketpair") == 0)
		return socketpair_bench();
	if (strcmp(mode, "rtt") == 0)
		return rtt();
	fprintf(stderr, "strdp-app-bench: unknown mode %s\n", mode);
	return 2;
}
