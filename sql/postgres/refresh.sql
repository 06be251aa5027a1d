-- Recompute the buckets of rollup table $1.$2 in [$3, $4); returns the rows written.
SELECT tsq.refresh_rollup($1, $2, $3::timestamptz, $4::timestamptz)
