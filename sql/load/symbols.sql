-- The symbols a batch wrote to a table of schema $1 ($2, text[]) with the
-- oldest ($3) and newest ($4) time of each, in the batch's transaction.
SELECT tsq.note_symbols($1, $2::text[], $3::timestamptz[], $4::timestamptz[])
