/*
 * quality.c - the rows of the candles looked at: per symbol and timeframe,
 * and the data-quality checks (stats.h).
 */
#include <inttypes.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "exit.h"
#include "ident.h"
#include "log.h"
#include "mem.h"
#include "pgcodes.h"
#include "policy.h"
#include "prom.h"
#include "script.h"
#include "stats-int.h"

/* ---- --symbols and --quality ---- */

/*
 * The SQL of sql/quality/FILE for table row R (or the backend's own version,
 * <backend>/quality_FILE, where it needs one): @table@ and @symbols@ become
 * names the server quoted, @timeframe@ the timeframe column or TF_NONE, and
 * @step@, @missing@ and @seen@ the shared fragments of sql/quality (or the
 * backend's own, <backend>/quality_NAME.sql).
 */
static char *
quality_sql(const struct tsq_stats *s, const char *file, const struct stats_row *r, const char *symbols,
    bool timeframe, const char *tf_none)
{
	char path[64], own[64];
	struct tsq_buf fragment[3] = { TSQ_BUF_INIT, TSQ_BUF_INIT, TSQ_BUF_INIT };
	struct tsq_buf out = TSQ_BUF_INIT;
	static const char *const names[3] = { "step", "missing", "seen" };

	/* The fragments without their comment lines. */
	for (int i = 0; i < 3; i++) {
		snprintf(own, sizeof own, "quality_%s.sql", names[i]);
		if (!tsq_backend_sql(s->s.b.kind, own, path, sizeof path))
			snprintf(path, sizeof path, "quality/%s.sql", names[i]);
		for (const char *l = tsq_sql_file(path); *l;) {
			const char *nl = strchr(l, '\n');
			size_t n = nl ? (size_t)(nl - l) + 1 : strlen(l);
			if (strncmp(l, "--", 2) != 0)
				tsq_buf_add(&fragment[i], l, n);
			l += n;
		}
	}
	/* The fragments first, then the names (in them too): never the names' text again. */
	const struct tsq_script_var fragments[] = {
		{ "step", fragment[0].data },
		{ "missing", fragment[1].data },
		{ "seen", fragment[2].data },
		{ NULL, NULL },
	};
	const struct tsq_script_var tokens[] = {
		{ "table", r->display },
		{ "symbols", symbols ? symbols : "" },
		{ "timeframe", timeframe ? "timeframe" : tf_none },
		{ NULL, NULL },
	};
	struct tsq_buf whole = TSQ_BUF_INIT;
	snprintf(own, sizeof own, "quality_%s", file);
	if (!tsq_backend_sql(s->s.b.kind, own, path, sizeof path))
		snprintf(path, sizeof path, "quality/%s", file);
	tsq_sql_substitute(&whole, tsq_sql_file(path), fragments);
	tsq_sql_substitute(&out, whole.data, tokens);
	tsq_buf_free(&whole);
	for (int i = 0; i < 3; i++)
		tsq_buf_free(&fragment[i]);
	return tsq_buf_detach(&out);
}

/*
 * Which of the columns the checks need table row R lacks (a list for the
 * message, "" when none), and whether it has a timeframe column.
 */
static bool
row_shape(struct tsq_stats *s, const struct stats_row *r, const char *needed, char **lacks,
    bool *timeframe)
{
	const char *p[2] = { r->display, needed };
	PGresult *res = tsq_exec(s->s.conn, tsq_sql_file("stats/lacks.sql"), 2, p);

	if (!tsq_result_ok(res)) {
		stats_failed(s, res);
		PQclear(res);
		return false;
	}
	*lacks = xstrdup(PQgetvalue(res, 0, 0));
	*timeframe = PQgetvalue(res, 0, 1)[0] == 't';
	PQclear(res);
	return true;
}

