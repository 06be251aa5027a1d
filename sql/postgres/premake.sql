-- Create the daily partitions of table $1.$2 from today (UTC) to $3
-- microseconds ahead; returns how many were missing.
SELECT tsq.create_partitions($1, $2, date_trunc('day', now() AT TIME ZONE 'UTC') AT TIME ZONE 'UTC',
                             date_trunc('day', now() AT TIME ZONE 'UTC') AT TIME ZONE 'UTC'
                             + $3::bigint * INTERVAL '1 microsecond' + INTERVAL '1 day')
