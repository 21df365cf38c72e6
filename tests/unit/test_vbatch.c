/*
 * test_vbatch: the set-based pre-check of validate_scan (vbatch) gives
 * exactly the findings of the old record-by-record scan (validate_scan
 * with exact set), on the DTSEN dictionary and a demo register in a real
 * SQLite file: the planted mistakes of tests/data/quality/plant.sql, and
 * rounds of random mutations of every field (wrong values of every kind,
 * out of range, bad codes, bad dates and NIKs, control characters,
 * duplicates, broken rules, deleted rows), also with a region filter and
 * with the record and row callbacks. Each comparison is of the whole
 * transcript: every record and row visited and every finding with its
 * record, field, rule, severity, acceptance and message. And vbatch's
 * own contract: every record type compiles, a clean register flags
 * nothing, a planted row is flagged.
 */
#include "testutil.h"

#include <sqlite3.h>

#include "db.h"
#include "demo.h"
#include "expr.h"
#include "record.h"
#include "validate.h"
#include "vbatch.h"

struct fx {
	char *dir;
	struct schema *s;
	struct db *db;
	struct expr_set *x;
	struct validate_ctx c;
};

static int
setup(void **state)
{
	struct fx *f = xcalloc(1, sizeof *f);
	struct diags d = {0};
	struct demo_opts o;
	struct demo_result res;
	char *path, *err = NULL;

	setenv("KESRA_TODAY", "2026-11-28", 1);
	f->dir = tu_mkdtemp();
	path = tu_path(f->dir, "v.db");
	f->s = schema_yaml_load("schema", "forms", &d);
	if (f->s == NULL || d.n > 0) {
		tu_diags_dump(&d);
		fail_msg("the dictionary did not load");
	}
	if (db_open(&f->db, path, f->s, DB_OPEN_CREATE, &err) != 0 ||
	    db_migrate(f->db, 0, NULL, &err) != 0 ||
	    expr_register_functions(db_sqlite(f->db), &err) != 0)
		fail_msg("%s", err);
	if ((f->x = expr_compile(db_sqlite(f->db), f->s, &d)) == NULL) {
		tu_diags_dump(&d);
		fail_msg("expressions did not compile");
	}
	memset(&o, 0, sizeof o);
	o.households = 60;
	o.seed = 7;
	o.single_thread = 1;
	if (demo_run(f->db, f->x, &o, &res, &err) != 0)
		fail_msg("demo_run: %s", err);
	f->c.x = f->x;
	f->c.db = f->db;
	f->c.lang = 0;
	free(path);
	*state = f;
	return 0;
}

static int
teardown(void **state)
{
	struct fx *f = *state;
	expr_free(f->x);
	db_close(f->db);
	schema_free(f->s);
	tu_rmtree(f->dir);
	free(f->dir);
	free(f);
	unsetenv("KESRA_TODAY");
	return 0;
}

/* The transcript of a scan. */
static void
on_finding(void *ctx, const struct record *top, const struct record *r,
    const struct finding *fd)
{
	sbuf_addf(ctx, "F %s %lld/%s %lld %s %s %d %d %ld %s\n", top->def->name,
	    (long long)top->id, r->def->name, (long long)r->id,
	    fd->field == VALIDATE_NO_FIELD ? "-" : r->def->fields[fd->field].name,
	    fd->rule, (int)fd->severity, fd->accepted, fd->row, fd->msg);
}

static void
on_record(void *ctx, const struct record *top)
{
	sbuf_addf(ctx, "R %s %lld %s\n", top->def->name, (long long)top->id,
	    top->status);
}

static void
on_row(void *ctx, const struct record *top, const struct record *r)
{
	sbuf_addf(ctx, "W %lld %s %lld\n", (long long)top->id, r->def->name,
	    (long long)r->id);
}

