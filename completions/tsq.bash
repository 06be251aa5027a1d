# bash completion for tsq and its tools.
# Installed once per program name (tsq, tsq-init, tsq-load, ...).

_tsq_common_opts="--dbname --host --port --username --no-password --password --quiet --verbose --log-format --version --help"

_tsq_opts() {
	case $1 in
	tsq-init) echo "--local --stop --backend --schema --numeric --chunk-interval --shards --no-rollups --migrate --dry-run --table --time-column $_tsq_common_opts" ;;
	tsq-load) echo "--format --delimiter --quote --null --decimal-mark --group-mark --no-header --columns --map --set --skip-columns --ignore-extra --skip-empty-rows --time-format --tz --on-conflict --dedupe --batch-size --workers --dry-run --rejects --max-errors --max-error-ratio --stats --checkpoint --resume --progress --flush-interval --retry --buffer --status-interval --pending $_tsq_common_opts" ;;
	tsq-query) echo "--list --describe --format --no-header --no-pager --null --digits --output --timeout --tz --explain --timing --command --file --param --queries-dir $_tsq_common_opts" ;;
	tsq-compress) echo "--run --set-policy --show-policies --remove-policy --compress --decompress --drop --refresh --older-than --from --to --keep-tables --dry-run --skip-if-locked --native --lock-timeout --format --no-header --tz $_tsq_common_opts" ;;
	tsq-stats) echo "--policies --chunks --symbols --quality --nodes --queries --exact --timeout --since --session --weekdays --spike-threshold --frozen-after --stale-after --fail-on-quality --limit --format --output --no-header --no-pager --wide --label --tz $_tsq_common_opts" ;;
	esac
}

_tsq_complete() {
	local cur prev prog eq=
	cur=${COMP_WORDS[COMP_CWORD]}
	prev=${COMP_WORDS[COMP_CWORD-1]}
	prog=${COMP_WORDS[0]##*/}
	COMPREPLY=()
	# "--option=VALUE" and "param=VALUE": bash splits the word at "=" (it is
	# in COMP_WORDBREAKS), so the value is completed after the option or
	# parameter the "=" follows.
	if [ "$cur" = "=" ]; then
		eq=${COMP_WORDS[COMP_CWORD-1]}
		cur=
	elif [ "$prev" = "=" ] && [ "$COMP_CWORD" -ge 2 ]; then
		eq=${COMP_WORDS[COMP_CWORD-2]}
	fi
	[ -z "$eq" ] || prev=$eq

	if [ "$prog" = tsq ]; then
		if [ "$COMP_CWORD" -eq 1 ]; then
			COMPREPLY=($(compgen -W "init load query compress stats help --help --version" -- "$cur"))
			return 0
		fi
		if [ "${COMP_WORDS[1]}" = help ]; then
			COMPREPLY=($(compgen -W "init load query compress stats" -- "$cur"))
			return 0
		fi
		prog=tsq-${COMP_WORDS[1]}
	fi

	case $prev in
	--backend) COMPREPLY=($(compgen -W "auto timescaledb postgres citus" -- "$cur")); return 0 ;;
	--log-format) COMPREPLY=($(compgen -W "text json" -- "$cur")); return 0 ;;
	--format|-F)
		if [ "$prog" = tsq-query ]; then
			COMPREPLY=($(compgen -W "table csv tsv jsonl json markdown spark chart" -- "$cur"))
		elif [ "$prog" = tsq-compress ]; then
			COMPREPLY=($(compgen -W "table csv tsv jsonl json markdown" -- "$cur"))
		elif [ "$prog" = tsq-stats ]; then
			COMPREPLY=($(compgen -W "table csv tsv jsonl json markdown prometheus" -- "$cur"))
		else
			COMPREPLY=($(compgen -W "auto csv tsv jsonl rejects" -- "$cur"))
		fi
		return 0 ;;
	--describe) COMPREPLY=($(compgen -W "$(_tsq_query_names)" -- "$cur")); return 0 ;;
	-o|--output|-f|--file) COMPREPLY=($(compgen -f -- "$cur")); return 0 ;;
	--queries-dir) COMPREPLY=($(compgen -d -- "$cur")); return 0 ;;
	-c|--command|-P|--param|--timeout|--digits|--since|--session|--spike-threshold|--frozen-after|--stale-after) return 0 ;;
	--on-conflict) COMPREPLY=($(compgen -W "update nothing error" -- "$cur")); return 0 ;;
	--dedupe) COMPREPLY=($(compgen -W "last first error" -- "$cur")); return 0 ;;
	--tz) COMPREPLY=($(cd /usr/share/zoneinfo 2>/dev/null && compgen -f -- "$cur")); return 0 ;;
	--rejects|--stats|--checkpoint|--pending) COMPREPLY=($(compgen -f -- "$cur")); return 0 ;;
	--delimiter|--quote|--null|--decimal-mark|--group-mark|--columns|--map|--set|--skip-columns|--time-format|--batch-size|--workers|--max-errors|--max-error-ratio) return 0 ;;
	-h|--host) COMPREPLY=($(compgen -A hostname -- "$cur")); return 0 ;;
	-U|--username) COMPREPLY=($(compgen -u -- "$cur")); return 0 ;;
	-d|--dbname|-p|--port|--schema|--chunk-interval|--shards|--table|--time-column) return 0 ;;
	--set-policy|--remove-policy|--compress|--decompress|--drop)
		COMPREPLY=($(compgen -W "$(_tsq_tables)" -- "$cur")); return 0 ;;
	--refresh|--older-than|--from|--to|--lock-timeout) return 0 ;;
	esac
	if [[ $cur == -* ]]; then
		COMPREPLY=($(compgen -W "$(_tsq_opts "$prog")" -- "$cur"))
		return 0
	fi
	if [ "$prog" = tsq-query ]; then
		# The first word that is not an option names the query; then its parameters.
		local i name=
		for ((i = 1; i < COMP_CWORD; i++)); do
			case ${COMP_WORDS[i]} in
			-F|-o|-c|-f|-P|-d|-h|-p|-U|--format|--null|--output|--timeout|--tz|--command|--file|--param|--queries-dir|--describe|--dbname|--host|--port|--username|--log-format)
				[ "${COMP_WORDS[i+1]}" != "=" ] || ((i++))
				((i++)) ;;
			-*|*=*|=) ;;
			query|load|init|compress|stats) [ "${COMP_WORDS[0]##*/}" = tsq ] && [ "$i" -eq 1 ] || name=${COMP_WORDS[i]} ;;
			*) name=${COMP_WORDS[i]}; break ;;
			esac
		done
		if [ -z "$name" ]; then
			COMPREPLY=($(compgen -W "$(_tsq_query_names)" -- "$cur"))
		elif [ -n "$eq" ]; then
			# The values of parameter $eq, when it has a list of them.
			COMPREPLY=($(compgen -W "$(_tsq_query_params "$name" | sed -n "s/^$eq=\(..*\)/\1/p")" -- "$cur"))
		else
			compopt -o nospace 2>/dev/null
			COMPREPLY=($(compgen -W "$(_tsq_query_params "$name")" -- "$cur"))
		fi
		return 0
	fi
	# The table: tsq-load's first argument, tsq-stats' and tsq-compress's all.
	if [ "$prog" = tsq-stats ] || [ "$prog" = tsq-compress ] ||
	    { [ "$prog" = tsq-load ] && [ "$(_tsq_positionals)" -eq 0 ]; }; then
		COMPREPLY=($(compgen -W "$(_tsq_tables)" -- "$cur"))
		return 0
	fi
	COMPREPLY=($(compgen -f -- "$cur"))
}

