// The pmd driver on net_memif between two processes: this test is the
// memif client, memif_peer (a DPDK process of its own) the server. Frames
// written on one side's stream arrive on the other's and come back, in
// order and byte for byte, while flow control holds the writer back: the
// peer does not read at first, so its stream head fills, its driver stops
// polling, the shared ring fills, our driver's tx buffer and write queue
// fill, and our putmsg says EAGAIN; nothing is lost. Both sides see the
// link come up (DL_NOTIFY_IND), and ours sees it go down when the peer
// closes.
//
// EAL: memif works with --no-huge and --no-shconf (the defaults of every
// test here) in copy mode: the rings and buffers are a memfd region of
// the driver's own. Zero-copy (the client's zero-copy=yes: the peer reads
// our mbufs in place) shares our EAL memory by file descriptor, which
// needs --single-file-segments as well; this binary adds it.
// docs/drivers.md ("Tested on") has the details.
#include <rte_ethdev.h>
#include <unistd.h>

#include <filesystem>
#include <sstream>

#include "dlpi_stream.h"
#include "eal_env.h"

#ifndef MEMIF_PEER
#define MEMIF_PEER ""
#endif

namespace strdp::test {
namespace {

// Frames per run: well over what the ring (1024), the tx buffer (32) and
// the write queue (64 KiB) hold together, so the writer must block.
constexpr int kFrames = 4096;
constexpr Millis kRunWait{120000};

std::string socket_path(const std::string &tag) {
  return "/tmp/strdp-memif-" + std::to_string(getpid()) + "-" + tag + ".sock";
}
// Ring of 2^10 slots, 2 KiB buffers (a 1514-byte frame in one), our own
// socket file.
std::string memif_args(const std::string &role, const std::string &tag) {
  return "role=" + role + ",id=0,socket=" + socket_path(tag) +
         ",socket-abstract=no,rsize=10,bsize=2048";
}

struct Case {
  const char *tag;   // socket name part
  const char *vdev;  // our device
  bool dlpi;         // DL_UNITDATA_REQ/IND rather than raw frames
  bool zero_copy;
};
constexpr Case kRaw{"raw", "net_memif0", false, false};
constexpr Case kDlpi{"dlpi", "net_memif1", true, false};
constexpr Case kZeroCopy{"zc", "net_memif2", false, true};

}  // namespace

std::vector<std::string> extra_eal_args() {
  std::vector<std::string> a = floating_lcore_args();
  a.push_back("--single-file-segments");
  for (const Case &c : {kRaw, kDlpi, kZeroCopy}) {
    a.push_back("--vdev");
    a.push_back(std::string(c.vdev) + "," + memif_args("client", c.tag) +
                (c.zero_copy ? ",zero-copy=yes" : ""));
  }
  return a;
}

namespace {

// Frame i: to the peer, from us, local experimental type; a sequence
// number, then a pattern; 60 to 1514 bytes.
Bytes frame(int i, const Mac &dst, const Mac &src) {
  size_t len = 60 + static_cast<size_t>(i) * 97 % (1514 - 60 + 1);
  Bytes p(len - 14);
  for (size_t k = 0; k < p.size(); ++k) p[k] = static_cast<uint8_t>(i * 13 + k);
  for (int k = 0; k < 4; ++k) p[k] = static_cast<uint8_t>(i >> (24 - 8 * k));
  return ether(dst, src, kEthLocalExp, p);
}

// The peer process; killed and its leftovers removed whatever happens.
class Peer {
 public:
  ~Peer() {
    if (child_.running()) {
      child_.close_stdin();
      if (child_.wait(Deadline(Millis(5000))) == -1) child_.signal(SIGKILL);
      child_.wait(Deadline(Millis(5000)));
    }
    std::error_code ec;
    if (!rundir_.empty()) std::filesystem::remove_all(rundir_, ec);
    std::filesystem::remove(socket_path(tag_), ec);
  }
  ::testing::AssertionResult start(const Case &c, bool swap) {
    tag_ = c.tag;
    std::string path = env("STRDP_MEMIF_PEER");
    if (path.empty()) path = MEMIF_PEER;
    std::vector<std::string> argv{path, std::to_string(kFrames), swap ? "1" : "0",
                                  "--no-huge", "-m", "256", "--no-pci", "--no-shconf"};
    for (const std::string &a : floating_lcore_args()) argv.push_back(a);
    for (const char *a : {"--log-level", "*:error", "--file-prefix"}) argv.push_back(a);
    argv.push_back("strdp-memif-peer-" + std::to_string(getpid()) + "-" + c.tag);
    argv.push_back("--vdev");
    argv.push_back("net_memif0," + memif_args("server", c.tag));
    if (int e = child_.start(argv); e != 0)
      return ::testing::AssertionFailure() << path << ": " << strerror(e);
    std::string line;
    if (!expect("ready", &line)) return ::testing::AssertionFailure() << "peer not ready";
    std::istringstream in(line);
    std::string word, mac;
    in >> word >> mac >> rundir_;
    auto m = parse_mac(mac);
    if (!m) return ::testing::AssertionFailure() << "peer said " << line;
    mac_ = *m;
    return ::testing::AssertionSuccess();
  }
  // The next line starting with prefix; a failure says what came instead.
  bool expect(const std::string &prefix, std::string *line) {
    if (child_.expect_line(prefix, line, Deadline(kAnswerWait * 3))) return true;
    ADD_FAILURE() << "peer: no \"" << prefix << "\" line; it said: " << child_.skipped()
                  << child_.rest();
    return false;
  }
  bool say(const std::string &s) { return child_.write_line(s); }
  int finish() {
    child_.write_line("quit");
    return child_.wait(Deadline(kAnswerWait));
  }
  const Mac &mac() const { return mac_; }

