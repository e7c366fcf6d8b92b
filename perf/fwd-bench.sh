#!/usr/bin/env bash
# Forwarding benchmark: streamsd cross-connecting two net_null ports
# (xconn, lane-to-lane) against dpdk-testpmd --forward-mode=io on the same
# two ports, measured in the same run, interleaved, on one forwarding lcore.
#
#   perf/fwd-bench.sh [-b BUILD_DIR] [-t SECONDS] [-r REPEATS] [-o TABLE.md]
#
# Each variant runs SECONDS; its rate is the median of the per-second
# forwarded-packet rates (tx of both ports) after one second of warm-up,
# read the same way for both programs (testpmd's --stats-period, the
# daemon's port counters through strctl). Every streamsd run is paired
# with a testpmd run just before it. A shared machine only ever slows a
# run down, by up to tens of percent and for tens of seconds, so the
# table leads with the best rate of each configuration against testpmd's
# best (testpmd runs once per pair, so its best is the better sampled:
# the ratio errs against streamsd), and gives the median of the per-pair
# ratios beside it. Costs per module are from the best rates. Prints a
# markdown table.
set -euo pipefail

here=$(cd "$(dirname "$0")/.." && pwd)
build=$here/build
secs=6
repeats=3
out=
while getopts "b:t:r:o:" o; do
	case $o in
	b) build=$OPTARG ;;
	t) secs=$OPTARG ;;
	r) repeats=$OPTARG ;;
	o) out=$OPTARG ;;
	*) echo "usage: $0 [-b BUILD_DIR] [-t SECONDS] [-r REPEATS] [-o TABLE.md]" >&2; exit 2 ;;
	esac
done
streamsd=$build/apps/streamsd/streamsd
strctl=$build/apps/strctl/strctl
testpmd=$(command -v dpdk-testpmd || true)
for p in "$streamsd" "$strctl" "$testpmd"; do
	[[ -x $p ]] || { echo "fwd-bench: missing $p (build first; dpdk-testpmd is in Debian's dpdk package)" >&2; exit 1; }
done
# xconn, nullmod, passmod, sniffer are plugins: the daemon, run from its
# build tree, loads them from $build/modules.
[[ -f $build/modules/xconn.so ]] || { echo "fwd-bench: missing $build/modules/xconn.so (ninja -C $build plugins)" >&2; exit 1; }

work=$(mktemp -d /tmp/strdp-fwd.XXXXXX)
cleanup() {
	[[ -n ${pid:-} ]] && kill "$pid" 2>/dev/null && wait "$pid" 2>/dev/null
	rm -rf "$work"
	# EAL leaves its hugepage files behind (no --huge-unlink here, to keep
	# the conditions of the published figures).
	rm -f /dev/hugepages/fwdb-*"$$"map_* 2>/dev/null || true
}
trap cleanup EXIT

# Hugepages when the machine has them reserved, else --no-huge.
mem=(--no-huge -m 1024)
if [[ $(awk '/HugePages_Free/ {print $2}' /proc/meminfo) -ge 512 ]]; then mem=(-m 1024); fi
eal=(-l 0-1 "${mem[@]}" --no-pci --vdev=net_null0 --vdev=net_null1 --log-level='*:error')

median() { sort -n | awk '{a[NR]=$1} END {if (NR==0) print 0; else if (NR%2) print a[(NR+1)/2]; else print (a[NR/2]+a[NR/2+1])/2}'; }

# testpmd: Tx-pps of both ports, each second after the first.
run_testpmd() {
	local log=$work/testpmd.log
	timeout -s INT "$((secs + 2))" "$testpmd" "${eal[@]}" --file-prefix "fwdb-tp$$" -- \
		--forward-mode=io --nb-cores=1 --rxq=1 --txq=1 --stats-period 1 \
		</dev/null >"$log" 2>&1 || true
	# Lines "Tx-pps: N" come in port pairs, once a second.
	awk '/Tx-pps:/ {v[n++]=$2} END {for (i=2; i+1<n; i+=2) print v[i]+v[i+1]}' "$log" | median
}

