#!/usr/bin/env python3
"""replay.py PCAP IFACE MAC: sends every frame of a classic pcap out of
IFACE (an AF_PACKET socket, as tcpreplay would), with the destination
00:00:00:00:00:00 replaced by MAC. Prints how many it sent."""
import socket
import struct
import sys

pcap, iface, mac = sys.argv[1], sys.argv[2], bytes.fromhex(sys.argv[3].replace(":", ""))
data = open(pcap, "rb").read()
magic, = struct.unpack("<I", data[:4])
if magic != 0xA1B2C3D4:
    sys.exit("replay.py: not a little-endian classic pcap")
s = socket.socket(socket.AF_PACKET, socket.SOCK_RAW)
s.bind((iface, 0))
at, n = 24, 0
while at + 16 <= len(data):
    _, _, incl, _ = struct.unpack("<IIII", data[at:at + 16])
    frame = data[at + 16:at + 16 + incl]
    at += 16 + incl
    if frame[:6] == bytes(6):
        frame = mac + frame[6:]
    s.send(frame)
    n += 1
print(n)
