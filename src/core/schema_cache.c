/*
 * schema_cache: the parsed dictionary as a binary image in a private cache
 * file (see schema_cache.h for what makes an image usable).
 *
 * Image: "KESRADIC" magic, format (u32), key (u64), payload length (u64),
 * FNV-1a of the payload (u64), then the payload: the schema's members in
 * a fixed order, integers little-endian, strings as a u32 length
 * (0xffffffff: NULL) and their bytes, doubles as their 8 bytes. Pointers
 * that schema_finish resolves (value sets, compiled patterns, search
 * columns) are not stored: schema_finish is run again over what was read.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "schema_cache.h"
#include "schema_yaml.h"

#define IMG_MAGIC "KESRADIC"
#define IMG_FORMAT 1u
#define IMG_HEAD 36 /* magic 8, format 4, key 8, length 8, checksum 8 */
#define IMG_MAX (64u << 20)
#define NOSTR 0xffffffffu

/*
 * A member added to these structures must be written and read here too:
 * the sizes (on LP64, where kesra is built and tested) catch a forgotten
 * one at build time.
 */
#if defined(__LP64__) && defined(__x86_64__)
_Static_assert(sizeof(struct sch_field) == 416, "update schema_cache.c");
_Static_assert(sizeof(struct sch_record) == 272, "update schema_cache.c");
_Static_assert(sizeof(struct schema) == 176, "update schema_cache.c");
_Static_assert(sizeof(struct sch_choice) == 96, "update schema_cache.c");
_Static_assert(sizeof(struct sch_valueset) == 40, "update schema_cache.c");
_Static_assert(sizeof(struct sch_rule) == 104, "update schema_cache.c");
_Static_assert(sizeof(struct sch_filter) == 96, "update schema_cache.c");
_Static_assert(sizeof(struct sch_page) == 80, "update schema_cache.c");
#endif

/*
 * A fast 64-bit hash for the key and the image's checksum (change and
 * damage detection, not security): four multiply-xorshift lanes over
 * 8-byte words, the tail through FNV-1a.
 */
static uint64_t
img_hash(uint64_t h, const void *data, size_t n)
{
	const unsigned char *p = data;
	uint64_t l[4], w;
	int i;

	l[0] = h;
	l[1] = h ^ 0x9e3779b97f4a7c15ULL;
	l[2] = h + 0xc2b2ae3d27d4eb4fULL;
	l[3] = ~h;
	while (n >= 32) {
		for (i = 0; i < 4; i++) {
			memcpy(&w, p + 8 * i, 8);
			l[i] = (l[i] ^ w) * 0xff51afd7ed558ccdULL;
			l[i] ^= l[i] >> 31;
		}
		p += 32;
		n -= 32;
	}
	h = l[0];
	for (i = 1; i < 4; i++) {
		h = (h ^ l[i]) * 0xc4ceb9fe1a85ec53ULL;
		h ^= h >> 29;
	}
	return util_fnv1a(h, p, n);
}

/* ---- writing ------------------------------------------------------------- */

static void
put_u32(struct sbuf *b, uint32_t v)
{
	char c[4];
	int i;
	for (i = 0; i < 4; i++)
		c[i] = (char)(v >> (8 * i));
	sbuf_addn(b, c, 4);
}

static void
put_u64(struct sbuf *b, uint64_t v)
{
	put_u32(b, (uint32_t)v);
	put_u32(b, (uint32_t)(v >> 32));
}

static void
put_int(struct sbuf *b, int v)
{
	put_u32(b, (uint32_t)v);
}

static void
put_size(struct sbuf *b, size_t v)
{
	put_u32(b, (uint32_t)v);
}

static void
put_dbl(struct sbuf *b, double v)
{
	uint64_t u;
	memcpy(&u, &v, sizeof u);
	put_u64(b, u);
}

static void
put_str(struct sbuf *b, const char *s)
{
	size_t n;
	if (s == NULL) {
		put_u32(b, NOSTR);
		return;
	}
	n = strlen(s);
	put_size(b, n);
	sbuf_addn(b, s, n);
}

