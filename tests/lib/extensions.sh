#!/bin/bash
# make deps, second half: TimescaleDB and Citus as native extensions of the
# machine's PostgreSQL, for the test servers and the benchmarks.
#
# Neither has a Debian package.  For each: nothing to do when the server's
# library directory already holds it.  Otherwise the prebuilt files beside
# its source tarball are used when they work here (they load, and for
# TimescaleDB the scheduler can run a job), else the source is built.  With
# neither, one line says where to get the extension; the tests of that
# backend are then skipped with the same reason.
#
#   TSQ_TIMESCALEDB_SRC  default ../shared/vendor/timescaledb-2.28.3.tar.gz
#   TSQ_CITUS_SRC        default ../shared/vendor/citus-13.2.2.tar.gz
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
vendor=$(cd "$root/.." && pwd)/shared/vendor
TSQ_TIMESCALEDB_SRC=${TSQ_TIMESCALEDB_SRC:-$vendor/timescaledb-2.28.3.tar.gz}
TSQ_CITUS_SRC=${TSQ_CITUS_SRC:-$vendor/citus-13.2.2.tar.gz}
. "$here/cluster.bash"

say() { echo "deps: $*"; }

if ! command -v pg_config >/dev/null 2>&1; then
	say "pg_config is missing (postgresql-server-dev-15): cannot install TimescaleDB or Citus"
	exit 1
fi
pkglibdir=$(pg_config --pkglibdir)
pgmajor=$(pg_config --version | sed -E 's/^PostgreSQL ([0-9]+).*/\1/')
pgminor=$(pg_config --version | sed -E 's/^PostgreSQL [0-9]+\.([0-9]+).*/\1/')
work=$(mktemp -d "${TMPDIR:-/tmp}/tsq-deps.XXXXXX")
chmod 755 "$work"
trap 'tsq_cluster_stop "$work/check"; rm -rf "$work"' EXIT

# NAME-VERSION.tar.gz -> VERSION
version_of() { basename "$1" .tar.gz | sed -E 's/^[a-z]+-//'; }

# The prebuilt files beside SRC, when they were made for this kind of machine.
prebuilt_for() {
	local p=${1%.tar.gz}-pg$pgmajor-bookworm-amd64.tar.gz
	[ -f "$p" ] || return 1
	[ "$(dpkg --print-architecture 2>/dev/null)" = amd64 ] || return 1
	grep -q '^12\.' /etc/debian_version 2>/dev/null || return 1
	echo "$p"
}

# check NAME: a throwaway server preloading NAME creates the extension; for
# TimescaleDB its scheduler must also run a job (one that commits) to success.
check() {
	local name=$1 i status
	tsq_cluster_stop "$work/check"
	rm -rf "$work/check"
	echo "it does not load; see its log" >"$work/reason"
	tsq_cluster_start "$work/check" "$work/check/sock" 5432 "shared_preload_libraries = '$name'" \
		"timescaledb.telemetry_level = off" "max_worker_processes = 16" \
		>"$work/check.log" 2>&1 || return 1
	local psql=(psql -X -q -A -t -v ON_ERROR_STOP=1 -h "$work/check/sock" -p 5432 -U postgres -d postgres)
	"${psql[@]}" -c "CREATE EXTENSION $name" >>"$work/check.log" 2>&1 || return 1
	if [ "$name" = timescaledb ]; then
		"${psql[@]}" >>"$work/check.log" 2>&1 <<'SQL' || return 1
CREATE PROCEDURE tsq_check(job_id int, config jsonb) LANGUAGE plpgsql AS $$
BEGIN
    CREATE TABLE IF NOT EXISTS tsq_check_ran (at timestamptz);
    COMMIT;
    INSERT INTO tsq_check_ran VALUES (now());
END $$;
SELECT add_job('tsq_check', '1 hour', initial_start => now());
SQL
		for i in $(seq 1 60); do
			status=$("${psql[@]}" -c "SELECT last_run_status FROM timescaledb_information.job_stats s
				JOIN timescaledb_information.jobs j USING (job_id) WHERE j.proc_name = 'tsq_check'")
			case $status in
			Success) break ;;
			Failed)
				echo "its scheduler cannot run a job: $("${psql[@]}" -c "SELECT err_message FROM timescaledb_information.job_errors LIMIT 1")" >"$work/reason"
				return 1 ;;
			esac
			sleep 0.5
		done
		[ "$status" = Success ] || { echo "its scheduler ran no job within 30 s" >"$work/reason"; return 1; }
	fi
	tsq_cluster_stop "$work/check"
}

