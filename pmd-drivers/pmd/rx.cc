// The lane poller: runs first in every pass of the attached stream's
// scheduler (one lcore, or the thread that attached).
//
// Per pass: (1) hand the tx buffer to the NIC, and re-enable the write
// service if messages wait and the buffer has room; (2) every
// kLinkPollEvery passes, while notifications are on, read the link state;
// (3) unless the stream above is full, receive one burst and pass it up.
//
// Flow control upward: when canputnext() says the stream is full the rx
// queue is not polled at all (counted in rx_paused): frames wait in the
// NIC's ring, and what it cannot hold the NIC drops and DPDK counts
// (imissed), as with a kernel driver whose stream is full. A burst that
// does go up may overshoot the high water mark by at most one burst.
//
// Raw mode (DLIOCRAW) is the forwarding fast path: the burst goes up whole
// as frames (putnext_frames), which become messages in place (no copy, no
// allocation) at the first queue above that reads messages, and not at all
// on a path of frame-aware queues (xconn to another pmd stream). No
// filtering: every frame the queue receives goes up. DLPI mode filters
// each frame (destination MAC, then SAP), strips the Ethernet header by
// moving b_rptr, and puts a DL_UNITDATA_IND block in front (one
// allocation per frame, as in any DLPI provider).
#include <rte_ethdev.h>
#include <strdp/mbuf.h>
#include <strdp/strsun.h>

#include <cstring>

#include "pmd_impl.h"

