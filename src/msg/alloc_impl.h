// The allocation fast path, inline so that allocb() and the routines that
// allocate on its behalf (copyb, msgpullup) make no call at all when this
// lcore's mempool cache has a buffer. Not installed.
#pragma once

#include "msg/mblk_impl.h"
#include "msg/pool_table.h"

namespace strdp::msg {

// Past the pool's buffer size: m (which carries the mblk_t) gets an
// rte_malloc'd external buffer; m is freed on failure.
mblk_t *alloc_large(rte_mbuf *m, size_t size);

// Everything else: no cache (a thread EAL does not know), an empty cache,
// the runtime down. Same result as the fast path, through DPDK's full
// rte_pktmbuf_alloc().
mblk_t *alloc_slow(size_t size);

inline mblk_t *alloc_init(rte_mbuf *m, size_t size) {
  if (unlikely(size > m->buf_len)) return alloc_large(m, size);
  dblk_t *db = dblk_direct(m, 1);
  mblk_t *mp = strdp_mbuf_to_mblk(m);
  mblk_reset(mp, db, db->db_base, db->db_base);
  return mp;
}

// A new M_DATA block of at least size bytes, empty (rptr = wptr = base).
// nullptr when out of buffers.
//
// The fast path is rte_pktmbuf_alloc() split in two: with a buffer known
// to be in the cache, the inlined mempool get has no refill branch left,
// so this is a leaf (no call, no saved registers), which is most of what
// allocb would otherwise cost above a bare rte_pktmbuf_alloc.
[[gnu::always_inline]] inline mblk_t *alloc_block(size_t size) {
  rte_mempool *pool = pkt_pool_here();
  if (likely(pool != nullptr)) {
    rte_mempool_cache *c = rte_mempool_default_cache(pool, rte_lcore_id());
    if (likely(c != nullptr && c->len != 0)) {
      void *obj;
      rte_mempool_generic_get(pool, &obj, 1, c);  // cannot fail: len >= 1
      auto *m = static_cast<rte_mbuf *>(obj);
      rte_pktmbuf_reset(m);
      return alloc_init(m, size);
    }
  }
  return alloc_slow(size);
}

}  // namespace strdp::msg
