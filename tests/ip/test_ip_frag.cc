// Fragmentation for the ip multiplexor (modules/ip/ip_frag.h): fragments
// that reassemble to the datagram, pass ip_input_check and fit the MTU;
// options copied by their flag; a fragment cut again; refusals.
#include <gtest/gtest.h>
#include <rte_ip.h>

#include <cstring>
#include <random>
#include <vector>

#include "ip_frag.h"
#include "ip_input.h"

namespace {

void put32(uint8_t *p, uint32_t v) {
  for (int i = 0; i < 4; ++i) p[i] = static_cast<uint8_t>(v >> (24 - 8 * i));
}

// A datagram with options opts (a multiple of 4 bytes) and len payload
// bytes; flags_off is the flags and fragment offset field.
std::vector<uint8_t> datagram(const std::vector<uint8_t> &opts, size_t len, std::mt19937 &rng,
                              uint16_t flags_off = 0) {
  size_t hlen = 20 + opts.size();
  std::vector<uint8_t> d(hlen + len);
  d[0] = static_cast<uint8_t>(0x40 | (hlen / 4));
  d[2] = static_cast<uint8_t>(d.size() >> 8);
  d[3] = static_cast<uint8_t>(d.size());
  d[4] = 0x12;
  d[5] = 0x34;
  d[6] = static_cast<uint8_t>(flags_off >> 8);
  d[7] = static_cast<uint8_t>(flags_off);
  d[8] = 64;
  d[9] = 17;
  put32(&d[12], 0xc0000201);  // 192.0.2.1
  put32(&d[16], 0xc6336409);  // 198.51.100.9
  if (!opts.empty()) memcpy(&d[20], opts.data(), opts.size());
  for (size_t i = hlen; i < d.size(); ++i) d[i] = static_cast<uint8_t>(rng());
  uint16_t c = static_cast<uint16_t>(~rte_raw_cksum(d.data(), hlen));
  memcpy(&d[10], &c, 2);
  return d;
}

struct Piece {
  unsigned off, mf, hlen;
  std::vector<uint8_t> bytes;
};

std::vector<Piece> cut(const std::vector<uint8_t> &d, unsigned mtu) {
  unsigned hlen = (d[0] & 0xf) * 4u;
  ip_frag_plan plan;
  EXPECT_EQ(ip_frag_prepare(d.data(), hlen, static_cast<unsigned>(d.size()), mtu, &plan), IP_FRAG_OK);
  std::vector<Piece> out;
  for (unsigned k = 0; k < plan.count; ++k) {
    std::vector<uint8_t> f(1600);
    size_t n = ip_frag_write(f.data(), f.size(), d.data(), &plan, k);
    EXPECT_GT(n, 0u);
    f.resize(n);
    unsigned fh = 0, ft = 0;  // set only when the check passes
    EXPECT_EQ(ip_input_check(f.data(), f.size(), &fh, &ft), IP_INPUT_OK) << "fragment " << k;
    EXPECT_LE(n, mtu);
    EXPECT_EQ(memcmp(&f[4], &d[4], 2), 0) << "the identification is kept";
    unsigned fo = unsigned{f[6]} << 8 | f[7];
    out.push_back(Piece{(fo & 0x1fff) * 8, (fo >> 13) & 1, fh, f});
  }
  EXPECT_EQ(ip_frag_write(nullptr, 0, d.data(), &plan, plan.count), 0u);
  return out;
}

// A copied option (loose source route, 0x83) and one that is not (record
// route, 0x07), then a NOP and an end of list: 16 bytes.
const std::vector<uint8_t> kOpts = {0x83, 7, 4, 10, 0, 0, 1, 0x07, 7, 4, 0, 0, 0, 0, 1, 0};

TEST(IpFrag, FragmentsFitTheMtuAndReassembleToTheDatagram) {
  std::mt19937 rng(5);
  for (int i = 0; i < 400; ++i) {
    bool opts = i % 2 == 1;
    auto d = datagram(opts ? kOpts : std::vector<uint8_t>{}, 1 + rng() % 4000, rng);
    unsigned mtu = std::vector<unsigned>{68, 576, 1280, 1500}[rng() % 4];
    unsigned hlen = (d[0] & 0xf) * 4u;
    auto pieces = cut(d, mtu);
    std::vector<uint8_t> payload;
    for (size_t k = 0; k < pieces.size(); ++k) {
      const Piece &p = pieces[k];
      ASSERT_EQ(p.off, payload.size()) << "in order, no gap, no overlap";
      EXPECT_EQ(p.mf, k + 1 < pieces.size() ? 1u : 0u);
      size_t n = p.bytes.size() - p.hlen;
      if (k + 1 < pieces.size()) {
        EXPECT_EQ(n % 8, 0u) << "8-byte boundaries";
      }
      if (k == 0) {
        EXPECT_EQ(p.hlen, hlen);
        EXPECT_EQ(memcmp(p.bytes.data() + 20, d.data() + 20, hlen - 20), 0);
      } else if (opts) {
        ASSERT_EQ(p.hlen, 28u) << "only the copied option, padded";
        EXPECT_EQ(memcmp(p.bytes.data() + 20, kOpts.data(), 7), 0);
        EXPECT_EQ(p.bytes[27], 0);
      } else {
        EXPECT_EQ(p.hlen, 20u);
      }
      payload.insert(payload.end(), p.bytes.begin() + p.hlen, p.bytes.end());
    }
    ASSERT_EQ(payload.size(), d.size() - hlen);
    ASSERT_EQ(memcmp(payload.data(), d.data() + hlen, payload.size()), 0);
    if (d.size() <= mtu) {
      ASSERT_EQ(pieces.size(), 1u);
      EXPECT_EQ(pieces[0].bytes, d) << "a datagram that fits goes as it is";
    }
  }
}

TEST(IpFrag, AFragmentIsCutAgainWithItsOffsetAndItsMf) {
  std::mt19937 rng(9);
  auto d = datagram({}, 3000, rng, 0x2000 | 100);  // MF, offset 800
  auto pieces = cut(d, 1500);
  ASSERT_EQ(pieces.size(), 3u);
  EXPECT_EQ(pieces[0].off, 800u);
  EXPECT_EQ(pieces[1].off, 800u + 1480u);
  for (const Piece &p : pieces) EXPECT_EQ(p.mf, 1u) << "the original's MF stays on the last";
}

TEST(IpFrag, WhatCannotBeCutIsRefused) {
  std::mt19937 rng(1);
  ip_frag_plan plan;
  auto df = datagram({}, 2000, rng, 0x4000);
  EXPECT_EQ(ip_frag_prepare(df.data(), 20, static_cast<unsigned>(df.size()), 1500, &plan),
            IP_FRAG_NO_df);
  EXPECT_EQ(ip_frag_prepare(df.data(), 20, static_cast<unsigned>(df.size()), 3000, &plan), IP_FRAG_OK)
      << "DF matters only when it must be cut";
  auto d = datagram({}, 2000, rng);
  EXPECT_EQ(ip_frag_prepare(d.data(), 20, static_cast<unsigned>(d.size()), 67, &plan), IP_FRAG_NO_mtu);
  std::vector<uint8_t> bad = {0x83, 9, 4, 10, 0, 0, 1, 0};  // length runs past the options
  auto b = datagram(bad, 2000, rng);
  EXPECT_EQ(ip_frag_prepare(b.data(), 28, static_cast<unsigned>(b.size()), 576, &plan),
            IP_FRAG_NO_options);
  std::vector<uint8_t> zero_len = {0x83, 0, 0, 0};
  auto z = datagram(zero_len, 2000, rng);
  EXPECT_EQ(ip_frag_prepare(z.data(), 24, static_cast<unsigned>(z.size()), 576, &plan),
            IP_FRAG_NO_options);
  // A buffer too small for the fragment gets nothing written.
  ASSERT_EQ(ip_frag_prepare(d.data(), 20, static_cast<unsigned>(d.size()), 576, &plan), IP_FRAG_OK);
  std::vector<uint8_t> small(100);
  EXPECT_EQ(ip_frag_write(small.data(), small.size(), d.data(), &plan, 0), 0u);
}

}  // namespace
