/*
 * db_search: the search's part of the storage (part of the db module):
 * per record type with `search: true` fields, an external-content FTS5
 * table "<record>_fts" over those columns of the record's table, kept in
 * step by three triggers; per nik/kk field that is not unique (the unique
 * ones have their partial unique index already), an index for number
 * look-ups "<record>_<field>_num"; and for the lists, per top-level
 * record, an index of its live rows "<record>_live" (lists scan it) and
 * its count of live rows in kesra_count, kept by triggers (sync_live).
 * For place words (a query word that names a district or village): a
 * table "kesra_place_word" of the words of the names of the current
 * districts and villages (folded, prefixed by the place's regency: see
 * place_word_sql), filled from kesra_region and rebuilt when
 * kesra_meta 'regions_hash' changes (kesra_meta 'place_words' keeps the
 * hash it was built from); and per top-level record with a region field,
 * an index "<record>_<field>_place" on its deepest region field (live
 * rows), walked as a range on a code prefix.
 *
 * Invariants: the FTS table holds exactly the live rows (deleted_at IS
 * NULL) of its record table. The triggers add a row on insert, remove it
 * on delete, and on an update that changes a searched column or
 * deleted_at remove the old words (when the old row was live) and add the
 * new ones (when the new row is live), so a soft delete drops the row from
 * the index. The FTS table and triggers are compared with the SQL this
 * file would write (sqlite_schema keeps it as written): any difference (a
 * field gained or lost `search:`) drops and rebuilds them from the live
 * rows, in the migration's transaction. Identifiers come from the
 * dictionary ([a-z_][a-z0-9_]*); no value is ever in SQL text.
 */
#include "db.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <sqlite3.h>

#include "i18n.h"
#include "region.h"

#define NTRIG 3
static const char *const trig_suffix[NTRIG] = {"ai", "ad", "au"};

static int
fail(struct db *db, char **err, const char *what)
{
	return util_err(err, "%s: %s: %s", db_path(db), what,
	    sqlite3_errmsg(db_sqlite(db)));
}

static int
run(struct db *db, const char *sql, char **err)
{
	if (sqlite3_exec(db_sqlite(db), sql, NULL, NULL, NULL) != SQLITE_OK)
		return fail(db, err, "search index");
	return 0;
}

/* "a, b" or with a prefix per name: "new.a, new.b". */
static void
col_list(struct sbuf *b, const struct sch_record *r, const char *pfx)
{
	size_t i;
	int first = 1;
	for (i = 0; i < r->nfields; i++) {
		if (!r->fields[i].search)
			continue;
		sbuf_addf(b, "%s%s\"%s\"", first ? "" : ", ", pfx,
		    r->fields[i].name);
		first = 0;
	}
}

/* The SQL of the FTS table (k = -1) or of trigger k. Caller frees. */
static char *
object_sql(const struct sch_record *r, int k)
{
	struct sbuf b = {0};
	size_t i;

	if (k < 0) {
		sbuf_addf(&b, "CREATE VIRTUAL TABLE \"%s_fts\" USING fts5(",
		    r->name);
		col_list(&b, r, "");
		sbuf_addf(&b, ", content='%s', content_rowid='id', "
		    "tokenize='unicode61 remove_diacritics 2', "
		    "prefix='2 3', columnsize=0)", r->name);
		return sbuf_steal(&b);
	}
	sbuf_addf(&b, "CREATE TRIGGER \"%s_fts_%s\" AFTER %s ON \"%s\" ",
	    r->name, trig_suffix[k], k == 0 ? "INSERT" : k == 1 ? "DELETE" :
	    "UPDATE", r->name);
	if (k == 0)
		sbuf_add(&b, "WHEN new.deleted_at IS NULL ");
	else if (k == 1)
		sbuf_add(&b, "WHEN old.deleted_at IS NULL ");
	else {
		sbuf_add(&b, "WHEN old.deleted_at IS NOT new.deleted_at");
		for (i = 0; i < r->nfields; i++)
			if (r->fields[i].search)
				sbuf_addf(&b, " OR old.\"%s\" IS NOT new.\"%s\"",
				    r->fields[i].name, r->fields[i].name);
		sbuf_add(&b, " ");
	}
	sbuf_add(&b, "BEGIN ");
	if (k >= 1) {
		sbuf_addf(&b, "INSERT INTO \"%s_fts\" (\"%s_fts\", rowid, ",
		    r->name, r->name);
		col_list(&b, r, "");
		sbuf_add(&b, ") SELECT 'delete', old.id, ");
		col_list(&b, r, "old.");
		sbuf_add(&b, k == 2 ? " WHERE old.deleted_at IS NULL; " : "; ");
	}
	if (k != 1) {
		sbuf_addf(&b, "INSERT INTO \"%s_fts\" (rowid, ", r->name);
		col_list(&b, r, "");
		sbuf_add(&b, ") SELECT new.id, ");
		col_list(&b, r, "new.");
		sbuf_add(&b, k == 2 ? " WHERE new.deleted_at IS NULL; " : "; ");
	}
	sbuf_add(&b, "END");
	return sbuf_steal(&b);
}

