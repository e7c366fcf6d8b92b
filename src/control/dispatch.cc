// Requests in, replies out: reading and checking a request's fields, and
// one handler per command. Nothing here trusts the request: every field
// is checked for presence, type and size before the dataplane sees it,
// and every failure is a reply, never an exception or a crash.
#include <nlohmann/json.hpp>

#include <exception>
#include <functional>

#include "control/json_views.h"
#include "control/protocol.h"
#include "daemon/dataplane.h"
#include "daemon/leak_check.h"

namespace strdp::control {

using nlohmann::json;

namespace {

std::string dump(const json &j) {
  // Replace, never throw, on bytes that are not UTF-8 (a module name the
  // registry holds could in theory carry any byte).
  return j.dump(-1, ' ', false, json::error_handler_t::replace);
}

// A request's fields, checked one by one; the first problem wins.
class Fields {
 public:
  explicit Fields(const json &req) : req_(req) {}
  bool ok() const { return error_.empty(); }
  const std::string &error() const { return error_; }

  // A required (or optional, when def is given) string of 1..max bytes.
  std::string str(const char *key, size_t max, const char *def = nullptr) {
    if (!ok()) return {};
    auto it = req_.find(key);
    if (it == req_.end() || it->is_null()) {
      if (def == nullptr) error_ = std::string("missing field \"") + key + "\"";
      return def != nullptr ? def : "";
    }
    if (!it->is_string()) {
      error_ = std::string("field \"") + key + "\" must be a string";
      return {};
    }
    const std::string &s = it->get_ref<const std::string &>();
    if (s.size() > max) {
      error_ = std::string("field \"") + key + "\" is longer than " + std::to_string(max) +
               " bytes";
      return {};
    }
    if (s.empty() && def == nullptr) {
      error_ = std::string("field \"") + key + "\" is empty";
      return {};
    }
    for (char c : s)
      if (static_cast<unsigned char>(c) < 0x20) {
        error_ = std::string("field \"") + key + "\" holds a control character";
        return {};
      }
    return s;
  }

  bool boolean(const char *key, bool def) {
    if (!ok()) return def;
    auto it = req_.find(key);
    if (it == req_.end() || it->is_null()) return def;
    if (!it->is_boolean()) {
      error_ = std::string("field \"") + key + "\" must be true or false";
      return def;
    }
    return it->get<bool>();
  }

