// The pmd driver on net_af_packet, on one end of a veth pair whose other
// end sits in a network namespace run by the Linux kernel's own stack
// (made by netns-run.sh before this program starts): ARP and ICMP echo
// answered by the kernel in DLPI mode; the SAP and address filters (and
// DL_PROMISC_PHYS) against the kernel's own frames; raw frames seen by
// tcpdump in the namespace, byte for byte; the kernel's frames received
// raw.
#include <rte_ethdev.h>

#include <filesystem>

#include "dlpi_stream.h"
#include "eal_env.h"
#include "ipv4_peer.h"
#include "pcap_io.h"

namespace strdp::test {
namespace {

// Why these tests cannot run here, "" if they can.
std::string skip_reason() {
  if (std::string r = env("STRDP_VDEV_SKIP"); !r.empty()) return r;
  if (env("STRDP_VDEV_HOST_IF").empty())
    return "no veth pair: run this program through tests/vdev/netns-run.sh "
           "(meson test --suite vdev does)";
  return kernel_skip_reason(false);
}

}  // namespace

std::vector<std::string> extra_eal_args() {
  if (!skip_reason().empty()) return {};
  return {"--vdev", "net_af_packet0,iface=" + env("STRDP_VDEV_HOST_IF")};
}

namespace {

class AfPacket : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    reason_ = skip_reason();
    if (!reason_.empty()) return;
    port_ = strdp_port_setup("net_af_packet0", nullptr);
    if (port_ < 0) {
      setup_error_ = std::string("strdp_port_setup(net_af_packet0): ") + strerror(errno);
      return;
    }
    ns_ = env("STRDP_VDEV_NETNS");
    peer_if_ = env("STRDP_VDEV_PEER_IF");
    link_.port = static_cast<uint16_t>(port_);
    auto local = link_mac("", env("STRDP_VDEV_HOST_IF"));
    auto peer = link_mac(ns_, peer_if_);
    auto pip = parse_ipv4(env("STRDP_VDEV_PEER_IP"));
    auto lip = parse_ipv4(env("STRDP_VDEV_LOCAL_IP"));
    if (!local || !peer || !pip || !lip) {
      setup_error_ = "cannot read the veth pair's addresses (ip link show / environment)";
      return;
    }
    link_.local_mac = *local;
    link_.peer_mac = *peer;
    link_.peer_ip = *pip;
    link_.local_ip = *lip;
  }
  static void TearDownTestSuite() {
    if (port_ >= 0) {
      EXPECT_EQ(strdp_port_close(static_cast<uint16_t>(port_)), 0);
    }
    port_ = -1;
  }
  void SetUp() override {
    if (!reason_.empty()) GTEST_SKIP() << reason_;
    ASSERT_EQ(setup_error_, "");
  }

  static strdp_pmd_stats stats() {
    strdp_pmd_stats st{};
    EXPECT_EQ(strdp_pmd_get_stats(link_.port, 0, &st), 0);
    return st;
  }

  static inline std::string reason_, setup_error_, ns_, peer_if_;
  static inline int port_ = -1;
  static inline Ipv4Link link_;
};

TEST_F(AfPacket, ThePortHasTheVethAddress) {
  rte_ether_addr a{};
  ASSERT_EQ(rte_eth_macaddr_get(link_.port, &a), 0);
  EXPECT_EQ(mac_str(a.addr_bytes), mac_str(link_.local_mac.data()));
  DlpiStream s;
  ASSERT_TRUE(s.ok());
  ASSERT_TRUE(s.attach(STRDP_PMD_PPA(link_.port, 0)));
  Mac m{};
  ASSERT_TRUE(s.phys_addr(&m));
  EXPECT_EQ(mac_str(m.data()), mac_str(link_.local_mac.data()));
}

