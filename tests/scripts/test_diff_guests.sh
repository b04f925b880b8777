#!/bin/bash
# Differential test: every deterministic bare guest must print exactly the
# same console output under hv as under QEMU virt + OpenSBI, and pass on
# both. Skips (77) when hvrun, QEMU or the guest images are missing.
# usage: tests/scripts/test_diff_guests.sh BUILD
BUILD=${1:?usage: $0 BUILD}
GUESTDIR=${GUESTDIR:-build/guests}
. "$(dirname "$0")/lib-diff.sh"

if [ ! -x "$BUILD/bin/hvrun" ]; then
	echo "skipped: $BUILD/bin/hvrun not built"
	exit 77
fi
if ! command -v "$QEMU" >/dev/null; then
	echo "skipped: $QEMU not installed"
	exit 77
fi

# name  guest  harts  memory  bootargs  output filter
CASES=(
	"hello      hello    1 256M ''                            filter_none"
	"smp-1      smp      1 256M ''                            filter_none"
	"smp-2      smp      2 256M ''                            filter_none"
	"smp-4      smp      4 256M ''                            filter_none"
	"timer      timer    1 256M ''                            filter_none"
	"umode      umode    1 256M ''                            filter_none"
	"fp         fp       1 256M ''                            filter_none"
	"dirtier    dirtier  1 256M 'quiet passes=3 ws=4M'        filter_none"
	"dirtier-sp dirtier  1 256M 'quiet passes=3 ws=4M pattern=sparse' filter_none"
	"cpubench   cpubench 1 256M 'scale=2 chase_mb=4'          filter_time"
	"badaccess  badaccess 1 256M 'noamo'                     filter_none"
)

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
failed=0
for c in "${CASES[@]}"; do
	eval "set -- $c"
	name=$1 guest=$2 smp=$3 mem=$4 args=$5 filter=$6
	elf=$GUESTDIR/$guest.elf
	if [ ! -f "$elf" ]; then
		echo "skipped: $elf not built (make all)"
		exit 77
	fi
	run_qemu "$elf" "$smp" "$mem" "$args" | $filter >"$tmp/$name.qemu"
	qrc=${PIPESTATUS[0]}
	run_hv "$elf" "$smp" "$mem" "$args" | $filter >"$tmp/$name.hv"
	hrc=${PIPESTATUS[0]}
	verdict=ok
	if [ "$qrc" != 0 ] || ! grep -qx "PASS $guest" "$tmp/$name.qemu"; then
		verdict="fails under QEMU (exit $qrc)"
	elif [ "$hrc" != 0 ] || ! grep -qx "PASS $guest" "$tmp/$name.hv"; then
		verdict="fails under hv (exit $hrc)"
	elif ! cmp -s "$tmp/$name.qemu" "$tmp/$name.hv"; then
		verdict="output differs"
	fi
	printf '%-12s %s\n' "$name" "$verdict"
	if [ "$verdict" != ok ]; then
		failed=1
		diff -u --label "qemu/$name" --label "hv/$name" \
			"$tmp/$name.qemu" "$tmp/$name.hv" | head -60
	fi
done
exit $failed
