/*
 * report: reports.yaml definitions checked against the dictionary, turned
 * into one SQL statement each and run into a report_table.
 *
 * Invariants:
 * - Only identifiers from the dictionary and expressions that passed
 *   expr_check_text (one read-only expression, no table, allowed functions,
 *   balanced parentheses) are put into SQL text; the region code, its
 *   length and the page keys are bound.
 * - Row region codes are the region field's value cut to the code length
 *   of the level (see prefix_len), so a row is a region whatever level the
 *   stored codes have below it.
 * - The progress handler is installed for one statement and removed after.
 */
#include "report.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <sqlite3.h>

#include "csv.h"
#include "expr.h"
#include "schema_yaml.h"
#include "i18n.h"
#include "region.h"
#include "validate.h"

/* Length of a code at each level: "96", "96.71", "96.71.01", ... */
static const int prefix_len[] = {0, 2, 5, 8, 13};

/* ---- names ------------------------------------------------------------- */

/* The record of a report and, for a list of roster rows, its parent. */
static const struct sch_record *
rep_record(const struct schema *s, const struct sch_report *rep,
    const struct sch_record **parent)
{
	const struct sch_record *r = schema_record(s, rep->record);
	*parent = NULL;
	if (r != NULL && r->parent != NULL && rep->kind == SR_LIST)
		*parent = schema_record(s, r->parent);
	return r;
}

/*
 * The region field of a report: in its record, or (a list of roster rows)
 * in the parent; *in_parent says which. NULL when it has none or when the
 * name is not a region field.
 */
static const struct sch_field *
rep_region(const struct schema *s, const struct sch_report *rep,
    int *in_parent)
{
	const struct sch_record *r, *p;
	int j;

	*in_parent = 0;
	if (rep->region == NULL || (r = rep_record(s, rep, &p)) == NULL)
		return NULL;
	if ((j = schema_field_index(r, rep->region)) >= 0)
		return r->fields[j].type == FT_REGION ? &r->fields[j] : NULL;
	if (p != NULL && (j = schema_field_index(p, rep->region)) >= 0) {
		*in_parent = 1;
		return p->fields[j].type == FT_REGION ? &p->fields[j] : NULL;
	}
	return NULL;
}

static char *
record_names(const struct schema *s)
{
	struct sbuf b = {0};
	size_t i;
	for (i = 0; i < s->nrecords; i++)
		sbuf_addf(&b, "%s%s", i ? ", " : "", s->records[i].name);
	return sbuf_steal(&b);
}

static void
check_expr(sqlite3 *h, const struct sch_reports *rs,
    const struct sch_record *def, const struct sch_record *parent,
    const struct sch_expr *e, const char *where, struct diags *d)
{
	char *err = NULL;
	if (e->text == NULL)
		return;
	if (expr_check_text(h, def, parent, e->text, where, &err) < 0) {
		diags_add(d, rs->file, e->line, e->col, "%s", err);
		free(err);
	}
}

/* ---- findings reports: names ------------------------------------------ */

/* What a column of a `source: findings` report counts. */
enum measure { M_RECORDS, M_WITH_ERRORS, M_ERRORS, M_WARNINGS, M_ACCEPTED,
	M_N };
static const char *const measure_names[] = {"records",
	"records_with_errors", "errors", "warnings", "accepted", NULL};
/* What `by:` may group findings by. */
static const char *const fby_names[] = {"rule", "record", "field", NULL};

static int
name_index(const char *const *names, const char *v)
{
	int i;
	for (i = 0; v != NULL && names[i] != NULL; i++)
		if (strcmp(names[i], v) == 0)
			return i;
	return -1;
}

static void
check_findings(const struct sch_reports *rs, const struct sch_report *rep,
    const struct sch_record *r, struct diags *d)
{
	size_t k;

	if (r->parent != NULL)
		diags_add(d, rs->file, rep->line, rep->col, "report '%s': "
		    "findings are counted per top-level record, and '%s' is a "
		    "roster of '%s'", rep->name, r->name, r->parent);
	if (rep->filter.text != NULL)
		diags_add(d, rs->file, rep->filter.line, rep->filter.col,
		    "report '%s': a findings report has no filter", rep->name);
	if (rep->by.text != NULL && name_index(fby_names, rep->by.text) < 0)
		diags_add(d, rs->file, rep->by.line, rep->by.col, "report "
		    "'%s': findings are grouped 'by' rule, record or field, not "
		    "'%s'", rep->name, rep->by.text);
	for (k = 0; k < rep->ncols; k++) {
		const struct sch_rcol *c = &rep->cols[k];
		if (c->name == NULL)
			continue;
		if (c->record != NULL || c->agg != SA_COUNT ||
		    name_index(measure_names, c->expr.text) < 0)
			diags_add(d, rs->file, c->line, c->col, "report '%s' "
			    "column '%s': a findings report's columns are "
			    "'count: MEASURE' (records, records_with_errors, "
			    "errors, warnings, accepted)", rep->name, c->name);
	}
}

size_t
report_check(sqlite3 *h, const struct schema *s, const struct sch_reports *rs,
    struct diags *d)
{
	size_t before = d->n, i, k;

