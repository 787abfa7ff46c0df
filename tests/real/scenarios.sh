# The scenarios every real server goes through, in each mode an init script
# runs it: fg (the server stays in the foreground, svcctl detaches it),
# daemon (it daemonizes and writes its own pidfile: --wait-pidfile) and
# notify (it speaks sd_notify: --notify).
#
# A test_<server>.sh sets SRV (the binary), defines these hooks, then calls
# real_run MODES:
#   srv_setup BODY  write the config of instance $D ($PORT, $MODE) serving BODY
#   srv_cmd         the server's command line (words without blanks)
#   srv_pidfile     the pidfile of the mode
#   srv_config      the config file (when it has a config check)
#   srv_probe       what 127.0.0.1:$PORT answers: the BODY served, or empty
#                   (default: the body of an HTTP GET /)
#   srv_reload      the reload signal of $MODE (default empty: none)
#   srv_check       the config test command for --check (default empty: none)
#   srv_bind_log    where a bind error shows (default: svcctl's output, $T/out)
#   srv_opts        svcctl's readiness options, one per line (default: ready_opts)
# shellcheck shell=sh

# The readiness options of $MODE, one per line.
ready_opts() {
	case $MODE in
	daemon) echo --wait-pidfile ;;
	notify) echo --notify ;;
	*) printf -- '--ready-port\n127.0.0.1:%s\n' "$PORT" ;;
	esac
}

# inst NAME MODE: a fresh instance in $T/NAME on a free port, serving v1.
inst() {
	D=$T/$1
	MODE=$2
	mkdir -p "$D"
	PORT=$(free_port)
	PF=$(srv_pidfile)
	srv_setup v1
}

# svc_start VERB [OPTION...]: svcctl start or restart of the instance with
# its mode's options; OPTIONs come before "--".
svc_start() {
	verb=$1
	shift
	set -f
	opts=$(srv_opts)
	cmd=$(srv_cmd)
	IFS='
'
	# shellcheck disable=SC2086 # one option per line, blanks kept
	set -- "$verb" -p "$PF" -C "$D" -o "$D/out.log" $opts "$@" --
	unset IFS
	# shellcheck disable=SC2086 # a word list
	set -- "$@" $cmd
	set +f
	"$SVCCTL" "$@"
}

svc() {
	verb=$1
	shift
	"$SVCCTL" "$verb" -p "$PF" "$@"
}

# Does the instance serve BODY?
serving() {
	[ "$(srv_probe)" = "$1" ]
}

# Assert that the instance serves BODY: at once (NOW) when the step before
# promised readiness, else within the bound.
serves() {
	if [ "${2:-}" = now ]; then
		got=$(srv_probe)
		[ "$got" = "$1" ] || fail "$MODE: at once: got '$got', expected '$1'"
	else
		wait_for "$MODE: 127.0.0.1:$PORT serves '$1'" serving "$1"
	fi
}

# Start (VERB start or restart; $MS: how long) and check that the instance
# serves v1.
up() {
	timed expect_rc 0 "$MODE: $1" svc_start "$@"
	track "$PF"
	n=$(count_servers "$SRV")
	[ "$n" -eq 1 ] || fail "$MODE: $1: $n servers of ours run, expected 1"
	serves v1 now
}

# Stop ($MS: how long) and check that nothing of the server is left and
# the port is free as soon as stop returns.
down() {
	timed expect_rc 0 "$MODE: stop" svc stop
	none_left "$SRV" "$MODE: stop"
	port_closed "$PORT" || fail "$MODE: 127.0.0.1:$PORT still answers after stop"
	[ ! -e "$PF" ] || fail "$MODE: stop left $PF"
}

# Time CMD... in milliseconds into $MS (the exit code is checked by CMD).
timed() {
	t0=$(now_ms)
	"$@"
	MS=$(($(now_ms) - t0))
}

