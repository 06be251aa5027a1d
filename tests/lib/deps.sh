#!/bin/sh
# make deps: install what tsq needs to build, test, fuzz, demo and benchmark.
# As root it installs the missing Debian packages, then TimescaleDB and Citus
# for the machine's PostgreSQL (tests/lib/extensions.sh); otherwise it prints
# the apt-get line.  A second run finds everything there and does nothing.
set -eu
here=$(cd "$(dirname "$0")" && pwd)
pkgs="build-essential pkg-config libpq-dev libssl-dev libcsv-dev libjansson-dev zlib1g-dev libzstd-dev
postgresql postgresql-client postgresql-server-dev-15 liblz4-dev libkrb5-dev cmake
bats bats-assert bats-support bats-file mandoc bsdextrautils jq gzip zstd time pgloader
clang libclang-rt-14-dev prometheus prometheus-node-exporter cron libfast-float-dev
libdouble-conversion-dev fish"
missing=""
for p in $pkgs; do
	dpkg-query -W -f='${Status}\n' "$p" 2>/dev/null | grep -q '^install ok installed$' ||
		missing="$missing $p"
done
# Node.js (with npm) runs the PGlite test server; any install of it will do.
if ! command -v node >/dev/null 2>&1 || ! command -v npm >/dev/null 2>&1; then
	missing="$missing nodejs npm"
fi
if [ -n "$missing" ]; then
	if [ "$(id -u)" -ne 0 ]; then
		echo "deps: run as root:"
		echo "  apt-get update && apt-get install -y postgresql-15$missing"
		exit 1
	fi
	export DEBIAN_FRONTEND=noninteractive
	apt-get update -qq
	# postgresql-15 is named so that the server is upgraded together with
	# its headers: extensions are built against, and must load into, the same
	# release.
	apt-get install -y -qq --no-install-recommends postgresql-15 $missing
else
	echo "deps: every package is installed"
fi
bash "$here/extensions.sh"
