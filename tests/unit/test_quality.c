/*
 * test_quality: the cross-record checks of the data-quality work, on a
 * small dictionary with a real SQLite file in a temporary folder.
 *
 * duplicate_key: the loader's checks (unknown field, calculation, twice,
 * too many, not a list) and the hash; the index that migration keeps
 * (created with the normalised expressions, replaced when the key changes,
 * dropped when it goes) and that a connection without kesra's functions
 * can still write the table; db_find_probable_duplicate (normalised names,
 * the record itself, skipped ids, deleted rows, another date); the
 * probable_duplicate warning of validate_record_full naming the other
 * record and its family, among siblings of one form, and accepted; the
 * unique message naming the other family; validate_scan calling its
 * record callback and reporting accepted findings.
 */
#include "testutil.h"

#include "db.h"
#include "expr.h"
#include "record.h"
#include "validate.h"

#define DICT(key) \
	"dictionary: q\n" \
	"version: 1\n" \
	"records:\n" \
	"  family:\n" \
	"    label: Family\n" \
	"    title: \"${kk}\"\n" \
	"    fields:\n" \
	"      - {name: kk, type: text, unique: true}\n" \
	"  person:\n" \
	"    label: Person\n" \
	"    parent: family\n" \
	"    title: \"${name}\"\n" \
	key \
	"    fields:\n" \
	"      - {name: name, type: text}\n" \
	"      - {name: born, type: date}\n" \
	"      - {name: idno, type: text, unique: true}\n" \
	"      - {name: age, type: calculate, calculation: \"1\"}\n"

#define KEY2 "    duplicate_key: [name, born]\n"

struct fx {
	char *dir, *path;
	struct schema *s;
	struct db *db;
	struct expr_set *x;
	struct validate_ctx c;
	const struct sch_record *fam, *per;
};

static void
open_fx(struct fx *f, const char *yaml)
{
	struct diags d = {0};
	char *err = NULL;
	f->s = tu_schema(yaml);
	if (db_open(&f->db, f->path, f->s, DB_OPEN_CREATE, &err) != 0 ||
	    db_migrate(f->db, 0, NULL, &err) != 0 ||
	    expr_register_functions(db_sqlite(f->db), &err) != 0)
		fail_msg("open: %s", err);
	f->x = expr_compile(db_sqlite(f->db), f->s, &d);
	assert_non_null(f->x);
	diags_free(&d);
	f->fam = schema_record(f->s, "family");
	f->per = schema_record(f->s, "person");
	f->c.x = f->x;
	f->c.db = f->db;
	f->c.lang = 0;
}

static void
close_fx(struct fx *f)
{
	expr_free(f->x);
	db_close(f->db);
	schema_free(f->s);
	f->x = NULL;
	f->db = NULL;
	f->s = NULL;
}

static int
setup(void **state)
{
	struct fx *f = xcalloc(1, sizeof *f);
	setenv("KESRA_TODAY", "2026-11-28", 1);
	f->dir = tu_mkdtemp();
	f->path = tu_path(f->dir, "q.db");
	open_fx(f, DICT(KEY2));
	*state = f;
	return 0;
}

static int
teardown(void **state)
{
	struct fx *f = *state;
	close_fx(f);
	tu_rmtree(f->dir);
	free(f->dir);
	free(f->path);
	free(f);
	return 0;
}

static struct record *
person(struct fx *f, const char *name, const char *born, const char *idno)
{
	struct record *r = record_new(f->per);
	record_set_by_name(r, "name", name);
	record_set_by_name(r, "born", born);
	record_set_by_name(r, "idno", idno);
	return r;
}

/* Save a family kk with persons p[0..n) (ids set on the records). */
static struct record *
family(struct fx *f, const char *kk, struct record **p, size_t n)
{
	struct record *h = record_new(f->fam);
	struct db_roster ro = {f->per, p, n, NULL, 0};
	char *err = NULL;
	record_set_by_name(h, "kk", kk);
	if (db_tree_save(f->db, h, &ro, 1, "test", &err) != 0)
		fail_msg("save: %s", err);
	return h;
}

