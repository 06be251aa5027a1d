-- tsq-stats' time limits for the session: no statement runs longer, and no
-- lock is waited for longer, than $1 milliseconds (0: no limit).
SELECT set_config('statement_timeout', $1, false), set_config('lock_timeout', $1, false)
