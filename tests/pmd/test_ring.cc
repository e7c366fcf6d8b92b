// The driver on net_ring0, whose tx queue loops into its rx queue: what a
// stream sends comes back to it. Round trips in DLPI and raw mode, the
// addresses, zero-copy header placement, SAP and address filtering with
// each promiscuous level, unbind, link notifications, close. net_ring's
// address is 00:00:00:00:00:00 (it has none of its own).
#include <rte_ethdev.h>
#include <strdp/mbuf.h>
#include <strdp/strsun.h>

#include <set>

#include "pmd_test.h"

namespace strdp::test {
namespace {

constexpr uint16_t kSap = 0x88b5;  // IEEE local experimental ethertype

class PmdRing : public PmdTest {
 protected:
  static void SetUpTestSuite() {
    if (port_ >= 0) return;
    port_ = strdp_port_setup("net_ring0", nullptr);  // not promiscuous
    ASSERT_GE(port_, 0) << strerror(errno);
  }
  void TearDown() override {
    PmdTest::TearDown();
    drain_port(port());  // nothing reaches the next test
  }
  static uint16_t port() { return static_cast<uint16_t>(port_); }
  static uint32_t ppa() { return STRDP_PMD_PPA(port_, 0); }
  strdp_stream_t *bound(uint16_t sap = kSap) {
    strdp_stream_t *sp = open_pmd();
    attach(sp, ppa());
    bind(sp, sap);
    return sp;
  }
  // Reads every DL_UNITDATA_IND now available: (destination MAC, SAP).
  std::set<std::pair<Bytes, uint16_t>> indications(strdp_stream_t *sp) {
    std::set<std::pair<Bytes, uint16_t>> got;
    Got g;
    while (recv(sp, &g, 4)) {
      EXPECT_EQ(g.prim(), t_uscalar_t{DL_UNITDATA_IND});
      auto u = g.as<dl_unitdata_ind_t>();
      Bytes a = g.at(u.dl_dest_addr_offset, 8);
      uint16_t sap;
      std::memcpy(&sap, a.data() + 6, 2);
      got.insert({Bytes(a.begin(), a.begin() + 6), sap});
    }
    return got;
  }
  static mblk_t *msg_of(const Bytes &b) {
    mblk_t *mp = allocb(b.size(), BPRI_MED);
    std::memcpy(mp->b_wptr, b.data(), b.size());
    mp->b_wptr += b.size();
    return mp;
  }
  // 40 numbered frames as messages, two of them odd: the 4th in two
  // blocks (header, payload), the 8th cut to 10 bytes (not a frame, so
  // not in *want, the frames that should arrive).
  static std::vector<mblk_t *> mixed_frames(std::vector<Bytes> *want) {
    std::vector<mblk_t *> out;
    for (int i = 0; i < 40; ++i) {
      Bytes f = frame(kBcast, kOther, 0x0800, "frame " + std::to_string(i));
      if (i == 3) {
        mblk_t *hd = msg_of(Bytes(f.begin(), f.begin() + 14));
        hd->b_cont = msg_of(Bytes(f.begin() + 14, f.end()));
        out.push_back(hd);
      } else if (i == 7) {
        out.push_back(msg_of(Bytes(f.begin(), f.begin() + 10)));
        continue;
      } else {
        out.push_back(msg_of(f));
      }
      want->push_back(f);
    }
    return out;
  }
  static int port_;
  const uint8_t kMe[6] = {0, 0, 0, 0, 0, 0};
};
int PmdRing::port_ = -1;

TEST_F(PmdRing, UnitdataComesBackAsUnitdataIndWithBothAddresses) {
  strdp_stream_t *sp = bound();
  strdp_pmd_stats s0 = stats(port());
  ASSERT_EQ(unitdata(sp, kMe, kSap, "hello, ring"), 0);
  Got g;
  ASSERT_TRUE(recv(sp, &g));
  ASSERT_EQ(g.prim(), t_uscalar_t{DL_UNITDATA_IND});
  auto u = g.as<dl_unitdata_ind_t>();
  EXPECT_EQ(u.dl_dest_addr_length, 8u);
  EXPECT_EQ(u.dl_src_addr_length, 8u);
  EXPECT_EQ(g.at(u.dl_dest_addr_offset, 8), dlsap(kMe, kSap));
  EXPECT_EQ(g.at(u.dl_src_addr_offset, 8), dlsap(kMe, kSap)) << "we sent it";
  EXPECT_EQ(u.dl_group_address, 0u);
  EXPECT_EQ(g.text(), "hello, ring");
  strdp_pmd_stats s1 = stats(port());
  EXPECT_EQ(s1.tx_frames - s0.tx_frames, 1u);
  EXPECT_EQ(s1.tx_bytes - s0.tx_bytes, 14u + 11);
  EXPECT_EQ(s1.rx_frames - s0.rx_frames, 1u);
  EXPECT_EQ(s1.rx_bytes - s0.rx_bytes, 14u + 11);

  ASSERT_EQ(unitdata(sp, kBcast, kSap, "to all"), 0);
  ASSERT_TRUE(recv(sp, &g));
  u = g.as<dl_unitdata_ind_t>();
  EXPECT_EQ(g.at(u.dl_dest_addr_offset, 8), dlsap(kBcast, kSap));
  EXPECT_EQ(u.dl_group_address, 1u);
  EXPECT_EQ(g.text(), "to all");

  // A 6-byte address: the bound SAP. An empty payload is a frame too.
  ASSERT_EQ(unitdata(sp, kMe, 0, "", 6), 0);
  ASSERT_TRUE(recv(sp, &g));
  u = g.as<dl_unitdata_ind_t>();
  EXPECT_EQ(g.at(u.dl_dest_addr_offset, 8), dlsap(kMe, kSap));
  EXPECT_TRUE(g.data.empty());
}

TEST_F(PmdRing, ManyFramesKeepTheirOrder) {
  strdp_stream_t *sp = bound();
  for (int i = 0; i < 100; ++i) ASSERT_EQ(unitdata(sp, kMe, kSap, "frame " + std::to_string(i)), 0);
  for (int i = 0; i < 100; ++i) {
    Got g;
    ASSERT_TRUE(recv(sp, &g)) << i;
    EXPECT_EQ(g.text(), "frame " + std::to_string(i));
  }
}

// With SO_WROFF the header goes into the payload's headroom: the frame is
// one segment and comes back as one block. Without headroom a header
// block is linked in front: two segments (net_ring carries chains), the
// first empty once the header is stripped.
TEST_F(PmdRing, HeaderGoesIntoHeadroomWhenThereIsRoom) {
  strdp_stream_t *sp = bound();
  ASSERT_EQ(unitdata(sp, kMe, kSap, std::string(300, 'z')), 0);
  run(2);
  mblk_t *ind = strdp_stream_rq(sp)->q_first;
  ASSERT_NE(ind, nullptr);
  ASSERT_NE(ind->b_cont, nullptr);
  EXPECT_EQ(ind->b_cont->b_cont, nullptr) << "one segment: zero copy";
  EXPECT_EQ(MBLKL(ind->b_cont), 300);

  struct {
    dl_unitdata_req_t r;
    uint8_t a[8];
  } m{{DL_UNITDATA_REQ, 8, sizeof(dl_unitdata_req_t), {0, 0}}, {}};
  std::memcpy(m.a + 6, &kSap, 2);
  mblk_t *mp = allocb(sizeof m, BPRI_MED);
  std::memcpy(mp->b_wptr, &m, sizeof m);
  mp->b_wptr += sizeof m;
  mp->b_datap->db_type = M_PROTO;
  mblk_t *data = allocb(300, BPRI_MED);  // no headroom at all
  std::memset(data->b_wptr, 'y', 300);
  data->b_wptr += 300;
  mp->b_cont = data;
  putnext(strdp_stream_wq(sp), mp);
  run(2);
  Got g;
  ASSERT_TRUE(recv(sp, &g));
  EXPECT_EQ(g.text(), std::string(300, 'z'));
  ind = strdp_stream_rq(sp)->q_first;
  ASSERT_NE(ind, nullptr);
  ASSERT_NE(ind->b_cont, nullptr);
  EXPECT_EQ(MBLKL(ind->b_cont), 0) << "the header block, stripped";
  ASSERT_NE(ind->b_cont->b_cont, nullptr);
  EXPECT_EQ(MBLKL(ind->b_cont->b_cont), 300);
  ASSERT_TRUE(recv(sp, &g));
  EXPECT_EQ(g.text(), std::string(300, 'y'));
}

TEST_F(PmdRing, SapAndAddressFilterWithEachPromiscuousLevel) {
  strdp_stream_t *sp = bound();
  const uint16_t kOtherSap = 0x88b6;
  auto send_all = [&] {
    ASSERT_EQ(unitdata(sp, kMe, kSap, "ours"), 0);
    ASSERT_EQ(unitdata(sp, kMe, kOtherSap, "other sap"), 0);
    ASSERT_EQ(unitdata(sp, kOther, kSap, "other station"), 0);
    ASSERT_EQ(unitdata(sp, kBcast, kSap, "broadcast"), 0);
    ASSERT_EQ(unitdata(sp, kMcast, kSap, "multicast"), 0);
    run(2);
  };
  using Set = std::set<std::pair<Bytes, uint16_t>>;
  Bytes me(kMe, kMe + 6), other(kOther, kOther + 6), bc(kBcast, kBcast + 6),
      mc(kMcast, kMcast + 6);

  strdp_pmd_stats s0 = stats(port());
  send_all();
  EXPECT_EQ(indications(sp), (Set{{me, kSap}, {bc, kSap}}));
  EXPECT_EQ(stats(port()).rx_filtered - s0.rx_filtered, 3u);

  ASSERT_EQ(set_promisc(sp, DL_PROMISC_SAP, true), 0);
  send_all();
  EXPECT_EQ(indications(sp), (Set{{me, kSap}, {me, kOtherSap}, {bc, kSap}}));
  ASSERT_EQ(set_promisc(sp, DL_PROMISC_SAP, false), 0);

  ASSERT_EQ(set_promisc(sp, DL_PROMISC_MULTI, true), 0);
  send_all();
  EXPECT_EQ(indications(sp), (Set{{me, kSap}, {bc, kSap}, {mc, kSap}}));
  ASSERT_EQ(set_promisc(sp, DL_PROMISC_MULTI, false), 0);

  EXPECT_EQ(rte_eth_promiscuous_get(port()), 0);
  ASSERT_EQ(set_promisc(sp, DL_PROMISC_PHYS, true), 0);
  EXPECT_EQ(rte_eth_promiscuous_get(port()), 1) << "the NIC is promiscuous now";
  send_all();
  EXPECT_EQ(indications(sp), (Set{{me, kSap}, {other, kSap}, {bc, kSap}, {mc, kSap}}));
  ASSERT_EQ(set_promisc(sp, DL_PROMISC_PHYS, false), 0);
  EXPECT_EQ(rte_eth_promiscuous_get(port()), 0) << "and back";

  send_all();
  EXPECT_EQ(indications(sp), (Set{{me, kSap}, {bc, kSap}})) << "all levels off again";
}

TEST_F(PmdRing, PromiscPhysIsCountedOverStreamsAndClosedStreamsGiveTheirsBack) {
  strdp_stream_t *a = open_pmd();
  attach(a, ppa());
  ASSERT_EQ(set_promisc(a, DL_PROMISC_PHYS, true), 0);
  EXPECT_EQ(rte_eth_promiscuous_get(port()), 1);
  close_stream(a);  // close drops its reference
  EXPECT_EQ(rte_eth_promiscuous_get(port()), 0);
  strdp_stream_t *b = open_pmd();
  attach(b, ppa());
  ASSERT_EQ(set_promisc(b, DL_PROMISC_PHYS, true), 0);
  dl_detach_req_t d{DL_DETACH_REQ};
  ASSERT_EQ(send_prim(b, d), 0);
  expect_ok_ack(b, DL_DETACH_REQ);
  EXPECT_EQ(rte_eth_promiscuous_get(port()), 0) << "detach drops it too";
}

TEST_F(PmdRing, RawModeRoundTripOfWholeFramesUnfiltered) {
  strdp_stream_t *sp = open_pmd();
  attach(sp, ppa());
  raw_mode(sp);
  Bytes f1 = frame(kOther, kMcast, 0x1234, "not for us, not a bound SAP");
  Bytes f2 = frame(kBcast, kOther, 0x0800, std::string(1500, 'j'));
  ASSERT_EQ(strdp_write(sp, f1.data(), f1.size()), static_cast<ssize_t>(f1.size()));
  ASSERT_EQ(strdp_write(sp, f2.data(), f2.size()), static_cast<ssize_t>(f2.size()));
  Got g;
  ASSERT_TRUE(recv(sp, &g));
  EXPECT_FALSE(g.has_ctl) << "raw: M_DATA only";
  EXPECT_EQ(g.data, f1);
  ASSERT_TRUE(recv(sp, &g));
  EXPECT_EQ(g.data, f2);
  // DLPI primitives still work in raw mode.
  dl_info_req_t r{DL_INFO_REQ};
  ASSERT_EQ(send_prim(sp, r, RS_HIPRI), 0);
  ASSERT_TRUE(recv(sp, &g));
  EXPECT_EQ(g.prim(), t_uscalar_t{DL_INFO_ACK});
}

// A burst put from above (the forwarding path: xconn, burst modules)
// takes plain frames straight into the tx buffer and hands anything else
// to the put procedure, keeping the order: here a two-block frame, a frame
// too short to be Ethernet (freed, counted) and more frames than one tx
// burst holds.
TEST_F(PmdRing, BurstFromAboveKeepsOrderAndSendsOddMessagesTheSlowWay) {
  strdp_stream_t *sp = open_pmd();
  attach(sp, ppa());
  raw_mode(sp);
  std::vector<Bytes> want;
  std::vector<mblk_t *> burst = mixed_frames(&want);
  uint64_t invalid0 = stats(port()).tx_invalid;
  putnext_burst(strdp_stream_wq(sp), burst.data(), static_cast<unsigned>(burst.size()));
  for (const Bytes &f : want) {
    Got g;
    ASSERT_TRUE(recv(sp, &g)) << "frame " << (&f - want.data());
    EXPECT_EQ(g.data, f);
  }
  EXPECT_EQ(stats(port()).tx_invalid, invalid0 + 1);
  expect_nothing(sp);
}

// Frames from above (putnext_frames: xconn, nullmod on the forwarding
// path) go to the NIC as they are, and come back up as frames that the
// stream head takes as messages. What a NIC cannot take as it is takes
// the message path: a two-segment frame (one piece unless the port takes
// chains), a runt (freed, counted). Order holds across both paths, over
// more frames than one tx burst.
TEST_F(PmdRing, FramesFromAboveGoOutAsTheyAreAndOddOnesTakeTheMessagePath) {
  strdp_stream_t *sp = open_pmd();
  attach(sp, ppa());
  raw_mode(sp);
  std::vector<Bytes> want;
  std::vector<strdp_frame_t *> frames;
  for (mblk_t *mp : mixed_frames(&want)) {
    rte_mbuf *m = strdp_msg_to_mbuf(mp);  // the 4th becomes an mbuf chain
    ASSERT_NE(m, nullptr);
    frames.push_back(strdp_mbuf_frame(m));
  }
  uint64_t invalid0 = stats(port()).tx_invalid, sent0 = stats(port()).tx_frames;
  putnext_frames(strdp_stream_wq(sp), frames.data(), static_cast<unsigned>(frames.size()));
  for (const Bytes &f : want) {
    Got g;
    ASSERT_TRUE(recv(sp, &g)) << "frame " << (&f - want.data());
    EXPECT_FALSE(g.has_ctl);
    EXPECT_EQ(g.data, f);
  }
  EXPECT_EQ(stats(port()).tx_invalid, invalid0 + 1);
  EXPECT_EQ(stats(port()).tx_frames, sent0 + want.size());
  expect_nothing(sp);
}

// Received frames go up as frames: a module that takes them (nullmod)
// passes them on unread, one that reads messages (passmod, above it) gets
// them as messages; what reaches the user is the same either way.
TEST_F(PmdRing, ReceivedFramesReachEveryKindOfModuleWhole) {
  strdp_stream_t *sp = open_pmd();
  attach(sp, ppa());
  raw_mode(sp);
  ASSERT_EQ(strdp_ioctl(sp, I_PUSH, reinterpret_cast<intptr_t>("nullmod")), 0);
  ASSERT_EQ(strdp_ioctl(sp, I_PUSH, reinterpret_cast<intptr_t>("passmod")), 0);
  ASSERT_EQ(strdp_ioctl(sp, I_PUSH, reinterpret_cast<intptr_t>("nullmod")), 0);
  std::vector<Bytes> want;
  for (int i = 0; i < 40; ++i) {
    want.push_back(frame(kOther, kMcast, 0x1234, std::string(60 + i, static_cast<char>('a' + i % 26))));
    ASSERT_EQ(strdp_write(sp, want.back().data(), want.back().size()),
              static_cast<ssize_t>(want.back().size()));
  }
  for (const Bytes &f : want) {
    Got g;
    ASSERT_TRUE(recv(sp, &g)) << "frame " << (&f - want.data());
    EXPECT_EQ(g.data, f);
  }
  expect_nothing(sp);
}

TEST_F(PmdRing, UnbindFlushesWhatTheBindingDeliveredAndStopsDelivery) {
  strdp_stream_t *sp = bound();
  for (int i = 0; i < 5; ++i) ASSERT_EQ(unitdata(sp, kMe, kSap, "stale"), 0);
  run(3);
  ASSERT_NE(strdp_stream_rq(sp)->q_first, nullptr) << "indications wait at the head";
  strdp_pmd_stats s0 = stats(port());
  dl_unbind_req_t u{DL_UNBIND_REQ};
  ASSERT_EQ(send_prim(sp, u), 0);
  expect_ok_ack(sp, DL_UNBIND_REQ);
  expect_nothing(sp);  // the M_FLUSH took the indications before the ack came
  // Unbound: a frame for the old SAP is filtered. The test puts it on the
  // wire itself (it runs the lane's scheduler: no one else uses the queue).
  Bytes fr = frame(kMe, kMe, kSap, "after unbind");
  mblk_t *f = allocb(fr.size(), BPRI_MED);
  std::memcpy(f->b_wptr, fr.data(), fr.size());
  f->b_wptr += fr.size();
  rte_mbuf *m = strdp_msg_to_mbuf(f);
  ASSERT_EQ(rte_eth_tx_burst(port(), 0, &m, 1), 1);
  run(2);
  expect_nothing(sp);
  strdp_pmd_stats s1 = stats(port());
  EXPECT_EQ(s1.rx_frames, s0.rx_frames);
  EXPECT_EQ(s1.rx_filtered - s0.rx_filtered, 1u);
}

TEST_F(PmdRing, LinkNotificationsOnRequestAndOnChange) {
  strdp_stream_t *sp = open_pmd();
  attach(sp, ppa());
  dl_notify_req_t n{DL_NOTIFY_REQ, DL_NOTE_LINK_UP | DL_NOTE_LINK_DOWN | DL_NOTE_SPEED, 0};
  ASSERT_EQ(send_prim(sp, n), 0);
  Got g;
  ASSERT_TRUE(recv(sp, &g));
  ASSERT_EQ(g.prim(), t_uscalar_t{DL_NOTIFY_ACK});
  EXPECT_EQ(g.as<dl_notify_ack_t>().dl_notifications,
            uint32_t{DL_NOTE_LINK_UP | DL_NOTE_LINK_DOWN}) << "what is supported";
  ASSERT_TRUE(recv(sp, &g));
  ASSERT_EQ(g.prim(), t_uscalar_t{DL_NOTIFY_IND}) << "the current state at once";
  EXPECT_EQ(g.as<dl_notify_ind_t>().dl_notification, uint32_t{DL_NOTE_LINK_UP});

  ASSERT_EQ(rte_eth_dev_set_link_down(port()), 0);
  ASSERT_TRUE(recv(sp, &g, 3 * 4096)) << "read within a few link polls";
  ASSERT_EQ(g.prim(), t_uscalar_t{DL_NOTIFY_IND});
  EXPECT_EQ(g.as<dl_notify_ind_t>().dl_notification, uint32_t{DL_NOTE_LINK_DOWN});
  ASSERT_EQ(rte_eth_dev_set_link_up(port()), 0);
  ASSERT_TRUE(recv(sp, &g, 3 * 4096));
  EXPECT_EQ(g.as<dl_notify_ind_t>().dl_notification, uint32_t{DL_NOTE_LINK_UP});
  expect_nothing(sp, 3 * 4096);  // no change, no message

  // Only what was asked for: down alone.
  dl_notify_req_t down{DL_NOTIFY_REQ, DL_NOTE_LINK_DOWN, 0};
  ASSERT_EQ(send_prim(sp, down), 0);
  ASSERT_TRUE(recv(sp, &g));
  ASSERT_EQ(g.prim(), t_uscalar_t{DL_NOTIFY_ACK});
  expect_nothing(sp, 3 * 4096);  // link is up: not asked for
  ASSERT_EQ(rte_eth_dev_set_link_down(port()), 0);
  ASSERT_TRUE(recv(sp, &g, 3 * 4096));
  EXPECT_EQ(g.as<dl_notify_ind_t>().dl_notification, uint32_t{DL_NOTE_LINK_DOWN});
  ASSERT_EQ(rte_eth_dev_set_link_up(port()), 0);
  expect_nothing(sp, 3 * 4096);
}

TEST_F(PmdRing, CloseWhileAttachedSendsTheBufferFreesTheLaneAndKeepsCounters) {
  strdp_stream_t *sp = bound();
  strdp_pmd_stats s0 = stats(port());
  for (int i = 0; i < 10; ++i) ASSERT_EQ(unitdata(sp, kMe, kSap, "left " + std::to_string(i)), 0);
  close_stream(sp);  // no scheduler pass since: the frames were buffered
  strdp_pmd_stats s1 = stats(port());
  EXPECT_EQ(s1.tx_frames - s0.tx_frames, 10u) << "close sent the buffer";
  EXPECT_EQ(s1.tx_invalid, s0.tx_invalid);
  // The lane is free; the frames wait in the ring for the next stream.
  strdp_stream_t *next = bound();
  for (int i = 0; i < 10; ++i) {
    Got g;
    ASSERT_TRUE(recv(next, &g)) << i;
    EXPECT_EQ(g.text(), "left " + std::to_string(i));
  }
  EXPECT_EQ(stats(port()).tx_frames, s1.tx_frames) << "counters kept across streams";
}

// net_ring2 set up with MTU 9000: bigger than one buffer, so rx scatter
// and tx chains; the payload comes back whole.
TEST_F(PmdRing, JumboMtu) {
  strdp_port_conf c{};
  c.mtu = 9000;
  int id = strdp_port_setup("net_ring2", &c);
  ASSERT_GE(id, 0) << strerror(errno);
  strdp_stream_t *sp = open_pmd();
  attach(sp, STRDP_PMD_PPA(id, 0));
  dl_info_req_t r{DL_INFO_REQ};
  ASSERT_EQ(send_prim(sp, r, RS_HIPRI), 0);
  Got g;
  ASSERT_TRUE(recv(sp, &g));
  EXPECT_EQ(g.as<dl_info_ack_t>().dl_max_sdu, 9000u);
  bind(sp, kSap);
  std::string big(9000, 'J');
  for (size_t i = 0; i < big.size(); ++i) big[i] = static_cast<char>('a' + i % 26);
  ASSERT_EQ(unitdata(sp, kMe, kSap, big), 0);
  ASSERT_TRUE(recv(sp, &g));
  ASSERT_EQ(g.prim(), t_uscalar_t{DL_UNITDATA_IND});
  EXPECT_EQ(g.text(), big);
  ASSERT_EQ(unitdata(sp, kMe, kSap, big + "!"), 0);
  ASSERT_TRUE(recv(sp, &g));
  EXPECT_EQ(g.as<dl_uderror_ind_t>().dl_errno, t_uscalar_t{DL_BADDATA});
  close_stream(sp);
  drain_port(static_cast<uint16_t>(id));
  EXPECT_EQ(strdp_port_close(static_cast<uint16_t>(id)), 0);
}

}  // namespace
}  // namespace strdp::test
