/*
 * test_db: storage on real SQLite files in a temporary folder. Creation and
 * identity, record save/load, migrations, refusals that leave the file
 * untouched, optimistic concurrency, locking, keyset pagination and titles;
 * note fields without a column, accepted warnings, files of an older
 * layout, unique fields, renamed fields and complete dry-run plans;
 * batches of saves (db_begin/db_commit, savepoints) and the statement
 * cache.
 */
#include "testutil.h"

#include "db.h"
#include "record.h"

#define DICT_HEAD(version) \
    "dictionary: testdict\n" \
    "version: " version "\n" \
    "languages: [id, en]\n" \
    "value_sets:\n" \
    "  sex: [{code: 1, label: L}, {code: 2, label: P}]\n" \
    "records:\n"

#define PERSON_FIELDS \
    "      - {name: name, type: text, required: true}\n" \
    "      - {name: age, type: integer}\n" \
    "      - {name: height, type: decimal}\n" \
    "      - {name: born, type: date}\n" \
    "      - {name: married, type: yesno}\n" \
    "      - {name: sex, type: select_one, values: sex}\n"

#define VISIT \
    "  visit:\n" \
    "    parent: person\n" \
    "    fields:\n" \
    "      - {name: note, type: text}\n"

static const char dict_v1[] = DICT_HEAD("1")
    "  person:\n"
    "    title: \"${name} (${age})\"\n"
    "    fields:\n"
    PERSON_FIELDS
    "      - {name: old_note, type: text}\n"
    VISIT;

/* v2 adds a field and a record. */
static const char dict_v2_add[] = DICT_HEAD("2")
    "  person:\n"
    "    title: \"${name} (${age})\"\n"
    "    fields:\n"
    PERSON_FIELDS
    "      - {name: old_note, type: text}\n"
    "      - {name: phone, type: text}\n"
    VISIT
    "  asset:\n"
    "    fields: [{name: kind, type: text}]\n";

/* v2 adds phone but turns age into text: refused as a whole. */
static const char dict_v2_retype[] = DICT_HEAD("2")
    "  person:\n"
    "    fields:\n"
    "      - {name: name, type: text, required: true}\n"
    "      - {name: phone, type: text}\n"
    "      - {name: age, type: text}\n"
    "      - {name: height, type: decimal}\n"
    "      - {name: born, type: date}\n"
    "      - {name: married, type: yesno}\n"
    "      - {name: sex, type: select_one, values: sex}\n"
    "      - {name: old_note, type: text}\n"
    VISIT;

/* v2 drops old_note. */
static const char dict_v2_remove[] = DICT_HEAD("2")
    "  person:\n"
    "    title: \"${name} (${age})\"\n"
    "    fields:\n"
    PERSON_FIELDS
    VISIT;

/* Same records, another dictionary. */
static const char dict_other[] =
    "dictionary: otherdict\n"
    "records:\n"
    "  person:\n"
    "    fields:\n"
    "      - {name: name, type: text}\n";

struct fx {
	char *dir;
	char *path; /* dir/k.db, not created */
	struct schema *s;
	struct db *db;
};

static int
setup(void **state)
{
	struct fx *f = xcalloc(1, sizeof *f);
	f->dir = tu_mkdtemp();
	f->path = tu_path(f->dir, "k.db");
	*state = f;
	return 0;
}

static int
teardown(void **state)
{
	struct fx *f = *state;
	db_close(f->db);
	schema_free(f->s);
	tu_rmtree(f->dir);
	free(f->dir);
	free(f->path);
	free(f);
	unsetenv("KESRA_BUSY_TIMEOUT_MS");
	return 0;
}

static struct db *
open_db(const char *path, const struct schema *s, int flags)
{
	struct db *db = NULL;
	char *err = NULL;
	if (db_open(&db, path, s, flags, &err) != 0)
		fail_msg("db_open %s: %s", path, err);
	assert_non_null(db);
	assert_null(err);
	return db;
}

static void
migrate(struct db *db)
{
	char *err = NULL;
	if (db_migrate(db, 0, NULL, &err) != 0)
		fail_msg("db_migrate: %s", err);
}

/* A fresh database of dict_v1 in f. */
static void
create_v1(struct fx *f)
{
	f->s = tu_schema(dict_v1);
	f->db = open_db(f->path, f->s, DB_OPEN_CREATE);
	migrate(f->db);
}

static const struct sch_record *
rec(const struct schema *s, const char *name)
{
	const struct sch_record *r = schema_record(s, name);
	if (r == NULL)
		fail_msg("no record %s", name);
	return r;
}

/* Insert a person; returns its id. */
static int64_t
add_person(struct db *db, const struct schema *s, const char *name,
    const char *age, const char *user)
{
	struct record *r = record_new(rec(s, "person"));
	char *err = NULL;
	int64_t id;
	record_set_by_name(r, "name", name);
	record_set_by_name(r, "age", age);
	if (db_record_save(db, r, user, &err) != 0)
		fail_msg("save %s: %s", name, err);
	id = r->id;
	record_free(r);
	return id;
}

static struct record *
load(struct db *db, const struct sch_record *def, int64_t id)
{
	struct record *r = NULL;
	char *err = NULL;
	if (db_record_load(db, def, id, &r, &err) != 0)
		fail_msg("load %lld: %s", (long long)id, err);
	return r;
}

static char *
q_text(struct db *db, const char *sql)
{
	return tu_sql_text(db_sqlite(db), sql);
}

static void
assert_q(struct db *db, const char *sql, const char *want)
{
	char *got = tu_sql_rows(db_sqlite(db), sql);
	if (strcmp(got, want) != 0)
		fail_msg("%s\n--- got:\n%s\n--- expected:\n%s", sql, got, want);
	free(got);
}

static void
test_create_new(void **state)
{
	struct fx *f = *state;
	struct sbuf plan = {0};
	char *err = NULL, *v;
	sqlite3 *h;

	f->s = tu_schema(dict_v1);
	assert_false(tu_exists(f->path));
	f->db = open_db(f->path, f->s, DB_OPEN_CREATE);
	assert_true(tu_exists(f->path));
	assert_string_equal(db_path(f->db), f->path);
	assert_ptr_equal(db_schema(f->db), f->s);
	assert_false(db_is_current(f->db));
	assert_null(db_meta_get(f->db, "dictionary"));
	assert_int_equal(db_migrate(f->db, 0, &plan, &err), 0);
	assert_null(err);
	assert_string_equal(plan.s,
	    "create database for dictionary testdict version 1\n"
	    "create table person (7 fields)\n"
	    "create table visit (1 fields)\n"
	    "create table kesra_user (users and roles)\n"
	    "create table kesra_audit (audit trail, append-only)\n"
	    "create table kesra_draft (forms kept when a terminal went "
	    "away)\n");
	sbuf_free(&plan);

	h = db_sqlite(f->db);
	assert_int_equal(tu_sql_int(h, "PRAGMA application_id"),
	    DB_APPLICATION_ID);
	assert_int_equal(tu_sql_int(h, "PRAGMA user_version"),
	    DB_STORAGE_VERSION);
	v = tu_sql_text(h, "PRAGMA journal_mode");
	assert_string_equal(v, "wal");
	free(v);
	assert_int_equal(tu_sql_int(h, "PRAGMA foreign_keys"), 1);
	assert_int_equal(tu_sql_int(h, "PRAGMA synchronous"), 2); /* FULL */

	/* typed columns after the system columns */
	assert_q(f->db, "SELECT name, type, pk FROM pragma_table_info('person')",
	    "id|INTEGER|1\nuuid|TEXT|0\nparent_id|INTEGER|0\nstatus|TEXT|0\n"
	    "rev|INTEGER|0\ncreated_at|TEXT|0\ncreated_by|TEXT|0\n"
	    "updated_at|TEXT|0\nupdated_by|TEXT|0\ndeleted_at|TEXT|0\n"
	    "ord|INTEGER|0\nname|TEXT|0\nage|INTEGER|0\nheight|REAL|0\nborn|TEXT|0\n"
	    "married|INTEGER|0\nsex|INTEGER|0\nold_note|TEXT|0");
	assert_q(f->db, "SELECT name, type FROM pragma_table_info('visit') "
	    "WHERE cid >= 11", "note|TEXT");
	assert_q(f->db, "SELECT name, strict FROM pragma_table_list "
	    "WHERE schema = 'main' AND name IN ('person', 'visit', "
	    "'kesra_meta', 'kesra_accept') ORDER BY name",
	    "kesra_accept|1\nkesra_meta|1\nperson|1\nvisit|1");
	/* a roster points at its parent */
	assert_q(f->db, "SELECT \"table\", \"from\", \"to\" FROM "
	    "pragma_foreign_key_list('visit')", "person|parent_id|id");
	assert_q(f->db, "SELECT name FROM sqlite_schema WHERE type = 'index' "
	    "AND tbl_name = 'visit' AND sql IS NOT NULL ORDER BY name",
	    "visit_parent\nvisit_uuid");

	/* meta */
	assert_q(f->db, "SELECT key, value FROM kesra_meta WHERE key IN "
	    "('dictionary', 'version') ORDER BY key",
	    "dictionary|testdict\nversion|1");
	v = db_meta_get(f->db, "hash");
	assert_string_equal(v, f->s->hash);
	free(v);
	v = db_meta_get(f->db, "created_at");
	assert_non_null(v);
	assert_int_equal(strlen(v), 19);
	free(v);
	assert_null(db_meta_get(f->db, "nosuch"));
	assert_true(db_is_current(f->db));

	/* STRICT tables: a word in an integer column is refused */
	assert_int_not_equal(sqlite3_exec(h, "INSERT INTO person (uuid, "
	    "created_at, name, age) VALUES ('u', 'now', 'x', 'abc')", NULL,
	    NULL, NULL), SQLITE_OK);

	/* Migrating again changes nothing and plans nothing. */
	assert_int_equal(db_migrate(f->db, 0, &plan, &err), 0);
	assert_int_equal(plan.len, 0);
	sbuf_free(&plan);
	/* person, visit, kesra_meta, kesra_accept, kesra_user, kesra_audit,
	 * kesra_draft, kesra_count */
	assert_int_equal(tu_sql_int(h, "SELECT count(*) FROM sqlite_schema "
	    "WHERE type = 'table'"), 8);
}

static void
test_dry_run_writes_nothing(void **state)
{
	struct fx *f = *state;
	struct sbuf plan = {0};
	char *err = NULL;

	f->s = tu_schema(dict_v1);
	f->db = open_db(f->path, f->s, DB_OPEN_CREATE);
	assert_int_equal(db_migrate(f->db, 1, &plan, &err), 0);
	assert_contains(plan.s, "create table person (7 fields)\n");
	sbuf_free(&plan);
	assert_int_equal(tu_sql_int(db_sqlite(f->db), "SELECT count(*) FROM "
	    "sqlite_schema WHERE type = 'table'"), 0);
	assert_int_equal(tu_sql_int(db_sqlite(f->db), "PRAGMA application_id"),
	    0);
	assert_false(db_is_current(f->db));
}

static void
test_open_absent_and_folder(void **state)
{
	struct fx *f = *state;
	struct db *db = NULL;
	char *err = NULL;

	f->s = tu_schema(dict_v1);
	assert_int_equal(db_open(&db, f->path, f->s, 0, &err), -1);
	assert_null(db);
	assert_contains(err, f->path);
	assert_contains(err, "no database here (run 'kesra init'");
	assert_false(tu_exists(f->path));
	free(err);
	err = NULL;
	assert_int_equal(db_open(&db, f->dir, f->s, DB_OPEN_CREATE, &err), -1);
	assert_contains(err, "is a folder, not a database file");
	free(err);
}

