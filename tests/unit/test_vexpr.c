/*
 * test_vexpr: vbatch's C evaluator of dictionary expressions (vexpr)
 * against SQLite itself. For every rule, relevant, required and
 * constraint expression of the DTSEN dictionary and the test dictionaries
 * (and a list of extra expressions for the constructs they do not use),
 * thousands of random rows (each field's value set, boundaries, NULL,
 * wrong types: text in an integer field, decimals, negative, huge, '',
 * NIKs good and bad) are evaluated by SQLite (`SELECT (E) FROM (SELECT ?1
 * AS f1, ...) AS record`, as expr.c compiles it, with the row bound) and
 * by vexpr: whenever vexpr decides, its value must be SQLite's, of the
 * same storage class. How often it decides is counted: almost always on
 * rows of valid types. And what must not compile does not.
 */
#include "testutil.h"

#include <math.h>
#include <sqlite3.h>
#include <stdint.h>

#include "expr.h"
#include "schema.h"
#include "schema_yaml.h"
#include "vexpr.h"

#define ROWS 2500

/* The slots: the record's stored fields, then its parent's. */
struct slots {
	const struct sch_record *r, *p;
	const struct sch_field *f[512];
	size_t n, nr;
};

static int
resolve(void *arg, const char *qual, const char *name)
{
	struct slots *s = arg;
	size_t i;
	int k;

	for (k = 0; k < 2; k++) {
		const struct sch_record *rec = k == 0 ? s->r : s->p;
		size_t lo = k == 0 ? 0 : s->nr, hi = k == 0 ? s->nr : s->n;
		int seen = 0;
		if (rec == NULL || (qual != NULL && strcasecmp(qual,
		    rec->name) != 0))
			continue;
		for (i = lo; i < hi; i++)
			if (strcasecmp(s->f[i]->name, name) == 0)
				return i < VX_MAX_SLOTS ? (int)i : -1;
		for (i = 0; i < rec->nfields; i++)
			if (strcasecmp(rec->fields[i].name, name) == 0)
				seen = 1;
		if (seen || qual != NULL)
			return -1;
	}
	return -1;
}

/* As resolve, the parent's slots flagged (roster rules). */
static int
resolve_roster(void *arg, const char *qual, const char *name)
{
	struct slots *s = arg;
	int k = resolve(arg, qual, name);
	if (k >= 0 && (size_t)k >= s->nr)
		k |= VX_PARENT_SLOT;
	return k;
}

static uint64_t rng = 88172645463325252ULL;

static uint64_t
rnd(void)
{
	rng ^= rng << 13;
	rng ^= rng >> 7;
	rng ^= rng << 17;
	return rng;
}

static int
pick(int n)
{
	return (int)(rnd() % (uint64_t)n);
}

static void
bind_text(sqlite3_stmt *st, int i, const char *s)
{
	sqlite3_bind_text(st, i, s, -1, SQLITE_TRANSIENT);
}

/* A NIK: district from a small set, a birth date (+40 for women),
 * a serial; sometimes broken. */
static void
make_nik(char *buf, size_t n)
{
	static const char *const dist[] = {"110101", "320405", "920101",
	    "999999", "110102"};
	int d = 1 + pick(31), m = 1 + pick(12), y = pick(100);
	snprintf(buf, n, "%s%02d%02d%02d%04d", dist[pick(5)], d + 40 *
	    pick(2), m, y, pick(3) == 0 ? 0 : 1 + pick(9999));
	switch (pick(12)) {
	case 0:
		buf[15] = '\0'; /* 15 digits */
		break;
	case 1:
		buf[3] = 'x';
		break;
	case 2:
		memcpy(buf + 6, "290223", 6); /* 29 February 2023 */
		break;
	default:
		break;
	}
}

static void
make_date(char *buf, size_t n)
{
	static const char *const odd[] = {"2026-11-28", "2026-11-29",
	    "2099-01-01", "2020-02-29", "2021-02-29", "2020-13-01", "",
	    "1900-01-01", "2026-11-27 10:00", "28/11/2026"};
	if (pick(4) == 0) {
		snprintf(buf, n, "%s", odd[pick(10)]);
		return;
	}
	snprintf(buf, n, "%04d-%02d-%02d", 1920 + pick(110), 1 + pick(12),
	    1 + pick(28));
}

