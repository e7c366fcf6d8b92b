// ARP and ICMP echo packets, built and parsed byte by byte (network order
// written out explicitly, so no header struct layout is assumed).
#include "frames.h"

#include <cstdio>

namespace strdp::test {

const Mac kBroadcast = {0xff, 0xff, 0xff, 0xff, 0xff, 0xff};

namespace {

void put16(Bytes &b, uint16_t v) {
  b.push_back(static_cast<uint8_t>(v >> 8));
  b.push_back(static_cast<uint8_t>(v));
}
void put32(Bytes &b, uint32_t v) {
  put16(b, static_cast<uint16_t>(v >> 16));
  put16(b, static_cast<uint16_t>(v));
}
uint16_t get16(const uint8_t *p) { return static_cast<uint16_t>(p[0] << 8 | p[1]); }
uint32_t get32(const uint8_t *p) { return uint32_t{get16(p)} << 16 | get16(p + 2); }

}  // namespace

uint16_t inet_csum(const uint8_t *p, size_t n, uint32_t sum) {
  for (size_t i = 0; i + 1 < n; i += 2) sum += get16(p + i);
  if (n & 1) sum += uint32_t{p[n - 1]} << 8;
  while (sum >> 16) sum = (sum & 0xffff) + (sum >> 16);
  return static_cast<uint16_t>(~sum);
}

Bytes ether(const Mac &dst, const Mac &src, uint16_t type, const Bytes &payload) {
  Bytes f(dst.begin(), dst.end());
  f.insert(f.end(), src.begin(), src.end());
  put16(f, type);
  f.insert(f.end(), payload.begin(), payload.end());
  return f;
}

Bytes arp(uint16_t op, const Mac &sha, uint32_t spa, const Mac &tha, uint32_t tpa) {
  Bytes b;
  put16(b, 1);         // hardware: Ethernet
  put16(b, kEthIpv4);  // protocol: IPv4
  b.push_back(6);
  b.push_back(4);
  put16(b, op);
  b.insert(b.end(), sha.begin(), sha.end());
  put32(b, spa);
  b.insert(b.end(), tha.begin(), tha.end());
  put32(b, tpa);
  return b;
}

Bytes icmp_echo(uint8_t type, uint32_t src, uint32_t dst, uint16_t id, uint16_t seq,
                const Bytes &data) {
  Bytes icmp{type, 0, 0, 0};
  put16(icmp, id);
  put16(icmp, seq);
  icmp.insert(icmp.end(), data.begin(), data.end());
  uint16_t c = inet_csum(icmp.data(), icmp.size());
  icmp[2] = static_cast<uint8_t>(c >> 8);
  icmp[3] = static_cast<uint8_t>(c);

  Bytes ip{0x45, 0};  // version 4, 20-byte header; DSCP 0
  put16(ip, static_cast<uint16_t>(20 + icmp.size()));
  put16(ip, id);      // identification
  put16(ip, 0x4000);  // don't fragment
  ip.push_back(64);   // TTL
  ip.push_back(1);    // ICMP
  put16(ip, 0);
  put32(ip, src);
  put32(ip, dst);
  c = inet_csum(ip.data(), 20);
  ip[10] = static_cast<uint8_t>(c >> 8);
  ip[11] = static_cast<uint8_t>(c);
  ip.insert(ip.end(), icmp.begin(), icmp.end());
  return ip;
}

std::string parse_icmp_echo(const Bytes &ip, IcmpEcho *out) {
  if (ip.size() < 20) return "shorter than an IPv4 header";
  if ((ip[0] >> 4) != 4) return "not IPv4";
  size_t ihl = size_t{ip[0] & 0x0fu} * 4, total = get16(&ip[2]);
  if (ihl < 20 || total < ihl + 8 || total > ip.size()) return "bad IPv4 lengths";
  if (ip[9] != 1) return "not ICMP (protocol " + std::to_string(ip[9]) + ")";
  out->ip_csum_ok = inet_csum(ip.data(), ihl) == 0;
  out->ttl = ip[8];
  out->src = get32(&ip[12]);
  out->dst = get32(&ip[16]);
  const uint8_t *icmp = ip.data() + ihl;
  size_t len = total - ihl;
  out->icmp_csum_ok = inet_csum(icmp, len) == 0;
  out->type = icmp[0];
  out->code = icmp[1];
  out->id = get16(icmp + 4);
  out->seq = get16(icmp + 6);
  out->data.assign(icmp + 8, icmp + len);
  return "";
}

std::string diff_bytes(const Bytes &want, const Bytes &got) {
  std::string s = "want " + std::to_string(want.size()) + " bytes, got " +
                  std::to_string(got.size());
  size_t i = 0;
  while (i < want.size() && i < got.size() && want[i] == got[i]) ++i;
  if (i == want.size() && i == got.size()) return s + ", identical";
  s += "; first difference at byte " + std::to_string(i) + ":";
  char h[8];
  for (size_t k = i; k < i + 8 && k < want.size(); ++k) {
    std::snprintf(h, sizeof h, " %02x", want[k]);
    s += h;
  }
  s += " (want) vs";
  for (size_t k = i; k < i + 8 && k < got.size(); ++k) {
    std::snprintf(h, sizeof h, " %02x", got[k]);
    s += h;
  }
  return s + " (got)";
}

}  // namespace strdp::test
