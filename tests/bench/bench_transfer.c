/*
 * bench_transfer: import and export rates (issue 9), each beside its raw
 * baseline, all measured as processes on the same data:
 *  - export of the persons of BENCH_DB: `kesra export --record member
 *    --out F` against `sqlite3 -csv DB "SELECT * FROM member" > F`;
 *  - import of those persons into a database holding only the
 *    households: `kesra import F --record member` (every row checked as
 *    the forms do, calculations refreshed, one transaction) against this
 *    program run as `bench_transfer --raw-insert F DB`: the same CSV read
 *    with the same reader, each row inserted by one prepared INSERT (its
 *    parent found by a prepared SELECT on the household uuid) in one
 *    transaction, no checks, into the same tables and indexes.
 * Figures are microseconds per person (lower is better), target x1.5.
 * The import and the raw insert run IMPORT_RUNS times each, alternately,
 * each into a fresh copy; each figure is the median of its runs.
 *
 * The export is of the whole register. The import is of a fixed sample:
 * the first BENCH_SAMPLE households of the export (default 5000; all of
 * them when the register is smaller) and their persons (about 20,400),
 * into a database holding only those households, so that a run at
 * 1,000,000 persons stays within minutes (kesra's checked import takes
 * about a millisecond a person). The figure's name says the sample.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include <sqlite3.h>

#include "bench.h"
#include "csv.h"
#include "util.h"

/* the import and the raw insert are each timed this many times (odd) */
#define IMPORT_RUNS 3

/* kesra's import page cache (IMPORT_CACHE_KB in src/core/db_transfer.c) */
#define BENCH_IMPORT_CACHE_KB "32768"

/* Run a shell command; its time in seconds, or -1. */
static double
timed(const char *cmd)
{
	double t0 = bench_now();
	if (system(cmd) != 0) {
		fprintf(stderr, "bench_transfer: failed: %s\n", cmd);
		return -1;
	}
	return bench_now() - t0;
}

static int
die_sql(sqlite3 *h, const char *what)
{
	fprintf(stderr, "bench_transfer: %s: %s\n", what, sqlite3_errmsg(h));
	return 1;
}

/*
 * The baseline: insert the rows of a member CSV (as kesra exports it)
 * into DB's member table, one prepared statement, one transaction.
 */
