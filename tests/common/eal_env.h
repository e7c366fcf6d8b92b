// Test harness: brings up DPDK EAL without hugepages and the strdp runtime
// once per test binary; every test runs on the main lcore's scheduler.
#pragma once

#include <strdp/strdp.h>

namespace strdp::test {

// The scheduler of the test thread (made by strdp_runtime_init).
strdp_sched_t *sched();

// Runs the test thread's scheduler until it has nothing left to do.
unsigned drain();

}  // namespace strdp::test
