/*
 * test_search: the search engine on a real SQLite file: word prefixes,
 * case and accents, all words required, NIK and KK by full number and
 * prefix, filters of the record, its parent and its roster, region and
 * status, deleted and renamed rows leaving the index, hostile queries,
 * paging across streams, query plans that never sort the match set, the
 * index built for existing data by a migration, place words (a district
 * or village by name), and the dictionary checks of the search keys.
 */
#include "testutil.h"

#include "db.h"
#include "expr.h"
#include "record.h"
#include "search.h"

static const char dict[] =
    "dictionary: finddict\n"
    "version: 1\n"
    "languages: [id, en]\n"
    "regions: regions.csv\n"
    "records:\n"
    "  household:\n"
    "    search_columns: [head, kk, village]\n"
    "    filters:\n"
    "      - {name: extreme_poor, where: \"decile = 1\", label: Miskin}\n"
    "    fields:\n"
    "      - {name: kk, type: kk, unique: true}\n"
    "      - {name: head, type: text, search: true}\n"
    "      - {name: address, type: text, search: true}\n"
    "      - {name: district, type: region, level: district}\n"
    "      - {name: village, type: region, level: village}\n"
    "      - {name: decile, type: integer}\n"
    "  member:\n"
    "    parent: household\n"
    "    search_columns: [name, nik, age, household.village]\n"
    "    filters:\n"
    "      - {name: elderly, where: \"age >= 60\", label: Lansia}\n"
    "    fields:\n"
    "      - {name: nik, type: nik}\n"
    "      - {name: name, type: text, search: true}\n"
    "      - {name: age, type: integer}\n";

static const char regions[] =
    "code,name,level\n"
    "96,Papua Barat Daya,province\n"
    "96.01,Kabupaten Sorong,regency\n"
    "96.01.01,Makbon,district\n"
    "96.01.01.2001,Malaumkarta,village\n"
    "96.01.02,Mayamuk,district\n"
    "96.01.02.2001,Klamalu,village\n"
    "96.01.03,Aimas,district\n";

struct fx {
	char *dir, *path;
	struct schema *s;
	struct db *db;
	const struct sch_record *hh, *mem;
	int64_t h1, h2;
	int64_t m[4];
};

static struct record *
person(const struct fx *f, const char *nik, const char *name, const char *age)
{
	struct record *r = record_new(f->mem);
	record_set_by_name(r, "nik", nik);
	record_set_by_name(r, "name", name);
	record_set_by_name(r, "age", age);
	return r;
}

static int64_t
household(struct fx *f, const char *kk, const char *head, const char *addr,
    const char *village, const char *decile, struct record **rows, size_t n)
{
	struct record *h = record_new(f->hh);
	struct db_roster ro = {f->mem, rows, n, NULL, 0};
	char *err = NULL, dist[16];
	int64_t id;

	snprintf(dist, sizeof dist, "%.8s", village);
	record_set_by_name(h, "kk", kk);
	record_set_by_name(h, "head", head);
	record_set_by_name(h, "address", addr);
	record_set_by_name(h, "district", dist);
	record_set_by_name(h, "village", village);
	record_set_by_name(h, "decile", decile);
	if (db_tree_save(f->db, h, &ro, 1, "tester", &err) != 0)
		fail_msg("save: %s", err);
	id = h->id;
	record_free(h);
	return id;
}

