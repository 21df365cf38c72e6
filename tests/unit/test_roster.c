/*
 * test_roster: a record with its rosters on real SQLite files in a
 * temporary folder. db_tree_save (new root, rows in order, reorder and
 * delete, conflicts that roll back the whole tree and leave the structs as
 * they were, rows of another parent), db_children_load, accepted warnings
 * of roster rows and unique fields inside one save.
 */
#include "testutil.h"

#include "db.h"
#include "record.h"

static const char dict[] =
    "dictionary: rosterdict\n"
    "version: 1\n"
    "languages: [id, en]\n"
    "records:\n"
    "  household:\n"
    "    fields:\n"
    "      - {name: kk, type: kk, unique: true}\n"
    "      - {name: address, type: text}\n"
    "  member:\n"
    "    parent: household\n"
    "    fields:\n"
    "      - {name: nik, type: nik, unique: true}\n"
    "      - {name: info, type: note, label: {id: Catatan, en: Note}}\n"
    "      - {name: name, type: text}\n"
    "      - {name: age, type: integer}\n"
    "  asset:\n"
    "    fields: [{name: kind, type: text}]\n";

struct fx {
	char *dir, *path;
	struct schema *s;
	struct db *db;
	const struct sch_record *hh, *mem;
};

static int
setup(void **state)
{
	struct fx *f = xcalloc(1, sizeof *f);
	char *err = NULL;
	f->dir = tu_mkdtemp();
	f->path = tu_path(f->dir, "r.db");
	f->s = tu_schema(dict);
	if (db_open(&f->db, f->path, f->s, DB_OPEN_CREATE, &err) != 0 ||
	    db_migrate(f->db, 0, NULL, &err) != 0)
		fail_msg("open: %s", err);
	f->hh = schema_record(f->s, "household");
	f->mem = schema_record(f->s, "member");
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
	return 0;
}

static void
assert_q(struct db *db, const char *sql, const char *want)
{
	char *got = tu_sql_rows(db_sqlite(db), sql);
	if (strcmp(got, want) != 0)
		fail_msg("%s\n--- got:\n%s\n--- expected:\n%s", sql, got, want);
	free(got);
}

static struct record *
member(const struct fx *f, const char *nik, const char *name)
{
	struct record *r = record_new(f->mem);
	record_set_by_name(r, "nik", nik);
	record_set_by_name(r, "name", name);
	return r;
}

/* A household with members Ani, Budi, Citra (one roster). */
struct tree {
	struct record *root;
	struct record **rows;
	size_t n;
	int64_t *deleted;
	size_t ndeleted;
};

static void
tree_free(struct tree *t)
{
	record_free(t->root);
	db_records_free(t->rows, t->n);
	free(t->deleted);
	memset(t, 0, sizeof *t);
}

static int
tree_save(struct fx *f, struct tree *t, const char *user, char **err)
{
	struct db_roster ro = {f->mem, t->rows, t->n, t->deleted, t->ndeleted};
	return db_tree_save(f->db, t->root, &ro, 1, user, err);
}

static void
new_tree(struct fx *f, struct tree *t)
{
	memset(t, 0, sizeof *t);
	t->root = record_new(f->hh);
	record_set_by_name(t->root, "kk", "3201010101010001");
	record_set_by_name(t->root, "address", "Jl. Mawar 1");
	t->n = 3;
	t->rows = xcalloc(t->n, sizeof *t->rows);
	t->rows[0] = member(f, "3201010101800001", "Ani");
	t->rows[1] = member(f, "3201010101800002", "Budi");
	t->rows[2] = member(f, "3201010101800003", "Citra");
}

/* The tree of household id as stored now. */
static void
load_tree(struct fx *f, int64_t id, struct tree *t)
{
	char *err = NULL;
	memset(t, 0, sizeof *t);
	if (db_record_load(f->db, f->hh, id, &t->root, &err) != 0 ||
	    db_children_load(f->db, f->mem, id, &t->rows, &t->n, &err) != 0)
		fail_msg("load tree %lld: %s", (long long)id, err);
}

static void
saved_tree(struct fx *f, struct tree *t)
{
	char *err = NULL;
	new_tree(f, t);
	if (tree_save(f, t, "alice", &err) != 0)
		fail_msg("tree save: %s", err);
}

