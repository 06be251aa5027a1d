-- tsq-compress names itself to the server with its own process id and host
-- ($1), so that pg_stat_activity, and the message of a run that finds a
-- table locked, tell which process on which host holds it; a name the user
-- set (PGAPPNAME, application_name=) is kept: only the default ($2) is
-- replaced.
SELECT set_config('application_name', $1, false)
WHERE current_setting('application_name') = $2
