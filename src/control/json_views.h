// The dataplane's records as the control protocol shows them.
#pragma once

#include <nlohmann/json.hpp>

#include "daemon/dataplane.h"

namespace strdp::apphead {
class AppService;
}

namespace strdp::control {

nlohmann::json to_json(const daemon::StreamInfo &s);
nlohmann::json to_json(const daemon::StreamStats &s);
nlohmann::json to_json(const daemon::PortInfo &p);
// An ip router interface: every counter and drop reason of <strdp/ip.h>'s
// lists by name ("counters", "drops"), as `strctl ip` and telemetry show.
nlohmann::json to_json(const ip_if_stats &s);

// The apps service's streams (list) or counters (stats) as out["apps"].
void add_apps(apphead::AppService &apps, bool stats, nlohmann::json &out);

}  // namespace strdp::control
