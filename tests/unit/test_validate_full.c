/*
 * test_validate_full: the checks that need expressions and storage, on the
 * constructs dictionary (tests/data/constructs: every construct of the
 * schema language, regions of Papua Barat Daya) with a real SQLite file in
 * a temporary folder.
 *
 * validate_field: required expression, constraint with its message in each
 * language, choice_filter by age, region existence and containment, unique
 * among siblings and in storage (the record itself excluded).
 * validate_record_full: skips, every error at once, record rules of both
 * severities and accepted warnings. validate_roster: min_count, max_count,
 * roster rules and the row number of each row finding. validate_all: over
 * saved households with planted mistakes, exactly those findings.
 *
 * Today is fixed with KESRA_TODAY=2026-11-28, so ages are known: a child
 * born 2020-05-01 is 6, one born 2011-11-28 turns 15 today.
 *
 * Findings are compared as text, one line each:
 *     <field or -> <rule> <error|warning> row=<row>[ accepted]: <message>
 *
 * Three tests show bugs found while writing these (they fail until fixed,
 * and free everything before their assertions so that SAN=1 reports
 * nothing else): test_field_choice_filter_multiple (a select_multiple's
 * choice_filter is never checked), test_roster_rule_parent_zero_rows (a
 * roster rule over no rows sees the parent's fields as NULL) and
 * test_roster_unique_moved_value (the storage check of unique ignores
 * that a sibling row's stored value is being replaced).
 */
#include "testutil.h"

#include "db.h"
#include "expr.h"
#include "record.h"
#include "validate.h"

#define TODAY "2026-11-28"
#define CONSTRUCTS "tests/data/constructs"

struct fx {
	char *dir, *path;
	struct schema *s;
	struct db *db;
	struct expr_set *x;
	struct validate_ctx c;
	const struct sch_record *hh, *mem;
	int serial; /* last NIK serial handed out */
	int kk;     /* last KK serial handed out */
};

static int
setup(void **state)
{
	struct fx *f = xcalloc(1, sizeof *f);
	struct diags d = {0};
	char *err = NULL;

	setenv("KESRA_TODAY", TODAY, 1);
	f->dir = tu_mkdtemp();
	f->path = tu_path(f->dir, "v.db");
	f->s = schema_yaml_load(CONSTRUCTS "/schema", CONSTRUCTS "/forms", &d);
	if (f->s == NULL || d.n > 0) {
		tu_diags_dump(&d);
		fail_msg("the constructs dictionary did not load (run from the "
		    "repository's root)");
	}
	if (db_open(&f->db, f->path, f->s, DB_OPEN_CREATE, &err) != 0 ||
	    db_migrate(f->db, 0, NULL, &err) != 0 ||
	    expr_register_functions(db_sqlite(f->db), &err) != 0)
		fail_msg("open: %s", err);
	f->x = expr_compile(db_sqlite(f->db), f->s, &d);
	if (f->x == NULL) {
		tu_diags_dump(&d);
		fail_msg("the constructs dictionary's expressions do not compile");
	}
	diags_free(&d);
	f->hh = schema_record(f->s, "household");
	f->mem = schema_record(f->s, "member");
	assert_non_null(f->hh);
	assert_non_null(f->mem);
	f->c.x = f->x;
	f->c.db = f->db;
	f->c.lang = 0;
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
	free(f->path);
	free(f);
	return 0;
}

static size_t
fidx(const struct sch_record *def, const char *name)
{
	int i = schema_field_index(def, name);
	if (i < 0)
		fail_msg("record %s has no field %s", def->name, name);
	return (size_t)i;
}

static void
set(struct record *r, const char *field, const char *v)
{
	if (record_set_by_name(r, field, v) < 0)
		fail_msg("record %s has no field %s", r->def->name, field);
}

/* A household in Asbaken (96.01.01.2002, Makbon, Kabupaten Sorong). */
static struct record *
household(struct fx *f, const char *members)
{
	struct record *r = record_new(f->hh);
	char *kk = xasprintf("960101%010d", ++f->kk);
	set(r, "province", "96");
	set(r, "regency", "96.01");
	set(r, "district", "96.01.01");
	set(r, "village", "96.01.01.2002");
	set(r, "kk", kk);
	set(r, "address", "Jl. Klamono 1");
	set(r, "members", members);
	free(kk);
	return r;
}

/*
 * A member of household hh (may be NULL) with a NIK that fits the birth
 * date and sex; calculations (age) brought up to date.
 */
static struct record *
member(struct fx *f, const struct record *hh, const char *name,
    const char *sex, const char *birth, const char *rel)
{
	struct record *r = record_new(f->mem);
	int y, m, d;
	char *nik;

	if (sscanf(birth, "%d-%d-%d", &y, &m, &d) != 3)
		fail_msg("bad birth date %s", birth);
	nik = xasprintf("960101%02d%02d%02d%04d",
	    d + (strcmp(sex, "2") == 0 ? 40 : 0), m, y % 100, ++f->serial);
	set(r, "name", name);
	set(r, "nik", nik);
	set(r, "sex", sex);
	set(r, "birth_date", birth);
	set(r, "relationship", rel);
	expr_refresh(f->x, r, hh, NULL);
	free(nik);
	return r;
}

/* Head (man, 36), spouse (woman, 34) and child (6) as in most tests. */
static struct record *
head(struct fx *f, const struct record *hh)
{
	return member(f, hh, "Yohanes Malak", "1", "1990-01-01", "1");
}

static struct record *
spouse(struct fx *f, const struct record *hh)
{
	return member(f, hh, "Maria Kalami", "2", "1992-03-05", "2");
}

static struct record *
child(struct fx *f, const struct record *hh)
{
	return member(f, hh, "Yakob Malak", "1", "2020-05-01", "3");
}

/* ---- validate_field ------------------------------------------------------ */

/* validate_field on the named field; 0 or -1 with *rule and *msg. */
static int
vf(struct fx *f, const struct record *r, const struct record *parent,
    struct record *const *sib, size_t nsib, const char *field,
    const char **rule, char **msg)
{
	return validate_field(&f->c, r, parent, sib, nsib, fidx(r->def, field),
	    rule, msg);
}

#define field_ok(f, r, parent, sib, nsib, field) do {                       \
	const char *rule_ = NULL;                                           \
	char *msg_ = NULL;                                                  \
	if (vf(f, r, parent, sib, nsib, field, &rule_, &msg_) != 0)         \
		fail_msg("%s: unexpected %s: %s", field, rule_, msg_);      \
	assert_null(rule_);                                                 \
	assert_null(msg_);                                                  \
} while (0)

