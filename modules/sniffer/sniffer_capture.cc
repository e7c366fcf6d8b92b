// The hand-off from the data path to the file: one single-producer,
// single-consumer ring per sniffer, and one writer thread for all of them.
//
// Principles of operation
//  - The data path (the sniffer's scheduler) only enqueues {copy, TSC,
//    side}: no formatting, no file I/O, no lock, never a wait. A full
//    ring is a dropped copy, counted; the message itself has gone on
//    already. kCtlReserve slots are kept for output changes, which travel
//    in the same ring, so every copy is written to the output that was in
//    force when it passed, and a file is switched only after the packets
//    before the switch are out.
//  - The writer thread (started with the first capture, gone after the
//    last) dequeues bursts, formats each copy with rte_pcapng_copy into a
//    pool of its own, reading it through a read-only mbuf view
//    (sniffer_view.cc says why not strdp_msg_to_mbuf), frees the copy
//    with freemsg (the passing buffer is shared only until then) and
//    writes the burst. It blocks SIGPIPE: a FIFO
//    whose reader went away is a write error, not the end of the process.
//  - A writer blocked on a slow output (a FIFO nobody reads) stalls every
//    sniffer's file: their rings fill and their copies are counted
//    dropped; no data path waits. Each held copy pins one message buffer,
//    so a ring is small (kRingSize) next to the message pool.
//  - Closing: the sniffer sets `closing` after its last enqueue (its
//    procedures are off); the writer, seeing it and then an empty ring,
//    closes the output, unregisters the capture and says "finished".
//    close() waits for that a bounded time; the capture is freed by
//    whichever of the two lets go last.
#define ALLOW_EXPERIMENTAL_API 1

#include <pthread.h>
#include <rte_cycles.h>
#include <rte_errno.h>
#include <rte_mbuf.h>
#include <rte_pcapng.h>
#include <rte_ring.h>
#include <rte_ring_elem.h>
#include <signal.h>

#include <algorithm>
#include <chrono>
#include <ctime>
#include <cstdlib>
#include <cstring>
#include <thread>
#include <vector>

#include "sniffer_impl.h"

namespace strdp::snif {

// TSC to wall-clock nanoseconds. rte_pcapng_copy (22.11) converts a TSC
// against a base it moves forward as it goes, with unsigned arithmetic:
// a TSC older than its base (the first packets, taken before its first
// call; a packet of one sniffer written after a later one of another)
// comes out thousands of years off. So the EPB's time is rewritten here
// from the TSC taken when the message passed, against a base that does
// not move, in signed arithmetic. (rte_pcapng_copy is given the writer's
// own, always increasing, TSC.)
class TscClock {
 public:
  TscClock() {
    timespec ts{};
    uint64_t t0 = rte_rdtsc();
    clock_gettime(CLOCK_REALTIME, &ts);
    tsc0_ = (t0 + rte_rdtsc()) / 2;
    ns0_ = static_cast<int64_t>(ts.tv_sec) * 1000000000 + ts.tv_nsec;
    hz_ = static_cast<int64_t>(rte_get_tsc_hz());
  }
  uint64_t ns(uint64_t tsc) const {
    auto delta = static_cast<__int128>(static_cast<int64_t>(tsc - tsc0_));
    return static_cast<uint64_t>(ns0_ + static_cast<int64_t>(delta * 1000000000 / hz_));
  }

 private:
  uint64_t tsc0_;
  int64_t ns0_;
  int64_t hz_;
};

// The enhanced packet block rte_pcapng_copy puts at the start of its
// mbuf (pcapng specification, section 4.3).
struct EpbTime {
  uint32_t block_type, block_length, interface_id, ts_hi, ts_lo;
};

void set_epb_time(rte_mbuf *pc, uint64_t ns) {
  auto *epb = rte_pktmbuf_mtod(pc, EpbTime *);
  epb->ts_hi = static_cast<uint32_t>(ns >> 32);
  epb->ts_lo = static_cast<uint32_t>(ns);
}

class Writer {
 public:
  static Writer &get() {
    // Never destroyed: its thread may outlive static destruction by a
    // moment, and a joinable std::thread must not be destroyed.
    static Writer *w = new Writer;
    return *w;
  }
  bool attach(Capture *c);

 private:
  static constexpr unsigned kBurst = 32;
  // A copy of up to 65,535 bytes plus the EPB fits one element: headroom
  // (128) holds the block header, the tail the options. Two bursts in
  // flight at most.
  static constexpr unsigned kPoolSize = 2 * kBurst - 1;

