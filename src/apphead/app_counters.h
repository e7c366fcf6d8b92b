// The apps service's counters: written by its thread only, read through
// Scheduler::call (a consistent copy), shown by `strctl stats`.
#pragma once

#include <cstdint>

namespace strdp::apphead {

// X(name, doc), declared once: the structure and the control protocol's
// "counters" object (json_apps.cc) come from this list.
#define STRDP_APP_COUNTERS(X)                                            \
  X(connections, "accepted, ever")                                       \
  X(opens, "streams opened")                                             \
  X(open_refused, "OpenReq answered with an error")                      \
  X(closes, "streams closed (by the application or its exit)")           \
  X(violations, "connections closed for breaking the protocol")          \
  X(msgs_down, "posted writes passed to the stream")                     \
  X(bytes_down, "their bytes")                                           \
  X(msgs_up, "messages handed to getmsg/getmsgv/read")                   \
  X(bytes_up, "their bytes")                                             \
  X(ahead, "messages moved into read-ahead before they were asked for")  \
  X(put_back, "read-ahead messages put back on the read queue")          \
  X(voided, "read-ahead messages a flush or an M_ERROR voided")          \
  X(requests, "requests answered")                                       \
  X(drops, "posted writes the stream refused, read-ahead not put back")  \
  X(signals, "I_SETSIG signals sent")                                    \
  X(sleeps, "times the service thread slept")

struct Counters {
#define STRDP_APP_FIELD_(name, doc) uint64_t name = 0;
  STRDP_APP_COUNTERS(STRDP_APP_FIELD_)
#undef STRDP_APP_FIELD_
};

}  // namespace strdp::apphead
