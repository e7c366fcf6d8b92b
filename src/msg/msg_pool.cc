// Message buffer pools: one rte_pktmbuf pool per socket, plus the small
// descriptor pool esballoc() draws its external-buffer headers from.
#include "msg/msg_pool.h"

#include <strdp/ddi.h>
#include <strdp/mbuf.h>

#include <rte_errno.h>
#include <rte_malloc.h>
#include <rte_mbuf.h>

#include <algorithm>
#include <atomic>
#include <cerrno>
#include <cstdio>

#include "msg/ext_buf.h"
#include "msg/mblk_impl.h"
#include "msg/pool_table.h"

namespace strdp::msg {

PoolTable g_pools{};
std::atomic<uint32_t> g_pools_gen{1};
__thread ThreadPools t_pools __attribute__((tls_model("initial-exec")));

namespace {

// strdp.h documents these defaults. 8191 = 2^13 - 1: the mempool ring
// holds a power of two minus one without waste.
constexpr unsigned kDefaultMbufs = 8191;
constexpr unsigned kDefaultCache = 256;
constexpr unsigned kDefaultRoom = 2048 + RTE_PKTMBUF_HEADROOM;

// What rte_mempool_create() accepts: a cache over n / 1.5 (its flush
// threshold) or over the build's maximum is EINVAL.
unsigned fit_cache(unsigned cache, unsigned n) {
  return std::min({cache, n * 2 / 3, unsigned{RTE_MEMPOOL_CACHE_MAX_SIZE}});
}

// Pools made by msg_pools_init, so fini frees exactly those (the table
// may hold borrowed or overridden pointers).
struct Made {
  rte_mempool *pkt[RTE_MAX_NUMA_NODES];
  rte_mempool *esb[RTE_MAX_NUMA_NODES];
};
Made g_made{};
rte_mempool *g_saved_pkt[RTE_MAX_NUMA_NODES];  // pool_override() backup
bool g_overridden = false;

void publish() {
  uint32_t next = g_pools_gen.load(std::memory_order_relaxed) + 1;
  g_pools_gen.store(next != 0 ? next : 1, std::memory_order_release);
}

void warn_in_use(rte_mempool *mp) {
  unsigned n = rte_mempool_in_use_count(mp);
  if (n != 0)
    cmn_err(CE_WARN, "strdp: %u buffers of %s still in use at shutdown", n,
            mp->name);
}

}  // namespace

ThreadPools &thread_pools_refresh() {
  ThreadPools &t = t_pools;
  t.gen = g_pools_gen.load(std::memory_order_acquire);
  unsigned s = rte_socket_id();
  t.pkt = socket_slot_ok(s) ? g_pools.pkt[s] : g_pools.first_pkt;
  t.esb = socket_slot_ok(s) ? g_pools.esb[s] : g_pools.first_esb;
  return t;
}

bool pool_override(rte_mempool *mp) {
  if (g_pools.first_pkt == nullptr) return false;
  if (mp != nullptr) {
    if (!g_overridden)
      std::copy(std::begin(g_pools.pkt), std::end(g_pools.pkt), g_saved_pkt);
    std::fill(std::begin(g_pools.pkt), std::end(g_pools.pkt), mp);
    g_overridden = true;
  } else if (g_overridden) {
    std::copy(std::begin(g_saved_pkt), std::end(g_saved_pkt), g_pools.pkt);
    g_overridden = false;
  }
  publish();
  return true;
}

}  // namespace strdp::msg

