# Loaded by every bats file: assertion libraries, paths, and helpers.
bats_require_minimum_version 1.5.0
bats_load_library bats-support
bats_load_library bats-assert
bats_load_library bats-file

TSQ_ROOT=$(cd "$BATS_TEST_DIRNAME/.." && pwd)
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
