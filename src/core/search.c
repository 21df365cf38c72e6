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
 */
#include "search.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <sqlite3.h>

#include "i18n.h"

enum stream_kind { SK_FTS, SK_NUM, SK_SCAN };

struct stream {
	const struct sch_record *r;
	enum stream_kind kind;
	size_t field; /* SK_NUM: the number field */
};

#define MAX_STREAMS 64
#define MAX_BINDS (8 + 4 * SEARCH_MAX_FILTERS)

struct bindv {
	int is_int;
	int64_t i;
	char *s; /* owned */
};

struct built {
	struct sbuf sql;
	struct bindv b[MAX_BINDS];
	int nb;
	const struct sch_field *f[64];
	int parent[64];
	size_t ncols;
};

/* What the query asks, parsed once. */
struct parsed {
	char *match;      /* FTS5 MATCH text, or NULL */
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

char *
search_match_text(const char *typed)
{
	struct sbuf b = {0};
	const char *p = typed != NULL ? typed : "";

	while (*p != '\0') {
		const char *w, *q;
		int useful = 0;
		while (*p != '\0' && isspace((unsigned char)*p))
			p++;
		w = p;
		while (*p != '\0' && !isspace((unsigned char)*p))
			useful |= word_char((unsigned char)*p++);
		if (p == w || !useful)
			continue;
		if (b.len > 0)
			sbuf_addc(&b, ' ');
		sbuf_addc(&b, '"');
		for (q = w; q < p; q++) {
			if (*q == '"')
				sbuf_addc(&b, '"');
			sbuf_addc(&b, *q);
		}
		sbuf_add(&b, "\"*");
	}
	if (b.len == 0) {
		sbuf_free(&b);
		return NULL;
	}
	return sbuf_steal(&b);
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

static int
parse_query(const struct schema *s, const struct search_query *q,
    struct parsed *pq, char **err)
{
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
		pq->match = search_match_text(t);
	}
	for (i = 0; i < q->nfilters && i < SEARCH_MAX_FILTERS; i++) {
		pq->filt[i] = search_filter(s, q->filters[i], &pq->frec[i]);
		if (pq->filt[i] == NULL) {
			char *sn = util_sanitize(q->filters[i], 0);
			util_err(err, _("no search filter '%s' in the "
			    "dictionary"), sn);
			free(sn);
			free(pq->match);
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
	return n;
}

static void
bind_s(struct built *b, const char *s)
{
	if (b->nb < MAX_BINDS) {
		b->b[b->nb].is_int = 0;
		b->b[b->nb++].s = xstrdup(s);
	}
}

static void
bind_i(struct built *b, int64_t v)
{
	if (b->nb < MAX_BINDS) {
		b->b[b->nb].is_int = 1;
		b->b[b->nb].s = NULL;
		b->b[b->nb++].i = v;
	}
}

static void
built_free(struct built *b)
{
	int i;
	for (i = 0; i < b->nb; i++)
		free(b->b[i].s);
	b->nb = 0;
	sbuf_free(&b->sql);
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
 * The statement of stream st after position (id, key), limit rows.
 * Returns 0, or 1 when the stream cannot give anything for this query.
 */
static int
build(const struct schema *s, const struct parsed *pq, const struct stream *st,
    int64_t after_id, const char *after_key, int limit, struct built *b)
{
	const struct sch_record *r = st->r;
	const struct sch_record *p = r->parent != NULL ?
	    schema_record(s, r->parent) : NULL;
	const char *rn = r->name;
	size_t i;
	int ri;

	memset(b, 0, sizeof *b);
	b->ncols = search_columns(s, r, b->f, b->parent, 64);
	sbuf_add(&b->sql, "SELECT t.id, t.parent_id, t.status");
	for (i = 0; i < b->ncols; i++)
		sbuf_addf(&b->sql, ", %s.\"%s\"", b->parent[i] ? "p" : "t",
		    b->f[i]->name);
	switch (st->kind) {
	case SK_FTS:
		/* CROSS JOIN: the FTS table drives, in rowid order. */
		sbuf_addf(&b->sql, " FROM \"%s_fts\" AS x CROSS JOIN \"%s\" AS "
		    "t ON t.id = x.rowid", rn, rn);
		break;
	default:
		sbuf_addf(&b->sql, " FROM \"%s\" AS t", rn);
		break;
	}
	if (p != NULL)
		sbuf_addf(&b->sql, " LEFT JOIN \"%s\" AS p ON p.id = "
		    "t.parent_id", p->name);
	sbuf_add(&b->sql, " WHERE t.deleted_at IS NULL");
	switch (st->kind) {
	case SK_FTS:
		sbuf_addf(&b->sql, " AND x.\"%s_fts\" MATCH ? AND x.rowid > ?",
		    rn);
		bind_s(b, pq->match);
		bind_i(b, after_id);
		break;
	case SK_NUM: {
		const char *fn = r->fields[st->field].name;
		char hi[18];
		size_t n = strlen(pq->number);
		memcpy(hi, pq->number, n + 1);
		hi[n - 1]++; /* '9' + 1 is ':', above every digit */
		if (n == 16) { /* a whole number: one probe of the index */
			sbuf_addf(&b->sql, " AND t.\"%s\" = ?", fn);
			bind_s(b, pq->number);
		} else {
			sbuf_addf(&b->sql, " AND t.\"%s\" >= ? AND t.\"%s\" < ?",
			    fn, fn);
			bind_s(b, pq->number);
			bind_s(b, hi);
		}
		if (after_key[0] != '\0') {
			sbuf_addf(&b->sql, " AND t.\"%s\" > ?", fn);
			bind_s(b, after_key);
		}
		break;
	}
	case SK_SCAN:
		sbuf_add(&b->sql, " AND t.id > ?");
		bind_i(b, after_id);
		break;
	}
	if (pq->status != NULL) {
		sbuf_add(&b->sql, " AND t.status = ?");
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
			char *lo = xasprintf("%s.", pq->region);
			char *hi = xasprintf("%s/", pq->region);
			sbuf_addf(&b->sql, " AND (%s.\"%s\" = ? OR (%s.\"%s\" >= "
			    "? AND %s.\"%s\" < ?))", al, cn, al, cn, al, cn);
			bind_s(b, pq->region);
			bind_s(b, lo);
			bind_s(b, hi);
			free(lo);
			free(hi);
		}
	}
	for (i = 0; i < pq->nfilt; i++) {
		const struct sch_record *fr = pq->frec[i];
		const char *w = pq->filt[i]->where.text;
		if (fr == r)
			sbuf_addf(&b->sql, " AND EXISTS (SELECT 1 FROM \"%s\" AS f "
			    "WHERE f.id = t.id AND (%s))", fr->name, w);
		else if (fr == p)
			sbuf_addf(&b->sql, " AND EXISTS (SELECT 1 FROM \"%s\" AS f "
			    "WHERE f.id = t.parent_id AND (%s))", fr->name, w);
		else if (fr->parent != NULL && strcmp(fr->parent, rn) == 0)
			sbuf_addf(&b->sql, " AND EXISTS (SELECT 1 FROM \"%s\" AS f "
			    "WHERE f.parent_id = t.id AND f.deleted_at IS NULL "
			    "AND (%s))", fr->name, w);
		else
			goto none;
	}
	switch (st->kind) {
	case SK_FTS:
		sbuf_add(&b->sql, " ORDER BY x.rowid");
		break;
	case SK_NUM:
		sbuf_addf(&b->sql, " ORDER BY t.\"%s\"",
		    r->fields[st->field].name);
		break;
	case SK_SCAN:
		sbuf_add(&b->sql, " ORDER BY t.id");
		break;
	}
	sbuf_add(&b->sql, " LIMIT ?");
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
			sqlite3_bind_text(*out, i + 1, b->b[i].s, -1,
			    SQLITE_TRANSIENT);
	}
	return 0;
}

static char *
col_text(sqlite3_stmt *st, int c)
{
	const char *t;
	if (sqlite3_column_type(st, c) == SQLITE_NULL)
		return NULL;
	if (sqlite3_column_type(st, c) == SQLITE_FLOAT) {
		char buf[64];
		util_fmt_double(sqlite3_column_double(st, c), buf, sizeof buf);
		return xstrdup(buf);
	}
	t = (const char *)sqlite3_column_text(st, c);
	return xstrdup(t != NULL ? t : "");
}

int
search_run(struct db *db, const struct search_query *q,
    const struct search_pos *after, int limit, struct search_hit **hits,
    size_t *n, char **err)
{
	const struct schema *s = db_schema(db);
	struct stream streams[MAX_STREAMS];
	struct search_pos pos = {0};
	struct search_hit *v = NULL;
	struct parsed pq;
	size_t ns, cap = 0, got = 0;
	int rc = -1;

	*hits = NULL;
	*n = 0;
	if (limit <= 0)
		return 0;
	if (parse_query(s, q, &pq, err) < 0)
		return -1;
	if (after != NULL)
		pos = *after;
	ns = make_streams(s, &pq, streams);
	for (; pos.stream >= 0 && (size_t)pos.stream < ns && got <
	    (size_t)limit; pos.stream++, pos.id = 0, pos.key[0] = '\0') {
		const struct stream *sm = &streams[pos.stream];
		struct built b;
		sqlite3_stmt *st = NULL;
		int r;

		if (build(s, &pq, sm, pos.id, pos.key, limit - (int)got,
		    &b) != 0)
			continue;
		if (prepare_built(db, &b, 1, &st, err) < 0) {
			built_free(&b);
			goto out;
		}
		while ((r = sqlite3_step(st)) == SQLITE_ROW) {
			struct search_hit *hh;
			size_t i;
			if (got == cap) {
				cap = cap ? cap * 2 : 16;
				v = xreallocarray(v, cap, sizeof *v);
			}
			hh = &v[got++];
			memset(hh, 0, sizeof *hh);
			hh->def = sm->r;
			hh->id = sqlite3_column_int64(st, 0);
			if (sm->r->parent != NULL) {
				hh->root = schema_record(s, sm->r->parent);
				hh->root_id = sqlite3_column_int64(st, 1);
			} else {
				hh->root = sm->r;
				hh->root_id = hh->id;
			}
			snprintf(hh->status, sizeof hh->status, "%s",
			    sqlite3_column_text(st, 2) != NULL ?
			    (const char *)sqlite3_column_text(st, 2) : "");
			hh->ncols = b.ncols;
			hh->fields = xcalloc(b.ncols + 1, sizeof *hh->fields);
			hh->parent = xcalloc(b.ncols + 1, sizeof *hh->parent);
			hh->vals = xcalloc(b.ncols + 1, sizeof *hh->vals);
			for (i = 0; i < b.ncols; i++) {
				hh->fields[i] = b.f[i];
				hh->parent[i] = b.parent[i];
				hh->vals[i] = col_text(st, 3 + (int)i);
			}
			hh->next.stream = pos.stream;
			hh->next.id = hh->id;
			if (sm->kind == SK_NUM) {
				const struct sch_field *nf =
				    &sm->r->fields[sm->field];
				for (i = 0; i < b.ncols; i++)
					if (b.f[i] == nf && !b.parent[i])
						break;
				/* the key is the number itself */
				snprintf(hh->next.key, sizeof hh->next.key,
				    "%s", i < b.ncols && hh->vals[i] != NULL ?
				    hh->vals[i] : "");
			}
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
	free(pq.match);
	if (rc < 0) {
		search_hits_free(v, got);
		return -1;
	}
	*hits = v;
	*n = got;
	return 0;
}

void
search_hits_free(struct search_hit *h, size_t n)
{
	size_t i, k;
	for (i = 0; i < n; i++) {
		for (k = 0; k < h[i].ncols; k++)
			free(h[i].vals[k]);
		free(h[i].vals);
		free(h[i].fields);
		free(h[i].parent);
	}
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
	struct parsed pq;
	size_t ns, i;
	int rc = 0;

	if (parse_query(s, q, &pq, err) < 0)
		return -1;
	ns = make_streams(s, &pq, streams);
	for (i = 0; i < ns && rc == 0; i++) {
		struct built b;
		sqlite3_stmt *st = NULL;
		char *sql;
		if (build(s, &pq, &streams[i], 0, "", 20, &b) != 0)
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
	free(pq.match);
	return rc;
}
