/*
 * db: the connection, identity checks, migration from the schema, and record
 * reads and writes.
 *
 * Invariants: every statement is prepared with bound values; SQL text is
 * assembled only from dictionary identifiers (checked by schema) and fixed
 * keywords. Every write happens inside BEGIN IMMEDIATE ... COMMIT, so a
 * failure leaves nothing half-written.
 */
#include "db.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <sqlite3.h>

#include "i18n.h"

struct db {
	sqlite3 *h;
	char *path;
	const struct schema *s;
	int readonly;
	int busy_ms;
};

static int
db_fail(struct db *db, char **err, const char *what)
{
	int code = sqlite3_extended_errcode(db->h);
	if ((code & 0xff) == SQLITE_BUSY || (code & 0xff) == SQLITE_LOCKED)
		return util_err(err, _("%s: the database is locked by another "
		    "process (waited %d ms); try again"), db->path,
		    db->busy_ms);
	if ((code & 0xff) == SQLITE_READONLY)
		return util_err(err, _("%s: the database is read-only"),
		    db->path);
	if ((code & 0xff) == SQLITE_FULL)
		return util_err(err, _("%s: the disk is full"), db->path);
	return util_err(err, "%s: %s: %s", db->path, what, sqlite3_errmsg(db->h));
}

static int
exec(struct db *db, const char *sql, char **err)
{
	char *msg = NULL;
	if (sqlite3_exec(db->h, sql, NULL, NULL, &msg) != SQLITE_OK) {
		int rc = db_fail(db, err, sql);
		sqlite3_free(msg);
		return rc;
	}
	return 0;
}

static sqlite3_stmt *
prepare(struct db *db, const char *sql, char **err)
{
	sqlite3_stmt *st = NULL;
	if (sqlite3_prepare_v2(db->h, sql, -1, &st, NULL) != SQLITE_OK) {
		db_fail(db, err, "prepare");
		return NULL;
	}
	return st;
}

/* First column of a one-row query as an integer; def when no row. */
static int64_t
query_int(struct db *db, const char *sql, int64_t def, int *rc)
{
	sqlite3_stmt *st;
	int64_t v = def;
	*rc = sqlite3_prepare_v2(db->h, sql, -1, &st, NULL);
	if (*rc != SQLITE_OK)
		return def;
	*rc = sqlite3_step(st);
	if (*rc == SQLITE_ROW) {
		v = sqlite3_column_int64(st, 0);
		*rc = SQLITE_OK;
	} else if (*rc == SQLITE_DONE)
		*rc = SQLITE_OK;
	sqlite3_finalize(st);
	return v;
}

static int
table_exists(struct db *db, const char *name)
{
	sqlite3_stmt *st;
	int found = 0;
	if (sqlite3_prepare_v2(db->h, "SELECT 1 FROM sqlite_schema WHERE "
	    "type = 'table' AND name = ?", -1, &st, NULL) != SQLITE_OK)
		return 0;
	sqlite3_bind_text(st, 1, name, -1, SQLITE_STATIC);
	found = sqlite3_step(st) == SQLITE_ROW;
	sqlite3_finalize(st);
	return found;
}

char *
db_meta_get(struct db *db, const char *key)
{
	sqlite3_stmt *st;
	char *v = NULL;
	if (!table_exists(db, "kesra_meta"))
		return NULL;
	if (sqlite3_prepare_v2(db->h, "SELECT value FROM kesra_meta WHERE "
	    "key = ?", -1, &st, NULL) != SQLITE_OK)
		return NULL;
	sqlite3_bind_text(st, 1, key, -1, SQLITE_STATIC);
	if (sqlite3_step(st) == SQLITE_ROW && sqlite3_column_text(st, 0) != NULL)
		v = xstrdup((const char *)sqlite3_column_text(st, 0));
	sqlite3_finalize(st);
	return v;
}

