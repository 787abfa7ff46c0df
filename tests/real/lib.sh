# Harness for the real-server tests: a temp dir, free ports, bounded waits
# on events, process accounting and a cleanup that leaves nothing behind.
# Sourced by test_<server>.sh, which calls real_init; $1 is svcctl.
# shellcheck shell=sh disable=SC2034

SVCCTL=${1:?usage: test_SERVER.sh SVCCTL}
# shellcheck source=../ports.sh
. "$(dirname "$0")/../ports.sh"
unset NOTIFY_SOCKET
# Every wait is bounded by this many seconds: wide, because the suite runs
# on 2 busy cores next to other builds; a healthy run needs well under 1 s.
REAL_WAIT=${REAL_WAIT:-30}

# Fail with a message and the tail of the current instance's server output.
fail() {
	echo "FAIL: $*" >&2
	if [ -s "${D:-/nonexistent}/out.log" ]; then
		echo "--- last lines of $D/out.log:" >&2
		tail -n 15 "$D/out.log" >&2
	fi
	exit 1
}

ok() {
	echo "ok: $*"
}

# Skip (77) when the server binary is missing, else make the temp dir and
# arm the cleanup.  real_init SLOT BINARY...: the servers under test; SLOT
# (0-6) chooses the test's own port range, so that tests run side by side
# never pick a port another one has just freed and will bind again.
real_init() {
	port_slot "$1"
	shift
	for bin in "$@"; do
		[ -x "$bin" ] && continue
		echo "SKIP: $bin is not installed" >&2
		exit 77
	done
	REAL_BINS="$*"
	# world-readable: nginx workers run as nobody and read files below it
	T=$(mktemp -d /tmp/svcctl-real.XXXXXX) || fail "mktemp"
	chmod 755 "$T"
	: >"$T/.sids"
	: >"$T/.pids"
	trap real_cleanup EXIT
	trap 'exit 1' INT TERM HUP
}

# Milliseconds since the epoch (GNU date).
now_ms() {
	echo $(($(date +%s%N) / 1000000))
}

# Does something answer a TCP connect on 127.0.0.1:PORT (2 s connect bound)?
port_open() {
	nc -z -w 2 127.0.0.1 "$1" 2>/dev/null
}

# wait_for WHAT CMD...: run CMD until it succeeds, with a short backoff
# (10 ms doubling to 200 ms), for at most REAL_WAIT seconds.
wait_for() {
	what=$1
	shift
	deadline=$(($(now_ms) + REAL_WAIT * 1000))
	nap=10
	until "$@"; do
		[ "$(now_ms)" -lt "$deadline" ] || fail "not within ${REAL_WAIT}s: $what"
		sleep "0.$(printf %03d "$nap")"
		[ "$nap" -ge 200 ] || nap=$((nap * 2))
	done
}

port_closed() {
	! port_open "$1"
}

wait_port_open() {
	wait_for "127.0.0.1:$1 answers" port_open "$1"
}

wait_port_closed() {
	wait_for "127.0.0.1:$1 refuses connections" port_closed "$1"
}

# alive PID: the process exists and is not a zombie (servers reparented to
# PID 1 may stay zombies for a while on this machine).
alive() {
	[ -r "/proc/$1/stat" ] || return 1
	state=$(sed 's/.*) //' "/proc/$1/stat" 2>/dev/null | cut -d' ' -f1)
	[ -n "$state" ] && [ "$state" != Z ] && [ "$state" != X ]
}

dead() {
	! alive "$1"
}

wait_gone() {
	wait_for "pid $1 exits" dead "$1"
}

# Field N (1-based, after the command name) of /proc/PID/stat.
stat_field() {
	sed 's/.*) //' "/proc/$1/stat" 2>/dev/null | cut -d' ' -f"$2"
}

# The pid on the first line of PIDFILE (empty when absent).
pid_of() {
	head -n 1 "$1" 2>/dev/null
}

# Remember the session of the server named by PIDFILE, so accounting and
# cleanup find its children even when their command lines say nothing.
track() {
	p=$(pid_of "$1")
	[ -n "$p" ] || return 0
	sid=$(stat_field "$p" 4)
	[ -n "$sid" ] && [ "$sid" -gt 1 ] && echo "$sid" >>"$T/.sids"
	return 0
}

