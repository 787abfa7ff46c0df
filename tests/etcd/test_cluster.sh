#!/bin/sh
# A three-member etcd on loopback: a holder keeps its lease (same token,
# child running, no loss) through another endpoint when the member it
# talks to is killed mid-hold, and a status through the others sees it.
# shellcheck disable=SC2016
set -eu
. "$(dirname "$0")/lib.sh"
etcd_up 3
U=$ETCD_URL

mkfifo "$T/go"
"$SVCCTL" run "$U/ha" --stale-age 2s -- sh -c 'echo "$$ $SVCCTL_LOCK_TOKEN" >"$1"; read -r _ <"$2"' \
	sh "$T/child" "$T/go" >"$T/holder.out" 2>&1 &
holder=$!
wait_file "$T/child" 10000 || fail "the holder's child never ran"
read -r pid tok <"$T/child"

# the first endpoint is the one svcctl talks to first: kill it
kill -KILL "$(etcd_pid n1)"
rest=${ETCD_EPS#*,}
# several TTLs pass: the time passing is what is tested
sleep 6
alive "$pid" || fail "the child died after one etcd member was killed: $(cat "$T/holder.out")"
expect_rc 0 "$SVCCTL" status --json "etcd://$rest/ha"
grep -q "\"token\":$tok," "$T/out" || fail "the token changed: $(cat "$T/out")"
echo go >"$T/go"
set +e
wait "$holder"
rc=$?
set -e
check_rc "$rc" 0 "the holder after losing one etcd member" "$T/holder.out"
expect_rc 3 "$SVCCTL" status "etcd://$rest/ha"
finish