#define field_bad(f, r, parent, sib, nsib, field, want_rule, want_msg) do {  \
	const char *rule_ = NULL;                                           \
	char *msg_ = NULL;                                                  \
	if (vf(f, r, parent, sib, nsib, field, &rule_, &msg_) != -1)        \
		fail_msg("%s: accepted, expected %s", field, want_rule);    \
	assert_non_null(rule_);                                             \
	assert_string_equal(rule_, want_rule);                              \
	assert_string_equal(msg_, want_msg);                                \
	free(msg_);                                                         \
} while (0)

#define REQUIRED_MSG "Required: this field must be filled in"

static void
test_field_required_expression(void **state)
{
	struct fx *f = *state;
	struct record *h = household(f, "2");

	/* aid_amount is required when aid includes code 1 (PKH) */
	set(h, "aid", "1 3");
	field_bad(f, h, NULL, NULL, 0, "aid_amount", "required", REQUIRED_MSG);
	set(h, "aid", "1");
	field_bad(f, h, NULL, NULL, 0, "aid_amount", "required", REQUIRED_MSG);
	set(h, "aid_amount", "750000");
	field_ok(f, h, NULL, NULL, 0, "aid_amount");

	/* without PKH, or without aid, it may stay empty */
	set(h, "aid_amount", NULL);
	set(h, "aid", "2 3");
	field_ok(f, h, NULL, NULL, 0, "aid_amount");
	set(h, "aid", NULL);
	field_ok(f, h, NULL, NULL, 0, "aid_amount");

	/* "1" inside another code does not count: 10 is not selected */
	set(h, "aid", "2");
	field_ok(f, h, NULL, NULL, 0, "aid_amount");

	/* without expressions (x NULL) the expression is not evaluated */
	set(h, "aid", "1");
	f->c.x = NULL;
	field_ok(f, h, NULL, NULL, 0, "aid_amount");
	f->c.x = f->x;
	field_bad(f, h, NULL, NULL, 0, "aid_amount", "required", REQUIRED_MSG);
	record_free(h);
}

static void
test_field_constraint_message(void **state)
{
	struct fx *f = *state;
	struct record *h = household(f, "1");
	struct record *m = head(f, h);

	/* birth_date <= today(): today passes, tomorrow does not */
	set(m, "birth_date", TODAY);
	field_ok(f, m, h, NULL, 0, "birth_date");
	set(m, "birth_date", "2026-11-29");
	field_bad(f, m, h, NULL, 0, "birth_date", "constraint",
	    "Tanggal lahir di masa depan");
	f->c.lang = 1;
	field_bad(f, m, h, NULL, 0, "birth_date", "constraint",
	    "Birth date in the future");
	f->c.lang = 0;
	set(m, "birth_date", "2031-01-01");
	field_bad(f, m, h, NULL, 0, "birth_date", "constraint",
	    "Tanggal lahir di masa depan");

	/* an empty value is never checked against the constraint */
	set(m, "birth_date", NULL);
	field_ok(f, m, h, NULL, 0, "birth_date");
	record_free(m);
	record_free(h);
}

static void
test_field_choice_filter(void **state)
{
	struct fx *f = *state;
	struct record *h = household(f, "3");
	struct record *m = child(f, h);

	/* a 6-year-old: head and spouse need min_age 15 */
	assert_string_equal(record_get_by_name(m, "age"), "6");
	field_ok(f, m, h, NULL, 0, "relationship");          /* 3, child */
	set(m, "relationship", "1");
	field_bad(f, m, h, NULL, 0, "relationship", "choice_filter",
	    "This choice does not apply here");
	set(m, "relationship", "2");
	field_bad(f, m, h, NULL, 0, "relationship", "choice_filter",
	    "This choice does not apply here");
	set(m, "relationship", "4");
	field_ok(f, m, h, NULL, 0, "relationship");

	/* 15 today may be head; 14 (15 tomorrow) may not */
	set(m, "relationship", "1");
	set(m, "birth_date", "2011-11-28");
	expr_refresh(f->x, m, h, NULL);
	assert_string_equal(record_get_by_name(m, "age"), "15");
	field_ok(f, m, h, NULL, 0, "relationship");
	set(m, "birth_date", "2011-11-29");
	expr_refresh(f->x, m, h, NULL);
	assert_string_equal(record_get_by_name(m, "age"), "14");
	field_bad(f, m, h, NULL, 0, "relationship", "choice_filter",
	    "This choice does not apply here");

	/* age unknown: the filter lets every choice through */
	set(m, "birth_date", NULL);
	expr_refresh(f->x, m, h, NULL);
	assert_null(record_get_by_name(m, "age"));
	field_ok(f, m, h, NULL, 0, "relationship");
	record_free(m);
	record_free(h);
}

static void
test_field_region_exists(void **state)
{
	struct fx *f = *state;
	struct record *h = household(f, "1");

	field_ok(f, h, NULL, NULL, 0, "province");
	field_ok(f, h, NULL, NULL, 0, "regency");
	field_ok(f, h, NULL, NULL, 0, "district");
	field_ok(f, h, NULL, NULL, 0, "village");

	/* the right shape for the level, but not in the region table */
	set(h, "village", "96.01.01.2999");
	field_bad(f, h, NULL, NULL, 0, "village", "region",
	    "No village with this code (F4 for the list)");
	set(h, "district", "96.01.09");
	field_bad(f, h, NULL, NULL, 0, "district", "region",
	    "No district with this code (F4 for the list)");
	set(h, "regency", "96.05");
	field_bad(f, h, NULL, NULL, 0, "regency", "region",
	    "No regency with this code (F4 for the list)");
	set(h, "province", "11"); /* Aceh: not in this fixture's table */
	field_bad(f, h, NULL, NULL, 0, "province", "region",
	    "No province with this code (F4 for the list)");

	/* without storage, existence is not checked */
	f->c.db = NULL;
	field_ok(f, h, NULL, NULL, 0, "village");
	field_ok(f, h, NULL, NULL, 0, "province");
	f->c.db = f->db;
	record_free(h);
}

