/*
 * chart.h - a candlestick chart of a result, for a terminal (tsq-query -F chart).
 *
 * The result needs columns named time, open, high, low and close; volume,
 * when there is one, is drawn as bars underneath.  Each candle is one
 * character column; more candles than the width are merged in order (the
 * first open, the highest high, the lowest low, the last close, the volumes
 * summed).  A candle whose close is at or above its open is drawn in green,
 * the others in red, when colour is on.
 */
#ifndef TSQ_CHART_H
#define TSQ_CHART_H

#include <stdbool.h>
#include <stdio.h>

#include "buf.h"

struct tsq_chart;

/*
 * A chart of rows with these columns, or NULL with ERR saying which columns
 * it lacks.  WIDTH and HEIGHT are the terminal's (characters), COLOUR says
 * whether to use ANSI colours.
 */
struct tsq_chart *tsq_chart_new(int ncols, char *const *names, int width, int height, bool colour,
    struct tsq_buf *err);
/* One row's values (text, NULL for NULL); rows without the prices are left out. */
void tsq_chart_row(struct tsq_chart *c, char *const *vals);
/* Draw the chart to F and free it. */
void tsq_chart_draw(struct tsq_chart *c, FILE *f);
void tsq_chart_free(struct tsq_chart *c);

#endif
