// flushq and flushband: discarding queued messages.
//
// FLUSHDATA discards only data messages (datamsg(): M_DATA, M_PROTO,
// M_PCPROTO, M_DELAY); FLUSHALL discards everything. Afterwards every band
// that fell below its low water mark back-enables its blocked writer.
#include "queue/qlist.h"

using namespace strdp;

static bool flush_selects(const mblk_t *mp, int flag) {
  return flag == FLUSHALL || datamsg(mp->b_datap->db_type);
}

extern "C" void flushq(queue_t *q, int flag) {
  mblk_t *mp = q->q_first;
  uint64_t n = 0;
  bool touched[256] = {};
  while (mp != nullptr) {
    mblk_t *next = mp->b_next;
    if (flush_selects(mp, flag)) {
      touched[q_unlink(q, mp)] = true;
      freemsg(mp);
      ++n;
    }
    mp = next;
  }
  count_drop(q, STRDP_DROP_FLUSH, n);
  for (unsigned b = 0; b < 256; ++b)
    if (touched[b] || b == 0) qbackenable(q, b);
}

// flushband(q, 0, flag) flushes band-0 normal messages only; a band > 0
// flushes that band's messages.
extern "C" void flushband(queue_t *q, unsigned char pri, int flag) {
  uint64_t n = 0;
  if (pri == 0) {
    mblk_t *mp = q->q_first;
    while (mp != nullptr) {
      mblk_t *next = mp->b_next;
      if (!is_pc(mp) && mp->b_band == 0 && flush_selects(mp, flag)) {
        q_unlink(q, mp);
        freemsg(mp);
        ++n;
      }
      mp = next;
    }
  } else {
    qband_t *qb = qband_find(q, pri);
    if (qb == nullptr) return;
    mblk_t *mp = qb->qb_first;
    mblk_t *end = qb->qb_last != nullptr ? qb->qb_last->b_next : nullptr;
    while (mp != nullptr && mp != end) {
      mblk_t *next = mp->b_next;
      if (flush_selects(mp, flag)) {
        q_unlink(q, mp);
        freemsg(mp);
        ++n;
      }
      mp = next;
    }
  }
  count_drop(q, STRDP_DROP_FLUSH, n);
  qbackenable(q, pri);
}