static int
has_search(const struct sch_record *r)
{
	size_t i;
	for (i = 0; i < r->nfields; i++)
		if (r->fields[i].search && schema_field_stored(&r->fields[i]))
			return 1;
	return 0;
}

/* Bring one record's FTS table and triggers in line with the schema. */
static int
sync_fts(struct db *db, const struct sch_record *r, int dry_run,
    struct sbuf *plan, char **err)
{
	char *name = xasprintf("%s_fts", r->name), *want, *have, *sql;
	int k, same, rc = -1, want_fts = has_search(r);

	have = db_stored_sql(db, "table", name);
	want = want_fts ? object_sql(r, -1) : NULL;
	same = (have == NULL && want == NULL) || (have != NULL &&
	    want != NULL && strcmp(have, want) == 0);
	for (k = 0; same && want_fts && k < NTRIG; k++) {
		char *tn = xasprintf("%s_fts_%s", r->name, trig_suffix[k]);
		char *tw = object_sql(r, k), *th = db_stored_sql(db, "trigger", tn);
		same = th != NULL && strcmp(th, tw) == 0;
		free(tn);
		free(tw);
		free(th);
	}
	if (same) {
		rc = 0;
		goto out;
	}
	if (plan != NULL) {
		if (want_fts)
			sbuf_addf(plan, _("build search index %s\n"), name);
		else
			sbuf_addf(plan, _("drop search index %s\n"), name);
	}
	if (dry_run) {
		rc = 0;
		goto out;
	}
	for (k = 0; k < NTRIG; k++) {
		sql = xasprintf("DROP TRIGGER IF EXISTS \"%s_fts_%s\"", r->name,
		    trig_suffix[k]);
		rc = run(db, sql, err);
		free(sql);
		if (rc < 0)
			goto out;
	}
	sql = xasprintf("DROP TABLE IF EXISTS \"%s\"", name);
	rc = run(db, sql, err);
	free(sql);
	if (rc < 0 || !want_fts)
		goto out;
	if ((rc = run(db, want, err)) < 0)
		goto out;
	for (k = 0; k < NTRIG; k++) {
		sql = object_sql(r, k);
		rc = run(db, sql, err);
		free(sql);
		if (rc < 0)
			goto out;
	}
	/* The live rows only (an external-content 'rebuild' would take the
	 * deleted ones too). */
	{
		struct sbuf b = {0};
		sbuf_addf(&b, "INSERT INTO \"%s\" (rowid, ", name);
		col_list(&b, r, "");
		sbuf_add(&b, ") SELECT id, ");
		col_list(&b, r, "");
		sbuf_addf(&b, " FROM \"%s\" WHERE deleted_at IS NULL",
		    r->name);
		rc = run(db, b.s, err);
		sbuf_free(&b);
	}
out:
	free(name);
	free(want);
	free(have);
	return rc;
}

