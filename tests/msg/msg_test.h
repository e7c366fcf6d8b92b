// Shared helpers of the message-layer tests: a fixture that fails any test
// leaving a buffer allocated, and small builders/readers of messages.
#pragma once

#include <gtest/gtest.h>
#include <rte_malloc.h>
#include <rte_mempool.h>
#include <strdp/mbuf.h>
#include <strdp/strdp.h>
#include <strdp/strsun.h>

#include <cstdio>
#include <cstring>
#include <initializer_list>
#include <string>
#include <string_view>

namespace strdp::test {

inline rte_mempool *msg_pool() { return strdp_msg_pool(SOCKET_ID_ANY); }

// esballoc's descriptor pool, found by the name msg_pool.cc gives it.
inline rte_mempool *esb_pool() {
  char name[RTE_MEMPOOL_NAMESIZE];
  std::snprintf(name, sizeof(name), "strdp_esb_%d", msg_pool()->socket_id);
  rte_mempool *mp = rte_mempool_lookup(name);
  return mp != nullptr ? mp : rte_mempool_lookup("strdp_esb_any");
}

inline size_t heap_in_use() {
  size_t total = 0;
  for (unsigned i = 0; i < rte_socket_count(); i++) {
    rte_malloc_socket_stats st{};
    if (rte_malloc_get_socket_stats(rte_socket_id_by_idx(i), &st) == 0)
      total += st.heap_allocsz_bytes;
  }
  return total;
}

// Every test starts and must end with the same buffers in use: pool
// mbufs, esballoc descriptors and rte_malloc'd (large) buffers.
class MsgTest : public ::testing::Test {
 protected:
  void SetUp() override {
    ASSERT_NE(msg_pool(), nullptr);
    ASSERT_NE(esb_pool(), nullptr);
    mbufs_ = rte_mempool_in_use_count(msg_pool());
    descs_ = rte_mempool_in_use_count(esb_pool());
    heap_ = heap_in_use();
  }
  void TearDown() override {
    EXPECT_EQ(rte_mempool_in_use_count(msg_pool()), mbufs_) << "mbuf leak";
    EXPECT_EQ(rte_mempool_in_use_count(esb_pool()), descs_)
        << "esballoc descriptor leak";
    EXPECT_EQ(heap_in_use(), heap_) << "rte_malloc leak";
  }

 private:
  unsigned mbufs_ = 0;
  unsigned descs_ = 0;
  size_t heap_ = 0;
};

// One block holding s, of the given type, headroom bytes after db_base.
inline mblk_t *block(std::string_view s, unsigned char type = M_DATA,
                     size_t headroom = 0) {
  mblk_t *bp = allocb(headroom + s.size(), BPRI_MED);
  if (bp == nullptr) return nullptr;
  bp->b_rptr += headroom;
  bp->b_wptr = bp->b_rptr;
  if (!s.empty()) std::memcpy(bp->b_wptr, s.data(), s.size());
  bp->b_wptr += s.size();
  DB_TYPE(bp) = type;
  return bp;
}

// A message of M_DATA blocks, one per string.
inline mblk_t *message(std::initializer_list<std::string_view> parts) {
  mblk_t *head = nullptr;
  for (std::string_view s : parts) {
    mblk_t *bp = block(s);
    if (bp == nullptr) {
      freemsg(head);
      return nullptr;
    }
    if (head == nullptr)
      head = bp;
    else
      linkb(head, bp);
  }
  return head;
}

inline std::string bytes(const mblk_t *bp) {
  return std::string(reinterpret_cast<const char *>(bp->b_rptr),
                     static_cast<size_t>(MBLKL(bp)));
}

// All bytes of a message, every type.
inline std::string flatten(const mblk_t *mp) {
  std::string s;
  for (; mp != nullptr; mp = mp->b_cont) s += bytes(mp);
  return s;
}

inline unsigned nblocks(const mblk_t *mp) {
  unsigned n = 0;
  for (; mp != nullptr; mp = mp->b_cont) n++;
  return n;
}

inline std::string pattern(size_t n, unsigned seed = 0) {
  std::string s(n, '\0');
  for (size_t i = 0; i < n; i++)
    s[i] = static_cast<char>('a' + (i * 7 + seed) % 26);
  return s;
}

}  // namespace strdp::test
