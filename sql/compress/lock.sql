-- One tsq-compress at a time per table (oid $1): a session advisory lock on
-- a key of its own, 0x747371 ("tsq") in the high bits, the oid in the low.
SELECT pg_try_advisory_lock(x'7473710000000000'::bigint + $1::oid::bigint)
