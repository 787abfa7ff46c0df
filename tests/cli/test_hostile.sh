#!/bin/sh
# Hostile pidfiles for every verb that reads one: each answer is a
# documented exit code and a message naming the file, within a second,
# and nothing is signalled (a canary whose pid is in play logs every
# catchable signal).  The input x verb matrix is written to
# $SVCCTL_HOSTILE_MATRIX when set.
set -eu
. "$(dirname "$0")/lib.sh"
H=$T/h
P=$H/x.pid
LOG=$T/canary.log
MATRIX=${SVCCTL_HOSTILE_MATRIX:-$T/matrix.md}
PID_MAX=$(cat /proc/sys/kernel/pid_max)
VERBS="status stop reload restart start list cleanup"
mkdir -m 755 "$H"
: >"$LOG"

# The canary: traps every catchable signal, logs it at once (wait is
# interrupted by a trapped signal, a foreground sleep would not be).
sh -c 'for s in HUP INT QUIT ILL TRAP ABRT BUS FPE USR1 SEGV USR2 PIPE ALRM TERM \
	CONT TSTP TTIN TTOU URG XCPU XFSZ VTALRM PROF WINCH SYS; do
		trap "echo $s >>$1" "$s"
	done
	while :; do sleep 1 & wait $!; done' canary "$LOG" &
C=$!

# Still alive, not stopped, and nothing in its log?
canary_untouched() {
	state=$(sed 's/.*) //' "/proc/$C/stat" 2>/dev/null | cut -d' ' -f1)
	[ -n "$state" ] && [ "$state" != Z ] && [ "$state" != T ] && [ ! -s "$LOG" ]
}

# A server that exits on TERM, for the inputs that validly name a process.
server() {
	"$SERVER" -m "$T" >/dev/null &
	SRV=$!
}

# Kill the server a successful start recorded (never the canary).
reap_started() {
	pid=$(head -1 "$P" 2>/dev/null || true)
	case $pid in
	"$C" | "" | *[!0-9]*) ;;
	*) kill -KILL "$pid" 2>/dev/null || true ;;
	esac
}

# Stop the background writer of the "changing" input.
stop_writer() {
	if [ -n "${WRITER:-}" ]; then
		kill "$WRITER" 2>/dev/null || true
		wait "$WRITER" 2>/dev/null || true
		WRITER=
	fi
}

# Recreate the input named $1 at $P (removing whatever the last verb left).
make_input() {
	stop_writer
	[ -d "$P" ] && rmdir "$P"
	rm -f "$P" "$P.lock"
	case $1 in
	empty) : >"$P" ;;
	blanks) printf '  \t \n \r\n' >"$P" ;;
	zero) printf '0\n' >"$P" ;;
	one) printf '1\n' >"$P" ;;
	minus1) printf -- '-1\n' >"$P" ;;
	minus0) printf -- '-0\n' >"$P" ;;
	plus) printf '+%s\n' "$C" >"$P" ;;
	hex) printf '0x%x\n' "$C" >"$P" ;;
	exp) printf '1e3\n' >"$P" ;;
	two) printf '%s %s\n' "$C" "$C" >"$P" ;;
	above_max) printf '%s\n' $((PID_MAX + 1)) >"$P" ;;
	p2_31) printf '2147483648\n' >"$P" ;;
	p2_63) printf '9223372036854775808\n' >"$P" ;;
	digits20) printf '12345678901234567890\n' >"$P" ;;
	nul) printf '%s\000\n' "$C" >"$P" ;;
	nul_first) printf '\000%s\n' "$C" >"$P" ;;
	nonl) printf '%s' "$SRV" >"$P" ;;
	crlf) printf '%s\r\n' "$SRV" >"$P" ;;
	mib) head -c 1048576 /dev/zero | tr '\0' 7 >"$P" ;;
	binary) printf '\377\376\001\200%s\033[2J\000\n\177' "$C" >"$P" ;;
	fifo) mkfifo "$P" ;;
	dir) mkdir "$P" ;;
	socket) perl -MSocket -e 'socket(S, PF_UNIX, SOCK_STREAM, 0) or die;
		bind(S, pack_sockaddr_un($ARGV[0])) or die' "$P" ;;
	device) mknod "$P" c 1 5 ;;
	unreadable) printf '%s\n' "$C" >"$P" && chmod 000 "$P" ;;
	changing)
		sh -c 'while :; do printf "%s\nstart=1\n" "$2" >"$1"; printf "junk\n" >"$1"
			: >"$1"; head -c 5000 /dev/zero | tr "\0" 9 >"$1"; done' writer "$P" "$C" &
		WRITER=$!
		# a head start only: every state of the file (absent too) has its
		# expected codes in the row, so load cannot fail it
		sleep 0.05
		;;
	esac
}

