#!/bin/sh
# redis-server driven by svcctl: foreground (daemonize no, ready when
# "redis-cli ping" answers), self-daemonizing (daemonize yes, pidfile:
# --wait-pidfile) and sd_notify (supervised systemd: --notify).  Redis has
# no reload: HUP is ignored and USR1 kills it.  Usage: test_redis.sh SVCCTL
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/conf.sh"
SRV=/usr/bin/redis-server
real_init 1 "$SRV"
. "$(dirname "$0")/scenarios.sh"

srv_config() {
	echo "$D/redis.conf"
}

srv_pidfile() {
	case $MODE in
	daemon) echo "$D/redis.pid" ;;
	*) echo "$D/svc.pid" ;;
	esac
}

srv_setup() {
	redis_conf "$D" "$PORT" "$MODE"
}

srv_cmd() {
	echo "$SRV $D/redis.conf"
}

# in the foreground: ready when the server answers PING
srv_opts() {
	if [ "$MODE" = fg ]; then
		printf -- '--ready-cmd\nredis-cli -p %s ping | grep -q PONG\n' "$PORT"
	else
		ready_opts
	fi
}

# daemonized, redis binds after detaching and logs to its logfile
srv_bind_log() {
	case $MODE in
	daemon) echo "$D/redis.log" ;;
	*) echo "$T/out" ;;
	esac
}

# redis has no version to serve: v1 means "answers PING"
srv_probe() {
	[ "$(timeout 10 redis-cli -p "$PORT" ping 2>/dev/null)" != PONG ] || echo v1
}

# redis has no reload signal: it ignores HUP and USR1 would kill it, so
# reload refuses both without sending them, and redis serves on.
sc_no_reload() {
	inst "noreload-$1" "$1"
	up start
	pid=$(pid_of "$PF")
	expect_rc 1 "$MODE: reload -s HUP (ignored)" svc reload -s HUP
	out_has "a reload would do nothing; not sent"
	expect_rc 1 "$MODE: reload -s USR1 (would kill redis)" svc reload -s USR1
	out_has "does not handle SIGUSR1 (signal 10): a reload would kill it; not sent"
	alive "$pid" || fail "$MODE: a refused reload killed redis"
	serves v1 now
	expect_rc 0 "$MODE: stop after refused reloads" svc stop
	none_left "$SRV" "$MODE: stop after refused reloads"
}

real_run fg daemon notify
for mode in fg daemon notify; do sc_no_reload "$mode"; done
# --ready-timeout needs a readiness test to bound: alone it is an error
inst rt fg
expect_rc 2 "start --ready-timeout without a readiness test" \
	"$SVCCTL" start -p "$PF" --ready-timeout 3s -- "$SRV" "$D/redis.conf"
[ ! -e "$PF" ] || fail "an argument error left $PF"
none_left "$SRV" "start with an argument error"
echo "all checks passed"
