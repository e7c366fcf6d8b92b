// External buffers (see ext_buf.h).
#include "msg/ext_buf.h"

#include <rte_eal.h>
#include <rte_malloc.h>
#include <rte_memory.h>

#include <cstddef>

namespace strdp::msg {

static_assert(offsetof(ExtHdr, shinfo) == 0, "ext_of() casts the shinfo");

namespace {

// Runs on whichever thread drops the last reference: freeb's, or a PMD's
// lcore after tx. It must not assume a scheduler or an lcore id.
void ext_free_cb(void * /*addr: may be rebased by export, never used*/,
                 void *opaque) {
  auto *e = static_cast<ExtHdr *>(opaque);
  if (e->home == nullptr) {
    rte_free(e);
    return;
  }
  // The descriptor goes back first: a free routine that recycles its
  // buffer with esballoc() (the usual pattern) can then have it again.
  frtn_t fr = e->dblk.db_frtn_;
  rte_mempool_put(e->home, e);
  fr.free_func(fr.free_arg);
}

void hdr_init(ExtHdr *e, unsigned char *base, size_t size,
              rte_mempool *home) {
  e->shinfo.free_cb = ext_free_cb;
  e->shinfo.fcb_opaque = e;
  rte_mbuf_ext_refcnt_set(&e->shinfo, 1);
  dblk_reset(&e->dblk, &e->shinfo, base, base + size, 1, kDbShinfo);
  e->home = home;
}

}  // namespace

bool ext_is_ours(const rte_mbuf_ext_shared_info *s) {
  return s->free_cb == ext_free_cb;
}

rte_iova_t iova_of(const void *va) {
  if (rte_eal_iova_mode() == RTE_IOVA_VA)
    return static_cast<rte_iova_t>(reinterpret_cast<uintptr_t>(va));
  // Not rte_mem_virt2iova(): in PA mode it reads /proc/self/pagemap.
  const rte_memseg *ms = rte_mem_virt2memseg(va, nullptr);
  if (ms == nullptr || ms->iova == RTE_BAD_IOVA) return RTE_BAD_IOVA;
  return ms->iova + static_cast<rte_iova_t>(
                        static_cast<const char *>(va) -
                        static_cast<const char *>(ms->addr));
}

ExtHdr *ext_malloc(size_t size, int socket) {
  size_t bytes = ext_malloc_bytes(size);
  if (bytes == 0) return nullptr;
  void *p = rte_malloc_socket(nullptr, bytes, RTE_CACHE_LINE_SIZE, socket);
  if (p == nullptr) return nullptr;
  auto *e = static_cast<ExtHdr *>(p);
  hdr_init(e, static_cast<unsigned char *>(p) + kExtHdrRoom, size, nullptr);
  return e;
}

ExtHdr *ext_esb(unsigned char *base, size_t size, frtn_t *fr,
                rte_mempool *desc_pool) {
  void *obj;
  if (rte_mempool_get(desc_pool, &obj) != 0) return nullptr;
  auto *e = static_cast<ExtHdr *>(obj);
  hdr_init(e, base, size, desc_pool);
  // Solaris semantics: db_frtnp is the caller's pointer; we run our copy,
  // so the caller may reuse its frtn_t once esballoc returns.
  e->dblk.db_frtnp = fr;
  e->dblk.db_frtn_ = *fr;
  return e;
}

void ext_discard(ExtHdr *e) {
  if (e->home == nullptr)
    rte_free(e);
  else
    rte_mempool_put(e->home, e);
}

void ext_attach(rte_mbuf *m, ExtHdr *e) {
  // rte_pktmbuf_attach_extbuf() without its "direct, refcnt 1" assertion,
  // which the split state knowingly violates (mblk_impl.h). buf_len is 16
  // bits: a larger block shows its first 64 KiB here, and export moves the
  // window to where the data is (db_base/db_lim keep the truth).
  unsigned char *base = e->dblk.db_base;
  size_t size = static_cast<size_t>(e->dblk.db_lim - base);
  m->buf_addr = base;
  rte_mbuf_iova_set(m, iova_of(base));
  m->buf_len = static_cast<uint16_t>(size > UINT16_MAX ? UINT16_MAX : size);
  m->data_len = 0;
  m->data_off = 0;
  m->ol_flags |= RTE_MBUF_F_EXTERNAL;
  m->shinfo = &e->shinfo;
}

}  // namespace strdp::msg
