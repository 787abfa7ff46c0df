#!/bin/sh
# lighttpd driven by svcctl: foreground (-D) and self-daemonizing
# (--wait-pidfile).  USR1 is lighttpd's graceful restart: it re-reads the
# config in the same process (HUP only reopens the logs); the config test is
# "lighttpd -tt".  Usage: test_lighttpd.sh SVCCTL
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/conf.sh"
SRV=/usr/sbin/lighttpd
real_init 3 "$SRV"
. "$(dirname "$0")/scenarios.sh"

srv_config() {
	echo "$D/lighttpd.conf"
}

srv_pidfile() {
	case $MODE in
	daemon) echo "$D/lighttpd.pid" ;;
	*) echo "$D/svc.pid" ;;
	esac
}

# lighttpd also writes server.pid-file with -D: only the daemon names one.
srv_setup() {
	case $MODE in
	daemon) lighttpd_conf "$D" "$PORT" "$1" "$D/lighttpd.pid" ;;
	*) lighttpd_conf "$D" "$PORT" "$1" ;;
	esac
}

srv_cmd() {
	case $MODE in
	daemon) echo "$SRV -f $D/lighttpd.conf" ;;
	*) echo "$SRV -D -f $D/lighttpd.conf" ;;
	esac
}

srv_check() {
	echo "$SRV -tt -f $D/lighttpd.conf"
}

srv_reload() {
	echo USR1
}

real_run fg daemon
echo "all checks passed"
