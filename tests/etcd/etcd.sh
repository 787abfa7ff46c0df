# Control of a real etcd on 127.0.0.1, sourced by the etcd tests and by
# bench/etcd.sh: free ports, a data dir under $T (set by the caller), short
# heartbeat and election timeouts (50/500 ms, so a 1-2 s lease TTL works),
# one member, a three-member cluster or an auth-enabled one; every wait
# bounded; members stopped by pid (etcd_stop_all).  Ports come from
# tests/ports.sh, sourced first (by tests/cli/lib.sh, or bench/etcd.sh).
# shellcheck shell=sh disable=SC2034

# Every etcd member started, by pid, for etcd_cleanup.
ETCD_PIDS=""

port_slot 8

# With ETCD_TLS=1 (after etcd_certs), members serve clients over TLS and
# require a client certificate; the files are in $T/tls.
ETCD_TLS=0

# etcd_certs: a CA, and a server (127.0.0.1) and a client certificate it
# signed, in $T/tls: ca.pem, server.pem/.key, client.pem/.key.
etcd_certs() {
	mkdir -p "$T/tls"
	(
		cd "$T/tls" || exit 1
		k="-newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes"
		# shellcheck disable=SC2086
		openssl req -x509 $k -keyout ca.key -out ca.pem -days 2 -subj /CN=test-ca || exit 1
		echo subjectAltName=IP:127.0.0.1 >server.ext
		echo extendedKeyUsage=clientAuth >client.ext
		for n in server client; do
			# shellcheck disable=SC2086
			openssl req $k -keyout $n.key -out $n.csr -subj /CN=$n &&
				openssl x509 -req -in $n.csr -CA ca.pem -CAkey ca.key -CAcreateserial \
					-days 2 -extfile $n.ext -out $n.pem || exit 1
		done
	) >"$T/tls.log" 2>&1
}

# The client's TLS files, for etcdctl (--cacert ...) or curl (--cacert ...).
tls_args() {
	[ "$ETCD_TLS" = 1 ] || return 0
	echo "--cacert $T/tls/ca.pem --cert $T/tls/client.pem --key $T/tls/client.key"
}

# etcdctl against the endpoints of $ETCD_EPS, every request bounded.
ctl() {
	# shellcheck disable=SC2046
	ETCDCTL_API=3 etcdctl --endpoints="$ETCD_EPS" --dial-timeout=2s --command-timeout=5s \
		$(tls_args) "$@"
}

# The scheme of client URLs.
scheme() {
	if [ "$ETCD_TLS" = 1 ]; then echo https; else echo http; fi
}

# etcd_healthy HOST:PORT: does the member answer /health with a leader?
etcd_healthy() {
	# shellcheck disable=SC2046
	curl -sf -m 1 $(tls_args) "$(scheme)://$1/health" 2>/dev/null | grep -q '"health":"true"'
}

# etcd_member NAME CLIENT PEER CLUSTER: start one member in the background;
# its pid goes to ETCD_PIDS and $T/etcd-NAME.pid, its log to $T/etcd-NAME.log.
etcd_member() {
	name=$1 cport=$2 pport=$3 cluster=$4
	shift 4
	if [ "$ETCD_TLS" = 1 ]; then
		set -- --cert-file "$T/tls/server.pem" --key-file "$T/tls/server.key" \
			--trusted-ca-file "$T/tls/ca.pem" --client-cert-auth
	fi
	etcd --name "$name" --data-dir "$T/etcd-$name" \
		--listen-client-urls "$(scheme)://127.0.0.1:$cport" \
		--advertise-client-urls "$(scheme)://127.0.0.1:$cport" \
		--listen-peer-urls "http://127.0.0.1:$pport" \
		--initial-advertise-peer-urls "http://127.0.0.1:$pport" \
		--initial-cluster "$cluster" --initial-cluster-token "svcctl-$$" \
		--initial-cluster-state new --heartbeat-interval 50 --election-timeout 500 \
		--snapshot-count 100000 --logger zap --log-outputs stderr --log-level warn "$@" \
		>"$T/etcd-$name.log" 2>&1 &
	ETCD_PIDS="$ETCD_PIDS $!"
	echo $! >"$T/etcd-$name.pid"
}

# etcd_pid NAME: the pid of a member started by etcd_member.
etcd_pid() {
	cat "$T/etcd-$1.pid"
}

