/*
 * strdp-udp-echo — a UDP echo server on the router's /dev/udp, spoken to
 * in TPI (<strdp/tpi.h>, <strdp/udp.h>).
 *
 *   strdp-udp-echo [-p port] [-a address] [-n count] [-t seconds] [device]
 *
 * Opens `device` (default "udp", which the daemon must offer in [apps]),
 * binds it to address:port (default 0.0.0.0:7) with T_BIND_REQ, turns
 * T_IP_RECVDSTADDR on (T_OPTMGMT_REQ), prints "bound A.B.C.D:PORT" once
 * bound, then sends every T_UNITDATA_IND back to its source as a
 * T_UNITDATA_REQ with the same data, from the address it was sent to
 * (T_IP_SRCADDR), as a client that checks who answers expects. T_UDERROR_IND
 * (an echo that could not go) is reported on stderr. Stops after `count`
 * echoes (default 0: no limit) or `seconds` without a datagram (default
 * 0: no limit); exit status 0 then, 1 on an error.
 *
 * Only <strdp/strdp_app.h>, the TPI header and libc.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <strdp/strdp_app.h>
#include <strdp/tpi.h>

#define MAX_DATA 65536

static int usage(void)
{
	fprintf(stderr,
		"usage: strdp-udp-echo [-p port] [-a address] [-n count] [-t seconds] [device]\n");
	return 1;
}

/* Waits up to ms (-1: for ever) for the stream to be readable: 1, 0 on
 * timeout. */
static int wait_readable(strdp_stream_t *sp, int fd, int ms)
{
	for (;;) {
		if (strdp_poll(sp, POLLIN) & (POLLIN | POLLRDNORM | POLLHUP | POLLERR))
			return 1;
		struct pollfd p = {.fd = fd, .events = POLLIN};
		int r = poll(&p, 1, ms);
		if (r == 0)
			return 0;
		if (r < 0 && errno != EINTR)
			return -1;
	}
}

static int bind_to(strdp_stream_t *sp, struct sockaddr_in *sin)
{
	union {
		struct T_bind_req r;
		struct T_bind_ack a;
		struct T_error_ack e;
		char buf[64];
	} u;
	memset(&u, 0, sizeof u);
	u.r.PRIM_type = T_BIND_REQ;
	u.r.ADDR_length = sizeof *sin;
	u.r.ADDR_offset = sizeof u.r;
	memcpy(u.buf + sizeof u.r, sin, sizeof *sin);
	struct strbuf ctl = {0, (int)(sizeof u.r + sizeof *sin), u.buf};
	if (strdp_putmsg(sp, &ctl, NULL, 0) < 0) {
		perror("strdp-udp-echo: putmsg T_BIND_REQ");
		return -1;
	}
	int flags = 0;
	ctl.maxlen = sizeof u.buf;
	if (strdp_getmsg(sp, &ctl, NULL, &flags) < 0) {
		perror("strdp-udp-echo: getmsg");
		return -1;
	}
	if (ctl.len < (int)sizeof(t_scalar_t) || u.a.PRIM_type != T_BIND_ACK) {
		if (ctl.len >= (int)sizeof u.e && u.e.PRIM_type == T_ERROR_ACK)
			fprintf(stderr, "strdp-udp-echo: bind refused: TLI error %d, errno %d (%s)\n",
				(int)u.e.TLI_error, (int)u.e.UNIX_error,
				u.e.UNIX_error ? strerror((int)u.e.UNIX_error) : "-");
		else
			fprintf(stderr, "strdp-udp-echo: no T_BIND_ACK\n");
		return -1;
	}
	if (u.a.ADDR_length == (t_scalar_t)sizeof *sin && u.a.ADDR_offset >= 0 &&
	    u.a.ADDR_offset + (int)sizeof *sin <= ctl.len)
		memcpy(sin, u.buf + u.a.ADDR_offset, sizeof *sin);
	return 0;
}

/* T_NEGOTIATE of T_IP_RECVDSTADDR T_YES: 0 when it took. */
static int want_dstaddr(strdp_stream_t *sp)
{
	struct {
		struct T_optmgmt_req r;
		struct t_opthdr h;
		t_uscalar_t v;
	} req = {{T_OPTMGMT_REQ, sizeof(struct t_opthdr) + sizeof(t_uscalar_t),
		  sizeof(struct T_optmgmt_req), T_NEGOTIATE},
		 {sizeof(struct t_opthdr) + sizeof(t_uscalar_t), T_INET_IP, T_IP_RECVDSTADDR, 0},
		 T_YES};
	struct strbuf ctl = {0, sizeof req, (char *)&req};
	if (strdp_putmsg(sp, &ctl, NULL, 0) < 0)
		return -1;
	union {
		struct T_optmgmt_ack a;
		char buf[128];
	} u;
	int flags = 0;
	ctl = (struct strbuf){sizeof u.buf, 0, u.buf};
	if (strdp_getmsg(sp, &ctl, NULL, &flags) < 0 || ctl.len < (int)sizeof u.a ||
	    u.a.PRIM_type != T_OPTMGMT_ACK || u.a.MGMT_flags != T_SUCCESS) {
		fprintf(stderr, "strdp-udp-echo: T_IP_RECVDSTADDR refused\n");
		return -1;
	}
	return 0;
}

