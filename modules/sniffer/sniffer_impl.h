// The sniffer module's parts (see sniffer.cc for the principles of
// operation). Not installed.
//
//   sniffer.cc          the STREAMS module: put/burst put, open/close
//   sniffer_ioctl.cc    SNIF_SETARGS (validate everything, then commit)
//                       and SNIF_GETSTATS
//   sniffer_args.cc     "key=value key='quoted'" parsing
//   sniffer_filter.cc   tcpdump expression -> cBPF -> eBPF
//   sniffer_view.cc     a read-only mbuf view of a message, for the
//                       filter and for rte_pcapng_copy
//   sniffer_capture.cc  the per-instance ring and the shared writer thread
//   sniffer_pcapng.cc   one pcapng output file
//   sniffer_target.cc   to=NAME: copies down another stream
#pragma once

#include <strdp/sniffer.h>
#include <strdp/stream.h>

#include <atomic>
#include <condition_variable>
#include <cstdint>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>

struct rte_bpf;
struct rte_mbuf;
struct rte_mempool;
struct rte_ring;
typedef struct rte_pcapng rte_pcapng_t;

namespace strdp::snif {

enum Side : unsigned { kRd = 0, kWr = 1 };
constexpr unsigned kDirRd = 1u << kRd, kDirWr = 1u << kWr;
constexpr uint32_t kMaxSnaplen = 65535;

// ------------------------------------------------------------- arguments

// What one SNIF_SETARGS names; a key not given stays as it was.
struct Args {
  std::optional<std::string> file, filter, to;
  std::optional<uint32_t> snaplen;
  std::optional<unsigned> dir;   // kDirRd | kDirWr
  std::optional<int> port;       // -1: none
  std::optional<uint32_t> queue;
};

// The settings in force.
struct Settings {
  std::string file, filter, to;
  uint32_t snaplen = kMaxSnaplen;
  unsigned dir = kDirRd | kDirWr;
  int port = -1;
  uint32_t queue = 0;
};

// Parses "key=value key='quoted value' ..."; false with *why naming the
// argument and the reason.
bool parse_args(std::string_view text, Args *out, std::string *why);

// ------------------------------------------------------------------ view

// A read-only rte_mbuf view of mp's bytes (sniffer_view.cc): fills v[0..)
// (only the fields DPDK's readers use: buf_addr, data_off, data_len,
// next, and pkt_len/nb_segs in v[0]) and returns the number of segments,
// or max + 1 if more are needed. view_segments() says how many.
unsigned build_view(const mblk_t *mp, rte_mbuf *v, unsigned max);
unsigned view_segments(const mblk_t *mp);

// ---------------------------------------------------------------- filter

// A compiled tcpdump expression. match() runs on the data path, never
// writes the message, allocates nothing for messages of up to kViews
// segments.
class Filter {
 public:
  static constexpr unsigned kViews = 8;
  // nullptr with *why (libpcap's or DPDK's error text).
  static std::unique_ptr<Filter> compile(const std::string &expr, std::string *why);
  ~Filter();
  Filter(const Filter &) = delete;
  Filter &operator=(const Filter &) = delete;

  bool match(const mblk_t *mp) const;

 private:
  Filter() = default;
  [[gnu::cold]] bool match_long(const mblk_t *mp, unsigned nviews) const;
  bool run(rte_mbuf *view, bool single) const;
  rte_bpf *bpf_ = nullptr;
  uint64_t (*jit_)(void *) = nullptr;
};

// ---------------------------------------------------------- pcapng files

// One output file. Opened on the control path (errors go back to the
// ioctl); everything written is written by the writer thread.
class PcapFile {
 public:
  // The file, opened for writing but not truncated yet (the writer does
  // that when it switches to it, after the previous file's packets, so a
  // sniffer may re-open the file it is writing). owner: the sniffer; a
  // file another owner is writing fails with EBUSY. nullptr + errno.
  static std::shared_ptr<PcapFile> open(const std::string &path, const void *owner);
  ~PcapFile();
  PcapFile(const PcapFile &) = delete;
  PcapFile &operator=(const PcapFile &) = delete;

  // Writer thread only.
  bool start();  // truncate, section header, an IDB per ethdev port
  bool ok() const { return pcapng_ != nullptr && !failed_; }
  // Writes n rte_pcapng_copy() blocks; own_ifname != nullptr: the packets
  // belong to no ethdev port and are written with an IDB of our own (one
  // per name, written before its first packet). Returns how many packets
  // reached the file whole; a short write marks the file failed.
  unsigned write(rte_mbuf **pkts, unsigned n, const char *own_ifname);
  const std::string &path() const { return path_; }