	for (i = 0; i < rs->n; i++) {
		const struct sch_report *rep = &rs->v[i];
		const struct sch_record *r, *p;
		const struct sch_field *rf;
		int in_parent, l;
		char *where;

		if (rep->record == NULL)
			continue; /* reported by the loader */
		if ((r = rep_record(s, rep, &p)) == NULL) {
			char *names = record_names(s);
			diags_add(d, rs->file, rep->line, rep->col, "report '%s': "
			    "unknown record '%s' (known: %s)", rep->name,
			    rep->record, names);
			free(names);
			continue;
		}
		if (rep->region != NULL) {
			rf = rep_region(s, rep, &in_parent);
			if (rf == NULL)
				diags_add(d, rs->file, rep->line, rep->col,
				    "report '%s': '%s' is not a region field of "
				    "record '%s'%s%s", rep->name, rep->region,
				    r->name, p != NULL ? " or " : "",
				    p != NULL ? p->name : "");
			else
				for (l = 0; l < rep->nlevels; l++)
					if (rep->levels[l] > rf->level)
						diags_add(d, rs->file, rep->line,
						    rep->col, "report '%s': level "
						    "'%s' is below the field '%s' "
						    "(a %s code)", rep->name,
						    region_level_name(rep->levels[l]),
						    rf->name,
						    region_level_name(rf->level));
		}
		if (rep->source == SS_FINDINGS) {
			check_findings(rs, rep, r, d);
			continue;
		}
		where = xasprintf("the filter of report '%s'", rep->name);
		check_expr(h, rs, r, p, &rep->filter, where, d);
		free(where);
		where = xasprintf("'by' of report '%s'", rep->name);
		check_expr(h, rs, r, p, &rep->by, where, d);
		free(where);
		for (k = 0; k < rep->ncols; k++) {
			const struct sch_rcol *c = &rep->cols[k];
			const struct sch_record *cr = r;
			if (c->name == NULL)
				continue;
			if (c->record != NULL && strcmp(c->record, r->name) != 0) {
				cr = schema_record(s, c->record);
				if (cr == NULL || cr->parent == NULL ||
				    strcmp(cr->parent, r->name) != 0) {
					diags_add(d, rs->file, c->line, c->col,
					    "report '%s' column '%s': '%s' is "
					    "not a roster of '%s'", rep->name,
					    c->name, c->record, r->name);
					continue;
				}
			}
			where = xasprintf("report '%s' column '%s'", rep->name,
			    c->name);
			check_expr(h, rs, cr, cr == r ? p : NULL, &c->expr,
			    where, d);
			free(where);
		}
	}
	return d->n - before;
}

size_t
report_check_schema(const struct schema *s, const struct sch_reports *rs,
    struct diags *d)
{
	sqlite3 *h = NULL;
	char *err = NULL;
	size_t n;

	if (sqlite3_open(":memory:", &h) != SQLITE_OK ||
	    expr_register_functions(h, &err) < 0) {
		diags_add(d, rs->file, 0, 0, "cannot check the reports: %s",
		    err != NULL ? err : sqlite3_errmsg(h));
		free(err);
		sqlite3_close(h);
		return 1;
	}
	n = report_check(h, s, rs, d);
	sqlite3_close(h);
	return n;
}

const char *
report_title(const struct sch_report *rep, int lang)
{
	return sch_text_get(&rep->title, lang, rep->name);
}

/* ---- the table --------------------------------------------------------- */

void
report_table_free(struct report_table *t)
{
	size_t i;
	if (t == NULL)
		return;
	for (i = 0; i < t->ncols; i++) {
		free(t->heads[i]);
		if (t->totals != NULL)
			free(t->totals[i]);
	}
	for (i = 0; i < t->nrows * t->ncols; i++)
		free(t->cells[i]);
	for (i = 0; i < t->nrows; i++) {
		if (t->codes != NULL)
			free(t->codes[i]);
		if (t->keys != NULL)
			free(t->keys[i].region);
	}
	free(t->heads);
	free(t->numeric);
	free(t->widths);
	free(t->cells);
	free(t->codes);
	free(t->keys);
	free(t->totals);
	free(t->region);
	free(t);
}

static void
add_col(struct report_table *t, const char *head, int numeric)
{
	t->heads = xreallocarray(t->heads, t->ncols + 1, sizeof *t->heads);
	t->numeric = xreallocarray(t->numeric, t->ncols + 1, 1);
	t->heads[t->ncols] = xstrdup(head);
	t->numeric[t->ncols++] = (unsigned char)numeric;
}

/* A cell's text from a result column. */
static char *
cell_text(sqlite3_stmt *st, int i)
{
	char buf[64];
	switch (sqlite3_column_type(st, i)) {
	case SQLITE_NULL:
		return NULL;
	case SQLITE_INTEGER:
		snprintf(buf, sizeof buf, "%lld",
		    (long long)sqlite3_column_int64(st, i));
		return xstrdup(buf);
	case SQLITE_FLOAT:
		util_fmt_double(sqlite3_column_double(st, i), buf, sizeof buf);
		return xstrdup(buf);
	default:
		return xstrdup((const char *)sqlite3_column_text(st, i));
	}
}

static void
set_widths(struct report_table *t)
{
	size_t i, c;
	int w;
	t->widths = xcalloc(t->ncols, sizeof *t->widths);
	for (c = 0; c < t->ncols; c++) {
		t->widths[c] = (int)utf8_count(t->heads[c]);
		if (t->totals != NULL && t->totals[c] != NULL &&
		    (w = (int)utf8_count(t->totals[c])) > t->widths[c])
			t->widths[c] = w;
		for (i = 0; i < t->nrows; i++) {
			const char *v = t->cells[i * t->ncols + c];
			if (v != NULL && (w = (int)utf8_count(v)) > t->widths[c])
				t->widths[c] = w;
		}
	}
}