/* A value of the field's own type, now and then a boundary. */
static void
bind_valid(sqlite3_stmt *st, int i, const struct sch_field *f)
{
	char buf[64];

	switch (f->type) {
	case FT_INTEGER: {
		long long lo = f->has_min ? (long long)f->min : -5;
		long long hi = f->has_max ? (long long)f->max : 150;
		if (hi - lo > 200)
			hi = lo + 200;
		sqlite3_bind_int64(st, i, lo - 2 + pick((int)(hi - lo + 5)));
		return;
	}
	case FT_YESNO:
		sqlite3_bind_int(st, i, pick(10) == 0 ? 2 : pick(2));
		return;
	case FT_SELECT_ONE:
		if (f->vs != NULL && f->vs->nchoices > 0) {
			const char *c = f->vs->choices[pick((int)
			    f->vs->nchoices)].code;
			if (f->vs->numeric)
				sqlite3_bind_int64(st, i, strtoll(c, NULL, 10) +
				    (pick(10) == 0 ? 1 : 0));
			else
				bind_text(st, i, c);
			return;
		}
		sqlite3_bind_int(st, i, pick(10));
		return;
	case FT_SELECT_MULTIPLE: {
		size_t k, n = f->vs != NULL ? f->vs->nchoices : 0;
		struct sbuf b = {0};
		if (pick(6) == 0)
			sbuf_add(&b, " ");
		for (k = 0; k < n; k++)
			if (pick(4) == 0) {
				if (b.len > 0 && b.s[b.len - 1] != ' ')
					sbuf_add(&b, " ");
				sbuf_add(&b, f->vs->choices[k].code);
			}
		if (pick(6) == 0)
			sbuf_add(&b, " ");
		bind_text(st, i, b.s != NULL ? b.s : "0");
		sbuf_free(&b);
		return;
	}
	case FT_DATE:
		make_date(buf, sizeof buf);
		bind_text(st, i, buf);
		return;
	case FT_NIK:
	case FT_KK:
		make_nik(buf, sizeof buf);
		bind_text(st, i, buf);
		return;
	case FT_DECIMAL:
		sqlite3_bind_double(st, i, (double)pick(4000) / 10.0 - 20.0);
		return;
	case FT_CALCULATE:
		if (pick(3) == 0)
			sqlite3_bind_double(st, i, (double)pick(100) / 8.0 -
			    4.0);
		else
			sqlite3_bind_int(st, i, pick(3));
		return;
	default: {
		static const char *const t[] = {"Siti Aminah", "BUDI",
		    " Budi ", "budi", "A", "0", "1", "32.04", "11.01.01.2001"};
		bind_text(st, i, t[pick(9)]);
		return;
	}
	}
}

/* Something of another type or at the edges. */
static void
bind_odd(sqlite3_stmt *st, int i)
{
	static const char *const t[] = {"", "abc", "1", " 1", "1.5", "2",
	    "01", "0", "2026-11-28", "  ", "1e3", "-1", "x y"};
	switch (pick(9)) {
	case 0:
		bind_text(st, i, t[pick(13)]);
		return;
	case 1:
		sqlite3_bind_double(st, i, (double)pick(40) / 4.0 - 2.0);
		return;
	case 2:
		sqlite3_bind_int64(st, i, pick(2) ? INT64_MAX : INT64_MIN);
		return;
	case 3:
		sqlite3_bind_double(st, i, pick(2) ? 1e300 : -1e300);
		return;
	case 4:
		sqlite3_bind_int64(st, i, -pick(1000));
		return;
	case 5:
		sqlite3_bind_blob(st, i, "ab", 2, SQLITE_STATIC);
		return;
	case 6:
		sqlite3_bind_text(st, i, "1\0002", 3, SQLITE_STATIC);
		return;
	default:
		sqlite3_bind_int64(st, i, pick(100000));
		return;
	}
}

struct counts {
	long evals, decided, valid, valid_decided, exprs, compiled,
	    not_compiled, truths;
};

/* SQLite's answer and vexpr's agree (vexpr deciding). */
static int
same(sqlite3_stmt *st, const struct vx_value *v)
{
	switch (sqlite3_column_type(st, 0)) {
	case SQLITE_NULL:
		return v->t == VX_NULL;
	case SQLITE_INTEGER:
		return v->t == VX_INT && v->i == sqlite3_column_int64(st, 0);
	case SQLITE_FLOAT:
		return v->t == VX_REAL && v->r == sqlite3_column_double(st, 0);
	case SQLITE_TEXT:
		return v->t == VX_TEXT && v->n == (size_t)sqlite3_column_bytes(
		    st, 0) && memcmp(v->s, sqlite3_column_text(st, 0),
		    v->n) == 0;
	default:
		return 0;
	}
}

