/*
 * test_report: reports.yaml. The loader's mistakes, each at its
 * file:line:col with a hint; the names and expressions checked against the
 * dictionary (unknown record, field, function, a table read, a field that
 * is not a region, a roster of another record, a level below the field);
 * the bundled reports checked clean against the bundled dictionary; and
 * reports run on a demo register: recap totals against SQL counts at every
 * level, list pages joined equal to the whole list, going up a level;
 * the data-quality reports (source: findings) with planted mistakes at
 * every level against validate_scan over each row's region, and the
 * mistakes of a findings report.
 */
#include "testutil.h"

#include "db.h"
#include "demo.h"
#include "expr.h"
#include "report.h"
#include "validate.h"

static const char dict[] =
    "dictionary: t\n"
    "languages: [id, en]\n"
    "regions: regions.csv\n"
    "records:\n"
    "  household:\n"
    "    fields:\n"
    "      - {name: village, type: region, level: district}\n"
    "      - {name: head, type: text}\n"
    "      - {name: poor, type: yesno}\n"
    "  member:\n"
    "    parent: household\n"
    "    fields:\n"
    "      - {name: name, type: text}\n"
    "      - {name: age, type: integer}\n"
    "  other:\n"
    "    fields:\n"
    "      - {name: x, type: integer}\n";

/* Load text as reports.yaml for dict; diagnostics in d. */
static struct sch_reports *
load(struct schema *s, const char *text, struct diags *d)
{
	struct sch_reports *r = schema_yaml_load_reports_string(s,
	    "reports.yaml", text, strlen(text), d);
	if (r != NULL)
		report_check_schema(s, r, d);
	return r;
}

static void
expect_mistake(const char *text, const char *sub, int line, int col)
{
	struct schema *s = tu_schema(dict);
	struct diags d = {0};
	struct sch_reports *r = load(s, text, &d);
	if (tu_diag_find(&d, sub) < 0) {
		tu_diags_dump(&d);
		fail_msg("no mistake saying '%s'", sub);
	}
	tu_assert_diag_at(&d, sub, line, col);
	assert_string_equal(tu_diag_get(&d, sub)->file, "reports.yaml");
	diags_free(&d);
	sch_reports_free(r);
	schema_free(s);
}

