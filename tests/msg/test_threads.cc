// Allocation and freeing are safe on any thread, EAL's or not; db_ref
// stays exact while several threads duplicate and free one buffer.
#include <atomic>
#include <thread>
#include <vector>

#include <rte_lcore.h>

#include "msg_test.h"

namespace strdp::test {
namespace {

using ThreadsTest = MsgTest;

// A thread EAL does not know has no lcore id, no mempool cache and no
// socket: it allocates from the first pool through the ring.
TEST_F(ThreadsTest, ForeignThreadAllocatesAndFrees) {
  mblk_t *from_main = block("main");
  ASSERT_NE(from_main, nullptr);
  mblk_t *from_thread = nullptr;
  bool could = false;
  std::thread t([&] {
    EXPECT_EQ(rte_lcore_id(), LCORE_ID_ANY);
    could = testb(64, BPRI_LO) != 0;
    from_thread = block("thread");
    if (from_thread != nullptr) {
      EXPECT_EQ(strdp_mblk_to_mbuf(from_thread)->pool, msg_pool());
    }
    freemsg(from_main);  // freed on another thread than its allocator's
  });
  t.join();
  EXPECT_TRUE(could);
  ASSERT_NE(from_thread, nullptr);
  EXPECT_EQ(bytes(from_thread), "thread");
  freemsg(from_thread);
}

// The esballoc free routine runs on whichever thread drops the last
// reference.
TEST_F(ThreadsTest, FreeRoutineRunsOnTheLastFreeingThread) {
  static std::atomic<std::thread::id> ran_on;
  static unsigned char buf[32];
  frtn_t fr{[](void *) { ran_on = std::this_thread::get_id(); }, nullptr};
  mblk_t *mp = esballoc(buf, sizeof(buf), BPRI_LO, &fr);
  ASSERT_NE(mp, nullptr);
  mblk_t *dp = dupb(mp);
  ASSERT_NE(dp, nullptr);
  freeb(mp);
  std::thread::id worker;
  std::thread t([&] {
    worker = std::this_thread::get_id();
    freeb(dp);
  });
  t.join();
  EXPECT_EQ(ran_on.load(), worker);
}

// The workers register with EAL, so they get lcore ids and mempool caches
// (the path of a service lcore). Unregistered threads would all go through
// the pool's ring, whose producers spin on one another: on an
// oversubscribed CI machine a preempted one can stall the others for
// whole time slices.
TEST_F(ThreadsTest, ConcurrentDupAndFreeKeepTheCount) {
  mblk_t *mp = block("shared by all");
  ASSERT_NE(mp, nullptr);
  constexpr int kThreads = 2;
  constexpr int kRounds = 5000;
  std::atomic<int> failures{0};
  std::vector<std::thread> ts;
  for (int i = 0; i < kThreads; i++) {
    ts.emplace_back([&] {
      if (rte_thread_register() != 0) {
        failures++;
        return;
      }
      for (int r = 0; r < kRounds; r++) {
        mblk_t *a = dupb(mp);
        mblk_t *b = a != nullptr ? dupb(a) : nullptr;
        if (a == nullptr || b == nullptr || bytes(b) != "shared by all")
          failures++;
        freeb(a);
        freeb(b);
      }
      rte_thread_unregister();
    });
  }
  for (auto &t : ts) t.join();
  EXPECT_EQ(failures.load(), 0);
  EXPECT_EQ(DB_REF(mp), 1);
  EXPECT_EQ(mp->b_datap->db_ref, 1);
  freeb(mp);
}

}  // namespace
}  // namespace strdp::test
