/*
 * test_expr: the dictionary's expressions on real SQLite connections.
 * A dictionary using every construct compiles and evaluates (true, false
 * and NULL results, calculations in dependency order, relevance clearing
 * values, choice filters, rules, roster rules over 0, 1, 3 and 600 rows);
 * every kind of bad expression is reported at its line:col, all at once;
 * the helper functions' edge cases. Today is fixed with KESRA_TODAY.
 */
#include "testutil.h"

#include <time.h>

#include "expr.h"
#include "record.h"

#define TODAY "2024-06-15"

/* Positions in these strings are computed by place(): keep needles unique. */
static const char good_yaml[] =
    "dictionary: t\n"
    "version: 1\n"
    "languages: [id, en]\n"
    "value_sets:\n"
    "  sex:\n"
    "    - {code: 1, label: Male}\n"
    "    - {code: 2, label: Female}\n"
    "  rel:\n"
    "    - {code: 1, label: Head}\n"
    "    - {code: 2, label: Spouse}\n"
    "    - {code: 3, label: Child}\n"
    "  district:\n"
    "    - {code: 10, label: North, province: 1}\n"
    "    - {code: 11, label: South, province: 1, coastal: 1}\n"
    "    - {code: 20, label: East, province: 2}\n"
    "    - {code: 99, label: Other}\n"
    "  aid:\n"
    "    - {code: 1, label: PKH}\n"
    "    - {code: 2, label: BPNT}\n"
    "records:\n"
    "  household:\n"
    "    fields:\n"
    "      - {name: members, type: integer}\n"
    "      - {name: province, type: integer}\n"
    "      - name: district\n"
    "        type: select_one\n"
    "        values: district\n"
    "        choice_filter: \"choice.province = province OR choice.code = 99\"\n"
    "      - {name: c, type: calculate, calculation: \"b * 10\"}\n"
    "      - {name: b, type: calculate, calculation: \"a + 1\"}\n"
    "      - {name: a, type: integer}\n"
    "      - {name: d, type: calculate, calculation: \"c / 8.0\",\n"
    "         relevant: \"a > 0\"}\n"
    "      - {name: big_note, type: text, relevant: \"c >= 100\"}\n"
    "      - {name: e, type: calculate,\n"
    "         calculation: \"length(coalesce(big_note, ''))\"}\n"
    "      - {name: aid, type: select_multiple, values: aid}\n"
    "      - {name: aid_note, type: text, relevant: \"selected(aid, 2)\"}\n"
    "      - name: phone\n"
    "        type: phone\n"
    "        required: \"members > 3\"\n"
    "        constraint: \"phone REGEXP '^08[0-9]{6,}$'\"\n"
    "        constraint_message: {id: Nomor HP diawali 08, en: Starts 08}\n"
    "      - {name: info, type: note, relevant: \"members > 0\"}\n"
    "      - {name: district2, type: select_one, values: district,\n"
    "         choice_filter: \"coastal IS NULL\"}\n"
    "    rules:\n"
    "      - name: members_positive\n"
    "        check: \"members > 0\"\n"
    "        message: Jumlah anggota harus positif\n"
    "      - name: big_household\n"
    "        check: \"members < 15\"\n"
    "        severity: warning\n"
    "        message: Rumah tangga besar\n"
    "  member:\n"
    "    parent: household\n"
    "    fields:\n"
    "      - {name: name, type: text, required: true}\n"
    "      - {name: sex, type: select_one, values: sex}\n"
    "      - {name: birth_date, type: date,\n"
    "         constraint: \"birth_date <= today()\"}\n"
    "      - {name: relationship, type: select_one, values: rel}\n"
    "      - name: pregnant\n"
    "        type: yesno\n"
    "        relevant: \"sex = 2 AND age(birth_date) BETWEEN 10 AND 55\"\n"
    "      - {name: age_years, type: calculate,\n"
    "         calculation: \"age(birth_date)\"}\n"
    "    rules:\n"
    "      - name: head_adult\n"
    "        check: \"relationship <> 1 OR age(birth_date) >= 15\"\n"
    "        severity: warning\n"
    "        message: Kepala keluarga di bawah 15 tahun\n"
    "      - name: members_known\n"
    "        check: \"household.members >= 1\"\n"
    "        message: Isi jumlah anggota rumah tangga\n"
    "    roster_rules:\n"
    "      - name: one_head\n"
    "        check: \"sum(relationship = 1) = 1\"\n"
    "        message: Satu kepala keluarga\n"
    "      - name: within_members\n"
    "        check: \"count(*) <= household.members\"\n"
    "        severity: warning\n"
    "        message: Lebih banyak anggota dari yang dicatat\n";

/* Line and column (1-based) where needle starts in text; fails if absent. */
static void
place(const char *text, const char *needle, int *line, int *col)
{
	const char *p = strstr(text, needle), *q, *bol = text;
	if (p == NULL)
		fail_msg("\"%s\" is not in the dictionary", needle);
	*line = 1;
	for (q = text; q < p; q++)
		if (*q == '\n') {
			(*line)++;
			bol = q + 1;
		}
	*col = (int)(p - bol) + 1;
}

/* Fails unless a diagnostic containing msg sits where needle starts. */
static void
assert_diag_at_text(const struct diags *d, const char *yaml,
    const char *needle, const char *msg)
{
	int line, col;
	place(yaml, needle, &line, &col);
	tu_assert_diag_at(d, msg, line, col);
	assert_string_equal(tu_diag_get(d, msg)->file, "test.yaml");
}

static size_t
fi(const struct sch_record *r, const char *name)
{
	int i = schema_field_index(r, name);
	if (i < 0)
		fail_msg("record %s has no field %s", r->name, name);
	return (size_t)i;
}

static void
set(struct record *r, const char *name, const char *v)
{
	if (record_set_by_name(r, name, v) < 0)
		fail_msg("no field %s", name);
}

static const char *
get(const struct record *r, const char *name)
{
	return record_get(r, fi(r->def, name));
}

/* Result of one SQL query as text, "NULL" for NULL (caller frees). */
static char *
q1(sqlite3 *h, const char *sql)
{
	char *v = tu_sql_text(h, sql);
	return v != NULL ? v : xstrdup("NULL");
}

#define assert_sql(h, sql, want) do {                                       \
	char *got_ = q1((h), (sql));                                        \
	if (strcmp(got_, (want)) != 0)                                      \
		fail_msg("%s gave %s, expected %s", (sql), got_, (want));   \
	free(got_);                                                         \
} while (0)

/* A fresh database file in the test's folder, tables absent. */
static sqlite3 *
open_db(void **state)
{
	char *path = tu_path(*state, "t.db");
	sqlite3 *h = tu_sql_open(path);
	free(path);
	return h;
}

struct fixture {
	char *dir;
	sqlite3 *h;
	struct schema *s;
	struct expr_set *x;
	const struct sch_record *hh, *mem;
};

static int
setup_good(void **state)
{
	struct fixture *f = xcalloc(1, sizeof *f);
	struct diags d = {0};
	char *path;

	setenv("KESRA_TODAY", TODAY, 1);
	f->dir = tu_mkdtemp();
	path = tu_path(f->dir, "good.db");
	f->h = tu_sql_open(path);
	free(path);
	f->s = tu_schema(good_yaml);
	f->x = expr_compile(f->h, f->s, &d);
	tu_diags_dump(&d);
	assert_int_equal(d.n, 0);
	assert_non_null(f->x);
	diags_free(&d);
	f->hh = schema_record(f->s, "household");
	f->mem = schema_record(f->s, "member");
	*state = f;
	return 0;
}

