// Device numbers, clock ticks, nodev/nulldev, credentials and kmem.
#include <gtest/gtest.h>

#include <cerrno>
#include <climits>
#include <cstdint>
#include <cstring>
#include <unistd.h>

#include <strdp/ddi.h>

#include "runtime/cred.h"

namespace strdp::test {
namespace {

TEST(Ddi, DeviceNumbers) {
  dev_t d = makedevice(7, 42);
  EXPECT_EQ(getmajor(d), 7u);
  EXPECT_EQ(getminor(d), 42u);
  // Solaris' 64-bit layout: 32 bits each.
  dev_t big = makedevice(0xfffffffe, 0xffffffff);
  EXPECT_EQ(getmajor(big), 0xfffffffeu);
  EXPECT_EQ(getminor(big), 0xffffffffu);
  EXPECT_EQ(getminor(makedevice(getmajor(d), 9)), 9u);
}

TEST(Ddi, Ticks) {
  // One tick is one millisecond, and a conversion never comes out short.
  EXPECT_EQ(drv_usectohz(0), 0);
  EXPECT_EQ(drv_usectohz(-5), 0);
  EXPECT_EQ(drv_usectohz(1), 1);
  EXPECT_EQ(drv_usectohz(1000), 1);
  EXPECT_EQ(drv_usectohz(1001), 2);
  EXPECT_EQ(drv_usectohz(1000000), 1000);
  EXPECT_EQ(drv_usectohz(LONG_MAX), LONG_MAX / 1000 + 1);
  EXPECT_EQ(drv_hztousec(0), 0);
  EXPECT_EQ(drv_hztousec(-1), 0);
  EXPECT_EQ(drv_hztousec(5), 5000);
  EXPECT_EQ(drv_hztousec(LONG_MAX), LONG_MAX);  // saturates
  EXPECT_EQ(drv_hztousec(drv_usectohz(250000)), 250000);
}

TEST(Ddi, NodevNulldev) {
  EXPECT_EQ(nodev(), ENXIO);
  EXPECT_EQ(nulldev(), 0);
}

TEST(Cred, KcredIsTheProcess) {
  cred_t *k = strdp_kcred();
  ASSERT_NE(k, nullptr);
  EXPECT_EQ(k, strdp_kcred());
  EXPECT_EQ(crgetuid(k), geteuid());
  EXPECT_EQ(crgetgid(k), getegid());
  EXPECT_EQ(crgetruid(k), getuid());
  EXPECT_EQ(crgetrgid(k), getgid());
  EXPECT_EQ(crgetpid(k), 0);  // in-process
  EXPECT_EQ(drv_priv(k), geteuid() == 0 ? 0 : EPERM);
}

TEST(Cred, PeerCredentials) {
  cred peer = make_peer_cred(1234, 1000, 100);
  EXPECT_EQ(crgetuid(&peer), 1000u);
  EXPECT_EQ(crgetgid(&peer), 100u);
  EXPECT_EQ(crgetruid(&peer), 1000u);
  EXPECT_EQ(crgetrgid(&peer), 100u);
  EXPECT_EQ(crgetpid(&peer), 1234);
  EXPECT_EQ(drv_priv(&peer), EPERM);
  cred root = make_peer_cred(1, 0, 0);
  EXPECT_EQ(drv_priv(&root), 0);
}

TEST(Cred, NullFailsClosed) {
  EXPECT_EQ(drv_priv(nullptr), EPERM);
  EXPECT_EQ(crgetuid(nullptr), static_cast<uid_t>(-1));
  EXPECT_EQ(crgetgid(nullptr), static_cast<gid_t>(-1));
  EXPECT_EQ(crgetpid(nullptr), 0);
}

TEST(Kmem, AllocZallocFree) {
  auto *p = static_cast<unsigned char *>(kmem_alloc(100, KM_SLEEP));
  ASSERT_NE(p, nullptr);
  std::memset(p, 0xa5, 100);
  kmem_free(p, 100);

  auto *z = static_cast<unsigned char *>(kmem_zalloc(4096, KM_SLEEP));
  ASSERT_NE(z, nullptr);
  for (int i = 0; i < 4096; ++i) ASSERT_EQ(z[i], 0) << i;
  EXPECT_EQ(reinterpret_cast<uintptr_t>(z) % alignof(max_align_t), 0u);
  kmem_free(z, 4096);

  void *n = kmem_alloc(64, KM_NOSLEEP);
  EXPECT_NE(n, nullptr);
  kmem_free(n, 64);
  kmem_free(nullptr, 0);  // harmless
}

TEST(Kmem, ZeroSizeIsNullAsInSolaris) {
  EXPECT_EQ(kmem_alloc(0, KM_SLEEP), nullptr);
  EXPECT_EQ(kmem_zalloc(0, KM_NOSLEEP), nullptr);
}

TEST(Kmem, NosleepMayFail) {
  EXPECT_EQ(kmem_alloc(SIZE_MAX - 4096, KM_NOSLEEP), nullptr);
  EXPECT_EQ(kmem_zalloc(SIZE_MAX / 2 + 1, KM_NOSLEEP), nullptr);
}

TEST(KmemDeathTest, SleepNeverReturnsNull) {
  GTEST_FLAG_SET(death_test_style, "threadsafe");
  EXPECT_DEATH(kmem_alloc(SIZE_MAX - 4096, KM_SLEEP),
               "panic: kmem_alloc: impossible size");
}

}  // namespace
}  // namespace strdp::test
