#!/usr/bin/env bash
# Installs what is missing, builds strdp, and runs the dataplane daemon
# (streamsd) on its default configuration, config/default.toml: two DPDK
# null ports cross-connected through the xconn multiplexor, a passmod on
# each, one poll-mode lcore. No NIC needed.
#
#   sudo ./scripts/run-demo.sh [CONFIG]
#
# It shows `strctl list`, `strctl stats` and `strctl ports` while traffic
# flows, then stops the daemon with SIGTERM (graceful stop, leak check).
# STRDP_RUN_SECONDS (default 4) is how long it runs before that; 0 runs
# until Ctrl-C.
#
# Hugepages: reserves STRDP_HUGEPAGES (default 256) 2 MiB pages and mounts
# hugetlbfs when needed; when that is not possible (not root, a container)
# it runs DPDK with --no-huge -m 512 instead. STRDP_NO_HUGE=1 forces that.
# STRDP_BUILD_DIR (default build) names the build folder.
set -euo pipefail

cd "$(dirname "$0")/.."
BUILD=${STRDP_BUILD_DIR:-build}
CONFIG=${1:-config/default.toml}
SECONDS_TO_RUN=${STRDP_RUN_SECONDS:-4}
WANT_PAGES=${STRDP_HUGEPAGES:-256}
HP=/sys/kernel/mm/hugepages/hugepages-2048kB

say() { echo "run-demo: $*"; }
die() { echo "run-demo: $*" >&2; exit 1; }

# --- dependencies and build ---------------------------------------------

bash ./scripts/install-deps.sh

if [[ ! -f $BUILD/build.ninja ]]; then
	meson setup "$BUILD" >/dev/null ||
		die "meson setup $BUILD failed (see $BUILD/meson-logs/meson-log.txt)"
fi
# The daemon finds xconn, passmod and echo, plugins, in $BUILD/modules:
# a libstrdp run from its build tree looks there (docs/module-guide.md).
ninja -C "$BUILD" apps/streamsd/streamsd apps/strctl/strctl \
	apps/strdp-examples/strdp-echo-client plugins || die "the build failed"
STREAMSD=$BUILD/apps/streamsd/streamsd
STRCTL=$BUILD/apps/strctl/strctl
ECHO_CLIENT=$BUILD/apps/strdp-examples/strdp-echo-client

# --- hugepages ----------------------------------------------------------

# Echoes the free 2 MiB pages (0 when the kernel has none).
free_pages() { cat "$HP/free_hugepages" 2>/dev/null || echo 0; }

hugetlbfs_mounted() { awk '$3 == "hugetlbfs" { f = 1 } END { exit !f }' /proc/mounts; }

# Reserves pages and mounts hugetlbfs; true when DPDK can use them, else
# false with the reason in WHY.
WHY=
prepare_hugepages() {
	WHY="STRDP_NO_HUGE=1"
	[[ ${STRDP_NO_HUGE:-0} == 1 ]] && return 1
	# Without root DPDK can neither reserve nor open hugepage files.
	WHY="not root"
	((EUID == 0)) || return 1
	WHY="this kernel has no 2 MiB hugepages"
	[[ -d $HP ]] || return 1
	local free nr
	free=$(free_pages)
	if ((free < WANT_PAGES)); then
		nr=$(cat "$HP/nr_hugepages")
		echo $((nr + WANT_PAGES - free)) 2>/dev/null >"$HP/nr_hugepages" || true
		free=$(free_pages)
	fi
	WHY="the kernel gave $free of $WANT_PAGES 2 MiB pages"
	((free >= WANT_PAGES)) || return 1
	hugetlbfs_mounted && return 0
	WHY="cannot mount hugetlbfs on /dev/hugepages"
	mkdir -p /dev/hugepages 2>/dev/null &&
		mount -t hugetlbfs -o pagesize=2M nodev /dev/hugepages 2>/dev/null
}

if prepare_hugepages; then
	# --huge-unlink: leave no hugepage files behind when the demo exits.
	MEM=(--huge-unlink)
	say "using $(free_pages) free 2 MiB hugepages"
else
	MEM=(--no-huge -m 512)
	say "no hugepages ($WHY): running with --no-huge -m 512"
fi

# --- run ----------------------------------------------------------------

"$STREAMSD" --check -c "$CONFIG" || die "$CONFIG does not check out"
# The default configuration's [eal] args say --no-huge; with hugepages the
# same devices and lcores are given on the command line instead.
EAL=(-l 0-1 --no-pci --vdev=net_null0 --vdev=net_null1 --file-prefix=strdp-run "${MEM[@]}")
SOCK=$(awk -F'"' '/^socket *=/ {print $2; exit}' "$CONFIG")
say "$STREAMSD ${EAL[*]} -- -c $CONFIG"
"$STREAMSD" "${EAL[@]}" -- -c "$CONFIG" &
PID=$!
trap 'kill -TERM $PID 2>/dev/null || true' INT TERM
for _ in $(seq 100); do
	[[ -S ${SOCK:-/nonexistent} ]] && "$STRCTL" --socket "$SOCK" list >/dev/null 2>&1 && break
	kill -0 $PID 2>/dev/null || die "streamsd exited during start-up (see above)"
	sleep 0.1
done
if ((SECONDS_TO_RUN == 0)); then
	wait $PID
	exit $?
fi
sleep 1
for cmd in list stats ports; do
	say "strctl $cmd"
	"$STRCTL" --socket "$SOCK" $cmd
done
# An ordinary process (no DPDK, libstrdp-client) opens /dev/echo in the
# daemon through the [apps] socket and checks what comes back.
APPS_SOCK=$(awk -F'"' '/^\[apps\]/ {a = 1} a && /^socket *=/ {print $2; exit}' "$CONFIG")
if [[ -S ${APPS_SOCK:-/nonexistent} ]]; then
	say "an application: strdp-echo-client -n 10000 (STRDP_SOCKET=$APPS_SOCK)"
	STRDP_SOCKET=$APPS_SOCK "$ECHO_CLIENT" -n 10000 || die "the echo client failed"
fi
sleep "$SECONDS_TO_RUN"
say "strctl ports (after ${SECONDS_TO_RUN}s more)"
"$STRCTL" --socket "$SOCK" ports
say "stopping streamsd (SIGTERM)"
kill -TERM $PID
wait $PID
