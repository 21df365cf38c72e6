/*
 * test_import_fast: import's fast path (batches written without the
 * record's checks, then vbatch over the rows written; a batch with any
 * flag done again row by row) gives exactly what the row-by-row path
 * gives (transfer_import_opts.exact), on the DTSEN dictionary and a demo
 * register in real SQLite files: the same counts, the same rejected rows
 * with the same reasons (callback and rejects file), the same rows
 * stored, the same audit trail and acceptances, the same search index.
 * The member file is exported from the demo and mutated at random (bad
 * values of every kind, duplicates, broken rules and roster rules,
 * unknown parents, wrong column counts, labels, control characters),
 * then imported into two copies of a register holding the households,
 * round after round (inserts, then updates and unchanged rows), with
 * and without --partial.
 */
#include "testutil.h"

#include <ctype.h>

#include <sqlite3.h>

#include "csv.h"
#include "db.h"
#include "demo.h"
#include "expr.h"
#include "transfer.h"

struct fx {
	char *dir;
	struct schema *s;
	struct db *db[2];     /* 0: exact, 1: fast */
	struct expr_set *x[2];
	char *members;        /* the demo's member CSV */
	char *found;          /* the demo's answer to a search (FOUND_SQL) */
};

/* The persons a name-prefix search finds, by uuid. */
#define FOUND_SQL "SELECT m.uuid FROM member_fts JOIN member AS m ON " \
    "m.id = member_fts.rowid WHERE member_fts MATCH 'a* OR s*' ORDER BY 1"


static void
open_db(struct fx *f, const char *name, struct db **db, struct expr_set **x)
{
	struct diags d = {0};
	char *err = NULL, *path = tu_path(f->dir, name);
	if (db_open(db, path, f->s, DB_OPEN_CREATE, &err) != 0 ||
	    db_migrate(*db, 0, NULL, &err) != 0 ||
	    expr_register_functions(db_sqlite(*db), &err) != 0)
		fail_msg("open %s: %s", path, err);
	if ((*x = expr_compile(db_sqlite(*db), f->s, &d)) == NULL) {
		tu_diags_dump(&d);
		fail_msg("expressions did not compile");
	}
	free(path);
}

static char *
export_text(struct db *db, const struct sch_record *def)
{
	char *buf = NULL, *err = NULL;
	size_t len = 0;
	FILE *out = open_memstream(&buf, &len);
	if (transfer_export(db, def, out, 0, 1, &err) < 0)
		fail_msg("export: %s", err);
	fclose(out);
	return buf;
}

struct log {
	struct sbuf b;
};

static void
on_rejected(void *ctx, long line, const char *why)
{
	struct log *l = ctx;
	sbuf_addf(&l->b, "%ld: %s\n", line, why);
}

/* Import text into database i; the transcript of it into *out; the
 * rows that stood on the fast path. */
static long
import_one(struct fx *f, int i, const char *record, const char *text,
    int partial, char **out)
{
	struct transfer_import_opts o = {0};
	struct transfer_import_result r;
	struct log l = {{0}};
	char *rej = NULL, *err = NULL;
	size_t rlen = 0;
	FILE *in = fmemopen((void *)text, strlen(text), "r");
	FILE *rf = open_memstream(&rej, &rlen);
	int rc;

	o.record = record;
	o.partial = partial;
	o.exact = i == 0;
	o.rejects = rf;
	o.user = "test";
	o.lang = 1;
	o.rejected = on_rejected;
	o.rejected_ctx = &l;
	rc = transfer_import(f->db[i], f->x[i], in, "m.csv", &o, &r, &err);
	fclose(in);
	fclose(rf);
	sbuf_addf(&l.b, "rc %d %s\nrows %ld inserted %ld updated %ld "
	    "unchanged %ld rejected %ld warned %ld roster %ld committed %d\n"
	    "rejects:\n%s", rc, err != NULL ? err : "", r.rows, r.inserted,
	    r.updated, r.unchanged, r.rejected, r.warned, r.roster_errors,
	    r.committed, rej != NULL ? rej : "");
	free(rej);
	free(err);
	*out = sbuf_steal(&l.b);
	if (i == 0)
		assert_int_equal(r.batched, 0);
	return r.batched;
}

