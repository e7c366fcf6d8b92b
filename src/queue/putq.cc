// putq, putbq, insq, appq: putting messages on a queue.
//
// Enabling rules (SVR4, as illumos keeps them): a high-priority message
// always enables the queue; a normal one enables it only if the queue is
// not noenable()d and either a reader found it empty (QWANTR) or the
// message is in a band > 0.
#include "queue/qlist.h"
#include "sched/scheduler.h"

namespace strdp {

static void enable_after_put(queue_t *q, const mblk_t *mp) {
  if (is_pc(mp) || (canenable(q) && ((q->q_flag & QWANTR) || mp->b_band)))
    qenable(q);
}

// The band structure a normal message needs, or nullptr for band 0; sets
// *ok = false if the band cannot be allocated.
static qband_t *band_for(queue_t *q, mblk_t *mp, bool *ok) {
  *ok = true;
  if (is_pc(mp)) {
    mp->b_band = 0;  // high priority messages have no band
    return nullptr;
  }
  if (mp->b_band == 0) return nullptr;
  qband_t *qb = qband_get(q, mp->b_band);
  if (qb == nullptr) *ok = false;
  return qb;
}

}  // namespace strdp

using namespace strdp;

extern "C" int putq(queue_t *q, mblk_t *mp) {
  Scheduler *s = owner(q);
  // Posted to the owner: 1, the owner's from now on (it frees and counts
  // one its putq then refuses). Not posted: 0, and mp is the caller's, as
  // for a putq that fails on the owner's thread.
  if (!s->is_current()) [[unlikely]]
    return s->post(Scheduler::Op::kPutq, q, mp) ? 1 : 0;
  STRDP_CHECK(mp->b_next == nullptr && mp->b_prev == nullptr,
              "putq of a message that is already on a queue or list");
  bool ok;
  qband_t *qb = band_for(q, mp, &ok);
  if (!ok) return 0;
  q_link_before(q, qb, q_pos_after_class(q, mp, qb), mp);
  enable_after_put(q, mp);
  return 1;
}

extern "C" int putbq(queue_t *q, mblk_t *mp) {
  bool ok;
  qband_t *qb = band_for(q, mp, &ok);
  if (!ok) return 0;
  q_link_before(q, qb, q_pos_before_class(q, mp, qb), mp);
  // A service procedure puts back what it cannot pass on: re-enabling it
  // for a normal message would spin, so only high priority enables.
  if (is_pc(mp)) qenable(q);
  return 1;
}

// insq: nmp goes immediately before emp (at the tail when emp is NULL),
// refused (0) if that breaks the queue's priority order.
extern "C" int insq(queue_t *q, mblk_t *emp, mblk_t *nmp) {
  bool ok;
  qband_t *qb = band_for(q, nmp, &ok);
  if (!ok) return 0;
  const mblk_t *before = emp != nullptr ? emp->b_prev : q->q_last;
  const mblk_t *after = emp;
  auto rank = [](const mblk_t *m) { return is_pc(m) ? 256u : m->b_band; };
  unsigned r = rank(nmp);
  if ((before != nullptr && rank(before) < r) ||
      (after != nullptr && rank(after) > r)) {
    cmn_err(CE_WARN, "insq: message out of order on queue %p", (void *)q);
    return 0;
  }
  q_link_before(q, qb, emp, nmp);
  enable_after_put(q, nmp);
  return 1;
}

// appq (SVR4): nmp goes immediately after emp; at the head when emp is
// NULL.
extern "C" int appq(queue_t *q, mblk_t *emp, mblk_t *nmp) {
  return insq(q, emp != nullptr ? emp->b_next : q->q_first, nmp);
}
