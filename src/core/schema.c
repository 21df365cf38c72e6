/*
 * schema: the dictionary model, its lookups and the checks that need the
 * whole dictionary (references, names, pages, hash).
 */
#include "schema.h"

#include <regex.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

const struct field_type_info field_types[FT_COUNT] = {
	[FT_TEXT] = {"text", "TEXT", 30},
	[FT_INTEGER] = {"integer", "INTEGER", 10},
	[FT_DECIMAL] = {"decimal", "REAL", 12},
	[FT_DATE] = {"date", "TEXT", 10},
	[FT_YESNO] = {"yesno", "INTEGER", 1},
	[FT_SELECT_ONE] = {"select_one", "INTEGER", 2},
	[FT_SELECT_MULTIPLE] = {"select_multiple", "TEXT", 20},
	[FT_REGION] = {"region", "TEXT", 13},
	[FT_NIK] = {"nik", "TEXT", 16},
	[FT_KK] = {"kk", "TEXT", 16},
	[FT_PHONE] = {"phone", "TEXT", 15},
	[FT_CALCULATE] = {"calculate", "ANY", 12},
	[FT_NOTE] = {"note", NULL, 0},
};

static const char *const level_names[] = {
	[RL_NONE] = "", [RL_PROVINCE] = "province", [RL_REGENCY] = "regency",
	[RL_DISTRICT] = "district", [RL_VILLAGE] = "village",
};

enum region_level
region_level_lookup(const char *name)
{
	int i;
	for (i = RL_PROVINCE; i <= RL_VILLAGE; i++)
		if (strcmp(level_names[i], name) == 0)
			return (enum region_level)i;
	return RL_NONE;
}

const char *
region_level_name(enum region_level l)
{
	return l <= RL_VILLAGE ? level_names[l] : "";
}

int
field_type_lookup(const char *name)
{
	int i;
	for (i = 0; i < FT_COUNT; i++)
		if (strcmp(field_types[i].name, name) == 0)
			return i;
	return -1;
}

const char *
field_type_names(void)
{
	static char buf[256];
	int i;
	if (buf[0] == '\0') {
		for (i = 0; i < FT_COUNT; i++) {
			if (i > 0)
				strcat(buf, ", ");
			strcat(buf, field_types[i].name);
		}
	}
	return buf;
}

static const char *const reserved_names[] = {
	"id", "uuid", "parent_id", "status", "rev", "created_at", "created_by",
	"updated_at", "updated_by", "deleted_at", "ord", "rowid", "oid",
	"_rowid_", NULL
};

int
schema_reserved_name(const char *name)
{
	size_t i;
	for (i = 0; reserved_names[i] != NULL; i++)
		if (strcmp(reserved_names[i], name) == 0)
			return 1;
	return strncmp(name, "kesra_", 6) == 0 || strncmp(name, "sqlite_", 7) == 0;
}

struct schema *
schema_new(void)
{
	return xcalloc(1, sizeof(struct schema));
}

void
sch_text_free(struct sch_text *t)
{
	int i;
	for (i = 0; i < SCHEMA_MAX_LANGS; i++) {
		free(t->s[i]);
		t->s[i] = NULL;
	}
}

const char *
sch_text_get(const struct sch_text *t, int lang, const char *def)
{
	if (lang >= 0 && lang < SCHEMA_MAX_LANGS && t->s[lang] != NULL)
		return t->s[lang];
	if (t->s[0] != NULL)
		return t->s[0];
	return def;
}

static void
expr_text_free(struct sch_expr *e)
{
	free(e->text);
	e->text = NULL;
}

static void
rules_free(struct sch_rule *v, size_t n)
{
	size_t i;
	for (i = 0; i < n; i++) {
		free(v[i].name);
		expr_text_free(&v[i].check);
		sch_text_free(&v[i].message);
	}
	free(v);
}

