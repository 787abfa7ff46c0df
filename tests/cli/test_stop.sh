#!/bin/sh
# stop: schedules, escalation TERM->KILL on time, stale files, --test, --group.
# Servers start with --notify so their signal handlers are in place first.
# Durations are checked against bounds set halfway between the right
# behaviour and the nearest wrong one, so that a loaded machine (which only
# makes things slower) has a wide margin and a broken schedule still fails.
set -eu
. "$(dirname "$0")/lib.sh"
P=$T/s.pid

# a server that ignores TERM: TERM/1/KILL/2 takes about 1 s, not 3 (KILL's
# period waited out too)
expect_rc 0 "$SVCCTL" start -p "$P" --notify -- "$SERVER" -T -m "$T"
pid=$(head -1 "$P")
t0=$(now_ms)
expect_rc 0 "$SVCCTL" stop -p "$P" --retry TERM/1/KILL/2
dt=$(($(now_ms) - t0))
grep -q "sent KILL" "$T/err" || fail "no escalation to KILL: $(cat "$T/err")"
! alive "$pid" || fail "server $pid survived KILL"
if [ "$dt" -lt 950 ] || [ "$dt" -ge 2500 ]; then
	fail "TERM/1/KILL/2 took ${dt}ms, expected about 1000"
else
	ok "TERM->KILL escalation took ${dt}ms for a 1000ms schedule"
fi
# -t N means TERM/N/KILL/N; -s picks the first signal
expect_rc 0 "$SVCCTL" start -p "$P" --notify -- "$SERVER" -T -m "$T"
t0=$(now_ms)
expect_rc 0 "$SVCCTL" stop -p "$P" -t 500ms
dt=$(($(now_ms) - t0))
# about 1 s (TERM then KILL periods); 500 s for a misread unit
[ "$dt" -ge 450 ] && [ "$dt" -lt 5000 ] || fail "-t 500ms took ${dt}ms"
expect_rc 0 "$SVCCTL" start -p "$P" --notify -- "$SERVER" -T -m "$T"
expect_rc 0 "$SVCCTL" stop -p "$P" -s INT
grep -q "sent INT" "$T/err" || fail "-s INT not used"
# a server that exits quickly on TERM: stop returns at once, woken by the
# death, not at the end of TERM's 10 s period
expect_rc 0 "$SVCCTL" start -p "$P" --notify -- "$SERVER" -m "$T"
t0=$(now_ms)
expect_rc 0 "$SVCCTL" stop -p "$P"
dt=$(($(now_ms) - t0))
[ "$dt" -lt 1000 ] || fail "stop of a cooperative server took ${dt}ms"
ok "stop latency ${dt}ms"
# a server delaying its exit by 700ms is waited for, without KILL, and no
# longer than it takes (not TERM's whole 5 s)
expect_rc 0 "$SVCCTL" start -p "$P" --notify -- "$SERVER" -x 700ms -m "$T"
t0=$(now_ms)
expect_rc 0 "$SVCCTL" stop -p "$P" --retry TERM/5
dt=$(($(now_ms) - t0))
[ "$dt" -ge 650 ] && [ "$dt" -lt 3000 ] || fail "delayed exit waited ${dt}ms"
! grep -q "sent KILL" "$T/err" || fail "KILL sent to a server within its schedule"
# still alive after the whole schedule: exit 1, pidfile kept
expect_rc 0 "$SVCCTL" start -p "$P" --notify -- "$SERVER" -T -m "$T"
pid=$(head -1 "$P")
expect_rc 1 "$SVCCTL" stop -p "$P" --retry TERM/300ms
alive "$pid" && [ -s "$P" ] || fail "schedule without KILL killed or lost the pidfile"
grep -q "still running" "$T/err" || fail "no message for a survivor"
# --test says what it would do and does nothing
expect_rc 0 "$SVCCTL" stop -p "$P" --test
grep -q "would stop pid $pid" "$T/out" && alive "$pid" || fail "--test acted"
expect_rc 0 "$SVCCTL" restart -p "$P" --test -- "$SERVER" -m "$T"
grep -q "would stop pid $pid" "$T/out" && alive "$pid" && [ "$(head -1 "$P")" = "$pid" ] ||
	fail "restart --test acted"
expect_rc 0 "$SVCCTL" restart -p "$T/none.pid" --test -- "$SERVER" -m "$T"
[ ! -e "$T/none.pid" ] || fail "restart --test started a server"
# forever: TERM/200ms/forever keeps resending; KILL ends it
"$SVCCTL" stop -p "$P" --retry TERM/200ms/forever >"$T/fo" 2>&1 &
fpid=$!
sent_three() {
	[ "$(grep -c "sent TERM" "$T/fo")" -ge 3 ]
}
wait_until 30 sent_three || fail "forever did not repeat: $(cat "$T/fo")"
kill -KILL "$pid"
wait "$fpid" || fail "stop --retry .../forever failed after the server died"
# --group signals the server's process group (a child of the server too)
expect_rc 0 "$SVCCTL" start -p "$P" -- sh -c '"$1" -m "$0" & "$1" -m "$0"; wait' "$T" "$SERVER"
pid=$(head -1 "$P")
three_members() {
	[ "$(pgrep -g "$pid" | wc -l)" -ge 3 ]
}
wait_until 30 three_members || true
kids=$(pgrep -g "$pid" | wc -l)
members=$(pgrep -g "$pid" || true)
expect_rc 0 "$SVCCTL" stop -p "$P" --group
left=0
for m in $members; do
	wait_gone "$m" || left=$((left + 1))
done
[ "$kids" -ge 3 ] && [ "$left" -eq 0 ] || fail "--group left $left of $kids members alive"
# stale pidfile: removed and reported, exit 0
sh -c 'exit 0' &
dead=$!
wait "$dead"
printf '%s\n' "$dead" >"$P"
expect_rc 0 "$SVCCTL" stop -p "$P"
[ ! -e "$P" ] && grep -q "stale" "$T/err" || fail "stale pidfile not removed and reported"
finish
