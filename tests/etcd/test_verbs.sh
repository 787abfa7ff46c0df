#!/bin/sh
# The other verbs on etcd: status (0 held, 3 free, 4 unreachable) and its
# JSON, list of a prefix, cleanup, stop from another svcctl (the holder
# stops its child), start leaving a holder that keeps the lease for its
# server, reload, bad addresses, and an unreachable etcd (exit 4, quickly).
# shellcheck disable=SC2016,SC2119
set -eu
. "$(dirname "$0")/lib.sh"
etcd_up
U=$ETCD_URL

# a free key
expect_rc 3 "$SVCCTL" status "$U/app/one"
grep -q "free" "$T/out" || fail "status of a free key: $(cat "$T/out")"

# a held key: status, --json, list, cleanup
mkfifo "$T/go"
"$SVCCTL" run "$U/app/one" --stale-age 5s -m "the one" -- sh -c 'echo $$ >"$1"; read -r _ <"$2"' \
	sh "$T/one" "$T/go" >"$T/one.out" 2>&1 &
holder=$!
wait_file "$T/one" 10000 || fail "the holder never ran"
pid=$(cat "$T/one")
expect_rc 0 "$SVCCTL" status "$U/app/one"
grep -q "held by pid $pid on $(hostname) (token [0-9]*, lease [0-9.]*s left): the one" "$T/out" ||
	fail "status of a held key: $(cat "$T/out")"
expect_rc 0 "$SVCCTL" status --json "$U/app/one"
for field in '"pid":'"$pid" '"state":"running"' '"token":[1-9]' '"lease":"[0-9]*"' \
	'"lease_left_ms":[0-9]' '"msg":"the one"' '"uptime":-1'; do
	grep -q "$field" "$T/out" || fail "status --json lacks $field: $(cat "$T/out")"
done
expect_rc 0 "$SVCCTL" list "$U/app/"
grep -q "^app/one  *$(hostname)  *$pid  *[0-9]" "$T/out" || fail "list: $(cat "$T/out")"
expect_rc 0 "$SVCCTL" list --json "$U/app/"
grep -q '^\[{"pidfile":"'"$U"'/app/one"' "$T/out" || fail "list --json: $(cat "$T/out")"
expect_rc 0 "$SVCCTL" list "$U/none/"
[ "$(wc -l <"$T/out")" -eq 1 ] || fail "list of an empty prefix: $(cat "$T/out")"
expect_rc 0 "$SVCCTL" cleanup "$U/app/"
grep -q "nothing to clean up" "$T/out" || fail "cleanup: $(cat "$T/out")"

# stop from another svcctl: revokes the lease; the holder stops its child (151)
expect_rc 0 "$SVCCTL" stop "$U/app/one"
grep -q "revoked the lease of pid $pid" "$T/err" || fail "stop: $(cat "$T/err")"
# stop waited for its death: an exiting process may show its old state an
# instant after its pidfd said so, hence the short bound
wait_gone_ms "$pid" 1000 || fail "stop returned while the holder's child $pid runs"
set +e
wait "$holder"
rc=$?
set -e
check_rc "$rc" 151 "the holder stopped from another svcctl" "$T/one.out"
expect_rc 3 "$SVCCTL" status "$U/app/one"
expect_rc 0 "$SVCCTL" stop "$U/app/one"
expect_rc 7 "$SVCCTL" reload "$U/app/one"

# start: a holder process keeps the lease while the server runs
expect_rc 0 "$SVCCTL" start "$U/app/web" --stale-age 2s -o "$T/web.log" -- "$SERVER" -m "$T"
grep -q "started pid [0-9]* (token [0-9]*)" "$T/err" || fail "start: $(cat "$T/err")"
expect_rc 0 "$SVCCTL" status --json "$U/app/web"
spid=$(sed -n 's/.*"pid":\([0-9]*\).*/\1/p' "$T/out")
stok=$(sed -n 's/.*"token":\([0-9]*\).*/\1/p' "$T/out")
alive "$spid" || fail "the started server $spid does not run"
tr '\0' '\n' <"/proc/$spid/environ" | grep -qx "SVCCTL_LOCK_TOKEN=$stok" ||
	fail "the server's SVCCTL_LOCK_TOKEN is not $stok"
tr '\0' '\n' <"/proc/$spid/environ" | grep -qx "SVCCTL_LOCK_KEY=app/web" ||
	fail "the server's SVCCTL_LOCK_KEY is not app/web"
