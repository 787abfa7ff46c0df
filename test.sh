#!/bin/sh
# Build and run every test: the normal build, then the whole suite again
# under AddressSanitizer + UndefinedBehaviorSanitizer, the fuzzers for a
# bounded time, and the library suites under valgrind.  Installs the Debian
# packages it needs when run as root.  Fails on the first failing stage.
# "./test.sh windows" runs the mingw-w64 build and its tests under Wine.
set -eu
cd "$(dirname "$0")"
. ./deps.sh
SVCCTL_TEST_DEPS="clang libclang-rt-14-dev procps util-linux strace shellcheck valgrind
	systemd lintian dpkg-dev file binutils man-db groff-base gzip stress-ng gnuplot-nox
	etcd-server etcd-client curl iproute2 openssl
	nginx-light redis-server redis-tools memcached lighttpd haproxy netcat-openbsd"
# The real servers (tests/real) must not start as system services while
# they are installed: a policy-rc.d that refuses every start (101) is put in
# place for the install, unless one exists.  The tests use their own ports
# and count only their own processes, so a service already running is not
# in their way.
policy=
if [ "$(id -u)" -eq 0 ] && [ ! -e /usr/sbin/policy-rc.d ]; then
	printf '#!/bin/sh\nexit 101\n' >/usr/sbin/policy-rc.d
	chmod 755 /usr/sbin/policy-rc.d
	policy=/usr/sbin/policy-rc.d
fi
unblock() {
	[ -z "$policy" ] || rm -f "$policy"
	policy=
}
trap unblock EXIT
trap 'unblock; exit 1' INT TERM
# shellcheck disable=SC2086
svcctl_deps $SVCCTL_BUILD_DEPS $SVCCTL_TEST_DEPS
unblock
trap - EXIT INT TERM
root=${BUILD_ROOT:-build}
jobs=$(nproc)

stage() {
	printf '\n=== %s\n' "$*"
}

# "./test.sh windows": the mingw-w64 build and its tests under Wine.
if [ "${1:-}" = windows ]; then
	svcctl_deps gcc-mingw-w64-x86-64 wine64 wine dpkg-dev
	stage "Windows build (mingw-w64) and tests under Wine"
	cmake --workflow --preset windows
	exit 0
fi

stage "build and test (gcc, -Wall -Wextra -Werror)"
cmake -S . -B "$root/default" -DCMAKE_BUILD_TYPE=RelWithDebInfo -DSVCCTL_WERROR=ON >/dev/null
cmake --build "$root/default" -j"$jobs"
(cd "$root/default" && ctest --output-on-failure)

stage "build and test under ASan + UBSan (clang)"
CC=clang cmake -S . -B "$root/sanitize" -DCMAKE_BUILD_TYPE=Debug -DSVCCTL_SANITIZE=ON \
	-DSVCCTL_WERROR=ON >/dev/null
cmake --build "$root/sanitize" -j"$jobs"
(cd "$root/sanitize" && SVCCTL_TORTURE_CYCLES=500 \
	ASAN_OPTIONS=detect_leaks=1:abort_on_error=1 UBSAN_OPTIONS=halt_on_error=1:print_stacktrace=1 \
	ctest --output-on-failure)
stage "fuzzing (clang libFuzzer, 60 s in all)"
tests/hardening/fuzz.sh 60

stage "the library suites under valgrind memcheck"
tests/hardening/valgrind.sh "$root/default"

stage "all stages passed"
