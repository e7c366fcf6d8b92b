// mod_install(9F), mod_remove(9F), mod_info(9F): the module linkage that a
// plugin's _init(), _fini() and _info() hand over.
//
// Principles of operation
//  - Each linkage (modlstrmod, modldrv, modlmisc) is entered in order; if
//    one fails, those before it are undone and the errno value returned,
//    so a plugin is either fully installed or not at all.
//  - A modldrv is a driver named after the plugin file (Solaris names a
//    driver after its module file); it is attached at once, with one
//    dev_info_t, and its attach(9E) routine names the minor nodes.
//  - A modldrv outside a plugin load has no file, hence no name: built-in
//    drivers register with STRDP_DRIVER_REGISTER instead, and mod_install()
//    refuses them with EINVAL and a message saying so.
//  - mod_remove() refuses (EBUSY) while any stream uses an entry, or when
//    detach(9E) fails; only then does it unregister anything.
#include <strdp/ddi.h>

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "runtime/dev_info.h"
#include "runtime/plugin.h"
#include "runtime/registry_nodes.h"

// The values only tell the three apart; linkages are recognised by address.
struct mod_ops mod_strmodops = {1};
struct mod_ops mod_driverops = {2};
struct mod_ops mod_miscops = {3};

namespace strdp {
namespace {

// modinfo.mi_info bits (Solaris' MI_LOADED / MI_INSTALLED)
constexpr int kMiLoaded = 1;
constexpr int kMiInstalled = 2;

struct Install {
  std::string plugin;  // "" for a built-in
  unsigned id = 0;     // the plugin's load number, 0 for a built-in
  bool removing = false;
  std::vector<std::string> modules;                   // registered names
  std::vector<std::unique_ptr<strdp_dev_info>> dips;  // attached drivers
};

struct Installs {
  std::mutex mu;
  std::map<const modlinkage *, std::unique_ptr<Install>> map;
};

Installs &installs() {
  static auto *i = new Installs;  // never destroyed: see registry.cc
  return *i;
}

// Every linkage structure starts with its mod_ops pointer and its
// linkinfo string: modlmisc is that common initial part.
const modlmisc *common(const void *linkage) {
  return static_cast<const modlmisc *>(linkage);
}

// void(*)(void) is the one function type GCC lets any other cast to
// without -Wcast-function-type.
using AnyFn = void (*)(void);
template <typename Fn>
bool same_fn(Fn f, int (*g)(void)) {
  return reinterpret_cast<AnyFn>(f) == reinterpret_cast<AnyFn>(g);
}

// nulldev/nodev arrive through pointer types they do not have; calling
// them that way is undefined in C++, and their answer is known anyway.
int attach(dev_info_t *dip) {
  auto fn = dip->ops->devo_attach;
  if (!fn || same_fn(fn, nulldev)) return 0;
  if (same_fn(fn, nodev)) return ENXIO;
  return fn(dip, DDI_ATTACH) == DDI_SUCCESS ? 0 : ENXIO;
}

int detach(dev_info_t *dip) {
  auto fn = dip->ops->devo_detach;
  if (!fn || same_fn(fn, nulldev)) return 0;
  if (same_fn(fn, nodev)) return EBUSY;  // a driver that cannot detach
  return fn(dip, DDI_DETACH) == DDI_SUCCESS ? 0 : EBUSY;
}

void drop_driver(dev_info_t *dip) {
  ddi_remove_minor_node(dip, nullptr);
  registry_remove_driver(dip->name);
}

int install_strmod(modlstrmod *l, Install &rec) {
  if (!l->strmod_fmodsw) return EINVAL;
  if (int err = registry_add_module(l->strmod_fmodsw)) return err;
  const char *n = l->strmod_fmodsw->f_name;
  rec.modules.emplace_back(n, strnlen(n, FMNAMESZ));  // short: no throw
  return 0;
}

int install_driver(modldrv *l, Install &rec, const PluginLoad *pl) {
  dev_ops *ops = l->drv_dev_ops;
  if (!ops || !ops->devo_cb_ops || !ops->devo_cb_ops->cb_str) return EINVAL;
  if (!pl) {
    cmn_err(CE_WARN, "mod_install: driver \"%s\" is not in a plugin, so it "
            "has no name: built-in drivers register with "
            "STRDP_DRIVER_REGISTER", l->drv_linkinfo ? l->drv_linkinfo : "");
    return EINVAL;
  }
  auto dip = std::make_unique<strdp_dev_info>();
  dip->name = pl->name;
  dip->ops = ops;
  dip->st = ops->devo_cb_ops->cb_str;
  dip->flags = ops->devo_cb_ops->cb_flag;
  dip->nodes.reserve(8);
  if (int err = registry_add_driver(dip->name, dip->st, dip->flags, 0, false))
    return err;
  if (int err = attach(dip.get())) {
    cmn_err(CE_WARN, "mod_install: %s: attach failed", dip->name.c_str());
    drop_driver(dip.get());
    return err;
  }
  rec.dips.push_back(std::move(dip));  // capacity reserved: no throw
  return 0;
}

void undo(Install &rec) {
  for (auto it = rec.dips.rbegin(); it != rec.dips.rend(); ++it) {
    detach(it->get());
    drop_driver(it->get());
  }
  for (auto it = rec.modules.rbegin(); it != rec.modules.rend(); ++it)
    registry_remove_module(*it);
  rec.dips.clear();
  rec.modules.clear();
}

bool in_use(const Install &rec) {
  for (const std::string &m : rec.modules)
    if (registry_module_busy(m)) return true;
  for (const auto &dip : rec.dips) {
    if (registry_driver_busy(dip->name)) return true;
    for (const std::string &n : dip->nodes)
      if (registry_driver_busy(n)) return true;
  }
  return false;
}

int install(modlinkage *ml) {
  Installs &ins = installs();
  {
    std::lock_guard lock(ins.mu);
    if (ins.map.count(ml)) return EEXIST;
  }
  PluginLoad *pl = current_plugin_load();
  auto rec = std::make_unique<Install>();
  if (pl) {
    rec->plugin = pl->name;
    rec->id = pl->id;
  }
  rec->modules.reserve(MODMAXLINK);
  rec->dips.reserve(MODMAXLINK);

  int err = 0;
  int i = 0;
  for (; i < MODMAXLINK && ml->ml_linkage[i] && err == 0; ++i) {
    void *l = ml->ml_linkage[i];
    const mod_ops *ops = common(l)->misc_modops;
    if (ops == &mod_strmodops)
      err = install_strmod(static_cast<modlstrmod *>(l), *rec);
    else if (ops == &mod_driverops)
      err = install_driver(static_cast<modldrv *>(l), *rec, pl);
    else if (ops != &mod_miscops)
      err = EINVAL;
  }
  if (i == 0) err = EINVAL;  // an empty linkage is a bug in the module
  if (err) {
    undo(*rec);
    return err;
  }
  try {
    std::lock_guard lock(ins.mu);
    // try_emplace leaves rec alone when the key is there or it throws.
    if (!ins.map.try_emplace(ml, std::move(rec)).second) err = EEXIST;
  } catch (...) {
    err = ENOMEM;
  }
  if (err) {
    if (rec) undo(*rec);  // still ours unless the map took it
    return err;
  }
  if (pl) ++pl->installs;
  return 0;
}

int remove(modlinkage *ml) {
  Installs &ins = installs();
  Install *rec;
  {
    std::lock_guard lock(ins.mu);
    auto it = ins.map.find(ml);
    if (it == ins.map.end()) return EINVAL;
    rec = it->second.get();
    if (rec->removing) return EBUSY;
    rec->removing = true;  // rec stays valid while we work unlocked
  }
  auto give_up = [&](int err) {
    std::lock_guard lock(ins.mu);
    rec->removing = false;
    return err;
  };
  if (in_use(*rec)) return give_up(EBUSY);

  size_t detached = 0;
  while (detached < rec->dips.size() &&
         detach(rec->dips[detached].get()) == 0)
    ++detached;
  if (detached < rec->dips.size()) {
    // Put back what was detached, as Solaris reinstalls on failure.
    for (size_t j = 0; j < detached; ++j)
      if (attach(rec->dips[j].get()) != 0)
        cmn_err(CE_WARN, "mod_remove: %s: could not attach again",
                rec->dips[j]->name.c_str());
    return give_up(EBUSY);
  }
  for (auto &dip : rec->dips) drop_driver(dip.get());
  for (const std::string &m : rec->modules) {
    if (int err = registry_remove_module(m))  // opened since in_use()
      cmn_err(CE_WARN, "mod_remove: module %s: %s", m.c_str(), strerror(err));
  }

  PluginLoad *pl = current_plugin_load();
  if (pl && pl->id == rec->id && pl->installs > 0) --pl->installs;
  std::unique_ptr<Install> gone;  // freed outside the lock
  std::lock_guard lock(ins.mu);
  auto it = ins.map.find(ml);
  gone = std::move(it->second);
  ins.map.erase(it);
  return 0;
}

}  // namespace

void modctl_forget_all() noexcept {
  Installs &ins = installs();
  std::map<const modlinkage *, std::unique_ptr<Install>> gone;
  {
    std::lock_guard lock(ins.mu);
    gone.swap(ins.map);
  }
  plugin_forget_all();
}

}  // namespace strdp

