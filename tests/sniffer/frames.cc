#include "frames.h"

#include <pcap/pcap.h>
#include <stdlib.h>
#include <sys/wait.h>

#include <cstdio>
#include <cstring>
#include <filesystem>

#ifndef SNIF_TSHARK
#define SNIF_TSHARK ""
#endif
#ifndef SNIF_TCPDUMP
#define SNIF_TCPDUMP ""
#endif

namespace strdp::test {
namespace {

const uint8_t kDst[6] = {0x02, 0, 0, 0, 0, 0x02};
const uint8_t kSrc[6] = {0x02, 0, 0, 0, 0, 0x01};
const uint8_t kOther[6] = {0x02, 0, 0, 0, 0, 0x99};

void put16(Bytes &b, uint16_t v) {
  b.push_back(static_cast<uint8_t>(v >> 8));
  b.push_back(static_cast<uint8_t>(v));
}
void put32(Bytes &b, uint32_t v) {
  put16(b, static_cast<uint16_t>(v >> 16));
  put16(b, static_cast<uint16_t>(v));
}

void eth(Bytes &b, uint16_t type, const uint8_t *src = kSrc, int vlan = -1) {
  b.insert(b.end(), kDst, kDst + 6);
  b.insert(b.end(), src, src + 6);
  if (vlan >= 0) {
    put16(b, 0x8100);
    put16(b, static_cast<uint16_t>(vlan));
  }
  put16(b, type);
}

uint16_t csum(const uint8_t *p, size_t n) {
  uint32_t s = 0;
  for (size_t i = 0; i + 1 < n; i += 2) s += static_cast<uint32_t>(p[i] << 8 | p[i + 1]);
  if (n & 1) s += static_cast<uint32_t>(p[n - 1] << 8);
  while (s >> 16) s = (s & 0xffff) + (s >> 16);
  return static_cast<uint16_t>(~s);
}

// IPv4 header for `l4len` bytes of protocol `proto`.
void ipv4(Bytes &b, uint8_t proto, size_t l4len) {
  size_t at = b.size();
  b.push_back(0x45);
  b.push_back(0);
  put16(b, static_cast<uint16_t>(20 + l4len));
  put16(b, 0x1234);
  put16(b, 0x4000);
  b.push_back(64);
  b.push_back(proto);
  put16(b, 0);
  put32(b, 0x0a000001);
  put32(b, 0x0a000002);
  uint16_t c = csum(&b[at], 20);
  b[at + 10] = static_cast<uint8_t>(c >> 8);
  b[at + 11] = static_cast<uint8_t>(c);
}

void ipv6(Bytes &b, uint8_t next, size_t l4len) {
  put32(b, 0x60000000);
  put16(b, static_cast<uint16_t>(l4len));
  b.push_back(next);
  b.push_back(64);
  const uint8_t src[16] = {0xfe, 0x80, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1};
  const uint8_t dst[16] = {0xfe, 0x80, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 2};
  b.insert(b.end(), src, src + 16);
  b.insert(b.end(), dst, dst + 16);
}

void payload(Bytes &b, size_t n, unsigned seed) {
  for (size_t i = 0; i < n; ++i) b.push_back(static_cast<uint8_t>(seed * 31 + i * 7));
}

void udp(Bytes &b, uint16_t sport, uint16_t dport, size_t plen, unsigned seed) {
  put16(b, sport);
  put16(b, dport);
  put16(b, static_cast<uint16_t>(8 + plen));
  put16(b, 0);
  payload(b, plen, seed);
}

void tcp(Bytes &b, uint16_t sport, uint16_t dport, uint8_t flags, size_t plen, unsigned seed) {
  put16(b, sport);
  put16(b, dport);
  put32(b, 1000 + seed);
  put32(b, 0);
  b.push_back(5 << 4);
  b.push_back(flags);
  put16(b, 65535);
  put16(b, 0);
  put16(b, 0);
  payload(b, plen, seed);
}

Bytes pad(Bytes b) {
  if (b.size() < 60) b.resize(60, 0);
  return b;
}

Bytes v4_udp(uint16_t dport, size_t plen, unsigned seed, const uint8_t *src = kSrc, int vlan = -1) {
  Bytes b;
  eth(b, 0x0800, src, vlan);
  ipv4(b, 17, 8 + plen);
  udp(b, 40000, dport, plen, seed);
  return pad(b);
}

Bytes v4_tcp(uint16_t dport, size_t plen, unsigned seed, int vlan = -1) {
  Bytes b;
  eth(b, 0x0800, kSrc, vlan);
  ipv4(b, 6, 20 + plen);
  tcp(b, 40001, dport, plen ? 0x18 : 0x02, plen, seed);
  return pad(b);
}

}  // namespace

Bytes udp_frame(size_t size, unsigned seed, uint16_t dport) {
  return v4_udp(dport, size - 42, seed);
}

std::vector<Bytes> make_frames() {
  std::vector<Bytes> f;
  {  // ARP request, 42 bytes padded to 60
    Bytes b;
    const uint8_t bcast[6] = {0xff, 0xff, 0xff, 0xff, 0xff, 0xff};
    b.insert(b.end(), bcast, bcast + 6);
    b.insert(b.end(), kSrc, kSrc + 6);
    put16(b, 0x0806);
    put16(b, 1);
    put16(b, 0x0800);
    b.push_back(6);
    b.push_back(4);
    put16(b, 1);
    b.insert(b.end(), kSrc, kSrc + 6);
    put32(b, 0x0a000001);
    for (int i = 0; i < 6; ++i) b.push_back(0);
    put32(b, 0x0a000002);
    f.push_back(pad(b));
  }
  f.push_back(v4_udp(53, 40, 1));
  f.push_back(v4_tcp(80, 0, 2));
  f.push_back(v4_tcp(443, 100, 3));
  {  // ICMP echo request
    Bytes b;
    eth(b, 0x0800);
    ipv4(b, 1, 8 + 56);
    size_t at = b.size();
    b.push_back(8);
    b.push_back(0);
    put16(b, 0);
    put16(b, 7);
    put16(b, 1);
    payload(b, 56, 4);
    uint16_t c = csum(&b[at], 64);
    b[at + 2] = static_cast<uint8_t>(c >> 8);
    b[at + 3] = static_cast<uint8_t>(c);
    f.push_back(b);
  }
  {  // IPv6 UDP
    Bytes b;
    eth(b, 0x86dd);
    ipv6(b, 17, 8 + 30);
    udp(b, 5000, 5001, 30, 5);
    f.push_back(b);
  }
  {  // ICMPv6 echo request
    Bytes b;
    eth(b, 0x86dd);
    ipv6(b, 58, 8 + 16);
    b.push_back(128);
    b.push_back(0);
    put16(b, 0);
    put16(b, 9);
    put16(b, 1);
    payload(b, 16, 6);
    f.push_back(b);
  }
  f.push_back(v4_udp(1234, 100, 7, kSrc, 100));  // VLAN 100, UDP
  f.push_back(v4_tcp(80, 20, 8, 200));           // VLAN 200, TCP port 80
  f.push_back(v4_udp(9, 4, 9));                  // short: 60 bytes on the wire
  f.push_back(v4_tcp(80, 1460, 10));             // 1514 bytes
  f.push_back(v4_udp(7, 1472, 11));              // 1514 bytes
  f.push_back(v4_udp(53, 64, 12, kOther));       // another source MAC
  f.push_back(v4_tcp(8080, 200, 13));
  f.push_back(v4_udp(80, 10, 14));               // UDP to port 80 ("port 80", not "tcp port 80")
  return f;
}

bool write_pcap(const std::string &path, const std::vector<Bytes> &frames) {
  pcap_t *p = pcap_open_dead(DLT_EN10MB, 65535);
  if (p == nullptr) return false;
  pcap_dumper_t *d = pcap_dump_open(p, path.c_str());
  if (d == nullptr) {
    pcap_close(p);
    return false;
  }
  long usec = 0;
  for (const Bytes &b : frames) {
    pcap_pkthdr h{};
    h.ts.tv_sec = 1700000000;
    h.ts.tv_usec = usec++;
    h.caplen = h.len = static_cast<bpf_u_int32>(b.size());
    pcap_dump(reinterpret_cast<u_char *>(d), &h, b.data());
  }
  pcap_dump_close(d);
  pcap_close(p);
  return true;
}

std::vector<Frame> read_frames(const std::string &path, std::string *err) {
  char ebuf[PCAP_ERRBUF_SIZE];
  pcap_t *p = pcap_open_offline(path.c_str(), ebuf);
  if (p == nullptr) {
    *err = ebuf;
    return {};
  }
  std::vector<Frame> out;
  pcap_pkthdr *h;
  const u_char *data;
  int r;
  while ((r = pcap_next_ex(p, &h, &data)) == 1)
    out.push_back(Frame{Bytes(data, data + h->caplen), h->len});
  if (r == PCAP_ERROR) *err = pcap_geterr(p);
  pcap_close(p);
  return out;
}

TempDir::TempDir() {
  char tmpl[] = "/tmp/strdp-sniffer-XXXXXX";
  if (mkdtemp(tmpl) != nullptr) path_ = tmpl;
}

TempDir::~TempDir() {
  std::error_code ec;
  // SNIF_KEEP=1 keeps the files, to look at them after a failure.
  if (!path_.empty() && getenv("SNIF_KEEP") == nullptr) std::filesystem::remove_all(path_, ec);
}

const std::string &tshark() {
  static const std::string p = SNIF_TSHARK;
  return p;
}

const std::string &tcpdump() {
  static const std::string p = SNIF_TCPDUMP;
  return p;
}

int run(const std::string &cmd, std::string *out) {
  FILE *f = popen(cmd.c_str(), "r");
  if (f == nullptr) return -1;
  std::string s;
  char buf[4096];
  size_t n;
  while ((n = fread(buf, 1, sizeof buf, f)) > 0) s.append(buf, n);
  int st = pclose(f);
  if (out != nullptr) *out = s;
  return WIFEXITED(st) ? WEXITSTATUS(st) : -1;
}

std::string sq(const std::string &s) {
  std::string r = "'";
  for (char c : s) {
    if (c == '\'') r += "'\\''";
    else r += c;
  }
  return r + "'";
}

}  // namespace strdp::test
