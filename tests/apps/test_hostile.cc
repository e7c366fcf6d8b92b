// Applications that misbehave, against a real streamsd:
//  - a fuzzing client that speaks the wire protocol itself (shm_proto.h)
//    and scribbles random bytes over its regions, its ring positions and
//    its socket, for a bounded time, while a well-behaved client (the
//    library) checks that every one of its own messages comes back
//    intact; the daemon keeps serving and counts the violations;
//  - an application killed with SIGKILL holding streams, pushed modules
//    and queued messages: its streams are closed and every buffer comes
//    back.
// Every client runs in a child process of its own (one connection per
// process is the library's rule), so this process never connects.
#include <fcntl.h>
#include <signal.h>
#include <sys/mman.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <unistd.h>

#include <gtest/gtest.h>
#include <strdp/strdp_app.h>

#include <chrono>
#include <cstring>
#include <random>
#include <string>
#include <thread>

#include "daemon.h"
#include "shm/shm_proto.h"

namespace {

using namespace strdp::shm;
using Clock = std::chrono::steady_clock;

// A raw connection: one open of `name`; the region and doorbells, or
// nothing (-1) when the daemon refused or closed us.
struct Raw {
  int sock = -1;
  uint8_t *region = nullptr;
  int fds[3] = {-1, -1, -1};
  bool open(const std::string &path, const char *name) {
    sock = socket(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0);
    sockaddr_un a{};
    a.sun_family = AF_UNIX;
    snprintf(a.sun_path, sizeof a.sun_path, "%s", path.c_str());
    if (connect(sock, reinterpret_cast<sockaddr *>(&a), sizeof a) != 0) return false;
    OpenReq rq{kMagic, kVersion, O_RDWR, 0, {}};
    snprintf(rq.name, sizeof rq.name, "%s", name);
    if (send(sock, &rq, sizeof rq, MSG_NOSIGNAL) != sizeof rq) return false;
    OpenRep rep{};
    iovec iov{&rep, sizeof rep};
    alignas(cmsghdr) char cbuf[CMSG_SPACE(3 * sizeof(int))];
    msghdr mh{};
    mh.msg_iov = &iov;
    mh.msg_iovlen = 1;
    mh.msg_control = cbuf;
    mh.msg_controllen = sizeof cbuf;
    if (recvmsg(sock, &mh, MSG_CMSG_CLOEXEC) != sizeof rep || rep.err != 0) return false;
    cmsghdr *c = CMSG_FIRSTHDR(&mh);
    if (c == nullptr || c->cmsg_type != SCM_RIGHTS) return false;
    memcpy(fds, CMSG_DATA(c), sizeof fds);
    void *p = mmap(nullptr, rep.region_size, PROT_READ | PROT_WRITE, MAP_SHARED, fds[0], 0);
    if (p == MAP_FAILED) return false;
    region = static_cast<uint8_t *>(p);
    return true;
  }
  void ring() {
    char b = 1;
    if (write(fds[2], &b, 1) < 0) {
    }
  }
  ~Raw() {
    if (region != nullptr) munmap(region, kRegionSize);
    for (int f : fds)
      if (f >= 0) close(f);
    if (sock >= 0) close(sock);
  }
};

// The fuzzer's life: until `until`, connections that do one bad thing
// each, chosen at random.
int fuzz(const std::string &path, Clock::time_point until, unsigned seed) {
  signal(SIGPIPE, SIG_IGN);  // the daemon closes our doorbells on us
  std::mt19937_64 rng(seed);
  unsigned rounds = 0;
  while (Clock::now() < until) {
    Raw r;
    if (!r.open(path, "echo")) continue;
    auto *h = reinterpret_cast<Header *>(r.region);
    switch (rng() % 6) {
      case 0:  // random bytes over the whole region
        for (uint32_t i = 0; i < kRegionSize; i += 8) {
          uint64_t v = rng();
          memcpy(r.region + i, &v, 8);
        }
        break;
      case 1:  // a producer position far ahead
        store_rel(h->wr_prod.v, rng());
        store_rel<uint64_t>(h->req_prod.v, rng() & ~7ull);
        break;
      case 2: {  // a plausible record with lying lengths
        uint8_t *wr = r.region + kHeaderSize;
        RecHdr rh{static_cast<uint32_t>(rng() % 4096), static_cast<uint16_t>(rng() % 6), 0};
        PutBody pb{static_cast<int32_t>(rng() % 300) - 20, static_cast<int32_t>(rng() % 4),
                   static_cast<int32_t>(rng() % 3000) - 2, static_cast<int32_t>(rng())};
        memcpy(wr, &rh, sizeof rh);
        memcpy(wr + sizeof rh, &pb, sizeof pb);
        store_rel(h->wr_prod.v, static_cast<uint64_t>(align8(rh.len)));
        break;
      }
      case 3: {  // requests of random ops and arguments
        uint8_t *rq = r.region + kHeaderSize + kWrRingSize;
        uint64_t pos = 0;
        for (int i = 0; i < 16; ++i) {
          RecHdr rh{sizeof(RecHdr) + sizeof(Request), kRequest, 0};
          Request q{};
          q.op = static_cast<uint32_t>(rng() % 12);
          q.seq = static_cast<uint32_t>(i);
          for (auto &a : q.a) a = static_cast<int64_t>(rng() % 5 == 0 ? rng() : rng() % 70000);
          q.a[0] = rng() % 2 ? static_cast<int64_t>(rng() % 0x5420) : q.a[0];
          q.flags = kReqNonblock;
          memcpy(rq + pos, &rh, sizeof rh);
          memcpy(rq + pos + sizeof rh, &q, sizeof q);
          pos += align8(rh.len);
        }
        store_rel(h->req_prod.v, pos);
        break;
      }
      case 4: {  // garbage datagrams on the socket
        char junk[512];
        for (auto &c : junk) c = static_cast<char>(rng());
        send(r.sock, junk, rng() % sizeof junk + 1, MSG_NOSIGNAL | MSG_DONTWAIT);
        break;
      }
      case 5:  // positions that go backwards after a valid write
        store_rel(h->rep_cons.v, rng());
        store_rel<uint64_t>(h->wr_prod.v, 8);
        break;
    }
    r.ring();
    std::this_thread::sleep_for(std::chrono::milliseconds(rng() % 5));
    ++rounds;
  }
  return rounds > 0 ? 0 : 1;
}

// The well-behaved client: messages with a sequence number and a
// checksum-like pattern, each read back and compared.
int honest(Clock::time_point until) {
  strdp_stream_t *sp = strdp_open("echo", O_RDWR, nullptr);
  if (sp == nullptr) return 2;
  std::mt19937 rng(7);
  unsigned n = 0;
  std::string msg;
  char buf[70000];
  while (Clock::now() < until) {
    size_t len = 1 + rng() % 8000;
    msg.resize(len);
    for (size_t i = 0; i < len; ++i) msg[i] = static_cast<char>((n * 31 + i * 7) & 0xff);
    strbuf d{0, static_cast<int>(len), msg.data()};
    if (strdp_putmsg(sp, nullptr, &d, 0) != 0) return 3;
    strbuf g{sizeof buf, -1, buf};
    int flags = 0;
    if (strdp_getmsg(sp, nullptr, &g, &flags) != 0) return 4;
    if (g.len != static_cast<int>(len) || memcmp(buf, msg.data(), len) != 0) return 5;
    ++n;
  }
  strdp_close(sp);
  return n > 100 ? 0 : 6;
}

int wait_exit(pid_t pid) {
  int st = 0;
  if (waitpid(pid, &st, 0) != pid) return -1;
  return WIFEXITED(st) ? WEXITSTATUS(st) : 128 + WTERMSIG(st);
}

template <class F>
pid_t child(F f) {
  pid_t pid = fork();
  if (pid == 0) _exit(f());
  return pid;
}

// Waits until the daemon holds no application stream and its buffers
// are back to `base`.
bool settles(const apptest::Daemon &d, long base) {
  for (int i = 0; i < 100; ++i) {
    if (d.app_streams().empty() && d.mbufs_in_use() == base) return true;
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
  return false;
}

class Hostile : public ::testing::Test {
 protected:
  void SetUp() override { ASSERT_TRUE(d_.start(apptest::kDevices)); }
  void TearDown() override { EXPECT_EQ(d_.stop(), 0) << "streamsd stops clean"; }
  apptest::Daemon d_;
};

TEST_F(Hostile, AFuzzingClientHurtsOnlyItself) {
  long base = d_.mbufs_in_use();
  ASSERT_GE(base, 0);
  auto until = Clock::now() + std::chrono::seconds(4);
  pid_t good = child([&] { return honest(until); });
  pid_t bad1 = child([&] { return fuzz(d_.apps_socket(), until, 1); });
  pid_t bad2 = child([&] { return fuzz(d_.apps_socket(), until, 2); });
  EXPECT_EQ(wait_exit(good), 0) << "2 open, 3 put, 4 get, 5 corrupted, 6 too few";
  EXPECT_EQ(wait_exit(bad1), 0);
  EXPECT_EQ(wait_exit(bad2), 0);
  auto c = d_.app_counters();
  EXPECT_GT(c.value("violations", 0ull), 0u) << c.dump();
  EXPECT_TRUE(settles(d_, base)) << "streams left: " << d_.app_streams().dump()
                                 << " buffers " << d_.mbufs_in_use() << " vs " << base;
}

TEST_F(Hostile, AKilledApplicationsStreamsCloseAndItsBuffersComeBack) {
  long base = d_.mbufs_in_use();
  int ready[2];
  ASSERT_EQ(pipe(ready), 0);
  pid_t pid = child([&] {
    strdp_stream_t *s[3];
    for (auto &sp : s) {
      sp = strdp_open("echo", O_RDWR, nullptr);
      if (sp == nullptr) return 2;
      if (strdp_ioctl(sp, I_PUSH, reinterpret_cast<intptr_t>("passmod")) != 0) return 3;
      // Echoed back and left unread until flow control says no more (a
      // blocking putmsg would wait there for a reader that never comes).
      strdp_set_nonblock(sp, 1);
      std::string data(1000, 'k');
      int sent = 0;
      for (int i = 0; i < 50; ++i, ++sent) {
        strbuf d{0, static_cast<int>(data.size()), data.data()};
        if (strdp_putmsg(sp, nullptr, &d, 0) != 0) break;
      }
      if (sent == 0) return 4;
    }
    // A persistent link that outlives the stream that made it (xconn is
    // root's in the test daemon: without root there is none).
    strdp_stream_t *x = strdp_open("xconn", O_RDWR, nullptr);
    strdp_stream_t *lower = strdp_open("echo", O_RDWR, nullptr);
    if (x != nullptr) {
      if (lower == nullptr || strdp_ioctl(x, I_PLINK, reinterpret_cast<intptr_t>(lower)) <= 0)
        return 6;
      strdp_close(x);
    }
    strdp_ioctl(s[0], I_FLUSH, 0);  // a request in flight, maybe
    char b = 1;
    if (write(ready[1], &b, 1) != 1) return 5;
    pause();
    return 0;
  });
  char b;
  ASSERT_EQ(read(ready[0], &b, 1), 1);
  for (int i = 0; i < 100 && d_.app_streams().size() < 4; ++i)
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  ASSERT_EQ(d_.app_streams().size(), 4u) << "three echo streams and the linked lower";
  EXPECT_GT(d_.mbufs_in_use(), base) << "its messages are held in the daemon";
  kill(pid, SIGKILL);
  EXPECT_EQ(wait_exit(pid), 128 + SIGKILL);
  EXPECT_TRUE(settles(d_, base)) << "streams left: " << d_.app_streams().dump()
                                 << " buffers " << d_.mbufs_in_use() << " vs " << base;
  EXPECT_GE(d_.app_counters().value("closes", 0ull), 3u);
  close(ready[0]);
  close(ready[1]);
}

}  // namespace

int main(int argc, char **argv) {
  ::testing::InitGoogleTest(&argc, argv);
  return RUN_ALL_TESTS();
}