static char *
index_sql(struct fx *f)
{
	sqlite3_stmt *st;
	char *out = NULL;
	assert_int_equal(sqlite3_prepare_v2(db_sqlite(f->db), "SELECT sql FROM "
	    "sqlite_schema WHERE name = 'person_duplicate_key'", -1, &st,
	    NULL), SQLITE_OK);
	if (sqlite3_step(st) == SQLITE_ROW)
		out = xstrdup((const char *)sqlite3_column_text(st, 0));
	sqlite3_finalize(st);
	return out;
}

static void
test_key_checks(void **state)
{
	struct diags d = {0};
	struct schema *a, *b;
	(void)state;
	tu_schema_bad(DICT("    duplicate_key: [name, nope]\n"), &d);
	tu_diag_get(&d, "duplicate_key names unknown field 'nope'");
	diags_free(&d);
	tu_schema_bad(DICT("    duplicate_key: [name, age]\n"), &d);
	tu_diag_get(&d, "duplicate_key field 'age' must be an entered field");
	diags_free(&d);
	tu_schema_bad(DICT("    duplicate_key: [name, name]\n"), &d);
	tu_diag_get(&d, "duplicate_key names 'name' twice");
	diags_free(&d);
	tu_schema_bad(DICT("    duplicate_key: name\n"), &d);
	tu_diag_get(&d, "duplicate_key must be a list of field names");
	diags_free(&d);
	tu_schema_bad(DICT("    duplicate_key: []\n"), &d);
	tu_diag_get(&d, "duplicate_key must be a list of field names");
	diags_free(&d);
	/* the key is storage: it changes the hash */
	a = tu_schema(DICT(KEY2));
	b = tu_schema(DICT(""));
	assert_int_equal(a->records[1].ndup_key, 2);
	assert_string_not_equal(a->hash, b->hash);
	schema_free(a);
	schema_free(b);
}

static void
test_key_index(void **state)
{
	struct fx *f = *state;
	char *sql = index_sql(f), *err = NULL;
	sqlite3 *h;

	assert_non_null(sql);
	assert_contains(sql, "upper(\"name\")");
	assert_contains(sql, "\"born\"");
	assert_contains(sql, "deleted_at IS NULL");
	free(sql);
	/* a connection without kesra's functions writes the table */
	assert_int_equal(sqlite3_open(f->path, &h), SQLITE_OK);
	assert_int_equal(sqlite3_exec(h, "INSERT INTO family (uuid, created_at, "
	    "kk) VALUES ('u1', 'now', 'K0'); INSERT INTO person (uuid, "
	    "created_at, parent_id, name, born) VALUES ('u2', 'now', "
	    "last_insert_rowid(), 'Ani', '2000-01-01')", NULL, NULL, &err),
	    SQLITE_OK);
	sqlite3_close(h);
	/* a changed key replaces the index, no key drops it */
	close_fx(f);
	open_fx(f, DICT("    duplicate_key: [name]\n"));
	sql = index_sql(f);
	assert_non_null(sql);
	assert_not_contains(sql, "born");
	free(sql);
	close_fx(f);
	open_fx(f, DICT(""));
	assert_null(index_sql(f));
	close_fx(f);
	open_fx(f, DICT(KEY2));
}

