// The apps service: streamsd's end of libstrdp-client. One thread (not a
// poll-mode lcore: it sleeps when idle) with its own scheduler owns every
// stream an application opens; a listening SOCK_SEQPACKET socket at the
// [apps] socket path takes connections (docs/shm-head.md).
//
// Principles of operation
//  - The thread runs passes: its scheduler's run_once, then every
//    application stream's rings (Bridge::poll), then, every few passes or
//    when idle, the sockets (accept, opens, deaths) without waiting.
//  - After a pass with work the next comes at once; when idle it spins a
//    while (a window that grows when sleeps turn out short and shrinks
//    when they are long), then arms every stream's doorbell and its
//    scheduler's wake-up and sleeps in epoll_wait on the doorbells, the
//    sockets and the wake-up pipe. An idle service costs no CPU.
//  - Other threads reach it only through its scheduler (call() for
//    listings, puts from modules on other lcores); both ring the wake-up.
#pragma once

#include <sys/types.h>

#include <atomic>
#include <cstdint>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include "apphead/app_counters.h"
#include "apphead/app_streams.h"
#include "config/config.h"
#include "control/socket_file.h"

namespace strdp {
class Scheduler;
}

namespace strdp::apphead {

class Conn;
struct Scratch;

// One application stream, as `strctl list` shows it.
struct AppStreamRow {
  uint64_t id = 0;
  std::string name;  // what the application opened
  pid_t pid = 0;
  uid_t uid = 0;
  gid_t gid = 0;
  std::vector<std::string> modules;  // top-down
  bool linked = false;               // under a multiplexor
  int sigmask = 0;                   // I_SETSIG events
};

// A [[apps.stream]], attached or not.
struct ConfiguredRow {
  std::string name;
  pid_t pid = 0;                     // the application attached to it, 0: none
  std::vector<std::string> modules;  // top-down
  uint64_t queued = 0;               // messages waiting at its head
  uint64_t drops = 0;                // sent to it and dropped (it was full)
};

struct AppSnapshot {
  std::string socket;
  unsigned connections = 0;  // now
  std::vector<AppStreamRow> streams;
  std::vector<ConfiguredRow> configured;
  Counters counters;
};

class AppService {
 public:
  AppService();
  ~AppService();  // stop()
  AppService(const AppService &) = delete;
  AppService &operator=(const AppService &) = delete;

  // Builds the [[apps.stream]] streams, binds the socket and starts the
  // thread (after rte_eal_init). False and *why when a stream cannot be
  // built or the socket made.
  bool start(const config::AppsSpec &spec, std::string *why);
  // Every application sees a hangup; its streams are closed, then the
  // [[apps.stream]] streams (call it once nothing else sends to them:
  // after the lanes stopped); the thread ends and the socket file goes.
  // Idempotent.
  void stop();
  bool running() const { return thread_.joinable(); }
  const std::string &path() const { return sock_.path(); }

  // Any thread: a consistent copy, taken on the service's thread.
  bool snapshot(AppSnapshot *out);

 private:
  void run();
  unsigned poll_events(int timeout_ms);
  void accept_all();
  void take_snapshot(AppSnapshot *out);
  // Sleeps in epoll unless there is input (the spin window has passed).
  void try_sleep();

  config::AppsSpec spec_;
  control::SocketFile sock_;
  std::unique_ptr<Scheduler> sched_;
  std::thread thread_;
  std::atomic<bool> stop_{false};
  int ep_ = -1;
  int wake_r_ = -1, wake_w_ = -1;  // scheduler wake-up and stop
  AppStreams streams_;  // before conns_: bridges give theirs back first
  std::vector<std::unique_ptr<Conn>> conns_;
  std::unique_ptr<Scratch> scratch_;
  Counters ctr_;
  uint64_t next_id_ = 1;
  uint64_t spin_ns_ = 50'000;
};

}  // namespace strdp::apphead