static int
meta_set(struct db *db, const char *key, const char *value, char **err)
{
	sqlite3_stmt *st = prepare(db, "INSERT INTO kesra_meta (key, value) "
	    "VALUES (?, ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value",
	    err);
	int rc;
	if (st == NULL)
		return -1;
	sqlite3_bind_text(st, 1, key, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 2, value, -1, SQLITE_STATIC);
	rc = sqlite3_step(st);
	sqlite3_finalize(st);
	return rc == SQLITE_DONE ? 0 : db_fail(db, err, "kesra_meta");
}

/* Check that the open file is ours (or empty) and of this dictionary. */
static int
check_identity(struct db *db, char **err)
{
	int rc;
	int64_t app, ver, ntables;
	char *dict;

	ntables = query_int(db, "SELECT count(*) FROM sqlite_schema", 0, &rc);
	if (rc != SQLITE_OK) {
		if (rc == SQLITE_NOTADB)
			return util_err(err, _("%s is not a kesra database (not "
			    "an SQLite file)"), db->path);
		return db_fail(db, err, "read");
	}
	app = query_int(db, "PRAGMA application_id", 0, &rc);
	ver = query_int(db, "PRAGMA user_version", 0, &rc);
	if (ntables == 0 && app == 0)
		return 0; /* a new, empty file */
	if (app != DB_APPLICATION_ID)
		return util_err(err, _("%s is an SQLite database of another "
		    "program, not kesra; refusing to touch it"), db->path);
	if (ver > DB_STORAGE_VERSION)
		return util_err(err, _("%s was written by a newer kesra (storage "
		    "version %lld, this one knows %d); upgrade kesra"), db->path,
		    (long long)ver, DB_STORAGE_VERSION);
	dict = db_meta_get(db, "dictionary");
	if (dict != NULL && strcmp(dict, db->s->name) != 0) {
		char *sd = util_sanitize(dict, 0);
		util_err(err, _("%s was created with dictionary '%s', not '%s'; "
		    "use --schema for that dictionary or another --db"),
		    db->path, sd, db->s->name);
		free(sd);
		free(dict);
		return -1;
	}
	free(dict);
	return 0;
}

int
db_open(struct db **out, const char *path, const struct schema *s, int flags,
    char **err)
{
	struct db *db;
	struct stat sb;
	int oflags, ms = 5000;
	const char *env;

	*out = NULL;
	if (stat(path, &sb) == 0 && S_ISDIR(sb.st_mode))
		return util_err(err, _("%s is a folder, not a database file"),
		    path);
	if (!(flags & DB_OPEN_CREATE) && access(path, F_OK) != 0)
		return util_err(err, _("%s: no database here (run 'kesra init' "
		    "to create it)"), path);
	db = xcalloc(1, sizeof *db);
	db->path = xstrdup(path);
	db->s = s;
	db->readonly = (flags & DB_OPEN_READONLY) != 0;
	oflags = db->readonly ? SQLITE_OPEN_READONLY :
	    SQLITE_OPEN_READWRITE | ((flags & DB_OPEN_CREATE) ?
	    SQLITE_OPEN_CREATE : 0);
	if (sqlite3_open_v2(path, &db->h, oflags | SQLITE_OPEN_NOFOLLOW,
	    NULL) != SQLITE_OK) {
		if (db->h == NULL)
			util_fatal("out of memory");
		util_err(err, _("%s: cannot open the database: %s"), path,
		    access(path, F_OK) == 0 ? sqlite3_errmsg(db->h) :
		    strerror(errno ? errno : EACCES));
		db_close(db);
		return -1;
	}
	sqlite3_extended_result_codes(db->h, 1);
	if ((env = getenv("KESRA_BUSY_TIMEOUT_MS")) != NULL && atoi(env) >= 0)
		ms = atoi(env);
	db->busy_ms = ms;
	sqlite3_busy_timeout(db->h, ms);
	if (check_identity(db, err) < 0) {
		db_close(db);
		return -1;
	}
	if (exec(db, "PRAGMA foreign_keys = ON", err) < 0 ||
	    (!db->readonly && (exec(db, "PRAGMA journal_mode = WAL", err) < 0 ||
	    exec(db, "PRAGMA synchronous = FULL", err) < 0))) {
		db_close(db);
		return -1;
	}
	*out = db;
	return 0;
}

