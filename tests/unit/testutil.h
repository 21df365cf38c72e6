/*
 * testutil: shared helpers for the cmocka unit tests.
 *
 * Every helper is static inline so that each test file (one translation
 * unit, built on its own) can include this header without unused-function
 * warnings. Strings returned are owned by the caller (free()).
 *
 * Temporary folders live under $TMPDIR (or /tmp) and are removed
 * recursively by tu_teardown_tmp, unless KEEP=1 is set (then their path is
 * printed on stderr).
 */
#ifndef KESRA_TESTUTIL_H
#define KESRA_TESTUTIL_H

#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>

#include <cmocka.h>

#include <errno.h>
#include <ftw.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <sqlite3.h>

#include "schema.h"
#include "schema_yaml.h"
#include "util.h"

/* Fails the test unless s contains sub; shows both on failure. */
#define assert_contains(s, sub) do {                                        \
	const char *tu_s_ = (s), *tu_sub_ = (sub);                          \
	if (tu_s_ == NULL || strstr(tu_s_, tu_sub_) == NULL)                \
		fail_msg("\"%s\" does not contain \"%s\"",                  \
		    tu_s_ != NULL ? tu_s_ : "(null)", tu_sub_);             \
} while (0)

#define assert_not_contains(s, sub) do {                                    \
	const char *tu_s_ = (s), *tu_sub_ = (sub);                          \
	if (tu_s_ == NULL || strstr(tu_s_, tu_sub_) != NULL)                \
		fail_msg("\"%s\" contains \"%s\"",                          \
		    tu_s_ != NULL ? tu_s_ : "(null)", tu_sub_);             \
} while (0)

/* A new empty folder "$TMPDIR/kesra-test-XXXXXX". */
static inline char *
tu_mkdtemp(void)
{
	const char *base = getenv("TMPDIR");
	char *path;
	if (base == NULL || base[0] == '\0')
		base = "/tmp";
	path = xasprintf("%s/kesra-test-XXXXXX", base);
	if (mkdtemp(path) == NULL)
		fail_msg("mkdtemp %s: %s", path, strerror(errno));
	return path;
}

static inline int
tu_rm_one(const char *path, const struct stat *sb, int flag, struct FTW *ftw)
{
	(void)sb;
	(void)ftw;
	if (flag == FTW_DP || flag == FTW_D || flag == FTW_DNR)
		chmod(path, 0700); /* a test may have made it unreadable */
	return remove(path) != 0 && errno != ENOENT ? -1 : 0;
}

/* Remove a folder and everything in it (KEEP=1 keeps it). */
static inline void
tu_rmtree(const char *path)
{
	const char *keep = getenv("KEEP");
	if (path == NULL)
		return;
	if (keep != NULL && strcmp(keep, "1") == 0) {
		fprintf(stderr, "kept %s\n", path);
		return;
	}
	nftw(path, tu_rm_one, 16, FTW_DEPTH | FTW_PHYS);
}

/* cmocka fixtures: *state is the path of a fresh temporary folder. */
static inline int
tu_setup_tmp(void **state)
{
	*state = tu_mkdtemp();
	return 0;
}

static inline int
tu_teardown_tmp(void **state)
{
	tu_rmtree(*state);
	free(*state);
	*state = NULL;
	return 0;
}

/* "dir/name" (caller frees). */
static inline char *
tu_path(const char *dir, const char *name)
{
	return xasprintf("%s/%s", dir, name);
}

/* Make folder dir/name; returns its path. */
static inline char *
tu_mkdir(const char *dir, const char *name)
{
	char *p = tu_path(dir, name);
	if (mkdir(p, 0700) != 0 && errno != EEXIST)
		fail_msg("mkdir %s: %s", p, strerror(errno));
	return p;
}

/* Write len bytes to path (replacing it). */
static inline void
tu_write_bytes(const char *path, const char *data, size_t len)
{
	FILE *f = fopen(path, "wb");
	if (f == NULL)
		fail_msg("cannot write %s: %s", path, strerror(errno));
	if (len > 0 && fwrite(data, 1, len, f) != len)
		fail_msg("short write to %s", path);
	if (fclose(f) != 0)
		fail_msg("cannot close %s: %s", path, strerror(errno));
}

/* Write text to dir/name; returns the path. */
static inline char *
tu_write_file(const char *dir, const char *name, const char *text)
{
	char *p = tu_path(dir, name);
	tu_write_bytes(p, text, strlen(text));
	return p;
}

/* The whole file (NUL-terminated), or NULL if it cannot be read. */
static inline char *
tu_read_file(const char *path, size_t *len)
{
	FILE *f = fopen(path, "rb");
	struct sbuf b = {0};
	char buf[8192];
	size_t n;
	if (f == NULL)
		return NULL;
	while ((n = fread(buf, 1, sizeof buf, f)) > 0)
		sbuf_addn(&b, buf, n);
	fclose(f);
	if (len != NULL)
		*len = b.len;
	return sbuf_steal(&b);
}

/* Fails unless the file holds exactly len bytes equal to data. */
static inline void
tu_assert_file_is(const char *path, const char *data, size_t len)
{
	size_t n = 0;
	char *now = tu_read_file(path, &n);
	assert_non_null(now);
	assert_int_equal(n, len);
	assert_memory_equal(now, data, len);
	free(now);
}

static inline int
tu_exists(const char *path)
{
	struct stat sb;
	return stat(path, &sb) == 0;
}