static void
test_loader_mistakes(void **state)
{
	(void)state;
	expect_mistake("reports:\n  a:\n    type: aggregate\n"
	    "    record: household\n    region: village\n    colour: red\n"
	    "    columns: [{name: n, count: \"1\"}]\n",
	    "unknown key 'colour' (known: type, title", 6, 5);
	expect_mistake("reports:\n  a:\n    type: pie\n    record: household\n"
	    "    columns: [{name: n, count: \"1\"}]\n",
	    "unknown report type 'pie' (known: aggregate, list)", 3, 11);
	expect_mistake("reports:\n  a:\n    type: aggregate\n"
	    "    record: household\n    region: village\n"
	    "    columns:\n      - {name: n}\n",
	    "exactly one of 'count: EXPR'", 7, 9);
	expect_mistake("reports:\n  a:\n    type: aggregate\n"
	    "    record: household\n    region: village\n"
	    "    columns:\n      - {name: n, count: \"1\", sum: \"1\"}\n",
	    "exactly one of", 7, 9);
	expect_mistake("reports:\n  a:\n    type: aggregate\n"
	    "    record: household\n    region: village\n"
	    "    columns:\n      - {name: n, any: \"age > 1\"}\n",
	    "give the roster as 'record:'", 7, 24);
	expect_mistake("reports:\n  a:\n    type: aggregate\n"
	    "    record: household\n    region: village\n"
	    "    levels: [district, regency]\n"
	    "    columns: [{name: n, count: \"1\"}]\n",
	    "levels go down", 6, 24);
	expect_mistake("reports:\n  a:\n    type: aggregate\n"
	    "    record: household\n    region: village\n"
	    "    levels: [county]\n"
	    "    columns: [{name: n, count: \"1\"}]\n",
	    "unknown region level 'county'", 6, 14);
	expect_mistake("reports:\n  a:\n    type: aggregate\n"
	    "    record: household\n"
	    "    columns: [{name: n, count: \"1\"}]\n",
	    "'region: FIELD' (a region field), 'by: EXPR', or both", 3, 5);
	expect_mistake("reports:\n  a:\n    type: aggregate\n"
	    "    record: household\n    region: village\n"
	    "    columns:\n      - {name: n, count: \"1\"}\n"
	    "      - {name: n, count: \"poor = 1\"}\n",
	    "column 'n' appears twice", 8, 9);
	expect_mistake("reports:\n  Bad-Name:\n    type: list\n"
	    "    record: household\n    columns: [head]\n",
	    "report name 'Bad-Name' is not an identifier", 2, 3);
	expect_mistake("reports:\n  a:\n    type: list\n"
	    "    record: household\n",
	    "needs 'columns:'", 3, 5);
	expect_mistake("reports:\n  a:\n    type: list\n    record: household\n"
	    "    columns: [head\n",
	    "YAML syntax", 6, 1);
	expect_mistake("reports:\n  a:\n    type: list\n    record: household\n"
	    "    filter: \"  \"\n    columns: [head]\n",
	    "filter is empty", 5, 13);
	expect_mistake("reports:\n  a:\n    type: aggregate\n"
	    "    source: sql\n    record: household\n    region: village\n"
	    "    columns: [{name: n, count: records}]\n",
	    "unknown source 'sql' (known: records, findings", 4, 13);
	expect_mistake("reports:\n  a:\n    type: aggregate\n"
	    "    source: findings\n    record: member\n"
	    "    by: rule\n    columns: [{name: n, count: records}]\n",
	    "findings are counted per top-level record", 3, 5);
	expect_mistake("reports:\n  a:\n    type: aggregate\n"
	    "    source: findings\n    record: household\n    region: village\n"
	    "    columns: [{name: n, count: \"poor = 1\"}]\n",
	    "columns are 'count: MEASURE'", 7, 15);
	expect_mistake("reports:\n  a:\n    type: aggregate\n"
	    "    source: findings\n    record: household\n    region: village\n"
	    "    columns: [{name: n, record: member, count: errors}]\n",
	    "columns are 'count: MEASURE'", 7, 15);
	expect_mistake("reports:\n  a:\n    type: aggregate\n"
	    "    source: findings\n    record: household\n    region: village\n"
	    "    by: head\n    columns: [{name: n, count: errors}]\n",
	    "grouped 'by' rule, record or field, not 'head'", 7, 9);
	expect_mistake("reports:\n  a:\n    type: aggregate\n"
	    "    source: findings\n    record: household\n    region: village\n"
	    "    filter: \"poor = 1\"\n    columns: [{name: n, count: errors}]\n",
	    "a findings report has no filter", 7, 13);
	expect_mistake("report:\n  a: {}\n",
	    "unknown key 'report' (known: reports)", 1, 1);
}

static void
test_check_names(void **state)
{
	(void)state;
	expect_mistake("reports:\n  a:\n    type: list\n    record: houshold\n"
	    "    columns: [head]\n",
	    "unknown record 'houshold' (known: household, member, other)", 3, 5);
	expect_mistake("reports:\n  a:\n    type: list\n    record: household\n"
	    "    filter: \"poorr = 1\"\n    columns: [head]\n",
	    "unknown field 'poorr' in the filter of report 'a'", 5, 13);
	expect_mistake("reports:\n  a:\n    type: list\n    record: member\n"
	    "    region: village\n"
	    "    columns: [name, household.hed]\n",
	    "unknown field 'household.hed'", 6, 21);
	expect_mistake("reports:\n  a:\n    type: list\n    record: member\n"
	    "    columns: [{name: n, expr: \"frob(age)\"}]\n",
	    "unknown function 'frob'", 5, 31);
	expect_mistake("reports:\n  a:\n    type: list\n    record: member\n"
	    "    columns: [{name: n, expr: \"(SELECT count(*) FROM other)\"}]\n",
	    "reads table 'other'", 5, 31);
	expect_mistake("reports:\n  a:\n    type: aggregate\n"
	    "    record: household\n    region: head\n"
	    "    columns: [{name: n, count: \"1\"}]\n",
	    "'head' is not a region field", 3, 5);
	expect_mistake("reports:\n  a:\n    type: aggregate\n"
	    "    record: household\n    region: village\n"
	    "    columns: [{name: n, record: other, count: \"1\"}]\n",
	    "'other' is not a roster of 'household'", 6, 15);
	expect_mistake("reports:\n  a:\n    type: aggregate\n"
	    "    record: household\n    region: village\n"
	    "    levels: [district, village]\n"
	    "    columns: [{name: n, count: \"1\"}]\n",
	    "level 'village' is below the field 'village'", 3, 5);
	expect_mistake("reports:\n  a:\n    type: aggregate\n"
	    "    record: household\n    region: village\n"
	    "    columns: [{name: n, record: member, count: \"poor = 1\"}]\n",
	    "unknown field 'poor' in report 'a' column 'n'", 6, 48);
}

