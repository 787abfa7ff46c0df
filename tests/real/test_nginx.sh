#!/bin/sh
# nginx driven by svcctl: foreground (daemon off) and self-daemonizing
# (--wait-pidfile); reload is HUP, the config test "nginx -t".
# Usage: test_nginx.sh SVCCTL
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/conf.sh"
SRV=/usr/sbin/nginx
real_init 0 "$SRV"
# nginx retries a failed bind() 5 times, 500 ms apart, before it gives up:
# the port-taken start also checks --min-uptime beyond that
TAKEN_UPTIME=4s
SRV_WORKERS=1
. "$(dirname "$0")/scenarios.sh"

srv_config() {
	echo "$D/nginx.conf"
}

# nginx writes its "pid" file even with "daemon off": in the foreground it
# must not be svcctl's pidfile (nginx would write it first: start fails).
srv_pidfile() {
	case $MODE in
	daemon) echo "$D/nginx.pid" ;;
	*) echo "$D/svc.pid" ;;
	esac
}

srv_setup() {
	case $MODE in
	daemon) nginx_conf "$D" "$PORT" "$1" on "$D/nginx.pid" ;;
	*) nginx_conf "$D" "$PORT" "$1" off "$D/nginx-own.pid" ;;
	esac
}

srv_cmd() {
	echo "$SRV -p $D/ -c $D/nginx.conf -e $D/error.log"
}

srv_check() {
	echo "$SRV -t -p $D/ -c $D/nginx.conf -e $D/error.log"
}

srv_reload() {
	echo HUP
}

# "nginx -t" while nginx is stopped (the LSB configtest action) leaves its
# pid file empty: status says not running and a --wait-pidfile start
# replaces the file.
sc_configtest_start() {
	inst configtest daemon
	expect_rc 0 "daemon: nginx -t, stopped" sh -c "$(srv_check)"
	if [ ! -e "$PF" ] || [ -s "$PF" ]; then
		fail "nginx -t left no empty $PF, the case checked here"
	fi
	expect_rc 3 "daemon: status after nginx -t" svc status
	out_has "not running (empty pidfile: names no process)"
	up start
	down
}

real_run fg daemon
sc_configtest_start
echo "all checks passed"
