#!/usr/bin/env bats
# What every binary shares, checked without a database: help, version,
# option errors, connection failures, the dispatcher, man pages in step with
# --help.

setup() {
	load lib/common
	unset TSQ_DB
	export TSQ_HOME="$BATS_TEST_TMPDIR/home"
}

@test "every binary prints help on --help and -? with exit 0" {
	for p in $PROGRAMS; do
		run --separate-stderr "$p" --help
		assert_success
		assert_output --partial "Usage:"
		assert_equal "$stderr" ""
		run --separate-stderr "$p" -?
		assert_success
		assert_output --partial "Usage:"
	done
}

@test "every binary prints its version on --version" {
	for p in $PROGRAMS; do
		run --separate-stderr "$p" --version
		assert_success
		assert_output "$p (tsq) 0.1.0"
	done
}

@test "help or version that cannot be written is exit 1 with one error line" {
	for p in $PROGRAMS; do
		run --separate-stderr bash -c "$p --help >/dev/full"
		assert_equal "$p $status" "$p 1"
		assert_equal "$stderr" "$p: error: could not write to standard output: No space left on device"
		run --separate-stderr bash -c "$p --version >/dev/full"
		assert_equal "$p $status" "$p 1"
	done
}

@test "an unknown option is exit 64 with one error line and a hint" {
	for p in $TOOLS; do
		run --separate-stderr "$p" --no-such-option
		assert_equal "$status" 64
		assert_equal "$output" ""
		assert_equal "$stderr" "$p: error: unrecognized option \"--no-such-option\"
Try \"$p --help\" for more information."
	done
	run --separate-stderr tsq --no-such-option
	assert_equal "$status" 64
	assert_equal "${stderr_lines[0]}" 'tsq: error: unrecognized option "--no-such-option"'
}

@test "a missing option argument is exit 64 naming the option" {
	for p in $TOOLS; do
		run --separate-stderr "$p" -d
		assert_equal "$status" 64
		assert_equal "${stderr_lines[0]}" "$p: error: option \"-d\" requires an argument"
		run --separate-stderr "$p" --log-format
		assert_equal "$status" 64
		assert_equal "${stderr_lines[0]}" "$p: error: option \"--log-format\" requires an argument"
	done
}

@test "a bad --log-format value is exit 64" {
	run --separate-stderr tsq-init --log-format=xml
	assert_equal "$status" 64
	assert_equal "${stderr_lines[0]}" 'tsq-init: error: invalid value "xml" for option --log-format'
}

@test "tsq-stats: a bad --format or an empty --output is exit 64, before connecting" {
	run --separate-stderr tsq-stats -F spark
	assert_equal "$status" 64
	assert_equal "$stderr" 'tsq-stats: error: invalid value "spark" for option --format: expected table, csv, tsv, jsonl, json, markdown or prometheus'
	run --separate-stderr tsq-stats -o ''
	assert_equal "$status" 64
	assert_equal "$stderr" 'tsq-stats: error: --output needs a file name'
}

@test "tsq-compress without an action, or with two, is exit 64" {
	run --separate-stderr tsq-compress
	assert_equal "$status" 64
	assert_equal "${stderr_lines[0]}" "tsq-compress: error: no action given"
	run --separate-stderr tsq-compress --run --show-policies
	assert_equal "$status" 64
	assert_equal "$stderr" "tsq-compress: error: --run and --show-policies cannot be used together: one action per run"
	run --separate-stderr tsq-compress --compress=ohlcv
	assert_equal "$status" 64
	assert_equal "$stderr" "tsq-compress: error: --compress needs --older-than"
	run --separate-stderr tsq-compress --drop=ohlcv --older-than=-3d
	assert_equal "$status" 64
	assert_equal "$stderr" 'tsq-compress: error: invalid value "-3d" for option --older-than: expected a positive duration such as 7d or 12h'
	run --separate-stderr tsq-compress --decompress=ohlcv --from=2024-01-01
	assert_equal "$status" 64
	assert_equal "$stderr" "tsq-compress: error: --decompress needs --from and --to"
	run --separate-stderr tsq-compress --set-policy=ohlcv
	assert_equal "$status" 64
	assert_equal "$stderr" "tsq-compress: error: --set-policy needs the settings, such as compress_after=7d,drop_after=365d"
	run --separate-stderr tsq-compress --run --older-than=7d
	assert_equal "$status" 64
	assert_equal "$stderr" "tsq-compress: error: --older-than goes with --compress or --drop"
}

@test "a bad connection string is exit 2 with one line" {
	run --separate-stderr tsq-init -d "host=/nonexistent-tsq-dir port=5432"
	assert_equal "$status" 2
	assert_equal "${#stderr_lines[@]}" 1
	assert_regex "$stderr" '^tsq-init: error: could not connect to the database: .*nonexistent-tsq-dir'
	run --separate-stderr tsq-init -d "postgresql://[broken"
	assert_equal "$status" 2
	assert_equal "${#stderr_lines[@]}" 1
	run --separate-stderr tsq-init -d "nosuchkeyword=1"
	assert_equal "$status" 2
	assert_regex "$stderr" 'invalid connection option "nosuchkeyword"'
}

@test "tsq-load and tsq-query say they cannot connect with exit 2" {
	run --separate-stderr tsq-load -h /nonexistent-tsq-dir ohlcv /dev/null
	assert_equal "$status" 2
	assert_regex "$stderr" '^tsq-load: error: could not connect to the database: .*nonexistent-tsq-dir'
	run --separate-stderr tsq-query -h /nonexistent-tsq-dir -c 'SELECT 1'
	assert_equal "$status" 2
	assert_regex "$stderr" '^tsq-query: error: could not connect to the database: .*nonexistent-tsq-dir'
}