static void
test_tree_save_and_reload(void **state)
{
	struct fx *f = *state;
	struct tree t, l;
	char *err = NULL;
	size_t i;

	new_tree(f, &t);
	assert_int_equal(tree_save(f, &t, "alice", &err), 0);
	assert_null(err);
	assert_int_equal(t.root->id, 1);
	assert_int_equal(t.root->rev, 1);
	assert_int_equal(strlen(t.root->uuid), 36);
	assert_string_equal(t.root->updated_by, "alice");
	for (i = 0; i < 3; i++) {
		assert_int_equal(t.rows[i]->id, (int64_t)i + 1);
		assert_int_equal(t.rows[i]->parent_id, 1);
		assert_int_equal(t.rows[i]->ord, (int64_t)i);
		assert_int_equal(t.rows[i]->rev, 1);
		assert_int_equal(strlen(t.rows[i]->uuid), 36);
		assert_string_equal(t.rows[i]->updated_by, "alice");
	}
	assert_string_not_equal(t.rows[0]->uuid, t.rows[1]->uuid);
	assert_q(f->db, "SELECT id, parent_id, ord, nik, name, rev, created_by, "
	    "deleted_at FROM member ORDER BY id",
	    "1|1|0|3201010101800001|Ani|1|alice|NULL\n"
	    "2|1|1|3201010101800002|Budi|1|alice|NULL\n"
	    "3|1|2|3201010101800003|Citra|1|alice|NULL");
	assert_q(f->db, "SELECT id, kk, ord, parent_id FROM household",
	    "1|3201010101010001|NULL|NULL");

	/* reloaded in order, with parent and position */
	load_tree(f, 1, &l);
	assert_int_equal(l.n, 3);
	assert_string_equal(record_get_by_name(l.rows[0], "name"), "Ani");
	assert_string_equal(record_get_by_name(l.rows[1], "name"), "Budi");
	assert_string_equal(record_get_by_name(l.rows[2], "name"), "Citra");
	for (i = 0; i < 3; i++) {
		assert_int_equal(l.rows[i]->parent_id, 1);
		assert_int_equal(l.rows[i]->ord, (int64_t)i);
		assert_string_equal(l.rows[i]->uuid, t.rows[i]->uuid);
		assert_true(record_values_equal(l.rows[i], t.rows[i]));
	}
	assert_string_equal(record_get_by_name(l.root, "address"),
	    "Jl. Mawar 1");

	/* a household without members loads an empty roster */
	{
		struct record **rows = (struct record **)1;
		size_t n = 99;
		assert_int_equal(db_children_load(f->db, f->mem, 42, &rows, &n,
		    &err), 0);
		assert_null(rows);
		assert_int_equal(n, 0);
		db_records_free(rows, n);
	}
	/* only rosters have children */
	{
		struct record **rows = NULL;
		size_t n = 0;
		assert_int_equal(db_children_load(f->db, f->hh, 1, &rows, &n,
		    &err), -1);
		assert_contains(err, "household is not a roster");
		free(err);
	}
	tree_free(&l);
	tree_free(&t);
}

