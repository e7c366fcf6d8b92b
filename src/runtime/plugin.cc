// strdp_load_plugin(): modules and drivers built as shared objects.
//
// A plugin is dlopen()ed with RTLD_NOW (an unresolved symbol fails the load
// now, not in the middle of a put procedure) and RTLD_LOCAL (two plugins
// may both have a static `minfo`). Its _init() runs with the plugin's name
// current on this thread, so mod_install() can name its driver. Handles
// are never closed once anything from the plugin was registered: code of a
// module may be running on any lcore, and nothing tracks that cheaply.
#include "runtime/plugin.h"

#include <strdp/strdp.h>

#include <cerrno>
#include <cstdlib>
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

  dlerror();
  void *h = dlopen(canon.c_str(), RTLD_NOW | RTLD_LOCAL);
  if (!h) {
    const char *e = dlerror();
    tls_error = e ? e : canon + ": dlopen failed";
    cmn_err(CE_WARN, "strdp_load_plugin: %s", tls_error.c_str());
    return fail(ENOEXEC);
  }
  auto init = reinterpret_cast<int (*)(void)>(own_symbol(h, kInitSymbol));
  if (!init) {
    tls_error = canon + ": no _init() (is <sys/modctl.h> included?)";
    cmn_err(CE_WARN, "strdp_load_plugin: %s", tls_error.c_str());
    dlclose(h);
    return fail(EINVAL);
  }

  PluginLoad ctx;
  ctx.name = name;
  ctx.id = ps.next_id++;
  int r;
  {
    PluginLoadScope scope(&ctx);
    r = init();
  }
  if (r != 0) {
    tls_error = canon + ": _init() failed";
    if (ctx.installs == 0) {
      dlclose(h);
    } else {
      // _init() installed something and then failed: those entries point
      // into the object, so it stays, and counts as loaded.
      cmn_err(CE_WARN, "strdp_load_plugin: %s: _init() returned %d after "
              "mod_install(); left loaded", canon.c_str(), r);
      ps.loaded.push_back(Plugin{canon, name, h, ctx.id});
    }
    return fail(r > 0 ? r : EINVAL);
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
