// libstrdp-client without streamsd: failed connects and bad open replies
// fail cleanly (errno, no descriptor left behind), and against a fake
// apps service (fake_daemon.h) each call marshals as shm_proto.h says,
// waits and wakes on the doorbells, and behaves as docs/shm-head.md says
// once the daemon is gone.
#include <dirent.h>
#include <fcntl.h>
#include <gtest/gtest.h>
#include <poll.h>
#include <strdp/strdp_app.h>
#include <sys/wait.h>
#include <unistd.h>

#include <atomic>
#include <cerrno>
#include <cstring>
#include <string>
#include <thread>

#include "fake_daemon.h"

namespace {

int count_fds() {
  int n = 0;
  DIR *d = opendir("/proc/self/fd");
  while (readdir(d) != nullptr) ++n;
  closedir(d);
  return n;
}

// A strbuf to write; it points into s, so no temporaries (lvalues only).
// The library keeps its connection for the next open; one open that no
// daemon answers leaves none (a dead one is noticed and freed first).
void forget_connection() {
  setenv("STRDP_SOCKET", "/nonexistent/strdp/apps.sock", 1);
  EXPECT_EQ(strdp_open("echo", O_RDWR, nullptr), nullptr);
}

strbuf sb(std::string &s) { return strbuf{0, static_cast<int>(s.size()), s.data()}; }
strbuf sb(const char *s) { return strbuf{0, static_cast<int>(strlen(s)), const_cast<char *>(s)}; }

FakeMsg msg(const std::string &ctl, const std::string &data, int band = 0, int flags = MSG_BAND) {
  FakeMsg m;
  m.ctl_len = ctl.empty() ? -1 : static_cast<int>(ctl.size());
  m.ctl = ctl;
  m.data_len = static_cast<int>(data.size());
  m.data = data;
  m.band = band;
  m.flags = flags;
  return m;
}

// Opens "echo" on a fresh fake daemon.
strdp_stream_t *open_echo(FakeDaemon &d, int oflag = O_RDWR) {
  strdp_stream_t *sp = strdp_open("echo", oflag, nullptr);
  EXPECT_NE(sp, nullptr) << strerror(errno);
  EXPECT_TRUE(d.wait_opened());
  return sp;
}

TEST(ClientOpen, NoDaemonIsEnxio) {
  forget_connection();
  int before = count_fds();
  errno = 0;
  EXPECT_EQ(strdp_open("echo", O_RDWR, nullptr), nullptr);
  EXPECT_EQ(errno, ENXIO);
  EXPECT_EQ(count_fds(), before);
}

TEST(ClientOpen, ArgumentsCheckedFirst) {
  int dummy;
  errno = 0;
  EXPECT_EQ(strdp_open("echo", O_RDWR, reinterpret_cast<struct cred *>(&dummy)), nullptr);
  EXPECT_EQ(errno, EINVAL);
  EXPECT_EQ(strdp_open(nullptr, O_RDWR, nullptr), nullptr);
  EXPECT_EQ(errno, EFAULT);
  std::string longname(200, 'x');
  EXPECT_EQ(strdp_open(longname.c_str(), O_RDWR, nullptr), nullptr);
  EXPECT_EQ(errno, ENAMETOOLONG);
}

TEST(ClientOpen, NullStreamIsEbadf) {
  char buf[4];
  strbuf b{4, 0, buf};
  int flags = 0, band = 0;
  EXPECT_EQ(strdp_close(nullptr), -1);
  EXPECT_EQ(errno, EBADF);
  EXPECT_EQ(strdp_getmsg(nullptr, &b, &b, &flags), -1);
  EXPECT_EQ(strdp_getpmsg(nullptr, &b, &b, &band, &flags), -1);
  EXPECT_EQ(strdp_putmsg(nullptr, &b, &b, 0), -1);
  EXPECT_EQ(strdp_putpmsg(nullptr, &b, &b, 0, MSG_BAND), -1);
  EXPECT_EQ(strdp_read(nullptr, buf, 4), -1);
  EXPECT_EQ(strdp_write(nullptr, buf, 4), -1);
  EXPECT_EQ(strdp_ioctl(nullptr, I_NREAD, 0), -1);
  EXPECT_EQ(strdp_set_nonblock(nullptr, 1), -1);
  EXPECT_EQ(strdp_fd(nullptr), -1);
  strdp_msg m{{4, -1, buf}, {4, 0, buf}, 0, MSG_BAND};
  EXPECT_EQ(strdp_putmsgv(nullptr, &m, 1), -1);
  EXPECT_EQ(strdp_getmsgv(nullptr, &m, 1), -1);
  EXPECT_EQ(errno, EBADF);
  // The batches check their arguments first, as the in-process head does.
  EXPECT_EQ(strdp_putmsgv(nullptr, &m, 0), 0);
  EXPECT_EQ(strdp_putmsgv(nullptr, nullptr, 1), -1);
  EXPECT_EQ(errno, EFAULT);
  EXPECT_EQ(strdp_getmsgv(nullptr, &m, 0), -1);
  EXPECT_EQ(errno, EINVAL);
  EXPECT_EQ(strdp_poll(nullptr, POLLIN), POLLNVAL);
}

struct BadReply {
  FakeDaemon::Open mode;
  int err;
  int want;
};

class ClientBadReply : public ::testing::TestWithParam<BadReply> {};

TEST_P(ClientBadReply, FailsCleanly) {
  forget_connection();
  int before = count_fds();
  {
    FakeDaemon d(GetParam().mode, GetParam().err);
    errno = 0;
    EXPECT_EQ(strdp_open("echo", O_RDWR, nullptr), nullptr);
    EXPECT_EQ(errno, GetParam().want);
  }
  // The connection may stay open for the next open; what came with the
  // reply must not.
  forget_connection();
  EXPECT_EQ(count_fds(), before);
}

INSTANTIATE_TEST_SUITE_P(
    Replies, ClientBadReply,
    ::testing::Values(BadReply{FakeDaemon::Open::kBadMagic, 0, EPROTO},
                      BadReply{FakeDaemon::Open::kError, EACCES, EACCES},
                      BadReply{FakeDaemon::Open::kError, ENOENT, ENOENT},
                      BadReply{FakeDaemon::Open::kNoFds, 0, EPROTO},
                      BadReply{FakeDaemon::Open::kBadRegion, 0, EPROTO}));

TEST(ClientStream, PostedWritesAndHighPriority) {
  FakeDaemon d;
  strdp_stream_t *sp = open_echo(d, O_RDWR | O_CLOEXEC);
  EXPECT_EQ(d.opened_name(), "echo");
  EXPECT_EQ(d.opened_oflag(), O_RDWR);  // only what the daemon needs
  strbuf c = sb("CTL"), dt = sb("hello");
  EXPECT_EQ(strdp_putmsg(sp, &c, &dt, 0), 0);
  EXPECT_EQ(strdp_putpmsg(sp, nullptr, &dt, 3, MSG_BAND), 0);
  EXPECT_EQ(strdp_write(sp, "abc", 3), 3);
  EXPECT_EQ(strdp_putmsg(sp, &c, nullptr, RS_HIPRI), 0);
  // Checked before posting, with the in-process head's errors.
  EXPECT_EQ(strdp_putmsg(sp, nullptr, &dt, RS_HIPRI), -1);
  EXPECT_EQ(errno, EINVAL);
  EXPECT_EQ(strdp_putpmsg(sp, nullptr, &dt, 256, MSG_BAND), -1);
  EXPECT_EQ(errno, EINVAL);
  std::string big(2000, 'c');
  strbuf bc = sb(big);
  EXPECT_EQ(strdp_putmsg(sp, &bc, &dt, 0), -1);
  EXPECT_EQ(errno, ERANGE);
  strbuf nul{0, 5, nullptr};
  EXPECT_EQ(strdp_putmsg(sp, nullptr, &nul, 0), -1);
  EXPECT_EQ(errno, EFAULT);
  EXPECT_EQ(strdp_close(sp), 0);
  ASSERT_TRUE(d.closed());
  EXPECT_EQ(d.close_fence(), d.wr_consumed());  // close came after the writes

  auto p = d.posted();
  ASSERT_EQ(p.size(), 4u);
  EXPECT_EQ(p[0].kind, strdp::shm::kPut);
  EXPECT_EQ(p[0].ctl, "CTL");
  EXPECT_EQ(p[0].data, "hello");
  EXPECT_EQ(p[0].flags, 0);
  EXPECT_EQ(p[1].ctl_len, -1);
  EXPECT_EQ(p[1].band, 3);
  EXPECT_EQ(p[1].flags, MSG_BAND);
  EXPECT_EQ(p[2].kind, strdp::shm::kWrite);
  EXPECT_EQ(p[2].data, "abc");
  EXPECT_TRUE(p[3].hipri_request);
  EXPECT_EQ(p[3].flags, MSG_HIPRI);
  EXPECT_EQ(p[3].data_len, -1);
}

TEST(ClientStream, WriteSplitsAtMaxpsz) {
  FakeDaemon d;
  strdp_stream_t *sp = open_echo(d);
  d.publish(POLLOUT | POLLWRNORM | POLLWRBAND, 0, 100);
  std::string s(250, 'w');
  EXPECT_EQ(strdp_write(sp, s.data(), s.size()), 250);
  std::string s101(101, 'x');
  strbuf dt = sb(s101);
  EXPECT_EQ(strdp_putmsg(sp, nullptr, &dt, 0), -1);
  EXPECT_EQ(errno, ERANGE);
  EXPECT_EQ(strdp_write(sp, "", 0), 0);  // no SNDZERO: nothing sent
  EXPECT_EQ(strdp_close(sp), 0);
  auto p = d.posted();
  ASSERT_EQ(p.size(), 3u);
  EXPECT_EQ(p[0].data_len, 100);
  EXPECT_EQ(p[2].data_len, 50);
}

TEST(ClientStream, ReadsAndBatches) {
  FakeDaemon d;
  strdp_stream_t *sp = open_echo(d);
  d.queue(msg("C1", "data-one"));
  d.queue(msg("", "data-two", 2));
  d.queue(msg("", "raw"));
  char cb[16], db[16];
  strbuf c{sizeof cb, 0, cb}, dt{sizeof db, 0, db};
  int flags = 0, band = 0;
  ASSERT_EQ(strdp_getmsg(sp, &c, &dt, &flags), 0) << strerror(errno);
  EXPECT_EQ(std::string(cb, c.len), "C1");
  EXPECT_EQ(std::string(db, dt.len), "data-one");
  EXPECT_EQ(flags, 0);
  flags = MSG_ANY;
  ASSERT_EQ(strdp_getpmsg(sp, &c, &dt, &band, &flags), 0);
  EXPECT_EQ(c.len, -1);
  EXPECT_EQ(band, 2);
  EXPECT_EQ(flags, MSG_BAND);
  EXPECT_EQ(strdp_read(sp, db, sizeof db), 3);
  EXPECT_EQ(std::string(db, 3), "raw");

  // Non-blocking and empty: EAGAIN from the daemon.
  EXPECT_EQ(strdp_set_nonblock(sp, 1), 0);
  flags = 0;
  EXPECT_EQ(strdp_getmsg(sp, &c, &dt, &flags), -1);
  EXPECT_EQ(errno, EAGAIN);
  EXPECT_EQ(strdp_set_nonblock(sp, 0), 0);
  strbuf nul{5, 0, nullptr};
  EXPECT_EQ(strdp_getmsg(sp, &nul, &dt, &flags), -1);
  EXPECT_EQ(errno, EFAULT);

  strdp_msg out[3] = {};
  out[0] = {{4, 0, cb}, {16, 0, db}, 0, 0};
  out[1] = out[0];
  out[2] = out[0];
  EXPECT_EQ(strdp_putmsgv(sp, out, 0), 0);
  for (auto &m : out) m.ctl.len = -1, m.data.len = 1, m.flags = MSG_BAND;
  EXPECT_EQ(strdp_putmsgv(sp, out, 3), 3);
  d.queue(msg("", "v1"));
  d.queue(msg("X", "v2", 1));
  for (auto &m : out) m.ctl.maxlen = 4, m.data.maxlen = 8;
  char bufs[3][2][8];
  for (int i = 0; i < 3; ++i) out[i].ctl.buf = bufs[i][0], out[i].data.buf = bufs[i][1];
  ASSERT_EQ(strdp_getmsgv(sp, out, 3), 2);
  EXPECT_EQ(out[0].ctl.len, -1);
  EXPECT_EQ(std::string(out[0].data.buf, out[0].data.len), "v1");
  EXPECT_EQ(out[1].ctl.len, 1);
  EXPECT_EQ(out[1].band, 1);
  EXPECT_EQ(std::string(out[1].data.buf, out[1].data.len), "v2");
  EXPECT_EQ(strdp_close(sp), 0);
  EXPECT_EQ(d.posted().size(), 3u);
}

TEST(ClientStream, BlockingGetmsgSleepsAndWakes) {
  FakeDaemon d;
  strdp_stream_t *sp = open_echo(d);
  std::thread t([&] {
    usleep(50000);  // long past the spin: the reader sleeps on its doorbell
    d.queue(msg("", "late"));
  });
  char db[16];
  strbuf dt{sizeof db, 0, db};
  int flags = 0;
  ASSERT_EQ(strdp_getmsg(sp, nullptr, &dt, &flags), 0);
  EXPECT_EQ(std::string(db, dt.len), "late");
  t.join();
  EXPECT_EQ(strdp_close(sp), 0);
}

TEST(ClientStream, ReaderAndWriterWaitApart) {
  FakeDaemon d;
  strdp_stream_t *sp = open_echo(d);
  std::atomic<bool> got{false};
  std::thread reader([&] {
    char db[16];
    strbuf dt{sizeof db, 0, db};
    int flags = 0;
    EXPECT_EQ(strdp_getmsg(sp, nullptr, &dt, &flags), 0);
    EXPECT_EQ(std::string(db, dt.len), "both");
    got = true;
  });
  usleep(20000);  // the reader waits in the daemon, holding the request slot
  strbuf w = sb("w");
  EXPECT_EQ(strdp_putmsg(sp, nullptr, &w, 0), 0);  // posted writes do not wait for it
  d.publish(0);  // flow control: the next writer sleeps too, two waiters
  std::thread writer([&] { EXPECT_EQ(strdp_putmsg(sp, nullptr, &w, 0), 0); });
  usleep(20000);
  EXPECT_FALSE(got);
  d.publish(POLLOUT | POLLWRNORM);
  d.queue(msg("", "both"));
  writer.join();
  reader.join();
  EXPECT_EQ(strdp_close(sp), 0);
  EXPECT_EQ(d.posted().size(), 2u);
}

TEST(ClientStream, Ioctls) {
  FakeDaemon d;
  strdp_stream_t *sp = open_echo(d);
  int v = -1;
  EXPECT_EQ(strdp_ioctl(sp, I_NREAD, reinterpret_cast<intptr_t>(&v)), 0);
  EXPECT_EQ(v, 0);
  EXPECT_EQ(strdp_ioctl(sp, I_NREAD, 0), -1);
  EXPECT_EQ(errno, EFAULT);
  EXPECT_EQ(strdp_ioctl(sp, I_PUSH, reinterpret_cast<intptr_t>("pass")), 0);
  EXPECT_EQ(d.opened_name(), "pass");
  EXPECT_EQ(strdp_ioctl(sp, I_PUSH, reinterpret_cast<intptr_t>("much-too-long")), -1);
  EXPECT_EQ(errno, EINVAL);
  char name[FMNAMESZ + 1];
  EXPECT_EQ(strdp_ioctl(sp, I_LOOK, reinterpret_cast<intptr_t>(name)), 0);
  EXPECT_STREQ(name, "mod");
  EXPECT_EQ(strdp_ioctl(sp, I_LIST, 0), 2);
  str_mlist ml[4];
  str_list sl{4, ml};
  EXPECT_EQ(strdp_ioctl(sp, I_LIST, reinterpret_cast<intptr_t>(&sl)), 0);
  EXPECT_EQ(sl.sl_nmods, 2);
  EXPECT_STREQ(ml[1].l_name, "echo");
  char buf[8] = "abcd";
  strioctl ic{0x55, 0, 4, buf};
  EXPECT_EQ(strdp_ioctl(sp, I_STR, reinterpret_cast<intptr_t>(&ic)), 0x55);
  EXPECT_EQ(ic.ic_len, 4);  // the answer was longer: cut to ic_len
  EXPECT_EQ(std::string(buf, 4), "dcba");
  ic.ic_cmd = I_LINK;
  EXPECT_EQ(strdp_ioctl(sp, I_STR, reinterpret_cast<intptr_t>(&ic)), -1);
  EXPECT_EQ(errno, EINVAL);
  int x = 21;
  EXPECT_EQ(strdp_ioctl(sp, 0x7701, reinterpret_cast<intptr_t>(&x)), 42);
  EXPECT_EQ(x, 42);  // copied in, doubled, copied out
  EXPECT_EQ(strdp_ioctl(sp, I_FLUSH, 0), -1);
  EXPECT_EQ(errno, EINVAL);
  EXPECT_EQ(strdp_ioctl(sp, I_SENDFD, 0), -1);
  EXPECT_EQ(errno, EINVAL);
  int other;
  EXPECT_EQ(strdp_ioctl(sp, I_LINK, reinterpret_cast<intptr_t>(&other)), -1);
  EXPECT_EQ(errno, EBADF);  // not a stream of ours (as in-process: no such descriptor)
  EXPECT_EQ(strdp_close(sp), 0);
  auto seen = d.ioctls();
  EXPECT_EQ(seen.size(), 7u);  // the refused ones never reached it
}

TEST(ClientStream, FlowControl) {
  FakeDaemon d;
  strdp_stream_t *sp = open_echo(d);
  d.publish(0);  // band 0 full
  EXPECT_EQ(strdp_poll(sp, POLLOUT), 0);
  strbuf dt = sb("x");
  EXPECT_EQ(strdp_set_nonblock(sp, 1), 0);
  EXPECT_EQ(strdp_putmsg(sp, nullptr, &dt, 0), -1);
  EXPECT_EQ(errno, EAGAIN);
  EXPECT_EQ(strdp_set_nonblock(sp, 0), 0);
  std::thread t([&] {
    usleep(30000);
    d.publish(POLLOUT | POLLWRNORM);
  });
  EXPECT_EQ(strdp_putmsg(sp, nullptr, &dt, 0), 0);  // waited for POLLOUT
  t.join();
  EXPECT_EQ(strdp_poll(sp, POLLOUT | POLLWRBAND), POLLOUT);
  EXPECT_EQ(strdp_close(sp), 0);
}

TEST(ClientStream, FdTurnsReadable) {
  FakeDaemon d;
  strdp_stream_t *sp = open_echo(d);
  int fd = strdp_fd(sp);
  ASSERT_GE(fd, 0);
  EXPECT_EQ(strdp_fd(sp), fd);
  strdp_poll(sp, POLLIN);  // consumes what the open left
  pollfd p{fd, POLLIN, 0};
  EXPECT_EQ(poll(&p, 1, 0), 0);
  d.queue(msg("", "wake"));
  ASSERT_EQ(poll(&p, 1, 2000), 1);
  EXPECT_EQ(strdp_poll(sp, POLLIN) & POLLIN, POLLIN);
  EXPECT_EQ(strdp_close(sp), 0);
}

TEST(ClientGone, DaemonStopLooksLikeHangup) {
  FakeDaemon d;
  strdp_stream_t *sp = open_echo(d);
  d.hang_up();
  char db[8];
  strbuf c{8, 0, db}, dt{8, 0, db};
  int flags = 0;
  EXPECT_EQ(strdp_getmsg(sp, &c, &dt, &flags), 0);
  EXPECT_EQ(c.len, 0) << "end of file, as the in-process head after M_HANGUP";
  EXPECT_EQ(dt.len, 0);
  EXPECT_EQ(strdp_read(sp, db, sizeof db), 0);
  strbuf w = sb("x");
  EXPECT_EQ(strdp_putmsg(sp, nullptr, &w, 0), -1);
  EXPECT_EQ(errno, ENXIO);
  EXPECT_EQ(strdp_write(sp, "x", 1), -1);
  EXPECT_EQ(errno, ENXIO);
  EXPECT_EQ(strdp_ioctl(sp, I_NREAD, reinterpret_cast<intptr_t>(&flags)), -1);
  EXPECT_EQ(errno, ENXIO);
  EXPECT_EQ(strdp_poll(sp, POLLIN | POLLOUT), POLLHUP);
  EXPECT_EQ(strdp_close(sp), 0);
  EXPECT_FALSE(d.closed());  // nothing sent: only our side freed
}

// Read-ahead: what the daemon put in rd is read with no request, in
// order; what it voided is skipped; a priority message it publishes goes
// first (by request); a record that breaks the protocol breaks the stream.
TEST(ClientReadAhead, TakenInOrderVoidedSkippedPriorityFirst) {
  FakeDaemon d;
  strdp_stream_t *sp = open_echo(d);
  d.ahead(msg("C1", "one"));
  d.ahead(msg("", "two"));
  EXPECT_NE(strdp_poll(sp, POLLIN) & POLLIN, 0) << "what is ahead is readable";
  char cb[16], db[16];
  strbuf c{sizeof cb, 0, cb}, dt{sizeof db, 0, db};
  int flags = 0, band = 0;
  ASSERT_EQ(strdp_getmsg(sp, &c, &dt, &flags), 0) << strerror(errno);
  EXPECT_EQ(std::string(cb, c.len), "C1");
  EXPECT_EQ(std::string(db, dt.len), "one");
  d.void_ahead();  // "two" was flushed after it went ahead
  d.ahead(msg("", "three"));
  ASSERT_EQ(strdp_getmsg(sp, &c, &dt, &flags), 0);
  EXPECT_EQ(c.len, -1);
  EXPECT_EQ(std::string(db, dt.len), "three");
  // A high-priority message queued behind what is ahead is asked for.
  d.ahead(msg("", "four"));
  d.queue(msg("PC", "", 0, MSG_HIPRI));
  d.publish(POLLOUT | POLLWRNORM | POLLPRI);
  flags = MSG_ANY;
  ASSERT_EQ(strdp_getpmsg(sp, &c, &dt, &band, &flags), 0);
  EXPECT_EQ(flags, MSG_HIPRI);
  EXPECT_EQ(std::string(cb, c.len), "PC");
  d.publish(POLLOUT | POLLWRNORM);
  flags = MSG_ANY;
  ASSERT_EQ(strdp_getpmsg(sp, &c, &dt, &band, &flags), 0);
  EXPECT_EQ(std::string(db, dt.len), "four");
  EXPECT_EQ(strdp_close(sp), 0);
}

// A flush that voids a full rd leaves nothing behind it to read: the
// reader must still hand the voided span back, or read-ahead could never
// put a message in rd again (every read would become a request).
TEST(ClientReadAhead, AVoidedFullRingIsHandedBack) {
  FakeDaemon d;
  strdp_stream_t *sp = open_echo(d);
  int filled = 0;
  while (d.ahead(msg("", std::string(64, 'v')))) ++filled;
  ASSERT_GT(filled, 1000) << "rd holds hundreds of small messages";
  d.void_ahead();
  d.queue(msg("", "asked"));
  d.publish(POLLIN | POLLRDNORM | POLLOUT | POLLWRNORM);
  char db[128];
  strbuf dt{sizeof db, 0, db};
  int flags = 0;
  ASSERT_EQ(strdp_getmsg(sp, nullptr, &dt, &flags), 0) << strerror(errno);
  EXPECT_EQ(std::string(db, dt.len), "asked") << "nothing voided is read";
  d.publish(POLLOUT | POLLWRNORM);
  const std::string after(64, 'a');  // as big as those that filled rd
  ASSERT_TRUE(d.ahead(msg("", after))) << "the voided span is free again";
  ASSERT_EQ(strdp_getmsg(sp, nullptr, &dt, &flags), 0);
  EXPECT_EQ(std::string(db, dt.len), after);
  EXPECT_EQ(strdp_close(sp), 0);
}

TEST(ClientReadAhead, ABadRecordBreaksTheStream) {
  FakeDaemon d;
  strdp_stream_t *sp = open_echo(d);
  // The lengths say 10 bytes, the record holds 3.
  d.ahead_raw(strdp::shm::kMsg, strdp::shm::MsgEntry{-1, 10, 0, MSG_BAND}, "abc");
  char db[16];
  strbuf dt{sizeof db, 0, db};
  int flags = 0;
  EXPECT_EQ(strdp_getmsg(sp, nullptr, &dt, &flags), -1);
  EXPECT_EQ(errno, EPROTO);
  strdp_close(sp);
}

TEST(ClientGone, SocketEofIsHangupEverywhere) {
  FakeDaemon d;
  strdp_stream_t *sp = open_echo(d);
  int fd = strdp_fd(sp);
  strdp_poll(sp, POLLIN);
  d.drop_connection();
  pollfd p{fd, POLLIN, 0};
  ASSERT_EQ(poll(&p, 1, 2000), 1);  // the socket is in the descriptor
  EXPECT_EQ(strdp_poll(sp, POLLIN | POLLOUT), POLLHUP);
  char db[8];
  EXPECT_EQ(strdp_read(sp, db, sizeof db), 0);
  EXPECT_EQ(strdp_close(sp), 0);
}

TEST(ClientGone, BlockedReaderWakesAtEof) {
  FakeDaemon d;
  strdp_stream_t *sp = open_echo(d);
  std::thread t([&] {
    usleep(30000);
    d.drop_connection();
  });
  char db[8];
  EXPECT_EQ(strdp_read(sp, db, sizeof db), 0);
  t.join();
  EXPECT_EQ(strdp_close(sp), 0);
}

TEST(ClientGone, DoorbellEofEndsTheStream) {
  FakeDaemon d;
  strdp_stream_t *sp = open_echo(d);
  std::thread t([&] {
    usleep(30000);
    d.close_doorbell();
  });
  char db[8];
  EXPECT_EQ(strdp_read(sp, db, sizeof db), 0);
  t.join();
  EXPECT_EQ(strdp_poll(sp, POLLIN), POLLHUP);
  EXPECT_EQ(strdp_close(sp), 0);
}

TEST(ClientGone, AForkedChildDoesNotShareTheParentsStreams) {
  FakeDaemon d;
  strdp_stream_t *sp = open_echo(d);
  pid_t pid = fork();
  if (pid == 0) {
    char db[8];
    strbuf w = sb("x");
    if (strdp_read(sp, db, sizeof db) != 0) _exit(1);  // gone in the child
    if (strdp_putmsg(sp, nullptr, &w, 0) != -1 || errno != ENXIO) _exit(2);
    if (strdp_close(sp) != 0) _exit(3);
    _exit(0);
  }
  int st = 0;
  ASSERT_EQ(waitpid(pid, &st, 0), pid);
  EXPECT_TRUE(WIFEXITED(st) && WEXITSTATUS(st) == 0) << "child exit " << WEXITSTATUS(st);
  strbuf w = sb("parent");
  EXPECT_EQ(strdp_putmsg(sp, nullptr, &w, 0), 0);  // the parent's is untouched
  EXPECT_EQ(strdp_close(sp), 0);
  EXPECT_TRUE(d.closed());
}

}  // namespace

