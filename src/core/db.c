/*
 * db: the connection, identity checks, migration from the schema, and record
 * reads and writes: one record, or a record with its rosters (a tree).
 *
 * Invariants: every statement is prepared with bound values; SQL text is
 * assembled only from dictionary identifiers (checked by schema; a
 * renamed_from is checked here before use) and fixed keywords. Every write
 * happens inside BEGIN IMMEDIATE ... COMMIT, so a failure leaves nothing
 * half-written; a tree save inside a transaction the caller opened
 * (db_begin) is a SAVEPOINT instead, released on success and rolled back
 * to on failure, so the caller's other writes stay.
 * - The statements of saves (record inserts, updates, row deletions,
 *   accepted warnings, savepoints) are kept in db->cache, keyed by their
 *   SQL text, prepared once per connection and finalized by db_close; the
 *   SQL of a record type is a function of the (fixed) schema, so
 *   db->rec_st remembers which cached statement each record type uses.
 *   A cached statement is reset and its bindings cleared before each use
 *   and after each save, so none holds a read or a borrowed pointer
 *   between saves. The cache only grows: its keys are the SQL of this
 *   schema's record types plus a few fixed texts, and the search's
 *   fixed ones (its stream statements, one per query shape, are kept
 *   by search.c, at most 32).
 * - Note fields have no column: every column list skips
 *   !schema_field_stored().
 * - A save copies its results (id, uuid, rev, parent_id, ord, updated_*)
 *   into the struct records only after COMMIT succeeded: a failed save
 *   leaves them exactly as they were.
 * - A connection belongs to one thread (opened SQLITE_OPEN_NOMUTEX).
 * - A unique field is enforced by the partial index "<record>_<field>_unique"
 *   over live rows (deleted_at IS NULL) that db_migrate creates.
 * - Accepted warnings live in kesra_accept, one row per (record type, id,
 *   rule); a save replaces the record's rows with its acc list.
 * - kesra_meta "layout" = DB_LAYOUT once the file has the system columns and
 *   tables of this kesra; older files are not current and get migrated.
 * - A save checks the saver (user.c: role, regions, locked and verified
 *   records) and writes its audit rows (audit.c: one per changed field,
 *   from the stored row read before the update; one per inserted record)
 *   in its own transaction:
 *   the change and its trail are committed or rolled back together.
 * - Waiting for another writer: busy_wait, short random naps.
 */
#include "db.h"

#include <errno.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include <sqlite3.h>

#include "audit.h"
#include "i18n.h"
#include "user.h"
#include "draft.h"

/* Layout of kesra's own tables and system columns (kesra_meta "layout"). */
#define DB_LAYOUT "5"

#define NITEMS(a) (sizeof (a) / sizeof (a)[0])

/* A prepared statement kept for the connection's life, by its SQL text. */
struct cached {
	uint64_t hash; /* FNV-1a of sql */
	char *sql;
	sqlite3_stmt *st;
};

/* The statements a record type's saves use (borrowed from the cache). */
enum { ST_INSERT, ST_UPDATE, ST_DELETE, ST_SELECT, ST_CHILDREN, ST_TITLE,
    ST_DUPKEY, ST_DUPNORM, ST_CHILDREN_ANY, ST_ACCEPT, ST_NKINDS };

