/*
 * validate: field checks (type, required, range, value set) and the record
 * check that runs them all. Canonical forms: integers without leading zeros
 * or '+', decimals with a dot, dates YYYY-MM-DD, yesno 1/0, choice codes as
 * written in the value set.
 */
#include "validate.h"

#include <ctype.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "i18n.h"

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

int
validate_value(const struct sch_field *f, const char *input, int lang,
    char **norm, const char **rule, char **msg)
{
	char *v = util_trim(input != NULL ? input : "");
	double d;
	int y, m, dd;

	(void)lang;
	*norm = NULL;
	*msg = NULL;
	*rule = NULL;
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
		return 0;
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
		const struct sch_choice *c = schema_choice(f->vs, v);
		if (c == NULL && f->vs != NULL && f->vs->numeric) {
			char *n2 = NULL;
			if (norm_integer(v, &n2) == 0)
				c = schema_choice(f->vs, n2);
			free(n2);
		}
		if (c == NULL) {
			char *h = f->vs != NULL ? choice_hint(f->vs) : xstrdup("");
			char *sv = util_sanitize(v, 0);
			*rule = "value_set";
			*msg = xasprintf(_("No code '%s': choose %s (F4 for the "
			    "list)"), sv, h);
			free(h);
			free(sv);
			goto fail;
		}
		*norm = xstrdup(c->code);
		break;
	}
	default:
		*norm = v;
		return 0;
	}
	free(v);
	return 0;
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
