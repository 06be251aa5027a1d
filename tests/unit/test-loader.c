/*
 * Unit tests for common/loader.c without a server: duplicate keys within a
 * batch under each --dedupe mode, and the write plan each --on-conflict
 * mode makes (which statements, and the SQL of the simple ones, byte for
 * byte), and the order a batch is written in.
 */
#include <stdlib.h>

#include "tap.h"
#include "tsq.h"

static enum tsq_add_result
add(struct tsq_batch *b, enum tsq_dedupe mode, const char *key, long line, long *first)
{
	struct tsq_row_origin o = { key, strlen(key), (int64_t)strlen(key), 0, line, line * 10, 0, 0 };
	char tuple[32];
	int n = snprintf(tuple, sizeof tuple, "row %ld", line);

	return tsq_batch_add(b, mode, tuple, (size_t)n, key, strlen(key),
	    tsq_key_hash(key, strlen(key)), &o, first);
}

/* The lines of the batch's live rows, in order, as "1 3 4". */
static const char *
alive_lines(const struct tsq_batch *b)
{
	static char out[256];
	size_t len = 0;

	out[0] = '\0';
	for (size_t i = 0; i < b->n && len < sizeof out - 16; i++)
		if (b->rows[i].alive)
			len += (size_t)snprintf(out + len, sizeof out - len, "%s%ld", len ? " " : "",
			    b->rows[i].line);
	return out;
}

static void
dedupe(void)
{
	struct tsq_batch b;
	long first = 0;

	tsq_batch_init(&b);
	is_int(add(&b, TSQ_DEDUPE_LAST, "A", 1, &first), TSQ_ADD_OK, "last: a new key");
	is_int(add(&b, TSQ_DEDUPE_LAST, "B", 2, &first), TSQ_ADD_OK, "last: another key");
	is_int(add(&b, TSQ_DEDUPE_LAST, "A", 3, &first), TSQ_ADD_DUPLICATE, "last: a repeat");
	is_int(add(&b, TSQ_DEDUPE_LAST, "A", 4, &first), TSQ_ADD_DUPLICATE, "last: again");
	is_str(alive_lines(&b), "2 4", "last: the latest row of each key stays");
	is_int(b.alive, 2, "last: two rows alive");

	tsq_batch_reset(&b);
	is_str(alive_lines(&b), "", "reset empties the batch");
	add(&b, TSQ_DEDUPE_FIRST, "A", 1, &first);
	is_int(add(&b, TSQ_DEDUPE_FIRST, "A", 2, &first), TSQ_ADD_DUPLICATE, "first: a repeat");
	add(&b, TSQ_DEDUPE_FIRST, "AB", 3, &first);
	is_str(alive_lines(&b), "1 3", "first: the repeat is not kept; a longer key is another");

	tsq_batch_reset(&b);
	add(&b, TSQ_DEDUPE_ERROR, "A", 7, &first);
	add(&b, TSQ_DEDUPE_ERROR, "B", 8, &first);
	is_int(add(&b, TSQ_DEDUPE_ERROR, "A", 9, &first), TSQ_ADD_REFUSED, "error: a repeat is refused");
	is_int(first, 7, "error: naming the line that had the key first");
	is_str(alive_lines(&b), "7 8", "error: the refused row is not in the batch");

	/* Enough keys to grow the table several times; every key twice. */
	tsq_batch_reset(&b);
	int dup = 0;
	for (int round = 0; round < 2; round++)
		for (int i = 0; i < 20000; i++) {
			char key[16];
			snprintf(key, sizeof key, "k%d", i);
			dup += add(&b, TSQ_DEDUPE_LAST, key, round * 20000 + i + 1, &first) ==
			    TSQ_ADD_DUPLICATE;
		}
	is_int(b.alive, 20000, "20,000 keys twice: 20,000 rows alive");
	is_int(dup, 20000, "and each second row was a duplicate");
	ok(!b.rows[0].alive && b.rows[20000].alive, "the second of each stays");
	tsq_batch_free(&b);
}

