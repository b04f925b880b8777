#!/bin/bash
# Save and restore through domctl: a guest running in hvdomain is saved
# by `hvdomctl save` (which destroys it) and `hvdomctl restore` continues
# it in a new hvdomain.
#  - the dirtier: its ticks go on without a gap, guest time does not go
#    backwards, and it verifies every page it wrote.
#  - smp (2 and 4 vCPUs), timer, fp: cut in the middle of their run, the
#    two domains' consoles together print exactly what one uninterrupted
#    hvrun run prints.
#  - echo: input typed before the save and after the restore is counted
#    as one session (the guest's state and its UART survive).
#  - the Debian guest with 2 vCPUs: a shell variable set before the save
#    is there after the restore, in the same shell session.
#  - the file is the one hvrun writes: each restores the other's.
#  - a save to an unwritable path fails and leaves the guest running; a
#    damaged file is refused with a message and leaves no hvdomain.
# usage: tests/scripts/test_domctl_save_restore.sh BUILD   (exit 77: skipped)
set -uo pipefail
cd "$(dirname "$0")/../.." || exit 1
BUILD=${1:?usage: $0 BUILD}
. tests/scripts/lib-hvrun.sh
. tests/scripts/lib-hvdomain.sh
need_hvdomain dirtier smp timer fp echo
hvdomain_setup
n=0		# makes file names unique

# console SOCK OUT [INPUT]: hvdomctl console --replay on SOCK in the
# background, stdin from INPUT (default /dev/null), output to OUT; it ends
# when the guest shuts down or the domain goes away. Sets $con_pid.
console() {
	"$HVDOMCTL" --socket "$1" console --replay --idle 3600000 \
		<"${3:-/dev/null}" >"$2" 2>"$2.err" &
	con_pid=$!
	pids+=("$con_pid")
}

# save SOCK FILE: hvdomctl save, which destroys the domain; then waits for
# its hvdomain ($dom_pid) to exit 0.
save() {
	if ! "$HVDOMCTL" --socket "$1" save "$2" >"$2.log" 2>&1; then
		fail "save $2: $(cat "$2.log")"; return 1
	fi
	wait_exit "$dom_pid" 30
	[ "$rc" = 0 ] || { fail "hvdomain after save: exit $rc"; return 1; }
}

# restore FILE SOCK: hvdomctl restore into a new hvdomain at SOCK; sets
# $dom_pid to it.
restore() {
	if ! "$HVDOMCTL" restore "$1" --socket "$2" --log "$2.log" \
		>"$2.pid" 2>"$2.err"; then
		fail "restore $1: $(cat "$2.err")"; return 1
	fi
	dom_pid=$(cat "$2.pid")
	pids+=("$dom_pid")
}

# finish SOCK: the console's guest has shut down: destroys the domain and
# waits for its hvdomain to go.
finish() {
	"$HVDOMCTL" --socket "$1" destroy || fail "destroy $1"
	wait_gone "$dom_pid" 30 || fail "hvdomain $dom_pid still runs"
}

last_tick() { grep -aE '^tick [0-9]+' "$1" | tail -1 | awk '{print $2}'; }
first_tick() { grep -aE '^tick [0-9]+' "$1" | head -1 | awk '{print $2}'; }
tick_time() { grep -aE "^tick $2 " "$1" | sed 's/.*t=//' | tr -d '\r'; }

echo "== dirtier"
dirtier=(--vcpus 1 --memory 256M --kernel "$GUESTDIR/dirtier.elf"
	 --cmdline "ws=32M ticks=250 tick_ms=20 pattern=dense")
