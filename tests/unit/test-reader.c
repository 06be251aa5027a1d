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
/* The prefix hash of the last input read_max read, up to its last record. */
static char last_prefix[TSQ_PREFIX_HASH_SIZE];

/*
 * Read all of TEXT as FORMAT, records capped at MAX bytes (0: the default);
 * one line per record: "line offset|f1|f2|..." or "line offset!error", the
 * latter with "[kept N of M bytes]" when only a prefix of the record was kept.
 */
static const char *
read_max(const char *text, size_t len, enum tsq_format format, size_t max)
{
	static struct tsq_buf out = TSQ_BUF_INIT;
	struct tsq_input in;
	struct tsq_record rec;
	struct tsq_buf err = TSQ_BUF_INIT;
	struct tsq_reader_opts o = { format, 0, 0, max, NULL, 0 };
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
			tsq_buf_addf(&out, "!%s", rec.error);
			if ((int64_t)rec.rawlen != rec.rawsize)
				tsq_buf_addf(&out, " [kept %zu of %lld bytes]", rec.rawlen, (long long)rec.rawsize);
			tsq_buf_addc(&out, '\n');
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
	struct tsq_prefix prefix = tsq_reader_prefix(r);
	tsq_prefix_format(&prefix, last_prefix);
	tsq_reader_close(r);
	tsq_input_close(&in);
	unlink(path);
	strcpy(path + strlen(path) - 6, "XXXXXX");
	tsq_buf_free(&err);
	return out.data;
}

#define read_all(text, len, format) read_max(text, len, format, 0)
#define CSV(s) read_all(s, sizeof(s) - 1, TSQ_FORMAT_CSV)

/* TEXT with every '#' replaced by N bytes of C. */
static const char *
blow_up(const char *text, size_t n, char c, size_t *len)
{
	static struct tsq_buf b = TSQ_BUF_INIT;
	tsq_buf_reset(&b);
	for (const char *p = text; *p; p++) {
		if (*p != '#') {
			tsq_buf_addc(&b, *p);
			continue;
		}
		for (size_t i = 0; i < n; i++)
			tsq_buf_addc(&b, c);
	}
	*len = b.len;
	return b.data;
}

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

/*
 * Lines without a quote are split without libcsv: each of N random such
 * lines must give the fields libcsv gives when a quoted field before it
 * sends the same line through libcsv.
 */
