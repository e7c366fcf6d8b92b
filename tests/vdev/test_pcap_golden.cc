// The pmd driver on net_pcap against golden capture files: the port reads
// golden/in.pcap (every kind of frame a link carries, make_golden.py) and
// writes what the driver sends to a file in a temporary directory, which
// must equal a committed golden output frame by frame (bytes, not
// timestamps):
//  - DLPI bound to IPv4: each DL_UNITDATA_IND answered with a
//    DL_UNITDATA_REQ of the same payload to its source address
//    -> golden/out-ipv4-echo.pcap;
//  - raw mode: each frame written back as it came -> golden/out-raw.pcap
//    (which is in.pcap's frames).
// Regenerating the goldens: STRDP_VDEV_GOLDEN_OUT=DIR makes the tests copy
// what the port wrote to DIR; check it with tshark -r before committing.
#include <rte_ethdev.h>
#include <rte_mempool.h>
#include <strdp/mbuf.h>
#include <unistd.h>

#include <filesystem>

#include "dlpi_stream.h"
#include "eal_env.h"
#include "pcap_io.h"

#ifndef VDEV_GOLDEN_DIR
#define VDEV_GOLDEN_DIR ""
#endif

namespace strdp::test {
namespace {

// DPDK 22.11 names the first net_pcap port of a process 02:70:63:61:70:00
// ("\x02pcap\0"), the second ...:01; in.pcap addresses the first.
constexpr Mac kPortMac = {0x02, 0x70, 0x63, 0x61, 0x70, 0x00};
constexpr size_t kInFrames = 15;  // make_golden.py's table
constexpr size_t kEchoed = 7;     // IPv4, untagged, for us or broadcast

std::string golden(const std::string &name) { return std::string(VDEV_GOLDEN_DIR) + "/" + name; }

// Where the ports write; removed at exit.
struct OutDir {
  std::string path;
  OutDir() {
    char t[] = "/tmp/strdp-vdev-pcap-XXXXXX";
    if (mkdtemp(t) != nullptr) path = t;
  }
  ~OutDir() {
    std::error_code ec;
    if (!path.empty()) std::filesystem::remove_all(path, ec);
  }
};
OutDir &out_dir() {
  static OutDir d;
  return d;
}
std::string out(const std::string &name) { return out_dir().path + "/" + name; }

}  // namespace

std::vector<std::string> extra_eal_args() {
  std::string in = golden("in.pcap");
  return {"--vdev", "net_pcap0,rx_pcap=" + in + ",tx_pcap=" + out("out-ipv4-echo.pcap"),
          "--vdev", "net_pcap1,rx_pcap=" + in + ",tx_pcap=" + out("out-raw.pcap")};
}

namespace {

// What the DLPI echo must send for in-frame f, or nothing (filtered).
bool echo_of(const Bytes &f, Bytes *e) {
  bool ipv4 = f.size() >= 14 && f[12] == 0x08 && f[13] == 0x00;
  bool for_us = std::equal(kPortMac.begin(), kPortMac.end(), f.begin()) ||
                std::equal(kBroadcast.begin(), kBroadcast.end(), f.begin());
  if (!ipv4 || !for_us) return false;
  Mac src;
  std::copy(f.begin() + 6, f.begin() + 12, src.begin());
  *e = ether(src, kPortMac, kEthIpv4, Bytes(f.begin() + 14, f.end()));
  return true;
}

class PcapGolden : public ::testing::Test {
 protected:
  void SetUp() override {
    ASSERT_NE(std::string(VDEV_GOLDEN_DIR), "");
    ASSERT_NE(out_dir().path, "") << "no temporary directory";
    ASSERT_EQ(read_pcap(golden("in.pcap"), &in_), "");
    ASSERT_EQ(in_.size(), kInFrames) << "in.pcap is not make_golden.py's";
    pool_in_use_ = rte_mempool_in_use_count(strdp_msg_pool(SOCKET_ID_ANY));
  }
  void TearDown() override {
    stream_.reset();
    if (port_ >= 0) {
      EXPECT_EQ(strdp_port_close(static_cast<uint16_t>(port_)), 0);
    }
    EXPECT_EQ(rte_mempool_in_use_count(strdp_msg_pool(SOCKET_ID_ANY)), pool_in_use_)
        << "message buffers leaked";
  }

