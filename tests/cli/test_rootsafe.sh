#!/bin/sh
# Root safety: as root, stop/reload/restart refuse (exit 4) a pidfile that
# is a symlink, lies below a directory others may write or own, or belongs
# to a user other than root and the service user (-u); status says so (4).
# Before every signal of a schedule the target is re-verified: a server
# that died, or whose pidfile changed, is not signalled again, and a pid
# reused by another process never is.
set -eu
. "$(dirname "$0")/lib.sh"
if [ "$(id -u)" -ne 0 ]; then
	echo "skip: root safety needs root"
	exit 77
fi
D=$T/r
P=$D/s.pid
HUPS=$T/hups
mkdir -m 755 "$D"

# Start a server that counts SIGHUPs; its pidfile is owned by root.
start_server() {
	rm -f "$HUPS"
	expect_rc 0 "$SVCCTL" start -p "$P" --notify -- "$SERVER" -H "$HUPS" -m "$T"
	SRV=$(head -1 "$P")
}

# The number of SIGHUPs the server got (0 when none).
hups() {
	cat "$HUPS" 2>/dev/null || echo 0
}

# refused WHAT PATH [ARGS]: stop, reload and restart refuse it; status says unsafe.
refused() {
	what=$1
	path=$2
	shift 2
	expect_rc 4 "$SVCCTL" reload -p "$path" "$@"
	grep -q "unsafe pidfile for root.*$what" "$T/err" || fail "reason not given: $(cat "$T/err")"
	grep -q "$path" "$T/err" || fail "file not named: $(cat "$T/err")"
	expect_rc 4 "$SVCCTL" stop -p "$path" "$@"
	expect_rc 4 "$SVCCTL" restart -p "$path" "$@" -- "$SERVER" -m "$T"
	expect_rc 4 "$SVCCTL" status -p "$path"
	grep -q unsafe "$T/out" "$T/err" || fail "status: $(cat "$T/out" "$T/err")"
	alive "$SRV" && [ "$(hups)" = 0 ] || fail "$what: the server was signalled"
}

# hup_since N: the server has counted a SIGHUP more than N.
hup_since() {
	[ "$(hups)" != "$1" ]
}

# accepted PATH [ARGS]: reload signals the server (one more SIGHUP).
accepted() {
	before=$(hups)
	expect_rc 0 "$SVCCTL" reload -p "$@"
	wait_until 30 hup_since "$before" || fail "reload -p $* did not reach the server"
	rm -f "$HUPS"
}

# has_text TEXT FILE: TEXT is in FILE ("": FILE is not empty).
has_text() {
	[ -s "$2" ] && grep -q -e "$1" "$2"
}

# wait_text TEXT FILE: wait (30 s at most, a hang guard) for TEXT in FILE.
wait_text() {
	wait_until 30 has_text "$1" "$2" || true
}

start_server
# a symlink to the real pidfile
ln -s "$P" "$D/link.pid"
refused "symbolic link" "$D/link.pid"
expect_rc 4 "$SVCCTL" reload -p "$D/link.pid" --allow-unsafe-pidfile
rm "$D/link.pid"
# the pidfile's directory writable by others, with and without the sticky bit
chmod 777 "$D"
refused "directory $D is writable by others" "$P"
accepted "$P" --allow-unsafe-pidfile
chmod 1777 "$D"
accepted "$P"
# group-writable: a non-root group counts, root's does not
chmod 775 "$D"
chgrp nogroup "$D"
refused "directory $D is writable by a non-root group" "$P"
chgrp root "$D"
accepted "$P"
# owned by another user: unsafe unless that is the service user (-u)
chmod 755 "$D"
chown nobody "$D"
refused "directory $D is owned by a user other than root" "$P"
accepted "$P" -u nobody
chown root "$D"
# a directory higher up the chain
mkdir -m 755 "$T/up" "$T/up/run"
mv "$P" "$T/up/run/s.pid"
chmod 777 "$T/up"
refused "directory $T/up is writable by others" "$T/up/run/s.pid"
chmod 755 "$T/up"
accepted "$T/up/run/s.pid"
# a symlinked directory: followed inside safe directories, refused in others
ln -s "$T/up/run" "$D/run"
accepted "$D/run/s.pid"
mkdir -m 777 "$T/open"
ln -s "$T/up/run" "$T/open/run"
refused "directory $T/open is writable by others" "$T/open/run/s.pid"
mv "$T/up/run/s.pid" "$P"
# the pidfile owned by another user, or writable by others
chown nobody "$P"
refused "owned by a user other than root and the service user" "$P"
refused "owned by a user other than root and the service user" "$P" -u daemon
accepted "$P" -u nobody
expect_rc 0 "$SVCCTL" status -p "$P" -u nobody
expect_rc 4 "$SVCCTL" status -p "$P" -u daemon
grep -q "owned by a user other than root and the service user" "$T/err" ||
	fail "status -u daemon: $(cat "$T/err")"
