// The transmit side: a lane's tx buffer and the write service procedure.
//
// Frames collect in the lane's buffer (up to a burst) and go to the NIC in
// one rte_eth_tx_burst: when the buffer is full, at the end of a burst put
// or a service run, and at every pass of the poller. What the NIC does not
// take stays buffered, in order. While the buffer is full, messages wait
// on the write queue (putq) and the service procedure stops with putbq:
// the queue fills to its high water mark, canputnext() above says "full",
// and the writer blocks or gets EAGAIN. That is back-pressure from the
// NIC's ring to the application. The poller re-enables the service
// procedure as soon as the buffer has room again.
#include <rte_ethdev.h>
#include <strdp/mbuf.h>
#include <strdp/strsun.h>

#include <algorithm>
#include <cstring>

#include "msg/mbuf_fast.h"
#include "pmd_impl.h"

namespace strdp::pmd {

unsigned lane_flush(Lane *l) {
  TxBuffer &b = l->tx;
  if (b.n == 0) return 0;
  uint16_t sent = rte_eth_tx_burst(l->port, l->queue, b.m, b.n);
  if (sent == 0) return 0;
  // The bytes sent are the buffer's less those of the frames the NIC left
  // (still ours to read); usually it takes them all.
  uint64_t kept = 0;
  uint16_t left = static_cast<uint16_t>(b.n - sent);
  if (left != 0) {
    for (uint16_t i = sent; i < b.n; ++i) kept += b.m[i]->pkt_len;
    std::memmove(b.m, b.m + sent, left * sizeof b.m[0]);
  }
  bump(l->st.tx_frames, sent);
  bump(l->st.tx_bytes, b.bytes - kept);
  b.bytes = kept;
  b.n = left;
  return sent;
}

bool lane_room(Lane *l) {
  if (l->tx.n == kBurst) lane_flush(l);
  return l->tx.n < kBurst;
}

void lane_put(Lane *l, mblk_t *frame, uint32_t len) {
  rte_mbuf *m = strdp_msg_to_mbuf(frame);
  if (m == nullptr) {  // more pieces than an mbuf chain holds: freed
    bump(l->st.tx_invalid, 1);
    return;
  }
  l->tx.m[l->tx.n] = m;
  l->tx.bytes += len;
  ++l->tx.n;
}

mblk_t *tx_linearize(mblk_t *frame) {
  mblk_t *one = msgpullup(frame, -1);
  freemsg(frame);
  return one;
}

// The raw-mode fast path: one message is one whole frame. The only
// per-frame checks are the ones a NIC needs: at least an Ethernet header,
// at most MTU + header + one VLAN tag, data blocks only.
namespace {
// The largest frame a port sends: MTU, Ethernet header, one VLAN tag.
inline uint32_t max_frame(const PmdStream *ps) {
  return uint32_t{ps->mtu} + kEtherHdr + RTE_VLAN_HLEN;
}

// tx_raw()'s body, inlined into the per-message and the burst paths.
[[gnu::always_inline]] inline bool tx_raw_inline(PmdStream *ps, mblk_t *mp) {
  Lane *l = ps->lane;
  if (!lane_room(l)) return false;
  size_t len;
  if (mp->b_cont == nullptr) [[likely]] {
    len = static_cast<size_t>(MBLKL(mp));
  } else {
    len = 0;
    for (mblk_t *bp = mp; bp != nullptr; bp = bp->b_cont) {
      if (bp->b_datap->db_type != M_DATA) {
        len = SIZE_MAX;
        break;
      }
      len += static_cast<size_t>(MBLKL(bp));
    }
  }
  if (len < kEtherHdr || len > max_frame(ps)) [[unlikely]] {
    freemsg(mp);
    bump(l->st.tx_invalid, 1);
    return true;
  }
  if (mp->b_cont != nullptr && !ps->tx_multiseg) [[unlikely]] {
    mp = tx_linearize(mp);
    if (mp == nullptr) {
      bump(l->st.tx_invalid, 1);
      return true;
    }
  }
  lane_put(l, mp, static_cast<uint32_t>(len));
  return true;
}
}  // namespace

bool tx_raw(PmdStream *ps, mblk_t *mp) { return tx_raw_inline(ps, mp); }

namespace {
// One pass over a burst, a buffer's room at a time: the one transmit loop,
// for messages and for frames alike (as import_burst() is the one receive
// loop). plain(item, &len) gives the mbuf of the usual item, one a NIC
// takes as it is, having checked its length; nullptr otherwise, having
// written nothing. odd(item) then takes the item by the general path
// (true) or refuses it (false), which ends the pass: the caller has the
// rest, in order. The buffer's count lives in a register across the inner
// loop: through memory, each item would wait on the previous one's store.
template <class Item, class Plain, class Odd>
[[gnu::always_inline]] inline unsigned tx_burst(PmdStream *ps, Item *const *items, unsigned n,
                                                Plain plain, Odd odd) {
  Lane *l = ps->lane;
  TxBuffer &b = l->tx;
  unsigned i = 0;
  while (i < n) {
    if (b.n == kBurst && (lane_flush(l), b.n == kBurst)) break;  // NIC full
    unsigned end = std::min(n, i + (kBurst - b.n));
    uint16_t k = b.n;
    uint64_t bytes = 0;
    for (; i < end; ++i) {
      uint32_t len;
      if (rte_mbuf *m = plain(items[i], &len)) [[likely]] {
        b.m[k] = m;
        bytes += len;
        ++k;
        continue;
      }
      b.n = k;
      b.bytes += bytes;
      bytes = 0;
      if (!odd(items[i])) return i;
      k = b.n;
    }
    b.n = k;
    b.bytes += bytes;
  }
  return i;
}
}  // namespace

// Messages: the usual one (one M_DATA block inside its mbuf, of a length
// the NIC takes) goes into the buffer with the export inlined; any other
// data message takes the put procedure's path (tx_raw_inline), with the
// same checks. The first message of another type ends the pass: the
// caller puts the rest one by one, in order.
unsigned tx_raw_burst(PmdStream *ps, mblk_t **mps, unsigned n) {
  const uint32_t max = max_frame(ps);
  return tx_burst(
      ps, mps, n,
      [max](mblk_t *mp, uint32_t *len) -> rte_mbuf * {
        if (mp->b_datap->db_type != M_DATA) [[unlikely]]
          return nullptr;
        auto l = static_cast<size_t>(MBLKL(mp));
        *len = static_cast<uint32_t>(l);
        return l >= kEtherHdr && l <= max ? msg::export_plain(mp) : nullptr;
      },
      [ps](mblk_t *mp) {
        if (mp->b_datap->db_type != M_DATA) return false;
        tx_raw_inline(ps, mp);  // there is room: it takes or frees mp
        return true;
      });
}

// Frames from above go out as they came in: the mbuf view is still the
// frame's own, so there is nothing to export. Only what a NIC needs is
// checked (the length; one segment unless the port takes chains); a frame
// that fails it is left to the caller, whose message path checks it again
// and counts it.
unsigned tx_frames(PmdStream *ps, strdp_frame_t **f, unsigned n) {
  const uint32_t max = max_frame(ps);
  const bool multiseg = ps->tx_multiseg;
  return tx_burst(
      ps, f, n,
      [max, multiseg](strdp_frame_t *fr, uint32_t *len) -> rte_mbuf * {
        rte_mbuf *m = strdp_frame_mbuf(fr);
        *len = m->pkt_len;
        bool ok = *len >= kEtherHdr && *len <= max && (m->nb_segs == 1 || multiseg);
        return ok ? m : nullptr;
      },
      [](strdp_frame_t *) { return false; });
}

// Write service: what waited for room, in order. A message that still
// finds the buffer full goes back (putbq, which does not re-enable us:
// the poller does, when the NIC took some).
int pmd_wsrv(queue_t *q) {
  auto *ps = static_cast<PmdStream *>(q->q_ptr);
  if (ps->lane == nullptr) {  // detached meanwhile: nowhere to send
    flushq(q, FLUSHDATA);
    return 0;
  }
  while (mblk_t *mp = getq(q)) {
    bool done;
    if (mp->b_datap->db_type != M_DATA) {
      done = tx_unitdata(q, ps, mp);
    } else if (ps->raw) {
      done = tx_raw(ps, mp);
    } else {  // queued in raw mode, which is never left: cannot happen
      freemsg(mp);
      bump(ps->lane->st.tx_invalid, 1);
      continue;
    }
    if (!done) {
      putbq(q, mp);
      break;
    }
  }
  lane_flush(ps->lane);
  return 0;
}

}  // namespace strdp::pmd
