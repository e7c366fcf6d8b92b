// What a stream is made of, for the daemon's control socket and
// telemetry: its queues top-down with their statistics. Runs on the
// stream's own scheduler (strdp_sched_call), where the queues are quiet.
#include <cerrno>
#include <cstdio>

#include "stream/stream_impl.h"

using namespace strdp;

namespace {

void fill(strdp_queue_info *out, int max, int &n, const char *name, int depth,
          QueuePair *qp) {
  for (int side = 0; side < 2; ++side, ++n) {
    if (n >= max) continue;
    strdp_queue_info &qi = out[n];
    snprintf(qi.name, sizeof qi.name, "%s", name);
    qi.write_side = side;
    qi.depth = depth;
    strdp_qstats_get(&qp->q[side], &qi.st);
  }
}

}  // namespace

extern "C" int strdp_stream_queues(strdp_stream_t *sp, strdp_queue_info *out, int max) {
  if (sp == nullptr || (out == nullptr && max > 0) || max < 0) {
    errno = EINVAL;
    return -1;
  }
  int n = 0;
  int depth = 0;
  fill(out, max, n, "head", depth++, sp->head);
  for (auto &m : sp->modules) fill(out, max, n, m.mod->name.c_str(), depth++, m.qp);
  fill(out, max, n, sp->drv->name.c_str(), depth, sp->driver);
  return n;
}

extern "C" strdp_sched_t *strdp_stream_sched(strdp_stream_t *sp) {
  return sp != nullptr ? reinterpret_cast<strdp_sched_t *>(sp->sched) : nullptr;
}