static int
teardown_good(void **state)
{
	struct fixture *f = *state;
	expr_free(f->x);
	schema_free(f->s);
	assert_int_equal(sqlite3_close(f->h), SQLITE_OK); /* nothing leaked */
	tu_rmtree(f->dir);
	free(f->dir);
	free(f);
	unsetenv("KESRA_TODAY");
	return 0;
}

/* ---- helper functions ---------------------------------------------------- */

static sqlite3 *
mem_db(void)
{
	sqlite3 *h = tu_sql_open(":memory:");
	char *err = NULL;
	assert_int_equal(expr_register_functions(h, &err), 0);
	assert_null(err);
	return h;
}

static void
test_age(void **state)
{
	sqlite3 *h = mem_db();
	(void)state;
	setenv("KESRA_TODAY", TODAY, 1);
	assert_sql(h, "SELECT age('2000-01-01', '2000-01-01')", "0");
	assert_sql(h, "SELECT age('1990-06-15', '2024-06-14')", "33");
	assert_sql(h, "SELECT age('1990-06-15', '2024-06-15')", "34");
	assert_sql(h, "SELECT age('1990-12-31', '2024-01-01')", "33");
	/* leap day birthdays: reached on 1 March in common years */
	assert_sql(h, "SELECT age('2000-02-29', '2001-02-28')", "0");
	assert_sql(h, "SELECT age('2000-02-29', '2001-03-01')", "1");
	assert_sql(h, "SELECT age('2000-02-29', '2004-02-28')", "3");
	assert_sql(h, "SELECT age('2000-02-29', '2004-02-29')", "4");
	assert_sql(h, "SELECT age('2000-03-01', '2004-02-29')", "3");
	/* a date with a time; on before the date */
	assert_sql(h, "SELECT age('2000-05-01', '2010-05-01 08:30:00')", "10");
	assert_sql(h, "SELECT age('2020-06-01', '2020-01-01')", "-1");
	/* default on: today */
	assert_sql(h, "SELECT age('2000-06-15')", "24");
	assert_sql(h, "SELECT age('2000-06-16')", "23");
	/* NULLs and bad dates */
	assert_sql(h, "SELECT age(NULL)", "NULL");
	assert_sql(h, "SELECT age('2000-01-01', NULL)", "NULL");
	assert_sql(h, "SELECT age('2001-02-29', '2005-01-01')", "NULL");
	assert_sql(h, "SELECT age('1900-02-29', '2005-01-01')", "NULL");
	assert_sql(h, "SELECT age('2000-02-29', '2001-02-29')", "NULL");
	assert_sql(h, "SELECT age('2000-02-30')", "NULL");
	assert_sql(h, "SELECT age('2000-04-31')", "NULL");
	assert_sql(h, "SELECT age('2000-13-01')", "NULL");
	assert_sql(h, "SELECT age('2000-00-10')", "NULL");
	assert_sql(h, "SELECT age('2000-1-1')", "NULL");
	assert_sql(h, "SELECT age('20000101')", "NULL");
	assert_sql(h, "SELECT age(20000101)", "NULL");
	assert_sql(h, "SELECT age('01-01-2000')", "NULL");
	assert_sql(h, "SELECT age('2000-01-01x')", "NULL");
	assert_sql(h, "SELECT age('')", "NULL");
	assert_sql(h, "SELECT age('abc', '2000-01-01')", "NULL");
	assert_sql(h, "SELECT age('2000-01-01', 'soon')", "NULL");
	sqlite3_close(h);
	unsetenv("KESRA_TODAY");
}

static void
test_today(void **state)
{
	sqlite3 *h = mem_db();
	char want[16];
	time_t now;
	struct tm tm;
	(void)state;

	setenv("KESRA_TODAY", "2024-02-29", 1);
	assert_sql(h, "SELECT today()", "2024-02-29");
	assert_sql(h, "SELECT age('2000-02-29')", "24");
	assert_sql(h, "SELECT age('2000-03-01')", "23");
	assert_sql(h, "SELECT '2024-01-01' <= today()", "1");
	setenv("KESRA_TODAY", "1999-12-31", 1);
	assert_sql(h, "SELECT today()", "1999-12-31");
	/* not a date: the clock's local date */
	setenv("KESRA_TODAY", "2023-02-29", 1);
	now = time(NULL);
	localtime_r(&now, &tm);
	strftime(want, sizeof want, "%Y-%m-%d", &tm);
	assert_sql(h, "SELECT today()", want);
	unsetenv("KESRA_TODAY");
	assert_sql(h, "SELECT today()", want);
	assert_sql(h, "SELECT length(today())", "10");
	sqlite3_close(h);
}

static void
test_regexp(void **state)
{
	sqlite3 *h = mem_db();
	sqlite3_stmt *st = NULL;
	(void)state;

	assert_sql(h, "SELECT 'abc' REGEXP 'b'", "1");       /* unanchored */
	assert_sql(h, "SELECT 'abc' REGEXP '^b'", "0");
	assert_sql(h, "SELECT 'abc' REGEXP '^a.c$'", "1");
	assert_sql(h, "SELECT '0812345' REGEXP '^08[0-9]{5}$'", "1"); /* ERE */
	assert_sql(h, "SELECT 'x' REGEXP 'a|x'", "1");
	assert_sql(h, "SELECT regexp('b', 'abc')", "1");
	assert_sql(h, "SELECT 12345 REGEXP '^[0-9]+$'", "1");
	assert_sql(h, "SELECT NULL REGEXP 'a'", "NULL");
	assert_sql(h, "SELECT 'a' REGEXP NULL", "NULL");
	assert_sql(h, "SELECT '' REGEXP '^$'", "1");
	/* a constant pattern over many rows (cached), a varying one */
	assert_sql(h, "SELECT count(*) FROM (VALUES ('ab'), ('cb'), ('x'), "
	    "('b')) WHERE column1 REGEXP 'b$'", "3");
	assert_sql(h, "SELECT sum(column1 REGEXP column2) FROM (VALUES "
	    "('ab', '^a'), ('ab', '^b'), ('ba', '^b'), (NULL, 'a'))", "2");
	/* a bad pattern is an SQL error */
	assert_int_equal(sqlite3_prepare_v2(h, "SELECT 'a' REGEXP '('", -1, &st,
	    NULL), SQLITE_OK);
	assert_int_equal(sqlite3_step(st), SQLITE_ERROR);
	assert_contains(sqlite3_errmsg(h), "bad regular expression '('");
	sqlite3_finalize(st);
	/*
	 * Patterns whose compilation would take gigabytes are refused before
	 * regcomp (found by fuzz_expr: stacked repetitions), and so are
	 * nested repetitions that expand exponentially and huge bounds.
	 */
	{
		static const char *const bad[] = {
			"^[A-Z][a-z]+)++++++++++++++++++++++++++++*$",
			"a**", "(((((((((((((((((((a+)+)+)+)+)+)+)+)+)+)+)+)+)+)+)+)"
			    "+)+)+)+", "a{256}", "(a{200}){200}", "x{1,999}",
		};
		size_t i;
		for (i = 0; i < sizeof bad / sizeof bad[0]; i++) {
			char *q = sqlite3_mprintf("SELECT 'a' REGEXP %Q",
			    bad[i]);
			assert_int_equal(sqlite3_prepare_v2(h, q, -1, &st,
			    NULL), SQLITE_OK);
			assert_int_equal(sqlite3_step(st), SQLITE_ERROR);
			assert_contains(sqlite3_errmsg(h), "refused regular "
			    "expression");
			sqlite3_finalize(st);
			sqlite3_free(q);
		}
	}
	/* usual patterns pass */
	assert_sql(h, "SELECT 'Yohana Ap' REGEXP "
	    "'^[A-Z][a-z]+( [A-Z][a-z]+)*$'", "1");
	assert_sql(h, "SELECT '08123456789' REGEXP '^(08|[+]628)[0-9]{8,11}$'",
	    "1");
	assert_sql(h, "SELECT 'a]b' REGEXP '[]a]{2}b?'", "1");
	sqlite3_close(h);
}

