// The module (fmodsw) and driver (cdevsw) switch tables.
//
// Principles of operation
//  - Everything here is slow path: one mutex guards both tables, the
//    pending list and every entry's reference count.
//  - Entries are heap objects that never move, so a stream keeps the
//    pointer module_hold()/driver_hold() gave it until it releases it.
//  - Constructors (STRDP_MODULE_REGISTER) may run before this file's own
//    initialisers, in any order: the tables are built on first use, and
//    the pending list is kept for the process's lifetime, so
//    registry_init() after registry_fini() enters the built-ins again.
//  - The tables are never destroyed: a plugin or a late constructor that
//    calls in during exit finds them still there.
//  - A constructor that runs while strdp_load_plugin() loads its plugin
//    counts as that plugin's install (or its error), as mod_install() in
//    an _init() would; one that fails is not kept pending then, so the
//    loader may close a plugin that registered nothing.
//  - A name not found is autoloaded (registry_autoload) with the mutex
//    released, since the plugin's constructors take it, then looked up
//    again.
#include "stream/registry.h"

#include <cerrno>
#include <cstring>
#include <map>
#include <memory>
#include <mutex>
#include <vector>

#include "runtime/plugin.h"
#include "runtime/registry_nodes.h"

namespace strdp {
namespace {

// Solaris drivers are named like modules (MODMAXNAMELEN); modules are
// bounded by fmodsw.f_name.
constexpr size_t kMaxDriverName = MODMAXNAMELEN - 1;
constexpr std::string_view kDevPrefix = "/dev/";

struct Pending {
  fmodsw *fsw = nullptr;     // a module, or
  const char *name = nullptr;  // a driver
  streamtab *st = nullptr;
  int flag = 0;
};

struct Tables {
  std::mutex mu;
  std::map<std::string, std::unique_ptr<ModuleEntry>, std::less<>> modules;
  std::map<std::string, std::unique_ptr<DriverEntry>, std::less<>> drivers;
  std::vector<Pending> pending;
  bool initialized = false;  // registry_init() ran: register at once
};

Tables &tables() {
  static Tables *t = new Tables;  // never destroyed, see above
  return *t;
}

bool valid_name(std::string_view n, size_t max) noexcept {
  if (n.empty() || n.size() > max) return false;
  for (char c : n) {
    bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
              (c >= '0' && c <= '9') || c == '_' || c == '.' || c == '-';
    if (!ok) return false;
  }
  return true;
}

// What the stream code calls without checking. qi_putp is required even
// beside a burst put (a single message still goes to qi_putp). A driver's
// read put may be NULL, as Solaris drivers often leave it: nothing lies
// below a driver's read queue to put to it.
bool valid_streamtab(const streamtab *st, bool driver) noexcept {
  if (!st || !st->st_rdinit || !st->st_wrinit) return false;
  const qinit *rd = st->st_rdinit, *wr = st->st_wrinit;
  if (!rd->qi_qopen || !rd->qi_minfo || !wr->qi_minfo) return false;
  if (!wr->qi_putp) return false;
  if (!driver && !rd->qi_putp) return false;
  return true;
}

std::string_view driver_key(std::string_view name) noexcept {
  if (name.substr(0, kDevPrefix.size()) == kDevPrefix)
    name.remove_prefix(kDevPrefix.size());
  return name;
}

// The fixed-size f_name may lack its NUL.
std::string_view module_name(const fmodsw *fsw) noexcept {
  return {fsw->f_name, strnlen(fsw->f_name, sizeof(fsw->f_name))};
}

int add_module_locked(Tables &t, fmodsw *fsw) {
  if (!fsw) return EINVAL;
  std::string_view name = module_name(fsw);
  if (!valid_name(name, FMNAMESZ) || !valid_streamtab(fsw->f_str, false))
    return EINVAL;
  if (t.modules.find(name) != t.modules.end()) return EEXIST;
  auto e = std::make_unique<ModuleEntry>();
  e->name = name;
  e->st = fsw->f_str;
  e->flags = fsw->f_flag;
  t.modules.emplace(e->name, std::move(e));
  return 0;
}

int add_driver_locked(Tables &t, std::string_view name, streamtab *st,
                      int flags, minor_t minor, bool clone) {
  if (!valid_name(name, kMaxDriverName) || !valid_streamtab(st, true))
    return EINVAL;
  if (t.drivers.find(name) != t.drivers.end()) return EEXIST;
  auto e = std::make_unique<DriverEntry>();
  e->name = name;
  e->st = st;
  e->flags = flags;
  e->minor = minor;
  e->clone = clone;
  t.drivers.emplace(e->name, std::move(e));
  return 0;
}

template <typename Map>
int remove_locked(Map &m, std::string_view name) {
  auto it = m.find(name);
  if (it == m.end()) return ENOENT;
  if (it->second->refs > 0) return EBUSY;
  m.erase(it);
  return 0;
}

// Re-entering a built-in that is already there (registry_init() twice) is
// not a conflict; another table under the same name is.
int enter_pending_locked(Tables &t, const Pending &p) {
  if (p.fsw) {
    auto it = t.modules.find(module_name(p.fsw));
    if (it != t.modules.end() && it->second->st == p.fsw->f_str) return 0;
    return add_module_locked(t, p.fsw);
  }
  auto it = t.drivers.find(std::string_view(p.name ? p.name : ""));
  if (it != t.drivers.end() && it->second->st == p.st) return 0;
  return add_driver_locked(t, p.name ? p.name : "", p.st,
                           p.flag & ~CLONE_DEV, 0, p.flag & CLONE_DEV);
}

// plugin: the one loading when a constructor registers, else nullptr.
void warn_pending(const Pending &p, int err,
                  const PluginLoad *plugin = nullptr) noexcept {
  std::string_view name = p.fsw ? module_name(p.fsw) : std::string_view(p.name);
  if (plugin) {
    cmn_err(CE_WARN, "plugin %s: %s \"%.*s\" not registered: %s",
            plugin->name.c_str(),
            p.fsw ? "module" : "driver", static_cast<int>(name.size()),
            name.data(), strerror(err));
    return;
  }
  cmn_err(CE_WARN, "built-in %s \"%.*s\" not registered: %s",
          p.fsw ? "module" : "driver", static_cast<int>(name.size()),
          name.data(), strerror(err));
}

void at_load(const Pending &p) noexcept {
  Tables &t = tables();
  PluginLoad *pl = current_plugin_load();
  int err = 0;
  try {
    std::lock_guard lock(t.mu);
    t.pending.push_back(p);
    if (t.initialized) {
      try {
        err = enter_pending_locked(t, p);
      } catch (...) {
        err = ENOMEM;
      }
      if (err && pl) t.pending.pop_back();
    }
  } catch (...) {
    err = ENOMEM;  // not on the pending list
  }
  if (pl) {
    if (err == 0)
      ++pl->installs;
    else if (pl->error == 0)
      pl->error = err;
  }
  if (err) warn_pending(p, err, pl);
}

int to_errno(int err) noexcept {
  if (err == 0) return 0;
  errno = err;
  return -1;
}

}  // namespace

// ---------------------------------------------------------------- internal

int registry_add_module(fmodsw *fsw) noexcept {
  Tables &t = tables();
  try {
    std::lock_guard lock(t.mu);
    return add_module_locked(t, fsw);
  } catch (...) {
    return ENOMEM;
  }
}

int registry_remove_module(std::string_view name) noexcept {
  Tables &t = tables();
  std::lock_guard lock(t.mu);
  return remove_locked(t.modules, name);
}

int registry_add_driver(std::string_view name, streamtab *st, int flags,
                        minor_t minor, bool clone) noexcept {
  Tables &t = tables();
  try {
    std::lock_guard lock(t.mu);
    return add_driver_locked(t, driver_key(name), st, flags, minor, clone);
  } catch (...) {
    return ENOMEM;
  }
}

int registry_remove_driver(std::string_view name) noexcept {
  Tables &t = tables();
  std::lock_guard lock(t.mu);
  return remove_locked(t.drivers, driver_key(name));
}

int registry_set_driver_node(std::string_view name, minor_t minor,
                             bool clone) noexcept {
  Tables &t = tables();
  std::lock_guard lock(t.mu);
  auto it = t.drivers.find(driver_key(name));
  if (it == t.drivers.end()) return ENOENT;
  it->second->minor = minor;
  it->second->clone = clone;
  return 0;
}

bool registry_module_busy(std::string_view name) noexcept {
  Tables &t = tables();
  std::lock_guard lock(t.mu);
  auto it = t.modules.find(name);
  return it != t.modules.end() && it->second->refs > 0;
}

bool registry_driver_busy(std::string_view name) noexcept {
  Tables &t = tables();
  std::lock_guard lock(t.mu);
  auto it = t.drivers.find(driver_key(name));
  return it != t.drivers.end() && it->second->refs > 0;
}

// ------------------------------------------------------------ registry.h

void registry_init() {
  Tables &t = tables();
  std::lock_guard lock(t.mu);
  t.initialized = true;
  for (const Pending &p : t.pending) {
    int err;
    try {
      err = enter_pending_locked(t, p);
    } catch (...) {
      err = ENOMEM;
    }
    if (err) warn_pending(p, err);
  }
}

void registry_fini() {
  Tables &t = tables();
  {
    std::lock_guard lock(t.mu);
    t.initialized = false;
    // An entry a stream still holds is leaked, not freed: the stream may
    // still release it. Streams should all be closed by now.
    auto drop = [](auto &map, const char *what) {
      for (auto &[name, e] : map) {
        if (e->refs == 0) continue;
        cmn_err(CE_WARN, "registry_fini: %s \"%s\" still in use by %u "
                "stream(s)", what, name.c_str(), e->refs);
        (void)e.release();
      }
      map.clear();
    };
    drop(t.modules, "module");
    drop(t.drivers, "driver");
  }
  modctl_forget_all();
}

ModuleEntry *module_hold(std::string_view name) {
  Tables &t = tables();
  for (bool loaded = false;; loaded = true) {
    {
      std::lock_guard lock(t.mu);
      auto it = t.modules.find(name);
      if (it != t.modules.end()) {
        ++it->second->refs;
        return it->second.get();
      }
    }
    if (loaded || registry_autoload(name) != 0) break;
  }
  errno = EINVAL;  // what I_PUSH reports for an unknown module
  return nullptr;
}

void module_release(ModuleEntry *e) {
  if (!e) return;
  std::lock_guard lock(tables().mu);
  --e->refs;
}

DriverEntry *driver_hold(std::string_view name) {
  Tables &t = tables();
  std::string_view key = driver_key(name);
  for (bool loaded = false;; loaded = true) {
    {
      std::lock_guard lock(t.mu);
      auto it = t.drivers.find(key);
      if (it != t.drivers.end()) {
        ++it->second->refs;
        return it->second.get();
      }
    }
    if (loaded || registry_autoload(key) != 0) break;
  }
  errno = ENXIO;  // what open(2) of a missing device reports
  return nullptr;
}

bool registry_has_module(std::string_view name) noexcept {
  Tables &t = tables();
  std::lock_guard lock(t.mu);
  return t.modules.find(name) != t.modules.end();
}

bool registry_has_driver(std::string_view name) noexcept {
  Tables &t = tables();
  std::lock_guard lock(t.mu);
  return t.drivers.find(driver_key(name)) != t.drivers.end();
}

void driver_release(DriverEntry *e) {
  if (!e) return;
  std::lock_guard lock(tables().mu);
  --e->refs;
}

}  // namespace strdp