namespace strdp {

using namespace msg;

int msg_pools_init(const strdp_runtime_conf &conf) {
  if (g_pools.first_pkt != nullptr) return EALREADY;
  unsigned n = conf.nb_mbufs != 0 ? conf.nb_mbufs : kDefaultMbufs;
  unsigned cache = fit_cache(conf.mbuf_cache != 0 ? conf.mbuf_cache
                                                  : kDefaultCache, n);
  unsigned room = conf.data_room != 0 ? conf.data_room : kDefaultRoom;
  if (room > UINT16_MAX) return EINVAL;  // rte_mbuf::buf_len

  int first_socket = -1;
  unsigned nsock = rte_socket_count();
  for (unsigned i = 0; i < nsock; i++) {
    int s = rte_socket_id_by_idx(i);
    if (s < 0 || !socket_slot_ok(static_cast<unsigned>(s))) continue;
    char name[RTE_MEMPOOL_NAMESIZE];
    snprintf(name, sizeof(name), "strdp_msg_%d", s);
    rte_mempool *pkt = rte_pktmbuf_pool_create(name, n, cache,
                                               STRDP_MBUF_PRIV_SIZE, room, s);
    // A socket without memory (EAL given -m for one socket only, or
    // --no-huge) borrows the first socket's pool below.
    if (pkt == nullptr) continue;
    snprintf(name, sizeof(name), "strdp_esb_%d", s);
    rte_mempool *esb = rte_mempool_create(name, n, sizeof(ExtHdr), cache, 0,
                                          nullptr, nullptr, nullptr, nullptr,
                                          s, 0);
    if (esb == nullptr) {
      rte_mempool_free(pkt);
      continue;
    }
    g_made.pkt[s] = g_pools.pkt[s] = pkt;
    g_made.esb[s] = g_pools.esb[s] = esb;
    if (first_socket < 0) first_socket = s;
  }
  if (first_socket < 0) {
    // No socket had memory of its own: let DPDK place one pool anywhere.
    rte_mempool *pkt = rte_pktmbuf_pool_create(
        "strdp_msg_any", n, cache, STRDP_MBUF_PRIV_SIZE, room, SOCKET_ID_ANY);
    rte_mempool *esb =
        pkt == nullptr ? nullptr
                       : rte_mempool_create("strdp_esb_any", n, sizeof(ExtHdr),
                                            cache, 0, nullptr, nullptr,
                                            nullptr, nullptr, SOCKET_ID_ANY, 0);
    if (esb == nullptr) {
      int err = rte_errno != 0 ? rte_errno : ENOMEM;
      rte_mempool_free(pkt);
      cmn_err(CE_WARN, "strdp: cannot create the message pool: %s",
              rte_strerror(err));
      return err;
    }
    first_socket = 0;
    g_made.pkt[0] = g_pools.pkt[0] = pkt;
    g_made.esb[0] = g_pools.esb[0] = esb;
  }
  g_pools.first_pkt = g_pools.pkt[first_socket];
  g_pools.first_esb = g_pools.esb[first_socket];
  for (unsigned s = 0; s < RTE_MAX_NUMA_NODES; s++) {
    if (g_pools.pkt[s] != nullptr) continue;
    g_pools.pkt[s] = g_pools.first_pkt;
    g_pools.esb[s] = g_pools.first_esb;
  }
  publish();
  return 0;
}

void msg_pools_fini() {
  if (g_overridden) pool_override(nullptr);
  g_pools = PoolTable{};
  publish();
  // Frees even pools with buffers out (the caller promised there are
  // none); the warning names the leak instead of hiding it.
  for (unsigned s = 0; s < RTE_MAX_NUMA_NODES; s++) {
    if (g_made.pkt[s] != nullptr) {
      warn_in_use(g_made.pkt[s]);
      rte_mempool_free(g_made.pkt[s]);
    }
    if (g_made.esb[s] != nullptr) {
      warn_in_use(g_made.esb[s]);
      rte_mempool_free(g_made.esb[s]);
    }
  }
  g_made = Made{};
}

// What allocb() on this thread can get: its own lcore's mempool cache,
// then the pool's ring. Buffers parked in other lcores' caches are not
// counted, because this thread cannot take them: rte_mempool_avail_count()
// would count them (and walk all RTE_MAX_LCORE caches, ~128 reads) and so
// wake a bufcall that then fails again. Two reads, no atomics: cheap
// enough for the scheduler to poll every pass while bufcalls wait.
bool msg_can_alloc(size_t size) {
  rte_mempool *mp = pkt_pool_here();
  if (mp == nullptr) return false;
  rte_mempool_cache *c = rte_mempool_default_cache(mp, rte_lcore_id());
  if ((c == nullptr || c->len == 0) &&
      rte_mempool_get_ops(mp->ops_index)->get_count(mp) == 0)
    return false;
  if (size <= rte_pktmbuf_data_room_size(mp)) return true;
  // Larger blocks are rte_malloc'd (rare): probing is the only exact
  // answer the heap gives, and it is rare enough to afford.
  size_t bytes = ext_malloc_bytes(size);
  if (bytes == 0) return false;
  void *p = rte_malloc_socket(nullptr, bytes, RTE_CACHE_LINE_SIZE,
                              mp->socket_id);
  if (p == nullptr) return false;
  rte_free(p);
  return true;
}

}  // namespace strdp

extern "C" struct rte_mempool *strdp_msg_pool(int socket_id) {
  using namespace strdp::msg;
  // The pools msg_pools_init made, whatever pool_override() swapped in.
  rte_mempool *const *pkt = g_overridden ? g_saved_pkt : g_pools.pkt;
  if (socket_id >= 0 && socket_slot_ok(static_cast<unsigned>(socket_id)))
    return pkt[socket_id];
  return g_pools.first_pkt;
}

extern "C" struct rte_mempool *strdp_msg_pool_create(const char *name,
                                                     unsigned int n,
                                                     unsigned int cache,
                                                     unsigned int data_room,
                                                     int socket_id) {
  if (name == nullptr || n == 0 || data_room > UINT16_MAX) {
    errno = EINVAL;
    return nullptr;
  }
  rte_mempool *mp =
      rte_pktmbuf_pool_create(name, n, strdp::msg::fit_cache(cache, n),
                              STRDP_MBUF_PRIV_SIZE, data_room, socket_id);
  if (mp == nullptr) errno = rte_errno != 0 ? rte_errno : ENOMEM;
  return mp;
}
