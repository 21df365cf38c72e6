/*
 * test_vexact: the exact check of the households that validate_scan's
 * set-based statements flag, made cheaper, gives what it gave: the rows
 * a roster loads with only the fields the probes read
 * (db_children_load_some) give the same findings and messages as the
 * record-by-record scan; db_children_load's order (sorted in C) is
 * SQLite's ORDER BY ord, id; the accepted warnings of rows spread apart
 * or close together are each row's own; db_record_title is record_title
 * of the loaded record. On the DTSEN dictionary and a demo register in a
 * real SQLite file.
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
	o.households = 40;
	o.seed = 11;
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

static void
exec(struct fx *f, const char *sql)
{
	char *e = NULL;
	if (sqlite3_exec(db_sqlite(f->db), sql, NULL, NULL, &e) != SQLITE_OK)
		fail_msg("%s: %s", sql, e);
}

static int64_t
one(struct fx *f, const char *sql)
{
	return tu_sql_int(db_sqlite(f->db), sql);
}

/* The transcript of a scan: every finding with its record and message. */
static void
on_finding(void *ctx, const struct record *top, const struct record *r,
    const struct finding *fd)
{
	sbuf_addf(ctx, "F %lld/%s %lld %s %s %d %d %ld %s\n",
	    (long long)top->id, r->def->name, (long long)r->id,
	    fd->field == VALIDATE_NO_FIELD ? "-" : r->def->fields[fd->field].name,
	    fd->rule, (int)fd->severity, fd->accepted, fd->row, fd->msg);
}

static void
on_row(void *ctx, const struct record *top, const struct record *r)
{
	(void)ctx;
	(void)top;
	(void)r;
}

static char *
scan(struct fx *f, int exact, int rows)
{
	struct validate_scan o = {0};
	struct sbuf b = {0};
	char *err = NULL;

	o.fn = on_finding;
	o.exact = exact;
	if (rows)
		o.row = on_row;
	if (validate_scan(&f->c, &o, &b, &err) < 0)
		fail_msg("validate_scan: %s", err);
	sbuf_add(&b, "end\n");
	return sbuf_steal(&b);
}

/* The mark the statement of roster rec gives row id (vbatch_marked). */
static int
row_mark(struct fx *f, const char *rec, int64_t id)
{
	const struct sch_record *mem = schema_record(f->s, rec);
	struct vbatch *v = vbatch_new(db_sqlite(f->db), f->s, mem, NULL);
	struct vbatch_ids ids = {0};
	char *err = NULL;
	int m;

	assert_non_null(v);
	assert_int_equal(vbatch_flagged_parents(v, 0, INT64_MAX,
	    vbatch_ids_add, &ids, &err), 0);
	m = vbatch_marked(v, id);
	vbatch_ids_free(&ids);
	vbatch_free(v);
	return m;
}

/* Member to takes the stored values of member from, but for row_no and
 * name (all its own checks then pass as from's do). */
static void
copy_member(struct fx *f, int64_t from, int64_t to)
{
	const struct sch_record *mem = schema_record(f->s, "member");
	struct sbuf a = {0};
	size_t i;

	for (i = 0; i < mem->nfields; i++)
		if (schema_field_stored(&mem->fields[i]) &&
		    strcmp(mem->fields[i].name, "row_no") != 0 &&
		    strcmp(mem->fields[i].name, "name") != 0)
			sbuf_addf(&a, "%s\"%s\"", a.len ? ", " : "",
			    mem->fields[i].name);
	{
		char *sql = xasprintf("UPDATE member SET (%s) = (SELECT %s FROM "
		    "member WHERE id = %lld) WHERE id = %lld", a.s, a.s,
		    (long long)from, (long long)to);
		exec(f, sql);
		free(sql);
	}
	sbuf_free(&a);
}

