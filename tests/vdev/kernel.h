// The Linux side of the vdev tests: whether this process may build
// network namespaces, veths and taps, and what `ip` says about links.
//
// Skipping: a kernel-side test that cannot run here (not root, no
// /dev/net/tun, no `ip`) calls GTEST_SKIP with the reason, which gtest
// prints; if every test of a binary skipped, it exits 77 so meson reports
// SKIP rather than OK (skip_status.cc). Nothing passes silently.
#pragma once

#include <array>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace strdp::test {

using Mac = std::array<uint8_t, 6>;

// Why namespaces/veths/taps cannot be made here, "" if they can. need_tun:
// the test also needs /dev/net/tun.
std::string kernel_skip_reason(bool need_tun);

// Why raw mode cannot be tested here, "" if it can: the driver grants
// DLIOCRAW to root only (as Solaris does).
std::string raw_mode_skip_reason();

// The `ip` program: $STRDP_VDEV_IP, else what meson found (VDEV_IP), else
// "" (not found).
std::string ip_program();

// Runs `ip [-n ns] args...`; "" on success, else what went wrong.
std::string ip(const std::string &ns, const std::vector<std::string> &args);

// The MAC address of a link as `ip [-n ns] -o link show dev IF` prints it.
std::optional<Mac> link_mac(const std::string &ns, const std::string &ifname);

// "aa:bb:cc:dd:ee:ff" <-> bytes.
std::optional<Mac> parse_mac(const std::string &s);
std::string mac_str(const uint8_t *m);

// Dotted quad <-> host-order address.
std::optional<uint32_t> parse_ipv4(const std::string &s);
std::string ipv4_str(uint32_t a);

// An environment variable, "" if unset.
std::string env(const char *name);

// "--lcores" "0@(cpus)": lcore 0 on every CPU this process may use, so
// that two DPDK processes of one test are not pinned to one CPU.
std::vector<std::string> floating_lcore_args();

}  // namespace strdp::test
