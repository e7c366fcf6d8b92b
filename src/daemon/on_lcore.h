// Running control-plane code on the lcore that owns a stream.
//
// Every queue belongs to one scheduler; only its thread may touch it
// (docs/architecture.md). A control thread therefore never plumbs a lane
// itself: it hands a function to the lane's scheduler, which runs it
// between two passes of its service loop (strdp_sched_call), when no put
// or service procedure is on that lcore's stack, and waits for it.
#pragma once

#include <strdp/strdp.h>

#include <type_traits>

namespace strdp::daemon {

// Runs f() on s's thread between passes and returns when it has run.
// False (errno set) when the request could not be posted.
template <class F>
bool on_lcore(strdp_sched_t *s, F &&f) {
  using Fn = std::remove_reference_t<F>;
  auto trampoline = [](void *p) { (*static_cast<Fn *>(p))(); };
  return strdp_sched_call(s, trampoline, static_cast<void *>(&f)) == 0;
}

}  // namespace strdp::daemon
