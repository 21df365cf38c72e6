/*
 * Unit tests of transfer (import, export) and db_transfer (backup,
 * restore) through the API, on real SQLite files in a temporary folder.
 */
#include "testutil.h"

#include "db.h"
#include "expr.h"
#include "transfer.h"

static const char dict[] =
    "dictionary: tr\n"
    "version: 1\n"
    "languages: [id, en]\n"
    "value_sets:\n"
    "  sex:\n"
    "    - {code: 1, label: {id: Laki-laki, en: Male}}\n"
    "    - {code: 2, label: {id: Perempuan, en: Female}}\n"
    "  aid:\n"
    "    - {code: a, label: {id: Beras, en: Rice}}\n"
    "    - {code: b, label: {id: Tunai, en: Cash}}\n"
    "records:\n"
    "  person:\n"
    "    fields:\n"
    "      - {name: pid, type: text, required: true, unique: true}\n"
    "      - {name: name, type: text, required: true}\n"
    "      - {name: age, type: integer, min: 0, max: 130}\n"
    "      - {name: height, type: decimal}\n"
    "      - {name: sex, type: select_one, values: sex}\n"
    "      - {name: aid, type: select_multiple, values: aid}\n"
    "      - {name: poor, type: yesno}\n"
    "      - {name: double_age, type: calculate, calculation: \"age * 2\"}\n"
    "    rules:\n"
    "      - {name: old, check: \"age IS NULL OR age < 100\", "
    "severity: warning, message: {id: tua, en: old}}\n"
    "  visit:\n"
    "    parent: person\n"
    "    roster_rules:\n"
    "      - {name: few, check: \"count(*) <= 2\", severity: error, "
    "message: {id: banyak, en: too many}}\n"
    "    fields:\n"
    "      - {name: note, type: text, required: true}\n";

struct fx {
	char *dir;
	struct schema *s;
	struct db *db[2];
	struct expr_set *x[2];
};

static void
open_one(struct fx *f, int i)
{
	struct diags d = {0};
	char *err = NULL, *path = tu_path(f->dir, i ? "b.db" : "a.db");
	if (db_open(&f->db[i], path, f->s, DB_OPEN_CREATE, &err) != 0 ||
	    db_migrate(f->db[i], 0, NULL, &err) != 0 ||
	    expr_register_functions(db_sqlite(f->db[i]), &err) != 0)
		fail_msg("open %s: %s", path, err);
	f->x[i] = expr_compile(db_sqlite(f->db[i]), f->s, &d);
	if (f->x[i] == NULL) {
		tu_diags_dump(&d);
		fail_msg("expr_compile");
	}
	diags_free(&d);
	free(path);
}

static int
setup(void **state)
{
	struct fx *f = xcalloc(1, sizeof *f);
	f->dir = tu_mkdtemp();
	f->s = tu_schema(dict);
	open_one(f, 0);
	open_one(f, 1);
	*state = f;
	return 0;
}

static int
teardown(void **state)
{
	struct fx *f = *state;
	int i;
	for (i = 0; i < 2; i++) {
		expr_free(f->x[i]);
		db_close(f->db[i]);
	}
	schema_free(f->s);
	tu_rmtree(f->dir);
	free(f->dir);
	free(f);
	return 0;
}

/* Import text as record into database i; the result, -1 kept in *rc. */
static struct transfer_import_result
imp(struct fx *f, int i, const char *record, const char *text, char sep,
    int partial, int *rc, char **err)
{
	struct transfer_import_opts o = {0};
	struct transfer_import_result res;
	FILE *in = fmemopen((void *)text, strlen(text), "r");
	assert_non_null(in);
	o.record = record;
	o.sep = sep;
	o.partial = partial;
	o.user = "test";
	o.lang = 1;
	*rc = transfer_import(f->db[i], f->x[i], in, "t.csv", &o, &res, err);
	fclose(in);
	return res;
}

static char *
exp_text(struct fx *f, int i, const char *record, int flags)
{
	char *buf = NULL, *err = NULL;
	size_t len = 0;
	FILE *out = open_memstream(&buf, &len);
	long n = transfer_export(f->db[i], schema_record(f->s, record), out,
	    flags, 1, &err);
	if (n < 0)
		fail_msg("export: %s", err);
	fclose(out);
	return buf;
}

static long
count(struct fx *f, int i, const char *sql)
{
	return (long)tu_sql_int(db_sqlite(f->db[i]), sql);
}

