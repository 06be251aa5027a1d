/*
 * Unit tests for common/query.c: every shipped query parses, and the text a
 * query shows (tsq-query --show, fragments expanded) parses to the same
 * statement and parameters, so that it can be saved as a query file of
 * one's own.  Regression inputs found by make fuzz are kept here.
 */
#include <stdlib.h>

#include "tap.h"
#include "tsq.h"
#include "query.h"

/* TEXT parses; its shown text parses to the same SQL and parameters. */
static void
round_trip(const char *name, const char *text)
{
	struct tsq_query q, again;
	struct tsq_buf err = TSQ_BUF_INIT;

	if (!ok(tsq_query_parse(name, "test", text, &q, &err), "%s parses", name)) {
		printf("#   %s\n", err.data ? err.data : "");
		tsq_buf_free(&err);
		return;
	}
	bool same = tsq_query_parse(name, "test", q.text, &again, &err);
	ok(same && strcmp(again.sql, q.sql) == 0 && again.nparams == q.nparams,
	    "%s: its shown text parses to the same statement", name);
	if (same)
		tsq_query_free(&again);
	tsq_query_free(&q);
	tsq_buf_free(&err);
}

/* The parameters the candles fragment uses. */
#define HEADER "-- param: symbol text\n-- param: timeframe text = 1m\n" \
	"-- param: interval interval = null\n-- param: source text = auto\n" \
	"-- param: from timestamptz = -24h\n-- param: to timestamptz = now\n"

int
main(void)
{
	struct tsq_query_path path = { NULL, 0 };
	struct tsq_query_entry *list;
	int n = tsq_query_list(&path, &list);

	ok(n > 20, "the shipped queries are listed (%d)", n);
	for (int i = 0; i < n; i++) {
		struct tsq_query q;
		struct tsq_buf err = TSQ_BUF_INIT;
		if (!ok(tsq_query_load(&path, list[i].name, NULL, &q, &err) == TSQ_QUERY_LOADED,
		    "%s loads", list[i].name)) {
			tsq_buf_free(&err);
			continue;
		}
		if (ok(strchr(q.text, '@') == NULL, "%s: no token left after expansion", list[i].name))
			round_trip(list[i].name, q.text);
		tsq_query_free(&q);
		tsq_buf_free(&err);
	}
	tsq_query_list_free(list, n);

	/*
	 * Found by make fuzz: the fragment's own comment named its token, so the
	 * shown text expanded it a second time.
	 */
	round_trip("a token right after the header", HEADER "@candles@ SELECT 1");
	round_trip("unmatched at signs around tokens",
	    HEADER "@r@@@candles@@x@candles@candles@ @");
	round_trip("tokens in a comment and a literal", HEADER "-- @candles@\nSELECT '@candles@'");
	/* Also found by make fuzz: a token in a header line. */
	round_trip("a token in the header", "-- x @candles@\n" HEADER "SELECT :interval");

	/* Only a token in the SQL is replaced, not one in a comment or a literal. */
	struct tsq_query q;
	struct tsq_buf err = TSQ_BUF_INIT;
	if (ok(tsq_query_parse("t", "test", HEADER "/* @candles@ */ SELECT '@candles@', \"@candles@\""
	    " -- @candles@\n, $$@candles@$$", &q, &err), "comments and literals parse")) {
		is_str(strstr(q.text, "SELECT"), "SELECT '@candles@', \"@candles@\" -- @candles@\n, $$@candles@$$",
		    "their tokens stay as written");
		tsq_query_free(&q);
	}
	/* E'...' keeps a backslash-escaped quote inside: ":x" there is text, not a parameter. */
	if (ok(tsq_query_parse("t", "test", HEADER "SELECT E'\\' :x', e'a\\\\', date'2024-01-01', :interval",
	    &q, &err), "E strings parse")) {
		is_str(strstr(q.sql, "SELECT"), "SELECT E'\\' :x', e'a\\\\', date'2024-01-01', $3", "only the parameter is numbered");
		tsq_query_free(&q);
	} else {
		printf("# %s\n", err.data);
	}
	tsq_buf_free(&err);
	return done_testing();
}
