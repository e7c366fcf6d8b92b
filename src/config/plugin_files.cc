// `plugins` entries that name a plugin ("sniffer") rather than a file:
// found as NAME.so on the module path, the config's `module_path` first,
// the way the registry finds a module a stream pushes.
#include "config/config_impl.h"
#include "runtime/module_path.h"

namespace strdp::config {

bool plugin_is_name(std::string_view entry) {
  return !entry.empty() && entry.find('/') == std::string_view::npos &&
         entry.find(".so") == std::string_view::npos;
}

std::string plugin_file(const Config &cfg, const std::string &entry) {
  if (!plugin_is_name(entry)) return entry;
  return module_find(entry, cfg.module_path);
}

std::string module_path_text(const Config &cfg) {
  return strdp::module_path_text(cfg.module_path);
}

}  // namespace strdp::config
