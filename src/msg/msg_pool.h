// Message buffer pools: what allocb() draws from. Not installed.
#pragma once

#include <strdp/strdp.h>

#include <cstddef>

namespace strdp {

// Creates the default message pool(s) for every socket EAL knows.
// 0 on success, else an errno value (ENOMEM, ...).
int msg_pools_init(const strdp_runtime_conf &conf);
void msg_pools_fini();

// True if allocb(size) would find a buffer now (testb, bufcall polling).
bool msg_can_alloc(size_t size);

}  // namespace strdp
