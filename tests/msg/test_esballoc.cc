// esballoc/desballoc: the caller's buffer, and its free routine run
// exactly once, after the last reference, whoever drops it.
#include <cerrno>

#include "msg_test.h"

namespace strdp::test {
namespace {

struct Owner {
  unsigned char buf[256];
  int frees = 0;
  frtn_t fr{&Owner::release, this};
  static void release(void *arg) { static_cast<Owner *>(arg)->frees++; }
};

using EsballocTest = MsgTest;

TEST_F(EsballocTest, BlockViewsTheCallersBuffer) {
  Owner o;
  mblk_t *mp = esballoc(o.buf, sizeof(o.buf), BPRI_MED, &o.fr);
  ASSERT_NE(mp, nullptr);
  EXPECT_EQ(DB_BASE(mp), o.buf);
  EXPECT_EQ(DB_LIM(mp), o.buf + sizeof(o.buf));
  EXPECT_EQ(mp->b_rptr, o.buf);
  EXPECT_EQ(mp->b_wptr, o.buf);
  EXPECT_EQ(DB_TYPE(mp), M_DATA);
  EXPECT_EQ(DB_REF(mp), 1);
  EXPECT_EQ(mp->b_datap->db_ref, 1);
  EXPECT_EQ(DB_FRTNP(mp), &o.fr);  // Solaris: the caller's pointer
  EXPECT_TRUE(RTE_MBUF_HAS_EXTBUF(strdp_mblk_to_mbuf(mp)));
  std::memcpy(mp->b_wptr, "zero copy", 9);
  mp->b_wptr += 9;
  EXPECT_EQ(std::string(reinterpret_cast<char *>(o.buf), 9), "zero copy");
  EXPECT_EQ(o.frees, 0);
  freeb(mp);
  EXPECT_EQ(o.frees, 1);
}

TEST_F(EsballocTest, FreeRoutineWaitsForTheLastDup) {
  Owner o;
  mblk_t *mp = esballoc(o.buf, sizeof(o.buf), BPRI_MED, &o.fr);
  ASSERT_NE(mp, nullptr);
  mp->b_wptr += 10;
  mblk_t *d1 = dupb(mp);
  mblk_t *d2 = dupmsg(d1);
  ASSERT_NE(d1, nullptr);
  ASSERT_NE(d2, nullptr);
  EXPECT_EQ(DB_REF(mp), 3);
  EXPECT_EQ(mp->b_datap->db_ref, 3);
  EXPECT_EQ(d1->b_datap, mp->b_datap);
  freeb(mp);
  freeb(d2);
  EXPECT_EQ(o.frees, 0);
  EXPECT_EQ(DB_REF(d1), 1);
  freemsg(d1);
  EXPECT_EQ(o.frees, 1);
}

// The message leaves STREAMS and DPDK drops the last reference, as a PMD
// does after transmitting it.
TEST_F(EsballocTest, FreeRoutineRunsWhenDpdkFreesTheMbuf) {
  Owner o;
  mblk_t *mp = esballoc(o.buf, sizeof(o.buf), BPRI_MED, &o.fr);
  ASSERT_NE(mp, nullptr);
  mp->b_wptr += 64;
  mblk_t *dp = dupb(mp);
  ASSERT_NE(dp, nullptr);
  rte_mbuf *m = strdp_msg_to_mbuf(mp);
  ASSERT_NE(m, nullptr);
  EXPECT_EQ(m->data_len, 64);
  freeb(dp);
  EXPECT_EQ(o.frees, 0);
  rte_pktmbuf_free(m);
  EXPECT_EQ(o.frees, 1);

  // And with the dup being the one that leaves.
  mp = esballoc(o.buf, sizeof(o.buf), BPRI_MED, &o.fr);
  ASSERT_NE(mp, nullptr);
  mp->b_wptr += 1;
  dp = dupb(mp);
  ASSERT_NE(dp, nullptr);
  m = strdp_msg_to_mbuf(dp);
  ASSERT_NE(m, nullptr);
  rte_pktmbuf_free(m);
  EXPECT_EQ(o.frees, 1);
  freeb(mp);
  EXPECT_EQ(o.frees, 2);
}

// The routine runs from the copy taken at esballoc: the caller's frtn_t
// may change or go away afterwards.
TEST_F(EsballocTest, FrtnIsCopied) {
  Owner o;
  frtn_t *fr = new frtn_t{&Owner::release, &o};
  mblk_t *mp = desballoc(o.buf, sizeof(o.buf), BPRI_LO, fr);
  ASSERT_NE(mp, nullptr);
  EXPECT_EQ(DB_FRTNP(mp), fr);
  fr->free_func = nullptr;
  delete fr;
  freeb(mp);
  EXPECT_EQ(o.frees, 1);
}

TEST_F(EsballocTest, RejectsMissingFreeRoutine) {
  unsigned char buf[8];
  errno = 0;
  EXPECT_EQ(esballoc(buf, sizeof(buf), BPRI_LO, nullptr), nullptr);
  EXPECT_EQ(errno, EINVAL);
  frtn_t fr{nullptr, nullptr};
  EXPECT_EQ(esballoc(buf, sizeof(buf), BPRI_LO, &fr), nullptr);
  EXPECT_EQ(desballoc(buf, sizeof(buf), BPRI_LO, &fr), nullptr);
}

TEST_F(EsballocTest, ZeroLengthBuffer) {
  Owner o;
  mblk_t *mp = esballoc(o.buf, 0, BPRI_LO, &o.fr);
  ASSERT_NE(mp, nullptr);
  EXPECT_EQ(MBLKSIZE(mp), 0);
  freeb(mp);
  EXPECT_EQ(o.frees, 1);
}

// A free routine that recycles its buffer into a new message, as drivers
// with a fixed set of receive buffers do.
struct Recycler {
  unsigned char buf[64];
  int frees = 0;
  mblk_t *next = nullptr;
  frtn_t fr{&Recycler::release, this};
  static void release(void *arg) {
    auto *r = static_cast<Recycler *>(arg);
    if (r->frees++ == 0) r->next = esballoc(r->buf, sizeof(r->buf), 0, &r->fr);
  }
};

TEST_F(EsballocTest, FreeRoutineMayEsballocAgain) {
  Recycler r;
  mblk_t *mp = esballoc(r.buf, sizeof(r.buf), BPRI_LO, &r.fr);
  ASSERT_NE(mp, nullptr);
  freeb(mp);
  EXPECT_EQ(r.frees, 1);
  ASSERT_NE(r.next, nullptr);
  EXPECT_EQ(DB_BASE(r.next), r.buf);
  freeb(r.next);
  EXPECT_EQ(r.frees, 2);
}

// copyb/copymsg of an esballoc'd block use our own buffers: the free
// routine runs when the original goes, whatever the copy does.
TEST_F(EsballocTest, CopyDoesNotHoldTheCallersBuffer) {
  Owner o;
  mblk_t *mp = esballoc(o.buf, sizeof(o.buf), BPRI_LO, &o.fr);
  ASSERT_NE(mp, nullptr);
  std::memcpy(mp->b_wptr, "data", 4);
  mp->b_wptr += 4;
  mblk_t *cp = copymsg(mp);
  ASSERT_NE(cp, nullptr);
  EXPECT_NE(DB_BASE(cp), o.buf);
  EXPECT_EQ(DB_FRTNP(cp), nullptr);
  freemsg(mp);
  EXPECT_EQ(o.frees, 1);
  EXPECT_EQ(bytes(cp), "data");
  freemsg(cp);
  EXPECT_EQ(o.frees, 1);
}

}  // namespace
}  // namespace strdp::test
