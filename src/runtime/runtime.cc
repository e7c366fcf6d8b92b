// strdp_runtime_init/fini: the process-wide set-up every user of libstrdp
// (the daemon, tests, examples) goes through after rte_eal_init().
#include <cerrno>

#include "msg/msg_pool.h"
#include "sched/scheduler.h"
#include "stream/mux.h"
#include "stream/registry.h"
#include "stream/stream_limits.h"

namespace strdp {

namespace {
Scheduler *g_main_sched = nullptr;
bool g_up = false;
}  // namespace

}  // namespace strdp

using namespace strdp;

extern "C" int strdp_runtime_init(const strdp_runtime_conf *conf) {
  if (g_up) {
    errno = EALREADY;
    return -1;
  }
  strdp_runtime_conf c{};
  if (conf != nullptr) c = *conf;
  set_stream_limits(StreamLimits{c.nstrpush != 0 ? c.nstrpush : NSTRPUSH});
  if (int err = msg_pools_init(c); err != 0) {
    errno = err;
    return -1;
  }
  registry_init();
  g_main_sched = new Scheduler("main");
  Scheduler::bind(g_main_sched);
  g_up = true;
  return 0;
}

extern "C" void strdp_runtime_fini(void) {
  if (!g_up) return;
  // Rules first, so that the streams fini opens to unlink push nothing;
  // then the persistent links left (stream/mux.cc, "Who closes what").
  autopush_fini();
  mux_fini();
  if (Scheduler::current() == g_main_sched) Scheduler::bind(nullptr);
  delete g_main_sched;
  g_main_sched = nullptr;
  registry_fini();
  msg_pools_fini();
  g_up = false;
}
