#!/bin/sh
# svcctl run on etcd: the child sees SVCCTL_LOCK_TOKEN and SVCCTL_LOCK_KEY,
# a held key is busy (exit 1, the holder named) or waited for (-w), and 8
# concurrent workers never overlap, with strictly increasing tokens.
# shellcheck disable=SC2016,SC2119
set -eu
. "$(dirname "$0")/lib.sh"
etcd_up
U=$ETCD_URL

# the environment of the child
expect_rc 0 "$SVCCTL" run "$U/env" -- sh -c 'echo "$SVCCTL_LOCK_TOKEN $SVCCTL_LOCK_KEY" >"$1"' sh \
	"$T/env"
read -r tok key <"$T/env"
[ "$key" = env ] || fail "SVCCTL_LOCK_KEY is \"$key\", expected env"
[ "$tok" -gt 0 ] 2>/dev/null || fail "SVCCTL_LOCK_TOKEN is \"$tok\", expected a revision"
rev=$(ctl get env -w json | sed -n 's/.*"revision":\([0-9]*\).*/\1/p')
[ "$tok" -le "$rev" ] || fail "token $tok is above the store's revision $rev"
ok "child sees token $tok and key $key"
ctl get env --prefix --keys-only | grep -q . && fail "the key outlived run"

# the exit code of COMMAND passes through
expect_rc 7 "$SVCCTL" run "$U/code" -- sh -c 'exit 7'

# busy at once (exit 1, the holder named), and waited for with -w
mkfifo "$T/go"
"$SVCCTL" run "$U/busy" -m "holding for the test" -- sh -c 'echo $$ >"$1"; read -r _ <"$2"' sh \
	"$T/holder" "$T/go" &
holder=$!
wait_file "$T/holder" 10000 || fail "the holder never ran"
expect_rc 1 "$SVCCTL" run "$U/busy" -- true
grep -q "held by pid $(cat "$T/holder") on $(hostname).*holding for the test" "$T/err" ||
	fail "busy does not name the holder: $(cat "$T/err")"
base=$(watchers)
"$SVCCTL" run "$U/busy" -w 30s -- sh -c 'echo "$SVCCTL_LOCK_TOKEN" >"$1"' sh "$T/second" &
waiter=$!
# the waiter watches the key (no polling): its watch is how we know it waits
until_ok 10000 watchers_above "$base" || fail "the waiter never watched the key"
echo go >"$T/go"
wait "$holder" || fail "the holder failed"
wait "$waiter" || fail "the waiter failed"
if [ -s "$T/second" ] && [ "$(cat "$T/second")" -gt "$tok" ]; then
	ok "the waiter ran after the holder, token $(cat "$T/second")"
else
	fail "the waiter did not run with a newer token"
fi

# mutual exclusion: 8 workers x 25 cycles on one key, a shared counter,
# tokens appended inside the critical section must grow strictly
cs='mkdir "$1/in" 2>/dev/null || echo overlap >>"$1/bad"
n=$(cat "$1/counter"); echo $((n + 1)) >"$1/counter"
echo "$SVCCTL_LOCK_TOKEN" >>"$1/tokens"; rmdir "$1/in"'
echo 0 >"$T/counter"
: >"$T/bad"
w=0
pids=
while [ $w -lt 8 ]; do
	(
		i=0
		while [ $i -lt 25 ]; do
			"$SVCCTL" run -q "$U/mutex" -w 120s -- sh -c "$cs" sh "$T" ||
				echo "worker failed: $?" >>"$T/bad"
			i=$((i + 1))
		done
	) &
	pids="$pids $!"
	w=$((w + 1))
done
for p in $pids; do
	wait "$p"
done
[ "$(cat "$T/counter")" -eq 200 ] || fail "counter $(cat "$T/counter"), expected 200"
[ -s "$T/bad" ] && fail "$(sort "$T/bad" | uniq -c)"
awk 'NR > 1 && $1 <= prev { bad++ } { prev = $1 } END { exit bad > 0 }' "$T/tokens" ||
	fail "tokens not strictly increasing: $(tr '\n' ' ' <"$T/tokens")"
[ "$(wc -l <"$T/tokens")" -eq 200 ] || fail "$(wc -l <"$T/tokens") tokens for 200 sections"
ok "8 workers x 25 cycles: counter $(cat "$T/counter"), tokens strictly increasing, no overlap"
finish
