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
inline qinit fixture_rinit = {
  .qi_putp = nop_put,
  .qi_qopen = nop_open,
  .qi_qclose = nop_close,
  .qi_minfo = &fixture_minfo,
};
inline qinit fixture_winit = {
  .qi_putp = nop_put,
  .qi_minfo = &fixture_minfo,
};
inline streamtab fixture_tab = {
  .st_rdinit = &fixture_rinit,
  .st_wrinit = &fixture_winit,
};

// Driver-style: no read put procedure, which drivers may omit.
inline qinit driver_rinit = {
  .qi_qopen = nop_open,
  .qi_qclose = nop_close,
  .qi_minfo = &fixture_minfo,
};
inline streamtab driver_tab = {
  .st_rdinit = &driver_rinit,
  .st_wrinit = &fixture_winit,
};

inline fmodsw make_fmodsw(const char *name, streamtab *st = &fixture_tab) {
  fmodsw f{};
  // Nine characters fill f_name with no NUL, as a careless module might.
  std::memcpy(f.f_name, name, std::min(std::strlen(name), sizeof(f.f_name)));
  f.f_str = st;
  f.f_flag = D_MP;
  return f;
}

}  // namespace strdp::test