static void
test_find_probable(void **state)
{
	struct fx *f = *state;
	struct record *p[2], *h, *q;
	int64_t other = -1, skip;
	char *err = NULL;

	p[0] = person(f, "Siti Aminah", "1990-01-02", "A1");
	p[1] = person(f, "Budi", "1985-05-05", "A2");
	h = family(f, "K1", p, 2);
	/* written differently: case, dots, spaces, apostrophe, hyphen */
	q = person(f, "  SITI.  aminah ", "1990-01-02", NULL);
	assert_int_equal(db_find_probable_duplicate(f->db, q, 0, NULL, 0,
	    &other, &err), 1);
	assert_int_equal(other, p[0]->id);
	record_set_by_name(q, "name", "Siti-Ami'nah");
	assert_int_equal(db_find_probable_duplicate(f->db, q, 0, NULL, 0,
	    &other, &err), 1);
	record_set_by_name(q, "name", "Siti Aminah Putri");
	assert_int_equal(db_find_probable_duplicate(f->db, q, 0, NULL, 0,
	    &other, &err), 0);
	/* the same compact key (SI..AH, 19900102) in the index, another
	 * name: the full values decide */
	record_set_by_name(q, "name", "Sinta Amanah");
	assert_int_equal(db_find_probable_duplicate(f->db, q, 0, NULL, 0,
	    &other, &err), 0);
	record_set_by_name(q, "name", "Siti Aminah");
	record_set_by_name(q, "born", "19900102"); /* the same integer */
	assert_int_equal(db_find_probable_duplicate(f->db, q, 0, NULL, 0,
	    &other, &err), 0);
	record_set_by_name(q, "born", "1990-01-02");
	{
		/* and the look-up walks the index */
		char *sql = db_dupkey_lookup_sql(f->per), *eqp, *qp;
		eqp = xasprintf("EXPLAIN QUERY PLAN %s", sql);
		qp = tu_sql_rows(db_sqlite(f->db), eqp);
		assert_contains(qp, "USING INDEX person_duplicate_key");
		assert_contains(sql, "substr(");
		free(qp);
		free(eqp);
		free(sql);
	}
	record_set_by_name(q, "name", "siti aminah");
	/* the record itself, and ids skipped (rows being edited) */
	assert_int_equal(db_find_probable_duplicate(f->db, q, p[0]->id, NULL,
	    0, &other, &err), 0);
	skip = p[0]->id;
	assert_int_equal(db_find_probable_duplicate(f->db, q, 0, &skip, 1,
	    &other, &err), 0);
	/* another date, or no date: none */
	record_set_by_name(q, "born", "1990-01-03");
	assert_int_equal(db_find_probable_duplicate(f->db, q, 0, NULL, 0,
	    &other, &err), 0);
	record_set_by_name(q, "born", NULL);
	assert_int_equal(db_find_probable_duplicate(f->db, q, 0, NULL, 0,
	    &other, &err), 0);
	/* a deleted row is no duplicate */
	record_set_by_name(q, "born", "1990-01-02");
	{
		int64_t del = p[0]->id;
		struct db_roster ro = {f->per, &p[1], 1, &del, 1};
		if (db_tree_save(f->db, h, &ro, 1, "test", &err) != 0)
			fail_msg("save: %s", err);
	}
	assert_int_equal(db_find_probable_duplicate(f->db, q, 0, NULL, 0,
	    &other, &err), 0);
	record_free(q);
	record_free(h);
	record_free(p[0]);
	record_free(p[1]);
	/*
	 * Another dictionary with a record of the same name and another key
	 * (the name alone): its own look-up, not the one kept for the first
	 * key (a connection keeps the look-up of each record type of its own
	 * dictionary).
	 */
	close_fx(f);
	open_fx(f, DICT("    duplicate_key: [name]\n"));
	p[0] = person(f, "Siti Aminah", "1990-01-02", "A8");
	h = family(f, "K8", p, 1);
	q = person(f, "siti aminah", "1971-07-07", NULL);
	assert_int_equal(db_find_probable_duplicate(f->db, q, 0, NULL, 0,
	    &other, &err), 1);
	assert_int_equal(other, p[0]->id);
	record_free(q);
	record_free(h);
	record_free(p[0]);
	close_fx(f);
	open_fx(f, DICT(KEY2));
	p[0] = person(f, "Siti Aminah", "1990-01-02", "A9");
	h = family(f, "K9", p, 1);
	q = person(f, "siti aminah", "1971-07-07", NULL);
	assert_int_equal(db_find_probable_duplicate(f->db, q, 0, NULL, 0,
	    &other, &err), 0);
	record_free(q);
	record_free(h);
	record_free(p[0]);
}

/* The findings of rule in fs, as "message" (NULL when none). */
static const struct finding *
find_rule(const struct findings *fs, const char *rule)
{
	size_t i;
	for (i = 0; i < fs->n; i++)
		if (strcmp(fs->v[i].rule, rule) == 0)
			return &fs->v[i];
	return NULL;
}

