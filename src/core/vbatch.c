/*
 * vbatch: a record type's checks as one set-based statement over its
 * table (see vbatch.h). The SQL is made of fixed keywords, dictionary
 * identifiers (quoted), dictionary constants (numbers, value-set codes as
 * SQL literals) and the dictionary's expression texts, which expr_compile
 * has already accepted (no ';', balanced parentheses, read-only, known
 * names) on the same schema; values from storage are never in SQL text.
 *
 * Soundness: the WHERE of the row statement is an OR of "may fail" terms,
 * one per check validate_record_full makes. Each term is true whenever
 * the exact check could fail: a value test in SQL passes only values the
 * exact test accepts (otherwise validate_value decides, inside the
 * statement), and an expression is evaluated over the stored columns
 * (STRICT tables: the same types expr.c binds). A term that cannot be
 * written flags the row. An expression vexpr compiles is evaluated in C
 * over those columns instead (kesra_vb_row, kesra_vb_roster), with
 * SQLite's semantics where it decides and "may fail" where it does not.
 */
#include "vbatch.h"

#include <ctype.h>
#include <math.h>
#include <regex.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <sqlite3.h>

#include "db.h"
#include "nik.h"
#include "region.h"
#include "util.h"
#include "validate.h"
#include "vexpr.h"
#include "vexpr_read.h"


struct vbatch {
	sqlite3 *h;
	const struct sch_record *rec, *parent;
	sqlite3_stmt *rows;    /* ids in [?1, ?2] that may have a finding */
	sqlite3_stmt *parents; /* roster: parent ids in [?1, ?2] */
	char *sql;
	/* roster: the count and rules part of parents, prepared when first
	 * used (vbatch_flagged_roster); NULL: nothing to check */
	char *roster_sql;
	sqlite3_stmt *roster;
	/* what a run found (kesra_vb_mark; vbatch_marked): the rows with a
	 * term other than the unique and duplicate-key probes, the rows
	 * with only a probe, the parents whose roster as a whole may fail */
	struct vbatch_ids marked, probed, pmarked;
	/* ?3: the vbatch itself, a pointer parameter */
	/* kesra_vb_row's fields, VB_CHUNK a call, and for each the integer
	 * codes of its numeric value set (n == 0: none) */
	const struct sch_field **rowf;
	size_t nrowf;
	struct vb_codes {
		int64_t *v;
		size_t n;
		uint64_t small; /* the codes 0-63 among v, as bits */
		int any; /* stored as ANY (a calculate field) */
		/* the last value that matched the pattern (memo); of a
		 * select_multiple or a region, that value_ok accepted (a
		 * region's: cleared for each run) */
		char last[24];
		struct vb_pat *pat; /* the text's pattern when simple */
		/* value_ok's plain integers (int_ok): VBF_CODES, a code
		 * among small; VBF_RANGE, lo <= i <= hi; 0: none */
		int fast;
		int64_t lo, hi;
	} *codes;
	int year; /* this year for NIK checks, fixed for each run */
	int dk_c; /* the outer row's duplicate key through kesra_vb_dk* */
	/*
	 * The key set (vbatch_keyset): the hashes of the probable-duplicate
	 * keys that two or more live rows share, made by one pass over the
	 * table; a row whose key is not among them has no duplicate, and
	 * kesra_vb_dkhas spares its index probe. Valid for the snapshot it
	 * was made in (dkver: PRAGMA data_version then).
	 */
	int dks_want;  /* vbatch_keyset(v, 1) and the key allows it */
	int dks_state; /* 0 none yet, 1 made, -1 given up (probes) */
	uint64_t *dks; /* sorted */
	size_t ndks;
	uint64_t *dkall; /* while making it: a hash a live row */
	size_t ndkall, dkcap;
	int64_t dkver;
	sqlite3_stmt *dkver_st;
	/* region codes looked up (region_known), cleared for each run */
	sqlite3_stmt *region;
	struct vb_region {
		char code[24];
		int level; /* -1: none */
	} rcache[256];
	/*
	 * The rules, required/relevant conditions and constraints that
	 * vexpr compiles, evaluated in C by kesra_vb_row's call (x_on): its
	 * arguments are the stored fields (rowf) then the parent's fields
	 * the expressions name (pslot). xs: each distinct text once, its
	 * truth kept for the row (gen); checks: what flags the row.
	 */
	int x_on;
	const struct sch_field **pslot;
	size_t npslot;
	struct vb_x {
		char *text;
		struct vexpr *x;
		unsigned gen;
		int t;
	} *xs;
	size_t nxs;
	unsigned xgen;
	struct vb_check {
		int kind;      /* VBC_* */
		int x, rel;    /* in xs; -1: none */
		size_t *cols;  /* VBC_REQUIRED: its empty fields; else 1 */
		size_t ncols;
	} *checks;
	size_t nchecks;
	struct vexpr_env env;
	sqlite3_stmt *district;
	int district_ok; /* -1: not known yet, 0: no region table, 1 */
	struct {
		char code[9];
		int known;
	} dcache[64];
	/*
	 * The roster rules that vexpr compiles, as the aggregate
	 * kesra_vb_roster(vbatch, column, ...) over the roster's fields
	 * they name (rslot; rpar: a parent's field), its states nraggs a
	 * parent (each rule's from agg0).
	 */
	struct vb_rr {
		struct vexpr *x;
		size_t agg0;
	} *rr;
	size_t nrr, nraggs;
	const struct sch_field **rslot;
	unsigned char *rpar;
	size_t nrslot;
	struct vexpr_env renv;
	struct vb_group *gfree; /* the states of parents done, for reuse */
};

enum { VBC_RULE, VBC_REQUIRED, VBC_CONSTRAINT };
enum { VBF_CODES = 1, VBF_RANGE };

#define VB_SELF_PTR "kesra_vbatch"
#define VB_CHUNK 120 /* columns a kesra_vb_row call (SQLite: 127) */

/* ---- the SQL function kesra_vb_row: the values of a row --------------- */

/* The year nik_parse resolves a NIK's century against (as validate). */
static int
this_year(void)
{
	time_t now = time(NULL);
	struct tm tm;
	if (localtime_r(&now, &tm) == NULL)
		return 2000;
	return tm.tm_year + 1900;
}

static unsigned
hash(const char *s)
{
	unsigned h = 2166136261u;
	for (; *s != '\0'; s++)
		h = (h ^ (unsigned char)*s) * 16777619u;
	return h;
}

/*
 * Whether code is a current region of that level (as db_region_get and
 * validate_field check it): *known 1 or 0. Codes are cached for the run:
 * the households of a page share their villages. 0, or -1 on error.
 */
static int
region_known(struct vbatch *v, const char *code, int level, int *known)
{
	struct vb_region *e;
	size_t n = strlen(code);
	int found = -1, rc;

	e = &v->rcache[hash(code) % 256];
	if (n < sizeof e->code && e->code[0] != '\0' &&
	    strcmp(e->code, code) == 0) {
		*known = e->level == level;
		return 0;
	}
	if (v->region == NULL && sqlite3_prepare_v3(v->h, "SELECT level FROM "
	    "kesra_region WHERE code = ?1 AND retired = 0", -1,
	    SQLITE_PREPARE_PERSISTENT, &v->region, NULL) != SQLITE_OK)
		return -1;
	sqlite3_bind_text(v->region, 1, code, (int)n, SQLITE_TRANSIENT);
	if ((rc = sqlite3_step(v->region)) == SQLITE_ROW)
		found = sqlite3_column_int(v->region, 0);
	sqlite3_reset(v->region);
	if (rc != SQLITE_ROW && rc != SQLITE_DONE)
		return -1;
	if (n < sizeof e->code) {
		memcpy(e->code, code, n + 1);
		e->level = found;
	}
	*known = found == level;
	return 0;
}

/* The stored text form of a value (as db_record_load gives it) in buf or
 * the value's own text; NULL for NULL. -1 for text with a NUL inside.
 * c: a as vexpr_value_read read it. */
static int
value_text(sqlite3_value *a, const struct vx_value *c, char *buf, size_t n,
    const char **out)
{
	*out = NULL;
	switch (c->t) {
	case VX_NULL:
		return 0;
	case VX_REAL:
		util_fmt_double(c->r, buf, n);
		*out = buf;
		return 0;
	case VX_TEXT:
		*out = c->s;
		return c->z ? 0 : -1;
	default:
		*out = (const char *)sqlite3_value_text(a);
		if (*out != NULL && strlen(*out) !=
		    (size_t)sqlite3_value_bytes(a))
			return -1;
		return 0;
	}
}

/* validate_value itself: 1 when it accepts v. */
static int
value_exact(const struct sch_field *f, const char *v)
{
	char *norm = NULL, *msg = NULL;
	const char *rule = NULL;
	int ok = validate_value(f, v, 0, &norm, &rule, &msg) == 0;
	free(norm);
	free(msg);
	return ok;
}

/* Printable ASCII, 1..1000 bytes, no space at either end: validate_value
 * keeps such a text as it is (valid UTF-8, no control character). */
static int
plain_text(const char *v)
{
	size_t i;
	for (i = 0; v[i] != '\0'; i++)
		if ((unsigned char)v[i] < 0x20 || (unsigned char)v[i] > 0x7e)
			return 0;
	return i > 0 && i <= 1000 && v[0] != ' ' && v[i - 1] != ' ';
}


/*
 * A non-empty REAL or INTEGER value of decimal field f without text:
 * 1 when validate_value accepts it, 0 when it refuses it, -1 when only
 * validate_value can say. validate_value reads the stored text
 * (util_fmt_double of a REAL: the shortest that reads back, written
 * without an exponent) and wants at most 15 digits. An integer m below
 * 1e11 with x == m / 10^k (k <= 4: an exact division, as strtod of that
 * decimal) bounds the digits of that text by 11: then only the range
 * decides, on x itself (the text reads back as x).
 */
static int
decimal_ok(const struct sch_field *f, const struct vx_value *c)
{
	static const double p10[] = {1, 10, 100, 1000, 10000};
	double x;
	size_t k;

	if (c->t == VX_INT) {
		sqlite3_int64 i = c->i;
		if (i <= -1000000000000000LL || i >= 1000000000000000LL)
			return -1;
		x = (double)i;
	} else if (c->t == VX_REAL) {
		x = c->r;
		for (k = 0; k < sizeof p10 / sizeof *p10; k++) {
			double m = x * p10[k];
			if (m == trunc(m) && fabs(m) < 1e11 && m / p10[k] == x)
				break;
		}
		if (k == sizeof p10 / sizeof *p10)
			return -1;
	} else
		return -1;
	return !((f->has_min && x < f->min) || (f->has_max && x > f->max));
}

/*
 * A pattern of the simple kind, compiled for printable ASCII text (what
 * plain_text lets through): a sequence of atoms, each a set of the bytes
 * 0x20-0x7e (a letter, digit or other plain character, '.', or a bracket
 * of such characters, "0-9"-like digit ranges and the classes alpha,
 * digit, alnum, upper, lower, space, blank, punct), taken once, or
 * '?', '*', '+', {m}, {m,}, {m,n} (m, n <= 16) times; at most 63 atoms
 * after the counts are written out. Matched whole (schema anchors the
 * pattern as ^(...)$) by following every position at once, which is
 * what a regular expression without groups means. Anything else (groups,
 * alternatives, anchors, escapes, letter ranges, which depend on the
 * locale) is left to regexec.
 */
#define PAT_MAX 63
#define PAT_DSTATES 24
struct vb_pat {
	size_t n;
	struct vb_atom {
		uint64_t set[2];   /* bytes 0-127 */
		unsigned char opt; /* may be left out */
		unsigned char star; /* repeats */
	} a[PAT_MAX];
	/*
	 * The steps taken so far, kept (a DFA built as texts meet it): the
	 * sets of positions met (at most PAT_DSTATES; beyond, each step
	 * is worked out), and for each the set after each byte 0x20-0x7e
	 * (its index + 1; 0 not yet known).
	 */
	size_t nd;
	uint64_t dset[PAT_DSTATES];
	unsigned char dnext[PAT_DSTATES][95];
};

static void
set_add(uint64_t *set, int c)
{
	set[c >> 6] |= 1ULL << (c & 63);
}

static int
set_has(const uint64_t *set, int c)
{
	return c < 128 && ((set[c >> 6] >> (c & 63)) & 1);
}

/* A character that stands for itself outside a bracket (ERE). */
static int
pat_literal(int c)
{
	return c >= 0x20 && c <= 0x7e && strchr(".[]()*+?{}|^$\\", c) == NULL;
}

