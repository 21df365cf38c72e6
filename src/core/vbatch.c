/*
 * vbatch: a record type's checks as one set-based statement over its
 * table (see vbatch.h). The SQL is made of fixed keywords, dictionary
 * identifiers (quoted), dictionary constants (numbers, value-set codes as
 * SQL literals) and the dictionary's expression texts, which expr_compile
 * has already accepted (no ';', balanced parentheses, read-only, known
 * names) on the same schema; values from storage are never in SQL text.
 *
 * Soundness: the WHERE of the row statement is an OR of "may fail" terms,
 * one per check validate_record_full makes. Each term is true whenever
 * the exact check could fail: a value test in SQL passes only values the
 * exact test accepts (otherwise validate_value decides, inside the
 * statement), and an expression is evaluated over the stored columns
 * (STRICT tables: the same types expr.c binds). A term that cannot be
 * written flags the row.
 */
#include "vbatch.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <sqlite3.h>

#include "db.h"
#include "region.h"
#include "util.h"
#include "validate.h"

#define VB_FIELD_PTR "kesra_sch_field"

struct vbatch {
	sqlite3 *h;
	const struct sch_record *rec, *parent;
	sqlite3_stmt *rows;    /* ids in [?1, ?2] that may have a finding */
	sqlite3_stmt *parents; /* roster: parent ids in [?1, ?2] */
	char *sql;
	/* pointer parameters: ?3 the vbatch, ?k bound to fields[k - 4] */
	const struct sch_field **fields;
	int nfields;
	/* region codes looked up (kesra_vb_region), cleared for each run */
	sqlite3_stmt *region;
	struct vb_region {
		char code[24];
		int level; /* -1: none */
	} rcache[256];
};

#define VB_SELF_PTR "kesra_vbatch"

/* ---- the SQL function that runs validate_value ------------------------ */

/*
 * kesra_vb_value(field, value): 1 when validate_value accepts value (in
 * the stored text form db_record_load gives it), else 0. field is a
 * pointer parameter (sqlite3_bind_pointer).
 */
static void
fn_vb_value(sqlite3_context *ctx, int argc, sqlite3_value **argv)
{
	const struct sch_field *f = sqlite3_value_pointer(argv[0],
	    VB_FIELD_PTR);
	char buf[40], *norm = NULL, *msg = NULL;
	const char *v = NULL, *rule = NULL;
	int ok;

	(void)argc;
	if (f == NULL) {
		sqlite3_result_int(ctx, 0);
		return;
	}
	switch (sqlite3_value_type(argv[1])) {
	case SQLITE_NULL:
		break;
	case SQLITE_FLOAT:
		util_fmt_double(sqlite3_value_double(argv[1]), buf, sizeof buf);
		v = buf;
		break;
	default:
		v = (const char *)sqlite3_value_text(argv[1]);
		/* text with a NUL inside: db_record_load would cut it */
		if (v != NULL && strlen(v) != (size_t)sqlite3_value_bytes(argv[1])) {
			sqlite3_result_int(ctx, 0);
			return;
		}
		break;
	}
	ok = validate_value(f, v, 0, &norm, &rule, &msg) == 0;
	free(norm);
	free(msg);
	sqlite3_result_int(ctx, ok);
}

static unsigned
hash(const char *s)
{
	unsigned h = 2166136261u;
	for (; *s != '\0'; s++)
		h = (h ^ (unsigned char)*s) * 16777619u;
	return h;
}

/*
 * kesra_vb_region(vbatch, code, level): 1 when code is a current region
 * of that level (as db_region_get and validate_field check it), else 0.
 * Codes are cached for the run: households of a page share their
 * villages.
 */
