/*
 * db_transfer: the storage side of import, export and backup (see
 * transfer.h): a streaming SELECT of one record type with its system
 * columns, its parent's uuid and key and its accepted warnings; the
 * prepared look-ups and stamps of an import; the online backup and the
 * checked restore.
 *
 * Invariants: SQL text is built from dictionary identifiers only, values
 * are bound. A backup reads one snapshot (a read transaction held across
 * the steps) and never leaves a half-written file at its path. A restore
 * checks everything before its single write transaction.
 */
#include "transfer.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <sqlite3.h>

#include "i18n.h"

#define BACKUP_PAGES 256 /* pages copied per step */
#define BACKUP_BUSY_TRIES 20 /* steps in a row refused by a lock */
/*
 * Page cache of an import (KiB): large enough to keep the indexes' pages
 * of a big transaction, bounded so that memory does not grow with the
 * file (a 100 MB import stays under 80 MB resident).
 */
#define IMPORT_CACHE_KB 32768

static int
fail(sqlite3 *h, char **err, const char *what)
{
	return util_err(err, "%s: %s", what, sqlite3_errmsg(h));
}

int
db_record_key(const struct sch_record *def)
{
	size_t i;
	for (i = 0; i < def->nfields; i++)
		if (def->fields[i].unique && schema_field_stored(&def->fields[i]))
			return (int)i;
	return -1;
}

static int
has_table(sqlite3 *h, const char *name)
{
	sqlite3_stmt *st;
	int found;
	if (sqlite3_prepare_v2(h, "SELECT 1 FROM sqlite_schema WHERE type = "
	    "'table' AND name = ?", -1, &st, NULL) != SQLITE_OK)
		return 0;
	sqlite3_bind_text(st, 1, name, -1, SQLITE_STATIC);
	found = sqlite3_step(st) == SQLITE_ROW;
	sqlite3_finalize(st);
	return found;
}

/* ---- export ------------------------------------------------------------ */

/* 1 when some record of type def has an accepted warning. */
static int
any_accepted(sqlite3 *h, const struct sch_record *def)
{
	sqlite3_stmt *st;
	int found = 1;
	if (sqlite3_prepare_v2(h, "SELECT 1 FROM kesra_accept WHERE record = ? "
	    "LIMIT 1", -1, &st, NULL) != SQLITE_OK)
		return 1;
	sqlite3_bind_text(st, 1, def->name, -1, SQLITE_STATIC);
	found = sqlite3_step(st) == SQLITE_ROW;
	sqlite3_finalize(st);
	return found;
}

struct db_export {
	sqlite3 *h;
	sqlite3_stmt *st;
	char **names;
	int *field;
	size_t n;
	const char **vals; /* current row: borrowed from st, or fbuf */
	char (*fbuf)[40];  /* reals as text, per column */
};

static void
col_add(struct db_export *x, char *name, int field)
{
	x->names = xreallocarray(x->names, x->n + 1, sizeof *x->names);
	x->field = xreallocarray(x->field, x->n + 1, sizeof *x->field);
	x->names[x->n] = name;
	x->field[x->n] = field;
	x->n++;
}

int
db_export_open(struct db *db, const struct sch_record *def,
    struct db_export **out, char **err)
{
	const struct schema *s = db_schema(db);
	const struct sch_record *par = NULL;
	static const char *const sys[] = {"uuid", "status", "created_at",
	    "created_by", "updated_at", "updated_by"};
	struct db_export *x = xcalloc(1, sizeof *x);
	struct sbuf b = {0};
	size_t i;
	int key = -1;

