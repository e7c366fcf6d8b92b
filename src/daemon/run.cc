// streamsd's life (see run.h).
//
// Signals: SIGINT and SIGTERM are blocked before rte_eal_init(), so every
// thread EAL creates (workers, interrupts, telemetry) inherits the block
// and only the main thread takes them; its handler only sets a flag, and
// the control server's poll() returns with EINTR and looks at it.
#include "daemon/run.h"

#include <rte_eal.h>
#include <rte_errno.h>
#include <rte_lcore.h>
#include <signal.h>

#include <atomic>
#include <cstdio>
#include <cstring>

#include "apphead/app_service.h"
#include "control/protocol.h"
#include "control/server.h"
#include "daemon/dataplane.h"
#include "daemon/offline_check.h"
#include "daemon/summary.h"
#include "telemetry/telemetry.h"

namespace strdp::daemon {

namespace {

std::atomic<bool> g_stop{false};
std::atomic<int> g_signal{0};
static_assert(std::atomic<bool>::is_always_lock_free);

extern "C" void on_signal(int sig) {
  g_signal.store(sig, std::memory_order_relaxed);
  g_stop.store(true, std::memory_order_relaxed);
}

void catch_signals(sigset_t *blocked) {
  struct sigaction sa{};
  sa.sa_handler = on_signal;
  sigemptyset(&sa.sa_mask);
  sa.sa_flags = 0;  // no SA_RESTART: poll() must return EINTR
  sigaction(SIGINT, &sa, nullptr);
  sigaction(SIGTERM, &sa, nullptr);
  sigemptyset(blocked);
  sigaddset(blocked, SIGINT);
  sigaddset(blocked, SIGTERM);
  pthread_sigmask(SIG_BLOCK, blocked, nullptr);
}

void print_report(const StopReport &r) {
  for (const std::string &n : r.notes) fprintf(stderr, "streamsd: stop: %s\n", n.c_str());
  for (const std::string &p : r.problems) fprintf(stderr, "streamsd: stop: PROBLEM: %s\n", p.c_str());
  printf("leak check: %u buffers in use at start, %u at stop\n", r.leak.start, r.leak.stop);
  fflush(stdout);
}

}  // namespace

int run(const config::Config &cfg, const std::vector<std::string> &eal_in,
        const std::string &argv0) {
  std::vector<std::string> eal = eal_in.empty() ? cfg.eal_args : eal_in;

  // The lcores EAL will enable must hold the workers and lanes: say so now,
  // before anything starts (the configuration's own check used [eal] args,
  // which the command line may have replaced).
  std::string why;
  if (auto el = config::eal_lcores(eal, &why); el) {
    auto errs = config::check_lcores(cfg, *el);
    for (const auto &e : errs) fprintf(stderr, "%s\n", e.to_string().c_str());
    if (!errs.empty()) return 1;
  }

  sigset_t blocked;
  catch_signals(&blocked);
  std::vector<std::string> args;
  args.push_back(argv0);
  args.insert(args.end(), eal.begin(), eal.end());
  std::vector<char *> argv;
  for (std::string &a : args) argv.push_back(a.data());
  argv.push_back(nullptr);
  if (rte_eal_init(static_cast<int>(args.size()), argv.data()) < 0) {
    fprintf(stderr, "streamsd: EAL initialisation failed: %s\n", rte_strerror(rte_errno));
    return 1;
  }
  pthread_sigmask(SIG_UNBLOCK, &blocked, nullptr);

  strdp_runtime_conf rc{};
  rc.nb_mbufs = cfg.runtime.nb_mbufs;
  rc.mbuf_cache = cfg.runtime.mbuf_cache;
  rc.data_room = cfg.runtime.buf_size + RTE_PKTMBUF_HEADROOM;
  rc.nstrpush = cfg.runtime.nstrpush;
  if (strdp_runtime_init(&rc) < 0) {
    fprintf(stderr, "streamsd: runtime: %s (message pools of %u buffers)\n", strerror(errno),
            rc.nb_mbufs);
    rte_eal_cleanup();
    return 1;
  }

  // Unknown modules, drivers, plugins: refused before anything starts.
  if (auto errs = plugins_and_registry_check(cfg); !errs.empty()) {
    for (const auto &e : errs) fprintf(stderr, "%s\n", e.to_string().c_str());
    fprintf(stderr, "streamsd: the configuration names what is not registered; nothing started\n");
    strdp_runtime_fini();
    rte_eal_cleanup();
    return 1;
  }

  int status = 1;
  {
    Dataplane dp;
    apphead::AppService apps;
    control::Dispatcher dispatcher(dp);
    control::Server server(dispatcher);
    // The apps service before the dataplane: its [[apps.stream]] streams
    // must exist when a lane's module names one (a sniffer's to=NAME).
    if (!server.open(cfg.control.socket, cfg.control.mode, cfg.control.group, &why)) {
      fprintf(stderr, "streamsd: control socket: %s\n", why.c_str());
    } else if (cfg.apps.enabled && !apps.start(cfg.apps, &why)) {
      fprintf(stderr, "streamsd: apps: %s\n", why.c_str());
      server.close();
    } else if (Status st = dp.start(cfg); !st.ok()) {
      fprintf(stderr, "streamsd: start-up failed: %s\n", st.msg.c_str());
      server.close();
      apps.stop();
    } else {
      if (apps.running()) {
        dispatcher.set_apps(&apps);
        printf("streamsd: applications connect at %s (libstrdp-client)\n", apps.path().c_str());
      }
      bool tel = cfg.telemetry && telemetry::publish(&dp, server.path());
      if (cfg.telemetry && !tel)
        fprintf(stderr, "streamsd: DPDK telemetry is off (--no-telemetry?): /strdp commands not "
                        "registered\n");
      print_summary(stdout, dp, server.path(), cfg.control.mode, tel);
      server.serve(g_stop);
      int sig = g_signal.load();
      printf("streamsd: stopping (%s)\n", sig != 0 ? strsignal(sig) : "requested");
      fflush(stdout);
      telemetry::withdraw();
      server.close();
      // Applications once the lanes have stopped (nothing sends to their
      // shared streams any more) and before the leak check counts: they
      // see a hangup, and every buffer their streams held is back.
      dispatcher.set_apps(nullptr);
      StopReport r = dp.stop([&] { apps.stop(); });
      apps.stop();
      print_report(r);
      status = r.clean() ? 0 : 1;
    }
  }
  strdp_runtime_fini();
  rte_eal_cleanup();
  return status;
}

}  // namespace strdp::daemon
