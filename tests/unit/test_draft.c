/*
 * test_draft: drafts of forms being typed (src/core/draft.c). Escaping of
 * hostile values (every byte, newlines, quotes, control characters,
 * invalid UTF-8) round trip; a tree with rosters, an unfinished row and
 * the place of the cursor round trips through the text form; damaged or
 * foreign texts are refused; saving, loading, listing and deleting on a
 * real SQLite file never touch the record tables.
 */
#include "testutil.h"

#include "db.h"
#include "draft.h"
#include "record.h"

static const char dict[] =
    "dictionary: draftdict\n"
    "version: 1\n"
    "languages: [id, en]\n"
    "records:\n"
    "  household:\n"
    "    fields:\n"
    "      - {name: kk, type: kk}\n"
    "      - {name: address, type: text}\n"
    "      - {name: rt, type: integer}\n"
    "  member:\n"
    "    parent: household\n"
    "    fields:\n"
    "      - {name: name, type: text}\n"
    "      - {name: age, type: integer}\n";

/* Hostile values. */
static const char *const hostile[] = {
	"line one\nline two\r\n",
	"quotes \" ' ` and \\ backslash \\n not a newline",
	"tab\there\x01\x02\x1b[31mred\x1b[0m\x7f",
	"invalid utf-8: \xff\xfe \xc3 \xe2\x82 end",
	"Éli Sapulete — ✓",
	"\\x41 \\",
	"k=v; a=b\tkey\tvalue",
};

struct fx {
	char *dir, *path;
	struct schema *s;
	struct db *db;
	const struct sch_record *hh, *mem;
};

static int
setup(void **state)
{
	struct fx *f = xcalloc(1, sizeof *f);
	char *err = NULL;
	f->dir = tu_mkdtemp();
	f->path = tu_path(f->dir, "d.db");
	f->s = tu_schema(dict);
	if (db_open(&f->db, f->path, f->s, DB_OPEN_CREATE, &err) != 0 ||
	    db_migrate(f->db, 0, NULL, &err) != 0)
		fail_msg("open: %s", err);
	f->hh = schema_record(f->s, "household");
	f->mem = schema_record(f->s, "member");
	*state = f;
	return 0;
}

static int
teardown(void **state)
{
	struct fx *f = *state;
	db_close(f->db);
	schema_free(f->s);
	tu_rmtree(f->dir);
	free(f->dir);
	free(f->path);
	free(f);
	return 0;
}

static void
test_escape_every_byte(void **state)
{
	char all[256], *e, *u;
	const unsigned char *p;
	size_t i;
	(void)state;
	for (i = 1; i < 256; i++)
		all[i - 1] = (char)i;
	all[255] = '\0';
	e = draft_escape(all);
	for (p = (const unsigned char *)e; *p != '\0'; p++)
		if (*p < 0x20 || *p >= 0x7f)
			fail_msg("escaped text holds byte 0x%02x", *p);
	u = draft_unescape(e);
	assert_non_null(u);
	assert_string_equal(u, all);
	free(e);
	free(u);
	for (i = 0; i < sizeof hostile / sizeof hostile[0]; i++) {
		e = draft_escape(hostile[i]);
		assert_null(strchr(e, '\n'));
		assert_null(strchr(e, '\t'));
		u = draft_unescape(e);
		assert_string_equal(u, hostile[i]);
		free(e);
		free(u);
	}
}

static void
test_unescape_malformed(void **state)
{
	const char *bad[] = {"trailing \\", "\\q", "\\x4", "\\xZZ", "\\x00"};
	size_t i;
	(void)state;
	for (i = 0; i < sizeof bad / sizeof bad[0]; i++)
		assert_null(draft_unescape(bad[i]));
}

/* A drafted household: hostile values, two members, a removed one, the
 * roster list showing row 2, and a third member being typed. */
static struct draft *
sample(const struct fx *f)
{
	struct draft *d = xcalloc(1, sizeof *d);
	struct record *r;
	d->rec = record_new(f->hh);
	d->rec->id = 7;
	d->rec->rev = 3;
	snprintf(d->rec->uuid, sizeof d->rec->uuid, "%s",
	    "0b9e2c9e-1111-4222-8333-444455556666");
	record_set(d->rec, 0, "3201234567890123");
	record_set(d->rec, 1, hostile[0]);
	record_accept(d->rec, "rule \"x\"", hostile[2]);
	d->at.field = xstrdup("rt");
	d->at.pending = xstrdup(hostile[3]);
	d->nrosters = 1;
	d->rosters = xcalloc(1, sizeof *d->rosters);
	d->rosters[0].def = f->mem;
	d->rosters[0].n = 2;
	d->rosters[0].rows = xcalloc(2, sizeof *d->rosters[0].rows);
	r = d->rosters[0].rows[0] = record_new(f->mem);
	r->id = 11;
	r->rev = 2;
	r->parent_id = 7;
	record_set(r, 0, hostile[1]);
	record_set(r, 1, "34");
	r = d->rosters[0].rows[1] = record_new(f->mem);
	record_set(r, 0, hostile[4]);
	d->rosters[0].ndeleted = 1;
	d->rosters[0].deleted = xcalloc(1, sizeof (int64_t));
	d->rosters[0].deleted[0] = 12;
	d->roster = 0;
	d->roster_sel = 1;
	d->row = record_new(f->mem);
	record_set(d->row, 0, hostile[5]);
	d->row_roster = 0;
	d->row_index = -1;
	d->row_at.field = xstrdup("age");
	d->row_at.pending = xstrdup("4");
	return d;
}