static void
put_text(struct sbuf *b, const struct sch_text *t)
{
	int i;
	for (i = 0; i < SCHEMA_MAX_LANGS; i++)
		put_str(b, t->s[i]);
}

static void
put_expr(struct sbuf *b, const struct sch_expr *e)
{
	put_str(b, e->text);
	put_int(b, e->line);
	put_int(b, e->col);
}

static void
put_rules(struct sbuf *b, const struct sch_rule *v, size_t n)
{
	size_t i;
	put_size(b, n);
	for (i = 0; i < n; i++) {
		put_str(b, v[i].name);
		put_expr(b, &v[i].check);
		put_int(b, (int)v[i].severity);
		put_text(b, &v[i].message);
		put_int(b, v[i].line);
		put_int(b, v[i].col);
	}
}

static void
put_field(struct sbuf *b, const struct sch_field *f)
{
	put_str(b, f->name);
	put_int(b, (int)f->type);
	put_text(b, &f->label);
	put_text(b, &f->hint);
	put_int(b, f->required);
	put_expr(b, &f->required_if);
	put_int(b, f->has_min);
	put_int(b, f->has_max);
	put_dbl(b, f->min);
	put_dbl(b, f->max);
	put_int(b, f->width);
	put_str(b, f->values_name);
	put_str(b, f->default_value);
	put_expr(b, &f->relevant);
	put_expr(b, &f->constraint);
	put_text(b, &f->constraint_message);
	put_expr(b, &f->calculation);
	put_expr(b, &f->choice_filter);
	put_int(b, f->read_only);
	put_str(b, f->pattern);
	put_int(b, f->persistent);
	put_int(b, f->unique);
	put_int(b, (int)f->level);
	put_str(b, f->renamed_from);
	put_int(b, f->search);
	put_int(b, f->line);
	put_int(b, f->col);
}

static void
put_record(struct sbuf *b, const struct sch_record *r)
{
	size_t i, j;

	put_str(b, r->name);
	put_text(b, &r->label);
	put_str(b, r->title);
	put_str(b, r->parent);
	put_size(b, r->nfields);
	for (i = 0; i < r->nfields; i++)
		put_field(b, &r->fields[i]);
	put_size(b, r->npages);
	for (i = 0; i < r->npages; i++) {
		put_text(b, &r->pages[i].title);
		put_size(b, r->pages[i].nfields);
		for (j = 0; j < r->pages[i].nfields; j++)
			put_size(b, r->pages[i].fields[j]);
	}
	put_str(b, r->form_file);
	put_size(b, r->nroster_columns);
	for (i = 0; i < r->nroster_columns; i++)
		put_size(b, r->roster_columns[i]);
	put_rules(b, r->rules, r->nrules);
	put_rules(b, r->roster_rules, r->nroster_rules);
	put_int(b, r->min_count);
	put_int(b, r->max_count);
	put_size(b, r->ndup_key);
	for (i = 0; i < r->ndup_key; i++)
		put_size(b, r->dup_key[i]);
	put_size(b, r->nfilters);
	for (i = 0; i < r->nfilters; i++) {
		put_str(b, r->filters[i].name);
		put_text(b, &r->filters[i].label);
		put_expr(b, &r->filters[i].where);
		put_int(b, r->filters[i].line);
		put_int(b, r->filters[i].col);
	}
	put_size(b, r->nsearch_cols);
	for (i = 0; i < r->nsearch_cols; i++)
		put_str(b, r->search_col_names[i]);
	put_int(b, r->line);
	put_int(b, r->col);
}