/*
 * Rows flagged by the probes alone are checked on rows loaded with the
 * probes' fields only: a NIK used again in another family and a person
 * entered twice in one family (the message names the sibling by its
 * title: row_no and name) give the findings and messages of the exact
 * scan, with or without the row callback (which loads rows whole).
 */
static void
test_probe_rows(void **state)
{
	struct fx *f = *state;
	int64_t a, b, c1, c2;
	char *x, *y, *z;
	char sql[512];

	exec(f, "DROP INDEX member_nik_unique");
	/* b, a child of another family, a copy of a, the youngest child
	 * (the NIK too): only the probes can find anything on b */
	a = one(f, "SELECT id FROM member WHERE relationship = 3 AND present "
	    "= 1 AND nik IS NOT NULL ORDER BY age, id LIMIT 1");
	snprintf(sql, sizeof sql, "SELECT id FROM member WHERE relationship "
	    "= 3 AND present = 1 AND nik IS NOT NULL AND parent_id <> (SELECT "
	    "parent_id FROM member WHERE id = %lld) ORDER BY id LIMIT 1",
	    (long long)a);
	b = one(f, sql);
	assert_true(a > 0 && b > 0);
	copy_member(f, a, b);
	/* two children of a family, the second a copy of the first with
	 * its name written in capitals: a probable duplicate in the family */
	snprintf(sql, sizeof sql, "SELECT min(m.id) FROM member m WHERE "
	    "relationship = 3 AND (SELECT count(*) FROM member o WHERE "
	    "o.parent_id = m.parent_id AND o.relationship = 3) >= 2 AND "
	    "parent_id NOT IN (SELECT parent_id FROM member WHERE id IN (%lld, "
	    "%lld))", (long long)a, (long long)b);
	c1 = one(f, sql);
	snprintf(sql, sizeof sql, "SELECT max(id) FROM member WHERE "
	    "relationship = 3 AND parent_id = (SELECT parent_id FROM member "
	    "WHERE id = %lld)", (long long)c1);
	c2 = one(f, sql);
	assert_true(c1 > 0 && c2 > c1);
	copy_member(f, c1, c2);
	snprintf(sql, sizeof sql, "UPDATE member SET name = upper((SELECT "
	    "name FROM member WHERE id = %lld)) WHERE id = %lld",
	    (long long)c1, (long long)c2);
	exec(f, sql);
	/* the probes alone flag them: the narrow load is what runs */
	assert_int_equal(row_mark(f, "member", b), VB_PROBE);
	assert_int_equal(row_mark(f, "member", c2), VB_PROBE);
	x = scan(f, 1, 0);
	y = scan(f, 0, 0);
	z = scan(f, 0, 1);
	assert_string_equal(y, x);
	assert_string_equal(z, x);
	snprintf(sql, sizeof sql, " %lld nik unique ", (long long)b);
	assert_non_null(strstr(x, sql));
	snprintf(sql, sizeof sql, " %lld name probable_duplicate ",
	    (long long)c2);
	assert_non_null(strstr(x, sql));
	assert_non_null(strstr(x, "in this form"));
	free(x);
	free(y);
	free(z);
}

/* db_children_load_some: the fields asked for, the others empty; the
 * system columns and acceptances as db_children_load gives them. */
