#!/bin/bash
# streamsd and strctl end to end, as an operator uses them (TAP output).
#
#   e2e.sh STREAMSD STRCTL
#
# Starts streamsd on two net_null ports cross-connected through xconn
# (pmd, raw mode) plus an echo stream, with its own EAL file prefix and a
# socket under a temporary folder, then: strctl list / stats / push / pop
# / link / unlink, a bad request, the socket's mode against another user,
# DPDK telemetry through dpdk-telemetry.py, a second daemon on the same
# socket, SIGTERM with the leak check; and the failures: --check of a bad
# file, an unknown module, a port that does not exist. Needs root (EAL,
# setpriv). Every wait is bounded.
set -u
STREAMSD=$(readlink -f "$1")
STRCTL=$(readlink -f "$2")
TMP=$(mktemp -d /tmp/strdp-e2e-XXXXXX)
chmod 755 "$TMP"  # so another user reaches the socket and meets its mode
PREFIX="strdp-e2e-$$"
SOCK="$TMP/run/streamsd.sock"
PID=""
n=0
failed=0

ok() { n=$((n + 1)); echo "ok $n - $1"; }
not_ok() {
  n=$((n + 1)); failed=$((failed + 1)); echo "not ok $n - $1"
  shift
  for f in "$@"; do [ -f "$f" ] && sed 's/^/# /' "$f"; done
}
# check DESC COMMAND...: ok when the command succeeds
check() { local d=$1; shift; if "$@"; then ok "$d"; else not_ok "$d" "$TMP/out" "$TMP/err"; fi; }
cleanup() {
  [ -n "$PID" ] && kill -KILL "$PID" 2>/dev/null
  rm -rf "$TMP" "/var/run/dpdk/$PREFIX" "/var/run/dpdk/$PREFIX-2" "/var/run/dpdk/$PREFIX-3"
}
trap cleanup EXIT

eal_args() {  # $1: file prefix
  echo "args = [\"-l\", \"0-1\", \"--no-huge\", \"-m\", \"512\", \"--no-pci\", \"--file-prefix\", \"$1\","
  echo "        \"--log-level\", \"*:error\", \"--vdev=net_null0\", \"--vdev=net_null1\"]"
}
write_config() {  # $1: file, $2: prefix, $3: extra TOML
  cat > "$1" <<TOML
[eal]
$(eal_args "$2")
[lcores]
workers = "1"
[control]
socket = "$SOCK"
mode = "0600"
[[port]]
name = "net0"
device = "net_null0"
[[port]]
name = "net1"
device = "net_null1"
[[stream]]
name = "s0"
driver = "pmd"
port = "net0"
modules = ["passmod"]
[[stream]]
name = "s1"
driver = "pmd"
port = "net1"
modules = ["passmod"]
[[stream]]
name = "x0"
driver = "xconn"
[[stream]]
name = "e0"
driver = "echo"
[[link]]
mux = "x0"
lower = "s0"
[[link]]
mux = "x0"
lower = "s1"
$3
TOML
}
strctl() { "$STRCTL" --socket "$SOCK" "$@" > "$TMP/out" 2> "$TMP/err"; }
out_has() { grep -q -- "$1" "$TMP/out"; }
err_has() { grep -q -- "$1" "$TMP/err"; }
json_ok() { python3 -c "import json,sys; d=json.load(open('$TMP/out')); sys.exit(0 if $1 else 1)"; }
# waits (at most $2 tenths of a second) for command $1 to succeed
wait_for() { local i; for ((i = 0; i < $2; i++)); do eval "$1" && return 0; sleep 0.1; done; return 1; }

write_config "$TMP/good.toml" "$PREFIX" ""

# --- configuration checks, nothing started -------------------------------
"$STREAMSD" --check -c "$TMP/good.toml" > "$TMP/out" 2> "$TMP/err"
check "--check of a good file says ok" test $? -eq 0 -a "$(cat "$TMP/out")" = "ok"

