// Who may open what through the apps socket: the rights of a device node
// (owner, group, other; r and w) applied to the peer's SO_PEERCRED
// credentials, so an administrator reasons about a stream as about
// /dev/NAME. Only the peer's primary gid is known (SO_PEERCRED carries no
// supplementary groups): group bits apply to it alone.
#include <fcntl.h>

#include <cerrno>

#include "config/config_impl.h"

namespace strdp::config {

namespace {

constexpr uint32_t kRead = 4;
constexpr uint32_t kWrite = 2;

}  // namespace

const AppDeviceSpec *AppsSpec::device(std::string_view name) const {
  std::string_view bare = detail::strip_dev(name);
  for (const auto &d : devices)
    if (d.name == bare) return &d;
  return nullptr;
}

const AppStreamSpec *AppsSpec::stream(std::string_view name) const {
  std::string_view bare = detail::strip_dev(name);
  for (const auto &s : streams)
    if (s.name == bare) return &s;
  return nullptr;
}

int app_access(const AppsSpec &apps, std::string_view name, int oflag,
               uint32_t uid, uint32_t gid) {
  if (!apps.enabled) return ENOENT;
  const AppDeviceSpec *d = apps.device(name);
  if (!d) d = apps.stream(name);
  if (!d) return ENOENT;
  if (uid == 0) return 0;
  uint32_t bits = uid == d->uid   ? (d->mode >> 6) & 7
                  : gid == d->gid ? (d->mode >> 3) & 7
                                  : d->mode & 7;
  // O_RDONLY is 0: the access mode is a value, not a set of bits. Linux
  // reads the fourth value (O_ACCMODE) as needing both, like O_RDWR.
  uint32_t need;
  switch (oflag & O_ACCMODE) {
    case O_RDONLY: need = kRead; break;
    case O_WRONLY: need = kWrite; break;
    default: need = kRead | kWrite; break;
  }
  return (bits & need) == need ? 0 : EACCES;
}

}  // namespace strdp::config
