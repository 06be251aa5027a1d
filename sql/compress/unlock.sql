SELECT pg_advisory_unlock(x'7473710000000000'::bigint + $1::oid::bigint)
