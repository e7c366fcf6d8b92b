// strdp/ethraw.h keeps working now that ethraw is a style 1, raw-mode face
// of the pmd driver: attach/detach/stats, raw frames both ways, one open
// at a time, and the DLPI answers a style 1 provider gives.
// Devices: net_ring4 (attached and detached here), net_ring5.
#include <fcntl.h>
#include <strdp/ethraw.h>

#include "pmd_test.h"

namespace strdp::test {
namespace {

class EthRaw : public PmdTest {};

TEST_F(EthRaw, AttachErrors) {
  EXPECT_EQ(strdp_ethraw_attach(port_id("net_ring5"), nullptr), -1);
  EXPECT_EQ(errno, EINVAL);
  EXPECT_EQ(strdp_ethraw_attach(RTE_MAX_ETHPORTS + 1, "ethbad"), -1);
  EXPECT_EQ(errno, ENODEV);
  EXPECT_EQ(strdp_ethraw_detach("ethnone"), -1);
  EXPECT_EQ(errno, ENOENT);
  strdp_ethraw_stats st{};
  EXPECT_EQ(strdp_ethraw_get_stats("ethnone", &st), -1);
  EXPECT_EQ(errno, ENOENT);
  ASSERT_EQ(strdp_ethraw_attach(port_id("net_ring5"), "ethr5"), 0);
  EXPECT_EQ(strdp_ethraw_attach(port_id("net_ring5"), "ethr5"), -1);
  EXPECT_EQ(errno, EEXIST);
  EXPECT_EQ(strdp_ethraw_attach(port_id("net_ring5"), "ethr5b"), -1);
  EXPECT_EQ(errno, EBUSY) << "the port is set up already";
  EXPECT_EQ(strdp_port_setup("net_ring5", nullptr), -1);
  EXPECT_EQ(errno, EBUSY) << "one port table for both drivers";
  EXPECT_EQ(strdp_ethraw_get_stats("ethr5", nullptr), -1);
  EXPECT_EQ(errno, EINVAL);
}

TEST_F(EthRaw, RawFramesBothWaysOneOpenAtATimeAndDetach) {
  uint16_t port = port_id("net_ring4");
  ASSERT_EQ(strdp_ethraw_attach(port, "ethr4"), 0);
  EXPECT_TRUE(strdp_driver_exists("ethr4"));
  strdp_stream_t *sp = strdp_open("/dev/ethr4", O_RDWR | O_NONBLOCK, nullptr);
  ASSERT_NE(sp, nullptr);
  streams_.push_back(sp);
  EXPECT_EQ(strdp_open("ethr4", O_RDWR | O_NONBLOCK, nullptr), nullptr);
  EXPECT_EQ(errno, EBUSY);

  const uint8_t me[6] = {0, 0, 0, 0, 0, 0};
  Bytes f = frame(kOther, me, 0x0800, "an ethraw frame");
  for (int i = 0; i < 3; ++i)
    ASSERT_EQ(strdp_write(sp, f.data(), f.size()), static_cast<ssize_t>(f.size()));
  for (int i = 0; i < 3; ++i) {
    Got g;
    ASSERT_TRUE(recv(sp, &g));
    EXPECT_FALSE(g.has_ctl);
    EXPECT_EQ(g.data, f) << "whole, unfiltered";
  }
  strdp_ethraw_stats st{};
  ASSERT_EQ(strdp_ethraw_get_stats("ethr4", &st), 0);
  EXPECT_EQ(st.tx_frames, 3u);
  EXPECT_EQ(st.rx_frames, 3u);
  EXPECT_EQ(st.tx_invalid, 0u);

  // A style 1 DLPI provider: attached by the open, in DL_UNBOUND.
  dl_info_req_t r{DL_INFO_REQ};
  ASSERT_EQ(send_prim(sp, r, RS_HIPRI), 0);
  Got g;
  ASSERT_TRUE(recv(sp, &g));
  auto i = g.as<dl_info_ack_t>();
  EXPECT_EQ(i.dl_provider_style, t_uscalar_t{DL_STYLE1});
  EXPECT_EQ(i.dl_current_state, t_uscalar_t{DL_UNBOUND});
  dl_detach_req_t d{DL_DETACH_REQ};
  ASSERT_EQ(send_prim(sp, d), 0);
  expect_error_ack(sp, DL_DETACH_REQ, DL_BADPRIM);
  dl_attach_req_t a{DL_ATTACH_REQ, STRDP_PMD_PPA(port, 0)};
  ASSERT_EQ(send_prim(sp, a), 0);
  expect_error_ack(sp, DL_ATTACH_REQ, DL_BADPRIM);
  // A pmd stream cannot take the queue meanwhile.
  strdp_stream_t *p = open_pmd();
  ASSERT_EQ(send_prim(p, a), 0);
  expect_error_ack(p, DL_ATTACH_REQ, DL_SYSERR, EBUSY);

  EXPECT_EQ(strdp_ethraw_detach("ethr4"), -1);
  EXPECT_EQ(errno, EBUSY) << "open";
  close_stream(sp);
  ASSERT_EQ(strdp_ethraw_detach("ethr4"), 0);
  EXPECT_FALSE(strdp_driver_exists("ethr4"));
  EXPECT_EQ(strdp_ethraw_get_stats("ethr4", &st), -1);
  EXPECT_EQ(errno, ENOENT);
}

}  // namespace
}  // namespace strdp::test
