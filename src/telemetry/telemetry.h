// strdp in DPDK telemetry (dpdk-telemetry.py, or any client of the
// telemetry socket):
//
//   /strdp/info              version, streams, lanes, workers, socket
//   /strdp/streams           the stream names
//   /strdp/stream,<name>     a stream's stack and per-queue counters
//                            (arrays by queue position, summed over lanes)
//   /strdp/ip,<mux>[,<if>]   an ip stream's interfaces (or one of them),
//                            each a dict of every counter, summed over
//                            lanes (drop reasons as drop_<reason>)
//
// The callbacks run on DPDK's telemetry thread; they read the dataplane
// through its control operations, which gather each lane's counters on
// the lane's own lcore (strdp_sched_call).
#pragma once

#include <string>
#include <vector>

struct rte_tel_data;
struct ip_if_stats;

namespace strdp::daemon {
class Dataplane;
struct StreamStats;
}

namespace strdp::telemetry {

// Registers the commands (once per process: DPDK cannot unregister) and
// points them at dp. control_socket is shown by /strdp/info.
// False if DPDK refused the registration (telemetry disabled).
bool publish(daemon::Dataplane *dp, const std::string &control_socket);
// The commands answer "not running" from now on; waits for a callback
// that is running.
void withdraw();

// /strdp/stream,<name>'s reply for s (what a test checks against the
// counter lists).
void stream_dict(const daemon::StreamStats &s, rte_tel_data *d);
// /strdp/ip's reply: the interfaces by name, each what the control
// protocol's JSON has for it, flattened.
void ip_dict(const std::vector<ip_if_stats> &v, rte_tel_data *d);

}  // namespace strdp::telemetry
