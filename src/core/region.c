/*
 * region: region codes by shape, and the regions file read with csv into a
 * table sorted by code.
 *
 * Invariants of a table handed out: every row passed every check (code
 * shape, level matching the code, a name, no duplicate code, the parent
 * present); rows are sorted by strcmp on the code; code and name point
 * into t->strings, one allocation, so a table is freed in three calls.
 * While loading, strings are kept as offsets into a growing buffer and
 * turned into pointers only once it no longer moves.
 * A retired-codes file is loaded against the current table: its parents
 * may be current or retired rows, and none of its codes may be current.
 * The same retired code may appear more than once (its name was spelt
 * differently in different archives): the row with the latest last_seen
 * (then the later line) is kept, the others dropped without a problem.
 */
#include "region.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "csv.h"
#include "i18n.h"

/* Digits in each part of a code, by level. */
static const int part_len[] = {2, 2, 2, 4};

enum region_level
region_code_level(const char *code)
{
	const char *p = code;
	int level, i;
	if (code == NULL)
		return RL_NONE;
	for (level = 0; level < 4; level++) {
		if (level > 0) {
			if (*p == '\0')
				return (enum region_level)level;
			if (*p++ != '.')
				return RL_NONE;
		}
		for (i = 0; i < part_len[level]; i++, p++)
			if (*p < '0' || *p > '9')
				return RL_NONE;
	}
	return *p == '\0' ? RL_VILLAGE : RL_NONE;
}

int
region_parent(const char *code, char *buf, size_t n)
{
	enum region_level l = region_code_level(code);
	const char *dot;
	if (l == RL_NONE || l == RL_PROVINCE)
		return -1;
	dot = strrchr(code, '.');
	if ((size_t)(dot - code) + 1 > n)
		return -1;
	memcpy(buf, code, (size_t)(dot - code));
	buf[dot - code] = '\0';
	return 0;
}

/* A row while loading: offsets into the string buffer. */
struct row {
	size_t code, name;
	enum region_level level;
	int line;
	int rank; /* retired files: the last_seen year, else 0 */
};

struct loader {
	const char *file;
	long clast; /* column last_seen of a retired file, or -1 */
	struct diags *d;
	size_t problems;
	struct sbuf str;
	struct row *rows;
	size_t n, cap;
};

static void
problem(struct loader *L, int line, const char *fmt, ...) UTIL_PRINTF(3, 4);

static void
problem(struct loader *L, int line, const char *fmt, ...)
{
	va_list ap;
	char *m;
	if (L->problems++ >= REGION_MAX_DIAGS)
		return;
	va_start(ap, fmt);
	m = xvasprintf(fmt, ap);
	va_end(ap);
	diags_add(L->d, L->file, line, line > 0 ? 1 : 0, "%s", m);
	free(m);
}

/* Column index of name in the header, or -1. */
static long
header_col(const struct csv_record *h, const char *name)
{
	size_t i;
	for (i = 0; i < h->n; i++) {
		char *t = util_trim(h->field[i]);
		int same = strcasecmp(t, name) == 0;
		free(t);
		if (same)
			return (long)i;
	}
	return -1;
}

/* Sanitised copy of a value for a message, cut at 40 bytes. */
static char *
shown(const char *s)
{
	char *cut = xstrndup(s, strnlen(s, 40));
	char *v = util_sanitize(cut, 0);
	free(cut);
	return v;
}