/* "YYYY-MM-DD HH:MM:SS" stamps (the time of a save) as "T". */
static void
strip_stamps(char *s)
{
	char *p = s, *w = s;
	while (*p != '\0') {
		if (strlen(p) >= 19 && isdigit((unsigned char)p[0]) &&
		    p[4] == '-' && p[7] == '-' && p[10] == ' ' && p[13] == ':' &&
		    p[16] == ':') {
			*w++ = 'T';
			p += 19;
		} else
			*w++ = *p++;
	}
	*w = '\0';
}

/* What database i holds, stamps of saves left out. */
static char *
state_of(struct fx *f, int i)
{
	sqlite3 *h = db_sqlite(f->db[i]);
	struct sbuf b = {0};
	char *m = export_text(f->db[i], schema_record(f->s, "member"));
	char *hh = export_text(f->db[i], schema_record(f->s, "household"));
	char *a = tu_sql_rows(h, "SELECT seq, user, record, record_id, uuid, "
	    "parent_id, field, old_value, new_value, reason, action FROM "
	    "kesra_audit ORDER BY seq");
	char *ac = tu_sql_rows(h, "SELECT record, record_id, rule, reason, "
	    "accepted_by FROM kesra_accept ORDER BY 1, 2, 3");
	char *ft = tu_sql_rows(h, "SELECT rowid FROM member_fts WHERE "
	    "member_fts MATCH 'a* OR b* OR s* OR m*' ORDER BY rowid");
	char *trig = tu_sql_rows(h, "SELECT name FROM sqlite_schema WHERE "
	    "type = 'trigger' ORDER BY name");

	tu_sql_exec(h, "INSERT INTO member_fts (member_fts) VALUES "
	    "('integrity-check')");
	sbuf_addf(&b, "members:\n%s\nhouseholds:\n%s\naudit:\n%s\naccept:\n"
	    "%s\nfts:\n%s\ntriggers:\n%s\n", m, hh, a, ac, ft, trig);
	free(m);
	free(hh);
	free(a);
	free(ac);
	free(ft);
	free(trig);
	strip_stamps(b.s);
	return sbuf_steal(&b);
}

