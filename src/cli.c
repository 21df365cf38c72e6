/*
 * cli: what every command-line verb shares: paths, language, the dictionary,
 * opening the database, options and messages. No curses here.
 */
#include <errno.h>
#include <fcntl.h>
#include <langinfo.h>
#include <libgen.h>
#include <limits.h>
#include <locale.h>
#include <pwd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "config.h"
#include "cli.h"
#include "expr.h"
#include "i18n.h"
#include "schema_cache.h"
#include "schema_yaml.h"
#include "user.h"
#include "util.h"

char exe_dir[PATH_MAX];

int
is_dir(const char *p)
{
	struct stat sb;
	return stat(p, &sb) == 0 && S_ISDIR(sb.st_mode);
}

int
is_file(const char *p)
{
	struct stat sb;
	return stat(p, &sb) == 0 && S_ISREG(sb.st_mode);
}

/* mkdir -p with mode 0700 for the folders we create. */
int
mkdirs(const char *path)
{
	char *p = xstrdup(path), *q;
	int rc = 0;
	for (q = p + 1; *q != '\0'; q++) {
		if (*q != '/')
			continue;
		*q = '\0';
		if (mkdir(p, 0700) < 0 && errno != EEXIST)
			rc = -1;
		*q = '/';
	}
	if (mkdir(p, 0700) < 0 && errno != EEXIST)
		rc = -1;
	free(p);
	return rc;
}

void
find_exe_dir(void)
{
	char buf[PATH_MAX];
	ssize_t n = readlink("/proc/self/exe", buf, sizeof buf - 1);
	if (n <= 0)
		return;
	buf[n] = '\0';
	snprintf(exe_dir, sizeof exe_dir, "%s", dirname(buf));
}

/* 1 when the binary runs from a source tree (./kesra beside src/main.c). */
int
in_source_tree(void)
{
	char *p = xasprintf("%s/src/main.c", exe_dir);
	int r = exe_dir[0] != '\0' && is_file(p);
	free(p);
	return r;
}

void
resolve_paths(struct opts *o)
{
	const char *v;
	char real[PATH_MAX];
	char *dir, *sub;

	/* Schema folder. */
	if ((v = o->schema) != NULL || ((v = getenv("KESRA_SCHEMA")) != NULL &&
	    v[0] != '\0'))
		dir = xstrdup(v);
	else if (in_source_tree())
		dir = xasprintf("%s/schema", exe_dir);
	else if (is_dir(KESRA_SHAREDIR "/schema"))
		dir = xstrdup(KESRA_SHAREDIR "/schema");
	else
		dir = xstrdup("./schema");
	/* A folder holding schema/ (and forms/) is accepted too. */
	sub = xasprintf("%s/schema", dir);
	if (is_dir(sub)) {
		free(dir);
		dir = sub;
	} else
		free(sub);
	if (realpath(dir, real) != NULL) {
		free(dir);
		dir = xstrdup(real);
	}
	o->schema_dir = dir;
	sub = xasprintf("%s/forms", dir);
	if (is_dir(sub))
		o->forms_dir = sub;
	else {
		char *copy = xstrdup(dir);
		free(sub);
		o->forms_dir = xasprintf("%s/forms", dirname(copy));
		free(copy);
	}

	/* Database file. */
	if ((v = o->db) != NULL || ((v = getenv("KESRA_DB")) != NULL &&
	    v[0] != '\0'))
		o->db_path = xstrdup(v);
	else {
		const char *xdg = getenv("XDG_DATA_HOME"), *home = getenv("HOME");
		char *base;
		if (xdg != NULL && xdg[0] == '/')
			base = xasprintf("%s/kesra", xdg);
		else if (home != NULL && home[0] != '\0')
			base = xasprintf("%s/.local/share/kesra", home);
		else
			base = xstrdup(".");
		if (mkdirs(base) < 0)
			fprintf(stderr, "kesra: %s: %s\n", base, strerror(errno));
		o->db_path = xasprintf("%s/kesra.db", base);
		free(base);
	}
}

