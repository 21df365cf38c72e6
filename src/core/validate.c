/*
 * validate: field checks (type, required, range, value set) and the record
 * check that runs them all. Canonical forms: integers without leading zeros
 * or '+', decimals with a dot, dates YYYY-MM-DD, yesno 1/0, choice codes as
 * written in the value set; select_multiple codes space-separated in
 * value-set order; NIK and KK their 16 digits; phone numbers a leading +
 * and digits; region codes as written (their shape fits the level). A
 * pattern is matched against the canonical form of text-like types. A note
 * takes no value.
 */
#include "validate.h"

#include <ctype.h>
#include <math.h>
#include <regex.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <sqlite3.h>

#include "db.h"
#include "expr.h"
#include "i18n.h"
#include "nik.h"
#include "region.h"
#include "vbatch.h"

#define TEXT_MAX 1000 /* bytes in a text value */

void
findings_free(struct findings *f)
{
	size_t i;
	for (i = 0; i < f->n; i++) {
		free(f->v[i].rule);
		free(f->v[i].msg);
	}
	free(f->v);
	f->v = NULL;
	f->n = f->cap = 0;
}

size_t
findings_errors(const struct findings *f)
{
	size_t i, n = 0;
	for (i = 0; i < f->n; i++)
		if (f->v[i].severity == SEV_ERROR)
			n++;
	return n;
}

static void
findings_add(struct findings *f, size_t field, enum severity sev,
    const char *rule, char *msg)
{
	if (f->n == f->cap) {
		f->cap = f->cap ? f->cap * 2 : 8;
		f->v = xreallocarray(f->v, f->cap, sizeof *f->v);
	}
	f->v[f->n].field = field;
	f->v[f->n].severity = sev;
	f->v[f->n].rule = xstrdup(rule);
	f->v[f->n].msg = msg;
	f->v[f->n].row = -1;
	f->v[f->n].accepted = 0;
	f->n++;
}

