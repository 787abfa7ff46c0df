#!/bin/sh
# reload: --check refuses on a failing config test (its output shown, no
# signal sent), the same process must outlive --settle, a server dying of
# the signal fails the reload, and --notify waits for RELOADING=1 then
# READY=1 on <pidfile>.notify.
set -eu
. "$(dirname "$0")/lib.sh"
P=$T/r.pid
N=$T/n.pid

# hup_count FILE COUNT: the server's HUP counter holds COUNT.
hup_count() {
	[ "$(cat "$1" 2>/dev/null)" = "$2" ]
}

# hups FILE COUNT: wait (30 s at most, a hang guard) for the HUP counter.
hups() {
	wait_until 30 hup_count "$1" "$2"
}

expect_rc 0 "$SVCCTL" start -p "$P" --notify -- "$SERVER" -H "$T/hups" -m "$T"
pid=$(head -1 "$P")
# a passing check, the signal, then 500ms (the default settle) of survival
t0=$(now_ms)
expect_rc 0 "$SVCCTL" reload -p "$P" --check "test -x $SERVER"
dt=$(($(now_ms) - t0))
[ "$dt" -ge 480 ] || fail "reload returned after ${dt}ms, before the settle time"
grep -q "pid $pid reloaded" "$T/err" || fail "no confirmation: $(cat "$T/err")"
hups "$T/hups" 1 || fail "the reload signal did not arrive"
ok "reload with the default settle took ${dt}ms"
t0=$(now_ms)
expect_rc 0 "$SVCCTL" reload -p "$P" --settle 100ms
dt=$(($(now_ms) - t0))
hups "$T/hups" 2 || fail "the second reload did not arrive"
ok "reload --settle 100ms took ${dt}ms"
# a failing check: exit 1, its output shown, nothing signalled
expect_rc 1 "$SVCCTL" reload -p "$P" --check 'echo "line 3: unknown directive"; exit 2'
grep -q "failed with exit status 2; not reloaded" "$T/err" && grep -q "unknown directive" "$T/err" ||
	fail "check failure not shown: $(cat "$T/err")"
expect_rc 1 "$SVCCTL" restart -p "$P" --check false -- "$SERVER" -H "$T/hups" -m "$T"
[ "$(head -1 "$P")" = "$pid" ] && alive "$pid" || fail "restart went on after a failed check"
expect_rc 0 "$SVCCTL" reload -p "$P" --settle 0
hups "$T/hups" 3 || fail "a refused reload was sent after all: $(cat "$T/hups")"
# a server without a USR1 handler: the reload is refused, nothing sent
expect_rc 1 "$SVCCTL" reload -p "$P" -s USR1 --settle 5s
grep -q "pid $pid does not handle SIGUSR1 (signal 10): a reload would kill it; not sent" \
	"$T/err" || fail "no refusal: $(cat "$T/err")"
alive "$pid" || fail "a refused USR1 killed the server"
expect_rc 0 "$SVCCTL" stop -p "$P"
# python3 -c "$PYSIG" ACTION DELAY FILE: after DELAY seconds set USR1 to
# ACTION (log: append to FILE; die: exit 3; ignore), then live on
PYSIG='
import os, signal, sys, time
time.sleep(float(sys.argv[2]))
act = {"log": lambda *a: open(sys.argv[3], "a").write("usr1\n"),
       "die": lambda *a: os._exit(3), "ignore": signal.SIG_IGN}[sys.argv[1]]
signal.signal(signal.SIGUSR1, act)
open(sys.argv[3] + ".set", "w").close()
time.sleep(300)
'
# an ignored signal: the reload would do nothing, so it is refused too
expect_rc 0 "$SVCCTL" start -p "$P" -- python3 -c "$PYSIG" ignore 0 "$T/ign"
wait_until 30 test -e "$T/ign.set" || fail "the ignoring server never set up"
expect_rc 1 "$SVCCTL" reload -p "$P" -s USR1
grep -q "a reload would do nothing; not sent" "$T/err" || fail "no refusal: $(cat "$T/err")"
expect_rc 0 "$SVCCTL" stop -p "$P"
# a handler installed 300ms after start: reload waits for it, then sends
expect_rc 0 "$SVCCTL" start -p "$P" -- python3 -c "$PYSIG" log 0.3 "$T/usr1"
pid=$(head -1 "$P")
expect_rc 0 "$SVCCTL" reload -p "$P" -s USR1 --settle 100ms
wait_until 30 test -s "$T/usr1" || fail "the late handler never ran"
alive "$pid" || fail "the reload killed a server that was about to handle it"
ok "reload -s USR1 waited for the server's handler"
expect_rc 0 "$SVCCTL" stop -p "$P"
# a server dying of the signal it handles: reload fails, at its death
expect_rc 0 "$SVCCTL" start -p "$P" -- python3 -c "$PYSIG" die 0 "$T/die"
wait_until 30 test -e "$T/die.set" || fail "the dying server never set up"
pid=$(head -1 "$P")
expect_rc 1 "$SVCCTL" reload -p "$P" -s USR1 --settle 5s
grep -q "pid $pid died after reload" "$T/err" || fail "death not reported: $(cat "$T/err")"
! alive "$pid" || fail "the server survived USR1"
# --notify on a server that never says RELOADING=1: bounded by --ready-timeout
expect_rc 0 "$SVCCTL" start -p "$P" --notify -- "$SERVER" -m "$T"
expect_rc 1 "$SVCCTL" reload -p "$P" --notify --ready-timeout 400ms
grep -q "sent no RELOADING=1 within 400ms" "$T/err" || fail "no timeout reason: $(cat "$T/err")"
expect_rc 0 "$SVCCTL" stop -p "$P"

# --notify: RELOADING=1 then READY=1 from the server, heard on the stable path
expect_rc 0 "$SVCCTL" start -p "$N" --notify -- "$SERVER" --notify-reload -H "$T/nhups" -m "$T"
npid=$(head -1 "$N")
t0=$(now_ms)
expect_rc 0 "$SVCCTL" reload -p "$N" --notify
dt=$(($(now_ms) - t0))
hups "$T/nhups" 1 || fail "--notify reload did not reach the server"
[ ! -e "$N.notify" ] || fail "reload left its notify socket"
ok "reload --notify took ${dt}ms"
# a stale socket file is replaced; anything else there is refused
python3 -c 'import socket, sys; socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM).bind(sys.argv[1])' \
	"$N.notify"
expect_rc 0 "$SVCCTL" reload -p "$N" --notify
hups "$T/nhups" 2 || fail "reload over a stale socket did not reach the server"
printf 'not a socket\n' >"$N.notify"
expect_rc 1 "$SVCCTL" reload -p "$N" --notify
grep -q "n.pid.notify: cannot listen" "$T/err" || fail "non-socket not refused: $(cat "$T/err")"
grep -q "not a socket" "$N.notify" || fail "reload replaced a file that is not a socket"
rm -f "$N.notify"
# a --notify server dying of the signal (it handles TERM by exiting) fails
# the reload at once
t0=$(now_ms)
expect_rc 1 "$SVCCTL" reload -p "$N" --notify -s TERM --ready-timeout 10s
dt=$(($(now_ms) - t0))
grep -q "pid $npid died after reload" "$T/err" && [ "$dt" -lt 5000 ] ||
	fail "death during a --notify reload: ${dt}ms $(cat "$T/err")"
expect_rc 0 "$SVCCTL" stop -p "$N"
[ ! -e "$N" ] && [ ! -e "$N.notify" ] || fail "stop left the pidfile or the notify socket"
expect_rc 7 "$SVCCTL" reload -p "$N" --check true
finish
