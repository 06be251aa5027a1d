# Loaded by every bats file: assertion libraries, paths, and helpers.
bats_require_minimum_version 1.5.0
# The assertion libraries' own files, sourced directly: their load.bash runs
# dirname in a subshell per file, which under bats's line tracing costs about
# 150 ms at the start of every test.  bats_load_library (which reports what
# it could not find) where a library is not laid out as src/*.bash.  Their
# lines are kept out of bats's line tracing, as bats keeps its own: a failed
# assertion is still reported at its line in the test, and the tracing, which
# makes every command about 30 times as costly, skips the assertions' own
# commands (5 % of the command-line suite's time).
tsq_load_bats_libraries() {
	local lib dir f found
	local -a path
	IFS=: read -r -a path <<<"${BATS_LIB_PATH:-/usr/lib/bats}"
	for lib in bats-support bats-assert bats-file; do
		found=
		for dir in "${path[@]}"; do
			[ -d "$dir/$lib/src" ] || continue
			for f in "$dir/$lib"/src/*.bash; do
				# shellcheck disable=SC1090
				source "$f"
			done
			declare -F bats_add_debug_exclude_path >/dev/null &&
				bats_add_debug_exclude_path "$dir/$lib/"
			found=1
			break
		done
		[ -n "$found" ] || bats_load_library "$lib"
	done
}
tsq_load_bats_libraries

# bats gives the test file's directory as an absolute path.  No subshell:
# bats loads this file at the start of every test, and the two subshells
# this file and db.bash once ran cost 25 ms of each test's 155 ms set-up.
TSQ_ROOT=${BATS_TEST_DIRNAME%/*}
TOOLS="tsq-init tsq-load tsq-query tsq-compress tsq-stats"
# Every test works in a directory of its own: the backends run side by side,
# and a file one test writes must not meet another's (or land in the tree).
if [ -n "${BATS_TEST_TMPDIR:-}" ]; then
	cd "$BATS_TEST_TMPDIR" || exit 1
fi
PROGRAMS="tsq $TOOLS"

# The long options a man page documents in its OPTIONS section.
man_options() {
	MANWIDTH=200 mandoc -Tascii "$TSQ_ROOT/man/$1" | col -b |
		awk '/^OPTIONS/ { on = 1; next } /^[A-Z]/ { on = 0 } on' |
		grep -o -- '--[a-z][a-z-]*' | sort -u
}

# The long options a binary's --help lists.
help_options() {
	"$1" --help | grep -o -- '--[a-z][a-z-]*' | sort -u
}

# A command that must be refused: it exits WANT_STATUS with exactly MESSAGE
# on standard error.  refused 64 "tsq-x: error: ..." tsq-x --bad
refused() {
	local want_status=$1 message=$2
	shift 2
	run --separate-stderr "$@"
	assert_equal "$status" "$want_status"
	assert_equal "$stderr" "$message"
}

# Exactly N lines of the last run's standard error match PATTERN (grep's).
assert_stderr_count() {
	local n
	n=$(grep -c -- "$2" <<<"$stderr")
	assert_equal "$n" "$1"
}