	x->h = db_sqlite(db);
	*out = NULL;
	if (def->parent != NULL && (par = schema_record(s, def->parent)) !=
	    NULL)
		key = db_record_key(par);
	sbuf_add(&b, "SELECT");
	for (i = 0; i < sizeof sys / sizeof sys[0]; i++) {
		sbuf_addf(&b, "%s t.%s", i ? "," : "", sys[i]);
		col_add(x, xstrdup(sys[i]), -1);
	}
	if (par != NULL) {
		sbuf_add(&b, ", p.uuid");
		col_add(x, xasprintf("%s.uuid", par->name), -1);
		if (key >= 0) {
			sbuf_addf(&b, ", p.\"%s\"", par->fields[key].name);
			col_add(x, xasprintf("%s.%s", par->name,
			    par->fields[key].name), -1);
		}
		sbuf_add(&b, ", t.ord");
		col_add(x, xstrdup("ord"), -1);
	}
	for (i = 0; i < def->nfields; i++)
		if (schema_field_stored(&def->fields[i])) {
			sbuf_addf(&b, ", t.\"%s\"", def->fields[i].name);
			col_add(x, xstrdup(def->fields[i].name), (int)i);
		}
	/* Accepted warnings, rule order, as "rule=reason" lines. */
	if (has_table(x->h, "kesra_accept") && any_accepted(x->h, def))
		sbuf_add(&b, ", (SELECT group_concat(rule || '=' || "
		    "replace(replace(replace(reason, '\\', '\\\\'), char(10), "
		    "'\\n'), char(13), '\\r'), char(10)) FROM (SELECT rule, "
		    "reason FROM kesra_accept WHERE record = ?1 AND record_id = "
		    "t.id ORDER BY rule))");
	else
		sbuf_add(&b, ", NULL");
	col_add(x, xstrdup("kesra_accepted"), -1);
	sbuf_addf(&b, " FROM \"%s\" AS t", def->name);
	if (par != NULL)
		sbuf_addf(&b, " LEFT JOIN \"%s\" AS p ON p.id = t.parent_id",
		    par->name);
	sbuf_add(&b, " WHERE t.deleted_at IS NULL ORDER BY t.id");
	if (sqlite3_prepare_v2(x->h, b.s, -1, &x->st, NULL) != SQLITE_OK) {
		fail(x->h, err, def->name);
		sbuf_free(&b);
		db_export_close(x);
		return -1;
	}
	sbuf_free(&b);
	if (sqlite3_bind_parameter_count(x->st) > 0)
		sqlite3_bind_text(x->st, 1, def->name, -1, SQLITE_STATIC);
	x->vals = xcalloc(x->n, sizeof *x->vals);
	x->fbuf = xcalloc(x->n, sizeof *x->fbuf);
	*out = x;
	return 0;
}

size_t
db_export_ncols(const struct db_export *x)
{
	return x->n;
}

const char *
db_export_colname(const struct db_export *x, size_t i)
{
	return x->names[i];
}

int
db_export_field(const struct db_export *x, size_t i)
{
	return x->field[i];
}

int
db_export_next(struct db_export *x, const char *const **vals, char **err)
{
	size_t i;
	int rc;

	rc = sqlite3_step(x->st);
	if (rc == SQLITE_DONE)
		return 0;
	if (rc != SQLITE_ROW)
		return fail(x->h, err, "export");
	for (i = 0; i < x->n; i++) {
		int c = (int)i;
		switch (sqlite3_column_type(x->st, c)) {
		case SQLITE_NULL:
			x->vals[i] = NULL;
			break;
		case SQLITE_FLOAT:
			/* as db.c reads a stored real */
			util_fmt_double(sqlite3_column_double(x->st, c),
			    x->fbuf[i], sizeof x->fbuf[i]);
			x->vals[i] = x->fbuf[i];
			break;
		default:
			/* valid until the next step; text holds no NUL */
			x->vals[i] = (const char *)sqlite3_column_text(x->st,
			    c);
		}
	}
	*vals = x->vals;
	return 1;
}

int
db_export_is_number(const struct db_export *x, size_t i)
{
	int t = sqlite3_column_type(x->st, (int)i);
	return t == SQLITE_INTEGER || t == SQLITE_FLOAT;
}

void
db_export_close(struct db_export *x)
{
	size_t i;
	if (x == NULL)
		return;
	sqlite3_finalize(x->st);
	for (i = 0; i < x->n; i++)
		free(x->names[i]);
	free(x->fbuf);
	free(x->names);
	free(x->field);
	free(x->vals);
	free(x);
}