# streamsd with `mods` pushed on both lower streams.
run_streamsd() {
	local mods=$1 sock=$work/ctl.sock cfg=$work/fwd.toml
	cat >"$cfg" <<TOML
[lcores]
workers = "1"
[control]
socket = "$sock"
mode = "0600"
[[port]]
name = "p0"
device = "net_null0"
[[port]]
name = "p1"
device = "net_null1"
[[stream]]
name = "s0"
driver = "pmd"
port = "p0"
mode = "raw"
modules = [${mods//@S@/s0}]
[[stream]]
name = "s1"
driver = "pmd"
port = "p1"
mode = "raw"
modules = [${mods//@S@/s1}]
[[stream]]
name = "x0"
driver = "xconn"
[[link]]
mux = "x0"
lower = "s0"
[[link]]
mux = "x0"
lower = "s1"
TOML
	"$streamsd" "${eal[@]}" --file-prefix "fwdb-sd$$" -- -c "$cfg" >"$work/streamsd.log" 2>&1 &
	pid=$!
	for _ in $(seq 100); do [[ -S $sock ]] && break; sleep 0.1; done
	[[ -S $sock ]] || { cat "$work/streamsd.log" >&2; echo "fwd-bench: streamsd did not start" >&2; exit 1; }
	local prev now rates=()
	prev=$(tx_total "$sock")
	for ((i = 0; i < secs; i++)); do
		sleep 1
		now=$(tx_total "$sock")
		((i > 0)) && rates+=($((now - prev)))
		prev=$now
	done
	kill -INT "$pid"
	wait "$pid" || { cat "$work/streamsd.log" >&2; echo "fwd-bench: streamsd failed" >&2; exit 1; }
	pid=
	printf '%s\n' "${rates[@]}" | median
}

# Frames sent by both ports so far.
tx_total() {
	"$strctl" --socket "$1" --json ports |
		python3 -c 'import json,sys; r=json.load(sys.stdin); print(sum(p["stats"]["opackets"] for p in r["ports"]))'
}

declare -A variants=(
	[a-empty]=''
	[b-1-nullmod]='"nullmod"'
	[c-2-nullmod]='"nullmod", "nullmod"'
	[d-4-nullmod]='"nullmod", "nullmod", "nullmod", "nullmod"'
	[e-1-passmod]='"passmod"'
	[g-empty-again]=''  # the first variant again: the run's noise
	[f-sniffer]="{ name = \"sniffer\", args = \"file=$work/none-@S@.pcapng filter='ether proto 0x88b5'\" }"
)
names=($(printf '%s\n' "${!variants[@]}" | sort))
declare -A sum ratio
for ((r = 1; r <= repeats; r++)); do
	for n in "${names[@]}"; do
		tp=$(run_testpmd)
		sum[testpmd]+="$tp "
		v=$(run_streamsd "${variants[$n]}")
		echo "repeat $r: $n $(awk -v v="$v" -v t="$tp" 'BEGIN {printf "%.2f Mpps, testpmd %.2f (%.3fx)", v/1e6, t/1e6, v/t}') " >&2
		sum[$n]+="$v "
		ratio[$r,$n]=$(awk -v v="$v" -v t="$tp" 'BEGIN {printf "%.4f", v/t}')
	done
done

best() { sort -n | tail -1; }
tp_best=$(printf '%s\n' ${sum[testpmd]} | best)
empty_best=$(printf '%s\n' ${sum[a-empty]} | best)
mpps() { awk -v v="$1" 'BEGIN {printf "%.2f", v/1e6}'; }
{
	echo "| configuration | Mpps, best of $repeats | ratio of bests | per module vs empty stack | Mpps, median | ratio to the testpmd run beside it, median |"
	echo "|---|---|---|---|---|---|"
	printf '| dpdk-testpmd --forward-mode=io | %s | 1.000 | | %s | |\n' "$(mpps "$tp_best")" \
		"$(mpps "$(printf '%s\n' ${sum[testpmd]} | median)")"
	for n in "${names[@]}"; do
		b=$(printf '%s\n' ${sum[$n]} | best)
		m=$(printf '%s\n' ${sum[$n]} | median)
		rr=$(for ((r = 1; r <= repeats; r++)); do echo "${ratio[$r,$n]}"; done | median)
		k=${n#?-}; k=${k%%-*}
		[[ $k =~ ^[0-9]+$ ]] || k=1
		per=$(awk -v e="$empty_best" -v v="$b" -v k="$k" 'BEGIN {printf "%+.1f%%", (e/v - 1) * 100 / k}')
		[[ $n == a-empty ]] && per=
		printf '| streamsd %s | %s | %.3f | %s | %s | %.3f |\n' "${n#?-}" "$(mpps "$b")" \
			"$(awk -v v="$b" -v t="$tp_best" 'BEGIN {print v/t}')" "$per" "$(mpps "$m")" "$rr"
	done
} | tee "${out:-/dev/null}"
