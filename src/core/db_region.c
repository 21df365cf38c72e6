/*
 * db_region: the region table kesra_region (part of the db module): loaded
 * from the dictionary's regions file when its content changed, and read by
 * code or as a filtered list of the regions under a parent.
 *
 * Invariants: kesra_meta 'regions_hash' is the FNV-1a (hex) of the table
 * format (REGION_FORMAT) and the bytes of the files the table was loaded
 * from: the regions file, then the retired-codes file when the dictionary
 * names one. A new format, or a change to either file, reloads the table.
 * The hash changes only together with the table, inside one transaction
 * (a savepoint, so it nests in the caller's BEGIN IMMEDIATE). Rows are
 * inserted only after region_load checked both whole files: the table
 * never holds half a file. SQL text is fixed; every value is bound.
 * kesra_meta 'regions_stamp' (path, size, inode, mtime of the files) is set
 * with it, or by a migration that found the hash current; while the files
 * still match it, the start-up check trusts it instead of hashing them.
 * Retired rows (retired = 1) are codes no longer in use; they are there
 * for NIK checks (nik_region_known) only: db_region_get and
 * db_region_children see current rows only.
 */
#include "db.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include <sqlite3.h>

#include "i18n.h"
#include "region.h"

/*
 * WITHOUT ROWID: the rows live in the code's B-tree, so a load writes one
 * tree instead of two (about 30% faster) and a lookup by code is one search.
 */
static const char region_ddl[] =
    "DROP TABLE IF EXISTS kesra_region;"
    "CREATE TABLE kesra_region (code TEXT PRIMARY KEY, name TEXT NOT NULL, "
    "level INTEGER NOT NULL, parent TEXT, retired INTEGER NOT NULL "
    "DEFAULT 0) STRICT, WITHOUT ROWID;";

/*
 * The table's format, hashed with the files: 2 added the retired column,
 * so a table of format 1 (hashed without this) is reloaded once.
 */
#define REGION_FORMAT "kesra_region 2\n"
/* After the rows: building an index over sorted rows is cheaper. No index
 * on parent: no query names it (a parent's children are a range of codes
 * under the (level, code) index); files from before lose it in
 * db_region_sync (2.6 MB). */
static const char region_index[] =
    "CREATE INDEX kesra_region_level ON kesra_region (level, code);";

static int
sql_fail(struct db *db, char **err, const char *what)
{
	return util_err(err, "%s: %s: %s", db_path(db), what,
	    sqlite3_errmsg(db_sqlite(db)));
}

static int
sql_exec(struct db *db, const char *sql, char **err)
{
	if (sqlite3_exec(db_sqlite(db), sql, NULL, NULL, NULL) != SQLITE_OK)
		return sql_fail(db, err, "kesra_region");
	return 0;
}

static int
have_table(struct db *db)
{
	sqlite3_stmt *st;
	int found;
	if (sqlite3_prepare_v2(db_sqlite(db), "SELECT 1 FROM sqlite_schema "
	    "WHERE type = 'table' AND name = 'kesra_region'", -1, &st,
	    NULL) != SQLITE_OK)
		return 0;
	found = sqlite3_step(st) == SQLITE_ROW;
	sqlite3_finalize(st);
	return found;
}

/* The first problem of a regions file as one error line. */
static int
load_error(const struct diags *d, char **err)
{
	const struct diag *g = &d->v[0];
	char *more = xstrdup(d->n > 1 ? _(" (and more; run 'kesra check')") :
	    "");
	if (g->line > 0)
		util_err(err, "%s:%d:%d: %s%s", g->file ? g->file : "",
		    g->line, g->col, g->msg, more);
	else
		util_err(err, "%s%s%s%s", g->file ? g->file : "",
		    g->file ? ": " : "", g->msg, more);
	free(more);
	return -1;
}

/* The rows of t (sorted by code), flagged retired or not. */
static int
insert_rows(struct db *db, const struct region_table *t, int retired,
    char **err)
{
	sqlite3 *h = db_sqlite(db);
	sqlite3_stmt *st = NULL;
	char parent[REGION_CODE_MAX + 1];
	size_t i;

	if (sqlite3_prepare_v2(h, "INSERT INTO kesra_region (code, name, "
	    "level, parent, retired) VALUES (?, ?, ?, ?, ?)", -1, &st,
	    NULL) != SQLITE_OK)
		return sql_fail(db, err, "kesra_region");
	for (i = 0; i < t->n; i++) {
		const struct region *r = &t->v[i];
		sqlite3_bind_text(st, 1, r->code, -1, SQLITE_STATIC);
		sqlite3_bind_text(st, 2, r->name, -1, SQLITE_STATIC);
		sqlite3_bind_int(st, 3, (int)r->level);
		if (region_parent(r->code, parent, sizeof parent) == 0)
			sqlite3_bind_text(st, 4, parent, -1, SQLITE_TRANSIENT);
		else
			sqlite3_bind_null(st, 4);
		sqlite3_bind_int(st, 5, retired);
		if (sqlite3_step(st) != SQLITE_DONE) {
			sql_fail(db, err, "kesra_region");
			sqlite3_finalize(st);
			return -1;
		}
		sqlite3_reset(st);
	}
	sqlite3_finalize(st);
	return 0;
}

