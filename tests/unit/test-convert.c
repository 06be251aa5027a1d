/*
 * Unit tests for the binary COPY encoder: the bytes each type becomes, and
 * the messages for values that do not fit.  The expected bytes follow
 * PostgreSQL's send functions (numeric_send, timestamp_send, array_send...).
 */
#include "tap.h"
#include "tsq.h"

static struct tsq_convert_opts opts;

/* The field for TEXT as hex ("00000004 00000001"), or "error: MESSAGE". */
static const char *
enc(uint32_t oid, uint32_t elem, const char *text)
{
	static char out[1024];
	struct tsq_buf b = TSQ_BUF_INIT, msg = TSQ_BUF_INIT;
	struct tsq_type t;
	int64_t usec;

	tsq_type_init(&t, oid, elem, "x");
	const char *e = tsq_convert(&t, text, strlen(text), false, &opts, &b, &usec, &msg);
	if (e) {
		snprintf(out, sizeof out, "error: %s", e);
	} else {
		size_t n = 0;
		for (size_t i = 0; i < b.len && n + 3 < sizeof out; i++) {
			if (i == 4 || (i > 4 && (i - 4) % 2 == 0))
				out[n++] = ' ';
			n += (size_t)snprintf(out + n, sizeof out - n, "%02x", (unsigned char)b.data[i]);
		}
		out[n] = '\0';
	}
	tsq_buf_free(&b);
	tsq_buf_free(&msg);
	return out;
}