static int
setup(void **state)
{
	struct fx *f = xcalloc(1, sizeof *f);
	struct diags d = {0};
	struct demo_opts o;
	struct demo_result res;
	struct db *src;
	struct expr_set *sx;
	char *hh, *err = NULL, *t0, *t1;
	int i;

	setenv("KESRA_TODAY", "2026-11-28", 1);
	f->dir = tu_mkdtemp();
	f->s = schema_yaml_load("schema", "forms", &d);
	if (f->s == NULL || d.n > 0) {
		tu_diags_dump(&d);
		fail_msg("the dictionary did not load");
	}
	open_db(f, "src.db", &src, &sx);
	memset(&o, 0, sizeof o);
	o.households = 80;
	o.seed = 11;
	o.single_thread = 1;
	if (demo_run(src, sx, &o, &res, &err) != 0)
		fail_msg("demo_run: %s", err);
	hh = export_text(src, schema_record(f->s, "household"));
	f->members = export_text(src, schema_record(f->s, "member"));
	f->found = tu_sql_rows(db_sqlite(src), FOUND_SQL);
	assert_true(strlen(f->found) > 100);
	expr_free(sx);
	db_close(src);
	/* two registers holding the households only */
	for (i = 0; i < 2; i++) {
		open_db(f, i ? "fast.db" : "exact.db", &f->db[i], &f->x[i]);
		import_one(f, i, "household", hh, 0, i ? &t1 : &t0);
	}
	assert_string_equal(t0, t1);
	assert_non_null(strstr(t0, "inserted 80 "));
	free(t0);
	free(t1);
	free(hh);
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
	free(f->members);
	free(f->found);
	free(f);
	return 0;
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

static long
col(const struct csv_record *hd, const char *name)
{
	size_t i;
	for (i = 0; i < hd->n; i++)
		if (strcmp(hd->field[i], name) == 0)
			return (long)i;
	fail_msg("no column %s", name);
	return -1;
}

/*
 * The demo's member file with about one row in per_mille mutated (one
 * kind of mistake each). Rows keep their uuid (a new uuid is random).
 */
static char *
mutated(struct fx *f, uint64_t seed, unsigned per_mille)
{
	struct csv_reader *r;
	const struct csv_record *rec;
	FILE *in = fmemopen(f->members, strlen(f->members), "r");
	char *buf = NULL, *err = NULL, **prev = NULL, **cur;
	char *v[128];
	size_t len = 0, i, n = 0;
	FILE *out = open_memstream(&buf, &len);
	long c_name, c_nik, c_sex, c_birth, c_rel, c_preg, c_hours, c_row;
	long c_puuid, c_status, c_ord, c_acc, c_uuid, c_pres;
	int k;

	if (csv_open_file(&r, in, "m.csv", ',', &err) < 0 ||
	    csv_read(r, &rec, &err) != 1)
		fail_msg("%s", err);
	assert_true(rec->n < 128);
	c_name = col(rec, "name");
	c_nik = col(rec, "nik");
	c_sex = col(rec, "sex");
	c_birth = col(rec, "birth_date");
	c_rel = col(rec, "relationship");
	c_preg = col(rec, "pregnant");
	c_hours = col(rec, "work_hours");
	c_row = col(rec, "row_no");
	c_puuid = col(rec, "household.uuid");
	c_status = col(rec, "status");
	c_ord = col(rec, "ord");
	c_acc = col(rec, "kesra_accepted");
	c_uuid = col(rec, "uuid");
	c_pres = col(rec, "presence");
	csv_write_record(out, (const char *const *)rec->field, rec->n, ',', 0,
	    &err);
	while ((k = csv_read(r, &rec, &err)) == 1) {
		size_t nf = rec->n;
		cur = xcalloc(rec->n, sizeof *cur);
		for (i = 0; i < rec->n; i++)
			cur[i] = xstrdup(rec->field[i]);
		if (rnd(&seed) % 1000 < per_mille) {
			long c = -1;
			const char *val = NULL;
			char tmp[160];
			switch (rnd(&seed) % 22) {
			case 0: c = c_birth; val = "2021-02-30"; break;
			case 1: c = c_sex; val = "7"; break;
			case 2: c = c_row; val = "satu"; break;
			case 3: c = c_name; val = ""; break;
			case 4: c = c_nik; val = prev ? prev[c_nik] : ""; break;
			case 5: c = c_uuid; val = prev ? prev[c_uuid] : NULL;
				break;
			case 6: c = c_puuid;
				val = "00000000-0000-4000-8000-000000000000";
				break;
			case 7: nf = rec->n - 2; break;
			case 8: c = c_preg; val = "1";
				free(cur[c_sex]);
				cur[c_sex] = xstrdup("1");
				break;
			case 9: c = c_hours; val = "99"; break;
			case 10: snprintf(tmp, sizeof tmp, "%s\x1b[31m\nx",
				    cur[c_name]);
				c = c_name; val = tmp; break;
			case 11: c = c_status; val = "bogus"; break;
			case 12: c = c_ord; val = "-3"; break;
			case 13: c = c_acc; val = rnd(&seed) % 2 ?
				    "no equals" : "work_hours_plausible=ok\\nya";
				break;
			case 14: c = c_rel; val = "1"; break;
			case 15: c = c_row; val = "1"; break;
			case 16: c = c_uuid; val = "not-a-uuid"; break;
			case 17: c = c_nik; val = "12345"; break;
			case 18: c = c_sex; val = rnd(&seed) % 2 ? "Perempuan" :
				    "laki-laki "; break;
			case 19: if (prev != NULL) { /* a probable duplicate */
					free(cur[c_birth]);
					cur[c_birth] = xstrdup(prev[c_birth]);
					c = c_name; val = prev[c_name];
				}
				break;
			case 20: c = c_rel; val = "3"; break;
			case 21: c = c_pres; val = "4"; break;
			}
			if (c >= 0 && val != NULL) {
				char *t = xstrdup(val);
				free(cur[c]);
				cur[c] = t;
			}
		}
		for (i = 0; i < nf; i++)
			v[i] = cur[i];
		csv_write_record(out, (const char *const *)v, nf, ',', 0,
		    &err);
		if (prev != NULL) {
			for (i = 0; i < n; i++)
				free(prev[i]);
			free(prev);
		}
		prev = cur;
		n = rec->n;
	}
	assert_int_equal(k, 0);
	if (prev != NULL) {
		for (i = 0; i < n; i++)
			free(prev[i]);
		free(prev);
	}
	csv_close(r);
	fclose(in);
	fclose(out);
	return buf;
}

/* Import text into both; the same transcript and the same state. The
 * rows that stood on the fast path. */
static long
both(struct fx *f, const char *text, int partial)
{
	char *t0, *t1, *s0, *s1;
	long fast;
	import_one(f, 0, "member", text, partial, &t0);
	fast = import_one(f, 1, "member", text, partial, &t1);
	assert_string_equal(t0, t1);
	s0 = state_of(f, 0);
	s1 = state_of(f, 1);
	assert_string_equal(s0, s1);
	/* the search index's insert trigger is back after the import */
	assert_int_equal(tu_sql_int(db_sqlite(f->db[1]), "SELECT count(*) "
	    "FROM sqlite_schema WHERE type = 'trigger' AND name = "
	    "'member_fts_ai'"), 1);
	free(t0);
	free(t1);
	free(s0);
	free(s1);
	return fast;
}

/* The demo's member file with row k (1 = the first) given the name and
 * birth date of row k - 1: a probable duplicate. */
static char *
with_duplicate(struct fx *f, long k)
{
	struct csv_reader *r;
	const struct csv_record *rec;
	FILE *in = fmemopen(f->members, strlen(f->members), "r");
	char *buf = NULL, *err = NULL, *pname = NULL, *pbirth = NULL;
	const char *v[128];
	size_t len = 0, i;
	FILE *out = open_memstream(&buf, &len);
	long c_name, c_birth, n = 0;

	if (csv_open_file(&r, in, "m.csv", ',', &err) < 0 ||
	    csv_read(r, &rec, &err) != 1)
		fail_msg("%s", err);
	c_name = col(rec, "name");
	c_birth = col(rec, "birth_date");
	csv_write_record(out, (const char *const *)rec->field, rec->n, ',', 0,
	    &err);
	while (csv_read(r, &rec, &err) == 1) {
		for (i = 0; i < rec->n; i++)
			v[i] = rec->field[i];
		if (++n == k) {
			v[c_name] = pname;
			v[c_birth] = pbirth;
		}
		csv_write_record(out, v, rec->n, ',', 0, &err);
		free(pname);
		free(pbirth);
		pname = xstrdup(rec->field[c_name]);
		pbirth = xstrdup(rec->field[c_birth]);
	}
	free(pname);
	free(pbirth);
	csv_close(r);
	fclose(in);
	fclose(out);
	return buf;
}

static void
test_clean_then_again(void **state)
{
	struct fx *f = *state;
	char *t;
	long n;
	assert_true(both(f, f->members, 0) > 200);
	n = tu_sql_int(db_sqlite(f->db[1]), "SELECT count(*) FROM member");
	assert_true(n > 250);
	/* the search index finds what it found in the demo (its index
	 * filled row by row there, in one statement here) */
	t = tu_sql_rows(db_sqlite(f->db[1]), FOUND_SQL);
	assert_string_equal(t, f->found);
	free(t);
	/* again: every row unchanged */
	assert_true(both(f, f->members, 0) > 200);
}

/*
 * Row 6 a probable duplicate of row 5, then the first file again: row 6
 * goes back (an update) after row 5 (unchanged), which at its turn still
 * has row 6 as its duplicate (a warning): an update within a batch must
 * not hide it.
 */
static void
test_update_takes_away_duplicate(void **state)
{
	struct fx *f = *state;
	char *text = with_duplicate(f, 6);
	both(f, f->members, 0);
	both(f, text, 1);
	both(f, f->members, 1);
	free(text);
}

static void
test_mutations(void **state)
{
	struct fx *f = *state;
	/* rate per mille, --partial: inserts, then updates on top */
	static const unsigned rate[] = {5, 20, 60, 200, 10, 40};
	static const int partial[] = {1, 1, 1, 0, 1, 1};
	uint64_t seed = 0x9e3779b97f4a7c15ULL;
	size_t i;

	for (i = 0; i < sizeof rate / sizeof rate[0]; i++) {
		char *text = mutated(f, seed + i, rate[i]);
		long fast = both(f, text, partial[i]);
		/* a few bad rows leave clean batches on the fast path */
		if (rate[i] <= 10)
			assert_true(fast > 0);
		free(text);
	}
}

static void
test_mutations_rolled_back(void **state)
{
	struct fx *f = *state;
	char *text = mutated(f, 77, 15);
	/* a bad row and no --partial: nothing written, the same way */
	both(f, text, 0);
	assert_int_equal(tu_sql_int(db_sqlite(f->db[1]), "SELECT count(*) "
	    "FROM member"), 0);
	free(text);
	both(f, f->members, 0);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_clean_then_again, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_mutations, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(
		    test_update_takes_away_duplicate, setup, teardown),
		cmocka_unit_test_setup_teardown(test_mutations_rolled_back,
		    setup, teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
