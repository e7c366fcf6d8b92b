// The message layer's private view of mblk_t/dblk_t on rte_mbuf. Not
// installed.
//
// Principles of operation
//
//  - Every mblk_t is the private area of exactly one rte_mbuf, "its mbuf",
//    for its whole life (strdp/mbuf.h). Freeing a block is freeing one mbuf
//    segment; duplicating one is attaching a fresh mbuf to the same buffer.
//    So the mbuf reference counts (rte_mbuf::refcnt of the direct mbuf, or
//    rte_mbuf_ext_shared_info::refcnt) are the truth, and DPDK code that
//    frees our mbufs (a PMD after tx) releases exactly what freeb would.
//
//  - A dblk_t lives where the buffer's reference count lives, so that it is
//    alive exactly as long as some block points at it:
//      * a direct mbuf's buffer: the dblk_t in that mbuf's private area
//        (db_owner_ = the mbuf);
//      * an external buffer made here (esballoc, allocb/pullupmsg past the
//        pool's buffer size): the dblk_t in the ExtHdr beside its shared
//        info (db_owner_ = the shared info, kDbShinfo);
//      * an external buffer made by someone else (a PMD's), or an indirect
//        mbuf whose direct mbuf is too small to carry one: no shared place
//        exists, so each block carries its own copy in its own private area
//        (kDbLocal); DB_REF still reads the shared count.
//
//  - db_ref counts the references STREAMS made (allocb, dupb, import) minus
//    those it released (freeb): it is bumped with a CAS (so it never passes
//    255) and dropped only while it reads above one (the last reference
//    need not write a dying dblk). A reference that leaves STREAMS through
//    strdp_msg_to_mbuf is released by DPDK without touching it, so it may
//    read high, never low (stream.h). Import resynchronises it from the
//    true count.
//
//  - The split state. pullupmsg() must change what the caller's mblk_t
//    shows, but the mblk_t cannot leave its mbuf. When that mbuf is direct
//    and its buffer is shared (dups exist), the mbuf must stay allocated
//    for the dups and cannot take another pool buffer; it is given an
//    external buffer instead (attached with refcnt > 1, which DPDK's own
//    attach forbids only because it cannot know the old references are
//    all indirect ones that never read this mbuf's buf_addr). Such an mbuf
//    is recognised by "external and refcnt > 1", a state no other STREAMS
//    path creates (imported mbufs must be owned exclusively). freeb
//    detaches the external buffer before dropping the mbuf's own
//    reference, and export swaps the block for a plain dup first, since a
//    PMD would not. Meanwhile DB_REF of the old dups reads one high.
#pragma once

#include <strdp/mbuf.h>
#include <strdp/strsun.h>

#include <rte_branch_prediction.h>

#include <algorithm>
#include <atomic>
#include <cstddef>
#include <cstdint>
#include <cstring>

#include "runtime/debug_checks.h"

// libstrdp is a shared library, so every rte_lcore_id() that DPDK's inline
// mempool get/put makes on our behalf (the per-lcore cache lookup, once in
// each allocb and each freeb) would be a general-dynamic TLS access: a call
// to __tls_get_addr, about a third of an mbuf alloc+free. librte_eal is a
// DT_NEEDED dependency, loaded with the program, so its TLS sits in the
// static TLS block and the initial-exec model is valid: one %fs load. The
// price: a process that dlopen()s libstrdp without having DPDK loaded at
// start-up needs static TLS room for librte_eal's 4.5 KiB block, more than
// glibc keeps spare by default (raise glibc.rtld.optional_static_tls, or
// link libstrdp). Redeclaring the variable after rte_lcore.h changes the
// model for every access in the translation unit, inlined DPDK code
// included.
extern "C" __thread unsigned per_lcore__lcore_id
    __attribute__((tls_model("initial-exec")));

