#!/bin/sh
# list, cleanup and run.
set -eu
. "$(dirname "$0")/lib.sh"
D=$T/rd

expect_rc 0 "$SVCCTL" list -d "$D"
expect_rc 0 "$SVCCTL" start -d "$D" alpha -- "$SERVER" -m "$T"
expect_rc 0 "$SVCCTL" start -d "$D" beta -- "$SERVER" -m "$T"
sh -c 'exit 0' &
dead=$!
wait "$dead"
printf '%s\n' "$dead" >"$D/gamma.pid"
printf 'junk\n' >"$D/delta.pid"
expect_rc 0 "$SVCCTL" list -d "$D"
grep -q "^alpha .*running" "$T/out" && grep -q "^gamma .*stale" "$T/out" &&
	grep -q "^delta .*unknown" "$T/out" || fail "list table: $(cat "$T/out")"
expect_rc 0 "$SVCCTL" list -d "$D" --json
python3 -c 'import json,sys; d=json.load(open(sys.argv[1])); assert len(d)==4, d' "$T/out" ||
	fail "list --json is not a 4-element JSON array: $(cat "$T/out")"
expect_rc 0 "$SVCCTL" cleanup -d "$D"
grep -q "removed 1 stale pidfile" "$T/out" || fail "cleanup count: $(cat "$T/out")"
[ ! -e "$D/gamma.pid" ] && [ -e "$D/alpha.pid" ] && [ -e "$D/delta.pid" ] ||
	fail "cleanup removed the wrong files"
expect_rc 0 "$SVCCTL" stop -d "$D" alpha
expect_rc 0 "$SVCCTL" stop -d "$D" beta
# run: COMMAND's exit code, the pidfile held meanwhile, removed after
P=$T/run.pid
expect_rc 7 "$SVCCTL" run -p "$P" -- sh -c 'exit 7'
expect_rc 5 "$SVCCTL" run -p "$P" -- "$T/no-such-program"
expect_rc 0 "$SVCCTL" run -p "$P" -- sh -c 'test "$(head -1 "$1")" = $$' sh "$P"
[ ! -e "$P" ] || fail "run left its pidfile"
# Hand-overs.  The holder runs until the test creates $T/go (HOLD), and a waiter
# is let go only once it is seen blocked on the lock: events, not sleeps.
# The one bound: from go to the waiter's exit, 2 s, far above a loaded
# machine's worst (tens of ms) and below a waiter that misses the holder's
# release and sleeps on (its -w is 30 s or forever; a 3 s sleep fails).
handover() {
	rm -f "$T/go"
	"$SVCCTL" run -p "$P" -- sh -c "$HOLD" "$T" &
	holder=$!
	wait_until 30 test -s "$P" || fail "the holding run never published $P"
	expect_rc 0 "$SVCCTL" status -p "$P"
	expect_rc 1 "$SVCCTL" run -p "$P" -- /bin/true
	# the waiter forks its child before it blocks: when COMMAND runs, the
	# pidfile already names it
	"$SVCCTL" run -p "$P" -w "$1" -- sh -c 'test "$(head -1 "$1")" = $$' sh "$P" &
	waiter=$!
	wait_until 30 blocked "$waiter" || fail "run -w $1 never waited for the lock"
	# as long as it takes: still waiting while the holder holds on
	sleep 1
	alive "$waiter" || fail "run -w $1 gave up while the holder held the lock"
	t0=$(now_ms)
	touch "$T/go"
	wait "$waiter" || fail "run -w $1 failed after the holder finished"
	dt=$(($(now_ms) - t0))
	[ "$dt" -lt 2000 ] || fail "run -w $1 took ${dt}ms after the holder finished"
	ok "run -w $1 acquired ${dt}ms after the holder was let go"
	wait "$holder" || fail "the holding run failed"
}
handover 30s
handover forever

# A waiter's child forked before the wait runs COMMAND only once the lock is
# ours: not while the waiter waits, not after it timed out, not after the
# waiter was killed (its child reads EOF at the gate and exits).
rm -f "$T/go"
"$SVCCTL" run -p "$P" -- sh -c "$HOLD" "$T" &
holder=$!
wait_until 30 test -s "$P" || fail "the holding run never published $P"
GATED="touch $T/ran-gated"
expect_rc 1 "$SVCCTL" run -p "$P" -w 200ms -- sh -c "$GATED"
"$SVCCTL" run -p "$P" -w 30s -- sh -c "$GATED" &
waiter=$!
wait_until 30 blocked "$waiter" || fail "run -w 30s never waited for the lock"
[ ! -e "$T/ran-gated" ] || fail "COMMAND ran while its run waited for the lock"
kill -KILL "$waiter"
wait "$waiter" 2>/dev/null || true
wait_until 30 none_named "svcctl run -p $P -w" ||
	fail "the child of a killed waiter outlived it"
touch "$T/go"
wait "$holder" || fail "the holding run failed"
[ ! -e "$T/ran-gated" ] || fail "COMMAND of a timed-out or killed waiter ran"
[ ! -e "$P" ] || fail "a killed waiter left $P"
ok "a waiter's child runs COMMAND only once the lock is taken"
finish