/* After "[": the bracket into set; the character after "]", or NULL. */
static const char *
pat_bracket(const char *p, uint64_t *set)
{
	static const struct {
		const char *name;
		int (*fn)(int);
	} classes[] = {
		{"alpha", isalpha}, {"digit", isdigit}, {"alnum", isalnum},
		{"upper", isupper}, {"lower", islower}, {"space", isspace},
		{"blank", isblank}, {"punct", ispunct},
	};
	uint64_t in[2] = {0, 0};
	int neg = 0, first = 1, c;
	size_t k;

	if (*p == '^') {
		neg = 1;
		p++;
	}
	for (;; first = 0) {
		if (*p == '\0' || (*p == ']' && first))
			return NULL; /* "[]...]": left to regexec */
		if (*p == ']')
			break;
		if (p[0] == '[' && p[1] == ':') {
			const char *e = strstr(p + 2, ":]");
			if (e == NULL)
				return NULL;
			for (k = 0; k < sizeof classes / sizeof *classes; k++)
				if (strlen(classes[k].name) == (size_t)(e - p - 2) &&
				    strncmp(p + 2, classes[k].name,
				    (size_t)(e - p - 2)) == 0)
					break;
			if (k == sizeof classes / sizeof *classes)
				return NULL;
			for (c = 0x20; c <= 0x7e; c++)
				if (classes[k].fn(c))
					set_add(in, c);
			p = e + 2;
			continue;
		}
		if (*p == '[' || *p == '\\' || (unsigned char)*p < 0x20 ||
		    (unsigned char)*p > 0x7e)
			return NULL;
		if (p[1] == '-' && p[2] != ']' && p[2] != '\0') {
			/* a range: of digits only */
			if (!isdigit((unsigned char)p[0]) ||
			    !isdigit((unsigned char)p[2]) || p[0] > p[2])
				return NULL;
			for (c = p[0]; c <= p[2]; c++)
				set_add(in, c);
			p += 3;
			continue;
		}
		set_add(in, (unsigned char)*p++);
	}
	for (c = 0x20; c <= 0x7e; c++)
		if (set_has(in, c) != neg)
			set_add(set, c);
	return p + 1;
}

/* A count {m}, {m,}, {m,n} after "{": *lo, *hi (-1: any); NULL when not. */
static const char *
pat_count(const char *p, int *lo, int *hi)
{
	char *e;
	long m, n;

	if (!isdigit((unsigned char)*p))
		return NULL;
	m = strtol(p, &e, 10);
	n = m;
	if (*e == ',') {
		if (e[1] == '}')
			n = -1;
		else if (isdigit((unsigned char)e[1]))
			n = strtol(e + 1, &e, 10);
		else
			return NULL;
		if (n == -1)
			e++;
	}
	if (*e != '}' || m > 16 || n > 16 || (n >= 0 && n < m))
		return NULL;
	*lo = (int)m;
	*hi = (int)n;
	return e + 1;
}

/* The pattern compiled, or NULL when it is not of the simple kind. */
static struct vb_pat *
pat_compile(const char *p)
{
	struct vb_pat *pt = xcalloc(1, sizeof *pt);
	int c, k;

	while (*p != '\0') {
		uint64_t set[2] = {0, 0};
		int lo = 1, hi = 1;
		if (*p == '[') {
			if ((p = pat_bracket(p + 1, set)) == NULL)
				goto no;
		} else if (*p == '.') {
			for (c = 0x20; c <= 0x7e; c++)
				set_add(set, c);
			p++;
		} else if (pat_literal((unsigned char)*p))
			set_add(set, (unsigned char)*p++);
		else
			goto no;
		if (*p == '*' || *p == '+' || *p == '?') {
			lo = *p == '+';
			hi = *p == '?' ? 1 : -1;
			p++;
		} else if (*p == '{' && (p = pat_count(p + 1, &lo, &hi)) == NULL)
			goto no;
		if (*p == '*' || *p == '+' || *p == '?' || *p == '{')
			goto no; /* counted twice */
		for (k = 0; k < lo || (hi < 0 ? k == lo : k < hi); k++) {
			if (pt->n == PAT_MAX)
				goto no;
			memcpy(pt->a[pt->n].set, set, sizeof set);
			pt->a[pt->n].opt = k >= lo;
			pt->a[pt->n].star = hi < 0 && k == lo;
			pt->n++;
		}
	}
	return pt;
no:
	free(pt);
	return NULL;
}

/* The positions reachable from s without a character. */
static uint64_t
pat_closure(const struct vb_pat *pt, uint64_t s)
{
	size_t i;
	for (i = 0; i < pt->n; i++)
		if (((s >> i) & 1) && (pt->a[i].opt || pt->a[i].star))
			s |= 1ULL << (i + 1);
	return s;
}

/* The positions after byte c from the positions cur. */
static uint64_t
pat_step(const struct vb_pat *pt, uint64_t cur, int c)
{
	uint64_t next = 0;
	size_t i;

	for (i = 0; i < pt->n; i++)
		if (((cur >> i) & 1) && set_has(pt->a[i].set, c))
			next |= 1ULL << (pt->a[i].star ? i : i + 1);
	return pat_closure(pt, next);
}

/* The index of positions s among the kept ones (added), or -1 when full. */
static int
pat_state(struct vb_pat *pt, uint64_t s)
{
	size_t i;

	for (i = 0; i < pt->nd; i++)
		if (pt->dset[i] == s)
			return (int)i;
	if (pt->nd == PAT_DSTATES)
		return -1;
	pt->dset[pt->nd] = s;
	memset(pt->dnext[pt->nd], 0, sizeof pt->dnext[pt->nd]);
	return (int)pt->nd++;
}

/*
 * 1 when printable ASCII text t is in the pattern's language: every
 * position followed at once (pat_step), each step between two kept sets
 * of positions kept too, so that a text mostly takes the steps already
 * known.
 */
static int
pat_match(struct vb_pat *pt, const char *t)
{
	uint64_t cur = pat_closure(pt, 1);
	int d = pat_state(pt, cur), nd;

	for (; *t != '\0' && cur != 0; t++) {
		int c = (unsigned char)*t;
		unsigned k = (unsigned)c - 0x20;
		if (d >= 0 && k < 95 && pt->dnext[d][k] != 0) {
			d = pt->dnext[d][k] - 1;
			cur = pt->dset[d];
			continue;
		}
		cur = pat_step(pt, cur, c);
		nd = k < 95 ? pat_state(pt, cur) : -1;
		if (d >= 0 && nd >= 0)
			pt->dnext[d][k] = (unsigned char)(nd + 1);
		d = nd;
	}
	return *t == '\0' && ((cur >> pt->n) & 1);
}

int
vbatch_pattern_test(const char *pattern, const char *text)
{
	int rc;
	return vbatch_pattern_test_many(pattern, &text, 1, &rc) < 0 ? -1 : rc;
}

int
vbatch_pattern_test_many(const char *pattern, const char *const *texts,
    size_t n, int *out)
{
	struct vb_pat *pt = pat_compile(pattern);
	size_t i;
	if (pt == NULL)
		return -1;
	for (i = 0; i < n; i++)
		out[i] = pat_match(pt, texts[i]);
	free(pt);
	return 0;
}

/* 1 when plain text t (plain_text) matches f's pattern; the last value
 * that matched is kept (codes of a place repeat from row to row). */
static int
pattern_ok(const struct sch_field *f, struct vb_codes *memo, const char *t)
{
	size_t n = strlen(t);
	if (memo != NULL && memo->last[0] != '\0' && strcmp(memo->last, t) == 0)
		return 1;
	if (memo != NULL && memo->pat != NULL) {
		if (!pat_match(memo->pat, t))
			return 0;
	} else if (regexec(f->pattern_re, t, 0, NULL, 0) != 0)
		return 0;
	if (memo != NULL && n < sizeof memo->last)
		memcpy(memo->last, t, n + 1);
	return 1;
}

/*
 * 1 when plain text t is a select_multiple value validate_value accepts
 * as it is: codes of f's value set written exactly, each once, one space
 * apart; 0 when only validate_value can say.
 */
static int
multiple_ok(const struct sch_field *f, const char *t)
{
	unsigned char seen[256];
	const char *p = t;
	char tok[64];
	size_t n, i;

	if (f->vs == NULL || f->vs->nchoices > sizeof seen)
		return 0;
	memset(seen, 0, f->vs->nchoices);
	for (;;) {
		n = strcspn(p, " ");
		if (n == 0 || n >= sizeof tok || memchr(p, ',', n) != NULL)
			return 0;
		memcpy(tok, p, n);
		tok[n] = '\0';
		for (i = 0; i < f->vs->nchoices &&
		    strcmp(f->vs->choices[i].code, tok) != 0; i++)
			;
		if (i == f->vs->nchoices || seen[i])
			return 0;
		seen[i] = 1;
		if (p[n] == '\0')
			return 1;
		p += n + 1;
	}
}

/* Whether text t is the value kept in memo (the last accepted). */
static inline int
memo_has(const struct vb_codes *memo, const char *t)
{
	return memo != NULL && memo->last[0] != '\0' &&
	    strcmp(memo->last, t) == 0;
}

static void
memo_set(struct vb_codes *memo, const char *t)
{
	size_t n = strlen(t);
	if (memo != NULL && n < sizeof memo->last)
		memcpy(memo->last, t, n + 1);
}

/*
 * 1 when non-empty value a of field f passes every check of
 * validate_value (a test without allocation where it can, else
 * validate_value) and, for a region, is a current region of its level;
 * 0 when not; -1 on a look-up error.
 */
static int
value_ok(struct vbatch *v, size_t idx, sqlite3_value *a,
    const struct vx_value *c, int in_env)
{
	const struct sch_field *f = v->rowf[idx];
	struct vb_codes *codes = v->codes != NULL ? &v->codes[idx] : NULL;
	char buf[40];
	const char *t;
	int y, m, d, known, rc;
	struct nik n;

	/*
	 * An INTEGER, decided without its text (which SQLite would make
	 * for each value): a code of a numeric value set (the codes written
	 * as SQLite writes integers; schema_choice compares text), a whole
	 * number in its range, a yes/no 0 or 1, a calculated integer.
	 */
	if (c->t == VX_INT) {
		sqlite3_int64 i = c->i;
		size_t k;
		switch (f->type) {
		case FT_SELECT_ONE:
			if (i >= 0 && i < 64 && ((codes->small >> i) & 1))
				return 1;
			for (k = 0; k < codes->n; k++)
				if (codes->v[k] == i)
					return 1;
			break;
		case FT_INTEGER:
			if (i < -999999999999999LL || i > 999999999999999LL)
				break;
			return !((f->has_min && (double)i < f->min) ||
			    (f->has_max && (double)i > f->max));
		case FT_YESNO:
			if (i == 0 || i == 1)
				return 1;
			break;
		case FT_CALCULATE:
			return 1;
		default:
			break;
		}
	}
	if (f->type == FT_CALCULATE) {
		/*
		 * Not checked, but read by expressions: expr.c binds the
		 * stored text of an ANY column as a number when it looks like
		 * one (a REAL 12.0 as the INTEGER 12, the TEXT '12' as 12),
		 * so such a value would not compare as it does in the table.
		 * A REAL's stored text (util_fmt_double) has a '.' or an
		 * exponent exactly when it is finite and not whole.
		 */
		switch (c->t) {
		case VX_INT:
			return 1;
		case VX_REAL: {
			double x = c->r;
			return isfinite(x) && x != trunc(x) && codes != NULL &&
			    codes->any;
		}
		case VX_TEXT:
			return strpbrk(c->s, "0123456789") == NULL && c->z;
		default:
			return 0;
		}
	}
	if (f->type == FT_DECIMAL && (rc = decimal_ok(f, c)) >= 0)
		return rc;
	if (value_text(a, c, buf, sizeof buf, &t) < 0)
		return 0;
	if (t == NULL)
		return 1; /* empty: the required checks are in SQL */
	switch (f->type) {
	case FT_TEXT:
		/*
		 * A text that vbatch's own matcher matches has only bytes
		 * 0x20-0x7e (its sets hold no other): plain_text then only
		 * asks for the length and the ends.
		 */
		if (codes != NULL && codes->pat != NULL) {
			size_t len = c->t == VX_TEXT ? c->n : strlen(t);
			if (len >= 1 && len <= 1000 && t[0] != ' ' &&
			    t[len - 1] != ' ' && pattern_ok(f, codes, t))
				return 1;
		}
		if (!plain_text(t))
			break;
		return f->pattern_re == NULL || pattern_ok(f, codes, t);
	case FT_SELECT_MULTIPLE:
		if (memo_has(codes, t))
			return 1;
		if (multiple_ok(f, t)) {
			memo_set(codes, t);
			return 1;
		}
		break;
	case FT_INTEGER:
		if (c->t != VX_INT)
			break;
		{
			sqlite3_int64 i = c->i;
			if (i < -999999999999999LL || i > 999999999999999LL)
				break;
			if ((f->has_min && (double)i < f->min) ||
			    (f->has_max && (double)i > f->max))
				return 0;
			return 1;
		}
	case FT_DATE:
		if (strlen(t) != 10 || t[4] != '-' ||
		    validate_parse_date(t, &y, &m, &d) < 0)
			break;
		return 1;
	case FT_YESNO:
		if (c->t == VX_INT && (c->i == 0 || c->i == 1))
			return 1;
		break;
	case FT_SELECT_ONE:
		if (f->vs != NULL && schema_choice(f->vs, t) != NULL)
			return 1;
		break;
	case FT_REGION:
		if (memo_has(codes, t))
			return 1;
		if (f->pattern_re != NULL || !plain_text(t) ||
		    region_code_level(t) != f->level)
			break;
		if (region_known(v, t, (int)f->level, &known) < 0)
			return -1;
		if (known)
			memo_set(codes, t);
		return known;
	case FT_NIK:
		if (!plain_text(t))
			break;
		rc = nik_parse(t, v->year, &n, NULL);
		/* the row's NIK parsed once, for vexpr's nik_sex and
		 * nik_birth_date too (when it reads the same year) */
		if (in_env && c->t == VX_TEXT && v->year == v->env.ty)
			vexpr_env_nik(&v->env, t, c->n, rc, &n);
		if (rc < 0 || (f->pattern_re != NULL &&
		    regexec(f->pattern_re, t, 0, NULL, 0) != 0))
			break;
		return 1;
	case FT_KK:
		if (!plain_text(t) || nik_kk_parse(t, NULL, NULL) < 0 ||
		    (f->pattern_re != NULL &&
		    regexec(f->pattern_re, t, 0, NULL, 0) != 0))
			break;
		return 1;
	default:
		break;
	}
	if (!value_exact(f, t))
		return 0;
	if (f->type == FT_REGION) /* looked up as stored, as validate_field */
		return region_known(v, t, (int)f->level, &known) < 0 ? -1 :
		    known;
	return 1;
}

