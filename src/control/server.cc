// The control server's poll loop (rules in server.h).
#include "control/server.h"

#include <poll.h>
#include <sys/eventfd.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

namespace strdp::control {

Server::Server(Dispatcher &d) : d_(d) {
  wake_fd_ = eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC);
}

Server::~Server() {
  close();
  if (wake_fd_ >= 0) ::close(wake_fd_);
}

bool Server::open(const std::string &path, unsigned mode, const std::string &group,
                  std::string *why) {
  if (wake_fd_ < 0) {
    *why = std::string("eventfd: ") + strerror(errno);
    return false;
  }
  return sock_.open(path, mode, group, why) >= 0;
}

void Server::close() {
  for (Client &c : clients_) ::close(c.fd);
  clients_.clear();
  sock_.close();
}

void Server::wake() {
  uint64_t one = 1;
  if (wake_fd_ >= 0) (void)!::write(wake_fd_, &one, sizeof one);
}

void Server::accept_all() {
  for (;;) {
    int fd = accept4(sock_.fd(), nullptr, nullptr, SOCK_NONBLOCK | SOCK_CLOEXEC);
    if (fd < 0) return;  // EAGAIN, or a client that went away already
    if (clients_.size() >= kMaxClients) {
      std::string line = Dispatcher::error_reply("too many control clients") + "\n";
      (void)!send(fd, line.data(), line.size(), MSG_NOSIGNAL | MSG_DONTWAIT);
      ::close(fd);
      continue;
    }
    Client c;
    c.fd = fd;
    clients_.push_back(std::move(c));
  }
}

// Every complete line in c.in gets its reply appended to c.out; what
// remains is the start of the next request.
void Server::take_lines(Client &c) {
  size_t start = 0;
  for (;;) {
    size_t nl = c.in.find('\n', start);
    if (nl == std::string::npos) break;
    if (c.skipping) {
      c.skipping = false;  // the over-long line ends here; it was answered
    } else {
      size_t end = nl;
      if (end > start && c.in[end - 1] == '\r') --end;
      c.out += d_.handle(std::string_view(c.in).substr(start, end - start));
      c.out += '\n';
    }
    start = nl + 1;
  }
  c.in.erase(0, start);
  if (c.skipping) {
    c.in.clear();  // still inside the over-long line
  } else if (c.in.size() > kMaxRequest) {
    c.out += Dispatcher::error_reply("request longer than " + std::to_string(kMaxRequest) +
                                     " bytes; skipped");
    c.out += '\n';
    c.in.clear();
    c.skipping = true;
  }
}

bool Server::read_from(Client &c) {
  char buf[16384];
  for (;;) {
    ssize_t n = recv(c.fd, buf, sizeof buf, MSG_DONTWAIT);
    if (n > 0) {
      c.in.append(buf, static_cast<size_t>(n));
      take_lines(c);
      if (c.out.size() > kMaxPendingOutput) return false;  // it does not read
      continue;
    }
    if (n == 0) {
      // Disconnected, maybe mid-request: the partial line is dropped.
      c.eof = true;
      c.in.clear();
      return !c.out.empty();
    }
    if (errno == EINTR) continue;
    return errno == EAGAIN || errno == EWOULDBLOCK;
  }
}

bool Server::write_to(Client &c) {
  while (!c.out.empty()) {
    ssize_t n = send(c.fd, c.out.data(), c.out.size(), MSG_NOSIGNAL | MSG_DONTWAIT);
    if (n > 0) {
      c.out.erase(0, static_cast<size_t>(n));
      continue;
    }
    if (n < 0 && errno == EINTR) continue;
    if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) return true;
    return false;  // EPIPE, ECONNRESET: gone
  }
  return !c.eof;  // all written: a client that hung up can go now
}

void Server::serve(const std::atomic<bool> &stop) {
  std::vector<pollfd> fds;
  while (!stop.load(std::memory_order_relaxed)) {
    fds.clear();
    fds.push_back({wake_fd_, POLLIN, 0});
    fds.push_back({sock_.fd(), POLLIN, 0});
    for (const Client &c : clients_) {
      short ev = c.eof ? 0 : POLLIN;
      if (!c.out.empty()) ev |= POLLOUT;
      fds.push_back({c.fd, ev, 0});
    }
    int n = poll(fds.data(), fds.size(), kPollMs);
    if (n < 0) {
      if (errno == EINTR) continue;  // a signal: look at `stop`
      return;
    }
    if (n == 0) continue;
    if (fds[0].revents & POLLIN) {
      uint64_t v;
      (void)!::read(wake_fd_, &v, sizeof v);
    }
    // Clients first (indices match fds[2..]), then new connections.
    std::vector<Client> keep;
    keep.reserve(clients_.size());
    for (size_t i = 0; i < clients_.size(); ++i) {
      Client &c = clients_[i];
      short re = fds[i + 2].revents;
      bool alive = true;
      if (re & (POLLIN | POLLHUP | POLLERR)) alive = read_from(c);
      if (alive && !c.out.empty()) alive = write_to(c);
      if (alive && c.eof && c.out.empty()) alive = false;
      if (alive)
        keep.push_back(std::move(c));
      else
        ::close(c.fd);
    }
    clients_.swap(keep);
    if (fds[1].revents & POLLIN) accept_all();
  }
}

}  // namespace strdp::control
