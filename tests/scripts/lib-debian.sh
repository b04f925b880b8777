# shellcheck shell=bash
# Helpers for tests that run the Debian guest (guests/debian) and compare
# its console output. Source it; it defines functions only.
#
# The guest's /init prints "HV-INIT: ..." lines and its workload prints
# "HV-WORKLOAD BEGIN" ... "WORKLOAD DONE" (guests/debian/workload.sh).

DEBIAN_GUEST_DIR=${DEBIAN_GUEST_DIR:-build/guests/debian}
DEBIAN_KERNEL=$DEBIAN_GUEST_DIR/vmlinux
DEBIAN_INITRD=$DEBIAN_GUEST_DIR/initrd.cpio.gz
DEBIAN_MEMORY=512M
DEBIAN_CMDLINE="console=ttyS0 quiet panic=-1"

# debian_have_images: true when the kernel and initramfs have been built.
debian_have_images() {
	[ -s "$DEBIAN_KERNEL" ] && [ -s "$DEBIAN_INITRD" ]
}

# debian_workload LOG: prints the workload section of console log LOG, from
# the "HV-WORKLOAD BEGIN" line to the "WORKLOAD DONE" line, with CR/LF line
# ends made LF and kernel log lines ("[   1.234] ...") dropped. Fails (and
# prints what it has) when either marker is missing.
debian_workload() {
	tr -d '\r' <"$1" | awk '
		/^HV-WORKLOAD BEGIN$/ { on = 1; begun = 1 }
		on && !/^\[ *[0-9]+\.[0-9]+\] / { print }
		/^WORKLOAD DONE$/ && on { on = 0; done = 1; exit }
		END { exit !(begun && done) }'
}

# debian_qemu_argv VCPUS: sets the array DEBIAN_QEMU_ARGV to the QEMU
# command line for the guest, all but -append.
debian_qemu_argv() {
	DEBIAN_QEMU_ARGV=(qemu-system-riscv64 -M virt -m "$DEBIAN_MEMORY"
		-smp "$1" -nographic -no-reboot -bios default
		-kernel "$DEBIAN_KERNEL" -initrd "$DEBIAN_INITRD")
}

# debian_run_qemu VCPUS LOG [CMDLINE] [TIMEOUT]: boots the guest under QEMU,
# console to LOG, stdin from /dev/null. Returns QEMU's status (124 when it
# timed out).
debian_run_qemu() {
	local vcpus=$1 log=$2 cmdline=${3:-$DEBIAN_CMDLINE} limit=${4:-300}
	debian_qemu_argv "$vcpus"
	timeout -k 10 "$limit" "${DEBIAN_QEMU_ARGV[@]}" \
		-append "$cmdline" </dev/null >"$log" 2>&1
}

# debian_run_hv BUILD VCPUS LOG [CMDLINE] [TIMEOUT]: boots the guest under
# hv (BUILD/bin/hvrun), console to LOG, stdin from /dev/null.
debian_run_hv() {
	local build=$1 vcpus=$2 log=$3 cmdline=${4:-$DEBIAN_CMDLINE}
	local limit=${5:-1200}
	timeout -k 10 "$limit" "$build/bin/hvrun" "$DEBIAN_KERNEL" \
		--initrd "$DEBIAN_INITRD" --memory "$DEBIAN_MEMORY" \
		--vcpus "$vcpus" --cmdline "$cmdline" </dev/null >"$log" 2>&1
}

# debian_domain_config NAME VCPUS: prints an hvd domain config (docs/
# config.md) for the Debian guest in shell mode, named NAME, with VCPUS
# vCPUs, that hvd destroys when it powers off.
debian_domain_config() {
	cat <<CFG
# $1: Debian's riscv64 kernel and a busybox userland (guests/debian)
name = "$1"
vcpus = $2
memory = ${DEBIAN_MEMORY%M}
kernel = "$(realpath "$DEBIAN_KERNEL")"
initrd = "$(realpath "$DEBIAN_INITRD")"
cmdline = "$DEBIAN_CMDLINE hv.mode=shell"
on_poweroff = "destroy"
CFG
}