struct db {
	sqlite3 *h;
	char *path;
	const struct schema *s;
	int readonly;
	int busy_ms;
	struct timespec busy_since; /* first refusal of the current wait */
	unsigned busy_seed;
	struct cached *cache;
	size_t ncache, capcache;
	sqlite3_stmt **rec_st; /* s->nrecords * ST_NKINDS, NULL = not yet */
	int has_accept;        /* kesra_accept seen (tables never go) */
	int has_audit;         /* kesra_audit seen */
	/* Session (db_set_session and friends): whose lists, which status
	 * they show, the reason of the next save, bulk audit. */
	char *session_user;
	char *list_status;
	char *reason;
	int audit_bulk;
	char *stamp[DB_NSTAMPS];        /* db_set_insert_stamps, NULL none */
	void *search_memo;              /* search.c's, freed by db_close */
	void (*search_memo_free)(void *);
	/* db_set_bulk_saver: the saver looked up once (bulk_ui_ok) */
	int bulk_saver, bulk_ui_ok;
	struct user_info bulk_ui;
	int no_save_sp;                 /* db_set_save_savepoint(db, 0) */
	/* In a transaction of db_begin (acc_txn): the highest record_id of
	 * kesra_accept for acc_top_def (NULL: not asked yet), kept up by
	 * accept_write; an insert above it has no accepted rows to read */
	int acc_txn;
	const struct sch_record *acc_top_def;
	int64_t acc_top;
	/* db_children_load_some: per record type the fields of its last
	 * statement (nfields bytes) and that statement (from the cache) */
	unsigned char **some_want;
	sqlite3_stmt **some_st;
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

static sqlite3_stmt *cache_get(struct db *db, const char *sql, char **err);

static int
table_exists(struct db *db, const char *name)
{
	sqlite3_stmt *st = cache_get(db, "SELECT 1 FROM sqlite_schema WHERE "
	    "type = 'table' AND name = ?", NULL);
	int found;
	if (st == NULL)
		return 0;
	sqlite3_bind_text(st, 1, name, -1, SQLITE_STATIC);
	found = sqlite3_step(st) == SQLITE_ROW;
	sqlite3_reset(st);
	return found;
}

char *
db_meta_get(struct db *db, const char *key)
{
	sqlite3_stmt *st;
	char *v = NULL;
	if (!table_exists(db, "kesra_meta") || (st = cache_get(db, "SELECT "
	    "value FROM kesra_meta WHERE key = ?", NULL)) == NULL)
		return NULL;
	sqlite3_bind_text(st, 1, key, -1, SQLITE_STATIC);
	if (sqlite3_step(st) == SQLITE_ROW && sqlite3_column_text(st, 0) != NULL)
		v = xstrdup((const char *)sqlite3_column_text(st, 0));
	sqlite3_reset(st);
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

/* 1 when the folder of path may be written by this user. */
static int
dir_writable(const char *path)
{
	char *copy = xstrdup(path), *slash = strrchr(copy, '/');
	int ok;
	if (slash == NULL)
		ok = access(".", W_OK) == 0;
	else {
		if (slash == copy)
			slash[1] = '\0';
		else
			*slash = '\0';
		ok = access(copy, W_OK) == 0;
	}
	free(copy);
	return ok;
}

/* "file:PATH?immutable=1" with PATH percent-encoded (sqlite3_free). */
static char *
uri_of(const char *path)
{
	struct sbuf b = {0};
	const unsigned char *p;
	char *uri;
	sbuf_add(&b, "file:");
	for (p = (const unsigned char *)path; *p != '\0'; p++) {
		if (*p == '%' || *p == '?' || *p == '#' || *p < 0x20 ||
		    *p >= 0x7f)
			sbuf_addf(&b, "%%%02x", *p);
		else
			sbuf_addc(&b, (char)*p);
	}
	sbuf_add(&b, "?immutable=1");
	uri = sqlite3_mprintf("%s", b.s);
	sbuf_free(&b);
	return uri;
}

/* 1 when the schema of the open file can be read. */
static int
can_read(struct db *db)
{
	sqlite3_stmt *st = NULL;
	int rc = sqlite3_prepare_v2(db->h, "SELECT count(*) FROM sqlite_schema",
	    -1, &st, NULL);
	if (rc == SQLITE_OK)
		rc = sqlite3_step(st);
	sqlite3_finalize(st);
	return rc == SQLITE_ROW || (rc & 0xff) == SQLITE_NOTADB;
}

int
db_readonly(const struct db *db)
{
	return db->readonly != 0;
}

/*
 * While another process writes: try again every 0.2 to 1 ms (random, so
 * that waiters do not march in step) until busy_ms have passed. SQLite's
 * own handler sleeps up to 100 ms between tries, and a writer that sleeps
 * that long can be overtaken again and again by busier ones until its
 * time is up: with eight processes saving at once some of them failed
 * with "database is locked" after 5 s, at their first save.
 */
static int
busy_wait(void *p, int count)
{
	struct db *db = p;
	struct timespec now, nap;
	long ms;

	if (db->busy_ms <= 0)
		return 0;
	clock_gettime(CLOCK_MONOTONIC, &now);
	if (count == 0)
		db->busy_since = now;
	ms = (long)(now.tv_sec - db->busy_since.tv_sec) * 1000 +
	    (now.tv_nsec - db->busy_since.tv_nsec) / 1000000;
	if (ms >= db->busy_ms)
		return 0;
	nap.tv_sec = 0;
	nap.tv_nsec = 200000 + (long)(rand_r(&db->busy_seed) % 800) * 1000;
	nanosleep(&nap, NULL);
	return 1;
}

/*
 * Once per process, before SQLite starts (db_open is the first thing of
 * kesra's to use it): no memory statistics. kesra reads none, and keeping
 * them costs a global mutex on every allocation of every statement. When
 * SQLite is already in use (a program that opened it first) sqlite3_config
 * refuses, harmlessly.
 */
static pthread_once_t sqlite_once = PTHREAD_ONCE_INIT;

static void
sqlite_setup(void)
{
	(void)sqlite3_config(SQLITE_CONFIG_MEMSTATUS, 0);
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
	pthread_once(&sqlite_once, sqlite_setup);
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
	/*
	 * A file (or its folder, where the WAL and lock files go) that this
	 * user may not write is opened read-only: it can be read, and every
	 * write is refused with a message (db_readonly tells the caller).
	 */
	if (!db->readonly && access(path, F_OK) == 0 && (access(path, W_OK) != 0
	    || !dir_writable(path)))
		db->readonly = 2;
	oflags = db->readonly ? SQLITE_OPEN_READONLY :
	    SQLITE_OPEN_READWRITE | ((flags & DB_OPEN_CREATE) ?
	    SQLITE_OPEN_CREATE : 0);
	/*
	 * NOMUTEX: a connection is used by one thread only, so SQLite need
	 * not lock it on every call (every bind of every expression).
	 */
	if (sqlite3_open_v2(path, &db->h, oflags | SQLITE_OPEN_NOFOLLOW |
	    SQLITE_OPEN_NOMUTEX, NULL) != SQLITE_OK) {
		if (db->h == NULL)
			util_fatal("out of memory");
		util_err(err, _("%s: cannot open the database: %s"), path,
		    access(path, F_OK) == 0 ? sqlite3_errmsg(db->h) :
		    strerror(errno ? errno : EACCES));
		db_close(db);
		return -1;
	}
	sqlite3_extended_result_codes(db->h, 1);
	if (db->readonly && !can_read(db)) {
		/*
		 * A WAL database in a folder this user cannot write, with no
		 * -shm file: SQLite cannot open it for reading in the usual
		 * way. Nobody can write it there either (only its owner could
		 * make the folder writable), so read it as immutable.
		 */
		char *uri = uri_of(path);
		sqlite3_close(db->h);
		db->h = NULL;
		if (uri == NULL || sqlite3_open_v2(uri, &db->h, oflags |
		    SQLITE_OPEN_URI | SQLITE_OPEN_NOFOLLOW | SQLITE_OPEN_NOMUTEX,
		    NULL) != SQLITE_OK) {
			sqlite3_free(uri);
			if (db->h == NULL)
				util_fatal("out of memory");
			util_err(err, _("%s: cannot open the database: %s"),
			    path, sqlite3_errmsg(db->h));
			db_close(db);
			return -1;
		}
		sqlite3_free(uri);
		sqlite3_extended_result_codes(db->h, 1);
	}
	if ((env = getenv("KESRA_BUSY_TIMEOUT_MS")) != NULL && atoi(env) >= 0)
		ms = atoi(env);
	db->busy_ms = ms;
	db->busy_seed = (unsigned)getpid() ^ (unsigned)time(NULL);
	sqlite3_busy_handler(db->h, busy_wait, db);
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
	size_t i;

	if (db == NULL)
		return;
	for (i = 0; i < db->ncache; i++) {
		sqlite3_finalize(db->cache[i].st);
		free(db->cache[i].sql);
	}
	free(db->cache);
	free(db->rec_st);
	for (i = 0; db->some_want != NULL && i < db->s->nrecords; i++)
		free(db->some_want[i]);
	free(db->some_want);
	free(db->some_st);
	free(db->session_user);
	free(db->list_status);
	free(db->reason);
	for (i = 0; i < DB_NSTAMPS; i++)
		free(db->stamp[i]);
	if (db->search_memo_free != NULL)
		db->search_memo_free(db->search_memo);
	if (db->bulk_ui_ok)
		user_info_free(&db->bulk_ui);
	sqlite3_close(db->h);
	free(db->path);
	free(db);
}

void *
db_search_memo(struct db *db)
{
	return db->search_memo;
}

void
db_set_search_memo(struct db *db, void *memo, void (*free_fn)(void *))
{
	db->search_memo = memo;
	db->search_memo_free = free_fn;
}

/*
 * The cached statement of sql, reset with its bindings cleared, prepared
 * (and kept) on first use. NULL with *err when it does not prepare.
 */
static sqlite3_stmt *
cache_get(struct db *db, const char *sql, char **err)
{
	uint64_t h = util_fnv1a(UTIL_FNV_INIT, sql, strlen(sql));
	sqlite3_stmt *st = NULL;
	struct cached *c;
	size_t i;

	for (i = 0; i < db->ncache; i++) {
		c = &db->cache[i];
		if (c->hash == h && strcmp(c->sql, sql) == 0) {
			sqlite3_reset(c->st);
			sqlite3_clear_bindings(c->st);
			return c->st;
		}
	}
	if (sqlite3_prepare_v3(db->h, sql, -1, SQLITE_PREPARE_PERSISTENT, &st,
	    NULL) != SQLITE_OK) {
		sqlite3_finalize(st);
		db_fail(db, err, "prepare");
		return NULL;
	}
	if (db->ncache == db->capcache) {
		db->capcache = db->capcache ? db->capcache * 2 : 16;
		db->cache = xreallocarray(db->cache, db->capcache,
		    sizeof *db->cache);
	}
	c = &db->cache[db->ncache++];
	c->hash = h;
	c->sql = xstrdup(sql);
	c->st = st;
	return st;
}

sqlite3_stmt *
db_cached(struct db *db, const char *sql, char **err)
{
	return cache_get(db, sql, err);
}

void
db_set_session(struct db *db, const char *user)
{
	free(db->session_user);
	db->session_user = user != NULL ? xstrdup(user) : NULL;
}

void
db_set_list_status(struct db *db, const char *status)
{
	free(db->list_status);
	db->list_status = status != NULL && *status != '\0' ?
	    xstrdup(status) : NULL;
}

const char *
db_list_status(const struct db *db)
{
	return db->list_status;
}

void
db_set_reason(struct db *db, const char *reason)
{
	free(db->reason);
	db->reason = reason != NULL && *reason != '\0' ? xstrdup(reason) :
	    NULL;
}

void
db_set_audit_bulk(struct db *db, int on)
{
	db->audit_bulk = on;
}

void
db_set_bulk_saver(struct db *db, int on)
{
	db->bulk_saver = on;
	if (db->bulk_ui_ok)
		user_info_free(&db->bulk_ui);
	db->bulk_ui_ok = 0;
}

void
db_set_save_savepoint(struct db *db, int on)
{
	db->no_save_sp = !on;
}

/* A copy of u (its own regions). */
static void
user_info_copy(struct user_info *to, const struct user_info *u)
{
	size_t i;
	*to = *u;
	to->regions = NULL;
	if (u->nregions > 0) {
		to->regions = xcalloc(u->nregions, sizeof *to->regions);
		for (i = 0; i < u->nregions; i++)
			to->regions[i] = xstrdup(u->regions[i]);
	}
}

/* The saver of a save: looked up, or the bulk writer's copy. */
static int
saver_lookup(struct db *db, const char *user, struct user_info *out,
    char **err)
{
	char name[sizeof out->name];
	snprintf(name, sizeof name, "%s", user != NULL ? user : "");
	if (db->bulk_ui_ok && strcmp(db->bulk_ui.name, name) == 0) {
		user_info_copy(out, &db->bulk_ui);
		return 0;
	}
	if (user_lookup(db, user, out, err) < 0)
		return -1;
	if (db->bulk_saver) {
		if (db->bulk_ui_ok)
			user_info_free(&db->bulk_ui);
		user_info_copy(&db->bulk_ui, out);
		db->bulk_ui_ok = 1;
	}
	return 0;
}

static void
stamps_clear(struct db *db)
{
	size_t i;
	for (i = 0; i < DB_NSTAMPS; i++) {
		free(db->stamp[i]);
		db->stamp[i] = NULL;
	}
}

void
db_set_insert_stamps(struct db *db, const char *const v[DB_NSTAMPS])
{
	size_t i;
	stamps_clear(db);
	for (i = 0; i < DB_NSTAMPS; i++)
		db->stamp[i] = v[i] != NULL ? xstrdup(v[i]) : NULL;
}

/* Step a cached statement of fixed SQL that returns no row. */
static int
cache_exec(struct db *db, const char *sql, char **err)
{
	sqlite3_stmt *st = cache_get(db, sql, err);
	int rc;

	if (st == NULL)
		return -1;
	rc = sqlite3_step(st);
	sqlite3_reset(st);
	return rc == SQLITE_DONE ? 0 : db_fail(db, err, sql);
}

int
db_begin(struct db *db, char **err)
{
	if (db->readonly)
		return util_err(err, _("%s: the database is read-only"),
		    db->path);
	if (!sqlite3_get_autocommit(db->h))
		return util_err(err, _("%s: a transaction is already open"),
		    db->path);
	db->acc_txn = 0;
	db->acc_top_def = NULL;
	if (exec(db, "BEGIN IMMEDIATE", err) < 0)
		return -1;
	db->acc_txn = 1;
	return 0;
}

int
db_commit(struct db *db, char **err)
{
	db->acc_txn = 0;
	db->acc_top_def = NULL;
	if (sqlite3_get_autocommit(db->h))
		return util_err(err, _("%s: no transaction to commit"),
		    db->path);
	if (exec(db, "COMMIT", err) < 0) {
		db_rollback(db);
		return -1;
	}
	return 0;
}

int
db_tune_bulk(struct db *db, char **err)
{
	return exec(db, "PRAGMA cache_size = -262144", err);
}

int
db_tune_interactive(struct db *db, char **err)
{
	return exec(db, "PRAGMA cache_size = -256", err);
}

void
db_rollback(struct db *db)
{
	if (db == NULL)
		return;
	db->acc_txn = 0;
	db->acc_top_def = NULL;
	if (!sqlite3_get_autocommit(db->h))
		sqlite3_exec(db->h, "ROLLBACK", NULL, NULL, NULL);
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

/* 1 when v is an integer in canonical form: -?(0|[1-9][0-9]*), 18 digits. */
static int
canonical_integer(const char *v)
{
	const char *p = v + (*v == '-');
	size_t n = strspn(p, "0123456789");
	return n > 0 && n <= 18 && p[n] == '\0' && (p[0] != '0' || n == 1) &&
	    strcmp(v, "-0") != 0;
}

/* 1 when v is a real as util_fmt_double writes it (and reads back). */
static int
canonical_real(const char *v, double *d)
{
	char buf[40], *end;
	if (*v == '\0' || strspn(v, "-0123456789.e+") != strlen(v))
		return 0;
	*d = strtod(v, &end);
	if (*end != '\0')
		return 0;
	util_fmt_double(*d, buf, sizeof buf);
	return strcmp(buf, v) == 0;
}

/*
 * A value in its column's type. A calculation (column ANY) holds what its
 * expression gave: the stored text form of an integer or a real goes back
 * to a number, so that `age < 5` compares numbers; other text stays text.
 */
static void
bind_value(sqlite3_stmt *st, int idx, const struct sch_field *f,
    const char *v)
{
	const char *t = schema_field_sql_type(f);
	double d;
	if (v == NULL)
		sqlite3_bind_null(st, idx);
	else if (strcmp(t, "INTEGER") == 0)
		sqlite3_bind_int64(st, idx, strtoll(v, NULL, 10));
	else if (strcmp(t, "REAL") == 0)
		sqlite3_bind_double(st, idx, strtod(v, NULL));
	else if (strcmp(t, "ANY") == 0 && canonical_integer(v))
		sqlite3_bind_int64(st, idx, strtoll(v, NULL, 10));
	else if (strcmp(t, "ANY") == 0 && canonical_real(v, &d))
		sqlite3_bind_double(st, idx, d);
	else /* v outlives the step: its callers step before they free it,
	      * and a statement is reset and unbound before it is bound again */
		sqlite3_bind_text(st, idx, v, -1, SQLITE_STATIC);
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
	case SQLITE_INTEGER: {
		/* the text SQLite gives an integer ("%lld"), without making
		 * it in the statement (called for every column of a page) */
		sqlite3_int64 i = sqlite3_column_int64(st, col);
		unsigned long long u = i < 0 ? 0ULL - (unsigned long long)i :
		    (unsigned long long)i;
		char *e = buf + sizeof buf, *p = e;
		do {
			*--p = (char)('0' + u % 10);
			u /= 10;
		} while (u > 0);
		if (i < 0)
			*--p = '-';
		return xstrndup(p, (size_t)(e - p));
	}
	default: {
		const unsigned char *t = sqlite3_column_text(st, col);
		int n = sqlite3_column_bytes(st, col);
		return t != NULL ? xstrndup((const char *)t, (size_t)n) : NULL;
	}
	}
}

int
db_is_current(struct db *db)
{
	char *h = db_meta_get(db, "hash");
	char *l = db_meta_get(db, "layout");
	int ok = h != NULL && strcmp(h, db->s->hash) == 0 && l != NULL &&
	    strcmp(l, DB_LAYOUT) == 0 && db_region_current(db) &&
	    db_search_current(db);
	free(h);
	free(l);
	return ok;
}

/*
 * The columns kesra keeps in every record table, before the fields. A table
 * made by an older kesra that lacks an addable one gets it by ALTER TABLE.
 */
static const struct sys_column {
	const char *name;
	const char *def;
	int addable;
} sys_columns[] = {
	{"id", "INTEGER PRIMARY KEY", 0},
	{"uuid", "TEXT NOT NULL", 0}, /* unique: db_uuid.c */
	{"parent_id", "INTEGER", 1}, /* REFERENCES the parent in rosters */
	{"status", "TEXT NOT NULL DEFAULT 'draft'", 1},
	{"rev", "INTEGER NOT NULL DEFAULT 1", 1},
	{"created_at", "TEXT NOT NULL", 0},
	{"created_by", "TEXT", 1},
	{"updated_at", "TEXT", 1},
	{"updated_by", "TEXT", 1},
	{"deleted_at", "TEXT", 1},
	{"ord", "INTEGER", 1}, /* position in the parent's roster */
};

static const char accept_table[] =
    "CREATE TABLE kesra_accept (record TEXT NOT NULL, record_id INTEGER NOT "
    "NULL, rule TEXT NOT NULL, reason TEXT NOT NULL, accepted_by TEXT, "
    "accepted_at TEXT, PRIMARY KEY (record, record_id, rule)) STRICT";

static void
sys_column_sql(struct sbuf *b, const struct sys_column *c,
    const struct sch_record *r)
{
	sbuf_addf(b, "%s %s", c->name, c->def);
	if (strcmp(c->name, "parent_id") == 0 && r->parent != NULL)
		sbuf_addf(b, " REFERENCES \"%s\" (id)", r->parent);
}

/* 1 when name is a field of r that has a column. */
static int
is_stored_field(const struct sch_record *r, const char *name)
{
	int i = schema_field_index(r, name);
	return i >= 0 && schema_field_stored(&r->fields[i]);
}

static size_t
stored_count(const struct sch_record *r)
{
	size_t i, n = 0;
	for (i = 0; i < r->nfields; i++)
		n += schema_field_stored(&r->fields[i]) != 0;
	return n;
}

static int
create_table(struct db *db, const struct sch_record *r, char **err)
{
	struct sbuf b = {0};
	size_t i;
	int rc;

	sbuf_addf(&b, "CREATE TABLE \"%s\" (", r->name);
	for (i = 0; i < NITEMS(sys_columns); i++) {
		if (i > 0)
			sbuf_add(&b, ", ");
		sys_column_sql(&b, &sys_columns[i], r);
	}
	for (i = 0; i < r->nfields; i++)
		if (schema_field_stored(&r->fields[i]))
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
	if (rc == 0)
		rc = db_uuid_table_sync(db, r, err);
	sbuf_free(&b);
	return rc;
}

/*
 * The columns of an existing table as this migration goes: name is the
 * name after the changes planned so far, real the name in the file now
 * (NULL: not there yet, in a dry run).
 */
struct cols {
	char **name, **real, **type;
	size_t n;
};

static void
cols_push(struct cols *c, const char *name, const char *real,
    const char *type)
{
	c->name = xreallocarray(c->name, c->n + 1, sizeof *c->name);
	c->real = xreallocarray(c->real, c->n + 1, sizeof *c->real);
	c->type = xreallocarray(c->type, c->n + 1, sizeof *c->type);
	c->name[c->n] = xstrdup(name);
	c->real[c->n] = real != NULL ? xstrdup(real) : NULL;
	c->type[c->n] = xstrdup(type);
	c->n++;
}

static int
cols_find(const struct cols *c, const char *name)
{
	size_t i;
	for (i = 0; i < c->n; i++)
		if (strcmp(c->name[i], name) == 0)
			return (int)i;
	return -1;
}

static void
cols_free(struct cols *c)
{
	size_t i;
	for (i = 0; i < c->n; i++) {
		free(c->name[i]);
		free(c->real[i]);
		free(c->type[i]);
	}
	free(c->name);
	free(c->real);
	free(c->type);
	memset(c, 0, sizeof *c);
}

static int
cols_read(struct db *db, const char *table, struct cols *c, char **err)
{
	char *sql = xasprintf("PRAGMA table_info(\"%s\")", table);
	sqlite3_stmt *st = prepare(db, sql, err);
	int rc;

	free(sql);
	if (st == NULL)
		return -1;
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		const char *cn = (const char *)sqlite3_column_text(st, 1);
		const char *ct = (const char *)sqlite3_column_text(st, 2);
		cols_push(c, cn != NULL ? cn : "", cn != NULL ? cn : "",
		    ct != NULL ? ct : "");
	}
	sqlite3_finalize(st);
	return rc == SQLITE_DONE ? 0 : db_fail(db, err, table);
}

/* Give the rows of an older roster table positions in id order. */
static int
number_rows(struct db *db, const struct sch_record *r, char **err)
{
	char *sql = xasprintf("UPDATE \"%s\" SET ord = (SELECT count(*) FROM "
	    "\"%s\" AS o WHERE o.parent_id = \"%s\".parent_id AND "
	    "o.deleted_at IS NULL AND o.id < \"%s\".id) WHERE parent_id IS NOT "
	    "NULL", r->name, r->name, r->name, r->name);
	int rc = exec(db, sql, err);
	free(sql);
	return rc;
}

/* The renamed_from of field f: rename its old column, or refuse. */
static int
rename_column(struct db *db, const struct sch_record *r,
    const struct sch_field *f, struct cols *c, int dry_run,
    struct sbuf *plan, char **err)
{
	const char *old = f->renamed_from;
	char *sql;
	int k, rc;

