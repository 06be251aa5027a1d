/*
 * Unit tests for the fast decimal readers: whatever they take, they must
 * read to the same bits as strtod / strtof (glibc, correctly rounded), and
 * they must take the ordinary decimals that market data is made of.  A few
 * million generated decimals of every shape, then the edge cases.
 */
#include <math.h>
#include <stdint.h>

#include "tap.h"
#include "decimal.h"

/* xorshift64*: the same sequence on every run. */
static uint64_t rng = 0x9e3779b97f4a7c15u;

static uint64_t
next(void)
{
	rng ^= rng >> 12;
	rng ^= rng << 25;
	rng ^= rng >> 27;
	return rng * 0x2545f4914f6cdd1du;
}

static unsigned long mismatches, taken, tried;
static char first_bad[128];

/* Compare S both ways; a disagreement is remembered, not printed per case. */
static void
check(const char *s)
{
	size_t len = strlen(s);
	double d, want_d = strtod(s, NULL);
	float f, want_f = strtof(s, NULL);

	tried++;
	if (tsq_decimal_double(s, len, &d)) {
		taken++;
		if (memcmp(&d, &want_d, sizeof d) != 0 && mismatches++ == 0)
			snprintf(first_bad, sizeof first_bad, "double %s", s);
	}
	if (tsq_decimal_float(s, len, &f) && memcmp(&f, &want_f, sizeof f) != 0 &&
	    mismatches++ == 0)
		snprintf(first_bad, sizeof first_bad, "float %s", s);
}

/* A decimal of 1 to 24 digits with the point anywhere, maybe an exponent. */
static void
random_decimal(char *out, size_t size)
{
	char digits[32];
	int n = 1 + (int)(next() % 24), point = (int)(next() % (uint64_t)(n + 1));
	size_t k = 0;

	for (int i = 0; i < n; i++)
		digits[i] = (char)('0' + next() % 10);
	if (next() % 2)
		out[k++] = '-';
	for (int i = 0; i < n; i++) {
		if (i == point && i > 0)
			out[k++] = '.';
		out[k++] = digits[i];
	}
	if (next() % 3 == 0)
		snprintf(out + k, size - k, "e%d", (int)(next() % 660) - 340);
	else
		out[k] = '\0';
}

/* Random decimals, every double's and float's forms, the edge cases: as strtod reads them. */
static void
same_as_strtod(void)
{
	char s[128];

	for (int i = 0; i < 1500000; i++) {
		random_decimal(s, sizeof s);
		check(s);
	}
	/* Every double's shortest and longer forms, and every float's. */
	for (int i = 0; i < 500000; i++) {
		uint64_t bits = next();
		double d;
		memcpy(&d, &bits, sizeof d);
		if (!isfinite(d))
			continue;
		snprintf(s, sizeof s, "%.17g", d);
		check(s);
		snprintf(s, sizeof s, "%.*g", 1 + (int)(next() % 16), d);
		check(s);
		uint32_t fb = (uint32_t)next();
		float f;
		memcpy(&f, &fb, sizeof f);
		if (!isfinite(f))
			continue;
		snprintf(s, sizeof s, "%.9g", (double)f);
		check(s);
	}
	/* Prices as a feed writes them. */
	for (int i = 0; i < 500000; i++) {
		snprintf(s, sizeof s, "%d.%04d", (int)(next() % 100000), (int)(next() % 10000));
		check(s);
	}
	ok(mismatches == 0, "%lu of %lu generated decimals read the same as strtod/strtof "
	    "(%lu mismatches%s%s)", tried, tried, mismatches, mismatches ? ", first: " : "", first_bad);
	ok(taken > tried / 2, "the fast path took %lu of them", taken);

	static const char *const edge[] = {
		"0.1", "0.30000000000000004", "9007199254740993", "9007199254740993.0000000001",
		"1e23", "8.98846567431158e307", "1.7976931348623157e308", "2.2250738585072011e-308",
		"2.2250738585072014e-308", "4.9406564584124654e-324", "2.4703282292062328e-324",
		"1.0000000596046447753906250000000001", "3.4028235e38", "3.4028236e38",
		"1.17549435e-38", "1.4e-45", "7.0e-46",
		"123456789012345678901234567890123456789012345678901234567890e-30",
		"0.000000000000000000000000000000000000000000000000000000000000000000001",
		"179769313486231580793728971405303415079934132710037826936173778980444968292764750946649017977587207096330286416692887910946555547851940402630657488671505820681908902000708383676273854845817711531764475730270069855571366959622842914819860834936475292719074168444365510704342711559699508093042880177904174497791.9999999999",
	};
	for (size_t i = 0; i < sizeof edge / sizeof *edge; i++)
		check(edge[i]);
	ok(mismatches == 0, "edge cases: subnormals, the largest values, halfway points, long digit strings");
}

