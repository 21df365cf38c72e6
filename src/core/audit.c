/*
 * audit: the audit trail kesra_audit (part of the db module): its table,
 * index and append-only triggers, appending a row (through a statement
 * cached on the connection, so that a save pays one step per row), and
 * reading it back for `kesra audit` and the audit screen.
 *
 * Invariants: rows are only ever inserted; the triggers raise an abort on
 * UPDATE and DELETE (also for the sqlite3 shell). Values are bound; the
 * SQL text is fixed (or made of dictionary identifiers, quoted).
 *
 * An insert is one row for the whole record (field NULL). Its values are
 * not repeated there: the value a field was given is the old value of
 * that field's first update after the insert, or else the stored value
 * (every later change of a field has its row with old and new values).
 * The history of one record (db_audit_list with a record_id) shows such
 * a row as one "insert" row per field that was given a value, as the
 * trail itself held them before.
 */
#include "audit.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <sqlite3.h>

#include "db.h"
#include "i18n.h"
#include "schema.h"

static const char audit_ddl[] =
    "CREATE TABLE IF NOT EXISTS kesra_audit (seq INTEGER PRIMARY KEY, "
    "at TEXT NOT NULL, user TEXT, client TEXT, record TEXT NOT NULL, "
    "record_id INTEGER, uuid TEXT, parent_id INTEGER, field TEXT, "
    "old_value TEXT, new_value TEXT, reason TEXT, action TEXT NOT NULL "
    "CHECK (action IN ('insert', 'update', 'delete', 'status', 'accept', "
    "'user'))) STRICT;"
    "CREATE INDEX IF NOT EXISTS kesra_audit_record ON kesra_audit "
    "(record_id, record);"
    "CREATE INDEX IF NOT EXISTS kesra_audit_parent ON kesra_audit "
    "(parent_id) WHERE parent_id IS NOT NULL;"
    "CREATE TRIGGER IF NOT EXISTS kesra_audit_no_update BEFORE UPDATE ON "
    "kesra_audit BEGIN SELECT RAISE(ABORT, 'kesra_audit is append-only: "
    "its rows cannot be changed'); END;"
    "CREATE TRIGGER IF NOT EXISTS kesra_audit_no_delete BEFORE DELETE ON "
    "kesra_audit BEGIN SELECT RAISE(ABORT, 'kesra_audit is append-only: "
    "its rows cannot be deleted'); END;";

static const char insert_sql[] =
    "INSERT INTO kesra_audit (at, user, client, record, record_id, uuid, "
    "parent_id, field, old_value, new_value, reason, action) VALUES (?, ?, "
    "?, ?, ?, ?, ?, ?, ?, ?, ?, ?)";

static int
have(struct db *db, const char *type, const char *name)
{
	sqlite3_stmt *st;
	int found = 0;
	if (sqlite3_prepare_v2(db_sqlite(db), "SELECT 1 FROM sqlite_schema "
	    "WHERE type = ? AND name = ?", -1, &st, NULL) != SQLITE_OK)
		return 0;
	sqlite3_bind_text(st, 1, type, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 2, name, -1, SQLITE_STATIC);
	found = sqlite3_step(st) == SQLITE_ROW;
	sqlite3_finalize(st);
	return found;
}

int
db_audit_exists(struct db *db)
{
	return have(db, "table", "kesra_audit");
}

int
db_audit_sync(struct db *db, int dry_run, struct sbuf *plan, char **err)
{
	int table = have(db, "table", "kesra_audit");
	int trig = have(db, "trigger", "kesra_audit_no_update") &&
	    have(db, "trigger", "kesra_audit_no_delete");

	if (table && trig && have(db, "index", "kesra_audit_record") &&
	    have(db, "index", "kesra_audit_parent"))
		return 0;
	if (plan != NULL)
		sbuf_add(plan, table ? _("complete table kesra_audit (audit "
		    "trail: index, append-only triggers)\n") :
		    _("create table kesra_audit (audit trail, append-only)\n"));
	if (dry_run)
		return 0;
	if (sqlite3_exec(db_sqlite(db), audit_ddl, NULL, NULL, NULL) !=
	    SQLITE_OK)
		return util_err(err, "%s: kesra_audit: %s", db_path(db),
		    sqlite3_errmsg(db_sqlite(db)));
	return 0;
}

