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

complete -c tsq -f -n __fish_use_subcommand -a 'init load query compress stats help'
complete -c tsq -n __fish_use_subcommand -l version -d 'print the version'
complete -c tsq -n __fish_use_subcommand -l help -d 'print help'
