#include <string.h>

#include "parse.h"
#include "policy.h"

static const char *const names[TSQ_POLICY_NSETTINGS] = {
	"compress_after", "drop_after", "refresh_window", "premake",
};

const char *
tsq_policy_setting_name(enum tsq_policy_setting s)
{
	return names[s];
}

void
tsq_policy_init(struct tsq_policy *p)
{
	for (int i = 0; i < TSQ_POLICY_NSETTINGS; i++)
		p->usec[i] = TSQ_POLICY_OFF;
}

static int
setting_index(const char *name, size_t len)
{
	for (int i = 0; i < TSQ_POLICY_NSETTINGS; i++)
		if (strlen(names[i]) == len && memcmp(names[i], name, len) == 0)
			return i;
	return -1;
}

bool
tsq_policy_parse(const char *s, struct tsq_policy *p, struct tsq_buf *err)
{
	bool seen[TSQ_POLICY_NSETTINGS] = { false };
	struct tsq_buf value = TSQ_BUF_INIT;
	bool ok = false;

	if (*s == '\0') {
		tsq_buf_adds(err, "no settings given: expected NAME=VALUE[,NAME=VALUE]...");
		return false;
	}
	for (const char *item = s;;) {
		const char *end = strchr(item, ',');
		size_t len = end ? (size_t)(end - item) : strlen(item);
		const char *eq = memchr(item, '=', len);
		if (eq == NULL) {
			tsq_buf_addf(err, "invalid setting \"%.*s\": expected NAME=VALUE", (int)len, item);
			goto out;
		}
		int i = setting_index(item, (size_t)(eq - item));
		if (i < 0) {
			tsq_buf_addf(err, "unknown setting \"%.*s\": expected compress_after, drop_after, "
			    "refresh_window or premake", (int)(eq - item), item);
			goto out;
		}
		if (seen[i]) {
			tsq_buf_addf(err, "setting %s given twice", names[i]);
			goto out;
		}
		seen[i] = true;
		tsq_buf_reset(&value);
		tsq_buf_add(&value, eq + 1, len - (size_t)(eq + 1 - item));
		int64_t usec;
		size_t pos;
		if (strcmp(value.data, "off") == 0) {
			p->usec[i] = TSQ_POLICY_OFF;
		} else if (tsq_parse_duration(value.data, &usec, &pos) != TSQ_PARSE_OK || usec <= 0) {
			tsq_buf_addf(err, "invalid value \"%s\" for %s: expected a positive duration "
			    "such as 7d or 12h, or off", value.data, names[i]);
			goto out;
		} else {
			p->usec[i] = usec;
		}
		if (end == NULL)
			break;
		item = end + 1;
	}
	ok = true;
out:
	tsq_buf_free(&value);
	return ok;
}

void
tsq_policy_format_duration(int64_t usec, struct tsq_buf *out)
{
	static const struct {
		const char *unit;
		int64_t usec;
	} units[] = {
		{"d", INT64_C(86400000000)}, {"h", INT64_C(3600000000)}, {"m", INT64_C(60000000)},
		{"s", INT64_C(1000000)}, {"ms", INT64_C(1000)}, {"us", 1},
	};

	if (usec == 0) {
		tsq_buf_adds(out, "0s");
		return;
	}
	for (size_t i = 0; i < sizeof units / sizeof units[0]; i++) {
		if (usec >= units[i].usec) {
			tsq_buf_addf(out, "%lld%s", (long long)(usec / units[i].usec), units[i].unit);
			usec %= units[i].usec;
		}
	}
}

static void
add_duration(struct tsq_buf *err, const char *name, int64_t usec)
{
	tsq_buf_addf(err, "%s (", name);
	tsq_policy_format_duration(usec, err);
	tsq_buf_addc(err, ')');
}

bool
tsq_policy_check(const struct tsq_policy *p, enum tsq_policy_table kind,
    const struct tsq_policy_rollups *rollups, struct tsq_buf *err)
{
	int64_t compress = p->usec[TSQ_POLICY_COMPRESS_AFTER];
	int64_t drop = p->usec[TSQ_POLICY_DROP_AFTER];
	int64_t window = p->usec[TSQ_POLICY_REFRESH_WINDOW];

	if (compress != TSQ_POLICY_OFF && drop != TSQ_POLICY_OFF && compress >= drop) {
		add_duration(err, "compress_after", compress);
		tsq_buf_adds(err, compress == drop ? " equals " : " is not shorter than ");
		add_duration(err, "drop_after", drop);
		tsq_buf_adds(err, ": chunks would be dropped before they were ever compressed");
		return false;
	}
	if (drop != TSQ_POLICY_OFF && kind == TSQ_POLICY_PLAIN) {
		tsq_buf_adds(err, "drop_after needs a hypertable or a table partitioned by time: "
		    "this table is neither");
		return false;
	}
	if (p->usec[TSQ_POLICY_PREMAKE] != TSQ_POLICY_OFF && kind != TSQ_POLICY_PARTITIONED) {
		tsq_buf_adds(err, "premake applies to tables partitioned by time on plain PostgreSQL"
		    " (TimescaleDB creates chunks as rows arrive)");
		return false;
	}
	if (drop != TSQ_POLICY_OFF && window != TSQ_POLICY_OFF && rollups->widest &&
	    drop < window + rollups->widest_bucket) {
		add_duration(err, "drop_after", drop);
		tsq_buf_adds(err, " reaches into the rollups' refresh window: ");
		add_duration(err, "refresh_window", window);
		tsq_buf_addf(err, " plus the bucket of %s (", rollups->widest);
		tsq_policy_format_duration(rollups->widest_bucket, err);
		tsq_buf_adds(err, ") must end before raw data is dropped");
		return false;
	}
	return true;
}
