// What the DDI needs from the registry beyond stream/registry.h: driver
// entries with a minor number and clone flag (minor nodes), and removal
// that reports errors as values. Implemented in stream/registry.cc.
// Not installed.
#pragma once

#include <strdp/ddi.h>

#include <string_view>

namespace strdp {

// Each returns 0 or an errno value (EEXIST, EINVAL, ENOENT, EBUSY, ENOMEM).
int registry_add_module(struct fmodsw *fsw) noexcept;
int registry_remove_module(std::string_view name) noexcept;
int registry_add_driver(std::string_view name, struct streamtab *st,
                        int flags, minor_t minor, bool clone) noexcept;
int registry_remove_driver(std::string_view name) noexcept;
// Changes the minor number and clone flag of an existing driver entry: a
// driver whose attach routine names a minor node after itself.
int registry_set_driver_node(std::string_view name, minor_t minor,
                             bool clone) noexcept;
// True while a stream holds the entry.
bool registry_module_busy(std::string_view name) noexcept;
bool registry_driver_busy(std::string_view name) noexcept;

// Forgets every mod_install() record and loaded-plugin path (handles stay
// open): registry_fini() calls it, so a plugin can be loaded again after
// the runtime is brought up again.
void modctl_forget_all() noexcept;

}  // namespace strdp