/* The number index of a nik/kk field that has no unique index. */
static int
sync_number(struct db *db, const struct sch_record *r,
    const struct sch_field *f, int dry_run, char **err)
{
	char *name = xasprintf("%s_%s_num", r->name, f->name), *have, *sql;
	int want = (f->type == FT_NIK || f->type == FT_KK) && !f->unique;
	int rc = 0;

	have = db_stored_sql(db, "index", name);
	if ((have != NULL) == want)
		goto out;
	/* no plan line: an index of kesra's, as the rosters' parent index */
	if (dry_run)
		goto out;
	if (want)
		sql = xasprintf("CREATE INDEX \"%s\" ON \"%s\" (\"%s\") WHERE "
		    "deleted_at IS NULL AND \"%s\" IS NOT NULL", name, r->name,
		    f->name, f->name);
	else
		sql = xasprintf("DROP INDEX \"%s\"", name);
	rc = run(db, sql, err);
	free(sql);
out:
	free(name);
	free(have);
	return rc;
}

/*
 * The live-record index of a top-level record "<record>_live" (id WHERE
 * deleted_at IS NULL): the list screen's pages scan this small index
 * instead of the whole table.
 *
 * And its count of live records (the menu's at start-up, the list's): a
 * row of kesra_count kept by three triggers "<record>_count_ai/_ad/_au"
 * (a live row inserted, a live row deleted, deleted_at set or cleared),
 * so that reading it is one look-up instead of a walk over an index of
 * every row (3 ms at a million persons, on every start). The triggers are
 * SQL, so every writer keeps it (the sqlite3 shell too); when they are
 * made (a new file, an older layout, a table rebuilt by the migration)
 * the row is counted again in the migration's transaction. The index
 * "<record>_count" that the count used to walk is dropped.
 */
/* 1 when r's triggers "<record>_<kind>_ai/_ad/_au" are stored as sql(r, k)
 * writes them (sqlite_schema keeps the text as written). */
static int
triggers_current(struct db *db, const struct sch_record *r, const char *kind,
    char *(*sql)(const struct sch_record *, int))
{
	int k, same = 1;
	for (k = 0; same && k < NTRIG; k++) {
		char *tn = xasprintf("%s_%s_%s", r->name, kind, trig_suffix[k]);
		char *tw = sql(r, k);
		char *th = db_stored_sql(db, "trigger", tn);
		same = th != NULL && strcmp(th, tw) == 0;
		free(tn);
		free(tw);
		free(th);
	}
	return same;
}

static const char count_table[] = "CREATE TABLE kesra_count (record TEXT "
    "PRIMARY KEY, live INTEGER NOT NULL) STRICT, WITHOUT ROWID";

/* The SQL of count trigger k of r (as sqlite_schema keeps it). */
static char *
count_trigger_sql(const struct sch_record *r, int k)
{
	static const char *const when[NTRIG] = {
		"AFTER INSERT ON \"%w\" WHEN new.deleted_at IS NULL",
		"AFTER DELETE ON \"%w\" WHEN old.deleted_at IS NULL",
		"AFTER UPDATE OF deleted_at ON \"%w\" WHEN (old.deleted_at IS "
		    "NULL) <> (new.deleted_at IS NULL)",
	};
	static const char *const delta[NTRIG] = {"1", "-1",
	    "CASE WHEN new.deleted_at IS NULL THEN 1 ELSE -1 END"};
	char *on = sqlite3_mprintf(when[k], r->name);
	char *sql = sqlite3_mprintf("CREATE TRIGGER \"%w_count_%s\" %s BEGIN "
	    "UPDATE kesra_count SET live = live + %s WHERE record = %Q; END",
	    r->name, trig_suffix[k], on, delta[k], r->name);
	char *out = xstrdup(sql);
	sqlite3_free(on);
	sqlite3_free(sql);
	return out;
}

/* 1 when kesra_count has a possible count of r. */
static int
count_row(struct db *db, const struct sch_record *r)
{
	sqlite3_stmt *st;
	int ok = 0;
	if (sqlite3_prepare_v2(db_sqlite(db), "SELECT typeof(live) = 'integer' "
	    "AND live >= 0 FROM kesra_count WHERE record = ?1", -1, &st,
	    NULL) != SQLITE_OK)
		return 0;
	sqlite3_bind_text(st, 1, r->name, -1, SQLITE_STATIC);
	ok = sqlite3_step(st) == SQLITE_ROW && sqlite3_column_int(st, 0) == 1;
	sqlite3_finalize(st);
	return ok;
}

