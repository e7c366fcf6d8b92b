// Per-queue statistics as the control plane reads them.
#include "queue/queue_impl.h"

using namespace strdp;

extern "C" void strdp_qstats_get(queue_t *q, strdp_qstats *out) {
  const QueueState *st = qstate(q);
  *out = st->stats;
  out->queued_msgs = st->nmsgs;
  uint64_t bytes = q->q_count;
  for (const qband_t *qb = q->q_bandp; qb != nullptr; qb = qb->qb_next) bytes += qb->qb_count;
  out->queued_bytes = bytes;
}

extern "C" const char *strdp_drop_reason_name(strdp_drop_reason r) {
  switch (r) {
    case STRDP_DROP_FLUSH: return "flush";
    case STRDP_DROP_CLOSE: return "close";
    case STRDP_DROP_NOQUEUE: return "no-next-queue";
    case STRDP_DROP_HANGUP: return "hangup-or-error";
    case STRDP_DROP_BADMSG: return "bad-message";
    case STRDP_DROP_NOMEM: return "no-memory";
    default: return "unknown";
  }
}
