# Free TCP ports on 127.0.0.1 for the tests, sourced by tests/cli/lib.sh,
# tests/real/lib.sh and bench/etcd.sh.
# shellcheck shell=sh

# port_slot SLOT: take ports from slot SLOT (0-8) from now on, the 1400
# ports from 20000 + SLOT * 1400.  All lie below the kernel's ephemeral range
# (32768-60999 by default), so no outgoing connection (an etcd member's to
# its peer, say) is handed a port we chose and have not bound yet; tests run
# side by side use different slots, so none picks a port another has just
# freed and will bind again.  Slots: real servers 0-6, CLI tests 7, etcd 8
# (tests/etcd/etcd_server.c takes the same one).
port_slot() {
	PORT_BASE=$((20000 + $1 * 1400))
}
port_slot 7

# free_port: a port of the slot that nothing holds now, proven by binding it.
free_port() {
	i=0
	while [ $i -lt 100 ]; do
		i=$((i + 1))
		port=$((PORT_BASE + $(od -An -N2 -tu2 /dev/urandom) % 1400))
		perl -MSocket -e 'socket(S, PF_INET, SOCK_STREAM, 0) or exit 1;
			bind(S, sockaddr_in($ARGV[0], inet_aton("127.0.0.1"))) or exit 1' \
			"$port" && echo "$port" && return 0
	done
	echo "no free port on 127.0.0.1 in $PORT_BASE-$((PORT_BASE + 1399)) after 100 tries" >&2
	return 1
}
