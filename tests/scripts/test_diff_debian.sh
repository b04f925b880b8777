#!/bin/bash
# Differential test: the Debian guest's workload (guests/debian) under QEMU
# and under hv must print the same lines, with 1, 2 and 4 vCPUs.
# usage: tests/scripts/test_diff_debian.sh BUILD     exit 77 = skipped
#
# DEBIAN_DIFF_VCPUS overrides the vCPU counts ("1 2 4"; "1" for a sanitizer
# build, where hv runs several times slower). Logs stay in
# BUILD/test-logs/debian-{qemu,hv}-N.log.
set -uo pipefail
cd "$(dirname "$0")/../.." || exit 1
build=${1:?usage: $0 BUILD}
. tests/scripts/lib-debian.sh

hvrun=$build/bin/hvrun
if [ ! -x "$hvrun" ]; then
	echo "skip: $hvrun not built"
	exit 77
fi
if ! command -v qemu-system-riscv64 >/dev/null; then
	echo "skip: qemu-system-riscv64 not installed"
	exit 77
fi
if ! debian_have_images; then
	echo "FAIL: $DEBIAN_KERNEL or $DEBIAN_INITRD missing (run make)"
	exit 1
fi

case $build in
*san*) vcpus_list=${DEBIAN_DIFF_VCPUS:-1} ;;
*) vcpus_list=${DEBIAN_DIFF_VCPUS:-1 2 4} ;;
esac
logs=$build/test-logs
mkdir -p "$logs"
failed=0

# check_run WHAT RC LOG OUT: the run ended well and printed a workload.
check_run() {
	local what=$1 rc=$2 log=$3 out=$4
	if [ "$rc" = 124 ] || [ "$rc" = 137 ]; then
		echo "FAIL: $what timed out; last lines of $log:"
		tail -5 "$log" | tr -d '\r' | sed 's/^/    /'
		return 1
	fi
	if ! debian_workload "$log" >"$out"; then
		echo "FAIL: $what printed no complete workload (exit $rc);" \
			"last lines of $log:"
		tail -5 "$log" | tr -d '\r' | sed 's/^/    /'
		return 1
	fi
	if ! tr -d '\r' <"$log" |
		grep -q '^HV-INIT: workload exited with status 0$'; then
		echo "FAIL: $what: the workload did not exit with status 0"
		return 1
	fi
	if [ "$rc" != 0 ]; then
		echo "FAIL: $what exited with status $rc after the workload"
		return 1
	fi
}

for n in $vcpus_list; do
	qlog=$logs/debian-qemu-$n.log
	hlog=$logs/debian-hv-$n.log
	start=$SECONDS
	debian_run_qemu "$n" "$qlog" "$DEBIAN_CMDLINE" 600
	rc=$?
	echo "qemu, $n vCPU(s): exit $rc in $((SECONDS - start)) s"
	check_run "qemu with $n vCPU(s)" $rc "$qlog" "$qlog.workload" || {
		failed=1
		continue
	}
	start=$SECONDS
	debian_run_hv "$build" "$n" "$hlog" "$DEBIAN_CMDLINE" 2400
	rc=$?
	echo "hv,   $n vCPU(s): exit $rc in $((SECONDS - start)) s"
	check_run "hv with $n vCPU(s)" $rc "$hlog" "$hlog.workload" || {
		failed=1
		continue
	}
	if ! diff -u "$qlog.workload" "$hlog.workload" >"$hlog.diff"; then
		echo "FAIL: workload output differs with $n vCPU(s)" \
			"(- qemu, + hv):"
		head -40 "$hlog.diff" | sed 's/^/    /'
		failed=1
		continue
	fi
	echo "ok: $n vCPU(s), $(wc -l <"$hlog.workload") workload lines match"
done
exit $failed