static void
record_free_parts(struct sch_record *r)
{
	size_t i;
	free(r->name);
	free(r->roster_columns);
	rules_free(r->rules, r->nrules);
	rules_free(r->roster_rules, r->nroster_rules);
	for (i = 0; i < r->nfilters; i++) {
		free(r->filters[i].name);
		sch_text_free(&r->filters[i].label);
		expr_text_free(&r->filters[i].where);
	}
	free(r->filters);
	for (i = 0; i < r->nsearch_cols; i++)
		free(r->search_col_names[i]);
	free(r->search_col_names);
	free(r->search_cols);
	sch_text_free(&r->label);
	free(r->title);
	free(r->parent);
	free(r->form_file);
	for (i = 0; i < r->nfields; i++) {
		struct sch_field *f = &r->fields[i];
		free(f->name);
		sch_text_free(&f->label);
		sch_text_free(&f->hint);
		free(f->values_name);
		free(f->default_value);
		expr_text_free(&f->required_if);
		expr_text_free(&f->relevant);
		expr_text_free(&f->constraint);
		sch_text_free(&f->constraint_message);
		expr_text_free(&f->calculation);
		expr_text_free(&f->choice_filter);
		free(f->pattern);
		if (f->pattern_re != NULL) {
			regfree(f->pattern_re);
			free(f->pattern_re);
		}
		free(f->renamed_from);
	}
	free(r->fields);
	for (i = 0; i < r->npages; i++) {
		sch_text_free(&r->pages[i].title);
		free(r->pages[i].fields);
	}
	free(r->pages);
}

void
schema_free(struct schema *s)
{
	size_t i, j;
	int k;
	if (s == NULL)
		return;
	free(s->dir);
	free(s->file);
	free(s->name);
	for (k = 0; k < s->nlangs; k++)
		free(s->langs[k]);
	for (i = 0; i < s->nvaluesets; i++) {
		struct sch_valueset *vs = &s->valuesets[i];
		free(vs->name);
		for (j = 0; j < vs->nchoices; j++) {
			struct sch_choice *c = &vs->choices[j];
			size_t k2;
			free(c->code);
			sch_text_free(&c->label);
			for (k2 = 0; k2 < c->nattrs; k2++) {
				free(c->attr_names[k2]);
				free(c->attr_values[k2]);
			}
			free(c->attr_names);
			free(c->attr_values);
		}
		free(vs->choices);
	}
	free(s->valuesets);
	for (i = 0; i < s->nrecords; i++)
		record_free_parts(&s->records[i]);
	free(s->records);
	free(s->regions_file);
	free(s->regions_retired_file);
	free(s);
}

const struct sch_record *
schema_record(const struct schema *s, const char *name)
{
	size_t i;
	for (i = 0; i < s->nrecords; i++)
		if (strcmp(s->records[i].name, name) == 0)
			return &s->records[i];
	return NULL;
}

int
schema_field_index(const struct sch_record *r, const char *name)
{
	size_t i;
	for (i = 0; i < r->nfields; i++)
		if (strcmp(r->fields[i].name, name) == 0)
			return (int)i;
	return -1;
}

const struct sch_valueset *
schema_valueset(const struct schema *s, const char *name)
{
	size_t i;
	for (i = 0; i < s->nvaluesets; i++)
		if (strcmp(s->valuesets[i].name, name) == 0)
			return &s->valuesets[i];
	return NULL;
}

const struct sch_choice *
schema_choice(const struct sch_valueset *vs, const char *code)
{
	size_t i;
	if (vs == NULL || code == NULL)
		return NULL;
	for (i = 0; i < vs->nchoices; i++)
		if (strcmp(vs->choices[i].code, code) == 0)
			return &vs->choices[i];
	return NULL;
}

int
schema_lang_index(const struct schema *s, const char *code)
{
	int i;
	for (i = 0; i < s->nlangs; i++)
		if (strcmp(s->langs[i], code) == 0)
			return i;
	return -1;
}

