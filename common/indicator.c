#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "decimal.h"
#include "indicator.h"
#include "mem.h"
#include "parse.h"

/* The longest window or smoothing period taken: a ring of doubles each. */
#define MAX_PERIOD 1000000
#define FLOAT8_OID 701

enum kind {
	K_SMA, K_EMA, K_WMA, K_RSI, K_MACD, K_BOLLINGER, K_ATR, K_STOCH, K_STOCHRSI,
	K_OBV, K_ADX, K_CCI, K_WILLR, K_ROC, K_MFI, K_DONCHIAN, K_VWAP, K_VOLATILITY,
};

enum input { IN_CLOSE, IN_HIGH, IN_LOW, IN_VOLUME, IN_SESSION, IN_SHOWN, NINPUTS };

static const char *const input_names[NINPUTS] = {
	"close", "_high", "_low", "_volume", "_session", "_shown",
};

#define HL ((1u << IN_HIGH) | (1u << IN_LOW))
#define V (1u << IN_VOLUME)

static const struct {
	const char *name;
	enum kind kind;
	unsigned inputs;	/* besides close and _shown */
	const char *out[3];
} kinds[] = {
	{ "sma", K_SMA, 0, { "sma" } },
	{ "ema", K_EMA, 0, { "ema" } },
	{ "wma", K_WMA, 0, { "wma" } },
	{ "rsi", K_RSI, 0, { "rsi" } },
	{ "macd", K_MACD, 0, { "macd", "signal", "histogram" } },
	{ "bollinger", K_BOLLINGER, 0, { "upper", "middle", "lower" } },
	{ "atr", K_ATR, HL, { "atr" } },
	{ "stoch", K_STOCH, HL, { "stoch_k", "stoch_d" } },
	{ "stochrsi", K_STOCHRSI, 0, { "stochrsi_k", "stochrsi_d" } },
	{ "obv", K_OBV, V, { "obv" } },
	{ "adx", K_ADX, HL, { "plus_di", "minus_di", "adx" } },
	{ "cci", K_CCI, HL, { "cci" } },
	{ "willr", K_WILLR, HL, { "willr" } },
	{ "roc", K_ROC, 0, { "roc" } },
	{ "mfi", K_MFI, HL | V, { "mfi" } },
	{ "donchian", K_DONCHIAN, HL, { "upper", "middle", "lower" } },
	{ "vwap", K_VWAP, HL | V | (1u << IN_SESSION), { "vwap" } },
	{ "volatility", K_VOLATILITY, 0, { "log_return", "volatility" } },
};

/* The last SIZE values pushed (NAN for NULL), oldest first by ring_at. */
struct ring {
	double *v;
	int size, pos;
	long pushed;
};

static void
ring_init(struct ring *r, int size)
{
	r->v = xcalloc((size_t)size, sizeof *r->v);
	r->size = size;
}

static void
ring_push(struct ring *r, double x)
{
	r->v[r->pos] = x;
	r->pos = (r->pos + 1) % r->size;
	r->pushed++;
}

/* Rows in the window: the last SIZE, or fewer at the start. */
static int
ring_rows(const struct ring *r)
{
	return r->pushed < r->size ? (int)r->pushed : r->size;
}

/* The I-th oldest value of the window. */
static double
ring_at(const struct ring *r, int i)
{
	return r->v[(r->pos - ring_rows(r) + i + r->size) % r->size];
}

/* Non-NULL values of the window: how many, their sum, least and greatest. */
struct stats {
	int n;
	double sum, min, max;
};

static struct stats
ring_stats(const struct ring *r)
{
	struct stats s = { 0, 0, INFINITY, -INFINITY };
	for (int i = 0, rows = ring_rows(r); i < rows; i++) {
		double x = ring_at(r, i);
		if (isnan(x))
			continue;
		s.n++;
		s.sum += x;
		s.min = x < s.min ? x : s.min;
		s.max = x > s.max ? x : s.max;
	}
	return s;
}

/* Sum of squared deviations from M of the window's non-NULL values. */
static double
ring_squares(const struct ring *r, double m)
{
	double ss = 0;
	for (int i = 0, rows = ring_rows(r); i < rows; i++) {
		double x = ring_at(r, i);
		if (!isnan(x))
			ss += (x - m) * (x - m);
	}
	return ss;
}

/*
 * The smoothings of tsq's schema, NULL inputs skipped: seeded with the mean
 * of the first PERIOD inputs (ema, wilder), or their running sum (sum).
 */
