// The pmd driver's private state and the routines its files share; the
// ethraw driver (pmd-drivers/ethraw) is built on the same. Not installed.
//
// Principles of operation
//  - A Port is an ethdev set up by strdp_port_setup(): N rx/tx queue pairs,
//    N Lanes. The port table is slow path under one mutex: set-up, close,
//    claiming and releasing lanes, promiscuous reference counts, and the
//    statistics reads of other threads.
//  - A Lane (one queue pair) belongs to at most one stream at a time, the
//    one attached to it, and then only that stream's scheduler touches its
//    rx queue, tx queue and tx buffer: no lock on the data path. A port
//    cannot close while a lane is attached, so an attached lane never
//    dangles.
//  - Lane counters have one writer (the owning scheduler) and are read by
//    any thread: relaxed atomics, written with load + store (no locked
//    instruction on the fast path).
//  - A PmdStream is the q_ptr of one open stream: its DLPI state, touched
//    only by the stream's scheduler. It is also the poller's argument, and
//    keeps copies of what the rx filter and the tx path read per frame
//    (MAC, SAP, MTU) so they need not follow a pointer to the Port.
#pragma once

#include <rte_ether.h>
#include <rte_mbuf.h>
#include <strdp/dlpi.h>
#include <strdp/pmd.h>

#include <atomic>
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