static char *
scan(struct fx *f, int exact, int callbacks, const char *region,
    long *nfind)
{
	struct validate_scan o = {0};
	struct sbuf b = {0};
	char *err = NULL, *p;
	long n;

	o.fn = on_finding;
	o.exact = exact;
	o.region = region;
	if (callbacks) {
		o.record = on_record;
		o.row = on_row;
	}
	n = validate_scan(&f->c, &o, &b, &err);
	if (n < 0)
		fail_msg("validate_scan: %s", err);
	sbuf_addf(&b, "checked %ld\n", n);
	*nfind = 0;
	for (p = b.s; p != NULL && (p = strstr(p, "F ")) != NULL; p++)
		if (p == b.s || p[-1] == '\n')
			(*nfind)++;
	return sbuf_steal(&b);
}

/* The same transcript both ways; returns the number of findings. */
static long
same_both_ways(struct fx *f, const char *region)
{
	long n1, n2, n3, n4;
	char *a = scan(f, 1, 0, region, &n1), *b = scan(f, 0, 0, region, &n2);
	char *c = scan(f, 1, 1, region, &n3), *d = scan(f, 0, 1, region, &n4);
	assert_string_equal(b, a);
	assert_string_equal(d, c);
	assert_int_equal(n1, n3);
	free(a);
	free(b);
	free(c);
	free(d);
	return n1;
}

static void
exec(struct fx *f, const char *sql)
{
	char *e = NULL;
	if (sqlite3_exec(db_sqlite(f->db), sql, NULL, NULL, &e) != SQLITE_OK)
		fail_msg("%s: %s", sql, e);
}

static int
count_cb(void *arg, int64_t id)
{
	(void)id;
	(*(long *)arg)++;
	return 0;
}

/* EXPLAIN QUERY PLAN of sql, its details one a line. Caller frees. */
static char *
query_plan(struct fx *f, const char *sql)
{
	struct sbuf b = {0};
	sqlite3_stmt *st;
	char *q = xasprintf("EXPLAIN QUERY PLAN %s", sql);

	assert_int_equal(sqlite3_prepare_v2(db_sqlite(f->db), q, -1, &st,
	    NULL), SQLITE_OK);
	free(q);
	while (sqlite3_step(st) == SQLITE_ROW)
		sbuf_addf(&b, "%s\n", (const char *)sqlite3_column_text(st, 3));
	sqlite3_finalize(st);
	return b.s != NULL ? sbuf_steal(&b) : xstrdup("");
}

static void
test_compiles_clean(void **state)
{
	struct fx *f = *state;
	size_t i;

	for (i = 0; i < f->s->nrecords; i++) {
		char *err = NULL;
		long n = 0, np = 0;
		struct vbatch *v = vbatch_new(db_sqlite(f->db), f->s,
		    &f->s->records[i], &err);
		if (v == NULL)
			fail_msg("%s: %s", f->s->records[i].name, err);
		assert_non_null(strstr(vbatch_sql(v), "kesra_vb_row"));
		if (f->s->records[i].ndup_key > 0) {
			/* the probable-duplicate probe walks the key's index
			 * (a full scan per row took minutes on 6,000 rows) */
			char *plan = query_plan(f, vbatch_sql(v));
			char *want = xasprintf("SEARCH kesra_d USING INDEX "
			    "%s_duplicate_key", f->s->records[i].name);
			if (strstr(plan, want) == NULL)
				fail_msg("%s: plan without %s:\n%s",
				    f->s->records[i].name, want, plan);
			free(want);
			free(plan);
		}
		assert_int_equal(vbatch_flagged(v, 0, INT64_MAX, count_cb, &n,
		    &err), 0);
		assert_int_equal(vbatch_flagged_parents(v, 0, INT64_MAX,
		    count_cb, &np, &err), 0);
		assert_int_equal(n, 0);
		assert_int_equal(np, 0);
		vbatch_free(v);
	}
	assert_int_equal(same_both_ways(f, NULL), 0);
}

static void
test_planted(void **state)
{
	struct fx *f = *state;
	char *sql = tu_read_file("tests/data/quality/plant.sql", NULL), *err = NULL;
	const struct sch_record *mem = schema_record(f->s, "member");
	struct vbatch *v;
	long n = 0;

	exec(f, sql);
	free(sql);
	assert_true(same_both_ways(f, NULL) > 40);
	/* household 21's head has nutrition 4 (nutrition_under_five) */
	v = vbatch_new(db_sqlite(f->db), f->s, mem, &err);
	assert_non_null(v);
	assert_int_equal(vbatch_flagged_parents(v, 21, 21, count_cb, &n,
	    &err), 0);
	assert_true(n >= 1);
	n = 0;
	assert_int_equal(vbatch_flagged_parents(v, 1, 12, count_cb, &n,
	    &err), 0);
	assert_int_equal(n, 0); /* household mistakes only there */
	vbatch_free(v);
}