/* ---- import look-ups ---------------------------------------------------- */

struct db_import {
	sqlite3 *h;
	const struct sch_record *def;
	sqlite3_stmt *uuid, *key, *ord, *stamp, *count;
	sqlite3_stmt *puuid, *pkey; /* the parent's, for rosters */
	const struct sch_record *par;
	/* a batch's savepoint, prepared once (see db_import_batch_begin) */
	sqlite3_stmt *sp_begin, *sp_release, *sp_rollback;
};

static sqlite3_stmt *
prep(sqlite3 *h, char *sql, char **err)
{
	sqlite3_stmt *st = NULL;
	if (sqlite3_prepare_v2(h, sql, -1, &st, NULL) != SQLITE_OK) {
		fail(h, err, "prepare");
		st = NULL;
	}
	free(sql);
	return st;
}

int
db_import_open(struct db *db, const struct sch_record *def,
    struct db_import **out, char **err)
{
	struct db_import *h = xcalloc(1, sizeof *h);
	char *sql;
	int k = db_record_key(def), pk, k2;

	h->h = db_sqlite(db);
	h->def = def;
	*out = NULL;
	/*
	 * Statement journals (one per row's savepoint and statement: the
	 * pages a row touched, dropped when it is released) kept in memory
	 * instead of a temporary file written page by page.
	 */
	sql = xasprintf("PRAGMA cache_size = -%d; PRAGMA temp_store = MEMORY",
	    IMPORT_CACHE_KB);
	k2 = sqlite3_exec(h->h, sql, NULL, NULL, NULL);
	free(sql);
	if (k2 != SQLITE_OK) {
		fail(h->h, err, "cache_size");
		goto bad;
	}
	if ((h->uuid = prep(h->h, xasprintf("SELECT id, deleted_at IS NOT "
	    "NULL FROM \"%s\" WHERE %s", def->name, db_uuid_where()),
	    err)) == NULL ||
	    (k >= 0 && (h->key = prep(h->h, xasprintf("SELECT id FROM \"%s\" "
	    "WHERE \"%s\" = ? AND deleted_at IS NULL ORDER BY id LIMIT 1",
	    def->name, def->fields[k].name), err)) == NULL) ||
	    (h->ord = prep(h->h, xasprintf("SELECT coalesce(max(ord) + 1, 0) "
	    "FROM \"%s\" WHERE parent_id = ? AND deleted_at IS NULL",
	    def->name), err)) == NULL ||
	    (h->count = prep(h->h, xasprintf("SELECT count(*) FROM \"%s\" "
	    "WHERE parent_id = ? AND deleted_at IS NULL", def->name),
	    err)) == NULL ||
	    (h->stamp = prep(h->h, xasprintf("UPDATE \"%s\" SET uuid = "
	    "coalesce(?1, uuid), created_at = coalesce(?2, created_at), "
	    "created_by = coalesce(?3, created_by), updated_at = coalesce(?4, "
	    "updated_at), updated_by = coalesce(?5, updated_by) WHERE id = ?6",
	    def->name), err)) == NULL)
		goto bad;
	if (def->parent != NULL &&
	    (h->par = schema_record(db_schema(db), def->parent)) != NULL) {
		pk = db_record_key(h->par);
		if ((h->puuid = prep(h->h, xasprintf("SELECT id, deleted_at IS "
		    "NOT NULL FROM \"%s\" WHERE %s", h->par->name,
		    db_uuid_where()),
		    err)) == NULL || (pk >= 0 && (h->pkey = prep(h->h,
		    xasprintf("SELECT id FROM \"%s\" WHERE \"%s\" = ? AND "
		    "deleted_at IS NULL ORDER BY id LIMIT 1", h->par->name,
		    h->par->fields[pk].name), err)) == NULL))
			goto bad;
	}
	*out = h;
	return 0;
bad:
	db_import_close(h);
	return -1;
}

