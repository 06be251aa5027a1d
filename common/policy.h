/*
 * policy.h - a table's storage policy as tsq-compress --set-policy takes it:
 *
 *	compress_after=7d,drop_after=365d,refresh_window=7d,premake=7d
 *
 * Each setting is a duration (parse.h) or "off".  Parsing changes only the
 * settings named; the checks say in one line what conflicts with what.
 * Nothing here touches the database.
 */
#ifndef TSQ_POLICY_H
#define TSQ_POLICY_H

#include <stdbool.h>
#include <stdint.h>

#include "buf.h"

enum tsq_policy_setting {
	TSQ_POLICY_COMPRESS_AFTER,	/* compress chunks whose range ended this long ago */
	TSQ_POLICY_DROP_AFTER,		/* drop chunks or partitions whose range ended this long ago */
	TSQ_POLICY_REFRESH_WINDOW,	/* TimescaleDB: the trailing window each run refreshes */
	TSQ_POLICY_PREMAKE,		/* plain PostgreSQL: days of partitions created ahead */
	TSQ_POLICY_NSETTINGS,
};

#define TSQ_POLICY_OFF INT64_C(-1)

struct tsq_policy {
	int64_t usec[TSQ_POLICY_NSETTINGS];	/* TSQ_POLICY_OFF when off */
};

/* What the table is, for the checks that depend on it. */
enum tsq_policy_table {
	TSQ_POLICY_HYPERTABLE,
	TSQ_POLICY_PARTITIONED,		/* plain PostgreSQL, range-partitioned on time */
	TSQ_POLICY_PLAIN,		/* neither: nothing can be dropped or compressed by time */
};

/* The rollup with the widest bucket among those that read the table. */
struct tsq_policy_rollups {
	const char *widest;		/* its name, NULL when the table has no rollups */
	int64_t widest_bucket;		/* microseconds */
};

/* "compress_after" ... */
const char *tsq_policy_setting_name(enum tsq_policy_setting s);

/* Every setting off. */
void tsq_policy_init(struct tsq_policy *p);

/*
 * Apply "name=value[,name=value]..." to P.  False with ERR (one line) on an
 * unknown name, a bad or non-positive duration, a setting given twice.
 */
bool tsq_policy_parse(const char *s, struct tsq_policy *p, struct tsq_buf *err);

/*
 * Whether P can be applied to a table of kind KIND read by ROLLUPS: false with
 * ERR naming the conflict.
 */
bool tsq_policy_check(const struct tsq_policy *p, enum tsq_policy_table kind,
    const struct tsq_policy_rollups *rollups, struct tsq_buf *err);

/* USEC as the shortest duration tsq reads back: "7d", "36h", "90m", "1h30m". */
void tsq_policy_format_duration(int64_t usec, struct tsq_buf *out);

#endif
