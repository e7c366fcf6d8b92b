// SNIF_SETARGS and SNIF_GETSTATS refused: every bad argument is a NAK,
// and a refused change leaves the sniffer exactly as it was.
#include <sys/stat.h>

#include "fixture.h"

namespace strdp::test {
namespace {

TEST_F(SnifferTest, BadArgumentsAreRefusedWithEinval) {
  strdp_stream_t *sp = open("echo");
  push(sp, "sniffer");
  const char *bad[] = {
      "snaplen=0",           "snaplen=65536",        "snaplen=abc",
      "snaplen=",            "snaplen=12x",          "snaplen=-5",
      "dir=up",              "dir=",                 "port=999",
      "port=70000",          "port=x",               "queue=-1",
      "bogus=1",             "file",                 "=x",
      "filter='tcp port'",   "filter='udp and'",     "filter=nonsense",
      "filter='ether src zz'", "filter='ip",         "filter=tcp'x'",
      "file=a file=b",       "snaplen=1 snaplen=2",  "to=no-such-stream",
      "file=/tmp/x to=y",
  };
  for (const char *a : bad) EXPECT_EQ(args(sp, a), EINVAL) << a;
  // Nothing was set by any of them: the sniffer only counts.
  send(sp, make_frames());
  snif_stats st = stats(sp);
  EXPECT_EQ(st.wr.skipped, st.wr.seen);
}

TEST_F(SnifferTest, QuotingAndEmptyValues) {
  TempDir dir;
  strdp_stream_t *sp = open("echo");
  push(sp, "sniffer");
  EXPECT_EQ(args(sp, ""), 0);  // nothing to change
  EXPECT_EQ(args(sp, "  dir=rd\t snaplen=100  "), 0);
  EXPECT_EQ(args(sp, "filter=\"udp or tcp\""), 0);
  EXPECT_EQ(args(sp, "filter='ether host 02:00:00:00:00:01' file='" + (dir / "q.pcapng") + "'"), 0);
  EXPECT_EQ(args(sp, "filter=''"), 0);
  EXPECT_EQ(args(sp, "file="), 0);
}

TEST_F(SnifferTest, ARefusedChangeKeepsTheOldSettings) {
  TempDir dir;
  strdp_stream_t *sp = open("echo");
  push(sp, "sniffer");
  ASSERT_EQ(args(sp, "file=" + (dir / "k.pcapng") + " filter=udp dir=wr"), 0);
  // Each of these names a good argument with a bad one: all or nothing.
  EXPECT_EQ(args(sp, "filter=tcp snaplen=0"), EINVAL);
  EXPECT_EQ(args(sp, "dir=rd filter='tcp port'"), EINVAL);
  EXPECT_EQ(args(sp, "filter=arp file=/nonexistent/dir/k.pcapng"), ENOENT);
  EXPECT_EQ(args(sp, "filter=arp to=nowhere"), EINVAL);
  std::vector<Bytes> frames = make_frames();
  send(sp, frames);
  ASSERT_TRUE(wait_written(sp));
  ASSERT_EQ(pop(sp), 0);
  std::vector<Bytes> udp;
  for (const Bytes &f : frames)
    if ((f[12] == 0x08 && f[23] == 17) || (f[12] == 0x86 && f[20] == 17)) udp.push_back(f);
  EXPECT_EQ(data_of(captured(dir / "k.pcapng")), udp);
}

TEST_F(SnifferTest, FilesThatCannotBeWrittenAreRefused) {
  TempDir dir;
  strdp_stream_t *sp = open("echo");
  push(sp, "sniffer");
  EXPECT_EQ(args(sp, "file=/nonexistent/dir/x.pcapng"), ENOENT);
  EXPECT_EQ(args(sp, "file=" + dir.path()), EISDIR);
  ASSERT_EQ(mkfifo((dir / "fifo").c_str(), 0600), 0);
  EXPECT_EQ(args(sp, "file=" + (dir / "fifo")), ENXIO) << "a FIFO nobody reads";
  // Two sniffers cannot write one file.
  ASSERT_EQ(args(sp, "file=" + (dir / "one.pcapng")), 0);
  push(sp, "sniffer");
  EXPECT_EQ(args(sp, "file=" + (dir / "one.pcapng")), EBUSY);
  EXPECT_EQ(args(sp, "file=" + (dir / "two.pcapng")), 0);
}

// Opened fine, but every write fails (ENOSPC): the copies are counted
// dropped, the traffic goes on.
TEST_F(SnifferTest, AFileThatFailsToWriteCountsDrops) {
  strdp_stream_t *sp = open("echo");
  push(sp, "sniffer");
  ASSERT_EQ(args(sp, "dir=wr file=/dev/full"), 0);
  std::vector<Bytes> frames = make_frames();
  EXPECT_EQ(send(sp, frames), frames);
  ASSERT_TRUE(wait_written(sp));
  snif_stats st = stats(sp);
  EXPECT_EQ(st.wr.captured, 0u);
  EXPECT_EQ(st.wr.dropped, frames.size());
  EXPECT_EQ(pop(sp), 0);
}

TEST_F(SnifferTest, StatsNeedRoomAndOtherIoctlsGoOn) {
  strdp_stream_t *sp = open("echo");
  push(sp, "sniffer");
  char small[8];
  strioctl ic = {SNIF_GETSTATS, 0, sizeof small, small};
  EXPECT_EQ(strdp_ioctl(sp, I_STR, reinterpret_cast<intptr_t>(&ic)), -1);
  EXPECT_EQ(errno, EINVAL);
  // Not the sniffer's: passed down, and echo refuses it.
  ic = {0x7777, 0, 0, nullptr};
  EXPECT_EQ(strdp_ioctl(sp, I_STR, reinterpret_cast<intptr_t>(&ic)), -1);
  EXPECT_EQ(errno, EINVAL);
  // A transparent SETARGS has no text to parse.
  int dummy = 0;
  EXPECT_EQ(strdp_ioctl(sp, SNIF_SETARGS, reinterpret_cast<intptr_t>(&dummy)), -1);
  EXPECT_EQ(errno, EINVAL);
  EXPECT_EQ(pop(sp), 0);
}

}  // namespace
}  // namespace strdp::test
