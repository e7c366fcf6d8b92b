#!/usr/bin/env bash
# Application benchmark: what a process linked with libstrdp-client gets
# from a running streamsd, against two references measured in the same run:
#
#   app         strdp-app-bench oneway: 64-byte messages down the echo
#               driver and back up, one application thread posting
#               batches with strdp_putmsgv and taking them back with
#               strdp_getmsgv (batches of 128, at most 1024 in flight),
#               the daemon's apps service thread in between: one core
#               each, as the machine has two;
#   socketpair  the same two threads over an AF_UNIX SOCK_SEQPACKET
#               socketpair with sendmmsg/recvmmsg (batches of 32);
#   memif       two dpdk-testpmd processes joined by a net_memif pair,
#               txonly on one side, rxonly on the other, 64-byte frames:
#               DPDK's own shared-memory transport between processes;
#   RTT         strdp-app-bench rtt: putmsg then getmsg, one at a time.
#
#   perf/app-bench.sh [-b BUILD_DIR] [-n MSGS] [-t SECONDS] [-r REPEATS]
#
# Each figure is the best of REPEATS runs (a shared machine only ever
# slows a run down). The last line is
#   app 64B one-way: <N> Mmsg/s (<R>x memif, <S>x socketpair); RTT p50 <A> us p99 <B> us
set -euo pipefail

here=$(cd "$(dirname "$0")/.." && pwd)
build=$here/build
msgs=2000000
secs=5
repeats=3
while getopts "b:n:t:r:" o; do
	case $o in
	b) build=$OPTARG ;;
	n) msgs=$OPTARG ;;
	t) secs=$OPTARG ;;
	r) repeats=$OPTARG ;;
	*) echo "usage: $0 [-b BUILD_DIR] [-n MSGS] [-t SECONDS] [-r REPEATS]" >&2; exit 2 ;;
	esac
done
streamsd=$build/apps/streamsd/streamsd
bench=$build/perf/strdp-app-bench
testpmd=$(command -v dpdk-testpmd || true)
for p in "$streamsd" "$bench"; do
	[[ -x $p ]] || { echo "app-bench: missing $p (build with -Dperf=true first)" >&2; exit 1; }
done
# echo is a plugin: the daemon, run from its build tree, loads it from
# $build/modules.
[[ -f $build/modules/echo.so ]] || { echo "app-bench: missing $build/modules/echo.so (ninja -C $build plugins)" >&2; exit 1; }

work=$(mktemp -d /tmp/strdp-appb.XXXXXX)
chmod 755 "$work"
cleanup() {
	[[ -n ${dpid:-} ]] && kill "$dpid" 2>/dev/null && wait "$dpid" 2>/dev/null
	rm -rf "$work"
}
trap cleanup EXIT

best() { sort -g | tail -n 1; }

# The daemon: no poll-mode worker, so its apps service thread and the
# benchmark's two threads share the machine's cores and nothing else.
cat >"$work/apps.toml" <<TOML
telemetry = false
[eal]
args = ["-l", "0", "--no-huge", "-m", "512", "--no-pci", "--no-telemetry",
        "--file-prefix=appb$$", "--log-level=*:error"]
[control]
socket = "$work/ctl.sock"
[apps]
socket = "$work/apps.sock"
[[apps.device]]
name = "echo"
mode = "0666"
TOML
"$streamsd" -c "$work/apps.toml" >"$work/streamsd.log" 2>&1 &
dpid=$!
for _ in $(seq 100); do [[ -S $work/apps.sock ]] && break; sleep 0.1; done
[[ -S $work/apps.sock ]] || { cat "$work/streamsd.log" >&2; echo "app-bench: streamsd did not start" >&2; exit 1; }
export STRDP_SOCKET=$work/apps.sock
# The application thread on a core of its own: the daemon's lcore is 0,
# and left to the scheduler the benchmark sometimes shares it.
pin=()
(($(nproc) > 1)) && command -v taskset >/dev/null && pin=(taskset -c 1)

