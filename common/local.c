#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <pwd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "local.h"
#include "log.h"
#include "mem.h"

#define SERVER_USER "postgres"

static char *
path_join(const char *a, const char *b)
{
	struct tsq_buf p = TSQ_BUF_INIT;

	tsq_buf_addf(&p, "%s/%s", a, b);
	return tsq_buf_detach(&p);
}

bool
tsq_local_paths(struct tsq_local *l, struct tsq_buf *err)
{
	const char *home = getenv("TSQ_HOME");
	char *h;

	memset(l, 0, sizeof *l);
	if (home && *home) {
		h = xstrdup(home);
	} else if (geteuid() == 0) {
		h = xstrdup("/var/lib/tsq");
	} else {
		const char *xdg = getenv("XDG_DATA_HOME");
		const char *uhome = getenv("HOME");
		if (xdg && *xdg == '/') {
			h = path_join(xdg, "tsq");
		} else if (uhome && *uhome) {
			h = path_join(uhome, ".local/share/tsq");
		} else {
			if (err)
				tsq_buf_adds(err, "cannot tell where the local database belongs: "
				    "neither TSQ_HOME nor HOME is set");
			return false;
		}
	}
	l->home = h;
	l->datadir = path_join(h, "data");
	l->sockdir = path_join(h, "run");
	l->logfile = path_join(h, "log/postgresql.log");
	l->run_as = geteuid() == 0 ? SERVER_USER : NULL;
	return true;
}

void
tsq_local_free(struct tsq_local *l)
{
	TSQ_FREE(l->home, l->datadir, l->sockdir, l->logfile);
	memset(l, 0, sizeof *l);
}

bool
tsq_local_exists(const struct tsq_local *l)
{
	struct stat st;
	char *f = path_join(l->datadir, "PG_VERSION");
	bool ok = stat(f, &st) == 0;

	free(f);
	return ok;
}

void
tsq_local_conninfo(const struct tsq_local *l, struct tsq_buf *out)
{
	tsq_buf_addf(out, "host=%s port=%s dbname=%s user=%s", l->sockdir, TSQ_LOCAL_PORT,
	    TSQ_LOCAL_DBNAME, TSQ_LOCAL_USER);
}

/*
 * The directory holding initdb and pg_ctl: $TSQ_PG_BINDIR, else the PATH,
 * else the newest /usr/lib/postgresql/N/bin (Debian keeps them off the PATH).
 * A pg_ctl on the PATH may be a link into the real directory, which is the
 * one returned: the server's libraries are found next to it.
 */
static char *
find_bindir(void)
{
	const char *env = getenv("TSQ_PG_BINDIR");
	const char *path = getenv("PATH");
	char best[320] = "";
	long bestver = -1;

	if (env && *env)
		return xstrdup(env);
	if (path) {
		char *copy = xstrdup(path), *save = NULL;
		for (char *dir = strtok_r(copy, ":", &save); dir; dir = strtok_r(NULL, ":", &save)) {
			char *f = path_join(dir, "pg_ctl");
			char *real = access(f, X_OK) == 0 ? realpath(f, NULL) : NULL;
			free(f);
			if (real) {
				free(copy);
				*strrchr(real, '/') = '\0';
				return real;
			}
		}
		free(copy);
	}
	DIR *d = opendir("/usr/lib/postgresql");
	if (d) {
		struct dirent *e;
		while ((e = readdir(d)) != NULL) {
			char *end;
			long v = strtol(e->d_name, &end, 10);
			char cand[320];
			if (*end != '\0' || end == e->d_name)
				continue;
			if (strlen(e->d_name) > 32)
				continue;
			snprintf(cand, sizeof cand, "/usr/lib/postgresql/%s/bin/pg_ctl", e->d_name);
			if (v > bestver && access(cand, X_OK) == 0) {
				bestver = v;
				snprintf(best, sizeof best, "/usr/lib/postgresql/%s/bin", e->d_name);
			}
		}
		closedir(d);
	}
	return bestver >= 0 ? xstrdup(best) : NULL;
}

/*
 * Run ARGV, as RUN_AS if not NULL (through runuser), with output appended to
 * LOG (or discarded when LOG is NULL).  Returns the exit status, or -1 if the
 * program could not be run.
 */
