/*
 * test_demo: synthetic households (demo_run) written into real SQLite
 * files in a temporary folder, with the bundled dictionary (schema/,
 * forms/), the constructs fixture and a dictionary of made-up names.
 * Counts, NIKs that agree with the birth date and sex stored, one head per
 * household, members = rows, reproducibility by seed, indicator rates,
 * and the full data-quality check (validate_all) finding no error. Today
 * is fixed with KESRA_TODAY.
 */
#include "testutil.h"

#include "db.h"
#include "demo.h"
#include "expr.h"
#include "nik.h"
#include "validate.h"

#define TODAY "2025-06-15"
#define TODAY_YEAR 2025

struct fx {
	char *dir;
	struct schema *s;
	struct db *db;
	struct expr_set *x;
	struct demo_result res;
};

static int
setup(void **state)
{
	struct fx *f = xcalloc(1, sizeof *f);
	f->dir = tu_mkdtemp();
	setenv("KESRA_TODAY", TODAY, 1);
	*state = f;
	return 0;
}

static void
fx_close(struct fx *f)
{
	expr_free(f->x);
	db_close(f->db);
	schema_free(f->s);
	f->x = NULL;
	f->db = NULL;
	f->s = NULL;
}

static int
teardown(void **state)
{
	struct fx *f = *state;
	fx_close(f);
	tu_rmtree(f->dir);
	free(f->dir);
	free(f);
	unsetenv("KESRA_TODAY");
	return 0;
}

/* Open dir/name for the dictionary in schema_dir, migrated, compiled. */
static void
fx_open(struct fx *f, const char *schema_dir, const char *forms_dir,
    const char *name)
{
	struct diags d = {0};
	char *path = tu_path(f->dir, name), *err = NULL;

	fx_close(f);
	f->s = schema_yaml_load(schema_dir, forms_dir, &d);
	if (f->s == NULL || d.n > 0) {
		tu_diags_dump(&d);
		fail_msg("the dictionary in %s did not load", schema_dir);
	}
	if (db_open(&f->db, path, f->s, DB_OPEN_CREATE, &err) != 0 ||
	    db_migrate(f->db, 0, NULL, &err) != 0 ||
	    expr_register_functions(db_sqlite(f->db), &err) != 0)
		fail_msg("%s", err);
	if ((f->x = expr_compile(db_sqlite(f->db), f->s, &d)) == NULL) {
		tu_diags_dump(&d);
		fail_msg("expressions did not compile");
	}
	diags_free(&d);
	free(path);
}

static void
fx_demo_opt(struct fx *f, long n, uint64_t seed, int single_thread)
{
	struct demo_opts o;
	char *err = NULL;

	memset(&o, 0, sizeof o);
	o.households = n;
	o.seed = seed;
	o.single_thread = single_thread;
	o.batch = 7; /* several batches even for small n */
	if (demo_run(f->db, f->x, &o, &f->res, &err) != 0)
		fail_msg("demo_run: %s", err);
	assert_int_equal(f->res.households, n);
}

static void
fx_demo(struct fx *f, long n, uint64_t seed)
{
	fx_demo_opt(f, n, seed, 0);
}

static int64_t
qi(struct fx *f, const char *sql)
{
	return tu_sql_int(db_sqlite(f->db), sql);
}

/* Findings of validate_all: errors counted, the first few shown. */
struct tally {
	long errors, warnings;
};

static void
on_finding(void *ctx, const struct record *r, const struct finding *fd)
{
	struct tally *t = ctx;
	if (fd->accepted)
		return;
	if (fd->severity == SEV_ERROR && t->errors++ < 10)
		fprintf(stderr, "error: %s %lld: %s: %s\n", r->def->name,
		    (long long)r->id, fd->field != VALIDATE_NO_FIELD ?
		    r->def->fields[fd->field].name : "-", fd->msg);
	if (fd->severity == SEV_WARNING && t->warnings++ < 10)
		fprintf(stderr, "warning: %s %lld: %s: %s\n", r->def->name,
		    (long long)r->id, fd->field != VALIDATE_NO_FIELD ?
		    r->def->fields[fd->field].name : fd->rule, fd->msg);
}

static struct tally
validate(struct fx *f)
{
	struct validate_ctx c = {f->x, f->db, 0};
	struct tally t = {0, 0};
	char *err = NULL;
	long n = validate_all(&c, on_finding, &t, &err);
	if (n < 0)
		fail_msg("validate_all: %s", err);
	assert_int_equal(n, f->res.households);
	return t;
}

