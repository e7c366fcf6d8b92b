// The control socket's file: its directory, a stale file left by a
// daemon that died, another daemon still answering, mode and group.
#pragma once

#include <sys/socket.h>
#include <sys/types.h>

#include <string>

namespace strdp::control {

class SocketFile {
 public:
  SocketFile() = default;
  ~SocketFile() { close(); }
  SocketFile(const SocketFile &) = delete;
  SocketFile &operator=(const SocketFile &) = delete;

  // Creates the directory (0755) if missing; if `path` exists: refuses
  // when it is not a socket or when a daemon answers on it, removes it
  // when nobody does (stale). Then binds a listening socket there with
  // file mode `mode` and group `group` (when not empty). The socket is
  // created 0600 and widened afterwards, so nobody outside `mode`
  // connects in between. -1 and *why on failure, nothing left behind.
  // type: SOCK_STREAM (control) or SOCK_SEQPACKET (applications).
  int open(const std::string &path, unsigned mode, const std::string &group, std::string *why,
           int type = SOCK_STREAM);
  // Closes the listener and removes the file if it is still ours.
  void close();
  int fd() const { return fd_; }
  const std::string &path() const { return path_; }

 private:
  int fd_ = -1;
  std::string path_;
  dev_t dev_ = 0;
  ino_t ino_ = 0;
};

}  // namespace strdp::control