void
schema_image_write(const struct schema *s, uint64_t key, struct sbuf *out)
{
	struct sbuf p = {0};
	size_t i, j, k;
	int l;

	put_str(&p, s->dir);
	put_str(&p, s->file);
	put_str(&p, s->name);
	put_int(&p, s->version);
	put_int(&p, s->nlangs);
	for (l = 0; l < s->nlangs; l++)
		put_str(&p, s->langs[l]);
	put_size(&p, s->nvaluesets);
	for (i = 0; i < s->nvaluesets; i++) {
		const struct sch_valueset *vs = &s->valuesets[i];
		put_str(&p, vs->name);
		put_size(&p, vs->nchoices);
		for (j = 0; j < vs->nchoices; j++) {
			const struct sch_choice *c = &vs->choices[j];
			put_str(&p, c->code);
			put_text(&p, &c->label);
			put_size(&p, c->nattrs);
			for (k = 0; k < c->nattrs; k++) {
				put_str(&p, c->attr_names[k]);
				put_str(&p, c->attr_values[k]);
			}
		}
		put_int(&p, vs->line);
		put_int(&p, vs->col);
	}
	put_size(&p, s->nrecords);
	for (i = 0; i < s->nrecords; i++)
		put_record(&p, &s->records[i]);
	put_str(&p, s->regions_file);
	put_str(&p, s->regions_retired_file);
	put_str(&p, s->hash);

	sbuf_addn(out, IMG_MAGIC, 8);
	put_u32(out, IMG_FORMAT);
	put_u64(out, key);
	put_u64(out, (uint64_t)p.len);
	put_u64(out, img_hash(UTIL_FNV_INIT, p.s, p.len));
	sbuf_addn(out, p.s, p.len);
	sbuf_free(&p);
}

void
schema_image_seal(void *image, size_t len)
{
	unsigned char *p = image;
	uint64_t h;
	int i;

	if (len < IMG_HEAD)
		return;
	h = img_hash(UTIL_FNV_INIT, p + IMG_HEAD, len - IMG_HEAD);
	for (i = 0; i < 8; i++)
		p[28 + i] = (unsigned char)(h >> (8 * i));
}

/* ---- reading: every count and string checked against the bytes left ----- */

struct rd {
	const unsigned char *p, *end;
	int bad;
};

static uint32_t
get_u32(struct rd *r)
{
	uint32_t v;
	if (r->bad || r->end - r->p < 4) {
		r->bad = 1;
		return 0;
	}
	v = (uint32_t)r->p[0] | (uint32_t)r->p[1] << 8 |
	    (uint32_t)r->p[2] << 16 | (uint32_t)r->p[3] << 24;
	r->p += 4;
	return v;
}

static uint64_t
get_u64(struct rd *r)
{
	uint64_t lo = get_u32(r);
	return lo | (uint64_t)get_u32(r) << 32;
}

/* An int in [lo, hi]. */
static int
get_int(struct rd *r, int lo, int hi)
{
	int v = (int)get_u32(r);
	if (v < lo || v > hi)
		r->bad = 1;
	return r->bad ? lo : v;
}

/* A count of elements that take at least min bytes each. */
static size_t
get_count(struct rd *r, size_t min)
{
	uint32_t n = get_u32(r);
	if (r->bad || (size_t)n > (size_t)(r->end - r->p) / min) {
		r->bad = 1;
		return 0;
	}
	return n;
}

/* An index below n. */
static size_t
get_index(struct rd *r, size_t n)
{
	uint32_t v = get_u32(r);
	if ((size_t)v >= n)
		r->bad = 1;
	return r->bad ? 0 : v;
}

static double
get_dbl(struct rd *r)
{
	uint64_t u = get_u64(r);
	double v;
	memcpy(&v, &u, sizeof v);
	return v;
}

/* A string (NULL allowed when nullable): valid UTF-8 without NUL. */
static char *
get_str(struct rd *r, int nullable)
{
	uint32_t n = get_u32(r), i;
	char *s;
	if (r->bad)
		return NULL;
	if (n == NOSTR) {
		if (!nullable)
			r->bad = 1;
		return NULL;
	}
	if ((size_t)n > (size_t)(r->end - r->p)) {
		r->bad = 1;
		return NULL;
	}
	for (i = 0; i < n; i++)
		if (r->p[i] == 0 || r->p[i] >= 0x80)
			break;
	/* mostly ASCII: UTF-8 is checked when there is more */
	if (i < n && (memchr(r->p, '\0', n) != NULL ||
	    !utf8_valid((const char *)r->p, n))) {
		r->bad = 1;
		return NULL;
	}
	s = xstrndup((const char *)r->p, n);
	r->p += n;
	return s;
}

