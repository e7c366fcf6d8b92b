// The dataplane's records as the control protocol shows them.
#pragma once

#include <nlohmann/json.hpp>

#include "daemon/dataplane.h"

namespace strdp::control {

nlohmann::json to_json(const daemon::StreamInfo &s);
nlohmann::json to_json(const daemon::StreamStats &s);
nlohmann::json to_json(const daemon::PortInfo &p);

}  // namespace strdp::control