extern "C" int mod_install(struct modlinkage *ml) {
  if (!ml || ml->ml_rev != MODREV_1) return EINVAL;
  try {
    return strdp::install(ml);
  } catch (...) {
    return ENOMEM;
  }
}

extern "C" int mod_remove(struct modlinkage *ml) {
  if (!ml) return EINVAL;
  return strdp::remove(ml);
}

// Returns 1 (success, as Solaris' _info() expects) for any well-formed
// linkage, installed or not; mi_info says which.
extern "C" int mod_info(struct modlinkage *ml, struct modinfo *mi) {
  if (!ml || !mi || ml->ml_rev != MODREV_1 || !ml->ml_linkage[0]) return 0;
  std::memset(mi, 0, sizeof(*mi));
  const strdp::Install *rec = nullptr;
  strdp::Installs &ins = strdp::installs();
  std::lock_guard lock(ins.mu);
  if (auto it = ins.map.find(ml); it != ins.map.end()) rec = it->second.get();

  const modlmisc *first = strdp::common(ml->ml_linkage[0]);
  const char *name = "";
  if (rec && !rec->plugin.empty())
    name = rec->plugin.c_str();
  else if (first->misc_modops == &mod_strmodops &&
           reinterpret_cast<const modlstrmod *>(first)->strmod_fmodsw)
    name = reinterpret_cast<const modlstrmod *>(first)->strmod_fmodsw->f_name;
  std::snprintf(mi->mi_name, sizeof(mi->mi_name), "%.*s",
                MODMAXNAMELEN - 1, name);
  std::snprintf(mi->mi_msinfo, sizeof(mi->mi_msinfo), "%s",
                first->misc_linkinfo ? first->misc_linkinfo : "");
  mi->mi_info = rec ? strdp::kMiLoaded | strdp::kMiInstalled
                    : strdp::kMiLoaded;
  mi->mi_id = rec ? static_cast<int>(rec->id) : 0;
  return 1;
}
