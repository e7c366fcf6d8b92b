// The control server over a real UNIX socket: several clients, pipelined
// requests, over-long lines, clients that vanish mid-request, the socket
// file's mode, a stale file, a second daemon on the same path.
#include <gtest/gtest.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <unistd.h>

#include <filesystem>
#include <thread>

#include "control/client.h"
#include "control/server.h"
#include "dp_fixture.h"

namespace strdp::test {
namespace {

using nlohmann::json;

class ServerTest : public ::testing::Test {
 protected:
  void SetUp() override {
    char tmpl[] = "/tmp/strdp-ctl-XXXXXX";
    ASSERT_NE(mkdtemp(tmpl), nullptr);
    dir_ = tmpl;
    chmod(tmpl, 0755);  // others may reach the socket: its own mode decides
    path_ = dir_ + "/sub/streamsd.sock";  // the server makes "sub"
    dp_ = start_dataplane("[lcores]\nworkers = \"1\"\n"
                          "[[stream]]\nname = \"e0\"\ndriver = \"echo\"\n");
    ASSERT_NE(dp_, nullptr);
    d_ = std::make_unique<control::Dispatcher>(*dp_);
    srv_ = std::make_unique<control::Server>(*d_);
  }
  void TearDown() override {
    stop_serving();
    srv_.reset();
    if (dp_ != nullptr) {
      daemon::StopReport r = dp_->stop();
      EXPECT_EQ(r.leak.start, r.leak.stop);
    }
    std::error_code ec;
    std::filesystem::remove_all(dir_, ec);
  }
  void serve(unsigned mode = 0600) {
    std::string why;
    ASSERT_TRUE(srv_->open(path_, mode, "", &why)) << why;
    thread_ = std::thread([this] { srv_->serve(stop_); });
  }
  void stop_serving() {
    if (!thread_.joinable()) return;
    stop_ = true;
    srv_->wake();
    thread_.join();
  }
  // A raw connection, for what the Client class would never send.
  int raw_connect() {
    int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
    sockaddr_un a{};
    a.sun_family = AF_UNIX;
    snprintf(a.sun_path, sizeof a.sun_path, "%s", path_.c_str());
    EXPECT_EQ(connect(fd, reinterpret_cast<sockaddr *>(&a), sizeof a), 0) << strerror(errno);
    return fd;
  }
  static void send_all(int fd, const std::string &s) {
    for (size_t off = 0; off < s.size();) {
      ssize_t n = send(fd, s.data() + off, s.size() - off, MSG_NOSIGNAL);
      ASSERT_GT(n, 0) << strerror(errno);
      off += static_cast<size_t>(n);
    }
  }
  // Reads n reply lines (blocking; the server answers every line).
  static std::vector<json> read_lines(int fd, size_t n) {
    std::vector<json> out;
    std::string buf;
    char b[4096];
    while (out.size() < n) {
      size_t nl;
      while (out.size() < n && (nl = buf.find('\n')) != std::string::npos) {
        out.push_back(json::parse(buf.substr(0, nl), nullptr, false));
        buf.erase(0, nl + 1);
      }
      if (out.size() == n) break;
      ssize_t r = recv(fd, b, sizeof b, 0);
      if (r <= 0) break;
      buf.append(b, static_cast<size_t>(r));
    }
    return out;
  }

