// Checks across keys, after every value has been decoded: names defined
// once, references defined, what each driver takes, lanes and their
// lcores (assigned here when the file gives none), autopush overlaps,
// plugin files, [apps] devices and socket. Links are in check_links.cc.
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <filesystem>
#include <set>

#include "config/config_impl.h"

namespace strdp::config::detail {

namespace {

// The driver of DPDK ports (pmd.h): the only one that takes a port.
constexpr std::string_view kPmd = "pmd";

template <typename T>
void unique_names(Ctx &ctx, const std::vector<T> &items, const char *kind) {
  for (size_t i = 0; i < items.size(); ++i) {
    if (items[i].name.empty()) continue;  // reported when decoded
    for (size_t j = 0; j < i; ++j) {
      if (items[j].name != items[i].name) continue;
      std::string k = items[i].at.key + ".name";
      ctx.error(k, ctx.line_of(k, items[i].at.line),
                std::string(kind) + " \"" + items[i].name +
                    "\" is defined twice (first at line " +
                    std::to_string(items[j].at.line) + ")");
      break;
    }
  }
}

void check_ports(Ctx &ctx, const Config &cfg) {
  unique_names(ctx, cfg.ports, "port");
  // strdp_port_setup() refuses a device set up already (EBUSY).
  for (size_t i = 0; i < cfg.ports.size(); ++i) {
    const PortSpec &p = cfg.ports[i];
    if (p.device.empty()) continue;
    for (size_t j = 0; j < i; ++j) {
      if (cfg.ports[j].device != p.device) continue;
      std::string k = p.at.key + ".device";
      ctx.error(k, ctx.line_of(k, p.at.line),
                "device \"" + p.device + "\" is already port \"" +
                    cfg.ports[j].name + "\" (line " +
                    std::to_string(cfg.ports[j].at.line) + ")");
      break;
    }
  }
}

std::string port_names(const Config &cfg) {
  std::string out;
  for (const auto &p : cfg.ports) out += (out.empty() ? "" : ", ") + p.name;
  return out.empty() ? "none defined" : out;
}

// What a stream's driver takes: a pmd stream is a port's queues, in raw
// or DLPI mode; any other driver has none of these keys.
void check_driver_keys(Ctx &ctx, const Config &cfg, StreamSpec &s,
                       size_t index) {
  const std::string &p = s.at.key;
  auto given = [&](const char *k) {
    return ctx.lines.count(p + "." + k) > 0;
  };
  auto at = [&](const char *k) { return ctx.line_of(p + "." + k, s.at.line); };
  if (s.driver.empty()) return;  // reported when decoded
  if (s.driver != kPmd) {
    for (const char *k : {"port", "mode", "sap"}) {
      if (!given(k)) continue;
      ctx.error(p + "." + k, at(k),
                std::string("only a stream of driver \"pmd\" takes a ") + k +
                    " (this one's driver is \"" + s.driver + "\")");
    }
    if (!ctx.lanes_given[index]) s.lanes = 1;
    return;
  }
  const PortSpec *port = nullptr;
  if (!given("port")) {
    ctx.error(p + ".port", s.at.line,
              "missing: a stream of driver \"pmd\" needs the name of a "
              "[[port]] (" + port_names(cfg) + ")");
  } else if (s.port.empty()) {
    // not a string: reported when decoded
  } else if (!(port = cfg.port(s.port))) {
    ctx.error(p + ".port", at("port"),
              "no [[port]] named \"" + s.port + "\" (ports: " +
                  port_names(cfg) + ")");
  }
  if (s.mode == DlpiMode::kDlpi && !s.sap && !given("sap")) {
    ctx.error(p + ".sap", given("mode") ? at("mode") : s.at.line,
              "missing: mode \"dlpi\" needs the ethertype to bind "
              "(e.g. sap = 0x0800)");
  }
  if (s.mode == DlpiMode::kRaw && given("sap")) {
    ctx.error(p + ".sap", at("sap"),
              "expected no sap in mode \"raw\" (a raw stream takes every "
              "frame); set mode = \"dlpi\" to bind a sap");
  }
  if (!port) return;
  // A lane is one rx/tx queue pair of the port.
  if (!ctx.lanes_given[index]) {
    s.lanes = port->queues;
  } else if (s.lanes > port->queues) {
    ctx.error(p + ".lanes", at("lanes"),
              "expected at most " + std::to_string(port->queues) +
                  " (the queues of port \"" + port->name + "\"), got " +
                  std::to_string(s.lanes));
    s.lanes = port->queues;  // one error, not another about its lcores
  }
}

// Lane i runs on lcores[i]: given in the file, or round-robin over the
// workers starting at the first for every stream, so that streams with
// the same lane count (a mux and its lowers) line up lane by lane.
void assign_lcores(Ctx &ctx, const Config &cfg, StreamSpec &s, size_t index) {
  const std::string &p = s.at.key;
  std::string workers = format_lcores(cfg.workers);
  if (!s.lcores.empty()) {
    if (s.lcores.size() != s.lanes) {
      ctx.error(p + ".lcores", s.lcores_at.line,
                "expected " + std::to_string(s.lanes) + " lcore(s), one per "
                "lane, got " + std::to_string(s.lcores.size()) + " (" +
                    format_lcores(s.lcores) + ")");
    }
    // No workers: already an error (malformed, or missing), not one per lane.
    if (cfg.workers.empty()) return;
    for (unsigned lc : s.lcores) {
      if (std::find(cfg.workers.begin(), cfg.workers.end(), lc) !=
          cfg.workers.end())
        continue;
      ctx.error(p + ".lcores", s.lcores_at.line,
                "lcore " + std::to_string(lc) + " is not a worker (" +
                    "[lcores] workers = \"" + workers + "\")");
    }
    return;
  }
  if (ctx.lines.count(p + ".lcores")) return;  // malformed, reported
  if (cfg.workers.empty()) return;  // reported once, in check()
  if (s.lanes > cfg.workers.size()) {
    std::string k = ctx.lanes_given[index] ? p + ".lanes" : p;
    ctx.error(k, ctx.line_of(k, s.at.line),
              std::to_string(s.lanes) + " lanes need " +
                  std::to_string(s.lanes) + " distinct worker lcores, " +
                  "[lcores] workers has " +
                  std::to_string(cfg.workers.size()) + " (\"" + workers +
                  "\")");
    return;
  }
  for (unsigned i = 0; i < s.lanes; ++i) s.lcores.push_back(cfg.workers[i]);
  s.lcores_at = {ctx.file, s.at.line, p};
}

void check_stream(Ctx &ctx, Config &cfg, size_t index) {
  StreamSpec &s = cfg.streams[index];
  check_driver_keys(ctx, cfg, s, index);
  if (s.modules.size() > cfg.runtime.nstrpush) {
    std::string k = s.at.key + ".modules";
    ctx.error(k, ctx.line_of(k, s.at.line),
              std::to_string(s.modules.size()) +
                  " modules, more than runtime.nstrpush (" +
                  std::to_string(cfg.runtime.nstrpush) + ")");
  }
  assign_lcores(ctx, cfg, s, index);
}

// Workers not given: every EAL lcore but the main one, when [eal] args
// name them; else there is nothing to run streams on.
void settle_workers(Ctx &ctx, Config &cfg) {
  EalLcores eal;
  std::string why;
  EalRead got = read_eal_lcores(cfg.eal_args, eal, &why);
  if (got == EalRead::kMalformed) {
    ctx.error("eal.args", ctx.line_of("eal.args", 0),
              "EAL would refuse these arguments: " + why);
  }
  // Only when the key is absent: a malformed one was reported, and lanes
  // checked against a list the file did not give would report more.
  if (!ctx.lines.count("lcores.workers") && got == EalRead::kList) {
    for (unsigned lc : eal.lcores)
      if (lc != eal.main_lcore) cfg.workers.push_back(lc);
    cfg.workers_at = {ctx.file, ctx.line_of("eal.args", 0), "eal.args"};
  }
  if (got == EalRead::kList) {
    for (Error &e : check_lcores(cfg, eal)) {
      e.message += "; EAL lcores as [eal] args set them";
      ctx.errors.push_back(std::move(e));
    }
  }
  if (cfg.workers.empty() && !cfg.streams.empty() &&
      !ctx.lines.count("lcores.workers")) {
    ctx.error("lcores.workers", cfg.streams[0].at.line,
              "missing: the streams' lanes need worker lcores (an lcore "
              "list like \"1-3\"), and [eal] args name no lcores besides "
              "the main one to take them from");
  }
}

// strdp_autopush_set() refuses a rule that overlaps another for the same
// driver (EEXIST): say so with both lines.
void check_autopush(Ctx &ctx, const Config &cfg) {
  auto range = [](const AutopushSpec &a) {
    if (a.minor == -1) return std::pair<long, long>{0, kMaxMinor};
    return std::pair<long, long>{a.minor,
                                 a.lastminor == -1 ? a.minor : a.lastminor};
  };
  for (size_t i = 0; i < cfg.autopush.size(); ++i) {
    const AutopushSpec &a = cfg.autopush[i];
    if (a.driver.empty()) continue;
    for (size_t j = 0; j < i; ++j) {
      const AutopushSpec &b = cfg.autopush[j];
      if (b.driver != a.driver) continue;
      auto [alo, ahi] = range(a);
      auto [blo, bhi] = range(b);
      if (ahi < blo || bhi < alo) continue;
      std::string k = a.at.key + ".minor";
      ctx.error(k, ctx.line_of(k, a.at.line),
                "minors overlap those of " + b.at.key + " (line " +
                    std::to_string(b.at.line) + ") for driver \"" + a.driver +
                    "\"");
      break;
    }
  }
}

// Folders first: a plugin's name is looked for in them.
void check_module_path(Ctx &ctx, const Config &cfg) {
  for (size_t i = 0; i < cfg.module_path.size(); ++i) {
    const std::string &dir = cfg.module_path[i];
    std::string k = "module_path[" + std::to_string(i) + "]";
    int line = ctx.line_of(k, ctx.line_of("module_path", 0));
    struct stat st {};
    if (stat(dir.c_str(), &st) != 0)
      ctx.error(k, line, "cannot use \"" + dir + "\": " + strerror(errno));
    else if (!S_ISDIR(st.st_mode))
      ctx.error(k, line, "\"" + dir + "\" is not a folder");
  }
}

void check_plugins(Ctx &ctx, const Config &cfg) {
  for (size_t i = 0; i < cfg.plugins.size(); ++i) {
    std::string k = "plugins[" + std::to_string(i) + "]";
    int line = ctx.line_of(k, ctx.line_of("plugins", 0));
    std::string path = plugin_file(cfg.module_path, cfg.plugins[i]);
    struct stat st {};
    if (path.empty()) {
      ctx.error(k, line, "no plugin \"" + cfg.plugins[i] + "\": " +
                             plugin_missing(cfg.module_path, cfg.plugins[i]));
    } else if (stat(path.c_str(), &st) != 0) {
      ctx.error(k, line, "cannot use \"" + path + "\": " + strerror(errno));
    } else if (!S_ISREG(st.st_mode)) {
      ctx.error(k, line, "\"" + path + "\" is not a regular file");
    } else if (access(path.c_str(), R_OK) != 0) {
      ctx.error(k, line, "cannot read \"" + path + "\": " + strerror(errno));
    }
  }
}

// [apps]: a driver offered twice would have two sets of rights, and a
// socket shared with [control] would be bound twice (the second bind
// fails at start, after the dataplane is up).
void check_apps(Ctx &ctx, const Config &cfg) {
  const auto &devs = cfg.apps.devices;
  for (size_t i = 0; i < devs.size(); ++i) {
    if (devs[i].name.empty()) continue;  // reported when decoded
    for (size_t j = 0; j < i; ++j) {
      if (devs[j].name != devs[i].name) continue;
      // Both share the key "apps.device.NAME": its lines are the last's.
      std::string k = "apps.device." + devs[i].name + ".name";
      ctx.error(k, ctx.line_of(k, devs[i].line),
                "device \"" + devs[i].name +
                    "\" is offered twice (first at line " +
                    std::to_string(devs[j].line) + ")");
      break;
    }
  }
  // A stream's name is its name in the process (strdp_stream_set_name)
  // and what an application opens: unique among streams and devices.
  const auto &ss = cfg.apps.streams;
  for (size_t i = 0; i < ss.size(); ++i) {
    if (ss[i].name.empty()) continue;  // reported when decoded
    std::string k = "apps.stream." + ss[i].name + ".name";
    std::string clash;
    for (size_t j = 0; j < i && clash.empty(); ++j)
      if (ss[j].name == ss[i].name)
        clash = "is offered twice (first at line " + std::to_string(ss[j].line) + ")";
    if (clash.empty() && cfg.apps.device(ss[i].name) != nullptr)
      clash = "is also an [[apps.device]]: an application's open could mean either";
    if (clash.empty() && cfg.stream(ss[i].name) != nullptr)
      clash = "is also a [[stream]] (stream names are unique in the daemon)";
    if (!clash.empty())
      ctx.error(k, ctx.line_of(k, ss[i].line), "stream \"" + ss[i].name + "\" " + clash);
  }
  if (!cfg.apps.enabled) return;  // its socket is not bound
  auto norm = [](const std::string &p) {
    return std::filesystem::path(p).lexically_normal();
  };
  if (norm(cfg.apps.socket) != norm(cfg.control.socket)) return;
  std::string k = ctx.lines.count("apps.socket") ? "apps.socket"
                                                 : "control.socket";
  ctx.error(k, ctx.line_of(k, ctx.line_of("apps", 0)),
            "\"" + cfg.apps.socket +
                "\" is the control socket too ([control] socket); give "
                "applications a socket of their own");
}

}  // namespace

void check(Ctx &ctx, Config &cfg) {
  check_ports(ctx, cfg);
  unique_names(ctx, cfg.streams, "stream");
  settle_workers(ctx, cfg);
  for (size_t i = 0; i < cfg.streams.size(); ++i) check_stream(ctx, cfg, i);
  check_links(ctx, cfg);
  check_ip(ctx, cfg);
  check_autopush(ctx, cfg);
  check_module_path(ctx, cfg);
  check_plugins(ctx, cfg);
  check_apps(ctx, cfg);
}

}  // namespace strdp::config::detail

namespace strdp::config {

std::vector<Error> check_lcores(const Config &cfg, const EalLcores &eal) {
  std::vector<Error> out;
  std::vector<unsigned> sorted = eal.lcores;
  std::sort(sorted.begin(), sorted.end());
  std::string enabled = detail::format_lcores(sorted);
  for (unsigned w : cfg.workers) {
    std::string msg;
    if (w == eal.main_lcore) {
      msg = "lcore " + std::to_string(w) +
            " is the EAL's main lcore (it runs the control thread, not a "
            "poll loop)";
    } else if (!std::binary_search(sorted.begin(), sorted.end(), w)) {
      msg = "lcore " + std::to_string(w) +
            " is not enabled in the EAL (its lcores: " + enabled + ")";
    } else {
      continue;
    }
    out.push_back({cfg.workers_at, std::move(msg)});
  }
  return out;
}

}  // namespace strdp::config
