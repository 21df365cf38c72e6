/*
 * test_region: code shapes, the regions file loader (every check with its
 * file:line), `kesra check` of a dictionary's regions file, and the region
 * table in the database: loading on migrate only when the file changed,
 * dry runs, refusal of a wrong file, reads by code and filtered lists.
 * The bundled schema/wilayah.csv (run from the repository's root) is
 * loaded whole and the time it takes is printed.
 */
#include "testutil.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <time.h>

#include "db.h"
#include "region.h"

static void
test_code_shape(void **state)
{
	char buf[REGION_CODE_MAX + 1];
	(void)state;
	assert_int_equal(region_code_level("96"), RL_PROVINCE);
	assert_int_equal(region_code_level("96.71"), RL_REGENCY);
	assert_int_equal(region_code_level("96.71.01"), RL_DISTRICT);
	assert_int_equal(region_code_level("96.71.01.1001"), RL_VILLAGE);
	assert_int_equal(region_code_level(""), RL_NONE);
	assert_int_equal(region_code_level(NULL), RL_NONE);
	assert_int_equal(region_code_level("9"), RL_NONE);
	assert_int_equal(region_code_level("961"), RL_NONE);
	assert_int_equal(region_code_level("96."), RL_NONE);
	assert_int_equal(region_code_level("96.7"), RL_NONE);
	assert_int_equal(region_code_level("96.711"), RL_NONE);
	assert_int_equal(region_code_level("9671"), RL_NONE);
	assert_int_equal(region_code_level("96-71"), RL_NONE);
	assert_int_equal(region_code_level("96.71.01.100"), RL_NONE);
	assert_int_equal(region_code_level("96.71.01.10011"), RL_NONE);
	assert_int_equal(region_code_level("96.71.01.1001."), RL_NONE);
	assert_int_equal(region_code_level("96.71.01.1001.01"), RL_NONE);
	assert_int_equal(region_code_level(" 96"), RL_NONE);
	assert_int_equal(region_code_level("96 "), RL_NONE);
	assert_int_equal(region_code_level("9a"), RL_NONE);
	assert_int_equal(region_code_level("\xd9\xa9\xd9\xa6"), RL_NONE);

	assert_int_equal(region_parent("96.71.01.1001", buf, sizeof buf), 0);
	assert_string_equal(buf, "96.71.01");
	assert_int_equal(region_parent("96.71", buf, sizeof buf), 0);
	assert_string_equal(buf, "96");
	assert_int_equal(region_parent("96", buf, sizeof buf), -1);
	assert_int_equal(region_parent("96.7", buf, sizeof buf), -1);
	assert_int_equal(region_parent("96.71.01", buf, 5), -1);
}

static const char good[] =
    "code,name,level\n"
    "96,Papua Barat Daya,province\n"
    "96.71,Kota Sorong,regency\n"
    "96.71.01,Sorong,district\n"
    "96.71.01.1001,Kampung Baru,village\n"
    "96.71.01.1002,\"Remu, Utara\",village\n"
    "96.01,Kabupaten Sorong,regency\n"
    "11,Aceh,province\n";

