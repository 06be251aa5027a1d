#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <stdatomic.h>
#include <string.h>
#include <termios.h>
#include <unistd.h>

#include "conn.h"
#include "ident.h"
#include "local.h"
#include "log.h"
#include "mem.h"
#include "exit.h"
#include "pgcodes.h"

/* Any of these in the environment means the user chose a server already. */
static const char *const libpq_target_vars[] = {
	"PGHOST", "PGHOSTADDR", "PGPORT", "PGDATABASE", "PGSERVICE", NULL,
};

static bool
connection_given(const struct tsq_conn_opts *o)
{
	if (o->dbname || o->host || o->port || o->user)
		return true;
	for (int i = 0; libpq_target_vars[i]; i++) {
		const char *v = getenv(libpq_target_vars[i]);
		if (v && *v)
			return true;
	}
	return false;
}

/*
 * Read a password from the controlling terminal without echo.  Returns NULL
 * when there is no terminal: tsq never blocks a cron job on a prompt.
 */
/* Best effort: a prompt that cannot be shown still reads the password. */
static void
tty_say(int fd, const char *text)
{
	ssize_t n = write(fd, text, strlen(text));
	(void)n;
}

static char *
prompt_password(void)
{
	struct termios old, noecho;
	char line[1024];
	int fd;
	FILE *tty;

	if (!isatty(STDIN_FILENO))
		return NULL;
	fd = open("/dev/tty", O_RDWR | O_CLOEXEC);
	if (fd < 0)
		return NULL;
	/*
	 * The prompt and the line feed go out with write(2): the stream is only
	 * read, never written between reads without a positioning call.
	 */
	tty = fdopen(fd, "r");
	if (tty == NULL) {
		close(fd);
		return NULL;
	}
	tty_say(fd, "Password: ");
	bool restore = tcgetattr(fd, &old) == 0;
	if (restore) {
		noecho = old;
		noecho.c_lflag &= (tcflag_t)~ECHO;
		tcsetattr(fd, TCSAFLUSH, &noecho);
	}
	char *got = fgets(line, sizeof line, tty);
	if (restore)
		tcsetattr(fd, TCSAFLUSH, &old);
	tty_say(fd, "\n");
	fclose(tty);
	char *password = NULL;
	if (got != NULL) {
		line[strcspn(line, "\r\n")] = '\0';
		password = xstrdup(line);
	}
	explicit_bzero(line, sizeof line);
	return password;
}

/*
 * libpq's messages may quote the connection string it could not parse:
 * mask the password of a URI (scheme://user:PASSWORD@host) and of a
 * password=VALUE setting, so that an error never shows one.
 */
/* Every occurrence of the LEN bytes at SECRET in MSG, masked. */
static void
mask_all(struct tsq_buf *msg, const char *secret, size_t len)
{
	if (len == 0)
		return;
	for (char *p = msg->data; (p = memmem(p, msg->len - (size_t)(p - msg->data), secret, len));
	    p += len)
		memset(p, '*', len);
}

/*
 * The passwords CONNINFO gives (a URI's user:PASSWORD@, a password=VALUE),
 * masked wherever MSG quotes them: libpq quotes a token it cannot parse
 * ("invalid percent-encoded token: ...") without saying it is a password.
 */
static void
mask_given(struct tsq_buf *msg, const char *conninfo)
{
	const char *p, *q;

	if (conninfo == NULL)
		return;
	if ((p = strstr(conninfo, "://")) != NULL) {
		const char *user = p + 3, *at = user + strcspn(user, "@/?#");
		const char *colon = memchr(user, ':', (size_t)(at - user));
		if (*at == '@' && colon && at > colon + 1)
			mask_all(msg, colon + 1, (size_t)(at - colon - 1));
	}
	for (p = conninfo; (p = strstr(p, "password")) != NULL; p = q) {
		q = p + 8;
		while (*q == ' ')
			q++;
		if (*q != '=')
			continue;
		for (q++; *q == ' '; q++)
			;
		const char *v = q;
		if (*q == '\'') {
			for (v = ++q; *q && *q != '\''; q++)
				q += *q == '\\' && q[1];
		} else {
			q += strcspn(q, " ");
		}
		mask_all(msg, v, (size_t)(q - v));
	}
}

