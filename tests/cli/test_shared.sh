#!/bin/sh
# Shared storage from the command line: the NFS-safe lock mode, remote
# holders (simulated with a UTS namespace of another host name, and a pid
# namespace), --stale-age and run --refresh.  Holders run until the test
# creates $T/go (HOLD in lib.sh) and are checked once seen in place: events,
# not sleeps.  Staleness is timed by nature: the refresh check leaves a
# refresher half a stale age (1 s) of slack per refresh.
set -eu
. "$(dirname "$0")/lib.sh"
P=$T/job.pid
LOOP='while :; do sleep 1; done'

# age FILE SECONDS: set FILE's mtime SECONDS into the past.
age() {
	touch -d "@$(($(date +%s) - $2))" "$1"
}

# --nfs: mutual exclusion among concurrent runs, checked with mkdir.
i=0
pids=
while [ $i -lt 12 ]; do
	"$SVCCTL" run --nfs -p "$P" -w 30s -- sh -c \
		'mkdir "$0/cs" || exit 9; sleep 0.02; rmdir "$0/cs"' "$T" >/dev/null 2>&1 &
	pids="$pids $!"
	i=$((i + 1))
done
bad=0
for pid in $pids; do
	wait "$pid" || bad=$((bad + 1))
done
[ "$bad" -eq 0 ] || fail "--nfs: $bad of 12 concurrent runs overlapped or failed"
ok "--nfs: 12 concurrent runs, one at a time"

# --nfs: the lock file is a record of its holder; a second locker is busy
rm -f "$T/go"
"$SVCCTL" run --nfs -p "$P" -- sh -c "$HOLD" "$T" &
holder=$!
records_holder() {
	grep -q "^$holder\$" "$P.lock" 2>/dev/null
}
wait_until 30 records_holder || fail "--nfs lock file does not record pid $holder"
expect_rc 1 "$SVCCTL" run --nfs -p "$P" -- /bin/true
expect_rc 0 "$SVCCTL" list -d "$T" --pid "$holder"
grep -q "^job.pid.lock .*lock" "$T/out" || fail "list --pid misses the lock record: $(cat "$T/out")"
touch "$T/go"
wait "$holder" || fail "the --nfs holder failed"
[ ! -e "$P.lock" ] || fail "--nfs run left its lock record"

if ! unshare --uts sh -c 'hostname svcctl-test-other' 2>/dev/null; then
	echo "SKIP: unshare --uts is not available here (needs root and user namespaces);" \
		"remote-holder checks not run"
	[ "$FAILS" -eq 0 ] || finish
	exit 77
fi

# on_host NAME CMD...: run CMD in a new UTS namespace named NAME.
on_host() {
	unshare --uts sh -c 'hostname "$0" && exec "$@"' "$@"
}

# a remote holder (another host, no lock held) is neither signalled nor taken
on_host other "$SVCCTL" start -p "$P" -m remote -- sh -c "$LOOP" "$T"
rpid=$(head -1 "$P")
grep -q "^host=other\$" "$P" || fail "the pidfile does not record host=other"
expect_rc 4 "$SVCCTL" status -p "$P"
grep -q "remote.*host other" "$T/out" || fail "status: $(cat "$T/out")"
expect_rc 4 "$SVCCTL" stop -p "$P" -t 1
grep -q "remote holder on other, not signalled" "$T/err" || fail "stop: $(cat "$T/err")"
expect_rc 4 "$SVCCTL" reload -p "$P"
expect_rc 1 "$SVCCTL" start -p "$P" -- /bin/true
expect_rc 1 "$SVCCTL" run -p "$P" -- /bin/true
expect_rc 0 "$SVCCTL" cleanup -d "$T"
grep -q "removed 0 stale" "$T/out" || fail "cleanup took a fresh remote file"
alive "$rpid" && [ "$(head -1 "$P")" = "$rpid" ] || fail "remote holder disturbed"
ok "fresh remote holder pid $rpid untouched by stop, reload, start, run, cleanup"

# older than --stale-age: stale; stop and cleanup remove it, never signal
age "$P" 30
expect_rc 4 "$SVCCTL" status -p "$P" --stale-age 60s
expect_rc 1 "$SVCCTL" status -p "$P" --stale-age 10s
grep -q "stale.*host other.*older than the stale age" "$T/out" ||
	fail "status --stale-age: $(cat "$T/out")"
