// The write side: putmsg/putpmsg and write(2) as posted records in wr,
// high-priority messages as a request (docs/shm-head.md "Rings").
//
// What the daemon would refuse is refused here first, with the errors
// and in the order of the in-process head (src/head/head_write.cc): the
// daemon drops a posted write it cannot pass, so an error found only
// there would be lost.
#include <fcntl.h>
#include <poll.h>

#include <climits>

#include "client/client_impl.h"

namespace strdp::client {

namespace {

constexpr int64_t kInfPsz = -1;  // INFPSZ

// The packet-size limits the top write queue published (SO_MAXBLK caps
// the maximum as the in-process head's psz_limits does).
void psz_limits(const stdata *sp, int64_t *minp, int64_t *maxp) {
  *minp = shm::load_acq(sp->hdr->minpsz);
  *maxp = shm::load_acq(sp->hdr->maxpsz);
  int64_t maxblk = shm::load_acq(sp->hdr->maxblk);
  if (maxblk > 0 && (*maxp == kInfPsz || *maxp > maxblk)) *maxp = maxblk;
}

// Whether band's flow control lets a message pass, as published. Only
// bands 0 (POLLWRNORM) and 1 (POLLWRBAND) are published; a message of a
// higher band is posted and the daemon holds it in wr while its band is
// full.
bool band_writable(const stdata *sp, int band) {
  uint32_t poll = shm::load_acq(sp->hdr->poll);
  if (band == 0) return (poll & (POLLOUT | POLLWRNORM)) != 0;
  if (band == 1) return (poll & POLLWRBAND) != 0;
  return true;
}

// Waits until a record of len bytes for band may be posted: 0, EAGAIN
// (non-blocking), or the write error that came meanwhile. wr_mu held.
int wait_post_room(stdata *sp, int band, uint32_t len) {
  auto room = [&] {
    return write_error(sp) != 0 || (band_writable(sp, band) && sp->wr.can_reserve(len));
  };
  if (!room()) {
    if (is_nonblock(sp)) return EAGAIN;
    sp->wr.flush();  // what a batch staged must reach the daemon first
    kick_daemon(sp);
    if (int e = wait_until(sp, room); e != 0) return e;
  }
  return write_error(sp);
}

}  // namespace

int write_error(const stdata *sp) {
  if (stream_gone(sp)) return ENXIO;
  if (int e = shm::load_acq(sp->hdr->werror); e != 0) return e;
  return shm::load_acq(sp->hdr->hangup) != 0 ? ENXIO : 0;
}

int post_check(stdata *sp, const strbuf *ctl, const strbuf *data, int band, int flags, bool pmsg,
               PostPlan *plan) {
  bool hipri;
  int put_flags = 0;
  if (!pmsg) {
    if (flags != 0 && flags != RS_HIPRI) return EINVAL;
    hipri = flags == RS_HIPRI;
    band = 0;
  } else {
    if (flags != MSG_HIPRI && flags != MSG_BAND) return EINVAL;
    if (band < 0 || band > 255) return EINVAL;
    hipri = flags == MSG_HIPRI;
    if (!hipri) put_flags = MSG_BAND;
  }
  bool has_ctl = ctl != nullptr && ctl->len >= 0;
  bool has_data = data != nullptr && data->len >= 0;
  if (hipri && (!has_ctl || band != 0)) return EINVAL;
  if (int e = write_error(sp); e != 0) return e;
  *plan = PostPlan{has_ctl ? ctl : nullptr, has_data ? data : nullptr, band, put_flags, hipri,
                   !has_ctl && !has_data};
  if (plan->empty) return 0;
  if ((has_ctl && ctl->len > 0 && ctl->buf == nullptr) ||
      (has_data && data->len > 0 && data->buf == nullptr))
    return EFAULT;
  if (has_ctl && ctl->len > static_cast<int>(shm::kMaxCtl)) return ERANGE;
  if (has_data) {
    int64_t minp, maxp;
    psz_limits(sp, &minp, &maxp);
    if (data->len > static_cast<int>(shm::kMaxData) || (maxp != kInfPsz && data->len > maxp) ||
        data->len < minp)
      return ERANGE;
  }
  return 0;
}

int post_send(stdata *sp, const PostPlan &plan, bool staged) {
  shm::PutBody body{plan.band, plan.hipri ? MSG_HIPRI : plan.flags,
                    plan.ctl != nullptr ? plan.ctl->len : -1,
                    plan.data != nullptr ? plan.data->len : -1};
  Part parts[3] = {{&body, sizeof body},
                   {plan.ctl != nullptr ? plan.ctl->buf : nullptr,
                    static_cast<uint32_t>(body.ctl_len < 0 ? 0 : body.ctl_len)},
                   {plan.data != nullptr ? plan.data->buf : nullptr,
                    static_cast<uint32_t>(body.data_len < 0 ? 0 : body.data_len)}};
  if (plan.hipri) {
    // Synchronous, so its error comes back; fenced behind the posted
    // writes before it (a batch's staged ones included).
    if (staged) sp->wr.flush();
    kick_daemon(sp);
    Lock l(&sp->req_mu);
    shm::Request rq{};
    rq.op = shm::kOpPutmsg;
    rq.wr_fence = wr_fence(sp);
    int64_t rval;
    return simple_request(sp, &rq, parts, 3, &rval);
  }
  uint32_t len = record_len(parts, 3);
  if (int e = wait_post_room(sp, plan.band, len); e != 0) return e;
  put_record(sp->wr, shm::kPut, parts, 3, staged);
  if (!staged) kick_daemon(sp);
  return 0;
}

}  // namespace strdp::client

