// ICMP for the ip multiplexor (modules/ip/ip_icmp.h): echo replies made
// in place (checked against a full recompute and ip_input_check), router
// errors within RFC 1812's rules, and the per-lane token bucket.
#include <gtest/gtest.h>
#include <rte_ip.h>

#include <cstring>
#include <random>
#include <vector>

#include "ip_icmp.h"
#include "ip_input.h"

namespace {

constexpr uint32_t ip(unsigned a, unsigned b, unsigned c, unsigned d) {
  return (a << 24) | (b << 16) | (c << 8) | d;
}

void put32(uint8_t *p, uint32_t v) {
  p[0] = static_cast<uint8_t>(v >> 24);
  p[1] = static_cast<uint8_t>(v >> 16);
  p[2] = static_cast<uint8_t>(v >> 8);
  p[3] = static_cast<uint8_t>(v);
}
uint32_t get32(const uint8_t *p) {
  return uint32_t{p[0]} << 24 | uint32_t{p[1]} << 16 | uint32_t{p[2]} << 8 | p[3];
}

void cksum(uint8_t *p, size_t n, size_t at) {
  memset(p + at, 0, 2);
  uint16_t c = static_cast<uint16_t>(~rte_raw_cksum(p, n));
  memcpy(p + at, &c, 2);
}

// An IPv4 datagram from src to dst carrying proto and body.
std::vector<uint8_t> datagram(uint32_t src, uint32_t dst, uint8_t proto,
                              const std::vector<uint8_t> &body, uint16_t frag = 0) {
  std::vector<uint8_t> d(20 + body.size());
  d[0] = 0x45;
  d[2] = static_cast<uint8_t>(d.size() >> 8);
  d[3] = static_cast<uint8_t>(d.size());
  d[6] = static_cast<uint8_t>(frag >> 8);
  d[7] = static_cast<uint8_t>(frag);
  d[8] = 17;
  d[9] = proto;
  put32(&d[12], src);
  put32(&d[16], dst);
  memcpy(d.data() + 20, body.data(), body.size());
  cksum(d.data(), 20, 10);
  return d;
}

std::vector<uint8_t> echo_request(std::mt19937 &rng, size_t payload) {
  std::vector<uint8_t> b(8 + payload);
  b[0] = IP_ICMP_ECHO;
  for (size_t i = 4; i < b.size(); ++i) b[i] = static_cast<uint8_t>(rng());
  cksum(b.data(), b.size(), 2);
  return b;
}

constexpr uint32_t kUs = ip(192, 0, 2, 1), kThem = ip(198, 51, 100, 9);

TEST(IpIcmp, EchoRepliesAreRightForRandomRequests) {
  std::mt19937 rng(11);
  for (int i = 0; i < 2000; ++i) {
    auto d = datagram(kThem, kUs, 1, echo_request(rng, rng() % 1473));
    auto sent = d;
    ASSERT_EQ(ip_icmp_echo_reply(d.data(), 20, static_cast<unsigned>(d.size())), IP_ICMP_OK);
    unsigned hlen, tlen;
    ASSERT_EQ(ip_input_check(d.data(), d.size(), &hlen, &tlen), IP_INPUT_OK);
    EXPECT_EQ(get32(&d[12]), kUs);
    EXPECT_EQ(get32(&d[16]), kThem);
    EXPECT_EQ(d[20], IP_ICMP_ECHO_REPLY);
    EXPECT_EQ(memcmp(d.data() + 24, sent.data() + 24, d.size() - 24), 0)
        << "identifier, sequence and data echoed";
    ASSERT_EQ(rte_raw_cksum(d.data() + 20, d.size() - 20), 0xffff);
    auto full = d;
    cksum(full.data() + 20, full.size() - 20, 2);
    ASSERT_EQ(memcmp(full.data() + 22, d.data() + 22, 2), 0) << "incremental == recomputed";
  }
}

TEST(IpIcmp, WhatIsNotAGoodEchoRequestIsLeftAsItWas) {
  std::mt19937 rng(3);
  auto good = datagram(kThem, kUs, 1, echo_request(rng, 16));
  auto d = good;
  d[20] = IP_ICMP_ECHO_REPLY;
  auto before = d;
  EXPECT_EQ(ip_icmp_echo_reply(d.data(), 20, static_cast<unsigned>(d.size())),
            IP_ICMP_NO_not_echo);
  EXPECT_EQ(d, before);
  d = good;
  d[21] = 1;  // code 1
  EXPECT_EQ(ip_icmp_echo_reply(d.data(), 20, static_cast<unsigned>(d.size())),
            IP_ICMP_NO_not_echo);
  d = good;
  d[30] ^= 0xff;
  before = d;
  EXPECT_EQ(ip_icmp_echo_reply(d.data(), 20, static_cast<unsigned>(d.size())),
            IP_ICMP_NO_icmp_checksum);
  EXPECT_EQ(d, before);
  EXPECT_EQ(ip_icmp_echo_reply(d.data(), 20, 27), IP_ICMP_NO_short_icmp);
  EXPECT_STREQ(ip_icmp_no_name(IP_ICMP_NO_rate_limited), "rate_limited");
  EXPECT_EQ(ip_icmp_no_name(IP_ICMP_OK), nullptr);
}

TEST(IpIcmp, ErrorsQuoteWithin576BytesAndAreValidDatagrams) {
  std::vector<uint8_t> udp(980, 0x5a);
  auto orig = datagram(kThem, ip(203, 0, 113, 5), 17, udp);
  std::vector<uint8_t> out(1500);
  size_t len = 0;
  ASSERT_EQ(ip_icmp_error(out.data(), out.size(), orig.data(), orig.size(), IP_ICMP_TIME_EXCEEDED,
                          0, 0, kUs, &len),
            IP_ICMP_OK);
  EXPECT_EQ(len, 576u);
  unsigned hlen, tlen;
  ASSERT_EQ(ip_input_check(out.data(), len, &hlen, &tlen), IP_INPUT_OK);
  EXPECT_EQ(tlen, 576u);
  EXPECT_EQ(out[9], 1);
  EXPECT_EQ(out[1], 0xc0) << "precedence 6 (RFC 1812 4.3.2.5)";
  EXPECT_EQ(get32(&out[12]), kUs);
  EXPECT_EQ(get32(&out[16]), kThem) << "back to the datagram's source";
  EXPECT_EQ(out[20], IP_ICMP_TIME_EXCEEDED);
  EXPECT_EQ(rte_raw_cksum(out.data() + 20, len - 20), 0xffff);
  EXPECT_EQ(memcmp(out.data() + 28, orig.data(), len - 28), 0) << "the datagram, quoted";

  auto small = datagram(kThem, ip(203, 0, 113, 5), 17, std::vector<uint8_t>(12, 1));
  ASSERT_EQ(ip_icmp_error(out.data(), out.size(), small.data(), small.size(), IP_ICMP_UNREACH,
                          IP_ICMP_UNREACH_NEEDFRAG, 1400, kUs, &len),
            IP_ICMP_OK);
  EXPECT_EQ(len, 28 + small.size()) << "a short datagram is quoted whole";
  EXPECT_EQ(out[26] << 8 | out[27], 1400) << "RFC 1191 next-hop MTU";
  EXPECT_EQ(rte_raw_cksum(out.data() + 20, len - 20), 0xffff);

  EXPECT_EQ(ip_icmp_error(out.data(), 28 + 20 + 7, orig.data(), orig.size(),
                          IP_ICMP_TIME_EXCEEDED, 0, 0, kUs, &len),
            IP_ICMP_NO_no_room)
      << "the header and 8 bytes must fit";
  ASSERT_EQ(ip_icmp_error(out.data(), 28 + 100, orig.data(), orig.size(), IP_ICMP_TIME_EXCEEDED,
                          0, 0, kUs, &len),
            IP_ICMP_OK);
  EXPECT_EQ(len, 128u) << "as much as the buffer holds";
}

TEST(IpIcmp, NoErrorAboutErrorsFragmentsOrNonUnicast) {
  std::vector<uint8_t> out(600);
  size_t len;
  auto err = [&](const std::vector<uint8_t> &d) {
    return ip_icmp_error(out.data(), out.size(), d.data(), d.size(), IP_ICMP_UNREACH,
                         IP_ICMP_UNREACH_HOST, 0, kUs, &len);
  };
  std::vector<uint8_t> body(16, 0);
  for (uint8_t t : {3, 4, 5, 11, 12}) {
    body[0] = t;
    EXPECT_EQ(err(datagram(kThem, ip(203, 0, 113, 5), 1, body)), IP_ICMP_NO_about_error) << int(t);
  }
  body[0] = IP_ICMP_ECHO;
  EXPECT_EQ(err(datagram(kThem, ip(203, 0, 113, 5), 1, body)), IP_ICMP_OK)
      << "an echo request may have an error";
  EXPECT_EQ(err(datagram(kThem, ip(203, 0, 113, 5), 17, body, 0x2000 | 185)),
            IP_ICMP_NO_about_fragment);
  EXPECT_EQ(err(datagram(kThem, ip(203, 0, 113, 5), 17, body, 0x2000)), IP_ICMP_OK)
      << "the first fragment may";
  EXPECT_EQ(err(datagram(kThem, UINT32_MAX, 17, body)), IP_ICMP_NO_about_non_unicast);
  EXPECT_EQ(err(datagram(kThem, ip(224, 0, 0, 5), 17, body)), IP_ICMP_NO_about_non_unicast);
  EXPECT_EQ(err(datagram(0, ip(203, 0, 113, 5), 17, body)), IP_ICMP_NO_about_non_unicast);
  EXPECT_EQ(err(datagram(ip(127, 0, 0, 1), ip(203, 0, 113, 5), 17, body)),
            IP_ICMP_NO_about_non_unicast);
  EXPECT_EQ(err(datagram(ip(239, 1, 1, 1), ip(203, 0, 113, 5), 17, body)),
            IP_ICMP_NO_about_non_unicast);
}

TEST(IpIcmp, TheTokenBucketRefillsAtItsRateUpToItsBurst) {
  ip_icmp_bucket b;
  ip_icmp_bucket_init(&b, 10, 3, 1000);
  for (int i = 0; i < 3; ++i) EXPECT_EQ(ip_icmp_bucket_take(&b, 1000), IP_ICMP_OK);
  EXPECT_EQ(ip_icmp_bucket_take(&b, 1000), IP_ICMP_NO_rate_limited);
  EXPECT_EQ(ip_icmp_bucket_take(&b, 1099), IP_ICMP_NO_rate_limited) << "0.99 of a token";
  EXPECT_EQ(ip_icmp_bucket_take(&b, 1100), IP_ICMP_OK) << "10 a second: one per 100 ms";
  EXPECT_EQ(ip_icmp_bucket_take(&b, 1100), IP_ICMP_NO_rate_limited);
  int got = 0;
  while (ip_icmp_bucket_take(&b, 100000) == IP_ICMP_OK) ++got;
  EXPECT_EQ(got, 3) << "a long silence gives back the burst, no more";
  EXPECT_EQ(ip_icmp_bucket_take(&b, 50), IP_ICMP_NO_rate_limited) << "a clock going back adds none";
}

}  // namespace
