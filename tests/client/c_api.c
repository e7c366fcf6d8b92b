/*
 * Every function of <strdp/strdp_app.h>, called from C (gnu17) and linked
 * against libstrdp-client.a by the C driver: the header is C, and the
 * library needs no C++ runtime. Run without a daemon: the open fails
 * ENXIO and each call on no stream fails EBADF.
 */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>

#include <strdp/strdp_app.h>

static int failures;

static void expect(int ok, const char *what)
{
	if (!ok) {
		fprintf(stderr, "c_api: %s (errno %d)\n", what, errno);
		failures++;
	}
}

int main(void)
{
	char buf[16];
	struct strbuf sb = { sizeof buf, 0, buf };
	struct strdp_msg msgs[1] = { { { sizeof buf, -1, buf }, { sizeof buf, 0, buf }, 0, MSG_BAND } };
	int flags = 0, band = 0;
	strdp_stream_t *sp;

	setenv("STRDP_SOCKET", "/nonexistent/strdp/apps.sock", 1);
	errno = 0;
	sp = strdp_open("echo", O_RDWR, NULL);
	expect(sp == NULL && errno == ENXIO, "strdp_open without a daemon: ENXIO");

	expect(strdp_close(NULL) == -1 && errno == EBADF, "strdp_close");
	expect(strdp_getmsg(NULL, &sb, &sb, &flags) == -1 && errno == EBADF, "strdp_getmsg");
	expect(strdp_getpmsg(NULL, &sb, &sb, &band, &flags) == -1 && errno == EBADF, "strdp_getpmsg");
	expect(strdp_putmsg(NULL, &sb, &sb, 0) == -1 && errno == EBADF, "strdp_putmsg");
	expect(strdp_putpmsg(NULL, &sb, &sb, 0, MSG_BAND) == -1 && errno == EBADF, "strdp_putpmsg");
	expect(strdp_read(NULL, buf, sizeof buf) == -1 && errno == EBADF, "strdp_read");
	expect(strdp_write(NULL, buf, sizeof buf) == -1 && errno == EBADF, "strdp_write");
	expect(strdp_ioctl(NULL, I_NREAD, (intptr_t)&flags) == -1 && errno == EBADF, "strdp_ioctl");
	expect(strdp_poll(NULL, POLLIN) == POLLNVAL, "strdp_poll");
	expect(strdp_set_nonblock(NULL, 1) == -1 && errno == EBADF, "strdp_set_nonblock");
	expect(strdp_fd(NULL) == -1 && errno == EBADF, "strdp_fd");
	expect(strdp_putmsgv(NULL, msgs, 1) == -1 && errno == EBADF, "strdp_putmsgv");
	expect(strdp_getmsgv(NULL, msgs, 1) == -1 && errno == EBADF, "strdp_getmsgv");

	if (failures == 0)
		printf("c_api: every call links and answers\n");
	return failures == 0 ? 0 : 1;
}