	if (!util_is_ident(old) || schema_reserved_name(old))
		return util_err(err, _("field '%s' of record '%s': renamed_from "
		    "'%s' is not a name a field could have had"), f->name,
		    r->name, old);
	if (is_stored_field(r, old))
		return util_err(err, _("field '%s' of record '%s' is renamed "
		    "from '%s', which is still a field of the dictionary"),
		    f->name, r->name, old);
	if ((k = cols_find(c, old)) < 0)
		return util_err(err, _("field '%s' of record '%s' is renamed "
		    "from '%s', but table %s has neither column; correct "
		    "renamed_from"), f->name, r->name, old, r->name);
	if (plan != NULL)
		sbuf_addf(plan, _("rename column %s.%s to %s.%s\n"), r->name,
		    old, r->name, f->name);
	free(c->name[k]);
	c->name[k] = xstrdup(f->name);
	if (dry_run)
		return 0;
	sql = xasprintf("ALTER TABLE \"%s\" RENAME COLUMN \"%s\" TO \"%s\"",
	    r->name, old, f->name);
	rc = exec(db, sql, err);
	free(sql);
	free(c->real[k]);
	c->real[k] = xstrdup(f->name);
	return rc;
}

/*
 * Bring an existing table (columns in c) to the record: missing system
 * columns, renamed fields, new fields; a changed type is refused.
 */
static int
extend_table(struct db *db, const struct sch_record *r, struct cols *c,
    int dry_run, struct sbuf *plan, char **err)
{
	struct sbuf b = {0};
	char *sql;
	size_t i;
	int j, rc = -1;

	for (i = 0; i < NITEMS(sys_columns); i++) {
		const struct sys_column *sc = &sys_columns[i];
		if (cols_find(c, sc->name) >= 0)
			continue;
		if (!sc->addable) {
			util_err(err, _("table %s has no column %s: it was not "
			    "made by kesra and cannot be migrated"), r->name,
			    sc->name);
			goto out;
		}
		sbuf_reset(&b);
		sys_column_sql(&b, sc, r);
		if (plan != NULL)
			sbuf_addf(plan, _("add column %s.%s (kesra system "
			    "column)\n"), r->name, b.s);
		if (!dry_run) {
			sql = xasprintf("ALTER TABLE \"%s\" ADD COLUMN %s",
			    r->name, b.s);
			j = exec(db, sql, err);
			free(sql);
			if (j < 0 || (strcmp(sc->name, "ord") == 0 &&
			    r->parent != NULL && number_rows(db, r, err) < 0))
				goto out;
		}
		cols_push(c, sc->name, dry_run ? NULL : sc->name, "");
	}
	for (i = 0; i < r->nfields; i++) {
		const struct sch_field *f = &r->fields[i];
		if (f->renamed_from != NULL && schema_field_stored(f) &&
		    cols_find(c, f->name) < 0 &&
		    rename_column(db, r, f, c, dry_run, plan, err) < 0)
			goto out;
	}
	for (i = 0; i < r->nfields; i++) {
		const struct sch_field *f = &r->fields[i];
		const char *want = schema_field_sql_type(f);
		if (!schema_field_stored(f))
			continue;
		if ((j = cols_find(c, f->name)) >= 0) {
			if (strcasecmp(c->type[j], want) != 0) {
				util_err(err, _("field '%s' of record '%s' "
				    "changed its stored type from %s to %s: "
				    "incompatible with the data kept; give the "
				    "field a new name"), f->name, r->name,
				    c->type[j], want);
				goto out;
			}
			continue;
		}
		if (plan != NULL)
			sbuf_addf(plan, _("add column %s.%s %s\n"), r->name,
			    f->name, want);
		if (!dry_run) {
			sql = xasprintf("ALTER TABLE \"%s\" ADD COLUMN \"%s\" %s",
			    r->name, f->name, want);
			j = exec(db, sql, err);
			free(sql);
			if (j < 0)
				goto out;
		}
		cols_push(c, f->name, dry_run ? NULL : f->name, want);
	}
	for (i = 0; i < c->n && plan != NULL; i++)
		if (!schema_reserved_name(c->name[i]) &&
		    !is_stored_field(r, c->name[i]))
			sbuf_addf(plan, _("keep column %s.%s (not in the "
			    "dictionary; data kept)\n"), r->name, c->name[i]);
	rc = 0;
out:
	sbuf_free(&b);
	return rc;
}

static int
index_exists(struct db *db, const char *table, const char *name)
{
	sqlite3_stmt *st;
	int found;
	if (sqlite3_prepare_v2(db->h, "SELECT 1 FROM sqlite_schema WHERE "
	    "type = 'index' AND name = ? AND tbl_name = ?", -1, &st,
	    NULL) != SQLITE_OK)
		return 0;
	sqlite3_bind_text(st, 1, name, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 2, table, -1, SQLITE_STATIC);
	found = sqlite3_step(st) == SQLITE_ROW;
	sqlite3_finalize(st);
	return found;
}

/* Refuse when live rows share a value of column col (field f). */
static int
check_duplicates(struct db *db, const struct sch_record *r,
    const struct sch_field *f, const char *col, char **err)
{
	char *sql = xasprintf("SELECT \"%s\", count(*), min(id), max(id) FROM "
	    "\"%s\" WHERE deleted_at IS NULL AND \"%s\" IS NOT NULL GROUP BY "
	    "\"%s\" HAVING count(*) > 1 LIMIT 1", col, r->name, col, col);
	sqlite3_stmt *st = prepare(db, sql, err);
	int rc;

	free(sql);
	if (st == NULL)
		return -1;
	rc = sqlite3_step(st);
	if (rc == SQLITE_ROW) {
		char *v = column_value(st, 0);
		char *sv = util_sanitize(v, 0);
		util_err(err, _("field '%s' of record '%s' cannot be made "
		    "unique: the value '%s' is held by %lld records (%s %lld "
		    "and %lld among them); correct the duplicates first"),
		    f->name, r->name, sv, (long long)sqlite3_column_int64(st,
		    1), r->name, (long long)sqlite3_column_int64(st, 2),
		    (long long)sqlite3_column_int64(st, 3));
		free(v);
		free(sv);
		rc = -1;
	} else if (rc == SQLITE_DONE)
		rc = 0;
	else
		rc = db_fail(db, err, r->name);
	sqlite3_finalize(st);
	return rc;
}

/*
 * The partial unique indexes of a record: dropped for fields no longer
 * unique, created (after checking the live data) for unique fields. c is
 * NULL for a table created by this migration.
 */
static int
sync_unique(struct db *db, const struct sch_record *r, const struct cols *c,
    int dry_run, struct sbuf *plan, char **err)
{
	sqlite3_stmt *st = NULL;
	char **drop = NULL, *sql, *idx;
	size_t ndrop = 0, i, nl = strlen(r->name);
	int j, s, rc = -1;

	if (c != NULL) {
		if ((st = prepare(db, "SELECT name FROM sqlite_schema WHERE "
		    "type = 'index' AND tbl_name = ? ORDER BY name", err)) ==
		    NULL)
			goto out;
		sqlite3_bind_text(st, 1, r->name, -1, SQLITE_STATIC);
		while ((s = sqlite3_step(st)) == SQLITE_ROW) {
			const char *n = (const char *)sqlite3_column_text(st, 0);
			size_t len = n != NULL ? strlen(n) : 0;
			char *fn;
			if (len <= nl + 8 || strncmp(n, r->name, nl) != 0 ||
			    n[nl] != '_' || strcmp(n + len - 7, "_unique") != 0)
				continue;
			fn = xstrndup(n + nl + 1, len - nl - 8);
			j = schema_field_index(r, fn);
			if (util_is_ident(fn) && (j < 0 || !r->fields[j].unique ||
			    !schema_field_stored(&r->fields[j]))) {
				drop = xreallocarray(drop, ndrop + 1,
				    sizeof *drop);
				drop[ndrop++] = fn;
			} else
				free(fn);
		}
		if (s != SQLITE_DONE) {
			db_fail(db, err, "sqlite_schema");
			goto out;
		}
	}
	for (i = 0; i < ndrop; i++) {
		if (plan != NULL)
			sbuf_addf(plan, _("drop unique index on %s.%s (no longer "
			    "unique)\n"), r->name, drop[i]);
		if (dry_run)
			continue;
		sql = xasprintf("DROP INDEX \"%s_%s_unique\"", r->name, drop[i]);
		j = exec(db, sql, err);
		free(sql);
		if (j < 0)
			goto out;
	}
	for (i = 0; i < r->nfields; i++) {
		const struct sch_field *f = &r->fields[i];
		if (!f->unique || !schema_field_stored(f))
			continue;
		idx = xasprintf("%s_%s_unique", r->name, f->name);
		j = index_exists(db, r->name, idx) ? -2 : c != NULL ?
		    cols_find(c, f->name) : -1;
		free(idx);
		if (j == -2)
			continue;
		if (j >= 0 && c->real[j] != NULL &&
		    check_duplicates(db, r, f, c->real[j], err) < 0)
			goto out;
		if (plan != NULL)
			sbuf_addf(plan, _("add unique index on %s.%s\n"),
			    r->name, f->name);
		if (dry_run)
			continue;
		sql = db_unique_index_sql(r, f);
		j = exec(db, sql, err);
		free(sql);
		if (j < 0)
			goto out;
	}
	rc = 0;
out:
	sqlite3_finalize(st);
	for (i = 0; i < ndrop; i++)
		free(drop[i]);
	free(drop);
	return rc;
}

char *
db_unique_index_sql(const struct sch_record *r, const struct sch_field *f)
{
	return xasprintf("CREATE UNIQUE INDEX \"%s_%s_unique\" ON \"%s\" "
	    "(\"%s\") WHERE deleted_at IS NULL AND \"%s\" IS NOT NULL",
	    r->name, f->name, r->name, f->name, f->name);
}

/*
 * kesra's own tables, indexes and triggers beyond the record tables, each
 * module's function in turn, after the record tables are migrated. Each
 * brings its part up to date (creating what is missing, with IF NOT
 * EXISTS), adds a line to plan for each change, and writes nothing when
 * dry_run. Adding one here needs a new DB_LAYOUT so that older files are
 * migrated on open.
 */
static int (*const sys_syncs[])(struct db *, int dry_run, struct sbuf *plan,
    char **err) = {
	db_region_sync,
	db_user_sync,
	db_audit_sync,
	db_dupkey_sync,
	db_uuid_sync,
	db_search_sync,
	db_draft_sync,
};

/*
 * The migration. apply: make the changes; commit: keep them (else roll
 * back at the end, after calling cb on the migrated tables).
 */
static int
migrate(struct db *db, int apply, int commit, struct sbuf *plan,
    int (*cb)(struct db *, void *, char **), void *ctx, char **err)
{
	const int dry_run = !apply;
	const struct schema *s = db->s;
	struct cols c = {0};
	char *ver;
	char vbuf[32], now[32];
	size_t i;
	int fresh, fk_off = 0;

	if (db->readonly && apply)
		return util_err(err, _("%s: the database is read-only"),
		    db->path);
	/* A table rebuilt (db_uuid_rebuild) is dropped and made again:
	 * foreign keys off meanwhile (a no-op inside a transaction). */
	for (i = 0; apply && i < s->nrecords; i++)
		fk_off |= db_uuid_needs_rebuild(db, s->records[i].name);
	if (fk_off && exec(db, "PRAGMA foreign_keys = OFF", err) < 0)
		return -1;
	if (exec(db, "BEGIN IMMEDIATE", err) < 0)
		goto fk;
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
	if (!table_exists(db, "kesra_accept")) {
		if (plan != NULL && !fresh)
			sbuf_add(plan, _("create table kesra_accept (accepted "
			    "warnings)\n"));
		if (!dry_run && exec(db, accept_table, err) < 0)
			goto fail;
	}
	/* Parents before their rosters, for the foreign keys. */
	for (i = 0; i < s->nrecords; i++) {
		const struct sch_record *r = &s->records[i];
		int exists = table_exists(db, r->name);
		if (exists) {
			if (db_uuid_rebuild(db, r->name, dry_run, plan,
			    err) < 0 || cols_read(db, r->name, &c, err) < 0 ||
			    extend_table(db, r, &c, dry_run, plan, err) < 0)
				goto fail;
		} else {
			if (plan != NULL)
				sbuf_addf(plan, _("create table %s (%zu "
				    "fields)\n"), r->name, stored_count(r));
			if (!dry_run && create_table(db, r, err) < 0)
				goto fail;
		}
		if (sync_unique(db, r, exists ? &c : NULL, dry_run, plan,
		    err) < 0)
			goto fail;
		cols_free(&c);
	}
	for (i = 0; i < NITEMS(sys_syncs); i++)
		if (sys_syncs[i](db, dry_run, plan, err) < 0)
			goto fail;
	if (commit) {
		snprintf(vbuf, sizeof vbuf, "%d", s->version);
		util_now(now, sizeof now);
		if (meta_set(db, "dictionary", s->name, err) < 0 ||
		    meta_set(db, "version", vbuf, err) < 0 ||
		    meta_set(db, "hash", s->hash, err) < 0 ||
		    meta_set(db, "layout", DB_LAYOUT, err) < 0 ||
		    meta_set(db, "migrated_at", now, err) < 0)
			goto fail;
		if (fresh && meta_set(db, "created_at", now, err) < 0)
			goto fail;
	}
	if (cb != NULL && cb(db, ctx, err) < 0)
		goto fail;
	if (exec(db, commit ? "COMMIT" : "ROLLBACK", err) < 0)
		goto fail;
	if (fk_off && exec(db, "PRAGMA foreign_keys = ON", err) < 0)
		return -1;
	return 0;
fail:
	cols_free(&c);
	sqlite3_exec(db->h, "ROLLBACK", NULL, NULL, NULL);
fk:
	if (fk_off)
		sqlite3_exec(db->h, "PRAGMA foreign_keys = ON", NULL, NULL,
		    NULL);
	return -1;
}

int
db_migrate(struct db *db, int dry_run, struct sbuf *plan, char **err)
{
	return migrate(db, !dry_run, !dry_run, plan, NULL, NULL, err);
}

int
db_migrate_preview(struct db *db, struct sbuf *plan,
    int (*cb)(struct db *, void *, char **), void *ctx, char **err)
{
	return migrate(db, 1, 0, plan, cb, ctx, err);
}

/*
 * Why an update matched no row: gone, deleted, under another parent
 * (parent_id != 0: the parent it was saved under) or saved by someone else.
 */
static int
conflict(struct db *db, const struct record *r, int64_t parent_id,
    char **err)
{
	char *sql = xasprintf("SELECT updated_by, updated_at, deleted_at, "
	    "parent_id FROM \"%s\" WHERE id = ?", r->def->name);
	sqlite3_stmt *st = prepare(db, sql, err);
	int rc;

	free(sql);
	if (st == NULL)
		return -1;
	sqlite3_bind_int64(st, 1, r->id);
	if (sqlite3_step(st) != SQLITE_ROW)
		rc = util_err(err, _("record %lld no longer exists"),
		    (long long)r->id);
	else if (sqlite3_column_type(st, 2) != SQLITE_NULL)
		rc = util_err(err, _("record %lld was deleted"),
		    (long long)r->id);
	else if (parent_id != 0 && sqlite3_column_int64(st, 3) != parent_id)
		rc = util_err(err, _("%s %lld belongs to another %s, not %s "
		    "%lld"), r->def->name, (long long)r->id, r->def->parent,
		    r->def->parent, (long long)parent_id);
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

/*
 * Writing: a save is one transaction (struct txn) holding, per record type,
 * its statements (struct writer), prepared once and reused for every row.
 * What each write produced is kept in struct saved and copied into the
 * struct record after COMMIT.
 */
struct saved {
	struct record *r;
	int64_t id, rev, parent_id, ord;
	char uuid[37];
	char status[16];
};

struct writer {
	const struct sch_record *def;
	sqlite3_stmt *ins, *upd, *del, *sel; /* borrowed from db->cache */
};

struct txn {
	struct db *db;
	const char *user;
	char now[32];
	struct saved *sv;
	size_t nsv;
	int has_accept; /* kesra_accept exists (a migrated file) */
	sqlite3_stmt *acc_sel, *acc_del, *acc_ups; /* borrowed, cached */
	/* The row and field a unique index refused, for the message. */
	const struct record *urec;
	int ufield;
	/* Who saves (role, regions), the audit trail, the reason given
	 * (db_set_reason), what the save changed. */
	struct user_info ui;
	int has_audit;
	const char *reason;
	int64_t nchanges;  /* fields changed, rows inserted or deleted */
	int root_verified; /* the stored top-level record was verified */
};

/* Leave a cached statement with no read open and no borrowed pointer. */
static void
release_stmt(sqlite3_stmt *st)
{
	if (st != NULL) {
		sqlite3_reset(st);
		sqlite3_clear_bindings(st);
	}
}

static void
writer_done(struct writer *w)
{
	release_stmt(w->ins);
	release_stmt(w->upd);
	release_stmt(w->del);
	release_stmt(w->sel);
	w->ins = w->upd = w->del = w->sel = NULL;
}

/*
 * *pst: the cached statement of kind for def (its SQL built by make the
 * first time), reset for reuse.
 */
static sqlite3_stmt *
reuse(struct db *db, sqlite3_stmt **pst, int kind, char *(*make)(const
    struct sch_record *), const struct sch_record *def, char **err)
{
	size_t ri = (size_t)(def - db->s->records);
	sqlite3_stmt **memo = NULL;
	char *sql;

	if (*pst != NULL) {
		sqlite3_reset(*pst);
		sqlite3_clear_bindings(*pst);
		return *pst;
	}
	/* def is one of the schema's records: remember its statements. */
	if (def >= db->s->records && ri < db->s->nrecords) {
		if (db->rec_st == NULL)
			db->rec_st = xcalloc(db->s->nrecords * ST_NKINDS,
			    sizeof *db->rec_st);
		memo = &db->rec_st[ri * ST_NKINDS + (size_t)kind];
		if (*memo != NULL) {
			sqlite3_reset(*memo);
			sqlite3_clear_bindings(*memo);
			return *pst = *memo;
		}
	}
	sql = make(def);
	*pst = cache_get(db, sql, err);
	free(sql);
	if (memo != NULL)
		*memo = *pst;
	return *pst;
}

static void select_sql(struct sbuf *b, const struct sch_record *def);

/* The stored row of a record, before an update (for the audit trail). */
static char *
select_one_sql(const struct sch_record *def)
{
	struct sbuf b = {0};
	select_sql(&b, def);
	sbuf_add(&b, " WHERE id = ? AND deleted_at IS NULL");
	return sbuf_steal(&b);
}

/* 1 when column col holds the stored text form v (NULL: NULL). */
static int
col_equals(sqlite3_stmt *st, int col, const char *v)
{
	char buf[40];
	const char *t;

	switch (sqlite3_column_type(st, col)) {
	case SQLITE_NULL:
		return v == NULL;
	case SQLITE_FLOAT:
		util_fmt_double(sqlite3_column_double(st, col), buf, sizeof buf);
		return v != NULL && strcmp(buf, v) == 0;
	default:
		t = (const char *)sqlite3_column_text(st, col);
		return v != NULL && t != NULL && strcmp(t, v) == 0;
	}
}

/* One row of the audit trail for record r (id, uuid) of this save. */
static int
audit_row(struct txn *t, const struct sch_record *def, int64_t id,
    const char *uuid, int64_t parent_id, const char *field,
    const char *old, const char *new, const char *action, char **err)
{
	struct audit_entry e;

	if (!t->has_audit)
		return 0;
	memset(&e, 0, sizeof e);
	e.record = def->name;
	e.record_id = id;
	e.uuid = uuid;
	e.parent_id = def->parent != NULL ? parent_id : 0;
	e.field = field;
	e.old_value = old;
	e.new_value = new;
	e.reason = t->reason;
	e.action = action;
	return db_audit_add(t->db, t->now, t->user, &e, err);
}

/* Refuse a top-level record outside the saver's regions. */
static int
region_check(struct txn *t, const struct sch_record *def, const char *code,
    char **err)
{
	char *sc, *su;

	if (user_in_region(&t->ui, code))
		return 0;
	sc = util_sanitize(code != NULL ? code : "-", 0);
	su = util_sanitize(t->ui.name, 0);
	util_err(err, _("%s in region %s is outside the regions of user %s"),
	    def->name, sc, su);
	free(sc);
	free(su);
	return -1;
}

static char *
insert_sql(const struct sch_record *def)
{
	struct sbuf b = {0};
	size_t i;
	sbuf_addf(&b, "INSERT INTO \"%s\" (uuid, parent_id, status, rev, "
	    "created_at, created_by, updated_at, updated_by, ord", def->name);
	for (i = 0; i < def->nfields; i++)
		if (schema_field_stored(&def->fields[i]))
			sbuf_addf(&b, ", \"%s\"", def->fields[i].name);
	sbuf_add(&b, ") VALUES (?, ?, ?, 1, ?, ?, ?, ?, ?");
	for (i = 0; i < def->nfields; i++)
		if (schema_field_stored(&def->fields[i]))
			sbuf_add(&b, ", ?");
	sbuf_add(&b, ")");
	return sbuf_steal(&b);
}

/* The revision check; the last parameter, when not NULL, the parent. */
static char *
update_sql(const struct sch_record *def)
{
	struct sbuf b = {0};
	size_t i;
	sbuf_addf(&b, "UPDATE \"%s\" SET status = ?, rev = rev + 1, "
	    "updated_at = ?, updated_by = ?, ord = ?", def->name);
	for (i = 0; i < def->nfields; i++)
		if (schema_field_stored(&def->fields[i]))
			sbuf_addf(&b, ", \"%s\" = ?", def->fields[i].name);
	sbuf_add(&b, " WHERE id = ? AND rev = ? AND deleted_at IS NULL AND "
	    "parent_id IS coalesce(?, parent_id)");
	return sbuf_steal(&b);
}

static char *
delete_sql(const struct sch_record *def)
{
	return xasprintf("UPDATE \"%s\" SET deleted_at = ?1, rev = rev + 1, "
	    "updated_at = ?1, updated_by = ?2 WHERE id = ?3 AND parent_id = ?4 "
	    "AND deleted_at IS NULL", def->name);
}

/*
 * After a unique index refused r: which field, from SQLite's message
 * "UNIQUE constraint failed: <table>.<column>[, <table>.<column>...]".
 */
static void
note_unique(struct txn *t, const struct record *r)
{
	const char *p = strstr(sqlite3_errmsg(t->db->h), "failed: "), *next;
	const struct sch_record *def = r->def;
	size_t i, nl = strlen(def->name), fl;

	if (p == NULL)
		return;
	for (p += 8; p != NULL; p = next) {
		if ((next = strstr(p, ", ")) != NULL)
			next += 2;
		if (strncmp(p, def->name, nl) != 0 || p[nl] != '.')
			continue;
		for (i = 0; i < def->nfields; i++) {
			fl = strlen(def->fields[i].name);
			if (schema_field_stored(&def->fields[i]) &&
			    strncmp(p + nl + 1, def->fields[i].name, fl) == 0 &&
			    (p[nl + 1 + fl] == '\0' || p[nl + 1 + fl] == ',')) {
				t->urec = r;
				t->ufield = (int)i;
				return;
			}
		}
	}
}

/*
 * 1 when record id of def, just inserted, can have no rows in
 * kesra_accept: in a transaction of db_begin (nobody else writes), id is
 * above the highest record_id of def there (asked once, then kept up by
 * accept_write). 0: ask.
 */
static int
accept_none_above(struct db *db, const struct sch_record *def, int64_t id)
{
	sqlite3_stmt *st;

	if (!db->acc_txn || sqlite3_get_autocommit(db->h))
		return 0;
	if (db->acc_top_def != def) {
		if ((st = cache_get(db, "SELECT max(record_id) FROM "
		    "kesra_accept WHERE record = ?", NULL)) == NULL)
			return 0;
		sqlite3_bind_text(st, 1, def->name, -1, SQLITE_STATIC);
		if (sqlite3_step(st) != SQLITE_ROW) {
			sqlite3_reset(st);
			return 0;
		}
		db->acc_top = sqlite3_column_int64(st, 0); /* NULL: 0 */
		db->acc_top_def = def;
		sqlite3_reset(st);
	}
	return id > db->acc_top;
}

/* Replace the accepted warnings of record id (type def) by r's list;
 * inserted: id is a row the save has just inserted. */
static int
accept_write(struct txn *t, const struct sch_record *def, int64_t id,
    const struct record *r, int inserted, char **err)
{
	struct db *db = t->db;
	/* Called by write_record after it noted the row. */
	const struct saved *sv = &t->sv[t->nsv - 1];
	char **stale = NULL;
	size_t nstale = 0, i;
	int rc = -1, s;

	if (!t->has_accept) {
		if (r->nacc == 0)
			return 0;
		return util_err(err, _("%s: accepted warnings cannot be kept "
		    "before the database is migrated (run 'kesra migrate')"),
		    db->path);
	}
	if (inserted && r->nacc == 0 && accept_none_above(db, def, id))
		return 0; /* nothing to read, nothing to write */
	if ((t->acc_sel == NULL && (t->acc_sel = cache_get(db, "SELECT rule, "
	    "reason FROM kesra_accept WHERE record = ? AND record_id = ?",
	    err)) ==
	    NULL) || (t->acc_del == NULL && (t->acc_del = cache_get(db,
	    "DELETE FROM kesra_accept WHERE record = ? AND record_id = ? AND "
	    "rule = ?", err)) == NULL) || (t->acc_ups == NULL &&
	    (t->acc_ups = cache_get(db, "INSERT INTO kesra_accept (record, "
	    "record_id, rule, reason, accepted_by, accepted_at) VALUES (?, ?, "
	    "?, ?, ?, ?) ON CONFLICT (record, record_id, rule) DO UPDATE SET "
	    "reason = excluded.reason, accepted_by = excluded.accepted_by, "
	    "accepted_at = excluded.accepted_at WHERE reason IS NOT "
	    "excluded.reason", err)) == NULL))
		return -1;

	sqlite3_reset(t->acc_sel);
	sqlite3_bind_text(t->acc_sel, 1, def->name, -1, SQLITE_STATIC);
	sqlite3_bind_int64(t->acc_sel, 2, id);
	while ((s = sqlite3_step(t->acc_sel)) == SQLITE_ROW) {
		const char *rule = (const char *)sqlite3_column_text(t->acc_sel,
		    0);
		if (rule != NULL && record_accepted(r, rule) == NULL) {
			const char *why = (const char *)sqlite3_column_text(
			    t->acc_sel, 1);
			stale = xreallocarray(stale, nstale + 2, sizeof *stale);
			stale[nstale++] = xstrdup(rule);
			stale[nstale++] = xstrdup(why != NULL ? why : "");
		}
	}
	sqlite3_reset(t->acc_sel);
	if (s != SQLITE_DONE) {
		db_fail(db, err, "kesra_accept");
		goto out;
	}
	for (i = 0; i < nstale; i += 2) {
		sqlite3_reset(t->acc_del);
		sqlite3_bind_text(t->acc_del, 1, def->name, -1, SQLITE_STATIC);
		sqlite3_bind_int64(t->acc_del, 2, id);
		sqlite3_bind_text(t->acc_del, 3, stale[i], -1, SQLITE_STATIC);
		if (sqlite3_step(t->acc_del) != SQLITE_DONE) {
			db_fail(db, err, "kesra_accept");
			goto out;
		}
		if (audit_row(t, def, id, sv->uuid, sv->parent_id, stale[i],
		    stale[i + 1], NULL, "accept", err) < 0)
			goto out;
	}
	sqlite3_reset(t->acc_del);
	for (i = 0; i < r->nacc; i++) {
		sqlite3_reset(t->acc_ups);
		sqlite3_bind_text(t->acc_ups, 1, def->name, -1, SQLITE_STATIC);
		sqlite3_bind_int64(t->acc_ups, 2, id);
		sqlite3_bind_text(t->acc_ups, 3, r->acc[i].rule, -1,
		    SQLITE_STATIC);
		sqlite3_bind_text(t->acc_ups, 4, r->acc[i].reason, -1,
		    SQLITE_STATIC);
		sqlite3_bind_text(t->acc_ups, 5, t->user, -1, SQLITE_STATIC);
		sqlite3_bind_text(t->acc_ups, 6, t->now, -1, SQLITE_STATIC);
		if (sqlite3_step(t->acc_ups) != SQLITE_DONE) {
			db_fail(db, err, "kesra_accept");
			goto out;
		}
		if (db->acc_top_def == def && id > db->acc_top)
			db->acc_top = id;
		if (sqlite3_changes(db->h) > 0 && (user_info_can(&t->ui,
		    ACTION_ACCEPT, err) != 1 || audit_row(t, def, id,
		    sv->uuid, sv->parent_id,
		    r->acc[i].rule, NULL, r->acc[i].reason, "accept",
		    err) < 0))
			goto out;
	}
	sqlite3_reset(t->acc_ups);
	rc = 0;
out:
	for (i = 0; i < nstale; i++)
		free(stale[i]);
	free(stale);
	return rc;
}

/*
 * Insert (r->id == 0) or update r, with parent_id and ord (rosters), and
 * its accepted warnings. check_parent: an update must find the row under
 * parent_id. is_root: the top-level record of the save (status rules and
 * regions). Every field that changes gets a row in the audit trail (an
 * insert: one row for the record, or for a household and its roster in
 * bulk mode). The result
 * goes to t->sv; r itself is not changed.
 */
static int
write_record(struct txn *t, struct writer *w, struct record *r,
    int64_t parent_id, int check_parent, int64_t ord, int is_root,
    char **err)
{
	struct db *db = t->db;
	const struct sch_record *def = r->def;
	struct saved *sv = &t->sv[t->nsv];
	struct change {
		size_t field;
		char *old;
	} *ch = NULL;
	sqlite3_stmt *st;
	const char *status = r->status;
	size_t i, nch = 0;
	int k = 1, insert = r->id == 0, rc = -1, rf;

	rf = is_root ? user_region_field(def) : -1;
	memset(sv, 0, sizeof *sv);
	sv->r = r;
	if (!insert) {
		/* The stored row: its status, region and the old values. */
		if ((st = reuse(db, &w->sel, ST_SELECT, select_one_sql, def,
		    err)) == NULL)
			return -1;
		sqlite3_bind_int64(st, 1, r->id);
		if ((k = sqlite3_step(st)) != SQLITE_ROW) {
			sqlite3_reset(st);
			return k == SQLITE_DONE ? conflict(db, r, check_parent ?
			    parent_id : 0, err) : db_fail(db, err, def->name);
		}
		if (is_root) {
			const char *old = (const char *)sqlite3_column_text(st,
			    3);
			if (old != NULL && strcmp(old, "locked") == 0) {
				sqlite3_reset(st);
				return util_err(err, _("%s %lld is locked: an "
				    "admin must unlock it before it can be "
				    "changed"), def->name, (long long)r->id);
			}
			t->root_verified = old != NULL &&
			    strcmp(old, "verified") == 0;
		}
		ch = xcalloc(def->nfields, sizeof *ch);
		for (i = 0, k = 8; i < def->nfields; i++) {
			if (!schema_field_stored(&def->fields[i]))
				continue;
			if ((int)i == rf && region_check(t, def,
			    (const char *)sqlite3_column_text(st, k), err) < 0) {
				sqlite3_reset(st);
				goto out;
			}
			if (!col_equals(st, k, r->val[i])) {
				ch[nch].field = i;
				ch[nch++].old = column_value(st, k);
			}
			k++;
		}
		sqlite3_reset(st);
	}
	if (rf >= 0 && region_check(t, def, r->val[rf], err) < 0)
		goto out;
	/* Verified and locked are given by db_record_set_status only. */
	if (is_root && t->root_verified)
		status = "verified";
	else if (strcmp(status, "verified") == 0 ||
	    strcmp(status, "locked") == 0)
		status = "complete";
	snprintf(sv->status, sizeof sv->status, "%s", status);

	k = 1;
	st = insert ? reuse(db, &w->ins, ST_INSERT, insert_sql, def, err) :
	    reuse(db, &w->upd, ST_UPDATE, update_sql, def, err);
	if (st == NULL)
		goto out;
	if (insert) {
		/* the first record of the save takes db->stamp (import) */
		char *const *sp = t->nsv == 0 ? db->stamp : NULL;
		if (sp != NULL && sp[0] != NULL)
			snprintf(sv->uuid, sizeof sv->uuid, "%s", sp[0]);
		else
			util_uuid(sv->uuid, sizeof sv->uuid);
		sqlite3_bind_text(st, k++, sv->uuid, -1, SQLITE_STATIC);
		if (parent_id != 0)
			sqlite3_bind_int64(st, k++, parent_id);
		else
			sqlite3_bind_null(st, k++);
		sqlite3_bind_text(st, k++, sv->status, -1, SQLITE_STATIC);
		sqlite3_bind_text(st, k++, sp != NULL && sp[1] != NULL ? sp[1] :
		    t->now, -1, SQLITE_STATIC);
		sqlite3_bind_text(st, k++, sp != NULL && sp[2] != NULL ? sp[2] :
		    t->user, -1, SQLITE_STATIC);
		sqlite3_bind_text(st, k++, sp != NULL && sp[3] != NULL ? sp[3] :
		    t->now, -1, SQLITE_STATIC);
		sqlite3_bind_text(st, k++, sp != NULL && sp[4] != NULL ? sp[4] :
		    t->user, -1, SQLITE_STATIC);
	} else {
		sqlite3_bind_text(st, k++, sv->status, -1, SQLITE_STATIC);
		sqlite3_bind_text(st, k++, t->now, -1, SQLITE_STATIC);
		sqlite3_bind_text(st, k++, t->user, -1, SQLITE_STATIC);
	}
	if (def->parent != NULL)
		sqlite3_bind_int64(st, k++, ord);
	else
		sqlite3_bind_null(st, k++);
	for (i = 0; i < def->nfields; i++)
		if (schema_field_stored(&def->fields[i]))
			bind_value(st, k++, &def->fields[i], r->val[i]);
	if (!insert) {
		sqlite3_bind_int64(st, k++, r->id);
		sqlite3_bind_int64(st, k++, r->rev);
		if (check_parent)
			sqlite3_bind_int64(st, k++, parent_id);
		else
			sqlite3_bind_null(st, k++);
	}
	if (sqlite3_step(st) != SQLITE_DONE) {
		if (sqlite3_extended_errcode(db->h) == SQLITE_CONSTRAINT_UNIQUE)
			note_unique(t, r);
		db_fail(db, err, def->name);
		goto out;
	}
	if (insert) {
		sv->id = sqlite3_last_insert_rowid(db->h);
		sv->rev = 1;
		sv->parent_id = parent_id;
	} else {
		if (sqlite3_changes(db->h) == 0) {
			conflict(db, r, check_parent ? parent_id : 0, err);
			goto out;
		}
		sv->id = r->id;
		sv->rev = r->rev + 1;
		memcpy(sv->uuid, r->uuid, sizeof sv->uuid);
		sv->parent_id = check_parent ? parent_id : r->parent_id;
	}
	sv->ord = def->parent != NULL ? ord : r->ord;
	t->nsv++;
	if (insert) {
		t->nchanges++;
		if (db->audit_bulk || !t->has_audit) {
			/* bulk: one row for a household and its roster,
			 * without the uuid (the record's row keeps it;
			 * db_audit_list reads it from there) */
			if (is_root && audit_row(t, def, sv->id, NULL,
			    parent_id, NULL, NULL, NULL, "insert", err) < 0)
				goto out;
		} else if (audit_row(t, def, sv->id, sv->uuid, parent_id,
		    NULL, NULL, NULL, "insert", err) < 0)
			/* one row per record: its inserted values are the
			 * oldest old values of its updates, or the stored
			 * ones (db_audit_list shows them per field) */
			goto out;
	}
	for (i = 0; i < nch; i++) {
		size_t f = ch[i].field;
		t->nchanges++;
		if (audit_row(t, def, sv->id, sv->uuid, sv->parent_id,
		    def->fields[f].name, ch[i].old, r->val[f], "update",
		    err) < 0)
			goto out;
	}
	rc = accept_write(t, def, sv->id, r, insert, err);
out:
	for (i = 0; i < nch; i++)
		free(ch[i].old);
	free(ch);
	return rc;
}

/* Mark a roster's removed rows deleted, those under parent_id only. */
static int
delete_rows(struct txn *t, struct writer *w, const struct db_roster *ro,
    int64_t parent_id, char **err)
{
	sqlite3_stmt *st;
	size_t i;

	for (i = 0; i < ro->ndeleted; i++) {
		if ((st = reuse(t->db, &w->del, ST_DELETE, delete_sql, ro->def,
		    err)) == NULL)
			return -1;
		sqlite3_bind_text(st, 1, t->now, -1, SQLITE_STATIC);
		sqlite3_bind_text(st, 2, t->user, -1, SQLITE_STATIC);
		sqlite3_bind_int64(st, 3, ro->deleted[i]);
		sqlite3_bind_int64(st, 4, parent_id);
		if (sqlite3_step(st) != SQLITE_DONE)
			return db_fail(t->db, err, ro->def->name);
		if (sqlite3_changes(t->db->h) > 0) {
			t->nchanges++;
			if (audit_row(t, ro->def, ro->deleted[i], NULL,
			    parent_id, NULL, NULL, NULL, "delete", err) < 0)
				return -1;
		}
	}
	return 0;
}

/* After COMMIT: the records take what was written. */
static void
txn_apply(struct txn *t)
{
	size_t i;
	for (i = 0; i < t->nsv; i++) {
		struct saved *sv = &t->sv[i];
		struct record *r = sv->r;
		r->id = sv->id;
		memcpy(r->uuid, sv->uuid, sizeof r->uuid);
		r->rev = sv->rev;
		r->parent_id = sv->parent_id;
		r->ord = sv->ord;
		memcpy(r->status, sv->status, sizeof r->status);
		free(r->updated_at);
		free(r->updated_by);
		r->updated_at = xstrdup(t->now);
		r->updated_by = t->user != NULL ? xstrdup(t->user) : NULL;
	}
}

/* After ROLLBACK of a save a unique index refused: name the field. */
static void
unique_message(struct db *db, const struct txn *t, char **err)
{
	const struct record *r = t->urec;
	const struct sch_record *def = r->def;
	const char *v = r->val[t->ufield];
	char *sv = util_sanitize(v, 0);
	int64_t other = 0;

	if (db_find_duplicate(db, def, (size_t)t->ufield, v, r->id, &other,
	    NULL) == 1)
		util_err(err, _("field '%s' of %s is unique: %s %lld already "
		    "has the value '%s'"), def->fields[t->ufield].name,
		    def->name, def->name, (long long)other, sv);
	else
		util_err(err, _("field '%s' of %s is unique: the value '%s' is "
		    "given to more than one record in this save"),
		    def->fields[t->ufield].name, def->name, sv);
	free(sv);
}

/*
 * A save changed a verified record: only a supervisor may, with a reason;
 * the record goes back to complete (or draft, when the save says so).
 */
static int
verified_changed(struct txn *t, struct record *root, char **err)
{
	const struct sch_record *def = root->def;
	struct saved *sv = &t->sv[0];
	const char *to = strcmp(root->status, "draft") == 0 ? "draft" :
	    "complete";
	sqlite3_stmt *st;
	char *sql;
	int rc;

	if (user_info_can(&t->ui, ACTION_VERIFY, err) != 1) {
		char *why = *err;
		*err = NULL;
		util_err(err, _("%s %lld is verified: %s"), def->name,
		    (long long)root->id, why);
		free(why);
		return -1;
	}
	if (t->reason == NULL)
		return util_err(err, _("%s %lld is verified: a change needs a "
		    "reason"), def->name, (long long)root->id);
	sql = xasprintf("UPDATE \"%s\" SET status = ? WHERE id = ?",
	    def->name);
	st = cache_get(t->db, sql, err);
	free(sql);
	if (st == NULL)
		return -1;
	sqlite3_bind_text(st, 1, to, -1, SQLITE_STATIC);
	sqlite3_bind_int64(st, 2, sv->id);
	rc = sqlite3_step(st);
	release_stmt(st);
	if (rc != SQLITE_DONE)
		return db_fail(t->db, err, def->name);
	snprintf(sv->status, sizeof sv->status, "%s", to);
	return audit_row(t, def, sv->id, sv->uuid, 0, "status", "verified",
	    to, "status", err);
}

int
db_tree_save(struct db *db, struct record *root,
    const struct db_roster *rosters, size_t nrosters, const char *user,
    char **err)
{
	struct txn t = {0};
	struct writer *w = NULL;
	size_t i, j, nrows = 1;
	int64_t root_id;
	int began = 0, nested, own_sp, rc = -1;

	if (db->readonly) {
		stamps_clear(db);
		return util_err(err, _("%s: the database is read-only"),
		    db->path);
	}
	for (i = 0; i < nrosters; i++) {
		const struct sch_record *d = rosters[i].def;
		if (d == NULL || d->parent == NULL ||
		    strcmp(d->parent, root->def->name) != 0) {
			stamps_clear(db);
			return util_err(err, _("%s is not a roster of %s"),
			    d != NULL ? d->name : "?", root->def->name);
		}
		for (j = 0; j < rosters[i].n; j++)
			if (rosters[i].rows[j] == NULL ||
			    rosters[i].rows[j]->def != d) {
				stamps_clear(db);
				return util_err(err, _("row %zu of roster %s "
				    "is not a %s record"), j + 1, d->name,
				    d->name);
			}
		nrows += rosters[i].n;
	}
	t.db = db;
	t.user = user;
	t.ufield = -1;
	util_now(t.now, sizeof t.now);
	t.sv = xcalloc(nrows, sizeof *t.sv);
	w = xcalloc(nrosters + 1, sizeof *w);
	w[0].def = root->def;
	for (i = 0; i < nrosters; i++)
		w[i + 1].def = rosters[i].def;

	/* Inside the caller's transaction: a savepoint of our own. */
	nested = !sqlite3_get_autocommit(db->h);
	own_sp = nested && !db->no_save_sp;
	if (nested ? own_sp && cache_exec(db, "SAVEPOINT kesra_save",
	    err) < 0 : exec(db, "BEGIN IMMEDIATE", err) < 0)
		goto out;
	began = 1;
	if (!db->has_accept)
		db->has_accept = table_exists(db, "kesra_accept");
	t.has_accept = db->has_accept;
	if (!db->has_audit)
		db->has_audit = table_exists(db, "kesra_audit");
	t.has_audit = db->has_audit;
	t.reason = db->reason;
	if (saver_lookup(db, user, &t.ui, err) < 0 ||
	    user_info_can(&t.ui, ACTION_EDIT, err) != 1)
		goto out;
	if (write_record(&t, &w[0], root, root->parent_id, 0, root->ord,
	    root->def->parent == NULL, err) < 0)
		goto out;
	root_id = t.sv[0].id;
	/* Removed rows first: their unique values become free for others. */
	if (root->id != 0)
		for (i = 0; i < nrosters; i++)
			if (delete_rows(&t, &w[i + 1], &rosters[i], root_id,
			    err) < 0)
				goto out;
	for (i = 0; i < nrosters; i++)
		for (j = 0; j < rosters[i].n; j++)
			if (write_record(&t, &w[i + 1], rosters[i].rows[j],
			    root_id, 1, (int64_t)j, 0, err) < 0)
				goto out;
	if (t.root_verified && t.nchanges > 0 &&
	    verified_changed(&t, root, err) < 0)
		goto out;
	if (nested ? own_sp && cache_exec(db, "RELEASE kesra_save",
	    err) < 0 : exec(db, "COMMIT", err) < 0)
		goto out;
	txn_apply(&t);
	db_set_reason(db, NULL);
	rc = 0;
out:
	for (i = 0; i <= nrosters; i++)
		writer_done(&w[i]);
	release_stmt(t.acc_sel);
	release_stmt(t.acc_del);
	release_stmt(t.acc_ups);
	if (rc < 0 && began) {
		/* A failed I/O may have ended the outer transaction already. */
		if (!nested)
			sqlite3_exec(db->h, "ROLLBACK", NULL, NULL, NULL);
		else if (own_sp && !sqlite3_get_autocommit(db->h))
			sqlite3_exec(db->h, "ROLLBACK TO kesra_save; "
			    "RELEASE kesra_save", NULL, NULL, NULL);
		if (t.urec != NULL)
			unique_message(db, &t, err);
	}
	free(t.sv);
	free(w);
	user_info_free(&t.ui);
	stamps_clear(db);
	return rc;
}

int
db_record_save(struct db *db, struct record *r, const char *user, char **err)
{
	return db_tree_save(db, r, NULL, 0, user, err);
}

/* SELECT of a record's system columns and stored fields (row_read). */
static void
select_sql(struct sbuf *b, const struct sch_record *def)
{
	size_t i;
	sbuf_add(b, "SELECT id, uuid, parent_id, status, rev, updated_at, "
	    "updated_by, ord");
	for (i = 0; i < def->nfields; i++)
		if (schema_field_stored(&def->fields[i]))
			sbuf_addf(b, ", \"%s\"", def->fields[i].name);
	sbuf_addf(b, " FROM \"%s\"", def->name);
}

/* snprintf(buf, n, "%s", t ? t : dflt), without printf (called per row). */
static void
copy_text(char *buf, size_t n, const unsigned char *t, const char *dflt)
{
	const char *s = t != NULL ? (const char *)t : dflt;
	size_t len = strnlen(s, n - 1);
	memcpy(buf, s, len);
	buf[len] = '\0';
}

/*
 * The values of a row from column k on into r in one allocation
 * (r->blk), each the text column_value gives: a record of the register
 * has some 80 of them, loaded by the page. -1 (nothing done) for a
 * record of more fields than it keeps room for.
 */
#define PACK_MAX 256
static int
pack_values(sqlite3_stmt *st, struct record *r, int k,
    const unsigned char *want)
{
	const struct sch_record *def = r->def;
	const char *p[PACK_MAX];
	size_t len[PACK_MAX], i, total = 0, o = 0;
	char scratch[PACK_MAX][40], *blk;

	if (def->nfields > PACK_MAX)
		return -1;
	for (i = 0; i < def->nfields; i++) {
		sqlite3_value *cv;
		p[i] = NULL;
		if (!schema_field_stored(&def->fields[i]))
			continue;
		if (want != NULL && !want[i]) { /* NULL in the statement */
			k++;
			continue;
		}
		/* the column once (each sqlite3_column_* call looks it up) */
		cv = sqlite3_column_value(st, k);
		switch (sqlite3_value_type(cv)) {
		case SQLITE_NULL:
			break;
		case SQLITE_FLOAT:
			util_fmt_double(sqlite3_value_double(cv), scratch[i],
			    sizeof scratch[i]);
			p[i] = scratch[i];
			len[i] = strlen(p[i]);
			break;
		case SQLITE_INTEGER: {
			sqlite3_int64 v = sqlite3_value_int64(cv);
			unsigned long long u = v < 0 ? 0ULL -
			    (unsigned long long)v : (unsigned long long)v;
			char *e = scratch[i] + sizeof scratch[i], *q = e;
			do {
				*--q = (char)('0' + u % 10);
				u /= 10;
			} while (u > 0);
			if (v < 0)
				*--q = '-';
			p[i] = q;
			len[i] = (size_t)(e - q);
			break;
		}
		default:
			/* as xstrndup(text, bytes): up to a NUL inside */
			p[i] = (const char *)sqlite3_value_text(cv);
			if (p[i] != NULL)
				len[i] = strnlen(p[i], (size_t)
				    sqlite3_value_bytes(cv));
			break;
		}
		if (p[i] != NULL)
			total += len[i] + 1;
		k++;
	}
	if (total == 0)
		return 0;
	blk = xmalloc(total);
	for (i = 0; i < def->nfields; i++)
		if (p[i] != NULL) {
			memcpy(blk + o, p[i], len[i]);
			blk[o + len[i]] = '\0';
			r->val[i] = blk + o;
			o += len[i] + 1;
		}
	r->blk = blk;
	r->blklen = total;
	return 0;
}

/* The row of st as a record of def; want: only those fields were
 * selected (db_children_load_some), NULL: all. */
static struct record *
row_read_some(sqlite3_stmt *st, const struct sch_record *def,
    const unsigned char *want)
{
	struct record *r = record_new(def);
	size_t i;
	int k = 8;

	r->id = sqlite3_column_int64(st, 0);
	copy_text(r->uuid, sizeof r->uuid, sqlite3_column_text(st, 1), "");
	r->parent_id = sqlite3_column_int64(st, 2);
	copy_text(r->status, sizeof r->status, sqlite3_column_text(st, 3),
	    "draft");
	r->rev = sqlite3_column_int64(st, 4);
	r->updated_at = column_value(st, 5);
	r->updated_by = column_value(st, 6);
	r->ord = sqlite3_column_int64(st, 7);
	if (pack_values(st, r, k, want) == 0)
		return r;
	for (i = 0; i < def->nfields; i++)
		if (schema_field_stored(&def->fields[i]))
			r->val[i] = column_value(st, k++);
	return r;
}

static struct record *
row_read(sqlite3_stmt *st, const struct sch_record *def)
{
	return row_read_some(st, def, NULL);
}

static char *
accept_sql(const struct sch_record *def)
{
	(void)def;
	return xstrdup("SELECT record_id, rule, reason FROM kesra_accept "
	    "WHERE record = ?1 AND record_id BETWEEN ?2 AND ?3 ORDER BY "
	    "record_id, rule");
}

/*
 * Fill the acc lists of rows from kesra_accept: rows are the live children
 * of a parent, or the one record, all of type def. Looked up by ranges of
 * their ids (probes of the table's key; an id in a range that is not one
 * of rows matches nothing), not by a join with the record's table: one
 * range when the ids lie close together (a household's rows, entered
 * together), else one probe per row. A file not migrated yet has no
 * acceptances.
 */
static int
accept_load(struct db *db, const struct sch_record *def, struct record **rows,
    size_t n, char **err)
{
	sqlite3_stmt *st;
	int64_t lo, hi;
	size_t i, j, nq;
	int rc = SQLITE_DONE;

	if (n == 0)
		return 0;
	if (!db->has_accept && !(db->has_accept = table_exists(db,
	    "kesra_accept")))
		return 0;
	lo = hi = rows[0]->id;
	for (i = 1; i < n; i++) {
		if (rows[i]->id < lo)
			lo = rows[i]->id;
		if (rows[i]->id > hi)
			hi = rows[i]->id;
	}
	/* one range, or a probe per row when the range is wide */
	nq = (uint64_t)(hi - lo) <= 4 * (uint64_t)n + 16 ? 1 : n;
	st = NULL; /* the same SQL for every record type, kept by reuse */
	if (reuse(db, &st, ST_ACCEPT, accept_sql, def, err) == NULL)
		return -1;
	for (j = 0; j < nq && rc == SQLITE_DONE; j++) {
		sqlite3_reset(st);
		sqlite3_bind_text(st, 1, def->name, -1, SQLITE_STATIC);
		sqlite3_bind_int64(st, 2, nq == 1 ? lo : rows[j]->id);
		sqlite3_bind_int64(st, 3, nq == 1 ? hi : rows[j]->id);
		while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
			int64_t rid = sqlite3_column_int64(st, 0);
			const char *rule = (const char *)sqlite3_column_text(st,
			    1);
			const char *reason = (const char *)sqlite3_column_text(
			    st, 2);
			if (rule == NULL || reason == NULL)
				continue;
			for (i = 0; i < n; i++)
				if (rows[i]->id == rid) {
					record_accept(rows[i], rule, reason);
					break;
				}
		}
	}
	release_stmt(st);
	return rc == SQLITE_DONE ? 0 : db_fail(db, err, "kesra_accept");
}

int
db_record_load(struct db *db, const struct sch_record *def, int64_t id,
    struct record **out, char **err)
{
	sqlite3_stmt *st = NULL;
	struct record *r;
	int rc;

