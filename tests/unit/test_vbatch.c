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

#include <math.h>
#include <regex.h>
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
		{
			/* DTSEN's rules are evaluated in C (vexpr), not in
			 * the statement */
			const struct sch_record *r = &f->s->records[i];
			size_t k;
			for (k = 0; k < r->nrules; k++)
				if (strstr(vbatch_sql(v), r->rules[k].check.text))
					fail_msg("%s: rule %s still in SQL",
					    r->name, r->rules[k].name);
		}
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

/*
 * A unique field whose partial unique index is in place needs no probe
 * (SQLite refuses a second live row with the value); a register whose
 * index was dropped or altered by hand keeps the probe, and the scan
 * still finds the values used twice, as the exact path does.
 */
static void
test_unique_enforced(void **state)
{
	struct fx *f = *state;
	const struct sch_record *mem = schema_record(f->s, "member");
	struct vbatch *v;
	long n;
	char *err = NULL;

	v = vbatch_new(db_sqlite(f->db), f->s, mem, &err);
	assert_non_null(v);
	assert_null(strstr(vbatch_sql(v), "kesra_u"));
	vbatch_free(v);
	/* the index altered: not unique any more */
	exec(f, "DROP INDEX member_nik_unique; CREATE INDEX member_nik_unique "
	    "ON member (nik) WHERE deleted_at IS NULL AND nik IS NOT NULL");
	v = vbatch_new(db_sqlite(f->db), f->s, mem, &err);
	assert_non_null(v);
	assert_non_null(strstr(vbatch_sql(v), "kesra_u"));
	vbatch_free(v);
	/* dropped, and three members given the NIK of others */
	exec(f, "DROP INDEX member_nik_unique");
	exec(f, "UPDATE member SET nik = (SELECT nik FROM member WHERE id = 1) "
	    "WHERE id IN (7, 30); UPDATE member SET nik = (SELECT nik FROM "
	    "member WHERE id = 12) WHERE id = 13");
	v = vbatch_new(db_sqlite(f->db), f->s, mem, &err);
	assert_non_null(v);
	assert_non_null(strstr(vbatch_sql(v), "kesra_u"));
	n = 0;
	assert_int_equal(vbatch_flagged(v, 0, INT64_MAX, count_cb, &n, &err),
	    0);
	assert_true(n >= 5); /* 1, 7, 30, 12, 13 */
	vbatch_free(v);
	{
		long n1;
		char *a = scan(f, 1, 0, NULL, &n1), *b;
		assert_true(strstr(a, " unique ") != NULL);
		b = scan(f, 0, 0, NULL, &n);
		assert_string_equal(b, a);
		free(a);
		free(b);
	}
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
	char *region = NULL, *province = NULL;
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
	/* a region of the whole register: the key set, as without one */
	if (sqlite3_prepare_v2(db_sqlite(f->db), "SELECT province FROM "
	    "household WHERE id = 3", -1, &st, NULL) == SQLITE_OK &&
	    sqlite3_step(st) == SQLITE_ROW)
		province = xstrdup((const char *)sqlite3_column_text(st, 0));
	sqlite3_finalize(st);
	assert_non_null(province);
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
		if (round % 4 == 1)
			same_both_ways(f, province);
		exec(f, "ROLLBACK");
	}
	assert_true(total > 60);
	free(region);
	free(province);
}

/* The ids a run flagged, with vbatch's mark of each, one a line. */
static int
ids_cb(void *arg, int64_t id)
{
	sbuf_addf(arg, "%lld\n", (long long)id);
	return 0;
}

static char *
flagged_marks(struct vbatch *v)
{
	struct sbuf b = {0}, m = {0};
	char *err = NULL, *p;
	int64_t id;

	if (vbatch_flagged_parents(v, 0, INT64_MAX, ids_cb, &b, &err) != 0)
		fail_msg("vbatch_flagged_parents: %s", err);
	for (id = 1; id <= 400; id++)
		if (vbatch_marked(v, id) != 0)
			sbuf_addf(&m, "m %lld %d\n", (long long)id,
			    vbatch_marked(v, id));
	sbuf_add(&m, b.s != NULL ? b.s : "");
	sbuf_free(&b);
	p = sbuf_steal(&m);
	return p != NULL ? p : xstrdup("");
}

