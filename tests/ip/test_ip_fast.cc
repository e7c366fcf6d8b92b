// The ip router's frame fast path (modules/ip/ip_fast.c), on the router
// fixture (ip_test.h): frames put into a lower as a pmd in raw mode does
// (putnext_frames from the driver's read queue) must come out exactly as
// the same frames sent as messages do, with the same counters; the fast
// path takes the leading run it can forward and the message path gets the
// rest, in order.
#include <strdp/mbuf.h>

#include "ip_test.h"

namespace strdp::test {
namespace {

class IpFast : public IpRouter {
 protected:
  // Two wires, h1 known on a, h2 known on b (each asked for the router).
  void SetUp() override {
    IpRouter::SetUp();
    a_ = attach("a", 1, r1_, 24);
    b_ = attach("b", 2, r2_, 24);
    introduce(a_, h1_, h1ip_, r1_);
    introduce(b_, h2_, h2ip_, r2_);
    // The loop driver's write queue holds 512 bytes: room for a burst, so
    // that flow control (tested in test_ip_router) stays out of the way.
    for (const Wire *w : {&a_, &b_})
      ASSERT_EQ(strqset(WR(strdp_stream_rq(w->p.lower))->q_next, QHIWAT, 0, 1 << 20), 0);
  }
  static std::vector<strdp_frame_t *> make_frames(const std::vector<Bytes> &frames) {
    std::vector<strdp_frame_t *> f;
    for (const Bytes &b : frames) {
      rte_mbuf *m = rte_pktmbuf_alloc(strdp_msg_pool(static_cast<int>(rte_socket_id())));
      EXPECT_NE(m, nullptr);
      char *p = m != nullptr ? rte_pktmbuf_append(m, static_cast<uint16_t>(b.size())) : nullptr;
      EXPECT_NE(p, nullptr);
      if (p == nullptr) break;
      memcpy(p, b.data(), b.size());
      f.push_back(strdp_mbuf_frame(m));
    }
    return f;
  }
  static Bytes bytes_of(strdp_frame_t *f) {
    rte_mbuf *m = strdp_frame_mbuf(f);
    const uint8_t *p = rte_pktmbuf_mtod(m, const uint8_t *);
    return Bytes(p, p + m->data_len);
  }
  // The mux's lower read queue now, and the driver's below it.
  static queue_t *lower_rq(const Wire &w) { return strdp_stream_rq(w.p.lower); }
  static queue_t *driver_rq(const Wire &w) { return RD(WR(lower_rq(w))->q_next); }
  // The frames as one burst, as a pmd's rx hands them up to the lower.
  void put_frames(const Wire &w, const std::vector<Bytes> &frames) {
    std::vector<strdp_frame_t *> f = make_frames(frames);
    putnext_frames(driver_rq(w), f.data(), static_cast<unsigned>(f.size()));
    drain();
  }
  void put_msgs(const Wire &w, const std::vector<Bytes> &frames) {
    for (const Bytes &b : frames) {
      ASSERT_EQ(strdp_write(w.p.user, b.data(), b.size()), static_cast<ssize_t>(b.size()));
      drain();
    }
  }
  Bytes to_b(uint8_t ttl = 64, size_t size = 18, uint32_t dst = 0) {
    return ether(a_.mac, h1_, kEthIpv4, echo(h1ip_, dst ? dst : h2ip_, ttl, false, size));
  }
  Wire a_, b_;
};

// Every counter of both interfaces.
std::vector<uint64_t> all_counters(std::map<std::string, ip_if_stats> s) {
  std::vector<uint64_t> v;
  for (auto &[n, st] : s) {
    v.insert(v.end(), std::begin(st.is_ctr), std::end(st.is_ctr));
    v.insert(v.end(), std::begin(st.is_input_drops), std::end(st.is_input_drops));
  }
  return v;
}

TEST_F(IpFast, FramesComeOutAsMessagesDoAndTheRestFallBackInOrder) {
  // Plain ones, one with TTL 1 (time exceeded: the message path's), a
  // padded short one, one for a neighbour nobody knows (ARP first), more
  // plain ones.
  std::vector<Bytes> burst;
  for (int i = 0; i < 5; ++i) burst.push_back(to_b(64, 18 + i));
  burst.push_back(to_b(1));
  Bytes padded = to_b(64, 0);
  padded.resize(60, 0);  // a minimum frame: 14 + 28 bytes of IP, then padding
  burst.push_back(padded);
  burst.push_back(to_b(64, 18, ipv4(10, 2, 0, 77)));
  for (int i = 0; i < 3; ++i) burst.push_back(to_b(30, 40 + i));

  std::vector<uint64_t> before = all_counters(stats());
  put_frames(a_, burst);
  std::vector<Bytes> fast_b = frames(b_), fast_a = frames(a_);
  std::vector<uint64_t> after_fast = all_counters(stats());

  put_msgs(a_, burst);
  std::vector<Bytes> slow_b = frames(b_), slow_a = frames(a_);
  std::vector<uint64_t> after_slow = all_counters(stats());

  // The request for 10.2.0.77 goes once: the second time it is being
  // asked already. Everything else is the same, frame for frame.
  ASSERT_EQ(fast_b.size(), 10u) << "9 datagrams and one ARP request for 10.2.0.77";
  EXPECT_EQ(get16(&fast_b[6][12]), kEthArp);
  fast_b.erase(fast_b.begin() + 6);
  ASSERT_EQ(fast_b.size(), slow_b.size());
  for (size_t i = 0; i < fast_b.size(); ++i)
    EXPECT_EQ(slow_b[i], fast_b[i]) << "frame " << i << ": " << diff_bytes(slow_b[i], fast_b[i]);
  ASSERT_EQ(fast_a.size(), 1u) << "time exceeded";
  EXPECT_EQ(fast_a, slow_a);
  ASSERT_EQ(before.size(), after_fast.size());
  for (size_t i = 0; i < before.size(); ++i) {
    uint64_t fast = after_fast[i] - before[i], slow = after_slow[i] - after_fast[i];
    constexpr size_t kB = size_t{IP_IF_COUNT_} + size_t{IP_DROP_COUNT_};  // b's first counter
    if (i == kB + IP_IF_arp_requests || i == kB + IP_IF_tx_frames)
      EXPECT_EQ(fast, slow + 1) << "counter " << i << ": the one ARP request";
    else
      EXPECT_EQ(fast, slow) << "counter " << i;
  }
  EXPECT_EQ(ip_of(fast_b[0])[8], 63);
  EXPECT_EQ(fast_b[5].size(), 42u) << "the padding trimmed";
}

// The frame put itself: it takes the leading run it can forward and leaves
// the rest as they were.
TEST_F(IpFast, TakesTheLeadingRunAndLeavesTheRestUntouched) {
  std::vector<Bytes> burst = {to_b(), to_b(64, 20), to_b(64, 30), to_b(1), to_b(), to_b(64, 40)};
  std::vector<strdp_frame_t *> f = make_frames(burst);
  queue_t *q = lower_rq(a_);
  ASSERT_NE(q->q_qinfo->qi_putfp, nullptr);
  unsigned k = q->q_qinfo->qi_putfp(q, f.data(), static_cast<unsigned>(f.size()));
  EXPECT_EQ(k, 3u) << "up to the TTL 1 one";
  for (size_t i = k; i < f.size(); ++i) EXPECT_EQ(bytes_of(f[i]), burst[i]) << "frame " << i;
  drain();
  EXPECT_EQ(frames(b_).size(), 3u);
  // The rest the way the framework would: messages, through ip_lrput.
  putnext_frames(driver_rq(a_), f.data() + k, static_cast<unsigned>(f.size() - k));
  drain();
  EXPECT_EQ(frames(b_).size(), 2u);
  EXPECT_EQ(frames(a_).size(), 1u) << "time exceeded";

  // Nothing it can forward first: it takes nothing.
  f = make_frames({to_b(64, 18, ipv4(10, 2, 0, 99)), to_b()});
  EXPECT_EQ(q->q_qinfo->qi_putfp(q, f.data(), 2), 0u) << "a neighbour not known yet";
  putnext_frames(driver_rq(a_), f.data(), 2);
  drain();
  std::vector<Bytes> out = frames(b_);
  ASSERT_EQ(out.size(), 2u) << "an ARP request, then the one for h2";
  EXPECT_EQ(get16(&out[0][12]), kEthArp);
}

// A NIC that checked the IPv4 checksum says so in ol_flags: good is
// believed (not summed again), bad leaves the frame to the message path.
TEST_F(IpFast, BelievesTheNicsChecksumVerdict) {
  Bytes wrong = to_b();
  wrong[14 + 10] ^= 0x55;  // a header checksum no longer right
  std::vector<strdp_frame_t *> f = make_frames({wrong, to_b()});
  strdp_frame_mbuf(f[0])->ol_flags |= RTE_MBUF_F_RX_IP_CKSUM_GOOD;
  strdp_frame_mbuf(f[1])->ol_flags |= RTE_MBUF_F_RX_IP_CKSUM_BAD;
  queue_t *q = lower_rq(a_);
  EXPECT_EQ(q->q_qinfo->qi_putfp(q, f.data(), 2), 1u) << "the good one only";
  putnext_frames(driver_rq(a_), f.data() + 1, 1);
  drain();
  EXPECT_EQ(frames(b_).size(), 2u) << "the bad verdict's frame is right: the message path forwards it";
}

TEST_F(IpFast, WhatIsNotPlainForwardingGoesTheMessageWay) {
  // Each of these, first in a burst, makes the fast path take nothing;
  // the message path must then do what it always does.
  Bytes to_us = ether(a_.mac, h1_, kEthIpv4, echo(h1ip_, r1_));
  Bytes bcast = to_b();
  std::fill(bcast.begin(), bcast.begin() + 6, 0xff);
  std::vector<Bytes> cases = {to_us, bcast, to_b(64, 18, ipv4(192, 168, 1, 1)),
                              to_b(64, 2000)};  // over the 1500 MTU: fragments
  Bytes with_opt = echo(h1ip_, h2ip_, 64, false, 18);
  with_opt.insert(with_opt.begin() + 20, {1, 1, 1, 0});  // NOP NOP NOP EOL
  with_opt[0] = 0x46;
  put16(&with_opt[2], static_cast<uint16_t>(with_opt.size()));
  ip_csum(with_opt);
  cases.push_back(ether(a_.mac, h1_, kEthIpv4, with_opt));
  for (const Bytes &c : cases) {
    std::vector<uint64_t> before = all_counters(stats());
    put_frames(a_, {c, to_b()});
    std::vector<Bytes> fa = frames(a_), fb = frames(b_);
    std::vector<uint64_t> mid = all_counters(stats());
    put_msgs(a_, {c, to_b()});
    EXPECT_EQ(frames(a_), fa);
    std::vector<Bytes> sb = frames(b_);
    ASSERT_EQ(sb.size(), fb.size());
    for (size_t i = 0; i < sb.size(); ++i) EXPECT_EQ(sb[i], fb[i]) << diff_bytes(sb[i], fb[i]);
    std::vector<uint64_t> after = all_counters(stats());
    for (size_t i = 0; i < before.size(); ++i)
      EXPECT_EQ(mid[i] - before[i], after[i] - mid[i]) << "counter " << i;
  }
}

// Frames of one burst to two neighbours on one link, in turns: each
// leaves with its own neighbour's MAC (the memo moves between them).
TEST_F(IpFast, EachFrameOfABurstGoesToItsOwnNeighbour) {
  const Mac h3{0x02, 0, 0, 0, 0xa3, 3};
  const uint32_t h3ip = ipv4(10, 2, 0, 3);
  introduce(b_, h3, h3ip, r2_);
  std::vector<Bytes> burst;
  for (int i = 0; i < 6; ++i) burst.push_back(to_b(64, 18 + i, i % 2 ? h3ip : h2ip_));
  put_frames(a_, burst);
  std::vector<Bytes> f = frames(b_);
  ASSERT_EQ(f.size(), 6u);
  for (int i = 0; i < 6; ++i) EXPECT_EQ(macs(f[i]), macs(i % 2 ? h3 : h2_, b_.mac)) << "frame " << i;
}

TEST_F(IpFast, ANeighbourThatChangesItsAddressIsFollowed) {
  put_frames(a_, {to_b()});
  std::vector<Bytes> f = frames(b_);
  ASSERT_EQ(f.size(), 1u);
  EXPECT_EQ(macs(f[0]), macs(h2_, b_.mac));
  // h2 comes back with another MAC: the fast path's memo must not keep
  // the old one.
  const Mac h2new{0x02, 0, 0, 0, 0xb2, 9};
  send(b_, h2new, kEthArp, arp(2, h2new, h2ip_, b_.mac, r2_));
  put_frames(a_, {to_b()});
  f = frames(b_);
  ASSERT_EQ(f.size(), 1u);
  EXPECT_EQ(macs(f[0]), macs(h2new, b_.mac));
}

}  // namespace
}  // namespace strdp::test
