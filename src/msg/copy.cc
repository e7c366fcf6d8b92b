// copyb(9F), copymsg(9F), copymsgchain: new buffers with the same bytes.
//
// A copy keeps the type, band, flags and the offset of b_rptr in its
// buffer (so headroom a module reserved survives), in a buffer at least as
// large as the original. Only the bytes between b_rptr and b_wptr are
// copied: copyb(9F) promises no more, and copying a whole 2 KiB pool
// buffer for a 64-byte message (as illumos does) would be most of the cost.
#include <strdp/strsun.h>

#include <cstring>

#include "msg/alloc_impl.h"
#include "msg/mblk_impl.h"

extern "C" mblk_t *copyb(mblk_t *bp) {
  mblk_t *nbp = strdp::msg::alloc_block(static_cast<size_t>(MBLKSIZE(bp)));
  if (nbp == nullptr) return nullptr;
  nbp->b_datap->db_type = bp->b_datap->db_type;
  nbp->b_band = bp->b_band;
  nbp->b_flag = bp->b_flag;
  size_t len = static_cast<size_t>(MBLKL(bp));
  nbp->b_rptr = nbp->b_datap->db_base + MBLKHEAD(bp);
  nbp->b_wptr = nbp->b_rptr + len;
  if (len != 0) std::memcpy(nbp->b_rptr, bp->b_rptr, len);
  return nbp;
}

extern "C" mblk_t *copymsg(mblk_t *mp) { return strdp::msg::map_blocks(mp, copyb); }

extern "C" mblk_t *copymsgchain(mblk_t *mp) {
  mblk_t *head = nullptr;
  mblk_t **link = &head;
  for (; mp != nullptr; mp = mp->b_next) {
    *link = copymsg(mp);
    if (*link == nullptr) {
      freemsgchain(head);
      return nullptr;
    }
    link = &(*link)->b_next;
  }
  return head;
}