/* Print the diagnostics, for the log of a failing test. */
static inline void
tu_diags_dump(const struct diags *d)
{
	if (d->n > 0) {
		fprintf(stderr, "-- %zu diagnostic(s):\n", d->n);
		diags_print(d, stderr);
	}
}

/* Index of the first diagnostic whose message contains sub, or -1. */
static inline int
tu_diag_find(const struct diags *d, const char *sub)
{
	size_t i;
	for (i = 0; i < d->n; i++)
		if (strstr(d->v[i].msg, sub) != NULL)
			return (int)i;
	return -1;
}

/*
 * The diagnostic whose message contains sub; fails the test (listing all of
 * them) when there is none.
 */
static inline const struct diag *
tu_diag_get(const struct diags *d, const char *sub)
{
	int i = tu_diag_find(d, sub);
	if (i < 0) {
		tu_diags_dump(d);
		fail_msg("no diagnostic contains \"%s\"", sub);
	}
	return &d->v[i];
}

/* Fails unless a diagnostic containing sub sits at line:col. */
static inline void
tu_assert_diag_at(const struct diags *d, const char *sub, int line, int col)
{
	const struct diag *g = tu_diag_get(d, sub);
	if (g->line != line || g->col != col) {
		tu_diags_dump(d);
		fail_msg("\"%s\" is at %d:%d, expected %d:%d", g->msg, g->line,
		    g->col, line, col);
	}
}

/* Load a dictionary from a string; fails the test on any diagnostic. */
static inline struct schema *
tu_schema(const char *yaml)
{
	struct diags d = {0};
	struct schema *s = schema_yaml_load_string("test.yaml", yaml,
	    strlen(yaml), &d);
	if (s == NULL || d.n > 0) {
		tu_diags_dump(&d);
		fail_msg("the test dictionary did not load");
	}
	diags_free(&d);
	return s;
}

/* Load a dictionary expected to be wrong: NULL result, diags in d. */
static inline void
tu_schema_bad(const char *yaml, struct diags *d)
{
	struct schema *s = schema_yaml_load_string("bad.yaml", yaml,
	    strlen(yaml), d);
	if (s != NULL) {
		schema_free(s);
		fail_msg("a wrong dictionary loaded without error");
	}
	if (d->n == 0)
		fail_msg("a wrong dictionary gave no diagnostic");
}

/* Raw SQLite access for checking what the database really holds. */
static inline sqlite3 *
tu_sql_open(const char *path)
{
	sqlite3 *h = NULL;
	if (sqlite3_open_v2(path, &h, SQLITE_OPEN_READWRITE |
	    SQLITE_OPEN_CREATE, NULL) != SQLITE_OK)
		fail_msg("sqlite3_open %s: %s", path, h ? sqlite3_errmsg(h) :
		    "out of memory");
	return h;
}

static inline void
tu_sql_exec(sqlite3 *h, const char *sql)
{
	char *msg = NULL;
	if (sqlite3_exec(h, sql, NULL, NULL, &msg) != SQLITE_OK) {
		fprintf(stderr, "SQL: %s\nerror: %s\n", sql, msg);
		sqlite3_free(msg);
		fail_msg("SQL failed");
	}
}

/* First column of the first row as an integer; fails when there is none. */
static inline int64_t
tu_sql_int(sqlite3 *h, const char *sql)
{
	sqlite3_stmt *st = NULL;
	int64_t v;
	if (sqlite3_prepare_v2(h, sql, -1, &st, NULL) != SQLITE_OK)
		fail_msg("prepare %s: %s", sql, sqlite3_errmsg(h));
	if (sqlite3_step(st) != SQLITE_ROW) {
		sqlite3_finalize(st);
		fail_msg("no row from %s", sql);
	}
	v = sqlite3_column_int64(st, 0);
	sqlite3_finalize(st);
	return v;
}

/* First column of the first row as text (NULL for SQL NULL or no row). */
static inline char *
tu_sql_text(sqlite3 *h, const char *sql)
{
	sqlite3_stmt *st = NULL;
	char *v = NULL;
	if (sqlite3_prepare_v2(h, sql, -1, &st, NULL) != SQLITE_OK)
		fail_msg("prepare %s: %s", sql, sqlite3_errmsg(h));
	if (sqlite3_step(st) == SQLITE_ROW && sqlite3_column_text(st, 0))
		v = xstrdup((const char *)sqlite3_column_text(st, 0));
	sqlite3_finalize(st);
	return v;
}

/*
 * Every row of a query as "a|b|c" lines joined by '\n' (NULL shows as
 * "NULL"): one assert_string_equal checks a whole table.
 */
static inline char *
tu_sql_rows(sqlite3 *h, const char *sql)
{
	sqlite3_stmt *st = NULL;
	struct sbuf b = {0};
	int i, n;
	if (sqlite3_prepare_v2(h, sql, -1, &st, NULL) != SQLITE_OK)
		fail_msg("prepare %s: %s", sql, sqlite3_errmsg(h));
	n = sqlite3_column_count(st);
	while (sqlite3_step(st) == SQLITE_ROW) {
		if (b.len > 0)
			sbuf_addc(&b, '\n');
		for (i = 0; i < n; i++) {
			const unsigned char *t = sqlite3_column_text(st, i);
			if (i > 0)
				sbuf_addc(&b, '|');
			sbuf_add(&b, t != NULL ? (const char *)t : "NULL");
		}
	}
	sqlite3_finalize(st);
	return sbuf_steal(&b);
}

#endif