  void open_port(const char *vdev, bool raw) {
    port_ = strdp_port_setup(vdev, nullptr);
    ASSERT_GE(port_, 0) << vdev << ": " << strerror(errno);
    stream_ = std::make_unique<DlpiStream>();
    ASSERT_TRUE(stream_->ok());
    if (raw) {
      ASSERT_TRUE(stream_->raw_mode());
      ASSERT_TRUE(stream_->attach(STRDP_PMD_PPA(port_, 0)));
      return;
    }
    // The file is read as soon as the port is polled, i.e. from the first
    // scheduler pass after attach; a frame read before the bind would be
    // filtered. A put runs the driver at once and its answer is at the
    // head when putmsg returns, so reading it with try_get (no pass)
    // keeps the poller from running in between. (Both requests cannot go
    // down first: the head keeps one high-priority message at a time, so
    // the second acknowledgement would be dropped.)
    Msg m;
    ASSERT_EQ(stream_->put_prim(dl_attach_req_t{DL_ATTACH_REQ, STRDP_PMD_PPA(port_, 0)}), 0);
    ASSERT_TRUE(stream_->try_get(&m)) << "DL_ATTACH_REQ not answered at once";
    ASSERT_EQ(m.prim(), t_uscalar_t{DL_OK_ACK}) << describe(m);
    dl_bind_req_t b{};
    b.dl_primitive = DL_BIND_REQ;
    b.dl_sap = kEthIpv4;
    b.dl_service_mode = DL_CLDLS;
    ASSERT_EQ(stream_->put_prim(b), 0);
    ASSERT_TRUE(stream_->try_get(&m)) << "DL_BIND_REQ not answered at once";
    ASSERT_EQ(m.prim(), t_uscalar_t{DL_BIND_ACK}) << describe(m);
  }

  strdp_pmd_stats stats() const {
    strdp_pmd_stats st{};
    EXPECT_EQ(strdp_pmd_get_stats(static_cast<uint16_t>(port_), 0, &st), 0);
    return st;
  }

  // Closes stream and port (the PMD closes its output file), then reads
  // the output and compares it with the golden file.
  void compare_output(const std::string &name) {
    stream_.reset();
    ASSERT_EQ(strdp_port_close(static_cast<uint16_t>(port_)), 0);
    port_ = -1;
    if (std::string keep = env("STRDP_VDEV_GOLDEN_OUT"); !keep.empty())
      std::filesystem::copy_file(out(name), keep + "/" + name,
                                 std::filesystem::copy_options::overwrite_existing);
    std::vector<Bytes> got, want;
    ASSERT_EQ(read_pcap(out(name), &got), "");
    ASSERT_EQ(read_pcap(golden(name), &want), "");
    EXPECT_EQ(compare_frames(want, got), "") << "the port's output differs from golden/" << name;
  }

