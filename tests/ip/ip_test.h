// The ip router's in-process fixture (tests/ip): each interface is a
// loop pair whose user end plays the wire (what the test writes there is
// a frame the router receives; what the router sends comes up there) and
// answers the router's DLPI questions as a raw Ethernet provider would.
// Frame builders for what hosts send, and the router's ioctls.
#pragma once

#include <gtest/gtest.h>
#include <strdp/dlpi.h>
#include <strdp/ip.h>

#include <algorithm>
#include <cstring>
#include <map>
#include <string>
#include <vector>

#include "frames.h"
#include "mux_test.h"

namespace strdp::test {

constexpr uint32_t ipv4(unsigned a, unsigned b, unsigned c, unsigned d) {
  return (a << 24) | (b << 16) | (c << 8) | d;
}
inline uint16_t get16(const uint8_t *p) { return static_cast<uint16_t>(p[0] << 8 | p[1]); }
inline uint32_t get32(const uint8_t *p) {
  return uint32_t{p[0]} << 24 | uint32_t{p[1]} << 16 | uint32_t{p[2]} << 8 | p[3];
}
inline void put16(uint8_t *p, uint16_t v) {
  p[0] = static_cast<uint8_t>(v >> 8);
  p[1] = static_cast<uint8_t>(v);
}
inline void ip_csum(Bytes &ip) {
  put16(&ip[10], 0);
  put16(&ip[10], inet_csum(ip.data(), (ip[0] & 0xfu) * 4u));
}
// An echo request with the given TTL, DF flag and payload size.
inline Bytes echo(uint32_t src, uint32_t dst, uint8_t ttl = 64, bool df = true, size_t size = 32,
           uint16_t seq = 1) {
  Bytes ip = icmp_echo(8, src, dst, 0x1234, seq, Bytes(size, 0x5a));
  ip[8] = ttl;
  put16(&ip[6], df ? 0x4000 : 0);
  ip_csum(ip);
  return ip;
}
// A UDP datagram (checksum 0: none) from src:1000 to dst:port.
inline Bytes udp(uint32_t src, uint32_t dst, uint16_t port, size_t size = 16) {
  Bytes ip(28 + size, 0);
  ip[0] = 0x45;
  put16(&ip[2], static_cast<uint16_t>(ip.size()));
  ip[8] = 64;
  ip[9] = 17;
  for (int i = 0; i < 4; ++i) {
    ip[12 + i] = static_cast<uint8_t>(src >> (24 - 8 * i));
    ip[16 + i] = static_cast<uint8_t>(dst >> (24 - 8 * i));
  }
  put16(&ip[20], 1000);
  put16(&ip[22], port);
  put16(&ip[24], static_cast<uint16_t>(8 + size));
  ip_csum(ip);
  return ip;
}
inline Bytes ip_of(const Bytes &frame) { return Bytes(frame.begin() + 14, frame.end()); }
// The router pads what it makes to the 60 bytes of a minimum frame: the
// frame without its padding, which must be zeros.
inline Bytes unpadded(const Bytes &frame, size_t len) {
  EXPECT_EQ(frame.size(), std::max<size_t>(len, 60));
  for (size_t i = len; i < frame.size(); ++i) EXPECT_EQ(frame[i], 0) << "padding at " << i;
  return Bytes(frame.begin(), frame.begin() + std::min(len, frame.size()));
}
// The Ethernet addresses of a frame.
inline Bytes macs(const Bytes &frame) { return Bytes(frame.begin(), frame.begin() + 12); }
inline Bytes macs(const Mac &dst, const Mac &src) { return macs(ether(dst, src, 0, {})); }

struct Msg {
  bool hipri = false;
  Bytes ctl, data;
  t_uscalar_t prim() const {
    t_uscalar_t p = 0xffffffffu;
    if (ctl.size() >= sizeof p) memcpy(&p, ctl.data(), sizeof p);
    return p;
  }
};

// One end of a link: the loop pair, the router's MAC on it, a host's.
struct Wire {
  LoopPair p;
  Mac mac{};   // the router's interface
  int muxid = 0;
  std::string name;
};

class IpRouter : public MuxTest {
 protected:
  void SetUp() override {
    MuxTest::SetUp();
    ip_ = open("ip");
    ASSERT_NE(ip_, nullptr);
  }

