#!/bin/sh
# Fixture: build the tree as a packager does (prefix /usr, no tests), stage it
# with DESTDIR and make the .deb packages with cpack.  Usage: build.sh SRC WORK CC
# shellcheck source=lib.sh
. "$(dirname "$0")/lib.sh"
src=$1
work=$2
cc=$3
need cpack dpkg-deb
rm -rf "$work"
mkdir -p "$work" || fail "cannot create $work"
cmake -S "$src" -B "$work/build" -DCMAKE_INSTALL_PREFIX=/usr \
	-DCMAKE_BUILD_TYPE=RelWithDebInfo -DBUILD_TESTING=OFF \
	-DCMAKE_C_COMPILER="$cc" >"$work/configure.log" 2>&1 ||
	{ cat "$work/configure.log"; fail "configure"; }
cmake --build "$work/build" -j 2 >"$work/build.log" 2>&1 ||
	{ tail -40 "$work/build.log"; fail "build"; }
DESTDIR="$work/stage" cmake --install "$work/build" >"$work/install.log" 2>&1 ||
	{ cat "$work/install.log"; fail "install with DESTDIR"; }
(cd "$work/build" && cpack -G DEB) >"$work/cpack.log" 2>&1 ||
	{ cat "$work/cpack.log"; fail "cpack -G DEB"; }
ls "$work/build"/*.deb || fail "cpack made no .deb"
