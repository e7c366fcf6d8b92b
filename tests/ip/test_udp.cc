// /dev/udp (modules/ip/udp*.c, <strdp/udp.h>, <strdp/tpi.h>) in one
// process, on the router fixture (ip_test.h): TPI bind/unbind/info and
// options with every refusal, datagrams in from a wire and out through
// the route, to ourselves, a full receive ring, and wakes that outlive
// their endpoint.
#include <arpa/inet.h>
#include <netinet/in.h>
#include <strdp/tpi.h>
#include <strdp/udp.h>

#include "ip_test.h"
#include "runtime/cred.h"

namespace strdp::test {
namespace {

sockaddr_in sin_of(uint32_t addr, uint16_t port) {
  sockaddr_in s{};
  s.sin_family = AF_INET;
  s.sin_addr.s_addr = htonl(addr);
  s.sin_port = htons(port);
  return s;
}
template <class T>
T at(const Bytes &b, size_t off = 0) {
  T v{};
  EXPECT_GE(b.size(), off + sizeof v);
  if (b.size() >= off + sizeof v) memcpy(&v, b.data() + off, sizeof v);
  return v;
}
// A primitive and what follows it, as one control part.
template <class T>
Bytes prim(const T &t, const void *tail = nullptr, size_t n = 0) {
  Bytes b(sizeof t + n);
  memcpy(b.data(), &t, sizeof t);
  if (n) memcpy(b.data() + sizeof t, tail, n);
  return b;
}
// A UDP datagram with a real checksum.
Bytes udp_summed(uint32_t src, uint32_t dst, uint16_t sport, uint16_t dport, const Bytes &data) {
  Bytes ip = udp(src, dst, dport, data.size());
  put16(&ip[20], sport);
  std::copy(data.begin(), data.end(), ip.begin() + 28);
  uint8_t ph[12] = {ip[12], ip[13], ip[14], ip[15], ip[16], ip[17], ip[18], ip[19], 0, 17,
                    ip[24], ip[25]};
  uint32_t sum = 0;
  for (size_t i = 0; i < 12; i += 2) sum += uint32_t{ph[i]} << 8 | ph[i + 1];
  uint16_t c = inet_csum(ip.data() + 20, ip.size() - 20, sum);
  put16(&ip[26], c == 0 ? 0xffff : c);
  return ip;
}
// The UDP checksum of an IPv4 datagram, checked the receiver's way.
bool udp_sum_ok(const Bytes &ip) {
  size_t hl = (ip[0] & 0xfu) * 4u;
  uint16_t ulen = get16(&ip[hl + 4]);
  uint32_t sum = (get16(&ip[12]) + get16(&ip[14]) + get16(&ip[16]) + get16(&ip[18])) + 17 + ulen;
  return inet_csum(ip.data() + hl, ulen, sum) == 0;
}

class Udp : public IpRouter {
 protected:
  strdp_stream_t *endpoint() { return open("udp"); }
  Msg ask(strdp_stream_t *ep, const Bytes &ctl, bool hipri = false) {
    putctl(ep, ctl.data(), ctl.size(), hipri);
    Msg m;
    EXPECT_TRUE(getmsg(ep, &m)) << "no answer";
    return m;
  }
  // T_BIND_REQ of (addr, port), or of no address; the answer.
  Msg bind(strdp_stream_t *ep, uint32_t addr, uint16_t port, bool with_addr = true) {
    T_bind_req r{T_BIND_REQ, with_addr ? int(sizeof(sockaddr_in)) : 0, sizeof r, 0};
    sockaddr_in s = sin_of(addr, port);
    return ask(ep, prim(r, &s, with_addr ? sizeof s : 0));
  }
  uint16_t bound_port(const Msg &ack) {
    EXPECT_EQ(ack.prim(), t_uscalar_t{T_BIND_ACK});
    auto a = at<T_bind_ack>(ack.ctl);
    EXPECT_EQ(a.ADDR_length, int(sizeof(sockaddr_in)));
    return ntohs(at<sockaddr_in>(ack.ctl, a.ADDR_offset).sin_port);
  }
  void expect_error_ack(const Msg &m, t_scalar_t of, t_scalar_t tli, t_scalar_t uerr = 0) {
    ASSERT_EQ(m.prim(), t_uscalar_t{T_ERROR_ACK});
    auto e = at<T_error_ack>(m.ctl);
    EXPECT_EQ(e.ERROR_prim, of);
    EXPECT_EQ(e.TLI_error, tli);
    EXPECT_EQ(e.UNIX_error, uerr);
  }
  void sendto(strdp_stream_t *ep, uint32_t addr, uint16_t port, const Bytes &data,
              const Bytes &opts = {}) {
    T_unitdata_req r{T_UNITDATA_REQ, sizeof(sockaddr_in), sizeof r, int(opts.size()),
                     opts.empty() ? 0 : int(sizeof r + sizeof(sockaddr_in))};
    sockaddr_in s = sin_of(addr, port);
    Bytes c = prim(r, &s, sizeof s);
    c.insert(c.end(), opts.begin(), opts.end());
    strbuf cb{0, int(c.size()), reinterpret_cast<char *>(c.data())};
    strbuf db{0, int(data.size()), reinterpret_cast<char *>(const_cast<uint8_t *>(data.data()))};
    ASSERT_EQ(strdp_putmsg(ep, &cb, &db, 0), 0) << strerror(errno);
    drain();
  }
  // A T_UDERROR_IND: its error and the destination it names.
  void expect_uderror(strdp_stream_t *ep, t_scalar_t err, uint32_t addr, uint16_t port) {
    Msg m;
    ASSERT_TRUE(getmsg(ep, &m)) << "no T_UDERROR_IND";
    ASSERT_EQ(m.prim(), t_uscalar_t{T_UDERROR_IND});
    auto u = at<T_uderror_ind>(m.ctl);
    EXPECT_EQ(u.ERROR_type, err);
    if (addr != 0) {
      ASSERT_EQ(u.DEST_length, int(sizeof(sockaddr_in)));
      auto s = at<sockaddr_in>(m.ctl, u.DEST_offset);
      EXPECT_EQ(ntohl(s.sin_addr.s_addr), addr);
      EXPECT_EQ(ntohs(s.sin_port), port);
    }
  }
  // The next T_UNITDATA_IND: its source and data (and its options).
  bool recvfrom(strdp_stream_t *ep, uint32_t *addr, uint16_t *port, Bytes *data,
                Bytes *opts = nullptr) {
    Msg m;
    if (!getmsg(ep, &m)) return false;
    if (opts != nullptr) {
      auto u = at<T_unitdata_ind>(m.ctl);
      opts->clear();
      if (u.OPT_length > 0 && size_t(u.OPT_offset + u.OPT_length) <= m.ctl.size())
        opts->assign(m.ctl.begin() + u.OPT_offset, m.ctl.begin() + u.OPT_offset + u.OPT_length);
    }
    EXPECT_EQ(m.prim(), t_uscalar_t{T_UNITDATA_IND});
    auto u = at<T_unitdata_ind>(m.ctl);
    EXPECT_EQ(u.SRC_length, int(sizeof(sockaddr_in)));
    auto s = at<sockaddr_in>(m.ctl, u.SRC_offset);
    EXPECT_EQ(s.sin_family, AF_INET);
    *addr = ntohl(s.sin_addr.s_addr);
    *port = ntohs(s.sin_port);
    *data = m.data;
    return true;
  }
  udp_ep_stats ep_stats(strdp_stream_t *ep) {
    udp_ep_stats st{};
    EXPECT_EQ(istr(ep, UDP_IOC_STATS, &st, sizeof st), 0) << strerror(errno);
    return st;
  }
};

TEST_F(Udp, BindsUnbindsAndSaysWhatItIs) {
  strdp_stream_t *a = endpoint(), *b = endpoint();
  Wire w = attach("a", 1, r1_, 24);
  T_info_req ir{T_INFO_REQ};
  Msg m = ask(a, prim(ir), true);
  ASSERT_EQ(m.prim(), t_uscalar_t{T_INFO_ACK});
  auto info = at<T_info_ack>(m.ctl);
  EXPECT_EQ(info.SERV_type, T_CLTS);
  EXPECT_EQ(info.TSDU_size, 65507);
  EXPECT_EQ(info.ADDR_size, int(sizeof(sockaddr_in)));
  EXPECT_EQ(info.CURRENT_state, TS_UNBND);

  EXPECT_EQ(bound_port(bind(a, 0, 7000)), 7000);
  EXPECT_EQ(at<T_info_ack>(ask(a, prim(ir), true).ctl).CURRENT_state, TS_IDLE);
  expect_error_ack(bind(a, 0, 7001), T_BIND_REQ, TOUTSTATE);
  expect_error_ack(bind(b, 0, 7000), T_BIND_REQ, TADDRBUSY);
  expect_error_ack(bind(b, r1_, 7000), T_BIND_REQ, TADDRBUSY);  // one endpoint a port
  expect_error_ack(bind(b, ipv4(10, 9, 9, 9), 7002), T_BIND_REQ, TSYSERR, EADDRNOTAVAIL);
  // A bad address: the wrong length, the wrong family, out of the block.
  T_bind_req br{T_BIND_REQ, 8, sizeof br, 0};
  sockaddr_in s = sin_of(0, 7003);
  expect_error_ack(ask(b, prim(br, &s, sizeof s)), T_BIND_REQ, TBADADDR);
  s.sin_family = AF_INET6;
  br.ADDR_length = sizeof s;
  expect_error_ack(ask(b, prim(br, &s, sizeof s)), T_BIND_REQ, TBADADDR);
  br.ADDR_offset = 1000;
  expect_error_ack(ask(b, prim(br, &s, sizeof s)), T_BIND_REQ, TBADADDR);
  // No address: any, and a port from the ephemeral range.
  uint16_t eph = bound_port(bind(b, 0, 0, false));
  EXPECT_GE(eph, 49152);

  T_unbind_req ur{T_UNBIND_REQ};
  m = ask(a, prim(ur));
  ASSERT_EQ(m.prim(), t_uscalar_t{T_OK_ACK});
  EXPECT_EQ(at<T_ok_ack>(m.ctl).CORRECT_prim, T_UNBIND_REQ);
  expect_error_ack(ask(a, prim(ur)), T_UNBIND_REQ, TOUTSTATE);
  strdp_stream_t *c = endpoint();
  EXPECT_EQ(bound_port(bind(c, r1_, 7000)), 7000) << "free again after the unbind";
  EXPECT_EQ(bound_port(bind(a, 0, 0)), eph + 1) << "the next ephemeral port";
  EXPECT_EQ(ep_stats(c).ue_port, 7000);
  EXPECT_EQ(ep_stats(c).ue_addr, r1_);
  (void)w;
}

TEST_F(Udp, PrivilegedPortsNeedRoot) {
  cred cr{1000, 1000, 1000, 1000, 0};
  strdp_stream_t *u = strdp_open("udp", O_RDWR | O_NONBLOCK, &cr);
  ASSERT_NE(u, nullptr) << strerror(errno);
  expect_error_ack(bind(u, 0, 53), T_BIND_REQ, TACCES);
  EXPECT_EQ(bound_port(bind(u, 0, 5353)), 5353);
  EXPECT_EQ(strdp_close(u), 0);
  strdp_stream_t *root = endpoint();
  EXPECT_EQ(bound_port(bind(root, 0, 53)), 53);
}

TEST_F(Udp, ReceivesWhatHostsSendWithTheirAddress) {
  Wire w = attach("a", 1, r1_, 24);
  strdp_stream_t *ep = endpoint();
  ASSERT_EQ(bound_port(bind(ep, 0, 7000)), 7000);
  Bytes hello = {'h', 'e', 'l', 'l', 'o'};
  send(w, h1_, kEthIpv4, udp_summed(h1ip_, r1_, 4000, 7000, hello));
  send(w, h1_, kEthIpv4, udp(h1ip_, r1_, 7000, 3));  // checksum 0: none
  uint32_t addr;
  uint16_t port;
  Bytes data;
  ASSERT_TRUE(recvfrom(ep, &addr, &port, &data));
  EXPECT_EQ(addr, h1ip_);
  EXPECT_EQ(port, 4000);
  EXPECT_EQ(data, hello);
  ASSERT_TRUE(recvfrom(ep, &addr, &port, &data));
  EXPECT_EQ(port, 1000);
  EXPECT_EQ(data, Bytes(3, 0));

  // A bad checksum, a UDP length past the datagram, one under 8: dropped
  // and counted, nothing delivered, no ICMP.
  Bytes bad = udp_summed(h1ip_, r1_, 4000, 7000, hello);
  bad[28] ^= 1;
  send(w, h1_, kEthIpv4, bad);
  Bytes longer = udp(h1ip_, r1_, 7000, 4);
  put16(&longer[24], 40);
  send(w, h1_, kEthIpv4, longer);
  Bytes shorter = udp(h1ip_, r1_, 7000, 4);
  put16(&shorter[24], 7);
  send(w, h1_, kEthIpv4, shorter);
  EXPECT_FALSE(recvfrom(ep, &addr, &port, &data));
  EXPECT_EQ(ctr("a", IP_IF_drop_udp_bad), 3u);
  EXPECT_EQ(ctr("a", IP_IF_udp_in), 2u);

  // A port nobody has: ICMP port unreachable (once h1 is known).
  introduce(w, h1_, h1ip_, r1_);
  Bytes other = udp(h1ip_, r1_, 7001);
  send(w, h1_, kEthIpv4, other);
  std::vector<Bytes> f = frames(w);
  ASSERT_EQ(f.size(), 1u);
  Bytes icmp = ip_of(f[0]);
  EXPECT_EQ(icmp[9], 1);
  EXPECT_EQ(icmp[20], 3);
  EXPECT_EQ(icmp[21], 3) << "port unreachable";
  EXPECT_EQ(ctr("a", IP_IF_drop_local_proto), 1u);
  udp_ep_stats st = ep_stats(ep);
  EXPECT_EQ(st.ue_in, 2u);
  EXPECT_EQ(st.ue_up, 2u);
}

TEST_F(Udp, SendsThroughTheRouteWithItsOptions) {
  Wire w = attach("a", 1, r1_, 24);
  introduce(w, h1_, h1ip_, r1_);
  strdp_stream_t *ep = endpoint();
  sendto(ep, h1ip_, 5000, Bytes(4, 1));
  expect_uderror(ep, TOUTSTATE, h1ip_, 5000);
  ASSERT_EQ(bound_port(bind(ep, 0, 7000)), 7000);

  Bytes payload(100);
  for (size_t i = 0; i < payload.size(); ++i) payload[i] = static_cast<uint8_t>(i);
  sendto(ep, h1ip_, 5000, payload);
  std::vector<Bytes> f = frames(w);
  ASSERT_EQ(f.size(), 1u);
  EXPECT_EQ(macs(f[0]), macs(h1_, w.mac));
  Bytes ip = ip_of(f[0]);
  ASSERT_EQ(ip.size(), 128u);
  EXPECT_EQ(get32(&ip[12]), r1_) << "bound to any: the interface's address";
  EXPECT_EQ(get32(&ip[16]), h1ip_);
  EXPECT_EQ(ip[8], 64);
  EXPECT_EQ(inet_csum(ip.data(), 20), 0);
  EXPECT_EQ(get16(&ip[20]), 7000);
  EXPECT_EQ(get16(&ip[22]), 5000);
  EXPECT_EQ(get16(&ip[24]), 108);
  EXPECT_TRUE(udp_sum_ok(ip));
  EXPECT_EQ(Bytes(ip.begin() + 28, ip.end()), payload);

  // TTL 5, TOS 0x10 and no checksum, negotiated.
  Bytes opts;
  for (auto [level, name, value] : {std::tuple{T_INET_IP, T_IP_TTL, 5u},
                                    {T_INET_IP, T_IP_TOS, 0x10u},
                                    {T_INET_UDP, T_UDP_CHECKSUM, unsigned{T_NO}}}) {
    t_opthdr h{sizeof h + 4, t_uscalar_t(level), t_uscalar_t(name), 0};
    opts.insert(opts.end(), reinterpret_cast<uint8_t *>(&h), reinterpret_cast<uint8_t *>(&h + 1));
    opts.insert(opts.end(), reinterpret_cast<uint8_t *>(&value), reinterpret_cast<uint8_t *>(&value) + 4);
  }
  T_optmgmt_req orq{T_OPTMGMT_REQ, int(opts.size()), sizeof orq, T_NEGOTIATE};
  Msg m = ask(ep, prim(orq, opts.data(), opts.size()));
  ASSERT_EQ(m.prim(), t_uscalar_t{T_OPTMGMT_ACK});
  EXPECT_EQ(at<T_optmgmt_ack>(m.ctl).MGMT_flags, T_SUCCESS);
  sendto(ep, h1ip_, 5000, payload);
  f = frames(w);
  ASSERT_EQ(f.size(), 1u);
  ip = ip_of(f[0]);
  EXPECT_EQ(ip[8], 5);
  EXPECT_EQ(ip[1], 0x10);
  EXPECT_EQ(get16(&ip[26]), 0) << "no checksum";
  EXPECT_EQ(inet_csum(ip.data(), 20), 0);

  // 4,000 bytes leave as fragments of the 1500-byte link.
  sendto(ep, h1ip_, 5000, Bytes(4000, 7));
  f = frames(w);
  EXPECT_EQ(f.size(), 3u);
  EXPECT_EQ(ctr("a", IP_IF_fragments), 3u);
  EXPECT_EQ(ctr("a", IP_IF_udp_out), 3u);
  EXPECT_EQ(ep_stats(ep).ue_out, 3u);
}

TEST_F(Udp, WhatCannotGoComesBackAsAnError) {
  Wire w = attach("a", 1, r1_, 24);
  strdp_stream_t *ep = endpoint();
  ASSERT_EQ(bound_port(bind(ep, 0, 7000)), 7000);
  sendto(ep, ipv4(192, 168, 9, 9), 53, Bytes(4, 1));
  expect_uderror(ep, ENETUNREACH, ipv4(192, 168, 9, 9), 53);
  ASSERT_EQ(route(IP_IOC_ROUTE_ADD, ipv4(10, 7, 0, 0), 16, 0, "a", IP_RT_REJECT), 0)
      << strerror(errno);
  sendto(ep, ipv4(10, 7, 1, 1), 53, Bytes(4, 1));
  expect_uderror(ep, EHOSTUNREACH, ipv4(10, 7, 1, 1), 53);
  sendto(ep, h1ip_, 0, Bytes(4, 1));
  expect_uderror(ep, TBADADDR, h1ip_, 0);
  sendto(ep, h1ip_, 9, Bytes(65508, 1));
  expect_uderror(ep, EMSGSIZE, h1ip_, 9);
  // Data with no T_UNITDATA_REQ, a destination of the wrong size.
  Bytes d(10, 1);
  ASSERT_EQ(strdp_write(ep, d.data(), d.size()), 10);
  drain();
  expect_uderror(ep, EDESTADDRREQ, 0, 0);
  T_unitdata_req r{T_UNITDATA_REQ, 4, sizeof r, 0, 0};
  uint32_t four = 0;
  putctl(ep, prim(r, &four, 4).data(), sizeof r + 4, false);
  expect_uderror(ep, TBADADDR, 0, 0);
  EXPECT_EQ(ep_stats(ep).ue_out_errors, 6u);
  EXPECT_EQ(ep_stats(ep).ue_out, 0u);
  EXPECT_TRUE(frames(w).empty()) << "nothing left";
}

// One option (header and a 4-byte value) as the XTI lists carry them.
Bytes opt(t_uscalar_t level, t_uscalar_t name, const void *value) {
  t_opthdr h{sizeof(t_opthdr) + 4, level, name, 0};
  Bytes b(sizeof h + 4);
  memcpy(b.data(), &h, sizeof h);
  memcpy(b.data() + sizeof h, value, 4);
  return b;
}

TEST_F(Udp, AnswersFromTheAddressItWasAskedAt) {
  Wire a = attach("a", 1, r1_, 24), b = attach("b", 2, r2_, 24);
  introduce(a, h1_, h1ip_, r1_);
  strdp_stream_t *ep = endpoint();
  ASSERT_EQ(bound_port(bind(ep, 0, 7)), 7);
  t_uscalar_t yes = T_YES;
  Bytes on = opt(T_INET_IP, T_IP_RECVDSTADDR, &yes);
  T_optmgmt_req orq{T_OPTMGMT_REQ, int(on.size()), sizeof orq, T_NEGOTIATE};
  EXPECT_EQ(at<T_optmgmt_ack>(ask(ep, prim(orq, on.data(), on.size())).ctl).MGMT_flags, T_SUCCESS);

  // h1, on a's link, asks at the router's address on b's.
  send(a, h1_, kEthIpv4, udp_summed(h1ip_, r2_, 4000, 7, Bytes{'q'}));
  uint32_t addr;
  uint16_t port;
  Bytes data, opts;
  ASSERT_TRUE(recvfrom(ep, &addr, &port, &data, &opts));
  ASSERT_EQ(opts.size(), 20u);
  auto h = at<t_opthdr>(opts);
  EXPECT_EQ(h.level, t_uscalar_t{T_INET_IP});
  EXPECT_EQ(h.name, t_uscalar_t{T_IP_RECVDSTADDR});
  EXPECT_EQ(ntohl(at<uint32_t>(opts, 16)), r2_) << "the destination it was sent to";

  // Answered from there, with this datagram's own TTL.
  uint32_t from = htonl(r2_);
  t_uscalar_t ttl = 9;
  Bytes o = opt(T_INET_IP, T_IP_SRCADDR, &from);
  Bytes t = opt(T_INET_IP, T_IP_TTL, &ttl);
  o.insert(o.end(), t.begin(), t.end());
  sendto(ep, addr, port, data, o);
  std::vector<Bytes> f = frames(a);
  ASSERT_EQ(f.size(), 1u);
  Bytes ip = ip_of(f[0]);
  EXPECT_EQ(get32(&ip[12]), r2_);
  EXPECT_EQ(ip[8], 9);
  EXPECT_TRUE(udp_sum_ok(ip));
  sendto(ep, addr, port, data);
  f = frames(a);
  ASSERT_EQ(f.size(), 1u);
  EXPECT_EQ(get32(&ip_of(f[0])[12]), r1_) << "without it: the route's interface";
  EXPECT_EQ(ip_of(f[0])[8], 64) << "and the endpoint's TTL";

  // A source that is not ours, an option it does not take, a bad list.
  uint32_t other = htonl(ipv4(10, 1, 0, 99));
  sendto(ep, addr, port, data, opt(T_INET_IP, T_IP_SRCADDR, &other));
  expect_uderror(ep, TBADOPT, addr, port);
  sendto(ep, addr, port, data, opt(T_INET_UDP, T_UDP_CHECKSUM, &yes));
  expect_uderror(ep, TBADOPT, addr, port);
  Bytes cut = opt(T_INET_IP, T_IP_TTL, &ttl);
  cut.resize(12);
  sendto(ep, addr, port, data, cut);
  expect_uderror(ep, TBADOPT, addr, port);
  t_uscalar_t zero = 0;
  sendto(ep, addr, port, data, opt(T_INET_IP, T_IP_TTL, &zero));
  expect_uderror(ep, TBADOPT, addr, port);
  EXPECT_TRUE(frames(a).empty());
  EXPECT_TRUE(frames(b).empty());
}

TEST_F(Udp, TalksToItselfThroughItsOwnAddress) {
  Wire w = attach("a", 1, r1_, 24);
  strdp_stream_t *a = endpoint(), *b = endpoint();
  ASSERT_EQ(bound_port(bind(a, 0, 7000)), 7000);
  ASSERT_EQ(bound_port(bind(b, r1_, 7001)), 7001);
  sendto(a, r1_, 7001, Bytes{'p', 'i', 'n', 'g'});
  uint32_t addr;
  uint16_t port;
  Bytes data;
  ASSERT_TRUE(recvfrom(b, &addr, &port, &data));
  EXPECT_EQ(addr, r1_);
  EXPECT_EQ(port, 7000);
  EXPECT_EQ(data, (Bytes{'p', 'i', 'n', 'g'}));
  sendto(b, r1_, 7000, Bytes{'p', 'o', 'n', 'g'});
  ASSERT_TRUE(recvfrom(a, &addr, &port, &data));
  EXPECT_EQ(port, 7001);
  EXPECT_EQ(data, (Bytes{'p', 'o', 'n', 'g'}));
  EXPECT_TRUE(frames(w).empty()) << "nothing on the wire";
}

TEST_F(Udp, AFullReceiveRingDropsCountsAndKeepsOrder) {
  Wire w = attach("a", 1, r1_, 24);
  strdp_stream_t *ep = endpoint();
  ASSERT_EQ(bound_port(bind(ep, 0, 7000)), 7000);
  constexpr int kSent = 1500;
  for (int i = 0; i < kSent; ++i) {
    Bytes d(1000, 0);
    put16(d.data(), static_cast<uint16_t>(i));
    Bytes f = ether(w.mac, h1_, kEthIpv4, udp_summed(h1ip_, r1_, 4000, 7000, d));
    ASSERT_EQ(strdp_write(w.p.user, f.data(), f.size()), static_cast<ssize_t>(f.size())) << i << ": " << strerror(errno);
    drain();  // the loop driver queues what it is given
  }
  drain();
  udp_ep_stats st = ep_stats(ep);
  EXPECT_GT(st.ue_rcvbuf_full, 0u) << "the head and the ring hold less than was sent";
  EXPECT_EQ(st.ue_in + st.ue_rcvbuf_full, uint64_t{kSent});
  EXPECT_EQ(ctr("a", IP_IF_drop_udp_full), st.ue_rcvbuf_full);
  int got = 0, last = -1;
  uint32_t addr;
  uint16_t port;
  Bytes data;
  while (recvfrom(ep, &addr, &port, &data)) {
    int seq = get16(data.data());
    EXPECT_GT(seq, last) << "in order";
    last = seq;
    ++got;
  }
  EXPECT_EQ(uint64_t(got), st.ue_in) << "everything queued came up once room came";
  // Room again: the next one comes at once.
  send(w, h1_, kEthIpv4, udp_summed(h1ip_, r1_, 4000, 7000, Bytes(8, 9)));
  ASSERT_TRUE(recvfrom(ep, &addr, &port, &data));
  EXPECT_EQ(data, Bytes(8, 9));
}

TEST_F(Udp, AWakeThatOutlivesItsEndpointDoesNothing) {
  Wire w = attach("a", 1, r1_, 24);
  strdp_stream_t *ep = endpoint();
  ASSERT_EQ(bound_port(bind(ep, 0, 7000)), 7000);
  // One pass takes the frames to the router and the endpoint's ring, and
  // posts its wake to this scheduler's inbound ring, which the next pass
  // would run: the endpoint closes first.
  for (int i = 0; i < 3; ++i) {
    Bytes f = ether(w.mac, h1_, kEthIpv4, udp_summed(h1ip_, r1_, 4000, 7000, Bytes(8, 1)));
    ASSERT_EQ(strdp_write(w.p.user, f.data(), f.size()), static_cast<ssize_t>(f.size()));
  }
  strdp_sched_run(strdp_sched_current());
  EXPECT_EQ(close(ep), 0);
  strdp_stream_t *next = endpoint();  // may take the same slot
  ASSERT_EQ(bound_port(bind(next, 0, 7001)), 7001);
  drain();
  uint32_t addr;
  uint16_t port;
  Bytes data;
  EXPECT_FALSE(recvfrom(next, &addr, &port, &data)) << "nothing of the old endpoint's";
  EXPECT_EQ(ep_stats(next).ue_in, 0u);
  EXPECT_EQ(ctr("a", IP_IF_udp_in), 3u) << "they reached the endpoint before it closed";
  // The fixture's TearDown checks that what waited was freed.
}

TEST_F(Udp, OptionManagementAnswersEachOptionAndRefusesBadLists) {
  strdp_stream_t *ep = endpoint();
  // T_CURRENT of nothing: every option, with its value.
  T_optmgmt_req r{T_OPTMGMT_REQ, 0, sizeof r, T_CURRENT};
  Msg m = ask(ep, prim(r));
  ASSERT_EQ(m.prim(), t_uscalar_t{T_OPTMGMT_ACK});
  auto a = at<T_optmgmt_ack>(m.ctl);
  EXPECT_EQ(a.MGMT_flags, T_SUCCESS);
  ASSERT_EQ(a.OPT_length, 4 * 20);
  std::map<t_uscalar_t, t_uscalar_t> cur;
  for (int i = 0; i < 4; ++i) {
    auto h = at<t_opthdr>(m.ctl, a.OPT_offset + 20 * i);
    EXPECT_EQ(h.len, 20u);
    cur[h.name] = at<t_uscalar_t>(m.ctl, a.OPT_offset + 20 * i + 16);
  }
  EXPECT_EQ(cur[T_IP_TTL], 64u);
  EXPECT_EQ(cur[T_IP_TOS], 0u);
  EXPECT_EQ(cur[T_UDP_CHECKSUM], t_uscalar_t{T_YES});
  EXPECT_EQ(cur[T_IP_RECVDSTADDR], t_uscalar_t{T_NO});

  auto one = [](t_uscalar_t level, t_uscalar_t name, t_uscalar_t v, bool with_value = true) {
    t_opthdr h{t_uscalar_t(sizeof(t_opthdr) + (with_value ? 4u : 0u)), level, name, 0};
    Bytes b(reinterpret_cast<uint8_t *>(&h), reinterpret_cast<uint8_t *>(&h + 1));
    if (with_value) b.insert(b.end(), reinterpret_cast<uint8_t *>(&v), reinterpret_cast<uint8_t *>(&v) + 4);
    return b;
  };
  auto optmgmt = [&](t_scalar_t flags, const Bytes &o) {
    T_optmgmt_req q{T_OPTMGMT_REQ, int(o.size()), sizeof q, flags};
    return ask(ep, prim(q, o.data(), o.size()));
  };
  // Out of range: T_FAILURE, nothing changes; T_CHECK changes nothing.
  m = optmgmt(T_NEGOTIATE, one(T_INET_IP, T_IP_TTL, 0));
  EXPECT_EQ(at<T_optmgmt_ack>(m.ctl).MGMT_flags, T_FAILURE);
  m = optmgmt(T_CHECK, one(T_INET_IP, T_IP_TTL, 9));
  EXPECT_EQ(at<T_optmgmt_ack>(m.ctl).MGMT_flags, T_SUCCESS);
  m = optmgmt(T_CHECK, one(T_INET_IP, T_IP_TTL, 300));
  EXPECT_EQ(at<T_optmgmt_ack>(m.ctl).MGMT_flags, T_FAILURE);
  m = optmgmt(T_CURRENT, one(T_INET_IP, T_IP_TTL, 0, false));
  EXPECT_EQ(at<t_uscalar_t>(m.ctl, sizeof(T_optmgmt_ack) + 16), 64u) << "unchanged";
  // One we do not know, beside one we do: T_NOTSUPPORT, the worst.
  Bytes mixed = one(T_INET_IP, T_IP_TTL, 10);
  Bytes unknown = one(0x1234, 1, 1);
  mixed.insert(mixed.end(), unknown.begin(), unknown.end());
  m = optmgmt(T_NEGOTIATE, mixed);
  ASSERT_EQ(m.prim(), t_uscalar_t{T_OPTMGMT_ACK});
  EXPECT_EQ(at<T_optmgmt_ack>(m.ctl).MGMT_flags, T_NOTSUPPORT);
  EXPECT_EQ(at<t_opthdr>(m.ctl, sizeof(T_optmgmt_ack)).status, t_uscalar_t{T_SUCCESS});
  EXPECT_EQ(at<t_opthdr>(m.ctl, sizeof(T_optmgmt_ack) + 20).status, t_uscalar_t{T_NOTSUPPORT});
  m = optmgmt(T_DEFAULT, one(T_INET_IP, T_IP_TTL, 0, false));
  EXPECT_EQ(at<t_uscalar_t>(m.ctl, sizeof(T_optmgmt_ack) + 16), 64u);
  m = optmgmt(T_CURRENT, one(T_INET_IP, T_IP_TTL, 0, false));
  EXPECT_EQ(at<t_uscalar_t>(m.ctl, sizeof(T_optmgmt_ack) + 16), 10u) << "negotiated";

  // Bad lists and flags.
  Bytes truncated = one(T_INET_IP, T_IP_TTL, 5);
  truncated.resize(10);
  expect_error_ack(optmgmt(T_NEGOTIATE, truncated), T_OPTMGMT_REQ, TBADOPT);
  Bytes too_long = one(T_INET_IP, T_IP_TTL, 5);
  too_long[0] = 200;  // len past the list
  expect_error_ack(optmgmt(T_NEGOTIATE, too_long), T_OPTMGMT_REQ, TBADOPT);
  Bytes too_short = one(T_INET_IP, T_IP_TTL, 5);
  too_short[0] = 8;   // len under a header
  expect_error_ack(optmgmt(T_NEGOTIATE, too_short), T_OPTMGMT_REQ, TBADOPT);
  expect_error_ack(optmgmt(0x7777, {}), T_OPTMGMT_REQ, TBADFLAG);
  r.OPT_length = 1000;
  expect_error_ack(ask(ep, prim(r)), T_OPTMGMT_REQ, TBADOPT);
}

TEST_F(Udp, HostilePrimitivesGetTheirAnswer) {
  strdp_stream_t *ep = endpoint();
  uint16_t two = 1;
  expect_error_ack(ask(ep, prim(two)), -1, TSYSERR, EINVAL);
  t_scalar_t conn = T_CONN_REQ;
  expect_error_ack(ask(ep, prim(conn)), T_CONN_REQ, TNOTSUPPORT);
  t_scalar_t bind_only = T_BIND_REQ;
  expect_error_ack(ask(ep, prim(bind_only)), T_BIND_REQ, TSYSERR, EINVAL);
  t_scalar_t opt_only = T_OPTMGMT_REQ;
  expect_error_ack(ask(ep, prim(opt_only)), T_OPTMGMT_REQ, TSYSERR, EINVAL);
  t_scalar_t garbage = 0x7fffffff;
  expect_error_ack(ask(ep, prim(garbage)), 0x7fffffff, TNOTSUPPORT);
  udp_ep_stats st{};
  EXPECT_EQ(istr(ep, UDP_IOC_STATS, &st, 4), -1);
  EXPECT_EQ(errno, EINVAL);
  EXPECT_EQ(istr(ep, 0x1234, &st, sizeof st), -1);
  EXPECT_EQ(errno, EINVAL);
  // Still an endpoint that works.
  EXPECT_EQ(bound_port(bind(ep, 0, 7000)), 7000);
}

}  // namespace
}  // namespace strdp::test