static int
raw_insert(const char *csvpath, const char *dbpath)
{
	struct csv_reader *r;
	const struct csv_record *rec;
	struct sbuf sql = {0};
	sqlite3 *h;
	sqlite3_stmt *ins, *par;
	FILE *f;
	char *err = NULL;
	size_t i, ncols, puuid = 0;
	long n = 0;
	int rc;

	if ((f = fopen(csvpath, "rb")) == NULL ||
	    csv_open_file(&r, f, csvpath, ',', &err) < 0 ||
	    csv_read(r, &rec, &err) != 1) {
		fprintf(stderr, "bench_transfer: %s: %s\n", csvpath,
		    err ? err : "cannot read");
		return 1;
	}
	if (sqlite3_open(dbpath, &h) != SQLITE_OK)
		return die_sql(h, dbpath);
	sqlite3_exec(h, "PRAGMA journal_mode = WAL; PRAGMA synchronous = "
	    "FULL; PRAGMA foreign_keys = ON", NULL, NULL, NULL);
	/* the session settings kesra's import takes (db_import_open): the
	 * same page cache, statement journals in memory */
	sqlite3_exec(h, "PRAGMA cache_size = -" BENCH_IMPORT_CACHE_KB "; "
	    "PRAGMA temp_store = MEMORY", NULL, NULL, NULL);
	/* columns: every header but the household's ones, plus parent_id */
	ncols = rec->n;
	sbuf_add(&sql, "INSERT INTO member (parent_id");
	for (i = 0; i < ncols; i++) {
		if (strcmp(rec->field[i], "household.uuid") == 0)
			puuid = i;
		if (strncmp(rec->field[i], "household.", 10) == 0 ||
		    strcmp(rec->field[i], "kesra_accepted") == 0)
			continue;
		sbuf_addf(&sql, ", \"%s\"", rec->field[i]);
	}
	sbuf_add(&sql, ") VALUES (?");
	for (i = 0; i < ncols; i++)
		if (strncmp(rec->field[i], "household.", 10) != 0 &&
		    strcmp(rec->field[i], "kesra_accepted") != 0)
			sbuf_add(&sql, ", ?");
	sbuf_add(&sql, ")");
	char **names = calloc(ncols, sizeof *names);
	for (i = 0; i < ncols; i++)
		names[i] = strdup(rec->field[i]);
	if (sqlite3_prepare_v2(h, sql.s, -1, &ins, NULL) != SQLITE_OK)
		return die_sql(h, sql.s);
	/* the register's uuid index is on substr(uuid, 1, 8) (db_uuid.c):
	 * the raw look-up walks it as kesra's does */
	if (sqlite3_prepare_v2(h, "SELECT id FROM household WHERE "
	    "substr(uuid, 1, 8) = substr(?1, 1, 8) AND +uuid = ?1",
	    -1, &par, NULL) != SQLITE_OK)
		return die_sql(h, "parent");
	sqlite3_exec(h, "BEGIN IMMEDIATE", NULL, NULL, NULL);
	while ((rc = csv_read(r, &rec, &err)) == 1) {
		int k = 2;
		sqlite3_reset(par);
		sqlite3_bind_text(par, 1, rec->field[puuid], -1, SQLITE_STATIC);
		if (sqlite3_step(par) != SQLITE_ROW)
			return die_sql(h, "parent not found");
		sqlite3_reset(ins);
		sqlite3_bind_int64(ins, 1, sqlite3_column_int64(par, 0));
		for (i = 0; i < ncols && i < rec->n; i++) {
			if (strncmp(names[i], "household.", 10) == 0 ||
			    strcmp(names[i], "kesra_accepted") == 0)
				continue;
			if (rec->len[i] == 0)
				sqlite3_bind_null(ins, k++);
			else
				sqlite3_bind_text(ins, k++, rec->field[i],
				    (int)rec->len[i], SQLITE_STATIC);
		}
		if (sqlite3_step(ins) != SQLITE_DONE)
			return die_sql(h, "insert");
		n++;
	}
	if (rc < 0) {
		fprintf(stderr, "bench_transfer: %s\n", err);
		return 1;
	}
	if (sqlite3_exec(h, "COMMIT", NULL, NULL, NULL) != SQLITE_OK)
		return die_sql(h, "commit");
	sqlite3_finalize(ins);
	sqlite3_finalize(par);
	sqlite3_close(h);
	csv_close(r);
	fclose(f);
	for (i = 0; i < ncols; i++)
		free(names[i]);
	free(names);
	sbuf_free(&sql);
	fprintf(stderr, "bench_transfer: raw insert of %ld rows\n", n);
	return 0;
}

static int
cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;
	return x < y ? -1 : x > y;
}

static int
cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* The index of column name in the header h, or -1. */
static long
column_of(const struct csv_record *h, const char *name)
{
	size_t i;
	for (i = 0; i < h->n; i++)
		if (strcmp(h->field[i], name) == 0)
			return (long)i;
	return -1;
}

/*
 * Copy the header and the first max rows of the household CSV hin to hout
 * and the rows of the member CSV min whose household is among them to
 * mout. Returns the number of households copied, or -1; *persons: the
 * persons copied.
 */