struct smooth {
	int period;
	long n;
	double sum, cur;
};

static void
smooth_init(struct smooth *s, int period)
{
	s->period = period;
	s->cur = NAN;
}

/*
 * A moving average seeded with the simple mean of its first period inputs,
 * then smoothed as TA-Lib writes it: its EMA (alpha = 2 / (period + 1)) or,
 * WILDER, Wilder's (avg = (avg * (period - 1) + x) / period), each in
 * TA-Lib's own order of operations so that the values are its values.
 */
static double
smooth_push(struct smooth *s, double x, bool wilder)
{
	if (isnan(x))
		return s->cur;
	if (++s->n < s->period)
		s->sum += x;
	else if (s->n == s->period)
		s->cur = (s->sum + x) / s->period;
	else if (wilder)
		s->cur = (s->cur * (s->period - 1) + x) / s->period;
	else
		s->cur = (x - s->cur) * (2.0 / (s->period + 1)) + s->cur;
	return s->cur;
}

static double
ema_push(struct smooth *s, double x)
{
	return smooth_push(s, x, false);
}

static double
wilder_push(struct smooth *s, double x)
{
	return smooth_push(s, x, true);
}

/* Wilder's running sum: sum = sum - sum / period + x from the period-th input. */
static double
wilder_sum_push(struct smooth *s, double x)
{
	if (!isnan(x)) {
		if (++s->n < s->period)
			s->sum += x;
		else
			s->sum = s->sum - s->sum / s->period + x;
	}
	return s->n >= s->period ? s->sum : NAN;
}

/* RSI with Wilder's smoothing of the average gain and loss. */
struct rsi {
	int period;
	long n;
	bool started;
	double prev, gain, loss;
};

static double
rsi_push(struct rsi *r, double x)
{
	if (!isnan(x)) {
		if (!r->started) {
			r->started = true;
		} else {
			double up = x > r->prev ? x - r->prev : 0, down = r->prev > x ? r->prev - x : 0;
			if (r->n + 1 <= r->period) {
				r->gain += up / r->period;
				r->loss += down / r->period;
			} else {
				r->gain = (r->gain * (r->period - 1) + up) / r->period;
				r->loss = (r->loss * (r->period - 1) + down) / r->period;
			}
			r->n++;
		}
		r->prev = x;
	}
	if (!r->started || r->n < r->period)
		return NAN;
	if (r->gain + r->loss < 1e-8)
		return 0;
	return 100 * (r->gain / (r->gain + r->loss));
}

struct tsq_indicator {
	size_t ki;			/* its entry in kinds[] */
	enum kind kind;
	int period, p2, p3;
	double k, scale;
	int in[NINPUTS];		/* column of each input, -1 when absent */
	int npass, *pass;		/* the columns passed through */
	int nout;			/* the indicator's own columns */
	char **names;
	unsigned int *types;
	char **vals;
	char (*text)[TSQ_DECIMAL_BUFSIZE];
	long row;
	bool have_prev;
	double prev_close, prev_high, prev_low, prev_tp;
	struct ring r1, r2, r3, r4;
	struct smooth s1, s2, s3, s4;
	struct rsi rsi;
	double acc1, acc2;
	char *session;
};

/* Query Q's parameter NAME as an integer in [MIN, MAX]. */
static bool
param_int(const struct tsq_query *q, const char *name, int min, int *out, struct tsq_buf *err)
{
	for (int i = 0; i < q->nparams; i++) {
		if (strcmp(q->params[i].name, name) != 0)
			continue;
		int64_t v;
		size_t pos;
		if (q->params[i].is_null ||
		    tsq_parse_int64(q->params[i].value, min, MAX_PERIOD, &v, &pos) != TSQ_PARSE_OK) {
			tsq_buf_addf(err, "invalid value \"%s\" for parameter %s: a whole number from %d to %d",
			    q->params[i].is_null ? "null" : q->params[i].value, name, min, MAX_PERIOD);
			return false;
		}
		*out = (int)v;
		return true;
	}
	tsq_buf_addf(err, "query %s has no parameter %s", q->name, name);
	return false;
}