/* ---- the dictionary's expressions in C (vexpr) ------------------------ */

/*
 * nik_region_known's look-up, as expr.c's: any region of level 3 with
 * that code (retired too); code NULL asks whether the table is there.
 * Kept for the run. 0 with *known, -1 on an error.
 */
static int
district_known(void *arg, const char *code, int *known)
{
	struct vbatch *v = arg;
	unsigned slot = 0;
	size_t i;
	int rc;

	if (v->district_ok < 0)
		v->district_ok = sqlite3_prepare_v3(v->h, "SELECT 1 FROM "
		    "kesra_region WHERE code = ?1 AND level = 3", -1,
		    SQLITE_PREPARE_PERSISTENT, &v->district, NULL) ==
		    SQLITE_OK;
	if (!v->district_ok)
		return -1; /* SQL gives NULL: not decided here */
	if (code == NULL)
		return 0;
	for (i = 0; code[i] != '\0'; i++)
		slot = slot * 31u + (unsigned char)code[i];
	slot %= sizeof v->dcache / sizeof v->dcache[0];
	if (strcmp(v->dcache[slot].code, code) == 0) {
		*known = v->dcache[slot].known;
		return 0;
	}
	sqlite3_bind_text(v->district, 1, code, -1, SQLITE_TRANSIENT);
	rc = sqlite3_step(v->district);
	sqlite3_reset(v->district);
	if (rc != SQLITE_ROW && rc != SQLITE_DONE)
		return -1;
	*known = rc == SQLITE_ROW;
	snprintf(v->dcache[slot].code, sizeof v->dcache[slot].code, "%s",
	    code);
	v->dcache[slot].known = *known;
	return 0;
}

/* The truth of xs[k] for this row (vexpr_truth), once a row. */
static int
x_truth(struct vbatch *v, int k)
{
	struct vb_x *e = &v->xs[k];
	if (e->gen != v->xgen) {
		e->t = vexpr_truth(e->x, &v->env);
		e->gen = v->xgen;
	}
	return e->t;
}

/* 1 when a check evaluated in C may fail for the row in v->env. */
static int
checks_may_fail(struct vbatch *v)
{
	size_t i, k;
	int t;

	if (++v->xgen == 0) {
		/* wrapped: no truth kept is of this row */
		for (i = 0; i < v->nxs; i++)
			v->xs[i].gen = 0;
		v->xgen = 1;
	}
	for (i = 0; i < v->nchecks; i++) {
		const struct vb_check *c = &v->checks[i];
		switch (c->kind) {
		case VBC_RULE:
			/* a rule holds when true or NULL */
			t = x_truth(v, c->x);
			if (t == 0 || t == VX_T_UNK)
				return 1;
			break;
		case VBC_REQUIRED:
			for (k = 0; k < c->ncols; k++)
				if (v->env.vals[c->cols[k]].t == VX_NULL)
					break;
			if (k == c->ncols)
				break;
			if (c->x >= 0 && ((t = x_truth(v, c->x)) == 0 ||
			    t == VX_T_NULL))
				break;
			if (c->rel >= 0 && ((t = x_truth(v, c->rel)) == 0 ||
			    t == VX_T_NULL))
				break;
			return 1;
		case VBC_CONSTRAINT:
			if (v->env.vals[c->cols[0]].t == VX_NULL ||
			    x_truth(v, c->x) == 1)
				break;
			if (c->rel >= 0 && ((t = x_truth(v, c->rel)) == 0 ||
			    t == VX_T_NULL))
				break;
			return 1;
		}
	}
	return 0;
}

/*
 * value_ok's answer 1 for integer i of a field where it is plain (a code
 * of the numeric value set among 0-63, a whole number of an integer field
 * in its range, yes/no 0 or 1, a calculated integer), as fast_set made
 * it; 0: value_ok decides.
 */
static inline int
int_ok(const struct vb_codes *k, int64_t i)
{
	if (k->fast == VBF_RANGE)
		return i >= k->lo && i <= k->hi;
	if (k->fast == VBF_CODES)
		return i >= 0 && i < 64 && ((k->small >> i) & 1);
	return 0;
}

/*
 * kesra_vb_row(vbatch, chunk, value, ...): 1 when a value of the chunk's
 * fields may fail its field's checks (value_ok), else 0. With x_on, the
 * only call (chunk 0) has the parent's values named by the checks in C
 * after the row's, and is 1 too when one of those may fail.
 */
static void
fn_vb_row(sqlite3_context *ctx, int argc, sqlite3_value **argv)
{
	struct vbatch *v = sqlite3_value_pointer(argv[0], VB_SELF_PTR);
	size_t first, i;
	int rc;

	if (v == NULL || argc < 2) {
		sqlite3_result_int(ctx, 1);
		return;
	}
	first = (size_t)sqlite3_value_int64(argv[1]) * VB_CHUNK;
	if (v->x_on && first == 0 && (size_t)argc == 2 + v->nrowf +
	    v->npslot) {
		/* every argument read once, into the row vexpr reads, for
		 * value_ok and the checks in C alike */
		struct vexpr_env *env = &v->env;
		struct vx_value *c = env->vals;
		vexpr_env_row(env, argv + 2);
		for (i = 0; i < v->nrowf; i++) {
			vexpr_read_inline(argv[i + 2], &c[i]);
			env->vgen[i] = env->gen;
			if (c[i].t == VX_NULL || (c[i].t == VX_INT &&
			    int_ok(&v->codes[i], c[i].i)))
				continue;
			if ((rc = value_ok(v, i, argv[i + 2], &c[i], 1)) < 0)
				goto fail;
			if (rc == 0) {
				sqlite3_result_int(ctx, 1);
				return;
			}
		}
		for (; i + 2 < (size_t)argc; i++) {
			vexpr_read_inline(argv[i + 2], &c[i]);
			env->vgen[i] = env->gen;
		}
		sqlite3_result_int(ctx, checks_may_fail(v));
		return;
	}
	for (i = 0; i + 2 < (size_t)argc && first + i < v->nrowf; i++) {
		struct vx_value c;
		vexpr_value_read(argv[i + 2], &c);
		if (c.t == VX_NULL)
			continue;
		if ((rc = value_ok(v, first + i, argv[i + 2], &c, 0)) < 0)
			goto fail;
		if (rc == 0) {
			sqlite3_result_int(ctx, 1);
			return;
		}
	}
	sqlite3_result_int(ctx, 0);
	return;
fail:
	sqlite3_result_error(ctx, "kesra_vb_row: look-up failed", -1);
}

/*
 * kesra_vb_mark(vbatch, id, kind): id kept in the vbatch's set of that
 * kind (1 marked, 2 probed, 3 parents; vbatch_marked); returns 1 (a true
 * condition whatever the id), and for kind 3 the id itself (a result
 * column).
 */
static void
fn_vb_mark(sqlite3_context *ctx, int argc, sqlite3_value **argv)
{
	struct vbatch *v = sqlite3_value_pointer(argv[0], VB_SELF_PTR);
	int kind = sqlite3_value_int(argv[2]);

	(void)argc;
	if (v != NULL)
		vbatch_ids_add(kind == 1 ? &v->marked : kind == 2 ?
		    &v->probed : &v->pmarked, sqlite3_value_int64(argv[1]));
	if (kind == 3)
		sqlite3_result_value(ctx, argv[1]);
	else
		sqlite3_result_int(ctx, 1);
}

/* ---- the roster rules in C (vexpr), an aggregate ------------------------ */

/* One parent's rows so far: the rules' states and the parent's values.
 * Once the parent is done, kept in its vbatch's gfree (zeroed states,
 * no text) for the next parent. */
struct vb_group {
	struct vx_agg *st;
	struct vx_value *pv;
	char **ptext;
	struct vbatch *v;
	int have, bad;
	struct vb_group *next;
};

static void
fn_roster_step(sqlite3_context *ctx, int argc, sqlite3_value **argv)
{
	struct vbatch *v = argc > 0 ? sqlite3_value_pointer(argv[0],
	    VB_SELF_PTR) : NULL;
	struct vb_group **gp = sqlite3_aggregate_context(ctx, sizeof *gp);
	struct vb_group *g;
	size_t i;

	if (v == NULL || gp == NULL)
		return; /* fn_roster_final flags the parent */
	if (*gp == NULL && v->gfree != NULL) {
		*gp = v->gfree;
		v->gfree = (*gp)->next;
		(*gp)->next = NULL;
	} else if (*gp == NULL) {
		*gp = xcalloc(1, sizeof **gp);
		(*gp)->st = xcalloc(v->nraggs + 1, sizeof *(*gp)->st);
		(*gp)->pv = xcalloc(v->nrslot + 1, sizeof *(*gp)->pv);
		(*gp)->ptext = xcalloc(v->nrslot + 1, sizeof *(*gp)->ptext);
	}
	g = *gp;
	g->v = v;
	if ((size_t)argc != 1 + v->nrslot) {
		g->bad = 1;
		return;
	}
	vexpr_env_row(&v->renv, argv + 1);
	for (i = 0; i < v->nrr; i++)
		vexpr_agg_step(v->rr[i].x, &v->renv, g->st + v->rr[i].agg0);
	if (g->have)
		return;
	/* the parent's values (the same on each of its rows) */
	g->have = 1;
	for (i = 0; i < v->nrslot; i++) {
		sqlite3_value *a = argv[1 + i];
		struct vx_value *pv = &g->pv[i];
		if (!v->rpar[i])
			continue;
		switch (sqlite3_value_type(a)) {
		case SQLITE_NULL:
			pv->t = VX_NULL;
			break;
		case SQLITE_INTEGER:
			pv->t = VX_INT;
			pv->i = sqlite3_value_int64(a);
			break;
		case SQLITE_FLOAT:
			pv->t = VX_REAL;
			pv->r = sqlite3_value_double(a);
			break;
		case SQLITE_TEXT: {
			const char *t = (const char *)sqlite3_value_text(a);
			size_t n = (size_t)sqlite3_value_bytes(a);
			if (t == NULL) {
				pv->t = VX_UNK;
				break;
			}
			g->ptext[i] = xstrndup(t, n);
			pv->t = VX_TEXT;
			pv->s = g->ptext[i];
			pv->n = n;
			pv->z = strlen(t) == n;
			break;
		}
		default:
			pv->t = VX_UNK;
			break;
		}
	}
}

static void
group_free(struct vb_group *g)
{
	free(g->st);
	free(g->pv);
	free(g->ptext);
	free(g);
}

/* 1 when a roster rule in C may fail for the parent (or any doubt). */
static void
fn_roster_final(sqlite3_context *ctx)
{
	struct vb_group **gp = sqlite3_aggregate_context(ctx, 0);
	struct vb_group *g = gp != NULL ? *gp : NULL;
	struct vbatch *v = g != NULL ? g->v : NULL;
	size_t i;
	int flag = 0, t;

	if (g == NULL || v == NULL || g->bad) {
		sqlite3_result_int(ctx, 1);
		goto out;
	}
	vexpr_env_row(&v->renv, NULL);
	for (i = 0; i < v->nrslot; i++)
		if (v->rpar[i]) {
			v->renv.vals[i] = g->pv[i];
			v->renv.vgen[i] = v->renv.gen;
		}
	for (i = 0; i < v->nrr && !flag; i++) {
		t = vexpr_agg_truth(v->rr[i].x, &v->renv, g->st +
		    v->rr[i].agg0);
		flag = t == 0 || t == VX_T_UNK; /* NULL holds */
	}
	sqlite3_result_int(ctx, flag);
out:
	if (g != NULL) {
		*gp = NULL;
		if (v != NULL) {
			/* back to the states of a parent not begun */
			vexpr_agg_clear(g->st, v->nraggs);
			for (i = 0; i < v->nrslot; i++) {
				free(g->ptext[i]);
				g->ptext[i] = NULL;
			}
			g->have = g->bad = 0;
			g->next = v->gfree;
			v->gfree = g;
			return;
		}
		group_free(g);
	}
}