static void
test_selected(void **state)
{
	sqlite3 *h = mem_db();
	(void)state;
	assert_sql(h, "SELECT selected('1 2 3', 2)", "1");
	assert_sql(h, "SELECT selected('1 2 3', '3')", "1");
	assert_sql(h, "SELECT selected('1 2 3', 1)", "1");
	assert_sql(h, "SELECT selected('1 22 3', 2)", "0");
	assert_sql(h, "SELECT selected('12', 1)", "0");
	assert_sql(h, "SELECT selected('1 2', 12)", "0");
	assert_sql(h, "SELECT selected('  4   5 ', 5)", "1");
	assert_sql(h, "SELECT selected('a b', 'b')", "1");
	assert_sql(h, "SELECT selected('a b', 'B')", "0");
	assert_sql(h, "SELECT selected('', 1)", "0");
	assert_sql(h, "SELECT selected('1 2', '')", "0");
	assert_sql(h, "SELECT selected(NULL, 1)", "0");
	assert_sql(h, "SELECT selected('1 2', NULL)", "0");
	sqlite3_close(h);
}

/* ---- a good dictionary --------------------------------------------------- */

static void
test_compile_good(void **state)
{
	struct fixture *f = *state;
	struct diags d = {0};

	/* no authorizer is left behind: plain SQL still reads tables */
	tu_sql_exec(f->h, "CREATE TABLE household(id INTEGER); "
	    "INSERT INTO household VALUES (1), (2)");
	assert_int_equal(tu_sql_int(f->h, "SELECT count(*) FROM household"),
	    2);
	/* nor are double-quoted strings turned off for others */
	assert_sql(f->h, "SELECT \"not a column\"", "not a column");
	assert_int_equal(expr_check_schema(f->s, &d), 0);
	tu_diags_dump(&d);
	assert_int_equal(d.n, 0);
	diags_free(&d);
	/* both severities came through the loader */
	assert_int_equal(f->hh->rules[0].severity, SEV_ERROR);
	assert_int_equal(f->hh->rules[1].severity, SEV_WARNING);
}

static void
test_relevant(void **state)
{
	struct fixture *f = *state;
	struct record *m = record_new(f->mem), *hh = record_new(f->hh);
	size_t preg = fi(f->mem, "pregnant");

	set(m, "sex", "2");
	set(m, "birth_date", "2000-01-01");
	assert_int_equal(expr_relevant(f->x, m, hh, preg), 1);
	assert_int_equal(expr_relevant(f->x, m, NULL, preg), 1);
	set(m, "sex", "1");
	assert_int_equal(expr_relevant(f->x, m, hh, preg), 0);
	set(m, "sex", "2");
	set(m, "birth_date", "2020-01-01"); /* 4 years old */
	assert_int_equal(expr_relevant(f->x, m, hh, preg), 0);
	set(m, "birth_date", "1968-06-16"); /* 55 until tomorrow */
	assert_int_equal(expr_relevant(f->x, m, hh, preg), 1);
	set(m, "birth_date", "1968-06-15"); /* 56 today */
	assert_int_equal(expr_relevant(f->x, m, hh, preg), 0);
	set(m, "birth_date", "2014-06-15"); /* 10 today */
	assert_int_equal(expr_relevant(f->x, m, hh, preg), 1);
	set(m, "birth_date", NULL);         /* NULL result: not relevant */
	assert_int_equal(expr_relevant(f->x, m, hh, preg), 0);
	set(m, "sex", NULL);
	assert_int_equal(expr_relevant(f->x, m, hh, preg), 0);
	/* no expression: relevant */
	assert_int_equal(expr_relevant(f->x, m, hh, fi(f->mem, "sex")), 1);

	/* select_multiple through selected() */
	set(hh, "aid", "1 2");
	assert_int_equal(expr_relevant(f->x, hh, NULL,
	    fi(f->hh, "aid_note")), 1);
	set(hh, "aid", "1");
	assert_int_equal(expr_relevant(f->x, hh, NULL,
	    fi(f->hh, "aid_note")), 0);
	/* a note may have a relevance too */
	set(hh, "members", "2");
	assert_int_equal(expr_relevant(f->x, hh, NULL, fi(f->hh, "info")), 1);
	set(hh, "members", "0");
	assert_int_equal(expr_relevant(f->x, hh, NULL, fi(f->hh, "info")), 0);
	record_free(m);
	record_free(hh);
}

static void
test_required_constraint(void **state)
{
	struct fixture *f = *state;
	struct record *hh = record_new(f->hh), *m = record_new(f->mem);
	size_t phone = fi(f->hh, "phone"), bd = fi(f->mem, "birth_date");

	/* required: <expression> */
	set(hh, "members", "5");
	assert_int_equal(expr_required(f->x, hh, NULL, phone), 1);
	set(hh, "members", "3");
	assert_int_equal(expr_required(f->x, hh, NULL, phone), 0);
	set(hh, "members", NULL);
	assert_int_equal(expr_required(f->x, hh, NULL, phone), 0);
	/* required: true / absent */
	assert_int_equal(expr_required(f->x, m, hh, fi(f->mem, "name")), 1);
	assert_int_equal(expr_required(f->x, m, hh, fi(f->mem, "sex")), 0);

	/* constraint */
	set(hh, "phone", "08123456");
	assert_int_equal(expr_constraint(f->x, hh, NULL, phone), 1);
	set(hh, "phone", "0812");
	assert_int_equal(expr_constraint(f->x, hh, NULL, phone), 0);
	set(hh, "phone", "12345678");
	assert_int_equal(expr_constraint(f->x, hh, NULL, phone), 0);
	assert_string_equal(sch_text_get(&f->hh->fields[phone]
	    .constraint_message, 1, NULL), "Starts 08");
	set(m, "birth_date", "2000-01-01");
	assert_int_equal(expr_constraint(f->x, m, hh, bd), 1);
	set(m, "birth_date", TODAY);
	assert_int_equal(expr_constraint(f->x, m, hh, bd), 1);
	set(m, "birth_date", "2030-01-01");
	assert_int_equal(expr_constraint(f->x, m, hh, bd), 0);
	set(m, "birth_date", NULL); /* a NULL result is false */
	assert_int_equal(expr_constraint(f->x, m, hh, bd), 0);
	/* no constraint */
	assert_int_equal(expr_constraint(f->x, m, hh, fi(f->mem, "sex")), 1);
	record_free(hh);
	record_free(m);
}

