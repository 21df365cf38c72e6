/*
 * search: query -> pages of hits over the FTS5 tables, the number indexes
 * and plain id scans that db_search.c keeps (see search.h for what is
 * searched and in which order).
 *
 * Invariants: typed text reaches SQL only as bound values; the MATCH text
 * is built by search_match_text, which quotes every word, so FTS5 syntax
 * typed by the operator (NEAR, AND, *, ^, quotes, column filters) is only
 * ever words. SQL text holds dictionary identifiers and the dictionary's
 * filter expressions (checked read-only by expr at load). Every
 * statement reads in the order of the index it walks and stops at
 * LIMIT: ORDER BY is the FTS rowid, the number field (its index) or the
 * id (the rowid), never anything that needs a sort of the match set.
 *
 * Cost of a search (the common one is one or two statements): no SQL
 * text is made when the connection has the statement of that shape
 * (struct shape: what build's text depends on), values are bound from
 * the parse without copies, no transaction or PRAGMA is run (the place
 * memo is checked after the statements by the data version), and a
 * word that names no place costs one binary search of the memo.
 */
#include "search.h"

#include <ctype.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <sqlite3.h>

#include "i18n.h"

enum stream_kind { SK_FTS, SK_NUM, SK_SCAN, SK_PLACE };

static int read_begin(struct db *db);
static void read_end(struct db *db, int began);

struct stream {
	const struct sch_record *r;
	enum stream_kind kind;
	size_t field; /* SK_NUM: the number field */
	unsigned mask; /* SK_PLACE: the place words taken as places */
	int word;     /* SK_PLACE: the one of them whose place drives */
	int place;    /* SK_PLACE: that place */
};

#define MAX_PWORDS 3 /* place words of a query (more: name words) */
#define MAX_STREAMS (16 + 2 * ((1 << MAX_PWORDS) - 1) * SEARCH_MAX_PLACES)
#define MAX_BINDS (16 + 4 * SEARCH_MAX_FILTERS + \
    MAX_PWORDS * (2 * SEARCH_MAX_PLACES + 1))

struct bindv {
	int is_int;
	int owned;     /* s is the built's to free */
	int64_t i;
	const char *s; /* borrowed: lives as long as the query's parse */
};

struct built {
	struct sbuf sql;
	int notext;    /* only the values (the statement is cached) */
	const struct sch_record *root; /* a roster's parent record */
	struct bindv b[MAX_BINDS];
	int nb;
	const struct sch_field *f[64];
	int parent[64];
	size_t ncols;
};

/* A place word: its own MATCH text and the places it names. */
struct pword {
	char *match;
	int nplaces;
	char place[SEARCH_MAX_PLACES][24];
};

/* What the query asks, parsed once. */
struct parsed {
	char *match;      /* FTS5 MATCH text of the FTS streams, or NULL:
	                     the name words (all words when every word is a
	                     place word) */
	struct pword pw[MAX_PWORDS];
	int npw;
	char regs[64][8]; /* the register's regencies ("9601") */
	int nregs, regs_done;
	const struct memo *memo; /* the connection's place words, or NULL */
	struct memo *mm;  /* the connection's memo, when the query used it */
	int pfilter;      /* the FTS streams take the place words as
	                     filters (some words are name words only) */
	char number[17];  /* digits of a number-only query, or "" */
	int bad_number;   /* digits only, but too long for a NIK/KK */
	const struct sch_filter *filt[SEARCH_MAX_FILTERS];
	const struct sch_record *frec[SEARCH_MAX_FILTERS];
	size_t nfilt;
	const char *region, *status;
};

static int
word_char(unsigned char c)
{
	return isalnum(c) || c >= 0x80;
}

/*
 * The next word of *pp with a letter or digit in it: its start and length
 * (0 at the end of the text); *pp moves past it.
 */
static size_t
next_word(const char **pp, const char **start)
{
	const char *p = *pp, *w;
	int useful;

	for (;;) {
		useful = 0;
		while (*p != '\0' && isspace((unsigned char)*p))
			p++;
		w = p;
		while (*p != '\0' && !isspace((unsigned char)*p))
			useful |= word_char((unsigned char)*p++);
		if (p == w) {
			*pp = p;
			return 0;
		}
		if (useful)
			break;
	}
	*pp = p;
	*start = w;
	return (size_t)(p - w);
}

/* One word as a quoted FTS5 prefix term, after a space when b has some. */
static void
add_term(struct sbuf *b, const char *w, size_t len)
{
	size_t i;
	if (b->len > 0)
		sbuf_addc(b, ' ');
	sbuf_addc(b, '"');
	for (i = 0; i < len; i++) {
		if (w[i] == '"')
			sbuf_addc(b, '"');
		sbuf_addc(b, w[i]);
	}
	sbuf_add(b, "\"*");
}

char *
search_match_text(const char *typed)
{
	struct sbuf b = {0};
	const char *p = typed != NULL ? typed : "", *w;
	size_t len;

	while ((len = next_word(&p, &w)) > 0)
		add_term(&b, w, len);
	if (b.len == 0) {
		sbuf_free(&b);
		return NULL;
	}
	return sbuf_steal(&b);
}

/* The deepest region field of r, or -1. */
static int
deepest_region(const struct sch_record *r)
{
	size_t i;
	int best = -1;
	for (i = 0; i < r->nfields; i++)
		if (r->fields[i].type == FT_REGION &&
		    schema_field_stored(&r->fields[i]) && (best < 0 ||
		    r->fields[i].level > r->fields[best].level))
			best = (int)i;
	return best;
}

/*
 * Where the place of a record r is: its own deepest region field (*al
 * "t"), else its parent's ("p"); the field's name in *col. 0, or -1 when
 * neither has a region field.
 */
static int
place_of(const struct schema *s, const struct sch_record *r,
    const char **al, const char **col)
{
	const struct sch_record *p = r->parent != NULL ?
	    schema_record(s, r->parent) : NULL;
	int ri;

	if ((ri = deepest_region(r)) >= 0) {
		*al = "t";
		*col = r->fields[ri].name;
		return 0;
	}
	if (p != NULL && (ri = deepest_region(p)) >= 0) {
		*al = "p";
		*col = p->fields[ri].name;
		return 0;
	}
	return -1;
}

static int
code_cmp(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* The top-level record whose deepest region field places records. */
static const struct sch_record *
place_record(const struct schema *s, int *ri)
{
	size_t i;
	for (i = 0; i < s->nrecords; i++)
		if (s->records[i].parent == NULL &&
		    (*ri = deepest_region(&s->records[i])) >= 0)
			return &s->records[i];
	return NULL;
}

/*
 * The regencies that hold live records ("96.01" -> "9601" into regs),
 * one probe of the place index each: at most max, 0 when none (or no
 * place index yet).
 */
static int
register_regencies(struct db *db, const struct schema *s, char regs[][8],
    int max)
{
	const struct sch_record *hr;
	sqlite3_stmt *st;
	char *sql, *err = NULL, after[16] = "";
	int ri = -1, n = 0;

	if ((hr = place_record(s, &ri)) == NULL)
		return 0;
	sql = xasprintf("SELECT \"%s\" FROM \"%s\" WHERE deleted_at IS NULL AND "
	    "\"%s\" > ? ORDER BY \"%s\" LIMIT 1", hr->fields[ri].name,
	    hr->name, hr->fields[ri].name, hr->fields[ri].name);
	st = db_cached(db, sql, &err);
	free(sql);
	if (st == NULL) {
		free(err);
		return 0;
	}
	while (n < max) {
		const char *v;
		sqlite3_bind_text(st, 1, after, -1, SQLITE_STATIC);
		if (sqlite3_step(st) != SQLITE_ROW ||
		    (v = (const char *)sqlite3_column_text(st, 0)) == NULL ||
		    strlen(v) < 5 || v[2] != '.') {
			sqlite3_reset(st);
			break;
		}
		snprintf(regs[n++], 8, "%.2s%.2s", v, v + 3);
		/* past every code of this regency ('/' follows '.') */
		snprintf(after, sizeof after, "%.5s/", v);
		sqlite3_reset(st);
	}
	return n;
}

/*
 * The memo of a connection: the register's regencies, the place words
 * of those regencies (sorted by key, as kesra_place_word holds them) and
 * which places hold live records (as the place index was probed, sorted
 * by code), loaded in one read transaction on the first search, with the
 * data version it was read at (SQLITE_FCNTL_DATA_VERSION: any commit,
 * this connection's or another's) and sqlite3_total_changes (this
 * connection's uncommitted changes). A search uses it without checking
 * first; search_run checks after the search's statements ran (they
 * started read transactions, so the version is the file's as they read
 * it) and, when it changed, drops the memo and searches again. A word
 * that names no place then costs no statement at all, nor the check.
 */
#define MEMO_MAX_WORDS 200000 /* more: the look-ups stay in SQL */
#define MEMO_MAX_LIVE 8192    /* places whose probe is remembered */
#define SHAPE_CACHE 32        /* stream statements kept (the least
                                 recently used one goes) */

