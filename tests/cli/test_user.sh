#!/bin/sh
# -u nobody really runs the server as nobody (uid, gid, groups); needs root.
set -eu
. "$(dirname "$0")/lib.sh"
P=$T/user.pid

if [ "$(id -u)" -ne 0 ] || ! id nobody >/dev/null 2>&1; then
	echo "skipped: needs root and a nobody user"
	exit 77
fi
uid=$(id -u nobody)
gid=$(id -g nobody)
expect_rc 0 "$SVCCTL" start -p "$P" -u nobody -o "$T/log" --notify -- "$SERVER" -m "$T"
pid=$(head -1 "$P")
grep -Eq "^Uid:[[:space:]]+${uid}[[:space:]]+${uid}[[:space:]]+${uid}[[:space:]]+$uid$" "/proc/$pid/status" ||
	fail "server uid: $(grep Uid "/proc/$pid/status")"
grep -Eq "^Gid:[[:space:]]+${gid}[[:space:]]+${gid}[[:space:]]+${gid}[[:space:]]+$gid$" "/proc/$pid/status" ||
	fail "server gid: $(grep Gid "/proc/$pid/status")"
grep -Eq "^Groups:[[:space:]]*($gid)?[[:space:]]*$" "/proc/$pid/status" ||
	fail "server kept root's groups: $(grep Groups "/proc/$pid/status")"
expect_rc 0 "$SVCCTL" stop -p "$P"
expect_rc 0 "$SVCCTL" start -p "$P" -u nobody:root -- "$SERVER" -m "$T"
grep -Eq "^Gid:[[:space:]]+0[[:space:]]" "/proc/$(head -1 "$P")/status" || fail "-u USER:GROUP"
expect_rc 0 "$SVCCTL" stop -p "$P"
expect_rc 2 "$SVCCTL" start -p "$P" -u nobody:no-such-group -- "$SERVER" -m "$T"
# a non-root caller may not switch users
expect_rc 4 setpriv --reuid="$uid" --regid="$gid" --clear-groups \
	"$SVCCTL" start -p "$T/x.pid" -u root -- "$SERVER" -m "$T"
finish