# Is PID ours: its command line or working directory names $T, or it is in
# a session we recorded?
ours() {
	case $(tr '\0' ' ' <"/proc/$1/cmdline" 2>/dev/null) in
	*"$T"*) return 0 ;;
	esac
	case $(readlink "/proc/$1/cwd" 2>/dev/null) in
	"$T" | "$T"/*) return 0 ;;
	esac
	sid=$(stat_field "$1" 4)
	[ -n "$sid" ] && grep -qx "$sid" "$T/.sids"
}

# The live processes of BINARY that are ours, one pid a line (by the
# executable: /usr/bin/redis-server is a link to redis-check-rdb).
procs_of() {
	exe=$(readlink -f "$1")
	find /proc -mindepth 2 -maxdepth 2 -name exe -lname "$exe" 2>/dev/null |
		while read -r e; do
			p=${e#/proc/}
			p=${p%/exe}
			alive "$p" && ours "$p" && echo "$p"
		done
	return 0
}

# The top-level servers among procs_of BINARY: those whose parent is not
# itself a process of that server (nginx workers, haproxy workers excluded).
servers_of() {
	all=$(procs_of "$1")
	for p in $all; do
		pp=$(stat_field "$p" 2)
		echo "$all" | grep -qx "$pp" || echo "$p"
	done
}

count_servers() {
	servers_of "$1" | wc -l
}

# Assert that nothing of BINARY is left (WHAT says after which step).
none_left() {
	left=$(procs_of "$1" | tr '\n' ' ')
	[ -z "$left" ] || fail "$2: processes of $1 left: $left$(ps -o pid,sid,args -p "${left% }" | tail -n +2)"
	ok "$2: no process of ${1##*/} left"
}

no_procs() {
	[ -z "$(procs_of "$1")" ]
}

# Wait until nothing of BINARY is left (a process dying on its own).
wait_none_left() {
	wait_for "no process of $1 left" no_procs "$1"
}

# expect_rc CODE WHAT CMD...: run CMD, output to $T/out, check the exit code.
expect_rc() {
	want=$1
	what=$2
	shift 2
	"$@" >"$T/out" 2>&1
	got=$?
	[ "$got" -eq "$want" ] || fail "$what: exit $got, expected $want ($*): $(cat "$T/out")"
	ok "$what -> $got"
}

# Assert that the last expect_rc output contains TEXT.
out_has() {
	grep -qF -- "$1" "$T/out" || fail "output lacks '$1': $(cat "$T/out")"
}

# Hold 127.0.0.1:PORT with a listening socket (no SO_REUSEPORT) until
# cleanup; returns once it listens (a file appears: an event, not a sleep).
hold_port() {
	rm -f "$T/.held"
	perl -MSocket -e 'socket(S, PF_INET, SOCK_STREAM, 0) or die "socket: $!";
		bind(S, sockaddr_in($ARGV[0], inet_aton("127.0.0.1"))) or die "bind: $!";
		listen(S, 5) or die "listen: $!";
		open(F, ">", "$ARGV[1]/.held") or die; close(F);
		sleep 600' "$1" "$T" &
	echo $! >>"$T/.pids"
	HOLDER=$!
	wait_for "the port holder listens" test -e "$T/.held"
}

# Kill the processes of the harness and every server process of ours,
# check that none remains, remove the temp dir, keep the exit status.
real_cleanup() {
	rc=$?
	trap - EXIT
	set +e
	while read -r p; do kill -KILL "$p" 2>/dev/null; done <"$T/.pids"
	for bin in $REAL_BINS; do
		for p in $(procs_of "$bin"); do kill -KILL "$p" 2>/dev/null; done
	done
	# what else names $T: svcctl runs, never this shell or its parent
	for d in /proc/[0-9]*; do
		p=${d#/proc/}
		[ "$p" != $$ ] && [ "$p" != "$PPID" ] && alive "$p" && ours "$p" &&
			kill -KILL "$p" 2>/dev/null
	done
	for bin in $REAL_BINS; do
		REAL_WAIT=10
		(wait_none_left "$bin") || rc=1
	done
	[ -n "${REAL_KEEP:-}" ] || rm -rf "$T"
	exit "$rc"
}

# catches PID SIG: has PID a handler for SIG (HUP, USR1, USR2)?  A reload
# signal that arrives before the handler is set kills or is lost (haproxy
# -W ignores USR2 while its master re-executes itself after forking).
catches() {
	case $2 in
	HUP) n=1 ;;
	USR1) n=10 ;;
	USR2) n=12 ;;
	*) return 1 ;;
	esac
	mask=$(sed -n 's/^SigCgt:[[:space:]]*//p' "/proc/$1/status" 2>/dev/null)
	[ -n "$mask" ] && [ $(((0x$mask >> (n - 1)) & 1)) -eq 1 ]
}