const char *
schema_field_sql_type(const struct sch_field *f)
{
	if (f->type == FT_SELECT_ONE && f->vs != NULL && !f->vs->numeric)
		return "TEXT";
	return field_types[f->type].sql_type;
}

int
schema_field_stored(const struct sch_field *f)
{
	return field_types[f->type].sql_type != NULL;
}

int
schema_field_has_choices(const struct sch_field *f)
{
	return f->type == FT_SELECT_ONE || f->type == FT_SELECT_MULTIPLE;
}

size_t
schema_children(const struct schema *s, const struct sch_record *r,
    const struct sch_record **out, size_t max)
{
	size_t i, n = 0;
	for (i = 0; i < s->nrecords; i++)
		if (s->records[i].parent != NULL &&
		    strcmp(s->records[i].parent, r->name) == 0) {
			if (n < max)
				out[n] = &s->records[i];
			n++;
		}
	return n;
}

const char *
schema_field_label(const struct sch_field *f, int lang)
{
	return sch_text_get(&f->label, lang, f->name);
}

const char *
schema_record_label(const struct sch_record *r, int lang)
{
	return sch_text_get(&r->label, lang, r->name);
}

static int
is_integer_code(const char *s)
{
	size_t i = 0;
	if (s[0] == '-')
		i++;
	if (s[i] == '\0' || (s[i] == '0' && s[i + 1] != '\0'))
		return 0;
	for (; s[i] != '\0'; i++)
		if (s[i] < '0' || s[i] > '9')
			return 0;
	return i <= 15;
}

static void
finish_valuesets(struct schema *s, struct diags *d)
{
	size_t i, j, k;
	for (i = 0; i < s->nvaluesets; i++) {
		struct sch_valueset *vs = &s->valuesets[i];
		vs->numeric = vs->nchoices > 0;
		for (j = 0; j < vs->nchoices; j++) {
			if (!is_integer_code(vs->choices[j].code))
				vs->numeric = 0;
			for (k = 0; k < j; k++)
				if (strcmp(vs->choices[k].code,
				    vs->choices[j].code) == 0)
					diags_add(d, s->file, vs->line, vs->col,
					    "value set '%s': code '%s' appears twice",
					    vs->name, vs->choices[j].code);
		}
		if (vs->nchoices == 0)
			diags_add(d, s->file, vs->line, vs->col,
			    "value set '%s' has no codes", vs->name);
		for (k = 0; k < i; k++)
			if (strcmp(s->valuesets[k].name, vs->name) == 0)
				diags_add(d, s->file, vs->line, vs->col,
				    "value set '%s' is defined twice", vs->name);
	}
}

