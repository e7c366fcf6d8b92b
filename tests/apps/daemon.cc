#include "daemon.h"

#include <signal.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <thread>

namespace apptest {

using nlohmann::json;

const char kDevices[] = R"(
[[apps.device]]
name = "echo"
mode = "0666"

[[apps.device]]
name = "loop"
mode = "0666"

[[apps.device]]
name = "xconn"
owner = "root"
group = "root"
mode = "0600"
)";

bool Daemon::start(const std::string &extra, const std::string &eal) {
  // The test modules (upctl) are found in the tests' build folder, after
  // the build's modules ($STRDP_TEST_MODULES, set by meson).
  if (const char *t = std::getenv("STRDP_TEST_MODULES")) {
    const char *cur = std::getenv("STRDP_MODULE_PATH");
    std::string path = cur != nullptr ? cur : "";
    if (path.find(t) == std::string::npos) {
      path += (path.empty() ? "" : ":") + std::string(t);
      setenv("STRDP_MODULE_PATH", path.c_str(), 1);
    }
  }
  char tmpl[] = "/tmp/strdp-apps-XXXXXX";
  if (mkdtemp(tmpl) == nullptr) return false;
  dir_ = tmpl;
  chmod(dir_.c_str(), 0755);  // tests that drop privileges connect too
  apps_ = dir_ + "/apps.sock";
  ctl_ = dir_ + "/ctl.sock";
  std::string cfg = dir_ + "/streamsd.toml";
  {
    std::ofstream f(cfg);
    f << "telemetry = false\n\n[eal]\nargs = [" << eal << ", \"--no-huge\", \"-m\", \"256\", "
         "\"--no-pci\", \"--no-telemetry\", \"--file-prefix=strdp-apps-"
      << getpid() << "-" << rand() << "\"]\n\n[control]\nsocket = \"" << ctl_
      << "\"\n\n[apps]\nsocket = \"" << apps_ << "\"\nmode = \"0666\"\n"
      << extra << "\n";
  }
  const char *exe = getenv("STREAMSD");
  if (exe == nullptr) {
    fprintf(stderr, "STREAMSD is not set (meson test sets it)\n");
    return false;
  }
  std::string log = dir_ + "/streamsd.log";
  pid_ = fork();
  if (pid_ == 0) {
    FILE *l = fopen(log.c_str(), "w");
    if (l != nullptr) {
      dup2(fileno(l), 1);
      dup2(fileno(l), 2);
    }
    execl(exe, exe, "-c", cfg.c_str(), static_cast<char *>(nullptr));
    _exit(127);
  }
  for (int i = 0; i < 600; ++i) {  // up to 60 s: sanitizer builds start slowly
    struct stat st;
    if (stat(apps_.c_str(), &st) == 0 && !request({{"cmd", "list"}}).empty()) {
      setenv("STRDP_SOCKET", apps_.c_str(), 1);
      return true;
    }
    int status;
    if (waitpid(pid_, &status, WNOHANG) == pid_) {
      pid_ = -1;
      fprintf(stderr, "streamsd exited at start; its log:\n");
      std::ifstream in(log);
      std::string line;
      while (std::getline(in, line)) fprintf(stderr, "  %s\n", line.c_str());
      return false;
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
  }
  fprintf(stderr, "streamsd did not open %s in time\n", apps_.c_str());
  return false;
}

int Daemon::stop() {
  if (pid_ < 0) return -1;
  kill(pid_, SIGTERM);
  int status = 0, rc = -1;
  bool done = false;
  for (int i = 0; i < 300 && !done; ++i) {
    if (waitpid(pid_, &status, WNOHANG) == pid_) {
      done = true;
      rc = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
    } else {
      std::this_thread::sleep_for(std::chrono::milliseconds(100));
    }
  }
  if (!done) {
    kill(pid_, SIGKILL);
    waitpid(pid_, &status, 0);
  }
  pid_ = -1;
  if (rc != 0) {
    fprintf(stderr, "streamsd stopped with status %d (%s); its log:\n", rc,
            done ? (WIFSIGNALED(status) ? strsignal(WTERMSIG(status)) : "exit") : "killed");
    std::ifstream in(dir_ + "/streamsd.log");
    std::string line;
    while (std::getline(in, line)) fprintf(stderr, "  %s\n", line.c_str());
  }
  return rc;
}

Daemon::~Daemon() {
  stop();
  if (!dir_.empty()) {
    std::string cmd = "rm -rf '" + dir_ + "'";
    if (system(cmd.c_str()) != 0) {
    }
  }
}

json Daemon::request(const json &req) const {
  int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
  sockaddr_un a{};
  a.sun_family = AF_UNIX;
  snprintf(a.sun_path, sizeof a.sun_path, "%s", ctl_.c_str());
  if (fd < 0 || connect(fd, reinterpret_cast<sockaddr *>(&a), sizeof a) != 0) {
    if (fd >= 0) close(fd);
    return {};
  }
  std::string line = req.dump() + "\n";
  if (send(fd, line.data(), line.size(), MSG_NOSIGNAL) != static_cast<ssize_t>(line.size())) {
    close(fd);
    return {};
  }
  std::string in;
  char buf[4096];
  while (in.find('\n') == std::string::npos) {
    ssize_t n = read(fd, buf, sizeof buf);
    if (n <= 0) break;
    in.append(buf, static_cast<size_t>(n));
  }
  close(fd);
  json j = json::parse(in.substr(0, in.find('\n')), nullptr, false);
  return j.is_discarded() ? json{} : j;
}

long Daemon::mbufs_in_use() const {
  json j = request({{"cmd", "stats"}});
  return j.contains("mbufs_in_use") ? j["mbufs_in_use"].get<long>() : -1;
}

json Daemon::app_counters() const {
  json j = request({{"cmd", "stats"}});
  return j.contains("apps") ? j["apps"]["counters"] : json{};
}

json Daemon::app_streams() const {
  json j = request({{"cmd", "list"}});
  return j.contains("apps") ? j["apps"]["streams"] : json::array();
}

}  // namespace apptest
