// Talking IPv4 to a Linux stack across a virtual device, through the pmd
// driver: an ARP request answered by the kernel, ICMP echo answered by
// the kernel. Shared by the net_af_packet and net_tap tests.
#pragma once

#include <cstdint>

#include "dlpi_stream.h"

namespace strdp::test {

// The two ends: ours (the DPDK port) and the kernel's interface.
struct Ipv4Link {
  uint16_t port = 0;      // ethdev port (set up), queue 0
  Mac local_mac{};        // the port's address
  uint32_t local_ip = 0;  // the address we claim (same subnet as peer_ip)
  Mac peer_mac{};         // the kernel interface's address (`ip link show`)
  uint32_t peer_ip = 0;   // the kernel interface's address
};

// On a new stream bound to ARP: an ARP request (DL_UNITDATA_REQ to the
// broadcast address) for peer_ip, from local_ip; the kernel's reply must
// come up as DL_UNITDATA_IND from peer_mac, to local_mac, with exactly
// the reply payload. Use with ASSERT_NO_FATAL_FAILURE.
void arp_round_trip(const Ipv4Link &l);

// On a new stream bound to IPv4: `count` ICMP echo requests to peer_ip
// (DL_UNITDATA_REQ to peer_mac); each reply must come up from peer_mac
// with correct checksums and the request's id, sequence and data.
void icmp_round_trip(const Ipv4Link &l, int count);

}  // namespace strdp::test
