#!/bin/bash
# hvd's peer port (docs/hvd.md, docs/security.md section 3) on three hosts
# made with scripts/hvhosts.sh: hostA and hostB share the cluster key,
# hostC has another.
#  - hvctl ping A->B and B->A report the right peer, also with --json;
#  - A->C and C->A are refused, and both hvds log "wrong cluster key";
#  - a plaintext client on B's port is closed and logged, an openssl
#    s_client with -tls1_2 and one with TLS 1.3 but no PSK are refused
#    and logged, and a TLS client with the key but a peer hello of
#    protocol 99 gets a clear refusal; B serves A after each;
#  - a client that connects and sends nothing is dropped after the
#    handshake deadline (--peer-timeout) while A's pings are answered
#    meanwhile; more than 16 such clients are refused at accept;
#  - a ping to a port nobody serves, or to an address that never answers,
#    fails with a message (the latter after its -t);
#  - hvd with --listen and no usable key (absent, or readable by others)
#    refuses to start and says to run hvctl keygen; without --listen and
#    without a key it starts with the peer port off and ping says why.
# usage: tests/scripts/test_hvd_peer.sh BUILD      (exit 77: skipped)
# shellcheck disable=SC2154 # hostX_ADDR and HVHOSTS_KEY: from hosts.env
set -uo pipefail
cd "$(dirname "$0")/../.." || exit 1
BUILD=${1:?usage: $0 BUILD}
HVHOSTS=scripts/hvhosts.sh
HVD=$(realpath -m "$BUILD/bin/hvd")
HVCTL=$(realpath -m "$BUILD/bin/hvctl")
TIMEOUT=3                       # hvd --peer-timeout, seconds

skip() { echo "skipped: $*"; exit 77; }
[ "$(id -u)" = 0 ] || skip "needs root (network namespaces)"
for c in ip python3 openssl; do
	command -v $c >/dev/null || skip "no $c"
done
for b in "$HVD" "$HVCTL"; do [ -x "$b" ] || skip "$b not built"; done
probe=hvpprobe$$
ip netns add "$probe" 2>/dev/null || skip "ip netns add does not work here"
ip netns del "$probe"

P=hvpeer$$r$RANDOM             # our own prefix: never another test's hosts
tmp=$(mktemp -d "$(realpath "$BUILD")/hvd-peer-test.XXXXXX") || exit 1
D=$tmp/hosts
failed=0
# shellcheck disable=SC2317 # run by the trap
cleanup() {
	"$HVHOSTS" down --prefix "$P" >/dev/null 2>&1
	[ -z "${solo_pid:-}" ] || kill -KILL "$solo_pid" 2>/dev/null
	rm -rf "$tmp"
}
trap cleanup EXIT

fail() { echo "FAIL: $*"; failed=1; }
hv() { timeout 60 "$HVHOSTS" "$@"; }
in_host() { local h=$1; shift; hv exec --prefix "$P" "$h" -- "$@"; }
env_of() { echo "${!1}"; }
ctl() { local h=$1; shift; timeout 30 "$HVCTL" --control "$(env_of "${h}_CONTROL")" "$@"; }
log_of() { env_of "${1}_LOG"; }
count() { grep -c -- "$2" "$1" 2>/dev/null; }

# wait_for FILE PATTERN [N [SECS]]: until FILE has at least N lines
# matching PATTERN (default 1), polled for at most SECS (10) seconds.
wait_for() {
	local n=${3:-1} end=$((SECONDS + ${4:-10}))
	while [ "$(count "$1" "$2")" -lt "$n" ]; do
		[ $SECONDS -lt "$end" ] || return 1
		sleep 0.05
	done
}

# ping_ok FROM TO: FROM's hvd pings TO's and names it.
ping_ok() {
	local out
	out=$(ctl "$1" ping "$(env_of "${2}_ADDR")" 2>&1) ||
		{ fail "$1 -> $2: ping failed: $out"; return 1; }
	grep -qx "host  *$2" <<<"$out" || { fail "$1 -> $2: $out"; return 1; }
}

echo "== up: hostA and hostB share a key, hostC has another"
hv up --prefix "$P" --count 3 --dir "$D" >"$tmp/up.out" 2>&1 ||
	{ cat "$tmp/up.out"; fail "up"; exit 1; }
