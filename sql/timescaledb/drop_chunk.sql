-- Drop the chunks of hypertable $1 whose range is [$2, $3): one chunk.
SELECT count(*) FROM drop_chunks($1::regclass, older_than => $3::timestamptz,
                                 newer_than => $2::timestamptz)