void
db_close(struct db *db)
{
	if (db == NULL)
		return;
	sqlite3_close(db->h);
	free(db->path);
	free(db);
}

sqlite3 *
db_sqlite(struct db *db)
{
	return db->h;
}

const char *
db_path(const struct db *db)
{
	return db->path;
}

const struct schema *
db_schema(const struct db *db)
{
	return db->s;
}

int
db_is_current(struct db *db)
{
	char *h = db_meta_get(db, "hash");
	int ok = h != NULL && strcmp(h, db->s->hash) == 0;
	free(h);
	return ok;
}

/* The columns kesra keeps in every record table, before the fields. */
static const char system_columns[] =
    "id INTEGER PRIMARY KEY, uuid TEXT NOT NULL UNIQUE, "
    "parent_id INTEGER%s, status TEXT NOT NULL DEFAULT 'draft', "
    "rev INTEGER NOT NULL DEFAULT 1, created_at TEXT NOT NULL, "
    "created_by TEXT, updated_at TEXT, updated_by TEXT, deleted_at TEXT";

static int
create_table(struct db *db, const struct sch_record *r, char **err)
{
	struct sbuf b = {0};
	char *fk = r->parent != NULL ? xasprintf(" REFERENCES \"%s\" (id)",
	    r->parent) : xstrdup("");
	size_t i;
	int rc;

	sbuf_addf(&b, "CREATE TABLE \"%s\" (", r->name);
	sbuf_addf(&b, system_columns, fk);
	for (i = 0; i < r->nfields; i++)
		sbuf_addf(&b, ", \"%s\" %s", r->fields[i].name,
		    schema_field_sql_type(&r->fields[i]));
	sbuf_add(&b, ") STRICT");
	rc = exec(db, b.s, err);
	if (rc == 0 && r->parent != NULL) {
		sbuf_reset(&b);
		sbuf_addf(&b, "CREATE INDEX \"%s_parent\" ON \"%s\" (parent_id)",
		    r->name, r->name);
		rc = exec(db, b.s, err);
	}
	free(fk);
	sbuf_free(&b);
	return rc;
}

/* Compare an existing table with the record; add the missing columns. */
static int
extend_table(struct db *db, const struct sch_record *r, int dry_run,
    struct sbuf *plan, char **err)
{
	struct sbuf b = {0};
	sqlite3_stmt *st;
	char **names = NULL, **types = NULL;
	size_t n = 0, i, j;
	int rc = 0;

	sbuf_addf(&b, "PRAGMA table_info(\"%s\")", r->name);
	if ((st = prepare(db, b.s, err)) == NULL) {
		sbuf_free(&b);
		return -1;
	}
	while (sqlite3_step(st) == SQLITE_ROW) {
		const char *cn = (const char *)sqlite3_column_text(st, 1);
		const char *ct = (const char *)sqlite3_column_text(st, 2);
		names = xreallocarray(names, n + 1, sizeof *names);
		types = xreallocarray(types, n + 1, sizeof *types);
		names[n] = xstrdup(cn != NULL ? cn : "");
		types[n] = xstrdup(ct != NULL ? ct : "");
		n++;
	}
	sqlite3_finalize(st);

