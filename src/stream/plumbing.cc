// qprocson/qprocsoff, SAMESTR, freezestr/unfreezestr.
#include "stream/stream_impl.h"

using namespace strdp;

// Turns on the put and service procedures of q's pair: from now on
// messages stop at this module instead of flowing around it.
extern "C" void qprocson(queue_t *q) {
  QueuePair *qp = qpair(q);
  qp->st[0].iflags |= kProcsOn;
  qp->st[1].iflags |= kProcsOn;
  // Messages queued while off are served now.
  for (queue_t &x : qp->q)
    if (x.q_first != nullptr) qenable(&x);
}

// Turns them off: messages flow around the pair, its service procedures
// leave the run list. Queued messages stay (freed at close).
extern "C" void qprocsoff(queue_t *q) {
  QueuePair *qp = qpair(q);
  for (int i = 0; i < 2; ++i) {
    qp->st[i].iflags &= ~kProcsOn;
    owner(&qp->q[i])->forget(&qp->q[i]);
  }
}

// 1 if q's next queue runs in the same direction (0 at the end of a
// stream and where a stream pipe twists), as Solaris' SAMESTR.
extern "C" int SAMESTR(queue_t *q) {
  return q->q_next != nullptr && (q->q_flag & QREADR) == (q->q_next->q_flag & QREADR);
}

// The owning scheduler is the only thread that touches a stream, so a
// stream is frozen for its owner already; these check the rule instead.
extern "C" void freezestr(queue_t *q) {
  if (!owner(q)->is_current()) cmn_err(CE_WARN, "freezestr: queue %p not owned by this thread", (void *)q);
}
extern "C" void unfreezestr(queue_t *q) { (void)q; }