/* SQLite's answer as a condition and vexpr's truth t (not VX_T_UNK)
 * agree: NULL, or a number's truth (a text: vexpr must not decide). */
static int
truth_same(sqlite3_stmt *st, int t)
{
	switch (sqlite3_column_type(st, 0)) {
	case SQLITE_NULL:
		return t == VX_T_NULL;
	case SQLITE_INTEGER:
		return t == (sqlite3_column_int64(st, 0) != 0);
	case SQLITE_FLOAT:
		return t == (sqlite3_column_double(st, 0) != 0.0);
	default:
		return 0;
	}
}

static int
district(void *arg, const char *code, int *known)
{
	sqlite3 *h = arg;
	sqlite3_stmt *st;
	int rc;

	if (code == NULL)
		return 0;
	if (sqlite3_prepare_v2(h, "SELECT 1 FROM kesra_region WHERE code = "
	    "?1 AND level = 3", -1, &st, NULL) != SQLITE_OK)
		return -1;
	sqlite3_bind_text(st, 1, code, -1, SQLITE_STATIC);
	rc = sqlite3_step(st);
	sqlite3_finalize(st);
	*known = rc == SQLITE_ROW;
	return 0;
}

static sqlite3 *
open_db(void)
{
	sqlite3 *h;
	char *err = NULL;

	assert_int_equal(sqlite3_open(":memory:", &h), SQLITE_OK);
	if (expr_register_functions(h, &err) != 0)
		fail_msg("%s", err);
	tu_sql_exec(h, "CREATE TABLE kesra_region (code TEXT PRIMARY KEY, "
	    "level INTEGER, retired INTEGER);"
	    "INSERT INTO kesra_region VALUES ('11.01.01', 3, 0), "
	    "('32.04.05', 3, 1), ('92.01.01', 3, 0), ('11.01', 2, 0);");
	return h;
}

/*
 * Every expression texts[k] over record r (parent p): compiled by vexpr
 * (must_compile: or fail), then ROWS random rows through both.
 */
static void
differ(sqlite3 *h, const struct sch_record *r, const struct sch_record *p,
    const char *const *texts, size_t ntexts, int must_compile,
    struct counts *c)
{
	struct slots sl = {0};
	struct sbuf from = {0};
	sqlite3_stmt **st;
	struct vexpr **x;
	struct vexpr_env env = {0};
	size_t i, k;
	long row;
	int param = 1;

