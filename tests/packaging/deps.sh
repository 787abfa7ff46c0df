#!/bin/sh
# Dependencies are honest: the installed library exports exactly the
# SVCCTL_API functions of pidfile.h and needs only the C library (etcd mode
# dlopens libcurl and json-c when first used), so its pkg-config file and
# CMake package name nothing else; each .deb depends on exactly the packages
# that hold the libraries its programs load, and libsvcctl0 recommends those
# that hold the two it dlopens.
# Usage: deps.sh SRC WORK
# shellcheck source=lib.sh
. "$(dirname "$0")/lib.sh"
src=$1
work=$2
stage=$work/stage
need nm readelf ldd pkg-config dpkg-deb dpkg-query
[ -d "$stage/usr" ] || fail "no DESTDIR tree at $stage (did the build fixture run?)"
libdir=$(dirname "$(find "$stage/usr/lib" -name libsvcctl.so.0 | head -n 1)")
lib=$libdir/libsvcctl.so.0
[ -f "$lib" ] || fail "libsvcctl.so.0 not installed under $stage/usr/lib"
tmp=$(mktemp -d /tmp/svcctl-deps.XXXXXX) || fail "mktemp"
trap 'rm -rf "$tmp"' EXIT

# 1. The dynamic symbol table is the public API, nothing more or less.
sed -n 's/^SVCCTL_API [^(]*[ *]\(svcctl_[a-z_]*\)(.*/\1/p' \
	"$src/lib/include/svcctl/pidfile.h" | sort >"$tmp/api"
[ -s "$tmp/api" ] || fail "no SVCCTL_API functions found in pidfile.h"
nm -D --defined-only "$lib" | awk '{ print $NF }' | sort >"$tmp/exported"
diff "$tmp/api" "$tmp/exported" >"$tmp/diff" ||
	fail "exports differ from pidfile.h (< API only, > exported only): $(cat "$tmp/diff")"
echo "ok: $(wc -l <"$tmp/api") exported symbols, exactly the SVCCTL_API functions"

# 1b. The static archive defines the API and internal svcctl__* names only:
# nothing else of a program linking it can collide with the library's.
archive=$libdir/libsvcctl.a
[ -f "$archive" ] || fail "libsvcctl.a not installed under $stage/usr/lib"
nm -g --defined-only "$archive" | awk 'NF == 3 { print $3 }' | sort -u |
	grep -v '^svcctl__' >"$tmp/globals"
comm -13 "$tmp/api" "$tmp/globals" >"$tmp/stray"
[ ! -s "$tmp/stray" ] ||
	fail "libsvcctl.a defines globals outside the API without the svcctl__ prefix: $(tr '\n' ' ' <"$tmp/stray")"
echo "ok: libsvcctl.a globals are the API and svcctl__* names"

# 2. The library loads nothing but the C library (and the dynamic loader,
# part of it, for the thread-local identity cache's __tls_get_addr), with or
# without etcd mode (which names the sonames it dlopens, and nothing else does)...
needed=$(readelf -d "$lib" | sed -n 's/.*(NEEDED).*\[\(.*\)\]/\1/p' | grep -v '^ld-linux' |
	sort -u | tr '\n' ' ')
[ "$needed" = "libc.so.6 " ] ||
	fail "libsvcctl.so.0 needs $needed: list what it needs in libsvcctl.pc.in, svcctlConfig.cmake.in and here"
etcd=no
! grep -q 'libcurl\.so\.4' "$lib" || etcd=yes
echo "ok: libsvcctl.so.0 needs $needed(etcd mode: $etcd)"

# 3. ...so pkg-config and the CMake package ask for nothing else (only the
# staged tree's modules are seen).
pcdirs=$libdir/pkgconfig
pc() {
	PKG_CONFIG_SYSROOT_DIR=$stage PKG_CONFIG_LIBDIR=$pcdirs pkg-config "$@" libsvcctl
}
req=$(pc --print-requires --print-requires-private) ||
	fail "pkg-config libsvcctl: a module it requires is missing, or the file is broken"
