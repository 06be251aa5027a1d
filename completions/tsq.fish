# fish completion for tsq and its tools.

function __tsq_common -a cmd
    complete -c $cmd -s d -l dbname -r -d 'database name, conninfo or URI'
    complete -c $cmd -s h -l host -r -d 'server host or socket directory'
    complete -c $cmd -s p -l port -r -d 'server port'
    complete -c $cmd -s U -l username -r -d 'user name'
    complete -c $cmd -s w -l no-password -d 'never prompt for a password'
    complete -c $cmd -s W -l password -d 'prompt for a password'
    complete -c $cmd -s q -l quiet -d 'print errors only'
    complete -c $cmd -s v -l verbose -d 'print more'
    complete -c $cmd -l log-format -x -a 'text json' -d 'message format'
    complete -c $cmd -s V -l version -d 'print the version'
    complete -c $cmd -l help -d 'print help'
end

for cmd in tsq-init tsq-load tsq-query tsq-compress tsq-stats
    __tsq_common $cmd
end

# The tables of the database the command line names, from the server when
# it answers within two seconds; nothing otherwise.
function __tsq_tables
    set -l words (commandline -opc)
    set -l conn
    set -l i 2
    while test $i -le (count $words)
        switch $words[$i]
            case -d --dbname -h --host -p --port -U --username
                set -a conn $words[$i] $words[(math $i + 1)]
                set i (math $i + 1)
            case '--dbname=*' '--host=*' '--port=*' '--username=*'
                set -a conn $words[$i]
        end
        set i (math $i + 1)
    end
    PGCONNECT_TIMEOUT=2 timeout 3 tsq-query -w -F tsv --no-header --timeout 2s $conn tables 2>/dev/null |
        awk -F'\t' '$1 != "tsq" { print ($1 == "public" ? $2 : $1 "." $2) }'
end

# tsq-load's first argument, tsq-stats' and tsq-compress's all: whether no
# argument but options and their values came yet.
function __tsq_no_table_yet
    set -l words (commandline -opc)
    set -l takes -d -h -p -U -F -o --dbname --host --port --username --log-format --format --delimiter --quote --null --decimal-mark --group-mark --columns --map --set --skip-columns --time-format --tz --on-conflict --dedupe --batch-size --workers --rejects --max-errors --max-error-ratio --stats --checkpoint --flush-interval --retry --buffer --status-interval --pending --output --timeout --since --session --spike-threshold --frozen-after --stale-after --limit --label --lock-timeout --older-than --from --to --refresh
    set -l i 2
    while test $i -le (count $words)
        if contains -- $words[$i] $takes
            set i (math $i + 1)
        else if not string match -q -- '-*' $words[$i]
            return 1
        end
        set i (math $i + 1)
    end
    return 0
end
complete -c tsq-load -n __tsq_no_table_yet -x -a '(__tsq_tables)'
complete -c tsq-stats -f -a '(__tsq_tables)'
complete -c tsq-compress -f -a '(__tsq_tables)'

complete -c tsq-init -l local -d 'create and start a private local database'
complete -c tsq-init -l stop -d 'with --local: stop it'
complete -c tsq-init -l backend -x -a 'auto timescaledb postgres citus' -d 'backend'
complete -c tsq-init -l schema -x -d 'schema for the tables'
complete -c tsq-init -l numeric -d 'store prices as numeric'
complete -c tsq-init -l chunk-interval -x -d 'TimescaleDB chunk width'
complete -c tsq-init -l shards -x -d 'Citus shards per table'
complete -c tsq-init -l no-rollups -d 'do not create the rollups of candles and trades'
complete -c tsq-init -l migrate -d 'move a schema made for postgres to timescaledb'
complete -c tsq-init -l dry-run -d 'print the SQL, change nothing'
complete -c tsq-init -l table -x -d 'existing table to convert'
complete -c tsq-init -l time-column -x -d 'time column of --table'