const char *
current_user(void)
{
	static char buf[64];
	struct passwd *pw;
	/* looked up once: every start asks several times (opening the
	 * database, its roles, the session) */
	if (buf[0] != '\0')
		return buf;
	pw = getpwuid(getuid());
	/* Identity for roles and the audit trail: never $USER, which
	 * anyone can set. */
	if (pw != NULL && pw->pw_name != NULL)
		snprintf(buf, sizeof buf, "%s", pw->pw_name);
	else
		snprintf(buf, sizeof buf, "uid%ld", (long)getuid());
	return buf;
}

void
setup_i18n(const char *lang)
{
	const char *m;
	char *dir;

	setlocale(LC_ALL, "");
	if (strcmp(nl_langinfo(CODESET), "UTF-8") != 0)
		setlocale(LC_CTYPE, "C.UTF-8");
	m = setlocale(LC_MESSAGES, NULL);
	/* gettext ignores LANGUAGE under the C locale. */
	if (m == NULL || strcmp(m, "C") == 0 || strcmp(m, "POSIX") == 0)
		setlocale(LC_MESSAGES, "C.UTF-8");
	setenv("LANGUAGE", lang, 1);
	dir = xasprintf("%s/build/locale", exe_dir);
	if (!(in_source_tree() && is_dir(dir))) {
		free(dir);
		dir = xstrdup(getenv("KESRA_LOCALEDIR") != NULL ?
		    getenv("KESRA_LOCALEDIR") : KESRA_LOCALEDIR);
	}
	bindtextdomain(KESRA_DOMAIN, dir);
	bind_textdomain_codeset(KESRA_DOMAIN, "UTF-8");
	textdomain(KESRA_DOMAIN);
	free(dir);
}

/*
 * Load the dictionary; prints every mistake. With check_expr 0 the
 * expressions are left to the caller's expr_compile (which reports the same
 * mistakes) unless the structure has mistakes: then they are checked here
 * too, so that every mistake is listed at once.
 */
/*
 * The folder of the private cache of the parsed dictionary (see
 * schema_cache.h): $XDG_CACHE_HOME/kesra, else ~/.cache/kesra; NULL when
 * there is no such place.
 */
static char *
cache_dir(void)
{
	const char *xdg = getenv("XDG_CACHE_HOME"), *home = getenv("HOME");
	if (xdg != NULL && xdg[0] == '/')
		return xasprintf("%s/kesra", xdg);
	if (home != NULL && home[0] == '/')
		return xasprintf("%s/.cache/kesra", home);
	return NULL;
}

/*
 * What identifies this build of kesra in the cache's key: its version and
 * its executable (size, modification time, inode), so that a rebuilt
 * kesra with the same version number never reads an image another build
 * wrote.
 */
static char *
build_id(void)
{
	struct stat sb;
	if (stat("/proc/self/exe", &sb) != 0)
		return xstrdup(KESRA_VERSION);
	return xasprintf("%s %lld %lld.%09ld %llu", KESRA_VERSION,
	    (long long)sb.st_size, (long long)sb.st_mtim.tv_sec,
	    (long)sb.st_mtim.tv_nsec, (unsigned long long)sb.st_ino);
}

static struct schema *
load_schema_x(struct opts *o, int check_expr, int cached)
{
	struct diags d = {0};
	struct schema *s;
	char *cdir = cached ? cache_dir() : NULL, *id = NULL;

	/* the entry screens' start reads the parsed dictionary from the
	 * cache when the files are unchanged */
	if (cached) {
		id = build_id();
		s = schema_cache_load(o->schema_dir, o->forms_dir, cdir, id,
		    &d, NULL);
	} else
		s = schema_yaml_load_partial(o->schema_dir, o->forms_dir, &d);
	free(cdir);
	free(id);
	/* expressions are checked even when the structure has mistakes, so
	 * that every mistake is listed at once */
	if (s != NULL && (check_expr || d.n > 0))
		expr_check_schema(s, &d);
	if (s != NULL && d.n > 0) {
		schema_free(s);
		s = NULL;
	}
	if (s == NULL) {
		diags_print(&d, stderr);
		fprintf(stderr, _("kesra: %zu problem(s) in the dictionary; "
		    "nothing was written\n"), d.n);
	} else {
		o->lang_index = schema_lang_index(s, o->lang);
		if (o->lang_index < 0)
			o->lang_index = 0;
	}
	diags_free(&d);
	return s;
}