cat > "$TMP/bad.toml" <<'TOML'
[lcores]
workers = "1"
[[stream]]
name = "s0"
driver = "echo"
lanes = "two"
lane = 1
TOML
"$STREAMSD" --check -c "$TMP/bad.toml" > "$TMP/out" 2> "$TMP/err"
rc=$?
check "--check of a bad file exits 1" test $rc -eq 1
check "--check names file:line: key for every error" \
  bash -c "grep -q '^$TMP/bad.toml:6: stream.s0.lanes: ' '$TMP/err' && grep -q '^$TMP/bad.toml:7: stream.s0.lane: ' '$TMP/err'"

write_config "$TMP/unknown.toml" "$PREFIX-3" '[[stream]]
name = "u0"
driver = "echo"
modules = ["xyzmod"]'
"$STREAMSD" --check -c "$TMP/unknown.toml" > "$TMP/out" 2> "$TMP/err"
rc=$?
check "--check finds an unknown module" bash -c "test $rc -eq 1 && grep -q xyzmod '$TMP/err'"

# Modules are plugins: found by name on the module path ($STRDP_MODULE_PATH
# here), or, with none set, in the build tree of the libstrdp that runs.
env -u STRDP_MODULE_PATH "$STREAMSD" --check -c "$TMP/good.toml" > "$TMP/out" 2> "$TMP/err"
check "--check without STRDP_MODULE_PATH finds the build tree's plugins" \
  test $? -eq 0 -a "$(cat "$TMP/out")" = "ok"
cat > "$TMP/noplugin.toml" <<'TOML'
plugins = ["sniffer",
  "nosuchplugin"]
[lcores]
workers = "1"
TOML
"$STREAMSD" --check -c "$TMP/noplugin.toml" > "$TMP/out" 2> "$TMP/err"
rc=$?
check "--check names a plugin not on the module path with file:line" \
  bash -c "test $rc -eq 1 && grep -q '^$TMP/noplugin.toml:2: plugins\[1\]: no plugin \"nosuchplugin\"' '$TMP/err'"
"$STREAMSD" -c "$TMP/unknown.toml" > "$TMP/out" 2> "$TMP/err"
rc=$?
check "running with an unknown module fails before anything starts" \
  bash -c "test $rc -eq 1 && grep -q 'xyzmod' '$TMP/err' && grep -q 'nothing started' '$TMP/err' && ! test -e '$SOCK'"

# --- start-up failure leaves nothing behind --------------------------------
write_config "$TMP/nak.toml" "$PREFIX-3" '[[stream]]
name = "n0"
driver = "echo"
modules = [{ name = "passmod", args = "x=1" }]'
timeout 60 "$STREAMSD" -c "$TMP/nak.toml" > "$TMP/out" 2> "$TMP/err"
rc=$?
check "arguments a module refuses at start-up: exit 1 naming module and stream" \
  bash -c "test $rc -eq 1 && grep -q 'stream n0 lane 0: module passmod refused its arguments' '$TMP/err' && ! test -e '$SOCK'"

write_config "$TMP/noport.toml" "$PREFIX-3" '[[port]]
name = "ghost"
device = "net_null7"'
timeout 60 "$STREAMSD" -c "$TMP/noport.toml" > "$TMP/out" 2> "$TMP/err"
rc=$?
check "a port that does not exist: exit 1, named, socket removed" \
  bash -c "test $rc -eq 1 && grep -q 'port ghost (net_null7)' '$TMP/err' && ! test -e '$SOCK'"

# --- the running daemon ----------------------------------------------------
"$STREAMSD" -c "$TMP/good.toml" > "$TMP/daemon.out" 2> "$TMP/daemon.err" &
PID=$!
if wait_for "grep -q 'stop with SIGINT' '$TMP/daemon.out'" 300; then
  ok "streamsd starts and prints its summary"
else
  not_ok "streamsd starts and prints its summary" "$TMP/daemon.out" "$TMP/daemon.err"
  echo "1..$n"; exit 1
fi
check "the summary shows the streams and the socket" \
  bash -c "grep -q 'x0 ' '$TMP/daemon.out' && grep -q 'linked under x0' '$TMP/daemon.out' && grep -q '$SOCK' '$TMP/daemon.out'"
