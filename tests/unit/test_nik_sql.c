/*
 * test_nik_sql: the SQL helpers for welfare registers that expr registers
 * (nik_birth_date, nik_sex, nik_region_known, age_months, haz) with known
 * values, the WHO table behind haz, and the retired region codes they rely
 * on: the regions_retired key, its loading into the region table (retired
 * rows that only NIK checks see), its checks, and the reload of a region
 * table of the format before. Today is fixed with KESRA_TODAY.
 */
#include "testutil.h"

#include <math.h>

#include "db.h"
#include "expr.h"
#include "region.h"
#include "who.h"

/* The value of a one-column query as text, "NULL" for NULL. */
static char *
q(sqlite3 *h, const char *sql)
{
	sqlite3_stmt *st = NULL;
	char *v;
	if (sqlite3_prepare_v2(h, sql, -1, &st, NULL) != SQLITE_OK)
		fail_msg("prepare %s: %s", sql, sqlite3_errmsg(h));
	if (sqlite3_step(st) != SQLITE_ROW)
		fail_msg("no row from %s: %s", sql, sqlite3_errmsg(h));
	v = xstrdup(sqlite3_column_type(st, 0) == SQLITE_NULL ? "NULL" :
	    (const char *)sqlite3_column_text(st, 0));
	sqlite3_finalize(st);
	return v;
}

#define assert_q(h, sql, want) do {                                        \
	char *got_ = q((h), (sql));                                         \
	if (strcmp(got_, (want)) != 0)                                      \
		fail_msg("%s: got %s, expected %s", (sql), got_, (want));   \
	free(got_);                                                         \
} while (0)

static double
q_real(sqlite3 *h, const char *sql)
{
	char *v = q(h, sql);
	double d;
	if (strcmp(v, "NULL") == 0)
		fail_msg("%s is NULL", sql);
	d = strtod(v, NULL);
	free(v);
	return d;
}

static sqlite3 *
mem_open(void)
{
	sqlite3 *h = NULL;
	char *err = NULL;
	if (sqlite3_open(":memory:", &h) != SQLITE_OK)
		fail_msg("sqlite3_open");
	if (expr_register_functions(h, &err) != 0)
		fail_msg("register: %s", err);
	return h;
}

static int
setup_today(void **state)
{
	(void)state;
	setenv("KESRA_TODAY", "2025-06-15", 1);
	return 0;
}

static int
teardown_today(void **state)
{
	(void)state;
	unsetenv("KESRA_TODAY");
	return 0;
}

static void
test_nik_birth_date_and_sex(void **state)
{
	sqlite3 *h = mem_open();
	(void)state;
	/* a man born 15 August 1990, a woman born 12 March 2025 (52 = 12+40) */
	assert_q(h, "SELECT nik_birth_date('9201071508900001')", "1990-08-15");
	assert_q(h, "SELECT nik_sex('9201071508900001')", "1");
	assert_q(h, "SELECT nik_birth_date('9671015203250003')", "2025-03-12");
	assert_q(h, "SELECT nik_sex('9671015203250003')", "2");
	assert_q(h, "SELECT typeof(nik_sex('9671015203250003'))", "integer");
	/* the century: the latest date not after today (2025-06-15) */
	assert_q(h, "SELECT nik_birth_date('9671010106250001')", "2025-06-01");
	assert_q(h, "SELECT nik_birth_date('9671011506250001')", "2025-06-15");
	assert_q(h, "SELECT nik_birth_date('9671011606250001')", "1925-06-16");
	assert_q(h, "SELECT nik_birth_date('9671014112250001')", "1925-12-01");
	assert_q(h, "SELECT nik_birth_date('9671012902000001')", "2000-02-29");
	assert_q(h, "SELECT nik_birth_date('9671016902240001')", "2024-02-29");
	/* 29 February 2025 does not exist, nor 1925's */
	assert_q(h, "SELECT nik_birth_date('9671012902250001')", "NULL");
	/* not a NIK: NULL */
	assert_q(h, "SELECT nik_birth_date(NULL)", "NULL");
	assert_q(h, "SELECT nik_sex(NULL)", "NULL");
	assert_q(h, "SELECT nik_birth_date('920107150890000')", "NULL");
	assert_q(h, "SELECT nik_birth_date('92010715089000011')", "NULL");
	assert_q(h, "SELECT nik_birth_date('9201073208900001')", "NULL");
	assert_q(h, "SELECT nik_birth_date('9201071513900001')", "NULL");
	assert_q(h, "SELECT nik_birth_date('9201071508900000')", "NULL");
	assert_q(h, "SELECT nik_birth_date('0001071508900001')", "NULL");
	assert_q(h, "SELECT nik_birth_date('92010715O8900001')", "NULL");
	assert_q(h, "SELECT nik_sex('9201078108900001')", "NULL");
	assert_q(h, "SELECT nik_sex('')", "NULL");
	/* a number works as its digits */
	assert_q(h, "SELECT nik_sex(9201075508900001)", "2");
	sqlite3_close(h);
}

