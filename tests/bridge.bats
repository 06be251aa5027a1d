#!/usr/bin/env bats
# The PGlite bridge carries what libpq clients send: simple and extended
# queries, COPY in both directions, errors inside transactions, and one
# session after another with nothing left over between them.

export TSQ_TEST_BACKEND=pglite
load lib/suite

setup() {
	suite_setup --keep
}

@test "bridge: simple query protocol" {
	run -0 --separate-stderr tsq_psql -c "SELECT 1 + 1, 'x' || 'y'"
	assert_output "2|xy"
}

@test "bridge: TimescaleDB is installed" {
	run -0 --separate-stderr tsq_psql -c "SELECT extversion FROM pg_extension WHERE extname = 'timescaledb'"
	assert_output --regexp '^2\.[0-9]+'
}

@test "bridge: extended protocol with parameters" {
	run -0 --separate-stderr pqexec 'SELECT $1::int * 2, upper($2), $3::text IS NULL' 21 abc ''
	assert_output "42|ABC|f"
	run --separate-stderr pqexec 'SELECT $1::int' notanumber
	assert_equal "$status" 1
	assert_regex "$stderr" 'invalid input syntax for type integer'
	run -0 --separate-stderr pqexec 'SELECT 7'
	assert_output "7"
}

@test "bridge: COPY FROM STDIN of 100,000 rows and COPY TO STDOUT" {
	tsq_psql -c "DROP TABLE IF EXISTS bridge_copy" -c "CREATE TABLE bridge_copy (n int, s text)"
	seq 1 100000 | awk '{ print $1 ",row " $1 }' >"$BATS_TEST_TMPDIR/rows.csv"
	run -0 --separate-stderr tsq_psql -c "\\copy bridge_copy FROM '$BATS_TEST_TMPDIR/rows.csv' CSV"
	run -0 --separate-stderr tsq_psql -c "SELECT count(*), sum(n), min(s), max(n) FROM bridge_copy"
	assert_output "100000|5000050000|row 1|100000"
	run -0 --separate-stderr tsq_psql -c "COPY (SELECT n, s FROM bridge_copy WHERE n % 25000 = 0 ORDER BY n) TO STDOUT CSV"
	assert_output "25000,row 25000
50000,row 50000
75000,row 75000
100000,row 100000"
}

@test "bridge: a failing COPY reports the error and keeps the session usable" {
	tsq_psql -c "DROP TABLE IF EXISTS bridge_bad" -c "CREATE TABLE bridge_bad (n int)"
	printf '1\nnope\n3\n' >"$BATS_TEST_TMPDIR/bad.csv"
	run -0 --separate-stderr psql -X -At -c "\\copy bridge_bad FROM '$BATS_TEST_TMPDIR/bad.csv' CSV" -c "SELECT count(*) FROM bridge_bad"
	assert_regex "$stderr" 'invalid input syntax for type integer: "nope"'
	assert_output "0"
}

@test "bridge: an error inside a transaction aborts it until ROLLBACK" {
	run -0 --separate-stderr psql -X -At -c "BEGIN" -c "SELECT 1/0" -c "SELECT 1" -c "ROLLBACK" -c "SELECT 'after'"
	assert_regex "$stderr" 'division by zero'
	assert_regex "$stderr" 'current transaction is aborted'
	assert_line "after"
}

@test "bridge: two clients one after the other see a fresh session" {
	run -0 --separate-stderr psql -X -At -c "CREATE TEMP TABLE mine (x int)" -c "SET application_name = 'first'" -c "PREPARE p AS SELECT 1" -c "BEGIN" -c "SELECT 'left open'"
	run -0 --separate-stderr tsq_psql -c "SELECT to_regclass('pg_temp.mine') IS NULL, current_setting('application_name') <> 'first', (SELECT count(*) FROM pg_prepared_statements), current_setting('search_path')"
	assert_output 't|t|0|"$user", public'
}

@test "bridge: a second client waits while the first is connected" {
	( psql -X -At -c "SELECT pg_sleep(1)" -c "CREATE TABLE IF NOT EXISTS queued (who text)" -c "INSERT INTO queued VALUES ('first')" >/dev/null ) &
	sleep 0.3
	run --separate-stderr tsq_psql -c "INSERT INTO queued VALUES ('second')" -c "SELECT string_agg(who, ',') FROM queued"
	wait
	assert_success
	assert_output "first,second"
}
