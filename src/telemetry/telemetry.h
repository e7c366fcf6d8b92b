// strdp in DPDK telemetry (dpdk-telemetry.py, or any client of the
// telemetry socket):
//
//   /strdp/info              version, streams, lanes, workers, socket
//   /strdp/streams           the stream names
//   /strdp/stream,<name>     a stream's stack and per-queue counters
//                            (arrays by queue position, summed over lanes)
//
// The callbacks run on DPDK's telemetry thread; they read the dataplane
// through its control operations, which gather each lane's counters on
// the lane's own lcore (strdp_sched_call).
#pragma once

#include <string>

namespace strdp::daemon {
class Dataplane;
}

namespace strdp::telemetry {

// Registers the commands (once per process: DPDK cannot unregister) and
// points them at dp. control_socket is shown by /strdp/info.
// False if DPDK refused the registration (telemetry disabled).
bool publish(daemon::Dataplane *dp, const std::string &control_socket);
// The commands answer "not running" from now on; waits for a callback
// that is running.
void withdraw();

}  // namespace strdp::telemetry
