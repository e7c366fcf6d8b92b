// Reading the dataplane: stream stacks and link state, per-queue
// counters summed over lanes, ethdev port counters. A lane's queues are
// read on the lane's own lcore (strdp_stream_queues must run there).
#include <rte_ethdev.h>
#include <rte_lcore.h>
#include <strdp/pmd.h>

#include <cerrno>
#include <cstdio>

#include "daemon/counters.h"
#include "daemon/dataplane.h"
#include "daemon/dataplane_impl.h"
#include "daemon/lane.h"
#include "daemon/on_lcore.h"

namespace strdp::daemon {

Status Dataplane::list(std::vector<StreamInfo> *out) {
  std::lock_guard lock(mu_);
  if (!running_) return Status::fail(ESHUTDOWN, "the dataplane is not running");
  out->clear();
  for (auto &sp : streams_) {
    Stream &s = *sp;
    StreamInfo si;
    si.name = s.spec.name;
    si.driver = s.spec.driver;
    si.port = s.spec.port;
    for (const Lane &l : s.lanes)
      si.lanes.push_back(LaneInfo{l.index, l.lcore, rte_lcore_to_socket_id(l.lcore), l.muxid});
    if (!s.lanes.empty() && s.lanes[0].sp != nullptr &&
        !on_lcore(s.lanes[0].sched, [&] { si.modules = lane_modules(s.lanes[0].sp); }))
      return Status::fail(EIO, "lcore " + std::to_string(s.lanes[0].lcore) + " does not answer");
    si.linked_under = s.linked_under;
    si.persistent = s.persistent;
    for (const Link &l : links_)
      if (l.mux == s.spec.name) si.lowers.push_back(l.lower);
    out->push_back(std::move(si));
  }
  return {};
}

Status Dataplane::stats_of(Stream &s, StreamStats *out) {
  out->name = s.spec.name;
  out->driver = s.spec.driver;
  out->lanes = static_cast<unsigned>(s.lanes.size());
  const bool pmd = s.spec.driver == "pmd";
  if (pmd) out->pmd = strdp_pmd_stats{};
  for (const Lane &l : s.lanes) {
    if (l.sp == nullptr) continue;
    std::vector<strdp_queue_info> q;
    strdp_pmd_stats ps{};
    int prc = 0;
    if (!on_lcore(l.sched, [&] {
          q = lane_queues(l.sp);
          if (pmd) prc = strdp_pmd_get_stats(static_cast<uint16_t>(s.port_id),
                                             static_cast<uint16_t>(l.index), &ps);
        }))
      return Status::fail(EIO, "lcore " + std::to_string(l.lcore) + " does not answer");
    if (pmd && prc == 0) add(*out->pmd, ps);
    // Lanes carry the same stack (changes are all or nothing); sum by
    // queue position, named as the first lane names them.
    if (out->queues.empty()) {
      for (const strdp_queue_info &qi : q)
        out->queues.push_back(QueueCounters{qi.name, qi.depth, qi.write_side != 0, qi.st});
      // While linked, the head's queue pair is the mux's lower pair
      // (I_LINK): say whose it is.
      if (!s.linked_under.empty())
        for (QueueCounters &qc : out->queues)
          if (qc.depth == 0) qc.name = "mux:" + s.linked_under;
      continue;
    }
    if (q.size() != out->queues.size())
      return Status::fail(EIO, "stream " + s.spec.name + ": lane " + std::to_string(l.index) +
                                   " has another stack than lane 0");
    for (size_t i = 0; i < q.size(); ++i) add(out->queues[i].st, q[i].st);
  }
  return {};
}

Status Dataplane::stats(const std::string &stream, std::vector<StreamStats> *out) {
  std::lock_guard lock(mu_);
  if (!running_) return Status::fail(ESHUTDOWN, "the dataplane is not running");
  out->clear();
  for (auto &sp : streams_) {
    if (!stream.empty() && sp->spec.name != stream) continue;
    StreamStats st;
    if (Status r = stats_of(*sp, &st); !r.ok()) return r;
    out->push_back(std::move(st));
  }
  if (!stream.empty() && out->empty())
    return Status::fail(ENOENT, "no stream named \"" + stream + "\"");
  return {};
}

Status Dataplane::ports(std::vector<PortInfo> *out) {
  std::lock_guard lock(mu_);
  if (!running_) return Status::fail(ESHUTDOWN, "the dataplane is not running");
  out->clear();
  for (auto &p : ports_) {
    PortInfo pi;
    pi.name = p->spec.name;
    pi.device = p->spec.device;
    pi.id = static_cast<uint16_t>(p->id);
    pi.queues = p->spec.queues;
    int sock = rte_eth_dev_socket_id(pi.id);
    pi.socket = sock < 0 ? 0 : static_cast<unsigned>(sock);
    rte_ether_addr mac{};
    if (rte_eth_macaddr_get(pi.id, &mac) == 0) {
      char buf[RTE_ETHER_ADDR_FMT_SIZE];
      rte_ether_format_addr(buf, sizeof buf, &mac);
      pi.mac = buf;
    }
    rte_eth_link link{};
    if (rte_eth_link_get_nowait(pi.id, &link) == 0) {
      pi.link_up = link.link_status == RTE_ETH_LINK_UP;
      pi.speed_mbps = link.link_speed;
    }
    rte_eth_stats es{};
    if (rte_eth_stats_get(pi.id, &es) == 0) {
      pi.ipackets = es.ipackets;
      pi.opackets = es.opackets;
      pi.ibytes = es.ibytes;
      pi.obytes = es.obytes;
      pi.imissed = es.imissed;
      pi.ierrors = es.ierrors;
      pi.oerrors = es.oerrors;
      pi.rx_nombuf = es.rx_nombuf;
    }
    out->push_back(std::move(pi));
  }
  return {};
}

}  // namespace strdp::daemon
