#!/bin/sh
# The main job: build svcctl, then start, query, reload and stop the example
# server with it.  Installs the Debian build packages when run as root.
set -eu
cd "$(dirname "$0")"
. ./deps.sh
# shellcheck disable=SC2086
svcctl_deps $SVCCTL_BUILD_DEPS
build=$(pwd)/${BUILD_DIR:-build}
cmake -S . -B "$build" -DCMAKE_BUILD_TYPE=RelWithDebInfo >/dev/null
cmake --build "$build" -j"$(nproc)" >/dev/null
exec sh tests/demo_main.sh "$build"
