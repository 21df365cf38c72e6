/*
 * schema_yaml: the dictionary and form files, read with libyaml's document
 * API (each node keeps its line and column for messages).
 *
 * The walk follows the shape of the schema language, never the shape of the
 * document, so its depth is bounded whatever the input. Unknown keys are
 * mistakes (a typo must not silently drop a rule); the message lists the keys
 * that are known.
 */
#include "schema_yaml.h"

#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <yaml.h>

#include "util.h"

struct ctx {
	const char *file;
	yaml_document_t *doc;
	struct diags *d;
	struct schema *s;
};

#define LINE(n) ((int)(n)->start_mark.line + 1)
#define COL(n) ((int)(n)->start_mark.column + 1)

static void
err_at(struct ctx *c, const yaml_node_t *n, const char *fmt, ...)
    UTIL_PRINTF(3, 4);

static void
err_at(struct ctx *c, const yaml_node_t *n, const char *fmt, ...)
{
	va_list ap;
	char *m;
	va_start(ap, fmt);
	m = xvasprintf(fmt, ap);
	va_end(ap);
	diags_add(c->d, c->file, n != NULL ? LINE(n) : 0, n != NULL ? COL(n) : 0,
	    "%s", m);
	free(m);
}

static yaml_node_t *
node(struct ctx *c, int idx)
{
	return yaml_document_get_node(c->doc, idx);
}

static const char *
scalar(const yaml_node_t *n)
{
	if (n == NULL || n->type != YAML_SCALAR_NODE)
		return NULL;
	return (const char *)n->data.scalar.value;
}

static const char *
type_name(const yaml_node_t *n)
{
	if (n == NULL) /* an absent key */
		return "nothing";
	switch (n->type) {
	case YAML_SCALAR_NODE:
		return "a value";
	case YAML_SEQUENCE_NODE:
		return "a list";
	case YAML_MAPPING_NODE:
		return "a mapping";
	default:
		return "nothing";
	}
}

/* A scalar with no NUL bytes inside and valid UTF-8; else NULL + message. */
static const char *
want_scalar(struct ctx *c, const yaml_node_t *n, const char *what)
{
	const char *v = scalar(n);
	if (v == NULL) {
		err_at(c, n, "%s must be a value, not %s", what, type_name(n));
		return NULL;
	}
	if (strlen(v) != n->data.scalar.length ||
	    !utf8_valid(v, n->data.scalar.length)) {
		err_at(c, n, "%s is not valid UTF-8 text", what);
		return NULL;
	}
	return v;
}

/*
 * Check a mapping's keys against the known list: reports unknown and
 * duplicate keys. Returns 0 when n is a mapping.
 */
static int
check_keys(struct ctx *c, const yaml_node_t *n, const char *what,
    const char *const *known)
{
	yaml_node_pair_t *p, *q;
	if (n == NULL || n->type != YAML_MAPPING_NODE) {
		err_at(c, n, "%s must be a mapping (key: value), not %s", what,
		    n != NULL ? type_name(n) : "nothing");
		return -1;
	}
	for (p = n->data.mapping.pairs.start; p < n->data.mapping.pairs.top;
	    p++) {
		yaml_node_t *k = node(c, p->key);
		const char *ks = scalar(k);
		size_t i;
		int ok = 0;
		if (ks == NULL) {
			err_at(c, k, "%s: a key must be a plain name", what);
			continue;
		}
		for (q = n->data.mapping.pairs.start; q < p; q++) {
			const char *qs = scalar(node(c, q->key));
			if (qs != NULL && strcmp(qs, ks) == 0) {
				err_at(c, k, "%s: key '%s' appears twice", what,
				    ks);
				break;
			}
		}
		for (i = 0; known[i] != NULL; i++)
			if (strcmp(known[i], ks) == 0)
				ok = 1;
		if (!ok) {
			struct sbuf b = {0};
			for (i = 0; known[i] != NULL; i++)
				sbuf_addf(&b, "%s%s", i ? ", " : "", known[i]);
			err_at(c, k, "%s: unknown key '%s' (known: %s)", what, ks,
			    b.s);
			sbuf_free(&b);
		}
	}
	return 0;
}

static yaml_node_t *
get(struct ctx *c, const yaml_node_t *map, const char *key)
{
	yaml_node_pair_t *p;
	if (map == NULL || map->type != YAML_MAPPING_NODE)
		return NULL;
	for (p = map->data.mapping.pairs.start; p < map->data.mapping.pairs.top;
	    p++) {
		const char *ks = scalar(node(c, p->key));
		if (ks != NULL && strcmp(ks, key) == 0)
			return node(c, p->value);
	}
	return NULL;
}

/*
 * want_scalar for a key that must be present: an absent key is reported at
 * the mapping that lacks it (want_scalar alone would say line 0).
 */
static const char *
want_key(struct ctx *c, const yaml_node_t *map, const char *key,
    const char *what)
{
	yaml_node_t *v = get(c, map, key);
	if (v == NULL) {
		err_at(c, map, "%s: missing '%s:'", what, key);
		return NULL;
	}
	return want_scalar(c, v, key);
}

static int
parse_bool(struct ctx *c, const yaml_node_t *n, const char *what, int *out)
{
	const char *v = want_scalar(c, n, what);
	if (v == NULL)
		return -1;
	if (strcmp(v, "true") == 0 || strcmp(v, "yes") == 0) {
		*out = 1;
		return 0;
	}
	if (strcmp(v, "false") == 0 || strcmp(v, "no") == 0) {
		*out = 0;
		return 0;
	}
	err_at(c, n, "%s must be true or false, not '%s'", what, v);
	return -1;
}

static int
parse_number(struct ctx *c, const yaml_node_t *n, const char *what, double *out)
{
	const char *v = want_scalar(c, n, what);
	char *end;
	if (v == NULL)
		return -1;
	errno = 0;
	*out = strtod(v, &end);
	if (end == v || *end != '\0' || errno != 0 || *out != *out) {
		err_at(c, n, "%s must be a number, not '%s'", what, v);
		return -1;
	}
	return 0;
}

static int
parse_int(struct ctx *c, const yaml_node_t *n, const char *what, int lo,
    int hi, int *out)
{
	double v;
	if (parse_number(c, n, what, &v) < 0)
		return -1;
	/* range first: casting an out-of-range double to long is undefined */
	if (v < lo || v > hi || v != (double)(long)v) {
		err_at(c, n, "%s must be a whole number from %d to %d", what, lo,
		    hi);
		return -1;
	}
	*out = (int)v;
	return 0;
}