static void
test_record_round_trip(void **state)
{
	struct fx *f = *state;
	const struct sch_record *person, *visit;
	struct record *r, *l, *v;
	char *err = NULL;
	static const char utf8_name[] = "Siti Nur\xe2\x80\x99" "aini \xe2\x80\x94 "
	    "\xc3\xbc \xe6\x97\xa5\xe6\x9c\xac \xf0\x9f\x98\x80";

	create_v1(f);
	person = rec(f->s, "person");
	visit = rec(f->s, "visit");
	r = record_new(person);
	record_set_by_name(r, "name", utf8_name);
	record_set_by_name(r, "age", "42");
	record_set_by_name(r, "height", "1.75");
	record_set_by_name(r, "born", "1980-02-29");
	record_set_by_name(r, "married", "1");
	record_set_by_name(r, "sex", "2");
	assert_int_equal(db_record_save(f->db, r, "alice", &err), 0);
	assert_null(err);
	assert_int_equal(r->id, 1);
	assert_int_equal(r->rev, 1);
	assert_int_equal(strlen(r->uuid), 36);
	assert_string_equal(r->updated_by, "alice");
	assert_non_null(r->updated_at);

	/* what the table holds, with SQLite's own types */
	assert_q(f->db, "SELECT name, typeof(age), age, typeof(height), height, "
	    "born, married, typeof(sex), sex, old_note, rev, status, "
	    "created_by, updated_by, parent_id, deleted_at FROM person",
	    "Siti Nur\xe2\x80\x99" "aini \xe2\x80\x94 \xc3\xbc "
	    "\xe6\x97\xa5\xe6\x9c\xac \xf0\x9f\x98\x80"
	    "|integer|42|real|1.75|1980-02-29|1|integer|2|NULL|1|draft|"
	    "alice|alice|NULL|NULL");

	l = load(f->db, person, r->id);
	assert_true(record_values_equal(l, r));
	assert_string_equal(record_get_by_name(l, "name"), utf8_name);
	assert_string_equal(record_get_by_name(l, "age"), "42");
	assert_string_equal(record_get_by_name(l, "height"), "1.75");
	assert_string_equal(record_get_by_name(l, "born"), "1980-02-29");
	assert_string_equal(record_get_by_name(l, "married"), "1");
	assert_string_equal(record_get_by_name(l, "sex"), "2");
	assert_null(record_get_by_name(l, "old_note"));
	assert_string_equal(l->uuid, r->uuid);
	assert_int_equal(l->rev, 1);
	assert_string_equal(l->status, "draft");
	assert_string_equal(l->updated_by, "alice");
	assert_int_equal(l->parent_id, 0);

	/* update: rev goes up, updated_by changes, created_by stays */
	record_set_by_name(l, "age", "43");
	record_set_by_name(l, "height", NULL);
	record_set_by_name(l, "old_note", "catatan");
	snprintf(l->status, sizeof l->status, "complete");
	assert_int_equal(db_record_save(f->db, l, "bob", &err), 0);
	assert_int_equal(l->rev, 2);
	assert_int_equal(l->id, 1);
	assert_string_equal(l->updated_by, "bob");
	assert_q(f->db, "SELECT age, height, old_note, rev, status, created_by, "
	    "updated_by, count(*) FROM person",
	    "43|NULL|catatan|2|complete|alice|bob|1");
	record_free(l);
	l = load(f->db, person, 1);
	assert_int_equal(l->rev, 2);
	assert_string_equal(l->status, "complete");
	assert_string_equal(record_get_by_name(l, "age"), "43");
	assert_null(record_get_by_name(l, "height"));
	assert_string_equal(l->uuid, r->uuid);
	record_free(l);

	/* decimals that are whole, large or small come back as written */
	record_free(r);
	r = record_new(person);
	record_set_by_name(r, "name", "B");
	record_set_by_name(r, "height", "100");
	record_set_by_name(r, "age", "-123456789012345");
	assert_int_equal(db_record_save(f->db, r, "alice", &err), 0);
	assert_int_equal(r->id, 2);
	l = load(f->db, person, 2);
	assert_string_equal(record_get_by_name(l, "height"), "100");
	assert_string_equal(record_get_by_name(l, "age"), "-123456789012345");
	assert_int_equal(strlen(l->uuid), 36);
	assert_string_equal(l->uuid, r->uuid);
	record_free(l);
	record_free(r);

	/* a roster row with its parent */
	v = record_new(visit);
	v->parent_id = 1;
	record_set_by_name(v, "note", "kunjungan pertama");
	assert_int_equal(db_record_save(f->db, v, "carol", &err), 0);
	l = load(f->db, visit, v->id);
	assert_int_equal(l->parent_id, 1);
	assert_string_equal(record_get(l, 0), "kunjungan pertama");
	record_free(l);
	/* foreign keys are on: no visit of a person that does not exist */
	record_free(v);
	v = record_new(visit);
	v->parent_id = 999;
	record_set_by_name(v, "note", "orphan");
	assert_int_equal(db_record_save(f->db, v, "carol", &err), -1);
	assert_contains(err, "FOREIGN KEY");
	assert_int_equal(v->id, 0);
	assert_int_equal(tu_sql_int(db_sqlite(f->db), "SELECT count(*) FROM "
	    "visit"), 1);
	free(err);
	record_free(v);
}

/* Every record gets its own uuid. */
static void
test_uuids_differ(void **state)
{
	struct fx *f = *state;
	char *a, *b;
	create_v1(f);
	add_person(f->db, f->s, "A", "1", "u");
	add_person(f->db, f->s, "B", "2", "u");
	a = q_text(f->db, "SELECT uuid FROM person WHERE id = 1");
	b = q_text(f->db, "SELECT uuid FROM person WHERE id = 2");
	assert_int_equal(strlen(a), 36);
	assert_string_not_equal(a, b);
	free(a);
	free(b);
}

static void
test_load_missing_or_deleted(void **state)
{
	struct fx *f = *state;
	struct record *r = NULL;
	char *err = NULL;
	int64_t n = -1;

	create_v1(f);
	add_person(f->db, f->s, "A", "1", "u");
	assert_int_equal(db_record_load(f->db, rec(f->s, "person"), 99, &r,
	    &err), -1);
	assert_null(r);
	assert_string_equal(err, "person 99: no such record");
	tu_sql_exec(db_sqlite(f->db), "UPDATE person SET deleted_at = "
	    "'2024-01-01 00:00:00' WHERE id = 1");
	assert_int_equal(db_record_load(f->db, rec(f->s, "person"), 1, &r,
	    &err), -1);
	assert_string_equal(err, "person 1: no such record");
	free(err);
	assert_int_equal(db_record_count(f->db, rec(f->s, "person"), &n, NULL),
	    0);
	assert_int_equal(n, 0);
}

/*
 * A loaded record keeps its values in one block (record.blk): the stored
 * text of each column (an integer as SQLite writes it, a negative one, a
 * REAL as util_fmt_double writes it, text with a NUL cut there), and
 * record_set/record_copy/record_free work on it as on any record (ASan
 * sees a wrong free).
 */
static void
test_load_values_block(void **state)
{
	struct fx *f = *state;
	const struct sch_record *def;
	struct record *r, *c;
	int64_t id;

	create_v1(f);
	def = rec(f->s, "person");
	id = add_person(f->db, f->s, "Ani", "10", "u");
	tu_sql_exec(db_sqlite(f->db), "UPDATE person SET old_note = "
	    "'ab' || char(0) || 'cd' WHERE id = 1");
	r = load(f->db, def, id);
	assert_non_null(r->blk);
	assert_string_equal(record_get_by_name(r, "name"), "Ani");
	assert_string_equal(record_get_by_name(r, "age"), "10");
	assert_string_equal(record_get_by_name(r, "old_note"), "ab");
	record_set_by_name(r, "name", "Budi Santoso");
	record_set_by_name(r, "age", NULL);
	c = record_copy(r);
	assert_null(c->blk);
	assert_string_equal(record_get_by_name(c, "name"), "Budi Santoso");
	assert_null(record_get_by_name(c, "age"));
	assert_string_equal(record_get_by_name(c, "old_note"), "ab");
	record_set_by_name(r, "old_note", "x");
	record_free(r);
	record_free(c);
	tu_sql_exec(db_sqlite(f->db), "UPDATE person SET age = -9000000000, "
	    "old_note = NULL, height = 0.1 + 0.2 WHERE id = 1");
	r = load(f->db, def, id);
	assert_string_equal(record_get_by_name(r, "age"), "-9000000000");
	assert_null(record_get_by_name(r, "old_note"));
	assert_string_equal(record_get_by_name(r, "height"),
	    "0.30000000000000004");
	record_free(r);
	tu_sql_exec(db_sqlite(f->db), "UPDATE person SET height = 35.5 "
	    "WHERE id = 1");
	r = load(f->db, def, id);
	assert_string_equal(record_get_by_name(r, "height"), "35.5");
	record_free(r);
}

static void
test_migrate_adds_field(void **state)
{
	struct fx *f = *state;
	struct schema *s2;
	struct db *db2;
	struct sbuf plan = {0};
	struct record *r;
	char *err = NULL, *v;

	create_v1(f);
	add_person(f->db, f->s, "Ani", "10", "u");
	add_person(f->db, f->s, "Budi", "20", "u");
	tu_sql_exec(db_sqlite(f->db), "UPDATE person SET old_note = 'lama' "
	    "WHERE id = 2");
	db_close(f->db);
	f->db = NULL;

	s2 = tu_schema(dict_v2_add);
	assert_string_not_equal(s2->hash, f->s->hash);
	db2 = open_db(f->path, s2, 0);
	assert_false(db_is_current(db2));
	assert_int_equal(db_migrate(db2, 0, &plan, &err), 0);
	assert_null(err);
	assert_string_equal(plan.s, "add column person.phone TEXT\n"
	    "create table asset (1 fields)\n");
	sbuf_free(&plan);
	assert_true(db_is_current(db2));
	v = db_meta_get(db2, "version");
	assert_string_equal(v, "2");
	free(v);
	v = db_meta_get(db2, "hash");
	assert_string_equal(v, s2->hash);
	free(v);

	assert_q(db2, "SELECT type FROM pragma_table_info('person') WHERE "
	    "name = 'phone'", "TEXT");
	assert_q(db2, "SELECT id, name, age, old_note, phone, rev FROM person "
	    "ORDER BY id", "1|Ani|10|NULL|NULL|1\n2|Budi|20|lama|NULL|1");
	assert_q(db2, "SELECT count(*) FROM asset", "0");

	/* the old rows load and save under the new dictionary */
	r = load(db2, rec(s2, "person"), 2);
	assert_string_equal(record_get_by_name(r, "name"), "Budi");
	assert_null(record_get_by_name(r, "phone"));
	record_set_by_name(r, "phone", "08123456789");
	assert_int_equal(db_record_save(db2, r, "u", &err), 0);
	record_free(r);
	assert_q(db2, "SELECT name, age, old_note, phone, rev FROM person "
	    "WHERE id = 2", "Budi|20|lama|08123456789|2");
	db_close(db2);
	schema_free(s2);
}

static void
test_migrate_type_change_refused(void **state)
{
	struct fx *f = *state;
	struct schema *s2;
	struct db *db2;
	struct sbuf plan = {0};
	char *err = NULL, *v, *cols;

	create_v1(f);
	add_person(f->db, f->s, "Ani", "10", "u");
	cols = tu_sql_rows(db_sqlite(f->db), "SELECT name, type FROM "
	    "pragma_table_info('person')");
	db_close(f->db);
	f->db = NULL;

	s2 = tu_schema(dict_v2_retype);
	db2 = open_db(f->path, s2, 0);
	assert_int_equal(db_migrate(db2, 1, &plan, &err), -1);
	assert_contains(err, "field 'age' of record 'person' changed its stored "
	    "type from INTEGER to TEXT");
	free(err);
	err = NULL;
	sbuf_free(&plan);
	assert_int_equal(db_migrate(db2, 0, &plan, &err), -1);
	assert_contains(err, "field 'age'");
	assert_contains(err, "give the field a new name");
	free(err);
	sbuf_free(&plan);

	/* nothing changed: no phone column (it came first), same meta, data */
	assert_q(db2, "SELECT name, type FROM pragma_table_info('person')", cols);
	assert_q(db2, "SELECT count(*) FROM pragma_table_info('person') WHERE "
	    "name = 'phone'", "0");
	v = db_meta_get(db2, "hash");
	assert_string_equal(v, f->s->hash);
	free(v);
	v = db_meta_get(db2, "version");
	assert_string_equal(v, "1");
	free(v);
	assert_false(db_is_current(db2));
	assert_q(db2, "SELECT name, typeof(age), age FROM person",
	    "Ani|integer|10");
	free(cols);
	db_close(db2);
	schema_free(s2);
}