	sl.r = r;
	sl.p = p;
	for (k = 0; k < 2; k++) {
		const struct sch_record *rec = k == 0 ? r : p;
		if (rec == NULL)
			continue;
		sbuf_add(&from, k == 0 ? " FROM (SELECT " : ", (SELECT ");
		for (i = 0; i < rec->nfields; i++) {
			if (!schema_field_stored(&rec->fields[i]))
				continue;
			sbuf_addf(&from, "%s?%d AS ", param > 1 &&
			    from.s[from.len - 1] != ' ' ? ", " : "", param);
			sbuf_add_ident(&from, rec->fields[i].name);
			sl.f[sl.n++] = &rec->fields[i];
			param++;
		}
		if (k == 0)
			sl.nr = sl.n;
		sbuf_add(&from, ") AS ");
		sbuf_add_ident(&from, rec->name);
	}
	st = xcalloc(ntexts, sizeof *st);
	x = xcalloc(ntexts, sizeof *x);
	for (k = 0; k < ntexts; k++) {
		char *sql = xasprintf("SELECT (%s)%s", texts[k], from.s);
		if (sqlite3_prepare_v2(h, sql, -1, &st[k], NULL) != SQLITE_OK)
			fail_msg("%s: %s", sql, sqlite3_errmsg(h));
		free(sql);
		x[k] = vexpr_compile(texts[k], resolve, &sl);
		c->exprs++;
		if (x[k] == NULL) {
			c->not_compiled++;
			if (must_compile)
				fail_msg("%s: not compiled", texts[k]);
			print_message("# not compiled: %s\n", texts[k]);
		} else
			c->compiled++;
	}
	env.district = district;
	env.arg = h;
	vexpr_env_today(&env);
	for (row = 0; row < ROWS; row++) {
		sqlite3_stmt *vals;
		sqlite3_value *v[512];
		struct sbuf q = {0};
		int odd = 0;
		sbuf_add(&q, "SELECT ");
		for (i = 0; i < sl.n; i++)
			sbuf_addf(&q, "%s?%zu", i ? ", " : "", i + 1);
		assert_int_equal(sqlite3_prepare_v2(h, q.s, -1, &vals, NULL),
		    SQLITE_OK);
		sbuf_free(&q);
		for (i = 0; i < sl.n; i++) {
			int what = pick(100);
			if (what < 10)
				; /* NULL */
			else if (what < 22 && row % 2 == 1) {
				bind_odd(vals, (int)i + 1);
				odd = 1;
			} else
				bind_valid(vals, (int)i + 1, sl.f[i]);
		}
		assert_int_equal(sqlite3_step(vals), SQLITE_ROW);
		for (i = 0; i < sl.n; i++)
			v[i] = sqlite3_value_dup(sqlite3_column_value(vals,
			    (int)i));
		vexpr_env_row(&env, v); /* its values read when needed */
		for (k = 0; k < ntexts; k++) {
			struct vx_value got;
			int rc, t;
			if (x[k] == NULL)
				continue;
			for (i = 0; i < sl.n; i++)
				sqlite3_bind_value(st[k], (int)i + 1, v[i]);
			rc = sqlite3_step(st[k]);
			/* the truth first on odd rows: the values read by it */
			t = row % 2 ? vexpr_truth(x[k], &env) : VX_T_UNK;
			vexpr_eval(x[k], &env, &got);
			if (row % 2 == 0)
				t = vexpr_truth(x[k], &env);
			if (t != VX_T_UNK) {
				c->truths++;
				if (rc != SQLITE_ROW || !truth_same(st[k], t))
					fail_msg("%s: SQLite %s (type %d), vexpr "
					    "truth %d (row %ld)", texts[k],
					    rc == SQLITE_ROW ? (const char *)
					    sqlite3_column_text(st[k], 0) :
					    "failed", rc == SQLITE_ROW ?
					    sqlite3_column_type(st[k], 0) : -1,
					    t, row);
			}
			c->evals++;
			if (!odd)
				c->valid++;
			if (rc == SQLITE_ROW && got.t != VX_UNK) {
				c->decided++;
				if (!odd)
					c->valid_decided++;
				if (!same(st[k], &got)) {
					struct sbuf b = {0};
					for (i = 0; i < sl.n; i++) {
						char *e = sqlite3_mprintf(
						    " %s=%Q(%d)", sl.f[i]->name,
						    sqlite3_value_text(v[i]),
						    sqlite3_value_type(v[i]));
						sbuf_add(&b, e);
						sqlite3_free(e);
					}
					fail_msg("%s: SQLite %s (type %d), vexpr "
					    "type %d i %lld r %g;%s", texts[k],
					    sqlite3_column_text(st[k], 0),
					    sqlite3_column_type(st[k], 0), got.t,
					    (long long)got.i, got.r, b.s);
				}
			} else if (rc != SQLITE_ROW && got.t != VX_UNK)
				fail_msg("%s: SQLite failed (%s), vexpr decided",
				    texts[k], sqlite3_errmsg(h));
			sqlite3_reset(st[k]);
		}
		for (i = 0; i < sl.n; i++)
			sqlite3_value_free(v[i]);
		sqlite3_finalize(vals);
	}
	for (k = 0; k < ntexts; k++) {
		sqlite3_finalize(st[k]);
		vexpr_free(x[k]);
	}
	free(st);
	free(x);
	sbuf_free(&from);
}

/*
 * The roster rules of r (parent p): groups of 1-8 random rows in a table
 * of untyped columns, `SELECT (E) FROM rows AS r, (SELECT ?1 AS ...) AS
 * p` against vexpr's aggregates over the same rows.
 */