# The options of tsq-load, tsq-stats and tsq-compress that take a value.
_tsq_value_opts=" -d -h -p -U -F -o --dbname --host --port --username --log-format --format --delimiter --quote --null --decimal-mark --group-mark --columns --map --set --skip-columns --time-format --tz --on-conflict --dedupe --batch-size --workers --rejects --max-errors --max-error-ratio --stats --checkpoint --flush-interval --retry --buffer --status-interval --pending --output --timeout --since --session --spike-threshold --frozen-after --stale-after --limit --label --lock-timeout --older-than --from --to --refresh "

# How many arguments before the word being completed are not options or
# their values.
_tsq_positionals() {
	local i n=0 w
	for ((i = 1; i < COMP_CWORD; i++)); do
		w=${COMP_WORDS[i]}
		if [ "$i" -eq 1 ] && [ "${COMP_WORDS[0]##*/}" = tsq ]; then
			continue
		fi
		case $w in
		-*) if [ "${COMP_WORDS[i+1]}" = "=" ]; then
				((i += 2))
			elif [[ $_tsq_value_opts == *" $w "* ]]; then
				((i++))
			fi ;;
		*) n=$((n + 1)) ;;
		esac
	done
	echo "$n"
}

# The tables of the database the command line names, from the server when
# it answers within two seconds; nothing otherwise.
_tsq_tables() {
	local i conn=() w v
	for ((i = 1; i < COMP_CWORD; i++)); do
		w=${COMP_WORDS[i]}
		case $w in
		-d|--dbname|-h|--host|-p|--port|-U|--username)
			v=${COMP_WORDS[i+1]}
			[ "$v" != "=" ] || { ((i++)); v=${COMP_WORDS[i+1]}; }
			conn+=("$w" "$v"); ((i++)) ;;
		esac
	done
	PGCONNECT_TIMEOUT=2 timeout 3 tsq-query -w -F tsv --no-header --timeout 2s "${conn[@]}" tables 2>/dev/null |
		awk -F'\t' '$1 != "tsq" { print ($1 == "public" ? $2 : $1 "." $2) }'
}

_tsq_query_names() {
	tsq-query -l 2>/dev/null | cut -f1
}

_tsq_query_params() {
	tsq-query --describe "$1" 2>/dev/null |
		awk '/^parameters:/ { on = 1; next } /^sql:/ { on = 0 } on && $1 != "(none)" { print $1 "="; if ($(NF - 1) == "values:") { n = split($NF, v, "|"); for (i = 1; i <= n; i++) print $1 "=" v[i] } }'
}

complete -F _tsq_complete tsq tsq-init tsq-load tsq-query tsq-compress tsq-stats
