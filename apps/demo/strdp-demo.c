/*
 * strdp-demo — a first look at strdp.
 *
 * Builds a stream over a DPDK port (a net_ring port loops every frame it
 * sends back to its receive side), pushes four modules, sends text and
 * then a stream of frames through it, reads them back, and prints each
 * queue's statistics:
 *
 *     stream head
 *     nullmod    pass-through (burst put)
 *     passmod    pass-through with service procedures (flow control)
 *     charconv   upper-cases data (set with I_STR CHCONV_UPPER)
 *     crmod      "\n" -> "\r\n" on the write side
 *     eth0       the port (ethraw driver)
 *
 * Usage: strdp-demo [EAL options] [-- --frames N]
 *        e.g. strdp-demo -l 0 --no-pci --vdev=net_ring0 --no-huge -m 512
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <rte_eal.h>
#include <rte_errno.h>
#include <rte_ethdev.h>

#include <strdp/ethraw.h>
#include <strdp/ref/charconv.h>
#include <strdp/strdp.h>

static double now_s(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

static void die(const char *what)
{
	fprintf(stderr, "strdp-demo: %s: %s\n", what, strerror(errno));
	exit(1);
}

/* Prints s with \r and \n visible. */
static void print_escaped(const char *s, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		if (s[i] == '\r')
			fputs("\\r", stdout);
		else if (s[i] == '\n')
			fputs("\\n", stdout);
		else
			putchar(s[i]);
	}
}

static void print_queue(queue_t *q)
{
	struct strdp_qstats st;
	uint64_t drops = 0;
	strdp_qstats_get(q, &st);
	for (int r = 0; r < STRDP_DROP_REASONS; r++)
		drops += st.drops[r];
	printf("  %-9s %-5s %10llu %8llu %7llu %8llu %7llu\n",
	       q->q_qinfo->qi_minfo->mi_idname,
	       (q->q_flag & QREADR) ? "read" : "write",
	       (unsigned long long)st.put_calls,
	       (unsigned long long)st.srv_calls,
	       (unsigned long long)st.queued_msgs,
	       (unsigned long long)st.flow_blocked,
	       (unsigned long long)drops);
}

/* Every queue of the stream: write side top-down, then read side
 * bottom-up, as messages travel. */
static void print_stats(strdp_stream_t *sp)
{
	queue_t *q, *bottom = NULL;
	printf("\n  %-9s %-5s %10s %8s %7s %8s %7s\n", "queue", "side", "puts",
	       "services", "queued", "blocked", "drops");
	for (q = strdp_stream_wq(sp); q != NULL; q = q->q_next) {
		print_queue(q);
		bottom = q;
	}
	for (q = RD(bottom); q != NULL; q = q->q_next)
		print_queue(q);
}

static void print_port_stats(void)
{
	struct strdp_ethraw_stats es;
	if (strdp_ethraw_get_stats("eth0", &es) == 0)
		printf("  port: %llu frames out, %llu in, %llu invalid, %llu polls paused by flow control\n",
		       (unsigned long long)es.tx_frames, (unsigned long long)es.rx_frames,
		       (unsigned long long)es.tx_invalid, (unsigned long long)es.rx_paused);
}