/* ---- progress ---------------------------------------------------------- */

struct prog {
	struct timespec t0;
	double last;
	report_progress_fn fn;
	void *ctx;
};

static double
elapsed(const struct timespec *t0)
{
	struct timespec t;
	clock_gettime(CLOCK_MONOTONIC, &t);
	return (double)(t.tv_sec - t0->tv_sec) +
	    (double)(t.tv_nsec - t0->tv_nsec) / 1e9;
}

static int
on_progress(void *arg)
{
	struct prog *p = arg;
	double s = elapsed(&p->t0);
	if (s < 0.5 || s - p->last < 0.1)
		return 0;
	p->last = s;
	return p->fn(p->ctx, s);
}

/* ---- aggregates -------------------------------------------------------- */

/* The level of the rows for region code (NULL: the top). */
static enum region_level
row_level(const struct sch_report *rep, const char *code, int *drill)
{
	enum region_level lc = code != NULL ? region_code_level(code) : RL_NONE;
	int i;
	*drill = 0;
	for (i = 0; i < rep->nlevels; i++)
		if (rep->levels[i] > lc) {
			*drill = i + 1 < rep->nlevels;
			return rep->levels[i];
		}
	return lc; /* at or below the deepest level: the region itself */
}

static const char *
agg_sql(enum sch_agg a)
{
	return a == SA_SUM ? "sum(%s)" : a == SA_ANY ?
	    "max(CASE WHEN (%s) THEN 1 ELSE 0 END)" :
	    "sum(CASE WHEN (%s) THEN 1 ELSE 0 END)";
}

/* Checks that the region code q names is usable for rep. */
static int
check_region(struct db *db, const struct sch_report *rep, const char *code,
    char **err)
{
	struct db_region reg;
	int rc;
	if (code == NULL)
		return 0;
	if (rep->region == NULL)
		return util_err(err, _("report '%s' has no region field: give "
		    "no region"), rep->name);
	if (region_code_level(code) == RL_NONE)
		return util_err(err, _("'%s' is not a region code (like 96 or "
		    "96.71.01)"), code);
	if ((rc = db_region_get(db, code, &reg, err)) < 0)
		return -1;
	if (rc == 0)
		return util_err(err, _("unknown region code '%s'"), code);
	free(reg.code);
	free(reg.name);
	return 0;
}

static char *
aggregate_sql(const struct schema *s, const struct sch_report *rep,
    enum region_level lv, int have_region, char **err)
{
	const struct sch_record *r, *p;
	struct sbuf b = {0}, kx = {0};
	size_t k, j;
	int any_cte = 0;

	if ((r = rep_record(s, rep, &p)) == NULL) {
		util_err(err, "report '%s': unknown record", rep->name);
		return NULL;
	}
	/* roster columns: one CTE per roster, aggregated per parent */
	for (k = 0; k < rep->ncols; k++) {
		const struct sch_rcol *c = &rep->cols[k];
		if (c->record == NULL || strcmp(c->record, r->name) == 0)
			continue;
		for (j = 0; j < k; j++) /* first column of this roster? */
			if (rep->cols[j].record != NULL &&
			    strcmp(rep->cols[j].record, c->record) == 0)
				break;
		if (j < k)
			continue;
		sbuf_addf(&b, "%s\"kesra_c_%s\" AS (SELECT parent_id AS "
		    "kesra_pid", any_cte ? ",\n" : "WITH ", c->record);
		for (j = k; j < rep->ncols; j++)
			if (rep->cols[j].record != NULL &&
			    strcmp(rep->cols[j].record, c->record) == 0) {
				sbuf_add(&b, ", ");
				sbuf_addf(&b, agg_sql(rep->cols[j].agg),
				    rep->cols[j].expr.text);
				sbuf_addf(&b, " AS kesra_v%zu", j);
			}
		sbuf_addf(&b, " FROM \"%s\" AS \"%s\" WHERE deleted_at IS NULL",
		    c->record, c->record);
		/* below a province: only the rows of the region's records
		 * (by the parent index), not the whole roster; a province
		 * is most often the whole register, read faster in order */
		if (have_region && lv > RL_REGENCY)
			sbuf_addf(&b, " AND parent_id IN (SELECT id FROM \"%s\" "
			    "WHERE substr(\"%s\", 1, ?1) = ?2)", r->name,
			    rep->region);
		sbuf_add(&b, " GROUP BY parent_id)");
		any_cte = 1;
	}
	if (any_cte)
		sbuf_add(&b, "\n");
	if (rep->region != NULL)
		sbuf_addf(&kx, "substr(\"%s\".\"%s\", 1, %d)", r->name,
		    rep->region, prefix_len[lv]);
	else
		sbuf_add(&kx, "NULL");
	sbuf_addf(&b, "SELECT g.*, kesra_region.name FROM (SELECT %s AS "
	    "kesra_k, ", kx.s);
	if (rep->by.text != NULL)
		sbuf_addf(&b, "(%s) AS kesra_b", rep->by.text);
	else
		sbuf_add(&b, "NULL AS kesra_b");
	for (k = 0; k < rep->ncols; k++) {
		const struct sch_rcol *c = &rep->cols[k];
		sbuf_add(&b, ",\n ");
		if (c->record == NULL || strcmp(c->record, r->name) == 0) {
			if (c->agg == SA_SUM)
				sbuf_addf(&b, "coalesce(sum(%s), 0)",
				    c->expr.text);
			else
				sbuf_addf(&b, agg_sql(c->agg), c->expr.text);
		} else
			sbuf_addf(&b, "coalesce(sum(\"kesra_c_%s\".kesra_v%zu), "
			    "0)", c->record, k);
	}
	sbuf_addf(&b, "\nFROM \"%s\" AS \"%s\"", r->name, r->name);
	for (k = 0; k < rep->ncols; k++) {
		const struct sch_rcol *c = &rep->cols[k];
		if (c->record == NULL || strcmp(c->record, r->name) == 0)
			continue;
		for (j = 0; j < k; j++)
			if (rep->cols[j].record != NULL &&
			    strcmp(rep->cols[j].record, c->record) == 0)
				break;
		if (j == k)
			sbuf_addf(&b, " LEFT JOIN \"kesra_c_%s\" ON "
			    "\"kesra_c_%s\".kesra_pid = \"%s\".id", c->record,
			    c->record, r->name);
	}
	sbuf_addf(&b, "\nWHERE \"%s\".deleted_at IS NULL", r->name);
	if (rep->filter.text != NULL)
		sbuf_addf(&b, " AND (%s)", rep->filter.text);
	if (have_region)
		sbuf_addf(&b, " AND substr(\"%s\".\"%s\", 1, ?1) = ?2", r->name,
		    rep->region);
	sbuf_add(&b, "\nGROUP BY 1, 2) AS g LEFT JOIN kesra_region ON "
	    "kesra_region.code = g.kesra_k ORDER BY 1, 2");
	sbuf_free(&kx);
	return sbuf_steal(&b);
}

