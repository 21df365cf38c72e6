/*
 * db_quality: the storage side of the cross-record checks (part of the db
 * module): the probable-duplicate indexes of records with a duplicate_key
 * and the look-up that uses them.
 *
 * Why an expression index over built-in functions: the text of a key
 * (a name) is compared normalised (case, dots, hyphens, apostrophes,
 * repeated spaces). An index on a kesra SQL function would make the table
 * unwritable from any connection lacking that function (the sqlite3 shell,
 * a backup tool); a stored normalised column would have to be kept by
 * every writer, kesra's or not. upper(), replace() and trim() exist in
 * every SQLite, so the index stays right whoever writes, and the look-up
 * applies the same expression to its bound value. upper() folds ASCII
 * only, which is how Indonesian names are written in the register.
 *
 * The index holds a compact form of the key (key_expr); the look-up
 * compares the full values after it.
 *
 * Invariant: the index "<record>_duplicate_key" exists exactly for the
 * records whose dictionary has a duplicate_key, with the SQL text that
 * dupkey_index_sql gives for the current key (a changed key replaces it).
 */
#include "db.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <sqlite3.h>

#include "i18n.h"

char *
db_dupkey_norm(const char *operand)
{
	return xasprintf("trim(replace(replace(replace(replace(replace("
	    "replace(upper(%s), '.', ' '), '-', ' '), '''', ''), '  ', ' '), "
	    "'  ', ' '), '  ', ' '))", operand);
}

static int
is_text_key(const struct sch_field *f)
{
	const char *t = schema_field_sql_type(f);
	return t != NULL && strcmp(t, "TEXT") == 0 && (f->type == FT_TEXT);
}

/*
 * The compact form of key field f's value (operand: its column or a bound
 * parameter) that the index holds: of a text, the first two and the last
 * two characters of the normalised text (on the demo's 200,000 persons
 * 0.2% of the keys share theirs with another name born the same day); of a
 * date 'YYYY-MM-DD', the integer YYYYMMDD; else the value. About half the
 * bytes of the full key (on a million persons some 15 MB); the look-up
 * compares the full values on the few rows found. Caller frees.
 */
char *
db_dupkey_key_expr(const struct sch_field *f, const char *operand)
{
	if (is_text_key(f)) {
		char *n = db_dupkey_norm(operand), *e;
		e = xasprintf("substr(%s, 1, 2) || substr(%s, -2)", n, n);
		free(n);
		return e;
	}
	if (f->type == FT_DATE)
		return xasprintf("CAST(replace(%s, '-', '') AS INTEGER)",
		    operand);
	return xstrdup(operand);
}

/* The key's column list (compact) and the WHERE of live keyed rows. */
static void
key_sql(const struct sch_record *r, struct sbuf *cols, struct sbuf *where)
{
	size_t k;
	sbuf_add(where, "deleted_at IS NULL");
	for (k = 0; k < r->ndup_key; k++) {
		const struct sch_field *f = &r->fields[r->dup_key[k]];
		char *q = xasprintf("\"%s\"", f->name);
		if (cols != NULL) {
			char *e = db_dupkey_key_expr(f, q);
			if (k > 0)
				sbuf_add(cols, ", ");
			sbuf_add(cols, e);
			free(e);
		}
		sbuf_addf(where, " AND %s IS NOT NULL", q);
		free(q);
	}
}

static char *
dupkey_index_sql(const struct sch_record *r)
{
	struct sbuf cols = {0}, where = {0};
	char *sql;
	key_sql(r, &cols, &where);
	sql = xasprintf("CREATE INDEX \"%s_duplicate_key\" ON \"%s\" (%s) "
	    "WHERE %s", r->name, r->name, cols.s, where.s);
	sbuf_free(&cols);
	sbuf_free(&where);
	return sql;
}

static int
fail(struct db *db, char **err, const char *what)
{
	return util_err(err, "%s: %s: %s", db_path(db), what,
	    sqlite3_errmsg(db_sqlite(db)));
}

int
db_dupkey_sync(struct db *db, int dry_run, struct sbuf *plan, char **err)
{
	const struct schema *s = db_schema(db);
	sqlite3 *h = db_sqlite(db);
	size_t i;

	for (i = 0; i < s->nrecords; i++) {
		const struct sch_record *r = &s->records[i];
		char *idx = xasprintf("%s_duplicate_key", r->name), *have = NULL;
		char *want = r->ndup_key > 0 ? dupkey_index_sql(r) : NULL;
		sqlite3_stmt *st = NULL;
		int rc = 0;

		if (sqlite3_prepare_v2(h, "SELECT sql FROM sqlite_schema WHERE "
		    "type = 'index' AND name = ?", -1, &st, NULL) != SQLITE_OK) {
			sqlite3_finalize(st);
			rc = fail(db, err, "sqlite_schema");
			goto next;
		}
		sqlite3_bind_text(st, 1, idx, -1, SQLITE_STATIC);
		if (sqlite3_step(st) == SQLITE_ROW && sqlite3_column_text(st, 0))
			have = xstrdup((const char *)sqlite3_column_text(st, 0));
		sqlite3_finalize(st);
		if (have != NULL && (want == NULL || strcmp(have, want) != 0)) {
			char *sql = xasprintf("DROP INDEX \"%s\"", idx);
			if (plan != NULL && want == NULL)
				sbuf_addf(plan, _("drop duplicate-key index on "
				    "%s\n"), r->name);
			if (!dry_run && sqlite3_exec(h, sql, NULL, NULL,
			    NULL) != SQLITE_OK)
				rc = fail(db, err, idx);
			free(sql);
			if (rc < 0)
				goto next;
		}
		if (want != NULL && (have == NULL || strcmp(have, want) != 0)) {
			if (plan != NULL)
				sbuf_addf(plan, _("add duplicate-key index on "
				    "%s\n"), r->name);
			if (!dry_run && sqlite3_exec(h, want, NULL, NULL,
			    NULL) != SQLITE_OK)
				rc = fail(db, err, idx);
		}
next:
		free(idx);
		free(have);
		free(want);
		if (rc < 0)
			return -1;
	}
	return 0;
}