/* ---- the probable-duplicate key of the outer row, in C ---------------- */

/*
 * kesra_vb_dknorm(X) returns what db_dupkey_norm's SQL expression returns
 * for X, and kesra_vb_dkkey(X) what db_dupkey_key_expr's of a text key
 * returns (substr(N, 1, 2) || substr(N, -2) of that), computed in C as
 * SQLite's built-ins do it: upper() folds the bytes a-z only, replace()
 * and trim() (spaces) work on the bytes, and three passes of
 * replace('  ', ' ') make a run of n spaces ceil(n / 8) spaces; substr()
 * counts characters as SQLite does (a byte of 0xc0 or more with the
 * continuation bytes after it, any other byte alone) and stops at a NUL.
 * Used on the outer row's side only: the index on the SQL expression is
 * what the look-up searches. vbatch_new checks that both agree with the
 * SQL on this SQLite (one built with ICU folds more) and else keeps the
 * SQL.
 */
static size_t
dk_norm(const unsigned char *in, size_t n, unsigned char *out)
{
	size_t i, o = 0, run = 0, k;

	for (i = 0; i < n; i++) {
		unsigned char ch = in[i];
		if (ch == '\'')
			continue;
		if (ch == '.' || ch == '-' || ch == ' ') {
			run++;
			continue;
		}
		if (run > 0 && o > 0) /* trim(): none before the first */
			for (k = 0; k < (run + 7) / 8; k++)
				out[o++] = ' ';
		run = 0;
		out[o++] = ch >= 'a' && ch <= 'z' ? ch - 'a' + 'A' : ch;
	}
	return o; /* trim(): none after the last */
}

/* The bytes of the first nchar characters of s (SQLite's substr). */
static size_t
dk_chars(const unsigned char *s, size_t n, size_t nchar)
{
	size_t i = 0;
	while (i < n && s[i] != '\0' && nchar > 0) {
		if (s[i++] >= 0xc0)
			while (i < n && (s[i] & 0xc0) == 0x80)
				i++;
		nchar--;
	}
	return i;
}

static void
fn_dk(sqlite3_context *ctx, int argc, sqlite3_value **argv)
{
	const unsigned char *in;
	unsigned char sbuf[256], *out = sbuf, key[64];
	size_t n, o, a, len, b, c;

	(void)argc;
	if (sqlite3_value_type(argv[0]) == SQLITE_NULL)
		return;
	in = sqlite3_value_text(argv[0]);
	n = (size_t)sqlite3_value_bytes(argv[0]);
	if (in == NULL) {
		sqlite3_result_error_nomem(ctx);
		return;
	}
	if (n > sizeof sbuf)
		out = xmalloc(n);
	o = dk_norm(in, n, out);
	if (sqlite3_user_data(ctx) == NULL) {
		sqlite3_result_text(ctx, (const char *)out, (int)o,
		    SQLITE_TRANSIENT);
		goto done;
	}
	/* substr(N, 1, 2) || substr(N, -2): the last two characters of
	 * those before the first NUL (all of them when fewer) */
	a = dk_chars(out, o, 2);
	for (len = 0, b = 0; b < o && out[b] != '\0'; len++)
		b += dk_chars(out + b, o - b, 1);
	b = len > 2 ? dk_chars(out, o, len - 2) : 0;
	c = b + dk_chars(out + b, o - b, 2);
	if (a + (c - b) <= sizeof key) {
		memcpy(key, out, a);
		memcpy(key + a, out + b, c - b);
		sqlite3_result_text(ctx, (const char *)key, (int)(a + c - b),
		    SQLITE_TRANSIENT);
	} else {
		unsigned char *k = xmalloc(a + c - b);
		memcpy(k, out, a);
		memcpy(k + a, out + b, c - b);
		sqlite3_result_text(ctx, (const char *)k, (int)(a + c - b),
		    SQLITE_TRANSIENT);
		free(k);
	}
done:
	if (out != sbuf)
		free(out);
}

/* The run of separators dup_term's GLOB looks for (DK_RUN of them). */
#define DK_RUN 9
#define DK_GLOB "'*[ .''-][ .''-][ .''-][ .''-][ .''-][ .''-][ .''-][ .''-]" \
	"[ .''-]*'"

/*
 * kesra_vb_dkrun(X): X GLOB DK_GLOB without GLOB's pattern walk (the
 * glob tries the pattern at every character): 1 when the text holds
 * DK_RUN of ' ', '.', '\'' and '-' in a row before any NUL (bytes below
 * 0x80 are characters of their own in UTF-8, as GLOB reads it), NULL for
 * NULL.
 */
static void
fn_dkrun(sqlite3_context *ctx, int argc, sqlite3_value **argv)
{
	const unsigned char *t;
	int run = 0;

	(void)argc;
	if (sqlite3_value_type(argv[0]) == SQLITE_NULL)
		return;
	if ((t = sqlite3_value_text(argv[0])) == NULL) {
		sqlite3_result_error_nomem(ctx);
		return;
	}
	for (; *t != '\0' && run < DK_RUN; t++)
		run = *t == ' ' || *t == '.' || *t == '\'' || *t == '-' ?
		    run + 1 : 0;
	sqlite3_result_int(ctx, run >= DK_RUN);
}

/* Texts on which kesra_vb_dknorm/dkkey must give what the SQL gives. */
static const char *const dk_probes[] = {
	"o'neil-jr.  siti", "  a . - ' b  ", "\xc3\xa9t\xc3\xa9 \xc3\x9f\xc3"
	"\xbf \xc4\xb1i", "x", "", "ab", "\xc3", "\x80\x80z\xf0\x9f\x98\x80",
	"a         b", "Muhammad  Al-Farisi", "\xe1\xba\x9e\xce\xa3\xcf\x82",
	"x .-' .-'. y", "x .-' .-' y", "\xc3 - - - - -", "'''''''''", "--------"
};

/*
 * 1 when the C functions give exactly what the SQL expressions give on
 * this connection (its SQLite's upper() and substr()), else 0.
 */
static int
dk_agree(sqlite3 *h)
{
	char *n = db_dupkey_norm("?1"), *sql;
	sqlite3_stmt *st = NULL;
	size_t i;
	int ok = 1;

	sql = xasprintf("SELECT %s IS kesra_vb_dknorm(?1) AND substr(%s, 1, 2)"
	    " || substr(%s, -2) IS kesra_vb_dkkey(?1) AND (?1 GLOB %s) IS "
	    "kesra_vb_dkrun(?1)", n, n, n, DK_GLOB);
	free(n);
	if (sqlite3_prepare_v2(h, sql, -1, &st, NULL) != SQLITE_OK)
		ok = 0;
	for (i = 0; ok && i < sizeof dk_probes / sizeof *dk_probes; i++) {
		sqlite3_bind_text(st, 1, dk_probes[i], -1, SQLITE_STATIC);
		ok = sqlite3_step(st) == SQLITE_ROW &&
		    sqlite3_column_int(st, 0) == 1;
		sqlite3_reset(st);
	}
	sqlite3_finalize(st);
	free(sql);
	return ok;
}

/* ---- the key set: which probable-duplicate keys two live rows share ---- */

/*
 * A probable duplicate is another live row whose duplicate-key fields
 * are equal, a text field's after normalising (kesra_vb_dknorm, which
 * agrees with the index's SQL: dk_c), any other's as text (the key
 * fields of a key set have TEXT affinity, so the index probe compares
 * them as text). The hash of a row's key covers exactly those bytes:
 * two rows the probe would pair hash alike. Distinct keys that hash
 * alike only cost a probe.
 */
#define DKS_MAX_ROWS (16L * 1024 * 1024) /* more: probes (memory) */

/* h mixed with n bytes at p, their count first (FNV-1a). */
static uint64_t
dk_mix(uint64_t h, const unsigned char *p, size_t n)
{
	uint64_t len = (uint64_t)n;
	return util_fnv1a(util_fnv1a(h, &len, sizeof len), p, n);
}

/* The hash of the key in argv[1..], 0 with *null when a value is NULL. */
static uint64_t
dk_hash(const struct vbatch *v, sqlite3_value **argv, int argc, int *null)
{
	uint64_t h = UTIL_FNV_INIT;
	unsigned char sbuf[256], *out;
	int k;

	*null = 0;
	for (k = 1; k < argc && (size_t)k <= v->rec->ndup_key; k++) {
		const struct sch_field *f =
		    &v->rec->fields[v->rec->dup_key[k - 1]];
		const unsigned char *t;
		size_t n;
		if (sqlite3_value_type(argv[k]) == SQLITE_NULL ||
		    (t = sqlite3_value_text(argv[k])) == NULL) {
			*null = 1;
			return 0;
		}
		n = (size_t)sqlite3_value_bytes(argv[k]);
		if (f->type == FT_TEXT) {
			out = n > sizeof sbuf ? xmalloc(n) : sbuf;
			h = dk_mix(h, out, dk_norm(t, n, out));
			if (out != sbuf)
				free(out);
		} else
			h = dk_mix(h, t, n);
	}
	/* a final mix (splitmix64): the set is searched by value */
	h ^= h >> 30;
	h *= 0xbf58476d1ce4e5b9ULL;
	h ^= h >> 27;
	h *= 0x94d049bb133111ebULL;
	return h ^ (h >> 31);
}

/* kesra_vb_dkadd(vbatch, key...): the key's hash kept; returns NULL. */
static void
fn_dkadd(sqlite3_context *ctx, int argc, sqlite3_value **argv)
{
	struct vbatch *v = sqlite3_value_pointer(argv[0], VB_SELF_PTR);
	uint64_t h;
	int null;

	if (v == NULL)
		return;
	h = dk_hash(v, argv, argc, &null);
	if (null)
		return;
	if (v->ndkall == v->dkcap) {
		if (v->dkcap >= (size_t)DKS_MAX_ROWS) {
			sqlite3_result_error(ctx, "kesra: key set too big", -1);
			return;
		}
		v->dkcap = v->dkcap ? v->dkcap * 2 : 4096;
		v->dkall = xreallocarray(v->dkall, v->dkcap, sizeof *v->dkall);
	}
	v->dkall[v->ndkall++] = h;
}

/*
 * kesra_vb_dkhas(vbatch, key...): 0 when the key set is made and no
 * other live row can share the row's key (its hash is not among those
 * of two or more rows), else 1 (the index probe decides).
 */
static void
fn_dkhas(sqlite3_context *ctx, int argc, sqlite3_value **argv)
{
	struct vbatch *v = sqlite3_value_pointer(argv[0], VB_SELF_PTR);
	uint64_t h;
	size_t lo, hi;
	int null;

	if (v == NULL || v->dks_state != 1) {
		sqlite3_result_int(ctx, 1);
		return;
	}
	h = dk_hash(v, argv, argc, &null);
	if (null) {
		sqlite3_result_int(ctx, 1);
		return;
	}
	for (lo = 0, hi = v->ndks; lo < hi;) {
		size_t mid = lo + (hi - lo) / 2;
		if (v->dks[mid] < h)
			lo = mid + 1;
		else
			hi = mid;
	}
	sqlite3_result_int(ctx, lo < v->ndks && v->dks[lo] == h);
}

/* Sorts a[0..n) (LSD radix, 16 bits a pass), tmp of n. */
static void
dk_sort(uint64_t *a, uint64_t *tmp, size_t n)
{
	size_t *cnt = xcalloc(65536, sizeof *cnt);
	uint64_t *src = a, *dst = tmp, *sw;
	size_t i, sum;
	int shift;

	for (shift = 0; shift < 64; shift += 16) {
		memset(cnt, 0, 65536 * sizeof *cnt);
		for (i = 0; i < n; i++)
			cnt[(src[i] >> shift) & 0xffff]++;
		for (i = 0, sum = 0; i < 65536; i++) {
			size_t c = cnt[i];
			cnt[i] = sum;
			sum += c;
		}
		for (i = 0; i < n; i++)
			dst[cnt[(src[i] >> shift) & 0xffff]++] = src[i];
		sw = src;
		src = dst;
		dst = sw;
	}
	free(cnt); /* four passes: the result is back in a */
}

static int64_t
data_version(struct vbatch *v)
{
	int64_t ver = -1;
	if (v->dkver_st == NULL && sqlite3_prepare_v2(v->h,
	    "PRAGMA data_version", -1, &v->dkver_st, NULL) != SQLITE_OK)
		return -1;
	if (sqlite3_step(v->dkver_st) == SQLITE_ROW)
		ver = sqlite3_column_int64(v->dkver_st, 0);
	sqlite3_reset(v->dkver_st);
	return ver;
}

static void
dks_drop(struct vbatch *v, int state)
{
	free(v->dks);
	free(v->dkall);
	v->dks = v->dkall = NULL;
	v->ndks = v->ndkall = v->dkcap = 0;
	v->dks_state = state;
}