/* A label: a plain value (first language) or {lang: text, ...}. */
static void
parse_text(struct ctx *c, const yaml_node_t *n, const char *what,
    struct sch_text *t)
{
	yaml_node_pair_t *p;
	if (n == NULL)
		return;
	if (n->type == YAML_SCALAR_NODE) {
		const char *v = want_scalar(c, n, what);
		if (v != NULL) {
			free(t->s[0]);
			t->s[0] = xstrdup(v);
		}
		return;
	}
	if (n->type != YAML_MAPPING_NODE) {
		err_at(c, n, "%s must be a text or {language: text}", what);
		return;
	}
	for (p = n->data.mapping.pairs.start; p < n->data.mapping.pairs.top;
	    p++) {
		yaml_node_t *k = node(c, p->key);
		const char *lang = scalar(k), *v;
		int li;
		if (lang == NULL)
			continue;
		li = schema_lang_index(c->s, lang);
		if (li < 0) {
			struct sbuf b = {0};
			int i;
			for (i = 0; i < c->s->nlangs; i++)
				sbuf_addf(&b, "%s%s", i ? ", " : "",
				    c->s->langs[i]);
			err_at(c, k, "%s: language '%s' is not in 'languages' (%s)",
			    what, lang, b.s);
			sbuf_free(&b);
			continue;
		}
		v = want_scalar(c, node(c, p->value), what);
		if (v != NULL) {
			free(t->s[li]);
			t->s[li] = xstrdup(v);
		}
	}
}

static void
parse_languages(struct ctx *c, const yaml_node_t *n)
{
	yaml_node_item_t *it;
	if (n == NULL)
		return;
	if (n->type != YAML_SEQUENCE_NODE) {
		err_at(c, n, "languages must be a list such as [id, en]");
		return;
	}
	for (it = n->data.sequence.items.start; it < n->data.sequence.items.top;
	    it++) {
		yaml_node_t *l = node(c, *it);
		const char *v = want_scalar(c, l, "a language");
		if (v == NULL)
			continue;
		if (strlen(v) < 2 || strlen(v) > 8 || !util_is_ident(v)) {
			err_at(c, l, "language '%s' is not a code such as id or en",
			    v);
			continue;
		}
		if (schema_lang_index(c->s, v) >= 0) {
			err_at(c, l, "language '%s' is listed twice", v);
			continue;
		}
		if (c->s->nlangs == SCHEMA_MAX_LANGS) {
			err_at(c, l, "at most %d languages", SCHEMA_MAX_LANGS);
			return;
		}
		c->s->langs[c->s->nlangs++] = xstrdup(v);
	}
}

/* Keys of a choice besides code and label become columns for filters. */
static void
parse_choice_attrs(struct ctx *c, const yaml_node_t *ch, struct sch_choice *cc)
{
	yaml_node_pair_t *p;
	for (p = ch->data.mapping.pairs.start; p < ch->data.mapping.pairs.top;
	    p++) {
		yaml_node_t *k = node(c, p->key);
		const char *ks = scalar(k), *v;
		if (ks == NULL || strcmp(ks, "code") == 0 ||
		    strcmp(ks, "label") == 0)
			continue;
		if (!util_is_ident(ks)) {
			err_at(c, k, "choice column '%s' is not an identifier",
			    ks);
			continue;
		}
		if ((v = want_scalar(c, node(c, p->value), ks)) == NULL)
			continue;
		cc->attr_names = xreallocarray(cc->attr_names, cc->nattrs + 1,
		    sizeof *cc->attr_names);
		cc->attr_values = xreallocarray(cc->attr_values, cc->nattrs + 1,
		    sizeof *cc->attr_values);
		cc->attr_names[cc->nattrs] = xstrdup(ks);
		cc->attr_values[cc->nattrs] = xstrdup(v);
		cc->nattrs++;
	}
}

static void
parse_valuesets(struct ctx *c, const yaml_node_t *n)
{
	yaml_node_pair_t *p;
	if (n == NULL)
		return;
	if (n->type != YAML_MAPPING_NODE) {
		err_at(c, n, "value_sets must be a mapping of name: [choices]");
		return;
	}
	for (p = n->data.mapping.pairs.start; p < n->data.mapping.pairs.top;
	    p++) {
		yaml_node_t *k = node(c, p->key), *v = node(c, p->value);
		const char *name = want_scalar(c, k, "a value set name");
		struct sch_valueset *vs;
		yaml_node_item_t *it;
		if (name == NULL)
			continue;
		c->s->valuesets = xreallocarray(c->s->valuesets,
		    c->s->nvaluesets + 1, sizeof *c->s->valuesets);
		vs = &c->s->valuesets[c->s->nvaluesets++];
		memset(vs, 0, sizeof *vs);
		vs->name = xstrdup(name);
		vs->line = LINE(k);
		vs->col = COL(k);
		if (v->type != YAML_SEQUENCE_NODE) {
			err_at(c, v, "value set '%s' must be a list of "
			    "{code: ..., label: ...}", name);
			continue;
		}
		for (it = v->data.sequence.items.start;
		    it < v->data.sequence.items.top; it++) {
			yaml_node_t *ch = node(c, *it);
			const char *code;
			struct sch_choice *cc;
			if (ch == NULL || ch->type != YAML_MAPPING_NODE) {
				err_at(c, ch, "a choice must be a mapping "
				    "{code: ..., label: ...}");
				continue;
			}
			code = want_key(c, ch, "code", "a choice");
			if (code == NULL)
				continue;
			if (code[0] == '\0' || strlen(code) > 32) {
				err_at(c, ch, "value set '%s': a code must have 1 "
				    "to 32 characters", name);
				continue;
			}
			vs->choices = xreallocarray(vs->choices,
			    vs->nchoices + 1, sizeof *vs->choices);
			cc = &vs->choices[vs->nchoices++];
			memset(cc, 0, sizeof *cc);
			cc->code = xstrdup(code);
			parse_text(c, get(c, ch, "label"), "label", &cc->label);
			parse_choice_attrs(c, ch, cc);
		}
	}
}

static const char *const field_keys[] = {"name", "type", "label", "hint",
	"required", "min", "max", "width", "values", "default", "relevant",
	"constraint", "constraint_message", "calculation", "read_only",
	"pattern", "persistent", "choice_filter", "unique", "level",
	"renamed_from", "search", NULL};