static int
setup(void **state)
{
	struct fx *f = xcalloc(1, sizeof *f);
	struct diags d = {0};
	struct record *a[2], *b[2];
	char *err = NULL, *forms;

	f->dir = tu_mkdtemp();
	free(tu_write_file(f->dir, "finddict.yaml", dict));
	free(tu_write_file(f->dir, "regions.csv", regions));
	forms = tu_path(f->dir, "forms");
	f->s = schema_yaml_load(f->dir, forms, &d);
	free(forms);
	if (f->s == NULL || d.n > 0) {
		tu_diags_dump(&d);
		fail_msg("dictionary");
	}
	expr_check_schema(f->s, &d);
	if (d.n > 0) {
		tu_diags_dump(&d);
		fail_msg("expressions");
	}
	f->path = tu_path(f->dir, "s.db");
	if (db_open(&f->db, f->path, f->s, DB_OPEN_CREATE, &err) != 0 ||
	    db_migrate(f->db, 0, NULL, &err) != 0 ||
	    expr_register_functions(db_sqlite(f->db), &err) != 0)
		fail_msg("open: %s", err);
	f->hh = schema_record(f->s, "household");
	f->mem = schema_record(f->s, "member");
	a[0] = person(f, "9601011111800001", "Budi Santoso", "70");
	a[1] = person(f, "9601011111800002", "Siti Aminah", "30");
	f->h1 = household(f, "9601010101010001", "Budi Santoso",
	    "Jl. Mawar 12", "96.01.01.2001", "1", a, 2);
	b[0] = person(f, "9601022222900001", "Budi Hartono", "20");
	b[1] = person(f, "9601022222900002", "Renée Éka", "65");
	f->h2 = household(f, "9601020202020002", "Budi Hartono",
	    "Jl. Melati 7", "96.01.02.2001", "5", b, 2);
	f->m[0] = a[0]->id;
	f->m[1] = a[1]->id;
	f->m[2] = b[0]->id;
	f->m[3] = b[1]->id;
	record_free(a[0]);
	record_free(a[1]);
	record_free(b[0]);
	record_free(b[1]);
	diags_free(&d);
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

/* The hits of a query as "record:id record:id ...". */
static char *
found(struct fx *f, const char *text, const char *filter, const char *region,
    const char *status)
{
	struct search_query q = {0};
	struct search_hit *h;
	struct sbuf b = {0};
	size_t n, i;
	char *err = NULL;

	q.text = text;
	q.region = region;
	q.status = status;
	if (filter != NULL)
		q.filters[q.nfilters++] = filter;
	if (search_run(f->db, &q, NULL, 100, &h, &n, &err) != 0)
		fail_msg("search '%s': %s", text, err);
	for (i = 0; i < n; i++)
		sbuf_addf(&b, "%s%s:%lld", i ? " " : "", h[i].def->name,
		    (long long)h[i].id);
	search_hits_free(h, n);
	return sbuf_steal(&b);
}

#define assert_found(f, text, filter, region, status, want) do {            \
	char *g_ = found(f, text, filter, region, status);                  \
	if (strcmp(g_, want) != 0)                                          \
		fail_msg("'%s': got \"%s\", expected \"%s\"", text, g_, want); \
	free(g_);                                                           \
} while (0)

static void
test_prefix_and_words(void **state)
{
	struct fx *f = *state;
	/* persons first, then households; each in id order */
	assert_found(f, "bud", NULL, NULL, NULL,
	    "member:1 member:3 household:1 household:2");
	assert_found(f, "budi san", NULL, NULL, NULL, "member:1 household:1");
	assert_found(f, "santoso budi", NULL, NULL, NULL,
	    "member:1 household:1");
	assert_found(f, "budi xyz", NULL, NULL, NULL, "");
	/* an address word, and a house number among words */
	assert_found(f, "mawar 12", NULL, NULL, NULL, "household:1");
	assert_found(f, "sit", NULL, NULL, NULL, "member:2");
	/* a word inside a name is not a prefix of it */
	assert_found(f, "toso", NULL, NULL, NULL, "");
}

static void
test_case_and_accents(void **state)
{
	struct fx *f = *state;
	assert_found(f, "BUDI", NULL, NULL, NULL,
	    "member:1 member:3 household:1 household:2");
	assert_found(f, "renee", NULL, NULL, NULL, "member:4");
	assert_found(f, "RENÉE", NULL, NULL, NULL, "member:4");
	assert_found(f, "eka", NULL, NULL, NULL, "member:4");
	assert_found(f, "Éka", NULL, NULL, NULL, "member:4");
}