static void
redact_passwords(struct tsq_buf *msg)
{
	char *p = msg->data;

	while ((p = strstr(p, "://")) != NULL) {
		char *user = p + 3, *at = user + strcspn(user, "@/?# \"");
		char *colon = memchr(user, ':', (size_t)(at - user));
		if (*at == '@' && colon && at > colon + 1)
			memset(colon + 1, '*', (size_t)(at - colon - 1));
		p = user;
	}
	for (p = msg->data; (p = strstr(p, "password=")) != NULL;) {
		p += 9;
		char quote = *p == '\'' ? *p++ : 0;
		for (; *p && (quote ? *p != quote : !(*p == ' ' || *p == '"')); p++)
			*p = '*';
	}
}

static PGconn *
connect_once(const struct tsq_conn_opts *o, const char *password)
{
	const char *keys[10];
	const char *vals[10];
	int n = 0;
	struct tsq_local local;
	bool use_local = false, have_paths = false;
	const char *dbname = o->dbname;

	if (dbname == NULL && !connection_given(o)) {
		const char *env = getenv("TSQ_DB");
		if (env && *env)
			dbname = env;
		else if ((have_paths = tsq_local_paths(&local, NULL)))
			use_local = tsq_local_exists(&local);
	}
	if (use_local) {
		keys[n] = "host", vals[n++] = local.sockdir;
		keys[n] = "port", vals[n++] = TSQ_LOCAL_PORT;
		keys[n] = "user", vals[n++] = TSQ_LOCAL_USER;
		keys[n] = "dbname", vals[n++] = TSQ_LOCAL_DBNAME;
	} else {
		/* dbname first: expand_dbname applies only to it, later keys override. */
		keys[n] = "dbname", vals[n++] = dbname;
		keys[n] = "host", vals[n++] = o->host;
		keys[n] = "port", vals[n++] = o->port;
		keys[n] = "user", vals[n++] = o->user;
	}
	keys[n] = "password", vals[n++] = password;
	keys[n] = "fallback_application_name", vals[n++] = tsq_progname();
	keys[n] = "connect_timeout", vals[n++] = getenv("PGCONNECT_TIMEOUT") ? NULL : "10";
	keys[n] = NULL, vals[n] = NULL;

	PGconn *conn = PQconnectdbParams(keys, vals, 1);
	if (have_paths)
		tsq_local_free(&local);
	return conn;
}

/* Append libpq's multi-line message MSG as one line, its lines joined by "; ". */
static void
join_lines(struct tsq_buf *out, const char *msg)
{
	const char *p = msg;

	while (*p) {
		size_t n = strcspn(p, "\n");
		tsq_buf_add(out, p, n);
		p += n;
		while (*p == '\n' || *p == '\t' || *p == ' ')
			p++;
		if (*p)
			tsq_buf_adds(out, "; ");
	}
}

static atomic_bool commit_doubt;

bool
tsq_conn_take_commit_doubt(void)
{
	return atomic_exchange(&commit_doubt, false);
}

void
tsq_conn_note_commit_doubt(void)
{
	atomic_store(&commit_doubt, true);
}

/* Server notices go through our log: warnings as warnings, the rest with -v. */
static void
notice_receiver(void *arg, const PGresult *res)
{
	const char *severity = PQresultErrorField(res, PG_DIAG_SEVERITY_NONLOCALIZED);
	const char *msg = PQresultErrorField(res, PG_DIAG_MESSAGE_PRIMARY);
	static const char citus_commit[] = "failed to commit transaction on ";

	(void)arg;
	if (msg == NULL)
		return;
	if (strncmp(msg, citus_commit, sizeof citus_commit - 1) == 0)
		atomic_store(&commit_doubt, true);
	/* Citus passes on libpq's messages of its own connections, lines and all. */
	struct tsq_buf line = TSQ_BUF_INIT;
	join_lines(&line, msg);
	tsq_buf_rtrim(&line);
	if (severity && strcmp(severity, "WARNING") == 0)
		tsq_warning("%s", line.data);
	else
		tsq_verbose("%s", line.data);
	tsq_buf_free(&line);
}

