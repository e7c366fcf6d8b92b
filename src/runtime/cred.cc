// Credentials: cred_t accessors, the daemon's own credentials, and the
// credentials of a peer process.
//
// A NULL cred_t stands for "no credentials": it reads as uid/gid -1 and
// drv_priv() refuses it, so a path that forgot to pass credentials fails
// closed instead of acting with the daemon's.
#include "runtime/cred.h"

#include <strdp/ddi.h>

#include <cerrno>
#include <unistd.h>

namespace strdp {

cred make_peer_cred(pid_t pid, uid_t uid, gid_t gid) noexcept {
  return cred{uid, gid, uid, gid, pid};
}

}  // namespace strdp

namespace {
constexpr uid_t kNoUid = static_cast<uid_t>(-1);
constexpr gid_t kNoGid = static_cast<gid_t>(-1);
}  // namespace

extern "C" cred_t *strdp_kcred(void) {
  // Read once: a daemon that drops privileges does it before serving
  // anyone, and a stable pointer lets callers keep it without a reference.
  // pid 0: crgetpid() reports 0 for in-process callers.
  static cred kcred{geteuid(), getegid(), getuid(), getgid(), 0};
  return &kcred;
}

extern "C" uid_t crgetuid(const cred_t *cr) { return cr ? cr->cr_uid : kNoUid; }
extern "C" gid_t crgetgid(const cred_t *cr) { return cr ? cr->cr_gid : kNoGid; }
extern "C" uid_t crgetruid(const cred_t *cr) {
  return cr ? cr->cr_ruid : kNoUid;
}
extern "C" gid_t crgetrgid(const cred_t *cr) {
  return cr ? cr->cr_rgid : kNoGid;
}
extern "C" pid_t crgetpid(const cred_t *cr) { return cr ? cr->cr_pid : 0; }

extern "C" int drv_priv(cred_t *cr) {
  return cr && cr->cr_uid == 0 ? 0 : EPERM;
}