/* What is left to strtod. */
static void
left_to_strtod(void)
{
	/* What they leave to strtod, which knows the server's special cases and errors. */
	static const char *const refused[] = {
		"", "-", ".", "+1", " 1", "1 ", "1x", "1e", "1e+", "nan", "NaN", "Infinity",
		"-inf", "0x1p3", "0", "-0.0", "0e5", "1e400", "-1e400", "1e-400", "1e-50",
	};
	for (size_t i = 0; i < sizeof refused / sizeof *refused; i++) {
		double d;
		float f;
		const char *r = refused[i];
		bool fd = tsq_decimal_double(r, strlen(r), &d);
		bool ff = tsq_decimal_float(r, strlen(r), &f);
		/* 1e-50 is a fine double, but zero or infinity as a float. */
		if (strcmp(r, "1e-50") == 0)
			ok(fd && !ff, "\"%s\": a double, not a float", r);
		else
			ok(!fd && !ff, "\"%s\" is left to strtod", r);
	}
	double d = 0;
	ok(tsq_decimal_double("1.5junk", 3, &d) && d == 1.5, "only LEN bytes are read");

	/* Written back as PostgreSQL's float8out writes them (psql, extra_float_digits 3). */
	static const struct {
		double d;
		const char *pg;
	} out[] = {
		{ 1e16, "1e+16" }, { 1e15, "1e+15" }, { 0.00001, "1e-05" }, { 0.0001, "0.0001" },
		{ 123456789012345.6, "123456789012345.6" }, { 1.5e300, "1.5e+300" }, { -0.1, "-0.1" },
		{ 100, "100" }, { 0.30000000000000004, "0.30000000000000004" }, { 0, "0" },
		{ 4.9406564584124654e-324, "5e-324" }, { 1.7976931348623157e308, "1.7976931348623157e+308" },
		{ INFINITY, "Infinity" }, { -INFINITY, "-Infinity" }, { 2.5e-5, "2.5e-05" },
	};
	char buf[TSQ_DECIMAL_BUFSIZE];
	for (size_t i = 0; i < sizeof out / sizeof *out; i++) {
		size_t n = tsq_decimal_format(out[i].d, buf);
		is_str(buf, out[i].pg, "%.17g is written as PostgreSQL writes it", out[i].d);
		is_int(n, strlen(out[i].pg), "its length");
	}
	/* And every double reads back to itself. */
	unsigned long back = 0;
	for (int i = 0; i < 200000; i++) {
		uint64_t bits = next();
		double v, r;
		memcpy(&v, &bits, sizeof v);
		if (!isfinite(v))
			continue;
		tsq_decimal_format(v, buf);
		r = strtod(buf, NULL);
		back += memcmp(&v, &r, sizeof v) != 0;
	}
	ok(back == 0, "random doubles read back to the same bits (%lu did not)", back);
}

int
main(void)
{
	same_as_strtod();
	left_to_strtod();
	return done_testing();
}