static void
test_many_rows_then_unchanged(void **state)
{
	struct fx *f = *state;
	struct transfer_import_result r;
	struct sbuf b = {0};
	char *err = NULL;
	int i, rc;

	sbuf_add(&b, "pid,name,age\n");
	for (i = 0; i < 3000; i++)
		sbuf_addf(&b, "P%d,Orang %d,%d\n", i, i, i % 90);
	r = imp(f, 0, "person", b.s, ',', 0, &rc, &err);
	assert_int_equal(rc, 0);
	assert_int_equal(r.inserted, 3000);
	assert_true(r.committed);
	assert_int_equal(count(f, 0, "SELECT double_age FROM person WHERE "
	    "pid = 'P7'"), 14);
	/* again: matched by key, nothing rewritten */
	r = imp(f, 0, "person", b.s, ',', 0, &rc, &err);
	assert_int_equal(rc, 0);
	assert_int_equal(r.unchanged, 3000);
	assert_int_equal(count(f, 0, "SELECT count(*) FROM person"), 3000);
	assert_int_equal(count(f, 0, "SELECT max(rev) FROM person"), 1);
	/* a key twice in one file: the second is refused, nothing written */
	sbuf_add(&b, "P5,Lain,3\n");
	r = imp(f, 0, "person", b.s, ',', 0, &rc, &err);
	assert_int_equal(r.rejected, 1);
	assert_false(r.committed);
	sbuf_free(&b);
}

/* The reasons of the rejected rows by line (collected by imp_rows). */
struct why_list {
	char **why; /* by line */
	long n;
};

static void
note_why(void *ctx, long line, const char *why)
{
	struct why_list *w = ctx;
	if (line >= 0 && line < w->n) {
		free(w->why[line]);
		w->why[line] = xstrdup(why);
	}
}

/*
 * A column's values checked once and kept (by the value as written):
 * every row with the same value gets what the first got, good (the same
 * code, a label the same code) or bad (the same reason); a column whose
 * values do not repeat (height) is still checked on every row after the
 * memo gave up on it.
 */
static void
test_value_memo(void **state)
{
	static const char *const sex[] = {"1", "Perempuan", " 2 ", "9",
	    "MALE", "female", "2"};
	static const char *const age[] = {"5", "200", "x", "  7", "130",
	    "-1", "5"};
	static const char *const aid[] = {"a b", "\"Cash; rice\"", "zz", "b",
	    "a", "b a", "Tunai"};
	static const char *const poor[] = {"ya", "0", "maybe", "1", "tidak",
	    "n", "Y"};
	/* per place of the cycle: rejected, then sex, age, aid, poor kept */
	static const int bad[] = {0, 1, 1, 1, 0, 1, 0};
	static const char *const want[][4] = {
		{"1", "5", "a b", "1"}, {0}, {0}, {0},
		{"1", "130", "a", "0"}, {0}, {"2", "5", "b", "1"}};
	struct fx *f = *state;
	struct transfer_import_opts o = {0};
	struct transfer_import_result r;
	struct why_list w = {0};
	struct sbuf b = {0};
	char *err = NULL, *first[7] = {0};
	long i, n = 5000;
	FILE *in;
	int rc;

	sbuf_add(&b, "pid,name,sex,age,aid,poor,height\n");
	for (i = 0; i < n; i++)
		sbuf_addf(&b, "P%ld,Orang,%s,%s,%s,%s,%s\n", i, sex[i % 7],
		    age[i % 7], aid[i % 7], poor[i % 7], i == 4600 ? "abc" :
		    "");
	/* heights: every one another value (line 4602: not a number) */
	w.n = n + 2;
	w.why = xcalloc((size_t)w.n, sizeof *w.why);
	in = fmemopen(b.s, b.len, "r");
	assert_non_null(in);
	o.record = "person";
	o.partial = 1;
	o.user = "test";
	o.lang = 1;
	o.rejected = note_why;
	o.rejected_ctx = &w;
	rc = transfer_import(f->db[0], f->x[0], in, "t.csv", &o, &r, &err);
	fclose(in);
	assert_int_equal(rc, 0);
	for (i = 0; i < n; i++) {
		const char *got = w.why[i + 2];
		if (i == 4600) {
			assert_non_null(got);
			assert_non_null(strstr(got, "height"));
			continue;
		}
		if (!bad[i % 7]) {
			if (got != NULL)
				fail_msg("line %ld rejected: %s", i + 2, got);
			continue;
		}
		if (got == NULL)
			fail_msg("line %ld (%s,%s,%s,%s) not rejected", i + 2,
			    sex[i % 7], age[i % 7], aid[i % 7], poor[i % 7]);
		if (first[i % 7] == NULL)
			first[i % 7] = xstrdup(got);
		else
			assert_string_equal(got, first[i % 7]);
	}
	assert_non_null(strstr(first[1], "age"));
	assert_non_null(strstr(first[2], "age"));
	assert_non_null(strstr(first[2], "aid"));
	assert_non_null(strstr(first[2], "poor"));
	assert_non_null(strstr(first[3], "sex"));
	assert_null(strstr(first[3], "age"));
	assert_non_null(strstr(first[5], "age"));
	for (i = 0; i < 7; i++) {
		char *q;
		free(first[i]);
		if (want[i][0] == NULL)
			continue;
		q = xasprintf("SELECT count(*) FROM person WHERE CAST(substr("
		    "pid, 2) AS INTEGER) %% 7 = %ld AND pid <> 'P4600' AND "
		    "sex = %s AND age = %s AND aid = '%s' AND poor = %s", i,
		    want[i][0], want[i][1], want[i][2], want[i][3]);
		assert_int_equal(count(f, 0, q), (n - i + 6) / 7 -
		    (4600 % 7 == i));
		free(q);
	}
	for (i = 0; i < w.n; i++)
		free(w.why[i]);
	free(w.why);
	sbuf_free(&b);
}