/*
 * What the text of a stream's statement depends on (build): equal shapes,
 * the same SQL with other values. No padding (compared with memcmp).
 */
struct shape {
	const struct sch_record *r;
	const struct sch_filter *filt[SEARCH_MAX_FILTERS];
	size_t field, nfilt;
	unsigned mask;
	int kind, word, pfilter, npw, nplaces[MAX_PWORDS];
	int status, region, after_key, whole;
};

/*
 * A place word of the memo: the folded word (without its regency: the
 * memo only holds the register's regencies) and its place; pre is the
 * word's first bytes, so that most comparisons read no further.
 */
struct pwent {
	char pre[8];
	const char *w, *c;
};

struct live {
	char code[24];
	int live;        /* a live record is in this place */
};

struct memo {
	unsigned dv;
	int tc, ok;
	int nodv;        /* no data version to be had: searches in one
	                    read transaction, the memo loaded in it */
	char regs[64][8];
	int nregs;
	int words;       /* the place words are in ent[] */
	struct pwent *ent; /* nw, sorted by word (then code) */
	size_t nw;
	char *blob;      /* their words and codes */
	size_t blen;
	struct live *live; /* nlive, sorted by code */
	size_t nlive;
	/* the statements of the streams, by shape (kept across reloads) */
	struct shaped {
		struct shape k;
		sqlite3_stmt *st;
		unsigned long used;
	} sc[SHAPE_CACHE];
	int nsc;
	unsigned long tick;
};

static void
memo_clear(struct memo *mm)
{
	free(mm->ent);
	free(mm->blob);
	free(mm->live);
	mm->ent = NULL;
	mm->blob = NULL;
	mm->blen = 0;
	mm->live = NULL;
	mm->nlive = 0;
	mm->nw = 0;
	mm->words = 0;
	mm->ok = 0;
}

static void
memo_free(void *p)
{
	struct memo *mm = p;
	int i;
	if (mm == NULL)
		return;
	memo_clear(mm);
	for (i = 0; i < mm->nsc; i++)
		sqlite3_finalize(mm->sc[i].st);
	free(mm);
}

/* The connection's memo, made (empty, not loaded) when it has none. */
static struct memo *
memo_obj(struct db *db)
{
	struct memo *mm = db_search_memo(db);
	if (mm == NULL) {
		mm = xcalloc(1, sizeof *mm);
		db_set_search_memo(db, mm, memo_free);
	}
	return mm;
}

/* Order of the memo's place words: by word, then place. */
static int
pwent_cmp(const void *a, const void *b)
{
	const struct pwent *x = a, *y = b;
	int r = strcmp(x->w, y->w);
	return r != 0 ? r : strcmp(x->c, y->c);
}

/* The place words of the regencies into mm (mm->words 0 when too many). */
static void
memo_load_words(struct db *db, struct memo *mm)
{
	struct sbuf m = {0}, hi = {0}, blob = {0};
	struct sbuf offs = {0}; /* pairs of size_t: word, code in blob */
	sqlite3_stmt *st;
	char *err = NULL;
	size_t i, *o;
	int g, rc = SQLITE_DONE;

	mm->words = 1;
	if ((st = db_cached(db, "SELECT word, code FROM kesra_place_word "
	    "WHERE word >= ? AND word < ?", &err)) == NULL) {
		free(err); /* no table: no place words, as resolve_places */
		return;
	}
	for (g = 0; g < mm->nregs && rc == SQLITE_DONE; g++) {
		db_place_key(&m, mm->regs[g], "", 0);
		db_place_key(&hi, mm->regs[g], "", 0);
		sbuf_addc(&hi, '\xff');
		sqlite3_bind_text(st, 1, m.s, -1, SQLITE_STATIC);
		sqlite3_bind_text(st, 2, hi.s, -1, SQLITE_STATIC);
		while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
			const char *k = (const char *)sqlite3_column_text(st,
			    0);
			const char *c = (const char *)sqlite3_column_text(st,
			    1);
			size_t pair[2];
			if (mm->nw == MEMO_MAX_WORDS) {
				rc = SQLITE_FULL;
				break;
			}
			if (k == NULL || c == NULL || strncmp(k, m.s,
			    m.len) != 0)
				continue;
			/* "9601xaimas": the word after its regency */
			pair[0] = blob.len;
			sbuf_addn(&blob, k + m.len, strlen(k + m.len) + 1);
			pair[1] = blob.len;
			sbuf_addn(&blob, c, strlen(c) + 1);
			sbuf_addn(&offs, (const char *)pair, sizeof pair);
			mm->nw++;
		}
		sqlite3_reset(st);
	}
	sbuf_free(&m);
	sbuf_free(&hi);
	if (rc != SQLITE_DONE) {
		sbuf_free(&blob);
		sbuf_free(&offs);
		memo_clear(mm);  /* too many (or a failed read): use SQL */
		mm->words = 0;
		return;
	}
	/* the blob no longer moves: the entries point into it */
	mm->blob = blob.s;
	mm->blen = blob.len;
	mm->ent = xreallocarray(NULL, mm->nw ? mm->nw : 1, sizeof *mm->ent);
	o = (size_t *)(void *)offs.s;
	for (i = 0; i < mm->nw; i++) {
		mm->ent[i].w = mm->blob + o[2 * i];
		mm->ent[i].c = mm->blob + o[2 * i + 1];
		size_t wl = strlen(mm->ent[i].w);
		memset(mm->ent[i].pre, 0, sizeof mm->ent[i].pre);
		memcpy(mm->ent[i].pre, mm->ent[i].w, wl < sizeof
		    mm->ent[i].pre ? wl : sizeof mm->ent[i].pre);
	}
	sbuf_free(&offs);
	qsort(mm->ent, mm->nw, sizeof *mm->ent, pwent_cmp);
}

/* The data version of the main database file (see struct memo). */
static int
data_version(struct db *db, unsigned *v)
{
	return sqlite3_file_control(db_sqlite(db), "main",
	    SQLITE_FCNTL_DATA_VERSION, v) == SQLITE_OK ? 0 : -1;
}

/*
 * This connection's memo (NULL: none to be had), loaded when there is
 * none; whether it is current with the file is checked after the search
 * (memo_current).
 */
static struct memo *
memo_get(struct db *db, const struct schema *s)
{
	struct memo *mm = memo_obj(db);
	int began;

	if (mm->ok)
		return mm;
	memo_clear(mm);
	/* one snapshot: the memo and the version it was read at */
	began = read_begin(db);
	mm->nregs = register_regencies(db, s, mm->regs,
	    (int)(sizeof mm->regs / sizeof mm->regs[0]));
	memo_load_words(db, mm);
	/* without a version, loaded again by the next search */
	mm->ok = data_version(db, &mm->dv) == 0;
	mm->nodv = !mm->ok;
	mm->tc = sqlite3_total_changes(db_sqlite(db));
	read_end(db, began);
	return mm;
}