static void
test_load_good(void **state)
{
	struct region_table *t = NULL;
	struct diags d = {0};
	const struct region *r;
	(void)state;

	assert_int_equal(region_load_mem("w.csv", good, strlen(good), &t, &d),
	    0);
	tu_diags_dump(&d);
	assert_int_equal(d.n, 0);
	assert_int_equal(t->n, 7);
	/* Sorted by code: each region right after its parent. */
	assert_string_equal(t->v[0].code, "11");
	assert_string_equal(t->v[1].code, "96");
	assert_string_equal(t->v[2].code, "96.01");
	assert_string_equal(t->v[3].code, "96.71");
	assert_string_equal(t->v[4].code, "96.71.01");
	assert_string_equal(t->v[5].code, "96.71.01.1001");
	r = region_find(t, "96.71.01.1002");
	assert_non_null(r);
	assert_string_equal(r->name, "Remu, Utara");
	assert_int_equal(r->level, RL_VILLAGE);
	assert_int_equal(r->line, 6);
	assert_null(region_find(t, "96.71.01.1003"));
	assert_null(region_find(t, "9"));
	assert_non_null(region_find(t, "11"));
	region_table_free(t);

	/* Columns in any order, extra ones ignored, a BOM, CRLF, header
	 * case and spaces, names trimmed. */
	{
		static const char odd[] =
		    "\xef\xbb\xbf" "Level, Name ,extra,CODE\r\n"
		    "province,  Aceh ,x,11\r\n"
		    "regency,Kabupaten Simeulue,,11.09\r\n";
		assert_int_equal(region_load_mem("o.csv", odd, strlen(odd), &t,
		    &d), 0);
		assert_int_equal(t->n, 2);
		assert_string_equal(t->v[0].name, "Aceh");
		assert_string_equal(t->v[1].code, "11.09");
		assert_int_equal(t->v[1].line, 3);
		region_table_free(t);
	}
	/* Only a header: an empty table. */
	assert_int_equal(region_load_mem("h.csv", "code,name,level\n", 16, &t,
	    &d), 0);
	assert_int_equal(t->n, 0);
	region_table_free(t);
	assert_int_equal(d.n, 0);
	diags_free(&d);
}

/* Load text expected to fail; returns the diagnostics. */
static void
load_bad(const char *text, struct diags *d)
{
	struct region_table *t = (struct region_table *)1;
	assert_int_equal(region_load_mem("bad.csv", text, strlen(text), &t, d),
	    -1);
	assert_null(t);
	assert_true(d->n > 0);
}

static void
assert_diag(const struct diags *d, const char *sub, int line)
{
	const struct diag *g = tu_diag_get(d, sub);
	assert_string_equal(g->file, "bad.csv");
	if (g->line != line) {
		tu_diags_dump(d);
		fail_msg("\"%s\" at line %d, expected %d", g->msg, g->line, line);
	}
}

static void
test_load_bad_rows(void **state)
{
	struct diags d = {0};
	(void)state;
	load_bad("code,name,level\n"
	    "11,Aceh,province\n"
	    "11.1,Bad shape,regency\n"            /* 3 */
	    "11.01,Kabupaten A,district\n"        /* 4: level mismatch */
	    "11.01.01,Kec,kecamatan\n"            /* 5: unknown level */
	    "11.02,,regency\n"                    /* 6: empty name */
	    "11.03,Kab\x01X,regency\n"            /* 7: control char */
	    "11.04,\"Two\nlines\",regency\n"      /* 8: line break */
	    "11.05,Only two\n"                    /* 10: too few fields */
	    "11.06,Kabupaten B,regency\n"
	    "11.06,Kabupaten B again,regency\n"   /* 12: duplicate */
	    "12.01,Orphan,regency\n"              /* 13: no parent 12 */
	    "11.06.01.2001,Desa,village\n"        /* 14: no parent district */
	    " 11.07,Space,regency\n",             /* 15 */
	    &d);
	assert_diag(&d, "'11.1' is not a region code", 3);
	assert_diag(&d, "code 11.01 is a regency code, not a district", 4);
	assert_diag(&d, "unknown level 'kecamatan'", 5);
	assert_diag(&d, "the name is empty", 6);
	assert_diag(&d, "control character", 7);
	assert_int_equal(d.v[5].line, 8); /* the line break in a name */
	assert_contains(d.v[5].msg, "control character or a line break");
	assert_diag(&d, "2 field(s)", 10);
	assert_diag(&d, "' 11.07' is not a region code", 15);
	assert_int_equal(d.n, 8);
	/* Duplicates and parents are checked once every row is read. */
	diags_free(&d);
	load_bad("code,name,level\n"
	    "11,Aceh,province\n"
	    "11.06,Kabupaten B,regency\n"
	    "11.06,Kabupaten B again,regency\n"   /* 4: duplicate */
	    "12.01,Orphan,regency\n"              /* 5: no parent 12 */
	    "11.06.01.2001,Desa,village\n",       /* 6: no parent district */
	    &d);
	assert_diag(&d, "duplicate code 11.06 (also at line 3)", 4);
	assert_diag(&d, "the parent 12 of 12.01 is not in the file", 5);
	assert_diag(&d, "the parent 11.06.01 of 11.06.01.2001", 6);
	assert_int_equal(d.n, 3);
	diags_free(&d);
}