d=$tmp/dirtier
if start_domain "$d.a" "$d.a.log" --name dirtier --start "${dirtier[@]}"; then
	console "$d.a" "$d.out1"
	if wait_for_text "$d.out1" '^tick 10 ' "$con_pid" 120 &&
	   save "$d.a" "$d.sav" && wait_exit "$con_pid" 30 &&
	   restore "$d.sav" "$d.b"; then
		console "$d.b" "$d.out2"
		wait_exit "$con_pid" 300
		[ "$rc" = 0 ] || fail "dirtier: console after restore: exit $rc"
		grep -q '^PASS dirtier' "$d.out2" ||
			fail "dirtier did not pass: $(tail -2 "$d.out2")"
		grep -q 'all verified' "$d.out2" || fail "dirtier: not verified"
		a=$(last_tick "$d.out1"); b=$(first_tick "$d.out2")
		ta=$(tick_time "$d.out1" "$a"); tb=$(tick_time "$d.out2" "$b")
		# The first console may miss the last output before the
		# save destroyed the domain; hvrun's restore of the same file
		# (below) says exactly where the guest went on.
		if [ -z "$a" ] || [ -z "$b" ] || [ "$b" -le "$a" ]; then
			fail "dirtier ticks: last $a, then $b"
		elif [ -z "$ta" ] || [ -z "$tb" ] || [ "$tb" -lt "$ta" ]; then
			fail "dirtier: guest time went backwards: $ta -> $tb"
		else
			[ "$b" = $((a + 1)) ] ||
				echo "dirtier: the first console missed the" \
					"ticks before $b"
			echo "dirtier: tick $a (t=$ta ms) -> $b (t=$tb ms)," \
				"$(grep -a 'all verified' "$d.out2" | tr -d '\r')"
		fi
		finish "$d.b"
		ls -l "$d.sav" | awk '{print "dirtier: save file", $5, "bytes"}'
	else
		fail "dirtier: save/restore did not happen"; cat "$d.out1"
	fi
fi

# compare WHAT OUT1 OUT2 REF: OUT2 (the restored guest's console) must be
# the end of REF (hvrun's output) and end with PASS; OUT1 (before the
# save) then is all of REF before it, unless the first console was too
# slow for a burst of output (hvdomain drops it then, docs/domctl.md).
compare() {
	local s1 s2 sr
	s1=$(stat -c %s "$2"); s2=$(stat -c %s "$3"); sr=$(stat -c %s "$4")
	if ! tail -c "$s2" "$4" | cmp -s - "$3"; then
		fail "$1: the restored guest's output is not hvrun's"
		diff "$4" "$3" | head -10
	elif ! grep -q '^PASS' "$3"; then
		fail "$1: the restored guest did not pass: $(tail -1 "$3")"
	elif [ $((s1 + s2)) = "$sr" ] &&
	     head -c "$s1" "$4" | cmp -s - "$2"; then
		echo "$1: cut after $(wc -l <"$2") of $(wc -l <"$4") lines;" \
			"both consoles together print exactly hvrun's output"
	elif head -c "$s1" "$4" | cmp -s - "$2" ||
	     grep -q 'output lost' "$2.err"; then
		echo "$1: the restored guest prints hvrun's output from byte" \
			"$((sr - s2)) of $sr (the first console missed" \
			"$((sr - s2 - s1)) bytes)"
	else
		fail "$1: the output before the save is not hvrun's"
		diff "$4" "$2" | head -10
	fi
}

# cut NAME PATTERN VCPUS CMDLINE: runs guest NAME in hvdomain, saves it
# once PATTERN was printed (or at once when PATTERN is empty: unpause and
# save straight away), restores it, and compares the consoles with
# hvrun's output for the same guest. A guest that ended
# before the save could pause it is run again (three tries).
cut() {
	local name=$1 pat=$2 vcpus=$3 cmdline=$4 c try ref=$tmp/$1.$3.ref
	local args=(--vcpus "$vcpus" --memory 64M
		    --kernel "$GUESTDIR/$name.elf" --cmdline "$cmdline")

	"$HVRUN" "$GUESTDIR/$name.elf" --vcpus "$vcpus" --memory 64M \
		--cmdline "$cmdline" </dev/null >"$ref" 2>/dev/null ||
		{ fail "$name: hvrun reference run failed"; return 1; }
	for try in 1 2 3; do
		c=$tmp/cut.$((n += 1))
		start_domain "$c.a" "$c.a.log" --name "$name" "${args[@]}" ||
			return 1
		console "$c.a" "$c.out1"
		"$HVDOMCTL" --socket "$c.a" unpause || fail "$name: unpause"
		if [ -n "$pat" ] &&
		   ! wait_for_text "$c.out1" "$pat" "$con_pid" 120; then
			fail "$name: '$pat' never came"; return 1
		fi
		"$HVDOMCTL" --socket "$c.a" save "$c.sav" >"$c.sav.log" 2>&1 &&
			break
		if ! grep -q 'the domain is shutdown' "$c.sav.log"; then
			fail "$name: save: $(cat "$c.sav.log")"; return 1
		fi
		echo "$name: ended before the save (try $try): $(tail -1 "$c.out1")"
		"$HVDOMCTL" --socket "$c.a" destroy
		wait_exit "$dom_pid" 30
	done
	[ -s "$c.sav" ] || { fail "$name: never cut"; return 1; }
	wait_exit "$dom_pid" 30
	[ "$rc" = 0 ] || fail "$name: hvdomain after save: exit $rc"
	wait_exit "$con_pid" 30
	restore "$c.sav" "$c.b" || return 1
	console "$c.b" "$c.out2"
	wait_exit "$con_pid" 300
	[ "$rc" = 0 ] || fail "$name: console after restore: exit $rc"
	compare "$name ($vcpus vCPUs)" "$c.out1" "$c.out2" "$ref"
	finish "$c.b"
}