static void
test_good_and_system_columns(void **state)
{
	struct schema *s = tu_schema(dict);
	struct diags d = {0};
	struct sch_reports *r;
	(void)state;
	r = load(s, "reports:\n  p:\n    type: aggregate\n"
	    "    record: household\n    region: village\n"
	    "    levels: [regency, district]\n"
	    "    by: \"date(created_at)\"\n"
	    "    columns:\n"
	    "      - {name: done, count: \"status = 'complete'\"}\n"
	    "      - {name: people, record: member, count: \"1\"}\n"
	    "      - {name: adults, record: member, sum: \"age >= 18\"}\n"
	    "      - {name: with_kids, record: member, any: \"age < 5\"}\n"
	    "  l:\n    type: list\n    record: member\n    region: village\n"
	    "    filter: \"age >= 60 AND household.poor = 1\"\n"
	    "    columns: [name, age, household.head, household.village]\n",
	    &d);
	tu_diags_dump(&d);
	assert_int_equal(d.n, 0);
	assert_int_equal(r->n, 2);
	assert_int_equal(r->v[0].nlevels, 2);
	assert_int_equal(r->v[0].cols[3].agg, SA_ANY);
	assert_string_equal(r->v[1].cols[2].name, "head");
	sch_reports_free(r);
	schema_free(s);
}

static void
test_bundled_reports(void **state)
{
	struct diags d = {0};
	struct schema *s = schema_yaml_load("schema", "forms", &d);
	struct sch_reports *r;
	(void)state;
	assert_non_null(s);
	r = report_load(s, NULL, &d);
	tu_diags_dump(&d);
	assert_non_null(r);
	assert_int_equal(d.n, 0);
	assert_non_null(sch_report_find(r, "recap"));
	assert_non_null(sch_report_find(r, "stunted_list"));
	assert_non_null(sch_report_find(r, "progress_daily"));
	assert_non_null(sch_report_find(r, "progress_operator"));
	assert_int_equal(sch_report_find(r, "quality")->source, SS_FINDINGS);
	assert_int_equal(sch_report_find(r, "quality_rules")->source,
	    SS_FINDINGS);
	assert_int_equal(sch_report_find(r, "recap")->source, SS_RECORDS);
	sch_reports_free(r);
	schema_free(s);
}

/* ---- running, on a demo register ------------------------------------- */

struct fx {
	char *dir;
	struct schema *s;
	struct db *db;
	struct expr_set *x;
	struct sch_reports *r;
};

static int
setup(void **state)
{
	struct fx *f = xcalloc(1, sizeof *f);
	struct diags d = {0};
	struct demo_opts o;
	struct demo_result res;
	char *path, *err = NULL;

	setenv("KESRA_TODAY", "2025-06-15", 1);
	f->dir = tu_mkdtemp();
	path = tu_path(f->dir, "r.db");
	f->s = schema_yaml_load("schema", "forms", &d);
	assert_non_null(f->s);
	if (db_open(&f->db, path, f->s, DB_OPEN_CREATE, &err) != 0 ||
	    db_migrate(f->db, 0, NULL, &err) != 0 ||
	    expr_register_functions(db_sqlite(f->db), &err) != 0)
		fail_msg("%s", err);
	f->x = expr_compile(db_sqlite(f->db), f->s, &d);
	assert_non_null(f->x);
	memset(&o, 0, sizeof o);
	o.households = 120;
	o.seed = 3;
	if (demo_run(f->db, f->x, &o, &res, &err) != 0)
		fail_msg("demo: %s", err);
	f->r = report_load(f->s, db_sqlite(f->db), &d);
	tu_diags_dump(&d);
	assert_non_null(f->r);
	diags_free(&d);
	free(path);
	*state = f;
	return 0;
}

static int
teardown(void **state)
{
	struct fx *f = *state;
	sch_reports_free(f->r);
	expr_free(f->x);
	db_close(f->db);
	schema_free(f->s);
	tu_rmtree(f->dir);
	free(f->dir);
	free(f);
	unsetenv("KESRA_TODAY");
	return 0;
}

