// One pcapng output file.
//
// What DPDK 22.11's rte_pcapng does, and what that means here (read from
// lib/pcapng/rte_pcapng.c of v22.11.11, the Debian 12 package):
//  - rte_pcapng_fdopen() writes the section header, then one interface
//    description block (IDB) per ethdev port that exists at that moment
//    (RTE_ETH_FOREACH_DEV), link type 1 (Ethernet), named after the
//    kernel interface or "dpdk:<port>", nanosecond timestamps. There is
//    no call to add another interface.
//  - rte_pcapng_copy() formats one enhanced packet block (EPB) into a new
//    mbuf: timestamp (TSC -> ns), captured/original length, options
//    epb_flags (direction: 1 inbound, 2 outbound) and epb_queue. It
//    records port_id in the mbuf; rte_pcapng_write_packets() maps that
//    port to its IDB index and writev()s. Despite its header, write does
//    not free the mbufs (dpdk-dumpcap frees them): the caller does.
//  - So a stream with no ethdev port cannot be described through the
//    API. Rather than label its packets with some port they never
//    crossed, we append an IDB of our own (pcapng allows one anywhere
//    before the packets that use it: Ethernet, "strdp:<driver>", ns
//    resolution) and write those EPBs ourselves with its index, after
//    rte_pcapng_copy has formatted them.
#define ALLOW_EXPERIMENTAL_API 1

#include <fcntl.h>
#include <sys/ddi.h>
#include <rte_ethdev.h>
#include <rte_mbuf.h>
#include <rte_pcapng.h>
#include <sys/stat.h>
#include <sys/uio.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <map>
#include <mutex>
#include <utility>
#include <vector>

#include "sniffer_impl.h"

namespace strdp::snif {
namespace {

// The files being written, by (device, inode): two sniffers writing one
// file would interleave garbage. A sniffer may open the file it is
// already writing (count > 1, one owner).
struct OpenFile {
  const void *owner;
  unsigned count;
};
std::mutex g_files_mu;
std::map<std::pair<dev_t, ino_t>, OpenFile> g_files;

// pcapng blocks, as the pcapng specification lays them out.
constexpr uint32_t kIdbType = 0x00000001;
constexpr uint32_t kEpbType = 0x00000006;
constexpr uint16_t kOptEnd = 0, kIfName = 2, kIfDescription = 3, kIfTsresol = 9;
constexpr uint16_t kLinkEthernet = 1;

struct EpbHeader {
  uint32_t block_type;
  uint32_t block_length;
  uint32_t interface_id;
};

void put_option(std::vector<uint8_t> &b, uint16_t code, const void *data, uint16_t len) {
  size_t at = b.size();
  b.resize(at + 4 + ((len + 3u) & ~3u), 0);
  memcpy(&b[at], &code, 2);
  memcpy(&b[at + 2], &len, 2);
  if (len > 0) memcpy(&b[at + 4], data, len);
}

// Writes all of iov, resuming after short writes; false on an error.
bool write_all(int fd, iovec *iov, int cnt) {
  while (cnt > 0) {
    ssize_t w = writev(fd, iov, cnt);
    if (w < 0) {
      if (errno == EINTR) continue;
      return false;
    }
    auto left = static_cast<size_t>(w);
    while (cnt > 0 && left >= iov->iov_len) {
      left -= iov->iov_len;
      ++iov;
      --cnt;
    }
    if (cnt > 0) {
      iov->iov_base = static_cast<char *>(iov->iov_base) + left;
      iov->iov_len -= left;
    }
  }
  return true;
}

}  // namespace

std::shared_ptr<PcapFile> PcapFile::open(const std::string &path, const void *owner) {
  // O_NONBLOCK: opening a FIFO nobody reads fails (ENXIO) instead of
  // blocking the control path; writes block again (cleared below), in the
  // writer thread.
  int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_CLOEXEC | O_NONBLOCK | O_NOCTTY, 0644);
  if (fd < 0) return nullptr;
  struct stat st{};
  if (fstat(fd, &st) != 0 || fcntl(fd, F_SETFL, 0) != 0) {
    int e = errno;
    ::close(fd);
    errno = e;
    return nullptr;
  }
  std::shared_ptr<PcapFile> f(new (std::nothrow) PcapFile);
  if (!f) {
    ::close(fd);
    errno = ENOMEM;
    return nullptr;
  }
  {
    std::lock_guard lk(g_files_mu);
    auto [it, fresh] = g_files.try_emplace({st.st_dev, st.st_ino}, OpenFile{owner, 0});
    if (!fresh && it->second.owner != owner) {
      ::close(fd);
      errno = EBUSY;
      return nullptr;
    }
    ++it->second.count;
  }
  f->fd_ = fd;
  f->dev_ = st.st_dev;
  f->ino_ = st.st_ino;
  f->path_ = path;
  return f;
}