static void
differ_roster(sqlite3 *h, const struct sch_record *r,
    const struct sch_record *p, const char *const *texts, size_t ntexts,
    int must_compile, struct counts *c)
{
	struct slots sl = {0};
	struct sbuf ddl = {0}, ins = {0}, pf = {0};
	sqlite3_stmt **st, *add, *all;
	struct vexpr **x;
	struct vexpr_env env = {0};
	size_t i, k;
	long grp;

	sl.r = r;
	sl.p = p;
	sbuf_add(&ddl, "DROP TABLE IF EXISTS temp.vx_rows; CREATE TEMP TABLE "
	    "vx_rows (");
	sbuf_add(&ins, "INSERT INTO vx_rows VALUES (");
	for (i = 0; i < r->nfields; i++) {
		if (!schema_field_stored(&r->fields[i]))
			continue;
		sbuf_add(&ddl, sl.n ? ", " : "");
		sbuf_add_ident(&ddl, r->fields[i].name);
		sbuf_addf(&ins, "%s?%zu", sl.n ? ", " : "", sl.n + 1);
		sl.f[sl.n++] = &r->fields[i];
	}
	sl.nr = sl.n;
	sbuf_add(&ddl, ")");
	sbuf_add(&ins, ")");
	tu_sql_exec(h, ddl.s);
	sbuf_add(&pf, " FROM vx_rows AS ");
	sbuf_add_ident(&pf, r->name);
	sbuf_add(&pf, ", (SELECT ");
	for (i = 0; i < p->nfields; i++) {
		if (!schema_field_stored(&p->fields[i]))
			continue;
		sbuf_addf(&pf, "%s?%zu AS ", sl.n > sl.nr ? ", " : "",
		    sl.n - sl.nr + 1);
		sbuf_add_ident(&pf, p->fields[i].name);
		sl.f[sl.n++] = &p->fields[i];
	}
	sbuf_add(&pf, ") AS ");
	sbuf_add_ident(&pf, p->name);
	assert_int_equal(sqlite3_prepare_v2(h, ins.s, -1, &add, NULL),
	    SQLITE_OK);
	assert_int_equal(sqlite3_prepare_v2(h, "SELECT * FROM vx_rows", -1,
	    &all, NULL), SQLITE_OK);
	st = xcalloc(ntexts, sizeof *st);
	x = xcalloc(ntexts, sizeof *x);
	for (k = 0; k < ntexts; k++) {
		char *sql = xasprintf("SELECT (%s)%s", texts[k], pf.s);
		if (sqlite3_prepare_v2(h, sql, -1, &st[k], NULL) != SQLITE_OK)
			fail_msg("%s: %s", sql, sqlite3_errmsg(h));
		free(sql);
		x[k] = vexpr_compile_roster(texts[k], resolve_roster, &sl);
		c->exprs++;
		if (x[k] == NULL) {
			c->not_compiled++;
			if (must_compile)
				fail_msg("%s: not compiled", texts[k]);
			print_message("# not compiled: %s\n", texts[k]);
		} else
			c->compiled++;
	}
	env.district = district;
	env.arg = h;
	vexpr_env_today(&env);
	for (grp = 0; grp < ROWS / 2; grp++) {
		sqlite3_value *v[512];
		sqlite3_stmt *pv;
		struct sbuf q = {0};
		int nrows = 1 + pick(8), odd = 0, j;
		struct vx_agg *ag[64];
		tu_sql_exec(h, "DELETE FROM vx_rows");
		for (j = 0; j < nrows; j++) {
			for (i = 0; i < sl.nr; i++) {
				int what = pick(100);
				if (what < 10)
					sqlite3_bind_null(add, (int)i + 1);
				else if (what < 16 && grp % 2 == 1) {
					bind_odd(add, (int)i + 1);
					odd = 1;
				} else
					bind_valid(add, (int)i + 1, sl.f[i]);
			}
			assert_int_equal(sqlite3_step(add), SQLITE_DONE);
			sqlite3_reset(add);
		}
		/* the parent's values */
		sbuf_add(&q, "SELECT ");
		for (i = sl.nr; i < sl.n; i++)
			sbuf_addf(&q, "%s?%zu", i > sl.nr ? ", " : "",
			    i - sl.nr + 1);
		assert_int_equal(sqlite3_prepare_v2(h, q.s, -1, &pv, NULL),
		    SQLITE_OK);
		sbuf_free(&q);
		for (i = sl.nr; i < sl.n; i++)
			if (pick(10) > 0)
				bind_valid(pv, (int)(i - sl.nr + 1), sl.f[i]);
		assert_int_equal(sqlite3_step(pv), SQLITE_ROW);
		for (i = sl.nr; i < sl.n; i++)
			v[i] = sqlite3_value_dup(sqlite3_column_value(pv,
			    (int)(i - sl.nr)));
		sqlite3_finalize(pv);
		for (k = 0; k < ntexts && k < 64; k++)
			ag[k] = x[k] != NULL ? xcalloc(vexpr_naggs(x[k]) + 1,
			    sizeof *ag[k]) : NULL;
		while (sqlite3_step(all) == SQLITE_ROW) {
			for (i = 0; i < sl.nr; i++)
				v[i] = sqlite3_value_dup(sqlite3_column_value(
				    all, (int)i));
			vexpr_env_row(&env, v);
			for (k = 0; k < ntexts && k < 64; k++)
				if (x[k] != NULL)
					vexpr_agg_step(x[k], &env, ag[k]);
			for (i = 0; i < sl.nr; i++)
				sqlite3_value_free(v[i]);
		}
		sqlite3_reset(all);
		/* the final reads only the parent's slots */
		for (i = 0; i < sl.nr; i++)
			v[i] = NULL;
		vexpr_env_row(&env, v);
		for (k = 0; k < ntexts && k < 64; k++) {
			struct vx_value got;
			int rc;
			if (x[k] == NULL)
				continue;
			for (i = sl.nr; i < sl.n; i++)
				sqlite3_bind_value(st[k], (int)(i - sl.nr + 1),
				    v[i]);
			rc = sqlite3_step(st[k]);
			vexpr_agg_eval(x[k], &env, ag[k], &got);
			{
				int t = vexpr_agg_truth(x[k], &env, ag[k]);
				if (t != VX_T_UNK) {
					c->truths++;
					if (rc != SQLITE_ROW ||
					    !truth_same(st[k], t))
						fail_msg("%s: SQLite %s, vexpr "
						    "truth %d (%d rows)",
						    texts[k], rc == SQLITE_ROW ?
						    (const char *)
						    sqlite3_column_text(st[k],
						    0) : "failed", t, nrows);
				}
			}
			c->evals++;
			if (!odd)
				c->valid++;
			if (rc == SQLITE_ROW && got.t != VX_UNK) {
				c->decided++;
				if (!odd)
					c->valid_decided++;
				if (!same(st[k], &got))
					fail_msg("%s: SQLite %s (type %d), vexpr "
					    "type %d i %lld r %g (%d rows)",
					    texts[k], sqlite3_column_text(st[k],
					    0), sqlite3_column_type(st[k], 0),
					    got.t, (long long)got.i, got.r,
					    nrows);
			} else if (rc != SQLITE_ROW && got.t != VX_UNK)
				fail_msg("%s: SQLite failed (%s), vexpr decided",
				    texts[k], sqlite3_errmsg(h));
			sqlite3_reset(st[k]);
			vexpr_agg_clear(ag[k], vexpr_naggs(x[k]));
			free(ag[k]);
		}
		for (i = sl.nr; i < sl.n; i++)
			sqlite3_value_free(v[i]);
	}
	for (k = 0; k < ntexts; k++) {
		sqlite3_finalize(st[k]);
		vexpr_free(x[k]);
	}
	sqlite3_finalize(add);
	sqlite3_finalize(all);
	free(st);
	free(x);
	sbuf_free(&ddl);
	sbuf_free(&ins);
	sbuf_free(&pf);
}

