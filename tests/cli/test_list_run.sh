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
"$SVCCTL" run -p "$P" -- sh -c 'sleep 0.6; : "$0"' "$T" &
holder=$!
sleep 0.2
expect_rc 0 "$SVCCTL" status -p "$P"
expect_rc 1 "$SVCCTL" run -p "$P" -- /bin/true
t0=$(now_ms)
expect_rc 0 "$SVCCTL" run -p "$P" -w 5s -- /bin/true
dt=$(($(now_ms) - t0))
[ "$dt" -lt 700 ] || fail "run -w took ${dt}ms after the holder finished"
ok "run -w acquired after ${dt}ms (holder had ~400ms left)"
wait "$holder" || fail "the holding run failed"
# -w forever: as long as it takes, woken when the holder goes
"$SVCCTL" run -p "$P" -- sh -c 'sleep 1.2; : "$0"' "$T" &
holder=$!
sleep 0.2
t0=$(now_ms)
expect_rc 0 "$SVCCTL" run -p "$P" -w forever -- /bin/true
dt=$(($(now_ms) - t0))
[ "$dt" -ge 800 ] && [ "$dt" -lt 1500 ] || fail "run -w forever acquired after ${dt}ms"
ok "run -w forever acquired after ${dt}ms (holder had ~1000ms left)"
wait "$holder" || fail "the holding run failed"
finish