/*
 * The key set (vbatch_keyset): with it, a run flags and marks exactly
 * the rows it flags without it (duplicates spelt apart by case and
 * separators, several of one key, one deleted); made once, then kept;
 * given up when another connection writes, after which a duplicate made
 * by that write is found (the set of before would miss it).
 */
static void
test_keyset(void **state)
{
	struct fx *f = *state;
	const struct sch_record *mem = schema_record(f->s, "member");
	struct vbatch *on, *off;
	char *a, *b, *err = NULL, *path;
	sqlite3 *other;

	exec(f, "UPDATE member SET name = (SELECT upper(name) || '.' FROM "
	    "member WHERE id = 3), birth_date = (SELECT birth_date FROM member "
	    "WHERE id = 3) WHERE id = 40");
	exec(f, "UPDATE member SET name = (SELECT replace(name, ' ', ' - ') "
	    "FROM member WHERE id = 3), birth_date = (SELECT birth_date FROM "
	    "member WHERE id = 3) WHERE id = 90");
	exec(f, "UPDATE member SET name = (SELECT name FROM member WHERE id = "
	    "5), birth_date = (SELECT birth_date FROM member WHERE id = 5), "
	    "deleted_at = '2025-01-01' WHERE id = 60");
	on = vbatch_new(db_sqlite(f->db), f->s, mem, &err);
	off = vbatch_new(db_sqlite(f->db), f->s, mem, &err);
	assert_non_null(on);
	assert_non_null(off);
	assert_int_equal(vbatch_keyset(on, 1), 1);
	assert_int_equal(vbatch_keyset_state(on), 0);
	a = flagged_marks(on);
	b = flagged_marks(off);
	assert_int_equal(vbatch_keyset_state(on), 1);
	assert_int_equal(vbatch_keyset_state(off), 0);
	assert_string_equal(a, b);
	/* 3's twins 40 and 90 (marked for their own checks too: their
	 * birth dates no longer fit their ages) */
	assert_non_null(strstr(a, "m 3 2\n"));
	assert_non_null(strstr(a, "m 40 "));
	assert_non_null(strstr(a, "m 90 "));
	assert_null(strstr(a, "m 5 ")); /* its twin is deleted */
	free(a);
	free(b);
	/* the set kept: a second run the same */
	a = flagged_marks(on);
	assert_int_equal(vbatch_keyset_state(on), 1);
	free(a);
	/* another connection makes member 7 a twin of member 8 */
	path = tu_path(f->dir, "v.db");
	assert_int_equal(sqlite3_open(path, &other), SQLITE_OK);
	assert_int_equal(sqlite3_exec(other, "UPDATE member SET name = (SELECT "
	    "name FROM member WHERE id = 8), birth_date = (SELECT birth_date "
	    "FROM member WHERE id = 8) WHERE id = 7", NULL, NULL, NULL),
	    SQLITE_OK);
	sqlite3_close(other);
	free(path);
	a = flagged_marks(on);
	b = flagged_marks(off);
	assert_int_equal(vbatch_keyset_state(on), -1);
	assert_string_equal(a, b);
	assert_non_null(strstr(a, "m 8 2\n"));
	assert_non_null(strstr(a, "m 7 "));
	free(a);
	free(b);
	/* off again: nothing kept */
	assert_int_equal(vbatch_keyset(on, 0), 0);
	assert_int_equal(vbatch_keyset_state(on), 0);
	vbatch_free(on);
	vbatch_free(off);
}

/*
 * The duplicate key of the outer row in C (kesra_vb_dknorm, _dkkey,
 * _dkrun) gives exactly what db_dupkey_norm's SQL, the index's key and
 * the GLOB give, over adversarial names: UTF-8 and broken UTF-8, runs of
 * spaces, dots, hyphens and apostrophes of every length around the 8
 * the SQL folds, names of 0-3 characters, letters beyond ASCII that
 * upper() leaves, a NUL inside.
 */
