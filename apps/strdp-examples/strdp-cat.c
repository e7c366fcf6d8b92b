/*
 * strdp-cat — standard input to a stream, the stream to standard output.
 *
 *   strdp-cat [-p module]... [-d device]
 *
 * Opens `device` (default "echo", offered by the daemon's [apps]) without
 * blocking, pushes each -p module in the order given (I_PUSH), then
 * copies stdin to the stream (strdp_write) and what the stream reads
 * (strdp_read) to stdout, waiting with poll(2) on stdin and strdp_fd().
 * At the end of stdin it goes on until as many bytes came back as were
 * written (an echoing device) or the stream was quiet for 2 seconds (a
 * module that changes the byte count), then exits 0.
 *
 *   echo hello | strdp-cat -p crmod
 *
 * strdp_fd() turns readable when the stream's state may have changed;
 * the loop then calls strdp_poll() (which re-arms it) and tries every
 * non-blocking call until EAGAIN before it sleeps again.
 */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <strdp/strdp_app.h>

#define MAX_MODULES 9
#define QUIET_MS 2000

static long long now_ms(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1000LL + ts.tv_nsec / 1000000;
}

static int write_all(int fd, const char *p, size_t n)
{
	while (n > 0) {
		ssize_t k = write(fd, p, n);
		if (k < 0 && errno == EINTR)
			continue;
		if (k < 0)
			return -1;
		p += k;
		n -= (size_t)k;
	}
	return 0;
}

static void usage(const char *argv0)
{
	fprintf(stderr, "usage: %s [-p module]... [-d device]\n", argv0);
	exit(2);
}

int main(int argc, char **argv)
{
	const char *device = "echo", *mods[MAX_MODULES];
	int nmods = 0, opt;
	while ((opt = getopt(argc, argv, "p:d:h")) != -1) {
		switch (opt) {
		case 'p':
			if (nmods == MAX_MODULES) {
				fprintf(stderr, "strdp-cat: at most %d modules\n", MAX_MODULES);
				return 2;
			}
			mods[nmods++] = optarg;
			break;
		case 'd': device = optarg; break;
		default: usage(argv[0]);
		}
	}
	if (optind != argc)
		usage(argv[0]);

	strdp_stream_t *sp = strdp_open(device, O_RDWR | O_NONBLOCK, NULL);
	if (sp == NULL) {
		fprintf(stderr, "strdp-cat: open %s: %s\n", device, strerror(errno));
		return 1;
	}
	for (int i = 0; i < nmods; i++) {
		if (strdp_ioctl(sp, I_PUSH, (intptr_t)mods[i]) < 0) {
			fprintf(stderr, "strdp-cat: push %s: %s\n", mods[i], strerror(errno));
			strdp_close(sp);
			return 1;
		}
	}
	int sfd = strdp_fd(sp);
	if (sfd < 0) {
		fprintf(stderr, "strdp-cat: strdp_fd: %s\n", strerror(errno));
		strdp_close(sp);
		return 1;
	}

	static char in[65536], out[65536];
	size_t in_len = 0, in_off = 0; /* stdin bytes not yet written */
	long long written = 0, read_back = 0, last = now_ms();
	int stdin_open = 1, status = 0;
	for (;;) {
		strdp_poll(sp, POLLIN | POLLOUT); /* consumes the notification, re-arms */
		int progress = 0;
		/* Stream to stdout, until EAGAIN. */
		for (;;) {
			ssize_t n = strdp_read(sp, out, sizeof out);
			if (n > 0) {
				if (write_all(STDOUT_FILENO, out, (size_t)n) < 0) {
					perror("strdp-cat: stdout");
					status = 1;
					goto done;
				}
				read_back += n;
				progress = 1;
				continue;
			}
			if (n == 0)
				goto done; /* hangup: end of file */
			if (errno == EAGAIN)
				break;
			fprintf(stderr, "strdp-cat: read: %s\n", strerror(errno));
			status = 1;
			goto done;
		}
		/* Pending stdin bytes to the stream, until EAGAIN. */
		while (in_off < in_len) {
			ssize_t n = strdp_write(sp, in + in_off, in_len - in_off);
			if (n < 0 && errno == EAGAIN)
				break;
			if (n < 0) {
				fprintf(stderr, "strdp-cat: write: %s\n", strerror(errno));
				status = 1;
				goto done;
			}
			in_off += (size_t)n;
			written += n;
			progress = 1;
		}
		if (progress)
			last = now_ms();
		if (!stdin_open && in_off == in_len) {
			if (read_back >= written || now_ms() - last >= QUIET_MS)
				break;
		}

		struct pollfd p[2] = { { sfd, POLLIN, 0 }, { STDIN_FILENO, POLLIN, 0 } };
		int nfds = stdin_open && in_off == in_len ? 2 : 1;
		int timeout = stdin_open ? -1 : (int)(QUIET_MS - (now_ms() - last));
		if (timeout < 0 && !stdin_open)
			timeout = 0;
		if (poll(p, (nfds_t)nfds, timeout) < 0 && errno != EINTR) {
			perror("strdp-cat: poll");
			status = 1;
			break;
		}
		if (nfds == 2 && (p[1].revents & (POLLIN | POLLHUP | POLLERR))) {
			ssize_t n = read(STDIN_FILENO, in, sizeof in);
			if (n > 0) {
				in_len = (size_t)n;
				in_off = 0;
			} else if (n == 0 || errno != EINTR) {
				stdin_open = 0;
				last = now_ms();
			}
		}
	}
done:
	strdp_close(sp);
	return status;
}
