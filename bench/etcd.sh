# etcd mode against `etcdctl lock`, side by side in one run on one real
# etcd started on 127.0.0.1 (tests/etcd/etcd.sh): a whole uncontended lock
# cycle, acquire, release, handoff (the holder's COMMAND exits -> the
# waiter's COMMAND runs), failover after SIGKILL of the holder, and
# overlaps under contention.  Sourced by bench/run.sh, which sets SVCCTL,
# PROC, STAMP, the round counts and $shm; bench_etcd runs it all.
# shellcheck shell=sh disable=SC2154,SC2016,SC2153

# Lease TTL of both sides in the failover case, seconds.
ETCD_TTL=1

# lock_cmd SIDE KEY [-w]: the command line that holds KEY while the rest runs.
lock_cmd() {
	if [ "$1" = svcctl ]; then
		echo "$SVCCTL run -q -p $ETCD_URL/$2 --stale-age ${ETCD_TTL}s ${3:+-w 30s} --"
	else
		echo "etcdctl --endpoints=$ETCD_EPS lock --ttl=$ETCD_TTL $2 --"
	fi
}

# stamp FILE: the CLOCK_MONOTONIC time in microseconds into FILE.
stamp() {
	"$STAMP" "$1"
}

# us FILE: the microseconds a stamp file holds, as an integer.
us() {
	cut -d. -f1 "$1"
}

# One handoff round of SIDE on KEY: microseconds from the holder's COMMAND
# exiting to the waiter's COMMAND running, appended to $d/SIDE.handoff.
handoff_round() {
	side=$1 key=$2
	rm -f "$d/t0" "$d/t1" "$d/go"
	mkfifo "$d/go"
	# shellcheck disable=SC2046
	$(lock_cmd "$side" "$key") sh -c 'read -r _ <"$1"; exec "$2" "$3"' sh "$d/go" "$STAMP" \
		"$d/t0" &
	holder=$!
	until_ok 10000 keys_under "$key" 1 || return 1
	base=$(watchers)
	# shellcheck disable=SC2046
	$(lock_cmd "$side" "$key" -w) "$STAMP" "$d/t1" &
	waiter=$!
	until_ok 10000 watchers_above "$base" || return 1
	echo go >"$d/go"
	wait "$holder" "$waiter" || return 1
	echo $(($(us "$d/t1") - $(us "$d/t0"))) >>"$d/$side.handoff"
}

# One failover round of SIDE on KEY: SIGKILL the holder (its COMMAND is a
# long sleep) and time until the waiter's COMMAND runs; an overlap is
# counted when the old holder's COMMAND still lives at that moment (a
# zombie is dead: where init reaps slowly, kill -0 would still find it).
failover_round() {
	side=$1 key=$2
	rm -f "$d/t0" "$d/t1" "$d/child"
	# shellcheck disable=SC2046
	$(lock_cmd "$side" "$key") sh -c 'echo $$ >"$1"; exec sleep 60' sh "$d/child" &
	holder=$!
	until_ok 10000 keys_under "$key" 1 || return 1
	until_ok 10000 test -s "$d/child" || return 1
	base=$(watchers)
	# shellcheck disable=SC2046
	$(lock_cmd "$side" "$key" -w) sh -c '"$1" "$2"
		s=$(sed "s/.*) //" "/proc/$(cat "$3")/stat" 2>/dev/null | cut -d" " -f1)
		case $s in "" | Z | X) ;; *) echo "$4" >>"$5" ;; esac' \
		sh "$STAMP" "$d/t1" "$d/child" "$side" "$d/overlaps" &
	waiter=$!
	until_ok 10000 watchers_above "$base" || return 1
	stamp "$d/t0"
	kill -KILL "$holder"
	wait "$waiter" || return 1
	wait "$holder" 2>/dev/null || true
	# etcdctl's COMMAND outlives a killed etcdctl: stop it by its pid
	kill -KILL "$(cat "$d/child")" 2>/dev/null || true
	echo $(($(us "$d/t1") - $(us "$d/t0"))) >>"$d/$side.failover"
}

# Contention: W workers x C cycles of one critical section per side; a
# section entered while another is inside is an overlap.
contention() {
	side=$1 w=$2 c=$3
	rm -rf "$d/in" "$d/counter"
	echo 0 >"$d/counter"
	cs='mkdir "$1/in" 2>/dev/null || echo "$2" >>"$1/overlaps"
		n=$(cat "$1/counter"); echo $((n + 1)) >"$1/counter"; rmdir "$1/in" 2>/dev/null || true'
	i=0 pids=""
	while [ $i -lt "$w" ]; do
		(
			j=0
			while [ $j -lt "$c" ]; do
				# shellcheck disable=SC2046
				$(lock_cmd "$side" "$side-cont" -w) sh -c "$cs" sh "$d" "$side" || exit 1
				j=$((j + 1))
			done
		) &
		pids="$pids $!"
		i=$((i + 1))
	done
	# shellcheck disable=SC2086
	wait $pids || return 1
	echo "  $side: $w workers x $c cycles, counter $(cat "$d/counter") (expected $((w * c)))"
}

