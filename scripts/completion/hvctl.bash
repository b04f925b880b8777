# bash completion for hvctl (installed as
# /usr/share/bash-completion/completions/hvctl).
# shellcheck disable=SC2207  # compgen output into COMPREPLY: the idiom
_hvctl_domains()
{
	hvctl --json list 2>/dev/null | python3 -c \
		'import json,sys; print(" ".join(d["name"] for d in json.load(sys.stdin)))' \
		2>/dev/null
}

_hvctl()
{
	local cur prev words cword
	_init_completion || return
	local cmds="list info create pause unpause destroy save restore shutdown reboot console host ping keygen"
	local i cmd=
	for ((i = 1; i < cword; i++)); do
		case ${words[i]} in
		--control) ((i++)) ;;
		-*) ;;
		*) cmd=${words[i]}; break ;;
		esac
	done
	if [[ $prev == --control ]]; then
		_filedir
		return
	fi
	if [[ -z $cmd ]]; then
		COMPREPLY=($(compgen -W "$cmds --control --json --help" -- "$cur"))
		return
	fi
	case $cmd in
	info|pause|unpause|destroy|console)
		COMPREPLY=($(compgen -W "$(_hvctl_domains)" -- "$cur")) ;;
	save)
		if ((cword == i + 1)); then
			COMPREPLY=($(compgen -W "$(_hvctl_domains)" -- "$cur"))
		else
			_filedir
		fi ;;
	shutdown|reboot)
		if ((cword == i + 1)); then
			COMPREPLY=($(compgen -W "$(_hvctl_domains)" -- "$cur"))
		elif [[ $prev != --timeout ]]; then
			local o="--timeout"
			[[ $cmd == shutdown ]] && o+=" --force --no-wait"
			COMPREPLY=($(compgen -W "$o" -- "$cur"))
		fi ;;
	host) COMPREPLY=($(compgen -W "save-all" -- "$cur")) ;;
	create|restore) _filedir ;;
	keygen) COMPREPLY=($(compgen -W "--force" -- "$cur")); _filedir ;;
	ping)
		if [[ $prev == -t ]]; then
			return
		elif ((cword == i + 1)); then
			_known_hosts_real -- "$cur"
		else
			COMPREPLY=($(compgen -W "-t" -- "$cur"))
		fi ;;
	esac
} &&
	complete -F _hvctl hvctl
