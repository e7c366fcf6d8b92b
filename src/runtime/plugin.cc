// strdp_load_plugin(): modules and drivers built as shared objects.
//
// A plugin is dlopen()ed with RTLD_NOW (an unresolved symbol fails the load
// now, not in the middle of a put procedure) and RTLD_LOCAL (two plugins
// may both have a static `minfo`). The plugin's load is current on this
// thread from before dlopen() to the end of its _init(), so mod_install()
// can name its driver, and what its constructors register
// (STRDP_MODULE_REGISTER, STRDP_DRIVER_REGISTER: a module source that
// builds into a library unchanged) counts as the plugin's: such a plugin
// needs no _init(). Handles are never closed once anything from the plugin
// was registered: code of a module may be running on any lcore, and
// nothing tracks that cheaply.
#include "runtime/plugin.h"

#include <strdp/strdp.h>

#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <dlfcn.h>
#include <link.h>
#include <memory>
#include <mutex>
#include <string_view>
#include <sys/stat.h>
#include <vector>

namespace strdp {
namespace {

// <strdp/ddi.h> maps _init to another name (crti.o owns _init): look up
// whatever it maps to.
#define STRDP_SYMBOL_NAME_(x) #x
#define STRDP_SYMBOL_NAME(x) STRDP_SYMBOL_NAME_(x)
constexpr const char *kInitSymbol = STRDP_SYMBOL_NAME(_init);

struct Plugin {
  std::string path;  // canonical: loading it again is EEXIST
  std::string name;
  void *handle;
  unsigned id;
};

struct Plugins {
  // Recursive: a plugin's _init() may load another plugin it needs.
  std::recursive_mutex mu;
  std::vector<Plugin> loaded;
  std::vector<void *> retired;  // forgotten by plugin_forget_all(), open
  unsigned next_id = 1;
};

Plugins &plugins() {
  static auto *p = new Plugins;  // never destroyed: see registry.cc
  return *p;
}

thread_local PluginLoad *tls_load = nullptr;
thread_local std::string tls_error;

int fail(int err) {
  errno = err;
  return -1;
}

// dlsym() on a handle also searches the plugin's dependencies: an _init
// found there is not this plugin's.
void *own_symbol(void *handle, const char *sym) {
  void *p = dlsym(handle, sym);
  if (!p) return nullptr;
  link_map *lm = nullptr;
  Dl_info info{};
  if (dlinfo(handle, RTLD_DI_LINKMAP, &lm) != 0 || !dladdr(p, &info))
    return p;  // cannot tell: trust dlsym
  return std::string_view(info.dli_fname) == lm->l_name ? p : nullptr;
}

int load(const char *path) {
  tls_error.clear();
  if (!path || !*path) return fail(EINVAL);
  struct stat sb;
  if (stat(path, &sb) != 0) return fail(errno);
  std::string name = plugin_name_from_path(path);
  if (name.empty()) {
    tls_error = std::string(path) + ": no plugin name in the file name";
    return fail(EINVAL);
  }
  std::unique_ptr<char, decltype(&std::free)> real(realpath(path, nullptr),
                                                   &std::free);
  std::string canon = real ? real.get() : path;

  Plugins &ps = plugins();
  std::lock_guard lock(ps.mu);
  for (const Plugin &p : ps.loaded)
    if (p.path == canon) return fail(EEXIST);

  // An object open already (loaded before plugin_forget_all(), or linked
  // in) runs no constructors now: what they registered was counted then.
  void *open_already = dlopen(canon.c_str(), RTLD_NOW | RTLD_NOLOAD);
  if (open_already) dlclose(open_already);

  PluginLoad ctx;
  ctx.name = name;
  ctx.id = ps.next_id++;
  PluginLoadScope scope(&ctx);

  dlerror();
  void *h = dlopen(canon.c_str(), RTLD_NOW | RTLD_LOCAL);
  if (!h) {
    const char *e = dlerror();
    tls_error = e ? e : canon + ": dlopen failed";
    cmn_err(CE_WARN, "strdp_load_plugin: %s", tls_error.c_str());
    return fail(ENOEXEC);
  }
  auto init = reinterpret_cast<int (*)(void)>(own_symbol(h, kInitSymbol));
  int err = 0;
  if (init) {
    int r = init();
    if (r != 0) {
      tls_error = canon + ": _init() failed";
      err = r > 0 ? r : EINVAL;
    }
  } else if (ctx.installs == 0 && ctx.error == 0) {
    if (open_already) {
      tls_error = canon + ": loaded already";
      err = EEXIST;
    } else {
      tls_error = canon + ": no _init() (is <sys/modctl.h> included?), and "
                  "its constructors registered nothing";
      cmn_err(CE_WARN, "strdp_load_plugin: %s", tls_error.c_str());
      err = EINVAL;
    }
  }
  if (err == 0 && ctx.error != 0) {
    // A constructor's registration failed (warned about where it did).
    tls_error = canon + ": a module or driver it registers was not "
                "registered: " + strerror(ctx.error);
    err = ctx.error;
  }
  if (err != 0) {
    if (ctx.installs == 0) {
      dlclose(h);
    } else {
      // Something was installed and then a step failed: those entries
      // point into the object, so it stays, and counts as loaded.
      cmn_err(CE_WARN, "strdp_load_plugin: %s: failed (%s) after "
              "registering; left loaded", canon.c_str(), strerror(err));
      ps.loaded.push_back(Plugin{canon, name, h, ctx.id});
    }
    return fail(err);
  }
  ps.loaded.push_back(Plugin{std::move(canon), std::move(name), h, ctx.id});
  return 0;
}

}  // namespace

PluginLoad *current_plugin_load() noexcept { return tls_load; }

PluginLoadScope::PluginLoadScope(PluginLoad *load) noexcept
    : prev_(tls_load) {
  tls_load = load;
}

PluginLoadScope::~PluginLoadScope() { tls_load = prev_; }

std::string plugin_name_from_path(const char *path) {
  std::string_view n(path ? path : "");
  if (size_t slash = n.rfind('/'); slash != n.npos) n.remove_prefix(slash + 1);
  if (n.substr(0, 3) == "lib") n.remove_prefix(3);
  // ".so" ends the name only as a whole suffix: "x.so", "x.so.1.2", but
  // not the ".so" of "my.sorter.so".
  for (size_t at = n.find(".so"); at != n.npos; at = n.find(".so", at + 1)) {
    if (at + 3 == n.size() || n[at + 3] == '.') {
      n = n.substr(0, at);
      break;
    }
  }
  return std::string(n);
}

const char *plugin_last_error() noexcept { return tls_error.c_str(); }

void plugin_forget_all() noexcept {
  Plugins &ps = plugins();
  std::lock_guard lock(ps.mu);
  try {
    for (const Plugin &p : ps.loaded) ps.retired.push_back(p.handle);
  } catch (...) {
    // Losing track of a handle only means it is never closed: so be it.
  }
  ps.loaded.clear();
}

}  // namespace strdp

extern "C" int strdp_load_plugin(const char *path) {
  try {
    return strdp::load(path);
  } catch (...) {
    errno = ENOMEM;
    return -1;
  }
}