chown root "$P"
chmod 666 "$P"
refused "the pidfile is writable by others" "$P"
chmod 644 "$P"
accepted "$P"
expect_rc 2 "$SVCCTL" stop -p "$P" -u no-such-user-here
expect_rc 0 "$SVCCTL" stop -p "$P"
! alive "$SRV" || fail "a safe pidfile was not stopped"

# mid-schedule, the pidfile stops naming the server (its start= rewritten,
# as a reused pid would look; or only its boot=, as another boot's record
# with the same pid and start would look): the next signal (KILL) is not
# sent.  The rewrite follows "sent TERM" by milliseconds; TERM's 3 s is
# its margin.  $1: the sed expression, $2: what it changes.
rewritten_stops() {
	expect_rc 0 "$SVCCTL" start -p "$P" --notify -- "$SERVER" -T -m "$T"
	SRV=$(head -1 "$P")
	: >"$T/sched.err"
	"$SVCCTL" stop -p "$P" --retry TERM/3/KILL/1 >"$T/sched.out" 2>"$T/sched.err" &
	stopper=$!
	wait_text "sent TERM" "$T/sched.err"
	sed "$1" "$P" >"$P.new"
	cmp -s "$P" "$P.new" && fail "the $2 rewrite changed nothing"
	mv "$P.new" "$P"
	set +e
	wait "$stopper"
	rc=$?
	set -e
	[ "$rc" -eq 1 ] || fail "stop after a rewritten $2: exit $rc, expected 1"
	grep -q "not signalled" "$T/sched.err" || fail "no message: $(cat "$T/sched.err")"
	! grep -q "sent KILL" "$T/sched.err" || fail "KILL sent after the $2 changed"
	alive "$SRV" || fail "the server got the KILL"
	ok "a rewritten $2 stops the schedule: $(tr '\n' ' ' <"$T/sched.err")"
	kill -KILL "$SRV"
	rm -f "$P"
}
rewritten_stops 's/^start=.*/start=1/' start=
rewritten_stops 's/^boot=.*/boot=00000000-0000-4000-8000-000000000000/' boot=

# The server dies mid-schedule and a canary takes its pid (ns_last_pid):
# the canary, logging every catchable signal, must get nothing.
# $1: a prefix for svcctl (e.g. strace failing pidfd_open), may be empty.
reuse_race() {
	label=$1
	shift
	: >"$T/canary.log"
	"$SERVER" -T -p "$P" -m "$T" >/dev/null &
	srv=$!
	wait_text "" "$P"
	: >"$T/race.err"
	"$@" "$SVCCTL" stop -p "$P" --retry TERM/2/HUP/2/KILL/2 >"$T/race.out" 2>"$T/race.err" &
	stopper=$!
	wait_text "sent TERM" "$T/race.err"
	kill -KILL "$srv"
	wait "$srv" || true
	tries=0
	canary=
	while [ "$canary" != "$srv" ] && [ $tries -lt 20 ]; do
		[ -z "$canary" ] || kill -KILL "$canary"
		echo $((srv - 1)) >/proc/sys/kernel/ns_last_pid
		sh -c 'for s in HUP INT QUIT USR1 USR2 ALRM TERM CONT TSTP TTIN TTOU WINCH; do
			trap "echo $s >>$1" "$s"
		done
		while :; do sleep 1 & wait $!; done' canary "$T/canary.log" &
		canary=$!
		tries=$((tries + 1))
	done
	set +e
	wait "$stopper"
	rc=$?
	set -e
	if [ "$canary" != "$srv" ]; then
		echo "skip: $label: pid $srv was not reused (got $canary)"
	else
		# the stop has ended: a signal it sent is being logged; the pause
		# lets the canary's trap write it (load can only hide a signal,
		# never fail a good run)
		sleep 0.1
		before=$FAILS
		[ "$rc" -eq 0 ] || fail "$label: stop exit $rc: $(cat "$T/race.err")"
		[ ! -s "$T/canary.log" ] || fail "$label: the reused pid got $(cat "$T/canary.log")"
		alive "$canary" || fail "$label: the reused pid was killed"
		[ ! -e "$P" ] || fail "$label: the stale pidfile stays"
		[ "$FAILS" -ne "$before" ] || ok "$label: pid $srv reused by a canary, not signalled"
	fi
	kill -KILL "$canary"
	rm -f "$P"
}
if [ -w /proc/sys/kernel/ns_last_pid ]; then
	reuse_race "pidfd"
	if command -v strace >/dev/null; then
		# LeakSanitizer cannot run under ptrace
		reuse_race "no pidfd" env ASAN_OPTIONS="${ASAN_OPTIONS:+$ASAN_OPTIONS:}detect_leaks=0" \
			strace -f -qq -o /dev/null -e trace=pidfd_open -e inject=pidfd_open:error=ENOSYS
	fi
else
	echo "skip: /proc/sys/kernel/ns_last_pid is not writable"
fi
finish
