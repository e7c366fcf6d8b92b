// Shared streams (strdp_stream_share): a stream other schedulers may send
// messages down, e.g. the copy stream a sniffer on a poll-mode lane feeds
// and an application reads through the apps service's scheduler.
//
// Why this is safe without a lock on either side:
//  - The stream's owner promises to close it only after every thread that
//    may send down it has stopped (the daemon closes its [[apps.stream]]
//    streams after the lanes), so a pointer from strdp_stream_lookup()
//    stays valid for as long as any sender runs.
//  - A sender on another thread never touches the stream's queues: it
//    posts {head write queue, message} to the owner's request ring, and
//    the owner does the canputnext/putnext there. A full ring is not
//    waited on (a lane must not stall behind a slow application): the
//    caller keeps the message and counts it as its own drop.
#include <cerrno>

#include "stream/stream_impl.h"

using namespace strdp;

extern "C" int strdp_stream_share(strdp_stream_t *sp) {
  if (sp == nullptr) {
    errno = EINVAL;
    return -1;
  }
  if (!sp->sched->is_current()) {
    errno = EXDEV;
    return -1;
  }
  sp->shared.store(true, std::memory_order_release);
  return 0;
}

extern "C" int strdp_stream_send_down(strdp_stream_t *sp, mblk_t *mp) {
  if (sp == nullptr || mp == nullptr) {
    errno = EINVAL;
    return -1;
  }
  if (sp->sched->is_current()) {
    if (!canputnext(sp->wq())) {
      errno = EAGAIN;
      return -1;
    }
    putnext(sp->wq(), mp);
    return 0;
  }
  if (!sp->shared.load(std::memory_order_acquire)) {
    errno = EXDEV;
    return -1;
  }
  if (!sp->sched->try_post(Scheduler::Op::kPutNextIfRoom, sp->wq(), mp)) {
    errno = EAGAIN;
    return -1;
  }
  return 0;
}
