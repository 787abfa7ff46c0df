#!/bin/sh
# filecycles.sh's failure path: two objects that call each other, built
# here, must fail it (exit 1) with both files named; one calling the other
# only must pass.
# Usage: test_filecycles.sh FILECYCLES_SH CC
set -eu
script=$1
cc=$2
T=$(mktemp -d)
trap 'rm -rf "$T"' EXIT INT TERM

printf 'int pong(int n);\nint ping(int n) { return n > 0 ? pong(n - 1) : 0; }\n' >"$T/ping.c"
printf 'int ping(int n);\nint pong(int n) { return n > 0 ? ping(n - 1) : 1; }\n' >"$T/pong.c"
printf 'int ping(int n);\nint lone(void) { return ping(3); }\n' >"$T/lone.c"
for f in ping pong lone; do
	"$cc" -c "$T/$f.c" -o "$T/$f.c.o"
done

set +e
sh "$script" -e "ping.c pong.c pong" "$T/ping.c.o" "$T/pong.c.o" >"$T/out" 2>"$T/err"
rc=$?
set -e
if [ "$rc" -ne 1 ]; then
	echo "FAIL: a cycle ping.c <-> pong.c: exit $rc, expected 1" >&2
	exit 1
fi
for want in "ping.c -> pong.c (pong)" "pong.c -> ping.c (ping)"; do
	grep -qF "$want" "$T/err" || {
		echo "FAIL: the cycle's report lacks \"$want\": $(cat "$T/err")" >&2
		exit 1
	}
done
echo "ok: a cycle of two objects fails, both named"

# without a cycle it passes; an edge that is missing fails
sh "$script" -e "lone.c ping.c ping" "$T/lone.c.o" "$T/ping.c.o" >"$T/out" 2>"$T/err" || {
	echo "FAIL: no cycle, yet it failed: $(cat "$T/err")" >&2
	exit 1
}
if sh "$script" -e "lone.c pong.c pong" "$T/lone.c.o" "$T/ping.c.o" >"$T/out" 2>&1; then
	echo "FAIL: an expected edge that is missing passed" >&2
	exit 1
fi
echo "ok: no cycle passes; a missing expected edge fails"