check "the socket has mode 0600" test "$(stat -c %a "$SOCK")" = 600

strctl list
check "strctl list shows every stream, its stack and links" \
  bash -c "grep -q '^s0 .*pmd .*net0 .*0@1 .*passmod .*under x0 (persistent)' '$TMP/out' && grep -q '^x0 .*xconn.*lowers: s0,s1' '$TMP/out' && grep -q '^e0 .*echo' '$TMP/out'"

wait_for "strctl --json stats s1 && json_ok \"d['streams'][0]['pmd']['tx_frames'] > 0\"" 100
check "strctl --json stats: frames cross from net0 to net1" \
  json_ok "d['ok'] and d['streams'][0]['name'] == 's1' and d['streams'][0]['pmd']['tx_frames'] > 0 and len(d['streams'][0]['queues']) == 6"
strctl stats s0
check "strctl stats prints a table per stream" bash -c "grep -q 'stream s0 (pmd, 1 lane' '$TMP/out' && grep -q 'passmod' '$TMP/out' && grep -q '^  pmd: rx_bytes=[0-9]* .*rx_frames=[0-9]* .*tx_frames=[0-9]* tx_invalid=[0-9]*$' '$TMP/out' && grep -q '^  POS  QUEUE .*PUT_CALLS' '$TMP/out'"
strctl ports
check "strctl ports shows both ports" bash -c "grep -q '^net0 .*net_null0' '$TMP/out' && grep -q '^net1 .*net_null1' '$TMP/out'"

# Live: s0 carries frames; take it out of the cross-connect, push and pop a
# module on it, put it back; traffic goes on.
strctl unlink x0 s0; check "unlink s0 from x0" out_has "unlinked s0 from x0"
strctl push s0 nullmod; check "push nullmod on s0 while frames arrive" out_has "stack now: nullmod > passmod"
strctl pop s0; check "pop it again" out_has "popped nullmod from s0"
strctl link x0 s0; check "link s0 under x0 again" out_has "linked s0 under x0 (persistent)"
strctl --json stats s1
before=$(python3 -c "import json; print(json.load(open('$TMP/out'))['streams'][0]['pmd']['tx_frames'])")
check "traffic flows after the changes" \
  wait_for "strctl --json stats s1 && json_ok \"d['streams'][0]['pmd']['tx_frames'] > $before\"" 100
# A module with arguments, live, the way an operator captures traffic.
strctl unlink x0 s1; check "unlink s1 from x0" out_has "unlinked s1 from x0"
strctl push s1 sniffer "file=$TMP/s1.pcapng snaplen=64"
check "push sniffer with arguments on s1" out_has "stack now: sniffer > passmod"
strctl push s1 sniffer "snaplen=0"; rc=$?
check "arguments the module refuses: exit 1, named, stack unchanged" \
  bash -c "test $rc -eq 1 && grep -q 'module sniffer refused its arguments' '$TMP/err'"
strctl list; check "... the stack is as it was" bash -c "grep -q '^s1 .* sniffer > passmod ' '$TMP/out'"
strctl pop s1; check "pop the sniffer" out_has "popped sniffer from s1"
strctl link x0 s1; check "link s1 under x0 again" out_has "linked s1 under x0"
check "the sniffer wrote its pcapng file" test -s "$TMP/s1.pcapng"
strctl push e0 passmod; check "push passmod on e0" out_has "stack now: passmod"
strctl pop e0; check "pop passmod from e0" out_has "popped passmod from e0"

# Refusals
strctl pop e0; rc=$?
check "pop of an empty stack: exit 1 and why" bash -c "test $rc -eq 1 && grep -q 'no module to pop' '$TMP/err'"
strctl push nosuch nullmod; rc=$?
check "an unknown stream: exit 1 and why" bash -c "test $rc -eq 1 && grep -q 'no stream named' '$TMP/err'"
strctl push s0 nullmod; rc=$?
check "a push on a linked stream is refused" bash -c "test $rc -eq 1 && grep -q 'linked under x0' '$TMP/err'"
python3 - "$SOCK" > "$TMP/out" <<'PY'
import json, socket, sys
s = socket.socket(socket.AF_UNIX); s.connect(sys.argv[1])
s.sendall(b'{"cmd": "list"\n{"cmd":"frob"}\n' + b'x' * 100000 + b'\n{"cmd":"list","id":3}\n')
f = s.makefile()
for _ in range(4):
    print(json.dumps(json.loads(f.readline())))