/* The parameters $1 to $4 of the SQL in sql/quality: since and the session. */
static void
rows_params(const struct tsq_stats_opts *o, const char **p)
{
	p[0] = o->since;
	p[1] = o->session_start[0] ? o->session_start : NULL;
	p[2] = o->session_end[0] ? o->session_end : NULL;
	p[3] = o->weekdays ? "true" : "false";
}

int
stats_symbols(struct tsq_stats *s)
{
	static char *names[] = { "schema", "table", "symbol", "timeframe", "first", "last", "rows",
	    "missing" };
	static const unsigned int types[] = { TSQ_OID_TEXT, TSQ_OID_TEXT, TSQ_OID_TEXT, TSQ_OID_TEXT,
	    TSQ_OID_TIMESTAMPTZ, TSQ_OID_TIMESTAMPTZ, TSQ_OID_INT8, TSQ_OID_INT8 };
	enum { NCOLS = sizeof names / sizeof names[0] };
	struct tsq_out out = stats_out_begin(s, NCOLS, names, types);
	int rc = TSQ_EXIT_OK;

	for (int i = 0; i < s->ntables && rc == TSQ_EXIT_OK; i++) {
		struct stats_row r = { 0 };
		char *lacks = NULL, *sql = NULL;
		bool timeframe;
		PGresult *res = NULL;
		const char *p[4];

		if (!stats_row_names(s, &r, s->tables[i]) || !row_shape(s, &r, "{time,symbol}", &lacks,
		    &timeframe)) {
			rc = TSQ_EXIT_FAILURE;
		} else if (*lacks) {
			tsq_error("--symbols needs columns time and symbol: %s has no %s", r.display, lacks);
			rc = TSQ_EXIT_USAGE;
		} else {
			sql = quality_sql(s, "symbols.sql", &r, NULL, timeframe, "NULL");
			rows_params(s->o, p);
			res = tsq_exec(s->s.conn, sql, 4, p);
			if (!tsq_result_ok(res)) {
				stats_failed(s, res);
				rc = TSQ_EXIT_FAILURE;
			}
		}
		for (int k = 0; rc == TSQ_EXIT_OK && k < PQntuples(res); k++) {
			const char *v[NCOLS] = { r.schema, r.name };
			for (int c = 0; c < 6; c++)
				v[2 + c] = PQgetisnull(res, k, c) ? NULL : PQgetvalue(res, k, c);
			tsq_out_row(&out, (char *const *)v);
		}
		PQclear(res);
		free(sql);
		free(lacks);
		stats_row_free(&r);
	}
	tsq_out_end(&out);
	tsq_out_free(&out);
	return rc;
}

/* ---- the data-quality checks ---- */

/*
 * How far back the stale check looks for the symbols a table has: seven
 * times --stale-after, and at least seven days.
 */
static int64_t
stale_lookback(const struct tsq_stats_opts *o)
{
	int64_t week = 7 * 86400 * TSQ_USEC_PER_SEC;
	return o->stale_usec > week / 7 ? 7 * o->stale_usec : week;
}

static const char *
stale_lookback_text(const struct tsq_stats_opts *o)
{
	static char buf[32];
	struct tsq_buf b = TSQ_BUF_INIT;
	tsq_policy_format_duration(stale_lookback(o), &b);
	snprintf(buf, sizeof buf, "%s", b.data);
	tsq_buf_free(&b);
	return buf;
}

/*
 * Where a check's figures come from: one SQL file answers several checks.
 * A table is candles, trades or quotes by its columns (kind_of), and gets
 * the checks of its kind; the stale check applies to every table.
 */
enum check_sql { CANDLES_SQL, TRADES_SQL, QUOTES_SQL, STALE_SQL, NO_SQL };

static const struct kind {
	enum check_sql sql;
	const char *file;	/* under sql/quality */
	const char *columns;	/* what a table of the kind has */
} kinds[] = {
	{ CANDLES_SQL, "candles.sql", "{open,high,low,close,volume}" },
	{ TRADES_SQL, "trades.sql", "{price,size,trade_id}" },
	{ QUOTES_SQL, "quotes.sql", "{bid_price,ask_price,bid_size,ask_size,quote_id}" },
};