static void
test_field_region_inside(void **state)
{
	struct fx *f = *state;
	struct record *h = household(f, "1");

	/* Klabra is a village of Beraur (96.01.02), not of Makbon */
	set(h, "village", "96.01.02.2001");
	field_bad(f, h, NULL, NULL, 0, "village", "region",
	    "Not inside the region chosen above");
	set(h, "district", "96.01.02");
	field_ok(f, h, NULL, NULL, 0, "village");
	field_ok(f, h, NULL, NULL, 0, "district");

	/* a district of Kabupaten Sorong under Kota Sorong */
	set(h, "regency", "96.71");
	field_bad(f, h, NULL, NULL, 0, "district", "region",
	    "Not inside the region chosen above");

	/* district empty: the village is checked against the regency */
	set(h, "district", NULL);
	field_bad(f, h, NULL, NULL, 0, "village", "region",
	    "Not inside the region chosen above");
	set(h, "regency", "96.01");
	field_ok(f, h, NULL, NULL, 0, "village");

	/* a village of Kota Sorong under Makbon */
	set(h, "district", "96.01.01");
	set(h, "village", "96.71.01.1001");
	field_bad(f, h, NULL, NULL, 0, "village", "region",
	    "Not inside the region chosen above");
	/* a code that only begins like the one above is not inside it: the
	 * next character must be a dot (a stored regency of the wrong shape,
	 * 96.0, does not contain 96.01.01.2002) */
	set(h, "district", NULL);
	set(h, "regency", "96.0");
	set(h, "village", "96.01.01.2002");
	field_bad(f, h, NULL, NULL, 0, "village", "region",
	    "Not inside the region chosen above");
	set(h, "regency", "96.01");
	field_ok(f, h, NULL, NULL, 0, "village");

	/* an unknown code is reported as such, before containment */
	set(h, "village", "96.71.01.1099");
	field_bad(f, h, NULL, NULL, 0, "village", "region",
	    "No village with this code (F4 for the list)");
	record_free(h);
}

static void
test_field_unique_siblings(void **state)
{
	struct fx *f = *state;
	struct record *h = household(f, "3");
	struct record *a = head(f, h), *b = spouse(f, h), *c = child(f, h);
	struct record *sib[3];

	sib[0] = a;
	sib[1] = b;
	field_ok(f, c, h, sib, 2, "nik");
	/* the child given the spouse's NIK */
	set(c, "nik", record_get_by_name(b, "nik"));
	field_bad(f, c, h, sib, 2, "nik", "unique",
	    "Already used in another row here");
	/* not a sibling: no complaint (nothing saved yet) */
	field_ok(f, c, h, sib, 1, "nik");
	field_ok(f, c, h, NULL, 0, "nik");
	/* a sibling without a value, and a NULL slot, are skipped */
	set(a, "nik", NULL);
	sib[1] = NULL;
	sib[2] = a;
	field_ok(f, c, h, sib, 3, "nik");
	/* a sibling of another record type is not compared */
	sib[0] = h;
	sib[1] = b;
	field_bad(f, c, h, sib, 2, "nik", "unique",
	    "Already used in another row here");
	field_ok(f, c, h, sib, 1, "nik");
	/* a field that is not unique may repeat (sex, name) */
	set(c, "name", record_get_by_name(b, "name"));
	field_ok(f, c, h, sib, 2, "name");
	record_free(a);
	record_free(b);
	record_free(c);
	record_free(h);
}

/* Save root with member rows in one transaction; fails the test if not. */
static void
save_tree(struct fx *f, struct record *root, struct record **rows, size_t n,
    const int64_t *deleted, size_t ndeleted)
{
	struct db_roster ro = {f->mem, rows, n, deleted, ndeleted};
	char *err = NULL;
	if (db_tree_save(f->db, root, &ro, 1, "tester", &err) != 0)
		fail_msg("tree save: %s", err);
}

static void
test_field_unique_storage(void **state)
{
	struct fx *f = *state;
	struct record *h = household(f, "2"), *h2 = household(f, "1");
	struct record *rows[2], *m, *copy;

	rows[0] = head(f, h);
	rows[1] = spouse(f, h);
	save_tree(f, h, rows, 2, NULL, 0);
	assert_int_equal(h->id, 1);
	assert_int_equal(rows[0]->id, 1);
	assert_int_equal(rows[1]->id, 2);

	/* the saved records themselves are not duplicates of themselves */
	field_ok(f, h, NULL, NULL, 0, "kk");
	field_ok(f, rows[1], h, rows, 1, "nik");

	/* a new member (not saved) with the spouse's NIK */
	m = child(f, h2);
	set(m, "nik", record_get_by_name(rows[1], "nik"));
	field_bad(f, m, h2, NULL, 0, "nik", "unique",
	    "Already used by Anggota rumah tangga 'Maria Kalami' in Rumah "
	    "tangga '9601010000000001 Jl. Klamono 1' (#1)");
	/* an unsaved copy of a saved record (id 0) is another record */
	copy = record_copy(rows[0]);
	copy->id = 0;
	field_bad(f, copy, h, NULL, 0, "nik", "unique",
	    "Already used by Anggota rumah tangga 'Yohanes Malak' in Rumah "
	    "tangga '9601010000000001 Jl. Klamono 1' (#1)");
	record_free(copy);
	/* a new household with household 1's KK */
	set(h2, "kk", record_get_by_name(h, "kk"));
	field_bad(f, h2, NULL, NULL, 0, "kk", "unique",
	    "Already used by Rumah tangga '9601010000000001 Jl. Klamono 1' "
	    "(#1)");

	/* without storage only siblings count */
	f->c.db = NULL;
	field_ok(f, m, h2, NULL, 0, "nik");
	f->c.db = f->db;

	/* once the spouse is removed, her NIK is free again */
	{
		int64_t del = rows[1]->id;
		save_tree(f, h, rows, 1, &del, 1);
	}
	field_ok(f, m, h2, NULL, 0, "nik");
	/* and the head's is still taken, by record #1 */
	set(m, "nik", record_get_by_name(rows[0], "nik"));
	field_bad(f, m, h2, NULL, 0, "nik", "unique",
	    "Already used by Anggota rumah tangga 'Yohanes Malak' in Rumah "
	    "tangga '9601010000000001 Jl. Klamono 1' (#1)");
	record_free(m);
	record_free(rows[0]);
	record_free(rows[1]);
	record_free(h);
	record_free(h2);
}

/* ---- findings as text ------------------------------------------------------ */

static void
finding_line(struct sbuf *b, const struct sch_record *def,
    const struct finding *v)
{
	if (b->len > 0)
		sbuf_addc(b, '\n');
	sbuf_addf(b, "%s %s %s row=%ld%s: %s",
	    v->field == VALIDATE_NO_FIELD ? "-" : def->fields[v->field].name,
	    v->rule, v->severity == SEV_ERROR ? "error" :
	    v->severity == SEV_WARNING ? "warning" : "?", v->row,
	    v->accepted ? " accepted" : "", v->msg);
}