/* Query Q's parameter NAME as a number; DEF when it is NULL. */
static bool
param_float(const struct tsq_query *q, const char *name, double def, double *out,
    struct tsq_buf *err)
{
	for (int i = 0; i < q->nparams; i++) {
		if (strcmp(q->params[i].name, name) != 0)
			continue;
		char *end;
		*out = def;
		if (q->params[i].is_null)
			return true;
		*out = strtod(q->params[i].value, &end);
		if (*end != '\0' || !isfinite(*out)) {
			tsq_buf_addf(err, "invalid value \"%s\" for parameter %s: a finite number",
			    q->params[i].value, name);
			return false;
		}
		return true;
	}
	tsq_buf_addf(err, "query %s has no parameter %s", q->name, name);
	return false;
}

static bool
read_params(struct tsq_indicator *ind, const struct tsq_query *q, struct tsq_buf *err)
{
	switch (ind->kind) {
	case K_MACD:
		return param_int(q, "fast", 1, &ind->period, err) &&
		    param_int(q, "slow", 1, &ind->p2, err) &&
		    param_int(q, "signal", 1, &ind->p3, err);
	case K_BOLLINGER:
		return param_int(q, "period", 1, &ind->period, err) &&
		    param_float(q, "k", 2, &ind->k, err);
	case K_STOCH:
		return param_int(q, "period", 1, &ind->period, err) &&
		    param_int(q, "smooth_k", 1, &ind->p2, err) &&
		    param_int(q, "smooth_d", 1, &ind->p3, err);
	case K_STOCHRSI:
		return param_int(q, "period", 1, &ind->period, err) &&
		    param_int(q, "k_period", 1, &ind->p2, err) &&
		    param_int(q, "d_period", 1, &ind->p3, err);
	case K_VOLATILITY:
		if (!param_int(q, "period", 1, &ind->period, err) ||
		    !param_float(q, "periods_per_year", 1, &ind->scale, err))
			return false;
		if (ind->scale < 0) {
			tsq_buf_addf(err, "invalid value for parameter periods_per_year: not negative");
			return false;
		}
		ind->scale = sqrt(ind->scale);
		return true;
	case K_OBV:
	case K_VWAP:
		return true;
	default:
		return param_int(q, "period", 1, &ind->period, err);
	}
}

struct tsq_indicator *
tsq_indicator_new(const char *name, const struct tsq_query *q, struct tsq_buf *err)
{
	size_t i;

	for (i = 0; i < sizeof kinds / sizeof *kinds; i++)
		if (strcmp(kinds[i].name, name) == 0)
			break;
	if (i == sizeof kinds / sizeof *kinds) {
		tsq_buf_addf(err, "query %s: no indicator \"%s\" to compute", q->name, name);
		return NULL;
	}
	struct tsq_indicator *ind = xcalloc(1, sizeof *ind);
	ind->ki = i;
	ind->kind = kinds[i].kind;
	if (!read_params(ind, q, err)) {
		free(ind);
		return NULL;
	}
	while (ind->nout < 3 && kinds[i].out[ind->nout])
		ind->nout++;
	int p = ind->period;
	smooth_init(&ind->s1, p);
	smooth_init(&ind->s2, p);
	smooth_init(&ind->s3, p);
	smooth_init(&ind->s4, p);
	ind->rsi.period = p;
	switch (ind->kind) {
	case K_MACD: {
		/* The fast EMA skips the first slow - fast rows, so that both seeds end on one row. */
		int lo = p < ind->p2 ? p : ind->p2, hi = p < ind->p2 ? ind->p2 : p;
		smooth_init(&ind->s1, lo);
		smooth_init(&ind->s2, hi);
		smooth_init(&ind->s3, ind->p3);
		break;
	}
	case K_STOCH:
	case K_STOCHRSI:
		ring_init(&ind->r1, p);
		ring_init(&ind->r2, p);
		ring_init(&ind->r3, ind->p2);
		ring_init(&ind->r4, ind->p3);
		break;
	case K_ROC:
		ring_init(&ind->r1, p + 1);
		break;
	case K_OBV:
	case K_VWAP:
	case K_EMA:
	case K_RSI:
	case K_ATR:
	case K_ADX:
		break;
	default:
		ring_init(&ind->r1, p);
		ring_init(&ind->r2, p);
		break;
	}
	for (int k = 0; k < NINPUTS; k++)
		ind->in[k] = -1;
	return ind;
}