/* An expression value: a non-empty text; its place is kept for messages. */
static void
parse_expr(struct ctx *c, const yaml_node_t *n, const char *what,
    struct sch_expr *e)
{
	const char *v;
	if (n == NULL)
		return;
	if ((v = want_scalar(c, n, what)) == NULL)
		return;
	if (v[strspn(v, " \t\r\n")] == '\0') {
		err_at(c, n, "%s is empty", what);
		return;
	}
	free(e->text);
	e->text = xstrdup(v);
	e->line = LINE(n);
	e->col = COL(n);
}

static void
parse_field(struct ctx *c, const yaml_node_t *n, struct sch_field *f)
{
	yaml_node_t *v;
	const char *s;
	int t;

	f->line = LINE(n);
	f->col = COL(n);
	if (check_keys(c, n, "a field", field_keys) < 0) {
		f->name = xstrdup("?");
		return;
	}
	s = want_key(c, n, "name", "a field");
	f->name = xstrdup(s != NULL ? s : "?");
	v = get(c, n, "type");
	if (v == NULL)
		err_at(c, n, "field '%s': missing 'type:' (known: %s)", f->name,
		    field_type_names());
	else if ((s = want_scalar(c, v, "field type")) != NULL) {
		t = field_type_lookup(s);
		if (t < 0)
			err_at(c, v, "field '%s': unknown type '%s' (known: %s)",
			    f->name, s, field_type_names());
		else
			f->type = (enum field_type)t;
	}
	parse_text(c, get(c, n, "label"), "label", &f->label);
	parse_text(c, get(c, n, "hint"), "hint", &f->hint);
	if ((v = get(c, n, "required")) != NULL) {
		s = scalar(v);
		if (s != NULL && (strcmp(s, "true") == 0 || strcmp(s, "false") ==
		    0 || strcmp(s, "yes") == 0 || strcmp(s, "no") == 0))
			parse_bool(c, v, "required", &f->required);
		else
			parse_expr(c, v, "required", &f->required_if);
	}
	parse_expr(c, get(c, n, "relevant"), "relevant", &f->relevant);
	parse_expr(c, get(c, n, "constraint"), "constraint", &f->constraint);
	parse_text(c, get(c, n, "constraint_message"), "constraint_message",
	    &f->constraint_message);
	parse_expr(c, get(c, n, "calculation"), "calculation", &f->calculation);
	parse_expr(c, get(c, n, "choice_filter"), "choice_filter",
	    &f->choice_filter);
	if ((v = get(c, n, "default")) != NULL &&
	    (s = want_scalar(c, v, "default")) != NULL)
		f->default_value = xstrdup(s);
	if ((v = get(c, n, "read_only")) != NULL)
		parse_bool(c, v, "read_only", &f->read_only);
	if ((v = get(c, n, "persistent")) != NULL)
		parse_bool(c, v, "persistent", &f->persistent);
	if ((v = get(c, n, "unique")) != NULL)
		parse_bool(c, v, "unique", &f->unique);
	if ((v = get(c, n, "search")) != NULL)
		parse_bool(c, v, "search", &f->search);
	if ((v = get(c, n, "pattern")) != NULL &&
	    (s = want_scalar(c, v, "pattern")) != NULL)
		f->pattern = xstrdup(s);
	if ((v = get(c, n, "renamed_from")) != NULL &&
	    (s = want_scalar(c, v, "renamed_from")) != NULL)
		f->renamed_from = xstrdup(s);
	if ((v = get(c, n, "level")) != NULL &&
	    (s = want_scalar(c, v, "level")) != NULL) {
		f->level = region_level_lookup(s);
		if (f->level == RL_NONE)
			err_at(c, v, "field '%s': unknown level '%s' (known: "
			    "province, regency, district, village)", f->name, s);
	}
	if ((v = get(c, n, "min")) != NULL &&
	    parse_number(c, v, "min", &f->min) == 0)
		f->has_min = 1;
	if ((v = get(c, n, "max")) != NULL &&
	    parse_number(c, v, "max", &f->max) == 0)
		f->has_max = 1;
	if ((v = get(c, n, "width")) != NULL)
		parse_int(c, v, "width", 1, 60, &f->width);
	if ((v = get(c, n, "values")) != NULL &&
	    (s = want_scalar(c, v, "values")) != NULL)
		f->values_name = xstrdup(s);
	if ((f->has_min || f->has_max) && f->type != FT_INTEGER &&
	    f->type != FT_DECIMAL)
		err_at(c, n, "field '%s': min and max are for integer and decimal "
		    "fields", f->name);
}

static const char *const record_keys[] = {"label", "title", "parent",
	"fields", "rules", "roster_rules", "min_count", "max_count",
	"duplicate_key", "filters", "search_columns", NULL};
static const char *const filter_keys[] = {"name", "label", "where", NULL};

/* filters: a list of {name, label, where}. */
static void
parse_filters(struct ctx *c, const yaml_node_t *n, struct sch_record *r)
{
	yaml_node_item_t *it;
	if (n == NULL)
		return;
	if (n->type != YAML_SEQUENCE_NODE) {
		err_at(c, n, "filters must be a list of {name: ..., label: ..., "
		    "where: ...}");
		return;
	}
	for (it = n->data.sequence.items.start; it < n->data.sequence.items.top;
	    it++) {
		yaml_node_t *fn = node(c, *it);
		struct sch_filter *f;
		const char *s;
		if (check_keys(c, fn, "a filter", filter_keys) < 0)
			continue;
		r->filters = xreallocarray(r->filters, r->nfilters + 1,
		    sizeof *r->filters);
		f = &r->filters[r->nfilters++];
		memset(f, 0, sizeof *f);
		f->line = LINE(fn);
		f->col = COL(fn);
		s = want_key(c, fn, "name", "a filter");
		f->name = xstrdup(s != NULL ? s : "?");
		parse_text(c, get(c, fn, "label"), "label", &f->label);
		if (get(c, fn, "where") == NULL)
			err_at(c, fn, "filter '%s' needs 'where:' (an expression "
			    "over the record's fields, true for the records it "
			    "keeps)", f->name);
		parse_expr(c, get(c, fn, "where"), "where", &f->where);
	}
}