int main(int argc, char **argv)
{
	int n = rte_eal_init(argc, argv);
	if (n < 0) {
		fprintf(stderr, "strdp-demo: EAL: %s\n", rte_strerror(rte_errno));
		return 1;
	}
	argc -= n;
	argv += n;
	long frames = 200000;
	for (int i = 1; i + 1 < argc; i++)
		if (strcmp(argv[i], "--frames") == 0)
			frames = atol(argv[i + 1]);
	if (frames < 1)
		frames = 1;

	if (strdp_runtime_init(NULL) != 0)
		die("runtime");
	if (rte_eth_dev_count_avail() == 0) {
		fprintf(stderr, "strdp-demo: no DPDK port: add --vdev=net_ring0\n");
		return 1;
	}
	if (strdp_ethraw_attach(0, "eth0") != 0)
		die("attach port 0");

	strdp_stream_t *sp = strdp_open("/dev/eth0", O_RDWR | O_NONBLOCK, NULL);
	if (sp == NULL)
		die("open /dev/eth0");
	const char *mods[] = {"crmod", "charconv", "passmod", "nullmod"};
	for (size_t i = 0; i < sizeof mods / sizeof mods[0]; i++)
		if (strdp_ioctl(sp, I_PUSH, (intptr_t)mods[i]) < 0)
			die(mods[i]);
	struct strioctl ic = {CHCONV_UPPER, 0, 0, NULL};
	if (strdp_ioctl(sp, I_STR, (intptr_t)&ic) < 0)
		die("I_STR CHCONV_UPPER");

	/* One read, one frame (the default, RNORM, is a byte stream). */
	if (strdp_ioctl(sp, I_SRDOPT, RMSGD) < 0)
		die("I_SRDOPT");

	struct str_mlist names[16];
	struct str_list sl = {16, names};
	if (strdp_ioctl(sp, I_LIST, (intptr_t)&sl) < 0)
		die("I_LIST");
	printf("stream /dev/eth0 (DPDK port 0, %s): head", strdp_driver_exists("eth0") ? "ethraw" : "?");
	for (int i = 0; i < sl.sl_nmods; i++)
		printf(" -> %s", names[i].l_name);
	printf("\n\n");

	strdp_sched_t *sched = strdp_sched_current();
	char buf[256];
	for (int i = 0; i < 3; i++) {
		int len = snprintf(buf, sizeof buf, "hello, strdp #%d\n", i);
		if (strdp_write(sp, buf, (size_t)len) != len)
			die("write");
	}
	int got = 0;
	double deadline = now_s() + 5;
	while (got < 3 && now_s() < deadline) {
		strdp_sched_run(sched);
		ssize_t r = strdp_read(sp, buf, sizeof buf);
		if (r < 0 && errno != EAGAIN)
			die("read");
		if (r > 0) {
			printf("  sent \"hello, strdp #%d\\n\", read back \"", got);
			print_escaped(buf, (size_t)r);
			printf("\"\n");
			got++;
		}
	}
	if (got < 3) {
		fprintf(stderr, "strdp-demo: only %d of 3 frames came back\n", got);
		print_port_stats();
		print_stats(sp);
		return 1;
	}

	/* Frames as fast as the stream takes them, each 60 bytes. */
	char frame[60];
	memset(frame, 'x', sizeof frame);
	long sent = 0, recvd = 0, bad = 0;
	double t0 = now_s();
	deadline = t0 + 30;
	while (recvd < frames && now_s() < deadline) {
		while (sent < frames) {
			snprintf(frame, sizeof frame, "frame %ld", sent);
			if (strdp_write(sp, frame, sizeof frame) != sizeof frame) {
				if (errno != EAGAIN)
					die("write");
				break; /* flow control: let the loop run */
			}
			sent++;
		}
		strdp_sched_run(sched);
		ssize_t r;
		while ((r = strdp_read(sp, buf, sizeof buf)) > 0) {
			char want[32];
			snprintf(want, sizeof want, "FRAME %ld", recvd);
			if (r != sizeof frame || strncmp(buf, want, strlen(want)) != 0)
				bad++;
			recvd++;
		}
		if (r < 0 && errno != EAGAIN)
			die("read");
	}
	double dt = now_s() - t0;
	printf("\n  %ld frames sent, %ld read back in order and intact, %ld wrong, "
	       "%.2f s (%.2f Mframes/s through 4 modules and back)\n",
	       sent, recvd - bad, bad, dt, recvd / dt / 1e6);

	print_port_stats();
	print_stats(sp);

	strdp_close(sp);
	strdp_ethraw_detach("eth0");
	strdp_runtime_fini();
	rte_eal_cleanup();
	return (recvd == frames && bad == 0) ? 0 : 1;
}