static int
days_in_month(int y, int m)
{
	static const int dm[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
	if (m == 2 && ((y % 4 == 0 && y % 100 != 0) || y % 400 == 0))
		return 29;
	return dm[m - 1];
}

static int
digits(const char *s, int n, int *out)
{
	int i, v = 0;
	for (i = 0; i < n; i++) {
		if (!isdigit((unsigned char)s[i]))
			return -1;
		v = v * 10 + (s[i] - '0');
	}
	*out = v;
	return 0;
}

int
validate_parse_date(const char *s, int *y, int *m, int *d)
{
	size_t n = strlen(s);
	if (n == 10 && s[4] == '-' && s[7] == '-') {
		if (digits(s, 4, y) || digits(s + 5, 2, m) || digits(s + 8, 2, d))
			return -1;
	} else if (n == 10 && (s[2] == '-' || s[2] == '/') && s[5] == s[2]) {
		if (digits(s, 2, d) || digits(s + 3, 2, m) || digits(s + 6, 4, y))
			return -1;
	} else if (n == 8) {
		if (digits(s, 2, d) || digits(s + 2, 2, m) || digits(s + 4, 4, y))
			return -1;
	} else
		return -1;
	if (*y < 1850 || *y > 2200 || *m < 1 || *m > 12 || *d < 1 ||
	    *d > days_in_month(*y, *m))
		return -1;
	return 0;
}

/* "%g" without exponent noise for range messages. */
static void
fmt_num(char *buf, size_t n, double v)
{
	if (v == floor(v) && fabs(v) < 1e15)
		snprintf(buf, n, "%.0f", v);
	else
		snprintf(buf, n, "%g", v);
}

static int
check_range(const struct sch_field *f, double v, const char **rule, char **msg)
{
	char a[32], b[32];
	if ((f->has_min && v < f->min) || (f->has_max && v > f->max)) {
		*rule = "range";
		if (f->has_min && f->has_max) {
			fmt_num(a, sizeof a, f->min);
			fmt_num(b, sizeof b, f->max);
			*msg = xasprintf(_("Must be from %s to %s"), a, b);
		} else if (f->has_min) {
			fmt_num(a, sizeof a, f->min);
			*msg = xasprintf(_("Must be at least %s"), a);
		} else {
			fmt_num(b, sizeof b, f->max);
			*msg = xasprintf(_("Must be at most %s"), b);
		}
		return -1;
	}
	return 0;
}

static int
norm_integer(const char *s, char **norm)
{
	const char *p = s;
	int neg = 0;
	size_t nd;
	if (*p == '+' || *p == '-')
		neg = *p++ == '-';
	while (*p == '0' && isdigit((unsigned char)p[1]))
		p++;
	for (nd = 0; p[nd] != '\0'; nd++)
		if (!isdigit((unsigned char)p[nd]))
			return -1;
	if (nd == 0 || nd > 15)
		return -1;
	*norm = xasprintf("%s%s", neg && strcmp(p, "0") != 0 ? "-" : "", p);
	return 0;
}

static int
norm_decimal(const char *s, char **norm, double *val)
{
	char *t = xstrdup(s), *p, *end;
	int seen = 0, nd = 0;
	for (p = t; *p != '\0'; p++) {
		if (*p == ',')
			*p = '.';
		if (*p == '.') {
			if (seen++)
				goto bad;
		} else if (isdigit((unsigned char)*p))
			nd++;
		else if (!(p == t && (*p == '-' || *p == '+')))
			goto bad;
	}
	if (nd == 0 || nd > 15)
		goto bad;
	*val = strtod(t, &end);
	if (*end != '\0' || !isfinite(*val))
		goto bad;
	{
		char buf[40];
		util_fmt_double(*val, buf, sizeof buf);
		*norm = xstrdup(buf);
	}
	free(t);
	return 0;
bad:
	free(t);
	return -1;
}

static char *
choice_hint(const struct sch_valueset *vs)
{
	struct sbuf b = {0};
	size_t i;
	for (i = 0; i < vs->nchoices && i < 8; i++)
		sbuf_addf(&b, "%s%s", i ? ", " : "", vs->choices[i].code);
	if (vs->nchoices > 8)
		sbuf_add(&b, ", ...");
	return sbuf_steal(&b);
}

/* The choice of code s, also as a number in a numeric value set. */
static const struct sch_choice *
find_choice(const struct sch_valueset *vs, const char *s)
{
	const struct sch_choice *c = schema_choice(vs, s);
	if (c == NULL && vs != NULL && vs->numeric) {
		char *n2 = NULL;
		if (norm_integer(s, &n2) == 0)
			c = schema_choice(vs, n2);
		free(n2);
	}
	return c;
}

static char *
no_code_msg(const struct sch_valueset *vs, const char *code)
{
	char *h = vs != NULL ? choice_hint(vs) : xstrdup("");
	char *cut = xstrndup(code, strnlen(code, 12));
	char *sv = util_sanitize(cut, 0);
	char *m = xasprintf(_("No code '%s': choose %s (F4 for the list)"),
	    sv, h);
	free(h);
	free(cut);
	free(sv);
	return m;
}

/*
 * select_multiple: codes separated by spaces or commas, each once, stored
 * space-separated in value-set order.
 */
static int
norm_multiple(const struct sch_field *f, const char *v, char **norm,
    const char **rule, char **msg)
{
	size_t nc = f->vs != NULL ? f->vs->nchoices : 0, i;
	char *seen = xcalloc(nc + 1, 1), *tok, *save = NULL;
	char *copy = xstrdup(v);
	struct sbuf b = {0};
	int rc = -1;

	for (tok = strtok_r(copy, " ,\t", &save); tok != NULL;
	    tok = strtok_r(NULL, " ,\t", &save)) {
		const struct sch_choice *c = find_choice(f->vs, tok);
		if (c == NULL) {
			*rule = "value_set";
			*msg = no_code_msg(f->vs, tok);
			goto out;
		}
		i = (size_t)(c - f->vs->choices);
		if (seen[i]) {
			char *cut = xstrndup(tok, strnlen(tok, 12));
			char *sv = util_sanitize(cut, 0);
			*rule = "value_set";
			*msg = xasprintf(_("Code '%s' is given twice"), sv);
			free(cut);
			free(sv);
			goto out;
		}
		seen[i] = 1;
	}
	for (i = 0; i < nc; i++)
		if (seen[i]) {
			if (b.len > 0)
				sbuf_addc(&b, ' ');
			sbuf_add(&b, f->vs->choices[i].code);
		}
	*norm = b.len > 0 ? sbuf_steal(&b) : NULL;
	rc = 0;
out:
	sbuf_free(&b);
	free(copy);
	free(seen);
	return rc;
}

static char *
region_shape_msg(enum region_level l)
{
	switch (l) {
	case RL_PROVINCE:
		return xstrdup(_("Not a province code (2 digits, like 11)"));
	case RL_REGENCY:
		return xstrdup(_("Not a regency code (like 11.01)"));
	case RL_DISTRICT:
		return xstrdup(_("Not a district code (like 11.01.01)"));
	default:
		return xstrdup(_("Not a village code (like 11.01.01.2001)"));
	}
}

/* Types whose value is text that a pattern may constrain. */
static int
pattern_applies(enum field_type t)
{
	return t == FT_TEXT || t == FT_NIK || t == FT_KK || t == FT_PHONE ||
	    t == FT_REGION;
}

int
validate_value(const struct sch_field *f, const char *input, int lang,
    char **norm, const char **rule, char **msg)
{
	char *v, *err = NULL;
	double d;
	int y, m, dd;

	*norm = NULL;
	*msg = NULL;
	*rule = NULL;
	if (f->type == FT_NOTE)
		return 0; /* shown, never stored: takes no value */
	v = util_trim(input != NULL ? input : "");
	if (v[0] == '\0') {
		free(v);
		if (f->required) {
			*rule = "required";
			*msg = xstrdup(_("Required: this field must be filled in"));
			return -1;
		}
		return 0;
	}
	switch (f->type) {
	case FT_TEXT: {
		size_t i;
		if (!utf8_valid(v, strlen(v))) {
			*rule = "type";
			*msg = xstrdup(_("Not valid UTF-8 text"));
			goto fail;
		}
		for (i = 0; v[i] != '\0'; i++)
			if ((unsigned char)v[i] < 0x20 || v[i] == 0x7f) {
				*rule = "type";
				*msg = xstrdup(_("Contains control characters"));
				goto fail;
			}
		if (strlen(v) > TEXT_MAX) {
			*rule = "type";
			*msg = xasprintf(_("Too long (at most %d bytes)"),
			    TEXT_MAX);
			goto fail;
		}
		*norm = v;
		v = NULL;
		break;
	}
	case FT_INTEGER:
		if (norm_integer(v, norm) < 0) {
			*rule = "type";
			*msg = xstrdup(_("Not a whole number"));
			goto fail;
		}
		if (check_range(f, strtod(*norm, NULL), rule, msg) < 0)
			goto fail;
		break;
	case FT_DECIMAL:
		if (norm_decimal(v, norm, &d) < 0) {
			*rule = "type";
			*msg = xstrdup(_("Not a number (use 12.5 or 12,5)"));
			goto fail;
		}
		if (check_range(f, d, rule, msg) < 0)
			goto fail;
		break;
	case FT_DATE:
		if (validate_parse_date(v, &y, &m, &dd) < 0) {
			*rule = "type";
			*msg = xstrdup(_("Not a valid date (DD-MM-YYYY or "
			    "YYYY-MM-DD)"));
			goto fail;
		}
		*norm = xasprintf("%04d-%02d-%02d", y, m, dd);
		break;
	case FT_YESNO: {
		char c = (char)tolower((unsigned char)v[0]);
		if (v[1] == '\0' && (c == '1' || c == 'y'))
			*norm = xstrdup("1");
		else if (v[1] == '\0' && (c == '0' || c == '2' || c == 'n' ||
		    c == 't'))
			*norm = xstrdup("0");
		else if (strcasecmp(v, "ya") == 0 || strcasecmp(v, "yes") == 0)
			*norm = xstrdup("1");
		else if (strcasecmp(v, "tidak") == 0 || strcasecmp(v, "no") == 0)
			*norm = xstrdup("0");
		else {
			*rule = "type";
			*msg = xstrdup(_("Answer 1 (yes) or 0 (no)"));
			goto fail;
		}
		break;
	}
	case FT_SELECT_ONE: {
		const struct sch_choice *c = find_choice(f->vs, v);
		if (c == NULL) {
			*rule = "value_set";
			*msg = no_code_msg(f->vs, v);
			goto fail;
		}
		*norm = xstrdup(c->code);
		break;
	}
	case FT_SELECT_MULTIPLE:
		if (norm_multiple(f, v, norm, rule, msg) < 0)
			goto fail;
		break;
	case FT_REGION:
		if (region_code_level(v) != f->level) {
			*rule = "type";
			*msg = region_shape_msg(f->level);
			goto fail;
		}
		*norm = v; /* as written; existence is checked with the db */
		v = NULL;
		break;
	case FT_NIK: {
		struct nik n;
		if (nik_parse(v, 0, &n, &err) < 0)
			goto fail_err;
		*norm = v;
		v = NULL;
		break;
	}
	case FT_KK:
		if (nik_kk_parse(v, NULL, &err) < 0)
			goto fail_err;
		*norm = v;
		v = NULL;
		break;
	case FT_PHONE:
		if (nik_phone_normalize(v, norm, &err) < 0)
			goto fail_err;
		break;
	default: /* calculate: the computed value, as is */
		*norm = v;
		v = NULL;
		break;
	}
	if (f->pattern_re != NULL && *norm != NULL && pattern_applies(f->type) &&
	    regexec(f->pattern_re, *norm, 0, NULL, 0) != 0) {
		const char *cm = sch_text_get(&f->constraint_message, lang, NULL);
		*rule = "pattern";
		*msg = xstrdup(cm != NULL ? cm :
		    _("Does not match the required pattern"));
		goto fail;
	}
	free(v);
	return 0;
fail_err:
	*rule = "type";
	*msg = err;
fail:
	free(*norm);
	*norm = NULL;
	free(v);
	return -1;
}

size_t
validate_record(const struct record *r, int lang, struct findings *out)
{
	size_t i, errors = 0;
	for (i = 0; i < r->def->nfields; i++) {
		const struct sch_field *f = &r->def->fields[i];
		char *norm = NULL, *msg = NULL;
		const char *rule = NULL;
		if (validate_value(f, r->val[i], lang, &norm, &rule, &msg) < 0) {
			findings_add(out, i, SEV_ERROR, rule, msg);
			errors++;
		}
		free(norm);
	}
	return errors;
}

/*
 * Full checks: what needs expressions (expr) or storage (db) beyond the
 * value's type. Each is skipped when its part is absent (x or db NULL).
 */

static void
add_finding(struct findings *out, size_t field, enum severity sev,
    const char *rule, char *msg, long row, int accepted)
{
	findings_add(out, field, sev, rule, msg);
	out->v[out->n - 1].row = row;
	out->v[out->n - 1].accepted = accepted;
}

static const char *
title_get(void *ctx, size_t field)
{
	return record_get(ctx, field);
}

/* A title cut and sanitised for a message; frees t. */
static char *
short_text(char *t)
{
	char *cut = xstrndup(t != NULL ? t : "", 60);
	char *sv = util_sanitize(cut, 0);
	free(t);
	free(cut);
	return sv;
}

/* A record's title, cut and sanitised for a message. */
static char *
short_title(const struct record *r)
{
	return short_text(record_title(r->def, title_get, (void *)r));
}

/*
 * The titles come from db_record_title (the title's columns only), the
 * same text as short_title of the loaded records.
 */
char *
validate_describe(struct db *db, const struct sch_record *def, int64_t id,
    int lang)
{
	const struct schema *s = db_schema(db);
	const struct sch_record *pdef;
	char *err = NULL, *t, *pt, *out;
	int64_t parent_id = 0, pid;

	if (db_record_title(db, def, id, &t, &parent_id, &err) < 0) {
		free(err);
		return xasprintf("%s #%lld", schema_record_label(def, lang),
		    (long long)id);
	}
	t = short_text(t);
	pdef = def->parent != NULL ? schema_record(s, def->parent) : NULL;
	if (pdef != NULL && parent_id != 0 &&
	    db_record_title(db, pdef, parent_id, &pt, &pid, &err) == 0) {
		pt = short_text(pt);
		/* TRANSLATORS: member '2. SITI' in family '3201... BUDI' (#17) */
		out = xasprintf(_("%s '%s' in %s '%s' (#%lld)"),
		    schema_record_label(def, lang), t,
		    schema_record_label(pdef, lang), pt, (long long)parent_id);
		free(pt);
	} else {
		free(err);
		out = xasprintf(_("%s '%s' (#%lld)"),
		    schema_record_label(def, lang), t, (long long)id);
	}
	free(t);
	return out;
}

/* Text normalised as db_dupkey_norm does in SQL (ASCII upper case...). */
static char *
norm_key_text(const char *v)
{
	char *o = xmalloc(strlen(v) + 1), *q = o;
	int space = 1; /* drop leading spaces */
	for (; *v != '\0'; v++) {
		char ch = *v;
		if (ch == '\'')
			continue;
		if (ch == '.' || ch == '-' || ch == ' ') {
			if (!space)
				*q++ = ' ';
			space = 1;
			continue;
		}
		*q++ = (char)((ch >= 'a' && ch <= 'z') ? ch - 'a' + 'A' : ch);
		space = 0;
	}
	while (q > o && q[-1] == ' ')
		q--;
	*q = '\0';
	return o;
}

/* 1 when a and b hold the same duplicate_key values. */
static int
same_key(const struct record *a, const struct record *b)
{
	size_t k;
	for (k = 0; k < a->def->ndup_key; k++) {
		size_t i = a->def->dup_key[k];
		const char *x = record_get(a, i), *y = record_get(b, i);
		int eq;
		if (x == NULL || y == NULL)
			return 0;
		if (a->def->fields[i].type == FT_TEXT) {
			char *nx = norm_key_text(x), *ny = norm_key_text(y);
			eq = strcmp(nx, ny) == 0;
			free(nx);
			free(ny);
		} else
			eq = strcmp(x, y) == 0;
		if (!eq)
			return 0;
	}
	return 1;
}

/* "name, birth date": the labels of a duplicate_key. Caller frees. */
static char *
key_labels(const struct sch_record *def, int lang)
{
	struct sbuf b = {0};
	size_t k;
	for (k = 0; k < def->ndup_key; k++) {
		if (k > 0)
			sbuf_add(&b, ", ");
		sbuf_add(&b, schema_field_label(&def->fields[def->dup_key[k]],
		    lang));
	}
	return sbuf_steal(&b);
}

/*
 * The probable-duplicate check of r (its record has a duplicate_key): a
 * sibling row with the same key, else another live record in storage (not
 * one of the siblings, whose stored values are being edited). Returns a
 * message naming the other record, or NULL.
 */
static char *
probable_duplicate(const struct validate_ctx *c, const struct record *r,
    struct record *const *siblings, size_t nsib)
{
	int64_t *skip, other = 0;
	size_t i, ns = 0;
	char *err = NULL, *d, *m, *kl;
	int found;

	for (i = 0; i < nsib; i++)
		if (siblings[i] != NULL && siblings[i]->def == r->def &&
		    same_key(r, siblings[i])) {
			char *t = short_title(siblings[i]);
			kl = key_labels(r->def, c->lang);
			m = xasprintf(_("Probably entered twice: same %s as '%s' "
			    "in this form"), kl, t);
			free(kl);
			free(t);
			return m;
		}
	if (c->db == NULL)
		return NULL;
	skip = xcalloc(nsib + 1, sizeof *skip);
	for (i = 0; i < nsib; i++)
		if (siblings[i] != NULL && siblings[i]->id != 0)
			skip[ns++] = siblings[i]->id;
	found = db_find_probable_duplicate(c->db, r, r->id, skip, ns, &other,
	    &err);
	free(skip);
	free(err);
	if (found != 1)
		return NULL;
	d = validate_describe(c->db, r->def, other, c->lang);
	kl = key_labels(r->def, c->lang);
	m = xasprintf(_("Probably entered twice: same %s as %s"), kl, d);
	free(kl);
	free(d);
	return m;
}

static const char *
level_label(enum region_level l)
{
	switch (l) {
	case RL_PROVINCE:
		return _("province");
	case RL_REGENCY:
		return _("regency");
	case RL_DISTRICT:
		return _("district");
	case RL_VILLAGE:
		return _("village");
	default:
		return _("region");
	}
}

static int unique_check(const struct validate_ctx *c,
    const struct record *r, struct record *const *siblings, size_t nsib,
    size_t field, const char **rule, char **msg);

int
validate_field(const struct validate_ctx *c, const struct record *r,
    const struct record *parent, struct record *const *siblings, size_t nsib,
    size_t field, const char **rule, char **msg)
{
	const struct sch_field *f = &r->def->fields[field];
	const char *v = record_get(r, field);

	*rule = NULL;
	*msg = NULL;
	if (v == NULL) {
		if (c->x != NULL && f->required_if.text != NULL &&
		    expr_required(c->x, r, parent, field)) {
			*rule = "required";
			*msg = xstrdup(_("Required: this field must be filled "
			    "in"));
			return -1;
		}
		return 0;
	}
	if (c->x != NULL && f->constraint.text != NULL &&
	    !expr_constraint(c->x, r, parent, field)) {
		const char *m = sch_text_get(&f->constraint_message, c->lang,
		    NULL);
		*rule = "constraint";
		*msg = m != NULL ? xstrdup(m) : xasprintf(_("Not allowed here "
		    "(%s)"), f->constraint.text);
		return -1;
	}
	if (c->x != NULL && f->choice_filter.text != NULL &&
	    schema_field_has_choices(f)) {
		/* each code of the value (select_multiple: space-separated) */
		const char *p = v;
		while (*p != '\0') {
			size_t n = strcspn(p, " ");
			char *code = xstrndup(p, n);
			const struct sch_choice *ch = schema_choice(f->vs, code);
			int ok = ch == NULL ||
			    expr_choice_ok(c->x, r, parent, field, ch);
			free(code);
			if (!ok) {
				*rule = "choice_filter";
				*msg = xstrdup(_("This choice does not apply "
				    "here"));
				return -1;
			}
			p += n;
			while (*p == ' ')
				p++;
		}
	}
	if (f->type == FT_REGION && c->db != NULL) {
		struct db_region reg;
		char *err = NULL;
		const char *above = record_region_above(r, parent, f->level);
		int found = db_region_get(c->db, v, &reg, &err);
		free(err);
		if (found != 1 || reg.level != (int)f->level) {
			*rule = "region";
			*msg = xasprintf(_("No %s with this code (F4 for the "
			    "list)"), level_label(f->level));
		} else if (above != NULL && (strncmp(v, above,
		    strlen(above)) != 0 || v[strlen(above)] != '.')) {
			*rule = "region";
			*msg = xstrdup(_("Not inside the region chosen above"));
		}
		if (found == 1) {
			free(reg.code);
			free(reg.name);
		}
		if (*msg != NULL)
			return -1;
	}
	return unique_check(c, r, siblings, nsib, field, rule, msg);
}

/*
 * The last check of validate_field: a unique field's value used by a
 * sibling row or by another live record in storage. -1 with *rule and
 * *msg, else 0.
 */
static int
unique_check(const struct validate_ctx *c, const struct record *r,
    struct record *const *siblings, size_t nsib, size_t field,
    const char **rule, char **msg)
{
	const struct sch_field *f = &r->def->fields[field];
	const char *v = record_get(r, field);
	size_t i;

	if (f->unique && v != NULL) {
		for (i = 0; i < nsib; i++)
			if (siblings[i] != NULL && siblings[i]->def == r->def &&
			    record_get(siblings[i], field) != NULL &&
			    strcmp(record_get(siblings[i], field), v) == 0) {
				*rule = "unique";
				*msg = xstrdup(_("Already used in another row "
				    "here"));
				return -1;
			}
		if (c->db != NULL) {
			int64_t other = 0;
			char *err = NULL;
			int dup = db_find_duplicate(c->db, r->def, field, v, r->id,
			    &other, &err);
			free(err);
			/* a sibling being edited holds its own value now */
			for (i = 0; dup == 1 && i < nsib; i++)
				if (siblings[i] != NULL && siblings[i]->id == other)
					dup = 0;
			if (dup == 1) {
				char *d = validate_describe(c->db, r->def, other,
				    c->lang);
				*rule = "unique";
				*msg = xasprintf(_("Already used by %s"), d);
				free(d);
				return -1;
			}
		}
	}
	return 0;
}

static const char *
rule_message(const struct sch_rule *ru, int lang)
{
	return sch_text_get(&ru->message, lang, ru->name);
}

/*
 * validate_record_full, or with probes_only the part of it that a record
 * whose other checks are known to pass (vbatch_marked: VB_PROBE) can
 * still find: a unique value used again and a probable duplicate, the
 * same findings in the same order (every check before them passes).
 */
static size_t
record_check(const struct validate_ctx *c, const struct record *r,
    const struct record *parent, struct record *const *siblings, size_t nsib,
    struct findings *out, int probes_only)
{
	const struct sch_record *def = r->def;
	size_t i, errors = 0;

	for (i = 0; i < def->nfields; i++) {
		const struct sch_field *f = &def->fields[i];
		char *norm = NULL, *msg = NULL;
		const char *rule = NULL;
		if (!schema_field_stored(f) || f->type == FT_CALCULATE)
			continue;
		if (probes_only && (!f->unique || r->val[i] == NULL))
			continue;
		/* empty and never required: no check can fail */
		if (r->val[i] == NULL && !f->required &&
		    f->required_if.text == NULL)
			continue;
		if (c->x != NULL && f->relevant.text != NULL &&
		    !expr_relevant(c->x, r, parent, i))
			continue;
		if (probes_only ? unique_check(c, r, siblings, nsib, i, &rule,
		    &msg) < 0 : (validate_value(f, r->val[i], c->lang, &norm,
		    &rule, &msg) < 0 || validate_field(c, r, parent, siblings,
		    nsib, i, &rule, &msg) < 0)) {
			add_finding(out, i, SEV_ERROR, rule, msg, -1, 0);
			errors++;
		} else
			free(msg);
		free(norm);
	}
	for (i = 0; i < def->nrules && c->x != NULL && !probes_only; i++) {
		const struct sch_rule *ru = &def->rules[i];
		if (expr_rule(c->x, r, parent, i))
			continue;
		add_finding(out, VALIDATE_NO_FIELD, ru->severity, ru->name,
		    xstrdup(rule_message(ru, c->lang)), -1,
		    ru->severity == SEV_WARNING &&
		    record_accepted(r, ru->name) != NULL);
		if (ru->severity == SEV_ERROR)
			errors++;
	}
	if (def->ndup_key > 0) {
		char *m = probable_duplicate(c, r, siblings, nsib);
		if (m != NULL)
			add_finding(out, def->dup_key[0], SEV_WARNING,
			    VALIDATE_DUPLICATE, m, -1,
			    record_accepted(r, VALIDATE_DUPLICATE) != NULL);
	}
	return errors;
}

size_t
validate_record_full(const struct validate_ctx *c, const struct record *r,
    const struct record *parent, struct record *const *siblings, size_t nsib,
    struct findings *out)
{
	return record_check(c, r, parent, siblings, nsib, out, 0);
}

/*
 * validate_roster; with marks != NULL, the rows it did not mark
 * (vbatch_marked) get the probes-only check (record_check).
 */
static size_t
roster_check(const struct validate_ctx *c, const struct record *parent,
    const struct sch_record *child, struct record *const *rows, size_t n,
    struct findings *out, const struct vbatch *marks)
{
	size_t i, errors = 0;

	/* the roster as a whole: unless the set-based checks passed it */
	if (marks != NULL && !vbatch_roster_marked(marks, parent->id))
		goto rows;
	if (child->min_count > 0 && n < (size_t)child->min_count) {
		add_finding(out, VALIDATE_NO_FIELD, SEV_ERROR, "min_count",
		    xasprintf(_("%s: at least %d rows"), child->name,
		    child->min_count), -1, 0);
		errors++;
	}
	if (child->max_count > 0 && n > (size_t)child->max_count) {
		add_finding(out, VALIDATE_NO_FIELD, SEV_ERROR, "max_count",
		    xasprintf(_("%s: at most %d rows"), child->name,
		    child->max_count), -1, 0);
		errors++;
	}
	for (i = 0; i < child->nroster_rules && c->x != NULL; i++) {
		const struct sch_rule *ru = &child->roster_rules[i];
		if (expr_roster_rule(c->x, child, rows, n, parent, i))
			continue;
		add_finding(out, VALIDATE_NO_FIELD, ru->severity, ru->name,
		    xstrdup(rule_message(ru, c->lang)), -1,
		    ru->severity == SEV_WARNING &&
		    record_accepted(parent, ru->name) != NULL);
		if (ru->severity == SEV_ERROR)
			errors++;
	}
rows:
	for (i = 0; i < n; i++) {
		size_t before = out->n, k, nsib = 0;
		struct record **sib;
		int mark = marks != NULL ? vbatch_marked(marks, rows[i]->id) :
		    VB_OWN;
		if (mark == 0)
			continue; /* nothing of its own to find */
		sib = xcalloc(n, sizeof *sib);
		for (k = 0; k < n; k++)
			if (k != i)
				sib[nsib++] = rows[k];
		errors += record_check(c, rows[i], parent, sib, nsib, out,
		    mark == VB_PROBE);
		free(sib);
		for (k = before; k < out->n; k++)
			out->v[k].row = (long)i;
	}
	return errors;
}

size_t
validate_roster(const struct validate_ctx *c, const struct record *parent,
    const struct sch_record *child, struct record *const *rows, size_t n,
    struct findings *out)
{
	return roster_check(c, parent, child, rows, n, out, NULL);
}

/*
 * The set-based statements of the page (top-level record, rosters), whose
 * marks tell check_tree what each record and row can still find
 * (vbatch_marked); NULL: check everything.
 */
struct narrow {
	const struct vbatch *top;
	struct vbatch *const *kv;
};

/* want[i] = 1 for each field of def named in text (any identifier that
 * is a field's name, in any case: more than the expression reads, never
 * less). */
static void
want_names(const struct sch_record *def, const char *text,
    unsigned char *want)
{
	const char *p = text, *q;
	size_t i, n;

	while (p != NULL && *p != '\0') {
		if (!isalnum((unsigned char)*p) && *p != '_') {
			p++;
			continue;
		}
		for (q = p; isalnum((unsigned char)*q) || *q == '_'; q++)
			;
		n = (size_t)(q - p);
		for (i = 0; i < def->nfields; i++)
			if (tolower((unsigned char)def->fields[i].name[0]) ==
			    tolower((unsigned char)*p) &&
			    strncasecmp(def->fields[i].name, p, n) == 0 &&
			    def->fields[i].name[n] == '\0')
				want[i] = 1;
		p = q;
	}
}

/*
 * The fields of roster rows that a roster check with marks reads when no
 * row has more to find than the probes (VB_PROBE, record_check's
 * probes_only) and the roster as a whole passed: the unique fields and
 * the names in their relevant expressions, the duplicate key and the
 * title (the message naming a sibling). Caller frees.
 */
static unsigned char *
probe_fields(const struct sch_record *def)
{
	unsigned char *want = xcalloc(def->nfields + 1, 1);
	size_t i;

	for (i = 0; i < def->nfields; i++)
		if (def->fields[i].unique) {
			want[i] = 1;
			want_names(def, def->fields[i].relevant.text, want);
		}
	for (i = 0; i < def->ndup_key; i++)
		want[def->dup_key[i]] = 1;
	if (def->title != NULL)
		want_names(def, def->title, want);
	else if (def->nfields > 0)
		want[0] = 1;
	return want;
}

/*
 * The rows of roster kid under top for roster_check: with marks (nw) and
 * no row callback, when the roster as a whole passed, first only the
 * fields the probes read (probe_fields), then whole when a row has a
 * finding of its own to look for (VB_OWN).
 */
static int
kid_rows(const struct validate_ctx *c, const struct record *top,
    const struct sch_record *kid, const struct vbatch *marks,
    const struct validate_scan *o, struct record ***kr, size_t *kn,
    char **err)
{
	unsigned char *want;
	size_t j;
	int rc;

	if (marks == NULL || o->row != NULL ||
	    vbatch_roster_marked(marks, top->id))
		return db_children_load(c->db, kid, top->id, kr, kn, err);
	want = probe_fields(kid);
	rc = db_children_load_some(c->db, kid, top->id, want, kr, kn, err);
	free(want);
	if (rc < 0)
		return -1;
	for (j = 0; j < *kn; j++)
		if (vbatch_marked(marks, (*kr)[j]->id) == VB_OWN)
			break;
	if (j == *kn)
		return 0;
	db_records_free(*kr, *kn);
	return db_children_load(c->db, kid, top->id, kr, kn, err);
}

/* Check one top-level record and its rosters; report each finding. */
static int
check_tree(const struct validate_ctx *c, struct record *r,
    const struct sch_record *const *kids, size_t nk,
    const struct validate_scan *o, void *fctx, const struct narrow *nw,
    char **err)
{
	struct findings fs = {0};
	size_t k, j;
	/* not marked: flagged for its rosters only, nothing of its own */
	int mark = nw != NULL ? vbatch_marked(nw->top, r->id) : VB_OWN;

	if (mark != 0)
		record_check(c, r, NULL, NULL, 0, &fs, mark == VB_PROBE);
	for (j = 0; j < fs.n; j++)
		o->fn(fctx, r, r, &fs.v[j]);
	findings_free(&fs);
	for (k = 0; k < nk; k++) {
		struct record **kr;
		size_t kn;
		if (kid_rows(c, r, kids[k], nw != NULL ? nw->kv[k] : NULL, o,
		    &kr, &kn, err) < 0)
			return -1;
		for (j = 0; o->row != NULL && j < kn; j++)
			o->row(fctx, r, kr[j]);
		roster_check(c, r, kids[k], kr, kn, &fs, nw != NULL ?
		    nw->kv[k] : NULL);
		for (j = 0; j < fs.n; j++)
			o->fn(fctx, r, fs.v[j].row >= 0 ? kr[fs.v[j].row] : r,
			    &fs.v[j]);
		findings_free(&fs);
		db_records_free(kr, kn);
	}
	return 0;
}

size_t
validate_count_empty(const struct validate_ctx *c, const struct record *r,
    const struct record *parent, long *counts)
{
	size_t i, n = 0;
	for (i = 0; i < r->def->nfields; i++) {
		const struct sch_field *f = &r->def->fields[i];
		if (!schema_field_stored(f) || f->type == FT_CALCULATE ||
		    r->val[i] != NULL)
			continue;
		if (c->x != NULL && f->relevant.text != NULL &&
		    !expr_relevant(c->x, r, parent, i))
			continue;
		counts[i]++;
		n++;
	}
	return n;
}

/* 1 when r lies in region code (its region field of code's level). */
static int
in_region(const struct record *r, const char *code)
{
	enum region_level l = region_code_level(code);
	size_t i, n = strlen(code);
	for (i = 0; i < r->def->nfields; i++) {
		const struct sch_field *f = &r->def->fields[i];
		const char *v;
		if (f->type != FT_REGION || f->level < l)
			continue;
		if ((v = record_get(r, i)) == NULL)
			continue;
		if (strncmp(v, code, n) == 0 && (v[n] == '\0' || v[n] == '.'))
			return 1;
	}
	return 0;
}

/* The region field of def that a region code of level l filters, or -1. */
static int
region_field(const struct sch_record *def, enum region_level l)
{
	size_t i;
	int best = -1;
	for (i = 0; i < def->nfields; i++)
		if (def->fields[i].type == FT_REGION && def->fields[i].level >= l &&
		    (best < 0 || def->fields[i].level >
		    def->fields[best].level))
			best = (int)i;
	return best;
}

/*
 * The live ids of def after `after` (at most SCAN_PAGE), in the region
 * when rf >= 0 (its field in it: equal to code or below it), or their
 * count when count is set. Returns the number, or -1 with *err.
 */
#define SCAN_PAGE 500
static long
scan_ids(struct db *db, const struct sch_record *def, int rf,
    const char *code, int64_t after, int count, int64_t *ids, char **err)
{
	struct sbuf sql = {0};
	sqlite3_stmt *st;
	long n = 0;
	int rc;

	sbuf_addf(&sql, "SELECT %s FROM \"%s\" WHERE deleted_at IS NULL",
	    count ? "count(*)" : "id", def->name);
	if (!count)
		sbuf_add(&sql, " AND id > ?1");
	if (rf >= 0)
		sbuf_addf(&sql, " AND (\"%s\" = ?2 OR substr(\"%s\", 1, "
		    "length(?2) + 1) = ?2 || '.')", def->fields[rf].name,
		    def->fields[rf].name);
	if (!count)
		sbuf_addf(&sql, " ORDER BY id LIMIT %d", SCAN_PAGE);
	st = db_cached(db, sql.s, err);
	sbuf_free(&sql);
	if (st == NULL)
		return -1;
	if (!count)
		sqlite3_bind_int64(st, 1, after);
	if (rf >= 0)
		sqlite3_bind_text(st, 2, code, -1, SQLITE_TRANSIENT);
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		if (count) {
			n = (long)sqlite3_column_int64(st, 0);
			break;
		}
		ids[n++] = sqlite3_column_int64(st, 0);
	}
	if (rc != SQLITE_ROW && rc != SQLITE_DONE) {
		util_err(err, "%s: %s: %s", db_path(db), def->name,
		    sqlite3_errmsg(db_sqlite(db)));
		n = -1;
	}
	sqlite3_reset(st);
	return n;
}

