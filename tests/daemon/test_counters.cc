// The counters are declared once (STRDP_QSTATS_COUNTERS, STRDP_PMD_COUNTERS,
// STRDP_DROP_REASON_LIST) and every view is made from those lists: each
// field of strdp_qstats and strdp_pmd_stats, and each drop reason, must
// appear with its own value in a stream's JSON stats, in telemetry and in
// strctl's output. The structures are filled through their raw words, not
// by name, so a field that a view leaves out or reads twice shows up as a
// value missing or repeated, whatever the lists say.
#include <gtest/gtest.h>
#include <nlohmann/json.hpp>
#include <rte_eal.h>
#include <rte_telemetry.h>
#include <strdp/pmd.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include <cctype>
#include <chrono>
#include <cstddef>
#include <cstring>
#include <map>
#include <set>
#include <string>
#include <thread>

#include "control/json_views.h"
#include "control/protocol.h"
#include "dp_fixture.h"
#include "format.h"
#include "telemetry/telemetry.h"

namespace strdp::test {
namespace {

using nlohmann::json;

constexpr size_t kWords = sizeof(uint64_t);
constexpr size_t kPmdFields = sizeof(strdp_pmd_stats) / kWords;
constexpr size_t kQueueFields = sizeof(strdp_qstats) / kWords - STRDP_DROP_REASONS;
static_assert(sizeof(strdp_pmd_stats) % kWords == 0 && sizeof(strdp_qstats) % kWords == 0);

// S with its i-th 64-bit word set to base + i.
template <class S>
S words_from(uint64_t base) {
  uint64_t w[sizeof(S) / kWords];
  for (size_t i = 0; i < std::size(w); ++i) w[i] = base + i;
  S s;
  std::memcpy(&s, w, sizeof s);
  return s;
}

uint64_t word(size_t offset, uint64_t base) { return base + offset / kWords; }

// j[k], or null where j has no k (a const json's [] must not miss).
const json &at(const json &j, const std::string &k) {
  static const json none;
  auto it = j.find(k);
  return it == j.end() ? none : *it;
}

json reply_of(const json &stream) {
  return json{{"ok", true}, {"streams", json::array({stream})}};
}

// The key names scripts and docs rely on (docs/daemon.md), and where
// each field is: the lists may grow, these stay.
const std::map<std::string, size_t> kPmdKeys = {
    {"rx_frames", offsetof(strdp_pmd_stats, rx_frames)},
    {"rx_bytes", offsetof(strdp_pmd_stats, rx_bytes)},
    {"rx_filtered", offsetof(strdp_pmd_stats, rx_filtered)},
    {"rx_paused", offsetof(strdp_pmd_stats, rx_paused)},
    {"tx_frames", offsetof(strdp_pmd_stats, tx_frames)},
    {"tx_bytes", offsetof(strdp_pmd_stats, tx_bytes)},
    {"tx_invalid", offsetof(strdp_pmd_stats, tx_invalid)},
    {"rx_nomem", offsetof(strdp_pmd_stats, rx_nomem)}};
const std::map<std::string, size_t> kQueueKeys = {
    {"put_calls", offsetof(strdp_qstats, put_calls)},
    {"srv_calls", offsetof(strdp_qstats, srv_calls)},
    {"queued_msgs", offsetof(strdp_qstats, queued_msgs)},
    {"queued_bytes", offsetof(strdp_qstats, queued_bytes)},
    {"flow_blocked", offsetof(strdp_qstats, flow_blocked)}};

constexpr uint64_t kPmdBase = 1000;
uint64_t queue_base(size_t position) { return 100 * (position + 1); }

// Two lanes' worth of a pmd stream: head, one module, the driver.
daemon::StreamStats synthetic() {
  daemon::StreamStats s;
  s.name = "p0";
  s.driver = "pmd";
  s.lanes = 2;
  const char *names[] = {"head", "passmod", "pmd"};
  for (int i = 0; i < 6; ++i)
    s.queues.push_back(daemon::QueueCounters{names[i / 2], i / 2, i % 2 == 1,
                                             words_from<strdp_qstats>(queue_base(i))});
  s.pmd = words_from<strdp_pmd_stats>(kPmdBase);
  return s;
}

std::string drop_key(int r) {
  std::string k = std::string("drops_") + strdp_drop_reason_name(static_cast<strdp_drop_reason>(r));
  for (char &c : k)
    if (c == '-') c = '_';
  return k;
}

// Every value base..base+n-1 exactly once: each field read, none twice.
void expect_each_word_once(const std::multiset<uint64_t> &got, uint64_t base, size_t n,
                           const std::string &what) {
  std::multiset<uint64_t> want;
  for (size_t i = 0; i < n; ++i) want.insert(base + i);
  EXPECT_EQ(got, want) << what;
}

TEST(Counters, EveryFieldHasItsOwnKeyInTheJsonStats) {
  const daemon::StreamStats s = synthetic();
  json j = control::to_json(s);
  ASSERT_TRUE(j["pmd"].is_object()) << j;
  std::multiset<uint64_t> got;
  for (const auto &[k, v] : j["pmd"].items()) got.insert(v.get<uint64_t>());
  expect_each_word_once(got, kPmdBase, kPmdFields, "pmd");
  for (const auto &[k, off] : kPmdKeys) EXPECT_EQ(at(j["pmd"], k), word(off, kPmdBase)) << k;

  ASSERT_EQ(j["queues"].size(), s.queues.size());
  for (size_t i = 0; i < s.queues.size(); ++i) {
    const json &q = j["queues"][i];
    std::multiset<uint64_t> counters;
    for (const auto &[k, v] : q.items())
      if (k != "position" && k != "depth" && v.is_number()) counters.insert(v.get<uint64_t>());
    expect_each_word_once(counters, queue_base(i), kQueueFields, "queue " + std::to_string(i));
    for (const auto &[k, off] : kQueueKeys) EXPECT_EQ(at(q, k), word(off, queue_base(i))) << k;
    ASSERT_EQ(at(q, "drops").size(), static_cast<size_t>(STRDP_DROP_REASONS));
    for (int r = 0; r < STRDP_DROP_REASONS; ++r)
      EXPECT_EQ(at(q["drops"], strdp_drop_reason_name(static_cast<strdp_drop_reason>(r))),
                s.queues[i].st.drops[r]);
  }
}

// One command to DPDK's telemetry socket of this process; its reply.
json telemetry_call(const std::string &cmd) {
  std::string path = std::string(rte_eal_get_runtime_dir()) + "/dpdk_telemetry.v2";
  int fd = socket(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0);
  EXPECT_GE(fd, 0);
  sockaddr_un sa{};
  sa.sun_family = AF_UNIX;
  std::strncpy(sa.sun_path, path.c_str(), sizeof sa.sun_path - 1);
  if (connect(fd, reinterpret_cast<sockaddr *>(&sa), sizeof sa) != 0) {
    ADD_FAILURE() << "telemetry socket " << path << ": " << strerror(errno);
    close(fd);
    return nullptr;
  }
  std::string buf(1 << 16, '\0');
  ssize_t n = read(fd, buf.data(), buf.size());  // the greeting: version, max_output_len
  EXPECT_GT(n, 0);
  EXPECT_EQ(write(fd, cmd.data(), cmd.size()), static_cast<ssize_t>(cmd.size()));
  n = read(fd, buf.data(), buf.size());
  close(fd);
  if (n <= 0) return nullptr;
  json j = json::parse(buf.substr(0, static_cast<size_t>(n)), nullptr, false);
  std::string name = cmd.substr(0, cmd.find(','));
  return j.is_object() && j.contains(name) ? j[name] : json(nullptr);
}

int cb_synthetic(const char *, const char *, rte_tel_data *d) {
  telemetry::stream_dict(synthetic(), d);
  return 0;
}

// Telemetry's keys are the JSON's: pmd_<key>, and per queue counter an
// array by position, drops_<reason> ('-' made '_').
void expect_telemetry_matches(const json &t, const json &stats) {
  ASSERT_TRUE(t.is_object()) << t;
  size_t pmd_keys = 0;
  for (const auto &[k, v] : t.items()) pmd_keys += k.rfind("pmd_", 0) == 0;
  EXPECT_EQ(pmd_keys, at(stats, "pmd").size());
  for (const auto &[k, v] : at(stats, "pmd").items()) EXPECT_EQ(at(t, "pmd_" + k), v) << k;
  const json &qs = at(stats, "queues");
  ASSERT_FALSE(qs.empty());
  for (const auto &[k, v] : qs[0].items()) {
    if (!v.is_number() || k == "position" || k == "depth") continue;
    const json &a = at(t, k);
    ASSERT_TRUE(a.is_array()) << k;
    ASSERT_EQ(a.size(), qs.size()) << k;
    for (size_t i = 0; i < qs.size(); ++i) EXPECT_EQ(a[i], qs[i][k]) << k << " at " << i;
  }
  for (int r = 0; r < STRDP_DROP_REASONS; ++r) {
    const json &a = at(t, drop_key(r));
    ASSERT_TRUE(a.is_array()) << drop_key(r);
    ASSERT_EQ(a.size(), qs.size()) << drop_key(r);
    for (size_t i = 0; i < qs.size(); ++i)
      EXPECT_EQ(a[i], at(qs[i]["drops"], strdp_drop_reason_name(static_cast<strdp_drop_reason>(r))));
  }
}

TEST(Counters, TelemetryHasEveryFieldUnderItsKnownKey) {
  // DPDK keeps a command for the process's life (a repeated run would
  // register it twice).
  static bool registered = false;
  if (!registered) {
    ASSERT_EQ(rte_telemetry_register_cmd("/strdp_test/synthetic", cb_synthetic, "test"), 0);
    registered = true;
  }
  json t = telemetry_call("/strdp_test/synthetic");
  expect_telemetry_matches(t, control::to_json(synthetic()));
  ASSERT_TRUE(t.is_object()) << t;
  for (const auto &[k, off] : kPmdKeys) EXPECT_EQ(at(t, "pmd_" + k), word(off, kPmdBase)) << k;
  json put = json::array();
  for (size_t q = 0; q < 6; ++q) put.push_back(word(offsetof(strdp_qstats, put_calls), queue_base(q)));
  EXPECT_EQ(at(t, "put_calls"), put);
  EXPECT_EQ(at(t, "drops_no_next_queue")[0], queue_base(0) + kQueueFields + STRDP_DROP_NOQUEUE);
}

// An ip interface whose every counter has its own value.
ip_if_stats synthetic_if() {
  ip_if_stats s{};
  snprintf(s.is_name, sizeof s.is_name, "eth0");
  s.is_addr = 0x0a010001;
  s.is_plen = 24;
  s.is_mtu = 1500;
  s.is_up = 1;
  s.is_lanes = 2;
  s.is_neighbours = 3;
  for (int i = 0; i < IP_IF_COUNT_; ++i) s.is_ctr[i] = 1000 + i;
  for (int i = 0; i < IP_DROP_COUNT_; ++i) s.is_input_drops[i] = 2000 + i;
  for (int i = 0; i < IP_ARP_DROP_COUNT_; ++i) s.is_arp_drops[i] = 3000 + i;
  for (int i = 0; i < IP_ICMP_NO_COUNT_; ++i) s.is_icmp_not_sent[i] = 4000 + i;
  return s;
}

int cb_synthetic_ip(const char *, const char *, rte_tel_data *d) {
  telemetry::ip_dict({synthetic_if()}, d);
  return 0;
}

TEST(Counters, IpTelemetryHasEveryCounterOfTheJson) {
  static bool registered = false;
  if (!registered) {
    ASSERT_EQ(rte_telemetry_register_cmd("/strdp_test/ip", cb_synthetic_ip, "test"), 0);
    registered = true;
  }
  json j = control::to_json(synthetic_if());
  size_t counters = j["counters"].size(), drops = j["drops"].size();
  // Every slot of every list is in the JSON once (values are distinct).
  EXPECT_EQ(counters, size_t{IP_IF_COUNT_});
  // Entry 0 of each reason list is "no drop", which has no counter.
  EXPECT_EQ(drops, size_t{IP_DROP_COUNT_} + size_t{IP_ARP_DROP_COUNT_} + size_t{IP_ICMP_NO_COUNT_} - 3);
  std::set<uint64_t> seen;
  for (const auto &[k, v] : j["counters"].items()) seen.insert(v.get<uint64_t>());
  for (const auto &[k, v] : j["drops"].items()) seen.insert(v.get<uint64_t>());
  EXPECT_EQ(seen.size(), counters + drops);

  json t = telemetry_call("/strdp_test/ip");
  ASSERT_TRUE(t.is_object()) << t;
  const json &e = at(t, "eth0");
  ASSERT_TRUE(e.is_object()) << t;
  for (const auto &[k, v] : j["counters"].items()) EXPECT_EQ(at(e, k), v) << k;
  for (const auto &[k, v] : j["drops"].items()) EXPECT_EQ(at(e, "drop_" + k), v) << k;
  EXPECT_EQ(at(e, "address"), "10.1.0.1/24");
  EXPECT_EQ(at(e, "mtu"), 1500);
  EXPECT_EQ(at(e, "lanes"), 2);
  EXPECT_EQ(e.size(), counters + drops + 6) << "address, mtu, mac, up, lanes, neighbours";
}

std::string print_stats(const json &reply) {
  char *buf = nullptr;
  size_t len = 0;
  FILE *f = open_memstream(&buf, &len);
  strctl::print_stats(f, reply);
  fclose(f);
  std::string s(buf, len);
  free(buf);
  return s;
}

TEST(Counters, StrctlPrintsWhateverCountersTheReplyHas) {
  json st = control::to_json(synthetic());
  std::string out = print_stats(reply_of(st));
  size_t at = out.find("\n  pmd: ");
  ASSERT_NE(at, std::string::npos) << out;
  std::string line = out.substr(at + 1, out.find('\n', at + 1) - at - 1);
  for (const auto &[k, v] : st["pmd"].items())
    EXPECT_NE(line.find(" " + k + "=" + std::to_string(v.get<uint64_t>())), std::string::npos)
        << k << " in " << line;
  for (const auto &[k, v] : st["queues"][0].items()) {
    if (k == "position" || k == "depth" || !(v.is_number() || v.is_object())) continue;
    std::string head = k;
    for (char &c : head) c = static_cast<char>(toupper(static_cast<unsigned char>(c)));
    EXPECT_NE(out.find(" " + head), std::string::npos) << head << " column in\n" << out;
  }
  // A counter the daemon gains is printed with no change to strctl.
  st["pmd"]["rx_later"] = 77;
  for (json &q : st["queues"]) q["later_calls"] = 5;
  out = print_stats(reply_of(st));
  EXPECT_NE(out.find(" rx_later=77"), std::string::npos) << out;
  EXPECT_NE(out.find("LATER_CALLS"), std::string::npos) << out;
}

TEST(Counters, StrctlStatsText) {
  json reply = json::parse(R"({"ok":true,"streams":[{"name":"s0","driver":"pmd","lanes":1,
    "queues":[{"position":0,"name":"head","depth":0,"side":"read","put_calls":12,
               "srv_calls":1,"queued_msgs":0,"queued_bytes":0,"flow_blocked":2,
               "drops":{"flush":3,"close":0,"no-memory":1}},
              {"position":1,"name":"head","depth":0,"side":"write","put_calls":4,
               "srv_calls":0,"queued_msgs":1,"queued_bytes":64,"flow_blocked":0,
               "drops":{"flush":0,"close":0,"no-memory":0}}],
    "pmd":{"rx_frames":7,"rx_bytes":448,"tx_frames":8}}]})");
  EXPECT_EQ(print_stats(reply),
            "stream s0 (pmd, 1 lane(s))\n"
            "  POS  QUEUE  SIDE   FLOW_BLOCKED  PUT_CALLS  QUEUED_BYTES  QUEUED_MSGS  SRV_CALLS  "
            "DROPS\n"
            "  0    head   read   2             12         0             0            1          "
            "flush=3 no-memory=1\n"
            "  1    head   write  0             4          64            1            0          0\n"
            "  pmd: rx_bytes=448 rx_frames=7 tx_frames=8\n");
}

