// Test harness: brings up DPDK EAL without hugepages and the strdp runtime
// once per test binary; every test runs on the main lcore's scheduler.
#pragma once

#include <strdp/strdp.h>

#include <string>
#include <vector>

namespace strdp::test {

// The scheduler of the test thread (made by strdp_runtime_init).
strdp_sched_t *sched();

// Runs the test thread's scheduler until it has nothing left to do.
unsigned drain();

// A test binary that needs other EAL arguments (virtual devices, more
// lcores) defines this; what it returns is appended to the defaults, and
// an "-l" in it replaces the default "-l 0".
__attribute__((weak)) std::vector<std::string> extra_eal_args();

}  // namespace strdp::test
