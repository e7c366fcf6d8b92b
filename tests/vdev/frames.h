// Packets the kernel-side tests exchange with Linux: ARP and ICMP echo
// over IPv4, built byte by byte with correct checksums, and parsed back.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "kernel.h"

namespace strdp::test {

using Bytes = std::vector<uint8_t>;

constexpr uint16_t kEthArp = 0x0806;
constexpr uint16_t kEthIpv4 = 0x0800;
// IEEE 802 local experimental ethertype: nothing on a host answers it.
constexpr uint16_t kEthLocalExp = 0x88b5;
extern const Mac kBroadcast;

// The Internet checksum (RFC 1071) of n bytes, starting from `sum`.
uint16_t inet_csum(const uint8_t *p, size_t n, uint32_t sum = 0);

// An Ethernet II frame.
Bytes ether(const Mac &dst, const Mac &src, uint16_t type, const Bytes &payload);

// The 28-byte ARP packet (Ethernet, IPv4): op 1 request, 2 reply.
Bytes arp(uint16_t op, const Mac &sha, uint32_t spa, const Mac &tha, uint32_t tpa);
inline Bytes arp_request(const Mac &sha, uint32_t spa, uint32_t tpa) {
  return arp(1, sha, spa, Mac{}, tpa);
}

// An IPv4 packet carrying an ICMP echo request (type 8) or reply (0).
Bytes icmp_echo(uint8_t type, uint32_t src, uint32_t dst, uint16_t id, uint16_t seq,
                const Bytes &data);

struct IcmpEcho {
  uint32_t src = 0, dst = 0;
  uint8_t ttl = 0, type = 0xff, code = 0xff;
  uint16_t id = 0, seq = 0;
  bool ip_csum_ok = false, icmp_csum_ok = false;
  Bytes data;
};
// Parses an IPv4 packet holding ICMP echo; "" or why it is not one. Bytes
// beyond the IPv4 total length (Ethernet padding) are ignored.
std::string parse_icmp_echo(const Bytes &ip, IcmpEcho *out);

// Hex dump of the first bytes where two byte strings differ, for failure
// messages.
std::string diff_bytes(const Bytes &want, const Bytes &got);

}  // namespace strdp::test
