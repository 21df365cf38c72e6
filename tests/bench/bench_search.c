/*
 * bench_search: the search engine (core search_run, as the search screen
 * and `kesra search` call it) beside raw SQLite on the same register, in
 * the same process, interleaved query by query:
 *   - a name prefix (3 or 4 letters of a word taken from the data, many
 *     different ones): search_run for a page of 20 vs the raw FTS5 prefix
 *     query for the same page (the same rows and columns: the person's
 *     name, NIK, age, sex and household village, in rowid order, LIMIT 20,
 *     and when fewer than 20 persons match, the households' FTS5 query for
 *     the rest, as the API's page holds), p50 and p99;
 *   - a NIK look-up (full numbers taken from the data): search_run vs the
 *     raw look-ups on the indexes of the number fields the API looks in
 *     (the person's NIK, the household's KK), p50 and p99.
 * Also, for the list screen (issue item 3), the time of its first page,
 * its last page (End) and its record count at this size.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <sqlite3.h>

#include "bench.h"
#include "db.h"
#include "expr.h"
#include "schema_yaml.h"
#include "search.h"

#define NQ 400

static void
die(const char *what, const char *why)
{
	fprintf(stderr, "bench_search: %s: %s\n", what, why != NULL ? why : "");
	exit(1);
}

/* Run a prepared raw statement to the end with text bound at 1. */
static int
raw_run(sqlite3_stmt *st, const char *text)
{
	int n = 0;
	sqlite3_bind_text(st, 1, text, -1, SQLITE_STATIC);
	while (sqlite3_step(st) == SQLITE_ROW) {
		/* read the columns, as the API does */
		int c, nc = sqlite3_column_count(st);
		for (c = 0; c < nc; c++)
			(void)sqlite3_column_text(st, c);
		n++;
	}
	sqlite3_reset(st);
	return n;
}

/*
 * The same page as the API gives, by hand: 20 persons in rowid order,
 * and when fewer, households for the rest.
 */
static int
raw_page(sqlite3_stmt *pers, sqlite3_stmt *hh, const char *match)
{
	int n = raw_run(pers, match);
	if (n < 20) {
		sqlite3_bind_int(hh, 2, 20 - n);
		n += raw_run(hh, match);
	}
	return n;
}

/* One search_run of a page of 20, in ms; want >= 0: that many hits. */
static double
api_ms(struct db *db, const char *text, long *hits, int want)
{
	struct search_query q = {0};
	struct search_hit *hh;
	size_t n;
	char *err = NULL;
	double t0;

	q.text = text;
	t0 = bench_now();
	if (search_run(db, &q, NULL, 20, &hh, &n, &err) < 0)
		die("search", err);
	t0 = (bench_now() - t0) * 1000;
	if (want >= 0 && n != (size_t)want)
		die("nik", "the API did not find exactly one person");
	if (hits != NULL)
		*hits += (long)n;
	search_hits_free(hh, n);
	return t0;
}

