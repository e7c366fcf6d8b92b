// dupb(9F), dupmsg(9F): a new block over the same bytes. Never a copy: the
// new mbuf is attached to the buffer (an indirect mbuf, or one more
// reference on an external buffer), so writes through one block are seen
// through the other, as in Solaris.
#include <strdp/strsun.h>

#include "msg/mblk_impl.h"
#include "msg/pool_table.h"

extern "C" mblk_t *dupb(mblk_t *bp) {
  using namespace strdp::msg;
  dblk_t *db = bp->b_datap;
  // Solaris refuses the 256th reference (db_ref is a byte). Count every
  // reference, STREAMS' or not, then reserve ours in db_ref itself so two
  // threads duplicating at once (dupb only reads bp, so they may, even on
  // the same block) cannot both take the last one.
  if (true_refs(db) >= kDbRefMax || !db_ref_take(db)) return nullptr;
  rte_mempool *pool = pkt_pool_here();
  rte_mbuf *mi = likely(pool != nullptr) ? rte_pktmbuf_alloc(pool) : nullptr;
  if (unlikely(mi == nullptr)) {
    db_ref_drop(db);
    return nullptr;
  }
  rte_pktmbuf_attach(mi, mbuf_of(bp));
  if (unlikely(db->db_flags & kDbLocal)) {
    // No shared dblk_t exists for this buffer (mblk_impl.h): the dup
    // carries its own copy, alive as long as the dup.
    dblk_t *own = own_dblk(mi);
    *own = *db;
    own->db_ref = clamp_ref(true_refs(db));
    db = own;
  }
  mblk_t *np = strdp_mbuf_to_mblk(mi);
  mblk_reset(np, db, bp->b_rptr, bp->b_wptr);
  np->b_band = bp->b_band;
  np->b_flag = bp->b_flag;
  return np;
}

extern "C" mblk_t *dupmsg(mblk_t *mp) { return strdp::msg::map_blocks(mp, dupb); }