complete -c tsq-load -l format -x -a 'auto csv tsv jsonl rejects' -d 'input format'
complete -c tsq-load -l delimiter -x -d 'field delimiter'
complete -c tsq-load -l quote -x -d 'CSV quote character'
complete -c tsq-load -l null -x -d 'text that means NULL'
complete -c tsq-load -l decimal-mark -x -d 'the decimal mark of numbers'
complete -c tsq-load -l group-mark -x -d 'the mark between thousands'
complete -c tsq-load -l no-header -d 'the first line is data'
complete -c tsq-load -l columns -x -d 'input column names'
complete -c tsq-load -l map -x -d 'input column to table column'
complete -c tsq-load -l set -x -d 'a value for every row'
complete -c tsq-load -l skip-columns -x -d 'input columns to ignore'
complete -c tsq-load -l ignore-extra -d 'ignore columns the table lacks'
complete -c tsq-load -l skip-empty-rows -d 'skip rows with no value but their key'
complete -c tsq-load -l time-format -x -d 'strptime pattern of times'
complete -c tsq-load -l tz -x -d 'zone of times without one'
complete -c tsq-load -l on-conflict -x -a 'update nothing error' -d 'when a key exists'
complete -c tsq-load -l dedupe -x -a 'last first error' -d 'duplicate keys in the input'
complete -c tsq-load -l batch-size -x -d 'rows per transaction'
complete -c tsq-load -l workers -x -d 'parallel connections'
complete -c tsq-load -l dry-run -d 'check everything, write nothing'
complete -c tsq-load -l rejects -r -d 'reject file'
complete -c tsq-load -l max-errors -x -d 'stop after more rejected rows'
complete -c tsq-load -l max-error-ratio -x -d 'stop above this rejected fraction'
complete -c tsq-load -l stats -r -d 'write the counts as JSON'
complete -c tsq-load -l checkpoint -r -d 'progress file'
complete -c tsq-load -l resume -d 'go on from where the last load of each input committed'
complete -c tsq-load -l progress -d 'always show the progress meter'
complete -c tsq-load -l flush-interval -x -a '200ms 1s 5s off' -d 'write a batch when its oldest row waited this long'
complete -c tsq-load -l retry -x -a '30s 5m 1h 0' -d 'seek a lost connection again this long'
complete -c tsq-load -l buffer -x -a '16MiB 64MiB 256MiB' -d 'bytes held read and not written'
complete -c tsq-load -l status-interval -x -a '10s 60s off' -d 'a status line this often, with -v or json logs'
complete -c tsq-load -l pending -r -d 'rows read and never written'

function __tsq_query_params
    set -l name (commandline -opc | string match -v -- '-*' | string match -v -- '*=*')[2]
    test -n "$name"; and tsq-query --describe $name 2>/dev/null | awk '/^parameters:/ {on=1; next} /^sql:/ {on=0} on && $1 != "(none)" {print $1 "="; if ($(NF-1) == "values:") {n = split($NF, v, "|"); for (i = 1; i <= n; i++) print $1 "=" v[i]}}'
end
complete -c tsq-query -f
complete -c tsq-query -n 'test (count (commandline -opc | string match -v -- "-*")) -eq 1' -a '(tsq-query -l 2>/dev/null)'
complete -c tsq-query -n 'test (count (commandline -opc | string match -v -- "-*")) -gt 1' -a '(__tsq_query_params)'
complete -c tsq-query -s l -l list -d 'list the named queries'
complete -c tsq-query -l describe -x -a '(tsq-query -l 2>/dev/null)' -d 'show a query'
complete -c tsq-query -s F -l format -x -a 'table csv tsv jsonl json markdown spark chart' -d 'output format'
complete -c tsq-query -l no-header -d 'leave out the column names'
complete -c tsq-query -l no-pager -d 'never page the rows'
complete -c tsq-query -l digits -x -d 'significant digits of floats in table and markdown'
complete -c tsq-query -l null -x -d 'how NULL is shown'
complete -c tsq-query -s o -l output -r -d 'write to a file'
complete -c tsq-query -l timeout -x -d 'cancel after this long'
complete -c tsq-query -l tz -x -d 'time zone'
complete -c tsq-query -l explain -d 'print the plan'
complete -c tsq-query -l timing -d 'print the time taken'
complete -c tsq-query -s c -l command -x -d 'SQL to run'
complete -c tsq-query -s f -l file -r -d 'query file to run'
complete -c tsq-query -s P -l param -x -d 'a parameter NAME=VALUE'
complete -c tsq-query -l queries-dir -x -a '(__fish_complete_directories)' -d 'more query files'

