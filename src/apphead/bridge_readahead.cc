// A Bridge's read-ahead: the oldest ordinary messages of the stream head's
// read queue moved into rd before the application asks for them, so its
// getmsg/getmsgv take them without a request and a reply
// (docs/shm-head.md "Read-ahead").
//
// Rules kept here:
//  - only what getmsg(MSG_ANY) would return next, whole: band 0, not high
//    priority, M_DATA or M_PROTO whose control blocks lead its data, no
//    MSGMARK/MSGDELIM, within kMaxCtl/kMaxData. The first message that is
//    not stops the fill; it and everything behind it stay queued. A
//    priority message arriving later goes ahead of band 0 in the queue,
//    as it would ahead of these: the library reads it by request first
//    (it looks at the published POLLPRI/POLLRDBAND before rd);
//  - nothing else reads the queue while rd holds messages: before any
//    request that looks at the queue (getmsg, getmsgv, read, every ioctl)
//    they go back to its front, in order, as the messages they were
//    (reclaim_rd), so I_NREAD, I_PEEK, I_FLUSH, I_ATMARK, read modes and
//    partial reads keep the in-process head's answers;
//  - no fill while a request is pending: its answer comes from the queue;
//  - a flush of band 0 reaching the head (FLUSHR, an M_ERROR) voids what
//    rd holds, as it frees what the queue holds (rd_drop);
//  - the lengths are ours (rd_meta_): the application's rd_cons is checked
//    against them, and one that goes back, runs ahead of what we wrote or
//    stops inside a record is a protocol violation.
#include <poll.h>

#include <algorithm>
#include <cerrno>
#include <cstring>

#include "apphead/bridge.h"
#include "head/head_impl.h"

