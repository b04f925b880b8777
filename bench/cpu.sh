#!/bin/bash
# bench/cpu.sh BUILD [RUNS]: guest CPU speed, Debian boot time and start-up
# latency of hv beside QEMU 7.2 TCG (Debian's qemu-system-misc with its
# OpenSBI), same guest binaries, same machine, same run. Prints a table;
# every figure is the median of RUNS runs (default 3). Asserts nothing.
set -euo pipefail
BUILD=${1:-build/rel}
RUNS=${2:-3}
cd "$(dirname "$0")/.."
HVRUN=$BUILD/bin/hvrun
G=build/guests
TIMETO="python3 bench/lib/timeto.py"
QEMU=(qemu-system-riscv64 -M virt -nographic -no-reboot -bios default)
CPUBENCH_ARGS=${CPUBENCH_ARGS:-"scale=20 chase_mb=64"}
DEB_KERNEL=$G/debian/vmlinux
DEB_INITRD=$G/debian/initrd.cpio.gz
DEB_CMDLINE="console=ttyS0 quiet panic=-1 hv.mode=shell"

median() { sort -g | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}'; }

# Per-kernel guest times (ms) of one cpubench run: "name ms" lines.
cpubench_times() {
	grep -a '^time: ' | grep -v 'time: total' | awk '{print $2, $3}'
}

declare -A HV QE
for r in $(seq "$RUNS"); do
	while read -r k ms; do HV[$k]+="$ms "; done < <(
		"$HVRUN" "$G/cpubench.elf" --memory 256M \
			--cmdline "$CPUBENCH_ARGS" </dev/null | cpubench_times)
	while read -r k ms; do QE[$k]+="$ms "; done < <(
		"${QEMU[@]}" -m 256M -kernel "$G/cpubench.elf" \
			-append "$CPUBENCH_ARGS" </dev/null | tr -d '\r' |
			cpubench_times)
done

printf '\nhv %s beside %s, %s runs each, median\n' \
	"$(git describe --always --dirty 2>/dev/null || echo '?')" \
	"$(qemu-system-riscv64 --version | head -1)" "$RUNS"
printf '%s\n' "host: $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ //'), $(nproc) cores, load $(cut -d' ' -f1-3 /proc/loadavg)"
printf '\n%-26s %12s %12s %12s\n' "cpubench ($CPUBENCH_ARGS)" "hv" "QEMU TCG" "hv/QEMU"
logsum=0; n=0
for k in list-sort matmul-int32 crc32-fsm sieve pointer-chase stream-copy; do
	[ -n "${HV[$k]:-}" ] || continue
	h=$(echo ${HV[$k]} | tr ' ' '\n' | median)
	q=$(echo ${QE[$k]} | tr ' ' '\n' | median)
	ratio=$(echo "scale=4; $q / $h" | bc)
	logsum=$(echo "scale=6; $logsum + l($ratio)" | bc -l); n=$((n + 1))
	printf '%-26s %9s ms %9s ms %11.2fx\n' "$k" "$h" "$q" "$ratio"
done
geo=$(echo "scale=4; e($logsum / $n)" | bc -l)
printf '%-26s %12s %12s %11.2fx\n' "geometric mean (speed)" "" "" "$geo"

# Debian: wall time from start to the init's "up" marker (the shell comes
# right after it), 512 MiB, 1 vCPU.
hv_boot=(); qe_boot=()
if [ -f "$DEB_KERNEL" ]; then
	for r in $(seq "$RUNS"); do
		hv_boot+=("$($TIMETO --timeout 300 'HV-INIT: shell ready' -- \
			"$HVRUN" "$DEB_KERNEL" --initrd "$DEB_INITRD" \
			--memory 512M --cmdline "$DEB_CMDLINE")")
		qe_boot+=("$($TIMETO --timeout 300 'HV-INIT: shell ready' -- \
			"${QEMU[@]}" -m 512M -kernel "$DEB_KERNEL" \
			-initrd "$DEB_INITRD" -append "$DEB_CMDLINE")")
	done
	h=$(printf '%s\n' "${hv_boot[@]}" | median)
	q=$(printf '%s\n' "${qe_boot[@]}" | median)
	printf '\n%-26s %10.2f s %10.2f s %11.2fx\n' "Debian boot to shell" \
		"$h" "$q" "$(echo "scale=4; $h / $q" | bc)"
fi

# Start-up: process start to the first console byte, 1 GiB guest.
hv_fb=(); qe_fb=()
for r in $(seq "$RUNS"); do
	hv_fb+=("$($TIMETO '' -- "$HVRUN" "$G/hello.elf" --memory 1G)")
	qe_fb+=("$($TIMETO '' -- "${QEMU[@]}" -m 1G -kernel "$G/hello.elf")")
done
h=$(printf '%s\n' "${hv_fb[@]}" | median)
q=$(printf '%s\n' "${qe_fb[@]}" | median)
printf '%-26s %9.1f ms %9.1f ms\n' "start to first byte, 1 GiB" \
	"$(echo "$h * 1000" | bc)" "$(echo "$q * 1000" | bc)"
