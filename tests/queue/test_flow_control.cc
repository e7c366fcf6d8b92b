// Flow control: water marks, QFULL/QWANTW/QWANTR, canput/bcanput, and
// back-enabling — including the cases LiS got wrong (a getq that finds
// the queue empty must still back-enable; bands back-enable separately).
#include "procs.h"
#include "queue/qlist.h"

namespace strdp::test {
namespace {

module_info mi = {2, const_cast<char *>("fc"), 0, INFPSZ, 10, 4};
qinit qi_plain = {.qi_putp = rec_put, .qi_minfo = &mi};
qinit qi_srv = {.qi_putp = queue_put, .qi_srvp = count_srv, .qi_minfo = &mi};
qinit qi_pass = {.qi_putp = pass_put, .qi_minfo = &mi};

class FlowControl : public ::testing::Test {
 protected:
  void SetUp() override { in_use_ = pool_in_use(); }
  void TearDown() override {
    drain();
    EXPECT_EQ(pool_in_use(), in_use_);
  }
  unsigned in_use_ = 0;
};

TEST_F(FlowControl, FullAtHighWaterClearedBelowIt) {
  TestPair p(&qi_plain, &qi_plain);
  queue_t *q = p.wq();
  putq(q, make_msg("123456789"));  // 9 < 10
  EXPECT_FALSE(q->q_flag & QFULL);
  putq(q, make_msg("a"));  // 10 >= 10
  EXPECT_TRUE(q->q_flag & QFULL);
  EXPECT_EQ(canput(q), 0);
  EXPECT_TRUE(q->q_flag & QWANTW);
  freemsg(getq(q));  // 1 left
  EXPECT_FALSE(q->q_flag & QFULL);
  EXPECT_EQ(canput(q), 1);
  flushq(q, FLUSHALL);
}

TEST_F(FlowControl, DrainingBelowLowWaterBackEnablesTheWriter) {
  Recorder up_rec, down_rec;
  TestPair up(&qi_srv, &qi_srv), down(&qi_srv, &qi_srv);
  link_pairs({&up, &down});
  up.wq()->q_ptr = &up_rec;
  down.wq()->q_ptr = &down_rec;
  for (int i = 0; i < 3; ++i) putq(down.wq(), make_msg("abcd"));  // 12 bytes: full
  drain();
  down_rec.srv_calls = up_rec.srv_calls = 0;
  EXPECT_EQ(canputnext(up.wq()), 0);
  EXPECT_TRUE(down.wq()->q_flag & QWANTW);

  freemsg(getq(down.wq()));  // 8 left: not below lowat 4
  drain();
  EXPECT_EQ(up_rec.srv_calls, 0);
  freemsg(getq(down.wq()));  // 4 left: not below 4
  drain();
  EXPECT_EQ(up_rec.srv_calls, 0);
  freemsg(getq(down.wq()));  // 0: below lowat -> back-enable
  EXPECT_TRUE(up.wq()->q_flag & QBACK);
  drain();
  EXPECT_EQ(up_rec.srv_calls, 1);
  EXPECT_FALSE(down.wq()->q_flag & QWANTW);
  EXPECT_FALSE(up.wq()->q_flag & QBACK) << "cleared once the service ran";
}

// q_take_front (the stream head's read-ahead takes a run of messages at
// once) keeps the accounting n rmvq() calls would, and back-enables once.
TEST_F(FlowControl, TakingARunOffTheFrontAccountsAndBackEnablesOnce) {
  Recorder up_rec, down_rec;
  TestPair up(&qi_srv, &qi_srv), down(&qi_srv, &qi_srv);
  link_pairs({&up, &down});
  up.wq()->q_ptr = &up_rec;
  down.wq()->q_ptr = &down_rec;
  for (const char *s : {"ab", "cd", "efgh", "ij"}) putq(down.wq(), make_msg(s));  // 10: full
  drain();
  up_rec.srv_calls = 0;
  EXPECT_EQ(canputnext(up.wq()), 0);
  EXPECT_EQ(q_take_front(down.wq(), 0), nullptr);
  mblk_t *run = q_take_front(down.wq(), 2);  // 6 left: not below lowat 4
  ASSERT_NE(run, nullptr);
  EXPECT_EQ(std::string(reinterpret_cast<char *>(run->b_rptr), 2), "ab");
  ASSERT_NE(run->b_next, nullptr);
  EXPECT_EQ(run->b_next->b_next, nullptr) << "the run ends after n messages";
  EXPECT_EQ(run->b_queue, nullptr);
  EXPECT_EQ(down.wq()->q_count, 6u);
  EXPECT_EQ(qsize(down.wq()), 2);
  EXPECT_FALSE(down.wq()->q_flag & QFULL);
  EXPECT_EQ(std::string(reinterpret_cast<char *>(down.wq()->q_first->b_rptr), 4), "efgh");
  EXPECT_EQ(down.wq()->q_first->b_prev, nullptr);
  freemsgchain(run);
  drain();
  EXPECT_EQ(up_rec.srv_calls, 0) << "still at or above low water";
  freemsgchain(q_take_front(down.wq(), 2));  // empty: below lowat
  EXPECT_EQ(down.wq()->q_first, nullptr);
  EXPECT_EQ(down.wq()->q_last, nullptr);
  EXPECT_EQ(down.wq()->q_count, 0u);
  drain();
  EXPECT_EQ(up_rec.srv_calls, 1) << "one back-enable for the run";
  EXPECT_FALSE(down.wq()->q_flag & QWANTW);
}

TEST_F(FlowControl, GetqOnAnEmptyQueueStillBackEnables) {
  Recorder up_rec;
  TestPair up(&qi_srv, &qi_srv), down(&qi_srv, &qi_srv);
  link_pairs({&up, &down});
  up.wq()->q_ptr = &up_rec;
  down.wq()->q_ptr = &up_rec;
  // A writer waits (QWANTW) on a queue that is already empty, e.g. one
  // whose messages a driver took with rmvq while frozen: the next getq
  // finds nothing, and must still wake the writer.
  down.wq()->q_flag |= QWANTW;
  EXPECT_EQ(getq(down.wq()), nullptr);
  EXPECT_TRUE(down.wq()->q_flag & QWANTR);
  EXPECT_FALSE(down.wq()->q_flag & QWANTW);
  drain();
  EXPECT_EQ(up_rec.srv_calls, 1);
}

TEST_F(FlowControl, BackEnableSkipsQueuesWithoutServiceProcedures) {
  Recorder top_rec;
  TestPair top(&qi_srv, &qi_srv), mid(&qi_pass, &qi_pass), bot(&qi_srv, &qi_srv);
  link_pairs({&top, &mid, &bot});
  top.wq()->q_ptr = &top_rec;
  bot.wq()->q_ptr = &top_rec;
  putq(bot.wq(), make_msg("0123456789"));
  drain();
  top_rec.srv_calls = 0;
  // canputnext from top looks through mid (no service) at bot.
  EXPECT_EQ(canputnext(top.wq()), 0);
  freemsg(getq(bot.wq()));
  drain();
  EXPECT_EQ(top_rec.srv_calls, 1);
}

TEST_F(FlowControl, CanputStopsAtTheEndOfTheStream) {
  TestPair a(&qi_pass, &qi_pass), b(&qi_plain, &qi_plain);
  link_pairs({&a, &b});
  EXPECT_EQ(canputnext(a.wq()), 1);
  b.wq()->q_flag |= QFULL;
  EXPECT_EQ(canputnext(a.wq()), 0) << "the last queue counts even without a service procedure";
  b.wq()->q_flag &= ~(QFULL | QWANTW);
}

TEST_F(FlowControl, BandsHaveTheirOwnWaterMarksAndBackEnables) {
  Recorder up_rec;
  TestPair up(&qi_srv, &qi_srv), down(&qi_srv, &qi_srv);
  link_pairs({&up, &down});
  up.wq()->q_ptr = &up_rec;
  down.wq()->q_ptr = &up_rec;
  putq(down.wq(), make_msg("0123456789", M_DATA, 3));
  EXPECT_EQ(bcanputnext(up.wq(), 3), 0);
  EXPECT_EQ(bcanputnext(up.wq(), 0), 1) << "band 0 is not full";
  EXPECT_EQ(bcanputnext(up.wq(), 4), 1) << "an unused band is never full";
  qband_t *b3 = qband_find(down.wq(), 3);
  EXPECT_TRUE(b3->qb_flag & QB_FULL);
  EXPECT_TRUE(b3->qb_flag & QB_WANTW);
  drain();
  up_rec.srv_calls = 0;
  freemsg(getq(down.wq()));
  EXPECT_FALSE(b3->qb_flag & QB_WANTW);
  EXPECT_TRUE(qband_find(up.wq(), 3)->qb_flag & QB_BACK);
  drain();
  EXPECT_EQ(up_rec.srv_calls, 1);
}

TEST_F(FlowControl, FlushBackEnables) {
  Recorder up_rec;
  TestPair up(&qi_srv, &qi_srv), down(&qi_srv, &qi_srv);
  link_pairs({&up, &down});
  up.wq()->q_ptr = &up_rec;
  down.wq()->q_ptr = &up_rec;
  putq(down.wq(), make_msg("0123456789"));
  EXPECT_EQ(canputnext(up.wq()), 0);
  drain();
  up_rec.srv_calls = 0;
  flushq(down.wq(), FLUSHDATA);
  drain();
  EXPECT_EQ(up_rec.srv_calls, 1);
}

TEST_F(FlowControl, HighPriorityIgnoresFlowControlAndEnables) {
  Recorder r;
  TestPair p(&qi_srv, &qi_srv);
  p.wq()->q_ptr = &r;
  noenable(p.wq());
  putq(p.wq(), make_msg("0123456789"));
  drain();
  EXPECT_EQ(r.srv_calls, 0) << "noenable: normal messages do not schedule";
  putq(p.wq(), make_msg("!", M_PCPROTO));
  drain();
  EXPECT_EQ(r.srv_calls, 1) << "high priority schedules even when noenabled";
  flushq(p.wq(), FLUSHALL);
}

TEST_F(FlowControl, EnableRulesOfPutq) {
  Recorder r;
  TestPair p(&qi_srv, &qi_srv);
  queue_t *q = p.wq();
  q->q_ptr = &r;
  EXPECT_TRUE(q->q_flag & QWANTR) << "a new queue wants to be read";
  putq(q, make_msg("a"));
  drain();
  EXPECT_EQ(r.srv_calls, 1) << "so the first message schedules it";
  freemsg(getq(q));  // a message was read: QWANTR clear
  EXPECT_FALSE(q->q_flag & QWANTR);
  putq(q, make_msg("b"));
  drain();
  EXPECT_EQ(r.srv_calls, 1) << "no reader waiting";
  while (mblk_t *mp = getq(q)) freemsg(mp);
  EXPECT_TRUE(q->q_flag & QWANTR);
  putq(q, make_msg("c"));
  drain();
  EXPECT_EQ(r.srv_calls, 2) << "a reader found the queue empty";
  freemsg(getq(q));
  r.srv_calls = 0;
  q->q_flag &= ~QWANTR;
  putq(q, make_msg("c1", M_DATA, 1));
  drain();
  EXPECT_EQ(r.srv_calls, 1) << "band > 0 enables";
  noenable(q);
  EXPECT_EQ(canenable(q), 0);
  r.srv_calls = 0;
  putq(q, make_msg("d", M_DATA, 1));
  drain();
  EXPECT_EQ(r.srv_calls, 0) << "noenable: band > 0 does not enable either";
  qenable(q);
  drain();
  EXPECT_EQ(r.srv_calls, 1) << "qenable always works";
  enableok(q);
  EXPECT_EQ(canenable(q), 1);
  flushq(q, FLUSHALL);
}

TEST_F(FlowControl, PutbqDoesNotRescheduleANormalMessage) {
  Recorder r;
  TestPair p(&qi_srv, &qi_srv);
  p.wq()->q_ptr = &r;
  putbq(p.wq(), make_msg("x"));
  drain();
  EXPECT_EQ(r.srv_calls, 0);
  flushq(p.wq(), FLUSHALL);
}

TEST_F(FlowControl, StatisticsCountBlocksAndQueuedBytes) {
  TestPair p(&qi_plain, &qi_plain);
  putq(p.wq(), make_msg("0123456789"));
  putq(p.wq(), make_msg("ab", M_DATA, 2));
  EXPECT_EQ(canput(p.wq()), 0);
  EXPECT_EQ(canput(p.wq()), 0);
  strdp_qstats st;
  strdp_qstats_get(p.wq(), &st);
  EXPECT_EQ(st.flow_blocked, 2u);
  EXPECT_EQ(st.queued_msgs, 2u);
  EXPECT_EQ(st.queued_bytes, 12u);
  flushq(p.wq(), FLUSHALL);
}

}  // namespace
}  // namespace strdp::test