/*
 * The person roster's NIKs: valid, unique, and telling the birth date and
 * sex that the row holds. Field names as in the dictionaries here.
 */
static void
check_niks(struct fx *f, const char *roster)
{
	sqlite3_stmt *st;
	char *sql = xasprintf("SELECT nik, birth_date, sex FROM \"%s\"",
	    roster);
	long n = 0;

	assert_int_equal(sqlite3_prepare_v2(db_sqlite(f->db), sql, -1, &st,
	    NULL), SQLITE_OK);
	while (sqlite3_step(st) == SQLITE_ROW) {
		const char *nk = (const char *)sqlite3_column_text(st, 0);
		const char *bd = (const char *)sqlite3_column_text(st, 1);
		struct nik p;
		char *err = NULL, want[16];
		assert_non_null(nk);
		assert_non_null(bd);
		if (nik_parse(nk, TODAY_YEAR, &p, &err) != 0)
			fail_msg("NIK %s: %s", nk, err);
		snprintf(want, sizeof want, "%04d-%02d-%02d", p.year, p.month,
		    p.day);
		if (strcmp(want, bd) != 0)
			fail_msg("NIK %s says %s, the row %s", nk, want, bd);
		assert_int_equal(sqlite3_column_int(st, 2), (int)p.sex);
		assert_true(p.serial >= 1 && p.serial <= 9999);
		n++;
	}
	sqlite3_finalize(st);
	assert_int_equal(n, f->res.persons);
	free(sql);
	sql = xasprintf("SELECT count(*) - count(DISTINCT nik) FROM \"%s\"",
	    roster);
	assert_int_equal(qi(f, sql), 0);
	free(sql);
}

/* Stored fields of a record type, ordered by id, as text. */
static char *
dump(struct fx *f, const struct sch_record *def)
{
	struct sbuf b = {0};
	size_t i;
	char *rows;

	sbuf_add(&b, "SELECT parent_id, ord, status");
	for (i = 0; i < def->nfields; i++)
		if (schema_field_stored(&def->fields[i]))
			sbuf_addf(&b, ", \"%s\"", def->fields[i].name);
	sbuf_addf(&b, " FROM \"%s\" ORDER BY id", def->name);
	rows = tu_sql_rows(db_sqlite(f->db), b.s);
	sbuf_free(&b);
	return rows;
}

static char *
dump_all(struct fx *f)
{
	struct sbuf b = {0};
	size_t i;
	for (i = 0; i < f->s->nrecords; i++) {
		char *d = dump(f, &f->s->records[i]);
		sbuf_add(&b, d);
		sbuf_addc(&b, '\n');
		free(d);
	}
	return sbuf_steal(&b);
}

