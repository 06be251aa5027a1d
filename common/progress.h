/*
 * progress.h - a one-line progress meter on stderr, redrawn at most a few
 * times a second: rows committed, rows/s, rows read and not yet committed,
 * and when the input size is known, percent done and the time left.
 */
#ifndef TSQ_PROGRESS_H
#define TSQ_PROGRESS_H

#include <stdbool.h>
#include <stdint.h>

struct tsq_progress {
	bool enabled;
	int64_t started_usec, last_usec;
	bool drawn;
};

void tsq_progress_init(struct tsq_progress *p, bool enabled);
/* TOTAL < 0 means the size is unknown (a pipe). */
void tsq_progress_update(struct tsq_progress *p, uint64_t rows, uint64_t held, int64_t done,
    int64_t total);
/* Erase the meter, so that the next message starts on a clean line. */
void tsq_progress_clear(struct tsq_progress *p);

#endif