/* 1 when kesra_count and r's count triggers are the ones this file
 * writes (without the table every write of r would fail), and it has
 * r's row. */
static int
count_current(struct db *db, const struct sch_record *r)
{
	char *t = db_stored_sql(db, "table", "kesra_count");
	int same = t != NULL && strcmp(t, count_table) == 0;
	free(t);
	return same && triggers_current(db, r, "count", count_trigger_sql) &&
	    count_row(db, r);
}

static int
sync_count(struct db *db, const struct sch_record *r, int dry_run,
    char **err)
{
	char *have, *sql;
	int k, rc = 0;

	if (r->parent != NULL || dry_run)
		return 0;
	have = db_stored_sql(db, "table", "kesra_count");
	if (have != NULL && strcmp(have, count_table) != 0)
		rc = run(db, "DROP TABLE kesra_count", err);
	if (rc == 0 && (have == NULL || strcmp(have, count_table) != 0))
		rc = run(db, count_table, err);
	free(have);
	if (rc == 0 && !count_current(db, r)) {
		for (k = 0; k < NTRIG && rc == 0; k++) {
			sql = sqlite3_mprintf("DROP TRIGGER IF EXISTS "
			    "\"%w_count_%s\"", r->name, trig_suffix[k]);
			rc = run(db, sql, err);
			sqlite3_free(sql);
			if (rc == 0) {
				char *t = count_trigger_sql(r, k);
				rc = run(db, t, err);
				free(t);
			}
		}
		if (rc == 0) {
			sql = sqlite3_mprintf("INSERT OR REPLACE INTO "
			    "kesra_count (record, live) SELECT %Q, count(*) "
			    "FROM \"%w\" WHERE deleted_at IS NULL", r->name,
			    r->name);
			rc = run(db, sql, err);
			sqlite3_free(sql);
		}
	}
	if (rc == 0) {
		sql = sqlite3_mprintf("DROP INDEX IF EXISTS \"%w_count\"",
		    r->name);
		rc = run(db, sql, err);
		sqlite3_free(sql);
	}
	return rc;
}

static int
sync_live(struct db *db, const struct sch_record *r, int dry_run,
    struct sbuf *plan, char **err)
{
	char *name, *have, *sql;
	int rc = 0;

	/* no plan line: an index of kesra's, as the rosters' parent index */
	(void)plan;
	if (r->parent != NULL)
		return 0;
	name = xasprintf("%s_live", r->name);
	have = db_stored_sql(db, "index", name);
	if (have == NULL && !dry_run) {
		sql = xasprintf("CREATE INDEX \"%s\" ON \"%s\" (id) WHERE "
		    "deleted_at IS NULL", name, r->name);
		rc = run(db, sql, err);
		free(sql);
	}
	free(name);
	free(have);
	return rc == 0 ? sync_count(db, r, dry_run, err) : -1;
}

/* The deepest stored region field of a top-level record, or NULL. */
static const struct sch_field *
place_field(const struct sch_record *r)
{
	const struct sch_field *best = NULL;
	size_t i;
	if (r->parent != NULL)
		return NULL;
	for (i = 0; i < r->nfields; i++)
		if (r->fields[i].type == FT_REGION &&
		    schema_field_stored(&r->fields[i]) && (best == NULL ||
		    r->fields[i].level > best->level))
			best = &r->fields[i];
	return best;
}

/* The place index of r ("<record>_<field>_place"): made when missing. */
static int
sync_place(struct db *db, const struct sch_record *r, int dry_run,
    char **err)
{
	const struct sch_field *f = place_field(r);
	char *name, *have, *sql;
	int rc = 0;

	if (f == NULL)
		return 0;
	name = xasprintf("%s_%s_place", r->name, f->name);
	have = db_stored_sql(db, "index", name);
	/* no plan line: an index of kesra's, as the rosters' parent index */
	if (have == NULL && !dry_run) {
		sql = xasprintf("CREATE INDEX \"%s\" ON \"%s\" (\"%s\") WHERE "
		    "deleted_at IS NULL", name, r->name, f->name);
		rc = run(db, sql, err);
		free(sql);
	}
	free(name);
	free(have);
	return rc;
}

