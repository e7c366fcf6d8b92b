// main() for every GoogleTest binary: EAL with --no-huge, so the unit
// tiers run on any machine (no hugepages, no NIC, no root).
#include "eal_env.h"

#include <gtest/gtest.h>
#include <rte_eal.h>
#include <rte_errno.h>

#include <cstdio>
#include <filesystem>
#include <string>
#include <unistd.h>
#include <vector>

namespace strdp::test {

strdp_sched_t *sched() { return strdp_sched_current(); }

unsigned drain() { return strdp_sched_drain(strdp_sched_current()); }

namespace {

class EalEnvironment : public ::testing::Environment {
 public:
  void SetUp() override {
    std::string prefix = "strdp-test-" + std::to_string(getpid());
    std::vector<std::string> args = {
        "strdp-test", "--no-huge",  "-m",          "512",
        "--no-pci",   "--no-shconf", "-l",         "0",
        "--file-prefix", prefix,    "--log-level", "*:error",
        "--vdev", "net_null0", "--vdev", "net_null1"};
    if (extra_eal_args != nullptr) {
      std::vector<std::string> extra = extra_eal_args();
      for (const std::string &a : extra)
        if (a == "-l" || a == "--lcores") {
          args.erase(args.begin() + 6, args.begin() + 8);  // the default "-l 0"
          break;
        }
      args.insert(args.end(), extra.begin(), extra.end());
    }
    std::vector<char *> argv;
    for (auto &a : args) argv.push_back(a.data());
    ASSERT_GE(rte_eal_init(static_cast<int>(argv.size()), argv.data()), 0)
        << "rte_eal_init failed: " << rte_strerror(rte_errno);
    ASSERT_EQ(strdp_runtime_init(nullptr), 0);
  }
  void TearDown() override {
    strdp_runtime_fini();
    // EAL leaves its runtime directory behind even with --no-shconf: one
    // per test run would pile up in /var/run/dpdk.
    std::string dir = rte_eal_get_runtime_dir();
    rte_eal_cleanup();
    std::error_code ec;
    std::filesystem::remove_all(dir, ec);
  }
};

}  // namespace
}  // namespace strdp::test

int main(int argc, char **argv) {
  ::testing::InitGoogleTest(&argc, argv);
  ::testing::AddGlobalTestEnvironment(new strdp::test::EalEnvironment);
  return RUN_ALL_TESTS();
}
