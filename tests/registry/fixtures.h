// Stand-in modules and drivers for the registry tests: valid tables whose
// procedures are never run (no stream is opened on them).
#pragma once

#include <strdp/strdp.h>

#include <algorithm>
#include <cstring>

namespace strdp::test {

inline int nop_open(queue_t *, dev_t *, int, int, cred_t *) { return 0; }
inline int nop_close(queue_t *, int, cred_t *) { return 0; }
inline int nop_put(queue_t *, mblk_t *mp) {
  freemsg(mp);
  return 0;
}

inline char kMinfoName[] = "fixture";
inline module_info fixture_minfo = {1, kMinfoName, 0, INFPSZ, 1024, 256};
inline qinit fixture_rinit = {nop_put, nullptr, nop_open, nop_close,
                              nullptr, &fixture_minfo, nullptr};
inline qinit fixture_winit = {nop_put, nullptr, nullptr, nullptr,
                              nullptr, &fixture_minfo, nullptr};
inline streamtab fixture_tab = {&fixture_rinit, &fixture_winit, nullptr,
                                nullptr};

// Driver-style: no read put procedure, which drivers may omit.
inline qinit driver_rinit = {nullptr, nullptr, nop_open, nop_close,
                             nullptr, &fixture_minfo, nullptr};
inline streamtab driver_tab = {&driver_rinit, &fixture_winit, nullptr,
                               nullptr};

inline fmodsw make_fmodsw(const char *name, streamtab *st = &fixture_tab) {
  fmodsw f{};
  // Nine characters fill f_name with no NUL, as a careless module might.
  std::memcpy(f.f_name, name, std::min(std::strlen(name), sizeof(f.f_name)));
  f.f_str = st;
  f.f_flag = D_MP;
  return f;
}

}  // namespace strdp::test
