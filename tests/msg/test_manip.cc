// linkb, unlinkb, rmvb, msgdsize, msgsize, datamsg, pcmsg, queclass,
// adjmsg.
#include "msg_test.h"

namespace strdp::test {
namespace {

using ManipTest = MsgTest;

TEST_F(ManipTest, LinkbUnlinkb) {
  mblk_t *a = block("a");
  mblk_t *b = block("b");
  mblk_t *c = message({"c", "d"});
  ASSERT_TRUE(a && b && c);
  linkb(a, b);
  linkb(a, c);
  EXPECT_EQ(a->b_cont, b);
  EXPECT_EQ(b->b_cont, c);
  EXPECT_EQ(flatten(a), "abcd");
  mblk_t *rest = unlinkb(a);
  EXPECT_EQ(rest, b);
  EXPECT_EQ(a->b_cont, nullptr);
  EXPECT_EQ(unlinkb(a), nullptr);
  freemsg(a);
  freemsg(rest);
}

TEST_F(ManipTest, Rmvb) {
  mblk_t *mp = message({"1", "2", "3"});
  ASSERT_NE(mp, nullptr);
  mblk_t *b1 = mp, *b2 = mp->b_cont, *b3 = b2->b_cont;

  mblk_t *other = block("x");
  ASSERT_NE(other, nullptr);
  EXPECT_EQ(rmvb(mp, other), reinterpret_cast<mblk_t *>(-1));
  EXPECT_EQ(flatten(mp), "123");
  freeb(other);

  EXPECT_EQ(rmvb(mp, b2), b1);  // middle
  EXPECT_EQ(b2->b_cont, nullptr);
  EXPECT_EQ(flatten(mp), "13");
  freeb(b2);
  EXPECT_EQ(rmvb(mp, b3), b1);  // last
  EXPECT_EQ(b1->b_cont, nullptr);
  freeb(b3);
  linkb(b1, block("4"));
  mblk_t *b4 = b1->b_cont;
  EXPECT_EQ(rmvb(b1, b1), b4);  // head: the rest is the message
  EXPECT_EQ(b1->b_cont, nullptr);
  EXPECT_EQ(rmvb(b1, b1), nullptr);  // only block
  freeb(b1);
  freeb(b4);
}

TEST_F(ManipTest, Sizes) {
  mblk_t *mp = block("proto", M_PROTO);
  ASSERT_NE(mp, nullptr);
  linkb(mp, message({"data", "", "more"}));
  linkb(mp, block("ctl", M_CTL));
  EXPECT_EQ(msgdsize(mp), 8u);   // M_DATA only
  EXPECT_EQ(msgsize(mp), 16u);   // every block
  EXPECT_EQ(msgdsize(nullptr), 0u);
  EXPECT_EQ(msgsize(nullptr), 0u);
  freemsg(mp);
}

TEST_F(ManipTest, TypeClasses) {
  for (int t = 0; t < 256; t++) {
    auto type = static_cast<unsigned char>(t);
    SCOPED_TRACE(t);
    bool data = type == M_DATA || type == M_PROTO || type == M_PCPROTO ||
                type == M_DELAY;
    // The header's inline forms and the library's exported functions.
    EXPECT_EQ(datamsg(type) != 0, data);
    EXPECT_EQ((datamsg)(type) != 0, data);
    EXPECT_EQ(pcmsg(type) != 0, t >= QPCTL);
    EXPECT_EQ((pcmsg)(type) != 0, t >= QPCTL);
  }
  mblk_t *mp = block("");
  ASSERT_NE(mp, nullptr);
  auto both = [&](int want) {
    EXPECT_EQ(queclass(mp), want);
    EXPECT_EQ((queclass)(mp), want);
  };
  both(QNORM);
  DB_TYPE(mp) = M_PCPROTO;
  both(QPCTL);
  DB_TYPE(mp) = M_IOCTL;
  both(QNORM);
  DB_TYPE(mp) = M_FLUSH;
  both(QPCTL);
  freeb(mp);
}

TEST_F(ManipTest, StrsunMacros) {
  mblk_t *mp = block("abcdef", M_DATA, 10);
  ASSERT_NE(mp, nullptr);
  EXPECT_EQ(MBLKL(mp), 6);
  EXPECT_EQ(MBLKHEAD(mp), 10);
  EXPECT_EQ(MBLKTAIL(mp), MBLKSIZE(mp) - 16);
  EXPECT_TRUE(MBLKIN(mp, 0, 6));
  EXPECT_TRUE(MBLKIN(mp, 2, 4));
  EXPECT_FALSE(MBLKIN(mp, 2, 5));
  EXPECT_FALSE(MBLKIN(mp, 7, 0));
  EXPECT_EQ(OFFSET(mp->b_wptr, mp->b_rptr), 6);
  freeb(mp);
}

TEST_F(ManipTest, AdjmsgHead) {
  mblk_t *mp = message({"abc", "de", "", "fghij"});
  ASSERT_NE(mp, nullptr);
  mblk_t *first = mp;
  EXPECT_EQ(adjmsg(mp, 0), 1);
  EXPECT_EQ(flatten(mp), "abcdefghij");
  EXPECT_EQ(adjmsg(mp, 4), 1);
  // The emptied first block stays: it is the caller's handle.
  EXPECT_EQ(mp, first);
  EXPECT_EQ(MBLKL(mp), 0);
  EXPECT_EQ(flatten(mp), "efghij");
  EXPECT_EQ(nblocks(mp), 4u);
  // Emptied blocks after the first are freed, zero-length ones on the way
  // too.
  EXPECT_EQ(adjmsg(mp, 2), 1);
  EXPECT_EQ(flatten(mp), "ghij");
  EXPECT_EQ(nblocks(mp), 2u);
  freemsg(mp);
}

TEST_F(ManipTest, AdjmsgTail) {
  mblk_t *mp = message({"abc", "de", "fgh"});
  ASSERT_NE(mp, nullptr);
  EXPECT_EQ(adjmsg(mp, -4), 1);  // all of "fgh", then "e"
  EXPECT_EQ(flatten(mp), "abcd");
  EXPECT_EQ(nblocks(mp), 2u);
  EXPECT_EQ(adjmsg(mp, -4), 1);  // the first block stays, emptied
  EXPECT_EQ(nblocks(mp), 1u);
  EXPECT_EQ(MBLKL(mp), 0);
  freemsg(mp);
}

TEST_F(ManipTest, AdjmsgPastTheEndChangesNothing) {
  mblk_t *mp = message({"abc", "de"});
  ASSERT_NE(mp, nullptr);
  unsigned char *r = mp->b_rptr;
  EXPECT_EQ(adjmsg(mp, 6), 0);
  EXPECT_EQ(adjmsg(mp, -6), 0);
  EXPECT_EQ(adjmsg(mp, -SSIZE_MAX - 1), 0);
  EXPECT_EQ(mp->b_rptr, r);
  EXPECT_EQ(flatten(mp), "abcde");
  EXPECT_EQ(adjmsg(mp, 5), 1);  // exactly everything
  EXPECT_EQ(msgdsize(mp), 0u);
  freemsg(mp);
}

// Only the leading blocks of the first block's type count, as in illumos.
TEST_F(ManipTest, AdjmsgStopsAtAnotherType) {
  mblk_t *mp = block("PRO", M_PROTO);
  ASSERT_NE(mp, nullptr);
  linkb(mp, block("TO", M_PROTO));
  linkb(mp, block("data"));
  EXPECT_EQ(adjmsg(mp, 6), 0);   // 5 M_PROTO bytes only
  EXPECT_EQ(adjmsg(mp, -6), 0);
  EXPECT_EQ(flatten(mp), "PROTOdata");
  EXPECT_EQ(adjmsg(mp, -3), 1);  // trims the M_PROTO run, not "data"
  EXPECT_EQ(flatten(mp), "PRdata");
  EXPECT_EQ(nblocks(mp), 2u);
  EXPECT_EQ(adjmsg(mp, 2), 1);
  EXPECT_EQ(flatten(mp), "data");
  EXPECT_EQ(DB_TYPE(mp), M_PROTO);
  freemsg(mp);
}

}  // namespace
}  // namespace strdp::test