	for (i = 0; i < r->nfields && rc == 0; i++) {
		const struct sch_field *f = &r->fields[i];
		const char *want = schema_field_sql_type(f);
		for (j = 0; j < n; j++)
			if (strcmp(names[j], f->name) == 0)
				break;
		if (j < n) {
			if (strcasecmp(types[j], want) != 0)
				rc = util_err(err, _("field '%s' of record '%s' "
				    "changed its stored type from %s to %s: "
				    "incompatible with the data kept; give the "
				    "field a new name"), f->name, r->name,
				    types[j], want);
			continue;
		}
		if (plan != NULL)
			sbuf_addf(plan, _("add column %s.%s %s\n"), r->name,
			    f->name, want);
		if (!dry_run) {
			sbuf_reset(&b);
			sbuf_addf(&b, "ALTER TABLE \"%s\" ADD COLUMN \"%s\" %s",
			    r->name, f->name, want);
			rc = exec(db, b.s, err);
		}
	}
	for (j = 0; j < n && plan != NULL; j++) {
		int known = schema_field_index(r, names[j]) >= 0 ||
		    schema_reserved_name(names[j]);
		if (!known)
			sbuf_addf(plan, _("keep column %s.%s (not in the "
			    "dictionary; data kept)\n"), r->name, names[j]);
	}
	for (j = 0; j < n; j++) {
		free(names[j]);
		free(types[j]);
	}
	free(names);
	free(types);
	sbuf_free(&b);
	return rc;
}

int
db_migrate(struct db *db, int dry_run, struct sbuf *plan, char **err)
{
	const struct schema *s = db->s;
	char *ver;
	char vbuf[32], now[32];
	size_t i;
	int fresh;

	if (db->readonly && !dry_run)
		return util_err(err, _("%s: the database is read-only"),
		    db->path);
	if (exec(db, "BEGIN IMMEDIATE", err) < 0)
		return -1;
	fresh = !table_exists(db, "kesra_meta");
	ver = db_meta_get(db, "version");
	if (ver != NULL && atoi(ver) > s->version) {
		util_err(err, _("%s was migrated to version %s of dictionary "
		    "'%s'; this dictionary is the older version %d"),
		    db->path, ver, s->name, s->version);
		free(ver);
		goto fail;
	}
	free(ver);
	if (fresh) {
		if (plan != NULL)
			sbuf_addf(plan, _("create database for dictionary %s "
			    "version %d\n"), s->name, s->version);
		if (!dry_run && (exec(db, "PRAGMA application_id = 1262834514",
		    err) < 0 || exec(db, "PRAGMA user_version = 1", err) < 0 ||
		    exec(db, "CREATE TABLE kesra_meta (key TEXT PRIMARY KEY, "
		    "value TEXT) STRICT", err) < 0))
			goto fail;
	}
	/* Parents before their rosters, for the foreign keys. */
	for (i = 0; i < s->nrecords; i++) {
		const struct sch_record *r = &s->records[i];
		if (table_exists(db, r->name)) {
			if (extend_table(db, r, dry_run, plan, err) < 0)
				goto fail;
			continue;
		}
		if (plan != NULL)
			sbuf_addf(plan, _("create table %s (%zu fields)\n"),
			    r->name, r->nfields);
		if (!dry_run && create_table(db, r, err) < 0)
			goto fail;
	}
	if (!dry_run) {
		snprintf(vbuf, sizeof vbuf, "%d", s->version);
		util_now(now, sizeof now);
		if (meta_set(db, "dictionary", s->name, err) < 0 ||
		    meta_set(db, "version", vbuf, err) < 0 ||
		    meta_set(db, "hash", s->hash, err) < 0 ||
		    meta_set(db, "migrated_at", now, err) < 0)
			goto fail;
		if (fresh && meta_set(db, "created_at", now, err) < 0)
			goto fail;
	}
	if (exec(db, dry_run ? "ROLLBACK" : "COMMIT", err) < 0)
		goto fail;
	return 0;
fail:
	sqlite3_exec(db->h, "ROLLBACK", NULL, NULL, NULL);
	return -1;
}

static void
bind_value(sqlite3_stmt *st, int idx, const struct sch_field *f,
    const char *v)
{
	const char *t = schema_field_sql_type(f);
	if (v == NULL)
		sqlite3_bind_null(st, idx);
	else if (strcmp(t, "INTEGER") == 0)
		sqlite3_bind_int64(st, idx, strtoll(v, NULL, 10));
	else if (strcmp(t, "REAL") == 0)
		sqlite3_bind_double(st, idx, strtod(v, NULL));
	else
		sqlite3_bind_text(st, idx, v, -1, SQLITE_TRANSIENT);
}