PcapFile::~PcapFile() {
  if (pcapng_ != nullptr)
    rte_pcapng_close(pcapng_);  // closes fd_
  else if (fd_ >= 0)
    ::close(fd_);
  if (fd_ >= 0) {
    std::lock_guard lk(g_files_mu);
    auto it = g_files.find({dev_, ino_});
    if (it != g_files.end() && --it->second.count == 0) g_files.erase(it);
  }
}

void PcapFile::fail(const char *what) {
  if (failed_) return;
  failed_ = true;
  cmn_err(CE_WARN, "sniffer: %s: %s: %s; its packets are dropped from now on", path_.c_str(),
          what, strerror(errno));
}

bool PcapFile::start() {
  if (pcapng_ != nullptr || failed_) return ok();
  struct stat st{};
  if (fstat(fd_, &st) == 0 && S_ISREG(st.st_mode) && ftruncate(fd_, 0) != 0) {
    fail("truncate");
    return false;
  }
  lseek(fd_, 0, SEEK_SET);  // fails harmlessly on a FIFO
  uint32_t nports = 0;
  uint16_t port;
  RTE_ETH_FOREACH_DEV(port) ++nports;  // the IDBs fdopen is about to write
  pcapng_ = rte_pcapng_fdopen(fd_, nullptr, nullptr, "strdp sniffer", nullptr);
  if (pcapng_ == nullptr) {
    fail("writing the file header");
    return false;
  }
  nifs_ = nports;
  return true;
}

bool PcapFile::write_own_idb(const char *ifname) {
  std::vector<uint8_t> b(16, 0);  // type, length, link type, reserved, snaplen 0
  uint16_t link = kLinkEthernet;
  memcpy(&b[0], &kIdbType, 4);
  memcpy(&b[8], &link, 2);
  put_option(b, kIfName, ifname, static_cast<uint16_t>(strlen(ifname)));
  static const char kDescr[] = "a strdp stream with no ethdev port";
  put_option(b, kIfDescription, kDescr, sizeof kDescr - 1);
  uint8_t tsresol = 9;  // nanoseconds, as rte_pcapng_copy writes them
  put_option(b, kIfTsresol, &tsresol, 1);
  put_option(b, kOptEnd, nullptr, 0);
  auto len = static_cast<uint32_t>(b.size() + 4);
  memcpy(&b[4], &len, 4);
  b.resize(len);
  memcpy(&b[len - 4], &len, 4);
  iovec iov{b.data(), b.size()};
  if (!write_all(fd_, &iov, 1)) return false;
  own_ifname_ = ifname;
  own_ifindex_ = nifs_++;
  return true;
}

unsigned PcapFile::write_own(rte_mbuf **pkts, unsigned n) {
  constexpr int kIov = 64;
  iovec iov[kIov];
  unsigned done = 0;
  while (done < n) {
    int cnt = 0;
    unsigned first = done, k = done;
    for (; k < n; ++k) {
      rte_mbuf *m = pkts[k];
      if (cnt + m->nb_segs > kIov) break;
      auto *epb = rte_pktmbuf_mtod(m, EpbHeader *);
      epb->interface_id = own_ifindex_;
      for (rte_mbuf *s = m; s != nullptr; s = s->next)
        iov[cnt++] = {rte_pktmbuf_mtod(s, void *), s->data_len};
    }
    if (k == first) return done;  // one packet of more than kIov segments
    if (!write_all(fd_, iov, cnt)) return done;
    done = k;
  }
  return done;
}

unsigned PcapFile::write(rte_mbuf **pkts, unsigned n, const char *own_ifname) {
  if (n == 0) return 0;
  if (!ok()) return 0;
  unsigned whole;
  if (own_ifname != nullptr) {
    if (own_ifname_ != own_ifname && !write_own_idb(own_ifname)) {
      fail("writing an interface block");
      return 0;
    }
    whole = write_own(pkts, n);
  } else {
    ssize_t w = rte_pcapng_write_packets(pcapng_, pkts, static_cast<uint16_t>(n));
    // A short write leaves a partial block: count what got out whole.
    size_t left = w > 0 ? static_cast<size_t>(w) : 0;
    whole = 0;
    while (whole < n && left >= pkts[whole]->pkt_len) left -= pkts[whole++]->pkt_len;
  }
  if (whole < n) fail("write");
  return whole;
}

}  // namespace strdp::snif
