// Reading capture files with libpcap: the frames' bytes, in order
// (timestamps are not compared anywhere: they differ on every run).
#pragma once

#include <string>
#include <vector>

#include "frames.h"

namespace strdp::test {

// The frames of a pcap or pcapng file; "" or what went wrong (a frame
// captured shorter than it was on the wire is an error: the tests compare
// whole frames).
std::string read_pcap(const std::string &path, std::vector<Bytes> *frames, int *linktype = nullptr);

// Compares two frame lists; "" if equal, else the first difference.
std::string compare_frames(const std::vector<Bytes> &want, const std::vector<Bytes> &got);

}  // namespace strdp::test
