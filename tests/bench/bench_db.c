/*
 * bench_db: the register on disk and the first page of a list.
 *
 * Database size per million persons: the size of the register file (with
 * its -wal, if any), as `kesra demo` left it, scaled to 1,000,000 persons
 * (the live rows of the roster 'member'), beside a plain SQLite file
 * holding the same rows: for each record table of the dictionary a table
 * with the same column names (no types, so that every value is stored as
 * read), `id INTEGER PRIMARY KEY` and nothing else (no other index, no
 * region table), filled by INSERT ... SELECT from the register in id order
 * in one transaction. Neither file is vacuumed: both are written in one pass
 * of inserts (kesra's by `kesra demo`, one transaction).
 *
 * First page of a list: db_record_page (what the list screen calls; 20
 * rows, the list's height at 80x24) on a connection from db_open, beside
 * the same SELECT written by hand on a plain sqlite3_open_v2 connection
 * (prepared, bound, stepped with the text copied, finalized: the same work
 * per call), p50 and p99 over RUNS calls of each, alternating; also the
 * last page (End: the rows before INT64_MAX, backwards).
 */
#include <stdint.h>
#include <sqlite3.h>
#include <sys/stat.h>

#include "bench.h"
#include "db.h"
#include "schema.h"
#include "schema_yaml.h"
#include "util.h"

#define RUNS 3000
#define PAGE 20

static long long
file_size(const char *path)
{
	struct stat st;
	return stat(path, &st) == 0 ? (long long)st.st_size : 0;
}

static int
exec(sqlite3 *db, const char *sql)
{
	char *msg = NULL;
	if (sqlite3_exec(db, sql, NULL, NULL, &msg) != SQLITE_OK) {
		fprintf(stderr, "bench_db: %s: %s\n", sql, msg ? msg : "?");
		sqlite3_free(msg);
		return -1;
	}
	return 0;
}

/* The plain copy of the record tables; its size in bytes, or -1. */
static long long
plain_copy(const struct schema *s, const char *src, const char *dst)
{
	struct sbuf b = {0};
	sqlite3 *db;
	sqlite3_stmt *st;
	size_t i;
	int rc = 0;

	remove(dst);
	if (sqlite3_open(dst, &db) != SQLITE_OK)
		return -1;
	sbuf_addf(&b, "ATTACH '%s' AS src", src); /* a path from run.sh */
	if (exec(db, b.s) < 0 || exec(db, "BEGIN") < 0)
		rc = -1;
	for (i = 0; rc == 0 && i < s->nrecords; i++) {
		const char *name = s->records[i].name;
		int ncol = 0;
		sbuf_reset(&b);
		sbuf_addf(&b, "SELECT name FROM pragma_table_info('%s', 'src')",
		    name);
		if (sqlite3_prepare_v2(db, b.s, -1, &st, NULL) != SQLITE_OK) {
			rc = -1;
			break;
		}
		sbuf_reset(&b);
		sbuf_addf(&b, "CREATE TABLE \"%s\" (", name);
		while (sqlite3_step(st) == SQLITE_ROW) {
			const char *c = (const char *)sqlite3_column_text(st, 0);
			sbuf_addf(&b, "%s\"%s\"%s", ncol++ ? ", " : "", c,
			    strcmp(c, "id") == 0 ? " INTEGER PRIMARY KEY" : "");
		}
		sqlite3_finalize(st);
		sbuf_add(&b, ")");
		if (ncol == 0 || exec(db, b.s) < 0) {
			rc = -1;
			break;
		}
		sbuf_reset(&b);
		sbuf_addf(&b, "INSERT INTO main.\"%s\" SELECT * FROM src.\"%s\" "
		    "ORDER BY id", name, name);
		if (exec(db, b.s) < 0)
			rc = -1;
	}
	if (rc == 0 && exec(db, "COMMIT") < 0)
		rc = -1;
	exec(db, "DETACH src");
	sbuf_free(&b);
	sqlite3_close(db);
	return rc < 0 ? -1 : file_size(dst);
}

static long long
count_persons(sqlite3 *db, const char *roster)
{
	char *sql = sqlite3_mprintf("SELECT count(*) FROM \"%w\" WHERE "
	    "deleted_at IS NULL", roster);
	sqlite3_stmt *st;
	long long n = -1;

	if (sqlite3_prepare_v2(db, sql, -1, &st, NULL) == SQLITE_OK) {
		if (sqlite3_step(st) == SQLITE_ROW)
			n = sqlite3_column_int64(st, 0);
		sqlite3_finalize(st);
	}
	sqlite3_free(sql);
	return n;
}

/* The hand-written page: rows copied out as the API does. */
static int
raw_page(sqlite3 *db, const char *sql, int64_t after)
{
	sqlite3_stmt *st;
	int n = 0;

	if (sqlite3_prepare_v2(db, sql, -1, &st, NULL) != SQLITE_OK)
		return -1;
	sqlite3_bind_int64(st, 1, after);
	sqlite3_bind_int(st, 2, PAGE);
	while (sqlite3_step(st) == SQLITE_ROW) {
		char *t[4];
		int c;
		for (c = 0; c < 4; c++) {
			const char *v = (const char *)
			    sqlite3_column_text(st, c + 1);
			t[c] = v ? strdup(v) : NULL;
		}
		(void)sqlite3_column_int64(st, 0);
		for (c = 0; c < 4; c++)
			free(t[c]);
		n++;
	}
	sqlite3_finalize(st);
	return n;
}

