// Readiness: strdp_poll reads what the daemon published in the header
// (no round trip); strdp_fd is an epoll descriptor over the stream's
// doorbell and the socket, for an application's own event loop.
#include <poll.h>
#include <sys/epoll.h>
#include <time.h>
#include <unistd.h>

#include "client/client_impl.h"

namespace strdp::client {

namespace {

// The largest posted record, and room for it where wr wraps (the pad
// record before it can be almost as large).
constexpr uint32_t kMaxPut =
    shm::align8(sizeof(shm::RecHdr) + sizeof(shm::PutBody) + shm::kMaxCtl + shm::kMaxData);
constexpr uint64_t kWrRoomNeeded = 2ull * kMaxPut;

// The daemon's death shows on the socket only (a crash rings nobody).
// Looking costs a system call, so a caller that polls in a loop looks
// at most this often.
constexpr uint64_t kProbeIntervalNs = 1000000;

// POLLOUT means a putmsg of any size would not wait for wr either.
bool wr_room(const stdata *sp) {
  uint64_t prod = shm::load_acq(sp->hdr->wr_prod.v);
  uint64_t cons = shm::load_acq(sp->hdr->wr_cons.v);
  return sp->hdr->wr_size - (prod - cons) >= kWrRoomNeeded;
}

uint64_t now_ns() {
  timespec ts;
  clock_gettime(CLOCK_MONOTONIC_COARSE, &ts);
  return static_cast<uint64_t>(ts.tv_sec) * 1000000000ull + static_cast<uint64_t>(ts.tv_nsec);
}

void maybe_probe(Conn *c, bool now) {
  if (conn_dead(c)) return;
  if (!now) {
    uint64_t t = now_ns();
    if (t - shm::load_rlx(c->probe_ns) < kProbeIntervalNs) return;
    std::atomic_ref<uint64_t>(c->probe_ns).store(t, std::memory_order_relaxed);
  }
  conn_probe(c);
}

}  // namespace

}  // namespace strdp::client

using namespace strdp::client;
namespace shm = strdp::shm;

STRDP_CLIENT_API short strdp_poll(strdp_stream_t *sp, short events) {
  if (sp == nullptr) return POLLNVAL;
  bool asked = shm::load_rlx(sp->fd_asked) != 0;
  bool rung = false;
  if (asked) {
    // Drain, then re-arm, then read: a change after the read rings again.
    rung = drain_bell(sp);
    arm(sp, shm::kWaitAny);
  }
  // Woken with the doorbell silent: the socket woke the descriptor.
  maybe_probe(sp->conn, asked && !rung);
  if (stream_gone(sp)) return POLLHUP;
  const shm::Header *h = sp->hdr;
  uint32_t st = shm::load_acq(h->poll);
  short r = static_cast<short>(st & (POLLIN | POLLRDNORM | POLLRDBAND | POLLPRI | POLLERR | POLLHUP));
  // The header shows the head's queue; read-ahead is ours to count.
  if (rd_has(sp)) r |= POLLIN | POLLRDNORM;
  if (shm::load_acq(h->rerror) != 0 || shm::load_acq(h->werror) != 0) r |= POLLERR;
  if (shm::load_acq(h->hangup) != 0 || (r & POLLHUP)) {
    r |= POLLHUP;  // never writable after a hangup
  } else if (wr_room(sp)) {
    r |= static_cast<short>(st & (POLLOUT | POLLWRNORM | POLLWRBAND));
  }
  return static_cast<short>(r & (events | POLLERR | POLLHUP));
}

STRDP_CLIENT_API int strdp_fd(strdp_stream_t *sp) {
  if (sp == nullptr) return fail(EBADF);
  {
    Lock l(&g_proc.mu);
    if (sp->epfd < 0) {
      int ep = epoll_create1(EPOLL_CLOEXEC);
      if (ep < 0) return fail(errno);
      epoll_event ev{};
      ev.events = EPOLLIN;
      ev.data.u64 = 0;
      int e = epoll_ctl(ep, EPOLL_CTL_ADD, sp->app_bell, &ev);
      ev.data.u64 = 1;
      if (e == 0) e = epoll_ctl(ep, EPOLL_CTL_ADD, sp->conn->sock, &ev);
      if (e != 0) {
        int err = errno;
        close(ep);
        return fail(err);
      }
      sp->epfd = ep;
      shm::store_rel(sp->fd_asked, 1u);
    }
  }
  arm(sp, shm::kWaitAny);
  return sp->epfd;
}
