// Where mbufs enter and leave STREAMS (strdp/mbuf.h). Runs per packet.
//
// Import writes the mblk_t (and the dblk_t of a direct buffer) of each
// segment from the mbuf view; it reads only the first cache line of the
// mbuf (next only for a chain) and writes the two lines of the private
// area. No allocation, no copy. The mbuf must be owned by the caller alone
// (refcnt 1): its mblk_t cannot serve two holders.
//
// Export writes data_off/data_len/next and the head's nb_segs/pkt_len from
// the blocks. It drops zero-length blocks (keeping one if the message has
// no bytes at all): NICs and PMDs refuse or mishandle empty segments,
// while STREAMS code makes them freely (adjmsg, stripped headers).
#include <strdp/mbuf.h>

#include <rte_prefetch.h>

#include "msg/ext_buf.h"
#include "msg/mblk_impl.h"
#include "msg/mbuf_fast.h"

namespace strdp::msg {

namespace {

constexpr uint16_t kPrivNeed = sizeof(strdp_mbuf_priv);

// The dblk_t of an indirect or external mbuf: the shared one where it
// exists (the direct mbuf's, or an ExtHdr's), else a copy of our own.
// A shared dblk may also be in use by live blocks: import rewrites only
// what an import defines (type M_DATA, the reference count), the rest is
// the same for every life of the buffer.
[[gnu::noinline]] dblk_t *import_shared(rte_mbuf *m) {
  if (RTE_MBUF_HAS_EXTBUF(m)) {
    rte_mbuf_ext_shared_info *s = m->shinfo;
    unsigned char ref = clamp_ref(rte_mbuf_ext_refcnt_read(s));
    if (ext_is_ours(s)) {
      dblk_t *db = &ext_of(s)->dblk;
      db->db_type = M_DATA;
      db->db_ref = ref;
      return db;
    }
    // A PMD's own external buffer (mlx5 MPRQ, vhost...).
    auto *base = static_cast<unsigned char *>(m->buf_addr);
    dblk_t *db = own_dblk(m);
    dblk_reset(db, s, base, base + m->buf_len, ref, kDbShinfo | kDbLocal);
    return db;
  }
  rte_mbuf *md = rte_mbuf_from_indirect(m);
  unsigned char ref = clamp_ref(rte_mbuf_refcnt_read(md));
  // The buffer as m sees it: md's own buf_addr may point elsewhere (the
  // split state, mblk_impl.h). m->priv_size is md's (attach copies it).
  auto *base = static_cast<unsigned char *>(m->buf_addr);
  bool shared = m->priv_size >= kPrivNeed;
  dblk_t *db = shared ? own_dblk(md) : own_dblk(m);
  dblk_reset(db, md, base, base + m->buf_len, ref, shared ? 0 : kDbLocal);
  return db;
}

inline mblk_t *import_seg(rte_mbuf *m) {
  mblk_t *mp = strdp_mbuf_to_mblk(m);
  dblk_t *db = likely(RTE_MBUF_DIRECT(m))
                   ? dblk_direct(m, clamp_ref(rte_mbuf_refcnt_read(m)))
                   : import_shared(m);
  auto *rptr = static_cast<unsigned char *>(m->buf_addr) + m->data_off;
  mblk_reset(mp, db, rptr, rptr + m->data_len);
  return mp;
}

// The private area must hold an mblk_t and a dblk_t. The pool's private
// data is one hot line shared by every mbuf of the pool, so this check
// costs no miss; a pool without room would have its buffers overwritten.
inline bool priv_fits(rte_mbuf *m) {
  return rte_pktmbuf_priv_size(m->pool) >= kPrivNeed;
}

[[gnu::noinline]] mblk_t *import_chain(rte_mbuf *m) {
  for (rte_mbuf *s = m; s != nullptr; s = s->next) {
    if (unlikely(!priv_fits(s))) {
      rte_pktmbuf_free(m);
      return nullptr;
    }
  }
  mblk_t *head = import_seg(m);
  mblk_t *tail = head;
  for (rte_mbuf *s = m->next; s != nullptr; s = s->next) {
    tail->b_cont = import_seg(s);
    tail = tail->b_cont;
  }
  return head;
}

// A block in the split state cannot be handed to DPDK (a PMD's free would
// not detach its external buffer): swap it for a plain dup. Returns the
// replacement, linked where bp was, or nullptr (bp untouched).
[[gnu::cold, gnu::noinline]] mblk_t *unsplit(mblk_t *bp, mblk_t *prev) {
  mblk_t *np = dupb(bp);
  if (np == nullptr) return nullptr;
  np->b_cont = bp->b_cont;
  bp->b_cont = nullptr;
  if (prev != nullptr) prev->b_cont = np;
  freeb(bp);
  return np;
}

// The block is not inside buf_addr .. buf_addr + buf_len with 16-bit
// offsets. Legitimate only for our external buffers past 64 KiB, whose
// mbuf shows a 64 KiB window: move the window to the data (our free
// callback ignores buf_addr). Otherwise the pointers are out of the
// buffer, or the block is too long for an mbuf.
[[gnu::cold, gnu::noinline]] bool rewindow(mblk_t *bp, rte_mbuf *m,
                                           size_t len) {
  const dblk_t *db = bp->b_datap;
  if (bp->b_rptr < db->db_base || bp->b_wptr > db->db_lim ||
      bp->b_rptr > bp->b_wptr || len > UINT16_MAX)
    return false;
  if ((db->db_flags & (kDbShinfo | kDbLocal)) != kDbShinfo) return false;
  auto *old = static_cast<unsigned char *>(m->buf_addr);
  rte_iova_t iova = rte_mbuf_iova_get(m);
  if (iova != RTE_BAD_IOVA)
    rte_mbuf_iova_set(m, iova + static_cast<rte_iova_t>(bp->b_rptr - old));
  m->buf_addr = bp->b_rptr;
  size_t room = static_cast<size_t>(db->db_lim - bp->b_rptr);
  m->buf_len = static_cast<uint16_t>(room > UINT16_MAX ? UINT16_MAX : room);
  return true;
}

}  // namespace

mblk_t *import_any(rte_mbuf *m) {
  if (unlikely(m->nb_segs != 1)) return import_chain(m);
  if (unlikely(!priv_fits(m))) {
    rte_pktmbuf_free(m);
    return nullptr;
  }
  return import_seg(m);
}

}  // namespace strdp::msg