/* The stored text form of column col (NULL for NULL). Caller frees. */
static char *
column_value(sqlite3_stmt *st, int col)
{
	char buf[40];
	switch (sqlite3_column_type(st, col)) {
	case SQLITE_NULL:
		return NULL;
	case SQLITE_FLOAT:
		util_fmt_double(sqlite3_column_double(st, col), buf, sizeof buf);
		return xstrdup(buf);
	default: {
		const unsigned char *t = sqlite3_column_text(st, col);
		int n = sqlite3_column_bytes(st, col);
		return t != NULL ? xstrndup((const char *)t, (size_t)n) : NULL;
	}
	}
}

static int
conflict(struct db *db, struct record *r, char **err)
{
	struct sbuf b = {0};
	sqlite3_stmt *st;
	int rc;

	sbuf_addf(&b, "SELECT updated_by, updated_at, deleted_at FROM \"%s\" "
	    "WHERE id = ?", r->def->name);
	st = prepare(db, b.s, err);
	sbuf_free(&b);
	if (st == NULL)
		return -1;
	sqlite3_bind_int64(st, 1, r->id);
	if (sqlite3_step(st) != SQLITE_ROW)
		rc = util_err(err, _("record %lld no longer exists"),
		    (long long)r->id);
	else if (sqlite3_column_type(st, 2) != SQLITE_NULL)
		rc = util_err(err, _("record %lld was deleted"),
		    (long long)r->id);
	else {
		char *who = util_sanitize((const char *)sqlite3_column_text(st,
		    0), 0);
		char *when = util_sanitize((const char *)sqlite3_column_text(st,
		    1), 0);
		rc = util_err(err, _("changed by %s at %s; reopen the record"),
		    who, when);
		free(who);
		free(when);
	}
	sqlite3_finalize(st);
	return rc;
}

int
db_record_save(struct db *db, struct record *r, const char *user, char **err)
{
	const struct sch_record *def = r->def;
	struct sbuf b = {0};
	sqlite3_stmt *st = NULL;
	char now[32], uuid[37];
	size_t i;
	int k, rc = -1;

	if (db->readonly)
		return util_err(err, _("%s: the database is read-only"),
		    db->path);
	util_now(now, sizeof now);
	if (r->id == 0) {
		util_uuid(uuid, sizeof uuid);
		sbuf_addf(&b, "INSERT INTO \"%s\" (uuid, parent_id, status, rev, "
		    "created_at, created_by, updated_at, updated_by", def->name);
		for (i = 0; i < def->nfields; i++)
			sbuf_addf(&b, ", \"%s\"", def->fields[i].name);
		sbuf_add(&b, ") VALUES (?, ?, ?, 1, ?, ?, ?, ?");
		for (i = 0; i < def->nfields; i++)
			sbuf_add(&b, ", ?");
		sbuf_add(&b, ")");
	} else {
		sbuf_addf(&b, "UPDATE \"%s\" SET status = ?, rev = rev + 1, "
		    "updated_at = ?, updated_by = ?", def->name);
		for (i = 0; i < def->nfields; i++)
			sbuf_addf(&b, ", \"%s\" = ?", def->fields[i].name);
		sbuf_add(&b, " WHERE id = ? AND rev = ? AND deleted_at IS NULL");
	}
	if (exec(db, "BEGIN IMMEDIATE", err) < 0) {
		sbuf_free(&b);
		return -1;
	}
	if ((st = prepare(db, b.s, err)) == NULL)
		goto out;
	k = 1;
	if (r->id == 0) {
		sqlite3_bind_text(st, k++, uuid, -1, SQLITE_STATIC);
		if (r->parent_id != 0)
			sqlite3_bind_int64(st, k++, r->parent_id);
		else
			sqlite3_bind_null(st, k++);
		sqlite3_bind_text(st, k++, r->status, -1, SQLITE_STATIC);
		sqlite3_bind_text(st, k++, now, -1, SQLITE_STATIC);
		sqlite3_bind_text(st, k++, user, -1, SQLITE_STATIC);
		sqlite3_bind_text(st, k++, now, -1, SQLITE_STATIC);
		sqlite3_bind_text(st, k++, user, -1, SQLITE_STATIC);
		for (i = 0; i < def->nfields; i++)
			bind_value(st, k++, &def->fields[i], r->val[i]);
	} else {
		sqlite3_bind_text(st, k++, r->status, -1, SQLITE_STATIC);
		sqlite3_bind_text(st, k++, now, -1, SQLITE_STATIC);
		sqlite3_bind_text(st, k++, user, -1, SQLITE_STATIC);
		for (i = 0; i < def->nfields; i++)
			bind_value(st, k++, &def->fields[i], r->val[i]);
		sqlite3_bind_int64(st, k++, r->id);
		sqlite3_bind_int64(st, k++, r->rev);
	}
	if (sqlite3_step(st) != SQLITE_DONE) {
		db_fail(db, err, def->name);
		goto out;
	}
	if (r->id != 0 && sqlite3_changes(db->h) == 0) {
		conflict(db, r, err);
		goto out;
	}
	if (exec(db, "COMMIT", err) < 0)
		goto out;
	if (r->id == 0) {
		r->id = sqlite3_last_insert_rowid(db->h);
		memcpy(r->uuid, uuid, sizeof r->uuid);
		r->rev = 1;
	} else
		r->rev++;
	free(r->updated_at);
	free(r->updated_by);
	r->updated_at = xstrdup(now);
	r->updated_by = xstrdup(user);
	rc = 0;
out:
	sqlite3_finalize(st);
	if (rc < 0)
		sqlite3_exec(db->h, "ROLLBACK", NULL, NULL, NULL);
	sbuf_free(&b);
	return rc;
}

