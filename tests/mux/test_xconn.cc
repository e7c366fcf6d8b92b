// The xconn cross-connect driver: pairing, forwarding both ways, flow
// control that holds rather than drops, the burst path against the single
// path, M_FLUSH from below, statistics and bad ioctls, persistent links
// that outlive the instance's stream.
#include <rte_errno.h>
#include <rte_mbuf.h>
#include <strdp/mbuf.h>

#include <cstdio>

#include "mux_test.h"

namespace strdp::test {
namespace {

class Xconn : public MuxTest {
 protected:
  // Links each lower stream under x; returns the mux ids.
  std::vector<int> link_all(strdp_stream_t *x, std::vector<LoopPair> ps, int cmd = I_LINK) {
    std::vector<int> ids;
    for (LoopPair &p : ps) {
      int id = link(x, p.lower, cmd);
      EXPECT_GT(id, 0) << strerror(errno);
      ids.push_back(id);
    }
    return ids;
  }
  // A numbered message, so order and loss show.
  static std::string seq(int i) {
    char b[32];
    snprintf(b, sizeof b, "msg-%06d", i);
    return std::string(b) + std::string(90, '.');
  }
  // Numbered single puts into qa (as from a's driver) until xconn holds
  // some for lower `id`, whose partner's user does not read: how many.
  int fill_until_held(strdp_stream_t *x, int id, queue_t *qa) {
    int n = 0;
    for (; n < 10000 && port(xstats(x), id)->xp_held == 0; ++n) {
      put(qa, make_msg(seq(n)));
      drain();
    }
    EXPECT_LT(n, 10000) << "xconn never held";
    return n;
  }
  // Reads user until messages seq(0) .. seq(n - 1) came, in that order.
  void expect_seq(strdp_stream_t *user, int n) {
    int got = 0;
    for (int rounds = 0; got < n && rounds < 10000; ++rounds)
      for (std::string m = read_msg(user); !m.empty(); m = read_msg(user)) EXPECT_EQ(m, seq(got++));
    EXPECT_EQ(got, n);
  }
};

TEST_F(Xconn, APairForwardsBothWays) {
  strdp_stream_t *x = open("xconn");
  LoopPair a = loop_pair(), b = loop_pair();
  std::vector<int> id = link_all(x, {a, b});
  write(a.user, "from a");
  write(b.user, "from b");
  EXPECT_EQ(read_msg(b.user), "from a");
  EXPECT_EQ(read_msg(a.user), "from b");

  // M_PROTO keeps its control part; M_PCPROTO too (never held).
  char c[] = "ctl", d[] = "data";
  strbuf cb = {0, 3, c}, db = {0, 4, d};
  ASSERT_EQ(strdp_putmsg(a.user, &cb, &db, 0), 0);
  ASSERT_EQ(strdp_putmsg(a.user, &cb, &db, RS_HIPRI), 0);
  drain();
  for (int hipri : {1, 0}) {
    char ci[8] = {}, di[8] = {};
    strbuf cio = {8, 0, ci}, dio = {8, 0, di};
    int flags = 0;
    ASSERT_EQ(strdp_getmsg(b.user, &cio, &dio, &flags), 0) << strerror(errno);
    EXPECT_EQ(std::string(ci, static_cast<size_t>(cio.len)), "ctl");
    EXPECT_EQ(std::string(di, static_cast<size_t>(dio.len)), "data");
    EXPECT_EQ(flags, hipri ? RS_HIPRI : 0) << "high priority first";
  }

  Stats s = xstats(x);
  ASSERT_EQ(s.rc, 0) << strerror(errno);
  EXPECT_EQ(s.hdr.xs_nports, 2u);
  const xconn_port *pa = port(s, id[0]), *pb = port(s, id[1]);
  ASSERT_NE(pa, nullptr);
  ASSERT_NE(pb, nullptr);
  EXPECT_EQ(pa->xp_peer, id[1]);
  EXPECT_EQ(pb->xp_peer, id[0]);
  EXPECT_EQ(pa->xp_in, 3u);
  EXPECT_EQ(pa->xp_fwd, 3u);
  EXPECT_EQ(pb->xp_in, 1u);
  EXPECT_EQ(pb->xp_fwd, 1u);
  EXPECT_EQ(pa->xp_nopeer + pa->xp_held + pa->xp_blocked, 0u);
}

TEST_F(Xconn, StreamsPairInLinkOrderAndRepairWithTheEarliestAlone) {
  strdp_stream_t *x = open("xconn");
  LoopPair a = loop_pair(), b = loop_pair(), c = loop_pair(), d = loop_pair(), e = loop_pair();
  std::vector<int> id = link_all(x, {a, b, c, d, e});
  write(a.user, "a->b");
  write(d.user, "d->c");
  write(e.user, "e->nobody");
  EXPECT_EQ(read_msg(b.user), "a->b");
  EXPECT_EQ(read_msg(c.user), "d->c");
  EXPECT_EQ(read_msg(a.user), "");
  Stats s = xstats(x);
  EXPECT_EQ(port(s, id[4])->xp_peer, 0);
  EXPECT_EQ(port(s, id[4])->xp_nopeer, 1u) << "freed and counted";

  // Unlinking b leaves a alone; the next link pairs with a, the earliest
  // stream without a partner (e stays alone).
  ASSERT_EQ(strdp_ioctl(x, I_UNLINK, id[1]), 0);
  write(a.user, "a->nobody");
  s = xstats(x);
  EXPECT_EQ(port(s, id[0])->xp_peer, 0);
  EXPECT_EQ(port(s, id[0])->xp_nopeer, 1u);
  LoopPair f = loop_pair();
  int idf = link(x, f.lower);
  ASSERT_GT(idf, 0);
  write(a.user, "a->f");
  write(f.user, "f->a");
  EXPECT_EQ(read_msg(f.user), "a->f");
  EXPECT_EQ(read_msg(a.user), "f->a");
  s = xstats(x);
  EXPECT_EQ(port(s, id[0])->xp_peer, idf);
  EXPECT_EQ(port(s, id[4])->xp_peer, 0);
}

TEST_F(Xconn, AFullPartnerHoldsItsPeerBackAndNothingIsLost) {
  strdp_stream_t *x = open("xconn");
  LoopPair a = loop_pair(), b = loop_pair();
  std::vector<int> id = link_all(x, {a, b});
  // b's user does not read: write on a until the whole path pushes back.
  int sent = 0;
  for (; sent < 100000; ++sent) {
    std::string m = seq(sent);
    if (strdp_write(a.user, m.data(), m.size()) < 0) {
      ASSERT_EQ(errno, EAGAIN) << strerror(errno);
      break;
    }
    drain();
  }
  ASSERT_LT(sent, 100000) << "flow control never pushed back";
  Stats s = xstats(x);
  const xconn_port *pa = port(s, id[0]);
  EXPECT_GT(pa->xp_held, 0u) << "held on a's lower read queue";
  EXPECT_GT(pa->xp_blocked, 0u);
  EXPECT_EQ(pa->xp_nopeer + pa->xp_nomem, 0u);
  EXPECT_EQ(pa->xp_in, pa->xp_fwd + pa->xp_held);

  // Drain b while a writes 200 more: all of it arrives, in order.
  int got = 0;
  const int target = sent + 200;
  for (int rounds = 0; got < target && rounds < 100000; ++rounds) {
    for (std::string m = read_msg(b.user); !m.empty(); m = read_msg(b.user)) {
      ASSERT_EQ(m, seq(got)) << "order";
      ++got;
    }
    if (sent < target) {
      std::string m = seq(sent);
      if (strdp_write(a.user, m.data(), m.size()) == static_cast<ssize_t>(m.size())) ++sent;
    }
  }
  EXPECT_EQ(sent, target);
  EXPECT_EQ(got, sent);
  s = xstats(x);
  EXPECT_EQ(port(s, id[0])->xp_held, 0u);
  EXPECT_EQ(port(s, id[0])->xp_fwd, static_cast<uint64_t>(sent));
}

// Builds a burst: band-0 data, M_PROTO, high priority and banded data.
std::vector<mblk_t *> mixed_burst(int base) {
  std::vector<mblk_t *> v;
  v.push_back(make_msg("d" + std::to_string(base)));
  v.push_back(make_msg("p" + std::to_string(base + 1), M_PROTO));
  v.push_back(make_msg("d" + std::to_string(base + 2)));
  v.push_back(make_msg("h" + std::to_string(base + 3), M_PCPROTO));
  v.push_back(make_msg("b" + std::to_string(base + 4), M_DATA, 3));
  v.push_back(make_msg("d" + std::to_string(base + 5)));
  return v;
}

// Everything on sp's read side, with its type and band, as text.
std::vector<std::string> drain_typed(strdp_stream_t *sp) {
  std::vector<std::string> v;
  drain();
  for (;;) {
    char cbuf[64], dbuf[64];
    strbuf c = {64, 0, cbuf}, d = {64, 0, dbuf};
    int band = 0, flags = MSG_ANY;
    if (strdp_getpmsg(sp, &c, &d, &band, &flags) < 0) break;
    std::string t = c.len > 0 ? "ctl:" + std::string(cbuf, static_cast<size_t>(c.len)) : "";
    if (d.len > 0) t += std::string(dbuf, static_cast<size_t>(d.len));
    v.push_back(t + "/" + std::to_string(band) + (flags == MSG_HIPRI ? "/hi" : ""));
  }
  return v;
}

TEST_F(Xconn, TheBurstPathDoesWhatTheSinglePathDoes) {
  strdp_stream_t *x = open("xconn");
  LoopPair a = loop_pair(), b = loop_pair(), c = loop_pair(), d = loop_pair();
  std::vector<int> id = link_all(x, {a, b, c, d});
  // As if a's and c's drivers sent up: a gets bursts, c single puts.
  queue_t *qa = strdp_stream_rq(a.lower), *qc = strdp_stream_rq(c.lower);
  std::vector<std::string> via_burst, via_single;
  for (int round = 0; round < 2; ++round) {
    std::vector<mblk_t *> burst = mixed_burst(round * 10), single = mixed_burst(round * 10);
    put_burst(qa, burst.data(), static_cast<unsigned>(burst.size()));
    for (mblk_t *mp : single) put(qc, mp);
    // Read each round: a stream head keeps one M_PCPROTO at a time.
    for (std::string &m : drain_typed(b.user)) via_burst.push_back(m);
    for (std::string &m : drain_typed(d.user)) via_single.push_back(m);
  }
  EXPECT_EQ(via_burst.size(), 12u);
  EXPECT_EQ(via_burst, via_single);
  Stats s = xstats(x);
  const xconn_port *pa = port(s, id[0]), *pc = port(s, id[2]);
  EXPECT_EQ(pa->xp_in, pc->xp_in);
  EXPECT_EQ(pa->xp_fwd, pc->xp_fwd);
  EXPECT_EQ(pa->xp_fwd, 12u);
}

TEST_F(Xconn, ABurstBehindHeldMessagesWaitsInOrder) {
  strdp_stream_t *x = open("xconn");
  LoopPair a = loop_pair(), b = loop_pair();
  std::vector<int> id = link_all(x, {a, b});
  queue_t *qa = strdp_stream_rq(a.lower);
  int n = fill_until_held(x, id[0], qa);
  std::vector<mblk_t *> burst;
  for (int i = 0; i < 8; ++i) burst.push_back(make_msg(seq(n + i)));
  put_burst(qa, burst.data(), 8);
  n += 8;
  EXPECT_GE(port(xstats(x), id[0])->xp_held, 9u) << "the burst queued behind";
  expect_seq(b.user, n);
}

// Frames (putnext_frames) are what a pmd stream in raw mode sends up: here
// made from messages, and sent up from a loop pair's driver as if it had
// received them. Its partner's driver takes no frames, so they become
// messages there: the content, order and counts are a burst's.
class XconnFrames : public Xconn {
 protected:
  static strdp_frame_t *frame_of(const std::string &text) {
    rte_mbuf *m = strdp_msg_to_mbuf(make_msg(text));
    EXPECT_NE(m, nullptr);
    return strdp_mbuf_frame(m);
  }
  // The driver's read queue under a lower stream's head.
  static queue_t *driver_rq(strdp_stream_t *lower) { return RD(WR(strdp_stream_rq(lower))->q_next); }
};

TEST_F(XconnFrames, FramesFromBelowReachThePartnerInOrderCountedAsMessages) {
  strdp_stream_t *x = open("xconn");
  LoopPair a = loop_pair(), b = loop_pair();
  std::vector<int> id = link_all(x, {a, b});
  std::vector<strdp_frame_t *> f;
  for (int i = 0; i < 40; ++i) f.push_back(frame_of(seq(i)));
  putnext_frames(driver_rq(a.lower), f.data(), 40);
  expect_seq(b.user, 40);
  Stats st = xstats(x);
  const xconn_port *pa = port(st, id[0]);
  EXPECT_EQ(pa->xp_in, 40u);
  EXPECT_EQ(pa->xp_fwd, 40u);
  EXPECT_EQ(pa->xp_held, 0u);
}

TEST_F(XconnFrames, FramesBehindHeldMessagesWaitInOrder) {
  strdp_stream_t *x = open("xconn");
  LoopPair a = loop_pair(), b = loop_pair();
  std::vector<int> id = link_all(x, {a, b});
  int n = fill_until_held(x, id[0], strdp_stream_rq(a.lower));
  std::vector<strdp_frame_t *> f;
  for (int i = 0; i < 8; ++i) f.push_back(frame_of(seq(n + i)));
  putnext_frames(driver_rq(a.lower), f.data(), 8);
  n += 8;
  EXPECT_GE(port(xstats(x), id[0])->xp_held, 9u) << "the frames queued behind, as messages";
  expect_seq(b.user, n);
}

// A frame whose buffer has no room for a message header (an mbuf pool not
// made for strdp) can be forwarded as a frame, but not made a message: the
// queue where that would happen frees it and counts it, and the frames
// around it arrive.
TEST_F(XconnFrames, AFrameThatCannotBeAMessageIsFreedAndCounted) {
  rte_mempool *bare = rte_pktmbuf_pool_create("xconn_bare", 63, 0, 0, 2048, SOCKET_ID_ANY);
  ASSERT_NE(bare, nullptr) << rte_strerror(rte_errno);
  strdp_stream_t *x = open("xconn");
  LoopPair a = loop_pair(), b = loop_pair();
  link_all(x, {a, b});
  rte_mbuf *m = rte_pktmbuf_alloc(bare);
  ASSERT_NE(m, nullptr);
  std::string lost = seq(1);
  std::memcpy(rte_pktmbuf_append(m, static_cast<uint16_t>(lost.size())), lost.data(), lost.size());
  strdp_frame_t *f[3] = {frame_of(seq(0)), strdp_mbuf_frame(m), frame_of(seq(2))};
  // The partner's driver write queue is where the frames become messages.
  queue_t *bw = WR(strdp_stream_rq(b.lower))->q_next;
  strdp_qstats before{}, after{};
  strdp_qstats_get(bw, &before);
  putnext_frames(driver_rq(a.lower), f, 3);
  strdp_qstats_get(bw, &after);
  EXPECT_EQ(after.drops[STRDP_DROP_NOMEM], before.drops[STRDP_DROP_NOMEM] + 1);
  EXPECT_EQ(read_msg(b.user), seq(0));
  EXPECT_EQ(read_msg(b.user), seq(2));
  EXPECT_EQ(read_msg(b.user), "");
  EXPECT_EQ(rte_mempool_in_use_count(bare), 0u) << "the frame was freed";
  rte_mempool_free(bare);
}

TEST_F(Xconn, AFlushFromBelowDropsWhatIsHeldAndTurnsFlushwBack) {
  strdp_stream_t *x = open("xconn");
  LoopPair a = loop_pair(), b = loop_pair();
  std::vector<int> id = link_all(x, {a, b});
  queue_t *qa = strdp_stream_rq(a.lower);
  int n = 0;
  for (; n < 10000 && port(xstats(x), id[0])->xp_held < 3; ++n) {
    put(qa, make_msg(seq(n)));
    drain();
  }
  uint64_t held = port(xstats(x), id[0])->xp_held;
  ASSERT_GE(held, 3u);
  // FLUSHR only: flushed, freed, nothing goes back down.
  mblk_t *fl = make_msg(std::string(1, static_cast<char>(FLUSHR)), M_FLUSH);
  put(qa, fl);
  drain();
  Stats s = xstats(x);
  EXPECT_EQ(port(s, id[0])->xp_held, 0u);
  EXPECT_EQ(port(s, id[0])->xp_flushed, held);
  EXPECT_EQ(port(s, id[0])->xp_flush, 1u);
  // FLUSHRW: the FLUSHW half goes back down a's stream (the loop driver
  // flushes its write queue and frees it: FLUSHR was cleared).
  strdp_queue_info qi[4];
  strdp_stream_queues(a.lower, qi, 4);
  uint64_t before = qi[3].st.put_calls;
  put(qa, make_msg(std::string(1, static_cast<char>(FLUSHRW)), M_FLUSH));
  drain();
  strdp_stream_queues(a.lower, qi, 4);
  EXPECT_EQ(qi[3].st.put_calls, before + 1) << "turned back down";
  EXPECT_EQ(port(xstats(x), id[0])->xp_flush, 2u);
  EXPECT_EQ(read_msg(a.user), "") << "nothing crossed to the other stream";
  (void)read_all(b.user);
}

TEST_F(Xconn, UnlinkingOneOfAPairDropsWhatWasHeldForIt) {
  strdp_stream_t *x = open("xconn");
  LoopPair a = loop_pair(), b = loop_pair();
  std::vector<int> id = link_all(x, {a, b});
  queue_t *qa = strdp_stream_rq(a.lower);
  for (int n = 0; n < 10000 && port(xstats(x), id[0])->xp_held < 2; ++n) {
    put(qa, make_msg(seq(n)));
    drain();
  }
  uint64_t held = port(xstats(x), id[0])->xp_held;
  ASSERT_GE(held, 2u);
  ASSERT_EQ(strdp_ioctl(x, I_UNLINK, id[1]), 0);
  Stats s = xstats(x);
  EXPECT_EQ(s.hdr.xs_nports, 1u);
  EXPECT_EQ(port(s, id[0])->xp_peer, 0);
  EXPECT_EQ(port(s, id[0])->xp_held, 0u);
  EXPECT_EQ(port(s, id[0])->xp_nopeer, held);
  (void)read_all(b.user);
}

TEST_F(Xconn, TheUpperStreamCarriesNoData) {
  strdp_stream_t *x = open("xconn");
  write(x, "nowhere to go");
  char c[] = "c";
  strbuf cb = {0, 1, c};
  ASSERT_EQ(strdp_putmsg(x, &cb, nullptr, 0), 0);
  drain();
  Stats s = xstats(x);
  ASSERT_EQ(s.rc, 0);
  EXPECT_EQ(s.hdr.xs_upper_drops, 2u);
  EXPECT_EQ(s.hdr.xs_nports, 0u);
  EXPECT_EQ(read_msg(x), "");
  EXPECT_EQ(strdp_ioctl(x, I_FLUSH, FLUSHRW), 0);
}

TEST_F(Xconn, StatsAndUnknownIoctlsCheckTheirArguments) {
  strdp_stream_t *x = open("xconn");
  LoopPair a = loop_pair(), b = loop_pair();
  std::vector<int> id = link_all(x, {a, b});
  alignas(8) char buf[XCONN_STATS_LEN(1)];
  EXPECT_EQ(istr(x, XCONN_STATS, buf, static_cast<int>(XCONN_STATS_LEN(0)) - 1), -1);
  EXPECT_EQ(errno, EINVAL);
  EXPECT_EQ(istr(x, XCONN_STATS), -1);
  EXPECT_EQ(errno, EINVAL);
  strioctl ic = {XCONN_STATS, 0, static_cast<int>(sizeof buf), buf};
  ASSERT_EQ(strdp_ioctl(x, I_STR, reinterpret_cast<intptr_t>(&ic)), 0);
  xconn_stats hdr;
  memcpy(&hdr, buf, sizeof hdr);
  EXPECT_EQ(hdr.xs_nports, 2u);
  EXPECT_EQ(hdr.xs_returned, 1u) << "room for one port";
  EXPECT_EQ(ic.ic_len, static_cast<int>(XCONN_STATS_LEN(1)));
  xconn_port p;
  memcpy(&p, buf + XCONN_STATS_LEN(0), sizeof p);
  EXPECT_EQ(p.xp_muxid, id[0]) << "link order";
  EXPECT_EQ(istr(x, ('X' << 8) | 99), -1);
  EXPECT_EQ(errno, EINVAL);
  int v = 0;
  EXPECT_EQ(strdp_ioctl(x, ('X' << 8) | 1, reinterpret_cast<intptr_t>(&v)), -1)
      << "XCONN_STATS is not a transparent ioctl";
  EXPECT_EQ(errno, EINVAL);
}

TEST_F(Xconn, PersistentLinksOutliveTheInstancesStream) {
  strdp_stream_t *x = open("xconn");
  LoopPair a = loop_pair(), b = loop_pair();
  std::vector<int> id = link_all(x, {a, b}, I_PLINK);
  ASSERT_EQ(close(x), 0);
  write(a.user, "still patched");
  EXPECT_EQ(read_msg(b.user), "still patched");
  strdp_stream_t *x2 = open("xconn");
  ASSERT_EQ(strdp_ioctl(x2, I_PUNLINK, id[0]), 0);
  write(b.user, "b alone");
  EXPECT_EQ(read_msg(a.user), "");
  EXPECT_EQ(xstats(x2).hdr.xs_nports, 0u) << "another instance";
  ASSERT_EQ(strdp_ioctl(x2, I_PUNLINK, id[1]), 0);  // frees the old instance
  write(a.user, "a is a stream again");
  EXPECT_EQ(read_msg(a.lower), "a is a stream again");
}

TEST_F(Xconn, AHangupFromBelowIsCounted) {
  strdp_stream_t *x = open("xconn");
  LoopPair a = loop_pair(), b = loop_pair();
  std::vector<int> id = link_all(x, {a, b});
  ASSERT_EQ(close(a.user), 0);  // the loop driver sends M_HANGUP up a.lower
  drain();
  EXPECT_EQ(port(xstats(x), id[0])->xp_other, 1u);
}

TEST_F(Xconn, EveryOpenIsAnInstanceOfItsOwn) {
  strdp_stream_t *x1 = open("xconn"), *x2 = open("xconn");
  LoopPair a = loop_pair(), b = loop_pair();
  ASSERT_GT(link(x1, a.lower), 0);
  ASSERT_GT(link(x2, b.lower), 0);
  write(a.user, "alone in x1");
  EXPECT_EQ(read_msg(b.user), "") << "streams of two instances are not paired";
  EXPECT_EQ(xstats(x1).hdr.xs_nports, 1u);
  EXPECT_EQ(xstats(x2).hdr.xs_nports, 1u);
}

}  // namespace
}  // namespace strdp::test
