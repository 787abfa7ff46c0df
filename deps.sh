#!/bin/sh
# Install the Debian packages a build needs (as root), or print the apt-get
# line to run.  Usage: . ./deps.sh; svcctl_deps PACKAGE...
svcctl_deps() {
	missing=""
	for pkg in "$@"; do
		dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q "ok installed" ||
			missing="$missing $pkg"
	done
	[ -z "$missing" ] && return 0
	if [ "$(id -u)" -ne 0 ]; then
		echo "missing packages; run as root: apt-get install -y$missing" >&2
		return 1
	fi
	echo "installing:$missing" >&2
	export DEBIAN_FRONTEND=noninteractive
	# package names hold no blanks: split the list into arguments
	# shellcheck disable=SC2086
	set -- $missing
	apt-get install -y -q --no-install-recommends "$@" >/dev/null 2>&1 ||
		{ apt-get update -q >/dev/null && apt-get install -y -q --no-install-recommends "$@"; }
}

# What every build needs (read by the scripts that source this file).
# shellcheck disable=SC2034
SVCCTL_BUILD_DEPS="gcc make cmake pkg-config libbsd-dev libcunit1-dev libcurl4-openssl-dev libjson-c-dev"
