/*
 * Unit tests for common/format.c: the bytes of each output format for a
 * result with the values formats find hard (separators, quotes, line
 * breaks, NULL, NaN, times), and the JSON string escaper.
 */
#include <stdlib.h>

#include "tap.h"
#include "tsq.h"
#include "format.h"

enum { OID_TEXT = 25, OID_INT8 = 20, OID_FLOAT8 = 701, OID_TIMESTAMPTZ = 1184, OID_BOOL = 16 };

/* The whole output of FORMAT for the fixed result below, as one string. */
static char *
render(enum tsq_out_format format, bool header)
{
	static char *names[] = { "t", "n", "f", "at", "ok" };
	static const unsigned int types[] = { OID_TEXT, OID_INT8, OID_FLOAT8, OID_TIMESTAMPTZ, OID_BOOL };
	static char *rows[][5] = {
		{ "a,b", "1", "1.5", "2024-03-01 12:00:00+00", "t" },
		{ "say \"hi\"\nnext", NULL, "NaN", "2024-03-01 12:00:00.25+05:30", "f" },
		{ "", "-7", "Infinity", NULL, NULL },
	};
	char *text = NULL;
	size_t len = 0;
	struct tsq_out out = { 0 };

	out.f = open_memstream(&text, &len);
	out.format = format;
	out.header = header;
	tsq_out_begin(&out, 5, names, types);
	for (size_t i = 0; i < sizeof rows / sizeof rows[0]; i++)
		tsq_out_row(&out, rows[i]);
	tsq_out_end(&out);
	tsq_out_free(&out);
	fclose(out.f);
	return text;
}

int
main(void)
{
	char *s;

	/* CSV: COPY's rules, so tsq-load reads back what is written. */
	s = render(TSQ_OUT_CSV, true);
	is_str(s, "t,n,f,at,ok\n"
	    "\"a,b\",1,1.5,2024-03-01 12:00:00+00,t\n"
	    "\"say \"\"hi\"\"\nnext\",,NaN,2024-03-01 12:00:00.25+05:30,f\n"
	    "\"\",-7,Infinity,,\n", "csv: quoting, NULL empty, empty string quoted");
	free(s);
	s = render(TSQ_OUT_CSV, false);
	ok(strncmp(s, "\"a,b\",", 6) == 0, "csv without a header starts with the first row");
	free(s);

	/* JSON lines: numbers as numbers, NaN and Infinity as null, ISO 8601 times. */
	s = render(TSQ_OUT_JSONL, false);
	is_str(s, "{\"t\":\"a,b\",\"n\":1,\"f\":1.5,\"at\":\"2024-03-01T12:00:00Z\",\"ok\":true}\n"
	    "{\"t\":\"say \\\"hi\\\"\\nnext\",\"n\":null,\"f\":null,\"at\":\"2024-03-01T12:00:00.25+05:30\",\"ok\":false}\n"
	    "{\"t\":\"\",\"n\":-7,\"f\":null,\"at\":null,\"ok\":null}\n", "jsonl");
	free(s);
	/* TSV: tabs between fields, a line break inside a value as \n. */
	s = render(TSQ_OUT_TSV, true);
	is_str(s, "t\tn\tf\tat\tok\n"
	    "a,b\t1\t1.5\t2024-03-01 12:00:00+00\tt\n"
	    "say \"hi\"\\nnext\t\tNaN\t2024-03-01 12:00:00.25+05:30\tf\n"
	    "\t-7\tInfinity\t\t\n", "tsv");
	free(s);
	/* Markdown: numbers right-aligned, a line break as <br>. */
	s = render(TSQ_OUT_MARKDOWN, true);
	is_str(s, "| t | n | f | at | ok |\n"
	    "| --- | ---: | ---: | --- | --- |\n"
	    "| a,b | 1 | 1.5 | 2024-03-01 12:00:00+00 | t |\n"
	    "| say \"hi\"<br>next |  | NaN | 2024-03-01 12:00:00.25+05:30 | f |\n"
	    "|  | -7 | Infinity |  |  |\n", "markdown");
	free(s);
	s = render(TSQ_OUT_JSON, false);
	ok(s[0] == '[' && strstr(s, "]\n") == s + strlen(s) - 2, "json is one array");
	ok(strstr(s, "\"n\":-7") != NULL, "json keeps numbers");
	free(s);
	return done_testing();
}