static void
test_calculate(void **state)
{
	struct fixture *f = *state;
	struct record *hh = record_new(f->hh), *m = record_new(f->mem);
	size_t ay = fi(f->mem, "age_years");
	char *v = (char *)"untouched";

	set(m, "birth_date", "2000-06-15");
	assert_int_equal(expr_calculate(f->x, m, hh, ay, &v), 0);
	assert_string_equal(v, "24");
	free(v);
	set(m, "birth_date", NULL);
	assert_int_equal(expr_calculate(f->x, m, hh, ay, &v), 0);
	assert_null(v);
	/* a real, computed from a stored value */
	set(hh, "c", "20");
	assert_int_equal(expr_calculate(f->x, hh, NULL, fi(f->hh, "d"), &v), 0);
	assert_string_equal(v, "2.5");
	free(v);
	set(hh, "c", "16");
	assert_int_equal(expr_calculate(f->x, hh, NULL, fi(f->hh, "d"), &v), 0);
	assert_string_equal(v, "2");
	free(v);
	/* no calculation */
	v = (char *)"untouched";
	assert_int_equal(expr_calculate(f->x, hh, NULL, fi(f->hh, "a"), &v),
	    -1);
	assert_null(v);
	record_free(hh);
	record_free(m);
}

/* Which calculations ran, in order (from the SQL trace). */
static int
trace_calcs(unsigned type, void *ctx, void *p, void *x)
{
	struct sbuf *b = ctx;
	const char *sql = x;
	(void)type;
	(void)p;
	if (strstr(sql, "a + 1") != NULL)
		sbuf_add(b, "b,");
	else if (strstr(sql, "b * 10") != NULL)
		sbuf_add(b, "c,");
	else if (strstr(sql, "c / 8.0") != NULL)
		sbuf_add(b, "d,");
	else if (strstr(sql, "length(coalesce(big_note") != NULL)
		sbuf_add(b, "e,");
	return 0;
}

static void
test_refresh(void **state)
{
	struct fixture *f = *state;
	struct record *hh = record_new(f->hh);
	unsigned char rel[32];
	struct sbuf trace = {0};

	assert_true(f->hh->nfields <= sizeof rel);
	set(hh, "a", "1");
	set(hh, "big_note", "hello");
	set(hh, "aid_note", "stale");
	sqlite3_trace_v2(f->h, SQLITE_TRACE_STMT, trace_calcs, &trace);
	/* b, c, d, e computed; big_note and aid_note cleared */
	assert_int_equal(expr_refresh(f->x, hh, NULL, rel), 6);
	sqlite3_trace_v2(f->h, 0, NULL, NULL);
	/*
	 * Dependencies first (the dictionary lists c before b), and a second
	 * round: e read big_note before relevance cleared it. In that round
	 * only e runs again: b, c and d read values that did not change, so
	 * their results are kept (memo on the bound values).
	 */
	assert_non_null(trace.s);
	assert_string_equal(trace.s, "b,c,d,e,e,");
	sbuf_free(&trace);
	assert_string_equal(get(hh, "b"), "2");
	assert_string_equal(get(hh, "c"), "20");
	assert_string_equal(get(hh, "d"), "2.5");
	assert_string_equal(get(hh, "e"), "0");
	assert_null(get(hh, "big_note"));
	assert_null(get(hh, "aid_note"));
	assert_string_equal(get(hh, "a"), "1");
	assert_int_equal(rel[fi(f->hh, "big_note")], 0);
	assert_int_equal(rel[fi(f->hh, "aid_note")], 0);
	assert_int_equal(rel[fi(f->hh, "info")], 0); /* members NULL */
	assert_int_equal(rel[fi(f->hh, "d")], 1);
	assert_int_equal(rel[fi(f->hh, "a")], 1);
	assert_int_equal(rel[fi(f->hh, "phone")], 1);
	/* stable: nothing changes the second time */
	assert_int_equal(expr_refresh(f->x, hh, NULL, NULL), 0);

	/* c reaches 100: big_note relevant, keeps its value */
	set(hh, "a", "9");
	set(hh, "big_note", "big");
	assert_int_equal(expr_refresh(f->x, hh, NULL, rel), 4);
	assert_string_equal(get(hh, "c"), "100");
	assert_string_equal(get(hh, "d"), "12.5");
	assert_string_equal(get(hh, "big_note"), "big");
	assert_string_equal(get(hh, "e"), "3");
	assert_int_equal(rel[fi(f->hh, "big_note")], 1);

	/* a = 0: d is not relevant, so no value */
	set(hh, "a", "0");
	assert_int_equal(expr_refresh(f->x, hh, NULL, rel), 5);
	assert_null(get(hh, "d"));
	assert_int_equal(rel[fi(f->hh, "d")], 0);
	assert_string_equal(get(hh, "c"), "10");
	assert_null(get(hh, "big_note"));
	assert_string_equal(get(hh, "e"), "0");
	/* a NULL: every calculation NULL */
	set(hh, "a", NULL);
	expr_refresh(f->x, hh, NULL, NULL);
	assert_null(get(hh, "b"));
	assert_null(get(hh, "c"));
	record_free(hh);
}

static void
test_refresh_roster(void **state)
{
	struct fixture *f = *state;
	struct record *m = record_new(f->mem), *hh = record_new(f->hh);
	unsigned char rel[16];

	set(m, "sex", "1");
	set(m, "birth_date", "1990-01-01");
	set(m, "pregnant", "1");
	set(m, "name", "Budi");
	assert_int_equal(expr_refresh(f->x, m, hh, rel), 2);
	assert_null(get(m, "pregnant"));
	assert_string_equal(get(m, "age_years"), "34");
	assert_string_equal(get(m, "name"), "Budi");
	assert_int_equal(rel[fi(f->mem, "pregnant")], 0);
	assert_int_equal(rel[fi(f->mem, "name")], 1);
	set(m, "sex", "2");
	set(m, "pregnant", "1");
	assert_int_equal(expr_refresh(f->x, m, hh, rel), 0);
	assert_string_equal(get(m, "pregnant"), "1");
	assert_int_equal(rel[fi(f->mem, "pregnant")], 1);
	record_free(m);
	record_free(hh);
}

static void
test_choice_filter(void **state)
{
	struct fixture *f = *state;
	struct record *hh = record_new(f->hh), *m = record_new(f->mem);
	size_t dist = fi(f->hh, "district"), d2 = fi(f->hh, "district2");
	const struct sch_valueset *vs = schema_valueset(f->s, "district");

	set(hh, "province", "1");
	assert_int_equal(expr_choice_ok(f->x, hh, NULL, dist,
	    schema_choice(vs, "10")), 1);
	assert_int_equal(expr_choice_ok(f->x, hh, NULL, dist,
	    schema_choice(vs, "11")), 1);
	assert_int_equal(expr_choice_ok(f->x, hh, NULL, dist,
	    schema_choice(vs, "20")), 0);
	/* 99 has no province (NULL) but passes on its integer code */
	assert_int_equal(expr_choice_ok(f->x, hh, NULL, dist,
	    schema_choice(vs, "99")), 1);
	set(hh, "province", "2");
	assert_int_equal(expr_choice_ok(f->x, hh, NULL, dist,
	    schema_choice(vs, "10")), 0);
	assert_int_equal(expr_choice_ok(f->x, hh, NULL, dist,
	    schema_choice(vs, "20")), 1);
	set(hh, "province", NULL);
	assert_int_equal(expr_choice_ok(f->x, hh, NULL, dist,
	    schema_choice(vs, "10")), 0);
	assert_int_equal(expr_choice_ok(f->x, hh, NULL, dist,
	    schema_choice(vs, "99")), 1);
	/*
	 * A column only one choice has: NULL for the others. A bare name
	 * that is no field is the choice's column.
	 */
	assert_int_equal(expr_choice_ok(f->x, hh, NULL, d2,
	    schema_choice(vs, "10")), 1);
	assert_int_equal(expr_choice_ok(f->x, hh, NULL, d2,
	    schema_choice(vs, "11")), 0);
	assert_int_equal(expr_choice_ok(f->x, hh, NULL, d2,
	    schema_choice(vs, "99")), 1);
	/* no filter */
	assert_int_equal(expr_choice_ok(f->x, m, hh, fi(f->mem, "sex"),
	    schema_choice(schema_valueset(f->s, "sex"), "1")), 1);
	record_free(hh);
	record_free(m);
}

