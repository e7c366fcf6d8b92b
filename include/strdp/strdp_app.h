/*
 * strdp/strdp_app.h — the application's stream head API.
 *
 * One header, two libraries, the same source:
 *  - libstrdp (pkg-config strdp): the in-process head, for code that runs
 *    inside a dataplane process (it has called rte_eal_init() and
 *    strdp_runtime_init(); <strdp/strdp.h> includes this header);
 *  - libstrdp-client (pkg-config strdp-client): the shared-memory head,
 *    for any program: it links no DPDK, needs no hugepages and no root,
 *    and opens the streams a running streamsd offers (found at
 *    $STRDP_SOCKET, else /run/strdp/apps.sock).
 *
 * Calls return -1 and set errno on failure, as the system calls they
 * stand for (getmsg(2), putmsg(2), read(2), write(2), ioctl(2) with
 * streamio(7I) commands, poll(2)). docs/application-guide.md says what
 * each does and where the two heads differ.
 */
#ifndef STRDP_STRDP_APP_H
#define STRDP_STRDP_APP_H

#include <stdint.h>
#include <sys/types.h>

#include <strdp/stropts.h>

#ifdef __cplusplus
extern "C" {
#endif

struct stdata;
typedef struct stdata strdp_stream_t;
struct cred;

/* Opens `name` ("echo", "/dev/echo"); oflag O_RDONLY/O_WRONLY/O_RDWR,
 * O_NONBLOCK. cr: NULL (the in-process head also takes the caller's
 * credentials for the driver's open; the shared-memory head always uses
 * the process's own, as the daemon reads them from the socket). */
strdp_stream_t *strdp_open(const char *name, int oflag, struct cred *cr);
/* Pops every module, closes the driver, frees queued messages. */
int strdp_close(strdp_stream_t *sp);
int strdp_getmsg(strdp_stream_t *sp, struct strbuf *ctl, struct strbuf *data,
                 int *flagsp);
int strdp_getpmsg(strdp_stream_t *sp, struct strbuf *ctl,
                  struct strbuf *data, int *bandp, int *flagsp);
int strdp_putmsg(strdp_stream_t *sp, const struct strbuf *ctl,
                 const struct strbuf *data, int flags);
int strdp_putpmsg(strdp_stream_t *sp, const struct strbuf *ctl,
                  const struct strbuf *data, int band, int flags);
ssize_t strdp_read(strdp_stream_t *sp, void *buf, size_t len);
ssize_t strdp_write(strdp_stream_t *sp, const void *buf, size_t len);
/* streamio(7I) commands; any other cmd is a transparent ioctl with arg
 * as the address the module copies from and to. I_LINK/I_PLINK take the
 * lower stream itself ((intptr_t)lower). */
int strdp_ioctl(strdp_stream_t *sp, int cmd, intptr_t arg);
/* Readiness as poll(2) reports it on a stream: POLLIN/POLLRDNORM,
 * POLLRDBAND, POLLPRI, POLLOUT/POLLWRNORM, POLLWRBAND, POLLERR, POLLHUP
 * (POLLNVAL for a stream this thread cannot use). Does not wait. */
short strdp_poll(strdp_stream_t *sp, short events);
int strdp_set_nonblock(strdp_stream_t *sp, int on);

/*
 * A file descriptor to wait on with poll/epoll/select: it turns readable
 * (POLLIN) whenever the stream's readiness may have changed, and on a
 * hangup; strdp_poll() then says what the stream is ready for. It stays
 * readable until strdp_poll() or a call on the stream consumes the
 * notification. The descriptor belongs to the stream (do not close it).
 * In-process head: -1, errno EOPNOTSUPP (in-process code runs its
 * scheduler instead, strdp_sched_run()).
 */
int strdp_fd(strdp_stream_t *sp);

/*
 * Batches: many messages per call, both directions.
 *
 * strdp_putmsgv sends msgs[0..n) in order, each as strdp_putpmsg would
 * (ctl.len/data.len -1: that part absent; flags MSG_BAND or MSG_HIPRI).
 * Returns how many were sent: all of them when blocking; as many as had
 * room when non-blocking (-1 EAGAIN when none had); on an error after
 * the first, the count so far (the next call reports the error).
 *
 * strdp_getmsgv receives up to n whole messages into msgs[i].ctl/.data
 * (maxlen in, len out, -1 for an absent part) with band and flags
 * (MSG_HIPRI, MSG_BAND) set, in queue order, and returns how many. It
 * waits for the first unless non-blocking (-1 EAGAIN). A message with a
 * part larger than the smallest maxlen given stays queued and ends the
 * batch; when it is the first, -1 EMSGSIZE (strdp_getmsg reads it in
 * pieces). End of file (hangup, nothing queued): 0.
 */
struct strdp_msg {
	struct strbuf ctl;
	struct strbuf data;
	int band;
	int flags;
};
int strdp_putmsgv(strdp_stream_t *sp, const struct strdp_msg *msgs, int n);
int strdp_getmsgv(strdp_stream_t *sp, struct strdp_msg *msgs, int n);

#ifdef __cplusplus
}
#endif

#endif /* STRDP_STRDP_APP_H */
