#!/bin/sh
# An etcd with authentication: the right password (option or environment)
# holds and reads keys; a wrong one, or none, is refused with exit 4.
# shellcheck disable=SC2016,SC2119
set -eu
. "$(dirname "$0")/lib.sh"
etcd_up
etcd_auth
U=$ETCD_URL

expect_rc 0 "$SVCCTL" run "$U/secure" --etcd-user root --etcd-password-file "$T/password" -- \
	sh -c 'test "$SVCCTL_LOCK_TOKEN" -gt 0'
SVCCTL_ETCD_USER=root SVCCTL_ETCD_PASSWORD_FILE=$T/password
export SVCCTL_ETCD_USER SVCCTL_ETCD_PASSWORD_FILE
expect_rc 3 "$SVCCTL" status "$U/secure"
echo wrong >"$T/wrong"
expect_rc 4 "$SVCCTL" status "$U/secure" --etcd-password-file "$T/wrong"
grep -q "refused the credentials" "$T/out" || fail "wrong password message: $(cat "$T/out")"
expect_rc 4 "$SVCCTL" run "$U/secure" --etcd-password-file "$T/wrong" -- true
unset SVCCTL_ETCD_USER SVCCTL_ETCD_PASSWORD_FILE
expect_rc 4 "$SVCCTL" status "$U/secure"
finish
