// decimal.cc - the C interface to fast_float (see decimal.h).  The one C++
// file of the project: no exceptions, no run-time library.

#include <cmath>

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
