#!/bin/bash
# scripts/hvhosts.sh, several hosts on one machine (docs/operations.md):
#  - up makes 3 hosts whose addresses reach each other (ping when
#    installed, and TCP to a listener started in each host) and nothing
#    else (no route out), without changing the root namespace's links,
#    addresses or routes; up on an existing prefix fails, --replace works;
#  - exec --private-mounts gives a host its own /run from DIR/hostX/run;
#  - hvd: a missing binary and an hvd that exits fail at once with a
#    message, one that is never ready fails after HVHOSTS_HVD_WAIT; a
#    stand-in hvd gets its name, state dir, control socket, address and
#    --ready-fd; the real hvd (when built) answers hvctl on hosts.env's
#    socket, and on /run/hv/hvd.sock inside the host's private mounts;
#  - down kills what start and hvd started (also a process that ignores
#    TERM), removes namespaces and DIR, and succeeds again on nothing;
#  - down after an up killed half-way, and an up that fails, leave nothing.
# usage: tests/scripts/test_hvhosts.sh BUILD      (exit 77: skipped)
set -uo pipefail
cd "$(dirname "$0")/../.." || exit 1
BUILD=${1:?usage: $0 BUILD}
HVHOSTS=scripts/hvhosts.sh
PORT=7801

skip() { echo "skipped: $*"; exit 77; }
[ "$(id -u)" = 0 ] || skip "needs root (network namespaces)"
command -v ip >/dev/null || skip "no ip command (iproute2)"
command -v python3 >/dev/null || skip "no python3"
probe=hvtprobe$$
ip netns add "$probe" 2>/dev/null || skip "ip netns add does not work here"
ip netns del "$probe"

