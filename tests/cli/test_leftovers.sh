#!/bin/sh
# What a dead server leaves: after kill -9 of the main process, stop (and a
# start taking over) signals the members left in its recorded session and
# nothing else: not a child that made its own session, not a bystander, not
# a session whose leader's pid was reused.
set -eu
. "$(dirname "$0")/lib.sh"
P=$T/l.pid

# A server with two children in its session and one that left it (setsid);
# the children's pids go to $T/kids, the one outside to $T/outside.
family() {
	cat >"$T/family.sh" <<'X'
"$1" -m "$2" & echo $! >"$2/kids"
"$1" -m "$2" & echo $! >>"$2/kids"
setsid "$1" -m "$2-outside" & echo $! >"$2/outside"
exec "$1" -m "$2"
X
	expect_rc 0 "$SVCCTL" start -p "$P" --min-uptime 200ms -- sh "$T/family.sh" "$SERVER" "$T"
}

# kids_gone: every pid of $T/kids is dead.
kids_gone() {
	while read -r k; do
		! alive "$k" || return 1
	done <"$T/kids"
}

sentinel
family
main=$(head -1 "$P")
grep -q "^sid=$main$" "$P" || fail "no session recorded: $(cat "$P")"
expect_rc 0 "$SVCCTL" status -p "$P" --json
grep -q "\"sid\":$main," "$T/out" || fail "status --json shows no session: $(cat "$T/out")"
kill -KILL "$main"
wait_gone "$main"
expect_rc 0 "$SVCCTL" cleanup
grep -q "kept: 2 processes of its session still run" "$T/err" && [ -e "$P" ] ||
	fail "cleanup dropped the record of live leftovers: $(cat "$T/err")"
expect_rc 0 "$SVCCTL" stop -p "$P" --test
grep -q "would stop 2 leftover processes of session $main" "$T/out" || fail "--test: $(cat "$T/out")"
kids_gone && fail "stop --test signalled"
expect_rc 0 "$SVCCTL" stop -p "$P"
grep -q "sent TERM to 2 leftover processes of session $main" "$T/err" ||
	fail "leftovers not reported: $(cat "$T/err")"
kids_gone || fail "stop left members of the dead server's session"
alive "$(cat "$T/outside")" || fail "stop signalled a child that had left the session"
alive "$SENTINEL" || fail "stop signalled a bystander"
[ ! -e "$P" ] || fail "stop left the stale pidfile"
ok "kill -9 then stop: 2 leftovers stopped, nothing outside the session"
kill "$(cat "$T/outside")"

# a start takes over only once the leftovers are gone
family
main=$(head -1 "$P")
kill -KILL "$main"
wait_gone "$main"
expect_rc 0 "$SVCCTL" start -p "$P" -- "$SERVER" -m "$T"
kids_gone || fail "start took over beside the old session's members"
alive "$(cat "$T/outside")" || fail "start signalled a child that had left the session"
grep -q "leftover" "$T/err" || fail "takeover did not report the leftovers: $(cat "$T/err")"
expect_rc 0 "$SVCCTL" stop -p "$P"
kill "$(cat "$T/outside")"

# a daemon with a worker; the worker keeps the lock passed down to it
cat >"$T/daemon.sh" <<'X'
(setsid sh -c '"$0" -m "$1" & echo $$ >"$2"; exec "$0" -m "$1"' "$1" "$2" "$3" &) &
X
expect_rc 0 "$SVCCTL" start -p "$P" --wait-pidfile -- sh "$T/daemon.sh" "$SERVER" "$T" "$P"
main=$(head -1 "$P")
[ "$(head -1 "$P.session")" = "$main" ] || fail "no session record for the daemon"
worker=$(pgrep -s "$main" | grep -v "^$main$" || true)
[ -n "$worker" ] || fail "the daemon has no worker"
kill -KILL "$main"
wait_gone "$main"
expect_rc 1 "$SVCCTL" status -p "$P"
expect_rc 0 "$SVCCTL" stop -p "$P"
! alive "$worker" || fail "stop left the daemon's worker $worker"
[ ! -e "$P" ] && [ ! -e "$P.session" ] || fail "stop left the pidfile or the session record"
# the same, taken over by a start that waits for the worker's lock
expect_rc 0 "$SVCCTL" start -p "$P" --wait-pidfile -- sh "$T/daemon.sh" "$SERVER" "$T" "$P"
main=$(head -1 "$P")
worker=$(pgrep -s "$main" | grep -v "^$main$" || true)
kill -KILL "$main"
wait_gone "$main"
expect_rc 0 "$SVCCTL" start -p "$P" --wait-pidfile --ready-timeout 5s \
	-- sh "$T/daemon.sh" "$SERVER" "$T" "$P"
! alive "$worker" || fail "takeover left the old worker $worker holding the lock"
expect_rc 0 "$SVCCTL" stop -p "$P"

# a daemon whose pid is written before it calls setsid() (as nginx's parent
# does): its own later session is the main process's, recognised as well
cat >"$T/late.sh" <<'X'
sh -c 'sleep 0.2; exec setsid sh -c "\"\$0\" -m \"\$1\" & exec \"\$0\" -m \"\$1\"" "$0" "$1"' \
	"$1" "$2" &
echo $! >"$3"
X
expect_rc 0 "$SVCCTL" start -p "$P" --wait-pidfile -- sh "$T/late.sh" "$SERVER" "$T" "$P"
main=$(head -1 "$P")
# session_of_two: the main process's session has a worker too
session_of_two() {
	[ "$(pgrep -s "$main" | wc -l)" -ge 2 ]
}
wait_until 30 session_of_two || true
worker=$(pgrep -s "$main" | grep -v "^$main$" || true)
[ -n "$worker" ] || fail "the late daemon made no session with a worker"
kill -KILL "$main"
wait_gone "$main"
expect_rc 0 "$SVCCTL" stop -p "$P"
! alive "$worker" || fail "stop left the worker of a session made after the pidfile"

# a recorded session whose leader pid now names another session leader:
# never signalled (pid reuse), and the stale pidfile is still removed
setsid sh -c 'while :; do sleep 1; done' "$T" &
leader=$!
leads_session() {
	[ "$(ps -o sid= -p "$leader" | tr -d ' ')" = "$leader" ]
}
wait_until 30 leads_session || true
sh -c 'exit 0' &
dead=$!
wait "$dead"
printf '%s\nsid=%s\nsid_start=1\n' "$dead" "$leader" >"$P"
expect_rc 0 "$SVCCTL" stop -p "$P"
grep -q "session $leader has a new leader" "$T/err" || fail "reused leader not caught: $(cat "$T/err")"
alive "$leader" || fail "a session with a reused leader pid was signalled"
[ ! -e "$P" ] || fail "the stale pidfile stayed"
kill "$leader"
finish
