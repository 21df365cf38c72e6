/*
 * main: the command line. A table of verbs (each in src/cmd_*.c, helpers
 * shared by them in cli.c); batch verbs use the core only,
 * no verb opens the TUI. Global options (--db, --schema, --lang) are taken
 * before or after the verb; KESRA_DB, KESRA_SCHEMA and KESRA_LANG stand in
 * for them. Exit status: 0 success, 1 problems found or failure, 2 usage.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "config.h"
#include "cli.h"
#include "i18n.h"
#include "ui.h"
#include "util.h"

static const struct verb verbs[] = {
	{"init", cmd_init, "", N_("create the database, or migrate it to the "
	    "dictionary")},
	{"check", cmd_check, "", N_("check the dictionary and forms; list "
	    "every mistake")},
	{"migrate", cmd_migrate, "[--dry-run]", N_("apply a changed dictionary "
	    "to the database")},
	{"demo", cmd_demo, "--households N [--seed S]", N_("fill a new "
	    "database with synthetic households (Papua Barat Daya)"), 1},
	{"report", cmd_report, "[NAME] [--region CODE] [--format text|csv|tsv] "
	    "[--page-lines N]", N_("run a report of reports.yaml (no NAME: "
	    "list them)"), 1},
	{"import", cmd_import, "FILE.csv --record NAME [--map F] [--rejects F] "
	    "[--partial] [--sep C]", N_("load a CSV file, every row checked; "
	    "all or nothing"), 1},
	{"export", cmd_export, "--record NAME [--format csv|json] [--excel] "
	    "[--labels] [--out F]", N_("write the records of a type as CSV or "
	    "JSON"), 1},
	{"backup", cmd_backup, "FILE", N_("a consistent copy of the database, "
	    "while others keep working"), 1},
	{"restore", cmd_restore, "FILE", N_("replace the database by a backup "
	    "of the same dictionary"), 1},
	{"user", cmd_user, "list|add|set-role|set-region|disable|enable ...",
	    N_("users of a shared database and their roles"), 1},
	{"audit", cmd_audit, "[--record ID] [--user U] [--since DATE]",
	    N_("the audit trail as TSV"), 1},
	{"status", cmd_status, "ID verified|locked|complete [--reason R]",
	    N_("verify, lock, unlock or return a record"), 1},
	{"verify", cmd_verify, "ID", N_("mark a record verified "
	    "(supervisor)"), 1},
	{"validate", cmd_validate, "[--region CODE] [--completeness]", N_("check every record "
	    "(fields, rules, duplicates); findings as TSV"), 1},
	{"search", cmd_search, "QUERY [--limit N] [--region CODE|NAME] "
	    "[--status S] [--filter NAME]...", N_("find persons and "
	    "households by name, NIK or KK (TSV)"), 1},
	{"drafts", cmd_drafts, "[--all | --user NAME] [--discard RECORD ID]",
	    N_("list the forms kept when a terminal went away, or discard "
	    "one"), 1},
	{NULL, NULL, NULL, NULL, 0}
};

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

/* The expressions' mistakes when compiling them after the first paint. */
static struct diags late_diags;

static int
late_compile(struct ui_app *app, char **err)
{
	*err = NULL;
	return cli_compile(app->s, app->db, &app->x, &late_diags);
}

static int
run_tui(struct opts *o)
{
	struct ui_app app;
	char *err = NULL;
	size_t i;
	int rc;

	if (!isatty(STDIN_FILENO) || !isatty(STDOUT_FILENO)) {
		fprintf(stderr, _("kesra: the entry screens need a terminal; "
		    "see 'kesra --help' for the command-line verbs\n"));
		return 1;
	}
	memset(&app, 0, sizeof app);
	/* the expressions are compiled after the first paint when the
	 * database is current (see cli_open_all_late) */
	if (cli_open_all_late(o, 1, &app.s, &app.db, &app.x) < 0)
		return 1;
	app.late = late_compile;
	if (db_tune_interactive(app.db, &err) < 0) {
		print_err(err);
		err = NULL;
	}
	app.lang = o->lang_index;
	app.user = current_user();
	app.last = xcalloc(app.s->nrecords, sizeof *app.last);
	rc = ui_run(&app, &err);
	if (rc < 0 && app.x == NULL && late_diags.n > 0) {
		/* no key was read: nothing was written */
		diags_print(&late_diags, stderr);
		fprintf(stderr, _("kesra: %zu problem(s) in the dictionary; "
		    "nothing was written\n"), late_diags.n);
		free(err);
	} else if (rc < 0)
		print_err(err);
	diags_free(&late_diags);
	for (i = 0; i < app.s->nrecords; i++)
		record_free(app.last[i]);
	free(app.last);
	cli_close_all(app.s, app.db, app.x);
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
	int i, bad = 0, want_help = 0, rc;

	/*
	 * Files kesra makes (the database, its WAL and lock files) hold
	 * personal data: never readable by other users, whatever the umask
	 * (the group keeps what the umask gives, for offices that share a
	 * database among the operators of one group).
	 */
	umask(umask(0) | 007);
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
		    strcmp(argv[i], "--help") == 0)
			want_help = 1; /* after the loop: --lang may follow */
		else if (strcmp(argv[i], "-V") == 0 ||
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
	if (want_help) {
		setup_i18n(o.lang != NULL && strcmp(o.lang, "en") == 0 ?
		    "en" : "id");
		usage(stdout);
		free(o.args);
		return 0;
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
