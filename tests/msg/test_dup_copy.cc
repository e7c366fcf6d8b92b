// dupb/dupmsg share bytes, copyb/copymsg do not; db_ref and DB_REF follow.
#include <vector>

#include "msg_test.h"

namespace strdp::test {
namespace {

using DupTest = MsgTest;
using CopyTest = MsgTest;

TEST_F(DupTest, DupbSharesTheBytes) {
  mblk_t *mp = block("hello world", M_PROTO, 16);
  ASSERT_NE(mp, nullptr);
  mp->b_band = 7;
  mp->b_flag = MSGMARK | MSGDELIM;
  mblk_t *dp = dupb(mp);
  ASSERT_NE(dp, nullptr);
  EXPECT_NE(dp, mp);
  EXPECT_EQ(dp->b_datap, mp->b_datap);
  EXPECT_EQ(dp->b_rptr, mp->b_rptr);
  EXPECT_EQ(dp->b_wptr, mp->b_wptr);
  EXPECT_EQ(dp->b_band, 7);
  EXPECT_EQ(dp->b_flag, MSGMARK | MSGDELIM);
  EXPECT_EQ(dp->b_cont, nullptr);
  EXPECT_EQ(DB_TYPE(dp), M_PROTO);
  EXPECT_TRUE(RTE_MBUF_CLONED(strdp_mblk_to_mbuf(dp)));

  // Write through one, read through the other, both ways.
  mp->b_rptr[0] = 'J';
  EXPECT_EQ(bytes(dp), "Jello world");
  dp->b_wptr[-1] = 'D';
  EXPECT_EQ(bytes(mp), "Jello worlD");
  // Moving one block's pointers does not move the other's.
  dp->b_rptr += 6;
  EXPECT_EQ(bytes(dp), "worlD");
  EXPECT_EQ(bytes(mp), "Jello worlD");
  freeb(mp);
  freeb(dp);
}

TEST_F(DupTest, DbRefFollowsDupbAndFreeb) {
  mblk_t *mp = block("x");
  ASSERT_NE(mp, nullptr);
  dblk_t *db = mp->b_datap;
  EXPECT_EQ(db->db_ref, 1);
  mblk_t *d1 = dupb(mp);
  ASSERT_NE(d1, nullptr);
  EXPECT_EQ(db->db_ref, 2);
  EXPECT_EQ(DB_REF(mp), 2);
  mblk_t *d2 = dupb(d1);  // a dup of a dup references the same buffer
  ASSERT_NE(d2, nullptr);
  EXPECT_EQ(d2->b_datap, db);
  EXPECT_EQ(db->db_ref, 3);
  EXPECT_EQ(DB_REF(d1), 3);
  freeb(mp);  // the original goes first: the buffer stays
  EXPECT_EQ(db->db_ref, 2);
  EXPECT_EQ(DB_REF(d2), 2);
  EXPECT_EQ(bytes(d2), "x");
  freeb(d2);
  EXPECT_EQ(db->db_ref, 1);
  EXPECT_EQ(DB_REF(d1), 1);
  freeb(d1);
}

// DB_REF counts references DPDK holds; db_ref only STREAMS' own.
TEST_F(DupTest, DbRefSeesDpdkClones) {
  mblk_t *mp = block("abc");
  ASSERT_NE(mp, nullptr);
  rte_mbuf *clone = rte_pktmbuf_clone(strdp_mblk_to_mbuf(mp), msg_pool());
  ASSERT_NE(clone, nullptr);
  EXPECT_EQ(DB_REF(mp), 2);
  EXPECT_EQ(mp->b_datap->db_ref, 1);
  rte_pktmbuf_free(clone);
  EXPECT_EQ(DB_REF(mp), 1);
  freeb(mp);
}

// Solaris refuses a 256th reference; so does dupb, whoever holds the 255.
TEST_F(DupTest, DupbStopsAt255References) {
  mblk_t *mp = block("limit");
  ASSERT_NE(mp, nullptr);
  std::vector<mblk_t *> dups;
  for (int i = 0; i < 254; i++) {
    mblk_t *d = dupb(i % 2 ? dups.back() : mp);
    ASSERT_NE(d, nullptr) << i;
    dups.push_back(d);
  }
  EXPECT_EQ(DB_REF(mp), 255);
  EXPECT_EQ(mp->b_datap->db_ref, 255);
  EXPECT_EQ(dupb(mp), nullptr);
  EXPECT_EQ(dupb(dups.back()), nullptr);
  EXPECT_EQ(dupmsg(mp), nullptr);
  EXPECT_EQ(mp->b_datap->db_ref, 255);
  freeb(dups.back());
  dups.pop_back();
  mblk_t *d = dupb(mp);
  EXPECT_NE(d, nullptr);
  dups.push_back(d);
  for (mblk_t *b : dups) freeb(b);
  EXPECT_EQ(DB_REF(mp), 1);
  EXPECT_EQ(mp->b_datap->db_ref, 1);
  freeb(mp);
}

TEST_F(DupTest, DupmsgDuplicatesEveryBlock) {
  mblk_t *mp = message({"one", "", "three"});
  ASSERT_NE(mp, nullptr);
  DB_TYPE(mp) = M_PROTO;
  mblk_t *dp = dupmsg(mp);
  ASSERT_NE(dp, nullptr);
  ASSERT_EQ(nblocks(dp), 3u);
  for (mblk_t *a = mp, *b = dp; a != nullptr; a = a->b_cont, b = b->b_cont) {
    EXPECT_NE(a, b);
    EXPECT_EQ(a->b_datap, b->b_datap);
    EXPECT_EQ(bytes(a), bytes(b));
    EXPECT_EQ(DB_REF(a), 2);
  }
  EXPECT_EQ(DB_TYPE(dp), M_PROTO);
  mp->b_cont->b_cont->b_rptr[0] = 'T';
  EXPECT_EQ(flatten(dp), "oneThree");
  freemsg(dp);
  EXPECT_EQ(DB_REF(mp->b_cont->b_cont), 1);
  freemsg(mp);
  EXPECT_EQ(dupmsg(nullptr), nullptr);
}

TEST_F(CopyTest, CopybIsIndependent) {
  mblk_t *mp = block("payload", M_PCPROTO, 40);
  ASSERT_NE(mp, nullptr);
  mp->b_band = 3;
  mp->b_flag = MSGNOLOOP;
  mblk_t *cp = copyb(mp);
  ASSERT_NE(cp, nullptr);
  EXPECT_NE(cp->b_datap, mp->b_datap);
  EXPECT_EQ(DB_TYPE(cp), M_PCPROTO);
  EXPECT_EQ(cp->b_band, 3);
  EXPECT_EQ(cp->b_flag, MSGNOLOOP);
  EXPECT_EQ(MBLKHEAD(cp), 40);  // same offset in its buffer
  EXPECT_GE(MBLKSIZE(cp), MBLKSIZE(mp));
  EXPECT_EQ(bytes(cp), "payload");
  EXPECT_EQ(DB_REF(cp), 1);
  EXPECT_EQ(DB_REF(mp), 1);
  cp->b_rptr[0] = 'P';
  EXPECT_EQ(bytes(mp), "payload");
  mp->b_rptr[1] = 'A';
  EXPECT_EQ(bytes(cp), "Payload");
  freeb(mp);
  EXPECT_EQ(bytes(cp), "Payload");
  freeb(cp);
}

TEST_F(CopyTest, CopybOfLargeAndZeroLengthBlocks) {
  mblk_t *big = allocb(100000, BPRI_LO);
  ASSERT_NE(big, nullptr);
  std::string data = pattern(50000);
  big->b_rptr += 30000;
  big->b_wptr = big->b_rptr;
  std::memcpy(big->b_wptr, data.data(), data.size());
  big->b_wptr += data.size();
  mblk_t *cp = copyb(big);
  ASSERT_NE(cp, nullptr);
  EXPECT_EQ(MBLKSIZE(cp), 100000);
  EXPECT_EQ(MBLKHEAD(cp), 30000);
  EXPECT_EQ(bytes(cp), data);
  freeb(big);
  freeb(cp);

  mblk_t *empty = allocb(0, BPRI_LO);
  ASSERT_NE(empty, nullptr);
  mblk_t *ecp = copyb(empty);
  ASSERT_NE(ecp, nullptr);
  EXPECT_EQ(MBLKL(ecp), 0);
  freeb(empty);
  freeb(ecp);
}

TEST_F(CopyTest, CopymsgAndCopymsgchain) {
  mblk_t *m1 = message({"ab", "", "cd"});
  mblk_t *m2 = message({"ef"});
  ASSERT_NE(m1, nullptr);
  ASSERT_NE(m2, nullptr);
  DB_TYPE(m1) = M_PROTO;
  m1->b_cont->b_cont->b_band = 9;  // only the first block's band matters
  m1->b_next = m2;
  mblk_t *c = copymsgchain(m1);
  ASSERT_NE(c, nullptr);
  ASSERT_NE(c->b_next, nullptr);
  EXPECT_EQ(c->b_next->b_next, nullptr);
  EXPECT_EQ(nblocks(c), 3u);
  EXPECT_EQ(flatten(c), "abcd");
  EXPECT_EQ(flatten(c->b_next), "ef");
  EXPECT_EQ(DB_TYPE(c), M_PROTO);
  EXPECT_EQ(DB_TYPE(c->b_cont), M_DATA);
  EXPECT_EQ(c->b_cont->b_cont->b_band, 9);
  for (mblk_t *a = m1, *b = c; a != nullptr; a = a->b_cont, b = b->b_cont)
    EXPECT_NE(a->b_datap, b->b_datap);
  c->b_rptr[0] = 'X';
  EXPECT_EQ(flatten(m1), "abcd");
  freemsgchain(c);
  m1->b_next = nullptr;
  freemsg(m1);
  freemsg(m2);
  EXPECT_EQ(copymsg(nullptr), nullptr);
  EXPECT_EQ(copymsgchain(nullptr), nullptr);
}

// A copy of a shared (dup'd) block is a private buffer again.
TEST_F(CopyTest, CopyOfDupIsUnshared) {
  mblk_t *mp = block("shared");
  ASSERT_NE(mp, nullptr);
  mblk_t *dp = dupb(mp);
  ASSERT_NE(dp, nullptr);
  mblk_t *cp = copymsg(dp);
  ASSERT_NE(cp, nullptr);
  EXPECT_EQ(DB_REF(cp), 1);
  EXPECT_EQ(DB_REF(mp), 2);
  freemsg(dp);
  freemsg(mp);
  EXPECT_EQ(bytes(cp), "shared");
  freemsg(cp);
}

}  // namespace
}  // namespace strdp::test