# The LSB life cycle: status, start twice, reload, stop twice, kill -9
# then takeover, restart.
sc_lifecycle() {
	inst "life-$1" "$1"
	expect_rc 3 "$MODE: status, never started" svc status
	up start
	echo "time: $MODE start ${MS}ms"
	pid=$(pid_of "$PF")
	expect_rc 0 "$MODE: start, already running" svc_start start
	[ "$(pid_of "$PF")" = "$pid" ] || fail "$MODE: a second start replaced pid $pid"
	expect_rc 0 "$MODE: status, running" svc status
	if [ -n "$(srv_reload)" ]; then
		timed expect_rc 0 "$MODE: reload" svc reload -s "$(srv_reload)"
		echo "time: $MODE reload ${MS}ms"
		expect_rc 0 "$MODE: status after reload" svc status
		[ "$(pid_of "$PF")" = "$pid" ] || fail "$MODE: reload changed pid $pid"
		serves v1
	fi
	down
	echo "time: $MODE stop ${MS}ms"
	expect_rc 0 "$MODE: stop, already stopped" svc stop
	expect_rc 3 "$MODE: status, stopped" svc status
	sc_takeover
	pid=$(pid_of "$PF")
	up restart
	[ "$(pid_of "$PF")" != "$pid" ] || fail "$MODE: restart kept pid $pid"
	dead "$pid" || fail "$MODE: restart left the old server $pid"
	down
}

# kill -9 of the main process, then start takes the stale pidfile over.
sc_takeover() {
	up start
	pid=$(pid_of "$PF")
	kill -KILL "$pid"
	wait_gone "$pid"
	# the server's children (nginx workers) may still hold the port
	if [ -e "$PF" ]; then
		expect_rc 1 "$MODE: status after kill -9" svc status
	fi
	up start
	[ "$(pid_of "$PF")" != "$pid" ] || fail "$MODE: takeover kept pid $pid"
}

# kill -9 of the main process, then one stop leaves nothing of the server.
sc_kill9_stop() {
	inst "kill9-$1" "$1"
	up start
	pid=$(pid_of "$PF")
	kill -KILL "$pid"
	wait_gone "$pid"
	# nginx's workers outlive their master and keep serving (SRV_WORKERS=1)
	n=$(procs_of "$SRV" | wc -l)
	echo "$MODE: kill -9 of pid $pid left $n process(es)"
	if [ "${SRV_WORKERS:-0}" -eq 1 ] && [ "$n" -eq 0 ]; then
		fail "$MODE: no worker outlived the master: nothing to clean up"
	fi
	down
}

# Five concurrent starts give one server; one stop leaves none.
sc_concurrent() {
	inst "conc-$1" "$1"
	jobs=
	for i in 1 2 3 4 5; do
		svc_start start >"$D/start.$i" 2>&1 &
		jobs="$jobs $!"
	done
	bad=0
	for j in $jobs; do wait "$j" || bad=$((bad + 1)); done
	[ "$bad" -eq 0 ] || fail "$MODE: $bad of 5 concurrent starts failed: $(cat "$D"/start.*)"
	n=$(cat "$D"/start.* | grep -c "started pid")
	[ "$n" -eq 1 ] || fail "$MODE: $n of 5 starts say they started: $(cat "$D"/start.*)"
	track "$PF"
	n=$(count_servers "$SRV")
	[ "$n" -eq 1 ] || fail "$MODE: 5 concurrent starts left $n servers: $(servers_of "$SRV" | tr '\n' ' ')"
	ok "$MODE: 5 concurrent starts -> 1 server"
	serves v1 now
	down
}

