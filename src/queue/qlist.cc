// Queue list primitives (see qlist.h).
#include "queue/qlist.h"

namespace strdp {

void q_link_before(queue_t *q, qband_t *qb, mblk_t *pos, mblk_t *mp) {
  mp->b_queue = q;
  if (pos == nullptr) {
    mp->b_next = nullptr;
    mp->b_prev = q->q_last;
    if (q->q_last != nullptr)
      q->q_last->b_next = mp;
    else
      q->q_first = mp;
    q->q_last = mp;
  } else {
    mp->b_next = pos;
    mp->b_prev = pos->b_prev;
    if (pos->b_prev != nullptr)
      pos->b_prev->b_next = mp;
    else
      q->q_first = mp;
    pos->b_prev = mp;
  }

  MsgCost c = msg_cost(mp);
  QueueState *st = qstate(q);
  ++st->nmsgs;
  if (qb == nullptr) {
    q->q_count += c.bytes;
    q->q_mblkcnt += static_cast<unsigned>(c.blocks);
    if (q->q_count >= q->q_hiwat || q->q_mblkcnt >= q->q_hiwat)
      q->q_flag |= QFULL;
    return;
  }
  // The band's messages are contiguous: mp joins at one of its ends or
  // inside, so only the ends can move.
  if (qb->qb_first == nullptr) {
    qb->qb_first = qb->qb_last = mp;
  } else {
    if (mp->b_next == qb->qb_first) qb->qb_first = mp;
    if (mp->b_prev == qb->qb_last) qb->qb_last = mp;
  }
  qb->qb_count += c.bytes;
  qb->qb_mblkcnt += c.blocks;
  if (qb->qb_count >= qb->qb_hiwat || qb->qb_mblkcnt >= qb->qb_hiwat)
    qb->qb_flag |= QB_FULL;
}

// Takes c out of band 0's count; QFULL goes below the high water mark.
static void uncount_band0(queue_t *q, MsgCost c) {
  q->q_count -= c.bytes;
  q->q_mblkcnt -= static_cast<unsigned>(c.blocks);
  if (q->q_mblkcnt == 0 || (q->q_count < q->q_hiwat && q->q_mblkcnt < q->q_hiwat))
    q->q_flag &= ~QFULL;
}

unsigned q_unlink(queue_t *q, mblk_t *mp) {
  unsigned band = acct_band(mp);
  qband_t *qb = band != 0 ? qband_find(q, band) : nullptr;
  if (qb != nullptr) {
    if (qb->qb_first == mp && qb->qb_last == mp)
      qb->qb_first = qb->qb_last = nullptr;
    else if (qb->qb_first == mp)
      qb->qb_first = mp->b_next;
    else if (qb->qb_last == mp)
      qb->qb_last = mp->b_prev;
  }
  if (mp->b_prev != nullptr)
    mp->b_prev->b_next = mp->b_next;
  else
    q->q_first = mp->b_next;
  if (mp->b_next != nullptr)
    mp->b_next->b_prev = mp->b_prev;
  else
    q->q_last = mp->b_prev;
  mp->b_next = mp->b_prev = nullptr;
  mp->b_queue = nullptr;

  MsgCost c = msg_cost(mp);
  --qstate(q)->nmsgs;
  if (qb == nullptr) {
    uncount_band0(q, c);
  } else {
    qb->qb_count -= c.bytes;
    qb->qb_mblkcnt -= c.blocks;
    if (qb->qb_mblkcnt == 0 ||
        (qb->qb_count < qb->qb_hiwat && qb->qb_mblkcnt < qb->qb_hiwat))
      qb->qb_flag &= ~QB_FULL;
  }
  return band;
}

// One accounting update and one back-enable for the whole run: the
// count only falls, so the low-water test at its end enables the writer
// exactly when one of the n single removals would have.
mblk_t *q_take_front(queue_t *q, unsigned n) {
  if (n == 0) return nullptr;
  mblk_t *first = q->q_first, *last = nullptr;
  MsgCost total{0, 0};
  mblk_t *mp = first;
  for (unsigned i = 0; i < n; ++i) {
    STRDP_CHECK(mp != nullptr && acct_band(mp) == 0, "q_take_front past band-0 messages");
    MsgCost c = msg_cost(mp);
    total.bytes += c.bytes;
    total.blocks += c.blocks;
    mp->b_queue = nullptr;
    mp->b_prev = nullptr;
    last = mp;
    mp = mp->b_next;
  }
  last->b_next = nullptr;
  q->q_first = mp;
  if (mp != nullptr)
    mp->b_prev = nullptr;
  else
    q->q_last = nullptr;
  qstate(q)->nmsgs -= n;
  uncount_band0(q, total);
  qbackenable(q, 0);
  return first;
}

// Queue order: high priority, then bands 255..1, then band 0. A message
// "belongs after" every message of a higher class and of its own class.
static bool ahead_of(const mblk_t *queued, const mblk_t *mp, bool same_too) {
  if (is_pc(queued)) return is_pc(mp) ? same_too : true;
  if (is_pc(mp)) return false;
  return same_too ? queued->b_band >= mp->b_band : queued->b_band > mp->b_band;
}

mblk_t *q_pos_after_class(queue_t *q, const mblk_t *mp, qband_t *qb) {
  // Fast paths: band 0 goes to the tail; a band with messages goes after
  // its last one.
  if (q->q_last == nullptr || ahead_of(q->q_last, mp, true)) return nullptr;
  if (qb != nullptr && qb->qb_last != nullptr) return qb->qb_last->b_next;
  mblk_t *pos = q->q_first;
  while (pos != nullptr && ahead_of(pos, mp, true)) pos = pos->b_next;
  return pos;
}

mblk_t *q_pos_before_class(queue_t *q, const mblk_t *mp, qband_t *qb) {
  if (qb != nullptr && qb->qb_first != nullptr) return qb->qb_first;
  mblk_t *pos = q->q_first;
  while (pos != nullptr && ahead_of(pos, mp, false)) pos = pos->b_next;
  return pos;
}

}  // namespace strdp
