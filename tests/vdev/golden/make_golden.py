#!/usr/bin/env python3
"""Writes tests/vdev/golden/in.pcap, the input of the net_pcap golden tests.

    python3 tests/vdev/golden/make_golden.py [OUT]   (default: next to this file)

Standard library only (struct). The file is committed; run this again only
to change the input, then regenerate the golden outputs from a run checked
by hand (docs/drivers.md, "Tested on": net_pcap).

The frames, in order (M: 02:70:63:61:70:00, the address DPDK 22.11 gives
the first net_pcap port of a process, the one the DLPI test binds):

     #  to     what                                   DLPI bound to 0x0800
     1  bcast  ARP request                            filtered (SAP)
     2  M      IPv4 ICMP echo request, 60 bytes       echoed
     3  M      IPv4 UDP, padded to 60 bytes           echoed (padding too)
     4  M      IPv4 TCP SYN, padded to 60 bytes       echoed
     5  M      IPv6 UDP                               filtered (SAP)
     6  M      802.1Q VLAN 10, IPv4 UDP               filtered (SAP 0x8100)
     7  M      IPv4 UDP, 1514 bytes                   echoed
     8  other  IPv4 TCP for another station           filtered (address)
     9  other  IPv4 ICMP for another station          filtered (address)
    10  bcast  IPv4 UDP to 255.255.255.255            echoed, to its source
    11  mcast  IPv4 UDP to group 239.1.2.3            filtered (no DL_PROMISC_MULTI)
    12  M      IPv4 TCP, 1514 bytes                   echoed
    13  mcast  IPv6 ICMPv6 neighbour solicitation     filtered
    14  STP    802.3 + LLC: spanning tree BPDU         filtered (a length, no type)
    15  M      IPv4 UDP, 200 bytes                    echoed

Every checksum is correct (tshark -o ip.check_checksum:TRUE ... shows
none bad), timestamps are fixed: the file is the same on every run.
"""
import os
import struct
import sys

M = bytes.fromhex("027063617000")      # the port under test
A = bytes.fromhex("02000000000a")      # two stations that talk to it
B = bytes.fromhex("02000000000b")
OTHER = bytes.fromhex("020000000099")  # a station that is not us
BCAST = b"\xff" * 6
IP_M, IP_A, IP_B, IP_O = (bytes([10, 0, 0, n]) for n in (1, 2, 3, 9))


