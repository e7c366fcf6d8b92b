// esballoc(9F) / desballoc(9F): a message block over the caller's memory.
//
// The caller's buffer becomes a DPDK external buffer; its free routine
// runs exactly once, when the last reference goes, whoever drops it:
// freeb() of the block or of any dup, or DPDK freeing the mbuf after the
// message left STREAMS (a PMD after tx). Unlike Solaris esballoc, which
// defers the routine to a background thread, both forms run it at once on
// the thread that drops the last reference (desballoc semantics): that may
// be a PMD's lcore, so the routine must be thread-safe and must not block.
#include <strdp/stream.h>

#include <cerrno>

#include "msg/ext_buf.h"
#include "msg/mblk_impl.h"
#include "msg/pool_table.h"

extern "C" mblk_t *esballoc(unsigned char *base, size_t size,
                            unsigned int /*pri*/, frtn_t *fr_rtnp) {
  using namespace strdp::msg;
  // Solaris would panic later, in freeb; failing now is kinder.
  if (fr_rtnp == nullptr || fr_rtnp->free_func == nullptr ||
      (base == nullptr && size != 0)) {
    errno = EINVAL;
    return nullptr;
  }
  rte_mempool *pool = pkt_pool_here();
  rte_mempool *desc = esb_pool_here();
  if (unlikely(pool == nullptr || desc == nullptr)) return nullptr;
  rte_mbuf *m = rte_pktmbuf_alloc(pool);
  if (unlikely(m == nullptr)) return nullptr;
  ExtHdr *e = ext_esb(base, size, fr_rtnp, desc);
  if (unlikely(e == nullptr)) {
    rte_pktmbuf_free(m);
    return nullptr;
  }
  ext_attach(m, e);
  mblk_t *mp = strdp_mbuf_to_mblk(m);
  mblk_reset(mp, &e->dblk, base, base);
  return mp;
}

extern "C" mblk_t *desballoc(unsigned char *base, size_t size,
                             unsigned int pri, frtn_t *fr_rtnp) {
  return esballoc(base, size, pri, fr_rtnp);
}
