// The ip router driver (modules/ip, <strdp/ip.h>) in one process: each
// interface is a loop pair whose user end plays the wire (what the test
// writes there is a frame the router receives; what the router sends
// comes up there) and answers the router's DLPI questions as a raw
// Ethernet provider would. ARP, ping, forwarding with ARP resolution,
// the ICMP errors, fragmentation, routes, bad input, unlinking.
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
namespace {

constexpr uint32_t ipv4(unsigned a, unsigned b, unsigned c, unsigned d) {
  return (a << 24) | (b << 16) | (c << 8) | d;
}
uint16_t get16(const uint8_t *p) { return static_cast<uint16_t>(p[0] << 8 | p[1]); }
uint32_t get32(const uint8_t *p) {
  return uint32_t{p[0]} << 24 | uint32_t{p[1]} << 16 | uint32_t{p[2]} << 8 | p[3];
}
void put16(uint8_t *p, uint16_t v) {
  p[0] = static_cast<uint8_t>(v >> 8);
  p[1] = static_cast<uint8_t>(v);
}
void ip_csum(Bytes &ip) {
  put16(&ip[10], 0);
  put16(&ip[10], inet_csum(ip.data(), (ip[0] & 0xfu) * 4u));
}
// An echo request with the given TTL, DF flag and payload size.
Bytes echo(uint32_t src, uint32_t dst, uint8_t ttl = 64, bool df = true, size_t size = 32,
           uint16_t seq = 1) {
  Bytes ip = icmp_echo(8, src, dst, 0x1234, seq, Bytes(size, 0x5a));
  ip[8] = ttl;
  put16(&ip[6], df ? 0x4000 : 0);
  ip_csum(ip);
  return ip;
}
// A UDP datagram (checksum 0: none) from src:1000 to dst:port.
Bytes udp(uint32_t src, uint32_t dst, uint16_t port, size_t size = 16) {
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
Bytes ip_of(const Bytes &frame) { return Bytes(frame.begin() + 14, frame.end()); }
// The router pads what it makes to the 60 bytes of a minimum frame: the
// frame without its padding, which must be zeros.
Bytes unpadded(const Bytes &frame, size_t len) {
  EXPECT_EQ(frame.size(), std::max<size_t>(len, 60));
  for (size_t i = len; i < frame.size(); ++i) EXPECT_EQ(frame[i], 0) << "padding at " << i;
  return Bytes(frame.begin(), frame.begin() + std::min(len, frame.size()));
}
// The Ethernet addresses of a frame.
Bytes macs(const Bytes &frame) { return Bytes(frame.begin(), frame.begin() + 12); }
Bytes macs(const Mac &dst, const Mac &src) { return macs(ether(dst, src, 0, {})); }

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

TEST_F(IpRouter, AnswersArpAndPingForItsAddress) {
  Wire a = attach("a", 1, r1_, 24);
  introduce(a, h1_, h1ip_, r1_);
  send(a, h1_, kEthIpv4, echo(h1ip_, r1_));
  std::vector<Bytes> f = frames(a);
  ASSERT_EQ(f.size(), 1u);
  EXPECT_EQ(macs(f[0]), macs(h1_, a.mac));
  IcmpEcho e;
  ASSERT_EQ(parse_icmp_echo(ip_of(f[0]), &e), "");
  EXPECT_EQ(e.type, 0);
  EXPECT_EQ(e.src, r1_);
  EXPECT_EQ(e.dst, h1ip_);
  EXPECT_TRUE(e.ip_csum_ok && e.icmp_csum_ok);
  EXPECT_EQ(e.data, Bytes(32, 0x5a));
  ip_if_stats s = stats()["a"];
  EXPECT_EQ(s.is_ctr[IP_IF_rx_frames], 2u);
  EXPECT_EQ(s.is_ctr[IP_IF_rx_arp], 1u);
  EXPECT_EQ(s.is_ctr[IP_IF_local_in], 1u);
  EXPECT_EQ(s.is_ctr[IP_IF_echo_replies], 1u);
  EXPECT_EQ(s.is_ctr[IP_IF_arp_replies], 1u);
  EXPECT_EQ(s.is_ctr[IP_IF_tx_frames], 3u) << "gratuitous ARP, ARP reply, echo reply";
  EXPECT_EQ(s.is_addr, r1_);
  EXPECT_EQ(s.is_mtu, 1500u);
  EXPECT_EQ(s.is_up, 1);
  EXPECT_EQ(s.is_lanes, 1);
  EXPECT_EQ(s.is_neighbours, 1u);
}

TEST_F(IpRouter, ForwardsAfterResolvingTheNextHop) {
  Wire a = attach("a", 1, r1_, 24), b = attach("b", 2, r2_, 24);
  introduce(a, h1_, h1ip_, r1_);
  Bytes req = echo(h1ip_, h2ip_, 64, true, 100, 7);
  send(a, h1_, kEthIpv4, req);
  send(a, h1_, kEthIpv4, echo(h1ip_, h2ip_, 64, true, 100, 8));
  // One ARP request for two datagrams; both wait for the answer.
  std::vector<Bytes> f = frames(b);
  ASSERT_EQ(f.size(), 1u);
  EXPECT_EQ(unpadded(f[0], 42), ether(kBroadcast, b.mac, kEthArp, arp_request(b.mac, r2_, h2ip_)));
  send(b, h2_, kEthArp, arp(2, h2_, h2ip_, b.mac, r2_));
  f = frames(b);
  ASSERT_EQ(f.size(), 2u);
  for (int i = 0; i < 2; ++i) {
    EXPECT_EQ(macs(f[i]), macs(h2_, b.mac));
    IcmpEcho e;
    ASSERT_EQ(parse_icmp_echo(ip_of(f[i]), &e), "");
    EXPECT_EQ(e.seq, 7 + i) << "in the order they came";
    EXPECT_EQ(e.ttl, 63);
    EXPECT_TRUE(e.ip_csum_ok) << "the checksum follows the TTL (RFC 1624)";
  }
  // Known now: the next one goes at once.
  send(a, h1_, kEthIpv4, req);
  EXPECT_EQ(frames(b).size(), 1u);
  EXPECT_EQ(ctr("a", IP_IF_forwarded), 3u);
  EXPECT_EQ(ctr("b", IP_IF_tx_frames), 5u) << "gratuitous ARP, ARP request, three datagrams";
  EXPECT_TRUE(frames(a).empty());
}

// An ICMP error from the router to h1 about `about`: type, code, the
// quoted header; its source is the router's address on a.
void expect_icmp_error(const Bytes &frame, uint8_t type, uint8_t code, const Bytes &about,
                       uint32_t from, uint32_t to, uint16_t mtu = 0) {
  ASSERT_GE(frame.size(), 14u + 20 + 8 + 28);
  Bytes ip = ip_of(frame);
  EXPECT_EQ(get32(&ip[12]), from);
  EXPECT_EQ(get32(&ip[16]), to);
  EXPECT_EQ(ip[9], 1);
  EXPECT_EQ(inet_csum(ip.data(), 20), 0) << "IP checksum";
  EXPECT_EQ(inet_csum(ip.data() + 20, ip.size() - 20), 0) << "ICMP checksum";
  EXPECT_EQ(ip[20], type);
  EXPECT_EQ(ip[21], code);
  if (mtu != 0) {
    EXPECT_EQ(get16(&ip[26]), mtu);
  }
  EXPECT_EQ(Bytes(ip.begin() + 28, ip.begin() + 48), Bytes(about.begin(), about.begin() + 20))
      << "the offending header quoted";
}

TEST_F(IpRouter, SendsTheRouterErrors) {
  Wire a = attach("a", 1, r1_, 24), b = attach("b", 2, r2_, 24, 1000);
  introduce(a, h1_, h1ip_, r1_);
  Bytes ttl1 = echo(h1ip_, h2ip_, 1);
  send(a, h1_, kEthIpv4, ttl1);
  std::vector<Bytes> f = frames(a);
  ASSERT_EQ(f.size(), 1u);
  expect_icmp_error(f[0], 11, 0, ttl1, r1_, h1ip_);

  Bytes nowhere = echo(h1ip_, ipv4(10, 9, 9, 9));
  send(a, h1_, kEthIpv4, nowhere);
  f = frames(a);
  ASSERT_EQ(f.size(), 1u);
  expect_icmp_error(f[0], 3, 0, nowhere, r1_, h1ip_);

  Bytes big = echo(h1ip_, h2ip_, 64, true, 1200);
  send(a, h1_, kEthIpv4, big);
  f = frames(a);
  ASSERT_EQ(f.size(), 1u);
  expect_icmp_error(f[0], 3, 4, big, r1_, h1ip_, 1000);

  Bytes to_udp = udp(h1ip_, r1_, 9);
  send(a, h1_, kEthIpv4, to_udp);
  f = frames(a);
  ASSERT_EQ(f.size(), 1u);
  expect_icmp_error(f[0], 3, 3, to_udp, r1_, h1ip_);

  ASSERT_EQ(route(IP_IOC_ROUTE_ADD, ipv4(10, 66, 0, 0), 16, 0, "", IP_RT_REJECT), 0)
      << strerror(errno);
  Bytes rejected = echo(h1ip_, ipv4(10, 66, 1, 1));
  send(a, h1_, kEthIpv4, rejected);
  f = frames(a);
  ASSERT_EQ(f.size(), 1u);
  expect_icmp_error(f[0], 3, 1, rejected, r1_, h1ip_);

  EXPECT_TRUE(frames(b).empty());
  ip_if_stats s = stats()["a"];
  EXPECT_EQ(s.is_ctr[IP_IF_drop_ttl], 1u);
  EXPECT_EQ(s.is_ctr[IP_IF_drop_no_route], 1u);
  EXPECT_EQ(s.is_ctr[IP_IF_drop_df], 1u);
  EXPECT_EQ(s.is_ctr[IP_IF_drop_local_proto], 1u);
  EXPECT_EQ(s.is_ctr[IP_IF_drop_reject], 1u);
  EXPECT_EQ(s.is_ctr[IP_IF_icmp_errors], 5u);
  // Routes not through an interface outlive the test's streams.
  EXPECT_EQ(route(IP_IOC_ROUTE_DEL, ipv4(10, 66, 0, 0), 16, 0), 0);
}

TEST_F(IpRouter, FragmentsToASmallerMtu) {
  Wire a = attach("a", 1, r1_, 24), b = attach("b", 2, r2_, 24, 576);
  introduce(a, h1_, h1ip_, r1_);
  send(b, h2_, kEthArp, arp_request(h2_, h2ip_, r2_), &kBroadcast);
  ASSERT_EQ(frames(b).size(), 1u);  // the ARP reply
  Bytes dg = echo(h1ip_, h2ip_, 64, false, 1400);
  send(a, h1_, kEthIpv4, dg);
  std::vector<Bytes> f = frames(b);
  ASSERT_EQ(f.size(), 3u);
  Bytes payload;
  for (size_t i = 0; i < f.size(); ++i) {
    Bytes ip = ip_of(f[i]);
    EXPECT_LE(ip.size(), 576u);
    EXPECT_EQ(inet_csum(ip.data(), 20), 0);
    uint16_t off = get16(&ip[6]);
    EXPECT_EQ((off & 0x1fff) * 8u, payload.size());
    EXPECT_EQ((off & 0x2000) != 0, i + 1 < f.size()) << "MF on all but the last";
    payload.insert(payload.end(), ip.begin() + 20, ip.end());
  }
  EXPECT_EQ(payload, Bytes(dg.begin() + 20, dg.end())) << "the fragments reassemble";
  EXPECT_EQ(ctr("b", IP_IF_fragments), 3u);
}

// What a host fragmented at 1500 (ping -s 4000 -M dont): the first
// fragment is cut again for the smaller link, keeping MF; a later one
// that fits goes as it is.
TEST_F(IpRouter, CutsFragmentsAgainAndPassesTheRest) {
  Wire a = attach("a", 1, r1_, 24), b = attach("b", 2, r2_, 24, 1300);
  introduce(a, h1_, h1ip_, r1_);
  send(b, h2_, kEthArp, arp_request(h2_, h2ip_, r2_), &kBroadcast);
  ASSERT_EQ(frames(b).size(), 1u);
  Bytes whole = echo(h1ip_, h2ip_, 64, false, 4000);
  Bytes first(whole.begin(), whole.begin() + 1500), last(whole.begin(), whole.begin() + 20);
  put16(&first[2], 1500);
  put16(&first[6], 0x2000);  // MF, offset 0
  ip_csum(first);
  last.insert(last.end(), whole.begin() + 20 + 2960, whole.end());
  put16(&last[2], static_cast<uint16_t>(last.size()));
  put16(&last[6], 2960 / 8);  // the last: no MF
  ip_csum(last);
  send(a, h1_, kEthIpv4, first);
  send(a, h1_, kEthIpv4, last);
  std::vector<Bytes> f = frames(b);
  ASSERT_EQ(f.size(), 3u) << "two pieces of the first, the last as it was";
  Bytes p0 = ip_of(f[0]), p1 = ip_of(f[1]), p2 = ip_of(f[2]);
  EXPECT_EQ(get16(&p0[6]), 0x2000);
  EXPECT_EQ(get16(&p1[6]), 0x2000 | (p0.size() - 20) / 8) << "MF kept on the first's last piece";
  EXPECT_EQ(p2.size(), last.size());
  EXPECT_EQ(get16(&p2[6]), 2960 / 8);
  EXPECT_EQ(p2[8], 63);
}

TEST_F(IpRouter, RoutesChangeLiveAndRefuseWhatIsWrong) {
  Wire a = attach("a", 1, r1_, 24), b = attach("b", 2, r2_, 24);
  const uint32_t gw = ipv4(10, 2, 0, 254), net = ipv4(10, 9, 0, 0);
  ASSERT_EQ(route(IP_IOC_ROUTE_ADD, net, 16, gw), 0) << strerror(errno);
  introduce(a, h1_, h1ip_, r1_);
  send(a, h1_, kEthIpv4, echo(h1ip_, ipv4(10, 9, 1, 1)));
  std::vector<Bytes> f = frames(b);
  ASSERT_EQ(f.size(), 1u);
  EXPECT_EQ(unpadded(f[0], 42), ether(kBroadcast, b.mac, kEthArp, arp_request(b.mac, r2_, gw)))
      << "the gateway is asked for, not the destination";

  EXPECT_EQ(route(IP_IOC_ROUTE_ADD, net, 16, gw), -1);
  EXPECT_EQ(errno, EEXIST);
  EXPECT_EQ(route(IP_IOC_ROUTE_ADD, net, 16, r1_ + 5, "", IP_RT_REPLACE), 0);
  EXPECT_EQ(route(IP_IOC_ROUTE_ADD, ipv4(10, 9, 0, 1), 16, gw), -1);
  EXPECT_EQ(errno, EINVAL) << "host bits past the prefix";
  EXPECT_EQ(route(IP_IOC_ROUTE_ADD, ipv4(10, 8, 0, 0), 16, ipv4(10, 7, 0, 1)), -1);
  EXPECT_EQ(errno, EINVAL) << "a gateway on no link";
  EXPECT_EQ(route(IP_IOC_ROUTE_ADD, ipv4(10, 8, 0, 0), 16, gw, "a"), -1);
  EXPECT_EQ(errno, EINVAL) << "a gateway that is not on the named interface";
  EXPECT_EQ(route(IP_IOC_ROUTE_ADD, ipv4(10, 8, 0, 0), 16, 0, "ghost"), -1);
  EXPECT_EQ(errno, ENOENT);
  EXPECT_EQ(route(IP_IOC_ROUTE_ADD, ipv4(10, 8, 0, 0), 33, gw), -1);
  EXPECT_EQ(errno, EINVAL);
  EXPECT_EQ(route(IP_IOC_ROUTE_DEL, ipv4(10, 1, 0, 0), 24, 0), -1);
  EXPECT_EQ(errno, EPERM) << "an interface's own route";
  EXPECT_EQ(route(IP_IOC_ROUTE_DEL, ipv4(10, 3, 0, 0), 24, 0), -1);
  EXPECT_EQ(errno, ENOENT);
  EXPECT_EQ(route(IP_IOC_ROUTE_ADD, 0, 0, gw), 0) << "a default route";

  std::map<uint64_t, ip_rtreq> by;  // key: dst << 8 | plen
  auto key = [](uint32_t dst, uint32_t plen) { return uint64_t{dst} << 8 | plen; };
  for (const ip_rtreq &r : routes()) by[key(r.rt_dst, r.rt_plen)] = r;
  ASSERT_EQ(by.size(), 8u) << "two subnets, two addresses, two broadcasts, 10.9/16, default";
  EXPECT_EQ(by[key(ipv4(10, 1, 0, 0), 24)].rt_flags, uint32_t{IP_RT_CONNECTED});
  EXPECT_EQ(by[key(r1_, 32)].rt_flags, uint32_t{IP_RT_LOCAL});
  EXPECT_STREQ(by[key(r1_, 32)].rt_ifname, "a");
  EXPECT_EQ(by[key(net, 16)].rt_gateway, r1_ + 5);
  EXPECT_STREQ(by[key(net, 16)].rt_ifname, "a");
  EXPECT_EQ(by[key(0, 0)].rt_gateway, gw);

  EXPECT_EQ(route(IP_IOC_ROUTE_DEL, net, 16, 0), 0);
  EXPECT_EQ(route(IP_IOC_ROUTE_DEL, 0, 0, 0), 0);
  send(a, h1_, kEthIpv4, echo(h1ip_, ipv4(10, 9, 1, 1)));
  f = frames(a);
  ASSERT_EQ(f.size(), 1u) << "gone: ICMP network unreachable";
  EXPECT_EQ(ip_of(f[0])[20], 3);
}

TEST_F(IpRouter, DropsAndCountsBadFrames) {
  Wire a = attach("a", 1, r1_, 24), b = attach("b", 2, r2_, 24);
  introduce(a, h1_, h1ip_, r1_);
  send(b, h2_, kEthArp, arp_request(h2_, h2ip_, r2_), &kBroadcast);
  ASSERT_EQ(frames(b).size(), 1u);
  const Mac other{0x02, 0, 0, 0, 0, 0x77};
  Bytes good = echo(h1ip_, h2ip_);

  Bytes bad_sum = good;
  bad_sum[10] ^= 0xff;
  Bytes ihl4 = good;
  ihl4[0] = 0x44;
  ip_csum(ihl4);
  Bytes too_long = good;
  put16(&too_long[2], static_cast<uint16_t>(good.size() + 40));
  ip_csum(too_long);
  Bytes v6 = good;
  v6[0] = 0x65;
  Bytes bad_arp = arp_request(h1_, h1ip_, r1_);
  bad_arp[4] = 8;  // hardware address length
  send(a, h1_, kEthIpv4, bad_sum);
  send(a, h1_, kEthIpv4, ihl4);
  send(a, h1_, kEthIpv4, too_long);
  send(a, h1_, kEthIpv4, v6);
  send(a, h1_, kEthIpv4, Bytes(good.begin(), good.begin() + 12));
  send(a, h1_, kEthArp, bad_arp, &kBroadcast);
  send(a, h1_, kEthArp, Bytes(bad_arp.begin(), bad_arp.begin() + 20), &kBroadcast);
  send(a, h1_, kEthIpv4, good, &other);
  send(a, h1_, 0x86dd, good);
  send(a, h1_, kEthIpv4, good, &kBroadcast);
  Bytes runt(10, 0);
  ASSERT_EQ(strdp_write(a.p.user, runt.data(), runt.size()), 10);
  drain();
  EXPECT_TRUE(frames(a).empty());
  EXPECT_TRUE(frames(b).empty());

  ip_if_stats s = stats()["a"];
  EXPECT_EQ(s.is_input_drops[IP_DROP_checksum], 1u);
  EXPECT_EQ(s.is_input_drops[IP_DROP_header_length], 1u);
  EXPECT_EQ(s.is_input_drops[IP_DROP_total_length], 1u);
  EXPECT_EQ(s.is_input_drops[IP_DROP_version], 1u);
  EXPECT_EQ(s.is_input_drops[IP_DROP_short_frame], 1u);
  EXPECT_EQ(s.is_arp_drops[IP_ARP_DROP_not_ethernet_ipv4], 1u);
  EXPECT_EQ(s.is_arp_drops[IP_ARP_DROP_short_packet], 1u);
  EXPECT_EQ(s.is_ctr[IP_IF_drop_other_mac], 1u);
  EXPECT_EQ(s.is_ctr[IP_IF_drop_ethertype], 1u);
  EXPECT_EQ(s.is_ctr[IP_IF_drop_multicast], 1u) << "a link-layer broadcast is not forwarded";
  EXPECT_EQ(s.is_ctr[IP_IF_drop_runt], 1u);

  // Still routing.
  send(a, h1_, kEthIpv4, good);
  EXPECT_EQ(frames(b).size(), 1u);
}

TEST_F(IpRouter, IfsetRefusesWhatIsWrong) {
  Wire a = attach("a", 1, r1_, 24);
  Wire w;
  w.name = "w";
  w.mac = Mac{0x02, 0, 0, 0, 0, 9};
  w.p = loop_pair();
  w.muxid = link(ip_, w.p.lower);
  ASSERT_GT(w.muxid, 0);
  EXPECT_EQ(ifset(w, ipv4(10, 5, 0, 1), 24), -1);
  EXPECT_EQ(errno, EPROTO) << "before the provider answered DL_INFO_REQ";
  answer_dlpi(w, 1500, false);
  Wire ghost = w;
  ghost.muxid = w.muxid + 100;
  EXPECT_EQ(ifset(ghost, ipv4(10, 5, 0, 1), 24), -1);
  EXPECT_EQ(errno, EINVAL) << "no such lower";
  for (uint32_t bad : {ipv4(10, 5, 0, 0), ipv4(10, 5, 0, 255), ipv4(127, 0, 0, 1),
                       ipv4(224, 0, 0, 1), 0u}) {
    EXPECT_EQ(ifset(w, bad, 24), -1);
    EXPECT_EQ(errno, EINVAL) << std::hex << bad;
  }
  EXPECT_EQ(ifset(w, ipv4(10, 5, 0, 1), 33), -1);
  EXPECT_EQ(errno, EINVAL);
  EXPECT_EQ(ifset(w, ipv4(10, 5, 0, 1), 24, 1600), -1);
  EXPECT_EQ(errno, EINVAL) << "an MTU past the provider's";
  EXPECT_EQ(ifset(w, ipv4(10, 5, 0, 1), 24, 60), -1);
  EXPECT_EQ(errno, EINVAL) << "an MTU under 68";
  EXPECT_EQ(ifset(w, ipv4(10, 1, 0, 9), 16), -1);
  EXPECT_EQ(errno, EEXIST) << "a subnet that overlaps a's";
  Wire same = w;
  same.name = "a";
  EXPECT_EQ(ifset(same, ipv4(10, 5, 0, 1), 24), -1);
  EXPECT_EQ(errno, EINVAL) << "another lane of a must agree with it";
  EXPECT_EQ(ifset(w, ipv4(10, 5, 0, 1), 24), 0) << strerror(errno);
  EXPECT_TRUE(frames(w).empty()) << "no gratuitous ARP before the link says it is up";
  EXPECT_EQ(ifset(w, ipv4(10, 5, 0, 1), 24), -1);
  EXPECT_EQ(errno, EBUSY);
  dl_notify_ind_t n{DL_NOTIFY_IND, DL_NOTE_LINK_UP, 0, 0, 0};
  putctl(w.p.user, &n, sizeof n, false);
  EXPECT_EQ(frames(w).size(), 1u) << "the gratuitous ARP once it is";
}

TEST_F(IpRouter, UnlinkingTheLastLaneRemovesTheInterfaceAndItsRoutes) {
  Wire a = attach("a", 1, r1_, 24), b = attach("b", 2, r2_, 24);
  ASSERT_EQ(route(IP_IOC_ROUTE_ADD, ipv4(10, 9, 0, 0), 16, ipv4(10, 2, 0, 254)), 0);
  // A datagram waiting for ARP on b is freed with it (the pool check).
  introduce(a, h1_, h1ip_, r1_);
  send(a, h1_, kEthIpv4, echo(h1ip_, h2ip_));
  ASSERT_EQ(frames(b).size(), 1u);
  ASSERT_EQ(strdp_ioctl(ip_, I_UNLINK, b.muxid), 0) << strerror(errno);
  EXPECT_EQ(stats().count("b"), 0u);
  for (const ip_rtreq &r : routes()) EXPECT_STRNE(r.rt_ifname, "b");
  EXPECT_EQ(routes().size(), 3u) << "a's three";
  send(a, h1_, kEthIpv4, echo(h1ip_, h2ip_));
  std::vector<Bytes> f = frames(a);
  ASSERT_EQ(f.size(), 1u);
  EXPECT_EQ(ip_of(f[0])[20], 3) << "no route any more";
  // The name and the subnet are free again.
  Wire b2 = attach("b", 3, r2_, 24);
  EXPECT_EQ(stats()["b"].is_mac[5], 3);
}

TEST_F(IpRouter, BadIoctlsAndUpperDataAreRefused) {
  EXPECT_EQ(istr(ip_, IP_IOC_IFSET, nullptr, 0), -1);
  EXPECT_EQ(errno, EINVAL);
  char small[4] = {};
  EXPECT_EQ(istr(ip_, IP_IOC_ROUTE_ADD, small, sizeof small), -1);
  EXPECT_EQ(errno, EINVAL);
  EXPECT_EQ(istr(ip_, IP_IOC_STATS, small, sizeof small), -1);
  EXPECT_EQ(errno, EINVAL);
  EXPECT_EQ(istr(ip_, IP_IOC_(99), small, sizeof small), -1);
  EXPECT_EQ(errno, EINVAL);
  EXPECT_EQ(strdp_write(ip_, "x", 1), 1);
  drain();
}

}  // namespace
}  // namespace strdp::test