static void
test_children_some(void **state)
{
	struct fx *f = *state;
	const struct sch_record *mem = schema_record(f->s, "member");
	struct record **all, **some;
	size_t na, ns, i, k;
	unsigned char *want = xcalloc(mem->nfields, 1);
	int name = schema_field_index(mem, "name");
	char *err = NULL;

	assert_true(name >= 0);
	want[name] = 1;
	exec(f, "INSERT INTO kesra_accept (record, record_id, rule, reason, accepted_by) "
	    "SELECT 'member', id, 'nik_sex', 'checked', 'x' FROM member "
	    "WHERE parent_id = 3");
	assert_int_equal(db_children_load(f->db, mem, 3, &all, &na, &err), 0);
	assert_int_equal(db_children_load_some(f->db, mem, 3, want, &some,
	    &ns, &err), 0);
	assert_true(na >= 1);
	assert_int_equal(ns, na);
	for (i = 0; i < na; i++) {
		assert_int_equal(some[i]->id, all[i]->id);
		assert_string_equal(some[i]->uuid, all[i]->uuid);
		assert_string_equal(some[i]->status, all[i]->status);
		assert_int_equal(some[i]->rev, all[i]->rev);
		assert_int_equal(some[i]->ord, all[i]->ord);
		assert_int_equal(some[i]->parent_id, 3);
		for (k = 0; k < mem->nfields; k++)
			if ((int)k == name)
				assert_string_equal(some[i]->val[k],
				    all[i]->val[k]);
			else
				assert_null(some[i]->val[k]);
		assert_int_equal(some[i]->nacc, 1);
		assert_int_equal(all[i]->nacc, 1);
		assert_string_equal(record_accepted(some[i], "nik_sex"),
		    "checked");
	}
	db_records_free(all, na);
	db_records_free(some, ns);
	free(want);
}

/* The ids of parent's rows in db_children_load's order, "a b c". */
static char *
loaded_order(struct fx *f, int64_t parent)
{
	const struct sch_record *mem = schema_record(f->s, "member");
	struct record **v;
	struct sbuf b = {0};
	size_t n, i;
	char *err = NULL;

	assert_int_equal(db_children_load(f->db, mem, parent, &v, &n, &err),
	    0);
	for (i = 0; i < n; i++)
		sbuf_addf(&b, "%s%lld", i ? " " : "", (long long)v[i]->id);
	db_records_free(v, n);
	return sbuf_steal(&b);
}

/* Sorted in C, the rows come in SQLite's ORDER BY ord, id: NULL first,
 * negative, equal ords by id. */
static void
test_children_order(void **state)
{
	struct fx *f = *state;
	int64_t h = one(f, "SELECT parent_id FROM member GROUP BY parent_id "
	    "HAVING count(*) >= 4 ORDER BY parent_id LIMIT 1");
	char sql[512], *got, *want;

	assert_true(h > 0);
	/* the last row NULL, one 0, one 7, the others -5 */
	snprintf(sql, sizeof sql, "UPDATE member SET ord = CASE WHEN id = "
	    "(SELECT max(id) FROM member WHERE parent_id = %lld) THEN NULL "
	    "WHEN id %% 3 = 0 THEN 0 WHEN id %% 3 = 1 THEN 7 ELSE -5 END "
	    "WHERE parent_id = %lld", (long long)h, (long long)h);
	exec(f, sql);
	snprintf(sql, sizeof sql, "SELECT group_concat(id, ' ') FROM (SELECT "
	    "id FROM member WHERE parent_id = %lld AND deleted_at IS NULL "
	    "ORDER BY ord, id)", (long long)h);
	want = tu_sql_text(db_sqlite(f->db), sql);
	got = loaded_order(f, h);
	assert_string_equal(got, want);
	/* and in reverse id order */
	free(got);
	free(want);
	snprintf(sql, sizeof sql, "UPDATE member SET ord = 1000 - id WHERE "
	    "parent_id = %lld", (long long)h);
	exec(f, sql);
	snprintf(sql, sizeof sql, "SELECT group_concat(id, ' ') FROM (SELECT "
	    "id FROM member WHERE parent_id = %lld AND deleted_at IS NULL "
	    "ORDER BY ord, id)", (long long)h);
	want = tu_sql_text(db_sqlite(f->db), sql);
	got = loaded_order(f, h);
	assert_string_equal(got, want);
	free(got);
	free(want);
}