static void
test_age_months(void **state)
{
	sqlite3 *h = mem_open();
	(void)state;
	assert_q(h, "SELECT age_months('2020-05-10', '2025-05-10')", "60");
	assert_q(h, "SELECT age_months('2020-05-10', '2025-05-09')", "59");
	assert_q(h, "SELECT age_months('2024-01-31', '2024-02-29')", "0");
	assert_q(h, "SELECT age_months('2024-01-31', '2024-03-01')", "1");
	assert_q(h, "SELECT age_months('2024-02-29', '2025-02-28')", "11");
	assert_q(h, "SELECT age_months('2025-06-15', '2025-06-15')", "0");
	assert_q(h, "SELECT age_months('2025-06-15', '2025-06-14')", "-1");
	/* one argument: months until today (2025-06-15) */
	assert_q(h, "SELECT age_months('2023-06-15')", "24");
	assert_q(h, "SELECT age_months('2023-06-16')", "23");
	assert_q(h, "SELECT age_months(NULL)", "NULL");
	assert_q(h, "SELECT age_months('2023-02-30')", "NULL");
	assert_q(h, "SELECT age_months('15-06-2023')", "NULL");
	assert_q(h, "SELECT age_months('2023-06-15', NULL)", "NULL");
	sqlite3_close(h);
}

static void
test_haz_known_values(void **state)
{
	sqlite3 *h = mem_open();
	double l, m, s, z;
	char sql[160];
	(void)state;

	/* boys month 0: M 49.8842, S 0.03795 (WHO) */
	assert_int_equal(who_lhfa_lms(1, 0, &l, &m, &s), 0);
	assert_true(l == 1.0 && m == 49.8842 && s == 0.03795);
	assert_true(fabs(q_real(h, "SELECT haz(1, 0, 49.8842)")) < 1e-12);
	snprintf(sql, sizeof sql, "SELECT haz(1, 0, %.17g)",
	    49.8842 * (1.0 - 2.0 * 0.03795));
	assert_true(fabs(q_real(h, sql) + 2.0) < 1e-9);
	snprintf(sql, sizeof sql, "SELECT haz(1, 0, %.17g)",
	    49.8842 * (1.0 + 3.0 * 0.03795));
	assert_true(fabs(q_real(h, sql) - 3.0) < 1e-9);
	/* girls month 0, the month-24 height row, boys month 60 */
	assert_true(fabs(q_real(h, "SELECT haz(2, 0, 49.1477)")) < 1e-12);
	assert_true(fabs(q_real(h, "SELECT haz(1, 24, 87.1161)")) < 1e-12);
	assert_true(fabs(q_real(h, "SELECT haz(2, 24, 85.7153)")) < 1e-12);
	assert_true(fabs(q_real(h, "SELECT haz(1, 60, 109.9638)")) < 1e-12);
	/* a stunted boy of 24 months: 80 cm is about -2.3 */
	z = q_real(h, "SELECT haz(1, 24, 80)");
	assert_true(z < -2.3 && z > -2.35);
	/* numbers as text are numbers; a fractional month is a month */
	assert_true(fabs(q_real(h, "SELECT haz('1', '24', '87.1161')")) <
	    1e-12);
	assert_true(fabs(q_real(h, "SELECT haz(1, 24.9, 87.1161)")) < 1e-12);
	assert_q(h, "SELECT typeof(haz(1, 0, 50))", "real");
	/* outside 0-60 months, another sex, NULLs, nonsense: NULL */
	assert_q(h, "SELECT haz(1, 61, 110)", "NULL");
	assert_q(h, "SELECT haz(1, -1, 50)", "NULL");
	assert_q(h, "SELECT haz(3, 0, 50)", "NULL");
	assert_q(h, "SELECT haz(0, 0, 50)", "NULL");
	assert_q(h, "SELECT haz(1.5, 0, 50)", "NULL");
	assert_q(h, "SELECT haz(NULL, 0, 50)", "NULL");
	assert_q(h, "SELECT haz(1, NULL, 50)", "NULL");
	assert_q(h, "SELECT haz(1, 0, NULL)", "NULL");
	assert_q(h, "SELECT haz(1, 0, 0)", "NULL");
	assert_q(h, "SELECT haz(1, 0, -5)", "NULL");
	assert_q(h, "SELECT haz(1, 0, 'tall')", "NULL");
	/* the inverse the demo uses */
	assert_int_equal(who_lhfa_lms(2, 36, &l, &m, &s), 0);
	assert_true(fabs(who_lhfa_height(2, 36, -2.0) - m * (1.0 - 2.0 * s)) <
	    1e-9);
	assert_int_equal(who_haz(1, 0, 49.8842, &z), 0);
	assert_int_equal(who_haz(1, 61, 49.8842, &z), -1);
	assert_int_equal(who_haz(2, 0, NAN, &z), -1);
	sqlite3_close(h);
}

