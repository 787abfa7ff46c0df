#!/bin/sh
# Build the libFuzzer targets with clang in their own build directory and
# run each for a bounded time; fail on any finding.  Prints executions per
# second and total executions per target, and a closing summary line.
# Usage: tests/hardening/fuzz.sh [SECONDS_IN_TOTAL] (default 60)
set -eu
total=${1:-60}
src=$(cd "$(dirname "$0")/../.." && pwd)
here=$src/tests/hardening/fuzz
build=${FUZZ_BUILD_DIR:-${BUILD_ROOT:-$src/build}/fuzz}
targets="pidfile args notify etcdurl"
# the JSON readers exist only in a build with etcd mode
pkg-config --exists libcurl json-c 2>/dev/null && targets="$targets etcdjson"
# shellcheck disable=SC2086 # a list of words
set -- $targets
each=$((total / $#))
[ "$each" -ge 1 ] || each=1

CC=clang cmake -S "$src" -B "$build" -DCMAKE_BUILD_TYPE=RelWithDebInfo -DSVCCTL_FUZZ=ON \
	>/dev/null
for t in $targets; do
	cmake --build "$build" --target "fuzz_$t" -j"$(nproc)" >/dev/null
done

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
passed=0 failed=0
for t in $targets; do
	mkdir -p "$work/$t.corpus" "$work/$t.crash"
	# new inputs go to the scratch corpus; the tree's seeds are read only
	if "$build/tests/hardening/fuzz/fuzz_$t" -max_total_time="$each" -max_len=8192 \
		-timeout=10 -print_final_stats=1 -artifact_prefix="$work/$t.crash/" \
		"$work/$t.corpus" "$here/corpus/$t" >"$work/$t.log" 2>&1; then
		passed=$((passed + 1))
		result=ok
	else
		failed=$((failed + 1))
		result=FINDING
		tail -n 40 "$work/$t.log" >&2
		mkdir -p "$build/findings"
		cp "$work/$t.crash/"* "$build/findings/" 2>/dev/null || true
	fi
	runs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$work/$t.log")
	rate=$(sed -n 's/^stat::average_exec_per_sec: *//p' "$work/$t.log")
	cov=$(grep -o 'cov: [0-9]*' "$work/$t.log" | tail -n 1)
	printf 'fuzz %-8s %s: %s executions in %ss, %s exec/s, %s\n' "$t" "$result" \
		"${runs:-?}" "$each" "${rate:-?}" "${cov:-cov: ?}"
done
[ "$failed" -eq 0 ] || echo "findings kept in $build/findings" >&2
echo "fuzz: $passed passed, $failed failed"
[ "$failed" -eq 0 ]
