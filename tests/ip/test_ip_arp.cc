// ARP for the ip multiplexor (modules/ip/ip_arp.h): the packet, and the
// neighbour cache of one lane: one request per neighbour, held messages
// released in order, the pending bound, retries, ageing, the merge rule,
// and every held message either given back or freed and counted.
#include <gtest/gtest.h>

#include <cstring>
#include <string>
#include <vector>

#include "ip_arp.h"
#include "qchain.h"

namespace {

using strdp::test::make_msg;
using strdp::test::msg_text;
using strdp::test::pool_in_use;

constexpr uint32_t ip(unsigned a, unsigned b, unsigned c, unsigned d) {
  return (a << 24) | (b << 16) | (c << 8) | d;
}
constexpr uint32_t kOwn = ip(192, 0, 2, 1);
constexpr uint32_t kPeer = ip(192, 0, 2, 7);
const uint8_t kPeerMac[6] = {0x02, 0, 0, 0, 0, 7};
const uint8_t kOwnMac[6] = {0x02, 0, 0, 0, 0, 1};

ip_arp_pkt pkt(uint16_t op, const uint8_t *sha, uint32_t spa, uint32_t tpa) {
  ip_arp_pkt p{};
  p.op = op;
  memcpy(p.sha, sha, 6);
  p.spa = spa;
  p.tpa = tpa;
  return p;
}

class Arp : public ::testing::Test {
 protected:
  void SetUp() override { base_ = pool_in_use(); }
  void TearDown() override {
    ip_arp_cache_free(c_);
    EXPECT_EQ(pool_in_use(), base_) << "every held message given back or freed";
  }
  ip_arp_cache *make(uint32_t capacity = 16, uint32_t pending = 4) {
    ip_arp_conf conf{capacity, pending, 30000, 1000, 3};
    c_ = ip_arp_cache_create(&conf);
    EXPECT_NE(c_, nullptr);
    return c_;
  }
  std::vector<std::string> texts(mblk_t *chain) {
    std::vector<std::string> v;
    while (chain != nullptr) {
      mblk_t *next = chain->b_next;
      chain->b_next = nullptr;
      v.push_back(msg_text(chain));
      freemsg(chain);
      chain = next;
    }
    return v;
  }
  ip_arp_cache *c_ = nullptr;
  unsigned base_ = 0;
};

TEST_F(Arp, APacketRoundTripsAndEveryBadOneHasItsReason) {
  ip_arp_pkt req = pkt(IP_ARP_REQUEST, kOwnMac, kOwn, kPeer);
  uint8_t b[IP_ARP_LEN];
  ip_arp_build(b, &req);
  ip_arp_pkt got;
  ASSERT_EQ(ip_arp_parse(b, sizeof b, &got), IP_ARP_OK);
  EXPECT_EQ(got.op, IP_ARP_REQUEST);
  EXPECT_EQ(got.spa, kOwn);
  EXPECT_EQ(got.tpa, kPeer);
  EXPECT_EQ(memcmp(got.sha, kOwnMac, 6), 0);
  EXPECT_EQ(b[14], 192) << "addresses go out in network order";

  EXPECT_EQ(ip_arp_parse(b, IP_ARP_LEN - 1, &got), IP_ARP_DROP_short_packet);
  uint8_t x[IP_ARP_LEN];
  for (int field : {1, 2, 4, 5}) {
    memcpy(x, b, sizeof x);
    x[field] ^= 0x40;
    EXPECT_EQ(ip_arp_parse(x, sizeof x, &got), IP_ARP_DROP_not_ethernet_ipv4) << field;
  }
  memcpy(x, b, sizeof x);
  x[7] = 3;  // RARP request
  EXPECT_EQ(ip_arp_parse(x, sizeof x, &got), IP_ARP_DROP_opcode);
  memcpy(x, b, sizeof x);
  x[8] = 0x01;  // a multicast sender
  EXPECT_EQ(ip_arp_parse(x, sizeof x, &got), IP_ARP_DROP_bad_sender);
  memcpy(x, b, sizeof x);
  memset(x + 8, 0, 6);
  EXPECT_EQ(ip_arp_parse(x, sizeof x, &got), IP_ARP_DROP_bad_sender);
  for (uint8_t top : {224, 255, 127}) {
    memcpy(x, b, sizeof x);
    x[14] = top;
    EXPECT_EQ(ip_arp_parse(x, sizeof x, &got), IP_ARP_DROP_bad_sender) << int(top);
  }
  EXPECT_STREQ(ip_arp_drop_name(IP_ARP_DROP_opcode), "opcode");
  EXPECT_EQ(ip_arp_drop_name(IP_ARP_OK), nullptr);
  EXPECT_EQ(ip_arp_drop_name(IP_ARP_DROP_COUNT_), nullptr);
}

TEST_F(Arp, OneRequestPerNeighbourAndTheReplyReleasesWhatWaitedInOrder) {
  make();
  uint8_t mac[6];
  int ask;
  EXPECT_EQ(ip_arp_resolve(c_, kPeer, 0, make_msg("one"), mac, &ask), IP_ARP_QUEUED);
  EXPECT_EQ(ask, 1);
  EXPECT_EQ(ip_arp_resolve(c_, kPeer, 1, make_msg("two"), mac, &ask), IP_ARP_QUEUED);
  EXPECT_EQ(ask, 0) << "a request is already out";
  EXPECT_EQ(ip_arp_resolve(c_, kPeer, 2, make_msg("three"), mac, &ask), IP_ARP_QUEUED);
  ip_arp_pkt rep = pkt(IP_ARP_REPLY, kPeerMac, kPeer, kOwn);
  int reply;
  uint8_t to[6];
  mblk_t *out = ip_arp_input(c_, &rep, kOwn, 5, to, &reply);
  EXPECT_EQ(reply, 0);
  EXPECT_EQ(memcmp(to, kPeerMac, 6), 0);
  EXPECT_EQ(texts(out), (std::vector<std::string>{"one", "two", "three"}));
  mblk_t *mp = make_msg("four");
  ASSERT_EQ(ip_arp_resolve(c_, kPeer, 6, mp, mac, &ask), IP_ARP_RESOLVED);
  EXPECT_EQ(memcmp(mac, kPeerMac, 6), 0);
  freemsg(mp);  // still the caller's
}

TEST_F(Arp, HeldMessagesAreBoundedTheOldestGoesFirst) {
  make(16, 2);
  uint8_t mac[6];
  int ask, reply;
  for (const char *t : {"a", "b", "c"})
    EXPECT_EQ(ip_arp_resolve(c_, kPeer, 0, make_msg(t), mac, &ask), IP_ARP_QUEUED);
  EXPECT_EQ(ip_arp_drops(c_, IP_ARP_DROP_pending_overflow), 1u);
  ip_arp_pkt rep = pkt(IP_ARP_REPLY, kPeerMac, kPeer, kOwn);
  EXPECT_EQ(texts(ip_arp_input(c_, &rep, kOwn, 1, mac, &reply)),
            (std::vector<std::string>{"b", "c"}));
}

TEST_F(Arp, RetriesThenGivesUpAndCountsWhatWaited) {
  make();
  uint8_t mac[6];
  int ask;
  ip_arp_resolve(c_, kPeer, 0, make_msg("x"), mac, &ask);
  ip_arp_resolve(c_, kPeer, 0, make_msg("y"), mac, &ask);
  uint32_t due[4];
  EXPECT_EQ(ip_arp_tick(c_, 999, due, 4), 0u) << "not before retrans_ms";
  ASSERT_EQ(ip_arp_tick(c_, 1000, due, 4), 1u);
  EXPECT_EQ(due[0], kPeer);
  EXPECT_EQ(ip_arp_tick(c_, 1500, due, 4), 0u);
  ASSERT_EQ(ip_arp_tick(c_, 2000, due, 4), 1u) << "the third and last request";
  EXPECT_EQ(ip_arp_tick(c_, 3000, due, 4), 0u);
  EXPECT_EQ(ip_arp_drops(c_, IP_ARP_DROP_unresolved), 2u);
  EXPECT_EQ(ip_arp_count(c_), 0u) << "forgotten: the next message asks again";
  EXPECT_EQ(ip_arp_resolve(c_, kPeer, 3001, make_msg("z"), mac, &ask), IP_ARP_QUEUED);
  EXPECT_EQ(ask, 1);
}

TEST_F(Arp, OnlyPacketsForUsTeachNewNeighbours) {
  make();
  uint8_t mac[6];
  int reply, ask;
  const uint8_t other_mac[6] = {0x02, 0, 0, 0, 0, 9};
  ip_arp_pkt not_us = pkt(IP_ARP_REQUEST, other_mac, ip(192, 0, 2, 9), ip(192, 0, 2, 50));
  EXPECT_EQ(ip_arp_input(c_, &not_us, kOwn, 0, mac, &reply), nullptr);
  EXPECT_EQ(reply, 0);
  EXPECT_EQ(ip_arp_count(c_), 0u) << "RFC 826: merge, but create only for us";
  ip_arp_pkt for_us = pkt(IP_ARP_REQUEST, kPeerMac, kPeer, kOwn);
  EXPECT_EQ(ip_arp_input(c_, &for_us, kOwn, 0, mac, &reply), nullptr);
  EXPECT_EQ(reply, 1) << "a request for our address is answered";
  EXPECT_EQ(ip_arp_count(c_), 1u);
  mblk_t *mp = make_msg("m");
  EXPECT_EQ(ip_arp_resolve(c_, kPeer, 1, mp, mac, &ask), IP_ARP_RESOLVED);
  freemsg(mp);
  // An RFC 5227 probe (sender 0.0.0.0) for us: answered, nothing learned.
  ip_arp_pkt probe = pkt(IP_ARP_REQUEST, other_mac, 0, kOwn);
  EXPECT_EQ(ip_arp_input(c_, &probe, kOwn, 2, mac, &reply), nullptr);
  EXPECT_EQ(reply, 1);
  // Somebody claiming our own address teaches nothing either.
  ip_arp_pkt clash = pkt(IP_ARP_REPLY, other_mac, kOwn, kOwn);
  ip_arp_input(c_, &clash, kOwn, 3, mac, &reply);
  EXPECT_EQ(ip_arp_count(c_), 1u);
  // A gratuitous announcement from a known neighbour moves its entry.
  ip_arp_pkt moved = pkt(IP_ARP_REQUEST, other_mac, kPeer, kPeer);
  ip_arp_input(c_, &moved, kOwn, 4, mac, &reply);
  EXPECT_EQ(reply, 0);
  mp = make_msg("m");
  ASSERT_EQ(ip_arp_resolve(c_, kPeer, 5, mp, mac, &ask), IP_ARP_RESOLVED);
  EXPECT_EQ(memcmp(mac, other_mac, 6), 0);
  freemsg(mp);
}

TEST_F(Arp, AnswersAgeOutAndAFullCacheDropsAndCounts) {
  make(2);
  uint8_t mac[6];
  int reply, ask;
  ip_arp_pkt rep = pkt(IP_ARP_REPLY, kPeerMac, kPeer, kOwn);
  ip_arp_resolve(c_, kPeer, 0, make_msg("q"), mac, &ask);
  freemsgchain(ip_arp_input(c_, &rep, kOwn, 0, mac, &reply));
  mblk_t *mp = make_msg("m");
  EXPECT_EQ(ip_arp_resolve(c_, kPeer, 59999, mp, mac, &ask), IP_ARP_RESOLVED)
      << "still used until twice reachable_ms";
  uint32_t due[2];
  EXPECT_EQ(ip_arp_tick(c_, 59999, due, 2), 0u);
  EXPECT_EQ(ip_arp_count(c_), 1u);
  ip_arp_tick(c_, 60000, due, 2);
  EXPECT_EQ(ip_arp_count(c_), 0u) << "forgotten after twice reachable_ms";
  EXPECT_EQ(ip_arp_resolve(c_, kPeer, 60001, mp, mac, &ask), IP_ARP_QUEUED);
  EXPECT_EQ(ask, 1);
  EXPECT_EQ(ip_arp_resolve(c_, ip(192, 0, 2, 8), 60001, make_msg("n"), mac, &ask),
            IP_ARP_QUEUED);
  EXPECT_EQ(ip_arp_resolve(c_, ip(192, 0, 2, 9), 60001, make_msg("o"), mac, &ask),
            IP_ARP_DROPPED);
  EXPECT_EQ(ip_arp_drops(c_, IP_ARP_DROP_cache_full), 1u);
  // TearDown frees the cache with two messages still held.
}

TEST(ArpConf, NonsenseIsRefused) {
  ip_arp_conf zero_pending{16, 0, 30000, 1000, 3};
  EXPECT_EQ(ip_arp_cache_create(&zero_pending), nullptr);
  EXPECT_EQ(errno, EINVAL);
  ip_arp_conf zero_tries{16, 4, 30000, 1000, 0};
  EXPECT_EQ(ip_arp_cache_create(&zero_tries), nullptr);
  EXPECT_EQ(ip_arp_cache_create(nullptr), nullptr);
}

}  // namespace
