// JSON views of streams, counters and ports (field names are the
// protocol: strctl and scripts read them; docs/daemon.md lists them).
#include "control/json_views.h"

#include <cstdio>

#include "daemon/counters.h"

namespace strdp::control {

using nlohmann::json;

json to_json(const daemon::StreamInfo &s) {
  json lanes = json::array();
  for (const auto &l : s.lanes) {
    json j = {{"lane", l.index}, {"lcore", l.lcore}, {"socket", l.socket}};
    if (l.muxid > 0) j["muxid"] = l.muxid;
    lanes.push_back(std::move(j));
  }
  json j = {{"name", s.name},   {"driver", s.driver},   {"lanes", std::move(lanes)},
            {"modules", s.modules}, {"lowers", s.lowers}};
  j["port"] = s.port.empty() ? json(nullptr) : json(s.port);
  if (s.linked_under.empty())
    j["linked_under"] = nullptr;
  else
    j["linked_under"] = {{"mux", s.linked_under}, {"persistent", s.persistent}};
  return j;
}

json to_json(const daemon::StreamStats &s) {
  json queues = json::array();
  for (size_t i = 0; i < s.queues.size(); ++i) {
    const daemon::QueueCounters &q = s.queues[i];
    json drops = json::object();
    for (int r = 0; r < STRDP_DROP_REASONS; ++r) drops[daemon::drop_name(r)] = q.st.drops[r];
    json j = {{"position", i},
              {"name", q.name},
              {"depth", q.depth},
              {"side", q.write_side ? "write" : "read"},
              {"drops", std::move(drops)}};
    for (const auto &c : daemon::kQueueCounters) j[c.name] = q.st.*c.field;
    queues.push_back(std::move(j));
  }
  json j = {{"name", s.name}, {"driver", s.driver}, {"lanes", s.lanes},
            {"queues", std::move(queues)}};
  if (s.pmd) {
    json p = json::object();
    for (const auto &c : daemon::kPmdCounters) p[c.name] = (*s.pmd).*c.field;
    j["pmd"] = std::move(p);
  }
  return j;
}

json to_json(const ip_if_stats &s) {
  char mac[18];
  snprintf(mac, sizeof mac, "%02x:%02x:%02x:%02x:%02x:%02x", s.is_mac[0], s.is_mac[1],
           s.is_mac[2], s.is_mac[3], s.is_mac[4], s.is_mac[5]);
  json c = json::object(), d = json::object();
#define IP_CTR_JSON_(name, doc) c[#name] = s.is_ctr[IP_IF_##name];
  STRDP_IP_IF_COUNTERS(IP_CTR_JSON_)
#undef IP_CTR_JSON_
#define IP_DROP_JSON_(name, doc) d["input_" #name] = s.is_input_drops[IP_DROP_##name];
  STRDP_IP_DROP_REASONS(IP_DROP_JSON_)
#undef IP_DROP_JSON_
#define IP_ARP_JSON_(name, doc) d["arp_" #name] = s.is_arp_drops[IP_ARP_DROP_##name];
  STRDP_ARP_DROP_REASONS(IP_ARP_JSON_)
#undef IP_ARP_JSON_
#define IP_ICMP_JSON_(name, doc) d["icmp_not_sent_" #name] = s.is_icmp_not_sent[IP_ICMP_NO_##name];
  STRDP_ICMP_NO_REASONS(IP_ICMP_JSON_)
#undef IP_ICMP_JSON_
  return {{"name", s.is_name},
          {"address", config::format_ipv4(s.is_addr) + "/" + std::to_string(s.is_plen)},
          {"mtu", s.is_mtu},
          {"mac", mac},
          {"up", s.is_up != 0},
          {"lanes", s.is_lanes},
          {"neighbours", s.is_neighbours},
          {"counters", std::move(c)},
          {"drops", std::move(d)}};
}

json to_json(const daemon::PortInfo &p) {
  return {{"name", p.name},
          {"device", p.device},
          {"port_id", p.id},
          {"queues", p.queues},
          {"socket", p.socket},
          {"mac", p.mac},
          {"link", {{"up", p.link_up}, {"speed_mbps", p.speed_mbps}}},
          {"stats",
           {{"ipackets", p.ipackets},
            {"opackets", p.opackets},
            {"ibytes", p.ibytes},
            {"obytes", p.obytes},
            {"imissed", p.imissed},
            {"ierrors", p.ierrors},
            {"oerrors", p.oerrors},
            {"rx_nombuf", p.rx_nombuf}}}};
}

}  // namespace strdp::control