static void
rule_gaps(const struct tsq_stats_opts *o, char *buf, size_t size)
{
	if (o->session_start[0])
		snprintf(buf, size, "a candle every timeframe step, from %s to %s%s", o->session_start,
		    o->session_end, o->weekdays ? ", Monday to Friday" : "");
	else
		snprintf(buf, size, "a candle every timeframe step, %s", o->weekdays ?
		    "all day, Monday to Friday" : "around the clock");
}

static void
rule_frozen(const struct tsq_stats_opts *o, char *buf, size_t size)
{
	snprintf(buf, size, "at most %" PRId64 " flat candles in a row repeating the close", o->frozen);
}

static void
rule_spikes(const struct tsq_stats_opts *o, char *buf, size_t size)
{
	snprintf(buf, size, "close-to-close moves within %g %%", o->spike);
}

static void
rule_trade_spikes(const struct tsq_stats_opts *o, char *buf, size_t size)
{
	snprintf(buf, size, "trade-to-trade price moves within %g %%", o->spike);
}

static void
rule_quote_spikes(const struct tsq_stats_opts *o, char *buf, size_t size)
{
	snprintf(buf, size, "quote-to-quote mid price moves within %g %%", o->spike);
}

static void
rule_stale(const struct tsq_stats_opts *o, char *buf, size_t size)
{
	snprintf(buf, size, "each symbol (active, or with rows in the last %s) has rows in the last %s",
	    stale_lookback_text(o), o->stale_text ? o->stale_text : "1d");
}

/*
 * The checks, in the order of the report: the name the SQL gives the
 * check's row, the SQL that answers it, whether it needs a timeframe
 * column, and what it holds the candles to (a text, or made from the
 * options).  See tsq-stats(1), QUALITY CHECKS.
 */
static const struct rule {
	const char *name;
	enum check_sql sql;
	bool needs_timeframe;
	const char *text;
	void (*text_of)(const struct tsq_stats_opts *, char *, size_t);
} rules[] = {
	{ "gaps", CANDLES_SQL, true, NULL, rule_gaps },
	{ "ohlc", CANDLES_SQL, false, "low <= open, close <= high", NULL },
	{ "prices", CANDLES_SQL, false, "open, high, low and close above 0, not NaN", NULL },
	{ "volumes", CANDLES_SQL, false, "volume above 0, not NaN", NULL },
	{ "frozen", CANDLES_SQL, false, NULL, rule_frozen },
	{ "spikes", CANDLES_SQL, false, NULL, rule_spikes },
	{ "future", CANDLES_SQL, false, "no candle after now", NULL },
	{ "misaligned", CANDLES_SQL, true, "times on the timeframe's grid (from midnight UTC)", NULL },
	{ "prices", TRADES_SQL, false, "price above 0, not NaN", NULL },
	{ "sizes", TRADES_SQL, false, "size above 0, not NaN", NULL },
	{ "duplicates", TRADES_SQL, false, "a trade_id at one time only for its symbol", NULL },
	{ "spikes", TRADES_SQL, false, NULL, rule_trade_spikes },
	{ "future", TRADES_SQL, false, "no trade after now", NULL },
	{ "crossed", QUOTES_SQL, false, "bid not above ask", NULL },
	{ "locked", QUOTES_SQL, false, "bid not equal to ask", NULL },
	{ "prices", QUOTES_SQL, false, "bid and ask prices above 0, not NaN", NULL },
	{ "sizes", QUOTES_SQL, false, "bid and ask sizes above 0, not NaN", NULL },
	{ "spikes", QUOTES_SQL, false, NULL, rule_quote_spikes },
	{ "future", QUOTES_SQL, false, "no quote after now", NULL },
	{ "stale", STALE_SQL, false, NULL, rule_stale },
};
enum { NCHECKS = sizeof rules / sizeof rules[0] };

