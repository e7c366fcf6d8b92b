// External buffers: data that does not live in a pool mbuf (esballoc'd
// caller memory, blocks larger than the pool's buffers). Not installed.
//
// Both kinds carry an ExtHdr (mblk_impl.h): DPDK's shared info, whose
// refcnt counts every mbuf attached (the first block and its dups), and
// the dblk_t all those blocks share. The one free callback runs when the
// last of them is freed, by freeb or by DPDK itself (a PMD after tx).
#pragma once

#include <cstddef>

#include "msg/mblk_impl.h"

namespace strdp::msg {

// Room the header takes in front of a malloc'd buffer's data: a whole
// number of cache lines, so the data is cache-line aligned.
constexpr size_t kExtHdrRoom = RTE_ALIGN_CEIL(sizeof(ExtHdr), RTE_CACHE_LINE_SIZE);

// Bytes rte_malloc must find for a size-byte block; 0 if that overflows.
inline size_t ext_malloc_bytes(size_t size) {
  return size > SIZE_MAX - kExtHdrRoom ? 0 : size + kExtHdrRoom;
}

// A malloc'd buffer of size bytes on socket, refcnt 1, M_DATA; freed
// (rte_free) with its last reference. nullptr when the heap is dry.
ExtHdr *ext_malloc(size_t size, int socket);

// A header for the caller's [base, base + size) from desc_pool, refcnt 1;
// fr is copied, and run once with the last reference. nullptr when the
// descriptor pool is dry.
ExtHdr *ext_esb(unsigned char *base, size_t size, frtn_t *fr,
                rte_mempool *desc_pool);

// Gives back an ExtHdr that was never attached (error paths).
void ext_discard(ExtHdr *e);

// Attaches e's buffer to m, which must hold no buffer reference of its
// own that it still needs: a fresh or detached mbuf, or one whose own
// buffer stays alive for other blocks only (the split state, see
// mblk_impl.h). The mblk_t is the caller's to set.
void ext_attach(rte_mbuf *m, ExtHdr *e);

inline unsigned char *ext_data(ExtHdr *e) { return e->dblk.db_base; }

// True if s belongs to an ExtHdr made here (else: a PMD's own buffer).
bool ext_is_ours(const rte_mbuf_ext_shared_info *s);

inline ExtHdr *ext_of(rte_mbuf_ext_shared_info *s) {
  return reinterpret_cast<ExtHdr *>(s);  // shinfo is the first member
}

// The IO address of any virtual address, RTE_BAD_IOVA if DPDK does not
// know the memory (then no device can DMA it, but software can use it).
rte_iova_t iova_of(const void *va);

}  // namespace strdp::msg
