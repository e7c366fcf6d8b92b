// Graceful stop.
//
// Order, and why:
//  1. Per lcore, in ONE call on that lcore (nothing of it runs in
//     between): run its service loop until no lane of it holds a message
//     in flight (bounded: kStopDrainPasses), then unlink every link of
//     its lanes, then close its lanes, the ones that receive from a port
//     (pmd) first. A lane is never polled again once its teardown begins,
//     so no frame is received into a stream being torn down; links never
//     cross lcores (a lower lane and its mux lane share a scheduler), so
//     the per-lcore teardown is complete. What the drain could not flush
//     (a blocked queue, frames waiting at a head nobody reads) is freed
//     by close and counted as "close" drops; it is reported, not leaked.
//  2. Stop the worker loops (nothing is left on them).
//  3. Close the ports: they give back their rx ring buffers.
//  4. Clear the autopush rules we set.
//  5. Count message buffers in use: equal to the count before the ports
//     were set up, or something leaked (leak_check.h).
#include <cerrno>
#include <cstring>
#include <map>

#include "daemon/dataplane.h"
#include "daemon/dataplane_impl.h"
#include "daemon/lane.h"
#include "daemon/on_lcore.h"
#include <strdp/pmd.h>

namespace strdp::daemon {

namespace {
// Passes of an lcore's loop to let messages in flight reach their end
// before teardown; a pass is microseconds, so this is well under a second
// unless something is blocked for good.
constexpr unsigned kStopDrainPasses = 20000;
}  // namespace

StopReport Dataplane::stop(const std::function<void()> &after_lanes) {
  std::lock_guard lock(mu_);
  StopReport r;
  if (stopped_) {
    r.leak = leak_.count();
    return r;
  }
  stop_locked(&r, after_lanes);
  return r;
}

void Dataplane::stop_locked(StopReport *r, const std::function<void()> &after_lanes) {
  running_ = false;
  stopped_ = true;
  // A start that failed before the ports were set up took nothing yet.
  if (!leak_.started()) leak_.mark_start();

  struct LaneRef {
    Stream *s;
    Lane *l;
  };
  std::map<unsigned, std::vector<LaneRef>> by_lcore;
  for (auto &s : streams_)
    for (Lane &l : s->lanes)
      if (l.sp != nullptr) by_lcore[l.lcore].push_back({s.get(), &l});

  for (auto &[lcore, lanes] : by_lcore) {
    strdp_sched_t *sched = lanes.front().l->sched;
    std::vector<std::string> notes;
    bool called = on_lcore(sched, [&] {
      // 1a. drain: every lane of this lcore at once (one pass serves all)
      bool drained = false;
      for (unsigned pass = 0; pass <= kStopDrainPasses && !drained; ++pass) {
        drained = true;
        for (LaneRef &x : lanes) drained = drained && lane_drain(x.l->sp, 0);
        if (!drained) strdp_sched_run(sched);
      }
      // 1b. unlink, last link first
      for (auto it = links_.rbegin(); it != links_.rend(); ++it) {
        Stream *mux = find(it->mux), *lower = find(it->lower);
        if (mux == nullptr || lower == nullptr) continue;
        for (size_t i = 0; i < lower->lanes.size() && i < mux->lanes.size(); ++i) {
          Lane &lo = lower->lanes[i], &mu = mux->lanes[i];
          if (lo.lcore != lcore || lo.muxid <= 0 || mu.sp == nullptr) continue;
          if (strdp_ioctl(mu.sp, it->persistent ? I_PUNLINK : I_UNLINK, lo.muxid) < 0)
            notes.push_back("unlink " + it->lower + " lane " + std::to_string(i) + " from " +
                            it->mux + ": " + strerror(errno));
          else
            lo.muxid = 0;
        }
      }
      // 1c. close: receivers (pmd) first, then the others, last opened first
      auto close_lane = [&](LaneRef &x) {
        uint64_t held = 0;
        for (const strdp_queue_info &q : lane_queues(x.l->sp)) held += q.st.queued_msgs;
        if (held != 0)
          notes.push_back("stream " + x.s->spec.name + " lane " + std::to_string(x.l->index) +
                          ": " + std::to_string(held) + " message(s) freed at close");
        lane_close(x.l->sp);
        x.l->sp = nullptr;
      };
      for (auto it = lanes.rbegin(); it != lanes.rend(); ++it)
        if (it->s->spec.driver == "pmd") close_lane(*it);
      for (auto it = lanes.rbegin(); it != lanes.rend(); ++it)
        if (it->l->sp != nullptr) close_lane(*it);
    });
    if (!called) r->problems.push_back("lcore " + std::to_string(lcore) + " does not answer");
    for (auto &n : notes) r->notes.push_back(n);
  }
  links_.clear();

  workers_.stop();

  for (auto it = ports_.rbegin(); it != ports_.rend(); ++it)
    if (strdp_port_close(static_cast<uint16_t>((*it)->id)) < 0)
      r->problems.push_back("port " + (*it)->spec.name + ": close: " + strerror(errno));
  ports_.clear();
  streams_.clear();

  for (auto &a : autopush_) strdp_autopush_clear(a.driver.c_str(), a.minor);
  autopush_.clear();

  if (after_lanes) after_lanes();
  leak_.mark_stop();
  r->leak = leak_.count();
}

}  // namespace strdp::daemon