	*out = NULL;
	/* fixed SQL per record type, kept by reuse */
	if (reuse(db, &st, ST_SELECT, select_one_sql, def, err) == NULL)
		return -1;
	sqlite3_bind_int64(st, 1, id);
	rc = sqlite3_step(st);
	if (rc != SQLITE_ROW) {
		if (rc == SQLITE_DONE)
			util_err(err, _("%s %lld: no such record"), def->name,
			    (long long)id);
		else
			db_fail(db, err, def->name);
		release_stmt(st);
		return -1;
	}
	r = row_read(st, def);
	release_stmt(st);
	if (accept_load(db, def, &r, 1, err) < 0) {
		record_free(r);
		return -1;
	}
	*out = r;
	return 0;
}

/* A roster's rows in order, when ord may be other than an integer. */
static char *
children_sql(const struct sch_record *def)
{
	struct sbuf b = {0};
	select_sql(&b, def);
	sbuf_add(&b, " WHERE parent_id = ? AND deleted_at IS NULL ORDER BY "
	    "ord, id");
	return sbuf_steal(&b);
}

/* A roster's rows in the parent index's order (sorted by children_cmp). */
static char *
children_any_sql(const struct sch_record *def)
{
	struct sbuf b = {0};
	select_sql(&b, def);
	sbuf_add(&b, " WHERE parent_id = ? AND deleted_at IS NULL");
	return sbuf_steal(&b);
}

/* A row with whether its ord is NULL, for children_cmp. */
struct child_ord {
	struct record *r;
	int null_ord;
};

/* ORDER BY ord, id of integers and NULLs: NULL first, then by value. */
static int
children_cmp(const void *a, const void *b)
{
	const struct child_ord *x = a, *y = b;
	if (x->null_ord != y->null_ord)
		return x->null_ord ? -1 : 1;
	if (!x->null_ord && x->r->ord != y->r->ord)
		return x->r->ord < y->r->ord ? -1 : 1;
	return x->r->id < y->r->id ? -1 : x->r->id > y->r->id;
}

/*
 * The statement of db_children_load_some: the SELECT of select_sql with
 * NULL in place of each stored field not in want, over the roster's rows
 * of a parent in the parent index's order. Kept per record type for the
 * last want asked (a validation asks one).
 */
static sqlite3_stmt *
some_stmt(struct db *db, const struct sch_record *def,
    const unsigned char *want, char **err)
{
	size_t ri = (size_t)(def - db->s->records), i;
	struct sbuf b = {0};
	sqlite3_stmt *st;
	int mine = def >= db->s->records && ri < db->s->nrecords;

	if (mine && db->some_st != NULL && db->some_st[ri] != NULL &&
	    memcmp(db->some_want[ri], want, def->nfields) == 0) {
		sqlite3_reset(db->some_st[ri]);
		sqlite3_clear_bindings(db->some_st[ri]);
		return db->some_st[ri];
	}
	sbuf_add(&b, "SELECT id, uuid, parent_id, status, rev, updated_at, "
	    "updated_by, ord");
	for (i = 0; i < def->nfields; i++)
		if (schema_field_stored(&def->fields[i])) {
			if (want[i])
				sbuf_addf(&b, ", \"%s\"", def->fields[i].name);
			else
				sbuf_add(&b, ", NULL");
		}
	sbuf_addf(&b, " FROM \"%s\" WHERE parent_id = ? AND deleted_at IS "
	    "NULL", def->name);
	st = cache_get(db, b.s, err);
	sbuf_free(&b);
	if (st == NULL || !mine)
		return st;
	if (db->some_st == NULL) {
		db->some_st = xcalloc(db->s->nrecords, sizeof *db->some_st);
		db->some_want = xcalloc(db->s->nrecords,
		    sizeof *db->some_want);
	}
	free(db->some_want[ri]);
	db->some_want[ri] = xmalloc(def->nfields + 1);
	memcpy(db->some_want[ri], want, def->nfields);
	db->some_st[ri] = st;
	return st;
}

/*
 * The rows are read in the parent index's order and sorted here: ORDER
 * BY ord, id in SQLite would copy every column of every row through a
 * sorter. A row whose ord is neither an integer nor NULL (a file written
 * by another tool into a table that is not STRICT) makes it read them
 * again, whole, sorted by SQLite, whose order of mixed types it then is.
 * want: only those fields (db_children_load_some), NULL: all.
 */
static int
children_load(struct db *db, const struct sch_record *child,
    int64_t parent_id, const unsigned char *want, struct record ***rows,
    size_t *n, char **err)
{
	sqlite3_stmt *st = NULL;
	struct record **v = NULL;
	struct child_ord *co = NULL;
	size_t nv = 0, cap = 0, i;
	int rc, sorted = 0, odd = 0;

	*rows = NULL;
	*n = 0;
	if (child->parent == NULL)
		return util_err(err, _("%s is not a roster"), child->name);
again:
	/* fixed SQL per record type, kept by reuse */
	if (sorted)
		st = reuse(db, &st, ST_CHILDREN, children_sql, child, err);
	else if (want != NULL)
		st = some_stmt(db, child, want, err);
	else
		st = reuse(db, &st, ST_CHILDREN_ANY, children_any_sql, child,
		    err);
	if (st == NULL) {
		free(co);
		return -1;
	}
	sqlite3_bind_int64(st, 1, parent_id);
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		int t = sqlite3_column_type(st, 7); /* ord */
		if (!sorted && t != SQLITE_INTEGER && t != SQLITE_NULL) {
			odd = 1;
			break;
		}
		if (nv == cap) {
			cap = cap ? cap * 2 : 8;
			v = xreallocarray(v, cap, sizeof *v);
			co = xreallocarray(co, cap, sizeof *co);
		}
		co[nv].null_ord = t == SQLITE_NULL;
		v[nv] = row_read_some(st, child, sorted ? NULL : want);
		co[nv].r = v[nv];
		nv++;
	}
	release_stmt(st);
	if (odd) {
		db_records_free(v, nv);
		v = NULL;
		nv = cap = 0;
		odd = 0;
		sorted = 1;
		st = NULL;
		goto again;
	}
	if (rc != SQLITE_DONE) {
		db_fail(db, err, child->name);
		db_records_free(v, nv);
		free(co);
		return -1;
	}
	if (!sorted && nv > 1) {
		qsort(co, nv, sizeof *co, children_cmp);
		for (i = 0; i < nv; i++)
			v[i] = co[i].r;
	}
	free(co);
	if (accept_load(db, child, v, nv, err) < 0) {
		db_records_free(v, nv);
		return -1;
	}
	*rows = v;
	*n = nv;
	return 0;
}