/* Without a region table (kesra check's :memory:) nik_region_known is
 * NULL; an expression may call every helper. */
static void
test_region_known_without_table(void **state)
{
	static const char dict[] =
	    "dictionary: t\n"
	    "records:\n"
	    "  person:\n"
	    "    rules:\n"
	    "      - {name: known, check: \"nik IS NULL OR "
	    "nik_region_known(nik)\", severity: warning, message: x}\n"
	    "      - {name: dob, check: \"nik_birth_date(nik) = born AND "
	    "nik_sex(nik) = sex\", severity: warning, message: x}\n"
	    "    fields:\n"
	    "      - {name: nik, type: nik}\n"
	    "      - {name: born, type: date}\n"
	    "      - {name: sex, type: integer}\n"
	    "      - {name: height, type: decimal}\n"
	    "      - {name: months, type: calculate, "
	    "calculation: \"age_months(born, '2025-01-01')\"}\n"
	    "      - {name: z, type: calculate, "
	    "calculation: \"round(haz(sex, months, height), 2)\"}\n";
	struct schema *s = tu_schema(dict);
	struct diags d = {0};
	sqlite3 *h = mem_open();
	(void)state;

	assert_int_equal(expr_check_schema(s, &d), 0);
	tu_diags_dump(&d);
	assert_int_equal(d.n, 0);
	diags_free(&d);
	assert_q(h, "SELECT nik_region_known('9671011508900001')", "NULL");
	assert_q(h, "SELECT nik_region_known(NULL)", "NULL");
	sqlite3_close(h);
	schema_free(s);
}

static const char regions_csv[] =
    "code,name,level\n"
    "92,Papua Barat,province\n"
    "92.02,Kabupaten Manokwari,regency\n"
    "92.02.03,Warmare,district\n"
    "96,Papua Barat Daya,province\n"
    "96.01,Kabupaten Sorong,regency\n"
    "96.01.05,Aimas,district\n"
    "96.01.05.2001,Aimas,village\n"
    "96.71,Kota Sorong,regency\n"
    "96.71.01,Sorong,district\n"
    "96.71.01.1001,Kampung Baru,village\n";

/* Shaped like wilayah_retired.csv, with a code seen twice. */
static const char retired_csv[] =
    "code,name,level,first_seen,last_seen\n"
    "92.01,KAB. SORONG,regency,2016,2023\n"
    "92.01.07,Aimas,district,2016,2023\n"
    "92.01.01,Makbon  2,district,2016,2016\n"
    "92.01.01,Makbon,district,2018,2023\n"
    "92.02.09,Distrik Lama,district,2016,2020\n"
    "92.71,KOTA SORONG,regency,2016,2023\n"
    "92.71.01,Sorong,district,2016,2023\n";