static void
test_dupkey_c(void **state)
{
	static const char *const names[] = {
		"", "a", "ab", "abc", "x'", "'", ".", "-", " ", "  ", "a b",
		"o'neil-jr.  siti", "  Siti . - ' Aminah  ", "AL-FARISI",
		"\xc3\xa9t\xc3\xa9", "\xc3\x9f\xc3\xbf", "\xc4\xb1i",
		"\xe1\xba\x9e", "\xce\xa3\xcf\x82", "\xf0\x9f\x98\x80x",
		"\xc3", "\x80\x80", "a\xc3", "\xc3\xa9", "\xe2\x82",
		"\xff\xfe", "x\xc3 .", "'''''''''", "''''''''", "--------",
		"---------", "a.-' .-'.b", "a.-' .-' b", "Ni Made", "I Gusti",
		"zz zz", "ZZ", "\x7f\x01x", "abc'", "'abc", "A.B.C.",
		"muhammad  al   farisi", "a                 b",
	};
	struct fx *f = *state;
	const struct sch_record *mem = schema_record(f->s, "member");
	char *err = NULL, *n = db_dupkey_norm("?1"), *sql;
	struct vbatch *v = vbatch_new(db_sqlite(f->db), f->s, mem, &err);
	sqlite3_stmt *st;
	uint64_t seed = 12345;
	size_t i, k;
	int round;

	assert_non_null(v);
	/* the C functions are what the row statement uses */
	assert_non_null(strstr(vbatch_sql(v), "kesra_vb_dkkey(\"member\"."
	    "\"name\")"));
	assert_non_null(strstr(vbatch_sql(v), "kesra_vb_dknorm("));
	assert_non_null(strstr(vbatch_sql(v), "kesra_vb_dkrun("));
	sql = xasprintf("SELECT %s IS kesra_vb_dknorm(?1), substr(%s, 1, 2) "
	    "|| substr(%s, -2) IS kesra_vb_dkkey(?1), (?1 GLOB '*[ .''-]"
	    "[ .''-][ .''-][ .''-][ .''-][ .''-][ .''-][ .''-][ .''-]*') IS "
	    "kesra_vb_dkrun(?1), kesra_vb_dknorm(?1), %s", n, n, n, n);
	assert_int_equal(sqlite3_prepare_v2(db_sqlite(f->db), sql, -1, &st,
	    NULL), SQLITE_OK);
	for (round = 0; round < 3000; round++) {
		char buf[40];
		size_t len;
		if (round < (int)(sizeof names / sizeof *names)) {
			len = strlen(names[round]);
			memcpy(buf, names[round], len);
		} else {
			/* random bytes from an alphabet of separators, ASCII
			 * letters and UTF-8 pieces; now and then a NUL */
			static const char alpha[] = " .-'aZ\xc3\xa9\x80\xff"
			    "\xe2\x82\xac";
			len = (size_t)(rnd(&seed) % 24);
			for (k = 0; k < len; k++)
				buf[k] = alpha[rnd(&seed) % (sizeof alpha - 1)];
			if (len > 2 && round % 50 == 0)
				buf[len / 2] = '\0';
		}
		sqlite3_bind_text(st, 1, buf, (int)len, SQLITE_TRANSIENT);
		assert_int_equal(sqlite3_step(st), SQLITE_ROW);
		for (i = 0; i < 3; i++)
			if (sqlite3_column_int(st, (int)i) != 1)
				fail_msg("function %zu differs on '%.*s' (%zu "
				    "bytes): C '%s', SQL '%s'", i, (int)len,
				    buf, len, sqlite3_column_text(st, 3),
				    sqlite3_column_text(st, 4));
		sqlite3_reset(st);
	}
	/* NULL in, NULL out */
	sqlite3_bind_null(st, 1);
	assert_int_equal(sqlite3_step(st), SQLITE_ROW);
	assert_int_equal(sqlite3_column_int(st, 0), 1);
	assert_int_equal(sqlite3_column_int(st, 1), 1);
	assert_int_equal(sqlite3_column_int(st, 2), 1);
	sqlite3_finalize(st);
	free(sql);
	free(n);
	vbatch_free(v);
}

