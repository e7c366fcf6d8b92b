// allocb(9F) and testb(9F): a message block from the calling thread's
// socket pool. As in Solaris, the block starts empty at the first byte of
// its buffer (no headroom): b_rptr = b_wptr = db_base.
#include <strdp/stream.h>

#include "msg/alloc_impl.h"
#include "msg/ext_buf.h"
#include "msg/msg_pool.h"

namespace strdp::msg {

[[gnu::cold]] mblk_t *alloc_large(rte_mbuf *m, size_t size) {
  ExtHdr *e = ext_malloc(size, m->pool->socket_id);
  if (e == nullptr) {
    rte_pktmbuf_free(m);
    return nullptr;
  }
  ext_attach(m, e);
  mblk_t *mp = strdp_mbuf_to_mblk(m);
  mblk_reset(mp, &e->dblk, ext_data(e), ext_data(e));
  return mp;
}

[[gnu::noinline]] mblk_t *alloc_slow(size_t size) {
  rte_mempool *pool = pkt_pool_here();
  if (pool == nullptr) return nullptr;
  rte_mbuf *m = rte_pktmbuf_alloc(pool);
  return m != nullptr ? alloc_init(m, size) : nullptr;
}

}  // namespace strdp::msg

extern "C" mblk_t *allocb(size_t size, unsigned int /*pri: ignored*/) {
  return strdp::msg::alloc_block(size);
}

extern "C" int testb(size_t size, unsigned int /*pri*/) {
  return strdp::msg_can_alloc(size) ? 1 : 0;
}
