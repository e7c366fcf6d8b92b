// Batches (strdp_app.h): strdp_putmsgv stages its messages in wr and
// publishes them once; strdp_getmsgv takes what read-ahead holds
// (readahead.cc), and asks the daemon for several queued messages in one
// kOpGetmsgv round trip when read-ahead cannot answer.
#include <cstring>

#include "client/client_impl.h"

namespace strdp::client {

namespace {

// A getmsgv reply stays well inside rep: at most half of it, so the
// daemon never waits for room to answer.
constexpr uint32_t kGetmsgvReplyMax =
    shm::kRepRingSize / 2 - sizeof(shm::RecHdr) - sizeof(shm::Reply);

// Copies the reply's messages into msgs; the count, or -1 when the
// payload does not hold what it says.
int unpack_msgs(const uint8_t *p, uint32_t len, int64_t count, int64_t cmax, int64_t dmax,
                strdp_msg *msgs) {
  uint32_t off = 0;
  for (int64_t i = 0; i < count; ++i) {
    shm::MsgEntry e;
    if (len - off < sizeof e) return -1;
    memcpy(&e, p + off, sizeof e);
    off += sizeof e;
    if (e.ctl_len < -1 || e.ctl_len > cmax || e.data_len < -1 || e.data_len > dmax) return -1;
    uint32_t cl = e.ctl_len > 0 ? static_cast<uint32_t>(e.ctl_len) : 0;
    uint32_t dl = e.data_len > 0 ? static_cast<uint32_t>(e.data_len) : 0;
    if (len - off < cl + dl) return -1;
    strdp_msg &m = msgs[i];
    if (cl > 0) memcpy(m.ctl.buf, p + off, cl);
    if (dl > 0) memcpy(m.data.buf, p + off + cl, dl);
    m.ctl.len = e.ctl_len;
    m.data.len = e.data_len;
    bool hi = (e.flags & MSG_HIPRI) != 0;
    m.flags = hi ? MSG_HIPRI : MSG_BAND;
    m.band = hi ? 0 : e.band;
    // The next entry starts 8-byte aligned (the last may end unpadded).
    uint32_t next = off + shm::align8(cl + dl);
    off = next < len ? next : len;
  }
  return static_cast<int>(count);
}

// Whole messages from read-ahead, each within cmax/dmax: the count (0:
// ask the daemon), or -errno (EAGAIN non-blocking with nothing anywhere,
// ENXIO gone, EPROTO). req_mu held.
int getmsgv_ahead(stdata *sp, strdp_msg *msgs, int n, int64_t cmax, int64_t dmax) {
  for (;;) {
    int got = 0;
    RdNext r = RdNext::kEmpty;
    while (got < n) {
      shm::MsgEntry e;
      const uint8_t *bytes;
      r = rd_next(sp, &e, &bytes);
      if (r == RdNext::kBad) return -mark_broken(sp);
      if (r != RdNext::kMsg) break;
      uint32_t cl = e.ctl_len > 0 ? static_cast<uint32_t>(e.ctl_len) : 0;
      uint32_t dl = e.data_len > 0 ? static_cast<uint32_t>(e.data_len) : 0;
      if (cl > cmax || dl > dmax) break;  // the daemon answers as for the queue
      strdp_msg &m = msgs[got++];
      if (cl > 0) memcpy(m.ctl.buf, bytes, cl);
      if (dl > 0) memcpy(m.data.buf, bytes + cl, dl);
      m.ctl.len = e.ctl_len;
      m.data.len = e.data_len;
      m.flags = MSG_BAND;
      m.band = 0;
      rd_consume(sp);
    }
    if (got > 0) {
      sp->rd.release();
      return got;
    }
    if (r != RdNext::kEmpty) return 0;
    if (int w = rd_when_empty(sp); w <= 0) return w;
  }
}

}  // namespace

}  // namespace strdp::client

using namespace strdp::client;
namespace shm = strdp::shm;

// Arguments are checked in the in-process head's order (head_batch.cc).
STRDP_CLIENT_API int strdp_putmsgv(strdp_stream_t *sp, const struct strdp_msg *msgs, int n) {
  if (n < 0) return fail(EINVAL);
  if (n > 0 && msgs == nullptr) return fail(EFAULT);
  if (n == 0) return 0;
  if (sp == nullptr) return fail(EBADF);
  CallScope scope(sp);
  Lock l(&sp->wr_mu);
  int sent = 0, err = 0;
  for (; sent < n; ++sent) {
    const strdp_msg &m = msgs[sent];
    PostPlan plan;
    err = post_check(sp, &m.ctl, &m.data, m.band, m.flags, true, &plan);
    if (err == 0 && !plan.empty) err = post_send(sp, plan, true);
    if (err != 0) break;
  }
  sp->wr.flush();
  kick_daemon(sp);
  // An error after the first message: the count so far, and the next
  // call (starting at the failed message) reports it.
  if (sent == 0 && err != 0) return fail(err);
  return sent;
}

STRDP_CLIENT_API int strdp_getmsgv(strdp_stream_t *sp, struct strdp_msg *msgs, int n) {
  if (n <= 0) return fail(EINVAL);
  if (msgs == nullptr) return fail(EFAULT);
  if (sp == nullptr) return fail(EBADF);
  CallScope scope(sp);
  // The smallest buffers bound every message: one that does not fit
  // stays queued and ends the batch (EMSGSIZE when it is the first).
  int64_t cmax = shm::kMaxCtl, dmax = shm::kMaxData;
  for (int i = 0; i < n; ++i) {
    const strdp_msg &m = msgs[i];
    if ((m.ctl.maxlen > 0 && m.ctl.buf == nullptr) || (m.data.maxlen > 0 && m.data.buf == nullptr))
      return fail(EFAULT);
    cmax = clamp64(m.ctl.maxlen, 0, cmax);
    dmax = clamp64(m.data.maxlen, 0, dmax);
  }
  if (stream_gone(sp)) return 0;
  int64_t per = sizeof(shm::MsgEntry) + shm::align8(static_cast<uint32_t>(cmax + dmax));
  int64_t want = kGetmsgvReplyMax / per;
  if (want > n) want = n;
  shm::Request rq{};
  rq.op = shm::kOpGetmsgv;
  rq.a[0] = want;
  rq.a[1] = dmax;
  rq.a[2] = cmax;
  rq.flags = req_flags(sp);
  Lock l(&sp->req_mu);
  if (int got = getmsgv_ahead(sp, msgs, n, cmax, dmax); got != 0) {
    if (got == -ENXIO) return 0;  // gone while we waited: end of file
    return got > 0 ? got : fail(-got);
  }
  shm::Reply rep;
  const uint8_t *out;
  int e = request(sp, &rq, nullptr, 0, &rep, &out);
  if (e == ENXIO) return 0;  // gone while we waited: end of file
  if (e != 0) return fail(e);
  e = rep.type != shm::kRepDone ? EPROTO : rep.err;
  int got = 0;
  if (e == 0) {
    got = rep.rval < 0 || rep.rval > want
              ? -1
              : unpack_msgs(out, rep.out_len, rep.rval, cmax, dmax, msgs);
    if (got < 0) e = mark_broken(sp);
  }
  reply_done(sp);
  return e != 0 ? fail(e) : got;
}