TEST_F(AfPacket, ArpRequestGetsTheKernelsReply) {
  strdp_pmd_stats before = stats();
  ASSERT_NO_FATAL_FAILURE(arp_round_trip(link_));
  strdp_pmd_stats after = stats();
  EXPECT_GE(after.tx_frames - before.tx_frames, 1u);
  EXPECT_GE(after.rx_frames - before.rx_frames, 1u);
  EXPECT_EQ(after.tx_invalid, before.tx_invalid);
}

TEST_F(AfPacket, IcmpEchoGetsTheKernelsReply) {
  ASSERT_NO_FATAL_FAILURE(arp_round_trip(link_));  // also tells the kernel our MAC
  ASSERT_NO_FATAL_FAILURE(icmp_round_trip(link_, 3));
}

// The SAP filter against real traffic: a stream bound to IPv4 sends an
// ARP request (the 8-byte DLSAP address names the SAP), then an ICMP echo
// request. The kernel answers both, in that order, and the veth keeps the
// order: so the first message up must be the echo reply, the ARP reply
// having been dropped by the filter before it.
TEST_F(AfPacket, AStreamBoundToIpv4DoesNotSeeArp) {
  DlpiStream s;
  ASSERT_TRUE(s.ok());
  ASSERT_TRUE(s.attach(STRDP_PMD_PPA(link_.port, 0)));
  ASSERT_TRUE(s.bind(kEthIpv4));
  strdp_pmd_stats before = stats();
  ASSERT_EQ(s.unitdata(kBroadcast, kEthArp,
                       arp_request(link_.local_mac, link_.local_ip, link_.peer_ip)),
            0);
  Bytes data(8, 0x42);
  ASSERT_EQ(s.unitdata(link_.peer_mac, kEthIpv4,
                       icmp_echo(8, link_.local_ip, link_.peer_ip, 0x5151, 1, data)),
            0);
  Msg m;
  ASSERT_TRUE(s.get(&m, Deadline(kAnswerWait))) << "no answer at all";
  IcmpEcho e;
  ASSERT_EQ(m.prim(), t_uscalar_t{DL_UNITDATA_IND}) << describe(m);
  ASSERT_EQ(parse_icmp_echo(m.data, &e), "") << "the IPv4 stream received something else";
  EXPECT_EQ(e.type, 0);
  EXPECT_EQ(e.id, 0x5151);
  strdp_pmd_stats after = stats();
  EXPECT_EQ(after.tx_frames - before.tx_frames, 2u);
  EXPECT_GE(after.rx_filtered - before.rx_filtered, 1u) << "the ARP reply";
  EXPECT_FALSE(s.try_get(&m)) << "more came up: " << describe(m);
}