/*
 * kesra_vb_row passes a value only when validate_value accepts it (its
 * fast paths decide without validate_value): decimal and REAL values,
 * select_multiple codes, patterned text, each bound alone in its field's
 * place and compared with validate_value on the stored text.
 */
static void
test_vb_row_values(void **state)
{
	static const struct {
		const char *record, *field, *sql;
		int pass; /* -1: either way, but never when refused */
	} cases[] = {
		{"member", "height_cm", "35.5", 1},
		{"member", "height_cm", "30", 1},
		{"member", "height_cm", "30.0", 1},
		{"member", "height_cm", "29.9999", 0},
		{"member", "height_cm", "130.0001", 0},
		{"member", "height_cm", "131.0", 0},
		{"member", "height_cm", "0.30000000000000004", 0},
		{"member", "height_cm", "100.000000000001", 1},
		{"member", "height_cm", "100.0000000000001", 0},
		{"member", "height_cm", "123456789012.5", 0},
		{"member", "height_cm", "1e20", 0},
		{"member", "height_cm", "-0.0", 0},
		{"member", "weight_kg", "12.25", 1},
		{"member", "weight_kg", "40", 1},
		{"member", "weight_kg", "0.99999", 0},
		{"member", "weight_kg", "1.00001", -1},
		{"member", "id_docs", "'1 3'", -1},
		{"member", "id_docs", "'3 1'", -1},
		{"member", "id_docs", "'1  3'", -1},
		{"member", "id_docs", "'1,3'", -1},
		{"member", "id_docs", "'1 1'", 0},
		{"member", "id_docs", "'01 3'", -1},
		{"member", "id_docs", "'99'", 0},
		{"member", "id_docs", "' 1'", -1},
		{"member", "health_insurance", "'0'", -1},
		{"member", "name", "'SITI AMINAH'", 1},
		{"member", "name", "'1SITI'", 0},
		{"member", "name", "'SITI AMINAH'", 1},
		{"member", "name", "'SITI_AMINAH'", 0},
		{"member", "name", "' SITI'", -1},
		{"member", "name", "'SITI '", -1},
		{"member", "name", "'SITI  AMINAH'", -1},
		{"member", "name", "'SITI'", 1},
		{"member", "name", "'SITI' || char(9)", -1},
		{"member", "name", "'S' || char(233) || 'TI'", -1},
		{"household", "sls_code", "'0001'", 1},
		{"household", "sls_code", "'0001'", 1},
		{"household", "sls_code", "'001'", 0},
		{"household", "sls_code", "'00011'", 0},
		{"household", "floor_area", "36.0", 1},
		{"household", "floor_area", "0.5", 0},
		{"household", "floor_area", "999.5", 0},
		{"household", "floor_per_capita", "12.5", 1},
		{"household", "floor_per_capita", "12.0", 0},
		{"household", "floor_per_capita", "12", 1},
	};
	struct fx *f = *state;
	size_t c;

	for (c = 0; c < sizeof cases / sizeof *cases; c++) {
		const struct sch_record *def = schema_record(f->s,
		    cases[c].record);
		char *err = NULL, *sql, *norm = NULL, *msg = NULL, buf[64];
		const char *rule = NULL, *text;
		struct vbatch *v = vbatch_new(db_sqlite(f->db), f->s, def, &err);
		struct sbuf b = {0};
		sqlite3_stmt *st;
		size_t i, pos = 0, idx = 0;
		int passed, accepted;

		assert_non_null(v);
		for (i = 0; i < def->nfields; i++) {
			if (!schema_field_stored(&def->fields[i]))
				continue;
			if (strcmp(def->fields[i].name, cases[c].field) == 0)
				break;
			pos++;
		}
		assert_true(i < def->nfields);
		idx = i;
		/* kesra_vb_row(vbatch, chunk, NULL..., value) */
		sbuf_addf(&b, "SELECT kesra_vb_row(?1, %zu", pos / 120);
		for (i = 0; i < pos % 120; i++)
			sbuf_add(&b, ", NULL");
		sbuf_addf(&b, ", CAST(%s AS %s)), CAST(%s AS %s)",
		    cases[c].sql, schema_field_sql_type(&def->fields[idx]),
		    cases[c].sql, schema_field_sql_type(&def->fields[idx]));
		sql = sbuf_steal(&b);
		assert_int_equal(sqlite3_prepare_v2(db_sqlite(f->db), sql, -1,
		    &st, NULL), SQLITE_OK);
		sqlite3_bind_pointer(st, 1, v, "kesra_vbatch", NULL);
		assert_int_equal(sqlite3_step(st), SQLITE_ROW);
		passed = sqlite3_column_int(st, 0) == 0;
		/* the stored text, as db_record_load reads it */
		if (sqlite3_column_type(st, 1) == SQLITE_FLOAT) {
			util_fmt_double(sqlite3_column_double(st, 1), buf,
			    sizeof buf);
			text = buf;
		} else
			text = (const char *)sqlite3_column_text(st, 1);
		accepted = validate_value(&def->fields[idx], text, 0, &norm,
		    &rule, &msg) == 0;
		if (def->fields[idx].type == FT_CALCULATE)
			accepted = cases[c].pass == 1; /* bound as stored */
		if (passed && !accepted)
			fail_msg("%s.%s = %s passed, refused by validate_value",
			    cases[c].record, cases[c].field, cases[c].sql);
		if (cases[c].pass >= 0 && passed != cases[c].pass)
			fail_msg("%s.%s = %s: %s", cases[c].record,
			    cases[c].field, cases[c].sql, passed ? "passed" :
			    "flagged");
		free(norm);
		free(msg);
		sqlite3_finalize(st);
		free(sql);
		vbatch_free(v);
	}
}