static void
test_nik_and_kk(void **state)
{
	struct fx *f = *state;
	struct search_query q = {0};
	struct search_hit *h;
	size_t n;
	char *err = NULL;

	assert_found(f, "9601022222900002", NULL, NULL, NULL, "member:4");
	/* a prefix: in number order */
	assert_found(f, "96010222229", NULL, NULL, NULL, "member:3 member:4");
	assert_found(f, "9601 0111 1180", NULL, NULL, NULL,
	    "member:1 member:2");
	assert_found(f, "9601010101010001", NULL, NULL, NULL, "household:1");
	assert_found(f, "96010", NULL, NULL, NULL,
	    "member:1 member:2 member:3 member:4 household:1 household:2");
	assert_found(f, "96010222229000021", NULL, NULL, NULL, "");
	assert_found(f, "9999", NULL, NULL, NULL, "");
	/* a whole number that is both a NIK and a KK: both, person first
	 * (one statement over both unique indexes), and paging past them */
	tu_sql_exec(db_sqlite(f->db), "UPDATE member SET nik = "
	    "'9601010101010001' WHERE id = 3");
	assert_found(f, "9601010101010001", NULL, NULL, NULL,
	    "member:3 household:1");
	q.text = "9601010101010001";
	assert_int_equal(search_run(f->db, &q, NULL, 1, &h, &n, &err), 0);
	assert_int_equal(n, 1);
	assert_int_equal(h[0].id, 3);
	{
		struct search_pos p = h[0].next;
		search_hits_free(h, n);
		assert_int_equal(search_run(f->db, &q, &p, 5, &h, &n, &err),
		    0);
		assert_int_equal(n, 1);
		assert_string_equal(h[0].def->name, "household");
		search_hits_free(h, n);
	}
	tu_sql_exec(db_sqlite(f->db), "UPDATE member SET nik = "
	    "'9601022222900001' WHERE id = 3");
	/* the hit carries its household and columns */
	q.text = "9601022222900002";
	assert_int_equal(search_run(f->db, &q, NULL, 10, &h, &n, &err), 0);
	assert_int_equal(n, 1);
	assert_string_equal(h[0].root->name, "household");
	assert_int_equal(h[0].root_id, f->h2);
	assert_int_equal(h[0].ncols, 4);
	assert_string_equal(h[0].vals[0], "Renée Éka");
	assert_string_equal(h[0].vals[2], "65");
	assert_int_equal(h[0].parent[3], 1);
	{
		char *v = search_display(f->db, &h[0], 3, 0);
		assert_string_equal(v, "Klamalu");
		free(v);
	}
	search_hits_free(h, n);
}

static void
test_filters_region_status(void **state)
{
	struct fx *f = *state;
	struct search_query q = {0};
	struct search_hit *h = NULL;
	size_t n = 0;
	char *err = NULL;

	/* the record's own filter; on households: one with such a member */
	assert_found(f, "bud", "elderly", NULL, NULL,
	    "member:1 household:1 household:2");
	assert_found(f, "eka", "elderly", NULL, NULL, "member:4");
	/* the parent's filter on persons */
	assert_found(f, "bud", "extreme_poor", NULL, NULL,
	    "member:1 household:1");
	/* filters alone: an id scan */
	assert_found(f, "", "elderly", NULL, NULL,
	    "member:1 member:4 household:1 household:2");
	assert_found(f, NULL, "extreme_poor", NULL, NULL,
	    "member:1 member:2 household:1");
	/* a region: the district, the village, and persons through their
	 * household */
	assert_found(f, "bud", NULL, "96.01.02", NULL, "member:3 household:2");
	assert_found(f, "bud", NULL, "96.01.01.2001", NULL,
	    "member:1 household:1");
	assert_found(f, "bud", NULL, "96.01", NULL,
	    "member:1 member:3 household:1 household:2");
	assert_found(f, "bud", NULL, "96.01.0", NULL, "");
	assert_found(f, "", NULL, "96.01.02", NULL,
	    "member:3 member:4 household:2");
	assert_found(f, "bud", NULL, NULL, "draft",
	    "member:1 member:3 household:1 household:2");
	assert_found(f, "bud", NULL, NULL, "verified", "");
	/* an unknown filter is an error */
	q.text = "bud";
	q.filters[q.nfilters++] = "nope";
	assert_int_equal(search_run(f->db, &q, NULL, 10, &h, &n, &err), -1);
	assert_contains(err, "nope");
	free(err);
	/* nothing asked: nothing found */
	assert_found(f, "", NULL, NULL, NULL, "");
}

