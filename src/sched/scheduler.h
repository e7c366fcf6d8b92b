// The per-lcore scheduler: runs enabled service procedures, timers,
// bufcalls and requests posted by other threads. Not installed.
//
// Principles of operation
//  - One Scheduler per thread that owns queues (a poll-mode lcore, or a
//    test thread). Scheduler::current() is the calling thread's.
//  - The run list is intrusive (queue_t::q_link), FIFO, and holds a queue
//    at most once (QENAB). A queue's service procedure never runs twice at
//    the same time: only the owner runs it, and kInService makes a
//    re-enable during the run wait for the next pass.
//  - putnext() chains are bounded: past kMaxPutDepth nested puts, or while
//    earlier puts wait, a put is deferred to a FIFO that the outermost put
//    drains, so stack use is bounded and per-queue order is kept.
//  - Other threads never touch a queue: qenable()/put()/putq() on a queue
//    owned elsewhere post a request to its owner's MPSC ring.
//  - A control thread changes an lcore's streams only through call(): the
//    function runs on the owner between two passes, when no put or
//    service procedure is on its stack, so plumbing never races traffic.
//  - Timers and bufcalls are slow path (a mutex); the loop checks a single
//    atomic deadline/flag before taking it. Cancelling waits for a
//    callback running on another thread, and returns at once from inside
//    the callback.
#pragma once

#include <strdp/strdp.h>

#include <atomic>
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "queue/queue_impl.h"

struct rte_ring;

namespace strdp {

class TimerService;

class Scheduler {
 public:
  static constexpr unsigned kMaxPutDepth = 32;

  explicit Scheduler(std::string name);
  ~Scheduler();
  Scheduler(const Scheduler &) = delete;
  Scheduler &operator=(const Scheduler &) = delete;

  static Scheduler *current() noexcept { return tls_current_; }
  static void bind(Scheduler *s) noexcept { tls_current_ = s; }
  bool is_current() const noexcept { return tls_current_ == this; }
  const std::string &name() const noexcept { return name_; }

  // Owner thread: puts q on the run list unless it is there already.
  void enable(queue_t *q) noexcept;
  // Owner thread: takes q off the run list (qprocsoff, close).
  void forget(queue_t *q) noexcept;

  // One pass (see strdp_sched_run); returns the work done.
  unsigned run_once() noexcept;
  unsigned drain() noexcept;

  // Any thread: asks the owner to do something to one of its queues.
  // kPutNextIfRoom: putnext(q, mp) if canputnext(q), else mp is freed
  // and counted (q's STRDP_DROP_NOMEM): strdp_stream_send_down().
  // post() waits a bounded time for room; false when there was none, and
  // then mp is still the caller's (it never frees: a put() frees and
  // counts, a putq() returns 0 so its caller does what the DKI says).
  enum class Op : uint32_t { kEnable, kPut, kPutq, kCall, kPutNextIfRoom, kNotify };
  bool post(Op op, queue_t *q, mblk_t *mp) noexcept;
  // post() without waiting for room: false when the ring is full (mp is
  // still the caller's).
  bool try_post(Op op, queue_t *q, mblk_t *mp) noexcept;
  // Any thread: runs fn(arg) on the owner between passes and waits for it
  // (strdp_sched_call); on the owner's own thread, runs it at once.
  bool call(void (*fn)(void *), void *arg) noexcept;
  // Any thread, its own included: fn(arg) runs on the owner in a later
  // pass, and nobody waits for it (strdp_sched_notify). False when the
  // ring is full.
  bool notify(void (*fn)(void *), void *arg) noexcept;

  // putnext depth control (owner thread only).
  bool must_defer() const noexcept {
    return depth_ >= kMaxPutDepth || defer_head_ != defer_tail_;
  }
  void defer(queue_t *q, mblk_t *mp) noexcept;
  void enter_put() noexcept { ++depth_; }
  void leave_put() noexcept {
    if (--depth_ == 0 && defer_head_ != defer_tail_ && !draining_)
        [[unlikely]]
      drain_deferred();
  }

  TimerService &timers() noexcept { return *timers_; }

  // Sleeping owners (the apps service, src/apphead): an owner that wants
  // to sleep instead of polling gives a descriptor to write one byte to
  // (a pipe's write end, non-blocking), calls prepare_sleep() before it
  // sleeps and end_sleep() after. A post() or call() from another thread
  // while the owner sleeps rings it. Poll-mode lcores never set one and
  // pay one predictable branch per post.
  void set_wakeup_fd(int fd) noexcept { wake_fd_ = fd; }
  // True when the owner may sleep: nothing waits in the inbound ring (a
  // request posted after this returns rings the descriptor).
  bool prepare_sleep() noexcept;
  void end_sleep() noexcept { sleeping_.store(false, std::memory_order_relaxed); }
  bool timers_pending() const noexcept;

  // Pollers run first in every pass (owner thread; slow-path add/remove).
  int add_poller(strdp_poller_fn fn, void *arg);
  void remove_poller(int id) noexcept;

 private:
  struct Poller {
    int id;
    strdp_poller_fn fn;
    void *arg;
  };
  struct Deferred {
    queue_t *q;
    mblk_t *mp;
  };
  void drain_deferred() noexcept;
  void run_service(queue_t *q) noexcept;
  unsigned run_inbound() noexcept;

  static thread_local Scheduler *tls_current_;

  std::string name_;
  queue_t *run_head_ = nullptr;
  queue_t *run_tail_ = nullptr;
  unsigned depth_ = 0;
  bool draining_ = false;
  Deferred *defer_ring_ = nullptr;  // power-of-two ring, grows if needed
  uint32_t defer_mask_ = 0;
  uint32_t defer_head_ = 0;
  uint32_t defer_tail_ = 0;
  rte_ring *inbound_ = nullptr;     // MPSC: {Op|q, mp} from other threads
  std::unique_ptr<TimerService> timers_;
  std::vector<Poller> pollers_;
  int next_poller_id_ = 1;
  int wake_fd_ = -1;
  std::atomic<bool> sleeping_{false};
  void ring_if_sleeping() noexcept;
};

inline Scheduler *owner(const queue_t *q) { return qstate(q)->sched; }

}  // namespace strdp