/*
 * The set-based checks of def and its rosters kids over ids [lo, hi]
 * into fs (sorted). -1 when they are not there or one failed: then every
 * record of the page is checked.
 */
static int
page_flags(struct vbatch *top, struct vbatch **kv, size_t nk, int64_t lo,
    int64_t hi, struct vbatch_ids *fs)
{
	char *err = NULL;
	size_t k;

	fs->n = 0;
	if (top == NULL)
		return -1;
	if (vbatch_flagged(top, lo, hi, vbatch_ids_add, fs, &err) < 0)
		goto fail;
	for (k = 0; k < nk; k++)
		if (kv[k] == NULL || vbatch_flagged_parents(kv[k], lo, hi,
		    vbatch_ids_add, fs, &err) < 0)
			goto fail;
	vbatch_ids_sort(fs);
	return 0;
fail:
	free(err);
	return -1;
}

/*
 * The records of a page for the callbacks of those without findings:
 * the top-level records and their roster rows, each loaded in one
 * statement (db_records_range), walked in id order.
 */
struct page_recs {
	struct record **top, **kid[16];
	size_t ntop, nkid[16], itop, ikid[16];
};

static int
page_load(struct db *db, const struct sch_record *def,
    const struct sch_record *const *kids, size_t nk, int rows, int64_t lo,
    int64_t hi, struct page_recs *pr, char **err)
{
	size_t k;
	memset(pr, 0, sizeof *pr);
	if (db_records_range(db, def, lo, hi, 0, &pr->top, &pr->ntop, err) < 0)
		return -1;
	for (k = 0; rows && k < nk; k++)
		if (db_records_range(db, kids[k], lo, hi, 1, &pr->kid[k],
		    &pr->nkid[k], err) < 0)
			return -1;
	return 0;
}

