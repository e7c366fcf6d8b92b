// Flow-control tests: canput, bcanput and their putnext forms, backq.
//
// canput(q) looks at the nearest queue at or after q that has a service
// procedure (or the last queue of the stream): messages stop there, so
// that is where fullness counts. A full answer sets QWANTW (QB_WANTW) so
// that queue back-enables the writer when it drains.
#include "queue/queue_impl.h"

using namespace strdp;

static queue_t *flow_queue(queue_t *q) {
  while (q->q_next != nullptr &&
         (q->q_qinfo->qi_srvp == nullptr || !(qstate(q)->iflags & kProcsOn)))
    q = q->q_next;
  return q;
}

extern "C" int bcanput(queue_t *q, unsigned char pri) {
  if (q == nullptr) return 0;
  q = flow_queue(q);
  if (pri == 0) {
    if (!(q->q_flag & QFULL)) [[likely]]
      return 1;
    q->q_flag |= QWANTW;
  } else {
    qband_t *qb = qband_find(q, pri);
    if (qb == nullptr || !(qb->qb_flag & QB_FULL)) return 1;
    qb->qb_flag |= QB_WANTW;
  }
  ++qstate(q)->stats.flow_blocked;
  return 0;
}

extern "C" int canput(queue_t *q) { return bcanput(q, 0); }
extern "C" int canputnext(queue_t *q) { return bcanput(q->q_next, 0); }
extern "C" int bcanputnext(queue_t *q, unsigned char pri) {
  return bcanput(q->q_next, pri);
}

// The queue whose q_next is q: through the other side of q's pair.
extern "C" queue_t *backq(queue_t *q) {
  queue_t *o = OTHERQ(q);
  return o->q_next != nullptr ? OTHERQ(o->q_next) : nullptr;
}
