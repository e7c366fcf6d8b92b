// strqget/strqset: reading and setting queue and band fields (DDI).
// Both return 0 or an errno value. QCOUNT/QFIRST/QLAST/QFLAG are
// read-only (EPERM); a band field of an absent band is allocated by
// strqset (as Solaris does) and reads as the queue's defaults otherwise.
#include <cerrno>

#include "queue/qlist.h"

using namespace strdp;

extern "C" int strqget(queue_t *q, qfields_t what, unsigned char pri, void *valp) {
  if (q == nullptr || valp == nullptr) return EINVAL;
  qband_t *qb = pri != 0 ? qband_find(q, pri) : nullptr;
  switch (what) {
    case QHIWAT:
      *static_cast<size_t *>(valp) = pri == 0 ? q->q_hiwat : qb ? qb->qb_hiwat : q->q_hiwat;
      return 0;
    case QLOWAT:
      *static_cast<size_t *>(valp) = pri == 0 ? q->q_lowat : qb ? qb->qb_lowat : q->q_lowat;
      return 0;
    case QMAXPSZ:
      if (pri != 0) return EINVAL;
      *static_cast<ssize_t *>(valp) = q->q_maxpsz;
      return 0;
    case QMINPSZ:
      if (pri != 0) return EINVAL;
      *static_cast<ssize_t *>(valp) = q->q_minpsz;
      return 0;
    case QCOUNT:
      *static_cast<size_t *>(valp) = pri == 0 ? q->q_count : qb ? qb->qb_count : 0;
      return 0;
    case QFIRST:
      *static_cast<mblk_t **>(valp) = pri == 0 ? q->q_first : qb ? qb->qb_first : nullptr;
      return 0;
    case QLAST:
      *static_cast<mblk_t **>(valp) = pri == 0 ? q->q_last : qb ? qb->qb_last : nullptr;
      return 0;
    case QFLAG:
      *static_cast<unsigned *>(valp) = pri == 0 ? q->q_flag : qb ? qb->qb_flag : 0;
      return 0;
    default:
      return EINVAL;
  }
}

extern "C" int strqset(queue_t *q, qfields_t what, unsigned char pri, intptr_t val) {
  if (q == nullptr) return EINVAL;
  qband_t *qb = nullptr;
  if (pri != 0 && (what == QHIWAT || what == QLOWAT)) {
    qb = qband_get(q, pri);
    if (qb == nullptr) return EAGAIN;
  }
  switch (what) {
    case QHIWAT:
      if (val < 0) return EINVAL;
      if (qb != nullptr) {
        qb->qb_hiwat = static_cast<size_t>(val);
        if (qb->qb_count >= qb->qb_hiwat) qb->qb_flag |= QB_FULL;
        else qb->qb_flag &= ~QB_FULL;
      } else {
        q->q_hiwat = static_cast<size_t>(val);
        if (q->q_count >= q->q_hiwat) q->q_flag |= QFULL;
        else q->q_flag &= ~QFULL;
      }
      return 0;
    case QLOWAT:
      if (val < 0) return EINVAL;
      if (qb != nullptr) qb->qb_lowat = static_cast<size_t>(val);
      else q->q_lowat = static_cast<size_t>(val);
      qbackenable(q, pri);
      return 0;
    case QMAXPSZ:
      if (pri != 0) return EINVAL;
      q->q_maxpsz = static_cast<ssize_t>(val);
      return 0;
    case QMINPSZ:
      if (pri != 0) return EINVAL;
      q->q_minpsz = static_cast<ssize_t>(val);
      return 0;
    case QCOUNT:
    case QFIRST:
    case QLAST:
    case QFLAG:
      return EPERM;
    default:
      return EINVAL;
  }
}