# etcd_wait EP... : wait up to 30 s (a busy 2-core machine starts etcd in
# seconds, not tens of them) until every endpoint answers with a leader;
# 1 when a member died or the time ran out.
etcd_wait() {
	n=0
	for ep in "$@"; do
		until etcd_healthy "$ep"; do
			[ $n -lt 600 ] || return 1
			for p in $ETCD_PIDS; do
				kill -0 "$p" 2>/dev/null || return 1
			done
			sleep 0.05
			n=$((n + 1))
		done
	done
}

# etcd_stop_all [SIGNAL]: stop every member started so far (TERM, or
# SIGNAL; resumed first, as a test may have stopped it) and forget them.
etcd_stop_all() {
	for p in $ETCD_PIDS; do
		kill -CONT "$p" 2>/dev/null || true
		kill -"${1:-TERM}" "$p" 2>/dev/null || true
	done
	for p in $ETCD_PIDS; do
		wait "$p" 2>/dev/null || true
	done
	ETCD_PIDS=""
}

# etcd_cluster N: start an N-member cluster (retried with new ports when a
# port was taken meanwhile).  Sets ETCD_EPS (HOST:PORT,...), ETCD_URL
# (etcd://ETCD_EPS) and ETCD_PID (the first member's pid); members are n1..nN.
etcd_cluster() {
	tries=0
	while [ $tries -lt 5 ]; do
		tries=$((tries + 1))
		cluster="" eps="" i=1
		while [ $i -le "$1" ]; do
			eval "cp$i=$(free_port) pp$i=$(free_port)"
			eval "cluster=\"\${cluster:+\$cluster,}n$i=http://127.0.0.1:\$pp$i\""
			eval "eps=\"\${eps:+\$eps }127.0.0.1:\$cp$i\""
			i=$((i + 1))
		done
		i=1
		for ep in $eps; do
			eval "etcd_member n$i \"\${ep#*:}\" \"\$pp$i\" \"$cluster\""
			i=$((i + 1))
		done
		# shellcheck disable=SC2086
		if etcd_wait $eps; then
			ETCD_EPS=$(echo "$eps" | tr ' ' ',')
			ETCD_URL=etcd://$ETCD_EPS
			if [ "$ETCD_TLS" = 1 ]; then
				ETCD_URL=etcds://$ETCD_EPS
			fi
			ETCD_PID=$(etcd_pid n1)
			return 0
		fi
		echo "etcd did not come up (try $tries): $(tail -n 3 "$T/etcd-n1.log")" >&2
		etcd_stop_all TERM
		rm -rf "$T"/etcd-n*
	done
	echo "cannot start etcd" >&2
	return 1
}

# etcd_start: one member (see etcd_cluster).
etcd_start() {
	etcd_cluster 1
}

# etcd_auth: enable authentication with user root and a random password,
# written to $T/password (mode 600) for --etcd-password-file.
etcd_auth() {
	od -An -N12 -tx1 /dev/urandom | tr -d ' \n' >"$T/password"
	chmod 600 "$T/password"
	# etcdctl creates the root role on its first refusal: its retry warning is noise
	ctl user add "root:$(cat "$T/password")" >/dev/null
	ctl auth enable >/dev/null 2>"$T/auth.err" || {
		cat "$T/auth.err" >&2
		return 1
	}
}

# watchers: how many watchers the first member has now (a waiter on a lock
# watches a key, etcdctl's and svcctl's alike: its rise says one waits).
watchers() {
	curl -sf -m 2 "http://${ETCD_EPS%%,*}/metrics" |
		sed -n 's/^etcd_debugging_mvcc_watcher_total \([0-9]*\).*/\1/p'
}

# watchers_above N: has the watcher count risen above N?
watchers_above() {
	[ "$(watchers)" -gt "$1" ]
}

# keys_under KEY N: does etcd hold at least N keys with prefix KEY?
keys_under() {
	[ "$(ctl get --prefix --keys-only "$1" | grep -c .)" -ge "$2" ]
}

# until_ok MS CMD...: run CMD until it succeeds, up to MS; 1 when it never did.
until_ok() {
	left=$1
	shift
	until "$@"; do
		[ "$left" -gt 0 ] || return 1
		sleep 0.01
		left=$((left - 10))
	done
}
