#!/bin/sh
# start, status, reload, restart, stop and their exit codes on one server.
set -eu
. "$(dirname "$0")/lib.sh"
P=$T/srv.pid

expect_rc 3 "$SVCCTL" status -p "$P"
expect_rc 7 "$SVCCTL" reload -p "$P"
expect_rc 0 "$SVCCTL" stop -p "$P"
expect_rc 0 "$SVCCTL" start -p "$P" -o "$T/log" -e GREETING=hello -C "$T" --umask 027 \
	--notify -- "$SERVER" -H "$T/hups" -m "$T"
pid=$(head -1 "$P")
alive "$pid" || fail "server $pid not alive after start"
expect_rc 0 "$SVCCTL" status -p "$P"
grep -q "running (pid $pid" "$T/out" || fail "status line: $(cat "$T/out")"
expect_rc 0 "$SVCCTL" status -p "$P" --json
grep -q "\"state\":\"running\",\"pid\":$pid" "$T/out" || fail "status json: $(cat "$T/out")"
# the server's environment, directory, umask, session and stdio
tr '\0' '\n' <"/proc/$pid/environ" | grep -qx GREETING=hello || fail "-e not applied"
[ "$(readlink "/proc/$pid/cwd")" = "$T" ] || fail "-C not applied"
grep -q "^Umask:.*0027" "/proc/$pid/status" || fail "--umask not applied"
[ "$(ps -o sid= -p "$pid" | tr -d ' ')" = "$pid" ] || fail "server is not a session leader"
[ "$(readlink "/proc/$pid/fd/0")" = /dev/null ] || fail "stdin is not /dev/null"
grep -q "$T" "$T/log" || fail "-o did not receive the server's output"
[ "$(find "/proc/$pid/fd" -mindepth 1 | wc -l)" -eq 3 ] || fail "server inherited extra fds"
# already running: exit 0, nothing new started
expect_rc 0 "$SVCCTL" start -p "$P" -- "$SERVER" -m "$T"
[ "$(head -1 "$P")" = "$pid" ] || fail "second start replaced the pidfile"
grep -q "already running" "$T/err" || fail "second start did not say already running"
expect_rc 0 "$SVCCTL" reload -p "$P"
one_hup() {
	[ "$(cat "$T/hups")" = 1 ]
}
wait_until 30 one_hup || fail "reload did not reach the server"
# the example server has no USR1 handler: USR1 would kill it, so reload
# refuses and sends nothing
expect_rc 1 "$SVCCTL" reload -p "$P" -s USR1
grep -q "does not handle SIGUSR1" "$T/err" || fail "no refusal: $(cat "$T/err")"
alive "$pid" || fail "a refused reload killed the server"
# its TERM handler exits: reload sees it die within the settle time
expect_rc 1 "$SVCCTL" reload -p "$P" -s TERM
grep -q "died after reload" "$T/err" || fail "reload missed the death: $(cat "$T/err")"
wait_gone "$pid" || fail "TERM from reload -s did not reach the server"
expect_rc 1 "$SVCCTL" status -p "$P"
grep -q "stale" "$T/out" || fail "dead server not reported stale: $(cat "$T/out")"
expect_rc 7 "$SVCCTL" reload -p "$P"
# restart from stale, then restart a running one: new pid
expect_rc 0 "$SVCCTL" restart -p "$P" -- "$SERVER" -m "$T"
pid1=$(head -1 "$P")
expect_rc 0 "$SVCCTL" restart -p "$P" -- "$SERVER" -m "$T"
pid2=$(head -1 "$P")
[ "$pid1" != "$pid2" ] && ! alive "$pid1" || fail "restart did not replace $pid1"
expect_rc 0 "$SVCCTL" stop -p "$P"
! alive "$pid2" || fail "stop left $pid2 alive"
[ ! -e "$P" ] && [ ! -e "$P.lock" ] || fail "stop left files: $(ls "$T")"
expect_rc 3 "$SVCCTL" status -p "$P"
# exec failures: 5, and no pidfile
expect_rc 5 "$SVCCTL" start -p "$P" -- "$T/no-such-program"
printf 'data\n' >"$T/notexec"
chmod 644 "$T/notexec"
expect_rc 5 "$SVCCTL" start -p "$P" -- "$T/notexec"
expect_rc 1 "$SVCCTL" start -p "$P" -C "$T/no-such-dir" -- "$SERVER" -m "$T"
[ ! -e "$P" ] || fail "failed start left a pidfile"
# a relative COMMAND with a '/' runs from our directory, not from / or -C DIR
mkdir "$T/bin" "$T/elsewhere"
ln -s "$SERVER" "$T/bin/server"
cd "$T"
expect_rc 0 "$SVCCTL" start -p "$P" -- ./bin/server -m "$T"
expect_rc 0 "$SVCCTL" stop -p "$P"
expect_rc 0 "$SVCCTL" start -p "$P" -C "$T/elsewhere" -- bin/server -m "$T"
[ "$(readlink "/proc/$(head -1 "$P")/cwd")" = "$T/elsewhere" ] || fail "-C not applied"
expect_rc 0 "$SVCCTL" stop -p "$P"
expect_rc 5 "$SVCCTL" start -p "$P" -- ./bin/no-such-server -m "$T"
grep -q "bin/no-such-server" "$T/err" || fail "exec failure does not name COMMAND"
cd /
# a bare name still goes through PATH
expect_rc 0 env PATH="$T/bin:$PATH" "$SVCCTL" start -p "$P" -- server -m "$T"
expect_rc 0 "$SVCCTL" stop -p "$P"
expect_rc 5 env PATH="$T/elsewhere" "$SVCCTL" start -p "$P" -- server -m "$T"
[ ! -e "$P" ] || fail "failed start left a pidfile"
# NAME form under RUNDIR, created on demand
expect_rc 0 "$SVCCTL" start -d "$T/run/sub" web -- "$SERVER" -m "$T"
[ -s "$T/run/sub/web.pid" ] || fail "NAME did not map to RUNDIR/NAME.pid"
expect_rc 0 "$SVCCTL" stop -d "$T/run/sub" -q web
[ ! -s "$T/err" ] || fail "-q still printed: $(cat "$T/err")"
# --foreground: server is our child, pidfile held meanwhile, TERM passed on
"$SVCCTL" start -p "$P" --foreground -- "$SERVER" -m "$T" >/dev/null 2>&1 &
fg=$!
wait_until 30 test -s "$P" || fail "--foreground never published $P"
spid=$(head -1 "$P")
[ "$(ps -o ppid= -p "$spid" | tr -d ' ')" = "$fg" ] || fail "--foreground server is not our child"
expect_rc 0 "$SVCCTL" status -p "$P"
expect_rc 0 "$SVCCTL" start -p "$P" -- "$SERVER" -m "$T"
grep -q "already running" "$T/err" || fail "start beside --foreground did not see it"
kill -TERM "$fg"
wait "$fg" || fail "--foreground exit code $? after TERM"
! alive "$spid" && [ ! -e "$P" ] || fail "--foreground left the server or its pidfile"
finish
