/*
 * pager.h - output for a person at a terminal, through a pager when it does
 * not fit the screen.
 *
 * tsq_pager_open() gives a stream that holds what is written while it fits
 * the terminal (fewer lines than its rows, none wider than its columns).
 * Once it does not, the pager starts ($TSQ_PAGER, else $PAGER, else "less";
 * LESS=FRSX when LESS is not set) and gets all of it; if it never starts,
 * tsq_pager_close() writes it to the terminal.  A pager the user quits
 * before the end makes later writes fail; tsq_pager_gone() then says that
 * the failure is the user's choice, not an error.
 */
#ifndef TSQ_PAGER_H
#define TSQ_PAGER_H

#include <stdbool.h>
#include <stdio.h>

struct tsq_pager;

/*
 * Whether a pager applies to OUT: a terminal, and the pager's command is
 * neither empty nor "cat".  ENABLED false (--no-pager) says no.
 */
bool tsq_pager_wanted(FILE *out, bool enabled);

/* A stream in front of OUT (a terminal); NULL when one cannot be made. */
FILE *tsq_pager_open(struct tsq_pager **p, FILE *out);

/*
 * Flush, write what was held to OUT when no pager started, else close the
 * pager's pipe and wait for the user to leave it.  0, or -1 when writing
 * failed (errno says why; not when the user left the pager early).
 */
int tsq_pager_close(struct tsq_pager *p);

/* The size of the terminal OUT is, else LINES and COLUMNS, else 24 by 80. */
void tsq_terminal_size(FILE *out, size_t *rows, size_t *cols);

/* Whether the user left the pager before the output ended. */
bool tsq_pager_gone(void);

#endif