static struct tsq_column
column(const char *name, enum tsq_conv conv)
{
	struct tsq_column c = { 0 };
	c.name = (char *)name;
	c.type.conv = conv;
	c.comparable = true;
	return c;
}

static void
plans(void)
{
	struct tsq_column cols[] = {
		column("time", TSQ_CONV_TIMESTAMPTZ), column("symbol", TSQ_CONV_TEXT),
		column("close", TSQ_CONV_FLOAT8),
	};
	int key[] = { 1, 0 };
	struct tsq_table t = { 0 };
	t.schema = "s";
	t.name = "t";
	t.quoted = "\"s\".\"t\"";
	t.relkind = 'r';
	t.cols = cols;
	t.ncols = 3;
	t.key = key;
	t.nkey = 2;
	t.time_col = 0;
	t.dist_col = -1;
	t.nsegmentby = -1;
	int all[] = { 0, 1, 2 }, keys_only[] = { 0, 1 };
	struct tsq_load_plan p;
	struct tsq_buf err = TSQ_BUF_INIT;

	ok(tsq_load_plan_init(&p, &t, all, 3, TSQ_CONFLICT_ERROR, TSQ_DEDUPE_LAST, NULL, &err),
	    "error: a plan");
	ok(p.direct && p.stage.insert == NULL && p.stage.create == NULL, "error: COPY straight in");
	is_str(p.copy_sql, "COPY \"s\".\"t\" (\"time\", \"symbol\", \"close\") FROM STDIN (FORMAT binary)",
	    "error: the COPY");
	is_int(p.nkey, 2, "error: the key is checked within the input");
	tsq_load_plan_free(&p);

	ok(tsq_load_plan_init(&p, &t, all, 3, TSQ_CONFLICT_NOTHING, TSQ_DEDUPE_LAST, NULL, &err),
	    "nothing: a plan");
	ok(!p.direct && p.stage.create && p.direct_copy_sql && p.range_sql,
	    "nothing: staged, with the copy straight in for an empty time range");
	is_str(p.stage.insert, "WITH w AS (INSERT INTO \"s\".\"t\" AS t (\"time\", \"symbol\", \"close\") "
	    "SELECT \"time\", \"symbol\", \"close\" FROM pg_temp.tsq_load_stage ON CONFLICT (\"symbol\", "
	    "\"time\") DO NOTHING RETURNING 1) SELECT count(*) FROM w",
	    "nothing: the INSERT, counting the rows it wrote");
	tsq_load_plan_free(&p);

	ok(tsq_load_plan_init(&p, &t, all, 3, TSQ_CONFLICT_UPDATE, TSQ_DEDUPE_LAST, NULL, &err),
	    "update: a plan");
	ok(p.stage.insert && strstr(p.stage.insert, " DO UPDATE SET \"close\" = EXCLUDED.\"close\" WHERE ") &&
	    strstr(p.stage.insert, " IS DISTINCT FROM ") && strstr(p.stage.insert, "RETURNING xmax = 0"),
	    "update: only changed rows are updated, inserts told from updates");
	ok(p.stage.prune != NULL && p.stage.insert_new == NULL, "update: unchanged rows are pruned first");
	tsq_load_plan_free(&p);

	t.relkind = 'p';
	ok(tsq_load_plan_init(&p, &t, all, 3, TSQ_CONFLICT_UPDATE, TSQ_DEDUPE_LAST, NULL, &err),
	    "update, partitioned: a plan");
	ok(p.stage.insert_new && strstr(p.stage.insert_new, " DO NOTHING RETURNING 1) SELECT count(*)") &&
	    strstr(p.stage.insert, " RETURNING 1) SELECT count(*)") && !strstr(p.stage.insert, "xmax"),
	    "update, partitioned: new keys first, then the upsert, each counting what it wrote");
	tsq_load_plan_free(&p);
	t.relkind = 'r';
	t.distributed = true;
	ok(tsq_load_plan_init(&p, &t, all, 3, TSQ_CONFLICT_UPDATE, TSQ_DEDUPE_LAST, NULL, &err) &&
	    !p.distributed_stage && p.stage.insert_new && !strstr(p.stage.insert, "xmax"),
	    "update, Citus reference table: staged on the coordinator, no system column either");
	tsq_load_plan_free(&p);
	t.dist_col = 1;
	ok(tsq_load_plan_init(&p, &t, all, 3, TSQ_CONFLICT_UPDATE, TSQ_DEDUPE_LAST, NULL, &err) &&
	    p.distributed_stage && !p.direct && p.stage.create == NULL && p.direct_copy_sql &&
	    p.range_sql && strstr(p.range_sql, " LIMIT 1") && !strstr(p.range_sql, "EXISTS"),
	    "update, distributed by symbol: each writer stages in a distributed table of its own; "
	    "an empty time range is still copied straight in, found by one row a shard at most");
	tsq_load_plan_free(&p);
	ok(tsq_load_plan_init(&p, &t, all, 3, TSQ_CONFLICT_ERROR, TSQ_DEDUPE_LAST, NULL, &err) &&
	    p.distributed_stage && p.direct && p.copy_sql != NULL,
	    "error, distributed by symbol: copied straight in, or through a distributed staging "
	    "table when the batch is big enough to go straight to the workers");
	tsq_load_plan_free(&p);
	t.dist_col = -1;
	t.distributed = false;

	ok(tsq_load_plan_init(&p, &t, keys_only, 2, TSQ_CONFLICT_UPDATE, TSQ_DEDUPE_LAST, NULL, &err),
	    "update of key columns only: a plan");
	is_int(p.conflict, TSQ_CONFLICT_NOTHING, "nothing to update: it becomes do nothing");
	tsq_load_plan_free(&p);

	t.nkey = 0;
	ok(!tsq_load_plan_init(&p, &t, all, 3, TSQ_CONFLICT_UPDATE, TSQ_DEDUPE_LAST, NULL, &err),
	    "no key: update refused");
	is_str(err.data, "table \"s\".\"t\" has no primary key or unique constraint to judge "
	    "conflicts on", "no key: the error names the table");
	tsq_buf_reset(&err);
	ok(tsq_load_plan_init(&p, &t, all, 3, TSQ_CONFLICT_NONE, TSQ_DEDUPE_LAST, NULL, &err) &&
	    p.direct && p.nkey == 0, "no key: a plain COPY, no dedupe");
	tsq_load_plan_free(&p);
	tsq_buf_free(&err);
}

