// The daemon's side of the ip router (<strdp/ip.h>): a [[link]] with an
// address makes its lower an interface on every lane (IP_IOC_IFSET on the
// lane's ip stream, with the lane's mux id), and [[route]]s and `strctl
// route` change the one forwarding table through lane 0's ip stream.
// Each ioctl runs on the lane's lcore, as every plumbing step does.
#include <strdp/ip.h>

#include <cerrno>
#include <cstdio>
#include <cstring>

#include "daemon/dataplane.h"
#include "daemon/dataplane_impl.h"
#include "daemon/on_lcore.h"

namespace strdp::daemon {

namespace {

int istr(strdp_stream_t *sp, int cmd, void *data, size_t len) {
  strioctl ic{cmd, 0, static_cast<int>(len), static_cast<char *>(data)};
  return strdp_ioctl(sp, I_STR, reinterpret_cast<intptr_t>(&ic));
}

// I_STR cmd on a lane's ip stream, run on the lane's lcore: 0, the
// driver's errno, or -1 when the lcore did not take the call.
int lane_istr(strdp_sched_t *sched, strdp_stream_t *sp, int cmd, void *data, size_t len) {
  int err = 0;
  if (!on_lcore(sched, [&] { err = istr(sp, cmd, data, len) < 0 ? errno : 0; })) return -1;
  return err;
}

Status no_answer(unsigned lcore) {
  return Status::fail(EIO, "lcore " + std::to_string(lcore) + " does not answer");
}

std::string prefix_text(uint32_t a, unsigned plen) {
  return config::format_ipv4(a) + "/" + std::to_string(plen);
}

std::string ifset_error(int err) {
  switch (err) {
    case EPROTO: return "its stream gave no Ethernet DL_INFO_ACK (a pmd stream in raw mode is needed)";
    case EEXIST: return "its subnet overlaps another interface's";
    case EBUSY: return "the lower is an interface already";
    case ENOSPC: return "the router has " + std::to_string(IP_MAX_IFS) + " interfaces already";
    case EINVAL: return "refused (a bad address or prefix, or an MTU above the lower's)";
    default: return strerror(err);
  }
}

std::string route_error(int err) {
  switch (err) {
    case EEXIST: return "there is a route to that prefix already";
    case ENOENT: return "no such route, or no such interface";
    case EPERM: return "an interface's own route goes only with the interface";
    case EINVAL: return "refused (host bits past the prefix, or a gateway on no interface's link)";
    case ENOSPC: return "the forwarding table is full";
    default: return strerror(err);
  }
}

}  // namespace

Status Dataplane::ip_interface(Stream &mux, Stream &lower, const config::LinkSpec &l) {
  for (size_t k = 0; k < mux.lanes.size(); ++k) {
    Lane &m = mux.lanes[k];
    ip_ifreq r{};
    r.ifr_muxid = lower.lanes[k].muxid;
    snprintf(r.ifr_name, sizeof r.ifr_name, "%s", lower.spec.name.c_str());
    r.ifr_addr = l.address->addr;
    r.ifr_plen = l.address->plen;
    r.ifr_mtu = l.mtu;
    int err = lane_istr(m.sched, m.sp, IP_IOC_IFSET, &r, sizeof r);
    if (err < 0) return no_answer(m.lcore);
    if (err != 0)
      return Status::fail(err, "interface " + lower.spec.name + " of " + mux.spec.name + " (lane " +
                                   std::to_string(k) + ", " +
                                   prefix_text(l.address->addr, l.address->plen) +
                                   "): " + ifset_error(err));
  }
  return {};
}

Status Dataplane::ip_route_locked(const config::RouteSpec &rt, int cmd) {
  Stream *mux = find(rt.mux);
  if (mux == nullptr || mux->spec.driver != "ip" || mux->lanes.empty() ||
      mux->lanes[0].sp == nullptr)
    return Status::fail(ENOENT, "no ip stream named \"" + rt.mux + "\"");
  ip_rtreq r{};
  r.rt_dst = rt.dst.addr;
  r.rt_plen = rt.dst.plen;
  r.rt_gateway = rt.via;
  r.rt_flags = rt.reject ? IP_RT_REJECT : 0;
  snprintf(r.rt_ifname, sizeof r.rt_ifname, "%s", rt.interface.c_str());
  Lane &m = mux->lanes[0];
  int err = lane_istr(m.sched, m.sp, cmd, &r, sizeof r);
  if (err < 0) return no_answer(m.lcore);
  if (err != 0)
    return Status::fail(err, std::string(cmd == IP_IOC_ROUTE_ADD ? "route add " : "route del ") +
                                 prefix_text(rt.dst.addr, rt.dst.plen) + " on " + rt.mux + ": " +
                                 route_error(err));
  return {};
}

Status Dataplane::route(const std::string &op, const config::RouteSpec &rt,
                        std::vector<RouteInfo> *list) {
  std::lock_guard<std::mutex> g(mu_);
  if (!running_) return Status::fail(ESHUTDOWN, "the dataplane is not running");
  if (op == "add") return ip_route_locked(rt, IP_IOC_ROUTE_ADD);
  if (op == "del") return ip_route_locked(rt, IP_IOC_ROUTE_DEL);
  if (op != "list") return Status::fail(EINVAL, "route: add, del or list, not \"" + op + "\"");
  Stream *mux = find(rt.mux);
  if (mux == nullptr || mux->spec.driver != "ip" || mux->lanes.empty())
    return Status::fail(ENOENT, "no ip stream named \"" + rt.mux + "\"");
  // Twice if the table grew between asking its size and reading it.
  for (size_t room = 64;; room *= 4) {
    std::vector<uint8_t> buf(IP_LIST_LEN(room, ip_rtreq));
    Lane &m = mux->lanes[0];
    int err = lane_istr(m.sched, m.sp, IP_IOC_ROUTE_LIST, buf.data(), buf.size());
    if (err < 0) return no_answer(m.lcore);
    if (err != 0) return Status::fail(err, "route list on " + rt.mux + ": " + strerror(err));
    ip_list_hdr h;
    memcpy(&h, buf.data(), sizeof h);
    if (h.ih_returned < h.ih_total && room < 1u << 20) continue;
    list->clear();
    for (uint32_t i = 0; i < h.ih_returned; ++i) {
      ip_rtreq r;
      memcpy(&r, buf.data() + IP_LIST_LEN(i, ip_rtreq), sizeof r);
      RouteInfo ri;
      ri.dst = prefix_text(r.rt_dst, r.rt_plen);
      if (r.rt_gateway != 0) ri.via = config::format_ipv4(r.rt_gateway);
      ri.interface = r.rt_ifname;
      if (r.rt_flags & IP_RT_CONNECTED) ri.kind = "connected";
      else if (r.rt_flags & IP_RT_LOCAL) ri.kind = "local";
      else if (r.rt_flags & IP_RT_REJECT) ri.kind = "reject";
      else ri.kind = "static";
      list->push_back(std::move(ri));
    }
    return {};
  }
}

}  // namespace strdp::daemon