/* Load and check the dictionary; prints every mistake. */
struct schema *
load_schema(struct opts *o)
{
	return load_schema_x(o, 1, 0);
}

void
print_err(char *err)
{
	char *e = util_sanitize(err != NULL ? err : "error", 0);
	fprintf(stderr, "kesra: %s\n", e);
	free(e);
	free(err);
}

/*
 * A database in a group-shared folder (setgid, as `install.sh --server`
 * makes it): the files kesra creates there (the database, its -wal and
 * -shm) get group read and write and nothing for others (umask 007), so
 * that every operator's process can write them. Elsewhere the umask is
 * left as it is. Returns 1 when the umask was set.
 */
int
shared_umask(const char *db_path)
{
	struct stat sb;
	char *dir = xstrdup(db_path), *d;
	int shared;

	d = dirname(dir);
	shared = stat(d, &sb) == 0 && S_ISDIR(sb.st_mode) &&
	    (sb.st_mode & S_ISGID) != 0;
	free(dir);
	if (shared)
		umask(007);
	return shared;
}

/*
 * In a shared folder: SQLite makes a new database file 0644 (less the
 * umask) and its -wal and -shm files with the mode of the database file,
 * so a new file is made here first, 0660; files of ours that lack group
 * read and write get them.
 */
static void
shared_files(const char *path, int create)
{
	static const char *const suffix[] = {"", "-wal", "-shm"};
	struct stat sb;
	size_t i;
	int fd;

	if (create && (fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW,
	    0660)) >= 0)
		close(fd);
	for (i = 0; i < 3; i++) {
		char *p = xasprintf("%s%s", path, suffix[i]);
		if (lstat(p, &sb) == 0 && S_ISREG(sb.st_mode) &&
		    sb.st_uid == geteuid() && (sb.st_mode & 0667) != 0660)
			chmod(p, (sb.st_mode & 0770) | 0660);
		free(p);
	}
}

/*
 * Open (creating when asked) and migrate; prints the plan when verbose.
 * With x not NULL the dictionary's expressions are compiled on the
 * connection into *x before anything is written (their mistakes printed as
 * load_schema prints them); with late, not when the database is current
 * (nothing to write): *x stays NULL, for cli_compile later.
 */
static int
open_db_x(struct opts *o, struct schema *s, int create, int dry_run,
    int verbose, struct db **out, struct expr_set **x, int late)
{
	struct sbuf plan = {0};
	struct diags d = {0};
	char *err = NULL;
	struct db *db;
	int current;

	if (shared_umask(o->db_path))
		shared_files(o->db_path, create);
	if (db_open(&db, o->db_path, s, create ? DB_OPEN_CREATE : 0,
	    &err) < 0) {
		print_err(err);
		return -1;
	}
	current = dry_run || db_is_current(db);
	if (x != NULL && !(late && current) && (*x = expr_compile(db_sqlite(db),
	    s, &d)) == NULL) {
		diags_print(&d, stderr);
		fprintf(stderr, _("kesra: %zu problem(s) in the dictionary; "
		    "nothing was written\n"), d.n);
		diags_free(&d);
		db_close(db);
		return -1;
	}
	diags_free(&d);
	/* Who may open it, and apply a changed dictionary (user.h). */
	if (user_can(db, current_user(), ACTION_READ, &err) != 1 ||
	    (!current && user_can(db, current_user(), ACTION_MIGRATE,
	    &err) != 1)) {
		goto fail;
	}
	db_set_session(db, current_user());
	if (shared_umask(o->db_path))
		shared_files(o->db_path, 0);
	if ((dry_run || !current) &&
	    db_migrate(db, dry_run, &plan, &err) < 0) {
		sbuf_free(&plan);
		goto fail;
	}
	if (verbose && plan.len > 0)
		fputs(plan.s, stdout);
	sbuf_free(&plan);
	*out = db;
	return 0;
fail:
	print_err(err);
	if (x != NULL) {
		expr_free(*x);
		*x = NULL;
	}
	db_close(db);
	return -1;
}