static void
test_migrate_removed_field_kept(void **state)
{
	struct fx *f = *state;
	struct schema *s2;
	struct db *db2;
	struct sbuf plan = {0};
	struct record *r;
	char *err = NULL;

	create_v1(f);
	add_person(f->db, f->s, "Ani", "10", "u");
	tu_sql_exec(db_sqlite(f->db), "UPDATE person SET old_note = "
	    "'jangan hilang' WHERE id = 1");
	db_close(f->db);
	f->db = NULL;

	s2 = tu_schema(dict_v2_remove);
	db2 = open_db(f->path, s2, 0);
	assert_int_equal(db_migrate(db2, 0, &plan, &err), 0);
	assert_string_equal(plan.s, "keep column person.old_note (not in the "
	    "dictionary; data kept)\n");
	sbuf_free(&plan);
	assert_true(db_is_current(db2));
	assert_q(db2, "SELECT name, age, old_note FROM person",
	    "Ani|10|jangan hilang");

	/* saving under the new dictionary leaves the old column alone */
	r = load(db2, rec(s2, "person"), 1);
	assert_int_equal(schema_field_index(r->def, "old_note"), -1);
	record_set_by_name(r, "age", "11");
	assert_int_equal(db_record_save(db2, r, "u", &err), 0);
	record_free(r);
	add_person(db2, s2, "Baru", "5", "u");
	assert_q(db2, "SELECT name, age, old_note FROM person ORDER BY id",
	    "Ani|11|jangan hilang\nBaru|5|NULL");
	db_close(db2);
	schema_free(s2);
}

static void
test_migrate_to_older_version_refused(void **state)
{
	struct fx *f = *state;
	struct schema *s2;
	struct db *db1;
	char *err = NULL, *v;

	/* the file is at version 2 ... */
	s2 = tu_schema(dict_v2_add);
	f->db = open_db(f->path, s2, DB_OPEN_CREATE);
	migrate(f->db);
	db_close(f->db);
	f->db = NULL;
	/* ... and an older dictionary must not migrate it */
	f->s = tu_schema(dict_v1);
	db1 = open_db(f->path, f->s, 0);
	assert_int_equal(db_migrate(db1, 0, NULL, &err), -1);
	assert_contains(err, "was migrated to version 2 of dictionary "
	    "'testdict'; this dictionary is the older version 1");
	free(err);
	v = db_meta_get(db1, "hash");
	assert_string_equal(v, s2->hash);
	free(v);
	db_close(db1);
	schema_free(s2);
}

static void
test_other_dictionary_refused(void **state)
{
	struct fx *f = *state;
	struct schema *other;
	struct db *db = NULL;
	char *err = NULL, *before, *wal;
	size_t len = 0;
	struct stat st1, st2;

	create_v1(f);
	add_person(f->db, f->s, "Ani", "10", "u");
	db_close(f->db);
	f->db = NULL;
	before = tu_read_file(f->path, &len);
	assert_true(len > 0);
	assert_int_equal(stat(f->path, &st1), 0);

	other = tu_schema(dict_other);
	assert_int_equal(db_open(&db, f->path, other, DB_OPEN_CREATE, &err), -1);
	assert_null(db);
	assert_contains(err, f->path);
	assert_contains(err, "was created with dictionary 'testdict', not "
	    "'otherdict'");
	free(err);
	err = NULL;
	/* the refused connection left no journal beside the file */
	wal = xasprintf("%s-wal", f->path);
	assert_false(tu_exists(wal));
	tu_assert_file_is(f->path, before, len);
	/* read-only opening is refused the same way (SQLite may leave empty
	 * -wal/-shm files after a read-only connection; the file is intact) */
	assert_int_equal(db_open(&db, f->path, other, DB_OPEN_READONLY, &err),
	    -1);
	assert_contains(err, "'testdict'");
	free(err);

	tu_assert_file_is(f->path, before, len);
	assert_int_equal(stat(f->path, &st2), 0);
	assert_int_equal(st1.st_size, st2.st_size);
	assert_true(st1.st_mtim.tv_sec == st2.st_mtim.tv_sec &&
	    st1.st_mtim.tv_nsec == st2.st_mtim.tv_nsec);
	free(wal);
	free(before);
	schema_free(other);
}

static void
test_not_sqlite_refused(void **state)
{
	struct fx *f = *state;
	struct db *db = NULL;
	char *err = NULL;
	struct sbuf text = {0};
	int i;

	f->s = tu_schema(dict_v1);
	for (i = 0; i < 40; i++)
		sbuf_addf(&text, "nik,nama,alamat %d\n", i);
	tu_write_bytes(f->path, text.s, text.len);
	assert_int_equal(db_open(&db, f->path, f->s, DB_OPEN_CREATE, &err), -1);
	assert_null(db);
	assert_contains(err, f->path);
	assert_contains(err, "is not a kesra database (not an SQLite file)");
	free(err);
	tu_assert_file_is(f->path, text.s, text.len);
	sbuf_free(&text);
}

static void
test_foreign_sqlite_refused(void **state)
{
	struct fx *f = *state;
	struct db *db = NULL;
	char *err = NULL, *before;
	size_t len = 0;
	sqlite3 *h;

	f->s = tu_schema(dict_v1);
	h = tu_sql_open(f->path);
	tu_sql_exec(h, "CREATE TABLE person (x); INSERT INTO person VALUES (1)");
	sqlite3_close(h);
	before = tu_read_file(f->path, &len);

	assert_int_equal(db_open(&db, f->path, f->s, DB_OPEN_CREATE, &err), -1);
	assert_null(db);
	assert_contains(err, "is an SQLite database of another program, not "
	    "kesra; refusing to touch it");
	free(err);
	tu_assert_file_is(f->path, before, len);
	free(before);

	/* a kesra-looking file with another application id */
	h = tu_sql_open(f->path);
	tu_sql_exec(h, "PRAGMA application_id = 42");
	sqlite3_close(h);
	before = tu_read_file(f->path, &len);
	err = NULL;
	assert_int_equal(db_open(&db, f->path, f->s, 0, &err), -1);
	assert_contains(err, "another program");
	free(err);
	tu_assert_file_is(f->path, before, len);
	free(before);
}

static void
test_newer_storage_refused(void **state)
{
	struct fx *f = *state;
	struct db *db = NULL;
	char *err = NULL;
	sqlite3 *h;

	create_v1(f);
	db_close(f->db);
	f->db = NULL;
	h = tu_sql_open(f->path);
	tu_sql_exec(h, "PRAGMA user_version = 7");
	sqlite3_close(h);
	assert_int_equal(db_open(&db, f->path, f->s, 0, &err), -1);
	assert_contains(err, "was written by a newer kesra (storage version 7, "
	    "this one knows 1)");
	free(err);
}

static void
test_readonly(void **state)
{
	struct fx *f = *state;
	struct record *r;
	char *err = NULL;

	create_v1(f);
	add_person(f->db, f->s, "Ani", "10", "u");
	db_close(f->db);
	f->db = open_db(f->path, f->s, DB_OPEN_READONLY);
	r = load(f->db, rec(f->s, "person"), 1);
	assert_string_equal(record_get(r, 0), "Ani");
	record_set(r, 0, "Changed");
	assert_int_equal(db_record_save(f->db, r, "u", &err), -1);
	assert_contains(err, "the database is read-only");
	free(err);
	err = NULL;
	assert_int_equal(db_migrate(f->db, 0, NULL, &err), -1);
	assert_contains(err, "read-only");
	free(err);
	record_free(r);
	assert_q(f->db, "SELECT name, rev FROM person", "Ani|1");
}

static void
test_conflict(void **state)
{
	struct fx *f = *state;
	const struct sch_record *person;
	struct record *a, *b;
	char *err = NULL;
	int64_t id;

	create_v1(f);
	person = rec(f->s, "person");
	id = add_person(f->db, f->s, "Ani", "10", "maker");
	a = load(f->db, person, id);
	b = record_copy(a);   /* a second operator's copy of the same row */
	assert_int_equal(b->rev, 1);

	record_set_by_name(a, "name", "Ani (alice)");
	assert_int_equal(db_record_save(f->db, a, "alice", &err), 0);
	assert_int_equal(a->rev, 2);

	record_set_by_name(b, "name", "Ani (bob)");
	assert_int_equal(db_record_save(f->db, b, "bob", &err), -1);
	assert_non_null(err);
	/* names who saved in between, and when */
	{
		char *who = xasprintf("changed by alice at %s", a->updated_at);
		assert_contains(err, who);
		free(who);
	}
	free(err);
	err = NULL;
	/* bob's copy is untouched, the row keeps alice's change */
	assert_int_equal(b->rev, 1);
	assert_string_equal(record_get_by_name(b, "name"), "Ani (bob)");
	assert_string_equal(b->updated_by, "maker");
	assert_q(f->db, "SELECT name, rev, updated_by FROM person",
	    "Ani (alice)|2|alice");
	/* no transaction is left open: another write goes through */
	add_person(f->db, f->s, "Other", "1", "carol");

	/* after reloading, bob's save is accepted */
	record_free(b);
	b = load(f->db, person, id);
	record_set_by_name(b, "name", "Ani (bob)");
	assert_int_equal(db_record_save(f->db, b, "bob", &err), 0);
	assert_int_equal(b->rev, 3);
	assert_q(f->db, "SELECT name, rev, updated_by FROM person WHERE id = 1",
	    "Ani (bob)|3|bob");

	/* a deleted row is reported as such */
	tu_sql_exec(db_sqlite(f->db), "UPDATE person SET deleted_at = 'now' "
	    "WHERE id = 1");
	record_set_by_name(b, "name", "again");
	assert_int_equal(db_record_save(f->db, b, "bob", &err), -1);
	assert_string_equal(err, "record 1 was deleted");
	free(err);
	record_free(a);
	record_free(b);
}

static void
test_locked(void **state)
{
	struct fx *f = *state;
	struct record *r;
	sqlite3 *other;
	char *err = NULL;

	create_v1(f);
	db_close(f->db);
	f->db = NULL;

	other = tu_sql_open(f->path);
	tu_sql_exec(other, "BEGIN EXCLUSIVE");
	tu_sql_exec(other, "INSERT INTO kesra_meta VALUES ('x', 'y')");
	setenv("KESRA_BUSY_TIMEOUT_MS", "100", 1);
	f->db = open_db(f->path, f->s, 0);
	r = record_new(rec(f->s, "person"));
	record_set(r, 0, "Ani");
	assert_int_equal(db_record_save(f->db, r, "u", &err), -1);
	assert_contains(err, f->path);
	assert_contains(err, "the database is locked by another process (waited "
	    "100 ms); try again");
	assert_int_equal(r->id, 0);
	free(err);
	err = NULL;
	assert_int_equal(db_migrate(f->db, 0, NULL, &err), -1);
	assert_contains(err, "locked");
	free(err);
	err = NULL;

	/* once the other side lets go, the same save succeeds */
	tu_sql_exec(other, "ROLLBACK");
	assert_int_equal(db_record_save(f->db, r, "u", &err), 0);
	assert_int_equal(r->id, 1);
	sqlite3_close(other);
	record_free(r);
	assert_q(f->db, "SELECT name FROM person", "Ani");
}

