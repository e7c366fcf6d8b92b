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

std::string plugin_file(const std::vector<std::string> &folders,
                        const std::string &entry) {
  if (!plugin_is_name(entry)) return entry;
  return module_find(entry, folders);
}

std::string plugin_missing(const std::vector<std::string> &folders,
                           const std::string &entry) {
  return "no " + entry + ".so on the module path (" +
         module_path_text(folders) + ")";
}

}  // namespace strdp::config