static void
test_load_bad_file(void **state)
{
	struct diags d = {0};
	struct sbuf b = {0};
	int i;
	(void)state;
	load_bad("", &d);
	assert_diag(&d, "the file is empty", 0);
	diags_free(&d);
	load_bad("kode,nama,tingkat\n11,Aceh,province\n", &d);
	assert_diag(&d, "must name the columns code, name and level (missing: "
	    "code)", 1);
	diags_free(&d);
	load_bad("code,name\n11,Aceh\n", &d);
	assert_diag(&d, "(missing: level)", 1);
	diags_free(&d);
	/* A CSV error stops the reading, with its line and column. */
	load_bad("code,name,level\n11,Aceh,province\n11.01,Kab \"X\","
	    "regency\n", &d);
	{
		const struct diag *g = tu_diag_get(&d, "a quote inside an "
		    "unquoted field");
		assert_int_equal(g->line, 3);
		assert_int_equal(g->col, 11);
	}
	diags_free(&d);
	load_bad("code,name,level\n11,Ac\xe9h,province\n", &d);
	assert_diag(&d, "invalid UTF-8", 2);
	diags_free(&d);
	/* A thoroughly wrong file: the first 50 problems and a count. */
	sbuf_add(&b, "code,name,level\n");
	for (i = 0; i < 120; i++)
		sbuf_addf(&b, "x%d,Name,province\n", i);
	load_bad(b.s, &d);
	assert_int_equal(d.n, REGION_MAX_DIAGS + 1);
	assert_diag(&d, "'x0' is not a region code", 2);
	assert_diag(&d, "... and 70 more problems", 0);
	diags_free(&d);
	sbuf_free(&b);
}

/* The bundled file, copied into dir/name. */
static char *
copy_bundled(const char *dir, const char *name, size_t *len)
{
	char *text = tu_read_file("schema/wilayah.csv", len);
	char *path;
	if (text == NULL)
		fail_msg("schema/wilayah.csv not found: run from the "
		    "repository's root");
	path = tu_path(dir, name);
	tu_write_bytes(path, text, *len);
	free(text);
	return path;
}

static double
ms_since(const struct timespec *t0)
{
	struct timespec t1;
	clock_gettime(CLOCK_MONOTONIC, &t1);
	return (double)(t1.tv_sec - t0->tv_sec) * 1e3 +
	    (double)(t1.tv_nsec - t0->tv_nsec) / 1e6;
}

static void
test_bundled_file(void **state)
{
	char *dir = *state, *path;
	struct region_table *t;
	struct diags d = {0};
	struct timespec t0;
	size_t len, i, per[5] = {0};
	const struct region *r;

	path = copy_bundled(dir, "wilayah.csv", &len);
	clock_gettime(CLOCK_MONOTONIC, &t0);
	if (region_load(path, &t, &d) != 0) {
		tu_diags_dump(&d);
		fail_msg("the bundled regions file did not load");
	}
	fprintf(stderr, "region_load: %zu rows checked in %.1f ms\n", t->n,
	    ms_since(&t0));
	assert_int_equal(t->n, 91599);
	for (i = 0; i < t->n; i++)
		per[t->v[i].level]++;
	assert_int_equal(per[RL_PROVINCE], 38);
	assert_int_equal(per[RL_REGENCY], 514);
	assert_int_equal(per[RL_DISTRICT], 7285);
	assert_int_equal(per[RL_VILLAGE], 83762);
	r = region_find(t, "96.71");
	assert_non_null(r);
	assert_string_equal(r->name, "Kota Sorong");
	r = region_find(t, "12.07.28.1007");
	assert_non_null(r);
	assert_string_equal(r->name, "Lubuk Pakam I,II");
	region_table_free(t);
	free(path);
}