hpid=$(sed 's/.*) . \([0-9]*\) .*/\1/' "/proc/$spid/stat")
grep -q svcctl "/proc/$hpid/cmdline" || fail "the server's parent $hpid is not its svcctl holder"
[ "$(readlink "/proc/$hpid/cwd")" = / ] || fail "the holder keeps the starter's directory"
[ "$(readlink "/proc/$hpid/fd/1")" = /dev/null ] || fail "the holder keeps the starter's stdout"
# renewals keep it held past its TTL: the time passing is what is tested
sleep 5
expect_rc 0 "$SVCCTL" status "$U/app/web"
# a second start finds it running: success, nothing started
expect_rc 0 "$SVCCTL" start "$U/app/web" --stale-age 2s -- "$SERVER" -m "$T"
grep -q "already running" "$T/err" || fail "second start: $(cat "$T/err")"
expect_rc 0 "$SVCCTL" start --foreground "$U/app/web" -- sh -c 'echo ran >"$1"' sh "$T/fg-held"
[ -e "$T/fg-held" ] && fail "start --foreground ran COMMAND while the key was held"
expect_rc 0 "$SVCCTL" reload "$U/app/web"
# SIGTERM to the holder: passed on to the server, then the lease is revoked
expect_rc 0 "$SVCCTL" start "$U/app/term" --stale-age 30s -- "$SERVER" -m "$T"
expect_rc 0 "$SVCCTL" status --json "$U/app/term"
tpid=$(sed -n 's/.*"pid":\([0-9]*\).*/\1/p' "$T/out")
thold=$(sed 's/.*) . \([0-9]*\) .*/\1/' "/proc/$tpid/stat")
kill -TERM "$thold"
wait_gone_ms "$tpid" 5000 || fail "SIGTERM to the holder did not stop the server $tpid"
wait_gone_ms "$thold" 5000 || fail "the holder $thold outlived its server"
# revoked, not left to expire: the TTL is 30 s
expect_rc 3 "$SVCCTL" status "$U/app/term"
# SIGKILL of the holder: its server dies with it; the lease then expires
kill -KILL "$hpid"
wait_gone_ms "$spid" 2000 || fail "the server $spid outlived its holder's SIGKILL"
until_ok 10000 sh -c '! "$1" status -q "$2"' sh "$SVCCTL" "$U/app/web" ||
	fail "the key stayed held after its holder died"
# start again, stop from here: the server is stopped and the key freed
expect_rc 0 "$SVCCTL" start "$U/app/web" --stale-age 2s -- "$SERVER" -m "$T"
expect_rc 0 "$SVCCTL" status --json "$U/app/web"
spid=$(sed -n 's/.*"pid":\([0-9]*\).*/\1/p' "$T/out")
t2=$(sed -n 's/.*"token":\([0-9]*\).*/\1/p' "$T/out")
[ "$t2" -gt "$stok" ] || fail "the new holder's token $t2 is not above $stok"
expect_rc 0 "$SVCCTL" stop "$U/app/web"
wait_gone_ms "$spid" 1000 || fail "stop returned while the server $spid runs"
expect_rc 3 "$SVCCTL" status "$U/app/web"
# start --foreground holds the key while COMMAND runs here
expect_rc 0 "$SVCCTL" start --foreground "$U/app/fg" -- sh -c 'test "$SVCCTL_LOCK_KEY" = app/fg'
# a failing server: start fails and leaves the key free
expect_rc 5 "$SVCCTL" start "$U/app/bad" -- "$T/no-such-server"
expect_rc 3 "$SVCCTL" status "$U/app/bad"

# bad addresses and options
expect_rc 2 "$SVCCTL" status "etcd://127.0.0.1/x"
expect_rc 2 "$SVCCTL" run "$U/x" --nfs -- true
expect_rc 2 "$SVCCTL" start "$U/x" --wait-pidfile -- true
expect_rc 2 "$SVCCTL" status "$U/x" --etcd-user ""

# unreachable: a port nobody listens on, and a stopped etcd (bounded by the
# 5 s request limit; 15 s leaves room for a busy machine)
port=$(free_port)
for verb in status list run; do
	t0=$(now_ms)
	case $verb in
	status) expect_rc 4 "$SVCCTL" status "etcd://127.0.0.1:$port/x" ;;
	list) expect_rc 4 "$SVCCTL" list "etcd://127.0.0.1:$port/" ;;
	run) expect_rc 4 "$SVCCTL" run "etcd://127.0.0.1:$port/x" -w 2s -- true ;;
	esac
	[ $(($(now_ms) - t0)) -lt 6000 ] || fail "$verb on a closed port took $(($(now_ms) - t0)) ms"
done
grep -q "not reachable" "$T/err" || fail "unreachable message: $(cat "$T/err")"
kill -STOP "$ETCD_PID"
t0=$(now_ms)
expect_rc 4 "$SVCCTL" status "$U/x"
dt=$(($(now_ms) - t0))
kill -CONT "$ETCD_PID"
if [ "$dt" -lt 15000 ]; then
	ok "status on a stopped etcd: 4 after $dt ms"
else
	fail "status on a stopped etcd took $dt ms"
fi
finish