static void
test_reorder_and_delete(void **state)
{
	struct fx *f = *state;
	struct tree t, l, other;
	struct record *tmp;
	char *err = NULL;

	saved_tree(f, &t);
	tree_free(&t);
	/* another household, whose member must not be touched */
	new_tree(f, &other);
	record_set_by_name(other.root, "kk", "3201010101010002");
	record_set_by_name(other.rows[0], "nik", "3201010101800011");
	record_set_by_name(other.rows[1], "nik", "3201010101800012");
	record_set_by_name(other.rows[2], "nik", "3201010101800013");
	assert_int_equal(tree_save(f, &other, "alice", &err), 0);
	assert_int_equal(other.rows[0]->id, 4);

	load_tree(f, 1, &l);
	/* Citra first, Ani second; Budi (id 2) removed; also "remove" a
	 * member of the other household: ignored */
	tmp = l.rows[1];
	l.rows[1] = l.rows[0];
	l.rows[0] = l.rows[2];
	l.n = 2;
	l.deleted = xcalloc(2, sizeof *l.deleted);
	l.deleted[0] = tmp->id;
	l.deleted[1] = 4;
	l.ndeleted = 2;
	record_free(tmp);
	record_set_by_name(l.rows[1], "age", "31");
	assert_int_equal(tree_save(f, &l, "bob", &err), 0);
	assert_null(err);
	assert_int_equal(l.root->rev, 2);
	assert_int_equal(l.rows[0]->id, 3);
	assert_int_equal(l.rows[0]->ord, 0);
	assert_int_equal(l.rows[0]->rev, 2);
	assert_int_equal(l.rows[1]->id, 1);
	assert_int_equal(l.rows[1]->ord, 1);
	assert_int_equal(l.rows[1]->rev, 2);

	assert_q(f->db, "SELECT id, ord, rev, name, age, updated_by, "
	    "deleted_at IS NOT NULL FROM member WHERE parent_id = 1 ORDER BY id",
	    "1|1|2|Ani|31|bob|0\n2|1|2|Budi|NULL|bob|1\n3|0|2|Citra|NULL|bob|0");
	assert_q(f->db, "SELECT count(*) FROM member WHERE deleted_at = "
	    "updated_at AND id = 2", "1");
	assert_q(f->db, "SELECT id, rev, deleted_at FROM member WHERE "
	    "parent_id = 2 ORDER BY id", "4|1|NULL\n5|1|NULL\n6|1|NULL");
	assert_q(f->db, "SELECT rev, updated_by FROM household WHERE id = 1",
	    "2|bob");
	tree_free(&l);

	/* reloaded: two members in the new order */
	load_tree(f, 1, &l);
	assert_int_equal(l.n, 2);
	assert_string_equal(record_get_by_name(l.rows[0], "name"), "Citra");
	assert_string_equal(record_get_by_name(l.rows[1], "name"), "Ani");
	assert_int_equal(l.rows[1]->rev, 2);

	/* deleting again an id already deleted changes nothing */
	l.deleted = xcalloc(1, sizeof *l.deleted);
	l.deleted[0] = 2;
	l.ndeleted = 1;
	assert_int_equal(tree_save(f, &l, "bob", &err), 0);
	assert_q(f->db, "SELECT rev FROM member WHERE id = 2", "2");
	tree_free(&l);
	tree_free(&other);
}

/* Everything about a record that a failed save must not change. */
struct snap {
	int64_t id, rev, parent_id, ord;
	char uuid[37];
};

static void
snap_take(struct snap *s, const struct record *r)
{
	s->id = r->id;
	s->rev = r->rev;
	s->parent_id = r->parent_id;
	s->ord = r->ord;
	memcpy(s->uuid, r->uuid, sizeof s->uuid);
}

static void
snap_check(const struct snap *s, const struct record *r)
{
	assert_int_equal(r->id, s->id);
	assert_int_equal(r->rev, s->rev);
	assert_int_equal(r->parent_id, s->parent_id);
	assert_int_equal(r->ord, s->ord);
	assert_string_equal(r->uuid, s->uuid);
}

