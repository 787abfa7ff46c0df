#!/bin/sh
# Benchmarks of svcctl and libsvcctl against their peers, side by side in
# one run: start-stop-daemon, libbsd pidfile(3), flock(1), dotlockfile,
# lockfile-create and the bare system calls; etcd mode against `etcdctl
# lock` when etcd is installed (bench/etcd.sh).  Builds what it needs
# under build-bench (or $BENCH_BUILD), installs the peers from Debian when root,
# and prints per benchmark median, p99, min and max of every side and the
# median of the per-round ratios, with the targets of the README, and
# draws every benchmark's distribution per side (bench/chart.sh) into
# bench/chart.svg, or $BENCH_CHART.
#
# usage: bench/run.sh [--quick] [--etcd]
#   --quick  a few rounds of everything (CI); fails only when a benchmark
#            is broken, never on a timing; the chart goes to the build
#            directory, and a missing gnuplot only skips it.
#   --etcd   only etcd mode against etcdctl lock (bench/etcd.sh); without
#            it, that part runs last when etcd is installed.
set -eu
here=$(cd "$(dirname "$0")" && pwd)
top=$(dirname "$here")
quick=0 only_etcd=0
for arg in "$@"; do
	case "$arg" in
	--quick) quick=1 ;;
	--etcd) only_etcd=1 ;;
	*) echo "usage: bench/run.sh [--quick] [--etcd]" >&2; exit 2 ;;
	esac
done

# shellcheck source=../deps.sh
. "$top/deps.sh"
# shellcheck disable=SC2086
svcctl_deps $SVCCTL_BUILD_DEPS dpkg util-linux libbsd-dev liblockfile-bin lockfile-progs valgrind
# the chart is a bonus: without gnuplot the numbers still come
svcctl_deps gnuplot-nox || echo "bench: no gnuplot-nox, no chart" >&2

build=${BENCH_BUILD:-$top/build-bench}
echo "building in $build" >&2
cmake -S "$top" -B "$build" -DCMAKE_BUILD_TYPE=RelWithDebInfo -DSVCCTL_SANITIZE=OFF >/dev/null
cmake --build "$build" -j"$(nproc)" --target svcctl svcctl_example_server bench_proc bench_lib \
	bench_stamp bench_judge bench_runfloor bench_stopfloor >/dev/null

SVCCTL=$build/svcctl/svcctl
SERVER=$build/tests/server/svcctl-example-server
PROC=$build/bench/bench-proc
LIB=$build/bench/bench-lib
STAMP=$build/bench/bench-stamp
JUDGE=$build/bench/bench-judge
RUNFLOOR=$build/bench/bench-runfloor
STOPFLOOR=$build/bench/bench-stopfloor
SSD=$(command -v start-stop-daemon || echo /usr/sbin/start-stop-daemon)
TRUE=/bin/true

# Rounds: short cases get >= 100 paired rounds, slow ones fewer.
if [ "$quick" -eq 1 ]; then
	N=5 W=1 NLIB=50 WLIB=5 NSLOW=1 NCONT=1 CYCLES=100 SIZES="100 1000"
	NETCD=2 NFAIL=1 CONT="2 3"
else
	N=200 W=20 NLIB=2000 WLIB=100 NSLOW=3 NCONT=5 CYCLES=2000 SIZES="100 1000 10000 100000"
	NETCD=40 NFAIL=5 CONT="4 25"
fi

# Scratch directories: one on tmpfs, one on the disk the build tree is on.
shm=$(mktemp -d /dev/shm/svcctl-bench.XXXXXX)
mkdir -p "$build/work"
disk=$(mktemp -d "$build/work/svcctl-bench.XXXXXX")
cleanup() {
	# an etcd of bench/etcd.sh left by an interrupted run
	if [ -n "${ETCD_PIDS:-}" ]; then
		etcd_stop_all KILL
	fi
	if [ -f "$shm/live.pid" ]; then
		"$SVCCTL" stop -q -p "$shm/live.pid" -t 2 || true
	fi
	rm -rf "$shm" "$disk"
	rm -f "$BENCH_SAMPLES"
}
# Every sample of every side, for the chart (see stats.c).
BENCH_SAMPLES=$(mktemp "${TMPDIR:-/tmp}/svcctl-bench-samples.XXXXXX")
export BENCH_SAMPLES
trap cleanup EXIT INT TERM
if [ "$quick" -eq 1 ]; then
	chart=${BENCH_CHART:-$build/chart.svg}
else
	chart=${BENCH_CHART:-$here/chart.svg}
fi

echo "svcctl benchmarks, $(date -u +%Y-%m-%dT%H:%MZ)"
echo "machine: $(uname -sr), $(nproc) CPUs, $(sed -n 's/^model name[[:space:]]*: //p' /proc/cpuinfo | head -n1)"
echo "tmpfs dir: $shm; disk dir: $disk ($(df --output=fstype "$disk" | tail -n 1))"
echo "peers: $(dpkg-query -W -f='${Package} ${Version}, ' dpkg libbsd0 util-linux liblockfile-bin lockfile-progs 2>/dev/null)"

# shellcheck source=cases.sh
. "$here/cases.sh"
# shellcheck source=etcd.sh
. "$here/etcd.sh"
if [ "$only_etcd" -eq 1 ]; then
	bench_etcd
	exit
fi
bench_status
bench_callgrind
bench_stop
bench_escalation
bench_start
bench_library
bench_handoff
bench_contention
bench_scale
bench_etcd
echo
note=""
[ "$quick" -eq 1 ] && note=", quick run"
sh "$here/chart.sh" "$BENCH_SAMPLES" "$chart" \
	"$(date -u +%Y-%m-%d), $(uname -sr), $(nproc) CPUs$note" ||
	echo "bench: the chart could not be drawn" >&2
echo "all benchmarks ran"
