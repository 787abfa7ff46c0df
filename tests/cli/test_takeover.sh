#!/bin/sh
# One server per pidfile in every mode: five concurrent starts of a
# self-daemonizing server (--wait-pidfile, a libsvcctl server and one that
# knows no lock) or of a server with a readiness test start exactly one; the
# others exit 0 "already running" once it runs.  A pidfile naming a process
# that is not the server's fails --wait-pidfile.
set -eu
. "$(dirname "$0")/lib.sh"
P=$T/d.pid
EXE=$(readlink -f "$SERVER")

# The live example servers of this test, one pid a line.
servers() {
	for f in /proc/[0-9]*; do
		[ "$(readlink "$f/exe" 2>/dev/null)" = "$EXE" ] || continue
		tr '\0' ' ' <"$f/cmdline" 2>/dev/null | grep -q "$T" || continue
		! alive "${f#/proc/}" || echo "${f#/proc/}"
	done
}

# five_starts OPTION... -- COMMAND...: five concurrent starts; $rcs failures.
five_starts() {
	: >"$T/starts"
	jobs=
	for _ in 1 2 3 4 5; do
		"$SVCCTL" start -p "$P" "$@" >>"$T/starts" 2>&1 &
		jobs="$jobs $!"
	done
	rcs=0
	for job in $jobs; do
		wait "$job" || rcs=$((rcs + 1))
	done
}

# check_one WHAT: one start started, four saw it running, one server lives.
check_one() {
	n=$(grep -c "started pid" "$T/starts" || true)
	r=$(grep -c "already running" "$T/starts" || true)
	s=$(servers | wc -l)
	if [ "$rcs" -ne 0 ] || [ "$n" -ne 1 ] || [ "$r" -ne 4 ] || [ "$s" -ne 1 ]; then
		fail "$1: $rcs failed, $n started, $r running, $s servers: $(cat "$T/starts")"
	else
		ok "$1: five concurrent starts -> one server"
	fi
	[ "$(head -1 "$P")" = "$(servers)" ] || fail "$1: the pidfile does not name the server"
	expect_rc 0 "$SVCCTL" stop -p "$P"
	[ -z "$(servers)" ] || fail "$1: servers left after one stop: $(servers)"
	[ ! -e "$P" ] && [ ! -e "$P.session" ] || fail "$1: pidfile or session record left"
}

# a libsvcctl server that daemonizes and adopts the lock passed down
five_starts --wait-pidfile -- "$SERVER" -D -p "$P" -m "$T"
check_one "daemonizing libsvcctl server"
# a daemon that knows no lock: it writes its pidfile 200ms after forking
five_starts --wait-pidfile -- sh -c \
	'(setsid "$1" -m "$0" & sleep 0.2; echo $! >"$2") & exit 0' "$T" "$SERVER" "$P"
check_one "daemon without a lock"
grep -q "^sid=" "$P.session" 2>/dev/null && fail "session record outlived stop"
# a foreground server behind a readiness test: the lock is held meanwhile
five_starts --min-uptime 300ms -- "$SERVER" -m "$T"
check_one "--min-uptime"

# the record of a --wait-pidfile server sits beside its own pidfile
expect_rc 0 "$SVCCTL" start -p "$P" --wait-pidfile -- "$SERVER" -D -p "$P" -m "$T"
pid=$(head -1 "$P")
[ "$(head -1 "$P.session")" = "$pid" ] && grep -q "^sid=" "$P.session" ||
	fail "no session record beside the server's pidfile: $(cat "$P.session" 2>&1)"
grep -q "^sid=" "$P" && fail "svcctl wrote into the server's own pidfile"
expect_rc 0 "$SVCCTL" stop -p "$P"
[ ! -e "$P.session" ] || fail "stop left the session record"

# a pidfile naming a process that is not the server's: the start fails,
# kills what it started, and leaves the file (not its own) alone
sentinel
t0=$(now_ms)
expect_rc 1 "$SVCCTL" start -p "$P" --wait-pidfile --ready-timeout 10s -- sh -c \
	'echo "$1" >"$2"; exec sleep 300' "$T" "$SENTINEL" "$P"
dt=$(($(now_ms) - t0))
grep -q "names pid $SENTINEL, which is not a process of the server" "$T/err" ||
	fail "foreign pid not reported: $(cat "$T/err")"
[ "$dt" -lt 5000 ] || fail "a foreign pidfile was waited on for ${dt}ms"
alive "$SENTINEL" || fail "the process named by the foreign pidfile was signalled"
[ "$(head -1 "$P")" = "$SENTINEL" ] || fail "a failed start rewrote a pidfile it did not publish"
pgrep -f "sleep 300.*$T" >/dev/null && fail "the failed start left its server"
ok "a foreign pid in the server's pidfile failed the start in ${dt}ms"
rm -f "$P"

# An empty pidfile ("nginx -t" leaves one) names no process.  With its
# lock free: status 3 "not running", nothing for stop or reload to signal,
# and a start replaces it, whoever writes the pidfile.
: >"$P"
expect_rc 3 "$SVCCTL" status -p "$P"
grep -q "not running (empty pidfile: names no process)" "$T/out" || fail "status: $(cat "$T/out")"
expect_rc 0 "$SVCCTL" stop -p "$P"
expect_rc 7 "$SVCCTL" reload -p "$P"
expect_rc 0 "$SVCCTL" start -p "$P" --wait-pidfile -- "$SERVER" -D -p "$P" -m "$T"
grep -q "removed an empty pidfile" "$T/err" || fail "no word of the empty file: $(cat "$T/err")"
expect_rc 0 "$SVCCTL" status -p "$P"
expect_rc 0 "$SVCCTL" stop -p "$P"
: >"$P"
expect_rc 0 "$SVCCTL" start -p "$P" -- "$SERVER" -m "$T"
pid=$(head -1 "$P")
alive "$pid" || fail "start over an empty pidfile recorded no live server"
expect_rc 0 "$SVCCTL" stop -p "$P"
# with the lock held, an empty file may be a write in progress: unknown (4)
: >"$P"
flock "$P.lock" sh -c 'touch "$0/held"; until [ -e "$0/letgo" ]; do sleep 0.01; done' "$T" &
locker=$!
wait_until 30 test -e "$T/held" || fail "the lock holder never took the lock"
expect_rc 4 "$SVCCTL" status -p "$P"
touch "$T/letgo"
wait "$locker"
ok "an empty pidfile: not running with its lock free, unknown while locked"
rm -f "$P"
finish
