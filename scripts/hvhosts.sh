#!/bin/bash
# Several hv "hosts" on one machine (issue 9, docs/operations.md): each host
# is a network namespace PREFIX-hostA, PREFIX-hostB, ... with one veth on a
# bridge that lives in a namespace of its own (PREFIX-switch), an address
# in SUBNET, and a directory DIR/hostX with its hvd state dir, control
# socket, logs and the pids of what runs in it. Nothing is made in the root
# network namespace and no host has a route out of the subnet.
# Needs root. Run with --help for the commands.
set -uo pipefail

PROG=hvhosts.sh
REPO=$(cd "$(dirname "$0")/.." && pwd)
RUNDIR=${HVHOSTS_RUNDIR:-/run/hvhosts}   # RUNDIR/PREFIX.dir names each DIR
KILL_WAIT=${HVHOSTS_KILL_WAIT:-5}       # seconds from TERM to KILL
HVD_WAIT=${HVHOSTS_HVD_WAIT:-10}        # seconds for hvd to be ready
HVD_PORT=7800
LETTERS=ABCDEFGHIJKLMNOPQRSTUVWXYZ
# What --private-mounts gives each host from DIR/hostX (those that exist
# on this machine; the corosync ones only once corosync is installed).
PRIVATE_PATHS=(/run /etc/corosync /var/lib/corosync /var/log/corosync)

usage() {
	cat <<EOF
usage: $PROG up --prefix P --count N [--subnet CIDR] [--bridge NAME]
                  [--dir DIR] [--replace]
       $PROG down --prefix P [--dir DIR]
       $PROG list [--prefix P]
       $PROG exec  [HOSTOPTS] [--private-mounts] HOST -- CMD...
       $PROG start [HOSTOPTS] [--private-mounts] [--log FILE] HOST -- CMD...
       $PROG hvd   [HOSTOPTS] [--private-mounts] [--no-wait] HOST [HVD ARGS...]

up     makes N hosts (1..26) named hostA, hostB, ...: network namespaces
       P-hostA, ... each with eth0 on bridge NAME (br0) in namespace
       P-switch, addresses 1..N of CIDR (10.77.0.0/24), and DIR/hostX/
       {state,run/hv,etc/corosync,...}, a cluster key DIR/cluster.key
       (mode 0600, as hvctl keygen writes it); writes DIR/hosts.env.
       DIR defaults to /tmp/hvhosts-P. Fails if P exists unless --replace.
down   kills every process of P's hosts (TERM, KILL after
       \$HVHOSTS_KILL_WAIT=$KILL_WAIT s), deletes its namespaces, links and
       DIR; fine on a half-made or removed setup.
list   the hosts of every prefix (or of P).
exec   runs CMD in HOST's network namespace and returns its status.
start  the same in the background; prints its pid and records it in
       DIR/hostX/pids for down; output appended to FILE
       (DIR/hostX/start.log).
hvd    starts \${HVD:-build/rel/bin/hvd} in HOST as
       hvd --name hostX --state-dir S --control C --listen ADDR:$HVD_PORT
       --cluster-key DIR/cluster.key ARGS (a later --cluster-key wins),
       logging to DIR/hostX/hvd.log, and waits at most
       \$HVHOSTS_HVD_WAIT=$HVD_WAIT s for it to be ready (--ready-fd 3);
       prints its pid.

HOST is hostX with HOSTOPTS --prefix P or --dir DIR (or \$HVHOSTS_PREFIX),
or the namespace name P-hostX. --private-mounts runs CMD in a mount
namespace of its own with DIR/hostX/PATH bound on PATH for
${PRIVATE_PATHS[*]} (each that exists here).
Exit status: 0 ok, 1 failed, 2 usage (exec: CMD's status).
EOF
}

die() { echo "$PROG: $*" >&2; exit 1; }
warn() { echo "$PROG: $*" >&2; }
usage_error() { echo "$PROG: $*" >&2; echo "try '$PROG --help'" >&2; exit 2; }

# try CMD...: runs CMD; on failure says what failed with CMD's own message.
try() {
	local out
	out=$("$@" 2>&1) && return 0
	warn "failed: $*${out:+: $out}"
	return 1
}