/* The memo is current with the file as this connection last read it. */
static int
memo_current(struct db *db)
{
	struct memo *mm = db_search_memo(db);
	unsigned dv;
	return mm != NULL && mm->ok && data_version(db, &dv) == 0 &&
	    dv == mm->dv && sqlite3_total_changes(db_sqlite(db)) == mm->tc;
}

static void
memo_invalidate(struct db *db)
{
	struct memo *mm = db_search_memo(db);
	if (mm != NULL)
		memo_clear(mm);
}

/* Where code is (or would go) in mm->live. */
static size_t
live_lower(const struct memo *mm, const char *code)
{
	size_t lo = 0, hi = mm->nlive;
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		if (strcmp(mm->live[mid].code, code) < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo;
}

/* Remember whether place code holds live records (mm may be NULL). */
static void
live_put(struct memo *mm, const char *code, int live)
{
	size_t i;
	if (mm == NULL || !mm->ok || mm->nlive == MEMO_MAX_LIVE ||
	    strlen(code) >= sizeof mm->live[0].code)
		return;
	if (mm->live == NULL)
		mm->live = xreallocarray(NULL, MEMO_MAX_LIVE,
		    sizeof *mm->live);
	i = live_lower(mm, code);
	if (i < mm->nlive && strcmp(mm->live[i].code, code) == 0)
		return;
	memmove(&mm->live[i + 1], &mm->live[i], (mm->nlive - i) *
	    sizeof *mm->live);
	snprintf(mm->live[i].code, sizeof mm->live[i].code, "%s", code);
	mm->live[i].live = live;
	mm->nlive++;
}

/* 1/0: what mm remembers of code; -1: not known. */
static int
live_get(const struct memo *mm, const char *code)
{
	size_t i;
	if (mm == NULL || !mm->ok || mm->nlive == 0)
		return -1;
	i = live_lower(mm, code);
	if (i < mm->nlive && strcmp(mm->live[i].code, code) == 0)
		return mm->live[i].live;
	return -1;
}

/* Entry e's word against f: <0, 0, >0. */
static int
pwent_vs(const struct pwent *e, const char *f)
{
	int r = strncmp(e->pre, f, sizeof e->pre);
	if (r != 0 || memchr(e->pre, '\0', sizeof e->pre) != NULL)
		return r;
	return strcmp(e->w, f);
}

/* Index of the first place word of mm that is >= f. */
static size_t
memo_lower(const struct memo *mm, const char *f)
{
	size_t lo = 0, hi = mm->nw;
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		if (pwent_vs(&mm->ent[mid], f) < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo;
}

/*
 * The places a word names: the current districts and villages of the
 * register's regencies whose name has a word starting with it
 * (kesra_place_word), less those inside another one found (and the same
 * place twice), that hold a
 * live record (a probe of the place index each). None when more than
 * SEARCH_MAX_PLACES remain (a vague word) or when the dictionary has no
 * regions (or the file has no place index yet: an old file read-only).
 */
static void
resolve_places(struct db *db, const struct schema *s, struct parsed *pq,
    const char *word, size_t wlen, struct pword *pw)
{
	const struct sch_record *hr;
	struct sbuf m = {0}, hi = {0};
	sqlite3_stmt *st = NULL;
	char *err = NULL, *sql, *codes[201];
	size_t i, n = 0, k;
	int ri = -1, g;

	pw->nplaces = 0;
	/* the word's first token, as the place words were split */
	while (wlen > 0 && !word_char((unsigned char)*word)) {
		word++;
		wlen--;
	}
	for (i = 0; i < wlen && word_char((unsigned char)word[i]); i++)
		;
	wlen = i;
	if (wlen == 0 || (hr = place_record(s, &ri)) == NULL)
		return;
	if (!pq->regs_done) {
		if ((pq->memo = pq->mm = memo_get(db, s)) != NULL) {
			pq->nregs = pq->memo->nregs;
			memcpy(pq->regs, pq->memo->regs, sizeof pq->regs);
			if (!pq->memo->words)
				pq->memo = NULL;
		} else
			pq->nregs = register_regencies(db, s, pq->regs,
			    (int)(sizeof pq->regs / sizeof pq->regs[0]));
		pq->regs_done = 1;
	}
	if (pq->memo != NULL) {
		/* the same rows as the ranges below, from the memo */
		const struct memo *mm = pq->memo;
		const char *f;
		size_t j, fl;
		/* the words that start with it, in every regency at once */
		db_place_key(&m, "", word, wlen);
		f = m.s + 1; /* after the "x" of no regency */
		fl = m.len - 1;
		for (j = memo_lower(mm, f); j < mm->nw && n < 201 &&
		    strncmp(mm->ent[j].w, f, fl) == 0; j++)
			codes[n++] = xstrdup(mm->ent[j].c);
	} else if ((st = db_cached(db, "SELECT code FROM kesra_place_word "
	    "WHERE word >= ? AND word < ? LIMIT 201", &err)) == NULL) {
		free(err);
		return;
	}
	for (g = 0; pq->memo == NULL && g < pq->nregs && n <= 200; g++) {
		db_place_key(&m, pq->regs[g], word, wlen);
		db_place_key(&hi, pq->regs[g], word, wlen);
		sbuf_addc(&hi, '\xff'); /* above every UTF-8 byte */
		sqlite3_bind_text(st, 1, m.s, -1, SQLITE_STATIC);
		sqlite3_bind_text(st, 2, hi.s, -1, SQLITE_STATIC);
		while (n < 201 && sqlite3_step(st) == SQLITE_ROW)
			codes[n++] = xstrdup((const char *)
			    sqlite3_column_text(st, 0));
		sqlite3_reset(st);
	}
	sbuf_free(&m);
	sbuf_free(&hi);
	if (n == 0 || n > 200)
		goto out;
	qsort(codes, n, sizeof *codes, code_cmp);
	st = NULL;
	for (i = 0, k = 0; i < n; i++) {
		int live;
		size_t cl = strlen(codes[i]);
		char top[32];
		/* the same place again (two words of its name) */
		if (i > 0 && strcmp(codes[i], codes[i - 1]) == 0)
			continue;
		/* inside the place kept before (a village of a district) */
		if (k > 0 && strncmp(codes[i], pw->place[k - 1],
		    strlen(pw->place[k - 1])) == 0 &&
		    codes[i][strlen(pw->place[k - 1])] == '.')
			continue;
		if (cl + 2 > sizeof top || cl + 1 > sizeof pw->place[0])
			continue;
		if ((live = live_get(pq->mm, codes[i])) < 0) {
			/* a probe of the place index, remembered */
			if (st == NULL) {
				sql = xasprintf("SELECT 1 FROM \"%s\" WHERE "
				    "deleted_at IS NULL AND \"%s\" >= ? AND "
				    "\"%s\" < ? LIMIT 1", hr->name,
				    hr->fields[ri].name, hr->fields[ri].name);
				st = db_cached(db, sql, &err);
				free(sql);
				if (st == NULL) {
					free(err);
					goto out;
				}
			}
			snprintf(top, sizeof top, "%s/", codes[i]);
			sqlite3_bind_text(st, 1, codes[i], -1, SQLITE_STATIC);
			sqlite3_bind_text(st, 2, top, -1, SQLITE_STATIC);
			live = sqlite3_step(st) == SQLITE_ROW;
			sqlite3_reset(st);
			live_put(pq->mm, codes[i], live);
		}
		if (live) {
			if (k == SEARCH_MAX_PLACES) {
				k = 0; /* too vague a word for a place */
				break;
			}
			memcpy(pw->place[k++], codes[i], cl + 1);
		}
	}
	pw->nplaces = (int)k;
out:
	for (i = 0; i < n; i++)
		free(codes[i]);
}

const struct sch_filter *
search_filter(const struct schema *s, const char *name,
    const struct sch_record **rec)
{
	size_t i, k;
	for (i = 0; i < s->nrecords; i++)
		for (k = 0; k < s->records[i].nfilters; k++)
			if (strcmp(s->records[i].filters[k].name, name) == 0) {
				if (rec != NULL)
					*rec = &s->records[i];
				return &s->records[i].filters[k];
			}
	return NULL;
}

size_t
search_columns(const struct schema *s, const struct sch_record *r,
    const struct sch_field **f, int *parent, size_t max)
{
	const struct sch_record *p = r->parent != NULL ?
	    schema_record(s, r->parent) : NULL;
	size_t i, n = 0;

	if (r->nsearch_cols > 0 && r->search_cols != NULL) {
		for (i = 0; i < r->nsearch_cols && n < max; i++) {
			const struct sch_colref *c = &r->search_cols[i];
			if (c->parent && p == NULL)
				continue;
			f[n] = c->parent ? &p->fields[c->field] :
			    &r->fields[c->field];
			parent[n++] = c->parent;
		}
		return n;
	}
	for (i = 0; i < r->nfields && n < max; i++) {
		const struct sch_field *fl = &r->fields[i];
		if (schema_field_stored(fl) && (fl->search ||
		    fl->type == FT_NIK || fl->type == FT_KK)) {
			f[n] = fl;
			parent[n++] = 0;
		}
	}
	return n;
}

static void
parsed_free(struct parsed *pq)
{
	int i;
	free(pq->match);
	for (i = 0; i < pq->npw; i++)
		free(pq->pw[i].match);
	pq->match = NULL;
	pq->npw = 0;
}

/*
 * The words of t: the place words into pq->pw (the first MAX_PWORDS that
 * name places) and the MATCH text of the FTS streams.
 */
static void
parse_words(struct db *db, const struct schema *s, const char *t,
    struct parsed *pq)
{
	struct sbuf names = {0}, all = {0};
	const char *p = t, *w;
	size_t len;

	while ((len = next_word(&p, &w)) > 0) {
		struct pword *pw = &pq->pw[pq->npw];
		add_term(&all, w, len);
		if (pq->npw < MAX_PWORDS) {
			struct sbuf one = {0};
			add_term(&one, w, len);
			pw->match = sbuf_steal(&one);
			resolve_places(db, s, pq, w, len, pw);
			if (pw->nplaces > 0) {
				pq->npw++;
				continue;
			}
			free(pw->match);
			pw->match = NULL;
		}
		add_term(&names, w, len);
	}
	if (all.len == 0) {
		sbuf_free(&names);
		sbuf_free(&all);
		return;
	}
	if (names.len > 0) {
		pq->match = sbuf_steal(&names);
		pq->pfilter = pq->npw > 0;
		sbuf_free(&all);
	} else {
		pq->match = sbuf_steal(&all);
		sbuf_free(&names);
	}
}

static int
parse_query(struct db *db, const struct search_query *q, struct parsed *pq,
    char **err)
{
	const struct schema *s = db_schema(db);
	const char *t = q->text != NULL ? q->text : "";
	size_t i, nd = 0;
	int digits_only = 1, any = 0;

	memset(pq, 0, sizeof *pq);
	for (i = 0; t[i] != '\0'; i++) {
		unsigned char c = (unsigned char)t[i];
		if (isspace(c))
			continue;
		any = 1;
		if (!isdigit(c)) {
			digits_only = 0;
			break;
		}
		if (nd < 16)
			pq->number[nd] = (char)c;
		nd++;
	}
	if (any && digits_only) {
		if (nd > 16) {
			pq->bad_number = 1;
			pq->number[0] = '\0';
		}
	} else {
		pq->number[0] = '\0';
		parse_words(db, s, t, pq);
	}
	for (i = 0; i < q->nfilters && i < SEARCH_MAX_FILTERS; i++) {
		pq->filt[i] = search_filter(s, q->filters[i], &pq->frec[i]);
		if (pq->filt[i] == NULL) {
			char *sn = util_sanitize(q->filters[i], 0);
			util_err(err, _("no search filter '%s' in the "
			    "dictionary"), sn);
			free(sn);
			parsed_free(pq);
			return -1;
		}
	}
	pq->nfilt = i;
	pq->region = q->region != NULL && q->region[0] != '\0' ? q->region :
	    NULL;
	pq->status = q->status != NULL && q->status[0] != '\0' ? q->status :
	    NULL;
	return 0;
}

/* The streams of a query: rosters first, then their parents. */
static size_t
make_streams(const struct schema *s, const struct parsed *pq,
    struct stream *out)
{
	size_t n = 0, i, j;
	int pass;

	if (pq->bad_number)
		return 0;
	for (pass = 0; pass < 2; pass++)
		for (i = 0; i < s->nrecords && n < MAX_STREAMS; i++) {
			const struct sch_record *r = &s->records[i];
			if ((r->parent != NULL) != (pass == 0))
				continue;
			if (pq->match != NULL) {
				for (j = 0; j < r->nfields; j++)
					if (r->fields[j].search)
						break;
				if (j < r->nfields)
					out[n++] = (struct stream){r, SK_FTS, 0};
			} else if (pq->number[0] != '\0') {
				for (j = 0; j < r->nfields && n < MAX_STREAMS;
				    j++)
					if (schema_field_stored(&r->fields[j]) &&
					    (r->fields[j].type == FT_NIK ||
					    r->fields[j].type == FT_KK))
						out[n++] = (struct stream){r,
						    SK_NUM, j};
			} else if (pq->nfilt > 0 || pq->region != NULL ||
			    pq->status != NULL)
				out[n++] = (struct stream){r, SK_SCAN, 0};
		}
	/*
	 * Every word a place word: after the hits whose names match them
	 * all, those that match fewer by name and the others by place, by
	 * the set S of words taken as places (fewer first): a hit's S is
	 * the words its name does not match, so each hit comes once.
	 */
	if (pq->match != NULL && pq->npw > 0 && !pq->pfilter) {
		unsigned mask, full = (1u << pq->npw) - 1;
		int size, w, k;
		const char *al, *col;
		for (size = 1; size <= pq->npw; size++)
			for (mask = 1; mask <= full; mask++) {
				if (__builtin_popcount(mask) != size)
					continue;
				for (w = 0; !(mask & (1u << w)); w++)
					;
				for (pass = 0; pass < 2; pass++)
					for (i = 0; i < s->nrecords; i++) {
						const struct sch_record *r =
						    &s->records[i];
						if ((r->parent != NULL) !=
						    (pass == 0) || place_of(s,
						    r, &al, &col) < 0)
							continue;
						for (k = 0; k <
						    pq->pw[w].nplaces && n <
						    MAX_STREAMS; k++)
							out[n++] = (struct
							    stream){r, SK_PLACE,
							    0, mask, w, k};
					}
			}
	}
	return n;
}

/* The text of the statement, unless only the values are wanted. */
#define T_ADD(b, str) do { \
	if (!(b)->notext) \
		sbuf_add(&(b)->sql, (str)); \
} while (0)
#define T_ADDF(b, ...) do { \
	if (!(b)->notext) \
		sbuf_addf(&(b)->sql, __VA_ARGS__); \
} while (0)

