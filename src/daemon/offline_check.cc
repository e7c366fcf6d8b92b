// Plugin and registry checks (see offline_check.h).
#include "daemon/offline_check.h"

#include <strdp/strdp.h>

#include <cerrno>
#include <cstring>

#include "stream/registry.h"

namespace strdp::daemon {

std::vector<config::Error> plugins_and_registry_check(const config::Config &cfg) {
  std::vector<config::Error> errs;
  for (size_t i = 0; i < cfg.module_path.size(); ++i)
    if (strdp_module_path_add(cfg.module_path[i].c_str()) < 0)
      errs.push_back({cfg.where("module_path[" + std::to_string(i) + "]"),
                      "cannot add " + cfg.module_path[i] + " to the module path: " +
                          strerror(errno)});
  for (size_t i = 0; i < cfg.plugins.size(); ++i) {
    const std::string &p = cfg.plugins[i];
    std::string file = config::plugin_file(cfg.module_path, p);
    if (file.empty())
      errs.push_back({cfg.where("plugins[" + std::to_string(i) + "]"),
                      "cannot load plugin " + p + ": " +
                          config::plugin_missing(cfg.module_path, p)});
    else if (strdp_load_plugin(file.c_str()) < 0 && errno != EEXIST)
      errs.push_back({cfg.where("plugins[" + std::to_string(i) + "]"),
                      "cannot load plugin " + file + ": " + strerror(errno)});
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