static void
test_conflict_rolls_back_tree(void **state)
{
	struct fx *f = *state;
	struct tree t, l;
	struct record *b;
	struct snap sn[5];
	char *err = NULL, *before_hh, *before_mem, *msg;
	size_t i;

	saved_tree(f, &t);
	tree_free(&t);
	load_tree(f, 1, &l);

	/* another operator saves member Budi in between */
	b = record_copy(l.rows[1]);
	record_set_by_name(b, "age", "40");
	assert_int_equal(db_record_save(f->db, b, "carol", &err), 0);
	assert_int_equal(b->rev, 2);

	before_hh = tu_sql_rows(db_sqlite(f->db), "SELECT * FROM household");
	before_mem = tu_sql_rows(db_sqlite(f->db), "SELECT * FROM member");

	/* our save: a change of the root, a new member, a reorder, an
	 * acceptance: all refused because Budi changed */
	record_set_by_name(l.root, "address", "Jl. Melati 2");
	record_accept(l.root, "rule1", "checked");
	l.rows = xreallocarray(l.rows, 4, sizeof *l.rows);
	l.rows[3] = member(f, "3201010101800004", "Dewi");
	l.n = 4;
	{
		struct record *x = l.rows[0];
		l.rows[0] = l.rows[2];
		l.rows[2] = x;
	}
	snap_take(&sn[0], l.root);
	for (i = 0; i < 4; i++)
		snap_take(&sn[i + 1], l.rows[i]);
	assert_int_equal(tree_save(f, &l, "bob", &err), -1);
	msg = xasprintf("changed by carol at %s; reopen the record",
	    b->updated_at);
	assert_contains(err, msg);
	free(msg);
	free(err);
	err = NULL;

	/* nothing written: root and rows as before, no new member, no
	 * acceptance; the structs keep their ids, revisions and uuids */
	assert_q(f->db, "SELECT * FROM household", before_hh);
	assert_q(f->db, "SELECT * FROM member", before_mem);
	assert_q(f->db, "SELECT count(*) FROM kesra_accept", "0");
	snap_check(&sn[0], l.root);
	assert_int_equal(l.root->rev, 1);
	for (i = 0; i < 4; i++)
		snap_check(&sn[i + 1], l.rows[i]);
	assert_int_equal(l.rows[3]->id, 0);
	assert_string_equal(l.rows[3]->uuid, "");
	assert_int_equal(l.rows[3]->rev, 0);
	assert_int_equal(l.rows[0]->ord, 2); /* Citra, loaded at 2 */
	assert_string_equal(l.root->updated_by, "alice");

	/* no transaction was left open */
	assert_int_equal(sqlite3_get_autocommit(db_sqlite(f->db)), 1);

	/* after reloading Budi, the same save goes through */
	for (i = 0; i < l.n; i++)
		if (l.rows[i]->id == b->id) {
			record_free(l.rows[i]);
			l.rows[i] = record_copy(b);
		}
	assert_int_equal(tree_save(f, &l, "bob", &err), 0);
	assert_null(err);
	assert_int_equal(l.root->rev, 2);
	assert_int_equal(l.rows[3]->id, 4);
	assert_q(f->db, "SELECT name, ord, rev FROM member ORDER BY ord",
	    "Citra|0|2\nBudi|1|3\nAni|2|2\nDewi|3|1");
	free(before_hh);
	free(before_mem);
	record_free(b);
	tree_free(&l);
}

/* A conflict on the root itself, and on a member deleted meanwhile. */
static void
test_conflict_root_and_deleted_row(void **state)
{
	struct fx *f = *state;
	struct tree t, l;
	struct record *root2;
	char *err = NULL;

	saved_tree(f, &t);
	tree_free(&t);
	load_tree(f, 1, &l);
	root2 = record_copy(l.root);
	record_set_by_name(root2, "address", "elsewhere");
	assert_int_equal(db_record_save(f->db, root2, "carol", &err), 0);
	l.rows[0]->ord = 7;
	assert_int_equal(tree_save(f, &l, "bob", &err), -1);
	assert_contains(err, "changed by carol at");
	assert_int_equal(l.root->rev, 1);
	assert_int_equal(l.rows[0]->ord, 7);
	assert_q(f->db, "SELECT rev FROM member ORDER BY id", "1\n1\n1");
	record_free(l.root);
	l.root = root2;

	/* Budi was deleted meanwhile: the whole save is refused */
	tu_sql_exec(db_sqlite(f->db), "UPDATE member SET deleted_at = "
	    "'2024-01-01 00:00:00' WHERE id = 2");
	assert_int_equal(tree_save(f, &l, "bob", &err), -1);
	assert_string_equal(err, "record 2 was deleted");
	assert_q(f->db, "SELECT rev FROM household", "2");
	assert_q(f->db, "SELECT rev FROM member ORDER BY id", "1\n1\n1");
	assert_int_equal(l.root->rev, 2);
	free(err);
	tree_free(&l);
}

