# Timings of the real servers under svcctl, sourced by scenarios.sh when
# REAL_BENCH=N: N start/reload/stop rounds per mode, medians printed as
#   bench: SERVER MODE start MS reload MS stop MS
# start: until svcctl start returns (the server is ready); reload: from
# svcctl reload (without --settle) until the new config is served; stop:
# until svcctl stop returns (the port is free).  Informative only.
# shellcheck shell=sh

# The median of the numbers in FILE, one a line ("-" when empty).
median() {
	sort -n "$1" | awk '{ v[NR] = $1 } END { print NR ? v[int((NR + 1) / 2)] : "-" }'
}

# Poll (2 ms apart, within the usual bound) until the instance serves BODY.
served_soon() {
	deadline=$(($(now_ms) + REAL_WAIT * 1000))
	until serving "$1"; do
		[ "$(now_ms)" -lt "$deadline" ] || fail "$MODE: not serving $1 in ${REAL_WAIT}s"
		sleep 0.002
	done
}

# One reload round: switch the config, signal, wait for the new body.
bench_reload() {
	body=v$(($2 % 2 + 1))
	srv_setup "$body"
	wait_for "$MODE: pid $1 catches $(srv_reload)" catches "$1" "$(srv_reload)"
	t0=$(now_ms)
	expect_rc 0 "$MODE: reload" svc reload -s "$(srv_reload)" --settle 0
	served_soon "$body"
	echo $(($(now_ms) - t0)) >>"$D/t.reload"
}

bench_mode() {
	inst "bench-$1" "$1"
	: >"$D/t.start"
	: >"$D/t.stop"
	: >"$D/t.reload"
	i=0
	while [ "$i" -lt "$REAL_BENCH" ]; do
		i=$((i + 1))
		timed expect_rc 0 "$MODE: start" svc_start start
		echo "$MS" >>"$D/t.start"
		track "$PF"
		[ -z "$(srv_reload)" ] || bench_reload "$(pid_of "$PF")" "$i"
		timed expect_rc 0 "$MODE: stop" svc stop
		echo "$MS" >>"$D/t.stop"
		srv_setup v1
	done >/dev/null
	echo "bench: ${SRV##*/} $MODE start $(median "$D/t.start") reload $(median "$D/t.reload")" \
		"stop $(median "$D/t.stop")"
}

real_bench() {
	for m in "$@"; do bench_mode "$m"; done
	exit 0
}
