// registry_autoload() and strdp_modload(): a module or driver name that
// nobody registered is looked for as NAME.so on the module path and
// loaded, as Solaris modloads a module on I_PUSH or a driver on open.
//
// Principles of operation
//  - Names are registry names (letters, digits, '_', '.', '-'), so NAME.so
//    is a file in one of the path's folders, never a path of its own.
//  - The first folder that has the file is the one: a plugin that fails to
//    load there fails the autoload (logged), it is not skipped for another
//    folder's, or what runs would depend on which copies happen to break.
//  - Loading happens on the calling thread with no registry lock held:
//    the plugin's constructors register, and they take the lock.
//  - Two threads after the same name both load; the second finds the file
//    loaded already (EEXIST) and looks the name up again like the first.
#include <strdp/strdp.h>

#include <cerrno>
#include <cstring>
#include <string>

#include "runtime/module_path.h"
#include "runtime/plugin.h"
#include "stream/registry.h"

namespace strdp {
namespace {

bool registered(std::string_view name) noexcept {
  return registry_has_module(name) || registry_has_driver(name);
}

int autoload(std::string_view name) {
  if (registered(name)) return 0;
  if (!module_file_name_ok(name)) return EINVAL;
  const int len = static_cast<int>(name.size());
  std::string path = module_find(name);
  if (path.empty()) {
    // The log only: a name pushed or opened by mistake is the caller's
    // error to report (EINVAL, ENXIO); this says where it was looked for.
    cmn_err(CE_NOTE, "!autoload: no module or driver \"%.*s\" is registered "
            "and no %.*s.so is on the module path (%s)", len, name.data(),
            len, name.data(), module_path_text().c_str());
    return ENOENT;
  }
  if (strdp_load_plugin(path.c_str()) < 0 && errno != EEXIST) {
    int err = errno;
    const char *why = plugin_last_error();
    cmn_err(CE_WARN, "autoload \"%.*s\": %s: %s%s%s", len, name.data(),
            path.c_str(), strerror(err), *why ? ": " : "", why);
    return err;
  }
  if (registered(name)) return 0;
  cmn_err(CE_WARN, "autoload \"%.*s\": %s loaded, but registers no module "
          "or driver of that name", len, name.data(), path.c_str());
  return ENOENT;
}

}  // namespace

int registry_autoload(std::string_view name) noexcept {
  try {
    return autoload(name);
  } catch (...) {
    return ENOMEM;
  }
}

}  // namespace strdp

extern "C" int strdp_modload(const char *name) {
  int err = name ? strdp::registry_autoload(name) : EINVAL;
  if (err == 0) return 0;
  errno = err;
  return -1;
}