echo "== smp, timer, fp cut mid-run"
cut smp '^secondaries stopped before start' 2 "n=8000000"
cut smp '^secondaries stopped before start' 4 "n=12000000"
cut timer '^time advances' 1 "ticks=150 tick_us=20000"
cut fp '' 1 ""

echo "== echo: console input on both sides of a save"
d=$tmp/echo
printf abc >"$d.in1"
printf 'def q' >"$d.in2"
if start_domain "$d.a" "$d.a.log" --memory 32M --kernel "$GUESTDIR/echo.elf"; then
	console "$d.a" "$d.out1" "$d.in1"
	"$HVDOMCTL" --socket "$d.a" unpause || fail "echo: unpause"
	if wait_for_text "$d.out1" 'ABC' "$con_pid" 60 &&
	   save "$d.a" "$d.sav" && restore "$d.sav" "$d.b"; then
		wait_exit "$con_pid" 30
		console "$d.b" "$d.out2" "$d.in2"
		wait_exit "$con_pid" 60
		if ! grep -q 'DEF Q\|DEF ' "$d.out2" ||
		   ! grep -q '^echo: 7 bytes' "$d.out2"; then
			fail "echo after restore: $(tr '\n' '|' <"$d.out2")"
		else
			echo "echo: 3 bytes before the save, 4 after, counted as 7"
		fi
		finish "$d.b"
	else
		fail "echo: $(tr '\n' '|' <"$d.out1")"
	fi
fi

echo "== a save that cannot be written leaves the guest running"
d=$tmp/nosave
if start_domain "$d.sock" "$d.log" --start "${dirtier[@]/ticks=250/ticks=0}"; then
	console "$d.sock" "$d.out"
	if wait_for_text "$d.out" '^tick 5 ' "$con_pid" 60; then
		if "$HVDOMCTL" --socket "$d.sock" save "$tmp/no/such/dir/x.sav" \
			>"$d.save" 2>&1; then
			fail "save to a missing directory succeeded"
		fi
		st=$("$HVDOMCTL" --socket "$d.sock" info | awk '/^state/ {print $2}')
		[ "$st" = running ] || fail "after the failed save: state $st"
		t=$(last_tick "$d.out")
		wait_for_text "$d.out" "^tick $((t + 2)) " "$con_pid" 30 ||
			fail "the guest stopped after the failed save"
		[ -e "$tmp/no/such/dir/x.sav" ] && fail "a save file was left"
		echo "failed save: $(head -1 "$d.save"); state $st, ticks go on"
	else
		fail "dirtier did not start"
	fi
	"$HVDOMCTL" --socket "$d.sock" destroy || fail "destroy"
	wait_exit "$dom_pid" 30
fi

echo "== the same file as hvrun's, both ways"
d=$tmp/hvrun
"$HVRUN" "$GUESTDIR/dirtier.elf" --memory 64M --save-to "$d.sav" \
	--cmdline "ws=8M ticks=100 tick_ms=20" </dev/null >"$d.out1" 2>&1 &
pid=$!
pids+=("$pid")
if wait_for_text "$d.out1" '^tick 5 ' "$pid" 60 && kill -USR1 "$pid" &&
   wait_exit "$pid" 60 && [ "$rc" = 0 ] && restore "$d.sav" "$d.b"; then
	console "$d.b" "$d.out2"
	wait_exit "$con_pid" 120
	a=$(last_tick "$d.out1"); b=$(first_tick "$d.out2")
	if ! grep -q '^PASS dirtier' "$d.out2" || [ "$b" != $((a + 1)) ]; then
		fail "hvrun's file in hvdomain: ticks $a, $b: $(tail -1 "$d.out2")"
	else
		echo "hvrun's save restored by hvdomctl: tick $a -> $b, passed"
	fi
	finish "$d.b"