/* The rule, relevant, required and constraint texts of every record. */
static void
differ_schema(const struct schema *s, int must_compile, struct counts *c)
{
	sqlite3 *h = open_db();
	size_t i, j;

	for (i = 0; i < s->nrecords; i++) {
		const struct sch_record *r = &s->records[i];
		const struct sch_record *p = r->parent != NULL ?
		    schema_record(s, r->parent) : NULL;
		const char **t = xcalloc(r->nrules + 3 * r->nfields + 1,
		    sizeof *t);
		size_t n = 0;
		for (j = 0; j < r->nrules; j++)
			t[n++] = r->rules[j].check.text;
		for (j = 0; j < r->nfields; j++) {
			const struct sch_field *f = &r->fields[j];
			if (f->relevant.text != NULL)
				t[n++] = f->relevant.text;
			if (f->required_if.text != NULL)
				t[n++] = f->required_if.text;
			if (f->constraint.text != NULL)
				t[n++] = f->constraint.text;
		}
		differ(h, r, p, t, n, must_compile, c);
		free(t);
		if (p != NULL && r->nroster_rules > 0) {
			t = xcalloc(r->nroster_rules, sizeof *t);
			for (j = 0; j < r->nroster_rules; j++)
				t[j] = r->roster_rules[j].check.text;
			differ_roster(h, r, p, t, r->nroster_rules,
			    must_compile, c);
			free(t);
		}
	}
	sqlite3_close(h);
}