/* search_columns: a list of field names (parent.field allowed). */
static void
parse_search_columns(struct ctx *c, const yaml_node_t *n,
    struct sch_record *r)
{
	yaml_node_item_t *it;
	if (n == NULL)
		return;
	if (n->type != YAML_SEQUENCE_NODE) {
		err_at(c, n, "search_columns must be a list of field names");
		return;
	}
	for (it = n->data.sequence.items.start; it < n->data.sequence.items.top;
	    it++) {
		const char *s = want_scalar(c, node(c, *it), "a search column");
		if (s == NULL)
			continue;
		r->search_col_names = xreallocarray(r->search_col_names,
		    r->nsearch_cols + 1, sizeof *r->search_col_names);
		r->search_col_names[r->nsearch_cols++] = xstrdup(s);
	}
}
static const char *const rule_keys[] = {"name", "check", "severity",
	"message", NULL};

static void
parse_rules(struct ctx *c, const yaml_node_t *n, const char *what,
    struct sch_rule **out, size_t *nout)
{
	yaml_node_item_t *it;
	if (n == NULL)
		return;
	if (n->type != YAML_SEQUENCE_NODE) {
		err_at(c, n, "%s must be a list of {check: ..., message: ...}",
		    what);
		return;
	}
	for (it = n->data.sequence.items.start; it < n->data.sequence.items.top;
	    it++) {
		yaml_node_t *rn = node(c, *it), *v;
		struct sch_rule *r;
		const char *s;
		if (check_keys(c, rn, "a rule", rule_keys) < 0)
			continue;
		*out = xreallocarray(*out, *nout + 1, sizeof **out);
		r = &(*out)[(*nout)++];
		memset(r, 0, sizeof *r);
		r->line = LINE(rn);
		r->col = COL(rn);
		r->severity = SEV_ERROR;
		if ((v = get(c, rn, "name")) != NULL &&
		    (s = want_scalar(c, v, "rule name")) != NULL)
			r->name = xstrdup(s);
		else
			r->name = xasprintf("rule%zu", *nout);
		if (get(c, rn, "check") == NULL)
			err_at(c, rn, "a rule needs 'check:' (an expression "
			    "that is true when the data is right)");
		parse_expr(c, get(c, rn, "check"), "check", &r->check);
		if ((v = get(c, rn, "severity")) != NULL &&
		    (s = want_scalar(c, v, "severity")) != NULL) {
			if (strcmp(s, "warning") == 0)
				r->severity = SEV_WARNING;
			else if (strcmp(s, "error") != 0)
				err_at(c, v, "severity must be error or warning, "
				    "not '%s'", s);
		}
		parse_text(c, get(c, rn, "message"), "message", &r->message);
		if (r->message.s[0] == NULL)
			err_at(c, rn, "rule '%s' needs a 'message:'", r->name);
	}
}

/*
 * duplicate_key: [field, ...]: the fields whose equal values (text
 * normalised) mark a probable duplicate record; stored fields other than
 * calculations, each once, at most SCHEMA_MAX_DUPKEY.
 */
static void
parse_duplicate_key(struct ctx *c, const yaml_node_t *v, struct sch_record *r)
{
	yaml_node_item_t *it;
	if (v == NULL)
		return;
	if (v->type != YAML_SEQUENCE_NODE || v->data.sequence.items.top ==
	    v->data.sequence.items.start) {
		err_at(c, v, "duplicate_key must be a list of field names, "
		    "like [name, birth_date]");
		return;
	}
	for (it = v->data.sequence.items.start; it < v->data.sequence.items.top;
	    it++) {
		yaml_node_t *fn = node(c, *it);
		const char *fname = want_scalar(c, fn, "a field name");
		int fi = fname != NULL ? schema_field_index(r, fname) : -1;
		size_t k;
		if (fname == NULL)
			continue;
		if (fi < 0) {
			err_at(c, fn, "record '%s': duplicate_key names unknown "
			    "field '%s'", r->name, fname);
			continue;
		}
		if (!schema_field_stored(&r->fields[fi]) ||
		    r->fields[fi].type == FT_CALCULATE) {
			err_at(c, fn, "record '%s': duplicate_key field '%s' "
			    "must be an entered field (not a note or "
			    "calculation)", r->name, fname);
			continue;
		}
		for (k = 0; k < r->ndup_key; k++)
			if (r->dup_key[k] == (size_t)fi)
				break;
		if (k < r->ndup_key) {
			err_at(c, fn, "record '%s': duplicate_key names '%s' "
			    "twice", r->name, fname);
			continue;
		}
		if (r->ndup_key == SCHEMA_MAX_DUPKEY) {
			err_at(c, fn, "record '%s': duplicate_key has at most "
			    "%d fields", r->name, SCHEMA_MAX_DUPKEY);
			return;
		}
		r->dup_key[r->ndup_key++] = (size_t)fi;
	}
}

static void
parse_records(struct ctx *c, const yaml_node_t *n)
{
	yaml_node_pair_t *p;
	if (n == NULL) {
		err_at(c, NULL, "the dictionary has no 'records:'");
		return;
	}
	if (n->type != YAML_MAPPING_NODE) {
		err_at(c, n, "records must be a mapping of name: {fields: ...}");
		return;
	}
	for (p = n->data.mapping.pairs.start; p < n->data.mapping.pairs.top;
	    p++) {
		yaml_node_t *k = node(c, p->key), *v = node(c, p->value), *fl;
		const char *name = want_scalar(c, k, "a record name"), *s;
		struct sch_record *r;
		yaml_node_item_t *it;
		if (name == NULL)
			continue;
		c->s->records = xreallocarray(c->s->records,
		    c->s->nrecords + 1, sizeof *c->s->records);
		r = &c->s->records[c->s->nrecords++];
		memset(r, 0, sizeof *r);
		r->name = xstrdup(name);
		r->line = LINE(k);
		r->col = COL(k);
		if (check_keys(c, v, "a record", record_keys) < 0)
			continue;
		parse_text(c, get(c, v, "label"), "label", &r->label);
		if (get(c, v, "title") != NULL &&
		    (s = want_scalar(c, get(c, v, "title"), "title")) != NULL)
			r->title = xstrdup(s);
		if (get(c, v, "parent") != NULL &&
		    (s = want_scalar(c, get(c, v, "parent"), "parent")) != NULL)
			r->parent = xstrdup(s);
		parse_rules(c, get(c, v, "rules"), "rules", &r->rules,
		    &r->nrules);
		parse_rules(c, get(c, v, "roster_rules"), "roster_rules",
		    &r->roster_rules, &r->nroster_rules);
		parse_filters(c, get(c, v, "filters"), r);
		parse_search_columns(c, get(c, v, "search_columns"), r);
		if (get(c, v, "min_count") != NULL)
			parse_int(c, get(c, v, "min_count"), "min_count", 0, 1000,
			    &r->min_count);
		if (get(c, v, "max_count") != NULL)
			parse_int(c, get(c, v, "max_count"), "max_count", 1, 1000,
			    &r->max_count);
		fl = get(c, v, "fields");
		if (fl == NULL || fl->type != YAML_SEQUENCE_NODE) {
			err_at(c, fl != NULL ? fl : v,
			    "record '%s' needs 'fields:' as a list", name);
			continue;
		}
		for (it = fl->data.sequence.items.start;
		    it < fl->data.sequence.items.top; it++) {
			struct sch_field *f;
			r->fields = xreallocarray(r->fields, r->nfields + 1,
			    sizeof *r->fields);
			f = &r->fields[r->nfields++];
			memset(f, 0, sizeof *f);
			parse_field(c, node(c, *it), f);
		}
		parse_duplicate_key(c, get(c, v, "duplicate_key"), r);
	}
}