// ------------------------------------------------------------------- C API

using strdp::to_errno;

extern "C" int strdp_register_module(struct fmodsw *fsw) {
  return to_errno(strdp::registry_add_module(fsw));
}

extern "C" int strdp_unregister_module(const char *name) {
  if (!name) return to_errno(EINVAL);
  return to_errno(strdp::registry_remove_module(name));
}

// CLONE_DEV in flag makes it a clone device: each open is a CLONEOPEN.
extern "C" int strdp_register_driver(const char *name, struct streamtab *st,
                                     int flag) {
  if (!name) return to_errno(EINVAL);
  return to_errno(strdp::registry_add_driver(name, st, flag & ~CLONE_DEV, 0,
                                             flag & CLONE_DEV));
}

extern "C" int strdp_unregister_driver(const char *name) {
  if (!name) return to_errno(EINVAL);
  return to_errno(strdp::registry_remove_driver(name));
}

// The three ask after an autoload, as a push or an open would: a name
// the module path has is as good as registered (Solaris' I_FIND and
// autopush load the module too).
extern "C" int strdp_module_exists(const char *name) {
  if (!name) return 0;
  if (strdp::registry_has_module(name)) return 1;
  return strdp::registry_autoload(name) == 0 && strdp::registry_has_module(name);
}

extern "C" int strdp_driver_exists(const char *name) {
  if (!name) return 0;
  std::string_view key = strdp::driver_key(name);
  if (strdp::registry_has_driver(key)) return 1;
  return strdp::registry_autoload(key) == 0 && strdp::registry_has_driver(key);
}

extern "C" int strdp_driver_is_mux(const char *name) {
  if (!strdp_driver_exists(name)) return 0;
  strdp::Tables &t = strdp::tables();
  std::lock_guard lock(t.mu);
  auto it = t.drivers.find(strdp::driver_key(name));
  return it != t.drivers.end() && it->second->st->st_muxrinit != nullptr;
}

extern "C" void strdp_register_module_at_load_(struct fmodsw *fsw) {
  if (!fsw) return;
  strdp::Pending p;
  p.fsw = fsw;
  strdp::at_load(p);
}

extern "C" void strdp_register_driver_at_load_(const char *name,
                                               struct streamtab *st,
                                               int flag) {
  if (!name) return;
  strdp::Pending p;
  p.name = name;
  p.st = st;
  p.flag = flag;
  strdp::at_load(p);
}