// The address filter against the kernel's frames: the namespace sends a
// UDP datagram to an address whose neighbour entry names another
// station's MAC (bash's /dev/udp: no ping needed). veth hands every frame
// up, so the filter is the driver's: the frame is dropped without
// DL_PROMISC_PHYS and delivered, with that destination, with it.
TEST_F(AfPacket, FramesForAnotherStationNeedPromiscuousMode) {
  const Mac other = {0x02, 0, 0, 0, 0, 0x50};
  const std::string other_ip = "192.0.2.50";
  ASSERT_EQ(ip(ns_, {"neigh", "replace", other_ip, "lladdr", mac_str(other.data()), "dev",
                     peer_if_, "nud", "permanent"}),
            "");
  auto send_udp = [&](const std::string &text) {
    std::vector<std::string> argv{ip_program(), "netns", "exec", ns_, "bash", "-c",
                                  "printf " + text + " > /dev/udp/" + other_ip + "/9"};
    CmdResult r = run_cmd(argv);
    return r.status == 0 ? std::string() : describe(argv, r);
  };
  DlpiStream s;
  ASSERT_TRUE(s.ok());
  ASSERT_TRUE(s.attach(STRDP_PMD_PPA(link_.port, 0)));
  ASSERT_TRUE(s.bind(kEthIpv4));

  // Not promiscuous: the datagram (sent when bash exits) is dropped, so
  // the first message up is the reply to the echo request sent after it.
  strdp_pmd_stats before = stats();
  ASSERT_EQ(send_udp("first"), "");
  ASSERT_EQ(s.unitdata(link_.peer_mac, kEthIpv4,
                       icmp_echo(8, link_.local_ip, link_.peer_ip, 0x5252, 1, Bytes(8, 1))),
            0);
  Msg m;
  IcmpEcho e;
  ASSERT_TRUE(s.get(&m, Deadline(kAnswerWait))) << "no echo reply";
  ASSERT_EQ(parse_icmp_echo(m.data, &e), "") << "a frame for another station came up";
  EXPECT_EQ(e.type, 0);
  EXPECT_GE(stats().rx_filtered - before.rx_filtered, 1u) << "the datagram";

  dl_promiscon_req_t on{DL_PROMISCON_REQ, DL_PROMISC_PHYS};
  ASSERT_EQ(s.put_prim(on), 0);
  ASSERT_TRUE(s.expect_ok_ack(DL_PROMISCON_REQ));
  ASSERT_EQ(send_udp("second"), "");
  ASSERT_TRUE(s.get(&m, Deadline(kAnswerWait))) << "promiscuous, yet no frame came up";
  ASSERT_EQ(m.prim(), t_uscalar_t{DL_UNITDATA_IND}) << describe(m);
  auto u = m.as<dl_unitdata_ind_t>();
  EXPECT_EQ(m.at(u.dl_dest_addr_offset, u.dl_dest_addr_length), dlsap(other, kEthIpv4));
  EXPECT_EQ(m.at(u.dl_src_addr_offset, u.dl_src_addr_length), dlsap(link_.peer_mac, kEthIpv4));
  EXPECT_EQ(u.dl_group_address, 0u);
  // IPv4 (20-byte header), UDP, to other_ip port 9, "second".
  ASSERT_EQ(m.data.size(), 20u + 8u + 6u);
  EXPECT_EQ(m.data[9], 17) << "UDP";
  EXPECT_EQ(ipv4_str(uint32_t{m.data[16]} << 24 | uint32_t{m.data[17]} << 16 |
                     uint32_t{m.data[18]} << 8 | m.data[19]),
            other_ip);
  EXPECT_EQ(std::string(m.data.begin() + 28, m.data.end()), "second");

  dl_promiscoff_req_t off{DL_PROMISCOFF_REQ, DL_PROMISC_PHYS};
  ASSERT_EQ(s.put_prim(off), 0);
  ASSERT_TRUE(s.expect_ok_ack(DL_PROMISCOFF_REQ));
}

