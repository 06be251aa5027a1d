#!/usr/bin/env bats
# tsq-init --local: the private PostgreSQL cluster under $TSQ_HOME, and the
# other tools finding it when given no connection.

setup_file() {
	# Not under bats' own temporary directory: as root the server runs as
	# "postgres", which must be able to enter every directory above it.
	TSQ_LOCAL_TMP=$(mktemp -d "${TMPDIR:-/tmp}/tsq-local.XXXXXX")
	chmod 755 "$TSQ_LOCAL_TMP"
	export TSQ_LOCAL_TMP TSQ_HOME="$TSQ_LOCAL_TMP/home"
}

teardown_file() {
	tsq-init --local --stop >/dev/null 2>&1 || true
	rm -rf "$TSQ_LOCAL_TMP"
}

setup() {
	load lib/common
	load lib/cluster
	unset TSQ_DB PGHOST PGPORT PGDATABASE PGUSER
	# The private database uses TimescaleDB when this PostgreSQL has it.
	if [ -f "$(tsq_pg_pkglibdir)/timescaledb.so" ]; then KIND=timescaledb; else KIND=postgres; fi
}

@test "local: with no database named and none answering, every tool says how to get one" {
	[ ! -S /var/run/postgresql/.s.PGSQL.5432 ] || skip "a server answers on the default socket"
	for tool in tsq-init tsq-load tsq-query tsq-stats tsq-compress; do
		args=()
		[ "$tool" = tsq-load ] && args=(ohlcv /dev/null)
		[ "$tool" = tsq-query ] && args=(-c 'SELECT 1')
		[ "$tool" = tsq-compress ] && args=(--run)
		run -2 --separate-stderr "$tool" "${args[@]}"
		assert_equal "${stderr_lines[1]}" "$tool: hint: no database was named and no server answered: \"tsq-init --local\" makes a private one that every tool then uses, or name one with -d CONNINFO or TSQ_DB"
		# A database named gets no such hint.
		run -2 --separate-stderr "$tool" -d "host=/nonexistent-tsq-dir" "${args[@]}"
		assert_equal "${#stderr_lines[@]}" 1
	done
}

@test "local: creates, starts and fills a private database" {
	run -0 --separate-stderr tsq-init --local
	assert_output "host=$TSQ_HOME/run port=5432 dbname=tsq user=tsq"
	assert_regex "$stderr" 'started the local database'
	assert_regex "$stderr" 'created database "tsq"'
	assert_regex "$stderr" "\"public\" is ready \\($KIND"
	assert_file_exists "$TSQ_HOME/data/PG_VERSION"
	[ -S "$TSQ_HOME/run/.s.PGSQL.5432" ]
	run -0 psql -X -At "host=$TSQ_HOME/run dbname=tsq user=tsq" -c "SELECT count(*) FROM pg_tables WHERE tablename IN ('ohlcv', 'trades', 'quotes', 'symbols')"
	assert_output "4"
	run -0 psql -X -At "host=$TSQ_HOME/run dbname=tsq user=tsq" -c "SHOW listen_addresses"
	assert_output ""
}

@test "local: a second run has nothing to do" {
	run -0 --separate-stderr tsq-init --local
	assert_output "host=$TSQ_HOME/run port=5432 dbname=tsq user=tsq"
	assert_regex "$stderr" 'is up to date'
	refute_regex "$stderr" 'started'
}

@test "local: tools given no connection use the local database" {
	run -0 --separate-stderr tsq-init
	assert_regex "$stderr" "\"public\" is up to date \\($KIND"
	# An explicit connection still wins.
	run --separate-stderr tsq-init -d "host=/nonexistent-tsq-dir"
	assert_equal "$status" 2
}

@test "local: --stop stops it, and tools then fail to connect" {
	run -0 --separate-stderr tsq-init --local --stop
	assert_regex "$stderr" 'stopped the local database'
	run --separate-stderr tsq-init
	assert_equal "$status" 2
	assert_equal "${stderr_lines[1]}" 'tsq-init: hint: the local database (tsq-init --local) is stopped: "tsq-init --local" starts it'
	run -2 --separate-stderr tsq-query -c 'SELECT 1'
	assert_equal "${stderr_lines[1]}" 'tsq-query: hint: the local database (tsq-init --local) is stopped: "tsq-init --local" starts it'
	# As the hint says.
	run -0 --separate-stderr tsq-init --local
	assert_regex "$stderr" 'started the local database'
	run -0 --separate-stderr tsq-query -F csv --no-header -c 'SELECT 1'
	assert_output 1
	run -0 --separate-stderr tsq-init --local --stop
	run -0 --separate-stderr tsq-init --local --stop
	assert_regex "$stderr" 'is not running'
}

@test "local: --local with connection options is a usage error" {
	run --separate-stderr tsq-init --local -d tsq
	assert_equal "$status" 64
}

@test "local: a cluster made before TimescaleDB was installed is set to load it and restarted" {
	[ -f "$(tsq_pg_pkglibdir)/timescaledb.so" ] || skip "TimescaleDB is not installed on this machine"
	export TSQ_HOME="$TSQ_LOCAL_TMP/older"
	# As an earlier tsq-init --local left it: a running cluster preloading nothing.
	tsq-init --local -q >/dev/null
	tsq-init --local --stop -q
	sed -i '/timescaledb/d' "$TSQ_HOME/data/postgresql.conf"
	tsq_as_server "$(tsq_pg_bindir)/pg_ctl" -D "$TSQ_HOME/data" -w -l "$TSQ_HOME/log/postgresql.log" start >/dev/null
	psql -X -q "host=$TSQ_HOME/run dbname=postgres user=tsq" -c "DROP DATABASE tsq"
	run -0 psql -X -At "host=$TSQ_HOME/run dbname=postgres user=tsq" -c "SHOW shared_preload_libraries"
	assert_output ""
	run -0 --separate-stderr tsq-init --local
	assert_regex "$stderr" 'restarting the local database to load TimescaleDB'
	assert_regex "$stderr" '"public" is ready \(timescaledb 2\.'
	run -0 psql -X -At "host=$TSQ_HOME/run dbname=tsq user=tsq" -c "SHOW shared_preload_libraries" -c "SELECT count(*) FROM timescaledb_information.hypertables"
	assert_output "timescaledb
3"
	tsq-init --local --stop -q
}
