// Opening and closing a stream: head and driver queue pairs.
#include <fcntl.h>

#include <cerrno>
#include <chrono>
#include <cstring>
#include <thread>

#include "sched/timer_service.h"
#include "stream/mux.h"
#include "stream/stream_impl.h"
#include "stream/stream_limits.h"

bool stdata::nonblock() const { return (oflag & (O_NONBLOCK | O_NDELAY)) != 0; }

namespace strdp {

namespace {
StreamLimits g_limits;  // written before any stream opens, then only read
}  // namespace

const StreamLimits &stream_limits() { return g_limits; }
void set_stream_limits(const StreamLimits &l) { g_limits = l; }

static void set_stream(QueuePair *qp, stdata *sp) {
  qp->q[0].q_stream = sp;
  qp->q[1].q_stream = sp;
}

// Frees what is left on a pair's queues and the pair itself; the pair is
// unlinked and its procedures are off.
static void dispose_pair(stdata *sp, QueuePair *qp) {
  for (queue_t &q : qp->q) {
    uint64_t n = qstate(&q)->nmsgs;
    for (mblk_t *mp = q.q_first; mp != nullptr;) {
      mblk_t *next = mp->b_next;
      mp->b_next = mp->b_prev = nullptr;
      freemsg(mp);
      mp = next;
    }
    q.q_first = q.q_last = nullptr;
    count_drop(&q, STRDP_DROP_CLOSE, n);
    sp->sched->forget(&q);
    if (unsigned left = sp->sched->timers().cancel_for_queue(&q); left != 0)
      cmn_err(CE_WARN, "%s: %u timeout/bufcall(s) still pending at close, cancelled",
              q.q_qinfo && q.q_qinfo->qi_minfo ? q.q_qinfo->qi_minfo->mi_idname : "?", left);
  }
  freeq(qp);
}

// Gives the stream's write side up to closetime_ms to drain below q before
// q's owner is closed (streamio I_SETCLTIME); non-blocking streams do not
// wait.
static void wait_write_drain(stdata *sp, queue_t *wq) {
  if (sp->nonblock() || sp->closetime_ms <= 0) return;
  auto deadline = std::chrono::steady_clock::now() + std::chrono::milliseconds(sp->closetime_ms);
  while (wq->q_first != nullptr && std::chrono::steady_clock::now() < deadline)
    stream_wait_step(sp);
}

void stream_wait_step(stdata *sp) {
  if (sp->sched->run_once() == 0) std::this_thread::sleep_for(std::chrono::microseconds(50));
}

stdata *stream_open(const char *name, int oflag, cred_t *cr) {
  Scheduler *sched = Scheduler::current();
  if (sched == nullptr || name == nullptr) {
    errno = EINVAL;
    return nullptr;
  }
  DriverEntry *de = driver_hold(name);
  if (de == nullptr) {
    errno = ENOENT;  // open(2) of a name that is no device node
    return nullptr;
  }
  auto *sp = new (std::nothrow) stdata;
  if (sp != nullptr) {
    sp->sched = sched;
    sp->drv = de;
    sp->oflag = oflag;
    sp->cred = cr != nullptr ? cr : strdp_kcred();
    sp->head = allocq(&strhead_info, false, sched);
    sp->driver = allocq(de->st, false, sched);
  }
  if (sp == nullptr || sp->head == nullptr || sp->driver == nullptr) {
    if (sp != nullptr) {
      freeq(sp->head);
      freeq(sp->driver);
      delete sp;
    }
    driver_release(de);
    errno = ENOSR;
    return nullptr;
  }
  set_stream(sp->head, sp);
  set_stream(sp->driver, sp);
  sp->wq()->q_next = &sp->driver->q[1];
  sp->drv_rq()->q_next = sp->rq();
  sp->driver->q[0].q_flag |= QEND;
  sp->driver->q[1].q_flag |= QEND;
  qprocson(sp->rq());

  sp->dev = makedevice(0, de->minor);
  int sflag = de->clone ? CLONEOPEN : 0;
  strdp_openp_t open = sp->drv_rq()->q_qinfo->qi_qopen;
  int err = open != nullptr ? open(sp->drv_rq(), &sp->dev, oflag, sflag, sp->cred) : 0;
  if (err != 0) {
    qprocsoff(sp->rq());
    qprocsoff(sp->drv_rq());
    dispose_pair(sp, sp->driver);
    dispose_pair(sp, sp->head);
    driver_release(de);
    delete sp;
    errno = err;
    return nullptr;
  }
  if (!(qstate(sp->drv_rq())->iflags & kProcsOn)) qprocson(sp->drv_rq());
  if (!mux_stream_opened(sp)) err = ENOSR;
  // Autopush runs after the driver's open, so a clone open is matched
  // with the minor the driver chose; a failed push fails the open.
  if (err == 0) err = autopush_apply(sp);
  if (err != 0) {
    stream_close(sp);
    errno = err;
    return nullptr;
  }
  return sp;
}

int stream_close(stdata *sp) {
  stream_names_forget(sp);  // first: nothing may find it from now on
  // Links next, as illumos strclose: the unlink ioctls go down through
  // the modules still pushed, to the mux driver.
  mux_unlink_on_close(sp);
  mux_stream_closed(sp);
  while (!sp->modules.empty()) {
    sp->anchor = 0;  // close pops everything, anchors included
    stream_pop(sp);
  }
  wait_write_drain(sp, &sp->driver->q[1]);
  strdp_closep_t close = sp->drv_rq()->q_qinfo->qi_qclose;
  if (close != nullptr) close(sp->drv_rq(), sp->oflag, sp->cred);
  qprocsoff(sp->drv_rq());
  qprocsoff(sp->rq());
  dispose_pair(sp, sp->driver);
  dispose_pair(sp, sp->head);
  if (sp->ioc_reply != nullptr) freemsg(sp->ioc_reply);
  driver_release(sp->drv);
  delete sp;
  return 0;
}

// Plumbing moves flow-control waits. A queue below that found the queue
// above it full (QWANTW/QB_WANTW there) waits to be back-enabled when that
// queue drains. Once a module is pushed in between, or popped from in
// between, its messages stop at another queue, and the back-enable it
// waits for would never come: the stream would stall with messages held
// below. So the wait moves to the queue that now stands above it, and is
// honoured at once if that queue is below its low water mark.
static void move_waits(queue_t *from, queue_t *to) {
  if (from->q_flag & QWANTW) {
    to->q_flag |= QWANTW;
    qbackenable(to, 0);
  }
  unsigned band = 1;
  for (qband_t *qb = from->q_bandp; qb != nullptr; qb = qb->qb_next, ++band) {
    if (!(qb->qb_flag & QB_WANTW)) continue;
    if (qband_t *t = qband_get(to, band); t != nullptr) {
      t->qb_flag |= QB_WANTW;
      qbackenable(to, band);
    }
  }
}

int stream_push(stdata *sp, const char *name) {
  if (sp->modules.size() >= stream_limits().nstrpush) return EINVAL;
  ModuleEntry *me = module_hold(name != nullptr ? name : "");
  if (me == nullptr) return EINVAL;
  QueuePair *qp = allocq(me->st, false, sp->sched);
  if (qp == nullptr) {
    module_release(me);
    return ENOSR;
  }
  set_stream(qp, sp);
  // Link in below the head, procedures off: the module may send from its
  // open routine, while messages from others still flow around it.
  queue_t *hw = sp->wq(), *hr = sp->rq();
  queue_t *below_w = hw->q_next;
  queue_t *below_r = OTHERQ(below_w);
  queue_t *mr = &qp->q[0], *mw = &qp->q[1];
  mw->q_next = below_w;
  mr->q_next = hr;
  below_r->q_next = mr;
  hw->q_next = mw;

  dev_t dev = sp->dev;
  strdp_openp_t open = mr->q_qinfo->qi_qopen;
  int err = open != nullptr ? open(mr, &dev, sp->oflag, MODOPEN, sp->cred) : 0;
  if (err != 0) {
    qprocsoff(mr);
    hw->q_next = below_w;
    below_r->q_next = hr;
    dispose_pair(sp, qp);
    module_release(me);
    return ENXIO;
  }
  if (!(qstate(mr)->iflags & kProcsOn)) qprocson(mr);
  move_waits(hr, mr);  // the driver side may wait on the head: now on us
  if (module_stat *ms = mr->q_qinfo->qi_mstat; ms != nullptr) ++ms->ms_ocnt;
  sp->modules.insert(sp->modules.begin(), stdata::Pushed{me, qp});
  return 0;
}

int stream_pop(stdata *sp) {
  if (sp->modules.empty()) return EINVAL;
  if (sp->anchor != 0 && sp->modules.size() <= sp->anchor) return EPERM;
  stdata::Pushed top = sp->modules.front();
  queue_t *mr = &top.qp->q[0], *mw = &top.qp->q[1];
  wait_write_drain(sp, mw);
  strdp_closep_t close = mr->q_qinfo->qi_qclose;
  if (close != nullptr) close(mr, sp->oflag, sp->cred);
  if (module_stat *ms = mr->q_qinfo->qi_mstat; ms != nullptr) ++ms->ms_ccnt;
  qprocsoff(mr);
  queue_t *below_w = mw->q_next;
  sp->wq()->q_next = below_w;
  OTHERQ(below_w)->q_next = sp->rq();
  move_waits(mr, sp->rq());  // who waited on the module now waits on the head
  sp->modules.erase(sp->modules.begin());
  dispose_pair(sp, top.qp);
  module_release(top.mod);
  return 0;
}

}  // namespace strdp
