#!/usr/bin/env python3
"""Writes hostile.pcap: malformed IPv4, ARP and ICMP frames for the ip
router (tests/ip/router-netns.sh replays them into a port). Each frame is
addressed to 02:00:00:00:00:00, which the replayer replaces with the
router's MAC address; beside each is the check that must drop it, and
hostile.expect.json counts them by the counter of `strctl --json ip`.
Run it again after a change:
  python3 make_hostile.py hostile.pcap hostile.expect.json"""
import json
import struct
import sys

ROUTER = bytes(6)  # replaced by the replayer
HOST = bytes.fromhex("020000a10001")
SRC, DST, ROUTER_IP = bytes([10, 1, 0, 2]), bytes([10, 2, 0, 2]), bytes([10, 1, 0, 1])


def csum(b):
    if len(b) % 2:
        b += b"\0"
    s = sum(struct.unpack("!%dH" % (len(b) // 2), b))
    while s >> 16:
        s = (s & 0xFFFF) + (s >> 16)
    return (~s) & 0xFFFF


def ipv4(payload, ihl=5, tlen=None, ttl=64, proto=1, src=SRC, dst=DST, opts=b"", good_sum=True,
         version=4):
    hdr = struct.pack("!BBHHHBBH4s4s", (version << 4) | ihl, 0,
                      tlen if tlen is not None else 20 + len(opts) + len(payload), 0x1234, 0,
                      ttl, proto, 0, src, dst) + opts
    s = csum(hdr[: max(ihl, 5) * 4] if ihl >= 5 else hdr)
    if not good_sum:
        s ^= 0x5A5A
    hdr = hdr[:10] + struct.pack("!H", s) + hdr[12:]
    return hdr + payload


def icmp_echo(good_sum=True):
    body = struct.pack("!BBHHH", 8, 0, 0, 7, 1) + b"hostile!" * 4
    s = csum(body)
    if not good_sum:
        s ^= 0x1111
    return body[:2] + struct.pack("!H", s) + body[4:]


def ether(payload, etype=0x0800, dst=ROUTER):
    return dst + HOST + struct.pack("!H", etype) + payload


def arp(hlen=6, plen=4, op=1, htype=1, ptype=0x0800, sha=HOST, spa=SRC, tpa=ROUTER_IP):
    return struct.pack("!HHBBH", htype, ptype, hlen, plen, op) + sha + spa + bytes(6) + tpa


frames = [
    # ip_input drops (RFC 1812 5.2.2)
    (ether(ipv4(icmp_echo(), good_sum=False)), "checksum"),
    (ether(ipv4(icmp_echo(), ihl=4)), "header_length"),  # IHL < 5
    (ether(ipv4(icmp_echo()[:8], ihl=15)), "header_length"),  # past the frame
    (ether(ipv4(icmp_echo(), ihl=6, opts=b"\x44\x10\x05\x00")), "options"),  # truncated: length 16 in 4 bytes
    (ether(ipv4(icmp_echo(), ihl=6, opts=b"\x83\x00\x00\x00")), "options"),  # length 0
    (ether(ipv4(icmp_echo(), tlen=1400)), "total_length"),  # past the frame
    (ether(ipv4(icmp_echo(), tlen=12)), "total_length"),  # under the header
    (ether(ipv4(icmp_echo(), version=6)), "version"),
    (ether(ipv4(icmp_echo())[:12]), "short_frame"),
    (ether(ipv4(icmp_echo(), src=bytes([127, 0, 0, 1]))), "source"),  # loopback
    (ether(ipv4(icmp_echo(), src=bytes([224, 0, 0, 9]))), "source"),  # multicast
    (ether(ipv4(icmp_echo(), dst=bytes([0, 1, 2, 3]))), "destination"),  # 0/8
    (ether(ipv4(icmp_echo(), dst=bytes([240, 0, 0, 1]))), "destination"),  # 240/4
    # ARP drops
    (ether(arp(hlen=8), 0x0806, b"\xff" * 6), "not_ethernet_ipv4"),  # hlen 8
    (ether(arp(plen=6), 0x0806, b"\xff" * 6), "not_ethernet_ipv4"),  # plen 6
    (ether(arp(htype=6), 0x0806, b"\xff" * 6), "not_ethernet_ipv4"),  # htype
    (ether(arp(op=3), 0x0806, b"\xff" * 6), "opcode"),
    (ether(arp(sha=b"\x01" + bytes(5)), 0x0806, b"\xff" * 6), "bad_sender"),  # multicast MAC
    (ether(arp(spa=bytes([255, 255, 255, 255])), 0x0806, b"\xff" * 6), "bad_sender"),  # broadcast IP
    (ether(arp()[:20], 0x0806, b"\xff" * 6), "short_packet"),
    # ICMP for us that is no good echo
    (ether(ipv4(icmp_echo(good_sum=False), dst=ROUTER_IP)), "drop_icmp"),  # ICMP checksum
    (ether(ipv4(b"\x08\x00", dst=ROUTER_IP)), "drop_icmp"),  # short ICMP
    # Ethernet
    (ether(ipv4(icmp_echo()), 0x86DD), "drop_ethertype"),  # IPv6
    (ether(b"\x00\x01" + ipv4(icmp_echo()), 0x8100), "drop_ethertype"),  # VLAN tag
    (ether(ipv4(icmp_echo()), 0x0800, b"\x02\x00\x00\x00\x00\x77"), "drop_other_mac"),
    (ether(ipv4(icmp_echo(), ttl=0)), "drop_ttl"),  # (time exceeded sent)
    (ether(ipv4(icmp_echo(), ttl=1)), "drop_ttl"),  # (time exceeded sent)
]

# The counter of `strctl --json ip` each frame must land in: drops by
# reason are "input_*" and "arp_*" under "drops", the rest "counters".
KEYS = {
    "checksum": "input_checksum", "header_length": "input_header_length",
    "total_length": "input_total_length", "version": "input_version", "options": "input_options",
    "short_frame": "input_short_frame", "source": "input_source",
    "destination": "input_destination", "not_ethernet_ipv4": "arp_not_ethernet_ipv4",
    "opcode": "arp_opcode", "bad_sender": "arp_bad_sender", "short_packet": "arp_short_packet",
}
with open(sys.argv[1], "wb") as out:
    out.write(struct.pack("<IHHiIII", 0xA1B2C3D4, 2, 4, 0, 0, 65535, 1))
    for i, (f, _) in enumerate(frames):
        out.write(struct.pack("<IIII", 1700000000, i, len(f), len(f)) + f)
expect = {}
for _, why in frames:
    k = KEYS.get(why, why)
    expect[k] = expect.get(k, 0) + 1
with open(sys.argv[2], "w") as e:
    json.dump(expect, e, indent=1, sort_keys=True)
    e.write("\n")