def csum(data):
    if len(data) % 2:
        data += b"\0"
    s = sum(struct.unpack("!%dH" % (len(data) // 2), data))
    while s >> 16:
        s = (s & 0xFFFF) + (s >> 16)
    return ~s & 0xFFFF


def ether(dst, src, etype, payload, vlan=None):
    h = dst + src
    if vlan is not None:
        h += struct.pack("!HH", 0x8100, vlan)
    f = h + struct.pack("!H", etype) + payload
    return f + b"\0" * max(0, 60 - len(f))  # Ethernet minimum, FCS not captured


def ipv4(src, dst, proto, l4, ident):
    h = struct.pack("!BBHHHBBH4s4s", 0x45, 0, 20 + len(l4), ident, 0x4000, 64, proto, 0, src, dst)
    return h[:10] + struct.pack("!H", csum(h)) + h[12:] + l4


def pseudo4(src, dst, proto, length):
    return src + dst + struct.pack("!BBH", 0, proto, length)


def udp4(src, dst, sport, dport, data, ident):
    u = struct.pack("!HHHH", sport, dport, 8 + len(data), 0) + data
    c = csum(pseudo4(src, dst, 17, len(u)) + u) or 0xFFFF
    return ipv4(src, dst, 17, u[:6] + struct.pack("!H", c) + u[8:], ident)


def tcp4(src, dst, sport, dport, seq, flags, data, ident):
    t = struct.pack("!HHIIBBHHH", sport, dport, seq, 0, 5 << 4, flags, 65535, 0, 0) + data
    c = csum(pseudo4(src, dst, 6, len(t)) + t)
    return ipv4(src, dst, 6, t[:16] + struct.pack("!H", c) + t[18:], ident)


def icmp4(src, dst, ident, seq, data):
    i = struct.pack("!BBHHH", 8, 0, 0, ident, seq) + data
    i = i[:2] + struct.pack("!H", csum(i)) + i[4:]
    return ipv4(src, dst, 1, i, ident)


def ipv6(src, dst, nxt, l4):
    return struct.pack("!IHBB", 0x60000000, len(l4), nxt, 64) + src + dst + l4


def pseudo6(src, dst, nxt, length):
    return src + dst + struct.pack("!I3xB", length, nxt)


LL_A = bytes.fromhex("fe80000000000000000000fffe00000a")
LL_M = bytes.fromhex("fe80000000000000000000fffe000001")


def udp6(src, dst, sport, dport, data):
    u = struct.pack("!HHHH", sport, dport, 8 + len(data), 0) + data
    c = csum(pseudo6(src, dst, 17, len(u)) + u) or 0xFFFF
    return ipv6(src, dst, 17, u[:6] + struct.pack("!H", c) + u[8:])


def neighbour_solicitation(src, target):
    dst = bytes.fromhex("ff0200000000000000000001ff") + target[-3:]
    opt = struct.pack("!BB", 1, 1) + A  # source link-layer address
    icmp = struct.pack("!BBHI", 135, 0, 0, 0) + target + opt
    c = csum(pseudo6(src, dst, 58, len(icmp)) + icmp)
    icmp = icmp[:2] + struct.pack("!H", c) + icmp[4:]
    return bytes.fromhex("3333ff") + target[-3:], ipv6(src, dst, 58, icmp)


def pattern(n, seed):
    return bytes((seed + 7 * i) & 0xFF for i in range(n))


def frames():
    arp = struct.pack("!HHBBH6s4s6s4s", 1, 0x0800, 6, 4, 1, A, IP_A, b"\0" * 6, IP_M)
    ns_dst, ns = neighbour_solicitation(LL_A, LL_M)
    # IEEE 802.3 with an LLC header (length 38, not a type): an STP
    # configuration BPDU, root and bridge 32768/A, padded to 60 bytes.
    bridge = struct.pack("!H", 0x8000) + A
    bpdu = (struct.pack("!HBBB", 0, 0, 0, 0) + bridge + struct.pack("!I", 0) + bridge
            + struct.pack("!HHHHH", 0x8001, 0, 20 * 256, 2 * 256, 15 * 256))
    llc = b"\x42\x42\x03" + bpdu
    return [
        ether(BCAST, A, 0x0806, arp),
        ether(M, A, 0x0800, icmp4(IP_A, IP_M, 0x1001, 1, pattern(18, 1))),  # exactly 60
        ether(M, A, 0x0800, udp4(IP_A, IP_M, 40000, 7, b"ping", 0x1002)),
        ether(M, B, 0x0800, tcp4(IP_B, IP_M, 40001, 80, 1000, 0x02, b"", 0x1003)),
        ether(M, A, 0x86DD, udp6(LL_A, LL_M, 40002, 7, pattern(10, 2))),
        ether(M, A, 0x0800, udp4(IP_A, IP_M, 40003, 7, pattern(24, 3), 0x1004), vlan=10),
        ether(M, A, 0x0800, udp4(IP_A, IP_M, 40004, 9, pattern(1472, 4), 0x1005)),  # 1514
        ether(OTHER, A, 0x0800, tcp4(IP_A, IP_O, 40005, 22, 2000, 0x18, pattern(40, 5), 0x1006)),
        ether(OTHER, B, 0x0800, icmp4(IP_B, IP_O, 0x1007, 2, pattern(56, 6))),
        ether(BCAST, B, 0x0800, udp4(IP_B, b"\xff" * 4, 40008, 9, pattern(100, 7), 0x1008)),
        ether(bytes.fromhex("01005e010203"), A, 0x0800,
              udp4(IP_A, bytes([239, 1, 2, 3]), 40009, 9, pattern(30, 8), 0x1009)),
        ether(M, B, 0x0800, tcp4(IP_B, IP_M, 40006, 80, 3000, 0x18, pattern(1460, 9), 0x100A)),
        ether(ns_dst, A, 0x86DD, ns),
        ether(bytes.fromhex("0180c2000000"), A, len(llc), llc),
        ether(M, A, 0x0800, udp4(IP_A, IP_M, 40007, 7, pattern(200 - 42, 10), 0x100B)),
    ]


def write_pcap(path, fs):
    with open(path, "wb") as f:
        # Microsecond pcap, snaplen 65535, Ethernet.
        f.write(struct.pack("<IHHiIII", 0xA1B2C3D4, 2, 4, 0, 0, 65535, 1))
        for i, fr in enumerate(fs):
            # 2024-01-01 00:00:00 UTC, one frame per millisecond.
            f.write(struct.pack("<IIII", 1704067200, 1000 * i, len(fr), len(fr)))
            f.write(fr)


def main():
    out = sys.argv[1] if len(sys.argv) > 1 else os.path.join(os.path.dirname(__file__), "in.pcap")
    fs = frames()
    assert len(fs[1]) == 60 and len(fs[6]) == 1514 and len(fs[11]) == 1514
    assert len(fs[13]) == 60 and len(fs[14]) == 200
    write_pcap(out, fs)
    print("%s: %d frames" % (out, len(fs)))


if __name__ == "__main__":
    main()
