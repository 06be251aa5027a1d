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
