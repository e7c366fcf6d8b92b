// Two lanes of one router (modules/ip), as a port with two queue pairs
// makes them: each interface has a lower on each lane, each lane is its
// own scheduler. Here both schedulers take turns on the test's thread;
// what matters is that neither touches the other's queues. With RSS an
// ARP answer arrives on whichever lane the NIC hashes it to: the lane
// that asked must learn it all the same.
#include "ip_test.h"

namespace strdp::test {
namespace {

class IpLanes : public IpRouter {
 protected:
  void SetUp() override {
    IpRouter::SetUp();  // ip_: lane 0, the test's own scheduler
    a_ = sched();
    b_ = strdp_sched_create("lane1");
    ASSERT_NE(b_, nullptr);
  }
  void TearDown() override {
    // Lane 1's streams close on lane 1: its ip stream first, which
    // unlinks its lowers.
    strdp_sched_bind(b_);
    for (strdp_stream_t *sp : on_b_) EXPECT_EQ(close(sp), 0) << strerror(errno);
    drain();
    strdp_sched_bind(a_);
    IpRouter::TearDown();
    strdp_sched_destroy(b_);
  }
  template <class F>
  void on_b(F f) {
    strdp_sched_bind(b_);
    f();
    drain();
    strdp_sched_bind(a_);
  }
  // Both lanes until neither has anything left.
  void drain_both() {
    for (int i = 0; i < 100; ++i) {
      unsigned n = drain();
      strdp_sched_bind(b_);
      n += drain();
      strdp_sched_bind(a_);
      if (n == 0) return;
    }
  }
  // On lane 1 (bound): a wire for the interface `name`, which lane 0 has.
  Wire attach_lane1(strdp_stream_t *ip1, const std::string &name, uint8_t id, uint32_t addr) {
    Wire w;
    w.name = name;
    w.mac = Mac{0x02, 0, 0, 0, 0, id};  // one port: one MAC on every lane
    w.p = loop_pair();
    w.muxid = link(ip1, w.p.lower);
    EXPECT_GT(w.muxid, 0) << strerror(errno);
    answer_dlpi(w, 1500);
    EXPECT_EQ(ifset(w, addr, 24, 0, ip1), 0) << strerror(errno);
    EXPECT_EQ(frames(w).size(), 1u) << "its gratuitous ARP";
    return w;
  }
  strdp_sched_t *a_ = nullptr, *b_ = nullptr;
  std::vector<strdp_stream_t *> on_b_;  // closed on lane 1, in this order
};

TEST_F(IpLanes, AnArpAnswerOnOneLaneResolvesTheNeighbourOnTheOther) {
  Wire a0 = attach("a", 1, r1_, 24), b0 = attach("b", 2, r2_, 24);
  Wire a1, b1;
  on_b([&] {
    strdp_stream_t *ip1 = open("ip");
    ASSERT_NE(ip1, nullptr);
    a1 = attach_lane1(ip1, "a", 1, r1_);
    b1 = attach_lane1(ip1, "b", 2, r2_);
    on_b_ = {ip1, a1.p.user, a1.p.lower, b1.p.user, b1.p.lower};
  });
  EXPECT_EQ(stats()["b"].is_lanes, 2);

  // h1's ping to h2 comes in on lane 1, which asks for h2 on its lower.
  std::vector<Bytes> asked;
  on_b([&] {
    send(a1, h1_, kEthIpv4, echo(h1ip_, h2ip_, 64, true, 40, 5));
    asked = frames(b1);
  });
  ASSERT_EQ(asked.size(), 1u);
  EXPECT_EQ(get16(&asked[0][12]), kEthArp);
  // The answer comes in on lane 0 (the NIC's hash put it there).
  send(b0, h2_, kEthArp, arp(2, h2_, h2ip_, b0.mac, r2_));
  drain_both();
  std::vector<Bytes> out;
  on_b([&] { out = frames(b1); });
  ASSERT_EQ(out.size(), 1u) << "the ping waited on lane 1, and goes now";
  EXPECT_EQ(macs(out[0]), macs(h2_, b1.mac));
  IcmpEcho e;
  ASSERT_EQ(parse_icmp_echo(ip_of(out[0]), &e), "");
  EXPECT_EQ(e.seq, 5);
  EXPECT_TRUE(frames(b0).empty()) << "lane 0 had nothing waiting";
  ip_if_stats s = stats()["b"];
  EXPECT_EQ(s.is_ctr[IP_IF_arp_shared], 1u);
  EXPECT_EQ(s.is_neighbours, 2u) << "h2, known on both lanes";

  // The next one from lane 1 goes at once, and so does one on lane 0.
  on_b([&] {
    send(a1, h1_, kEthIpv4, echo(h1ip_, h2ip_, 64, true, 40, 6));
    EXPECT_EQ(frames(b1).size(), 1u);
  });
  introduce(a0, h1_, h1ip_, r1_);
  send(a0, h1_, kEthIpv4, echo(h1ip_, h2ip_, 64, true, 40, 7));
  EXPECT_EQ(frames(b0).size(), 1u);
}

TEST_F(IpLanes, ARequestIsAnsweredOnlyWhereItCameIn) {
  Wire a0 = attach("a", 1, r1_, 24);
  Wire a1;
  on_b([&] {
    strdp_stream_t *ip1 = open("ip");
    ASSERT_NE(ip1, nullptr);
    a1 = attach_lane1(ip1, "a", 1, r1_);
    on_b_ = {ip1, a1.p.user, a1.p.lower};
  });
  send(a0, h1_, kEthArp, arp_request(h1_, h1ip_, r1_), &kBroadcast);
  drain_both();
  EXPECT_EQ(frames(a0).size(), 1u) << "the reply, from lane 0";
  std::vector<Bytes> on1;
  on_b([&] { on1 = frames(a1); });
  EXPECT_TRUE(on1.empty()) << "lane 1 learns, but does not answer again";
  EXPECT_EQ(stats()["a"].is_neighbours, 2u);
}

}  // namespace
}  // namespace strdp::test
