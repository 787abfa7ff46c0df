# The benchmarks of bench/run.sh, one function each; sourced by it, which
# sets SVCCTL SERVER PROC LIB STAMP JUDGE RUNFLOOR STOPFLOOR SSD TRUE, the round counts and the
# scratch directories $shm (tmpfs) and $disk.
# shellcheck shell=sh disable=SC2154

# A live server with a pidfile and a dead pidfile, made once.
status_fixtures() {
	[ -f "$shm/live.pid" ] && return 0
	"$SVCCTL" start -q -p "$shm/live.pid" -- "$SERVER"
	mkdir -p "$shm/dead"
	"$LIB" mkfiles "$shm/dead" 1 dead
}

# status latency, start to exit, vs start-stop-daemon --status and /bin/true,
# and vs its floor: a program making only the system calls of the judgement.
bench_status() {
	status_fixtures
	for state in live dead; do
		if [ $state = live ]; then
			p=$shm/live.pid code=0
		else
			p=$shm/dead/s0000000.pid code=1
		fi
		"$PROC" -n "$N" -w "$W" -T "status latency, $state pidfile" -r 1:1.0 -r 2:1.1 \
			-r 3:1.1 \
			"svcctl status" expect=$code -- "$SVCCTL" status -p "$p" ::: \
			"start-stop-daemon --status" expect=$code -- "$SSD" --status --pidfile "$p" ::: \
			"/bin/true" -- "$TRUE" ::: \
			"floor: the judgement's syscalls" expect=$code -- "$JUDGE" "$p"
	done
}

# Instructions retired by one command under callgrind (deterministic).
instructions() {
	out=$shm/callgrind.out
	valgrind --tool=callgrind --callgrind-out-file="$out" "$@" 2>&1 >/dev/null |
		sed -n 's/.*Collected : *//p'
	rm -f "$out"
}

# status under callgrind: instructions of svcctl vs start-stop-daemon and /bin/true.
bench_callgrind() {
	status_fixtures
	echo
	echo "== status, instructions retired (valgrind --tool=callgrind)"
	for p in "$shm/live.pid" "$shm/dead/s0000000.pid"; do
		ours=$(instructions "$SVCCTL" status -p "$p")
		peer=$(instructions "$SSD" --status --pidfile "$p")
		floor=$(instructions "$TRUE")
		if [ -z "$ours" ] || [ -z "$peer" ] || [ -z "$floor" ]; then
			echo "bench: callgrind gave no count" >&2
			return 1
		fi
		awk -v f="${p##*/}" -v a="$ours" -v b="$peer" -v c="$floor" 'BEGIN {
			printf "  %-14s svcctl %d, start-stop-daemon %d, /bin/true %d\n", f, a, b, c
			printf "  ratio svcctl / start-stop-daemon: %.3gx, / true: %.3gx\n", a / b, a / c
			printf "  target <= start-stop-daemon: %s\n", a <= b ? "met" : "MISSED" }'
	done
}

# Time svcctl stop against start-stop-daemon --stop with one schedule on
# servers started with the given options, and with FLOOR=1 against the
# floor of a stop (bench/stopfloor.c: TERM, wait, the session scan, unlink):
# stop TITLE SCHEDULE ROUNDS TARGETS FLOOR SERVER-ARGS...
stop_case() {
	title=$1 sched=$2 rounds=$3 targets=$4 floor=$5
	shift 5
	p=$shm/stop.pid
	# --notify: the server has set up its signals (-T ignores TERM) before a stop
	start="$SVCCTL start -q --notify -p $p -- $SERVER $*"
	set -- "svcctl stop" setup="$start" teardown="$p" -- \
		"$SVCCTL" stop -q -p "$p" --retry "$sched" ::: \
		"start-stop-daemon --stop" setup="$start" teardown="$p" -- \
		"$SSD" --stop --quiet --retry "$sched" --remove-pidfile --pidfile "$p"
	if [ "$floor" -eq 1 ]; then
		set -- "$@" ::: "floor: TERM, wait, session scan" setup="$start" teardown="$p" -- \
			"$STOPFLOOR" "$p"
	fi
	# shellcheck disable=SC2086 # the targets are separate options
	"$PROC" -n "$rounds" -w "$((rounds >= 100 ? W : 0))" -T "$title" $targets "$@"
}