namespace strdp::msg {

// dblk_t::db_flags bits (framework-private: DB_FLAGS() may show them).
enum DbFlags : uint8_t {
  kDbShinfo = 0x01,  // db_owner_ is an rte_mbuf_ext_shared_info, else an mbuf
  kDbLocal = 0x02,   // a per-block copy: dupb copies it rather than sharing
};

constexpr unsigned kDbRefMax = 255;  // db_ref is an unsigned char

// Header of an external buffer made here. The free callback recognises
// its own kind by `home`: a malloc'd one (allocb past the pool size) is
// one rte_malloc block, header first then data; an esballoc one is a
// descriptor from a per-socket mempool, the data is the caller's.
struct ExtHdr {
  rte_mbuf_ext_shared_info shinfo;
  dblk_t dblk;
  rte_mempool *home;  // descriptor pool (esballoc), nullptr for rte_malloc
};

inline rte_mbuf *mbuf_of(const mblk_t *mp) { return strdp_mblk_to_mbuf(mp); }

inline strdp_mbuf_priv *priv_of(rte_mbuf *m) {
  return reinterpret_cast<strdp_mbuf_priv *>(strdp_mbuf_to_mblk(m));
}

inline dblk_t *own_dblk(rte_mbuf *m) { return &priv_of(m)->dblk; }

inline unsigned char clamp_ref(unsigned n) {
  return static_cast<unsigned char>(std::min(n, kDbRefMax));
}

// Import and allocb write these two lines per block and are bound by the
// number of stores, so the small fields go out as one 8-byte word each
// (b_band..b_flag plus the padding before b_queue; db_ref..db_cksum_).
static_assert(offsetof(mblk_t, b_tag) == offsetof(mblk_t, b_band) + 1 &&
              offsetof(mblk_t, b_flag) == offsetof(mblk_t, b_band) + 2 &&
              offsetof(mblk_t, b_queue) == offsetof(mblk_t, b_band) + 8);
static_assert(offsetof(dblk_t, db_type) == offsetof(dblk_t, db_ref) + 1 &&
              offsetof(dblk_t, db_flags) == offsetof(dblk_t, db_ref) + 2 &&
              offsetof(dblk_t, db_struioflag) == offsetof(dblk_t, db_ref) + 3 &&
              offsetof(dblk_t, db_cksum_) == offsetof(dblk_t, db_ref) + 4 &&
              offsetof(dblk_t, db_owner_) == offsetof(dblk_t, db_ref) + 8);

template <typename T>
inline void store_word(void *obj, size_t off, const T &w) {
  static_assert(sizeof(T) == 8);
  std::memcpy(static_cast<char *>(obj) + off, &w, sizeof(w));
}

inline void mblk_reset(mblk_t *mp, dblk_t *db, unsigned char *rptr,
                       unsigned char *wptr) {
  mp->b_next = nullptr;
  mp->b_prev = nullptr;
  mp->b_cont = nullptr;
  mp->b_rptr = rptr;
  mp->b_wptr = wptr;
  mp->b_datap = db;
  store_word(mp, offsetof(mblk_t, b_band), uint64_t{0});  // band, tag, flag
  mp->b_queue = nullptr;
}

inline void dblk_reset(dblk_t *db, void *owner, unsigned char *base,
                       unsigned char *lim, unsigned char ref,
                       unsigned char flags) {
  db->db_frtnp = nullptr;
  db->db_base = base;
  db->db_lim = lim;
  struct {
    unsigned char ref, type, flags, struio;
    uint32_t cksum;
  } word{ref, M_DATA, flags, 0, 0};
  store_word(db, offsetof(dblk_t, db_ref), word);
  db->db_owner_ = owner;
}

// The dblk of a direct mbuf's own buffer.
inline dblk_t *dblk_direct(rte_mbuf *m, unsigned char ref) {
  dblk_t *db = own_dblk(m);
  auto *base = static_cast<unsigned char *>(m->buf_addr);
  dblk_reset(db, m, base, base + m->buf_len, ref, 0);
  return db;
}

// The exact number of references to db's buffer (uncapped).
inline unsigned true_refs(const dblk_t *db) {
  if (db->db_flags & kDbShinfo)
    return rte_mbuf_ext_refcnt_read(
        static_cast<const rte_mbuf_ext_shared_info *>(db->db_owner_));
  return rte_mbuf_refcnt_read(static_cast<const rte_mbuf *>(db->db_owner_));
}

// dupb: one more STREAMS reference, unless db_ref is at its ceiling.
inline bool db_ref_take(dblk_t *db) {
  std::atomic_ref<unsigned char> ref(db->db_ref);
  unsigned char old = ref.load(std::memory_order_relaxed);
  do {
    if (old >= kDbRefMax) return false;
  } while (!ref.compare_exchange_weak(old, old + 1, std::memory_order_relaxed));
  return true;
}

// freeb: one STREAMS reference less. Reading 1 means no other STREAMS
// holder exists that could race with us, and the dblk is going away (or
// leaving STREAMS), so the last reference writes nothing.
// With debug checks the last reference writes 0, so that a second freeb
// of the block finds 0 and stops the process (illumos ASSERTs db_ref
// there too); every way into STREAMS (allocb, import, dupb's own dblk)
// writes the count anew.
inline void db_ref_drop(dblk_t *db) {
  std::atomic_ref<unsigned char> ref(db->db_ref);
  unsigned char old = ref.load(std::memory_order_relaxed);
  STRDP_CHECK(old != 0, "freeb of a block that was already freed");
  if (old > 1)
    ref.fetch_sub(1, std::memory_order_relaxed);
#if STRDP_DEBUG_CHECKS
  else
    ref.store(0, std::memory_order_relaxed);
#endif
}

// See "the split state" above.
inline bool is_split(const rte_mbuf *m) {
  return unlikely(RTE_MBUF_HAS_EXTBUF(m)) && rte_mbuf_refcnt_read(m) > 1;
}

// Bytes of the leading blocks that have the first block's type (illumos
// xmsgsize): what pullupmsg/msgpullup/adjmsg may touch.
inline size_t xmsgsize(const mblk_t *bp) {
  unsigned char type = bp->b_datap->db_type;
  size_t n = 0;
  for (; bp != nullptr && bp->b_datap->db_type == type; bp = bp->b_cont)
    n += static_cast<size_t>(bp->b_wptr - bp->b_rptr);
  return n;
}

// A new message made block by block with per_block (dupb, copyb): all or
// nothing, so a failure part-way frees what was made and returns NULL.
template <class PerBlock>
inline mblk_t *map_blocks(mblk_t *mp, PerBlock per_block) {
  if (mp == nullptr) return nullptr;
  mblk_t *head = per_block(mp);
  if (head == nullptr) return nullptr;
  mblk_t *tail = head;
  for (mblk_t *bp = mp->b_cont; bp != nullptr; bp = bp->b_cont) {
    mblk_t *nbp = per_block(bp);
    if (nbp == nullptr) {
      freemsg(head);
      return nullptr;
    }
    tail->b_cont = nbp;
    tail = nbp;
  }
  return head;
}

}  // namespace strdp::msg
