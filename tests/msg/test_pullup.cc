// pullupmsg (in place) and msgpullup (a new message).
#include "msg_test.h"

namespace strdp::test {
namespace {

using PullupTest = MsgTest;

bool aligned(const unsigned char *p) {
  return reinterpret_cast<uintptr_t>(p) % sizeof(long) == 0;
}

TEST_F(PullupTest, JoinsTheFirstBytesInPlace) {
  mblk_t *mp = message({"ab", "cdef", "gh"});
  ASSERT_NE(mp, nullptr);
  mp->b_band = 4;
  mp->b_flag = MSGDELIM;
  dblk_t *db = mp->b_datap;
  EXPECT_EQ(pullupmsg(mp, 4), 1);
  EXPECT_EQ(bytes(mp), "abcd");
  EXPECT_TRUE(aligned(mp->b_rptr));
  EXPECT_EQ(mp->b_datap, db);  // its own buffer had the room
  EXPECT_EQ(nblocks(mp), 3u);  // "ef" is what is left of "cdef"
  EXPECT_EQ(bytes(mp->b_cont), "ef");
  EXPECT_EQ(flatten(mp), "abcdefgh");
  EXPECT_EQ(mp->b_band, 4);
  EXPECT_EQ(mp->b_flag, MSGDELIM);
  EXPECT_EQ(pullupmsg(mp, -1), 1);
  EXPECT_EQ(nblocks(mp), 1u);
  EXPECT_EQ(bytes(mp), "abcdefgh");
  freemsg(mp);
}

TEST_F(PullupTest, AlreadyContiguousIsLeftAlone) {
  mblk_t *mp = message({"abcdef", "gh"});
  ASSERT_NE(mp, nullptr);
  unsigned char *r = mp->b_rptr;
  EXPECT_EQ(pullupmsg(mp, 6), 1);
  EXPECT_EQ(pullupmsg(mp, 0), 1);
  EXPECT_EQ(mp->b_rptr, r);
  EXPECT_EQ(nblocks(mp), 2u);
  freemsg(mp);
}

TEST_F(PullupTest, RealignsAMisalignedFirstBlock) {
  mblk_t *mp = block("abcdef", M_DATA, 3);
  ASSERT_NE(mp, nullptr);
  ASSERT_FALSE(aligned(mp->b_rptr));
  EXPECT_EQ(pullupmsg(mp, 2), 1);
  EXPECT_TRUE(aligned(mp->b_rptr));
  EXPECT_EQ(bytes(mp), "abcdef");  // the whole block, as illumos does
  mp->b_rptr += 1;
  EXPECT_EQ(pullupmsg(mp, -1), 1);
  EXPECT_TRUE(aligned(mp->b_rptr));
  EXPECT_EQ(bytes(mp), "bcdef");
  freemsg(mp);
}

TEST_F(PullupTest, StopsAtAnotherType) {
  mblk_t *mp = block("ab", M_PROTO);
  ASSERT_NE(mp, nullptr);
  linkb(mp, block("cd", M_PROTO));
  linkb(mp, block("ef"));
  EXPECT_EQ(pullupmsg(mp, 5), 0);  // only 4 M_PROTO bytes
  EXPECT_EQ(nblocks(mp), 3u);
  EXPECT_EQ(pullupmsg(mp, -1), 1);
  EXPECT_EQ(DB_TYPE(mp), M_PROTO);
  EXPECT_EQ(bytes(mp), "abcd");
  ASSERT_NE(mp->b_cont, nullptr);
  EXPECT_EQ(DB_TYPE(mp->b_cont), M_DATA);
  EXPECT_EQ(bytes(mp->b_cont), "ef");
  EXPECT_EQ(mp->b_cont->b_cont, nullptr);
  freemsg(mp);
}

TEST_F(PullupTest, NotEnoughBytesChangesNothing) {
  mblk_t *mp = message({"ab", "cd"});
  ASSERT_NE(mp, nullptr);
  unsigned char *r = mp->b_rptr;
  EXPECT_EQ(pullupmsg(mp, 5), 0);
  EXPECT_EQ(pullupmsg(mp, -2), 0);
  EXPECT_EQ(mp->b_rptr, r);
  EXPECT_EQ(nblocks(mp), 2u);
  freemsg(mp);
}

TEST_F(PullupTest, ZeroLengthBlocksAreAbsorbed) {
  mblk_t *mp = message({"", "ab", "", "", "cd", ""});
  ASSERT_NE(mp, nullptr);
  EXPECT_EQ(pullupmsg(mp, -1), 1);
  EXPECT_EQ(bytes(mp), "abcd");
  // illumos stops once it has the bytes: a trailing empty block stays.
  EXPECT_EQ(msgsize(mp), 4u);
  freemsg(mp);
}

// A head whose buffer a dup shares: the dup must keep its bytes, the
// head gets new ones (the "split state"), and both free cleanly in either
// order, also through the mbuf boundary.
TEST_F(PullupTest, SharedHeadKeepsTheDupIntact) {
  for (int order = 0; order < 3; order++) {
    SCOPED_TRACE(order);
    mblk_t *mp = message({"abc", "def"});
    ASSERT_NE(mp, nullptr);
    mblk_t *dp = dupb(mp);
    ASSERT_NE(dp, nullptr);
    EXPECT_EQ(pullupmsg(mp, -1), 1);
    EXPECT_EQ(bytes(mp), "abcdef");
    EXPECT_NE(mp->b_datap, dp->b_datap);
    EXPECT_EQ(DB_REF(mp), 1);
    mp->b_rptr[0] = 'A';
    EXPECT_EQ(bytes(dp), "abc");
    dp->b_rptr[1] = 'B';
    EXPECT_EQ(bytes(mp), "Abcdef");
    // A dup of the pulled-up head shares the new bytes.
    mblk_t *d2 = dupb(mp);
    ASSERT_NE(d2, nullptr);
    EXPECT_EQ(bytes(d2), "Abcdef");
    EXPECT_EQ(DB_REF(mp), 2);
    freeb(d2);
    // And pulling up again still works.
    linkb(mp, block("gh"));
    EXPECT_EQ(pullupmsg(mp, -1), 1);
    EXPECT_EQ(bytes(mp), "Abcdefgh");
    if (order == 0) {
      freemsg(mp);
      EXPECT_EQ(bytes(dp), "aBc");
      freemsg(dp);
    } else if (order == 1) {
      freemsg(dp);
      freemsg(mp);
    } else {
      rte_mbuf *m = strdp_msg_to_mbuf(mp);
      ASSERT_NE(m, nullptr);
      char out[8];
      ASSERT_EQ(m->pkt_len, 8u);
      EXPECT_EQ(std::string(static_cast<const char *>(
                                rte_pktmbuf_read(m, 0, 8, out)), 8),
                "Abcdefgh");
      rte_pktmbuf_free(m);  // as a PMD would
      EXPECT_EQ(bytes(dp), "aBc");
      freemsg(dp);
    }
  }
}

// While the head is split, an old dup can leave as an mbuf and come back
// (a loopback ring): it must still describe the old buffer.
TEST_F(PullupTest, OldDupRoundTripsWhileHeadIsSplit) {
  mblk_t *mp = message({"abc", "def"});
  ASSERT_NE(mp, nullptr);
  mblk_t *dp = dupb(mp);
  ASSERT_NE(dp, nullptr);
  unsigned char *old_base = DB_BASE(dp);
  ASSERT_EQ(pullupmsg(mp, -1), 1);
  rte_mbuf *m = strdp_msg_to_mbuf(dp);
  ASSERT_NE(m, nullptr);
  mblk_t *back = strdp_msg_from_mbuf(m);
  ASSERT_NE(back, nullptr);
  EXPECT_EQ(bytes(back), "abc");
  EXPECT_EQ(DB_BASE(back), old_base);
  EXPECT_EQ(bytes(mp), "abcdef");
  freemsg(mp);
  EXPECT_EQ(DB_REF(back), 1);
  EXPECT_EQ(bytes(back), "abc");
  freemsg(back);
}

// A dup (indirect mbuf) as the head: it takes a buffer of its own and
// lets go of the shared one.
TEST_F(PullupTest, DupHeadGetsItsOwnBuffer) {
  mblk_t *mp = message({"abc", "def"});
  ASSERT_NE(mp, nullptr);
  mblk_t *dp = dupmsg(mp);
  ASSERT_NE(dp, nullptr);
  EXPECT_EQ(pullupmsg(dp, -1), 1);
  EXPECT_EQ(bytes(dp), "abcdef");
  EXPECT_EQ(DB_REF(dp), 1);
  EXPECT_EQ(DB_REF(mp), 1);
  EXPECT_EQ(DB_REF(mp->b_cont), 1);
  EXPECT_EQ(flatten(mp), "abcdef");
  EXPECT_EQ(nblocks(mp), 2u);
  freemsg(mp);
  freemsg(dp);
}

TEST_F(PullupTest, LargerThanAPoolBuffer) {
  std::string a = pattern(1500, 1), b = pattern(1500, 2), c = pattern(1500, 3);
  mblk_t *mp = message({a, b, c});
  ASSERT_NE(mp, nullptr);
  EXPECT_EQ(pullupmsg(mp, 4000), 1);
  EXPECT_EQ(MBLKL(mp), 4000);
  EXPECT_EQ(flatten(mp), a + b + c);
  EXPECT_EQ(pullupmsg(mp, -1), 1);
  EXPECT_EQ(bytes(mp), a + b + c);
  EXPECT_EQ(mp->b_cont, nullptr);
  // A dup shares the external buffer; the heap gets it back with both.
  mblk_t *dp = dupb(mp);
  ASSERT_NE(dp, nullptr);
  freemsg(mp);
  EXPECT_EQ(bytes(dp), a + b + c);
  freemsg(dp);
}

TEST_F(PullupTest, EsballocHeadReleasesTheCallersBuffer) {
  static int frees = 0;
  unsigned char buf[8] = {'x', 'y'};
  frtn_t fr{[](void *) { frees++; }, nullptr};
  mblk_t *mp = esballoc(buf, sizeof(buf), BPRI_LO, &fr);
  ASSERT_NE(mp, nullptr);
  mp->b_wptr += 2;
  linkb(mp, block("z"));
  EXPECT_EQ(pullupmsg(mp, -1), 1);
  EXPECT_EQ(frees, 1);  // the joined bytes live elsewhere now
  EXPECT_EQ(bytes(mp), "xyz");
  EXPECT_EQ(DB_FRTNP(mp), nullptr);
  freemsg(mp);
  EXPECT_EQ(frees, 1);
}

TEST_F(PullupTest, MsgpullupMakesANewMessage) {
  mblk_t *mp = message({"ab", "cdef", "gh"});
  ASSERT_NE(mp, nullptr);
  DB_TYPE(mp) = M_DATA;
  mp->b_band = 2;
  mp->b_flag = MSGMARK;
  mblk_t *np = msgpullup(mp, 4);
  ASSERT_NE(np, nullptr);
  EXPECT_EQ(bytes(np), "abcd");
  EXPECT_EQ(np->b_band, 2);
  EXPECT_EQ(np->b_flag, MSGMARK);
  EXPECT_EQ(flatten(np), "abcdefgh");  // the rest is copied after
  EXPECT_EQ(nblocks(np), 3u);
  for (mblk_t *bp = np; bp != nullptr; bp = bp->b_cont)
    EXPECT_EQ(DB_REF(bp), 1);
  EXPECT_EQ(flatten(mp), "abcdefgh");  // untouched
  EXPECT_EQ(nblocks(mp), 3u);
  np->b_cont->b_rptr[0] = 'E';
  EXPECT_EQ(flatten(mp), "abcdefgh");
  freemsg(np);

  np = msgpullup(mp, -1);
  ASSERT_NE(np, nullptr);
  EXPECT_EQ(bytes(np), "abcdefgh");
  EXPECT_EQ(np->b_cont, nullptr);
  freemsg(np);

  np = msgpullup(mp, 0);
  ASSERT_NE(np, nullptr);
  EXPECT_EQ(MBLKL(np), 0);
  EXPECT_EQ(flatten(np), "abcdefgh");
  freemsg(np);

  EXPECT_EQ(msgpullup(mp, 9), nullptr);
  EXPECT_EQ(msgpullup(mp, -2), nullptr);
  freemsg(mp);
}

TEST_F(PullupTest, MsgpullupStopsAtAnotherType) {
  mblk_t *mp = block("ab", M_PROTO);
  ASSERT_NE(mp, nullptr);
  linkb(mp, block("cd", M_PROTO));
  linkb(mp, block("ef"));
  EXPECT_EQ(msgpullup(mp, 5), nullptr);
  mblk_t *np = msgpullup(mp, -1);
  ASSERT_NE(np, nullptr);
  EXPECT_EQ(DB_TYPE(np), M_PROTO);
  EXPECT_EQ(bytes(np), "abcd");
  ASSERT_NE(np->b_cont, nullptr);
  EXPECT_EQ(DB_TYPE(np->b_cont), M_DATA);
  EXPECT_EQ(bytes(np->b_cont), "ef");
  freemsg(np);
  freemsg(mp);
}

}  // namespace
}  // namespace strdp::test
