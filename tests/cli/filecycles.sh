#!/bin/sh
# No cycles between the files of svcctl/: file A uses file B when A's
# object refers to (U) a symbol B's object defines (T, D, B, R).  The
# graph must be acyclic; a cycle fails the test and is named with the
# symbols that make each of its edges.
# Usage: filecycles.sh [-e "A.c B.c SYMBOL"] OBJECT|ARCHIVE...
# -e names an edge the graph must have (default: svcctl's cmd_run.c ->
# hold.c through hold_and_run), so that other objects can be checked too.
set -eu

edge="cmd_run.c hold.c hold_and_run"
if [ "${1:-}" = -e ] && [ $# -ge 2 ]; then
	edge=$2
	shift 2
fi

# Pairs of files allowed to use each other while a cycle is being taken
# apart, as "a.c<->b.c" words; empty when there is none.  A pair listed
# here that no longer uses each other fails the test: the list stays true.
KNOWN_CYCLES=""

[ $# -gt 0 ] || {
	echo "usage: $0 [-e \"A.c B.c SYMBOL\"] OBJECT|ARCHIVE..." >&2
	exit 2
}
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT INT TERM

# "FILE.c TYPE SYMBOL" for each global symbol; an archive member is named
# by what stands between the brackets.
nm -A -P "$@" | awk '{
	f = $1; sub(/:$/, "", f)
	if (f ~ /\[/) { sub(/^.*\[/, "", f); sub(/\].*$/, "", f) }
	sub(/^.*\//, "", f); sub(/\.o(bj)?$/, "", f)
	if ($3 ~ /^[TDBR]$/) print f, "def", $2
	else if ($3 == "U") print f, "use", $2
}' >"$tmp/syms"

# "A B SYMBOL": A uses SYMBOL, defined in B (another file).
awk '$2 == "def" { at[$3] = $1; next }
	{ use[NR] = $0 }
	END { for (i in use) { split(use[i], w, " ")
		if ((w[3] in at) && at[w[3]] != w[1]) print w[1], at[w[3]], w[3] } }' \
	"$tmp/syms" | sort -u >"$tmp/edges"

# the graph must be there: a test that reads no edges proves nothing
if ! grep -qxF "$edge" "$tmp/edges"; then
	echo "FAIL: no edge \"$edge\" found; are these the right objects?" >&2
	exit 1
fi

# Drop the edges of the known cycles, both ways.
stale=0
for pair in $KNOWN_CYCLES; do
	a=${pair%%<->*}
	b=${pair##*<->}
	if grep -q "^$a $b " "$tmp/edges" && grep -q "^$b $a " "$tmp/edges"; then
		echo "known cycle, still there: $a <-> $b"
	else
		echo "FAIL: known cycle $a <-> $b is gone: remove it from KNOWN_CYCLES" >&2
		stale=1
	fi
	awk -v a="$a" -v b="$b" '!(($1 == a && $2 == b) || ($1 == b && $2 == a))' \
		"$tmp/edges" >"$tmp/e" && mv "$tmp/e" "$tmp/edges"
done

# tsort names the files of each loop it breaks: print each loop's edges.
awk '{ print $1, $2 }' "$tmp/edges" | sort -u | tsort >/dev/null 2>"$tmp/loops" || true
if grep -q 'loop' "$tmp/loops"; then
	echo "FAIL: svcctl/ files call each other in a cycle:" >&2
	awk 'NR == FNR { if (/loop/) n++; else if (sub(/^tsort: /, "")) loop[$0] = loop[$0] " " n
		next }
	{ split(loop[$1], x, " "); for (i in x) if (index(loop[$2] " ", " " x[i] " "))
		print "  loop " x[i] ": " $1 " -> " $2 " (" $3 ")" }' \
		"$tmp/loops" "$tmp/edges" | sort >&2
	exit 1
fi
[ "$stale" -eq 0 ] || exit 1
echo "ok: $(awk '{ print $1, $2 }' "$tmp/edges" | sort -u | wc -l) file dependencies, no cycle"
