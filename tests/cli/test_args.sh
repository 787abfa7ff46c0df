#!/bin/sh
# Arguments: help, version, usage errors (exit 2) for every verb.
set -eu
. "$(dirname "$0")/lib.sh"

expect_rc 0 "$SVCCTL" --help
grep -q "usage: svcctl" "$T/out" || fail "--help prints no usage"
expect_rc 0 "$SVCCTL" --version
grep -q "^svcctl [0-9]" "$T/out" || fail "--version prints no version"
for verb in start stop status reload restart list cleanup run; do
	expect_rc 0 "$SVCCTL" "$verb" --help
	grep -q "usage: svcctl $verb" "$T/out" || fail "$verb --help prints no usage"
	# every option of the verb, and only those, each on a line with its meaning
	sed -n 's/^  \(-[a-zA-Z], \)\{0,1\} *\(--[a-z-]*\)\( [^ ]*\)\{0,1\}   *[^ ].*/\2/p' "$T/out" |
		sort >"$T/listed"
	"$SVCCTL" "$verb" --list-options | sort >"$T/opts"
	[ -s "$T/opts" ] && cmp -s "$T/opts" "$T/listed" ||
		fail "$verb --help lists other options than $verb --list-options: $(diff "$T/opts" "$T/listed" | tr '\n' ' ')"
	! grep -q '.\{81\}' "$T/out" || fail "$verb --help has lines over 80 columns"
	cat "$T/opts" >>"$T/all"
done
# the verb check agrees with the help: a listed option is taken, any other refused
sort -u "$T/all" -o "$T/all"
for verb in start stop status reload restart list cleanup run; do
	"$SVCCTL" "$verb" --list-options >"$T/opts"
	while read -r opt; do
		set +e
		"$SVCCTL" "$verb" "$opt" >/dev/null 2>"$T/err"
		rc=$?
		set -e
		if grep -qxF -- "$opt" "$T/opts"; then
			! grep -q "is not for" "$T/err" || fail "$verb refuses its own $opt: $(cat "$T/err")"
		elif [ "$rc" -ne 2 ] || ! grep -q "\"$opt\": $opt is not for $verb" "$T/err"; then
			fail "$verb $opt: exit $rc, $(cat "$T/err")"
		fi
	done <"$T/all"
done
ok "each verb takes the options its --help lists, and refuses the others by name"
expect_rc 2 "$SVCCTL"
expect_rc 2 "$SVCCTL" frobnicate
expect_rc 2 "$SVCCTL" stop
expect_rc 2 "$SVCCTL" stop -p "$T/a.pid" extra
expect_rc 2 "$SVCCTL" stop -p "$T/a.pid" name
expect_rc 2 "$SVCCTL" stop -p "$T/a.pid" -s NOSUCHSIG
expect_rc 2 "$SVCCTL" stop -p "$T/a.pid" -t 10x
expect_rc 2 "$SVCCTL" stop -p "$T/a.pid" --retry TERM/x
expect_rc 2 "$SVCCTL" stop -p "$T/a.pid" --retry 5/5
expect_rc 2 "$SVCCTL" stop -p "$T/a.pid" --json
expect_rc 2 "$SVCCTL" status -p "$T/a.pid" -C /
grep -q 'invalid option "-C"' "$T/err" || fail "rejected option not named: $(cat "$T/err")"
expect_rc 2 "$SVCCTL" status -p "$T/a.pid" -u no-such-user-here
expect_rc 3 "$SVCCTL" status -p "$T/a.pid" -u nobody
expect_rc 2 "$SVCCTL" start -p "$T/a.pid"
expect_rc 2 "$SVCCTL" start -p "$T/a.pid" --umask 999 -- /bin/true
expect_rc 2 "$SVCCTL" start -p "$T/a.pid" -e NOEQUALS -- /bin/true
expect_rc 2 "$SVCCTL" start -p "$T/a.pid" --notify fd:1 -- /bin/true
expect_rc 2 "$SVCCTL" start -p "$T/a.pid" --ready-timeout soon -- /bin/true
expect_rc 2 "$SVCCTL" start -p "$T/a.pid" -u no-such-user-here -- /bin/true
expect_rc 2 "$SVCCTL" start ../evil -- /bin/true
expect_rc 2 "$SVCCTL" run -p "$T/a.pid" -w never -- /bin/true
expect_rc 2 "$SVCCTL" run -p "$T/a.pid" -w -- /bin/true
expect_rc 2 "$SVCCTL" list extra
grep -q "usage: svcctl list" "$T/err" || fail "bad list arguments print no usage line"
[ ! -e "$T/a.pid" ] || fail "a usage error created a pidfile"

# an option refused as such (no value, or a valid one) is named without an empty value
expect_rc 2 "$SVCCTL" list --pid 3 --mine
grep -q "^svcctl: --mine: --pid and --mine exclude each other$" "$T/err" ||
	fail "--pid with --mine: $(head -1 "$T/err")"
expect_rc 2 "$SVCCTL" start -p "$T/a.pid" --foreground --wait-pidfile -- /bin/true
grep -q "^svcctl: --foreground: the readiness tests are for detached starts$" "$T/err" ||
	fail "--foreground with a readiness test: $(head -1 "$T/err")"
expect_rc 2 "$SVCCTL" run -p "$T/a.pid" --refresh -- /bin/true
! grep -qF '""' "$T/err" || fail "--refresh without --stale-age names an empty value: $(head -1 "$T/err")"
finish