/*
 * Before a run: the key set made in this snapshot when wanted and not
 * made yet; given up for good (probes) when another connection wrote
 * since it was made, or when it cannot be made.
 */
static void
dks_ready(struct vbatch *v)
{
	struct sbuf b = {0};
	sqlite3_stmt *st = NULL;
	uint64_t *tmp;
	size_t i, k, o;
	int64_t ver;

	if (!v->dks_want || v->dks_state < 0)
		return;
	ver = data_version(v);
	if (v->dks_state == 1) {
		if (ver < 0 || ver != v->dkver)
			dks_drop(v, -1);
		return;
	}
	sbuf_add(&b, "SELECT count(kesra_vb_dkadd(?1");
	for (k = 0; k < v->rec->ndup_key; k++) {
		sbuf_add(&b, ", ");
		sbuf_add_ident(&b, v->rec->fields[v->rec->dup_key[k]].name);
	}
	sbuf_add(&b, ")) FROM ");
	sbuf_add_ident(&b, v->rec->name);
	sbuf_add(&b, " WHERE deleted_at IS NULL");
	if (ver < 0 || sqlite3_prepare_v2(v->h, b.s, -1, &st, NULL) !=
	    SQLITE_OK || sqlite3_bind_pointer(st, 1, v, VB_SELF_PTR, NULL) !=
	    SQLITE_OK || sqlite3_step(st) != SQLITE_ROW) {
		sqlite3_finalize(st);
		sbuf_free(&b);
		dks_drop(v, -1);
		return;
	}
	sqlite3_finalize(st);
	sbuf_free(&b);
	/* the hashes of two or more rows, each once */
	tmp = xreallocarray(NULL, v->ndkall ? v->ndkall : 1, sizeof *tmp);
	dk_sort(v->dkall, tmp, v->ndkall);
	for (i = 0, o = 0; i < v->ndkall; i = k) {
		for (k = i + 1; k < v->ndkall && v->dkall[k] == v->dkall[i];)
			k++;
		if (k - i > 1)
			tmp[o++] = v->dkall[i];
	}
	free(v->dkall);
	v->dkall = NULL;
	v->ndkall = v->dkcap = 0;
	v->dks = xreallocarray(tmp, o ? o : 1, sizeof *tmp);
	v->ndks = o;
	v->dkver = ver;
	v->dks_state = 1;
}

int
vbatch_keyset(struct vbatch *v, int on)
{
	size_t k;

	if (v == NULL)
		return 0;
	dks_drop(v, 0);
	v->dks_want = 0;
	if (!on || !v->dk_c || v->rec->ndup_key == 0)
		return 0;
	for (k = 0; k < v->rec->ndup_key; k++) {
		const struct sch_field *f =
		    &v->rec->fields[v->rec->dup_key[k]];
		const char *t = schema_field_sql_type(f);
		if (t == NULL || strcmp(t, "TEXT") != 0)
			return 0;
	}
	v->dks_want = 1;
	return 1;
}

int
vbatch_keyset_state(const struct vbatch *v)
{
	return v != NULL ? v->dks_state : 0;
}

/* ---- building the SQL -------------------------------------------------- */

struct build {
	struct vbatch *v;
	struct sbuf *b;
	const struct sch_record *r, *p;
	int any; /* a term written */
	/* which terms: every one (0), all but the unique and duplicate-key
	 * index probes (VB_NOPROBE), only those (VB_PROBES) */
	int part;
};
#define VB_NOPROBE 1
#define VB_PROBES 2

static int x_index(struct build *bd, const char *text);
static struct vb_check *x_check(struct vbatch *v, int kind, int x, int rel);
static size_t row_slot(const struct vbatch *v, const struct sch_field *f);

/* "rec"."field" */
static void
col(struct sbuf *b, const struct sch_record *r, const struct sch_field *f)
{
	sbuf_add_ident(b, r->name);
	sbuf_addc(b, '.');
	sbuf_add_ident(b, f->name);
}

/* A SQL string literal of dictionary text. */
static void
literal(struct sbuf *b, const char *s)
{
	char *q = sqlite3_mprintf("%Q", s);
	sbuf_add(b, q);
	sqlite3_free(q);
}

/* 1 when code is an integer written as SQLite writes it ("12", "-3"). */
static int
canonical_int(const char *code)
{
	const char *p = code + (*code == '-');
	size_t n = strspn(p, "0123456789");
	return n > 0 && n < 16 && p[n] == '\0' && (p[0] != '0' || n == 1) &&
	    !(code[0] == '-' && strcmp(p, "0") == 0);
}

/* Append " OR " between terms. */
static void
term(struct build *bd)
{
	sbuf_add(bd->b, bd->any ? "\n OR " : "");
	bd->any = 1;
}

/* CASE WHEN (E) THEN 1 ELSE 0 END: E's truth as expr.c's EV_TRUE. */
static void
truth(struct sbuf *b, const char *e)
{
	sbuf_addf(b, "(CASE WHEN (\n%s\n) THEN 1 ELSE 0 END)", e);
}

/*
 * The nearest region field above level (record_region_above): the
 * record's fields by level, highest first, then the parent's. Writes a
 * coalesce(...) or "NULL".
 */
static void
region_above(struct build *bd, enum region_level level)
{
	const struct sch_record *recs[2] = {bd->r, bd->p};
	int k, l, any = 0;
	size_t i;

	sbuf_add(bd->b, "coalesce(");
	for (k = 0; k < 2; k++) {
		if (recs[k] == NULL)
			continue;
		for (l = (int)level - 1; l > 0; l--)
			for (i = 0; i < recs[k]->nfields; i++) {
				const struct sch_field *g = &recs[k]->fields[i];
				if (g->type != FT_REGION || (int)g->level != l)
					continue;
				if (any)
					sbuf_add(bd->b, ", ");
				col(bd->b, recs[k], g);
				any = 1;
			}
	}
	sbuf_add(bd->b, any ? ", NULL)" : "NULL, NULL)");
	/* NULL: substr(...) <> NULL is NULL, no finding (as validate) */
}

/* 1 when a column of the choice subquery is also a field name of r or p. */
static int
choice_clash(const struct sch_record *r, const struct sch_record *p,
    const char *name)
{
	return strcmp(name, "choice") == 0 || (r != NULL &&
	    schema_field_index(r, name) >= 0) || (p != NULL &&
	    schema_field_index(p, name) >= 0);
}

/* 1 when an attribute value would be bound as something else than the
 * literal vbatch writes (expr.c binds "+5", "007" or "1.5" as numbers). */
static int
odd_number(const char *s)
{
	char *end;
	if (canonical_int(s) || *s == '\0')
		return 0;
	(void)strtod(s, &end);
	return *end == '\0' || strspn(s, " \t") > 0;
}

/*
 * The choice filter of select_one field f may fail: a choice of the value
 * set with the value's code that the filter does not keep. The value set
 * is a VALUES table named "choice" with the code and every column any
 * choice has (as expr.c binds them). -1 when it cannot be written.
 */
static int
choice_term(struct build *bd, const struct sch_field *f, const char *c)
{
	const struct sch_valueset *vs = f->vs;
	const char **cols = NULL;
	size_t ncols = 0, i, j, k;
	int rows = 0, rc = -1;
	struct sbuf vals = {0}, q = {0};
	sqlite3_stmt *st = NULL;

	if (f->type != FT_SELECT_ONE || vs == NULL)
		return -1;
	for (i = 0; i < vs->nchoices; i++)
		for (j = 0; j < vs->choices[i].nattrs; j++) {
			const char *a = vs->choices[i].attr_names[j];
			if (odd_number(vs->choices[i].attr_values[j]))
				goto out;
			for (k = 0; k < ncols && strcmp(cols[k], a) != 0; k++)
				;
			if (k == ncols) {
				cols = xreallocarray(cols, ncols + 1,
				    sizeof *cols);
				cols[ncols++] = a;
			}
		}
	if (choice_clash(bd->r, bd->p, "code"))
		goto out;
	for (k = 0; k < ncols; k++)
		if (choice_clash(bd->r, bd->p, cols[k]))
			goto out;
	sbuf_add(&vals, "(SELECT column1 AS \"code\"");
	for (k = 0; k < ncols; k++) {
		sbuf_addf(&vals, ", column%zu AS ", k + 2);
		sbuf_add_ident(&vals, cols[k]);
	}
	sbuf_add(&vals, " FROM (VALUES ");
	for (i = 0; i < vs->nchoices; i++) {
		const struct sch_choice *ch = &vs->choices[i];
		/* a numeric set's stored value is an integer: a code
		 * written otherwise ("01") never matches it */
		if (vs->numeric && !canonical_int(ch->code))
			continue;
		sbuf_add(&vals, rows++ > 0 ? ", (" : "(");
		if (vs->numeric)
			sbuf_add(&vals, ch->code);
		else
			literal(&vals, ch->code);
		for (k = 0; k < ncols; k++) {
			const char *av = NULL;
			for (j = 0; j < ch->nattrs; j++)
				if (strcmp(ch->attr_names[j], cols[k]) == 0)
					av = ch->attr_values[j];
			sbuf_add(&vals, ", ");
			if (av == NULL)
				sbuf_add(&vals, "NULL");
			else if (canonical_int(av))
				sbuf_add(&vals, av);
			else
				literal(&vals, av);
		}
		sbuf_add(&vals, ")");
	}
	if (rows == 0) {
		/* no choice can match: VALUES needs a row, none passes */
		sbuf_add(&vals, "(NULL");
		for (k = 0; k < ncols; k++)
			sbuf_add(&vals, ", NULL");
		sbuf_add(&vals, ")");
	}
	sbuf_add(&vals, ")) AS \"choice\"");
	/*
	 * A filter over the choice's columns only (it prepares without the
	 * record): the codes it refuses, once. Else for each row, in SQL.
	 */
	sbuf_add(&q, "SELECT \"choice\".\"code\" FROM ");
	sbuf_add(&q, vals.s);
	sbuf_add(&q, " WHERE NOT ");
	truth(&q, f->choice_filter.text);
	if (sqlite3_prepare_v2(bd->v->h, q.s, -1, &st, NULL) == SQLITE_OK) {
		int n = 0, src;
		struct sbuf in = {0};
		while ((src = sqlite3_step(st)) == SQLITE_ROW) {
			sbuf_add(&in, n++ > 0 ? ", " : "");
			if (sqlite3_column_type(st, 0) == SQLITE_INTEGER)
				sbuf_addf(&in, "%lld", (long long)
				    sqlite3_column_int64(st, 0));
			else if (sqlite3_column_type(st, 0) == SQLITE_TEXT)
				literal(&in, (const char *)
				    sqlite3_column_text(st, 0));
			else
				sbuf_add(&in, "NULL");
		}
		sqlite3_finalize(st);
		if (src == SQLITE_DONE) {
			if (n == 0)
				sbuf_add(bd->b, "0");
			else
				sbuf_addf(bd->b, "%s IN (%s)", c, in.s);
			sbuf_free(&in);
			rc = 0;
			goto out;
		}
		sbuf_free(&in);
	} else
		sqlite3_finalize(st);
	sbuf_addf(bd->b, "EXISTS (SELECT 1 FROM %s WHERE \"choice\".\"code\" "
	    "= %s AND NOT ", vals.s, c);
	truth(bd->b, f->choice_filter.text);
	sbuf_add(bd->b, ")");
	rc = 0;
out:
	sbuf_free(&vals);
	sbuf_free(&q);
	free(cols);
	return rc;
}

/*
 * The checks of a non-empty value of field i beyond validate_value's
 * (the constraint, the choice filter, the region above, unique), when
 * the field is relevant; nothing when it has none.
 */
static int unique_enforced(sqlite3 *h, const struct sch_record *r,
    const struct sch_field *f);