namespace strdp::pmd {

// Frames moved per rx poll and held per tx flush. 32 is DPDK's usual
// burst: large enough to amortise the PMD call, small enough that a burst
// overshooting a full stream above stays bounded.
constexpr uint16_t kBurst = 32;
constexpr uint16_t kEtherHdr = RTE_ETHER_HDR_LEN;  // 14
constexpr uint16_t kEtherAddr = RTE_ETHER_ADDR_LEN;  // 6
constexpr uint32_t kDlsapLen = kEtherAddr + 2;  // MAC, then SAP (host order)
// The smallest Ethernet II type; 0..1500 is an 802.3 length (no 802.2).
constexpr uint32_t kMinEthertype = 0x0600;
// Polls between two link-state reads while notifications are on: cheap
// enough for any PMD, quick enough (well under a millisecond when idle)
// for link changes.
constexpr uint32_t kLinkPollEvery = 4096;

// "No DLPI error yet": DL_BADSAP is 0, so 0 cannot mean that.
constexpr t_uscalar_t kNoError = ~t_uscalar_t{0};

// Single-writer counter: readers on other threads see whole values.
using Counter = std::atomic<uint64_t>;
inline void bump(Counter &c, uint64_t n) {
  c.store(c.load(std::memory_order_relaxed) + n, std::memory_order_relaxed);
}

// strdp_pmd_stats as the lane keeps them (strdp_pmd_get_stats copies).
struct LaneStats {
#define STRDP_LANE_COUNTER_(name, doc) Counter name{0};
  STRDP_PMD_COUNTERS(STRDP_LANE_COUNTER_)
#undef STRDP_LANE_COUNTER_
};

struct PmdStream;

// Frames waiting for rte_eth_tx_burst, oldest first, and their bytes (a
// sum kept as they come: once the NIC took a frame, its mbuf may be free).
struct TxBuffer {
  rte_mbuf *m[kBurst];
  uint64_t bytes = 0;  // of the n frames buffered
  uint16_t n = 0;
};

struct Lane {
  uint16_t port = 0;
  uint16_t queue = 0;
  PmdStream *owner = nullptr;  // attached stream; claimed under the table mutex
  TxBuffer tx;                 // owner's scheduler only
  LaneStats st;
};

struct Port {
  uint16_t id = 0;
  uint16_t nb_queues = 0;
  uint16_t mtu = 0;
  bool tx_multiseg = false;    // the NIC takes mbuf chains
  bool promisc_base = false;   // promiscuous by set-up (conf.promisc)
  unsigned promisc_refs = 0;   // streams with DL_PROMISC_PHYS on
  rte_ether_addr fact_mac{};   // address at set-up: the "factory" one
  std::string name;
  std::vector<std::unique_ptr<Lane>> lanes;
};

// The DLPI state of one stream (q_ptr of both its queues).
struct PmdStream {
  queue_t *rq = nullptr;
  cred_t *cr = nullptr;         // credentials of the open
  Lane *lane = nullptr;         // attached lane, or none
  Port *port = nullptr;
  int poller = 0;
  uint32_t state = DL_UNATTACHED;
  uint32_t style = DL_STYLE2;   // DL_STYLE1: ethraw, attached by its open
  // Hot: read per frame.
  uint16_t port_id = 0, queue_id = 0;
  bool raw = false;             // DLIOCRAW: whole frames as M_DATA
  bool promisc_phys = false, promisc_sap = false, promisc_multi = false;
  uint16_t sap = 0;             // bound SAP, host order (DL_IDLE)
  uint16_t sap_be = 0;          // the same, as it is on the wire
  uint16_t mtu = 0;
  bool tx_multiseg = false;
  rte_ether_addr mac{};         // the port's address, for filter and source
  // Link notifications (DL_NOTIFY_REQ).
  uint32_t notify = 0;          // DL_NOTE_LINK_UP / DOWN enabled
  uint32_t link_polls = 0;
  int link_up = -1;             // last state sent up, -1: none yet
};

// ---- port.cc: the port table (slow path, its own mutex)
// Sets up port `id` (strdp_port_setup after the name lookup); 0 or errno.
int port_setup(uint16_t id, const strdp_port_conf &conf);
// Closes a port set up here; 0 or errno (ENODEV, EBUSY).
int port_close(uint16_t id);
// True if any lane of the port is attached.
bool port_busy(uint16_t id);
// Claims lane `ppa` for ps: 0, ENOENT (no such port or queue), EBUSY.
int lane_claim(uint32_t ppa, PmdStream *ps, Lane **lane, Port **port);
void lane_release(Lane *lane);
// DL_PROMISC_PHYS references: the first turns the NIC promiscuous (unless
// the port is so by set-up), the last turns it back. 0 or errno.
int promisc_get(Port *p);
void promisc_put(Port *p);

// ---- attach.cc: binding a stream to a lane
// 0 or errno: ENOENT (bad PPA), EBUSY (lane taken), ENOMEM (no poller).
int attach_lane(PmdStream *ps, uint32_t ppa);
// Stops polling, sends or frees the tx buffer, releases the lane; counters
// stay. flush_wq: also drop what waits on the write queue (DL_DETACH_REQ).
void detach_lane(PmdStream *ps, bool flush_wq);
void dl_attach_req(queue_t *wq, mblk_t *mp);
void dl_detach_req(queue_t *wq, mblk_t *mp);

// ---- dlpi_ack.cc: building the answers (each consumes mp)
void dl_error_ack(queue_t *wq, mblk_t *mp, t_uscalar_t prim, t_uscalar_t err,
                  t_uscalar_t unix_err);
void dl_ok_ack(queue_t *wq, mblk_t *mp, t_uscalar_t prim);
void dl_uderror_ind(queue_t *wq, mblk_t *mp, const uint8_t *addr,
                    t_uscalar_t addr_len, t_uscalar_t err,
                    t_uscalar_t unix_err);
// Writes MAC + SAP (host order) at p: an Ethernet DLSAP address.
void put_dlsap(uint8_t *p, const uint8_t *mac, uint16_t sap);

// ---- dlpi_proto.cc: M_PROTO / M_PCPROTO from above, except unitdata
void dl_proto(queue_t *wq, mblk_t *mp);
// True if mp is a DL_UNITDATA_REQ (the one primitive that is data).
bool is_unitdata(const mblk_t *mp);

// ---- unitdata.cc: DL_UNITDATA_REQ to frame
// Consumes mp (a frame in the tx buffer, or an error answer) and returns
// true, or returns false leaving mp untouched when the tx buffer is full.
bool tx_unitdata(queue_t *wq, PmdStream *ps, mblk_t *mp);

// ---- tx.cc: the transmit side
// Hands the buffer to the NIC; what it does not take stays. Returns how
// many frames went.
unsigned lane_flush(Lane *l);
// Makes room for one frame if the NIC takes any; false when still full.
bool lane_room(Lane *l);
// Appends a frame (all checks done) to the buffer, which has room.
void lane_put(Lane *l, mblk_t *frame, uint32_t len);
// Raw M_DATA frame: consumed (queued for the NIC or counted and freed), or
// false with mp untouched when the buffer is full.
bool tx_raw(PmdStream *ps, mblk_t *mp);
// The forwarding path: takes the leading run of M_DATA frames of a burst
// as tx_raw() does, flushing the buffer to the NIC as it fills; stops at
// the first other message, or when the NIC takes nothing. Returns how
// many it consumed.
unsigned tx_raw_burst(PmdStream *ps, mblk_t **mps, unsigned n);
// The same for frames (putnext_frames), by the same loop: takes the
// leading run of frames a NIC takes as they are; stops at the first other
// one (too short or long, a chain the port cannot send) or when the NIC
// takes nothing. The rest are still frames, the caller's.
unsigned tx_frames(PmdStream *ps, strdp_frame_t **f, unsigned n);
// A chain the NIC cannot take in pieces, made one block (copy); consumes
// frame, NULL when there is no memory.
mblk_t *tx_linearize(mblk_t *frame);
int pmd_wput(queue_t *q, mblk_t *mp);
int pmd_wsrv(queue_t *q);
void pmd_wputb(queue_t *q, mblk_t **mps, unsigned n);
unsigned pmd_wputf(queue_t *q, strdp_frame_t **f, unsigned n);

// ---- rx.cc: the poller (rx burst, tx flush, link state)
unsigned pmd_poll(void *arg);
// Sends DL_NOTIFY_IND for the link state now; false if no memory.
bool notify_link(PmdStream *ps, int up);

// ---- pmd.cc: the STREAMS entry points shared with ethraw (with the write
// side's pmd_wput, pmd_wsrv, pmd_wputb, pmd_wputf above)
int pmd_rput(queue_t *q, mblk_t *mp);
int pmd_close(queue_t *q, int flag, cred_t *cr);
// Opens a stream's driver state; for ethraw, attached to `ppa` in raw mode
// as a style 1 provider. 0 or errno.
int pmd_open_state(queue_t *q, cred_t *cr, bool style1_raw, uint32_t ppa);

}  // namespace strdp::pmd