static void
add_row(struct loader *L, const struct csv_record *rec, long ccode,
    long cname, long clevel)
{
	const char *code, *lname;
	char *name, *sc;
	enum region_level lv, want;
	size_t i;
	int line = (int)rec->line, bad = 0;
	long need = ccode > cname ? ccode : cname;

	if (clevel > need)
		need = clevel;
	if ((long)rec->n <= need) {
		problem(L, line, _("%zu field(s); the header has code, name and "
		    "level"), rec->n);
		return;
	}
	code = rec->field[ccode];
	lname = rec->field[clevel];
	want = region_code_level(code);
	if (want == RL_NONE) {
		sc = shown(code);
		problem(L, line, _("'%s' is not a region code (like 11, 11.01, "
		    "11.01.01 or 11.01.01.2001)"), sc);
		free(sc);
		bad = 1;
	}
	lv = region_level_lookup(lname);
	if (lv == RL_NONE) {
		sc = shown(lname);
		problem(L, line, _("unknown level '%s' (province, regency, "
		    "district or village)"), sc);
		free(sc);
		bad = 1;
	} else if (want != RL_NONE && lv != want) {
		sc = shown(code);
		problem(L, line, _("code %s is a %s code, not a %s"), sc,
		    region_level_name(want), region_level_name(lv));
		free(sc);
		bad = 1;
	}
	name = util_trim(rec->field[cname]);
	if (name[0] == '\0') {
		problem(L, line, _("the name is empty"));
		bad = 1;
	} else if (strlen(name) > REGION_NAME_MAX) {
		problem(L, line, _("the name is longer than %d bytes"),
		    REGION_NAME_MAX);
		bad = 1;
	} else
		for (i = 0; name[i] != '\0'; i++)
			if ((unsigned char)name[i] < 0x20 || name[i] == 0x7f) {
				problem(L, line, _("the name holds a control "
				    "character or a line break"));
				bad = 1;
				break;
			}
	if (!bad) {
		struct row *r;
		if (L->n == L->cap) {
			L->cap = L->cap ? L->cap * 2 : 1024;
			L->rows = xreallocarray(L->rows, L->cap, sizeof *L->rows);
		}
		r = &L->rows[L->n++];
		r->code = L->str.len;
		sbuf_addn(&L->str, code, strlen(code) + 1);
		r->name = L->str.len;
		sbuf_addn(&L->str, name, strlen(name) + 1);
		r->level = lv;
		r->line = line;
		r->rank = L->clast >= 0 && L->clast < (long)rec->n ?
		    atoi(rec->field[L->clast]) : 0;
	}
	free(name);
}

static int
cmp_region(const void *a, const void *b)
{
	const struct region *x = a, *y = b;
	int c = strcmp(x->code, y->code);
	return c != 0 ? c : (x->line > y->line) - (x->line < y->line);
}

