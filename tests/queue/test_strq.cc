// strqget/strqset, backq, SAMESTR, queue statistics.
#include "procs.h"

namespace strdp::test {
namespace {

module_info mi = {6, const_cast<char *>("sq"), 1, 512, 100, 10};
qinit qi = {.qi_putp = rec_put, .qi_minfo = &mi};

TEST(Strq, ReadsTheModuleInfoLimits) {
  TestPair p(&qi, &qi);
  size_t v = 0;
  ssize_t s = 0;
  EXPECT_EQ(strqget(p.wq(), QHIWAT, 0, &v), 0);
  EXPECT_EQ(v, 100u);
  EXPECT_EQ(strqget(p.wq(), QLOWAT, 0, &v), 0);
  EXPECT_EQ(v, 10u);
  EXPECT_EQ(strqget(p.wq(), QMAXPSZ, 0, &s), 0);
  EXPECT_EQ(s, 512);
  EXPECT_EQ(strqget(p.wq(), QMINPSZ, 0, &s), 0);
  EXPECT_EQ(s, 1);
  EXPECT_EQ(strqget(p.wq(), QMAXPSZ, 3, &s), EINVAL) << "no packet sizes per band";
  EXPECT_EQ(strqget(p.wq(), QBAD, 0, &v), EINVAL);
}

TEST(Strq, SettingTheHighWaterMarkRecomputesFullness) {
  TestPair p(&qi, &qi);
  putq(p.wq(), make_msg(std::string(50, 'x')));
  EXPECT_FALSE(p.wq()->q_flag & QFULL);
  EXPECT_EQ(strqset(p.wq(), QHIWAT, 0, 40), 0);
  EXPECT_TRUE(p.wq()->q_flag & QFULL);
  EXPECT_EQ(strqset(p.wq(), QHIWAT, 0, 60), 0);
  EXPECT_FALSE(p.wq()->q_flag & QFULL);
  size_t count = 0;
  EXPECT_EQ(strqget(p.wq(), QCOUNT, 0, &count), 0);
  EXPECT_EQ(count, 50u);
  EXPECT_EQ(strqset(p.wq(), QCOUNT, 0, 1), EPERM);
  EXPECT_EQ(strqset(p.wq(), QFLAG, 0, 1), EPERM);
  EXPECT_EQ(strqset(p.wq(), QHIWAT, 0, -1), EINVAL);
  flushq(p.wq(), FLUSHALL);
}

TEST(Strq, BandFieldsAreCreatedBySet) {
  TestPair p(&qi, &qi);
  size_t v = 0;
  EXPECT_EQ(strqget(p.wq(), QHIWAT, 7, &v), 0);
  EXPECT_EQ(v, 100u) << "an absent band reads as the queue's defaults";
  EXPECT_EQ(strqset(p.wq(), QHIWAT, 7, 5), 0);
  EXPECT_EQ(p.wq()->q_nband, 7);
  EXPECT_EQ(strqget(p.wq(), QHIWAT, 7, &v), 0);
  EXPECT_EQ(v, 5u);
  putq(p.wq(), make_msg("123456", M_DATA, 7));
  unsigned flag = 0;
  EXPECT_EQ(strqget(p.wq(), QFLAG, 7, &flag), 0);
  EXPECT_TRUE(flag & QB_FULL);
  mblk_t *first = nullptr;
  EXPECT_EQ(strqget(p.wq(), QFIRST, 7, &first), 0);
  EXPECT_EQ(first, p.wq()->q_first);
  flushq(p.wq(), FLUSHALL);
}

TEST(Plumbing, BackqAndSamestr) {
  TestPair a(&qi, &qi), b(&qi, &qi);
  link_pairs({&a, &b});
  EXPECT_EQ(backq(b.wq()), a.wq());
  EXPECT_EQ(backq(a.rq()), b.rq());
  EXPECT_EQ(backq(a.wq()), nullptr);
  EXPECT_EQ(backq(b.rq()), nullptr);
  EXPECT_EQ(SAMESTR(a.wq()), 1);
  EXPECT_EQ(SAMESTR(b.wq()), 0) << "end of the stream";
  EXPECT_EQ(RD(a.wq()), a.rq());
  EXPECT_EQ(WR(a.rq()), a.wq());
  EXPECT_EQ(OTHERQ(a.rq()), a.wq());
  EXPECT_TRUE(a.rq()->q_flag & QREADR);
  EXPECT_FALSE(a.wq()->q_flag & QREADR);
}

TEST(Plumbing, DropReasonsHaveNames) {
  for (int r = 0; r < STRDP_DROP_REASONS; ++r)
    EXPECT_STRNE(strdp_drop_reason_name(static_cast<strdp_drop_reason>(r)), "unknown");
}

}  // namespace
}  // namespace strdp::test
