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

// The apps service's streams (list) or counters (stats) as out["apps"].
void add_apps(apphead::AppService &apps, bool stats, nlohmann::json &out);

}  // namespace strdp::control