/*
 * The words of a place's name, each folded (db_place_key) and prefixed
 * with the digits of its regency ("96.01.05" Aimas: "9601xaimas"), one
 * row per word: a word's places in the regencies of the register are one
 * range of the primary key per regency ("9601xaim" .. "9601xaim\xff"),
 * never a walk over the places of the whole country.
 */
static const char place_word_sql[] =
    "CREATE TABLE kesra_place_word (word TEXT NOT NULL, code TEXT NOT NULL, "
    "PRIMARY KEY (word, code)) WITHOUT ROWID";

/* Latin-1 letters U+00C0..U+00FF without their accents, lower case. */
static const char latin1_fold[] =
    "aaaaaaaceeeeiiiidnooooo*ouuuuyts"
    "aaaaaaaceeeeiiiidnooooo/ouuuuyty";

void
db_place_key(struct sbuf *b, const char *reg, const char *w, size_t len)
{
	const unsigned char *p = (const unsigned char *)w;
	size_t i;

	sbuf_reset(b);
	sbuf_add(b, reg);
	sbuf_addc(b, 'x');
	for (i = 0; i < len; i++) {
		if (p[i] == 0xC3 && i + 1 < len && p[i + 1] >= 0x80 &&
		    p[i + 1] <= 0xBF) {
			sbuf_addc(b, latin1_fold[p[i + 1] - 0x80]);
			i++;
		} else
			sbuf_addc(b, (char)tolower(p[i]));
	}
}

/* kesra_place_word from the current districts and villages. */
static int
fill_place_words(struct db *db, char **err)
{
	sqlite3 *h = db_sqlite(db);
	sqlite3_stmt *rd, *wr;
	struct sbuf w = {0};
	int rc;

	if (sqlite3_prepare_v2(h, "SELECT code, name FROM kesra_region WHERE "
	    "retired = 0 AND level IN (3, 4)", -1, &rd, NULL) != SQLITE_OK)
		return fail(db, err, "kesra_region");
	if (sqlite3_prepare_v2(h, "INSERT OR IGNORE INTO kesra_place_word "
	    "(word, code) VALUES (?, ?)", -1, &wr, NULL) != SQLITE_OK) {
		sqlite3_finalize(rd);
		return fail(db, err, "kesra_place_word");
	}
	while ((rc = sqlite3_step(rd)) == SQLITE_ROW) {
		const char *code = (const char *)sqlite3_column_text(rd, 0);
		const unsigned char *p = sqlite3_column_text(rd, 1);
		char reg[8];
		if (code == NULL || p == NULL || strlen(code) < 5)
			continue;
		/* "96.01..." -> "9601" */
		snprintf(reg, sizeof reg, "%.2s%.2s", code, code + 3);
		while (*p != '\0') {
			const unsigned char *q;
			if (!(isalnum(*p) || *p >= 0x80)) {
				p++;
				continue;
			}
			for (q = p; *q != '\0' && (isalnum(*q) || *q >= 0x80);
			    q++)
				;
			db_place_key(&w, reg, (const char *)p,
			    (size_t)(q - p));
			p = q;
			sqlite3_bind_text(wr, 1, w.s, -1, SQLITE_STATIC);
			sqlite3_bind_text(wr, 2, code, -1, SQLITE_STATIC);
			if (sqlite3_step(wr) != SQLITE_DONE) {
				sqlite3_reset(wr);
				goto fail;
			}
			sqlite3_reset(wr);
		}
	}
	sbuf_free(&w);
	sqlite3_finalize(rd);
	sqlite3_finalize(wr);
	return rc == SQLITE_DONE ? 0 : fail(db, err, "kesra_place_word");
fail:
	sbuf_free(&w);
	sqlite3_finalize(rd);
	sqlite3_finalize(wr);
	return fail(db, err, "kesra_place_word");
}

