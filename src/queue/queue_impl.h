// Framework-private state of a queue pair, and the helpers the queue,
// scheduler and stream code share. Not installed.
//
// Rules (kept next to the code that relies on them):
//  - a queue pair is owned by one Scheduler (QueueState::sched) and every
//    field of queue_t/qband_t/QueueState is touched only by that owner's
//    thread; other threads reach a queue only through Scheduler::post();
//  - the messages on a queue form one list, q_first..q_last, ordered:
//    high-priority messages, then bands 255..1, then band 0; each band's
//    qb_first/qb_last point into that list;
//  - QueueState::iflags is framework-only (procs on/off, in service).
#pragma once

#include <strdp/strdp.h>

#include <cstdint>

#include "runtime/debug_checks.h"

namespace strdp {

class Scheduler;
struct Stream;

enum QueueIFlags : uint32_t {
  kProcsOn = 1u << 0,    // qprocson() done: neighbours route through us
  kInService = 1u << 1,  // the service procedure is running
  kClosing = 1u << 2,    // close routine running: no new enables
};

struct QueueState {
  Scheduler *sched = nullptr;  // owner
  uint32_t iflags = 0;
  uint32_t nmsgs = 0;           // messages on the queue, all bands
  qband_t **band_index = nullptr;  // [256], lazily: band_index[b] = band b
  strdp_qstats stats{};
};

// A module, driver or stream-head instance: the two queues and their
// private state, allocated together. q[0] is the read queue.
struct QueuePair {
  queue_t q[2];
  QueueState st[2];
};

inline QueueState *qstate(const queue_t *q) {
  return static_cast<QueueState *>(q->q_priv_);
}
inline QueuePair *qpair(queue_t *q) {
  return reinterpret_cast<QueuePair *>(RD(q));
}

// Allocates a queue pair with the qinit of st (or mux qinits when mux),
// water marks from the read/write module_info, owned by sched. nullptr on
// allocation failure.
QueuePair *allocq(const streamtab *st, bool mux, Scheduler *sched);
// Frees a pair whose queues are empty, off the run list and unlinked.
void freeq(QueuePair *qp);

// Counts a message the framework freed instead of delivering.
inline void count_drop(queue_t *q, strdp_drop_reason why, uint64_t n = 1) {
  if (q != nullptr) qstate(q)->stats.drops[why] += n;
}

// The band structure for band b (1..255), allocating bands 1..b as needed;
// nullptr if allocation fails.
qband_t *qband_get(queue_t *q, unsigned b);
// The band structure for band b if it exists, else nullptr.
inline qband_t *qband_find(const queue_t *q, unsigned b) {
  QueueState *s = qstate(q);
  return (b == 0 || s->band_index == nullptr || b > q->q_nband)
             ? nullptr
             : s->band_index[b];
}
void qbands_free(queue_t *q);

// Back-enabling: if q (band) dropped below its low water mark and a writer
// was blocked (QWANTW / QB_WANTW), enable the nearest upstream queue with
// a service procedure.
void qbackenable(queue_t *q, unsigned band);

// Calls q's put procedure (or burst put) now, bypassing a queue whose
// procedures are off; used by put()/putnext() after the stack-depth check.
void put_direct(queue_t *q, mblk_t *mp);

}  // namespace strdp