static const char *const top_keys[] = {"dictionary", "version", "languages",
	"regions", "regions_retired", "value_sets", "records", NULL};

static void
parse_dictionary(struct ctx *c, yaml_node_t *root)
{
	const char *s;
	yaml_node_t *v;

	if (check_keys(c, root, "the dictionary", top_keys) < 0)
		return;
	s = want_key(c, root, "dictionary", "the dictionary");
	if (s != NULL && !util_is_ident(s))
		err_at(c, get(c, root, "dictionary"),
		    "dictionary name '%s' is not an identifier", s);
	c->s->name = xstrdup(s != NULL ? s : "?");
	c->s->version = 1;
	if ((v = get(c, root, "version")) != NULL)
		parse_int(c, v, "version", 1, 1000000, &c->s->version);
	parse_languages(c, get(c, root, "languages"));
	if ((v = get(c, root, "regions")) != NULL &&
	    (s = want_scalar(c, v, "regions")) != NULL) {
		if (strchr(s, '/') != NULL || s[0] == '.')
			err_at(c, v, "regions must name a file beside the "
			    "dictionary, not a path: '%s'", s);
		else
			c->s->regions_file = xstrdup(s);
	}
	if ((v = get(c, root, "regions_retired")) != NULL &&
	    (s = want_scalar(c, v, "regions_retired")) != NULL) {
		if (strchr(s, '/') != NULL || s[0] == '.')
			err_at(c, v, "regions_retired must name a file beside "
			    "the dictionary, not a path: '%s'", s);
		else if (get(c, root, "regions") == NULL)
			err_at(c, v, "regions_retired needs 'regions: FILE.csv' "
			    "too: retired codes complete the current ones");
		else
			c->s->regions_retired_file = xstrdup(s);
	}
	if (c->s->nlangs == 0)
		c->s->langs[c->s->nlangs++] = xstrdup("id");
	parse_valuesets(c, get(c, root, "value_sets"));
	parse_records(c, get(c, root, "records"));
}

/* Parse text into doc; reports a syntax error and returns -1. */
static int
load_doc(const char *file, const char *text, size_t len, yaml_document_t *doc,
    struct diags *d)
{
	yaml_parser_t parser;
	int rc = 0;

	if (!yaml_parser_initialize(&parser))
		util_fatal("out of memory");
	yaml_parser_set_input_string(&parser, (const unsigned char *)text, len);
	if (!yaml_parser_load(&parser, doc)) {
		diags_add(d, file, (int)parser.problem_mark.line + 1,
		    (int)parser.problem_mark.column + 1, "YAML syntax: %s%s%s",
		    parser.problem != NULL ? parser.problem : "error",
		    parser.context != NULL ? " " : "",
		    parser.context != NULL ? parser.context : "");
		rc = -1;
	} else if (yaml_document_get_root_node(doc) == NULL) {
		diags_add(d, file, 0, 0, "the file is empty");
		yaml_document_delete(doc);
		rc = -1;
	}
	yaml_parser_delete(&parser);
	return rc;
}

/* Read a whole file (at most 16 MiB). */
static char *
read_file(const char *path, size_t *len, struct diags *d)
{
	FILE *f = fopen(path, "rb");
	struct sbuf b = {0};
	char buf[65536];
	size_t n;

	if (f == NULL) {
		diags_add(d, path, 0, 0, "cannot read: %s", strerror(errno));
		return NULL;
	}
	while ((n = fread(buf, 1, sizeof buf, f)) > 0) {
		sbuf_addn(&b, buf, n);
		if (b.len > 16u << 20) {
			diags_add(d, path, 0, 0, "file is larger than 16 MiB");
			fclose(f);
			sbuf_free(&b);
			return NULL;
		}
	}
	if (ferror(f)) {
		diags_add(d, path, 0, 0, "cannot read: %s", strerror(errno));
		fclose(f);
		sbuf_free(&b);
		return NULL;
	}
	fclose(f);
	*len = b.len;
	return sbuf_steal(&b);
}

static struct schema *
load_dictionary(const char *name, const char *text, size_t len,
    struct diags *d)
{
	yaml_document_t doc;
	struct ctx c;
	struct schema *s;

	if (load_doc(name, text, len, &doc, d) < 0)
		return NULL;
	s = schema_new();
	s->file = xstrdup(name);
	c.file = s->file;
	c.doc = &doc;
	c.d = d;
	c.s = s;
	parse_dictionary(&c, yaml_document_get_root_node(&doc));
	yaml_document_delete(&doc);
	return s;
}

struct schema *
schema_yaml_load_string(const char *name, const char *text, size_t len,
    struct diags *d)
{
	size_t before = d->n;
	struct schema *s = load_dictionary(name, text, len, d);
	if (s == NULL)
		return NULL;
	schema_finish(s, d);
	if (d->n > before) {
		schema_free(s);
		return NULL;
	}
	return s;
}

struct schema *
schema_yaml_load_file(const char *path, struct diags *d)
{
	size_t len;
	char *text = read_file(path, &len, d);
	struct schema *s;
	if (text == NULL)
		return NULL;
	s = schema_yaml_load_string(path, text, len, d);
	free(text);
	return s;
}

static const char *const form_keys[] = {"record", "pages", "roster_columns",
	NULL};
static const char *const page_keys[] = {"title", "fields", NULL};

