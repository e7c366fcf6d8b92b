// TOML -> Config, the sections that are not lists of items: [eal],
// [lcores], [runtime], plugins, [control], telemetry. Each value is
// checked for type and range where it is read; checks across keys are
// in check.cc. Ranges and defaults are documented in config/README.md.
#include <grp.h>
#include <sys/un.h>
#include <unistd.h>

#include <cstring>
#include <vector>

#include "config/reader.h"

namespace strdp::config::detail {

namespace {

// rte_mempool's per-lcore cache cannot be larger
// (RTE_MEMPOOL_CACHE_MAX_SIZE), and must stay under n / 1.5 or
// rte_mempool_create() refuses the pool.
constexpr int64_t kMaxMbufCache = 512;
// Below this a pool cannot even fill one default rx ring's worth of
// bursts; it is for loopback-only configurations.
constexpr int64_t kMinMbufs = 256;
constexpr int64_t kMaxMbufs = int64_t{1} << 24;
// More modules than this on one stream is a configuration mistake, not
// a stack; Solaris' own limit is tunable the same way (nstrpush).
constexpr int64_t kMaxNstrpush = 64;

// A [section] that must be a table; nullptr (and an error when it is
// something else) otherwise.
const toml::table *section(Reader &r, std::string_view k) {
  const toml::node *n = r.find(k);
  if (!n) return nullptr;
  const toml::table *t = n->as_table();
  if (!t) {
    r.ctx().error(r.key(k), static_cast<int>(n->source().begin.line),
                  "expected a table ([" + std::string(k) + "]), got " +
                      describe(*n));
  }
  return t;
}

void decode_eal(Reader &top, Config &cfg) {
  const toml::table *t = section(top, "eal");
  if (!t) return;
  Reader r(top.ctx(), *t, "eal", {"args"});
  r.string_array("args", cfg.eal_args);
}

void decode_lcores(Reader &top, Config &cfg) {
  const toml::table *t = section(top, "lcores");
  if (!t) return;
  Reader r(top.ctx(), *t, "lcores", {"workers"});
  std::string text;
  const char *expected = "an lcore list like \"1-3,5\"";
  if (!r.string("workers", text, false, expected)) return;
  std::string why;
  auto list = parse_lcore_list(text, &why);
  int line = r.ctx().line_of("lcores.workers", r.line());
  if (!list) {
    r.ctx().error("lcores.workers", line,
                  std::string("expected ") + expected + ", got \"" + text +
                      "\": " + why);
    return;
  }
  cfg.workers = std::move(*list);
  cfg.workers_at = {r.ctx().file, line, "lcores.workers"};
}

void decode_runtime(Reader &top, Config &cfg) {
  const toml::table *t = section(top, "runtime");
  if (!t) return;
  Reader r(top.ctx(), *t, "runtime", {"nb_mbufs", "mbuf_cache", "nstrpush"});
  int64_t v;
  if (r.integer("nb_mbufs", kMinMbufs, kMaxMbufs, v))
    cfg.runtime.nb_mbufs = static_cast<unsigned>(v);
  bool cache_given = r.integer("mbuf_cache", 1, kMaxMbufCache, v);
  if (cache_given) cfg.runtime.mbuf_cache = static_cast<unsigned>(v);
  if (r.integer("nstrpush", 1, kMaxNstrpush, v))
    cfg.runtime.nstrpush = static_cast<unsigned>(v);
  // rte_mempool_create() refuses a cache over n / 1.5; say so here rather
  // than let the pool shrink it behind the file's back.
  uint64_t most = uint64_t{cfg.runtime.nb_mbufs} * 2 / 3;
  if (cfg.runtime.mbuf_cache > most) {
    std::string k = cache_given ? "runtime.mbuf_cache" : "runtime.nb_mbufs";
    r.ctx().error(k, r.ctx().line_of(k, r.line()),
                  "mbuf_cache " + std::to_string(cfg.runtime.mbuf_cache) +
                      " is more than two thirds of nb_mbufs " +
                      std::to_string(cfg.runtime.nb_mbufs) +
                      " (DPDK's mempool limit)");
  }
}

void decode_plugins(Reader &top, Config &cfg) {
  std::vector<std::string> list;
  if (!top.string_array("plugins", list)) return;
  // Relative paths are relative to the file, not to wherever the daemon
  // was started, so a config and its plugins can move together.
  std::string dir;
  size_t slash = top.ctx().file.rfind('/');
  if (slash != std::string::npos) dir = top.ctx().file.substr(0, slash + 1);
  for (size_t i = 0; i < list.size(); ++i) {
    std::string k = "plugins[" + std::to_string(i) + "]";
    std::string &p = list[i];
    if (p.empty()) {
      top.ctx().error(k, top.ctx().line_of(k, 0),
                      "expected the path of a shared object, got \"\"");
      continue;
    }
    cfg.plugins.push_back(p[0] == '/' ? p : dir + p);
  }
}

// "0660" (octal digits, as chmod takes them) or an integer (0o660 in
// TOML: a decimal 660 would be a different mode).
void decode_mode(Reader &r, Config &cfg) {
  const toml::node *n = r.find("mode");
  if (!n) return;
  const char *expected =
      "a file mode: a string of octal digits like \"0660\", or an integer "
      "like 0o660, at most 0o777";
  int line = static_cast<int>(n->source().begin.line);
  int64_t mode = -1;
  if (const auto *i = n->as_integer()) {
    mode = i->get();
  } else if (const auto *s = n->as_string()) {
    const std::string &text = s->get();
    if (!text.empty() && text.size() <= 4 &&
        text.find_first_not_of("01234567") == std::string::npos)
      mode = std::stol(text, nullptr, 8);
  }
  if (mode < 0 || mode > 0777) {
    r.ctx().error("control.mode", line,
                  std::string("expected ") + expected + ", got " + describe(*n));
    return;
  }
  cfg.control.mode = static_cast<unsigned>(mode);
}

bool group_exists(const std::string &name) {
  std::vector<char> buf(16384);
  group g{}, *res = nullptr;
  return getgrnam_r(name.c_str(), &g, buf.data(), buf.size(), &res) == 0 &&
         res != nullptr;
}

void decode_control(Reader &top, Config &cfg) {
  const toml::table *t = section(top, "control");
  if (!t) return;
  Reader r(top.ctx(), *t, "control", {"socket", "mode", "group"});
  Ctx &ctx = r.ctx();
  std::string sock;
  if (r.string("socket", sock, false, "an absolute path")) {
    int line = ctx.line_of("control.socket", r.line());
    constexpr size_t kMaxPath = sizeof(sockaddr_un{}.sun_path) - 1;
    if (sock.empty() || sock[0] != '/' || sock.back() == '/') {
      ctx.error("control.socket", line,
                "expected an absolute path of a socket file, got \"" + sock +
                    "\"");
    } else if (sock.size() > kMaxPath) {
      ctx.error("control.socket", line,
                "expected a path of at most " + std::to_string(kMaxPath) +
                    " bytes (sun_path), got " + std::to_string(sock.size()));
    } else {
      cfg.control.socket = sock;
    }
  }
  decode_mode(r, cfg);
  std::string group;
  if (r.string("group", group, false, "a group name")) {
    int line = ctx.line_of("control.group", r.line());
    if (group.empty()) {
      ctx.error("control.group", line,
                "expected a group name, got \"\" (leave the key out to keep "
                "the daemon's group)");
    } else if (!group_exists(group)) {
      ctx.error("control.group", line,
                "no group \"" + group + "\" on this machine");
    } else {
      cfg.control.group = group;
    }
  }
}

}  // namespace

std::string item_key(std::string_view kind, const std::string &name,
                     size_t index) {
  if (valid_name(name, kMaxName)) return std::string(kind) + "." + name;
  return std::string(kind) + "[" + std::to_string(index) + "]";
}

bool valid_name(std::string_view name, size_t max) {
  if (name.empty() || name.size() > max) return false;
  for (char c : name) {
    bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
              (c >= '0' && c <= '9') || c == '_' || c == '.' || c == '-';
    if (!ok) return false;
  }
  return true;
}

void decode(const toml::table &root, Ctx &ctx, Config &cfg) {
  Reader top(ctx, root, "",
             {"eal", "lcores", "runtime", "plugins", "control", "telemetry",
              "port", "stream", "link", "autopush"});
  decode_eal(top, cfg);
  decode_lcores(top, cfg);
  decode_runtime(top, cfg);
  decode_plugins(top, cfg);
  decode_control(top, cfg);
  top.boolean("telemetry", cfg.telemetry);
  decode_ports(root, ctx, cfg);
  decode_streams(root, ctx, cfg);
  decode_links(root, ctx, cfg);
  decode_autopush(root, ctx, cfg);
}

}  // namespace strdp::config::detail