/* Every finding, one line each; def names the fields. Caller frees. */
static char *
fs_text(const struct sch_record *def, const struct findings *fs)
{
	struct sbuf b = {0};
	size_t i;
	for (i = 0; i < fs->n; i++)
		finding_line(&b, def, &fs->v[i]);
	return b.s != NULL ? sbuf_steal(&b) : xstrdup("");
}

#define assert_findings(def, fs, want) do {                                  \
	char *got_ = fs_text(def, fs);                                      \
	if (strcmp(got_, want) != 0)                                        \
		fail_msg("findings:\n%s\n--- expected:\n%s", got_, want);   \
	free(got_);                                                         \
} while (0)

/* ---- validate_record_full ------------------------------------------------ */

static void
test_record_full_skips_irrelevant(void **state)
{
	struct fx *f = *state;
	struct record *h = household(f, "2"), *m;
	struct findings fs = {0};

	/* aid_amount is relevant only with aid; -5 breaks its min of 0 */
	set(h, "aid_amount", "-5");
	assert_int_equal(validate_record_full(&f->c, h, NULL, NULL, 0, &fs), 0);
	assert_findings(f->hh, &fs, "");
	set(h, "aid", "2");
	assert_int_equal(validate_record_full(&f->c, h, NULL, NULL, 0, &fs), 1);
	assert_findings(f->hh, &fs, "aid_amount range error row=-1: "
	    "Must be at least 0");
	findings_free(&fs);

	/* pregnant: relevant for women from 10 to 54 only */
	m = head(f, h);
	set(m, "pregnant", "7");
	assert_int_equal(validate_record_full(&f->c, m, h, NULL, 0, &fs), 0);
	assert_findings(f->mem, &fs, "");
	set(m, "sex", "2");
	set(m, "nik", "9601014101900099");
	assert_int_equal(validate_record_full(&f->c, m, h, NULL, 0, &fs), 1);
	assert_findings(f->mem, &fs, "pregnant type error row=-1: "
	    "Answer 1 (yes) or 0 (no)");
	findings_free(&fs);
	/* a woman of 60 */
	set(m, "birth_date", "1966-01-01");
	expr_refresh(f->x, m, h, NULL);
	set(m, "pregnant", "7"); /* refresh cleared it */
	assert_int_equal(validate_record_full(&f->c, m, h, NULL, 0, &fs), 0);
	assert_findings(f->mem, &fs, "");
	record_free(m);
	record_free(h);
}

static void
test_record_full_skips_calculate(void **state)
{
	struct fx *f = *state;
	struct record *h = household(f, "2");
	struct findings fs = {0};
	struct sch_field *apm = &f->s->records[0].fields[fidx(f->hh,
	    "area_per_member")];
	struct sch_field *addr = &f->s->records[0].fields[fidx(f->hh,
	    "address")];

	assert_ptr_equal(&f->s->records[0], f->hh);
	/*
	 * No check of the dictionary applies to a calculate field; mark one
	 * required (and, to compare, an ordinary field) in memory: a NULL
	 * calculation (no floor area) is no finding, an empty address is.
	 */
	apm->required = 1;
	addr->required = 1;
	set(h, "address", NULL);
	assert_null(record_get_by_name(h, "area_per_member"));
	assert_int_equal(validate_record_full(&f->c, h, NULL, NULL, 0, &fs), 1);
	assert_findings(f->hh, &fs, "address required error row=-1: "
	    REQUIRED_MSG);
	findings_free(&fs);
	/* nor is whatever text a calculate field holds */
	set(h, "address", "Jl. Klamono 2");
	set(h, "area_per_member", "\x01 not a number");
	assert_int_equal(validate_record_full(&f->c, h, NULL, NULL, 0, &fs), 0);
	assert_int_equal(fs.n, 0);
	record_free(h);
}

static void
test_record_full_every_error(void **state)
{
	struct fx *f = *state;
	struct record *h = household(f, "2");
	struct findings fs = {0};

	set(h, "province", NULL);
	set(h, "district", "96.01.03");       /* no such district */
	set(h, "village", "96.01.02.2001");   /* not under 96.01.03 */
	set(h, "kk", "12");
	set(h, "phone", "12345");
	set(h, "members", "0");
	set(h, "aid", "1");                   /* aid_amount now required */
	set(h, "floor_area", "0.5");
	assert_int_equal(validate_record_full(&f->c, h, NULL, NULL, 0, &fs), 9);
	assert_findings(f->hh, &fs,
	    "province required error row=-1: " REQUIRED_MSG "\n"
	    "district region error row=-1: No district with this code "
	    "(F4 for the list)\n"
	    "village region error row=-1: Not inside the region chosen above\n"
	    "kk type error row=-1: Must have 16 digits, not 2\n"
	    "phone type error row=-1: Not an Indonesian number: start with "
	    "08, +628 or 628\n"
	    "members range error row=-1: Must be from 1 to 30\n"
	    "aid_amount required error row=-1: " REQUIRED_MSG "\n"
	    "floor_area range error row=-1: Must be from 1 to 1000\n"
	    "- members_match error row=-1: Jumlah anggota minimal 1");
	assert_int_equal(findings_errors(&fs), 9);
	findings_free(&fs);

	/* a member with every field wrong at once */
	{
		struct record *m = record_new(f->mem);
		set(m, "name", "R2-D2");
		set(m, "nik", "9601010101900000");
		set(m, "birth_date", "2030-01-01");
		set(m, "relationship", "5");
		set(m, "phone", "0812");
		assert_int_equal(validate_record_full(&f->c, m, h, NULL, 0,
		    &fs), 6);
		assert_findings(f->mem, &fs,
		    "name pattern error row=-1: Does not match the required "
		    "pattern\n"
		    "nik type error row=-1: The last 4 digits (serial) cannot "
		    "be 0000\n"
		    "sex required error row=-1: " REQUIRED_MSG "\n"
		    "birth_date constraint error row=-1: Tanggal lahir di masa "
		    "depan\n"
		    "relationship value_set error row=-1: No code '5': choose "
		    "1, 2, 3, 4 (F4 for the list)\n"
		    "phone type error row=-1: Must have 9 to 15 digits, not 4");
		findings_free(&fs);
		record_free(m);
	}
	record_free(h);
}