/* An OID, its element type's (arrays), the text, its field or "error: ...", what it shows. */
static const struct {
	uint32_t oid, elem;
	const char *text, *want, *what;
} cases[] = {
	/* numeric: ndigits, weight, sign, dscale, base-10000 digits */
	{ 1700, 0, "12345.678", "0000000e 0003 0001 0000 0003 0001 0929 1a7c", "numeric 12345.678" },
	{ 1700, 0, "-0.001234", "0000000c 0002 ffff 4000 0006 000c 0d48", "numeric -0.001234" },
	{ 1700, 0, "100", "0000000a 0001 0000 0000 0000 0064", "numeric 100" },
	{ 1700, 0, "1e4", "0000000a 0001 0001 0000 0000 0001", "numeric 1e4" },
	{ 1700, 0, "0.50", "0000000a 0001 ffff 0000 0002 1388", "numeric keeps its scale" },
	{ 1700, 0, "-0", "00000008 0000 0000 0000 0000", "numeric zero has no sign" },
	{ 1700, 0, "NaN", "00000008 0000 0000 c000 0000", "numeric NaN" },
	{ 1700, 0, "-Infinity", "00000008 0000 0000 f000 0000", "numeric -Infinity" },
	{ 1700, 0, "1.2.3", "error: invalid input syntax for type numeric: \"1.2.3\"", "numeric syntax error" },

	/* The limits of numeric. */
	{ 1700, 0, "1e131071", "0000000a 0001 7fff 0000 0000 03e8", "1e131071 is taken: 1000 at weight 32767" },
	{ 1700, 0, "1e131072", "error: value overflows numeric format", "1e131072 is not" },
	{ 1700, 0, "1e-16384", "error: value overflows numeric format", "nor a scale over 16383" },
	{ 1700, 0, "0.0e-16383", "error: value overflows numeric format", "zero with that scale neither" },
	{ 1700, 0, "0e200000", "00000008 0000 0000 0000 0000", "zero with a huge exponent is zero" },
	{ 1700, 0, "1e99999999999999", "error: value overflows numeric format", "a huge exponent" },
	{ 1700, 0, "1e", "error: invalid input syntax for type numeric: \"1e\"", "an exponent without digits" },
	{ 701, 0, " 1.5 ", "00000008 3ff8 0000 0000 0000", "double with blanks around, as the server takes it" },
	{ 23, 0, " 42 ", "00000004 0000 002a", "integer, blanks allowed" },
	{ 21, 0, "-1", "00000002 ffff", "smallint -1" },
	{ 21, 0, "40000", "error: value \"40000\" is out of range for type smallint", "smallint range" },
	{ 20, 0, "1.0", "error: invalid input syntax for type bigint: \"1.0\"", "bigint refuses a fraction" },
	{ 701, 0, "1.5", "00000008 3ff8 0000 0000 0000", "double 1.5" },
	{ 700, 0, "-2", "00000004 c000 0000", "real -2" },
	{ 701, 0, "1e999", "error: value \"1e999\" is out of range for type double precision", "double overflow" },
	{ 701, 0, "1e-400", "error: value \"1e-400\" is out of range for type double precision", "double underflow to zero" },
	{ 701, 0, "4.9e-324", "00000008 0000 0000 0000 0001", "the smallest subnormal double" },
	{ 701, 0, "+0.1", "00000008 3fb9 9999 9999 999a", "a leading + (strtod's path)" },
	{ 701, 0, "-Infinity", "00000008 fff0 0000 0000 0000", "-Infinity" },
	{ 701, 0, "0x1p3", "00000008 4020 0000 0000 0000", "hex, which the server's strtod takes too" },
	{ 701, 0, "1.5x", "error: invalid input syntax for type double precision: \"1.5x\"", "trailing bytes" },
	{ 701, 0, "  ", "error: invalid input syntax for type double precision: \"  \"", "blanks only" },
	/* Read as a double first, this rounds to the halfway point between two reals, then down to 1. */
	{ 700, 0, "1.0000000596046447753906250000000001", "00000004 3f80 0001", "real is rounded once, from the decimal (strtof, as the server does)" },
	{ 700, 0, "1e39", "error: value \"1e39\" is out of range for type real", "real overflow" },
	{ 700, 0, "1e-46", "error: value \"1e-46\" is out of range for type real", "real underflow" },
	{ 16, 0, "Yes", "00000001 01", "boolean yes" },
	{ 16, 0, "0", "00000001 00", "boolean 0" },

	/* timestamptz: microseconds since 2000-01-01 */
	{ 1184, 0, "2000-01-01T00:00:01Z", "00000008 0000 0000 000f 4240", "timestamptz one second after PostgreSQL's epoch" },
	{ 1184, 0, "946684801000", "00000008 0000 0000 000f 4240", "timestamptz from epoch milliseconds" },
	{ 1184, 0, "2000-01-01 02:00:01+02", "00000008 0000 0000 000f 4240", "timestamptz with an offset" },
	{ 1082, 0, "2000-01-02", "00000004 0000 0001", "date" },
	{ 1082, 0, "1999-12-31", "00000004 ffff ffff", "date before 2000" },
	{ 1184, 0, "now", "error: invalid input syntax for type timestamp with time zone: \"now\"", "\"now\" is not data" },

	{ 25, 0, "h\xc3\xa9", "00000003 68c3 a9", "text is passed as UTF-8" },
	{ 25, 0, "bad\xff", "error: invalid byte sequence for encoding \"UTF8\"", "text must be UTF-8" },
	{ 3802, 0, "[1]", "00000004 015b 315d", "jsonb has a version byte" },
	{ 1007, 23, "{1,NULL}", "00000020 0000 0001 0000 0001 0000 0017 0000 0002 0000 0001 0000 0004 0000 0001 ffff ffff", "integer[] with a NULL" },
	{ 1007, 23, "{}", "0000000c 0000 0000 0000 0000 0000 0017", "empty array" },
	{ 1007, 23, "{{1}}", "error: multidimensional arrays are not supported", "nested arrays are refused" },
	{ 2950, 0, "a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11", "00000024 6130 6565 6263 3939 2d39 6330 622d 3465 6638 2d62 6236 642d 3662 6239 6264 3338 3061 3131", "other types travel as text" },
};

int
main(void)
{
	for (size_t i = 0; i < sizeof cases / sizeof *cases; i++)
		is_str(enc(cases[i].oid, cases[i].elem, cases[i].text), cases[i].want, "%s", cases[i].what);

	/* As many digits as the server takes. */
	char big[3000];
	memset(big, '9', 2000);
	big[2000] = '\0';
	ok(strncmp(enc(1700, 0, big), "000003f0 01f4 01f3 0000 0000 270f", 33) == 0,
	    "numeric of 2000 digits: 500 groups of 9999");
	return done_testing();
}