static void
get_text(struct rd *r, struct sch_text *t)
{
	int i;
	for (i = 0; i < SCHEMA_MAX_LANGS; i++)
		t->s[i] = get_str(r, 1);
}

static void
get_expr(struct rd *r, struct sch_expr *e)
{
	e->text = get_str(r, 1);
	e->line = get_int(r, 0, 1 << 30);
	e->col = get_int(r, 0, 1 << 30);
}

static struct sch_rule *
get_rules(struct rd *r, size_t *n)
{
	struct sch_rule *v;
	size_t i;

	*n = get_count(r, 4);
	if (*n == 0)
		return NULL;
	v = xcalloc(*n, sizeof *v);
	for (i = 0; i < *n; i++) {
		v[i].name = get_str(r, 0);
		get_expr(r, &v[i].check);
		v[i].severity = (enum severity)get_int(r, SEV_WARNING,
		    SEV_ERROR);
		get_text(r, &v[i].message);
		v[i].line = get_int(r, 0, 1 << 30);
		v[i].col = get_int(r, 0, 1 << 30);
	}
	return v;
}

static void
get_field(struct rd *r, struct sch_field *f)
{
	f->name = get_str(r, 0);
	f->type = (enum field_type)get_int(r, 0, FT_COUNT - 1);
	get_text(r, &f->label);
	get_text(r, &f->hint);
	f->required = get_int(r, 0, 1);
	get_expr(r, &f->required_if);
	f->has_min = get_int(r, 0, 1);
	f->has_max = get_int(r, 0, 1);
	f->min = get_dbl(r);
	f->max = get_dbl(r);
	if ((f->has_min && !(f->min == f->min)) ||
	    (f->has_max && !(f->max == f->max)))
		r->bad = 1; /* NaN */
	f->width = get_int(r, 1, 60);
	f->values_name = get_str(r, 1);
	f->default_value = get_str(r, 1);
	get_expr(r, &f->relevant);
	get_expr(r, &f->constraint);
	get_text(r, &f->constraint_message);
	get_expr(r, &f->calculation);
	get_expr(r, &f->choice_filter);
	f->read_only = get_int(r, 0, 1);
	f->pattern = get_str(r, 1);
	f->persistent = get_int(r, 0, 1);
	f->unique = get_int(r, 0, 1);
	f->level = (enum region_level)get_int(r, RL_NONE, RL_VILLAGE);
	f->renamed_from = get_str(r, 1);
	f->search = get_int(r, 0, 1);
	f->line = get_int(r, 0, 1 << 30);
	f->col = get_int(r, 0, 1 << 30);
}

