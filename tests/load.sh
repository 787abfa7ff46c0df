#!/bin/sh
# The whole ctest suite N times (default 3) on a busy machine: beside
# stress-ng (2 CPU hogs, 2 sync() loops and a disk writer, in a temporary
# directory) and a parallel build of the project in a second build
# directory, cleaned and rebuilt in a loop.  Fails when any round fails or
# when the load did not last.  Everything it starts is stopped by its pid
# (the build loop by its own process group) on every exit.
# Usage: tests/load.sh [N]
# Uses the build directory of test.sh ($BUILD_ROOT/default, build/default),
# building it first if needed; round logs go to $BUILD_ROOT/load/.
set -eu
rounds=${1:-3}
case $rounds in
'' | *[!0-9]*) echo "usage: $0 [N]" >&2 && exit 2 ;;
esac
src=$(cd "$(dirname "$0")/.." && pwd)
root=${BUILD_ROOT:-$src/build}
case $root in /*) ;; *) root=$src/$root ;; esac
suite=$root/default
busy=$root/load-build
logs=$root/load
command -v stress-ng >/dev/null || { echo "load.sh: stress-ng is not installed" >&2 && exit 1; }

cmake -S "$src" -B "$suite" -DCMAKE_BUILD_TYPE=RelWithDebInfo -DSVCCTL_WERROR=ON >/dev/null
cmake --build "$suite" -j2 >/dev/null
cmake -S "$src" -B "$busy" -DCMAKE_BUILD_TYPE=RelWithDebInfo >/dev/null
mkdir -p "$logs"

tmp=$(mktemp -d)
stress=
builder=
# running PID: the process exists and is not a zombie.
running() {
	st=$(ps -o stat= -p "$1" 2>/dev/null) && [ "${st#Z}" = "$st" ]
}

# stop_pid PID [-]: TERM the process (or with "-", its process group) each
# second until it is gone (stress-ng still starting drops a TERM), KILL
# after 30 s, and reap it.  procps kill: a shell's built-in may refuse a
# process group.
stop_pid() {
	target=$1${2:+ -$1}
	i=0
	while running "$1" && [ $i -lt 300 ]; do
		# shellcheck disable=SC2086 # target is one or two ids
		[ $((i % 10)) -ne 0 ] || env kill -s TERM -- $target 2>/dev/null || true
		sleep 0.1
		i=$((i + 1))
	done
	# shellcheck disable=SC2086
	env kill -s KILL -- $target 2>/dev/null || true
	wait "$1" 2>/dev/null || true
}

stop_load() {
	[ -z "$stress" ] || stop_pid "$stress"
	[ -z "$builder" ] || stop_pid "$builder" -
	stress='' builder=''
	rm -rf "$tmp"
}
trap stop_load EXIT
trap 'exit 130' INT TERM

# the --timeout is a backstop only: the trap stops it
stress-ng --cpu 2 --io 2 --hdd 1 --hdd-bytes 16m --temp-path "$tmp" \
	--timeout "$(((rounds + 1) * 3600))s" >"$logs/stress-ng.log" 2>&1 &
stress=$!
# setsid: the loop and its compilers form a group of their own, stopped as one
# shellcheck disable=SC2016 # $1 is the inner shell's
setsid sh -c 'while :; do cmake --build "$1" --target clean >/dev/null 2>&1
	cmake --build "$1" -j2 >/dev/null 2>&1; done' build-loop "$busy" &
builder=$!

failed=0 round=1
while [ "$round" -le "$rounds" ]; do
	log=$logs/round-$round.log
	t0=$(date +%s)
	if (cd "$suite" && ctest --output-on-failure) >"$log" 2>&1; then
		result=passed
	else
		result=FAILED
		failed=$((failed + 1))
		cat "$log" >&2
	fi
	summary=$(grep -E "tests passed" "$log" || echo "no ctest summary")
	echo "load round $round/$rounds: $result, $summary, $(($(date +%s) - t0)) s (log: $log)"
	round=$((round + 1))
done
lasted=yes
if ! kill -0 "$stress" 2>/dev/null || ! kill -0 "$builder" 2>/dev/null; then
	echo "load.sh: the load did not last (stress-ng or the build loop ended early)" >&2
	cat "$logs/stress-ng.log" >&2
	lasted=no
fi
echo "load: $((rounds - failed)) of $rounds rounds passed beside stress-ng and a parallel build"
[ "$failed" -eq 0 ] && [ "$lasted" = yes ]