static void
page_free(struct page_recs *pr)
{
	size_t k;
	db_records_free(pr->top, pr->ntop);
	for (k = 0; k < 16; k++)
		db_records_free(pr->kid[k], pr->nkid[k]);
	memset(pr, 0, sizeof *pr);
}

/* The callbacks of record id, which has no finding: it, then its rows. */
static void
pass_over(struct page_recs *pr, int64_t id, size_t nk,
    const struct validate_scan *o, void *fctx)
{
	struct record *r;
	size_t k;

	while (pr->itop < pr->ntop && pr->top[pr->itop]->id < id)
		pr->itop++;
	if (pr->itop == pr->ntop || pr->top[pr->itop]->id != id)
		return;
	r = pr->top[pr->itop];
	if (o->record != NULL)
		o->record(fctx, r);
	for (k = 0; o->row != NULL && k < nk; k++) {
		size_t *i = &pr->ikid[k];
		while (*i < pr->nkid[k] && pr->kid[k][*i]->parent_id < id)
			(*i)++;
		for (; *i < pr->nkid[k] && pr->kid[k][*i]->parent_id == id;
		    (*i)++)
			o->row(fctx, r, pr->kid[k][*i]);
	}
}

/*
 * Grow the connection's page cache to kib KiB when it is smaller: 1 and
 * *old the cache_size to restore, else 0.
 */
