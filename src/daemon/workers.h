// Poll-mode worker lcores: one service loop per configured lcore.
//
// Each worker creates and binds its own scheduler on its own lcore (so
// the scheduler's inbound ring comes from the lcore's NUMA socket) and
// then runs `while (!stop) strdp_sched_run(s)`: no mutex and no system
// call on the loop; an idle pass pauses the core briefly (rte_pause).
// Everything else reaches a worker through strdp_sched_call().
#pragma once

#include <strdp/strdp.h>

#include <string>
#include <vector>

namespace strdp::daemon {

struct WorkerCtx;  // per lcore, allocated on the lcore's socket

class Workers {
 public:
  Workers() = default;
  ~Workers() { stop(); }
  Workers(const Workers &) = delete;
  Workers &operator=(const Workers &) = delete;

  // Launches a loop on each lcore (EAL worker lcores, not the main one)
  // and waits until every one runs its scheduler. On failure stops what
  // it launched and says why in *why.
  bool start(const std::vector<unsigned> &lcores, std::string *why);
  // Asks every loop to return and waits for it (streams must be closed).
  void stop();

  // The scheduler of a running worker lcore, or nullptr.
  strdp_sched_t *sched(unsigned lcore) const;
  std::vector<unsigned> lcores() const;

 private:
  struct Entry {
    unsigned lcore;
    WorkerCtx *ctx;
  };
  std::vector<Entry> running_;
};

}  // namespace strdp::daemon