/* vbatch_flagged_roster: the roster's count and rules, not its rows. */
static void
test_roster_only(void **state)
{
	struct fx *f = *state;
	const struct sch_record *mem = schema_record(f->s, "member");
	struct vbatch *v = vbatch_new(db_sqlite(f->db), f->s, mem, NULL);
	char *err = NULL;
	long n = 0;

	assert_non_null(v);
	assert_int_equal(vbatch_flagged_roster(v, 0, INT64_MAX, count_cb, &n,
	    &err), 0);
	assert_int_equal(n, 0);
	/* household 5: every member a head (one_head); household 7: an
	 * adult's nutrition (a row's own rule) */
	exec(f, "UPDATE member SET relationship = 1, present = 1 WHERE "
	    "parent_id = 5; UPDATE member SET nutrition = 4 WHERE id = "
	    "(SELECT min(id) FROM member WHERE parent_id = 7 AND age >= 18)");
	assert_int_equal(vbatch_flagged_roster(v, 5, 5, count_cb, &n, &err),
	    0);
	assert_true(n >= 1);
	n = 0;
	assert_int_equal(vbatch_flagged_roster(v, 6, 7, count_cb, &n, &err),
	    0);
	assert_int_equal(n, 0);
	assert_int_equal(vbatch_flagged_parents(v, 7, 7, count_cb, &n, &err),
	    0);
	assert_true(n >= 1);
	/* a household without rows while the roster has a minimum */
	exec(f, "UPDATE member SET deleted_at = '2025-01-01' WHERE parent_id "
	    "= 9");
	n = 0;
	assert_int_equal(vbatch_flagged_roster(v, 9, 9, count_cb, &n, &err),
	    0);
	assert_true(n >= 1);
	vbatch_free(v);
}

/* A small PRNG (xorshift64*), so that the mutations are the same each run. */
static uint64_t
rnd(uint64_t *s)
{
	*s ^= *s >> 12;
	*s ^= *s << 25;
	*s ^= *s >> 27;
	return *s * 2685821657736338717ULL;
}

static const char *const text_values[] = {
	"NULL", "''", "' x '", "'abc'", "'2024-02-30'", "'2024-01-15'",
	"'15-01-2024'", "'1849-12-31'", "'12a4'", "'1234'", "'12'",
	"'Äni Rahma'", "'a' || char(9) || 'b'", "'96'", "'96.01'",
	"'96.01.01'", "'96.01.01.2001'", "'96.99.01.2001'", "'11.01'",
	"'9601014101900001'", "'9601010101900001'", "'960101010190000'",
	"'+6281234567890'", "'0812-345'", "'1 2'", "'0 1'", "'3 3'", "'x y'",
	"'1'", "'0'", "'SITI'", "'O''NEIL-JR. '", "'  SITI  AMINAH '",
	"substr(hex(zeroblob(600)), 1, 1100)", "CAST(X'C328' AS TEXT)",
	"'7'", "'23'", "'2'"
};
static const char *const int_values[] = {
	"NULL", "0", "1", "2", "3", "4", "5", "6", "7", "8", "9", "12", "15",
	"17", "23", "50", "99", "100", "101", "999", "1000", "-1",
	"1000000000000000"
};
static const char *const real_values[] = {
	"NULL", "0.5", "-1.0", "1e20", "12.345678901234567", "2.0", "35.5",
	"0.1", "131.0", "40.0"
};

