/*
 * Unit tests for the mapper: which input column loads which table column
 * under every mapping option, name collisions, the errors found before any
 * row, and what one record becomes (tuple, key, refusals, numbered keys).
 */
#include "tap.h"
#include "tsq.h"
#include "mapper.h"

/* A column of a hand-made table. */
static void
column(struct tsq_table *t, const char *name, uint32_t oid, bool not_null, bool has_default)
{
	struct tsq_column *c;

	t->cols = xreallocarray(t->cols, (size_t)t->ncols + 1, sizeof *t->cols);
	c = &t->cols[t->ncols++];
	memset(c, 0, sizeof *c);
	c->name = xstrdup(name);
	c->attnum = t->ncols;
	c->type_name = xstrdup(name);
	tsq_type_init(&c->type, oid, 0, c->type_name);
	c->not_null = not_null;
	c->has_default = has_default;
	c->comparable = true;
}

static void
table(struct tsq_table *t, const char *name)
{
	memset(t, 0, sizeof *t);
	t->schema = xstrdup("public");
	t->name = xstrdup(name);
	t->quoted = xstrdup(name);
	t->relkind = 'r';
	t->time_col = -1;
	t->nsegmentby = -1;
}

static void
key(struct tsq_table *t, int n, ...)
{
	va_list ap;
	va_start(ap, n);
	t->key = xcalloc((size_t)n + 1, sizeof *t->key);
	for (int i = 0; i < n; i++)
		t->key[t->nkey++] = va_arg(ap, int);
	va_end(ap);
	t->key_is_primary = true;
}

static struct tsq_mapper_opts opts;
static struct tsq_buf err = TSQ_BUF_INIT;

/* The mapping as "input>column ..." (dropped inputs as "input>-"), or the error. */
static const char *
mapping(struct tsq_mapper *m, const struct tsq_table *t, const char *names_csv, bool keep)
{
	static char out[1024];
	char *copy = xstrdup(names_csv), *save = NULL, *names[32];
	int n = 0;

	for (char *s = strtok_r(copy, ",", &save); s; s = strtok_r(NULL, ",", &save))
		names[n++] = s;
	tsq_buf_reset(&err);
	if (!tsq_mapper_init(m, t, &opts, names, n, false, &err)) {
		snprintf(out, sizeof out, "error: %s", err.data);
		tsq_mapper_free(m);
		free(copy);
		return out;
	}
	size_t len = 0;
	out[0] = '\0';
	for (int i = 0; i < n; i++) {
		int f = m->name_field[i];
		len += (size_t)snprintf(out + len, sizeof out - len, "%s%s>%s", i ? " " : "", names[i],
		    f < 0 ? "-" : t->cols[m->field_col[f]].name);
	}
	for (int f = m->ninput; f < m->nfields; f++)
		len += (size_t)snprintf(out + len, sizeof out - len, " +%s%s",
		    t->cols[m->field_col[f]].name, f == m->ordinal_field ? "#" : "");
	if (!keep)
		tsq_mapper_free(m);
	free(copy);
	return out;
}

static void
reset_opts(void)
{
	memset(&opts, 0, sizeof opts);
}

/*
 * A record of N fields: values (NULL: a null field) as a CSV line gives
 * them, or with KEYED key, value pairs as a JSON-lines record does.  Each
 * kind has its own storage, so a CSV and a JSON record can be used together.
 */
static struct tsq_record *
rec_of(bool keyed, int n, ...)
{
	static struct tsq_record recs[2];
	static struct tsq_field fields[2][16];
	struct tsq_record *rec = &recs[keyed];
	va_list ap;

	memset(rec, 0, sizeof *rec);
	va_start(ap, n);
	for (int i = 0; i < n; i++) {
		const char *k = keyed ? va_arg(ap, const char *) : NULL;
		const char *v = va_arg(ap, const char *);
		fields[keyed][i] = (struct tsq_field){ k, v, v ? strlen(v) : 0, false };
	}
	va_end(ap);
	rec->fields = fields[keyed];
	rec->nfields = (size_t)n;
	rec->line = keyed ? 1 : 2;
	rec->format = keyed ? TSQ_FORMAT_JSONL : TSQ_FORMAT_CSV;
	return rec;
}

#define record(...) rec_of(false, __VA_ARGS__)
#define keyed(...) rec_of(true, __VA_ARGS__)