need_arg() { [ $# -ge 2 ] || usage_error "$1 needs a value"; }

check_prefix() {
	[[ $1 =~ ^[A-Za-z0-9][A-Za-z0-9_-]{0,39}$ ]] ||
		usage_error "bad prefix '$1': 1-40 of A-Z a-z 0-9 _ -, not starting with _ or -"
}

need_root() {
	[ "$(id -u)" = 0 ] || die "needs root (network namespaces)"
}

# The lock serialises up and down of every prefix.
take_lock() {
	mkdir -p "$RUNDIR" || die "cannot make $RUNDIR"
	exec 9>"$RUNDIR/lock" || die "cannot open $RUNDIR/lock"
	flock -w 60 9 || die "$RUNDIR/lock: still held by another up or down after 60s"
}

registered_dir() {
	local f=$RUNDIR/$1.dir
	[ -f "$f" ] && cat "$f"
}

default_dir() { echo "${TMPDIR:-/tmp}/hvhosts-$1"; }

# The namespaces of prefix $1 that exist now, one a line.
prefix_netns() {
	ip netns list 2>/dev/null | awk -v p="$1" '
		{ n = $1; if (n == p "-switch" || (index(n, p "-host") == 1 &&
		  substr(n, length(p) + 6) ~ /^[A-Z]$/)) print n }'
}

# --- processes ------------------------------------------------------------

# proc_field PID N: field N (1-based, after the command name) of
# /proc/PID/stat, or nothing when PID is gone. 1 is the state, 20 the
# start time.
proc_field() {
	local stat f
	stat=$(cat "/proc/$1/stat" 2>/dev/null) || return 1
	read -ra f <<<"${stat##*) }"
	echo "${f[$2 - 1]}"
}

# alive PID [STARTTIME]: PID runs (a zombie does not), and is the process
# that started at STARTTIME when given (not a later one with its number).
alive() {
	local state
	state=$(proc_field "$1" 1) || return 1
	[ "$state" != Z ] || return 1
	[ $# -lt 2 ] || [ "$(proc_field "$1" 20)" = "$2" ]
}

now_us() { echo "${EPOCHREALTIME/./}"; }

# wait_gone SECS PID...: polls until every PID has ended; fails after SECS.
wait_gone() {
	local end p left
	end=$(($(now_us) + $1 * 1000000))
	shift
	while :; do
		left=0
		for p in "$@"; do alive "$p" && left=1 && break; done
		[ $left = 0 ] && return 0
		[ "$(now_us)" -lt "$end" ] || return 1
		sleep 0.05
	done
}

# stop PID...: TERM, then KILL what is left after KILL_WAIT seconds.
stop() {
	local p left=()
	[ $# = 0 ] && return 0
	kill -TERM "$@" 2>/dev/null
	wait_gone "$KILL_WAIT" "$@" && return 0
	for p in "$@"; do alive "$p" && left+=("$p"); done
	warn "killing ${left[*]}: still running ${KILL_WAIT}s after TERM"
	kill -KILL "${left[@]}" 2>/dev/null
	wait_gone 5 "${left[@]}" || { warn "still running after KILL: ${left[*]}"; return 1; }
}

# record PIDFILE PID ARGS...: one line "PID STARTTIME ARGS" for down
# (ARGS quoted as for bash).
record() {
	local file=$1 pid=$2
	shift 2
	{ printf '%s %s' "$pid" "$(proc_field "$pid" 20)"; printf ' %q' "$@"; echo; } >>"$file"
}

# --- up -------------------------------------------------------------------

# parse_subnet CIDR: sets net (as a number) and bits, or fails.
parse_subnet() {
	local o
	[[ $1 =~ ^([0-9]{1,3})\.([0-9]{1,3})\.([0-9]{1,3})\.([0-9]{1,3})/([0-9]{1,2})$ ]] ||
		return 1
	net=0
	for o in 1 2 3 4; do
		[ "${BASH_REMATCH[o]}" -le 255 ] || return 1
		net=$((net * 256 + 10#${BASH_REMATCH[o]}))
	done
	bits=$((10#${BASH_REMATCH[5]}))
	[ "$bits" -ge 8 ] && [ "$bits" -le 30 ] || return 1
	net=$((net & ~((1 << (32 - bits)) - 1) & 0xffffffff))
}

ip4() { echo "$(($1 >> 24 & 255)).$(($1 >> 16 & 255)).$(($1 >> 8 & 255)).$(($1 & 255))"; }

# What of prefix $1 (DIR $2) exists: namespaces, registration, DIR.
existing() {
	prefix_netns "$1"
	[ -f "$RUNDIR/$1.dir" ] && echo "$RUNDIR/$1.dir"
	[ -f "$2/.hvhosts" ] && echo "$2"
	return 0
}

# Test hook: HVHOSTS_TEST_BREAK=kill:K or fail:K stops up after K hosts,
# as if killed (nothing cleaned up) or as if a command failed.
test_break() {
	case ${HVHOSTS_TEST_BREAK:-} in
	"kill:$1") kill -KILL $$ ;;
	"fail:$1") warn "failing after $1 hosts (HVHOSTS_TEST_BREAK)"; return 1 ;;
	esac
}

# kv NAME VALUE: NAME='VALUE', for bash.
kv() { printf "%s='%s'\n" "$1" "${2//\'/\'\\\'\'}"; }

write_env() {
	local i h a tmp=$dir/hosts.env.tmp
	{
		echo "# Written by scripts/hvhosts.sh up; source it (docs/operations.md)."
		kv HVHOSTS_PREFIX "$prefix"
		kv HVHOSTS_DIR "$dir"
		kv HVHOSTS_SWITCH "$prefix-switch"
		kv HVHOSTS_BRIDGE "$bridge"
		kv HVHOSTS_SUBNET "$(ip4 "$net")/$bits"
		kv HVHOSTS_HOSTS "${hosts[*]}"
		kv HVHOSTS_KEY "$dir/cluster.key"
		for i in "${!hosts[@]}"; do
			h=${hosts[i]}
			a=$(ip4 $((net + i + 1)))
			kv "${h}_NETNS" "$prefix-$h"
			kv "${h}_ADDR" "$a"
			kv "${h}_LISTEN" "$a:$HVD_PORT"
			kv "${h}_DIR" "$dir/$h"
			kv "${h}_STATE" "$dir/$h/state"
			kv "${h}_CONTROL" "$dir/$h/run/hv/hvd.sock"
			kv "${h}_LOG" "$dir/$h/hvd.log"
		done
	} >"$tmp" && mv "$tmp" "$dir/hosts.env"
}

make_hosts() {
	local i h ns sw=$prefix-switch p

	if ! mkdir -p "$dir" || ! echo "prefix=$prefix" >"$dir/.hvhosts"; then
		warn "cannot make $dir"
		return 1
	fi
	echo "$dir" >"$RUNDIR/$prefix.dir" || return 1
	# the hosts' shared cluster key: 32 random bytes in hex, as keygen
	(umask 077 && { od -An -tx1 -N32 /dev/urandom | tr -d ' \n' &&
		echo; } >"$dir/cluster.key") || { warn "cannot write $dir/cluster.key"; return 1; }
	try ip netns add "$sw" &&
		try ip -n "$sw" link set lo up &&
		try ip -n "$sw" link add "$bridge" type bridge &&
		try ip -n "$sw" link set "$bridge" up || return 1
	for i in "${!hosts[@]}"; do
		h=${hosts[i]}
		ns=$prefix-$h
		try ip netns add "$ns" &&
			try ip -n "$ns" link set lo up &&
			try ip -n "$sw" link add "$h" type veth peer name eth0 netns "$ns" &&
			try ip -n "$sw" link set "$h" master "$bridge" up &&
			try ip -n "$ns" addr add "$(ip4 $((net + i + 1)))/$bits" dev eth0 &&
			try ip -n "$ns" link set eth0 up || return 1
		mkdir -p "$dir/$h/state" || return 1
		for p in "${PRIVATE_PATHS[@]}"; do
			mkdir -p "$dir/$h$p" || return 1
		done
		mkdir -p "$dir/$h/run/hv" || return 1
		test_break $((i + 1)) || return 1
	done
	write_env || { warn "cannot write $dir/hosts.env"; return 1; }
}

cmd_up() {
	local prefix='' count='' subnet=10.77.0.0/24 bridge=br0 dir='' replace=0
	local net bits hosts=() i found sock

	while [ $# -gt 0 ]; do
		case $1 in
		--prefix) need_arg "$@"; prefix=$2; shift ;;
		--count) need_arg "$@"; count=$2; shift ;;
		--subnet) need_arg "$@"; subnet=$2; shift ;;
		--bridge) need_arg "$@"; bridge=$2; shift ;;
		--dir) need_arg "$@"; dir=$2; shift ;;
		--replace) replace=1 ;;
		*) usage_error "up: unknown argument '$1'" ;;
		esac
		shift
	done
	[ -n "$prefix" ] || usage_error "up: --prefix is required"
	[ -n "$count" ] || usage_error "up: --count is required"
	check_prefix "$prefix"
	if [[ ! $count =~ ^[0-9]+$ ]] || [ "$count" -lt 1 ] || [ "$count" -gt 26 ]; then
		usage_error "up: --count $count: want 1 to 26 hosts"
	fi
	parse_subnet "$subnet" ||
		usage_error "up: --subnet $subnet: want an IPv4 a.b.c.d/8 to /30"
	[ "$count" -le $(((1 << (32 - bits)) - 2)) ] ||
		usage_error "up: --subnet $subnet has no room for $count hosts"
	if [[ ! $bridge =~ ^[A-Za-z0-9_.-]{1,15}$ ]] || [[ $bridge =~ ^host[A-Z]$ ]]; then
		usage_error "up: --bridge $bridge: 1-15 of A-Z a-z 0-9 _ . -, not hostX"
	fi
	dir=$(realpath -m "${dir:-$(default_dir "$prefix")}")
	case $dir/ in
	/run/* | /) usage_error "up: --dir $dir: not / or under /run (--private-mounts hides /run)" ;;
	esac
	sock=$dir/hostA/run/hv/hvd.sock
	[ ${#sock} -le 107 ] ||
		usage_error "up: --dir $dir is too long for a control socket path ($sock)"
	need_root
	take_lock

	found=$(existing "$prefix" "$dir")
	if [ -n "$found" ]; then
		[ $replace = 1 ] || die "up: prefix $prefix exists already (${found//$'\n'/ }); use --replace, or first: $PROG down --prefix $prefix"
		do_down "$prefix" "$(registered_dir "$prefix" || echo "$dir")" ||
			die "up: could not remove the old $prefix"
	fi
	if [ -e "$dir" ] && [ -n "$(ls -A "$dir" 2>/dev/null)" ] &&
		[ ! -f "$dir/.hvhosts" ]; then
		die "up: $dir exists, is not empty and was not made by $PROG; choose another --dir"
	fi
	if [ -f "$dir/.hvhosts" ] && ! grep -qx "prefix=$prefix" "$dir/.hvhosts"; then
		die "up: $dir belongs to another prefix ($(cat "$dir/.hvhosts")); choose another --dir"
	fi

	for ((i = 0; i < count; i++)); do hosts+=("host${LETTERS:i:1}"); done
	if ! make_hosts; then
		warn "up: failed; removing what was made of $prefix"
		do_down "$prefix" "$dir"
		exit 1
	fi
	for i in "${!hosts[@]}"; do
		printf '%-8s %-24s %s\n' "${hosts[i]}" "$prefix-${hosts[i]}" \
			"$(ip4 $((net + i + 1)))/$bits"
	done
	echo "hosts.env: $dir/hosts.env"
}

# --- down -----------------------------------------------------------------

do_down() {
	local prefix=$1 dir=$2 sw=$1-switch rc=0 nss ns f pid start rest pids=() l

	nss=$(prefix_netns "$prefix")
	# Every recorded process still running, and everything in our namespaces.
	for f in "$dir"/host?/pids; do
		[ -f "$f" ] || continue
		while read -r pid start rest; do
			[[ $pid =~ ^[0-9]+$ ]] && alive "$pid" "$start" && pids+=("$pid")
		done <"$f"
	done
	for ns in $nss; do
		for pid in $(ip netns pids "$ns" 2>/dev/null); do
			[ "$pid" = $$ ] || pids+=("$pid")
		done
	done
	mapfile -t pids < <(printf '%s\n' "${pids[@]}" | sort -un | sed '/^$/d')
	stop "${pids[@]}" || rc=1

	if grep -qx "$sw" <<<"$nss"; then
		for l in $(ip -n "$sw" -o link show type veth 2>/dev/null |
			awk -F': ' '{ sub(/@.*/, "", $2); print $2 }'); do
			ip -n "$sw" link del "$l" 2>/dev/null
		done
		for l in $(ip -n "$sw" -o link show type bridge 2>/dev/null |
			awk -F': ' '{ print $2 }'); do
			ip -n "$sw" link del "$l" 2>/dev/null
		done
	fi
	for ns in $nss; do
		try ip netns del "$ns" || rc=1
	done
	nss=$(prefix_netns "$prefix")
	[ -z "$nss" ] || { warn "down: namespaces left: ${nss//$'\n'/ }"; rc=1; }

	if [ -f "$dir/.hvhosts" ] && grep -qx "prefix=$prefix" "$dir/.hvhosts"; then
		rm -rf "$dir" || { warn "down: cannot remove $dir"; rc=1; }
	elif [ -e "$dir" ]; then
		warn "down: left $dir: it was not made by $PROG for $prefix"
	fi
	rm -f "$RUNDIR/$prefix.dir"
	return $rc
}

