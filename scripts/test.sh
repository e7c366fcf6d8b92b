#!/usr/bin/env bash
# Builds strdp twice and runs every test suite in both builds:
#
#   build       the normal build (debugoptimized)
#   build-asan  AddressSanitizer + UndefinedBehaviorSanitizer and the hot
#               paths' entry checks (-Ddebug_checks=true), no benchmarks
#
#   sudo ./scripts/test.sh
#
# Existing build folders are reused (reconfigured). Each build's results
# stay in <build>/meson-logs/testlog.json (one JSON object per test) and
# testlog.txt. Exit status: 0 when both builds built and every test passed.
# Unit tests use DPDK with --no-huge: no hugepages needed.
# STRDP_TEST_ARGS adds arguments to both `meson test` runs (e.g. a suite).
set -uo pipefail

cd "$(dirname "$0")/.." || exit 1
JOBS=${STRDP_JOBS:-$(nproc)}

bash ./scripts/install-deps.sh || exit 1

status=0

# configure DIR [meson options...]: sets DIR up, or reconfigures it;
# prints meson's own output only when it fails.
configure() {
	local dir=$1 out
	shift
	if [[ -f $dir/meson-private/coredata.dat ]]; then
		out=$(meson setup --reconfigure "$dir" "$@" 2>&1) ||
			out=$(meson setup --wipe "$dir" "$@" 2>&1)
	else
		out=$(meson setup "$dir" "$@" 2>&1)
	fi || { echo "$out" | tail -n 40; return 1; }
}

# run_suite DIR TIMEOUT-MULTIPLIER [meson options...]
run_suite() {
	local dir=$1 mult=$2
	shift 2
	echo "=== $dir: configure, build, test"
	# Never let .ci/run count an earlier run's results.
	rm -f "$dir/meson-logs/testlog.json"
	if ! configure "$dir" "$@"; then
		echo "=== $dir: meson setup FAILED (see $dir/meson-logs/meson-log.txt)"
		status=1
		return
	fi
	if ! ninja -C "$dir" -j "$JOBS"; then
		echo "=== $dir: build FAILED"
		status=1
		return
	fi
	# shellcheck disable=SC2086
	if ! meson test -C "$dir" --print-errorlogs --num-processes "$JOBS" \
		--timeout-multiplier "$mult" ${STRDP_TEST_ARGS:-} </dev/null; then
		echo "=== $dir: tests FAILED"
		status=1
	fi
}

run_suite build 1
run_suite build-asan 3 -Db_sanitize=address,undefined -Db_lundef=false -Dperf=false \
	-Ddebug_checks=true

echo "=== logs: build/meson-logs/testlog.{txt,json} build-asan/meson-logs/testlog.{txt,json}"
if ((status == 0)); then
	echo "=== all tests passed in both builds"
else
	echo "=== FAILED (see above)"
fi
exit $status
