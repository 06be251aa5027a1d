-- Worker $3 of load $1 on source $2: how far it committed, and what its
-- last batch did (inserted, updated, unchanged, rejected), to tell after a
-- lost connection whether that batch committed and with which counts.
SELECT committed_offset, last_inserted, last_updated, last_unchanged, last_rejected
FROM tsq.loads
WHERE load_id = $1 AND source = $2 AND worker = $3::int