void
db_import_close(struct db_import *h)
{
	if (h == NULL)
		return;
	sqlite3_finalize(h->uuid);
	sqlite3_finalize(h->key);
	sqlite3_finalize(h->ord);
	sqlite3_finalize(h->stamp);
	sqlite3_finalize(h->count);
	sqlite3_finalize(h->puuid);
	sqlite3_finalize(h->pkey);
	sqlite3_finalize(h->sp_begin);
	sqlite3_finalize(h->sp_release);
	sqlite3_finalize(h->sp_rollback);
	free(h);
}

/* Run a look-up with one bound text: 1 and *id (and *flag), 0, -1. */
static int
lookup(sqlite3 *h, sqlite3_stmt *st, const char *v, int64_t *id, int *flag,
    char **err)
{
	int rc;
	sqlite3_reset(st);
	sqlite3_bind_text(st, 1, v, -1, SQLITE_STATIC);
	rc = sqlite3_step(st);
	if (rc == SQLITE_ROW) {
		*id = sqlite3_column_int64(st, 0);
		if (flag != NULL)
			*flag = sqlite3_column_int(st, 1);
		rc = 1;
	} else if (rc == SQLITE_DONE)
		rc = 0;
	else
		rc = fail(h, err, "import");
	sqlite3_reset(st);
	sqlite3_clear_bindings(st);
	return rc;
}

/* A key in its column type: integers bound as integers. */
static int
lookup_key(sqlite3 *h, sqlite3_stmt *st, const struct sch_field *f,
    const char *v, int64_t *id, char **err)
{
	const char *t = schema_field_sql_type(f);
	int rc;
	if (t == NULL || strcmp(t, "INTEGER") != 0)
		return lookup(h, st, v, id, NULL, err);
	sqlite3_reset(st);
	sqlite3_bind_int64(st, 1, strtoll(v, NULL, 10));
	rc = sqlite3_step(st);
	if (rc == SQLITE_ROW) {
		*id = sqlite3_column_int64(st, 0);
		rc = 1;
	} else if (rc == SQLITE_DONE)
		rc = 0;
	else
		rc = fail(h, err, "import");
	sqlite3_reset(st);
	return rc;
}

int
db_import_by_uuid(struct db_import *h, const struct sch_record *def,
    const char *uuid, int64_t *id, int *deleted, char **err)
{
	if (def == h->def)
		return lookup(h->h, h->uuid, uuid, id, deleted, err);
	if (h->par != NULL && def == h->par)
		return lookup(h->h, h->puuid, uuid, id, deleted, err);
	return util_err(err, "import: %s is not being imported", def->name);
}

int
db_import_by_key(struct db_import *h, const struct sch_record *def,
    const char *value, int64_t *id, char **err)
{
	int k = db_record_key(def);
	if (k < 0)
		return 0;
	if (def == h->def)
		return lookup_key(h->h, h->key, &def->fields[k], value, id,
		    err);
	if (h->par != NULL && def == h->par)
		return lookup_key(h->h, h->pkey, &def->fields[k], value, id,
		    err);
	return util_err(err, "import: %s is not being imported", def->name);
}

int
db_import_next_ord(struct db_import *h, int64_t parent_id, int64_t *ord,
    char **err)
{
	int rc;
	sqlite3_reset(h->ord);
	sqlite3_bind_int64(h->ord, 1, parent_id);
	rc = sqlite3_step(h->ord);
	*ord = rc == SQLITE_ROW ? sqlite3_column_int64(h->ord, 0) : 0;
	sqlite3_reset(h->ord);
	return rc == SQLITE_ROW ? 0 : fail(h->h, err, "import");
}

int
db_import_child_count(struct db_import *h, int64_t parent_id, int64_t *n,
    char **err)
{
	int rc;
	sqlite3_reset(h->count);
	sqlite3_bind_int64(h->count, 1, parent_id);
	rc = sqlite3_step(h->count);
	*n = rc == SQLITE_ROW ? sqlite3_column_int64(h->count, 0) : 0;
	sqlite3_reset(h->count);
	return rc == SQLITE_ROW ? 0 : fail(h->h, err, "import");
}

