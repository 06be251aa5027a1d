/*
 * chart.c - candlestick charts for a terminal (chart.h).
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "chart.h"
#include "mem.h"

enum { T, O, H, L, C, V, NCOL };

struct candle {
	double open, high, low, close, volume;
};

struct tsq_chart {
	int col[NCOL];		/* the result's column of each, -1 for none (volume) */
	int width, height;
	bool colour;
	struct candle *c;
	size_t n, cap;
	char first[40], last[40];	/* the first and last time, as written */
};

static const char *const wanted[NCOL] = { "time", "open", "high", "low", "close", "volume" };

struct tsq_chart *
tsq_chart_new(int ncols, char *const *names, int width, int height, bool colour, struct tsq_buf *err)
{
	struct tsq_chart *c = xcalloc(1, sizeof *c);
	struct tsq_buf missing = TSQ_BUF_INIT;

	for (int k = 0; k < NCOL; k++) {
		c->col[k] = -1;
		for (int i = 0; i < ncols && c->col[k] < 0; i++)
			if (strcmp(names[i], wanted[k]) == 0)
				c->col[k] = i;
		if (c->col[k] < 0 && k != V)
			tsq_buf_addf(&missing, "%s%s", missing.len ? ", " : "", wanted[k]);
	}
	if (missing.len) {
		tsq_buf_addf(err, "-F chart draws candles: the result needs columns named time, open, "
		    "high, low and close (and volume, if any), and has no %s", missing.data);
		tsq_buf_free(&missing);
		free(c);
		return NULL;
	}
	tsq_buf_free(&missing);
	c->width = width < 20 ? 20 : width;
	c->height = height;
	c->colour = colour;
	return c;
}

static bool
number(const char *v, double *d)
{
	char *end;

	if (v == NULL)
		return false;
	*d = strtod(v, &end);
	return end != v && isfinite(*d);
}

void
tsq_chart_row(struct tsq_chart *c, char *const *vals)
{
	struct candle k = { 0 };

	if (!number(vals[c->col[O]], &k.open) || !number(vals[c->col[H]], &k.high) ||
	    !number(vals[c->col[L]], &k.low) || !number(vals[c->col[C]], &k.close))
		return;
	if (c->col[V] < 0 || !number(vals[c->col[V]], &k.volume))
		k.volume = 0;
	if (c->n == c->cap) {
		c->cap = c->cap ? c->cap * 2 : 256;
		c->c = xreallocarray(c->c, c->cap, sizeof *c->c);
	}
	c->c[c->n++] = k;
	const char *t = vals[c->col[T]] ? vals[c->col[T]] : "";
	snprintf(c->n == 1 ? c->first : c->last, sizeof c->first, "%.16s", t);
}

/* The N candles merged into W columns at most: each the candles of its share, in order. */
static struct candle *
merged(const struct tsq_chart *c, int w, int *out)
{
	int n = (int)c->n, m = n < w ? n : w;
	struct candle *v = xcalloc((size_t)m + 1, sizeof *v);

	for (int g = 0; g < m; g++) {
		int from = (int)((long)g * n / m), to = (int)((long)(g + 1) * n / m);
		v[g] = c->c[from];
		for (int i = from + 1; i < to; i++) {
			v[g].high = fmax(v[g].high, c->c[i].high);
			v[g].low = fmin(v[g].low, c->c[i].low);
			v[g].close = c->c[i].close;
			v[g].volume += c->c[i].volume;
		}
	}
	*out = m;
	return v;
}

/* The row (0 at the top) of price P on a scale from HI to LO over ROWS rows. */
static int
row_of(double p, double hi, double lo, int rows)
{
	if (hi <= lo)
		return rows / 2;
	return (int)lround((hi - p) / (hi - lo) * (rows - 1));
}

