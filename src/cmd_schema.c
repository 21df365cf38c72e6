/*
 * Verbs about the dictionary: check, init, migrate.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "user.h"
#include "db.h"
#include "expr.h"
#include "i18n.h"
#include "region.h"
#include "report.h"
#include "validate.h"
#include "util.h"

int
cmd_check(struct opts *o)
{
	struct schema *s = load_schema(o);
	struct diags d = {0};
	struct sch_reports *rs;
	size_t i, nf = 0, nrep;
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
	/* reports.yaml: its shape, names and expressions */
	if ((rs = report_load(s, NULL, &d)) == NULL) {
		diags_print(&d, stderr);
		fprintf(stderr, _("kesra: %zu problem(s) in the reports\n"), d.n);
		diags_free(&d);
		schema_free(s);
		return 1;
	}
	nrep = rs->n;
	sch_reports_free(rs);
	for (i = 0; i < s->nrecords; i++)
		nf += s->records[i].nfields;
	printf(_("%s: dictionary '%s' version %d: %zu record(s), %zu field(s), "
	    "%zu value set(s); no problems\n"), s->file, s->name, s->version,
	    s->nrecords, nf, s->nvaluesets);
	if (nrep > 0)
		printf(_("%zu report(s) checked; no problems\n"), nrep);
	schema_free(s);
	return 0;
}

int
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

int
cmd_migrate(struct opts *o)
{
	struct schema *s = load_schema(o);
	struct db *db;
	char *err = NULL;
	if (s == NULL)
		return 1;
	if (o->dry_run) {
		struct preview p = {s, o->lang_index, {NULL, NULL, 0}, 0};
		struct sbuf plan = {0};
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
	if (user_can(db, current_user(), ACTION_MIGRATE, &err) != 1) {
		print_err(err);
		db_close(db);
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