/* A dictionary folder in dir with a region field of each level. */
static const char dict_regions[] =
    "dictionary: rt\n"
    "regions: wilayah.csv\n"
    "records:\n"
    "  hh:\n"
    "    fields:\n"
    "      - {name: name, type: text}\n"
    "      - {name: prov, type: region, level: province}\n"
    "      - {name: village, type: region, level: village}\n";

static struct schema *
load_dir(const char *dir)
{
	struct diags d = {0};
	struct schema *s = schema_yaml_load(dir, NULL, &d);
	if (s == NULL) {
		tu_diags_dump(&d);
		fail_msg("dictionary in %s did not load", dir);
	}
	diags_free(&d);
	return s;
}

static void
test_check_schema(void **state)
{
	char *dir = *state, *p;
	struct schema *s;
	struct diags d = {0};

	free(tu_write_file(dir, "rt.yaml", dict_regions));
	s = load_dir(dir);
	/* Missing file. */
	assert_int_equal(region_check_schema(s, &d), -1);
	assert_contains(d.v[0].msg, "wilayah.csv: cannot read: No such file");
	diags_free(&d);
	/* A wrong file: problems with file:line. */
	p = tu_write_file(dir, "wilayah.csv", "code,name,level\n11,Aceh,"
	    "province\n11.01.01,Kec,district\n");
	assert_int_equal(region_check_schema(s, &d), -1);
	assert_int_equal(d.n, 1);
	assert_string_equal(d.v[0].file, p);
	assert_int_equal(d.v[0].line, 3);
	assert_contains(d.v[0].msg, "the parent 11.01 of 11.01.01");
	diags_free(&d);
	free(p);
	/* Right, but no village for the village field. */
	free(tu_write_file(dir, "wilayah.csv", "code,name,level\n11,Aceh,"
	    "province\n"));
	assert_int_equal(region_check_schema(s, &d), 1);
	assert_int_equal(d.n, 1);
	assert_contains(d.v[0].msg, "field 'village': wilayah.csv has no "
	    "region of level village");
	assert_int_equal(d.v[0].line, 8);
	diags_free(&d);
	/* Right. */
	free(tu_write_file(dir, "wilayah.csv", good));
	assert_int_equal(region_check_schema(s, &d), 7);
	assert_int_equal(d.n, 0);
	schema_free(s);
	/* No regions file named: nothing to check, always current. */
	s = tu_schema("dictionary: x\nrecords:\n  r:\n    fields:\n"
	    "      - {name: a, type: text}\n");
	assert_null(region_schema_path(s));
	assert_int_equal(region_check_schema(s, &d), 0);
	assert_int_equal(d.n, 0);
	schema_free(s);
}

/* --- the table in the database --- */

struct fx {
	char *dir, *dbpath;
	struct schema *s;
	struct db *db;
};

static int
db_setup(void **state)
{
	struct fx *f = xcalloc(1, sizeof *f);
	f->dir = tu_mkdtemp();
	f->dbpath = tu_path(f->dir, "k.db");
	free(tu_write_file(f->dir, "rt.yaml", dict_regions));
	free(tu_write_file(f->dir, "wilayah.csv", good));
	f->s = load_dir(f->dir);
	*state = f;
	return 0;
}

static int
db_teardown(void **state)
{
	struct fx *f = *state;
	db_close(f->db);
	schema_free(f->s);
	tu_rmtree(f->dir);
	free(f->dir);
	free(f->dbpath);
	free(f);
	return 0;
}

static void
open_db(struct fx *f)
{
	char *err = NULL;
	if (db_open(&f->db, f->dbpath, f->s, DB_OPEN_CREATE, &err) != 0)
		fail_msg("db_open: %s", err);
}

/* Migrate; returns the plan (caller frees). */
static char *
migrate(struct fx *f, int dry_run)
{
	struct sbuf plan = {0};
	char *err = NULL;
	if (db_migrate(f->db, dry_run, &plan, &err) != 0)
		fail_msg("db_migrate: %s", err);
	return sbuf_steal(&plan);
}

