// Control protocol client (see client.h).
#include "control/client.h"

#include <poll.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <cstring>

namespace strdp::control {

Client::~Client() {
  if (fd_ >= 0) ::close(fd_);
}

bool Client::connect(const std::string &path, std::string *why, int *err) {
  auto fail = [&](int e, const std::string &msg) {
    if (err != nullptr) *err = e;
    *why = msg;
    return false;
  };
  sockaddr_un a{};
  if (path.empty() || path.size() >= sizeof a.sun_path)
    return fail(ENAMETOOLONG, "socket path \"" + path + "\" is empty or too long");
  a.sun_family = AF_UNIX;
  memcpy(a.sun_path, path.c_str(), path.size() + 1);
  int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
  if (fd < 0) return fail(errno, std::string("socket: ") + strerror(errno));
  if (::connect(fd, reinterpret_cast<sockaddr *>(&a), sizeof a) != 0) {
    int e = errno;
    ::close(fd);
    switch (e) {
      case ENOENT:
        return fail(e, "streamsd is not running (no socket " + path + ")");
      case ECONNREFUSED:
        return fail(e, "streamsd is not running (nobody answers on " + path + ")");
      case EACCES:
      case EPERM:
        return fail(e, "permission denied on " + path +
                           " (the socket's mode and group say who may connect)");
      default:
        return fail(e, "connect " + path + ": " + strerror(e));
    }
  }
  if (fd_ >= 0) ::close(fd_);
  fd_ = fd;
  buf_.clear();
  return true;
}

bool Client::call_raw(const std::string &line, std::string *reply, std::string *why,
                      int timeout_ms) {
  if (fd_ < 0) {
    *why = "not connected";
    return false;
  }
  std::string out = line + "\n";
  for (size_t off = 0; off < out.size();) {
    ssize_t n = send(fd_, out.data() + off, out.size() - off, MSG_NOSIGNAL);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) {
      *why = std::string("send: ") + strerror(errno);
      return false;
    }
    off += static_cast<size_t>(n);
  }
  auto deadline = std::chrono::steady_clock::now() + std::chrono::milliseconds(timeout_ms);
  for (;;) {
    size_t nl = buf_.find('\n');
    if (nl != std::string::npos) {
      *reply = buf_.substr(0, nl);
      buf_.erase(0, nl + 1);
      return true;
    }
    auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
                    deadline - std::chrono::steady_clock::now())
                    .count();
    if (left <= 0) {
      *why = "no reply from streamsd within " + std::to_string(timeout_ms / 1000) + " s";
      return false;
    }
    pollfd p{fd_, POLLIN, 0};
    int r = poll(&p, 1, static_cast<int>(left));
    if (r < 0 && errno == EINTR) continue;
    if (r <= 0) continue;
    char b[16384];
    ssize_t n = recv(fd_, b, sizeof b, 0);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) {
      *why = n == 0 ? "streamsd closed the connection" : std::string("recv: ") + strerror(errno);
      return false;
    }
    buf_.append(b, static_cast<size_t>(n));
  }
}

bool Client::call(const nlohmann::json &req, nlohmann::json *reply, std::string *why,
                  int timeout_ms) {
  std::string line;
  if (!call_raw(req.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace), &line, why,
                timeout_ms))
    return false;
  *reply = nlohmann::json::parse(line, nullptr, false);
  if (reply->is_discarded() || !reply->is_object()) {
    *why = "streamsd sent a reply that is not a JSON object";
    return false;
  }
  return true;
}

}  // namespace strdp::control