static void
test_record_full_rules(void **state)
{
	struct fx *f = *state;
	struct record *h = household(f, "2"), *m;
	struct findings fs = {0};

	/* a rule of severity error: members_match (members IS NULL OR >= 1);
	 * members 0 also breaks the field's min */
	set(h, "members", "0");
	assert_int_equal(validate_record_full(&f->c, h, NULL, NULL, 0, &fs), 2);
	assert_findings(f->hh, &fs,
	    "members range error row=-1: Must be from 1 to 30\n"
	    "- members_match error row=-1: Jumlah anggota minimal 1");
	findings_free(&fs);
	f->c.lang = 1;
	assert_int_equal(validate_record_full(&f->c, h, NULL, NULL, 0, &fs), 2);
	assert_string_equal(fs.v[1].msg, "At least one member");
	findings_free(&fs);
	f->c.lang = 0;
	/* an error is never accepted, even with a reason recorded */
	record_accept(h, "members_match", "checked");
	assert_int_equal(validate_record_full(&f->c, h, NULL, NULL, 0, &fs), 2);
	assert_int_equal(fs.v[1].accepted, 0);
	findings_free(&fs);
	set(h, "members", NULL);
	assert_int_equal(validate_record_full(&f->c, h, NULL, NULL, 0, &fs), 0);
	assert_int_equal(fs.n, 0);
	set(h, "members", "2");

	/* a rule of severity warning: head_age (a head under 15), which
	 * the relationship's choice filter also refuses */
	m = member(f, h, "Yosua Malak", "1", "2012-06-01", "1");
	assert_string_equal(record_get_by_name(m, "age"), "14");
	assert_int_equal(validate_record_full(&f->c, m, h, NULL, 0, &fs), 1);
	assert_findings(f->mem, &fs,
	    "relationship choice_filter error row=-1: This choice does not "
	    "apply here\n"
	    "- head_age warning row=-1: Kepala keluarga di bawah 15 tahun");
	assert_int_equal(findings_errors(&fs), 1);
	findings_free(&fs);
	f->c.lang = 1;
	validate_record_full(&f->c, m, h, NULL, 0, &fs);
	assert_int_equal(fs.n, 2);
	assert_string_equal(fs.v[1].msg, "Head of household under 15");
	findings_free(&fs);
	f->c.lang = 0;

	/* accepted under another rule's name: still open */
	record_accept(m, "one_head", "not this one");
	validate_record_full(&f->c, m, h, NULL, 0, &fs);
	assert_int_equal(fs.n, 2);
	assert_int_equal(fs.v[1].accepted, 0);
	findings_free(&fs);
	/* accepted under its own name: marked, still reported */
	record_accept(m, "head_age", "married young, KK shows him as head");
	assert_int_equal(validate_record_full(&f->c, m, h, NULL, 0, &fs), 1);
	assert_findings(f->mem, &fs,
	    "relationship choice_filter error row=-1: This choice does not "
	    "apply here\n"
	    "- head_age warning row=-1 accepted: Kepala keluarga di bawah 15 "
	    "tahun");
	findings_free(&fs);
	/* withdrawn */
	record_accept(m, "head_age", NULL);
	validate_record_full(&f->c, m, h, NULL, 0, &fs);
	assert_int_equal(fs.v[1].accepted, 0);
	findings_free(&fs);
	/* 15 today: neither */
	set(m, "birth_date", "2011-11-28");
	expr_refresh(f->x, m, h, NULL);
	assert_int_equal(validate_record_full(&f->c, m, h, NULL, 0, &fs), 0);
	assert_int_equal(fs.n, 0);

	/* without expressions, no rule is evaluated */
	set(m, "birth_date", "2012-06-01");
	expr_refresh(f->x, m, h, NULL);
	f->c.x = NULL;
	assert_int_equal(validate_record_full(&f->c, m, h, NULL, 0, &fs), 0);
	assert_int_equal(fs.n, 0);
	f->c.x = f->x;
	record_free(m);
	record_free(h);
}

/* ---- validate_roster ----------------------------------------------------- */

static void
free_rows(struct record **rows, size_t n)
{
	size_t i;
	for (i = 0; i < n; i++)
		record_free(rows[i]);
}

static void
test_roster_min_count(void **state)
{
	struct fx *f = *state;
	struct record *h = household(f, NULL), *rows[1];
	struct findings fs = {0};

	/* no rows: min_count 1; one_head over no rows is NULL (holds) */
	assert_int_equal(validate_roster(&f->c, h, f->mem, NULL, 0, &fs), 1);
	assert_findings(f->mem, &fs, "- min_count error row=-1: "
	    "member: at least 1 rows");
	findings_free(&fs);
	/* one row: enough */
	set(h, "members", "1");
	rows[0] = head(f, h);
	assert_int_equal(validate_roster(&f->c, h, f->mem, rows, 1, &fs), 0);
	assert_findings(f->mem, &fs, "");
	free_rows(rows, 1);
	record_free(h);
}

/*
 * A roster rule over no rows still sees its parent's fields: members 2
 * and no rows is a count that does not match. (The rule is compiled as an
 * aggregate over the rows joined with the parent; with no rows SQLite
 * gives the parent's columns as NULL, and `household.members IS NULL`
 * then holds.)
 */
static void
test_roster_rule_parent_zero_rows(void **state)
{
	struct fx *f = *state;
	struct record *h = household(f, "2");
	struct findings fs = {0};
	size_t errors;
	char *got, text[512];

	errors = validate_roster(&f->c, h, f->mem, NULL, 0, &fs);
	got = fs_text(f->mem, &fs);
	snprintf(text, sizeof text, "%s", got);
	free(got);
	findings_free(&fs);
	record_free(h);
	/* everything freed first: a failure here leaks nothing */
	assert_string_equal(text,
	    "- min_count error row=-1: member: at least 1 rows\n"
	    "- count_matches warning row=-1: Banyak anggota tidak sama dengan "
	    "jumlah anggota");
	assert_int_equal(errors, 1);
}

static void
test_roster_max_count(void **state)
{
	struct fx *f = *state;
	struct record *h = household(f, NULL), *rows[31];
	struct findings fs = {0};
	size_t i;

	rows[0] = head(f, h);
	for (i = 1; i < 31; i++)
		rows[i] = child(f, h);
	/* 30 rows: the most allowed */
	assert_int_equal(validate_roster(&f->c, h, f->mem, rows, 30, &fs), 0);
	assert_findings(f->mem, &fs, "");
	/* 31 rows */
	assert_int_equal(validate_roster(&f->c, h, f->mem, rows, 31, &fs), 1);
	assert_findings(f->mem, &fs, "- max_count error row=-1: "
	    "member: at most 30 rows");
	findings_free(&fs);
	free_rows(rows, 31);
	record_free(h);
}