const char *
audit_client(void)
{
	static char buf[64];
	static int done;
	const char *v;
	size_t n;

	if (done)
		return buf;
	done = 1;
	if ((v = getenv("SSH_CLIENT")) == NULL || *v == '\0')
		v = getenv("SSH_CONNECTION");
	if (v == NULL)
		return buf;
	n = strcspn(v, " ");
	if (n >= sizeof buf)
		n = sizeof buf - 1;
	memcpy(buf, v, n);
	buf[n] = '\0';
	return buf;
}

static void
bind_opt(sqlite3_stmt *st, int i, const char *v)
{
	if (v != NULL)
		sqlite3_bind_text(st, i, v, -1, SQLITE_STATIC);
	else
		sqlite3_bind_null(st, i);
}

/*
 * The deferred rows (db_audit_defer): per row the 10 texts of
 * defer_text (NULL = none) and record_id, parent_id (0 = none).
 */
#define AUDIT_CHUNK 32
enum { D_AT, D_USER, D_CLIENT, D_RECORD, D_UUID, D_FIELD, D_OLD, D_NEW,
	D_REASON, D_ACTION, D_NTEXT };
struct drow {
	char *t[D_NTEXT];
	unsigned shared; /* bit k: t[k] is the row before's (not freed) */
	int64_t record_id, parent_id;
};
static struct {
	struct db *db; /* NULL: not deferring */
	struct drow *v;
	size_t n, cap;
} defer;

static char *
dup_opt(const char *s)
{
	return s != NULL ? xstrdup(s) : NULL;
}

/* Text s for place k of deferred row d (the last one): the row before's
 * when the same (then shared), else a copy. */
static char *
share_prev(struct drow *d, int k, const char *s)
{
	char *p;
	if (s == NULL)
		return NULL;
	if (d > defer.v && (p = d[-1].t[k]) != NULL && strcmp(p, s) == 0) {
		d->shared |= 1u << k;
		return p;
	}
	return xstrdup(s);
}

void
db_audit_defer(struct db *db)
{
	db_audit_discard();
	defer.db = db;
}

void
db_audit_discard(void)
{
	size_t i, k;
	for (i = 0; i < defer.n; i++)
		for (k = 0; k < D_NTEXT; k++)
			if (!(defer.v[i].shared & (1u << k)))
				free(defer.v[i].t[k]);
	free(defer.v);
	memset(&defer, 0, sizeof defer);
}

/* Bind row d from parameter p (12 values, as insert_sql has them). */
static void
bind_drow(sqlite3_stmt *st, int p, const struct drow *d)
{
	static const int text_at[] = {0, 1, 2, 3, -1, 5, -1, 7, 8, 9, 10, 11};
	static const int which[] = {D_AT, D_USER, D_CLIENT, D_RECORD, 0,
	    D_UUID, 0, D_FIELD, D_OLD, D_NEW, D_REASON, D_ACTION};
	int i;
	for (i = 0; i < 12; i++) {
		if (text_at[i] >= 0) {
			const char *v = d->t[which[i]];
			if (v != NULL)
				sqlite3_bind_text(st, p + i, v, -1,
				    SQLITE_STATIC);
			else
				sqlite3_bind_null(st, p + i);
		} else if (i == 4)
			sqlite3_bind_int64(st, p + i, d->record_id);
		else if (d->parent_id != 0)
			sqlite3_bind_int64(st, p + i, d->parent_id);
		else
			sqlite3_bind_null(st, p + i);
	}
}