/* A text value that outlives b (the query, its parse, the position). */
static void
bind_s(struct built *b, const char *s)
{
	if (b->nb < MAX_BINDS) {
		b->b[b->nb].is_int = 0;
		b->b[b->nb].owned = 0;
		b->b[b->nb++].s = s;
	}
}

/* A text value made for b (s allocated: b frees it). */
static void
bind_own(struct built *b, char *s)
{
	if (b->nb < MAX_BINDS) {
		b->b[b->nb].is_int = 0;
		b->b[b->nb].owned = 1;
		b->b[b->nb++].s = s;
	} else
		free(s);
}

static void
bind_i(struct built *b, int64_t v)
{
	if (b->nb < MAX_BINDS) {
		b->b[b->nb].is_int = 1;
		b->b[b->nb].owned = 0;
		b->b[b->nb].s = NULL;
		b->b[b->nb++].i = v;
	}
}

static void
built_free(struct built *b)
{
	int i;
	for (i = 0; i < b->nb; i++)
		if (b->b[i].owned)
			free((char *)(uintptr_t)b->b[i].s);
	b->nb = 0;
	sbuf_free(&b->sql);
}

/* r has an FTS table (a `search: true` field). */
static int
has_fts(const struct sch_record *r)
{
	size_t j;
	for (j = 0; j < r->nfields; j++)
		if (r->fields[j].search)
			return 1;
	return 0;
}