static void
get_record(struct rd *r, struct sch_record *rec)
{
	size_t i, j;

	rec->name = get_str(r, 0);
	get_text(r, &rec->label);
	rec->title = get_str(r, 1);
	rec->parent = get_str(r, 1);
	if ((rec->nfields = get_count(r, 4)) > 0)
		rec->fields = xcalloc(rec->nfields, sizeof *rec->fields);
	for (i = 0; i < rec->nfields && !r->bad; i++)
		get_field(r, &rec->fields[i]);
	if ((rec->npages = get_count(r, 4)) > 0)
		rec->pages = xcalloc(rec->npages, sizeof *rec->pages);
	for (i = 0; i < rec->npages && !r->bad; i++) {
		struct sch_page *pg = &rec->pages[i];
		get_text(r, &pg->title);
		if ((pg->nfields = get_count(r, 4)) > 0)
			pg->fields = xcalloc(pg->nfields, sizeof *pg->fields);
		for (j = 0; j < pg->nfields; j++)
			pg->fields[j] = get_index(r, rec->nfields);
	}
	rec->form_file = get_str(r, 1);
	if ((rec->nroster_columns = get_count(r, 4)) > 0)
		rec->roster_columns = xcalloc(rec->nroster_columns,
		    sizeof *rec->roster_columns);
	for (i = 0; i < rec->nroster_columns; i++)
		rec->roster_columns[i] = get_index(r, rec->nfields);
	rec->rules = get_rules(r, &rec->nrules);
	rec->roster_rules = get_rules(r, &rec->nroster_rules);
	rec->min_count = get_int(r, 0, 1 << 30);
	rec->max_count = get_int(r, 0, 1 << 30);
	rec->ndup_key = (size_t)get_int(r, 0, SCHEMA_MAX_DUPKEY);
	for (i = 0; i < rec->ndup_key; i++)
		rec->dup_key[i] = get_index(r, rec->nfields);
	if ((rec->nfilters = get_count(r, 4)) > 0)
		rec->filters = xcalloc(rec->nfilters, sizeof *rec->filters);
	for (i = 0; i < rec->nfilters && !r->bad; i++) {
		struct sch_filter *fl = &rec->filters[i];
		fl->name = get_str(r, 0);
		get_text(r, &fl->label);
		get_expr(r, &fl->where);
		fl->line = get_int(r, 0, 1 << 30);
		fl->col = get_int(r, 0, 1 << 30);
	}
	if ((rec->nsearch_cols = get_count(r, 4)) > 0)
		rec->search_col_names = xcalloc(rec->nsearch_cols,
		    sizeof *rec->search_col_names);
	for (i = 0; i < rec->nsearch_cols; i++)
		rec->search_col_names[i] = get_str(r, 0);
	rec->line = get_int(r, 0, 1 << 30);
	rec->col = get_int(r, 0, 1 << 30);
}

struct schema *
schema_image_read(const void *image, size_t len, uint64_t key)
{
	struct rd r = {image, (const unsigned char *)image + len, 0};
	struct diags d = {0};
	struct schema *s;
	uint64_t n, sum;
	size_t i, j, k;
	char *hash;
	int l;

	if (len < IMG_HEAD || memcmp(image, IMG_MAGIC, 8) != 0)
		return NULL;
	r.p += 8;
	if (get_u32(&r) != IMG_FORMAT || get_u64(&r) != key)
		return NULL;
	n = get_u64(&r);
	sum = get_u64(&r);
	if (n != (uint64_t)(r.end - r.p) ||
	    img_hash(UTIL_FNV_INIT, r.p, (size_t)n) != sum)
		return NULL;

	s = schema_new();
	s->dir = get_str(&r, 1);
	s->file = get_str(&r, 1);
	s->name = get_str(&r, 0);
	s->version = get_int(&r, 0, 1 << 30);
	s->nlangs = get_int(&r, 1, SCHEMA_MAX_LANGS);
	for (l = 0; l < s->nlangs; l++)
		s->langs[l] = get_str(&r, 0);
	if ((s->nvaluesets = get_count(&r, 4)) > 0)
		s->valuesets = xcalloc(s->nvaluesets, sizeof *s->valuesets);
	for (i = 0; i < s->nvaluesets && !r.bad; i++) {
		struct sch_valueset *vs = &s->valuesets[i];
		vs->name = get_str(&r, 0);
		if ((vs->nchoices = get_count(&r, 4)) > 0)
			vs->choices = xcalloc(vs->nchoices, sizeof *vs->choices);
		for (j = 0; j < vs->nchoices && !r.bad; j++) {
			struct sch_choice *c = &vs->choices[j];
			c->code = get_str(&r, 0);
			get_text(&r, &c->label);
			if ((c->nattrs = get_count(&r, 8)) > 0) {
				c->attr_names = xcalloc(c->nattrs,
				    sizeof *c->attr_names);
				c->attr_values = xcalloc(c->nattrs,
				    sizeof *c->attr_values);
			}
			for (k = 0; k < c->nattrs; k++) {
				c->attr_names[k] = get_str(&r, 0);
				c->attr_values[k] = get_str(&r, 0);
			}
		}
		vs->line = get_int(&r, 0, 1 << 30);
		vs->col = get_int(&r, 0, 1 << 30);
	}
	if ((s->nrecords = get_count(&r, 4)) > 0)
		s->records = xcalloc(s->nrecords, sizeof *s->records);
	for (i = 0; i < s->nrecords && !r.bad; i++)
		get_record(&r, &s->records[i]);
	s->regions_file = get_str(&r, 1);
	s->regions_retired_file = get_str(&r, 1);
	hash = get_str(&r, 0);
	if (r.bad || r.p != r.end || strlen(hash) != sizeof s->hash - 1) {
		free(hash);
		schema_free(s);
		return NULL;
	}
	/*
	 * What the loader checks, checked again: names, references, pages,
	 * patterns; and it resolves what the image does not hold. An image
	 * that is not exactly what a dictionary without mistakes gave is
	 * refused.
	 */
	schema_finish(s, &d);
	if (d.n > 0 || strcmp(hash, s->hash) != 0) {
		diags_free(&d);
		free(hash);
		schema_free(s);
		return NULL;
	}
	free(hash);
	return s;
}