namespace strdp::daemon {

Status Dataplane::ip_interfaces(const std::string &mux_name, std::vector<ip_if_stats> *out) {
  std::lock_guard<std::mutex> g(mu_);
  if (!running_) return Status::fail(ESHUTDOWN, "the dataplane is not running");
  Stream *mux = find(mux_name);
  if (mux == nullptr || mux->spec.driver != "ip" || mux->lanes.empty())
    return Status::fail(ENOENT, "no ip stream named \"" + mux_name + "\"");
  std::vector<uint8_t> buf(IP_LIST_LEN(IP_MAX_IFS, ip_if_stats));
  Lane &m = mux->lanes[0];
  int err = lane_istr(m.sched, m.sp, IP_IOC_STATS, buf.data(), buf.size());
  if (err < 0) return no_answer(m.lcore);
  if (err != 0) return Status::fail(err, "interfaces of " + mux_name + ": " + strerror(err));
  ip_list_hdr h;
  memcpy(&h, buf.data(), sizeof h);
  out->resize(h.ih_returned);
  for (uint32_t i = 0; i < h.ih_returned; ++i)
    memcpy(&(*out)[i], buf.data() + IP_LIST_LEN(i, ip_if_stats), sizeof(ip_if_stats));
  return {};
}

}  // namespace strdp::daemon