enum tsq_conn_status
tsq_conn_open(const struct tsq_conn_opts *o, PGconn **out, struct tsq_buf *err)
{
	char *password = NULL;
	PGconn *conn;

	*out = NULL;
	if (o->password == TSQ_PASSWORD_FORCE)
		password = prompt_password();
	conn = connect_once(o, password);
	if (PQstatus(conn) == CONNECTION_BAD && PQconnectionNeedsPassword(conn) &&
	    password == NULL && o->password == TSQ_PASSWORD_AUTO) {
		password = prompt_password();
		if (password) {
			PQfinish(conn);
			conn = connect_once(o, password);
		}
	}
	if (password) {
		explicit_bzero(password, strlen(password));
		free(password);
	}
	if (PQstatus(conn) == CONNECTION_BAD) {
		tsq_buf_reset(err);
		tsq_buf_adds(err, "could not connect to the database: ");
		join_lines(err, PQerrorMessage(conn));
		redact_passwords(err);
		mask_given(err, o->dbname ? o->dbname : getenv("TSQ_DB"));
		PQfinish(conn);
		return TSQ_CONN_FAILED;
	}

	const char *params[1] = { o->tz ? o->tz : "UTC" };
	PGresult *res = tsq_exec(conn,
	    "SELECT set_config('datestyle', 'ISO', false),"
	    " set_config('intervalstyle', 'postgres', false),"
	    " set_config('extra_float_digits', '3', false),"
	    " set_config('timezone', $1, false)", 1, params);
	if (!tsq_result_ok(res)) {
		/* Only the time zone comes from the user: the same words as tsq-load's check. */
		const char *state = PQresultErrorField(res, PG_DIAG_SQLSTATE);
		tsq_buf_reset(err);
		if (o->tz && state && strcmp(state, TSQ_STATE_INVALID_PARAMETER_VALUE) == 0)
			tsq_buf_addf(err, "invalid value \"%s\" for option --tz: unknown time zone", o->tz);
		else
			tsq_result_message(res, conn, err);
		PQclear(res);
		PQfinish(conn);
		return TSQ_CONN_BAD_SETTING;
	}
	PQclear(res);
	PQsetNoticeReceiver(conn, notice_receiver, NULL);
	*out = conn;
	return TSQ_CONN_OK;
}

bool
tsq_conn_set_search_path(PGconn *conn, const char *schema, struct tsq_buf *err)
{
	struct tsq_buf path = TSQ_BUF_INIT;
	const char *params[1];
	PGresult *res;
	bool ok;

	tsq_quote_ident(&path, schema);
	if (strcmp(schema, "tsq") != 0)
		tsq_buf_adds(&path, ", tsq");
	if (strcmp(schema, "public") != 0)
		tsq_buf_adds(&path, ", public");
	params[0] = path.data;
	res = tsq_exec(conn, "SELECT set_config('search_path', $1, false)", 1, params);
	ok = tsq_result_ok(res);
	if (!ok) {
		tsq_buf_reset(err);
		tsq_result_message(res, conn, err);
	}
	PQclear(res);
	tsq_buf_free(&path);
	return ok;
}

PGresult *
tsq_exec(PGconn *conn, const char *sql, int nparams, const char *const *params)
{
	return PQexecParams(conn, sql, nparams, NULL, params, NULL, NULL, 0);
}

bool
tsq_result_ok(const PGresult *res)
{
	ExecStatusType st = PQresultStatus(res);
	return st == PGRES_COMMAND_OK || st == PGRES_TUPLES_OK;
}

