// Flow control both ways on net_ring7 (a 1023-frame ring from tx to rx):
//  - up: a stream that is not read fills, the driver stops polling rx,
//    frames wait in the NIC's ring; read, and every one arrives in order;
//  - down: with rx stopped the ring fills, the NIC takes no more, frames
//    wait in the tx buffer and then on the write queue until the writer
//    gets EAGAIN; read, and everything written arrives, in order.
// No frame is lost either way. Counting passes, never time.
#include <poll.h>
#include <rte_ethdev.h>

#include "pmd_test.h"

namespace strdp::test {
namespace {

constexpr uint16_t kSap = 0x88b5;
constexpr unsigned kRing = 1023;  // net_ring's rings hold 1024 - 1

class PmdRingFlow : public PmdTest {
 protected:
  static void SetUpTestSuite() {
    if (port_ >= 0) return;
    port_ = strdp_port_setup("net_ring7", nullptr);
    ASSERT_GE(port_, 0) << strerror(errno);
  }
  void TearDown() override {
    PmdTest::TearDown();
    drain_port(port());
  }
  static uint16_t port() { return static_cast<uint16_t>(port_); }
  static std::string payload(int i) {
    std::string s = "seq " + std::to_string(i) + " ";
    s.resize(100, '.');
    return s;
  }
  static int port_;
  const uint8_t kMe[6] = {0, 0, 0, 0, 0, 0};
};
int PmdRingFlow::port_ = -1;

TEST_F(PmdRingFlow, AFullStreamStopsRxPollingAndNothingIsLost) {
  strdp_stream_t *sp = open_pmd();
  attach(sp, STRDP_PMD_PPA(port(), 0));
  bind(sp, kSap);
  constexpr int kN = 600;  // fits the ring: the wire itself loses nothing
  for (int i = 0; i < kN; ++i) ASSERT_EQ(unitdata(sp, kMe, kSap, payload(i)), 0) << i;
  strdp_pmd_stats s0 = stats(port());
  run(200);
  strdp_pmd_stats s1 = stats(port());
  EXPECT_EQ(s1.tx_frames, s0.tx_frames + kN % 32) << "the last partial burst went too";
  uint64_t up = s1.rx_frames - s0.rx_frames;
  EXPECT_GT(up, 0u);
  EXPECT_LT(up, uint64_t{kN}) << "the head's queue (5 KiB) holds far fewer";
  EXPECT_GT(s1.rx_paused - s0.rx_paused, 150u) << "not polled while full";
  run(100);
  EXPECT_EQ(stats(port()).rx_frames, s1.rx_frames) << "still full: still not polled";
  for (int i = 0; i < kN; ++i) {
    Got g;
    ASSERT_TRUE(recv(sp, &g)) << "frame " << i;
    ASSERT_EQ(g.prim(), t_uscalar_t{DL_UNITDATA_IND});
    ASSERT_EQ(g.text(), payload(i));
  }
  expect_nothing(sp);
  EXPECT_EQ(stats(port()).rx_frames - s0.rx_frames, uint64_t{kN});
}

TEST_F(PmdRingFlow, NicBackPressureReachesTheWriterAndNothingIsLost) {
  strdp_stream_t *sp = open_pmd();
  attach(sp, STRDP_PMD_PPA(port(), 0));
  raw_mode(sp);
  strdp_pmd_stats s0 = stats(port());
  // Written without a scheduler pass: nothing is received meanwhile, so
  // the ring fills, then the tx buffer, then the write queue.
  int sent = 0;
  for (; sent < 5000; ++sent) {
    Bytes f = frame(kMe, kMe, 0x1234, payload(sent));
    ssize_t r = strdp_write(sp, f.data(), f.size());
    if (r < 0) {
      ASSERT_EQ(errno, EAGAIN);
      break;
    }
    ASSERT_EQ(r, static_cast<ssize_t>(f.size()));
  }
  ASSERT_LT(sent, 5000) << "the writer was never held back";
  EXPECT_GT(sent, static_cast<int>(kRing + 32)) << "ring and buffer full first";
  EXPECT_EQ(stats(port()).tx_frames - s0.tx_frames, kRing) << "the NIC took what it holds";
  EXPECT_EQ(strdp_poll(sp, POLLOUT) & POLLOUT, 0) << "not writable";
  strdp_qstats qs{};
  strdp_qstats_get(strdp_stream_wq(sp)->q_next, &qs);
  EXPECT_GT(qs.queued_msgs, 0u) << "frames wait on the driver's write queue";

  // Reading lets everything through, in the order it was written.
  for (int i = 0; i < sent; ++i) {
    Got g;
    ASSERT_TRUE(recv(sp, &g)) << "frame " << i << " of " << sent;
    Bytes want = frame(kMe, kMe, 0x1234, payload(i));
    ASSERT_EQ(g.data, want) << i;
  }
  expect_nothing(sp);
  strdp_pmd_stats s1 = stats(port());
  EXPECT_EQ(s1.tx_frames - s0.tx_frames, static_cast<uint64_t>(sent));
  EXPECT_EQ(s1.tx_invalid, s0.tx_invalid);
  EXPECT_NE(strdp_poll(sp, POLLOUT) & POLLOUT, 0) << "writable again";
}

TEST_F(PmdRingFlow, FlushwDropsFramesWaitingOnTheWriteQueue) {
  strdp_stream_t *sp = open_pmd();
  attach(sp, STRDP_PMD_PPA(port(), 0));
  raw_mode(sp);
  int sent = 0;
  for (; sent < 5000; ++sent) {
    Bytes f = frame(kMe, kMe, 0x1234, payload(sent));
    if (strdp_write(sp, f.data(), f.size()) < 0) break;
  }
  ASSERT_EQ(errno, EAGAIN);
  strdp_qstats qs{};
  strdp_qstats_get(strdp_stream_wq(sp)->q_next, &qs);
  ASSERT_GT(qs.queued_msgs, 0u);
  uint64_t waiting = qs.queued_msgs;
  ASSERT_EQ(strdp_ioctl(sp, I_FLUSH, FLUSHW), 0);
  strdp_qstats_get(strdp_stream_wq(sp)->q_next, &qs);
  EXPECT_EQ(qs.queued_msgs, 0u);
  EXPECT_NE(strdp_poll(sp, POLLOUT) & POLLOUT, 0);
  // What the NIC and the tx buffer held still arrives, then nothing.
  uint64_t expect = static_cast<uint64_t>(sent) - waiting;
  for (uint64_t i = 0; i < expect; ++i) {
    Got g;
    ASSERT_TRUE(recv(sp, &g)) << i;
    ASSERT_EQ(g.data, frame(kMe, kMe, 0x1234, payload(static_cast<int>(i))));
  }
  expect_nothing(sp);
}

}  // namespace
}  // namespace strdp::test
