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

	ok(tsq_sql_file("quality/candles.sql") != NULL, "a compiled-in file by its path under sql/");
	size_t n = 0;
	while (tsq_sql_file_name(n) != NULL)
		n++;
	ok(n > 50, "the listing names every compiled-in file (%zu)", n);
	return done_testing();
}