bool
tsq_indicator_begin(struct tsq_indicator *ind, int ncols, char *const *names,
    const unsigned int *types, int *out_ncols, char *const **out_names,
    const unsigned int **out_types, struct tsq_buf *err)
{
	size_t ki = ind->ki;

	ind->pass = xcalloc((size_t)ncols + 1, sizeof *ind->pass);
	for (int c = 0; c < ncols; c++) {
		for (int k = 0; k < NINPUTS; k++)
			if (strcmp(names[c], input_names[k]) == 0)
				ind->in[k] = c;
		if (names[c][0] != '_')
			ind->pass[ind->npass++] = c;
	}
	int total = ind->npass + ind->nout;
	ind->names = xcalloc((size_t)total + 1, sizeof *ind->names);
	ind->types = xcalloc((size_t)total + 1, sizeof *ind->types);
	ind->vals = xcalloc((size_t)total + 1, sizeof *ind->vals);
	ind->text = xcalloc((size_t)ind->nout + 1, sizeof *ind->text);
	for (int i = 0; i < ind->npass; i++) {
		ind->names[i] = xstrdup(names[ind->pass[i]]);
		ind->types[i] = types[ind->pass[i]];
	}
	for (int i = 0; i < ind->nout; i++) {
		ind->names[ind->npass + i] = xstrdup(kinds[ki].out[i]);
		ind->types[ind->npass + i] = FLOAT8_OID;
	}
	for (int k = 0; k < NINPUTS; k++) {
		bool needed = k == IN_CLOSE || k == IN_SHOWN || (kinds[ki].inputs & (1u << k));
		if (ind->in[k] < 0 && needed) {
			tsq_buf_addf(err, "indicator %s needs a column \"%s\" in the query's result",
			    kinds[ki].name, input_names[k]);
			return false;
		}
	}
	*out_ncols = total;
	*out_names = ind->names;
	*out_types = ind->types;
	return true;
}

/* Input K of the row as a number; NAN when NULL or absent. */
static double
input(const struct tsq_indicator *ind, char *const *vals, enum input k)
{
	const char *s = ind->in[k] >= 0 ? vals[ind->in[k]] : NULL;
	double d;

	if (s == NULL)
		return NAN;
	if (tsq_decimal_double(s, strlen(s), &d))
		return d;
	d = strtod(s, NULL);
	return d;
}

static double
max3(double a, double b, double c)
{
	double m = a > b ? a : b;
	return m > c ? m : c;
}

/* %K and %D of the stochastic oscillator, over candles or over the RSI. */
static void
step_stochastic(struct tsq_indicator *ind, double c, double h, double l, double out[3])
{
	int p = ind->period;
	struct stats s;

	double fk = NAN;
	if (ind->kind == K_STOCH) {
		ring_push(&ind->r1, h);
		ring_push(&ind->r2, l);
		struct stats hs = ring_stats(&ind->r1), ls = ring_stats(&ind->r2);
		if (ring_rows(&ind->r1) < p)
			fk = NAN;
		else if (hs.max == ls.min)
			fk = 0;
		else
			fk = 100 * (c - ls.min) / (hs.max - ls.min);
		/* Slow %K: the mean of smooth_k fast values. */
		ring_push(&ind->r3, fk);
		s = ring_stats(&ind->r3);
		fk = s.n >= ind->p2 ? s.sum / s.n : NAN;
	} else {
		double rsi = rsi_push(&ind->rsi, c);
		ring_push(&ind->r3, rsi);
		s = ring_stats(&ind->r3);
		if (s.n < ind->p2)
			fk = NAN;
		else if (s.max == s.min)
			fk = 0;
		else
			fk = 100 * (rsi - s.min) / (s.max - s.min);
	}
	ring_push(&ind->r4, fk);
	s = ring_stats(&ind->r4);
	if (s.n >= ind->p3) {
		out[0] = fk;
		out[1] = s.sum / s.n;
	}
}

/* +DI, -DI and ADX, with Wilder's smoothing. */
static void
step_adx(struct tsq_indicator *ind, double h, double l, double out[3])
{
	double up = NAN, down = NAN, tr = NAN;
	if (ind->have_prev) {
		double hm = h - ind->prev_high, lm = ind->prev_low - l;
		up = hm > 0 && hm > lm ? hm : 0;
		down = lm > 0 && hm < lm ? lm : 0;
		tr = max3(h - l, fabs(h - ind->prev_close), fabs(l - ind->prev_close));
	}
	double us = wilder_sum_push(&ind->s1, up), ds = wilder_sum_push(&ind->s2, down);
	double ts = wilder_sum_push(&ind->s3, tr);
	double pdi = isnan(ts) ? NAN : ts < 1e-8 ? 0 : 100 * us / ts;
	double mdi = isnan(ts) ? NAN : ts < 1e-8 ? 0 : 100 * ds / ts;
	double dx = pdi + mdi >= 1e-8 ? 100 * fabs(pdi - mdi) / (pdi + mdi) : NAN;
	out[0] = pdi;
	out[1] = mdi;
	out[2] = wilder_push(&ind->s4, dx);
}