/* Fails unless rows hold exactly ids lo..hi, skipping `skip`. */
static void
assert_page(const struct db_row *rows, size_t n, int64_t lo, int64_t hi,
    int64_t skip)
{
	size_t i = 0;
	int64_t id;
	char want[32];
	for (id = lo; id <= hi; id++) {
		if (id == skip)
			continue;
		if (i >= n)
			fail_msg("page ends at %zu rows, expected id %lld", n,
			    (long long)id);
		assert_int_equal(rows[i].id, id);
		snprintf(want, sizeof want, "P%02lld (%lld)", (long long)id,
		    (long long)id * 2);
		assert_string_equal(rows[i].title, want);
		assert_string_equal(rows[i].status, "draft");
		assert_non_null(rows[i].updated_at);
		i++;
	}
	assert_int_equal(n, i);
}

static void
test_pagination(void **state)
{
	struct fx *f = *state;
	const struct sch_record *person;
	struct db_row *rows = NULL;
	size_t n = 0;
	int64_t count = 0, id;
	char *err = NULL, name[16], age[16];
	int i;

	create_v1(f);
	person = rec(f->s, "person");
	assert_int_equal(db_record_count(f->db, person, &count, &err), 0);
	assert_int_equal(count, 0);
	assert_int_equal(db_record_page(f->db, person, 0, 0, 20, &rows, &n,
	    &err), 0);
	assert_int_equal(n, 0);
	db_rows_free(rows, n);

	for (i = 1; i <= 55; i++) {
		snprintf(name, sizeof name, "P%02d", i);
		snprintf(age, sizeof age, "%d", i * 2);
		id = add_person(f->db, f->s, name, age, "u");
		assert_int_equal(id, i);
	}
	assert_int_equal(db_record_count(f->db, person, &count, &err), 0);
	assert_int_equal(count, 55);

	/* forward */
	assert_int_equal(db_record_page(f->db, person, 0, 0, 20, &rows, &n,
	    &err), 0);
	assert_page(rows, n, 1, 20, 0);
	db_rows_free(rows, n);
	assert_int_equal(db_record_page(f->db, person, 20, 0, 20, &rows, &n,
	    &err), 0);
	assert_page(rows, n, 21, 40, 0);
	db_rows_free(rows, n);
	assert_int_equal(db_record_page(f->db, person, 40, 0, 20, &rows, &n,
	    &err), 0);
	assert_page(rows, n, 41, 55, 0);
	db_rows_free(rows, n);
	assert_int_equal(db_record_page(f->db, person, 55, 0, 20, &rows, &n,
	    &err), 0);
	assert_int_equal(n, 0);
	db_rows_free(rows, n);

	/* backward: the last page, then the ones before, ascending */
	assert_int_equal(db_record_page(f->db, person, INT64_MAX, 1, 20, &rows,
	    &n, &err), 0);
	assert_page(rows, n, 36, 55, 0);
	db_rows_free(rows, n);
	assert_int_equal(db_record_page(f->db, person, 36, 1, 20, &rows, &n,
	    &err), 0);
	assert_page(rows, n, 16, 35, 0);
	db_rows_free(rows, n);
	assert_int_equal(db_record_page(f->db, person, 16, 1, 20, &rows, &n,
	    &err), 0);
	assert_page(rows, n, 1, 15, 0);
	db_rows_free(rows, n);
	assert_int_equal(db_record_page(f->db, person, 1, 1, 20, &rows, &n,
	    &err), 0);
	assert_int_equal(n, 0);
	db_rows_free(rows, n);

	/* a deleted record is neither counted nor listed */
	tu_sql_exec(db_sqlite(f->db), "UPDATE person SET deleted_at = 'now' "
	    "WHERE id = 30");
	assert_int_equal(db_record_count(f->db, person, &count, &err), 0);
	assert_int_equal(count, 54);
	/* the count kept by the triggers of db_search.c in kesra_count
	 * (the soft delete above was made by SQL, not by kesra); a restored
	 * row counts again */
	assert_q(f->db, "SELECT live FROM kesra_count WHERE record = 'person'",
	    "54");
	assert_q(f->db, "SELECT count(*) FROM sqlite_schema WHERE name = "
	    "'person_count'", "0");
	tu_sql_exec(db_sqlite(f->db), "UPDATE person SET deleted_at = NULL "
	    "WHERE id = 30");
	assert_int_equal(db_record_count(f->db, person, &count, &err), 0);
	assert_int_equal(count, 55);
	tu_sql_exec(db_sqlite(f->db), "UPDATE person SET deleted_at = 'now' "
	    "WHERE id = 30");
	assert_int_equal(db_record_count(f->db, person, &count, &err), 0);
	assert_int_equal(count, 54);
	assert_int_equal(db_record_page(f->db, person, 20, 0, 20, &rows, &n,
	    &err), 0);
	assert_page(rows, n, 21, 41, 30);
	db_rows_free(rows, n);
	assert_int_equal(db_record_page(f->db, person, 41, 1, 20, &rows, &n,
	    &err), 0);
	assert_page(rows, n, 20, 40, 30);
	db_rows_free(rows, n);
	assert_null(err);
}

static const char *
rec_get(void *ctx, size_t i)
{
	return record_get(ctx, i);
}

static void
test_title(void **state)
{
	struct fx *f = *state;
	const struct sch_record *person, *visit;
	struct record *r, *v;
	struct db_row *rows = NULL;
	size_t n = 0;
	char *t, *err = NULL;

	create_v1(f);
	person = rec(f->s, "person");
	visit = rec(f->s, "visit");
	r = record_new(person);
	record_set_by_name(r, "name", "Siti");
	record_set_by_name(r, "age", "42");
	t = record_title(person, rec_get, r);
	assert_string_equal(t, "Siti (42)");
	free(t);
	record_set_by_name(r, "age", NULL);
	t = record_title(person, rec_get, r);
	assert_string_equal(t, "Siti ()");
	free(t);
	record_set_by_name(r, "name", NULL);
	record_set_by_name(r, "age", "7");
	t = record_title(person, rec_get, r);
	assert_string_equal(t, "(7)");
	free(t);

	/* no template: the first field */
	v = record_new(visit);
	t = record_title(visit, rec_get, v);
	assert_string_equal(t, "");
	free(t);
	record_set(v, 0, "rumah kosong");
	t = record_title(visit, rec_get, v);
	assert_string_equal(t, "rumah kosong");
	free(t);

	/* db_record_page builds the same titles from the stored values */
	record_set_by_name(r, "name", "Budi \xe2\x80\x94 \xc3\xbc");
	record_set_by_name(r, "age", "30");
	assert_int_equal(db_record_save(f->db, r, "u", &err), 0);
	v->parent_id = r->id;
	assert_int_equal(db_record_save(f->db, v, "u", &err), 0);
	assert_int_equal(db_record_page(f->db, person, 0, 0, 10, &rows, &n,
	    &err), 0);
	assert_int_equal(n, 1);
	assert_string_equal(rows[0].title, "Budi \xe2\x80\x94 \xc3\xbc (30)");
	db_rows_free(rows, n);
	assert_int_equal(db_record_page(f->db, visit, 0, 0, 10, &rows, &n,
	    &err), 0);
	assert_int_equal(n, 1);
	assert_string_equal(rows[0].title, "rumah kosong");
	db_rows_free(rows, n);
	record_free(r);
	record_free(v);
}

/* A template with literal text and a field used twice. */
static void
test_title_template_text(void **state)
{
	struct schema *s;
	struct record *r;
	char *t;
	(void)state;
	s = tu_schema("dictionary: t\nrecords:\n  hh:\n"
	    "    title: \"KK ${kk} / ${head} / ${kk}\"\n"
	    "    fields: [{name: kk, type: text}, {name: head, type: text}]\n");
	r = record_new(&s->records[0]);
	record_set(r, 0, "3201");
	record_set(r, 1, "Ani");
	t = record_title(r->def, rec_get, r);
	assert_string_equal(t, "KK 3201 / Ani / 3201");
	free(t);
	record_free(r);
	schema_free(s);
}

/*
 * db_record_page's titles (put together from the statement's columns)
 * are record_title's of the loaded record: spaces around trimmed, a field
 * twice, a note between fields (no column), a decimal by its stored form,
 * empty fields; with no template the first field, even a note (empty).
 */
static void
test_page_title_shapes(void **state)
{
	struct fx *f = *state;
	const struct sch_record *hh, *nt;
	struct record *r, *l;
	struct db_row *rows = NULL;
	size_t n = 0, i;
	char *t, *err = NULL;
	static const char *const vals[][3] = {
		{"3201", "Ani", "1.50"},
		{NULL, " Budi\t", "2"},
		{"", NULL, NULL},
		{"  7", "x", "-0.25"},
	};
	static const char *const want[] = {
		"KK 3201 / Ani / 3201 1.5",
		"KK  /  Budi\t /  2",
		"KK  /  /",
		"KK   7 / x /   7 -0.25",
	};

	f->s = tu_schema("dictionary: t\nversion: 1\nlanguages: [id, en]\n"
	    "records:\n  hh:\n"
	    "    title: \"  KK ${kk} / ${intro}${head} / ${kk} ${w}  \"\n"
	    "    fields: [{name: kk, type: text}, {name: intro, type: note, "
	    "label: {id: Baca, en: Read}}, {name: head, type: text}, "
	    "{name: w, type: decimal}]\n"
	    "  nt:\n"
	    "    fields: [{name: intro, type: note, label: {id: Baca, en: "
	    "Read}}, {name: a, type: text}]\n");
	f->db = open_db(f->path, f->s, DB_OPEN_CREATE);
	migrate(f->db);
	hh = rec(f->s, "hh");
	nt = rec(f->s, "nt");
	for (i = 0; i < 4; i++) {
		r = record_new(hh);
		record_set_by_name(r, "kk", vals[i][0]);
		record_set_by_name(r, "head", vals[i][1]);
		record_set_by_name(r, "w", vals[i][2]);
		if (db_record_save(f->db, r, "u", &err) != 0)
			fail_msg("save: %s", err);
		record_free(r);
	}
	r = record_new(nt);
	record_set_by_name(r, "a", "tidak tampil");
	assert_int_equal(db_record_save(f->db, r, "u", &err), 0);
	record_free(r);

	for (i = 0; i < 2; i++) {
		size_t k;
		assert_int_equal(db_record_page(f->db, hh, i ? INT64_MAX : 0,
		    (int)i, 10, &rows, &n, &err), 0);
		assert_int_equal(n, 4);
		for (k = 0; k < n; k++) {
			assert_int_equal(rows[k].id, (int64_t)k + 1);
			assert_string_equal(rows[k].title, want[k]);
			assert_int_equal(db_record_load(f->db, hh, rows[k].id,
			    &l, &err), 0);
			t = record_title(hh, rec_get, l);
			assert_string_equal(rows[k].title, t);
			free(t);
			record_free(l);
		}
		db_rows_free(rows, n);
	}
	assert_int_equal(db_record_page(f->db, nt, 0, 0, 10, &rows, &n, &err),
	    0);
	assert_int_equal(n, 1);
	assert_string_equal(rows[0].title, "");
	db_rows_free(rows, n);
}

/* --- notes, accepted warnings, old files, unique fields, renames --- */

/* The first field is a note: shown on the form, no column. */
static const char dict_note[] = DICT_HEAD("1")
    "  person:\n"
    "    fields:\n"
    "      - {name: intro, type: note, label: {id: Baca, en: Read}}\n"
    "      - {name: name, type: text}\n"
    "      - {name: age, type: integer}\n";

