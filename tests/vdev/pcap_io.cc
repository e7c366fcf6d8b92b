// Capture files through libpcap (see pcap_io.h).
#include "pcap_io.h"

#include <pcap/pcap.h>

#include <memory>

namespace strdp::test {

std::string read_pcap(const std::string &path, std::vector<Bytes> *frames, int *linktype) {
  char err[PCAP_ERRBUF_SIZE] = "";
  std::unique_ptr<pcap_t, decltype(&pcap_close)> p(pcap_open_offline(path.c_str(), err),
                                                   pcap_close);
  if (p == nullptr) return path + ": " + err;
  if (linktype != nullptr) *linktype = pcap_datalink(p.get());
  frames->clear();
  pcap_pkthdr *h;
  const u_char *data;
  int r;
  while ((r = pcap_next_ex(p.get(), &h, &data)) == 1) {
    if (h->caplen != h->len)
      return path + ": frame " + std::to_string(frames->size()) + " truncated (" +
             std::to_string(h->caplen) + " of " + std::to_string(h->len) + " bytes)";
    frames->emplace_back(data, data + h->caplen);
  }
  if (r != PCAP_ERROR_BREAK) return path + ": " + pcap_geterr(p.get());
  return "";
}

std::string compare_frames(const std::vector<Bytes> &want, const std::vector<Bytes> &got) {
  for (size_t i = 0; i < want.size() && i < got.size(); ++i)
    if (want[i] != got[i]) return "frame " + std::to_string(i) + ": " + diff_bytes(want[i], got[i]);
  if (want.size() != got.size())
    return "want " + std::to_string(want.size()) + " frames, got " + std::to_string(got.size());
  return "";
}

}  // namespace strdp::test