/* Place word w's places as a condition on al.col (true: one of them). */
static void
add_in_place(struct built *b, const struct pword *pw, const char *al,
    const char *col)
{
	int k;
	T_ADD(b, "(");
	for (k = 0; k < pw->nplaces; k++) {
		T_ADDF(b, "%s(%s.\"%s\" >= ? AND %s.\"%s\" < ?)",
		    k > 0 ? " OR " : "", al, col, al, col);
		bind_s(b, pw->place[k]);
		bind_own(b, xasprintf("%s/", pw->place[k]));
	}
	T_ADD(b, ")");
}

/* "t's name matches place word pw" (false without an FTS table). */
static void
add_name_match(struct built *b, const struct sch_record *r,
    const struct pword *pw)
{
	if (!has_fts(r)) {
		T_ADD(b, "0");
		return;
	}
	/*
	 * Not a correlated probe (an FTS5 prefix query with rowid = ... is
	 * evaluated whole each time): the word's matches are gathered once
	 * per statement, each row a look-up in them ("+": never the
	 * driving index, which would walk the gathered ids and sort).
	 */
	T_ADDF(b, "+t.id IN (SELECT y.rowid FROM \"%s_fts\" AS y "
	    "WHERE y.\"%s_fts\" MATCH ?)", r->name, r->name);
	bind_s(b, pw->match);
}

/*
 * The conditions of the place words on a stream of r: on an FTS stream of
 * the name words (st NULL), each place word matches the name or the
 * place; on a place stream (every word a place word), the words of its
 * set S are in their place and do not match the name (the driving word's
 * place is the stream's range already), the others match the name.
 */
static void
add_place_words(struct built *b, const struct schema *s,
    const struct parsed *pq, const struct sch_record *r,
    const struct stream *st)
{
	const char *al = NULL, *col = NULL;
	int w, placed = place_of(s, r, &al, &col) == 0;

	for (w = 0; w < pq->npw; w++) {
		const struct pword *pw = &pq->pw[w];
		if (st != NULL && (st->mask & (1u << w))) {
			if (w != st->word) {
				T_ADD(b, " AND ");
				add_in_place(b, pw, al, col);
			}
			T_ADD(b, " AND NOT ");
			add_name_match(b, r, pw);
			continue;
		}
		T_ADD(b, " AND ");
		if (st != NULL) {
			add_name_match(b, r, pw);
			continue;
		}
		T_ADD(b, "(");
		if (placed) {
			add_in_place(b, pw, al, col);
			T_ADD(b, " OR ");
		}
		add_name_match(b, r, pw);
		T_ADD(b, ")");
	}
}

/*
 * The statement of stream st after position (id, key), limit rows.
 * Returns 0, or 1 when the stream cannot give anything for this query.
 */
static int
build(const struct schema *s, const struct parsed *pq, const struct stream *st,
    const struct search_pos *after, int limit, int text, struct built *b)
{
	const struct sch_record *r = st->r;
	const struct sch_record *p = r->parent != NULL ?
	    schema_record(s, r->parent) : NULL;
	const char *rn = r->name, *pal = NULL, *pcol = NULL;
	int64_t after_id = after->id;
	const char *after_key = after->key;
	size_t i;
	int ri;

	/* not a memset of the whole (kilobytes): what is read is set */
	memset(&b->sql, 0, sizeof b->sql);
	b->nb = 0;
	b->notext = !text;
	b->root = p;
	b->ncols = search_columns(s, r, b->f, b->parent, 64);
	T_ADD(b, "SELECT t.id, t.parent_id, t.status");
	for (i = 0; i < b->ncols; i++)
		T_ADDF(b, ", %s.\"%s\"", b->parent[i] ? "p" : "t",
		    b->f[i]->name);
	if (st->kind == SK_PLACE) {
		if (place_of(s, r, &pal, &pcol) < 0)
			goto none;
		/* the place: the key of the next page */
		T_ADDF(b, ", %s.\"%s\"", pal, pcol);
	}
	switch (st->kind) {
	case SK_FTS:
		/* CROSS JOIN: the FTS table drives, in rowid order. */
		T_ADDF(b, " FROM \"%s_fts\" AS x CROSS JOIN \"%s\" AS "
		    "t ON t.id = x.rowid", rn, rn);
		break;
	case SK_PLACE:
		if (*pal == 'p') {
			/* the parents in the place drive, their rosters
			 * by the parent index */
			T_ADDF(b, " FROM \"%s\" AS p CROSS JOIN "
			    "\"%s\" AS t ON t.parent_id = p.id", p->name, rn);
			p = NULL; /* joined */
		} else
			T_ADDF(b, " FROM \"%s\" AS t", rn);
		break;
	default:
		T_ADDF(b, " FROM \"%s\" AS t", rn);
		break;
	}
	if (p != NULL)
		T_ADDF(b, " LEFT JOIN \"%s\" AS p ON p.id = "
		    "t.parent_id", p->name);
	p = r->parent != NULL ? schema_record(s, r->parent) : NULL;
	T_ADD(b, " WHERE t.deleted_at IS NULL");
	switch (st->kind) {
	case SK_FTS:
		T_ADDF(b, " AND x.\"%s_fts\" MATCH ? AND x.rowid > ?",
		    rn);
		bind_s(b, pq->match);
		bind_i(b, after_id);
		if (pq->pfilter)
			add_place_words(b, s, pq, r, NULL);
		break;
	case SK_PLACE: {
		const char *code = pq->pw[st->word].place[st->place];
		if (*pal == 'p')
			T_ADD(b, " AND p.deleted_at IS NULL");
		/* one range of the place index */
		T_ADDF(b, " AND %s.\"%s\" >= ? AND %s.\"%s\" < ?",
		    pal, pcol, pal, pcol);
		bind_s(b, code);
		bind_own(b, xasprintf("%s/", code));
		if (after_key[0] != '\0') {
			/* after (place, id) or (place, parent id, id) */
			T_ADDF(b, " AND %s.\"%s\" >= ?", pal, pcol);
			bind_s(b, after_key);
			if (*pal == 'p') {
				T_ADDF(b, " AND (p.\"%s\" > ? OR "
				    "p.id >= ?) AND (p.\"%s\" > ? OR p.id > ? "
				    "OR t.id > ?)", pcol, pcol);
				bind_s(b, after_key);
				bind_i(b, after->id2);
				bind_s(b, after_key);
				bind_i(b, after->id2);
				bind_i(b, after_id);
			} else {
				T_ADDF(b, " AND (t.\"%s\" > ? OR "
				    "t.id > ?)", pcol);
				bind_s(b, after_key);
				bind_i(b, after_id);
			}
		}
		add_place_words(b, s, pq, r, st);
		break;
	}
	case SK_NUM: {
		const char *fn = r->fields[st->field].name;
		char hi[18];
		size_t n = strlen(pq->number);
		memcpy(hi, pq->number, n + 1);
		hi[n - 1]++; /* '9' + 1 is ':', above every digit */
		if (n == 16) { /* a whole number: one probe of the index */
			T_ADDF(b, " AND t.\"%s\" = ?", fn);
			bind_s(b, pq->number);
		} else {
			T_ADDF(b, " AND t.\"%s\" >= ? AND t.\"%s\" < ?",
			    fn, fn);
			bind_s(b, pq->number);
			bind_own(b, xstrdup(hi));
		}
		if (after_key[0] != '\0') {
			T_ADDF(b, " AND t.\"%s\" > ?", fn);
			bind_s(b, after_key);
		}
		break;
	}
	case SK_SCAN:
		T_ADD(b, " AND t.id > ?");
		bind_i(b, after_id);
		break;
	}
	if (pq->status != NULL) {
		T_ADD(b, " AND t.status = ?");
		bind_s(b, pq->status);
	}
	if (pq->region != NULL) {
		const char *al = "t";
		const struct sch_record *in = r;
		if ((ri = deepest_region(r)) < 0 && p != NULL) {
			al = "p";
			in = p;
			ri = deepest_region(p);
		}
		if (ri < 0)
			goto none;
		{
			const char *cn = in->fields[ri].name;
			T_ADDF(b, " AND (%s.\"%s\" = ? OR (%s.\"%s\" >= "
			    "? AND %s.\"%s\" < ?))", al, cn, al, cn, al, cn);
			bind_s(b, pq->region);
			bind_own(b, xasprintf("%s.", pq->region));
			bind_own(b, xasprintf("%s/", pq->region));
		}
	}
	for (i = 0; i < pq->nfilt; i++) {
		const struct sch_record *fr = pq->frec[i];
		const char *w = pq->filt[i]->where.text;
		if (fr == r)
			T_ADDF(b, " AND EXISTS (SELECT 1 FROM \"%s\" AS f "
			    "WHERE f.id = t.id AND (%s))", fr->name, w);
		else if (fr == p)
			T_ADDF(b, " AND EXISTS (SELECT 1 FROM \"%s\" AS f "
			    "WHERE f.id = t.parent_id AND (%s))", fr->name, w);
		else if (fr->parent != NULL && strcmp(fr->parent, rn) == 0)
			T_ADDF(b, " AND EXISTS (SELECT 1 FROM \"%s\" AS f "
			    "WHERE f.parent_id = t.id AND f.deleted_at IS NULL "
			    "AND (%s))", fr->name, w);
		else
			goto none;
	}
	switch (st->kind) {
	case SK_FTS:
		T_ADD(b, " ORDER BY x.rowid");
		break;
	case SK_PLACE:
		if (*pal == 'p')
			T_ADDF(b, " ORDER BY p.\"%s\", p.id, t.id",
			    pcol);
		else
			T_ADDF(b, " ORDER BY t.\"%s\", t.id", pcol);
		break;
	case SK_NUM:
		T_ADDF(b, " ORDER BY t.\"%s\"",
		    r->fields[st->field].name);
		break;
	case SK_SCAN:
		T_ADD(b, " ORDER BY t.id");
		break;
	}
	T_ADD(b, " LIMIT ?");
	bind_i(b, limit);
	return 0;
none:
	built_free(b);
	return 1;
}

