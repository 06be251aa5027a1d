/*
 * Unit tests for common/script.c's helpers of SQL files: the "-- key:"
 * header parser shared by scripts and query files, the @name@ substitution,
 * and the files compiled in.
 */
#include <stdlib.h>

#include "tap.h"
#include "tsq.h"

static void
header_is(const char *line, const char *key, const char *want, const char *what)
{
	char *copy = strdup(line), *v = NULL;
	bool found = tsq_sql_header(copy, key, &v);

	if (want == NULL)
		ok(!found, "%s", what);
	else
		is_str(found ? v : NULL, want, "%s", what);
	free(copy);
}

/*
 * SCRIPT run dry (without a server the unless: checks cannot run, every
 * step prints) with VARS and TOKENS: what it printed, to free; NULL when it
 * failed.  *EXECUTED: the steps it ran.
 */
static char *
dry_run(const char *script, const struct tsq_script_var *vars,
    const struct tsq_script_var *tokens, int *executed)
{
	char *printed = NULL;
	size_t printed_len = 0;
	FILE *f = open_memstream(&printed, &printed_len);
	struct tsq_script_opts so = { vars, tokens, NULL, f, 0 };
	struct tsq_script_outcome out = { 0, 0, TSQ_BUF_INIT };
	PGresult *failed = tsq_script_run(NULL, script, &so, &out);

	fclose(f);
	tsq_buf_free(&out.failed_step);
	*executed = out.executed;
	if (failed) {
		PQclear(failed);
		free(printed);
		return NULL;
	}
	return printed;
}

/* The rollup ladder, written once in sql/lists/rollups.sql, as steps and SQL see it. */
static void
lists(void)
{
	int executed;
	char *printed = dry_run("-- step: made @rollup@\n-- each-of: rollups\n"
	    "SELECT '@rollup@', @seconds@, '@source@';\n", NULL, NULL, &executed);

	is_int(executed, 5, "a step over a list runs once per rung of the ladder");
	ok(printed && strstr(printed, "-- made ohlcv_5m\nSELECT 'ohlcv_5m', 300, 'ohlcv';\n") != NULL &&
	    strstr(printed, "-- made ohlcv_1d\nSELECT 'ohlcv_1d', 86400, 'ohlcv_1h';\n") != NULL,
	    "each run with its rung's tokens");
	free(printed);

	char *r = tsq_sql_repeat("SELECT 0\n  -- repeat: rollups\nUNION ALL SELECT @seconds@ -- @x@\n"
	    "  -- end repeat  \nORDER BY 1\n");
	is_str(r, "SELECT 0\nUNION ALL SELECT 300 -- @x@\nUNION ALL SELECT 900 -- @x@\n"
	    "UNION ALL SELECT 3600 -- @x@\nUNION ALL SELECT 14400 -- @x@\n"
	    "UNION ALL SELECT 86400 -- @x@\nORDER BY 1\n",
	    "a repeat block is written once per rung; other tokens are left");
	free(r);
	static const char *const as_written[] = {
	    "a\n-- repeat: no_such_list\nb\n-- end repeat\nc",	/* no such list: a comment */
	    "a\n-- repeat: rollups\nb @rollup@\n",			/* no end */
	    "-- end repeat\nx\n",					/* an end alone */
	};
	for (size_t i = 0; i < sizeof as_written / sizeof *as_written; i++) {
		r = tsq_sql_repeat(as_written[i]);
		is_str(r, as_written[i], "left as written: %zu", i);
		free(r);
	}
	/* A block begun inside another: the outer one stays as written. */
	r = tsq_sql_repeat("-- repeat: rollups\na\n-- repeat: rollups\n@seconds@\n-- end repeat\n");
	is_str(r, "-- repeat: rollups\na\n300\n900\n3600\n14400\n86400\n", "nested: the inner block");
	char *again = tsq_sql_repeat(r);
	is_str(again, r, "what it writes, written again, is the same");
	free(again);
	free(r);
}

int
main(void)
{
	header_is("-- step: created table x", "step", "created table x", "a step header");
	header_is("--step:created", "step", "created", "no blanks needed");
	header_is("  --   param:  symbol text  \r", "param", "symbol text",
	    "blanks around each part, trailing blanks and CR dropped");
	header_is("-- description:", "description", "", "an empty value");
	header_is("-- steps: x", "step", NULL, "another key that starts the same is not it");
	header_is("-- step x", "step", NULL, "no colon: not a header");
	header_is("SELECT 1 -- step: x", "step", NULL, "a comment after SQL is not a header");
	header_is("- step: x", "step", NULL, "one dash is not a comment");

	struct tsq_buf b = TSQ_BUF_INIT;
	const struct tsq_script_var tokens[] = { { "price", "double precision" }, { "t", "x" },
	    { NULL, NULL } };
	tsq_sql_substitute(&b, "open @price@, @t@@t@, a@b, @unknown@, mail@", tokens);
	is_str(b.data, "open double precision, xx, a@b, @unknown@, mail@",
	    "tokens replaced, anything else with @ left as it is");
	tsq_buf_free(&b);

	/* each: lines run a step once per line, their tokens in every part. */
	static const char script[] =
	    "-- step: made @t@ a table\n"
	    "-- each: t=a; n=1\n"
	    "-- each: t=b; n=2, or more\n"
	    "-- unless: SELECT EXISTS (SELECT 1 FROM x WHERE name = '@t@')\n"
	    "-- params: schema\n"
	    "CREATE TABLE @t@ (v @price@); -- @n@ $1\n"
	    "\n"
	    "-- step: once\n"
	    "SELECT 1;\n";
	const struct tsq_script_var vars[] = { { "schema", "s" }, { NULL, NULL } };
	int executed;
	char *printed = dry_run(script, vars, tokens, &executed);
	is_int(executed, 3, "a step with two each: lines runs twice, the other once");
	is_str(printed,
	    "-- made a a table\n--   $1 = E's'\nCREATE TABLE a (v double precision); -- 1 $1\n\n"
	    "-- made b a table\n--   $1 = E's'\nCREATE TABLE b (v double precision); -- 2, or more $1\n\n"
	    "-- once\nSELECT 1;\n\n",
	    "each run with its own tokens, the script's tokens too");
	free(printed);

	lists();
	ok(tsq_sql_file("quality/candles.sql") != NULL, "a compiled-in file by its path under sql/");
	size_t n = 0;
	while (tsq_sql_file_name(n) != NULL)
		n++;
	ok(n > 50, "the listing names every compiled-in file (%zu)", n);
	return done_testing();
}