const struct region *
region_find(const struct region_table *t, const char *code)
{
	size_t lo = 0, hi = t->n;
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		int c = strcmp(t->v[mid].code, code);
		if (c == 0)
			return &t->v[mid];
		if (c < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	return NULL;
}

/*
 * Sort the rows, then look for duplicates and orphans. current: the table
 * of codes in use, when t holds retired ones.
 */
static void
check_table(struct loader *L, struct region_table *t,
    const struct region_table *current)
{
	char parent[REGION_CODE_MAX + 1];
	size_t i;
	for (i = 1; i < t->n; i++) /* files usually come sorted */
		if (cmp_region(&t->v[i - 1], &t->v[i]) > 0)
			break;
	if (i < t->n)
		qsort(t->v, t->n, sizeof *t->v, cmp_region);
	for (i = 1; i < t->n; i++)
		if (strcmp(t->v[i].code, t->v[i - 1].code) == 0)
			problem(L, t->v[i].line, _("duplicate code %s (also at "
			    "line %d)"), t->v[i].code, t->v[i - 1].line);
	for (i = 0; i < t->n; i++) {
		if (t->v[i].level == RL_PROVINCE)
			continue;
		if (region_parent(t->v[i].code, parent, sizeof parent) < 0 ||
		    (region_find(t, parent) == NULL && (current == NULL ||
		    region_find(current, parent) == NULL)))
			problem(L, t->v[i].line, current == NULL ?
			    _("the parent %s of %s is not in the file") :
			    _("the parent %s of %s is neither in this file nor "
			    "in the regions file"), parent, t->v[i].code);
	}
	for (i = 0; current != NULL && i < t->n; i++)
		if (region_find(current, t->v[i].code) != NULL)
			problem(L, t->v[i].line, _("code %s is in the regions "
			    "file too: a retired code is one no longer in use"),
			    t->v[i].code);
}

/* A row of a retired file with its rank, for keeping one per code. */
struct ranked {
	struct region r;
	int rank;
};

static int
cmp_ranked(const void *a, const void *b)
{
	const struct ranked *x = a, *y = b;
	int c = strcmp(x->r.code, y->r.code);
	if (c != 0)
		return c;
	if (x->rank != y->rank)
		return x->rank > y->rank ? -1 : 1;
	return (x->r.line < y->r.line) - (x->r.line > y->r.line);
}

/* Keep one row per code: the latest last_seen, then the later line. */
static void
keep_latest(struct region_table *t, const struct row *rows)
{
	struct ranked *v = xcalloc(t->n ? t->n : 1, sizeof *v);
	size_t i, n = 0;

	for (i = 0; i < t->n; i++) {
		v[i].r = t->v[i];
		v[i].rank = rows[i].rank;
	}
	qsort(v, t->n, sizeof *v, cmp_ranked);
	for (i = 0; i < t->n; i++)
		if (n == 0 || strcmp(v[i].r.code, t->v[n - 1].code) != 0)
			t->v[n++] = v[i].r;
	t->n = n;
	free(v);
}

static int
load_mem(const char *file, const char *data, size_t len,
    const struct region_table *current, struct region_table **out,
    struct diags *d)
{
	struct loader L = {0};
	struct csv_reader *r = NULL;
	const struct csv_record *rec;
	struct region_table *t = NULL;
	char *err = NULL;
	long ccode = -1, cname = -1, clevel = -1, eline, ecol;
	size_t i;
	int rc;

	*out = NULL;
	L.file = file;
	L.d = d;
	L.clast = -1;
	if (csv_open_mem(&r, data, len, file, ',', &err) < 0)
		goto out; /* cannot happen with ',' */
	rc = csv_read(r, &rec, &err);
	if (rc == 0)
		problem(&L, 0, _("the file is empty: it needs the header line "
		    "code,name,level"));
	else if (rc == 1) {
		ccode = header_col(rec, "code");
		cname = header_col(rec, "name");
		clevel = header_col(rec, "level");
		if (current != NULL)
			L.clast = header_col(rec, "last_seen");
		if (ccode < 0 || cname < 0 || clevel < 0)
			problem(&L, (int)rec->line, _("the first line must name "
			    "the columns code, name and level (missing: %s)"),
			    ccode < 0 ? "code" : cname < 0 ? "name" : "level");
		else
			while ((rc = csv_read(r, &rec, &err)) == 1)
				add_row(&L, rec, ccode, cname, clevel);
	}
	if (rc < 0) {
		const char *m = csv_error(r, &eline, &ecol);
		if (L.problems++ < REGION_MAX_DIAGS)
			diags_add(d, file, (int)eline, (int)ecol, "%s", m);
	}
	if (L.problems == 0) {
		t = xcalloc(1, sizeof *t);
		t->n = L.n;
		t->v = xcalloc(L.n ? L.n : 1, sizeof *t->v);
		t->strings = sbuf_steal(&L.str);
		for (i = 0; i < L.n; i++) {
			t->v[i].code = t->strings + L.rows[i].code;
			t->v[i].name = t->strings + L.rows[i].name;
			t->v[i].level = L.rows[i].level;
			t->v[i].line = L.rows[i].line;
		}
		if (current != NULL)
			keep_latest(t, L.rows);
		check_table(&L, t, current);
	}
	if (L.problems > REGION_MAX_DIAGS)
		diags_add(d, file, 0, 0, _("... and %zu more problems"),
		    L.problems - REGION_MAX_DIAGS);
out:
	csv_close(r);
	free(err);
	free(L.rows);
	sbuf_free(&L.str);
	if (L.problems > 0 || t == NULL) {
		region_table_free(t);
		return -1;
	}
	*out = t;
	return 0;
}

int
region_load_mem(const char *file, const char *data, size_t len,
    struct region_table **out, struct diags *d)
{
	return load_mem(file, data, len, NULL, out, d);
}

int
region_load_retired_mem(const char *file, const char *data, size_t len,
    const struct region_table *current, struct region_table **out,
    struct diags *d)
{
	return load_mem(file, data, len, current, out, d);
}

int
region_read_file(const char *path, char **buf, size_t *len, char **err)
{
	FILE *f = fopen(path, "rb");
	struct sbuf b = {0};
	char chunk[65536];
	size_t n;
	int rc = 0;

	*buf = NULL;
	*len = 0;
	if (f == NULL)
		return util_err(err, _("%s: cannot read: %s"), path,
		    strerror(errno));
	while ((n = fread(chunk, 1, sizeof chunk, f)) > 0)
		sbuf_addn(&b, chunk, n);
	if (ferror(f))
		rc = util_err(err, _("%s: cannot read: %s"), path,
		    strerror(errno ? errno : EIO));
	fclose(f);
	if (rc < 0) {
		sbuf_free(&b);
		return -1;
	}
	*len = b.len;
	*buf = sbuf_steal(&b);
	return 0;
}

static int
load_file(const char *path, const struct region_table *current,
    struct region_table **out, struct diags *d)
{
	char *buf, *err = NULL;
	size_t len;
	int rc;
	*out = NULL;
	if (region_read_file(path, &buf, &len, &err) < 0) {
		diags_add(d, NULL, 0, 0, "%s", err);
		free(err);
		return -1;
	}
	rc = load_mem(path, buf, len, current, out, d);
	free(buf);
	return rc;
}

int
region_load(const char *path, struct region_table **out, struct diags *d)
{
	return load_file(path, NULL, out, d);
}

int
region_load_retired(const char *path, const struct region_table *current,
    struct region_table **out, struct diags *d)
{
	return load_file(path, current, out, d);
}

void
region_table_free(struct region_table *t)
{
	if (t == NULL)
		return;
	free(t->v);
	free(t->strings);
	free(t);
}

static char *
beside(const struct schema *s, const char *file)
{
	if (file == NULL)
		return NULL;
	if (s->dir == NULL || s->dir[0] == '\0')
		return xstrdup(file);
	return xasprintf("%s/%s", s->dir, file);
}

char *
region_schema_path(const struct schema *s)
{
	return beside(s, s->regions_file);
}

char *
region_retired_path(const struct schema *s)
{
	return s->regions_file != NULL ? beside(s, s->regions_retired_file) :
	    NULL;
}

long
region_check_schema(const struct schema *s, struct diags *d)
{
	struct region_table *t;
	size_t per_level[RL_VILLAGE + 1] = {0}, i, j;
	char *path = region_schema_path(s);
	long n;

	if (path == NULL)
		return 0;
	if (region_load(path, &t, d) < 0) {
		free(path);
		return -1;
	}
	for (i = 0; i < t->n; i++)
		per_level[t->v[i].level]++;
	/* A region field whose level the file lacks can never be filled. */
	for (i = 0; i < s->nrecords; i++)
		for (j = 0; j < s->records[i].nfields; j++) {
			const struct sch_field *f = &s->records[i].fields[j];
			if (f->type == FT_REGION && f->level > RL_NONE &&
			    f->level <= RL_VILLAGE && per_level[f->level] == 0)
				diags_add(d, s->file, f->line, f->col,
				    _("field '%s': %s has no region of level "
				    "%s"), f->name, s->regions_file,
				    region_level_name(f->level));
		}
	n = (long)t->n;
	free(path);
	if ((path = region_retired_path(s)) != NULL) {
		struct region_table *rt;
		if (region_load_retired(path, t, &rt, d) < 0)
			n = -1;
		else
			n += (long)rt->n;
		region_table_free(rt);
		free(path);
	}
	region_table_free(t);
	return n;
}