 private:
  const json &req_;
  std::string error_;
};

using Handler = std::function<daemon::Status(daemon::Dataplane &, Fields &, json &)>;

daemon::Status bad(const Fields &f) { return daemon::Status::fail(EINVAL, f.error()); }

daemon::Status cmd_list(daemon::Dataplane &dp, Fields &, json &out) {
  std::vector<daemon::StreamInfo> v;
  daemon::Status st = dp.list(&v);
  if (!st.ok()) return st;
  json a = json::array();
  for (const auto &s : v) a.push_back(to_json(s));
  out["streams"] = std::move(a);
  return st;
}

daemon::Status cmd_stats(daemon::Dataplane &dp, Fields &f, json &out) {
  std::string name = f.str("stream", kMaxName, "");
  if (!f.ok()) return bad(f);
  std::vector<daemon::StreamStats> v;
  daemon::Status st = dp.stats(name, &v);
  if (!st.ok()) return st;
  json a = json::array();
  for (const auto &s : v) a.push_back(to_json(s));
  out["streams"] = std::move(a);
  // Buffers out of every message pool now: what a test compares with a
  // baseline to see that a dead application's messages came back.
  out["mbufs_in_use"] = daemon::LeakCheck::in_use();
  return st;
}

// The stack after a change, so the caller sees what it did.
void add_stack(daemon::Dataplane &dp, const std::string &stream, json &out) {
  std::vector<daemon::StreamInfo> v;
  if (!dp.list(&v).ok()) return;
  for (const auto &s : v)
    if (s.name == stream) out["modules"] = s.modules;
}

daemon::Status cmd_push(daemon::Dataplane &dp, Fields &f, json &out) {
  std::string stream = f.str("stream", kMaxName);
  std::string module = f.str("module", kMaxName);
  std::string args = f.str("args", kMaxArgs, "");
  if (!f.ok()) return bad(f);
  daemon::Status st = dp.push(stream, module, args);
  if (st.ok()) {
    out["stream"] = stream;
    out["pushed"] = module;
    add_stack(dp, stream, out);
  }
  return st;
}

daemon::Status cmd_pop(daemon::Dataplane &dp, Fields &f, json &out) {
  std::string stream = f.str("stream", kMaxName);
  if (!f.ok()) return bad(f);
  std::string popped;
  unsigned passes = 0;
  daemon::Status st = dp.pop(stream, &popped, &passes);
  if (st.ok()) {
    out["stream"] = stream;
    out["popped"] = popped;
    out["drain_passes"] = passes;
    add_stack(dp, stream, out);
  }
  return st;
}

daemon::Status cmd_link(daemon::Dataplane &dp, Fields &f, json &out) {
  std::string mux = f.str("mux", kMaxName);
  std::string lower = f.str("lower", kMaxName);
  bool persistent = f.boolean("persistent", true);
  if (!f.ok()) return bad(f);
  daemon::Status st = dp.link(mux, lower, persistent);
  if (st.ok()) {
    out["mux"] = mux;
    out["lower"] = lower;
    out["persistent"] = persistent;
  }
  return st;
}

daemon::Status cmd_unlink(daemon::Dataplane &dp, Fields &f, json &out) {
  std::string mux = f.str("mux", kMaxName);
  std::string lower = f.str("lower", kMaxName);
  if (!f.ok()) return bad(f);
  daemon::Status st = dp.unlink(mux, lower);
  if (st.ok()) {
    out["mux"] = mux;
    out["lower"] = lower;
  }
  return st;
}

// route: op "add" (dst, and via, interface or reject), "del" (dst),
// "list", on the ip stream mux. Addresses are checked here, as text.
daemon::Status cmd_route(daemon::Dataplane &dp, Fields &f, json &out) {
  std::string op = f.str("op", 8);
  config::RouteSpec rt;
  rt.mux = f.str("mux", kMaxName);
  std::string dst = f.str("dst", 32, op == "list" ? "" : nullptr);
  std::string via = f.str("via", 32, "");
  rt.interface = f.str("interface", kMaxName, "");
  rt.reject = f.boolean("reject", false);
  if (!f.ok()) return bad(f);
  if (op != "list" && !config::parse_ipv4_prefix(dst, &rt.dst))
    return daemon::Status::fail(EINVAL, "dst: expected a prefix like 10.9.0.0/16, got \"" + dst + "\"");
  if (!via.empty() && !config::parse_ipv4(via, &rt.via))
    return daemon::Status::fail(EINVAL, "via: expected an IPv4 address, got \"" + via + "\"");
  std::vector<daemon::RouteInfo> list;
  daemon::Status st = dp.route(op, rt, &list);
  if (!st.ok()) return st;
  out["mux"] = rt.mux;
  out["op"] = op;
  if (op == "list") {
    json a = json::array();
    for (const auto &r : list)
      a.push_back({{"dst", r.dst}, {"via", r.via}, {"interface", r.interface}, {"kind", r.kind}});
    out["routes"] = std::move(a);
  } else {
    out["dst"] = dst;
  }
  return st;
}

// ip: the interfaces of an ip stream with every counter, by the names
// of <strdp/ip.h>'s lists (drops by reason under "drops").
daemon::Status cmd_ip(daemon::Dataplane &dp, Fields &f, json &out) {
  std::string mux = f.str("mux", kMaxName);
  if (!f.ok()) return bad(f);
  std::vector<ip_if_stats> v;
  daemon::Status st = dp.ip_interfaces(mux, &v);
  if (!st.ok()) return st;
  json a = json::array();
  for (const ip_if_stats &s : v) a.push_back(control::to_json(s));
  out["mux"] = mux;
  out["interfaces"] = std::move(a);
  return st;
}

daemon::Status cmd_load(daemon::Dataplane &dp, Fields &f, json &out) {
  std::string path = f.str("path", kMaxPath);
  if (!f.ok()) return bad(f);
  daemon::Status st = dp.load(path);
  if (st.ok()) out["loaded"] = path;
  return st;
}

daemon::Status cmd_ports(daemon::Dataplane &dp, Fields &, json &out) {
  std::vector<daemon::PortInfo> v;
  daemon::Status st = dp.ports(&v);
  if (!st.ok()) return st;
  json a = json::array();
  for (const auto &p : v) a.push_back(to_json(p));
  out["ports"] = std::move(a);
  return st;
}

daemon::Status cmd_stop(daemon::Dataplane &, Fields &, json &) {
  return daemon::Status::fail(EPERM,
                              "stop is not a control command: send SIGTERM (or SIGINT) to "
                              "streamsd, e.g. systemctl stop or kill");
}

struct Command {
  const char *name;
  Handler fn;
};

const Command kCommands[] = {
    {"list", cmd_list},     {"stats", cmd_stats},   {"push", cmd_push},
    {"pop", cmd_pop},       {"link", cmd_link},     {"unlink", cmd_unlink},
    {"load", cmd_load},     {"ports", cmd_ports},   {"route", cmd_route},
    {"ip", cmd_ip},         {"stop", cmd_stop},
};

json reply_error(const std::string &msg) { return {{"ok", false}, {"error", msg}}; }

}  // namespace

std::string Dispatcher::error_reply(std::string_view msg) {
  return dump(reply_error(std::string(msg)));
}

std::string Dispatcher::handle(std::string_view line) {
  try {
    if (line.size() > kMaxRequest)
      return error_reply("request longer than " + std::to_string(kMaxRequest) + " bytes");
    json req = json::parse(line.begin(), line.end(), nullptr, /*allow_exceptions=*/false);
    if (req.is_discarded()) return error_reply("malformed JSON");
    if (!req.is_object()) return error_reply("a request must be a JSON object");
    json reply;
    auto id = req.find("id");
    auto cmd = req.find("cmd");
    if (cmd == req.end() || !cmd->is_string()) {
      reply = reply_error(cmd == req.end() ? "missing field \"cmd\""
                                           : "field \"cmd\" must be a string");
    } else {
      const std::string &name = cmd->get_ref<const std::string &>();
      const Command *c = nullptr;
      for (const Command &k : kCommands)
        if (name == k.name) c = &k;
      if (c == nullptr) {
        reply = reply_error("unknown command \"" + name.substr(0, kMaxName) +
                            "\" (list, stats, push, pop, link, unlink, load, ports, route, ip)");
      } else {
        Fields f(req);
        json out = json::object();
        daemon::Status st = c->fn(dp_, f, out);
        if (st.ok() && apps_ != nullptr && (name == "list" || name == "stats"))
          add_apps(*apps_, name == "stats", out);
        if (st.ok()) {
          reply = {{"ok", true}};
          reply.update(out);
        } else {
          reply = reply_error(st.msg.empty() ? strerror(st.err) : st.msg);
        }
      }
    }
    if (id != req.end()) reply["id"] = *id;
    return dump(reply);
  } catch (const std::exception &e) {
    return error_reply(std::string("internal error: ") + e.what());
  } catch (...) {
    return error_reply("internal error");
  }
}

}  // namespace strdp::control
