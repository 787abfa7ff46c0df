#!/bin/sh
# Start, reload and stop times of the real servers (nginx, redis, memcached,
# lighttpd, haproxy) under svcctl, in every mode tests/real drives them:
# the median of N rounds each, as a Markdown table.  Informative: a real
# server's own start-up dominates, so these are not svcctl's speed.
#
# usage: bench/real.sh [SVCCTL [N]]   (default build/svcctl/svcctl, N=7)
set -eu
top=$(cd "$(dirname "$0")/.." && pwd)
svcctl=${1:-$top/build/svcctl/svcctl}
rounds=${2:-7}
[ -x "$svcctl" ] || {
	echo "bench/real.sh: $svcctl: not built (cmake --build build)" >&2
	exit 2
}
out=$(mktemp /tmp/svcctl-bench-real.XXXXXX)
trap 'rm -f "$out"' EXIT
echo "| server | mode | start (ms) | reload until served (ms) | stop (ms) |"
echo "| --- | --- | --- | --- | --- |"
for server in nginx redis memcached lighttpd haproxy; do
	rc=0
	REAL_BENCH=$rounds sh "$top/tests/real/test_$server.sh" "$svcctl" >"$out" 2>&1 || rc=$?
	if [ "$rc" -eq 77 ]; then
		echo "| $server | not installed | | | |"
	elif [ "$rc" -ne 0 ]; then
		cat "$out" >&2
		exit 1
	fi
	sed -n 's/^bench: \([^ ]*\) \([^ ]*\) start \([^ ]*\) reload \([^ ]*\) stop \([^ ]*\)$/| \1 | \2 | \3 | \4 | \5 |/p' \
		"$out"
done