/* The dictionary has a regions file: kesra_place_word is wanted. */
static int
want_place_words(struct db *db)
{
	char *path = region_schema_path(db_schema(db));
	free(path);
	return path != NULL;
}

/*
 * 1 when kesra_place_word holds the names of the region table as it is
 * (or is absent when the dictionary has no regions file).
 */
static int
place_words_current(struct db *db)
{
	char *have = db_stored_sql(db, "table", "kesra_place_word");
	char *built, *hash;
	int ok;

	if (!want_place_words(db)) {
		free(have);
		return have == NULL;
	}
	built = db_meta_get(db, "place_words");
	hash = db_meta_get(db, "regions_hash");
	ok = have != NULL && strcmp(have, place_word_sql) == 0 &&
	    built != NULL && strcmp(built, hash != NULL ? hash : "") == 0;
	free(have);
	free(built);
	free(hash);
	return ok;
}

/* The place words: rebuilt from kesra_region when it changed. */
static int
sync_place_words(struct db *db, int dry_run, char **err)
{
	char *hash, *have;
	const char *sql;
	sqlite3_stmt *st;
	int rc;

	if (place_words_current(db) || dry_run)
		return 0;
	if (run(db, "DROP TABLE IF EXISTS kesra_place_word", err) < 0)
		return -1;
	if (!want_place_words(db))
		return 0;
	if (run(db, place_word_sql, err) < 0)
		return -1;
	if ((have = db_stored_sql(db, "table", "kesra_region")) != NULL) {
		free(have);
		if (fill_place_words(db, err) < 0)
			return -1;
	}
	hash = db_meta_get(db, "regions_hash");
	sql = "INSERT INTO kesra_meta (key, value) VALUES ('place_words', ?) "
	    "ON CONFLICT (key) DO UPDATE SET value = excluded.value";
	if (sqlite3_prepare_v2(db_sqlite(db), sql, -1, &st, NULL) != SQLITE_OK) {
		free(hash);
		return fail(db, err, "kesra_meta");
	}
	sqlite3_bind_text(st, 1, hash != NULL ? hash : "", -1, SQLITE_TRANSIENT);
	rc = sqlite3_step(st);
	sqlite3_finalize(st);
	free(hash);
	return rc == SQLITE_DONE ? 0 : fail(db, err, "kesra_meta");
}

int
db_search_current(struct db *db)
{
	const struct schema *s = db_schema(db);
	size_t i;
	int same = 1;

	for (i = 0; i < s->nrecords && same; i++) {
		const struct sch_record *r = &s->records[i];
		char *name = xasprintf("%s_fts", r->name);
		char *have = db_stored_sql(db, "table", name);
		char *want = has_search(r) ? object_sql(r, -1) : NULL;
		same = (have == NULL && want == NULL) || (have != NULL &&
		    want != NULL && strcmp(have, want) == 0);
		if (same && want != NULL)
			same = triggers_current(db, r, "fts", object_sql);
		free(name);
		free(have);
		free(want);
		if (same && place_field(r) != NULL) {
			name = xasprintf("%s_%s_place", r->name,
			    place_field(r)->name);
			have = db_stored_sql(db, "index", name);
			same = have != NULL;
			free(name);
			free(have);
		}
		if (same && r->parent == NULL) {
			name = xasprintf("%s_live", r->name);
			have = db_stored_sql(db, "index", name);
			same = have != NULL && count_current(db, r);
			free(name);
			free(have);
		}
	}
	return same && place_words_current(db);
}

int
db_search_suspend(struct db *db, char **err)
{
	const struct schema *s = db_schema(db);
	size_t i;
	int k;

	if (run(db, "BEGIN IMMEDIATE", err) < 0)
		return -1;
	for (i = 0; i < s->nrecords; i++) {
		const struct sch_record *r = &s->records[i];
		char *sql;
		for (k = 0; k < NTRIG; k++) {
			sql = xasprintf("DROP TRIGGER IF EXISTS \"%s_fts_%s\"",
			    r->name, trig_suffix[k]);
			if (run(db, sql, err) < 0) {
				free(sql);
				goto fail;
			}
			free(sql);
		}
		sql = xasprintf("DROP TABLE IF EXISTS \"%s_fts\"", r->name);
		if (run(db, sql, err) < 0) {
			free(sql);
			goto fail;
		}
		free(sql);
	}
	return run(db, "COMMIT", err);
fail:
	sqlite3_exec(db_sqlite(db), "ROLLBACK", NULL, NULL, NULL);
	return -1;
}

