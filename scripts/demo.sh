#!/bin/bash
# `make demo`: boots the Debian guest (guests/debian) in shell mode, types a
# few commands into its console once its shell prompt shows, and shows the
# console as it goes. Exits with the guest runner's status.
# usage: scripts/demo.sh BUILD
#
# HV_DEMO_RUNNER picks what runs the guest: hv (the default,
# BUILD/bin/hvrun) or qemu (qemu-system-riscv64, the reference).
# HV_DEMO_VCPUS sets the vCPU count (2).
set -uo pipefail
cd "$(dirname "$0")/.." || exit 1
build=${1:?usage: $0 BUILD}
. tests/scripts/lib-debian.sh

runner=${HV_DEMO_RUNNER:-hv}
vcpus=${HV_DEMO_VCPUS:-2}
cmdline="$DEBIAN_CMDLINE hv.mode=shell"
PROMPT='debian-hv# '          # set by guests/debian/init
BOOT_LIMIT=600                # seconds until the first prompt
COMMAND_LIMIT=120             # seconds for each command
COMMANDS=(
	'uname -a'
	'cat /proc/cpuinfo | head'
	'echo hello from hv'
	'free'
	'poweroff -f'
)

die() { echo "demo.sh: $*" >&2; exit 1; }

debian_have_images || die "$DEBIAN_KERNEL or $DEBIAN_INITRD missing (run make)"
case $runner in
hv)
	[ -x "$build/bin/hvrun" ] || die "$build/bin/hvrun not built"
	cmd=("$build/bin/hvrun" "$DEBIAN_KERNEL" --initrd "$DEBIAN_INITRD"
		--memory "$DEBIAN_MEMORY" --vcpus "$vcpus" --cmdline "$cmdline")
	;;
qemu)
	debian_qemu_argv "$vcpus"
	cmd=("${DEBIAN_QEMU_ARGV[@]}" -append "$cmdline")
	;;
*)
	die "HV_DEMO_RUNNER=$runner: expected hv or qemu"
	;;
esac

echo "demo.sh: ${cmd[*]}" >&2
coproc GUEST { exec "${cmd[@]}" 2>&1; }
guest_pid=$GUEST_PID
out_fd=${GUEST[0]}
in_fd=${GUEST[1]}

# show_until LIMIT [PROMPT]: copies the console to stdout until the prompt
# ends the current line (when PROMPT is given) or the console closes.
# Returns 0 when it saw the prompt, 1 at the end of the console, 2 when
# LIMIT seconds passed.
show_until() {
	local deadline=$((SECONDS + $1)) want=${2:-} line='' esc='' c rc left
	while :; do
		left=$((deadline - SECONDS))
		[ $left -gt 0 ] || return 2
		IFS= read -r -N 1 -t $left -u "$out_fd" c
		rc=$?
		if [ $rc != 0 ]; then
			[ $rc -gt 128 ] && return 2
			return 1
		fi
		# Busybox's line editor asks the terminal for the cursor
		# position (ESC [ 6 n) after each prompt; a terminal showing
		# this would answer into its own input, so leave it out.
		if [ -n "$esc" ] || [ "$c" = $'\e' ]; then
			esc+=$c
			# Unfinished: ESC, or ESC [ and parameters so far.
			[[ $esc =~ ^$'\e'(\[[0-9\;]*)?$ ]] && continue
			if [ "$esc" = $'\e[6n' ]; then
				esc=''
				continue
			fi
			c=$esc
			esc=''
		fi
		printf '%s' "$c"
		if [ "$c" = $'\n' ]; then
			line=''
		else
			line+=$c
		fi
		[ -n "$want" ] && [[ $line == *"$want" ]] && return 0
	done
}

stop_guest() {
	kill "$guest_pid" 2>/dev/null
	wait "$guest_pid" 2>/dev/null
}

limit=$BOOT_LIMIT
for c in "${COMMANDS[@]}"; do
	show_until $limit "$PROMPT"
	case $? in
	1) echo; die "the guest's console closed before its shell prompt" ;;
	2) echo; stop_guest; die "no shell prompt within $limit s" ;;
	esac
	printf '%s\n' "$c" >&"$in_fd"
	limit=$COMMAND_LIMIT
done
# After poweroff: show the rest until the runner closes the console.
if ! show_until $COMMAND_LIMIT; [ $? = 2 ]; then
	echo; stop_guest; die "the guest did not power off within $COMMAND_LIMIT s"
fi
exec {in_fd}>&-
wait "$guest_pid"
rc=$?
echo
echo "demo.sh: guest exited with status $rc" >&2
exit $rc