/* forms/<record>.yaml: pages of fields in order. */
static void
parse_form(struct ctx *c, yaml_node_t *root, struct sch_record *r)
{
	yaml_node_t *pages, *v;
	yaml_node_item_t *it, *jt;
	const char *s;

	if (check_keys(c, root, "a form", form_keys) < 0)
		return;
	v = get(c, root, "record");
	/* record: is optional, the file name says which record it is */
	if (v != NULL && (s = want_scalar(c, v, "record")) != NULL &&
	    strcmp(s, r->name) != 0)
		err_at(c, v, "form file for '%s' says record '%s'", r->name, s);
	pages = get(c, root, "pages");
	if (pages == NULL || pages->type != YAML_SEQUENCE_NODE) {
		err_at(c, pages != NULL ? pages : root,
		    "a form needs 'pages:' as a list");
		return;
	}
	for (it = pages->data.sequence.items.start;
	    it < pages->data.sequence.items.top; it++) {
		yaml_node_t *pn = node(c, *it), *fl;
		struct sch_page *pg;
		if (check_keys(c, pn, "a page", page_keys) < 0)
			continue;
		r->pages = xreallocarray(r->pages, r->npages + 1,
		    sizeof *r->pages);
		pg = &r->pages[r->npages++];
		memset(pg, 0, sizeof *pg);
		parse_text(c, get(c, pn, "title"), "title", &pg->title);
		fl = get(c, pn, "fields");
		if (fl == NULL || fl->type != YAML_SEQUENCE_NODE) {
			err_at(c, fl != NULL ? fl : pn,
			    "a page needs 'fields:' as a list of field names");
			continue;
		}
		for (jt = fl->data.sequence.items.start;
		    jt < fl->data.sequence.items.top; jt++) {
			yaml_node_t *fn = node(c, *jt);
			const char *fname = want_scalar(c, fn, "a field name");
			int fi;
			size_t k;
			if (fname == NULL)
				continue;
			fi = schema_field_index(r, fname);
			if (fi < 0) {
				err_at(c, fn, "form '%s': unknown field '%s'",
				    r->name, fname);
				continue;
			}
			for (k = 0; k < pg->nfields; k++)
				if (pg->fields[k] == (size_t)fi)
					break;
			if (k < pg->nfields) {
				err_at(c, fn, "form '%s': field '%s' is placed "
				    "twice", r->name, fname);
				continue;
			}
			pg->fields = xreallocarray(pg->fields, pg->nfields + 1,
			    sizeof *pg->fields);
			pg->fields[pg->nfields++] = (size_t)fi;
		}
	}
	v = get(c, root, "roster_columns");
	if (v != NULL && v->type == YAML_SEQUENCE_NODE) {
		for (it = v->data.sequence.items.start;
		    it < v->data.sequence.items.top; it++) {
			yaml_node_t *fn = node(c, *it);
			const char *fname = want_scalar(c, fn, "a field name");
			int fi = fname != NULL ? schema_field_index(r, fname) :
			    -1;
			if (fname != NULL && fi < 0)
				err_at(c, fn, "form '%s': roster column names "
				    "unknown field '%s'", r->name, fname);
			else if (fi >= 0) {
				r->roster_columns = xreallocarray(
				    r->roster_columns, r->nroster_columns + 1,
				    sizeof *r->roster_columns);
				r->roster_columns[r->nroster_columns++] =
				    (size_t)fi;
			}
		}
	} else if (v != NULL)
		err_at(c, v, "roster_columns must be a list of field names");
}

static int
has_suffix(const char *s, const char *suf)
{
	size_t a = strlen(s), b = strlen(suf);
	return a >= b && strcmp(s + a - b, suf) == 0;
}

static void
load_forms(struct schema *s, const char *forms_dir, struct diags *d)
{
	DIR *dir;
	struct dirent *e;
	char **names = NULL;
	size_t n = 0, i;

	if (forms_dir == NULL || (dir = opendir(forms_dir)) == NULL)
		return; /* no forms: every record gets a generated one */
	while ((e = readdir(dir)) != NULL)
		if (e->d_name[0] != '.' && has_suffix(e->d_name, ".yaml")) {
			names = xreallocarray(names, n + 1, sizeof *names);
			names[n++] = xstrdup(e->d_name);
		}
	closedir(dir);
	for (i = 0; i < n; i++) {
		char *path = xasprintf("%s/%s", forms_dir, names[i]);
		char *rname = xstrndup(names[i], strlen(names[i]) - 5);
		struct sch_record *r = (struct sch_record *)schema_record(s,
		    rname);
		size_t len;
		char *text;
		yaml_document_t doc;

		if (r == NULL)
			diags_add(d, path, 0, 0, "form for unknown record '%s'",
			    rname);
		else if ((text = read_file(path, &len, d)) != NULL) {
			if (load_doc(path, text, len, &doc, d) == 0) {
				struct ctx c = {path, &doc, d, s};
				r->form_file = xstrdup(path);
				parse_form(&c, yaml_document_get_root_node(&doc),
				    r);
				yaml_document_delete(&doc);
			}
			free(text);
		}
		free(path);
		free(rname);
		free(names[i]);
	}
	free(names);
}

/* 1 if the file's top level is a mapping with a `dictionary:` key. */
static int
is_dictionary(const char *text, size_t len)
{
	yaml_parser_t parser;
	yaml_event_t ev;
	int depth = 0, result = 0, done = 0, expect_key = 0;

	if (!yaml_parser_initialize(&parser))
		util_fatal("out of memory");
	yaml_parser_set_input_string(&parser, (const unsigned char *)text, len);
	while (!done) {
		if (!yaml_parser_parse(&parser, &ev)) {
			/* unparsable: a dictionary if it says so at the start
			 * of a line, so that the loader reports the mistake */
			result = (len >= 11 && strncmp(text, "dictionary:",
			    11) == 0) || memmem(text, len, "\ndictionary:",
			    12) != NULL;
			break;
		}
		switch (ev.type) {
		case YAML_MAPPING_START_EVENT:
			depth++;
			expect_key = depth == 1;
			break;
		case YAML_SEQUENCE_START_EVENT:
			depth++;
			break;
		case YAML_MAPPING_END_EVENT:
		case YAML_SEQUENCE_END_EVENT:
			depth--;
			expect_key = depth == 1;
			if (depth == 0)
				done = 1;
			break;
		case YAML_SCALAR_EVENT:
			if (depth == 1 && expect_key &&
			    strcmp((char *)ev.data.scalar.value, "dictionary") == 0) {
				result = 1;
				done = 1;
			}
			if (depth == 1)
				expect_key = !expect_key;
			break;
		case YAML_STREAM_END_EVENT:
			done = 1;
			break;
		default:
			break;
		}
		yaml_event_delete(&ev);
	}
	yaml_parser_delete(&parser);
	return result;
}

