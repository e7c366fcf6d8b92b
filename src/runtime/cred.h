// Credentials (cred_t). Not installed: modules see cred_t as opaque and
// read it with crgetuid() and friends.
#pragma once

#include <strdp/stream.h>

#include <sys/types.h>

struct cred {
  uid_t cr_uid;   // effective user id: what drv_priv() checks
  gid_t cr_gid;   // effective group id
  uid_t cr_ruid;  // real user id
  gid_t cr_rgid;  // real group id
  pid_t cr_pid;   // the process on the other end, 0 for in-process callers
};

namespace strdp {

// The credentials of a peer process as SO_PEERCRED reports them (one uid
// and gid: the effective ones, which are also taken as the real ones).
// The caller owns the storage, typically inside its per-stream state.
cred make_peer_cred(pid_t pid, uid_t uid, gid_t gid) noexcept;

}  // namespace strdp