static int
run_aggregate(struct db *db, const struct sch_report *rep,
    const struct report_query *q, struct report_table *t, char **err)
{
	sqlite3 *h = db_sqlite(db);
	sqlite3_stmt *st = NULL;
	const char *lname;
	char *sql;
	size_t k, c, nv = rep->ncols, base;
	int rc, drill, isint = 1;
	enum region_level lv = row_level(rep, q->region, &drill);

	t->level = rep->region != NULL ? lv : RL_NONE;
	t->drill = rep->region != NULL && drill;
	if ((sql = aggregate_sql(db_schema(db), rep, lv, q->region != NULL,
	    err)) == NULL)
		return -1;
	rc = sqlite3_prepare_v2(h, sql, -1, &st, NULL);
	free(sql);
	if (rc != SQLITE_OK)
		return util_err(err, "report '%s': %s", rep->name,
		    sqlite3_errmsg(h));
	if (q->region != NULL) {
		sqlite3_bind_int(st, 1, (int)strlen(q->region));
		sqlite3_bind_text(st, 2, q->region, -1, SQLITE_TRANSIENT);
	}
	/* headings: region, by, the columns */
	if (rep->region != NULL) {
		lname = lv == RL_PROVINCE ? _("Province") : lv == RL_REGENCY ?
		    _("Regency/city") : lv == RL_DISTRICT ? _("District") :
		    _("Village");
		add_col(t, lname, 0);
	}
	if (rep->by.text != NULL)
		add_col(t, sch_text_get(&rep->by_label, q->lang, "by"), 0);
	base = t->ncols;
	for (k = 0; k < nv; k++)
		add_col(t, sch_text_get(&rep->cols[k].label, q->lang,
		    rep->cols[k].name), 1);
	t->codes = NULL;
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		size_t row = t->nrows++;
		t->cells = xreallocarray(t->cells, t->nrows * t->ncols,
		    sizeof *t->cells);
		t->codes = xreallocarray(t->codes, t->nrows, sizeof *t->codes);
		t->codes[row] = cell_text(st, 0);
		c = 0;
		if (rep->region != NULL) {
			/* the name, else the code as stored */
			char *nm = cell_text(st, (int)nv + 2);
			if (nm == NULL)
				nm = t->codes[row] != NULL ?
				    xstrdup(t->codes[row]) : xstrdup("-");
			t->cells[row * t->ncols + c++] = nm;
		}
		if (rep->by.text != NULL)
			t->cells[row * t->ncols + c++] = cell_text(st, 1);
		for (k = 0; k < nv; k++) {
			if (sqlite3_column_type(st, (int)k + 2) == SQLITE_FLOAT)
				isint = 0;
			t->cells[row * t->ncols + c++] = cell_text(st,
			    (int)k + 2);
		}
	}
	if (rc != SQLITE_DONE) {
		rc = sqlite3_errcode(h);
		util_err(err, "report '%s': %s", rep->name, rc ==
		    SQLITE_INTERRUPT ? _("interrupted") : sqlite3_errmsg(h));
		sqlite3_finalize(st);
		return -1;
	}
	sqlite3_finalize(st);
	/* totals: the sum of the rows */
	t->totals = xcalloc(t->ncols, sizeof *t->totals);
	t->totals[0] = xstrdup(_("Total"));
	for (c = base; c < t->ncols; c++) {
		long long si = 0;
		double sd = 0;
		size_t i;
		char buf[64];
		for (i = 0; i < t->nrows; i++) {
			const char *v = t->cells[i * t->ncols + c];
			if (v == NULL)
				continue;
			si += strtoll(v, NULL, 10);
			sd += strtod(v, NULL);
		}
		if (isint)
			snprintf(buf, sizeof buf, "%lld", si);
		else
			util_fmt_double(sd, buf, sizeof buf);
		t->totals[c] = xstrdup(buf);
	}
	return 0;
}

/* ---- findings reports -------------------------------------------------- */

