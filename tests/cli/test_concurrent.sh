#!/bin/sh
# 20 concurrent starts on one pidfile start exactly one server.
set -eu
. "$(dirname "$0")/lib.sh"
P=$T/one.pid

i=0
pids=
while [ $i -lt 20 ]; do
	"$SVCCTL" start -p "$P" -- "$SERVER" -m "$T" >>"$T/starts" 2>&1 &
	pids="$pids $!"
	i=$((i + 1))
done
rcs=0
for job in $pids; do
	wait "$job" || rcs=$((rcs + 1))
done
n=$(grep -c "started pid" "$T/starts" || true)
[ "$n" -eq 1 ] || fail "$n of 20 starts say they started a server: $(cat "$T/starts")"
[ "$rcs" -eq 0 ] || fail "$rcs of 20 concurrent starts failed"
n=$(grep -l "$T" /proc/[0-9]*/cmdline 2>/dev/null | while read -r f; do
	pid=${f#/proc/}
	pid=${pid%/cmdline}
	[ "$(readlink "/proc/$pid/exe" 2>/dev/null)" = "$(readlink -f "$SERVER")" ] && echo "$pid"
done | wc -l)
[ "$n" -eq 1 ] || fail "20 concurrent starts left $n servers running"
ok "20 concurrent starts -> $n server"
expect_rc 0 "$SVCCTL" status -p "$P"
expect_rc 0 "$SVCCTL" stop -p "$P"
finish
