/*
 * decimal.h - decimal text to binary floating point and back, the quick way
 * for the ordinary case.  glibc's strtod is exact but slow for most decimals with a
 * fraction (it goes through multi-precision arithmetic); these use the
 * fast_float library (Debian's libfast-float-dev), which is also correctly
 * rounded, so the result is bit for bit what strtod / strtof return.
 *
 * They take only plain decimals that parse completely: an optional '-',
 * digits with an optional '.', an optional exponent, and a result that is
 * finite and not zero.  Anything else (blanks, '+', "NaN", "Infinity", hex,
 * trailing bytes, overflow, underflow to zero) returns false, and the caller
 * asks strtod, whose errors and special values are PostgreSQL's.
 */
#ifndef TSQ_DECIMAL_H
#define TSQ_DECIMAL_H

#include <stdbool.h>
#include <stddef.h>

#ifdef __cplusplus
extern "C" {
#endif

bool tsq_decimal_double(const char *s, size_t len, double *out);
bool tsq_decimal_float(const char *s, size_t len, float *out);

/*
 * D as PostgreSQL writes a double precision value: the shortest text that
 * reads back to the same bits (double-conversion, libdouble-conversion-dev),
 * NaN, Infinity and -Infinity by name.  Its length; OUT is NUL-terminated.
 */
#define TSQ_DECIMAL_BUFSIZE 32
size_t tsq_decimal_format(double d, char out[TSQ_DECIMAL_BUFSIZE]);

#ifdef __cplusplus
}
#endif

#endif