/* Each row's accepted warnings as "id:rule=reason;..." from the loads. */
static char *
loaded_acc(struct fx *f, int64_t parent)
{
	const struct sch_record *mem = schema_record(f->s, "member");
	struct record **v;
	struct sbuf b = {0};
	size_t n, i, k;
	char *err = NULL;

	assert_int_equal(db_children_load(f->db, mem, parent, &v, &n, &err),
	    0);
	for (i = 0; i < n; i++) {
		struct record *r;
		sbuf_addf(&b, "%lld:", (long long)v[i]->id);
		for (k = 0; k < v[i]->nacc; k++)
			sbuf_addf(&b, "%s=%s;", v[i]->acc[k].rule,
			    v[i]->acc[k].reason);
		/* db_record_load of the row: the same list */
		assert_int_equal(db_record_load(f->db, mem, v[i]->id, &r,
		    &err), 0);
		assert_int_equal(r->nacc, v[i]->nacc);
		for (k = 0; k < r->nacc; k++)
			assert_string_equal(r->acc[k].rule, v[i]->acc[k].rule);
		record_free(r);
		sbuf_add(&b, "\n");
	}
	db_records_free(v, n);
	return sbuf_steal(&b);
}

/* The same from SQL, rows in the roster's order. */
static char *
sql_acc(struct fx *f, int64_t parent)
{
	char sql[700];
	snprintf(sql, sizeof sql, "SELECT group_concat(line, '') FROM (SELECT "
	    "m.id || ':' || coalesce((SELECT group_concat(rule || '=' || "
	    "reason || ';', '') FROM (SELECT rule, reason FROM kesra_accept a "
	    "WHERE a.record = 'member' AND a.record_id = m.id ORDER BY rule)),"
	    " '') || char(10) AS line FROM member m WHERE m.parent_id = %lld "
	    "AND m.deleted_at IS NULL ORDER BY m.ord, m.id)", (long long)parent);
	return tu_sql_text(db_sqlite(f->db), sql);
}

/*
 * Accepted warnings by the rows' id range: a family entered together
 * (one range) and one with a member moved in from far away (a probe per
 * row); acceptances of other families' rows inside the range belong to
 * them only; a deleted row's stay out.
 */
static void
test_accept_ranges(void **state)
{
	struct fx *f = *state;
	int64_t far = one(f, "SELECT max(id) FROM member");
	char sql[300], *got, *want;

	/* acceptances on every member but a few, two rules on some */
	exec(f, "INSERT INTO kesra_accept (record, record_id, rule, reason, accepted_by) "
	    "SELECT 'member', id, 'nik_sex', 'seen ' || id, 'x' FROM member "
	    "WHERE id % 3 <> 0");
	exec(f, "INSERT INTO kesra_accept (record, record_id, rule, reason, accepted_by) "
	    "SELECT 'member', id, 'age_plausible', 'asked', 'x' FROM member "
	    "WHERE id % 2 = 0");
	exec(f, "INSERT INTO kesra_accept (record, record_id, rule, reason, accepted_by) "
	    "SELECT 'household', id, 'nik_sex', 'not mine', 'x' FROM household");
	got = loaded_acc(f, 4);
	want = sql_acc(f, 4);
	assert_string_equal(got, want);
	assert_non_null(strstr(got, "nik_sex="));
	free(got);
	free(want);
	/* a member from the last family moved into family 4: ids far apart */
	snprintf(sql, sizeof sql, "UPDATE member SET parent_id = 4, ord = 99 "
	    "WHERE id = %lld", (long long)far);
	exec(f, sql);
	got = loaded_acc(f, 4);
	want = sql_acc(f, 4);
	assert_string_equal(got, want);
	snprintf(sql, sizeof sql, "%lld:", (long long)far);
	assert_non_null(strstr(got, sql));
	free(got);
	free(want);
	/* a row in the middle deleted: its acceptances are not loaded */
	exec(f, "UPDATE member SET deleted_at = '2026-01-01' WHERE id = "
	    "(SELECT min(id) + 1 FROM member WHERE parent_id = 4)");
	got = loaded_acc(f, 4);
	want = sql_acc(f, 4);
	assert_string_equal(got, want);
	free(got);
	free(want);
}