int
db_search_resume(struct db *db, char **err)
{
	if (run(db, "BEGIN IMMEDIATE", err) < 0)
		return -1;
	if (db_search_sync(db, 0, NULL, err) < 0) {
		sqlite3_exec(db_sqlite(db), "ROLLBACK", NULL, NULL, NULL);
		return -1;
	}
	return run(db, "COMMIT", err);
}

int
db_search_sync(struct db *db, int dry_run, struct sbuf *plan, char **err)
{
	const struct schema *s = db_schema(db);
	size_t i, j;

	if (sync_place_words(db, dry_run, err) < 0)
		return -1;
	for (i = 0; i < s->nrecords; i++) {
		const struct sch_record *r = &s->records[i];
		if (sync_fts(db, r, dry_run, plan, err) < 0 ||
		    sync_live(db, r, dry_run, plan, err) < 0 ||
		    sync_place(db, r, dry_run, err) < 0)
			return -1;
		for (j = 0; j < r->nfields; j++)
			if (schema_field_stored(&r->fields[j]) &&
			    sync_number(db, r, &r->fields[j], dry_run,
			    err) < 0)
				return -1;
	}
	return 0;
}

int
db_search_defer(struct db *db, const struct sch_record *r, int64_t *mark,
    char **err)
{
	char *tn, *want, *have, *sql;
	sqlite3_stmt *st;
	int same, rc;

	*mark = 0;
	if (!has_search(r))
		return 0;
	tn = xasprintf("%s_fts_%s", r->name, trig_suffix[0]);
	want = object_sql(r, 0);
	have = db_stored_sql(db, "trigger", tn);
	same = have != NULL && strcmp(have, want) == 0;
	free(want);
	free(have);
	if (!same) {
		free(tn);
		return 0;
	}
	sql = xasprintf("SELECT coalesce(max(id), 0) FROM \"%s\"", r->name);
	rc = sqlite3_prepare_v2(db_sqlite(db), sql, -1, &st, NULL);
	free(sql);
	if (rc != SQLITE_OK) {
		free(tn);
		return fail(db, err, r->name);
	}
	if (sqlite3_step(st) == SQLITE_ROW)
		*mark = sqlite3_column_int64(st, 0);
	else
		rc = SQLITE_ERROR;
	sqlite3_finalize(st);
	if (rc != SQLITE_OK) {
		free(tn);
		return fail(db, err, r->name);
	}
	sql = xasprintf("DROP TRIGGER \"%s\"", tn);
	rc = run(db, sql, err);
	free(sql);
	free(tn);
	return rc < 0 ? -1 : 1;
}

int
db_search_catch_up(struct db *db, const struct sch_record *r, int64_t mark,
    char **err)
{
	struct sbuf b = {0};
	sqlite3_stmt *st;
	char *sql;
	int rc;

	sbuf_addf(&b, "INSERT INTO \"%s_fts\" (rowid, ", r->name);
	col_list(&b, r, "");
	sbuf_add(&b, ") SELECT id, ");
	col_list(&b, r, "");
	sbuf_addf(&b, " FROM \"%s\" WHERE id > ? AND deleted_at IS NULL "
	    "ORDER BY id", r->name);
	rc = sqlite3_prepare_v2(db_sqlite(db), b.s, -1, &st, NULL);
	sbuf_free(&b);
	if (rc != SQLITE_OK)
		return fail(db, err, r->name);
	sqlite3_bind_int64(st, 1, mark);
	rc = sqlite3_step(st);
	sqlite3_finalize(st);
	if (rc != SQLITE_DONE)
		return fail(db, err, r->name);
	sql = object_sql(r, 0);
	rc = run(db, sql, err);
	free(sql);
	return rc;
}