/*
 * A `source: findings` aggregate: validate_scan over the region, every
 * finding counted for its top-level record, the record's counts added to
 * the row of its region (cut to the level) and, with `by`, of the key.
 * A group is found by hash (a scan of a million records must not walk
 * the rows for each record).
 */
struct fgroup {
	char *code; /* region code cut to the level (NULL: none) */
	char *by;   /* rule, record or field (NULL: no `by`) */
	long v[M_N];
};

struct fkey {       /* one `by` key of the current record */
	char *by;
	long n[3];  /* open errors, open warnings, accepted */
};

struct frun {
	const struct sch_record *def;
	int rf;           /* region field of def, or -1 */
	size_t plen;      /* code length of the rows' level */
	int fby;          /* index into fby_names; -1 = none */
	struct fgroup *g;
	size_t ng;
	size_t *slot;     /* hash: group index + 1; 0 = empty */
	size_t nslot;     /* a power of two, > 2 * ng */
	long tot[M_N];
	int in_rec;       /* the current top-level record is counted */
	char *code;
	struct fkey *cur;
	size_t ncur;
	struct prog *pg;
};

static uint64_t
fgroup_hash(const char *code, const char *by)
{
	uint64_t h = UTIL_FNV_INIT;
	if (code != NULL)
		h = util_fnv1a(h, code, strlen(code));
	h = util_fnv1a(h, "\x1f", 1);
	if (by != NULL)
		h = util_fnv1a(h, by, strlen(by));
	return h;
}

static int
str_eq(const char *a, const char *b)
{
	return a == NULL ? b == NULL : b != NULL && strcmp(a, b) == 0;
}

static void
fgroup_rehash(struct frun *fr)
{
	size_t i, j;
	fr->nslot = fr->nslot ? fr->nslot * 2 : 64;
	free(fr->slot);
	fr->slot = xcalloc(fr->nslot, sizeof *fr->slot);
	for (i = 0; i < fr->ng; i++) {
		j = (size_t)fgroup_hash(fr->g[i].code, fr->g[i].by) &
		    (fr->nslot - 1);
		while (fr->slot[j] != 0)
			j = (j + 1) & (fr->nslot - 1);
		fr->slot[j] = i + 1;
	}
}

static struct fgroup *
fgroup_get(struct frun *fr, const char *code, const char *by)
{
	size_t j;
	if (fr->nslot <= 2 * fr->ng)
		fgroup_rehash(fr);
	j = (size_t)fgroup_hash(code, by) & (fr->nslot - 1);
	for (; fr->slot[j] != 0; j = (j + 1) & (fr->nslot - 1)) {
		struct fgroup *g = &fr->g[fr->slot[j] - 1];
		if (str_eq(g->code, code) && str_eq(g->by, by))
			return g;
	}
	fr->g = xreallocarray(fr->g, fr->ng + 1, sizeof *fr->g);
	memset(&fr->g[fr->ng], 0, sizeof *fr->g);
	fr->g[fr->ng].code = code != NULL ? xstrdup(code) : NULL;
	fr->g[fr->ng].by = by != NULL ? xstrdup(by) : NULL;
	fr->slot[j] = ++fr->ng;
	return &fr->g[fr->ng - 1];
}

/* Adds one record's (or one key's) counts n to the measures of v. */
static void
fadd(long *v, const long *n, long records)
{
	v[M_RECORDS] += records;
	v[M_WITH_ERRORS] += n[0] > 0;
	v[M_ERRORS] += n[0];
	v[M_WARNINGS] += n[1];
	v[M_ACCEPTED] += n[2];
}

/* The current record's counts into its groups and the totals. */
static void
frun_flush(struct frun *fr)
{
	long all[3] = {0, 0, 0};
	size_t i;
	int k;

	if (!fr->in_rec)
		return;
	for (i = 0; i < fr->ncur; i++) {
		for (k = 0; k < 3; k++)
			all[k] += fr->cur[i].n[k];
		if (fr->fby >= 0)
			fadd(fgroup_get(fr, fr->code, fr->cur[i].by)->v,
			    fr->cur[i].n, 1);
		free(fr->cur[i].by);
	}
	if (fr->fby < 0)
		fadd(fgroup_get(fr, fr->code, NULL)->v, all, 1);
	/* with `by`, records are those with a finding */
	fadd(fr->tot, all, fr->fby < 0 || fr->ncur > 0);
	fr->ncur = 0;
	free(fr->code);
	fr->code = NULL;
	fr->in_rec = 0;
}

static void
frun_record(void *ctx, const struct record *top)
{
	struct frun *fr = ctx;
	const char *v;

	frun_flush(fr);
	if (top->def != fr->def)
		return; /* another top-level record: not this report's */
	fr->in_rec = 1;
	if (fr->rf >= 0 && (v = record_get(top, (size_t)fr->rf)) != NULL)
		fr->code = xstrndup(v, fr->plen);
}

static void
frun_finding(void *ctx, const struct record *top, const struct record *r,
    const struct finding *f)
{
	struct frun *fr = ctx;
	char *key = NULL;
	size_t i;

	if (!fr->in_rec || top->def != fr->def)
		return;
	if (fr->fby == 0)
		key = xstrdup(f->rule);
	else if (fr->fby == 1 || f->field == VALIDATE_NO_FIELD)
		key = xstrdup(r->def->name);
	else if (fr->fby == 2)
		key = xasprintf("%s.%s", r->def->name,
		    r->def->fields[f->field].name);
	for (i = 0; i < fr->ncur; i++)
		if (str_eq(fr->cur[i].by, key))
			break;
	if (i == fr->ncur) {
		fr->cur = xreallocarray(fr->cur, fr->ncur + 1, sizeof *fr->cur);
		memset(&fr->cur[i], 0, sizeof *fr->cur);
		fr->cur[i].by = key;
		fr->ncur++;
	} else
		free(key);
	fr->cur[i].n[f->accepted ? 2 : f->severity == SEV_ERROR ? 0 : 1]++;
}

