// DPDK telemetry commands for strdp (see telemetry.h).
#include "telemetry/telemetry.h"

#include <rte_lcore.h>
#include <rte_telemetry.h>

#include <cerrno>
#include <iterator>
#include <mutex>
#include <vector>

#include "control/json_views.h"
#include "daemon/counters.h"
#include "daemon/dataplane.h"

namespace strdp::telemetry {

namespace {

// DPDK keeps the callbacks for the process's life: they find the
// dataplane here, under a mutex that withdraw() takes, so a callback
// never runs on a dataplane being stopped.
std::mutex g_mu;
daemon::Dataplane *g_dp = nullptr;
std::string g_socket;
bool g_registered = false;

// Telemetry dict keys allow [A-Za-z0-9_/] only.
std::string key(std::string s) {
  for (char &c : s)
    if (!isalnum(static_cast<unsigned char>(c)) && c != '_' && c != '/') c = '_';
  return s;
}

int add_u64_array(rte_tel_data *d, const char *name, const std::vector<uint64_t> &v) {
  rte_tel_data *a = rte_tel_data_alloc();
  if (a == nullptr) return -ENOMEM;
  rte_tel_data_start_array(a, RTE_TEL_U64_VAL);
  for (uint64_t x : v) rte_tel_data_add_array_u64(a, x);
  return rte_tel_data_add_dict_container(d, name, a, 0);
}

int add_str_array(rte_tel_data *d, const char *name, const std::vector<std::string> &v) {
  rte_tel_data *a = rte_tel_data_alloc();
  if (a == nullptr) return -ENOMEM;
  rte_tel_data_start_array(a, RTE_TEL_STRING_VAL);
  for (const std::string &x : v) rte_tel_data_add_array_string(a, x.c_str());
  return rte_tel_data_add_dict_container(d, name, a, 0);
}

int cb_streams(const char *, const char *, rte_tel_data *d) {
  std::lock_guard lock(g_mu);
  if (g_dp == nullptr) return -ESHUTDOWN;
  rte_tel_data_start_array(d, RTE_TEL_STRING_VAL);
  for (const std::string &n : g_dp->stream_names()) rte_tel_data_add_array_string(d, n.c_str());
  return 0;
}

int cb_info(const char *, const char *, rte_tel_data *d) {
  std::lock_guard lock(g_mu);
  if (g_dp == nullptr) return -ESHUTDOWN;
  std::vector<daemon::StreamInfo> v;
  daemon::Status st = g_dp->list(&v);
  if (!st.ok()) return -st.err;
  rte_tel_data_start_dict(d);
  rte_tel_data_add_dict_string(d, "version", STRDP_VERSION);
  rte_tel_data_add_dict_u64(d, "streams", v.size());
  uint64_t lanes = 0;
  for (const auto &s : v) lanes += s.lanes.size();
  rte_tel_data_add_dict_u64(d, "lanes", lanes);
  rte_tel_data_add_dict_u64(d, "main_lcore", rte_get_main_lcore());
  rte_tel_data_add_dict_u64(d, "lcores", rte_lcore_count());
  rte_tel_data_add_dict_string(d, "control_socket", g_socket.c_str());
  return 0;
}

int cb_stream(const char *, const char *params, rte_tel_data *d) {
  if (params == nullptr || *params == '\0') return -EINVAL;  // "/strdp/stream,<name>"
  std::lock_guard lock(g_mu);
  if (g_dp == nullptr) return -ESHUTDOWN;
  std::vector<daemon::StreamStats> v;
  daemon::Status st = g_dp->stats(params, &v);
  if (!st.ok() || v.empty()) return -(st.err != 0 ? st.err : ENOENT);
  stream_dict(v.front(), d);
  return 0;
}

// "<mux>" or "<mux>,<interface>".
int cb_ip(const char *, const char *params, rte_tel_data *d) {
  if (params == nullptr || *params == '\0') return -EINVAL;
  std::string p(params), mux = p.substr(0, p.find(',')), only;
  if (p.size() > mux.size()) only = p.substr(mux.size() + 1);
  std::lock_guard lock(g_mu);
  if (g_dp == nullptr) return -ESHUTDOWN;
  std::vector<ip_if_stats> v;
  daemon::Status st = g_dp->ip_interfaces(mux, &v);
  if (!st.ok()) return -st.err;
  if (!only.empty()) {
    std::erase_if(v, [&](const ip_if_stats &s) { return only != s.is_name; });
    if (v.empty()) return -ENOENT;
  }
  ip_dict(v, d);
  return 0;
}

}  // namespace

void ip_dict(const std::vector<ip_if_stats> &v, rte_tel_data *d) {
  rte_tel_data_start_dict(d);
  for (const ip_if_stats &s : v) {
    rte_tel_data *c = rte_tel_data_alloc();
    if (c == nullptr) continue;
    rte_tel_data_start_dict(c);
    auto add = [c](const std::string &k, const nlohmann::json &x) {
      if (x.is_string())
        rte_tel_data_add_dict_string(c, key(k).c_str(), x.get<std::string>().c_str());
      else if (x.is_boolean())
        rte_tel_data_add_dict_u64(c, key(k).c_str(), x.get<bool>() ? 1 : 0);
      else if (x.is_number_unsigned())
        rte_tel_data_add_dict_u64(c, key(k).c_str(), x.get<uint64_t>());
    };
    const nlohmann::json j = control::to_json(s);
    for (const auto &[k, x] : j.items()) {
      if (k == "counters")
        for (const auto &[ck, cx] : x.items()) add(ck, cx);
      else if (k == "drops")
        for (const auto &[dk, dx] : x.items()) add("drop_" + dk, dx);
      else if (k != "name")
        add(k, x);
    }
    rte_tel_data_add_dict_container(d, key(s.is_name).c_str(), c, 0);
  }
}

// Every counter by its name in the lists (counters.h): a counter added
// there is here too.
void stream_dict(const daemon::StreamStats &s, rte_tel_data *d) {
  rte_tel_data_start_dict(d);
  rte_tel_data_add_dict_string(d, "name", s.name.c_str());
  rte_tel_data_add_dict_string(d, "driver", s.driver.c_str());
  rte_tel_data_add_dict_u64(d, "lanes", s.lanes);
  std::vector<std::string> modules, queues;
  std::vector<std::vector<uint64_t>> counters(std::size(daemon::kQueueCounters));
  std::vector<std::vector<uint64_t>> drops(STRDP_DROP_REASONS);
  const int driver_depth = s.queues.empty() ? 0 : s.queues.back().depth;
  for (const daemon::QueueCounters &q : s.queues) {
    if (q.depth > 0 && q.depth < driver_depth && !q.write_side) modules.push_back(q.name);
    queues.push_back(q.name + (q.write_side ? ".write" : ".read"));
    for (size_t i = 0; i < counters.size(); ++i)
      counters[i].push_back(q.st.*daemon::kQueueCounters[i].field);
    for (int r = 0; r < STRDP_DROP_REASONS; ++r) drops[r].push_back(q.st.drops[r]);
  }
  add_str_array(d, "modules", modules);
  add_str_array(d, "queues", queues);
  for (size_t i = 0; i < counters.size(); ++i)
    add_u64_array(d, daemon::kQueueCounters[i].name, counters[i]);
  for (int r = 0; r < STRDP_DROP_REASONS; ++r)
    add_u64_array(d, key(std::string("drops_") + daemon::drop_name(r)).c_str(), drops[r]);
  if (s.pmd)
    for (const auto &c : daemon::kPmdCounters)
      rte_tel_data_add_dict_u64(d, (std::string("pmd_") + c.name).c_str(), (*s.pmd).*c.field);
}

bool publish(daemon::Dataplane *dp, const std::string &control_socket) {
  std::lock_guard lock(g_mu);
  if (!g_registered) {
    if (rte_telemetry_register_cmd("/strdp/streams", cb_streams,
                                   "strdp stream names. Takes no parameters") != 0 ||
        rte_telemetry_register_cmd("/strdp/stream", cb_stream,
                                   "A stream's stack and per-queue counters, summed over its "
                                   "lanes. Parameters: stream name") != 0 ||
        rte_telemetry_register_cmd("/strdp/ip", cb_ip,
                                   "An ip stream's interfaces and every counter, summed over "
                                   "lanes. Parameters: stream name[,interface]") != 0 ||
        rte_telemetry_register_cmd("/strdp/info", cb_info,
                                   "strdp version, streams, lanes, control socket. Takes no "
                                   "parameters") != 0)
      return false;
    g_registered = true;
  }
  g_dp = dp;
  g_socket = control_socket;
  return true;
}

void withdraw() {
  std::lock_guard lock(g_mu);
  g_dp = nullptr;
}

}  // namespace strdp::telemetry
