#!/usr/bin/env bash
# IPv4 forwarding benchmark: the ip router (streamsd, one forwarding
# lcore) against DPDK's l3fwd-graph example, built here from Debian's
# dpdk-doc sources, and against the empty stack (xconn), on the same
# input in the same run.
#
#   perf/ip-bench.sh [-b BUILD_DIR] [-t SECONDS] [-r REPEATS]
#
# Input: a net_pcap port replaying a trace for ever (infinite_rx) of
# 64-byte frames (60 bytes and the FCS) to random hosts of 1,000 /24
# routes (perf/ip-trace.py), transmitted back out of the same port (the
# pcap PMD's tx drops what it is given): a router on a stick whose next
# hop is a gateway on the same link, whose ARP reply leads the trace.
# l3fwd-graph gets the same 1,000 routes (its route table, patched in the
# copy it builds) and the gateway's MAC with --eth-dest. The empty stack
# is xconn between that port and a second pcap port that receives
# nothing: frames in, frames out, nothing read.
#
# Each run lasts SECONDS after a 2 s warm-up; its rate is the port's
# transmitted frames over that time, read through DPDK telemetry
# (/ethdev/stats) for all three. The three run interleaved, REPEATS
# times, on lcores 0 (main) and 1 (the forwarding lcore); each
# configuration's best run is taken (a shared machine only ever slows a
# run down), and the ratios are of bests. The last line is:
#   ip fwd 64B: <N> Mpps, <R>x l3fwd-graph, <S>x empty stack
set -euo pipefail

here=$(cd "$(dirname "$0")/.." && pwd)
build=$here/build
secs=5
repeats=3
while getopts "b:t:r:" o; do
	case $o in
	b) build=$OPTARG ;;
	t) secs=$OPTARG ;;
	r) repeats=$OPTARG ;;
	*) echo "usage: $0 [-b BUILD_DIR] [-t SECONDS] [-r REPEATS]" >&2; exit 2 ;;
	esac
done
streamsd=$build/apps/streamsd/streamsd
src=/usr/share/dpdk/examples/l3fwd-graph
for p in "$streamsd" "$build/modules/ip.so" "$build/modules/xconn.so"; do
	[[ -e $p ]] || { echo "ip-bench: missing $p (ninja -C $build)" >&2; exit 1; }
done
[[ -f $src/main.c ]] || { echo "ip-bench: no $src (apt-get install dpdk-doc)" >&2; exit 1; }
command -v dpdk-telemetry.py >/dev/null || { echo "ip-bench: no dpdk-telemetry.py (dpdk package)" >&2; exit 1; }

work=$(mktemp -d /tmp/strdp-ipb.XXXXXX)
pid=
cleanup() {
	[[ -n $pid ]] && kill -INT "$pid" 2>/dev/null && wait "$pid" 2>/dev/null
	rm -rf "$work"
}
trap cleanup EXIT

routes=1000
# The pcap PMD's ports have the MACs 02:70:63:61:70:<port>.
python3 "$here/perf/ip-trace.py" fwd "$work/fwd.pcap" 02:70:63:61:70:00 "$routes" 4096
python3 - "$work/empty.pcap" <<'PY'
import struct, sys
open(sys.argv[1], "wb").write(struct.pack("<IHHiIII", 0xA1B2C3D4, 2, 4, 0, 0, 65535, 1))
PY

# l3fwd-graph with our routes in its table, built as its Makefile does.
cp -r "$src" "$work/l3fwd-graph"
python3 - "$work/l3fwd-graph/main.c" "$(python3 "$here/perf/ip-trace.py" routes "$routes" 0)" <<'PY'
import re, sys
path, routes = sys.argv[1], sys.argv[2]
c = open(path).read()
c, n = re.subn(r"(ipv4_l3fwd_lpm_route_array\[\] = \{)(.*?)(\n\};)", lambda m: m.group(1) + "\n" + routes + m.group(3), c, count=1, flags=re.S)
assert n == 1, "l3fwd-graph's route table not found"
# It names a next hop per route, and its rewrite node holds 64: one per
# port, as a router's 1,000 routes through one gateway have.
c, a = re.subn(r"(ipv4_l3fwd_lpm_route_array\[i\]\.depth,) i,", r"\1 dst_port,", c)
c, b = re.subn(r"rte_node_ip4_rewrite_add\(i,", "rte_node_ip4_rewrite_add(dst_port,", c)
assert a == 1 and b == 1, "l3fwd-graph's route and next hop calls not found"
open(path, "w").write(c)
PY
make -s -C "$work/l3fwd-graph" >"$work/make.log" 2>&1 ||
	{ cat "$work/make.log" >&2; echo "ip-bench: l3fwd-graph did not build" >&2; exit 1; }
l3fwd=$work/l3fwd-graph/build/l3fwd-graph

# Hugepages when the machine has them reserved (unlinked at once, so
# that nothing is left behind), else --no-huge: every figure says which.
mem=(--no-huge -m 1024)
pages=no-huge
if [[ $(awk '/HugePages_Free/ {print $2}' /proc/meminfo) -ge 512 ]]; then
	mem=(-m 1024 --huge-unlink)
	pages=hugepages
