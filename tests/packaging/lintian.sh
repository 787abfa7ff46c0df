#!/bin/sh
# lintian reports no errors on the .deb packages; warnings are printed.
# shellcheck source=lib.sh
. "$(dirname "$0")/lib.sh"
work=$1
need lintian
set -- "$work"/build/*.deb
[ -f "$1" ] || fail "no .deb in $work/build (did the build fixture run?)"
out=$(lintian "$@" 2>&1)
echo "$out"
if echo "$out" | grep -q '^E: '; then
	fail "lintian reports errors"
fi
echo "ok: lintian reports no errors"
