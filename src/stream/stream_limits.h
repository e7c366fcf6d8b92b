// Per-process limits of the stream layer, fixed by strdp_runtime_init()
// before any stream opens. Not installed.
//
// The stream layer owns them so that it needs nothing from the runtime
// above it: src/runtime/runtime.cc includes the layers it starts and
// stops (msg, sched, stream), never the other way round.
#pragma once

namespace strdp {

struct StreamLimits {
  unsigned nstrpush = 9;  // modules per stream (streamio: I_PUSH EINVAL past it)
};

const StreamLimits &stream_limits();
void set_stream_limits(const StreamLimits &l);

}  // namespace strdp