static void
fn_vb_region(sqlite3_context *ctx, int argc, sqlite3_value **argv)
{
	struct vbatch *v = sqlite3_value_pointer(argv[0], VB_SELF_PTR);
	const char *code = (const char *)sqlite3_value_text(argv[1]);
	int level = sqlite3_value_int(argv[2]), found = -1, rc;
	struct vb_region *e;
	size_t n;

	(void)argc;
	if (v == NULL || code == NULL) {
		sqlite3_result_int(ctx, 0);
		return;
	}
	n = strlen(code);
	e = &v->rcache[hash(code) % 256];
	if (n < sizeof e->code && e->code[0] != '\0' &&
	    strcmp(e->code, code) == 0) {
		sqlite3_result_int(ctx, e->level == level);
		return;
	}
	if (v->region == NULL && sqlite3_prepare_v3(v->h, "SELECT level FROM "
	    "kesra_region WHERE code = ?1 AND retired = 0", -1,
	    SQLITE_PREPARE_PERSISTENT, &v->region, NULL) != SQLITE_OK) {
		sqlite3_result_error(ctx, "kesra_vb_region: no region table",
		    -1);
		return;
	}
	sqlite3_bind_text(v->region, 1, code, (int)n, SQLITE_TRANSIENT);
	if ((rc = sqlite3_step(v->region)) == SQLITE_ROW)
		found = sqlite3_column_int(v->region, 0);
	sqlite3_reset(v->region);
	if (rc != SQLITE_ROW && rc != SQLITE_DONE) {
		sqlite3_result_error(ctx, "kesra_vb_region: look-up failed",
		    -1);
		return;
	}
	if (n < sizeof e->code) {
		memcpy(e->code, code, n + 1);
		e->level = found;
	}
	sqlite3_result_int(ctx, found == level);
}

/* ---- building the SQL -------------------------------------------------- */

struct build {
	struct vbatch *v;
	struct sbuf *b;
	const struct sch_record *r, *p;
	int any; /* a term written */
};

static void
ident(struct sbuf *b, const char *name)
{
	sbuf_addc(b, '"');
	for (; *name != '\0'; name++) {
		if (*name == '"')
			sbuf_addc(b, '"');
		sbuf_addc(b, *name);
	}
	sbuf_addc(b, '"');
}

/* "rec"."field" */
static void
col(struct sbuf *b, const struct sch_record *r, const struct sch_field *f)
{
	ident(b, r->name);
	sbuf_addc(b, '.');
	ident(b, f->name);
}

/* A pointer parameter for field f; its number. */
static int
field_param(struct vbatch *v, const struct sch_field *f)
{
	int i;
	for (i = 0; i < v->nfields; i++)
		if (v->fields[i] == f)
			return i + 4;
	v->fields = xreallocarray(v->fields, (size_t)v->nfields + 1,
	    sizeof *v->fields);
	v->fields[v->nfields++] = f;
	return v->nfields + 3;
}

/* A SQL string literal of dictionary text. */
static void
literal(struct sbuf *b, const char *s)
{
	char *q = sqlite3_mprintf("%Q", s);
	sbuf_add(b, q);
	sqlite3_free(q);
}

static void
number(struct sbuf *b, double d)
{
	char buf[40];
	snprintf(buf, sizeof buf, "%.17g", d);
	/* an integral value stays a REAL literal: 5.0, not 5 */
	if (strspn(buf, "-0123456789") == strlen(buf))
		strcat(buf, ".0");
	sbuf_add(b, buf);
}

/* 1 when code is an integer written as SQLite writes it ("12", "-3"). */
static int
canonical_int(const char *code)
{
	const char *p = code + (*code == '-');
	size_t n = strspn(p, "0123456789");
	return n > 0 && n < 16 && p[n] == '\0' && (p[0] != '0' || n == 1) &&
	    !(code[0] == '-' && strcmp(p, "0") == 0);
}

/* The shape of a region code of each level (region_code_level). */
static const char *const region_glob[] = {
	"", "[0-9][0-9]", "[0-9][0-9].[0-9][0-9]",
	"[0-9][0-9].[0-9][0-9].[0-9][0-9]",
	"[0-9][0-9].[0-9][0-9].[0-9][0-9].[0-9][0-9][0-9][0-9]"
};

/*
 * A test that passes only values validate_value accepts for f (column c
 * written by the caller into b as C); "0" when none is written.
 */
