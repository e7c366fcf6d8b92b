// [[apps.stream]]: the streams the apps service builds at start for
// applications to open by name (config.h AppStreamSpec), e.g. the copy
// stream a sniffer on a lane sends to (to=NAME).
//
// Rules kept here:
//  - built on the service's scheduler, named and shared
//    (strdp_stream_share), so a module of another lcore may send down it;
//  - closed only by close_all(), which the daemon calls once the lanes
//    have stopped (the promise strdp_stream_share asks for);
//  - one application at a time is attached to a stream (a second open is
//    EBUSY): the stream has one head, and two readers would steal each
//    other's messages;
//  - the modules the configuration pushed are anchored (I_ANCHOR): an
//    application pops only its own;
//  - detaching (the application closed it, or died) leaves the stream as
//    it was built: what the application pushed is popped, what it linked
//    unlinked, the head's options restored. Messages queued stay for the
//    next reader.
#pragma once

#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "config/config.h"
#include "runtime/cred.h"
#include "stream/stream_impl.h"

namespace strdp::apphead {

class AppStreams {
 public:
  struct Entry {
    std::string name;
    stdata *sp = nullptr;
    size_t built_modules = 0;  // how many the configuration pushed
    int rdopt = 0, wropt = 0, erropt = 0, closetime_ms = 0;
    bool attached = false;
    pid_t pid = 0;  // the attached application's
  };

  AppStreams() = default;
  ~AppStreams() { close_all(); }
  AppStreams(const AppStreams &) = delete;
  AppStreams &operator=(const AppStreams &) = delete;

  // Builds every spec's stream on the calling thread's scheduler: driver,
  // modules with their arguments, name, share. false and *why (naming
  // the stream) when one fails; those built so far are closed.
  bool build(const std::vector<config::AppStreamSpec> &specs, std::string *why);
  // nullptr when name ("/dev/" already stripped) is no [[apps.stream]].
  Entry *find(std::string_view name);
  // Takes the stream for the application pid: EBUSY when another has it.
  int attach(Entry *e, pid_t pid);
  // Gives it back as it was built (see above).
  void detach(Entry *e);
  // On the owner's thread, after every other thread stopped sending.
  void close_all();
  size_t size() const { return entries_.size(); }
  const std::vector<std::unique_ptr<Entry>> &entries() const { return entries_; }

 private:
  cred cred_{};  // the daemon's own: uid 0
  std::vector<std::unique_ptr<Entry>> entries_;
};

}  // namespace strdp::apphead
