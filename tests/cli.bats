#!/usr/bin/env bats
# What every binary shares, checked without a database: help, version,
# option errors, connection failures, the dispatcher, man pages in step with
# --help.

setup() {
	load lib/common
	unset TSQ_DB
	export TSQ_HOME="$BATS_TEST_TMPDIR/home"
}

# What every binary shares, one test per binary and behaviour (below), so a
# failure in one binary does not hide the others'.
check_help() {
	run -0 --separate-stderr "$1" --help
	assert_output --partial "Usage:"
	assert_equal "$stderr" ""
	run -0 --separate-stderr "$1" -?
	assert_output --partial "Usage:"
}

check_version() {
	run -0 --separate-stderr "$1" --version
	assert_output "$1 (tsq) 0.1.0"
}

# Help or version that cannot be written: exit 1 with one error line.
check_full() {
	refused 1 "$1: error: could not write to standard output: No space left on device" bash -c "$1 --help >/dev/full"
	run --separate-stderr bash -c "$1 --version >/dev/full"
	assert_equal "$status" 1
}

# An unknown option: exit 64, one error line and a hint.
check_unknown() {
	run --separate-stderr "$1" --no-such-option
	assert_equal "$status" 64
	assert_equal "$output" ""
	assert_equal "$stderr" "$1: error: unrecognized option \"--no-such-option\"
Try \"$1 --help\" for more information."
}

# A missing option argument: exit 64 naming the option.
check_missing() {
	run --separate-stderr "$1" -d
	assert_equal "$status" 64
	assert_equal "${stderr_lines[0]}" "$1: error: option \"-d\" requires an argument"
	run --separate-stderr "$1" --log-format
	assert_equal "$status" 64
	assert_equal "${stderr_lines[0]}" "$1: error: option \"--log-format\" requires an argument"
}

# --help lists exactly the options the man page documents.
check_man() {
	run diff <(help_options "$1") <(man_options "$1.1")
	assert_success
	[ -n "$(help_options "$1")" ]
}

@test "tsq: --help and -? print help, exit 0" { check_help tsq; }

@test "tsq: --version" { check_version tsq; }

@test "tsq: help that cannot be written is exit 1" { check_full tsq; }

@test "tsq: --help lists exactly the options of its man page" { check_man tsq; }

@test "tsq-init: --help and -? print help, exit 0" { check_help tsq-init; }

@test "tsq-init: --version" { check_version tsq-init; }

@test "tsq-init: help that cannot be written is exit 1" { check_full tsq-init; }

@test "tsq-init: --help lists exactly the options of its man page" { check_man tsq-init; }

@test "tsq-init: an unknown option is exit 64 with a hint" { check_unknown tsq-init; }

@test "tsq-init: a missing option argument is exit 64" { check_missing tsq-init; }

@test "tsq-init: bash, zsh and fish complete exactly its long options" { check_completions tsq-init; }

@test "tsq-load: --help and -? print help, exit 0" { check_help tsq-load; }

@test "tsq-load: --version" { check_version tsq-load; }

@test "tsq-load: help that cannot be written is exit 1" { check_full tsq-load; }

@test "tsq-load: --help lists exactly the options of its man page" { check_man tsq-load; }

@test "tsq-load: an unknown option is exit 64 with a hint" { check_unknown tsq-load; }

@test "tsq-load: a missing option argument is exit 64" { check_missing tsq-load; }

@test "tsq-load: bash, zsh and fish complete exactly its long options" { check_completions tsq-load; }

@test "tsq-query: --help and -? print help, exit 0" { check_help tsq-query; }

@test "tsq-query: --version" { check_version tsq-query; }

@test "tsq-query: help that cannot be written is exit 1" { check_full tsq-query; }

@test "tsq-query: --help lists exactly the options of its man page" { check_man tsq-query; }

@test "tsq-query: an unknown option is exit 64 with a hint" { check_unknown tsq-query; }

@test "tsq-query: a missing option argument is exit 64" { check_missing tsq-query; }

@test "tsq-query: bash, zsh and fish complete exactly its long options" { check_completions tsq-query; }

@test "tsq-compress: --help and -? print help, exit 0" { check_help tsq-compress; }

@test "tsq-compress: --version" { check_version tsq-compress; }