# shellcheck source=/dev/null
. "$D/hosts.env" || { fail "cannot source $D/hosts.env"; exit 1; }
"$HVCTL" keygen "$tmp/other.key" 2>/dev/null || { fail "keygen"; exit 1; }
cmp -s "$tmp/other.key" "$HVHOSTS_KEY" && { fail "two keys alike"; exit 1; }
for h in hostA hostB; do
	HVD=$HVD hv hvd --prefix "$P" "$h" --peer-timeout "$TIMEOUT" \
		>"$tmp/$h.pid" 2>&1 || { cat "$tmp/$h.pid"; fail "hvd on $h"; exit 1; }
done
HVD=$HVD hv hvd --prefix "$P" hostC --peer-timeout "$TIMEOUT" \
	--cluster-key "$tmp/other.key" >"$tmp/hostC.pid" 2>&1 ||
	{ cat "$tmp/hostC.pid"; fail "hvd on hostC"; exit 1; }
for h in hostA hostB hostC; do
	grep -q "peer port $(env_of "${h}_LISTEN")" "$(log_of $h)" ||
		fail "$h: no 'peer port' line: $(cat "$(log_of $h)")"
done

echo "== same key: pings both ways"
ping_ok hostA hostB
ping_ok hostB hostA
out=$(ctl hostA --json ping "$hostB_ADDR:7800" 2>&1)
python3 -c 'import json, sys
r = json.loads(sys.argv[1])
assert r["host"] == "hostB" and r["protocol"] == 1, r
assert r["address"] == sys.argv[2] + ":7800", r
assert r["version"].startswith("hvd ") and r["rtt_us"] > 0, r' "$out" "$hostB_ADDR" ||
	fail "--json ping: $out"
grep -q "peer $hostA_ADDR:[0-9]*: hostA (hvd [0-9.]*) pinged us" "$(log_of hostB)" ||
	fail "hostB did not log hostA's ping"

