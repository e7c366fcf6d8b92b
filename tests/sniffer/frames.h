// Test traffic for the sniffer: Ethernet frames built here (no binary
// fixtures), written to and read from pcap/pcapng files with libpcap.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

namespace strdp::test {

using Bytes = std::vector<uint8_t>;

struct Frame {
  Bytes data;      // the captured bytes
  uint32_t len;    // the original length
};

// A mixed set: ARP, IPv4 UDP/TCP/ICMP, IPv6 UDP/ICMPv6, VLAN-tagged UDP
// and TCP, a short 60-byte frame, 1514-byte frames, another source MAC.
std::vector<Bytes> make_frames();

// One UDP/IPv4 frame of exactly `size` bytes (>= 42) with a payload
// pattern seeded by `seed`.
Bytes udp_frame(size_t size, unsigned seed, uint16_t dport = 9);

// Writes frames to a pcap file (Ethernet, microseconds); false on error.
bool write_pcap(const std::string &path, const std::vector<Bytes> &frames);
// Every frame of a pcap or pcapng file; *err set and {} on error.
std::vector<Frame> read_frames(const std::string &path, std::string *err);

// A fresh directory under /tmp, removed by the destructor.
class TempDir {
 public:
  TempDir();
  ~TempDir();
  TempDir(const TempDir &) = delete;
  TempDir &operator=(const TempDir &) = delete;
  const std::string &path() const { return path_; }
  std::string operator/(const std::string &name) const { return path_ + "/" + name; }

 private:
  std::string path_;
};

// Paths of tshark and tcpdump from meson (empty: not installed).
const std::string &tshark();
const std::string &tcpdump();
// Runs a shell command; its exit status (-1 if it could not run) and
// stdout in *out when out is set.
int run(const std::string &cmd, std::string *out = nullptr);
// Shell single-quoting.
std::string sq(const std::string &s);

}  // namespace strdp::test
