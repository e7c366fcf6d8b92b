// strctl's tables. Replies come from the daemon but are still checked:
// a missing or mistyped field prints as "?" rather than throwing.
#include "format.h"

#include <algorithm>
#include <cctype>
#include <string>
#include <vector>

namespace strctl {

using nlohmann::json;

namespace {

std::string scalar(const json &v) {
  if (v.is_null()) return "-";
  if (v.is_string()) return v.get<std::string>();
  if (v.is_number_unsigned()) return std::to_string(v.get<uint64_t>());
  if (v.is_number_integer()) return std::to_string(v.get<int64_t>());
  if (v.is_boolean()) return v.get<bool>() ? "yes" : "no";
  return "?";
}

std::string str(const json &j, const char *k) {
  auto it = j.find(k);
  return it == j.end() ? "-" : scalar(*it);
}

// A counter object as "name=value" pairs, whatever its members are (a
// counter the daemon adds shows up with no change here); a nested
// object (drops by reason) gives "name.member=value". skip_zero: only
// what is not 0, for a table cell that would be mostly zeros.
std::string pairs(const json &obj, bool skip_zero, const std::string &prefix = "") {
  std::string s;
  for (const auto &[k, v] : obj.items()) {
    std::string part;
    if (v.is_object())
      part = pairs(v, skip_zero, prefix + k + ".");
    else if (!(skip_zero && v.is_number() && v == 0))
      part = prefix + k + "=" + scalar(v);
    if (!part.empty()) s += (s.empty() ? "" : " ") + part;
  }
  return s;
}

std::string upper(std::string s) {
  for (char &c : s) c = static_cast<char>(toupper(static_cast<unsigned char>(c)));
  return s;
}

const json &arr(const json &j, const char *k) {
  static const json empty = json::array();
  auto it = j.find(k);
  return it != j.end() && it->is_array() ? *it : empty;
}

// Columns sized to their widest cell; the last column is not padded.
class Table {
 public:
  explicit Table(std::vector<std::string> head) { rows_.push_back(std::move(head)); }
  void add(std::vector<std::string> row) { rows_.push_back(std::move(row)); }
  void print(FILE *out, const char *indent = "") const {
    std::vector<size_t> w;
    for (const auto &r : rows_)
      for (size_t i = 0; i < r.size(); ++i) {
        if (w.size() <= i) w.push_back(0);
        w[i] = std::max(w[i], r[i].size());
      }
    for (const auto &r : rows_) {
      std::string line = indent;
      for (size_t i = 0; i < r.size(); ++i) {
        line += r[i];
        if (i + 1 < r.size()) line += std::string(w[i] - r[i].size() + 2, ' ');
      }
      fprintf(out, "%s\n", line.c_str());
    }
  }