int
db_audit_flush(struct db *db, char **err)
{
	struct sbuf sql = {0};
	sqlite3_stmt *st;
	size_t i = 0, k;
	int rc = 0;

	if (defer.db != db) {
		db_audit_discard();
		return 0;
	}
	while (rc == 0 && i < defer.n) {
		size_t n = defer.n - i >= AUDIT_CHUNK ? AUDIT_CHUNK : 1;
		sbuf_reset(&sql);
		sbuf_add(&sql, insert_sql);
		for (k = 1; k < n; k++)
			sbuf_add(&sql, ", (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)");
		if ((st = db_cached(db, sql.s, err)) == NULL) {
			rc = -1;
			break;
		}
		for (k = 0; k < n; k++)
			bind_drow(st, 1 + 12 * (int)k, &defer.v[i + k]);
		if (sqlite3_step(st) != SQLITE_DONE)
			rc = util_err(err, "%s: kesra_audit: %s", db_path(db),
			    sqlite3_errmsg(db_sqlite(db)));
		sqlite3_reset(st);
		sqlite3_clear_bindings(st);
		i += n;
	}
	sbuf_free(&sql);
	db_audit_discard();
	return rc;
}

int
db_audit_add(struct db *db, const char *now, const char *user,
    const struct audit_entry *e, char **err)
{
	sqlite3_stmt *st;
	const char *client = audit_client();
	int rc;

	if (defer.db == db) {
		struct drow *d;
		if (defer.n == defer.cap) {
			defer.cap = defer.cap ? defer.cap * 2 : 64;
			defer.v = xreallocarray(defer.v, defer.cap,
			    sizeof *defer.v);
		}
		d = &defer.v[defer.n++];
		memset(d, 0, sizeof *d);
		/* the texts every row of a batch repeats: the row before's */
		d->t[D_AT] = share_prev(d, D_AT, now);
		d->t[D_USER] = share_prev(d, D_USER, user);
		d->t[D_CLIENT] = share_prev(d, D_CLIENT, *client != '\0' ?
		    client : NULL);
		d->t[D_RECORD] = share_prev(d, D_RECORD, e->record);
		d->t[D_UUID] = dup_opt(e->uuid != NULL && *e->uuid != '\0' ?
		    e->uuid : NULL);
		d->t[D_FIELD] = dup_opt(e->field);
		d->t[D_OLD] = dup_opt(e->old_value);
		d->t[D_NEW] = dup_opt(e->new_value);
		d->t[D_REASON] = dup_opt(e->reason);
		d->t[D_ACTION] = share_prev(d, D_ACTION, e->action);
		d->record_id = e->record_id;
		d->parent_id = e->parent_id;
		return 0;
	}
	if ((st = db_cached(db, insert_sql, err)) == NULL)
		return -1;
	sqlite3_bind_text(st, 1, now, -1, SQLITE_STATIC);
	bind_opt(st, 2, user);
	bind_opt(st, 3, *client != '\0' ? client : NULL);
	sqlite3_bind_text(st, 4, e->record, -1, SQLITE_STATIC);
	sqlite3_bind_int64(st, 5, e->record_id);
	bind_opt(st, 6, e->uuid != NULL && *e->uuid != '\0' ? e->uuid : NULL);
	if (e->parent_id != 0)
		sqlite3_bind_int64(st, 7, e->parent_id);
	else
		sqlite3_bind_null(st, 7);
	bind_opt(st, 8, e->field);
	bind_opt(st, 9, e->old_value);
	bind_opt(st, 10, e->new_value);
	bind_opt(st, 11, e->reason);
	sqlite3_bind_text(st, 12, e->action, -1, SQLITE_STATIC);
	rc = sqlite3_step(st);
	sqlite3_reset(st);
	sqlite3_clear_bindings(st);
	if (rc != SQLITE_DONE)
		return util_err(err, "%s: kesra_audit: %s", db_path(db),
		    sqlite3_errmsg(db_sqlite(db)));
	return 0;
}

