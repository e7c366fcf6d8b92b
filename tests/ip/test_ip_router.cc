// The ip router driver (modules/ip, <strdp/ip.h>) in one process (the
// fixture: ip_test.h). ARP, ping, forwarding with ARP resolution, the
// ICMP errors, fragmentation, routes, bad input, unlinking.
#include "ip_test.h"

namespace strdp::test {
namespace {

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
