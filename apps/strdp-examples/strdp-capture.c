/*
 * strdp-capture — a stream's messages as a pcap file.
 *
 *   strdp-capture NAME [-c count] > capture.pcap
 *
 * Opens NAME, a stream of a running streamsd, and reads its M_PROTO and
 * M_DATA messages in batches (strdp_getmsgv), writing the data part of
 * each as one packet of a classic pcap file (link type Ethernet) on
 * standard output, until SIGINT/SIGTERM, the stream's end of file, or
 * `count` packets. Control parts are not written.
 *
 * The daemon must offer NAME in its [apps] section, readable by this
 * process: typically an [[apps.stream]] a sniffer on a lane copies to
 * (`to=NAME`, see docs/sniffer.md and config/examples/capture.toml),
 * whose messages are Ethernet frames (cut to the sniffer's snaplen) as
 * M_DATA.
 * Packets are time-stamped when read here (a copy carries no time).
 *
 * The pcap format is written by hand (24-byte file header, 16-byte record
 * headers, host byte order as the magic number says): no libpcap.
 */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/time.h>
#include <unistd.h>

#include <strdp/strdp_app.h>

#define BATCH 32
#define SNAPLEN 65535
#define MAX_DATA 65536
#define MAX_CTL 1024

struct pcap_file_header {
	uint32_t magic; /* 0xa1b2c3d4: microsecond time stamps */
	uint16_t version_major, version_minor;
	int32_t thiszone;
	uint32_t sigfigs, snaplen, linktype;
};

struct pcap_record {
	uint32_t ts_sec, ts_usec, incl_len, orig_len;
};

static volatile sig_atomic_t stop;

static void on_signal(int sig)
{
	(void)sig;
	stop = 1;
}

static int put(const void *p, size_t n)
{
	return fwrite(p, 1, n, stdout) == n ? 0 : -1;
}

int main(int argc, char **argv)
{
	long limit = -1;
	int opt;
	while ((opt = getopt(argc, argv, "c:h")) != -1) {
		switch (opt) {
		case 'c': limit = atol(optarg); break;
		default:
			fprintf(stderr, "usage: %s NAME [-c count] > file.pcap\n", argv[0]);
			return 2;
		}
	}
	if (optind + 1 != argc) {
		fprintf(stderr, "usage: %s NAME [-c count] > file.pcap\n", argv[0]);
		return 2;
	}
	const char *name = argv[optind];
	if (isatty(STDOUT_FILENO)) {
		fprintf(stderr, "strdp-capture: standard output is a terminal; redirect it to a file\n");
		return 2;
	}

	/* No SA_RESTART: poll() below returns EINTR and the loop ends. */
	struct sigaction sa;
	memset(&sa, 0, sizeof sa);
	sa.sa_handler = on_signal;
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);

	strdp_stream_t *sp = strdp_open(name, O_RDONLY | O_NONBLOCK, NULL);
	if (sp == NULL) {
		fprintf(stderr, "strdp-capture: open %s: %s\n", name, strerror(errno));
		return 1;
	}
	int sfd = strdp_fd(sp);
	struct strdp_msg *msgs = calloc(BATCH, sizeof *msgs);
	char *bufs = malloc((size_t)BATCH * (MAX_DATA + MAX_CTL));
	if (sfd < 0 || msgs == NULL || bufs == NULL) {
		fprintf(stderr, "strdp-capture: %s\n", sfd < 0 ? strerror(errno) : "out of memory");
		return 1;
	}

	struct pcap_file_header fh = { 0xa1b2c3d4u, 2, 4, 0, 0, SNAPLEN, 1 /* DLT_EN10MB */ };
	if (put(&fh, sizeof fh) < 0) {
		perror("strdp-capture: stdout");
		return 1;
	}
	long packets = 0;
	int status = 0;
	while (!stop && (limit < 0 || packets < limit)) {
		strdp_poll(sp, POLLIN); /* re-arms strdp_fd before we look */
		for (int i = 0; i < BATCH; i++) {
			char *b = bufs + (size_t)i * (MAX_DATA + MAX_CTL);
			msgs[i].ctl = (struct strbuf){ MAX_CTL, 0, b };
			msgs[i].data = (struct strbuf){ MAX_DATA, 0, b + MAX_CTL };
		}
		int n = strdp_getmsgv(sp, msgs, BATCH);
		if (n == 0)
			break; /* end of file: the stream hung up */
		if (n < 0 && errno == EAGAIN) {
			struct pollfd p = { sfd, POLLIN, 0 };
			poll(&p, 1, -1); /* EINTR: the loop looks at stop */
			continue;
		}
		if (n < 0) {
			fprintf(stderr, "strdp-capture: getmsgv: %s\n", strerror(errno));
			status = 1;
			break;
		}
		struct timeval tv;
		gettimeofday(&tv, NULL);
		for (int i = 0; i < n && (limit < 0 || packets < limit); i++) {
			int len = msgs[i].data.len;
			if (len <= 0)
				continue; /* no data part: nothing to write */
			uint32_t incl = len > SNAPLEN ? SNAPLEN : (uint32_t)len;
			struct pcap_record r = { (uint32_t)tv.tv_sec, (uint32_t)tv.tv_usec, incl,
						 (uint32_t)len };
			if (put(&r, sizeof r) < 0 || put(msgs[i].data.buf, incl) < 0) {
				perror("strdp-capture: stdout");
				status = 1;
				stop = 1;
				break;
			}
			packets++;
		}
		fflush(stdout);
	}
	fflush(stdout);
	fprintf(stderr, "strdp-capture: %ld packets from %s\n", packets, name);
	strdp_close(sp);
	free(msgs);
	free(bufs);
	return status;
}
