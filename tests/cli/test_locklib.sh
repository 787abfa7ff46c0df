#!/bin/sh
# What other lock libraries offer, from the command line: RUNDIR creation,
# the holder's host, age and message in status, run --expire, list --pid
# and --mine, cleanup's count, and run with a COMMAND that exits at once.
set -eu
. "$(dirname "$0")/lib.sh"
LOOP='while :; do sleep 1; done'

# age FILE SECONDS: set FILE's mtime SECONDS into the past.
age() {
	touch -d "@$(($(date +%s) - $2))" "$1"
}

# RUNDIR and its parents are created 0755, whatever the umask
umask 077
expect_rc 0 "$SVCCTL" run -d "$T/a/b" job -- /bin/true
umask 022
[ "$(stat -c %a "$T/a")" = 755 ] && [ "$(stat -c %a "$T/a/b")" = 755 ] ||
	fail "RUNDIR modes: $(stat -c '%n %a' "$T/a" "$T/a/b")"
# ...never under a world-writable parent without the sticky bit
mkdir "$T/ww"
chmod 777 "$T/ww"
expect_rc 4 "$SVCCTL" run -d "$T/ww/rd" job -- /bin/true
grep -q "$T/ww/rd/job.pid: .*unsafe" "$T/err" || fail "message: $(cat "$T/err")"
[ ! -e "$T/ww/rd" ] || fail "created RUNDIR under a world-writable parent"
chmod 1777 "$T/ww"
expect_rc 0 "$SVCCTL" run -d "$T/ww/rd" job -- /bin/true
# ...and never through a symlink
ln -s "$T/elsewhere" "$T/link"
expect_rc 4 "$SVCCTL" start -d "$T/link" job -- /bin/true
[ ! -e "$T/elsewhere" ] || fail "RUNDIR created through a symlink"

# status: host, age and message; --json carries every field
P=$T/job.pid
expect_rc 0 "$SVCCTL" start -p "$P" -m "warming up" -- sh -c "$LOOP" "$T"
spid=$(head -1 "$P")
expect_rc 0 "$SVCCTL" status -p "$P"
grep -q "running (pid $spid, up .*, host $(hostname), age [0-9]*s): warming up\$" "$T/out" ||
	fail "status line: $(cat "$T/out")"
expect_rc 0 "$SVCCTL" status -p "$P" --json
python3 - "$T/out" "$spid" "$(hostname)" <<'EOF' || fail "status --json: $(cat "$T/out")"
import json, sys
d = json.load(open(sys.argv[1]))
for k in ("pid", "host", "start", "boot", "pidns", "msg", "age_ms", "state", "reason",
          "lock_held"):
    assert k in d, k
assert d["pid"] == int(sys.argv[2]) and d["host"] == sys.argv[3], d
assert d["msg"] == "warming up" and d["state"] == "running" and d["start"] > 0, d
assert 0 <= d["age_ms"] < 60000 and d["boot"] and d["pidns"], d
EOF
expect_rc 2 "$SVCCTL" run -p "$T/m.pid" -m "$(printf 'two\nlines')" -- /bin/true

# list --pid: what that process holds, and only that
expect_rc 0 "$SVCCTL" start -p "$T/other.pid" -- sh -c "$LOOP" "$T"
expect_rc 0 "$SVCCTL" list -d "$T" --pid "$spid"
grep -q "^job.pid .* $spid .*warming up" "$T/out" && ! grep -q "^other.pid" "$T/out" ||
	fail "list --pid: $(cat "$T/out")"
expect_rc 0 "$SVCCTL" list -d "$T" --pid "$spid" --json
python3 -c 'import json,sys; d=json.load(open(sys.argv[1])); assert len(d)==1, d' "$T/out" ||
	fail "list --pid --json: $(cat "$T/out")"
expect_rc 2 "$SVCCTL" list -d "$T" --pid 1
expect_rc 2 "$SVCCTL" list -d "$T" --pid "$spid" --mine
# --mine: inside run, COMMAND is the recorded holder and svcctl's parent
expect_rc 0 "$SVCCTL" run -p "$T/held.pid" -- sh -c '"$0" list -d "$1" --mine; exit $?' \
	"$SVCCTL" "$T"
grep -q "^held.pid " "$T/out" && [ "$(grep -c 'pid ' "$T/out")" -eq 1 ] ||
	fail "list --mine: $(cat "$T/out")"

# run --expire: busy and fresh -> 1, holder untouched
Q=$T/q.pid
"$SVCCTL" run -p "$Q" -- sh -c "$LOOP" "$T" &
runner=$!
wait_until 30 test -s "$Q" || fail "the holding run never published $Q"
hpid=$(head -1 "$Q")
expect_rc 1 "$SVCCTL" run -p "$Q" --expire 1h -- /bin/true
alive "$hpid" || fail "a fresh holder was stopped"
# expired -> stopped with the stop schedule, then the lock is ours
age "$Q" 120
expect_rc 0 "$SVCCTL" run -p "$Q" --expire 1m -- sh -c 'test "$(head -1 "$1")" = $$' sh "$Q"
grep -q "stopped expired holder pid $hpid" "$T/err" || fail "no report: $(cat "$T/err")"
if ! wait_gone "$hpid"; then
	fail "expired holder $hpid still alive"
	kill "$hpid" "$runner" 2>/dev/null || true
fi
set +e
wait "$runner"
rc=$?
set -e
[ "$rc" -eq 143 ] || fail "the expired run exited $rc, expected 143 (TERM)"
# an expired server (started, no lock held) is stopped too
age "$P" 120
expect_rc 0 "$SVCCTL" run -p "$P" --expire 1m -- /bin/true
wait_gone "$spid" || fail "expired server $spid still alive"
# expired but cannot be stopped (a remote holder) -> 150, never signalled
sentinel
printf '%s\nhost=elsewhere.example\n' "$SENTINEL" >"$Q"
age "$Q" 120
expect_rc 150 "$SVCCTL" run -p "$Q" --expire 1m -- /bin/true
grep -q "remote holder on elsewhere.example, not signalled" "$T/err" ||
	fail "message: $(cat "$T/err")"
alive "$SENTINEL" && [ "$(head -1 "$Q")" = "$SENTINEL" ] || fail "remote holder disturbed"
expect_rc 2 "$SVCCTL" run -p "$Q" --expire 0 -- /bin/true

# cleanup says how many it removed
rm -f "$Q"
for n in s1 s2; do
	sh -c 'exit 0' &
	dead=$!
	wait "$dead"
	printf '%s\n' "$dead" >"$T/$n.pid"
done
expect_rc 0 "$SVCCTL" cleanup -d "$T"
grep -q "^removed 2 stale pidfiles\$" "$T/out" || fail "cleanup: $(cat "$T/out")"

# a COMMAND that exits at once is recorded with its own start time
R=$T/fast.pid
expect_rc 0 "$SVCCTL" run -p "$R" -- sh -c \
	'grep -qx "start=$(sed "s/.*) //" /proc/$$/stat | cut -d" " -f20)" "$0"' "$R"
i=0
bad=0
while [ $i -lt 200 ]; do
	"$SVCCTL" run -p "$R" -- true 2>>"$T/fast.err" || bad=$((bad + 1))
	i=$((i + 1))
done
[ "$bad" -eq 0 ] || fail "$bad of 200 fast runs failed: $(sort -u "$T/fast.err")"
ok "200 runs of a COMMAND that exits at once"
"$SVCCTL" stop -p "$T/other.pid" >/dev/null 2>&1 || true
finish