static void
test_deleted_and_changed(void **state)
{
	struct fx *f = *state;
	struct record *root = NULL, **rows = NULL;
	size_t n = 0;
	int64_t del;
	struct db_roster ro;
	char *err = NULL;

	if (db_record_load(f->db, f->hh, f->h1, &root, &err) != 0 ||
	    db_children_load(f->db, f->mem, f->h1, &rows, &n, &err) != 0)
		fail_msg("load: %s", err);
	assert_int_equal(n, 2);
	/* Siti removed (soft delete), Budi renamed */
	del = rows[1]->id;
	record_set_by_name(rows[0], "name", "Bambang Santoso");
	record_free(rows[1]);
	n = 1;
	ro = (struct db_roster){f->mem, rows, n, &del, 1};
	if (db_tree_save(f->db, root, &ro, 1, "tester", &err) != 0)
		fail_msg("save: %s", err);
	assert_found(f, "siti", NULL, NULL, NULL, "");
	assert_found(f, "9601011111800002", NULL, NULL, NULL, "");
	assert_found(f, "budi", NULL, NULL, NULL,
	    "member:3 household:1 household:2");
	assert_found(f, "bamb", NULL, NULL, NULL, "member:1");
	/* a hard delete leaves the index too */
	tu_sql_exec(db_sqlite(f->db), "DELETE FROM member WHERE id = 3");
	assert_found(f, "budi", NULL, NULL, NULL, "household:1 household:2");
	{
		char *c = tu_sql_rows(db_sqlite(f->db), "SELECT rowid FROM "
		    "member_fts WHERE member_fts MATCH 'budi OR siti'");
		assert_string_equal(c, "");
		free(c);
	}
	record_free(root);
	db_records_free(rows, n);
}

static void
test_hostile_queries(void **state)
{
	struct fx *f = *state;
	static const char *const bad[] = {"\"", "\"\"", "'", "*", "^", "-",
	    "NEAR(budi santoso)", "budi AND siti", "budi OR siti", "NOT",
	    "budi*", "^budi", "head:budi", "{head}: budi", "(", ")", "+",
	    "a\"b", "\\", "%", "_", "budi\"", "\"budi", ":", "NEAR", NULL};
	size_t i;
	char *m;

	for (i = 0; bad[i] != NULL; i++) {
		char *g = found(f, bad[i], NULL, NULL, NULL);
		/* words still match as words, operators never act */
		if (strstr(bad[i], "AND") != NULL || strstr(bad[i], "OR") !=
		    NULL || strstr(bad[i], "NEAR(") != NULL)
			assert_string_equal(g, "");
		free(g);
	}
	assert_found(f, "budi\"", NULL, NULL, NULL,
	    "member:1 member:3 household:1 household:2");
	assert_found(f, "^budi", NULL, NULL, NULL,
	    "member:1 member:3 household:1 household:2");
	assert_found(f, "head:budi", NULL, NULL, NULL, "");
	assert_found(f, "*", NULL, NULL, NULL, "");
	m = search_match_text("a\"b NEAR * ^c  ");
	assert_string_equal(m, "\"a\"\"b\"* \"NEAR\"* \"^c\"*");
	free(m);
	assert_null(search_match_text("  * \" ^ "));
	assert_null(search_match_text(""));
	assert_null(search_match_text(NULL));
}