/* The destination a T_UNITDATA_IND carries in its options, or 0. */
static uint32_t dst_of(const char *ctl, int len, const struct T_unitdata_ind *ind)
{
	if (ind->OPT_length < (t_scalar_t)(sizeof(struct t_opthdr) + 4) || ind->OPT_offset < 0 ||
	    ind->OPT_offset + ind->OPT_length > len)
		return 0;
	struct t_opthdr h;
	memcpy(&h, ctl + ind->OPT_offset, sizeof h);
	if (h.level != T_INET_IP || h.name != T_IP_RECVDSTADDR || h.len != sizeof h + 4)
		return 0;
	uint32_t a;
	memcpy(&a, ctl + ind->OPT_offset + sizeof h, 4);
	return a;
}

int main(int argc, char **argv)
{
	struct sockaddr_in sin = {.sin_family = AF_INET, .sin_port = htons(7)};
	long count = 0, seconds = 0;
	int c;

	while ((c = getopt(argc, argv, "p:a:n:t:")) != -1) {
		switch (c) {
		case 'p': sin.sin_port = htons((uint16_t)atoi(optarg)); break;
		case 'a':
			if (inet_pton(AF_INET, optarg, &sin.sin_addr) != 1)
				return usage();
			break;
		case 'n': count = atol(optarg); break;
		case 't': seconds = atol(optarg); break;
		default: return usage();
		}
	}
	if (optind < argc - 1)
		return usage();
	const char *dev = optind < argc ? argv[optind] : "udp";

	strdp_stream_t *sp = strdp_open(dev, O_RDWR, NULL);
	if (sp == NULL) {
		fprintf(stderr, "strdp-udp-echo: open %s: %s\n", dev, strerror(errno));
		return 1;
	}
	if (bind_to(sp, &sin) != 0 || want_dstaddr(sp) != 0)
		return 1;
	char a[INET_ADDRSTRLEN];
	printf("bound %s:%u\n", inet_ntop(AF_INET, &sin.sin_addr, a, sizeof a),
	       ntohs(sin.sin_port));
	fflush(stdout);

	int fd = strdp_fd(sp);
	static char ctlbuf[256], data[MAX_DATA];
	long echoed = 0;
	while (count == 0 || echoed < count) {
		int w = wait_readable(sp, fd, seconds > 0 ? (int)(seconds * 1000) : -1);
		if (w == 0)
			break;		/* idle for `seconds` */
		if (w < 0) {
			perror("strdp-udp-echo: poll");
			return 1;
		}
		struct strbuf ctl = {sizeof ctlbuf, 0, ctlbuf}, dat = {sizeof data, 0, data};
		int flags = 0;
		if (strdp_getmsg(sp, &ctl, &dat, &flags) < 0) {
			perror("strdp-udp-echo: getmsg");
			return 1;
		}
		t_scalar_t prim = -1;
		if (ctl.len >= (int)sizeof prim)
			memcpy(&prim, ctlbuf, sizeof prim);
		if (prim == T_UDERROR_IND && ctl.len >= (int)sizeof(struct T_uderror_ind)) {
			struct T_uderror_ind e;
			memcpy(&e, ctlbuf, sizeof e);
			fprintf(stderr, "strdp-udp-echo: an echo did not go: error %d\n",
				(int)e.ERROR_type);
			continue;
		}
		if (prim != T_UNITDATA_IND || ctl.len < (int)sizeof(struct T_unitdata_ind))
			continue;	/* nothing else is ours to answer */
		struct T_unitdata_ind ind;
		memcpy(&ind, ctlbuf, sizeof ind);
		if (ind.SRC_length != (t_scalar_t)sizeof(struct sockaddr_in) || ind.SRC_offset < 0 ||
		    ind.SRC_offset + ind.SRC_length > ctl.len)
			continue;
		/* The answer: T_UNITDATA_REQ to the source, the same data,
		 * from the address it was sent to. */
		uint32_t from = dst_of(ctlbuf, ctl.len, &ind);
		struct T_unitdata_req req = {T_UNITDATA_REQ, ind.SRC_length, sizeof req, 0, 0};
		struct t_opthdr h = {sizeof h + 4, T_INET_IP, T_IP_SRCADDR, 0};
		char out[sizeof req + sizeof(struct sockaddr_in) + sizeof h + 4];
		memcpy(out, &req, sizeof req);
		memcpy(out + sizeof req, ctlbuf + ind.SRC_offset, sizeof(struct sockaddr_in));
		int olen = sizeof req + sizeof(struct sockaddr_in);
		if (from != 0) {
			req.OPT_length = sizeof h + 4;
			req.OPT_offset = olen;
			memcpy(out, &req, sizeof req);
			memcpy(out + olen, &h, sizeof h);
			memcpy(out + olen + sizeof h, &from, 4);
			olen += sizeof h + 4;
		}
		struct strbuf octl = {0, olen, out};
		struct strbuf odat = {0, dat.len > 0 ? dat.len : 0, data};
		if (strdp_putmsg(sp, &octl, &odat, 0) < 0) {
			perror("strdp-udp-echo: putmsg");
			return 1;
		}
		echoed++;
	}
	printf("echoed %ld\n", echoed);
	strdp_close(sp);
	return 0;
}