static void
row_clear(struct audit_row *r)
{
	free(r->at);
	free(r->user);
	free(r->client);
	free(r->record);
	free(r->uuid);
	free(r->field);
	free(r->old_value);
	free(r->new_value);
	free(r->reason);
	free(r->action);
}

void
audit_rows_free(struct audit_row *rows, size_t n)
{
	size_t i;
	for (i = 0; i < n; i++)
		row_clear(&rows[i]);
	free(rows);
}

static char *
col(sqlite3_stmt *st, int i)
{
	const unsigned char *t = sqlite3_column_text(st, i);
	return t != NULL ? xstrdup((const char *)t) : NULL;
}

/*
 * Rows written without a uuid (the bulk rows of db_set_audit_bulk: one per
 * household of a demo or an import) get the record's from its table:
 * records are never removed, only marked deleted. SQLITE_DONE or an error.
 */
static int
fill_uuids(struct db *db, struct audit_row *rows, size_t n)
{
	const struct schema *s = db_schema(db);
	sqlite3_stmt *st;
	size_t i, j;
	int rc = SQLITE_DONE;

	for (i = 0; i < s->nrecords && rc == SQLITE_DONE; i++) {
		const char *name = s->records[i].name;
		char *sql;
		for (j = 0; j < n; j++)
			if (rows[j].uuid == NULL && rows[j].record != NULL &&
			    strcmp(rows[j].record, name) == 0)
				break;
		if (j == n)
			continue;
		sql = xasprintf("SELECT uuid FROM \"%s\" WHERE id = ?", name);
		rc = sqlite3_prepare_v2(db_sqlite(db), sql, -1, &st, NULL);
		free(sql);
		if (rc != SQLITE_OK)
			return rc;
		rc = SQLITE_DONE;
		for (; j < n && rc == SQLITE_DONE; j++) {
			if (rows[j].uuid != NULL || rows[j].record == NULL ||
			    strcmp(rows[j].record, name) != 0)
				continue;
			sqlite3_bind_int64(st, 1, rows[j].record_id);
			if ((rc = sqlite3_step(st)) == SQLITE_ROW) {
				rows[j].uuid = col(st, 0);
				rc = SQLITE_DONE;
			}
			sqlite3_reset(st);
		}
		sqlite3_finalize(st);
	}
	return rc;
}

/* Append a copy of r to *out, with field and new value replaced. */
static void
row_push(struct audit_row **out, size_t *n, size_t *cap,
    const struct audit_row *r, const char *field, const char *value)
{
	struct audit_row *o;
	if (*n == *cap) {
		*cap = *cap ? *cap * 2 : 32;
		*out = xreallocarray(*out, *cap, sizeof **out);
	}
	o = &(*out)[(*n)++];
	*o = *r;
	o->at = r->at != NULL ? xstrdup(r->at) : NULL;
	o->user = r->user != NULL ? xstrdup(r->user) : NULL;
	o->client = r->client != NULL ? xstrdup(r->client) : NULL;
	o->record = r->record != NULL ? xstrdup(r->record) : NULL;
	o->uuid = r->uuid != NULL ? xstrdup(r->uuid) : NULL;
	o->field = field != NULL ? xstrdup(field) : NULL;
	o->old_value = r->old_value != NULL ? xstrdup(r->old_value) : NULL;
	o->new_value = value != NULL ? xstrdup(value) : NULL;
	o->reason = r->reason != NULL ? xstrdup(r->reason) : NULL;
	o->action = r->action != NULL ? xstrdup(r->action) : NULL;
}

/* A stored column as text (reals as db.c writes them), or NULL. */
static char *
col_text(sqlite3_stmt *st, int i)
{
	char buf[40];
	if (sqlite3_column_type(st, i) == SQLITE_FLOAT) {
		util_fmt_double(sqlite3_column_double(st, i), buf, sizeof buf);
		return xstrdup(buf);
	}
	return col(st, i);
}

