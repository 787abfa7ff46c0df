#!/bin/sh
# systemd-analyze verify on the installed units, with their svcctl path
# pointed at the staged svcctl and MANPATH at the staged man pages.
# Usage: systemd.sh WORK
# shellcheck source=lib.sh
. "$(dirname "$0")/lib.sh"
stage=$1/stage
need systemd-analyze
[ -d "$stage/usr" ] || fail "no DESTDIR tree at $stage (did the build fixture run?)"
tmp=$(mktemp -d /tmp/svcctl-units.XXXXXX) || fail "mktemp"
trap 'rm -rf "$tmp"' EXIT
# Documentation=man:svcctl(1) is checked once svcctl.1 is installed
man=yes
if [ ! -e "$stage/usr/share/man/man1/svcctl.1.gz" ]; then
	echo "note: svcctl.1 not installed yet, verifying without --man"
	man=no
fi
for unit in "$stage"/usr/share/svcctl/systemd/*.service; do
	name=$(basename "$unit")
	# a template is verified through an instance
	case $name in
	*@.service) name=${name%@.service}@example.service ;;
	esac
	sed "s#/usr/bin/svcctl #$stage/usr/bin/svcctl #" "$unit" >"$tmp/$name"
	grep -q "^ExecReload=" "$tmp/$name" || fail "$name: no ExecReload="
	# verify exits 0 on ignored lines, so any message counts as a failure
	out=$(MANPATH="$stage/usr/share/man" systemd-analyze verify --man="$man" "$tmp/$name" 2>&1)
	rc=$?
	if [ "$rc" -ne 0 ] || [ -n "$out" ]; then fail "systemd-analyze verify $name (exit $rc): $out"; fi
	echo "ok: systemd-analyze verify $name"
done
