#!/bin/sh
# A server project outside the tree builds against the installed library with
# pkg-config and with find_package(svcctl CONFIG), and the installed svcctl
# starts and stops each build.  Usage: consumer.sh CONSUMER_SRC WORK CC
# shellcheck source=lib.sh
. "$(dirname "$0")/lib.sh"
csrc=$1
stage=$2/stage
cc=$3
need pkg-config cmake readelf
[ -d "$stage/usr" ] || fail "no DESTDIR tree at $stage (did the build fixture run?)"
libdir=$(dirname "$(find "$stage/usr/lib" -name libsvcctl.so.0 | head -n 1)")
tmp=$(mktemp -d /tmp/svcctl-consumer.XXXXXX) || fail "mktemp"
trap 'rm -rf "$tmp"' EXIT
cp "$csrc/server.c" "$csrc/CMakeLists.txt" "$tmp/" || fail "copy consumer sources"

# pkg-config sees only the staged tree, none of the host's modules: the
# library's .pc file and CMake package must need nothing else (libbsd, and
# libcurl or json-c, which etcd mode dlopens)
PKG_CONFIG_LIBDIR=$libdir/pkgconfig
export PKG_CONFIG_LIBDIR

# 1. pkg-config, against the staged tree as a sysroot
flags=$(PKG_CONFIG_SYSROOT_DIR=$stage pkg-config --cflags --libs libsvcctl) ||
	fail "pkg-config libsvcctl"
echo "pkg-config: $flags"
# shellcheck disable=SC2086
"$cc" -Wall -Wextra -o "$tmp/server-pc" "$tmp/server.c" $flags -Wl,-rpath,"$libdir" ||
	fail "build with pkg-config"

# 2. find_package(svcctl CONFIG): shared and static targets
cmake -S "$tmp" -B "$tmp/build" -DCMAKE_PREFIX_PATH="$stage/usr" \
	-DCMAKE_C_COMPILER="$cc" >"$tmp/configure.log" 2>&1 ||
	{ cat "$tmp/configure.log"; fail "configure with find_package(svcctl CONFIG)"; }
cmake --build "$tmp/build" >"$tmp/build.log" 2>&1 ||
	{ cat "$tmp/build.log"; fail "build with find_package"; }

svcctl() {
	LD_LIBRARY_PATH=$libdir "$stage/usr/bin/svcctl" "$@"
}

# The installed svcctl starts the server, which writes its own locked pidfile.
run_server() {
	bin=$1
	pidfile=$tmp/$(basename "$bin").pid
	expect 0 "$bin: start" svcctl start -q -p "$pidfile" --wait-pidfile -- "$bin" "$pidfile"
	expect 0 "$bin: status" svcctl status -q -p "$pidfile"
	pid=$(head -n 1 "$pidfile") || fail "$pidfile: unreadable"
	tr '\0' ' ' <"/proc/$pid/cmdline" | grep -q "$bin" ||
		fail "$pidfile: pid $pid is not $bin"
	[ -e "$pidfile.lock" ] || fail "$pidfile.lock: missing (write_locked not used?)"
	expect 0 "$bin: stop" svcctl stop -q -p "$pidfile"
	[ ! -e "$pidfile" ] || fail "$pidfile: left after stop"
	alive "$pid" && fail "pid $pid still alive after stop"
	expect 3 "$bin: status after stop" svcctl status -q -p "$pidfile"
}

run_server "$tmp/server-pc"
run_server "$tmp/build/server-cmake"
run_server "$tmp/build/server-static"
readelf -d "$tmp/server-pc" | grep -q 'NEEDED.*libsvcctl.so.0' ||
	fail "server-pc does not link libsvcctl.so.0"
echo "ok: pkg-config and find_package consumers started and stopped"
