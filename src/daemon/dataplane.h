// The running dataplane: worker lcores, ports, streams and their lanes,
// links and autopush rules, set up from a Config and changed live by the
// control socket and read by telemetry.
//
// Threads: start() and stop() run on the main lcore; the control
// operations run on any thread (the control server, DPDK's telemetry
// thread), one at a time (a mutex: slow path only). Every change to a
// lane runs on the lane's own lcore (on_lcore.h), between bursts.
#pragma once

#include <strdp/ip.h>
#include <strdp/pmd.h>
#include <strdp/strdp.h>

#include <cstdint>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include "config/config.h"
#include "daemon/leak_check.h"
#include "daemon/workers.h"

namespace strdp::daemon {

// 0, or an errno value and a sentence for the operator.
struct Status {
  int err = 0;
  std::string msg;
  bool ok() const { return err == 0; }
  static Status fail(int e, std::string m) { return Status{e, std::move(m)}; }
};

struct LaneInfo {
  unsigned index = 0;
  unsigned lcore = 0;
  unsigned socket = 0;
  int muxid = 0;  // > 0 while linked under a mux (that lane's mux id)
};

struct StreamInfo {
  std::string name;
  std::string driver;
  std::string port;                 // pmd: the port's config name
  std::vector<LaneInfo> lanes;
  std::vector<std::string> modules; // top-down, as lane 0 has them
  std::string linked_under;         // the mux stream, when linked
  bool persistent = false;          // that link is I_PLINK
  std::vector<std::string> lowers;  // a mux: streams linked under it
};

struct QueueCounters {
  std::string name;  // "head", a module, the driver
  int depth = 0;     // 0 head, 1..n modules top-down, n+1 driver
  bool write_side = false;
  strdp_qstats st{};
};

struct StreamStats {
  std::string name;
  std::string driver;
  unsigned lanes = 0;
  std::vector<QueueCounters> queues;  // per queue position, summed over lanes
  std::optional<strdp_pmd_stats> pmd;  // pmd streams: summed over lanes
};

struct PortInfo {
  std::string name;    // config name
  std::string device;  // DPDK name
  uint16_t id = 0;
  uint16_t queues = 0;
  unsigned socket = 0;
  std::string mac;
  bool link_up = false;
  uint32_t speed_mbps = 0;
  uint64_t ipackets = 0, opackets = 0, ibytes = 0, obytes = 0;
  uint64_t imissed = 0, ierrors = 0, oerrors = 0, rx_nombuf = 0;
};

struct StopReport {
  LeakCount leak;                     // message buffers in use at start and at stop
  std::vector<std::string> problems;  // what did not go as it should
  std::vector<std::string> notes;     // worth knowing (messages freed at close)
  bool clean() const { return problems.empty() && leak.start == leak.stop; }
};

// A route of an ip stream, as `strctl route list` shows it.
struct RouteInfo {
  std::string dst;        // "10.9.0.0/16"
  std::string via;        // "" on the link
  std::string interface;  // "" for a reject route
  std::string kind;       // connected, local, static, reject
};

class Dataplane {
 public:
  Dataplane();
  ~Dataplane();
  Dataplane(const Dataplane &) = delete;
  Dataplane &operator=(const Dataplane &) = delete;

  // Plugins, registry check, autopush rules, workers, ports, streams,
  // links, in that order. On failure undoes everything it did (ports
  // closed, streams closed, workers stopped) and says what failed.
  Status start(const config::Config &cfg);
  // Graceful stop (see dataplane_stop.cc); safe to call twice.
  // after_lanes runs once every lane and worker has stopped and before
  // buffers are counted: what else holds buffers, or receives from the
  // lanes (the apps service's shared streams), stops there.
  StopReport stop(const std::function<void()> &after_lanes = {});
  bool running() const;

  // ---- control operations (any thread, serialised)
  Status list(std::vector<StreamInfo> *out);
  Status stats(const std::string &stream, std::vector<StreamStats> *out);  // "" = all
  Status push(const std::string &stream, const std::string &module, const std::string &args);
  // *drain_passes: scheduler passes run, over all lanes, until the
  // module's queues were empty (0: nothing was held).
  Status pop(const std::string &stream, std::string *popped, unsigned *drain_passes = nullptr);
  Status link(const std::string &mux, const std::string &lower, bool persistent);
  Status unlink(const std::string &mux, const std::string &lower);
  Status load(const std::string &path);
  // The ip router's table through the ip stream rt.mux: op "add" (rt
  // as a [[route]] gives it), "del" (rt.dst), "list" (into *list).
  Status route(const std::string &op, const config::RouteSpec &rt, std::vector<RouteInfo> *list);
  // The ip stream's interfaces, counters summed over lanes.
  Status ip_interfaces(const std::string &mux, std::vector<ip_if_stats> *out);
  Status ports(std::vector<PortInfo> *out);
  std::vector<std::string> stream_names();

  // ---- for tests: a lane's stream and scheduler (nullptr if none)
  strdp_stream_t *lane_stream(const std::string &stream, unsigned lane);
  strdp_sched_t *lane_sched(const std::string &stream, unsigned lane);

 private:
  struct Port;
  struct Lane;
  struct Stream;
  struct Link;

  Stream *find(const std::string &name);
  // The running stream whose module stack may change (push, pop): not
  // linked under a mux, whose queues its head now is. Caller holds mu_.
  Status stack_of(const std::string &name, Stream **out);
  Status start_locked(const config::Config &cfg);
  Status open_stream(const config::StreamSpec &spec);
  Status link_locked(Stream &mux, Stream &lower, bool persistent);
  Status unlink_locked(Stream &mux, Stream &lower);
  // The ip router (ip_setup.cc): a linked lower made an interface on
  // every lane, and the configuration's static routes.
  Status ip_interface(Stream &mux, Stream &lower, const config::LinkSpec &l);
  Status ip_route_locked(const config::RouteSpec &r, int cmd);
  Status stats_of(Stream &s, StreamStats *out);
  void stop_locked(StopReport *r, const std::function<void()> &after_lanes = {});

  mutable std::mutex mu_;
  bool running_ = false;
  bool stopped_ = false;
  Workers workers_;
  std::vector<std::unique_ptr<Port>> ports_;
  std::vector<std::unique_ptr<Stream>> streams_;  // config order
  std::vector<Link> links_;                       // link order
  std::vector<config::AutopushSpec> autopush_;    // rules we set
  LeakCheck leak_;
};

}  // namespace strdp::daemon