/* The fields of a tuple as hex, one group per field ("-" for NULL). */
static const char *
fields_hex(const struct tsq_buf *tu)
{
	static char out[512];
	size_t n = 0, p = 2;
	unsigned nf = ((unsigned char)tu->data[0] << 8) | (unsigned char)tu->data[1];

	n += (size_t)snprintf(out, sizeof out, "%u:", nf);
	for (unsigned f = 0; f < nf; f++) {
		int32_t len = (int32_t)((uint32_t)(unsigned char)tu->data[p] << 24 |
		    (uint32_t)(unsigned char)tu->data[p + 1] << 16 |
		    (uint32_t)(unsigned char)tu->data[p + 2] << 8 | (unsigned char)tu->data[p + 3]);
		p += 4;
		n += (size_t)snprintf(out + n, sizeof out - n, " ");
		if (len < 0) {
			n += (size_t)snprintf(out + n, sizeof out - n, "-");
			continue;
		}
		for (int32_t i = 0; i < len; i++)
			n += (size_t)snprintf(out + n, sizeof out - n, "%02x", (unsigned char)tu->data[p + i]);
		p += (size_t)len;
	}
	return out;
}

/* What the parts of main share. */
static struct tsq_table tr;
static struct tsq_table t;
static struct tsq_mapper m;
static struct tsq_mapped row;

static void
names_and_mapping(void)
{
	tsq_mapped_init(&row);

	/* A table: time, symbol, open, volume (default 0), source; key (symbol, time). */
	table(&t, "ohlcv");
	column(&t, "time", 1184, true, false);
	column(&t, "symbol", 25, true, false);
	column(&t, "open", 701, true, false);
	column(&t, "volume", 701, true, true);
	column(&t, "source", 25, false, false);
	key(&t, 2, 1, 0);
	t.time_col = 0;

	reset_opts();
	is_str(mapping(&m, &t, "time,symbol,open", false), "time>time symbol>symbol open>open",
	    "names match columns");
	is_str(mapping(&m, &t, "Time,SYMBOL,open", false), "Time>time SYMBOL>symbol open>open",
	    "names equal ignoring case match when nothing matches exactly");
	is_str(mapping(&m, &t, "time,symbol,open,colour", false),
	    "error: table ohlcv has no column \"colour\" (input column 4)", "one unknown column");
	is_str(mapping(&m, &t, "time,symbol,open,a,b,c,d,e,f,g,h,i,j,k,l", false),
	    "error: table ohlcv has no columns \"a\" (input column 4), \"b\" (input column 5), "
	    "\"c\" (input column 6), \"d\" (input column 7), \"e\" (input column 8), \"f\" (input column 9), "
	    "\"g\" (input column 10), \"h\" (input column 11), \"i\" (input column 12), \"j\" (input column 13) "
	    "and 2 more", "many unknown columns: one line, the first ten named");
	is_str(mapping(&m, &t, "time,symbol", false),
	    "error: column \"open\" of table ohlcv needs a value, and the input does not have it",
	    "a column that needs a value");
	is_str(mapping(&m, &t, "time,symbol,open,Open", false),
	    "error: table ohlcv has no column \"Open\" (input column 4)",
	    "a second name equal ignoring case does not take a column already taken");

	opts.ignore_extra = true;
	is_str(mapping(&m, &t, "time,symbol,open,colour", false), "time>time symbol>symbol open>open colour>-",
	    "--ignore-extra drops unknown columns");
	reset_opts();
	char *skip[] = { "junk" };
	opts.skip = skip;
	opts.nskip = 1;
	is_str(mapping(&m, &t, "time,junk,symbol,open", false), "time>time junk>- symbol>symbol open>open",
	    "--skip-columns");

	/* --map, exact names first: keys T and t, --map t=time. */
	reset_opts();
	struct tsq_pair maps[] = { { "t", "time" }, { "s", "symbol" }, { "p", "open" } };
	opts.maps = maps;
	opts.nmaps = 3;
	opts.ignore_extra = true;
	is_str(mapping(&m, &t, "T,t,s,p", false), "T>- t>time s>symbol p>open",
	    "--map t=time takes t, not T");
	opts.ignore_extra = false;
	is_str(mapping(&m, &t, "T,s,p", false), "T>time s>symbol p>open",
	    "--map t=time takes T when there is no t");
	struct tsq_pair bad[] = { { "nosuch", "open" }, { "x", "nocol" } };
	opts.maps = bad;
	opts.nmaps = 2;
	is_str(mapping(&m, &t, "time,symbol,x", false),
	    "error: --map nosuch=open: the input has no column \"nosuch\"\n"
	    "--map x=nocol: table ohlcv has no column \"nocol\"",
	    "--map mistakes, all of them");
}

