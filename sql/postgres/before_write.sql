-- Before rows with times in [$3, $4] are written to $1.$2: create the daily
-- partitions they need (tsq.create_partitions of tsq-init).
SELECT tsq.create_partitions($1, $2, $3::timestamptz, $4::timestamptz + interval '1 microsecond')
