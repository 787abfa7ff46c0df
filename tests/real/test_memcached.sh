#!/bin/sh
# memcached driven by svcctl: foreground (ready when the port answers) and
# self-daemonizing (-d -P: --wait-pidfile).  memcached has no config file,
# no config test and no reload (HUP and USR1 are ignored).
# Usage: test_memcached.sh SVCCTL
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/conf.sh"
SRV=/usr/bin/memcached
real_init 2 "$SRV"
. "$(dirname "$0")/scenarios.sh"

srv_pidfile() {
	case $MODE in
	daemon) echo "$D/memcached.pid" ;;
	*) echo "$D/svc.pid" ;;
	esac
}

srv_setup() {
	:
}

srv_cmd() {
	case $MODE in
	daemon) echo "$SRV -d -P $D/memcached.pid $(memcached_args "$PORT")" ;;
	*) echo "$SRV $(memcached_args "$PORT")" ;;
	esac
}

# with -d, memcached binds after detaching, its stderr on /dev/null
srv_bind_log() {
	[ "$MODE" = daemon ] || echo "$T/out"
}

# memcached has no version to serve: v1 means "answers the version command"
srv_probe() {
	case $(printf 'version\r\nquit\r\n' | nc -w 10 127.0.0.1 "$PORT" 2>/dev/null) in
	VERSION*) echo v1 ;;
	esac
}

real_run fg daemon
echo "all checks passed"