 private:
  PcapFile() = default;
  void fail(const char *what);  // once: marks it failed, says why (errno)
  bool write_own_idb(const char *ifname);
  unsigned write_own(rte_mbuf **pkts, unsigned n);
  int fd_ = -1;
  dev_t dev_ = 0;
  ino_t ino_ = 0;
  std::string path_;
  rte_pcapng_t *pcapng_ = nullptr;  // owns fd_ once started
  bool failed_ = false;
  uint32_t nifs_ = 0;               // IDBs written so far
  std::string own_ifname_;          // the IDB of our own, if written
  uint32_t own_ifindex_ = 0;
};

// --------------------------------------------------------------- capture

// Where the writer sends one sniffer's packets from a given point of its
// ring on: handed over through the ring itself, so every packet goes to
// the output that was in force when it passed.
struct Output {
  std::shared_ptr<PcapFile> file;
  int port = -1;        // ethdev port, -1: none (own IDB named ifname)
  uint32_t queue = 0;
  uint32_t snaplen = kMaxSnaplen;
  std::string ifname;   // "strdp:<driver>" for a stream with no port
};

// One slot of a sniffer's ring: a copy to write (mp != nullptr: meta =
// TSC << 1 | side) or a change of output (mp == nullptr: meta = the new
// Output *, 0 to stop writing).
struct Item {
  mblk_t *mp;
  uint64_t meta;
};

// A sniffer's single-producer ring to the shared writer thread, and the
// counters the writer keeps for it. Owned by the sniffer and the writer
// together; the last to let go frees it.
class Capture {
 public:
  static constexpr unsigned kRingSize = 512;  // slots (511 usable)
  // Data slots stop this short of full: room for output changes.
  static constexpr unsigned kCtlReserve = 2;

  // A new ring registered with the writer (started if needed); nullptr
  // + errno (ENOMEM).
  static Capture *create();

  // Owner thread (the sniffer's scheduler).
  unsigned enqueue(const Item *items, unsigned n);  // as many as fit
  bool post_output(Output *o);  // false: no room (the writer is behind)
  // Stops producing, lets the writer finish the ring and the output, and
  // waits for that up to wait_ms; the writer frees what is left later.
  void close(unsigned wait_ms);

  // Any thread.
  uint64_t written(Side s) const { return written_[s].load(std::memory_order_acquire); }
  uint64_t lost(Side s) const { return lost_[s].load(std::memory_order_acquire); }

 private:
  friend class Writer;
  Capture() = default;
  void release();

  rte_ring *ring_ = nullptr;
  std::atomic<int> refs_{2};          // the sniffer and the writer
  std::atomic<bool> closing_{false};  // set after the last enqueue
  std::atomic<uint64_t> written_[2] = {};
  std::atomic<uint64_t> lost_[2] = {};
  // Writer thread only.
  Output *out_ = nullptr;
  // close() waits for the writer's "finished".
  std::mutex mu_;
  std::condition_variable cv_;
  bool finished_ = false;
};

// ---------------------------------------------------------------- target

// to=NAME: the stream the copies go down. Re-resolved (slow path) when
// the name table's epoch moves, so a closed target is never touched.
class Target {
 public:
  bool set(const std::string &name, strdp_sched_t *sched, int *err);
  void clear() { name_.clear(); sp_ = nullptr; }
  bool active() const { return !name_.empty(); }
  // Sends a copy down the target's write side; false (dup freed) when
  // the target is gone or full.
  bool send(mblk_t *dup);

 private:
  strdp_stream_t *resolve();
  std::string name_;
  strdp_sched_t *sched_ = nullptr;
  strdp_stream_t *sp_ = nullptr;
  uint64_t epoch_ = 0;
};

// ---------------------------------------------------------------- module

struct SideCounters {
  uint64_t seen = 0, skipped = 0, filtered = 0;
  uint64_t sent = 0;      // to=: captured
  uint64_t dropped = 0;   // on the data path: no buffer, ring or target full
  uint64_t enqueued = 0;  // handed to the writer
};

// One sniffer instance (q_ptr of both queues). Every field is the owning
// scheduler's: the put procedures and the ioctls run there, one at a
// time, so replacing the filter or the output needs no lock.
struct Sniffer {
  queue_t *rq = nullptr;
  strdp_sched_t *sched = nullptr;
  SideCounters side[2];
  bool on[2] = {false, false};  // side sniffed and an output set
  std::unique_ptr<Filter> filter;
  Capture *cap = nullptr;       // file= output (created on first use)
  std::shared_ptr<PcapFile> file;  // the file in force, for new Outputs
  Target target;                // to= output
  Settings cfg;
};

// Answers SNIF_SETARGS and SNIF_GETSTATS (true); false for any other
// ioctl, which the caller passes on.
bool sniffer_ioctl(queue_t *q, mblk_t *mp);
// Recomputes Sniffer::on from the settings.
void sniffer_update_on(Sniffer *sn);

}  // namespace strdp::snif