want_req=
req=$(echo "$req" | sed 's/[ <>=].*//' | sort | tr '\n' ' ' | sed 's/ *$//')
[ "$req" = "$want_req" ] || fail "libsvcctl.pc requires '$req'; the library needs '$want_req'"
libs=$(pc --libs) || fail "pkg-config --libs libsvcctl"
case $libs in
"-L$libdir -lsvcctl" | "-L$libdir -lsvcctl ") ;;
*) fail "pkg-config --libs libsvcctl gives '$libs', expected only -lsvcctl" ;;
esac
echo "ok: libsvcctl.pc: requires '$req', --libs: $libs"
if [ "$etcd" = no ]; then
	grep -il 'find_dependency\|pkg_check_modules\|bsd\|INTERFACE_LINK_LIBRARIES' \
		"$libdir"/cmake/svcctl/*.cmake >"$tmp/cmake" &&
		fail "the CMake package names other dependencies: $(cat "$tmp/cmake")"
	echo "ok: the CMake package has no dependencies"
else
	# the static library names threads (the keepalive), and nothing else
	sed -n 's/.*INTERFACE_LINK_LIBRARIES "\(.*\)".*/\1/p' "$libdir"/cmake/svcctl/*.cmake |
		tr ';' '\n' | sed '/^$/d' | sort -u >"$tmp/cmake"
	echo '\$<LINK_ONLY:Threads::Threads>' >"$tmp/cmake.want"
	diff "$tmp/cmake.want" "$tmp/cmake" >"$tmp/diff" ||
		fail "the CMake package's link interface differs (< expected, > found): $(cat "$tmp/diff")"
	grep -l 'pkg_check_modules\|PkgConfig' "$libdir"/cmake/svcctl/*.cmake >"$tmp/cmake" &&
		fail "the CMake package looks for libcurl or json-c: $(cat "$tmp/cmake")"
	echo "ok: the CMake package asks for threads only"
fi

# The package that installed library path SO, whether dpkg recorded it
# under /lib or /usr/lib (merged /usr), or by its real path.
owner_of() {
	for p in "$1" "${1#/usr}" "/usr$1" "$(readlink -f "$1")"; do
		dpkg-query -S "$p" 2>/dev/null | sed -n '1s/[:,].*//p' | grep . && return 0
	done
	echo "?$1" # unowned: shows up in the diff
}

# The package names holding the libraries the ELF files under DIR load
# themselves (their NEEDED entries, not what those load in turn).
needed_pkgs() {
	find "$1" -type f | while read -r f; do
		readelf -h "$f" >/dev/null 2>&1 || continue
		readelf -d "$f" | sed -n 's/.*(NEEDED).*\[\(.*\)\]/\1/p' >"$tmp/needed"
		[ -s "$tmp/needed" ] || continue
		LD_LIBRARY_PATH=$1/usr/lib/$(basename "$libdir") ldd "$f" |
			grep -F -f "$tmp/needed"
	done | sed -n 's/.*=> \(\/[^ ]*\) .*/\1/p' | sort -u | while read -r so; do
		case $so in
		"$1"/*) ;; # a library of these packages: a declared component dependency
		*) owner_of "$so" ;;
		esac
	done | sort -u
}

# The package names of a .deb's field (default Depends), without versions.
depends() {
	dpkg-deb -f "$1" "${2:-Depends}" | tr ',' '\n' | sed 's/^ *//; s/[ (:|].*//' |
		sed '/^$/d' | sort -u
}

# The packages holding the libraries etcd mode dlopens, as the loader finds them.
dlopened_pkgs() {
	for so in libcurl.so.4 libjson-c.so.5; do
		path=$(/sbin/ldconfig -p | sed -n "s/^[[:space:]]*$so (.*) => //p" | head -n 1)
		[ -n "$path" ] || fail "$so: not found by ldconfig -p (etcd mode is built against it)"
		owner_of "$path"
	done | sort -u
}

# 4. Each .deb depends on exactly what its files load (the -dev package:
# the runtime library its libsvcctl.so link points to).
set -- "$work"/build/*.deb
[ -f "$1" ] || fail "no .deb in $work/build (did the build fixture run?)"
for deb in "$@"; do
	pkg=$(dpkg-deb -f "$deb" Package)
	rm -rf "$tmp/root"
	dpkg-deb -x "$deb" "$tmp/root" || fail "$deb: cannot extract"
	case $pkg in
	libsvcctl-dev) echo libsvcctl0 >"$tmp/want" ;;
	*) needed_pkgs "$tmp/root" >"$tmp/want" ;;
	esac
	depends "$deb" >"$tmp/got"
	diff "$tmp/want" "$tmp/got" >"$tmp/diff" ||
		fail "$pkg: Depends '$(dpkg-deb -f "$deb" Depends)' is not what it loads (< needed, > declared): $(cat "$tmp/diff")"
	echo "ok: $pkg depends on $(tr '\n' ' ' <"$tmp/got")"
	# 5. libsvcctl0 recommends what etcd mode dlopens; nothing else recommends
	if [ "$pkg" = libsvcctl0 ] && [ "$etcd" = yes ]; then
		dlopened_pkgs >"$tmp/want"
	else
		: >"$tmp/want"
	fi
	depends "$deb" Recommends >"$tmp/got"
	diff "$tmp/want" "$tmp/got" >"$tmp/diff" ||
		fail "$pkg: Recommends '$(dpkg-deb -f "$deb" Recommends)' is not what it dlopens (< dlopened, > declared): $(cat "$tmp/diff")"
	echo "ok: $pkg recommends $(tr '\n' ' ' <"$tmp/got")"
done