/*
 * vbatch's own matcher of simple patterns decides as regexec of the
 * anchored pattern, over random printable ASCII texts (of the characters
 * the patterns name and others), and leaves the other patterns alone.
 */
static void
test_pattern_matcher(void **state)
{
	static const char *const simple[] = {
		"[[:alpha:]][[:alpha:] .'-]*", "[0-9]{4}", "[0-9]{2}",
		"[0-9]{2,3}", "[0-9]{1,}", "[[:upper:]][[:lower:]]*",
		"[^0-9 ]+", "a?b*c{1,3}d{2,}", ".*x.?", "[-a]+", "[a-]",
		"[0-9-]+", "[[:alnum:]_]{3,8}", "x{0}y", "[[:digit:][:space:]]*",
		"RT [0-9]+/RW [0-9]+", "", "[[:punct:]]?[[:alpha:]]+",
		/* more sets of positions than the matcher keeps steps of */
		"[0-9]{16}x{0,16}", "a?b?c?d?S?I?T?x?y?z?0?1?9?A?B?R?_?/?.?'?-? ?a?b?c?",
	};
	static const char *const other[] = {
		"(ab)+", "a|b", "[a-z]+", "\\d", "^a", "a$", "[]a]", "a**",
		"[[:foo:]]", "x{17}", "[[=a=]]", "a{,3}",
	};
	static const char alpha[] = "aAbBcdxyzSITI019 .'-_/R[]";
	uint64_t seed = 99;
	size_t i, k, len;
	char buf[24], *anch;
	int round, want, got;
	static char texts[4000][24];
	const char *tp[4000];
	int many[4000];

	(void)state;
	for (i = 0; i < sizeof other / sizeof *other; i++)
		if (vbatch_pattern_test(other[i], "a") != -1)
			fail_msg("'%s' was compiled", other[i]);
	for (i = 0; i < sizeof simple / sizeof *simple; i++) {
		regex_t re;
		anch = xasprintf("^(%s)$", simple[i]);
		assert_int_equal(regcomp(&re, anch, REG_EXTENDED | REG_NOSUB),
		    0);
		for (round = 0; round < 4000; round++) {
			len = 1 + (size_t)(rnd(&seed) % (round % 3 ? 12 : 22));
			for (k = 0; k < len; k++)
				buf[k] = round % 7 == 0 ? (char)(0x20 +
				    rnd(&seed) % 95) : round % 5 == 0 ?
				    (char)('0' + rnd(&seed) % 10) :
				    alpha[rnd(&seed) % (sizeof alpha - 1)];
			buf[len] = '\0';
			want = regexec(&re, buf, 0, NULL, 0) == 0;
			got = vbatch_pattern_test(simple[i], buf);
			if (got != want)
				fail_msg("'%s' on '%s': %d, regexec %d",
				    simple[i], buf, got, want);
			memcpy(texts[round], buf, len + 1);
			tp[round] = texts[round];
		}
		/* the same texts through one matcher: the steps it keeps
		 * from text to text decide as regexec too */
		assert_int_equal(vbatch_pattern_test_many(simple[i], tp, 4000,
		    many), 0);
		for (round = 0; round < 4000; round++)
			if (many[round] != (regexec(&re, tp[round], 0, NULL,
			    0) == 0))
				fail_msg("'%s' on '%s' (kept steps): %d",
				    simple[i], tp[round], many[round]);
		assert_int_equal(vbatch_pattern_test(simple[i], "SITI"),
		    regexec(&re, "SITI", 0, NULL, 0) == 0);
		regfree(&re);
		free(anch);
	}
	assert_int_equal(vbatch_pattern_test("[0-9]{4}", "0001"), 1);
	assert_int_equal(vbatch_pattern_test("[0-9]{4}", "00011"), 0);
	assert_int_equal(vbatch_pattern_test("[[:alpha:]][[:alpha:] .'-]*",
	    "O'NEIL-JR. SITI"), 1);
	assert_int_equal(vbatch_pattern_test("[[:alpha:]][[:alpha:] .'-]*",
	    "1SITI"), 0);
}