static void
test_db_sync(void **state)
{
	struct fx *f = *state;
	sqlite3 *h;
	char *plan, *hash, *err = NULL, *rows;

	open_db(f);
	assert_int_equal(db_region_current(f->db), 0);
	/* A dry run reports the load and writes nothing. */
	plan = migrate(f, 1);
	assert_contains(plan, "load region table (7 rows)");
	free(plan);
	h = db_sqlite(f->db);
	assert_int_equal(tu_sql_int(h, "SELECT count(*) FROM sqlite_schema "
	    "WHERE name = 'kesra_region'"), 0);

	plan = migrate(f, 0);
	assert_contains(plan, "load region table (7 rows)");
	free(plan);
	rows = tu_sql_rows(h, "SELECT code, name, level, parent FROM "
	    "kesra_region ORDER BY code");
	assert_string_equal(rows,
	    "11|Aceh|1|NULL\n"
	    "96|Papua Barat Daya|1|NULL\n"
	    "96.01|Kabupaten Sorong|2|96\n"
	    "96.71|Kota Sorong|2|96\n"
	    "96.71.01|Sorong|3|96.71\n"
	    "96.71.01.1001|Kampung Baru|4|96.71.01\n"
	    "96.71.01.1002|Remu, Utara|4|96.71.01");
	free(rows);
	hash = db_meta_get(f->db, "regions_hash");
	assert_non_null(hash);
	assert_int_equal(strlen(hash), 16);
	{
		/* The table format, then the file's bytes. */
		char want[17];
		uint64_t hv = util_fnv1a(UTIL_FNV_INIT, "kesra_region 2\n", 15);
		snprintf(want, sizeof want, "%016llx", (unsigned long long)
		    util_fnv1a(hv, good, strlen(good)));
		assert_string_equal(hash, want);
	}
	/* The table is STRICT: a level as text is refused. */
	assert_int_not_equal(sqlite3_exec(h, "INSERT INTO kesra_region VALUES "
	    "('12', 'X', 'one', NULL, 0)", NULL, NULL, NULL), SQLITE_OK);

	assert_int_equal(db_region_current(f->db), 1);
	/* Unchanged file: nothing to do. */
	plan = migrate(f, 0);
	assert_not_contains(plan, "region");
	free(plan);

	/* Changed file: reloaded whole, rows gone are gone. */
	free(tu_write_file(f->dir, "wilayah.csv", "code,name,level\n"
	    "11,Aceh,province\n11.01,Kabupaten Simeulue,regency\n"));
	assert_int_equal(db_region_current(f->db), 0);
	plan = migrate(f, 1);
	assert_contains(plan, "load region table (2 rows)");
	free(plan);
	assert_int_equal(tu_sql_int(h, "SELECT count(*) FROM kesra_region"),
	    7);
	plan = migrate(f, 0);
	assert_contains(plan, "load region table (2 rows)");
	free(plan);
	assert_int_equal(tu_sql_int(h, "SELECT count(*) FROM kesra_region"),
	    2);
	free(db_meta_get(f->db, "regions_hash"));

	/* A wrong file fails the migration; the old table and hash stay. */
	free(tu_write_file(f->dir, "wilayah.csv", "code,name,level\n"
	    "11,Aceh,province\n12.01,Orphan,regency\n11.1,x,regency\n"));
	assert_int_equal(db_migrate(f->db, 0, NULL, &err), -1);
	assert_contains(err, "wilayah.csv:4:1: '11.1' is not a region code");
	assert_not_contains(err, "more");
	free(err);
	err = NULL;
	free(tu_write_file(f->dir, "wilayah.csv", "code,name,level\n"
	    "11,Aceh,province\n1,x,province\n2,y,province\n"));
	assert_int_equal(db_migrate(f->db, 0, NULL, &err), -1);
	assert_contains(err, "wilayah.csv:3:1: '1' is not a region code");
	assert_contains(err, "(and more; run 'kesra check')");
	free(err);
	err = NULL;
	assert_int_equal(tu_sql_int(h, "SELECT count(*) FROM kesra_region"),
	    2);
	{
		char *now = db_meta_get(f->db, "regions_hash");
		assert_string_not_equal(now, hash);
		free(now);
	}
	/* Missing file: the same. */
	{
		char *p = tu_path(f->dir, "wilayah.csv");
		unlink(p);
		free(p);
	}
	assert_int_equal(db_migrate(f->db, 0, NULL, &err), -1);
	assert_contains(err, "cannot read");
	free(err);
	free(hash);

	/* The table dropped behind kesra's back is reloaded. */
	free(tu_write_file(f->dir, "wilayah.csv", good));
	free(migrate(f, 0));
	tu_sql_exec(h, "DROP TABLE kesra_region");
	assert_int_equal(db_region_current(f->db), 0);
	plan = migrate(f, 0);
	assert_contains(plan, "load region table (7 rows)");
	free(plan);
}

