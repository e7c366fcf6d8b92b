// The per-lcore scheduler (see scheduler.h for its principles).
#include "sched/scheduler.h"

#include <rte_errno.h>
#include <rte_pause.h>
#include <rte_ring.h>
#include <rte_ring_elem.h>

#include <atomic>
#include <cstdlib>
#include <cstring>
#include <sched.h>
#include <unistd.h>

#include "sched/timer_service.h"

namespace strdp {

__attribute__((tls_model("initial-exec"))) thread_local Scheduler *Scheduler::tls_current_ =
    nullptr;

namespace {
constexpr unsigned kInboundSize = 4096;
// Requests taken from the ring per pass. Bounded: a thread that posts as
// fast as we take (a lane sending copies to a shared stream) must not
// keep the owner in run_inbound for ever; the rest waits for the next
// pass, and a sender that finds the ring full drops (try_post).
constexpr unsigned kInboundBudget = 512;
constexpr unsigned kInitialDefer = 256;
// A pass runs at most this many service procedures, so one busy queue
// cannot starve the rest of the loop (rx polling, timers).
constexpr unsigned kServiceBudget = 1024;
// drain() stops after this many passes: a service procedure that always
// re-enables itself is a module bug, not a reason to hang.
constexpr unsigned kMaxDrainPasses = 100000;

// A call() waiting on its caller's stack.
struct PendingCall {
  void (*fn)(void *);
  void *arg;
  std::atomic<bool> done{false};
};

// One request in the inbound ring: a field for each thing it may carry
// (the queue, the message, the call), none packed into another.
struct InboundReq {
  Scheduler::Op op;
  uint32_t pad;
  queue_t *q;               // kEnable, kPut, kPutq, kPutNextIfRoom
  mblk_t *mp;               // kPut, kPutq, kPutNextIfRoom: the owner's from now on
  PendingCall *call;        // kCall
  void (*notify)(void *);   // kNotify
  void *notify_arg;         // kNotify
};
static_assert(sizeof(InboundReq) == 48);

std::atomic<unsigned> g_sched_seq{0};
}  // namespace

Scheduler::Scheduler(std::string name)
    : name_(std::move(name)), timers_(std::make_unique<TimerService>(this)) {
  defer_ring_ = static_cast<Deferred *>(calloc(kInitialDefer, sizeof(Deferred)));
  defer_mask_ = defer_ring_ != nullptr ? kInitialDefer - 1 : 0;
  char rname[RTE_RING_NAMESIZE];
  snprintf(rname, sizeof rname, "strdp_sq%u", g_sched_seq.fetch_add(1));
  // Producers are any threads, EAL's or not, often more than there are
  // cores: relaxed tail sync (RTS) keeps a preempted producer from
  // stalling the others, as the classic MP mode would.
  inbound_ = rte_ring_create_elem(rname, sizeof(InboundReq), kInboundSize, SOCKET_ID_ANY,
                                  RING_F_MP_RTS_ENQ | RING_F_SC_DEQ);
  if (inbound_ == nullptr)
    cmn_err(CE_WARN, "scheduler %s: no inbound ring (%s): cross-thread requests will fail",
            name_.c_str(), rte_strerror(rte_errno));
}

Scheduler::~Scheduler() {
  if (tls_current_ == this) tls_current_ = nullptr;
  // Requests still in the ring target queues that are gone: free their
  // messages rather than leak them.
  InboundReq r;
  while (inbound_ != nullptr && rte_ring_dequeue_elem(inbound_, &r, sizeof r) == 0)
    if (r.mp != nullptr) freemsg(r.mp);
  rte_ring_free(inbound_);
  free(defer_ring_);
}

void Scheduler::enable(queue_t *q) noexcept {
  if (q->q_flag & QENAB) return;
  if (qstate(q)->iflags & kClosing) return;
  q->q_flag |= QENAB;
  q->q_link = nullptr;
  if (run_tail_ != nullptr)
    run_tail_->q_link = q;
  else
    run_head_ = q;
  run_tail_ = q;
}

void Scheduler::forget(queue_t *q) noexcept {
  if (!(q->q_flag & QENAB)) return;
  queue_t *prev = nullptr;
  for (queue_t *it = run_head_; it != nullptr; prev = it, it = it->q_link) {
    if (it != q) continue;
    if (prev != nullptr)
      prev->q_link = it->q_link;
    else
      run_head_ = it->q_link;
    if (run_tail_ == q) run_tail_ = prev;
    break;
  }
  q->q_link = nullptr;
  q->q_flag &= ~QENAB;
}

void Scheduler::run_service(queue_t *q) noexcept {
  QueueState *st = qstate(q);
  q->q_flag &= ~QENAB;
  if (!(st->iflags & kProcsOn) || q->q_qinfo->qi_srvp == nullptr) return;
  st->iflags |= kInService;
  ++st->stats.srv_calls;
  enter_put();
  q->q_qinfo->qi_srvp(q);
  leave_put();
  st->iflags &= ~kInService;
  // The service procedure has seen that it was back-enabled.
  q->q_flag &= ~QBACK;
  for (qband_t *qb = q->q_bandp; qb != nullptr; qb = qb->qb_next) qb->qb_flag &= ~QB_BACK;
}

bool Scheduler::post(Op op, queue_t *q, mblk_t *mp) noexcept {
  InboundReq r{op, 0, q, mp, nullptr, nullptr, nullptr};
  // The owner drains its ring every pass; a full ring means it is busy,
  // so wait a bounded time for room rather than lose the message.
  for (unsigned spins = 0; inbound_ != nullptr; ++spins) {
    if (rte_ring_enqueue_elem(inbound_, &r, sizeof r) == 0) {
      if (wake_fd_ >= 0) [[unlikely]]
        ring_if_sleeping();
      return true;
    }
    if (spins > (1u << 22)) break;
    rte_pause();
  }
  return false;  // mp is still the caller's: its contract says what next
}

bool Scheduler::try_post(Op op, queue_t *q, mblk_t *mp) noexcept {
  InboundReq r{op, 0, q, mp, nullptr, nullptr, nullptr};
  if (inbound_ == nullptr || rte_ring_enqueue_elem(inbound_, &r, sizeof r) != 0) return false;
  if (wake_fd_ >= 0) [[unlikely]]
    ring_if_sleeping();
  return true;
}

bool Scheduler::notify(void (*fn)(void *), void *arg) noexcept {
  InboundReq r{Op::kNotify, 0, nullptr, nullptr, nullptr, fn, arg};
  if (inbound_ == nullptr || rte_ring_enqueue_elem(inbound_, &r, sizeof r) != 0) return false;
  if (wake_fd_ >= 0) [[unlikely]]
    ring_if_sleeping();
  return true;
}

void Scheduler::ring_if_sleeping() noexcept {
  // Dekker with prepare_sleep(): the enqueue above is ordered before this
  // load, the owner's store of sleeping_ before its look at the ring.
  std::atomic_thread_fence(std::memory_order_seq_cst);
  if (sleeping_.load(std::memory_order_relaxed) && sleeping_.exchange(false)) {
    char b = 1;
    ssize_t n = write(wake_fd_, &b, 1);  // EAGAIN: rung already
    (void)n;
  }
}

bool Scheduler::prepare_sleep() noexcept {
  sleeping_.store(true, std::memory_order_relaxed);
  std::atomic_thread_fence(std::memory_order_seq_cst);
  if (inbound_ != nullptr && rte_ring_count(inbound_) != 0) {
    sleeping_.store(false, std::memory_order_relaxed);
    return false;
  }
  return true;
}

bool Scheduler::timers_pending() const noexcept { return timers_->has_pending(); }

bool Scheduler::call(void (*fn)(void *), void *arg) noexcept {
  if (is_current()) {
    fn(arg);
    return true;
  }
  PendingCall c{fn, arg};
  InboundReq r{Op::kCall, 0, nullptr, nullptr, &c, nullptr, nullptr};
  while (inbound_ != nullptr && rte_ring_enqueue_elem(inbound_, &r, sizeof r) != 0) rte_pause();
  if (inbound_ == nullptr) return false;
  if (wake_fd_ >= 0) ring_if_sleeping();
  // The owner may be a busy poll-mode lcore: spin briefly, then yield.
  for (unsigned spins = 0; !c.done.load(std::memory_order_acquire); ++spins) {
    if (spins < 1024)
      rte_pause();
    else
      sched_yield();
  }
  return true;
}

unsigned Scheduler::run_inbound() noexcept {
  if (inbound_ == nullptr) return 0;
  InboundReq reqs[32];
  unsigned total = 0;
  unsigned n;
  while (total < kInboundBudget &&
         (n = rte_ring_dequeue_burst_elem(inbound_, reqs, sizeof(InboundReq), 32, nullptr)) != 0) {
    for (unsigned i = 0; i < n; ++i) {
      queue_t *q = reqs[i].q;
      switch (reqs[i].op) {
        case Op::kEnable: qenable(q); break;
        case Op::kPut: put(q, reqs[i].mp); break;
        case Op::kCall: {
          PendingCall *c = reqs[i].call;
          c->fn(c->arg);
          c->done.store(true, std::memory_order_release);
          break;
        }
        case Op::kNotify: reqs[i].notify(reqs[i].notify_arg); break;
        case Op::kPutq:
          if (!putq(q, reqs[i].mp)) {
            count_drop(q, STRDP_DROP_NOMEM);
            freemsg(reqs[i].mp);
          }
          break;
        case Op::kPutNextIfRoom:
          if (canputnext(q)) {
            putnext(q, reqs[i].mp);
          } else {
            count_drop(q, STRDP_DROP_NOMEM);
            freemsg(reqs[i].mp);
          }
          break;
      }
    }
    total += n;
  }
  return total;
}

void Scheduler::defer(queue_t *q, mblk_t *mp) noexcept {
  if (defer_tail_ - defer_head_ > defer_mask_) [[unlikely]] {
    // Full: double the ring (rare; a deep chain under a burst).
    uint32_t size = defer_mask_ + 1;
    auto *bigger = static_cast<Deferred *>(calloc(size * 2u, sizeof(Deferred)));
    if (bigger == nullptr) {
      // No memory to defer: run it now; the stack grows but nothing is lost.
      ++depth_;
      put_direct(q, mp);
      --depth_;
      return;
    }
    for (uint32_t i = 0; i < size; ++i) bigger[i] = defer_ring_[(defer_head_ + i) & defer_mask_];
    free(defer_ring_);
    defer_ring_ = bigger;
    defer_mask_ = size * 2u - 1;
    defer_tail_ = defer_tail_ - defer_head_;
    defer_head_ = 0;
  }
  defer_ring_[defer_tail_++ & defer_mask_] = Deferred{q, mp};
}

void Scheduler::drain_deferred() noexcept {
  draining_ = true;
  while (defer_head_ != defer_tail_) {
    Deferred d = defer_ring_[defer_head_++ & defer_mask_];
    ++depth_;
    put_direct(d.q, d.mp);
    --depth_;
  }
  draining_ = false;
}

int Scheduler::add_poller(strdp_poller_fn fn, void *arg) {
  if (fn == nullptr) return -1;
  pollers_.push_back(Poller{next_poller_id_, fn, arg});
  return next_poller_id_++;
}

void Scheduler::remove_poller(int id) noexcept {
  std::erase_if(pollers_, [id](const Poller &p) { return p.id == id; });
}

unsigned Scheduler::run_once() noexcept {
  unsigned work = 0;
  for (size_t i = 0; i < pollers_.size(); ++i) work += pollers_[i].fn(pollers_[i].arg);
  work += run_inbound();
  work += timers_->run_due();
  // Only the queues enabled before this pass run in it: a service
  // procedure that re-enables itself waits for the next pass.
  queue_t *last = run_tail_;
  for (unsigned n = 0; run_head_ != nullptr && n < kServiceBudget; ++n) {
    queue_t *q = run_head_;
    run_head_ = q->q_link;
    if (run_head_ == nullptr) run_tail_ = nullptr;
    q->q_link = nullptr;
    run_service(q);
    ++work;
    if (q == last) break;
  }
  return work;
}

unsigned Scheduler::drain() noexcept {
  unsigned total = 0;
  for (unsigned pass = 0; pass < kMaxDrainPasses; ++pass) {
    unsigned w = run_once();
    if (w == 0) break;
    total += w;
  }
  return total;
}

}  // namespace strdp