/*
 * kesra_vb_row passes the integers of an integer field by a range made
 * from its min and max (doubles): with bounds that are not whole, none
 * or not numbers, a member's work_hours is flagged exactly when
 * validate_value refuses it or the rule work_hours_plausible (<= 84)
 * fails.
 */
static void
test_int_ranges(void **state)
{
	static const struct {
		int has_min, has_max;
		double min, max;
	} bounds[] = {
		{1, 1, 2.5, 60.5}, {1, 1, -0.5, 1e300}, {0, 1, 0, 59.999},
		{1, 0, 61, 0}, {1, 1, -INFINITY, INFINITY}, {1, 1, NAN, NAN},
		{1, 1, 1e20, 1e21}, {1, 1, -1e21, -1e20}, {1, 1, 1, 99},
	};
	static const long long vals[] = {
		-1, 0, 1, 2, 3, 59, 60, 61, 62, 84, 85, 99, 100,
		999999999999999LL, 1000000000000000LL, -999999999999999LL,
	};
	struct fx *f = *state;
	const struct sch_record *def = schema_record(f->s, "member");
	struct sch_field *fld = NULL;
	sqlite3_stmt *st;
	int64_t id = 0;
	size_t b, k, i;
	long checked = 0;

	for (i = 0; i < def->nfields; i++)
		if (strcmp(def->fields[i].name, "work_hours") == 0)
			fld = (struct sch_field *)&def->fields[i];
	assert_non_null(fld);
	/* a member with work hours and no finding of its own */
	{
		char *err = NULL;
		struct vbatch *v = vbatch_new(db_sqlite(f->db), f->s, def, &err);
		long n = 0;
		assert_non_null(v);
		assert_int_equal(vbatch_flagged(v, 1, INT64_MAX, count_cb, &n,
		    &err), 0);
		assert_int_equal(sqlite3_prepare_v2(db_sqlite(f->db), "SELECT "
		    "id FROM member WHERE deleted_at IS NULL AND work_hours IS "
		    "NOT NULL ORDER BY id", -1, &st, NULL), SQLITE_OK);
		while (id == 0 && sqlite3_step(st) == SQLITE_ROW)
			if (vbatch_marked(v, sqlite3_column_int64(st, 0)) == 0)
				id = sqlite3_column_int64(st, 0);
		sqlite3_finalize(st);
		vbatch_free(v);
	}
	assert_true(id > 0);
	for (b = 0; b < sizeof bounds / sizeof *bounds; b++) {
		char *err = NULL;
		struct vbatch *v;
		fld->has_min = bounds[b].has_min;
		fld->has_max = bounds[b].has_max;
		fld->min = bounds[b].min;
		fld->max = bounds[b].max;
		v = vbatch_new(db_sqlite(f->db), f->s, def, &err);
		assert_non_null(v);
		for (k = 0; k < sizeof vals / sizeof *vals; k++) {
			char *sql, text[32], *norm = NULL, *msg = NULL;
			const char *rule = NULL;
			long n = 0;
			int refused, want;
			sql = sqlite3_mprintf("UPDATE member SET work_hours = "
			    "%lld WHERE id = %lld", vals[k], (long long)id);
			exec(f, sql);
			sqlite3_free(sql);
			snprintf(text, sizeof text, "%lld", vals[k]);
			refused = validate_value(fld, text, 0, &norm, &rule,
			    &msg) != 0;
			free(norm);
			free(msg);
			want = refused || vals[k] > 84;
			assert_int_equal(vbatch_flagged(v, id, id, count_cb, &n,
			    &err), 0);
			if ((n > 0) != want)
				fail_msg("work_hours %lld with min %g (%d) max "
				    "%g (%d): %s, validate_value %s", vals[k],
				    bounds[b].min, bounds[b].has_min,
				    bounds[b].max, bounds[b].has_max, n > 0 ?
				    "flagged" : "passed", refused ? "refuses" :
				    "accepts");
			checked++;
		}
		vbatch_free(v);
	}
	assert_true(checked > 100);
}

