// The fake apps service (fake_daemon.h): the daemon's half of the
// protocol, simply, on one thread.
#include "fake_daemon.h"

#include <fcntl.h>
#include <poll.h>
#include <strdp/stropts.h>
#include <sys/mman.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstdlib>
#include <cstring>

using namespace strdp::shm;

namespace {

std::atomic<int> g_seq{0};

bool send_rep(int fd, const OpenRep &rep, const int *fds, int nfds) {
  iovec iov{const_cast<OpenRep *>(&rep), sizeof rep};
  msghdr mh{};
  mh.msg_iov = &iov;
  mh.msg_iovlen = 1;
  alignas(cmsghdr) char cbuf[CMSG_SPACE(3 * sizeof(int))];
  if (nfds > 0) {
    mh.msg_control = cbuf;
    mh.msg_controllen = CMSG_SPACE(nfds * sizeof(int));
    cmsghdr *c = CMSG_FIRSTHDR(&mh);
    c->cmsg_level = SOL_SOCKET;
    c->cmsg_type = SCM_RIGHTS;
    c->cmsg_len = CMSG_LEN(nfds * sizeof(int));
    memcpy(CMSG_DATA(c), fds, nfds * sizeof(int));
  }
  return sendmsg(fd, &mh, MSG_NOSIGNAL) == static_cast<ssize_t>(sizeof rep);
}

}  // namespace

FakeDaemon::FakeDaemon(Open mode, int err) : mode_(mode), err_(err) {
  path_ = "/tmp/strdp-client-test-" + std::to_string(getpid()) + "-" +
          std::to_string(g_seq.fetch_add(1)) + ".sock";
  unlink(path_.c_str());
  lfd_ = socket(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0);
  sockaddr_un sa{};
  sa.sun_family = AF_UNIX;
  snprintf(sa.sun_path, sizeof sa.sun_path, "%s", path_.c_str());
  if (bind(lfd_, reinterpret_cast<sockaddr *>(&sa), sizeof sa) != 0 || listen(lfd_, 4) != 0)
    abort();
  setenv("STRDP_SOCKET", path_.c_str(), 1);
  th_ = std::thread([this] { run(); });
}

FakeDaemon::~FakeDaemon() {
  stop_ = true;
  th_.join();
  for (int fd : {lfd_, cfd_, app_w_, dmn_r_})
    if (fd >= 0) close(fd);
  if (base_ != nullptr) munmap(base_, kRegionSize);
  unlink(path_.c_str());
}

void FakeDaemon::queue(const FakeMsg &m) {
  std::lock_guard<std::mutex> l(mu_);
  queue_.push_back(m);
}

bool FakeDaemon::ahead_raw(uint16_t kind, const MsgEntry &e, const std::string &bytes) {
  std::lock_guard<std::mutex> l(mu_);
  uint32_t len = static_cast<uint32_t>(sizeof(RecHdr) + sizeof e + bytes.size());
  uint8_t *p = rd_.reserve(len);
  if (p == nullptr) return false;
  RecHdr h{len, kind, 0};
  memcpy(p, &h, sizeof h);
  memcpy(p + sizeof h, &e, sizeof e);
  memcpy(p + sizeof h + sizeof e, bytes.data(), bytes.size());
  rd_.commit(len);
  ring_app();
  return true;
}

bool FakeDaemon::ahead(const FakeMsg &m) {
  return ahead_raw(kMsg, MsgEntry{m.ctl_len, m.data_len, 0, MSG_BAND}, m.ctl + m.data);
}

void FakeDaemon::void_ahead() {
  std::lock_guard<std::mutex> l(mu_);
  store_rel(hdr_->rd_drop.v, rd_.pos());
  ring_app();
}

std::vector<FakeMsg> FakeDaemon::posted() {
  std::lock_guard<std::mutex> l(mu_);
  return posted_;
}

std::vector<int64_t> FakeDaemon::ioctls() {
  std::lock_guard<std::mutex> l(mu_);
  return ioctls_;
}

std::string FakeDaemon::opened_name() {
  std::lock_guard<std::mutex> l(mu_);
  return name_;
}

bool FakeDaemon::wait_opened(int ms) {
  for (int i = 0; i < ms && !opened_; ++i) usleep(1000);
  return opened_;
}

void FakeDaemon::publish(uint32_t poll, int64_t minpsz, int64_t maxpsz) {
  std::lock_guard<std::mutex> l(mu_);
  hdr_->minpsz = minpsz;
  hdr_->maxpsz = maxpsz;
  store_rel(hdr_->poll, poll);
  store_rel(hdr_->state_seq, hdr_->state_seq + 1);
  ring_app();
}

