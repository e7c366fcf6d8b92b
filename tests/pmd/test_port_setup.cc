// strdp_port_setup / strdp_port_close / strdp_pmd_get_stats: set-up on
// devices with and without RSS, MTU and queue limits, the errors.
// Devices: net_null3 (RSS, kept), net_ring3 (closed here), net_ring6
// (closed here, while busy first).
#include <rte_ethdev.h>

#include "pmd_test.h"

namespace strdp::test {
namespace {

class PortSetup : public PmdTest {};

TEST_F(PortSetup, UnknownDeviceIsENODEV) {
  EXPECT_EQ(strdp_port_setup("net_nosuch9", nullptr), -1);
  EXPECT_EQ(errno, ENODEV);
  EXPECT_EQ(strdp_port_setup(nullptr, nullptr), -1);
  EXPECT_EQ(errno, EINVAL);
}

TEST_F(PortSetup, FourQueuesWithRssOnNetNull) {
  strdp_port_conf c{};
  c.nb_queues = 4;
  c.nb_rxd = 128;
  int id = strdp_port_setup("net_null3", &c);
  ASSERT_GE(id, 0) << strerror(errno);
  EXPECT_EQ(id, port_id("net_null3"));
  // RSS spreads over the queues: the device was configured with a hash.
  rte_eth_rss_conf rss{};
  ASSERT_EQ(rte_eth_dev_rss_hash_conf_get(static_cast<uint16_t>(id), &rss), 0);
  EXPECT_NE(rss.rss_hf, 0u);
  strdp_pmd_stats st{};
  EXPECT_EQ(strdp_pmd_get_stats(static_cast<uint16_t>(id), 3, &st), 0);
  EXPECT_EQ(strdp_pmd_get_stats(static_cast<uint16_t>(id), 4, &st), -1);
  EXPECT_EQ(errno, EINVAL) << "queue out of range";
  EXPECT_EQ(strdp_pmd_get_stats(static_cast<uint16_t>(id), 0, nullptr), -1);
  EXPECT_EQ(errno, EINVAL);
  // Every queue is a lane a stream can attach.
  strdp_stream_t *sp = open_pmd();
  attach(sp, STRDP_PMD_PPA(id, 3));
  // And a second set-up of the same port is refused.
  EXPECT_EQ(strdp_port_setup("net_null3", &c), -1);
  EXPECT_EQ(errno, EBUSY);
}

TEST_F(PortSetup, BadCountsAndMtuAreEINVALAndAClosedDeviceIsGone) {
  strdp_port_conf c{};
  c.nb_queues = 17;  // net_ring has 16 queue pairs
  EXPECT_EQ(strdp_port_setup("net_ring3", &c), -1);
  EXPECT_EQ(errno, EINVAL);
  c = strdp_port_conf{};
  c.mtu = 10;  // under the Ethernet minimum the device reports
  EXPECT_EQ(strdp_port_setup("net_ring3", &c), -1);
  EXPECT_EQ(errno, EINVAL);
  c.mtu = 1500;
  EXPECT_GE(strdp_port_setup("net_ring3", &c), 0) << "the refusals left nothing behind";
  EXPECT_EQ(strdp_port_close(port_id("net_ring3")), 0);
  EXPECT_EQ(strdp_port_setup("net_ring3", nullptr), -1);
  EXPECT_EQ(errno, ENODEV) << "DPDK released the closed virtual device";
}

TEST_F(PortSetup, CloseAndStatsAreENODEVForAPortNotSetUp) {
  EXPECT_EQ(strdp_port_close(port_id("net_null0")), -1);
  EXPECT_EQ(errno, ENODEV) << "net_null0 exists but was not set up here";
  strdp_pmd_stats st{};
  EXPECT_EQ(strdp_pmd_get_stats(port_id("net_null0"), 0, &st), -1);
  EXPECT_EQ(errno, ENODEV);
}

TEST_F(PortSetup, CloseIsEBUSYWhileAStreamIsAttached) {
  int id = strdp_port_setup("net_ring6", nullptr);
  ASSERT_GE(id, 0);
  auto port = static_cast<uint16_t>(id);
  strdp_stream_t *sp = open_pmd();
  attach(sp, STRDP_PMD_PPA(port, 0));
  EXPECT_EQ(strdp_port_close(port), -1);
  EXPECT_EQ(errno, EBUSY);
  // Detach frees the lane: the port may close now.
  dl_detach_req_t d{DL_DETACH_REQ};
  ASSERT_EQ(send_prim(sp, d), 0);
  expect_ok_ack(sp, DL_DETACH_REQ);
  EXPECT_EQ(strdp_port_close(port), 0);
  // The stream lives on, unattached; the PPA is no more.
  dl_attach_req_t a{DL_ATTACH_REQ, STRDP_PMD_PPA(port, 0)};
  ASSERT_EQ(send_prim(sp, a), 0);
  expect_error_ack(sp, DL_ATTACH_REQ, DL_BADPPA);
}

}  // namespace
}  // namespace strdp::test