/* One check's outcome on one table. */
struct check {
	int64_t problems;	/* -1: skipped; -2: not for this kind of table */
	char *examples;
	char rule[160];
	PGresult *symbols;	/* the stale check: each symbol's newest row (stale.sql) */
};

/*
 * Each check's rule; those of another KIND of table are left out, those that
 * need a timeframe column skipped without one.
 */
static void
checks_rules(const struct tsq_stats_opts *o, bool timeframe, enum check_sql kind, struct check *k)
{
	for (int i = 0; i < NCHECKS; i++) {
		if (rules[i].sql != STALE_SQL && rules[i].sql != kind) {
			k[i].problems = -2;
		} else if (rules[i].needs_timeframe && !timeframe) {
			k[i].problems = -1;
			snprintf(k[i].rule, sizeof k[i].rule, "no timeframe column");
		} else if (rules[i].text_of) {
			rules[i].text_of(o, k[i].rule, sizeof k[i].rule);
		} else {
			snprintf(k[i].rule, sizeof k[i].rule, "%s", rules[i].text);
		}
	}
}

/* The checks answered by RES's rows (name, problems, examples), matched by name. */
static bool
checks_take(const PGresult *res, enum check_sql sql, struct check *k)
{
	for (int i = 0; i < NCHECKS; i++) {
		if (rules[i].sql != sql)
			continue;
		int row = -1;
		for (int j = 0; j < PQntuples(res) && row < 0; j++)
			if (strcmp(PQgetvalue(res, j, 0), rules[i].name) == 0)
				row = j;
		if (row < 0) {
			tsq_error("the quality check \"%s\" gave no figures", rules[i].name);
			return false;
		}
		if (k[i].problems == 0)
			k[i].problems = stats_int64(res, row, 1, 0);
		k[i].examples = stats_dup(res, row, 2);
	}
	return true;
}

/* The stale check's entry of K. */
static struct check *
stale_check(struct check *k)
{
	for (int i = 0; i < NCHECKS; i++)
		if (rules[i].sql == STALE_SQL)
			return &k[i];
	return NULL;
}

/*
 * The stale check: the symbols of R (those marked active in the symbols
 * table of its schema, and those with rows in the look-back), each with its
 * newest row read from the data; stale when that is older than
 * --stale-after, or there is none.
 */
static bool
check_stale(struct tsq_stats *s, const struct stats_row *r, bool timeframe, struct check *k)
{
	struct check *c = stale_check(k);
	char stale[40], lookback[40];
	const char *sp[1] = { r->schema };
	PGresult *res;

	if (!s->has_newest_row) {
		c->problems = -1;
		snprintf(c->rule, sizeof c->rule, "tsq's schema is older than version 3: run tsq-init");
		return true;
	}
	if ((res = stats_run(s, xstrdup(tsq_sql_file("stats/symbols_table.sql")), 1, sp)) == NULL)
		return false;
	char *symbols = xstrdup(PQgetisnull(res, 0, 0) ?
	    "(SELECT NULL::text AS symbol, false AS active, NULL::text[] AS tables)" : PQgetvalue(res, 0, 0));
	PQclear(res);
	snprintf(stale, sizeof stale, "%" PRId64 " microseconds", s->o->stale_usec);
	snprintf(lookback, sizeof lookback, "%" PRId64 " microseconds", stale_lookback(s->o));
	const char *q[4] = { lookback, r->schema, r->name, stale };
	res = stats_run(s, quality_sql(s, "stale.sql", r, symbols, timeframe, "NULL"), 4, q);
	free(symbols);
	if (res == NULL)
		return false;
	/* stale.sql: symbol, newest row, its epoch, stale. */
	struct tsq_buf ex = TSQ_BUF_INIT;
	int64_t n = 0;
	for (int i = 0; i < PQntuples(res); i++) {
		if (PQgetvalue(res, i, 3)[0] != 't')
			continue;
		if (n++ < 5)
			tsq_buf_addf(&ex, "%s%s (%s%s)", ex.len ? "; " : "", PQgetvalue(res, i, 0),
			    PQgetisnull(res, i, 1) ? "none in the last " : "newest ",
			    PQgetisnull(res, i, 1) ? stale_lookback_text(s->o) : PQgetvalue(res, i, 1));
	}
	c->problems = n;
	c->examples = ex.len ? tsq_buf_detach(&ex) : NULL;
	tsq_buf_free(&ex);
	c->symbols = res;
	return true;
}

