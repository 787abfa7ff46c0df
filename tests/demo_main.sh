#!/bin/sh
# The README's main job: start the example server with svcctl, show its
# status, reload it, show that the reload took effect, stop it, show status.
# Usage: demo_main.sh BUILD_DIR.  Exits non-zero if any step misbehaves.
set -eu
B=${1:?usage: demo_main.sh BUILD_DIR}
SVCCTL=$B/svcctl/svcctl
SERVER=$B/tests/server/svcctl-example-server
DIR=$(mktemp -d /tmp/svcctl-demo.XXXXXX)
SVCCTL_RUNDIR=${SVCCTL_RUNDIR:-$DIR}
export SVCCTL_RUNDIR
HUPS=$DIR/hups
trap '"$SVCCTL" stop -q demo --retry TERM/2/KILL/2 2>/dev/null || true; rm -rf "$DIR"' EXIT

step() {
	printf '\n$ %s\n' "$*"
	"$@"
}

die() {
	echo "demo: $*" >&2
	exit 1
}

step "$SVCCTL" start demo --notify -- "$SERVER" -H "$HUPS" --status "serving requests" ||
	die "start failed"
step "$SVCCTL" status demo || die "status after start is not 0 (running)"
before=$(cat "$HUPS")
step "$SVCCTL" reload demo || die "reload failed"
# the signal is delivered at once; the 30 s bound only stops a hang
i=0
while [ "$(cat "$HUPS")" = "$before" ] && [ $i -lt 3000 ]; do
	sleep 0.01
	i=$((i + 1))
done
step cat "$HUPS"
[ "$(cat "$HUPS")" = $((before + 1)) ] || die "reload did not take effect"
echo "reload took effect: SIGHUP count $before -> $(cat "$HUPS")"
step "$SVCCTL" stop demo || die "stop failed"
set +e
step "$SVCCTL" status demo
rc=$?
set -e
[ "$rc" -eq 3 ] || die "status after stop is $rc, expected 3 (not running)"
echo
echo "demo: all steps behaved"