static void
bind_key(sqlite3_stmt *st, int i, const struct sch_field *f, const char *v)
{
	const char *t = schema_field_sql_type(f);
	char *end;
	if (t != NULL && strcmp(t, "INTEGER") == 0) {
		long long n = strtoll(v, &end, 10);
		if (*end == '\0') {
			sqlite3_bind_int64(st, i, n);
			return;
		}
	} else if (t != NULL && strcmp(t, "REAL") == 0) {
		double d = strtod(v, &end);
		if (*end == '\0') {
			sqlite3_bind_double(st, i, d);
			return;
		}
	}
	sqlite3_bind_text(st, i, v, -1, SQLITE_TRANSIENT);
}

char *
db_dupkey_lookup_sql(const struct sch_record *def)
{
	struct sbuf sql = {0}, where = {0};
	size_t k;

	/* the same expressions as the index, so that SQLite uses it, then
	 * the full values ("+": a column = value term would let SQLite put
	 * the value in the index's expression, which then no longer
	 * matches). A text key's parameter holds its value normalised
	 * already (db_dupkey_norm_sql): its compact form is the index's
	 * expression less the normalisation. */
	sbuf_addf(&sql, "SELECT id FROM \"%s\" WHERE ", def->name);
	for (k = 0; k < def->ndup_key; k++) {
		const struct sch_field *f = &def->fields[def->dup_key[k]];
		char *q = xasprintf("\"%s\"", f->name);
		char *p = xasprintf("?%zu", k + 1);
		char *a = db_dupkey_key_expr(f, q), *b;
		int same = strcmp(a, q) == 0;
		b = is_text_key(f) ? xasprintf("substr(%s, 1, 2) || substr(%s, "
		    "-2)", p, p) : db_dupkey_key_expr(f, p);
		sbuf_addf(&sql, "%s = %s AND ", a, b);
		free(a);
		free(b);
		if (is_text_key(f)) {
			a = db_dupkey_norm(q);
			sbuf_addf(&sql, "%s = %s AND ", a, p);
			free(a);
		} else if (!same)
			sbuf_addf(&sql, "+%s = %s AND ", q, p);
		free(q);
		free(p);
	}
	key_sql(def, NULL, &where);
	sbuf_addf(&sql, "%s AND id <> ?%zu ORDER BY id LIMIT 16", where.s,
	    def->ndup_key + 1);
	sbuf_free(&where);
	return sbuf_steal(&sql);
}

char *
db_dupkey_norm_sql(const struct sch_record *def)
{
	struct sbuf sql = {0};
	size_t k;

	sbuf_add(&sql, "SELECT ");
	for (k = 0; k < def->ndup_key; k++) {
		const struct sch_field *f = &def->fields[def->dup_key[k]];
		char *p = xasprintf("?%zu", k + 1);
		char *n = is_text_key(f) ? db_dupkey_norm(p) : xstrdup(p);
		sbuf_addf(&sql, "%s%s", k > 0 ? ", " : "", n);
		free(n);
		free(p);
	}
	return sbuf_steal(&sql);
}

int
db_find_probable_duplicate(struct db *db, const struct record *r,
    int64_t exclude_id, const int64_t *skip, size_t nskip, int64_t *other_id,
    char **err)
{
	const struct sch_record *def = r->def;
	sqlite3_stmt *st, *nst;
	size_t k, j;
	int rc = SQLITE_DONE, found = 0;

	*other_id = 0;
	if (def->ndup_key == 0)
		return 0;
	for (k = 0; k < def->ndup_key; k++)
		if (record_get(r, def->dup_key[k]) == NULL)
			return 0;
	/* the text keys normalised once, by SQLite's own functions */
	if ((nst = db_dupkey_stmt(db, def, 1, err)) == NULL)
		return -1;
	for (k = 0; k < def->ndup_key; k++)
		bind_key(nst, (int)k + 1, &def->fields[def->dup_key[k]],
		    record_get(r, def->dup_key[k]));
	if (sqlite3_step(nst) != SQLITE_ROW) {
		rc = fail(db, err, def->name);
		sqlite3_reset(nst);
		return rc;
	}
	if ((st = db_dupkey_stmt(db, def, 0, err)) == NULL) {
		sqlite3_reset(nst);
		return -1;
	}
	for (k = 0; k < def->ndup_key; k++)
		if (is_text_key(&def->fields[def->dup_key[k]]))
			sqlite3_bind_value(st, (int)k + 1,
			    sqlite3_column_value(nst, (int)k));
		else
			bind_key(st, (int)k + 1, &def->fields[def->dup_key[k]],
			    record_get(r, def->dup_key[k]));
	sqlite3_reset(nst);
	sqlite3_bind_int64(st, (int)def->ndup_key + 1, exclude_id);
	while (!found && (rc = sqlite3_step(st)) == SQLITE_ROW) {
		int64_t id = sqlite3_column_int64(st, 0);
		for (j = 0; j < nskip && skip[j] != id; j++)
			;
		if (j == nskip) {
			*other_id = id;
			found = 1;
		}
	}
	if (!found && rc != SQLITE_DONE) {
		rc = fail(db, err, def->name);
		sqlite3_reset(st);
		return rc;
	}
	sqlite3_reset(st);
	return found;
}