  bool getmsg(strdp_stream_t *sp, Msg *m) {
    drain();
    std::vector<char> c(512), d(9000);
    strbuf cb{static_cast<int>(c.size()), 0, c.data()}, db{static_cast<int>(d.size()), 0, d.data()};
    int flags = 0;
    if (strdp_getmsg(sp, &cb, &db, &flags) < 0) return false;
    m->hipri = flags == RS_HIPRI;
    m->ctl.assign(c.begin(), c.begin() + (cb.len > 0 ? cb.len : 0));
    m->data.assign(d.begin(), d.begin() + (db.len > 0 ? db.len : 0));
    return true;
  }
  void putctl(strdp_stream_t *sp, const void *ctl, size_t n, bool hipri) {
    strbuf cb{0, static_cast<int>(n), static_cast<char *>(const_cast<void *>(ctl))};
    ASSERT_EQ(strdp_putmsg(sp, &cb, nullptr, hipri ? RS_HIPRI : 0), 0) << strerror(errno);
    drain();
  }
  // Plays the provider: answers DL_INFO_REQ with an Ethernet DL_INFO_ACK
  // (address mac, max SDU sdu) and DL_NOTIFY_REQ with the link's state.
  void answer_dlpi(Wire &w, uint32_t sdu, bool notify_up = true) {
    Msg m;
    ASSERT_TRUE(getmsg(w.p.user, &m)) << "no DL_INFO_REQ";
    EXPECT_TRUE(m.hipri);
    ASSERT_EQ(m.prim(), t_uscalar_t{DL_INFO_REQ});
    ASSERT_TRUE(getmsg(w.p.user, &m)) << "no DL_NOTIFY_REQ";
    ASSERT_EQ(m.prim(), t_uscalar_t{DL_NOTIFY_REQ});
    Bytes ack(sizeof(dl_info_ack_t) + 8);
    dl_info_ack_t a{};
    a.dl_primitive = DL_INFO_ACK;
    a.dl_max_sdu = sdu;
    a.dl_addr_length = 8;
    a.dl_mac_type = DL_ETHER;
    a.dl_current_state = DL_UNBOUND;
    a.dl_sap_length = -2;
    a.dl_addr_offset = sizeof a;
    memcpy(ack.data(), &a, sizeof a);
    memcpy(ack.data() + sizeof a, w.mac.data(), 6);
    putctl(w.p.user, ack.data(), ack.size(), true);
    if (notify_up) {
      dl_notify_ind_t n{DL_NOTIFY_IND, DL_NOTE_LINK_UP, 0, 0, 0};
      putctl(w.p.user, &n, sizeof n, false);
    }
  }
  int ifset(const Wire &w, uint32_t addr, uint32_t plen, uint32_t mtu = 0,
            strdp_stream_t *on = nullptr) {
    ip_ifreq r{};
    r.ifr_muxid = w.muxid;
    snprintf(r.ifr_name, sizeof r.ifr_name, "%s", w.name.c_str());
    r.ifr_addr = addr;
    r.ifr_plen = plen;
    r.ifr_mtu = mtu;
    return istr(on != nullptr ? on : ip_, IP_IOC_IFSET, &r, sizeof r);
  }
  // A wire linked, answered and given an address; the gratuitous ARP
  // that announces it is read and checked.
  Wire attach(const std::string &name, uint8_t id, uint32_t addr, uint32_t plen,
              uint32_t mtu = 0) {
    Wire w;
    w.name = name;
    w.mac = Mac{0x02, 0, 0, 0, 0, id};
    w.p = loop_pair();
    w.muxid = link(ip_, w.p.lower);
    EXPECT_GT(w.muxid, 0) << strerror(errno);
    answer_dlpi(w, 1500);
    EXPECT_EQ(ifset(w, addr, plen, mtu), 0) << strerror(errno);
    std::vector<Bytes> f = frames(w);
    EXPECT_EQ(f.size(), 1u) << "a gratuitous ARP when the address is set on a link that is up";
    if (f.size() == 1) {
      EXPECT_EQ(unpadded(f[0], 42), ether(kBroadcast, w.mac, kEthArp, arp_request(w.mac, addr, addr)));
    }
    return w;
  }
  void send(const Wire &w, const Mac &from, uint16_t type, const Bytes &payload,
            const Mac *to = nullptr) {
    Bytes f = ether(to != nullptr ? *to : w.mac, from, type, payload);
    ASSERT_EQ(strdp_write(w.p.user, f.data(), f.size()), static_cast<ssize_t>(f.size()));
    drain();
  }
  // Every frame the router sent out of w since the last call.
  std::vector<Bytes> frames(const Wire &w) {
    std::vector<Bytes> v;
    Msg m;
    while (getmsg(w.p.user, &m)) {
      EXPECT_TRUE(m.ctl.empty()) << "a frame is M_DATA only";
      v.push_back(m.data);
    }
    return v;
  }
  // A host on w's link that has told the router its address (an ARP
  // request for the router, which the router answers and learns from).
  void introduce(const Wire &w, const Mac &mac, uint32_t ip, uint32_t router_ip) {
    send(w, mac, kEthArp, arp_request(mac, ip, router_ip), &kBroadcast);
    std::vector<Bytes> f = frames(w);
    ASSERT_EQ(f.size(), 1u);
    EXPECT_EQ(unpadded(f[0], 42), ether(mac, w.mac, kEthArp, arp(2, w.mac, router_ip, mac, ip)));
  }