namespace strdp::apphead {

using namespace shm;

namespace {

constexpr uint32_t kRdMsgBits = POLLIN | POLLRDNORM;

bool is_ctl(const mblk_t *b) { return b->b_datap->db_type != M_DATA; }

// The message may go ahead (the first rule above); *ctl and *data are
// its parts' sizes, -1 for a part it does not have, as getmsg gives them.
bool rd_eligible(const mblk_t *mp, long *ctl, long *data) {
  unsigned char t = mp->b_datap->db_type;
  if ((t != M_DATA && t != M_PROTO) || mp->b_band != 0 ||
      (mp->b_flag & (MSGMARK | MSGDELIM)) != 0)
    return false;
  *ctl = is_ctl(mp) ? 0 : -1;
  *data = -1;
  for (const mblk_t *b = mp; b != nullptr; b = b->b_cont) {
    if (is_ctl(b)) {
      if (*data >= 0 || b->b_datap->db_type != M_PROTO) return false;  // control after data
      *ctl += MBLKL_(b);
    } else {
      *data = (*data < 0 ? 0 : *data) + MBLKL_(b);
    }
  }
  return *ctl <= static_cast<long>(kMaxCtl) && *data <= static_cast<long>(kMaxData);
}

// Copies a message that rd_eligible passed into a record's bytes: its
// control blocks, then (from offset nc) its data blocks.
void copy_parts(const mblk_t *mp, char *bytes, uint32_t nc) {
  char *c = bytes, *d = bytes + nc;
  for (const mblk_t *b = mp; b != nullptr; b = b->b_cont) {
    auto k = static_cast<size_t>(MBLKL_(b));
    char *&to = is_ctl(b) ? c : d;
    memcpy(to, b->b_rptr, k);
    to += k;
  }
}

// The fill walks a linked list: while one message is copied, the next
// one's block and bytes and the header of the one after it are fetched.
void prefetch_next(const mblk_t *next) {
  if (next == nullptr) return;
  __builtin_prefetch(next->b_datap);
  __builtin_prefetch(next->b_rptr);
  __builtin_prefetch(next->b_next);
}

}  // namespace

// Catches up with the application's rd_cons: what it consumed is
// delivered (counted up). false after a violation.
bool Bridge::sync_rd() {
  if (violated_) return false;
  uint64_t cons = load_acq(hdr_->rd_cons.v);
  if (cons == rd_cons_) return true;
  if (cons < rd_cons_ || cons > rd_.pos()) {
    fail("read-ahead position went back or past what was written");
    return false;
  }
  rd_cons_ = cons;
  while (rd_count_ > 0) {
    const RdEntry &e = rd_meta_[rd_first_];
    if (e.end > cons) {
      // Before the record (its wrap padding skipped or not) or past it.
      if (cons > e.end - align8(e.len)) {
        fail("read-ahead position inside a record");
        return false;
      }
      break;
    }
    ++ctr_->msgs_up;
    ctr_->bytes_up += static_cast<uint64_t>(std::max(e.ctl_len, 0) + std::max(e.data_len, 0));
    rd_first_ = (rd_first_ + 1) % kRdWindow;
    --rd_count_;
  }
  return true;
}

// A flush of band 0 since the last look voids what rd holds.
void Bridge::check_rflush() {
  if (sp_ == nullptr || sp_->rflushes == rflushes_seen_) return;
  rflushes_seen_ = sp_->rflushes;
  if (sync_rd() && !rd_empty()) {
    ctr_->voided += rd_count_;
    drop_rd();
  }
}

void Bridge::drop_rd() {
  rd_count_ = 0;
  rd_first_ = 0;
  store_rel(hdr_->rd_drop.v, rd_.pos());
  touched_ = true;
}

unsigned Bridge::fill_rd() {
  if (sp_ == nullptr || hung_ || pend_.active || sp_->plex != nullptr || ra_streak_ < 2 ||
      sp_->rerror != 0)
    return 0;
  check_rflush();
  if (!sync_rd()) return 0;
  bool was_empty = rd_empty();
  // The messages are copied where they lie on the queue, then the whole
  // run comes off it at once (head_take_front): one accounting update and
  // one back-enable, not one rmvq per message.
  // Locals: the copies into the region could alias the members.
  unsigned n = 0;
  const uint32_t room = kRdWindow - rd_count_;
  RdEntry *meta = rd_meta_.data();
  uint32_t slot = (rd_first_ + rd_count_) % kRdWindow;
  const mblk_t *mp = sp_->rq()->q_first;
  while (n < room && mp != nullptr) {
    long ctl, data;
    if (!rd_eligible(mp, &ctl, &data)) break;
    uint32_t nc = ctl > 0 ? static_cast<uint32_t>(ctl) : 0;
    uint32_t nd = data > 0 ? static_cast<uint32_t>(data) : 0;
    uint32_t len = sizeof(RecHdr) + sizeof(MsgEntry) + nc + nd;
    uint8_t *rec = rd_.reserve(len);
    if (rec == nullptr) break;
    const mblk_t *next = mp->b_next;
    prefetch_next(next);
    copy_parts(mp, reinterpret_cast<char *>(rec + sizeof(RecHdr) + sizeof(MsgEntry)), nc);
    MsgEntry me{static_cast<int32_t>(ctl), static_cast<int32_t>(data), 0, MSG_BAND};
    RecHdr h{len, kMsg, 0};
    memcpy(rec, &h, sizeof h);
    memcpy(rec + sizeof h, &me, sizeof me);
    rd_.commit_staged(len);
    meta[slot] = RdEntry{rd_.pos(), static_cast<uint32_t>(rec - rd_base_), len, me.ctl_len,
                         me.data_len};
    slot = (slot + 1) % kRdWindow;
    ++n;
    mp = next;
  }
  rd_count_ += n;
  freemsgchain(head_take_front(sp_, n));
  ctr_->ahead += n;
  if (n != 0) {
    rd_.flush();
    touched_ = true;
    // A reader I_SETSIG'd for input hears of the first message in an
    // empty rd even if the last publish still saw the previous ones.
    if (was_empty) pub_sig_ &= ~kRdMsgBits;
  }
  return n;
}

// Puts what rd holds back at the front of band 0, oldest first, as the
// messages they were (control in an M_PROTO block, data in an M_DATA
// one). Only their bytes come from the region: an application that
// scribbled over them changed its own data, nothing else.
void Bridge::reclaim_rd() {
  sync_rd();  // a bad rd_cons: reclaim all we hold, the stream is closing
  for (uint32_t i = rd_count_; i-- > 0;) {
    const RdEntry &e = rd_meta_[(rd_first_ + i) % kRdWindow];
    const uint8_t *bytes = rd_base_ + e.off + sizeof(RecHdr) + sizeof(MsgEntry);
    size_t nc = e.ctl_len > 0 ? static_cast<size_t>(e.ctl_len) : 0;
    mblk_t *mp = nullptr, *cp = nullptr, *dp = nullptr;
    if (e.ctl_len >= 0 && (cp = allocb(nc, BPRI_MED)) != nullptr) {
      cp->b_datap->db_type = M_PROTO;
      if (nc != 0) memcpy(cp->b_wptr, bytes, nc);
      cp->b_wptr += nc;
    }
    if (e.data_len >= 0 && (dp = allocb(static_cast<size_t>(e.data_len), BPRI_MED)) != nullptr) {
      if (e.data_len > 0) memcpy(dp->b_wptr, bytes + nc, static_cast<size_t>(e.data_len));
      dp->b_wptr += e.data_len;
    }
    if ((e.ctl_len >= 0 && cp == nullptr) || (e.data_len >= 0 && dp == nullptr)) {
      if (cp != nullptr) freeb(cp);
      if (dp != nullptr) freeb(dp);
      ++ctr_->drops;  // no memory to put it back: lost, and counted
      continue;
    }
    if (cp != nullptr) {
      cp->b_cont = dp;
      mp = cp;
    } else {
      mp = dp;
    }
    putbq(sp_->rq(), mp);
    ++ctr_->put_back;
  }
  drop_rd();
}

// What a request does to read-ahead as it starts: getmsg and getmsgv keep
// it going, read() and ioctls stop it; every one that looks at the read
// queue first has rd's messages put back.
void Bridge::before_request(Pending &p) {
  if (p.begun) return;
  p.begun = true;
  switch (p.rq.op) {
    case kOpGetmsg:
    case kOpGetmsgv: ra_streak_ = std::min(ra_streak_ + 1, 2u); break;
    case kOpRead:
    case kOpIoctl: ra_streak_ = 0; break;
    default: return;  // putmsg, fence, close: the read queue is not read
  }
  check_rflush();
  if (!rd_empty()) reclaim_rd();
}

uint32_t Bridge::rd_poll_bits() {
  check_rflush();
  return sync_rd() && !rd_empty() ? kRdMsgBits : 0;
}

}  // namespace strdp::apphead