/*
 * The statement of b with its values bound: from the connection's cache
 * (cached = 1; reset it after use), or prepared afresh (finalize it).
 */
static int
prepare_built(struct db *db, struct built *b, int cached, sqlite3_stmt **out,
    char **err)
{
	sqlite3 *h = db_sqlite(db);
	int i;

	if (cached) {
		if ((*out = db_cached(db, b->sql.s, err)) == NULL)
			return -1;
	} else if (sqlite3_prepare_v2(h, b->sql.s, -1, out, NULL) != SQLITE_OK)
		return util_err(err, "%s: search: %s", db_path(db),
		    sqlite3_errmsg(h));
	for (i = 0; i < b->nb; i++) {
		if (b->b[i].is_int)
			sqlite3_bind_int64(*out, i + 1, b->b[i].i);
		else
			/* b outlives the statement's use (reset
			 * before built_free) */
			sqlite3_bind_text(*out, i + 1, b->b[i].s, -1,
			    SQLITE_STATIC);
	}
	return 0;
}

/*
 * Row st (its columns from c0: id, parent_id, status, the stream's
 * columns, a place stream's place) as hit hh of stream number k. The
 * hit's columns and values are one allocation (hh->fields owns it).
 */
static void
fill_hit(sqlite3_stmt *st, int c0,
    const struct stream *sm, int k, const struct built *b,
    struct search_hit *hh)
{
	char fbuf[64][32];
	const char *txt[64];
	size_t len[64], i, strbytes = 0, head;
	char *block, *sp;
	const char *t;

	memset(hh, 0, sizeof *hh);
	hh->def = sm->r;
	hh->id = sqlite3_column_int64(st, c0);
	if (sm->r->parent != NULL) {
		hh->root = b->root;
		hh->root_id = sqlite3_column_int64(st, c0 + 1);
	} else {
		hh->root = sm->r;
		hh->root_id = hh->id;
	}
	t = (const char *)sqlite3_column_text(st, c0 + 2);
	if (t != NULL) {
		size_t sl = strnlen(t, sizeof hh->status - 1);
		memcpy(hh->status, t, sl); /* hh is zeroed: ends with '\0' */
	}
	for (i = 0; i < b->ncols; i++) {
		int c = c0 + 3 + (int)i;
		switch (sqlite3_column_type(st, c)) {
		case SQLITE_NULL:
			txt[i] = NULL;
			len[i] = 0;
			continue;
		case SQLITE_FLOAT:
			util_fmt_double(sqlite3_column_double(st, c), fbuf[i],
			    sizeof fbuf[i]);
			txt[i] = fbuf[i];
			len[i] = strlen(fbuf[i]);
			break;
		default:
			txt[i] = (const char *)sqlite3_column_text(st, c);
			len[i] = (size_t)sqlite3_column_bytes(st, c);
			if (txt[i] == NULL) {
				txt[i] = "";
				len[i] = 0;
			}
			break;
		}
		strbytes += len[i] + 1;
	}
	/* fields, vals (pointers), then parent (ints), then the strings */
	head = (b->ncols + 1) * (sizeof *hh->fields + sizeof *hh->vals +
	    sizeof *hh->parent);
	block = xmalloc(head + strbytes);
	hh->ncols = b->ncols;
	hh->fields = (const struct sch_field **)(void *)block;
	hh->vals = (char **)(void *)(hh->fields + b->ncols + 1);
	hh->parent = (int *)(void *)(hh->vals + b->ncols + 1);
	sp = block + head;
	for (i = 0; i < b->ncols; i++) {
		hh->fields[i] = b->f[i];
		hh->parent[i] = b->parent[i];
		if (txt[i] == NULL) {
			hh->vals[i] = NULL;
			continue;
		}
		memcpy(sp, txt[i], len[i]);
		sp[len[i]] = '\0';
		hh->vals[i] = sp;
		sp += len[i] + 1;
	}
	hh->fields[b->ncols] = NULL;
	hh->vals[b->ncols] = NULL;
	hh->parent[b->ncols] = 0;
	hh->next.stream = k;
	hh->next.id = hh->id;
	if (sm->kind == SK_NUM) {
		const struct sch_field *nf = &sm->r->fields[sm->field];
		for (i = 0; i < b->ncols; i++)
			if (b->f[i] == nf && !b->parent[i])
				break;
		/* the key is the number itself */
		snprintf(hh->next.key, sizeof hh->next.key, "%s",
		    i < b->ncols && hh->vals[i] != NULL ? hh->vals[i] : "");
	} else if (sm->kind == SK_PLACE) {
		t = (const char *)sqlite3_column_text(st, c0 + 3 +
		    (int)b->ncols);
		snprintf(hh->next.key, sizeof hh->next.key, "%s",
		    t != NULL ? t : "");
		hh->next.id2 = sm->r->parent != NULL ? hh->root_id : 0;
	}
}