@test "tsq-compress: help that cannot be written is exit 1" { check_full tsq-compress; }

@test "tsq-compress: --help lists exactly the options of its man page" { check_man tsq-compress; }

@test "tsq-compress: an unknown option is exit 64 with a hint" { check_unknown tsq-compress; }

@test "tsq-compress: a missing option argument is exit 64" { check_missing tsq-compress; }

@test "tsq-compress: bash, zsh and fish complete exactly its long options" { check_completions tsq-compress; }

@test "tsq-stats: --help and -? print help, exit 0" { check_help tsq-stats; }

@test "tsq-stats: --version" { check_version tsq-stats; }

@test "tsq-stats: help that cannot be written is exit 1" { check_full tsq-stats; }

@test "tsq-stats: --help lists exactly the options of its man page" { check_man tsq-stats; }

@test "tsq-stats: an unknown option is exit 64 with a hint" { check_unknown tsq-stats; }

@test "tsq-stats: a missing option argument is exit 64" { check_missing tsq-stats; }

@test "tsq-stats: bash, zsh and fish complete exactly its long options" { check_completions tsq-stats; }

@test "tsq: an unknown option is exit 64" {
	run --separate-stderr tsq --no-such-option
	assert_equal "$status" 64
	assert_equal "${stderr_lines[0]}" 'tsq: error: unrecognized option "--no-such-option"'
}






@test "a bad --log-format value is exit 64" {
	refused 64 'tsq-init: error: invalid value "xml" for option --log-format: expected text or json' tsq-init --log-format=xml
}

@test "tsq-stats: a bad --format or an empty --output is exit 64, before connecting" {
	refused 64 'tsq-stats: error: invalid value "spark" for option --format: expected table, csv, tsv, jsonl, json, markdown or prometheus' tsq-stats -F spark
	refused 64 'tsq-stats: error: --output needs a file name' tsq-stats -o ''
}

@test "tsq-compress without an action, or with two, is exit 64" {
	run --separate-stderr tsq-compress
	assert_equal "$status" 64
	assert_equal "${stderr_lines[0]}" "tsq-compress: error: no action given"
	refused 64 "tsq-compress: error: --run and --show-policies cannot be used together: one action per run" tsq-compress --run --show-policies
	refused 64 "tsq-compress: error: --compress needs --older-than" tsq-compress --compress=ohlcv
	refused 64 'tsq-compress: error: invalid value "-3d" for option --older-than: expected a positive duration such as 7d, 12h or 30s' tsq-compress --drop=ohlcv --older-than=-3d
	refused 64 "tsq-compress: error: --decompress needs --from and --to" tsq-compress --decompress=ohlcv --from=2024-01-01
	refused 64 "tsq-compress: error: --set-policy needs the settings, such as compress_after=7d,drop_after=365d" tsq-compress --set-policy=ohlcv
	refused 64 "tsq-compress: error: --older-than goes with --compress or --drop" tsq-compress --run --older-than=7d
}

# bad_value TOOL OPTION VALUE EXPECTED: TOOL --OPTION=VALUE is exit 64 before
# connecting, with one line naming the value and the option.
bad_value() {
	run --separate-stderr "$1" --"$2"="$3" -d "host=/nonexistent-tsq-dir" x
	assert_equal "$status" 64
	assert_equal "$stderr" "$1: error: invalid value \"$3\" for option --$2: expected $4"
}

