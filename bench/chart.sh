#!/bin/sh
# Draw the samples bench/run.sh collected as one SVG chart: a panel per
# benchmark, a box per side (svcctl and every peer) from the 25th to the
# 75th percentile with the median across it and whiskers from the minimum
# to the 99th percentile, on a log scale of microseconds; svcctl's sides
# in blue, the peers' and the floors' in grey.
#
# usage: bench/chart.sh SAMPLES OUT.svg [SUBTITLE]
#   SAMPLES: lines "benchmark<TAB>side<TAB>microseconds", in run order.
# Never fails the caller: without gnuplot it says so and exits 0.
set -eu
samples=$1 out=$2 sub=${3:-}
if ! command -v gnuplot >/dev/null 2>&1; then
	echo "chart: gnuplot is not installed (Debian: gnuplot-nox); no chart" >&2
	exit 0
fi
if [ ! -s "$samples" ]; then
	echo "chart: no samples in $samples; no chart" >&2
	exit 0
fi
work=$(mktemp -d "${TMPDIR:-/tmp}/svcctl-chart.XXXXXX")
trap 'rm -rf "$work"' EXIT INT TERM

# Number benchmarks and sides in order of appearance, sort the values.
awk -F '\t' -v OFS='\t' '
	!($1 in b) { b[$1] = ++nb; t[nb] = $1 }
	!(($1, $2) in s) { s[$1, $2] = ++ns }
	{ print b[$1], s[$1, $2], $1, $2, $3 }
	END { for (i = 1; i <= nb; i++) print t[i] > "/dev/stderr" }
' "$samples" 2>"$work/titles" | sort -t "$(printf '\t')" -k1,1n -k2,2n -k5,5g >"$work/sorted"

# One block per benchmark (blocks apart by two blank lines, for "index"):
# x, side, min, p25, median, p75, p99, colour.
awk -F '\t' '
	function q(p,  i) { i = int(p * n + 0.999999); if (i < 1) i = 1; if (i > n) i = n; return v[i] }
	function flush() {
		if (n == 0) return
		if (bench != "" && bench != last) {
			if (last != "") { printf "\n\n"; print x > counts }
			last = bench; x = 0
		}
		x++
		gsub(/"/, "", side)
		ours = side ~ /svcctl|write_locked/ && side !~ /^floor/
		printf "%d \"%s\" %g %g %g %g %g %d\n", x, side, v[1], q(0.25), q(0.5), q(0.75), \
			q(0.99), ours ? 3368618 : 10066329
		n = 0
	}
	{ key = $1 SUBSEP $2; if (key != cur) { flush(); cur = key; bench = $1; side = $4 } v[++n] = $5 }
	END { flush(); printf "\n"; print x > counts }
' counts="$work/counts" "$work/sorted" >"$work/data"

nb=$(wc -l <"$work/titles")
cols=3
rows=$(((nb + cols - 1) / cols))
{
	printf 'set terminal svg size %d,%d dynamic noenhanced font "sans,10" background rgb "white"\n' \
		$((cols * 560)) $((rows * 330 + 60))
	printf 'set output "%s"\n' "$out"
	printf 'set multiplot layout %d,%d title "%s"\n' "$rows" "$cols" \
		"svcctl benchmarks: box 25th-75th percentile, line median, whiskers min-99th percentile${sub:+\\n$sub}"
	printf 'set logscale y\nset ylabel "microseconds"\nset grid ytics\nset key off\n'
	printf 'set style fill solid 0.45 border -1\nset boxwidth 0.5\n'
	printf 'set xtics rotate by 20 right font ",8" nomirror\nset bmargin 6\nset lmargin 14\n'
	i=0
	paste "$work/counts" "$work/titles" >"$work/panels"
	while IFS="$(printf '\t')" read -r count title; do
		t=$(printf '%s' "$title" | sed 's/"/\\"/g')
		printf 'set title "%s" font ",9"\nset xrange [0.5:%d.5]\n' "$t" "$count"
		printf 'plot "%s" index %d using 1:4:3:7:6:8:xticlabels(2) with candlesticks whiskerbars lc rgb variable notitle, ' \
			"$work/data" "$i"
		printf '"" index %d using 1:5:5:5:5 with candlesticks lt -1 lw 2 notitle\n' "$i"
		i=$((i + 1))
	done <"$work/panels"
	printf 'unset multiplot\n'
} >"$work/chart.gp"
gnuplot "$work/chart.gp"
echo "chart: $out"
