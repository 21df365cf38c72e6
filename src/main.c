/*
 * main: the command line. A table of verbs; batch verbs use the core only,
 * no verb opens the TUI. Global options (--db, --schema, --lang) are taken
 * before or after the verb; KESRA_DB, KESRA_SCHEMA and KESRA_LANG stand in
 * for them. Exit status: 0 success, 1 problems found or failure, 2 usage.
 */
#include <errno.h>
#include <langinfo.h>
#include <libgen.h>
#include <limits.h>
#include <locale.h>
#ifdef __GLIBC__
#include <malloc.h>
#endif
#include <pwd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "config.h"
#include "db.h"
#include "demo.h"
#include "expr.h"
#include "region.h"
#include "i18n.h"
#include "schema_yaml.h"
#include "ui.h"
#include "validate.h"
#include "util.h"

struct opts {
	const char *db, *schema, *lang;
	int dry_run;
	char *db_path, *schema_dir, *forms_dir;
	int lang_index; /* into the dictionary's languages */
	char **args;    /* verb arguments */
	int nargs;
};

struct verb {
	const char *name;
	int (*fn)(struct opts *);
	const char *usage;
	const char *help;
	int args; /* 1: fn parses o->args itself (and returns 2 when wrong) */
};

static int cmd_check(struct opts *);
static int cmd_demo(struct opts *);
static int cmd_init(struct opts *);
static int cmd_migrate(struct opts *);

static const struct verb verbs[] = {
	{"init", cmd_init, "", N_("create the database, or migrate it to the "
	    "dictionary")},
	{"check", cmd_check, "", N_("check the dictionary and forms; list "
	    "every mistake")},
	{"migrate", cmd_migrate, "[--dry-run]", N_("apply a changed dictionary "
	    "to the database")},
	{"demo", cmd_demo, "--households N [--seed S]", N_("fill a new "
	    "database with synthetic households (Papua Barat Daya)"), 1},
	{NULL, NULL, NULL, NULL, 0}
};

static char exe_dir[PATH_MAX];

static void
usage(FILE *f)
{
	const struct verb *v;
	fprintf(f, _("Usage: kesra [--db PATH] [--schema DIR] [--lang id|en] "
	    "[VERB [ARGS]]\n\n"
	    "With no verb, kesra opens the data-entry screens.\n\n"
	    "Verbs:\n"));
	for (v = verbs; v->name != NULL; v++) {
		char *left = xasprintf("%s %s", v->name, v->usage);
		fprintf(f, "  %-24s %s\n", left, _(v->help));
		free(left);
	}
	fprintf(f, _("\nOptions:\n"
	    "  --db PATH        database file (default $KESRA_DB, else "
	    "$XDG_DATA_HOME/kesra/kesra.db)\n"
	    "  --schema DIR     dictionary folder (default $KESRA_SCHEMA, else "
	    "the installed one)\n"
	    "  --lang id|en     language of the screens (default $KESRA_LANG, "
	    "else id)\n"
	    "  -h, --help       this help\n"
	    "  -V, --version    the version\n"));
}

static int
is_dir(const char *p)
{
	struct stat sb;
	return stat(p, &sb) == 0 && S_ISDIR(sb.st_mode);
}

static int
is_file(const char *p)
{
	struct stat sb;
	return stat(p, &sb) == 0 && S_ISREG(sb.st_mode);
}

/* mkdir -p with mode 0700 for the folders we create. */
static int
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

static void
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
static int
in_source_tree(void)
{
	char *p = xasprintf("%s/src/main.c", exe_dir);
	int r = exe_dir[0] != '\0' && is_file(p);
	free(p);
	return r;
}

static void
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

static const char *
current_user(void)
{
	static char buf[64];
	struct passwd *pw = getpwuid(getuid());
	if (pw != NULL && pw->pw_name != NULL)
		snprintf(buf, sizeof buf, "%s", pw->pw_name);
	else if (getenv("USER") != NULL)
		snprintf(buf, sizeof buf, "%s", getenv("USER"));
	else
		snprintf(buf, sizeof buf, "uid%ld", (long)getuid());
	return buf;
}