static struct schema *
load(const char *dir)
{
	struct diags d = {0};
	char *schema = xasprintf("%s/schema", dir);
	char *forms = xasprintf("%s/forms", dir);
	struct schema *s = schema_yaml_load(schema, forms, &d);
	if (s == NULL)
		tu_diags_dump(&d);
	diags_free(&d);
	free(schema);
	free(forms);
	return s;
}

static void
report(const char *what, const struct counts *c)
{
	print_message("# %s: %ld expressions, %ld compiled; %ld evaluations, "
	    "%ld decided (%.1f%%); of valid types %ld, %ld decided "
	    "(%.1f%%)\n", what, c->exprs, c->compiled, c->evals, c->decided,
	    c->evals ? 100.0 * c->decided / c->evals : 0.0, c->valid,
	    c->valid_decided, c->valid ? 100.0 * c->valid_decided / c->valid :
	    0.0);
	print_message("# %s: %ld truths decided and checked\n", what,
	    c->truths);
}

/* DTSEN: every expression compiles and agrees with SQLite. */
static void
test_dtsen(void **state)
{
	struct counts c = {0};
	struct schema *s;

	(void)state;
	setenv("KESRA_TODAY", "2026-11-28", 1);
	s = load(".");
	assert_non_null(s);
	differ_schema(s, 1, &c);
	report("dtsen", &c);
	assert_true(c.compiled > 80);
	assert_true(c.valid_decided >= c.valid * 95 / 100);
	assert_true(c.decided >= c.evals * 80 / 100);
	assert_true(c.truths >= c.evals * 80 / 100);
	schema_free(s);
}

/* The test dictionaries: what compiles agrees with SQLite. */
static void
test_fixtures(void **state)
{
	static const char *const dirs[] = {"tests/data/starter",
	    "tests/data/constructs", "tests/data/two_fields",
	    "tests/data/generated", "tests/data/quality"};
	struct counts c = {0};
	size_t i;

	(void)state;
	setenv("KESRA_TODAY", "2026-11-28", 1);
	for (i = 0; i < sizeof dirs / sizeof dirs[0]; i++) {
		char *sd = xasprintf("%s/schema", dirs[i]);
		struct schema *s;
		if (!tu_exists(sd)) {
			free(sd);
			continue;
		}
		free(sd);
		if ((s = load(dirs[i])) == NULL)
			continue;
		differ_schema(s, 0, &c);
		schema_free(s);
	}
	report("test dictionaries", &c);
	assert_true(c.compiled > 5);
	assert_true(c.decided > 0);
}