static void
value_fast(struct sbuf *b, const char *c, const struct sch_field *f)
{
	const char *t = schema_field_sql_type(f);
	size_t i;
	int any = 0;

	switch (f->type) {
	case FT_TEXT:
		if (f->pattern != NULL) {
			sbuf_add(b, "0"); /* validate_value decides */
			return;
		}
		sbuf_addf(b, "(typeof(%s) = 'text' AND length(CAST(%s AS BLOB)) "
		    "BETWEEN 1 AND 1000 AND %s NOT GLOB '*[^ -~]*' AND %s = "
		    "trim(%s))", c, c, c, c, c);
		return;
	case FT_INTEGER:
		if (t == NULL || strcmp(t, "INTEGER") != 0)
			break;
		sbuf_addf(b, "(typeof(%s) = 'integer' AND %s BETWEEN "
		    "-999999999999999 AND 999999999999999", c, c);
		if (f->has_min) {
			sbuf_addf(b, " AND %s >= ", c);
			number(b, f->min);
		}
		if (f->has_max) {
			sbuf_addf(b, " AND %s <= ", c);
			number(b, f->max);
		}
		sbuf_add(b, ")");
		return;
	case FT_DATE:
		sbuf_addf(b, "(typeof(%s) = 'text' AND %s GLOB "
		    "'[0-9][0-9][0-9][0-9]-[0-9][0-9]-[0-9][0-9]' AND "
		    "date(%s) = %s AND %s BETWEEN '1850-01-01' AND "
		    "'2200-12-31')", c, c, c, c, c);
		return;
	case FT_REGION:
		if (f->pattern != NULL || f->level < RL_PROVINCE ||
		    f->level > RL_VILLAGE)
			break;
		sbuf_addf(b, "(typeof(%s) = 'text' AND %s GLOB '%s')", c, c,
		    region_glob[f->level]);
		return;
	case FT_YESNO:
		if (t == NULL || strcmp(t, "INTEGER") != 0)
			break;
		sbuf_addf(b, "(typeof(%s) = 'integer' AND %s IN (0, 1))", c, c);
		return;
	case FT_SELECT_ONE:
	case FT_SELECT_MULTIPLE: /* a single code is its canonical form */
		if (f->vs == NULL || t == NULL)
			break;
		if (f->type == FT_SELECT_ONE && f->vs->numeric &&
		    strcmp(t, "INTEGER") == 0) {
			sbuf_addf(b, "(typeof(%s) = 'integer' AND %s IN (", c, c);
			for (i = 0; i < f->vs->nchoices; i++)
				if (canonical_int(f->vs->choices[i].code)) {
					sbuf_addf(b, "%s%s", any ? ", " : "",
					    f->vs->choices[i].code);
					any = 1;
				}
		} else if (strcmp(t, "TEXT") == 0) {
			sbuf_addf(b, "(typeof(%s) = 'text' AND %s IN (", c, c);
			for (i = 0; i < f->vs->nchoices; i++) {
				const char *code = f->vs->choices[i].code;
				/* as validate_value leaves it: no spaces,
				 * commas or tabs (separators), no padding */
				if (code[0] == '\0' || code[strcspn(code,
				    " ,\t\n\r\f\v")] != '\0')
					continue;
				if (any)
					sbuf_add(b, ", ");
				literal(b, code);
				any = 1;
			}
		} else
			break;
		if (!any)
			sbuf_add(b, "NULL");
		sbuf_add(b, "))");
		return;
	default:
		break;
	}
	sbuf_add(b, "0");
}

/* Append " OR " between terms. */
static void
term(struct build *bd)
{
	sbuf_add(bd->b, bd->any ? "\n OR " : "");
	bd->any = 1;
}

/* CASE WHEN (E) THEN 1 ELSE 0 END: E's truth as expr.c's EV_TRUE. */
static void
truth(struct sbuf *b, const char *e)
{
	sbuf_addf(b, "(CASE WHEN (\n%s\n) THEN 1 ELSE 0 END)", e);
}

/*
 * The nearest region field above level (record_region_above): the
 * record's fields by level, highest first, then the parent's. Writes a
 * coalesce(...) or "NULL".
 */
static void
region_above(struct build *bd, enum region_level level)
{
	const struct sch_record *recs[2] = {bd->r, bd->p};
	int k, l, any = 0;
	size_t i;

	sbuf_add(bd->b, "coalesce(");
	for (k = 0; k < 2; k++) {
		if (recs[k] == NULL)
			continue;
		for (l = (int)level - 1; l > 0; l--)
			for (i = 0; i < recs[k]->nfields; i++) {
				const struct sch_field *g = &recs[k]->fields[i];
				if (g->type != FT_REGION || (int)g->level != l)
					continue;
				if (any)
					sbuf_add(bd->b, ", ");
				col(bd->b, recs[k], g);
				any = 1;
			}
	}
	sbuf_add(bd->b, any ? ", NULL)" : "NULL, NULL)");
	/* NULL: substr(...) <> NULL is NULL, no finding (as validate) */
}