static void
test_roster_one_head(void **state)
{
	struct fx *f = *state;
	struct record *h = household(f, "3"), *rows[3];
	struct findings fs = {0};

	rows[0] = head(f, h);
	rows[1] = spouse(f, h);
	rows[2] = child(f, h);
	/* one head */
	assert_int_equal(validate_roster(&f->c, h, f->mem, rows, 3, &fs), 0);
	assert_findings(f->mem, &fs, "");
	/* no head: the man is a spouse too */
	set(rows[0], "relationship", "2");
	assert_int_equal(validate_roster(&f->c, h, f->mem, rows, 3, &fs), 1);
	assert_findings(f->mem, &fs, "- one_head error row=-1: "
	    "Harus ada tepat satu kepala keluarga");
	findings_free(&fs);
	/* two heads */
	set(rows[0], "relationship", "1");
	set(rows[1], "relationship", "1");
	assert_int_equal(validate_roster(&f->c, h, f->mem, rows, 3, &fs), 1);
	assert_findings(f->mem, &fs, "- one_head error row=-1: "
	    "Harus ada tepat satu kepala keluarga");
	findings_free(&fs);
	f->c.lang = 1;
	validate_roster(&f->c, h, f->mem, rows, 3, &fs);
	assert_findings(f->mem, &fs, "- one_head error row=-1: "
	    "There must be exactly one head");
	findings_free(&fs);
	f->c.lang = 0;
	/* an error is not accepted by a reason on the parent */
	record_accept(h, "one_head", "two families");
	validate_roster(&f->c, h, f->mem, rows, 3, &fs);
	assert_int_equal(fs.n, 1);
	assert_int_equal(fs.v[0].accepted, 0);
	findings_free(&fs);
	/* the only row, a head */
	assert_int_equal(validate_roster(&f->c, h, f->mem, &rows[1], 1, &fs),
	    0);
	/* members 3 vs 1 row */
	assert_findings(f->mem, &fs, "- count_matches warning row=-1: "
	    "Banyak anggota tidak sama dengan jumlah anggota");
	findings_free(&fs);
	free_rows(rows, 3);
	record_free(h);
}

static void
test_roster_count_matches(void **state)
{
	struct fx *f = *state;
	struct record *h = household(f, "3"), *rows[2];
	struct findings fs = {0};

	rows[0] = head(f, h);
	rows[1] = spouse(f, h);
	/* household.members 3, 2 rows: a warning, not counted as an error */
	assert_int_equal(validate_roster(&f->c, h, f->mem, rows, 2, &fs), 0);
	assert_findings(f->mem, &fs, "- count_matches warning row=-1: "
	    "Banyak anggota tidak sama dengan jumlah anggota");
	assert_int_equal(findings_errors(&fs), 0);
	findings_free(&fs);
	f->c.lang = 1;
	validate_roster(&f->c, h, f->mem, rows, 2, &fs);
	assert_findings(f->mem, &fs, "- count_matches warning row=-1: "
	    "Rows differ from the number of members");
	findings_free(&fs);
	f->c.lang = 0;

	/* accepted on a row: the roster rule is the parent's, still open */
	record_accept(rows[0], "count_matches", "on the wrong record");
	validate_roster(&f->c, h, f->mem, rows, 2, &fs);
	assert_int_equal(fs.n, 1);
	assert_int_equal(fs.v[0].accepted, 0);
	findings_free(&fs);
	record_accept(rows[0], "count_matches", NULL);
	/* accepted on the parent */
	record_accept(h, "count_matches", "the third member works in Sorong");
	assert_int_equal(validate_roster(&f->c, h, f->mem, rows, 2, &fs), 0);
	assert_findings(f->mem, &fs, "- count_matches warning row=-1 "
	    "accepted: Banyak anggota tidak sama dengan jumlah anggota");
	findings_free(&fs);

	/* members 2, or unknown: nothing to warn about */
	set(h, "members", "2");
	validate_roster(&f->c, h, f->mem, rows, 2, &fs);
	assert_int_equal(fs.n, 0);
	set(h, "members", NULL);
	validate_roster(&f->c, h, f->mem, rows, 2, &fs);
	assert_int_equal(fs.n, 0);
	free_rows(rows, 2);
	record_free(h);
}

static void
test_roster_row_numbers(void **state)
{
	struct fx *f = *state;
	struct record *h = household(f, "4"), *rows[4];
	struct findings fs = {0};

	rows[0] = head(f, h);
	rows[1] = spouse(f, h);
	rows[2] = child(f, h);
	rows[3] = member(f, h, "Anike Malak", "2", "2022-02-02", "3");
	/* row 1: a bad NIK; rows 0 and 3 share a NIK; row 2: a child head
	 * (an error of the choice filter and a warning of the rule) */
	set(rows[1], "nik", "96010145039200");
	set(rows[3], "nik", record_get_by_name(rows[0], "nik"));
	set(rows[2], "relationship", "1");
	assert_int_equal(validate_roster(&f->c, h, f->mem, rows, 4, &fs), 5);
	assert_findings(f->mem, &fs,
	    "- one_head error row=-1: Harus ada tepat satu kepala keluarga\n"
	    "nik unique error row=0: Already used in another row here\n"
	    "nik type error row=1: Must have 16 digits, not 14\n"
	    "relationship choice_filter error row=2: This choice does not "
	    "apply here\n"
	    "- head_age warning row=2: Kepala keluarga di bawah 15 tahun\n"
	    "nik unique error row=3: Already used in another row here");
	findings_free(&fs);

	/* a row's warning is accepted on the row itself */
	record_accept(rows[2], "head_age", "checked");
	validate_roster(&f->c, h, f->mem, rows, 4, &fs);
	assert_int_equal(fs.n, 6);
	assert_int_equal(fs.v[4].row, 2);
	assert_string_equal(fs.v[4].rule, "head_age");
	assert_int_equal(fs.v[4].accepted, 1);
	findings_free(&fs);
	free_rows(rows, 4);
	record_free(h);
}

/*
 * Unique in storage within a roster that is being edited: a NIK moved from
 * one row to a new one. The first row's stored value is about to be
 * replaced by the one in memory (its sibling), and db_tree_save accepts
 * the tree, yet the storage check still sees the old stored value.
 */
