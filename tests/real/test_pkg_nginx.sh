#!/bin/sh
# The LSB or OpenRC template of packaging/ driving nginx end to end, as a
# packager would configure it: nginx daemonizes and writes its own pidfile
# (--wait-pidfile), is ready when its port answers, stops gracefully with
# QUIT, reloads with HUP after "nginx -t".
# Usage: test_pkg_nginx.sh SVCCTL lsb|openrc SCRIPT
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/conf.sh"
KIND=${2:?usage: test_pkg_nginx.sh SVCCTL lsb|openrc SCRIPT}
SCRIPT=${3:?usage: test_pkg_nginx.sh SVCCTL lsb|openrc SCRIPT}
SRV=/usr/sbin/nginx
# port ranges 5 (lsb) and 6 (openrc)
if [ "$KIND" = lsb ]; then real_init 5 "$SRV"; else real_init 6 "$SRV"; fi
D=$T/nginx
mkdir "$D"
PORT=$(free_port)
PF=$D/nginx.pid
args="-p $D/ -c $D/nginx.conf -e $D/error.log"
check="$SRV -t $args"
start="--wait-pidfile --ready-port 127.0.0.1:$PORT -o $D/out.log"
stop="--retry QUIT/10/TERM/5/KILL/5"
# /etc/default/NAME and /etc/conf.d/NAME would hold these
export SVCCTL DAEMON="$SRV" DAEMON_ARGS="$args" PIDFILE="$PF" START_OPTS="$start" \
	STOP_OPTS="$stop" RELOAD_SIGNAL=HUP CHECK="$check"
export svcctl="$SVCCTL" command="$SRV" command_args="$args" pidfile="$PF" \
	svcctl_start_args="$start" svcctl_stop_args="$stop" reload_signal=HUP \
	checkconfig_command="$check" RC_SVCNAME=nginx

# Run ACTION as init would: the LSB script with it, or the OpenRC script's
# functions in a fresh shell as openrc-run does (restart: stop_pre, stop,
# start), with stubs for ebegin and eend.
act() {
	if [ "$KIND" = lsb ]; then
		"$SCRIPT" "$1"
		return
	fi
	cmd=$1
	[ "$cmd" != restart ] || set -- stop_pre stop start
	RC_CMD=$cmd sh -c '
		ebegin() { echo " * $*"; }
		eend() { [ "$1" -eq 0 ] || echo " * ERROR: $2"; return "$1"; }
		. "$0"
		for f in "$@"; do "$f" || exit; done' "$SCRIPT" "$@"
}

setup() {
	nginx_conf "$D" "$PORT" "$1" on "$PF"
}

serves() {
	[ "$(http_body "$PORT")" = "$1" ]
}

# the config test action of each system
if [ "$KIND" = lsb ]; then test_action=configtest; else test_action=checkconfig; fi

setup v1
expect_rc 3 "$KIND: status, never started" act status
expect_rc 0 "$KIND: start" act start
track "$PF"
serves v1 || fail "$KIND: start returned before nginx answered"
pid=$(pid_of "$PF")
[ "$(count_servers "$SRV")" -eq 1 ] || fail "$KIND: not exactly one nginx"
expect_rc 0 "$KIND: start, already running" act start
expect_rc 0 "$KIND: status, running" act status
expect_rc 0 "$KIND: $test_action" act "$test_action"

setup v2
expect_rc 0 "$KIND: reload" act reload
wait_for "$KIND: nginx serves v2 after reload" serves v2
[ "$(pid_of "$PF")" = "$pid" ] || fail "$KIND: reload changed pid $pid"

break_conf "$D/nginx.conf"
expect_rc 1 "$KIND: $test_action, bad config" act "$test_action"
expect_rc 1 "$KIND: reload, bad config" act reload
out_has "$D/nginx.conf"
expect_rc 1 "$KIND: restart, bad config" act restart
if [ "$(pid_of "$PF")" != "$pid" ] || dead "$pid"; then
	fail "$KIND: a refused restart lost nginx"
fi
serves v2 || fail "$KIND: nginx stopped serving v2 after a refused reload"

setup v3
expect_rc 0 "$KIND: restart" act restart
track "$PF"
serves v3 || fail "$KIND: restart returned before nginx answered v3"
[ "$(pid_of "$PF")" != "$pid" ] || fail "$KIND: restart kept pid $pid"
dead "$pid" || fail "$KIND: restart left the old master $pid"

# kill -9 of the master: its workers keep the port until start takes over
pid=$(pid_of "$PF")
kill -KILL "$pid"
wait_gone "$pid"
expect_rc 1 "$KIND: status, master killed" act status
expect_rc 0 "$KIND: start over the killed master's workers" act start
track "$PF"
[ "$(count_servers "$SRV")" -eq 1 ] || fail "$KIND: not exactly one nginx after takeover"
serves v3 || fail "$KIND: takeover returned before nginx answered"

expect_rc 0 "$KIND: stop" act stop
none_left "$SRV" "$KIND: stop"
port_closed "$PORT" || fail "$KIND: 127.0.0.1:$PORT answers after stop"
[ ! -e "$PF" ] || fail "$KIND: stop left $PF"
expect_rc 0 "$KIND: stop, already stopped" act stop
expect_rc 3 "$KIND: status, stopped" act status
echo "all checks passed"