static void
test_round_trip(void **state)
{
	struct fx *f = *state;
	struct draft *d = sample(f), *g = NULL;
	char *text = draft_serialise(d), *err = NULL, *again;

	assert_int_equal(draft_parse(f->s, text, &g, &err), 0);
	assert_ptr_equal(g->rec->def, f->hh);
	assert_int_equal(g->rec->id, 7);
	assert_int_equal(g->rec->rev, 3);
	assert_string_equal(g->rec->uuid, d->rec->uuid);
	assert_true(record_values_equal(g->rec, d->rec));
	assert_string_equal(record_get(g->rec, 1), hostile[0]);
	assert_null(record_get(g->rec, 2));
	assert_string_equal(record_accepted(g->rec, "rule \"x\""), hostile[2]);
	assert_string_equal(g->at.field, "rt");
	assert_string_equal(g->at.pending, hostile[3]);
	assert_int_equal(g->nrosters, 1);
	assert_ptr_equal(g->rosters[0].def, f->mem);
	assert_int_equal(g->rosters[0].n, 2);
	assert_int_equal(g->rosters[0].rows[0]->id, 11);
	assert_int_equal(g->rosters[0].rows[0]->rev, 2);
	assert_int_equal(g->rosters[0].rows[0]->parent_id, 7);
	assert_string_equal(record_get(g->rosters[0].rows[0], 0), hostile[1]);
	assert_string_equal(record_get(g->rosters[0].rows[0], 1), "34");
	assert_string_equal(record_get(g->rosters[0].rows[1], 0), hostile[4]);
	assert_int_equal(g->rosters[0].ndeleted, 1);
	assert_int_equal(g->rosters[0].deleted[0], 12);
	assert_int_equal(g->roster, 0);
	assert_int_equal(g->roster_sel, 1);
	assert_non_null(g->row);
	assert_int_equal(g->row_roster, 0);
	assert_int_equal(g->row_index, -1);
	assert_string_equal(record_get(g->row, 0), hostile[5]);
	assert_null(record_get(g->row, 1));
	assert_string_equal(g->row_at.field, "age");
	assert_string_equal(g->row_at.pending, "4");
	/* the text of the text is the same text */
	again = draft_serialise(g);
	assert_string_equal(again, text);
	free(again);
	free(text);
	draft_free(d);
	draft_free(g);
}

static void
test_parse_refuses(void **state)
{
	struct fx *f = *state;
	struct draft *g = NULL;
	char *err = NULL;
	const char *bad[] = {
		"",
		"not a draft\n",
		"kesra-draft\t9\nrecord\thousehold\nend\n",
		"kesra-draft\t1\nrecord\thousehold\n", /* cut short */
		"kesra-draft\t1\nv\tkk\t1\nend\n",      /* value before record */
		"kesra-draft\t1\nrecord\thousehold\nv\tkk\t\\q\nend\n",
		"kesra-draft\t1\nrecord\thousehold\nid\tx\nend\n",
		"kesra-draft\t1\nrecord\thousehold\nend\nv\tkk\t1\n",
	};
	size_t i;
	for (i = 0; i < sizeof bad / sizeof bad[0]; i++) {
		assert_int_equal(draft_parse(f->s, bad[i], &g, &err), -1);
		assert_null(g);
		assert_non_null(err);
		free(err);
		err = NULL;
	}
	assert_int_equal(draft_parse(f->s, "kesra-draft\t1\nrecord\tparcel\n"
	    "end\n", &g, &err), -1);
	assert_contains(err, "record type");
	free(err);
}

static void
test_parse_skips_unknown(void **state)
{
	struct fx *f = *state;
	struct draft *g = NULL;
	char *err = NULL;
	const char *text = "kesra-draft\t1\nrecord\thousehold\n"
	    "v\tgone_field\tx\nv\tkk\t3201234567890123\nnewtag\tfrom\tlater\n"
	    "roster\tparcel\nrow\nv\tname\tnobody\n"
	    "roster\tmember\nrow\nv\tname\tAni\nend\n";
	assert_int_equal(draft_parse(f->s, text, &g, &err), 0);
	assert_string_equal(record_get(g->rec, 0), "3201234567890123");
	assert_int_equal(g->nrosters, 1);
	assert_int_equal(g->rosters[0].n, 1);
	assert_string_equal(record_get(g->rosters[0].rows[0], 0), "Ani");
	assert_int_equal(g->roster, -1);
	assert_null(g->row);
	draft_free(g);
}

