// Read-ahead (docs/shm-head.md): the daemon moves a reading application's
// ordinary messages into its region before they are asked for. Whatever
// it moved, every call must still answer as the in-process head would:
// order against priority messages, I_NREAD/I_PEEK/I_FLUSH, partial reads,
// read(2), hangups, a flush or an error arriving from below; and each
// of those is checked here with the messages known to be ahead (the
// daemon's counters say so) when the call is made.
#include <fcntl.h>
#include <poll.h>
#include <unistd.h>

#include <gtest/gtest.h>
#include <strdp/strdp_app.h>
#include <strdp/ref/loop.h>

#include <cerrno>
#include <chrono>
#include <cstring>
#include <string>
#include <thread>

#include "daemon_env.h"

namespace {

apptest::Daemon *g_daemon;

using apptest::Stream;

int put(strdp_stream_t *sp, const std::string &data, const std::string &ctl = "", int band = 0,
        int flags = MSG_BAND) {
  strbuf c{0, static_cast<int>(ctl.size()), const_cast<char *>(ctl.data())};
  strbuf d{0, static_cast<int>(data.size()), const_cast<char *>(data.data())};
  return strdp_putpmsg(sp, ctl.empty() ? nullptr : &c, &d, band, flags);
}

struct Got {
  int rc = -2, err = 0, band = -1, flags = 0;
  std::string ctl, data;
  int clen = -2, dlen = -2;
};

Got get(strdp_stream_t *sp, int dmax = 256) {
  static char cb[256], db[4096];
  strbuf c{sizeof cb, -1, cb}, d{dmax, -1, db};
  Got g;
  g.band = 0;
  g.flags = MSG_ANY;
  g.rc = strdp_getpmsg(sp, &c, &d, &g.band, &g.flags);
  g.err = g.rc < 0 ? errno : 0;
  g.clen = c.len;
  g.dlen = d.len;
  if (c.len > 0) g.ctl.assign(cb, static_cast<size_t>(c.len));
  if (d.len > 0) g.data.assign(db, static_cast<size_t>(d.len));
  return g;
}

uint64_t counter(const char *name) { return g_daemon->app_counters().value(name, 0ull); }

// Until the daemon says `want` more messages went ahead than `base` (5 s
// at most: a bound, not a timing assertion).
bool wait_ahead(uint64_t base, uint64_t want) {
  for (int i = 0; i < 500; ++i) {
    if (counter("ahead") >= base + want) return true;
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  return false;
}

// Read-ahead starts after two getmsg requests in a row: two messages
// written and read back, each read found the region empty and asked.
void warm_up(strdp_stream_t *w, strdp_stream_t *r) {
  for (int i = 0; i < 2; ++i) {
    ASSERT_EQ(put(w, "warm"), 0);
    Got g = get(r);
    ASSERT_EQ(g.rc, 0) << strerror(g.err);
    ASSERT_EQ(g.data, "warm");
  }
}

// Messages and everything else one test writes, read back as they are.
void put_n(strdp_stream_t *sp, int n, const std::string &prefix = "m") {
  for (int i = 0; i < n; ++i) ASSERT_EQ(put(sp, prefix + std::to_string(i)), 0);
}

TEST(ReadAhead, MessagesComeInOrderWithoutARequestEach) {
  Stream e("echo");
  ASSERT_NE(e.sp, nullptr);
  warm_up(e, e);
  uint64_t base = counter("ahead");
  put_n(e, 20);
  ASSERT_TRUE(wait_ahead(base, 20)) << "the daemon read ahead";
  uint64_t requests = counter("requests");
  for (int i = 0; i < 20; ++i) {
    Got g = get(e);
    ASSERT_EQ(g.rc, 0) << strerror(g.err);
    EXPECT_EQ(g.data, "m" + std::to_string(i));
    EXPECT_EQ(g.clen, -1) << "no control part";
    EXPECT_EQ(g.flags, MSG_BAND);
    EXPECT_EQ(g.band, 0);
  }
  EXPECT_EQ(counter("requests"), requests) << "each read taken from the region";
  // A batch takes them too.
  base = counter("ahead");
  put_n(e, 5, "v");
  ASSERT_TRUE(wait_ahead(base, 5));
  char bufs[8][32];
  strdp_msg msgs[8];
  for (int i = 0; i < 8; ++i) msgs[i] = strdp_msg{{0, -1, nullptr}, {32, -1, bufs[i]}, 0, 0};
  int got = 0;
  while (got < 5) {
    int n = strdp_getmsgv(e, msgs + got, 8 - got);
    ASSERT_GT(n, 0) << strerror(errno);
    got += n;
  }
  for (int i = 0; i < 5; ++i)
    EXPECT_EQ(std::string(bufs[i], static_cast<size_t>(msgs[i].data.len)), "v" + std::to_string(i));
  EXPECT_EQ(counter("requests"), requests);
}

TEST(ReadAhead, PriorityMessagesStillOvertakeOrdinaryOnes) {
  Stream e("echo");
  warm_up(e, e);
  uint64_t base = counter("ahead");
  put_n(e, 3);
  ASSERT_TRUE(wait_ahead(base, 3));
  ASSERT_EQ(put(e, "banded", "", 3), 0);
  // High priority goes by request, after the posted writes before it:
  // when it returns both are queued, behind what is ahead.
  strbuf pc{0, 2, const_cast<char *>("pc")};
  ASSERT_EQ(strdp_putmsg(e, &pc, nullptr, RS_HIPRI), 0);
  // In-process order: high priority, then band 3, then band 0 in order.
  Got g = get(e);
  ASSERT_EQ(g.rc, 0);
  EXPECT_EQ(g.flags, MSG_HIPRI);
  EXPECT_EQ(g.ctl, "pc");
  g = get(e);
  EXPECT_EQ(g.band, 3);
  EXPECT_EQ(g.data, "banded");
  for (int i = 0; i < 3; ++i) {
    g = get(e);
    EXPECT_EQ(g.band, 0);
    EXPECT_EQ(g.data, "m" + std::to_string(i));
  }
}

TEST(ReadAhead, InspectionAndFlushSeeWhatIsAhead) {
  Stream e("echo");
  warm_up(e, e);
  uint64_t base = counter("ahead"), back = counter("put_back");
  ASSERT_EQ(put(e, "first-msg", "ctl"), 0);
  put_n(e, 2);
  ASSERT_TRUE(wait_ahead(base, 3));
  EXPECT_NE(strdp_poll(e, POLLIN) & POLLIN, 0) << "what is ahead is readable";
  int size = -1;
  EXPECT_EQ(strdp_ioctl(e, I_NREAD, reinterpret_cast<intptr_t>(&size)), 3);
  EXPECT_EQ(size, 9) << "the first message's data bytes";
  EXPECT_GE(counter("put_back"), back + 3) << "the ioctl saw them on the queue";
  char cb[16], db[16];
  strpeek pk{{sizeof cb, -1, cb}, {sizeof db, -1, db}, 0};
  ASSERT_EQ(strdp_ioctl(e, I_PEEK, reinterpret_cast<intptr_t>(&pk)), 1);
  EXPECT_EQ(std::string(cb, static_cast<size_t>(pk.ctlbuf.len)), "ctl");
  EXPECT_EQ(std::string(db, static_cast<size_t>(pk.databuf.len)), "first-msg");
  Got g = get(e);
  EXPECT_EQ(g.ctl, "ctl");
  EXPECT_EQ(g.data, "first-msg");
  EXPECT_EQ(get(e).data, "m0");
  EXPECT_EQ(get(e).data, "m1");
  // Read-ahead again after two reads; then a flush takes what is ahead.
  warm_up(e, e);
  base = counter("ahead");
  put_n(e, 4, "f");
  ASSERT_TRUE(wait_ahead(base, 4));
  ASSERT_EQ(strdp_ioctl(e, I_FLUSH, FLUSHR), 0);
  ASSERT_EQ(strdp_set_nonblock(e, 1), 0);
  g = get(e);
  EXPECT_EQ(g.rc, -1);
  EXPECT_EQ(g.err, EAGAIN) << "flushed, m0 and m1 included: " << g.data;
  EXPECT_EQ(strdp_poll(e, POLLIN) & POLLIN, 0);
}

TEST(ReadAhead, PartialReadsAndReadSeeWholeMessages) {
  Stream e("echo");
  warm_up(e, e);
  uint64_t base = counter("ahead");
  ASSERT_EQ(put(e, "hello"), 0);
  ASSERT_EQ(put(e, "world"), 0);
  ASSERT_TRUE(wait_ahead(base, 2));
  Got g = get(e, 2);
  EXPECT_EQ(g.rc, MOREDATA);
  EXPECT_EQ(g.data, "he");
  g = get(e);
  EXPECT_EQ(g.rc, 0);
  EXPECT_EQ(g.data, "llo") << "the rest of the message, not the next one";
  EXPECT_EQ(get(e).data, "world");
  // read(2) in byte-stream mode takes across messages as the head does.
  warm_up(e, e);
  base = counter("ahead");
  ASSERT_EQ(put(e, "abc"), 0);
  ASSERT_EQ(put(e, "def"), 0);
  ASSERT_TRUE(wait_ahead(base, 2));
  char buf[16];
  EXPECT_EQ(strdp_read(e, buf, sizeof buf), 6);
  EXPECT_EQ(std::string(buf, 6), "abcdef");
  // A message too big for a batch's buffers: the batch says so and the
  // message stays for getmsg.
  warm_up(e, e);
  base = counter("ahead");
  ASSERT_EQ(put(e, std::string(100, 'x')), 0);
  ASSERT_TRUE(wait_ahead(base, 1));
  char small[8];
  strdp_msg m{{0, -1, nullptr}, {sizeof small, -1, small}, 0, 0};
  EXPECT_EQ(strdp_getmsgv(e, &m, 1), -1);
  EXPECT_EQ(errno, EMSGSIZE);
  g = get(e);
  EXPECT_EQ(g.data, std::string(100, 'x'));
}

TEST(ReadAhead, AFlushOrAnErrorFromBelowVoidsWhatIsAhead) {
  Stream e("echo");
  ASSERT_EQ(strdp_ioctl(e, I_PUSH, reinterpret_cast<intptr_t>("upctl")), 0) << strerror(errno);
  warm_up(e, e);
  uint64_t base = counter("ahead"), voided = counter("voided");
  put_n(e, 3);
  ASSERT_TRUE(wait_ahead(base, 3));
  ASSERT_EQ(put(e, "!F"), 0);  // M_FLUSH FLUSHR up, no ioctl
  for (int i = 0; i < 500 && counter("voided") < voided + 3; ++i)
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  EXPECT_EQ(counter("voided"), voided + 3);
  ASSERT_EQ(put(e, "after"), 0);
  Got g = get(e);
  EXPECT_EQ(g.data, "after") << "the flushed messages are gone, later ones come";
  base = counter("ahead");
  voided = counter("voided");
  put_n(e, 2);
  ASSERT_TRUE(wait_ahead(base, 2));
  ASSERT_EQ(put(e, "!E"), 0);  // M_ERROR up: read side in error, queue flushed
  for (int i = 0; i < 500 && (strdp_poll(e, POLLERR) & POLLERR) == 0; ++i)
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  g = get(e);
  EXPECT_EQ(g.rc, -1);
  EXPECT_EQ(g.err, EPROTO);
  EXPECT_EQ(counter("voided"), voided + 2);
}

TEST(ReadAhead, AHangupLeavesWhatIsAheadToRead) {
  Stream a("loop"), b("loop");
  ASSERT_NE(a.sp, nullptr);
  ASSERT_NE(b.sp, nullptr);
  int minor_b = -1;
  strioctl ic = {LOOP_GETMINOR, 0, sizeof minor_b, reinterpret_cast<char *>(&minor_b)};
  ASSERT_EQ(strdp_ioctl(b, I_STR, reinterpret_cast<intptr_t>(&ic)), 0);
  ic = {LOOP_SET, 0, sizeof minor_b, reinterpret_cast<char *>(&minor_b)};
  ASSERT_EQ(strdp_ioctl(a, I_STR, reinterpret_cast<intptr_t>(&ic)), 0);
  warm_up(b, a);
  uint64_t base = counter("ahead");
  put_n(b, 3);
  ASSERT_TRUE(wait_ahead(base, 3));
  strdp_close(b.sp);  // M_HANGUP up a
  b.sp = nullptr;
  for (int i = 0; i < 500 && (strdp_poll(a, POLLHUP) & POLLHUP) == 0; ++i)
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  for (int i = 0; i < 3; ++i) EXPECT_EQ(get(a).data, "m" + std::to_string(i));
  Got g = get(a);
  EXPECT_EQ(g.rc, 0);
  EXPECT_EQ(g.clen, 0) << "end of file";
  EXPECT_EQ(g.dlen, 0);
}

}  // namespace

int main(int argc, char **argv) {
  ::testing::InitGoogleTest(&argc, argv);
  ::testing::AddGlobalTestEnvironment(new apptest::DaemonEnv(&g_daemon));
  return RUN_ALL_TESTS();
}