int
db_record_load(struct db *db, const struct sch_record *def, int64_t id,
    struct record **out, char **err)
{
	struct sbuf b = {0};
	sqlite3_stmt *st;
	struct record *r;
	size_t i;
	int rc;

	*out = NULL;
	sbuf_add(&b, "SELECT id, uuid, parent_id, status, rev, updated_at, "
	    "updated_by");
	for (i = 0; i < def->nfields; i++)
		sbuf_addf(&b, ", \"%s\"", def->fields[i].name);
	sbuf_addf(&b, " FROM \"%s\" WHERE id = ? AND deleted_at IS NULL",
	    def->name);
	st = prepare(db, b.s, err);
	sbuf_free(&b);
	if (st == NULL)
		return -1;
	sqlite3_bind_int64(st, 1, id);
	rc = sqlite3_step(st);
	if (rc != SQLITE_ROW) {
		if (rc == SQLITE_DONE)
			util_err(err, _("%s %lld: no such record"), def->name,
			    (long long)id);
		else
			db_fail(db, err, def->name);
		sqlite3_finalize(st);
		return -1;
	}
	r = record_new(def);
	r->id = sqlite3_column_int64(st, 0);
	snprintf(r->uuid, sizeof r->uuid, "%s",
	    sqlite3_column_text(st, 1) ? (const char *)sqlite3_column_text(st,
	    1) : "");
	r->parent_id = sqlite3_column_int64(st, 2);
	snprintf(r->status, sizeof r->status, "%s",
	    sqlite3_column_text(st, 3) ? (const char *)sqlite3_column_text(st,
	    3) : "draft");
	r->rev = sqlite3_column_int64(st, 4);
	r->updated_at = column_value(st, 5);
	r->updated_by = column_value(st, 6);
	for (i = 0; i < def->nfields; i++)
		r->val[i] = column_value(st, 7 + (int)i);
	sqlite3_finalize(st);
	*out = r;
	return 0;
}