/* The bundled dictionary: the structure of what demo writes. */
static void
test_bundled_dictionary(void **state)
{
	struct fx *f = *state;
	struct tally t;

	fx_open(f, "schema", "forms", "a.db");
	fx_demo(f, 40, 7);
	assert_int_equal(qi(f, "SELECT count(*) FROM household"), 40);
	assert_int_equal(qi(f, "SELECT count(*) FROM member"), f->res.persons);
	assert_true(f->res.persons >= 40 && f->res.persons <= 9 * 40);
	check_niks(f, "member");
	/* exactly one head per household, living with the family */
	assert_int_equal(qi(f, "SELECT count(*) FROM household AS h WHERE "
	    "(SELECT count(*) FROM member AS m WHERE m.parent_id = h.id AND "
	    "m.relationship = 1) <> 1"), 0);
	/* members equals the rows; 1 to 9 of them */
	assert_int_equal(qi(f, "SELECT count(*) FROM household AS h WHERE "
	    "members <> (SELECT count(*) FROM member AS m WHERE m.parent_id = "
	    "h.id) OR members NOT BETWEEN 1 AND 9"), 0);
	/* children and grandchildren younger than the head, by 15+ years */
	assert_int_equal(qi(f, "SELECT count(*) FROM member AS c JOIN member "
	    "AS hd ON hd.parent_id = c.parent_id AND hd.relationship = 1 "
	    "WHERE c.relationship IN (3, 5) AND c.birth_date < "
	    "date(hd.birth_date, '+15 years')"), 0);
	/* a spouse is of the other sex */
	assert_int_equal(qi(f, "SELECT count(*) FROM member AS s JOIN member "
	    "AS hd ON hd.parent_id = s.parent_id AND hd.relationship = 1 "
	    "WHERE s.relationship = 2 AND s.sex = hd.sex"), 0);
	assert_int_equal(qi(f, "SELECT count(*) FROM household WHERE status "
	    "<> 'complete'") + qi(f, "SELECT count(*) FROM member WHERE "
	    "status <> 'complete'"), 0);
	/* places in Papua Barat Daya, consistent from province down */
	assert_int_equal(qi(f, "SELECT count(*) FROM household WHERE province "
	    "<> '96' OR substr(village, 1, 8) <> district OR substr(district, "
	    "1, 5) <> regency OR substr(regency, 1, 2) <> province"), 0);
	/* a KK: 16 digits, a district code of 96 (or 92 before 2022) */
	assert_int_equal(qi(f, "SELECT count(*) FROM household WHERE "
	    "length(kk_number) <> 16 OR substr(kk_number, 1, 2) NOT IN "
	    "('96', '92')"), 0);
	assert_int_equal(qi(f, "SELECT count(DISTINCT kk_number) FROM "
	    "household"), 40);
	/* the head's name is the household's */
	assert_int_equal(qi(f, "SELECT count(*) FROM household AS h JOIN "
	    "member AS m ON m.parent_id = h.id AND m.relationship = 1 WHERE "
	    "m.name <> h.head_name"), 0);
	/* relevance: no pregnant men, no nutrition past five */
	assert_int_equal(qi(f, "SELECT count(*) FROM member WHERE (sex = 1 AND "
	    "pregnant IS NOT NULL) OR (age >= 5 AND nutrition IS NOT NULL)"),
	    0);
	t = validate(f);
	assert_int_equal(t.errors, 0);
	fprintf(stderr, "bundled dictionary: %ld persons, %ld warnings\n",
	    f->res.persons, t.warnings);
}

/* A second run into the same file is refused: no synthetic data mixed in. */
static void
test_refuses_a_filled_database(void **state)
{
	struct fx *f = *state;
	struct demo_opts o;
	struct demo_result res;
	char *err = NULL;

	fx_open(f, "tests/data/constructs/schema", "tests/data/constructs/forms",
	    "r.db");
	fx_demo(f, 3, 1);
	memset(&o, 0, sizeof o);
	o.households = 3;
	assert_int_equal(demo_run(f->db, f->x, &o, &res, &err), -1);
	assert_contains(err, "already holds 3 household record(s)");
	free(err);
	err = NULL;
	assert_int_equal(res.households, 0);
	o.households = 0;
	assert_int_equal(demo_run(f->db, f->x, &o, &res, &err), -1);
	assert_contains(err, "must be 1 to");
	free(err);
	assert_int_equal(qi(f, "SELECT count(*) FROM household"), 3);
}

/*
 * The same seed gives the same data, whether the households are made in
 * a thread of their own or not; another seed other data.
 */
static void
test_reproducible(void **state)
{
	struct fx *f = *state;
	char *a, *b, *c;

	fx_open(f, "schema", "forms", "s1.db");
	fx_demo(f, 25, 42);
	a = dump_all(f);
	fx_open(f, "schema", "forms", "s2.db");
	fx_demo_opt(f, 25, 42, 1);
	b = dump_all(f);
	fx_open(f, "schema", "forms", "s3.db");
	fx_demo(f, 25, 43);
	c = dump_all(f);
	assert_true(strlen(a) > 1000);
	if (strcmp(a, b) != 0)
		fail_msg("seed 42 twice gave different data");
	assert_string_not_equal(a, c);
	free(a);
	free(b);
	free(c);
}

/* Share of rows of a query "SELECT part, whole FROM ..." in percent. */
static double
pct(struct fx *f, const char *sql)
{
	sqlite3_stmt *st;
	double v = -1.0;
	assert_int_equal(sqlite3_prepare_v2(db_sqlite(f->db), sql, -1, &st,
	    NULL), SQLITE_OK);
	if (sqlite3_step(st) == SQLITE_ROW && sqlite3_column_double(st, 1) > 0)
		v = 100.0 * sqlite3_column_double(st, 0) /
		    sqlite3_column_double(st, 1);
	sqlite3_finalize(st);
	return v;
}

