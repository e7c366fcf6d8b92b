// The C API of the in-process stream head (strdp.h): system-call
// conventions (-1 and errno) over the head_* functions.
#include <fcntl.h>
#include <poll.h>

#include <cerrno>

#include "head/head_impl.h"
#include "queue/qlist.h"

using namespace strdp;

namespace {
int fail(int err) {
  errno = err;
  return -1;
}
// A stream is used by the thread that opened it: its scheduler owns every
// queue of it. A call from another thread would race the owner's puts
// (LiS' missing plumbing lock), so it is refused: errno EBADF for no
// stream, EXDEV for someone else's. A stream linked under a multiplexor
// has no head of its own any more (its queues are the mux's): EINVAL, as
// streamio answers on a linked stream, close included (its owner closes
// it after the unlink).
int check(strdp_stream_t *sp) {
  if (sp == nullptr) return EBADF;
  if (!sp->sched->is_current()) return EXDEV;
  return sp->plex != nullptr ? EINVAL : 0;
}
}  // namespace

extern "C" strdp_stream_t *strdp_open(const char *name, int oflag, cred_t *cr) {
  return stream_open(name, oflag, cr);
}

extern "C" int strdp_close(strdp_stream_t *sp) {
  if (int e = check(sp); e != 0) return fail(e);
  int e = stream_close(sp);
  return e != 0 ? fail(e) : 0;
}

extern "C" int strdp_getmsg(strdp_stream_t *sp, strbuf *ctl, strbuf *data, int *flagsp) {
  if (int e = check(sp); e != 0) return fail(e);
  int more;
  int e = head_getmsg(sp, ctl, data, nullptr, flagsp, false, &more);
  return e != 0 ? fail(e) : more;
}

extern "C" int strdp_getpmsg(strdp_stream_t *sp, strbuf *ctl, strbuf *data, int *bandp,
                             int *flagsp) {
  if (int e = check(sp); e != 0) return fail(e);
  int more;
  int e = head_getmsg(sp, ctl, data, bandp, flagsp, true, &more);
  return e != 0 ? fail(e) : more;
}

extern "C" int strdp_putmsg(strdp_stream_t *sp, const strbuf *ctl, const strbuf *data,
                            int flags) {
  if (int e = check(sp); e != 0) return fail(e);
  int e = head_putmsg(sp, ctl, data, 0, flags, false);
  return e != 0 ? fail(e) : 0;
}

extern "C" int strdp_putpmsg(strdp_stream_t *sp, const strbuf *ctl, const strbuf *data, int band,
                             int flags) {
  if (int e = check(sp); e != 0) return fail(e);
  int e = head_putmsg(sp, ctl, data, band, flags, true);
  return e != 0 ? fail(e) : 0;
}

extern "C" ssize_t strdp_read(strdp_stream_t *sp, void *buf, size_t len) {
  if (int e = check(sp); e != 0) return fail(e);
  size_t got;
  int e = head_read(sp, buf, len, &got);
  return e != 0 ? fail(e) : static_cast<ssize_t>(got);
}

extern "C" ssize_t strdp_write(strdp_stream_t *sp, const void *buf, size_t len) {
  if (int e = check(sp); e != 0) return fail(e);
  size_t put;
  int e = head_write(sp, buf, len, &put);
  return e != 0 ? fail(e) : static_cast<ssize_t>(put);
}

extern "C" int strdp_ioctl(strdp_stream_t *sp, int cmd, intptr_t arg) {
  if (int e = check(sp); e != 0) return fail(e);
  int rval;
  int e = head_ioctl(sp, cmd, arg, &rval);
  return e != 0 ? fail(e) : rval;
}

// Readiness as poll(2) reports it on a stream (streamio): POLLIN/POLLRDNORM
// for a band-0 message, POLLRDBAND for a band > 0 one, POLLPRI for a
// high-priority one, POLLOUT/POLLWRNORM when band 0 is writable,
// POLLWRBAND when band 1 is; POLLERR on an error, POLLHUP after a hangup
// (then never POLLOUT).
extern "C" short strdp_poll(strdp_stream_t *sp, short events) {
  if (check(sp) != 0) return POLLNVAL;
  short r = 0;
  mblk_t *mp = sp->rq()->q_first;
  if (mp != nullptr) {
    if (is_pc(mp))
      r |= POLLPRI;
    else if (mp->b_band == 0)
      r |= POLLIN | POLLRDNORM;
    else
      r |= POLLIN | POLLRDBAND;
  }
  if (sp->rerror != 0 || sp->werror != 0) r |= POLLERR;
  if (sp->hangup) {
    r |= POLLHUP;
  } else {
    if ((events & (POLLOUT | POLLWRNORM)) && bcanputnext(sp->wq(), 0)) r |= POLLOUT | POLLWRNORM;
    if ((events & POLLWRBAND) && bcanputnext(sp->wq(), 1)) r |= POLLWRBAND;
  }
  return static_cast<short>(r & (events | POLLERR | POLLHUP));
}

extern "C" int strdp_set_nonblock(strdp_stream_t *sp, int on) {
  if (int e = check(sp); e != 0) return fail(e);
  if (on)
    sp->oflag |= O_NONBLOCK;
  else
    sp->oflag &= ~(O_NONBLOCK | O_NDELAY);
  return 0;
}

extern "C" queue_t *strdp_stream_rq(strdp_stream_t *sp) { return sp != nullptr ? sp->rq() : nullptr; }
extern "C" queue_t *strdp_stream_wq(strdp_stream_t *sp) { return sp != nullptr ? sp->wq() : nullptr; }
