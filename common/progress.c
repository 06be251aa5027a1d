#include <stdio.h>

#include "datetime.h"
#include "progress.h"

#define REDRAW_USEC 250000

void
tsq_progress_init(struct tsq_progress *p, bool enabled)
{
	p->enabled = enabled;
	p->started_usec = p->last_usec = tsq_now_usec();
	p->drawn = false;
}

void
tsq_progress_update(struct tsq_progress *p, uint64_t rows, uint64_t held, int64_t done,
    int64_t total)
{
	if (!p->enabled)
		return;
	int64_t now = tsq_now_usec();
	if (now - p->last_usec < REDRAW_USEC)
		return;
	p->last_usec = now;
	double secs = (double)(now - p->started_usec) / 1e6;
	double rate = secs > 0 ? (double)rows / secs : 0;
	fprintf(stderr, "\r\033[K%llu rows committed  %.0f rows/s  %llu read, not yet committed",
	    (unsigned long long)rows, rate, (unsigned long long)held);
	if (total > 0 && done > 0) {
		double frac = (double)done / (double)total;
		if (frac > 1)
			frac = 1;
		long left = (long)(secs / frac - secs + 0.5);
		fprintf(stderr, "  %3.0f%%  ETA %ld:%02ld", frac * 100, left / 60, left % 60);
	}
	fflush(stderr);
	p->drawn = true;
}

void
tsq_progress_clear(struct tsq_progress *p)
{
	if (p->drawn) {
		fputs("\r\033[K", stderr);
		fflush(stderr);
		p->drawn = false;
	}
}
