# Config generators for the real-server tests: every server listens only on
# 127.0.0.1:PORT and keeps every file it writes inside DIR.
# shellcheck shell=sh

# nginx_conf DIR PORT BODY DAEMON PIDFILE: "return 200 BODY" on /;
# DAEMON is on or off (nginx writes PIDFILE in both cases).
nginx_conf() {
	cat >"$1/nginx.conf" <<EOF
daemon $4;
worker_processes 2;
error_log $1/error.log;
pid $5;
events { worker_connections 64; }
http {
	access_log off;
	client_body_temp_path $1/body;
	proxy_temp_path $1/proxy;
	fastcgi_temp_path $1/fastcgi;
	uwsgi_temp_path $1/uwsgi;
	scgi_temp_path $1/scgi;
	server {
		listen 127.0.0.1:$2;
		location / { return 200 "$3\n"; }
	}
}
EOF
}

# redis_conf DIR PORT MODE: MODE fg (daemonize no), daemon (daemonize yes,
# writes DIR/redis.pid) or notify (supervised systemd).  The process title
# is left alone so the command line still names DIR.
redis_conf() {
	cat >"$1/redis.conf" <<EOF
port $2
bind 127.0.0.1
dir $1
save ""
appendonly no
set-proc-title no
EOF
	case $3 in
	daemon) printf 'daemonize yes\npidfile %s/redis.pid\nlogfile %s/redis.log\n' "$1" "$1" ;;
	notify) printf 'daemonize no\nsupervised systemd\n' ;;
	*) printf 'daemonize no\n' ;;
	esac >>"$1/redis.conf"
}

# memcached_args PORT: the listening options (memcached has no config file);
# as root it must be told a user.
memcached_args() {
	echo "-l 127.0.0.1 -p $1 -U 0 -m 16 -c 64"
	[ "$(id -u)" -ne 0 ] || echo "-u root"
}

# lighttpd_conf DIR PORT BODY [PIDFILE]: serve DIR/BODY/index.html, which
# holds BODY; errors go to stderr (svcctl -o).
lighttpd_conf() {
	mkdir -p "$1/$3"
	echo "$3" >"$1/$3/index.html"
	cat >"$1/lighttpd.conf" <<EOF
server.bind = "127.0.0.1"
server.port = $2
server.document-root = "$1/$3"
index-file.names = ("index.html")
EOF
	[ -z "${4:-}" ] || echo "server.pid-file = \"$4\"" >>"$1/lighttpd.conf"
}

# haproxy_conf DIR PORT BODY: a frontend answering BODY itself; no stats
# socket, no backend.
haproxy_conf() {
	cat >"$1/haproxy.cfg" <<EOF
global
	maxconn 64
defaults
	mode http
	timeout connect 5s
	timeout client 10s
	timeout server 10s
frontend fe
	bind 127.0.0.1:$2
	http-request return status 200 content-type text/plain string "$3"
EOF
}

# Append a line no server accepts, so FILE fails its config test.
break_conf() {
	echo "this-is-not-a-directive 1;" >>"$1"
}

# The body served on / (empty when nothing answers); a 10 s bound, wide for
# a loaded machine.
http_body() {
	curl -s -m 10 --noproxy '*' "http://127.0.0.1:$1/" 2>/dev/null | tr -d '\r\n'
}
