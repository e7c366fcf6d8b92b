// ARP and ICMP echo against the kernel (see ipv4_peer.h).
//
// Frames the kernel sends on its own (an ARP request of its own, say) may
// arrive before the answer; they are passed over, never counted as the
// answer, and listed if the answer does not come.
#include "ipv4_peer.h"

#include <unistd.h>

namespace strdp::test {
namespace {

// Checks a DL_UNITDATA_IND's two addresses.
void expect_addresses(const Msg &m, const Mac &dst, const Mac &src, uint16_t sap) {
  auto u = m.as<dl_unitdata_ind_t>();
  EXPECT_EQ(m.at(u.dl_dest_addr_offset, u.dl_dest_addr_length), dlsap(dst, sap))
      << "destination DLSAP address";
  EXPECT_EQ(m.at(u.dl_src_addr_offset, u.dl_src_addr_length), dlsap(src, sap))
      << "source DLSAP address: want the kernel interface's MAC " << mac_str(src.data());
  EXPECT_EQ(u.dl_group_address, 0u) << "the answer is unicast";
  EXPECT_FALSE(m.hipri) << "DL_UNITDATA_IND is M_PROTO";
}

// The payload without Ethernet padding: bytes past `len` must be zero.
Bytes unpadded(const Bytes &p, size_t len) {
  if (p.size() < len) return p;
  for (size_t i = len; i < p.size(); ++i)
    if (p[i] != 0) return p;  // not padding: compared whole, and fails
  return Bytes(p.begin(), p.begin() + static_cast<ptrdiff_t>(len));
}

}  // namespace

void arp_round_trip(const Ipv4Link &l) {
  DlpiStream s;
  ASSERT_TRUE(s.ok()) << "open pmd: " << strerror(errno);
  ASSERT_TRUE(s.attach(STRDP_PMD_PPA(l.port, 0)));
  Bytes addr;
  ASSERT_TRUE(s.bind(kEthArp, &addr));
  ASSERT_EQ(addr, dlsap(l.local_mac, kEthArp)) << "DL_BIND_ACK: the port's address";

  Bytes req = arp_request(l.local_mac, l.local_ip, l.peer_ip);
  ASSERT_EQ(s.unitdata(kBroadcast, kEthArp, req), 0);
  Bytes want = arp(2, l.peer_mac, l.peer_ip, l.local_mac, l.local_ip);
  Deadline d(kAnswerWait);
  std::string passed_over;
  Msg m;
  while (s.get(&m, d)) {
    if (m.prim() == DL_UNITDATA_IND && m.data.size() >= 8 && m.data[7] == 2) {
      expect_addresses(m, l.local_mac, l.peer_mac, kEthArp);
      EXPECT_EQ(unpadded(m.data, want.size()), want)
          << "ARP reply payload: " << diff_bytes(want, unpadded(m.data, want.size()));
      return;
    }
    passed_over += describe(m) + "; ";
  }
  FAIL() << "no ARP reply from " << ipv4_str(l.peer_ip) << " within "
         << kAnswerWait.count() << " ms; passed over: " << passed_over;
}

void icmp_round_trip(const Ipv4Link &l, int count) {
  DlpiStream s;
  ASSERT_TRUE(s.ok()) << "open pmd: " << strerror(errno);
  ASSERT_TRUE(s.attach(STRDP_PMD_PPA(l.port, 0)));
  ASSERT_TRUE(s.bind(kEthIpv4));
  auto id = static_cast<uint16_t>(getpid());
  for (int seq = 1; seq <= count; ++seq) {
    Bytes data(56);
    for (size_t i = 0; i < data.size(); ++i) data[i] = static_cast<uint8_t>(seq * 7 + i);
    Bytes req = icmp_echo(8, l.local_ip, l.peer_ip, id, static_cast<uint16_t>(seq), data);
    ASSERT_EQ(s.unitdata(l.peer_mac, kEthIpv4, req), 0);
    Deadline d(kAnswerWait);
    std::string passed_over;
    Msg m;
    bool got = false;
    while (!got && s.get(&m, d)) {
      IcmpEcho e;
      if (m.prim() != DL_UNITDATA_IND || !parse_icmp_echo(m.data, &e).empty() || e.type != 0 ||
          e.seq != seq) {
        passed_over += describe(m) + "; ";
        continue;
      }
      got = true;
      expect_addresses(m, l.local_mac, l.peer_mac, kEthIpv4);
      EXPECT_TRUE(e.ip_csum_ok) << "IPv4 header checksum of the reply";
      EXPECT_TRUE(e.icmp_csum_ok) << "ICMP checksum of the reply";
      EXPECT_EQ(e.src, l.peer_ip);
      EXPECT_EQ(e.dst, l.local_ip);
      EXPECT_EQ(e.code, 0);
      EXPECT_EQ(e.id, id);
      EXPECT_EQ(e.data, data) << "echoed data";
    }
    ASSERT_TRUE(got) << "no ICMP echo reply " << seq << " from " << ipv4_str(l.peer_ip)
                     << " within " << kAnswerWait.count() << " ms; passed over: " << passed_over;
  }
}

}  // namespace strdp::test