struct schema *
schema_yaml_load(const char *schema_dir, const char *forms_dir,
    struct diags *d)
{
	size_t before = d->n;
	struct schema *s = schema_yaml_load_partial(schema_dir, forms_dir, d);
	if (s != NULL && d->n > before) {
		schema_free(s);
		return NULL;
	}
	return s;
}

struct schema *
schema_yaml_load_partial(const char *schema_dir, const char *forms_dir,
    struct diags *d)
{
	DIR *dir;
	struct dirent *e;
	char *found = NULL, *found_text = NULL;
	size_t found_len = 0, before = d->n;
	struct schema *s;

	if ((dir = opendir(schema_dir)) == NULL) {
		diags_add(d, schema_dir, 0, 0, "cannot read the schema folder: %s",
		    strerror(errno));
		return NULL;
	}
	while ((e = readdir(dir)) != NULL) {
		char *path;
		size_t len;
		char *text;
		if (e->d_name[0] == '.' || !has_suffix(e->d_name, ".yaml") ||
		    strcmp(e->d_name, "reports.yaml") == 0)
			continue;
		path = xasprintf("%s/%s", schema_dir, e->d_name);
		text = read_file(path, &len, d);
		if (text != NULL && is_dictionary(text, len)) {
			if (found != NULL) {
				diags_add(d, path, 0, 0, "a second dictionary "
				    "in the folder (the first is %s); keep one",
				    found);
				free(text);
				free(path);
				continue;
			}
			found = path;
			found_text = text;
			found_len = len;
			continue;
		}
		free(text);
		free(path);
	}
	closedir(dir);
	if (found == NULL) {
		if (d->n == before)
			diags_add(d, schema_dir, 0, 0, "no dictionary here (a "
			    "*.yaml file whose top level has 'dictionary:')");
		return NULL;
	}
	s = load_dictionary(found, found_text, found_len, d);
	free(found_text);
	free(found);
	if (s == NULL)
		return NULL;
	s->dir = xstrdup(schema_dir);
	load_forms(s, forms_dir, d);
	schema_finish(s, d);
	return s;
}

/* ---- reports.yaml ------------------------------------------------------ */

static const char *const reports_top_keys[] = {"reports", NULL};
static const char *const report_keys[] = {"type", "title", "record",
	"region", "levels", "by", "by_label", "filter", "columns", "source",
	NULL};
static const char *const agg_col_keys[] = {"name", "label", "record",
	"count", "sum", "any", NULL};
static const char *const list_col_keys[] = {"name", "label", "expr",
	"width", NULL};

static void
parse_rcol(struct ctx *c, const yaml_node_t *n, enum sch_report_kind kind,
    struct sch_rcol *col)
{
	static const char *const aggs[] = {"count", "sum", "any"};
	const char *v;
	yaml_node_t *e = NULL;
	int i, nagg = 0;

	col->line = LINE(n);
	col->col = COL(n);
	if (kind == SR_LIST && n->type == YAML_SCALAR_NODE) {
		/* a bare field name: `name` or `household.address` */
		if ((v = want_scalar(c, n, "a column")) == NULL)
			return;
		col->name = xstrdup(strchr(v, '.') != NULL ?
		    strchr(v, '.') + 1 : v);
		parse_expr(c, n, "a column", &col->expr);
		return;
	}
	if (check_keys(c, n, "a report column", kind == SR_AGGREGATE ?
	    agg_col_keys : list_col_keys) < 0)
		return;
	if ((v = want_key(c, n, "name", "a report column")) != NULL) {
		if (!util_is_ident(v))
			err_at(c, get(c, n, "name"), "column name '%s' is not "
			    "an identifier ([a-z_][a-z0-9_]*)", v);
		col->name = xstrdup(v);
	}
	parse_text(c, get(c, n, "label"), "label", &col->label);
	if (kind == SR_LIST) {
		if ((e = get(c, n, "expr")) == NULL && col->name != NULL)
			e = get(c, n, "name"); /* the field of that name */
		parse_expr(c, e, "expr", &col->expr);
		if (get(c, n, "width") != NULL)
			parse_int(c, get(c, n, "width"), "width", 1, 200,
			    &col->width);
		return;
	}
	if (get(c, n, "record") != NULL &&
	    (v = want_scalar(c, get(c, n, "record"), "record")) != NULL)
		col->record = xstrdup(v);
	for (i = 0; i < 3; i++)
		if (get(c, n, aggs[i]) != NULL) {
			if (nagg++ == 0) {
				col->agg = (enum sch_agg)i;
				e = get(c, n, aggs[i]);
			}
		}
	if (nagg != 1) {
		err_at(c, n, "a report column needs exactly one of 'count: "
		    "EXPR' (rows where it is true), 'sum: EXPR' or 'any: "
		    "EXPR' (records with a roster row where it is true)");
		return;
	}
	parse_expr(c, e, aggs[col->agg], &col->expr);
	if (col->agg == SA_ANY && col->record == NULL)
		err_at(c, e, "'any:' counts records by their roster rows: give "
		    "the roster as 'record:'");
}

static void
parse_report(struct ctx *c, const char *name, const yaml_node_t *n,
    struct sch_report *r)
{
	const char *v;
	yaml_node_t *lv, *cols;
	yaml_node_item_t *it;
	size_t i;

