// The client side of the control protocol (strctl, tests): connect to
// the daemon's socket, send one request line, read one reply line.
// Needs no DPDK.
#pragma once

#include <nlohmann/json.hpp>

#include <string>

namespace strdp::control {

class Client {
 public:
  Client() = default;
  ~Client();
  Client(const Client &) = delete;
  Client &operator=(const Client &) = delete;

  // Connects to `path`. False with *why and *err: ENOENT (no socket: the
  // daemon is not running), ECONNREFUSED (a socket nobody answers on: the
  // daemon died), EACCES (the socket's mode or group keeps us out), or
  // what connect(2) said.
  bool connect(const std::string &path, std::string *why, int *err = nullptr);
  // Sends `line` (a newline is added) and reads one reply line, waiting
  // at most timeout_ms. False with *why on I/O failure or timeout.
  bool call_raw(const std::string &line, std::string *reply, std::string *why,
                int timeout_ms = 60000);
  // The same with JSON; a reply that is not JSON is a failure.
  bool call(const nlohmann::json &req, nlohmann::json *reply, std::string *why,
            int timeout_ms = 60000);
  int fd() const { return fd_; }

 private:
  int fd_ = -1;
  std::string buf_;  // bytes read past the last reply
};

}  // namespace strdp::control
