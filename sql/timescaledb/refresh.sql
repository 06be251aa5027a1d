-- Refresh continuous aggregate $1 over [$2, $3) (NULL: unbounded); it must
-- run on its own, outside a transaction block.
CALL refresh_continuous_aggregate($1::regclass, $2::timestamptz, $3::timestamptz)