static int
meta_put(struct db *db, const char *key, const char *value, char **err)
{
	sqlite3_stmt *st;
	int rc;
	if (sqlite3_prepare_v2(db_sqlite(db), "INSERT INTO kesra_meta (key, "
	    "value) VALUES (?, ?) ON CONFLICT (key) DO UPDATE SET value = "
	    "excluded.value", -1, &st, NULL) != SQLITE_OK)
		return sql_fail(db, err, "kesra_meta");
	sqlite3_bind_text(st, 1, key, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 2, value, -1, SQLITE_STATIC);
	rc = sqlite3_step(st);
	sqlite3_finalize(st);
	return rc == SQLITE_DONE ? 0 : sql_fail(db, err, "kesra_meta");
}

static int
hash_set(struct db *db, const char *hex, char **err)
{
	return meta_put(db, "regions_hash", hex, err);
}

/*
 * The stamp of the region files as they are now: the table format, then
 * path, size, inode and modification time of each file, then the hash
 * (hex) it vouches for. Kept in kesra_meta "regions_stamp" by the
 * migration that found or made the table current, it lets the check at
 * every start (db_region_current) skip hashing megabytes while the files
 * are untouched and regions_hash is still that hash. Caller frees; NULL
 * when a file cannot be looked at.
 */
static char *
stamp_now(const char *path, const char *rpath, const char *hex)
{
	struct sbuf b = {0};
	const char *p[2] = {path, rpath};
	struct stat st;
	int i;
	sbuf_add(&b, REGION_FORMAT);
	for (i = 0; i < 2 && p[i] != NULL; i++) {
		if (stat(p[i], &st) < 0) {
			sbuf_free(&b);
			return NULL;
		}
		sbuf_addf(&b, "%s %lld %llu %lld.%09ld\n", p[i],
		    (long long)st.st_size, (unsigned long long)st.st_ino,
		    (long long)st.st_mtim.tv_sec, (long)st.st_mtim.tv_nsec);
	}
	sbuf_addf(&b, "hash %s", hex);
	return sbuf_steal(&b);
}

/*
 * The files the table comes from, read, and their hash (hex). path NULL:
 * the dictionary names no regions file.
 */
struct region_src {
	char *path, *rpath; /* regions file, retired-codes file or NULL */
	char *buf, *rbuf;
	size_t len, rlen;
	char hex[17];
};

static void
src_free(struct region_src *c)
{
	free(c->path);
	free(c->rpath);
	free(c->buf);
	free(c->rbuf);
}

/* Read both files and hash them: 0, or -1 with *err when unreadable. */
static int
src_read(struct db *db, struct region_src *c, char **err)
{
	const struct schema *s = db_schema(db);
	uint64_t h;

	memset(c, 0, sizeof *c);
	if ((c->path = region_schema_path(s)) == NULL)
		return 0;
	c->rpath = region_retired_path(s);
	if (region_read_file(c->path, &c->buf, &c->len, err) < 0 ||
	    (c->rpath != NULL && region_read_file(c->rpath, &c->rbuf,
	    &c->rlen, err) < 0))
		return -1;
	h = util_fnv1a(UTIL_FNV_INIT, REGION_FORMAT, strlen(REGION_FORMAT));
	h = util_fnv1a(h, c->buf, c->len);
	if (c->rpath != NULL) {
		h = util_fnv1a(h, "\0retired\0", 9);
		h = util_fnv1a(h, c->rbuf, c->rlen);
	}
	snprintf(c->hex, sizeof c->hex, "%016llx", (unsigned long long)h);
	return 0;
}

/* FNV-1a over a file's bytes, read in chunks: the start-up check never
 * holds the regions file (megabytes) in memory. */
static int
hash_file(const char *path, uint64_t *h)
{
	FILE *f = fopen(path, "rb");
	char chunk[16384];
	size_t n;
	int rc = 0;

	if (f == NULL)
		return -1;
	while ((n = fread(chunk, 1, sizeof chunk, f)) > 0)
		*h = util_fnv1a(*h, chunk, n);
	if (ferror(f))
		rc = -1;
	fclose(f);
	return rc;
}