int main(int argc, char **argv) {
  ::testing::InitGoogleTest(&argc, argv);
  return RUN_ALL_TESTS();
}

// The daemon's getmsgv batch reserves up to a quarter of the reply ring:
// in an empty ring that must fit wherever the positions stand (a record
// never crosses the end, so the padding to it counts too). Half would
// not: a reader once waited for ever for a batch that could not fit.
TEST(Rings, AQuarterOfAnEmptyRingFitsAtEveryOffset) {
  namespace shm = strdp::shm;
  constexpr uint32_t kSize = 1u << 12;
  alignas(8) static uint8_t mem[kSize];
  const uint32_t len = sizeof(shm::RecHdr) + sizeof(shm::Reply) + kSize / 4;
  for (uint64_t at = 0; at < 2 * kSize; at += 8) {
    uint64_t prod = at, cons = at;
    shm::RingWriter w(mem, kSize, &prod, &cons);
    ASSERT_TRUE(w.can_reserve(len)) << "at " << at;
    ASSERT_NE(w.reserve(len), nullptr);
  }
  uint64_t prod = kSize / 2 - 8, cons = prod;
  shm::RingWriter w(mem, kSize, &prod, &cons);
  EXPECT_FALSE(w.can_reserve(sizeof(shm::RecHdr) + kSize / 2 + 64)) << "why half is too much";
}

