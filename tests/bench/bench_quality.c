/*
 * bench_quality: `kesra validate` over the whole register through the core
 * API (validate_scan: every field check, rule, roster rule, uniqueness and
 * probable-duplicate look-up of every record) beside a plain scan of the
 * same tables in the same process (SELECT of every column of every live
 * row of each record table, stepped through, every column read). Target:
 * within 2x the plain scan.
 */
#include <sqlite3.h>

#include "bench.h"
#include "db.h"
#include "expr.h"
#include "schema_yaml.h"
#include "validate.h"

static long nfind;

static void
count(void *ctx, const struct record *top, const struct record *r,
    const struct finding *f)
{
	(void)ctx;
	(void)top;
	(void)r;
	(void)f;
	nfind++;
}

static double
plain_scan(struct db *db, const struct schema *s, long *rows)
{
	double t0 = bench_now();
	size_t i;
	for (i = 0; i < s->nrecords; i++) {
		char *sql = sqlite3_mprintf("SELECT * FROM \"%w\" WHERE "
		    "deleted_at IS NULL", s->records[i].name);
		sqlite3_stmt *st;
		if (sqlite3_prepare_v2(db_sqlite(db), sql, -1, &st, NULL) !=
		    SQLITE_OK) {
			sqlite3_free(sql);
			return -1;
		}
		sqlite3_free(sql);
		while (sqlite3_step(st) == SQLITE_ROW) {
			int c, n = sqlite3_column_count(st);
			for (c = 0; c < n; c++)
				(void)sqlite3_column_text(st, c);
			(*rows)++;
		}
		sqlite3_finalize(st);
	}
	return bench_now() - t0;
}

int
main(int argc, char **argv)
{
	const char *dir = getenv("KESRA_SCHEMA");
	struct schema *s;
	struct diags d = {0};
	struct db *db;
	struct expr_set *x;
	struct validate_ctx c = {0};
	struct validate_scan o = {0};
	char *err = NULL, forms[4096];
	long rows = 0, checked;
	double tv, tp;

	if (argc < 2 || dir == NULL) {
		fprintf(stderr, "usage: KESRA_SCHEMA=DIR bench_quality DB\n");
		return 2;
	}
	snprintf(forms, sizeof forms, "%s/../forms", dir);
	if ((s = schema_yaml_load(dir, forms, &d)) == NULL || d.n > 0) {
		diags_print(&d, stderr);
		return 1;
	}
	if (db_open(&db, argv[1], s, 0, &err) < 0 ||
	    expr_register_functions(db_sqlite(db), &err) < 0) {
		fprintf(stderr, "bench_quality: %s\n", err);
		return 1;
	}
	if ((x = expr_compile(db_sqlite(db), s, &d)) == NULL) {
		diags_print(&d, stderr);
		return 1;
	}
	/* the plain scan first and last: the page cache is warm for both */
	tp = plain_scan(db, s, &rows);
	c.x = x;
	c.db = db;
	o.fn = count;
	tv = bench_now();
	checked = validate_scan(&c, &o, NULL, &err);
	tv = bench_now() - tv;
	if (checked < 0) {
		fprintf(stderr, "bench_quality: %s\n", err);
		return 1;
	}
	rows = 0;
	tp = plain_scan(db, s, &rows);
	fprintf(stderr, "bench_quality: %ld records checked, %ld findings, "
	    "%ld rows scanned\n", checked, nfind, rows);
	bench_figure("validate all records", tv, tp, "s", 2);
	expr_free(x);
	db_close(db);
	schema_free(s);
	return 0;
}