#define DICT_HEAD \
    "dictionary: t\n" \
    "regions: wilayah.csv\n"
#define DICT_BODY \
    "records:\n" \
    "  person:\n" \
    "    fields:\n" \
    "      - {name: nik, type: nik}\n" \
    "      - {name: district, type: region, level: district}\n"

struct fx {
	char *dir;
	struct schema *s;
	struct db *db;
};

static int
setup_dir(void **state)
{
	struct fx *f = xcalloc(1, sizeof *f);
	f->dir = tu_mkdtemp();
	free(tu_write_file(f->dir, "wilayah.csv", regions_csv));
	free(tu_write_file(f->dir, "wilayah_retired.csv", retired_csv));
	*state = f;
	setenv("KESRA_TODAY", "2025-06-15", 1);
	return 0;
}

static int
teardown_dir(void **state)
{
	struct fx *f = *state;
	db_close(f->db);
	schema_free(f->s);
	tu_rmtree(f->dir);
	free(f->dir);
	free(f);
	unsetenv("KESRA_TODAY");
	return 0;
}

/* Load the dictionary text as f->dir/t.yaml and open f->dir/k.db. */
static void
open_with(struct fx *f, const char *yaml, struct sbuf *plan)
{
	struct diags d = {0};
	char *path = tu_write_file(f->dir, "t.yaml", yaml), *err = NULL;
	char *db = tu_path(f->dir, "k.db");

	db_close(f->db);
	schema_free(f->s);
	f->s = schema_yaml_load(f->dir, NULL, &d);
	if (f->s == NULL || d.n > 0) {
		tu_diags_dump(&d);
		fail_msg("dictionary did not load");
	}
	diags_free(&d);
	if (db_open(&f->db, db, f->s, DB_OPEN_CREATE, &err) != 0 ||
	    db_migrate(f->db, 0, plan, &err) != 0 ||
	    expr_register_functions(db_sqlite(f->db), &err) != 0)
		fail_msg("%s", err);
	free(path);
	free(db);
}

