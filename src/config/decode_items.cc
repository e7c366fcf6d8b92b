// TOML -> Config, the lists of items: [[port]], [[stream]], [[link]],
// [[autopush]]. Each value is checked for type and range here; names,
// references, lanes and lcores across items in check.cc.
#include <rte_ethdev.h>

#include "config/reader.h"

namespace strdp::config::detail {

namespace {

constexpr int64_t kMinDesc = 64;
constexpr int64_t kMaxDesc = 16384;
constexpr int64_t kMinMtu = 68;   // IPv4's minimum (RFC 791)
constexpr int64_t kMaxMtu = 9600; // jumbo frames most NICs take
constexpr int64_t kMinEthertype = 0x600;

const char *const kNameRule =
    "letters, digits, '_', '.', '-'";

// The elements of an array of tables ([[kind]] or kind = [{...}]).
// Each with its index in the file's list, for keys like "link[2]".
using Items = std::vector<std::pair<size_t, const toml::table *>>;
Items items(const toml::table &root, Ctx &ctx, std::string_view kind) {
  Items out;
  const toml::node *n = root.get(kind);
  if (!n) return out;
  int line = static_cast<int>(n->source().begin.line);
  ctx.lines[std::string(kind)] = line;
  const toml::array *a = n->as_array();
  if (!a) {
    ctx.error(std::string(kind), line,
              "expected an array of tables ([[" + std::string(kind) +
                  "]]), got " + describe(*n));
    return out;
  }
  for (size_t i = 0; i < a->size(); ++i) {
    const toml::node &e = (*a)[i];
    if (const toml::table *t = e.as_table()) {
      out.emplace_back(i, t);
    } else {
      ctx.error(std::string(kind) + "[" + std::to_string(i) + "]",
                static_cast<int>(e.source().begin.line),
                "expected a table, got " + describe(e));
    }
  }
  return out;
}

// The name a table gives itself, if usable, to prefix its keys with.
std::string peek_name(const toml::table &t) {
  const toml::node *n = t.get("name");
  const auto *s = n ? n->as_string() : nullptr;
  return s ? s->get() : std::string();
}

bool power_of_two(int64_t v) { return v > 0 && (v & (v - 1)) == 0; }

void read_desc(Reader &r, std::string_view k, uint16_t &out) {
  const toml::node *n = r.find(k);
  if (!n) return;
  const auto *i = n->as_integer();
  if (!i || i->get() < kMinDesc || i->get() > kMaxDesc ||
      !power_of_two(i->get())) {
    r.ctx().error(r.key(k), static_cast<int>(n->source().begin.line),
                  "expected a power of two in " + std::to_string(kMinDesc) +
                      ".." + std::to_string(kMaxDesc) + ", got " +
                      describe(*n));
    return;
  }
  out = static_cast<uint16_t>(i->get());
}

void decode_port(Ctx &ctx, const toml::table &t, size_t index, Config &cfg) {
  PortSpec p;
  std::string prefix = item_key("port", peek_name(t), index);
  Reader r(ctx, t, prefix,
           {"name", "device", "queues", "rx_desc", "tx_desc", "mtu",
            "promiscuous"});
  read_name(r, "name", kMaxName, p.name, "a port name");
  std::string expected = "a DPDK device name like \"net_null0\" or a PCI "
                         "address (1.." +
                         std::to_string(RTE_ETH_NAME_MAX_LEN - 1) + " bytes)";
  if (r.string("device", p.device, true, expected) &&
      (p.device.empty() || p.device.size() >= RTE_ETH_NAME_MAX_LEN)) {
    ctx.error(r.key("device"), ctx.line_of(r.key("device"), r.line()),
              "expected " + expected + ", got " +
                  describe(toml::value<std::string>(p.device)));
    p.device.clear();
  }
  int64_t v;
  if (r.integer("queues", 1, kMaxLanes, v)) p.queues = static_cast<uint16_t>(v);
  read_desc(r, "rx_desc", p.rx_desc);
  read_desc(r, "tx_desc", p.tx_desc);
  if (const toml::node *n = r.find("mtu")) {
    const auto *i = n->as_integer();
    if (!i || (i->get() != 0 && (i->get() < kMinMtu || i->get() > kMaxMtu))) {
      ctx.error(r.key("mtu"), static_cast<int>(n->source().begin.line),
                "expected 0 (the port's default) or an integer in " +
                    std::to_string(kMinMtu) + ".." + std::to_string(kMaxMtu) +
                    ", got " + describe(*n));
    } else {
      p.mtu = static_cast<uint16_t>(i->get());
    }
  }
  r.boolean("promiscuous", p.promiscuous);
  p.at = {ctx.file, r.line(), prefix};
  cfg.ports.push_back(std::move(p));
}

void decode_stream(Ctx &ctx, const toml::table &t, size_t index,
                   Config &cfg) {
  StreamSpec s;
  std::string prefix = item_key("stream", peek_name(t), index);
  Reader r(ctx, t, prefix,
           {"name", "driver", "port", "mode", "sap", "lanes", "lcores",
            "modules"});
  read_name(r, "name", kMaxName, s.name, "a stream name");
  read_name(r, "driver", MODMAXNAMELEN - 1, s.driver, "a driver name");
  r.string("port", s.port, false, "a port name");
  std::string mode;
  if (r.string("mode", mode, false, "\"raw\" or \"dlpi\"")) {
    if (mode == "raw") s.mode = DlpiMode::kRaw;
    else if (mode == "dlpi") s.mode = DlpiMode::kDlpi;
    else
      ctx.error(r.key("mode"), ctx.line_of(r.key("mode"), r.line()),
                "expected \"raw\" or \"dlpi\", got " +
                    describe(toml::value<std::string>(mode)));
  }
  if (const toml::node *n = r.find("sap")) {
    const auto *i = n->as_integer();
    if (!i || i->get() < kMinEthertype || i->get() > 0xffff) {
      std::string got = describe(*n);
      if (i) {
        char hex[16];
        snprintf(hex, sizeof hex, "%#llx", static_cast<long long>(i->get()));
        if (i->get() >= 0) got = std::string(hex) + " (" + got + ")";
      }
      ctx.error(r.key("sap"), static_cast<int>(n->source().begin.line),
                "expected an ethertype in 0x600..0xffff (below 0x600 the "
                "Ethernet type field is a length), got " + got);
    } else {
      s.sap = static_cast<uint32_t>(i->get());
    }
  }
  int64_t v;
  bool lanes_given = r.integer("lanes", 1, kMaxLanes, v);
  if (lanes_given) s.lanes = static_cast<unsigned>(v);
  std::string text;
  const char *expected = "an lcore list like \"1-2\"";
  if (r.string("lcores", text, false, expected)) {
    std::string why;
    int line = ctx.line_of(r.key("lcores"), r.line());
    if (auto list = parse_lcore_list(text, &why)) {
      s.lcores = std::move(*list);
      s.lcores_at = {ctx.file, line, r.key("lcores")};
    } else {
      ctx.error(r.key("lcores"), line,
                std::string("expected ") + expected + ", got \"" + text +
                    "\": " + why);
    }
  }
  decode_modules(r, s.modules);
  s.at = {ctx.file, r.line(), prefix};
  ctx.lanes_given.push_back(lanes_given);
  cfg.streams.push_back(std::move(s));
}

void decode_link(Ctx &ctx, const toml::table &t, size_t index, Config &cfg) {
  LinkSpec l;
  std::string prefix = "link[" + std::to_string(index) + "]";
  Reader r(ctx, t, prefix, {"mux", "lower", "persistent", "address", "mtu"});
  r.string("mux", l.mux, true, "the name of a stream");
  r.string("lower", l.lower, true, "the name of a stream");
  r.boolean("persistent", l.persistent);
  std::string a;
  constexpr const char *kAddr = "an IPv4 address and prefix length, like \"10.1.0.1/24\"";
  if (r.string("address", a, false, kAddr)) {
    Ipv4Prefix p;
    if (parse_ipv4_prefix(a, &p))
      l.address = p;
    else
      ctx.error(r.key("address"), ctx.line_of(r.key("address"), r.line()),
                std::string("expected ") + kAddr + ", got " + describe(toml::value<std::string>(a)));
  }
  int64_t mtu;
  if (r.integer("mtu", 68, 9600, mtu)) l.mtu = static_cast<unsigned>(mtu);
  l.at = {ctx.file, r.line(), prefix};
  cfg.links.push_back(std::move(l));
}

void decode_route(Ctx &ctx, const toml::table &t, size_t index, Config &cfg) {
  RouteSpec rt;
  std::string prefix = "route[" + std::to_string(index) + "]";
  Reader r(ctx, t, prefix, {"mux", "dst", "via", "interface", "reject"});
  r.string("mux", rt.mux, true, "the name of an ip stream");
  std::string s;
  constexpr const char *kDst = "an IPv4 prefix, like \"10.9.0.0/16\" or \"0.0.0.0/0\"";
  if (r.string("dst", s, true, kDst) && !parse_ipv4_prefix(s, &rt.dst))
    ctx.error(r.key("dst"), ctx.line_of(r.key("dst"), r.line()),
              std::string("expected ") + kDst + ", got " + describe(toml::value<std::string>(s)));
  if (r.string("via", s, false, "an IPv4 address") && !parse_ipv4(s, &rt.via))
    ctx.error(r.key("via"), ctx.line_of(r.key("via"), r.line()),
              "expected an IPv4 address, like \"10.2.0.254\", got " +
                  describe(toml::value<std::string>(s)));
  r.string("interface", rt.interface, false, "the name of a stream linked under mux");
  r.boolean("reject", rt.reject);
  rt.at = {ctx.file, r.line(), prefix};
  cfg.routes.push_back(std::move(rt));
}

void decode_rule(Ctx &ctx, const toml::table &t, size_t index, Config &cfg) {
  AutopushSpec a;
  std::string prefix = "autopush[" + std::to_string(index) + "]";
  Reader r(ctx, t, prefix, {"driver", "minor", "lastminor", "modules", "anchor"});
  read_name(r, "driver", MODMAXNAMELEN - 1, a.driver, "a driver name");
  int64_t v;
  bool minor_given = r.integer("minor", -1, kMaxMinor, v);
  if (minor_given) a.minor = v;
  bool last_given = r.integer("lastminor", -1, kMaxMinor, v);
  if (last_given) a.lastminor = v;
  if (last_given && a.lastminor != -1) {
    int line = ctx.line_of(r.key("lastminor"), r.line());
    if (a.minor == -1) {
      ctx.error(r.key("lastminor"), line,
                "expected -1: minor -1 already means every minor, got " +
                    std::to_string(a.lastminor));
    } else if (a.lastminor < a.minor) {
      ctx.error(r.key("lastminor"), line,
                "expected -1 or a minor >= minor " + std::to_string(a.minor) +
                    ", got " + std::to_string(a.lastminor));
    }
  }
  std::vector<std::string> mods;
  if (r.string_array("modules", mods)) {
    int line = ctx.line_of(r.key("modules"), r.line());
    if (mods.empty() || mods.size() > MAXAPUSH) {
      ctx.error(r.key("modules"), line,
                "expected 1.." + std::to_string(MAXAPUSH) +
                    " modules (MAXAPUSH), got " + std::to_string(mods.size()));
    }
    for (size_t i = 0; i < mods.size(); ++i) {
      if (valid_name(mods[i], FMNAMESZ)) continue;
      std::string k = r.key("modules") + "[" + std::to_string(i) + "]";
      ctx.error(k, ctx.line_of(k, line),
                "expected a module name (1.." + std::to_string(FMNAMESZ) +
                    " " + kNameRule + "), got " +
                    describe(toml::value<std::string>(mods[i])));
    }
    a.modules = std::move(mods);
  } else if (!r.find("modules")) {
    r.missing("modules", "an array of 1.." + std::to_string(MAXAPUSH) +
                             " module names");
  }
  r.boolean("anchor", a.anchor);
  a.at = {ctx.file, r.line(), prefix};
  cfg.autopush.push_back(std::move(a));
}

}  // namespace

// A required name: 1..max of kNameRule.
bool read_name(Reader &r, std::string_view k, size_t max, std::string &out,
               std::string_view what) {
  std::string expected = std::string(what) + " (1.." + std::to_string(max) +
                         " " + kNameRule + ")";
  std::string v;
  if (!r.string(k, v, true, expected)) return false;
  if (!valid_name(v, max)) {
    r.ctx().error(r.key(k), r.ctx().line_of(r.key(k), r.line()),
                  "expected " + expected + ", got " +
                      describe(toml::value<std::string>(v)));
    return false;
  }
  out = std::move(v);
  return true;
}

// A table's "modules" array, when it has one.
void decode_modules(Reader &r, std::vector<ModuleSpec> &out) {
  const toml::node *n = r.find("modules");
  if (!n) return;
  Ctx &ctx = r.ctx();
  if (const toml::array *a = n->as_array()) {
    for (size_t i = 0; i < a->size(); ++i)
      decode_module(ctx, (*a)[i], r.key("modules") + "[" + std::to_string(i) + "]", out);
  } else {
    ctx.error(r.key("modules"), static_cast<int>(n->source().begin.line),
              "expected an array of modules, got " + describe(*n));
  }
}

// One entry of a stream's modules: "name" or {name = "...", args = "..."}.
void decode_module(Ctx &ctx, const toml::node &n, const std::string &key,
                   std::vector<ModuleSpec> &out) {
  ModuleSpec m;
  int line = static_cast<int>(n.source().begin.line);
  std::string expected = std::string("a module name (1..") +
                         std::to_string(FMNAMESZ) + " " + kNameRule + ")";
  if (n.is_string()) {
    if (!read_string(ctx, key, n, m.name, expected)) return;
    ctx.lines[key] = line;
    m.at = {ctx.file, line, key};
  } else if (const toml::table *t = n.as_table()) {
    Reader r(ctx, *t, key, {"name", "args"});
    if (!r.string("name", m.name, true, expected)) return;
    r.string("args", m.args, false, "a string of key=value arguments");
    m.at = {ctx.file, ctx.line_of(key + ".name", line), key + ".name"};
  } else {
    ctx.error(key, line,
              "expected a module name or a table {name = \"...\", args = "
              "\"...\"}, got " + describe(n));
    return;
  }
  if (!valid_name(m.name, FMNAMESZ)) {
    ctx.error(m.at.key, m.at.line,
              "expected " + expected + ", got " +
                  describe(toml::value<std::string>(m.name)));
    return;
  }
  out.push_back(std::move(m));
}


void decode_ports(const toml::table &root, Ctx &ctx, Config &cfg) {
  for (auto [i, t] : items(root, ctx, "port")) decode_port(ctx, *t, i, cfg);
}

void decode_streams(const toml::table &root, Ctx &ctx, Config &cfg) {
  for (auto [i, t] : items(root, ctx, "stream")) decode_stream(ctx, *t, i, cfg);
}

void decode_links(const toml::table &root, Ctx &ctx, Config &cfg) {
  for (auto [i, t] : items(root, ctx, "link")) decode_link(ctx, *t, i, cfg);
}

void decode_routes(const toml::table &root, Ctx &ctx, Config &cfg) {
  for (auto [i, t] : items(root, ctx, "route")) decode_route(ctx, *t, i, cfg);
}

void decode_autopush(const toml::table &root, Ctx &ctx, Config &cfg) {
  for (auto [i, t] : items(root, ctx, "autopush")) decode_rule(ctx, *t, i, cfg);
}

}  // namespace strdp::config::detail
