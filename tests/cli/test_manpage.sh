#!/bin/sh
# svcctl(1) documents the option table: every option of every verb (and of
# svcctl itself) has an entry of its own in OPTIONS (named in the tag line
# after a .TP), and every --name that OPTIONS mentions is an option.
set -eu
. "$(dirname "$0")/lib.sh"

MAN=$(dirname "$0")/../../packaging/man/svcctl.1
[ -f "$MAN" ] || fail "no man page at $MAN"

# the table: what --list-options gives for each verb and for svcctl alone
"$SVCCTL" --list-options >"$T/table"
for verb in start stop status reload restart list cleanup run; do
	"$SVCCTL" "$verb" --list-options >>"$T/table" || fail "$verb --list-options failed"
done
sort -u "$T/table" -o "$T/table"
[ "$(wc -l <"$T/table")" -gt 30 ] || fail "the table lists only $(wc -l <"$T/table") options"

# roff names: \-\-stale\-age is --stale-age
names() {
	grep -o '\\-\\-[a-z0-9]*\(\\-[a-z0-9]*\)*' | sed 's/\\-/-/g' | sort -u
}
sed -n '/^\.SH OPTIONS/,/^\.SH /p' "$MAN" >"$T/options"
[ -s "$T/options" ] || fail "$MAN has no OPTIONS section"
names <"$T/options" >"$T/mentioned"
sed -n '/^\.TP/{n;p;}' "$T/options" | names >"$T/tagged"

comm -23 "$T/table" "$T/tagged" >"$T/undocumented"
[ ! -s "$T/undocumented" ] ||
	fail "options without an entry in svcctl(1) OPTIONS: $(tr '\n' ' ' <"$T/undocumented")"
comm -13 "$T/table" "$T/mentioned" >"$T/unknown"
[ ! -s "$T/unknown" ] ||
	fail "svcctl(1) OPTIONS names options svcctl does not have: $(tr '\n' ' ' <"$T/unknown")"
ok "$(wc -l <"$T/table") options, each with an entry in svcctl(1)"
finish
