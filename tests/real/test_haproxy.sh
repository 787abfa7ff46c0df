#!/bin/sh
# haproxy driven by svcctl: master-worker in the foreground (-W, reload
# USR2), daemon (-D -p: no reload but a restart) and master-worker with
# sd_notify (-Ws, --notify; reload USR2, heard as RELOADING=1 then READY=1).
# The config test is "haproxy -c".  Usage: test_haproxy.sh SVCCTL
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/conf.sh"
SRV=/usr/sbin/haproxy
real_init 4 "$SRV"
. "$(dirname "$0")/scenarios.sh"

srv_config() {
	echo "$D/haproxy.cfg"
}

srv_pidfile() {
	case $MODE in
	daemon) echo "$D/haproxy.pid" ;;
	*) echo "$D/svc.pid" ;;
	esac
}

srv_setup() {
	haproxy_conf "$D" "$PORT" "$1"
}

srv_cmd() {
	case $MODE in
	daemon) echo "$SRV -D -p $D/haproxy.pid -f $D/haproxy.cfg" ;;
	notify) echo "$SRV -Ws -f $D/haproxy.cfg" ;;
	*) echo "$SRV -W -f $D/haproxy.cfg" ;;
	esac
}

# without -q, so that a refusal says why
srv_check() {
	echo "$SRV -c -f $D/haproxy.cfg"
}

# -D has no reload: a new process must take over (restart)
srv_reload() {
	[ "$MODE" = daemon ] || echo USR2
}

real_run fg daemon notify
sc_reload notify --notify
echo "all checks passed"
