// streamsd stops under a running application: the application sees a
// hangup on every stream (read 0, getmsg end of file, write ENXIO,
// POLLHUP, its strdp_fd readable), and the daemon still stops clean.
#include <fcntl.h>
#include <poll.h>
#include <unistd.h>

#include <gtest/gtest.h>
#include <strdp/strdp_app.h>

#include <cerrno>

#include "daemon.h"

namespace {

TEST(Hangup, ApplicationsSeeTheDaemonGo) {
  apptest::Daemon d;
  ASSERT_TRUE(d.start(apptest::kDevices));
  strdp_stream_t *a = strdp_open("echo", O_RDWR, nullptr);
  strdp_stream_t *b = strdp_open("echo", O_RDWR, nullptr);
  ASSERT_NE(a, nullptr);
  ASSERT_NE(b, nullptr);
  int fd = strdp_fd(b);
  ASSERT_GE(fd, 0);
  EXPECT_EQ(strdp_poll(b, POLLIN | POLLOUT) & POLLHUP, 0);
  EXPECT_EQ(d.stop(), 0) << "stopped clean with applications attached";
  pollfd p{fd, POLLIN, 0};
  EXPECT_EQ(poll(&p, 1, 5000), 1) << "strdp_fd wakes on the hangup";
  EXPECT_TRUE(strdp_poll(b, POLLIN | POLLOUT) & POLLHUP);
  char buf[16];
  EXPECT_EQ(strdp_read(a, buf, sizeof buf), 0) << "end of file";
  strbuf c{sizeof buf, -2, buf}, dd{sizeof buf, -2, buf};
  int flags = 0;
  EXPECT_EQ(strdp_getmsg(a, &c, &dd, &flags), 0);
  EXPECT_EQ(c.len, 0) << "as the in-process head after M_HANGUP";
  EXPECT_EQ(dd.len, 0);
  EXPECT_EQ(strdp_write(a, "x", 1), -1);
  EXPECT_EQ(errno, ENXIO);
  strbuf w{0, 1, const_cast<char *>("x")};
  EXPECT_EQ(strdp_putmsg(b, nullptr, &w, 0), -1);
  EXPECT_EQ(errno, ENXIO);
  EXPECT_EQ(strdp_close(a), 0);
  EXPECT_EQ(strdp_close(b), 0);
  errno = 0;
  EXPECT_EQ(strdp_open("echo", O_RDWR, nullptr), nullptr) << "no daemon any more";
  EXPECT_NE(errno, 0);
}

}  // namespace

int main(int argc, char **argv) {
  ::testing::InitGoogleTest(&argc, argv);
  return RUN_ALL_TESTS();
}