static struct report_table *
runq(struct fx *f, const char *name, const char *region, int limit,
    const struct report_key *after)
{
	struct report_query q;
	struct report_table *t = NULL;
	char *err = NULL;
	memset(&q, 0, sizeof q);
	q.region = region;
	q.limit = limit;
	q.after = after;
	if (report_run(f->db, sch_report_find(f->r, name), &q, &t, &err) != 0)
		fail_msg("%s: %s", name, err);
	return t;
}

static int
col_of(const struct report_table *t, const char *head)
{
	size_t c;
	for (c = 0; c < t->ncols; c++)
		if (strcmp(t->heads[c], head) == 0)
			return (int)c;
	fail_msg("no column '%s'", head);
	return -1;
}

/* The recap at a region against SQL counts, row by row and in total. */
static void
check_recap(struct fx *f, const char *region, int len)
{
	struct report_table *t = runq(f, "recap", region, 0, NULL);
	sqlite3 *h = db_sqlite(f->db);
	int ch = col_of(t, "Keluarga"), cp = col_of(t, "Jiwa");
	int cs = col_of(t, "Balita stunting");
	long th = 0;
	size_t i;
	char *sql;

	assert_true(t->nrows > 0);
	for (i = 0; i < t->nrows; i++) {
		assert_int_equal((int)strlen(t->codes[i]), len);
		sql = xasprintf("SELECT count(*) FROM household WHERE "
		    "deleted_at IS NULL AND village LIKE '%s%%'", t->codes[i]);
		assert_int_equal(atol(t->cells[i * t->ncols + ch]),
		    tu_sql_int(h, sql));
		th += atol(t->cells[i * t->ncols + ch]);
		free(sql);
		sql = xasprintf("SELECT count(*) FROM member m JOIN household "
		    "h ON h.id = m.parent_id WHERE m.deleted_at IS NULL AND "
		    "h.deleted_at IS NULL AND h.village LIKE '%s%%'",
		    t->codes[i]);
		assert_int_equal(atol(t->cells[i * t->ncols + cp]),
		    tu_sql_int(h, sql));
		free(sql);
		sql = xasprintf("SELECT count(*) FROM member m JOIN household "
		    "h ON h.id = m.parent_id WHERE m.stunted = 1 AND "
		    "h.village LIKE '%s%%'", t->codes[i]);
		assert_int_equal(atol(t->cells[i * t->ncols + cs]),
		    tu_sql_int(h, sql));
		free(sql);
	}
	sql = xasprintf("SELECT count(*) FROM household WHERE village LIKE "
	    "'%s%%'", region != NULL ? region : "");
	assert_int_equal(th, tu_sql_int(h, sql));
	assert_int_equal(atol(t->totals[ch]), th);
	free(sql);
	report_table_free(t);
}

static void
test_recap_levels(void **state)
{
	struct fx *f = *state;
	sqlite3 *h = db_sqlite(f->db);
	char *reg = tu_sql_text(h, "SELECT substr(village, 1, 5) FROM "
	    "household GROUP BY 1 ORDER BY count(*) DESC LIMIT 1");
	char *dis = tu_sql_text(h, "SELECT substr(village, 1, 8) FROM "
	    "household GROUP BY 1 ORDER BY count(*) DESC LIMIT 1");
	char *up;

	check_recap(f, NULL, 2);
	check_recap(f, "96", 5);
	check_recap(f, reg, 8);
	check_recap(f, dis, 13);
	up = report_region_up(sch_report_find(f->r, "recap"), dis);
	assert_string_equal(up, reg);
	free(up);
	up = report_region_up(sch_report_find(f->r, "recap"), "96");
	assert_null(up);
	free(reg);
	free(dis);
}

static void
test_list_pages(void **state)
{
	struct fx *f = *state;
	struct report_table *all = runq(f, "elderly_list", NULL, 0, NULL);
	struct report_key k = {NULL, 0, 0};
	size_t seen = 0, pages = 0;

	assert_true(all->nrows > 14);
	assert_int_equal((long)all->nrows, tu_sql_int(db_sqlite(f->db),
	    "SELECT count(*) FROM member WHERE elderly = 1"));
	for (;;) {
		struct report_table *t = runq(f, "elderly_list", NULL, 7,
		    pages > 0 ? &k : NULL);
		size_t i;
		assert_true(t->nrows <= 7);
		for (i = 0; i < t->nrows; i++, seen++)
			assert_int_equal(t->keys[i].id, all->keys[seen].id);
		pages++;
		free(k.region);
		k = t->keys[t->nrows - 1];
		k.region = xstrdup(k.region);
		if (!t->more) {
			report_table_free(t);
			break;
		}
		report_table_free(t);
	}
	free(k.region);
	assert_int_equal(seen, all->nrows);
	assert_int_equal(pages, (all->nrows + 6) / 7);
	report_table_free(all);
}