static void
test_paging(void **state)
{
	struct fx *f = *state;
	struct search_query q = {0};
	struct search_pos pos = {0};
	struct sbuf b = {0};
	struct search_hit *h;
	size_t n;
	char *err = NULL;
	int pages = 0;

	q.text = "96010";
	for (;;) {
		assert_int_equal(search_run(f->db, &q, &pos, 1, &h, &n, &err),
		    0);
		if (n == 0)
			break;
		assert_int_equal(n, 1);
		sbuf_addf(&b, "%s:%lld ", h[0].def->name, (long long)h[0].id);
		pos = h[0].next;
		search_hits_free(h, n);
		pages++;
		assert_true(pages < 20);
	}
	search_hits_free(h, n);
	assert_string_equal(b.s, "member:1 member:2 member:3 member:4 "
	    "household:1 household:2 ");
	sbuf_free(&b);
	/* pages of 3 over words */
	memset(&pos, 0, sizeof pos);
	q.text = "budi";
	assert_int_equal(search_run(f->db, &q, &pos, 3, &h, &n, &err), 0);
	assert_int_equal(n, 3);
	pos = h[2].next;
	search_hits_free(h, n);
	assert_int_equal(search_run(f->db, &q, &pos, 3, &h, &n, &err), 0);
	assert_int_equal(n, 1);
	assert_string_equal(h[0].def->name, "household");
	assert_int_equal(h[0].id, 2);
	search_hits_free(h, n);
}

static void
test_plans_never_sort(void **state)
{
	struct fx *f = *state;
	static const char *const texts[] = {"budi", "9601", "9601010101010001",
	    "", NULL};
	size_t i;

	for (i = 0; texts[i] != NULL; i++) {
		struct search_query q = {0};
		struct sbuf out = {0};
		char *err = NULL;
		q.text = texts[i];
		q.region = "96.01";
		q.status = "draft";
		q.filters[q.nfilters++] = "elderly";
		q.filters[q.nfilters++] = "extreme_poor";
		assert_int_equal(search_explain(f->db, &q, &out, &err), 0);
		assert_non_null(out.s);
		assert_not_contains(out.s, "TEMP B-TREE");
		if (strcmp(texts[i], "9601") == 0) {
			assert_contains(out.s, "member_nik_num");
			assert_contains(out.s, "household_kk_unique");
		}
		if (strcmp(texts[i], "budi") == 0)
			assert_contains(out.s, "VIRTUAL TABLE INDEX");
		sbuf_free(&out);
	}
}

/* The households of the place-word tests: h3 in Malaumkarta (Makbon), h4
 * in Klamalu (Mayamuk) headed by a person named like a place. */
static void
place_households(struct fx *f)
{
	struct record *a[2], *b[1];
	a[0] = person(f, "9601013333800001", "Yohanes Kambu", "45");
	a[1] = person(f, "9601013333800002", "Maria Kambu", "40");
	assert_int_equal(household(f, "9601010303030003", "Yohanes Kambu",
	    "Jl. Kenari 3", "96.01.01.2001", "3", a, 2), 3);
	b[0] = person(f, "9601024444800001", "Budi Makbon", "40");
	assert_int_equal(household(f, "9601020404040004", "Budi Makbon",
	    "Jl. Anggrek 4", "96.01.02.2001", "4", b, 1), 4);
	assert_int_equal(a[0]->id, 5);
	assert_int_equal(b[0]->id, 7);
	record_free(a[0]);
	record_free(a[1]);
	record_free(b[0]);
}

