-- The symbols a batch wrote to table $2 of schema $1 ($3, text[]) with the
-- oldest ($4) and newest ($5) time of each, in the batch's transaction.
SELECT tsq.note_symbols($1::text, $2::text, $3::text[], $4::timestamptz[], $5::timestamptz[])
