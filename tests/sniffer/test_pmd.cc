// Acceptance on a real DPDK port: a net_pcap port replays a pcap file
// (made here, from the frames of frames.cc) into a raw ethdev stream
// (strdp_ethraw_attach) with the sniffer pushed; tshark reads the file
// the sniffer wrote and shows the input, byte for byte, on the port's
// own interface, inbound; what is written down shows outbound.
#include <rte_ethdev.h>
#include <strdp/ethraw.h>

#include "fixture.h"

namespace strdp::test {

namespace {

// Lives as long as the process: the vdevs read and write these files.
TempDir &port_dir() {
  static TempDir *d = new TempDir;
  return *d;
}

}  // namespace

std::vector<std::string> extra_eal_args() {
  TempDir &d = port_dir();
  if (!write_pcap(d / "in.pcap", make_frames())) return {};
  return {"--vdev", "net_pcap0,rx_pcap=" + (d / "in.pcap") + ",tx_pcap=" + (d / "out0.pcap"),
          "--vdev", "net_pcap1,rx_pcap=" + (d / "in.pcap") + ",tx_pcap=" + (d / "out1.pcap")};
}

namespace {

class PmdSniffer : public SnifferTest {
 protected:
  // Opens the vdev as a raw stream with the sniffer pushed.
  strdp_stream_t *open_port(const char *vdev, const char *name, uint16_t *port) {
    EXPECT_EQ(rte_eth_dev_get_port_by_name(vdev, port), 0) << vdev;
    EXPECT_EQ(strdp_ethraw_attach(*port, name), 0) << strerror(errno);
    name_ = name;
    strdp_stream_t *sp = open((std::string("/dev/") + name).c_str());
    if (sp != nullptr) push(sp, "sniffer");
    return sp;
  }
  // Everything the port receives (it replays its file once).
  std::vector<Bytes> receive(strdp_stream_t *sp, size_t n) {
    std::vector<Bytes> got;
    for (int i = 0; i < 100000 && got.size() < n; ++i)
      for (Bytes &b : read_all(sp)) got.push_back(std::move(b));
    return got;
  }
  void TearDown() override {
    for (strdp_stream_t *sp : open_) EXPECT_EQ(strdp_close(sp), 0);
    open_.clear();
    if (!name_.empty()) {
      EXPECT_EQ(strdp_ethraw_detach(name_.c_str()), 0);
    }
    SnifferTest::TearDown();
  }
  std::string name_;
};

TEST_F(PmdSniffer, CaptureOfAPortIsItsTrafficByteForByte) {
  TempDir dir;
  uint16_t port = 0;
  strdp_stream_t *sp = open_port("net_pcap0", "pcap0", &port);
  ASSERT_NE(sp, nullptr);
  std::string file = dir / "port.pcapng";
  ASSERT_EQ(args(sp, "file=" + file + " port=" + std::to_string(port)), 0);
  std::vector<Bytes> frames = make_frames();
  EXPECT_EQ(receive(sp, frames.size()), frames);
  std::vector<Bytes> tx = {udp_frame(60, 1), udp_frame(1514, 2), udp_frame(333, 3)};
  send(sp, tx);
  ASSERT_TRUE(wait_written(sp));
  snif_stats st = stats(sp);
  EXPECT_EQ(st.rd.captured, frames.size());
  EXPECT_EQ(st.wr.captured, tx.size());
  EXPECT_EQ(st.rd.dropped + st.wr.dropped, 0u);
  ASSERT_EQ(pop(sp), 0);

  std::vector<Frame> cap = captured(file);
  std::vector<Bytes> want = frames;
  want.insert(want.end(), tx.begin(), tx.end());
  EXPECT_EQ(data_of(cap), want);
  for (const Frame &f : cap) EXPECT_EQ(f.len, f.data.size());
  if (tshark().empty()) GTEST_SKIP() << "tshark not installed: directions and interfaces not checked";
  std::vector<std::string> d = tshark_field(file, "frame.packet_flags_direction");
  std::vector<std::string> wantd(frames.size(), kIn);
  wantd.insert(wantd.end(), tx.size(), kOut);
  EXPECT_EQ(d, wantd);
  std::vector<std::string> ifn = tshark_field(file, "frame.interface_name");
  ASSERT_EQ(ifn.size(), want.size());
  EXPECT_EQ(ifn[0], "dpdk:" + std::to_string(port));
}

TEST_F(PmdSniffer, FilterOnAPortSelectsWhatTcpdumpSelects) {
  if (tcpdump().empty()) GTEST_SKIP() << "tcpdump not installed";
  const std::string expr = "udp or arp or (vlan and tcp)";
  TempDir dir;
  std::string out;
  ASSERT_EQ(run(tcpdump() + " -r " + sq(port_dir() / "in.pcap") + " -w " + sq(dir / "want.pcap") +
                    " " + sq(expr) + " 2>&1", &out), 0) << out;
  std::string err;
  std::vector<Frame> want = read_frames(dir / "want.pcap", &err);
  ASSERT_EQ(err, "");
  uint16_t port = 0;
  strdp_stream_t *sp = open_port("net_pcap1", "pcap1", &port);
  ASSERT_NE(sp, nullptr);
  std::string file = dir / "f.pcapng";
  ASSERT_EQ(args(sp, "dir=rd port=" + std::to_string(port) + " file=" + file + " filter=" + sq(expr)), 0);
  std::vector<Bytes> frames = make_frames();
  EXPECT_EQ(receive(sp, frames.size()), frames);  // every frame passes, filtered or not
  ASSERT_TRUE(wait_written(sp));
  snif_stats st = stats(sp);
  EXPECT_EQ(st.rd.seen, frames.size());
  EXPECT_EQ(st.rd.captured, want.size());
  EXPECT_EQ(st.rd.filtered, frames.size() - want.size());
  ASSERT_EQ(pop(sp), 0);
  EXPECT_EQ(data_of(captured(file)), data_of(want));
}

}  // namespace
}  // namespace strdp::test
