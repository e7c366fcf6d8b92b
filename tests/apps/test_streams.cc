// [[apps.stream]]: a stream the configuration built, opened by name from
// an ordinary process. Here it is the copy stream of a sniffer on a
// poll-mode lane (net_null ports cross-connected by xconn): the copies
// cross from the lane's lcore to the apps service and reach this
// application intact. One application at a time; what it pushes goes when
// it closes; what the configuration pushed stays (anchored); it cannot be
// linked under a mux; and the daemon stops clean (no buffer leaked).
#include <fcntl.h>
#include <sys/wait.h>
#include <unistd.h>

#include <gtest/gtest.h>
#include <strdp/strdp_app.h>

#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string>
#include <vector>

#include "daemon_env.h"

namespace {

apptest::Daemon *g_daemon;

// 64-byte frames from net_null, cut to 60 by the sniffer.
constexpr int kSnap = 60;

const char kConfig[] = R"(
[[apps.stream]]
name = "cap"
driver = "echo"
modules = ["passmod"]
mode = "0666"

[lcores]
workers = "1"

[[port]]
name = "net0"
device = "net_null0"

[[port]]
name = "net1"
device = "net_null1"

[[stream]]
name = "s0"
driver = "pmd"
port = "net0"
modules = [{ name = "sniffer", args = "to=cap dir=rd snaplen=60" }]

[[stream]]
name = "s1"
driver = "pmd"
port = "net1"

[[stream]]
name = "x0"
driver = "xconn"

[[link]]
mux = "x0"
lower = "s0"

[[link]]
mux = "x0"
lower = "s1"

[[apps.device]]
name = "xconn"
mode = "0666"
)";

std::vector<std::string> modules_of(strdp_stream_t *sp) {
  str_mlist names[8];
  str_list l{8, names};
  std::vector<std::string> out;
  if (strdp_ioctl(sp, I_LIST, reinterpret_cast<intptr_t>(&l)) != 0) return out;
  for (int i = 0; i < l.sl_nmods; ++i) out.emplace_back(names[i].l_name);
  return out;
}

TEST(AppsStream, TheSniffersCopiesReachTheApplication) {
  strdp_stream_t *sp = strdp_open("cap", O_RDWR, nullptr);
  ASSERT_NE(sp, nullptr) << strerror(errno);
  std::vector<char> buf(2048);
  for (int i = 0; i < 2000; ++i) {
    strbuf db{static_cast<int>(buf.size()), -1, buf.data()};
    int flags = 0;
    ASSERT_EQ(strdp_getmsg(sp, nullptr, &db, &flags), 0);
    ASSERT_EQ(db.len, kSnap) << "copy " << i << ": a 64-byte frame cut to snaplen";
  }
  EXPECT_EQ(strdp_close(sp), 0);
}

// The example capture reader (apps/strdp-examples) makes a pcap file of
// the copy stream.
TEST(AppsStream, StrdpCaptureWritesThemAsPcap) {
  const char *exe = getenv("STRDP_CAPTURE");
  ASSERT_NE(exe, nullptr) << "STRDP_CAPTURE is not set (meson test sets it)";
  std::string file = g_daemon->dir() + "/cap.pcap";
  std::string cmd = std::string(exe) + " cap -c 50 > " + file;
  ASSERT_EQ(system(cmd.c_str()), 0) << cmd;
  FILE *f = fopen(file.c_str(), "rb");
  ASSERT_NE(f, nullptr);
  uint32_t hdr[6];
  ASSERT_EQ(fread(hdr, sizeof hdr, 1, f), 1u);
  EXPECT_EQ(hdr[0], 0xa1b2c3d4u);
  EXPECT_EQ(hdr[5], 1u) << "link type Ethernet";
  int records = 0;
  uint32_t rec[4];
  std::vector<char> pkt(70000);
  while (fread(rec, sizeof rec, 1, f) == 1) {
    ASSERT_EQ(rec[2], static_cast<uint32_t>(kSnap)) << "record " << records;
    ASSERT_EQ(fread(pkt.data(), rec[2], 1, f), 1u);
    ++records;
  }
  fclose(f);
  EXPECT_EQ(records, 50);
}

