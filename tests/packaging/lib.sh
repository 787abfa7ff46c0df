# Helpers sourced by the packaging tests: skip with 77, fail with a message.
# shellcheck shell=sh

# Skip the test visibly (ctest SKIP_RETURN_CODE 77) when a tool is missing.
need() {
	for tool in "$@"; do
		command -v "$tool" >/dev/null 2>&1 && continue
		echo "SKIP: $tool is not installed" >&2
		exit 77
	done
}

fail() {
	echo "FAIL: $*" >&2
	exit 1
}

# Run a command and check its exit code: expect CODE WHAT CMD [ARG...].
expect() {
	want=$1
	what=$2
	shift 2
	"$@"
	got=$?
	[ "$got" -eq "$want" ] || fail "$what: exit $got, expected $want ($*)"
	echo "ok: $what -> $got"
}

# Succeed when the file exists (or is a symlink), else fail naming it.
has() {
	[ -e "$1" ] || [ -L "$1" ] || fail "missing from the install tree: $1"
}

# Succeed when process PID is alive and not a zombie (reparented servers may
# stay zombies for a while where PID 1 reaps slowly).
alive() {
	[ -r "/proc/$1/stat" ] || return 1
	state=$(sed 's/^.*) //' "/proc/$1/stat" 2>/dev/null | cut -c1)
	[ -n "$state" ] && [ "$state" != Z ]
}

# Wait for FILE to hold exactly TEXT (the example server's -H file counts
# the SIGHUPs it got), else fail naming what it holds.  The 30 s bound only
# stops a hang: a loaded machine delays a signal by far less.
wait_content() {
	i=0
	while [ "$(cat "$1" 2>/dev/null)" != "$2" ]; do
		i=$((i + 1))
		[ "$i" -le 600 ] || fail "$1: holds '$(cat "$1" 2>/dev/null)', expected '$2'"
		sleep 0.05
	done
	echo "ok: $1 holds $2"
}