static int
frun_progress(void *ctx, long done, long total)
{
	struct frun *fr = ctx;
	struct prog *p = fr->pg;
	double s;
	(void)done;
	(void)total;
	if (p == NULL)
		return 0;
	s = elapsed(&p->t0);
	if (s < 0.5 || s - p->last < 0.1)
		return 0;
	p->last = s;
	return p->fn(p->ctx, s);
}

static int
fgroup_cmp(const void *a, const void *b)
{
	const struct fgroup *x = a, *y = b;
	int c;
	if (x->code == NULL || y->code == NULL)
		c = (x->code != NULL) - (y->code != NULL);
	else
		c = strcmp(x->code, y->code);
	if (c != 0)
		return c;
	if (x->by == NULL || y->by == NULL)
		return (x->by != NULL) - (y->by != NULL);
	return strcmp(x->by, y->by);
}

static int
run_findings(struct db *db, const struct sch_report *rep,
    const struct report_query *q, struct prog *pg, struct report_table *t,
    char **err)
{
	const struct schema *s = db_schema(db);
	struct validate_scan vs = {0};
	struct validate_ctx c = {0};
	struct frun fr;
	struct expr_set *x = q->x;
	struct diags d = {0};
	const struct sch_record *p;
	size_t i, k, col, base, nv = rep->ncols;
	int drill, mi[64], ret = -1;
	long checked;
	enum region_level lv = row_level(rep, q->region, &drill);

	memset(&fr, 0, sizeof fr);
	if ((fr.def = rep_record(s, rep, &p)) == NULL)
		return util_err(err, "report '%s': unknown record", rep->name);
	fr.rf = rep->region != NULL ? schema_field_index(fr.def, rep->region) :
	    -1;
	fr.plen = rep->region != NULL ? (size_t)prefix_len[lv] : 0;
	fr.fby = rep->by.text != NULL ? name_index(fby_names, rep->by.text) :
	    -1;
	fr.pg = pg;
	if (nv > sizeof mi / sizeof mi[0])
		return util_err(err, "report '%s': too many columns", rep->name);
	for (k = 0; k < nv; k++)
		mi[k] = name_index(measure_names, rep->cols[k].expr.text);
	if (x == NULL && (x = expr_compile(db_sqlite(db), s, &d)) == NULL) {
		util_err(err, "report '%s': %s", rep->name, d.n > 0 ?
		    d.v[0].msg : "cannot compile the dictionary");
		diags_free(&d);
		return -1;
	}
	t->level = rep->region != NULL ? lv : RL_NONE;
	t->drill = rep->region != NULL && drill;
	c.x = x;
	c.db = db;
	c.lang = q->lang;
	vs.region = q->region;
	vs.fn = frun_finding;
	vs.record = frun_record;
	vs.progress = frun_progress;
	vs.pctx = &fr;
	checked = validate_scan(&c, &vs, &fr, err);
	if (checked >= 0 && vs.stopped) {
		util_err(err, "report '%s': %s", rep->name, _("interrupted"));
		checked = -1;
	}
	frun_flush(&fr);
	if (checked < 0)
		goto out;
	qsort(fr.g, fr.ng, sizeof *fr.g, fgroup_cmp);
	/* headings: region, by, the columns (as run_aggregate) */
	if (rep->region != NULL)
		add_col(t, lv == RL_PROVINCE ? _("Province") : lv == RL_REGENCY ?
		    _("Regency/city") : lv == RL_DISTRICT ? _("District") :
		    _("Village"), 0);
	if (rep->by.text != NULL)
		add_col(t, sch_text_get(&rep->by_label, q->lang, rep->by.text),
		    0);
	base = t->ncols;
	for (k = 0; k < nv; k++)
		add_col(t, sch_text_get(&rep->cols[k].label, q->lang,
		    rep->cols[k].name), 1);
	t->nrows = fr.ng;
	t->cells = xcalloc(t->nrows * t->ncols + 1, sizeof *t->cells);
	t->codes = xcalloc(t->nrows + 1, sizeof *t->codes);
	for (i = 0; i < fr.ng; i++) {
		char **row = &t->cells[i * t->ncols];
		col = 0;
		t->codes[i] = fr.g[i].code != NULL ? xstrdup(fr.g[i].code) :
		    NULL;
		if (rep->region != NULL) {
			struct db_region reg;
			char *e2 = NULL;
			if (fr.g[i].code != NULL && db_region_get(db,
			    fr.g[i].code, &reg, &e2) == 1) {
				row[col++] = reg.name;
				free(reg.code);
			} else
				row[col++] = xstrdup(fr.g[i].code != NULL ?
				    fr.g[i].code : "-");
			free(e2);
		}
		if (rep->by.text != NULL)
			row[col++] = xstrdup(fr.g[i].by != NULL ? fr.g[i].by :
			    "");
		for (k = 0; k < nv; k++)
			row[col++] = xasprintf("%ld", fr.g[i].v[mi[k]]);
	}
	/* totals: over the records, not the sum of the rows (with `by`, a
	 * record with findings of two rules is one record) */
	t->totals = xcalloc(t->ncols, sizeof *t->totals);
	t->totals[0] = xstrdup(_("Total"));
	for (k = 0; k < nv; k++)
		t->totals[base + k] = xasprintf("%ld", fr.tot[mi[k]]);
	ret = 0;
out:
	for (i = 0; i < fr.ng; i++) {
		free(fr.g[i].code);
		free(fr.g[i].by);
	}
	free(fr.g);
	free(fr.slot);
	free(fr.cur);
	free(fr.code);
	if (x != q->x)
		expr_free(x);
	diags_free(&d);
	return ret;
}

