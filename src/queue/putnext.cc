// put, putnext and their burst forms: the hottest code of the framework.
//
// A put runs the next queue's put procedure to completion on the calling
// lcore. Three slow cases leave the straight line, each marked unlikely:
//  - the queue is owned by another scheduler: the message is posted to it;
//  - the put nesting is too deep (or earlier puts wait): the put is
//    deferred to the scheduler's FIFO, which the outermost put drains, so
//    a chain of 1,000 modules never grows the stack past kMaxPutDepth;
//  - the queue's procedures are off (qprocsoff, or not yet on): messages
//    flow around it, to its q_next, as if it were not there.
// A burst goes to qi_putbp in one call when the queue has one, so a
// pass-through module costs one indirect call per burst, not per message.
// A frame burst (putnext_frames) goes to qi_putfp the same way; in every
// other case its frames become messages first and take the burst's path.
#include "queue/queue_impl.h"
#include "sched/scheduler.h"

namespace strdp {

void put_direct(queue_t *q, mblk_t *mp) {
  QueueState *st = qstate(q);
  STRDP_CHECK(mp->b_next == nullptr && mp->b_prev == nullptr,
              "put of a message that is still on a queue or list");
  STRDP_CHECK(st->sched == nullptr || st->sched->is_current(),
              "put procedure run by a scheduler that does not own the queue");
  if (!(st->iflags & kProcsOn)) [[unlikely]] {
    if (q->q_next != nullptr) {
      put_direct(q->q_next, mp);  // bounded: at most the stream's length
    } else {
      count_drop(q, STRDP_DROP_NOQUEUE);
      freemsg(mp);
    }
    return;
  }
  ++st->stats.put_calls;
  q->q_qinfo->qi_putp(q, mp);
}

static void put_burst_direct(queue_t *q, mblk_t **mps, unsigned n) {
  QueueState *st = qstate(q);
#if STRDP_DEBUG_CHECKS
  for (unsigned i = 0; i < n; ++i)
    STRDP_CHECK(mps[i]->b_next == nullptr && mps[i]->b_prev == nullptr,
                "put of a message that is still on a queue or list");
  STRDP_CHECK(st->sched == nullptr || st->sched->is_current(),
              "put procedure run by a scheduler that does not own the queue");
#endif
  strdp_putbp_t putbp = q->q_qinfo->qi_putbp;
  if (putbp != nullptr && (st->iflags & kProcsOn)) [[likely]] {
    st->stats.put_calls += n;
    putbp(q, mps, n);
    return;
  }
  for (unsigned i = 0; i < n; ++i) put_direct(q, mps[i]);
}

// put() to a queue, whatever its owner and the current depth.
static inline void put_one(queue_t *q, mblk_t *mp) {
  Scheduler *s = owner(q);
  if (!s->is_current()) [[unlikely]] {
    // put() takes the message whatever happens: one that cannot be
    // posted is freed and counted here.
    if (!s->post(Scheduler::Op::kPut, q, mp)) {
      count_drop(q, STRDP_DROP_NOMEM);
      freemsg(mp);
    }
    return;
  }
  if (s->must_defer()) [[unlikely]] {
    s->defer(q, mp);
    return;
  }
  s->enter_put();
  put_direct(q, mp);
  s->leave_put();
}

static void put_many(queue_t *q, mblk_t **mps, unsigned n) {
  if (n == 0) return;
  Scheduler *s = owner(q);
  if (!s->is_current() || s->must_defer()) [[unlikely]] {
    for (unsigned i = 0; i < n; ++i) put_one(q, mps[i]);
    return;
  }
  s->enter_put();
  put_burst_direct(q, mps, n);
  s->leave_put();
}

// Frames become messages where a queue cannot take them as frames; one
// lost there (a buffer with no room for a header) counts against q.
static unsigned frames_to_msgs(queue_t *q, strdp_frame_t **f, unsigned n) {
  auto **mps = reinterpret_cast<mblk_t **>(f);  // in place
  unsigned k = strdp_frames_to_msgs(f, mps, n);
  if (k != n) [[unlikely]]
    count_drop(q, STRDP_DROP_NOMEM, n - k);
  return k;
}

// Frames to q: its frame put when it has one and runs here, now; what
// that put did not take (the contract: a prefix, like rte_eth_tx_burst)
// becomes messages for q's own message burst put, still inside this put,
// so they are not overtaken. Every other case is the message burst's
// (put_many), so the slow paths (other owner, deferred, procedures off)
// stay in one place.
static void put_frames(queue_t *q, strdp_frame_t **f, unsigned n) {
  Scheduler *s = owner(q);
  strdp_putfp_t putfp = q->q_qinfo->qi_putfp;
  if (putfp != nullptr && (qstate(q)->iflags & kProcsOn) && s->is_current() &&
      !s->must_defer()) [[likely]] {
    s->enter_put();
    unsigned k = putfp(q, f, n);
    STRDP_CHECK(k <= n, "qi_putfp took more frames than it was given");
    qstate(q)->stats.put_calls += k;
    if (k < n) [[unlikely]] {
      unsigned m = frames_to_msgs(q, f + k, n - k);
      if (m != 0) put_burst_direct(q, reinterpret_cast<mblk_t **>(f + k), m);  // n >= 1
    }
    s->leave_put();
    return;
  }
  unsigned k = frames_to_msgs(q, f, n);
  put_many(q, reinterpret_cast<mblk_t **>(f), k);
}

static void drop_at_end(queue_t *q, mblk_t *mp) {
  count_drop(q, STRDP_DROP_NOQUEUE);
  freemsg(mp);
}

}  // namespace strdp

using namespace strdp;

extern "C" int put(queue_t *q, mblk_t *mp) {
  put_one(q, mp);
  return 1;
}

extern "C" int putnext(queue_t *q, mblk_t *mp) {
  queue_t *nq = q->q_next;
  if (nq == nullptr) [[unlikely]] {
    drop_at_end(q, mp);
    return 0;
  }
  put_one(nq, mp);
  return 1;
}

extern "C" void qreply(queue_t *q, mblk_t *mp) { putnext(OTHERQ(q), mp); }

extern "C" void put_burst(queue_t *q, mblk_t **mps, unsigned int n) {
  put_many(q, mps, n);
}

extern "C" void putnext_burst(queue_t *q, mblk_t **mps, unsigned int n) {
  queue_t *nq = q->q_next;
  if (nq == nullptr) [[unlikely]] {
    for (unsigned i = 0; i < n; ++i) drop_at_end(q, mps[i]);
    return;
  }
  put_many(nq, mps, n);
}

extern "C" void putnext_frames(queue_t *q, strdp_frame_t **frames,
                               unsigned int n) {
  if (n == 0) return;
  queue_t *nq = q->q_next;
  if (nq == nullptr) [[unlikely]] {
    auto **mps = reinterpret_cast<mblk_t **>(frames);
    unsigned k = frames_to_msgs(q, frames, n);
    for (unsigned i = 0; i < k; ++i) drop_at_end(q, mps[i]);
    return;
  }
  put_frames(nq, frames, n);
}
