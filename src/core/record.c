/*
 * record: values of one record, owned strings, and its title.
 */
#include "record.h"

#include <stdlib.h>
#include <string.h>

struct record *
record_new(const struct sch_record *def)
{
	struct record *r = xcalloc(1, sizeof *r);
	r->def = def;
	r->val = xcalloc(def->nfields ? def->nfields : 1, sizeof *r->val);
	strcpy(r->status, "draft");
	return r;
}

/* 1 when value p has an allocation of its own (not in r->blk). */
static int
own_alloc(const struct record *r, const char *p)
{
	return r->blk == NULL || p < r->blk || p >= r->blk + r->blklen;
}

void
record_free(struct record *r)
{
	size_t i;
	if (r == NULL)
		return;
	for (i = 0; i < r->def->nfields; i++)
		if (own_alloc(r, r->val[i]))
			free(r->val[i]);
	free(r->val);
	free(r->blk);
	for (i = 0; i < r->nacc; i++) {
		free(r->acc[i].rule);
		free(r->acc[i].reason);
	}
	free(r->acc);
	free(r->updated_at);
	free(r->updated_by);
	free(r);
}

struct record *
record_copy(const struct record *r)
{
	struct record *c = record_new(r->def);
	size_t i;
	c->id = r->id;
	memcpy(c->uuid, r->uuid, sizeof c->uuid);
	c->parent_id = r->parent_id;
	memcpy(c->status, r->status, sizeof c->status);
	c->rev = r->rev;
	c->updated_at = r->updated_at ? xstrdup(r->updated_at) : NULL;
	c->updated_by = r->updated_by ? xstrdup(r->updated_by) : NULL;
	c->ord = r->ord;
	for (i = 0; i < r->def->nfields; i++)
		record_set(c, i, r->val[i]);
	for (i = 0; i < r->nacc; i++)
		record_accept(c, r->acc[i].rule, r->acc[i].reason);
	return c;
}

void
record_accept(struct record *r, const char *rule, const char *reason)
{
	size_t i;
	for (i = 0; i < r->nacc; i++)
		if (strcmp(r->acc[i].rule, rule) == 0)
			break;
	if (reason == NULL) {
		if (i < r->nacc) {
			free(r->acc[i].rule);
			free(r->acc[i].reason);
			r->acc[i] = r->acc[--r->nacc];
		}
		return;
	}
	if (i == r->nacc) {
		r->acc = xreallocarray(r->acc, r->nacc + 1, sizeof *r->acc);
		r->acc[r->nacc].rule = xstrdup(rule);
		r->acc[r->nacc].reason = NULL;
		r->nacc++;
	}
	free(r->acc[i].reason);
	r->acc[i].reason = xstrdup(reason);
}

const char *
record_accepted(const struct record *r, const char *rule)
{
	size_t i;
	for (i = 0; i < r->nacc; i++)
		if (strcmp(r->acc[i].rule, rule) == 0)
			return r->acc[i].reason;
	return NULL;
}

void
record_set(struct record *r, size_t i, const char *v)
{
	if (i >= r->def->nfields)
		return;
	if (own_alloc(r, r->val[i]))
		free(r->val[i]);
	r->val[i] = (v != NULL && v[0] != '\0') ? xstrdup(v) : NULL;
}

void
record_set_owned(struct record *r, size_t i, char *v)
{
	if (i >= r->def->nfields) {
		free(v);
		return;
	}
	if (own_alloc(r, r->val[i]))
		free(r->val[i]);
	if (v != NULL && v[0] == '\0') {
		free(v);
		v = NULL;
	}
	r->val[i] = v;
}

const char *
record_get(const struct record *r, size_t i)
{
	return i < r->def->nfields ? r->val[i] : NULL;
}

int
record_set_by_name(struct record *r, const char *name, const char *v)
{
	int i = schema_field_index(r->def, name);
	if (i < 0)
		return -1;
	record_set(r, (size_t)i, v);
	return 0;
}

const char *
record_get_by_name(const struct record *r, const char *name)
{
	int i = schema_field_index(r->def, name);
	return i < 0 ? NULL : r->val[i];
}

int
record_values_equal(const struct record *a, const struct record *b)
{
	size_t i;
	if (a->def != b->def)
		return 0;
	for (i = 0; i < a->def->nfields; i++) {
		const char *x = a->val[i], *y = b->val[i];
		if ((x == NULL) != (y == NULL) || (x && strcmp(x, y) != 0))
			return 0;
	}
	return 1;
}

char *
record_title(const struct sch_record *def,
    const char *(*get)(void *ctx, size_t field), void *ctx)
{
	struct sbuf b = {0};
	const char *p = def->title, *q;

	if (p == NULL) {
		const char *v = def->nfields ? get(ctx, 0) : NULL;
		return xstrdup(v != NULL ? v : "");
	}
	while ((q = strstr(p, "${")) != NULL) {
		const char *e = strchr(q, '}');
		char *name;
		int fi;
		if (e == NULL)
			break;
		sbuf_addn(&b, p, (size_t)(q - p));
		name = xstrndup(q + 2, (size_t)(e - q - 2));
		fi = schema_field_index(def, name);
		if (fi >= 0) {
			const char *v = get(ctx, (size_t)fi);
			if (v != NULL)
				sbuf_add(&b, v);
		}
		free(name);
		p = e + 1;
	}
	sbuf_add(&b, p);
	{
		char *t = util_trim(b.s != NULL ? b.s : "");
		sbuf_free(&b);
		return t;
	}
}

const char *
record_region_above(const struct record *r, const struct record *parent,
    enum region_level level)
{
	const struct record *recs[2] = {r, parent};
	const char *best = NULL;
	int bl = 0;
	size_t k, i;

	for (k = 0; k < 2 && best == NULL; k++) {
		if (recs[k] == NULL)
			continue;
		for (i = 0; i < recs[k]->def->nfields; i++) {
			const struct sch_field *g = &recs[k]->def->fields[i];
			if (g->type == FT_REGION && (int)g->level < (int)level &&
			    (int)g->level > bl && recs[k]->val[i] != NULL) {
				bl = (int)g->level;
				best = recs[k]->val[i];
			}
		}
	}
	return best;
}