# One figure per (path, size): the best of the repeats; the classic calls
# (one request per getmsg) get a quarter of the messages.
declare -A fig runs
for size in 64 1500; do
	for _ in $(seq "$repeats"); do
		for what in batch classic socketpair; do
			case $what in
			batch) r=$("${pin[@]}" "$bench" oneway -n "$msgs" -s "$size" -b 128 -w 1024) ;;
			classic) r=$("${pin[@]}" "$bench" oneway -c -n "$((msgs / 4))" -s "$size" -b 128 -w 1024) ;;
			socketpair) r=$("$bench" socketpair -n "$msgs" -s "$size" -b 32) ;;
			esac
			runs[$what.$size]+="$(awk '{print $2}' <<<"$r") "
		done
	done
	for what in batch classic socketpair; do
		fig[$what.$size]=$(tr ' ' '\n' <<<"${runs[$what.$size]}" | grep . | best)
	done
done
rtt=$("${pin[@]}" "$bench" rtt -n 200000 -s 64)
kill "$dpid"; wait "$dpid" || true; dpid=

# memif: rxonly's per-second Rx-pps once the link is up (copy mode, which
# works with --no-huge and --no-shconf: docs/drivers.md).
run_memif() {
	local size=$1 sock=$work/memif.sock
	local eal=(--no-huge -m 1024 --no-pci --no-shconf --log-level='*:error')
	local tp=(--nb-cores=1 --total-num-mbufs=16384 --stats-period 1)
	rm -f "$sock"
	timeout -s INT "$((secs + 6))" "$testpmd" -l 0,1 --main-lcore 0 "${eal[@]}" \
		--vdev="net_memif0,role=server,socket=$sock,id=0" -- --forward-mode=rxonly "${tp[@]}" \
		</dev/null >"$work/memif-rx.log" 2>&1 &
	local rx=$!
	sleep 1.5
	timeout -s INT "$((secs + 4))" "$testpmd" -l 0,1 --main-lcore 1 "${eal[@]}" \
		--vdev="net_memif0,role=client,socket=$sock,id=0" -- --forward-mode=txonly \
		--txpkts="$size" "${tp[@]}" </dev/null >"$work/memif-tx.log" 2>&1 || true
	wait "$rx" || true
	awk '/Rx-pps:/ && $2 > 0 {print $2}' "$work/memif-rx.log" | best
}
for size in 64 1500; do
	runs[memif.$size]=""
	if [[ -x $testpmd ]]; then
		for _ in $(seq "$repeats"); do
			r=$(run_memif "$size" || true)
			[[ -n $r ]] && runs[memif.$size]+="$r "
		done
	fi
	fig[memif.$size]=$(tr ' ' '\n' <<<"${runs[memif.$size]}" | grep . | best)
	fig[memif.$size]=${fig[memif.$size]:-0}
done

echo "msg/s, best of $repeats (runs in brackets):"
for size in 64 1500; do
	for what in batch classic socketpair memif; do
		printf '  %5sB %-10s %12.0f  [%s]\n' "$size" "$what" "${fig[$what.$size]}" "${runs[$what.$size]% }"
	done
done
[[ ${fig[memif.64]} == 0 ]] && echo "  memif not measured (no dpdk-testpmd, or its link never came up)"
a=${fig[batch.64]}
s=${fig[socketpair.64]}
m=${fig[memif.64]}
p50=$(awk '{print $3}' <<<"$rtt")
p99=$(awk '{print $6}' <<<"$rtt")
awk -v a="$a" -v s="$s" -v m="$m" -v p50="$p50" -v p99="$p99" 'BEGIN {
	rm = m > 0 ? sprintf("%.2fx memif", a / m) : "memif not measured"
	printf "app 64B one-way: %.2f Mmsg/s (%s, %.2fx socketpair); RTT p50 %s us p99 %s us\n",
	       a / 1e6, rm, a / s, p50, p99 }'