/*
 * The start-up check trusts the stamp (path, size, inode, mtime) a
 * migration kept, and hashes the files again as soon as they differ from
 * it: a same-size edit is seen; a touched file with the same bytes is
 * still current; a dry run keeps no stamp.
 */
static void
test_db_stamp(void **state)
{
	struct fx *f = *state;
	char *stamp, *p, *edited;
	struct timespec ts[2];

	open_db(f);
	free(migrate(f, 1));
	assert_null(db_meta_get(f->db, "regions_stamp"));
	free(migrate(f, 0));
	stamp = db_meta_get(f->db, "regions_stamp");
	assert_non_null(stamp);
	assert_contains(stamp, "wilayah.csv");
	assert_int_equal(db_region_current(f->db), 1);

	/* the same bytes, touched: hashed again, still current */
	p = tu_path(f->dir, "wilayah.csv");
	ts[0].tv_sec = ts[1].tv_sec = 1000000000;
	ts[0].tv_nsec = ts[1].tv_nsec = 0;
	assert_int_equal(utimensat(AT_FDCWD, p, ts, 0), 0);
	assert_int_equal(db_region_current(f->db), 1);
	/* a migration with nothing to load renews the stamp */
	free(migrate(f, 0));
	{
		char *now = db_meta_get(f->db, "regions_stamp");
		assert_string_not_equal(now, stamp);
		assert_contains(now, " 1000000000.000000000");
		free(now);
	}

	/* an edit of the same size (one byte changed; a new mtime): seen */
	edited = xstrdup(good);
	edited[strlen(edited) - 2] = 'X';
	free(tu_write_file(f->dir, "wilayah.csv", edited));
	assert_int_equal(db_region_current(f->db), 0);
	free(edited);
	free(stamp);
	free(p);
}

static void
test_db_sync_outside_transaction(void **state)
{
	struct fx *f = *state;
	struct sbuf plan = {0};
	char *err = NULL;
	open_db(f);
	free(migrate(f, 0));
	free(tu_write_file(f->dir, "wilayah.csv", "code,name,level\n"
	    "11,Aceh,province\n"));
	/* Called on its own it makes its own transaction. */
	assert_int_equal(db_region_sync(f->db, 0, &plan, &err), 0);
	assert_string_equal(plan.s, "load region table (1 rows)\n");
	assert_int_equal(sqlite3_get_autocommit(db_sqlite(f->db)), 1);
	assert_int_equal(tu_sql_int(db_sqlite(f->db), "SELECT count(*) FROM "
	    "kesra_region"), 1);
	sbuf_free(&plan);
}

/* "code name" lines of a children query. */
static char *
children(struct db *db, const char *parent, int level, const char *filter,
    int limit)
{
	struct db_region *v;
	struct sbuf b = {0};
	size_t n, i;
	char *err = NULL;
	if (db_region_children(db, parent, level, filter, limit, &v, &n,
	    &err) != 0)
		fail_msg("db_region_children: %s", err);
	for (i = 0; i < n; i++) {
		assert_int_equal(v[i].level, level);
		sbuf_addf(&b, "%s%s %s", i ? "\n" : "", v[i].code, v[i].name);
	}
	db_regions_free(v, n);
	return sbuf_steal(&b);
}

#define CHILDREN_IS(db, parent, level, filter, limit, want) do {            \
	char *got_ = children(db, parent, level, filter, limit);            \
	if (strcmp(got_, want) != 0)                                        \
		fail_msg("children(%s, %d, %s):\n%s\nwant:\n%s",            \
		    parent ? parent : "NULL", level,                        \
		    filter ? filter : "NULL", got_, want);                  \
	free(got_);                                                         \
} while (0)