/* ---- lists ------------------------------------------------------------- */

/* The field a column names plainly (`f` or `rec.f`), or NULL. */
static const struct sch_field *
plain_field(const struct sch_record *r, const struct sch_record *p,
    const char *text)
{
	const char *dot = strchr(text, '.');
	int j;
	if (dot != NULL) {
		char *q = xstrndup(text, (size_t)(dot - text));
		const struct sch_record *in = strcmp(q, r->name) == 0 ? r :
		    p != NULL && strcmp(q, p->name) == 0 ? p : NULL;
		free(q);
		if (in == NULL || !util_is_ident(dot + 1))
			return NULL;
		j = schema_field_index(in, dot + 1);
		return j >= 0 ? &in->fields[j] : NULL;
	}
	if (!util_is_ident(text))
		return NULL;
	if ((j = schema_field_index(r, text)) >= 0)
		return &r->fields[j];
	if (p != NULL && (j = schema_field_index(p, text)) >= 0)
		return &p->fields[j];
	return NULL;
}

static int
run_list(struct db *db, const struct sch_report *rep,
    const struct report_query *q, struct report_table *t, char **err)
{
	const struct schema *s = db_schema(db);
	const struct sch_record *r, *p;
	const struct sch_field *rf = NULL, **pf;
	sqlite3 *h = db_sqlite(db);
	sqlite3_stmt *st = NULL;
	struct sbuf b = {0}, kx = {0};
	size_t k, nv = rep->ncols;
	int in_parent = 0, rc, ret = -1;
	unsigned char *nonnum;

	if ((r = rep_record(s, rep, &p)) == NULL)
		return util_err(err, "report '%s': unknown record", rep->name);
	if (rep->region != NULL)
		rf = rep_region(s, rep, &in_parent);
	if (rf != NULL)
		sbuf_addf(&kx, "coalesce(\"%s\".\"%s\", '')", in_parent ?
		    p->name : r->name, rf->name);
	else
		sbuf_add(&kx, "''");
	pf = xcalloc(nv + 1, sizeof *pf);
	nonnum = xcalloc(nv + 1, 1);
	sbuf_addf(&b, "SELECT %s, \"%s\".%s, \"%s\".id", kx.s, r->name,
	    p != NULL ? "parent_id" : "id", r->name);
	for (k = 0; k < nv; k++) {
		pf[k] = plain_field(r, p, rep->cols[k].expr.text);
		if (pf[k] != NULL && pf[k]->type == FT_REGION)
			sbuf_addf(&b, ",\n (SELECT name FROM kesra_region WHERE "
			    "code = (%s))", rep->cols[k].expr.text);
		else
			sbuf_addf(&b, ",\n (%s)", rep->cols[k].expr.text);
		add_col(t, sch_text_get(&rep->cols[k].label, q->lang,
		    pf[k] != NULL ? schema_field_label(pf[k], q->lang) :
		    rep->cols[k].name), 0);
	}
	sbuf_addf(&b, "\nFROM \"%s\" AS \"%s\"", r->name, r->name);
	if (p != NULL)
		sbuf_addf(&b, " JOIN \"%s\" AS \"%s\" ON \"%s\".id = \"%s\"."
		    "parent_id AND \"%s\".deleted_at IS NULL", p->name, p->name,
		    p->name, r->name, p->name);
	sbuf_addf(&b, "\nWHERE \"%s\".deleted_at IS NULL", r->name);
	if (rep->filter.text != NULL)
		sbuf_addf(&b, " AND (%s)", rep->filter.text);
	if (q->region != NULL)
		sbuf_addf(&b, " AND substr(%s, 1, ?1) = ?2", kx.s);
	if (q->after != NULL)
		sbuf_addf(&b, " AND (%s, \"%s\".%s, \"%s\".id) > (?3, ?4, ?5)",
		    kx.s, r->name, p != NULL ? "parent_id" : "id", r->name);
	sbuf_add(&b, "\nORDER BY 1, 2, 3");
	if (q->limit > 0)
		sbuf_add(&b, " LIMIT ?6");
	if (sqlite3_prepare_v2(h, b.s, -1, &st, NULL) != SQLITE_OK) {
		util_err(err, "report '%s': %s", rep->name, sqlite3_errmsg(h));
		goto out;
	}
	if (q->region != NULL) {
		sqlite3_bind_int(st, 1, (int)strlen(q->region));
		sqlite3_bind_text(st, 2, q->region, -1, SQLITE_TRANSIENT);
	}
	if (q->after != NULL) {
		sqlite3_bind_text(st, 3, q->after->region != NULL ?
		    q->after->region : "", -1, SQLITE_TRANSIENT);
		sqlite3_bind_int64(st, 4, q->after->parent_id);
		sqlite3_bind_int64(st, 5, q->after->id);
	}
	if (q->limit > 0)
		sqlite3_bind_int(st, 6, q->limit + 1); /* one more: `more` */
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		size_t row;
		if (q->limit > 0 && t->nrows == (size_t)q->limit) {
			t->more = 1;
			break;
		}
		row = t->nrows++;
		t->cells = xreallocarray(t->cells, t->nrows * t->ncols,
		    sizeof *t->cells);
		t->keys = xreallocarray(t->keys, t->nrows, sizeof *t->keys);
		t->keys[row].region = xstrdup((const char *)
		    sqlite3_column_text(st, 0));
		t->keys[row].parent_id = sqlite3_column_int64(st, 1);
		t->keys[row].id = sqlite3_column_int64(st, 2);
		for (k = 0; k < nv; k++) {
			char *v = cell_text(st, (int)k + 3);
			int ty = sqlite3_column_type(st, (int)k + 3);
			if (v != NULL && pf[k] != NULL && pf[k]->vs != NULL &&
			    pf[k]->type == FT_SELECT_ONE) {
				const struct sch_choice *ch =
				    schema_choice(pf[k]->vs, v);
				if (ch != NULL) {
					free(v);
					v = xstrdup(sch_text_get(&ch->label,
					    q->lang, ch->code));
					ty = SQLITE_TEXT;
				}
			}
			if (ty == SQLITE_TEXT || ty == SQLITE_BLOB)
				nonnum[k] = 1;
			t->cells[row * t->ncols + k] = v;
		}
	}
	if (rc != SQLITE_ROW && rc != SQLITE_DONE) {
		util_err(err, "report '%s': %s", rep->name,
		    sqlite3_errcode(h) == SQLITE_INTERRUPT ? _("interrupted") :
		    sqlite3_errmsg(h));
		goto out;
	}
	for (k = 0; k < nv; k++)
		t->numeric[k] = !nonnum[k] && t->nrows > 0;
	ret = 0;
