/*
 * bench_quality: `kesra validate` over the whole register through the core
 * API (validate_scan: every field check, rule, roster rule, uniqueness and
 * probable-duplicate look-up of every record) beside a plain scan of the
 * same tables in the same process (SELECT of every column of every live
 * row of each record table, stepped through, every column read). Target:
 * within 2x the plain scan.
 *
 * On a big register both measure a fixed sample: the first BENCH_SAMPLE
 * households (default 5000, a multiple of the scan's page of 500; all of
 * them when the register is smaller) with their members. kesra stops its
 * scan there (through its progress call, which also counts the live
 * households first, as `kesra validate` does); the plain scan reads the
 * same rows (ids up to the last one checked, per table). Validating
 * 1,000,000 persons takes minutes, which `make bench` cannot afford; the
 * time for the whole register is printed as a projection (no target).
 */
#include <sqlite3.h>

#include "bench.h"
#include "db.h"
#include "expr.h"
#include "schema_yaml.h"
#include "validate.h"

static long nfind, sample = 5000;
static int64_t *maxid; /* per record table: the last id checked */
static const struct schema *sch;

static void
seen(const struct record *r)
{
	size_t i = (size_t)(r->def - sch->records);
	if (i < sch->nrecords && r->id > maxid[i])
		maxid[i] = r->id;
}

static void
on_record(void *ctx, const struct record *top)
{
	(void)ctx;
	seen(top);
}

static void
on_row(void *ctx, const struct record *top, const struct record *r)
{
	(void)ctx;
	(void)top;
	seen(r);
}

static int
on_progress(void *ctx, long done, long total)
{
	(void)ctx;
	(void)total;
	return done >= sample;
}

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

/* The plain scan of every table; only ids up to lim[i] when lim. */
static double
plain_scan(struct db *db, const struct schema *s, const int64_t *lim,
    long *rows)
{
	double t0 = bench_now();
	size_t i;
	for (i = 0; i < s->nrecords; i++) {
		char *sql = sqlite3_mprintf("SELECT * FROM \"%w\" WHERE "
		    "deleted_at IS NULL%s", s->records[i].name, lim ?
		    " AND id <= ?1" : "");
		sqlite3_stmt *st;
		if (sqlite3_prepare_v2(db_sqlite(db), sql, -1, &st, NULL) !=
		    SQLITE_OK) {
			sqlite3_free(sql);
			return -1;
		}
		sqlite3_free(sql);
		if (lim != NULL)
			sqlite3_bind_int64(st, 1, lim[i]);
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
	long rows = 0, checked, total = 0;
	double tv, tp;
	char figure[96];
	sqlite3_stmt *st;

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
	if (getenv("BENCH_SAMPLE") != NULL &&
	    (sample = strtol(getenv("BENCH_SAMPLE"), NULL, 10)) <= 0)
		sample = 5000;
	sch = s;
	maxid = calloc(s->nrecords, sizeof *maxid);
	if (sqlite3_prepare_v2(db_sqlite(db), "SELECT count(*) FROM household "
	    "WHERE deleted_at IS NULL", -1, &st, NULL) == SQLITE_OK &&
	    sqlite3_step(st) == SQLITE_ROW)
		total = sqlite3_column_int64(st, 0);
	sqlite3_finalize(st);
	/* the plain scan first and last: the page cache is warm for both */
	tp = plain_scan(db, s, NULL, &rows);
	c.x = x;
	c.db = db;
	o.fn = count;
	o.record = on_record;
	o.row = on_row;
	o.progress = on_progress;
	tv = bench_now();
	checked = validate_scan(&c, &o, NULL, &err);
	tv = bench_now() - tv;
	if (checked < 0) {
		fprintf(stderr, "bench_quality: %s\n", err);
		return 1;
	}
	rows = 0;
	/* the plain scan of the same rows, with the same count first */
	tp = bench_now();
	if (sqlite3_prepare_v2(db_sqlite(db), "SELECT count(*) FROM household "
	    "WHERE deleted_at IS NULL", -1, &st, NULL) == SQLITE_OK)
		(void)sqlite3_step(st);
	sqlite3_finalize(st);
	tp = bench_now() - tp + plain_scan(db, s, o.stopped ? maxid : NULL,
	    &rows);
	fprintf(stderr, "bench_quality: %ld of %ld households checked%s, %ld "
	    "findings, %ld rows scanned\n", checked, total, o.stopped ?
	    " (a sample)" : "", nfind, rows);
	if (o.stopped) {
		snprintf(figure, sizeof figure, "validate-all, first %ld hh",
		    checked);
		bench_figure(figure, tv, tp, "s", 2);
		if (checked > 0)
			bench_limit("validate-all, whole register (proj.)",
			    tv * (double)total / (double)checked, "s", 0);
	} else
		bench_figure("validate all records", tv, tp, "s", 2);
	free(maxid);
	expr_free(x);
	db_close(db);
	schema_free(s);
	return 0;
}
