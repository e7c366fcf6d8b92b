// TOML -> Config, the sections that are not lists of items: [eal],
// [lcores], [runtime], plugins, [control], telemetry ([apps] is in
// decode_apps.cc). Each value is checked for type and range where it is
// read (modes, sockets and groups by reader_posix.cc); checks across
// keys are in check.cc. Ranges and defaults are documented in
// config/README.md.
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
  Reader r(top.ctx(), *t, "runtime", {"nb_mbufs", "mbuf_cache", "nstrpush", "buf_size"});
  int64_t v;
  // A buffer is one mbuf: its data room, with DPDK's 128-byte headroom,
  // must fit rte_mbuf's 16-bit buf_len.
  if (r.integer("buf_size", 256, 65535 - 128, v)) cfg.runtime.buf_size = static_cast<unsigned>(v);
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

// Relative paths are relative to the file, not to wherever the daemon
// was started, so a config and its plugins can move together.
std::string folder_of(Reader &top) {
  size_t slash = top.ctx().file.rfind('/');
  return slash == std::string::npos ? "" : top.ctx().file.substr(0, slash + 1);
}

void decode_plugins(Reader &top, Config &cfg) {
  std::vector<std::string> list;
  if (!top.string_array("plugins", list)) return;
  std::string dir = folder_of(top);
  for (size_t i = 0; i < list.size(); ++i) {
    std::string k = "plugins[" + std::to_string(i) + "]";
    std::string &p = list[i];
    if (p.empty()) {
      top.ctx().error(k, top.ctx().line_of(k, 0),
                      "expected the path of a shared object or a plugin's "
                      "name, got \"\"");
      continue;
    }
    // A name is found on the module path when it is loaded, not here.
    cfg.plugins.push_back(p[0] == '/' || plugin_is_name(p) ? p : dir + p);
  }
}

void decode_module_path(Reader &top, Config &cfg) {
  std::vector<std::string> list;
  if (!top.string_array("module_path", list)) return;
  std::string dir = folder_of(top);
  for (size_t i = 0; i < list.size(); ++i) {
    std::string k = "module_path[" + std::to_string(i) + "]";
    const std::string &p = list[i];
    if (p.empty()) {
      top.ctx().error(k, top.ctx().line_of(k, 0),
                      "expected a folder, got \"\"");
      continue;
    }
    cfg.module_path.push_back(p[0] == '/' ? p : dir + p);
  }
}

void decode_control(Reader &top, Config &cfg) {
  const toml::table *t = section(top, "control");
  if (!t) return;
  Reader r(top.ctx(), *t, "control", {"socket", "mode", "group"});
  r.socket_path("socket", cfg.control.socket);
  r.mode("mode", cfg.control.mode);
  r.group_name("group", cfg.control.group);
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
             {"eal", "lcores", "runtime", "plugins", "module_path", "control",
              "apps", "telemetry", "port", "stream", "link", "route", "autopush"});
  decode_eal(top, cfg);
  decode_lcores(top, cfg);
  decode_runtime(top, cfg);
  decode_plugins(top, cfg);
  decode_module_path(top, cfg);
  decode_control(top, cfg);
  if (const toml::table *t = section(top, "apps")) decode_apps(ctx, *t, cfg);
  top.boolean("telemetry", cfg.telemetry);
  decode_ports(root, ctx, cfg);
  decode_streams(root, ctx, cfg);
  decode_links(root, ctx, cfg);
  decode_routes(root, ctx, cfg);
  decode_autopush(root, ctx, cfg);
}

}  // namespace strdp::config::detail