static int
page_figures(struct db *db, sqlite3 *raw, const struct sch_record *def)
{
	static const char *const fwd = "SELECT id, status, updated_at, "
	    "kk_number, head_name FROM household WHERE deleted_at IS NULL "
	    "AND id > ? ORDER BY id ASC LIMIT ?";
	static const char *const back = "SELECT id, status, updated_at, "
	    "kk_number, head_name FROM household WHERE deleted_at IS NULL "
	    "AND id < ? ORDER BY id DESC LIMIT ?";
	double *k = calloc(RUNS, sizeof *k), *b = calloc(RUNS, sizeof *b);
	int pass, i, rc = 0;

	for (pass = 0; pass < 2 && rc == 0; pass++) {
		int backward = pass == 1;
		int64_t after = backward ? INT64_MAX : 0;
		for (i = 0; i < RUNS && rc == 0; i++) {
			struct db_row *rows;
			size_t n;
			char *err = NULL;
			double t = bench_now();
			if (db_record_page(db, def, after, backward, PAGE, &rows,
			    &n, &err) < 0) {
				fprintf(stderr, "bench_db: %s\n", err);
				free(err);
				rc = -1;
				break;
			}
			db_rows_free(rows, n);
			k[i] = (bench_now() - t) * 1e6;
			t = bench_now();
			if (raw_page(raw, backward ? back : fwd, after) !=
			    (int)n) {
				fprintf(stderr, "bench_db: the raw page differs\n");
				rc = -1;
				break;
			}
			b[i] = (bench_now() - t) * 1e6;
		}
		if (rc < 0)
			break;
		/* percentiles sort: p50 first, then p99 of the same data */
		bench_figure(backward ? "last page of a list (End) p50" :
		    "first page of a list p50", bench_percentile(k, RUNS, 50),
		    bench_percentile(b, RUNS, 50), "us", 2);
		bench_figure(backward ? "last page of a list (End) p99" :
		    "first page of a list p99", bench_percentile(k, RUNS, 99),
		    bench_percentile(b, RUNS, 99), "us", 2);
	}
	free(k);
	free(b);
	return rc;
}

int
main(int argc, char **argv)
{
	const char *sdir = getenv("KESRA_SCHEMA"), *tmp = getenv("BENCH_TMP");
	struct diags d = {0};
	struct schema *s;
	struct db *db;
	sqlite3 *raw;
	const struct sch_record *hh = NULL, *roster = NULL;
	char *err = NULL, *forms, *plain, *wal;
	long long kesra_bytes, plain_bytes, persons;
	size_t i;
	int rc = 0;

	if (argc < 2 || sdir == NULL || tmp == NULL) {
		fprintf(stderr, "usage: KESRA_SCHEMA=... BENCH_TMP=... "
		    "bench_db DB\n");
		return 2;
	}
	forms = xasprintf("%s/../forms", sdir);
	if ((s = schema_yaml_load(sdir, forms, &d)) == NULL) {
		diags_print(&d, stderr);
		return 1;
	}
	diags_free(&d);
	free(forms);
	for (i = 0; i < s->nrecords; i++) {
		if (strcmp(s->records[i].name, "household") == 0)
			hh = &s->records[i];
		if (strcmp(s->records[i].name, "member") == 0)
			roster = &s->records[i];
	}
	if (hh == NULL || roster == NULL) {
		fprintf(stderr, "bench_db: the dictionary has no household "
		    "and member records\n");
		return 1;
	}

	/* Size, from a closed file (the -wal checkpointed or counted). */
	if (sqlite3_open_v2(argv[1], &raw, SQLITE_OPEN_READONLY, NULL) !=
	    SQLITE_OK || (persons = count_persons(raw, roster->name)) <= 0) {
		fprintf(stderr, "bench_db: cannot count the persons in %s\n",
		    argv[1]);
		return 1;
	}
	sqlite3_close(raw);
	wal = xasprintf("%s-wal", argv[1]);
	kesra_bytes = file_size(argv[1]) + file_size(wal);
	free(wal);
	plain = xasprintf("%s/plain.db", tmp);
	if ((plain_bytes = plain_copy(s, argv[1], plain)) <= 0) {
		fprintf(stderr, "bench_db: could not make the plain copy\n");
		rc = 1;
	} else
		bench_figure("database size per million persons",
		    kesra_bytes * 1e6 / persons / 1048576.0,
		    plain_bytes * 1e6 / persons / 1048576.0, "MB", 1.3);
	remove(plain);
	free(plain);

	/* Pages: both connections read-only, same file. */
	if (db_open(&db, argv[1], s, DB_OPEN_READONLY, &err) < 0) {
		fprintf(stderr, "bench_db: %s\n", err);
		free(err);
		schema_free(s);
		return 1;
	}
	if (sqlite3_open_v2(argv[1], &raw, SQLITE_OPEN_READONLY, NULL) !=
	    SQLITE_OK) {
		fprintf(stderr, "bench_db: cannot open %s\n", argv[1]);
		rc = 1;
	} else {
		if (page_figures(db, raw, hh) < 0)
			rc = 1;
		sqlite3_close(raw);
	}
	db_close(db);
	schema_free(s);
	return rc;
}