/* The commodity channel index over the typical price. */
static void
step_cci(struct tsq_indicator *ind, double c, double h, double l, double out[3])
{
	int p = ind->period;
	struct stats s;

	double tp = (h + l + c) / 3;
	ring_push(&ind->r1, tp);
	if (ring_rows(&ind->r1) < p)
		return;
	s = ring_stats(&ind->r1);
	double m = s.sum / s.n, md = 0;
	for (int i = 0; i < p; i++)
		md += fabs(ring_at(&ind->r1, i) - m);
	md /= s.n;
	out[0] = md == 0 ? 0 : (tp - m) / (0.015 * md);
}

/* Williams %R, or the Donchian channel: the highest high and lowest low of the period. */
static void
step_extremes(struct tsq_indicator *ind, double c, double h, double l, double out[3])
{
	int p = ind->period;

	ring_push(&ind->r1, h);
	ring_push(&ind->r2, l);
	if (ring_rows(&ind->r1) < p)
		return;
	double hh = ring_stats(&ind->r1).max, ll = ring_stats(&ind->r2).min;
	if (ind->kind == K_WILLR) {
		out[0] = hh == ll ? 0 : -100 * (hh - c) / (hh - ll);
	} else {
		out[0] = hh;
		out[1] = (hh + ll) / 2;
		out[2] = ll;
	}
}

/* The money flow index. */
static void
step_mfi(struct tsq_indicator *ind, double c, double h, double l, double v, double out[3])
{
	int p = ind->period;

	double tp = (h + l + c) / 3, up = NAN, down = NAN;
	if (ind->have_prev) {
		up = tp > ind->prev_tp ? tp * v : 0;
		down = tp < ind->prev_tp ? tp * v : 0;
	}
	ind->prev_tp = tp;
	ring_push(&ind->r1, up);
	ring_push(&ind->r2, down);
	struct stats us = ring_stats(&ind->r1), ds = ring_stats(&ind->r2);
	if (us.n >= p)
		out[0] = us.sum + ds.sum < 1 ? 0 : 100 * us.sum / (us.sum + ds.sum);
}

/* The volume-weighted average price since the session began. */
static void
step_vwap(struct tsq_indicator *ind, char *const *vals, double c, double h, double l,
    double v, double out[3])
{
	const char *session = ind->in[IN_SESSION] >= 0 ? vals[ind->in[IN_SESSION]] : NULL;
	if (session == NULL || ind->session == NULL || strcmp(session, ind->session) != 0) {
		free(ind->session);
		ind->session = session ? xstrdup(session) : NULL;
		ind->acc1 = ind->acc2 = 0;
	}
	double tp = (h + l + c) / 3;
	ind->acc1 += tp * v;
	ind->acc2 += v;
	if (ind->acc2 != 0)
		out[0] = ind->acc1 / ind->acc2;
}

/* MACD, its signal line and their difference. */
static void
step_macd(struct tsq_indicator *ind, double c, double out[3])
{
	int lo = ind->s1.period, hi = ind->s2.period;
	double fast = ema_push(&ind->s1, ind->row > hi - lo ? c : NAN);
	double slow = ema_push(&ind->s2, c);
	double macd = fast - slow;
	double signal = ema_push(&ind->s3, macd);
	if (!isnan(signal))
		out[0] = macd;
	out[1] = signal;
	out[2] = macd - signal;
}

/* The log return of the close, and their standard deviation over the period, annualized by the scale. */
static void
step_volatility(struct tsq_indicator *ind, double c, double out[3])
{
	int p = ind->period;
	struct stats s;

	double r = ind->have_prev ? log(c / ind->prev_close) : NAN;
	out[0] = r;
	ring_push(&ind->r1, r);
	s = ring_stats(&ind->r1);
	if (s.n == p && p > 1)
		out[1] = sqrt(ring_squares(&ind->r1, s.sum / p) / (p - 1)) * ind->scale;
}