static void
test_run_errors(void **state)
{
	struct fx *f = *state;
	struct report_query q;
	struct report_table *t = NULL;
	char *err = NULL;

	memset(&q, 0, sizeof q);
	q.region = "99.99";
	assert_int_equal(report_run(f->db, sch_report_find(f->r, "recap"), &q,
	    &t, &err), -1);
	assert_contains(err, "99.99");
	free(err);
	err = NULL;
	q.region = "96";
	assert_int_equal(report_run(f->db, sch_report_find(f->r,
	    "progress_operator"), &q, &t, &err), -1);
	assert_contains(err, "no region");
	free(err);
	assert_null(t);
}

/* Progress: first called after half a second; non-zero stops the report. */
struct pcount {
	int calls;
	double first;
};

static int
stop_it(void *ctx, double secs)
{
	struct pcount *p = ctx;
	if (p->calls++ == 0)
		p->first = secs;
	return 1;
}

static void
test_progress_interrupts(void **state)
{
	struct fx *f = *state;
	struct diags d = {0};
	struct sch_reports *rs;
	struct report_query q;
	struct report_table *t = NULL;
	struct pcount pc = {0, 0};
	char *err = NULL;
	/* some 400 kB of text per person: a second or so for the register */
	static const char slow[] = "reports:\n  slow:\n    type: aggregate\n"
	    "    record: household\n    region: village\n"
	    "    columns:\n      - {name: n, record: member, sum: "
	    "\"length(replace(replace(printf('%.*c', 100000 + id % 2, 'x'), 'x', 'yy'), 'y', 'zz'))\"}\n";

	rs = schema_yaml_load_reports_string(f->s, "slow.yaml", slow,
	    strlen(slow), &d);
	assert_non_null(rs);
	assert_int_equal(report_check(db_sqlite(f->db), f->s, rs, &d), 0);
	memset(&q, 0, sizeof q);
	q.progress = stop_it;
	q.progress_ctx = &pc;
	assert_int_equal(report_run(f->db, &rs->v[0], &q, &t, &err), -1);
	assert_null(t);
	assert_int_equal(pc.calls, 1);
	assert_true(pc.first >= 0.5);
	assert_contains(err, "interrupted");
	free(err);
	sch_reports_free(rs);
	diags_free(&d);
}

/* ---- data quality: the findings reports ----------------------------- */

/* What validate_scan finds in a region (for one rule, or all). */
struct qcount {
	const char *rule;
	int have, cur_err, cur_any;
	long records, with_err, err, warn, acc;
};

static void
qc_flush(struct qcount *c)
{
	if (c->have) {
		c->records += c->rule == NULL || c->cur_any;
		c->with_err += c->cur_err;
	}
	c->have = c->cur_err = c->cur_any = 0;
}

static void
qc_record(void *ctx, const struct record *top)
{
	struct qcount *c = ctx;
	(void)top;
	qc_flush(c);
	c->have = 1;
}

static void
qc_finding(void *ctx, const struct record *top, const struct record *r,
    const struct finding *f)
{
	struct qcount *c = ctx;
	(void)top;
	(void)r;
	if (c->rule != NULL && strcmp(c->rule, f->rule) != 0)
		return;
	c->cur_any = 1;
	if (f->accepted)
		c->acc++;
	else if (f->severity == SEV_ERROR) {
		c->err++;
		c->cur_err = 1;
	} else
		c->warn++;
}

static void
qc_scan(struct fx *f, const char *region, const char *rule,
    struct qcount *c)
{
	struct validate_ctx vc = {f->x, f->db, 0};
	struct validate_scan o = {0};
	char *err = NULL;
	memset(c, 0, sizeof *c);
	c->rule = rule;
	o.region = region;
	o.fn = qc_finding;
	o.record = qc_record;
	if (validate_scan(&vc, &o, c, &err) < 0)
		fail_msg("validate_scan: %s", err);
	qc_flush(c);
}

static void
qc_assert_row(char *const *cells, size_t first, const struct qcount *c)
{
	assert_int_equal(atol(cells[first]), c->records);
	assert_int_equal(atol(cells[first + 1]), c->with_err);
	assert_int_equal(atol(cells[first + 2]), c->err);
	assert_int_equal(atol(cells[first + 3]), c->warn);
	assert_int_equal(atol(cells[first + 4]), c->acc);
}

