// A read-only rte_mbuf view of a message, for the two DPDK functions the
// sniffer hands a message to: a filter program (rte_bpf, which reads
// through data_off/data_len/buf_addr/next/pkt_len) and rte_pcapng_copy
// (rte_pktmbuf_copy reads the same, plus the header fields it copies).
//
// Why a view rather than the message's own mbufs: a message's mbuf view
// is stale (b_rptr/b_wptr are the truth) and rebuilding it
// (strdp_msg_to_mbuf) hands the message to DPDK for good. For the filter
// that would change the passing message; for the writer's copy it would
// mean freeing the copy through DPDK, which does not give back the
// STREAMS reference (db_ref) the copy took: every capture would leave the
// passing buffer's db_ref one higher, and after 254 captures of one
// buffer (a module that retransmits it) dupmsg() would fail for everyone.
// A view points at the message's bytes and owns nothing; the copy is then
// freed with freemsg(), which keeps the count exact.
#include <rte_mbuf.h>

#include <algorithm>

#include "sniffer_impl.h"

namespace strdp::snif {

namespace {
constexpr size_t kSegMax = UINT16_MAX;
}

unsigned view_segments(const mblk_t *mp) {
  unsigned n = 0;
  for (const mblk_t *b = mp; b != nullptr; b = b->b_cont)
    if (b->b_wptr > b->b_rptr)
      n += static_cast<unsigned>((static_cast<size_t>(b->b_wptr - b->b_rptr) + kSegMax - 1) / kSegMax);
  return std::max(n, 1u);
}

unsigned build_view(const mblk_t *mp, rte_mbuf *v, unsigned max) {
  unsigned n = 0;
  uint32_t total = 0;
  for (const mblk_t *b = mp; b != nullptr; b = b->b_cont) {
    const unsigned char *p = b->b_rptr;
    size_t len = b->b_wptr > b->b_rptr ? static_cast<size_t>(b->b_wptr - b->b_rptr) : 0;
    while (len > 0) {
      if (n == max) return max + 1;
      size_t k = std::min(len, kSegMax);
      rte_mbuf *s = &v[n];
      s->buf_addr = const_cast<unsigned char *>(p);
      s->data_off = 0;
      s->data_len = static_cast<uint16_t>(k);
      s->nb_segs = 1;
      s->next = nullptr;
      if (n > 0) v[n - 1].next = s;
      total += static_cast<uint32_t>(k);
      p += k;
      len -= k;
      ++n;
    }
  }
  if (n == 0) {  // no bytes: one empty segment, every read fails
    v[0].buf_addr = nullptr;
    v[0].data_off = 0;
    v[0].data_len = 0;
    v[0].next = nullptr;
    n = 1;
  }
  v[0].pkt_len = total;
  v[0].nb_segs = static_cast<uint16_t>(std::min<unsigned>(n, UINT16_MAX));
  return n;
}

}  // namespace strdp::snif