static void
test_region_known_with_retired(void **state)
{
	struct fx *f = *state;
	struct sbuf plan = {0};
	struct db_region r, *v = NULL;
	size_t n = 0;
	char *err = NULL;
	sqlite3 *h;

	open_with(f, DICT_HEAD "regions_retired: wilayah_retired.csv\n"
	    DICT_BODY, &plan);
	assert_contains(plan.s, "load region table (16 rows, 6 of them "
	    "retired codes)");
	sbuf_free(&plan);
	assert_string_equal(f->s->regions_retired_file, "wilayah_retired.csv");
	h = db_sqlite(f->db);
	/* current and retired districts are known, others not */
	assert_q(h, "SELECT nik_region_known('9671011508900001')", "1");
	assert_q(h, "SELECT nik_region_known('9601055508900001')", "1");
	assert_q(h, "SELECT nik_region_known('9201015508900001')", "1");
	assert_q(h, "SELECT nik_region_known('9201075508900001')", "1");
	assert_q(h, "SELECT nik_region_known('9271011508900001')", "1");
	assert_q(h, "SELECT nik_region_known('9202031508900001')", "1");
	assert_q(h, "SELECT nik_region_known('9202091508900001')", "1");
	assert_q(h, "SELECT nik_region_known('9201021508900001')", "0");
	assert_q(h, "SELECT nik_region_known('9671021508900001')", "0");
	/* a regency or a province is not a district */
	assert_q(h, "SELECT nik_region_known('9201001508900001')", "0");
	assert_q(h, "SELECT nik_region_known('96710')", "0");
	assert_q(h, "SELECT nik_region_known('96x7101508900001')", "0");
	assert_q(h, "SELECT nik_region_known(NULL)", "NULL");
	assert_q(h, "SELECT nik_region_known(9201015508900001)", "1");
	/* the latest spelling of a code seen twice is kept */
	assert_q(h, "SELECT name || '|' || retired || '|' || parent FROM "
	    "kesra_region WHERE code = '92.01.01'", "Makbon|1|92.01");
	/* region look-ups see current regions only */
	assert_int_equal(db_region_get(f->db, "92.01.01", &r, &err), 0);
	assert_int_equal(db_region_get(f->db, "96.01.05", &r, &err), 1);
	free(r.code);
	free(r.name);
	assert_int_equal(db_region_children(f->db, "92.02", RL_DISTRICT, NULL,
	    0, &v, &n, &err), 0);
	assert_int_equal(n, 1);
	assert_string_equal(v[0].code, "92.02.03");
	db_regions_free(v, n);
	assert_int_equal(db_region_children(f->db, NULL, RL_REGENCY, "sorong",
	    0, &v, &n, &err), 0);
	assert_int_equal(n, 2);
	assert_string_equal(v[0].code, "96.01");
	db_regions_free(v, n);
	/* ... unless they ask for the retired ones */
	assert_int_equal(db_region_retired(f->db, "92.01", RL_DISTRICT, &v, &n,
	    &err), 0);
	assert_int_equal(n, 2);
	assert_string_equal(v[0].code, "92.01.01");
	assert_string_equal(v[1].code, "92.01.07");
	db_regions_free(v, n);
	assert_int_equal(db_region_retired(f->db, NULL, RL_REGENCY, &v, &n,
	    &err), 0);
	assert_int_equal(n, 2);
	db_regions_free(v, n);
	assert_int_equal(db_region_current(f->db), 1);

	/* without the retired file the table is reloaded without them */
	open_with(f, DICT_HEAD DICT_BODY, &plan);
	assert_contains(plan.s, "load region table (10 rows)");
	sbuf_free(&plan);
	h = db_sqlite(f->db);
	assert_q(h, "SELECT nik_region_known('9201015508900001')", "0");
	assert_q(h, "SELECT nik_region_known('9671011508900001')", "1");
	assert_q(h, "SELECT count(*) FROM kesra_region WHERE retired = 1",
	    "0");
}

/* A table loaded by the kesra before the retired column is reloaded. */
static void
test_old_region_table_reloaded(void **state)
{
	struct fx *f = *state;
	struct sbuf plan = {0};
	char hex[17], *err = NULL;
	sqlite3 *h;

	open_with(f, DICT_HEAD DICT_BODY, &plan);
	sbuf_free(&plan);
	h = db_sqlite(f->db);
	/* turn it into a format-1 table: no retired column, plain hash */
	tu_sql_exec(h, "DROP TABLE kesra_region; CREATE TABLE kesra_region "
	    "(code TEXT PRIMARY KEY, name TEXT NOT NULL, level INTEGER NOT "
	    "NULL, parent TEXT) STRICT, WITHOUT ROWID; INSERT INTO "
	    "kesra_region VALUES ('96', 'Papua Barat Daya', 1, NULL)");
	snprintf(hex, sizeof hex, "%016llx", (unsigned long long)
	    util_fnv1a(UTIL_FNV_INIT, regions_csv, strlen(regions_csv)));
	{
		sqlite3_stmt *st;
		sqlite3_prepare_v2(h, "UPDATE kesra_meta SET value = ? WHERE "
		    "key = 'regions_hash'", -1, &st, NULL);
		sqlite3_bind_text(st, 1, hex, -1, SQLITE_STATIC);
		assert_int_equal(sqlite3_step(st), SQLITE_DONE);
		sqlite3_finalize(st);
	}
	assert_int_equal(db_region_current(f->db), 0);
	assert_int_equal(db_is_current(f->db), 0);
	{
		struct db_region r;
		assert_int_equal(db_region_get(f->db, "96", &r, &err), -1);
		assert_contains(err, "older kesra");
		free(err);
		err = NULL;
	}
	if (db_migrate(f->db, 0, &plan, &err) != 0)
		fail_msg("%s", err);
	assert_contains(plan.s, "load region table (10 rows)");
	sbuf_free(&plan);
	assert_q(h, "SELECT count(*) FROM kesra_region WHERE retired = 0",
	    "10");
	assert_int_equal(db_region_current(f->db), 1);
}