static void
test_db_read(void **state)
{
	struct fx *f = *state;
	struct db_region r, *v = NULL;
	size_t n;
	char *err = NULL;

	open_db(f);
	/* Before the table exists: a clear error. */
	assert_int_equal(db_region_get(f->db, "11", &r, &err), -1);
	assert_contains(err, "no region table");
	free(err);
	err = NULL;
	free(migrate(f, 0));

	assert_int_equal(db_region_get(f->db, "96.71", &r, &err), 1);
	assert_string_equal(r.code, "96.71");
	assert_string_equal(r.name, "Kota Sorong");
	assert_int_equal(r.level, RL_REGENCY);
	free(r.code);
	free(r.name);
	assert_int_equal(db_region_get(f->db, "96.72", &r, &err), 0);
	assert_null(r.code);

	CHILDREN_IS(f->db, NULL, RL_PROVINCE, NULL, 0,
	    "11 Aceh\n96 Papua Barat Daya");
	CHILDREN_IS(f->db, "96", RL_REGENCY, "", 0,
	    "96.01 Kabupaten Sorong\n96.71 Kota Sorong");
	/* Descendants further down. */
	CHILDREN_IS(f->db, "96", RL_VILLAGE, NULL, 0,
	    "96.71.01.1001 Kampung Baru\n96.71.01.1002 Remu, Utara");
	CHILDREN_IS(f->db, "96.71", RL_VILLAGE, NULL, 1,
	    "96.71.01.1001 Kampung Baru");
	CHILDREN_IS(f->db, "11", RL_VILLAGE, NULL, 0, "");
	/* Filters: name (any case), code prefix, the code's own part; a
	 * filter of digits and dots looks at codes only. */
	CHILDREN_IS(f->db, "96", RL_REGENCY, "sorong", 0,
	    "96.01 Kabupaten Sorong\n96.71 Kota Sorong");
	CHILDREN_IS(f->db, "96", RL_REGENCY, "KOTA", 0, "96.71 Kota Sorong");
	CHILDREN_IS(f->db, "96", RL_REGENCY, "  kota ", 0,
	    "96.71 Kota Sorong");
	CHILDREN_IS(f->db, "96", RL_REGENCY, "7", 0, "96.71 Kota Sorong");
	CHILDREN_IS(f->db, "96", RL_REGENCY, "96.0", 0,
	    "96.01 Kabupaten Sorong");
	CHILDREN_IS(f->db, NULL, RL_VILLAGE, "1002", 0,
	    "96.71.01.1002 Remu, Utara");
	CHILDREN_IS(f->db, NULL, RL_VILLAGE, "u, u", 0,
	    "96.71.01.1002 Remu, Utara");
	CHILDREN_IS(f->db, NULL, RL_PROVINCE, "9", 0, "96 Papua Barat Daya");
	CHILDREN_IS(f->db, "96.71", RL_VILLAGE, "96.71.01.100", 0,
	    "96.71.01.1001 Kampung Baru\n96.71.01.1002 Remu, Utara");
	CHILDREN_IS(f->db, "96.71", RL_VILLAGE, "1002", 0,
	    "96.71.01.1002 Remu, Utara");
	CHILDREN_IS(f->db, "96.71", RL_VILLAGE, "100", 0,
	    "96.71.01.1001 Kampung Baru\n96.71.01.1002 Remu, Utara");
	CHILDREN_IS(f->db, "96", RL_REGENCY, "71 ", 0, "96.71 Kota Sorong");
	CHILDREN_IS(f->db, "96", RL_REGENCY, "kota 71", 0, "");
	/* LIKE wildcards are plain characters. */
	CHILDREN_IS(f->db, NULL, RL_PROVINCE, "%", 0, "");
	CHILDREN_IS(f->db, NULL, RL_PROVINCE, "_", 0, "");
	CHILDREN_IS(f->db, NULL, RL_PROVINCE, "\\", 0, "");
	/* Wrong calls. */
	assert_int_equal(db_region_children(f->db, "96.71", RL_REGENCY, NULL,
	    0, &v, &n, &err), -1);
	assert_contains(err, "a regency has no regency below it");
	assert_null(v);
	assert_int_equal(n, 0);
	assert_int_equal(db_region_children(f->db, "9.6", RL_REGENCY, NULL, 0,
	    &v, &n, &err), -1);
	assert_contains(err, "not a region code");
	assert_int_equal(db_region_children(f->db, NULL, 5, NULL, 0, &v, &n,
	    &err), -1);
	assert_contains(err, "no region level 5");
	free(err);
}

