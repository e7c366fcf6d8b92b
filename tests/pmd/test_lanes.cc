// A port with two queue pairs is two lanes (net_ring1: queue i loops to
// queue i). Each lane is its own instance: its own stream, state,
// counters, and the scheduler of the thread that attached it.
#include <fcntl.h>

#include <atomic>
#include <thread>

#include "pmd_test.h"

namespace strdp::test {
namespace {

constexpr uint16_t kSap = 0x88b5;
const uint8_t kMe[6] = {0, 0, 0, 0, 0, 0};

class PmdLanes : public PmdTest {
 protected:
  static void SetUpTestSuite() {
    if (port_ >= 0) return;
    strdp_port_conf c{};
    c.nb_queues = 2;  // net_ring offers no RSS: set up without it
    port_ = strdp_port_setup("net_ring1", &c);
    ASSERT_GE(port_, 0) << strerror(errno);
  }
  void TearDown() override {
    PmdTest::TearDown();
    drain_port(port(), 2);
  }
  static uint16_t port() { return static_cast<uint16_t>(port_); }
  static int port_;
};
int PmdLanes::port_ = -1;

TEST_F(PmdLanes, TwoQueuesAreTwoIndependentInstances) {
  strdp_stream_t *a = open_pmd(), *b = open_pmd();
  attach(a, STRDP_PMD_PPA(port(), 0));
  attach(b, STRDP_PMD_PPA(port(), 1));
  bind(a, kSap);
  bind(b, kSap + 1);
  strdp_pmd_stats a0 = stats(port(), 0), b0 = stats(port(), 1);
  ASSERT_EQ(unitdata(a, kMe, kSap, "on lane 0"), 0);
  ASSERT_EQ(unitdata(b, kMe, kSap + 1, "on lane 1"), 0);
  ASSERT_EQ(unitdata(b, kMe, kSap + 1, "again on 1"), 0);
  Got g;
  ASSERT_TRUE(recv(a, &g));
  EXPECT_EQ(g.text(), "on lane 0");
  ASSERT_TRUE(recv(b, &g));
  EXPECT_EQ(g.text(), "on lane 1");
  ASSERT_TRUE(recv(b, &g));
  EXPECT_EQ(g.text(), "again on 1");
  expect_nothing(a);
  strdp_pmd_stats a1 = stats(port(), 0), b1 = stats(port(), 1);
  EXPECT_EQ(a1.tx_frames - a0.tx_frames, 1u);
  EXPECT_EQ(a1.rx_frames - a0.rx_frames, 1u);
  EXPECT_EQ(b1.tx_frames - b0.tx_frames, 2u);
  EXPECT_EQ(b1.rx_frames - b0.rx_frames, 2u);
  // Detaching one lane leaves the other running.
  dl_unbind_req_t u{DL_UNBIND_REQ};
  ASSERT_EQ(send_prim(a, u), 0);
  expect_ok_ack(a, DL_UNBIND_REQ);
  dl_detach_req_t d{DL_DETACH_REQ};
  ASSERT_EQ(send_prim(a, d), 0);
  expect_ok_ack(a, DL_DETACH_REQ);
  ASSERT_EQ(unitdata(b, kMe, kSap + 1, "still here"), 0);
  ASSERT_TRUE(recv(b, &g));
  EXPECT_EQ(g.text(), "still here");
  // And the detached stream may take the other queue of another port, or
  // this one again.
  attach(a, STRDP_PMD_PPA(port(), 0));
}

// Lane 1 belongs to a second thread with its own scheduler: its poller
// runs there, its frames come up there, and neither thread runs the
// other's lane. Bounded by pass counts.
TEST_F(PmdLanes, ALaneIsPolledByTheSchedulerOfTheThreadThatAttachedIt) {
  strdp_stream_t *a = open_pmd();
  attach(a, STRDP_PMD_PPA(port(), 0));
  bind(a, kSap);
  std::atomic<int> ready{0}, got_other{0}, done{0};
  int got = 0;
  std::thread t([&] {
    strdp_sched_t *s = strdp_sched_create("lane1");
    strdp_sched_bind(s);
    strdp_stream_t *b = strdp_open("pmd", O_RDWR | O_NONBLOCK, nullptr);
    if (b != nullptr) {
      attach(b, STRDP_PMD_PPA(port(), 1));
      bind(b, kSap);
      ready = 1;
      for (int i = 0; i < 50; ++i) EXPECT_EQ(unitdata(b, kMe, kSap, "from thread"), 0);
      for (int pass = 0; pass < 100000 && got < 50; ++pass) {
        Got g;
        if (recv(b, &g, 0)) {
          if (g.text() == "from thread") ++got;
          else ++got_other;
        }
      }
      while (done == 0) std::this_thread::yield();  // keep the lane till the main thread is done
      EXPECT_EQ(strdp_close(b), 0);
    } else {
      ADD_FAILURE() << "open on the second thread: " << strerror(errno);
      ready = 1;
    }
    strdp_sched_bind(nullptr);
    strdp_sched_destroy(s);
  });
  while (ready == 0) std::this_thread::yield();
  for (int i = 0; i < 50; ++i) ASSERT_EQ(unitdata(a, kMe, kSap, "from main"), 0);
  int mine = 0;
  for (int pass = 0; pass < 100000 && mine < 50; ++pass) {
    Got g;
    if (recv(a, &g, 0)) {
      EXPECT_EQ(g.text(), "from main");
      ++mine;
    }
  }
  done = 1;
  t.join();
  EXPECT_EQ(mine, 50);
  EXPECT_EQ(got, 50);
  EXPECT_EQ(got_other, 0);
  EXPECT_EQ(stats(port(), 1).rx_frames >= 50, true);
}

}  // namespace
}  // namespace strdp::test
