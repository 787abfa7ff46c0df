#!/bin/sh
# Readiness: --notify (sd_notify), --notify fd:N, --wait-pidfile, timeouts.
# Lower bounds (readiness not reported early) hold on any machine; upper
# bounds sit far below the wrong behaviour (waiting a timeout out) so that
# a loaded machine has seconds of margin.
set -eu
. "$(dirname "$0")/lib.sh"
P=$T/n.pid

# start returns only after READY=1, which comes 400ms after exec
t0=$(now_ms)
expect_rc 0 "$SVCCTL" start -p "$P" --notify -- "$SERVER" -r 400ms --status "serving 7" -m "$T"
dt=$(($(now_ms) - t0))
[ "$dt" -ge 380 ] || fail "--notify returned after ${dt}ms, before READY=1"
ok "--notify returned after ${dt}ms"
expect_rc 0 "$SVCCTL" status -p "$P"
grep -q "serving 7" "$T/out" || fail "STATUS= not shown: $(cat "$T/out")"
[ ! -e "$P.notify" ] || fail "notify socket left behind after start"
expect_rc 0 "$SVCCTL" stop -p "$P"
# no READY=1 within --ready-timeout: exit 1, server killed, no pidfile
t0=$(now_ms)
expect_rc 1 "$SVCCTL" start -p "$P" --notify --ready-timeout 500ms -o "$T/log" \
	-- "$SERVER" --no-ready -m "$T-marker"
dt=$(($(now_ms) - t0))
# 500 ms, not the default timeout nor a misread 500 s
[ "$dt" -ge 480 ] && [ "$dt" -lt 5000 ] || fail "--ready-timeout 500ms took ${dt}ms"
[ ! -e "$P" ] || fail "timed-out start left a pidfile"
grep -q "not ready" "$T/err" || fail "no timeout message"
grep -q "marker" "$T/err" || fail "the server's last output lines not shown"
wait_until 30 none_named "$T-marker" || fail "timed-out server still running"
# READY=1 from a process outside the server's tree is ignored: the forger
# sends it, then lets the server exit (no timing: the start fails on that)
python3 -c '
import os, socket, sys, time
for _ in range(3000):
    if os.path.exists(sys.argv[1]):
        break
    time.sleep(0.01)
s = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
s.sendto(b"READY=1\nSTATUS=forged", sys.argv[1])
open(sys.argv[2], "w").close()
' "$P.notify" "$T/forged" &
forger=$!
expect_rc 1 "$SVCCTL" start -p "$P" --notify --ready-timeout 20s -- sh -c \
	'while [ ! -e "$0/forged" ]; do sleep 0.01; done; exit 3' "$T"
wait "$forger" || fail "the forging sender failed"
grep -q "not the server's" "$T/err" || fail "forged READY=1 not reported: $(cat "$T/err")"
grep -q "exited with status 3" "$T/err" || fail "the server's exit not reported: $(cat "$T/err")"
[ ! -e "$P" ] || fail "forged READY=1 was believed"
# a server that dies during readiness: exit 1 at once (not after the 30 s
# timeout), status shown
t0=$(now_ms)
expect_rc 1 "$SVCCTL" start -p "$P" --notify --ready-timeout 30s -- "$SERVER" -e 3
dt=$(($(now_ms) - t0))
grep -q "status 3" "$T/err" && [ "$dt" -lt 10000 ] || fail "early death: ${dt}ms $(cat "$T/err")"
[ ! -e "$P" ] || fail "dead server left a pidfile"
# an s6-style readiness pipe on fd 5
t0=$(now_ms)
expect_rc 0 "$SVCCTL" start -p "$P" --notify fd:5 -- "$SERVER" -r 300ms --ready-fd 5 -m "$T"
dt=$(($(now_ms) - t0))
[ "$dt" -ge 280 ] || fail "--notify fd:5 returned after ${dt}ms"
expect_rc 0 "$SVCCTL" stop -p "$P"
expect_rc 1 "$SVCCTL" start -p "$P" --notify=fd:5 --ready-timeout 400ms -- "$SERVER" -m "$T"
# a daemonizing server writing its own pidfile (with its lock)
expect_rc 0 "$SVCCTL" start -p "$P" --wait-pidfile -- "$SERVER" -D -p "$P" -m "$T"
pid=$(head -1 "$P")
alive "$pid" || fail "--wait-pidfile returned before the pidfile named a live process"
expect_rc 0 "$SVCCTL" start -p "$P" --wait-pidfile -- "$SERVER" -D -p "$P" -m "$T"
[ "$(head -1 "$P")" = "$pid" ] || fail "second --wait-pidfile start replaced the server"
expect_rc 0 "$SVCCTL" stop -p "$P"
[ ! -e "$P" ] || fail "pidfile left after stop"
# a daemon's launcher that lingers after the daemon wrote the pidfile (as
# lighttpd's waits for its daemon's word): start returns once the launcher
# has exited too, and fails with its failure status.  The launcher's 1 s
# is the behaviour under test, not a wait: start must outlast it.
cat >"$T/launcher.sh" <<'X'
setsid "$1" -m "$2" &
echo $! >"$2/daemon.pid"
echo $! >"$3"
sleep 1
exit "$4"
X
t0=$(now_ms)
expect_rc 0 "$SVCCTL" start -p "$P" --wait-pidfile -- sh "$T/launcher.sh" "$SERVER" "$T" "$P" 0
dt=$(($(now_ms) - t0))
[ "$dt" -ge 950 ] || fail "--wait-pidfile returned after ${dt}ms, before the launcher exited"
[ "$(head -1 "$P")" = "$(cat "$T/daemon.pid")" ] || fail "the pidfile does not name the daemon"
ok "--wait-pidfile: a lingering launcher is waited for (${dt}ms)"
expect_rc 0 "$SVCCTL" stop -p "$P"
expect_rc 1 "$SVCCTL" start -p "$P" --wait-pidfile -- sh "$T/launcher.sh" "$SERVER" "$T" "$P" 3
grep -q "exited with status 3 before it was ready" "$T/err" || fail "launcher failure: $(cat "$T/err")"
wait_gone "$(cat "$T/daemon.pid")" || fail "a failed start left the daemon running"
[ ! -e "$P" ] || fail "a failed start left the pidfile: $(cat "$P")"
ok "--wait-pidfile: the launcher's failure fails the start"
finish
