/* Unit tests for the string buffer, identifier quoting and the SQL file table. */
#include "tap.h"
#include "tsq.h"

int
main(void)
{
	struct tsq_buf b = TSQ_BUF_INIT;

	ok(b.data != NULL && b.data[0] == '\0' && b.len == 0, "a new buf is an empty string");
	tsq_buf_adds(&b, "abc");
	tsq_buf_addc(&b, '-');
	tsq_buf_addf(&b, "%d/%s", 42, "x");
	is_str(b.data, "abc-42/x", "adds, addc and addf append");
	is_int(b.len, 8, "length follows");
	for (int i = 0; i < 1000; i++)
		tsq_buf_adds(&b, "0123456789");
	is_int(b.len, 10008, "grows past its first allocation");
	ok(b.data[b.len] == '\0', "stays NUL terminated");
	tsq_buf_truncate(&b, 3);
	is_str(b.data, "abc", "truncate");
	tsq_buf_adds(&b, " \t\r\n");
	tsq_buf_rtrim(&b);
	is_str(b.data, "abc", "rtrim drops trailing blanks and newlines");
	tsq_buf_add(&b, "\0z", 2);
	is_int(b.len, 5, "binary data may hold NULs");
	char *s = tsq_buf_detach(&b);
	is_str(s, "abc", "detach hands over the string");
	free(s);
	ok(b.data != NULL && b.len == 0, "a detached buf is empty again");
	tsq_buf_reset(&b);
	s = tsq_buf_detach(&b);
	is_str(s, "", "detaching an empty buf gives an empty string");
	free(s);

	tsq_quote_ident(&b, "ohlcv");
	is_str(b.data, "\"ohlcv\"", "plain name quoted");
	tsq_buf_reset(&b);
	tsq_quote_ident(&b, "we\"ird; DROP TABLE x");
	is_str(b.data, "\"we\"\"ird; DROP TABLE x\"", "quotes doubled, the rest inert");
	tsq_buf_reset(&b);
	tsq_quote_literal(&b, "it's a\\b\n\r\t\x01\x7f caf\xc3\xa9");
	is_str(b.data, "E'it\\'s a\\\\b\\n\\r\\t\\x01\\x7f caf\xc3\xa9'",
	    "a literal: quote, backslash and line ends escaped, other controls in hex, UTF-8 kept");
	tsq_buf_free(&b);

	ok(tsq_sql_file("common.sql") != NULL, "common.sql is compiled in");
	ok(tsq_sql_file("timescaledb/schema.sql") != NULL, "timescaledb/schema.sql is compiled in");
	ok(tsq_sql_file("postgres/convert.sql") == NULL, "no convert script for plain PostgreSQL");

	enum tsq_backend_kind kind;
	bool is_auto;
	ok(tsq_backend_parse("auto", &kind, &is_auto) && is_auto, "backend auto");
	ok(tsq_backend_parse("postgres", &kind, &is_auto) && !is_auto &&
	    kind == TSQ_BACKEND_POSTGRES, "backend postgres");
	ok(tsq_backend_parse("timescaledb", &kind, &is_auto) && kind == TSQ_BACKEND_TIMESCALEDB,
	    "backend timescaledb");
	ok(!tsq_backend_parse("mysql", &kind, &is_auto), "unknown backend refused");

	return done_testing();
}
