/*
 * tap.h - the smallest TAP producer: ok()/is_str()/is_int() print one test
 * line each, done_testing() prints the plan and returns the exit status.
 */
#ifndef TSQ_TAP_H
#define TSQ_TAP_H

#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static int tap_n, tap_failed;

#define ok(cond, ...) tap_ok(!!(cond), __FILE__, __LINE__, __VA_ARGS__)

__attribute__((format(printf, 4, 5), unused))
static int
tap_ok(int pass, const char *file, int line, const char *fmt, ...)
{
	va_list ap;

	tap_n++;
	printf("%s %d - ", pass ? "ok" : "not ok", tap_n);
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	printf("\n");
	if (!pass) {
		tap_failed++;
		printf("#   failed at %s line %d\n", file, line);
	}
	return pass;
}

#define is_str(got, want, ...) do { \
	const char *g_ = (got), *w_ = (want); \
	if (!ok(g_ && w_ && strcmp(g_, w_) == 0, __VA_ARGS__)) \
		printf("#   got: \"%s\"\n#   expected: \"%s\"\n", g_ ? g_ : "(null)", w_); \
} while (0)

#define is_int(got, want, ...) do { \
	int64_t g_ = (int64_t)(got), w_ = (int64_t)(want); \
	if (!ok(g_ == w_, __VA_ARGS__)) \
		printf("#   got: %" PRId64 "\n#   expected: %" PRId64 "\n", g_, w_); \
} while (0)

__attribute__((unused))
static int
done_testing(void)
{
	printf("1..%d\n", tap_n);
	return tap_failed ? 1 : 0;
}

#endif
