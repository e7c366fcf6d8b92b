// The sniffer on software streams (echo, loop): what it writes, byte for
// byte; directions; snap length; counters; positions in the stack;
// messages of many blocks; changes of settings while traffic flows.
#include <strdp/ref/charconv.h>
#include <strdp/ref/loop.h>
#include <strdp/stream.h>
#include <strdp/strsun.h>

#include <cctype>

#include "fixture.h"

namespace strdp::test {
namespace {

TEST_F(SnifferTest, CapturesEveryFrameOfBothSidesByteForByte) {
  TempDir dir;
  strdp_stream_t *sp = open("echo");
  push(sp, "sniffer");
  ASSERT_EQ(args(sp, "file=" + (dir / "a.pcapng")), 0);
  std::vector<Bytes> frames = make_frames();
  EXPECT_EQ(send(sp, frames), frames) << "the sniffer changed the traffic";
  ASSERT_TRUE(wait_written(sp));
  snif_stats st = stats(sp);
  for (const snif_side_stats *s : {&st.rd, &st.wr}) {
    EXPECT_EQ(s->seen, frames.size());
    EXPECT_EQ(s->captured, frames.size());
    EXPECT_EQ(s->skipped + s->filtered + s->dropped + s->queued, 0u);
  }
  ASSERT_EQ(pop(sp), 0);

  std::vector<Frame> cap = captured(dir / "a.pcapng");
  ASSERT_EQ(cap.size(), 2 * frames.size());
  // Each side in order; the two sides interleave as echo turned them.
  std::vector<Bytes> out, in;
  std::vector<std::string> d;
  if (!tshark().empty()) d = tshark_field(dir / "a.pcapng", "frame.packet_flags_direction");
  for (size_t i = 0; i < cap.size(); ++i) {
    EXPECT_EQ(cap[i].len, cap[i].data.size());
    if (!d.empty()) (d.at(i) == kOut ? out : in).push_back(cap[i].data);
  }
  if (!d.empty()) {
    EXPECT_EQ(out, frames) << "outbound (write side)";
    EXPECT_EQ(in, frames) << "inbound (read side)";
  }
}

TEST_F(SnifferTest, RecordsDirectionInterfaceAndTimestamps) {
  if (tshark().empty()) GTEST_SKIP() << "tshark not installed";
  TempDir dir;
  strdp_stream_t *a = open("loop");
  strdp_stream_t *b = open("loop");
  int minor_b = -1;
  strioctl ic = {LOOP_GETMINOR, 0, sizeof minor_b, reinterpret_cast<char *>(&minor_b)};
  ASSERT_EQ(strdp_ioctl(b, I_STR, reinterpret_cast<intptr_t>(&ic)), 0);
  ic = {LOOP_SET, 0, sizeof minor_b, reinterpret_cast<char *>(&minor_b)};
  ASSERT_EQ(strdp_ioctl(a, I_STR, reinterpret_cast<intptr_t>(&ic)), 0);
  push(a, "sniffer");
  ASSERT_EQ(args(a, "file=" + (dir / "d.pcapng") + " queue=3"), 0);
  Bytes out_f = udp_frame(100, 1), in_f = udp_frame(200, 2);
  EXPECT_EQ(send(a, {out_f}, b).size(), 1u);  // a -> b: outbound at a
  EXPECT_EQ(send(b, {in_f}, a).size(), 1u);   // b -> a: inbound at a
  ASSERT_TRUE(wait_written(a));
  ASSERT_EQ(pop(a), 0);
  std::string f = dir / "d.pcapng";
  EXPECT_EQ(tshark_field(f, "frame.packet_flags_direction"),
            (std::vector<std::string>{kOut, kIn}));
  EXPECT_EQ(tshark_field(f, "frame.len"), (std::vector<std::string>{"100", "200"}));
  EXPECT_EQ(tshark_field(f, "frame.interface_queue"), (std::vector<std::string>{"3", "3"}));
  // No ethdev port: the sniffer's own interface, named after the driver.
  EXPECT_EQ(tshark_field(f, "frame.interface_name"),
            (std::vector<std::string>{"strdp:loop", "strdp:loop"}));
  // Timestamps are the time of passing: this year, not 1970.
  std::vector<std::string> t = tshark_field(f, "frame.time_epoch");
  ASSERT_EQ(t.size(), 2u);
  EXPECT_NEAR(std::stod(t[0]), static_cast<double>(time(nullptr)), 600.0);
  EXPECT_LE(std::stod(t[0]), std::stod(t[1]));
}

TEST_F(SnifferTest, SnapLengthCutsTheCaptureNotTheTraffic) {
  TempDir dir;
  strdp_stream_t *sp = open("echo");
  push(sp, "sniffer");
  ASSERT_EQ(args(sp, "file=" + (dir / "s.pcapng") + " snaplen=64 dir=wr"), 0);
  std::vector<Bytes> frames = make_frames();
  EXPECT_EQ(send(sp, frames), frames);
  ASSERT_TRUE(wait_written(sp));
  ASSERT_EQ(pop(sp), 0);
  std::vector<Frame> cap = captured(dir / "s.pcapng");
  ASSERT_EQ(cap.size(), frames.size());
  for (size_t i = 0; i < cap.size(); ++i) {
    size_t want = std::min<size_t>(frames[i].size(), 64);
    EXPECT_EQ(cap[i].len, frames[i].size()) << i;
    EXPECT_EQ(cap[i].data, Bytes(frames[i].begin(), frames[i].begin() + static_cast<long>(want))) << i;
  }
  if (!tshark().empty()) {
    std::vector<std::string> cl = tshark_field(dir / "s.pcapng", "frame.cap_len");
    ASSERT_EQ(cl.size(), frames.size());
    for (size_t i = 0; i < cl.size(); ++i)
      EXPECT_EQ(cl[i], std::to_string(std::min<size_t>(frames[i].size(), 64)));
  }
}

TEST_F(SnifferTest, CountersAreExact) {
  TempDir dir;
  strdp_stream_t *sp = open("echo");
  push(sp, "sniffer");
  ASSERT_EQ(args(sp, "file=" + (dir / "c.pcapng") + " filter=udp"), 0);
  std::vector<Bytes> frames = make_frames();
  EXPECT_EQ(send(sp, frames), frames);
  // Two M_PROTO messages: passed both ways, never captured.
  char c[] = "ctl", d[] = "data";
  strbuf cb = {0, 3, c}, db = {0, 4, d};
  ASSERT_EQ(strdp_putmsg(sp, &cb, &db, 0), 0);
  ASSERT_EQ(strdp_putmsg(sp, &cb, nullptr, 0), 0);
  drain();
  std::vector<char> buf(256), cbuf(256);
  for (int i = 0; i < 2; ++i) {
    strbuf ci = {256, 0, cbuf.data()}, di = {256, 0, buf.data()};
    int flags = 0;
    ASSERT_EQ(strdp_getmsg(sp, &ci, &di, &flags), 0);
  }
  ASSERT_TRUE(wait_written(sp));
  uint64_t n = frames.size(), udp = 0;
  for (const Bytes &f : frames) {
    // UDP over IPv4 or IPv6, untagged (libpcap's "udp" does not look
    // inside a VLAN tag unless asked to).
    bool v4 = f[12] == 0x08 && f[13] == 0x00 && f[23] == 17;
    bool v6 = f[12] == 0x86 && f[13] == 0xdd && f[20] == 17;
    udp += v4 || v6;
  }
  snif_stats st = stats(sp);
  for (const snif_side_stats *s : {&st.wr, &st.rd}) {
    EXPECT_EQ(s->seen, n + 2);
    EXPECT_EQ(s->skipped, 2u);
    EXPECT_EQ(s->filtered, n - udp);
    EXPECT_EQ(s->captured, udp);
    EXPECT_EQ(s->dropped, 0u);
    EXPECT_EQ(s->queued, 0u);
  }
  ASSERT_EQ(pop(sp), 0);
  EXPECT_EQ(captured(dir / "c.pcapng").size(), 2 * udp);
}

TEST_F(SnifferTest, WithoutAnOutputItOnlyCounts) {
  strdp_stream_t *sp = open("echo");
  push(sp, "sniffer");
  std::vector<Bytes> frames = make_frames();
  EXPECT_EQ(send(sp, frames), frames);
  snif_stats st = stats(sp);
  EXPECT_EQ(st.wr.seen, frames.size());
  EXPECT_EQ(st.wr.skipped, frames.size());
  EXPECT_EQ(st.rd.seen, frames.size());
  EXPECT_EQ(st.rd.captured + st.rd.filtered + st.rd.dropped + st.rd.queued, 0u);
}

TEST_F(SnifferTest, OneSideOnly) {
  TempDir dir;
  strdp_stream_t *sp = open("echo");
  push(sp, "sniffer");
  ASSERT_EQ(args(sp, "file=" + (dir / "r.pcapng") + " dir=rd"), 0);
  std::vector<Bytes> frames = make_frames();
  EXPECT_EQ(send(sp, frames), frames);
  ASSERT_TRUE(wait_written(sp));
  snif_stats st = stats(sp);
  EXPECT_EQ(st.rd.captured, frames.size());
  EXPECT_EQ(st.wr.captured, 0u);
  EXPECT_EQ(st.wr.skipped, frames.size());
  ASSERT_EQ(pop(sp), 0);
  EXPECT_EQ(data_of(captured(dir / "r.pcapng")), frames);
}

// Two sniffers, one above and one below a module that changes the bytes
// (charconv, upper case): each records the traffic as it is where it sits.
TEST_F(SnifferTest, EachPositionSeesTheTrafficAsItIsThere) {
  TempDir dir;
  strdp_stream_t *sp = open("echo");
  push(sp, "sniffer");
  ASSERT_EQ(args(sp, "file=" + (dir / "low.pcapng") + " dir=wr"), 0);
  push(sp, "charconv");
  strioctl ic = {CHCONV_UPPER, 0, 0, nullptr};
  ASSERT_EQ(strdp_ioctl(sp, I_STR, reinterpret_cast<intptr_t>(&ic)), 0);
  push(sp, "nullmod");
  push(sp, "sniffer");
  ASSERT_EQ(args(sp, "file=" + (dir / "high.pcapng") + " dir=wr"), 0);

  std::vector<Bytes> frames;
  for (unsigned i = 0; i < 5; ++i) {
    Bytes f = udp_frame(80 + i, i);
    for (size_t k = 42; k < f.size(); ++k) f[k] = static_cast<uint8_t>('a' + (k + i) % 26);
    frames.push_back(f);
  }
  std::vector<Bytes> upper = frames;
  for (Bytes &f : upper)
    for (uint8_t &c : f) c = static_cast<uint8_t>(toupper(c));
  send(sp, frames);
  ASSERT_TRUE(wait_written(sp));
  ASSERT_EQ(pop(sp), 0);  // the upper sniffer
  ASSERT_EQ(pop(sp), 0);  // nullmod
  ASSERT_EQ(pop(sp), 0);  // charconv
  ASSERT_TRUE(wait_written(sp));
  ASSERT_EQ(pop(sp), 0);  // the lower sniffer
  EXPECT_EQ(data_of(captured(dir / "high.pcapng")), frames);
  EXPECT_EQ(data_of(captured(dir / "low.pcapng")), upper);
}

// A message of many blocks (the headers in separate blocks, an empty
// block, more blocks than the filter's stack view holds) is filtered on
// its bytes and captured whole; the message itself is not touched.
TEST_F(SnifferTest, MessagesOfManyBlocks) {
  TempDir dir;
  strdp_stream_t *sp = open("echo");
  push(sp, "sniffer");
  ASSERT_EQ(args(sp, "file=" + (dir / "m.pcapng") + " dir=wr filter='udp port 53'"), 0);
  Bytes dns = make_frames()[1];    // UDP port 53
  Bytes other = make_frames()[2];  // TCP port 80
  auto build = [](const Bytes &f, const std::vector<size_t> &cuts) {
    mblk_t *head = nullptr, **tail = &head;
    size_t at = 0;
    for (size_t i = 0; i <= cuts.size(); ++i) {
      size_t end = i < cuts.size() ? cuts[i] : f.size();
      mblk_t *b = allocb(end - at + 1, BPRI_MED);
      if (b == nullptr) return head;
      memcpy(b->b_wptr, f.data() + at, end - at);
      b->b_wptr += end - at;
      *tail = b;
      tail = &b->b_cont;
      at = end;
    }
    return head;
  };
  std::vector<size_t> few = {14, 14, 34, 40};  // an empty block after the Ethernet header
  auto many = [](const Bytes &f) {  // 3-byte blocks: 20 and more
    std::vector<size_t> cuts;
    for (size_t k = 3; k < f.size(); k += 3) cuts.push_back(k);
    return cuts;
  };
  queue_t *wq = strdp_stream_wq(sp);
  putnext(wq, build(dns, few));
  putnext(wq, build(other, few));
  putnext(wq, build(dns, many(dns)));
  putnext(wq, build(other, many(other)));
  std::vector<Bytes> back = read_all(sp);
  ASSERT_EQ(back.size(), 4u);
  for (size_t i = 0; i < 4; ++i)
    EXPECT_TRUE(back[i] == (i % 2 ? other : dns)) << i << ": " << back[i].size() << " bytes";
  ASSERT_TRUE(wait_written(sp));
  snif_stats st = stats(sp);
  EXPECT_EQ(st.wr.captured, 2u);
  EXPECT_EQ(st.wr.filtered, 2u);
  ASSERT_EQ(pop(sp), 0);
  EXPECT_EQ(data_of(captured(dir / "m.pcapng")), (std::vector<Bytes>{dns, dns}));
}

// Settings changed while traffic flows: each copy goes to the output in
// force when it passed; a file can be re-opened (truncated) in place.
TEST_F(SnifferTest, LiveChangesOfFileFilterAndSnapLength) {
  TempDir dir;
  strdp_stream_t *sp = open("echo");
  push(sp, "sniffer");
  std::vector<Bytes> frames = make_frames();
  ASSERT_EQ(args(sp, "dir=wr file=" + (dir / "1.pcapng")), 0);
  send(sp, frames);
  ASSERT_EQ(args(sp, "file=" + (dir / "2.pcapng") + " filter='tcp port 80'"), 0);
  send(sp, frames);
  ASSERT_EQ(args(sp, "filter= snaplen=60"), 0);
  send(sp, {frames[0], frames[10]});
  ASSERT_EQ(args(sp, "file=" + (dir / "3.pcapng")), 0);
  send(sp, {frames[1]});
  ASSERT_EQ(args(sp, "file=" + (dir / "3.pcapng")), 0);  // again: start over
  send(sp, {frames[2]});
  ASSERT_EQ(args(sp, "file="), 0);  // stop writing
  send(sp, frames);
  ASSERT_TRUE(wait_written(sp));
  snif_stats st = stats(sp);
  EXPECT_EQ(st.wr.dropped, 0u);
  ASSERT_EQ(pop(sp), 0);

  EXPECT_EQ(data_of(captured(dir / "1.pcapng")), frames);
  std::vector<Frame> two = captured(dir / "2.pcapng");
  // "tcp port 80": frames 2 and 10 (frame 8 is tagged, frame 14 is UDP).
  std::vector<Bytes> want = {frames[2], frames[10], frames[0], frames[10]};
  ASSERT_EQ(two.size(), want.size());
  for (size_t i = 0; i < 2; ++i) EXPECT_EQ(two[i].data, want[i]) << i;
  for (size_t i = 2; i < 4; ++i) {
    EXPECT_EQ(two[i].data, Bytes(want[i].begin(), want[i].begin() + 60)) << i;
    EXPECT_EQ(two[i].len, want[i].size()) << i;
  }
  EXPECT_EQ(data_of(captured(dir / "3.pcapng")), (std::vector<Bytes>{Bytes(frames[2].begin(), frames[2].begin() + 60)}));
}

// One buffer sent (as dups) and captured hundreds of times, as a module
// that retransmits it would: each capture gives its reference back, so
// the buffer's count stays exact and dupmsg() keeps working.
TEST_F(SnifferTest, CapturingOneBufferOftenKeepsItsReferenceCount) {
  TempDir dir;
  strdp_stream_t *sp = open("echo");
  push(sp, "sniffer");
  ASSERT_EQ(args(sp, "dir=wr file=" + (dir / "r.pcapng")), 0);
  Bytes f = udp_frame(200, 5);
  mblk_t *orig = allocb(f.size(), BPRI_MED);
  ASSERT_NE(orig, nullptr);
  memcpy(orig->b_wptr, f.data(), f.size());
  orig->b_wptr += f.size();
  for (int round = 0; round < 10; ++round) {
    for (int i = 0; i < 40; ++i) {
      mblk_t *d = dupmsg(orig);
      ASSERT_NE(d, nullptr) << "round " << round << ", copy " << i;
      putnext(strdp_stream_wq(sp), d);
    }
    EXPECT_EQ(read_all(sp).size(), 40u);
    ASSERT_TRUE(wait_written(sp));
  }
  EXPECT_EQ(stats(sp).wr.captured, 400u);
  EXPECT_EQ(DB_REF(orig), 1);
  EXPECT_EQ(orig->b_datap->db_ref, 1);
  freemsg(orig);
  ASSERT_EQ(pop(sp), 0);
  EXPECT_EQ(captured(dir / "r.pcapng").size(), 400u);
}

TEST_F(SnifferTest, ClosingTheStreamFinishesTheFile) {
  TempDir dir;
  strdp_stream_t *sp = open("echo");
  push(sp, "nullmod");
  push(sp, "sniffer");
  push(sp, "passmod");
  // The ioctl reaches the sniffer through passmod's queue.
  ASSERT_EQ(args(sp, "file=" + (dir / "x.pcapng") + " dir=rd"), 0);
  std::vector<Bytes> frames = make_frames();
  send(sp, frames);
  close(sp);  // pops everything: the sniffer's close waits for its file
  EXPECT_EQ(data_of(captured(dir / "x.pcapng")), frames);
}

TEST_F(SnifferTest, BurstsAndSingleMessagesGiveTheSameCapture) {
  TempDir dir;
  std::vector<Bytes> frames = make_frames();
  strdp_stream_t *sp = open("echo");
  push(sp, "sniffer");
  ASSERT_EQ(args(sp, "file=" + (dir / "b.pcapng") + " dir=wr filter='ip or arp'"), 0);
  std::vector<mblk_t *> burst;
  for (const Bytes &f : frames) {
    mblk_t *mp = allocb(f.size(), BPRI_MED);
    ASSERT_NE(mp, nullptr);
    memcpy(mp->b_wptr, f.data(), f.size());
    mp->b_wptr += f.size();
    burst.push_back(mp);
  }
  // An M_PROTO in the middle of the burst is passed, not captured.
  mblk_t *proto = allocb(4, BPRI_MED);
  proto->b_datap->db_type = M_PROTO;
  proto->b_wptr += 4;
  burst.insert(burst.begin() + 3, proto);
  putnext_burst(strdp_stream_wq(sp), burst.data(), static_cast<unsigned>(burst.size()));
  std::vector<Bytes> back = read_all(sp);
  EXPECT_EQ(back.size(), frames.size() + 1);
  ASSERT_TRUE(wait_written(sp));
  snif_stats st = stats(sp);
  EXPECT_EQ(st.wr.seen, frames.size() + 1);
  EXPECT_EQ(st.wr.skipped, 1u);
  ASSERT_EQ(pop(sp), 0);
  std::vector<Bytes> want;
  for (const Bytes &f : frames)
    if ((f[12] == 0x08 && (f[13] == 0x00 || f[13] == 0x06))) want.push_back(f);
  EXPECT_EQ(st.wr.captured, want.size());
  EXPECT_EQ(data_of(captured(dir / "b.pcapng")), want);
}

}  // namespace
}  // namespace strdp::test