static const char *
get_val(void *ctx, size_t i)
{
	return record_get(ctx, i);
}

/* db_record_title: record_title of the record db_record_load loads. */
static void
test_record_title(void **state)
{
	struct fx *f = *state;
	const char *names[] = {"household", "member"};
	size_t t;
	char *err = NULL;

	/* a title field that holds an integer, and one emptied */
	exec(f, "UPDATE member SET name = NULL WHERE id = 5");
	for (t = 0; t < 2; t++) {
		const struct sch_record *def = schema_record(f->s, names[t]);
		char sql[100];
		int64_t id, n;
		snprintf(sql, sizeof sql, "SELECT max(id) FROM %s", names[t]);
		n = one(f, sql);
		assert_true(n > 0);
		for (id = 1; id <= n; id++) {
			struct record *r;
			char *a, *b;
			int64_t pid = -1;
			assert_int_equal(db_record_load(f->db, def, id, &r,
			    &err), 0);
			assert_int_equal(db_record_title(f->db, def, id, &b,
			    &pid, &err), 0);
			a = record_title(def, get_val, r);
			assert_string_equal(b, a);
			assert_int_equal(pid, r->parent_id);
			free(a);
			free(b);
			record_free(r);
		}
	}
	/* a deleted record has no title */
	exec(f, "UPDATE member SET deleted_at = '2026-01-01' WHERE id = 6");
	{
		char *b = NULL;
		int64_t pid;
		assert_int_equal(db_record_title(f->db, schema_record(f->s,
		    "member"), 6, &b, &pid, &err), -1);
		assert_null(b);
		free(err);
	}
}

#define DICT \
	"dictionary: q\n" \
	"version: 1\n" \
	"records:\n" \
	"  family:\n" \
	"    label: Family\n" \
	"    title: \"${kk}\"\n" \
	"    fields:\n" \
	"      - {name: kk, type: text}\n" \
	"  person:\n" \
	"    label: Person\n" \
	"    parent: family\n" \
	"    title: \"${no}. ${name}\"\n" \
	"    duplicate_key: [name]\n" \
	"    fields:\n" \
	"      - {name: no, type: integer}\n" \
	"      - {name: name, type: text}\n" \
	"      - {name: present, type: yesno}\n" \
	"      - {name: note, type: text}\n" \
	"      - {name: idno, type: text, unique: true,\n" \
	"         relevant: \"Present = 1 AND household_size IS NULL\"}\n" \
	"      - {name: household_size, type: integer}\n"

/* Save family kk with persons "no|name|present|idno" (n of them). */
static void
small_family(struct fx *f, const char *kk, const char *const *p, size_t n)
{
	const struct sch_record *fam = schema_record(f->s, "family");
	const struct sch_record *per = schema_record(f->s, "person");
	struct record *h = record_new(fam), *r[8];
	struct db_roster ro = {per, r, n, NULL, 0};
	char *err = NULL;
	size_t i;

	record_set_by_name(h, "kk", kk);
	for (i = 0; i < n; i++) {
		char *t = xstrdup(p[i]), *save = NULL;
		r[i] = record_new(per);
		record_set_by_name(r[i], "no", strtok_r(t, "|", &save));
		record_set_by_name(r[i], "name", strtok_r(NULL, "|", &save));
		record_set_by_name(r[i], "present", strtok_r(NULL, "|", &save));
		record_set_by_name(r[i], "idno", strtok_r(NULL, "|", &save));
		free(t);
	}
	if (db_tree_save(f->db, h, &ro, 1, "test", &err) != 0)
		fail_msg("save: %s", err);
	for (i = 0; i < n; i++)
		record_free(r[i]);
	record_free(h);
}