static void
test_note_has_no_column(void **state)
{
	struct fx *f = *state;
	struct sbuf plan = {0};
	struct record *r, *l;
	struct db_row *rows = NULL;
	size_t n = 0;
	char *err = NULL;

	f->s = tu_schema(dict_note);
	f->db = open_db(f->path, f->s, DB_OPEN_CREATE);
	assert_int_equal(db_migrate(f->db, 0, &plan, &err), 0);
	assert_contains(plan.s, "create table person (2 fields)\n");
	sbuf_free(&plan);
	assert_q(f->db, "SELECT name FROM pragma_table_info('person') WHERE "
	    "cid > 10", "name\nage");
	r = record_new(rec(f->s, "person"));
	record_set_by_name(r, "intro", "not kept");
	record_set_by_name(r, "name", "Ani");
	record_set_by_name(r, "age", "7");
	assert_int_equal(db_record_save(f->db, r, "u", &err), 0);
	record_set_by_name(r, "age", "8");
	assert_int_equal(db_record_save(f->db, r, "u", &err), 0);
	l = load(f->db, r->def, r->id);
	assert_null(record_get_by_name(l, "intro"));
	assert_string_equal(record_get_by_name(l, "name"), "Ani");
	assert_string_equal(record_get_by_name(l, "age"), "8");
	/* the list works although the first field has no column */
	assert_int_equal(db_record_page(f->db, r->def, 0, 0, 10, &rows, &n,
	    &err), 0);
	assert_int_equal(n, 1);
	db_rows_free(rows, n);
	/* migrating again plans nothing: no column for the note */
	assert_int_equal(db_migrate(f->db, 0, &plan, &err), 0);
	assert_int_equal(plan.len, 0);
	sbuf_free(&plan);
	assert_null(err);
	record_free(l);
	record_free(r);
}

/*
 * In a transaction of db_begin an insert without accepted warnings skips
 * reading kesra_accept only when no row there can name the new id: a
 * stale row left for the id the insert takes is still withdrawn (and
 * audited), and one written by the transaction itself is seen.
 */
static void
test_accept_insert_in_txn(void **state)
{
	struct fx *f = *state;
	const struct sch_record *person;
	struct record *a, *b, *c;
	char *err = NULL;

	create_v1(f);
	person = rec(f->s, "person");
	a = record_new(person);
	record_set_by_name(a, "name", "Ani");
	assert_int_equal(db_record_save(f->db, a, "alice", &err), 0);
	assert_int_equal(a->id, 1);
	/* left by an old file for the id the next insert takes */
	assert_int_equal(sqlite3_exec(db_sqlite(f->db), "INSERT INTO "
	    "kesra_accept VALUES ('person', 2, 'tall', 'stale', 'x', "
	    "'2020-01-01 00:00:00')", NULL, NULL, NULL), SQLITE_OK);
	assert_int_equal(db_begin(f->db, &err), 0);
	b = record_new(person);
	record_set_by_name(b, "name", "Budi");
	assert_int_equal(db_record_save(f->db, b, "alice", &err), 0);
	assert_int_equal(b->id, 2);
	assert_q(f->db, "SELECT count(*) FROM kesra_accept WHERE record_id = 2",
	    "0");
	assert_q(f->db, "SELECT count(*) FROM kesra_audit WHERE action = "
	    "'accept' AND record_id = 2", "1");
	/* one written in the transaction stays; the next insert has none */
	record_accept(b, "tall", "measured");
	assert_int_equal(db_record_save(f->db, b, "alice", &err), 0);
	c = record_new(person);
	record_set_by_name(c, "name", "Citra");
	assert_int_equal(db_record_save(f->db, c, "alice", &err), 0);
	assert_int_equal(c->id, 3);
	assert_q(f->db, "SELECT record_id, reason FROM kesra_accept",
	    "2|measured");
	assert_int_equal(db_commit(f->db, &err), 0);
	assert_null(err);
	/* the next transaction asks again: a stale row for id 4 goes */
	assert_int_equal(sqlite3_exec(db_sqlite(f->db), "INSERT INTO "
	    "kesra_accept VALUES ('person', 4, 'tall', 'stale', 'x', "
	    "'2020-01-01 00:00:00')", NULL, NULL, NULL), SQLITE_OK);
	assert_int_equal(db_begin(f->db, &err), 0);
	record_free(c);
	c = record_new(person);
	record_set_by_name(c, "name", "Dewi");
	assert_int_equal(db_record_save(f->db, c, "alice", &err), 0);
	assert_int_equal(c->id, 4);
	assert_int_equal(db_commit(f->db, &err), 0);
	assert_q(f->db, "SELECT record_id FROM kesra_accept", "2");
	record_free(a);
	record_free(b);
	record_free(c);
}

static void
test_accepted_warnings(void **state)
{
	struct fx *f = *state;
	const struct sch_record *person;
	struct record *r, *l, *other, *v;
	char *err = NULL;

	create_v1(f);
	person = rec(f->s, "person");
	r = record_new(person);
	record_set_by_name(r, "name", "Ani");
	record_accept(r, "old_head", "widow, heads the household");
	record_accept(r, "tall", "measured twice");
	assert_int_equal(db_record_save(f->db, r, "alice", &err), 0);
	assert_q(f->db, "SELECT record, record_id, rule, reason, accepted_by, "
	    "accepted_at = updated_at FROM kesra_accept JOIN person ON "
	    "person.id = record_id ORDER BY rule",
	    "person|1|old_head|widow, heads the household|alice|1\n"
	    "person|1|tall|measured twice|alice|1");
	/* a visit with the same id keeps its own */
	v = record_new(rec(f->s, "visit"));
	v->parent_id = r->id;
	record_accept(v, "tall", "of the visit");
	assert_int_equal(db_record_save(f->db, v, "alice", &err), 0);
	assert_int_equal(v->id, 1);

	l = load(f->db, person, 1);
	assert_int_equal(l->nacc, 2);
	assert_string_equal(record_accepted(l, "old_head"),
	    "widow, heads the household");
	assert_string_equal(record_accepted(l, "tall"), "measured twice");
	record_free(v);
	v = load(f->db, rec(f->s, "visit"), 1);
	assert_int_equal(v->nacc, 1);
	assert_string_equal(record_accepted(v, "tall"), "of the visit");

	/* replaced: withdrawn, changed, added */
	record_accept(l, "tall", NULL);
	record_accept(l, "old_head", "checked with the village head");
	record_accept(l, "no_phone", "none in the house");
	assert_int_equal(db_record_save(f->db, l, "bob", &err), 0);
	assert_q(f->db, "SELECT rule, reason, accepted_by FROM kesra_accept "
	    "WHERE record = 'person' ORDER BY rule",
	    "no_phone|none in the house|bob\n"
	    "old_head|checked with the village head|bob");
	assert_q(f->db, "SELECT rule FROM kesra_accept WHERE record = 'visit'",
	    "tall");

	/* a save refused by a conflict writes no acceptance */
	other = record_copy(l);
	assert_int_equal(db_record_save(f->db, other, "carol", &err), 0);
	record_accept(l, "late", "came back");
	record_accept(l, "no_phone", NULL);
	assert_int_equal(db_record_save(f->db, l, "bob", &err), -1);
	assert_contains(err, "changed by carol");
	free(err);
	assert_q(f->db, "SELECT rule FROM kesra_accept WHERE record = 'person' "
	    "ORDER BY rule", "no_phone\nold_head");

	/* all withdrawn */
	record_free(l);
	l = load(f->db, person, 1);
	record_accept(l, "no_phone", NULL);
	record_accept(l, "old_head", NULL);
	assert_int_equal(l->nacc, 0);
	assert_int_equal(db_record_save(f->db, l, "bob", &err), 0);
	assert_q(f->db, "SELECT count(*) FROM kesra_accept WHERE record = "
	    "'person'", "0");
	record_free(l);
	record_free(r);
	record_free(v);
	record_free(other);
}

/*
 * A file made by the kesra before rosters had positions: no ord column,
 * no kesra_accept, no "layout" in kesra_meta; WAL, as kesra opens it.
 */
static void
make_old_file(const char *path, const char *hash)
{
	sqlite3 *h = tu_sql_open(path);
	char *meta;
	tu_sql_exec(h, "PRAGMA journal_mode = WAL; "
	    "PRAGMA application_id = 1262834514; PRAGMA user_version = 1; "
	    "CREATE TABLE kesra_meta (key TEXT PRIMARY KEY, value TEXT) STRICT;"
	    "CREATE TABLE \"person\" (id INTEGER PRIMARY KEY, uuid TEXT NOT "
	    "NULL UNIQUE, parent_id INTEGER, status TEXT NOT NULL DEFAULT "
	    "'draft', rev INTEGER NOT NULL DEFAULT 1, created_at TEXT NOT NULL, "
	    "created_by TEXT, updated_at TEXT, updated_by TEXT, deleted_at "
	    "TEXT, \"name\" TEXT, \"age\" INTEGER, \"height\" REAL, \"born\" "
	    "TEXT, \"married\" INTEGER, \"sex\" INTEGER, \"old_note\" TEXT) "
	    "STRICT;"
	    "CREATE TABLE \"visit\" (id INTEGER PRIMARY KEY, uuid TEXT NOT NULL "
	    "UNIQUE, parent_id INTEGER REFERENCES \"person\" (id), status TEXT "
	    "NOT NULL DEFAULT 'draft', rev INTEGER NOT NULL DEFAULT 1, "
	    "created_at TEXT NOT NULL, created_by TEXT, updated_at TEXT, "
	    "updated_by TEXT, deleted_at TEXT, \"note\" TEXT) STRICT;"
	    "CREATE INDEX \"visit_parent\" ON \"visit\" (parent_id);"
	    "INSERT INTO person (id, uuid, created_at, name, age) VALUES "
	    "(1, 'u1', '2024-01-01', 'Ani', 30), (2, 'u2', '2024-01-01', "
	    "'Budi', 40);"
	    "INSERT INTO visit (id, uuid, parent_id, created_at, note, "
	    "deleted_at) VALUES (1, 'v1', 1, 'x', 'first', NULL), "
	    "(2, 'v2', 2, 'x', 'budi', NULL), (3, 'v3', 1, 'x', 'second', NULL), "
	    "(4, 'v4', 1, 'x', 'gone', 'y'), (5, 'v5', 1, 'x', 'third', NULL);");
	meta = xasprintf("INSERT INTO kesra_meta VALUES ('dictionary', "
	    "'testdict'), ('version', '1'), ('hash', '%s'), ('created_at', "
	    "'2024-01-01 00:00:00')", hash);
	tu_sql_exec(h, meta);
	free(meta);
	sqlite3_close(h);
}