static void
field_terms(struct build *bd, size_t i)
{
	const struct sch_field *f = &bd->r->fields[i];
	struct sbuf cb = {0}, t = {0};
	struct sbuf *b = &t, *keep;
	const char *c;

	if (!schema_field_stored(f) || f->type == FT_CALCULATE)
		return;
	col(&cb, bd->r, f);
	c = cb.s;
	keep = bd->b;
	bd->b = b;
	if (bd->part == VB_PROBES)
		goto probe;
	if (f->constraint.text != NULL) {
		int xc = x_index(bd, f->constraint.text), xl = -1;
		if (xc >= 0 && (f->relevant.text == NULL ||
		    (xl = x_index(bd, f->relevant.text)) >= 0)) {
			/* in C */
			struct vb_check *ck = x_check(bd->v, VBC_CONSTRAINT,
			    xc, xl);
			ck->cols = xcalloc(1, sizeof *ck->cols);
			ck->cols[0] = row_slot(bd->v, f);
			ck->ncols = 1;
		} else {
			sbuf_add(b, " OR NOT ");
			truth(b, f->constraint.text);
		}
	}
	if (f->choice_filter.text != NULL && schema_field_has_choices(f)) {
		sbuf_add(b, " OR ");
		if (choice_term(bd, f, c) < 0) {
			/* choice_term wrote nothing */
			sbuf_add(b, "1");
		}
	}
	if (f->type == FT_REGION) {
		sbuf_addf(b, " OR substr(%s, 1, length(", c);
		region_above(bd, f->level);
		sbuf_add(b, ") + 1) <> ");
		region_above(bd, f->level);
		sbuf_add(b, " || '.'");
	}
probe:
	if (f->unique && bd->part != VB_NOPROBE &&
	    !unique_enforced(bd->v->h, bd->r, f)) {
		sbuf_add(b, " OR EXISTS (SELECT 1 FROM ");
		sbuf_add_ident(b, bd->r->name);
		sbuf_add(b, " AS kesra_u WHERE kesra_u.");
		sbuf_add_ident(b, f->name);
		sbuf_addf(b, " = %s AND kesra_u.deleted_at IS NULL AND "
		    "kesra_u.", c);
		sbuf_add_ident(b, f->name);
		sbuf_add(b, " IS NOT NULL AND kesra_u.id <> ");
		sbuf_add_ident(b, bd->r->name);
		sbuf_add(b, ".id)");
	}
	bd->b = keep;
	if (t.len > 0) {
		term(bd);
		/* t begins with " OR " */
		sbuf_addf(bd->b, "(%s IS NOT NULL AND (0%s)", c, t.s);
		if (f->relevant.text != NULL) {
			sbuf_add(bd->b, " AND ");
			truth(bd->b, f->relevant.text);
		}
		sbuf_add(bd->b, ")");
	}
	sbuf_free(&t);
	sbuf_free(&cb);
}

/*
 * The stored field an expression names (qual: "household" in
 * household.size, else NULL): a field of the row's record (*par = 0),
 * else of its parent (*par = 1); NULL when there is none, or it is not
 * stored.
 */
static const struct sch_field *
named_field(const struct build *bd, const char *qual, const char *name,
    int *par)
{
	const struct sch_record *recs[2] = {bd->r, bd->p};
	size_t i;
	int r;

	for (r = 0; r < 2; r++) {
		const struct sch_record *rec = recs[r];
		if (rec == NULL || (qual != NULL && strcasecmp(qual,
		    rec->name) != 0))
			continue;
		for (i = 0; i < rec->nfields; i++)
			if (strcasecmp(rec->fields[i].name, name) == 0)
				break;
		if (i == rec->nfields) {
			if (qual != NULL)
				return NULL;
			continue;
		}
		if (!schema_field_stored(&rec->fields[i]))
			return NULL;
		*par = r;
		return &rec->fields[i];
	}
	return NULL;
}

/* The slot of a field the expressions name (vexpr_resolve_fn): the
 * row's stored fields (rowf), then the parent's, added when first named. */
static int
x_resolve(void *arg, const char *qual, const char *name)
{
	struct build *bd = arg;
	struct vbatch *v = bd->v;
	const struct sch_field *f;
	size_t k;
	int par;

	if ((f = named_field(bd, qual, name, &par)) == NULL)
		return -1;
	if (!par) {
		for (k = 0; k < v->nrowf; k++)
			if (v->rowf[k] == f)
				return (int)k;
		return -1;
	}
	for (k = 0; k < v->npslot; k++)
		if (v->pslot[k] == f)
			return (int)(v->nrowf + k);
	if (v->nrowf + v->npslot + 1 > VB_CHUNK)
		return -1;
	v->pslot = xreallocarray(v->pslot, v->npslot + 1, sizeof *v->pslot);
	v->pslot[v->npslot++] = f;
	return (int)(v->nrowf + v->npslot - 1);
}

/* The slot of a field a roster rule names: kesra_vb_roster's columns
 * (rslot), added when first named; a parent's flagged VX_PARENT_SLOT. */
static int
rr_resolve(void *arg, const char *qual, const char *name)
{
	struct build *bd = arg;
	struct vbatch *v = bd->v;
	const struct sch_field *f;
	size_t k;
	int par;

	if ((f = named_field(bd, qual, name, &par)) == NULL)
		return -1;
	for (k = 0; k < v->nrslot; k++)
		if (v->rslot[k] == f)
			break;
	if (k == v->nrslot) {
		if (v->nrslot + 1 > VB_CHUNK)
			return -1;
		v->rslot = xreallocarray(v->rslot, v->nrslot + 1,
		    sizeof *v->rslot);
		v->rpar = xreallocarray(v->rpar, v->nrslot + 1, 1);
		v->rslot[v->nrslot] = f;
		v->rpar[v->nrslot++] = par == 1;
	}
	return (int)k | (par ? VX_PARENT_SLOT : 0);
}

/* The index in xs of expression text, compiled once; -1 when vexpr does
 * not compile it (or the checks in C are off). */
static int
x_index(struct build *bd, const char *text)
{
	struct vbatch *v = bd->v;
	struct vexpr *x;
	size_t i;

	if (!v->x_on)
		return -1;
	for (i = 0; i < v->nxs; i++)
		if (strcmp(v->xs[i].text, text) == 0)
			return v->xs[i].x != NULL ? (int)i : -1;
	x = vexpr_compile(text, x_resolve, bd);
	v->xs = xreallocarray(v->xs, v->nxs + 1, sizeof *v->xs);
	v->xs[v->nxs].text = xstrdup(text);
	v->xs[v->nxs].x = x;
	v->xs[v->nxs].gen = 0;
	v->xs[v->nxs].t = 0;
	v->nxs++;
	return x != NULL ? (int)v->nxs - 1 : -1;
}

/* A check in C: expression x (-1 none), relevance rel (-1 none). */
static struct vb_check *
x_check(struct vbatch *v, int kind, int x, int rel)
{
	struct vb_check *c;
	v->checks = xreallocarray(v->checks, v->nchecks + 1,
	    sizeof *v->checks);
	c = &v->checks[v->nchecks++];
	memset(c, 0, sizeof *c);
	c->kind = kind;
	c->x = x;
	c->rel = rel;
	return c;
}

/* The slot of a stored field of the row (in rowf). */
static size_t
row_slot(const struct vbatch *v, const struct sch_field *f)
{
	size_t k;
	for (k = 0; k < v->nrowf && v->rowf[k] != f; k++)
		;
	return k;
}

/*
 * 1 when SQLite itself enforces unique field f: the register holds its
 * partial unique index exactly as kesra makes it (db_unique_index_sql),
 * so no two live rows can share a value and the probe would find
 * nothing. A missing or altered index (a hostile or damaged file): 0,
 * and the probe stays.
 */
static int
unique_enforced(sqlite3 *h, const struct sch_record *r,
    const struct sch_field *f)
{
	sqlite3_stmt *st;
	char *name = xasprintf("%s_%s_unique", r->name, f->name);
	char *want = db_unique_index_sql(r, f);
	int ok = 0;

	if (sqlite3_prepare_v2(h, "SELECT sql FROM sqlite_schema WHERE "
	    "type = 'index' AND name = ?1 AND tbl_name = ?2", -1, &st,
	    NULL) == SQLITE_OK) {
		sqlite3_bind_text(st, 1, name, -1, SQLITE_STATIC);
		sqlite3_bind_text(st, 2, r->name, -1, SQLITE_STATIC);
		ok = sqlite3_step(st) == SQLITE_ROW &&
		    sqlite3_column_text(st, 0) != NULL &&
		    strcmp((const char *)sqlite3_column_text(st, 0), want) == 0;
		sqlite3_finalize(st);
	}
	free(name);
	free(want);
	return ok;
}

/*
 * Empty fields that are required: grouped by the required expression
 * and the relevance, each group's expressions evaluated once, and only
 * when one of its fields is empty.
 */
static void
required_terms(struct build *bd)
{
	const struct sch_record *r = bd->r;
	unsigned char *done = xcalloc(r->nfields + 1, 1);
	size_t i, j;

	for (i = 0; i < r->nfields; i++) {
		const struct sch_field *f = &r->fields[i];
		const char *req = f->required ? NULL : f->required_if.text;
		const char *rel = f->relevant.text;
		int any = 0;
		struct vb_check *c = NULL;
		int xr = -1, xl = -1;
		if (done[i] || !schema_field_stored(f) ||
		    f->type == FT_CALCULATE || (!f->required && req == NULL))
			continue;
		if ((req == NULL || (xr = x_index(bd, req)) >= 0) &&
		    (rel == NULL || (xl = x_index(bd, rel)) >= 0)) {
			/* in C: the group's fields, the same grouping */
			c = x_check(bd->v, VBC_REQUIRED, xr, xl);
			for (j = i; j < r->nfields; j++) {
				const struct sch_field *g = &r->fields[j];
				const char *greq = g->required ? NULL :
				    g->required_if.text;
				if (done[j] || !schema_field_stored(g) ||
				    g->type == FT_CALCULATE ||
				    g->required != f->required ||
				    (!g->required && greq == NULL))
					continue;
				if ((req == NULL) != (greq == NULL) ||
				    (req != NULL && strcmp(req, greq) != 0))
					continue;
				if ((rel == NULL) != (g->relevant.text ==
				    NULL) || (rel != NULL && strcmp(rel,
				    g->relevant.text) != 0))
					continue;
				done[j] = 1;
				c->cols = xreallocarray(c->cols, c->ncols + 1,
				    sizeof *c->cols);
				c->cols[c->ncols++] = row_slot(bd->v, g);
			}
			continue;
		}
		term(bd);
		sbuf_add(bd->b, "((");
		for (j = i; j < r->nfields; j++) {
			const struct sch_field *g = &r->fields[j];
			const char *greq = g->required ? NULL :
			    g->required_if.text;
			if (done[j] || !schema_field_stored(g) ||
			    g->type == FT_CALCULATE ||
			    g->required != f->required ||
			    (!g->required && greq == NULL))
				continue;
			if ((req == NULL) != (greq == NULL) || (req != NULL &&
			    strcmp(req, greq) != 0))
				continue;
			if ((rel == NULL) != (g->relevant.text == NULL) ||
			    (rel != NULL && strcmp(rel, g->relevant.text) != 0))
				continue;
			done[j] = 1;
			sbuf_add(bd->b, any ? " OR " : "");
			col(bd->b, r, g);
			sbuf_add(bd->b, " IS NULL");
			any = 1;
		}
		sbuf_add(bd->b, ")");
		if (req != NULL) {
			sbuf_add(bd->b, " AND ");
			truth(bd->b, req);
		}
		if (rel != NULL) {
			sbuf_add(bd->b, " AND ");
			truth(bd->b, rel);
		}
		sbuf_add(bd->b, ")");
	}
	free(done);
}

/*
 * The integers value_ok passes at once (int_ok) for field f, as ranges:
 * a code of a numeric value set among 0-63 (codes->small, set already),
 * a whole number of at most 15 digits not below min nor above max (as
 * doubles: exact there, so i < min is i < ceil(min)), yes/no 0 or 1,
 * any calculated integer.
 */
static void
fast_set(struct vb_codes *k, const struct sch_field *f)
{
	const int64_t big = 999999999999999LL;

	k->fast = 0;
	switch (f->type) {
	case FT_SELECT_ONE:
		k->fast = VBF_CODES;
		return;
	case FT_YESNO:
		k->fast = VBF_RANGE;
		k->lo = 0;
		k->hi = 1;
		return;
	case FT_CALCULATE:
		k->fast = VBF_RANGE;
		k->lo = INT64_MIN;
		k->hi = INT64_MAX;
		return;
	case FT_INTEGER:
		k->fast = VBF_RANGE;
		k->lo = -big;
		k->hi = big;
		/* NaN refuses nothing: (double)i < NaN is false */
		if (f->has_min && !isnan(f->min)) {
			if (f->min > (double)big)
				k->lo = 1, k->hi = 0;
			else if (f->min > (double)-big)
				k->lo = (int64_t)ceil(f->min);
		}
		if (f->has_max && !isnan(f->max) && k->lo <= k->hi) {
			if (f->max < (double)-big)
				k->lo = 1, k->hi = 0;
			else if (f->max < (double)big)
				k->hi = (int64_t)floor(f->max);
		}
		return;
	default:
		return;
	}
}

