// ip_input (modules/ip/ip_input.h): every RFC 1812 drop reason, trimming
// of link padding, and the RFC 1624 TTL update against a full recompute.
#include <gtest/gtest.h>
#include <rte_ip.h>

#include <cstring>
#include <random>
#include <vector>

#include "ip_input.h"

namespace {

// A right 20-byte header (plus opt_words of options) and payload bytes.
std::vector<uint8_t> datagram(unsigned payload = 8, unsigned opt_words = 0,
                              uint32_t src = RTE_IPV4(192, 0, 2, 1),
                              uint32_t dst = RTE_IPV4(198, 51, 100, 7)) {
  unsigned ihl = 20 + 4 * opt_words;
  std::vector<uint8_t> d(ihl + payload, 0xab);
  auto *ip = reinterpret_cast<rte_ipv4_hdr *>(d.data());
  std::memset(d.data(), 0, ihl);
  ip->version_ihl = static_cast<uint8_t>(0x40 | (ihl / 4));
  ip->total_length = rte_cpu_to_be_16(static_cast<uint16_t>(d.size()));
  ip->time_to_live = 64;
  ip->next_proto_id = IPPROTO_UDP;
  ip->src_addr = rte_cpu_to_be_32(src);
  ip->dst_addr = rte_cpu_to_be_32(dst);
  if (opt_words) std::memset(d.data() + 20, 1, 4 * opt_words);  // NOPs
  ip->hdr_checksum = 0;
  ip->hdr_checksum = rte_ipv4_cksum(ip);
  return d;
}

rte_ipv4_hdr *hdr(std::vector<uint8_t> &d) {
  return reinterpret_cast<rte_ipv4_hdr *>(d.data());
}

void refresh_cksum(std::vector<uint8_t> &d) {
  hdr(d)->hdr_checksum = 0;
  hdr(d)->hdr_checksum = rte_ipv4_cksum(hdr(d));
}

int check(const std::vector<uint8_t> &d, size_t avail) {
  unsigned hl = 0, tl = 0;
  return ip_input_check(d.data(), avail, &hl, &tl);
}

TEST(IpInput, ARightDatagramPassesAndPaddingIsNotPartOfIt) {
  std::vector<uint8_t> d = datagram(6, 2);
  size_t len = d.size();
  d.resize(len + 18, 0);  // Ethernet minimum-frame padding after it
  unsigned hl = 0, tl = 0;
  ASSERT_EQ(ip_input_check(d.data(), d.size(), &hl, &tl), IP_INPUT_OK);
  EXPECT_EQ(hl, 28u);
  EXPECT_EQ(tl, len);
}

TEST(IpInput, EveryMalformedHeaderHasItsReason) {
  std::vector<uint8_t> d = datagram();
  EXPECT_EQ(check(d, 19), IP_DROP_short_frame);

  std::vector<uint8_t> v = datagram();
  v[0] = 0x65;  // version 6
  refresh_cksum(v);
  EXPECT_EQ(check(v, v.size()), IP_DROP_version);

  for (uint8_t ihl = 0; ihl < 5; ++ihl) {
    std::vector<uint8_t> h = datagram();
    h[0] = static_cast<uint8_t>(0x40 | ihl);
    SCOPED_TRACE(ihl);
    EXPECT_EQ(check(h, h.size()), IP_DROP_header_length);
  }
  // Options announced (IHL 15: 60 bytes) beyond a 28-byte frame.
  std::vector<uint8_t> o = datagram();
  o[0] = 0x4f;
  EXPECT_EQ(check(o, o.size()), IP_DROP_header_length);

  std::vector<uint8_t> t = datagram(8);
  hdr(t)->total_length = rte_cpu_to_be_16(19);  // under the header
  refresh_cksum(t);
  EXPECT_EQ(check(t, t.size()), IP_DROP_total_length);
  hdr(t)->total_length = rte_cpu_to_be_16(static_cast<uint16_t>(t.size() + 1));
  refresh_cksum(t);
  EXPECT_EQ(check(t, t.size()), IP_DROP_total_length);  // past the frame

  std::vector<uint8_t> c = datagram();
  c[8] ^= 0x01;  // TTL changed, checksum not
  EXPECT_EQ(check(c, c.size()), IP_DROP_checksum);
  c = datagram(8, 1);
  c[21] ^= 0x40;  // an option byte: the checksum covers options too
  EXPECT_EQ(check(c, c.size()), IP_DROP_checksum);
}

// Only the lengths of options are checked: NOPs, a well-formed option,
// and an end-of-list before padding pass; a length under 2 or one that
// runs past the header (a truncated option) drops the datagram.
TEST(IpInput, MalformedOptionsAreDropped) {
  auto with = [](std::vector<uint8_t> opts) {
    std::vector<uint8_t> d = datagram(8, static_cast<unsigned>(opts.size() / 4));
    std::copy(opts.begin(), opts.end(), d.begin() + 20);
    refresh_cksum(d);
    return d;
  };
  for (auto good : {std::vector<uint8_t>{1, 1, 1, 1}, {0x44, 8, 5, 0, 0, 0, 0, 0},
                    {0x94, 4, 0, 0}, {0, 0x44, 99, 0}, {1, 0x83, 3, 0}}) {
    std::vector<uint8_t> d = with(good);
    EXPECT_EQ(check(d, d.size()), IP_INPUT_OK);
  }
  for (auto bad : {std::vector<uint8_t>{0x44, 16, 0, 0}, {0x44, 1, 0, 0}, {0x44, 0, 0, 0},
                   {1, 1, 1, 0x44}, {0x83, 3, 0, 0x07, 9, 0, 0, 0}}) {
    std::vector<uint8_t> d = with(bad);
    EXPECT_EQ(check(d, d.size()), IP_DROP_options);
  }
}

TEST(IpInput, MartianAddressesAreDropped) {
  const uint32_t ok = RTE_IPV4(198, 51, 100, 7);
  for (uint32_t src : {RTE_IPV4(0, 1, 2, 3), RTE_IPV4(127, 0, 0, 1),
                       RTE_IPV4(224, 0, 0, 5), RTE_IPV4(240, 0, 0, 1),
                       RTE_IPV4(255, 255, 255, 255)}) {
    SCOPED_TRACE(src);
    std::vector<uint8_t> d = datagram(8, 0, src, ok);
    EXPECT_EQ(check(d, d.size()), IP_DROP_source);
  }
  for (uint32_t dst : {RTE_IPV4(0, 0, 0, 0), RTE_IPV4(127, 1, 1, 1),
                       RTE_IPV4(250, 1, 2, 3)}) {
    SCOPED_TRACE(dst);
    std::vector<uint8_t> d = datagram(8, 0, RTE_IPV4(192, 0, 2, 1), dst);
    EXPECT_EQ(check(d, d.size()), IP_DROP_destination);
  }
  // Limited broadcast and multicast are destinations for us, not martians.
  for (uint32_t dst : {RTE_IPV4(255, 255, 255, 255), RTE_IPV4(224, 0, 0, 1)}) {
    std::vector<uint8_t> d = datagram(8, 0, RTE_IPV4(192, 0, 2, 1), dst);
    EXPECT_EQ(check(d, d.size()), IP_INPUT_OK);
  }
}

TEST(IpInput, DropNamesComeFromTheOneList) {
  EXPECT_EQ(ip_drop_name(IP_INPUT_OK), nullptr);
  EXPECT_STREQ(ip_drop_name(IP_DROP_short_frame), "short_frame");
  EXPECT_STREQ(ip_drop_name(IP_DROP_checksum), "checksum");
  EXPECT_STREQ(ip_drop_name(IP_DROP_destination), "destination");
  EXPECT_EQ(ip_drop_name(IP_DROP_COUNT_), nullptr);
  EXPECT_EQ(ip_drop_name(-1), nullptr);
}

// RFC 1624's update must give what a full recompute gives, bit for bit,
// over random TTLs, protocols, ids and addresses (RFC 1141's older
// update, HC' = HC + m + ~m', can give 0xffff where the recompute gives
// 0x0000; eqn. 3 does not).
TEST(IpInput, TtlDecrementKeepsTheChecksumRight) {
  std::mt19937 rng(1624);
  for (int i = 0; i < 20000; ++i) {
    std::vector<uint8_t> d = datagram(0, i % 3);
    auto *ip = hdr(d);
    ip->time_to_live = static_cast<uint8_t>(2 + rng() % 254);
    ip->next_proto_id = static_cast<uint8_t>(rng());
    ip->packet_id = static_cast<uint16_t>(rng());
    ip->src_addr = rte_cpu_to_be_32(RTE_IPV4(10, 0, 0, 0) | (rng() & 0xffffff));
    ip->dst_addr = rte_cpu_to_be_32(static_cast<uint32_t>(rng()) & 0x7fffffffu);
    refresh_cksum(d);
    uint8_t ttl = ip->time_to_live;
    ip_ttl_decrement(d.data());
    ASSERT_EQ(ip->time_to_live, ttl - 1);
    ASSERT_EQ(rte_raw_cksum(d.data(), (d[0] & 0x0f) * 4u), 0xffff) << i;
    std::vector<uint8_t> r = d;
    refresh_cksum(r);
    ASSERT_EQ(ip->hdr_checksum, hdr(r)->hdr_checksum) << i;
  }
}

}  // namespace