int
db_record_count(struct db *db, const struct sch_record *def, int64_t *n,
    char **err)
{
	struct sbuf b = {0};
	sqlite3_stmt *st;
	int rc;

	sbuf_addf(&b, "SELECT count(*) FROM \"%s\" WHERE deleted_at IS NULL",
	    def->name);
	st = prepare(db, b.s, err);
	sbuf_free(&b);
	if (st == NULL)
		return -1;
	rc = sqlite3_step(st);
	*n = rc == SQLITE_ROW ? sqlite3_column_int64(st, 0) : 0;
	sqlite3_finalize(st);
	return rc == SQLITE_ROW ? 0 : db_fail(db, err, def->name);
}

void
db_rows_free(struct db_row *rows, size_t n)
{
	size_t i;
	for (i = 0; i < n; i++) {
		free(rows[i].title);
		free(rows[i].updated_at);
	}
	free(rows);
}

struct title_ctx {
	int *col_of; /* field index -> result column, or -1 */
	char **vals;
};

static const char *
title_get(void *p, size_t field)
{
	struct title_ctx *c = p;
	return c->col_of[field] >= 0 ? c->vals[field] : NULL;
}

int
db_record_page(struct db *db, const struct sch_record *def, int64_t after,
    int backward, int limit, struct db_row **rows, size_t *n, char **err)
{
	struct sbuf b = {0};
	struct title_ctx tc;
	sqlite3_stmt *st;
	size_t i, cap = 0;
	int ncols = 0, rc;

	*rows = NULL;
	*n = 0;
	tc.col_of = xcalloc(def->nfields, sizeof *tc.col_of);
	tc.vals = xcalloc(def->nfields, sizeof *tc.vals);
	sbuf_add(&b, "SELECT id, status, updated_at");
	for (i = 0; i < def->nfields; i++) {
		char *pat = xasprintf("${%s}", def->fields[i].name);
		int used = def->title != NULL ? strstr(def->title, pat) != NULL :
		    i == 0;
		free(pat);
		tc.col_of[i] = used ? 3 + ncols++ : -1;
		if (used)
			sbuf_addf(&b, ", \"%s\"", def->fields[i].name);
	}
	sbuf_addf(&b, " FROM \"%s\" WHERE deleted_at IS NULL AND id %s ? "
	    "ORDER BY id %s LIMIT ?", def->name, backward ? "<" : ">",
	    backward ? "DESC" : "ASC");
	st = prepare(db, b.s, err);
	sbuf_free(&b);
	if (st == NULL) {
		free(tc.col_of);
		free(tc.vals);
		return -1;
	}
	sqlite3_bind_int64(st, 1, after);
	sqlite3_bind_int(st, 2, limit);
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		struct db_row *row;
		if (*n == cap) {
			cap = cap ? cap * 2 : 32;
			*rows = xreallocarray(*rows, cap, sizeof **rows);
		}
		row = &(*rows)[(*n)++];
		row->id = sqlite3_column_int64(st, 0);
		snprintf(row->status, sizeof row->status, "%s",
		    sqlite3_column_text(st, 1) ? (const char *)
		    sqlite3_column_text(st, 1) : "");
		row->updated_at = column_value(st, 2);
		for (i = 0; i < def->nfields; i++)
			tc.vals[i] = tc.col_of[i] >= 0 ?
			    column_value(st, tc.col_of[i]) : NULL;
		row->title = record_title(def, title_get, &tc);
		for (i = 0; i < def->nfields; i++) {
			free(tc.vals[i]);
			tc.vals[i] = NULL;
		}
	}
	sqlite3_finalize(st);
	free(tc.col_of);
	free(tc.vals);
	if (rc != SQLITE_DONE) {
		db_rows_free(*rows, *n);
		*rows = NULL;
		*n = 0;
		return db_fail(db, err, def->name);
	}
	if (backward) /* back to ascending order */
		for (i = 0; i < *n / 2; i++) {
			struct db_row t = (*rows)[i];
			(*rows)[i] = (*rows)[*n - 1 - i];
			(*rows)[*n - 1 - i] = t;
		}
	return 0;
}