void
tsq_result_message(const PGresult *res, PGconn *conn, struct tsq_buf *out)
{
	const char *candidates[3] = {
		res ? PQresultErrorField(res, PG_DIAG_MESSAGE_PRIMARY) : NULL,
		res ? PQresultErrorMessage(res) : NULL,
		conn ? PQerrorMessage(conn) : NULL,
	};
	size_t mark = out->len;

	for (int i = 0; i < 3 && out->len == mark; i++) {
		if (candidates[i] == NULL)
			continue;
		/* libpq's own messages may start with "ERROR:  " or span lines. */
		const char *p = candidates[i];
		if (strncmp(p, "ERROR:  ", 8) == 0 || strncmp(p, "FATAL:  ", 8) == 0)
			p += 8;
		join_lines(out, p);
		tsq_buf_rtrim(out);
	}
	if (out->len == mark)
		tsq_buf_adds(out, res ? "the server reported an error without a message" :
		    "the connection to the server was lost");
}

/* Each line of TEXT as a line of its own (detail or hint). */
static void
report_lines(void (*report)(const char *, ...), const char *text)
{
	while (text && *text) {
		size_t n = strcspn(text, "\n");
		report("%.*s", (int)n, text);
		text += n;
		text += *text == '\n';
	}
}

void
tsq_report_details(const PGresult *res)
{
	if (res == NULL)
		return;
	report_lines(tsq_detail, PQresultErrorField(res, PG_DIAG_MESSAGE_DETAIL));
	report_lines(tsq_hint, PQresultErrorField(res, PG_DIAG_MESSAGE_HINT));
}

void
tsq_report_result(const PGresult *res)
{
	struct tsq_buf msg = TSQ_BUF_INIT;

	tsq_result_message(res, NULL, &msg);
	tsq_error("%s", msg.data);
	tsq_buf_free(&msg);
	tsq_report_details(res);
}

int
tsq_conn_exit(enum tsq_conn_status st)
{
	switch (st) {
	case TSQ_CONN_OK:
		return TSQ_EXIT_OK;
	case TSQ_CONN_BAD_SETTING:
		return TSQ_EXIT_USAGE;
	case TSQ_CONN_FAILED:
		break;
	}
	return TSQ_EXIT_CONNECT;
}

/*
 * Where no database was named (no -d, -h, -p, -U, TSQ_DB or PG* target)
 * and none answered: the way to one, for a hint.  NULL otherwise.
 */
static const char *
no_database_hint(const struct tsq_conn_opts *o)
{
	const char *env = getenv("TSQ_DB");
	struct tsq_local local;
	const char *hint;

	if (connection_given(o) || (env && *env) || !tsq_local_paths(&local, NULL))
		return NULL;
	if (tsq_local_exists(&local) && !tsq_local_running(&local))
		hint = "the local database (tsq-init --local) is stopped: \"tsq-init --local\" starts it";
	else if (tsq_local_exists(&local))
		hint = NULL;
	else
		hint = "no database was named and no server answered: \"tsq-init --local\" makes a "
		    "private one that every tool then uses, or name one with -d CONNINFO or TSQ_DB";
	tsq_local_free(&local);
	return hint;
}

int
tsq_conn_report(const struct tsq_conn_opts *opts, enum tsq_conn_status st, const char *msg)
{
	const char *hint = st == TSQ_CONN_FAILED ? no_database_hint(opts) : NULL;

	tsq_error("%s", msg);
	if (hint)
		tsq_hint("%s", hint);
	return tsq_conn_exit(st);
}

int
tsq_connect(const struct tsq_conn_opts *opts, PGconn **conn)
{
	struct tsq_buf err = TSQ_BUF_INIT;
	enum tsq_conn_status st = tsq_conn_open(opts, conn, &err);
	int rc = st == TSQ_CONN_OK ? TSQ_EXIT_OK : tsq_conn_report(opts, st, err.data);

	tsq_buf_free(&err);
	return rc;
}