static void
test_old_file_gains_ord(void **state)
{
	struct fx *f = *state;
	struct sbuf plan = {0};
	struct record **rows = NULL;
	struct record *p;
	size_t n = 0, len = 0;
	char *err = NULL, *before;
	static const char want[] =
	    "create table kesra_accept (accepted warnings)\n"
	    "rebuild table person (uuid without its full index)\n"
	    "add column person.ord INTEGER (kesra system column)\n"
	    "rebuild table visit (uuid without its full index)\n"
	    "add column visit.ord INTEGER (kesra system column)\n"
	    "create table kesra_user (users and roles)\n"
	    "create table kesra_audit (audit trail, append-only)\n"
	    "create table kesra_draft (forms kept when a terminal went "
	    "away)\n";

	f->s = tu_schema(dict_v1);
	make_old_file(f->path, f->s->hash);
	before = tu_read_file(f->path, &len);

	/* same dictionary, older layout: not current */
	f->db = open_db(f->path, f->s, 0);
	assert_false(db_is_current(f->db));
	assert_int_equal(db_migrate(f->db, 1, &plan, &err), 0);
	assert_string_equal(plan.s, want);
	sbuf_free(&plan);
	db_close(f->db);
	f->db = NULL;
	tu_assert_file_is(f->path, before, len);

	f->db = open_db(f->path, f->s, 0);
	assert_int_equal(db_migrate(f->db, 0, &plan, &err), 0);
	assert_null(err);
	assert_string_equal(plan.s, want);
	sbuf_free(&plan);
	assert_true(db_is_current(f->db));
	assert_q(f->db, "SELECT type FROM pragma_table_info('visit') WHERE "
	    "name = 'ord'", "INTEGER");
	/* layout 3 -> 4: the tables rebuilt without the full uuid index
	 * (same rows, ids and foreign key), the compact index and the
	 * uniqueness triggers made, the roster's parent index made again,
	 * foreign keys on again */
	assert_q(f->db, "SELECT name FROM sqlite_schema WHERE tbl_name IN "
	    "('person', 'visit') AND type IN ('index', 'trigger') AND name "
	    "NOT LIKE '%_live' AND name NOT LIKE '%_count' ORDER BY name",
	    "person_count_ad\nperson_count_ai\nperson_count_au\n"
	    "person_uuid\nperson_uuid_ai\nperson_uuid_au\nvisit_parent\n"
	    "visit_uuid\nvisit_uuid_ai\nvisit_uuid_au");
	assert_q(f->db, "SELECT count(*) FROM sqlite_schema WHERE sql LIKE "
	    "'%UNIQUE%' AND name IN ('person', 'visit')", "0");
	assert_q(f->db, "SELECT \"table\", \"from\", \"to\" FROM "
	    "pragma_foreign_key_list('visit')", "person|parent_id|id");
	assert_q(f->db, "PRAGMA foreign_key_check", "");
	assert_q(f->db, "PRAGMA integrity_check", "ok");
	assert_int_equal(tu_sql_int(db_sqlite(f->db), "PRAGMA foreign_keys"),
	    1);
	assert_q(f->db, "SELECT id, uuid FROM visit ORDER BY id",
	    "1|v1\n2|v2\n3|v3\n4|v4\n5|v5");
	assert_int_equal(sqlite3_exec(db_sqlite(f->db), "INSERT INTO visit "
	    "(uuid, parent_id, created_at) VALUES ('v3', 2, 'x')", NULL, NULL,
	    NULL), SQLITE_CONSTRAINT_TRIGGER);
	assert_int_equal(sqlite3_exec(db_sqlite(f->db), "INSERT INTO visit "
	    "(uuid, parent_id, created_at) VALUES ('v9', 7, 'x')", NULL, NULL,
	    NULL), SQLITE_CONSTRAINT_FOREIGNKEY); /* no person 7 */
	/* the rows are kept; roster rows numbered in id order per parent */
	assert_q(f->db, "SELECT id, name, age, ord FROM person ORDER BY id",
	    "1|Ani|30|NULL\n2|Budi|40|NULL");
	assert_q(f->db, "SELECT id, parent_id, note, ord FROM visit WHERE "
	    "deleted_at IS NULL ORDER BY id",
	    "1|1|first|0\n2|2|budi|0\n3|1|second|1\n5|1|third|2");
	assert_int_equal(db_children_load(f->db, rec(f->s, "visit"), 1, &rows,
	    &n, &err), 0);
	assert_int_equal(n, 3);
	assert_string_equal(record_get(rows[0], 0), "first");
	assert_string_equal(record_get(rows[1], 0), "second");
	assert_string_equal(record_get(rows[2], 0), "third");
	assert_int_equal(rows[2]->ord, 2);
	db_records_free(rows, n);

	/* and the old rows save under the new layout */
	p = load(f->db, rec(f->s, "person"), 1);
	record_accept(p, "r", "why");
	assert_int_equal(db_record_save(f->db, p, "u", &err), 0);
	assert_q(f->db, "SELECT name, rev FROM person WHERE id = 1", "Ani|2");
	assert_q(f->db, "SELECT rule, reason FROM kesra_accept", "r|why");
	record_free(p);

	/* migrating again: nothing to do */
	assert_int_equal(db_migrate(f->db, 0, &plan, &err), 0);
	assert_int_equal(plan.len, 0);
	sbuf_free(&plan);
	free(before);
}

/* A table kesra did not make cannot be brought to the layout. */
static void
test_old_file_without_uuid_refused(void **state)
{
	struct fx *f = *state;
	char *err = NULL, *sql;
	sqlite3 *h;

	f->s = tu_schema(dict_v1);
	h = tu_sql_open(f->path);
	sql = xasprintf("PRAGMA application_id = 1262834514; "
	    "CREATE TABLE kesra_meta (key TEXT PRIMARY KEY, value TEXT) STRICT;"
	    "INSERT INTO kesra_meta VALUES ('dictionary', 'testdict'), "
	    "('hash', '%s'); CREATE TABLE person (id INTEGER PRIMARY KEY, "
	    "name TEXT)", f->s->hash);
	tu_sql_exec(h, sql);
	free(sql);
	sqlite3_close(h);
	f->db = open_db(f->path, f->s, 0);
	assert_int_equal(db_migrate(f->db, 0, NULL, &err), -1);
	assert_contains(err, "table person has no column uuid: it was not made "
	    "by kesra");
	free(err);
	assert_q(f->db, "SELECT count(*) FROM sqlite_schema WHERE name IN "
	    "('kesra_accept', 'visit')", "0");
}

#define UNIQ_PERSON(version, uniq) DICT_HEAD(version) \
    "  person:\n" \
    "    fields:\n" \
    "      - {name: name, type: text}\n" \
    "      - {name: nik, type: nik" uniq "}\n" \
    "      - {name: age, type: integer}\n" \
    VISIT

static const char dict_u1[] = UNIQ_PERSON("1", "");
static const char dict_u2[] = UNIQ_PERSON("2", ", unique: true");
static const char dict_u3[] = UNIQ_PERSON("3", "");

static int64_t
add_nik(struct db *db, const struct schema *s, const char *name,
    const char *nik)
{
	struct record *r = record_new(rec(s, "person"));
	char *err = NULL;
	int64_t id;
	record_set_by_name(r, "name", name);
	record_set_by_name(r, "nik", nik);
	if (db_record_save(db, r, "u", &err) != 0)
		fail_msg("save %s: %s", name, err);
	id = r->id;
	record_free(r);
	return id;
}

static void
test_unique_field(void **state)
{
	struct fx *f = *state;
	const struct sch_record *person;
	struct sbuf plan = {0};
	struct record *d, *b;
	int64_t other = -1;
	size_t nik;
	char *err = NULL, *sql, *qp;

	f->s = tu_schema(dict_u2);
	f->db = open_db(f->path, f->s, DB_OPEN_CREATE);
	assert_int_equal(db_migrate(f->db, 0, &plan, &err), 0);
	assert_contains(plan.s, "create table person (3 fields)\n"
	    "add unique index on person.nik\n");
	sbuf_free(&plan);
	sql = q_text(f->db, "SELECT sql FROM sqlite_schema WHERE name = "
	    "'person_nik_unique' AND tbl_name = 'person'");
	assert_string_equal(sql, "CREATE UNIQUE INDEX \"person_nik_unique\" "
	    "ON \"person\" (\"nik\") WHERE deleted_at IS NULL AND \"nik\" IS "
	    "NOT NULL");
	free(sql);
	person = rec(f->s, "person");
	nik = (size_t)schema_field_index(person, "nik");

	assert_int_equal(add_nik(f->db, f->s, "A", "3201010101800001"), 1);
	assert_int_equal(add_nik(f->db, f->s, "B", NULL), 2);
	assert_int_equal(add_nik(f->db, f->s, "C", NULL), 3); /* NULLs may repeat */

	/* a duplicate is refused on save, naming the field */
	d = record_new(person);
	record_set_by_name(d, "name", "D");
	record_set_by_name(d, "nik", "3201010101800001");
	assert_int_equal(db_record_save(f->db, d, "u", &err), -1);
	assert_string_equal(err, "field 'nik' of person is unique: person 1 "
	    "already has the value '3201010101800001'");
	assert_int_equal(d->id, 0);
	assert_string_equal(d->uuid, "");
	assert_q(f->db, "SELECT count(*) FROM person", "3");

	/* db_find_duplicate: the other id; not the record itself; nothing
	 * for an empty value */
	assert_int_equal(db_find_duplicate(f->db, person, nik,
	    "3201010101800001", 0, &other, &err), 1);
	assert_int_equal(other, 1);
	assert_int_equal(db_find_duplicate(f->db, person, nik,
	    "3201010101800001", 1, &other, &err), 0);
	assert_int_equal(other, 0);
	assert_int_equal(db_find_duplicate(f->db, person, nik,
	    "3201010101800009", 0, &other, &err), 0);
	assert_int_equal(db_find_duplicate(f->db, person, nik, NULL, 0, &other,
	    &err), 0);
	assert_int_equal(db_find_duplicate(f->db, person, nik, "", 0, &other,
	    &err), 0);
	assert_int_equal(db_find_duplicate(f->db, person, 99, "x", 0, &other,
	    &err), -1);
	assert_contains(err, "has no column");
	free(err);
	err = NULL;
	/* its query is the index's: SQLite answers it from the index */
	qp = tu_sql_rows(db_sqlite(f->db), "EXPLAIN QUERY PLAN SELECT id FROM "
	    "\"person\" WHERE \"nik\" = '1' AND deleted_at IS NULL AND \"nik\" "
	    "IS NOT NULL AND id <> 0 ORDER BY id LIMIT 1");
	assert_contains(qp, "person_nik_unique");
	free(qp);

	/* a deleted record's value is free again */
	tu_sql_exec(db_sqlite(f->db), "UPDATE person SET deleted_at = "
	    "'2024-01-01 00:00:00' WHERE id = 1");
	assert_int_equal(db_find_duplicate(f->db, person, nik,
	    "3201010101800001", 0, &other, &err), 0);
	assert_int_equal(db_record_save(f->db, d, "u", &err), 0);
	assert_int_equal(d->id, 4);
	assert_int_equal(db_find_duplicate(f->db, person, nik,
	    "3201010101800001", 0, &other, &err), 1);
	assert_int_equal(other, 4);

	/* an update to a taken value is refused too */
	b = load(f->db, person, 2);
	record_set_by_name(b, "nik", "3201010101800001");
	assert_int_equal(db_record_save(f->db, b, "u", &err), -1);
	assert_string_equal(err, "field 'nik' of person is unique: person 4 "
	    "already has the value '3201010101800001'");
	assert_int_equal(b->rev, 1);
	assert_q(f->db, "SELECT nik, rev FROM person WHERE id = 2", "NULL|1");
	free(err);
	record_free(b);
	record_free(d);
}

static void
test_unique_migration(void **state)
{
	struct fx *f = *state;
	struct schema *s2, *s3;
	struct sbuf plan = {0};
	char *err = NULL, *v;

	f->s = tu_schema(dict_u1);
	f->db = open_db(f->path, f->s, DB_OPEN_CREATE);
	migrate(f->db);
	add_nik(f->db, f->s, "A", "32\x1b[31m01");
	add_nik(f->db, f->s, "B", "32\x1b[31m01");
	add_nik(f->db, f->s, "C", "3201");
	add_nik(f->db, f->s, "D", "3202");
	tu_sql_exec(db_sqlite(f->db), "UPDATE person SET deleted_at = 'x', "
	    "nik = '3202' WHERE id = 3");
	db_close(f->db);

	/* existing duplicates refuse the index, dry run or not */
	s2 = tu_schema(dict_u2);
	f->db = open_db(f->path, s2, 0);
	assert_int_equal(db_migrate(f->db, 1, &plan, &err), -1);
	assert_string_equal(err, "field 'nik' of record 'person' cannot be "
	    "made unique: the value '32\xef\xbf\xbd[31m01' is held by 2 records "
	    "(person 1 and 2 among them); correct the duplicates first");
	sbuf_free(&plan);
	assert_int_equal(db_migrate(f->db, 0, &plan, &err), -1);
	assert_contains(err, "field 'nik'");
	assert_not_contains(err, "\x1b");
	sbuf_free(&plan);
	assert_q(f->db, "SELECT count(*) FROM sqlite_schema WHERE type = "
	    "'index' AND name = 'person_nik_unique'", "0");
	v = db_meta_get(f->db, "version");
	assert_string_equal(v, "1");
	free(v);

	/* once one is corrected (a deleted row's value does not count) */
	tu_sql_exec(db_sqlite(f->db), "UPDATE person SET nik = '3203' WHERE "
	    "id = 2");
	assert_int_equal(db_migrate(f->db, 0, &plan, &err), 0);
	assert_string_equal(plan.s, "add unique index on person.nik\n");
	sbuf_free(&plan);
	assert_q(f->db, "SELECT count(*) FROM sqlite_schema WHERE type = "
	    "'index' AND name = 'person_nik_unique'", "1");
	db_close(f->db);

	/* no longer unique: the index goes */
	s3 = tu_schema(dict_u3);
	f->db = open_db(f->path, s3, 0);
	assert_int_equal(db_migrate(f->db, 0, &plan, &err), 0);
	assert_string_equal(plan.s, "drop unique index on person.nik (no "
	    "longer unique)\n");
	sbuf_free(&plan);
	assert_q(f->db, "SELECT count(*) FROM sqlite_schema WHERE type = "
	    "'index' AND name = 'person_nik_unique'", "0");
	add_nik(f->db, s3, "E", "3201");
	db_close(f->db);
	f->db = NULL;
	free(err);
	schema_free(s2);
	schema_free(s3);
}

