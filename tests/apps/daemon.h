// A streamsd of the test's own: a temporary folder, a configuration that
// offers drivers to applications, the daemon started as a child process
// and stopped with SIGTERM. The tests are applications: they link
// libstrdp-client only (no DPDK) and find the daemon through
// $STRDP_SOCKET.
#pragma once

#include <fcntl.h>
#include <strdp/strdp_app.h>
#include <sys/types.h>

#include <nlohmann/json.hpp>

#include <string>

namespace apptest {

class Daemon {
 public:
  // extra: TOML appended to the configuration ([[apps.device]] tables...).
  // Starts streamsd ($STREAMSD), waits for its apps socket, sets
  // $STRDP_SOCKET. False (and a message on stderr) when it did not come up.
  // eal: EAL arguments before the fixture's own (lcores, vdevs); the
  // default is lcore 0 alone.
  bool start(const std::string &extra = "", const std::string &eal = "\"-l\", \"0\"");
  // SIGTERM and wait: the daemon's exit status (0: stopped clean, no
  // buffer leaked), -1 if it had to be killed.
  int stop();
  ~Daemon();

  // One control request (newline-delimited JSON); {} when it failed.
  nlohmann::json request(const nlohmann::json &req) const;
  // Message buffers in use in the daemon now (stats' mbufs_in_use).
  long mbufs_in_use() const;
  // The apps service's counters (stats' apps.counters).
  nlohmann::json app_counters() const;
  // Application streams the daemon holds (list's apps.streams).
  nlohmann::json app_streams() const;

  const std::string &dir() const { return dir_; }
  const std::string &apps_socket() const { return apps_; }
  pid_t pid() const { return pid_; }

 private:
  std::string dir_, apps_, ctl_;
  pid_t pid_ = -1;
};

// The devices every test daemon offers.
extern const char kDevices[];

// A stream open for one test's scope (sp nullptr if the open failed).
struct Stream {
  strdp_stream_t *sp;
  explicit Stream(const char *name, int oflag = O_RDWR) : sp(strdp_open(name, oflag, nullptr)) {}
  ~Stream() {
    if (sp != nullptr) strdp_close(sp);
  }
  Stream(const Stream &) = delete;
  Stream &operator=(const Stream &) = delete;
  operator strdp_stream_t *() const { return sp; }
};

}  // namespace apptest
