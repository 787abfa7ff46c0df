# Helpers sourced by the CLI tests.  Usage: lib.sh is sourced after
# SVCCTL and SERVER are set (ctest passes them as $1 and $2).
# shellcheck shell=sh disable=SC2034

SVCCTL=${1:?usage: test.sh SVCCTL SERVER}
SERVER=${2:?usage: test.sh SVCCTL SERVER}
# shellcheck source=../ports.sh
. "$(dirname "$0")/../ports.sh"
T=$(mktemp -d /tmp/svcctl-test.XXXXXX)
chmod 755 "$T"
SVCCTL_RUNDIR=$T
export SVCCTL_RUNDIR
unset NOTIFY_SOCKET
FAILS=0

# Kill every process whose command line names this test's directory.
cleanup() {
	for p in /proc/[0-9]*; do
		case $(tr '\0' ' ' 2>/dev/null <"$p/cmdline") in
		*"$T"*) kill -KILL "${p#/proc/}" 2>/dev/null || true ;;
		esac
	done
	rm -rf "$T"
}
trap cleanup EXIT

fail() {
	echo "FAIL: $*" >&2
	FAILS=$((FAILS + 1))
}

ok() {
	echo "ok: $*"
}

# expect_rc CODE CMD...: run CMD, check its exit code.
expect_rc() {
	want=$1
	shift
	set +e
	"$@" >"$T/out" 2>"$T/err"
	got=$?
	set -e
	if [ "$got" -ne "$want" ]; then
		fail "$* -> exit $got, expected $want; stderr: $(cat "$T/err")"
	else
		ok "$* -> $want"
	fi
}

# Milliseconds on a monotonic-enough clock.
now_ms() {
	echo $(($(date +%s%N) / 1000000))
}

# alive PID: is the process alive and not a zombie?
alive() {
	[ -r "/proc/$1/stat" ] || return 1
	state=$(sed 's/.*) //' "/proc/$1/stat" | cut -d' ' -f1)
	[ "$state" != Z ] && [ "$state" != X ]
}

# wait_until SECONDS CMD...: run CMD every 10 ms until it succeeds; false
# once SECONDS have passed.  Tests wait on events with it; the bound only
# keeps a broken run from hanging, so it is wide (30 s where nothing is
# timed: a loaded machine delays an event by a few seconds at worst).
wait_until() {
	limit=$(($1 * 100)) i=0
	shift
	until "$@"; do
		[ $i -lt $limit ] || return 1
		sleep 0.01
		i=$((i + 1))
	done
}

# A command that runs until the test creates $T/go ($0 is $T): a holder
# that lets go when told, whatever the machine's load.
HOLD='until [ -e "$0/go" ]; do sleep 0.01; done'

# gone PID: has the process disappeared (or become a zombie)?
gone() {
	! alive "$1"
}

# wait_gone PID: wait (up to 30 s, a hang guard) for the process to go.
wait_gone() {
	wait_until 30 gone "$1"
}

# none_named PATTERN: no process whose command line matches PATTERN.
none_named() {
	! pgrep -f "$1" >/dev/null
}

# blocked PID: is the process waiting for a lock, in a flock(2) wait shown
# in /proc/locks or watching the lock file with inotify (a timed wait)?
blocked() {
	grep -q "^[0-9]*: -> FLOCK *ADVISORY *WRITE $1 " /proc/locks && return 0
	for fd in "/proc/$1/fd/"*; do
		[ "$(readlink "$fd" 2>/dev/null)" = anon_inode:inotify ] && return 0
	done
	return 1
}

# Start a sentinel process that must never be signalled; its command line
# names $T so cleanup finds it, and its sleeps are short so none outlives it.
sentinel() {
	sh -c 'while :; do sleep 1; done' "$T" &
	SENTINEL=$!
}

finish() {
	if [ "$FAILS" -ne 0 ]; then
		echo "$FAILS check(s) failed" >&2
		exit 1
	fi
	echo "all checks passed"
}

# A TCP server for python3 -c: argv PORT DELAY TAG; it listens on
# 127.0.0.1:PORT after DELAY seconds and accepts until killed.
LISTENER='
import socket, sys, time
time.sleep(float(sys.argv[2]))
s = socket.socket()
s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
s.bind(("127.0.0.1", int(sys.argv[1])))
s.listen(16)
while True:
    s.accept()[0].close()
'

# port_open PORT: does 127.0.0.1:PORT accept a connection now?
port_open() {
	python3 -c 'import socket, sys; socket.create_connection(("127.0.0.1", int(sys.argv[1])), 2)' \
		"$1" 2>/dev/null
}
