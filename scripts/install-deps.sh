#!/usr/bin/env bash
# Installs what strdp needs to build, test and run on Debian 12 (bookworm).
#
# Idempotent and quiet: asks dpkg-query first and does nothing when every
# package is there; runs `apt-get update` only when something is missing.
# As a normal user it installs nothing: it prints the command to run as
# root and exits 1.
set -euo pipefail

# No libnuma-dev of ours: strdp does not call libnuma; libdpdk-dev depends
# on it for DPDK's own static link flags (libdpdk-libs.pc). libpcap-dev is
# the sniffer plugin's. ping, traceroute, socat and ethtool are the Linux hosts'
# side of the router's namespace tests (tests/ip/router-netns.sh); dpdk-doc
# has the l3fwd-graph source perf/ip-bench.sh builds.
PKGS=(
	build-essential pkg-config meson ninja-build python3
	dpdk dpdk-dev libdpdk-dev
	libhyperscan-dev libpcap-dev
	libtomlplusplus-dev libcli11-dev nlohmann-json3-dev
	tshark tcpdump
	libgtest-dev libgmock-dev libbenchmark-dev
	iproute2
	iputils-ping traceroute socat ethtool
	dpdk-doc
)
# Hyperscan exists only for x86-64; meson builds without it (hsmatch off).
OPTIONAL=(libhyperscan-dev)

missing_packages() {
	local installed p
	installed=" $(dpkg-query -W -f='${Package}=${db:Status-Status} ' \
		"${PKGS[@]}" 2>/dev/null || true) "
	for p in "${PKGS[@]}"; do
		[[ $installed == *" $p=installed "* ]] || echo "$p"
	done
}

mapfile -t missing < <(missing_packages)
((${#missing[@]} == 0)) && exit 0

if ((EUID != 0)); then
	echo "install-deps: missing packages: ${missing[*]}" >&2
	echo "install-deps: run as root:" >&2
	echo "  sudo apt-get update && sudo apt-get install -y ${missing[*]}" >&2
	exit 1
fi

export DEBIAN_FRONTEND=noninteractive
echo "install-deps: installing ${missing[*]}"
apt-get update -qq

# Drop optional packages this architecture does not have.
want=()
for p in "${missing[@]}"; do
	if [[ " ${OPTIONAL[*]} " == *" $p "* ]] &&
		! apt-cache show "$p" >/dev/null 2>&1; then
		echo "install-deps: $p is not available here; building without it"
		continue
	fi
	want+=("$p")
done
((${#want[@]} == 0)) && exit 0

apt-get install -y -qq --no-install-recommends \
	-o Dpkg::Use-Pty=0 "${want[@]}" >/dev/null
echo "install-deps: done"