static void
test_place_words(void **state)
{
	struct fx *f = *state;

	place_households(f);
	/* a district: the persons named so first, then the people of
	 * the place (in place order), then its households */
	assert_found(f, "makbon", NULL, NULL, NULL, "member:7 household:4 "
	    "member:1 member:2 member:5 member:6 household:1 household:3");
	/* case, accents and a prefix of the name */
	assert_found(f, "mákBON", NULL, NULL, NULL, "member:7 household:4 "
	    "member:1 member:2 member:5 member:6 household:1 household:3");
	assert_found(f, "MAYAM", NULL, NULL, NULL,
	    "member:3 member:4 member:7 household:2 household:4");
	/* a village */
	assert_found(f, "klamalu", NULL, NULL, NULL,
	    "member:3 member:4 member:7 household:2 household:4");
	assert_found(f, "malaum", NULL, NULL, NULL,
	    "member:1 member:2 member:5 member:6 household:1 household:3");
	/* a name and a place: the name in the place, or both in the name */
	assert_found(f, "budi makbon", NULL, NULL, NULL,
	    "member:1 member:7 household:1 household:4");
	assert_found(f, "makbon budi", NULL, NULL, NULL,
	    "member:1 member:7 household:1 household:4");
	assert_found(f, "maria malaum", NULL, NULL, NULL, "member:6");
	assert_found(f, "maria mayamuk", NULL, NULL, NULL, "");
	assert_found(f, "siti mayamuk", NULL, NULL, NULL, "");
	/* two place words: a village in its district; a name and a place */
	assert_found(f, "makbon malaum", NULL, NULL, NULL,
	    "member:1 member:2 member:5 member:6 household:1 household:3");
	assert_found(f, "makbon mayamuk", NULL, NULL, NULL,
	    "member:7 household:4");
	/* a place with no household is no place word */
	assert_found(f, "aimas", NULL, NULL, NULL, "");
	/* with a filter, a region and a status */
	assert_found(f, "makbon", "elderly", NULL, NULL,
	    "member:1 household:1");
	assert_found(f, "makbon", NULL, "96.01.02", NULL,
	    "member:7 household:4");
	assert_found(f, "makbon", NULL, NULL, "verified", "");
	/* a deleted household leaves the place */
	tu_sql_exec(db_sqlite(f->db), "UPDATE household SET deleted_at = 'x' "
	    "WHERE id = 3; UPDATE member SET deleted_at = 'x' WHERE "
	    "parent_id = 3");
	assert_found(f, "malaum", NULL, NULL, NULL,
	    "member:1 member:2 household:1");
}

/* A changed regions file changes the place words at the migration. */
static void
test_place_words_follow_regions(void **state)
{
	struct fx *f = *state;
	char *err = NULL;

	assert_true(db_is_current(f->db));
	free(tu_write_file(f->dir, "regions.csv",
	    "code,name,level\n"
	    "96,Papua Barat Daya,province\n"
	    "96.01,Kabupaten Sorong,regency\n"
	    "96.01.01,Sausapor Baru,district\n"
	    "96.01.01.2001,Malaumkarta,village\n"
	    "96.01.02,Mayamuk,district\n"
	    "96.01.02.2001,Klamalu,village\n"));
	assert_false(db_is_current(f->db));
	assert_int_equal(db_migrate(f->db, 0, NULL, &err), 0);
	assert_true(db_is_current(f->db));
	assert_found(f, "sausa", NULL, NULL, NULL,
	    "member:1 member:2 household:1");
	assert_found(f, "baru mayamuk", NULL, NULL, NULL, "");
	assert_found(f, "makbon", NULL, NULL, NULL, "");
}

/*
 * The connection's memo of the place words follows the file: another
 * connection's commit (data_version) and its own changes.
 */
static void
test_place_memo_follows(void **state)
{
	struct fx *f = *state;
	struct db *other = NULL;
	char *err = NULL;

	place_households(f);
	assert_found(f, "kambu", NULL, NULL, NULL,
	    "member:5 member:6 household:3");
	if (db_open(&other, f->path, f->s, 0, &err) != 0)
		fail_msg("open: %s", err);
	tu_sql_exec(db_sqlite(other), "INSERT INTO kesra_place_word "
	    "VALUES ('9601xkambu', '96.01.02')");
	db_close(other);
	/* kambu now names Mayamuk too: its people, as "mayam" finds */
	assert_found(f, "kambu", NULL, NULL, NULL,
	    "member:5 member:6 household:3 "
	    "member:3 member:4 member:7 household:2 household:4");
	tu_sql_exec(db_sqlite(f->db), "DELETE FROM kesra_place_word WHERE "
	    "word = '9601xkambu'");
	assert_found(f, "kambu", NULL, NULL, NULL,
	    "member:5 member:6 household:3");
	/* a place the memo knows empty gets a household by another
	 * connection's commit: it is a place word at the next search */
	assert_found(f, "aimas", NULL, NULL, NULL, "");
	if (db_open(&other, f->path, f->s, 0, &err) != 0)
		fail_msg("open: %s", err);
	tu_sql_exec(db_sqlite(other), "UPDATE household SET district = "
	    "'96.01.03', village = '96.01.03' WHERE id = 4");
	db_close(other);
	assert_found(f, "aimas", NULL, NULL, NULL, "member:7 household:4");
	/* and the memo follows this connection's own change back */
	tu_sql_exec(db_sqlite(f->db), "UPDATE household SET district = "
	    "'96.01.02', village = '96.01.02.2001' WHERE id = 4");
	assert_found(f, "aimas", NULL, NULL, NULL, "");
}

