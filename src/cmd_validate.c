/*
 * Verb validate: every check (fields, rules, roster rules, uniqueness,
 * probable duplicates) over every live record, as TSV on stdout:
 *     record  uuid  field  rule  severity  message
 * one finding a line after a header; severity is error, warning or
 * accepted (a warning accepted with a reason). field is empty for a rule
 * over the whole record or roster. The summary by rule goes to stderr, so
 * that stdout stays one table. Exit 1 when any error is open.
 * With --completeness: instead, per village the records and how many are
 * complete (not drafts) as TSV, and on stderr the fields most often left
 * empty where asked; exit 0.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli.h"
#include "i18n.h"
#include "region.h"
#include "util.h"
#include "validate.h"

struct vstat {
	char **rule;
	long *count[3]; /* error, warning, accepted */
	size_t n;
	long errors, warnings, accepted;
	struct validate_completeness *vc; /* --completeness */
	const struct validate_ctx *c;
};

static int
sev_index(const struct finding *f)
{
	if (f->accepted)
		return 2;
	return f->severity == SEV_ERROR ? 0 : 1;
}

static void
print_field(const char *s)
{
	/* a TSV cell: sanitised, no tab or line break */
	char *v = util_sanitize(s != NULL ? s : "", 0);
	char *p;
	for (p = v; *p != '\0'; p++)
		if (*p == '\t' || *p == '\n' || *p == '\r')
			*p = ' ';
	fputs(v, stdout);
	free(v);
}

static void
on_finding(void *ctx, const struct record *top, const struct record *r,
    const struct finding *f)
{
	static const char *const sev[] = {"error", "warning", "accepted"};
	struct vstat *st = ctx;
	int k = sev_index(f);
	size_t i;

	(void)top;
	print_field(r->def->name);
	putchar('\t');
	print_field(r->uuid);
	putchar('\t');
	print_field(f->field != VALIDATE_NO_FIELD ?
	    r->def->fields[f->field].name : "");
	putchar('\t');
	print_field(f->rule);
	printf("\t%s\t", sev[k]);
	print_field(f->msg);
	putchar('\n');
	if (k == 0)
		st->errors++;
	else if (k == 1)
		st->warnings++;
	else
		st->accepted++;
	for (i = 0; i < st->n; i++)
		if (strcmp(st->rule[i], f->rule) == 0)
			break;
	if (i == st->n) {
		int j;
		st->rule = xreallocarray(st->rule, st->n + 1, sizeof *st->rule);
		st->rule[st->n] = xstrdup(f->rule);
		for (j = 0; j < 3; j++) {
			st->count[j] = xreallocarray(st->count[j], st->n + 1,
			    sizeof *st->count[j]);
			st->count[j][st->n] = 0;
		}
		st->n++;
	}
	st->count[k][i]++;
}

static void
on_record(void *ctx, const struct record *top)
{
	struct vstat *st = ctx;
	validate_completeness_add(st->vc, st->c, top, top);
}

static void
on_row(void *ctx, const struct record *top, const struct record *r)
{
	struct vstat *st = ctx;
	validate_completeness_add(st->vc, st->c, top, r);
}

static void
on_count(void *ctx, const struct record *top, const struct record *r,
    const struct finding *f)
{
	struct vstat *st = ctx;
	(void)top;
	(void)r;
	if (f->accepted)
		st->accepted++;
	else if (f->severity == SEV_ERROR)
		st->errors++;
	else
		st->warnings++;
}

/* --completeness: villages on stdout, the emptiest fields on stderr. */
static void
print_completeness(struct db *db, struct validate_completeness *vc)
{
	const struct schema *s = vc->s;
	size_t i, t, j, k;

	printf("village\tname\trecords\tcomplete\tpercent\n");
	for (i = 0; i < vc->nv; i++) {
		const struct validate_village *v = &vc->v[i];
		struct db_region reg;
		char *err = NULL;
		int found = v->code != NULL && db_region_get(db, v->code, &reg,
		    &err) == 1;
		free(err);
		print_field(v->code != NULL ? v->code : "");
		putchar('\t');
		print_field(found ? reg.name : "");
		printf("\t%ld\t%ld\t%.1f\n", v->records, v->complete,
		    v->records ? 100.0 * (double)v->complete /
		    (double)v->records : 0.0);
		if (found) {
			free(reg.code);
			free(reg.name);
		}
	}
	fflush(stdout);
	fprintf(stderr, _("fields most often left empty where asked:\n"));
	/* descending counts, at most ten lines; taken ones negated */
	for (k = 0; k < 10; k++) {
		long best = 0;
		size_t bt = 0, bi = 0;
		for (t = 0; t < s->nrecords; t++)
			for (j = 0; j < s->records[t].nfields; j++)
				if (vc->empty[t][j] > best) {
					best = vc->empty[t][j];
					bt = t;
					bi = j;
				}
		if (best == 0)
			break;
		fprintf(stderr, _("  %s.%s: %ld of %ld\n"), s->records[bt].name,
		    s->records[bt].fields[bi].name, best, vc->seen[bt]);
		vc->empty[bt][bi] = -best;
	}
	for (t = 0; t < s->nrecords; t++)
		for (j = 0; j < s->records[t].nfields; j++)
			if (vc->empty[t][j] < 0)
				vc->empty[t][j] = -vc->empty[t][j];
}