int
db_region_current(struct db *db)
{
	const struct schema *s = db_schema(db);
	char *path, *rpath, *old = NULL, *stamp = NULL, hex[17];
	uint64_t h;
	int ok = 0;

	if ((path = region_schema_path(s)) == NULL)
		return 1;
	rpath = region_retired_path(s);
	/* untouched since the migration that checked them, and the hash
	 * it checked still the table's: current */
	if ((old = db_meta_get(db, "regions_hash")) != NULL &&
	    (stamp = stamp_now(path, rpath, old)) != NULL) {
		char *kept = db_meta_get(db, "regions_stamp");
		ok = kept != NULL && strcmp(kept, stamp) == 0 &&
		    have_table(db);
		free(kept);
		if (ok)
			goto out;
	}
	free(old);
	old = NULL;
	/* the same hash as src_read's, streamed */
	h = util_fnv1a(UTIL_FNV_INIT, REGION_FORMAT, strlen(REGION_FORMAT));
	if (hash_file(path, &h) < 0)
		goto out;
	if (rpath != NULL) {
		h = util_fnv1a(h, "\0retired\0", 9);
		if (hash_file(rpath, &h) < 0)
			goto out;
	}
	snprintf(hex, sizeof hex, "%016llx", (unsigned long long)h);
	ok = (old = db_meta_get(db, "regions_hash")) != NULL &&
	    strcmp(old, hex) == 0 && have_table(db);
out:
	free(old);
	free(stamp);
	free(path);
	free(rpath);
	return ok;
}

/* Keep the stamp (see stamp_now) of the files just found current with
 * hash hex; stat is its part taken before the files were read. */
static int
stamp_set(struct db *db, const char *stat, const char *hex, char **err)
{
	char *old, *stamp;
	int rc = 0;
	if (stat == NULL)
		return 0;
	stamp = xasprintf("%shash %s", stat, hex);
	old = db_meta_get(db, "regions_stamp");
	if (old == NULL || strcmp(old, stamp) != 0)
		rc = meta_put(db, "regions_stamp", stamp, err);
	free(old);
	free(stamp);
	return rc;
}

int
db_region_sync(struct db *db, int dry_run, struct sbuf *plan, char **err)
{
	struct region_table *t = NULL, *rt = NULL;
	struct region_src c;
	struct diags d = {0};
	char *old = NULL, *stamp = NULL;
	int rc = -1;

	/* the stamp before the bytes: a file changed in between is hashed
	 * again at the next start */
	if ((old = region_schema_path(db_schema(db))) != NULL) {
		char *rpath = region_retired_path(db_schema(db));
		stamp = stamp_now(old, rpath, "");
		free(rpath);
		/* the stat part: stamp_set adds the hash */
		if (stamp != NULL)
			stamp[strlen(stamp) - strlen("hash ")] = '\0';
		free(old);
		old = NULL;
	}
	if (src_read(db, &c, err) < 0)
		goto out;
	if (c.path == NULL) {
		rc = 0; /* no region fields; a table from before is kept */
		goto out;
	}
	old = db_meta_get(db, "regions_hash");
	if (old != NULL && strcmp(old, c.hex) == 0 && have_table(db)) {
		rc = dry_run ? 0 : sql_exec(db, "DROP INDEX IF EXISTS "
		    "kesra_region_parent", err) < 0 ? -1 : stamp_set(db, stamp,
		    c.hex, err);
		goto out;
	}
	if (region_load_mem(c.path, c.buf, c.len, &t, &d) < 0 ||
	    (c.rpath != NULL && region_load_retired_mem(c.rpath, c.rbuf,
	    c.rlen, t, &rt, &d) < 0)) {
		load_error(&d, err);
		goto out;
	}
	if (plan != NULL && rt != NULL)
		sbuf_addf(plan, _("load region table (%zu rows, %zu of them "
		    "retired codes)\n"), t->n + rt->n, rt->n);
	else if (plan != NULL)
		sbuf_addf(plan, _("load region table (%zu rows)\n"), t->n);
	if (dry_run) {
		rc = 0;
		goto out;
	}
	if (sql_exec(db, "SAVEPOINT region_sync", err) < 0)
		goto out;
	if (sql_exec(db, region_ddl, err) < 0 ||
	    insert_rows(db, t, 0, err) < 0 ||
	    (rt != NULL && insert_rows(db, rt, 1, err) < 0) ||
	    sql_exec(db, region_index, err) < 0 ||
	    hash_set(db, c.hex, err) < 0 ||
	    stamp_set(db, stamp, c.hex, err) < 0) {
		sqlite3_exec(db_sqlite(db), "ROLLBACK TO region_sync; "
		    "RELEASE region_sync", NULL, NULL, NULL);
		goto out;
	}
	if (sql_exec(db, "RELEASE region_sync", err) < 0)
		goto out;
	rc = 0;
out:
	region_table_free(t);
	region_table_free(rt);
	diags_free(&d);
	free(old);
	free(stamp);
	src_free(&c);
	return rc;
}

