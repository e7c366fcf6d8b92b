// ASSERT() as a module built with -DDEBUG sees it: checked, and a failure
// panics. (Without DEBUG it compiles to nothing, as in Solaris.)
#define DEBUG 1
#include <strdp/ddi.h>

#include <gtest/gtest.h>

namespace strdp::test {
namespace {

int checked(int x) {
  ASSERT(x > 0);
  return x;
}

TEST(AssertDeathTest, DebugAssertPanics) {
  GTEST_FLAG_SET(death_test_style, "threadsafe");
  EXPECT_EQ(checked(1), 1);
  EXPECT_DEATH(checked(0), "assertion failed: x > 0, file: .*test_assert_debug.cc");
}

}  // namespace
}  // namespace strdp::test
