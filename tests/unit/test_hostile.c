/*
 * test_hostile: hostile text in records. Names and addresses holding
 * terminal escape sequences (clear screen, OSC 52 clipboard, OSC 0 title),
 * C0 and C1 controls, bidi overrides, invalid UTF-8 and 10 KB strings are
 * stored through db_tree_save and read back byte for byte (the record,
 * its roster rows, the list title); util_sanitize, which every output
 * path uses, leaves none of them in what reaches a terminal. SQL text
 * in a value (quotes, a DROP TABLE, parameters) is stored as text.
 */
#include "testutil.h"

#include "db.h"
#include "record.h"

static const char dict[] =
    "dictionary: hostile\n"
    "version: 1\n"
    "languages: [en]\n"
    "records:\n"
    "  household:\n"
    "    title: \"${name} ${address}\"\n"
    "    fields:\n"
    "      - {name: name, type: text}\n"
    "      - {name: address, type: text}\n"
    "  member:\n"
    "    parent: household\n"
    "    fields:\n"
    "      - {name: name, type: text}\n";

static const char *const hostile[] = {
	"Yohana \x1b[2J\x1b[H cleared",              /* clear screen */
	"\x1b]52;c;cm0gLXJmIH4K\x07 clipboard",      /* OSC 52 */
	"\x1b]0;pwned\x07 title",                    /* OSC 0 title, BEL */
	"\x1b]2;pwned\x1b\\ title ST",               /* OSC 2, ST */
	"C0 \x01\x02\x07\x08\x0b\x0c\x0e\x1f\x7f end",
	"C1 \xc2\x9b" "31m \xc2\x9d" "0;x\xc2\x9c \xc2\x85 end", /* CSI OSC ST NEL */
	"bidi \xe2\x80\xae" "evil\xe2\x80\xac \xe2\x81\xa6x\xe2\x81\xa9 "
	    "\xe2\x80\x8f\xe2\x80\x8e",
	"invalid \xff\xfe \xc0\xaf \xed\xa0\x80 \xf8\x88\x80\x80\x80 \xc3",
	"tab\there\r\nnew line",
	"x'); DROP TABLE household; -- \" \"\" ' '' ?1 :a @b $c %s",
	NULL, /* the 10 KB string */
};
#define NHOSTILE (sizeof hostile / sizeof hostile[0])

static char *
big(void)
{
	struct sbuf b = {0};
	while (b.len < 10 * 1024)
		sbuf_add(&b, "Jl. \x1b[31mMerah\x1b[0m \xe2\x80\xae\xff ");
	return sbuf_steal(&b);
}

/* No byte or sequence in s that a terminal would act on. */
static void
assert_inert(const char *s)
{
	const unsigned char *p = (const unsigned char *)s;
	assert_true(utf8_valid(s, strlen(s)));
	for (; *p != '\0'; p++) {
		assert_false(*p < 0x20 || *p == 0x7f);
		if (p[0] == 0xc2)
			assert_false(p[1] >= 0x80 && p[1] <= 0x9f);
		if (p[0] == 0xe2 && p[1] == 0x80)
			assert_false(p[2] >= 0xaa && p[2] <= 0xae);
		if (p[0] == 0xe2 && p[1] == 0x81)
			assert_false(p[2] >= 0xa6 && p[2] <= 0xa9);
	}
}

static void
test_stored_faithfully(void **state)
{
	struct diags d = {0};
	struct schema *s;
	struct db *db;
	struct sbuf plan = {0};
	char *err = NULL, *path, *long_text = big();
	const struct sch_record *hh, *mem;
	struct record *root, *rows[2], *back, **kids;
	struct db_row *page;
	size_t i, n, nkids;

	s = schema_yaml_load_string("hostile.yaml", dict, sizeof dict - 1, &d);
	assert_non_null(s);
	hh = schema_record(s, "household");
	mem = schema_record(s, "member");
	path = xasprintf("%s/h.db", (char *)*state);
	assert_int_equal(db_open(&db, path, s, DB_OPEN_CREATE, &err), 0);
	assert_int_equal(db_migrate(db, 0, &plan, &err), 0);
	for (i = 0; i < NHOSTILE; i++) {
		const char *v = hostile[i] != NULL ? hostile[i] : long_text;
		struct db_roster ro = {mem, rows, 2, NULL, 0};
		root = record_new(hh);
		record_set_by_name(root, "name", v);
		record_set_by_name(root, "address", v);
		rows[0] = record_new(mem);
		rows[1] = record_new(mem);
		record_set_by_name(rows[0], "name", v);
		record_set_by_name(rows[1], "name", "plain");
		if (db_tree_save(db, root, &ro, 1, v, &err) != 0)
			fail_msg("save %zu: %s", i, err);
		assert_int_equal(db_record_load(db, hh, root->id, &back, &err),
		    0);
		assert_string_equal(record_get_by_name(back, "name"), v);
		assert_string_equal(record_get_by_name(back, "address"), v);
		assert_int_equal(db_children_load(db, mem, root->id, &kids,
		    &nkids, &err), 0);
		assert_int_equal(nkids, 2);
		assert_string_equal(record_get_by_name(kids[0], "name"), v);
		db_records_free(kids, nkids);
		/* what screens and verbs print: sanitised, nothing active */
		{
			char *t = util_sanitize(v, 0), *a = util_sanitize(v, 1);
			assert_inert(t);
			assert_inert(a);
			if (strchr(v, '\x1b') != NULL)
				assert_non_null(strstr(t, "\xef\xbf\xbd"));
			free(t);
			free(a);
		}
		record_free(back);
		record_free(rows[0]);
		record_free(rows[1]);
		record_free(root);
	}
	/* the list titles are the raw text too (sanitised by the screens) */
	assert_int_equal(db_record_page(db, hh, 0, 0, 100, &page, &n, &err), 0);
	assert_int_equal(n, NHOSTILE);
	for (i = 0; i + 1 < NHOSTILE; i++) {
		char *want = xasprintf("%s %s", hostile[i], hostile[i]);
		assert_string_equal(page[i].title, want);
		free(want);
	}
	assert_true(strlen(page[NHOSTILE - 1].title) > 20 * 1024);
	db_rows_free(page, n);
	db_close(db);
	schema_free(s);
	diags_free(&d);
	sbuf_free(&plan);
	free(path);
	free(long_text);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_stored_faithfully,
		    tu_setup_tmp, tu_teardown_tmp),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