/* Run the checks of KIND on table row R into K.  False on failure, reported. */
static bool
checks_run(struct tsq_stats *s, const struct stats_row *r, bool timeframe, enum check_sql kind,
    struct check *k)
{
	const struct tsq_stats_opts *o = s->o;
	char spike[32], frozen[24];
	const char *p[7];
	PGresult *res = NULL;

	snprintf(spike, sizeof spike, "%.17g", o->spike);
	snprintf(frozen, sizeof frozen, "%" PRId64, o->frozen);
	if (kind == CANDLES_SQL) {
		rows_params(o, p);
		p[4] = spike;
		p[5] = frozen;
		p[6] = "5";	/* examples of each problem */
		res = stats_run(s, quality_sql(s, "candles.sql", r, NULL, timeframe, "NULL"), 7, p);
	} else if (kind != NO_SQL) {
		p[0] = o->since;
		p[1] = spike;
		p[2] = "5";
		for (size_t i = 0; i < sizeof kinds / sizeof kinds[0]; i++)
			if (kinds[i].sql == kind)
				res = stats_run(s, quality_sql(s, kinds[i].file, r, NULL, false, "NULL"), 3, p);
	}
	if (kind != NO_SQL && res == NULL)
		return false;
	bool ok = kind == NO_SQL || checks_take(res, kind, k);
	PQclear(res);
	return ok && check_stale(s, r, timeframe, k);
}

static void
checks_free(struct check *k)
{
	for (int i = 0; i < NCHECKS; i++) {
		free(k[i].examples);
		PQclear(k[i].symbols);
	}
}

/* The checks on the asked-for table I, into K; an exit status. */
static int
quality_of(struct tsq_stats *s, int i, struct stats_row *r, struct check *k)
{
	char *lacks = NULL;
	bool timeframe;
	enum check_sql kind = NO_SQL;

	if (!stats_row_names(s, r, s->tables[i]) ||
	    !row_shape(s, r, "{time,symbol}", &lacks, &timeframe))
		return TSQ_EXIT_FAILURE;
	if (*lacks) {
		tsq_error("--quality needs columns time and symbol: %s has no %s", r->display, lacks);
		free(lacks);
		return TSQ_EXIT_USAGE;
	}
	/* Candles, trades or quotes: the first kind whose columns it has all of. */
	for (size_t n = 0; n < sizeof kinds / sizeof kinds[0] && kind == NO_SQL; n++) {
		char *missing = NULL;
		bool tf;
		if (!row_shape(s, r, kinds[n].columns, &missing, &tf)) {
			free(lacks);
			return TSQ_EXIT_FAILURE;
		}
		if (*missing == '\0')
			kind = kinds[n].sql;
		free(missing);
	}
	free(lacks);
	checks_rules(s->o, timeframe, kind, k);
	if (!checks_run(s, r, timeframe, kind, k))
		return s->timed_out ? TSQ_EXIT_TEMPFAIL : TSQ_EXIT_FAILURE;
	return TSQ_EXIT_OK;
}