static void
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

/* Load and check the dictionary; prints every mistake. */
static struct schema *
load_schema(struct opts *o)
{
	struct diags d = {0};
	struct schema *s = schema_yaml_load_partial(o->schema_dir, o->forms_dir,
	    &d);
	/* expressions are checked even when the structure has mistakes, so
	 * that every mistake is listed at once */
	if (s != NULL)
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

static void
print_err(char *err)
{
	char *e = util_sanitize(err != NULL ? err : "error", 0);
	fprintf(stderr, "kesra: %s\n", e);
	free(e);
	free(err);
}

static int
cmd_check(struct opts *o)
{
	struct schema *s = load_schema(o);
	struct diags d = {0};
	size_t i, nf = 0;
	if (s == NULL)
		return 1;
	/* the region table is checked here only: it is read at migration */
	if (region_check_schema(s, &d) < 0 || d.n > 0) {
		diags_print(&d, stderr);
		fprintf(stderr, _("kesra: %zu problem(s) in the dictionary; "
		    "nothing was written\n"), d.n);
		diags_free(&d);
		schema_free(s);
		return 1;
	}
	diags_free(&d);
	for (i = 0; i < s->nrecords; i++)
		nf += s->records[i].nfields;
	printf(_("%s: dictionary '%s' version %d: %zu record(s), %zu field(s), "
	    "%zu value set(s); no problems\n"), s->file, s->name, s->version,
	    s->nrecords, nf, s->nvaluesets);
	schema_free(s);
	return 0;
}

/* Open (creating when asked) and migrate; prints the plan when verbose. */
static int
open_db(struct opts *o, struct schema *s, int create, int dry_run,
    int verbose, struct db **out)
{
	struct sbuf plan = {0};
	char *err = NULL;
	struct db *db;

	if (db_open(&db, o->db_path, s, create ? DB_OPEN_CREATE : 0,
	    &err) < 0) {
		print_err(err);
		return -1;
	}
	if ((dry_run || !db_is_current(db)) &&
	    db_migrate(db, dry_run, &plan, &err) < 0) {
		print_err(err);
		sbuf_free(&plan);
		db_close(db);
		return -1;
	}
	if (verbose && plan.len > 0)
		fputs(plan.s, stdout);
	sbuf_free(&plan);
	*out = db;
	return 0;
}

static int
cmd_init(struct opts *o)
{
	struct schema *s = load_schema(o);
	struct db *db;
	if (s == NULL)
		return 1;
	if (open_db(o, s, 1, 0, 1, &db) < 0) {
		schema_free(s);
		return 1;
	}
	printf(_("%s: ready (dictionary '%s' version %d)\n"), db_path(db),
	    s->name, s->version);
	db_close(db);
	schema_free(s);
	return 0;
}

/* Failing checks after a migration, counted by record type and rule. */
struct tally {
	char **keys;
	long *counts;
	size_t n;
};

static void
tally_add(void *ctx, const struct record *r, const struct finding *f)
{
	struct tally *t = ctx;
	char *key;
	size_t i;
	if (f->accepted)
		return;
	if (f->field != VALIDATE_NO_FIELD)
		key = xasprintf(_("%s: field '%s' (%s)"), r->def->name,
		    r->def->fields[f->field].name, f->rule);
	else
		key = xasprintf(_("%s: rule '%s'"), r->def->name, f->rule);
	for (i = 0; i < t->n; i++)
		if (strcmp(t->keys[i], key) == 0) {
			t->counts[i]++;
			free(key);
			return;
		}
	t->keys = xreallocarray(t->keys, t->n + 1, sizeof *t->keys);
	t->counts = xreallocarray(t->counts, t->n + 1, sizeof *t->counts);
	t->keys[t->n] = key;
	t->counts[t->n++] = 1;
}

struct preview {
	const struct schema *s;
	int lang;
	struct tally t;
	long checked;
};

static int
preview_scan(struct db *db, void *ctx, char **err)
{
	struct preview *p = ctx;
	struct diags d = {0};
	struct validate_ctx c;
	struct expr_set *x;

	if (expr_register_functions(db_sqlite(db), err) < 0)
		return -1;
	x = expr_compile(db_sqlite(db), p->s, &d);
	diags_free(&d);
	if (x == NULL)
		return util_err(err, "the dictionary's expressions do not "
		    "compile");
	c.x = x;
	c.db = db;
	c.lang = p->lang;
	p->checked = validate_all(&c, tally_add, &p->t, err);
	expr_free(x);
	return p->checked < 0 ? -1 : 0;
}

static int
cmd_migrate(struct opts *o)
{
	struct schema *s = load_schema(o);
	struct db *db;
	if (s == NULL)
		return 1;
	if (o->dry_run) {
		struct preview p = {s, o->lang_index, {NULL, NULL, 0}, 0};
		struct sbuf plan = {0};
		char *err = NULL;
		size_t i;
		if (db_open(&db, o->db_path, s, 0, &err) < 0 ||
		    db_migrate_preview(db, &plan, preview_scan, &p, &err) < 0) {
			print_err(err);
			sbuf_free(&plan);
			db_close(db);
			schema_free(s);
			return 1;
		}
		fputs(plan.len > 0 ? plan.s : _("no change to the tables\n"),
		    stdout);
		printf(_("%ld record(s) checked against the dictionary, with their "
		    "rosters\n"),
		    p.checked);
		for (i = 0; i < p.t.n; i++) {
			printf(_("would fail: %s: %ld record(s)\n"), p.t.keys[i],
			    p.t.counts[i]);
			free(p.t.keys[i]);
		}
		free(p.t.keys);
		free(p.t.counts);
		sbuf_free(&plan);
		printf(_("dry run: nothing was written\n"));
		db_close(db);
		schema_free(s);
		return 0;
	}
	if (open_db(o, s, 0, o->dry_run, 1, &db) < 0) {
		schema_free(s);
		return 1;
	}
	if (o->dry_run)
		printf(_("dry run: nothing was written\n"));
	else
		printf(_("%s: migrated to dictionary '%s' version %d\n"),
		    db_path(db), s->name, s->version);
	db_close(db);
	schema_free(s);
	return 0;
}

/* Value of --name N or --name=N in o->args at *i; NULL if not it. */
static const char *
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
static int
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

static void
demo_progress(void *ctx, long done, long total)
{
	(void)ctx;
	fputc('\r', stderr);
	fprintf(stderr, _("%ld of %ld households"), done, total);
	if (done == total)
		fputc('\n', stderr);
	fflush(stderr);
}

static double
seconds_since(const struct timespec *t0)
{
	struct timespec t;
	clock_gettime(CLOCK_MONOTONIC, &t);
	return (double)(t.tv_sec - t0->tv_sec) +
	    (double)(t.tv_nsec - t0->tv_nsec) / 1e9;
}

static int
cmd_demo(struct opts *o)
{
	struct demo_opts d;
	struct demo_result res;
	struct diags dg = {0};
	struct expr_set *x;
	struct schema *s;
	struct timespec t0;
	struct db *db;
	unsigned long long v;
	char *err = NULL;
	const char *val;
	int i, bad = 0, have_n = 0, rc;

	memset(&d, 0, sizeof d);
	d.seed = 1;
	for (i = 0; i < o->nargs && !bad; i++) {
		v = 0;
		if ((val = arg_value(o, &i, "--households", &bad)) != NULL) {
			if (parse_count("--households", val,
			    DEMO_MAX_HOUSEHOLDS, &v) < 0)
				bad = 1;
			else if (v == 0) {
				fprintf(stderr, _("kesra: --households must be "
				    "1 to %ld\n"), DEMO_MAX_HOUSEHOLDS);
				bad = 1;
			}
			d.households = (long)v;
			have_n = 1;
		} else if ((val = arg_value(o, &i, "--seed", &bad)) != NULL) {
			if (parse_count("--seed", val, UINT64_MAX, &v) < 0)
				bad = 1;
			d.seed = v;
		} else if (!bad) {
			char *sv = util_sanitize(o->args[i], 0);
			fprintf(stderr, _("kesra: unexpected argument '%s'; see "
			    "'kesra --help'\n"), sv);
			free(sv);
			bad = 1;
		}
	}
	if (!bad && !have_n) {
		fprintf(stderr, _("kesra: demo needs --households N\n"));
		bad = 1;
	}
	if (bad)
		return 2;
#ifdef __GLIBC__
	/*
	 * SQLite's temporary tables for expressions come and go for every
	 * row: without this, glibc gives the memory back and faults it in
	 * again each time (a fifth of the run in the kernel).
	 */
	mallopt(M_TRIM_THRESHOLD, 64 << 20);
	mallopt(M_TOP_PAD, 8 << 20);
#endif
	if ((s = load_schema(o)) == NULL)
		return 1;
	if (open_db(o, s, 1, 0, 0, &db) < 0) {
		schema_free(s);
		return 1;
	}
	if (expr_register_functions(db_sqlite(db), &err) < 0 ||
	    (x = expr_compile(db_sqlite(db), s, &dg)) == NULL) {
		if (err != NULL)
			print_err(err);
		diags_print(&dg, stderr);
		diags_free(&dg);
		db_close(db);
		schema_free(s);
		return 1;
	}
	diags_free(&dg);
	if (isatty(STDERR_FILENO))
		d.progress = demo_progress;
	clock_gettime(CLOCK_MONOTONIC, &t0);
	rc = demo_run(db, x, &d, &res, &err);
	if (rc < 0)
		print_err(err);
	/* after a failure: what the batches before it wrote, if anything */
	if (rc == 0 || res.households > 0)
		printf(_("%s: %ld households, %ld persons written in %.1f s\n"),
		    db_path(db), res.households, res.persons,
		    seconds_since(&t0));
	expr_free(x);
	db_close(db);
	schema_free(s);
	return rc < 0 ? 1 : 0;
}

static int
run_tui(struct opts *o)
{
	struct schema *s;
	struct db *db;
	struct ui_app app;
	char *err = NULL;
	int rc;

	if (!isatty(STDIN_FILENO) || !isatty(STDOUT_FILENO)) {
		fprintf(stderr, _("kesra: the entry screens need a terminal; "
		    "see 'kesra --help' for the command-line verbs\n"));
		return 1;
	}
	if ((s = load_schema(o)) == NULL)
		return 1;
	if (open_db(o, s, 1, 0, 0, &db) < 0) {
		schema_free(s);
		return 1;
	}
	memset(&app, 0, sizeof app);
	app.s = s;
	app.db = db;
	app.lang = o->lang_index;
	app.user = current_user();
	if (expr_register_functions(db_sqlite(db), &err) < 0) {
		print_err(err);
		db_close(db);
		schema_free(s);
		return 1;
	}
	{
		struct diags d = {0};
		app.x = expr_compile(db_sqlite(db), s, &d);
		if (app.x == NULL) {
			diags_print(&d, stderr);
			diags_free(&d);
			db_close(db);
			schema_free(s);
			return 1;
		}
		diags_free(&d);
	}
	app.last = xcalloc(s->nrecords, sizeof *app.last);
	rc = ui_run(&app, &err);
	if (rc < 0)
		print_err(err);
	{
		size_t i;
		for (i = 0; i < s->nrecords; i++)
			record_free(app.last[i]);
		free(app.last);
	}
	expr_free(app.x);
	db_close(db);
	schema_free(s);
	return rc < 0 ? 1 : 0;
}

/* Value of --opt VALUE or --opt=VALUE at argv[*i]; NULL if not this option. */
static const char *
opt_value(int argc, char **argv, int *i, const char *name, int *bad)
{
	size_t n = strlen(name);
	if (strncmp(argv[*i], name, n) != 0)
		return NULL;
	if (argv[*i][n] == '=')
		return argv[*i] + n + 1;
	if (argv[*i][n] != '\0')
		return NULL;
	if (*i + 1 >= argc) {
		fprintf(stderr, _("kesra: %s needs a value\n"), name);
		*bad = 1;
		return NULL;
	}
	return argv[++*i];
}

int
main(int argc, char **argv)
{
	struct opts o;
	const struct verb *verb = NULL;
	const char *verb_name = NULL;
	int i, bad = 0, rc;

	memset(&o, 0, sizeof o);
	o.args = xcalloc((size_t)argc + 1, sizeof *o.args);
	find_exe_dir();
	o.lang = getenv("KESRA_LANG");
	for (i = 1; i < argc && !bad; i++) {
		const char *v;
		if ((v = opt_value(argc, argv, &i, "--db", &bad)) != NULL)
			o.db = v;
		else if ((v = opt_value(argc, argv, &i, "--schema", &bad)) != NULL)
			o.schema = v;
		else if ((v = opt_value(argc, argv, &i, "--lang", &bad)) != NULL)
			o.lang = v;
		else if (bad)
			break;
		else if (strcmp(argv[i], "-h") == 0 ||
		    strcmp(argv[i], "--help") == 0) {
			setup_i18n(o.lang != NULL && strcmp(o.lang, "en") == 0 ?
			    "en" : "id");
			usage(stdout);
			free(o.args);
			return 0;
		} else if (strcmp(argv[i], "-V") == 0 ||
		    strcmp(argv[i], "--version") == 0) {
			printf("kesra %s\n", KESRA_VERSION);
			free(o.args);
			return 0;
		} else if (strcmp(argv[i], "--dry-run") == 0)
			o.dry_run = 1;
		else if (verb_name == NULL && argv[i][0] != '-')
			verb_name = argv[i];
		else
			o.args[o.nargs++] = argv[i];
	}
	if (!bad && ((o.db != NULL && o.db[0] == '\0') ||
	    (o.schema != NULL && o.schema[0] == '\0'))) {
		fprintf(stderr, "kesra: --db and --schema need a non-empty "
		    "value\n");
		bad = 1;
	}
	if (o.lang == NULL || o.lang[0] == '\0')
		o.lang = "id";
	if (strcmp(o.lang, "id") != 0 && strcmp(o.lang, "en") != 0) {
		fprintf(stderr, _("kesra: --lang must be id or en, not '%s'\n"),
		    o.lang);
		bad = 1;
	}
	setup_i18n(bad ? "id" : o.lang);
	if (verb_name != NULL) {
		for (verb = verbs; verb->name != NULL; verb++)
			if (strcmp(verb->name, verb_name) == 0)
				break;
		if (verb->name == NULL) {
			char *s = util_sanitize(verb_name, 0);
			fprintf(stderr, _("kesra: unknown verb '%s'; see "
			    "'kesra --help'\n"), s);
			free(s);
			bad = 1;
		}
	}
	if (!bad && o.nargs > 0 && (verb == NULL || !verb->args)) {
		char *s = util_sanitize(o.args[0], 0);
		fprintf(stderr, _("kesra: unexpected argument '%s'; see "
		    "'kesra --help'\n"), s);
		free(s);
		bad = 1;
	}
	if (!bad && o.dry_run && (verb == NULL || verb->fn != cmd_migrate)) {
		fprintf(stderr, _("kesra: --dry-run goes with 'migrate'\n"));
		bad = 1;
	}
	if (bad) {
		free(o.args);
		return 2;
	}
	resolve_paths(&o);
	rc = verb != NULL ? verb->fn(&o) : run_tui(&o);
	free(o.db_path);
	free(o.schema_dir);
	free(o.forms_dir);
	free(o.args);
	return rc;
}