// The same through a running dataplane: a pmd stream on net_null0 (which
// receives all the time), its stats over the control protocol and
// telemetry. net_null0 is gone once closed: one test uses it.
TEST(Counters, ALivePmdStreamShowsEveryCounter) {
  auto dp = start_dataplane(
      "[lcores]\nworkers = \"1\"\n"
      "[[port]]\nname = \"net0\"\ndevice = \"net_null0\"\n"
      "[[stream]]\nname = \"p0\"\ndriver = \"pmd\"\nport = \"net0\"\n"
      "mode = \"dlpi\"\nsap = 0x0800\nmodules = [\"passmod\"]\n");
  ASSERT_NE(dp, nullptr);
  control::Dispatcher d(*dp);
  json stats;
  auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(30);
  for (;;) {
    json r = json::parse(d.handle(R"({"cmd":"stats","stream":"p0"})"));
    ASSERT_TRUE(r["ok"].get<bool>()) << r;
    stats = r["streams"][0];
    ASSERT_TRUE(stats["pmd"].is_object()) << stats;
    const json &p = stats["pmd"];
    if (p["rx_frames"].get<uint64_t>() + p["rx_filtered"].get<uint64_t>() > 0) break;
    ASSERT_LT(std::chrono::steady_clock::now(), deadline) << "net_null0 sent nothing up";
    std::this_thread::sleep_for(std::chrono::milliseconds(1));
  }
  EXPECT_EQ(stats["pmd"].size(), kPmdFields);
  for (const auto &[k, off] : kPmdKeys) EXPECT_TRUE(stats["pmd"][k].is_number_unsigned()) << k;
  for (const auto &[k, off] : kQueueKeys)
    EXPECT_TRUE(stats["queues"][0][k].is_number_unsigned()) << k;

  ASSERT_TRUE(telemetry::publish(dp.get(), "test.sock"));
  json t = telemetry_call("/strdp/stream,p0");
  telemetry::withdraw();
  ASSERT_TRUE(t.is_object()) << t;
  size_t pmd_keys = 0;
  for (const auto &[k, v] : t.items())
    if (k.rfind("pmd_", 0) == 0) {
      ++pmd_keys;
      EXPECT_TRUE(stats["pmd"].contains(k.substr(4))) << k;
    }
  EXPECT_EQ(pmd_keys, kPmdFields);
  for (const auto &[k, off] : kQueueKeys) EXPECT_EQ(at(t, k).size(), stats["queues"].size()) << k;
  for (int r = 0; r < STRDP_DROP_REASONS; ++r) EXPECT_TRUE(at(t, drop_key(r)).is_array());
  EXPECT_NE(print_stats(reply_of(stats)).find("  pmd: rx_bytes="),
            std::string::npos);

  daemon::StopReport rep = dp->stop();
  EXPECT_TRUE(rep.problems.empty()) << rep.problems.front();
  EXPECT_EQ(rep.leak.start, rep.leak.stop) << "message buffers leaked";
}

}  // namespace
}  // namespace strdp::test