int
open_db(struct opts *o, struct schema *s, int create, int dry_run,
    int verbose, struct db **out)
{
	return open_db_x(o, s, create, dry_run, verbose, out, NULL, 0);
}

/* Value of --name N or --name=N in o->args at *i; NULL if not it. */
const char *
arg_value(struct opts *o, int *i, const char *name, int *bad)
{
	size_t n = strlen(name);
	const char *a = o->args[*i];
	if (strncmp(a, name, n) != 0)
		return NULL;
	if (a[n] == '=')
		return a + n + 1;
	if (a[n] != '\0')
		return NULL;
	if (*i + 1 >= o->nargs) {
		fprintf(stderr, _("kesra: %s needs a value\n"), name);
		*bad = 1;
		return NULL;
	}
	return o->args[++*i];
}

/* A whole number of digits only, at most max: 0, or -1 with a message. */
int
parse_count(const char *opt, const char *v, unsigned long long max,
    unsigned long long *out)
{
	char *end;
	errno = 0;
	if (v[0] < '0' || v[0] > '9' || (*out = strtoull(v, &end, 10), *end) ||
	    errno != 0 || *out > max) {
		char *sv = util_sanitize(v, 0);
		fprintf(stderr, _("kesra: %s must be a whole number up to %llu, "
		    "not '%s'\n"), opt, max, sv);
		free(sv);
		return -1;
	}
	return 0;
}

double
seconds_since(const struct timespec *t0)
{
	struct timespec t;
	clock_gettime(CLOCK_MONOTONIC, &t);
	return (double)(t.tv_sec - t0->tv_sec) +
	    (double)(t.tv_nsec - t0->tv_nsec) / 1e9;
}

/* 1 when the current user may do action on db; else 0 after saying why. */
int
cli_allowed(struct db *db, int action)
{
	char *err = NULL;
	if (user_can(db, current_user(), (enum user_action)action, &err) == 1)
		return 1;
	print_err(err);
	return 0;
}

/*
 * The dictionary, the database (migrated when behind) and the compiled
 * expressions, for a verb that works on records: 0, or -1 after printing
 * why (everything released).
 */
static int
open_all(struct opts *o, int create, struct schema **s, struct db **db,
    struct expr_set **x, int late)
{
	*s = NULL;
	*db = NULL;
	*x = NULL;
	/*
	 * The expressions are compiled once, on the database's connection
	 * before anything is written there (expr_compile reports what
	 * load_schema's check would). A database file that is not there yet
	 * gets the check first, so that a dictionary with mistakes leaves no
	 * file behind.
	 */
	if ((*s = load_schema_x(o, access(o->db_path, F_OK) != 0,
	    late)) == NULL)
		return -1;
	if (open_db_x(o, *s, create, 0, 0, db, x, late) < 0)
		goto fail;
	return 0;
fail:
	cli_close_all(*s, *db, *x);
	*s = NULL;
	*db = NULL;
	return -1;
}

int
cli_open_all(struct opts *o, int create, struct schema **s, struct db **db,
    struct expr_set **x)
{
	return open_all(o, create, s, db, x, 0);
}

int
cli_open_all_late(struct opts *o, int create, struct schema **s,
    struct db **db, struct expr_set **x)
{
	return open_all(o, create, s, db, x, 1);
}

int
cli_compile(struct schema *s, struct db *db, struct expr_set **x,
    struct diags *d)
{
	if (*x == NULL)
		*x = expr_compile(db_sqlite(db), s, d);
	return *x != NULL ? 0 : -1;
}

void
cli_close_all(struct schema *s, struct db *db, struct expr_set *x)
{
	expr_free(x);
	db_close(db);
	schema_free(s);
}
