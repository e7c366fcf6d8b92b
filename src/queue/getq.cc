// getq, rmvq and back-enabling: taking messages off a queue.
//
// The rule classic modules rely on: when a queue that a writer found full
// (QWANTW, set by canput) drains below its low water mark, the nearest
// upstream queue with a service procedure is enabled, so the writer
// retries. getq() checks this on every call, also when it finds the queue
// empty (LiS lost back-enables there).
#include "queue/qlist.h"
#include "sched/scheduler.h"

namespace strdp {

void qbackenable(queue_t *q, unsigned band) {
  if (band == 0) {
    if (!(q->q_flag & QWANTW)) return;
    if (q->q_lowat != 0 &&
        (q->q_count >= q->q_lowat || q->q_mblkcnt >= q->q_lowat))
      return;
    q->q_flag &= ~QWANTW;
  } else {
    qband_t *qb = qband_find(q, band);
    if (qb == nullptr || !(qb->qb_flag & QB_WANTW)) return;
    if (qb->qb_lowat != 0 &&
        (qb->qb_count >= qb->qb_lowat || qb->qb_mblkcnt >= qb->qb_lowat))
      return;
    qb->qb_flag &= ~QB_WANTW;
  }
  queue_t *bq = backq(q);
  while (bq != nullptr &&
         (bq->q_qinfo->qi_srvp == nullptr ||
          !(qstate(bq)->iflags & kProcsOn)))
    bq = backq(bq);
  if (bq == nullptr) return;
  if (band == 0) {
    bq->q_flag |= QBACK;
  } else if (qband_t *bqb = qband_get(bq, band); bqb != nullptr) {
    bqb->qb_flag |= QB_BACK;
  }
  qenable(bq);
}

}  // namespace strdp

using namespace strdp;

extern "C" mblk_t *getq(queue_t *q) {
  STRDP_CHECK(qstate(q)->sched == nullptr || qstate(q)->sched->is_current(),
              "getq on a queue that another scheduler owns");
  mblk_t *mp = q->q_first;
  unsigned band = 0;
  if (mp == nullptr) {
    q->q_flag |= QWANTR;
  } else {
    band = q_unlink(q, mp);
    q->q_flag &= ~QWANTR;
  }
  qbackenable(q, band);
  return mp;
}

extern "C" void rmvq(queue_t *q, mblk_t *mp) {
  if (mp == nullptr || mp->b_queue != q) {
    cmn_err(CE_WARN, "rmvq: message %p is not on queue %p", (void *)mp,
            (void *)q);
    return;
  }
  qbackenable(q, q_unlink(q, mp));
}

extern "C" int qsize(queue_t *q) { return static_cast<int>(qstate(q)->nmsgs); }