static long
sample_csv(const char *hin, const char *min, const char *hout,
    const char *mout, long max, long *persons)
{
	const char *in[2] = {hin, min}, *out[2] = {hout, mout};
	const struct csv_record *rec;
	char **uuids = NULL, *err = NULL;
	long nu = 0, col, k;
	int pass, rc;

	*persons = 0;
	for (pass = 0; pass < 2; pass++) {
		struct csv_reader *r;
		FILE *f, *o;
		if ((f = fopen(in[pass], "rb")) == NULL ||
		    (o = fopen(out[pass], "wb")) == NULL ||
		    csv_open_file(&r, f, in[pass], ',', &err) < 0 ||
		    csv_read(r, &rec, &err) != 1) {
			fprintf(stderr, "bench_transfer: %s: %s\n", in[pass],
			    err ? err : "cannot read");
			return -1;
		}
		col = column_of(rec, pass == 0 ? "uuid" : "household.uuid");
		if (col < 0) {
			fprintf(stderr, "bench_transfer: %s: no uuid column\n",
			    in[pass]);
			return -1;
		}
		if (csv_write_record(o, (const char *const *)rec->field, rec->n,
		    ',', 0, &err) < 0)
			return -1;
		if (pass == 0)
			uuids = calloc((size_t)max, sizeof *uuids);
		while ((rc = csv_read(r, &rec, &err)) == 1) {
			const char *u = (size_t)col < rec->n ? rec->field[col] :
			    "";
			if (pass == 0) {
				if (nu == max)
					break;
				uuids[nu++] = strdup(u);
			} else if (bsearch(&u, uuids, (size_t)nu, sizeof *uuids,
			    cmp_str) == NULL)
				continue;
			else
				(*persons)++;
			if (csv_write_record(o, (const char *const *)rec->field,
			    rec->n, ',', 0, &err) < 0)
				return -1;
		}
		if (rc < 0) {
			fprintf(stderr, "bench_transfer: %s\n", err);
			return -1;
		}
		if (pass == 0)
			qsort(uuids, (size_t)nu, sizeof *uuids, cmp_str);
		csv_close(r);
		fclose(f);
		if (fclose(o) != 0)
			return -1;
	}
	for (k = 0; k < nu; k++)
		free(uuids[k]);
	free(uuids);
	return nu;
}

static long
count_rows(const char *db, const char *table)
{
	sqlite3 *h;
	sqlite3_stmt *st;
	char *sql = xasprintf("SELECT count(*) FROM %s WHERE deleted_at IS "
	    "NULL", table);
	long n = -1;
	if (sqlite3_open_v2(db, &h, SQLITE_OPEN_READONLY, NULL) == SQLITE_OK &&
	    sqlite3_prepare_v2(h, sql, -1, &st, NULL) == SQLITE_OK) {
		if (sqlite3_step(st) == SQLITE_ROW)
			n = sqlite3_column_int64(st, 0);
		sqlite3_finalize(st);
	}
	sqlite3_close(h);
	free(sql);
	return n;
}

