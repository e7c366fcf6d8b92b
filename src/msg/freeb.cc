// freeb(9F), freemsg(9F), freemsgchain: give blocks back. Safe on any
// thread: each block is one mbuf segment, released the way DPDK releases
// it (the buffer goes when its last reference goes, an esballoc free
// routine runs then).
#include <strdp/stream.h>

#include "msg/mblk_impl.h"

namespace strdp::msg {

namespace {

// Everything but the fast path, through DPDK's own code.
[[gnu::noinline]] void free_slow(rte_mbuf *m) {
  // The split state (mblk_impl.h): this block's external buffer must go
  // now, the mbuf itself only when the old dups let go of it.
  if (is_split(m)) rte_pktmbuf_detach(m);
  rte_pktmbuf_free_seg(m);
}

// rte_pktmbuf_free_seg() split in two, like alloc_block(): the common case
// (a direct mbuf, sole reference, room in this lcore's cache) makes the
// same few stores DPDK's prefree + put make, inline and without a call;
// false leaves the mbuf to free_slow().
[[gnu::always_inline]] inline bool free_fast(rte_mbuf *m) {
  if (unlikely(rte_mbuf_refcnt_read(m) != 1 || !RTE_MBUF_DIRECT(m)))
    return false;
  rte_mempool *pool = m->pool;
  rte_mempool_cache *c = rte_mempool_default_cache(pool, rte_lcore_id());
  if (unlikely(c == nullptr || c->len + 1 > c->flushthresh)) return false;
  if (m->next != nullptr) m->next = nullptr;
  if (m->nb_segs != 1) m->nb_segs = 1;
  void *obj = m;
  rte_mempool_generic_put(pool, &obj, 1, c);  // no flush: room checked
  return true;
}

[[gnu::always_inline]] inline void free_block(mblk_t *bp) {
  rte_mbuf *m = mbuf_of(bp);
  db_ref_drop(bp->b_datap);
  if (!free_fast(m)) free_slow(m);
}

[[gnu::noinline]] void free_chain(mblk_t *mp) {
  do {
    mblk_t *next = mp->b_cont;
    free_block(mp);
    mp = next;
  } while (mp != nullptr);
}

}  // namespace

}  // namespace strdp::msg

// Both are written so that the common case (one block, fast path) is a
// leaf and every other case a tail call: no registers to save.
extern "C" void freeb(mblk_t *bp) {
  using namespace strdp::msg;
  if (bp == nullptr) return;
  rte_mbuf *m = mbuf_of(bp);
  db_ref_drop(bp->b_datap);
  if (likely(free_fast(m))) return;
  free_slow(m);
}

extern "C" void freemsg(mblk_t *mp) {
  using namespace strdp::msg;
  if (mp == nullptr) return;
  if (unlikely(mp->b_cont != nullptr)) return free_chain(mp);
  rte_mbuf *m = mbuf_of(mp);
  db_ref_drop(mp->b_datap);
  if (likely(free_fast(m))) return;
  free_slow(m);
}

extern "C" void freemsgchain(mblk_t *mp) {
  while (mp != nullptr) {
    mblk_t *next = mp->b_next;
    freemsg(mp);
    mp = next;
  }
}