# stop latency for a server that exits at once on TERM.
bench_stop() {
	stop_case "stop latency, server exits on TERM" TERM/5/KILL/5 "$N" "-r1:0.1 -r2:1.1" 1
}

# stop escalation: the server ignores TERM; TERM for 1 s, then KILL.
bench_escalation() {
	stop_case "stop escalation, TERM ignored, TERM/1/KILL/5" TERM/1/KILL/5 "$NSLOW" \
		"-R1000000:1050000" 0 -T
}

# start latency until the server has exec'd and the pidfile names it.
bench_start() {
	p=$shm/start.pid
	"$PROC" -n "$N" -w "$W" -T "start latency, until the pidfile names the exec'd server" \
		-r 1:1.0 \
		"svcctl start" until="$p:$SERVER" teardown="$p" -- \
		"$SVCCTL" start -q -p "$p" -- "$SERVER" ::: \
		"start-stop-daemon --start --background" until="$p:$SERVER" teardown="$p" -- \
		"$SSD" --start --quiet --background --make-pidfile --pidfile "$p" --exec "$SERVER" ::: \
		"fork+exec+exit of the server" -- "$SERVER" -e 0
}

# The type of the filesystem holding a directory.
fstype() {
	df --output=fstype "$1" | tail -n 1
}

# library cycle on tmpfs and on disk; side 4 is its system calls, bare.
bench_library() {
	"$LIB" cycle -n "$NLIB" -w "$WLIB" -T "library cycle, tmpfs" -r 1:1.0 -r 2:1.5 -r 4:1.1 \
		"$shm"
	"$LIB" cycle -n "$NLIB" -w "$WLIB" \
		-T "library cycle, $(fstype "$disk") (the build tree's disk)" \
		-r 1:0.3 -r 2:1.5 -r 4:1.1 "$disk"
}

# handoff latency: in the library, then between command-line tools.
bench_handoff() {
	"$LIB" handoff -n "$N" -w "$W" -r 4:1.1 \
		-T "handoff latency in the library (holder releases -> waiter owns)" "$shm"
	"$LIB" handoff-cli -n "$N" -w "$W" -T "handoff latency to a waiting command" -r 1:1.0 \
		-r 2:1.1 "$shm" "$SVCCTL" "$STAMP" run,flock,floor "$RUNFLOOR"
	"$LIB" handoff-cli -n "$NSLOW" -w 0 -T "handoff latency to tools that sleep between tries" \
		"$shm" "$SVCCTL" "$STAMP" run,dotlockfile,lockfile-create
}

# contention: 8 processes, one pidfile, a shared counter.
bench_contention() {
	"$LIB" contend -n "$NCONT" -w 1 -T "contention, 8 processes x $CYCLES cycles" -r 1:1.0 \
		"$shm" 8 "$CYCLES"
}

# scale: list and cleanup over many pidfiles (cost per pidfile).
bench_scale() {
	for n in $SIZES; do
		rounds=$((n >= 100000 ? 1 : n >= 10000 ? 3 : 10))
		[ "$quick" -eq 1 ] && rounds=2
		d=$shm/scale-$n
		mkdir -p "$d"
		"$LIB" mkfiles "$d" "$n" live
		"$PROC" -n "$rounds" -w 1 -N "$n" -T "scale: svcctl list, $n live pidfiles" \
			"svcctl list" -- "$SVCCTL" list -d "$d"
		rm -rf "$d"
		mkdir -p "$d"
		"$PROC" -n "$rounds" -w 1 -N "$n" -T "scale: svcctl cleanup, $n stale pidfiles" \
			"svcctl cleanup" setup="$LIB mkfiles $d $n dead" -- \
			"$SVCCTL" cleanup -q -d "$d"
		rm -rf "$d"
	done
}
