# shellcheck shell=bash
# Helpers for tests that run hvdomain and hvdomctl. Source it after
# lib-hvrun.sh with BUILD set; it sets HVRUN, HVDOMAIN, HVDOMCTL, GUESTDIR.
#
#   need_hvdomain GUEST...    exits 77 (skipped) unless hvrun, hvdomain,
#                             hvdomctl and build/guests/GUEST.elf are built
#   hvdomain_setup            makes $tmp (removed on exit), the pids array
#                             (killed on exit) and fail(); $failed is 1
#                             after a fail
#   start_domain SOCK LOG ARGS...
#                             hvdomain --socket SOCK ARGS, output to LOG,
#                             returns once it is ready (its --ready-fd,
#                             through a fifo); sets $dom_pid
#   wait_gone PID SECS        waits at most SECS for PID (not necessarily
#                             our child) to end; a zombie counts as ended

HVRUN=$BUILD/bin/hvrun
HVDOMAIN=$BUILD/bin/hvdomain
HVDOMCTL=$BUILD/bin/hvdomctl
GUESTDIR=build/guests

need_hvdomain() {
	local b

	need_guests "$@"
	for b in "$HVDOMAIN" "$HVDOMCTL"; do
		[ -x "$b" ] || { echo "skipped: $b not built"; exit 77; }
	done
}

hvdomain_cleanup() {
	exec 4>&- 2>/dev/null
	[ ${#pids[@]} = 0 ] || kill -KILL "${pids[@]}" 2>/dev/null
	wait 2>/dev/null
	rm -rf "$tmp"
}

hvdomain_setup() {
	tmp=$(mktemp -d)
	pids=()		# every process started, and every restored hvdomain
	failed=0
	ready_n=0
	trap hvdomain_cleanup EXIT
}

fail() { echo "FAIL: $*"; failed=1; }

start_domain() {
	local sock=$1 log=$2 fifo=$tmp/ready.$((ready_n += 1)) line=
	shift 2
	mkfifo "$fifo"
	"$HVDOMAIN" --socket "$sock" "$@" --ready-fd 3 3>"$fifo" \
		</dev/null >"$log" 2>&1 &
	dom_pid=$!
	pids+=("$dom_pid")
	read -r line <"$fifo"
	if [ "$line" != ready ]; then
		fail "hvdomain $*: not ready"; tail -5 "$log"; return 1
	fi
}

# gone PID: true once PID no longer runs. Restored hvdomains are not our
# children: when their parent (hvdomctl) is gone, a zombie may linger
# until init reaps it.
gone() {
	local st
	st=$(ps -o stat= -p "$1" 2>/dev/null) || return 0
	[ -z "$st" ] || [ "${st:0:1}" = Z ]
}

wait_gone() {
	local t=0
	while ! gone "$1"; do
		[ $t -ge $(($2 * 20)) ] && return 1
		sleep 0.05
		t=$((t + 1))
	done
}