static void
test_rules(void **state)
{
	struct fixture *f = *state;
	struct record *hh = record_new(f->hh), *m = record_new(f->mem);

	/* error rule */
	set(hh, "members", "3");
	assert_int_equal(expr_rule(f->x, hh, NULL, 0), 1);
	set(hh, "members", "0");
	assert_int_equal(expr_rule(f->x, hh, NULL, 0), 0);
	set(hh, "members", NULL); /* a NULL result holds */
	assert_int_equal(expr_rule(f->x, hh, NULL, 0), 1);
	/* warning rule */
	set(hh, "members", "20");
	assert_int_equal(expr_rule(f->x, hh, NULL, 1), 0);
	set(hh, "members", "14");
	assert_int_equal(expr_rule(f->x, hh, NULL, 1), 1);
	assert_int_equal(expr_rule(f->x, hh, NULL, 7), 1); /* no such rule */

	/* a member rule */
	set(m, "relationship", "1");
	set(m, "birth_date", "2015-01-01");
	assert_int_equal(expr_rule(f->x, m, hh, 0), 0);
	set(m, "birth_date", "2009-06-15"); /* 15 today */
	assert_int_equal(expr_rule(f->x, m, hh, 0), 1);
	set(m, "birth_date", "2015-01-01");
	set(m, "relationship", "3");
	assert_int_equal(expr_rule(f->x, m, hh, 0), 1);
	/* household.members from the parent */
	set(hh, "members", "0");
	assert_int_equal(expr_rule(f->x, m, hh, 1), 0);
	set(hh, "members", "4");
	assert_int_equal(expr_rule(f->x, m, hh, 1), 1);
	assert_int_equal(expr_rule(f->x, m, NULL, 1), 1); /* NULL holds */
	/* a record of another type as parent counts as none */
	assert_int_equal(expr_rule(f->x, m, m, 1), 1);
	record_free(hh);
	record_free(m);
}

static struct record *
member(const struct sch_record *def, const char *relationship)
{
	struct record *r = record_new(def);
	record_set_by_name(r, "relationship", relationship);
	return r;
}

static void
test_roster_rules(void **state)
{
	struct fixture *f = *state;
	struct record *hh = record_new(f->hh), *rows[3], **many;
	size_t i, n = 600;

	set(hh, "members", "2");
	/* no rows: sum() is NULL, which holds; count(*) is 0 */
	assert_int_equal(expr_roster_rule(f->x, f->mem, NULL, 0, hh, 0), 1);
	assert_int_equal(expr_roster_rule(f->x, f->mem, NULL, 0, hh, 1), 1);
	/* one row */
	rows[0] = member(f->mem, "1");
	assert_int_equal(expr_roster_rule(f->x, f->mem, rows, 1, hh, 0), 1);
	record_set_by_name(rows[0], "relationship", "3");
	assert_int_equal(expr_roster_rule(f->x, f->mem, rows, 1, hh, 0), 0);
	/* three rows */
	record_set_by_name(rows[0], "relationship", "1");
	rows[1] = member(f->mem, "2");
	rows[2] = member(f->mem, "3");
	assert_int_equal(expr_roster_rule(f->x, f->mem, rows, 3, hh, 0), 1);
	record_set_by_name(rows[1], "relationship", "1");
	assert_int_equal(expr_roster_rule(f->x, f->mem, rows, 3, hh, 0), 0);
	record_set_by_name(rows[1], "relationship", NULL);
	assert_int_equal(expr_roster_rule(f->x, f->mem, rows, 3, hh, 0), 1);
	/* back to one row, then three again (statement per count) */
	assert_int_equal(expr_roster_rule(f->x, f->mem, rows + 2, 1, hh, 0), 0);
	assert_int_equal(expr_roster_rule(f->x, f->mem, rows, 3, hh, 0), 1);
	/* the parent's field in a roster rule */
	assert_int_equal(expr_roster_rule(f->x, f->mem, rows, 3, hh, 1), 0);
	assert_int_equal(expr_roster_rule(f->x, f->mem, rows, 2, hh, 1), 1);
	set(hh, "members", "3");
	assert_int_equal(expr_roster_rule(f->x, f->mem, rows, 3, hh, 1), 1);
	assert_int_equal(expr_roster_rule(f->x, f->mem, rows, 3, NULL, 1), 1);
	assert_int_equal(expr_roster_rule(f->x, f->mem, rows, 3, hh, 9), 1);
	for (i = 0; i < 3; i++)
		record_free(rows[i]);

	/* more rows than SQLite's 500 compound terms */
	many = xcalloc(n, sizeof *many);
	for (i = 0; i < n; i++)
		many[i] = member(f->mem, i == 577 ? "1" : "3");
	assert_int_equal(expr_roster_rule(f->x, f->mem, many, n, hh, 0), 1);
	record_set_by_name(many[3], "relationship", "1");
	assert_int_equal(expr_roster_rule(f->x, f->mem, many, n, hh, 0), 0);
	set(hh, "members", "600");
	assert_int_equal(expr_roster_rule(f->x, f->mem, many, n, hh, 1), 1);
	set(hh, "members", "599");
	assert_int_equal(expr_roster_rule(f->x, f->mem, many, n, hh, 1), 0);
	for (i = 0; i < n; i++)
		record_free(many[i]);
	free(many);
	record_free(hh);
}

/* A failing evaluation counts as false; the calculation gives no value. */
static void
test_runtime_error(void **state)
{
	static const char yaml[] =
	    "dictionary: t\n"
	    "records:\n"
	    "  r:\n"
	    "    fields:\n"
	    "      - {name: s, type: text}\n"
	    "      - {name: t, type: text, relevant: \"s REGEXP '('\",\n"
	    "         calculation: \"regexp('(', s)\"}\n"
	    "    rules:\n"
	    "      - {name: bad, check: \"s REGEXP '['\", message: m}\n";
	struct schema *s = tu_schema(yaml);
	sqlite3 *h = open_db(state);
	struct diags d = {0};
	struct expr_set *x = expr_compile(h, s, &d);
	struct record *r;
	char *v = NULL;

	tu_diags_dump(&d);
	assert_non_null(x);
	r = record_new(&s->records[0]);
	record_set(r, 0, "abc");
	assert_int_equal(expr_relevant(x, r, NULL, 1), 0);
	assert_int_equal(expr_rule(x, r, NULL, 0), 0);
	assert_int_equal(expr_calculate(x, r, NULL, 1, &v), -1);
	assert_null(v);
	record_set(r, 0, NULL); /* NULL text: NULL, no error */
	assert_int_equal(expr_rule(x, r, NULL, 0), 1);
	assert_int_equal(expr_calculate(x, r, NULL, 1, &v), 0);
	assert_null(v);
	record_free(r);
	expr_free(x);
	schema_free(s);
	diags_free(&d);
	assert_int_equal(sqlite3_close(h), SQLITE_OK);
}

