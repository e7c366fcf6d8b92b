// The STREAMS Programming Guide's multiplexing driver (gmux.c, written as
// the guide writes it), driven as the guide's application would: upper
// streams write, a header names who wrote, the answers come back to the
// upper stream the header names; a hangup below puts the uppers in error.
#include "gmux.h"
#include "mux_test.h"

namespace strdp::test {
namespace {

class GuideMux : public MuxTest {
 protected:
  void SetUp() override {
    MuxTest::SetUp();
    gmux_reset();
  }
  static std::string hdr(uint32_t minor) {
    gmux_hdr h{minor};
    return std::string(reinterpret_cast<char *>(&h), sizeof h);
  }
};

TEST_F(GuideMux, UpperStreamsShareALowerStreamByHeader) {
  strdp_stream_t *g0 = open("gmux"), *g1 = open("gmux");  // minors 0 and 1
  LoopPair p = loop_pair();
  int id = link(g0, p.lower, I_PLINK);  // persistent: every upper uses it
  ASSERT_GT(id, 0);
  write(g0, "from zero");
  write(g1, "from one");
  EXPECT_EQ(read_msg(p.user), hdr(0) + "from zero");
  EXPECT_EQ(read_msg(p.user), hdr(1) + "from one");
  write(p.user, hdr(1) + "to one");
  write(p.user, hdr(0) + "to zero");
  write(p.user, hdr(7) + "to nobody");
  EXPECT_EQ(read_msg(g1), "to one");
  EXPECT_EQ(read_msg(g0), "to zero");
  EXPECT_EQ(gmux_rec.lower_in, 3);
  ASSERT_EQ(strdp_ioctl(g1, I_PUNLINK, id), 0);
  EXPECT_EQ(gmux_rec.links, 1);
  EXPECT_EQ(gmux_rec.punlinks, 1);
  write(g0, "lost");
  EXPECT_EQ(gmux_rec.nolower, 1);
}

TEST_F(GuideMux, ALowerStreamThatCannotTakeMoreHoldsTheWriterBack) {
  strdp_stream_t *g = open("gmux");
  LoopPair p = loop_pair();
  ASSERT_GT(link(g, p.lower), 0);
  // p's user reads nothing: the loop driver fills, gmux's upper write
  // queue fills, and the head refuses more.
  std::string m(200, 'w');
  int sent = 0;
  while (sent < 10000 && strdp_write(g, m.data(), m.size()) > 0) {
    ++sent;
    drain();
  }
  ASSERT_LT(sent, 10000);
  EXPECT_EQ(errno, EAGAIN);
  int got = 0;
  for (int rounds = 0; got < sent && rounds < 10000; ++rounds)
    for (std::string r = read_msg(p.user); !r.empty(); r = read_msg(p.user)) {
      EXPECT_EQ(r, hdr(0) + m);
      ++got;
    }
  EXPECT_EQ(got, sent) << "the lower write service re-enabled the writer";
}

TEST_F(GuideMux, AHangupBelowPutsTheUpperStreamsInError) {
  strdp_stream_t *g = open("gmux");
  LoopPair p = loop_pair();
  ASSERT_GT(link(g, p.lower), 0);
  ASSERT_EQ(close(p.user), 0);  // the loop driver sends M_HANGUP up p.lower
  drain();
  EXPECT_EQ(strdp_write(g, "x", 1), -1);
  EXPECT_EQ(errno, EIO);
}

TEST_F(GuideMux, ATableFullNakIsReturnedAndTheLowerStreamKept) {
  strdp_stream_t *g = open("gmux");
  std::vector<LoopPair> ps;
  for (int i = 0; i < GMUX_NLOWER; ++i) {
    ps.push_back(loop_pair());
    ASSERT_GT(link(g, ps.back().lower), 0);
  }
  LoopPair extra = loop_pair();
  EXPECT_EQ(link(g, extra.lower), -1);
  EXPECT_EQ(errno, ENOSR) << "the mux's own error";
  write(extra.user, "mine");
  EXPECT_EQ(read_msg(extra.lower), "mine");
}

}  // namespace
}  // namespace strdp::test
