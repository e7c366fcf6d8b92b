// The control protocol: newline-delimited JSON over a UNIX stream socket.
//
// One request per line, one reply per line, in order. A request is an
// object with "cmd" and the command's fields; an optional "id" (any JSON
// value) is echoed in the reply. A reply is {"ok":true, ...} or
// {"ok":false,"error":"..."}. Commands (docs/daemon.md has examples):
//
//   list                                   streams, lanes, stacks, links
//   stats   [stream]                       per-queue counters (+ pmd)
//   push    stream module [args]           on every lane, all or nothing
//   pop     stream                         drained first, all or nothing
//   link    mux lower [persistent=true]    lane i under lane i
//   unlink  mux lower
//   load    path                           a module/driver plugin
//   ports                                  ethdev counters
//
// "stop" is deliberately not a command: see docs/daemon.md.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>

namespace strdp::daemon {
class Dataplane;
}

namespace strdp::apphead {
class AppService;
}

namespace strdp::control {

// Longest request line accepted (bytes, newline excluded). A longer one
// is answered with an error and skipped up to its newline.
constexpr size_t kMaxRequest = 64 * 1024;
// Longest name (stream, module) and argument string accepted.
constexpr size_t kMaxName = 64;
constexpr size_t kMaxArgs = 4096;
constexpr size_t kMaxPath = 4096;

class Dispatcher {
 public:
  explicit Dispatcher(daemon::Dataplane &dp) : dp_(dp) {}
  // The apps service whose streams `list` and `stats` show too (none:
  // they show the dataplane's only).
  void set_apps(apphead::AppService *apps) { apps_ = apps; }
  // One request line (no newline) -> one reply line (no newline). Never
  // throws; every failure is an {"ok":false} reply.
  std::string handle(std::string_view line);
  // The reply to a request that could not be read (too long, ...).
  static std::string error_reply(std::string_view msg);

 private:
  daemon::Dataplane &dp_;
  apphead::AppService *apps_ = nullptr;
};

}  // namespace strdp::control