/* ---- bad expressions ----------------------------------------------------- */

static const char bad_yaml[] =
    "dictionary: bad\n"
    "version: 1\n"
    "value_sets:\n"
    "  district:\n"
    "    - {code: 10, label: North, province: 1}\n"
    "    - {code: 99, label: Other}\n"
    "records:\n"
    "  household:\n"
    "    fields:\n"
    "      - {name: members, type: integer}\n"
    "      - {name: f1, type: integer, relevant: \"nosuch > 1\"}\n"
    "      - {name: f2, type: integer, constraint: \"frobnicate(members) = 1\"}\n"
    "      - {name: f3, type: integer, relevant: \"members > AND 1\"}\n"
    "      - {name: f4, type: integer,\n"
    "         relevant: \"(SELECT count(*) FROM household) > 0\"}\n"
    "      - {name: f5, type: text, calculation: \"load_extension('x.so')\"}\n"
    "      - {name: f6, type: integer, relevant: \"1; DELETE FROM household\"}\n"
    "      - {name: f7, type: integer, relevant: \"1) FROM household --\"}\n"
    "      - {name: f8, type: integer, required: \"?1 = 1\"}\n"
    "      - {name: f9, type: integer, relevant: '\"nowhere\" = 1'}\n"
    "      - {name: f10, type: integer, calculation: \"random()\"}\n"
    "      - {name: f11, type: integer, relevant: \"(WITH RECURSIVE c(n) AS\n"
    "           (SELECT 1 UNION ALL SELECT n + 1 FROM c LIMIT 3)\n"
    "           SELECT sum(n) FROM c) = 6\"}\n"
    "      - {name: f12, type: text, relevant: \"'it''s /* fine */' = f12 "
    "AND 'unclosed\"}\n"
    "      - name: district\n"
    "        type: select_one\n"
    "        values: district\n"
    "        choice_filter: \"choice.region = members\"\n"
    "      - {name: district_b, type: select_one, values: district,\n"
    "         choice_filter: \"zone = members\"}\n"
    "      - {name: plain, type: integer, choice_filter: \"1 = 1\"}\n"
    "      - {name: f13, type: integer, relevant: \"f13 = #k\"}\n"
    "      - {name: x, type: calculate, calculation: \"y + 1\"}\n"
    "      - {name: y, type: calculate, calculation: \"household.x * 2\"}\n"
    "      - {name: z, type: calculate, calculation: \"\\\"z\\\" + 1\"}\n"
    "      - {name: ok, type: calculate, calculation: \"x + z + members\"}\n"
    "    rules:\n"
    "      - {name: r1, check: \"members > limit_value\", message: m}\n"
    "  member:\n"
    "    parent: household\n"
    "    fields:\n"
    "      - {name: rel, type: integer}\n"
    "      - {name: members, type: integer}\n"
    "    rules:\n"
    "      - {name: r2, check: \"household.nosuch = 1\", message: m}\n"
    "      - {name: r3, check: \"members > 1\", message: m}\n"
    "      - {name: r4, check: \"rel = 1\", severity: warning, message: m}\n"
    "    roster_rules:\n"
    "      - {name: rr1, check: \"sum(rel = 1) = 1 AND nofn(rel)\",\n"
    "         message: m}\n"
    "      - {name: rr2, check: \"sum(rel = 1) = 1 AND rel.\", message: m}\n"
    "      - {name: rr3, check: \"count(*) < household.members\", "
    "message: m}\n";

#define NBAD 23

/* Every bad expression of bad_yaml, reported at its place. */
static void
check_bad(const struct diags *d)
{
	const char *y = bad_yaml;

	assert_diag_at_text(d, y, "\"nosuch > 1\"",
	    "unknown field 'nosuch' in relevant of field 'f1'");
	assert_diag_at_text(d, y, "\"frobnicate(",
	    "unknown function 'frobnicate' in constraint of field 'f2'");
	assert_contains(tu_diag_get(d, "'frobnicate'")->msg,
	    "age(date [, on])");
	assert_diag_at_text(d, y, "\"members > AND",
	    "syntax error in relevant of field 'f3': ");
	assert_diag_at_text(d, y, "\"(SELECT count(*) FROM household)",
	    "expression reads table 'household' in relevant of field 'f4'");
	assert_diag_at_text(d, y, "\"load_extension(", "function "
	    "'load_extension' is not allowed in calculation of field 'f5'");
	assert_diag_at_text(d, y, "\"1; DELETE",
	    "a second statement after ';' in relevant of field 'f6'");
	assert_diag_at_text(d, y, "\"1) FROM household --\"",
	    "syntax error in relevant of field 'f7': unbalanced parentheses");
	assert_diag_at_text(d, y, "\"?1 = 1\"",
	    "parameter '?1' in required of field 'f8'");
	assert_diag_at_text(d, y, "'\"nowhere\" = 1'",
	    "unknown field 'nowhere' in relevant of field 'f9'");
	assert_diag_at_text(d, y, "\"random()\"",
	    "function 'random' is not allowed in calculation of field 'f10'");
	assert_diag_at_text(d, y, "\"(WITH RECURSIVE", "expression must not "
	    "use a recursive query in relevant of field 'f11'");
	assert_diag_at_text(d, y, "\"f13 = #k\"",
	    "parameter '#k' in relevant of field 'f13'");
	assert_diag_at_text(d, y, "\"'it''s",
	    "syntax error in relevant of field 'f12': unterminated string");
	assert_diag_at_text(d, y, "\"choice.region = members\"",
	    "unknown choice column 'region' in choice_filter of field "
	    "'district' (value set 'district' has columns: code, province)");
	assert_diag_at_text(d, y, "\"zone = members\"", "unknown field or "
	    "choice column 'zone' in choice_filter of field 'district_b'");
	assert_diag_at_text(d, y, "\"1 = 1\"", "choice_filter of field "
	    "'plain': choice_filter is for select_one and select_multiple");
	assert_diag_at_text(d, y, "\"y + 1\"",
	    "calculations form a cycle: x -> y -> x");
	assert_diag_at_text(d, y, "\"\\\"z\\\" + 1\"",
	    "calculations form a cycle: z -> z");
	assert_diag_at_text(d, y, "\"members > limit_value\"",
	    "unknown field 'limit_value' in rule 'r1'");
	assert_diag_at_text(d, y, "\"household.nosuch = 1\"",
	    "unknown field 'household.nosuch' in rule 'r2'");
	assert_diag_at_text(d, y, "\"members > 1\"",
	    "field name 'members' is ambiguous in rule 'r3'");
	assert_diag_at_text(d, y, "\"sum(rel = 1) = 1 AND nofn",
	    "unknown function 'nofn' in roster rule 'rr1'");
	assert_diag_at_text(d, y, "\"sum(rel = 1) = 1 AND rel.\"",
	    "syntax error in roster rule 'rr2': ");
	/* ...and nothing else: r4, rr3 and the calculation ok are fine */
	if (d->n != NBAD) {
		tu_diags_dump(d);
		fail_msg("%zu diagnostics, expected %d", d->n, NBAD);
	}
	assert_int_equal(tu_diag_find(d, "'ok'"), -1);
	assert_int_equal(tu_diag_find(d, "'r4'"), -1);
	assert_int_equal(tu_diag_find(d, "'rr3'"), -1);
}

