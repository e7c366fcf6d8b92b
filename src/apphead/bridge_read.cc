// A Bridge's read side: getmsg/getpmsg, the getmsgv batch and read(), each
// a request answered from the stream head's read queue. A blocking one
// waits as a pending request until the queue, an error or a hangup lets
// the head call answer.
#include <algorithm>
#include <cerrno>

#include "apphead/bridge.h"
#include "head/head_impl.h"

namespace strdp::apphead {

using namespace shm;

namespace {

// A strbuf's maxlen from the application: -1 (that part is not read) up
// to what one reply carries; the rest of a bigger part stays queued
// (MORECTL/MOREDATA, as a short buffer gives).
int clamp_max(int64_t v, uint32_t cap) {
  if (v < 0) return -1;
  return static_cast<int>(std::min<int64_t>(v, cap));
}


}  // namespace

Bridge::Step Bridge::run_getmsg(Pending &p) {
  const Request &rq = p.rq;
  bool pmsg = (rq.a[4] & kGetPmsg) != 0;
  int cmax = clamp_max(rq.a[0], kMaxCtl), dmax = clamp_max(rq.a[1], kMaxData);
  if (!can_reply(static_cast<uint32_t>(std::max(cmax, 0) + std::max(dmax, 0))))
    return Step::kWait;
  strbuf cb{cmax, -1, scratch_->ctl.data()};
  strbuf db{dmax, -1, scratch_->data.data()};
  int band = static_cast<int>(rq.a[2]);
  int flags = static_cast<int>(rq.a[3]);
  int more = 0;
  int err = head_getmsg(sp_, (rq.a[4] & kGetCtlNull) ? nullptr : &cb,
                        (rq.a[4] & kGetDataNull) ? nullptr : &db, pmsg ? &band : nullptr, &flags,
                        pmsg, &more);
  if (err == EAGAIN && !(rq.flags & kReqNonblock)) return Step::kWait;
  Reply r{};
  r.seq = rq.seq;
  r.err = err;
  r.rval = err == 0 ? more : -1;
  r.ctl_len = err == 0 ? cb.len : -1;
  r.data_len = err == 0 ? db.len : -1;
  r.band = band;
  r.flags = flags;
  uint32_t nc = err == 0 && cb.len > 0 ? static_cast<uint32_t>(cb.len) : 0;
  uint32_t nd = err == 0 && db.len > 0 ? static_cast<uint32_t>(db.len) : 0;
  if (err == 0 && (nc != 0 || nd != 0 || cb.len >= 0 || db.len >= 0)) {
    ++ctr_->msgs_up;
    ctr_->bytes_up += nc + nd;
  }
  reply(r, cb.buf, nc, db.buf, nd);  // room was checked above
  return Step::kDone;
}

// Whole messages only: one whose parts do not fit the smallest buffers
// the application gave stays queued and ends the batch (EMSGSIZE when it
// is the first; strdp_getmsg then reads it in pieces).
Bridge::Step Bridge::run_getmsgv(Pending &p) {
  const Request &rq = p.rq;
  int64_t nmax = std::clamp<int64_t>(rq.a[0], 0, 4096);
  int dmax = clamp_max(rq.a[1], kMaxData), cmax = clamp_max(rq.a[2], kMaxCtl);
  // A quarter of the ring at most: a record never crosses the ring's end,
  // so one of more than half the ring might never fit, even in an empty
  // ring (the padding to the end comes first); a quarter always does.
  // head_getmsg copies each message straight into the batch buffer (ours,
  // cache-hot), and reply() copies the batch into the ring once.
  uint8_t *out = scratch_->batch.data();
  const uint32_t cap = static_cast<uint32_t>(scratch_->batch.size());
  if (!can_reply(cap)) return Step::kWait;
  uint32_t used = 0;
  int count = 0, err = 0;
  while (count < nmax) {
    long ctl, data;
    if (int e = head_next_whole(sp_, cmax, dmax, &ctl, &data); e != 0) {
      if (count == 0 && e != ENODATA) err = e;
      break;
    }
    size_t nc = ctl > 0 ? static_cast<size_t>(ctl) : 0;
    uint32_t need =
        sizeof(MsgEntry) + align8(static_cast<uint32_t>(nc + (data > 0 ? data : 0)));
    if (used + need > cap) break;
    uint8_t *at = out + used;
    // Exactly the room head_next_whole measured: nothing is written past
    // this message's place in the batch.
    strbuf cb{static_cast<int>(nc), -1, reinterpret_cast<char *>(at + sizeof(MsgEntry))};
    strbuf db{data > 0 ? static_cast<int>(data) : 0, -1,
              reinterpret_cast<char *>(at + sizeof(MsgEntry) + nc)};
    int band = 0, flags = MSG_ANY, more = 0;
    if (int e = head_getmsg(sp_, &cb, &db, &band, &flags, true, &more); e != 0) {
      if (count == 0) err = e;
      break;
    }
    MsgEntry me{cb.len, db.len, band, flags};
    memcpy(at, &me, sizeof me);
    size_t nd = db.len > 0 ? static_cast<size_t>(db.len) : 0;
    // The padding to 8 bytes: zeros, not what an earlier batch left.
    memset(at + sizeof me + nc + nd, 0, need - sizeof me - nc - nd);
    used += need;
    ++count;
    ++ctr_->msgs_up;
    ctr_->bytes_up += nc + nd;
  }
  if (count == 0 && err == 0) {
    err = head_read_error(sp_);
    if (err == 0 && !sp_->hangup) {
      if (!(rq.flags & kReqNonblock)) return Step::kWait;
      err = EAGAIN;
    }
    // A hangup with nothing queued: end of file, zero messages.
  }
  Reply r{};
  r.seq = rq.seq;
  r.err = count == 0 ? err : 0;
  r.rval = count == 0 && err != 0 ? -1 : count;
  r.ctl_len = r.data_len = -1;
  reply(r, out, used);
  return Step::kDone;
}

Bridge::Step Bridge::run_read(Pending &p) {
  const Request &rq = p.rq;
  size_t len = static_cast<size_t>(std::clamp<int64_t>(rq.a[0], 0, kMaxData));
  if (!can_reply(static_cast<uint32_t>(len))) return Step::kWait;
  size_t got = 0;
  int err = head_read(sp_, scratch_->data.data(), len, &got);
  if (err == EAGAIN && !(rq.flags & kReqNonblock)) return Step::kWait;
  Reply r{};
  r.seq = rq.seq;
  r.err = err;
  r.rval = err == 0 ? static_cast<int64_t>(got) : -1;
  r.ctl_len = r.data_len = -1;
  if (err == 0 && got > 0) {
    ++ctr_->msgs_up;
    ctr_->bytes_up += got;
  }
  reply(r, scratch_->data.data(), err == 0 ? static_cast<uint32_t>(got) : 0);
  return Step::kDone;
}

}  // namespace strdp::apphead