  std::string dir_, path_;
  std::unique_ptr<daemon::Dataplane> dp_;
  std::unique_ptr<control::Dispatcher> d_;
  std::unique_ptr<control::Server> srv_;
  std::atomic<bool> stop_{false};
  std::thread thread_;
};

TEST_F(ServerTest, MakesTheDirectoryAndGivesTheSocketItsMode) {
  serve(0640);
  struct stat st;
  ASSERT_EQ(stat(path_.c_str(), &st), 0);
  EXPECT_TRUE(S_ISSOCK(st.st_mode));
  EXPECT_EQ(st.st_mode & 07777, 0640u);
  stop_serving();
  srv_->close();
  EXPECT_NE(access(path_.c_str(), F_OK), 0) << "socket file left behind";
}

TEST_F(ServerTest, SeveralClientsEachGetTheirOwnReplies) {
  serve();
  control::Client a, b;
  std::string why;
  ASSERT_TRUE(a.connect(path_, &why)) << why;
  ASSERT_TRUE(b.connect(path_, &why)) << why;
  for (int i = 0; i < 20; ++i) {
    json ra, rb;
    ASSERT_TRUE(a.call({{"cmd", "list"}, {"id", i}}, &ra, &why)) << why;
    ASSERT_TRUE(b.call({{"cmd", "nope"}, {"id", -i}}, &rb, &why)) << why;
    EXPECT_EQ(ra["id"], i);
    EXPECT_TRUE(ra["ok"].get<bool>());
    EXPECT_EQ(rb["id"], -i);
    EXPECT_FALSE(rb["ok"].get<bool>());
  }
}

TEST_F(ServerTest, PipelinedRequestsAreAnsweredInOrder) {
  serve();
  int fd = raw_connect();
  std::string batch;
  for (int i = 0; i < 50; ++i) batch += json({{"cmd", "list"}, {"id", i}}).dump() + "\r\n";
  send_all(fd, batch);
  std::vector<json> r = read_lines(fd, 50);
  ASSERT_EQ(r.size(), 50u);
  for (int i = 0; i < 50; ++i) EXPECT_EQ(r[i]["id"], i);
  close(fd);
}

TEST_F(ServerTest, AnOverlongLineIsRefusedAndTheConnectionGoesOn) {
  serve();
  int fd = raw_connect();
  send_all(fd, std::string(control::kMaxRequest * 3, 'x') + "\n" +
                   R"({"cmd":"list","id":"after"})" + "\n");
  std::vector<json> r = read_lines(fd, 2);
  ASSERT_EQ(r.size(), 2u);
  EXPECT_FALSE(r[0]["ok"].get<bool>());
  EXPECT_NE(r[0]["error"].get<std::string>().find("longer than"), std::string::npos);
  EXPECT_EQ(r[1]["id"], "after");
  EXPECT_TRUE(r[1]["ok"].get<bool>());
  close(fd);
}

TEST_F(ServerTest, GarbageBytesGetAnErrorNotACrash) {
  serve();
  int fd = raw_connect();
  std::string junk;
  for (int i = 0; i < 256; ++i) junk += static_cast<char>(i == '\n' ? 'n' : i);
  send_all(fd, junk + "\n" + R"({"cmd":"list"})" + "\n");
  std::vector<json> r = read_lines(fd, 2);
  ASSERT_EQ(r.size(), 2u);
  EXPECT_FALSE(r[0]["ok"].get<bool>());
  EXPECT_TRUE(r[1]["ok"].get<bool>());
  close(fd);
}

TEST_F(ServerTest, AClientThatVanishesMidRequestHurtsNobody) {
  serve();
  for (int i = 0; i < 10; ++i) {
    int fd = raw_connect();
    send_all(fd, R"({"cmd":"push","stream":"e0","mod)");  // no newline
    close(fd);
  }
  // One that sends a whole request and hangs up before reading.
  int fd = raw_connect();
  send_all(fd, R"({"cmd":"list"})" "\n");
  close(fd);
  control::Client c;
  std::string why;
  ASSERT_TRUE(c.connect(path_, &why)) << why;
  json r;
  ASSERT_TRUE(c.call({{"cmd", "list"}}, &r, &why)) << why;
  EXPECT_TRUE(r["ok"].get<bool>());
  EXPECT_EQ(r["streams"][0]["modules"], json::array()) << "the partial push ran";
}

TEST_F(ServerTest, RepliesOwedToAHalfClosedClientAreStillSent) {
  serve();
  int fd = raw_connect();
  send_all(fd, R"({"cmd":"list","id":1})" "\n" R"({"cmd":"list","id":2})" "\n");
  shutdown(fd, SHUT_WR);
  std::vector<json> r = read_lines(fd, 2);
  ASSERT_EQ(r.size(), 2u);
  EXPECT_EQ(r[1]["id"], 2);
  close(fd);
}

TEST_F(ServerTest, AStaleSocketFileIsReplaced) {
  std::filesystem::create_directories(dir_ + "/sub");
  int fd = socket(AF_UNIX, SOCK_STREAM, 0);
  sockaddr_un a{};
  a.sun_family = AF_UNIX;
  snprintf(a.sun_path, sizeof a.sun_path, "%s", path_.c_str());
  ASSERT_EQ(bind(fd, reinterpret_cast<sockaddr *>(&a), sizeof a), 0);
  close(fd);  // a dead daemon's file: nobody listens
  serve();
  control::Client c;
  std::string why;
  EXPECT_TRUE(c.connect(path_, &why)) << why;
}

TEST_F(ServerTest, ASecondServerOnTheSamePathIsRefused) {
  serve();
  control::Server second(*d_);
  std::string why;
  EXPECT_FALSE(second.open(path_, 0600, "", &why));
  EXPECT_NE(why.find("another daemon answers"), std::string::npos) << why;
  // and the first one's file is still there and answers
  control::Client c;
  EXPECT_TRUE(c.connect(path_, &why)) << why;
}

TEST_F(ServerTest, SomethingElseAtThePathIsNotTouched) {
  std::filesystem::create_directories(dir_ + "/sub");
  FILE *f = fopen(path_.c_str(), "w");
  ASSERT_NE(f, nullptr);
  fclose(f);
  std::string why;
  EXPECT_FALSE(srv_->open(path_, 0600, "", &why));
  EXPECT_NE(why.find("not a socket"), std::string::npos) << why;
  EXPECT_EQ(access(path_.c_str(), F_OK), 0);
}

TEST_F(ServerTest, BadPathsAndGroupsAreRefused) {
  std::string why;
  EXPECT_FALSE(srv_->open(dir_ + "/" + std::string(120, 'p'), 0600, "", &why));
  EXPECT_NE(why.find("longer than"), std::string::npos) << why;
  EXPECT_FALSE(srv_->open(path_, 0600, "no-such-group-strdp", &why));
  EXPECT_NE(why.find("no group"), std::string::npos) << why;
  EXPECT_NE(access(path_.c_str(), F_OK), 0) << "a refused open left its file";
}

TEST_F(ServerTest, ModeKeepsOtherUsersOut) {
  serve(0600);
  // A child with another uid tries to connect: the file mode says no.
  // (Only system calls in the child: the parent has other threads, so
  // the child must not touch malloc.)
  sockaddr_un a{};
  a.sun_family = AF_UNIX;
  snprintf(a.sun_path, sizeof a.sun_path, "%s", path_.c_str());
  pid_t pid = fork();
  ASSERT_GE(pid, 0);
  if (pid == 0) {
    if (setgid(65534) != 0 || setuid(65534) != 0) _exit(3);
    int fd = socket(AF_UNIX, SOCK_STREAM, 0);
    if (fd < 0) _exit(4);
    if (connect(fd, reinterpret_cast<sockaddr *>(&a), sizeof a) == 0) _exit(1);
    _exit(errno == EACCES ? 0 : 2);
  }
  int status = 0;
  ASSERT_EQ(waitpid(pid, &status, 0), pid);
  ASSERT_TRUE(WIFEXITED(status));
  EXPECT_EQ(WEXITSTATUS(status), 0) << "1: connected, 2: other error, 3: cannot change uid";
  // The same child gets in once the mode lets others write: the mode is
  // what decided.
  ASSERT_EQ(chmod(path_.c_str(), 0666), 0);
  pid = fork();
  ASSERT_GE(pid, 0);
  if (pid == 0) {
    if (setgid(65534) != 0 || setuid(65534) != 0) _exit(3);
    int fd = socket(AF_UNIX, SOCK_STREAM, 0);
    if (fd < 0) _exit(4);
    _exit(connect(fd, reinterpret_cast<sockaddr *>(&a), sizeof a) == 0 ? 0 : 1);
  }
  ASSERT_EQ(waitpid(pid, &status, 0), pid);
  ASSERT_TRUE(WIFEXITED(status));
  EXPECT_EQ(WEXITSTATUS(status), 0);
}

TEST_F(ServerTest, ClientErrorsSayWhatIsWrong) {
  control::Client c;
  std::string why;
  int err = 0;
  EXPECT_FALSE(c.connect(dir_ + "/none.sock", &why, &err));
  EXPECT_EQ(err, ENOENT);
  EXPECT_NE(why.find("not running"), std::string::npos) << why;
}

}  // namespace
}  // namespace strdp::test
