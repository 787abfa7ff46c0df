#!/bin/sh
# Install the .deb packages with dpkg into a scratch root, run the installed
# svcctl, check the files and remove the packages again; the root is deleted.
# shellcheck source=lib.sh
. "$(dirname "$0")/lib.sh"
work=$1
need dpkg dpkg-deb
set -- "$work"/build/*.deb
[ -f "$1" ] || fail "no .deb in $work/build (did the build fixture run?)"
root=$(mktemp -d /tmp/svcctl-dpkg.XXXXXX) || fail "mktemp"
trap 'rm -rf "$root"' EXIT
mkdir -p "$root/var/lib/dpkg/info" "$root/var/lib/dpkg/updates" "$root/var/lib/dpkg/triggers"
: >"$root/var/lib/dpkg/status"
: >"$root/var/lib/dpkg/available"
# libc6 and libbsd0 live in the host, not in the scratch root
dpkg="dpkg --root=$root --log=/dev/null --force-depends --force-script-chrootless --force-not-root"
# shellcheck disable=SC2086
$dpkg -i "$@" || fail "dpkg -i $*"
# shellcheck disable=SC2086
$dpkg -l | grep -E '^ii +(svcctl|libsvcctl0|libsvcctl-dev) ' || fail "packages not installed"
libdir=$(dirname "$(find "$root/usr/lib" -name libsvcctl.so.0 | head -n 1)")
ver=$(LD_LIBRARY_PATH=$libdir "$root/usr/bin/svcctl" --version) ||
	fail "installed svcctl --version failed"
echo "ok: installed svcctl --version: $ver"
case $ver in
*[0-9].[0-9]*) ;;
*) fail "svcctl --version printed no version: $ver" ;;
esac
# the installed svcctl really works: status of an absent pidfile is 3
expect 3 "installed svcctl status (absent)" env LD_LIBRARY_PATH="$libdir" \
	"$root/usr/bin/svcctl" status -q -p "$root/none.pid"
# shellcheck disable=SC2086
$dpkg -L svcctl | grep -q '^/usr/share/svcctl/sysvinit/svcctl-example$' ||
	fail "svcctl package lacks the LSB script"
# shellcheck disable=SC2086
$dpkg -L svcctl | grep -q '^/usr/share/bash-completion/completions/svcctl$' ||
	fail "svcctl package lacks the bash completion"
# shellcheck disable=SC2086
$dpkg --purge svcctl libsvcctl-dev libsvcctl0 || fail "dpkg --purge"
[ ! -e "$root/usr/bin/svcctl" ] || fail "svcctl left behind after purge"
echo "ok: installed, ran and purged"
