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

complete -c tsq-init -l local -d 'create and start a private local database'
complete -c tsq-init -l stop -d 'with --local: stop it'
complete -c tsq-init -l backend -x -a 'auto timescaledb postgres' -d 'backend'
complete -c tsq-init -l schema -x -d 'schema for the tables'
complete -c tsq-init -l numeric -d 'store prices as numeric'
complete -c tsq-init -l chunk-interval -x -d 'TimescaleDB chunk width'
complete -c tsq-init -l no-rollups -d 'do not create the OHLCV rollups'
complete -c tsq-init -l dry-run -d 'print the SQL, change nothing'
complete -c tsq-init -l table -x -d 'existing table to convert'
complete -c tsq-init -l time-column -x -d 'time column of --table'

complete -c tsq-load -l format -x -a 'auto csv tsv jsonl rejects' -d 'input format'
complete -c tsq-load -l delimiter -x -d 'field delimiter'
complete -c tsq-load -l quote -x -d 'CSV quote character'
complete -c tsq-load -l null -x -d 'text that means NULL'
complete -c tsq-load -l no-header -d 'the first line is data'
complete -c tsq-load -l columns -x -d 'input column names'
complete -c tsq-load -l map -x -d 'input column to table column'
complete -c tsq-load -l set -x -d 'a value for every row'
complete -c tsq-load -l skip-columns -x -d 'input columns to ignore'
complete -c tsq-load -l ignore-extra -d 'ignore columns the table lacks'
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
complete -c tsq-load -l resume -d 'skip what the checkpoint says is committed'
complete -c tsq-load -l progress -d 'always show the progress meter'

complete -c tsq -f -n __fish_use_subcommand -a 'init load query compress stats help'
complete -c tsq -n __fish_use_subcommand -l version -d 'print the version'
complete -c tsq -n __fish_use_subcommand -l help -d 'print help'