/* Step statement *st (prepared from sql the first time); 0 or -1. */
static int
sp_step(sqlite3 *h, sqlite3_stmt **st, const char *sql)
{
	int rc;

	if (*st == NULL && sqlite3_prepare_v2(h, sql, -1, st, NULL) !=
	    SQLITE_OK) {
		sqlite3_finalize(*st);
		*st = NULL;
		return -1;
	}
	rc = sqlite3_step(*st);
	sqlite3_reset(*st);
	return rc == SQLITE_DONE ? 0 : -1;
}

int
db_import_batch_begin(struct db_import *h, char **err)
{
	if (sp_step(h->h, &h->sp_begin, "SAVEPOINT kesra_batch") < 0)
		return fail(h->h, err, "import");
	return 0;
}

int
db_import_batch_end(struct db_import *h, int keep, char **err)
{
	if ((!keep && sp_step(h->h, &h->sp_rollback,
	    "ROLLBACK TO kesra_batch") < 0) ||
	    sp_step(h->h, &h->sp_release, "RELEASE kesra_batch") < 0)
		return fail(h->h, err, "import");
	return 0;
}

int
db_import_stamp(struct db_import *h, int64_t id, const char *uuid,
    const char *created_at, const char *created_by, const char *updated_at,
    const char *updated_by, char **err)
{
	const char *v[5] = {uuid, created_at, created_by, updated_at,
	    updated_by};
	int i, rc;

	sqlite3_reset(h->stamp);
	for (i = 0; i < 5; i++)
		if (v[i] != NULL)
			sqlite3_bind_text(h->stamp, i + 1, v[i], -1,
			    SQLITE_STATIC);
		else
			sqlite3_bind_null(h->stamp, i + 1);
	sqlite3_bind_int64(h->stamp, 6, id);
	rc = sqlite3_step(h->stamp);
	sqlite3_reset(h->stamp);
	sqlite3_clear_bindings(h->stamp);
	if (rc != SQLITE_DONE) {
		if (sqlite3_extended_errcode(h->h) ==
		    SQLITE_CONSTRAINT_UNIQUE || sqlite3_extended_errcode(h->h)
		    == SQLITE_CONSTRAINT_TRIGGER) /* db_uuid.c's trigger */
			return util_err(err, _("uuid %s is used by another "
			    "record"), uuid != NULL ? uuid : "");
		return fail(h->h, err, h->def->name);
	}
	return 0;
}

/* ---- backup and restore ------------------------------------------------ */

static int
fsync_path(const char *path)
{
	int fd = open(path, O_RDONLY), rc;
	if (fd < 0)
		return -1;
	rc = fsync(fd);
	close(fd);
	return rc;
}

/* Copy src's main into dst's main in steps; 0 or an SQLite code. */
static int
copy_pages(sqlite3 *dst, sqlite3 *src, int pages,
    void (*progress)(void *, long, long), void *ctx)
{
	sqlite3_backup *bk = sqlite3_backup_init(dst, "main", src, "main");
	int rc, busy = 0;

	if (bk == NULL)
		return sqlite3_errcode(dst);
	do {
		rc = sqlite3_backup_step(bk, pages);
		if (progress != NULL)
			progress(ctx, sqlite3_backup_pagecount(bk) -
			    sqlite3_backup_remaining(bk),
			    sqlite3_backup_pagecount(bk));
		/* each try has waited the connection's busy timeout */
		if (rc == SQLITE_BUSY || rc == SQLITE_LOCKED) {
			if (++busy > BACKUP_BUSY_TRIES)
				break;
			sqlite3_sleep(100);
		} else
			busy = 0;
	} while (rc == SQLITE_OK || rc == SQLITE_BUSY || rc == SQLITE_LOCKED);
	if (sqlite3_backup_finish(bk) == SQLITE_OK && rc == SQLITE_DONE)
		return 0;
	if (rc == SQLITE_DONE)
		rc = sqlite3_errcode(dst);
	return rc != SQLITE_OK ? rc : SQLITE_ERROR;
}

