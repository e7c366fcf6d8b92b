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
#define STRDP_DROP_CASE_(id, name, doc) \
  case STRDP_DROP_##id: return name;
    STRDP_DROP_REASON_LIST(STRDP_DROP_CASE_)
#undef STRDP_DROP_CASE_
    default: return "unknown";
  }
}