/* 1 when a column of the choice subquery is also a field name of r or p. */
static int
choice_clash(const struct sch_record *r, const struct sch_record *p,
    const char *name)
{
	return strcmp(name, "choice") == 0 || (r != NULL &&
	    schema_field_index(r, name) >= 0) || (p != NULL &&
	    schema_field_index(p, name) >= 0);
}

/* 1 when an attribute value would be bound as something else than the
 * literal vbatch writes (expr.c binds "+5", "007" or "1.5" as numbers). */
static int
odd_number(const char *s)
{
	char *end;
	if (canonical_int(s) || *s == '\0')
		return 0;
	(void)strtod(s, &end);
	return *end == '\0' || strspn(s, " \t") > 0;
}

/*
 * The choice filter of select_one field f may fail: a choice of the value
 * set with the value's code that the filter does not keep. The value set
 * is a VALUES table named "choice" with the code and every column any
 * choice has (as expr.c binds them). -1 when it cannot be written.
 */
static int
choice_term(struct build *bd, const struct sch_field *f, const char *c)
{
	const struct sch_valueset *vs = f->vs;
	const char **cols = NULL;
	size_t ncols = 0, i, j, k;
	int rows = 0, rc = -1;

	if (f->type != FT_SELECT_ONE || vs == NULL)
		return -1;
	for (i = 0; i < vs->nchoices; i++)
		for (j = 0; j < vs->choices[i].nattrs; j++) {
			const char *a = vs->choices[i].attr_names[j];
			if (odd_number(vs->choices[i].attr_values[j]))
				goto out;
			for (k = 0; k < ncols && strcmp(cols[k], a) != 0; k++)
				;
			if (k == ncols) {
				cols = xreallocarray(cols, ncols + 1,
				    sizeof *cols);
				cols[ncols++] = a;
			}
		}
	if (choice_clash(bd->r, bd->p, "code"))
		goto out;
	for (k = 0; k < ncols; k++)
		if (choice_clash(bd->r, bd->p, cols[k]))
			goto out;
	sbuf_add(bd->b, "EXISTS (SELECT 1 FROM (SELECT column1 AS \"code\"");
	for (k = 0; k < ncols; k++) {
		sbuf_addf(bd->b, ", column%zu AS ", k + 2);
		ident(bd->b, cols[k]);
	}
	sbuf_add(bd->b, " FROM (VALUES ");
	for (i = 0; i < vs->nchoices; i++) {
		const struct sch_choice *ch = &vs->choices[i];
		/* a numeric set's stored value is an integer: a code
		 * written otherwise ("01") never matches it */
		if (vs->numeric && !canonical_int(ch->code))
			continue;
		sbuf_add(bd->b, rows++ > 0 ? ", (" : "(");
		if (vs->numeric)
			sbuf_add(bd->b, ch->code);
		else
			literal(bd->b, ch->code);
		for (k = 0; k < ncols; k++) {
			const char *av = NULL;
			for (j = 0; j < ch->nattrs; j++)
				if (strcmp(ch->attr_names[j], cols[k]) == 0)
					av = ch->attr_values[j];
			sbuf_add(bd->b, ", ");
			if (av == NULL)
				sbuf_add(bd->b, "NULL");
			else if (canonical_int(av))
				sbuf_add(bd->b, av);
			else
				literal(bd->b, av);
		}
		sbuf_add(bd->b, ")");
	}
	if (rows == 0) {
		/* no choice can match: VALUES needs a row, none passes */
		sbuf_add(bd->b, "(NULL");
		for (k = 0; k < ncols; k++)
			sbuf_add(bd->b, ", NULL");
		sbuf_add(bd->b, ")");
	}
	sbuf_add(bd->b, ")) AS \"choice\" WHERE \"choice\".\"code\" = ");
	sbuf_add(bd->b, c);
	sbuf_add(bd->b, " AND NOT ");
	truth(bd->b, f->choice_filter.text);
	sbuf_add(bd->b, ")");
	rc = 0;
out:
	free(cols);
	return rc;
}

/*
 * The terms of field i. Cheapest first: most values pass their test in
 * SQL and most empty fields are never required, so the relevance (an
 * expression) is evaluated only for a field that may fail.
 */