  void loop();
  unsigned serve(Capture *c);
  rte_mbuf *make_view(const mblk_t *mp);
  void flush(Capture *c, rte_mbuf **pkts, const uint8_t *side, unsigned n);
  void switch_output(Capture *c, Output *o);
  void finish(Capture *c);

  std::mutex mu_;
  std::vector<Capture *> caps_;  // guarded by mu_
  uint64_t gen_ = 0;             // caps_ changes (mu_)
  bool running_ = false;         // mu_
  std::thread thread_;           // mu_
  rte_mempool *pool_ = nullptr;  // made by attach, freed by the thread
  TscClock clock_;               // read-only after construction
  std::vector<rte_mbuf> views_;  // the writer thread's scratch
};

bool Writer::attach(Capture *c) {
  std::lock_guard lk(mu_);
  if (!running_) {
    if (thread_.joinable()) thread_.join();  // it is only returning
    pool_ = rte_pktmbuf_pool_create("snif_pcapng", kPoolSize, 0, 0, UINT16_MAX, SOCKET_ID_ANY);
    if (pool_ == nullptr) {
      errno = rte_errno != 0 ? rte_errno : ENOMEM;
      return false;
    }
    running_ = true;
    thread_ = std::thread([this] { loop(); });
  }
  caps_.push_back(c);
  ++gen_;
  return true;
}

void Writer::loop() {
  pthread_setname_np(pthread_self(), "snif-writer");
  sigset_t set;
  sigemptyset(&set);
  sigaddset(&set, SIGPIPE);
  pthread_sigmask(SIG_BLOCK, &set, nullptr);

  std::vector<Capture *> snap;
  uint64_t seen = ~0ull;
  auto idle = std::chrono::microseconds(50);
  for (;;) {
    {
      std::lock_guard lk(mu_);
      if (caps_.empty()) {
        rte_mempool_free(pool_);
        pool_ = nullptr;
        running_ = false;
        return;
      }
      if (gen_ != seen) {
        snap = caps_;
        seen = gen_;
      }
    }
    unsigned work = 0;
    for (Capture *c : snap) work += serve(c);
    if (work != 0) {
      idle = std::chrono::microseconds(50);
    } else {
      // Nothing to do: poll less often, up to every millisecond (about
      // 1,000 wake-ups a second while sniffers are pushed and idle).
      std::this_thread::sleep_for(idle);
      idle = std::min(idle * 2, std::chrono::microseconds(1000));
    }
  }
}

unsigned Writer::serve(Capture *c) {
  // Read `closing` before dequeuing: the sniffer sets it after its last
  // enqueue, so an empty ring seen after it is empty for good.
  bool closing = c->closing_.load(std::memory_order_acquire);
  Item items[kBurst];
  unsigned n = rte_ring_sc_dequeue_burst_elem(c->ring_, items, sizeof(Item), kBurst, nullptr);
  if (n == 0) {
    if (closing) {
      finish(c);
      return 1;
    }
    return 0;
  }
  rte_mbuf *pkts[kBurst];
  uint8_t side[kBurst];
  unsigned np = 0;
  for (unsigned i = 0; i < n; ++i) {
    Item &it = items[i];
    if (it.mp == nullptr) {
      flush(c, pkts, side, np);
      np = 0;
      switch_output(c, reinterpret_cast<Output *>(it.meta));
      continue;
    }
    auto s = static_cast<Side>(it.meta & 1);
    Output *o = c->out_;
    if (o == nullptr || !o->file->ok()) {
      freemsg(it.mp);
      c->lost_[s].fetch_add(1, std::memory_order_release);
      continue;
    }
    rte_mbuf *view = make_view(it.mp);
    // A port-less stream's packets are formatted as port 0's and written
    // with our own IDB (sniffer_pcapng.cc); the port is only recorded in
    // the mbuf. A message of no bytes cannot be copied (NULL): dropped.
    rte_mbuf *pc = view == nullptr ? nullptr
                   : rte_pcapng_copy(o->port >= 0 ? static_cast<uint16_t>(o->port) : 0,
                                     o->queue, view, pool_, o->snaplen, rte_rdtsc(),
                                     s == kRd ? RTE_PCAPNG_DIRECTION_IN : RTE_PCAPNG_DIRECTION_OUT);
    freemsg(it.mp);  // the passing buffer is shared no longer
    if (pc == nullptr) {
      c->lost_[s].fetch_add(1, std::memory_order_release);
      continue;
    }
    set_epb_time(pc, clock_.ns(it.meta >> 1));
    pkts[np] = pc;
    side[np++] = static_cast<uint8_t>(s);
  }
  flush(c, pkts, side, np);
  return n;
}

// The view rte_pcapng_copy reads: zeroed first, since rte_pktmbuf_copy
// copies header fields (offload flags, VLAN tags, hash, dynamic fields)
// into the capture; a message's bytes carry no offload state.
rte_mbuf *Writer::make_view(const mblk_t *mp) {
  unsigned n = view_segments(mp);
  if (views_.size() < n) views_.resize(n);
  memset(static_cast<void *>(views_.data()), 0, n * sizeof(rte_mbuf));
  build_view(mp, views_.data(), n);
  return views_[0].pkt_len != 0 ? views_.data() : nullptr;
}

void Writer::flush(Capture *c, rte_mbuf **pkts, const uint8_t *side, unsigned n) {
  if (n == 0) return;
  Output *o = c->out_;
  unsigned whole = o->file->write(pkts, n, o->port < 0 ? o->ifname.c_str() : nullptr);
  uint64_t ok[2] = {0, 0}, bad[2] = {0, 0};
  for (unsigned i = 0; i < n; ++i) ++(i < whole ? ok : bad)[side[i]];
  for (unsigned s = 0; s < 2; ++s) {
    if (ok[s] != 0) c->written_[s].fetch_add(ok[s], std::memory_order_release);
    if (bad[s] != 0) c->lost_[s].fetch_add(bad[s], std::memory_order_release);
  }
  rte_pktmbuf_free_bulk(pkts, n);
}

void Writer::switch_output(Capture *c, Output *o) {
  delete c->out_;  // the last reference closes the old file
  c->out_ = o;
  if (o != nullptr) o->file->start();
}

void Writer::finish(Capture *c) {
  switch_output(c, nullptr);
  {
    std::lock_guard lk(mu_);
    caps_.erase(std::find(caps_.begin(), caps_.end(), c));
    ++gen_;
  }
  {
    std::lock_guard lk(c->mu_);
    c->finished_ = true;
    c->cv_.notify_all();
  }
  c->release();
}

// ------------------------------------------------------------------------

Capture *Capture::create() {
  ssize_t sz = rte_ring_get_memsize_elem(sizeof(Item), kRingSize);
  if (sz < 0) {
    errno = EINVAL;
    return nullptr;
  }
  size_t bytes = RTE_ALIGN_CEIL(static_cast<size_t>(sz), RTE_CACHE_LINE_SIZE);
  void *mem = std::aligned_alloc(RTE_CACHE_LINE_SIZE, bytes);
  if (mem == nullptr) {
    errno = ENOMEM;
    return nullptr;
  }
  auto *r = static_cast<rte_ring *>(mem);
  if (rte_ring_init(r, "sniffer", kRingSize, RING_F_SP_ENQ | RING_F_SC_DEQ) != 0) {
    std::free(mem);
    errno = EINVAL;
    return nullptr;
  }
  auto *c = new (std::nothrow) Capture;
  if (c == nullptr) {
    std::free(mem);
    errno = ENOMEM;
    return nullptr;
  }
  c->ring_ = r;
  if (!Writer::get().attach(c)) {
    int e = errno;
    std::free(mem);
    delete c;
    errno = e;
    return nullptr;
  }
  return c;
}

unsigned Capture::enqueue(const Item *items, unsigned n) {
  unsigned room = rte_ring_free_count(ring_);
  room = room > kCtlReserve ? room - kCtlReserve : 0;
  return rte_ring_sp_enqueue_burst_elem(ring_, items, sizeof(Item), std::min(n, room), nullptr);
}

bool Capture::post_output(Output *o) {
  Item it{nullptr, reinterpret_cast<uintptr_t>(o)};
  return rte_ring_sp_enqueue_elem(ring_, &it, sizeof(Item)) == 0;
}

void Capture::close(unsigned wait_ms) {
  closing_.store(true, std::memory_order_release);
  {
    std::unique_lock lk(mu_);
    cv_.wait_for(lk, std::chrono::milliseconds(wait_ms), [this] { return finished_; });
  }
  release();
}

void Capture::release() {
  if (refs_.fetch_sub(1, std::memory_order_acq_rel) != 1) return;
  // The writer empties the ring before letting go; nothing should be
  // left, but a copy left behind would pin a buffer for ever.
  Item it;
  while (rte_ring_sc_dequeue_elem(ring_, &it, sizeof(Item)) == 0) {
    if (it.mp != nullptr) freemsg(it.mp);
    else delete reinterpret_cast<Output *>(it.meta);
  }
  delete out_;
  std::free(ring_);
  delete this;
}

}  // namespace strdp::snif