static int
on_progress(void *ctx, long done, long total)
{
	(void)ctx;
	fputc('\r', stderr);
	fprintf(stderr, _("checked %ld of %ld records"), done, total);
	if (done >= total)
		fputc('\n', stderr);
	fflush(stderr);
	return 0;
}

int
cmd_validate(struct opts *o)
{
	struct validate_scan vs = {0};
	struct validate_ctx c = {0};
	struct vstat st = {0};
	struct expr_set *x;
	struct schema *s;
	struct db *db;
	struct validate_completeness vc;
	const char *val, *region = NULL;
	char *err = NULL;
	long checked;
	size_t i;
	int a, bad = 0, completeness = 0;

	for (a = 0; a < o->nargs && !bad; a++) {
		if ((val = arg_value(o, &a, "--region", &bad)) != NULL) {
			if (region_code_level(val) == RL_NONE) {
				char *sv = util_sanitize(val, 0);
				fprintf(stderr, _("kesra: --region: '%s' is not "
				    "a region code (like 11, 11.01, 11.01.01 or "
				    "11.01.01.2001)\n"), sv);
				free(sv);
				bad = 1;
			}
			region = val;
		} else if (strcmp(o->args[a], "--completeness") == 0) {
			completeness = 1;
		} else if (!bad) {
			char *sv = util_sanitize(o->args[a], 0);
			fprintf(stderr, _("kesra: unexpected argument '%s'; see "
			    "'kesra --help'\n"), sv);
			free(sv);
			bad = 1;
		}
	}
	if (bad)
		return 2;
	if (cli_open_all(o, 0, &s, &db, &x) < 0)
		return 1;
	c.x = x;
	c.db = db;
	c.lang = o->lang_index;
	vs.region = region;
	vs.fn = on_finding;
	if (isatty(STDERR_FILENO))
		vs.progress = on_progress;
	if (completeness) {
		validate_completeness_init(&vc, s);
		st.vc = &vc;
		st.c = &c;
		vs.fn = on_count;
		vs.record = on_record;
		vs.row = on_row;
	} else
		printf("record\tuuid\tfield\trule\tseverity\tmessage\n");
	checked = validate_scan(&c, &vs, &st, &err);
	fflush(stdout);
	if (checked < 0) {
		print_err(err);
		if (completeness)
			validate_completeness_free(&vc);
		cli_close_all(s, db, x);
		return 1;
	}
	if (completeness) {
		print_completeness(db, &vc);
		validate_completeness_free(&vc);
		fprintf(stderr, _("%ld record(s) checked with their rosters: "
		    "%ld error(s), %ld warning(s), %ld accepted\n"), checked,
		    st.errors, st.warnings, st.accepted);
		cli_close_all(s, db, x);
		return 0;
	}
	fprintf(stderr, _("%ld record(s) checked with their rosters: %ld "
	    "error(s), %ld warning(s), %ld accepted\n"), checked, st.errors,
	    st.warnings, st.accepted);
	for (i = 0; i < st.n; i++) {
		char *sv = util_sanitize(st.rule[i], 0);
		fprintf(stderr, _("  %-32s %6ld error(s) %6ld warning(s) %6ld "
		    "accepted\n"), sv, st.count[0][i], st.count[1][i],
		    st.count[2][i]);
		free(sv);
		free(st.rule[i]);
	}
	free(st.rule);
	for (i = 0; i < 3; i++)
		free(st.count[i]);
	cli_close_all(s, db, x);
	return st.errors > 0 ? 1 : 0;
}
