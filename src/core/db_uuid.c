/*
 * db_uuid: the compact uuid index of the record tables (part of the db
 * module).
 *
 * A record's uuid (36 characters) is looked up by import and sync only, so
 * the full text need not be in an index: per record table an index
 * "<record>_uuid" on substr(uuid, 1, 8) (the first 32 random bits of a
 * version-4 uuid: a few rows per key at most) finds the candidates, and the
 * full uuid is compared on the row (db_uuid_where gives the condition).
 * The column is no longer UNIQUE (that kept a second copy of every uuid in
 * an automatic index); uniqueness is kept by two triggers
 * "<record>_uuid_ai" / "<record>_uuid_au" that refuse an insert, or an
 * update of uuid, giving a uuid another row holds, with SQLite's own
 * message "UNIQUE constraint failed: <record>.uuid" (also for the sqlite3
 * shell: substr is built in). On a million persons this saves some 40 MB.
 *
 * A table made by an older kesra (layout 3 and before: "uuid TEXT NOT NULL
 * UNIQUE") is rebuilt by the migration (db_uuid_rebuild, foreign keys off):
 * the same columns and rows under the same name; the indexes and triggers
 * the table had are made again by the migration's later steps.
 *
 * Invariants: no two rows of a record table share a uuid; every uuid
 * look-up says db_uuid_where so that it walks "<record>_uuid".
 */
#include "db.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <sqlite3.h>

#include "i18n.h"

#define OLD_UUID "uuid TEXT NOT NULL UNIQUE"

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
		return fail(db, err, "uuid index");
	return 0;
}

const char *
db_uuid_where(void)
{
	/* +uuid: "uuid = ?1" would let SQLite put ?1 in place of uuid in
	 * substr(uuid, 1, 8) (constant propagation), and the index would no
	 * longer match. */
	return "substr(uuid, 1, 8) = substr(?1, 1, 8) AND +uuid = ?1";
}

int
db_uuid_needs_rebuild(struct db *db, const char *table)
{
	char *sql = db_stored_sql(db, "table", table);
	int old = sql != NULL && strstr(sql, OLD_UUID) != NULL;
	free(sql);
	return old;
}

int
db_uuid_rebuild(struct db *db, const char *table, int dry_run,
    struct sbuf *plan, char **err)
{
	char *have = db_stored_sql(db, "table", table), *p, *q;
	struct sbuf b = {0};
	int rc = -1;

	if (have == NULL || (p = strstr(have, OLD_UUID)) == NULL) {
		free(have);
		return 0;
	}
	if (plan != NULL)
		sbuf_addf(plan, _("rebuild table %s (uuid without its full "
		    "index)\n"), table);
	if (dry_run) {
		free(have);
		return 0;
	}
	/* CREATE TABLE "<table>" (...): the same text under a new name,
	 * without UNIQUE on uuid. */
	q = strchr(have, '(');
	if (q == NULL || q > p) {
		free(have);
		return util_err(err, "%s: %s: unexpected table definition",
		    db_path(db), table);
	}
	sbuf_addf(&b, "CREATE TABLE \"%s__rebuild\" ", table);
	sbuf_addn(&b, q, (size_t)(p - q));
	sbuf_add(&b, "uuid TEXT NOT NULL");
	sbuf_add(&b, p + strlen(OLD_UUID));
	if (run(db, b.s, err) < 0)
		goto out;
	sbuf_reset(&b);
	sbuf_addf(&b, "INSERT INTO \"%s__rebuild\" SELECT * FROM \"%s\" "
	    "ORDER BY id; DROP TABLE \"%s\"; ALTER TABLE \"%s__rebuild\" "
	    "RENAME TO \"%s\"", table, table, table, table, table);
	rc = run(db, b.s, err);
out:
	sbuf_free(&b);
	free(have);
	return rc;
}

static char *
index_sql(const char *t)
{
	return xasprintf("CREATE INDEX \"%s_uuid\" ON \"%s\" "
	    "(substr(uuid, 1, 8))", t, t);
}

/* The trigger refusing a uuid held by another row: insert (0), update. */
static char *
trigger_sql(const char *t, int update)
{
	return xasprintf("CREATE TRIGGER \"%s_uuid_%s\" BEFORE %s ON \"%s\" "
	    "WHEN %sEXISTS (SELECT 1 FROM \"%s\" WHERE substr(uuid, 1, 8) = "
	    "substr(new.uuid, 1, 8) AND +uuid = new.uuid) BEGIN SELECT "
	    "RAISE(ABORT, 'UNIQUE constraint failed: %s.uuid'); END",
	    t, update ? "au" : "ai", update ? "UPDATE OF uuid" : "INSERT", t,
	    update ? "new.uuid IS NOT old.uuid AND " : "", t, t);
}

/* Create object name (type) with want unless it is there as want. */
static int
sync_object(struct db *db, const char *type, const char *name,
    const char *want, char **err)
{
	char *have = db_stored_sql(db, type, name), *sql;
	int rc = 0;

	if (have != NULL && strcmp(have, want) != 0) {
		sql = xasprintf("DROP %s \"%s\"", type, name);
		rc = run(db, sql, err);
		free(sql);
	}
	if (rc == 0 && (have == NULL || strcmp(have, want) != 0))
		rc = run(db, want, err);
	free(have);
	return rc;
}

int
db_uuid_table_sync(struct db *db, const struct sch_record *r, char **err)
{
	char *name, *want;
	int k, rc;

	name = xasprintf("%s_uuid", r->name);
	want = index_sql(r->name);
	rc = sync_object(db, "index", name, want, err);
	free(name);
	free(want);
	for (k = 0; k < 2 && rc == 0; k++) {
		name = xasprintf("%s_uuid_%s", r->name, k ? "au" : "ai");
		want = trigger_sql(r->name, k);
		rc = sync_object(db, "trigger", name, want, err);
		free(name);
		free(want);
	}
	/* A roster's parent index (made with the table; made again after a
	 * rebuild). */
	if (rc == 0 && r->parent != NULL) {
		want = xasprintf("CREATE INDEX IF NOT EXISTS \"%s_parent\" ON "
		    "\"%s\" (parent_id)", r->name, r->name);
		rc = run(db, want, err);
		free(want);
	}
	return rc;
}

/*
 * Silent: the index and triggers are made with the table (create_table)
 * or planned as part of its rebuild (db_uuid_rebuild).
 */
int
db_uuid_sync(struct db *db, int dry_run, struct sbuf *plan, char **err)
{
	const struct schema *s = db_schema(db);
	size_t i;
	int rc = 0;

	(void)plan;
	if (dry_run)
		return 0;
	for (i = 0; i < s->nrecords && rc == 0; i++) {
		const struct sch_record *r = &s->records[i];
		char *have = db_stored_sql(db, "table", r->name);
		if (have != NULL && strstr(have, OLD_UUID) == NULL)
			rc = db_uuid_table_sync(db, r, err);
		free(have);
	}
	return rc;
}
