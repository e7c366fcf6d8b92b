// Child processes for the vdev tests: commands run to completion with a
// time limit, and long-lived peers (tcpdump, the memif server) talked to
// line by line. Every wait has a deadline; a child still running when
// its owner goes is killed and reaped (RAII), so a failing test leaves no
// process behind.
#pragma once

#include <sys/types.h>

#include <chrono>
#include <string>
#include <vector>

namespace strdp::test {

using Millis = std::chrono::milliseconds;

// A point in time a wait must not pass.
class Deadline {
 public:
  explicit Deadline(Millis d) : end_(std::chrono::steady_clock::now() + d) {}
  bool passed() const { return std::chrono::steady_clock::now() >= end_; }
  // Milliseconds left, 0 when passed (for poll()).
  int ms_left() const;

 private:
  std::chrono::steady_clock::time_point end_;
};

struct CmdResult {
  bool started = false;   // the program could be run at all
  bool timed_out = false; // killed at the deadline
  int status = -1;        // exit status, or 128 + signal
  std::string out;        // stdout and stderr together
};

// Runs argv[0] (a path, or a name looked up in PATH) to completion,
// killing it at the deadline.
CmdResult run_cmd(const std::vector<std::string> &argv, Millis limit = Millis(10000));
// "argv[0] argv[1] ...: status N: output", for failure messages.
std::string describe(const std::vector<std::string> &argv, const CmdResult &r);

// A running child, in a process group of its own, whose stdin and stdout
// are pipes to us (stderr is ours unless err_to_out). The destructor
// ends the group if it still runs (SIGTERM, then SIGKILL) and reaps it.
class Child {
 public:
  Child() = default;
  ~Child();
  Child(const Child &) = delete;
  Child &operator=(const Child &) = delete;

  // 0, or an errno (the program could not be started).
  int start(const std::vector<std::string> &argv, bool err_to_out = false);
  pid_t pid() const { return pid_; }
  bool running() const { return pid_ > 0; }

  // The next line of output (without the newline), waiting until the
  // deadline; false at the deadline or at end of output.
  bool read_line(std::string *line, const Deadline &d);
  // Reads lines until one starts with `prefix` (it goes to *line); the
  // lines passed over are kept in skipped() for failure messages.
  bool expect_line(const std::string &prefix, std::string *line, const Deadline &d);
  const std::string &skipped() const { return skipped_; }
  // Writes a line to its stdin; false if it is gone.
  bool write_line(const std::string &s);
  // Closes its stdin (end of input).
  void close_stdin();
  // Sends a signal to its process group (if running).
  void signal(int sig);
  // Waits for it to exit; its status (128 + signal if killed), or -1 at
  // the deadline (still running).
  int wait(const Deadline &d);
  // Everything it wrote that no read_line took yet (after it exited).
  std::string rest();

 private:
  void reap_now();
  pid_t pid_ = -1;
  int in_ = -1, out_ = -1;
  std::string buf_, skipped_;
  int status_ = -1;
};

}  // namespace strdp::test