void FakeDaemon::hang_up() {
  std::lock_guard<std::mutex> l(mu_);
  hung_ = true;
  hdr_->hangup = 1;
  store_rel(hdr_->gone, 1u);
  store_rel(hdr_->poll, static_cast<uint32_t>(POLLHUP));
  store_rel(hdr_->state_seq, hdr_->state_seq + 1);
  char b = 1;
  ssize_t n = write(app_w_, &b, 1);
  (void)n;
}

void FakeDaemon::drop_connection() {
  std::lock_guard<std::mutex> l(mu_);
  close(cfd_);
  cfd_ = -1;
}

void FakeDaemon::close_doorbell() {
  std::lock_guard<std::mutex> l(mu_);
  close(app_w_);
  app_w_ = -1;
}

void FakeDaemon::ring_app() {
  if (std::atomic_ref<uint32_t>(hdr_->app_sleeping).exchange(0) != 0 && app_w_ >= 0) {
    char b = 1;
    ssize_t n = write(app_w_, &b, 1);
    (void)n;
  }
}

void FakeDaemon::run() {
  if (!accept_and_open()) return;
  if (mode_ == Open::kOk) {
    serve();
  } else {
    while (!stop_) usleep(1000);
  }
}

bool FakeDaemon::accept_and_open() {
  pollfd p{lfd_, POLLIN, 0};
  while (!stop_ && poll(&p, 1, 20) <= 0) {
  }
  if (stop_) return false;
  cfd_ = accept4(lfd_, nullptr, nullptr, SOCK_CLOEXEC);
  OpenReq rq{};
  if (recv(cfd_, &rq, sizeof rq, 0) != static_cast<ssize_t>(sizeof rq)) return false;
  {
    std::lock_guard<std::mutex> l(mu_);
    name_ = rq.name;
  }
  oflag_ = rq.oflag;
  OpenRep rep{};
  rep.magic = mode_ == Open::kBadMagic ? 0x0BADF00Du : kMagic;
  rep.err = mode_ == Open::kError ? err_ : 0;
  rep.stream_id = 77;
  rep.region_size = mode_ == Open::kBadRegion ? kRegionSize - 4096 : kRegionSize;
  if (mode_ == Open::kBadMagic || mode_ == Open::kError || mode_ == Open::kNoFds)
    return send_rep(cfd_, rep, nullptr, 0);

  int mfd = memfd_create("fake-strdp", MFD_CLOEXEC);
  if (mfd < 0 || ftruncate(mfd, kRegionSize) != 0) abort();
  void *m = mmap(nullptr, kRegionSize, PROT_READ | PROT_WRITE, MAP_SHARED, mfd, 0);
  if (m == MAP_FAILED) abort();
  base_ = static_cast<uint8_t *>(m);
  hdr_ = reinterpret_cast<Header *>(base_);
  hdr_->magic = kMagic;
  hdr_->version = kVersion;
  hdr_->wr_off = kHeaderSize;
  hdr_->wr_size = kWrRingSize;
  hdr_->req_off = kHeaderSize + kWrRingSize;
  hdr_->req_size = kReqRingSize;
  hdr_->rep_off = kHeaderSize + kWrRingSize + kReqRingSize;
  hdr_->rep_size = kRepRingSize;
  // rd is there; this daemon reads ahead only when a test says so.
  hdr_->rd_off = kHeaderSize + kWrRingSize + kReqRingSize + kRepRingSize;
  hdr_->rd_size = kRdRingSize;
  hdr_->stream_id = 77;
  hdr_->poll = POLLOUT | POLLWRNORM | POLLWRBAND;
  hdr_->minpsz = 0;
  hdr_->maxpsz = -1;
  hdr_->maxblk = -1;
  wr_ = RingReader(base_ + kHeaderSize, kWrRingSize, &hdr_->wr_prod.v, &hdr_->wr_cons.v);
  req_ = RingReader(base_ + hdr_->req_off, kReqRingSize, &hdr_->req_prod.v, &hdr_->req_cons.v);
  rep_ = RingWriter(base_ + hdr_->rep_off, kRepRingSize, &hdr_->rep_prod.v, &hdr_->rep_cons.v);
  rd_ = RingWriter(base_ + hdr_->rd_off, kRdRingSize, &hdr_->rd_prod.v, &hdr_->rd_cons.v);
  int app[2], dmn[2];
  if (pipe2(app, O_CLOEXEC | O_NONBLOCK) != 0 || pipe2(dmn, O_CLOEXEC | O_NONBLOCK) != 0) abort();
  app_w_ = app[1];
  dmn_r_ = dmn[0];
  int fds[3] = {mfd, app[0], dmn[1]};
  bool ok = send_rep(cfd_, rep, fds, 3);
  for (int f : fds) close(f);
  opened_ = ok;
  return ok;
}