#define RENAME_HEAD(version) DICT_HEAD(version) \
    "  person:\n" \
    "    fields:\n"

static const char dict_r1[] = RENAME_HEAD("1")
    "      - {name: nama, type: text, unique: true}\n"
    "      - {name: umur, type: integer}\n"
    VISIT;

static const char dict_r2[] = RENAME_HEAD("2")
    "      - {name: name, type: text, unique: true, renamed_from: nama}\n"
    "      - {name: age, type: integer, renamed_from: umur}\n"
    VISIT;

/* renamed from a column that never was */
static const char dict_r_none[] = RENAME_HEAD("3")
    "      - {name: name, type: text, unique: true}\n"
    "      - {name: age, type: integer}\n"
    "      - {name: phone, type: phone, renamed_from: telepon}\n"
    VISIT;

/* renamed from a field that is still there */
static const char dict_r_still[] = RENAME_HEAD("3")
    "      - {name: name, type: text, unique: true}\n"
    "      - {name: age, type: integer}\n"
    "      - {name: full_name, type: text, renamed_from: name}\n"
    VISIT;

/* renamed, and the type changed */
static const char dict_r_type[] = RENAME_HEAD("3")
    "      - {name: name, type: text, unique: true}\n"
    "      - {name: years, type: text, renamed_from: age}\n"
    VISIT;

/* renamed_from naming a column that is gone, the new one there: ignored */
static const char dict_r_done[] = RENAME_HEAD("3")
    "      - {name: name, type: text, unique: true, renamed_from: nama}\n"
    "      - {name: age, type: integer, renamed_from: nosuch}\n"
    "      - {name: nickname, type: text}\n"
    VISIT;

/* Open path with a dictionary and migrate; -1 with *err on refusal. */
static int
try_migrate(const char *path, const char *yaml, struct sbuf *plan,
    char **err)
{
	struct schema *s = tu_schema(yaml);
	struct db *db = open_db(path, s, 0);
	int rc = db_migrate(db, 0, plan, err);
	db_close(db);
	schema_free(s);
	return rc;
}

static void
test_rename(void **state)
{
	struct fx *f = *state;
	struct schema *s2;
	struct db *db2;
	struct sbuf plan = {0};
	struct record *r;
	char *err = NULL, *cols;

	f->s = tu_schema(dict_r1);
	f->db = open_db(f->path, f->s, DB_OPEN_CREATE);
	migrate(f->db);
	r = record_new(rec(f->s, "person"));
	record_set_by_name(r, "nama", "Ani");
	record_set_by_name(r, "umur", "30");
	assert_int_equal(db_record_save(f->db, r, "u", &err), 0);
	record_free(r);
	db_close(f->db);
	f->db = NULL;

	s2 = tu_schema(dict_r2);
	db2 = open_db(f->path, s2, 0);
	assert_int_equal(db_migrate(db2, 0, &plan, &err), 0);
	assert_null(err);
	assert_string_equal(plan.s, "rename column person.nama to person.name\n"
	    "rename column person.umur to person.age\n"
	    "drop unique index on person.nama (no longer unique)\n"
	    "add unique index on person.name\n");
	sbuf_free(&plan);
	assert_q(db2, "SELECT name, type FROM pragma_table_info('person') "
	    "WHERE cid > 10", "name|TEXT\nage|INTEGER");
	assert_q(db2, "SELECT id, name, age FROM person", "1|Ani|30");
	assert_q(db2, "SELECT name FROM sqlite_schema WHERE type = 'index' AND "
	    "tbl_name = 'person' AND sql IS NOT NULL AND name NOT IN "
	    "('person_live', 'person_count', 'person_uuid')",
	    "person_name_unique");
	r = load(db2, rec(s2, "person"), 1);
	assert_string_equal(record_get_by_name(r, "name"), "Ani");
	assert_string_equal(record_get_by_name(r, "age"), "30");
	record_free(r);
	/* again: the rename is done, renamed_from is ignored */
	assert_int_equal(db_migrate(db2, 0, &plan, &err), 0);
	assert_int_equal(plan.len, 0);
	sbuf_free(&plan);
	cols = tu_sql_rows(db_sqlite(db2), "SELECT name, type FROM "
	    "pragma_table_info('person')");
	db_close(db2);
	schema_free(s2);

	/* refusals, each leaving the table as it was */
	assert_int_equal(try_migrate(f->path, dict_r_none, &plan, &err), -1);
	assert_string_equal(err, "field 'phone' of record 'person' is renamed "
	    "from 'telepon', but table person has neither column; correct "
	    "renamed_from");
	assert_int_equal(try_migrate(f->path, dict_r_still, &plan, &err), -1);
	assert_string_equal(err, "field 'full_name' of record 'person' is "
	    "renamed from 'name', which is still a field of the dictionary");
	assert_int_equal(try_migrate(f->path, dict_r_type, &plan, &err), -1);
	assert_contains(err, "field 'years' of record 'person' changed its "
	    "stored type from INTEGER to TEXT");
	sbuf_free(&plan);
	f->db = open_db(f->path, f->s, 0);
	assert_q(f->db, "SELECT name, type FROM pragma_table_info('person')",
	    cols);
	db_close(f->db);
	f->db = NULL;

	assert_int_equal(try_migrate(f->path, dict_r_done, &plan, &err), 0);
	assert_string_equal(plan.s, "add column person.nickname TEXT\n");
	sbuf_free(&plan);
	free(cols);
	free(err);
}

/* Every kind of change at once: the dry run lists all and writes nothing. */
static const char dict_all[] = DICT_HEAD("2")
    "  person:\n"
    "    fields:\n"
    "      - {name: full_name, type: text, renamed_from: name}\n"
    "      - {name: hello, type: note, label: {id: Halo, en: Hello}}\n"
    "      - {name: age, type: integer}\n"
    "      - {name: height, type: decimal}\n"
    "      - {name: born, type: date}\n"
    "      - {name: married, type: yesno}\n"
    "      - {name: sex, type: select_one, values: sex}\n"
    "      - {name: phone, type: phone, unique: true}\n"
    VISIT
    "  asset:\n"
    "    fields: [{name: tag, type: text, unique: true}]\n";

static void
test_dry_run_lists_all_writes_nothing(void **state)
{
	struct fx *f = *state;
	struct schema *s2;
	struct sbuf plan = {0}, plan2 = {0};
	char *err = NULL, *before, *wal;
	size_t len = 0;
	static const char want[] =
	    "rename column person.name to person.full_name\n"
	    "add column person.phone TEXT\n"
	    "keep column person.old_note (not in the dictionary; data kept)\n"
	    "add unique index on person.phone\n"
	    "create table asset (1 fields)\n"
	    "add unique index on asset.tag\n";

	create_v1(f);
	add_person(f->db, f->s, "Ani", "10", "u");
	add_person(f->db, f->s, "Budi", "20", "u");
	tu_sql_exec(db_sqlite(f->db), "UPDATE person SET old_note = 'lama'");
	db_close(f->db);
	f->db = NULL;
	before = tu_read_file(f->path, &len);
	wal = xasprintf("%s-wal", f->path);
	assert_false(tu_exists(wal));

	s2 = tu_schema(dict_all);
	f->db = open_db(f->path, s2, 0);
	assert_int_equal(db_migrate(f->db, 1, &plan, &err), 0);
	assert_null(err);
	assert_string_equal(plan.s, want);
	assert_false(db_is_current(f->db));
	db_close(f->db);
	f->db = NULL;
	tu_assert_file_is(f->path, before, len);

	/* the real migration does what the dry run said */
	f->db = open_db(f->path, s2, 0);
	assert_int_equal(db_migrate(f->db, 0, &plan2, &err), 0);
	assert_string_equal(plan2.s, plan.s);
	assert_true(db_is_current(f->db));
	assert_q(f->db, "SELECT full_name, age, old_note, phone FROM person "
	    "ORDER BY id", "Ani|10|lama|NULL\nBudi|20|lama|NULL");
	assert_q(f->db, "SELECT name FROM sqlite_schema WHERE type = 'index' "
	    "AND name LIKE '%unique' ORDER BY name",
	    "asset_tag_unique\nperson_phone_unique");
	db_close(f->db);
	f->db = NULL;
	sbuf_free(&plan);
	sbuf_free(&plan2);
	free(before);
	free(wal);
	schema_free(s2);
}

/*
 * Batches: saves inside db_begin/db_commit are savepoints. A failed save
 * undoes itself only; the batch keeps the others; a rollback drops all.
 */
static void
test_batch_nested_saves(void **state)
{
	struct fx *f = *state;
	const struct sch_record *person, *visit;
	struct record *p, *v[2], *stale;
	struct db_roster ro;
	char *err = NULL;
	int64_t id;

	create_v1(f);
	person = rec(f->s, "person");
	visit = rec(f->s, "visit");
	id = add_person(f->db, f->s, "Ani", "10", "op");

	assert_int_equal(db_begin(f->db, &err), 0);
	assert_null(err);
	/* a second begin inside the batch is refused */
	assert_int_equal(db_begin(f->db, &err), -1);
	assert_contains(err, "already open");
	free(err);
	err = NULL;
	/* a tree save nests: the person and its two visits */
	p = record_new(person);
	record_set_by_name(p, "name", "Budi");
	v[0] = record_new(visit);
	record_set_by_name(v[0], "note", "satu");
	v[1] = record_new(visit);
	record_set_by_name(v[1], "note", "dua");
	memset(&ro, 0, sizeof ro);
	ro.def = visit;
	ro.rows = v;
	ro.n = 2;
	if (db_tree_save(f->db, p, &ro, 1, "op", &err) != 0)
		fail_msg("tree save in a batch: %s", err);
	assert_true(p->id > 0);
	assert_true(v[1]->parent_id == p->id);
	/* a failing save (a stale revision) undoes itself only */
	stale = load(f->db, person, id);
	record_set_by_name(stale, "name", "Ani 2");
	assert_int_equal(db_record_save(f->db, stale, "op", NULL), 0);
	record_set_by_name(stale, "name", "Ani 3");
	stale->rev = 1;
	assert_int_equal(db_record_save(f->db, stale, "op", &err), -1);
	assert_contains(err, "changed by op");
	free(err);
	err = NULL;
	/* still inside the batch */
	assert_int_equal(sqlite3_get_autocommit(db_sqlite(f->db)), 0);
	assert_int_equal(db_commit(f->db, &err), 0);
	assert_int_equal(sqlite3_get_autocommit(db_sqlite(f->db)), 1);
	assert_q(f->db, "SELECT name, rev FROM person ORDER BY id",
	    "Ani 2|2\nBudi|1");
	assert_q(f->db, "SELECT p.name, v.note, v.ord FROM visit AS v JOIN "
	    "person AS p ON p.id = v.parent_id ORDER BY v.ord",
	    "Budi|satu|0\nBudi|dua|1");
	/* no savepoint is left behind */
	assert_int_equal(sqlite3_exec(db_sqlite(f->db), "RELEASE kesra_save",
	    NULL, NULL, NULL), SQLITE_ERROR);

	/* a batch rolled back leaves nothing; commit without one fails */
	assert_int_equal(db_begin(f->db, &err), 0);
	add_person(f->db, f->s, "Citra", "30", "op");
	db_rollback(f->db);
	assert_q(f->db, "SELECT count(*) FROM person", "2");
	assert_int_equal(db_commit(f->db, &err), -1);
	assert_contains(err, "no transaction");
	free(err);
	db_rollback(f->db); /* nothing open: nothing happens */

	record_free(p);
	record_free(v[0]);
	record_free(v[1]);
	record_free(stale);
}

