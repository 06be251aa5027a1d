/*
 * Unit tests for the typed option values of common/opt.c and for the
 * statements rows.c reads through a cursor.  The messages of refused values
 * are checked per tool by tests/cli.bats; here, what each parser accepts and
 * the values it stores.
 */
#include <math.h>

#include "tap.h"
#include "tsq.h"
#include "rows.h"

static void
list_is(const char *arg, int want_n, const char *want_joined)
{
	int n;
	char **list = tsq_opt_list(arg, &n);
	struct tsq_buf joined = TSQ_BUF_INIT;

	for (int i = 0; i < n; i++)
		tsq_buf_addf(&joined, "%s[%s]", i ? " " : "", list[i]);
	is_int(n, want_n, "list \"%s\": %d items", arg, want_n);
	is_str(joined.data, want_joined, "list \"%s\": the items", arg);
	ok(list[n] == NULL, "list \"%s\": NULL-terminated", arg);
	tsq_opt_list_free(list, n);
	tsq_buf_free(&joined);
}

static void
pairs_are(const char *arg, bool list, const char *want)
{
	struct tsq_pair *pairs = NULL;
	int n = 0;
	struct tsq_buf got = TSQ_BUF_INIT;
	bool good = tsq_opt_pairs("map", arg, list, &pairs, &n);

	for (int i = 0; i < n; i++)
		tsq_buf_addf(&got, "%s%s=[%s]", i ? " " : "", pairs[i].name, pairs[i].value);
	if (want) {
		ok(good, "pairs \"%s\" (%s) accepted", arg, list ? "list" : "one");
		is_str(got.data, want, "pairs \"%s\": the settings", arg);
	} else {
		ok(!good, "pairs \"%s\" (%s) refused", arg, list ? "list" : "one");
	}
	tsq_opt_pairs_free(pairs, n);
	tsq_buf_free(&got);
}

