// I_LINK, I_PLINK, I_UNLINK, I_PUNLINK in the stream core (stream/mux.cc):
// what a link does to the lower stream's head, every refusal streamio
// lists, unlinking on close, MUXID_ALL, and a mux that refuses.
#include <poll.h>

#include <atomic>
#include <climits>
#include <thread>

#include "gmux.h"
#include "mux_test.h"

namespace strdp::test {
namespace {

class Link : public MuxTest {
 protected:
  void SetUp() override {
    MuxTest::SetUp();
    gmux_reset();
  }
  // Whether sp's head works: a loop stream answers LOOP_GETMINOR.
  bool head_works(strdp_stream_t *sp) {
    int minor = -1;
    return istr(sp, LOOP_GETMINOR, &minor, sizeof minor) == 0;
  }
};

TEST_F(Link, ALinkedStreamHasNoHeadUntilUnlinked) {
  strdp_stream_t *x = open("xconn");
  LoopPair a = loop_pair();
  int id = link(x, a.lower);
  ASSERT_GT(id, 0) << strerror(errno);

  char buf[8] = "x";
  strbuf ctl = {8, 1, buf}, dat = {8, 1, buf};
  int flags = 0;
  errno = 0;
  EXPECT_EQ(strdp_write(a.lower, buf, 1), -1);
  EXPECT_EQ(errno, EINVAL);
  EXPECT_EQ(strdp_read(a.lower, buf, sizeof buf), -1);
  EXPECT_EQ(errno, EINVAL);
  EXPECT_EQ(strdp_putmsg(a.lower, &ctl, &dat, 0), -1);
  EXPECT_EQ(errno, EINVAL);
  EXPECT_EQ(strdp_getmsg(a.lower, &ctl, &dat, &flags), -1);
  EXPECT_EQ(errno, EINVAL);
  EXPECT_EQ(strdp_ioctl(a.lower, I_PUSH, reinterpret_cast<intptr_t>("nullmod")), -1);
  EXPECT_EQ(errno, EINVAL);
  EXPECT_FALSE(head_works(a.lower));
  EXPECT_EQ(strdp_poll(a.lower, POLLIN | POLLOUT), POLLNVAL);
  EXPECT_EQ(strdp_close(a.lower), -1) << "a linked stream cannot be closed";
  EXPECT_EQ(errno, EINVAL);

  ASSERT_EQ(strdp_ioctl(x, I_UNLINK, id), 0) << strerror(errno);
  EXPECT_TRUE(head_works(a.lower));
  write(a.user, "back");
  EXPECT_EQ(read_msg(a.lower), "back") << "the head's queues are the head's again";
}

TEST_F(Link, TheLowerHeadsQueuesBecomeTheMuxsAndComeBack) {
  strdp_stream_t *x = open("xconn");
  LoopPair a = loop_pair();
  queue_t *rq = strdp_stream_rq(a.lower);
  ASSERT_EQ(strqset(rq, QHIWAT, 0, 3000), 0);  // as an M_SETOPTS would
  qinit *head_qi = rq->q_qinfo;
  void *head_ptr = rq->q_ptr;
  int id = link(x, a.lower);
  ASSERT_GT(id, 0);
  size_t hi = 0;
  ASSERT_EQ(strqget(rq, QHIWAT, 0, &hi), 0);
  EXPECT_EQ(hi, 65536u) << "xconn's lower module_info";
  EXPECT_NE(rq->q_qinfo, head_qi);
  EXPECT_NE(rq->q_ptr, head_ptr) << "the mux's own q_ptr";
  ASSERT_EQ(strdp_ioctl(x, I_UNLINK, id), 0);
  ASSERT_EQ(strqget(rq, QHIWAT, 0, &hi), 0);
  EXPECT_EQ(hi, 3000u) << "what the head had, not a default";
  EXPECT_EQ(rq->q_qinfo, head_qi);
  EXPECT_EQ(rq->q_ptr, head_ptr);
}

TEST_F(Link, MuxIdsAreDistinctAndPositive) {
  strdp_stream_t *x = open("xconn");
  LoopPair a = loop_pair(), b = loop_pair();
  int ia = link(x, a.lower), ib = link(x, b.lower, I_PLINK);
  EXPECT_GT(ia, 0);
  EXPECT_GT(ib, 0);
  EXPECT_NE(ia, ib);
  EXPECT_EQ(strdp_ioctl(x, I_PUNLINK, ib), 0);
  EXPECT_EQ(strdp_ioctl(x, I_UNLINK, ia), 0);
}

TEST_F(Link, LinkingALinkedStreamFails) {
  strdp_stream_t *x = open("xconn"), *x2 = open("xconn");
  LoopPair a = loop_pair();
  ASSERT_GT(link(x, a.lower), 0);
  EXPECT_EQ(link(x, a.lower), -1);
  EXPECT_EQ(errno, EINVAL);
  EXPECT_EQ(link(x2, a.lower, I_PLINK), -1);
  EXPECT_EQ(errno, EINVAL);
}

TEST_F(Link, OnlyAMultiplexorTakesLinks) {
  LoopPair a = loop_pair();
  strdp_stream_t *e = open("echo");
  EXPECT_EQ(link(e, a.lower), -1);
  EXPECT_EQ(errno, EINVAL);
  EXPECT_EQ(link(a.user, a.lower, I_PLINK), -1);
  EXPECT_EQ(errno, EINVAL);
  EXPECT_TRUE(head_works(a.lower)) << "a refused link changes nothing";
}

TEST_F(Link, BadLowerStreamsAndMuxIdsAreRefused) {
  strdp_stream_t *x = open("xconn");
  EXPECT_EQ(link(x, nullptr), -1);
  EXPECT_EQ(errno, EBADF);
  long not_a_stream[64] = {};
  EXPECT_EQ(strdp_ioctl(x, I_LINK, reinterpret_cast<intptr_t>(not_a_stream)), -1);
  EXPECT_EQ(errno, EBADF) << "the argument stands for a descriptor";
  for (intptr_t bad : {intptr_t{0}, intptr_t{-2}, intptr_t{12345}, intptr_t{INT_MAX} + 1}) {
    EXPECT_EQ(strdp_ioctl(x, I_UNLINK, bad), -1) << bad;
    EXPECT_EQ(errno, EINVAL) << bad;
    EXPECT_EQ(strdp_ioctl(x, I_PUNLINK, bad), -1) << bad;
    EXPECT_EQ(errno, EINVAL) << bad;
  }
  EXPECT_EQ(strdp_ioctl(x, I_UNLINK, MUXID_ALL), 0) << "nothing to unlink is no error";
  EXPECT_EQ(strdp_ioctl(x, I_PUNLINK, MUXID_ALL), 0);
}

TEST_F(Link, LinkCommandsCannotBeForgedWithIStr) {
  strdp_stream_t *x = open("xconn");
  LoopPair a = loop_pair();
  linkblk lb = {nullptr, strdp_stream_wq(a.lower), 1};
  for (int cmd : {I_LINK, I_PLINK, I_UNLINK, I_PUNLINK}) {
    EXPECT_EQ(istr(x, cmd, &lb, sizeof lb), -1) << cmd;
    EXPECT_EQ(errno, EINVAL);
  }
  EXPECT_TRUE(head_works(a.lower));
}

TEST_F(Link, UnlinkTakesTheRightCommandFromTheRightStream) {
  strdp_stream_t *x = open("xconn"), *x2 = open("xconn");
  LoopPair a = loop_pair(), b = loop_pair();
  int ia = link(x, a.lower), ib = link(x, b.lower, I_PLINK);
  ASSERT_GT(ia, 0);
  ASSERT_GT(ib, 0);
  EXPECT_EQ(strdp_ioctl(x, I_PUNLINK, ia), -1) << "an I_LINK link";
  EXPECT_EQ(errno, EINVAL);
  EXPECT_EQ(strdp_ioctl(x, I_UNLINK, ib), -1) << "an I_PLINK link";
  EXPECT_EQ(errno, EINVAL);
  EXPECT_EQ(strdp_ioctl(x2, I_UNLINK, ia), -1) << "not x2's link";
  EXPECT_EQ(errno, EINVAL);
  strdp_stream_t *g = open("gmux");
  EXPECT_EQ(strdp_ioctl(g, I_PUNLINK, ib), -1) << "another driver's link";
  EXPECT_EQ(errno, EINVAL);
  EXPECT_EQ(strdp_ioctl(x2, I_PUNLINK, ib), 0) << "any stream of the same driver";
  EXPECT_EQ(strdp_ioctl(x, I_UNLINK, ia), 0);
  EXPECT_TRUE(head_works(a.lower));
  EXPECT_TRUE(head_works(b.lower));
}

TEST_F(Link, CyclesAreRefused) {
  strdp_stream_t *x1 = open("xconn"), *x2 = open("xconn");
  EXPECT_EQ(link(x1, x1), -1) << "a stream under itself";
  EXPECT_EQ(errno, EINVAL);
  EXPECT_EQ(link(x1, x2), -1) << "a stream of the mux's own driver";
  EXPECT_EQ(errno, EINVAL);

  // gmux2 under xconn, xconn under gmux: then gmux under gmux2 would close
  // the loop gmux -> xconn -> gmux2 -> gmux.
  strdp_stream_t *g1 = open("gmux"), *g2 = open("gmux2"), *g2b = open("gmux2");
  strdp_stream_t *x3 = open("xconn"), *g1b = open("gmux");
  ASSERT_GT(link(x1, g2b), 0) << strerror(errno);
  ASSERT_GT(link(g1, x3), 0) << strerror(errno);
  EXPECT_EQ(link(g2, g1b), -1);
  EXPECT_EQ(errno, EINVAL);
  EXPECT_EQ(link(g2, x2), -1) << "xconn leads to gmux2 already";
  EXPECT_EQ(errno, EINVAL);
  // Once the middle link goes, the same link is fine.
  ASSERT_EQ(strdp_ioctl(g1, I_UNLINK, MUXID_ALL), 0);
  int id = link(g2, g1b);
  EXPECT_GT(id, 0) << strerror(errno);
  EXPECT_EQ(strdp_ioctl(g2, I_UNLINK, id), 0);
}

TEST_F(Link, ALowerStreamOfAnotherThreadIsRefused) {
  strdp_stream_t *x = open("xconn");
  std::atomic<int> phase{0};
  std::atomic<strdp_stream_t *> theirs{nullptr};
  std::thread t([&] {
    strdp_sched_t *s = strdp_sched_create("other");
    strdp_sched_bind(s);
    theirs = strdp_open("loop", O_RDWR | O_NONBLOCK, nullptr);
    phase = 1;
    while (phase != 2) std::this_thread::yield();
    if (theirs.load() != nullptr) strdp_close(theirs);
    strdp_sched_bind(nullptr);
    strdp_sched_destroy(s);
  });
  while (phase != 1) std::this_thread::yield();
  EXPECT_NE(theirs.load(), nullptr);
  EXPECT_EQ(link(x, theirs), -1);
  EXPECT_EQ(errno, EXDEV);
  phase = 2;
  t.join();
}

TEST_F(Link, APersistentLinkIsEndedOnlyOnItsLowerStreamsThread) {
  strdp_stream_t *x = open("xconn");
  LoopPair a = loop_pair();
  int id = link(x, a.lower, I_PLINK);
  ASSERT_GT(id, 0);
  int err = 0;
  std::thread t([&] {
    strdp_sched_t *s = strdp_sched_create("other");
    strdp_sched_bind(s);
    strdp_stream_t *their_x = strdp_open("xconn", O_RDWR | O_NONBLOCK, nullptr);
    if (strdp_ioctl(their_x, I_PUNLINK, id) < 0) err = errno;
    strdp_close(their_x);
    strdp_sched_bind(nullptr);
    strdp_sched_destroy(s);
  });
  t.join();
  EXPECT_EQ(err, EXDEV);
  EXPECT_EQ(strdp_ioctl(x, I_PUNLINK, id), 0);
}

TEST_F(Link, ClosingTheControllingStreamUnlinksItsILinksOnly) {
  strdp_stream_t *x = open("xconn");
  LoopPair a = loop_pair(), b = loop_pair();
  ASSERT_GT(link(x, a.lower), 0);
  int ib = link(x, b.lower, I_PLINK);
  ASSERT_GT(ib, 0);
  ASSERT_EQ(close(x), 0);
  EXPECT_TRUE(head_works(a.lower)) << "I_LINK: unlinked by the close";
  EXPECT_FALSE(head_works(b.lower)) << "I_PLINK: survives it";
  strdp_stream_t *x2 = open("xconn");
  EXPECT_EQ(strdp_ioctl(x2, I_PUNLINK, ib), 0);
  EXPECT_TRUE(head_works(b.lower));
}

TEST_F(Link, MuxidAllUnlinksEveryLinkOfItsKind) {
  strdp_stream_t *x = open("xconn"), *x2 = open("xconn");
  LoopPair a = loop_pair(), b = loop_pair(), c = loop_pair(), d = loop_pair();
  ASSERT_GT(link(x, a.lower), 0);
  ASSERT_GT(link(x, b.lower), 0);
  ASSERT_GT(link(x2, c.lower), 0);
  ASSERT_GT(link(x, d.lower, I_PLINK), 0);
  ASSERT_EQ(strdp_ioctl(x, I_UNLINK, MUXID_ALL), 0);
  EXPECT_TRUE(head_works(a.lower));
  EXPECT_TRUE(head_works(b.lower));
  EXPECT_FALSE(head_works(c.lower)) << "x2's link";
  EXPECT_FALSE(head_works(d.lower)) << "persistent";
  ASSERT_EQ(strdp_ioctl(x2, I_PUNLINK, MUXID_ALL), 0);
  EXPECT_TRUE(head_works(d.lower));
  EXPECT_FALSE(head_works(c.lower));
}

TEST_F(Link, ARefusedLinkIsUndone) {
  strdp_stream_t *g = open("gmux");
  LoopPair a = loop_pair();
  gmux_nak_next_link = EPERM;
  EXPECT_EQ(link(g, a.lower), -1);
  EXPECT_EQ(errno, EPERM) << "the mux's error";
  EXPECT_EQ(gmux_rec.naks, 1);
  EXPECT_TRUE(head_works(a.lower));
  write(a.user, "still mine");
  EXPECT_EQ(read_msg(a.lower), "still mine");
  // And it links fine afterwards.
  int id = link(g, a.lower);
  EXPECT_GT(id, 0);
  EXPECT_EQ(strdp_ioctl(g, I_UNLINK, id), 0);
}

TEST_F(Link, ARefusedUnlinkKeepsTheLinkExceptAtClose) {
  strdp_stream_t *g = open("gmux");
  LoopPair a = loop_pair();
  int id = link(g, a.lower);
  ASSERT_GT(id, 0);
  gmux_nak_next_unlink = EBUSY;
  EXPECT_EQ(strdp_ioctl(g, I_UNLINK, id), -1);
  EXPECT_EQ(errno, EBUSY);
  EXPECT_FALSE(head_works(a.lower)) << "still linked";
  // Traffic still reaches the mux: a header naming g's minor (the first
  // free one: g is the only gmux stream open) routes it up g.
  gmux_hdr h{0};
  std::string msg(reinterpret_cast<char *>(&h), sizeof h);
  write(a.user, msg + "up");
  EXPECT_EQ(gmux_rec.lower_in, 1);
  EXPECT_EQ(read_msg(g), "up");

  gmux_nak_next_unlink = EIO;
  ASSERT_EQ(close(g), 0);
  EXPECT_EQ(gmux_rec.naks, 2);
  EXPECT_TRUE(head_works(a.lower)) << "a closing stream's links go regardless";
}

TEST_F(Link, WhatComesUpWhileTheLinkIsInFlightIsHeldForTheMux) {
  // gmux sends "hello" down the echo stream while it handles I_LINK; it
  // comes straight back up before the ACK, is held, and reaches gmux's
  // lower read put right after, which routes it up g.
  strdp_stream_t *g = open("gmux");
  strdp_stream_t *e = open("echo");
  gmux_talk_while_linking = 1;
  int id = link(g, e);
  ASSERT_GT(id, 0);
  EXPECT_EQ(read_msg(g), "hello");
  // A refused unlink: "bye" came up during it, and goes to the mux, which
  // still has the stream.
  gmux_nak_next_unlink = EAGAIN;
  EXPECT_EQ(strdp_ioctl(g, I_UNLINK, id), -1);
  EXPECT_EQ(read_msg(g), "bye");
  // An accepted one: "bye" was meant for the mux, which let go of the
  // stream; it is freed, not left for the head.
  ASSERT_EQ(strdp_ioctl(g, I_UNLINK, id), 0);
  EXPECT_EQ(read_msg(g), "");
  EXPECT_EQ(read_msg(e), "");
  strdp_qstats st;
  strdp_qstats_get(strdp_stream_rq(e), &st);
  EXPECT_EQ(st.drops[STRDP_DROP_FLUSH], 1u);
}

TEST_F(Link, WhatWaitedOnTheLowerHeadGoesToTheMux) {
  strdp_stream_t *x = open("xconn");
  LoopPair a = loop_pair(), b = loop_pair();
  write(a.user, "early one");
  write(a.user, "early two");
  ASSERT_GT(link(x, b.lower), 0);
  ASSERT_GT(link(x, a.lower), 0);  // pairs with b: the early messages go on
  EXPECT_EQ(read_all(b.user), (std::vector<std::string>{"early one", "early two"}));
}

TEST_F(Link, UnlinkFlushesTheLowerStream) {
  // b's user reads nothing: what xconn sends down b waits in the loop
  // driver's write queue. The unlink's M_FLUSH drops it there.
  strdp_stream_t *x = open("xconn");
  LoopPair a = loop_pair(), b = loop_pair();
  ASSERT_GT(link(x, a.lower), 0);
  int ib = link(x, b.lower);
  ASSERT_GT(ib, 0);
  std::string big(1000, 'z');
  for (int i = 0; i < 8; ++i) write(a.user, big);
  strdp_queue_info qi[8];
  int n = strdp_stream_queues(b.lower, qi, 8);
  ASSERT_EQ(n, 4);
  // qi[3]: the loop driver's write queue under b.lower.
  ASSERT_GT(qi[3].st.queued_msgs, 0u) << "precondition: something waits below";
  ASSERT_EQ(strdp_ioctl(x, I_UNLINK, ib), 0);
  drain();
  strdp_stream_queues(b.lower, qi, 8);
  EXPECT_EQ(qi[3].st.queued_msgs, 0u);
  EXPECT_GT(qi[3].st.drops[STRDP_DROP_FLUSH], 0u);
}

TEST_F(Link, AMuxWithLinksCannotBeUnregistered) {
  strdp_stream_t *g = open("gmux2");
  LoopPair a = loop_pair();
  int id = link(g, a.lower, I_PLINK);
  ASSERT_GT(id, 0);
  ASSERT_EQ(close(g), 0);
  EXPECT_EQ(strdp_unregister_driver("gmux2"), -1);
  EXPECT_EQ(errno, EBUSY) << "the persistent link holds the driver";
  strdp_stream_t *g2 = open("gmux2");
  EXPECT_EQ(strdp_ioctl(g2, I_PUNLINK, id), 0);
  EXPECT_EQ(gmux_rec.punlinks, 1);
}

}  // namespace
}  // namespace strdp::test