static void
test_labels_yesno_decimal_comma(void **state)
{
	struct fx *f = *state;
	struct transfer_import_result r;
	char *err = NULL;
	int rc;

	r = imp(f, 0, "person", "pid;name;sex;aid;poor;height;age\n"
	    "A;Ani;perempuan;\"Cash; rice\";2;150,5;101\n"
	    "B;Budi;MALE;a;1;;\n", ';', 0, &rc, &err);
	assert_int_equal(rc, 0);
	assert_int_equal(r.inserted, 2);
	assert_int_equal(r.warned, 1); /* age 101: the warning, left open */
	assert_int_equal(count(f, 0, "SELECT sex FROM person WHERE pid = "
	    "'A'"), 2);
	assert_int_equal(count(f, 0, "SELECT aid = 'a b' FROM person WHERE "
	    "pid = 'A'"), 1);
	assert_int_equal(count(f, 0, "SELECT poor FROM person WHERE pid = "
	    "'A'"), 0);
	assert_int_equal(count(f, 0, "SELECT height = 150.5 FROM person "
	    "WHERE pid = 'A'"), 1);
	assert_int_equal(count(f, 0, "SELECT poor FROM person WHERE pid = "
	    "'B'"), 1);
	assert_int_equal(count(f, 0, "SELECT count(*) FROM kesra_accept"), 0);
}

static void
test_roster_link_and_rule(void **state)
{
	struct fx *f = *state;
	struct transfer_import_result r;
	char *err = NULL;
	int rc;

	r = imp(f, 0, "person", "pid,name\nA,Ani\nB,Budi\n", ',', 0, &rc,
	    &err);
	assert_int_equal(r.inserted, 2);
	r = imp(f, 0, "visit", "person.pid,note\nA,v1\nA,v2\nB,v3\n", ',', 0,
	    &rc, &err);
	assert_int_equal(rc, 0);
	assert_int_equal(r.inserted, 3);
	assert_int_equal(count(f, 0, "SELECT count(*) FROM visit v JOIN "
	    "person p ON p.id = v.parent_id WHERE p.pid = 'A'"), 2);
	assert_int_equal(count(f, 0, "SELECT max(v.ord) FROM visit v JOIN "
	    "person p ON p.id = v.parent_id WHERE p.pid = 'A'"), 1);
	/* a third visit of A breaks the roster rule: nothing written */
	r = imp(f, 0, "visit", "pid,note\nA,v4\nB,v5\n", ',', 0, &rc, &err);
	assert_int_equal(rc, 0);
	assert_int_equal(r.roster_errors, 1);
	assert_false(r.committed);
	assert_int_equal(count(f, 0, "SELECT count(*) FROM visit"), 3);
	/* with --partial the rows stay */
	r = imp(f, 0, "visit", "pid,note\nA,v4\nB,v5\n", ',', 1, &rc, &err);
	assert_true(r.committed);
	assert_int_equal(count(f, 0, "SELECT count(*) FROM visit"), 5);
	/* an unknown parent rejects the row */
	r = imp(f, 0, "visit", "pid,note\nZ,v9\n", ',', 0, &rc, &err);
	assert_int_equal(r.rejected, 1);
}