TEST(AppsStream, OneApplicationAtATime) {
  strdp_stream_t *a = strdp_open("/dev/cap", O_RDONLY, nullptr);
  ASSERT_NE(a, nullptr) << strerror(errno);
  EXPECT_EQ(strdp_open("cap", O_RDONLY, nullptr), nullptr);
  EXPECT_EQ(errno, EBUSY);
  pid_t pid = fork();
  if (pid == 0) {
    // Another process: busy as well (the library forgets the parent's
    // connection in a child).
    strdp_stream_t *c = strdp_open("cap", O_RDONLY, nullptr);
    _exit(c == nullptr && errno == EBUSY ? 0 : 1);
  }
  int status = 0;
  ASSERT_EQ(waitpid(pid, &status, 0), pid);
  EXPECT_TRUE(WIFEXITED(status) && WEXITSTATUS(status) == 0);
  EXPECT_EQ(strdp_close(a), 0);
  strdp_stream_t *b = strdp_open("cap", O_RDONLY, nullptr);
  EXPECT_NE(b, nullptr) << "free again once closed: " << strerror(errno);
  if (b != nullptr) strdp_close(b);
}

TEST(AppsStream, ClosingGivesItBackAsItWasBuilt) {
  strdp_stream_t *sp = strdp_open("cap", O_RDWR, nullptr);
  ASSERT_NE(sp, nullptr) << strerror(errno);
  EXPECT_EQ(modules_of(sp), (std::vector<std::string>{"passmod", "echo"}));
  EXPECT_EQ(strdp_ioctl(sp, I_POP, 0), -1);
  EXPECT_EQ(errno, EPERM) << "the configuration's module is anchored";
  ASSERT_EQ(strdp_ioctl(sp, I_PUSH, reinterpret_cast<intptr_t>("charconv")), 0);
  ASSERT_EQ(strdp_ioctl(sp, I_SRDOPT, RMSGD), 0);
  EXPECT_EQ(strdp_close(sp), 0);
  sp = strdp_open("cap", O_RDWR, nullptr);
  ASSERT_NE(sp, nullptr) << strerror(errno);
  EXPECT_EQ(modules_of(sp), (std::vector<std::string>{"passmod", "echo"}));
  int opt = -1;
  ASSERT_EQ(strdp_ioctl(sp, I_GRDOPT, reinterpret_cast<intptr_t>(&opt)), 0);
  EXPECT_EQ(opt & RMODEMASK, RNORM) << "read options restored";
  EXPECT_EQ(strdp_close(sp), 0);
}

TEST(AppsStream, ItCannotBeLinkedUnderAMux) {
  strdp_stream_t *mux = strdp_open("xconn", O_RDWR, nullptr);
  ASSERT_NE(mux, nullptr) << strerror(errno);
  strdp_stream_t *sp = strdp_open("cap", O_RDWR, nullptr);
  ASSERT_NE(sp, nullptr) << strerror(errno);
  EXPECT_EQ(strdp_ioctl(mux, I_LINK, reinterpret_cast<intptr_t>(sp)), -1);
  EXPECT_EQ(errno, EINVAL);
  EXPECT_EQ(strdp_ioctl(mux, I_PLINK, reinterpret_cast<intptr_t>(sp)), -1);
  EXPECT_EQ(errno, EINVAL);
  strdp_close(sp);
  strdp_close(mux);
}

TEST(AppsStream, ListShowsTheApplicationOnIt) {
  strdp_stream_t *sp = strdp_open("cap", O_RDONLY, nullptr);
  ASSERT_NE(sp, nullptr) << strerror(errno);
  bool seen = false;
  for (const auto &r : g_daemon->app_streams())
    seen = seen || (r.value("name", "") == "cap" && r.value("pid", 0) == getpid());
  EXPECT_TRUE(seen) << g_daemon->app_streams().dump();
  // The configured stream itself: who has it, and what it dropped while
  // full (net_null sends far more than anyone reads here).
  nlohmann::json conf = g_daemon->request({{"cmd", "stats"}})["apps"]["configured"];
  ASSERT_EQ(conf.size(), 1u) << conf.dump();
  EXPECT_EQ(conf[0].value("name", ""), "cap");
  EXPECT_EQ(conf[0].value("pid", 0), getpid());
  EXPECT_GT(conf[0].value("drops", 0ull), 0ull) << "a full copy stream drops, and counts";
  strdp_close(sp);
  conf = g_daemon->request({{"cmd", "list"}})["apps"]["configured"];
  EXPECT_EQ(conf[0].value("pid", -1), 0) << "detached";
}

}  // namespace

int main(int argc, char **argv) {
  ::testing::InitGoogleTest(&argc, argv);
  ::testing::AddGlobalTestEnvironment(new apptest::DaemonEnv(
      &g_daemon, kConfig, R"("-l", "0-1", "--vdev=net_null0", "--vdev=net_null1")"));
  return RUN_ALL_TESTS();
}