// Each side keeps the other's position as it last read it and reads the
// shared one again only when that view runs out (shm_proto.h): a writer
// that found the ring full must see the room a consumer made since, a
// reader must see records published after it last found the ring empty,
// and a skip past the view must not look like a bad position.
TEST(Rings, CachedPositionsAreReadAgainWhenTheyRunOut) {
  namespace shm = strdp::shm;
  constexpr uint32_t kSize = 1u << 10, kLen = 64;
  alignas(8) static uint8_t mem[kSize];
  uint64_t prod = 0, cons = 0;
  shm::RingWriter w(mem, kSize, &prod, &cons);
  shm::RingReader r(mem, kSize, &prod, &cons);
  shm::RecHdr h;
  const uint8_t *body;
  ASSERT_EQ(r.peek(&h, &body), shm::Peek::kEmpty);
  auto put = [&] {
    uint8_t *p = w.reserve(kLen);
    if (p == nullptr) return false;
    shm::RecHdr rec{kLen, shm::kMsg, 0};
    memcpy(p, &rec, sizeof rec);
    w.commit(kLen);
    return true;
  };
  unsigned n = 0;
  while (put()) ++n;
  ASSERT_EQ(n, kSize / kLen);
  // The reader found the ring empty before any of these: it must look again.
  ASSERT_EQ(r.peek(&h, &body), shm::Peek::kRecord);
  r.consume(h);
  r.release();
  EXPECT_TRUE(put()) << "the writer must see the room made since it found the ring full";
  EXPECT_FALSE(put());
  // Skip to the last record boundary: past nothing the reader has seen
  // go bad, and what follows reads as empty, not as a bad position.
  ASSERT_TRUE(r.skip_to(prod));
  r.release();
  EXPECT_EQ(r.peek(&h, &body), shm::Peek::kEmpty);
  EXPECT_TRUE(put());
  EXPECT_EQ(r.peek(&h, &body), shm::Peek::kRecord);
}