// Raw frames go out whole: tcpdump on the namespace's end captures exactly
// the valid ones, byte for byte and in order; the ones no NIC can send
// (shorter than a header, longer than the MTU allows) are refused.
TEST_F(AfPacket, RawFramesReachTheNamespaceByteForByte) {
  std::string tcpdump = env("STRDP_VDEV_TCPDUMP");
  if (tcpdump.empty()) GTEST_SKIP() << "tcpdump was not found";
  DlpiStream s;
  ASSERT_TRUE(s.ok());
  ASSERT_TRUE(s.raw_mode());
  ASSERT_TRUE(s.attach(STRDP_PMD_PPA(link_.port, 0)));

  std::vector<Bytes> good;
  for (size_t len : {60, 64, 61, 128, 577, 1000, 1514}) {
    Bytes payload(len - 14);
    for (size_t i = 0; i < payload.size(); ++i)
      payload[i] = static_cast<uint8_t>(good.size() * 31 + i);
    good.push_back(ether(link_.peer_mac, link_.local_mac, kEthLocalExp, payload));
  }
  const Bytes runt(13, 0xee), giant = ether(link_.peer_mac, link_.local_mac, kEthLocalExp,
                                            Bytes(1600 - 14, 0xab));

  std::filesystem::path dir = std::filesystem::temp_directory_path() /
                              ("strdp-vdev-cap-" + std::to_string(getpid()));
  std::filesystem::create_directories(dir);
  struct RemoveDir {
    std::filesystem::path p;
    ~RemoveDir() {
      std::error_code ec;
      std::filesystem::remove_all(p, ec);
    }
  } remove_dir{dir};
  std::string file = (dir / "cap.pcap").string();

  // Bounded capture: -c stops it after our frames, timeout(1) after 30 s
  // whatever happens; -Z root keeps the right to write into our directory;
  // -U writes each frame at once. Only our frames pass the filter.
  Child cap;
  ASSERT_EQ(cap.start({ip_program(), "netns", "exec", ns_, "timeout", "30", tcpdump, "-i",
                       peer_if_, "-n", "-U", "-Z", "root", "--immediate-mode", "-c",
                       std::to_string(good.size()), "-w", file, "ether proto " +
                       std::to_string(kEthLocalExp) + " and ether src " +
                       mac_str(link_.local_mac.data())},
                      true),
            0);
  std::string line;
  ASSERT_TRUE(cap.expect_line("tcpdump: listening on", &line, Deadline(kAnswerWait)))
      << "tcpdump did not start: " << cap.skipped() << cap.rest();

  strdp_pmd_stats before = stats();
  for (size_t i = 0; i < good.size(); ++i) {
    if (i == 2) {
      ASSERT_EQ(s.put_raw(runt), 0);
    }
    if (i == 5) {
      ASSERT_EQ(s.put_raw(giant), 0);
    }
    ASSERT_EQ(s.put_raw(good[i]), 0);
  }
  Deadline d(kAnswerWait);
  while (stats().tx_frames - before.tx_frames < good.size() && !d.passed()) pass();
  EXPECT_EQ(stats().tx_frames - before.tx_frames, good.size());
  EXPECT_EQ(stats().tx_invalid - before.tx_invalid, 2u) << "the runt and the giant";

  int st = cap.wait(Deadline(kAnswerWait));
  if (st == -1) cap.signal(SIGINT);  // ends the capture, keeps the file
  ASSERT_EQ(st, 0) << "tcpdump: " << cap.rest();
  std::vector<Bytes> got;
  ASSERT_EQ(read_pcap(file, &got), "");
  EXPECT_EQ(compare_frames(good, got), "");
}

// Raw mode receives whole frames: the kernel's ARP reply, header and all.
TEST_F(AfPacket, RawModeReceivesTheKernelsReplyWhole) {
  DlpiStream s;
  ASSERT_TRUE(s.ok());
  ASSERT_TRUE(s.raw_mode());
  ASSERT_TRUE(s.attach(STRDP_PMD_PPA(link_.port, 0)));
  ASSERT_EQ(s.put_raw(ether(kBroadcast, link_.local_mac, kEthArp,
                            arp_request(link_.local_mac, link_.local_ip, link_.peer_ip))),
            0);
  Bytes want = ether(link_.local_mac, link_.peer_mac, kEthArp,
                     arp(2, link_.peer_mac, link_.peer_ip, link_.local_mac, link_.local_ip));
  Deadline d(kAnswerWait);
  std::string passed_over;
  Msg m;
  while (s.get(&m, d)) {
    if (!m.has_ctl && m.data.size() >= 22 && m.data[12] == 0x08 && m.data[13] == 0x06 &&
        m.data[21] == 2) {
      Bytes got(m.data.begin(), m.data.begin() + std::min(m.data.size(), want.size()));
      EXPECT_EQ(got, want) << diff_bytes(want, got);
      return;
    }
    passed_over += describe(m) + "; ";
  }
  FAIL() << "no raw ARP reply; passed over: " << passed_over;
}

}  // namespace
}  // namespace strdp::test