 private:
  std::vector<std::vector<std::string>> rows_;
};

std::string join(const json &a, const char *sep) {
  std::string s;
  for (const json &x : a) {
    if (!s.empty()) s += sep;
    s += x.is_string() ? x.get<std::string>() : "?";
  }
  return s.empty() ? "-" : s;
}

}  // namespace

static void print_configured(FILE *out, const json &apps);
static void print_app_counters(FILE *out, const json &reply);

void print_list(FILE *out, const json &reply) {
  Table t({"STREAM", "DRIVER", "PORT", "LANES (lane@lcore)", "STACK (top-down)", "LINK"});
  for (const json &s : arr(reply, "streams")) {
    std::string lanes;
    for (const json &l : arr(s, "lanes"))
      lanes += (lanes.empty() ? "" : ",") + str(l, "lane") + "@" + str(l, "lcore");
    std::string link = "-";
    auto lu = s.find("linked_under");
    if (lu != s.end() && lu->is_object())
      link = "under " + str(*lu, "mux") + (str(*lu, "persistent") == "yes" ? " (persistent)" : "");
    else if (!arr(s, "lowers").empty())
      link = "lowers: " + join(arr(s, "lowers"), ",");
    t.add({str(s, "name"), str(s, "driver"), str(s, "port"), lanes.empty() ? "-" : lanes,
           join(arr(s, "modules"), " > "), link});
  }
  t.print(out);
  auto a = reply.find("apps");
  if (a == reply.end() || !a->is_object()) return;
  fprintf(out, "\napplication streams (%s, %s connected)\n", str(*a, "socket").c_str(),
          str(*a, "connections").c_str());
  Table at({"ID", "OPENED", "PID", "UID", "GID", "STACK (top-down)", "LINKED"});
  for (const json &s : arr(*a, "streams"))
    at.add({str(s, "id"), str(s, "name"), str(s, "pid"), str(s, "uid"), str(s, "gid"),
            join(arr(s, "modules"), " > "), str(s, "linked")});
  at.print(out, "  ");
  print_configured(out, *a);
}

// A queue's members other than these are its counters: numbers get a
// column each, objects (drops) a column of their non-zero pairs.
static bool queue_identity(const std::string &k) {
  return k == "position" || k == "name" || k == "depth" || k == "side";
}

static void print_queues(FILE *out, const json &queues) {
  std::vector<std::string> nums, objs;
  auto seen = [](const std::vector<std::string> &v, const std::string &k) {
    return std::find(v.begin(), v.end(), k) != v.end();
  };
  for (const json &q : queues)
    for (const auto &[k, v] : q.items()) {
      if (queue_identity(k) || seen(nums, k) || seen(objs, k)) continue;
      if (v.is_number()) nums.push_back(k);
      else if (v.is_object()) objs.push_back(k);
    }
  std::vector<std::string> head = {"POS", "QUEUE", "SIDE"};
  for (const auto &k : nums) head.push_back(upper(k));
  for (const auto &k : objs) head.push_back(upper(k));
  Table t(std::move(head));
  for (const json &q : queues) {
    std::vector<std::string> row = {str(q, "position"), str(q, "name"), str(q, "side")};
    for (const auto &k : nums) row.push_back(str(q, k.c_str()));
    for (const auto &k : objs) {
      auto it = q.find(k);
      std::string cell = it != q.end() && it->is_object() ? pairs(*it, true) : "";
      row.push_back(cell.empty() ? "0" : cell);
    }
    t.add(std::move(row));
  }
  t.print(out, "  ");
}

void print_stats(FILE *out, const json &reply) {
  bool first = true;
  for (const json &s : arr(reply, "streams")) {
    if (!first) fprintf(out, "\n");
    first = false;
    fprintf(out, "stream %s (%s, %s lane(s))\n", str(s, "name").c_str(), str(s, "driver").c_str(),
            str(s, "lanes").c_str());
    print_queues(out, arr(s, "queues"));
    // The stream's own counter sets ("pmd" for a pmd stream), one line each.
    for (const auto &[k, v] : s.items())
      if (v.is_object()) fprintf(out, "  %s: %s\n", k.c_str(), pairs(v, false).c_str());
  }
  print_app_counters(out, reply);
}

// [[apps.stream]]: who has each, what waits in it, what it dropped.
static void print_configured(FILE *out, const json &apps) {
  const json &rows = arr(apps, "configured");
  if (rows.empty()) return;
  fprintf(out, "  configured streams ([[apps.stream]])\n");
  Table t({"NAME", "PID", "STACK (top-down)", "QUEUED", "DROPS"});
  for (const json &r : rows) {
    std::string pid = str(r, "pid");
    t.add({str(r, "name"), pid == "0" ? "-" : pid, join(arr(r, "modules"), " > "),
           str(r, "queued"), str(r, "drops")});
  }
  t.print(out, "    ");
}

static void print_app_counters(FILE *out, const json &reply) {
  auto a = reply.find("apps");
  if (a == reply.end() || !a->is_object()) return;
  auto c = a->find("counters");
  if (c == a->end() || !c->is_object()) return;
  fprintf(out, "\napps service (%s, %s connected)\n", str(*a, "socket").c_str(),
          str(*a, "connections").c_str());
  std::string line;
  for (const auto &[k, v] : c->items())
    line += (line.empty() ? "  " : ", ") + k + " " +
            (v.is_number_unsigned() ? std::to_string(v.get<uint64_t>()) : "?");
  fprintf(out, "%s\n", line.c_str());
  print_configured(out, *a);
  if (reply.contains("mbufs_in_use"))
    fprintf(out, "message buffers in use: %s\n", str(reply, "mbufs_in_use").c_str());
}

void print_ports(FILE *out, const json &reply) {
  Table t({"PORT", "DEVICE", "ID", "QUEUES", "LINK", "MAC", "RX-PKTS", "RX-BYTES", "TX-PKTS",
           "TX-BYTES", "MISSED", "RX-ERR", "TX-ERR", "NOMBUF"});
  for (const json &p : arr(reply, "ports")) {
    static const json none = json::object();
    auto li = p.find("link");
    const json &link = li != p.end() && li->is_object() ? *li : none;
    auto si = p.find("stats");
    const json &st = si != p.end() && si->is_object() ? *si : none;
    std::string l = str(link, "up") == "yes" ? "up " + str(link, "speed_mbps") + "M" : "down";
    t.add({str(p, "name"), str(p, "device"), str(p, "port_id"), str(p, "queues"), l, str(p, "mac"),
           str(st, "ipackets"), str(st, "ibytes"), str(st, "opackets"), str(st, "obytes"),
           str(st, "imissed"), str(st, "ierrors"), str(st, "oerrors"), str(st, "rx_nombuf")});
  }
  t.print(out);
}

void print_routes(FILE *out, const json &reply) {
  if (str(reply, "op") != "list") {
    fprintf(out, "route %s %s on %s\n", str(reply, "op").c_str(), str(reply, "dst").c_str(),
            str(reply, "mux").c_str());
    return;
  }
  Table t({"DESTINATION", "VIA", "INTERFACE", "KIND"});
  for (const json &r : arr(reply, "routes"))
    t.add({str(r, "dst"), str(r, "via").empty() ? "-" : str(r, "via"),
           str(r, "interface").empty() ? "-" : str(r, "interface"), str(r, "kind")});
  t.print(out);
}

void print_ip(FILE *out, const json &reply) {
  for (const json &i : arr(reply, "interfaces")) {
    fprintf(out, "%s  %s  mtu %s  %s  %s  lanes %s  neighbours %s\n", str(i, "name").c_str(),
            str(i, "address").c_str(), str(i, "mtu").c_str(), str(i, "mac").c_str(),
            str(i, "up") == "yes" ? "up" : "down", str(i, "lanes").c_str(),
            str(i, "neighbours").c_str());
    for (const char *part : {"counters", "drops"}) {
      auto it = i.find(part);
      if (it == i.end() || !it->is_object()) continue;
      for (auto [k, v] : it->items())
        if (v.is_number() && v.get<uint64_t>() != 0)
          fprintf(out, "    %-28s %s\n", k.c_str(), v.dump().c_str());
    }
  }
}

bool route_request(const std::vector<std::string> &w, json &req) {
  if (w.size() < 2) return false;
  req["op"] = w[0];
  req["mux"] = w[1];
  if (w[0] == "list") return w.size() == 2;
  if (w.size() < 3) return false;
  req["dst"] = w[2];
  if (w[0] == "del") return w.size() == 3;
  if (w[0] != "add") return false;
  for (size_t i = 3; i < w.size(); ++i) {
    if (w[i] == "reject") {
      req["reject"] = true;
    } else if ((w[i] == "via" || w[i] == "dev") && i + 1 < w.size()) {
      req[w[i] == "via" ? "via" : "interface"] = w[i + 1];
      ++i;
    } else {
      return false;
    }
  }
  return w.size() > 3;
}

void print_done(FILE *out, const std::string &cmd, const json &reply) {
  if (cmd == "push")
    fprintf(out, "pushed %s on %s; stack now: %s\n", str(reply, "pushed").c_str(),
            str(reply, "stream").c_str(), join(arr(reply, "modules"), " > ").c_str());
  else if (cmd == "pop")
    fprintf(out, "popped %s from %s (drained in %s pass(es)); stack now: %s\n",
            str(reply, "popped").c_str(), str(reply, "stream").c_str(),
            str(reply, "drain_passes").c_str(), join(arr(reply, "modules"), " > ").c_str());
  else if (cmd == "link")
    fprintf(out, "linked %s under %s%s\n", str(reply, "lower").c_str(), str(reply, "mux").c_str(),
            str(reply, "persistent") == "yes" ? " (persistent)" : " (temporary)");
  else if (cmd == "unlink")
    fprintf(out, "unlinked %s from %s\n", str(reply, "lower").c_str(), str(reply, "mux").c_str());
  else if (cmd == "load")
    fprintf(out, "loaded %s\n", str(reply, "loaded").c_str());
}

}  // namespace strctl
