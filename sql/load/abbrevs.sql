-- The time zone abbreviations of the server's timezone_abbreviations, with
-- their offsets in seconds east of UTC: tsq-load reads "09:30 EST" as the
-- server would.
SELECT abbrev, extract(epoch FROM utc_offset)::integer FROM pg_timezone_abbrevs
