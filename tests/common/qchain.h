// Test fixtures for the queue layer: chains of queue pairs linked like a
// stream (without a stream head), with recording put/service procedures.
#pragma once

#include <gtest/gtest.h>
#include <rte_mempool.h>
#include <strdp/mbuf.h>
#include <strdp/strdp.h>
#include <strdp/strsun.h>

#include <cstring>
#include <string>
#include <vector>

#include "queue/queue_impl.h"
#include "eal_env.h"
#include "sched/scheduler.h"
#include "sched/timer_service.h"

namespace strdp::test {

// A message with `text` in one M_DATA block (type and band settable).
inline mblk_t *make_msg(const std::string &text, unsigned char type = M_DATA,
                        unsigned char band = 0) {
  mblk_t *mp = allocb(text.size(), BPRI_MED);
  if (mp == nullptr) return nullptr;
  memcpy(mp->b_wptr, text.data(), text.size());
  mp->b_wptr += text.size();
  mp->b_datap->db_type = type;
  mp->b_band = band;
  return mp;
}

inline std::string msg_text(const mblk_t *mp) {
  std::string s;
  for (; mp != nullptr; mp = mp->b_cont)
    s.append(reinterpret_cast<const char *>(mp->b_rptr), static_cast<size_t>(mp->b_wptr - mp->b_rptr));
  return s;
}

// In-use buffers of the default pool, to check that a test leaks nothing.
inline unsigned pool_in_use() {
  return rte_mempool_in_use_count(strdp_msg_pool(SOCKET_ID_ANY));
}

// Allocates a queue pair from qinits, procedures on, owned by the
// current scheduler; freed by the destructor.
class TestPair {
 public:
  TestPair(qinit *rd, qinit *wr) {
    st_ = streamtab{.st_rdinit = rd, .st_wrinit = wr};
    qp_ = allocq(&st_, false, Scheduler::current());
    qp_->st[0].iflags |= kProcsOn;
    qp_->st[1].iflags |= kProcsOn;
  }
  ~TestPair() {
    for (queue_t &q : qp_->q) {
      flushq(&q, FLUSHALL);
      owner(&q)->forget(&q);
      owner(&q)->timers().cancel_for_queue(&q);
    }
    freeq(qp_);
  }
  TestPair(const TestPair &) = delete;
  TestPair &operator=(const TestPair &) = delete;
  queue_t *rq() { return &qp_->q[0]; }
  queue_t *wq() { return &qp_->q[1]; }

 private:
  streamtab st_;
  QueuePair *qp_;
};

// Links pairs top to bottom like a stream: write side downwards, read
// side upwards, so backq() works.
inline void link_pairs(std::vector<TestPair *> pairs) {
  for (size_t i = 0; i + 1 < pairs.size(); ++i) {
    pairs[i]->wq()->q_next = pairs[i + 1]->wq();
    pairs[i + 1]->rq()->q_next = pairs[i]->rq();
  }
}

}  // namespace strdp::test