complete -c tsq-compress -l run -d 'apply the stored policies'
complete -c tsq-compress -l set-policy -x -a '(__tsq_tables)' -d 'store a table policy'
complete -c tsq-compress -l show-policies -d 'list the stored policies'
complete -c tsq-compress -l remove-policy -x -a '(__tsq_tables)' -d 'forget a table policy'
complete -c tsq-compress -l compress -x -a '(__tsq_tables)' -d 'compress old chunks of a table'
complete -c tsq-compress -l decompress -x -a '(__tsq_tables)' -d 'decompress chunks of a table'
complete -c tsq-compress -l drop -x -a '(__tsq_tables)' -d 'drop old chunks or partitions'
complete -c tsq-compress -l refresh -x -d 'refresh a rollup'
complete -c tsq-compress -l older-than -x -d 'age of the data acted on'
complete -c tsq-compress -l from -x -d 'start of the range'
complete -c tsq-compress -l to -x -d 'end of the range'
complete -c tsq-compress -l keep-tables -d 'detach old partitions instead of dropping'
complete -c tsq-compress -l dry-run -d 'print the actions, change nothing'
complete -c tsq-compress -l skip-if-locked -d 'exit 0 when another run holds a table'
complete -c tsq-compress -l native -d "make TimescaleDB's own jobs match the policy"
complete -c tsq-compress -l lock-timeout -x -d 'how long an action waits for a lock'
complete -c tsq-compress -s F -l format -x -a 'table csv tsv jsonl json markdown' -d 'policy listing format'
complete -c tsq-compress -l no-header -d 'leave out the column names'
complete -c tsq-compress -l tz -x -d 'time zone'

complete -c tsq-stats -l policies -d 'report the policies instead of the tables'
complete -c tsq-stats -l chunks -d 'report each chunk or partition'
complete -c tsq-stats -l symbols -d 'report each symbol and timeframe'
complete -c tsq-stats -l quality -d 'check the candles'
complete -c tsq-stats -l nodes -d 'report each table node by node (Citus)'
complete -c tsq-stats -l queries -d 'the statements that cost the most'
complete -c tsq-stats -l limit -x -d 'how many statements'
complete -c tsq-stats -l exact -d 'count rows and symbols exactly'
complete -c tsq-stats -l timeout -x -d 'give up a statement or lock wait after this long'
complete -c tsq-stats -l since -x -d 'only rows from this time on'
complete -c tsq-stats -l session -x -d 'trading hours, HH:MM-HH:MM'
complete -c tsq-stats -l weekdays -d 'candles due Monday to Friday only'
complete -c tsq-stats -l spike-threshold -x -d 'a larger move in percent is a spike'
complete -c tsq-stats -l frozen-after -x -d 'more flat candles in a row are a frozen feed'
complete -c tsq-stats -l stale-after -x -d 'a symbol without rows this long is stale'
complete -c tsq-stats -l fail-on-quality -d 'exit 65 when a check finds a problem'
complete -c tsq-stats -s F -l format -x -a 'table csv tsv jsonl json markdown prometheus' -d 'output format'
complete -c tsq-stats -s o -l output -r -d 'write to a file, replaced whole'
complete -c tsq-stats -l no-header -d 'leave out the column names'
complete -c tsq-stats -l no-pager -d 'never page the report'
complete -c tsq-stats -l wide -d 'every column of the overview on a terminal'
complete -c tsq-stats -l label -x -d 'NAME=VALUE label of every Prometheus series'
complete -c tsq-stats -l tz -x -d 'time zone'

complete -c tsq -f -n __fish_use_subcommand -a 'init load query compress stats help'
complete -c tsq -n __fish_use_subcommand -l version -d 'print the version'
complete -c tsq -n __fish_use_subcommand -l help -d 'print help'

# tsq SUBCOMMAND ...: whatever tsq-SUBCOMMAND would be offered there.
function __tsq_subcommand_complete
    set -l args (commandline -opc) (commandline -ct)
    complete -C (string join ' ' -- tsq-$args[2] $args[3..-1])
end
complete -c tsq -n 'not __fish_use_subcommand' -f -a '(__tsq_subcommand_complete)'
