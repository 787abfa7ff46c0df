#!/bin/sh
# etcds:// against an etcd that serves TLS and requires a client
# certificate: the --etcd-cacert/--etcd-cert/--etcd-key options and their
# SVCCTL_ETCD_* variables reach the connection; a missing client
# certificate or an unknown CA is refused with exit 4.
# shellcheck disable=SC2016,SC2119
set -eu
. "$(dirname "$0")/lib.sh"
command -v openssl >/dev/null || {
	echo "SKIP: openssl is not installed"
	exit 77
}
etcd_certs || {
	cat "$T/tls.log" >&2
	exit 1
}
ETCD_TLS=1
etcd_up
U=$ETCD_URL
case $U in etcds://*) ;; *) fail "the address is $U, expected etcds://" ;; esac
C=$T/tls

expect_rc 0 "$SVCCTL" run "$U/tls" --etcd-cacert "$C/ca.pem" --etcd-cert "$C/client.pem" \
	--etcd-key "$C/client.key" -- sh -c 'test "$SVCCTL_LOCK_KEY" = tls -a "$SVCCTL_LOCK_TOKEN" -gt 0'
SVCCTL_ETCD_CACERT=$C/ca.pem SVCCTL_ETCD_CERT=$C/client.pem SVCCTL_ETCD_KEY=$C/client.key
export SVCCTL_ETCD_CACERT SVCCTL_ETCD_CERT SVCCTL_ETCD_KEY
expect_rc 3 "$SVCCTL" status "$U/tls"
expect_rc 0 "$SVCCTL" list "$U/"
# the server asks for a client certificate: none is refused
unset SVCCTL_ETCD_CERT SVCCTL_ETCD_KEY
expect_rc 4 "$SVCCTL" status "$U/tls"
# a CA that did not sign the server's certificate
expect_rc 4 "$SVCCTL" status "$U/tls" --etcd-cacert "$C/client.pem" --etcd-cert "$C/client.pem" \
	--etcd-key "$C/client.key"
# plain etcd:// to a TLS port is not answered as etcd
expect_rc 4 "$SVCCTL" status "etcd://${U#etcds://}/tls"
finish