int
db_backup(struct db *db, const char *path,
    void (*progress)(void *, long, long), void *ctx, char **err)
{
	sqlite3 *src = db_sqlite(db), *dst = NULL;
	char *tmp = xasprintf("%s.tmp", path);
	int rc = -1, rd = 0, code;

	unlink(tmp);
	if (sqlite3_open_v2(tmp, &dst, SQLITE_OPEN_READWRITE |
	    SQLITE_OPEN_CREATE | SQLITE_OPEN_NOFOLLOW, NULL) != SQLITE_OK) {
		util_err(err, _("%s: cannot create: %s"), tmp, dst != NULL ?
		    sqlite3_errmsg(dst) : strerror(errno));
		goto out;
	}
	/*
	 * One read transaction around all the steps: every page comes from
	 * the same snapshot, and writers (WAL) go on meanwhile.
	 */
	if (sqlite3_exec(src, "BEGIN; SELECT count(*) FROM sqlite_schema",
	    NULL, NULL, NULL) != SQLITE_OK) {
		fail(src, err, db_path(db));
		goto out;
	}
	rd = 1;
	if ((code = copy_pages(dst, src, BACKUP_PAGES, progress, ctx)) != 0) {
		util_err(err, _("%s: backup failed: %s"), path,
		    sqlite3_errstr(code));
		goto out;
	}
	sqlite3_exec(src, "COMMIT", NULL, NULL, NULL);
	rd = 0;
	/* A backup file on its own: no -wal beside it. */
	if (sqlite3_exec(dst, "PRAGMA journal_mode = DELETE", NULL, NULL,
	    NULL) != SQLITE_OK) {
		fail(dst, err, tmp);
		goto out;
	}
	if (sqlite3_close(dst) != SQLITE_OK) {
		fail(dst, err, tmp);
		goto out;
	}
	dst = NULL;
	if (fsync_path(tmp) < 0 || rename(tmp, path) < 0) {
		util_err(err, _("%s: cannot write: %s"), path,
		    strerror(errno));
		goto out;
	}
	rc = 0;
out:
	if (rd)
		sqlite3_exec(src, "ROLLBACK", NULL, NULL, NULL);
	if (dst != NULL)
		sqlite3_close(dst);
	if (rc < 0)
		unlink(tmp);
	free(tmp);
	return rc;
}

static char *
meta(sqlite3 *h, const char *key)
{
	sqlite3_stmt *st;
	char *v = NULL;
	if (sqlite3_prepare_v2(h, "SELECT value FROM kesra_meta WHERE key = ?",
	    -1, &st, NULL) != SQLITE_OK)
		return NULL;
	sqlite3_bind_text(st, 1, key, -1, SQLITE_STATIC);
	if (sqlite3_step(st) == SQLITE_ROW && sqlite3_column_text(st, 0) != NULL)
		v = xstrdup((const char *)sqlite3_column_text(st, 0));
	sqlite3_finalize(st);
	return v;
}