static void
test_validate_duplicate(void **state)
{
	struct fx *f = *state;
	struct record *p[1], *h, *h2, *q, *sib[1];
	struct findings fs = {0};
	const struct finding *g;

	p[0] = person(f, "Maria Kambu", "1970-03-04", "N1");
	h = family(f, "K9", p, 1);
	h2 = record_new(f->fam);
	record_set_by_name(h2, "kk", "K10");
	q = person(f, "maria kambu", "1970-03-04", NULL);
	assert_int_equal(validate_record_full(&f->c, q, h2, NULL, 0, &fs), 0);
	g = find_rule(&fs, VALIDATE_DUPLICATE);
	assert_non_null(g);
	assert_int_equal(g->severity, SEV_WARNING);
	assert_int_equal(g->field, (size_t)schema_field_index(f->per, "name"));
	assert_false(g->accepted);
	assert_contains(g->msg, "Probably entered twice");
	assert_contains(g->msg, "'Maria Kambu' in Family 'K9'");
	findings_free(&fs);
	/* accepted with a reason */
	record_accept(q, VALIDATE_DUPLICATE, "twins? checked");
	validate_record_full(&f->c, q, h2, NULL, 0, &fs);
	g = find_rule(&fs, VALIDATE_DUPLICATE);
	assert_non_null(g);
	assert_true(g->accepted);
	findings_free(&fs);
	record_accept(q, VALIDATE_DUPLICATE, NULL);
	/* the stored row itself, edited in its form (a sibling): none */
	sib[0] = p[0];
	validate_record_full(&f->c, p[0], h, NULL, 0, &fs);
	assert_null(find_rule(&fs, VALIDATE_DUPLICATE));
	findings_free(&fs);
	/* two unsaved rows of one form */
	record_set_by_name(q, "born", "2001-01-01");
	{
		struct record *q2 = person(f, "Maria  Kambu.", "2001-01-01",
		    NULL);
		sib[0] = q2;
		validate_record_full(&f->c, q, h2, sib, 1, &fs);
		g = find_rule(&fs, VALIDATE_DUPLICATE);
		assert_non_null(g);
		assert_contains(g->msg, "in this form");
		findings_free(&fs);
		record_free(q2);
	}
	/* the unique message names the other person and family */
	record_set_by_name(q, "idno", "N1");
	validate_record_full(&f->c, q, h2, NULL, 0, &fs);
	g = find_rule(&fs, "unique");
	assert_non_null(g);
	assert_string_equal(g->msg, "Already used by Person 'Maria Kambu' in "
	    "Family 'K9' (#1)");
	findings_free(&fs);
	record_free(q);
	record_free(h);
	record_free(h2);
	record_free(p[0]);
}

struct seen {
	long records, findings, accepted;
};

static void
on_rec(void *ctx, const struct record *top)
{
	struct seen *s = ctx;
	assert_null(top->def->parent);
	s->records++;
}

static void
on_find(void *ctx, const struct record *top, const struct record *r,
    const struct finding *fd)
{
	struct seen *s = ctx;
	assert_null(top->def->parent);
	assert_true(r == top || r->parent_id == top->id);
	s->findings++;
	s->accepted += fd->accepted;
}

static void
test_scan(void **state)
{
	struct fx *f = *state;
	struct record *a[1], *b[1], *h1, *h2;
	struct validate_scan o = {0};
	struct seen s = {0, 0, 0};
	char *err = NULL;

	a[0] = person(f, "Yan Krey", "1980-01-01", "Y1");
	b[0] = person(f, "YAN KREY", "1980-01-01", "Y2");
	record_accept(b[0], VALIDATE_DUPLICATE, "seen");
	h1 = family(f, "F1", a, 1);
	h2 = family(f, "F2", b, 1);
	o.fn = on_find;
	o.record = on_rec;
	assert_int_equal(validate_scan(&f->c, &o, &s, &err), 2);
	assert_int_equal(s.records, 2);
	/* each sees the other; the second accepted it */
	assert_int_equal(s.findings, 2);
	assert_int_equal(s.accepted, 1);
	record_free(h1);
	record_free(h2);
	record_free(a[0]);
	record_free(b[0]);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_key_checks),
		cmocka_unit_test_setup_teardown(test_key_index, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_find_probable, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_validate_duplicate, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_scan, setup, teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
