#!/bin/sh
# etcd mode loads libcurl and json-c on the first etcd:// call: a plain
# pidfile never maps them, and when they cannot be loaded (pointed at a
# missing file, or at a library without their functions, through
# SVCCTL_ETCD_LIBCURL / SVCCTL_ETCD_LIBJSONC) every etcd:// verb fails at
# once with the clear error, runs nothing and crashes nothing.  Needs no
# etcd: nothing is sent anywhere.
# shellcheck disable=SC2016
set -eu
# shellcheck source=../cli/lib.sh
. "$(dirname "$0")/../cli/lib.sh"
trap cleanup EXIT
# port 1 on loopback: were a library loaded after all, the request would be
# refused (exit 4 with "not reachable"), not give the message checked here
U=etcd://127.0.0.1:1/app
MSG="etcd mode needs libcurl.so.4 and libjson-c.so.5: not found"

# a plain pidfile: svcctl and its child run with neither library mapped
expect_rc 0 "$SVCCTL" run -p "$T/plain.pid" -- sh -c 'cat /proc/$PPID/maps >"$1"' sh "$T/maps"
if grep -E 'libcurl|libjson-c' "$T/maps"; then
	fail "svcctl mapped libcurl or json-c without an etcd:// path"
else
	ok "a plain pidfile loads neither library"
fi

# each verb, each library missing, and a library lacking the functions
for lib in SVCCTL_ETCD_LIBCURL=/nonexistent/libcurl.so.4 \
	SVCCTL_ETCD_LIBJSONC=/nonexistent/libjson-c.so.5 SVCCTL_ETCD_LIBCURL=libc.so.6; do
	expect_rc 4 env "$lib" "$SVCCTL" status "$U/one"
	grep -qF "$MSG" "$T/out" "$T/err" || fail "status with $lib: $(cat "$T/out" "$T/err")"
	expect_rc 1 env "$lib" "$SVCCTL" run "$U/one" -- touch "$T/ran"
	grep -qF "$MSG" "$T/err" || fail "run with $lib: $(cat "$T/err")"
	[ ! -e "$T/ran" ] || fail "run with $lib ran its command"
	expect_rc 1 env "$lib" "$SVCCTL" list "$U/"
	grep -qF "$MSG" "$T/err" || fail "list with $lib: $(cat "$T/err")"
	ok "etcd:// with $lib: the clear error"
done

# the same override does not touch a plain pidfile
expect_rc 3 env SVCCTL_ETCD_LIBCURL=/nonexistent "$SVCCTL" status -p "$T/none.pid"
finish