P=hvt$$r$RANDOM                # unique: other runs may be up at the same time
mkdir -p "$BUILD" || exit 1
tmp=$(mktemp -d "$(realpath "$BUILD")/hvhosts-test.XXXXXX") || exit 1
D=$tmp/hosts
failed=0
pids=()                        # everything started: killed here too
# shellcheck disable=SC2317 # run by the trap
cleanup() {
	local p
	for p in "$P" "${P}h" "${P}f"; do
		"$HVHOSTS" down --prefix "$p" >/dev/null 2>&1
	done
	[ ${#pids[@]} = 0 ] || kill -KILL "${pids[@]}" 2>/dev/null
	rm -rf "$tmp"
}
trap cleanup EXIT

fail() { echo "FAIL: $*"; failed=1; }
env_of() { echo "${!1}"; }   # a variable from hosts.env
hv() { timeout 30 "$HVHOSTS" "$@"; }
in_host() { local h=$1; shift; hv exec --prefix "$P" "$h" -- "$@"; }
gone() { [ ! -e "/proc/$1" ] || grep -q '^[0-9]* (.*) Z' "/proc/$1/stat" 2>/dev/null; }
prefix_netns() { ip netns list | awk -v p="$1-" 'index($1, p) == 1 { print $1 }'; }
root_view() {
	ip -o link show | awk -F': ' '{ print $2 }' | sort
	ip -o addr show | awk '{ print $2, $3, $4 }' | sort
	ip route show | sort
}

# TCP listener for one host: answers every connection with the host's name.
LISTENER='import socket, sys
s = socket.socket()
s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
s.bind((sys.argv[1], int(sys.argv[2])))
s.listen(8)
while True:
    c, _ = s.accept()
    c.sendall(sys.argv[3].encode() + b"\n")
    c.close()'
# shellcheck disable=SC2016 # $1 and $2 expand in the host's bash
CONNECT='exec 3<>"/dev/tcp/$1/$2" && read -r line <&3 && echo "$line"'

# ask FROM ADDR: the name the listener at ADDR gives FROM, retried for 5 s
# while the listener starts.
ask() {
	local i out
	for ((i = 0; i < 50; i++)); do
		out=$(in_host "$1" bash -c "$CONNECT" connect "$2" "$PORT" 2>/dev/null) &&
			{ echo "$out"; return 0; }
		sleep 0.1
	done
	return 1
}

root_before=$(root_view)

echo "== up"
hv up --prefix "$P" --count 3 --dir "$D" >"$tmp/up.out" 2>&1 ||
	{ cat "$tmp/up.out"; fail "up"; exit 1; }
# shellcheck source=/dev/null
. "$D/hosts.env" || { fail "cannot source $D/hosts.env"; exit 1; }
[ "$HVHOSTS_HOSTS" = "hostA hostB hostC" ] || fail "hosts.env: hosts '$HVHOSTS_HOSTS'"
hosts=(hostA hostB hostC)
addrs=(10.77.0.1 10.77.0.2 10.77.0.3)
for i in 0 1 2; do
	h=${hosts[i]}
	v=${h}_ADDR; [ "${!v}" = "${addrs[i]}" ] || fail "$h: address ${!v}"
	v=${h}_NETNS; [ "${!v}" = "$P-$h" ] || fail "$h: netns ${!v}"
	v=${h}_STATE; [ -d "${!v}" ] || fail "$h: no state dir ${!v}"
	v=${h}_CONTROL; [ -d "$(dirname "${!v}")" ] || fail "$h: no dir for ${!v}"
	got=$(ip -n "$P-$h" -o -4 addr show dev eth0 | awk '{ print $4 }')
	[ "$got" = "${addrs[i]}/24" ] || fail "$h: eth0 has '$got'"
done
[ "$(root_view)" = "$root_before" ] ||
	fail "up changed the root namespace: $(diff <(echo "$root_before") <(root_view))"

echo "== up again"
if hv up --prefix "$P" --count 3 --dir "$D" >"$tmp/up2.out" 2>&1; then
	fail "a second up without --replace succeeded"
fi
grep -q "exists already.*--replace" "$tmp/up2.out" ||
	fail "second up: no clear message: $(cat "$tmp/up2.out")"
if [ ! -f "$D/hosts.env" ] || [ "$(prefix_netns "$P" | wc -l)" != 4 ]; then
	fail "the failed second up changed the hosts"
fi

echo "== nothing leaves the subnet"
routes=$(ip -n "$P-hostA" route show)
[ "$routes" = "10.77.0.0/24 dev eth0 proto kernel scope link src 10.77.0.1 " ] ||
	[ "$routes" = "10.77.0.0/24 dev eth0 proto kernel scope link src 10.77.0.1" ] ||
	fail "hostA's routes: $routes"
if in_host hostA ip route get 192.0.2.1 >/dev/null 2>&1; then
	fail "hostA has a route to 192.0.2.1"
fi

echo "== ping"
if command -v ping >/dev/null; then
	for i in 0 1 2; do
		for j in 0 1 2; do
			[ "$i" = "$j" ] && continue
			in_host "${hosts[i]}" ping -c 1 -W 5 "${addrs[j]}" >/dev/null ||
				fail "${hosts[i]} cannot ping ${addrs[j]}"
		done
	done
else
	echo "no ping installed: ICMP not checked (TCP below)"
fi

echo "== start, TCP between every pair"
for i in 0 1 2; do
	pid=$(hv start --prefix "$P" "${hosts[i]}" -- \
		python3 -c "$LISTENER" "${addrs[i]}" "$PORT" "${hosts[i]}") ||
		fail "start a listener in ${hosts[i]}"
	pids+=("$pid")
	ip netns pids "$P-${hosts[i]}" | grep -qx "$pid" ||
		fail "${hosts[i]}: pid $pid from start is not in the namespace"
	grep -q "^$pid " "$D/${hosts[i]}/pids" || fail "${hosts[i]}: pid $pid not recorded"
done
for i in 0 1 2; do
	for j in 0 1 2; do
		[ "$i" = "$j" ] && continue
		got=$(ask "${hosts[i]}" "${addrs[j]}") ||
			{ fail "${hosts[i]} cannot connect to ${addrs[j]}:$PORT"; continue; }
		[ "$got" = "${hosts[j]}" ] ||
			fail "${hosts[i]} -> ${addrs[j]}: '$got', not ${hosts[j]}"
	done
done
# A process that ignores TERM: down has to KILL it.
pid=$(hv start --prefix "$P" hostB -- bash -c 'trap "" TERM; while :; do sleep 1; done') ||
	fail "start a TERM-proof process"
pids+=("$pid")

echo "== private mounts"
out=$(hv exec --private-mounts --prefix "$P" hostA -- bash -c 'echo A >/run/hvhosts-test && ls /run' 2>&1)
[ "$out" = "$(printf 'hv\nhvhosts-test')" ] || fail "hostA's private /run: $out"
[ "$(cat "$D/hostA/run/hvhosts-test" 2>/dev/null)" = A ] ||
	fail "hostA's /run/hvhosts-test is not $D/hostA/run/hvhosts-test"
[ ! -e /run/hvhosts-test ] || { rm -f /run/hvhosts-test; fail "private /run wrote the real /run"; }
out=$(hv exec --private-mounts "$P-hostB" -- ls /run 2>&1)
[ "$out" = hv ] || fail "hostB's private /run: $out"

echo "== hvd"
start=$SECONDS
HVD=$tmp/no-such-hvd hv hvd --prefix "$P" hostA >"$tmp/hvd0.out" 2>&1
rc=$?
[ $rc = 1 ] || fail "hvd with no binary: exit $rc"
grep -q "no-such-hvd is not an executable file" "$tmp/hvd0.out" ||
	fail "hvd with no binary: $(cat "$tmp/hvd0.out")"
printf '#!/bin/sh\necho "no such option" >&2\nexit 3\n' >"$tmp/bad-hvd"
chmod +x "$tmp/bad-hvd"
HVD=$tmp/bad-hvd hv hvd --prefix "$P" hostA >"$tmp/hvd1.out" 2>&1
rc=$?
[ $rc = 1 ] || fail "hvd that exits: exit $rc"
grep -q "exited with status 3" "$tmp/hvd1.out" || fail "hvd that exits: $(cat "$tmp/hvd1.out")"
[ $((SECONDS - start)) -le 5 ] || fail "hvd failures took $((SECONDS - start)) s"
printf '#!/bin/sh\nexec sleep 3600\n' >"$tmp/mute-hvd"
chmod +x "$tmp/mute-hvd"
pid=$(HVD=$tmp/mute-hvd HVHOSTS_HVD_WAIT=1 hv hvd --prefix "$P" hostB 2>"$tmp/hvd3.out")
rc=$?
[ $rc = 1 ] || fail "hvd never ready: exit $rc"
grep -q "not ready after 1s" "$tmp/hvd3.out" || fail "hvd never ready: $(cat "$tmp/hvd3.out")"
pid=$(awk '{ print $1 }' "$D/hostB/hvd.pid")
[ -n "$pid" ] && pids+=("$pid")
# A stand-in hvd: says its arguments and address, listens on --control,
# then says ready on fd 3.
cat >"$tmp/fake-hvd" <<'EOF'
#!/bin/bash
echo "args: $*"
echo "addr: $(ip -o -4 addr show dev eth0 | awk '{ print $4 }')"
while [ $# -gt 1 ]; do [ "$1" = --control ] && sock=$2; shift; done
exec python3 -c 'import os, socket, sys, time
s = socket.socket(socket.AF_UNIX)
s.bind(sys.argv[1])
s.listen(1)
os.write(3, b"ready\n")
os.close(3)
time.sleep(3600)' "$sock"
EOF
chmod +x "$tmp/fake-hvd"
pid=$(HVD=$tmp/fake-hvd hv hvd --private-mounts --prefix "$P" hostC --log-level debug) ||
	fail "hvd with a stand-in: $pid"
pids+=("$pid")
ctl=$(env_of hostC_CONTROL) log=$(env_of hostC_LOG)
[ -S "$ctl" ] || fail "hvd returned before $ctl existed"
want="args: --name hostC --state-dir $(env_of hostC_STATE) --control $ctl"
want="$want --listen 10.77.0.3:7800 --cluster-key $D/cluster.key"
want="$want --ready-fd 3 --log-level debug"
grep -qxF "$want" "$log" || fail "hvd's arguments: $(cat "$log")"
grep -qx "addr: 10.77.0.3/24" "$log" || fail "hvd's address: $(cat "$log")"
if HVD=$tmp/fake-hvd hv hvd --prefix "$P" hostC >"$tmp/hvd2.out" 2>&1; then
	fail "a second hvd on hostC started"
fi
grep -q "already running on hostC" "$tmp/hvd2.out" || fail "second hvd: $(cat "$tmp/hvd2.out")"
if [ -x "$BUILD/bin/hvd" ] && [ -x "$BUILD/bin/hvctl" ]; then
	pid=$(HVD=$BUILD/bin/hvd hv hvd --private-mounts --prefix "$P" hostA) ||
		fail "the real hvd on hostA: $pid"
	pids+=("$pid")
	"$BUILD/bin/hvctl" --control "$(env_of hostA_CONTROL)" host >"$tmp/host.out" 2>&1 ||
		fail "hvctl host: $(cat "$tmp/host.out")"
	grep -qx "host  *hostA" "$tmp/host.out" || fail "hvctl host: $(cat "$tmp/host.out")"
	out=$(hv exec --private-mounts --prefix "$P" hostA -- "$BUILD/bin/hvctl" host 2>&1)
	grep -qx "host  *hostA" <<<"$out" || fail "hvctl host in hostA's mounts: $out"
else
	echo "hvd or hvctl not built: the real hvd not checked"
fi
hv list >"$tmp/list.out" 2>&1 || fail "list"
grep -q "^$P  *hostC  *$P-hostC  *10.77.0.3  *2 " "$tmp/list.out" ||
	fail "list: $(cat "$tmp/list.out")"

echo "== down"
HVHOSTS_KILL_WAIT=1 hv down --prefix "$P" >"$tmp/down.out" 2>&1 ||
	fail "down: $(cat "$tmp/down.out")"
for pid in "${pids[@]}"; do
	# a killed process under ASan may take a moment to finish exiting
	# (its shadow mappings) on a loaded machine: allow it 5 s
	for _ in $(seq 100); do gone "$pid" && break; sleep 0.05; done
	gone "$pid" || fail "pid $pid still runs after down: $(tr '\0' ' ' \
		<"/proc/$pid/cmdline" 2>/dev/null) ($(awk '{print $3}' \
		"/proc/$pid/stat" 2>/dev/null))"
done
[ -z "$(prefix_netns "$P")" ] || fail "namespaces left: $(prefix_netns "$P")"
[ ! -e "$D" ] || fail "down left $D"
[ ! -e "/run/hvhosts/$P.dir" ] || fail "down left /run/hvhosts/$P.dir"
hv down --prefix "$P" >"$tmp/down2.out" 2>&1 || fail "down on nothing: $(cat "$tmp/down2.out")"

echo "== --replace"
hv up --prefix "$P" --count 2 --dir "$D" >/dev/null 2>&1 || fail "up 2"
pid=$(hv start --prefix "$P" hostB -- sleep 3600) || fail "start sleep"
pids+=("$pid")
hv up --prefix "$P" --count 3 --dir "$D" --replace >"$tmp/up3.out" 2>&1 ||
	fail "up --replace: $(cat "$tmp/up3.out")"
gone "$pid" || fail "up --replace left pid $pid running"
[ "$(prefix_netns "$P" | wc -l)" = 4 ] || fail "after --replace: $(prefix_netns "$P")"
[ ! -e "$D/hostB/pids" ] || fail "--replace kept the old pids file"
hv down --prefix "$P" >/dev/null 2>&1 || fail "down after --replace"

echo "== down after an up killed half-way"
HVHOSTS_TEST_BREAK=kill:2 hv up --prefix "${P}h" --count 3 --dir "$D" >/dev/null 2>&1
[ "$(prefix_netns "${P}h" | wc -l)" = 3 ] ||
	fail "half up: want switch, hostA, hostB: $(prefix_netns "${P}h")"
hv down --prefix "${P}h" >"$tmp/down3.out" 2>&1 || fail "down after half up: $(cat "$tmp/down3.out")"
[ -z "$(prefix_netns "${P}h")" ] || fail "left after half up: $(prefix_netns "${P}h")"
[ ! -e "$D" ] || fail "down after half up left $D"

echo "== an up that fails cleans up"
if HVHOSTS_TEST_BREAK=fail:2 hv up --prefix "${P}f" --count 3 --dir "$D" >"$tmp/up4.out" 2>&1; then
	fail "up with a failure succeeded"
fi
grep -q "removing what was made" "$tmp/up4.out" || fail "failed up: $(cat "$tmp/up4.out")"
[ -z "$(prefix_netns "${P}f")" ] || fail "left after failed up: $(prefix_netns "${P}f")"
[ ! -e "$D" ] || fail "failed up left $D"

echo "== nothing left"
left=$(ip netns list | grep "^$P")
[ -z "$left" ] || fail "namespaces left: $left"
[ "$(root_view)" = "$root_before" ] ||
	fail "the root namespace changed: $(diff <(echo "$root_before") <(root_view))"

[ $failed = 0 ] && echo "PASS"
exit $failed