cmd_down() {
	local prefix='' dir=''

	while [ $# -gt 0 ]; do
		case $1 in
		--prefix) need_arg "$@"; prefix=$2; shift ;;
		--dir) need_arg "$@"; dir=$2; shift ;;
		*) usage_error "down: unknown argument '$1'" ;;
		esac
		shift
	done
	[ -n "$prefix" ] || usage_error "down: --prefix is required"
	check_prefix "$prefix"
	need_root
	take_lock
	[ -n "$dir" ] || dir=$(registered_dir "$prefix") || dir=$(default_dir "$prefix")
	do_down "$prefix" "$(realpath -m "$dir")"
}

# --- list -----------------------------------------------------------------

# env_get FILE VAR: VAR's value in hosts.env FILE.
env_get() {
	# shellcheck source=/dev/null
	(. "$1" && echo "${!2}")
}

cmd_list() {
	local only='' prefixes p dir h ns addr n st

	while [ $# -gt 0 ]; do
		case $1 in
		--prefix) need_arg "$@"; only=$2; shift ;;
		*) usage_error "list: unknown argument '$1'" ;;
		esac
		shift
	done
	prefixes=$({
		for p in "$RUNDIR"/*.dir; do [ -f "$p" ] && basename "$p" .dir; done
		ip netns list 2>/dev/null | awk '$1 ~ /-switch$/ { sub(/-switch$/, "", $1); print $1 }'
	} | sort -u)
	printf '%-16s %-6s %-24s %-16s %-5s %s\n' PREFIX HOST NETNS ADDRESS PROCS DIR
	for p in $prefixes; do
		[ -z "$only" ] || [ "$p" = "$only" ] || continue
		dir=$(registered_dir "$p") || dir=$(default_dir "$p")
		if [ ! -f "$dir/hosts.env" ]; then
			printf '%-16s %-6s %-24s %-16s %-5s %s\n' "$p" - \
				"$(prefix_netns "$p" | paste -sd,)" "(half-made)" - "$dir"
			continue
		fi
		for h in $(env_get "$dir/hosts.env" HVHOSTS_HOSTS); do
			ns=$p-$h
			addr=$(env_get "$dir/hosts.env" "${h}_ADDR")
			if ip netns pids "$ns" >/dev/null 2>&1; then
				n=$(ip netns pids "$ns" | wc -l)
				st=$addr
			else
				n=- st="(no netns)"
			fi
			printf '%-16s %-6s %-24s %-16s %-5s %s\n' "$p" "$h" "$ns" "$st" "$n" "$dir/$h"
		done
	done
}

# --- exec, start, hvd -----------------------------------------------------

# resolve HOST: sets host, ns, hdir, and loads hosts.env (for hvd), from
# prefix/dir (options or $HVHOSTS_PREFIX) or a HOST named P-hostX.
resolve() {
	local arg=$1 env
	if [[ $arg =~ ^(.+)-(host[A-Z])$ ]]; then
		[ -n "$prefix" ] || prefix=${BASH_REMATCH[1]}
		arg=${BASH_REMATCH[2]}
	fi
	[[ $arg =~ ^host[A-Z]$ ]] || usage_error "bad host '$1': want hostA..hostZ or P-hostX"
	host=$arg
	[ -n "$prefix" ] || prefix=${HVHOSTS_PREFIX:-}
	if [ -z "$dir" ]; then
		[ -n "$prefix" ] || usage_error "which hosts? give --prefix P, --dir DIR or P-$host"
		check_prefix "$prefix"
		dir=$(registered_dir "$prefix") ||
			die "no hosts with prefix $prefix (see $PROG list)"
	fi
	env=$dir/hosts.env
	[ -f "$env" ] || die "no $env: are the hosts up? (see $PROG list)"
	# shellcheck source=/dev/null
	. "$env" || die "cannot read $env"
	[[ " $HVHOSTS_HOSTS " = *" $host "* ]] ||
		die "no $host in $env (hosts: $HVHOSTS_HOSTS)"
	prefix=$HVHOSTS_PREFIX
	ns=$prefix-$host
	hdir=$dir/$host
	ip netns pids "$ns" >/dev/null 2>&1 ||
		die "network namespace $ns is gone; $PROG down --prefix $prefix and up again"
}

# The command that runs ARGS in the host (in argv), with private mounts.
# shellcheck disable=SC2016 # the script runs in the new mount namespace
MOUNT_SCRIPT='h=$1; shift
for p in '"${PRIVATE_PATHS[*]}"'; do
	[ -d "$p" ] || continue
	mount --bind "$h$p" "$p" ||
		{ echo "hvhosts.sh: cannot bind $h$p on $p" >&2; exit 1; }
done
exec "$@"'

host_argv() {
	argv=(ip netns exec "$ns")
	[ "$private" = 0 ] ||
		argv+=(unshare --mount --propagation private -- bash -c "$MOUNT_SCRIPT" hvhosts-mounts "$hdir")
	argv+=("$@")
}

# launch LOG ARGS...: ARGS in the host in the background, in a session of
# its own, recorded in pids; sets bgpid once the process is in the host's
# network namespace (or has ended already). With $ready_fifo set, the
# process gets it as fd 3 and we read it as fd 4.
launch() {
	local log=$1 argv want end
	shift
	host_argv "$@"
	if [ -n "${ready_fifo:-}" ]; then
		setsid "${argv[@]}" </dev/null >>"$log" 2>&1 3>"$ready_fifo" &
		bgpid=$!
		exec 4<"$ready_fifo"
	else
		setsid "${argv[@]}" </dev/null >>"$log" 2>&1 &
		bgpid=$!
	fi
	record "$hdir/pids" "$bgpid" "$@"
	want=$(stat -L -c %i "/run/netns/$ns") || return 1
	end=$(($(now_us) + 5000000))
	until [ "$(stat -L -c %i "/proc/$bgpid/ns/net" 2>/dev/null)" = "$want" ]; do
		alive "$bgpid" || return 0
		[ "$(now_us)" -lt "$end" ] ||
			{ warn "pid $bgpid is not in $ns after 5s"; return 1; }
		sleep 0.01
	done
}

# Parses [--prefix P] [--dir D] [--private-mounts] [--log F] [--no-wait]
# HOST; sets nargs to the count of arguments taken.
parse_host_args() {
	local cmd=$1 total arg=''
	shift
	total=$#
	while [ $# -gt 0 ] && [ -z "$arg" ]; do
		case $1 in
		--prefix) need_arg "$@"; prefix=$2; shift ;;
		--dir) need_arg "$@"; dir=$(realpath -m "$2"); shift ;;
		--private-mounts) private=1 ;;
		--log) [ "$cmd" = start ] || usage_error "$cmd: unknown argument '$1'"
			need_arg "$@"; log=$2; shift ;;
		--no-wait) [ "$cmd" = hvd ] || usage_error "$cmd: unknown argument '$1'"
			wait=0 ;;
		-*) usage_error "$cmd: unknown argument '$1'" ;;
		*) arg=$1 ;;
		esac
		shift
	done
	[ -n "$arg" ] || usage_error "$cmd: which host?"
	nargs=$((total - $#))
	need_root
	resolve "$arg"
}

# exec/start HOST -- CMD...
cmd_run() {
	local cmd=$1 prefix='' dir='' private=0 log='' wait=1 nargs host ns hdir argv
	shift
	parse_host_args "$cmd" "$@"
	shift "$nargs"
	[ "${1:-}" = -- ] || usage_error "$cmd: want $cmd HOST -- CMD..."
	shift
	[ $# -gt 0 ] || usage_error "$cmd: no command after --"
	if [ "$cmd" = exec ]; then
		host_argv "$@"
		exec "${argv[@]}"
	fi
	launch "${log:-$hdir/start.log}" "$@" || exit 1
	echo "$bgpid"
}

# hvd HOST [ARGS...]
cmd_hvd() {
	local prefix='' dir='' private=0 log='' wait=1 nargs host ns hdir argv
	local hvd=${HVD:-$REPO/build/rel/bin/hvd} v sock listen state pid st
	local ready_fifo='' ready=() line
	shift
	if [ ! -f "$hvd" ] || [ ! -x "$hvd" ]; then
		die "hvd: $hvd is not an executable file (not built yet? make, or set HVD=PATH)"
	fi
	parse_host_args hvd "$@"
	shift "$nargs"
	[ "${1:-}" != -- ] || shift
	v=${host}_CONTROL; sock=${!v}
	v=${host}_LISTEN; listen=${!v}
	v=${host}_STATE; state=${!v}
	if [ -f "$hdir/hvd.pid" ] && read -r pid st _ <"$hdir/hvd.pid" &&
		alive "$pid" "$st"; then
		die "hvd: already running on $host (pid $pid); stop it first"
	fi
	[ ! -S "$sock" ] || rm -f "$sock"   # a dead hvd's
	if [ "$wait" = 1 ]; then
		ready_fifo=$hdir/hvd.ready
		rm -f "$ready_fifo"
		mkfifo "$ready_fifo" || die "hvd: cannot make $ready_fifo"
		ready=(--ready-fd 3)
	fi
	echo "== $(date '+%F %T') $PROG hvd $host" >>"$hdir/hvd.log"
	launch "$hdir/hvd.log" "$hvd" --name "$host" --state-dir "$state" \
		--control "$sock" --listen "$listen" \
		--cluster-key "$dir/cluster.key" "${ready[@]}" "$@" || exit 1
	pid=$bgpid
	tail -1 "$hdir/pids" >"$hdir/hvd.pid"
	if [ "$wait" = 1 ]; then
		rm -f "$ready_fifo"
		read -r -t "$HVD_WAIT" -u 4 line
		st=$?
		exec 4<&-
		if [ $st -gt 128 ]; then
			die "hvd: not ready after ${HVD_WAIT}s; still running as pid $pid (log: $hdir/hvd.log; $PROG down stops it)"
		fi
		if [ "$line" != ready ]; then
			wait_gone 2 "$pid" ||
				die "hvd: closed its --ready-fd without 'ready'; running as pid $pid (log: $hdir/hvd.log)"
			wait "$pid"; st=$?
			tail -n 5 "$hdir/hvd.log" | sed 's/^/    /' >&2
			die "hvd: exited with status $st on $host before it was ready (log: $hdir/hvd.log)"
		fi
	fi
	echo "$pid"
}

# --- main -----------------------------------------------------------------

[ $# -gt 0 ] || { usage >&2; exit 2; }
[[ $KILL_WAIT =~ ^[0-9]+$ ]] || usage_error "HVHOSTS_KILL_WAIT=$KILL_WAIT: want whole seconds"
[[ $HVD_WAIT =~ ^[0-9]+$ ]] || usage_error "HVHOSTS_HVD_WAIT=$HVD_WAIT: want whole seconds"
command -v ip >/dev/null || die "no 'ip' command (Debian package iproute2)"
case $1 in
up) shift; cmd_up "$@" ;;
down) shift; cmd_down "$@" ;;
list) shift; cmd_list "$@" ;;
exec | start) cmd_run "$@" ;;
hvd) cmd_hvd "$@" ;;
-h | --help | help) usage ;;
*) usage_error "unknown command '$1'" ;;
esac
