// The pmd driver on net_tap: the tap's kernel interface (a unique name,
// strdp<pid>, in our namespace) gets an IPv4 address of its own /30, and
// the Linux stack answers ARP and ping on it. The interface comes and goes
// with the port (DPDK makes it at probe, the kernel removes it when the
// port closes or this process dies), so nothing outlives the test.
#include <fcntl.h>
#include <rte_ethdev.h>
#include <unistd.h>

#include <fstream>

#include "dlpi_stream.h"
#include "eal_env.h"
#include "ipv4_peer.h"

namespace strdp::test {
namespace {

std::string tap_name() { return "strdp" + std::to_string(getpid()); }

}  // namespace

std::vector<std::string> extra_eal_args() {
  if (!kernel_skip_reason(true).empty()) return {};
  return {"--vdev", "net_tap0,iface=" + tap_name()};
}

namespace {

class Tap : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    reason_ = kernel_skip_reason(true);
    if (!reason_.empty()) return;
    // No IPv6 on the tap (before the port brings it up): its router and
    // neighbour solicitations would be noise.
    std::ofstream("/proc/sys/net/ipv6/conf/" + tap_name() + "/disable_ipv6") << "1\n";
    port_ = strdp_port_setup("net_tap0", nullptr);
    if (port_ < 0) {
      error_ = std::string("strdp_port_setup(net_tap0): ") + strerror(errno);
      return;
    }
    // One /30 of 198.18.0.0/15 (RFC 2544, benchmarking: never routed)
    // per pid, so parallel runs use different subnets: .1 is the kernel's,
    // .2 the test's.
    uint32_t net = (198u << 24 | 18u << 16) + (static_cast<uint32_t>(getpid()) % 32768u) * 4u;
    link_.port = static_cast<uint16_t>(port_);
    link_.peer_ip = net + 1;
    link_.local_ip = net + 2;
    error_ = ip("", {"addr", "add", ipv4_str(link_.peer_ip) + "/30", "dev", tap_name()});
    if (error_.empty()) error_ = ip("", {"link", "set", "dev", tap_name(), "up"});
    if (!error_.empty()) return;
    rte_ether_addr a{};
    auto kmac = link_mac("", tap_name());
    if (rte_eth_macaddr_get(link_.port, &a) != 0 || !kmac) {
      error_ = "cannot read the tap's addresses";
      return;
    }
    std::copy(a.addr_bytes, a.addr_bytes + 6, link_.local_mac.begin());
    link_.peer_mac = *kmac;
  }
  static void TearDownTestSuite() {
    // Closing the port removes the interface, its address and route.
    if (port_ >= 0) {
      EXPECT_EQ(strdp_port_close(static_cast<uint16_t>(port_)), 0);
    }
    port_ = -1;
  }
  void SetUp() override {
    if (!reason_.empty()) GTEST_SKIP() << reason_;
    ASSERT_EQ(error_, "");
  }

  static inline std::string reason_, error_;
  static inline int port_ = -1;
  static inline Ipv4Link link_;
};

TEST_F(Tap, ArpRequestGetsTheKernelsReply) { ASSERT_NO_FATAL_FAILURE(arp_round_trip(link_)); }

TEST_F(Tap, IcmpEchoGetsTheKernelsReply) {
  ASSERT_NO_FATAL_FAILURE(arp_round_trip(link_));  // the kernel learns our MAC
  ASSERT_NO_FATAL_FAILURE(icmp_round_trip(link_, 2));
}

// net_tap reports the kernel interface's state as the link state: taking
// the interface down and up must reach the stream as DL_NOTIFY_IND.
TEST_F(Tap, LinkDownAndUpAreNotified) {
  DlpiStream s;
  ASSERT_TRUE(s.ok());
  ASSERT_TRUE(s.attach(STRDP_PMD_PPA(link_.port, 0)));
  ASSERT_TRUE(s.notify(DL_NOTE_LINK_UP | DL_NOTE_LINK_DOWN));
  auto expect_note = [&](uint32_t note) {
    Msg m;
    ASSERT_TRUE(s.get(&m, Deadline(kAnswerWait))) << "no DL_NOTIFY_IND " << note;
    ASSERT_EQ(m.prim(), t_uscalar_t{DL_NOTIFY_IND}) << describe(m);
    EXPECT_EQ(m.as<dl_notify_ind_t>().dl_notification, note);
  };
  ASSERT_NO_FATAL_FAILURE(expect_note(DL_NOTE_LINK_UP)) << "the state when asked";
  ASSERT_EQ(ip("", {"link", "set", "dev", tap_name(), "down"}), "");
  // Up again whatever happens below: the other tests need the link.
  struct Up {
    ~Up() { EXPECT_EQ(ip("", {"link", "set", "dev", tap_name(), "up"}), ""); }
  } up;
  ASSERT_NO_FATAL_FAILURE(expect_note(DL_NOTE_LINK_DOWN));
  ASSERT_EQ(ip("", {"link", "set", "dev", tap_name(), "up"}), "");
  ASSERT_NO_FATAL_FAILURE(expect_note(DL_NOTE_LINK_UP));
  Msg m;
  EXPECT_FALSE(s.try_get(&m)) << "one notification per change; got " << describe(m);
}

// An address nobody has gets no answer, and the stream gets nothing else.
TEST_F(Tap, ArpForAnAddressNobodyHasIsNotAnswered) {
  DlpiStream s;
  ASSERT_TRUE(s.ok());
  ASSERT_TRUE(s.attach(STRDP_PMD_PPA(link_.port, 0)));
  ASSERT_TRUE(s.bind(kEthArp));
  uint32_t nobody = link_.local_ip + 1;  // .3: the /30's broadcast address
  ASSERT_EQ(s.unitdata(kBroadcast, kEthArp, arp_request(link_.local_mac, link_.local_ip, nobody)),
            0);
  // Then a request that is answered: when its reply is here, the kernel
  // has long dealt with the first one.
  ASSERT_EQ(s.unitdata(kBroadcast, kEthArp,
                       arp_request(link_.local_mac, link_.local_ip, link_.peer_ip)),
            0);
  Msg m;
  ASSERT_TRUE(s.get(&m, Deadline(kAnswerWait))) << "no ARP reply at all";
  ASSERT_EQ(m.prim(), t_uscalar_t{DL_UNITDATA_IND}) << describe(m);
  Bytes want = arp(2, link_.peer_mac, link_.peer_ip, link_.local_mac, link_.local_ip);
  ASSERT_GE(m.data.size(), want.size());
  EXPECT_EQ(Bytes(m.data.begin(), m.data.begin() + 28), want)
      << "the first answer must be the one for " << ipv4_str(link_.peer_ip);
}

}  // namespace
}  // namespace strdp::test