  std::map<std::string, ip_if_stats> stats() {
    std::vector<uint8_t> buf(IP_LIST_LEN(8, ip_if_stats));
    std::map<std::string, ip_if_stats> out;
    if (istr(ip_, IP_IOC_STATS, buf.data(), static_cast<int>(buf.size())) < 0) return out;
    ip_list_hdr h;
    memcpy(&h, buf.data(), sizeof h);
    for (uint32_t i = 0; i < h.ih_returned; ++i) {
      ip_if_stats s;
      memcpy(&s, buf.data() + IP_LIST_LEN(i, ip_if_stats), sizeof s);
      out[s.is_name] = s;
    }
    return out;
  }
  uint64_t ctr(const std::string &ifname, ip_if_counter c) { return stats()[ifname].is_ctr[c]; }

  std::vector<ip_rtreq> routes() {
    std::vector<uint8_t> buf(IP_LIST_LEN(64, ip_rtreq));
    std::vector<ip_rtreq> out;
    if (istr(ip_, IP_IOC_ROUTE_LIST, buf.data(), static_cast<int>(buf.size())) < 0) return out;
    ip_list_hdr h;
    memcpy(&h, buf.data(), sizeof h);
    for (uint32_t i = 0; i < h.ih_returned; ++i) {
      ip_rtreq r;
      memcpy(&r, buf.data() + IP_LIST_LEN(i, ip_rtreq), sizeof r);
      out.push_back(r);
    }
    return out;
  }
  int route(int cmd, uint32_t dst, uint32_t plen, uint32_t gw, const char *ifname = "",
            uint32_t flags = 0) {
    ip_rtreq r{};
    r.rt_dst = dst;
    r.rt_plen = plen;
    r.rt_gateway = gw;
    r.rt_flags = flags;
    snprintf(r.rt_ifname, sizeof r.rt_ifname, "%s", ifname);
    return istr(ip_, cmd, &r, sizeof r);
  }

  strdp_stream_t *ip_ = nullptr;
  const Mac h1_{0x02, 0, 0, 0, 0xa1, 1}, h2_{0x02, 0, 0, 0, 0xa2, 2};
  const uint32_t r1_ = ipv4(10, 1, 0, 1), r2_ = ipv4(10, 2, 0, 1);
  const uint32_t h1ip_ = ipv4(10, 1, 0, 2), h2ip_ = ipv4(10, 2, 0, 2);
};

}  // namespace strdp::test
