// Checks that need the module registry but nothing else: the
// configuration's plugins load, and every module, driver and multiplexor
// it names is registered.
#pragma once

#include <vector>

#include "config/config.h"

namespace strdp::daemon {

// Loads the configuration's plugins (one loaded already is fine) and
// checks the names it uses against the registry. The registry must hold
// the built-ins already (strdp_runtime_init(), or offline_check()).
std::vector<config::Error> plugins_and_registry_check(const config::Config &cfg);

// streamsd --check: the same without EAL, without message pools: enters
// the built-in modules and drivers in the registry first.
std::vector<config::Error> offline_check(const config::Config &cfg);

}  // namespace strdp::daemon
