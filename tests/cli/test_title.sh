#!/bin/sh
# A holding svcctl (run, start --foreground) shows in ps what it holds:
# "svcctl VERB: holding PIDFILE (pid CHILD)", and env and arguments still
# reach COMMAND intact after the title is rewritten.
# shellcheck source=lib.sh
. "$(dirname "$0")/lib.sh"
set -e

# title_of PID: the process's command line as ps and /proc show it.
title_of() {
	tr '\0' ' ' 2>/dev/null <"/proc/$1/cmdline" | sed 's/ *$//'
}

# Hold P with VERB [ARGS] while COMMAND blocks on a FIFO, check the title,
# then release COMMAND and check the exit code and the pidfile's removal.
check_title() {
	verb=$1
	shift
	P=$T/$verb.pid
	rm -f "$T/go"
	mkfifo "$T/go"
	TITLE_ARG="x y" "$SVCCTL" "$verb" -p "$P" "$@" -- \
		sh -c 'read -r _ <"$0"; [ "$1" = "x y" ] && [ "$TITLE_ARG" = "x y" ]' "$T/go" "x y" &
	holder=$!
	want=
	got=
	# The title is set right after exec succeeds, just after the pidfile is
	# published; 1000 x 10 ms is a wide bound for a busy machine.
	i=0
	while [ "$i" -lt 1000 ]; do
		child=$(head -n 1 "$P" 2>/dev/null || true)
		want="svcctl $verb: holding $P (pid $child)"
		got=$(title_of "$holder")
		[ -n "$child" ] && [ "$got" = "$want" ] && break
		sleep 0.01
		i=$((i + 1))
	done
	if [ "$got" = "$want" ]; then
		ok "/proc/$holder/cmdline: $got"
	else
		fail "svcctl $verb title is '$got', expected '$want'"
	fi
	psline=$(ps -o args= -p "$holder" | sed 's/ *$//')
	[ "$psline" = "$want" ] || fail "ps shows '$psline', expected '$want'"
	echo go >"$T/go"
	rc=0
	wait "$holder" || rc=$?
	[ "$rc" -eq 0 ] || fail "svcctl $verb exited $rc: COMMAND lost its argument or environment"
	[ ! -e "$P" ] || fail "svcctl $verb left $P"
	ok "svcctl $verb: title shown, COMMAND's argv and env intact, pidfile removed"
}

check_title run
check_title start --foreground
# getopt_long's abbreviation of --foreground holds (and shows) the same
check_title start --fore
finish
