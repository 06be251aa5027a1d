-- Commit on the workers what the coordinator committed but could not finish
-- there (a worker lost between its PREPARE and its COMMIT PREPARED): what
-- Citus's maintenance daemon does every citus.recover_2pc_interval, now.
-- Returns how many prepared transactions it settled.
SELECT recover_prepared_transactions()
