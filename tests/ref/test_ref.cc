// The reference modules and drivers (modules/ref), end to end through the
// in-process stream head, as an application of the Programming Guide's
// examples would use them.
#include <fcntl.h>
#include <poll.h>
#include <gtest/gtest.h>
#include <strdp/ref/charconv.h>
#include <strdp/ref/loop.h>

#include <cstring>
#include <random>
#include <string>

#include "qchain.h"

namespace strdp::test {
namespace {

class Ref : public ::testing::Test {
 protected:
  void SetUp() override { in_use_ = pool_in_use(); }
  void TearDown() override {
    for (strdp_stream_t *sp : open_) EXPECT_EQ(strdp_close(sp), 0);
    drain();
    EXPECT_EQ(pool_in_use(), in_use_) << "message buffers leaked";
  }
  strdp_stream_t *open(const char *name, int oflag = O_NONBLOCK) {
    strdp_stream_t *sp = strdp_open(name, O_RDWR | oflag, nullptr);
    EXPECT_NE(sp, nullptr) << name << ": " << strerror(errno);
    if (sp != nullptr) open_.push_back(sp);
    return sp;
  }
  void push(strdp_stream_t *sp, const char *mod) {
    ASSERT_EQ(strdp_ioctl(sp, I_PUSH, reinterpret_cast<intptr_t>(mod)), 0) << mod;
  }
  // Reads one message (RMSGN), running the scheduler until one is there.
  std::string read_msg(strdp_stream_t *sp, size_t max = 4096) {
    strdp_ioctl(sp, I_SRDOPT, RMSGN);
    std::string buf(max, '\0');
    for (int i = 0; i < 1000; ++i) {
      ssize_t n = strdp_read(sp, buf.data(), max);
      if (n >= 0) {
        buf.resize(static_cast<size_t>(n));
        return buf;
      }
      if (errno != EAGAIN) return "ERR" + std::to_string(errno);
      drain();
    }
    return "TIMEOUT";
  }
  void write(strdp_stream_t *sp, const std::string &s) {
    ASSERT_EQ(strdp_write(sp, s.data(), s.size()), static_cast<ssize_t>(s.size()));
    drain();
  }
  int istr(strdp_stream_t *sp, int cmd, void *data = nullptr, int len = 0) {
    strioctl ic = {cmd, 0, len, static_cast<char *>(data)};
    return strdp_ioctl(sp, I_STR, reinterpret_cast<intptr_t>(&ic));
  }
  int loop_minor(strdp_stream_t *sp) {
    int minor = -1;
    EXPECT_GE(istr(sp, LOOP_GETMINOR, &minor, sizeof minor), 0);
    return minor;
  }
  unsigned in_use_ = 0;
  std::vector<strdp_stream_t *> open_;
};

TEST_F(Ref, EchoTurnsEveryKindOfMessageAround) {
  strdp_stream_t *sp = open("echo");
  write(sp, "ping");
  EXPECT_EQ(read_msg(sp), "ping");
  char c[] = "ctl", d[] = "data";
  strbuf cb = {0, 3, c}, db = {0, 4, d};
  ASSERT_EQ(strdp_putmsg(sp, &cb, &db, RS_HIPRI), 0);
  ASSERT_EQ(strdp_putpmsg(sp, &cb, &db, 5, MSG_BAND), 0);
  drain();
  char cin[8], din[8];
  strbuf ci = {8, 0, cin}, di = {8, 0, din};
  int flags = 0;
  ASSERT_EQ(strdp_getmsg(sp, &ci, &di, &flags), 0);
  EXPECT_EQ(flags, RS_HIPRI);
  int band = 0;
  flags = MSG_ANY;
  ASSERT_EQ(strdp_getpmsg(sp, &ci, &di, &band, &flags), 0);
  EXPECT_EQ(band, 5);
  EXPECT_EQ(std::string(cin, ci.len), "ctl");
  strioctl ic = {1234, 0, 0, nullptr};
  EXPECT_EQ(strdp_ioctl(sp, I_STR, reinterpret_cast<intptr_t>(&ic)), -1);
  EXPECT_EQ(errno, EINVAL);
}

TEST_F(Ref, CrmodTurnsNewlinesIntoCrNlOnTheWriteSideOnly) {
  strdp_stream_t *sp = open("echo");
  push(sp, "crmod");
  write(sp, "one\ntwo\n\n");
  EXPECT_EQ(read_msg(sp), "one\r\ntwo\r\n\r\n");
  write(sp, "no newline");
  EXPECT_EQ(read_msg(sp), "no newline");
}

TEST_F(Ref, CharconvIsDrivenByIStr) {
  strdp_stream_t *sp = open("echo");
  push(sp, "charconv");
  write(sp, "MiXeD");
  EXPECT_EQ(read_msg(sp), "MiXeD") << "no conversion by default";
  ASSERT_GE(istr(sp, CHCONV_UPPER), 0);
  write(sp, "MiXeD");
  EXPECT_EQ(read_msg(sp), "MIXED");
  ASSERT_GE(istr(sp, CHCONV_LOWER), 0);
  write(sp, "MiXeD");
  EXPECT_EQ(read_msg(sp), "mixed");
  int mode = -1;
  ASSERT_GE(istr(sp, CHCONV_GETMODE, &mode, sizeof mode), 0);
  EXPECT_EQ(mode, CHCONV_LOWER);
  EXPECT_EQ(istr(sp, CHCONV_IOC | 99), -1);
  EXPECT_EQ(errno, EINVAL);
}

TEST_F(Ref, CharconvAnswersTransparentIoctls) {
  strdp_stream_t *sp = open("echo");
  push(sp, "charconv");
  int mode = CHCONV_UPPER;
  ASSERT_GE(strdp_ioctl(sp, CHCONV_SETMODE, reinterpret_cast<intptr_t>(&mode)), 0);
  int got = 0;
  ASSERT_GE(strdp_ioctl(sp, CHCONV_GETMODE, reinterpret_cast<intptr_t>(&got)), 0);
  EXPECT_EQ(got, CHCONV_UPPER);
  write(sp, "abc");
  EXPECT_EQ(read_msg(sp), "ABC");
  int bad = 12345;
  EXPECT_EQ(strdp_ioctl(sp, CHCONV_SETMODE, reinterpret_cast<intptr_t>(&bad)), -1);
  EXPECT_EQ(errno, EINVAL);
  EXPECT_EQ(strdp_ioctl(sp, CHCONV_GETMODE, 0), -1) << "no address to copy out to";
  EXPECT_EQ(errno, EFAULT);
}

TEST_F(Ref, LoopJoinsTwoStreams) {
  strdp_stream_t *a = open("loop"), *b = open("loop");
  int mb = loop_minor(b);
  EXPECT_NE(loop_minor(a), mb) << "a clone driver gives each open its own minor";
  ASSERT_GE(istr(a, LOOP_SET, &mb, sizeof mb), 0);
  write(a, "a to b");
  write(b, "b to a");
  EXPECT_EQ(read_msg(b), "a to b");
  EXPECT_EQ(read_msg(a), "b to a");
}

TEST_F(Ref, LoopRefusesBadJoinsAndWritesBeforeAJoin) {
  strdp_stream_t *a = open("loop");
  int bad = 999;
  EXPECT_EQ(istr(a, LOOP_SET, &bad, sizeof bad), -1);
  EXPECT_EQ(istr(a, LOOP_SET, nullptr, 0), -1) << "no minor given";
  write(a, "nowhere");
  char buf[8];
  EXPECT_EQ(strdp_read(a, buf, sizeof buf), -1);
  EXPECT_EQ(errno, ENXIO) << "M_ERROR ENXIO: not joined";
}

TEST_F(Ref, ClosingOneEndHangsUpTheOther) {
  strdp_stream_t *a = open("loop"), *b = open("loop");
  int mb = loop_minor(b);
  ASSERT_GE(istr(a, LOOP_SET, &mb, sizeof mb), 0);
  write(a, "last");
  ASSERT_EQ(strdp_close(a), 0);
  open_.erase(open_.begin());
  drain();
  EXPECT_EQ(read_msg(b), "last");
  EXPECT_EQ(read_msg(b), "") << "end of file after the hangup";
  EXPECT_EQ(strdp_write(b, "x", 1), -1);
  EXPECT_EQ(errno, ENXIO);
}

TEST_F(Ref, FlowControlHoldsTheWriterAndBackEnablesIt) {
  strdp_stream_t *a = open("loop"), *b = open("loop");
  push(a, "passmod");
  push(b, "passmod");
  int mb = loop_minor(b);
  ASSERT_GE(istr(a, LOOP_SET, &mb, sizeof mb), 0);
  // Nobody reads b: the queues fill up to their water marks, then the
  // writer on a is told EAGAIN. Nothing grows without bound.
  std::string chunk(100, 'f');
  int written = 0;
  for (; written < 10000; ++written) {
    if (strdp_write(a, chunk.data(), chunk.size()) < 0) break;
    drain();
  }
  EXPECT_EQ(errno, EAGAIN);
  EXPECT_LT(written, 10000);
  EXPECT_GT(written, 10);
  EXPECT_EQ(strdp_poll(a, POLLOUT), 0);
  // Reading b drains everything, in order, and back-enables a's writer.
  strdp_ioctl(b, I_SRDOPT, RMSGN);
  int read = 0;
  char buf[200];
  for (;;) {
    drain();
    ssize_t n = strdp_read(b, buf, sizeof buf);
    if (n < 0) break;
    EXPECT_EQ(n, 100);
    ++read;
  }
  EXPECT_EQ(read, written);
  EXPECT_EQ(strdp_poll(a, POLLOUT), POLLOUT) << "the writer was back-enabled";
  write(a, "again");
  EXPECT_EQ(read_msg(b), "again");
}

TEST_F(Ref, FlushCrossesTheStack) {
  strdp_stream_t *sp = open("echo");
  push(sp, "passmod");
  write(sp, "stale");
  ASSERT_EQ(strdp_ioctl(sp, I_FLUSH, FLUSHRW), 0);
  drain();
  EXPECT_EQ(strdp_poll(sp, POLLIN), 0) << "flushed at every level";
  write(sp, "fresh");
  EXPECT_EQ(read_msg(sp), "fresh");
}

// Random sizes and contents through a stack of every module, both ways
// over the loop driver: what comes out is what went in, in order.
TEST_F(Ref, RandomTrafficThroughEveryModule) {
  strdp_stream_t *a = open("loop"), *b = open("loop");
  for (strdp_stream_t *sp : {a, b})
    for (const char *m : {"nullmod", "passmod", "charconv", "passmod"}) push(sp, m);
  int mb = loop_minor(b);
  ASSERT_GE(istr(a, LOOP_SET, &mb, sizeof mb), 0);
  std::mt19937 rng(7);
  strdp_ioctl(b, I_SRDOPT, RMSGN);
  std::string buf(3000, '\0');
  for (int i = 0; i < 500; ++i) {
    std::string s(rng() % 2000 + 1, '\0');
    for (char &ch : s) ch = static_cast<char>('a' + rng() % 26);
    ASSERT_EQ(strdp_write(a, s.data(), s.size()), static_cast<ssize_t>(s.size()));
    drain();
    ssize_t n = strdp_read(b, buf.data(), buf.size());
    ASSERT_EQ(n, static_cast<ssize_t>(s.size()));
    ASSERT_EQ(buf.substr(0, static_cast<size_t>(n)), s);
  }
}

TEST_F(Ref, NullmodBurstPathMatchesItsSinglePath) {
  strdp_stream_t *sp = open("echo");
  push(sp, "nullmod");
  queue_t *wq = strdp_stream_wq(sp);
  mblk_t *v[16];
  for (int i = 0; i < 16; ++i) v[i] = make_msg("m" + std::to_string(i));
  putnext_burst(wq, v, 16);
  drain();
  for (int i = 0; i < 16; ++i) EXPECT_EQ(read_msg(sp), "m" + std::to_string(i));
}

// I_STR's reply is cut to the caller's ic_len: a module returning more
// than the buffer holds must not write past it.
TEST_F(Ref, IstrReplyIsCutToTheCallersBuffer) {
  strdp_stream_t *sp = open("loop");
  unsigned char buf[8];
  memset(buf, 0xee, sizeof buf);
  strioctl ic = {LOOP_GETMINOR, 0, 2, reinterpret_cast<char *>(buf)};
  ASSERT_GE(strdp_ioctl(sp, I_STR, reinterpret_cast<intptr_t>(&ic)), 0);
  EXPECT_EQ(ic.ic_len, 2);
  for (size_t i = 2; i < sizeof buf; ++i) EXPECT_EQ(buf[i], 0xee) << "byte " << i;
  ic = {LOOP_GETMINOR, 0, 0, nullptr};
  ASSERT_GE(strdp_ioctl(sp, I_STR, reinterpret_cast<intptr_t>(&ic)), 0);
  EXPECT_EQ(ic.ic_len, 0);
}

}  // namespace
}  // namespace strdp::test