static void
field_terms(struct build *bd, size_t i)
{
	const struct sch_field *f = &bd->r->fields[i];
	struct sbuf cb = {0};
	struct sbuf *b = bd->b;
	const char *c;

	if (!schema_field_stored(f) || f->type == FT_CALCULATE)
		return;
	col(&cb, bd->r, f);
	c = cb.s;
	term(bd);
	sbuf_add(b, "((");
	/* empty: required */
	if (f->required)
		sbuf_addf(b, "%s IS NULL", c);
	else if (f->required_if.text != NULL) {
		sbuf_addf(b, "%s IS NULL AND ", c);
		truth(b, f->required_if.text);
	} else
		sbuf_add(b, "0");
	sbuf_addf(b, " OR %s IS NOT NULL AND (", c);
	/* the value: the test in SQL, else validate_value */
	sbuf_add(b, "(CASE WHEN ");
	value_fast(b, c, f);
	sbuf_addf(b, " THEN 0 ELSE NOT kesra_vb_value(?%d, %s) END)",
	    field_param(bd->v, f), c);
	if (f->constraint.text != NULL) {
		sbuf_add(b, " OR NOT ");
		truth(b, f->constraint.text);
	}
	if (f->choice_filter.text != NULL && schema_field_has_choices(f)) {
		sbuf_add(b, " OR ");
		if (choice_term(bd, f, c) < 0)
			sbuf_add(b, "1");
	}
	if (f->type == FT_REGION) {
		/* the region table (through a cache), then the one above */
		sbuf_addf(b, " OR NOT kesra_vb_region(?3, %s, %d) OR substr(%s, 1, "
		    "length(", c, (int)f->level, c);
		region_above(bd, f->level);
		sbuf_add(b, ") + 1) <> ");
		region_above(bd, f->level);
		sbuf_add(b, " || '.'");
	}
	if (f->unique) {
		sbuf_add(b, " OR EXISTS (SELECT 1 FROM ");
		ident(b, bd->r->name);
		sbuf_add(b, " AS kesra_u WHERE kesra_u.");
		ident(b, f->name);
		sbuf_addf(b, " = %s AND kesra_u.deleted_at IS NULL AND "
		    "kesra_u.", c);
		ident(b, f->name);
		sbuf_add(b, " IS NOT NULL AND kesra_u.id <> ");
		ident(b, bd->r->name);
		sbuf_add(b, ".id)");
	}
	sbuf_add(b, "))");
	if (f->relevant.text != NULL) {
		sbuf_add(b, " AND ");
		truth(b, f->relevant.text);
	}
	sbuf_add(b, ")");
	sbuf_free(&cb);
}

/* The probable duplicate: another live row with the same key (index). */
static void
dup_term(struct build *bd)
{
	struct sbuf *b = bd->b;
	size_t k;

	if (bd->r->ndup_key == 0)
		return;
	term(bd);
	{
		sbuf_add(b, "(");
		for (k = 0; k < bd->r->ndup_key; k++) {
			struct sbuf q = {0};
			col(&q, bd->r, &bd->r->fields[bd->r->dup_key[k]]);
			sbuf_addf(b, "%s IS NOT NULL AND ", q.s);
			sbuf_free(&q);
		}
		sbuf_add(b, "EXISTS (SELECT 1 FROM ");
		ident(b, bd->r->name);
		sbuf_add(b, " AS kesra_d WHERE ");
		for (k = 0; k < bd->r->ndup_key; k++) {
			const struct sch_field *g =
			    &bd->r->fields[bd->r->dup_key[k]];
			struct sbuf q = {0}, o = {0};
			const char *t = schema_field_sql_type(g);
			col(&q, bd->r, g);
			sbuf_add(&o, "kesra_d.");
			ident(&o, g->name);
			if (g->type == FT_TEXT && t != NULL &&
			    strcmp(t, "TEXT") == 0) {
				char *n1 = db_dupkey_norm(o.s);
				char *n2 = db_dupkey_norm(q.s);
				sbuf_addf(b, "%s = %s AND ", n1, n2);
				free(n1);
				free(n2);
			} else
				sbuf_addf(b, "%s = %s AND ", o.s, q.s);
			sbuf_addf(b, "%s IS NOT NULL AND ", o.s);
			sbuf_free(&q);
			sbuf_free(&o);
		}
		sbuf_add(b, "kesra_d.deleted_at IS NULL AND kesra_d.id <> ");
		ident(b, bd->r->name);
		sbuf_add(b, ".id))");
	}
}

