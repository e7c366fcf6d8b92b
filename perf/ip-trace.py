#!/usr/bin/env python3
"""The traces perf/ip-bench.sh replays (python3 standard library only).

  ip-trace.py fwd OUT.pcap DST_MAC ROUTES FRAMES
      An ARP reply from the gateway 10.255.0.3 (MAC 02:00:00:00:01:02) to
      the router's 10.255.0.1, so that the router knows the next hop of
      every route (it comes again each replay of the trace, and keeps the
      entry fresh), then FRAMES 64-byte frames (60 bytes and the FCS the
      wire adds) from the host 10.255.0.2 to DST_MAC, UDP to a random host
      of one of ROUTES /24 networks 10.x.y.0/24 (x.y = the route's index),
      TTL 64, a valid IPv4 checksum, UDP checksum 0 (none).
  ip-trace.py routes ROUTES PORT
      the routes as l3fwd-graph's route table entries (C), all to PORT.
"""
import random
import struct
import sys

GW_MAC = bytes([0x02, 0, 0, 0, 0x01, 0x02])
HOST_MAC = bytes([0x02, 0, 0, 0, 0x00, 0x02])


def mac(text):
    return bytes(int(x, 16) for x in text.split(":"))


def csum(b):
    s = sum(struct.unpack("!%dH" % (len(b) // 2), b))
    while s >> 16:
        s = (s & 0xFFFF) + (s >> 16)
    return ~s & 0xFFFF


def ip4(a, b, c, d):
    return bytes([a, b, c, d])


def write_pcap(path, frames):
    with open(path, "wb") as f:
        f.write(struct.pack("<IHHiIII", 0xA1B2C3D4, 2, 4, 0, 0, 65535, 1))
        for i, fr in enumerate(frames):
            f.write(struct.pack("<IIII", i // 1000000, i % 1000000, len(fr), len(fr)))
            f.write(fr)


def udp_frame(dst_mac, dst):
    payload = bytes(18)  # 14 + 20 + 8 + 18 = 60
    udp = struct.pack("!HHHH", 1024, 9, 8 + len(payload), 0) + payload
    hdr = struct.pack("!BBHHHBBH4s4s", 0x45, 0, 20 + len(udp), 0, 0, 64, 17, 0,
                      ip4(10, 255, 0, 2), dst)
    hdr = hdr[:10] + struct.pack("!H", csum(hdr)) + hdr[12:]
    return dst_mac + HOST_MAC + b"\x08\x00" + hdr + udp


def arp_reply(router_mac):
    arp = struct.pack("!HHBBH6s4s6s4s", 1, 0x0800, 6, 4, 2, GW_MAC, ip4(10, 255, 0, 3),
                      router_mac, ip4(10, 255, 0, 1))
    frame = router_mac + GW_MAC + b"\x08\x06" + arp
    return frame + bytes(60 - len(frame))


def main(argv):
    if len(argv) == 4 and argv[1] == "routes":
        n, port = int(argv[2]), int(argv[3])
        print(",\n".join("\t{RTE_IPV4(10, %d, %d, 0), 24, %d}" % (i // 256, i % 256, port)
                         for i in range(n)))
        return 0
    if len(argv) == 6 and argv[1] == "fwd":
        rnd = random.Random(1)
        routes, n = int(argv[4]), int(argv[5])
        frames = [arp_reply(mac(argv[3]))]
        for _ in range(n):
            r = rnd.randrange(routes)
            frames.append(udp_frame(mac(argv[3]), ip4(10, r // 256, r % 256, rnd.randrange(1, 255))))
        write_pcap(argv[2], frames)
        return 0
    print(__doc__, file=sys.stderr)
    return 2


if __name__ == "__main__":
    sys.exit(main(sys.argv))
