-- A maintenance session, set up in one round trip: notices come through
-- (TimescaleDB's "already up-to-date" is how a refresh says it wrote
-- nothing), and a lock another session holds fails an action after $1
-- milliseconds.  Returns the server's present in microseconds since 1970
-- (policies age by its clock) and which of tsq's tables this database has.
SELECT (extract(epoch FROM now()) * 1000000)::bigint,
       to_regclass('tsq.policy_run_ids') IS NOT NULL,
       to_regclass('tsq.rollups') IS NOT NULL,
       to_regclass('tsq.retention') IS NOT NULL,
       set_config('client_min_messages', 'notice', false),
       set_config('lock_timeout', $1, false)