/*
 * The connection keeps one statement per query shape, at most 32 (the
 * least recently used goes): over more shapes than that, twice, each
 * query finds on the connection what it finds on a fresh one.
 */
static void
test_statement_shapes(void **state)
{
	static const char *const texts[] = {"bud", "", "makbon", "kambu",
	    "budi makbon", "9601", "9601011111800001", "mal"};
	static const char *const filters[] = {NULL, "elderly",
	    "extreme_poor"};
	static const char *const regs[] = {NULL, "96.01", "96.01.02"};
	static const char *const statuses[] = {NULL, "draft"};
	struct fx *f = *state, g;
	size_t t, fl, r, st, pass, nonempty = 0;
	char *err = NULL;

	place_households(f);
	g = *f;
	for (pass = 0; pass < 2; pass++)
	for (t = 0; t < sizeof texts / sizeof texts[0]; t++)
	for (fl = 0; fl < 3; fl++)
	for (r = 0; r < 3; r++)
	for (st = 0; st < 2; st++) {
		char *a = found(f, texts[t], filters[fl], regs[r],
		    statuses[st]), *b;
		if (db_open(&g.db, f->path, f->s, 0, &err) != 0 ||
		    expr_register_functions(db_sqlite(g.db), &err) != 0)
			fail_msg("open: %s", err);
		b = found(&g, texts[t], filters[fl], regs[r],
		    statuses[st]);
		db_close(g.db);
		if (strcmp(a, b) != 0)
			fail_msg("'%s' %s %s %s: \"%s\" on the connection, "
			    "\"%s\" on a fresh one", texts[t],
			    filters[fl] ? filters[fl] : "-",
			    regs[r] ? regs[r] : "-",
			    statuses[st] ? statuses[st] : "-", a, b);
		nonempty += a[0] != '\0';
		free(a);
		free(b);
	}
	/* most of them find something */
	assert_true(nonempty > 100);
}

/* Pages of one hit through the place streams give every hit once. */
static void
test_place_paging(void **state)
{
	struct fx *f = *state;
	struct search_query q = {0};
	struct search_pos pos = {0};
	struct sbuf b = {0};
	struct search_hit *h;
	size_t n;
	char *err = NULL;
	int pages = 0;

	place_households(f);
	q.text = "makbon";
	for (;;) {
		assert_int_equal(search_run(f->db, &q, &pos, 1, &h, &n, &err),
		    0);
		if (n == 0)
			break;
		sbuf_addf(&b, "%s:%lld ", h[0].def->name, (long long)h[0].id);
		pos = h[0].next;
		search_hits_free(h, n);
		assert_true(++pages < 20);
	}
	search_hits_free(h, n);
	assert_string_equal(b.s, "member:7 household:4 member:1 member:2 "
	    "member:5 member:6 household:1 household:3 ");
	sbuf_free(&b);
	/* pages of 3 */
	memset(&pos, 0, sizeof pos);
	assert_int_equal(search_run(f->db, &q, &pos, 3, &h, &n, &err), 0);
	assert_int_equal(n, 3);
	assert_int_equal(h[2].id, 1);
	pos = h[2].next;
	search_hits_free(h, n);
	assert_int_equal(search_run(f->db, &q, &pos, 3, &h, &n, &err), 0);
	assert_int_equal(n, 3);
	assert_int_equal(h[0].id, 2);
	assert_int_equal(h[2].id, 6);
	search_hits_free(h, n);
}

/* Place words read the place index in order: no sort either. */
static void
test_place_plans(void **state)
{
	struct fx *f = *state;
	static const char *const texts[] = {"makbon", "budi makbon",
	    "makbon mayamuk", NULL};
	size_t i;

	place_households(f);
	for (i = 0; texts[i] != NULL; i++) {
		struct search_query q = {0};
		struct sbuf out = {0};
		char *err = NULL;
		q.text = texts[i];
		q.filters[q.nfilters++] = "elderly";
		assert_int_equal(search_explain(f->db, &q, &out, &err), 0);
		assert_non_null(out.s);
		assert_not_contains(out.s, "TEMP B-TREE");
		if (i != 1)
			assert_contains(out.s, "household_village_place");
		sbuf_free(&out);
	}
}