PY
check "bad requests get error replies and the connection goes on" \
  bash -c "sed -n 1p '$TMP/out' | grep -q 'malformed JSON' && sed -n 2p '$TMP/out' | grep -q 'unknown command' && sed -n 3p '$TMP/out' | grep -q 'longer than' && sed -n 4p '$TMP/out' | grep -q '\"id\": 3'"

# The socket's mode decides who may connect.
setpriv --reuid=nobody --regid=nogroup --clear-groups "$STRCTL" --socket "$SOCK" list > "$TMP/out" 2> "$TMP/err"
rc=$?
check "mode 0600: another user is refused" bash -c "test $rc -eq 1 && grep -q 'permission denied' '$TMP/err'"
chmod 0666 "$SOCK"
setpriv --reuid=nobody --regid=nogroup --clear-groups "$STRCTL" --socket "$SOCK" list > "$TMP/out" 2> "$TMP/err"
check "... and let in once the mode allows it (the mode is what decides)" test $? -eq 0
chmod 0600 "$SOCK"

# Telemetry
echo /strdp/streams | timeout 30 dpdk-telemetry.py -f "$PREFIX" > "$TMP/out" 2> "$TMP/err"
check "telemetry /strdp/streams lists the streams" \
  bash -c "grep -q '\"s0\"' '$TMP/out' && grep -q '\"x0\"' '$TMP/out' && grep -q '\"e0\"' '$TMP/out'"
echo /strdp/stream,s1 | timeout 30 dpdk-telemetry.py -f "$PREFIX" > "$TMP/out" 2> "$TMP/err"
check "telemetry /strdp/stream,s1 has the stack and counters" \
  bash -c "grep -q 'passmod' '$TMP/out' && grep -q 'put_calls' '$TMP/out' && grep -q 'pmd_tx_frames' '$TMP/out'"
echo /strdp/info | timeout 30 dpdk-telemetry.py -f "$PREFIX" > "$TMP/out" 2> "$TMP/err"
check "telemetry /strdp/info names the control socket" grep -q "$SOCK" "$TMP/out"

# A second daemon on the same socket is refused; the first goes on.
write_config "$TMP/second.toml" "$PREFIX-2" ""
timeout 60 "$STREAMSD" -c "$TMP/second.toml" > "$TMP/out" 2> "$TMP/err"
rc=$?
check "a second daemon on the same socket refuses to start" \
  bash -c "test $rc -eq 1 && grep -q 'another daemon answers' '$TMP/err'"
strctl list; check "... and the first one still answers" out_has "^s0 "

# Stop
kill -TERM "$PID"
rc=124
for ((i = 0; i < 300; i++)); do
  if ! kill -0 "$PID" 2>/dev/null; then wait "$PID"; rc=$?; break; fi
  sleep 0.1
done
[ $rc -eq 124 ] && kill -KILL "$PID" 2>/dev/null
PID=""
check "SIGTERM: streamsd exits 0" test $rc -eq 0
line=$(grep '^leak check:' "$TMP/daemon.out")
check "the leak check line has equal counts" \
  bash -c "[[ '$line' =~ ^leak\ check:\ ([0-9]+)\ buffers\ in\ use\ at\ start,\ ([0-9]+)\ at\ stop$ ]] && [ \${BASH_REMATCH[1]} = \${BASH_REMATCH[2]} ]"
check "the socket file is gone" test ! -e "$SOCK"
strctl list; rc=$?
check "strctl says the daemon is not running" bash -c "test $rc -eq 1 && grep -q 'not running' '$TMP/err'"

echo "1..$n"
[ $failed -eq 0 ]
