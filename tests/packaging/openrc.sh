#!/bin/sh
# Exercise the OpenRC script's functions: source it with stubs for ebegin and
# eend and run start, status, reload, stop against the example server.
# Usage: openrc.sh SCRIPT SVCCTL EXAMPLE_SERVER
# shellcheck source=lib.sh
. "$(dirname "$0")/lib.sh"
script=$1
tmp=$(mktemp -d /tmp/svcctl-openrc.XXXXXX) || fail "mktemp"
svcctl=$2
command=$3
pidfile=$tmp/example.pid
command_args="-H $tmp/hups"
RC_SVCNAME='svcctl-example'
export svcctl command command_args pidfile RC_SVCNAME
trap '"$svcctl" stop -q -p "$pidfile"; rm -rf "$tmp"' EXIT

# Run one function of the script in a fresh shell, as openrc-run would.
rc() {
	sh -c '
		ebegin() { echo " * $*"; }
		eend() { [ "$1" -eq 0 ] || echo " * ERROR: $2"; return "$1"; }
		. "$0"
		"$1"' "$script" "$1"
}

expect 3 "status, never started" rc status
expect 0 "start" rc start
pid1=$(head -n 1 "$pidfile")
alive "$pid1" || fail "start: pid '$pid1' is not alive"
expect 0 "status, running" rc status
# the server writes 0 once its SIGHUP handler is in place (start returns at exec)
wait_content "$tmp/hups" 0
expect 0 "reload" rc reload
wait_content "$tmp/hups" 1
alive "$pid1" || fail "reload killed the server"
expect 0 "stop" rc stop
alive "$pid1" && fail "stop left server $pid1 running"
expect 3 "status, stopped" rc status
expect 7 "reload, not running" rc reload
[ "$(sh -c '. "$0"; echo "$extra_started_commands"' "$script")" = reload ] ||
	fail "extra_started_commands does not offer reload"