/* A file whose index is gone (as one made before the search) gets it
 * back, with the live rows, from the migration. */
static void
test_migration_builds_index(void **state)
{
	struct fx *f = *state;
	struct sbuf plan = {0};
	char *err = NULL;

	tu_sql_exec(db_sqlite(f->db), "DROP TRIGGER member_fts_ai;"
	    "DROP TRIGGER member_fts_ad; DROP TRIGGER member_fts_au;"
	    "DROP TABLE member_fts; UPDATE member SET deleted_at = 'x' "
	    "WHERE id = 2");
	assert_int_equal(db_migrate(f->db, 1, &plan, &err), 0);
	assert_contains(plan.s, "member_fts");
	sbuf_free(&plan);
	assert_int_equal(db_migrate(f->db, 0, &plan, &err), 0);
	sbuf_free(&plan);
	assert_found(f, "bud", NULL, NULL, NULL,
	    "member:1 member:3 household:1 household:2");
	assert_found(f, "siti", NULL, NULL, NULL, "");
	/* and then nothing to do */
	assert_int_equal(db_migrate(f->db, 1, &plan, &err), 0);
	assert_not_contains(plan.s != NULL ? plan.s : "", "search index");
	sbuf_free(&plan);
}

static void
test_dictionary_checks(void **state)
{
	struct diags d = {0};
	struct schema *s;
	(void)state;

	tu_schema_bad("dictionary: x\nrecords:\n  r:\n    fields:\n"
	    "      - {name: n, type: integer, search: true}\n", &d);
	assert_true(tu_diag_find(&d, "search is for text fields") >= 0);
	diags_free(&d);
	tu_schema_bad("dictionary: x\nrecords:\n  r:\n"
	    "    search_columns: [nope]\n    fields:\n"
	    "      - {name: n, type: text}\n", &d);
	assert_true(tu_diag_find(&d, "search column 'nope'") >= 0);
	diags_free(&d);
	tu_schema_bad("dictionary: x\nrecords:\n  r:\n"
	    "    filters: [{name: a, where: \"n = 1\"}, {name: a, where: "
	    "\"n = 2\"}]\n    fields:\n      - {name: n, type: text}\n", &d);
	assert_true(tu_diag_find(&d, "duplicate filter 'a'") >= 0);
	diags_free(&d);
	tu_schema_bad("dictionary: x\nrecords:\n  r:\n"
	    "    filters: [{name: a}]\n    fields:\n"
	    "      - {name: n, type: text}\n", &d);
	assert_true(tu_diag_find(&d, "needs 'where:'") >= 0);
	diags_free(&d);
	/* an unknown field in a filter is named by the expression check */
	s = tu_schema("dictionary: x\nrecords:\n  r:\n"
	    "    filters: [{name: a, where: \"nope = 1\"}]\n    fields:\n"
	    "      - {name: n, type: text}\n");
	assert_int_equal(expr_check_schema(s, &d), -1);
	assert_true(tu_diag_find(&d, "nope") >= 0);
	diags_free(&d);
	schema_free(s);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_prefix_and_words, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_case_and_accents, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_nik_and_kk, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_filters_region_status,
		    setup, teardown),
		cmocka_unit_test_setup_teardown(test_deleted_and_changed, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_hostile_queries, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_paging, setup, teardown),
		cmocka_unit_test_setup_teardown(test_plans_never_sort, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_migration_builds_index,
		    setup, teardown),
		cmocka_unit_test_setup_teardown(test_place_words, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_place_words_follow_regions,
		    setup, teardown),
		cmocka_unit_test_setup_teardown(test_place_memo_follows, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_statement_shapes, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_place_paging, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_place_plans, setup,
		    teardown),
		cmocka_unit_test(test_dictionary_checks),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