/*
 * What kesra_vb_row keeps from value to value (the last region code and
 * select_multiple value accepted) lasts one run: the village of the
 * last household of a run, retired before the next run of the same
 * vbatch, flags that household in the next.
 */
static void
test_kept_per_run(void **state)
{
	struct fx *f = *state;
	const struct sch_record *def = schema_record(f->s, "household");
	char *err = NULL, *sql;
	struct vbatch *v = vbatch_new(db_sqlite(f->db), f->s, def, &err);
	sqlite3_stmt *st;
	int64_t id = 0;
	long n = 0;

	assert_non_null(v);
	assert_int_equal(sqlite3_prepare_v2(db_sqlite(f->db), "SELECT max(id) "
	    "FROM household WHERE deleted_at IS NULL", -1, &st, NULL),
	    SQLITE_OK);
	assert_int_equal(sqlite3_step(st), SQLITE_ROW);
	id = sqlite3_column_int64(st, 0);
	sqlite3_finalize(st);
	assert_int_equal(vbatch_flagged(v, 1, id, count_cb, &n, &err), 0);
	assert_int_equal(vbatch_marked(v, id), 0); /* its village accepted */
	sql = sqlite3_mprintf("UPDATE kesra_region SET retired = 1 WHERE code "
	    "= (SELECT village FROM household WHERE id = %lld)",
	    (long long)id);
	exec(f, sql);
	sqlite3_free(sql);
	n = 0;
	assert_int_equal(vbatch_flagged(v, id, id, count_cb, &n, &err), 0);
	assert_int_equal(n, 1);
	assert_int_equal(vbatch_marked(v, id), VB_OWN);
	vbatch_free(v);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_compiles_clean, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_planted, setup, teardown),
		cmocka_unit_test_setup_teardown(test_unique_enforced, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_roster_only, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_mutations, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_keyset, setup, teardown),
		cmocka_unit_test_setup_teardown(test_dupkey_c, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_vb_row_values, setup,
		    teardown),
		cmocka_unit_test(test_pattern_matcher),
		cmocka_unit_test_setup_teardown(test_kept_per_run, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_int_ranges, setup,
		    teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
