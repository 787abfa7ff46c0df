#!/bin/sh
# Run shellcheck on the installed LSB and OpenRC scripts and on these tests.
# Usage: shellcheck.sh WORK TESTDIR
# shellcheck source=lib.sh
. "$(dirname "$0")/lib.sh"
stage=$1/stage
need shellcheck
[ -d "$stage/usr" ] || fail "no DESTDIR tree at $stage (did the build fixture run?)"
expect 0 "shellcheck sysvinit" shellcheck "$stage/usr/share/svcctl/sysvinit/svcctl-example"
expect 0 "shellcheck -s sh openrc" shellcheck -s sh "$stage/usr/share/svcctl/openrc/svcctl-example"
expect 0 "shellcheck tests" shellcheck -x -P SCRIPTDIR "$2"/*.sh