static int
check_file(struct db *db, sqlite3 *h, const char *path, char **err)
{
	const struct schema *s = db_schema(db);
	sqlite3_stmt *st;
	char *dict = NULL, *ver = NULL, *hash = NULL, *lay = NULL, *mylay;
	char *sv;
	int64_t app = 0;
	int rc = -1;

	if (sqlite3_prepare_v2(h, "PRAGMA application_id", -1, &st, NULL) !=
	    SQLITE_OK) {
		if (sqlite3_errcode(h) == SQLITE_NOTADB)
			return util_err(err, _("%s is not a kesra database (not "
			    "an SQLite file)"), path);
		return fail(h, err, path);
	}
	if (sqlite3_step(st) == SQLITE_ROW)
		app = sqlite3_column_int64(st, 0);
	else if ((sqlite3_errcode(h) & 0xff) == SQLITE_NOTADB) {
		sqlite3_finalize(st);
		return util_err(err, _("%s is not a kesra database (not an "
		    "SQLite file)"), path);
	}
	sqlite3_finalize(st);
	if (app != DB_APPLICATION_ID)
		return util_err(err, _("%s is not a kesra database "
		    "(application_id %lld)"), path, (long long)app);
	if (!has_table(h, "kesra_meta"))
		return util_err(err, _("%s has no kesra_meta table"), path);
	dict = meta(h, "dictionary");
	ver = meta(h, "version");
	hash = meta(h, "hash");
	lay = meta(h, "layout");
	mylay = db_meta_get(db, "layout");
	if (dict == NULL || strcmp(dict, s->name) != 0) {
		sv = util_sanitize(dict != NULL ? dict : "?", 0);
		util_err(err, _("%s holds dictionary '%s', not '%s'; nothing "
		    "restored"), path, sv, s->name);
		free(sv);
	} else if (ver == NULL || atoi(ver) != s->version || hash == NULL ||
	    strcmp(hash, s->hash) != 0) {
		char *sver = util_sanitize(ver != NULL ? ver : "?", 0);
		char *shash = util_sanitize(hash != NULL ? hash : "?", 0);
		util_err(err, _("%s was made with dictionary %s version %s "
		    "(hash %s); the current one is version %d (hash %s); "
		    "nothing restored"), path, s->name, sver, shash,
		    s->version, s->hash);
		free(sver);
		free(shash);
	} else if (lay == NULL || mylay == NULL || strcmp(lay, mylay) != 0) {
		sv = util_sanitize(lay != NULL ? lay : "?", 0);
		util_err(err, _("%s has storage layout %s, the database %s; "
		    "nothing restored"), path, sv, mylay != NULL ? mylay : "?");
		free(sv);
	} else if (sqlite3_prepare_v2(h, "PRAGMA integrity_check", -1, &st,
	    NULL) != SQLITE_OK)
		fail(h, err, path);
	else {
		const unsigned char *t;
		if (sqlite3_step(st) == SQLITE_ROW &&
		    (t = sqlite3_column_text(st, 0)) != NULL &&
		    strcmp((const char *)t, "ok") == 0)
			rc = 0;
		else {
			sv = util_sanitize(sqlite3_column_text(st, 0) != NULL ?
			    (const char *)sqlite3_column_text(st, 0) :
			    sqlite3_errmsg(h), 0);
			util_err(err, _("%s fails the integrity check (%s); "
			    "nothing restored"), path, sv);
			free(sv);
		}
		sqlite3_finalize(st);
	}
	free(dict);
	free(ver);
	free(hash);
	free(lay);
	free(mylay);
	return rc;
}

static int
open_src(const char *path, sqlite3 **h, char **err)
{
	*h = NULL;
	if (access(path, R_OK) != 0)
		return util_err(err, _("%s: cannot read: %s"), path,
		    strerror(errno));
	if (sqlite3_open_v2(path, h, SQLITE_OPEN_READONLY, NULL) !=
	    SQLITE_OK) {
		util_err(err, _("%s: cannot open: %s"), path, *h != NULL ?
		    sqlite3_errmsg(*h) : "out of memory");
		sqlite3_close(*h);
		*h = NULL;
		return -1;
	}
	return 0;
}

int
db_backup_check(struct db *db, const char *path, char **err)
{
	sqlite3 *h;
	int rc;
	if (open_src(path, &h, err) < 0)
		return -1;
	rc = check_file(db, h, path, err);
	sqlite3_close(h);
	return rc;
}

int
db_restore(struct db *db, const char *path, char **err)
{
	sqlite3 *h;
	int rc = -1, code;

	if (open_src(path, &h, err) < 0)
		return -1;
	/* The check and the copy read the same snapshot of path. */
	if (sqlite3_exec(h, "BEGIN", NULL, NULL, NULL) != SQLITE_OK) {
		fail(h, err, path);
		goto out;
	}
	if (check_file(db, h, path, err) < 0)
		goto out;
	if ((code = copy_pages(db_sqlite(db), h, -1, NULL, NULL)) != 0) {
		util_err(err, _("%s: restore failed, nothing replaced: %s"),
		    db_path(db), sqlite3_errstr(code));
		goto out;
	}
	rc = 0;
out:
	sqlite3_exec(h, "ROLLBACK", NULL, NULL, NULL);
	sqlite3_close(h);
	return rc;
}
