// Exit status 77 when every test of the binary skipped, so meson reports
// SKIP rather than OK for a kernel-side binary that could not run here
// (each test has printed its reason). Any test that ran, passed or
// failed, leaves the status to gtest.
//
// Linked into each test executable itself (not from a static library,
// where nothing would pull this object in).
#include <gtest/gtest.h>

#include <cstdio>
#include <cstdlib>

namespace {

class SkipStatus : public ::testing::EmptyTestEventListener {
  // After the environments are torn down and the XML report is written.
  void OnTestProgramEnd(const ::testing::UnitTest &u) override {
    if (u.test_to_run_count() > 0 && u.skipped_test_count() == u.test_to_run_count() &&
        u.Passed()) {
      std::printf("every test skipped: exit status 77 (meson: SKIP)\n");
      std::fflush(nullptr);
      std::exit(77);
    }
  }
};

// Before main(): the listener list is the UnitTest singleton's, which
// InitGoogleTest() keeps.
const bool installed = [] {
  ::testing::UnitTest::GetInstance()->listeners().Append(new SkipStatus);
  return true;
}();

}  // namespace
