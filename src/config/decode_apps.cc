// TOML -> Config, [apps]: the socket applications connect to, the
// [[apps.device]] list of drivers they may open and the [[apps.stream]]
// list of streams the daemon builds for them, each with the owner, group
// and mode a device node would have. Users and groups are resolved
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

// owner, group, mode: the rights of a device node.
void read_rights(Reader &r, AppDeviceSpec &d) {
  r.user_id("owner", d.uid);
  r.group_id("group", d.gid);
  r.mode("mode", d.mode);
  d.line = r.line();
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
  read_rights(r, d);
  cfg.apps.devices.push_back(std::move(d));
}

void decode_stream(Ctx &ctx, const toml::table &t, size_t index,
                   Config &cfg) {
  AppStreamSpec s;
  std::string peek;
  if (const toml::node *n = t.get("name"); n && n->is_string())
    peek = n->as_string()->get();
  std::string prefix = item_key("apps.stream", peek, index);
  Reader r(ctx, t, prefix, {"name", "driver", "modules", "owner", "group", "mode"});
  read_name(r, "name", kMaxName, s.name, "a stream name");
  read_name(r, "driver", MODMAXNAMELEN - 1, s.driver, "a driver name");
  decode_modules(r, s.modules);
  read_rights(r, s);
  cfg.apps.streams.push_back(std::move(s));
}

// [[apps.KEY]]: an array of tables, each given to one().
void decode_list(Reader &r, const char *key, Config &cfg,
                 void (*one)(Ctx &, const toml::table &, size_t, Config &)) {
  const toml::node *n = r.find(key);
  if (!n) return;
  Ctx &ctx = r.ctx();
  const toml::array *a = n->as_array();
  if (!a) {
    ctx.error(r.key(key), static_cast<int>(n->source().begin.line),
              std::string("expected an array of tables ([[apps.") + key + "]]), got " +
                  describe(*n));
    return;
  }
  for (size_t i = 0; i < a->size(); ++i) {
    const toml::node &e = (*a)[i];
    if (const toml::table *t = e.as_table()) {
      one(ctx, *t, i, cfg);
    } else {
      ctx.error(r.key(key) + "[" + std::to_string(i) + "]",
                static_cast<int>(e.source().begin.line),
                "expected a table, got " + describe(e));
    }
  }
}

}  // namespace

void decode_apps(Ctx &ctx, const toml::table &t, Config &cfg) {
  Reader r(ctx, t, "apps", {"enabled", "socket", "mode", "group", "device", "stream"});
  r.boolean("enabled", cfg.apps.enabled);
  r.socket_path("socket", cfg.apps.socket);
  r.mode("mode", cfg.apps.mode);
  r.group_name("group", cfg.apps.group);
  decode_list(r, "device", cfg, decode_device);
  decode_list(r, "stream", cfg, decode_stream);
}

}  // namespace strdp::config::detail