static void
test_bad_in_memory(void **state)
{
	struct schema *s = tu_schema(bad_yaml);
	struct diags d = {0};
	(void)state;
	assert_int_equal(expr_check_schema(s, &d), -1);
	check_bad(&d);
	diags_free(&d);
	schema_free(s);
}

static void
test_bad_on_database(void **state)
{
	struct schema *s = tu_schema(bad_yaml);
	sqlite3 *h = open_db(state);
	struct diags d = {0};

	/* the tables exist here: the authorizer refuses the read */
	tu_sql_exec(h, "CREATE TABLE household(members INTEGER, region TEXT); "
	    "INSERT INTO household VALUES (1, 'a')");
	assert_null(expr_compile(h, s, &d));
	check_bad(&d);
	diags_free(&d);
	/* nothing was written, and the connection reads freely again */
	assert_int_equal(tu_sql_int(h, "SELECT count(*) FROM household"), 1);
	schema_free(s);
	assert_int_equal(sqlite3_close(h), SQLITE_OK);
}

static void
test_cycle_of_three(void **state)
{
	static const char yaml[] =
	    "dictionary: t\n"
	    "records:\n"
	    "  r:\n"
	    "    fields:\n"
	    "      - {name: n, type: integer}\n"
	    "      - {name: a, type: calculate, calculation: \"coalesce(b, n)\"}\n"
	    "      - {name: b, type: calculate, calculation: \"C * 2\"}\n"
	    "      - {name: c, type: calculate, calculation: \"r.a - 1\"}\n"
	    "      - {name: s, type: calculate,\n"
	    "         calculation: \"'a b c' || n || \\\"n\\\" -- a\"}\n";
	struct schema *s = tu_schema(yaml);
	struct diags d = {0};
	(void)state;
	assert_int_equal(expr_check_schema(s, &d), -1);
	assert_diag_at_text(&d, yaml, "\"coalesce(b, n)\"",
	    "calculations form a cycle: a -> b -> c -> a");
	/* names in strings, comments and other records are no dependency */
	assert_int_equal(d.n, 1);
	diags_free(&d);
	schema_free(s);
}

/* A huge printf width or zeroblob fails as too big, not by exhausting memory
 * (found by fuzz_expr: printf('%888...8s', ...)). */
static void
test_length_limit(void **state)
{
	sqlite3 *h;
	sqlite3_stmt *st;
	char *err = NULL;
	const char *const sqls[] = {
		"SELECT printf('%900000000s-%d', 'x', 1)",
		"SELECT printf('%.999999999c', 'x')",
		"SELECT zeroblob(1000000000)",
	};
	size_t i;

	(void)state;
	assert_int_equal(sqlite3_open(":memory:", &h), SQLITE_OK);
	assert_int_equal(expr_register_functions(h, &err), 0);
	assert_int_equal(sqlite3_limit(h, SQLITE_LIMIT_LENGTH, -1),
	    EXPR_MAX_LENGTH);
	for (i = 0; i < sizeof sqls / sizeof sqls[0]; i++) {
		int r;
		assert_int_equal(sqlite3_prepare_v2(h, sqls[i], -1, &st, NULL),
		    SQLITE_OK);
		/* refused as too big, or cut short: never the whole size */
		r = sqlite3_step(st);
		assert_true(r == SQLITE_TOOBIG || (r == SQLITE_ROW &&
		    sqlite3_column_bytes(st, 0) <= EXPR_MAX_LENGTH));
		sqlite3_finalize(st);
	}
	/* below the limit, work as before */
	assert_int_equal(sqlite3_prepare_v2(h, "SELECT length(printf('%1000s', "
	    "'x'))", -1, &st, NULL), SQLITE_OK);
	assert_int_equal(sqlite3_step(st), SQLITE_ROW);
	assert_int_equal(sqlite3_column_int(st, 0), 1000);
	sqlite3_finalize(st);
	sqlite3_close(h);
}

/*
 * Results kept between evaluations (memo on the bound values) follow the
 * values; what depends on the day or the database is evaluated again.
 */
static void
test_memo(void **state)
{
	struct fixture *f = *state;
	struct record *hh = record_new(f->hh), *m = record_new(f->mem);
	size_t rule = 0, b = fi(f->hh, "b"), d = fi(f->hh, "d");
	size_t bd = fi(f->mem, "birth_date");
	char *v = NULL;
	int i;

	for (i = 0; i < 2; i++) {
		set(hh, "members", "2");
		assert_int_equal(expr_rule(f->x, hh, NULL, rule), 1);
		set(hh, "members", "0");
		assert_int_equal(expr_rule(f->x, hh, NULL, rule), 0);
		set(hh, "a", "1");
		assert_int_equal(expr_relevant(f->x, hh, NULL, d), 1);
		assert_int_equal(expr_calculate(f->x, hh, NULL, b, &v), 0);
		assert_string_equal(v, "2");
		free(v); /* the caller's copy */
		assert_int_equal(expr_calculate(f->x, hh, NULL, b, &v), 0);
		assert_string_equal(v, "2");
		free(v);
		set(hh, "a", "0");
		assert_int_equal(expr_relevant(f->x, hh, NULL, d), 0);
		assert_int_equal(expr_calculate(f->x, hh, NULL, b, &v), 0);
		assert_string_equal(v, "1");
		free(v);
		set(hh, "a", NULL);
		assert_int_equal(expr_relevant(f->x, hh, NULL, d), 0);
		assert_int_equal(expr_calculate(f->x, hh, NULL, b, &v), 0);
		assert_null(v);
	}
	/* today() is asked again: the same value, another day */
	set(m, "birth_date", "2024-06-16");
	assert_int_equal(expr_constraint(f->x, m, hh, bd), 0);
	setenv("KESRA_TODAY", "2024-06-20", 1);
	assert_int_equal(expr_constraint(f->x, m, hh, bd), 1);
	setenv("KESRA_TODAY", TODAY, 1);
	assert_int_equal(expr_constraint(f->x, m, hh, bd), 0);
	record_free(m);
	record_free(hh);

	/* nik_region_known keeps its statement under the set: it sees the
	 * region table as it is at each call (and the connection closes) */
	assert_sql(f->h, "SELECT nik_region_known('3201010101900001')",
	    "NULL");
	assert_int_equal(sqlite3_exec(f->h, "CREATE TABLE kesra_region (code "
	    "TEXT, level INTEGER); INSERT INTO kesra_region VALUES "
	    "('32.01.01', 3)", NULL, NULL, NULL), SQLITE_OK);
	assert_sql(f->h, "SELECT nik_region_known('3201010101900001')", "1");
	assert_sql(f->h, "SELECT nik_region_known('3201020101900001')", "0");
	assert_int_equal(sqlite3_exec(f->h, "DELETE FROM kesra_region", NULL,
	    NULL, NULL), SQLITE_OK);
	assert_sql(f->h, "SELECT nik_region_known('3201010101900001')", "0");
}

