#!/usr/bin/env bash
# router-netns.sh BUILD_DIR SOURCE_DIR
#
# The ip router against real Linux hosts: two network namespaces, each
# with a veth pair whose other end a net_af_packet port of streamsd
# drives, in different subnets, routed by config/examples/router.toml
# (its interface names, sockets and file prefix replaced by ours). The
# hosts use strdp as their default gateway; the checks are what they see:
#
#   ping both ways, and the router's own addresses;
#   ping -s 4000 -M dont (the hosts fragment at 1500; DPDK's af_packet
#   PMD has the kernel reassemble what it receives, PACKET_FANOUT_FLAG_
#   DEFRAG, so the router gets the whole datagram and fragments it for the
#   1300-byte link, and the reply for the 1500-byte one; cutting fragments
#   again is tests/ip/test_ip_router.cc's);
#   ping -M do -s 1400: ICMP fragmentation needed, mtu = 1300;
#   ping -t 1, and traceroute: ICMP time exceeded from the router;
#   a TCP transfer of 4 MB, checked byte for byte (path MTU discovery
#   through the router's fragmentation-needed, since the link is 1300);
#   strctl route add/list/del changing the table live.
#
# Exit 0 when every check passes, 1 when one fails (each says why), 77
# (skip) without root or a program it needs. Traffic stays inside the
# two namespaces; everything made is removed on exit.
set -u
build=$1 src=$2
skip() { echo "SKIP: $*"; exit 77; }
[ "$(id -u)" = 0 ] || skip "not root: network namespaces and veth pairs need root"
for p in ip ping socat ethtool traceroute sha256sum dpdk-telemetry.py; do
	command -v "$p" >/dev/null || skip "no $p (scripts/install-deps.sh installs it)"
done

tag=$$
na=strdpra-$tag nb=strdprb-$tag
ra=sra$tag rb=srb$tag pa=spa$tag pb=spb$tag
work=$(mktemp -d /tmp/strdp-router.XXXXXX)
dpid=
cleanup() {
	[ -n "$dpid" ] && kill "$dpid" 2>/dev/null && wait "$dpid" 2>/dev/null
	ip link del "$ra" 2>/dev/null
	ip link del "$rb" 2>/dev/null
	ip netns del "$na" 2>/dev/null
	ip netns del "$nb" 2>/dev/null
	rm -rf "$work"
}
trap cleanup EXIT
trap 'exit 1' INT TERM HUP

step() {
	local out
	if ! out=$("$@" 2>&1); then
		echo "router-netns: set-up failed: $*: $out" >&2
		exit 1
	fi
}
# A host: namespace ns, its end pe (address addr/24, default via gw), our end re.
host() {
	local ns=$1 re=$2 pe=$3 addr=$4 gw=$5
	step ip netns add "$ns"
	step ip link add "$re" type veth peer name "$pe" netns "$ns"
	for f in /proc/sys/net/ipv6/conf/"$re"/disable_ipv6; do [ -e "$f" ] && echo 1 > "$f"; done
	step ip netns exec "$ns" sh -c "echo 1 > /proc/sys/net/ipv6/conf/all/disable_ipv6"
	# A packet socket sees what a veth sends before checksums are filled
	# in and before segmentation: the hosts do both themselves.
	step ip netns exec "$ns" ethtool -K "$pe" tx off tso off gso off gro off
	step ethtool -K "$re" tx off tso off gso off gro off
	step ip -n "$ns" addr add "$addr/24" dev "$pe"
	step ip -n "$ns" link set lo up
	step ip -n "$ns" link set "$pe" up
	step ip -n "$ns" route add default via "$gw"
	step ip link set "$re" up
}
host "$na" "$ra" "$pa" 10.1.0.2 10.1.0.1
host "$nb" "$rb" "$pb" 10.2.0.2 10.2.0.1

sed -e "s/iface=rt0,/iface=$ra,/; s/iface=rt1,/iface=$rb,/" \
	-e "s|\"--no-pci\",|\"--no-pci\", \"--file-prefix=strdpr$tag\", \"--log-level=*:error\",|" \
	-e "s|^socket = \"/run/strdp/streamsd.sock\"|socket = \"$work/ctl.sock\"|" \
	-e "s|^socket = \"/run/strdp/apps.sock\"|socket = \"$work/apps.sock\"|" \
	"$src/config/examples/router.toml" > "$work/router.toml"
# The daemon runs from its build tree: ip.so comes from $build/modules.
"$build/apps/streamsd/streamsd" -c "$work/router.toml" > "$work/streamsd.log" 2>&1 &
dpid=$!
strctl() { "$build/apps/strctl/strctl" --socket "$work/ctl.sock" "$@"; }
for _ in $(seq 100); do
	[ -S "$work/ctl.sock" ] && strctl list > /dev/null 2>&1 && break
	kill -0 "$dpid" 2>/dev/null || break
	sleep 0.2
done
if ! strctl list > /dev/null 2>&1; then
	echo "router-netns: streamsd did not start:" >&2
	cat "$work/streamsd.log" >&2
	exit 1
fi

