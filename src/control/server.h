// The control server: one thread (the main lcore's), poll(), several
// clients, newline-delimited JSON (protocol.h).
//
// Robustness rules, each kept in server.cc:
//  - a request line longer than kMaxRequest is answered with an error and
//    skipped up to its newline; the client stays connected;
//  - a client that disconnects in the middle of a request is dropped with
//    its partial request; replies still owed to a client that shut its
//    write side down are sent before it is closed;
//  - a client that does not read its replies is dropped once more than
//    kMaxPendingOutput bytes wait for it;
//  - beyond kMaxClients connections, a new client gets one error line and
//    is closed;
//  - writes never raise SIGPIPE (MSG_NOSIGNAL).
#pragma once

#include <atomic>
#include <cstddef>
#include <string>
#include <vector>

#include "control/protocol.h"
#include "control/socket_file.h"

namespace strdp::control {

constexpr unsigned kMaxClients = 64;
constexpr size_t kMaxPendingOutput = 4u << 20;

class Server {
 public:
  explicit Server(Dispatcher &d);
  ~Server();
  Server(const Server &) = delete;
  Server &operator=(const Server &) = delete;

  // Creates the socket file (SocketFile::open). False and *why on failure.
  bool open(const std::string &path, unsigned mode, const std::string &group, std::string *why);
  // Serves until `stop` is set (checked at least every kPollMs) or wake()
  // is called after setting it.
  void serve(const std::atomic<bool> &stop);
  // Any thread (not a signal handler): makes serve() look at `stop` now.
  void wake();
  // Disconnects every client and removes the socket file.
  void close();
  const std::string &path() const { return sock_.path(); }
  size_t clients() const { return clients_.size(); }

  static constexpr int kPollMs = 200;

 private:
  struct Client {
    int fd = -1;
    std::string in;    // bytes of the request being read
    std::string out;   // replies not yet written
    bool skipping = false;  // inside an over-long line: drop up to '\n'
    bool eof = false;       // peer shut its write side down
  };
  void accept_all();
  bool read_from(Client &c);   // false: drop the client
  bool write_to(Client &c);    // false: drop the client
  void take_lines(Client &c);

  Dispatcher &d_;
  SocketFile sock_;
  int wake_fd_ = -1;
  std::vector<Client> clients_;
};

}  // namespace strdp::control