expect_rc 0 "$SVCCTL" stop -p "$P" --stale-age 10s --test
[ -e "$P" ] || fail "stop --test removed the file"
expect_rc 0 "$SVCCTL" cleanup -d "$T" --stale-age 10s
grep -q "removed 1 stale" "$T/out" || fail "cleanup --stale-age: $(cat "$T/out")"
[ ! -e "$P" ] && alive "$rpid" || fail "aged remote file not removed, or its pid signalled"
ok "aged remote pidfile removed by cleanup; pid $rpid never signalled"
printf '%s\nhost=other\n' "$rpid" >"$P"
age "$P" 30
expect_rc 0 "$SVCCTL" stop -p "$P" --stale-age 10s
[ ! -e "$P" ] && alive "$rpid" || fail "stop --stale-age: file stays, or its pid was signalled"

# an aged remote holder is taken over by start and run
printf '%s\nhost=other\n' "$rpid" >"$P"
age "$P" 30
expect_rc 0 "$SVCCTL" run -p "$P" --stale-age 10s -- sh -c 'test "$(head -1 "$1")" = $$' sh "$P"
printf '%s\nhost=other\n' "$rpid" >"$P"
age "$P" 30
expect_rc 0 "$SVCCTL" start -p "$P" --stale-age 10s -- sh -c "$LOOP" "$T"
[ "$(head -1 "$P")" != "$rpid" ] && grep -q "^host=$(hostname)\$" "$P" ||
	fail "start did not take over the aged remote file"
expect_rc 0 "$SVCCTL" stop -p "$P"
alive "$rpid" || fail "takeover signalled the remote pid"

# remote_published: the pidfile names a holder on host "other"
remote_published() {
	grep -q "^host=other\$" "$P" 2>/dev/null
}
# stale_at AGE: status with --stale-age AGE says stale (1)
stale_at() {
	"$SVCCTL" status -p "$P" --stale-age "$1" >/dev/null 2>&1
	[ $? -eq 1 ]
}
# refresh: a remote holder stays fresh through several stale ages (2 s;
# it refreshes every 1 s)
rm -f "$T/go"
on_host other "$SVCCTL" run -p "$P" --stale-age 2s --refresh -- sh -c "$HOLD" "$T" &
refresher=$!
wait_until 30 remote_published || fail "run --refresh never published"
i=0
while [ $i -lt 5 ]; do
	sleep 1 # the passing of time is what is tested here
	expect_rc 4 "$SVCCTL" status -p "$P" --stale-age 2s
	i=$((i + 1))
done
touch "$T/go"
wait "$refresher" || fail "run --refresh failed"
# without --refresh the same holder goes stale: remote while young, then
# stale once older than the stale age
rm -f "$T/go"
on_host other "$SVCCTL" run -p "$P" -- sh -c "$HOLD" "$T" &
plain=$!
wait_until 30 remote_published || fail "plain remote run never published"
expect_rc 4 "$SVCCTL" status -p "$P" --stale-age 60s
wait_until 30 stale_at 1s || fail "a remote holder without --refresh never went stale"
touch "$T/go"
wait "$plain" || fail "plain remote run failed"
expect_rc 2 "$SVCCTL" run -p "$P" --refresh -- /bin/true
grep -q "needs --stale-age" "$T/err" || fail "--refresh without --stale-age: $(cat "$T/err")"

# another pid namespace on this host counts as remote too
if unshare --pid --fork --mount-proc true 2>/dev/null; then
	rm -f "$T/go"
	unshare --pid --fork --mount-proc "$SVCCTL" run -p "$P" -- sh -c "$HOLD" "$T" &
	ns=$!
	wait_until 30 test -s "$P" || fail "the pid-namespace run never published"
	expect_rc 4 "$SVCCTL" status -p "$P"
	expect_rc 4 "$SVCCTL" stop -p "$P"
	grep -q "remote holder on .*not signalled" "$T/err" || fail "pidns stop: $(cat "$T/err")"
	touch "$T/go"
	wait "$ns" || fail "the pid-namespace run was disturbed"
else
	echo "SKIP (part): unshare --pid is not available; pid-namespace check not run"
fi
"$SVCCTL" stop -p "$P" >/dev/null 2>&1 || true
kill "$rpid" 2>/dev/null || true
finish