# Start with the port already taken: exit 1, the log tail, no pidfile,
# nothing left.  In the foreground the holder answers the connect, but
# --ready-port waits for a listener of the server's own, so the server's
# death on its bind error fails the start.  A test may add a minimum
# uptime (TAKEN_UPTIME) to check the two together.
sc_port_taken() {
	inst "taken-$1" "$1"
	hold_port "$PORT"
	set --
	[ "$MODE" != fg ] || [ -z "${TAKEN_UPTIME:-}" ] || set -- --min-uptime "$TAKEN_UPTIME"
	expect_rc 1 "$MODE: start, port taken $*" svc_start start "$@"
	# a server that detaches before it binds logs the error elsewhere
	[ -z "$(srv_bind_log)" ] || grep -q "Address already in use" "$(srv_bind_log)" ||
		fail "$MODE: $(srv_bind_log) lacks the bind error: $(cat "$T/out")"
	[ ! -e "$PF" ] || fail "$MODE: a failed start left $PF: $(cat "$PF")"
	none_left "$SRV" "$MODE: failed start"
	kill "$HOLDER"
	wait_gone "$HOLDER"
}

# Reload serves the new config, from the same main process.
sc_reload() {
	inst "reload-$1" "$1"
	shift
	[ -n "$(srv_reload)" ] || return 0
	up start
	pid=$(pid_of "$PF")
	# READY=1 must mean "ready for a reload" too
	[ "$MODE" != notify ] || catches "$pid" "$(srv_reload)" ||
		fail "$MODE: pid $pid is ready but ignores $(srv_reload)"
	# right after start: reload itself waits for the server to catch the
	# signal (haproxy -W ignores USR2 while its master re-executes itself)
	srv_setup v2
	expect_rc 0 "$MODE: reload -s $(srv_reload) $*" svc reload -s "$(srv_reload)" "$@"
	# a notify reload returns once the server says READY=1 again
	if [ "${1:-}" = --notify ]; then serves v2 now; else serves v2; fi
	[ "$(pid_of "$PF")" = "$pid" ] || fail "$MODE: reload changed pid $pid"
	alive "$pid" || fail "$MODE: reload killed pid $pid"
	ok "$MODE: reload serves the new config"
	down
}

# A bad config is refused by --check on reload and restart; the server
# keeps serving the old one; a good one then passes.
sc_check() {
	inst "check-$1" "$1"
	[ -n "$(srv_check)" ] && [ -n "$(srv_reload)" ] || return 0
	up start
	pid=$(pid_of "$PF")
	srv_setup v2
	break_conf "$(srv_config)"
	expect_rc 1 "$MODE: reload --check, bad config" svc reload -s "$(srv_reload)" --check "$(srv_check)"
	out_has "$(srv_config)"
	expect_rc 1 "$MODE: restart --check, bad config" svc_start restart --check "$(srv_check)"
	out_has "$(srv_config)"
	if [ "$(pid_of "$PF")" != "$pid" ] || dead "$pid"; then
		fail "$MODE: a refused reload lost pid $pid"
	fi
	serves v1 now
	srv_setup v2
	expect_rc 0 "$MODE: reload --check, good config" svc reload -s "$(srv_reload)" --check "$(srv_check)"
	serves v2
	down
}

# Every scenario in MODE (those that do not apply return at once).
sc_all() {
	sc_lifecycle "$1"
	sc_reload "$1"
	sc_check "$1"
	sc_concurrent "$1"
	sc_port_taken "$1"
	sc_kill9_stop "$1"
}

# real_bench MODES...: with REAL_BENCH=N, time N rounds of each mode
# instead of testing (bench.sh), then exit.
real_bench() {
	:
}
if [ -n "${REAL_BENCH:-}" ]; then
	. "$(dirname "$0")/bench.sh"
fi

# real_run MODES...: time them (REAL_BENCH) or run every scenario in each.
real_run() {
	real_bench "$@"
	for mode in "$@"; do sc_all "$mode"; done
}

# Defaults of the hooks; a test redefines what differs.
srv_opts() {
	ready_opts
}

srv_probe() {
	http_body "$PORT"
}

srv_reload() {
	:
}

srv_check() {
	:
}

# Where the server's bind error shows: in svcctl's output (the tail of -o)
# unless the server detaches before it binds.
srv_bind_log() {
	echo "$T/out"
}
