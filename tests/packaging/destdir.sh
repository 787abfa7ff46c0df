#!/bin/sh
# The DESTDIR tree holds every installed file at its GNUInstallDirs place,
# with a SONAME'd library, and a man page or link per public function.
# shellcheck source=lib.sh
. "$(dirname "$0")/lib.sh"
src=$1
stage=$2/stage
need man readelf
[ -d "$stage/usr" ] || fail "no DESTDIR tree at $stage (did the build fixture run?)"
libdir=$(find "$stage/usr/lib" -name 'libsvcctl.so.0' -exec dirname {} \; | head -n 1)
[ -n "$libdir" ] || fail "libsvcctl.so.0 not installed under $stage/usr/lib"
for f in usr/bin/svcctl usr/include/svcctl/pidfile.h usr/include/svcctl/export.h \
	usr/share/man/man3/libsvcctl.3.gz \
	usr/share/svcctl/systemd/svcctl-example.service usr/share/svcctl/systemd/svcctl@.service \
	usr/share/svcctl/sysvinit/svcctl-example usr/share/svcctl/openrc/svcctl-example \
	usr/share/bash-completion/completions/svcctl; do
	has "$stage/$f"
done
# svcctl.1 is written with the command line; installed once it exists
if [ -f "$src/packaging/man/svcctl.1" ]; then
	has "$stage/usr/share/man/man1/svcctl.1.gz"
else
	echo "note: packaging/man/svcctl.1 does not exist yet, svcctl(1) not checked"
fi
# the bash completion is the one the installed svcctl prints, defining _svcctl
comp=$stage/usr/share/bash-completion/completions/svcctl
grep -q '^complete -F _svcctl svcctl$' "$comp" || fail "$comp does not complete svcctl with _svcctl"
echo "ok: bash completion installed"
for f in libsvcctl.so libsvcctl.a libsvcctl.so.0.1.0 pkgconfig/libsvcctl.pc \
	cmake/svcctl/svcctlConfig.cmake cmake/svcctl/svcctlConfigVersion.cmake \
	cmake/svcctl/svcctlTargets.cmake; do
	has "$libdir/$f"
done
soname=$(readelf -d "$libdir/libsvcctl.so.0.1.0" | sed -n 's/.*SONAME.*\[\(.*\)\]/\1/p')
[ "$soname" = libsvcctl.so.0 ] || fail "SONAME is '$soname', expected libsvcctl.so.0"
echo "ok: SONAME $soname"
# every SVCCTL_API function of the public header has a page that renders cleanly
funcs=$(sed -n 's/^SVCCTL_API [^(]*[ *]\(svcctl_[a-z_]*\)(.*/\1/p' "$src/lib/include/svcctl/pidfile.h")
[ -n "$funcs" ] || fail "no SVCCTL_API functions found in pidfile.h"
n=0
for fn in $funcs; do
	page=$stage/usr/share/man/man3/$fn.3.gz
	has "$page"
	out=$(LC_ALL=C.UTF-8 MANWIDTH=80 man --warnings -l "$page" 2>&1 >/dev/null)
	[ -z "$out" ] || fail "$page: $out"
	n=$((n + 1))
done
echo "ok: $n functions, each with a man page"
if grep -rlI "$2" "$stage" >/dev/null 2>&1; then
	fail "build paths leak into installed files: $(grep -rlI "$2" "$stage")"
fi
echo "ok: no build paths in installed files"