/* ---- the key and the file ------------------------------------------------ */

static int
yaml_name(const char *name, int skip_reports)
{
	size_t n = strlen(name);
	return name[0] != '.' && n > 5 && strcmp(name + n - 5, ".yaml") == 0 &&
	    !(skip_reports && strcmp(name, "reports.yaml") == 0);
}

/* Adds the bytes of the file at path to the key; -1 when unreadable. */
static int
key_file(uint64_t *h, const char *path)
{
	char buf[16384];
	struct stat sb;
	ssize_t n;
	uint64_t total = 0;
	int fd = open(path, O_RDONLY | O_CLOEXEC);

	if (fd < 0)
		return -1;
	if (fstat(fd, &sb) < 0 || !S_ISREG(sb.st_mode)) {
		close(fd);
		return -1;
	}
	while ((n = read(fd, buf, sizeof buf)) > 0) {
		*h = img_hash(*h, buf, (size_t)n);
		total += (uint64_t)n;
	}
	close(fd);
	if (n < 0)
		return -1;
	*h = util_fnv1a(*h, &total, sizeof total);
	return 0;
}

/* Adds the folder's *.yaml files (name and bytes) to the key. */
static int
key_dir(uint64_t *h, const char *dir, int skip_reports, int must_exist)
{
	DIR *d;
	struct dirent *e;
	int rc = 0;

	*h = util_fnv1a(*h, dir != NULL ? dir : "", dir != NULL ?
	    strlen(dir) + 1 : 1);
	if (dir == NULL || (d = opendir(dir)) == NULL)
		return must_exist ? -1 : 0;
	while (rc == 0 && (e = readdir(d)) != NULL) {
		char *path;
		if (!yaml_name(e->d_name, skip_reports))
			continue;
		*h = util_fnv1a(*h, e->d_name, strlen(e->d_name) + 1);
		path = xasprintf("%s/%s", dir, e->d_name);
		rc = key_file(h, path);
		free(path);
	}
	closedir(d);
	return rc;
}

uint64_t
schema_cache_key(const char *schema_dir, const char *forms_dir,
    const char *version)
{
	uint64_t h = UTIL_FNV_INIT;
	uint32_t fmt = IMG_FORMAT;

	h = util_fnv1a(h, "kesra dictionary image", 23);
	h = util_fnv1a(h, &fmt, sizeof fmt);
	h = util_fnv1a(h, version, strlen(version) + 1);
	if (key_dir(&h, schema_dir, 1, 1) < 0 ||
	    key_dir(&h, forms_dir, 0, 0) < 0)
		return 0;
	return h != 0 ? h : 1;
}

char *
schema_cache_path(const char *cache_dir, const char *schema_dir,
    const char *forms_dir)
{
	uint64_t h = UTIL_FNV_INIT;
	h = util_fnv1a(h, schema_dir, strlen(schema_dir) + 1);
	h = util_fnv1a(h, forms_dir != NULL ? forms_dir : "",
	    forms_dir != NULL ? strlen(forms_dir) + 1 : 1);
	return xasprintf("%s/dictionary-%016llx.bin", cache_dir,
	    (unsigned long long)h);
}