static void
test_round_trip(void **state)
{
	struct fx *f = *state;
	struct transfer_import_result r;
	char *err = NULL, *p1, *v1, *p2, *v2, *j1, *j2;
	int rc;

	r = imp(f, 0, "person", "pid,name,age,aid\n"
	    "A,\"Ani \"\"A\"\"\nbaris dua\",30,b a\n"
	    "B,\"x\x1b[31my\x01\",,\n", ',', 0, &rc, &err);
	assert_int_equal(r.inserted, 2);
	r = imp(f, 0, "visit", "pid,note\nA,v1\nB,\"a,b\"\nA,v2\n", ',', 0,
	    &rc, &err);
	assert_int_equal(r.inserted, 3);
	p1 = exp_text(f, 0, "person", 0);
	v1 = exp_text(f, 0, "visit", 0);
	j1 = exp_text(f, 0, "visit", TRANSFER_JSON);
	r = imp(f, 1, "person", p1, ',', 0, &rc, &err);
	assert_int_equal(r.inserted, 2);
	r = imp(f, 1, "visit", v1, ',', 0, &rc, &err);
	assert_int_equal(r.inserted, 3);
	p2 = exp_text(f, 1, "person", 0);
	v2 = exp_text(f, 1, "visit", 0);
	j2 = exp_text(f, 1, "visit", TRANSFER_JSON);
	assert_string_equal(p1, p2);
	assert_string_equal(v1, v2);
	assert_string_equal(j1, j2);
	assert_contains(p1, "\"Ani \"\"A\"\"\nbaris dua\"");
	assert_contains(p1, "x\x1b[31my\x01");
	free(p1);
	free(v1);
	free(j1);
	free(p2);
	free(v2);
	free(j2);
}

static void
test_bad_header(void **state)
{
	struct fx *f = *state;
	char *err = NULL;
	int rc;

	imp(f, 0, "person", "pid,name,colour,size\nA,B,c,d\n", ',', 0, &rc,
	    &err);
	assert_int_equal(rc, -1);
	assert_contains(err, "colour, size");
	free(err);
	err = NULL;
	imp(f, 0, "person", "pid;name\nA;B\n", ',', 0, &rc, &err);
	assert_int_equal(rc, -1);
	assert_contains(err, "--sep ';'");
	free(err);
	err = NULL;
	imp(f, 0, "person", "name\nB\n", ',', 0, &rc, &err);
	assert_int_equal(rc, -1);
	assert_contains(err, "pid");
	free(err);
	err = NULL;
	imp(f, 0, "visit", "note\nx\n", ',', 0, &rc, &err);
	assert_int_equal(rc, -1);
	assert_contains(err, "person.uuid");
	free(err);
	err = NULL;
	imp(f, 0, "nosuch", "a\n1\n", ',', 0, &rc, &err);
	assert_int_equal(rc, -1);
	free(err);
	assert_int_equal(count(f, 0, "SELECT count(*) FROM person"), 0);
}

static void
test_backup_restore(void **state)
{
	struct fx *f = *state;
	char *err = NULL, *bk = tu_path(f->dir, "bk.db");
	int rc;

	imp(f, 0, "person", "pid,name\nA,Ani\nB,Budi\n", ',', 0, &rc, &err);
	assert_int_equal(db_backup(f->db[0], bk, NULL, NULL, &err), 0);
	assert_int_equal(db_backup_check(f->db[1], bk, &err), 0);
	assert_int_equal(db_restore(f->db[1], bk, &err), 0);
	assert_int_equal(count(f, 1, "SELECT count(*) FROM person"), 2);
	/* a file that is not a database: refused, nothing replaced */
	free(bk);
	bk = tu_write_file(f->dir, "junk.db", "junk junk junk junk");
	assert_int_equal(db_restore(f->db[1], bk, &err), -1);
	assert_contains(err, "junk.db");
	free(err);
	assert_int_equal(count(f, 1, "SELECT count(*) FROM person"), 2);
	free(bk);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_many_rows_then_unchanged,
		    setup, teardown),
		cmocka_unit_test_setup_teardown(test_value_memo, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_labels_yesno_decimal_comma,
		    setup, teardown),
		cmocka_unit_test_setup_teardown(test_roster_link_and_rule,
		    setup, teardown),
		cmocka_unit_test_setup_teardown(test_round_trip, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_bad_header, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_backup_restore, setup,
		    teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
