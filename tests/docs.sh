#!/bin/sh
# The design documents stay true to the tree: every relative link of
# README.md and docs/*.md names a file inside the repository, no path
# points outside it, every ctest name they cite exists, and every quoted
# CUnit test name in docs/properties.md and docs/threat-model.md is one.
# Usage: docs.sh SRC BUILD CTEST
src=$1
build=$2
ctest=$3
fails=0

fail() {
	echo "FAIL: $*" >&2
	fails=$((fails + 1))
}

top=$(cd "$src" && pwd -P) || exit 1
tmp=$(mktemp -d /tmp/svcctl-docs.XXXXXX) || exit 1
trap 'rm -rf "$tmp"' EXIT
[ -d "$src/docs" ] || fail "no docs/ folder"

# 1. Links: [text](target) with a relative target must resolve inside the tree.
for doc in "$src/README.md" "$src"/docs/*.md; do
	dir=$(dirname "$doc")
	grep -o '](\([^)]*\))' "$doc" | sed 's/^](//; s/)$//; s/#.*//' >"$tmp/links"
	while read -r target; do
		case $target in
		'' | http://* | https://* | mailto:*) continue ;;
		esac
		if [ ! -e "$dir/$target" ]; then
			fail "$doc: link to $target: no such file"
			continue
		fi
		real=$(cd "$(dirname "$dir/$target")" && pwd -P)
		case $real/ in
		"$top"/*) ;;
		*) fail "$doc: link to $target leaves the repository" ;;
		esac
	done <"$tmp/links"
	# a path written out, not linked, must not leave the tree either
	# shellcheck disable=SC2016 # backquotes: Markdown code spans
	if grep -n '`\.\./\.\./\|`\.\./shared\|(\.\./\.\./' "$doc" >"$tmp/out"; then
		fail "$doc: names a path outside the repository: $(cat "$tmp/out")"
	fi
done

# 2. Every test name cited as `area.name` is a ctest test.
(cd "$build" && "$ctest" -N) | sed -n 's/^ *Test *#[0-9]*: *//p' | sort -u >"$tmp/tests"
[ -s "$tmp/tests" ] || fail "ctest -N in $build lists no tests"
# shellcheck disable=SC2016 # backquotes: Markdown code spans
cat "$src"/docs/*.md |
	grep -o '`\(lib\|cli\|pkg\|fuzz\|fault\|scripts\|docs\)\.[a-z_.]*`' |
	tr -d '`' | sort -u >"$tmp/cited"
comm -23 "$tmp/cited" "$tmp/tests" >"$tmp/missing"
[ ! -s "$tmp/missing" ] || fail "docs cite tests ctest does not have: $(tr '\n' ' ' <"$tmp/missing")"
echo "ok: $(wc -l <"$tmp/cited") cited tests exist"

# 3. Quoted CUnit test names exist in the suites (quotes may span lines).
cat "$src"/tests/*.c "$src"/tests/hosts/*.c "$src"/tests/etcd/*.c >"$tmp/suites"
n=0
for doc in "$src/docs/properties.md" "$src/docs/threat-model.md"; do
	tr '\n' ' ' <"$doc" | tr -s ' ' | grep -o '"[^"]*"' | tr -d '"' >"$tmp/quoted"
	while read -r name; do
		n=$((n + 1))
		grep -qF "\"$name\"" "$tmp/suites" || fail "$doc: no CUnit test named \"$name\""
	done <"$tmp/quoted"
done
echo "ok: $n quoted CUnit test names exist"

# 4. docs/design.md names each svcctl/*.c in its file list, and no other.
# shellcheck disable=SC2016 # backquotes: Markdown code spans
sed -n '/^## The files of svcctl/,/^## /p' "$src/docs/design.md" |
	grep -o '`[a-z_]*\.c`' | tr -d '`' | sort -u >"$tmp/listed"
(cd "$src/svcctl" && ls -- *.c) | sort -u >"$tmp/files"
if ! cmp -s "$tmp/listed" "$tmp/files"; then
	fail "docs/design.md lists other svcctl/ files than the tree: $(diff "$tmp/files" "$tmp/listed" | grep '^[<>]' | tr '\n' ' ')"
fi
echo "ok: docs/design.md lists the $(wc -l <"$tmp/files") files of svcctl/"

[ "$fails" -eq 0 ] || exit 1
echo "ok: docs link only inside the repository"