static void
draw_prices(const struct tsq_chart *c, FILE *f, const struct candle *v, int m, double hi, double lo,
    int rows, int label)
{
	for (int r = 0; r < rows; r++) {
		char price[32] = "";
		if (r == 0 || r == rows - 1 || r == rows / 2)
			snprintf(price, sizeof price, "%.6g", hi - (hi - lo) * r / (rows > 1 ? rows - 1 : 1));
		fprintf(f, "%*s ┤", label, price);
		int colour = 0;		/* 0 none, 1 green, 2 red */
		for (int i = 0; i < m; i++) {
			const struct candle *k = &v[i];
			int top = row_of(k->high, hi, lo, rows), bottom = row_of(k->low, hi, lo, rows);
			int btop = row_of(fmax(k->open, k->close), hi, lo, rows);
			int bbottom = row_of(fmin(k->open, k->close), hi, lo, rows);
			const char *ch = r >= btop && r <= bbottom ? "█" : r >= top && r <= bottom ? "│" : " ";
			int want = *ch == ' ' || !c->colour ? colour : k->close >= k->open ? 1 : 2;
			if (want != colour) {
				fputs(want == 1 ? "\033[32m" : "\033[31m", f);
				colour = want;
			}
			fputs(ch, f);
		}
		fputs(colour ? "\033[0m\n" : "\n", f);
	}
}

static void
draw_volume(FILE *f, const struct candle *v, int m, int rows, int label)
{
	static const char *const bars[] = { " ", "▁", "▂", "▃", "▄", "▅", "▆", "▇", "█" };
	double top = 0;

	for (int i = 0; i < m; i++)
		top = fmax(top, v[i].volume);
	if (top <= 0)
		return;
	for (int r = rows - 1; r >= 0; r--) {
		char text[32] = "";
		if (r == rows - 1)
			snprintf(text, sizeof text, "vol %.4g", top);
		fprintf(f, "%*s │", label, text);
		for (int i = 0; i < m; i++) {
			int eighths = (int)lround(v[i].volume / top * rows * 8) - r * 8;
			fputs(bars[eighths < 0 ? 0 : eighths > 8 ? 8 : eighths], f);
		}
		fputc('\n', f);
	}
}

void
tsq_chart_draw(struct tsq_chart *c, FILE *f)
{
	if (c->n == 0) {
		fputs("(no candles)\n", f);
		tsq_chart_free(c);
		return;
	}
	double hi = -INFINITY, lo = INFINITY;
	for (size_t i = 0; i < c->n; i++) {
		hi = fmax(hi, c->c[i].high);
		lo = fmin(lo, c->c[i].low);
	}
	char a[32], b[32];
	snprintf(a, sizeof a, "%.6g", hi);
	snprintf(b, sizeof b, "%.6g", lo);
	int label = (int)(strlen(a) > strlen(b) ? strlen(a) : strlen(b));
	if (label < 10)
		label = 10;
	int m;
	struct candle *v = merged(c, c->width - label - 2, &m);
	double open = c->c[0].open, close = c->c[c->n - 1].close;
	/* The first line: what is drawn, as wide as the terminal at most. */
	char head[256], change[32] = "";
	if (open != 0)
		snprintf(change, sizeof change, " (%+.2f %%)", (close / open - 1) * 100);
	int len = snprintf(head, sizeof head, "%zu candle%s%s  open %.6g  high %.6g  low %.6g  close %.6g%s",
	    c->n, c->n == 1 ? "" : "s", m < (int)c->n ? " (merged to fit)" : "", open, hi, lo, close, change);
	if (len > c->width)
		snprintf(head, sizeof head, "%zu candles  close %.6g%s", c->n, close, change);
	fprintf(f, "%.*s\n", c->width, head);
	int vol_rows = c->col[V] >= 0 ? 3 : 0;
	int rows = c->height - 4 - vol_rows;
	draw_prices(c, f, v, m, hi, lo, rows < 6 ? 6 : rows > 30 ? 30 : rows, label);
	draw_volume(f, v, m, vol_rows, label);
	fprintf(f, "%*s └", label, "");
	for (int i = 0; i < m; i++)
		fputs("─", f);
	fputc('\n', f);
	int gap = m - (int)strlen(c->first) - (int)strlen(c->last);
	fprintf(f, "%*s  %s%*s%s\n", label, "", c->first, gap > 1 ? gap : 1, "", c->n > 1 ? c->last : "");
	free(v);
	tsq_chart_free(c);
}

void
tsq_chart_free(struct tsq_chart *c)
{
	if (c == NULL)
		return;
	free(c->c);
	free(c);
}