@test "an unreachable server is exit 2 with one line" {
	run --separate-stderr tsq-init -h 127.0.0.1 -p 1 -w
	assert_equal "$status" 2
	assert_equal "${#stderr_lines[@]}" 1
	assert_regex "$stderr" '^tsq-init: error: could not connect to the database: .*127\.0\.0\.1.*port 1'
}

@test "TSQ_DB names the default connection" {
	TSQ_DB="host=/nonexistent-tsq-db-var" run --separate-stderr tsq-init
	assert_equal "$status" 2
	assert_regex "$stderr" 'nonexistent-tsq-db-var'
}

@test "json log format gives one JSON object per message" {
	run --separate-stderr tsq-init --log-format=json -d "host=/nonexistent-tsq-dir"
	assert_equal "$status" 2
	assert_regex "$stderr" '^\{"program":"tsq-init","level":"error","message":"could not connect to the database: ([^"\\]|\\.)*"\}$'
}

@test "extra arguments are refused by name" {
	run --separate-stderr tsq-init stray
	assert_equal "$status" 64
	assert_equal "${stderr_lines[0]}" 'tsq-init: error: too many command-line arguments (first is "stray")'
}

@test "tsq dispatches to the tools" {
	run --separate-stderr tsq init --version
	assert_success
	assert_output "tsq-init (tsq) 0.1.0"
	run --separate-stderr tsq load --bogus
	assert_equal "$status" 64
	assert_equal "${stderr_lines[0]}" 'tsq-load: error: unrecognized option "--bogus"'
	run --separate-stderr tsq help
	assert_success
	for c in init load query compress stats; do
		assert_line --regexp "^  $c +"
	done
	run --separate-stderr tsq help init
	assert_success
	assert_output --partial "tsq-init [OPTION]..."
	run --separate-stderr tsq frobnicate
	assert_equal "$status" 64
	assert_equal "${stderr_lines[0]}" 'tsq: error: unknown command "frobnicate"'
	run --separate-stderr tsq
	assert_equal "$status" 64
}

@test "--help lists exactly the options the man page documents" {
	for p in $PROGRAMS; do
		run diff <(help_options "$p") <(man_options "$p.1")
		assert_success
		[ -n "$(help_options "$p")" ]
	done
}

@test "man pages are mandoc -Tlint clean" {
	run mandoc -Tlint -W warning "$TSQ_ROOT"/man/*.1 "$TSQ_ROOT"/man/*.7
	assert_success
	assert_output ""
}

# The long options each completion offers for binary $2: bash by running its
# completion function on "--", zsh and fish by reading their definitions.
bash_offers() {
	bash -c "source '$TSQ_ROOT/completions/tsq.bash' && COMP_WORDS=($1 --) COMP_CWORD=1 &&
		_tsq_complete && printf '%s\n' \"\${COMPREPLY[@]}\"" | sort -u
}
zsh_offers() {
	local fn="_${1//-/_}"
	{ awk '/^_tsq_common=\(/,/^\)/' "$TSQ_ROOT/completions/_tsq"
	  awk -v f="$fn() {" '$0 == f { on = 1; next } on && /^}/ { on = 0 } on' "$TSQ_ROOT/completions/_tsq"; } |
		sed 's/\[[^]]*\]//g' | grep -o -- '--[a-z][a-z-]*' | sort -u
}
fish_offers() {
	{ awk '/^function __tsq_common/,/^end/' "$TSQ_ROOT/completions/tsq.fish"
	  grep "^complete -c $1 " "$TSQ_ROOT/completions/tsq.fish"; } |
		grep -o -- '-l [a-z][a-z-]*' | sed 's/^-l /--/' | sort -u
}

@test "each completion offers exactly the long options --help lists, for every tool" {
	for p in $TOOLS; do
		want=$(help_options "$p")
		assert_equal "bash $p: $(bash_offers "$p" | tr '\n' ' ')" "bash $p: $(echo "$want" | tr '\n' ' ')"
		assert_equal "zsh $p: $(zsh_offers "$p" | tr '\n' ' ')" "zsh $p: $(echo "$want" | tr '\n' ' ')"
		assert_equal "fish $p: $(fish_offers "$p" | tr '\n' ' ')" "fish $p: $(echo "$want" | tr '\n' ' ')"
	done
}

@test "completions: option values and tsq's subcommands" {
	run bash -c "source '$TSQ_ROOT/completions/tsq.bash' && COMP_WORDS=(tsq-init --sch) COMP_CWORD=1 && _tsq_complete && printf '%s\n' \"\${COMPREPLY[@]}\""
	assert_success
	assert_output "--schema"
	run bash -c "source '$TSQ_ROOT/completions/tsq.bash' && COMP_WORDS=(tsq i) COMP_CWORD=1 && _tsq_complete && printf '%s\n' \"\${COMPREPLY[@]}\""
	assert_output "init"
}

@test "bash completion offers query names, then the query's parameters" {
	run bash -c '
		source "$1/completions/tsq.bash"
		COMP_WORDS=(tsq-query ba); COMP_CWORD=1; _tsq_complete; echo "${COMPREPLY[*]}"
		COMP_WORDS=(tsq-query -F csv bars ""); COMP_CWORD=4; _tsq_complete; echo "${COMPREPLY[*]}"
		COMP_WORDS=(tsq query rs); COMP_CWORD=2; _tsq_complete; echo "${COMPREPLY[*]}"
		COMP_WORDS=(tsq-load --dedupe ""); COMP_CWORD=2; _tsq_complete; echo "${COMPREPLY[*]}"' _ "$TSQ_ROOT"
	assert_success
	assert_output "bars
symbol= interval= from= to= source=
rsi
last first error"
}