static void
joined_columns_and_numbering(void)
{
	/* A date and a time in two columns. */
	reset_opts();
	struct tsq_pair dt[] = { { "Date+Time", "time" } };
	opts.maps = dt;
	opts.nmaps = 1;
	struct tsq_time_format tf;
	ok(tsq_time_format_compile(&tf, "%Y.%m.%d %H:%M:%S", &err), "pattern compiles");
	opts.conv.time_format = &tf;
	is_str(mapping(&m, &t, "Date,Time,symbol,open", true), "Date>time Time>time symbol>symbol open>open",
	    "Date+Time=time: both load the time");
	tsq_mapper_set_key(&m, (int[]){ 1, 0 }, 2);
	is_int(tsq_mapper_encode(&m, record(4, "2024.01.02", "14:30:02.5", "BTC", "1.5"), false, &row),
	    TSQ_MAP_ROW, "a record of two time columns");
	/* 2024-01-02 14:30:02.5 UTC is 757521002500000 us after 2000-01-01. */
	is_str(fields_hex(&row.tuple), "3: 0002b0f61a438fa0 425443 3ff8000000000000",
	    "the two columns make one timestamptz");
	is_int(tsq_mapper_encode(&m, record(4, "2024.01.02", NULL, "BTC", "1.5"), false, &row),
	    TSQ_MAP_REJECT, "one of the two null: the value is null");
	is_str(row.error, "null value in column \"time\" violates not-null constraint", "and refused");
	tsq_mapper_free(&m);
	tsq_time_format_free(&tf);

	/* --set, and its collisions. */
	reset_opts();
	struct tsq_pair sets[] = { { "source", "binance" } };
	opts.sets = sets;
	opts.nsets = 1;
	is_str(mapping(&m, &t, "time,symbol,open", true), "time>time symbol>symbol open>open +source",
	    "--set adds a field after the input's");
	tsq_mapper_set_key(&m, (int[]){ 1, 0 }, 2);
	is_int(tsq_mapper_encode(&m, record(3, "2000-01-01T00:00:01Z", "A", "2"), false, &row),
	    TSQ_MAP_ROW, "encodes");
	is_str(fields_hex(&row.tuple), "4: 00000000000f4240 41 4000000000000000 62696e616e6365",
	    "the --set value is in every row");
	is_int(row.key.len, 4 + 1 + 4 + 8, "the key is symbol then time, as encoded");
	is_int(row.has_time, 1, "the time column's value is known");
	is_int(row.time, 1000000 + INT64_C(946684800000000), "in microseconds since 1970");
	is_int(tsq_mapper_encode(&m, record(2, "x", "y"), false, &row), TSQ_MAP_REJECT,
	    "a record with too few fields");
	is_str(row.error, "expected 3 fields, found 2", "is refused");
	is_int(tsq_mapper_encode(&m, record(3, "2000-01-01", "A", "abc"), false, &row), TSQ_MAP_REJECT,
	    "a bad value");
	is_str(row.column, "open", "names its column");
	tsq_mapper_free(&m);
	is_str(mapping(&m, &t, "time,symbol,open,source", false),
	    "error: --set source: column \"source\" also comes from the input",
	    "--set of a column the input has");

	/* trades without an id: the key column is numbered. */
	table(&tr, "trades");
	column(&tr, "time", 1184, true, false);
	column(&tr, "symbol", 25, true, false);
	column(&tr, "price", 701, true, false);
	column(&tr, "trade_id", 20, true, false);
	key(&tr, 3, 1, 0, 3);
	tr.time_col = 0;
	reset_opts();
	is_str(mapping(&m, &tr, "time,symbol,price", true), "time>time symbol>symbol price>price +trade_id#",
	    "a missing integer key column is numbered");
	tsq_mapper_set_key(&m, (int[]){ 1, 0, 3 }, 3);
	const char *got[5];
	char buf[5][32];
	const char *rows[5][2] = { { "2024-01-01T00:00:00Z", "A" }, { "2024-01-01T00:00:00Z", "A" },
		{ "2024-01-01T00:00:00Z", "B" }, { "2024-01-01T00:00:01Z", "A" },
		{ "2024-01-01T00:00:00Z", "A" } };
	for (int i = 0; i < 5; i++) {
		tsq_mapper_encode(&m, record(3, rows[i][0], rows[i][1], "1"), false, &row);
		const char *h = fields_hex(&row.tuple);
		snprintf(buf[i], sizeof buf[i], "%s", h + strlen(h) - 16);
		got[i] = buf[i];
	}
	is_str(got[0], "ffffffffffffffff", "the first trade of A at 00:00:00 is -1");
	is_str(got[1], "fffffffffffffffe", "the second is -2");
	is_str(got[2], "ffffffffffffffff", "B at the same time starts at -1");
	is_str(got[3], "ffffffffffffffff", "A a second later starts at -1");
	is_str(got[4], "fffffffffffffffd", "a third A at 00:00:00, after others, is -3");
	is_int(tsq_mapper_encode(&m, record(3, "2023-12-31T22:00:00Z", "A", "1"), false, &row),
	    TSQ_MAP_ROW, "an earlier row starts a group of its own while every group is known");
}

