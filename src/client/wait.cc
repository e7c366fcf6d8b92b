// Sleeping and waking (docs/shm-head.md "Readiness, sleeping, doorbells"):
// our sleep word and doorbell, the daemon's, and the adaptive spin that
// keeps a busy stream off the system calls.
#include <poll.h>
#include <pthread.h>
#include <time.h>
#include <unistd.h>

#include <atomic>

#include "client/client_impl.h"

namespace strdp::client {

namespace {

// Spin budget, in pause iterations (a pause is 10 to 140 cycles, ~19 ns
// on the 2-vCPU machine here): about 20-50 µs at the start, the daemon's
// usual answer time with room to spare. A wait that the spin ended grows
// it, one that had to sleep shrinks it, so a stream that mostly sleeps (a
// reader on a quiet stream) spins less. The floor stays above one
// service pass with a batch in it (~20 µs): below that a busy stream's
// every request missed the spin, slept, shrank the budget further, and
// paid two system calls per batch (a measured 4x loss).
constexpr uint32_t kSpinStart = 2048;
constexpr uint32_t kSpinMin = 1024;
constexpr uint32_t kSpinMax = 8192;

std::atomic_ref<uint32_t> word(uint32_t &w) { return std::atomic_ref<uint32_t>(w); }

void ring(int fd) {
  uint64_t one = 1;
  // 8 bytes: what an eventfd takes; a pipe takes them as well.
  ssize_t r = write(fd, &one, sizeof one);
  (void)r;  // EAGAIN: full, so it is rung already
}

}  // namespace

void arm(stdata *sp, uint32_t bits) {
  word(sp->hdr->app_sleeping).fetch_or(bits, std::memory_order_seq_cst);
}

void disarm(stdata *sp, uint32_t bits) {
  word(sp->hdr->app_sleeping).fetch_and(~bits, std::memory_order_relaxed);
}

void kick_daemon(stdata *sp) {
  // The full fence orders our published position before the look at the
  // daemon's word (its store then its look at our position is the other
  // half); only a set word costs the exchange and the write.
  std::atomic_thread_fence(std::memory_order_seq_cst);
  uint32_t &w = sp->hdr->dmn_sleeping;
  if (shm::load_rlx(w) == 0) return;
  if (word(w).exchange(0, std::memory_order_seq_cst) != 0) ring(sp->dmn_bell);
}

bool drain_bell(stdata *sp) {
  // 8 bytes at least (an eventfd's read); a pipe may hold many rings.
  uint64_t buf[8];
  bool rung = false;
  ssize_t n;
  while ((n = read(sp->app_bell, buf, sizeof buf)) > 0) rung = true;
  // A pipe's end of file: the daemon let the stream go and will never
  // ring again, so the stream is gone (its socket closes soon after).
  if (n == 0) shm::store_rel(sp->broken, 1u);
  return rung;
}

uint32_t spin_budget(const stdata *sp) {
  uint32_t s = shm::load_rlx(sp->spin);
  return s != 0 ? s : kSpinStart;
}

void spin_adapt(stdata *sp, bool hit) {
  uint32_t s = spin_budget(sp);
  s = hit ? s + s / 8 : s - s / 4;
  if (s < kSpinMin) s = kSpinMin;
  if (s > kSpinMax) s = kSpinMax;
  std::atomic_ref<uint32_t>(sp->spin).store(s, std::memory_order_relaxed);
}

void sleep_once(stdata *sp, bool short_sleep) {
  Conn *c = sp->conn;
  pollfd p[2] = {{sp->app_bell, POLLIN, 0}, {c->sock, POLLIN, 0}};
  int timeout = short_sleep ? 1 : -1;
  if (poll(p, 2, timeout) <= 0) return;  // timeout, EINTR: the caller looks again
  if (p[1].revents & (POLLHUP | POLLERR | POLLNVAL)) {
    conn_mark_dead(c);
  } else if (p[1].revents & POLLIN) {
    conn_probe(c);
    // Not EOF: an open's reply for another thread. Sleep on the doorbell
    // alone a moment rather than spin on the socket until it is taken.
    if (!conn_dead(c) && !(p[0].revents & POLLIN)) poll(p, 1, 1);
  }
  if (p[0].revents & (POLLIN | POLLHUP | POLLERR)) drain_bell(sp);
}

void sleep_round(stdata *sp, bool short_sleep, bool (*ready)(void *), void *arg) {
  pthread_mutex_lock(&sp->wait_mu);
  if (!sp->poller) {
    sp->poller = true;
    pthread_mutex_unlock(&sp->wait_mu);
    // Every bit: the daemon rings for any of the waiters' conditions.
    arm(sp, shm::kWaitReply | shm::kWaitRead | shm::kWaitWrite | shm::kWaitAny);
    if (!ready(arg) && !stream_gone(sp)) sleep_once(sp, short_sleep);
    pthread_mutex_lock(&sp->wait_mu);
    sp->poller = false;
    ++sp->wake_epoch;
    pthread_cond_broadcast(&sp->wait_cv);
    pthread_mutex_unlock(&sp->wait_mu);
    return;
  }
  // Someone sleeps on the doorbell for us: wait for its wake (bounded,
  // in case it returned between our look and our wait).
  uint64_t epoch = sp->wake_epoch;
  timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  ts.tv_nsec += 5'000'000;
  if (ts.tv_nsec >= 1'000'000'000) {
    ts.tv_nsec -= 1'000'000'000;
    ++ts.tv_sec;
  }
  while (sp->wake_epoch == epoch && sp->poller)
    if (pthread_cond_timedwait(&sp->wait_cv, &sp->wait_mu, &ts) != 0) break;
  pthread_mutex_unlock(&sp->wait_mu);
}


}  // namespace strdp::client