int
db_children_load(struct db *db, const struct sch_record *child,
    int64_t parent_id, struct record ***rows, size_t *n, char **err)
{
	return children_load(db, child, parent_id, NULL, rows, n, err);
}

int
db_children_load_some(struct db *db, const struct sch_record *child,
    int64_t parent_id, const unsigned char *want, struct record ***rows,
    size_t *n, char **err)
{
	return children_load(db, child, parent_id, want, rows, n, err);
}

static int
row_id_cmp(const void *a, const void *b)
{
	const struct record *x = *(struct record *const *)a;
	const struct record *y = *(struct record *const *)b;
	return x->id < y->id ? -1 : x->id > y->id;
}

/* Roster rows as db_children_load orders them, by parent. */
static int
row_child_cmp(const void *a, const void *b)
{
	const struct record *x = *(struct record *const *)a;
	const struct record *y = *(struct record *const *)b;
	if (x->parent_id != y->parent_id)
		return x->parent_id < y->parent_id ? -1 : 1;
	if (x->ord != y->ord)
		return x->ord < y->ord ? -1 : 1;
	return x->id < y->id ? -1 : x->id > y->id;
}

int
db_records_range(struct db *db, const struct sch_record *def, int64_t lo,
    int64_t hi, int by_parent, struct record ***rows, size_t *n, char **err)
{
	const char *col = by_parent ? "parent_id" : "id";
	struct sbuf b = {0};
	sqlite3_stmt *st;
	struct record **v = NULL, **byid, key, *kp = &key;
	size_t nv = 0, cap = 0;
	int rc;

	*rows = NULL;
	*n = 0;
	if (by_parent && def->parent == NULL)
		return util_err(err, _("%s is not a roster"), def->name);
	select_sql(&b, def);
	/* in index order (a sort of whole rows in SQLite would copy every
	 * column); rows by (parent_id, ord, id) sorted here */
	sbuf_addf(&b, " WHERE %s BETWEEN ?1 AND ?2 AND deleted_at IS NULL "
	    "ORDER BY %s", col, col);
	st = cache_get(db, b.s, err); /* fixed SQL per record type */
	sbuf_free(&b);
	if (st == NULL)
		return -1;
	sqlite3_bind_int64(st, 1, lo);
	sqlite3_bind_int64(st, 2, hi);
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		if (nv == cap) {
			cap = cap ? cap * 2 : 64;
			v = xreallocarray(v, cap, sizeof *v);
		}
		v[nv++] = row_read(st, def);
	}
	release_stmt(st);
	if (rc != SQLITE_DONE) {
		db_fail(db, err, def->name);
		db_records_free(v, nv);
		return -1;
	}
	if (by_parent && nv > 1)
		qsort(v, nv, sizeof *v, row_child_cmp);
	if (nv > 0 && (db->has_accept || (db->has_accept = table_exists(db,
	    "kesra_accept")))) {
		/* the acceptances of these rows, matched by id */
		byid = xreallocarray(NULL, nv, sizeof *byid);
		memcpy(byid, v, nv * sizeof *byid);
		qsort(byid, nv, sizeof *byid, row_id_cmp);
		sbuf_addf(&b, "SELECT record_id, rule, reason FROM kesra_accept "
		    "WHERE record = ?1 AND record_id IN (SELECT id FROM \"%s\" "
		    "WHERE %s BETWEEN ?2 AND ?3 AND deleted_at IS NULL) ORDER BY "
		    "record_id, rule", def->name, col);
		st = cache_get(db, b.s, err);
		sbuf_free(&b);
		if (st == NULL) {
			free(byid);
			db_records_free(v, nv);
			return -1;
		}
		sqlite3_bind_text(st, 1, def->name, -1, SQLITE_STATIC);
		sqlite3_bind_int64(st, 2, lo);
		sqlite3_bind_int64(st, 3, hi);
		while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
			const char *rule = (const char *)sqlite3_column_text(st,
			    1);
			const char *reason = (const char *)sqlite3_column_text(
			    st, 2);
			struct record **hit;
			key.id = sqlite3_column_int64(st, 0);
			if (rule == NULL || reason == NULL)
				continue;
			if ((hit = bsearch(&kp, byid, nv, sizeof *byid,
			    row_id_cmp)) != NULL)
				record_accept(*hit, rule, reason);
		}
		release_stmt(st);
		free(byid);
		if (rc != SQLITE_DONE) {
			db_fail(db, err, "kesra_accept");
			db_records_free(v, nv);
			return -1;
		}
	}
	*rows = v;
	*n = nv;
	return 0;
}