	r->name = xstrdup(name);
	r->line = LINE(n);
	r->col = COL(n);
	if (check_keys(c, n, "a report", report_keys) < 0)
		return;
	v = want_key(c, n, "type", "a report");
	if (v != NULL && strcmp(v, "aggregate") == 0)
		r->kind = SR_AGGREGATE;
	else if (v != NULL && strcmp(v, "list") == 0)
		r->kind = SR_LIST;
	else if (v != NULL)
		err_at(c, get(c, n, "type"), "unknown report type '%s' (known: "
		    "aggregate, list)", v);
	parse_text(c, get(c, n, "title"), "title", &r->title);
	if (get(c, n, "source") != NULL &&
	    (v = want_scalar(c, get(c, n, "source"), "source")) != NULL) {
		if (strcmp(v, "findings") == 0 && r->kind == SR_AGGREGATE)
			r->source = SS_FINDINGS;
		else if (strcmp(v, "records") != 0)
			err_at(c, get(c, n, "source"), "unknown source '%s' "
			    "(known: records, findings for an aggregate)", v);
	}
	if ((v = want_key(c, n, "record", "a report")) != NULL)
		r->record = xstrdup(v);
	if (get(c, n, "region") != NULL &&
	    (v = want_scalar(c, get(c, n, "region"), "region")) != NULL)
		r->region = xstrdup(v);
	if ((lv = get(c, n, "levels")) != NULL) {
		if (r->kind != SR_AGGREGATE || r->region == NULL)
			err_at(c, lv, "'levels' belongs to an aggregate report "
			    "with a 'region' field");
		else if (lv->type != YAML_SEQUENCE_NODE)
			err_at(c, lv, "levels must be a list, e.g. [regency, "
			    "district, village]");
		else
			for (it = lv->data.sequence.items.start;
			    it < lv->data.sequence.items.top; it++) {
				yaml_node_t *ln = node(c, *it);
				enum region_level l;
				if ((v = want_scalar(c, ln, "a level")) == NULL)
					continue;
				l = region_level_lookup(v);
				if (l == RL_NONE)
					err_at(c, ln, "unknown region level '%s' "
					    "(known: province, regency, district, "
					    "village)", v);
				else if (r->nlevels > 0 &&
				    l <= r->levels[r->nlevels - 1])
					err_at(c, ln, "levels go down, each below "
					    "the one before: '%s'", v);
				else if (r->nlevels < 4)
					r->levels[r->nlevels++] = l;
			}
	}
	if (r->kind == SR_AGGREGATE && r->region != NULL && r->nlevels == 0) {
		r->levels[0] = RL_PROVINCE;
		r->levels[1] = RL_REGENCY;
		r->levels[2] = RL_DISTRICT;
		r->levels[3] = RL_VILLAGE;
		r->nlevels = 4;
	}
	if (get(c, n, "by") != NULL && r->kind != SR_AGGREGATE)
		err_at(c, get(c, n, "by"), "'by' belongs to an aggregate report");
	else
		parse_expr(c, get(c, n, "by"), "by", &r->by);
	parse_text(c, get(c, n, "by_label"), "by_label", &r->by_label);
	if (r->kind == SR_AGGREGATE && r->region == NULL && r->by.text == NULL)
		err_at(c, n, "report '%s': an aggregate is grouped by 'region: "
		    "FIELD' (a region field), 'by: EXPR', or both", name);
	parse_expr(c, get(c, n, "filter"), "filter", &r->filter);
	cols = get(c, n, "columns");
	if (cols == NULL || cols->type != YAML_SEQUENCE_NODE ||
	    cols->data.sequence.items.start == cols->data.sequence.items.top) {
		err_at(c, cols != NULL ? cols : n, "report '%s' needs "
		    "'columns:', a list of at least one column", name);
		return;
	}
	for (it = cols->data.sequence.items.start;
	    it < cols->data.sequence.items.top; it++) {
		r->cols = xreallocarray(r->cols, r->ncols + 1, sizeof *r->cols);
		memset(&r->cols[r->ncols], 0, sizeof *r->cols);
		parse_rcol(c, node(c, *it), r->kind, &r->cols[r->ncols++]);
	}
	for (i = 1; i < r->ncols; i++) {
		size_t j;
		for (j = 0; j < i; j++)
			if (r->cols[i].name != NULL && r->cols[j].name != NULL &&
			    strcmp(r->cols[i].name, r->cols[j].name) == 0) {
				diags_add(c->d, c->file, r->cols[i].line,
				    r->cols[i].col, "report '%s': column '%s' "
				    "appears twice", name, r->cols[i].name);
				break;
			}
	}
}

struct sch_reports *
schema_yaml_load_reports_string(const struct schema *s, const char *name,
    const char *text, size_t len, struct diags *d)
{
	yaml_document_t doc;
	yaml_node_t *root, *reps;
	yaml_node_pair_t *p;
	struct sch_reports *out;
	struct ctx c;

	if (load_doc(name, text, len, &doc, d) < 0)
		return NULL;
	out = xcalloc(1, sizeof *out);
	out->file = xstrdup(name);
	c.file = out->file;
	c.doc = &doc;
	c.d = d;
	c.s = (struct schema *)s; /* for its languages only */
	root = yaml_document_get_root_node(&doc);
	if (check_keys(&c, root, "reports.yaml", reports_top_keys) == 0) {
		reps = get(&c, root, "reports");
		if (reps == NULL || reps->type != YAML_MAPPING_NODE)
			err_at(&c, reps != NULL ? reps : root, "reports.yaml "
			    "needs 'reports:', a mapping of report names to "
			    "reports");
		else
			for (p = reps->data.mapping.pairs.start;
			    p < reps->data.mapping.pairs.top; p++) {
				yaml_node_t *k = node(&c, p->key);
				const char *kn = want_scalar(&c, k, "a report name");
				if (kn == NULL)
					continue;
				if (!util_is_ident(kn)) {
					err_at(&c, k, "report name '%s' is not an "
					    "identifier ([a-z_][a-z0-9_]*)", kn);
					continue;
				}
				if (sch_report_find(out, kn) != NULL) {
					err_at(&c, k, "report '%s' appears "
					    "twice", kn);
					continue;
				}
				out->v = xreallocarray(out->v, out->n + 1,
				    sizeof *out->v);
				memset(&out->v[out->n], 0, sizeof *out->v);
				parse_report(&c, kn, node(&c, p->value),
				    &out->v[out->n++]);
			}
	}
	yaml_document_delete(&doc);
	return out;
}

struct sch_reports *
schema_yaml_load_reports(const struct schema *s, struct diags *d)
{
	char *path = xasprintf("%s/reports.yaml", s->dir != NULL ? s->dir :
	    ".");
	struct sch_reports *r = NULL;
	struct stat st;
	size_t len;
	char *text;

	if (stat(path, &st) < 0 && errno == ENOENT) {
		r = xcalloc(1, sizeof *r); /* none: no reports */
		r->file = path;
		return r;
	}
	if ((text = read_file(path, &len, d)) != NULL) {
		r = schema_yaml_load_reports_string(s, path, text, len, d);
		free(text);
	}
	free(path);
	return r;
}
