// Which mempool a thread allocates message buffers from. Not installed.
//
// Filled by msg_pools_init(), emptied by msg_pools_fini(). Every socket
// slot holds a pool: a socket EAL knows but where no pool could be made
// (no memory there) borrows the first pool, so lookups need no fallback.
//
// allocb() must not pay for rte_socket_id() (a call into librte_eal) on
// every block, so each thread caches its socket's pools the first time it
// allocates, tagged with the table's generation; init, fini and the test
// hook bump the generation, which makes every cache stale at once. A
// thread that moves to another socket keeps its first socket's pool
// (still correct, only remote) until the next generation.
#pragma once

#include <rte_branch_prediction.h>
#include <rte_lcore.h>
#include <rte_mempool.h>

#include <atomic>
#include <cstdint>

namespace strdp::msg {

struct PoolTable {
  rte_mempool *pkt[RTE_MAX_NUMA_NODES];  // message mbufs, by socket
  rte_mempool *esb[RTE_MAX_NUMA_NODES];  // ExtHdr descriptors (esballoc)
  rte_mempool *first_pkt;                // SOCKET_ID_ANY, unknown sockets
  rte_mempool *first_esb;
};

// Hidden: read on every allocation, and a symbol the dynamic linker could
// interpose would cost a GOT load each time.
#define STRDP_MSG_HIDDEN __attribute__((visibility("hidden")))

extern PoolTable g_pools STRDP_MSG_HIDDEN;
// Bumped (release) after every change of g_pools; never 0, so a thread's
// zero-initialised cache is stale.
extern std::atomic<uint32_t> g_pools_gen STRDP_MSG_HIDDEN;

struct ThreadPools {
  uint32_t gen;
  rte_mempool *pkt;
  rte_mempool *esb;
};
// initial-exec: see the note on per_lcore__lcore_id in mblk_impl.h.
// __thread, not thread_local: a C++ thread_local declared extern is read
// through a wrapper call, in case another file gives it a constructor.
extern __thread ThreadPools t_pools STRDP_MSG_HIDDEN
    __attribute__((tls_model("initial-exec")));

inline bool socket_slot_ok(unsigned s) { return s < RTE_MAX_NUMA_NODES; }

// Fills t_pools for the calling thread (rte_socket_id(); a thread EAL
// does not know reports SOCKET_ID_ANY and gets the first pool).
ThreadPools &thread_pools_refresh();

inline ThreadPools &thread_pools() {
  ThreadPools &t = t_pools;
  if (likely(t.gen == g_pools_gen.load(std::memory_order_acquire))) return t;
  return thread_pools_refresh();
}

// The calling thread's pools; nullptr while the runtime is down.
inline rte_mempool *pkt_pool_here() { return thread_pools().pkt; }
inline rte_mempool *esb_pool_here() { return thread_pools().esb; }

// Test hook: makes every socket allocate message mbufs from mp (nullptr
// restores the pools msg_pools_init made). Only while no other thread
// allocates; returns false if the runtime is down.
bool pool_override(rte_mempool *mp);

}  // namespace strdp::msg
