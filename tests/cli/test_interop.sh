#!/bin/sh
# Other tools read our pidfiles (kill, pkill -F, start-stop-daemon) and we
# read theirs (start-stop-daemon --make-pidfile, a bare "PID" file).
set -eu
. "$(dirname "$0")/lib.sh"
P=$T/i.pid
SSD=/usr/sbin/start-stop-daemon

expect_rc 0 "$SVCCTL" start -p "$P" -- "$SERVER" -m "$T"
pid=$(head -1 "$P")
kill "$(head -1 "$P")"
wait_gone "$pid" || fail "kill \$(head -1 PIDFILE) did not stop the server"
expect_rc 1 "$SVCCTL" status -p "$P"
expect_rc 0 "$SVCCTL" start -p "$P" -- "$SERVER" -m "$T"
pid=$(head -1 "$P")
pkill -F "$P"
wait_gone "$pid" || fail "pkill -F did not stop the server"
if [ -x "$SSD" ]; then
	expect_rc 0 "$SVCCTL" start -p "$P" -- "$SERVER" -m "$T"
	pid=$(head -1 "$P")
	expect_rc 0 "$SSD" --status --pidfile "$P"
	expect_rc 0 "$SSD" --stop --pidfile "$P" --retry TERM/5
	wait_gone "$pid" || fail "start-stop-daemon did not stop our server"
	# theirs: start-stop-daemon writes a bare pid file, we judge and stop it
	rm -f "$P"
	expect_rc 0 "$SSD" --start --background --make-pidfile --pidfile "$P" \
		--exec "$SERVER" -- -m "$T" -H "$T/hups"
	# the counter file appears once the server's handlers are in place
	wait_until 30 test -s "$T/hups" || fail "start-stop-daemon's server never got ready"
	pid=$(head -1 "$P")
	expect_rc 0 "$SVCCTL" status -p "$P"
	expect_rc 0 "$SVCCTL" reload -p "$P"
	expect_rc 0 "$SVCCTL" stop -p "$P"
	! alive "$pid" || fail "we did not stop start-stop-daemon's server"
else
	echo "start-stop-daemon not installed: its checks skipped"
fi
# a hand-written pidfile with blanks around the pid
sentinel
printf '  %s  \n' "$SENTINEL" >"$P"
expect_rc 0 "$SVCCTL" status -p "$P"
expect_rc 0 "$SVCCTL" stop -p "$P"
wait_gone "$SENTINEL" || fail "bare pidfile's process not stopped"
finish