/* The bundled file through migrate: the figure of record, and speed. */
static void
test_db_bundled(void **state)
{
	struct fx *f = *state;
	struct timespec t0;
	size_t len;
	double ms, q;
	char *plan, *got;
	int i;

	free(copy_bundled(f->dir, "wilayah.csv", &len));
	open_db(f);
	clock_gettime(CLOCK_MONOTONIC, &t0);
	plan = migrate(f, 0);
	ms = ms_since(&t0);
	fprintf(stderr, "migrate with the region table: 91599 rows in %.1f "
	    "ms\n", ms);
	assert_contains(plan, "load region table (91599 rows)");
	free(plan);
	assert_int_equal(tu_sql_int(db_sqlite(f->db), "SELECT count(*) FROM "
	    "kesra_region WHERE level = 4"), 83762);
	/* Unchanged: the second migration only hashes the file. */
	clock_gettime(CLOCK_MONOTONIC, &t0);
	plan = migrate(f, 0);
	fprintf(stderr, "migrate, region file unchanged: %.1f ms\n",
	    ms_since(&t0));
	assert_not_contains(plan, "region");
	free(plan);

	CHILDREN_IS(f->db, "96.71.01", RL_VILLAGE, "remu", 0,
	    "96.71.01.1001 Remu Utara\n96.71.01.1004 Remu");
	/* Typing in the pick lists: time the filters. */
	clock_gettime(CLOCK_MONOTONIC, &t0);
	for (i = 0; i < 20; i++)
		free(children(f->db, NULL, RL_VILLAGE, "sukamaju", 100));
	q = ms_since(&t0) / 20;
	fprintf(stderr, "filter over all 83762 villages: %.2f ms\n", q);
	clock_gettime(CLOCK_MONOTONIC, &t0);
	for (i = 0; i < 20; i++)
		free(children(f->db, "32", RL_VILLAGE, "suka", 0));
	q = ms_since(&t0) / 20;
	fprintf(stderr, "filter over the villages of a province: %.2f ms\n",
	    q);
	clock_gettime(CLOCK_MONOTONIC, &t0);
	for (i = 0; i < 20; i++)
		free(children(f->db, "32.73.05", RL_VILLAGE, "c", 0));
	q = ms_since(&t0) / 20;
	fprintf(stderr, "filter over the villages of a district: %.2f ms\n",
	    q);
	got = children(f->db, "32", RL_VILLAGE, "suka", 0);
	assert_true(strlen(got) > 1000);
	free(got);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_code_shape),
		cmocka_unit_test(test_load_good),
		cmocka_unit_test(test_load_bad_rows),
		cmocka_unit_test(test_load_bad_file),
		cmocka_unit_test_setup_teardown(test_bundled_file, tu_setup_tmp,
		    tu_teardown_tmp),
		cmocka_unit_test_setup_teardown(test_check_schema, tu_setup_tmp,
		    tu_teardown_tmp),
		cmocka_unit_test_setup_teardown(test_db_sync, db_setup,
		    db_teardown),
		cmocka_unit_test_setup_teardown(test_db_stamp, db_setup,
		    db_teardown),
		cmocka_unit_test_setup_teardown(test_db_sync_outside_transaction,
		    db_setup, db_teardown),
		cmocka_unit_test_setup_teardown(test_db_read, db_setup,
		    db_teardown),
		cmocka_unit_test_setup_teardown(test_db_bundled, db_setup,
		    db_teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