else
	fail "hvrun --save-to did not save: exit $rc"
fi
if [ -s "$tmp/dirtier.sav" ]; then
	"$HVRUN" --restore "$tmp/dirtier.sav" </dev/null >"$d.out3" 2>&1
	rc=$?
	b=$(first_tick "$tmp/dirtier.out2")
	if [ $rc != 0 ] || ! grep -q '^PASS dirtier' "$d.out3"; then
		fail "hvrun --restore of hvdomctl's file: exit $rc"
	elif [ "$(first_tick "$d.out3")" != "$b" ]; then
		fail "hvrun goes on at tick $(first_tick "$d.out3"), hvdomain at $b"
	else
		echo "hvdomctl's save restored by hvrun: from tick $b as in" \
			"hvdomain, passed"
	fi
fi

echo "== damaged save files leave no hvdomain"
good=$tmp/dirtier.sav
if [ -s "$good" ]; then
	size=$(stat -c %s "$good")
	cp "$good" "$tmp/flip.sav"
	printf '\xa5' | dd of="$tmp/flip.sav" bs=1 seek=$((size / 2)) \
		conv=notrunc status=none
	head -c $((size / 3)) "$good" >"$tmp/trunc.sav"
	: >"$tmp/empty.sav"
	for f in flip trunc empty; do
		s=$tmp/$f.sock
		"$HVDOMCTL" restore "$tmp/$f.sav" --socket "$s" >"$s.out" 2>&1
		rc=$?
		if [ $rc != 1 ] || ! grep -q "restore:" "$s.out"; then
			fail "$f: exit $rc, want 1 with a message"; cat "$s.out"
		elif pgrep -f -- "--socket $s" >/dev/null; then
			fail "$f: an hvdomain was left behind"
		elif san_report "$s.out"; then
			fail "$f: sanitizer report"
		else
			echo "$f: refused: $(grep -m1 'restore:' "$s.out")"
		fi
	done
else
	fail "no save file from the dirtier case to damage"
fi

echo "== Debian shell, 2 vCPUs"
if [ -f "$GUESTDIR/debian/vmlinux" ]; then
	d=$tmp/deb
	mkfifo "$d.in1" "$d.in2"
	if start_domain "$d.a" "$d.a.log" --start --vcpus 2 --memory 512M \
		--kernel "$GUESTDIR/debian/vmlinux" \
		--initrd "$GUESTDIR/debian/initrd.cpio.gz" \
		--cmdline "console=ttyS0 quiet panic=-1 hv.mode=shell"; then
		exec 4<>"$d.in1"
		console "$d.a" "$d.out1" "$d.in1"
		if wait_for_text "$d.out1" 'debian-hv# ' "$con_pid" 300; then
			echo 'X=41; echo "before-$X"' >&4
			wait_for_text "$d.out1" '^before-41' "$con_pid" 60 ||
				fail "shell did not run the first command"
			if save "$d.a" "$d.sav" && restore "$d.sav" "$d.b"; then
				exec 4>&- 4<>"$d.in2"
				console "$d.b" "$d.out2" "$d.in2"
				echo 'echo "after-$((X + 1))"' >&4
				if wait_for_text "$d.out2" '^after-42' \
					"$con_pid" 120; then
					echo "Debian shell kept its variable" \
						"across save/restore"
				else
					fail "Debian: no after-42"
					tail -5 "$d.out2"
				fi
				echo 'poweroff -f' >&4
				wait_exit "$con_pid" 120
				[ "$rc" = 0 ] || fail "Debian: no poweroff ($rc)"
				finish "$d.b"
			fi
		else
			fail "Debian shell prompt never appeared"
			tail -5 "$d.out1"
		fi
		exec 4>&-
	fi
else
	fail "Debian guest images missing (run make)"
fi

for f in "$tmp"/*.log "$tmp"/*.err "$tmp"/*.out*; do
	san_report "$f" && fail "sanitizer report in $f"
done
[ $failed = 0 ] && echo "domctl save/restore: all ok"
exit $failed