static void
plain_lines_as_libcsv(int n)
{
	static const char alphabet[] = "ab ,,\t;\\x\r";
	struct tsq_buf a = TSQ_BUF_INIT, b = TSQ_BUF_INIT, got = TSQ_BUF_INIT;
	unsigned seed = 12345;
	int same = 0;

	for (int i = 0; i < n; i++) {
		tsq_buf_reset(&a);
		int len = 1 + (int)((seed = seed * 1103515245u + 12345u) >> 16) % 12;
		for (int k = 0; k < len; k++) {
			seed = seed * 1103515245u + 12345u;
			tsq_buf_addc(&a, alphabet[(seed >> 16) % (sizeof alphabet - 1)]);
		}
		/* A line that starts with CR is another line to libcsv: after "q", not so. */
		if (a.data[0] == '\r')
			a.data[0] = 'a';
		tsq_buf_adds(&a, (seed >> 20) & 1 ? "\r\n" : "\n");
		tsq_buf_reset(&b);
		tsq_buf_addf(&b, "\"q\",%s", a.data);
		tsq_buf_reset(&got);
		tsq_buf_adds(&got, read_all(a.data, a.len, TSQ_FORMAT_CSV));
		const char *want = read_all(b.data, b.len, TSQ_FORMAT_CSV);
		/* "1 0|q|rest" against "1 0|rest"; an error is the same error. */
		const char *bar = strchr(got.data, '|'), *wbar = strchr(want, '|');
		bool ok = bar && wbar && strncmp(wbar, "|q", 2) == 0 && strcmp(bar, wbar + 2) == 0;
		if (!bar || !wbar) {
			/* An error is the same error; a line of nothing but its ending is no record. */
			const char *e = strchr(got.data, '!'), *we = strchr(want, '!');
			ok = e && we ? strcmp(e, we) == 0 : got.len == 0 && strncmp(a.data, "\r\n", 2) == 0;
		}
		if (ok)
			same++;
		else
			printf("# line %d: %s gives %s, through libcsv %s", i, a.data, got.data, want);
	}
	is_int(same, n, "lines without quotes split as libcsv splits them");
	tsq_buf_free(&a);
	tsq_buf_free(&b);
	tsq_buf_free(&got);
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
	is_str(CSV("a\rb\nc\n"), "1 0!carriage return inside an unquoted field\n2 4|c\n",
	    "a CR inside a line spoils its record only");
	is_str(CSV("a\rb"), "1 0!carriage return inside an unquoted field\n",
	    "and at the end of the input leaves nothing behind");

	is_str(read_all("a\tb\n1\\t2\t\\N\n\tx\n", 15, TSQ_FORMAT_TSV), "1 0|a|b\n2 4|1\t2|<null>\n3 12|<null>|x\n",
	    "TSV: escapes decoded, \\N and empty are NULL");

	const char *j = "{\"a\": 1.50, \"b\": \"x\\u00e9\\n\", \"c\": null, \"d\": [1, {\"e\": true}]}\n"
	    "{\"a\": 1,}\n[1]\n{\"a\": \"\\ud83d\\ude00\"}\n";
	is_str(read_all(j, strlen(j), TSQ_FORMAT_JSONL),
	    "1 0|a=1.50|b=x\xc3\xa9\n|c=<null>|d=[1, {\"e\": true}]\n"
	    "2 64!invalid JSON at column 9: a key is missing\n"
	    "3 74!a JSON array as a record needs --columns to name its elements\n"
	    "4 78|a=\xf0\x9f\x98\x80\n",
	    "JSON lines: numbers as written, escapes, nested values as JSON text, errors with columns");

	/* Oversized records: rejected once, read past to their real end. */
	size_t len;
	const char *t = blow_up("a,b\n\"#\n#\",EVIL\ninjected,1\nok,2\n", 100000, 'x', &len);
	is_str(read_max(t, len, TSQ_FORMAT_CSV, 4096),
	    "1 0|a|b\n2 4!the record is larger than the limit of 4096 bytes (an unterminated quoted field?) [kept 65536 of 200008 bytes]\n"
	    "4 200013|injected|1\n5 200024|ok|2\n",
	    "CSV: a quoted field over the limit, spanning lines, is one reject; the next records are read");
	t = blow_up("a\n\"#,EVIL,injected\nok\n", 100000, 'x', &len);
	is_str(read_max(t, len, TSQ_FORMAT_CSV, 4096),
	    "1 0|a\n2 2!the record is larger than the limit of 4096 bytes (an unterminated quoted field?) [kept 65536 of 100018 bytes]\n",
	    "CSV: an open quote swallows the rest of the input into one reject");
	t = blow_up("a\n#,EVIL\r\nnext\n", 300000, 'z', &len);
	is_str(read_max(t, len, TSQ_FORMAT_CSV, 4096),
	    "1 0|a\n2 2!the record is larger than the limit of 4096 bytes (an unterminated quoted field?) [kept 65536 of 300005 bytes]\n"
	    "3 300009|next\n",
	    "CSV: a long line is one reject, its tail not a record");
	t = blow_up("a\n#", 20u << 20, 'z', &len);
	is_str(read_max(t, len, TSQ_FORMAT_CSV, 0),
	    "1 0|a\n2 2!the record is larger than the limit of 8388608 bytes (an unterminated quoted field?) [kept 65536 of 20971520 bytes]\n",
	    "CSV: 20 MiB without a line end is one reject");
	t = blow_up("a\tb\n#\tEVIL\n1\t2\n", 50000, 'q', &len);
	is_str(read_max(t, len, TSQ_FORMAT_TSV, 4096),
	    "1 0|a|b\n2 4!the record is larger than the limit of 4096 bytes\n3 50010|1|2\n",
	    "TSV: a long line is one reject");
	t = blow_up("{\"a\": \"#\", \"b\": 1}\n{\"a\": \"ok\"}\n", 50000, 'q', &len);
	is_str(read_max(t, len, TSQ_FORMAT_JSONL, 4096),
	    "1 0!the record is larger than the limit of 4096 bytes\n2 50018|a=ok\n",
	    "JSON lines: a long line is one reject");
	t = blow_up("#\n1\n", 70000, ',', &len);
	is_str(read_all(t, len, TSQ_FORMAT_CSV),
	    "1 0!the record has more than 65535 fields\n2 70001|1\n",
	    "a record of 70001 fields is a reject, not 70001 fields in memory");

	is_str(numbered("-- param: a int\n-- param: b text\nSELECT :a, :b, :a"),
	    "-- param: a int\n-- param: b text\nSELECT $1, $2, $1", "placeholders become $N by declaration");
	is_str(numbered("-- param: a int\nSELECT ':a', \":a\", x::int, $$ :a $$ -- :a\n/* :a */, :a"),
	    "-- param: a int\nSELECT ':a', \":a\", x::int, $$ :a $$ -- :a\n/* :a */, $1",
	    "not inside quotes, comments, dollar quotes or casts");
	is_str(numbered("SELECT :b"), "error: the SQL uses :b, which is not a declared parameter",
	    "an undeclared placeholder is an error");
	is_str(numbered("-- param: a int\n-- param: a text\nSELECT 1"),
	    "error: parameter \"a\" is declared twice", "a parameter declared twice");
	/* The prefix hash: CRC-32C's check value, and the bytes up to the last record. */
	CSV("123456789");
	is_str(last_prefix, "crc32c:e3069283-9", "the prefix of \"123456789\" is CRC-32C's check value");
	CSV("a\n\n123456789\n");
	ok(strncmp(last_prefix, "crc32c:", 7) == 0 && strcmp(strchr(last_prefix, '-'), "-13") == 0,
	    "the bytes counted run to the end of the last record, blank lines between included");
	plain_lines_as_libcsv(5000);
	return done_testing();
}