/* One mutation: a random field of a random live row to a random value. */
static void
mutate(struct fx *f, uint64_t *seed)
{
	const struct sch_record *def = &f->s->records[rnd(seed) %
	    f->s->nrecords];
	const struct sch_field *fd;
	const char *t, *val;
	char *sql;
	int64_t hi = def->parent != NULL ? 260 : 62;
	long long id = (long long)(1 + rnd(seed) % (uint64_t)hi);
	int k = (int)(rnd(seed) % 20);

	if (k == 0) { /* delete or revive a row */
		sql = sqlite3_mprintf("UPDATE \"%w\" SET deleted_at = CASE "
		    "WHEN deleted_at IS NULL THEN '2025-01-01' END WHERE id = "
		    "%lld", def->name, id);
		sqlite3_exec(db_sqlite(f->db), sql, NULL, NULL, NULL);
		sqlite3_free(sql);
		return;
	}
	if (k == 1 && def->ndup_key > 0) { /* a probable duplicate */
		long long other = (long long)(1 + rnd(seed) % (uint64_t)hi);
		size_t j;
		for (j = 0; j < def->ndup_key; j++) {
			const char *n = def->fields[def->dup_key[j]].name;
			sql = sqlite3_mprintf("UPDATE \"%w\" SET \"%w\" = "
			    "(SELECT \"%w\" FROM \"%w\" WHERE id = %lld) "
			    "WHERE id = %lld", def->name, n, n, def->name,
			    other, id);
			sqlite3_exec(db_sqlite(f->db), sql, NULL, NULL, NULL);
			sqlite3_free(sql);
		}
		return;
	}
	fd = &def->fields[rnd(seed) % def->nfields];
	if (!schema_field_stored(fd))
		return;
	t = schema_field_sql_type(fd);
	if (k < 4) { /* another row's value: duplicates */
		sql = sqlite3_mprintf("UPDATE \"%w\" SET \"%w\" = (SELECT "
		    "\"%w\" FROM \"%w\" WHERE id = %lld) WHERE id = %lld",
		    def->name, fd->name, fd->name, def->name,
		    (long long)(1 + rnd(seed) % (uint64_t)hi), id);
		sqlite3_exec(db_sqlite(f->db), sql, NULL, NULL, NULL);
		sqlite3_free(sql);
		return;
	}
	if (strcmp(t, "INTEGER") == 0)
		val = int_values[rnd(seed) % (sizeof int_values /
		    sizeof *int_values)];
	else if (strcmp(t, "REAL") == 0)
		val = real_values[rnd(seed) % (sizeof real_values /
		    sizeof *real_values)];
	else
		val = text_values[rnd(seed) % (sizeof text_values /
		    sizeof *text_values)];
	sql = sqlite3_mprintf("UPDATE \"%w\" SET \"%w\" = %s WHERE id = %lld",
	    def->name, fd->name, val, id);
	/* refused (STRICT type, NOT NULL): no mutation */
	sqlite3_exec(db_sqlite(f->db), sql, NULL, NULL, NULL);
	sqlite3_free(sql);
}

static void
test_mutations(void **state)
{
	struct fx *f = *state;
	uint64_t seed = 0x9e3779b97f4a7c15ULL;
	char *region = NULL;
	int round, i;
	long total = 0;
	sqlite3_stmt *st;

	/* the unique indexes go, so that values can be used twice */
	exec(f, "DROP INDEX IF EXISTS household_kk_number_unique; "
	    "DROP INDEX IF EXISTS member_nik_unique");
	if (sqlite3_prepare_v2(db_sqlite(f->db), "SELECT district FROM "
	    "household WHERE id = 3", -1, &st, NULL) == SQLITE_OK &&
	    sqlite3_step(st) == SQLITE_ROW)
		region = xstrdup((const char *)sqlite3_column_text(st, 0));
	sqlite3_finalize(st);
	assert_non_null(region);
	/*
	 * Few mutations a round, each round rolled back: most households
	 * stay clean, so that a finding the set-based checks miss is not
	 * hidden by another one of the same household.
	 */
	for (round = 0; round < 60; round++) {
		exec(f, "BEGIN");
		for (i = 0; i < 4; i++)
			mutate(f, &seed);
		total += same_both_ways(f, NULL);
		if (round % 4 == 0)
			same_both_ways(f, region);
		exec(f, "ROLLBACK");
	}
	assert_true(total > 60);
	free(region);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_compiles_clean, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_planted, setup, teardown),
		cmocka_unit_test_setup_teardown(test_roster_only, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_mutations, setup,
		    teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