static void
finish_field(struct schema *s, struct sch_record *r, struct sch_field *f,
    struct diags *d)
{
	size_t k;
	if (!util_is_ident(f->name))
		diags_add(d, s->file, f->line, f->col,
		    "field name '%s' is not an identifier (use a-z, 0-9 and _, "
		    "starting with a letter)", f->name);
	else if (schema_reserved_name(f->name))
		diags_add(d, s->file, f->line, f->col,
		    "field name '%s' is reserved for kesra's own columns",
		    f->name);
	for (k = 0; f != &r->fields[k]; k++)
		if (strcmp(r->fields[k].name, f->name) == 0) {
			diags_add(d, s->file, f->line, f->col,
			    "duplicate field '%s' in record '%s' (first at line %d)",
			    f->name, r->name, r->fields[k].line);
			break;
		}
	if (schema_field_has_choices(f)) {
		if (f->values_name == NULL)
			diags_add(d, s->file, f->line, f->col,
			    "field '%s': %s needs 'values: <value set>'",
			    f->name, field_types[f->type].name);
		else if ((f->vs = schema_valueset(s, f->values_name)) == NULL)
			diags_add(d, s->file, f->line, f->col,
			    "field '%s': unknown value set '%s'", f->name,
			    f->values_name);
	} else if (f->values_name != NULL)
		diags_add(d, s->file, f->line, f->col,
		    "field '%s': 'values' is only for select_one and "
		    "select_multiple", f->name);
	if (f->type == FT_REGION && f->level == RL_NONE)
		diags_add(d, s->file, f->line, f->col,
		    "field '%s': a region field needs 'level:' (province, "
		    "regency, district or village)", f->name);
	if (f->type != FT_REGION && f->level != RL_NONE)
		diags_add(d, s->file, f->line, f->col,
		    "field '%s': 'level' is only for region fields", f->name);
	if (f->type == FT_REGION && s->regions_file == NULL)
		diags_add(d, s->file, f->line, f->col,
		    "field '%s': region fields need 'regions: FILE.csv' at "
		    "the top of the dictionary", f->name);
	if (f->type == FT_CALCULATE && f->calculation.text == NULL)
		diags_add(d, s->file, f->line, f->col,
		    "field '%s': a calculate field needs 'calculation:'",
		    f->name);
	if (f->type == FT_NOTE && (f->required || f->required_if.text ||
	    f->calculation.text || f->constraint.text || f->unique ||
	    f->default_value))
		diags_add(d, s->file, f->line, f->col,
		    "field '%s': a note is only shown; it takes no value",
		    f->name);
	if (f->search && f->type != FT_TEXT)
		diags_add(d, s->file, f->line, f->col,
		    "field '%s': search is for text fields (nik and kk fields "
		    "are always searched by number)", f->name);
	if (f->unique && !schema_field_stored(f))
		diags_add(d, s->file, f->line, f->col,
		    "field '%s': unique needs a stored field", f->name);
	if (f->pattern != NULL) {
		char *anch = xasprintf("^(%s)$", f->pattern);
		regex_t *re = xcalloc(1, sizeof *re);
		const char *why;
		if (util_regex_check(f->pattern, &why) < 0) {
			diags_add(d, s->file, f->line, f->col,
			    "field '%s': pattern refused: %s", f->name, why);
			free(re);
		} else if (regcomp(re, anch, REG_EXTENDED | REG_NOSUB) != 0) {
			diags_add(d, s->file, f->line, f->col,
			    "field '%s': pattern '%s' is not a valid regular "
			    "expression", f->name, f->pattern);
			free(re);
		} else
			f->pattern_re = re;
		free(anch);
	}
	if (f->has_min && f->has_max && f->min > f->max)
		diags_add(d, s->file, f->line, f->col,
		    "field '%s': min is greater than max", f->name);
	if (f->width <= 0) {
		int w = field_types[f->type].width;
		if (f->type == FT_NOTE)
			w = 1;
		if (f->type == FT_SELECT_ONE && f->vs != NULL) {
			w = 1;
			for (k = 0; k < f->vs->nchoices; k++) {
				int l = (int)strlen(f->vs->choices[k].code);
				if (l > w)
					w = l;
			}
		}
		f->width = w;
	}
	if (f->width > 60)
		f->width = 60;
}

/* Check that every field stands on one page; add the ones left out. */
static void
finish_pages(struct schema *s, struct sch_record *r, struct diags *d)
{
	unsigned char *seen = xcalloc(r->nfields ? r->nfields : 1, 1);
	size_t i, j, missing = 0;
	const char *file = r->form_file != NULL ? r->form_file : s->file;

	for (i = 0; i < r->npages; i++)
		for (j = 0; j < r->pages[i].nfields; j++) {
			size_t fi = r->pages[i].fields[j];
			if (seen[fi])
				diags_add(d, file, 0, 0,
				    "form '%s': field '%s' is placed twice",
				    r->name, r->fields[fi].name);
			seen[fi] = 1;
		}
	for (i = 0; i < r->nfields; i++)
		if (!seen[i])
			missing++;
	if (missing > 0) {
		struct sch_page *p;
		if (r->npages == 0) {
			r->pages = xcalloc(1, sizeof *r->pages);
			r->npages = 1;
		}
		p = &r->pages[r->npages - 1];
		p->fields = xreallocarray(p->fields, p->nfields + missing,
		    sizeof *p->fields);
		for (i = 0; i < r->nfields; i++)
			if (!seen[i])
				p->fields[p->nfields++] = i;
	}
	free(seen);
}

