// Every call of <strdp/strdp_app.h> from an ordinary process (this test
// links libstrdp-client, not DPDK) against a real streamsd: messages,
// bands, reads and writes, blocking and not, the streamio ioctls over the
// boundary (I_STR, transparent, links, signals), poll on strdp_fd, the
// batch calls, flow control, and what the daemon shows of it all.
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <gtest/gtest.h>
#include <strdp/strdp_app.h>

#include <atomic>
#include <cerrno>
#include <chrono>
#include <cstring>
#include <string>
#include <thread>
#include <vector>

#include "daemon_env.h"

#define CHCONV_IOC ('C' << 8)
#define CHCONV_UPPER (CHCONV_IOC | 2)
#define CHCONV_LOWER (CHCONV_IOC | 3)
#define CHCONV_SETMODE (CHCONV_IOC | 4)
#define CHCONV_GETMODE (CHCONV_IOC | 5)

namespace {

apptest::Daemon *g_daemon;

using apptest::Stream;

int put(strdp_stream_t *sp, const std::string &ctl, const std::string &data, int flags = 0) {
  strbuf c{0, static_cast<int>(ctl.size()), const_cast<char *>(ctl.data())};
  strbuf d{0, static_cast<int>(data.size()), const_cast<char *>(data.data())};
  return strdp_putmsg(sp, ctl.empty() ? nullptr : &c, &d, flags);
}

struct Got {
  int rc = -2, flags = 0, band = 0;
  std::string ctl, data;
  int ctl_len = -2, data_len = -2;
};

Got get(strdp_stream_t *sp, int flags = 0) {
  static char cb[2048], db[70000];
  strbuf c{sizeof cb, -1, cb}, d{sizeof db, -1, db};
  Got g;
  g.flags = flags;
  g.rc = strdp_getmsg(sp, &c, &d, &g.flags);
  g.ctl_len = c.len;
  g.data_len = d.len;
  if (c.len > 0) g.ctl.assign(cb, static_cast<size_t>(c.len));
  if (d.len > 0) g.data.assign(db, static_cast<size_t>(d.len));
  return g;
}

TEST(Open, EchoOpensAndUnknownNamesDoNot) {
  Stream e("/dev/echo");
  ASSERT_NE(e.sp, nullptr) << strerror(errno);
  errno = 0;
  EXPECT_EQ(strdp_open("nosuch", O_RDWR, nullptr), nullptr);
  EXPECT_EQ(errno, ENOENT) << "not offered by [apps]";
  EXPECT_EQ(strdp_open("echo", O_ACCMODE, nullptr), nullptr);
  EXPECT_EQ(errno, EINVAL);
  EXPECT_EQ(strdp_open(nullptr, O_RDWR, nullptr), nullptr);
}

TEST(Open, ModeIsCheckedAgainstThePeersCredentials) {
  if (geteuid() != 0) GTEST_SKIP() << "needs root to become another user";
  pid_t pid = fork();
  if (pid == 0) {
    // A fresh process: its own connection, its own credentials.
    if (setgid(65534) != 0 || setuid(65534) != 0) _exit(10);
    strdp_stream_t *x = strdp_open("xconn", O_RDWR, nullptr);  // root's, 0600
    if (x != nullptr || errno != EACCES) _exit(11);
    strdp_stream_t *e = strdp_open("echo", O_RDWR, nullptr);  // 0666
    if (e == nullptr) _exit(12);
    _exit(strdp_close(e) == 0 ? 0 : 13);
  }
  int st;
  ASSERT_EQ(waitpid(pid, &st, 0), pid);
  ASSERT_TRUE(WIFEXITED(st));
  EXPECT_EQ(WEXITSTATUS(st), 0) << "10: setuid, 11: xconn not refused, 12: echo refused";
}

TEST(Messages, ControlAndDataComeBackIntact) {
  Stream e("echo");
  ASSERT_NE(e.sp, nullptr);
  ASSERT_EQ(put(e, "hello", "world"), 0);
  Got g = get(e);
  EXPECT_EQ(g.rc, 0);
  EXPECT_EQ(g.ctl, "hello");
  EXPECT_EQ(g.data, "world");
  EXPECT_EQ(g.flags, 0);
  ASSERT_EQ(put(e, "", std::string(60000, 'x')), 0);
  g = get(e);
  EXPECT_EQ(g.ctl_len, -1) << "no control part";
  EXPECT_EQ(g.data, std::string(60000, 'x'));
}

TEST(Messages, BandsAndHighPriority) {
  Stream e("echo");
  ASSERT_NE(e.sp, nullptr);
  strbuf c{0, 2, const_cast<char *>("pc")}, d{0, 4, const_cast<char *>("band")};
  ASSERT_EQ(strdp_putpmsg(e, nullptr, &d, 3, MSG_BAND), 0);
  ASSERT_EQ(strdp_putmsg(e, &c, nullptr, RS_HIPRI), 0);
  char cb[64], db[64];
  strbuf gc{sizeof cb, -1, cb}, gd{sizeof db, -1, db};
  int band = 0, flags = MSG_ANY;
  // The high-priority message overtakes the banded one.
  ASSERT_EQ(strdp_getpmsg(e, &gc, &gd, &band, &flags), 0);
  EXPECT_EQ(flags, MSG_HIPRI);
  EXPECT_EQ(std::string(cb, 2), "pc");
  band = 0;
  flags = MSG_ANY;
  ASSERT_EQ(strdp_getpmsg(e, &gc, &gd, &band, &flags), 0);
  EXPECT_EQ(flags, MSG_BAND);
  EXPECT_EQ(band, 3);
  EXPECT_EQ(std::string(db, 4), "band");
  EXPECT_EQ(strdp_putpmsg(e, nullptr, &d, 256, MSG_BAND), -1);
  EXPECT_EQ(errno, EINVAL);
  EXPECT_EQ(strdp_putmsg(e, nullptr, &d, RS_HIPRI), -1) << "hipri needs a control part";
  EXPECT_EQ(errno, EINVAL);
}

TEST(Messages, ShortBuffersLeaveTheRestQueued) {
  Stream e("echo");
  ASSERT_EQ(put(e, "ctl-part", "0123456789"), 0);
  char cb[4], db[4];
  strbuf c{sizeof cb, -1, cb}, d{sizeof db, -1, db};
  int flags = 0;
  int more = strdp_getmsg(e, &c, &d, &flags);
  EXPECT_EQ(more, MORECTL | MOREDATA);
  EXPECT_EQ(std::string(cb, 4), "ctl-");
  EXPECT_EQ(std::string(db, 4), "0123");
  Got g = get(e);
  EXPECT_EQ(g.ctl, "part");
  EXPECT_EQ(g.data, "456789");
}

TEST(ReadWrite, BytesComeBackInOrder) {
  Stream e("echo");
  std::string out;
  for (int i = 0; i < 100000; ++i) out += static_cast<char>('a' + i % 26);
  ASSERT_EQ(strdp_write(e, out.data(), out.size()), static_cast<ssize_t>(out.size()));
  std::string in;
  char buf[8192];
  while (in.size() < out.size()) {
    ssize_t n = strdp_read(e, buf, sizeof buf);
    ASSERT_GT(n, 0);
    in.append(buf, static_cast<size_t>(n));
  }
  EXPECT_EQ(in, out);
}

TEST(Blocking, NonBlockingCallsSayEagainAndBlockingOnesWait) {
  Stream e("echo");
  ASSERT_EQ(strdp_set_nonblock(e, 1), 0);
  Got g = get(e);
  EXPECT_EQ(g.rc, -1);
  EXPECT_EQ(errno, EAGAIN);
  char b[8];
  EXPECT_EQ(strdp_read(e, b, sizeof b), -1);
  EXPECT_EQ(errno, EAGAIN);
  ASSERT_EQ(strdp_set_nonblock(e, 0), 0);
  std::thread t([&] {
    std::this_thread::sleep_for(std::chrono::milliseconds(200));
    put(e, "", "late");
  });
  auto t0 = std::chrono::steady_clock::now();
  g = get(e);
  auto waited = std::chrono::steady_clock::now() - t0;
  t.join();
  EXPECT_EQ(g.rc, 0);
  EXPECT_EQ(g.data, "late");
  EXPECT_GE(waited, std::chrono::milliseconds(150)) << "it waited for the message";
}

TEST(Ioctl, PushPopLookFindList) {
  Stream e("echo");
  ASSERT_EQ(strdp_ioctl(e, I_PUSH, reinterpret_cast<intptr_t>("passmod")), 0);
  ASSERT_EQ(strdp_ioctl(e, I_PUSH, reinterpret_cast<intptr_t>("charconv")), 0);
  char name[FMNAMESZ + 1] = {};
  ASSERT_EQ(strdp_ioctl(e, I_LOOK, reinterpret_cast<intptr_t>(name)), 0);
  EXPECT_STREQ(name, "charconv");
  EXPECT_EQ(strdp_ioctl(e, I_FIND, reinterpret_cast<intptr_t>("passmod")), 1);
  EXPECT_EQ(strdp_ioctl(e, I_FIND, reinterpret_cast<intptr_t>("nosuch")), -1);
  EXPECT_EQ(errno, EINVAL);
  EXPECT_EQ(strdp_ioctl(e, I_PUSH, reinterpret_cast<intptr_t>("nosuch")), -1);
  EXPECT_EQ(errno, EINVAL);
  EXPECT_EQ(strdp_ioctl(e, I_LIST, 0), 3) << "two modules and the driver";
  str_mlist ml[3];
  str_list sl{3, ml};
  ASSERT_EQ(strdp_ioctl(e, I_LIST, reinterpret_cast<intptr_t>(&sl)), 0);
  EXPECT_EQ(sl.sl_nmods, 3);
  EXPECT_STREQ(ml[0].l_name, "charconv");
  EXPECT_STREQ(ml[1].l_name, "passmod");
  EXPECT_STREQ(ml[2].l_name, "echo");
  ASSERT_EQ(strdp_ioctl(e, I_POP, 0), 0);
  ASSERT_EQ(strdp_ioctl(e, I_LOOK, reinterpret_cast<intptr_t>(name)), 0);
  EXPECT_STREQ(name, "passmod");
  ASSERT_EQ(put(e, "c", "through passmod"), 0);
  EXPECT_EQ(get(e).data, "through passmod");
  EXPECT_EQ(strdp_ioctl(e, I_PUSH, 0), -1);
  EXPECT_EQ(errno, EFAULT);
  EXPECT_EQ(strdp_ioctl(e, I_SENDFD, 0), -1);
  EXPECT_EQ(errno, EINVAL);
}

TEST(Ioctl, IstrReachesTheModuleAndComesBack) {
  Stream e("echo");
  ASSERT_EQ(strdp_ioctl(e, I_PUSH, reinterpret_cast<intptr_t>("charconv")), 0);
  strioctl ic{CHCONV_UPPER, 5, 0, nullptr};
  ASSERT_EQ(strdp_ioctl(e, I_STR, reinterpret_cast<intptr_t>(&ic)), 0);
  ASSERT_EQ(strdp_write(e, "abc", 3), 3);
  char b[8] = {};
  ASSERT_EQ(strdp_read(e, b, sizeof b), 3);
  EXPECT_STREQ(b, "ABC");
  int mode = 0;
  strioctl get_mode{CHCONV_GETMODE, 5, sizeof mode, reinterpret_cast<char *>(&mode)};
  ASSERT_EQ(strdp_ioctl(e, I_STR, reinterpret_cast<intptr_t>(&get_mode)), 0);
  EXPECT_EQ(mode, CHCONV_UPPER);
  EXPECT_EQ(get_mode.ic_len, static_cast<int>(sizeof mode));
  strioctl bad{CHCONV_IOC | 99, 5, 0, nullptr};
  EXPECT_EQ(strdp_ioctl(e, I_STR, reinterpret_cast<intptr_t>(&bad)), -1);
  EXPECT_EQ(errno, EINVAL) << "the module's M_IOCNAK";
  strioctl big{CHCONV_UPPER, 5, 70000, b};
  EXPECT_EQ(strdp_ioctl(e, I_STR, reinterpret_cast<intptr_t>(&big)), -1);
  EXPECT_EQ(errno, EINVAL);
  strioctl link{I_LINK, 5, 0, nullptr};
  EXPECT_EQ(strdp_ioctl(e, I_STR, reinterpret_cast<intptr_t>(&link)), -1);
  EXPECT_EQ(errno, EINVAL);
}

// Nobody answers: echo's answer waits behind data nobody reads (passmod
// queues the M_IOCTL behind it, or the daemon still holds the posted
// writes before it). The caller gets ETIME after ic_timout, loses no
// data, and the stream answers the next ioctl.
TEST(Ioctl, AnUnansweredIstrTimesOutAndLosesNothing) {
  Stream e("echo");
  ASSERT_EQ(strdp_ioctl(e, I_PUSH, reinterpret_cast<intptr_t>("passmod")), 0);
  ASSERT_EQ(strdp_set_nonblock(e, 1), 0);
  std::string data(4096, 'q');
  int accepted = 0;
  for (; accepted < 100000; ++accepted) {
    data[0] = static_cast<char>(accepted);
    if (put(e, "", data) != 0) break;
  }
  ASSERT_EQ(errno, EAGAIN) << "flow control never pushed back";
  ASSERT_EQ(strdp_set_nonblock(e, 0), 0);
  strioctl ic{CHCONV_UPPER, 1, 0, nullptr};
  auto t0 = std::chrono::steady_clock::now();
  EXPECT_EQ(strdp_ioctl(e, I_STR, reinterpret_cast<intptr_t>(&ic)), -1);
  EXPECT_EQ(errno, ETIME);
  double waited = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  EXPECT_GE(waited, 0.9) << "ic_timout is 1 s";
  EXPECT_LT(waited, 10.0);
  for (int i = 0; i < accepted; ++i) {
    Got g = get(e);
    ASSERT_EQ(g.rc, 0);
    ASSERT_EQ(g.data.size(), data.size());
    ASSERT_EQ(g.data[0], static_cast<char>(i)) << "in order";
  }
  strioctl next{CHCONV_IOC | 99, 5, 0, nullptr};
  EXPECT_EQ(strdp_ioctl(e, I_STR, reinterpret_cast<intptr_t>(&next)), -1);
  EXPECT_EQ(errno, EINVAL) << "echo's M_IOCNAK: the late answer did not take its place";
}

TEST(Ioctl, TransparentIoctlsCopyInAndOutOfTheApplication) {
  Stream e("echo");
  ASSERT_EQ(strdp_ioctl(e, I_PUSH, reinterpret_cast<intptr_t>("charconv")), 0);
  int mode = CHCONV_LOWER;
  ASSERT_EQ(strdp_ioctl(e, CHCONV_SETMODE, reinterpret_cast<intptr_t>(&mode)), 0);
  int now = 0;
  ASSERT_EQ(strdp_ioctl(e, CHCONV_GETMODE, reinterpret_cast<intptr_t>(&now)), 0);
  EXPECT_EQ(now, CHCONV_LOWER) << "M_COPYOUT wrote into this process";
  ASSERT_EQ(strdp_write(e, "ABC", 3), 3);
  char b[8] = {};
  ASSERT_EQ(strdp_read(e, b, sizeof b), 3);
  EXPECT_STREQ(b, "abc");
  EXPECT_EQ(strdp_ioctl(e, CHCONV_SETMODE, 0), -1);
  EXPECT_EQ(errno, EFAULT);
  EXPECT_EQ(strdp_ioctl(e, 0x7a7a01, 0), -1) << "nobody knows it";
  EXPECT_EQ(errno, EINVAL);
}

TEST(Ioctl, ReadQueueInspectionAndFlush) {
  Stream e("echo");
  ASSERT_EQ(put(e, "", "12345"), 0);
  ASSERT_EQ(put(e, "", "678"), 0);
  int bytes = -1;
  for (int i = 0; i < 100 && strdp_ioctl(e, I_NREAD, reinterpret_cast<intptr_t>(&bytes)) < 2; ++i)
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  EXPECT_EQ(strdp_ioctl(e, I_NREAD, reinterpret_cast<intptr_t>(&bytes)), 2);
  EXPECT_EQ(bytes, 5);
  char db[16];
  strpeek pk{};
  pk.ctlbuf = {16, -1, nullptr};
  pk.databuf = {sizeof db, -1, db};
  pk.ctlbuf.maxlen = -1;
  ASSERT_EQ(strdp_ioctl(e, I_PEEK, reinterpret_cast<intptr_t>(&pk)), 1);
  EXPECT_EQ(std::string(db, static_cast<size_t>(pk.databuf.len)), "12345");
  EXPECT_EQ(strdp_ioctl(e, I_CKBAND, 0), 1);
  int band = -1;
  EXPECT_EQ(strdp_ioctl(e, I_GETBAND, reinterpret_cast<intptr_t>(&band)), 0);
  EXPECT_EQ(band, 0);
  EXPECT_EQ(strdp_ioctl(e, I_CANPUT, 0), 1);
  ASSERT_EQ(strdp_ioctl(e, I_FLUSH, FLUSHR), 0);
  EXPECT_EQ(strdp_ioctl(e, I_NREAD, reinterpret_cast<intptr_t>(&bytes)), 0);
  EXPECT_EQ(strdp_ioctl(e, I_FLUSH, 0), -1);
  EXPECT_EQ(errno, EINVAL);
}

TEST(Ioctl, OptionsSetAndGet) {
  Stream e("echo");
  int v = -1;
  ASSERT_EQ(strdp_ioctl(e, I_SRDOPT, RMSGD), 0);
  ASSERT_EQ(strdp_ioctl(e, I_GRDOPT, reinterpret_cast<intptr_t>(&v)), 0);
  EXPECT_EQ(v & RMODEMASK, RMSGD);
  ASSERT_EQ(strdp_ioctl(e, I_SWROPT, SNDZERO), 0);
  ASSERT_EQ(strdp_ioctl(e, I_GWROPT, reinterpret_cast<intptr_t>(&v)), 0);
  EXPECT_EQ(v, SNDZERO);
  int ms = 500;
  ASSERT_EQ(strdp_ioctl(e, I_SETCLTIME, reinterpret_cast<intptr_t>(&ms)), 0);
  ASSERT_EQ(strdp_ioctl(e, I_GETCLTIME, reinterpret_cast<intptr_t>(&v)), 0);
  EXPECT_EQ(v, 500);
  EXPECT_EQ(strdp_ioctl(e, I_SWROPT, 0x4000), -1);
  EXPECT_EQ(errno, EINVAL);
  EXPECT_EQ(strdp_ioctl(e, I_GRDOPT, 0), -1);
  EXPECT_EQ(errno, EFAULT);
}

TEST(Ioctl, LinksBetweenStreamsOfThisApplication) {
  Stream x("xconn"), a("echo"), b("echo");
  ASSERT_NE(x.sp, nullptr);
  int id = strdp_ioctl(x, I_LINK, reinterpret_cast<intptr_t>(a.sp));
  ASSERT_GT(id, 0) << strerror(errno);
  EXPECT_EQ(get(a).rc, -1) << "a linked stream has no head of its own";
  EXPECT_EQ(errno, EINVAL);
  EXPECT_EQ(strdp_ioctl(x, I_LINK, reinterpret_cast<intptr_t>(a.sp)), -1);
  EXPECT_EQ(errno, EINVAL) << "linked already";
  int pid = strdp_ioctl(x, I_PLINK, reinterpret_cast<intptr_t>(b.sp));
  ASSERT_GT(pid, 0);
  EXPECT_NE(pid, id);
  auto rows = g_daemon->app_streams();
  int linked = 0;
  for (auto &r : rows) linked += r["linked"].get<bool>() ? 1 : 0;
  EXPECT_EQ(linked, 2);
  ASSERT_EQ(strdp_ioctl(x, I_UNLINK, id), 0);
  ASSERT_EQ(strdp_ioctl(x, I_PUNLINK, pid), 0);
  ASSERT_EQ(put(a, "", "back"), 0);
  EXPECT_EQ(get(a).data, "back") << "unlinked: a head again";
  int bogus = 12345;
  EXPECT_EQ(strdp_ioctl(x, I_LINK, reinterpret_cast<intptr_t>(&bogus)), -1)
      << "not a stream of this process";
}

std::atomic<int> g_sigpoll{0};
extern "C" void on_sigpoll(int) { g_sigpoll.fetch_add(1); }

TEST(Ioctl, SetsigDeliversARealSignal) {
  struct sigaction sa{};
  sa.sa_handler = on_sigpoll;
  sigemptyset(&sa.sa_mask);
  sa.sa_flags = SA_RESTART;
  ASSERT_EQ(sigaction(SIGPOLL, &sa, nullptr), 0);
  Stream e("echo");
  int mask = -1;
  EXPECT_EQ(strdp_ioctl(e, I_GETSIG, reinterpret_cast<intptr_t>(&mask)), -1);
  EXPECT_EQ(errno, EINVAL) << "not registered yet";
  ASSERT_EQ(strdp_ioctl(e, I_SETSIG, S_INPUT | S_RDNORM), 0);
  ASSERT_EQ(strdp_ioctl(e, I_GETSIG, reinterpret_cast<intptr_t>(&mask)), 0);
  EXPECT_EQ(mask, S_INPUT | S_RDNORM);
  g_sigpoll = 0;
  ASSERT_EQ(put(e, "", "ring"), 0);
  for (int i = 0; i < 200 && g_sigpoll.load() == 0; ++i)
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  EXPECT_GE(g_sigpoll.load(), 1) << "SIGPOLL from the daemon";
  EXPECT_EQ(get(e).data, "ring");
  EXPECT_EQ(strdp_ioctl(e, I_SETSIG, 0x40000), -1);
  EXPECT_EQ(errno, EINVAL);
  ASSERT_EQ(strdp_ioctl(e, I_SETSIG, 0), 0);
  signal(SIGPOLL, SIG_IGN);
}

TEST(Poll, TheDescriptorWakesAPollLoop) {
  Stream e("echo");
  int fd = strdp_fd(e);
  ASSERT_GE(fd, 0);
  EXPECT_EQ(strdp_poll(e, POLLIN | POLLOUT), POLLOUT) << "writable, nothing to read";
  std::thread t([&] {
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
    put(e, "", "wake");
  });
  short got = 0;
  for (int i = 0; i < 50 && !(got & POLLIN); ++i) {
    pollfd p{fd, POLLIN, 0};
    int n = poll(&p, 1, 100);
    ASSERT_GE(n, 0);
    got = strdp_poll(e, POLLIN | POLLRDNORM);
  }
  t.join();
  EXPECT_EQ(got, POLLIN | POLLRDNORM);
  EXPECT_EQ(get(e).data, "wake");
  strbuf c{0, 1, const_cast<char *>("p")};
  ASSERT_EQ(strdp_putmsg(e, &c, nullptr, RS_HIPRI), 0);
  for (int i = 0; i < 100 && !(strdp_poll(e, POLLPRI) & POLLPRI); ++i) {
    pollfd p{fd, POLLIN, 0};
    poll(&p, 1, 20);
  }
  EXPECT_EQ(strdp_poll(e, POLLPRI | POLLIN), POLLPRI);
}

TEST(Batch, ManyMessagesBothWaysInOrder) {
  Stream e("echo");
  constexpr int kN = 2000;
  std::vector<std::string> sent(kN);
  std::vector<strdp_msg> out(kN);
  for (int i = 0; i < kN; ++i) {
    sent[i] = "msg-" + std::to_string(i) + std::string(static_cast<size_t>(i % 100), 'z');
    out[i].ctl = {0, -1, nullptr};
    out[i].data = {0, static_cast<int>(sent[i].size()), sent[i].data()};
    out[i].band = 0;
    out[i].flags = MSG_BAND;
  }
  int put = 0;
  while (put < kN) {
    int n = strdp_putmsgv(e, out.data() + put, kN - put);
    ASSERT_GT(n, 0) << strerror(errno);
    put += n;
  }
  std::vector<std::vector<char>> bufs(64, std::vector<char>(256));
  std::vector<strdp_msg> in(64);
  int got = 0;
  while (got < kN) {
    for (int i = 0; i < 64; ++i) {
      in[i].ctl = {0, -1, nullptr};
      in[i].ctl.maxlen = -1;
      in[i].data = {256, -1, bufs[i].data()};
    }
    int n = strdp_getmsgv(e, in.data(), 64);
    ASSERT_GT(n, 0) << strerror(errno);
    for (int i = 0; i < n; ++i, ++got)
      ASSERT_EQ(std::string(in[i].data.buf, static_cast<size_t>(in[i].data.len)), sent[got]);
  }
}

TEST(FlowControl, AFullStreamSaysEagainAndLosesNothing) {
  Stream e("echo");
  ASSERT_EQ(strdp_set_nonblock(e, 1), 0);
  uint64_t drops0 = g_daemon->app_counters().value("drops", 0ull);
  std::string data(16384, 'f');
  int accepted = 0;
  for (int i = 0; i < 20000; ++i) {
    data[0] = static_cast<char>(i);
    if (put(e, "", data) != 0) {
      ASSERT_EQ(errno, EAGAIN);
      break;
    }
    ++accepted;
  }
  ASSERT_LT(accepted, 20000) << "flow control never pushed back";
  ASSERT_GT(accepted, 0);
  ASSERT_EQ(strdp_set_nonblock(e, 0), 0);
  for (int i = 0; i < accepted; ++i) {
    Got g = get(e);
    ASSERT_EQ(g.rc, 0);
    ASSERT_EQ(g.data.size(), data.size());
    ASSERT_EQ(g.data[0], static_cast<char>(i)) << "in order";
  }
  EXPECT_EQ(g_daemon->app_counters().value("drops", 0ull), drops0);
}

// CPU seconds a process has used (utime + stime from /proc).
double cpu_seconds(pid_t pid) {
  char path[64];
  snprintf(path, sizeof path, "/proc/%d/stat", static_cast<int>(pid));
  FILE *f = fopen(path, "r");
  if (f == nullptr) return -1;
  char buf[1024];
  size_t n = fread(buf, 1, sizeof buf - 1, f);
  fclose(f);
  buf[n] = '\0';
  const char *p = strrchr(buf, ')');  // the command name may hold spaces
  unsigned long ut = 0, st = 0;
  if (p == nullptr || sscanf(p + 2, "%*c %*d %*d %*d %*d %*d %*u %*u %*u %*u %*u %lu %lu", &ut, &st) != 2)
    return -1;
  return static_cast<double>(ut + st) / static_cast<double>(sysconf(_SC_CLK_TCK));
}

TEST(Idle, ABlockedReaderAndTheDaemonSleep) {
  Stream e("echo");
  std::atomic<bool> done{false};
  std::thread reader([&] {
    Got g = get(e);  // blocks until the message below
    done = g.rc == 0 && g.data == "bye";
  });
  std::this_thread::sleep_for(std::chrono::milliseconds(200));  // past the spins
  double d0 = cpu_seconds(g_daemon->pid()), a0 = cpu_seconds(getpid());
  std::this_thread::sleep_for(std::chrono::milliseconds(1500));
  double d1 = cpu_seconds(g_daemon->pid()), a1 = cpu_seconds(getpid());
  put(e, "", "bye");
  reader.join();
  EXPECT_TRUE(done.load());
  // Generous bounds (a busy machine's scheduling noise, sanitizer
  // builds): a spinning side would use the whole 1.5 s.
  EXPECT_LT(d1 - d0, 0.3) << "streamsd used CPU while its only application waited";
  EXPECT_LT(a1 - a0, 0.3) << "the waiting application used CPU";
}

TEST(Daemon, ListShowsThisProcessesStreams) {
  Stream e("echo");
  ASSERT_EQ(strdp_ioctl(e, I_PUSH, reinterpret_cast<intptr_t>("passmod")), 0);
  bool seen = false;
  for (auto &r : g_daemon->app_streams())
    if (r["pid"].get<int>() == getpid() && r["name"] == "echo" &&
        r["modules"] == nlohmann::json::array({"passmod"}) &&
        r["uid"].get<unsigned>() == geteuid())
      seen = true;
  EXPECT_TRUE(seen) << g_daemon->app_streams().dump();
}

}  // namespace

int main(int argc, char **argv) {
  ::testing::InitGoogleTest(&argc, argv);
  ::testing::AddGlobalTestEnvironment(new apptest::DaemonEnv(&g_daemon));
  return RUN_ALL_TESTS();
}
