# Helpers sourced by the etcd CLI tests: tests/cli/lib.sh (SVCCTL, SERVER,
# the scratch directory $T, expect_rc, alive...) and etcd.sh (a real etcd
# on loopback), with every member stopped by pid on exit.  Exits 77 (skip)
# when etcd is missing.
# shellcheck shell=sh disable=SC2034

if ! command -v etcd >/dev/null 2>&1 || ! command -v etcdctl >/dev/null 2>&1; then
	echo "SKIP: etcd and etcdctl are not installed (Debian: etcd-server etcd-client)"
	exit 77
fi
# shellcheck source=../cli/lib.sh
. "$(dirname "$0")/../cli/lib.sh"

# shellcheck source=etcd.sh
. "$(dirname "$0")/etcd.sh"

# Stop every etcd member by its pid, then clean up as the CLI tests do.
etcd_cleanup() {
	etcd_stop_all KILL
	cleanup
}
trap etcd_cleanup EXIT

# etcd_cluster or exit: a test cannot go on without its etcd.
etcd_up() {
	etcd_cluster "${1:-1}" || {
		echo "FAIL: cannot start etcd" >&2
		exit 1
	}
}

# wait_gone_ms PID MS: wait up to MS for the process to exit; 1 when it did not.
wait_gone_ms() {
	deadline=$(($(now_ms) + $2))
	while alive "$1"; do
		[ "$(now_ms)" -lt "$deadline" ] || return 1
		sleep 0.01
	done
}

# wait_file FILE MS: wait up to MS for FILE to exist and be non-empty.
wait_file() {
	deadline=$(($(now_ms) + $2))
	until [ -s "$1" ]; do
		[ "$(now_ms)" -lt "$deadline" ] || return 1
		sleep 0.01
	done
}

# check_rc GOT WANT WHAT [LOG]: an exit code collected by hand (wait).
check_rc() {
	if [ "$1" -eq "$2" ]; then
		ok "$3 exited $2"
	else
		fail "$3 exited $1, expected $2${4:+: $(cat "$4")}"
	fi
}
