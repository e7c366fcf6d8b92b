#!/usr/bin/env bash
# check-golden.sh TSHARK GOLDEN-DIR
#
# The committed capture files, decoded by tshark (an implementation that
# owes nothing to ours): in.pcap holds the mix make_golden.py promises,
# and no frame of any golden file is malformed or carries a checksum
# tshark finds bad. Exit 77 (meson: SKIP) without tshark.
set -u
tshark=$1 dir=$2
if [ -z "$tshark" ] || [ ! -x "$tshark" ]; then
	echo "SKIP: tshark was not found"
	exit 77
fi
fail=0

for f in in.pcap out-ipv4-echo.pcap out-raw.pcap; do
	# number, length, protocols, expert messages, checksum states (2: bad)
	if ! out=$("$tshark" -r "$dir/$f" -o ip.check_checksum:TRUE -o udp.check_checksum:TRUE \
		-o tcp.check_checksum:TRUE -T fields -E separator='|' -e frame.number -e frame.len \
		-e frame.protocols -e _ws.malformed -e ip.checksum.status -e udp.checksum.status \
		-e tcp.checksum.status -e icmp.checksum.status -e icmpv6.checksum.status 2>/dev/null); then
		echo "FAIL: $f: tshark cannot read it"
		fail=1
		continue
	fi
	echo "== $f"
	echo "$out"
	bad=$(echo "$out" | awk -F'|' '$4 != "" { print "malformed: frame " $1 }
		{ for (i = 5; i <= 9; i++) if ($i ~ /(^|,)2(,|$)/) print "bad checksum: frame " $1 }')
	if [ -n "$bad" ]; then
		echo "FAIL: $f: $bad"
		fail=1
	fi
done

in=$("$tshark" -r "$dir/in.pcap" -T fields -E separator='|' -e frame.len -e frame.protocols 2>/dev/null)
[ "$(echo "$in" | wc -l)" = 15 ] || { echo "FAIL: in.pcap: not 15 frames"; fail=1; }
for p in eth:ethertype:arp ip:icmp ip:udp ip:tcp ipv6:udp ipv6:icmpv6 vlan:ethertype:ip llc:stp; do
	echo "$in" | grep -q "$p" || { echo "FAIL: in.pcap: no $p frame"; fail=1; }
done
for n in 60 1514; do
	echo "$in" | grep -q "^$n|" || { echo "FAIL: in.pcap: no $n-byte frame"; fail=1; }
done
[ $fail = 0 ] && echo "golden files decode cleanly"
exit $fail