/* Room for one more hit in *v (*cap of them). */
static struct search_hit *
more_hit(struct search_hit **v, size_t *cap, size_t got)
{
	if (got == *cap) {
		*cap = *cap ? *cap * 2 : 16;
		*v = xreallocarray(*v, *cap, sizeof **v);
	}
	return &(*v)[got];
}

/* The shape of stream st's statement after position pos. */
static void
shape_of(const struct parsed *pq, const struct stream *st,
    const struct search_pos *pos, struct shape *k)
{
	int w;
	memset(k, 0, sizeof *k);
	k->r = st->r;
	k->kind = (int)st->kind;
	k->field = st->field;
	k->mask = st->mask;
	k->word = st->word;
	k->pfilter = pq->pfilter;
	k->npw = pq->npw;
	for (w = 0; w < pq->npw; w++)
		k->nplaces[w] = pq->pw[w].nplaces;
	k->status = pq->status != NULL;
	k->region = pq->region != NULL;
	k->nfilt = pq->nfilt;
	memcpy(k->filt, pq->filt, pq->nfilt * sizeof pq->filt[0]);
	k->after_key = pos->key[0] != '\0';
	k->whole = strlen(pq->number) == 16;
}

/* The connection's statement of shape k, or NULL. */
static sqlite3_stmt *
shaped_find(struct memo *mm, const struct shape *k)
{
	int i;
	for (i = 0; i < mm->nsc; i++)
		if (mm->sc[i].k.r == k->r && memcmp(&mm->sc[i].k, k,
		    sizeof *k) == 0) {
			mm->sc[i].used = ++mm->tick;
			return mm->sc[i].st;
		}
	return NULL;
}

/*
 * sql prepared and kept as the statement of shape k (at most
 * SHAPE_CACHE: a query's place words make many shapes; the least
 * recently used one goes). NULL with *err when it does not prepare.
 */
static sqlite3_stmt *
shaped_put(struct db *db, struct memo *mm, const struct shape *k,
    const char *sql, char **err)
{
	struct shaped *c;
	sqlite3_stmt *st;
	int i;

	if (sqlite3_prepare_v3(db_sqlite(db), sql, -1,
	    SQLITE_PREPARE_PERSISTENT, &st, NULL) != SQLITE_OK) {
		sqlite3_finalize(st);
		util_err(err, "%s: search: %s", db_path(db),
		    sqlite3_errmsg(db_sqlite(db)));
		return NULL;
	}
	if (mm->nsc < SHAPE_CACHE)
		c = &mm->sc[mm->nsc++];
	else {
		c = &mm->sc[0];
		for (i = 1; i < mm->nsc; i++)
			if (mm->sc[i].used < c->used)
				c = &mm->sc[i];
		sqlite3_finalize(c->st);
	}
	c->k = *k;
	c->st = st;
	c->used = ++mm->tick;
	return st;
}

/* The values of b bound to st from parameter number *bi on. */
static void
bind_built(sqlite3_stmt *st, const struct built *b, int *bi)
{
	int i;
	for (i = 0; i < b->nb; i++, (*bi)++) {
		if (b->b[i].is_int)
			sqlite3_bind_int64(st, *bi, b->b[i].i);
		else
			/* b outlives the statement's use (reset before
			 * built_free) */
			sqlite3_bind_text(st, *bi, b->b[i].s, -1,
			    SQLITE_STATIC);
	}
}

/*
 * The statement of stream st from position pos with its values bound in
 * *b (built_free it, reset *out after use): the connection's statement
 * of that shape when it has one (then no SQL text is made), else built,
 * prepared and kept. 1 when the stream gives nothing for this query.
 */
static int
stream_stmt(struct db *db, const struct parsed *pq, const struct stream *st,
    const struct search_pos *pos, int limit, struct built *b,
    sqlite3_stmt **out, char **err)
{
	struct memo *mm = memo_obj(db);
	struct shape k;
	int r, bi = 1;

	shape_of(pq, st, pos, &k);
	*out = shaped_find(mm, &k);
	if ((r = build(db_schema(db), pq, st, pos, limit, *out == NULL,
	    b)) != 0)
		return r;
	if (*out == NULL && (*out = shaped_put(db, mm, &k, b->sql.s,
	    err)) == NULL) {
		built_free(b);
		return -1;
	}
	bind_built(*out, b, &bi);
	return 0;
}

/*
 * A whole number (16 digits) where every number field is unique: each
 * stream gives one hit at most, so all of them are one statement (their
 * statements in a UNION ALL, the stream's number first, columns padded
 * with NULL), one probe of each unique index. Returns the hits added to
 * *v, or -1.
 */
static int
run_numbers(struct db *db, const struct schema *s, const struct parsed *pq,
    const struct stream *streams, size_t ns, int limit,
    struct search_hit **v, size_t *cap, size_t *got, char **err)
{
	static const struct search_pos zero = {0};
	struct memo *mm = memo_obj(db);
	struct built b[8];
	struct sbuf sql = {0};
	struct shape key;
	sqlite3_stmt *st;
	size_t i, k, maxc = 0, nb = 0;
	int r, bi = 1;

	/* the streams are the dictionary's number fields: the first one's
	 * shape, marked as the union of ns, stands for them all */
	shape_of(pq, &streams[0], &zero, &key);
	key.kind = 100 + (int)ns;
	st = shaped_find(mm, &key);
	for (i = 0; i < ns; i++, nb++) {
		if (build(s, pq, &streams[i], &zero, 1, st == NULL,
		    &b[nb]) != 0) {
			/* a stream that gives nothing for this query */
			memset(&b[nb], 0, sizeof b[nb]);
			b[nb].ncols = (size_t)-1;
		} else if (b[nb].ncols > maxc)
			maxc = b[nb].ncols;
	}
	for (i = 0; st == NULL && i < nb; i++) {
		if (b[i].ncols == (size_t)-1)
			continue;
		if (sql.len > 0)
			sbuf_add(&sql, " UNION ALL ");
		sbuf_addf(&sql, "SELECT %zu, *", i);
		for (k = b[i].ncols; k < maxc; k++)
			sbuf_add(&sql, ", NULL");
		sbuf_addf(&sql, " FROM (%s)", b[i].sql.s);
	}
	r = SQLITE_DONE;
	for (i = 0; i < nb && b[i].ncols == (size_t)-1; i++)
		;
	if (i == nb)
		goto done; /* no stream gives anything */
	if (st == NULL && (st = shaped_put(db, mm, &key, sql.s, err)) ==
	    NULL) {
		r = -1;
		goto done;
	}
	for (i = 0; i < nb; i++)
		if (b[i].ncols != (size_t)-1)
			bind_built(st, &b[i], &bi);
	while (*got < (size_t)limit && (r = sqlite3_step(st)) == SQLITE_ROW) {
		k = (size_t)sqlite3_column_int64(st, 0);
		if (k >= nb)
			continue;
		fill_hit(st, 1, &streams[k], (int)k, &b[k],
		    more_hit(v, cap, *got));
		(*got)++;
	}
	if (r != SQLITE_DONE && r != SQLITE_ROW) {
		util_err(err, "%s: search: %s", db_path(db),
		    sqlite3_errmsg(db_sqlite(db)));
		r = -1;
	}
	sqlite3_reset(st);
done:
	for (i = 0; i < nb; i++)
		if (b[i].ncols != (size_t)-1)
			built_free(&b[i]);
	sbuf_free(&sql);
	return r < 0 ? -1 : 0;
}

/* The query is a whole number and every number field it looks in is
 * unique (one hit per stream at most). */
