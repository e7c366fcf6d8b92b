// Plugin and registry checks (see offline_check.h).
#include "daemon/offline_check.h"

#include <strdp/strdp.h>

#include <cerrno>
#include <cstring>

#include "stream/registry.h"

namespace strdp::daemon {

std::vector<config::Error> plugins_and_registry_check(const config::Config &cfg) {
  std::vector<config::Error> errs;
  for (size_t i = 0; i < cfg.plugins.size(); ++i) {
    const std::string &p = cfg.plugins[i];
    if (strdp_load_plugin(p.c_str()) < 0 && errno != EEXIST)
      errs.push_back({cfg.where("plugins[" + std::to_string(i) + "]"),
                      "cannot load plugin " + p + ": " + strerror(errno)});
  }
  if (!errs.empty()) return errs;  // a missing plugin makes its modules unknown too
  return config::check_registry(cfg);
}

std::vector<config::Error> offline_check(const config::Config &cfg) {
  // strdp_runtime_init() would do this, but it needs EAL for the message
  // pools; the registry needs nothing of DPDK.
  strdp::registry_init();
  return plugins_and_registry_check(cfg);
}

}  // namespace strdp::daemon
