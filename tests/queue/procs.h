// Put and service procedures the queue tests plug into test pairs. Each
// queue's q_ptr points at a Recorder.
#pragma once

#include <vector>

#include "qchain.h"

namespace strdp::test {

struct Recorder {
  std::vector<mblk_t *> got;  // messages a recording put received
  int srv_calls = 0;
  int in_srv = 0;             // nesting of the service procedure
  int max_in_srv = 0;
  ~Recorder() { clear(); }
  void clear() {
    for (mblk_t *m : got) freemsg(m);
    got.clear();
  }
  std::vector<std::string> texts() const {
    std::vector<std::string> v;
    for (mblk_t *m : got) v.push_back(msg_text(m));
    return v;
  }
};

inline Recorder *rec(queue_t *q) { return static_cast<Recorder *>(q->q_ptr); }

inline int rec_put(queue_t *q, mblk_t *mp) {
  rec(q)->got.push_back(mp);
  return 0;
}
inline int pass_put(queue_t *q, mblk_t *mp) { return putnext(q, mp); }
inline int queue_put(queue_t *q, mblk_t *mp) { return putq(q, mp); }

// The canonical service procedure: pass on while the next queue has room.
inline int drain_srv(queue_t *q) {
  if (Recorder *r = rec(q); r != nullptr) {
    ++r->srv_calls;
    r->max_in_srv = std::max(r->max_in_srv, ++r->in_srv);
  }
  mblk_t *mp;
  while ((mp = getq(q)) != nullptr) {
    if (!pcmsg(mp->b_datap->db_type) && !bcanputnext(q, mp->b_band)) {
      putbq(q, mp);
      break;
    }
    putnext(q, mp);
  }
  if (Recorder *r = rec(q); r != nullptr) --r->in_srv;
  return 0;
}

// A service procedure that only counts its runs.
inline int count_srv(queue_t *q) {
  ++rec(q)->srv_calls;
  return 0;
}

}  // namespace strdp::test
