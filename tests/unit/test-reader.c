/*
 * Unit tests for the record reader (line, offset and raw text of each
 * record; CSV, TSV and JSON-lines parsing; malformed records) and for the
 * :name placeholders of query files.
 */
#include <unistd.h>

#include "tap.h"
#include "tsq.h"
#include "query.h"

static char path[] = "/tmp/tsq-test-reader.XXXXXX";

/* Read all of TEXT as FORMAT; one line per record: "line offset|f1|f2|..." or "line offset!error". */
static const char *
read_all(const char *text, size_t len, enum tsq_format format)
{
	static struct tsq_buf out = TSQ_BUF_INIT;
	struct tsq_input in;
	struct tsq_record rec;
	struct tsq_buf err = TSQ_BUF_INIT;
	struct tsq_reader_opts o = { format, 0, 0, 0 };
	int fd = mkstemp(path);

	if (write(fd, text, len) != (ssize_t)len)
		return "write failed";
	close(fd);
	tsq_buf_reset(&out);
	if (!tsq_input_open(&in, path, &err))
		return err.data;
	struct tsq_reader *r = tsq_reader_open(&in, &o);
	while (tsq_reader_next(r, &rec, &err) == TSQ_READ_RECORD) {
		tsq_buf_addf(&out, "%ld %lld", rec.line, (long long)rec.offset);
		if (rec.error) {
			tsq_buf_addf(&out, "!%s\n", rec.error);
			continue;
		}
		for (size_t i = 0; i < rec.nfields; i++) {
			const struct tsq_field *f = &rec.fields[i];
			tsq_buf_addc(&out, '|');
			if (f->key)
				tsq_buf_addf(&out, "%s=", f->key);
			tsq_buf_adds(&out, f->val ? f->val : "<null>");
		}
		tsq_buf_addc(&out, '\n');
	}
	tsq_reader_close(r);
	tsq_input_close(&in);
	unlink(path);
	strcpy(path + strlen(path) - 6, "XXXXXX");
	tsq_buf_free(&err);
	return out.data;
}

#define CSV(s) read_all(s, sizeof(s) - 1, TSQ_FORMAT_CSV)

static const char *
numbered(const char *text)
{
	static char out[512];
	struct tsq_query q;
	struct tsq_buf err = TSQ_BUF_INIT;

	if (!tsq_query_parse("t", "test", text, &q, &err)) {
		snprintf(out, sizeof out, "error: %s", err.data);
	} else {
		snprintf(out, sizeof out, "%s", q.sql);
		tsq_query_free(&q);
	}
	tsq_buf_free(&err);
	return out;
}

int
main(void)
{
	is_str(CSV("a,b\n1,2\n"), "1 0|a|b\n2 4|1|2\n", "plain CSV: lines and offsets");
	is_str(CSV("a,b\r\n1,2"), "1 0|a|b\n2 5|1|2\n", "CRLF and no final newline");
	is_str(CSV("\xef\xbb\xbfx\n1\n"), "1 3|x\n2 5|1\n", "a byte order mark is skipped, offsets stay true");
	is_str(CSV("\"a,\"\"b\",\"two\nlines\"\n3,\n"), "1 0|a,\"b|two\nlines\n3 20|3|<null>\n",
	    "quotes, doubled quotes, a newline inside a field");
	is_str(CSV("\"\",,x\n"), "1 0||<null>|x\n", "quoted empty is empty, unquoted empty is NULL");
	is_str(CSV(" a , b \n"), "1 0| a | b \n", "blanks are kept, as COPY keeps them");
	is_str(CSV("a\n\n\nb\n"), "1 0|a\n4 4|b\n", "blank lines are not records");
	is_str(CSV("x\"y,1\nok,2\n"),
	    "1 0!malformed quoted field: a quote must open and close the whole field, and a quote inside it must be doubled\n2 6|ok|2\n",
	    "a stray quote spoils its record only");
	is_str(CSV("a\n\"open\n"), "1 0|a\n2 2!unterminated quoted field at the end of the input\n",
	    "an unterminated quote at the end");

	is_str(read_all("a\tb\n1\\t2\t\\N\n\tx\n", 16, TSQ_FORMAT_TSV), "1 0|a|b\n2 4|1\t2|<null>\n3 12|<null>|x\n",
	    "TSV: escapes decoded, \\N and empty are NULL");

	const char *j = "{\"a\": 1.50, \"b\": \"x\\u00e9\\n\", \"c\": null, \"d\": [1, {\"e\": true}]}\n"
	    "{\"a\": 1,}\n[1]\n{\"a\": \"\\ud83d\\ude00\"}\n";
	is_str(read_all(j, strlen(j), TSQ_FORMAT_JSONL),
	    "1 0|a=1.50|b=x\xc3\xa9\n|c=<null>|d=[1, {\"e\": true}]\n"
	    "2 64!invalid JSON at column 9: a key is missing\n"
	    "3 74!invalid JSON at column 1: expected a JSON object\n"
	    "4 78|a=\xf0\x9f\x98\x80\n",
	    "JSON lines: numbers as written, escapes, nested values as JSON text, errors with columns");

	is_str(numbered("-- param: a int\n-- param: b text\nSELECT :a, :b, :a"),
	    "-- param: a int\n-- param: b text\nSELECT $1, $2, $1", "placeholders become $N by declaration");
	is_str(numbered("-- param: a int\nSELECT ':a', \":a\", x::int, $$ :a $$ -- :a\n/* :a */, :a"),
	    "-- param: a int\nSELECT ':a', \":a\", x::int, $$ :a $$ -- :a\n/* :a */, $1",
	    "not inside quotes, comments, dollar quotes or casts");
	is_str(numbered("SELECT :b"), "error: the SQL uses :b, which is not a declared parameter",
	    "an undeclared placeholder is an error");
	is_str(numbered("-- param: a int\n-- param: a text\nSELECT 1"),
	    "error: parameter \"a\" is declared twice", "a parameter declared twice");
	return done_testing();
}
