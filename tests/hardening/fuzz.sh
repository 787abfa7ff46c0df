#!/bin/sh
# Build the libFuzzer targets with clang in their own build directory and
# run each one; fail on any finding.  Prints executions, executions per
# second and libFuzzer's final coverage (cov, ft) per target, and a closing
# summary line.
# Usage: tests/hardening/fuzz.sh [SECONDS_IN_TOTAL]   (default 60; CI)
#        tests/hardening/fuzz.sh --long [RUNS]        (default 10000000)
# --long runs each target for RUNS executions, then merges the inputs that
# reach new coverage into the tree's corpus (corpus/TARGET/, the set that
# ctest replays as fuzz.replay.TARGET): libFuzzer's -merge=1 keeps the
# seeds already there and adds only inputs with features they lack, so the
# corpus stays minimal.  Review and commit the new files.
set -eu
src=$(cd "$(dirname "$0")/../.." && pwd)
here=$src/tests/hardening/fuzz
build=${FUZZ_BUILD_DIR:-${BUILD_ROOT:-$src/build}/fuzz}
targets="pidfile args notify etcdurl"
# the JSON readers exist only in a build with etcd mode
pkg-config --exists libcurl json-c 2>/dev/null && targets="$targets etcdjson"
ntargets=$(echo "$targets" | wc -w)
if [ "${1:-}" = --long ]; then
	runs=${2:-10000000}
	limit="-runs=$runs"
	span="$runs runs"
else
	each=$((${1:-60} / ntargets))
	[ "$each" -ge 1 ] || each=1
	limit="-max_total_time=$each"
	span="${each}s"
fi

CC=clang cmake -S "$src" -B "$build" -DCMAKE_BUILD_TYPE=RelWithDebInfo -DSVCCTL_FUZZ=ON \
	>/dev/null
for t in $targets; do
	cmake --build "$build" --target "fuzz_$t" -j2 >/dev/null
done

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
passed=0 failed=0
for t in $targets; do
	bin=$build/tests/hardening/fuzz/fuzz_$t
	mkdir -p "$work/$t.corpus" "$work/$t.crash"
	# new inputs go to the scratch corpus; the tree's seeds are read only
	if "$bin" "$limit" -max_len=8192 -timeout=10 -print_final_stats=1 \
		-artifact_prefix="$work/$t.crash/" "$work/$t.corpus" "$here/corpus/$t" \
		>"$work/$t.log" 2>&1; then
		passed=$((passed + 1))
		result=ok
	else
		failed=$((failed + 1))
		result=FINDING
		tail -n 40 "$work/$t.log" >&2
		mkdir -p "$build/findings"
		cp "$work/$t.crash/"* "$build/findings/" 2>/dev/null || true
	fi
	execs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$work/$t.log")
	rate=$(sed -n 's/^stat::average_exec_per_sec: *//p' "$work/$t.log")
	# libFuzzer's last status line ("#N DONE cov: C ft: F corp: ...")
	cov=$(grep -o 'cov: [0-9]* ft: [0-9]*' "$work/$t.log" | tail -n 1)
	printf 'fuzz %-8s %s: %s executions (%s), %s exec/s, %s\n' "$t" "$result" \
		"${execs:-?}" "$span" "${rate:-?}" "${cov:-cov: ?}"
	if [ "$result" = ok ] && [ -n "${runs:-}" ]; then
		before=$(find "$here/corpus/$t" -type f | wc -l)
		"$bin" -merge=1 -max_len=8192 "$here/corpus/$t" "$work/$t.corpus" \
			>"$work/$t.merge" 2>&1 || { tail -n 20 "$work/$t.merge" >&2 && exit 1; }
		after=$(find "$here/corpus/$t" -type f | wc -l)
		echo "fuzz $t: corpus/$t has $after inputs ($((after - before)) added)"
	fi
done
[ "$failed" -eq 0 ] || echo "findings kept in $build/findings" >&2
echo "fuzz: $passed passed, $failed failed"
[ "$failed" -eq 0 ]
