// decimal.cc - the C interface to fast_float and double-conversion (see
// decimal.h).  The one C++ file of the project: no exceptions, no run-time
// library.

#include <cmath>

#include <double-conversion/double-to-string.h>
#include <fast_float/fast_float.h>

#include "decimal.h"

template <typename T>
static bool
parse(const char *s, size_t len, T *out)
{
	T v;

	if (len == 0 || !(*s == '-' || *s == '.' || (*s >= '0' && *s <= '9')))
		return false;
	fast_float::from_chars_result r = fast_float::from_chars(s, s + len, v);
	if (r.ec != std::errc() || r.ptr != s + len || !std::isfinite(v) || v == 0)
		return false;
	*out = v;
	return true;
}

bool
tsq_decimal_double(const char *s, size_t len, double *out)
{
	return parse(s, len, out);
}

bool
tsq_decimal_float(const char *s, size_t len, float *out)
{
	return parse(s, len, out);
}

size_t
tsq_decimal_format(double d, char out[TSQ_DECIMAL_BUFSIZE])
{
	// As PostgreSQL's float8out writes a double: the shortest digits that
	// read back the same, plain from 1e-4 to below 1e15, else "1.5e+300",
	// with two exponent digits at least.
	static const double_conversion::DoubleToStringConverter conv(
	    double_conversion::DoubleToStringConverter::EMIT_POSITIVE_EXPONENT_SIGN,
	    "Infinity", "NaN", 'e', -4, 15, 0, 0, 2);
	double_conversion::StringBuilder b(out, TSQ_DECIMAL_BUFSIZE);

	conv.ToShortest(d, &b);
	size_t n = static_cast<size_t>(b.position());
	b.Finalize();
	return n;
}
