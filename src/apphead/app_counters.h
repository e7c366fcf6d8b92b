// The apps service's counters: written by its thread only, read through
// Scheduler::call (a consistent copy), shown by `strctl stats`.
#pragma once

#include <cstdint>

namespace strdp::apphead {

struct Counters {
  uint64_t connections = 0;   // accepted, ever
  uint64_t opens = 0;         // streams opened
  uint64_t open_refused = 0;  // OpenReq answered with an error
  uint64_t closes = 0;        // streams closed (by the application or its exit)
  uint64_t violations = 0;    // connections closed for breaking the protocol
  uint64_t msgs_down = 0;     // posted writes passed to the stream
  uint64_t bytes_down = 0;
  uint64_t msgs_up = 0;       // messages handed to getmsg/getmsgv/read
  uint64_t bytes_up = 0;
  uint64_t requests = 0;      // requests answered
  uint64_t drops = 0;         // posted writes the stream refused (freed)
  uint64_t signals = 0;       // I_SETSIG signals sent
  uint64_t sleeps = 0;        // times the service thread slept
};

}  // namespace strdp::apphead
