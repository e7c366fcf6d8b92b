// Child processes: posix_spawn (no fork of a DPDK process's address
// space), pipes with poll() against a deadline, kill and reap at the end.
#include "proc.h"

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <thread>

extern char **environ;

namespace strdp::test {
namespace {

int exit_code(int st) {
  if (WIFEXITED(st)) return WEXITSTATUS(st);
  if (WIFSIGNALED(st)) return 128 + WTERMSIG(st);
  return -1;
}

// Spawns argv with stdin from in_fd (or /dev/null if -1), stdout to
// out_fd, stderr to out_fd if err_to_out; returns 0 or an errno.
int spawn(const std::vector<std::string> &argv, int in_fd, int out_fd, bool err_to_out,
          pid_t *pid) {
  std::vector<char *> av;
  for (const std::string &a : argv) av.push_back(const_cast<char *>(a.c_str()));
  av.push_back(nullptr);
  posix_spawn_file_actions_t fa;
  posix_spawn_file_actions_init(&fa);
  if (in_fd >= 0)
    posix_spawn_file_actions_adddup2(&fa, in_fd, 0);
  else
    posix_spawn_file_actions_addopen(&fa, 0, "/dev/null", O_RDONLY, 0);
  posix_spawn_file_actions_adddup2(&fa, out_fd, 1);
  if (err_to_out) posix_spawn_file_actions_adddup2(&fa, out_fd, 2);
  // A child must not inherit our signal mask or dispositions (gtest and
  // EAL threads may have changed them).
  posix_spawnattr_t at;
  posix_spawnattr_init(&at);
  sigset_t none, all;
  sigemptyset(&none);
  sigfillset(&all);
  posix_spawnattr_setsigmask(&at, &none);
  posix_spawnattr_setsigdefault(&at, &all);
  // Its own process group, so that it and whatever it starts (timeout(1)
  // starts tcpdump) can be signalled together.
  posix_spawnattr_setpgroup(&at, 0);
  posix_spawnattr_setflags(&at,
                           POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF | POSIX_SPAWN_SETPGROUP);
  int e = posix_spawnp(pid, av[0], &fa, &at, av.data(), environ);
  posix_spawnattr_destroy(&at);
  posix_spawn_file_actions_destroy(&fa);
  return e;
}

// Reads what is there (waiting up to ms); 0 at end of file, -1 when
// nothing came in time, else the bytes read.
ssize_t read_some(int fd, std::string *to, int ms) {
  pollfd p{fd, POLLIN, 0};
  int r;
  do {
    r = poll(&p, 1, ms);
  } while (r < 0 && errno == EINTR);
  if (r <= 0) return -1;
  char b[4096];
  ssize_t n;
  do {
    n = read(fd, b, sizeof b);
  } while (n < 0 && errno == EINTR);
  if (n > 0) to->append(b, static_cast<size_t>(n));
  return n < 0 ? 0 : n;
}

}  // namespace

int Deadline::ms_left() const {
  auto left = std::chrono::duration_cast<Millis>(end_ - std::chrono::steady_clock::now());
  return left.count() > 0 ? static_cast<int>(left.count()) : 0;
}

CmdResult run_cmd(const std::vector<std::string> &argv, Millis limit) {
  CmdResult r;
  int p[2];
  if (pipe2(p, O_CLOEXEC) != 0) return r;
  pid_t pid;
  int e = spawn(argv, -1, p[1], true, &pid);
  close(p[1]);
  if (e != 0) {
    close(p[0]);
    r.out = std::string("cannot run: ") + strerror(e);
    return r;
  }
  r.started = true;
  Deadline d(limit);
  while (!d.passed())
    if (read_some(p[0], &r.out, d.ms_left()) == 0) break;
  close(p[0]);
  int st = 0;
  if (d.passed() && waitpid(pid, &st, WNOHANG) == 0) {
    kill(-pid, SIGKILL);
    r.timed_out = true;
  }
  while (waitpid(pid, &st, 0) < 0 && errno == EINTR) {
  }
  r.status = exit_code(st);
  return r;
}

std::string describe(const std::vector<std::string> &argv, const CmdResult &r) {
  std::string s;
  for (const std::string &a : argv) s += a + " ";
  if (!r.started) return s + ": " + r.out;
  s += r.timed_out ? ": timed out" : ": status " + std::to_string(r.status);
  return s + ": " + r.out;
}

Child::~Child() {
  if (pid_ > 0) {
    // Politely first (timeout(1) passes SIGTERM on), then for good.
    signal(SIGTERM);
    if (wait(Deadline(Millis(2000))) == -1) {
      signal(SIGKILL);
      reap_now();
    }
  }
  if (in_ >= 0) close(in_);
  if (out_ >= 0) close(out_);
}

int Child::start(const std::vector<std::string> &argv, bool err_to_out) {
  int ip[2], op[2];
  if (pipe2(ip, O_CLOEXEC) != 0) return errno;
  if (pipe2(op, O_CLOEXEC) != 0) {
    int e = errno;
    close(ip[0]);
    close(ip[1]);
    return e;
  }
  int e = spawn(argv, ip[0], op[1], err_to_out, &pid_);
  close(ip[0]);
  close(op[1]);
  if (e != 0) {
    pid_ = -1;
    close(ip[1]);
    close(op[0]);
    return e;
  }
  in_ = ip[1];
  out_ = op[0];
  return 0;
}

bool Child::read_line(std::string *line, const Deadline &d) {
  for (;;) {
    if (size_t nl = buf_.find('\n'); nl != std::string::npos) {
      *line = buf_.substr(0, nl);
      buf_.erase(0, nl + 1);
      return true;
    }
    if (out_ < 0 || d.passed()) return false;
    if (read_some(out_, &buf_, d.ms_left()) == 0) {  // end of output
      close(out_);
      out_ = -1;
    }
  }
}

bool Child::expect_line(const std::string &prefix, std::string *line, const Deadline &d) {
  std::string l;
  while (read_line(&l, d)) {
    if (l.compare(0, prefix.size(), prefix) == 0) {
      *line = l;
      return true;
    }
    skipped_ += l + "\n";
  }
  return false;
}

bool Child::write_line(const std::string &s) {
  if (in_ < 0) return false;
  std::string l = s + "\n";
  // A peer that died must not kill us with SIGPIPE: MSG_NOSIGNAL needs a
  // socket, so block the signal around the write instead.
  sigset_t pipe_set, old;
  sigemptyset(&pipe_set);
  sigaddset(&pipe_set, SIGPIPE);
  pthread_sigmask(SIG_BLOCK, &pipe_set, &old);
  ssize_t n = write(in_, l.data(), l.size());
  if (n < 0 && errno == EPIPE) {
    timespec zero{0, 0};
    sigtimedwait(&pipe_set, nullptr, &zero);  // drop the pending SIGPIPE
  }
  pthread_sigmask(SIG_SETMASK, &old, nullptr);
  return n == static_cast<ssize_t>(l.size());
}

void Child::close_stdin() {
  if (in_ >= 0) close(in_);
  in_ = -1;
}

void Child::signal(int sig) {
  if (pid_ <= 0) return;
  if (kill(-pid_, sig) != 0) kill(pid_, sig);  // the group, or the child alone
}

int Child::wait(const Deadline &d) {
  if (pid_ <= 0) return status_;
  for (;;) {
    int st;
    pid_t r = waitpid(pid_, &st, WNOHANG);
    if (r == pid_) {
      pid_ = -1;
      status_ = exit_code(st);
      return status_;
    }
    if (r < 0 && errno != EINTR) {
      pid_ = -1;
      return status_;
    }
    if (d.passed()) return -1;
    std::this_thread::sleep_for(Millis(5));
  }
}

std::string Child::rest() {
  Deadline d(Millis(1000));
  while (out_ >= 0 && !d.passed())
    if (read_some(out_, &buf_, d.ms_left()) == 0) {
      close(out_);
      out_ = -1;
    }
  std::string r;
  r.swap(buf_);
  return r;
}

void Child::reap_now() {
  int st;
  while (waitpid(pid_, &st, 0) < 0 && errno == EINTR) {
  }
  pid_ = -1;
  status_ = exit_code(st);
}

}  // namespace strdp::test