# Remove what extracting tarball $1 at / put there.
unextract() {
	tar tzf "$1" | while read -r f; do
		case $f in */) ;; *) rm -f "/$f" ;; esac
	done
}

build_timescaledb() {
	local src=$1 dir p
	tar xzf "$src" -C "$work"
	dir=$work/timescaledb-$(version_of "$src")
	for p in "$here"/patches/timescaledb-"$(version_of "$src")"-*.patch; do
		[ -f "$p" ] && patch -s -p1 -d "$dir" <"$p"
	done
	(cd "$dir" && ./bootstrap -DCMAKE_BUILD_TYPE=Release -DREGRESS_CHECKS=OFF -DTAP_CHECKS=OFF \
		-DUSE_OPENSSL=OFF -DWARNINGS_AS_ERRORS=OFF -DSEND_TELEMETRY_DEFAULT=NO &&
		cd build && make -j"$(nproc)" && make install) >"$work/build.log" 2>&1
}

build_citus() {
	local src=$1 dir
	tar xzf "$src" -C "$work"
	dir=$work/citus-$(version_of "$src")
	# PostgreSQL 15.14 and later declare a function Citus 13.2.2 defines too.
	if [ "$pgmajor" = 15 ] && [ "$pgminor" -ge 14 ] && [ -f "${src%.tar.gz}-pg15.patch" ]; then
		patch -s -p1 -d "$dir" <"${src%.tar.gz}-pg15.patch"
	fi
	(cd "$dir" && ./configure --without-libcurl && make -j"$(nproc)" && make install) \
		>"$work/build.log" 2>&1
}

# install NAME LABEL SRC WHERE: see the top of this file.
install() {
	local name=$1 label=$2 src=$3 where=$4 version prebuilt
	version=$(version_of "$src")
	if [ -f "$pkglibdir/$name.so" ]; then
		say "$label is installed ($pkglibdir/$name.so)"
		return 0
	fi
	if [ ! -f "$src" ]; then
		say "$label is not installed and its source $src is missing: its tests will be skipped; $where"
		return 0
	fi
	if [ "$(id -u)" -ne 0 ]; then
		say "$label is not installed: run \"make deps\" as root to install it from $src"
		return 1
	fi
	if prebuilt=$(prebuilt_for "$src"); then
		tar xzf "$prebuilt" -C /
		if check "$name"; then
			say "installed $label $version from $prebuilt"
			return 0
		fi
		say "the prebuilt $label does not work with PostgreSQL $pgmajor.$pgminor here ($(cat "$work/reason")); building it from source"
		unextract "$prebuilt"
	fi
	say "building $label $version from $src (a few minutes)..."
	if ! "build_$name" "$src"; then
		tail -n 30 "$work/build.log" >&2
		say "could not build $label"
		return 1
	fi
	if ! check "$name"; then
		cat "$work/check.log" >&2
		say "$label was built but does not work"
		return 1
	fi
	say "installed $label $version, built from $src"
}

rc=0
install timescaledb TimescaleDB "$TSQ_TIMESCALEDB_SRC" \
	"TimescaleDB comes from Timescale's apt repository (https://docs.timescale.com/self-hosted/latest/install/)" || rc=1
install citus Citus "$TSQ_CITUS_SRC" \
	"Citus comes from Citus Data's packages (https://docs.citusdata.com/en/stable/installation/)" || rc=1
exit $rc