/*
 * The values record r (an insert row of the whole record) was given, in
 * dictionary order, appended to *out as one insert row per field with a
 * value. 0 when r was expanded, 1 when it is to be kept as it is (no such
 * record type or row, no value), -1 with *err.
 */
static int
expand_insert(struct db *db, const struct audit_row *r,
    struct audit_row **out, size_t *n, size_t *cap, char **err)
{
	const struct sch_record *def = schema_record(db_schema(db), r->record);
	struct sbuf b = {0};
	sqlite3_stmt *st, *up;
	char **val;
	size_t i, k, nf, got = 0;
	int rc = 1;

	if (def == NULL)
		return 1;
	sbuf_add(&b, "SELECT 1");
	for (i = 0, nf = 0; i < def->nfields; i++)
		if (schema_field_stored(&def->fields[i])) {
			sbuf_addf(&b, ", \"%s\"", def->fields[i].name);
			nf++;
		}
	sbuf_addf(&b, " FROM \"%s\" WHERE id = ?", def->name);
	st = db_cached(db, b.s, err);
	sbuf_free(&b);
	if (st == NULL) {
		/* no such table or column here: the row as it is */
		free(*err);
		*err = NULL;
		return 1;
	}
	sqlite3_bind_int64(st, 1, r->record_id);
	if (sqlite3_step(st) != SQLITE_ROW) {
		sqlite3_reset(st);
		return 1;
	}
	val = xcalloc(nf + 1, sizeof *val);
	for (k = 0; k < nf; k++)
		val[k] = col_text(st, (int)k + 1);
	sqlite3_reset(st);
	/* The first update of a field after the insert has its old value. */
	if ((up = db_cached(db, "SELECT field, old_value FROM kesra_audit "
	    "WHERE record_id = ? AND record = ? AND action = 'update' AND "
	    "seq > ? ORDER BY seq", err)) == NULL) {
		rc = -1;
		goto out;
	}
	sqlite3_bind_int64(up, 1, r->record_id);
	sqlite3_bind_text(up, 2, r->record, -1, SQLITE_STATIC);
	sqlite3_bind_int64(up, 3, r->seq);
	{
		char *seen = xcalloc(nf + 1, 1);
		int s;
		while ((s = sqlite3_step(up)) == SQLITE_ROW) {
			const char *f = (const char *)sqlite3_column_text(up,
			    0);
			for (i = 0, k = 0; f != NULL && i < def->nfields; i++) {
				if (!schema_field_stored(&def->fields[i]))
					continue;
				if (strcmp(def->fields[i].name, f) == 0) {
					if (!seen[k]) {
						seen[k] = 1;
						free(val[k]);
						val[k] = col_text(up, 1);
					}
					break;
				}
				k++;
			}
		}
		free(seen);
		sqlite3_reset(up);
		if (s != SQLITE_DONE) {
			rc = util_err(err, "%s: kesra_audit: %s", db_path(db),
			    sqlite3_errmsg(db_sqlite(db)));
			goto out;
		}
	}
	for (i = 0, k = 0; i < def->nfields; i++) {
		if (!schema_field_stored(&def->fields[i]))
			continue;
		if (val[k] != NULL) {
			row_push(out, n, cap, r, def->fields[i].name, val[k]);
			got++;
		}
		k++;
	}
	rc = got > 0 ? 0 : 1;
out:
	for (k = 0; k < nf; k++)
		free(val[k]);
	free(val);
	return rc;
}