#define SCAN_CACHE_KIB 65536
static int
cache_grow(struct db *db, long kib, long *old)
{
	sqlite3 *h = db_sqlite(db);
	sqlite3_stmt *st;
	long page = 4096, have;
	char sql[64];

	*old = 0;
	if (sqlite3_prepare_v2(h, "PRAGMA cache_size", -1, &st, NULL) !=
	    SQLITE_OK)
		return 0;
	if (sqlite3_step(st) == SQLITE_ROW)
		*old = (long)sqlite3_column_int64(st, 0);
	sqlite3_finalize(st);
	if (sqlite3_prepare_v2(h, "PRAGMA page_size", -1, &st, NULL) ==
	    SQLITE_OK && sqlite3_step(st) == SQLITE_ROW)
		page = (long)sqlite3_column_int64(st, 0);
	sqlite3_finalize(st);
	have = *old < 0 ? -*old : *old * (page / 1024);
	if (*old == 0 || have >= kib)
		return 0;
	snprintf(sql, sizeof sql, "PRAGMA cache_size = -%ld", kib);
	return sqlite3_exec(h, sql, NULL, NULL, NULL) == SQLITE_OK;
}

static void
cache_restore(struct db *db, long old)
{
	char sql[64];
	snprintf(sql, sizeof sql, "PRAGMA cache_size = %ld", old);
	sqlite3_exec(db_sqlite(db), sql, NULL, NULL, NULL);
}