/* A row of another household cannot be saved under this one. */
static void
test_row_of_other_parent(void **state)
{
	struct fx *f = *state;
	struct tree a, b;
	struct record *stolen;
	char *err = NULL;

	saved_tree(f, &a);
	tree_free(&a);
	b.root = record_new(f->hh);
	record_set_by_name(b.root, "kk", "3201010101010009");
	b.rows = NULL;
	b.n = 0;
	b.deleted = NULL;
	b.ndeleted = 0;
	assert_int_equal(tree_save(f, &b, "u", &err), 0);
	load_tree(f, 1, &a);
	stolen = record_copy(a.rows[0]);
	b.rows = xcalloc(1, sizeof *b.rows);
	b.rows[0] = stolen;
	b.n = 1;
	assert_int_equal(tree_save(f, &b, "u", &err), -1);
	assert_contains(err, "member 1 belongs to another household, not "
	    "household 2");
	free(err);
	err = NULL;
	assert_q(f->db, "SELECT parent_id, rev FROM member WHERE id = 1", "1|1");
	assert_int_equal(b.root->rev, 1);

	/* a roster of another record, or a row of another type: refused */
	{
		struct db_roster ro = {schema_record(f->s, "asset"), NULL, 0,
		    NULL, 0};
		assert_int_equal(db_tree_save(f->db, a.root, &ro, 1, "u", &err),
		    -1);
		assert_contains(err, "asset is not a roster of household");
		ro.def = f->mem;
		ro.rows = &a.root;
		ro.n = 1;
		assert_int_equal(db_tree_save(f->db, a.root, &ro, 1, "u", &err),
		    -1);
		assert_contains(err, "row 1 of roster member is not a member "
		    "record");
		free(err);
	}
	tree_free(&a);
	tree_free(&b);
}

static void
test_tree_accepted_warnings(void **state)
{
	struct fx *f = *state;
	struct tree t, l;
	char *err = NULL;

	new_tree(f, &t);
	record_accept(t.root, "few_members", "household just formed");
	record_accept(t.rows[1], "head_age", "married young");
	record_accept(t.rows[1], "age_gap", "adopted");
	assert_int_equal(tree_save(f, &t, "alice", &err), 0);
	assert_q(f->db, "SELECT record, record_id, rule, reason, accepted_by, "
	    "accepted_at IS NOT NULL FROM kesra_accept ORDER BY record, "
	    "record_id, rule",
	    "household|1|few_members|household just formed|alice|1\n"
	    "member|2|age_gap|adopted|alice|1\n"
	    "member|2|head_age|married young|alice|1");
	tree_free(&t);

	load_tree(f, 1, &l);
	assert_int_equal(l.root->nacc, 1);
	assert_string_equal(record_accepted(l.root, "few_members"),
	    "household just formed");
	assert_int_equal(l.rows[0]->nacc, 0);
	assert_int_equal(l.rows[1]->nacc, 2);
	assert_string_equal(record_accepted(l.rows[1], "head_age"),
	    "married young");
	assert_string_equal(record_accepted(l.rows[1], "age_gap"), "adopted");
	assert_int_equal(l.rows[2]->nacc, 0);

	/* replaced: one withdrawn, one kept (its author stays), one new */
	record_accept(l.rows[1], "age_gap", NULL);
	record_accept(l.rows[2], "no_nik", "baby");
	record_accept(l.root, "few_members", NULL);
	assert_int_equal(tree_save(f, &l, "bob", &err), 0);
	assert_q(f->db, "SELECT record, record_id, rule, reason, accepted_by "
	    "FROM kesra_accept ORDER BY record, record_id, rule",
	    "member|2|head_age|married young|alice\n"
	    "member|3|no_nik|baby|bob");
	/* a new reason is a new acceptance, by whoever gave it */
	record_accept(l.rows[1], "head_age", "checked the KK");
	assert_int_equal(tree_save(f, &l, "carol", &err), 0);
	assert_q(f->db, "SELECT reason, accepted_by FROM kesra_accept WHERE "
	    "record_id = 2", "checked the KK|carol");
	tree_free(&l);

	/* a deleted member's acceptances are not loaded with the roster */
	load_tree(f, 1, &l);
	l.deleted = xcalloc(1, sizeof *l.deleted);
	l.deleted[0] = 3;
	l.ndeleted = 1;
	record_free(l.rows[2]);
	l.n = 2;
	assert_int_equal(tree_save(f, &l, "bob", &err), 0);
	tree_free(&l);
	load_tree(f, 1, &l);
	assert_int_equal(l.n, 2);
	assert_int_equal(l.rows[0]->nacc, 0);
	assert_int_equal(l.rows[1]->nacc, 1);
	tree_free(&l);
}