void
db_regions_free(struct db_region *v, size_t n)
{
	size_t i;
	for (i = 0; i < n; i++) {
		free(v[i].code);
		free(v[i].name);
	}
	free(v);
}

/* Prepare a read of the table, naming the cure when it is missing. */
static sqlite3_stmt *
region_prepare(struct db *db, const char *sql, char **err)
{
	sqlite3_stmt *st = NULL;
	char *why;
	if (sqlite3_prepare_v2(db_sqlite(db), sql, -1, &st, NULL) == SQLITE_OK)
		return st;
	why = xstrdup(sqlite3_errmsg(db_sqlite(db)));
	if (!have_table(db))
		util_err(err, _("%s has no region table; run 'kesra migrate' "
		    "with a dictionary that names a regions file"),
		    db_path(db));
	else if (strstr(why, "no such column") != NULL)
		util_err(err, _("%s: the region table was made by an older "
		    "kesra; run 'kesra migrate'"), db_path(db));
	else
		util_err(err, "%s: kesra_region: %s", db_path(db), why);
	free(why);
	return NULL;
}

static void
region_fill(sqlite3_stmt *st, struct db_region *out)
{
	const unsigned char *c = sqlite3_column_text(st, 0);
	const unsigned char *n = sqlite3_column_text(st, 1);
	out->code = xstrdup(c != NULL ? (const char *)c : "");
	out->name = xstrdup(n != NULL ? (const char *)n : "");
	out->level = sqlite3_column_int(st, 2);
}

int
db_region_get(struct db *db, const char *code, struct db_region *out,
    char **err)
{
	sqlite3_stmt *st;
	int rc;

	static const char sql[] = "SELECT code, name, level FROM kesra_region "
	    "WHERE code = ? AND retired = 0";
	char *e = NULL;
	int cached = 1;

	memset(out, 0, sizeof *out);
	/* kept prepared: validation looks up the regions of every record;
	 * when that fails, region_prepare says why */
	if ((st = db_cached(db, sql, &e)) == NULL) {
		free(e);
		cached = 0;
		if ((st = region_prepare(db, sql, err)) == NULL)
			return -1;
	}
	sqlite3_bind_text(st, 1, code, -1, SQLITE_STATIC);
	rc = sqlite3_step(st);
	if (rc == SQLITE_ROW) {
		region_fill(st, out);
		rc = 1;
	} else if (rc == SQLITE_DONE)
		rc = 0;
	else
		rc = sql_fail(db, err, "kesra_region");
	if (cached) {
		sqlite3_reset(st);
		sqlite3_clear_bindings(st);
	} else
		sqlite3_finalize(st);
	return rc;
}

/*
 * One query per (parent or not) x (no filter, name filter, code filter).
 * A parent's descendants are a range of codes ("32." < code < "32/") of
 * the (level, code) index. A filter over a whole level scans the table
 * itself ("+level" keeps the planner off the index): it is stored in code
 * order, so there is no lookup per row, no sort, and LIMIT ends the scan
 * early; the index would cost a lookup for each of 83,762 villages.
 * Retired rows (a few hundred) are filtered out after the index.
 * ?3 is a name pattern '%text%', ?4 a code prefix 'text%' (both with \
 * escaping % and _), ?5 where the last part of a code of the level begins.
 */
#define SEL "SELECT code, name, level FROM kesra_region WHERE level = ?2 " \
	"AND retired = 0 "
#define SCAN "SELECT code, name, level FROM kesra_region WHERE +level = ?2 " \
	"AND retired = 0 "
#define UNDER "AND code > ?1 || '.' AND code < ?1 || '/' "
#define BY_NAME "AND name LIKE ?3 ESCAPE '\\' "
#define BY_CODE "AND (code LIKE ?4 ESCAPE '\\' OR " \
	"substr(code, ?5) LIKE ?4 ESCAPE '\\') "