/* The constructs the dictionaries do not use, over DTSEN's member. */
static void
test_constructs(void **state)
{
	static const char *const t[] = {
		"age + 1 > 10", "age - work_hours", "age * 2 <= 100",
		"age / 3", "age / 0", "height_cm / 2", "weight_kg * age",
		"-age < -5", "+age = age", "age * 9223372036854775",
		"CASE WHEN age < 5 THEN 'child' WHEN age < 18 THEN 'young' "
		"ELSE 'adult' END", "CASE WHEN sex = 2 THEN age END",
		"coalesce(pregnant, breastfeeding, 7)", "ifnull(grade, -1)",
		"age IS 20", "age IS NOT NULL", "age ISNULL", "age NOTNULL",
		"age NOT NULL", "sex IS NOT 2", "age NOT BETWEEN 10 AND 54",
		"age BETWEEN work_hours AND 60", "sex NOT IN (1, 2)",
		"sex IN (1, NULL)", "sex NOT IN (1, NULL)", "NOT (age > 5)",
		"name = 'BUDI'", "name <> 'BUDI'", "name < 'M'",
		"trim(name) = 'Budi'", "birth_date > '2000-01-01'",
		"birth_date = today()", "nik_birth_date(nik)",
		"nik_sex(nik) = 2", "nik_region_known(nik)",
		"selected(id_docs, '1') OR selected(id_docs, 4)",
		"household.result = 1 AND present = 1",
		"member.age >= household.members", "age = 20.0",
		"haz < -2.5", "elderly = 1 OR disability = 1",
		"TRUE AND NOT FALSE", "NULL OR 1", "NULL AND 0",
		"age > 5 AND name", "'' OR age", "1.5 * 2 = 3",
		"age == 5 OR age != 6", "\"age\" > 3", "[age] > 3",
		"`sex` = 1", "household.\"result\" = 1",
		"age IN (1, 2.0, 3)", "name IN ('BUDI', 'A')",
		"work_hours - age IS NULL",
		/* the specialised shapes (fast paths) beside the general */
		"CASE WHEN sex NOT IN (1) THEN 7 WHEN sex IN (1, 3) THEN age END",
		"CASE WHEN age >= 60 THEN 3 WHEN age < 5 THEN 1 ELSE 2 END = 2",
		"CASE WHEN age > 17 THEN name WHEN age <> 3 THEN sex END",
		"selected(id_docs, '') OR selected(id_docs, ' 4')",
		"NOT selected(health_insurance, '0')", "coalesce(age, 200) < 100",
		"coalesce(age, 5) <> 5", "age IN (0, 63, 64, -1)",
		"age NOT IN (2, 70)", "age > 999999999999999999",
		"age >= -999999999999999999 AND age <= 999999999999999999",
	};
	static const char *const never[] = {
		"name LIKE 'B%'", "substr(nik, 1, 2) = '32'", "age % 2 = 0",
		"CAST(age AS TEXT) = '5'", "CASE age WHEN 1 THEN 2 END",
		"nosuchfield = 1", "age IN (SELECT 1)", "name || 'x' = 'Ax'",
		"name COLLATE NOCASE = 'budi'", "age = 0x10",
		"max(age, 5) = 5", "EXISTS (SELECT 1)", "age IS DISTINCT FROM 1",
		"age > 5;", "age = ?", "age = :a", "(age, sex) = (1, 2)",
		"name GLOB 'B*'", "name REGEXP 'B'", "age = 99999999999999999999",
		"\"nosuch\" = 1", "other.age = 1", "age & 1", "age << 1",
		"abs(age) = 1", "", "age >", "( age", "age = 1 -- note",
	};
	struct counts c = {0};
	struct schema *s;
	sqlite3 *h;
	size_t i;

	(void)state;
	setenv("KESRA_TODAY", "2026-11-28", 1);
	s = load(".");
	assert_non_null(s);
	h = open_db();
	differ(h, schema_record(s, "member"), schema_record(s, "household"),
	    t, sizeof t / sizeof t[0], 1, &c);
	report("constructs", &c);
	{
		struct slots sl = {0};
		const struct sch_record *r = schema_record(s, "member");
		size_t j;
		sl.r = r;
		for (j = 0; j < r->nfields; j++)
			if (schema_field_stored(&r->fields[j]))
				sl.f[sl.n++] = &r->fields[j];
		sl.nr = sl.n;
		for (i = 0; i < sizeof never / sizeof never[0]; i++) {
			struct vexpr *x = vexpr_compile(never[i], resolve, &sl);
			if (x != NULL)
				fail_msg("compiled: %s", never[i]);
		}
		/* nesting: a depth a dictionary writes compiles; a hostile
		 * one is refused without exhausting the stack */
		{
			static const char *const wrap[][2] = {
			    {"(", ")"}, {"NOT ", ""}, {"- ", ""},
			};
			size_t w, k;
			for (w = 0; w < 3; w++) {
				size_t depth[2] = {40, 100000};
				for (k = 0; k < 2; k++) {
					struct sbuf b = {0};
					struct vexpr *x;
					size_t d;
					for (d = 0; d < depth[k]; d++)
						sbuf_add(&b, wrap[w][0]);
					sbuf_add(&b, w == 2 ? "age" : "age >= 1");
					for (d = 0; d < depth[k]; d++)
						sbuf_add(&b, wrap[w][1]);
					if (w == 2)
						sbuf_add(&b, " >= 1");
					x = vexpr_compile(b.s, resolve, &sl);
					if ((x != NULL) != (k == 0))
						fail_msg("nesting %s x%zu: %s",
						    wrap[w][0], depth[k], x ?
						    "compiled" : "refused");
					vexpr_free(x);
					sbuf_free(&b);
				}
			}
		}
	}
	sqlite3_close(h);
	schema_free(s);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_dtsen),
		cmocka_unit_test(test_fixtures),
		cmocka_unit_test(test_constructs),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