# Run verb $1 on $P (as $AS when set); sets RC, MS and MSG.
run_verb() {
	case $1 in
	status | stop | reload) set -- "$SVCCTL" "$1" -p "$P" ;;
	restart | start) set -- "$SVCCTL" "$1" -p "$P" -- "$SERVER" -m "$T" ;;
	list | cleanup) set -- "$SVCCTL" "$1" -d "$H" ;;
	esac
	[ -z "$AS" ] || set -- setpriv --reuid="$AS" --regid="$(id -g "$AS")" --clear-groups "$@"
	t0=$(now_ms)
	set +e
	timeout 5 "$@" >"$T/out" 2>"$T/err"
	RC=$?
	set -e
	MS=$(($(now_ms) - t0))
	MSG=$(grep -h -e "$P" -e '^x ' "$T/out" "$T/err" | head -1 | cut -c1-160)
}

# One input against every verb; $2 lists the expected codes in VERBS order
# (a|b allows either), $3 is "valid" when the input names a real server.
row() {
	input=$1
	kind=$3
	# shellcheck disable=SC2086 # the expected codes are words
	set -- $2
	line="| $input |"
	for v in $VERBS; do
		want=$1
		shift
		[ "$kind" != valid ] || server
		make_input "$input"
		run_verb "$v"
		if [ "$RC" -eq 0 ] && { [ "$v" = start ] || [ "$v" = restart ]; }; then
			reap_started
		fi
		if [ "$kind" = valid ]; then
			kill -KILL "$SRV" 2>/dev/null || true
			wait "$SRV" 2>/dev/null || true
		fi
		case "|$want|" in
		*"|$RC|"*) ok "$input: $v -> $RC (${MS}ms)" ;;
		*) fail "$input: $v -> exit $RC, expected $want: $(cat "$T/err")" ;;
		esac
		# no verb waits on hostile input (a FIFO, a lock): a hang ends at
		# timeout's 5 s; 4 s leaves a loaded machine room for a start
		[ "$MS" -lt 4000 ] || fail "$input: $v took ${MS}ms"
		if [ -z "$MSG" ] && { [ "$kind" != valid ] || [ "$v" != cleanup ]; }; then
			fail "$input: $v names no file: $(cat "$T/out" "$T/err")"
		fi
		canary_untouched || fail "$input: $v signalled the canary: $(cat "$LOG")"
		line="$line $RC: $(echo "${MSG#svcctl: }" | sed "s|$P|x.pid|g" | tr -s ' ') |"
	done
	stop_writer
	echo "$line" >>"$MATRIX"
}

AS=
{
	echo "| input | status | stop | reload | restart | start | list | cleanup |"
	echo "| --- | --- | --- | --- | --- | --- | --- | --- |"
} >"$MATRIX"
INVALID="4 1 1 1 1 0 0"
UNSAFE="4 4 4 4 4 0 0"
# an empty file names no process ("nginx -t" leaves one): not running,
# nothing to signal, replaced by a start
row empty "3 0 7 0 0 0 0" hostile
for input in blanks zero one minus1 minus0 plus hex exp two p2_31 p2_63 digits20 \
	nul nul_first mib binary; do
	row "$input" "$INVALID" hostile
done
# a pid nobody can have: stale, removed by stop, restart, start and cleanup
row above_max "1 0 7 0 0 0 0" hostile
row nonl "0 0 0 0 0 0 0" valid
row crlf "0 0 0 0 0 0 0" valid
for input in fifo dir device; do
	row "$input" "$UNSAFE" hostile
done
if command -v perl >/dev/null; then
	row socket "$UNSAFE" hostile
fi
row changing "1|3|4 0|1 1|7 0|1 0|1 0 0" hostile
# unreadable: the verbs run as nobody
if id nobody >/dev/null 2>&1 && setpriv --reuid=nobody "$SVCCTL" --version >/dev/null 2>&1; then
	AS=nobody
	row unreadable "4 4 4 4 4 0 0" hostile
	AS=
else
	echo "skip: nobody cannot run $SVCCTL"
fi
[ -z "${SVCCTL_HOSTILE_MATRIX:-}" ] || echo "matrix written to $MATRIX"
finish
