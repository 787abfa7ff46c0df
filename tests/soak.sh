#!/bin/sh
# Soak on demand (not in CI; a few minutes): the torture suite of
# tests/test_torture.c at scale.  PROCS workers cycle write_locked /
# critical section / release on one pidfile while holders are SIGKILLed at
# random; a racy shared counter and an owner slot catch any overlap, and
# the run fails on any violation, a lost cycle, a worker or the runner
# left with an open descriptor, a child left behind, or a file left in the
# directory.  Prints cycles, kills, violations, time and cycles/s.
# Usage: tests/soak.sh [--nfs] [--procs N] [CYCLES]
#   CYCLES in all (default 1000000; 100000 with --nfs, the NFS-safe mode).
# Builds the test runner in $SOAK_BUILD_DIR, else $BUILD_ROOT/default
# (build/default, as test.sh).
set -eu
src=$(cd "$(dirname "$0")/.." && pwd)
build=${SOAK_BUILD_DIR:-${BUILD_ROOT:-$src/build}/default}
mode=flock procs=8 cycles=""
while [ $# -gt 0 ]; do
	case $1 in
	--nfs) mode=nfs ;;
	--procs) procs=${2:?--procs needs a number} && shift ;;
	[0-9]*) cycles=$1 ;;
	*) echo "usage: $0 [--nfs] [--procs N] [CYCLES]" >&2 && exit 2 ;;
	esac
	shift
done
[ -n "$cycles" ] || { [ "$mode" = nfs ] && cycles=100000 || cycles=1000000; }
each=$(((cycles + procs - 1) / procs))

cmake -S "$src" -B "$build" -DCMAKE_BUILD_TYPE=RelWithDebInfo >/dev/null
cmake --build "$build" --target svcctl_tests -j2 >/dev/null
log=$(mktemp)
trap 'rm -f "$log"' EXIT
echo "soak $mode: $procs processes x $each cycles, $(date -u '+%Y-%m-%d %H:%M UTC')"
rc=0
SVCCTL_TORTURE_MODE=$mode SVCCTL_TORTURE_PROCS=$procs SVCCTL_TORTURE_CYCLES=$each \
	SVCCTL_TORTURE_NFS_CYCLES=$each "$build/tests/svcctl_tests" -s torture >"$log" 2>&1 ||
	rc=$?
if [ "$rc" -ne 0 ] || ! grep -q "torture $mode: $procs procs" "$log"; then
	cat "$log" >&2
	echo "soak $mode: FAILED" >&2
	exit 1
fi
sed -n "s/^ *torture $mode: /soak $mode: /p" "$log"
echo "soak $mode: passed (0 violations, no lost cycle, no file, fd or process left)"