static void
numbering_lets_old_groups_go(void)
{
	/* Three hours of rows, ten seconds apart: the oldest groups are let go. */
	for (int i = 0; i < 1080; i++) {
		char ts[32];
		snprintf(ts, sizeof ts, "2024-01-02T%02d:%02d:%02dZ", i / 360, i / 6 % 60, i % 6 * 10);
		tsq_mapper_encode(&m, record(3, ts, "A", "1"), false, &row);
	}
	is_int(tsq_mapper_encode(&m, record(3, "2024-01-02T00:00:05Z", "A", "1"), false, &row),
	    TSQ_MAP_REJECT, "a new group more than an hour before the latest row may have been let go");
	is_str(row.error, "no value for column \"trade_id\", and the row is more than an hour earlier "
	    "than rows read before it, so it cannot be numbered (sort the input by time)", "says so");
	is_int(tsq_mapper_encode(&m, record(3, "2024-01-02T02:30:05Z", "A", "1"), false, &row),
	    TSQ_MAP_ROW, "a new group within the hour");
	tsq_mapper_free(&m);

	/* JSON lines: keys join the load; unknown and repeated keys are refused, on any line. */
	reset_opts();
	ok(tsq_mapper_init(&m, &t, &opts, NULL, 0, true, &err), "JSON lines start with no columns");
	is_int(tsq_mapper_encode(&m, keyed(3, "time", "2000-01-01", "symbol", "A", "open", "1"), true, &row),
	    TSQ_MAP_NEW_COLUMNS, "the first record's keys are new columns");
	ok(tsq_mapper_extend(&m, keyed(3, "time", "2000-01-01", "symbol", "A", "open", "1"), &err),
	    "they join");
	tsq_mapper_set_key(&m, (int[]){ 1, 0 }, 2);
	is_int(tsq_mapper_encode(&m, keyed(3, "time", "2000-01-01", "symbol", "A", "open", "1"), true, &row),
	    TSQ_MAP_ROW, "then the record encodes");
	is_int(tsq_mapper_encode(&m, keyed(4, "time", "2000-01-01", "symbol", "A", "open", "1", "nope", "x"),
	    true, &row), TSQ_MAP_REJECT, "an unknown key");
	is_str(row.error, "table ohlcv has no column \"nope\"", "is refused naming it");
	is_int(tsq_mapper_encode(&m, keyed(4, "time", "2000-01-01", "symbol", "A", "open", "1", "open", "2"),
	    true, &row), TSQ_MAP_REJECT, "a key given twice");
	is_str(row.error, "key \"open\" appears twice in the record", "is refused naming it");
	is_int(tsq_mapper_encode(&m, keyed(2, "time", "2000-01-01", "symbol", "A"), true, &row),
	    TSQ_MAP_REJECT, "a missing key of a column that needs a value");
	is_str(row.error, "key \"open\" is missing, and column \"open\" needs a value", "is refused naming it");
	is_int(tsq_mapper_encode(&m, keyed(4, "time", "2000-01-01", "symbol", "A", "open", "1", "source", "s"),
	    true, &row), TSQ_MAP_NEW_COLUMNS, "a later key naming a column");
	tsq_mapper_free(&m);

	tsq_mapped_free(&row);
	tsq_buf_free(&err);
	tsq_table_free(&t);
	tsq_table_free(&tr);
}

int
main(void)
{
	names_and_mapping();
	joined_columns_and_numbering();
	numbering_lets_old_groups_go();
	return done_testing();
}