/* FROM "R" AS "R" [LEFT JOIN "P" AS "P" ON "P".id = "R".parent_id] */
static void
from(struct sbuf *b, const struct sch_record *r, const struct sch_record *p)
{
	sbuf_add(b, " FROM ");
	ident(b, r->name);
	sbuf_add(b, " AS ");
	ident(b, r->name);
	if (p != NULL) {
		sbuf_add(b, " LEFT JOIN ");
		ident(b, p->name);
		sbuf_add(b, " AS ");
		ident(b, p->name);
		sbuf_add(b, " ON ");
		ident(b, p->name);
		sbuf_add(b, ".id = ");
		ident(b, r->name);
		sbuf_add(b, ".parent_id");
	}
}

/* The OR of every row term of r; "0" when none. */
static void
row_terms(struct build *bd)
{
	size_t i;
	for (i = 0; i < bd->r->nfields; i++)
		field_terms(bd, i);
	dup_term(bd);
	for (i = 0; i < bd->r->nrules; i++) {
		term(bd);
		sbuf_addf(bd->b, "(CASE WHEN coalesce((\n%s\n), 1) THEN 0 "
		    "ELSE 1 END)", bd->r->rules[i].check.text);
	}
	if (!bd->any)
		sbuf_add(bd->b, "0");
}

static int
prepare(struct vbatch *v, const char *sql, sqlite3_stmt **st, char **err)
{
	int i;
	if (sqlite3_prepare_v3(v->h, sql, -1, SQLITE_PREPARE_PERSISTENT, st,
	    NULL) != SQLITE_OK) {
		util_err(err, "%s: checks in SQL: %s", v->rec->name,
		    sqlite3_errmsg(v->h));
		*st = NULL;
		return -1;
	}
	if (sqlite3_bind_parameter_count(*st) >= 3)
		sqlite3_bind_pointer(*st, 3, v, VB_SELF_PTR, NULL);
	for (i = 0; i < v->nfields; i++)
		if (i + 4 <= sqlite3_bind_parameter_count(*st))
			sqlite3_bind_pointer(*st, i + 4, (void *)v->fields[i],
			    VB_FIELD_PTR, NULL);
	return 0;
}

