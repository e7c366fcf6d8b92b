// The C API of schedulers (strdp.h) and the DKI routines that schedule
// deferred work: timeouts, bufcalls, qwriter.
#include <cerrno>
#include <new>

#include "sched/scheduler.h"
#include "sched/timer_service.h"

using namespace strdp;


static Scheduler *from(strdp_sched_t *s) { return reinterpret_cast<Scheduler *>(s); }

extern "C" strdp_sched_t *strdp_sched_create(const char *name) {
  auto *s = new (std::nothrow) Scheduler(name != nullptr ? name : "sched");
  return reinterpret_cast<strdp_sched_t *>(s);
}
extern "C" void strdp_sched_destroy(strdp_sched_t *s) { delete from(s); }
extern "C" void strdp_sched_bind(strdp_sched_t *s) { Scheduler::bind(from(s)); }
extern "C" strdp_sched_t *strdp_sched_current(void) {
  return reinterpret_cast<strdp_sched_t *>(Scheduler::current());
}
extern "C" unsigned strdp_sched_run(strdp_sched_t *s) { return from(s)->run_once(); }
extern "C" unsigned strdp_sched_drain(strdp_sched_t *s) { return from(s)->drain(); }
extern "C" int strdp_sched_add_poller(strdp_sched_t *s, strdp_poller_fn fn, void *arg) {
  int id = from(s)->add_poller(fn, arg);
  if (id < 0) errno = EINVAL;
  return id;
}
extern "C" int strdp_sched_call(strdp_sched_t *s, void (*fn)(void *), void *arg) {
  if (s == nullptr || fn == nullptr) {
    errno = EINVAL;
    return -1;
  }
  if (!from(s)->call(fn, arg)) {
    errno = ENOMEM;
    return -1;
  }
  return 0;
}
extern "C" int strdp_sched_notify(strdp_sched_t *s, void (*fn)(void *), void *arg) {
  if (s == nullptr || fn == nullptr) {
    errno = EINVAL;
    return -1;
  }
  if (!from(s)->notify(fn, arg)) {
    errno = EAGAIN;
    return -1;
  }
  return 0;
}
extern "C" void strdp_sched_remove_poller(strdp_sched_t *s, int id) { from(s)->remove_poller(id); }

// Deferred work without a queue runs on the caller's scheduler.
static Scheduler *caller_sched() {
  Scheduler *s = Scheduler::current();
  if (s == nullptr) cmn_err(CE_WARN, "timeout/bufcall from a thread with no scheduler");
  return s;
}

extern "C" timeout_id_t qtimeout(queue_t *q, void (*func)(void *), void *arg, long ticks) {
  return owner(q)->timers().add_timeout(q, func, arg, ticks);
}
extern "C" long quntimeout(queue_t *, timeout_id_t id) { return TimerService::cancel_timeout(id); }
extern "C" timeout_id_t timeout(void (*func)(void *), void *arg, long ticks) {
  Scheduler *s = caller_sched();
  return s != nullptr ? s->timers().add_timeout(nullptr, func, arg, ticks) : 0;
}
extern "C" long untimeout(timeout_id_t id) { return TimerService::cancel_timeout(id); }

extern "C" bufcall_id_t qbufcall(queue_t *q, size_t size, unsigned, void (*func)(void *),
                                 void *arg) {
  return owner(q)->timers().add_bufcall(q, size, func, arg);
}
extern "C" void qunbufcall(queue_t *, bufcall_id_t id) { TimerService::cancel_bufcall(id); }
extern "C" bufcall_id_t bufcall(size_t size, unsigned, void (*func)(void *), void *arg) {
  Scheduler *s = caller_sched();
  return s != nullptr ? s->timers().add_bufcall(nullptr, size, func, arg) : 0;
}
extern "C" bufcall_id_t esbbcall(unsigned pri, void (*func)(void *), void *arg) {
  return bufcall(0, pri, func, arg);
}
extern "C" void unbufcall(bufcall_id_t id) { TimerService::cancel_bufcall(id); }

// The owning scheduler already runs q's stream exclusively.
extern "C" void qwriter(queue_t *q, mblk_t *mp, void (*func)(queue_t *, mblk_t *), int) {
  func(q, mp);
}
