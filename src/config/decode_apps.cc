// TOML -> Config, [apps]: the socket applications connect to and the
// [[apps.device]] list of drivers they may open, each with the owner,
// group and mode a device node would have. Users and groups are resolved
// here, at load time; duplicates and the socket against [control] are
// checked in check.cc, drivers in registry_check.cc.
#include "config/reader.h"

namespace strdp::config::detail {

namespace {

std::string driver_expected() {
  return "a driver name, \"name\" or \"/dev/name\" (1.." +
         std::to_string(MODMAXNAMELEN - 1) +
         " letters, digits, '_', '.', '-')";
}

void decode_device(Ctx &ctx, const toml::table &t, size_t index,
                   Config &cfg) {
  AppDeviceSpec d;
  // Keyed by the name as stored, so "/dev/echo" and "echo" share a key.
  std::string peek;
  if (const toml::node *n = t.get("name"); n && n->is_string())
    peek = std::string(strip_dev(n->as_string()->get()));
  std::string prefix = item_key("apps.device", peek, index);
  Reader r(ctx, t, prefix, {"name", "owner", "group", "mode"});
  std::string name;
  if (r.string("name", name, true, driver_expected())) {
    std::string_view bare = strip_dev(name);
    if (!valid_name(bare, MODMAXNAMELEN - 1)) {
      ctx.error(r.key("name"), ctx.line_of(r.key("name"), r.line()),
                "expected " + driver_expected() + ", got " +
                    describe(toml::value<std::string>(name)));
    } else {
      d.name = std::string(bare);
    }
  }
  r.user_id("owner", d.uid);
  r.group_id("group", d.gid);
  r.mode("mode", d.mode);
  d.line = r.line();
  cfg.apps.devices.push_back(std::move(d));
}

void decode_devices(Reader &r, Config &cfg) {
  const toml::node *n = r.find("device");
  if (!n) return;
  Ctx &ctx = r.ctx();
  const toml::array *a = n->as_array();
  if (!a) {
    ctx.error(r.key("device"), static_cast<int>(n->source().begin.line),
              "expected an array of tables ([[apps.device]]), got " +
                  describe(*n));
    return;
  }
  for (size_t i = 0; i < a->size(); ++i) {
    const toml::node &e = (*a)[i];
    if (const toml::table *t = e.as_table()) {
      decode_device(ctx, *t, i, cfg);
    } else {
      ctx.error(r.key("device") + "[" + std::to_string(i) + "]",
                static_cast<int>(e.source().begin.line),
                "expected a table, got " + describe(e));
    }
  }
}

}  // namespace

void decode_apps(Ctx &ctx, const toml::table &t, Config &cfg) {
  Reader r(ctx, t, "apps", {"enabled", "socket", "mode", "group", "device"});
  r.boolean("enabled", cfg.apps.enabled);
  r.socket_path("socket", cfg.apps.socket);
  r.mode("mode", cfg.apps.mode);
  r.group_name("group", cfg.apps.group);
  decode_devices(r, cfg);
}

}  // namespace strdp::config::detail
