// Process-wide settings fixed at strdp_runtime_init(). Not installed.
#pragma once

namespace strdp {

struct RuntimeConfig {
  unsigned nstrpush = 9;  // modules per stream (streamio: I_PUSH EINVAL past it)
};

const RuntimeConfig &runtime_config();

}  // namespace strdp