/*
 * On a dictionary whose unique field is relevant by an expression
 * (written with another case than the field's name): the narrow rows
 * hold the fields it reads, so a value used again is found as the exact
 * scan finds it, and not where the field is not relevant; a probable
 * duplicate in one family names its sibling by the title's fields.
 */
static void
test_probe_relevant(void **state)
{
	struct fx g = {0}, *f = &g;
	struct diags d = {0};
	char *path, *err = NULL, *x, *y, *z;
	const char *fa[] = {"1|Ani|1|A1", "2|Budi|1|B1"};
	const char *fb[] = {"1|Citra|1|C1", "2|Dedi|1|D1", "3|Eka|0|E1"};
	const char *fc[] = {"1|Fajar|1|F1", "2|Gita|1|G1", "3|FAJAR|1|H1"};
	int64_t dedi, eka, fajar2;

	(void)state;
	setenv("KESRA_TODAY", "2026-11-28", 1);
	f->dir = tu_mkdtemp();
	path = tu_path(f->dir, "q.db");
	f->s = tu_schema(DICT);
	if (db_open(&f->db, path, f->s, DB_OPEN_CREATE, &err) != 0 ||
	    db_migrate(f->db, 0, NULL, &err) != 0 ||
	    expr_register_functions(db_sqlite(f->db), &err) != 0)
		fail_msg("open: %s", err);
	f->x = expr_compile(db_sqlite(f->db), f->s, &d);
	assert_non_null(f->x);
	f->c.x = f->x;
	f->c.db = f->db;
	small_family(f, "K1", fa, 2);
	small_family(f, "K2", fb, 3);
	small_family(f, "K3", fc, 3);
	/* Dedi given Ani's idno, Eka Budi's (the unique index dropped) */
	exec(f, "DROP INDEX person_idno_unique");
	exec(f, "UPDATE person SET idno = 'A1' WHERE name = 'Dedi'");
	exec(f, "UPDATE person SET idno = 'B1' WHERE name = 'Eka'");
	dedi = one(f, "SELECT id FROM person WHERE name = 'Dedi'");
	eka = one(f, "SELECT id FROM person WHERE name = 'Eka'");
	fajar2 = one(f, "SELECT id FROM person WHERE name = 'FAJAR'");
	assert_int_equal(row_mark(f, "person", dedi), VB_PROBE);
	assert_int_equal(row_mark(f, "person", fajar2), VB_PROBE);
	x = scan(f, 1, 0);
	y = scan(f, 0, 0);
	z = scan(f, 0, 1);
	assert_string_equal(y, x);
	assert_string_equal(z, x);
	/* Dedi's idno is asked for (present) and used by Ani; Eka's not
	 * (Budi's, used by Eka, is) */
	{
		char want[300];
		snprintf(want, sizeof want, " %lld idno unique 2 0 1 Already "
		    "used by Person '1. Ani' in Family 'K1' (#1)\n",
		    (long long)dedi);
		assert_non_null(strstr(x, want));
		snprintf(want, sizeof want, " %lld idno ", (long long)eka);
		assert_null(strstr(x, want));
		assert_non_null(strstr(x, " idno unique 2 0 1 Already used by "
		    "Person '3. Eka' in Family 'K2' (#2)\n"));
		snprintf(want, sizeof want, " %lld name probable_duplicate 1 0 "
		    "2 Probably entered twice: same name as '1. Fajar' in this "
		    "form\n", (long long)fajar2);
		assert_non_null(strstr(x, want));
	}
	free(x);
	free(y);
	free(z);
	diags_free(&d);
	expr_free(f->x);
	db_close(f->db);
	schema_free(f->s);
	tu_rmtree(f->dir);
	free(f->dir);
	free(path);
	unsetenv("KESRA_TODAY");
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_probe_rows, setup,
		    teardown),
		cmocka_unit_test(test_probe_relevant),
		cmocka_unit_test_setup_teardown(test_children_some, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_children_order, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_accept_ranges, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_record_title, setup,
		    teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