static void
finish_title(struct schema *s, struct sch_record *r, struct diags *d)
{
	const char *p = r->title;
	while (p != NULL && (p = strstr(p, "${")) != NULL) {
		const char *e = strchr(p, '}');
		char *name;
		if (e == NULL) {
			diags_add(d, s->file, r->line, r->col,
			    "record '%s': title has '${' without '}'", r->name);
			return;
		}
		name = xstrndup(p + 2, (size_t)(e - p - 2));
		if (schema_field_index(r, name) < 0)
			diags_add(d, s->file, r->line, r->col,
			    "record '%s': title names unknown field '%s'",
			    r->name, name);
		free(name);
		p = e + 1;
	}
}

/*
 * The search's parts of a record: filter names (unique in the
 * dictionary, since the search names them alone) and search_columns
 * (a field of the record, or parent.field).
 */
static void
finish_search(struct schema *s, struct sch_record *r, struct diags *d)
{
	size_t i, j, k;

	for (i = 0; i < r->nfilters; i++) {
		const struct sch_filter *fl = &r->filters[i];
		if (!util_is_ident(fl->name))
			diags_add(d, s->file, fl->line, fl->col,
			    "filter name '%s' is not an identifier", fl->name);
		for (j = 0; j <= (size_t)(r - s->records); j++)
			for (k = 0; k < s->records[j].nfilters; k++) {
				const struct sch_filter *o =
				    &s->records[j].filters[k];
				if (o == fl)
					break;
				if (strcmp(o->name, fl->name) == 0)
					diags_add(d, s->file, fl->line, fl->col,
					    "duplicate filter '%s' (filter "
					    "names are unique in the "
					    "dictionary)", fl->name);
			}
	}
	if (r->nsearch_cols > 0)
		r->search_cols = xcalloc(r->nsearch_cols,
		    sizeof *r->search_cols);
	for (i = 0; i < r->nsearch_cols; i++) {
		const char *n = r->search_col_names[i], *dot = strchr(n, '.');
		const struct sch_record *in = r;
		int fi;
		if (dot != NULL) {
			in = NULL;
			if (r->parent != NULL && strlen(r->parent) ==
			    (size_t)(dot - n) && strncmp(n, r->parent,
			    (size_t)(dot - n)) == 0)
				in = schema_record(s, r->parent);
			if (in == NULL) {
				diags_add(d, s->file, r->line, r->col,
				    "record '%s': search column '%s': only the "
				    "record's fields and its parent's "
				    "(parent.field) can be shown", r->name, n);
				continue;
			}
			n = dot + 1;
		}
		fi = schema_field_index(in, n);
		if (fi < 0 || !schema_field_stored(&in->fields[fi])) {
			diags_add(d, s->file, r->line, r->col,
			    "record '%s': search column '%s' is not a stored "
			    "field of record '%s'", r->name, n, in->name);
			continue;
		}
		r->search_cols[i].parent = in != r;
		r->search_cols[i].field = (size_t)fi;
	}
}

static void
hash_str(uint64_t *h, const char *s)
{
	*h = util_fnv1a(*h, s != NULL ? s : "", s != NULL ? strlen(s) + 1 : 1);
}