/* The image file's bytes, when it is a private regular file of ours. */
static char *
read_image(const char *path, size_t *len)
{
	struct stat sb;
	char *buf;
	size_t got = 0;
	int fd = open(path, O_RDONLY | O_NOFOLLOW | O_CLOEXEC | O_NONBLOCK);

	if (fd < 0)
		return NULL;
	if (fstat(fd, &sb) < 0 || !S_ISREG(sb.st_mode) ||
	    sb.st_uid != geteuid() || (sb.st_mode & 077) != 0 ||
	    sb.st_size < IMG_HEAD || (uint64_t)sb.st_size > IMG_MAX) {
		close(fd);
		return NULL;
	}
	buf = xmalloc((size_t)sb.st_size);
	while (got < (size_t)sb.st_size) {
		ssize_t n = read(fd, buf + got, (size_t)sb.st_size - got);
		if (n <= 0)
			break;
		got += (size_t)n;
	}
	close(fd);
	if (got != (size_t)sb.st_size) {
		free(buf);
		return NULL;
	}
	*len = got;
	return buf;
}

/* mkdir -p, 0700 for what is made. */
static int
make_dirs(const char *path)
{
	char *p = xstrdup(path), *q;
	int rc;
	for (q = p + 1; *q != '\0'; q++) {
		if (*q != '/')
			continue;
		*q = '\0';
		(void)mkdir(p, 0700);
		*q = '/';
	}
	rc = mkdir(p, 0700) == 0 || errno == EEXIST ? 0 : -1;
	free(p);
	return rc;
}

/* Write the image: a private temporary file renamed over the old one. */
static int
write_image(const char *cache_dir, const char *path, const struct sbuf *img)
{
	char *tmp;
	size_t done = 0;
	int fd, rc = -1;

	if (make_dirs(cache_dir) < 0)
		return -1;
	tmp = xasprintf("%s.XXXXXX", path);
	if ((fd = mkstemp(tmp)) < 0) { /* 0600 */
		free(tmp);
		return -1;
	}
	while (done < img->len) {
		ssize_t n = write(fd, img->s + done, img->len - done);
		if (n <= 0)
			break;
		done += (size_t)n;
	}
	if (close(fd) == 0 && done == img->len && rename(tmp, path) == 0)
		rc = 0;
	else
		unlink(tmp);
	free(tmp);
	return rc;
}

struct schema *
schema_cache_load(const char *schema_dir, const char *forms_dir,
    const char *cache_dir, const char *version, struct diags *d,
    enum schema_cache_how *how)
{
	struct schema *s = NULL;
	uint64_t key = 0;
	size_t before = d->n, len = 0;
	char *path = NULL, *img;

	if (how != NULL)
		*how = SC_PARSED;
	if (cache_dir != NULL && cache_dir[0] == '/' &&
	    (key = schema_cache_key(schema_dir, forms_dir, version)) != 0) {
		path = schema_cache_path(cache_dir, schema_dir, forms_dir);
		if ((img = read_image(path, &len)) != NULL) {
			s = schema_image_read(img, len, key);
			free(img);
		}
		if (s != NULL) {
			free(path);
			if (how != NULL)
				*how = SC_HIT;
			return s;
		}
	}
	s = schema_yaml_load_partial(schema_dir, forms_dir, d);
	/* only a dictionary without mistakes, and only when the files did
	 * not change while they were read */
	if (s != NULL && path != NULL && d->n == before &&
	    schema_cache_key(schema_dir, forms_dir, version) == key) {
		struct sbuf b = {0};
		schema_image_write(s, key, &b);
		if (write_image(cache_dir, path, &b) == 0 && how != NULL)
			*how = SC_WRITTEN;
		sbuf_free(&b);
	}
	free(path);
	return s;
}
