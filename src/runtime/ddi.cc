// Device numbers, clock ticks and the dev_info_t routines of the DDI.
//
// dev_t follows the Solaris 64-bit layout (32-bit major, 32-bit minor), so
// drivers that shift and mask by hand still agree with getminor().
//
// A minor node made by ddi_create_minor_node() is a driver registry entry
// of that name, opened as "name" or "/dev/name"; CLONE_DEV makes every open
// a clone open. A node named after the driver itself changes the driver's
// own entry, as `ddi_create_minor_node(dip, ddi_get_name(dip), ...)` would.
#include <strdp/ddi.h>

#include <algorithm>
#include <cerrno>
#include <climits>
#include <cstring>

#include "runtime/dev_info.h"
#include "runtime/registry_nodes.h"

namespace {
constexpr unsigned kMinorBits = 32;
constexpr dev_t kMinorMask = 0xffffffffu;
constexpr long kUsecPerTick = 1000;  // one tick = 1 ms (stream.h)
}  // namespace

extern "C" major_t getmajor(dev_t dev) {
  return static_cast<major_t>((dev >> kMinorBits) & 0xffffffffu);
}

extern "C" minor_t getminor(dev_t dev) {
  return static_cast<minor_t>(dev & kMinorMask);
}

extern "C" dev_t makedevice(major_t maj, minor_t min) {
  return (static_cast<dev_t>(maj) << kMinorBits) | min;
}

// Rounds up, as Solaris does: a timeout never fires early.
extern "C" long drv_usectohz(long usec) {
  if (usec <= 0) return 0;
  return usec / kUsecPerTick + (usec % kUsecPerTick != 0);
}

extern "C" long drv_hztousec(long ticks) {
  if (ticks <= 0) return 0;
  if (ticks > LONG_MAX / kUsecPerTick) return LONG_MAX;
  return ticks * kUsecPerTick;
}

extern "C" int nodev(void) { return ENXIO; }
extern "C" int nulldev(void) { return 0; }

extern "C" int ddi_create_minor_node(dev_info_t *dip, const char *name,
                                     int spec_type, minor_t minor,
                                     const char *node_type, int flag) {
  (void)node_type;  // DDI_PSEUDO, DDI_NT_NET...: no device tree to file it in
  if (!dip || !name) return DDI_FAILURE;
  if (spec_type != S_IFCHR) {
    cmn_err(CE_WARN, "ddi_create_minor_node: %s: only S_IFCHR (STREAMS) "
            "nodes exist here", name);
    return DDI_FAILURE;
  }
  bool clone = flag & CLONE_DEV;
  int err = dip->name == name
                ? strdp::registry_set_driver_node(name, minor, clone)
                : strdp::registry_add_driver(name, dip->st, dip->flags, minor,
                                             clone);
  if (err != 0) {
    cmn_err(CE_WARN, "ddi_create_minor_node: %s: %s", name, strerror(err));
    return DDI_FAILURE;
  }
  try {
    dip->nodes.emplace_back(name);
  } catch (...) {
    strdp::registry_remove_driver(name);
    return DDI_FAILURE;
  }
  return DDI_SUCCESS;
}

namespace {

// False while a stream still has the node open: it stays registered and
// on dip's list.
bool remove_node(dev_info_t *dip, const std::string &node) noexcept {
  int err = node == dip->name
                ? strdp::registry_set_driver_node(node, 0, false)
                : strdp::registry_remove_driver(node);
  if (err == 0 || err == ENOENT) return true;
  cmn_err(CE_WARN, "ddi_remove_minor_node: %s: %s", node.c_str(),
          strerror(err));
  return false;
}

}  // namespace

// name NULL removes every node of dip. A node still open is kept, with a
// warning: mod_remove() refuses to detach a driver in use, so only a
// driver removing nodes on its own can get there.
extern "C" void ddi_remove_minor_node(dev_info_t *dip, const char *name) {
  if (!dip) return;
  auto &nodes = dip->nodes;
  if (!name) {
    nodes.erase(std::remove_if(nodes.begin(), nodes.end(),
                               [dip](const std::string &n) {
                                 return remove_node(dip, n);
                               }),
                nodes.end());
    return;
  }
  auto it = std::find(nodes.begin(), nodes.end(), name);
  if (it != nodes.end() && remove_node(dip, *it)) nodes.erase(it);
}

extern "C" int ddi_get_instance(dev_info_t *dip) {
  return dip ? dip->instance : -1;
}

extern "C" void ddi_report_dev(dev_info_t *dip) {
  if (!dip) return;
  cmn_err(CE_CONT, "?%s%d is /pseudo/%s@%d\n", dip->name.c_str(),
          dip->instance, dip->name.c_str(), dip->instance);
}

extern "C" int ddi_quiesce_not_needed(dev_info_t *dip) {
  (void)dip;
  return DDI_SUCCESS;
}

extern "C" int ddi_quiesce_not_supported(dev_info_t *dip) {
  (void)dip;
  return DDI_FAILURE;
}
