#!/bin/sh
# stop/reload never signal for pid 0, 1, -1, our own pid, a reused pid,
# garbage, a symlink, a FIFO, a directory; status says unknown (4).
set -eu
. "$(dirname "$0")/lib.sh"
P=$T/u.pid

sentinel
for content in 0 1 -1 99999999999 abc "12 34" "$SENTINEL junk" ""; do
	printf '%s\n' "$content" >"$P"
	expect_rc 1 "$SVCCTL" stop -p "$P"
	expect_rc 1 "$SVCCTL" reload -p "$P"
	expect_rc 4 "$SVCCTL" status -p "$P"
	grep -q "$P" "$T/out" || fail "status does not name the file"
done
alive "$SENTINEL" || fail "sentinel was signalled"
# our own pid (exec keeps it) and the pid of the shell that runs us
expect_rc 4 sh -c 'echo $$ >"$1"; exec "$2" stop -p "$1"' sh "$P" "$SVCCTL"
expect_rc 4 sh -c 'echo $$ >"$1"; "$2" stop -p "$1"; exit $?' sh "$P" "$SVCCTL"
expect_rc 4 sh -c 'echo $$ >"$1"; "$2" reload -p "$1"; exit $?' sh "$P" "$SVCCTL"
# a reused pid: alive, but started at another time than recorded
printf '%s\nstart=1\n' "$SENTINEL" >"$P"
expect_rc 1 "$SVCCTL" status -p "$P"
grep -q "reused" "$T/out" || fail "reuse not reported: $(cat "$T/out")"
expect_rc 7 "$SVCCTL" reload -p "$P"
expect_rc 0 "$SVCCTL" stop -p "$P"
alive "$SENTINEL" || fail "a reused pid was signalled"
[ ! -e "$P" ] || fail "stale (reused) pidfile kept"
# a symlink to a pidfile of a live process
printf '%s\n' "$SENTINEL" >"$T/real.pid"
ln -s "$T/real.pid" "$P"
expect_rc 4 "$SVCCTL" stop -p "$P"
expect_rc 4 "$SVCCTL" reload -p "$P"
expect_rc 4 "$SVCCTL" status -p "$P"
rm "$P"
# a FIFO must not block (a blocked open would end at timeout's 30 s, exit
# 124: a hang guard, far above a loaded machine's few ms), a directory is
# refused
mkfifo "$P"
expect_rc 4 timeout 30 "$SVCCTL" stop -p "$P"
expect_rc 4 timeout 30 "$SVCCTL" status -p "$P"
rm "$P"
mkdir "$P"
expect_rc 4 "$SVCCTL" stop -p "$P"
expect_rc 4 "$SVCCTL" status -p "$P"
rmdir "$P"
alive "$SENTINEL" || fail "sentinel was signalled"
# a pidfile of another host: unknown to status, never signalled
printf '%s\nhost=elsewhere.invalid\n' "$SENTINEL" >"$P"
expect_rc 4 "$SVCCTL" status -p "$P"
grep -q "remote" "$T/out" || fail "remote not reported: $(cat "$T/out")"
expect_rc 4 "$SVCCTL" stop -p "$P"
expect_rc 1 "$SVCCTL" start -p "$P" -- "$SERVER" -m "$T"
alive "$SENTINEL" || fail "a remote pid was signalled"
rm "$P"
# start refuses an unsafe pidfile too
ln -s "$T/real.pid" "$P"
expect_rc 4 "$SVCCTL" start -p "$P" -- "$SERVER" -m "$T"
finish
