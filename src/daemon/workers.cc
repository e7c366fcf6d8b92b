// Worker lcores and their service loops (see workers.h).
#include "daemon/workers.h"

#include <rte_eal.h>
#include <rte_launch.h>
#include <rte_lcore.h>
#include <rte_malloc.h>
#include <rte_pause.h>

#include <atomic>
#include <cstdio>
#include <cstring>
#include <thread>

namespace strdp::daemon {

// Read by the loop every pass, written by the control thread once: on
// the worker's own socket and cache line.
struct alignas(64) WorkerCtx {
  std::atomic<bool> stop{false};
  // 0: starting, 1: running (sched set), -1: could not create a scheduler
  std::atomic<int> state{0};
  strdp_sched_t *sched = nullptr;
  unsigned lcore = 0;
};

namespace {

int worker_loop(void *arg) {
  auto *w = static_cast<WorkerCtx *>(arg);
  char name[32];
  snprintf(name, sizeof name, "lcore%u", w->lcore);
  strdp_sched_t *s = strdp_sched_create(name);
  if (s == nullptr) {
    w->state.store(-1, std::memory_order_release);
    return -1;
  }
  strdp_sched_bind(s);
  w->sched = s;
  w->state.store(1, std::memory_order_release);
  // The service loop. The stop flag is a relaxed load: the control thread
  // sets it once, after every stream of this lcore is closed.
  while (!w->stop.load(std::memory_order_relaxed))
    if (strdp_sched_run(s) == 0) rte_pause();
  // Requests that raced the stop (none should) run before the scheduler goes.
  strdp_sched_drain(s);
  strdp_sched_bind(nullptr);
  strdp_sched_destroy(s);
  return 0;
}

}  // namespace

bool Workers::start(const std::vector<unsigned> &lcores, std::string *why) {
  for (unsigned lc : lcores) {
    if (lc >= RTE_MAX_LCORE || !rte_lcore_is_enabled(lc)) {
      *why = "lcore " + std::to_string(lc) + " is not enabled in EAL (add it to -l)";
      stop();
      return false;
    }
    if (lc == rte_get_main_lcore()) {
      *why = "lcore " + std::to_string(lc) +
             " is the main lcore (control socket, telemetry): pick worker lcores";
      stop();
      return false;
    }
    if (rte_eal_get_lcore_state(lc) != WAIT) {
      *why = "lcore " + std::to_string(lc) + " is busy";
      stop();
      return false;
    }
    int socket = static_cast<int>(rte_lcore_to_socket_id(lc));
    auto *mem = rte_zmalloc_socket("strdp_worker", sizeof(WorkerCtx), alignof(WorkerCtx), socket);
    if (mem == nullptr) mem = rte_zmalloc("strdp_worker", sizeof(WorkerCtx), alignof(WorkerCtx));
    if (mem == nullptr) {
      *why = "no memory for the worker of lcore " + std::to_string(lc);
      stop();
      return false;
    }
    auto *ctx = new (mem) WorkerCtx;
    ctx->lcore = lc;
    if (int rc = rte_eal_remote_launch(worker_loop, ctx, lc); rc != 0) {
      ctx->~WorkerCtx();
      rte_free(ctx);
      *why = "cannot launch lcore " + std::to_string(lc) + ": " + strerror(-rc);
      stop();
      return false;
    }
    running_.push_back({lc, ctx});
    int st;
    while ((st = ctx->state.load(std::memory_order_acquire)) == 0) std::this_thread::yield();
    if (st < 0) {
      *why = "lcore " + std::to_string(lc) + ": cannot create its scheduler";
      stop();
      return false;
    }
  }
  return true;
}

void Workers::stop() {
  for (auto &e : running_) e.ctx->stop.store(true, std::memory_order_relaxed);
  for (auto &e : running_) {
    rte_eal_wait_lcore(e.lcore);
    e.ctx->~WorkerCtx();
    rte_free(e.ctx);
  }
  running_.clear();
}

strdp_sched_t *Workers::sched(unsigned lcore) const {
  for (const auto &e : running_)
    if (e.lcore == lcore && e.ctx->state.load(std::memory_order_acquire) == 1) return e.ctx->sched;
  return nullptr;
}

std::vector<unsigned> Workers::lcores() const {
  std::vector<unsigned> v;
  for (const auto &e : running_) v.push_back(e.lcore);
  return v;
}

}  // namespace strdp::daemon