#define ORDER "ORDER BY code LIMIT ?6"
static const char *const children_sql[2][3] = {
	{SEL ORDER, SCAN BY_NAME ORDER, SCAN BY_CODE ORDER},
	{SEL UNDER ORDER, SEL UNDER BY_NAME ORDER, SEL UNDER BY_CODE ORDER},
};

/* 1 when a filter holds only digits and dots: it looks for a code. */
static int
code_like(const char *f)
{
	for (; *f != '\0'; f++)
		if (!(*f == '.' || (*f >= '0' && *f <= '9')))
			return 0;
	return 1;
}

/* s with \, % and _ escaped by \, between pre and post. */
static char *
like_pattern(const char *pre, const char *s, const char *post)
{
	struct sbuf b = {0};
	sbuf_add(&b, pre);
	for (; *s != '\0'; s++) {
		if (*s == '\\' || *s == '%' || *s == '_')
			sbuf_addc(&b, '\\');
		sbuf_addc(&b, *s);
	}
	sbuf_add(&b, post);
	return sbuf_steal(&b);
}

int
db_region_children(struct db *db, const char *parent, int level,
    const char *filter, int limit, struct db_region **out, size_t *n,
    char **err)
{
	static const int part_at[] = {0, 1, 4, 7, 10}; /* by level */
	enum region_level pl = RL_NONE;
	sqlite3_stmt *st;
	char *f = NULL, *pat = NULL;
	size_t cap = 0;
	int by, rc;

	*out = NULL;
	*n = 0;
	if (level < RL_PROVINCE || level > RL_VILLAGE)
		return util_err(err, _("no region level %d"), level);
	if (parent != NULL && (pl = region_code_level(parent)) == RL_NONE)
		return util_err(err, _("'%s' is not a region code"), parent);
	if (parent != NULL && (int)pl >= level)
		return util_err(err, _("a %s has no %s below it"),
		    region_level_name(pl), region_level_name(level));
	if (filter != NULL)
		f = util_trim(filter);
	if (f == NULL || f[0] == '\0')
		by = 0;
	else
		by = code_like(f) ? 2 : 1;
	if ((st = region_prepare(db, children_sql[parent != NULL][by],
	    err)) == NULL) {
		free(f);
		return -1;
	}
	if (parent != NULL)
		sqlite3_bind_text(st, 1, parent, -1, SQLITE_STATIC);
	sqlite3_bind_int(st, 2, level);
	if (by == 1) {
		pat = like_pattern("%", f, "%");
		sqlite3_bind_text(st, 3, pat, -1, SQLITE_STATIC);
	} else if (by == 2) {
		pat = like_pattern("", f, "%");
		sqlite3_bind_text(st, 4, pat, -1, SQLITE_STATIC);
	}
	sqlite3_bind_int(st, 5, part_at[level]);
	sqlite3_bind_int(st, 6, limit > 0 ? limit : -1);
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		if (*n == cap) {
			cap = cap ? cap * 2 : 64;
			*out = xreallocarray(*out, cap, sizeof **out);
		}
		region_fill(st, &(*out)[(*n)++]);
	}
	if (rc != SQLITE_DONE) {
		sql_fail(db, err, "kesra_region");
		db_regions_free(*out, *n);
		*out = NULL;
		*n = 0;
	}
	sqlite3_finalize(st);
	free(f);
	free(pat);
	return rc == SQLITE_DONE ? 0 : -1;
}

int
db_region_retired(struct db *db, const char *parent, int level,
    struct db_region **out, size_t *n, char **err)
{
	sqlite3_stmt *st;
	size_t cap = 0;
	int rc;

	*out = NULL;
	*n = 0;
	if (level < RL_PROVINCE || level > RL_VILLAGE)
		return util_err(err, _("no region level %d"), level);
	if ((st = region_prepare(db, "SELECT code, name, level FROM "
	    "kesra_region WHERE retired = 1 AND level = ?2 AND (?1 IS NULL OR "
	    "(code > ?1 || '.' AND code < ?1 || '/')) ORDER BY code",
	    err)) == NULL)
		return -1;
	if (parent != NULL)
		sqlite3_bind_text(st, 1, parent, -1, SQLITE_STATIC);
	sqlite3_bind_int(st, 2, level);
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		if (*n == cap) {
			cap = cap ? cap * 2 : 16;
			*out = xreallocarray(*out, cap, sizeof **out);
		}
		region_fill(st, &(*out)[(*n)++]);
	}
	if (rc != SQLITE_DONE) {
		sql_fail(db, err, "kesra_region");
		db_regions_free(*out, *n);
		*out = NULL;
		*n = 0;
	}
	sqlite3_finalize(st);
	return rc == SQLITE_DONE ? 0 : -1;
}
