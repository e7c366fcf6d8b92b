// putq/getq/putbq/insq/appq/rmvq: the order of messages on a queue and
// the byte/block accounting.
#include "procs.h"

namespace strdp::test {
namespace {

module_info mi = {1, const_cast<char *>("tq"), 0, INFPSZ, 1000, 100};
qinit qi_plain = {.qi_putp = rec_put, .qi_minfo = &mi};

class QueueOrder : public ::testing::Test {
 protected:
  void SetUp() override { in_use_ = pool_in_use(); }
  void TearDown() override {
    drain();
    EXPECT_EQ(pool_in_use(), in_use_) << "messages leaked";
  }
  std::vector<std::string> drain_texts(queue_t *q) {
    std::vector<std::string> v;
    while (mblk_t *mp = getq(q)) {
      v.push_back(msg_text(mp));
      freemsg(mp);
    }
    return v;
  }
  unsigned in_use_ = 0;
};

TEST_F(QueueOrder, FifoWithAccounting) {
  TestPair p(&qi_plain, &qi_plain);
  queue_t *q = p.wq();
  ASSERT_EQ(putq(q, make_msg("aa")), 1);
  ASSERT_EQ(putq(q, make_msg("bbb")), 1);
  mblk_t *two = make_msg("c");
  linkb(two, make_msg("dd"));
  ASSERT_EQ(putq(q, two), 1);
  EXPECT_EQ(q->q_count, 2u + 3u + 3u);
  EXPECT_EQ(q->q_mblkcnt, 4u);
  EXPECT_EQ(qsize(q), 3);
  EXPECT_EQ(drain_texts(q), (std::vector<std::string>{"aa", "bbb", "cdd"}));
  EXPECT_EQ(q->q_count, 0u);
  EXPECT_EQ(q->q_mblkcnt, 0u);
  EXPECT_EQ(q->q_first, nullptr);
  EXPECT_EQ(q->q_last, nullptr);
}

TEST_F(QueueOrder, HighPriorityGoesFirstAndKeepsItsOwnOrder) {
  TestPair p(&qi_plain, &qi_plain);
  queue_t *q = p.wq();
  putq(q, make_msg("n1"));
  putq(q, make_msg("p1", M_PCPROTO));
  putq(q, make_msg("n2", M_DATA, 7));
  putq(q, make_msg("p2", M_FLUSH));
  EXPECT_EQ(drain_texts(q), (std::vector<std::string>{"p1", "p2", "n2", "n1"}));
}

TEST_F(QueueOrder, BandsOrderHighToLowThenBandZero) {
  TestPair p(&qi_plain, &qi_plain);
  queue_t *q = p.wq();
  putq(q, make_msg("0a"));
  putq(q, make_msg("5a", M_DATA, 5));
  putq(q, make_msg("2a", M_DATA, 2));
  putq(q, make_msg("255", M_DATA, 255));
  putq(q, make_msg("5b", M_DATA, 5));
  putq(q, make_msg("0b"));
  EXPECT_EQ(q->q_nband, 255);
  qband_t *b5 = qband_find(q, 5);
  ASSERT_NE(b5, nullptr);
  EXPECT_EQ(msg_text(b5->qb_first), "5a");
  EXPECT_EQ(msg_text(b5->qb_last), "5b");
  EXPECT_EQ(b5->qb_count, 4u);
  EXPECT_EQ(q->q_count, 4u) << "band 0 bytes only";
  EXPECT_EQ(drain_texts(q), (std::vector<std::string>{"255", "5a", "5b", "2a", "0a", "0b"}));
  EXPECT_EQ(b5->qb_first, nullptr);
  EXPECT_EQ(b5->qb_count, 0u);
}

TEST_F(QueueOrder, HighPriorityMessageHasNoBand) {
  TestPair p(&qi_plain, &qi_plain);
  mblk_t *mp = make_msg("x", M_PCPROTO, 9);
  putq(p.wq(), mp);
  EXPECT_EQ(mp->b_band, 0);
  EXPECT_EQ(p.wq()->q_count, 1u);
}

TEST_F(QueueOrder, PutbqReturnsToTheFrontOfItsClass) {
  TestPair p(&qi_plain, &qi_plain);
  queue_t *q = p.wq();
  putq(q, make_msg("p1", M_PCPROTO));
  putq(q, make_msg("3a", M_DATA, 3));
  putq(q, make_msg("0a"));
  putbq(q, make_msg("0b"));
  putbq(q, make_msg("3b", M_DATA, 3));
  putbq(q, make_msg("1a", M_DATA, 1));
  putbq(q, make_msg("p0", M_PCPROTO));
  EXPECT_EQ(drain_texts(q), (std::vector<std::string>{"p0", "p1", "3b", "3a", "1a", "0b", "0a"}));
}

TEST_F(QueueOrder, InsqKeepsPriorityOrderOrRefuses) {
  TestPair p(&qi_plain, &qi_plain);
  queue_t *q = p.wq();
  putq(q, make_msg("4", M_DATA, 4));
  putq(q, make_msg("0"));
  mblk_t *zero = q->q_last;
  EXPECT_EQ(insq(q, zero, make_msg("2", M_DATA, 2)), 1);  // between 4 and 0
  mblk_t *bad = make_msg("9", M_DATA, 9);
  EXPECT_EQ(insq(q, zero, bad), 0) << "band 9 after band 4";
  freemsg(bad);
  mblk_t *badpc = make_msg("pc", M_PCPROTO);
  EXPECT_EQ(insq(q, nullptr, badpc), 0) << "high priority at the tail";
  freemsg(badpc);
  EXPECT_EQ(insq(q, q->q_first, make_msg("pc", M_PCPROTO)), 1);
  EXPECT_EQ(insq(q, nullptr, make_msg("0z")), 1);
  EXPECT_EQ(drain_texts(q), (std::vector<std::string>{"pc", "4", "2", "0", "0z"}));
}

TEST_F(QueueOrder, AppqInsertsAfter) {
  TestPair p(&qi_plain, &qi_plain);
  queue_t *q = p.wq();
  putq(q, make_msg("a"));
  putq(q, make_msg("c"));
  EXPECT_EQ(appq(q, q->q_first, make_msg("b")), 1);
  EXPECT_EQ(appq(q, nullptr, make_msg("0")), 1);
  EXPECT_EQ(drain_texts(q), (std::vector<std::string>{"0", "a", "b", "c"}));
}

TEST_F(QueueOrder, RmvqFromTheMiddleUpdatesBandEnds) {
  TestPair p(&qi_plain, &qi_plain);
  queue_t *q = p.wq();
  putq(q, make_msg("a", M_DATA, 3));
  putq(q, make_msg("b", M_DATA, 3));
  putq(q, make_msg("c", M_DATA, 3));
  qband_t *b3 = qband_find(q, 3);
  mblk_t *last = b3->qb_last;
  rmvq(q, last);
  freemsg(last);
  EXPECT_EQ(msg_text(b3->qb_last), "b");
  mblk_t *first = b3->qb_first;
  rmvq(q, first);
  freemsg(first);
  EXPECT_EQ(b3->qb_first, b3->qb_last);
  EXPECT_EQ(b3->qb_count, 1u);
  EXPECT_EQ(qsize(q), 1);
}

TEST_F(QueueOrder, RmvqOfAForeignMessageIsRefused) {
  TestPair p(&qi_plain, &qi_plain);
  mblk_t *mp = make_msg("x");
  rmvq(p.wq(), mp);  // warns, changes nothing
  EXPECT_EQ(qsize(p.wq()), 0);
  freemsg(mp);
}

TEST_F(QueueOrder, FlushqDataKeepsControlMessages) {
  TestPair p(&qi_plain, &qi_plain);
  queue_t *q = p.wq();
  putq(q, make_msg("d"));
  putq(q, make_msg("p", M_PROTO));
  putq(q, make_msg("c", M_CTL));
  putq(q, make_msg("i", M_IOCTL));
  putq(q, make_msg("b", M_DATA, 2));
  flushq(q, FLUSHDATA);
  EXPECT_EQ(drain_texts(q), (std::vector<std::string>{"c", "i"}));
  strdp_qstats st;
  strdp_qstats_get(q, &st);
  EXPECT_EQ(st.drops[STRDP_DROP_FLUSH], 3u);
}

TEST_F(QueueOrder, FlushqAllEmptiesEverything) {
  TestPair p(&qi_plain, &qi_plain);
  queue_t *q = p.wq();
  for (int i = 0; i < 40; ++i) putq(q, make_msg(std::string(100, 'x'), M_DATA, i % 3));  // band 0: 1400 bytes
  putq(q, make_msg("c", M_CTL));
  EXPECT_TRUE(q->q_flag & QFULL);
  flushq(q, FLUSHALL);
  EXPECT_EQ(qsize(q), 0);
  EXPECT_EQ(q->q_count, 0u);
  EXPECT_FALSE(q->q_flag & QFULL);
  EXPECT_EQ(qband_find(q, 2)->qb_count, 0u);
}

TEST_F(QueueOrder, FlushbandTouchesOnlyItsBand) {
  TestPair p(&qi_plain, &qi_plain);
  queue_t *q = p.wq();
  putq(q, make_msg("pc", M_PCPROTO));
  putq(q, make_msg("3a", M_DATA, 3));
  putq(q, make_msg("3c", M_CTL, 3));
  putq(q, make_msg("1", M_DATA, 1));
  putq(q, make_msg("0"));
  flushband(q, 3, FLUSHDATA);
  flushband(q, 0, FLUSHALL);
  EXPECT_EQ(drain_texts(q), (std::vector<std::string>{"pc", "3c", "1"}));
}

TEST_F(QueueOrder, FlushbandOfAnAbsentBandIsHarmless) {
  TestPair p(&qi_plain, &qi_plain);
  putq(p.wq(), make_msg("0"));
  flushband(p.wq(), 200, FLUSHALL);
  EXPECT_EQ(qsize(p.wq()), 1);
}

TEST_F(QueueOrder, ZeroLengthMessagesAreQueuedAndCounted) {
  TestPair p(&qi_plain, &qi_plain);
  putq(p.wq(), make_msg(""));
  EXPECT_EQ(qsize(p.wq()), 1);
  EXPECT_EQ(p.wq()->q_count, 0u);
  EXPECT_EQ(p.wq()->q_mblkcnt, 1u);
}

}  // namespace
}  // namespace strdp::test