void
db_records_free(struct record **rows, size_t n)
{
	size_t i;
	for (i = 0; i < n; i++)
		record_free(rows[i]);
	free(rows);
}

int
db_find_duplicate(struct db *db, const struct sch_record *def,
    size_t field, const char *value, int64_t exclude_id, int64_t *other_id,
    char **err)
{
	const struct sch_field *f;
	sqlite3_stmt *st;
	char *sql;
	int rc;

	if (other_id != NULL)
		*other_id = 0;
	if (field >= def->nfields || !schema_field_stored(&def->fields[field]))
		return util_err(err, _("%s: field %zu has no column"),
		    def->name, field);
	if (value == NULL || value[0] == '\0')
		return 0;
	f = &def->fields[field];
	/* The WHERE of the partial index "<record>_<field>_unique". */
	sql = xasprintf("SELECT id FROM \"%s\" WHERE \"%s\" = ? AND "
	    "deleted_at IS NULL AND \"%s\" IS NOT NULL AND id <> ? ORDER BY id "
	    "LIMIT 1", def->name, f->name, f->name);
	st = cache_get(db, sql, err); /* fixed SQL per field */
	free(sql);
	if (st == NULL)
		return -1;
	bind_value(st, 1, f, value);
	sqlite3_bind_int64(st, 2, exclude_id);
	rc = sqlite3_step(st);
	if (rc == SQLITE_ROW) {
		if (other_id != NULL)
			*other_id = sqlite3_column_int64(st, 0);
		rc = 1;
	} else if (rc == SQLITE_DONE)
		rc = 0;
	else
		rc = db_fail(db, err, def->name);
	release_stmt(st);
	return rc;
}

