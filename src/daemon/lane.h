// What is done to one lane of a stream, on the lcore that owns it.
//
// A stream of the configuration with N lanes is N strdp streams, lane i
// opened on lcore i of its list (so a port with N queues is served by N
// lcores, RSS spreading flows). Every function here must run on the
// lane's own scheduler (through on_lcore()); none of them may be called
// from the control thread directly: the in-process head refuses calls
// from a thread that does not own the stream (EXDEV).
//
// Errors: 0 or an errno value, and a sentence in *why naming what failed.
#pragma once

#include <strdp/strdp.h>

#include <cstdint>
#include <string>
#include <vector>

#include "config/config.h"

namespace strdp::daemon {

struct LaneSetup {
  const config::StreamSpec *spec = nullptr;
  unsigned index = 0;  // lane number: the port queue for pmd
  int port_id = -1;    // pmd: the ethdev port; -1 otherwise
};

// The name a lane is known by (strdp_stream_set_name: what a sniffer's
// to=NAME finds): the stream's name for lane 0, "NAME.i" for lane i > 0.
std::string lane_name(const std::string &stream, unsigned index);

// Opens the lane's driver; for pmd attaches queue `index` of the port
// and enters raw mode (DLIOCRAW) or binds the configured SAP; names the
// lane (lane_name; a name over 31 bytes is left out); then pushes the
// configured modules in order, each followed by its arguments
// (STRDP_IOC_MODARGS) when it has any. On failure nothing is left open.
strdp_stream_t *lane_open(const LaneSetup &setup, std::string *why);

// Closes the lane (pops every module, closes the driver).
void lane_close(strdp_stream_t *sp);

// Pushes `module` and hands it `args` when not empty; a module that NAKs
// its arguments is popped again and the push fails.
int lane_push(strdp_stream_t *sp, const std::string &module, const std::string &args,
              std::string *why);

// Pops the top module without losing what it holds: runs the lane's
// scheduler (at most kPopDrainPasses passes) until the module's queues
// are empty, then pops it before anything else can run. EBUSY, and the
// stream as it was, if they do not empty in time.
// *passes (if not null) gets the passes it ran before the pop.
constexpr unsigned kPopDrainPasses = 4096;
int lane_pop(strdp_stream_t *sp, std::string *popped, std::string *why,
             unsigned *passes = nullptr);

// Runs the lane's scheduler until every queue of the stream but the
// head's read side is empty (nothing in flight), at most `passes`
// passes. True when it got there.
bool lane_drain(strdp_stream_t *sp, unsigned passes);

// The stream's queues top-down (strdp_stream_queues, sized to fit).
std::vector<strdp_queue_info> lane_queues(strdp_stream_t *sp);
// The pushed modules, top-down.
std::vector<std::string> lane_modules(strdp_stream_t *sp);

// DLPI on a pmd lane (dlpi_lane.cc): the request goes down as M_PROTO,
// the answer (DL_OK_ACK / DL_BIND_ACK / DL_ERROR_ACK) is awaited on the
// lane's own scheduler for at most kDlpiTimeoutMs.
constexpr int kDlpiTimeoutMs = 5000;
int dlpi_attach(strdp_stream_t *sp, uint32_t ppa, std::string *why);
int dlpi_raw(strdp_stream_t *sp, std::string *why);
int dlpi_bind(strdp_stream_t *sp, uint32_t sap, std::string *why);

}  // namespace strdp::daemon