/*
 * Whether a scan of def (in the region when rf >= 0; in: its records
 * there when counted already, else -1) is better served by vbatch's key
 * set than by a probe of the duplicate-key index a row: the set reads the
 * key of every live row once (at a million persons about a fifth of what
 * a probe costs), so from about a fifth of the register on.
 */
static int
keyset_pays(struct db *db, const struct sch_record *def, int rf,
    const char *region, long in)
{
	int64_t all = 0;
	char *err = NULL;

	if (region == NULL)
		return 1;
	if (db_record_count(db, def, &all, &err) < 0 || (in < 0 &&
	    (in = scan_ids(db, def, rf, region, 0, 1, NULL, &err)) < 0)) {
		free(err);
		return 0;
	}
	return (int64_t)in * 5 >= all;
}

long
validate_scan(const struct validate_ctx *c, struct validate_scan *o,
    void *fctx, char **err)
{
	const struct schema *s = db_schema(c->db);
	enum region_level l = o->region != NULL ?
	    region_code_level(o->region) : RL_NONE;
	int64_t ids[SCAN_PAGE];
	struct vbatch_ids fs = {0};
	struct page_recs pr = {0};
	struct vbatch *vtop = NULL, *kv[16];
	size_t t, k, nkv = 0;
	long checked = 0, done = 0, total = 0, i, n;
	int fast = !o->exact && c->x != NULL;
	long cache_old = 0, *counted = xcalloc(s->nrecords, sizeof *counted);
	int grown = 0, ks, probes;

	for (t = 0; t < s->nrecords; t++)
		counted[t] = -1;
	if (o->progress != NULL)
		for (t = 0; t < s->nrecords; t++) {
			const struct sch_record *def = &s->records[t];
			int rf = o->region != NULL ? region_field(def, l) : -1;
			if (def->parent != NULL || (o->region != NULL && rf < 0))
				continue;
			if ((n = scan_ids(c->db, def, rf, o->region, 0, 1, NULL,
			    err)) < 0) {
				checked = -1;
				goto out;
			}
			total += n;
			counted[t] = n;
		}
	for (t = 0; t < s->nrecords; t++) {
		const struct sch_record *def = &s->records[t];
		const struct sch_record *kids[16];
		size_t nk = schema_children(s, def, kids, 16);
		int rf = o->region != NULL ? region_field(def, l) : -1;
		int64_t after = 0;
		if (def->parent != NULL)
			continue; /* rows are checked with their parent */
		if (o->region != NULL && rf < 0)
			continue; /* no region field: none lies in the region */
		if (nk > 16)
			nk = 16;
		/* a statement that does not compile: record by record */
		if (fast) {
			char *e2 = NULL;
			vtop = vbatch_new(db_sqlite(c->db), s, def, &e2);
			free(e2);
			for (k = 0; k < nk; k++) {
				kv[k] = vbatch_new(db_sqlite(c->db), s, kids[k],
				    &e2);
				free(e2);
				e2 = NULL;
			}
			nkv = nk;
			/* the whole register, or a region of much of it:
			 * one pass for the duplicate keys, not an index
			 * probe a row */
			ks = keyset_pays(c->db, def, rf, o->region,
			    counted[t]);
			probes = !ks;
			if (ks) {
				if (def->ndup_key > 0 && !vbatch_keyset(vtop, 1))
					probes = 1;
				for (k = 0; k < nk; k++)
					if (kids[k]->ndup_key > 0 &&
					    !vbatch_keyset(kv[k], 1))
						probes = 1;
			}
			/*
			 * Probes of the duplicate-key (and unique) indexes
			 * for every row: a page cache of some size keeps their
			 * inner pages (restored at the end). Without them the
			 * scan reads each page about once: SQLite's own cache
			 * (a million persons: 90 MB resident with it, 25 MB
			 * without, in the same time).
			 */
			if (probes && !grown)
				grown = cache_grow(c->db, SCAN_CACHE_KIB,
				    &cache_old);
		}
		for (;;) {
			int rc = 0, all;
			/*
			 * A read transaction per page: one snapshot and one
			 * lock for its records, not one for each look-up;
			 * writers go on (WAL) between pages.
			 */
			int txn = sqlite3_get_autocommit(db_sqlite(c->db)) &&
			    sqlite3_exec(db_sqlite(c->db), "BEGIN", NULL, NULL,
			    NULL) == SQLITE_OK;
			n = scan_ids(c->db, def, rf, o->region, after, 0, ids,
			    err);
			all = !fast || n <= 0 || page_flags(vtop, kv, nk,
			    ids[0], ids[n - 1], &fs) < 0;
			if (!all && (o->record != NULL || o->row != NULL) &&
			    page_load(c->db, def, kids, nk, o->row != NULL,
			    ids[0], ids[n - 1], &pr, err) < 0)
				rc = -1;
			for (i = 0; i < n && rc == 0; i++) {
				struct record *r;
				if (!all && !vbatch_ids_has(&fs, ids[i])) {
					/*
					 * Nothing to find: scan_ids keeps
					 * only records in the region.
					 */
					pass_over(&pr, ids[i], nk, o, fctx);
					checked++;
					done++;
					continue;
				}
				if (db_record_load(c->db, def, ids[i], &r,
				    err) < 0) {
					rc = -1;
					break;
				}
				if (o->region == NULL || in_region(r, o->region)) {
					if (o->record != NULL)
						o->record(fctx, r);
					struct narrow nw = {vtop, kv};
					rc = check_tree(c, r, kids, nk, o, fctx,
					    all ? NULL : &nw, err);
					checked++;
				}
				record_free(r);
				done++;
			}
			page_free(&pr);
			if (n > 0)
				after = ids[n - 1];
			if (txn)
				sqlite3_exec(db_sqlite(c->db), "COMMIT", NULL,
				    NULL, NULL);
			if (n < 0 || rc < 0) {
				checked = -1;
				goto out;
			}
			if (n == 0)
				break;
			if (o->progress != NULL &&
			    o->progress(o->pctx, done, total) != 0) {
				o->stopped = 1;
				goto out;
			}
		}
		vbatch_free(vtop);
		vtop = NULL;
		for (k = 0; k < nkv; k++)
			vbatch_free(kv[k]);
		nkv = 0;
	}
out:
	vbatch_free(vtop);
	for (k = 0; k < nkv; k++)
		vbatch_free(kv[k]);
	vbatch_ids_free(&fs);
	free(counted);
	if (grown)
		cache_restore(c->db, cache_old);
	return checked;
}

