// The one streamsd of a test binary, as a gtest environment: started
// before the first test into *slot, stopped after the last, and its stop
// checked (0: no buffer leaked).
#pragma once

#include <gtest/gtest.h>

#include <string>

#include "daemon.h"

namespace apptest {

class DaemonEnv : public ::testing::Environment {
 public:
  // extra/eal as for Daemon::start; an empty eal is start's default.
  explicit DaemonEnv(Daemon **slot, std::string extra = kDevices, std::string eal = "")
      : slot_(slot), extra_(std::move(extra)), eal_(std::move(eal)) {}
  void SetUp() override {
    *slot_ = new Daemon;
    ASSERT_TRUE(eal_.empty() ? (*slot_)->start(extra_) : (*slot_)->start(extra_, eal_));
  }
  void TearDown() override {
    EXPECT_EQ((*slot_)->stop(), 0) << "streamsd stops clean: no buffer leaked";
    delete *slot_;
    *slot_ = nullptr;
  }

 private:
  Daemon **slot_;
  std::string extra_, eal_;
};

}  // namespace apptest
