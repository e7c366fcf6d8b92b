// mkiocb and the strsun.h helpers that need no live queue.
#include <cerrno>
#include <set>

#include "msg_test.h"

namespace strdp::test {
namespace {

using StrsunTest = MsgTest;

iocblk *ioc(mblk_t *mp) { return reinterpret_cast<iocblk *>(mp->b_rptr); }
copyreq *cq(mblk_t *mp) { return reinterpret_cast<copyreq *>(mp->b_rptr); }

TEST_F(StrsunTest, Mkiocb) {
  std::set<unsigned> ids;
  for (int i = 0; i < 3; i++) {
    mblk_t *mp = mkiocb(0x5301 + i);
    ASSERT_NE(mp, nullptr);
    EXPECT_EQ(DB_TYPE(mp), M_IOCTL);
    EXPECT_EQ(MBLKL(mp), static_cast<ptrdiff_t>(sizeof(iocblk)));
    EXPECT_GE(MBLKSIZE(mp), static_cast<ptrdiff_t>(sizeof(union ioctypes)));
    EXPECT_EQ(ioc(mp)->ioc_cmd, 0x5301 + i);
    EXPECT_EQ(ioc(mp)->ioc_cr, strdp_kcred());
    EXPECT_NE(ioc(mp)->ioc_id, 0u);
    EXPECT_EQ(ioc(mp)->ioc_flag, unsigned{IOC_NATIVE});
    EXPECT_EQ(ioc(mp)->ioc_count, 0u);
    EXPECT_EQ(ioc(mp)->ioc_rval, 0);
    EXPECT_EQ(ioc(mp)->ioc_error, 0);
    EXPECT_EQ(mp->b_cont, nullptr);
    ids.insert(ioc(mp)->ioc_id);
    freemsg(mp);
  }
  EXPECT_EQ(ids.size(), 3u);
}

// A transparent ioctl as the stream head sends it: iocblk, then the
// user's argument (a pointer) in b_cont.
mblk_t *transparent_ioctl(int cmd, void *uaddr) {
  mblk_t *mp = mkiocb(static_cast<unsigned>(cmd));
  if (mp == nullptr) return nullptr;
  ioc(mp)->ioc_count = TRANSPARENT;
  mblk_t *arg = allocb(sizeof(void *) + 1, BPRI_LO);
  if (arg == nullptr) {
    freemsg(mp);
    return nullptr;
  }
  arg->b_rptr += 1;  // misaligned on purpose
  arg->b_wptr = arg->b_rptr;
  std::memcpy(arg->b_wptr, &uaddr, sizeof(uaddr));
  arg->b_wptr += sizeof(uaddr);
  mp->b_cont = arg;
  return mp;
}

TEST_F(StrsunTest, Mcopyin) {
  int user;
  mblk_t *mp = transparent_ioctl(42, &user);
  ASSERT_NE(mp, nullptr);
  unsigned id = ioc(mp)->ioc_id;
  int priv;
  mcopyin(mp, &priv, sizeof(int), nullptr);
  EXPECT_EQ(DB_TYPE(mp), M_COPYIN);
  EXPECT_EQ(MBLKL(mp), static_cast<ptrdiff_t>(sizeof(copyreq)));
  EXPECT_EQ(cq(mp)->cq_cmd, 42);  // the iocblk fields it overlays stay
  EXPECT_EQ(cq(mp)->cq_id, id);
  EXPECT_EQ(cq(mp)->cq_cr, strdp_kcred());
  EXPECT_EQ(cq(mp)->cq_addr, &user);  // from b_cont
  EXPECT_EQ(cq(mp)->cq_size, sizeof(int));
  EXPECT_EQ(cq(mp)->cq_private, &priv);
  EXPECT_EQ(cq(mp)->cq_flag, 0u);
  EXPECT_EQ(mp->b_cont, nullptr);  // freed
  freemsg(mp);

  // An explicit address wins.
  mp = transparent_ioctl(43, &user);
  ASSERT_NE(mp, nullptr);
  int other;
  mcopyin(mp, nullptr, 8, &other);
  EXPECT_EQ(cq(mp)->cq_addr, &other);
  EXPECT_EQ(cq(mp)->cq_private, nullptr);
  freemsg(mp);
}

TEST_F(StrsunTest, Mcopyout) {
  int user;
  mblk_t *mp = transparent_ioctl(7, &user);
  ASSERT_NE(mp, nullptr);
  mblk_t *data = block("0123456789");
  ASSERT_NE(data, nullptr);
  mcopyout(mp, nullptr, 4, nullptr, data);
  EXPECT_EQ(DB_TYPE(mp), M_COPYOUT);
  EXPECT_EQ(MBLKL(mp), static_cast<ptrdiff_t>(sizeof(copyreq)));
  EXPECT_EQ(cq(mp)->cq_addr, &user);
  EXPECT_EQ(cq(mp)->cq_size, 4u);
  EXPECT_EQ(mp->b_cont, data);  // the old b_cont was freed
  EXPECT_EQ(bytes(data), "0123");  // trimmed to size
  freemsg(mp);

  // Without dp the data already in b_cont goes out.
  mp = mkiocb(8);
  ASSERT_NE(mp, nullptr);
  DB_TYPE(mp) = M_IOCDATA;
  mp->b_cont = block("keep");
  mcopyout(mp, nullptr, 4, &user, nullptr);
  EXPECT_EQ(DB_TYPE(mp), M_COPYOUT);
  EXPECT_EQ(cq(mp)->cq_addr, &user);
  ASSERT_NE(mp->b_cont, nullptr);
  EXPECT_EQ(bytes(mp->b_cont), "keep");
  freemsg(mp);
}

TEST_F(StrsunTest, Mioc2ack) {
  mblk_t *mp = mkiocb(9);
  ASSERT_NE(mp, nullptr);
  mp->b_cont = block("request");
  ioc(mp)->ioc_error = EIO;
  mblk_t *reply = block("answer");
  ASSERT_NE(reply, nullptr);
  mioc2ack(mp, reply, 6, 17);
  EXPECT_EQ(DB_TYPE(mp), M_IOCACK);
  EXPECT_EQ(ioc(mp)->ioc_count, 6u);
  EXPECT_EQ(ioc(mp)->ioc_rval, 17);
  EXPECT_EQ(ioc(mp)->ioc_error, 0);
  EXPECT_EQ(mp->b_cont, reply);
  freemsg(mp);

  mp = mkiocb(10);
  ASSERT_NE(mp, nullptr);
  mioc2ack(mp, nullptr, 0, 0);
  EXPECT_EQ(mp->b_cont, nullptr);
  freemsg(mp);
}

TEST_F(StrsunTest, Miocpullup) {
  mblk_t *mp = mkiocb(11);
  ASSERT_NE(mp, nullptr);
  EXPECT_EQ(miocpullup(mp, 0), 0);
  EXPECT_EQ(miocpullup(mp, 4), EINVAL);  // no data
  mp->b_cont = message({"ab", "cd", "ef"});
  ioc(mp)->ioc_count = 6;
  EXPECT_EQ(miocpullup(mp, 2), 0);  // already contiguous
  EXPECT_EQ(nblocks(mp->b_cont), 3u);
  EXPECT_EQ(miocpullup(mp, 5), 0);
  EXPECT_GE(MBLKL(mp->b_cont), 5);
  EXPECT_EQ(flatten(mp->b_cont), "abcdef");
  EXPECT_EQ(miocpullup(mp, 7), EINVAL);  // not that much data
  EXPECT_EQ(flatten(mp->b_cont), "abcdef");
  ioc(mp)->ioc_count = TRANSPARENT;
  EXPECT_EQ(miocpullup(mp, 1), EINVAL);
  freemsg(mp);

  mblk_t *notioc = block("short");
  ASSERT_NE(notioc, nullptr);
  EXPECT_EQ(miocpullup(notioc, 1), EINVAL);
  freemsg(notioc);
}

TEST_F(StrsunTest, MexchangeReusesWhenItCan) {
  mblk_t *mp = block("old contents", M_DATA, 8);
  ASSERT_NE(mp, nullptr);
  linkb(mp, block("tail"));
  mblk_t *r = mexchange(nullptr, mp, 8, M_PROTO, 0x1234);
  ASSERT_EQ(r, mp);  // big enough and not shared: reused
  EXPECT_EQ(r->b_rptr, DB_BASE(r));
  EXPECT_EQ(MBLKL(r), 8);
  EXPECT_EQ(DB_TYPE(r), M_PROTO);
  EXPECT_EQ(r->b_cont, nullptr);  // freed
  int32_t prim;
  std::memcpy(&prim, r->b_rptr, sizeof(prim));
  EXPECT_EQ(prim, 0x1234);

  // Shared: a new block, the old one released.
  mblk_t *dp = dupb(r);
  ASSERT_NE(dp, nullptr);
  mblk_t *n = mexchange(nullptr, r, 4, M_PCPROTO, -1);
  ASSERT_NE(n, nullptr);
  EXPECT_NE(n->b_datap, dp->b_datap);
  EXPECT_EQ(DB_REF(dp), 1);
  EXPECT_EQ(DB_TYPE(n), M_PCPROTO);
  EXPECT_EQ(MBLKL(n), 4);
  freemsg(dp);

  // Too small: a new block.
  mblk_t *big = mexchange(nullptr, n, 100000, M_DATA, -1);
  ASSERT_NE(big, nullptr);
  EXPECT_EQ(MBLKL(big), 100000);
  freemsg(big);

  // None given: a new block.
  mblk_t *fresh = mexchange(nullptr, nullptr, 16, M_CTL, 5);
  ASSERT_NE(fresh, nullptr);
  EXPECT_EQ(DB_TYPE(fresh), M_CTL);
  freemsg(fresh);
}

TEST_F(StrsunTest, McopymsgCopiesAndFrees) {
  mblk_t *mp = block("ctl", M_PROTO);
  ASSERT_NE(mp, nullptr);
  linkb(mp, message({"da", "", "ta"}));
  char buf[16] = {};
  mcopymsg(mp, buf);  // the fixture checks it was freed
  EXPECT_STREQ(buf, "ctldata");
}

}  // namespace
}  // namespace strdp::test
