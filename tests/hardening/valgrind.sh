#!/bin/sh
# Run the CUnit suites of a built tree (the ctest tests lib.*, with the
# commands ctest would run) under valgrind memcheck, leak check full, and
# fail on any report: an error in the test process or in any of its forked
# children (they run under valgrind too), or a failing suite.  A suite that
# exits 77 (skipped, e.g. without privileges) counts as skipped.
# Usage: tests/hardening/valgrind.sh BUILD_DIR [SUITE...]
set -eu
[ $# -ge 1 ] || {
	echo "usage: $0 BUILD_DIR [SUITE...]" >&2
	exit 2
}
build=$(cd "$1" && pwd)
shift
command -v valgrind >/dev/null || {
	echo "$0: valgrind is not installed (apt-get install valgrind)" >&2
	exit 2
}
regex='^lib\.'
[ $# -eq 0 ] || regex="^lib\\.($(echo "$*" | tr ' ' '|'))\$"
export SVCCTL_TORTURE_CYCLES="${SVCCTL_TORTURE_CYCLES:-200}"
logs=$(mktemp -d)
trap 'rm -rf "$logs"' EXIT
# "N: Test command: /path/prog "-s" "name"" then "  Test #N: lib.name"
ctest --test-dir "$build" -N -V -R "$regex" |
	sed -n -e 's/^[0-9]*: Test command: //p' -e 's/^ *Test *#[0-9]*: //p' | tr -d '"' \
	>"$logs/tests"
[ -s "$logs/tests" ] || {
	echo "$0: no test matches $regex in $build" >&2
	exit 2
}

# Run one suite under valgrind: name, then its command; prints a verdict.
run_one() {
	name=$1
	shift
	vg=$logs/$name.vg
	start=$(date +%s)
	rc=0
	(cd "$build/tests" && valgrind -q --leak-check=full --show-leak-kinds=definite,possible \
		--errors-for-leak-kinds=definite,possible --error-exitcode=99 \
		--log-file="$vg.%p" "$@") >"$logs/$name.log" 2>&1 || rc=$?
	# with -q, anything valgrind wrote, from any process, is a report
	reports=$(cat "$vg".* 2>/dev/null | grep -c '^==[0-9]*==' || true)
	took=$(($(date +%s) - start))
	if [ "$rc" -eq 77 ] && [ "$reports" -eq 0 ]; then
		echo "valgrind $name: skipped (${took}s)"
		skipped=$((skipped + 1))
	elif [ "$rc" -eq 0 ] && [ "$reports" -eq 0 ]; then
		echo "valgrind $name: clean (${took}s)"
		passed=$((passed + 1))
	else
		echo "valgrind $name: FAILED (exit $rc, $reports report lines, ${took}s)"
		grep -E '^ +[0-9]+\. .*:[0-9]+ ' "$logs/$name.log" | head -n 20 || true
		cat "$vg".* 2>/dev/null | head -n 60
		failed=$((failed + 1))
	fi
}

passed=0 failed=0 skipped=0
while read -r cmd && read -r name; do
	# shellcheck disable=SC2086
	run_one "$name" $cmd
done <"$logs/tests"
echo "valgrind: $passed passed, $failed failed, $skipped skipped"
[ "$failed" -eq 0 ]
