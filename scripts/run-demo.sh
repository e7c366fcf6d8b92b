#!/usr/bin/env bash
# Builds strdp and runs the demo (build/apps/demo/strdp-demo) on a
# net_ring virtual port: no NIC needed.
#
#   sudo ./scripts/run-demo.sh [more EAL args] [-- demo args]
#
# Hugepages: reserves STRDP_HUGEPAGES (default 256) 2 MiB pages and mounts
# hugetlbfs when needed; when that is not possible (not root, a container)
# it runs DPDK with --no-huge -m 512 instead. STRDP_NO_HUGE=1 forces that.
# STRDP_BUILD_DIR (default build) names the build folder.
set -euo pipefail

cd "$(dirname "$0")/.."
BUILD=${STRDP_BUILD_DIR:-build}
DEMO=apps/demo/strdp-demo
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
# Build only the demo when the build knows it (faster than everything).
# (No pipe into grep -q: under pipefail, ninja's SIGPIPE would count.)
targets=$(ninja -C "$BUILD" -t targets all 2>/dev/null || true)
if grep -q "^$DEMO:" <<<"$targets"; then
	ninja -C "$BUILD" "$DEMO" || die "building $DEMO failed"
else
	ninja -C "$BUILD" || die "the build failed"
	die "$BUILD/$DEMO is not built yet: apps/demo defines no strdp-demo program"
fi
[[ -x $BUILD/$DEMO ]] || die "$BUILD/$DEMO is missing after the build"

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

EAL=(-l 0 --no-pci --vdev=net_ring0 --file-prefix=strdp-demo "${MEM[@]}")
say "$BUILD/$DEMO ${EAL[*]} $*"
exec "$BUILD/$DEMO" "${EAL[@]}" "$@"