/*
 * Field expressions of the same SQL over the same fields share one memo
 * (a truth with truths, a calculation with calculations); others keep
 * their own: each still answers for its own expression.
 */
static const char share_yaml[] =
    "dictionary: s\n"
    "version: 1\n"
    "languages: [id, en]\n"
    "records:\n"
    "  household:\n"
    "    fields:\n"
    "      - {name: m2, type: text, relevant: \"g IS NOT NULL\"}\n"
    "      - {name: n2, type: text, relevant: \"g IS NOT NULL\"}\n"
    "      - {name: g, type: text, relevant: \"a = 1\"}\n"
    "      - {name: k, type: calculate, calculation: \"b + 1\"}\n"
    "      - {name: m, type: text, relevant: \"k = 2\"}\n"
    "      - {name: n, type: text, relevant: \"k = 2\"}\n"
    "      - {name: a, type: integer}\n"
    "      - {name: b, type: integer}\n"
    "      - {name: p, type: text, relevant: \"a = 1\"}\n"
    "      - {name: q, type: text, relevant: \"a = 1\"}\n"
    "      - {name: r, type: text, relevant: \"a = 2\"}\n"
    "      - {name: s, type: text, relevant: \"b = 1\"}\n"
    "      - {name: t, type: text, required: \"a = 1\"}\n"
    "      - {name: u, type: text, relevant: \"a = 1 AND date('now') > ''\"}\n"
    "      - {name: v, type: text, relevant: \"a = 1 AND date('now') > ''\"}\n"
    "      - {name: c, type: calculate, calculation: \"a = 1\"}\n"
    "      - {name: d, type: calculate, calculation: \"a = 1\"}\n"
    "      - {name: e, type: calculate, calculation: \"a = 2\"}\n";

static void
test_shared_memo(void **state)
{
	sqlite3 *h = open_db(state);
	struct schema *s = tu_schema(share_yaml);
	struct diags d = {0};
	struct expr_set *x = expr_compile(h, s, &d);
	const struct sch_record *def = schema_record(s, "household");
	struct record *r;
	static const char *const as[] = {"1", "2", NULL, "1", "3", "2", "1"};
	size_t i, k;
	char *v;

	tu_diags_dump(&d);
	assert_non_null(x);
	diags_free(&d);
	/* p, q and t share g's, n2 m2's, n m's, d c's; not r, s (other
	 * text), u, v (not deterministic), nor c with p (a value, not a
	 * truth) */
	assert_int_equal(expr_shared(x, def), 6);
	r = record_new(def);
	for (k = 0; k < 3; k++) /* again: every memo holds something */
		for (i = 0; i < sizeof as / sizeof *as; i++) {
			int one = as[i] != NULL && strcmp(as[i], "1") == 0;
			int two = as[i] != NULL && strcmp(as[i], "2") == 0;
			set(r, "a", as[i]);
			set(r, "b", as[i]);
			assert_int_equal(expr_relevant(x, r, NULL,
			    fi(def, "p")), one);
			assert_int_equal(expr_relevant(x, r, NULL,
			    fi(def, "r")), two);
			assert_int_equal(expr_relevant(x, r, NULL,
			    fi(def, "q")), one);
			assert_int_equal(expr_relevant(x, r, NULL,
			    fi(def, "s")), one);
			assert_int_equal(expr_required(x, r, NULL,
			    fi(def, "t")), one);
			assert_int_equal(expr_relevant(x, r, NULL,
			    fi(def, "v")), one);
			assert_int_equal(expr_calculate(x, r, NULL,
			    fi(def, "e"), &v), 0);
			if (as[i] == NULL)
				assert_null(v);
			else
				assert_string_equal(v, two ? "1" : "0");
			free(v);
			assert_int_equal(expr_calculate(x, r, NULL,
			    fi(def, "d"), &v), 0);
			if (as[i] == NULL)
				assert_null(v);
			else
				assert_string_equal(v, one ? "1" : "0");
			free(v);
			assert_int_equal(expr_calculate(x, r, NULL,
			    fi(def, "c"), &v), 0);
			if (as[i] == NULL)
				assert_null(v);
			else
				assert_string_equal(v, one ? "1" : "0");
			free(v);
		}
	/* a refresh: fields of one relevance answer together, asked again
	 * when what it reads changes during the refresh (g, cleared after
	 * m2 was asked) */
	for (k = 0; k < 3; k++) {
		int on = k != 1;
		set(r, "a", on ? "1" : "2");
		set(r, "b", on ? "1" : "5");
		set(r, "g", "z");
		set(r, "m2", "1");
		set(r, "n2", "2");
		set(r, "m", "3");
		set(r, "n", "4");
		set(r, "p", "5");
		set(r, "q", "6");
		expr_refresh(x, r, NULL, NULL);
		assert_string_equal(get(r, "k"), on ? "2" : "6");
		if (on) {
			assert_string_equal(get(r, "g"), "z");
			assert_string_equal(get(r, "m2"), "1");
			assert_string_equal(get(r, "n2"), "2");
			assert_string_equal(get(r, "m"), "3");
			assert_string_equal(get(r, "n"), "4");
			assert_string_equal(get(r, "p"), "5");
			assert_string_equal(get(r, "q"), "6");
		} else {
			assert_null(get(r, "g"));
			assert_null(get(r, "m2"));
			assert_null(get(r, "n2"));
			assert_null(get(r, "m"));
			assert_null(get(r, "n"));
			assert_null(get(r, "p"));
			assert_null(get(r, "q"));
		}
	}
	record_free(r);
	expr_free(x);
	schema_free(s);
	assert_int_equal(sqlite3_close(h), SQLITE_OK);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_length_limit),
		cmocka_unit_test(test_age),
		cmocka_unit_test(test_today),
		cmocka_unit_test(test_regexp),
		cmocka_unit_test(test_selected),
		cmocka_unit_test_setup_teardown(test_compile_good, setup_good,
		    teardown_good),
		cmocka_unit_test_setup_teardown(test_relevant, setup_good,
		    teardown_good),
		cmocka_unit_test_setup_teardown(test_memo, setup_good,
		    teardown_good),
		cmocka_unit_test_setup_teardown(test_required_constraint,
		    setup_good, teardown_good),
		cmocka_unit_test_setup_teardown(test_calculate, setup_good,
		    teardown_good),
		cmocka_unit_test_setup_teardown(test_refresh, setup_good,
		    teardown_good),
		cmocka_unit_test_setup_teardown(test_refresh_roster, setup_good,
		    teardown_good),
		cmocka_unit_test_setup_teardown(test_choice_filter, setup_good,
		    teardown_good),
		cmocka_unit_test_setup_teardown(test_rules, setup_good,
		    teardown_good),
		cmocka_unit_test_setup_teardown(test_roster_rules, setup_good,
		    teardown_good),
		cmocka_unit_test_setup_teardown(test_runtime_error, tu_setup_tmp,
		    tu_teardown_tmp),
		cmocka_unit_test(test_bad_in_memory),
		cmocka_unit_test_setup_teardown(test_bad_on_database,
		    tu_setup_tmp, tu_teardown_tmp),
		cmocka_unit_test(test_cycle_of_three),
		cmocka_unit_test_setup_teardown(test_shared_memo, tu_setup_tmp,
		    tu_teardown_tmp),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