struct all_ctx {
	void (*fn)(void *, const struct record *, const struct finding *);
	void *fctx;
};

static void
all_fn(void *ctx, const struct record *top, const struct record *r,
    const struct finding *f)
{
	struct all_ctx *a = ctx;
	(void)top;
	a->fn(a->fctx, r, f);
}

long
validate_all(const struct validate_ctx *c,
    void (*fn)(void *fctx, const struct record *r, const struct finding *f),
    void *fctx, char **err)
{
	struct validate_scan o = {0};
	struct all_ctx a = {fn, fctx};
	o.fn = all_fn;
	return validate_scan(c, &o, &a, err);
}

const char *
validate_village_of(const struct record *r)
{
	size_t i;
	for (i = 0; i < r->def->nfields; i++)
		if (r->def->fields[i].type == FT_REGION &&
		    r->def->fields[i].level == RL_VILLAGE)
			return record_get(r, i);
	return NULL;
}

void
validate_completeness_init(struct validate_completeness *vc,
    const struct schema *s)
{
	size_t t;
	memset(vc, 0, sizeof *vc);
	vc->s = s;
	vc->empty = xcalloc(s->nrecords ? s->nrecords : 1, sizeof *vc->empty);
	vc->seen = xcalloc(s->nrecords ? s->nrecords : 1, sizeof *vc->seen);
	for (t = 0; t < s->nrecords; t++)
		vc->empty[t] = xcalloc(s->records[t].nfields + 1,
		    sizeof **vc->empty);
}