int
main(void)
{
	int64_t i;
	double d;
	char c;

	/* The refused values' messages go to stderr, next to the TAP lines. */
	ok(tsq_opt_int("n", "42", 1, 100, &i) && i == 42, "42 in 1..100");
	ok(tsq_opt_int("n", " 7 ", 1, 100, &i) && i == 7, "blanks around a number");
	ok(tsq_opt_int("n", "1", 1, 100, &i) && i == 1, "the minimum itself");
	ok(tsq_opt_int("n", "100", 1, 100, &i) && i == 100, "the maximum itself");
	ok(!tsq_opt_int("n", "0", 1, 100, &i), "below the minimum");
	ok(!tsq_opt_int("n", "101", 1, 100, &i), "above the maximum");
	ok(!tsq_opt_int("n", "1e3", 1, 10000, &i), "an exponent is not a whole number");
	ok(!tsq_opt_int("n", "12abc", 1, 100, &i), "trailing letters");
	ok(!tsq_opt_int("n", "", 1, 100, &i), "empty");
	ok(!tsq_opt_int("n", "99999999999999999999", 0, INT64_MAX, &i), "past int64");
	ok(tsq_opt_int("n", "9223372036854775807", 0, INT64_MAX, &i) && i == INT64_MAX,
	    "INT64_MAX");

	ok(tsq_opt_real("r", "0.25", 0, 1, false, &d) && d == 0.25, "0.25 in 0..1");
	ok(tsq_opt_real("r", "0", 0, 1, false, &d) && d == 0, "0 included when not above_min");
	ok(!tsq_opt_real("r", "0", 0, INFINITY, true, &d), "0 refused when above 0");
	ok(tsq_opt_real("r", "1e-9", 0, INFINITY, true, &d) && d == 1e-9, "1e-9 is above 0");
	ok(!tsq_opt_real("r", "1.0001", 0, 1, false, &d), "above the maximum");
	ok(!tsq_opt_real("r", "nan", 0, 1, false, &d), "NaN");
	ok(!tsq_opt_real("r", "inf", 0, INFINITY, true, &d), "infinity");
	ok(!tsq_opt_real("r", "1e999", 0, INFINITY, true, &d), "overflow");
	ok(!tsq_opt_real("r", "0.5x", 0, 1, false, &d), "trailing letters");
	ok(!tsq_opt_real("r", "", 0, 1, false, &d), "empty");

	ok(tsq_opt_duration("t", "30s", 1, &i) && i == 30000000, "30s");
	ok(tsq_opt_duration("t", "1h30m", 1, &i) && i == INT64_C(5400000000), "1h30m");
	ok(tsq_opt_duration("t", "7 days", 1, &i) && i == INT64_C(604800000000), "7 days");
	ok(tsq_opt_duration("t", "1ms", 1000, &i) && i == 1000, "the minimum itself");
	ok(!tsq_opt_duration("t", "999us", 1000, &i), "below the minimum");
	ok(!tsq_opt_duration("t", "0s", 1, &i), "zero is not positive");
	ok(!tsq_opt_duration("t", "-3d", 1, &i), "negative");
	ok(!tsq_opt_duration("t", "3mo", 1, &i), "months");
	ok(!tsq_opt_duration("t", "soon", 1, &i), "a word");

	ok(tsq_opt_char("c", ";", &c) && c == ';', "one character");
	ok(tsq_opt_char("c", "tab", &c) && c == '\t', "tab");
	ok(tsq_opt_char("c", "\\t", &c) && c == '\t', "\\t");
	ok(!tsq_opt_char("c", "", &c), "empty");
	ok(!tsq_opt_char("c", ";;", &c), "two characters");
	ok(!tsq_opt_char("c", "\n", &c), "a line end");

	list_is("a,b,c", 3, "[a] [b] [c]");
	list_is("a,,b,", 2, "[a] [b]");
	list_is("", 0, "");
	list_is(",", 0, "");
	list_is("one", 1, "[one]");
	list_is("with space,x", 2, "[with space] [x]");

	pairs_are("t=time", true, "t=[time]");
	pairs_are("t=time,v=volume", true, "t=[time] v=[volume]");
	pairs_are("a=b=c", true, "a=[b=c]");
	pairs_are("a=", true, NULL);
	pairs_are("a=b,", true, NULL);
	pairs_are("=b", true, NULL);
	pairs_are("ab", true, NULL);
	pairs_are("note=a,b", false, "note=[a,b]");
	pairs_are("note=", false, "note=[]");
	pairs_are("=x", false, NULL);

	ok(tsq_rows_is_query("SELECT 1"), "SELECT");
	ok(tsq_rows_is_query("  with x AS (SELECT 1) SELECT * FROM x"), "WITH, lower case, blanks");
	ok(tsq_rows_is_query("(SELECT 1) UNION (SELECT 2)"), "a parenthesis first");
	ok(tsq_rows_is_query("-- comment\nVALUES (1)"), "a line comment first");
	ok(tsq_rows_is_query("/* a\n comment */ TABLE ohlcv"), "a block comment first");
	ok(tsq_rows_is_query("SELECT\n1"), "a line break after the keyword");
	ok(tsq_rows_is_query("select*from t"), "no blank after the keyword");
	ok(!tsq_rows_is_query("selected_view_refresh()"), "a word that only starts with select");
	ok(!tsq_rows_is_query("table_refresh()"), "table_ is not TABLE");
	ok(!tsq_rows_is_query("INSERT INTO t VALUES (1) RETURNING *"), "INSERT");
	ok(!tsq_rows_is_query("EXPLAIN SELECT 1"), "EXPLAIN");
	ok(!tsq_rows_is_query("SHOW timezone"), "SHOW");
	ok(!tsq_rows_is_query("-- only a comment"), "only a comment");
	ok(!tsq_rows_is_query("/* unterminated"), "an unterminated comment");
	ok(!tsq_rows_is_query(""), "empty");
	return done_testing();
}
