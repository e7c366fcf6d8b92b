// pullupmsg(9F), msgpullup(9F): make the first bytes of a message
// contiguous and aligned.
//
// As in illumos, only the leading blocks of the first block's type are
// joined; pullupmsg fails (0) if they hold fewer than len bytes, and
// len -1 means all of them. "Aligned" is illumos' str_aligned(): b_rptr a
// multiple of sizeof(long); a first block that already holds len bytes at
// such an address is left alone.
//
// pullupmsg works in place: the caller's mblk_t stays the head. Since an
// mblk_t cannot leave its mbuf, the mbuf is pointed at the joined bytes:
//  - its own buffer, if no other block references it: the bytes are moved
//    to its start (or appended where they are), no allocation;
//  - else its own embedded buffer, free whenever the mbuf is indirect (a
//    dup) or holds an external buffer: copy, then detach from the old one;
//  - else a new external buffer: when the joined bytes do not fit a pool
//    buffer, or the mbuf's own buffer is shared with dups (the split state,
//    mblk_impl.h).
// The old buffer is released only after the bytes are copied out of it.
#include <strdp/strsun.h>

#include <algorithm>
#include <cstring>

#include "msg/alloc_impl.h"
#include "msg/ext_buf.h"
#include "msg/mblk_impl.h"

namespace strdp::msg {

namespace {

bool str_aligned(const unsigned char *p) {
  return (reinterpret_cast<uintptr_t>(p) & (sizeof(long) - 1)) == 0;
}

// Copies len bytes from bp and the blocks after it to dst, consuming them:
// emptied blocks are freed, the last one read is advanced. Returns what is
// left of the list.
mblk_t *gather(mblk_t *bp, unsigned char *dst, size_t len) {
  while (len != 0 && bp != nullptr) {
    size_t n = std::min(static_cast<size_t>(MBLKL(bp)), len);
    if (n != 0) std::memcpy(dst, bp->b_rptr, n);
    dst += n;
    bp->b_rptr += n;
    len -= n;
    if (bp->b_rptr != bp->b_wptr) break;
    mblk_t *next = bp->b_cont;
    freeb(bp);
    bp = next;
  }
  return bp;
}

// The whole first block plus want - MBLKL(mp) bytes after it, joined.
int join(mblk_t *mp, size_t want) {
  rte_mbuf *m = mbuf_of(mp);
  dblk_t *odb = mp->b_datap;
  size_t first = static_cast<size_t>(MBLKL(mp));
  bool direct = RTE_MBUF_DIRECT(m);
  bool sole = rte_mbuf_refcnt_read(m) == 1;

  if (direct && sole && want <= static_cast<size_t>(MBLKSIZE(mp))) {
    // Nobody else sees this buffer: join in place.
    if (!str_aligned(mp->b_rptr) || mp->b_rptr + want > odb->db_lim) {
      std::memmove(odb->db_base, mp->b_rptr, first);
      mp->b_rptr = odb->db_base;
      mp->b_wptr = odb->db_base + first;
    }
    mp->b_cont = gather(mp->b_cont, mp->b_wptr, want - first);
    mp->b_wptr += want - first;
    return 1;
  }

  if (unlikely(RTE_MBUF_HAS_PINNED_EXTBUF(m))) return 0;  // cannot re-point

  // An indirect mbuf's own buffer is always free; an external one's is
  // free unless the split state keeps it for old dups.
  bool own_free = !direct && (RTE_MBUF_CLONED(m) || sole);
  rte_mempool *pool = m->pool;
  unsigned char *dst;
  ExtHdr *e = nullptr;
  if (own_free && want <= rte_pktmbuf_data_room_size(pool)) {
    dst = reinterpret_cast<unsigned char *>(rte_mbuf_buf_addr(m, pool));
  } else {
    e = ext_malloc(want, pool->socket_id);
    if (e == nullptr) return 0;
    dst = ext_data(e);
  }
  unsigned char type = odb->db_type;
  std::memcpy(dst, mp->b_rptr, first);
  mblk_t *rest = gather(mp->b_cont, dst + first, want - first);

  // Release the old buffer (odb may die with it).
  db_ref_drop(odb);
  if (!direct) rte_pktmbuf_detach(m);
  dblk_t *ndb;
  if (e == nullptr) {
    ndb = dblk_direct(m, 1);
  } else {
    ext_attach(m, e);
    ndb = &e->dblk;
  }
  ndb->db_type = type;
  mp->b_datap = ndb;
  mp->b_rptr = dst;
  mp->b_wptr = dst + want;
  mp->b_cont = rest;
  return 1;
}

}  // namespace

}  // namespace strdp::msg

extern "C" int pullupmsg(mblk_t *mp, ssize_t len) {
  using namespace strdp::msg;
  size_t first = static_cast<size_t>(MBLKL(mp));
  size_t want;
  if (len == -1) {
    if (mp->b_cont == nullptr && str_aligned(mp->b_rptr)) return 1;
    want = xmsgsize(mp);
  } else if (len < 0) {
    return 0;
  } else if (static_cast<size_t>(len) <= first) {
    if (str_aligned(mp->b_rptr)) return 1;
    want = first;  // realign the whole first block, as illumos does
  } else {
    want = static_cast<size_t>(len);
    if (xmsgsize(mp) < want) return 0;
  }
  return join(mp, want);
}

// A new message: the first len bytes (of the first block's type; -1: all
// of them) in one block, then a copy of whatever follows, as illumos does.
// mp is unchanged.
extern "C" mblk_t *msgpullup(mblk_t *mp, ssize_t len) {
  if (mp == nullptr) return nullptr;
  size_t total = strdp::msg::xmsgsize(mp);
  if (len == -1) len = static_cast<ssize_t>(total);
  if (len < 0 || static_cast<size_t>(len) > total) return nullptr;
  size_t rem = static_cast<size_t>(len);
  mblk_t *nmp = strdp::msg::alloc_block(rem);
  if (nmp == nullptr) return nullptr;
  nmp->b_datap->db_type = mp->b_datap->db_type;
  nmp->b_band = mp->b_band;
  nmp->b_flag = mp->b_flag;
  size_t offset = 0;  // bytes of the last block read that were taken
  while (rem != 0) {
    size_t seglen = static_cast<size_t>(MBLKL(mp));
    size_t n = std::min(seglen, rem);
    if (n != 0) std::memcpy(nmp->b_wptr, mp->b_rptr, n);
    nmp->b_wptr += n;
    rem -= n;
    if (n == seglen)
      mp = mp->b_cont;
    else
      offset = n;
  }
  if (mp != nullptr) {
    nmp->b_cont = copymsg(mp);
    if (nmp->b_cont == nullptr) {
      freemsg(nmp);
      return nullptr;
    }
    nmp->b_cont->b_rptr += offset;
  }
  return nmp;
}