void
validate_completeness_add(struct validate_completeness *vc,
    const struct validate_ctx *c, const struct record *top,
    const struct record *r)
{
	size_t t = (size_t)(r->def - vc->s->records), i;
	if (t >= vc->s->nrecords)
		return;
	if (r == top) {
		const char *code = validate_village_of(top);
		for (i = 0; i < vc->nv; i++)
			if ((code == NULL && vc->v[i].code == NULL) ||
			    (code != NULL && vc->v[i].code != NULL &&
			    strcmp(code, vc->v[i].code) == 0))
				break;
		if (i == vc->nv) {
			vc->v = xreallocarray(vc->v, vc->nv + 1, sizeof *vc->v);
			vc->v[i].code = code != NULL ? xstrdup(code) : NULL;
			vc->v[i].records = vc->v[i].complete = 0;
			vc->nv++;
		}
		vc->v[i].records++;
		if (strcmp(top->status, "draft") != 0)
			vc->v[i].complete++;
		vc->cur = i;
	}
	vc->seen[t]++;
	validate_count_empty(c, r, r == top ? NULL : top, vc->empty[t]);
}

void
validate_completeness_free(struct validate_completeness *vc)
{
	size_t i;
	for (i = 0; i < vc->nv; i++)
		free(vc->v[i].code);
	free(vc->v);
	for (i = 0; vc->s != NULL && i < vc->s->nrecords; i++)
		free(vc->empty[i]);
	free(vc->empty);
	free(vc->seen);
	memset(vc, 0, sizeof *vc);
}
