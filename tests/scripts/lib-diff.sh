#!/bin/bash
# Differential-run helpers: run one bare guest under QEMU virt + OpenSBI or
# under hv and print only the guest's own console output, CRs removed.
# Source it; BUILD must be set (the build directory holding bin/hvrun).
#
#   run_qemu GUEST.elf [smp] [mem] [bootargs]
#   run_hv   GUEST.elf [smp] [mem] [bootargs]
#
# Both return the emulator's exit status (124 on timeout). GUEST_TIMEOUT
# (seconds, default 300) bounds each run.

GUEST_TIMEOUT=${GUEST_TIMEOUT:-300}
QEMU=${QEMU:-qemu-system-riscv64}

# The payload's output is everything after OpenSBI's last banner line.
_strip_opensbi() {
	tr -d '\r' | sed -n '/^Boot HART MEDELEG/,$p' | sed 1d
}

run_qemu() {
	local elf=$1 smp=${2:-1} mem=${3:-256M} args=${4:-} rc
	local -a append=()

	[ -n "$args" ] && append=(-append "$args")
	timeout "$GUEST_TIMEOUT" "$QEMU" -M virt -smp "$smp" -m "$mem" \
		-nographic -no-reboot -bios default -kernel "$elf" \
		"${append[@]}" </dev/null 2>&1 | _strip_opensbi
	rc=${PIPESTATUS[0]}
	return "$rc"
}

run_hv() {
	local elf=$1 smp=${2:-1} mem=${3:-256M} args=${4:-} rc

	timeout "$GUEST_TIMEOUT" "$BUILD/bin/hvrun" "$elf" --vcpus "$smp" \
		--memory "$mem" --cmdline "$args" </dev/null | tr -d '\r'
	rc=${PIPESTATUS[0]}
	return "$rc"
}

# Filters for output lines that legitimately differ between runs.
filter_none() { cat; }
filter_time() { grep -v '^time:'; }