/* The history of one record: its insert rows shown per field. */
static int
expand_inserts(struct db *db, struct audit_row **rows, size_t *n, int limit,
    char **err)
{
	struct audit_row *out = NULL;
	size_t i, m = 0, cap = 0;
	int k;

	for (i = 0; i < *n; i++) {
		struct audit_row *r = &(*rows)[i];
		k = 1;
		if (r->field == NULL && r->action != NULL &&
		    strcmp(r->action, "insert") == 0 && r->record != NULL &&
		    (k = expand_insert(db, r, &out, &m, &cap, err)) < 0) {
			audit_rows_free(out, m);
			return -1;
		}
		if (k == 1)
			row_push(&out, &m, &cap, r, r->field, r->new_value);
	}
	for (; limit > 0 && m > (size_t)limit; m--)
		row_clear(&out[m - 1]);
	audit_rows_free(*rows, *n);
	*rows = out;
	*n = m;
	return 0;
}

int
db_audit_list(struct db *db, const struct audit_query *q,
    struct audit_row **rows, size_t *n, char **err)
{
	struct sbuf b = {0};
	sqlite3_stmt *st;
	size_t cap = 0;
	int rc;

	*rows = NULL;
	*n = 0;
	if (!db_audit_exists(db))
		return 0;
	sbuf_add(&b, "SELECT seq, at, user, client, record, record_id, uuid, "
	    "parent_id, field, old_value, new_value, reason, action FROM "
	    "kesra_audit WHERE 1");
	if (q->record_id != 0)
		sbuf_add(&b, " AND ((record_id = ?1 AND parent_id IS NULL AND "
		    "record IS coalesce(?2, record)) OR parent_id = ?1)");
	if (q->user != NULL)
		sbuf_add(&b, " AND user = ?3");
	if (q->since != NULL)
		sbuf_add(&b, " AND at >= ?4");
	sbuf_add(&b, " ORDER BY seq");
	if (q->limit > 0)
		sbuf_add(&b, " LIMIT ?5");
	if (sqlite3_prepare_v2(db_sqlite(db), b.s, -1, &st, NULL) !=
	    SQLITE_OK) {
		sbuf_free(&b);
		return util_err(err, "%s: kesra_audit: %s", db_path(db),
		    sqlite3_errmsg(db_sqlite(db)));
	}
	sbuf_free(&b);
	if (q->record_id != 0) {
		sqlite3_bind_int64(st, 1, q->record_id);
		bind_opt(st, 2, q->record);
	}
	if (q->user != NULL)
		sqlite3_bind_text(st, 3, q->user, -1, SQLITE_STATIC);
	if (q->since != NULL)
		sqlite3_bind_text(st, 4, q->since, -1, SQLITE_STATIC);
	if (q->limit > 0)
		sqlite3_bind_int(st, 5, q->limit);
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		struct audit_row *r;
		if (*n == cap) {
			cap = cap ? cap * 2 : 32;
			*rows = xreallocarray(*rows, cap, sizeof **rows);
		}
		r = &(*rows)[(*n)++];
		r->seq = sqlite3_column_int64(st, 0);
		r->at = col(st, 1);
		r->user = col(st, 2);
		r->client = col(st, 3);
		r->record = col(st, 4);
		r->record_id = sqlite3_column_int64(st, 5);
		r->uuid = col(st, 6);
		r->parent_id = sqlite3_column_int64(st, 7);
		r->field = col(st, 8);
		r->old_value = col(st, 9);
		r->new_value = col(st, 10);
		r->reason = col(st, 11);
		r->action = col(st, 12);
	}
	sqlite3_finalize(st);
	if (rc == SQLITE_DONE)
		rc = fill_uuids(db, *rows, *n);
	if (rc != SQLITE_DONE) {
		audit_rows_free(*rows, *n);
		*rows = NULL;
		*n = 0;
		return util_err(err, "%s: kesra_audit: %s", db_path(db),
		    sqlite3_errmsg(db_sqlite(db)));
	}
	if (q->record_id != 0 && expand_inserts(db, rows, n, q->limit,
	    err) < 0) {
		audit_rows_free(*rows, *n);
		*rows = NULL;
		*n = 0;
		return -1;
	}
	return 0;
}
