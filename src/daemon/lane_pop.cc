// Popping a module from a live lane without losing a message, draining a
// lane before it closes, and reading a lane's stack. Runs on the lane's
// own lcore.
//
// Why drain before I_POP: I_POP frees what is left on the module's
// queues (counted as "close" drops). A module with service procedures
// (passmod) may hold messages when traffic is flowing, so the lcore runs
// its own service loop, pollers included, until the module's queues are
// empty, and pops in the same breath: nothing runs between the last
// check and the pop, so nothing can be queued there in between. If the
// queues do not empty within kPopDrainPasses passes (the stream below or
// above is blocked), the pop fails with EBUSY and the stream is left as
// it was (docs/daemon.md).
#include <cerrno>
#include <cstring>

#include "daemon/lane.h"

namespace strdp::daemon {

std::vector<strdp_queue_info> lane_queues(strdp_stream_t *sp) {
  std::vector<strdp_queue_info> v(2u * (NSTRPUSH + 2));
  for (;;) {
    int n = strdp_stream_queues(sp, v.data(), static_cast<int>(v.size()));
    if (n < 0) return {};
    if (static_cast<size_t>(n) <= v.size()) {
      v.resize(static_cast<size_t>(n));
      return v;
    }
    v.resize(static_cast<size_t>(n));
  }
}

std::vector<std::string> lane_modules(strdp_stream_t *sp) {
  std::vector<std::string> mods;
  std::vector<strdp_queue_info> q = lane_queues(sp);
  // Entries: head (2), each module (2), the driver (2), read side first.
  for (size_t i = 2; i + 2 < q.size(); i += 2) mods.emplace_back(q[i].name);
  return mods;
}

int lane_pop(strdp_stream_t *sp, std::string *popped, std::string *why, unsigned *passes) {
  strdp_sched_t *s = strdp_stream_sched(sp);
  std::vector<strdp_queue_info> q;
  for (unsigned pass = 0;; ++pass) {
    q = lane_queues(sp);
    if (q.size() < 6) {
      *why = "no module to pop";
      return EINVAL;
    }
    // q[2], q[3]: the top module's read and write queues.
    if (q[2].st.queued_msgs == 0 && q[3].st.queued_msgs == 0) {
      if (passes != nullptr) *passes = pass;
      break;
    }
    if (pass == kPopDrainPasses) {
      *why = std::string("module ") + q[2].name + " still holds " +
             std::to_string(q[2].st.queued_msgs + q[3].st.queued_msgs) + " message(s) after " +
             std::to_string(kPopDrainPasses) + " passes; not popped";
      return EBUSY;
    }
    strdp_sched_run(s);
  }
  std::string name = q[2].name;
  if (strdp_ioctl(sp, I_POP, 0) < 0) {
    int err = errno;
    *why = "pop " + name + ": " + (err == EPERM ? "anchored (I_ANCHOR)" : strerror(err));
    return err;
  }
  *popped = name;
  return 0;
}

bool lane_drain(strdp_stream_t *sp, unsigned passes) {
  strdp_sched_t *s = strdp_stream_sched(sp);
  for (unsigned pass = 0;; ++pass) {
    uint64_t held = 0;
    std::vector<strdp_queue_info> q = lane_queues(sp);
    // The head's read queue (q[0]) waits for a reader; it is not in flight.
    for (size_t i = 1; i < q.size(); ++i) held += q[i].st.queued_msgs;
    if (held == 0) return true;
    if (pass == passes) return false;
    strdp_sched_run(s);
  }
}

}  // namespace strdp::daemon