void
schema_finish(struct schema *s, struct diags *d)
{
	size_t i, j, k;
	uint64_t h = UTIL_FNV_INIT;

	if (s->nlangs == 0) {
		s->langs[0] = xstrdup("id");
		s->nlangs = 1;
	}
	finish_valuesets(s, d);
	if (s->nrecords == 0)
		diags_add(d, s->file, 0, 0, "the dictionary has no records");
	for (i = 0; i < s->nrecords; i++) {
		struct sch_record *r = &s->records[i];
		if (!util_is_ident(r->name))
			diags_add(d, s->file, r->line, r->col,
			    "record name '%s' is not an identifier", r->name);
		else if (schema_reserved_name(r->name))
			diags_add(d, s->file, r->line, r->col,
			    "record name '%s' is reserved", r->name);
		for (k = 0; k < i; k++)
			if (strcmp(s->records[k].name, r->name) == 0)
				diags_add(d, s->file, r->line, r->col,
				    "duplicate record '%s'", r->name);
		if (r->parent != NULL && schema_record(s, r->parent) == NULL)
			diags_add(d, s->file, r->line, r->col,
			    "record '%s': parent '%s' is not a record", r->name,
			    r->parent);
		if (r->nfields == 0)
			diags_add(d, s->file, r->line, r->col,
			    "record '%s' has no fields", r->name);
		if (r->parent == NULL && (r->min_count || r->max_count ||
		    r->nroster_rules))
			diags_add(d, s->file, r->line, r->col,
			    "record '%s': min_count, max_count and roster_rules "
			    "are for rosters (records with a parent)", r->name);
		if (r->max_count && r->min_count > r->max_count)
			diags_add(d, s->file, r->line, r->col,
			    "record '%s': min_count is greater than max_count",
			    r->name);
		if (r->parent != NULL && schema_record(s, r->parent) != NULL &&
		    schema_record(s, r->parent)->parent != NULL)
			diags_add(d, s->file, r->line, r->col,
			    "record '%s': its parent '%s' is itself a roster; "
			    "rosters nest one level deep", r->name, r->parent);
		if (r->parent != NULL && strcmp(r->parent, r->name) == 0)
			diags_add(d, s->file, r->line, r->col,
			    "record '%s' cannot be its own parent", r->name);
		for (j = 0; j < r->nfields; j++)
			finish_field(s, r, &r->fields[j], d);
		finish_pages(s, r, d);
		finish_title(s, r, d);
		finish_search(s, r, d);
	}

	/* The hash covers what storage depends on: names and column types. */
	hash_str(&h, s->name);
	for (i = 0; i < s->nrecords; i++) {
		const struct sch_record *r = &s->records[i];
		hash_str(&h, r->name);
		hash_str(&h, r->parent);
		for (j = 0; j < r->nfields; j++) {
			if (!schema_field_stored(&r->fields[j]))
				continue;
			hash_str(&h, r->fields[j].name);
			hash_str(&h, schema_field_sql_type(&r->fields[j]));
			if (r->fields[j].unique)
				hash_str(&h, "unique");
			if (r->fields[j].search) /* the search index */
				hash_str(&h, "search");
		}
		/* the duplicate_key has an index */
		for (j = 0; j < r->ndup_key; j++) {
			hash_str(&h, "dup");
			hash_str(&h, r->fields[r->dup_key[j]].name);
		}
	}
	snprintf(s->hash, sizeof s->hash, "%016llx", (unsigned long long)h);
}

void
sch_reports_free(struct sch_reports *r)
{
	size_t i, j;
	if (r == NULL)
		return;
	for (i = 0; i < r->n; i++) {
		struct sch_report *p = &r->v[i];
		free(p->name);
		sch_text_free(&p->title);
		free(p->record);
		free(p->region);
		free(p->by.text);
		sch_text_free(&p->by_label);
		free(p->filter.text);
		for (j = 0; j < p->ncols; j++) {
			free(p->cols[j].name);
			sch_text_free(&p->cols[j].label);
			free(p->cols[j].record);
			free(p->cols[j].expr.text);
		}
		free(p->cols);
	}
	free(r->v);
	free(r->file);
	free(r);
}

const struct sch_report *
sch_report_find(const struct sch_reports *r, const char *name)
{
	size_t i;
	for (i = 0; r != NULL && i < r->n; i++)
		if (strcmp(r->v[i].name, name) == 0)
			return &r->v[i];
	return NULL;
}