using namespace strdp::client;
namespace shm = strdp::shm;

STRDP_CLIENT_API int strdp_putmsg(strdp_stream_t *sp, const strbuf *ctl, const strbuf *data,
                                  int flags) {
  if (sp == nullptr) return fail(EBADF);
  CallScope scope(sp);
  PostPlan plan;
  if (int e = post_check(sp, ctl, data, 0, flags, false, &plan); e != 0) return fail(e);
  if (plan.empty) return 0;
  if (plan.hipri) {  // no wr_mu: writers of other threads go on meanwhile
    int e = post_send(sp, plan, false);
    return e != 0 ? fail(e) : 0;
  }
  Lock l(&sp->wr_mu);
  int e = post_send(sp, plan, false);
  return e != 0 ? fail(e) : 0;
}

STRDP_CLIENT_API int strdp_putpmsg(strdp_stream_t *sp, const strbuf *ctl, const strbuf *data,
                                   int band, int flags) {
  if (sp == nullptr) return fail(EBADF);
  CallScope scope(sp);
  PostPlan plan;
  if (int e = post_check(sp, ctl, data, band, flags, true, &plan); e != 0) return fail(e);
  if (plan.empty) return 0;
  if (plan.hipri) {
    int e = post_send(sp, plan, false);
    return e != 0 ? fail(e) : 0;
  }
  Lock l(&sp->wr_mu);
  int e = post_send(sp, plan, false);
  return e != 0 ? fail(e) : 0;
}

// write(2): data in chunks of at most maxpsz (or kMaxData) bytes, each a
// kWrite record; a zero-length write sends a zero-length message only
// with SNDZERO. Returns what was posted before flow control stopped a
// non-blocking writer, or an error came.
STRDP_CLIENT_API ssize_t strdp_write(strdp_stream_t *sp, const void *buf, size_t len) {
  if (sp == nullptr) return fail(EBADF);
  CallScope scope(sp);
  if (int e = write_error(sp); e != 0) return fail(e);
  if (len > 0 && buf == nullptr) return fail(EFAULT);
  if (len > static_cast<size_t>(SSIZE_MAX)) len = SSIZE_MAX;
  int64_t minp, maxp;
  psz_limits(sp, &minp, &maxp);
  if (static_cast<int64_t>(len) < minp) return fail(ERANGE);
  if (len == 0 && !(shm::load_rlx(sp->wropt) & SNDZERO)) return 0;
  size_t chunk = (maxp == kInfPsz || maxp <= 0 || maxp > static_cast<int64_t>(shm::kMaxData))
                     ? shm::kMaxData
                     : static_cast<size_t>(maxp);
  const auto *p = static_cast<const char *>(buf);
  size_t put = 0;
  Lock l(&sp->wr_mu);
  do {
    size_t n = len - put < chunk ? len - put : chunk;
    shm::PutBody body{0, 0, -1, static_cast<int32_t>(n)};
    Part parts[2] = {{&body, sizeof body}, {p + put, static_cast<uint32_t>(n)}};
    if (int e = wait_post_room(sp, 0, record_len(parts, 2)); e != 0)
      return put > 0 ? static_cast<ssize_t>(put) : fail(e);
    put_record(sp->wr, shm::kWrite, parts, 2, false);
    kick_daemon(sp);  // the daemon passes this chunk on while we copy the next
    put += n;
  } while (put < len);
  return static_cast<ssize_t>(put);
}