static void
test_roster_unique_moved_value(void **state)
{
	struct fx *f = *state;
	struct record *h = household(f, "2"), *rows[3];
	struct db_roster ro = {f->mem, rows, 3, NULL, 0};
	struct findings fs = {0};
	char *moved, *got, *err = NULL, text[512];
	int64_t id;
	int rc;

	rows[0] = head(f, h);
	rows[1] = spouse(f, h);
	save_tree(f, h, rows, 2, NULL, 0);
	/* the head's NIK was keyed wrongly: it belongs to a new member,
	 * the head gets another */
	moved = xstrdup(record_get_by_name(rows[0], "nik"));
	set(rows[0], "nik", "9601010101900077");
	rows[2] = child(f, h);
	set(rows[2], "nik", moved);
	set(h, "members", "3");
	validate_roster(&f->c, h, f->mem, rows, 3, &fs);
	got = fs_text(f->mem, &fs);
	snprintf(text, sizeof text, "%s", got);
	free(got);
	findings_free(&fs);
	/* storage takes this very tree */
	rc = db_tree_save(f->db, h, &ro, 1, "tester", &err);
	id = rows[2]->id;
	free(moved);
	free_rows(rows, 3);
	record_free(h);
	/* everything freed first: a failure here leaks nothing */
	if (rc != 0) {
		snprintf(text, sizeof text, "%s", err);
		free(err);
		fail_msg("tree save: %s", text);
	}
	assert_int_equal(id, 3);
	if (text[0] != '\0')
		fail_msg("findings:\n%s\n--- expected none", text);
}

/*
 * choice_filter on a select_multiple field: kesra check accepts it and
 * the pick list (F4) applies it, but a code typed directly is never
 * checked against it.
 */
static void
test_field_choice_filter_multiple(void **state)
{
	static const char yaml[] =
	    "dictionary: cfm\n"
	    "value_sets:\n"
	    "  aid:\n"
	    "    - {code: 1, label: PKH, village_only: 0}\n"
	    "    - {code: 3, label: BLT Dana Desa, village_only: 1}\n"
	    "records:\n"
	    "  household:\n"
	    "    fields:\n"
	    "      - {name: urban, type: yesno}\n"
	    "      - {name: aid, type: select_multiple, values: aid,\n"
	    "         choice_filter: \"urban = 0 OR choice.village_only = 0\"}\n";
	char *dir = *state, *path = tu_path(dir, "m.db"), *err = NULL;
	struct schema *s = tu_schema(yaml);
	struct diags d = {0};
	struct db *db;
	struct expr_set *x;
	struct validate_ctx c;
	struct record *r;
	const char *rule = NULL;
	char *msg = NULL;
	int rc;

	if (db_open(&db, path, s, DB_OPEN_CREATE, &err) != 0 ||
	    db_migrate(db, 0, NULL, &err) != 0)
		fail_msg("open: %s", err);
	x = expr_compile(db_sqlite(db), s, &d);
	assert_non_null(x);
	c.x = x;
	c.db = db;
	c.lang = 0;
	r = record_new(schema_record(s, "household"));
	record_set_by_name(r, "urban", "1");
	record_set_by_name(r, "aid", "1");
	assert_int_equal(validate_field(&c, r, NULL, NULL, 0, 1, &rule, &msg),
	    0);
	/* the village fund is not for a town household */
	assert_int_equal(expr_choice_ok(x, r, NULL, 1, &r->def->fields[1].vs->
	    choices[1]), 0);
	record_set_by_name(r, "aid", "1 3");
	rc = validate_field(&c, r, NULL, NULL, 0, 1, &rule, &msg);
	free(msg);
	record_free(r);
	expr_free(x);
	db_close(db);
	schema_free(s);
	diags_free(&d);
	free(path);
	/* everything freed first: a failure here leaks nothing */
	assert_int_equal(rc, -1);
	assert_non_null(rule); /* a static string */
	assert_string_equal(rule, "choice_filter");
}

/* ---- validate_all -------------------------------------------------------- */

/* The callback's findings as text: <record>#<id> then the finding. */
struct seen {
	struct sbuf b;
	size_t n;
};

static void
collect(void *ctx, const struct record *r, const struct finding *v)
{
	struct seen *s = ctx;
	struct sbuf line = {0};
	finding_line(&line, r->def, v);
	if (s->b.len > 0)
		sbuf_addc(&s->b, '\n');
	sbuf_addf(&s->b, "%s#%lld %s", r->def->name, (long long)r->id, line.s);
	sbuf_free(&line);
	s->n++;
}

