// The per-packet fast path of the mbuf boundary (strdp/mbuf.h), inline for
// the callers that run once per frame: the public burst import/export in
// mbuf_boundary.cc and the pmd driver's rx and tx loops. Not installed.
//
// The fast path takes only the usual frame: one direct segment owned by
// the caller alone (refcnt 1, neither indirect nor external), from a pool
// already known to have room for the message header. Anything else goes
// to the general import (mbuf_boundary.cc), which handles chains, dups and
// foreign buffers. Keeping the test to two loads of the mbuf's first line
// and one compare of its pool is what makes a burst import cost a few
// stores per frame.
#pragma once

#include <rte_mbuf.h>
#include <rte_prefetch.h>
#include <strdp/mbuf.h>

#include <cstdint>
#include <cstring>

#include "msg/mblk_impl.h"

namespace strdp::msg {

// The frames a burst imports are asked for this many frames ahead.
constexpr unsigned kImportAhead = 4;

// Room for the message header in m's pool: the pool's private data is one
// line shared by its every mbuf; a burst checks each new pool once.
inline bool pool_has_room(const rte_mempool *mp) {
  return rte_pktmbuf_priv_size(const_cast<rte_mempool *>(mp)) >=
         sizeof(strdp_mbuf_priv);
}

// data_off, refcnt, nb_segs, port in one word: refcnt and nb_segs both 1.
inline bool plain_rx(const rte_mbuf *m) {
  uint64_t rearm;
  std::memcpy(&rearm, &m->rearm_data, sizeof rearm);
  constexpr uint64_t kMask = 0xffffffffULL << 16, kOne = 0x0000000100010000ULL;
  return (rearm & kMask) == kOne &&
         (m->ol_flags & (RTE_MBUF_F_INDIRECT | RTE_MBUF_F_EXTERNAL)) == 0;
}

// The message of a plain frame (plain_rx, pool with room).
inline mblk_t *import_plain(rte_mbuf *m) {
  auto *base = static_cast<unsigned char *>(m->buf_addr);
  dblk_t *db = own_dblk(m);
  dblk_reset(db, m, base, base + m->buf_len, 1, 0);
  unsigned char *rptr = base + m->data_off;
  mblk_t *mp = strdp_mbuf_to_mblk(m);
  mblk_reset(mp, db, rptr, rptr + m->data_len);
  return mp;
}

inline void import_prefetch(rte_mbuf *m) {
  rte_prefetch0(strdp_mbuf_to_mblk(m));
  rte_prefetch0(&priv_of(m)->dblk);
}

// The general import of one frame (mbuf_boundary.cc): NULL, and m freed,
// when its pool has no room for the message header.
mblk_t *import_any(rte_mbuf *m);

// Imports in[0..n) calling emit(i, mp) for each frame in order, mp NULL
// for a frame the import freed. The pool of the last frame that took the
// fast path is remembered, so a burst from one queue checks it once.
template <class Emit>
[[gnu::always_inline]] inline void import_burst(rte_mbuf **in, unsigned n,
                                                Emit emit) {
  for (unsigned i = 0; i < n && i < kImportAhead; i++) import_prefetch(in[i]);
  const rte_mempool *ok = nullptr;
  for (unsigned i = 0; i < n; i++) {
    if (i + kImportAhead < n) import_prefetch(in[i + kImportAhead]);
    rte_mbuf *m = in[i];
    mblk_t *mp;
    if (m->pool == ok && plain_rx(m)) [[likely]] {
      mp = import_plain(m);
    } else {
      if (plain_rx(m) && pool_has_room(m->pool)) ok = m->pool;
      mp = import_any(m);
    }
    emit(i, mp);
  }
}

// The usual frame to send: one block, not in the split state, inside its
// mbuf's 16-bit window. Writes the mbuf view and returns the mbuf, or
// returns NULL having written nothing (the general export then decides).
inline rte_mbuf *export_plain(mblk_t *mp) {
  rte_mbuf *m = mbuf_of(mp);
  if (mp->b_cont != nullptr || is_split(m)) [[unlikely]]
    return nullptr;
  // Unsigned: a b_rptr below buf_addr reads huge and fails like one past
  // the end; off + len <= buf_len (16 bits) bounds both.
  auto off = static_cast<uintptr_t>(
      mp->b_rptr - static_cast<unsigned char *>(m->buf_addr));
  auto len = static_cast<uintptr_t>(mp->b_wptr - mp->b_rptr);
  if (off > m->buf_len || len > m->buf_len - off) [[unlikely]]
    return nullptr;
  m->data_off = static_cast<uint16_t>(off);
  m->data_len = static_cast<uint16_t>(len);
  m->pkt_len = static_cast<uint32_t>(len);
  m->nb_segs = 1;
  m->next = nullptr;
  return m;
}

}  // namespace strdp::msg
