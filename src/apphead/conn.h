// One application process: its socket, its credentials (SO_PEERCRED, read
// once at accept), and the streams it opened. The socket carries only
// opens; its closing is the process's death, and everything it opened is
// then closed as close(2) would (docs/shm-head.md).
#pragma once

#include <sys/types.h>

#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "apphead/bridge.h"

namespace strdp::config {
struct AppsSpec;
}

namespace strdp::apphead {

class Conn {
 public:
  // Streams one application may hold open at once.
  static constexpr size_t kMaxStreams = 256;

  // streams: the [[apps.stream]] streams an open may attach to.
  Conn(int fd, pid_t pid, uid_t uid, gid_t gid, const config::AppsSpec *apps, AppStreams *streams,
       Counters *ctr, Scratch *scratch, uint64_t *next_id);
  // Closes every stream of the application (persistent links it made
  // undone first), then the socket.
  ~Conn();
  Conn(const Conn &) = delete;
  Conn &operator=(const Conn &) = delete;

  int fd() const { return fd_; }
  pid_t pid() const { return pid_; }
  uid_t uid() const { return uid_; }
  gid_t gid() const { return gid_; }

  // The socket is readable: one OpenReq answered. False: drop the
  // connection (end of file, an error, or garbage: see violation()).
  bool on_socket();
  // One pass over every stream; frees the closed ones.
  // dirty: something ran since the last pass (see Bridge::poll).
  unsigned poll(bool dirty);
  bool has_input() const;
  bool has_deadline() const;
  void arm_doorbells(bool on);
  void drain_doorbells();
  // Why the connection must go ("" while it is fine).
  const char *violation() const { return why_; }
  // The daemon stops: every stream sees a hangup.
  void hang_up_all();

  const std::vector<std::unique_ptr<Bridge>> &bridges() const { return bridges_; }
  Bridge *find(uint64_t id) const;
  // A stream the application closed while linked under a mux.
  void adopt_linked(stdata *sp) { linked_.push_back(sp); }
  // A persistent link the application made (I_PLINK through a stream of
  // driver `mux`), undone when the application goes; forgotten when it
  // undoes it itself (I_PUNLINK, MUXID_ALL: all of that driver's).
  void note_plink(const char *mux, int muxid) { plinks_.emplace_back(mux, muxid); }
  void forget_plink(const char *mux, int muxid);
  void send_signal(int sig);
  // Doorbells to watch, for the service's epoll set: each new stream's.
  std::vector<int> take_new_doorbells() { return std::move(new_bells_); }

 private:
  int answer(const void *req, ssize_t n);
  void close_streams();

  int fd_;
  pid_t pid_;
  uid_t uid_;
  gid_t gid_;
  int pidfd_ = -1;
  const config::AppsSpec *apps_;
  AppStreams *streams_;
  Counters *ctr_;
  Scratch *scratch_;
  uint64_t *next_id_;
  const char *why_ = "";
  std::vector<std::unique_ptr<Bridge>> bridges_;
  std::vector<stdata *> linked_;
  std::vector<std::pair<std::string, int>> plinks_;
  std::vector<int> new_bells_;
};

}  // namespace strdp::apphead
