#!/bin/sh
# make deps: install the Debian packages tsq needs to build, test and demo.
# As root it installs what is missing; otherwise it prints the apt-get line.
set -eu
pkgs="build-essential pkg-config libpq-dev libcsv-dev libjansson-dev zlib1g-dev libzstd-dev
postgresql postgresql-client bats bats-assert bats-support bats-file mandoc bsdextrautils
gzip zstd time pgloader"
missing=""
for p in $pkgs; do
	dpkg-query -W -f='${Status}\n' "$p" 2>/dev/null | grep -q '^install ok installed$' ||
		missing="$missing $p"
done
# Node.js (with npm) runs the TimescaleDB test server; any install of it will do.
if ! command -v node >/dev/null 2>&1 || ! command -v npm >/dev/null 2>&1; then
	missing="$missing nodejs npm"
fi
if [ -z "$missing" ]; then
	echo "deps: everything is installed"
	exit 0
fi
if [ "$(id -u)" -ne 0 ]; then
	echo "deps: run as root:"
	echo "  apt-get update && apt-get install -y$missing"
	exit 1
fi
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq
apt-get install -y -qq --no-install-recommends $missing
