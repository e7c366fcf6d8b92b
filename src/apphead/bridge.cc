// A Bridge's life and its write side: the region, posted writes, the
// request loop, the published state (see bridge.h).
#include "apphead/bridge.h"

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <sys/mman.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

#include "apphead/conn.h"
#include "head/head_impl.h"

namespace strdp::apphead {

using namespace shm;

namespace {

// Posted writes taken per pass: one busy application cannot starve the
// others on the service thread.
constexpr unsigned kWrBudget = 64;

int make_region(uint8_t **base, int *fd_out) {
  int fd = memfd_create("strdp-stream", MFD_CLOEXEC | MFD_ALLOW_SEALING);
  if (fd < 0) return errno == EMFILE || errno == ENFILE ? EMFILE : ENOSR;
  // Sealed: an application that could shrink the file would make the
  // daemon fault (SIGBUS) on its next access.
  if (ftruncate(fd, kRegionSize) != 0 ||
      fcntl(fd, F_ADD_SEALS, F_SEAL_SHRINK | F_SEAL_GROW | F_SEAL_SEAL) != 0) {
    close(fd);
    return ENOSR;
  }
  void *p = mmap(nullptr, kRegionSize, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
  if (p == MAP_FAILED) {
    close(fd);
    return ENOSR;
  }
  *base = static_cast<uint8_t *>(p);
  *fd_out = fd;
  return 0;
}

}  // namespace

Bridge::Bridge(Conn *conn, uint64_t id, Counters *ctr, Scratch *scratch)
    : conn_(conn), id_(id), ctr_(ctr), scratch_(scratch) {}

Bridge::~Bridge() {
  end_ioctl(pend_);
  put_stream();
  free_region();
}

void Bridge::put_stream() {
  if (sp_ == nullptr) return;
  if (pinned_ != nullptr) {
    // The configuration's stream goes back with its queue as it was.
    if (hdr_ != nullptr && !rd_empty()) reclaim_rd();
    streams_->detach(pinned_);
    pinned_ = nullptr;
  } else {
    stream_close(sp_);
  }
  sp_ = nullptr;
  ++ctr_->closes;
}

void Bridge::free_region() {
  if (base_ != nullptr) munmap(base_, kRegionSize);
  base_ = nullptr;
  hdr_ = nullptr;
  if (app_w_ >= 0) close(app_w_);
  if (dmn_r_ >= 0) close(dmn_r_);
  app_w_ = dmn_r_ = -1;
}

stdata *Bridge::release_stream() {
  stdata *sp = sp_;
  sp_ = nullptr;
  return sp;
}

// The region and both doorbells; fds as open() hands them out.
int Bridge::make_region_and_bells(const char *name, pid_t pid, uid_t uid, gid_t gid,
                                  int fds[3]) {
  snprintf(name_, sizeof name_, "%s", name);
  pid_ = pid;
  cred_ = make_peer_cred(pid, uid, gid);
  int mfd = -1, app[2] = {-1, -1}, dmn[2] = {-1, -1};
  if (int e = make_region(&base_, &mfd); e != 0) return e;
  if (pipe2(app, O_CLOEXEC | O_NONBLOCK) != 0 || pipe2(dmn, O_CLOEXEC | O_NONBLOCK) != 0) {
    int e = errno == EMFILE || errno == ENFILE ? EMFILE : ENOSR;
    for (int f : {mfd, app[0], app[1], dmn[0], dmn[1]})
      if (f >= 0) close(f);
    return e;
  }
  app_w_ = app[1];
  dmn_r_ = dmn[0];
  fds[0] = mfd;
  fds[1] = app[0];
  fds[2] = dmn[1];
  return 0;
}

int Bridge::open(const char *name, int oflag, pid_t pid, uid_t uid, gid_t gid, int fds[3]) {
  if (int e = make_region_and_bells(name, pid, uid, gid, fds); e != 0) return e;
  // The stream is the daemon's: never blocking, whatever the application
  // asked (its own non-blocking flag travels with each request).
  sp_ = stream_open(name, (oflag & ~O_NDELAY) | O_NONBLOCK, &cred_);
  if (sp_ == nullptr) {
    int e = errno != 0 ? errno : ENXIO;
    for (int f : {fds[0], fds[1], fds[2]}) close(f);
    fds[0] = fds[1] = fds[2] = -1;
    return e;
  }
  finish_open();
  return 0;
}

int Bridge::attach(AppStreams *streams, AppStreams::Entry *e, pid_t pid, uid_t uid, gid_t gid,
                   int fds[3]) {
  if (int err = streams->attach(e, pid); err != 0) return err;
  if (int err = make_region_and_bells(e->name.c_str(), pid, uid, gid, fds); err != 0) {
    streams->detach(e);
    return err;
  }
  streams_ = streams;
  pinned_ = e;
  sp_ = e->sp;
  finish_open();
  return 0;
}

void Bridge::finish_open() {
  hdr_ = reinterpret_cast<Header *>(base_);
  hdr_->magic = kMagic;
  hdr_->version = kVersion;
  hdr_->wr_off = kHeaderSize;
  hdr_->wr_size = kWrRingSize;
  hdr_->req_off = kHeaderSize + kWrRingSize;
  hdr_->req_size = kReqRingSize;
  hdr_->rep_off = kHeaderSize + kWrRingSize + kReqRingSize;
  hdr_->rep_size = kRepRingSize;
  hdr_->rd_off = kHeaderSize + kWrRingSize + kReqRingSize + kRepRingSize;
  hdr_->rd_size = kRdRingSize;
  hdr_->stream_id = id_;
  // The geometry is ours: what the application writes into the header
  // later is never read back.
  wr_ = RingReader(base_ + kHeaderSize, kWrRingSize, &hdr_->wr_prod.v, &hdr_->wr_cons.v);
  req_ = RingReader(base_ + kHeaderSize + kWrRingSize, kReqRingSize, &hdr_->req_prod.v,
                    &hdr_->req_cons.v);
  rep_ = RingWriter(base_ + kHeaderSize + kWrRingSize + kReqRingSize, kRepRingSize,
                    &hdr_->rep_prod.v, &hdr_->rep_cons.v);
  rd_base_ = base_ + hdr_->rd_off;
  rd_ = RingWriter(rd_base_, kRdRingSize, &hdr_->rd_prod.v, &hdr_->rd_cons.v);
  rflushes_seen_ = sp_->rflushes;
  publish();
  ++ctr_->opens;
}

// ---------------------------------------------------------------- passes

unsigned Bridge::poll(bool dirty) {
  if (violated_ || closed_ || hdr_ == nullptr) return 0;
  touched_ = false;
  unsigned work = 0;
  // Requests first: a reader waiting for its getmsgv answer should not
  // wait for a budget of posted writes as well. A fenced request that
  // must wait for those writes gets a second look after them.
  work += serve_requests();
  if (!violated_ && !closed_ && sp_ != nullptr && !hung_) work += drain_wr();
  if (!violated_ && !closed_ && pend_.active) work += serve_requests();
  if (!violated_ && !closed_) work += fill_rd();
  if (!violated_ && !closed_ && (dirty || work != 0)) publish();
  if (touched_ || work != 0) ring_app();
  return work;
}

// Input the next pass could act on: a request when none is pending, a
// posted write that flow control did not hold back last time (what lifts
// flow control runs on this thread, or rings it from another).
bool Bridge::has_input() const {
  if (violated_ || closed_ || hdr_ == nullptr) return false;
  return (!pend_.active && !req_.empty()) || (!wr_.empty() && !hung_ && !wr_blocked_);
}

void Bridge::arm_doorbell(bool on) {
  if (hdr_ == nullptr) return;
  if (on)
    store_sc(hdr_->dmn_sleeping, 1u);
  else
    store_rel(hdr_->dmn_sleeping, 0u);
}

void Bridge::drain_doorbell() {
  char buf[64];
  while (read(dmn_r_, buf, sizeof buf) > 0) {
  }
}

void Bridge::ring_app() {
  if (hdr_ == nullptr) return;
  uint32_t armed = std::atomic_ref<uint32_t>(hdr_->app_sleeping).exchange(0);
  if (armed != 0) {
    char b = 1;
    ssize_t n = write(app_w_, &b, 1);  // EAGAIN: rung already
    (void)n;
  }
}

void Bridge::fail(const char *why) {
  violated_ = true;
  why_ = why;
}

void Bridge::hang_up() {
  if (hdr_ == nullptr) return;
  hung_ = true;
  hdr_->hangup = 1;
  hdr_->gone = 1;
  hdr_->poll = POLLHUP;
  store_rel(hdr_->state_seq, ++state_seq_);
  char b = 1;
  ssize_t n = write(app_w_, &b, 1);
  (void)n;
}

// ---------------------------------------------------------------- writes

unsigned Bridge::drain_wr() {
  unsigned n = 0;
  wr_blocked_ = false;
  RecHdr h;
  const uint8_t *body;
  for (; n < kWrBudget; ++n) {
    Peek pk = wr_.peek(&h, &body);
    if (pk == Peek::kEmpty) break;
    if (pk == Peek::kBad) {
      fail("bad record position or length in the write ring");
      break;
    }
    bool stop = false;
    if (!post_one(h, body, &stop)) break;  // violation
    if (stop) {                            // flow control: leave it there
      wr_blocked_ = true;
      break;
    }
    wr_.consume(h);
  }
  if (n != 0) {
    wr_.release();
    touched_ = true;  // room in wr for a writer that waits
  }
  return n;
}

bool Bridge::post_one(const RecHdr &h, const uint8_t *body, bool *stop) {
  if ((h.kind != kPut && h.kind != kWrite) || h.len < sizeof(RecHdr) + sizeof(PutBody)) {
    fail("bad record kind or size in the write ring");
    return false;
  }
  PutBody pb;
  memcpy(&pb, body, sizeof pb);  // copied out first, checked on the copy
  uint32_t room = h.len - sizeof(RecHdr) - sizeof(PutBody);
  int64_t ctl = pb.ctl_len, data = pb.data_len;
  if (ctl < -1 || ctl > static_cast<int64_t>(kMaxCtl) || data < -1 ||
      data > static_cast<int64_t>(kMaxData) || pb.band < 0 || pb.band > 255 ||
      (pb.flags != 0 && pb.flags != MSG_BAND) ||
      (ctl > 0 ? ctl : 0) + (data > 0 ? data : 0) != room ||
      (h.kind == kWrite && (ctl != -1 || pb.band != 0))) {
    fail("bad posted write (lengths, band or flags)");
    return false;
  }
  if (sp_->plex != nullptr) {
    // Linked under a mux since the library posted it: the stream has no
    // head of its own (in-process, the write fails EINVAL).
    ++ctr_->drops;
    return true;
  }
  if (head_write_error(sp_) == 0 &&
      !bcanputnext(sp_->wq(), static_cast<unsigned char>(pb.band))) {
    *stop = true;
    return true;
  }
  // The bytes themselves are data: copied once, from the ring into the
  // message, by the head call; only the lengths (ours) are trusted.
  const char *bytes = reinterpret_cast<const char *>(body + sizeof(PutBody));
  int err;
  if (h.kind == kWrite) {
    size_t put = 0;
    err = head_write(sp_, bytes, static_cast<size_t>(data), &put);
    if (err == 0 && put < static_cast<size_t>(data)) err = EAGAIN;
  } else {
    strbuf cb{static_cast<int>(kMaxCtl), static_cast<int>(ctl), const_cast<char *>(bytes)};
    strbuf db{static_cast<int>(kMaxData), static_cast<int>(data),
              const_cast<char *>(bytes + (ctl > 0 ? ctl : 0))};
    err = head_putmsg(sp_, &cb, &db, pb.band, MSG_BAND, true);
  }
  if (err == 0) {
    ++ctr_->msgs_down;
    ctr_->bytes_down += room;
  } else {
    ++ctr_->drops;  // refused by the stream after the library posted it
  }
  return true;
}

// ---------------------------------------------------------------- requests

bool Bridge::take_request(Pending *p) {
  RecHdr h;
  const uint8_t *body;
  Peek pk = req_.peek(&h, &body);
  if (pk == Peek::kEmpty) return false;
  if (pk == Peek::kBad || h.kind != kRequest || h.len < sizeof(RecHdr) + sizeof(Request)) {
    fail("bad record in the request ring");
    return false;
  }
  memcpy(&p->rq, body, sizeof p->rq);
  uint32_t in_len = h.len - sizeof(RecHdr) - sizeof(Request);
  if (p->rq.in_len != in_len || in_len > kMaxData + kMaxCtl + sizeof(PutBody) ||
      (p->rq.flags & ~kReqNonblock) != 0) {
    fail("bad request length or flags");
    return false;
  }
  p->in.assign(body + sizeof(Request), body + sizeof(Request) + in_len);
  req_.consume(h);
  req_.release();
  p->active = true;
  p->deadline_ns = 0;
  p->begun = false;
  p->ioc_stage = 0;
  return true;
}

unsigned Bridge::serve_requests() {
  unsigned work = 0;
  for (unsigned i = 0; i < 64 && !violated_ && !closed_; ++i) {
    if (!pend_.active && !take_request(&pend_)) break;
    if (run(pend_) == Step::kWait) break;
    pend_.active = false;
    ++ctr_->requests;
    ++work;
  }
  return work;
}

Bridge::Step Bridge::run(Pending &p) {
  // A fenced request waits for the posted writes made before it. An
  // ioctl's timeout covers that wait too: flow control may hold those
  // writes for ever, and the caller asked to wait no longer than that.
  if (p.rq.wr_fence != 0 && wr_.pos() < p.rq.wr_fence) {
    if (hung_ || sp_ == nullptr || sp_->plex != nullptr) {
      // Nothing will take those writes any more: let the request go on.
    } else if (p.rq.op == kOpIoctl && ioctl_overdue(p)) {
      return reply_done(p, ETIME, -1) ? Step::kDone : Step::kWait;
    } else {
      return Step::kWait;
    }
  }
  if (sp_ == nullptr || (sp_->plex != nullptr && p.rq.op != kOpClose)) {
    // A linked stream has no head of its own (streamio: EINVAL).
    return reply_done(p, EINVAL, -1) ? Step::kDone : Step::kWait;
  }
  before_request(p);
  if (violated_) return Step::kDone;
  switch (p.rq.op) {
    case kOpGetmsg: return run_getmsg(p);
    case kOpGetmsgv: return run_getmsgv(p);
    case kOpRead: return run_read(p);
    case kOpPutmsg: return run_putmsg(p);
    case kOpIoctl: return run_ioctl(p);
    case kOpClose: return run_close(p);
    case kOpFence: return reply_done(p, 0, 0) ? Step::kDone : Step::kWait;
    default:
      fail("unknown request (or ioctl data with no ioctl asking for it)");
      return Step::kDone;
  }
}

bool Bridge::can_reply(uint32_t payload) {
  return rep_.can_reserve(sizeof(RecHdr) + sizeof(Reply) + payload);
}

bool Bridge::reply(const Reply &r, const void *a, uint32_t na, const void *b, uint32_t nb) {
  uint32_t len = sizeof(RecHdr) + sizeof(Reply) + na + nb;
  uint8_t *dst = rep_.reserve(len);
  if (dst == nullptr) return false;
  // The head's state as the call left it is published before its answer:
  // a putmsg(RS_HIPRI) that returned has its message showing POLLPRI, so
  // the next getmsg asks for it instead of taking what is ahead.
  publish();
  RecHdr h{len, kReply, 0};
  Reply rr = r;
  rr.out_len = na + nb;
  memcpy(dst, &h, sizeof h);
  memcpy(dst + sizeof h, &rr, sizeof rr);
  if (na != 0) memcpy(dst + sizeof h + sizeof rr, a, na);
  if (nb != 0) memcpy(dst + sizeof h + sizeof rr + na, b, nb);
  rep_.commit(len);
  touched_ = true;
  return true;
}

bool Bridge::reply_done(const Pending &p, int err, int64_t rval) {
  Reply r{};
  r.seq = p.rq.seq;
  r.type = kRepDone;
  r.err = err;
  r.rval = rval;
  r.ctl_len = r.data_len = -1;
  return reply(r);
}

Bridge::Step Bridge::run_putmsg(Pending &p) {
  PutBody pb;
  if (p.in.size() < sizeof pb) {
    fail("short putmsg request");
    return Step::kDone;
  }
  memcpy(&pb, p.in.data(), sizeof pb);
  int64_t ctl = pb.ctl_len, data = pb.data_len;
  int64_t room = static_cast<int64_t>(p.in.size() - sizeof pb);
  if (ctl < -1 || ctl > static_cast<int64_t>(kMaxCtl) || data < -1 ||
      data > static_cast<int64_t>(kMaxData) || (ctl > 0 ? ctl : 0) + (data > 0 ? data : 0) != room) {
    fail("bad putmsg request lengths");
    return Step::kDone;
  }
  if (!can_reply(0)) return Step::kWait;
  char *bytes = reinterpret_cast<char *>(p.in.data() + sizeof pb);
  strbuf cb{static_cast<int>(kMaxCtl), static_cast<int>(ctl), bytes};
  strbuf db{static_cast<int>(kMaxData), static_cast<int>(data), bytes + (ctl > 0 ? ctl : 0)};
  int err = head_putmsg(sp_, &cb, &db, pb.band, pb.flags, true);
  if (err == EAGAIN && !(p.rq.flags & kReqNonblock)) return Step::kWait;
  if (err == 0) ++ctr_->msgs_down;
  reply_done(p, err, err == 0 ? 0 : -1);
  return Step::kDone;
}

Bridge::Step Bridge::run_close(Pending &p) {
  if (!can_reply(0)) return Step::kWait;
  end_ioctl(p);
  // A stream linked under a multiplexor stays open until it is unlinked
  // (the mux holds it, as a kernel's file table would): the connection
  // keeps it and closes it then.
  if (sp_ != nullptr && sp_->plex != nullptr) {
    conn_->adopt_linked(release_stream());
  } else {
    put_stream();
  }
  reply_done(p, 0, 0);
  closed_ = true;
  return Step::kDone;
}

// ---------------------------------------------------------------- state

bool Bridge::readable_now() const {
  return sp_->rq()->q_first != nullptr || sp_->hangup || sp_->rerror != 0;
}

void Bridge::publish() {
  if (sp_ == nullptr || hung_) return;
  uint32_t bits = 0;
  if (sp_->plex == nullptr)
    bits = static_cast<uint16_t>(strdp_poll(sp_, POLLIN | POLLRDNORM | POLLRDBAND | POLLPRI |
                                                     POLLOUT | POLLWRNORM | POLLWRBAND));
  ssize_t minp = 0, maxp = INFPSZ;
  if (sp_->plex == nullptr) head_psz_limits(sp_, &minp, &maxp);
  bool changed = bits != pub_poll_ || sp_->rerror != pub_rerror_ ||
                 sp_->werror != pub_werror_ || sp_->hangup != pub_hangup_ ||
                 minp != pub_minpsz_ || maxp != pub_maxpsz_ || sp_->maxblk != pub_maxblk_ ||
                 (sp_->plex != nullptr) != pub_linked_;
  if (sp_->sigs_received != sigs_seen_) {
    sigs_seen_ = sp_->sigs_received;
    if (sigmask_ & S_MSG) conn_->send_signal(sp_->last_sig != 0 ? sp_->last_sig : SIGPOLL);
  }
  // The header shows the queue; the library adds what rd holds itself.
  // Signals see both: a message is input wherever it waits.
  uint32_t sig = bits | rd_poll_bits();
  if (sig != pub_sig_) {
    signal_changes(pub_sig_, sig);
    pub_sig_ = sig;
  }
  if (!changed) return;
  pub_poll_ = bits;
  pub_rerror_ = sp_->rerror;
  pub_werror_ = sp_->werror;
  pub_hangup_ = sp_->hangup;
  pub_minpsz_ = minp;
  pub_maxpsz_ = maxp;
  pub_maxblk_ = sp_->maxblk;
  pub_linked_ = sp_->plex != nullptr;
  hdr_->linked = pub_linked_ ? 1 : 0;
  hdr_->poll = bits;
  hdr_->rerror = pub_rerror_;
  hdr_->werror = pub_werror_;
  hdr_->hangup = pub_hangup_ ? 1 : 0;
  hdr_->minpsz = minp;
  hdr_->maxpsz = maxp;
  hdr_->maxblk = sp_->maxblk;
  store_rel(hdr_->state_seq, ++state_seq_);
  touched_ = true;
}

// I_SETSIG: a signal when a condition the application asked for becomes
// true (an edge, as a kernel head signals on arrival, not per pass).
void Bridge::signal_changes(uint32_t old_bits, uint32_t new_bits) {
  if (sigmask_ == 0) return;
  uint32_t rise = new_bits & ~old_bits;
  int ev = 0;
  if (rise & (POLLIN | POLLRDNORM | POLLRDBAND)) ev |= S_INPUT;
  if (rise & POLLRDNORM) ev |= S_RDNORM;
  if (rise & POLLRDBAND) ev |= S_RDBAND;
  if (rise & POLLPRI) ev |= S_HIPRI;
  if (rise & POLLOUT) ev |= S_OUTPUT | S_WRNORM;
  if (rise & POLLWRBAND) ev |= S_WRBAND;
  if (rise & POLLERR) ev |= S_ERROR;
  if (rise & POLLHUP) ev |= S_HANGUP;
  if (ev & sigmask_) {
    conn_->send_signal(SIGPOLL);
    ++ctr_->signals;
  }
}

int Bridge::setsig(int events) {
  constexpr int kAll = S_INPUT | S_HIPRI | S_OUTPUT | S_MSG | S_ERROR | S_HANGUP | S_RDNORM |
                       S_WRNORM | S_RDBAND | S_WRBAND | S_BANDURG;
  if ((events & ~kAll) != 0) return EINVAL;
  if (events == 0 && sigmask_ == 0) return EINVAL;  // streamio: not registered
  sigmask_ = events;
  return 0;
}

}  // namespace strdp::apphead