#define assert_pct(f, what, sql, lo, hi) do {                              \
	double v_ = pct((f), (sql));                                        \
	fprintf(stderr, "%-28s %5.1f%% (expected %g-%g)\n", (what), v_,    \
	    (double)(lo), (double)(hi));                                    \
	if (v_ < (lo) || v_ > (hi))                                         \
		fail_msg("%s: %.1f%% not in %g-%g", (what), v_,             \
		    (double)(lo), (double)(hi));                            \
} while (0)

/* Indicator rates as the bundled dictionary computes them. */
static void
test_rates(void **state)
{
	struct fx *f = *state;

	fx_open(f, "schema", "forms", "rates.db");
	fx_demo(f, 300, 2025);
	assert_pct(f, "under-fives of persons", "SELECT sum(age < 5), "
	    "count(*) FROM member", 8, 16);
	assert_pct(f, "stunted of under-fives", "SELECT sum(stunted), "
	    "count(stunted) FROM member WHERE age < 5", 18, 42);
	assert_pct(f, "elderly of persons", "SELECT sum(elderly), count(*) "
	    "FROM member", 4, 11);
	assert_pct(f, "disability of persons", "SELECT sum(disability = 1), "
	    "count(*) FROM member", 1.5, 5.5);
	assert_pct(f, "pregnant of women 15-49", "SELECT sum(pregnant = 1), "
	    "count(*) FROM member WHERE sex = 2 AND age BETWEEN 15 AND 49",
	    0.8, 7);
	assert_pct(f, "deciles 1-3 of households", "SELECT sum(decile <= 3), "
	    "count(*) FROM household", 35, 56);
	assert_pct(f, "deciles 8-10 of households", "SELECT sum(decile >= 8), "
	    "count(*) FROM household", 8, 24);
	/* old registrations carry retired codes only when the dictionary
	 * names the retired-codes file */
	if (f->s->regions_retired_file != NULL)
		assert_pct(f, "old 92.xx NIKs", "SELECT sum(nik LIKE '92%'), "
		    "count(*) FROM member", 5, 35);
	else
		assert_pct(f, "old 92.xx NIKs", "SELECT sum(nik LIKE '92%'), "
		    "count(*) FROM member", 0, 0);
}

/* The constructs fixture: other names, the same guarantees. */
static void
test_constructs(void **state)
{
	struct fx *f = *state;
	struct tally t;

	fx_open(f, "tests/data/constructs/schema", "tests/data/constructs/forms",
	    "c.db");
	fx_demo(f, 30, 3);
	check_niks(f, "member");
	assert_int_equal(qi(f, "SELECT count(*) FROM household AS h WHERE "
	    "members <> (SELECT count(*) FROM member AS m WHERE m.parent_id = "
	    "h.id)"), 0);
	/* a calculation stored: area per member */
	assert_int_equal(qi(f, "SELECT count(*) FROM household WHERE "
	    "area_per_member IS NOT round(floor_area / members, 1)"), 0);
	t = validate(f);
	assert_int_equal(t.errors, 0);
}

/*
 * A dictionary of names demo does not know, every type, a second roster
 * and retired codes: filled by type, and still right.
 */