failed=0
check() { # name, then a command that must succeed
	local name=$1
	shift
	local out
	if out=$("$@" 2>&1); then
		echo "ok   $name"
	else
		echo "FAIL $name"
		printf '%s\n' "$out" | sed 's/^/     /'
		failed=$((failed + 1))
	fi
}
in_a() { ip netns exec "$na" "$@"; }
in_b() { ip netns exec "$nb" "$@"; }
# ping's output must hold a pattern (it fails on purpose there).
ping_says() { # pattern, ping args...
	local pat=$1 out
	shift
	out=$(in_a ping "$@" 2>&1)
	printf '%s\n' "$out"
	grep -q "$pat" <<< "$out"
}

check "ping a -> b" in_a ping -c 3 -i 0.2 -W 2 10.2.0.2
check "ping b -> a" in_b ping -c 3 -i 0.2 -W 2 10.1.0.2
check "ping the router's near address" in_a ping -c 2 -i 0.2 -W 2 10.1.0.1
check "ping the router's far address" in_a ping -c 2 -i 0.2 -W 2 10.2.0.1
check "ping -s 4000 -M dont (the router fragments both ways)" \
	in_a ping -c 3 -i 0.2 -W 2 -s 4000 -M dont 10.2.0.2
check "ping -M do -s 1400 gets fragmentation needed, mtu 1300" \
	ping_says "mtu = 1300" -c 1 -W 2 -M do -s 1400 10.2.0.2
check "ping -t 1 gets time exceeded from the router" \
	ping_says "From 10.1.0.1.*Time to live exceeded" -c 1 -W 2 -t 1 10.2.0.2
traceroute_path() {
	local out
	out=$(in_a traceroute -n -q 1 -w 2 -m 4 10.2.0.2 2>&1)
	printf '%s\n' "$out"
	grep -Eq '^ *1 +10\.1\.0\.1 ' <<< "$out" && grep -Eq '^ *2 +10\.2\.0\.2 ' <<< "$out"
}
check "traceroute: the router, then the host" traceroute_path

tcp_transfer() {
	head -c 4000000 /dev/urandom > "$work/in"
	in_b socat -u TCP-LISTEN:5001,reuseaddr OPEN:"$work/out",creat,trunc &
	local srv=$!
	sleep 0.5
	timeout 60 ip netns exec "$na" socat -u OPEN:"$work/in" TCP:10.2.0.2:5001,connect-timeout=5
	local rc=$?
	wait "$srv"
	[ $rc = 0 ] || { echo "socat sender: exit $rc"; return 1; }
	[ "$(sha256sum < "$work/in")" = "$(sha256sum < "$work/out")" ] ||
		{ echo "the 4 MB arrived changed ($(stat -c %s "$work/out") bytes)"; return 1; }
}
check "TCP: 4 MB a -> b, intact" tcp_transfer