/*
 * Saves reuse their statements: many saves prepare the insert once, and a
 * migration that adds a column makes new statements (new SQL text) while
 * the old ones keep working for nothing.
 */
static void
test_statement_cache(void **state)
{
	struct fx *f = *state;
	struct schema *s2;
	struct record *r;
	char *err = NULL;
	int i;

	create_v1(f);
	assert_int_equal(db_begin(f->db, &err), 0);
	for (i = 0; i < 500; i++)
		add_person(f->db, f->s, "Orang", "5", "op");
	assert_int_equal(db_commit(f->db, &err), 0);
	assert_q(f->db, "SELECT count(*), count(DISTINCT uuid) FROM person",
	    "500|500");
	/* statements kept by the connection: a few, not one per save */
	{
		int n = 0;
		sqlite3_stmt *st = NULL;
		while ((st = sqlite3_next_stmt(db_sqlite(f->db), st)) != NULL)
			n++;
		/* (save, accepted warnings, user look-up, audit trail) */
		assert_in_range(n, 1, 12);
	}
	/* the same connection after a migration to v2 (a new column) */
	s2 = tu_schema(dict_v2_add);
	db_close(f->db);
	f->db = open_db(f->path, s2, 0);
	migrate(f->db);
	r = record_new(rec(s2, "person"));
	record_set_by_name(r, "name", "Baru");
	record_set_by_name(r, "phone", "0812");
	if (db_record_save(f->db, r, "op", &err) != 0)
		fail_msg("save after migration: %s", err);
	assert_q(f->db, "SELECT name, phone FROM person WHERE phone IS NOT "
	    "NULL", "Baru|0812");
	record_free(r);
	db_close(f->db);
	f->db = NULL;
	schema_free(s2);
}

/*
 * uuids: unique without a UNIQUE index (db_uuid.c's triggers refuse a uuid
 * another row holds, on insert and on update, also from plain SQL), and a
 * look-up by uuid walks the compact index.
 */
static void
test_uuid_unique_compact(void **state)
{
	struct fx *f = *state;
	sqlite3 *h;
	sqlite3_stmt *st;
	char *u1, *sql, *plan = NULL;
	int64_t a, b;

	create_v1(f);
	h = db_sqlite(f->db);
	a = add_person(f->db, f->s, "Ani", "30", "u");
	b = add_person(f->db, f->s, "Budi", "40", "u");
	assert_q(f->db, "SELECT count(*) FROM sqlite_schema WHERE name LIKE "
	    "'sqlite_autoindex_person%'", "0");
	u1 = q_text(f->db, "SELECT uuid FROM person WHERE id = 1");
	assert_int_equal(strlen(u1), 36);

	/* insert of a held uuid, from plain SQL */
	sql = sqlite3_mprintf("INSERT INTO person (uuid, created_at) VALUES "
	    "(%Q, 'x')", u1);
	assert_int_equal(sqlite3_exec(h, sql, NULL, NULL, NULL),
	    SQLITE_CONSTRAINT_TRIGGER);
	assert_string_equal(sqlite3_errmsg(h),
	    "UNIQUE constraint failed: person.uuid");
	sqlite3_free(sql);
	/* the same first 8 characters, another uuid: accepted */
	sql = sqlite3_mprintf("INSERT INTO person (uuid, created_at) VALUES "
	    "(substr(%Q, 1, 8) || '-0000-4000-8000-000000000000', 'x')", u1);
	assert_int_equal(sqlite3_exec(h, sql, NULL, NULL, NULL), SQLITE_OK);
	sqlite3_free(sql);
	/* update to a held uuid refused; to its own uuid, fine */
	sql = sqlite3_mprintf("UPDATE person SET uuid = %Q WHERE id = %lld",
	    u1, (long long)b);
	assert_int_equal(sqlite3_exec(h, sql, NULL, NULL, NULL),
	    SQLITE_CONSTRAINT_TRIGGER);
	sqlite3_free(sql);
	sql = sqlite3_mprintf("UPDATE person SET uuid = %Q, rev = rev WHERE "
	    "id = %lld", u1, (long long)a);
	assert_int_equal(sqlite3_exec(h, sql, NULL, NULL, NULL), SQLITE_OK);
	sqlite3_free(sql);
	assert_q(f->db, "SELECT count(*) FROM person", "3");

	/* the look-up finds the row through the index "person_uuid" */
	sql = sqlite3_mprintf("SELECT id FROM person WHERE %s",
	    db_uuid_where());
	assert_int_equal(sqlite3_prepare_v2(h, sql, -1, &st, NULL), SQLITE_OK);
	sqlite3_bind_text(st, 1, u1, -1, SQLITE_STATIC);
	assert_int_equal(sqlite3_step(st), SQLITE_ROW);
	assert_int_equal(sqlite3_column_int64(st, 0), a);
	assert_int_equal(sqlite3_step(st), SQLITE_DONE);
	sqlite3_finalize(st);
	sqlite3_free(sql);
	sql = sqlite3_mprintf("EXPLAIN QUERY PLAN SELECT id FROM person "
	    "WHERE %s", db_uuid_where());
	plan = tu_sql_rows(h, sql);
	sqlite3_free(sql);
	assert_contains(plan, "USING INDEX person_uuid");
	free(plan);
	free(u1);
}

/* db_record_count agrees with a count of the live rows. */
static void
count_is_right(struct fx *f, const struct sch_record *person)
{
	int64_t n = -1;
	char *err = NULL;
	assert_int_equal(db_record_count(f->db, person, &n, &err), 0);
	assert_null(err);
	assert_int_equal(n, tu_sql_int(db_sqlite(f->db), "SELECT count(*) "
	    "FROM person WHERE deleted_at IS NULL"));
}

/*
 * The live count of a top-level record kept in kesra_count by triggers
 * (db_search.c): right after saves, soft deletes and restores, hard
 * deletes, other updates, writes by plain SQL (as the sqlite3 shell);
 * a missing or impossible row is counted instead; dropped triggers make
 * the file not current, and the migration makes them and counts again.
 */
static void
test_live_count_kept(void **state)
{
	struct fx *f = *state;
	const struct sch_record *person;
	sqlite3 *h;
	struct sbuf plan = {0};
	char *err = NULL, name[16];
	int64_t n;
	int i;

	create_v1(f);
	person = rec(f->s, "person");
	h = db_sqlite(f->db);
	count_is_right(f, person);
	assert_q(f->db, "SELECT live FROM kesra_count WHERE record = 'person'",
	    "0");
	for (i = 1; i <= 12; i++) {
		snprintf(name, sizeof name, "C%02d", i);
		add_person(f->db, f->s, name, "40", "u");
	}
	assert_q(f->db, "SELECT live FROM kesra_count WHERE record = 'person'",
	    "12");
	count_is_right(f, person);
	/* soft delete, again (no change), restore, other columns */
	tu_sql_exec(h, "UPDATE person SET deleted_at = 'x' WHERE id IN (2, 3)");
	tu_sql_exec(h, "UPDATE person SET deleted_at = 'y' WHERE id = 2");
	assert_q(f->db, "SELECT live FROM kesra_count WHERE record = 'person'",
	    "10");
	count_is_right(f, person);
	tu_sql_exec(h, "UPDATE person SET deleted_at = NULL WHERE id = 3");
	tu_sql_exec(h, "UPDATE person SET name = 'Z', rev = rev + 1");
	count_is_right(f, person);
	/* hard deletes: a deleted row, a live row */
	tu_sql_exec(h, "DELETE FROM person WHERE id IN (2, 4)");
	assert_q(f->db, "SELECT live FROM kesra_count WHERE record = 'person'",
	    "10");
	count_is_right(f, person);
	/* a row inserted already deleted does not count */
	tu_sql_exec(h, "INSERT INTO person (uuid, created_at, name, deleted_at) "
	    "VALUES ('00000000-0000-4000-8000-00000000beef', 'now', 'D', 'x')");
	count_is_right(f, person);
	/* the row gone or impossible: counted */
	tu_sql_exec(h, "DELETE FROM kesra_count");
	count_is_right(f, person);
	tu_sql_exec(h, "INSERT INTO kesra_count VALUES ('person', -5)");
	count_is_right(f, person);
	tu_sql_exec(h, "DROP TABLE kesra_count");
	count_is_right(f, person);
	assert_false(db_is_current(f->db));
	/* made again by the migration, counted again */
	assert_int_equal(db_migrate(f->db, 0, &plan, &err), 0);
	sbuf_free(&plan);
	assert_true(db_is_current(f->db));
	assert_q(f->db, "SELECT live FROM kesra_count WHERE record = 'person'",
	    "10");
	/* a trigger dropped (the shell): not current; the migration makes it
	 * and counts again what was missed meanwhile */
	tu_sql_exec(h, "DROP TRIGGER person_count_ai");
	assert_false(db_is_current(f->db));
	add_person(f->db, f->s, "Late", "30", "u");
	assert_q(f->db, "SELECT live FROM kesra_count WHERE record = 'person'",
	    "10");
	assert_int_equal(db_migrate(f->db, 0, &plan, &err), 0);
	sbuf_free(&plan);
	assert_true(db_is_current(f->db));
	assert_q(f->db, "SELECT live FROM kesra_count WHERE record = 'person'",
	    "11");
	count_is_right(f, person);
	assert_int_equal(db_record_count(f->db, person, &n, &err), 0);
	assert_int_equal(n, 11);
	/* a roster has no count row (its counts are per parent) */
	assert_q(f->db, "SELECT count(*) FROM kesra_count WHERE record = "
	    "'visit'", "0");
}

int
main(void)
{
#define T(fn) cmocka_unit_test_setup_teardown(fn, setup, teardown)
	const struct CMUnitTest tests[] = {
		T(test_create_new),
		T(test_uuid_unique_compact),
		T(test_dry_run_writes_nothing),
		T(test_open_absent_and_folder),
		T(test_record_round_trip),
		T(test_uuids_differ),
		T(test_load_missing_or_deleted),
		T(test_load_values_block),
		T(test_migrate_adds_field),
		T(test_migrate_type_change_refused),
		T(test_migrate_removed_field_kept),
		T(test_migrate_to_older_version_refused),
		T(test_other_dictionary_refused),
		T(test_not_sqlite_refused),
		T(test_foreign_sqlite_refused),
		T(test_newer_storage_refused),
		T(test_readonly),
		T(test_conflict),
		T(test_locked),
		T(test_pagination),
		T(test_title),
		cmocka_unit_test(test_title_template_text),
		T(test_page_title_shapes),
		T(test_note_has_no_column),
		T(test_accepted_warnings),
		T(test_accept_insert_in_txn),
		T(test_old_file_gains_ord),
		T(test_old_file_without_uuid_refused),
		T(test_unique_field),
		T(test_unique_migration),
		T(test_rename),
		T(test_dry_run_lists_all_writes_nothing),
		T(test_batch_nested_saves),
		T(test_statement_cache),
		T(test_live_count_kept),
	};
#undef T
	return cmocka_run_group_tests(tests, NULL, NULL);
}