/* Each symbol's newest row, from the stale checks of the N tables ROWS (checks ALL). */
static void
prom_newest(FILE *f, const struct stats_row *rows, struct check *all, int n)
{
	int total = 0, k = 0;

	for (int i = 0; i < n; i++) {
		const struct check *c = stale_check(&all[i * NCHECKS]);
		total += c->symbols ? PQntuples(c->symbols) : 0;
	}
	struct tsq_prom_sample *v = xcalloc((size_t)total + 1, sizeof *v);
	for (int i = 0; i < n; i++) {
		const PGresult *res = stale_check(&all[i * NCHECKS])->symbols;
		for (int j = 0; res && j < PQntuples(res); j++)
			if (!PQgetisnull(res, j, 2))
				v[k++] = (struct tsq_prom_sample){ rows[i].schema, rows[i].name,
				    PQgetvalue(res, j, 0), strtod(PQgetvalue(res, j, 2), NULL), "symbol" };
	}
	tsq_prom_metric(f, "tsq_symbol_newest_timestamp_seconds", "gauge", "Time of the symbol's "
	    "newest row in the table, read from the data (the stale check's symbols).", v, k);
	free(v);
}

int
stats_quality(struct tsq_stats *s, bool *problems)
{
	static char *names[] = { "schema", "table", "check", "status", "problems", "examples",
	    "rule" };
	static const unsigned int types[] = { TSQ_OID_TEXT, TSQ_OID_TEXT, TSQ_OID_TEXT,
	    TSQ_OID_TEXT, TSQ_OID_INT8, TSQ_OID_TEXT, TSQ_OID_TEXT };
	enum { NCOLS = sizeof names / sizeof names[0] };
	struct tsq_out out = { 0 };
	struct tsq_prom_sample *samples = NULL;
	int nsamples = 0, rc = TSQ_EXIT_OK;
	bool prom = s->out->prometheus;

	if (prom)
		samples = xcalloc((size_t)s->ntables * NCHECKS + 1, sizeof *samples);
	else
		out = stats_out_begin(s, NCOLS, names, types);
	struct check *all = xcalloc((size_t)s->ntables * NCHECKS + 1, sizeof *all);
	struct stats_row *rows = xcalloc((size_t)s->ntables + 1, sizeof *rows);
	for (int i = 0; i < s->ntables && rc == TSQ_EXIT_OK; i++) {
		struct stats_row *r = &rows[i];
		struct check *k = &all[i * NCHECKS];
		rc = quality_of(s, i, r, k);
		for (int c = 0; rc == TSQ_EXIT_OK && c < NCHECKS; c++) {
			char count[24];
			if (k[c].problems == -2)
				continue;
			const char *status = k[c].problems < 0 ? "skipped" :
			    k[c].problems > 0 ? "failed" : "ok";
			*problems |= k[c].problems > 0;
			if (prom && k[c].problems >= 0) {
				samples[nsamples++] = (struct tsq_prom_sample){ r->schema, r->name,
				    rules[c].name, (double)k[c].problems, "check" };
			} else if (!prom) {
				const char *v[NCOLS] = { r->schema, r->name, rules[c].name, status, NULL,
				    k[c].examples, k[c].rule };
				stats_put_int(count, sizeof count, k[c].problems, &v[4]);
				tsq_out_row(&out, (char *const *)v);
			}
		}
	}
	if (prom && rc == TSQ_EXIT_OK) {
		tsq_prom_metric(s->out->f, "tsq_quality_problems", "gauge", "Problems the data-quality "
		    "check found in the table (check: which; see tsq-stats(1)).", samples, nsamples);
		prom_newest(s->out->f, rows, all, s->ntables);
	}
	else if (!prom) {
		tsq_out_end(&out);
		tsq_out_free(&out);
	}
	for (int i = 0; i < s->ntables; i++) {
		checks_free(&all[i * NCHECKS]);
		stats_row_free(&rows[i]);
	}
	free(all);
	free(rows);
	free(samples);
	return rc;
}
