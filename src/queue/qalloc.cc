// Queue pairs and their bands: allocation and release (slow path).
#include <cerrno>
#include <cstdlib>
#include <new>

#include "queue/queue_impl.h"

namespace strdp {

static void init_queue(queue_t *q, QueueState *st, qinit *qi, bool read,
                       Scheduler *sched) {
  q->q_qinfo = qi;
  // A new queue wants to be read (QWANTR), as in illumos' allocq: the
  // first putq() schedules its service procedure.
  q->q_flag = QUSE | QPAIR | QWANTR | (read ? QREADR : 0);
  q->q_priv_ = st;
  if (qi != nullptr && qi->qi_minfo != nullptr) {
    const module_info *mi = qi->qi_minfo;
    q->q_minpsz = mi->mi_minpsz;
    q->q_maxpsz = mi->mi_maxpsz;
    q->q_hiwat = mi->mi_hiwat;
    q->q_lowat = mi->mi_lowat;
  } else {
    q->q_maxpsz = INFPSZ;
  }
  st->sched = sched;
}

QueuePair *allocq(const streamtab *st, bool mux, Scheduler *sched) {
  auto *qp = new (std::align_val_t{64}, std::nothrow) QueuePair{};
  if (qp == nullptr) return nullptr;
  qinit *rd = mux ? st->st_muxrinit : st->st_rdinit;
  qinit *wr = mux ? st->st_muxwinit : st->st_wrinit;
  init_queue(&qp->q[0], &qp->st[0], rd, true, sched);
  init_queue(&qp->q[1], &qp->st[1], wr, false, sched);
  return qp;
}

void freeq(QueuePair *qp) {
  if (qp == nullptr) return;
  qbands_free(&qp->q[0]);
  qbands_free(&qp->q[1]);
  ::operator delete(qp, std::align_val_t{64});
}

qband_t *qband_get(queue_t *q, unsigned b) {
  if (b == 0 || b > 255) return nullptr;
  QueueState *s = qstate(q);
  if (b <= q->q_nband) return s->band_index[b];
  // Bands are rare: the index is made the first time one is used, and new
  // bands inherit the queue's water marks, as in SVR4.
  if (s->band_index == nullptr) {
    s->band_index = static_cast<qband_t **>(calloc(256, sizeof(qband_t *)));
    if (s->band_index == nullptr) return nullptr;
  }
  for (unsigned n = q->q_nband + 1u; n <= b; ++n) {
    auto *qb = static_cast<qband_t *>(calloc(1, sizeof(qband_t)));
    if (qb == nullptr) return nullptr;
    qb->qb_hiwat = q->q_hiwat;
    qb->qb_lowat = q->q_lowat;
    if (n > 1) s->band_index[n - 1]->qb_next = qb;
    else q->q_bandp = qb;
    s->band_index[n] = qb;
    q->q_nband = static_cast<unsigned char>(n);
  }
  return s->band_index[b];
}

void qbands_free(queue_t *q) {
  QueueState *s = qstate(q);
  if (s->band_index == nullptr) return;
  for (unsigned n = 1; n <= q->q_nband; ++n) free(s->band_index[n]);
  free(s->band_index);
  s->band_index = nullptr;
  q->q_bandp = nullptr;
  q->q_nband = 0;
}

}  // namespace strdp