struct vbatch *
vbatch_new(sqlite3 *h, const struct schema *s, const struct sch_record *rec,
    char **err)
{
	struct vbatch *v = xcalloc(1, sizeof *v);
	struct sbuf b = {0}, terms = {0};
	struct build bd = {0};
	size_t i;

	v->h = h;
	v->rec = rec;
	v->parent = rec->parent != NULL ? schema_record(s, rec->parent) : NULL;
	if (rec->parent != NULL && v->parent == NULL) {
		util_err(err, "%s: no parent record %s", rec->name, rec->parent);
		goto fail;
	}
	if (sqlite3_create_function_v2(h, "kesra_vb_value", 2, SQLITE_UTF8,
	    NULL, fn_vb_value, NULL, NULL, NULL) != SQLITE_OK) {
		util_err(err, "cannot register kesra_vb_value: %s",
		    sqlite3_errmsg(h));
		goto fail;
	}
	if (sqlite3_create_function_v2(h, "kesra_vb_region", 3, SQLITE_UTF8,
	    NULL, fn_vb_region, NULL, NULL, NULL) != SQLITE_OK) {
		util_err(err, "cannot register kesra_vb_region: %s",
		    sqlite3_errmsg(h));
		goto fail;
	}
	bd.v = v;
	bd.b = &terms;
	bd.r = rec;
	bd.p = v->parent;
	row_terms(&bd);

	sbuf_add(&b, "SELECT ");
	ident(&b, rec->name);
	sbuf_add(&b, ".id");
	from(&b, rec, v->parent);
	sbuf_add(&b, " WHERE ");
	ident(&b, rec->name);
	sbuf_add(&b, ".id BETWEEN ?1 AND ?2 AND ");
	ident(&b, rec->name);
	sbuf_addf(&b, ".deleted_at IS NULL AND (\n%s\n) ORDER BY ", terms.s);
	ident(&b, rec->name);
	sbuf_add(&b, ".id");
	v->sql = xstrdup(b.s);
	if (prepare(v, b.s, &v->rows, err) < 0)
		goto fail;
	sbuf_free(&b);

	if (v->parent != NULL) {
		const struct sch_record *p = v->parent;
		/* rows that may fail, by parent */
		sbuf_add(&b, "SELECT ");
		ident(&b, rec->name);
		sbuf_add(&b, ".parent_id");
		from(&b, rec, p);
		sbuf_add(&b, " WHERE ");
		ident(&b, rec->name);
		sbuf_add(&b, ".parent_id BETWEEN ?1 AND ?2 AND ");
		ident(&b, rec->name);
		sbuf_addf(&b, ".deleted_at IS NULL AND (\n%s\n)", terms.s);
		/* the roster's count and rules, per parent */
		if (rec->min_count > 0 || rec->max_count > 0 ||
		    rec->nroster_rules > 0) {
			sbuf_add(&b, "\nUNION ALL SELECT ");
			ident(&b, rec->name);
			sbuf_add(&b, ".parent_id");
			from(&b, rec, p);
			sbuf_add(&b, " WHERE ");
			ident(&b, rec->name);
			sbuf_add(&b, ".parent_id BETWEEN ?1 AND ?2 AND ");
			ident(&b, rec->name);
			sbuf_add(&b, ".deleted_at IS NULL GROUP BY ");
			ident(&b, rec->name);
			sbuf_add(&b, ".parent_id HAVING 0");
			if (rec->min_count > 0)
				sbuf_addf(&b, " OR count(*) < %d",
				    rec->min_count);
			if (rec->max_count > 0)
				sbuf_addf(&b, " OR count(*) > %d",
				    rec->max_count);
			for (i = 0; i < rec->nroster_rules; i++)
				sbuf_addf(&b, "\n OR (CASE WHEN coalesce((\n%s\n"
				    "), 1) THEN 0 ELSE 1 END)",
				    rec->roster_rules[i].check.text);
			/* parents without rows */
			sbuf_add(&b, "\nUNION ALL SELECT kesra_p.id FROM ");
			ident(&b, p->name);
			sbuf_add(&b, " AS kesra_p WHERE kesra_p.id BETWEEN ?1 "
			    "AND ?2 AND kesra_p.deleted_at IS NULL AND NOT "
			    "EXISTS (SELECT 1 FROM ");
			ident(&b, rec->name);
			sbuf_add(&b, " AS kesra_c WHERE kesra_c.parent_id = "
			    "kesra_p.id AND kesra_c.deleted_at IS NULL)");
		}
		if (prepare(v, b.s, &v->parents, err) < 0)
			goto fail;
		sbuf_free(&b);
	}
	sbuf_free(&terms);
	return v;
fail:
	sbuf_free(&b);
	sbuf_free(&terms);
	vbatch_free(v);
	return NULL;
}

void
vbatch_free(struct vbatch *v)
{
	if (v == NULL)
		return;
	sqlite3_finalize(v->rows);
	sqlite3_finalize(v->parents);
	sqlite3_finalize(v->region);
	free(v->fields);
	free(v->sql);
	free(v);
}

const char *
vbatch_sql(const struct vbatch *v)
{
	return v->sql;
}

static int
run(struct vbatch *v, sqlite3_stmt *st, int64_t lo, int64_t hi,
    int (*cb)(void *, int64_t), void *arg, char **err)
{
	int rc, stop = 0;

	if (st == NULL)
		return 0;
	memset(v->rcache, 0, sizeof v->rcache);
	sqlite3_bind_int64(st, 1, lo);
	sqlite3_bind_int64(st, 2, hi);
	while ((rc = sqlite3_step(st)) == SQLITE_ROW)
		if ((stop = cb(arg, sqlite3_column_int64(st, 0))) != 0)
			break;
	if (rc != SQLITE_ROW && rc != SQLITE_DONE) {
		util_err(err, "%s: checks in SQL: %s", v->rec->name,
		    sqlite3_errmsg(v->h));
		sqlite3_reset(st);
		return -1;
	}
	sqlite3_reset(st);
	return stop;
}

int
vbatch_flagged(struct vbatch *v, int64_t lo_id, int64_t hi_id,
    int (*cb)(void *arg, int64_t id), void *arg, char **err)
{
	return run(v, v->rows, lo_id, hi_id, cb, arg, err);
}

int
vbatch_flagged_parents(struct vbatch *v, int64_t lo_id, int64_t hi_id,
    int (*cb)(void *arg, int64_t id), void *arg, char **err)
{
	return run(v, v->parents, lo_id, hi_id, cb, arg, err);
}