static void
test_save_load_delete(void **state)
{
	struct fx *f = *state;
	struct draft *d = sample(f), *g = NULL, *n2;
	struct draft_info *v = NULL;
	size_t n = 0;
	char *err = NULL, *a, *b;
	sqlite3 *h = db_sqlite(f->db);

	assert_int_equal(tu_sql_int(h, "SELECT count(*) FROM sqlite_schema "
	    "WHERE name = 'kesra_draft'"), 1);
	assert_int_equal(draft_load(f->db, "ani", &g, &err), 0);
	assert_int_equal(draft_save(f->db, "ani", d, &err), 0);
	/* saved again: replaced, not added */
	assert_int_equal(draft_save(f->db, "ani", d, &err), 0);
	assert_int_equal(tu_sql_int(h, "SELECT count(*) FROM kesra_draft"), 1);
	/* the record tables are not touched */
	assert_int_equal(tu_sql_int(h, "SELECT count(*) FROM household"), 0);
	assert_int_equal(tu_sql_int(h, "SELECT count(*) FROM member"), 0);
	assert_int_equal(draft_load(f->db, "budi", &g, &err), 0);
	assert_int_equal(draft_load(f->db, "ani", &g, &err), 1);
	assert_non_null(g);
	a = draft_serialise(d);
	b = draft_serialise(g);
	assert_string_equal(a, b);
	assert_true(g->saved_at[0] != '\0');
	free(a);
	free(b);
	draft_free(g);

	/* a second draft, of a new household, by another operator */
	n2 = xcalloc(1, sizeof *n2);
	n2->rec = record_new(f->hh);
	n2->roster = n2->row_roster = n2->row_index = -1;
	record_set(n2->rec, 1, "Jl. Baru");
	assert_int_equal(draft_save(f->db, "budi", n2, &err), 0);
	assert_int_equal(draft_list(f->db, NULL, &v, &n, &err), 0);
	assert_int_equal(n, 2);
	draft_infos_free(v, n);
	assert_int_equal(draft_list(f->db, "ani", &v, &n, &err), 0);
	assert_int_equal(n, 1);
	assert_string_equal(v[0].record, "household");
	assert_int_equal(v[0].id, 7);
	assert_string_equal(v[0].field, "age"); /* in the row being typed */
	draft_infos_free(v, n);

	/* a new record's draft under a key of its own */
	n2->key = draft_new_key();
	assert_true(n2->key < 0);
	assert_true(draft_new_key() != n2->key);
	record_set(n2->rec, 1, "Jl. Lain");
	assert_int_equal(draft_save(f->db, "budi", n2, &err), 0);
	assert_int_equal(tu_sql_int(h, "SELECT count(*) FROM kesra_draft "
	    "WHERE user = 'budi'"), 2);
	assert_int_equal(draft_load(f->db, "budi", &g, &err), 1);
	assert_int_equal(g->key, n2->key);
	assert_string_equal(record_get(g->rec, 1), "Jl. Lain");
	draft_free(g);
	assert_int_equal(draft_delete(f->db, "budi", "household", n2->key,
	    &err), 0);

	assert_int_equal(draft_delete(f->db, "ani", "household", 7, &err), 0);
	assert_int_equal(draft_load(f->db, "ani", &g, &err), 0);
	assert_int_equal(draft_load(f->db, "budi", &g, &err), 1);
	assert_int_equal(g->rec->id, 0);
	assert_string_equal(record_get(g->rec, 1), "Jl. Baru");
	draft_free(g);
	/* a damaged row is skipped, not fatal */
	tu_sql_exec(h, "INSERT INTO kesra_draft VALUES ('cici', 'household', "
	    "0, NULL, 'garbage', '2099-01-01 00:00:00')");
	assert_int_equal(draft_load(f->db, "cici", &g, &err), 0);
	draft_free(d);
	draft_free(n2);
}

static void
test_migrate_plan(void **state)
{
	char *dir = tu_mkdtemp(), *path = tu_path(dir, "p.db"), *err = NULL;
	struct schema *s = tu_schema(dict);
	struct sbuf plan = {0};
	struct db *db;
	(void)state;
	if (db_open(&db, path, s, DB_OPEN_CREATE, &err) != 0 ||
	    db_migrate(db, 1, &plan, &err) != 0)
		fail_msg("%s", err);
	assert_contains(plan.s, "kesra_draft");
	assert_int_equal(tu_sql_int(db_sqlite(db), "SELECT count(*) FROM "
	    "sqlite_schema WHERE name = 'kesra_draft'"), 0);
	sbuf_free(&plan);
	db_close(db);
	schema_free(s);
	tu_rmtree(dir);
	free(dir);
	free(path);
}

int
main(void)
{
#define T(fn) cmocka_unit_test_setup_teardown(fn, setup, teardown)
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_escape_every_byte),
		cmocka_unit_test(test_unescape_malformed),
		T(test_round_trip),
		T(test_parse_refuses),
		T(test_parse_skips_unknown),
		T(test_save_load_delete),
		cmocka_unit_test(test_migrate_plan),
	};
#undef T
	return cmocka_run_group_tests(tests, NULL, NULL);
}
