/*
 * libFuzzer target: the binary COPY encoder for every type, with and
 * without a --time-format.  The first byte picks the type and the pattern,
 * the rest is the value.  Invariants: a refused value leaves nothing behind;
 * an accepted one is a length word and exactly that many bytes; integers
 * decode to the number the text says; times decode to a value that, printed
 * and read again, is the same.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "tsq.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static const uint32_t oids[] = {
	16, 20, 21, 23, 25, 114, 700, 701, 1082, 1114, 1184, 1700, 3802, 1007, 1009, 1182, 2950,
};
static const uint32_t elems[] = { 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 23, 25, 1082, 0 };
static const char *const patterns[] = {
	"%Y-%m-%d %H:%M:%S", "%d.%m.%Y %H:%M:%S.%f", "%s", "%m/%d/%y %I:%M %p", "%Y%m%d %H%M%S %z",
	"%d %b %Y %T %Z", "%j/%Y",
};

static uint64_t
be(const unsigned char *p, int n)
{
	uint64_t v = 0;
	for (int i = 0; i < n; i++)
		v = v << 8 | p[i];
	return v;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct tsq_time_format tf[sizeof patterns / sizeof patterns[0]];
	static bool compiled;
	struct tsq_buf out = TSQ_BUF_INIT, msg = TSQ_BUF_INIT, err = TSQ_BUF_INIT;
	struct tsq_convert_opts o = { NULL, false, false, 0, 0 };
	struct tsq_type t;
	int64_t usec;

	if (!compiled) {
		for (size_t i = 0; i < sizeof patterns / sizeof patterns[0]; i++)
			if (!tsq_time_format_compile(&tf[i], patterns[i], &err))
				abort();
		compiled = true;
	}
	if (size < 2)
		return 0;
	size_t k = data[0] % (sizeof oids / sizeof oids[0]);
	if (data[1] & 1)
		o.time_format = &tf[(data[1] >> 1) % (sizeof patterns / sizeof patterns[0])];
	char *s = malloc(size - 1);
	memcpy(s, data + 2, size - 2);
	s[size - 2] = '\0';
	tsq_type_init(&t, oids[k], elems[k], "x");
	const char *e = tsq_convert(&t, s, size - 2, false, &o, &out, &usec, &msg);
	if (e && out.len != 0)
		abort();
	if (!e) {
		if (out.len < 4 || be((unsigned char *)out.data, 4) != out.len - 4)
			abort();
		const unsigned char *v = (unsigned char *)out.data + 4;
		if (oids[k] == 20 || oids[k] == 23) {
			int64_t want, got = oids[k] == 20 ? (int64_t)be(v, 8) : (int32_t)be(v, 4);
			size_t pos;
			if (tsq_parse_int64(s, INT64_MIN, INT64_MAX, &want, &pos) != TSQ_PARSE_OK || want != got)
				abort();
		}
		if (oids[k] == 1184 && be(v, 8) != (uint64_t)INT64_MAX && be(v, 8) != (uint64_t)INT64_MIN &&
		    usec > -INT64_C(62000000000000000) && usec < INT64_C(253402300799000000)) {
			/* Printed as ISO 8601 in UTC and read again: the same instant. */
			char iso[TSQ_TIME_BUFSIZE];
			struct tsq_buf again = TSQ_BUF_INIT;
			struct tsq_convert_opts plain = { NULL, false, false, 0, 0 };
			int64_t usec2;
			tsq_format_time(usec, iso);
			if (usec >= INT64_C(-62135596800000000) &&
			    (tsq_convert(&t, iso, strlen(iso), false, &plain, &again, &usec2, &msg) ||
			    memcmp(again.data, out.data, out.len) != 0))
				abort();
			tsq_buf_free(&again);
		}
	}
	free(s);
	tsq_buf_free(&out);
	tsq_buf_free(&msg);
	tsq_buf_free(&err);
	return 0;
}
