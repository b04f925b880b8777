#!/bin/bash
# hvctl shutdown and reboot through hvd (docs/hvd.md): a guest without a
# power button driver (the bare dirtier) is refused at once with exit 1
# and runs on; a paused one too; usage errors exit 2. The Debian guest,
# when its /init found the button ("HV-INIT: power button ready"): shutdown
# shows its own poweroff marker and the domain is gone (on_poweroff =
# destroy); reboot boots it a second time with the same UUID; one whose
# button watcher is stopped times out (exit 1, left running) and --force
# destroys it; when it has
# no button (its /init did not say "power button ready") shutdown is
# refused as for the dirtier.
# usage: tests/scripts/test_hvd_power.sh BUILD   (exit 77: skipped)
set -uo pipefail
cd "$(dirname "$0")/../.." || exit 1
BUILD=${1:?usage: $0 BUILD}
. tests/scripts/lib-hvrun.sh
. tests/scripts/lib-hvdomain.sh
. tests/scripts/lib-hvd.sh
. tests/scripts/lib-debian.sh
need_hvdomain dirtier
need_hvd
hvdomain_setup
start_hvd

cat >"$tmp/dirty.cfg" <<CFG
name = "dirty1"
memory = 64
kernel = "$GUESTDIR/dirtier.elf"
cmdline = "ws=8M ticks=0 tick_ms=20"
CFG
"$HVCTL" create "$tmp/dirty.cfg" >/dev/null || fail "create dirty1"
"$HVCTL" console dirty1 </dev/null >"$tmp/c1" 2>/dev/null &
con=$!
pids+=("$con")
wait_for_text "$tmp/c1" '^tick 3 ' "$con" 30 || fail "dirty1: no ticks"

echo "== no power button driver: refused at once"
for cmd in shutdown reboot; do
	start=$(date +%s%N)
	"$HVCTL" $cmd dirty1 2>"$tmp/$cmd.err"; rc=$?
	ms=$((($(date +%s%N) - start) / 1000000))
	[ $rc = 1 ] || fail "$cmd: exit $rc"
	grep -q 'dirty1 has no driver for the power button' "$tmp/$cmd.err" ||
		fail "$cmd: $(cat "$tmp/$cmd.err")"
	[ $ms -lt 5000 ] || fail "$cmd took $ms ms"
done
echo "$(cat "$tmp/shutdown.err")"
[ "$(field dirty1 state)" = running ] || fail "dirty1: $(field dirty1 state)"
[ "$(field dirty1 operation)" = "" ] || fail "dirty1 busy"
t=$(grep -aE '^tick [0-9]+ ' "$tmp/c1" | tail -1 | awk '{print $2}')
wait_for_text "$tmp/c1" "^tick $((t + 3)) " "$con" 30 || fail "dirty1 stopped"

echo "== paused: refused at once, left paused"
"$HVCTL" pause dirty1 >/dev/null || fail "pause"
"$HVCTL" shutdown dirty1 --timeout 1 2>"$tmp/paused.err" && fail "shutdown paused"
echo "$(cat "$tmp/paused.err")"
[ "$(field dirty1 state)" = paused ] || fail "dirty1: $(field dirty1 state)"

echo "== usage"
"$HVCTL" shutdown 2>/dev/null; [ $? = 2 ] || fail "shutdown without DOM"
"$HVCTL" shutdown dirty1 --timeout x 2>/dev/null; [ $? = 2 ] || fail "--timeout x"
"$HVCTL" reboot dirty1 --force 2>/dev/null; [ $? = 2 ] || fail "reboot --force"
"$HVCTL" destroy dirty1 >/dev/null || fail "destroy"

if debian_have_images; then
	echo "== the Debian guest"
	debian_domain_config deb 1 >"$tmp/deb.cfg"
	"$HVCTL" create "$tmp/deb.cfg" >/dev/null || fail "create deb"
	uuid=$(field deb uuid)
	mkfifo "$tmp/hold"
	exec 4<>"$tmp/hold"	# the console's stdin stays open
	"$HVCTL" console deb <&4 >"$tmp/deb.con" 2>/dev/null &
	dcon=$!
	pids+=("$dcon")
	# the power button line comes before "shell ready" (an initramfs
	# older than the button has neither button line)
	wait_for_text "$tmp/deb.con" 'HV-INIT: shell ready' "$dcon" 300 ||
		fail "deb did not boot: $(tail -5 "$tmp/deb.con")"
	if ! grep -aq 'HV-INIT: power button ready' "$tmp/deb.con"; then
		"$HVCTL" shutdown deb 2>"$tmp/deb.err"; rc=$?
		[ $rc = 1 ] && grep -q 'no driver for the power button' "$tmp/deb.err" ||
			fail "deb without a button: exit $rc: $(cat "$tmp/deb.err")"
		echo "deb has no power button: $(cat "$tmp/deb.err")"
	else
		"$HVCTL" reboot deb --timeout 120 >/dev/null || fail "reboot deb"
		[ "$(field deb uuid)" = "$uuid" ] || fail "reboot: another uuid"
		"$HVCTL" console deb <&4 >"$tmp/deb2.con" 2>/dev/null &
		dcon=$!
		pids+=("$dcon")
		wait_for_text "$tmp/deb2.con" 'HV-INIT: shell ready' \
			"$dcon" 300 || fail "deb: no second boot"
		grep -aq 'HV-INIT: power button: powering off' "$tmp/deb.con" ||
			fail "deb: no poweroff marker before the reboot"
		"$HVCTL" shutdown deb --timeout 120 || fail "shutdown deb"
		wait_exit "$dcon" 30
		grep -aq 'HV-INIT: power button: powering off' "$tmp/deb2.con" ||
			fail "deb: no poweroff marker"
		"$HVCTL" info deb >/dev/null 2>&1 && fail "deb listed after shutdown"
		echo "deb: rebooted (same uuid), then shut down"

		# a guest that ignores the button: its watcher stopped
		"$HVCTL" create "$tmp/deb.cfg" >/dev/null || fail "create deb again"
		"$HVCTL" console deb <&4 >"$tmp/deb3.con" 2>/dev/null &
		dcon=$!
		pids+=("$dcon")
		wait_for_text "$tmp/deb3.con" 'HV-INIT: shell ready' "$dcon" 300 ||
			fail "deb: no third boot"
		echo 'kill -STOP -1; echo STOPPED-$((6 * 7))' >&4
		wait_for_text "$tmp/deb3.con" 'STOPPED-42' "$dcon" 60 ||
			fail "deb: the watcher not stopped"
		"$HVCTL" shutdown deb --timeout 2 2>"$tmp/deb3.err"; rc=$?
		[ $rc = 1 ] || fail "shutdown of a deaf guest: exit $rc"
		grep -q 'deb did not power off within 2 s; `hvctl destroy deb` forces it off' \
			"$tmp/deb3.err" || fail "timeout: $(cat "$tmp/deb3.err")"
		echo "$(cat "$tmp/deb3.err")"
		[ "$(field deb state)" = running ] || fail "deb: $(field deb state)"
		"$HVCTL" shutdown deb --timeout 1 --force 2>/dev/null ||
			fail "shutdown --force"
		"$HVCTL" info deb >/dev/null 2>&1 && fail "deb listed after --force"
	fi
else
	echo "(no Debian images: make guests/debian)"
fi

hvd_test_end "hvd shutdown and reboot"
