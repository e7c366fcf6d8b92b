// The driver on net_null2: a source of zero-filled 64-byte frames (32 per
// poll, for ever) and a sink that takes every frame. Information and
// address primitives, raw and DLPI receive, the filter, promiscuous
// levels on the NIC, transmit counters, header placement.
#include <rte_ethdev.h>
#include <strdp/strsun.h>

#include "pmd_test.h"
#include "stream/stream_impl.h"

namespace strdp::test {
namespace {

class PmdNull : public PmdTest {
 protected:
  void SetUp() override { port_ = null_port(); }
  uint32_t ppa() const { return STRDP_PMD_PPA(port_, 0); }
  Got info(strdp_stream_t *sp) {
    dl_info_req_t r{DL_INFO_REQ};
    EXPECT_EQ(send_prim(sp, r, RS_HIPRI), 0);
    Got g;
    EXPECT_TRUE(recv(sp, &g));
    EXPECT_EQ(g.prim(), t_uscalar_t{DL_INFO_ACK});
    EXPECT_TRUE(g.hipri);
    return g;
  }
  uint16_t port_ = 0;
};

TEST_F(PmdNull, InfoAckFollowsTheState) {
  strdp_stream_t *sp = open_pmd();
  Got g = info(sp);
  auto i = g.as<dl_info_ack_t>();
  EXPECT_EQ(i.dl_current_state, t_uscalar_t{DL_UNATTACHED});
  EXPECT_EQ(i.dl_mac_type, t_uscalar_t{DL_ETHER});
  EXPECT_EQ(i.dl_provider_style, t_uscalar_t{DL_STYLE2});
  EXPECT_EQ(i.dl_version, t_uscalar_t{DL_VERSION_2});
  EXPECT_EQ(i.dl_service_mode, t_uscalar_t{DL_CLDLS});
  EXPECT_EQ(i.dl_sap_length, -2);
  EXPECT_EQ(i.dl_addr_length, 8u);
  EXPECT_EQ(i.dl_addr_offset, 0u) << "no link, no address";
  EXPECT_EQ(i.dl_max_sdu, 0u);
  EXPECT_EQ(i.dl_brdcst_addr_length, 6u);
  EXPECT_EQ(g.at(i.dl_brdcst_addr_offset, 6), Bytes(kBcast, kBcast + 6));

  attach(sp, ppa());
  g = info(sp);
  i = g.as<dl_info_ack_t>();
  EXPECT_EQ(i.dl_current_state, t_uscalar_t{DL_UNBOUND});
  EXPECT_EQ(i.dl_max_sdu, 1500u) << "the port's MTU";
  EXPECT_EQ(i.dl_min_sdu, 0u);
  ASSERT_NE(i.dl_addr_offset, 0u);
  Bytes mac = mac_of(port_);
  EXPECT_EQ(g.at(i.dl_addr_offset, 8), dlsap(mac.data(), 0));

  bind(sp, 0x0806);
  g = info(sp);
  i = g.as<dl_info_ack_t>();
  EXPECT_EQ(i.dl_current_state, t_uscalar_t{DL_IDLE});
  EXPECT_EQ(g.at(i.dl_addr_offset, 8), dlsap(mac.data(), 0x0806));
}

TEST_F(PmdNull, PhysAddrAckGivesThePortsAddress) {
  strdp_stream_t *sp = open_pmd();
  attach(sp, ppa());
  Bytes mac = mac_of(port_);
  EXPECT_NE(mac, Bytes(6, 0)) << "net_null has a random address";
  for (t_uscalar_t type : {t_uscalar_t{DL_CURR_PHYS_ADDR}, t_uscalar_t{DL_FACT_PHYS_ADDR}}) {
    dl_phys_addr_req_t r{DL_PHYS_ADDR_REQ, type};
    ASSERT_EQ(send_prim(sp, r), 0);
    Got g;
    ASSERT_TRUE(recv(sp, &g));
    ASSERT_EQ(g.prim(), t_uscalar_t{DL_PHYS_ADDR_ACK});
    EXPECT_TRUE(g.hipri);
    auto a = g.as<dl_phys_addr_ack_t>();
    EXPECT_EQ(a.dl_addr_length, 6u);
    EXPECT_EQ(g.at(a.dl_addr_offset, 6), mac);
  }
}

TEST_F(PmdNull, BindAckCarriesTheDlsapAddressAndTheHeadGetsHeadroom) {
  strdp_stream_t *sp = open_pmd();
  attach(sp, ppa());
  EXPECT_EQ(sp->wroff, 0);
  Bytes mac = mac_of(port_);
  EXPECT_EQ(bind(sp, 0x88cc), dlsap(mac.data(), 0x88cc));
  EXPECT_EQ(sp->wroff, 14) << "M_SETOPTS SO_WROFF came up with the bind";
}

TEST_F(PmdNull, RawModeSendsWholeFramesUpAndStopsPollingWhenTheStreamIsFull) {
  strdp_stream_t *sp = open_pmd();
  attach(sp, ppa());
  raw_mode(sp);
  strdp_pmd_stats s0 = stats(port_);
  run(64);
  strdp_pmd_stats s1 = stats(port_);
  uint64_t up = s1.rx_frames - s0.rx_frames;
  EXPECT_GT(up, 0u);
  EXPECT_EQ(up % 32, 0u) << "whole bursts";
  EXPECT_EQ(s1.rx_bytes - s0.rx_bytes, up * 64);
  EXPECT_GT(s1.rx_paused, s0.rx_paused) << "the head's queue filled";
  // Full: no more polling, nothing taken from the NIC.
  run(100);
  strdp_pmd_stats s2 = stats(port_);
  EXPECT_EQ(s2.rx_frames, s1.rx_frames);
  EXPECT_EQ(s2.rx_paused - s1.rx_paused, 100u);
  // Everything that went up is there, whole, in order of arrival.
  for (uint64_t i = 0; i < up; ++i) {
    Got g;
    ASSERT_TRUE(recv(sp, &g, 0)) << "frame " << i << " of " << up;
    EXPECT_FALSE(g.has_ctl);
    ASSERT_EQ(g.data.size(), 64u);
    EXPECT_EQ(g.data, Bytes(64, 0));
  }
  // Room again: polling resumes.
  run(1);
  EXPECT_GT(stats(port_).rx_frames, s2.rx_frames);
}

TEST_F(PmdNull, DlpiModeFiltersFramesForNoBoundSapOrAnotherStation) {
  strdp_stream_t *sp = open_pmd();
  attach(sp, ppa());
  strdp_pmd_stats s0 = stats(port_);
  run(4);
  strdp_pmd_stats s1 = stats(port_);
  EXPECT_EQ(s1.rx_filtered - s0.rx_filtered, 4u * 32) << "unbound: every frame";
  bind(sp, 0x0800);
  run(4);
  strdp_pmd_stats s2 = stats(port_);
  EXPECT_GE(s2.rx_filtered - s1.rx_filtered, 4u * 32) << "frames for 00:00:00:00:00:00";
  EXPECT_EQ(s2.rx_frames, s0.rx_frames);
  expect_nothing(sp, 0);
}

TEST_F(PmdNull, PromiscPhysAndSapDeliverEveryFrameAsUnitdataInd) {
  strdp_stream_t *sp = open_pmd();
  attach(sp, ppa());
  // net_null has no promiscuous switch: it stays promiscuous although set
  // up "not promiscuous" (the driver carries on), and DL_PROMISC_PHYS
  // changes only what the driver's own filter lets through.
  EXPECT_EQ(rte_eth_promiscuous_get(port_), 1);
  ASSERT_EQ(set_promisc(sp, DL_PROMISC_PHYS, true), 0);
  ASSERT_EQ(set_promisc(sp, DL_PROMISC_SAP, true), 0);  // unbound: every SAP
  Got g;
  ASSERT_TRUE(recv(sp, &g, 4));
  ASSERT_EQ(g.prim(), t_uscalar_t{DL_UNITDATA_IND});
  EXPECT_FALSE(g.hipri);
  auto u = g.as<dl_unitdata_ind_t>();
  Bytes zero(6, 0);
  EXPECT_EQ(u.dl_dest_addr_length, 8u);
  EXPECT_EQ(g.at(u.dl_dest_addr_offset, 8), dlsap(zero.data(), 0));
  EXPECT_EQ(g.at(u.dl_src_addr_offset, 8), dlsap(zero.data(), 0));
  EXPECT_EQ(u.dl_group_address, 0u);
  EXPECT_EQ(g.data, Bytes(64 - 14, 0)) << "the header stripped";
  ASSERT_EQ(set_promisc(sp, DL_PROMISC_PHYS, false), 0);
  EXPECT_EQ(rte_eth_promiscuous_get(port_), 1) << "as it was";
  ASSERT_EQ(set_promisc(sp, DL_PROMISC_SAP, false), 0);
  run(2);
  while (recv(sp, &g, 0)) {
  }
  strdp_pmd_stats s0 = stats(port_);
  run(2);
  EXPECT_EQ(stats(port_).rx_frames, s0.rx_frames) << "filtered again";
}

TEST_F(PmdNull, TransmitCountsFramesAndBytesAndRefusesBadRawFrames) {
  strdp_stream_t *sp = open_pmd();
  attach(sp, ppa());
  bind(sp, 0x0800);
  strdp_pmd_stats s0 = stats(port_);
  ASSERT_EQ(unitdata(sp, kBcast, 0x0800, std::string(100, 'u')), 0);
  run(1);
  strdp_pmd_stats s1 = stats(port_);
  EXPECT_EQ(s1.tx_frames - s0.tx_frames, 1u);
  EXPECT_EQ(s1.tx_bytes - s0.tx_bytes, 114u);

  raw_mode(sp);
  Bytes f = frame(kBcast, kOther, 0x0800, std::string(46, 'r'));
  ASSERT_EQ(strdp_write(sp, f.data(), f.size()), static_cast<ssize_t>(f.size()));
  ASSERT_EQ(strdp_write(sp, f.data(), 10), 10) << "a runt";
  Bytes big = frame(kBcast, kOther, 0x0800, std::string(1505, 'b'));
  ASSERT_EQ(strdp_write(sp, big.data(), big.size()), static_cast<ssize_t>(big.size()));
  Bytes tagged = frame(kBcast, kOther, 0x8100, std::string(1504, 't'));  // MTU + tag
  ASSERT_EQ(strdp_write(sp, tagged.data(), tagged.size()), static_cast<ssize_t>(tagged.size()));
  run(1);
  strdp_pmd_stats s2 = stats(port_);
  EXPECT_EQ(s2.tx_frames - s1.tx_frames, 2u);
  EXPECT_EQ(s2.tx_bytes - s1.tx_bytes, f.size() + tagged.size());
  EXPECT_EQ(s2.tx_invalid - s1.tx_invalid, 2u) << "runt and oversize";
}

// A payload with no headroom (or shared) gets a header block in front;
// net_null takes no mbuf chains, so that frame is made one block.
TEST_F(PmdNull, HeaderBlockWithoutHeadroomAndOneSegmentForANicWithoutChains) {
  strdp_stream_t *sp = open_pmd();
  attach(sp, ppa());
  bind(sp, 0x0800);
  struct {
    dl_unitdata_req_t r;
    uint8_t a[8];
  } m{{DL_UNITDATA_REQ, 8, sizeof(dl_unitdata_req_t), {0, 0}}, {}};
  std::memcpy(m.a, kBcast, 6);
  uint16_t sap = 0x0800;
  std::memcpy(m.a + 6, &sap, 2);
  strdp_pmd_stats s0 = stats(port_);
  mblk_t *keep = nullptr;
  for (int shared = 0; shared < 2; ++shared) {
    mblk_t *mp = allocb(sizeof m, BPRI_MED);
    std::memcpy(mp->b_wptr, &m, sizeof m);
    mp->b_wptr += sizeof m;
    mp->b_datap->db_type = M_PROTO;
    mblk_t *data = allocb(300, BPRI_MED);  // b_rptr at the buffer's start
    std::memset(data->b_rptr, 0xaa, 300);
    if (shared) data->b_rptr += 20;  // room in front...
    data->b_wptr = data->b_rptr + 200;
    if (shared) keep = dupb(data);    // ...but a dupb holds the buffer too
    mp->b_cont = data;
    putnext(strdp_stream_wq(sp), mp);
  }
  run(1);
  strdp_pmd_stats s1 = stats(port_);
  EXPECT_EQ(s1.tx_frames - s0.tx_frames, 2u);
  EXPECT_EQ(s1.tx_bytes - s0.tx_bytes, 2u * 214);
  EXPECT_EQ(s1.tx_invalid, s0.tx_invalid);
  ASSERT_NE(keep, nullptr);
  for (int i = 1; i <= 20; ++i)
    EXPECT_EQ(keep->b_rptr[-i], 0xaa) << "the shared buffer's headroom was not written";
  freeb(keep);
}

}  // namespace
}  // namespace strdp::test
