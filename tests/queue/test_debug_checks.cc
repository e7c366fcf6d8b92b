// The entry checks of a -Ddebug_checks=true build (src/runtime/
// debug_checks.h): each broken DKI rule stops the process where it is
// broken, with the rule in the message. Without the option they are not
// compiled, and these tests say so and skip.
#include <thread>

#include "procs.h"
#include "runtime/debug_checks.h"

namespace strdp::test {
namespace {

module_info mi = {7, const_cast<char *>("dc"), 0, INFPSZ, 1 << 20, 0};
qinit qi_rec = {.qi_putp = rec_put, .qi_minfo = &mi};

unsigned greedy_putf(queue_t *, strdp_frame_t **, unsigned n) { return n + 1; }
qinit qi_greedy = {.qi_putp = rec_put, .qi_minfo = &mi, .qi_putfp = greedy_putf};

class DebugChecks : public ::testing::Test {
 protected:
  void SetUp() override {
    if (!STRDP_DEBUG_CHECKS) GTEST_SKIP() << "built without -Ddebug_checks=true";
    GTEST_FLAG_SET(death_test_style, "fast");  // fork: the EAL stays as it is
  }
};

TEST_F(DebugChecks, APutOfAMessageStillOnAListStops) {
  TestPair p(&qi_rec, &qi_rec);
  Recorder r;
  p.wq()->q_ptr = &r;
  mblk_t *a = make_msg("a"), *b = make_msg("b");
  a->b_next = b;
  EXPECT_DEATH(put(p.wq(), a), "still on a queue or list");
  mblk_t *v[1] = {a};
  EXPECT_DEATH(put_burst(p.wq(), v, 1), "still on a queue or list");
  a->b_next = nullptr;
  put(p.wq(), a);  // the same message, off the list: fine
  EXPECT_EQ(r.texts(), std::vector<std::string>{"a"});
  freemsg(b);
}

TEST_F(DebugChecks, QueueingAMessageTwiceStops) {
  TestPair p(&qi_rec, &qi_rec);
  mblk_t *a = make_msg("a");
  ASSERT_EQ(putq(p.wq(), make_msg("first")), 1);
  ASSERT_EQ(putq(p.wq(), a), 1);
  EXPECT_DEATH(putq(p.wq(), a), "already on a queue or list");
  flushq(p.wq(), FLUSHALL);
}

// A death test's child shares DPDK's memory with the parent (--no-huge
// memory is a shared mapping), so the child must not free for real: the
// parent makes the state a first freeb leaves, and the child only trips on
// it.
TEST_F(DebugChecks, FreeingABlockTwiceStops) {
  unsigned before = pool_in_use();
  mblk_t *mp = make_msg("once");
  dblk_t *db = mp->b_datap;
  mblk_t *dup = dupb(mp);  // two references: each free takes one
  ASSERT_NE(dup, nullptr);
  freeb(dup);
  EXPECT_EQ(db->db_ref, 1u);
  freeb(mp);
  EXPECT_EQ(db->db_ref, 0u) << "the last reference writes 0 (read from the pool: nothing ran since)";

  mp = make_msg("twice");
  mp->b_datap->db_ref = 0;  // what freeb(mp) leaves
  EXPECT_DEATH(freeb(mp), "already freed");
  EXPECT_DEATH(freemsg(mp), "already freed");
  mp->b_datap->db_ref = 1;
  freemsg(mp);
  EXPECT_EQ(pool_in_use(), before);
}

TEST_F(DebugChecks, GetqFromAThreadThatDoesNotOwnTheQueueStops) {
  TestPair p(&qi_rec, &qi_rec);
  ASSERT_EQ(putq(p.wq(), make_msg("x")), 1);
  EXPECT_DEATH(
      {
        std::thread t([&] { getq(p.wq()); });
        t.join();
      },
      "another scheduler owns");
  mblk_t *mp = getq(p.wq());  // the owner: fine
  ASSERT_NE(mp, nullptr);
  freemsg(mp);
}

TEST_F(DebugChecks, AFramePutThatTakesMoreThanItWasGivenStops) {
  TestPair top(&qi_rec, &qi_rec), sink(&qi_greedy, &qi_greedy);
  link_pairs({&top, &sink});
  mblk_t *mp = make_msg("frame");
  strdp_frame_t *f[1] = {strdp_mbuf_frame(strdp_msg_to_mbuf(mp))};
  EXPECT_DEATH(putnext_frames(top.wq(), f, 1), "took more frames");
  rte_pktmbuf_free(strdp_frame_mbuf(f[0]));
}

}  // namespace
}  // namespace strdp::test