static int
run(const char *run_as, const char *const argv[], const char *log)
{
	const char *full[32];
	int n = 0;
	pid_t pid;
	int status;

	if (run_as) {
		full[n++] = "runuser";
		full[n++] = "-u";
		full[n++] = run_as;
		full[n++] = "--";
	}
	for (int i = 0; argv[i] && n < 31; i++)
		full[n++] = argv[i];
	full[n] = NULL;

	fflush(stdout);
	fflush(stderr);
	pid = fork();
	if (pid < 0)
		return -1;
	if (pid == 0) {
		int fd = open(log ? log : "/dev/null", O_WRONLY | O_CREAT | O_APPEND, 0600);
		int in = open("/dev/null", O_RDONLY);
		/* The server appends to the same log later, as its own user. */
		struct passwd *pw = run_as && log ? getpwnam(run_as) : NULL;
		if (pw && fd >= 0 && fchown(fd, pw->pw_uid, pw->pw_gid) != 0)
			_exit(126);
		if (fd >= 0) {
			dup2(fd, STDOUT_FILENO);
			dup2(fd, STDERR_FILENO);
		}
		if (in >= 0)
			dup2(in, STDIN_FILENO);
		execvp(full[0], (char *const *)full);
		_exit(127);
	}
	while (waitpid(pid, &status, 0) < 0)
		if (errno != EINTR)
			return -1;
	return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

static bool
make_dir(const char *path, mode_t mode, const struct passwd *owner, struct tsq_buf *err)
{
	if (mkdir(path, mode) != 0 && errno != EEXIST) {
		tsq_buf_addf(err, "could not create directory \"%s\": %s", path, strerror(errno));
		return false;
	}
	if (owner && chown(path, owner->pw_uid, owner->pw_gid) != 0) {
		tsq_buf_addf(err, "could not give directory \"%s\" to user \"%s\": %s", path,
		    owner->pw_name, strerror(errno));
		return false;
	}
	return true;
}

/* mkdir -p for the parents of the home, owned by whoever we are. */
static bool
make_parents(const char *path, struct tsq_buf *err)
{
	char *p = xstrdup(path);
	for (char *s = p + 1; *s; s++) {
		if (*s != '/')
			continue;
		*s = '\0';
		if (mkdir(p, 0755) != 0 && errno != EEXIST) {
			tsq_buf_addf(err, "could not create directory \"%s\": %s", p, strerror(errno));
			free(p);
			return false;
		}
		*s = '/';
	}
	free(p);
	return true;
}

bool
tsq_local_running(const struct tsq_local *l)
{
	char *bindir = find_bindir();
	bool up;

	if (bindir == NULL)
		return false;
	char *pg_ctl = path_join(bindir, "pg_ctl");
	const char *argv[] = { pg_ctl, "status", "-D", l->datadir, NULL };
	up = tsq_local_exists(l) && run(l->run_as, argv, NULL) == 0;
	free(pg_ctl);
	free(bindir);
	return up;
}

/* Settings of our own, appended to postgresql.conf once after initdb. */
static bool
write_config(const struct tsq_local *l, struct tsq_buf *err)
{
	char *conf = path_join(l->datadir, "postgresql.conf");
	FILE *f = fopen(conf, "a");

	if (f == NULL) {
		tsq_buf_addf(err, "could not open file \"%s\": %s", conf, strerror(errno));
		free(conf);
		return false;
	}
	fputs("\n# Added by tsq-init --local: a private server on a unix socket only.\n", f);
	fputs("listen_addresses = ''\n", f);
	fputs("unix_socket_directories = '", f);
	for (const char *p = l->sockdir; *p; p++) {
		if (*p == '\'' || *p == '\\')
			fputc(*p, f);
		fputc(*p, f);
	}
	fputs("'\nunix_socket_permissions = 0700\n", f);
	bool ok = fclose(f) == 0;
	if (!ok)
		tsq_buf_addf(err, "could not write file \"%s\": %s", conf, strerror(errno));
	free(conf);
	return ok;
}

/* Whether the configuration already names libraries to preload. */
static bool
config_preloads(const char *conf)
{
	FILE *f = fopen(conf, "r");
	char line[1024];
	bool found = false;

	if (f == NULL)
		return false;
	while (!found && fgets(line, sizeof line, f)) {
		const char *p = line + strspn(line, " \t");
		found = strncmp(p, "shared_preload_libraries", 24) == 0;
	}
	fclose(f);
	return found;
}

/*
 * TimescaleDB works only when the server preloads it.  When this PostgreSQL
 * has the extension installed and the configuration preloads nothing yet
 * (a cluster made before the extension was installed, say), add it.  True
 * in *ADDED when the server must be (re)started to take it.
 */
static bool
add_preload(const struct tsq_local *l, const char *bindir, bool *added, struct tsq_buf *err)
{
	char *conf = path_join(l->datadir, "postgresql.conf");
	char *lib = path_join(bindir, "../lib/timescaledb.so");
	struct stat st;
	bool ok = true;

	*added = false;
	if (stat(lib, &st) == 0 && !config_preloads(conf)) {
		FILE *f = fopen(conf, "a");
		if (f == NULL || fputs("# Added by tsq-init --local: TimescaleDB is installed.\n"
		    "shared_preload_libraries = 'timescaledb'\n", f) < 0 || fclose(f) != 0) {
			tsq_buf_addf(err, "could not write file \"%s\": %s", conf, strerror(errno));
			ok = false;
		} else {
			*added = true;
		}
	}
	free(conf);
	free(lib);
	return ok;
}

bool
tsq_local_start(struct tsq_local *l, bool *changed, struct tsq_buf *err, struct tsq_buf *hint)
{
	struct passwd *owner = NULL;
	char *bindir = find_bindir();
	char *initdb = NULL, *pg_ctl = NULL, *logdir = NULL;
	bool ok = false;

	*changed = false;
	if (bindir == NULL) {
		tsq_buf_adds(err, "could not find the PostgreSQL server programs (initdb, pg_ctl)");
		tsq_buf_adds(hint, "install the server (apt-get install postgresql, or run "
		    "\"make deps\" in the tsq sources), or point TSQ_PG_BINDIR at its bin directory");
		return false;
	}
	initdb = path_join(bindir, "initdb");
	pg_ctl = path_join(bindir, "pg_ctl");
	logdir = path_join(l->home, "log");

	if (l->run_as) {
		owner = getpwnam(l->run_as);
		if (owner == NULL) {
			tsq_buf_addf(err, "running as root, but there is no \"%s\" user to run the "
			    "server", l->run_as);
			tsq_buf_addf(hint, "PostgreSQL refuses to run as root: create the user "
			    "(apt-get install postgresql does) or run tsq-init --local as a normal user");
			goto out;
		}
	}
	if (!make_parents(l->home, err) || !make_dir(l->home, 0755, NULL, err) ||
	    !make_dir(logdir, 0700, owner, err) || !make_dir(l->sockdir, 0700, owner, err))
		goto out;
	if (owner) {
		const char *argv[] = { "test", "-x", l->home, "-a", "-w", l->sockdir, NULL };
		if (run(l->run_as, argv, NULL) != 0) {
			tsq_buf_addf(err, "the \"%s\" user cannot enter \"%s\"", l->run_as, l->home);
			tsq_buf_adds(hint, "set TSQ_HOME to a directory that user can reach, "
			    "for example TSQ_HOME=/var/lib/tsq");
			goto out;
		}
	}

	if (!tsq_local_exists(l)) {
		if (!make_dir(l->datadir, 0700, owner, err))
			goto out;
		const char *argv[] = { initdb, "-D", l->datadir, "-U", TSQ_LOCAL_USER,
			"-A", "trust", "-E", "UTF8", "--locale=C", NULL };
		if (run(l->run_as, argv, l->logfile) != 0) {
			tsq_buf_addf(err, "initdb failed for \"%s\"", l->datadir);
			tsq_buf_addf(hint, "see the log in \"%s\"", l->logfile);
			goto out;
		}
		if (!write_config(l, err))
			goto out;
		*changed = true;
	}
	bool preload_added;
	if (!add_preload(l, bindir, &preload_added, err))
		goto out;
	if (preload_added && tsq_local_running(l)) {
		const char *argv[] = { pg_ctl, "restart", "-w", "-t", "60", "-m", "fast", "-D",
			l->datadir, "-l", l->logfile, NULL };
		tsq_info("restarting the local database to load TimescaleDB");
		if (run(l->run_as, argv, NULL) != 0) {
			tsq_buf_addf(err, "could not restart the local server in \"%s\"", l->datadir);
			tsq_buf_addf(hint, "see the log in \"%s\"", l->logfile);
			goto out;
		}
		*changed = true;
	}
	if (!tsq_local_running(l)) {
		const char *argv[] = { pg_ctl, "start", "-w", "-t", "60", "-D", l->datadir,
			"-l", l->logfile, NULL };
		if (run(l->run_as, argv, NULL) != 0) {
			tsq_buf_addf(err, "could not start the local server in \"%s\"", l->datadir);
			tsq_buf_addf(hint, "see the log in \"%s\"", l->logfile);
			goto out;
		}
		*changed = true;
	}
	ok = true;
out:
	TSQ_FREE(initdb, pg_ctl, logdir, bindir);
	return ok;
}

bool
tsq_local_stop(struct tsq_local *l, bool *changed, struct tsq_buf *err)
{
	char *bindir;
	bool ok = true;

	*changed = false;
	if (!tsq_local_running(l))
		return true;
	bindir = find_bindir();
	char *pg_ctl = path_join(bindir, "pg_ctl");
	const char *argv[] = { pg_ctl, "stop", "-w", "-m", "fast", "-D", l->datadir, NULL };
	if (run(l->run_as, argv, NULL) != 0) {
		tsq_buf_addf(err, "could not stop the local server in \"%s\"", l->datadir);
		ok = false;
	} else {
		*changed = true;
	}
	free(pg_ctl);
	free(bindir);
	return ok;
}
