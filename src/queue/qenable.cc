// qenable, noenable, enableok, canenable: scheduling service procedures.
#include "sched/scheduler.h"

using namespace strdp;

extern "C" void qenable(queue_t *q) {
  if (q->q_qinfo->qi_srvp == nullptr) return;
  Scheduler *s = owner(q);
  if (s->is_current()) [[likely]]
    s->enable(q);
  else
    s->post(Scheduler::Op::kEnable, q, nullptr);
}

// noenable keeps putq() from enabling q for normal messages; qenable()
// and high-priority messages still do.
extern "C" void noenable(queue_t *q) { q->q_flag |= QNOENB; }
extern "C" void enableok(queue_t *q) { q->q_flag &= ~QNOENB; }
extern "C" int canenable(queue_t *q) { return !(q->q_flag & QNOENB); }