/* A key as the mapper encodes it: (symbol text, time int8), binary COPY fields. */
static void
add_keyed(struct tsq_batch *b, const char *symbol, int64_t time, long line)
{
	struct tsq_buf key = TSQ_BUF_INIT;
	struct tsq_row_origin o = { "", 0, 0, 0, line, line * 10, 0, 0 };
	long first;

	tsq_put_u32(&key, (uint32_t)strlen(symbol));
	tsq_buf_adds(&key, symbol);
	tsq_put_u32(&key, 8);
	tsq_put_u64(&key, (uint64_t)time);
	tsq_batch_add(b, TSQ_DEDUPE_LAST, "t", 1, key.data, key.len, tsq_key_hash(key.data, key.len),
	    &o, &first);
	tsq_buf_free(&key);
}

/* The lines of the live rows in the order the batch is written (tsq_batch_seal), as "1 3 4". */
static const char *
written_lines(struct tsq_batch *b)
{
	static char out[4096];
	size_t len = 0;

	tsq_batch_seal(b);
	out[0] = '\0';
	for (size_t i = 0; i < b->norder && len < sizeof out - 16; i++)
		len += (size_t)snprintf(out + len, sizeof out - len, "%s%ld", len ? " " : "",
		    b->rows[b->order[i]].line);
	return out;
}