int
main(int argc, char **argv)
{
	const char *kesra = getenv("KESRA"), *tmp = getenv("BENCH_TMP");
	const char *db;
	char *cmd, *exe, *hcsv, *mcsv, *scsv, *e1, *e2, *base, *hs, *ms;
	char *kcmd, *rcmd;
	char figure[96];
	double tk, tb, tks[IMPORT_RUNS], tbs[IMPORT_RUNS];
	int i;
	long n, nh, np, max = 5000;

	if (argc == 4 && strcmp(argv[1], "--raw-insert") == 0)
		return raw_insert(argv[2], argv[3]);
	if (argc != 2 || kesra == NULL || tmp == NULL) {
		fprintf(stderr, "usage: bench_transfer DB (env KESRA, "
		    "BENCH_TMP)\n");
		return 2;
	}
	if (getenv("BENCH_SAMPLE") != NULL &&
	    (max = strtol(getenv("BENCH_SAMPLE"), NULL, 10)) <= 0)
		max = 5000;
	db = argv[1];
	exe = realpath(argv[0], NULL);
	if ((n = count_rows(db, "member")) <= 0) {
		fprintf(stderr, "bench_transfer: no members in %s\n", db);
		return 1;
	}
	hcsv = xasprintf("%s/tr_household.csv", tmp);
	mcsv = xasprintf("%s/tr_member.csv", tmp);
	scsv = xasprintf("%s/tr_sqlite.csv", tmp);
	e1 = xasprintf("%s/tr_kesra.db", tmp);
	e2 = xasprintf("%s/tr_raw.db", tmp);
	base = xasprintf("%s/tr_base.db", tmp);
	hs = xasprintf("%s/tr_household_sample.csv", tmp);
	ms = xasprintf("%s/tr_member_sample.csv", tmp);

	/* Export: kesra against sqlite3 -csv, both as processes. */
	cmd = xasprintf("'%s' --db '%s' export --record member --out '%s'",
	    kesra, db, mcsv);
	tk = timed(cmd);
	free(cmd);
	cmd = xasprintf("sqlite3 -csv -header '%s' 'SELECT * FROM member' "
	    "> '%s'", db, scsv);
	tb = timed(cmd);
	free(cmd);
	if (tk < 0 || tb < 0)
		return 1;
	bench_figure("export persons (CSV)", 1e6 * tk / (double)n,
	    1e6 * tb / (double)n, "us/row", 1.5);

	/* The sample: the first max households and their persons. */
	cmd = xasprintf("'%s' --db '%s' export --record household --out '%s'",
	    kesra, db, hcsv);
	if (timed(cmd) < 0)
		return 1;
	free(cmd);
	if ((nh = sample_csv(hcsv, mcsv, hs, ms, max, &np)) <= 0 || np <= 0) {
		fprintf(stderr, "bench_transfer: no sample\n");
		return 1;
	}
	fprintf(stderr, "bench_transfer: import sample: %ld households, %ld "
	    "persons\n", nh, np);

	/* A database holding the sample's households only. */
	cmd = xasprintf("rm -f '%s' && '%s' --db '%s' init >/dev/null && "
	    "'%s' --db '%s' import '%s' --record household >/dev/null",
	    base, kesra, base, kesra, base, hs);
	if (timed(cmd) < 0)
		return 1;
	free(cmd);

	/*
	 * Import: kesra (checked) against the raw insert, each into its own
	 * fresh copy of that database, IMPORT_RUNS times alternately (which
	 * goes first alternates too); the figure is the median of each. One
	 * run of each varied by a third from run to run on a shared machine.
	 */
	for (i = 0; i < IMPORT_RUNS; i++) {
		double a, b;
		cmd = xasprintf("rm -f '%s' '%s'-wal '%s'-shm '%s' '%s'-wal "
		    "'%s'-shm && '%s' --db '%s' backup '%s' >/dev/null && '%s' "
		    "--db '%s' backup '%s' >/dev/null", e1, e1, e1, e2, e2, e2,
		    kesra, base, e1, kesra, base, e2);
		if (timed(cmd) < 0)
			return 1;
		free(cmd);
		kcmd = xasprintf("'%s' --db '%s' import '%s' --record member "
		    ">/dev/null", kesra, e1, ms);
		rcmd = xasprintf("'%s' --raw-insert '%s' '%s'", exe, ms, e2);
		if (i % 2 == 0) {
			a = timed(kcmd);
			b = timed(rcmd);
		} else {
			b = timed(rcmd);
			a = timed(kcmd);
		}
		free(kcmd);
		free(rcmd);
		if (a < 0 || b < 0)
			return 1;
		if (count_rows(e1, "member") != np ||
		    count_rows(e2, "member") != np) {
			fprintf(stderr, "bench_transfer: imported %ld / %ld of "
			    "%ld\n", count_rows(e1, "member"), count_rows(e2,
			    "member"), np);
			return 1;
		}
		tks[i] = a;
		tbs[i] = b;
		fprintf(stderr, "bench_transfer: import run %d: kesra %.3f s, "
		    "raw %.3f s\n", i + 1, a, b);
	}
	qsort(tks, IMPORT_RUNS, sizeof tks[0], cmp_double);
	qsort(tbs, IMPORT_RUNS, sizeof tbs[0], cmp_double);
	tk = tks[IMPORT_RUNS / 2];
	tb = tbs[IMPORT_RUNS / 2];
	snprintf(figure, sizeof figure, "import persons (checked, %ld hh)",
	    nh);
	bench_figure(figure, 1e6 * tk / (double)np, 1e6 * tb / (double)np,
	    "us/row", 1.5);
	free(exe);
	free(hcsv);
	free(mcsv);
	free(scsv);
	free(e1);
	free(e2);
	free(base);
	free(hs);
	free(ms);
	return 0;
}