# UDP to the router's own /dev/udp: strdp-udp-echo (an application on
# the apps socket, TPI) answers a Linux socat client in each namespace.
udp_echo() {
	STRDP_SOCKET="$work/apps.sock" timeout 30 \
		"$build/apps/strdp-examples/strdp-udp-echo" -p 7 -n 4 -t 20 > "$work/echo.out" 2>&1 &
	local srv=$! got
	for _ in $(seq 50); do grep -q '^bound' "$work/echo.out" && break; sleep 0.1; done
	grep -q '^bound 0.0.0.0:7$' "$work/echo.out" || { cat "$work/echo.out"; kill "$srv"; return 1; }
	for to in 10.1.0.1 10.2.0.1; do
		got=$(echo "hello $to" | in_a timeout 5 socat -t 2 - UDP:$to:7)
		[ "$got" = "hello $to" ] || { echo "to $to from a: got '$got'"; kill "$srv"; return 1; }
	done
	got=$(head -c 3000 /dev/zero | tr '\0' x | in_b timeout 5 socat -t 2 - UDP:10.2.0.1:7)
	[ ${#got} = 3000 ] || { echo "3000 bytes from b: got ${#got}"; kill "$srv"; return 1; }
	got=$(echo "last" | in_b timeout 5 socat -t 2 - UDP:10.1.0.1:7)
	[ "$got" = "last" ] || { echo "from b across: got '$got'"; kill "$srv"; return 1; }
	wait "$srv" || { echo "strdp-udp-echo: exit $?"; cat "$work/echo.out"; return 1; }
	grep -q '^echoed 4$' "$work/echo.out" || { cat "$work/echo.out"; return 1; }
	# A port nobody bound: port unreachable, which socat reports.
	if echo x | in_a timeout 5 socat -t 2 - UDP:10.1.0.1:9 > /dev/null 2>&1; then
		echo "port 9 answered"; return 1
	fi
}
check "UDP echo through /dev/udp (TPI) to socat, both sides" udp_echo

route_live() {
	strctl route list r0 | grep -q '10.9.0.0/16 *10.2.0.2' || { echo "no 10.9.0.0/16 from the file"; strctl route list r0; return 1; }
	strctl route add r0 10.8.0.0/16 via 10.2.0.2 || return 1
	strctl route list r0 | grep -q '10.8.0.0/16 *10.2.0.2 *eth1 *static' || { strctl route list r0; return 1; }
	# Routed to b, which is no router and drops it: no answer at all.
	if ping_says "Unreachable" -c 1 -W 1 10.8.0.5; then echo "routed, yet unreachable"; return 1; fi
	strctl route del r0 10.8.0.0/16 || return 1
	ping_says "Destination Net Unreachable" -c 1 -W 2 10.8.0.5 || return 1
	if strctl route add r0 10.7.0.0/16 via 10.3.0.1 2> "$work/err"; then
		echo "a gateway on no link was taken"; return 1
	fi
	grep -q "gateway" "$work/err" || { cat "$work/err"; return 1; }
}
check "strctl route add/list/del, live" route_live

# Hostile input (tests/ip/hostile): malformed IPv4, ARP and ICMP frames
# replayed into eth0; each must land in the drop counter the generator
# names, and good traffic must still pass.
hostile() {
	strctl --json ip r0 > "$work/before.json" || return 1
	local mac sent
	mac=$(cat "/sys/class/net/$ra/address")
	sent=$(in_a python3 "$src/tests/ip/hostile/replay.py" "$src/tests/ip/hostile/hostile.pcap" "$pa" "$mac") || return 1
	sleep 0.5
	strctl --json ip r0 > "$work/after.json" || return 1
	python3 - "$work/before.json" "$work/after.json" "$src/tests/ip/hostile/hostile.expect.json" "$sent" <<'PY' || return 1
import json, sys
def eth0(path):
    i = {x["name"]: x for x in json.load(open(path))["interfaces"]}["eth0"]
    return {**i["counters"], **i["drops"]}
before, after, expect = eth0(sys.argv[1]), eth0(sys.argv[2]), json.load(open(sys.argv[3]))
sent = int(sys.argv[4])
bad = {k: (after[k] - before[k], n) for k, n in expect.items() if after[k] - before[k] != n}
rx = after["rx_frames"] - before["rx_frames"]
fwd = after["forwarded"] - before["forwarded"]
print(f"sent {sent}, received {rx}, forwarded {fwd}; off (got, want): {bad}")
sys.exit(1 if bad or fwd or sent != sum(expect.values()) else 0)
PY
	in_a ping -c 2 -i 0.2 -W 2 10.2.0.2 || { echo "no longer forwarding"; return 1; }
}
check "hostile frames: all dropped, each counted where it should be" hostile

# What the router counted: the fragments it made, the errors it sent.
counted() {
	strctl --json ip r0 > "$work/ip.json" || return 1
	python3 - "$work/ip.json" <<'PY'
import json, sys
ifs = {i["name"]: i for i in json.load(open(sys.argv[1]))["interfaces"]}
c0, c1 = ifs["eth0"]["counters"], ifs["eth1"]["counters"]
want = {"eth1 fragments": c1["fragments"], "eth0 fragments": c0["fragments"],
        "eth0 drop_ttl": c0["drop_ttl"], "eth0 drop_df": c0["drop_df"],
        "eth0 icmp_errors": c0["icmp_errors"], "eth0 echo_replies": c0["echo_replies"],
        "eth1 forwarded": c1["forwarded"], "eth0 udp_in": c0["udp_in"],
        "eth1 udp_out": c1["udp_out"]}
bad = [k for k, v in want.items() if v == 0]
print(json.dumps(want))
sys.exit(1 if bad else 0)
PY
}
check "strctl ip: the router counted what it did" counted

# The same counters in DPDK telemetry (nothing moves now: no traffic).
telemetry_ip() {
	strctl --json ip r0 > "$work/ip.json" || return 1
	echo /strdp/ip,r0 | timeout 30 dpdk-telemetry.py -f "strdpr$tag" > "$work/tel.out" 2>&1 ||
		{ cat "$work/tel.out"; return 1; }
	python3 - "$work/ip.json" "$work/tel.out" <<'PY'
import json, re, sys
ifs = {i["name"]: i for i in json.load(open(sys.argv[1]))["interfaces"]}
text = open(sys.argv[2]).read()
tel = json.loads(text[text.index('{"/strdp/ip"'):].splitlines()[0])["/strdp/ip"]
bad = [(n, k) for n, i in ifs.items() for k, v in i["counters"].items() if tel[n][k] != v]
bad += [(n, k) for n, i in ifs.items() for k, v in i["drops"].items() if tel[n]["drop_" + k] != v]
print("interfaces", sorted(tel), "differing:", bad)
sys.exit(1 if bad or sorted(tel) != sorted(ifs) else 0)
PY
}
check "telemetry /strdp/ip,r0: every counter as strctl ip has it" telemetry_ip

kill "$dpid"
wait "$dpid"
rc=$?
dpid=
if [ $rc != 0 ]; then
	echo "FAIL streamsd stopped with status $rc"
	failed=$((failed + 1))
fi
if [ $failed != 0 ]; then
	echo "--- streamsd log"
	cat "$work/streamsd.log"
	exit 1
fi
echo "all router checks passed"