/* The fields kesra_vb_row checks: every stored field (rowf). */
static void
value_fields(struct build *bd)
{
	struct vbatch *v = bd->v;
	size_t i;

	for (i = 0; i < bd->r->nfields; i++) {
		const struct sch_field *f = &bd->r->fields[i];
		if (!schema_field_stored(f))
			continue;
		v->rowf = xreallocarray(v->rowf, v->nrowf + 1,
		    sizeof *v->rowf);
		v->codes = xreallocarray(v->codes, v->nrowf + 1,
		    sizeof *v->codes);
		memset(&v->codes[v->nrowf], 0, sizeof *v->codes);
		v->codes[v->nrowf].any = strcmp(schema_field_sql_type(f),
		    "ANY") == 0;
		if (f->type == FT_TEXT && f->pattern != NULL &&
		    f->pattern_re != NULL)
			v->codes[v->nrowf].pat = pat_compile(f->pattern);
		if (f->type == FT_SELECT_ONE && f->vs != NULL &&
		    f->vs->numeric) {
			struct vb_codes *c = &v->codes[v->nrowf];
			size_t j;
			c->v = xcalloc(f->vs->nchoices + 1, sizeof *c->v);
			for (j = 0; j < f->vs->nchoices; j++)
				if (canonical_int(f->vs->choices[j].code)) {
					c->v[c->n] = strtoll(
					    f->vs->choices[j].code, NULL, 10);
					if (c->v[c->n] >= 0 && c->v[c->n] < 64)
						c->small |= 1ULL << c->v[c->n];
					c->n++;
				}
		}
		fast_set(&v->codes[v->nrowf], f);
		v->rowf[v->nrowf++] = f;
	}
	/* the expressions in C ride on a single call */
	v->x_on = v->nrowf > 0 && v->nrowf < VB_CHUNK;
}

/* The values: kesra_vb_row over every stored field, VB_CHUNK a call; with
 * the checks in C, the parent's fields they name after the row's. */
static void
value_terms(struct build *bd)
{
	struct vbatch *v = bd->v;
	size_t i, k;

	for (k = 0; k * VB_CHUNK < v->nrowf; k++) {
		term(bd);
		sbuf_addf(bd->b, "kesra_vb_row(?3, %zu", k);
		for (i = k * VB_CHUNK; i < v->nrowf && i < (k + 1) * VB_CHUNK;
		    i++) {
			sbuf_add(bd->b, ", ");
			col(bd->b, bd->r, v->rowf[i]);
		}
		if (k == 0 && v->x_on && v->nchecks > 0)
			for (i = 0; i < v->npslot; i++) {
				sbuf_add(bd->b, ", ");
				col(bd->b, bd->p, v->pslot[i]);
			}
		sbuf_add(bd->b, ")");
	}
	if (v->x_on && v->nchecks == 0)
		v->npslot = 0; /* none passed: fn_vb_row checks argc */
}

/* The probable duplicate: another live row with the same key (index). */
static void
dup_term(struct build *bd)
{
	struct sbuf *b = bd->b;
	size_t k;

	if (bd->r->ndup_key == 0 || bd->part == VB_NOPROBE)
		return;
	term(bd);
	{
		sbuf_add(b, "(");
		for (k = 0; k < bd->r->ndup_key; k++) {
			struct sbuf q = {0};
			col(&q, bd->r, &bd->r->fields[bd->r->dup_key[k]]);
			sbuf_addf(b, "%s IS NOT NULL AND ", q.s);
			sbuf_free(&q);
		}
		/*
		 * validate compares the keys of rows of one form in C, which
		 * folds any run of separators; the index expression folds
		 * runs of up to 8: a longer run may match only in C.
		 */
		sbuf_add(b, "(0");
		for (k = 0; k < bd->r->ndup_key; k++) {
			const struct sch_field *g =
			    &bd->r->fields[bd->r->dup_key[k]];
			if (g->type != FT_TEXT)
				continue;
			sbuf_add(b, bd->v->dk_c ? " OR kesra_vb_dkrun(" :
			    " OR (");
			col(b, bd->r, g);
			sbuf_add(b, bd->v->dk_c ? ")" : " GLOB " DK_GLOB ")");
		}
		/* the key set first, when made (vbatch_keyset) */
		sbuf_add(b, ") OR kesra_vb_dkhas(?3");
		for (k = 0; k < bd->r->ndup_key; k++) {
			sbuf_add(b, ", ");
			col(b, bd->r, &bd->r->fields[bd->r->dup_key[k]]);
		}
		sbuf_add(b, ") AND ");
		sbuf_add(b, "EXISTS (SELECT 1 FROM ");
		sbuf_add_ident(b, bd->r->name);
		sbuf_add(b, " AS kesra_d WHERE ");
		for (k = 0; k < bd->r->ndup_key; k++) {
			const struct sch_field *g =
			    &bd->r->fields[bd->r->dup_key[k]];
			struct sbuf q = {0}, o = {0};
			const char *t = schema_field_sql_type(g);
			col(&q, bd->r, g);
			sbuf_add(&o, "kesra_d.");
			sbuf_add_ident(&o, g->name);
			/* the index's compact key first (so that SQLite
			 * walks the index), then the full values */
			int text = g->type == FT_TEXT && t != NULL &&
			    strcmp(t, "TEXT") == 0;
			char *k1 = db_dupkey_key_expr(g, o.s);
			char *k2 = text && bd->v->dk_c ?
			    xasprintf("kesra_vb_dkkey(%s)", q.s) :
			    db_dupkey_key_expr(g, q.s);
			sbuf_addf(b, "%s = %s AND ", k1, k2);
			free(k1);
			free(k2);
			if (text) {
				char *n1 = db_dupkey_norm(o.s);
				char *n2 = bd->v->dk_c ?
				    xasprintf("kesra_vb_dknorm(%s)", q.s) :
				    db_dupkey_norm(q.s);
				sbuf_addf(b, "%s = %s AND ", n1, n2);
				free(n1);
				free(n2);
			} else
				sbuf_addf(b, "+%s = %s AND ", o.s, q.s);
			sbuf_addf(b, "%s IS NOT NULL AND ", o.s);
			sbuf_free(&q);
			sbuf_free(&o);
		}
		sbuf_add(b, "kesra_d.deleted_at IS NULL AND kesra_d.id <> ");
		sbuf_add_ident(b, bd->r->name);
		sbuf_add(b, ".id))");
	}
}

/* FROM "R" AS "R" [LEFT JOIN "P" AS "P" ON "P".id = "R".parent_id] */
static void
from(struct sbuf *b, const struct sch_record *r, const struct sch_record *p)
{
	sbuf_add(b, " FROM ");
	sbuf_add_ident(b, r->name);
	sbuf_add(b, " AS ");
	sbuf_add_ident(b, r->name);
	if (p != NULL) {
		sbuf_add(b, " LEFT JOIN ");
		sbuf_add_ident(b, p->name);
		sbuf_add(b, " AS ");
		sbuf_add_ident(b, p->name);
		sbuf_add(b, " ON ");
		sbuf_add_ident(b, p->name);
		sbuf_add(b, ".id = ");
		sbuf_add_ident(b, r->name);
		sbuf_add(b, ".parent_id");
	}
}

/* SELECT "R".parent_id FROM ... WHERE the live rows of R whose parent is in
 * [?1, ?2] */
static void
live_rows_by_parent(struct sbuf *b, const struct sch_record *r,
    const struct sch_record *p, int mark)
{
	sbuf_add(b, mark ? "SELECT kesra_vb_mark(?3, " : "SELECT ");
	sbuf_add_ident(b, r->name);
	sbuf_add(b, mark ? ".parent_id, 3)" : ".parent_id");
	from(b, r, p);
	sbuf_add(b, " WHERE ");
	sbuf_add_ident(b, r->name);
	sbuf_add(b, ".parent_id BETWEEN ?1 AND ?2 AND ");
	sbuf_add_ident(b, r->name);
	sbuf_add(b, ".deleted_at IS NULL");
}

/*
 * The OR of the row terms of r that bd->part names; "0" when none. The
 * expressions vexpr compiles go to kesra_vb_row's call, which comes
 * first: the other terms are written aside, then after it. The probes
 * (VB_PROBES) are the unique and duplicate-key look-ups alone.
 */
static void
some_terms(struct build *bd)
{
	struct sbuf rest = {0}, *keep = bd->b;
	size_t i;
	int n = 0;

	if (bd->part == VB_PROBES) {
		for (i = 0; i < bd->r->nfields; i++)
			field_terms(bd, i);
		dup_term(bd);
		if (!bd->any)
			sbuf_add(bd->b, "0");
		return;
	}
	value_fields(bd);
	bd->b = &rest;
	bd->any = 1; /* every term of rest begins with " OR " */
	required_terms(bd);
	for (i = 0; i < bd->r->nfields; i++)
		field_terms(bd, i);
	dup_term(bd);
	for (i = 0; i < bd->r->nrules; i++) {
		int x = x_index(bd, bd->r->rules[i].check.text);
		if (x >= 0) {
			x_check(bd->v, VBC_RULE, x, -1);
			continue;
		}
		/* a rule holds when true or NULL (expr_rule) */
		if (n++ == 0) {
			term(bd);
			sbuf_add(bd->b, "NOT (");
		}
		sbuf_addf(bd->b, "%scoalesce((\n%s\n), 1)", n > 1 ?
		    "\n AND " : "", bd->r->rules[i].check.text);
	}
	if (n > 0)
		sbuf_add(bd->b, ")");
	bd->b = keep;
	bd->any = 0;
	value_terms(bd);
	if (!bd->any)
		sbuf_add(bd->b, "0");
	if (rest.len > 0)
		sbuf_add(bd->b, rest.s);
	sbuf_free(&rest);
}

/*
 * Every row term of r: CASE WHEN (those without index probes) THEN
 * kesra_vb_mark(?3, id, 1) WHEN (the probes) THEN kesra_vb_mark(?3, id,
 * 2) ELSE 0 END. CASE evaluates its WHENs in order, as conditions (their
 * ORs stop at the first true term): a row whose own checks may fail is
 * marked as such (vbatch_marked) whatever the probes would say.
 */
static void
row_terms(struct build *bd)
{
	struct sbuf *out = bd->b, t = {0};

	bd->b = &t;
	bd->part = VB_NOPROBE;
	bd->any = 0;
	some_terms(bd);
	sbuf_addf(out, "CASE WHEN (\n%s\n) THEN kesra_vb_mark(?3, ", t.s);
	sbuf_add_ident(out, bd->r->name);
	sbuf_add(out, ".id, 1) WHEN (\n");
	sbuf_free(&t);
	bd->b = &t;
	bd->part = VB_PROBES;
	bd->any = 0;
	some_terms(bd);
	sbuf_addf(out, "%s\n) THEN kesra_vb_mark(?3, ", t.s);
	sbuf_add_ident(out, bd->r->name);
	sbuf_add(out, ".id, 2) ELSE 0 END");
	sbuf_free(&t);
	bd->b = out;
	bd->part = 0;
}

/* 1 when the SQL function of call fn ("f(NULL)") is defined on h. */
static int
registered(sqlite3 *h, const char *fn)
{
	sqlite3_stmt *st = NULL;
	char *sql = xasprintf("SELECT %s", fn);
	int ok = sqlite3_prepare_v2(h, sql, -1, &st, NULL) == SQLITE_OK;
	sqlite3_finalize(st);
	free(sql);
	return ok;
}

/* 1 when a roster rule calls an aggregate that depends on row order. */
static int
order_dependent(const struct sch_record *rec)
{
	static const char *const fns[] = {"group_concat", "string_agg",
	    "json_group_array", "json_group_object"};
	size_t i, k;
	for (i = 0; i < rec->nroster_rules; i++)
		for (k = 0; k < sizeof fns / sizeof fns[0]; k++)
			if (strcasestr(rec->roster_rules[i].check.text, fns[k]))
				return 1;
	return 0;
}

static int
prepare(struct vbatch *v, const char *sql, sqlite3_stmt **st, char **err)
{
	if (sqlite3_prepare_v3(v->h, sql, -1, SQLITE_PREPARE_PERSISTENT, st,
	    NULL) != SQLITE_OK) {
		util_err(err, "%s: checks in SQL: %s", v->rec->name,
		    sqlite3_errmsg(v->h));
		*st = NULL;
		return -1;
	}
	if (sqlite3_bind_parameter_count(*st) >= 3)
		sqlite3_bind_pointer(*st, 3, v, VB_SELF_PTR, NULL);
	return 0;
}