fi
# Two queue pairs (l3fwd-graph wants a tx queue per lcore, main
# included); queue 0 is the one polled.
rx="--vdev=net_pcap0,rx_pcap=$work/fwd.pcap,rx_pcap=$work/fwd.pcap,infinite_rx=1"

# Frames port PORT of the process with file prefix PREFIX has sent.
opackets() {
	echo "/ethdev/stats,$2" | timeout 20 dpdk-telemetry.py -f "$1" 2>/dev/null |
		python3 -c 'import json,sys
t = sys.stdin.read()
print(json.loads(t[t.index("{\"/ethdev/stats\""):].splitlines()[0])["/ethdev/stats"]["opackets"])'
}
# Waits for telemetry, warms up, then the rate over secs: frames/s.
measure() { # prefix port
	local a b t0 t1
	for _ in $(seq 100); do opackets "$1" "$2" >/dev/null 2>&1 && break; sleep 0.2; done
	sleep 2
	t0=$(date +%s.%N); a=$(opackets "$1" "$2")
	sleep "$secs"
	t1=$(date +%s.%N); b=$(opackets "$1" "$2")
	awk -v a="$a" -v b="$b" -v t0="$t0" -v t1="$t1" 'BEGIN {printf "%.0f\n", (b - a) / (t1 - t0)}'
}
stop() {
	kill -INT "$pid" 2>/dev/null || true
	wait "$pid" 2>/dev/null || true
	pid=
}

run_l3fwd() {
	local p=ipb-l3-$$
	"$l3fwd" -l 0-1 "${mem[@]}" --no-pci --file-prefix "$p" --log-level='*:error' "$rx" -- \
		-p 0x1 --config="(0,0,1)" --eth-dest=0,02:00:00:00:01:02 >"$work/l3fwd.log" 2>&1 &
	pid=$!
	measure "$p" 0
	stop
}

# streamsd: the router, or (empty) xconn between the trace port and a
# second one that receives nothing.
run_streamsd() {
	local kind=$1 p=ipb-sd-$$ cfg=$work/$1.toml
	{
		printf '[eal]\nargs = ["-l", "0-1", '
		printf '"%s", ' "${mem[@]}"
		printf '"--no-pci", "--file-prefix=%s", "--log-level=*:error", "%s"' "$p" "$rx"
		[[ $kind == empty ]] && printf ', "--vdev=net_pcap1,rx_pcap=%s"' "$work/empty.pcap"
		printf ']\n[lcores]\nworkers = "1"\n[control]\nsocket = "%s/ctl.sock"\n' "$work"
		printf '[apps]\nenabled = false\n'
		printf '[[port]]\nname = "p0"\ndevice = "net_pcap0"\n'
		printf '[[stream]]\nname = "eth0"\ndriver = "pmd"\nport = "p0"\n'
		if [[ $kind == empty ]]; then
			printf '[[port]]\nname = "p1"\ndevice = "net_pcap1"\n'
			printf '[[stream]]\nname = "eth1"\ndriver = "pmd"\nport = "p1"\n'
			printf '[[stream]]\nname = "x0"\ndriver = "xconn"\n'
			printf '[[link]]\nmux = "x0"\nlower = "eth0"\n[[link]]\nmux = "x0"\nlower = "eth1"\n'
		else
			printf '[[stream]]\nname = "r0"\ndriver = "ip"\n'
			printf '[[link]]\nmux = "r0"\nlower = "eth0"\naddress = "10.255.0.1/24"\n'
			for ((i = 0; i < routes; i++)); do
				printf '[[route]]\nmux = "r0"\ndst = "10.%d.%d.0/24"\nvia = "10.255.0.3"\n' \
					$((i / 256)) $((i % 256))
			done
		fi
	} >"$cfg"
	"$streamsd" -c "$cfg" >"$work/streamsd.log" 2>&1 &
	pid=$!
	measure "$p" "$([[ $kind == empty ]] && echo 1 || echo 0)"
	stop
}

best() { sort -n | tail -1; }
declare -A all
for ((r = 1; r <= repeats; r++)); do
	for c in l3fwd ip empty; do
		case $c in
		l3fwd) v=$(run_l3fwd) ;;
		ip) v=$(run_streamsd ip) ;;
		empty) v=$(run_streamsd empty) ;;
		esac
		echo "repeat $r: $c $(awk -v v="$v" 'BEGIN {printf "%.2f", v / 1e6}') Mpps" >&2
		all[$c]+="$v "
	done
done
l3=$(printf '%s\n' ${all[l3fwd]} | best)
ip=$(printf '%s\n' ${all[ip]} | best)
em=$(printf '%s\n' ${all[empty]} | best)
awk -v ip="$ip" -v l3="$l3" -v em="$em" -v pages="$pages" 'BEGIN {
	printf "l3fwd-graph %.2f Mpps, empty stack %.2f Mpps (bests of runs, %s)\n", l3 / 1e6, em / 1e6, pages
	printf "ip fwd 64B: %.2f Mpps, %.3fx l3fwd-graph, %.3fx empty stack\n", ip / 1e6, ip / l3, ip / em
}'
