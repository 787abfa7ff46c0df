#!/bin/sh
# Run the LSB init script against the example server: every action and the
# LSB exit code of each case.  Usage: lsb.sh SCRIPT SVCCTL EXAMPLE_SERVER
# shellcheck source=lib.sh
. "$(dirname "$0")/lib.sh"
script=$1
tmp=$(mktemp -d /tmp/svcctl-lsb.XXXXXX) || fail "mktemp"
SVCCTL=$2
DAEMON=$3
PIDFILE=$tmp/example.pid
DAEMON_ARGS="-H $tmp/hups"
export SVCCTL DAEMON PIDFILE DAEMON_ARGS
cleanup() {
	[ -f "$PIDFILE" ] && "$SVCCTL" stop -q -p "$PIDFILE"
	rm -rf "$tmp"
}
trap cleanup EXIT

pid_of() {
	head -n 1 "$PIDFILE" 2>/dev/null
}

expect 3 "status, never started" "$script" status
expect 7 "reload, not running" "$script" reload
expect 0 "try-restart, not running" "$script" try-restart
expect 3 "status after try-restart of a stopped server" "$script" status
expect 0 "start" "$script" start
pid1=$(pid_of)
alive "$pid1" || fail "start: pid '$pid1' is not alive"
expect 0 "status, running" "$script" status
expect 0 "start, already running" "$script" start
[ "$(pid_of)" = "$pid1" ] || fail "second start replaced the server"
# start returns once exec succeeded; the server writes 0 once its SIGHUP
# handler is in place, and a HUP before that would kill it
wait_content "$tmp/hups" 0
expect 0 "reload" "$script" reload
wait_content "$tmp/hups" 1
expect 0 "force-reload" "$script" force-reload
wait_content "$tmp/hups" 2
alive "$pid1" || fail "reload killed the server"
expect 0 "restart" "$script" restart
pid2=$(pid_of)
if [ -z "$pid2" ] || [ "$pid2" = "$pid1" ]; then
	fail "restart: pid '$pid2' after '$pid1'"
fi
alive "$pid1" && fail "restart left the old server $pid1 running"
expect 0 "try-restart, running" "$script" try-restart
pid3=$(pid_of)
if [ -z "$pid3" ] || [ "$pid3" = "$pid2" ]; then
	fail "try-restart: pid '$pid3' after '$pid2'"
fi
expect 0 "stop" "$script" stop
alive "$pid3" && fail "stop left server $pid3 running"
[ ! -e "$PIDFILE" ] || fail "stop left $PIDFILE"
expect 0 "stop, already stopped" "$script" stop
expect 3 "status, stopped" "$script" status

# a pidfile naming a dead process: status 1
sh -c 'exit 0' &
dead=$!
wait "$dead"
echo "$dead" >"$PIDFILE"
expect 1 "status, dead with a pidfile" "$script" status
rm -f "$PIDFILE"

expect 2 "unknown action" "$script" bogus
expect 2 "no action" "$script"
expect 5 "start, server not installed" env DAEMON="$tmp/missing" "$script" start
expect 4 "status, svcctl not installed" env SVCCTL="$tmp/missing" "$script" status