extern "C" mblk_t *strdp_msg_from_mbuf(struct rte_mbuf *m) {
  return m == nullptr ? nullptr : strdp::msg::import_any(m);
}

extern "C" void strdp_msg_from_mbufs(struct rte_mbuf **in, mblk_t **out,
                                     unsigned int n) {
  strdp::msg::import_burst(in, n, [out](unsigned i, mblk_t *mp) { out[i] = mp; });
}

extern "C" unsigned int strdp_frames_to_msgs(strdp_frame_t **frames,
                                             mblk_t **mps, unsigned int n) {
  // mps may alias frames: slot k <= i is written after in[i] was read.
  auto **in = reinterpret_cast<rte_mbuf **>(frames);
  unsigned k = 0;
  strdp::msg::import_burst(in, n, [mps, &k](unsigned, mblk_t *mp) {
    mps[k] = mp;
    k += mp != nullptr;
  });
  return k;
}

namespace strdp::msg {
namespace {

[[gnu::noinline]] rte_mbuf *export_chain(mblk_t *mp) {
  rte_mbuf *head = nullptr;
  rte_mbuf *tail = nullptr;
  mblk_t *prev = nullptr;  // last block kept
  uint32_t nsegs = 0;
  uint32_t pkt_len = 0;
  mblk_t *bp = mp;
  while (bp != nullptr) {
    mblk_t *next = bp->b_cont;
    rte_mbuf *m = mbuf_of(bp);
    auto len = static_cast<size_t>(bp->b_wptr - bp->b_rptr);
    if (len == 0 && (head != nullptr || next != nullptr)) {
      if (prev != nullptr) prev->b_cont = next;
      freeb(bp);
      bp = next;
      continue;
    }
    if (is_split(m)) {
      mblk_t *np = unsplit(bp, prev);
      if (np == nullptr) goto fail;
      bp = np;
      m = mbuf_of(bp);
    }
    {
      auto off = static_cast<uintptr_t>(
          bp->b_rptr - static_cast<unsigned char *>(m->buf_addr));
      if (unlikely(off > UINT16_MAX || len > UINT16_MAX ||
                   off + len > m->buf_len)) {
        if (!rewindow(bp, m, len)) goto fail;
        off = 0;
      }
      if (unlikely(nsegs == UINT16_MAX)) goto fail;
      m->data_off = static_cast<uint16_t>(off);
      m->data_len = static_cast<uint16_t>(len);
    }
    if (tail == nullptr)
      head = m;
    else
      tail->next = m;
    tail = m;
    nsegs++;
    pkt_len += static_cast<uint32_t>(len);
    prev = bp;
    bp = next;
  }
  if (head == nullptr) return nullptr;  // mp was NULL
  tail->next = nullptr;
  head->nb_segs = static_cast<uint16_t>(nsegs);
  head->pkt_len = pkt_len;
  return head;

fail:
  // The kept blocks are still linked through b_cont up to bp and beyond.
  freemsg(head != nullptr ? strdp_mbuf_to_mblk(head) : bp);
  return nullptr;
}

}  // namespace
}  // namespace strdp::msg

// The usual packet (mbuf_fast.h) without the chain walk.
extern "C" struct rte_mbuf *strdp_msg_to_mbuf(mblk_t *mp) {
  if (mp == nullptr) return nullptr;
  if (rte_mbuf *m = strdp::msg::export_plain(mp)) [[likely]]
    return m;
  return strdp::msg::export_chain(mp);
}