@test "numbers, durations and characters: one message shape in every tool" {
	bad_value tsq-init chunk-interval soon 'a positive duration such as 7d, 12h or 30s'
	bad_value tsq-init chunk-interval 0s 'a positive duration such as 7d, 12h or 30s'
	bad_value tsq-load batch-size 0 'a whole number from 1 to 10000000'
	bad_value tsq-load batch-size 1e3 'a whole number from 1 to 10000000'
	bad_value tsq-load workers 65 'a whole number from 1 to 64'
	bad_value tsq-load max-errors -1 'a whole number from 0 to 9223372036854775807'
	bad_value tsq-load max-error-ratio 1.5 'a number from 0 to 1'
	bad_value tsq-load max-error-ratio nan 'a number from 0 to 1'
	bad_value tsq-load delimiter ';;' 'one character'
	bad_value tsq-load quote '' 'one character'
	bad_value tsq-load map time 'NAME=VALUE[,NAME=VALUE]...'
	bad_value tsq-load map a=b, 'NAME=VALUE[,NAME=VALUE]...'
	bad_value tsq-load set =1 'NAME=VALUE'
	bad_value tsq-query timeout 0.5ms 'a duration of at least 1ms, such as 30s or 5m'
	bad_value tsq-compress lock-timeout 0.5ms 'a duration of at least 1ms, such as 30s or 5m'
	bad_value tsq-stats spike-threshold 0 'a number above 0'
	bad_value tsq-stats spike-threshold inf 'a number above 0'
	bad_value tsq-stats frozen-after 0 'a whole number from 1 to 1000000'
	bad_value tsq-stats stale-after 3mo 'a positive duration such as 7d, 12h or 30s'
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

@test "a password in the connection text never reaches a message, in any tool or log format" {
	for tool in $TOOLS; do
		args=()
		[ "$tool" = tsq-load ] && args=(ohlcv /dev/null)
		[ "$tool" = tsq-query ] && args=(-c 'SELECT 1')
		[ "$tool" = tsq-compress ] && args=(--run)
		for fmt in text json; do
			run --separate-stderr "$tool" --log-format "$fmt" -d 'postgresql://u:S3cret%PW@h/db' "${args[@]}"
			assert_equal "$status" 2
			assert_regex "$stderr" 'invalid percent-encoded token'
			refute_regex "$stderr" 'S3cret'
			run --separate-stderr "$tool" --log-format "$fmt" -d "host=/nonexistent-tsq-dir password='S3cret%PW x' user=u" "${args[@]}"
			assert_equal "$status" 2
			refute_regex "$stderr" 'S3cret'
		done
		TSQ_DB='postgresql://u:S3cret%PW@h/db' run --separate-stderr "$tool" "${args[@]}"
		assert_equal "$status" 2
		refute_regex "$stderr" 'S3cret'
	done
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
	run -0 --separate-stderr tsq init --version
	assert_output "tsq-init (tsq) 0.1.0"
	run --separate-stderr tsq load --bogus
	assert_equal "$status" 64
	assert_equal "${stderr_lines[0]}" 'tsq-load: error: unrecognized option "--bogus"'
	run -0 --separate-stderr tsq help
	for c in init load query compress stats; do
		assert_line --regexp "^  $c +"
	done
	run -0 --separate-stderr tsq help init
	assert_output --partial "tsq-init [OPTION]..."
	run --separate-stderr tsq frobnicate
	assert_equal "$status" 64
	assert_equal "${stderr_lines[0]}" 'tsq: error: unknown command "frobnicate"'
	run --separate-stderr tsq
	assert_equal "$status" 64
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


# Each completion offers exactly the long options --help lists, both ways.
check_completions() {
	local want
	want=$(help_options "$1" | tr '\n' ' ')
	assert_equal "bash: $(bash_offers "$1" | tr '\n' ' ')" "bash: $want"
	assert_equal "zsh: $(zsh_offers "$1" | tr '\n' ' ')" "zsh: $want"
	assert_equal "fish: $(fish_offers "$1" | tr '\n' ' ')" "fish: $want"
}

# The words option --$2 of binary $1 takes, one a line, sorted: from the
# binary itself, which lists them when given a value that is not one.
choices() {
	local err
	err=$("$1" "--$2=@" 2>&1 >/dev/null)
	[[ $err == "$1: error: invalid value \"@\" for option --$2: expected "* ]] || return 1
	echo "${err#*: expected }" | sed 's/ or /, /' | tr -d ',' | tr ' ' '\n' | sort
}

# The words the man page's entry for --$2 sets in .Cm, one a line, sorted.
man_choices() {
	awk -v opt="$2" '
		BEGIN { flag = "-" opt; gsub(/-/, "\\\\-", flag); flag = "Fl " flag " " }
		/^\.It / { on = index($0 " ", flag) > 0; next }
		on && /^\.Cm / { for (i = 2; i <= NF; i++) if ($i ~ /^[a-z]/) print $i }' "$TSQ_ROOT/man/$1.1" | sort -u
}

# Option --$2 of binary $1: the words it takes are exactly those its help
# names, its man page sets, and bash, zsh and fish complete.
check_choices() {
	local want got w
	want=$(choices "$1" "$2")
	[ -n "$want" ] || { echo "$1 --$2 does not list its values"; return 1; }
	# --help: the option's lines name every word.
	got=$("$1" --help | awk -v opt="--$2" 'index($0, opt) { on = 1; print; next }
		on && /^ *-/ { on = 0 } on')
	for w in $want; do
		[[ " $(echo "$got" | tr -c 'a-z\n' ' ' | tr '\n' ' ') " == *" $w "* ]] ||
			{ echo "$1 --help does not name $w for --$2"; return 1; }
	done
	assert_equal "man: $(man_choices "$1" "$2" | tr '\n' ' ')" "man: $(echo "$want" | tr '\n' ' ')"
	got=$(bash -c 'source "$1/completions/tsq.bash"; COMP_WORDS=("$2" "--$3" ""); COMP_CWORD=2
		_tsq_complete; printf "%s\n" "${COMPREPLY[@]}"' _ "$TSQ_ROOT" "$1" "$2" | sort)
	assert_equal "bash: $(echo "$got" | tr '\n' ' ')" "bash: $(echo "$want" | tr '\n' ' ')"
	# zsh: the (word ...) list of the option's spec in the binary's function,
	# or in the common options.
	local fn=_tsq_${1#tsq-}
	got=$(awk -v fn="$fn() {" -v opt="--$2=" '
		$0 == fn || /^_tsq_common=\(/ { on = 1 } /^[})]$/ { on = 0 }
		on && (index($0, opt "[") || index($0, opt "}")) { sub(/.*:\(/, ""); sub(/\).*/, ""); print }' \
		"$TSQ_ROOT/completions/_tsq" | tr ' ' '\n' | sort)
	assert_equal "zsh: $(echo "$got" | tr '\n' ' ')" "zsh: $(echo "$want" | tr '\n' ' ')"
	got=$(fish -c "source '$TSQ_ROOT/completions/tsq.fish'; complete -C '$1 --$2='" |
		cut -f1 | sed "s/^--$2=//" | sort)
	assert_equal "fish: $(echo "$got" | tr '\n' ' ')" "fish: $(echo "$want" | tr '\n' ' ')"
}

@test "tsq-init --backend: help, man page and completions offer exactly its values" { check_choices tsq-init backend; }

@test "tsq-load --format: help, man page and completions offer exactly its values" { check_choices tsq-load format; }

@test "tsq-load --on-conflict: help, man page and completions offer exactly its values" { check_choices tsq-load on-conflict; }

@test "tsq-load --dedupe: help, man page and completions offer exactly its values" { check_choices tsq-load dedupe; }

@test "tsq-query --format: help, man page and completions offer exactly its values" { check_choices tsq-query format; }

@test "tsq-compress --format: help, man page and completions offer exactly its values" { check_choices tsq-compress format; }

@test "tsq-stats --format: help, man page and completions offer exactly its values" { check_choices tsq-stats format; }

@test "--log-format: every binary's help, man page and completions offer exactly its values" {
	for b in tsq-init tsq-load tsq-query tsq-compress tsq-stats; do
		check_choices "$b" log-format
	done
}

@test "completions: option values and tsq's subcommands" {
	run bash -c "source '$TSQ_ROOT/completions/tsq.bash' && COMP_WORDS=(tsq-init --sch) COMP_CWORD=1 && _tsq_complete && printf '%s\n' \"\${COMPREPLY[@]}\""
	assert_success
	assert_output "--schema"
	run -0 bash -c "source '$TSQ_ROOT/completions/tsq.bash' && COMP_WORDS=(tsq i) COMP_CWORD=1 && _tsq_complete && printf '%s\n' \"\${COMPREPLY[@]}\""
	assert_output "init"
}

@test "fish completes tsq's subcommands as the tools themselves" {
	run fish -c "source '$TSQ_ROOT/completions/tsq.fish'
		complete -C 'tsq l'; echo ==
		complete -C 'tsq load --on-conflict='; echo ==
		complete -C 'tsq-load --on-conflict='; echo ==
		complete -C 'tsq stats --qu'"
	assert_success
	assert_output "$(printf 'load\n==\n%s\n%s\n%s\n==\n%s\n%s\n%s\n==\n%s\n%s\n%s' \
		'--on-conflict=error	when a key exists' '--on-conflict=nothing	when a key exists' \
		'--on-conflict=update	when a key exists' \
		'--on-conflict=error	when a key exists' '--on-conflict=nothing	when a key exists' \
		'--on-conflict=update	when a key exists' \
		'--quality	check the candles' '--queries	the statements that cost the most' \
		'--quiet	print errors only')"
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
symbol= interval= from= to= source= source=auto source=raw source=trades source=raw-trades source=quotes timeframe=
rsi
last first error"
	# After "=", which bash splits off: the option's or the parameter's values.
	run bash -c '
		source "$1/completions/tsq.bash"
		COMP_WORDS=(tsq-load --on-conflict = ""); COMP_CWORD=3; _tsq_complete; echo "${COMPREPLY[*]}"
		COMP_WORDS=(tsq-load --dedupe = f); COMP_CWORD=3; _tsq_complete; echo "${COMPREPLY[*]}"
		COMP_WORDS=(tsq-query --format = csv bars source = r); COMP_CWORD=7; _tsq_complete; echo "${COMPREPLY[*]}"
		COMP_WORDS=(tsq-query -F = m); COMP_CWORD=3; _tsq_complete; echo "${COMPREPLY[*]}"' _ "$TSQ_ROOT"
	assert_success
	assert_output "update nothing error
first
raw raw-trades
markdown"
}

@test "the repository holds source only: no build output is tracked" {
	git -C "$TSQ_ROOT" rev-parse --git-dir >/dev/null 2>&1 || skip "not a git checkout"
	run git -C "$TSQ_ROOT" ls-files
	assert_success
	refute_output --regexp '(^|/)build[^/]*/|\.(o|a|so)$|(^|/)sql_files\.c$|(^|/)tsq(-[a-z]+)?$'
}

@test "tsq-query: a parameter with a list of values takes only those (exit 64 naming them), before connecting" {
	run -64 --separate-stderr tsq-query -d "host=/nonexistent" bars symbol=AAA source=ticks
	assert_equal "$stderr" 'tsq-query: error: invalid value "ticks" for parameter "source" of query "bars": expected auto, raw, trades, raw-trades or quotes'
	run -64 --separate-stderr tsq-query -d "host=/nonexistent" rsi symbol=AAA source=Trades
	assert_equal "$stderr" 'tsq-query: error: invalid value "Trades" for parameter "source" of query "rsi": expected auto, raw, trades, raw-trades or quotes'
	run -0 --separate-stderr tsq-query --describe bars
	assert_line --regexp '^  source +text +default auto  values: auto\|raw\|trades\|raw-trades\|quotes$'
	run -64 --separate-stderr tsq-query -d "host=/nonexistent" -c "-- param: side text (buy|sell|)
SELECT :side"
	assert_equal "$stderr" 'tsq-query: error: bad list of values "(buy|sell|)": expected (VALUE|VALUE...)'
	run -64 --separate-stderr tsq-query -d "host=/nonexistent" -c "-- param: side text = hold (buy|sell)
SELECT :side"
	assert_equal "$stderr" 'tsq-query: error: the default "hold" of parameter "side" is not one of its values (buy|sell)'
	run -64 --separate-stderr tsq-query -d "host=/nonexistent" -c "-- param: side text (buy|sell|short)
SELECT :side" side=long
	assert_equal "$stderr" 'tsq-query: error: invalid value "long" for parameter "side" of query "command": expected buy, sell or short'
}

@test "make install: fish's completions go where fish looks for them; no SQL is installed to be edited in vain" {
	command -v fish >/dev/null || skip "fish is not installed"
	run -0 make -s -n -C "$TSQ_ROOT" install BUILD="$TSQ_BUILD" DESTDIR=/tsq-destdir
	dir=$(sed -n 's|^install -m 644 completions/tsq.fish /tsq-destdir\(.*\)/tsq.fish$|\1|p' <<<"$output")
	[ -n "$dir" ]
	run -0 env -u XDG_DATA_DIRS fish -c 'printf "%s\n" $fish_complete_path'
	assert_line "$dir"
	run -0 make -s -n -C "$TSQ_ROOT" install BUILD="$TSQ_BUILD" DESTDIR=/tsq-destdir
	refute_output --partial "share/tsq"
}