static void
order(void)
{
	struct tsq_batch b;
	static const char *const symbols[] = { "ETH-USD", "BTC-USD", "SOL-USD", "BTC-EUR" };

	tsq_batch_init(&b);
	/* Ten minutes of four symbols in time order: written a symbol at a time. */
	for (int t = 0; t < 10; t++)
		for (int s = 0; s < 4; s++)
			add_keyed(&b, symbols[s], t * 60000000LL, t * 4 + s + 1);
	is_str(written_lines(&b), "1 5 9 13 17 21 25 29 33 37 2 6 10 14 18 22 26 30 34 38 "
	    "3 7 11 15 19 23 27 31 35 39 4 8 12 16 20 24 28 32 36 40",
	    "rows in runs by symbol, each in input order, symbols as they first came");

	/* A later row of a key replaces the earlier one where it stands in its run. */
	add_keyed(&b, "SOL-USD", 0, 41);
	is_str(written_lines(&b), "1 5 9 13 17 21 25 29 33 37 2 6 10 14 18 22 26 30 34 38 "
	    "4 8 12 16 20 24 28 32 36 40 7 11 15 19 23 27 31 35 39 41",
	    "a replaced row is not written; its replacement is, in input order in its run");

	/* A symbol of another length is another value, not a prefix of one. */
	tsq_batch_reset(&b);
	for (int t = 0; t < 8; t++) {
		add_keyed(&b, "AB", t, 2 * t + 1);
		add_keyed(&b, "ABC", t, 2 * t + 2);
	}
	is_str(written_lines(&b), "1 3 5 7 9 11 13 15 2 4 6 8 10 12 14 16",
	    "\"AB\" and \"ABC\" are two runs");

	/* A nearly unique leading field: the order stays. */
	tsq_batch_reset(&b);
	char sym[16];
	for (int i = 0; i < 64; i++) {
		snprintf(sym, sizeof sym, "S%d", i % 16);
		add_keyed(&b, sym, i, i + 1);
	}
	ok(strncmp(written_lines(&b), "1 2 3 4 5 6 7 8 9 10 11 12 13 14 15 16 17 ", 42) == 0,
	    "16 symbols in 64 rows (more than one in eight): input order kept");
	tsq_batch_free(&b);

	/* No key: input order. */
	tsq_batch_init(&b);
	long first;
	for (long line = 1; line <= 20; line++) {
		struct tsq_row_origin o = { "", 0, 0, 0, line, line, 0, 0 };
		tsq_batch_add(&b, TSQ_DEDUPE_LAST, "t", 1, "", 0, (uint64_t)line, &o, &first);
	}
	is_str(written_lines(&b), "1 2 3 4 5 6 7 8 9 10 11 12 13 14 15 16 17 18 19 20",
	    "rows without a key: input order");
	tsq_batch_free(&b);

	/* 25,000 rows of 20 symbols, as a default batch of one-minute candles. */
	tsq_batch_init(&b);
	for (int i = 0; i < 25000; i++) {
		snprintf(sym, sizeof sym, "SYM%02d", i % 20);
		add_keyed(&b, sym, (i / 20) * 60000000LL, i + 1);
	}
	tsq_batch_seal(&b);
	const size_t *idx = b.order, n = b.norder;
	is_int(n, 25000, "every row is written");
	int breaks = 0, backwards = 0;
	for (size_t i = 1; i < n; i++) {
		bool same = b.rows[idx[i]].line % 20 == b.rows[idx[i - 1]].line % 20;
		breaks += !same;
		backwards += same && b.rows[idx[i]].line < b.rows[idx[i - 1]].line;
	}
	is_int(breaks, 19, "25,000 rows of 20 symbols: 20 runs");
	is_int(backwards, 0, "each run in input order");
	tsq_batch_free(&b);
}

int
main(void)
{
	dedupe();
	plans();
	order();
	return done_testing();
}