  std::vector<Bytes> in_;
  int port_ = -1;
  std::unique_ptr<DlpiStream> stream_;
  unsigned pool_in_use_ = 0;
};

// The committed goldens say what they should: the raw output is the
// input, the echo output is the input's IPv4 frames for us (or for
// everyone) sent back to their sources from our address.
TEST_F(PcapGolden, GoldenFilesAgreeWithTheInput) {
  std::vector<Bytes> raw, echo, want;
  ASSERT_EQ(read_pcap(golden("out-raw.pcap"), &raw), "");
  EXPECT_EQ(compare_frames(in_, raw), "") << "out-raw.pcap";
  for (const Bytes &f : in_)
    if (Bytes e; echo_of(f, &e)) want.push_back(e);
  ASSERT_EQ(want.size(), kEchoed);
  ASSERT_EQ(read_pcap(golden("out-ipv4-echo.pcap"), &echo), "");
  EXPECT_EQ(compare_frames(want, echo), "") << "out-ipv4-echo.pcap";
}

TEST_F(PcapGolden, DlpiEchoOfIpv4MatchesTheGolden) {
  ASSERT_NO_FATAL_FAILURE(open_port("net_pcap0", false));
  Mac mac{};
  ASSERT_TRUE(stream_->phys_addr(&mac));
  ASSERT_EQ(mac_str(mac.data()), mac_str(kPortMac.data()))
      << "DPDK named its first pcap port differently: in.pcap must address it";

  size_t inds = 0, groups = 0, uderrors = 0;
  Deadline d(kAnswerWait);
  for (;;) {
    Msg m;
    if (!stream_->try_get(&m)) {
      strdp_pmd_stats st = stats();
      if (st.rx_frames + st.rx_filtered == kInFrames) break;  // the whole file, answered
      ASSERT_FALSE(d.passed()) << "read " << st.rx_frames + st.rx_filtered << " of "
                               << kInFrames << " frames";
      pass();
      continue;
    }
    if (m.prim() == DL_UDERROR_IND) {
      auto u = m.as<dl_uderror_ind_t>();
      EXPECT_EQ(u.dl_errno, uderrors == 0 ? t_uscalar_t{DL_BADADDR} : t_uscalar_t{DL_BADDATA});
      ++uderrors;
      continue;
    }
    ASSERT_EQ(m.prim(), t_uscalar_t{DL_UNITDATA_IND}) << describe(m);
    auto u = m.as<dl_unitdata_ind_t>();
    Bytes src = m.at(u.dl_src_addr_offset, u.dl_src_addr_length);
    ASSERT_EQ(src.size(), 8u);
    groups += u.dl_group_address;
    struct {
      dl_unitdata_req_t req;
      uint8_t addr[8];
    } r{};
    r.req.dl_primitive = DL_UNITDATA_REQ;
    r.req.dl_dest_addr_length = 8;
    r.req.dl_dest_addr_offset = sizeof r.req;
    std::copy(src.begin(), src.end(), r.addr);
    ASSERT_EQ(stream_->put(&r, sizeof r, m.data.data(), static_cast<int>(m.data.size())), 0);
    if (++inds == 1) {
      // Two requests no NIC can send, between good ones: each answered
      // with DL_UDERROR_IND, neither in the output.
      r.req.dl_dest_addr_length = 7;
      ASSERT_EQ(stream_->put(&r, sizeof r, m.data.data(), static_cast<int>(m.data.size())), 0);
      r.req.dl_dest_addr_length = 8;
      Bytes big(1501, 0x5a);
      ASSERT_EQ(stream_->put(&r, sizeof r, big.data(), static_cast<int>(big.size())), 0);
    }
  }
  EXPECT_EQ(inds, kEchoed);
  EXPECT_EQ(groups, 1u) << "one echoed frame was broadcast";
  EXPECT_EQ(uderrors, 2u);
  uint64_t bytes = 0;  // the echoed frames' lengths, in and out alike
  for (const Bytes &f : in_)
    if (Bytes e; echo_of(f, &e)) bytes += e.size();
  while (stats().tx_frames < kEchoed && !d.passed()) pass();
  strdp_pmd_stats st = stats();
  EXPECT_EQ(st.rx_filtered, kInFrames - kEchoed);
  EXPECT_EQ(st.rx_bytes, bytes);
  EXPECT_EQ(st.tx_frames, kEchoed);
  EXPECT_EQ(st.tx_bytes, bytes);
  EXPECT_EQ(st.tx_invalid, 2u);
  compare_output("out-ipv4-echo.pcap");
}

TEST_F(PcapGolden, RawForwardingMatchesTheGolden) {
  if (std::string r = raw_mode_skip_reason(); !r.empty()) GTEST_SKIP() << r;
  ASSERT_NO_FATAL_FAILURE(open_port("net_pcap1", true));
  size_t n = 0;
  Deadline d(kAnswerWait);
  while (n < kInFrames) {
    Msg m;
    if (!stream_->get(&m, d)) break;
    ASSERT_FALSE(m.has_ctl) << "raw mode: " << describe(m);
    EXPECT_EQ(m.data, in_[n]) << "frame " << n << " came up changed: " << diff_bytes(in_[n], m.data);
    ASSERT_EQ(stream_->put_raw(m.data), 0);
    ++n;
  }
  ASSERT_EQ(n, kInFrames);
  uint64_t bytes = 0;
  for (const Bytes &f : in_) bytes += f.size();
  while (stats().tx_frames < kInFrames && !d.passed()) pass();
  strdp_pmd_stats st = stats();
  EXPECT_EQ(st.tx_frames, kInFrames);
  EXPECT_EQ(st.rx_frames, kInFrames);
  EXPECT_EQ(st.rx_filtered, 0u) << "raw mode filters nothing";
  EXPECT_EQ(st.rx_bytes, bytes);
  EXPECT_EQ(st.tx_bytes, bytes);
  EXPECT_EQ(st.tx_invalid, 0u);
  compare_output("out-raw.pcap");
}

}  // namespace
}  // namespace strdp::test
