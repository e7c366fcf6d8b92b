// The plugin loader's state that mod_install() reads. Not installed.
#pragma once

#include <string>

namespace strdp {

// Set on the loading thread while a plugin is opened (its constructors
// run) and while its _init() runs: mod_install() names a modldrv's driver
// after the plugin, as Solaris names a driver after its module file, and
// both it and the constructors' registrations (STRDP_MODULE_REGISTER)
// count here as the plugin's.
struct PluginLoad {
  std::string name;     // file name without "lib" and ".so..."
  unsigned id = 0;      // 1, 2, ... in load order
  unsigned installs = 0;  // linkages and registrations entered meanwhile
  int error = 0;        // the first constructor registration that failed
};

PluginLoad *current_plugin_load() noexcept;

// Makes load current for the calling thread for its lifetime (nesting
// restores the outer one). The loader uses it; tests use it to install a
// modldrv as if from a plugin.
class PluginLoadScope {
 public:
  explicit PluginLoadScope(PluginLoad *load) noexcept;
  ~PluginLoadScope();
  PluginLoadScope(const PluginLoadScope &) = delete;
  PluginLoadScope &operator=(const PluginLoadScope &) = delete;

 private:
  PluginLoad *prev_;
};

// "/x/libfoo.so.1" -> "foo"; "" when nothing is left.
std::string plugin_name_from_path(const char *path);

// dlopen()/dlsym() text of the calling thread's last failed load ("" if
// none): strdp_load_plugin() reports only ENOEXEC or EINVAL.
const char *plugin_last_error() noexcept;

// Forgets the loaded paths (handles stay open); see modctl_forget_all().
void plugin_forget_all() noexcept;

}  // namespace strdp