# median FILE: the median of the integers in FILE, one a line.
median() {
	sort -n "$1" | awk '{ v[NR] = $1 } END { print NR % 2 ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2 }'
}

# report TITLE CASE TARGET: medians, min, max of both sides in ms and the
# ratio of medians; TARGET "ratio R" (svcctl/etcdctl <= R), "max MS", or
# "report" (no target).
report() {
	echo
	echo "== etcd $1 (ms)"
	for side in svcctl etcdctl; do
		sort -n "$d/$side.$2" | awk -v s="$side" '{ v[NR] = $1 } END {
			m = NR % 2 ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2
			printf "  %-8s n=%d median %.2f min %.2f max %.2f\n", s, NR, m / 1e3, v[1] / 1e3, v[NR] / 1e3 }'
	done
	awk -v a="$(median "$d/svcctl.$2")" -v b="$(median "$d/etcdctl.$2")" -v t="$3" 'BEGIN {
		printf "  ratio of medians svcctl / etcdctl lock: %.3gx\n", a / b
		split(t, w, " ")
		if (w[1] == "ratio") printf "  target <= %sx: %s\n", w[2], a / b <= w[2] ? "met" : "MISSED"
		if (w[1] == "max") printf "  target svcctl <= %s ms: %s\n", w[2], a / 1e3 <= w[2] ? "met" : "MISSED" }'
}

# acquire and release of one uncontended cycle, from stamps around a
# COMMAND that stamps: acquire = start -> COMMAND, release = COMMAND -> exit.
cycle_round() {
	side=$1
	stamp "$d/a0"
	# shellcheck disable=SC2046
	$(lock_cmd "$side" "$side-cycle") "$STAMP" "$d/a1" || return 1
	stamp "$d/a2"
	echo $(($(us "$d/a1") - $(us "$d/a0"))) >>"$d/$side.acquire"
	echo $(($(us "$d/a2") - $(us "$d/a1"))) >>"$d/$side.release"
}

# Run every case; rounds from NETCD (handoff, cycle), NFAIL (failover) and
# CONT ("workers cycles").
bench_etcd_cases() {
	r=0
	while [ $r -lt "$NETCD" ]; do
		for side in svcctl etcdctl; do
			cycle_round "$side" || return 1
			handoff_round "$side" "$side-handoff" || return 1
		done
		r=$((r + 1))
	done
	r=0
	while [ $r -lt "$NFAIL" ]; do
		for side in svcctl etcdctl; do
			failover_round "$side" "$side-failover-$r" || return 1
		done
		r=$((r + 1))
	done
	report "acquire (process start to COMMAND running, uncontended)" acquire "report"
	report "release (COMMAND exit to the locker's exit)" release "report"
	report "handoff (holder's COMMAND exits -> waiter's COMMAND runs)" handoff "ratio 1.0"
	report "failover after SIGKILL of the holder, TTL ${ETCD_TTL}s" failover \
		"max $((ETCD_TTL * 1000 + 500))"
	echo
	echo "== etcd overlaps (two COMMANDs inside at once)"
	: >>"$d/overlaps"
	# shellcheck disable=SC2086
	contention svcctl $CONT && contention etcdctl $CONT || return 1
	for side in svcctl etcdctl; do
		echo "  $side: $(grep -c "^$side\$" "$d/overlaps") overlaps (failover and contention)"
	done
	echo "  target svcctl 0: $(grep -q '^svcctl$' "$d/overlaps" && echo MISSED || echo met)"
}

# The etcd benchmarks, when etcd and etcdctl are installed.
bench_etcd() {
	if ! command -v etcd >/dev/null || ! command -v etcdctl >/dev/null; then
		echo
		echo "== etcd: skipped (etcd-server and etcd-client not installed)"
		return 0
	fi
	T=$(mktemp -d "$shm/etcd.XXXXXX")
	d=$T/work
	mkdir "$d"
	# shellcheck source=../tests/ports.sh
	. "$top/tests/ports.sh"
	# shellcheck source=../tests/etcd/etcd.sh
	. "$top/tests/etcd/etcd.sh"
	etcd_start || return 1
	echo
	echo "etcd $(etcd --version | sed -n 's/^etcd Version: //p') on $ETCD_EPS (heartbeat 50 ms, election 500 ms)"
	rc=0
	bench_etcd_cases || rc=1
	etcd_stop_all TERM
	rm -rf "$T"
	[ $rc -eq 0 ] || echo "bench: an etcd case failed" >&2
	return $rc
}