echo "== different keys: refused both ways, logged on both sides"
for pair in hostA:hostC hostC:hostA; do
	from=${pair%:*} to=${pair#*:}
	if out=$(ctl "$from" ping "$(env_of "${to}_ADDR")" 2>&1); then
		fail "$from -> $to: a ping across keys worked: $out"
	fi
	grep -q "TLS handshake failed: wrong cluster key (or none)" <<<"$out" ||
		fail "$from -> $to: hvctl says: $out"
	grep -q "ping $(env_of "${to}_ADDR").*wrong cluster key" "$(log_of "$from")" ||
		fail "$from's log: no wrong-key line for its ping"
	wait_for "$(log_of "$to")" "peer $(env_of "${from}_ADDR"):[0-9]*: TLS handshake failed: wrong cluster key (or none)" ||
		fail "$to's log: no wrong-key line for $from"
done

echo "== a plaintext client is closed, hostB goes on"
out=$(in_host hostA python3 -c 'import socket, sys
s = socket.create_connection((sys.argv[1], 7800), timeout=10)
s.sendall(b"GET / HTTP/1.0\r\n\r\nhello hvd\n")
try:
    print("closed" if s.recv(100) == b"" else "answered")
except ConnectionResetError:
    print("closed")' "$hostB_ADDR" 2>&1)
[ "$out" = closed ] || fail "plaintext client: $out"
wait_for "$(log_of hostB)" "peer $hostA_ADDR:[0-9]*: not TLS (plaintext?)" ||
	fail "hostB did not log the plaintext client"
ping_ok hostA hostB

echo "== TLS 1.2, and TLS 1.3 without the PSK: refused"
if in_host hostA timeout 10 openssl s_client -tls1_2 -connect "$hostB_ADDR:7800" \
	</dev/null >"$tmp/tls12.out" 2>&1; then
	fail "s_client -tls1_2 got through: $(tail -5 "$tmp/tls12.out")"
fi
wait_for "$(log_of hostB)" "peer $hostA_ADDR:[0-9]*: TLS handshake failed: TLS version too old" ||
	fail "hostB did not log the TLS 1.2 client"
n=$(count "$(log_of hostB)" "wrong cluster key")
if in_host hostA timeout 10 openssl s_client -tls1_3 -connect "$hostB_ADDR:7800" \
	</dev/null >"$tmp/tls13.out" 2>&1; then
	fail "s_client without PSK got through: $(tail -5 "$tmp/tls13.out")"
fi
wait_for "$(log_of hostB)" "peer $hostA_ADDR:[0-9]*: TLS handshake failed: wrong cluster key (or none)" $((n + 1)) ||
	fail "hostB did not log the client without PSK"
ping_ok hostA hostB

echo "== the right key, a peer hello of protocol 99: refused with why"
# The PSK and its identity as dom0/peer/peer_key.c derives them.
read -r psk ident < <(python3 -c 'import hashlib, hmac, sys
k = bytes.fromhex(open(sys.argv[1]).read().strip())
d = lambda label: hmac.new(k, label, hashlib.sha256).hexdigest()
print(d(b"hv peer tls psk 1"), "hv1-" + d(b"hv key id 1")[:16])' "$HVHOSTS_KEY")
# length 4, then PeerHello { min_version: 99, max_version: 99 }
printf '\x04\x00\x00\x00\x08\x63\x10\x63' |
	in_host hostA timeout 10 openssl s_client -quiet -tls1_3 -psk "$psk" \
		-psk_identity "$ident" -connect "$hostB_ADDR:7800" >"$tmp/hello.out" 2>&1
grep -aq "speaks peer protocol 99..99, this hvd 1..1" "$tmp/hello.out" ||
	fail "bad hello: the reply does not say why: $(cat -v "$tmp/hello.out")"
wait_for "$(log_of hostB)" "peer $hostA_ADDR:[0-9]*: refused: hello: the peer speaks peer protocol 99..99" ||
	fail "hostB did not log the bad hello"
ping_ok hostA hostB

echo "== a silent client is dropped after ${TIMEOUT}s; pings go on meanwhile"
n=$(count "$(log_of hostB)" "no TLS handshake and hello after")
in_host hostA python3 -c 'import socket, sys, time
s = socket.create_connection((sys.argv[1], 7800), timeout=30)
print("connected", flush=True)
t = time.monotonic()
try:
    d = s.recv(1)
except ConnectionResetError:
    d = b""
print("closed after %.1f s" % (time.monotonic() - t) if d == b"" else "data")
' "$hostB_ADDR" >"$tmp/silent.out" 2>&1 &
silent=$!
wait_for "$tmp/silent.out" "^connected" || fail "the silent client did not connect"
ping_ok hostA hostB
ping_ok hostB hostA
grep -q closed "$tmp/silent.out" && fail "the silent client was dropped before the pings"
wait "$silent"
read -r _ _ secs _ < <(grep "^closed after" "$tmp/silent.out") ||
	fail "silent client: $(cat "$tmp/silent.out")"
python3 -c "import sys; sys.exit(not $TIMEOUT - 0.5 <= ${secs:-0} <= $TIMEOUT + 5)" ||
	fail "the silent client was dropped after ${secs:-?} s, not $TIMEOUT"
wait_for "$(log_of hostB)" "peer $hostA_ADDR:[0-9]*: no TLS handshake and hello after" $((n + 1)) ||
	fail "hostB did not log dropping the silent client"

echo "== 17 silent clients: the 17th refused at once, the rest dropped later"
out=$(in_host hostA python3 -c 'import select, socket, sys, time
ss = [socket.create_connection((sys.argv[1], 7800)) for _ in range(17)]
def closed(s):
    try:
        return s.recv(1) == b""
    except ConnectionResetError:
        return True
early = [s for s in select.select(ss, [], [], 2)[0] if closed(s)]
rest = [s for s in ss if s not in early]
end = time.monotonic() + float(sys.argv[2]) + 5
while rest and time.monotonic() < end:
    r = select.select(rest, [], [], max(0, end - time.monotonic()))[0]
    rest = [s for s in rest if s not in r or not closed(s)]
print("%d early, %d left open" % (len(early), len(rest)))
' "$hostB_ADDR" "$TIMEOUT" 2>&1)
[ "$out" = "1 early, 0 left open" ] || fail "17 clients: $out"
grep -q "refused: 16 peer connections open already" "$(log_of hostB)" ||
	fail "hostB did not log the connection limit"
ping_ok hostA hostB

echo "== pings that cannot succeed"
if out=$(ctl hostA ping "$hostB_ADDR:7801" 2>&1); then
	fail "ping to a closed port worked: $out"
fi
grep -q "connect: Connection refused" <<<"$out" || fail "closed port: $out"
start=$SECONDS
if out=$(ctl hostA ping 10.77.0.99 -t 1 2>&1); then
	fail "ping to nobody worked: $out"
fi
grep -q "timed out after 1000 ms" <<<"$out" || fail "ping to nobody: $out"
[ $((SECONDS - start)) -le 5 ] || fail "ping -t 1 took $((SECONDS - start)) s"

echo "== hvd without a usable key"
mkdir -p "$tmp/solo"
: >"$tmp/solo/empty.conf"
solo() {
	timeout 20 "$HVD" --config "$tmp/solo/empty.conf" --name solo \
		--state-dir "$tmp/solo/state" --control "$tmp/solo/hvd.sock" "$@"
}
if solo --listen 127.0.0.1:7899 --cluster-key "$tmp/none.key" \
	>"$tmp/solo/1.out" 2>&1; then
	fail "hvd --listen without a key started"
fi
grep -q "no usable cluster key: $tmp/none.key: No such file.*hvctl keygen" \
	"$tmp/solo/1.out" || fail "no key: $(cat "$tmp/solo/1.out")"
cp "$tmp/other.key" "$tmp/open.key" && chmod 644 "$tmp/open.key"
if solo --listen 127.0.0.1:7899 --cluster-key "$tmp/open.key" \
	>"$tmp/solo/2.out" 2>&1; then
	fail "hvd --listen with a key readable by all started"
fi
grep -q "group or others may read the cluster key (chmod 600" \
	"$tmp/solo/2.out" || fail "open key: $(cat "$tmp/solo/2.out")"
printf 'not a key\n' >"$tmp/bad.key" && chmod 600 "$tmp/bad.key"
if solo --listen 127.0.0.1:7899 --cluster-key "$tmp/bad.key" \
	>"$tmp/solo/3.out" 2>&1; then
	fail "hvd --listen with a bad key started"
fi
grep -q "not a cluster key" "$tmp/solo/3.out" || fail "bad key: $(cat "$tmp/solo/3.out")"
if [ ! -e /etc/hv/cluster.key ]; then
	# the default: no key, no --listen: up, the peer port off
	mkfifo "$tmp/solo/ready"
	# hvd itself in the background (not through solo and timeout), so
	# that solo_pid is the process to stop
	"$HVD" --config "$tmp/solo/empty.conf" --name solo \
		--state-dir "$tmp/solo/state" --control "$tmp/solo/hvd.sock" \
		--ready-fd 3 3>"$tmp/solo/ready" >"$tmp/solo/4.out" 2>&1 &
	solo_pid=$!
	read -r line <"$tmp/solo/ready"
	[ "$line" = ready ] || fail "hvd without a key did not start: $(cat "$tmp/solo/4.out")"
	grep -q "peer port off: no usable cluster key: /etc/hv/cluster.key" \
		"$tmp/solo/4.out" || fail "no key: $(cat "$tmp/solo/4.out")"
	out=$(timeout 30 "$HVCTL" --control "$tmp/solo/hvd.sock" ping 127.0.0.1 2>&1) &&
		fail "ping without a key worked: $out"
	grep -q "this hvd has no cluster key.*hvctl keygen" <<<"$out" ||
		fail "ping without a key: $out"
	kill "$solo_pid"
	wait "$solo_pid" || fail "hvd without a key: exit $? on TERM"
	solo_pid=
else
	echo "/etc/hv/cluster.key exists: the default without a key not checked"
fi

echo "== every hvd still runs"
for h in hostA hostB hostC; do
	pid=$(cat "$tmp/$h.pid")
	kill -0 "$pid" 2>/dev/null || fail "hvd on $h (pid $pid) is gone: $(tail -5 "$(log_of $h)")"
done
grep -E "ERROR|AddressSanitizer|runtime error" "$D"/host?/hvd.log && fail "sanitizer reports"

[ $failed = 0 ] && echo "PASS"
exit $failed