struct vbatch *
vbatch_new(sqlite3 *h, const struct schema *s, const struct sch_record *rec,
    char **err)
{
	struct vbatch *v = xcalloc(1, sizeof *v);
	struct sbuf b = {0}, terms = {0};
	struct build bd = {0};
	size_t i;

	v->h = h;
	v->rec = rec;
	v->district_ok = -1;
	v->env.district = district_known;
	v->env.arg = v;
	vexpr_env_today(&v->env); /* again at each run */
	v->renv.district = district_known;
	v->renv.arg = v;
	vexpr_env_today(&v->renv);
	v->parent = rec->parent != NULL ? schema_record(s, rec->parent) : NULL;
	if (rec->parent != NULL && v->parent == NULL) {
		util_err(err, "%s: no parent record %s", rec->name, rec->parent);
		goto fail;
	}
	/* registered once: a function defined again expires every prepared
	 * statement of the connection */
	if (!registered(h, "kesra_vb_row(NULL, 0)") &&
	    sqlite3_create_function_v2(h, "kesra_vb_row", -1,
	    SQLITE_UTF8, NULL, fn_vb_row, NULL, NULL, NULL) != SQLITE_OK) {
		util_err(err, "cannot register kesra_vb_row: %s",
		    sqlite3_errmsg(h));
		goto fail;
	}
	if (!registered(h, "kesra_vb_mark(NULL, 0, 0)") &&
	    sqlite3_create_function_v2(h, "kesra_vb_mark", 3,
	    SQLITE_UTF8, NULL, fn_vb_mark, NULL, NULL, NULL) != SQLITE_OK) {
		util_err(err, "cannot register kesra_vb_mark: %s",
		    sqlite3_errmsg(h));
		goto fail;
	}
	if (rec->nroster_rules > 0 && !registered(h, "kesra_vb_roster(NULL)") &&
	    sqlite3_create_function_v2(h, "kesra_vb_roster", -1, SQLITE_UTF8,
	    NULL, NULL, fn_roster_step, fn_roster_final, NULL) != SQLITE_OK) {
		util_err(err, "cannot register kesra_vb_roster: %s",
		    sqlite3_errmsg(h));
		goto fail;
	}
	if (rec->ndup_key > 0 && (registered(h, "kesra_vb_dkkey(NULL)") ||
	    (sqlite3_create_function_v2(h, "kesra_vb_dknorm", 1, SQLITE_UTF8 |
	    SQLITE_DETERMINISTIC, NULL, fn_dk, NULL, NULL, NULL) == SQLITE_OK &&
	    sqlite3_create_function_v2(h, "kesra_vb_dkrun", 1, SQLITE_UTF8 |
	    SQLITE_DETERMINISTIC, NULL, fn_dkrun, NULL, NULL, NULL) ==
	    SQLITE_OK &&
	    sqlite3_create_function_v2(h, "kesra_vb_dkkey", 1, SQLITE_UTF8 |
	    SQLITE_DETERMINISTIC, (void *)dk_probes, fn_dk, NULL, NULL,
	    NULL) == SQLITE_OK &&
	    sqlite3_create_function_v2(h, "kesra_vb_dkhas", -1, SQLITE_UTF8,
	    NULL, fn_dkhas, NULL, NULL, NULL) == SQLITE_OK &&
	    sqlite3_create_function_v2(h, "kesra_vb_dkadd", -1, SQLITE_UTF8,
	    NULL, fn_dkadd, NULL, NULL, NULL) == SQLITE_OK)))
		v->dk_c = dk_agree(h);
	bd.v = v;
	bd.b = &terms;
	bd.r = rec;
	bd.p = v->parent;
	row_terms(&bd);

	sbuf_add(&b, "SELECT ");
	sbuf_add_ident(&b, rec->name);
	sbuf_add(&b, ".id");
	from(&b, rec, v->parent);
	sbuf_add(&b, " WHERE ");
	sbuf_add_ident(&b, rec->name);
	sbuf_add(&b, ".id BETWEEN ?1 AND ?2 AND ");
	sbuf_add_ident(&b, rec->name);
	sbuf_addf(&b, ".deleted_at IS NULL AND (\n%s\n) ORDER BY ", terms.s);
	sbuf_add_ident(&b, rec->name);
	sbuf_add(&b, ".id");
	v->sql = xstrdup(b.s);
	if (prepare(v, b.s, &v->rows, err) < 0)
		goto fail;
	sbuf_free(&b);

	if (v->parent != NULL) {
		const struct sch_record *p = v->parent;
		struct sbuf rc = {0}, nr = {0};
		/*
		 * The roster as a whole may fail (rc: a condition over the
		 * aggregates of one parent's rows): its count and rules.
		 * An aggregate whose value depends on the order of the rows
		 * (validate's is ord, id) flags every parent.
		 */
		if (rec->min_count > 0 || rec->max_count > 0 ||
		    rec->nroster_rules > 0) {
			sbuf_addf(&rc, "%d", order_dependent(rec));
			if (rec->min_count > 0)
				sbuf_addf(&rc, " OR count(*) < %d",
				    rec->min_count);
			if (rec->max_count > 0)
				sbuf_addf(&rc, " OR count(*) > %d",
				    rec->max_count);
			for (i = 0; i < rec->nroster_rules; i++) {
				const char *t = rec->roster_rules[i].check.text;
				struct vexpr *x = vexpr_compile_roster(t,
				    rr_resolve, &bd);
				if (x != NULL) {
					/* in C: kesra_vb_roster below */
					v->rr = xreallocarray(v->rr, v->nrr + 1,
					    sizeof *v->rr);
					v->rr[v->nrr].x = x;
					v->rr[v->nrr++].agg0 = v->nraggs;
					v->nraggs += vexpr_naggs(x);
					continue;
				}
				sbuf_addf(&rc, "\n OR (CASE WHEN coalesce((\n%s\n"
				    "), 1) THEN 0 ELSE 1 END)", t);
			}
			if (v->nrr > 0) {
				sbuf_add(&rc, "\n OR kesra_vb_roster(?3");
				for (i = 0; i < v->nrslot; i++) {
					sbuf_add(&rc, ", ");
					col(&rc, v->rpar[i] ? p : rec,
					    v->rslot[i]);
				}
				sbuf_add(&rc, ")");
			}
			/* parents without rows */
			sbuf_add(&nr, "\nUNION ALL SELECT kesra_vb_mark(?3, "
			    "kesra_p.id, 3) FROM ");
			sbuf_add_ident(&nr, p->name);
			sbuf_add(&nr, " AS kesra_p WHERE kesra_p.id BETWEEN ?1 "
			    "AND ?2 AND kesra_p.deleted_at IS NULL AND NOT "
			    "EXISTS (SELECT 1 FROM ");
			sbuf_add_ident(&nr, rec->name);
			sbuf_add(&nr, " AS kesra_c WHERE kesra_c.parent_id = "
			    "kesra_p.id AND kesra_c.deleted_at IS NULL)");
			/* the roster part alone (vbatch_flagged_roster); the
			 * parents it finds are marked (vbatch_roster_marked) in
			 * the result column, computed only for the groups
			 * HAVING keeps */
			live_rows_by_parent(&b, rec, p, 1);
			sbuf_add(&b, " GROUP BY ");
			sbuf_add_ident(&b, rec->name);
			sbuf_addf(&b, ".parent_id HAVING %s%s", rc.s, nr.s);
			v->roster_sql = xstrdup(b.s);
			sbuf_free(&b);
			/*
			 * Both in one pass over the rows, by parent: a parent
			 * with a row that may fail (each row's terms evaluated
			 * once, in max(), which marks it) or whose roster may
			 * fail (then marked as such in the result column).
			 */
			sbuf_add(&b, "SELECT CASE WHEN (");
			sbuf_add(&b, rc.s);
			sbuf_add(&b, ") THEN kesra_vb_mark(?3, ");
			sbuf_add_ident(&b, rec->name);
			sbuf_add(&b, ".parent_id, 3) ELSE ");
			sbuf_add_ident(&b, rec->name);
			sbuf_add(&b, ".parent_id END");
			from(&b, rec, p);
			sbuf_add(&b, " WHERE ");
			sbuf_add_ident(&b, rec->name);
			sbuf_add(&b, ".parent_id BETWEEN ?1 AND ?2 AND ");
			sbuf_add_ident(&b, rec->name);
			sbuf_addf(&b, ".deleted_at IS NULL GROUP BY ");
			sbuf_add_ident(&b, rec->name);
			sbuf_addf(&b, ".parent_id HAVING max(\n%s\n) OR (%s)%s",
			    terms.s, rc.s, nr.s);
		} else {
			/* rows that may fail, by parent */
			live_rows_by_parent(&b, rec, p, 0);
			sbuf_addf(&b, " AND (\n%s\n)", terms.s);
		}
		sbuf_free(&rc);
		sbuf_free(&nr);
		if (prepare(v, b.s, &v->parents, err) < 0)
			goto fail;
		sbuf_free(&b);
	}
	sbuf_free(&terms);
	return v;
fail:
	sbuf_free(&b);
	sbuf_free(&terms);
	vbatch_free(v);
	return NULL;
}

void
vbatch_free(struct vbatch *v)
{
	size_t i;

	if (v == NULL)
		return;
	sqlite3_finalize(v->rows);
	sqlite3_finalize(v->parents);
	sqlite3_finalize(v->roster);
	sqlite3_finalize(v->dkver_st);
	free(v->dks);
	free(v->dkall);
	free(v->roster_sql);
	vbatch_ids_free(&v->marked);
	vbatch_ids_free(&v->probed);
	vbatch_ids_free(&v->pmarked);
	sqlite3_finalize(v->region);
	sqlite3_finalize(v->district);
	for (i = 0; i < v->nxs; i++) {
		free(v->xs[i].text);
		vexpr_free(v->xs[i].x);
	}
	free(v->xs);
	for (i = 0; i < v->nchecks; i++)
		free(v->checks[i].cols);
	free(v->checks);
	free(v->pslot);
	for (i = 0; i < v->nrr; i++)
		vexpr_free(v->rr[i].x);
	free(v->rr);
	while (v->gfree != NULL) {
		struct vb_group *g = v->gfree;
		v->gfree = g->next;
		group_free(g);
	}
	free(v->rslot);
	free(v->rpar);
	for (i = 0; i < v->nrowf; i++) {
		free(v->codes[i].v);
		free(v->codes[i].pat);
	}
	free(v->codes);
	free(v->rowf);
	free(v->sql);
	free(v);
}

const char *
vbatch_sql(const struct vbatch *v)
{
	return v->sql;
}

static int
run(struct vbatch *v, sqlite3_stmt *st, int64_t lo, int64_t hi,
    int (*cb)(void *, int64_t), void *arg, char **err)
{
	int rc, stop = 0;

	v->marked.n = v->probed.n = v->pmarked.n = 0;
	if (st == NULL)
		return 0;
	dks_ready(v);
	memset(v->rcache, 0, sizeof v->rcache);
	memset(v->dcache, 0, sizeof v->dcache);
	{
		size_t i;
		for (i = 0; i < v->nrowf && v->codes != NULL; i++)
			v->codes[i].last[0] = '\0';
	}
	vexpr_env_today(&v->env);
	vexpr_env_today(&v->renv);
	v->year = this_year();
	sqlite3_bind_int64(st, 1, lo);
	sqlite3_bind_int64(st, 2, hi);
	while ((rc = sqlite3_step(st)) == SQLITE_ROW)
		if ((stop = cb(arg, sqlite3_column_int64(st, 0))) != 0)
			break;
	if (rc != SQLITE_ROW && rc != SQLITE_DONE) {
		util_err(err, "%s: checks in SQL: %s", v->rec->name,
		    sqlite3_errmsg(v->h));
		sqlite3_reset(st);
		return -1;
	}
	sqlite3_reset(st);
	vbatch_ids_sort(&v->marked);
	vbatch_ids_sort(&v->probed);
	vbatch_ids_sort(&v->pmarked);
	return stop;
}

int
vbatch_marked(const struct vbatch *v, int64_t id)
{
	if (vbatch_ids_has(&v->marked, id))
		return VB_OWN;
	return vbatch_ids_has(&v->probed, id) ? VB_PROBE : 0;
}

int
vbatch_roster_marked(const struct vbatch *v, int64_t parent_id)
{
	return vbatch_ids_has(&v->pmarked, parent_id);
}

int
vbatch_flagged(struct vbatch *v, int64_t lo_id, int64_t hi_id,
    int (*cb)(void *arg, int64_t id), void *arg, char **err)
{
	return run(v, v->rows, lo_id, hi_id, cb, arg, err);
}

int
vbatch_flagged_parents(struct vbatch *v, int64_t lo_id, int64_t hi_id,
    int (*cb)(void *arg, int64_t id), void *arg, char **err)
{
	return run(v, v->parents, lo_id, hi_id, cb, arg, err);
}

int
vbatch_flagged_roster(struct vbatch *v, int64_t lo_id, int64_t hi_id,
    int (*cb)(void *arg, int64_t id), void *arg, char **err)
{
	if (v->roster == NULL && v->roster_sql != NULL && prepare(v,
	    v->roster_sql, &v->roster, err) < 0)
		return -1;
	return run(v, v->roster, lo_id, hi_id, cb, arg, err);
}

/* ---- sets of ids ---------------------------------------------------------- */

int
vbatch_ids_add(void *ids, int64_t id)
{
	struct vbatch_ids *s = ids;
	if (s->n == s->cap) {
		s->cap = s->cap ? s->cap * 2 : 64;
		s->v = xreallocarray(s->v, s->cap, sizeof *s->v);
	}
	s->v[s->n++] = id;
	return 0;
}

static int
id_cmp(const void *a, const void *b)
{
	int64_t x = *(const int64_t *)a, y = *(const int64_t *)b;
	return x < y ? -1 : x > y;
}

void
vbatch_ids_sort(struct vbatch_ids *s)
{
	if (s->n > 1)
		qsort(s->v, s->n, sizeof *s->v, id_cmp);
}

int
vbatch_ids_has(const struct vbatch_ids *s, int64_t id)
{
	return s->n > 0 && bsearch(&id, s->v, s->n, sizeof *s->v, id_cmp) !=
	    NULL;
}

void
vbatch_ids_free(struct vbatch_ids *s)
{
	free(s->v);
	s->v = NULL;
	s->n = s->cap = 0;
}
