// The Dataplane's own records of ports, streams, lanes and links. Only
// the thread holding Dataplane::mu_ reads or writes them; a lane's strdp
// stream itself is touched only on the lane's lcore.
#pragma once

#include "daemon/dataplane.h"

namespace strdp::daemon {

struct Dataplane::Port {
  config::PortSpec spec;
  int id = -1;  // ethdev port id once set up
};

struct Dataplane::Lane {
  unsigned index = 0;
  unsigned lcore = 0;
  strdp_sched_t *sched = nullptr;  // the lcore's scheduler
  strdp_stream_t *sp = nullptr;    // nullptr until opened
  int muxid = 0;                   // > 0 while linked under a mux lane
};

struct Dataplane::Stream {
  config::StreamSpec spec;
  int port_id = -1;  // pmd
  std::vector<Lane> lanes;
  // What was pushed with which arguments, top-down, so an undone pop can
  // push the module back as it was (autopushed modules: no arguments).
  std::vector<config::ModuleSpec> pushed;
  std::string linked_under;  // mux stream name, when linked
  bool persistent = false;

  bool opened() const {
    for (const Lane &l : lanes)
      if (l.sp == nullptr) return false;
    return !lanes.empty();
  }
};

struct Dataplane::Link {
  std::string mux;
  std::string lower;
  bool persistent = true;
};

}  // namespace strdp::daemon