void FakeDaemon::serve() {
  while (!stop_) {
    drain_wr();
    Request rq;
    std::vector<uint8_t> in;
    bool worked = false;
    {
      std::lock_guard<std::mutex> l(mu_);
      if (have_pending_ && answer_read(pending_)) {
        have_pending_ = false;
        worked = true;
      }
      // The read queue's state, as the head publishes it.
      uint32_t bits = load_rlx(hdr_->poll) & ~static_cast<uint32_t>(POLLIN | POLLRDNORM);
      if (!queue_.empty()) bits |= POLLIN | POLLRDNORM;
      if (!hung_ && bits != load_rlx(hdr_->poll)) {
        store_rel(hdr_->poll, bits);
        store_rel(hdr_->state_seq, hdr_->state_seq + 1);
        ring_app();
      }
    }
    if (!have_pending_ && next_request(&rq, &in, false)) {
      handle(rq, in);
      worked = true;
    }
    if (!worked) usleep(20);
  }
}

void FakeDaemon::drain_wr() {
  RecHdr h;
  const uint8_t *body;
  bool any = false;
  while (wr_.peek(&h, &body) == Peek::kRecord) {
    PutBody pb;
    memcpy(&pb, body, sizeof pb);
    FakeMsg m;
    m.kind = h.kind;
    m.band = pb.band;
    m.flags = pb.flags;
    m.ctl_len = pb.ctl_len;
    m.data_len = pb.data_len;
    const char *p = reinterpret_cast<const char *>(body + sizeof pb);
    if (pb.ctl_len > 0) m.ctl.assign(p, pb.ctl_len);
    if (pb.data_len > 0) m.data.assign(p + std::max(pb.ctl_len, 0), pb.data_len);
    {
      std::lock_guard<std::mutex> l(mu_);
      posted_.push_back(m);
    }
    wr_.consume(h);
    any = true;
  }
  if (any) {
    wr_.release();
    wr_pos_ = wr_.pos();
    std::lock_guard<std::mutex> l(mu_);
    ring_app();
  }
}

bool FakeDaemon::next_request(Request *rq, std::vector<uint8_t> *in, bool wait) {
  for (;;) {
    RecHdr h;
    const uint8_t *body;
    if (req_.peek(&h, &body) == Peek::kRecord) {
      memcpy(rq, body, sizeof *rq);
      in->assign(body + sizeof *rq, body + sizeof *rq + rq->in_len);
      req_.consume(h);
      req_.release();
      return true;
    }
    if (!wait || stop_) return false;
    usleep(20);
  }
}

void FakeDaemon::reply(Reply r, const void *p, uint32_t n) {
  r.out_len = n;
  uint32_t len = sizeof(RecHdr) + sizeof r + n;
  uint8_t *dst = rep_.reserve(len);
  RecHdr h{len, kReply, 0};
  memcpy(dst, &h, sizeof h);
  memcpy(dst + sizeof h, &r, sizeof r);
  if (n > 0) memcpy(dst + sizeof h + sizeof r, p, n);
  rep_.commit(len);
  ring_app();
}

// getmsg, getmsgv, read: from the queue; false when it must wait. mu_ held.
bool FakeDaemon::answer_read(const Request &rq) {
  Reply r{};
  r.seq = rq.seq;
  r.ctl_len = r.data_len = -1;
  if (queue_.empty()) {
    if (!hung_ && !(rq.flags & kReqNonblock)) return false;
    r.err = hung_ ? 0 : EAGAIN;
    reply(r);
    return true;
  }
  std::string out;
  if (rq.op == kOpGetmsgv) {
    int64_t n = 0;
    while (n < rq.a[0] && !queue_.empty()) {
      FakeMsg m = queue_.front();
      queue_.pop_front();
      MsgEntry e{m.ctl_len, m.data_len, m.band, m.flags};
      out.append(reinterpret_cast<const char *>(&e), sizeof e);
      out += m.ctl + m.data;
      out.resize(align8(static_cast<uint32_t>(out.size())), '\0');
      ++n;
    }
    r.rval = n;
  } else {
    FakeMsg m = queue_.front();
    queue_.pop_front();
    if (rq.op == kOpRead) {
      out = m.data;
      r.rval = static_cast<int64_t>(out.size());
    } else {
      bool pmsg = (rq.a[4] & kGetPmsg) != 0;
      r.ctl_len = m.ctl_len;
      r.data_len = m.data_len;
      r.band = m.band;
      r.flags = pmsg ? m.flags : (m.flags & MSG_HIPRI ? RS_HIPRI : 0);
      out = m.ctl + m.data;
    }
  }
  reply(r, out.data(), static_cast<uint32_t>(out.size()));
  return true;
}