namespace strdp::pmd {
namespace {

inline bool is_broadcast(const uint8_t *a) {
  static constexpr uint8_t kAll[kEtherAddr] = {0xff, 0xff, 0xff, 0xff, 0xff, 0xff};
  return std::memcmp(a, kAll, kEtherAddr) == 0;
}

// The burst goes up whole as frames (putnext_frames): made messages, in
// place, only where a queue above reads messages.
void rx_raw(PmdStream *ps, rte_mbuf **pkts, unsigned n) {
  uint64_t bytes = 0;
  for (unsigned i = 0; i < n; ++i) bytes += pkts[i]->pkt_len;
  LaneStats &st = ps->lane->st;
  bump(st.rx_frames, n);
  bump(st.rx_bytes, bytes);
  static_assert(sizeof(rte_mbuf *) == sizeof(strdp_frame_t *));
  putnext_frames(ps->rq, reinterpret_cast<strdp_frame_t **>(pkts), n);
}

// The DLPI filter, as Solaris delivers: a unicast frame for our address
// (any address with DL_PROMISC_PHYS); broadcast always; other multicast
// with DL_PROMISC_MULTI or DL_PROMISC_PHYS. Then the SAP: the bound one,
// or any with DL_PROMISC_SAP.
inline bool wanted(const PmdStream *ps, const uint8_t *h, bool group) {
  if (!group) {
    if (!ps->promisc_phys && std::memcmp(h, ps->mac.addr_bytes, kEtherAddr) != 0) return false;
  } else if (!ps->promisc_phys && !ps->promisc_multi && !is_broadcast(h)) {
    return false;
  }
  if (ps->promisc_sap) return true;
  uint16_t type;
  std::memcpy(&type, h + 2 * kEtherAddr, sizeof type);
  return ps->state == DL_IDLE && type == ps->sap_be;
}

// DL_UNITDATA_IND with both DLSAP addresses (MAC + the frame's type).
mblk_t *unitdata_ind(const uint8_t *h, bool group) {
  constexpr size_t kDst = sizeof(dl_unitdata_ind_t), kSrc = kDst + kDlsapLen;
  mblk_t *ind = allocb(kSrc + kDlsapLen, BPRI_MED);
  if (ind == nullptr) return nullptr;
  ind->b_datap->db_type = M_PROTO;
  dl_unitdata_ind_t u{DL_UNITDATA_IND, kDlsapLen, kDst, kDlsapLen, kSrc, group ? 1u : 0u};
  uint16_t type_be;
  std::memcpy(&type_be, h + 2 * kEtherAddr, sizeof type_be);
  uint16_t sap = rte_be_to_cpu_16(type_be);
  std::memcpy(ind->b_wptr, &u, sizeof u);
  put_dlsap(ind->b_wptr + kDst, h, sap);
  put_dlsap(ind->b_wptr + kSrc, h + kEtherAddr, sap);
  ind->b_wptr += kSrc + kDlsapLen;
  return ind;
}

void rx_dlpi(PmdStream *ps, rte_mbuf **pkts, unsigned n) {
  // Lengths first: a buffer the import cannot use is freed by it.
  uint32_t lens[kBurst];
  for (unsigned i = 0; i < n; ++i) lens[i] = pkts[i]->pkt_len;
  mblk_t *msgs[kBurst];
  strdp_msg_from_mbufs(pkts, msgs, n);
  mblk_t *up[kBurst];
  unsigned k = 0, filtered = 0, nomem = 0;
  uint64_t bytes = 0;
  for (unsigned i = 0; i < n; ++i) {
    mblk_t *mp = msgs[i];
    if (mp == nullptr || MBLKL(mp) < kEtherHdr) {  // foreign buffer, runt
      if (mp != nullptr) freemsg(mp);
      ++filtered;
      continue;
    }
    const uint8_t *h = mp->b_rptr;
    bool group = (h[0] & 1) != 0;
    if (!wanted(ps, h, group)) {
      freemsg(mp);
      ++filtered;
      continue;
    }
    mblk_t *ind = unitdata_ind(h, group);
    if (ind == nullptr) {
      freemsg(mp);
      ++nomem;
      continue;
    }
    mp->b_rptr += kEtherHdr;  // the payload, in place
    ind->b_cont = mp;
    bytes += lens[i];
    up[k++] = ind;
  }
  LaneStats &st = ps->lane->st;
  bump(st.rx_frames, k);
  bump(st.rx_bytes, bytes);
  if (filtered != 0) bump(st.rx_filtered, filtered);
  if (nomem != 0) bump(st.rx_nomem, nomem);
  if (k != 0) putnext_burst(ps->rq, up, k);
}

[[gnu::cold]] unsigned link_check(PmdStream *ps) {
  ps->link_polls = 0;
  rte_eth_link link{};
  if (rte_eth_link_get_nowait(ps->port_id, &link) != 0) return 0;
  int up = link.link_status == RTE_ETH_LINK_UP;
  if (up == ps->link_up) return 0;
  // A change the stream did not ask about is only remembered; one it asked
  // about is remembered once sent (no memory now: the next check retries).
  if ((ps->notify & (up ? DL_NOTE_LINK_UP : DL_NOTE_LINK_DOWN)) && !notify_link(ps, up))
    return 0;
  ps->link_up = up;
  return 1;
}

}  // namespace

bool notify_link(PmdStream *ps, int up) {
  mblk_t *mp = allocb(sizeof(dl_notify_ind_t), BPRI_MED);
  if (mp == nullptr) return false;
  mp->b_datap->db_type = M_PROTO;
  dl_notify_ind_t n{DL_NOTIFY_IND, up ? uint32_t{DL_NOTE_LINK_UP} : uint32_t{DL_NOTE_LINK_DOWN},
                    0, 0, 0};
  std::memcpy(mp->b_wptr, &n, sizeof n);
  mp->b_wptr += sizeof n;
  putnext(ps->rq, mp);  // rare and small: not held back by flow control
  return true;
}

unsigned pmd_poll(void *arg) {
  auto *ps = static_cast<PmdStream *>(arg);
  Lane *l = ps->lane;
  queue_t *rq = ps->rq;
  unsigned work = 0;
  if (l->tx.n != 0) work += lane_flush(l);
  if (WR(rq)->q_first != nullptr && l->tx.n < kBurst) qenable(WR(rq));
  if (ps->notify != 0 && ++ps->link_polls >= kLinkPollEvery) [[unlikely]]
    work += link_check(ps);
  if (!canputnext(rq)) {
    bump(l->st.rx_paused, 1);
    return work;
  }
  rte_mbuf *pkts[kBurst];
  uint16_t n = rte_eth_rx_burst(ps->port_id, ps->queue_id, pkts, kBurst);
  if (n == 0) return work;
  // Nothing of ps or l is touched after the burst went up: a module above
  // may answer at once, even with DL_DETACH_REQ.
  if (ps->raw) [[likely]]
    rx_raw(ps, pkts, n);
  else
    rx_dlpi(ps, pkts, n);
  return work + n;
}

}  // namespace strdp::pmd