out:
	sqlite3_finalize(st);
	sbuf_free(&b);
	sbuf_free(&kx);
	free(pf);
	free(nonnum);
	return ret;
}

int
report_run(struct db *db, const struct sch_report *rep,
    const struct report_query *q, struct report_table **out, char **err)
{
	struct report_table *t;
	struct prog pg;
	int rc;

	*out = NULL;
	if (check_region(db, rep, q->region, err) < 0)
		return -1;
	t = xcalloc(1, sizeof *t);
	t->rep = rep;
	t->region = q->region != NULL ? xstrdup(q->region) : NULL;
	t->level = RL_NONE;
	if (q->progress != NULL) {
		clock_gettime(CLOCK_MONOTONIC, &pg.t0);
		pg.last = 0;
		pg.fn = q->progress;
		pg.ctx = q->progress_ctx;
		sqlite3_progress_handler(db_sqlite(db), 1000, on_progress, &pg);
	}
	if (rep->kind == SR_AGGREGATE && rep->source == SS_FINDINGS)
		rc = run_findings(db, rep, q, q->progress != NULL ? &pg : NULL,
		    t, err);
	else if (rep->kind == SR_AGGREGATE)
		rc = run_aggregate(db, rep, q, t, err);
	else
		rc = run_list(db, rep, q, t, err);
	if (q->progress != NULL)
		sqlite3_progress_handler(db_sqlite(db), 0, NULL, NULL);
	if (rc < 0) {
		report_table_free(t);
		return -1;
	}
	set_widths(t);
	*out = t;
	return 0;
}

char *
report_region_up(const struct sch_report *rep, const char *code)
{
	enum region_level l;
	int i;

	if (code == NULL)
		return NULL;
	/* the view whose rows hold code: the level above it in `levels` */
	l = region_code_level(code);
	for (i = rep->nlevels - 1; i >= 0; i--)
		if (rep->levels[i] < l)
			break;
	if (i < 0 || strlen(code) < (size_t)prefix_len[rep->levels[i]])
		return NULL;
	return xstrndup(code, (size_t)prefix_len[rep->levels[i]]);
}

struct sch_reports *
report_load(const struct schema *s, sqlite3 *h, struct diags *d)
{
	size_t before = d->n;
	struct sch_reports *r = schema_yaml_load_reports(s, d);
	if (r == NULL)
		return NULL;
	{	/* names too, so that every mistake is listed at once */
		if (h != NULL)
			report_check(h, s, r, d);
		else
			report_check_schema(s, r, d);
	}
	if (d->n > before) {
		sch_reports_free(r);
		return NULL;
	}
	return r;
}

int
report_write_csv(FILE *f, const struct report_table *t, char sep,
    int with_totals, int with_head, char **err)
{
	const char **row = xcalloc(t->ncols + 1, sizeof *row);
	size_t i, c, off = t->level != RL_NONE ? 1 : 0;
	int rc = 0;

	if (with_head) {
		if (off)
			row[0] = _("Code");
		for (c = 0; c < t->ncols; c++)
			row[off + c] = t->heads[c];
		rc = csv_write_record(f, row, t->ncols + off, sep, CSV_LF, err);
	}
	for (i = 0; rc == 0 && i < t->nrows; i++) {
		if (off)
			row[0] = t->codes[i];
		for (c = 0; c < t->ncols; c++)
			row[off + c] = t->cells[i * t->ncols + c];
		rc = csv_write_record(f, row, t->ncols + off, sep, CSV_LF, err);
	}
	if (rc == 0 && with_totals && t->totals != NULL) {
		if (off)
			row[0] = "";
		for (c = 0; c < t->ncols; c++)
			row[off + c] = t->totals[c];
		rc = csv_write_record(f, row, t->ncols + off, sep, CSV_LF, err);
	}
	free(row);
	return rc;
}
