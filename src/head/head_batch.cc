// The batch calls of <strdp/strdp_app.h> on the in-process head, and
// strdp_fd (which it has none of). strdp_getmsgv takes whole messages
// only: head_next_whole() says whether the next one fits, so a batch never
// leaves a message half read.
#include <cerrno>

#include "head/head_impl.h"

using namespace strdp;

namespace strdp {

int head_next_whole(stdata *sp, int cmax, int dmax, long *ctl, long *data) {
  const mblk_t *m = sp->plex == nullptr ? sp->rq()->q_first : nullptr;
  if (m == nullptr) return ENODATA;
  unsigned char t = m->b_datap->db_type;
  if (t != M_DATA && t != M_PROTO && t != M_PCPROTO) return EBADMSG;
  *ctl = 0;
  *data = 0;
  for (const mblk_t *b = m; b != nullptr; b = b->b_cont)
    (b->b_datap->db_type == M_DATA ? *data : *ctl) += MBLKL_(b);
  return *ctl > (cmax < 0 ? 0 : cmax) || *data > (dmax < 0 ? 0 : dmax) ? EMSGSIZE : 0;
}

}  // namespace strdp

namespace {

int fail(int err) {
  errno = err;
  return -1;
}

// The smallest buffers of a batch: every message must fit all of them.
void smallest(const strdp_msg *msgs, int n, int *cmax, int *dmax) {
  *cmax = msgs[0].ctl.maxlen;
  *dmax = msgs[0].data.maxlen;
  for (int i = 1; i < n; ++i) {
    if (msgs[i].ctl.maxlen < *cmax) *cmax = msgs[i].ctl.maxlen;
    if (msgs[i].data.maxlen < *dmax) *dmax = msgs[i].data.maxlen;
  }
}

}  // namespace

extern "C" int strdp_fd(strdp_stream_t *sp) {
  // In-process code runs its scheduler (strdp_sched_run) instead of
  // sleeping on a descriptor.
  return fail(sp == nullptr ? EBADF : EOPNOTSUPP);
}

extern "C" int strdp_putmsgv(strdp_stream_t *sp, const strdp_msg *msgs, int n) {
  if (n < 0) return fail(EINVAL);
  if (n > 0 && msgs == nullptr) return fail(EFAULT);
  int i = 0;
  for (; i < n; ++i) {
    const strdp_msg &m = msgs[i];
    // A non-blocking batch stops at the first message flow control holds.
    if (strdp_putpmsg(sp, &m.ctl, &m.data, m.band, m.flags) != 0) {
      if (i == 0) return -1;
      break;
    }
  }
  return i;
}

extern "C" int strdp_getmsgv(strdp_stream_t *sp, strdp_msg *msgs, int n) {
  if (n <= 0) return fail(EINVAL);
  if (msgs == nullptr) return fail(EFAULT);
  if (sp == nullptr) return fail(EBADF);
  int cmax, dmax;
  smallest(msgs, n, &cmax, &dmax);
  int got = 0;
  for (; got < n; ++got) {
    strdp_msg &m = msgs[got];
    long c, d;
    // After the first, only what is queued now, and only whole messages.
    if (got > 0 && head_next_whole(sp, cmax, dmax, &c, &d) != 0) break;
    m.band = 0;
    m.flags = MSG_ANY;
    int more = strdp_getpmsg(sp, &m.ctl, &m.data, &m.band, &m.flags);
    if (more < 0) return got > 0 ? got : -1;
    if (more != 0) {
      // The first message was bigger than the buffers: it stays (its
      // first pieces are read; strdp_getmsg reads the rest).
      return got > 0 ? got : fail(EMSGSIZE);
    }
    // End of file: a hangup with nothing queued reads as both parts empty
    // (head_getmsg); it ends the batch without counting as a message.
    if (sp->hangup && m.ctl.len == 0 && m.data.len == 0 && sp->rq()->q_first == nullptr)
      return got;
  }
  return got;
}
