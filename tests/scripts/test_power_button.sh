#!/bin/bash
# The power button (docs/platform.md), end to end through hvdomctl:
#  - the Debian guest (shell mode, 2 vCPUs): once /init says its watcher is
#    ready, `hvdomctl power-button` makes the guest power itself off: the
#    console shows the watcher's marker and the domain reaches shutdown,
#    reason poweroff, code 0.
#  - the same with a save and restore in between: the device's state
#    (driver set up, buffers posted) survives, the press after the restore
#    works.
#  - a bare guest (the dirtier, no virtio driver): power-button fails with
#    the message that says so, and the guest keeps running.
# usage: tests/scripts/test_power_button.sh BUILD   (exit 77: skipped)
set -uo pipefail
cd "$(dirname "$0")/../.." || exit 1
BUILD=${1:?usage: $0 BUILD}
. tests/scripts/lib-hvrun.sh
. tests/scripts/lib-hvdomain.sh
need_hvdomain dirtier
hvdomain_setup

READY='^HV-INIT: power button ready'
MARKER='^HV-INIT: power button: powering off'
debian=(--vcpus 2 --memory 512M --kernel "$GUESTDIR/debian/vmlinux"
	--initrd "$GUESTDIR/debian/initrd.cpio.gz"
	--cmdline "console=ttyS0 quiet panic=-1 hv.mode=shell")

# console SOCK OUT: hvdomctl console --replay in the background until the
# guest shuts down (or the domain goes); sets $con_pid.
console() {
	"$HVDOMCTL" --socket "$1" console --replay --idle 3600000 \
		</dev/null >"$2" 2>"$2.err" &
	con_pid=$!
	pids+=("$con_pid")
}

# state SOCK: "running", "shutdown (poweroff, code 0)", ...
state() {
	"$HVDOMCTL" --socket "$1" info | sed -n 's/^state *//p'
}

# press_and_check WHAT SOCK OUT: presses the button; the console (which
# ends at the shutdown) must show the marker and the domain must be shut
# down by a poweroff.
press_and_check() {
	local what=$1 sock=$2 out=$3 st

	if ! "$HVDOMCTL" --socket "$sock" power-button >"$out.press" 2>&1; then
		fail "$what: power-button: $(cat "$out.press")"; return 1
	fi
	wait_exit "$con_pid" 120
	[ "$rc" = 0 ] || fail "$what: console after the press: exit $rc"
	if ! tr -d '\r' <"$out" | grep -q "$MARKER"; then
		fail "$what: no '$MARKER' on the console:"
		tail -5 "$out"
		return 1
	fi
	st=$(state "$sock")
	if [ "$st" != "shutdown (poweroff, code 0)" ]; then
		fail "$what: state '$st' after the press"; return 1
	fi
	echo "$what: pressed; the guest said '$(tr -d '\r' <"$out" |
		grep -m1 "$MARKER")' and the domain is $st"
}

echo "== bare guest: no driver, no press"
d=$tmp/bare
if start_domain "$d.sock" "$d.log" --start --vcpus 1 --memory 64M \
	--kernel "$GUESTDIR/dirtier.elf" --cmdline "ws=8M ticks=0 tick_ms=20"
then
	console "$d.sock" "$d.out"
	if wait_for_text "$d.out" '^tick 3 ' "$con_pid" 60; then
		if "$HVDOMCTL" --socket "$d.sock" power-button >"$d.press" 2>&1
		then
			fail "power-button on a guest without a driver succeeded"
		elif ! grep -q 'no virtio-input driver.*destroy it instead' \
			"$d.press"; then
			fail "power-button message: $(cat "$d.press")"
		fi
		st=$(state "$d.sock")
		[ "$st" = running ] || fail "after the refused press: state $st"
		t=$(grep -aE '^tick [0-9]+' "$d.out" | tail -1 | awk '{print $2}')
		wait_for_text "$d.out" "^tick $((t + 2)) " "$con_pid" 30 ||
			fail "the guest stopped after the refused press"
		echo "bare guest: $(head -1 "$d.press"); state $st, ticks go on"
	else
		fail "dirtier did not start"
	fi
	"$HVDOMCTL" --socket "$d.sock" destroy || fail "destroy the dirtier"
	wait_exit "$dom_pid" 30
fi

if [ ! -f "$GUESTDIR/debian/vmlinux" ]; then
	echo "skipped the Debian cases: $GUESTDIR/debian not built"
	exit $failed
fi

echo "== Debian: press, graceful poweroff"
d=$tmp/deb
if start_domain "$d.sock" "$d.log" --start "${debian[@]}"; then
	console "$d.sock" "$d.out"
	if wait_for_text "$d.out" "$READY" "$con_pid" 600 &&
	   wait_for_text "$d.out" '^HV-INIT: shell ready' "$con_pid" 60; then
		press_and_check "Debian" "$d.sock" "$d.out"
	else
		fail "Debian: the watcher never became ready:"; tail -5 "$d.out"
	fi
	"$HVDOMCTL" --socket "$d.sock" destroy || fail "destroy Debian"
	wait_exit "$dom_pid" 30
fi

echo "== Debian: save, restore, then press"
d=$tmp/debsr
if start_domain "$d.a" "$d.a.log" --start "${debian[@]}"; then
	console "$d.a" "$d.out1"
	if wait_for_text "$d.out1" "$READY" "$con_pid" 600 &&
	   wait_for_text "$d.out1" '^HV-INIT: shell ready' "$con_pid" 60 &&
	   "$HVDOMCTL" --socket "$d.a" save "$d.sav" >"$d.sav.log" 2>&1; then
		wait_exit "$dom_pid" 30
		wait_exit "$con_pid" 30
		if "$HVDOMCTL" restore "$d.sav" --socket "$d.b" --log "$d.b.log" \
			>"$d.b.pid" 2>"$d.b.err"; then
			dom_pid=$(cat "$d.b.pid")
			pids+=("$dom_pid")
			console "$d.b" "$d.out2"
			press_and_check "Debian after save and restore" \
				"$d.b" "$d.out2"
			"$HVDOMCTL" --socket "$d.b" destroy ||
				fail "destroy the restored Debian"
			wait_gone "$dom_pid" 30 ||
				fail "hvdomain $dom_pid still runs"
		else
			fail "restore: $(cat "$d.b.err")"
		fi
	else
		fail "Debian save: $(cat "$d.sav.log" 2>/dev/null)"
		tail -5 "$d.out1"
	fi
fi
exit $failed
