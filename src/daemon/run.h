// streamsd's life: EAL, runtime, control socket, dataplane, telemetry,
// serve until SIGINT/SIGTERM, graceful stop with the leak check.
#pragma once

#include <string>
#include <vector>

#include "config/config.h"

namespace strdp::daemon {

// Runs the daemon; `eal` are the EAL arguments of the command line (the
// configuration's [eal] args when empty). Returns the exit status: 0
// after a clean stop, 1 when start-up failed (everything undone, message
// on stderr) or the stop found a leak or a problem.
int run(const config::Config &cfg, const std::vector<std::string> &eal, const std::string &argv0);

}  // namespace strdp::daemon
