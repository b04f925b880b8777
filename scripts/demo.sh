#!/bin/bash
# `make demo`: two hv hosts on this machine (scripts/hvhosts.sh: network
# namespaces on one bridge, each with its own hvd, state dir and control
# socket), a Debian guest created on hostA from a config file, a shell
# session on its console, the guest saved on hostA and restored on hostB
# where the same shell session goes on, and a graceful shutdown through
# the guest's power button. Every step prints the command it runs.
# Everything it made is removed at the end, also after a failure or ^C.
# usage: scripts/demo.sh BUILD
#
# HV_DEMO_VCPUS sets the guest's vCPU count (2); HV_DEMO_KEEP=1 leaves the
# hosts up at the end (scripts/hvhosts.sh down --prefix hvdemo removes
# them).
set -uo pipefail
cd "$(dirname "$0")/.." || exit 1
build=${1:?usage: $0 BUILD}
. tests/scripts/lib-debian.sh

PREFIX=hvdemo
HOSTS=scripts/hvhosts.sh
HVCTL=$(realpath -m "$build/bin/hvctl")
vcpus=${HV_DEMO_VCPUS:-2}
PROMPT='debian-hv# '          # set by guests/debian/init
BOOT_LIMIT=600                # seconds until the first prompt
COMMAND_LIMIT=120             # seconds for each command
console_pid=''

die() { echo "demo.sh: $*" >&2; exit 1; }
step() { printf '\n=== %s\n' "$*"; }

cleanup() {
	[ -z "$console_pid" ] || kill "$console_pid" 2>/dev/null
	[ "${HV_DEMO_KEEP:-0}" = 1 ] ||
		bash "$HOSTS" down --prefix "$PREFIX" >/dev/null 2>&1
}

# ctl HOST ARGS...: hvctl on HOST's hvd, shown as an admin would type it
ctl() {
	local host=$1 v
	shift
	v=${host}_CONTROL
	printf '%s# hvctl %s\n' "$host" "$*"
	"$HVCTL" --control "${!v}" "$@"
}

# show_until LIMIT [PROMPT]: copies the console to stdout until PROMPT
# ends the current line (when given) or the console closes. Returns 0
# when it saw the prompt, 1 at the end of the console, 2 when LIMIT
# seconds passed.
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

# session HOST DOM LIMIT COMMAND...: attaches to DOM's console on HOST
# (hvctl console over a pipe, as a script would), types each command at
# the shell prompt, and detaches at the next prompt after the last one.
# With HOST prefixed by "+" it first presses Enter for a fresh prompt
# (a restored domain's console starts empty: nothing to replay).
session() {
	local host=$1 dom=$2 limit=$3 v c nudge=0
	shift 3
	if [ "${host:0:1}" = + ]; then
		host=${host:1}
		nudge=1
	fi
	v=${host}_CONTROL
	printf '%s# hvctl console %s\n' "$host" "$dom"
	coproc CONSOLE { exec "$HVCTL" --control "${!v}" console "$dom" 2>&1; }
	console_pid=$CONSOLE_PID
	out_fd=${CONSOLE[0]}
	in_fd=${CONSOLE[1]}
	[ $nudge = 0 ] || printf '\n' >&"$in_fd"
	for c in "$@" ''; do
		show_until "$limit" "$PROMPT"
		case $? in
		1) echo; die "the console of $dom closed before its shell prompt" ;;
		2) echo; die "no shell prompt on $dom within $limit s" ;;
		esac
		[ -n "$c" ] || break
		printf '%s\n' "$c" >&"$in_fd"
		limit=$COMMAND_LIMIT
	done
	# The end of stdin detaches once the guest is quiet: it goes on.
	exec {in_fd}>&-
	show_until 10 >/dev/null
	wait "$console_pid"
	console_pid=''
	printf '\n(detached from the console of %s)\n' "$dom"
}

debian_have_images || die "$DEBIAN_KERNEL or $DEBIAN_INITRD missing (run make)"
for b in hvd hvctl hvdomain hvdomctl; do
	[ -x "$build/bin/$b" ] || die "$build/bin/$b not built (run make)"
done
trap cleanup EXIT
trap 'exit 130' INT TERM

step "two hosts on one bridge (scripts/hvhosts.sh)"
bash "$HOSTS" up --prefix "$PREFIX" --count 2 --replace >/dev/null ||
	die "hvhosts.sh up failed"
. "/tmp/hvhosts-$PREFIX/hosts.env"
dir=$HVHOSTS_DIR
printf 'hostA %s   hostB %s   (namespaces %s, %s)\n' "$hostA_ADDR" \
	"$hostB_ADDR" "$hostA_NETNS" "$hostB_NETNS"

step "hvd on each host, both with the cluster key hvhosts.sh made (hvctl keygen)"
for h in hostA hostB; do
	HVD=$build/bin/hvd bash "$HOSTS" hvd --prefix "$PREFIX" "$h" \
		>/dev/null || die "hvd on $h did not start"
	v=${h}_LOG
	echo "$h: $(grep 'hvd 0' "${!v}" | tail -1)"
done
ctl hostA host || die "hvctl host failed"
ctl hostA ping "$hostB_ADDR" || die "hostA cannot reach hostB's peer port"

step "a Debian guest from a config file on hostA"
debian_domain_config web1 "$vcpus" >"$dir/web1.cfg"
sed 's/^/    /' "$dir/web1.cfg"
ctl hostA create "$dir/web1.cfg" || die "create failed"
ctl hostA list

step "its console: boot, and a shell session"
session hostA web1 "$BOOT_LIMIT" 'uname -a' 'head -4 /proc/cpuinfo' \
	'X="set on hostA"; echo "X is $X"' 'free -m'

step "save web1 on hostA, restore it on hostB"
ctl hostA save web1 "$dir/web1.save" || die "save failed"
ls -l "$dir/web1.save" | awk '{printf "web1.save: %d MiB\n", $5 / 1048576}'
ctl hostA list
ctl hostB restore "$dir/web1.save" || die "restore failed"
ctl hostB list

step "the same shell session, now on hostB"
session +hostB web1 "$COMMAND_LIMIT" 'echo "X is still $X"' 'uptime'

step "a graceful shutdown: the guest's power button"
ctl hostB shutdown web1 --timeout 60 || die "shutdown failed"
ctl hostB list
printf '\ndemo.sh: done\n'
