-- Refresh continuous aggregate $1 over [$2, $3) (NULL: unbounded) in one
-- batch, on TimescaleDB 2.28 and later.  Their batched refresh can leave a
-- bucket's invalidation behind while moving the watermark past it (the
-- bucket then reads as empty for good once its raw rows are dropped), so
-- batching is turned off.  It must run on its own, outside a transaction
-- block.
CALL refresh_continuous_aggregate($1::regclass, $2::timestamptz, $3::timestamptz,
                                  options => '{"buckets_per_batch": 0}')
