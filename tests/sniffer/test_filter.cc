// The capture filter selects exactly what tcpdump selects from the same
// frames, expression by expression.
#include "fixture.h"

namespace strdp::test {
namespace {

class FilterVsTcpdump : public SnifferTest, public ::testing::WithParamInterface<const char *> {};

TEST_P(FilterVsTcpdump, SelectsWhatTcpdumpSelects) {
  if (tcpdump().empty()) GTEST_SKIP() << "tcpdump not installed";
  const std::string expr = GetParam();
  TempDir dir;
  std::vector<Bytes> frames = make_frames();
  ASSERT_TRUE(write_pcap(dir / "in.pcap", frames));
  std::string out;
  ASSERT_EQ(run(tcpdump() + " -r " + sq(dir / "in.pcap") + " -w " + sq(dir / "want.pcap") + " " +
                    sq(expr) + " 2>&1", &out), 0) << out;
  std::string err;
  std::vector<Frame> want = read_frames(dir / "want.pcap", &err);
  ASSERT_EQ(err, "");

  strdp_stream_t *sp = open("echo");
  push(sp, "sniffer");
  ASSERT_EQ(args(sp, "dir=wr file=" + (dir / "got.pcapng") + " filter=" + sq(expr)), 0);
  EXPECT_EQ(send(sp, frames), frames);
  ASSERT_TRUE(wait_written(sp));
  snif_stats st = stats(sp);
  EXPECT_EQ(st.wr.captured, want.size());
  EXPECT_EQ(st.wr.filtered, frames.size() - want.size());
  ASSERT_EQ(pop(sp), 0);
  EXPECT_EQ(data_of(captured(dir / "got.pcapng")), data_of(want)) << expr;
}

INSTANTIATE_TEST_SUITE_P(
    Expressions, FilterVsTcpdump,
    ::testing::Values("udp", "tcp port 80", "port 80", "vlan", "vlan and tcp port 80",
                      "vlan 100", "icmp", "icmp6", "ip6", "arp", "not ip",
                      "ether src 02:00:00:00:00:99", "ether broadcast", "len > 100",
                      "len <= 60", "udp[8:2] = 0x0f16", "tcp[tcpflags] & tcp-syn != 0",
                      "ip[2:2] > 1000", "greater 1000 and udp", "host 10.0.0.2 and not tcp",
                      // indirect byte and word loads (rte_bpf_convert's bug)
                      "icmp[icmptype] = icmp-echo", "tcp[13] = 0x18", "tcp[4:4] = 1002",
                      "vlan and udp[0:4] = 0x9c4004d2"));

TEST_F(SnifferTest, ABadExpressionIsRefusedLikeTcpdumpRefusesIt) {
  strdp_stream_t *sp = open("echo");
  push(sp, "sniffer");
  for (const char *expr : {"tcp port", "udp and", "ip[", "tcp port 70000", "vlan 5000"}) {
    EXPECT_EQ(args(sp, std::string("filter=") + sq(expr)), EINVAL) << expr;
    if (!tcpdump().empty()) {
      TempDir dir;
      ASSERT_TRUE(write_pcap(dir / "in.pcap", make_frames()));
      EXPECT_NE(run(tcpdump() + " -r " + sq(dir / "in.pcap") + " " + sq(expr) + " >/dev/null 2>&1"), 0)
          << "tcpdump accepts " << expr;
    }
  }
}

}  // namespace
}  // namespace strdp::test