static void
test_unknown_dictionary(void **state)
{
	static const char dict[] =
	    "dictionary: lain\n"
	    "regions: r.csv\n"
	    "regions_retired: old.csv\n"
	    "value_sets:\n"
	    "  jk: [{code: 1, label: Pria}, {code: 2, label: Wanita}]\n"
	    "  warna: [{code: a, label: Merah}, {code: b, label: Biru}, "
	    "{code: c, label: Hijau}]\n"
	    "  punya: [{code: 0, label: None}, {code: 1, label: Sepeda},"
	    " {code: 2, label: Motor}]\n"
	    "records:\n"
	    "  rumah:\n"
	    "    fields:\n"
	    "      - {name: prov, type: region, level: province}\n"
	    "      - {name: kab, type: region, level: regency}\n"
	    "      - {name: desa, type: region, level: village, required: "
	    "true}\n"
	    "      - {name: kode, type: text, pattern: \"[0-9]{3}\", "
	    "width: 3}\n"
	    "      - {name: seri, type: integer, unique: true}\n"
	    "      - {name: kk, type: kk, unique: true}\n"
	    "      - {name: luas, type: decimal, min: 5, max: 50}\n"
	    "      - {name: kapan, type: date, constraint: \"kapan <= "
	    "today()\"}\n"
	    "      - {name: harta, type: select_multiple, values: punya}\n"
	    "      - {name: telp, type: phone}\n"
	    "      - {name: catatan, type: note}\n"
	    "  orang:\n"
	    "    parent: rumah\n"
	    "    min_count: 1\n"
	    "    fields:\n"
	    "      - {name: nama, type: text, required: true, pattern: "
	    "\"[[:alpha:] ]+\"}\n"
	    "      - {name: nik, type: nik, unique: true, required: true}\n"
	    "      - {name: sex, type: select_one, values: jk}\n"
	    "      - {name: birth_date, type: date}\n"
	    "      - {name: umur, type: calculate, calculation: "
	    "\"age(birth_date)\"}\n"
	    "      - {name: warna, type: select_one, values: warna, "
	    "choice_filter: \"choice.code <> 'c'\"}\n"
	    "      - {name: skor, type: integer, min: -5, max: 5, relevant: "
	    "\"umur >= 10\"}\n"
	    "      - {name: ya, type: yesno}\n"
	    "  ternak:\n"
	    "    parent: rumah\n"
	    "    fields:\n"
	    "      - {name: jenis, type: text}\n"
	    "      - {name: ekor, type: integer, min: 1, max: 9}\n";
	struct fx *f = *state;
	struct tally t;

	free(tu_write_file(f->dir, "lain.yaml", dict));
	free(tu_write_file(f->dir, "r.csv", "code,name,level\n"
	    "92,Papua Barat,province\n96,Papua Barat Daya,province\n"
	    "96.01,Kabupaten Sorong,regency\n"
	    "96.01.05,Aimas,district\n96.01.05.2001,Aimas,village\n"
	    "96.01.05.2002,Malawele,village\n"));
	free(tu_write_file(f->dir, "old.csv", "code,name,level,first_seen,"
	    "last_seen\n92.01,KAB. SORONG,regency,2016,2023\n"
	    "92.01.07,Aimas,district,2016,2023\n"));
	fx_open(f, f->dir, NULL, "u.db");
	fx_demo(f, 60, 5);
	check_niks(f, "orang");
	/* old registrations in Kabupaten Sorong carry the retired code of
	 * the same district, 92.01.07 (Aimas) */
	assert_true(qi(f, "SELECT count(*) FROM orang WHERE nik LIKE "
	    "'920107%'") > 0);
	assert_int_equal(qi(f, "SELECT count(*) FROM orang WHERE substr(nik, "
	    "1, 6) NOT IN ('960105', '920107')"), 0);
	assert_int_equal(qi(f, "SELECT count(*) FROM orang WHERE "
	    "nik LIKE '920107%' AND birth_date >= '2022-12-08'"), 0);
	assert_int_equal(qi(f, "SELECT count(*) FROM orang WHERE NOT "
	    "nik_region_known(nik)"), 0);
	/* by type: codes by pattern, unique numbers, values within bounds */
	assert_int_equal(qi(f, "SELECT count(*) FROM rumah WHERE kode NOT GLOB "
	    "'[0-9][0-9][0-9]' OR luas NOT BETWEEN 5 AND 50 OR prov <> '96' "
	    "OR kab <> '96.01' OR desa NOT LIKE '96.01.05.%'"), 0);
	assert_int_equal(qi(f, "SELECT count(DISTINCT seri) FROM rumah"), 60);
	assert_int_equal(qi(f, "SELECT count(*) FROM orang WHERE warna = 'c' "
	    "OR (umur < 10 AND skor IS NOT NULL)"), 0);
	assert_int_equal(qi(f, "SELECT count(*) FROM rumah WHERE harta LIKE "
	    "'%0%' AND harta <> '0'"), 0);
	assert_true(qi(f, "SELECT count(*) FROM ternak") > 0);
	t = validate(f);
	assert_int_equal(t.errors, 0);
}

int
main(void)
{
#define T(fn) cmocka_unit_test_setup_teardown(fn, setup, teardown)
	const struct CMUnitTest tests[] = {
		T(test_bundled_dictionary),
		T(test_refuses_a_filled_database),
		T(test_reproducible),
		T(test_rates),
		T(test_constructs),
		T(test_unknown_dictionary),
	};
#undef T
	return cmocka_run_group_tests(tests, NULL, NULL);
}