static void
test_validate_all_planted(void **state)
{
	struct fx *f = *state;
	struct record *h[7], *rows[7][3];
	struct seen seen = {{0}, 0};
	char *err = NULL, *want;
	int64_t del;
	size_t i;

	memset(rows, 0, sizeof rows);
	/* 1: clean; a member with a bad name was removed from it */
	h[0] = household(f, "2");
	rows[0][0] = head(f, h[0]);
	rows[0][1] = spouse(f, h[0]);
	rows[0][2] = member(f, h[0], "X 1", "1", "2000-01-01", "4");
	save_tree(f, h[0], rows[0], 3, NULL, 0);
	del = rows[0][2]->id;
	save_tree(f, h[0], rows[0], 2, &del, 1);
	/* 2: members 3 but two rows (warning) */
	h[1] = household(f, "3");
	rows[1][0] = head(f, h[1]);
	rows[1][1] = spouse(f, h[1]);
	save_tree(f, h[1], rows[1], 2, NULL, 0);
	/* 3: two heads (roster error); row 2's name breaks the pattern */
	h[2] = household(f, "3");
	rows[2][0] = head(f, h[2]);
	rows[2][1] = member(f, h[2], "Petrus Kalami", "1", "1985-07-07",
	    "1");
	rows[2][2] = member(f, h[2], "R2D2", "1", "2019-09-09", "3");
	save_tree(f, h[2], rows[2], 3, NULL, 0);
	/* 4: a village of another district (field error on the household) */
	h[3] = household(f, "1");
	set(h[3], "village", "96.01.02.2001");
	rows[3][0] = head(f, h[3]);
	save_tree(f, h[3], rows[3], 1, NULL, 0);
	/* 5: no members at all (min_count) */
	h[4] = household(f, NULL);
	save_tree(f, h[4], NULL, 0, NULL, 0);
	/* 6: members 3 but two rows, accepted with a reason */
	h[5] = household(f, "3");
	record_accept(h[5], "count_matches", "one member works in Sorong");
	rows[5][0] = head(f, h[5]);
	rows[5][1] = spouse(f, h[5]);
	save_tree(f, h[5], rows[5], 2, NULL, 0);
	/* 7: full of mistakes, but deleted */
	h[6] = household(f, "0");
	set(h[6], "province", NULL);
	save_tree(f, h[6], NULL, 0, NULL, 0);
	tu_sql_exec(db_sqlite(f->db), "UPDATE household SET deleted_at = "
	    "'2026-11-01 00:00:00' WHERE id = 7");

	assert_int_equal(h[2]->id, 3);
	assert_int_equal(rows[2][2]->id, 8);
	assert_int_equal(validate_all(&f->c, collect, &seen, &err), 6);
	assert_null(err);
	want = xasprintf(
	    "household#2 - count_matches warning row=-1: Banyak anggota tidak "
	    "sama dengan jumlah anggota\n"
	    "household#3 - one_head error row=-1: Harus ada tepat satu kepala "
	    "keluarga\n"
	    "member#%lld name pattern error row=2: Does not match the "
	    "required pattern\n"
	    "household#4 village region error row=-1: Not inside the region "
	    "chosen above\n"
	    "household#5 - min_count error row=-1: member: at least 1 rows\n"
	    "household#6 - count_matches warning row=-1 accepted: Banyak "
	    "anggota tidak sama dengan jumlah anggota",
	    (long long)rows[2][2]->id);
	if (strcmp(seen.b.s != NULL ? seen.b.s : "", want) != 0)
		fail_msg("findings:\n%s\n--- expected:\n%s", seen.b.s, want);
	assert_int_equal(seen.n, 6);
	free(want);
	sbuf_free(&seen.b);

	/* in English */
	memset(&seen, 0, sizeof seen);
	f->c.lang = 1;
	assert_int_equal(validate_all(&f->c, collect, &seen, &err), 6);
	assert_contains(seen.b.s, "household#3 - one_head error row=-1: There "
	    "must be exactly one head\n");
	sbuf_free(&seen.b);
	f->c.lang = 0;

	/* mend them: the same call finds nothing but the accepted warning */
	set(h[1], "members", "2");
	save_tree(f, h[1], rows[1], 2, NULL, 0);
	set(rows[2][1], "relationship", "2");
	set(rows[2][2], "name", "Rudi");
	save_tree(f, h[2], rows[2], 3, NULL, 0);
	set(h[3], "village", "96.01.01.2003");
	save_tree(f, h[3], rows[3], 1, NULL, 0);
	set(h[4], "members", "1");
	rows[4][0] = head(f, h[4]);
	save_tree(f, h[4], rows[4], 1, NULL, 0);
	memset(&seen, 0, sizeof seen);
	assert_int_equal(validate_all(&f->c, collect, &seen, &err), 6);
	assert_string_equal(seen.b.s, "household#6 - count_matches warning "
	    "row=-1 accepted: Banyak anggota tidak sama dengan jumlah "
	    "anggota");
	sbuf_free(&seen.b);

	for (i = 0; i < 7; i++) {
		free_rows(rows[i], 3);
		record_free(h[i]);
	}
}

static void
test_validate_all_clean(void **state)
{
	struct fx *f = *state;
	struct record *h, *rows[3];
	struct seen seen = {{0}, 0};
	char *err = NULL;
	int i;

	/* an empty database */
	assert_int_equal(validate_all(&f->c, collect, &seen, &err), 0);
	assert_int_equal(seen.n, 0);
	for (i = 0; i < 3; i++) {
		h = household(f, i == 0 ? "1" : i == 1 ? "2" : "3");
		rows[0] = head(f, h);
		rows[1] = spouse(f, h);
		rows[2] = child(f, h);
		if (i == 2)
			set(h, "aid", "1 2");
		if (i == 2)
			set(h, "aid_amount", "600000");
		save_tree(f, h, rows, (size_t)i + 1, NULL, 0);
		free_rows(rows, 3);
		record_free(h);
	}
	assert_int_equal(validate_all(&f->c, collect, &seen, &err), 3);
	if (seen.n != 0)
		fail_msg("findings in a clean database:\n%s", seen.b.s);
	assert_null(err);
}

/* More households than one page of db_record_page (200). */
static void
test_validate_all_pages(void **state)
{
	struct fx *f = *state;
	struct record *h, *row;
	struct seen seen = {{0}, 0};
	char *err = NULL;
	int i;

	tu_sql_exec(db_sqlite(f->db), "PRAGMA synchronous = OFF");
	for (i = 1; i <= 203; i++) {
		/* the first and the last two have members 2 with one row */
		h = household(f, i == 1 || i >= 202 ? "2" : "1");
		row = head(f, h);
		save_tree(f, h, &row, 1, NULL, 0);
		record_free(row);
		record_free(h);
	}
	assert_int_equal(validate_all(&f->c, collect, &seen, &err), 203);
	assert_int_equal(seen.n, 3);
	assert_string_equal(seen.b.s,
	    "household#1 - count_matches warning row=-1: Banyak anggota tidak "
	    "sama dengan jumlah anggota\n"
	    "household#202 - count_matches warning row=-1: Banyak anggota "
	    "tidak sama dengan jumlah anggota\n"
	    "household#203 - count_matches warning row=-1: Banyak anggota "
	    "tidak sama dengan jumlah anggota");
	sbuf_free(&seen.b);
}

int
main(void)
{
#define T(fn) cmocka_unit_test_setup_teardown(fn, setup, teardown)
	const struct CMUnitTest tests[] = {
		T(test_field_required_expression),
		T(test_field_constraint_message),
		T(test_field_choice_filter),
		T(test_field_region_exists),
		T(test_field_region_inside),
		T(test_field_unique_siblings),
		T(test_field_unique_storage),
		cmocka_unit_test_setup_teardown(
		    test_field_choice_filter_multiple, tu_setup_tmp,
		    tu_teardown_tmp),
		T(test_record_full_skips_irrelevant),
		T(test_record_full_skips_calculate),
		T(test_record_full_every_error),
		T(test_record_full_rules),
		T(test_roster_min_count),
		T(test_roster_rule_parent_zero_rows),
		T(test_roster_max_count),
		T(test_roster_one_head),
		T(test_roster_count_matches),
		T(test_roster_row_numbers),
		T(test_roster_unique_moved_value),
		T(test_validate_all_planted),
		T(test_validate_all_clean),
		T(test_validate_all_pages),
	};
#undef T
	return cmocka_run_group_tests(tests, NULL, NULL);
}
