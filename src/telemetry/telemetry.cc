// DPDK telemetry commands for strdp (see telemetry.h).
#include "telemetry/telemetry.h"

#include <rte_lcore.h>
#include <rte_telemetry.h>

#include <cerrno>
#include <mutex>
#include <vector>

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
  const daemon::StreamStats &s = v.front();
  rte_tel_data_start_dict(d);
  rte_tel_data_add_dict_string(d, "name", s.name.c_str());
  rte_tel_data_add_dict_string(d, "driver", s.driver.c_str());
  rte_tel_data_add_dict_u64(d, "lanes", s.lanes);
  std::vector<std::string> modules, queues;
  std::vector<uint64_t> put, srv, qmsgs, qbytes, blocked;
  std::vector<std::vector<uint64_t>> drops(STRDP_DROP_REASONS);
  const int driver_depth = s.queues.empty() ? 0 : s.queues.back().depth;
  for (const daemon::QueueCounters &q : s.queues) {
    if (q.depth > 0 && q.depth < driver_depth && !q.write_side) modules.push_back(q.name);
    queues.push_back(q.name + (q.write_side ? ".write" : ".read"));
    put.push_back(q.st.put_calls);
    srv.push_back(q.st.srv_calls);
    qmsgs.push_back(q.st.queued_msgs);
    qbytes.push_back(q.st.queued_bytes);
    blocked.push_back(q.st.flow_blocked);
    for (int r = 0; r < STRDP_DROP_REASONS; ++r) drops[r].push_back(q.st.drops[r]);
  }
  add_str_array(d, "modules", modules);
  add_str_array(d, "queues", queues);
  add_u64_array(d, "put_calls", put);
  add_u64_array(d, "srv_calls", srv);
  add_u64_array(d, "queued_msgs", qmsgs);
  add_u64_array(d, "queued_bytes", qbytes);
  add_u64_array(d, "flow_blocked", blocked);
  for (int r = 0; r < STRDP_DROP_REASONS; ++r)
    add_u64_array(d, key(std::string("drops_") +
                         strdp_drop_reason_name(static_cast<strdp_drop_reason>(r)))
                         .c_str(),
                  drops[r]);
  if (s.pmd) {
    rte_tel_data_add_dict_u64(d, "pmd_rx_frames", s.pmd->rx_frames);
    rte_tel_data_add_dict_u64(d, "pmd_rx_bytes", s.pmd->rx_bytes);
    rte_tel_data_add_dict_u64(d, "pmd_rx_filtered", s.pmd->rx_filtered);
    rte_tel_data_add_dict_u64(d, "pmd_rx_paused", s.pmd->rx_paused);
    rte_tel_data_add_dict_u64(d, "pmd_tx_frames", s.pmd->tx_frames);
    rte_tel_data_add_dict_u64(d, "pmd_tx_bytes", s.pmd->tx_bytes);
    rte_tel_data_add_dict_u64(d, "pmd_tx_invalid", s.pmd->tx_invalid);
    rte_tel_data_add_dict_u64(d, "pmd_rx_nomem", s.pmd->rx_nomem);
  }
  return 0;
}

}  // namespace

bool publish(daemon::Dataplane *dp, const std::string &control_socket) {
  std::lock_guard lock(g_mu);
  if (!g_registered) {
    if (rte_telemetry_register_cmd("/strdp/streams", cb_streams,
                                   "strdp stream names. Takes no parameters") != 0 ||
        rte_telemetry_register_cmd("/strdp/stream", cb_stream,
                                   "A stream's stack and per-queue counters, summed over its "
                                   "lanes. Parameters: stream name") != 0 ||
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