void FakeDaemon::handle(const Request &rq, const std::vector<uint8_t> &in) {
  // A fenced request runs after the posted writes made before it.
  while (rq.wr_fence != 0 && wr_.pos() < rq.wr_fence && !stop_) {
    drain_wr();
    usleep(10);
  }
  Reply r{};
  r.seq = rq.seq;
  r.ctl_len = r.data_len = -1;
  switch (rq.op) {
    case kOpGetmsg:
    case kOpGetmsgv:
    case kOpRead: {
      std::lock_guard<std::mutex> l(mu_);
      if (!answer_read(rq)) {
        pending_ = rq;
        have_pending_ = true;
      }
      return;
    }
    case kOpPutmsg: {
      PutBody pb;
      memcpy(&pb, in.data(), sizeof pb);
      FakeMsg m;
      m.hipri_request = true;
      m.band = pb.band;
      m.flags = pb.flags;
      m.ctl_len = pb.ctl_len;
      m.data_len = pb.data_len;
      const char *p = reinterpret_cast<const char *>(in.data() + sizeof pb);
      if (pb.ctl_len > 0) m.ctl.assign(p, pb.ctl_len);
      if (pb.data_len > 0) m.data.assign(p + std::max(pb.ctl_len, 0), pb.data_len);
      {
        std::lock_guard<std::mutex> l(mu_);
        posted_.push_back(m);
        reply(r);
      }
      return;
    }
    case kOpIoctl: handle_ioctl(rq, in); return;
    case kOpClose: {
      close_fence_ = rq.wr_fence;
      closed_ = true;
      std::lock_guard<std::mutex> l(mu_);
      reply(r);
      return;
    }
    default: {
      r.err = EINVAL;
      std::lock_guard<std::mutex> l(mu_);
      reply(r);
    }
  }
}

// A few commands, enough to see each marshalling shape go through.
void FakeDaemon::handle_ioctl(const Request &rq, const std::vector<uint8_t> &in) {
  Reply r{};
  r.seq = rq.seq;
  r.ctl_len = r.data_len = -1;
  std::string out;
  std::unique_lock<std::mutex> l(mu_);
  ioctls_.push_back(rq.a[0]);
  switch (rq.a[0]) {
    case I_NREAD: {
      int32_t v = queue_.empty() ? 0 : std::max(queue_.front().data_len, 0);
      out.assign(reinterpret_cast<const char *>(&v), sizeof v);
      r.rval = static_cast<int64_t>(queue_.size());
      break;
    }
    case I_PUSH: name_ = std::string(in.begin(), in.end()); break;
    case I_LOOK: out.assign("mod", 4); break;
    case I_LIST: {
      const char names[2][FMNAMESZ + 1] = {"mod", "echo"};
      int64_t n = rq.a[1] == 0 ? 2 : std::min<int64_t>(rq.a[1], 2);
      if (rq.a[1] != 0) out.assign(&names[0][0], n * (FMNAMESZ + 1));
      r.rval = n;
      break;
    }
    case I_STR: {
      out.assign(in.rbegin(), in.rend());
      out += "++";  // more than asked: the library cuts it to ic_len
      r.rval = rq.a[1];
      break;
    }
    case 0x7701: {  // transparent: copy an int in, its double out
      Reply c{};
      c.seq = rq.seq;
      c.type = kRepCopyIn;
      c.a[0] = sizeof(int);
      c.a[1] = rq.a[1];
      reply(c);
      l.unlock();
      Request d;
      std::vector<uint8_t> din;
      if (!next_request(&d, &din, true) || d.op != kOpIocData) return;
      int v = 0;
      if (d.a[0] == 0 && din.size() == sizeof v) memcpy(&v, din.data(), sizeof v);
      v *= 2;
      l.lock();
      Reply o{};
      o.seq = d.seq;
      o.type = kRepCopyOut;
      o.a[0] = sizeof v;
      o.a[1] = rq.a[1];
      reply(o, &v, sizeof v);
      l.unlock();
      if (!next_request(&d, &din, true) || d.op != kOpIocData) return;
      l.lock();
      r.seq = d.seq;
      r.err = static_cast<int32_t>(d.a[0]);
      r.rval = 42;
      break;
    }
    default: r.err = EINVAL; break;
  }
  reply(r, out.data(), static_cast<uint32_t>(out.size()));
}
