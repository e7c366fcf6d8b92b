#!/usr/bin/env bash
# netns-run.sh IP TCPDUMP PROGRAM [ARGS...]
#
# The kernel side of the net_af_packet tests, made before PROGRAM starts
# (the PMD opens its interface while EAL probes it, before any test
# runs): a network namespace holding one end of a veth pair, addressed
# and up, with the Linux stack answering ARP and ping there; the other
# end stays in our namespace for net_af_packet. What PROGRAM needs is in
# its environment:
#
#   STRDP_VDEV_NETNS    the namespace          STRDP_VDEV_HOST_IF  our end
#   STRDP_VDEV_PEER_IF  the end in NETNS       STRDP_VDEV_PEER_IP  its address
#   STRDP_VDEV_LOCAL_IP the address the test claims (same /24)
#   STRDP_VDEV_IP, STRDP_VDEV_TCPDUMP   programs ("" if not found)
#   STRDP_VDEV_SKIP     why the kernel side could not be made (not root,
#                       no `ip`): each test prints it and skips
#
# Names carry this script's pid, so parallel runs never collide. The veth
# pair and the namespace are removed when the script exits, however
# PROGRAM ended (trap; meson's timeout sends SIGTERM to the group first).
# Only SIGKILL defeats a trap: what such a run left (a namespace named
# after a pid that no longer runs) is removed by the next run.
set -u
ip_cmd=$1 tcpdump_cmd=$2
shift 2

ns=strdpv-$$ host_if=vdh$$ peer_if=vdp$$
peer_ip=192.0.2.1 local_ip=192.0.2.2 plen=24  # TEST-NET-1, inside the namespace only

export STRDP_VDEV_IP=$ip_cmd STRDP_VDEV_TCPDUMP=$tcpdump_cmd STRDP_VDEV_SKIP=

made=0
cleanup() {
	[ $made = 1 ] || return 0
	"$ip_cmd" link del "$host_if" 2>/dev/null  # takes its peer with it
	"$ip_cmd" netns del "$ns" 2>/dev/null
}

# Namespaces of earlier runs whose script is gone (killed by SIGKILL): no
# netns-run.sh runs under that pid any more (a zombie has no command line).
sweep() {
	local n pid
	for n in $("$ip_cmd" netns list 2>/dev/null | awk '{print $1}'); do
		case $n in strdpv-[0-9]*) ;; *) continue ;; esac
		pid=${n#strdpv-}
		if [ "$pid" != $$ ] && tr '\0' ' ' 2>/dev/null < "/proc/$pid/cmdline" | grep -q netns-run; then
			continue
		fi
		"$ip_cmd" link del "vdh$pid" 2>/dev/null
		"$ip_cmd" netns del "$n" 2>/dev/null && echo "netns-run: removed leftover $n"
	done
}

# Runs a set-up step; on failure says which and exits (cleanup by trap).
step() {
	local out
	if ! out=$("$@" 2>&1); then
		echo "netns-run: set-up failed: $*: $out" >&2
		exit 1
	fi
}

# No IPv6 on either end: router and neighbour solicitations would be the
# only traffic nobody asked for.
no_ipv6() { # [netns] ifname
	local f=/proc/sys/net/ipv6/conf/${!#}/disable_ipv6
	if [ $# = 2 ]; then
		"$ip_cmd" netns exec "$1" sh -c "[ ! -e $f ] || echo 1 > $f"
	else
		[ ! -e "$f" ] || echo 1 > "$f"
	fi
}

if [ "$(id -u)" != 0 ]; then
	STRDP_VDEV_SKIP="not root (geteuid() != 0): a network namespace and a veth pair need root"
elif [ -z "$ip_cmd" ] || [ ! -x "$ip_cmd" ]; then
	STRDP_VDEV_SKIP="the \`ip\` program (iproute2) was not found"
fi

trap cleanup EXIT
child=
trap '[ -n "$child" ] && kill -TERM "$child" 2>/dev/null' INT TERM HUP

if [ -z "$STRDP_VDEV_SKIP" ]; then
	sweep
	made=1
	step "$ip_cmd" netns add "$ns"
	step "$ip_cmd" link add "$host_if" type veth peer name "$peer_if" netns "$ns"
	step no_ipv6 "$host_if"
	step no_ipv6 "$ns" "$peer_if"
	step "$ip_cmd" -n "$ns" addr add "$peer_ip/$plen" dev "$peer_if"
	step "$ip_cmd" -n "$ns" link set lo up
	step "$ip_cmd" -n "$ns" link set "$peer_if" up
	step "$ip_cmd" link set "$host_if" up
	# The kernel answers ping at once, without asking who has local_ip:
	# the IPv4 streams of the tests do not answer ARP.
	host_mac=$(cat "/sys/class/net/$host_if/address")
	step "$ip_cmd" -n "$ns" neigh replace "$local_ip" lladdr "$host_mac" dev "$peer_if" nud permanent
	export STRDP_VDEV_NETNS=$ns STRDP_VDEV_HOST_IF=$host_if STRDP_VDEV_PEER_IF=$peer_if
	export STRDP_VDEV_PEER_IP=$peer_ip STRDP_VDEV_LOCAL_IP=$local_ip
fi

"$@" &
child=$!
# A trapped signal ends `wait` early: wait again until PROGRAM is gone.
while :; do
	wait "$child"
	rc=$?
	kill -0 "$child" 2>/dev/null || break
done
exit $rc
