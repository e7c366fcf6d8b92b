// A writer that cannot keep up: the sniffer's file is a FIFO that the
// test does not read (a 4 KiB pipe), so the writer blocks and the ring
// fills. Copies are counted dropped; the traffic goes through whole and
// in order; once the FIFO is read, what was captured comes out as a
// valid pcapng stream, in order.
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <fstream>

#include "fixture.h"

namespace strdp::test {
namespace {

TEST_F(SnifferTest, AFullWriterRingDropsCopiesNeverTraffic) {
  TempDir dir;
  std::string fifo = dir / "fifo";
  ASSERT_EQ(mkfifo(fifo.c_str(), 0600), 0);
  int rfd = ::open(fifo.c_str(), O_RDONLY | O_NONBLOCK);
  ASSERT_GE(rfd, 0);
  ASSERT_GE(fcntl(rfd, F_SETPIPE_SZ, 4096), 0);

  strdp_stream_t *sp = open("echo");
  push(sp, "sniffer");
  ASSERT_EQ(args(sp, "dir=wr file=" + fifo), 0);
  constexpr unsigned kN = 2000;
  std::vector<Bytes> frames;
  for (unsigned i = 0; i < kN; ++i) {
    Bytes f = udp_frame(1000, i);
    memcpy(&f[42], &i, sizeof i);  // its number, to check the order
    frames.push_back(f);
  }
  EXPECT_EQ(send(sp, frames), frames) << "the data path lost or changed messages";

  // At most the ring (511 slots less the reserve), one writer burst and
  // the few packets the pipe holds can be in flight: the rest is dropped,
  // however the threads were scheduled.
  snif_stats st = stats(sp);
  EXPECT_EQ(st.wr.seen, kN);
  EXPECT_GE(st.wr.dropped, kN - 511 - 32 - 8);
  EXPECT_EQ(st.wr.captured + st.wr.dropped + st.wr.queued, kN);

  // Read the FIFO: the writer finishes what it holds.
  std::string bytes;
  char buf[65536];
  auto pump = [&] {
    ssize_t n;
    while ((n = read(rfd, buf, sizeof buf)) > 0) bytes.append(buf, static_cast<size_t>(n));
    return n;
  };
  auto end = std::chrono::steady_clock::now() + std::chrono::seconds(30);
  do {
    pump();
    st = stats(sp);
    std::this_thread::sleep_for(std::chrono::milliseconds(1));
  } while (st.wr.queued != 0 && std::chrono::steady_clock::now() < end);
  ASSERT_EQ(st.wr.queued, 0u);
  ASSERT_EQ(st.wr.captured + st.wr.dropped, kN);
  EXPECT_GT(st.wr.captured, 0u);
  ASSERT_EQ(pop(sp), 0);  // the writer closes its end: end of file
  while (std::chrono::steady_clock::now() < end && pump() != 0)
    std::this_thread::sleep_for(std::chrono::milliseconds(1));
  ::close(rfd);

  std::string file = dir / "fifo.pcapng";
  std::ofstream(file, std::ios::binary) << bytes;
  std::vector<Frame> cap = captured(file);
  ASSERT_EQ(cap.size(), st.wr.captured);
  int last = -1;
  for (const Frame &f : cap) {
    unsigned i;
    ASSERT_EQ(f.data.size(), 1000u);
    memcpy(&i, &f.data[42], sizeof i);
    ASSERT_LT(i, kN);
    EXPECT_EQ(f.data, frames[i]);
    EXPECT_GT(static_cast<int>(i), last) << "out of order";
    last = static_cast<int>(i);
  }
}

}  // namespace
}  // namespace strdp::test
