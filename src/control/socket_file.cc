// The control socket's file (see socket_file.h).
#include "control/socket_file.h"

#include <grp.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <filesystem>
#include <vector>

namespace strdp::control {

namespace {

constexpr int kBacklog = 16;

bool make_addr(const std::string &path, sockaddr_un *a) {
  if (path.empty() || path.size() >= sizeof a->sun_path) return false;
  memset(a, 0, sizeof *a);
  a->sun_family = AF_UNIX;
  memcpy(a->sun_path, path.c_str(), path.size() + 1);
  return true;
}

// 1: someone answers, 0: nobody (stale), -1: cannot tell (*why).
int probe(const sockaddr_un &a, int type, std::string *why) {
  int fd = socket(AF_UNIX, type | SOCK_CLOEXEC, 0);
  if (fd < 0) {
    *why = std::string("socket: ") + strerror(errno);
    return -1;
  }
  int r = connect(fd, reinterpret_cast<const sockaddr *>(&a), sizeof a);
  int err = errno;
  ::close(fd);
  if (r == 0 || err == EAGAIN) return 1;  // EAGAIN: a listener with a full backlog
  if (err == ECONNREFUSED) return 0;
  if (err == EPROTOTYPE) return 1;  // a listener of another socket type answers
  *why = std::string("cannot probe the existing socket: ") + strerror(err);
  return -1;
}

bool group_id(const std::string &name, gid_t *gid, std::string *why) {
  group gr{}, *res = nullptr;
  std::vector<char> buf(16384);
  int r = getgrnam_r(name.c_str(), &gr, buf.data(), buf.size(), &res);
  if (r != 0 || res == nullptr) {
    *why = "no group named \"" + name + "\"";
    return false;
  }
  *gid = gr.gr_gid;
  return true;
}

}  // namespace

int SocketFile::open(const std::string &path, unsigned mode, const std::string &group,
                     std::string *why, int type) {
  close();
  sockaddr_un addr;
  if (!make_addr(path, &addr)) {
    *why = "control socket path \"" + path + "\" is empty or longer than " +
           std::to_string(sizeof addr.sun_path - 1) + " bytes";
    return -1;
  }
  std::error_code ec;
  std::filesystem::path dir = std::filesystem::path(path).parent_path();
  if (!dir.empty() && !std::filesystem::exists(dir, ec)) {
    std::filesystem::create_directories(dir, ec);
    if (ec) {
      *why = "cannot create " + dir.string() + ": " + ec.message();
      return -1;
    }
    ::chmod(dir.c_str(), 0755);
  }
  gid_t gid = static_cast<gid_t>(-1);
  if (!group.empty() && !group_id(group, &gid, why)) return -1;

  struct stat st;
  if (lstat(path.c_str(), &st) == 0) {
    if (!S_ISSOCK(st.st_mode)) {
      *why = path + " exists and is not a socket; not touching it";
      return -1;
    }
    int p = probe(addr, type, why);
    if (p < 0) return -1;
    if (p > 0) {
      *why = "another daemon answers on " + path + "; refusing to start";
      return -1;
    }
    if (::unlink(path.c_str()) != 0) {
      *why = "cannot remove the stale socket " + path + ": " + strerror(errno);
      return -1;
    }
  }

  int fd = socket(AF_UNIX, type | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
  if (fd < 0) {
    *why = std::string("socket: ") + strerror(errno);
    return -1;
  }
  mode_t old = umask(0177);  // the file is born 0600
  int r = bind(fd, reinterpret_cast<sockaddr *>(&addr), sizeof addr);
  int err = errno;
  umask(old);
  if (r != 0) {
    *why = "bind " + path + ": " + strerror(err);
    ::close(fd);
    return -1;
  }
  fd_ = fd;
  path_ = path;
  if (lstat(path.c_str(), &st) == 0) {
    dev_ = st.st_dev;
    ino_ = st.st_ino;
  }
  if (gid != static_cast<gid_t>(-1) && ::chown(path.c_str(), static_cast<uid_t>(-1), gid) != 0) {
    *why = "chgrp " + group + " " + path + ": " + strerror(errno);
    close();
    return -1;
  }
  if (::chmod(path.c_str(), static_cast<mode_t>(mode & 07777)) != 0) {
    *why = "chmod " + path + ": " + strerror(errno);
    close();
    return -1;
  }
  if (listen(fd, kBacklog) != 0) {
    *why = "listen " + path + ": " + strerror(errno);
    close();
    return -1;
  }
  return fd_;
}

void SocketFile::close() {
  if (fd_ < 0) return;
  ::close(fd_);
  fd_ = -1;
  // Remove the file only if it is the one we bound: a second daemon
  // started by mistake must not delete the first one's socket.
  struct stat st;
  if (lstat(path_.c_str(), &st) == 0 && S_ISSOCK(st.st_mode) && st.st_dev == dev_ &&
      st.st_ino == ino_)
    ::unlink(path_.c_str());
  path_.clear();
}

}  // namespace strdp::control