/*
 * The list filter of the session (db_set_session, db_set_list_status):
 * appended to a WHERE as "AND ..." with parameters from ?3 on, which
 * scope_bind binds. A user limited to regions sees the top-level records
 * of those regions only.
 */
struct scope {
	struct user_info ui;
	int rf; /* region field, or -1: no region condition */
};

static int
scope_sql(struct db *db, const struct sch_record *def, struct sbuf *b,
    struct scope *sc, char **err)
{
	size_t i;

	memset(sc, 0, sizeof *sc);
	sc->rf = -1;
	if (db->list_status != NULL)
		sbuf_add(b, " AND status = ?3");
	if (db->session_user == NULL || def->parent != NULL)
		return 0;
	if (user_lookup(db, db->session_user, &sc->ui, err) < 0)
		return -1;
	if (sc->ui.role == ROLE_ADMIN || (sc->ui.role == ROLE_NONE &&
	    sc->ui.read_only) || (sc->ui.role != ROLE_NONE &&
	    sc->ui.nregions == 0))
		return 0;
	if (sc->ui.role == ROLE_NONE) { /* refused: sees nothing */
		sbuf_add(b, " AND 0");
		return 0;
	}
	if ((sc->rf = user_region_field(def)) < 0)
		return 0;
	sbuf_add(b, " AND (0");
	for (i = 0; i < sc->ui.nregions; i++)
		sbuf_addf(b, " OR substr(\"%s\", 1, length(?%zu)) = ?%zu",
		    def->fields[sc->rf].name, i + 4, i + 4);
	sbuf_add(b, ")");
	return 0;
}

static void
scope_bind(struct db *db, sqlite3_stmt *st, const struct scope *sc)
{
	size_t i;
	if (db->list_status != NULL)
		sqlite3_bind_text(st, 3, db->list_status, -1, SQLITE_STATIC);
	if (sc->rf >= 0)
		for (i = 0; i < sc->ui.nregions; i++)
			sqlite3_bind_text(st, (int)i + 4, sc->ui.regions[i],
			    -1, SQLITE_STATIC);
}

char *
db_stored_sql(struct db *db, const char *type, const char *name)
{
	/* kept: the checks at every start ask it a few dozen times */
	sqlite3_stmt *st = cache_get(db, "SELECT sql FROM sqlite_schema "
	    "WHERE type = ? AND name = ?", NULL);
	char *r = NULL;
	if (st == NULL)
		return NULL;
	sqlite3_bind_text(st, 1, type, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 2, name, -1, SQLITE_STATIC);
	if (sqlite3_step(st) == SQLITE_ROW) {
		const char *t = (const char *)sqlite3_column_text(st, 0);
		r = xstrdup(t != NULL ? t : "");
	}
	sqlite3_reset(st);
	return r;
}

void
db_release_memory(struct db *db)
{
	sqlite3_db_release_memory(db->h);
}

