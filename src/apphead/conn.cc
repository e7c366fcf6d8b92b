// One application's connection (see conn.h).
#include "apphead/conn.h"

#include <signal.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <fcntl.h>

#include <cerrno>
#include <cstring>

#include "config/config.h"
#include "head/head_impl.h"

namespace strdp::apphead {

using namespace shm;

namespace {

int open_pidfd(pid_t pid) {
#ifdef SYS_pidfd_open
  return static_cast<int>(syscall(SYS_pidfd_open, pid, 0));
#else
  (void)pid;
  return -1;
#endif
}

bool send_reply(int fd, const OpenRep &rep, const int *fds, int nfds) {
  iovec iov{const_cast<OpenRep *>(&rep), sizeof rep};
  msghdr mh{};
  mh.msg_iov = &iov;
  mh.msg_iovlen = 1;
  alignas(cmsghdr) char cbuf[CMSG_SPACE(3 * sizeof(int))];
  if (nfds > 0) {
    mh.msg_control = cbuf;
    mh.msg_controllen = CMSG_SPACE(static_cast<size_t>(nfds) * sizeof(int));
    cmsghdr *c = CMSG_FIRSTHDR(&mh);
    c->cmsg_level = SOL_SOCKET;
    c->cmsg_type = SCM_RIGHTS;
    c->cmsg_len = CMSG_LEN(static_cast<size_t>(nfds) * sizeof(int));
    memcpy(CMSG_DATA(c), fds, static_cast<size_t>(nfds) * sizeof(int));
  }
  return sendmsg(fd, &mh, MSG_DONTWAIT | MSG_NOSIGNAL) == static_cast<ssize_t>(sizeof rep);
}

}  // namespace

Conn::Conn(int fd, pid_t pid, uid_t uid, gid_t gid, const config::AppsSpec *apps,
           AppStreams *streams, Counters *ctr, Scratch *scratch, uint64_t *next_id)
    : fd_(fd), pid_(pid), uid_(uid), gid_(gid), apps_(apps), streams_(streams), ctr_(ctr),
      scratch_(scratch), next_id_(next_id) {
  // A pidfd names this process and no later one with a recycled pid.
  pidfd_ = open_pidfd(pid);
  ++ctr_->connections;
}

Conn::~Conn() {
  close_streams();
  if (pidfd_ >= 0) close(pidfd_);
  close(fd_);
}

void Conn::close_streams() {
  // Persistent links the application made go with it: their lower
  // streams are its own. They outlive the stream that made them (that is
  // what persistent means), so a stream of the mux driver opened for the
  // purpose undoes each, as an administrator's I_PUNLINK would.
  cred cr = make_peer_cred(pid_, uid_, gid_);
  for (auto &[mux, muxid] : plinks_) {
    stdata *ctl = stream_open(mux.c_str(), O_RDWR | O_NONBLOCK, &cr);
    if (ctl == nullptr) continue;
    int rval;
    head_ioctl(ctl, I_PUNLINK, muxid, &rval);
    stream_close(ctl);
  }
  plinks_.clear();
  // Uppers first: closing one unlinks what it I_LINKed, which frees the
  // lowers to be closed in the next round.
  for (int round = 0; round < 4 && !bridges_.empty(); ++round) {
    for (size_t i = 0; i < bridges_.size();) {
      stdata *sp = bridges_[i]->stream();
      if (sp == nullptr || sp->plex == nullptr || round == 3) {
        if (sp != nullptr && sp->plex != nullptr) {
          // Linked under a mux no stream of ours controls: leave it to the
          // mux (closed with it), as a kernel keeps a linked lower.
          bridges_[i]->release_stream();
        }
        bridges_.erase(bridges_.begin() + static_cast<ptrdiff_t>(i));
      } else {
        ++i;
      }
    }
  }
  for (stdata *sp : linked_) {
    if (sp->plex == nullptr) {
      stream_close(sp);
      ++ctr_->closes;
    }
  }
  linked_.clear();
}

void Conn::hang_up_all() {
  for (auto &b : bridges_) b->hang_up();
}

Bridge *Conn::find(uint64_t id) const {
  for (const auto &b : bridges_)
    if (b->id() == id && !b->closed()) return b.get();
  return nullptr;
}

void Conn::forget_plink(const char *mux, int muxid) {
  for (size_t i = 0; i < plinks_.size(); ++i) {
    if (plinks_[i].first != mux || (muxid != MUXID_ALL && plinks_[i].second != muxid)) continue;
    plinks_.erase(plinks_.begin() + static_cast<ptrdiff_t>(i));
    --i;
  }
}

void Conn::send_signal(int sig) {
  if (pidfd_ >= 0) {
#ifdef SYS_pidfd_send_signal
    if (syscall(SYS_pidfd_send_signal, pidfd_, sig, nullptr, 0) == 0) return;
#endif
  }
  kill(pid_, sig);
}

bool Conn::on_socket() {
  OpenReq rq;
  // MSG_TRUNC: the datagram's real length, so an oversized one is seen.
  ssize_t n = recv(fd_, &rq, sizeof rq, MSG_DONTWAIT | MSG_TRUNC);
  if (n < 0) return errno == EAGAIN || errno == EINTR;
  if (n == 0) return false;  // the application closed its end, or died
  if (answer(&rq, n) < 0) return false;
  return true;
}

// 0: answered; -1: the connection must go.
int Conn::answer(const void *req, ssize_t n) {
  OpenReq rq;
  if (n != static_cast<ssize_t>(sizeof rq)) {
    why_ = "a message of the wrong size on the socket";
    return -1;
  }
  memcpy(&rq, req, sizeof rq);
  if (rq.magic != kMagic || rq.version != kVersion) {
    why_ = "a bad open request (magic or version)";
    return -1;
  }
  if (memchr(rq.name, '\0', sizeof rq.name) == nullptr) {
    why_ = "an open request whose name is not terminated";
    return -1;
  }
  OpenRep rep{};
  rep.magic = kMagic;
  rep.region_size = kRegionSize;
  const char *name = rq.name;
  if (strncmp(name, "/dev/", 5) == 0) name += 5;
  constexpr int kFlags = O_ACCMODE | O_NONBLOCK | O_NDELAY | O_CLOEXEC | O_NOCTTY;
  int err = 0;
  if ((rq.oflag & ~kFlags) != 0 || (rq.oflag & O_ACCMODE) == O_ACCMODE)
    err = EINVAL;
  else if ((err = config::app_access(*apps_, name, rq.oflag, uid_, gid_)) != 0) {
  } else if (bridges_.size() >= kMaxStreams) {
    err = EMFILE;
  }
  int fds[3] = {-1, -1, -1};
  std::unique_ptr<Bridge> b;
  if (err == 0) {
    b = std::make_unique<Bridge>(this, (*next_id_)++, ctr_, scratch_);
    // A [[apps.stream]] is attached to, one application at a time; any
    // other name offered is a driver, opened afresh.
    if (AppStreams::Entry *e = streams_->find(name))
      err = b->attach(streams_, e, pid_, uid_, gid_, fds);
    else
      err = b->open(name, rq.oflag, pid_, uid_, gid_, fds);
  }
  rep.err = err;
  rep.stream_id = err == 0 ? b->id() : 0;
  bool sent = send_reply(fd_, rep, fds, err == 0 ? 3 : 0);
  for (int f : fds)
    if (f >= 0) close(f);
  if (err != 0) {
    ++ctr_->open_refused;
    return sent ? 0 : -1;
  }
  if (!sent) return -1;  // b closes the stream
  new_bells_.push_back(b->doorbell_fd());
  bridges_.push_back(std::move(b));
  return 0;
}

unsigned Conn::poll(bool dirty) {
  unsigned work = 0;
  for (size_t i = 0; i < bridges_.size();) {
    Bridge &b = *bridges_[i];
    work += b.poll(dirty);
    if (b.violated()) {
      why_ = b.violation();
      return work;
    }
    if (b.closed()) {
      bridges_.erase(bridges_.begin() + static_cast<ptrdiff_t>(i));
      continue;
    }
    ++i;
  }
  // Streams closed while linked: closed for good once unlinked.
  for (size_t i = 0; i < linked_.size();) {
    if (linked_[i]->plex == nullptr) {
      stream_close(linked_[i]);
      ++ctr_->closes;
      linked_.erase(linked_.begin() + static_cast<ptrdiff_t>(i));
    } else {
      ++i;
    }
  }
  return work;
}

bool Conn::has_input() const {
  for (const auto &b : bridges_)
    if (b->has_input()) return true;
  return false;
}

bool Conn::has_deadline() const {
  for (const auto &b : bridges_)
    if (b->has_deadline()) return true;
  return false;
}

void Conn::arm_doorbells(bool on) {
  for (auto &b : bridges_) b->arm_doorbell(on);
}

void Conn::drain_doorbells() {
  for (auto &b : bridges_) b->drain_doorbell();
}

}  // namespace strdp::apphead
