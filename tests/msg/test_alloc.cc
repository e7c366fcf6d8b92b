// allocb, testb, the pools, and what happens when they run dry.
#include <rte_lcore.h>

#include <cerrno>
#include <vector>

#include "msg/msg_pool.h"
#include "msg/pool_table.h"
#include "msg_test.h"

namespace strdp::test {
namespace {

using AllocTest = MsgTest;

TEST_F(AllocTest, AllocbStartsEmptyAtTheBase) {
  mblk_t *mp = allocb(100, BPRI_MED);
  ASSERT_NE(mp, nullptr);
  EXPECT_EQ(mp->b_rptr, DB_BASE(mp));  // Solaris: no headroom
  EXPECT_EQ(mp->b_wptr, mp->b_rptr);
  EXPECT_GE(MBLKSIZE(mp), 100);
  EXPECT_EQ(DB_TYPE(mp), M_DATA);
  EXPECT_EQ(mp->b_datap->db_ref, 1);
  EXPECT_EQ(DB_REF(mp), 1);
  EXPECT_EQ(mp->b_band, 0);
  EXPECT_EQ(mp->b_flag, 0);
  EXPECT_EQ(mp->b_next, nullptr);
  EXPECT_EQ(mp->b_prev, nullptr);
  EXPECT_EQ(mp->b_cont, nullptr);
  EXPECT_EQ(DB_FRTNP(mp), nullptr);
  // The whole buffer is writable.
  std::memset(DB_BASE(mp), 0xa5, static_cast<size_t>(MBLKSIZE(mp)));
  // The block is the private area of a pool mbuf.
  rte_mbuf *m = strdp_mblk_to_mbuf(mp);
  EXPECT_EQ(m->pool, msg_pool());
  EXPECT_EQ(strdp_mbuf_to_mblk(m), mp);
  freeb(mp);
}

TEST_F(AllocTest, AllocbZero) {
  mblk_t *mp = allocb(0, BPRI_LO);
  ASSERT_NE(mp, nullptr);
  EXPECT_EQ(MBLKL(mp), 0);
  EXPECT_EQ(msgdsize(mp), 0u);
  freemsg(mp);
}

TEST_F(AllocTest, AllocbWholePoolBufferIsDirect) {
  size_t room = rte_pktmbuf_data_room_size(msg_pool());
  mblk_t *mp = allocb(room, BPRI_HI);
  ASSERT_NE(mp, nullptr);
  EXPECT_FALSE(RTE_MBUF_HAS_EXTBUF(strdp_mblk_to_mbuf(mp)));
  EXPECT_EQ(static_cast<size_t>(MBLKSIZE(mp)), room);
  freeb(mp);
}

// Past the pool's buffer size the data is an rte_malloc'd external buffer;
// the heap must get it back with the last reference (fixture checks).
TEST_F(AllocTest, AllocbLargerThanPoolBuffer) {
  for (size_t size : {size_t{4000}, size_t{65535}, size_t{200000}}) {
    SCOPED_TRACE(size);
    mblk_t *mp = allocb(size, BPRI_MED);
    ASSERT_NE(mp, nullptr);
    EXPECT_TRUE(RTE_MBUF_HAS_EXTBUF(strdp_mblk_to_mbuf(mp)));
    EXPECT_EQ(static_cast<size_t>(MBLKSIZE(mp)), size);
    EXPECT_EQ(mp->b_rptr, DB_BASE(mp));
    EXPECT_EQ(DB_TYPE(mp), M_DATA);
    EXPECT_EQ(DB_REF(mp), 1);
    EXPECT_EQ(reinterpret_cast<uintptr_t>(DB_BASE(mp)) % RTE_CACHE_LINE_SIZE,
              0u);
    std::string data = pattern(size);
    std::memcpy(mp->b_wptr, data.data(), size);
    mp->b_wptr += size;
    EXPECT_EQ(bytes(mp), data);
    mblk_t *dup = dupb(mp);
    ASSERT_NE(dup, nullptr);
    EXPECT_EQ(DB_REF(mp), 2);
    EXPECT_EQ(dup->b_datap, mp->b_datap);
    freeb(mp);
    EXPECT_EQ(DB_REF(dup), 1);
    EXPECT_EQ(bytes(dup), data);
    freeb(dup);
  }
}

TEST_F(AllocTest, TestbAnswersLikeAllocb) {
  EXPECT_EQ(testb(1, BPRI_LO), 1);
  EXPECT_EQ(testb(0, BPRI_LO), 1);
  EXPECT_EQ(testb(100000, BPRI_LO), 1);
  // More than the heap has.
  EXPECT_EQ(testb(size_t{1} << 40, BPRI_LO), 0);
  EXPECT_EQ(allocb(size_t{1} << 40, BPRI_LO), nullptr);
  EXPECT_EQ(allocb(SIZE_MAX, BPRI_LO), nullptr);
}

TEST_F(AllocTest, PoolLookup) {
  rte_mempool *first = msg_pool();
  ASSERT_NE(first, nullptr);
  EXPECT_GE(rte_pktmbuf_priv_size(first), sizeof(strdp_mbuf_priv));
  EXPECT_EQ(strdp_msg_pool(static_cast<int>(rte_socket_id())), first);
  EXPECT_EQ(strdp_msg_pool(RTE_MAX_NUMA_NODES + 5), first);
  EXPECT_EQ(strdp_msg_pool(-7), first);
}

TEST_F(AllocTest, PoolCreate) {
  rte_mempool *mp = strdp_msg_pool_create("msgtest_create", 63, 8, 1024,
                                          SOCKET_ID_ANY);
  ASSERT_NE(mp, nullptr);
  EXPECT_EQ(rte_pktmbuf_priv_size(mp), STRDP_MBUF_PRIV_SIZE);
  EXPECT_EQ(rte_pktmbuf_data_room_size(mp), 1024);
  // Its mbufs become messages (as a PMD's rx would hand them over).
  rte_mbuf *m = rte_pktmbuf_alloc(mp);
  ASSERT_NE(m, nullptr);
  mblk_t *msg = strdp_msg_from_mbuf(m);
  ASSERT_NE(msg, nullptr);
  freemsg(msg);
  EXPECT_EQ(rte_mempool_in_use_count(mp), 0u);
  rte_mempool_free(mp);

  errno = 0;
  EXPECT_EQ(strdp_msg_pool_create(nullptr, 63, 0, 1024, 0), nullptr);
  EXPECT_EQ(errno, EINVAL);
  errno = 0;
  EXPECT_EQ(strdp_msg_pool_create("msgtest_big", 63, 0, 70000, 0), nullptr);
  EXPECT_EQ(errno, EINVAL);
}

// A pool of our own, swapped in for allocb: every allocating routine must
// return NULL (never abort) when it is dry, and leak nothing.
class DryPoolTest : public MsgTest {
 protected:
  static constexpr unsigned kN = 8;
  void SetUp() override {
    MsgTest::SetUp();
    small_ = strdp_msg_pool_create("msgtest_dry", kN, 0, 512, SOCKET_ID_ANY);
    ASSERT_NE(small_, nullptr);
    ASSERT_TRUE(msg::pool_override(small_));
  }
  void TearDown() override {
    msg::pool_override(nullptr);
    EXPECT_EQ(rte_mempool_in_use_count(small_), 0u);
    rte_mempool_free(small_);
    MsgTest::TearDown();
  }
  std::vector<mblk_t *> drain() {
    std::vector<mblk_t *> held;
    while (mblk_t *mp = allocb(10, BPRI_LO)) held.push_back(mp);
    return held;
  }
  rte_mempool *small_ = nullptr;
};

TEST_F(DryPoolTest, EveryAllocatorFailsCleanly) {
  mblk_t *victim = message({"abc", "def"});  // before the pool runs dry
  ASSERT_NE(victim, nullptr);
  std::vector<mblk_t *> held = drain();
  EXPECT_EQ(held.size(), kN - 2);
  EXPECT_EQ(rte_mempool_in_use_count(small_), kN);

  EXPECT_FALSE(msg_can_alloc(1));
  EXPECT_EQ(testb(1, BPRI_HI), 0);
  EXPECT_EQ(allocb(0, BPRI_HI), nullptr);
  EXPECT_EQ(allocb(100000, BPRI_HI), nullptr);  // needs an mbuf too
  EXPECT_EQ(dupb(victim), nullptr);
  EXPECT_EQ(DB_REF(victim), 1);  // the failed dupb took nothing
  EXPECT_EQ(victim->b_datap->db_ref, 1);
  EXPECT_EQ(dupmsg(victim), nullptr);
  EXPECT_EQ(copyb(victim), nullptr);
  EXPECT_EQ(copymsg(victim), nullptr);
  EXPECT_EQ(msgpullup(victim, -1), nullptr);
  EXPECT_EQ(mkiocb(1), nullptr);
  static int calls = 0;
  static unsigned char buf[16];
  frtn_t fr{[](void *) { calls++; }, nullptr};
  EXPECT_EQ(esballoc(buf, sizeof(buf), BPRI_LO, &fr), nullptr);
  EXPECT_EQ(calls, 0);
  EXPECT_EQ(mexchange(nullptr, nullptr, 4, M_PROTO, 1), nullptr);
  EXPECT_EQ(flatten(victim), "abcdef");

  // One buffer back: allocation works again.
  freeb(held.back());
  held.pop_back();
  EXPECT_TRUE(msg_can_alloc(1));
  EXPECT_EQ(testb(1, BPRI_HI), 1);
  mblk_t *again = allocb(1, BPRI_LO);
  EXPECT_NE(again, nullptr);
  freeb(again);
  for (mblk_t *mp : held) freeb(mp);
  freemsg(victim);
}

// Partial successes are undone: dupmsg/copymsg of a 3-block message with
// only 2 buffers left.
TEST_F(DryPoolTest, PartialMessageOperationsUnwind) {
  mblk_t *mp = message({"a", "b", "c"});
  ASSERT_NE(mp, nullptr);
  std::vector<mblk_t *> held = drain();
  ASSERT_GE(held.size(), 2u);
  freeb(held.back());
  held.pop_back();
  freeb(held.back());
  held.pop_back();
  EXPECT_EQ(dupmsg(mp), nullptr);
  EXPECT_EQ(rte_mempool_in_use_count(small_), kN - 2);
  EXPECT_EQ(copymsg(mp), nullptr);
  EXPECT_EQ(rte_mempool_in_use_count(small_), kN - 2);
  mblk_t *chain = message({"x"});
  ASSERT_NE(chain, nullptr);
  chain->b_next = mp;
  EXPECT_EQ(copymsgchain(chain), nullptr);  // second message fails
  EXPECT_EQ(rte_mempool_in_use_count(small_), kN - 1);
  chain->b_next = nullptr;
  EXPECT_EQ(DB_REF(mp), 1);
  EXPECT_EQ(flatten(mp), "abc");
  freemsg(chain);
  freemsg(mp);
  for (mblk_t *b : held) freeb(b);
}

// msg_can_alloc looks at this lcore's mempool cache first: a buffer freed
// into the cache is available although the pool's ring is empty.
TEST_F(MsgTest, CanAllocSeesTheLcoreCache) {
  rte_mempool *cached = strdp_msg_pool_create("msgtest_cache", 32, 8, 512,
                                              SOCKET_ID_ANY);
  ASSERT_NE(cached, nullptr);
  ASSERT_TRUE(msg::pool_override(cached));
  std::vector<mblk_t *> held;
  while (mblk_t *mp = allocb(1, BPRI_LO)) held.push_back(mp);
  EXPECT_EQ(held.size(), 32u);
  EXPECT_FALSE(msg_can_alloc(1));
  freeb(held.back());
  held.pop_back();
  if (rte_mempool_default_cache(cached, rte_lcore_id()) != nullptr) {
    EXPECT_EQ(rte_mempool_ops_table.ops[cached->ops_index].get_count(cached),
              0u);
  }
  EXPECT_TRUE(msg_can_alloc(1));
  mblk_t *mp = allocb(1, BPRI_LO);
  EXPECT_NE(mp, nullptr);
  freeb(mp);
  for (mblk_t *b : held) freeb(b);
  msg::pool_override(nullptr);
  EXPECT_EQ(rte_mempool_in_use_count(cached), 0u);
  rte_mempool_free(cached);
}

}  // namespace
}  // namespace strdp::test