/* Both quality reports at region: each row against validate_scan over
 * its region (and rule), the totals over the whole region. */
static void
check_quality(struct fx *f, const char *region, int len, int pass_x)
{
	struct report_query q;
	struct report_table *t = NULL, *tr = NULL;
	struct qcount c;
	char *err = NULL;
	long nerr = 0;
	size_t i;

	memset(&q, 0, sizeof q);
	q.region = region;
	q.x = pass_x ? f->x : NULL;
	if (report_run(f->db, sch_report_find(f->r, "quality"), &q, &t,
	    &err) != 0 || report_run(f->db, sch_report_find(f->r,
	    "quality_rules"), &q, &tr, &err) != 0)
		fail_msg("%s", err);
	assert_int_equal(t->ncols, 6);
	assert_int_equal(tr->ncols, 7);
	assert_true(t->nrows > 0);
	for (i = 0; i < t->nrows; i++) {
		assert_int_equal((int)strlen(t->codes[i]), len);
		qc_scan(f, t->codes[i], NULL, &c);
		assert_true(c.records > 0);
		qc_assert_row(&t->cells[i * t->ncols], 1, &c);
		nerr += c.err;
	}
	qc_scan(f, region, NULL, &c);
	qc_assert_row(t->totals, 1, &c);
	assert_int_equal(nerr, c.err);
	for (i = 0; i < tr->nrows; i++) {
		struct qcount cr;
		qc_scan(f, tr->codes[i], tr->cells[i * tr->ncols + 1], &cr);
		assert_true(cr.records > 0);
		qc_assert_row(&tr->cells[i * tr->ncols], 2, &cr);
	}
	/* totals by rule: records with any finding, all the findings */
	{
		struct qcount ca;
		qc_scan(f, region, NULL, &ca);
		assert_int_equal(atol(tr->totals[3]), ca.with_err);
		assert_int_equal(atol(tr->totals[4]), ca.err);
		assert_int_equal(atol(tr->totals[5]), ca.warn);
	}
	report_table_free(t);
	report_table_free(tr);
}

static void
test_quality_levels(void **state)
{
	struct fx *f = *state;
	sqlite3 *h = db_sqlite(f->db);
	char *reg, *dis, *vil;
	struct report_table *t;

	/* mistakes past kesra: two bad KK numbers, two bad NIKs, a birth
	 * date in the future (errors, each with a warning) */
	tu_sql_exec(h, "UPDATE household SET kk_number = '123' WHERE id = 3;"
	    "UPDATE household SET kk_number = '124' WHERE id = 70;"
	    "UPDATE member SET nik = '12' WHERE id = 5;"
	    "UPDATE member SET nik = '13' WHERE id = 300;"
	    "UPDATE member SET birth_date = '2030-01-01' WHERE id = 400");
	reg = tu_sql_text(h, "SELECT substr(village, 1, 5) FROM household "
	    "WHERE id = 3");
	dis = tu_sql_text(h, "SELECT substr(village, 1, 8) FROM household "
	    "WHERE id = 3");
	vil = tu_sql_text(h, "SELECT village FROM household WHERE id = 3");
	t = runq(f, "quality", NULL, 0, NULL);
	assert_int_equal(atol(t->totals[1]), 120);
	assert_true(atol(t->totals[3]) >= 5); /* at least the planted */
	assert_true(t->drill);
	report_table_free(t);
	check_quality(f, NULL, 5, 0);
	check_quality(f, "96", 5, 1);
	check_quality(f, reg, 8, 1);
	check_quality(f, dis, 13, 0);
	check_quality(f, vil, 13, 1);
	t = runq(f, "quality", dis, 0, NULL);
	assert_false(t->drill);
	report_table_free(t);
	free(reg);
	free(dis);
	free(vil);
}

int
main(void)
{
#define T(fn) cmocka_unit_test_setup_teardown(fn, setup, teardown)
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_loader_mistakes),
		cmocka_unit_test(test_check_names),
		cmocka_unit_test(test_good_and_system_columns),
		cmocka_unit_test(test_bundled_reports),
		T(test_recap_levels),
		T(test_list_pages),
		T(test_run_errors),
		T(test_progress_interrupts),
		T(test_quality_levels),
	};
#undef T
	return cmocka_run_group_tests(tests, NULL, NULL);
}