/* kesra check looks at the retired file as at the regions file. */
static void
test_check_retired_file(void **state)
{
	struct fx *f = *state;
	struct diags d = {0};
	struct schema *s;

	free(tu_write_file(f->dir, "t.yaml", DICT_HEAD
	    "regions_retired: wilayah_retired.csv\n" DICT_BODY));
	s = schema_yaml_load(f->dir, NULL, &d);
	assert_non_null(s);
	assert_int_equal(region_check_schema(s, &d), 16);
	assert_int_equal(d.n, 0);
	/* rows that are wrong in themselves: a bad level, a bad code */
	free(tu_write_file(f->dir, "wilayah_retired.csv",
	    "code,name,level,first_seen,last_seen\n"
	    "92.01,Sorong,district,2016,2023\n"
	    "92.1,Salah,regency,2016,2023\n"));
	assert_int_equal(region_check_schema(s, &d), -1);
	tu_assert_diag_at(&d, "code 92.01 is a regency code, not a district",
	    2, 1);
	tu_assert_diag_at(&d, "'92.1' is not a region code", 3, 1);
	diags_free(&d);
	/* then the table: a code still in use, an orphan */
	free(tu_write_file(f->dir, "wilayah_retired.csv",
	    "code,name,level,first_seen,last_seen\n"
	    "96.71.01,Sorong,district,2016,2023\n"
	    "93.01.01,Hilang,district,2016,2020\n"));
	assert_int_equal(region_check_schema(s, &d), -1);
	tu_assert_diag_at(&d, "code 96.71.01 is in the regions file too", 2,
	    1);
	tu_assert_diag_at(&d, "the parent 93.01 of 93.01.01 is neither in "
	    "this file nor in the regions file", 3, 1);
	assert_int_equal(d.n, 2);
	diags_free(&d);
	schema_free(s);

	/* the key: a file beside the dictionary, and regions with it */
	tu_schema_bad("dictionary: t\nregions_retired: old.csv\nrecords:\n"
	    "  a:\n    fields: [{name: x, type: text}]\n", &d);
	assert_non_null(tu_diag_get(&d, "regions_retired needs 'regions: "
	    "FILE.csv' too"));
	diags_free(&d);
	tu_schema_bad("dictionary: t\nregions: w.csv\nregions_retired: "
	    "../old.csv\nrecords:\n  a:\n    fields: [{name: x, type: "
	    "text}]\n", &d);
	assert_non_null(tu_diag_get(&d, "regions_retired must name a file "
	    "beside the dictionary"));
	diags_free(&d);
}

/* The bundled copy of the retired codes loads against wilayah.csv. */
static void
test_bundled_retired_file(void **state)
{
	struct region_table *cur = NULL, *ret = NULL;
	struct diags d = {0};
	const struct region *r;
	(void)state;

	if (region_load("schema/wilayah.csv", &cur, &d) != 0 ||
	    region_load_retired("schema/wilayah_retired.csv", cur, &ret,
	    &d) != 0) {
		tu_diags_dump(&d);
		fail_msg("the bundled region files do not load");
	}
	assert_int_equal(ret->n, 620); /* 625 rows, 5 codes seen twice */
	r = region_find(ret, "92.71.01");
	assert_non_null(r);
	assert_int_equal(r->level, RL_DISTRICT);
	assert_null(region_find(ret, "96.71.01"));
	assert_non_null(region_find(cur, "96.71.01"));
	region_table_free(cur);
	region_table_free(ret);
	diags_free(&d);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_nik_birth_date_and_sex,
		    setup_today, teardown_today),
		cmocka_unit_test_setup_teardown(test_age_months, setup_today,
		    teardown_today),
		cmocka_unit_test(test_haz_known_values),
		cmocka_unit_test(test_region_known_without_table),
		cmocka_unit_test_setup_teardown(test_region_known_with_retired,
		    setup_dir, teardown_dir),
		cmocka_unit_test_setup_teardown(test_old_region_table_reloaded,
		    setup_dir, teardown_dir),
		cmocka_unit_test_setup_teardown(test_check_retired_file,
		    setup_dir, teardown_dir),
		cmocka_unit_test(test_bundled_retired_file),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
