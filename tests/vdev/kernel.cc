// What the kernel-side tests need from the host: privileges, `ip`, link
// addresses. See kernel.h.
#include "kernel.h"

#include <arpa/inet.h>
#include <sched.h>
#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <sstream>

#include "proc.h"

#ifndef VDEV_IP
#define VDEV_IP ""
#endif

namespace strdp::test {

std::string env(const char *name) {
  const char *v = std::getenv(name);
  return v != nullptr ? v : "";
}

std::string ip_program() {
  std::string p = env("STRDP_VDEV_IP");
  return p.empty() ? VDEV_IP : p;
}

std::string kernel_skip_reason(bool need_tun) {
  if (geteuid() != 0) return "not root (geteuid() != 0): namespaces, veths and taps need root";
  if (need_tun && access("/dev/net/tun", R_OK | W_OK) != 0)
    return "/dev/net/tun is missing or not usable: no tap devices here";
  if (ip_program().empty()) return "the `ip` program (iproute2) was not found";
  return "";
}

std::string raw_mode_skip_reason() {
  if (geteuid() != 0) return "not root (geteuid() != 0): the pmd driver grants DLIOCRAW to root only";
  return "";
}

std::string ip(const std::string &ns, const std::vector<std::string> &args) {
  std::vector<std::string> argv{ip_program()};
  if (!ns.empty()) {
    argv.push_back("-n");
    argv.push_back(ns);
  }
  argv.insert(argv.end(), args.begin(), args.end());
  CmdResult r = run_cmd(argv);
  return r.started && !r.timed_out && r.status == 0 ? "" : describe(argv, r);
}

std::optional<Mac> parse_mac(const std::string &s) {
  Mac m;
  unsigned b[6];
  char tail;
  if (std::sscanf(s.c_str(), "%2x:%2x:%2x:%2x:%2x:%2x%c", &b[0], &b[1], &b[2], &b[3], &b[4],
                  &b[5], &tail) != 6)
    return std::nullopt;
  for (int i = 0; i < 6; ++i) m[i] = static_cast<uint8_t>(b[i]);
  return m;
}

std::string mac_str(const uint8_t *m) {
  char s[18];
  std::snprintf(s, sizeof s, "%02x:%02x:%02x:%02x:%02x:%02x", m[0], m[1], m[2], m[3], m[4], m[5]);
  return s;
}

std::optional<Mac> link_mac(const std::string &ns, const std::string &ifname) {
  std::vector<std::string> argv{ip_program()};
  if (!ns.empty()) argv.insert(argv.end(), {"-n", ns});
  argv.insert(argv.end(), {"-o", "link", "show", "dev", ifname});
  CmdResult r = run_cmd(argv);
  if (!r.started || r.timed_out || r.status != 0) return std::nullopt;
  std::istringstream in(r.out);
  for (std::string w; in >> w;)
    if (w == "link/ether" && in >> w) return parse_mac(w);
  return std::nullopt;
}

std::optional<uint32_t> parse_ipv4(const std::string &s) {
  in_addr a;
  if (inet_pton(AF_INET, s.c_str(), &a) != 1) return std::nullopt;
  return ntohl(a.s_addr);
}

std::string ipv4_str(uint32_t a) {
  in_addr n{htonl(a)};
  char s[INET_ADDRSTRLEN];
  return inet_ntop(AF_INET, &n, s, sizeof s);
}

std::vector<std::string> floating_lcore_args() {
  cpu_set_t set;
  CPU_ZERO(&set);
  std::string cpus;  // ranges: "0-3,8"
  if (sched_getaffinity(0, sizeof set, &set) == 0)
    for (int c = 0; c < CPU_SETSIZE; ++c) {
      if (!CPU_ISSET(c, &set)) continue;
      int last = c;
      while (last + 1 < CPU_SETSIZE && CPU_ISSET(last + 1, &set)) ++last;
      cpus += (cpus.empty() ? "" : ",") + std::to_string(c);
      if (last > c) cpus += "-" + std::to_string(last);
      c = last;
    }
  if (cpus.empty()) cpus = "0";
  return {"--lcores", "0@(" + cpus + ")"};
}

}  // namespace strdp::test
