# What every database suite shares (load it at the top of the .bats file):
# one server for the whole file, started before its first test and stopped
# after its last, on the backend TSQ_TEST_BACKEND names (tests/lib/db.bash).
# A file's setup() calls suite_setup first: the libraries loaded, the
# database emptied (not with --keep: the tests then start from what they
# make), and the test's own scratch directory.

setup_file() {
	load lib/db
	tsq_db_start
}

teardown_file() {
	load lib/db
	tsq_db_stop
}

suite_setup() {
	load lib/common
	load lib/db
	[ "${1:-}" = --keep ] || tsq_db_reset
	cd "$BATS_TEST_TMPDIR" || return 1
}

# A test's first step after its skip lines, in the suites whose setup keeps
# the database (a skipped test costs no set-up): tsq-init's schema on an
# empty database, TimescaleDB's jobs held; DBNAME: the database's name.
suite_fresh_schema() {
	tsq_db_reset
	tsq_db_init
	tsq_hold_jobs
	# The database's name as the server gives it (PGlite's is template1).
	DBNAME=$(tsq_psql -c "SELECT current_database()")
}

# For the suites of tsq-query: TA-Lib's reference (tests/lib/indicators),
# no user configuration or query path from the environment.
suite_query_env() {
	load lib/indicators
	export XDG_CONFIG_HOME="$BATS_TEST_TMPDIR/config"
	unset TSQ_FORMAT TSQ_QUERY_PATH
}