static void
test_tree_unique(void **state)
{
	struct fx *f = *state;
	struct tree t, l;
	char *err = NULL;

	saved_tree(f, &t);
	tree_free(&t);

	/* a second household whose member has Ani's NIK */
	new_tree(f, &t);
	record_set_by_name(t.root, "kk", "3201010101010002");
	record_set_by_name(t.rows[1], "nik", "3201010101800011");
	record_set_by_name(t.rows[2], "nik", "3201010101800012");
	assert_int_equal(tree_save(f, &t, "u", &err), -1);
	assert_string_equal(err, "field 'nik' of member is unique: member 1 "
	    "already has the value '3201010101800001'");
	assert_int_equal(t.root->id, 0);
	assert_int_equal(t.rows[1]->id, 0);
	assert_q(f->db, "SELECT count(*) FROM household", "1");
	assert_q(f->db, "SELECT count(*) FROM member", "3");

	/* the same NIK twice in one save */
	record_set_by_name(t.rows[0], "nik", "3201010101800012");
	assert_int_equal(tree_save(f, &t, "u", &err), -1);
	assert_string_equal(err, "field 'nik' of member is unique: the value "
	    "'3201010101800012' is given to more than one record in this "
	    "save");
	assert_q(f->db, "SELECT count(*) FROM household", "1");

	/* the household's own unique field */
	record_set_by_name(t.rows[0], "nik", "3201010101800010");
	record_set_by_name(t.root, "kk", "3201010101010001");
	assert_int_equal(tree_save(f, &t, "u", &err), -1);
	assert_string_equal(err, "field 'kk' of household is unique: "
	    "household 1 already has the value '3201010101010001'");
	record_set_by_name(t.root, "kk", "3201010101010002");
	assert_int_equal(tree_save(f, &t, "u", &err), 0);
	free(err);
	err = NULL;
	tree_free(&t);

	/* a member removed and re-entered in the same save keeps the NIK
	 * free: removals are written first */
	load_tree(f, 1, &l);
	l.deleted = xcalloc(1, sizeof *l.deleted);
	l.deleted[0] = l.rows[0]->id;
	l.ndeleted = 1;
	record_free(l.rows[0]);
	l.rows[0] = member(f, "3201010101800001", "Ani (again)");
	assert_int_equal(tree_save(f, &l, "u", &err), 0);
	assert_null(err);
	assert_q(f->db, "SELECT id, name, deleted_at IS NULL FROM member WHERE "
	    "nik = '3201010101800001' ORDER BY id",
	    "1|Ani|0\n7|Ani (again)|1");
	tree_free(&l);
}

/* A note field has no column; its value is never written or read. */
static void
test_note_not_stored(void **state)
{
	struct fx *f = *state;
	struct tree t, l;
	char *err = NULL;

	assert_q(f->db, "SELECT count(*) FROM pragma_table_info('member') "
	    "WHERE name = 'info'", "0");
	new_tree(f, &t);
	record_set_by_name(t.rows[0], "info", "shown only");
	record_set_by_name(t.rows[0], "age", "30");
	assert_int_equal(tree_save(f, &t, "u", &err), 0);
	load_tree(f, 1, &l);
	assert_null(record_get_by_name(l.rows[0], "info"));
	assert_string_equal(record_get_by_name(l.rows[0], "age"), "30");
	assert_string_equal(record_get_by_name(l.rows[0], "name"), "Ani");
	tree_free(&t);
	tree_free(&l);
}

/* db_record_save is the tree save without rosters. */
static void
test_record_save_of_root(void **state)
{
	struct fx *f = *state;
	struct tree t;
	struct record *r;
	char *err = NULL;

	saved_tree(f, &t);
	r = record_copy(t.root);
	record_set_by_name(r, "address", "Jl. Kenanga");
	assert_int_equal(db_record_save(f->db, r, "u", &err), 0);
	assert_int_equal(r->rev, 2);
	assert_q(f->db, "SELECT address, rev FROM household", "Jl. Kenanga|2");
	assert_q(f->db, "SELECT count(*), sum(rev) FROM member "
	    "WHERE deleted_at IS NULL", "3|3");
	record_free(r);
	tree_free(&t);
}

int
main(void)
{
#define T(fn) cmocka_unit_test_setup_teardown(fn, setup, teardown)
	const struct CMUnitTest tests[] = {
		T(test_tree_save_and_reload),
		T(test_reorder_and_delete),
		T(test_conflict_rolls_back_tree),
		T(test_conflict_root_and_deleted_row),
		T(test_row_of_other_parent),
		T(test_tree_accepted_warnings),
		T(test_tree_unique),
		T(test_note_not_stored),
		T(test_record_save_of_root),
	};
#undef T
	return cmocka_run_group_tests(tests, NULL, NULL);
}
