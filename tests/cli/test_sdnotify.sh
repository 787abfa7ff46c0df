#!/bin/sh
# sd_notify beyond READY=1: ERRNO= reported by a failed start and shown by
# status, EXTEND_TIMEOUT_USEC= extending --ready-timeout, MAINPID= recorded
# only when it names the server or one of its descendants.  Timeouts leave
# the server seconds to send what it must send first, and every duration
# bound sits far from the wrong behaviour, for a loaded machine.
set -eu
. "$(dirname "$0")/lib.sh"
P=$T/s.pid

# ERRNO= then death: start fails (1), names the errno and its text, no pidfile
expect_rc 1 "$SVCCTL" start -p "$P" --notify -- "$SERVER" --fail-errno 2 --status "no config" \
	-m "$T"
grep -q "status 1 before it was ready; it reported ERRNO=2 (No such file or directory)" \
	"$T/err" || fail "ERRNO= not reported: $(cat "$T/err")"
[ ! -e "$P" ] || fail "a start that failed with ERRNO= left a pidfile"
# ERRNO= without READY=1 and a timeout: the timeout message names it too
expect_rc 1 "$SVCCTL" start -p "$P" --notify --ready-timeout 2s \
	-- "$SERVER" --no-ready --errno 5 -m "$T"
grep -q "not ready after .*; it reported ERRNO=5 (Input/output error)" "$T/err" ||
	fail "timeout message without ERRNO=: $(cat "$T/err")"
[ ! -e "$P" ] || fail "a timed-out start left a pidfile"
# ERRNO= with READY=1: the start succeeds, status shows it with STATUS=
expect_rc 0 "$SVCCTL" start -p "$P" --notify -- "$SERVER" --errno 28 --status "disk full" -m "$T"
grep -q "ERRNO=28 (No space left on device)" "$T/err" || fail "start: $(cat "$T/err")"
expect_rc 0 "$SVCCTL" status -p "$P"
grep -q "disk full; ERRNO=28 (No space left on device)" "$T/out" ||
	fail "status does not show ERRNO=: $(cat "$T/out")"
expect_rc 0 "$SVCCTL" status -p "$P" --json
grep -q "ERRNO=28" "$T/out" || fail "status --json does not show ERRNO=: $(cat "$T/out")"
expect_rc 0 "$SVCCTL" stop -p "$P"

# EXTEND_TIMEOUT_USEC=6000000 is 6 s: READY=1 after 1.5 s beats
# --ready-timeout 1s, and start returns on it, not at the extension's end
t0=$(now_ms)
expect_rc 0 "$SVCCTL" start -p "$P" --notify --ready-timeout 1s \
	-- "$SERVER" --extend 6000000 -r 1500ms -m "$T"
dt=$(($(now_ms) - t0))
[ "$dt" -ge 1450 ] && [ "$dt" -lt 5000 ] || fail "extended start took ${dt}ms"
alive "$(head -1 "$P")" || fail "extended start recorded no live server"
expect_rc 0 "$SVCCTL" stop -p "$P"
# without the extension the same server is too late
expect_rc 1 "$SVCCTL" start -p "$P" --notify --ready-timeout 1s -- "$SERVER" -r 1500ms -m "$T"
[ ! -e "$P" ] || fail "a late server left a pidfile"
# an extension too short to reach READY=1 still fails, after the extension
# (2 s), before READY=1 (4 s); the wait it reports, since the failed server
# then gets TERM, which it blocks until it is ready, so the whole command
# takes longer.  The 1 s timeout leaves the server that long to ask.
expect_rc 1 "$SVCCTL" start -p "$P" --notify --ready-timeout 1s \
	-- "$SERVER" --extend 2000000 -r 4s -m "$T"
dt=$(sed -n 's/.*not ready after \([0-9]*\)ms.*/\1/p' "$T/err")
[ "${dt:-0}" -ge 1950 ] && [ "${dt:-0}" -lt 4000 ] || fail "short extension gave up after ${dt}ms"
# a tiny extension never shortens --ready-timeout
expect_rc 0 "$SVCCTL" start -p "$P" --notify --ready-timeout 10s \
	-- "$SERVER" --extend 1 -r 500ms -m "$T"
expect_rc 0 "$SVCCTL" stop -p "$P"

# MAINPID= of a child of the server: that child is recorded, and stopped
expect_rc 0 "$SVCCTL" start -p "$P" --notify -- "$SERVER" --main-child -m "$T"
main=$(head -1 "$P")
parent=$(ps -o ppid= -p "$main" | tr -d ' ')
grep -q -- "--main-child" "/proc/$parent/cmdline" || fail "recorded $main is not the server's child"
expect_rc 0 "$SVCCTL" stop -p "$P"
wait_gone "$main" && wait_gone "$parent" || fail "stopping MAINPID left $main or $parent"
# MAINPID= naming a process outside the server's tree is ignored
sentinel
expect_rc 0 "$SVCCTL" start -p "$P" --notify -- "$SERVER" --mainpid "$SENTINEL" -m "$T"
grep -q "ignoring MAINPID=$SENTINEL" "$T/err" || fail "forged MAINPID not reported"
[ "$(head -1 "$P")" != "$SENTINEL" ] || fail "a MAINPID outside the server's tree was recorded"
expect_rc 0 "$SVCCTL" stop -p "$P"
alive "$SENTINEL" || fail "the process named by a forged MAINPID was signalled"
# svcctl's own pid is not the server's either
expect_rc 0 "$SVCCTL" start -p "$P" --notify -- sh -c \
	'exec "$0" --mainpid "$PPID" -m "$1"' "$SERVER" "$T"
grep -q "ignoring MAINPID" "$T/err" || fail "MAINPID of svcctl itself was believed"
alive "$(head -1 "$P")" || fail "MAINPID of svcctl itself was recorded"
expect_rc 0 "$SVCCTL" stop -p "$P"
finish