/* The indicator's columns for one row, NAN for NULL. */
static void
compute(struct tsq_indicator *ind, char *const *vals, double out[3])
{
	double c = input(ind, vals, IN_CLOSE), h = input(ind, vals, IN_HIGH);
	double l = input(ind, vals, IN_LOW), v = input(ind, vals, IN_VOLUME);
	int p = ind->period;
	struct stats s;

	out[0] = out[1] = out[2] = NAN;
	ind->row++;
	switch (ind->kind) {
	case K_SMA:
		ring_push(&ind->r1, c);
		s = ring_stats(&ind->r1);
		if (s.n == p)
			out[0] = s.sum / p;
		break;
	case K_EMA:
		out[0] = ema_push(&ind->s1, c);
		break;
	case K_WMA:
		ring_push(&ind->r1, c);
		if (ring_rows(&ind->r1) == p) {
			double sum = 0;
			for (int i = 0; i < p; i++)
				sum += ring_at(&ind->r1, i) * (i + 1);
			out[0] = sum / (p * (p + 1) / 2.0);
		}
		break;
	case K_RSI:
		out[0] = rsi_push(&ind->rsi, c);
		break;
	case K_MACD:
		step_macd(ind, c, out);
		break;
	case K_BOLLINGER:
		ring_push(&ind->r1, c);
		s = ring_stats(&ind->r1);
		if (s.n == p) {
			double m = s.sum / p, sd = sqrt(ring_squares(&ind->r1, m) / p);
			out[0] = m + ind->k * sd;
			out[1] = m;
			out[2] = m - ind->k * sd;
		}
		break;
	case K_ATR: {
		/* The first candle read has no true range: no close before it. */
		double tr = ind->have_prev ? max3(h - l, fabs(h - ind->prev_close),
		    fabs(l - ind->prev_close)) : NAN;
		out[0] = wilder_push(&ind->s1, tr);
		break;
	}
	case K_STOCH:
	case K_STOCHRSI:
		step_stochastic(ind, c, h, l, out);
		break;
	case K_OBV:
		if (!ind->have_prev)
			ind->acc1 = v;
		else if (c > ind->prev_close)
			ind->acc1 += v;
		else if (c < ind->prev_close)
			ind->acc1 -= v;
		out[0] = ind->acc1;
		break;
	case K_ADX:
		step_adx(ind, h, l, out);
		break;
	case K_CCI:
		step_cci(ind, c, h, l, out);
		break;
	case K_WILLR:
	case K_DONCHIAN:
		step_extremes(ind, c, h, l, out);
		break;
	case K_ROC:
		ring_push(&ind->r1, c);
		if (ring_rows(&ind->r1) == p + 1) {
			double prev = ring_at(&ind->r1, 0);
			out[0] = prev == 0 ? 0 : 100 * (c / prev - 1);
		}
		break;
	case K_MFI:
		step_mfi(ind, c, h, l, v, out);
		break;
	case K_VWAP:
		step_vwap(ind, vals, c, h, l, v, out);
		break;
	case K_VOLATILITY:
		step_volatility(ind, c, out);
		break;
	}
	ind->have_prev = true;
	ind->prev_close = c;
	ind->prev_high = h;
	ind->prev_low = l;
}

char *const *
tsq_indicator_row(struct tsq_indicator *ind, char *const *vals)
{
	double out[3];

	compute(ind, vals, out);
	const char *shown = vals[ind->in[IN_SHOWN]];
	if (shown == NULL || strcmp(shown, "t") != 0)
		return NULL;
	for (int i = 0; i < ind->npass; i++)
		ind->vals[i] = vals[ind->pass[i]];
	for (int i = 0; i < ind->nout; i++) {
		if (isnan(out[i])) {
			ind->vals[ind->npass + i] = NULL;
		} else {
			tsq_decimal_format(out[i], ind->text[i]);
			ind->vals[ind->npass + i] = ind->text[i];
		}
	}
	return ind->vals;
}

void
tsq_indicator_free(struct tsq_indicator *ind)
{
	if (ind == NULL)
		return;
	if (ind->names)
		for (int i = 0; ind->names[i]; i++)
			free(ind->names[i]);
	free(ind->names);
	free(ind->types);
	free(ind->vals);
	free(ind->text);
	free(ind->pass);
	free(ind->r1.v);
	free(ind->r2.v);
	free(ind->r3.v);
	free(ind->r4.v);
	free(ind->session);
	free(ind);
}
