// The module (fmodsw) and driver (cdevsw) switch tables. Not installed.
//
// Entries registered by constructors (STRDP_MODULE_REGISTER) before the
// runtime starts are kept on a pending list and entered by
// registry_init(). A name looked up and not found is autoloaded from the
// module path (autoload.cc) and looked up again. Lookups and
// registration are slow path (a mutex);
// a stream holds a reference (hold/release) on every entry it uses, so a
// module in use cannot be unregistered (EBUSY).
#pragma once

#include <strdp/strdp.h>

#include <string>
#include <string_view>

namespace strdp {

struct ModuleEntry {
  std::string name;       // fmodsw f_name
  streamtab *st = nullptr;
  int flags = 0;          // f_flag
  unsigned refs = 0;      // streams using it
};

struct DriverEntry {
  std::string name;       // "loop"; opened as "loop" or "/dev/loop"
  streamtab *st = nullptr;
  int flags = 0;
  minor_t minor = 0;      // minor number of this node (minor-node aliases)
  bool clone = false;     // CLONE_DEV: each open gets a new minor
  unsigned refs = 0;
};

void registry_init();   // enters pending constructor registrations
void registry_fini();   // drops every entry (plugins stay loaded)

// Looks an entry up (autoloading it if needed) and takes a reference;
// nullptr (errno EINVAL for a module, ENXIO for a driver) if absent.
ModuleEntry *module_hold(std::string_view name);
void module_release(ModuleEntry *e);
DriverEntry *driver_hold(std::string_view name);
void driver_release(DriverEntry *e);

// Lookups that never load anything (driver names with or without "/dev/").
bool registry_has_module(std::string_view name) noexcept;
bool registry_has_driver(std::string_view name) noexcept;

// Loads NAME.so from the module path unless a module or driver called
// name is registered (autoload.cc); 0 when one is afterwards, else an
// errno value (EINVAL: not a module name; ENOENT: no file, or it did not
// register name; the loader's error), logged. Runs the loader, whose
// plugins' constructors register: never call it with the registry's
// mutex held.
int registry_autoload(std::string_view name) noexcept;

}  // namespace strdp