static int
one_statement(const struct parsed *pq, const struct stream *streams,
    size_t ns, const struct search_pos *pos)
{
	size_t i;
	if (strlen(pq->number) != 16 || ns == 0 || ns > 8 || pos->stream != 0 ||
	    pos->key[0] != '\0' || pos->id != 0)
		return 0;
	for (i = 0; i < ns; i++)
		if (streams[i].kind != SK_NUM ||
		    !streams[i].r->fields[streams[i].field].unique)
			return 0;
	return 1;
}

/*
 * One read transaction around the statements of a search (when none is
 * open): the file is locked once instead of once per statement (the
 * register's regencies, the place words, the streams).
 */
static int
read_begin(struct db *db)
{
	sqlite3_stmt *st;
	char *err = NULL;
	if (!sqlite3_get_autocommit(db_sqlite(db)) ||
	    (st = db_cached(db, "BEGIN", &err)) == NULL) {
		free(err);
		return 0;
	}
	if (sqlite3_step(st) != SQLITE_DONE) {
		sqlite3_reset(st);
		return 0;
	}
	sqlite3_reset(st);
	return 1;
}

static void
read_end(struct db *db, int began)
{
	sqlite3_stmt *st;
	char *err = NULL;
	if (!began)
		return;
	if ((st = db_cached(db, "COMMIT", &err)) == NULL) {
		free(err);
		sqlite3_exec(db_sqlite(db), "ROLLBACK", NULL, NULL, NULL);
		return;
	}
	if (sqlite3_step(st) != SQLITE_DONE)
		sqlite3_exec(db_sqlite(db), "ROLLBACK", NULL, NULL, NULL);
	sqlite3_reset(st);
}

static int search_run1(struct db *db, const struct search_query *q,
    const struct search_pos *after, int limit, struct search_hit **hits,
    size_t *n, int *memo_used, char **err);

/*
 * No transaction around the common search (one or two statements): the
 * connection's memo is checked after the statements ran (memo_current),
 * and when the file changed under them the search is made again with a
 * fresh memo; a register that keeps changing gets one read transaction
 * (the memo loaded inside it).
 */
int
search_run(struct db *db, const struct search_query *q,
    const struct search_pos *after, int limit, struct search_hit **hits,
    size_t *n, char **err)
{
	struct memo *mm;
	int attempt, used, rc, began;

	for (attempt = 0; attempt < 2 && ((mm = db_search_memo(db)) == NULL ||
	    !mm->nodv); attempt++) {
		used = 0;
		rc = search_run1(db, q, after, limit, hits, n, &used, err);
		if (rc < 0 || !used || memo_current(db))
			return rc;
		search_hits_free(*hits, *n);
		*hits = NULL;
		*n = 0;
		memo_invalidate(db);
	}
	began = read_begin(db);
	memo_invalidate(db);
	rc = search_run1(db, q, after, limit, hits, n, &used, err);
	read_end(db, began);
	return rc;
}

static int
search_run1(struct db *db, const struct search_query *q,
    const struct search_pos *after, int limit, struct search_hit **hits,
    size_t *n, int *memo_used, char **err)
{
	const struct schema *s = db_schema(db);
	struct stream streams[MAX_STREAMS];
	struct search_pos pos = {0};
	struct search_hit *v = NULL;
	struct parsed pq;
	size_t ns, cap = 0, got = 0;
	int rc = -1, began = 0;

	*hits = NULL;
	*n = 0;
	if (limit <= 0)
		return 0;
	if (parse_query(db, q, &pq, err) < 0)
		return -1;
	*memo_used = pq.mm != NULL;
	if (after != NULL)
		pos = *after;
	ns = make_streams(s, &pq, streams);
	/* many statements (place streams): the file locked once for them */
	if (pos.stream >= 0 && (size_t)pos.stream + 2 < ns &&
	    pq.number[0] == '\0')
		began = read_begin(db);
	if (one_statement(&pq, streams, ns, &pos)) {
		if (run_numbers(db, s, &pq, streams, ns, limit, &v, &cap, &got,
		    err) < 0)
			goto out;
		rc = 0;
		goto out;
	}
	for (; pos.stream >= 0 && (size_t)pos.stream < ns && got <
	    (size_t)limit; pos.stream++, pos.id = 0, pos.key[0] = '\0',
	    pos.id2 = 0) {
		const struct stream *sm = &streams[pos.stream];
		struct built b;
		sqlite3_stmt *st = NULL;
		int r;

		if ((r = stream_stmt(db, &pq, sm, &pos, limit - (int)got, &b,
		    &st, err)) < 0)
			goto out;
		if (r > 0)
			continue;
		while ((r = sqlite3_step(st)) == SQLITE_ROW) {
			fill_hit(st, 0, sm, pos.stream, &b,
			    more_hit(&v, &cap, got));
			got++;
		}
		if (r != SQLITE_DONE) {
			util_err(err, "%s: search: %s", db_path(db),
			    sqlite3_errmsg(db_sqlite(db)));
			sqlite3_reset(st);
			built_free(&b);
			goto out;
		}
		sqlite3_reset(st);
		built_free(&b);
		if (got >= (size_t)limit)
			break;
	}
	rc = 0;
out:
	read_end(db, began);
	parsed_free(&pq);
	if (rc < 0) {
		search_hits_free(v, got);
		return -1;
	}
	*hits = v;
	*n = got;
	return 0;
}

void
search_hit_clear(struct search_hit *h)
{
	/* one allocation: see fill_hit */
	free(h->fields);
	h->fields = NULL;
	h->vals = NULL;
	h->parent = NULL;
	h->ncols = 0;
}

void
search_hits_free(struct search_hit *h, size_t n)
{
	size_t i;
	for (i = 0; i < n; i++)
		search_hit_clear(&h[i]);
	free(h);
}

char *
search_display(struct db *db, const struct search_hit *h, size_t i, int lang)
{
	const struct sch_field *f;
	const char *v;

	if (i >= h->ncols || h->vals[i] == NULL)
		return xstrdup("");
	f = h->fields[i];
	v = h->vals[i];
	if (f->type == FT_SELECT_ONE && f->vs != NULL) {
		const struct sch_choice *c = schema_choice(f->vs, v);
		if (c != NULL)
			return xstrdup(sch_text_get(&c->label, lang, v));
	}
	if (f->type == FT_REGION) {
		struct db_region reg;
		char *err = NULL;
		if (db_region_get(db, v, &reg, &err) == 1) {
			char *r = xstrdup(reg.name);
			free(reg.code);
			free(reg.name);
			return r;
		}
		free(err);
	}
	return xstrdup(v);
}

int
search_explain(struct db *db, const struct search_query *q,
    struct sbuf *out, char **err)
{
	const struct schema *s = db_schema(db);
	struct stream streams[MAX_STREAMS];
	struct search_pos zero = {0};
	struct parsed pq;
	size_t ns, i;
	int rc = 0;

	if (parse_query(db, q, &pq, err) < 0)
		return -1;
	ns = make_streams(s, &pq, streams);
	for (i = 0; i < ns && rc == 0; i++) {
		struct built b;
		sqlite3_stmt *st = NULL;
		char *sql;
		if (build(s, &pq, &streams[i], &zero, 20, 1, &b) != 0)
			continue;
		sql = xasprintf("EXPLAIN QUERY PLAN %s", b.sql.s);
		sbuf_reset(&b.sql);
		sbuf_add(&b.sql, sql);
		free(sql);
		sbuf_addf(out, "-- %s\n", streams[i].r->name);
		if ((rc = prepare_built(db, &b, 0, &st, err)) == 0) {
			while (sqlite3_step(st) == SQLITE_ROW)
				sbuf_addf(out, "%s\n",
				    (const char *)sqlite3_column_text(st, 3));
			sqlite3_finalize(st);
		}
		built_free(&b);
	}
	parsed_free(&pq);
	return rc;
}