int
main(int argc, char **argv)
{
	const char *sdir = getenv("KESRA_SCHEMA");
	struct diags d = {0};
	struct schema *s;
	struct db *db;
	sqlite3 *h;
	sqlite3_stmt *st, *raw_name, *raw_hh, *raw_nik, *raw_kk;
	char *err = NULL, *forms, *words[NQ], *niks[NQ];
	double tk[NQ], tr[NQ], nk[NQ], nr[NQ];
	size_t nw = 0, nn = 0, i;
	long hits_api = 0, hits_raw = 0, nik_api = 0, nik_raw = 0;

	if (argc < 2 || sdir == NULL)
		die("usage", "bench_search DB (KESRA_SCHEMA set)");
	forms = xasprintf("%s/../forms", sdir);
	if ((s = schema_yaml_load(sdir, forms, &d)) == NULL || d.n > 0)
		die("dictionary", sdir);
	free(forms);
	if (db_open(&db, argv[1], s, DB_OPEN_READONLY, &err) < 0)
		die("open", err);
	h = db_sqlite(db);
	if (expr_register_functions(h, &err) < 0)
		die("functions", err);

	/* Prefixes of words of names spread over the register. */
	if (sqlite3_prepare_v2(h, "SELECT name, nik FROM member WHERE id % "
	    "max(1, (SELECT max(id) FROM member) / 450) = 7 AND deleted_at IS "
	    "NULL AND nik IS NOT NULL LIMIT 400", -1, &st, NULL) != SQLITE_OK)
		die("sample", sqlite3_errmsg(h));
	while (sqlite3_step(st) == SQLITE_ROW && nw < NQ) {
		const char *nm = (const char *)sqlite3_column_text(st, 0);
		const char *w = nm;
		size_t k = nw % 3, len;
		/* the first, second or last word */
		while (k-- > 0 && strchr(w, ' ') != NULL)
			w = strchr(w, ' ') + 1;
		len = strcspn(w, " ");
		if (len > (nw % 2 ? 4 : 3))
			len = nw % 2 ? 4 : 3;
		words[nw++] = xstrndup(w, len);
		niks[nn++] = xstrdup((const char *)sqlite3_column_text(st, 1));
	}
	sqlite3_finalize(st);
	if (nw < 50)
		die("sample", "too few persons in the register");

	if (sqlite3_prepare_v2(h, "SELECT m.id, m.parent_id, m.status, m.name, "
	    "m.nik, m.age, m.sex, h.village FROM member_fts AS x CROSS JOIN "
	    "member AS m ON m.id = x.rowid LEFT JOIN household AS h ON h.id = "
	    "m.parent_id WHERE member_fts MATCH ? ORDER BY x.rowid LIMIT 20",
	    -1, &raw_name, NULL) != SQLITE_OK)
		die("raw name query", sqlite3_errmsg(h));
	if (sqlite3_prepare_v2(h, "SELECT h.id, h.status, h.head_name, "
	    "h.kk_number, h.address, h.village FROM household_fts AS x CROSS "
	    "JOIN household AS h ON h.id = x.rowid WHERE household_fts MATCH ? "
	    "ORDER BY x.rowid LIMIT ?2", -1, &raw_hh, NULL) != SQLITE_OK)
		die("raw household query", sqlite3_errmsg(h));
	if (sqlite3_prepare_v2(h, "SELECT m.id, m.parent_id, m.status, m.name, "
	    "m.nik, m.age, m.sex, h.village FROM member AS m LEFT JOIN "
	    "household AS h ON h.id = m.parent_id WHERE m.nik = ? AND "
	    "m.deleted_at IS NULL", -1, &raw_nik, NULL) != SQLITE_OK)
		die("raw nik query", sqlite3_errmsg(h));
	if (sqlite3_prepare_v2(h, "SELECT h.id, h.status, h.head_name, "
	    "h.kk_number, h.address, h.village FROM household AS h WHERE "
	    "h.kk_number = ? AND h.deleted_at IS NULL", -1, &raw_kk, NULL) !=
	    SQLITE_OK)
		die("raw kk query", sqlite3_errmsg(h));

	/* warm-up: both paths once over a few queries */
	for (i = 0; i < 20; i++) {
		struct search_query q = {0};
		struct search_hit *hh;
		size_t n;
		char *m = search_match_text(words[i]);
		q.text = words[i];
		if (search_run(db, &q, NULL, 20, &hh, &n, &err) < 0)
			die("search", err);
		search_hits_free(hh, n);
		raw_page(raw_name, raw_hh, m);
		free(m);
	}
	/*
	 * Each query through both paths; which goes first alternates, so
	 * that neither always finds the pages warmed by the other. The order
	 * alternates by pairs of queries: the prefix's length alternates by
	 * single queries (3 and 4 letters), and alternating both by i % 2
	 * gave every cheap 3-letter prefix to the API cold and to the raw
	 * query warm, which put the lower half of both sides' timings (the
	 * p50) on different sides of the cache.
	 */
	for (i = 0; i < nw; i++) {
		char *m = search_match_text(words[i]);
		int k;
		for (k = 0; k < 2; k++) {
			if ((k == 0) == ((i / 2) % 2 == 0)) {
				tk[i] = api_ms(db, words[i], &hits_api, -1);
				nk[i] = api_ms(db, niks[i], &nik_api, -1);
			} else {
				double t0 = bench_now();
				hits_raw += raw_page(raw_name, raw_hh, m);
				tr[i] = (bench_now() - t0) * 1000;
				t0 = bench_now();
				/* (a KK number may equal a NIK: both
				 * are looked at, as the API does) */
				nik_raw += raw_run(raw_nik, niks[i]) +
				    raw_run(raw_kk, niks[i]);
				nr[i] = (bench_now() - t0) * 1000;
			}
		}
		free(m);
	}
	fprintf(stderr, "bench_search: %zu prefixes, %ld hits (api) %ld (raw); "
	    "%zu numbers, %ld hits (api) %ld (raw)\n", nw, hits_api, hits_raw,
	    nn, nik_api, nik_raw);
	if (hits_api != hits_raw || nik_api != nik_raw || nik_api < (long)nn)
		die("results", "the API and the raw queries found different "
		    "hits");
	bench_figure("search: name prefix p50", bench_percentile(tk, nw, 50),
	    bench_percentile(tr, nw, 50), "ms", 1.5);
	bench_figure("search: name prefix p99", bench_percentile(tk, nw, 99),
	    bench_percentile(tr, nw, 99), "ms", 1.5);
	bench_figure("search: NIK look-up p50", bench_percentile(nk, nn, 50),
	    bench_percentile(nr, nn, 50), "ms", 2);
	bench_figure("search: NIK look-up p99", bench_percentile(nk, nn, 99),
	    bench_percentile(nr, nn, 99), "ms", 2);

	/* The list screen at this size: first page, last page, count. */
	{
		const struct sch_record *hr = schema_record(s, "household");
		struct db_row *rows;
		size_t n;
		int64_t cnt;
		double t0;
		if (hr != NULL) {
			t0 = bench_now();
			if (db_record_page(db, hr, 0, 0, 18, &rows, &n, &err) < 0)
				die("page", err);
			bench_limit("list: first page (household)",
			    (bench_now() - t0) * 1000, "ms", 0);
			db_rows_free(rows, n);
			t0 = bench_now();
			if (db_record_page(db, hr, INT64_MAX, 1, 18, &rows, &n,
			    &err) < 0)
				die("page", err);
			bench_limit("list: last page, End (household)",
			    (bench_now() - t0) * 1000, "ms", 0);
			db_rows_free(rows, n);
			t0 = bench_now();
			if (db_record_count(db, hr, &cnt, &err) < 0)
				die("count", err);
			bench_limit("list: record count (household)",
			    (bench_now() - t0) * 1000, "ms", 0);
		}
	}
	for (i = 0; i < nw; i++)
		free(words[i]);
	for (i = 0; i < nn; i++)
		free(niks[i]);
	sqlite3_finalize(raw_name);
	sqlite3_finalize(raw_nik);
	sqlite3_finalize(raw_hh);
	sqlite3_finalize(raw_kk);
	db_close(db);
	schema_free(s);
	diags_free(&d);
	return 0;
}
