// The ip multiplexor's forwarding table (modules/ip/ip_fib.h): longest
// prefix, the default route, every refused input, next hop slots reused
// only after a grace period, a brute-force reference, and lock-free
// readers during a storm of changes.
#include <gtest/gtest.h>
#include <rte_errno.h>
#include <rte_malloc.h>
#include <rte_rcu_qsbr.h>

#include <atomic>
#include <cerrno>
#include <iterator>
#include <map>
#include <random>
#include <thread>
#include <vector>

#include "eal_env.h"
#include "ip_fib.h"

namespace {

constexpr uint32_t ip(unsigned a, unsigned b, unsigned c, unsigned d) {
  return (a << 24) | (b << 16) | (c << 8) | d;
}

uint32_t mask(unsigned depth) { return depth == 0 ? 0 : UINT32_MAX << (32 - depth); }

ip_nexthop via(uint32_t gw, uint16_t ifx, uint16_t flags = 0) { return ip_nexthop{gw, ifx, flags}; }
// For a via() in a call: the temporary lives to the end of the call.
const ip_nexthop *ptr(const ip_nexthop &n) { return &n; }

// An RCU variable for up to 4 reader threads, and a table over it.
struct Fib {
  rte_rcu_qsbr *qs = nullptr;
  ip_fib *fib = nullptr;
  explicit Fib(uint32_t routes = 1024, uint32_t nexthops = 256, const char *name = "t") {
    size_t sz = rte_rcu_qsbr_get_memsize(4);
    qs = static_cast<rte_rcu_qsbr *>(rte_zmalloc("test_qs", sz, RTE_CACHE_LINE_SIZE));
    EXPECT_EQ(rte_rcu_qsbr_init(qs, 4), 0);
    ip_fib_conf c{name, routes, nexthops, SOCKET_ID_ANY, qs};
    fib = ip_fib_create(&c);
    EXPECT_NE(fib, nullptr) << rte_strerror(rte_errno);
  }
  ~Fib() {
    ip_fib_free(fib);
    rte_free(qs);
  }
  int look(uint32_t dst, ip_nexthop *nh) const { return ip_fib_lookup(fib, dst, nh); }
};

TEST(IpFib, LongestPrefixWinsAndTheDefaultCatchesTheRest) {
  Fib f;
  ASSERT_NE(f.fib, nullptr);
  ip_nexthop nh;
  EXPECT_EQ(f.look(ip(10, 1, 2, 3), &nh), -ENOENT) << "an empty table routes nothing";
  ASSERT_EQ(ip_fib_add(f.fib, ip(10, 0, 0, 0), 8, ptr(via(ip(192, 0, 2, 1), 1)), 0), 0);
  ASSERT_EQ(ip_fib_add(f.fib, ip(10, 1, 0, 0), 16, ptr(via(ip(192, 0, 2, 2), 2)), 0), 0);
  ASSERT_EQ(ip_fib_add(f.fib, ip(10, 1, 2, 3), 32, ptr(via(0, 3, IP_NH_LOCAL)), 0), 0);
  ASSERT_EQ(f.look(ip(10, 1, 2, 3), &nh), 0);
  EXPECT_EQ(nh.ifindex, 3);
  EXPECT_EQ(nh.flags, IP_NH_LOCAL);
  ASSERT_EQ(f.look(ip(10, 1, 9, 9), &nh), 0);
  EXPECT_EQ(nh.gateway, ip(192, 0, 2, 2));
  ASSERT_EQ(f.look(ip(10, 200, 0, 1), &nh), 0);
  EXPECT_EQ(nh.gateway, ip(192, 0, 2, 1));
  EXPECT_EQ(f.look(ip(11, 0, 0, 1), &nh), -ENOENT);
  ASSERT_EQ(ip_fib_add(f.fib, 0, 0, ptr(via(ip(192, 0, 2, 254), 9)), 0), 0);
  ASSERT_EQ(f.look(ip(11, 0, 0, 1), &nh), 0);
  EXPECT_EQ(nh.gateway, ip(192, 0, 2, 254)) << "0.0.0.0/0 takes what nothing else does";
  ASSERT_EQ(f.look(ip(10, 1, 9, 9), &nh), 0);
  EXPECT_EQ(nh.ifindex, 2) << "and nothing more";
  // A delete falls back to the next shorter prefix.
  ASSERT_EQ(ip_fib_del(f.fib, ip(10, 1, 0, 0), 16), 0);
  ASSERT_EQ(f.look(ip(10, 1, 9, 9), &nh), 0);
  EXPECT_EQ(nh.ifindex, 1);
  ASSERT_EQ(ip_fib_del(f.fib, 0, 0), 0);
  EXPECT_EQ(f.look(ip(11, 0, 0, 1), &nh), -ENOENT);
  EXPECT_EQ(ip_fib_count(f.fib), 2u);
}

TEST(IpFib, BadInputIsRefusedAndChangesNothing) {
  Fib f;
  ASSERT_NE(f.fib, nullptr);
  ip_nexthop a = via(ip(192, 0, 2, 1), 1);
  EXPECT_EQ(ip_fib_add(f.fib, ip(10, 0, 0, 0), 33, &a, 0), -EINVAL) << "depth over 32";
  EXPECT_EQ(ip_fib_add(f.fib, ip(10, 1, 0, 0), 8, &a, 0), -EINVAL) << "bits past the prefix";
  EXPECT_EQ(ip_fib_add(f.fib, ip(10, 0, 0, 1), 0, &a, 0), -EINVAL) << "a default with bits";
  ip_nexthop odd = via(0, 1, 0x80);
  EXPECT_EQ(ip_fib_add(f.fib, ip(10, 0, 0, 0), 8, &odd, 0), -EINVAL) << "unknown nh flags";
  EXPECT_EQ(ip_fib_add(f.fib, ip(10, 0, 0, 0), 8, &a, 0x100), -EINVAL) << "unknown flags";
  EXPECT_EQ(ip_fib_add(f.fib, ip(10, 0, 0, 0), 8, nullptr, 0), -EINVAL);
  EXPECT_EQ(ip_fib_count(f.fib), 0u);
  EXPECT_EQ(ip_fib_nexthops_used(f.fib), 0u) << "a refused add holds no next hop";

  ASSERT_EQ(ip_fib_add(f.fib, ip(10, 0, 0, 0), 8, &a, 0), 0);
  ip_nexthop b = via(ip(192, 0, 2, 2), 2);
  EXPECT_EQ(ip_fib_add(f.fib, ip(10, 0, 0, 0), 8, &b, 0), -EEXIST);
  ip_nexthop nh;
  ASSERT_EQ(f.look(ip(10, 9, 9, 9), &nh), 0);
  EXPECT_EQ(nh.ifindex, 1) << "EEXIST left the route as it was";
  ASSERT_EQ(ip_fib_add(f.fib, ip(10, 0, 0, 0), 8, &b, IP_FIB_REPLACE), 0);
  ASSERT_EQ(f.look(ip(10, 9, 9, 9), &nh), 0);
  EXPECT_EQ(nh.ifindex, 2);
  EXPECT_EQ(ip_fib_count(f.fib), 1u);
  EXPECT_EQ(ip_fib_del(f.fib, ip(10, 0, 0, 0), 16), -ENOENT);
  EXPECT_EQ(ip_fib_del(f.fib, ip(10, 0, 0, 0), 40), -EINVAL);
  EXPECT_EQ(ip_fib_del(f.fib, 0, 0), -ENOENT);

  ip_fib_conf bad{"far-too-long-a-table-name", 16, 16, SOCKET_ID_ANY, f.qs};
  EXPECT_EQ(ip_fib_create(&bad), nullptr);
  EXPECT_EQ(rte_errno, EINVAL);
  ip_fib_conf noqs{"x", 16, 16, SOCKET_ID_ANY, nullptr};
  EXPECT_EQ(ip_fib_create(&noqs), nullptr);
  ip_fib_conf dup{"t", 16, 16, SOCKET_ID_ANY, f.qs};
  EXPECT_EQ(ip_fib_create(&dup), nullptr) << "names are unique";
}

TEST(IpFib, FullTablesSayEnospc) {
  Fib f(4, 2, "full");
  ASSERT_NE(f.fib, nullptr);
  for (unsigned i = 0; i < 4; ++i)
    ASSERT_EQ(ip_fib_add(f.fib, ip(10, i, 0, 0), 16, ptr(via(1, 1)), 0), 0);
  EXPECT_EQ(ip_fib_add(f.fib, ip(10, 9, 0, 0), 16, ptr(via(1, 1)), 0), -ENOSPC);
  ASSERT_EQ(ip_fib_add(f.fib, ip(10, 0, 0, 0), 16, ptr(via(2, 2)), IP_FIB_REPLACE), 0)
      << "a replace needs no new route";
  EXPECT_EQ(ip_fib_nexthops_used(f.fib), 2u) << "routes via the same hop share its slot";
  EXPECT_EQ(ip_fib_add(f.fib, ip(10, 1, 0, 0), 16, ptr(via(3, 3)), IP_FIB_REPLACE), -ENOSPC)
      << "both next hop slots are taken";
  ip_nexthop nh;
  ASSERT_EQ(f.look(ip(10, 1, 0, 1), &nh), 0);
  EXPECT_EQ(nh.ifindex, 1) << "the failed replace left the route";
}

// A slot that no route uses is not reused while a reader that may hold its
// index has not passed a quiescent state.
TEST(IpFib, ANextHopSlotIsReusedOnlyAfterTheGracePeriod) {
  Fib f(16, 2, "grace");
  ASSERT_NE(f.fib, nullptr);
  ASSERT_EQ(rte_rcu_qsbr_thread_register(f.qs, 0), 0);
  rte_rcu_qsbr_thread_online(f.qs, 0);
  ASSERT_EQ(ip_fib_add(f.fib, ip(10, 0, 0, 0), 8, ptr(via(ip(1, 1, 1, 1), 1)), 0), 0);
  ASSERT_EQ(ip_fib_add(f.fib, ip(20, 0, 0, 0), 8, ptr(via(ip(2, 2, 2, 2), 2)), 0), 0);
  ip_nexthop held;
  ASSERT_EQ(f.look(ip(10, 1, 1, 1), &held), 0);  // reader 0 is in the middle of this
  ASSERT_EQ(ip_fib_del(f.fib, ip(10, 0, 0, 0), 8), 0);
  EXPECT_EQ(ip_fib_nexthops_deferred(f.fib), 1u);
  EXPECT_EQ(ip_fib_add(f.fib, ip(30, 0, 0, 0), 8, ptr(via(ip(3, 3, 3, 3), 3)), 0), -ENOSPC)
      << "the freed slot is still in its grace period";
  EXPECT_EQ(ip_fib_reclaim(f.fib), 0u);
  rte_rcu_qsbr_quiescent(f.qs, 0);
  ASSERT_EQ(ip_fib_add(f.fib, ip(30, 0, 0, 0), 8, ptr(via(ip(3, 3, 3, 3), 3)), 0), 0)
      << "after the reader's quiescent state it is free";
  EXPECT_EQ(ip_fib_nexthops_deferred(f.fib), 0u);
  ip_nexthop nh;
  ASSERT_EQ(f.look(ip(30, 0, 0, 1), &nh), 0);
  EXPECT_EQ(nh.ifindex, 3);
  rte_rcu_qsbr_thread_offline(f.qs, 0);
  rte_rcu_qsbr_thread_unregister(f.qs, 0);
}

struct Ref {
  std::map<std::pair<uint32_t, unsigned>, uint16_t> routes;  // (prefix, depth) -> ifindex
  int look(uint32_t dst) const {
    for (int d = 32; d >= 0; --d) {
      auto it = routes.find({dst & mask(static_cast<unsigned>(d)), static_cast<unsigned>(d)});
      if (it != routes.end()) return it->second;
    }
    return -1;
  }
};

TEST(IpFib, AgreesWithABruteForceReference) {
  Fib f(4096, 64, "ref");
  ASSERT_NE(f.fib, nullptr);
  Ref ref;
  std::mt19937 rng(7);
  // Prefixes under 10/8 at every depth, so that they nest and overlap.
  auto random_route = [&](uint32_t *p, unsigned *d) {
    *d = rng() % 33;
    *p = (ip(10, 0, 0, 0) | (rng() & 0x00ffffffu)) & mask(*d);
    if (*d < 8) *p = 0, *d = 0;
  };
  for (int i = 0; i < 6000; ++i) {
    uint32_t p;
    unsigned d;
    random_route(&p, &d);
    auto key = std::make_pair(p, d);
    if (ref.routes.count(key) != 0 && rng() % 2 == 0) {
      ASSERT_EQ(ip_fib_del(f.fib, p, static_cast<uint8_t>(d)), 0);
      ref.routes.erase(key);
    } else if (ref.routes.size() < 4000) {
      auto ifx = static_cast<uint16_t>(rng() % 50);
      ASSERT_EQ(ip_fib_add(f.fib, p, static_cast<uint8_t>(d), ptr(via(0, ifx)), IP_FIB_REPLACE), 0);
      ref.routes[key] = ifx;
    }
  }
  ASSERT_EQ(ip_fib_count(f.fib), ref.routes.size());
  std::vector<uint32_t> dst(20000);
  for (auto &a : dst) a = rng() % 4 == 0 ? rng() : (ip(10, 0, 0, 0) | (rng() & 0x00ffffffu));
  std::vector<ip_nexthop> nh(dst.size());
  std::vector<uint8_t> found(dst.size());
  ip_fib_lookup_bulk(f.fib, dst.data(), nh.data(), found.data(), static_cast<unsigned>(dst.size()));
  for (size_t i = 0; i < dst.size(); ++i) {
    int want = ref.look(dst[i]);
    ip_nexthop one;
    int r = f.look(dst[i], &one);
    ASSERT_EQ(r == 0, want >= 0) << std::hex << dst[i];
    ASSERT_EQ(found[i] != 0, want >= 0) << "bulk " << std::hex << dst[i];
    if (want >= 0) {
      ASSERT_EQ(one.ifindex, want);
      ASSERT_EQ(nh[i].ifindex, want);
    }
  }
  // The walk lists exactly the table.
  size_t seen = 0;
  auto check = [](void *arg, uint32_t p, uint8_t d, const ip_nexthop *n) -> int {
    auto *r = static_cast<std::pair<Ref *, size_t *> *>(arg);
    auto it = r->first->routes.find({p, d});
    if (it == r->first->routes.end() || it->second != n->ifindex) return 1;
    ++*r->second;
    return 0;
  };
  std::pair<Ref *, size_t *> arg{&ref, &seen};
  EXPECT_EQ(ip_fib_walk(f.fib, check, &arg), 0);
  EXPECT_EQ(seen, ref.routes.size());
}

// Readers look up without a lock while the writer adds, replaces and
// deletes routes that cover their addresses, with few next hop slots so
// that slots are reused all the time. Each next hop names its own route
// (gateway = prefix, ifindex = depth): an answer that does not cover the
// address it was asked for came from a slot reused too early.
TEST(IpFib, LockFreeReadersNeverSeeAReusedSlot) {
  Fib f(2048, 48, "storm");
  ASSERT_NE(f.fib, nullptr);
  std::atomic<bool> stop{false};
  std::atomic<long> wrong{0}, lookups{0};
  auto reader = [&](unsigned id) {
    rte_rcu_qsbr_thread_register(f.qs, id);
    rte_rcu_qsbr_thread_online(f.qs, id);
    std::mt19937 rng(id);
    while (!stop.load(std::memory_order_relaxed)) {
      uint32_t dst = ip(10, 0, 0, 0) | (rng() & 0x0000ffffu);
      ip_nexthop nh;
      if (f.look(dst, &nh) == 0 && (nh.ifindex > 32 || (dst & mask(nh.ifindex)) != nh.gateway))
        wrong.fetch_add(1);
      lookups.fetch_add(1, std::memory_order_relaxed);
      rte_rcu_qsbr_quiescent(f.qs, id);
    }
    rte_rcu_qsbr_thread_offline(f.qs, id);
    rte_rcu_qsbr_thread_unregister(f.qs, id);
  };
  std::thread r1(reader, 1), r2(reader, 2);
  std::mt19937 rng(3);
  std::map<std::pair<uint32_t, unsigned>, bool> live;
  long changes = 0;
  for (int i = 0; i < 20000; ++i) {
    unsigned d = 16 + rng() % 17;  // /16../32: tbl24 and tbl8 entries
    uint32_t p = (ip(10, 0, 0, 0) | (rng() & 0x0000ffffu)) & mask(d);
    auto key = std::make_pair(p, d);
    if (live.size() >= 32) {  // each route has a hop of its own: keep slots turning
      auto it = live.begin();
      std::advance(it, static_cast<long>(rng() % live.size()));
      key = it->first;
      p = key.first;
      d = key.second;
    }
    int r;
    if (live.count(key) != 0) {
      r = ip_fib_del(f.fib, p, static_cast<uint8_t>(d));
      if (r == 0) live.erase(key);
    } else {
      ip_nexthop nh = via(p, static_cast<uint16_t>(d));
      r = ip_fib_add(f.fib, p, static_cast<uint8_t>(d), &nh, 0);
      for (int tries = 0; r == -ENOSPC && tries < 1000; ++tries) {
        std::this_thread::yield();  // the readers end the grace period
        r = ip_fib_add(f.fib, p, static_cast<uint8_t>(d), &nh, 0);
      }
      if (r == 0) live[key] = true;
    }
    ASSERT_EQ(r, 0) << "change " << i;
    ++changes;
  }
  stop = true;
  r1.join();
  r2.join();
  EXPECT_EQ(wrong.load(), 0) << "of " << lookups.load() << " lookups during " << changes
                             << " changes";
  EXPECT_GT(lookups.load(), 0);
  EXPECT_EQ(ip_fib_count(f.fib), live.size());
}

}  // namespace