int
db_record_count(struct db *db, const struct sch_record *def, int64_t *n,
    char **err)
{
	struct sbuf b = {0};
	sqlite3_stmt *st;
	int rc;

	struct scope sc;
	size_t len;

	sbuf_addf(&b, "SELECT count(*) FROM \"%s\" WHERE deleted_at IS NULL",
	    def->name);
	len = b.len;
	if (scope_sql(db, def, &b, &sc, err) < 0) {
		sbuf_free(&b);
		return -1;
	}
	/*
	 * All the live rows of a top-level record: the count its triggers
	 * keep in kesra_count (db_search.c), one look-up instead of a walk
	 * over every live row (the menu shows it at start-up). A file
	 * without it (read-only, not migrated) or a count that cannot be
	 * right is counted.
	 */
	if (b.len == len && def->parent == NULL &&
	    table_exists(db, "kesra_count")) {
		sqlite3_stmt *kc = cache_get(db, "SELECT live FROM kesra_count "
		    "WHERE record = ?1", err);
		if (kc == NULL) {
			sbuf_free(&b);
			user_info_free(&sc.ui);
			return -1;
		}
		sqlite3_bind_text(kc, 1, def->name, -1, SQLITE_STATIC);
		rc = sqlite3_step(kc);
		if (rc == SQLITE_ROW && sqlite3_column_type(kc, 0) ==
		    SQLITE_INTEGER && sqlite3_column_int64(kc, 0) >= 0) {
			*n = sqlite3_column_int64(kc, 0);
			sqlite3_reset(kc);
			sbuf_free(&b);
			user_info_free(&sc.ui);
			return 0;
		}
		sqlite3_reset(kc);
		if (rc != SQLITE_ROW && rc != SQLITE_DONE) {
			sbuf_free(&b);
			user_info_free(&sc.ui);
			return db_fail(db, err, def->name);
		}
	}
	st = prepare(db, b.s, err);
	sbuf_free(&b);
	if (st == NULL) {
		user_info_free(&sc.ui);
		return -1;
	}
	scope_bind(db, st, &sc);
	rc = sqlite3_step(st);
	*n = rc == SQLITE_ROW ? sqlite3_column_int64(st, 0) : 0;
	sqlite3_finalize(st);
	user_info_free(&sc.ui);
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

/*
 * The title of a list row, taken apart once per page (not once per row):
 * the literal text before each ${field} and the result column holding
 * that field (-1: not a stored field, or the text after the last one).
 * Put together per row as record_title does (fields by their stored text,
 * trimmed), straight from the statement's columns.
 */
struct title_piece {
	const char *s;
	size_t n;
	int fi;  /* field index, -1: none */
	int col; /* result column, -1: none */
};

/* The pieces of def's title (nullable *pieces when no title), their
 * columns added to b (unless NULL) from result column 3 on. */
static size_t
title_pieces(const struct sch_record *def, struct sbuf *b,
    struct title_piece **pieces)
{
	const char *p = def->title, *q, *e;
	size_t np = 0, i, k;
	int ncols = 0;

	*pieces = NULL;
	if (p == NULL) {
		if (b != NULL && def->nfields > 0 &&
		    schema_field_stored(&def->fields[0]))
			sbuf_addf(b, ", \"%s\"", def->fields[0].name);
		return 0;
	}
	*pieces = xcalloc(strlen(p) / 3 + 2, sizeof **pieces);
	for (;;) {
		struct title_piece *t = &(*pieces)[np++];
		t->s = p;
		t->fi = t->col = -1;
		if ((q = strstr(p, "${")) == NULL || (e = strchr(q, '}')) ==
		    NULL) {
			t->n = strlen(p);
			break;
		}
		t->n = (size_t)(q - p);
		for (i = 0; i < def->nfields; i++)
			if (strncmp(def->fields[i].name, q + 2,
			    (size_t)(e - q - 2)) == 0 &&
			    def->fields[i].name[e - q - 2] == '\0')
				break;
		if (i < def->nfields && schema_field_stored(&def->fields[i])) {
			t->fi = (int)i;
			for (k = 0; k + 1 < np; k++)
				if ((*pieces)[k].fi == t->fi)
					break;
			if (k + 1 < np)
				t->col = (*pieces)[k].col;
			else {
				t->col = 3 + ncols++;
				if (b != NULL)
					sbuf_addf(b, ", \"%s\"",
					    def->fields[i].name);
			}
		}
		p = e + 1;
	}
	return np;
}

/* Column col's stored text (column_value's form) added to b. */
static void
title_add_column(struct sbuf *b, sqlite3_stmt *st, int col)
{
	char buf[40];
	const char *t;

	switch (sqlite3_column_type(st, col)) {
	case SQLITE_NULL:
		return;
	case SQLITE_FLOAT:
		util_fmt_double(sqlite3_column_double(st, col), buf, sizeof buf);
		sbuf_add(b, buf);
		return;
	default:
		if ((t = (const char *)sqlite3_column_text(st, col)) != NULL)
			sbuf_add(b, t);
	}
}

/* The row's title from the pieces (b: a buffer kept over the rows). */
static char *
title_of_row(const struct sch_record *def, const struct title_piece *pc,
    size_t np, sqlite3_stmt *st, struct sbuf *b)
{
	size_t i;

	sbuf_reset(b);
	if (def->title == NULL) { /* record_title: the first field, as is */
		if (def->nfields > 0 && schema_field_stored(&def->fields[0]))
			title_add_column(b, st, 3);
		return xstrdup(b->s != NULL ? b->s : "");
	}
	for (i = 0; i < np; i++) {
		sbuf_addn(b, pc[i].s, pc[i].n);
		if (pc[i].col >= 0)
			title_add_column(b, st, pc[i].col);
	}
	return util_trim(b->s != NULL ? b->s : "");
}

int
db_record_page(struct db *db, const struct sch_record *def, int64_t after,
    int backward, int limit, struct db_row **rows, size_t *n, char **err)
{
	struct sbuf b = {0};
	struct title_piece *pc;
	struct scope sc;
	sqlite3_stmt *st;
	size_t i, np, cap = 0;
	int rc;

	*rows = NULL;
	*n = 0;
	sbuf_add(&b, "SELECT id, status, updated_at");
	np = title_pieces(def, &b, &pc);
	sbuf_addf(&b, " FROM \"%s\" WHERE deleted_at IS NULL AND id %s ?1",
	    def->name, backward ? "<" : ">");
	if (scope_sql(db, def, &b, &sc, err) < 0) {
		sbuf_free(&b);
		free(pc);
		return -1;
	}
	sbuf_addf(&b, " ORDER BY id %s LIMIT ?2", backward ? "DESC" : "ASC");
	st = prepare(db, b.s, err);
	sbuf_reset(&b);
	if (st == NULL) {
		sbuf_free(&b);
		free(pc);
		user_info_free(&sc.ui);
		return -1;
	}
	sqlite3_bind_int64(st, 1, after);
	sqlite3_bind_int(st, 2, limit);
	scope_bind(db, st, &sc);
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		struct db_row *row;
		if (*n == cap) {
			cap = cap ? cap * 2 : limit > 0 && limit < 1024 ?
			    (size_t)limit : 32;
			*rows = xreallocarray(*rows, cap, sizeof **rows);
		}
		row = &(*rows)[(*n)++];
		row->id = sqlite3_column_int64(st, 0);
		snprintf(row->status, sizeof row->status, "%s",
		    sqlite3_column_text(st, 1) ? (const char *)
		    sqlite3_column_text(st, 1) : "");
		row->updated_at = column_value(st, 2);
		row->title = title_of_row(def, pc, np, st, &b);
	}
	sqlite3_finalize(st);
	sbuf_free(&b);
	free(pc);
	user_info_free(&sc.ui);
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

/* The SELECT of db_record_title: id, parent_id, status, the title's
 * columns (title_pieces). */
static char *
title_one_sql(const struct sch_record *def)
{
	struct sbuf b = {0};
	struct title_piece *pc;

	sbuf_add(&b, "SELECT id, parent_id, status");
	(void)title_pieces(def, &b, &pc);
	free(pc);
	sbuf_addf(&b, " FROM \"%s\" WHERE id = ? AND deleted_at IS NULL",
	    def->name);
	return sbuf_steal(&b);
}

int
db_record_title(struct db *db, const struct sch_record *def, int64_t id,
    char **title, int64_t *parent_id, char **err)
{
	sqlite3_stmt *st = NULL;
	struct title_piece *pc;
	struct sbuf b = {0};
	size_t np;
	int rc;

	*title = NULL;
	*parent_id = 0;
	/* fixed SQL per record type, kept by reuse */
	if (reuse(db, &st, ST_TITLE, title_one_sql, def, err) == NULL)
		return -1;
	sqlite3_bind_int64(st, 1, id);
	if ((rc = sqlite3_step(st)) != SQLITE_ROW) {
		if (rc == SQLITE_DONE)
			util_err(err, _("%s %lld: no such record"), def->name,
			    (long long)id);
		else
			db_fail(db, err, def->name);
		release_stmt(st);
		return -1;
	}
	np = title_pieces(def, NULL, &pc);
	*parent_id = sqlite3_column_int64(st, 1);
	*title = title_of_row(def, pc, np, st, &b);
	release_stmt(st);
	sbuf_free(&b);
	free(pc);
	return 0;
}

sqlite3_stmt *
db_dupkey_stmt(struct db *db, const struct sch_record *def, int norm,
    char **err)
{
	sqlite3_stmt *st = NULL;
	/* fixed SQL per record type, kept by reuse */
	return norm ? reuse(db, &st, ST_DUPNORM, db_dupkey_norm_sql, def, err) :
	    reuse(db, &st, ST_DUPKEY, db_dupkey_lookup_sql, def, err);
}

int
db_record_set_status(struct db *db, const struct sch_record *def,
    int64_t id, const char *status, const char *user, const char *reason,
    char **err)
{
	struct audit_entry e;
	struct user_info ui;
	sqlite3_stmt *st = NULL;
	char now[32], *sql, *old = NULL, *region = NULL;
	int rf = user_region_field(def), rc = -1;
	enum user_action need = ACTION_VERIFY;

	if (db->readonly)
		return util_err(err, _("%s: the database is read-only"),
		    db->path);
	if (def->parent != NULL)
		return util_err(err, _("%s is a roster: the status belongs to "
		    "its %s"), def->name, def->parent);
	if (strcmp(status, "verified") != 0 && strcmp(status, "locked") != 0 &&
	    strcmp(status, "complete") != 0)
		return util_err(err, _("status '%s': verified, locked or "
		    "complete"), status);
	if (reason != NULL && *reason == '\0')
		reason = NULL;
	memset(&ui, 0, sizeof ui);
	if (exec(db, "BEGIN IMMEDIATE", err) < 0)
		return -1;
	if (user_lookup(db, user, &ui, err) < 0)
		goto out;
	sql = xasprintf("SELECT status, %s%s%s FROM \"%s\" WHERE id = ? AND "
	    "deleted_at IS NULL", rf >= 0 ? "\"" : "", rf >= 0 ?
	    def->fields[rf].name : "NULL", rf >= 0 ? "\"" : "", def->name);
	st = prepare(db, sql, err);
	free(sql);
	if (st == NULL)
		goto out;
	sqlite3_bind_int64(st, 1, id);
	if ((rc = sqlite3_step(st)) != SQLITE_ROW) {
		if (rc == SQLITE_DONE)
			util_err(err, _("%s %lld: no such record"), def->name,
			    (long long)id);
		else
			db_fail(db, err, def->name);
		rc = -1;
		goto out;
	}
	old = column_value(st, 0);
	region = column_value(st, 1);
	sqlite3_finalize(st);
	st = NULL;
	rc = -1;
	if (old == NULL)
		old = xstrdup("draft");
	/* The moves: complete -> verified -> locked -> (admin) verified;
	 * verified -> complete with a reason. */
	if (strcmp(old, status) == 0) {
		util_err(err, _("%s %lld is %s already"), def->name,
		    (long long)id, status);
		goto out;
	}
	if (strcmp(status, "verified") == 0 && strcmp(old, "locked") == 0)
		need = ACTION_UNLOCK;
	else if (strcmp(status, "verified") == 0 && strcmp(old, "complete") !=
	    0) {
		util_err(err, _("%s %lld is %s: only a complete record (saved "
		    "with no open errors) can be verified"), def->name,
		    (long long)id, old);
		goto out;
	} else if (strcmp(status, "locked") == 0 && strcmp(old, "verified") !=
	    0) {
		util_err(err, _("%s %lld is %s: only a verified record can be "
		    "locked"), def->name, (long long)id, old);
		goto out;
	} else if (strcmp(status, "complete") == 0 && strcmp(old,
	    "verified") != 0) {
		util_err(err, _("%s %lld is %s: only a verified record goes "
		    "back to complete"), def->name, (long long)id, old);
		goto out;
	} else if (strcmp(status, "complete") == 0 && reason == NULL) {
		util_err(err, _("%s %lld: returning a verified record needs a "
		    "reason"), def->name, (long long)id);
		goto out;
	}
	if (user_info_can(&ui, need, err) != 1)
		goto out;
	if (rf >= 0 && !user_in_region(&ui, region)) {
		char *sc = util_sanitize(region != NULL ? region : "-", 0);
		char *su = util_sanitize(user, 0);
		util_err(err, _("%s in region %s is outside the regions of "
		    "user %s"), def->name, sc, su);
		free(sc);
		free(su);
		goto out;
	}
	util_now(now, sizeof now);
	sql = xasprintf("UPDATE \"%s\" SET status = ?, rev = rev + 1, "
	    "updated_at = ?, updated_by = ? WHERE id = ?", def->name);
	st = prepare(db, sql, err);
	free(sql);
	if (st == NULL)
		goto out;
	sqlite3_bind_text(st, 1, status, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 2, now, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 3, user, -1, SQLITE_STATIC);
	sqlite3_bind_int64(st, 4, id);
	if (sqlite3_step(st) != SQLITE_DONE) {
		db_fail(db, err, def->name);
		goto out;
	}
	memset(&e, 0, sizeof e);
	e.record = def->name;
	e.record_id = id;
	e.field = "status";
	e.old_value = old;
	e.new_value = status;
	e.reason = reason;
	e.action = "status";
	if (table_exists(db, "kesra_audit") &&
	    db_audit_add(db, now, user, &e, err) < 0)
		goto out;
	rc = exec(db, "COMMIT", err);
out:
	sqlite3_finalize(st);
	if (rc < 0)
		sqlite3_exec(db->h, "ROLLBACK", NULL, NULL, NULL);
	user_info_free(&ui);
	free(old);
	free(region);
	return rc;
}
