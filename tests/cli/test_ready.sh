#!/bin/sh
# Readiness without sd_notify: --ready-port, --ready-cmd and --min-uptime,
# bounded by --ready-timeout.  A server that dies first fails the start at
# once: exit 1, no pidfile, the tail of -o FILE shown, its session killed.
set -eu
. "$(dirname "$0")/lib.sh"
P=$T/r.pid
PORT=$(free_port)

# a listener binding 300ms after exec: start returns once a connect succeeds
t0=$(now_ms)
expect_rc 0 "$SVCCTL" start -p "$P" --ready-port "$PORT" -- python3 -c "$LISTENER" "$PORT" 0.3 "$T"
dt=$(($(now_ms) - t0))
[ "$dt" -ge 280 ] || fail "--ready-port returned after ${dt}ms, before the bind"
port_open "$PORT" || fail "--ready-port returned, but the port does not answer"
ok "--ready-port: start took ${dt}ms for a bind at 300ms"
grep -q "^sid=$(head -1 "$P")$" "$P" || fail "the pidfile records no session: $(cat "$P")"
expect_rc 0 "$SVCCTL" stop -p "$P"
! port_open "$PORT" || fail "the port still answers after stop"

# HOST:PORT, --ready-cmd and --min-uptime together: all must pass
t0=$(now_ms)
expect_rc 0 "$SVCCTL" start -p "$P" --ready-port "127.0.0.1:$PORT" --ready-cmd "test -e $T/flag" \
	--min-uptime 400ms -- sh -c 'touch "$0/flag"; exec python3 -c "$1" "$2" 0.1 "$0"' \
	"$T" "$LISTENER" "$PORT"
dt=$(($(now_ms) - t0))
[ "$dt" -ge 390 ] || fail "--min-uptime 400ms returned after ${dt}ms"
alive "$(head -1 "$P")" || fail "combined readiness recorded no live server"
expect_rc 0 "$SVCCTL" stop -p "$P"
# --ready-cmd alone: the command runs until it exits 0
rm -f "$T/flag"
t0=$(now_ms)
expect_rc 0 "$SVCCTL" start -p "$P" --ready-cmd "test -e $T/flag" \
	-- sh -c 'sleep 0.3; touch "$0/flag"; exec sleep 300' "$T"
dt=$(($(now_ms) - t0))
[ "$dt" -ge 280 ] || fail "--ready-cmd returned after ${dt}ms, before the flag"
expect_rc 0 "$SVCCTL" stop -p "$P"

# a server that dies right after exec, leaving a child in its session: each
# test fails at once (well before its 5 s bound), the child is killed
for opt in --min-uptime --ready-port --ready-cmd; do
	case $opt in
	--min-uptime) arg=4s ;;
	--ready-port) arg=$PORT ;;
	*) arg=false ;;
	esac
	rm -f "$T/child" "$T/log"
	t0=$(now_ms)
	expect_rc 1 "$SVCCTL" start -p "$P" -o "$T/log" "$opt" "$arg" --ready-timeout 5s -- sh -c \
		'sleep 300 & echo $! >"$0/child"; echo "bind: address in use ($0)"; exit 1' "$T"
	dt=$(($(now_ms) - t0))
	[ "$dt" -lt 3000 ] || fail "$opt: a dead server was waited for ${dt}ms"
	[ ! -e "$P" ] || fail "$opt: a failed start left a pidfile"
	grep -q "before it was ready" "$T/err" || fail "$opt: no death reported: $(cat "$T/err")"
	grep -q "bind: address in use" "$T/err" || fail "$opt: the log's tail not shown"
	child=$(cat "$T/child")
	! alive "$child" || fail "$opt: the server's child $child outlived the failed start"
	ok "$opt: a server dying at exec failed the start in ${dt}ms"
done

# nothing answers: the bound ends it, and the whole session goes
t0=$(now_ms)
expect_rc 1 "$SVCCTL" start -p "$P" --ready-port "$PORT" --ready-timeout 500ms -- sh -c \
	'sleep 300 & echo $! >"$0/child"; exec sleep 300' "$T"
dt=$(($(now_ms) - t0))
[ "$dt" -ge 480 ] && [ "$dt" -lt 3000 ] || fail "--ready-timeout 500ms took ${dt}ms"
grep -q "port not answering" "$T/err" || fail "timeout reason not named: $(cat "$T/err")"
! alive "$(cat "$T/child")" || fail "a timed-out start left its session's child"
[ ! -e "$P" ] || fail "a timed-out start left a pidfile"

# another program already listens on the port: its answers are not the
# server's.  A server that cannot bind and dies fails the start; one that
# cannot bind and lives on (retrying, as nginx does) runs into the bound.
python3 -c "$LISTENER" "$PORT" 0 "$T" &
FOREIGN=$!
wait_until 30 port_open "$PORT" || fail "the foreign listener never listened"
rm -f "$T/log"
expect_rc 1 "$SVCCTL" start -p "$P" -o "$T/log" --ready-port "$PORT" -- \
	python3 -c "$LISTENER" "$PORT" 0 "$T"
grep -q "before it was ready" "$T/err" || fail "a failed bind was not reported: $(cat "$T/err")"
grep -q "Address already in use" "$T/err" || fail "the log's tail not shown: $(cat "$T/err")"
[ ! -e "$P" ] || fail "a start that failed to bind left a pidfile"
expect_rc 1 "$SVCCTL" start -p "$P" --ready-port "127.0.0.1:$PORT" --ready-timeout 1s -- sh -c \
	'python3 -c "$1" "$2" 0 "$0" 2>/dev/null; exec sleep 300' "$T" "$LISTENER" "$PORT"
grep -q "port not answering from the server" "$T/err" || fail "no reason given: $(cat "$T/err")"
[ ! -e "$P" ] || fail "a start that never bound left a pidfile"
alive "$FOREIGN" || fail "the foreign listener was signalled"
ok "--ready-port: another program's listener is not the server's readiness"
kill "$FOREIGN"
wait "$FOREIGN" 2>/dev/null || true

# --ready-timeout is never ignored: alone it is an argument error
expect_rc 2 "$SVCCTL" start -p "$P" --ready-timeout 3s -- "$SERVER" -m "$T"
grep -q "ready-cmd or --min-uptime" "$T/err" || fail "no hint at what it goes with"
expect_rc 2 "$SVCCTL" start -p "$P" --min-uptime 2s --ready-timeout 1s -- "$SERVER" -m "$T"
expect_rc 2 "$SVCCTL" start -p "$P" --ready-port 0 -- "$SERVER" -m "$T"
expect_rc 2 "$SVCCTL" start -p "$P" --ready-port "::1:80" -- "$SERVER" -m "$T"
expect_rc 2 "$SVCCTL" reload -p "$P" --ready-timeout 1s
[ ! -e "$P" ] || fail "an argument error started a server"
finish
