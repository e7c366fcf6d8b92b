// The message list of a queue: linking, unlinking and the byte/block
// accounting that flow control reads. Every insertion and removal goes
// through here so QFULL/QB_FULL are always in step with q_count/qb_count.
#pragma once

#include "queue/queue_impl.h"

namespace strdp {

struct MsgCost {
  size_t bytes;   // sum of MBLKL over the b_cont chain (illumos' rule)
  size_t blocks;
};

inline MsgCost msg_cost(const mblk_t *mp) {
  MsgCost c{0, 0};
  for (; mp != nullptr; mp = mp->b_cont) {
    c.bytes += static_cast<size_t>(mp->b_wptr - mp->b_rptr);
    ++c.blocks;
  }
  return c;
}

inline bool is_pc(const mblk_t *mp) { return mp->b_datap->db_type >= QPCTL; }

// The band a queued message is accounted in: high-priority messages are
// always band 0.
inline unsigned acct_band(const mblk_t *mp) {
  return is_pc(mp) ? 0u : mp->b_band;
}

// Links mp before pos (nullptr: at the tail) and accounts for it; qb is
// the band structure of mp's band (nullptr for band 0).
void q_link_before(queue_t *q, qband_t *qb, mblk_t *pos, mblk_t *mp);
// Unlinks mp and takes it out of the accounting; returns its band.
unsigned q_unlink(queue_t *q, mblk_t *mp);
// Unlinks the first n messages, which the caller has seen to be ordinary
// band-0 messages, and back-enables once, as n rmvq() calls would; returns
// them chained by b_next (for freemsgchain), nullptr if n is 0.
mblk_t *q_take_front(queue_t *q, unsigned n);

// Where a message of band b (or high priority) goes when it is queued
// behind the messages of its class (putq) or ahead of them (putbq).
mblk_t *q_pos_after_class(queue_t *q, const mblk_t *mp, qband_t *qb);
mblk_t *q_pos_before_class(queue_t *q, const mblk_t *mp, qband_t *qb);

}  // namespace strdp