 private:
  Child child_;
  std::string tag_, rundir_;
  Mac mac_{};
};

class Memif : public ::testing::Test {
 protected:
  void TearDown() override {
    stream_.reset();
    if (port_ >= 0) {
      EXPECT_EQ(strdp_port_close(static_cast<uint16_t>(port_)), 0);
    }
  }

  // Waits for DL_NOTIFY_IND `note` (passing over the other link state).
  void expect_link(uint32_t note) {
    Deadline d(kAnswerWait * 3);
    Msg m;
    while (stream_->get(&m, d)) {
      ASSERT_EQ(m.prim(), t_uscalar_t{DL_NOTIFY_IND}) << describe(m);
      if (m.as<dl_notify_ind_t>().dl_notification == note) return;
    }
    FAIL() << "no DL_NOTIFY_IND " << note;
  }

  int send(int i) {
    Bytes f = frame(i, peer_.mac(), mac_);
    if (!case_.dlpi) return stream_->put_raw(f);
    return stream_->unitdata(peer_.mac(), kEthLocalExp, Bytes(f.begin() + 14, f.end()));
  }

  // Checks that m is echo number i.
  ::testing::AssertionResult is_echo(const Msg &m, int i) {
    Bytes f = frame(i, peer_.mac(), mac_);
    if (!case_.dlpi) {
      if (m.has_ctl) return ::testing::AssertionFailure() << "got " << describe(m);
      if (m.data != f) return ::testing::AssertionFailure() << diff_bytes(f, m.data);
      return ::testing::AssertionSuccess();
    }
    auto u = m.as<dl_unitdata_ind_t>();
    Bytes payload(f.begin() + 14, f.end());
    if (m.prim() != DL_UNITDATA_IND) return ::testing::AssertionFailure() << "got " << describe(m);
    if (m.at(u.dl_src_addr_offset, u.dl_src_addr_length) != dlsap(peer_.mac(), kEthLocalExp))
      return ::testing::AssertionFailure() << "source address is not the peer's";
    if (m.at(u.dl_dest_addr_offset, u.dl_dest_addr_length) != dlsap(mac_, kEthLocalExp))
      return ::testing::AssertionFailure() << "destination address is not ours";
    if (m.data != payload) return ::testing::AssertionFailure() << diff_bytes(payload, m.data);
    return ::testing::AssertionSuccess();
  }

  void run(const Case &c) {
    case_ = c;
    std::string path = env("STRDP_MEMIF_PEER").empty() ? MEMIF_PEER : env("STRDP_MEMIF_PEER");
    if (path.empty()) GTEST_SKIP() << "memif_peer was not built";
    // The peer echoes in raw mode, whatever this side speaks.
    if (std::string r = raw_mode_skip_reason(); !r.empty()) GTEST_SKIP() << r;
    ASSERT_TRUE(peer_.start(c, c.dlpi));
    // The server listens now; our port's start connects to it.
    port_ = strdp_port_setup(c.vdev, nullptr);
    ASSERT_GE(port_, 0) << "strdp_port_setup(" << c.vdev << "): " << strerror(errno);
    auto p = static_cast<uint16_t>(port_);
    rte_ether_addr a{};
    ASSERT_EQ(rte_eth_macaddr_get(p, &a), 0);
    std::copy(a.addr_bytes, a.addr_bytes + 6, mac_.begin());

    stream_ = std::make_unique<DlpiStream>();
    ASSERT_TRUE(stream_->ok());
    if (!c.dlpi) {
      ASSERT_TRUE(stream_->raw_mode());
    }
    ASSERT_TRUE(stream_->attach(STRDP_PMD_PPA(p, 0)));
    ASSERT_TRUE(stream_->notify(DL_NOTE_LINK_UP | DL_NOTE_LINK_DOWN));
    ASSERT_NO_FATAL_FAILURE(expect_link(DL_NOTE_LINK_UP)) << "our side";
    std::string line;
    ASSERT_TRUE(peer_.expect("link up", &line)) << "the peer's side";
    if (c.dlpi) {
      ASSERT_TRUE(stream_->bind(kEthLocalExp));
    }

    // The peer reads nothing yet: write until flow control says stop.
    int sent = 0;
    int e = 0;
    while (sent < kFrames && (e = send(sent)) == 0) ++sent;
    ASSERT_EQ(e, EAGAIN) << "putmsg: " << strerror(e);
    ASSERT_LT(sent, kFrames) << "all frames went without flow control ever holding us back";
    ASSERT_GT(sent, 1024) << "the ring alone holds 1024 frames";
    ASSERT_TRUE(peer_.say("go"));

    Deadline d(kRunWait);
    int got = 0;
    while (got < kFrames) {
      if (sent < kFrames) {
        e = send(sent);
        ASSERT_TRUE(e == 0 || e == EAGAIN) << "putmsg: " << strerror(e);
        sent += e == 0;
      }
      Msg m;
      while (stream_->try_get(&m)) {
        ASSERT_TRUE(is_echo(m, got)) << "echo " << got << " of " << kFrames;
        ++got;
      }
      ASSERT_FALSE(d.passed()) << "sent " << sent << ", received " << got << " of " << kFrames;
      pass();
    }
    ASSERT_TRUE(peer_.expect("done", &line));
    EXPECT_EQ(line.rfind("done " + std::to_string(kFrames) + " ", 0), 0u) << line;
    EXPECT_EQ(line.find("rx_paused=0"), std::string::npos)
        << "the peer's driver never stopped polling for a full stream: " << line;
    EXPECT_NE(line.find("tx_invalid=0"), std::string::npos) << line;

    strdp_pmd_stats st{};
    ASSERT_EQ(strdp_pmd_get_stats(p, 0, &st), 0);
    EXPECT_EQ(st.tx_frames, static_cast<uint64_t>(kFrames));
    EXPECT_EQ(st.rx_frames, static_cast<uint64_t>(kFrames));
    EXPECT_EQ(st.tx_invalid, 0u);
    EXPECT_EQ(st.rx_filtered, 0u);

    EXPECT_EQ(peer_.finish(), 0) << "the peer's exit status";
    ASSERT_NO_FATAL_FAILURE(expect_link(DL_NOTE_LINK_DOWN)) << "after the peer closed";
  }

  Peer peer_;
  Case case_{};
  int port_ = -1;
  Mac mac_{};
  std::unique_ptr<DlpiStream> stream_;
};

TEST_F(Memif, RawFramesBothWaysInOrderUnderBackPressure) { run(kRaw); }

TEST_F(Memif, DlpiUnitdataBothWaysInOrderUnderBackPressure) { run(kDlpi); }

TEST_F(Memif, ZeroCopyClientRawFramesUnderBackPressure) { run(kZeroCopy); }

}  // namespace
}  // namespace strdp::test
