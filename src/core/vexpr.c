/*
 * vexpr: dictionary expressions evaluated in C for vbatch (see vexpr.h).
 * A recursive-descent parser with SQLite's precedences (OR < AND < NOT <
 * = IS IN BETWEEN < < <= > >= < + - < * / < unary) builds a tree; the
 * evaluator walks it with SQLite's three-valued logic, and answers VX_UNK
 * wherever it does not reproduce SQLite exactly.
 */
#include "vexpr.h"
#include "vexpr_read.h"

#include <ctype.h>
#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <sqlite3.h>

#include "expr.h"
#include "nik.h"
#include "util.h"

enum vx_op {
	N_LIT, N_COL, N_AND, N_OR, N_NOT, N_EQ, N_NE, N_LT, N_LE, N_GT, N_GE,
	N_IS, N_ISNOT, N_IN, N_NOTIN, N_BETWEEN, N_NOTBETWEEN, N_ADD, N_SUB,
	N_MUL, N_DIV, N_NEG, N_CASE, N_COALESCE, N_TRIM, N_TODAY, N_SELECTED,
	N_NIKDATE, N_NIKSEX, N_NIKREGION,
	/* the common shapes, specialised after parsing (fast paths) */
	N_ISNULLC, N_CMPCI, N_INCI, N_BETWEENCI,
	N_UPPER, N_AGG,
	N_CASECI, N_SELECTEDC
};

/* N_AGG's kinds (in cmp) */
enum { A_SUM, A_COUNT, A_COUNTSTAR, A_COUNTD, A_MIN, A_MAX };

struct vexpr {
	int op;
	int slot;                /* N_COL */
	struct vx_value lit;     /* N_LIT */
	char *text;              /* N_LIT's text */
	char buf[16];            /* a function's text result */
	struct vexpr **kid;
	size_t nkid;
	int has_else;            /* N_CASE: the last kid is ELSE */
	int cmp;                 /* N_CMPCI, N_INCI: the operator */
	int dflt;                /* N_CMPCI: coalesce(column, dval) */
	int64_t dval, hi;        /* N_BETWEENCI: lit.i AND hi */
	char *ubuf;              /* N_UPPER's result */
	size_t ucap;
	struct vexpr **aggs;     /* the root of a roster rule: its N_AGGs */
	size_t naggs;
	int64_t *ints;           /* N_INCI: the list */
	size_t nints;
	uint64_t mask;           /* N_INCI: the list's codes 0-63, as bits */
	int masked;              /* ... and the list has no other */
	/* N_CMPCI over an integer c: true when (clo <= c <= chi) != cneg;
	 * with a NULL column and dflt, dres */
	int64_t clo, chi;
	int cneg, dres;
};

static void eval(const struct vexpr *x, struct vexpr_env *env,
    struct vx_value *out);
static inline const struct vx_value *col_value(struct vexpr_env *env, int k);
static void eval_caseci(const struct vexpr *x, struct vexpr_env *env,
    struct vx_value *out);
static void bool_value(struct vx_value *out, int t);
static inline const struct vx_value *operand(const struct vexpr *k,
    struct vexpr_env *env, struct vx_value *buf);
static inline __attribute__((always_inline)) int truth(const struct vexpr *x,
    struct vexpr_env *env);
static int cmp(const struct vx_value *a, const struct vx_value *b);

/* ---- lexer ----------------------------------------------------------- */

enum { T_END, T_NAME, T_QNAME, T_INT, T_REAL, T_STR, T_OP, T_BAD };

struct lexer {
	const char *p;
	int type;
	char *tok;     /* name, quoted name unquoted, string unescaped, op */
	int64_t i;
	double r;
	vexpr_resolve_fn resolve;
	void *arg;
	int bad;
	int roster;    /* aggregates allowed (vexpr_compile_roster) */
	int in_agg;    /* inside an aggregate's argument */
	int depth;     /* nesting of the parser's recursive levels */
	struct vexpr **aggs; /* the aggregates met, numbered */
	size_t naggs;
};

static void
lex(struct lexer *l)
{
	const char *p = l->p, *q;
	struct sbuf b = {0};

	free(l->tok);
	l->tok = NULL;
	while (*p == ' ' || *p == '\t' || *p == '\n' || *p == '\r' ||
	    *p == '\f' || *p == '\v')
		p++;
	if (*p == '\0') {
		l->type = T_END;
		l->p = p;
		return;
	}
	if (isalpha((unsigned char)*p) || *p == '_') {
		for (q = p; isalnum((unsigned char)*q) || *q == '_'; q++)
			;
		if ((unsigned char)*q >= 0x80 || *q == '$') {
			l->type = T_BAD;
			return;
		}
		l->tok = xstrndup(p, (size_t)(q - p));
		l->type = T_NAME;
		l->p = q;
		return;
	}
	if (isdigit((unsigned char)*p) || (*p == '.' &&
	    isdigit((unsigned char)p[1]))) {
		int real = 0;
		q = p;
		if (p[0] == '0' && (p[1] == 'x' || p[1] == 'X')) {
			l->type = T_BAD;
			return;
		}
		while (isdigit((unsigned char)*q))
			q++;
		if (*q == '.') {
			real = 1;
			q++;
			while (isdigit((unsigned char)*q))
				q++;
		}
		if (*q == 'e' || *q == 'E') {
			real = 1;
			q++;
			if (*q == '+' || *q == '-')
				q++;
			if (!isdigit((unsigned char)*q)) {
				l->type = T_BAD;
				return;
			}
			while (isdigit((unsigned char)*q))
				q++;
		}
		if (isalnum((unsigned char)*q) || *q == '_' || *q == '.') {
			l->type = T_BAD;
			return;
		}
		l->tok = xstrndup(p, (size_t)(q - p));
		l->p = q;
		if (real) {
			l->type = T_REAL;
			l->r = strtod(l->tok, NULL);
			if (!isfinite(l->r))
				l->type = T_BAD;
			return;
		}
		/* up to 18 digits: always an int64 (SQLite makes larger
		 * ones reals at some point; not compiled) */
		if (q - p > 18) {
			l->type = T_BAD;
			return;
		}
		l->type = T_INT;
		l->i = strtoll(l->tok, NULL, 10);
		return;
	}
	if (*p == '\'' || *p == '"' || *p == '`' || *p == '[') {
		char close = *p == '[' ? ']' : *p;
		for (q = p + 1;; q++) {
			if (*q == '\0') {
				l->type = T_BAD;
				sbuf_free(&b);
				return;
			}
			if (*q == close) {
				if (close != ']' && q[1] == close) {
					sbuf_addc(&b, close);
					q++;
					continue;
				}
				break;
			}
			sbuf_addc(&b, *q);
		}
		l->tok = xstrdup(b.s != NULL ? b.s : "");
		sbuf_free(&b);
		l->type = *p == '\'' ? T_STR : T_QNAME;
		l->p = q + 1;
		return;
	}
	{
		static const char *const ops[] = {"==", "!=", "<>", "<=", ">=",
		    "=", "<", ">", "+", "-", "*", "/", "(", ")", ",", "."};
		size_t k;
		for (k = 0; k < sizeof ops / sizeof ops[0]; k++) {
			size_t n = strlen(ops[k]);
			if (strncmp(p, ops[k], n) == 0) {
				/* "||", "<<", ">>", "--" are other operators */
				if ((n == 1 && (*p == '<' || *p == '>') &&
				    p[1] == *p) || (*p == '-' && p[1] == '-') ||
				    (*p == '/' && p[1] == '*'))
					break;
				l->tok = xstrdup(ops[k]);
				l->type = T_OP;
				l->p = p + n;
				return;
			}
		}
	}
	l->type = T_BAD;
}

static int
is_kw(const struct lexer *l, const char *kw)
{
	return l->type == T_NAME && strcasecmp(l->tok, kw) == 0;
}

static int
is_op(const struct lexer *l, const char *op)
{
	return l->type == T_OP && strcmp(l->tok, op) == 0;
}

/* The words that are never a field name here. */
static int
keyword(const char *s)
{
	static const char *const kws[] = {"AND", "OR", "NOT", "IS", "IN",
	    "BETWEEN", "NULL", "TRUE", "FALSE", "CASE", "WHEN", "THEN",
	    "ELSE", "END", "ISNULL", "NOTNULL", "LIKE", "GLOB", "REGEXP",
	    "MATCH", "ESCAPE", "COLLATE", "DISTINCT", "SELECT", "EXISTS",
	    "CAST", "AS", "FROM", "WHERE", "ALL", "ANY", "RAISE"};
	size_t k;
	for (k = 0; k < sizeof kws / sizeof kws[0]; k++)
		if (strcasecmp(s, kws[k]) == 0)
			return 1;
	return 0;
}

/* ---- parser ---------------------------------------------------------- */

static struct vexpr *
node(int op)
{
	struct vexpr *x = xcalloc(1, sizeof *x);
	x->op = op;
	return x;
}

static void
add_kid(struct vexpr *x, struct vexpr *k)
{
	x->kid = xreallocarray(x->kid, x->nkid + 1, sizeof *x->kid);
	x->kid[x->nkid++] = k;
}

static struct vexpr *
binary(int op, struct vexpr *a, struct vexpr *b)
{
	struct vexpr *x = node(op);
	add_kid(x, a);
	add_kid(x, b);
	return x;
}

void
vexpr_free(struct vexpr *x)
{
	size_t i;

	if (x == NULL)
		return;
	for (i = 0; i < x->nkid; i++)
		vexpr_free(x->kid[i]);
	free(x->kid);
	free(x->text);
	free(x->ints);
	free(x->ubuf);
	free(x->aggs);
	free(x);
}

static struct vexpr *p_or(struct lexer *l);
static struct vexpr *p_rel(struct lexer *l);

/*
 * Nesting beyond this (parentheses, NOT NOT ..., - - ...) is not compiled:
 * the parser, specialise and the evaluator recurse once a level, and an
 * expression this deep is none a dictionary writes (SQLite's own parser
 * refuses about 100 nested parentheses).
 */
#define VX_MAX_DEPTH 200

/* Fail: mark and return NULL (every caller gives up on a NULL kid). */
static struct vexpr *
fail(struct lexer *l, struct vexpr *x)
{
	l->bad = 1;
	vexpr_free(x);
	return NULL;
}

static const struct {
	const char *name;
	int op, min, max;
} fns[] = {
	{"coalesce", N_COALESCE, 2, 100},
	{"ifnull", N_COALESCE, 2, 2},
	{"trim", N_TRIM, 1, 1},
	{"today", N_TODAY, 0, 0},
	{"selected", N_SELECTED, 2, 2},
	{"nik_birth_date", N_NIKDATE, 1, 1},
	{"nik_sex", N_NIKSEX, 1, 1},
	{"nik_region_known", N_NIKREGION, 1, 1},
	{"upper", N_UPPER, 1, 1},
};

/* An aggregate of a roster rule: sum, count, min, max of one argument
 * (count(*), count(DISTINCT x)); none inside another. */
static struct vexpr *
p_agg(struct lexer *l, const char *name)
{
	static const char *const names[] = {"sum", "count", "min", "max"};
	static const int kinds[] = {A_SUM, A_COUNT, A_MIN, A_MAX};
	struct vexpr *x, *k;
	size_t f;

	for (f = 0; f < 4; f++)
		if (strcasecmp(name, names[f]) == 0)
			break;
	if (f == 4 || l->in_agg)
		return fail(l, NULL);
	x = node(N_AGG);
	x->cmp = kinds[f];
	lex(l); /* after ( */
	if (x->cmp == A_COUNT && is_op(l, "*")) {
		x->cmp = A_COUNTSTAR;
		lex(l);
	} else {
		if (is_kw(l, "DISTINCT")) {
			if (x->cmp != A_COUNT)
				return fail(l, x);
			x->cmp = A_COUNTD;
			lex(l);
		}
		l->in_agg = 1;
		k = p_or(l);
		l->in_agg = 0;
		if (k == NULL)
			return fail(l, x);
		add_kid(x, k);
	}
	if (!is_op(l, ")"))
		return fail(l, x);
	lex(l);
	x->slot = (int)l->naggs;
	l->aggs = xreallocarray(l->aggs, l->naggs + 1, sizeof *l->aggs);
	l->aggs[l->naggs++] = x;
	return x;
}

static struct vexpr *
p_call(struct lexer *l, const char *name)
{
	struct vexpr *x = NULL, *k;
	size_t f;

	for (f = 0; f < sizeof fns / sizeof fns[0]; f++)
		if (strcasecmp(name, fns[f].name) == 0)
			break;
	if (f == sizeof fns / sizeof fns[0])
		return l->roster ? p_agg(l, name) : fail(l, NULL);
	x = node(fns[f].op);
	lex(l); /* after ( */
	if (!is_op(l, ")"))
		for (;;) {
			if ((k = p_or(l)) == NULL)
				return fail(l, x);
			add_kid(x, k);
			if (is_op(l, ")"))
				break;
			if (!is_op(l, ","))
				return fail(l, x);
			lex(l);
		}
	lex(l);
	if ((int)x->nkid < fns[f].min || (int)x->nkid > fns[f].max)
		return fail(l, x);
	return x;
}

static struct vexpr *
p_case(struct lexer *l)
{
	struct vexpr *x = node(N_CASE), *k;

	lex(l);
	if (!is_kw(l, "WHEN"))
		return fail(l, x); /* CASE base WHEN ...: not compiled */
	while (is_kw(l, "WHEN")) {
		lex(l);
		if ((k = p_or(l)) == NULL)
			return fail(l, x);
		add_kid(x, k);
		if (!is_kw(l, "THEN"))
			return fail(l, x);
		lex(l);
		if ((k = p_or(l)) == NULL)
			return fail(l, x);
		add_kid(x, k);
	}
	if (is_kw(l, "ELSE")) {
		lex(l);
		if ((k = p_or(l)) == NULL)
			return fail(l, x);
		add_kid(x, k);
		x->has_else = 1;
	}
	if (!is_kw(l, "END"))
		return fail(l, x);
	lex(l);
	return x;
}

static struct vexpr *
p_primary(struct lexer *l)
{
	struct vexpr *x;

	switch (l->type) {
	case T_INT:
		x = node(N_LIT);
		x->lit.t = VX_INT;
		x->lit.i = l->i;
		lex(l);
		return x;
	case T_REAL:
		x = node(N_LIT);
		x->lit.t = VX_REAL;
		x->lit.r = l->r;
		lex(l);
		return x;
	case T_STR:
		x = node(N_LIT);
		x->lit.t = VX_TEXT;
		x->text = l->tok;
		l->tok = NULL;
		x->lit.s = x->text;
		x->lit.n = strlen(x->text);
		x->lit.z = 1;
		lex(l);
		return x;
	case T_OP:
		if (is_op(l, "(")) {
			lex(l);
			if ((x = p_or(l)) == NULL)
				return NULL;
			if (!is_op(l, ")"))
				return fail(l, x);
			lex(l);
			return x;
		}
		return fail(l, NULL);
	case T_NAME:
		if (is_kw(l, "NULL") || is_kw(l, "TRUE") || is_kw(l, "FALSE")) {
			x = node(N_LIT);
			x->lit.t = is_kw(l, "NULL") ? VX_NULL : VX_INT;
			x->lit.i = is_kw(l, "TRUE");
			lex(l);
			return x;
		}
		if (is_kw(l, "CASE"))
			return p_case(l);
		if (keyword(l->tok))
			return fail(l, NULL);
		/* FALLTHROUGH */
	case T_QNAME: {
		char *a = l->tok, *b = NULL;
		int quoted = l->type == T_QNAME, slot;
		l->tok = NULL;
		lex(l);
		if (!quoted && is_op(l, "(")) {
			x = p_call(l, a);
			free(a);
			return x;
		}
		if (is_op(l, ".")) {
			lex(l);
			if ((l->type != T_NAME && l->type != T_QNAME) ||
			    (l->type == T_NAME && keyword(l->tok))) {
				free(a);
				return fail(l, NULL);
			}
			b = l->tok;
			l->tok = NULL;
			lex(l);
			if (is_op(l, ".") || is_op(l, "(")) {
				free(a);
				free(b);
				return fail(l, NULL);
			}
		}
		slot = b != NULL ? l->resolve(l->arg, a, b) :
		    l->resolve(l->arg, NULL, a);
		free(a);
		free(b);
		if (slot >= 0 && (slot & VX_PARENT_SLOT)) {
			slot &= ~VX_PARENT_SLOT;
		} else if (slot >= 0 && l->roster && !l->in_agg)
			slot = -1; /* a row's value outside an aggregate */
		if (slot < 0 || slot >= VX_MAX_SLOTS)
			return fail(l, NULL);
		x = node(N_COL);
		x->slot = slot;
		return x;
	}
	default:
		return fail(l, NULL);
	}
}

static struct vexpr *unary_in(struct lexer *l);
static struct vexpr *not_in(struct lexer *l);

/* The recursive levels, each counted (VX_MAX_DEPTH). */
static struct vexpr *
deeper(struct lexer *l, struct vexpr *(*level)(struct lexer *))
{
	struct vexpr *x;

	if (l->depth >= VX_MAX_DEPTH)
		return fail(l, NULL);
	l->depth++;
	x = level(l);
	l->depth--;
	return x;
}

static struct vexpr *
p_unary(struct lexer *l)
{
	return deeper(l, unary_in);
}

static struct vexpr *
unary_in(struct lexer *l)
{
	struct vexpr *x, *k;

	if (is_op(l, "-") || is_op(l, "+")) {
		int neg = is_op(l, "-");
		lex(l);
		if ((k = p_unary(l)) == NULL)
			return NULL;
		if (!neg)
			return k;
		x = node(N_NEG);
		add_kid(x, k);
		return x;
	}
	x = p_primary(l);
	/* COLLATE and the like: not compiled */
	if (x != NULL && l->type == T_NAME && (is_kw(l, "COLLATE")))
		return fail(l, x);
	return x;
}

/*
 * The left-associative binary operators by precedence, lowest first:
 * comparisons, then + and -, then * and /; the operands of the last are
 * p_unary's.
 */
static const struct binop {
	const char *tok;
	int op;
} binops[][4] = {
	{{"<", N_LT}, {"<=", N_LE}, {">", N_GT}, {">=", N_GE}},
	{{"+", N_ADD}, {"-", N_SUB}},
	{{"*", N_MUL}, {"/", N_DIV}},
};
#define NBINOPS (sizeof binops / sizeof binops[0])

/* The operator of level at l's token, or NULL. */
static const struct binop *
binop_at(struct lexer *l, size_t level)
{
	size_t i;
	for (i = 0; i < 4 && binops[level][i].tok != NULL; i++)
		if (is_op(l, binops[level][i].tok))
			return &binops[level][i];
	return NULL;
}

static struct vexpr *
p_binary(struct lexer *l, size_t level)
{
	struct vexpr *x, *k;
	const struct binop *b;

	x = level + 1 < NBINOPS ? p_binary(l, level + 1) : p_unary(l);
	while (x != NULL && (b = binop_at(l, level)) != NULL) {
		lex(l);
		k = level + 1 < NBINOPS ? p_binary(l, level + 1) : p_unary(l);
		if (k == NULL)
			return fail(l, x);
		x = binary(b->op, x, k);
	}
	return x;
}

static struct vexpr *
p_rel(struct lexer *l)
{
	return p_binary(l, 0);
}

static struct vexpr *
null_lit(void)
{
	struct vexpr *x = node(N_LIT);
	x->lit.t = VX_NULL;
	return x;
}

static struct vexpr *
p_eq(struct lexer *l)
{
	struct vexpr *x = p_rel(l), *k, *y;

	while (x != NULL) {
		int not = 0;
		if (is_op(l, "=") || is_op(l, "==") || is_op(l, "!=") ||
		    is_op(l, "<>")) {
			int op = is_op(l, "=") || is_op(l, "==") ? N_EQ : N_NE;
			lex(l);
			if ((k = p_rel(l)) == NULL)
				return fail(l, x);
			x = binary(op, x, k);
			continue;
		}
		if (is_kw(l, "ISNULL") || is_kw(l, "NOTNULL")) {
			x = binary(is_kw(l, "ISNULL") ? N_IS : N_ISNOT, x,
			    null_lit());
			lex(l);
			continue;
		}
		if (is_kw(l, "IS")) {
			lex(l);
			if (is_kw(l, "NOT")) {
				not = 1;
				lex(l);
			}
			if (is_kw(l, "DISTINCT"))
				return fail(l, x);
			if ((k = p_rel(l)) == NULL)
				return fail(l, x);
			x = binary(not ? N_ISNOT : N_IS, x, k);
			continue;
		}
		if (is_kw(l, "NOT")) {
			/* NOT IN, NOT BETWEEN, NOT NULL */
			lex(l);
			if (is_kw(l, "NULL")) {
				lex(l);
				x = binary(N_ISNOT, x, null_lit());
				continue;
			}
			if (!is_kw(l, "IN") && !is_kw(l, "BETWEEN"))
				return fail(l, x);
			not = 1;
		}
		if (is_kw(l, "IN")) {
			y = node(not ? N_NOTIN : N_IN);
			add_kid(y, x);
			x = y;
			lex(l);
			if (!is_op(l, "("))
				return fail(l, x);
			lex(l);
			if (is_op(l, ")") || is_kw(l, "SELECT"))
				return fail(l, x);
			for (;;) {
				if ((k = p_or(l)) == NULL)
					return fail(l, x);
				add_kid(x, k);
				if (is_op(l, ")"))
					break;
				if (!is_op(l, ","))
					return fail(l, x);
				lex(l);
			}
			lex(l);
			continue;
		}
		if (is_kw(l, "BETWEEN")) {
			y = node(not ? N_NOTBETWEEN : N_BETWEEN);
			add_kid(y, x);
			x = y;
			lex(l);
			if ((k = p_rel(l)) == NULL)
				return fail(l, x);
			add_kid(x, k);
			if (!is_kw(l, "AND"))
				return fail(l, x);
			lex(l);
			if ((k = p_rel(l)) == NULL)
				return fail(l, x);
			add_kid(x, k);
			continue;
		}
		if (l->type == T_NAME && (is_kw(l, "LIKE") || is_kw(l, "GLOB") ||
		    is_kw(l, "REGEXP") || is_kw(l, "MATCH")))
			return fail(l, x);
		break;
	}
	return x;
}

static struct vexpr *
p_not(struct lexer *l)
{
	return deeper(l, not_in);
}

static struct vexpr *
not_in(struct lexer *l)
{
	struct vexpr *x, *k;

	if (is_kw(l, "NOT")) {
		lex(l);
		if ((k = p_not(l)) == NULL)
			return NULL;
		x = node(N_NOT);
		add_kid(x, k);
		return x;
	}
	return p_eq(l);
}

/* next (kw next)*: a left-associative chain of keyword operator op. */
static struct vexpr *
p_chain(struct lexer *l, const char *kw, int op,
    struct vexpr *(*next)(struct lexer *))
{
	struct vexpr *x = next(l), *k;

	while (x != NULL && is_kw(l, kw)) {
		lex(l);
		if ((k = next(l)) == NULL)
			return fail(l, x);
		x = binary(op, x, k);
	}
	return x;
}

static struct vexpr *
p_and(struct lexer *l)
{
	return p_chain(l, "AND", N_AND, p_not);
}

static struct vexpr *
or_in(struct lexer *l)
{
	return p_chain(l, "OR", N_OR, p_and);
}

static struct vexpr *
p_or(struct lexer *l)
{
	return deeper(l, or_in);
}

static int
is_int_lit(const struct vexpr *x)
{
	return x->op == N_LIT && x->lit.t == VX_INT;
}

/*
 * N_CMPCI's test as a range of integers: c op lit is clo <= c <= chi
 * (cneg: not in it); an empty range is 1..0. With coalesce's default,
 * the truth for a NULL column (dres).
 */
static void
cmp_range(struct vexpr *x)
{
	int64_t l = x->lit.i;

	x->cneg = 0;
	switch (x->cmp) {
	case N_EQ:
	case N_NE:
		x->clo = x->chi = l;
		x->cneg = x->cmp == N_NE;
		break;
	case N_LT:
		x->clo = INT64_MIN;
		x->chi = l - (l != INT64_MIN);
		if (l == INT64_MIN)
			x->clo = 1, x->chi = 0;
		break;
	case N_LE:
		x->clo = INT64_MIN;
		x->chi = l;
		break;
	case N_GT:
		x->clo = l + (l != INT64_MAX);
		x->chi = INT64_MAX;
		if (l == INT64_MAX)
			x->clo = 1, x->chi = 0;
		break;
	default: /* N_GE */
		x->clo = l;
		x->chi = INT64_MAX;
		break;
	}
	if (x->dflt)
		x->dres = (x->dval >= x->clo && x->dval <= x->chi) != x->cneg;
}

/*
 * Fold -literal into a literal and give the common shapes their own
 * nodes (same results, fewer steps): column IS [NOT] NULL, column op
 * integer, column [NOT] IN (integers). The kids stay for the general
 * path (N_INCI falls back to it).
 */
static void
specialise(struct vexpr *x)
{
	size_t i;

	for (i = 0; i < x->nkid; i++)
		specialise(x->kid[i]);
	if (x->op == N_AND || x->op == N_OR) {
		/* (a AND b) AND c -> AND(a, b, c): same truth, fewer steps */
		struct vexpr **kid = NULL;
		size_t n = 0, j;
		for (i = 0; i < x->nkid; i++) {
			struct vexpr *k = x->kid[i];
			if (k->op == x->op) {
				kid = xreallocarray(kid, n + k->nkid,
				    sizeof *kid);
				for (j = 0; j < k->nkid; j++)
					kid[n++] = k->kid[j];
				k->nkid = 0;
				vexpr_free(k);
			} else {
				kid = xreallocarray(kid, n + 1, sizeof *kid);
				kid[n++] = k;
			}
		}
		free(x->kid);
		x->kid = kid;
		x->nkid = n;
		return;
	}
	if (x->op == N_NEG && x->kid[0]->op == N_LIT &&
	    ((x->kid[0]->lit.t == VX_INT && x->kid[0]->lit.i != INT64_MIN) ||
	    x->kid[0]->lit.t == VX_REAL)) {
		struct vexpr *k = x->kid[0];
		x->op = N_LIT;
		x->lit = k->lit;
		if (k->lit.t == VX_INT)
			x->lit.i = -k->lit.i;
		else
			x->lit.r = -k->lit.r;
		vexpr_free(k);
		free(x->kid);
		x->kid = NULL;
		x->nkid = 0;
		return;
	}
	if ((x->op == N_IS || x->op == N_ISNOT) && x->kid[0]->op == N_COL &&
	    x->kid[1]->op == N_LIT && x->kid[1]->lit.t == VX_NULL) {
		x->slot = x->kid[0]->slot;
		x->lit.i = x->op == N_ISNOT;
		x->op = N_ISNULLC;
		return;
	}
	if (x->op >= N_EQ && x->op <= N_GE && x->kid[0]->op == N_COL &&
	    is_int_lit(x->kid[1])) {
		x->slot = x->kid[0]->slot;
		x->cmp = x->op;
		x->lit = x->kid[1]->lit;
		x->op = N_CMPCI;
		cmp_range(x);
		return;
	}
	if (x->op >= N_EQ && x->op <= N_GE && x->kid[0]->op == N_COALESCE &&
	    x->kid[0]->nkid == 2 && x->kid[0]->kid[0]->op == N_COL &&
	    is_int_lit(x->kid[0]->kid[1]) && is_int_lit(x->kid[1])) {
		/* coalesce(column, integer) op integer */
		x->slot = x->kid[0]->kid[0]->slot;
		x->dflt = 1;
		x->dval = x->kid[0]->kid[1]->lit.i;
		x->cmp = x->op;
		x->lit = x->kid[1]->lit;
		x->op = N_CMPCI;
		cmp_range(x);
		return;
	}
	if (x->op == N_BETWEEN && x->kid[0]->op == N_COL &&
	    is_int_lit(x->kid[1]) && is_int_lit(x->kid[2])) {
		x->slot = x->kid[0]->slot;
		x->lit = x->kid[1]->lit;
		x->hi = x->kid[2]->lit.i;
		x->op = N_BETWEENCI;
		return;
	}
	if ((x->op == N_IN || x->op == N_NOTIN) && x->kid[0]->op == N_COL) {
		for (i = 1; i < x->nkid; i++)
			if (!is_int_lit(x->kid[i]))
				return;
		x->ints = xcalloc(x->nkid, sizeof *x->ints);
		for (i = 1; i < x->nkid; i++)
			x->ints[x->nints++] = x->kid[i]->lit.i;
		x->slot = x->kid[0]->slot;
		x->cmp = x->op;
		x->op = N_INCI;
		x->masked = 1;
		for (i = 0; i < x->nints; i++) {
			if (x->ints[i] >= 0 && x->ints[i] < 64)
				x->mask |= 1ULL << x->ints[i];
			else
				x->masked = 0;
		}
		return;
	}
	if (x->op == N_CASE && x->nkid >= 2 && (x->kid[0]->op == N_INCI ||
	    (x->kid[0]->op == N_CMPCI && !x->kid[0]->dflt))) {
		/* CASE WHEN column op integer THEN ... [WHEN the same
		 * column op integer THEN ...] [ELSE ...] END, each op a
		 * comparison or [NOT] IN (integers) */
		size_t n = x->nkid - (size_t)x->has_else;
		for (i = 0; i + 1 < n; i += 2)
			if ((x->kid[i]->op != N_INCI &&
			    (x->kid[i]->op != N_CMPCI || x->kid[i]->dflt)) ||
			    x->kid[i]->slot != x->kid[0]->slot)
				return;
		x->slot = x->kid[0]->slot;
		x->op = N_CASECI;
		return;
	}
	if (x->op == N_SELECTED && x->kid[0]->op == N_COL &&
	    x->kid[1]->op == N_LIT && x->kid[1]->lit.t == VX_TEXT &&
	    x->kid[1]->lit.z) {
		/* selected(column, 'code') */
		x->slot = x->kid[0]->slot;
		x->op = N_SELECTEDC;
	}
}

static struct vexpr *
compile(const char *text, vexpr_resolve_fn fn, void *arg, int roster)
{
	struct lexer l = {0};
	struct vexpr *x;

	if (text == NULL)
		return NULL;
	l.p = text;
	l.resolve = fn;
	l.arg = arg;
	l.roster = roster;
	lex(&l);
	x = p_or(&l);
	if (x != NULL && (l.bad || l.type != T_END)) {
		vexpr_free(x);
		x = NULL;
	}
	if (x != NULL && roster && (x->op == N_AGG || l.naggs == 0)) {
		/* the root keeps the list: an aggregate alone as the root,
		 * or none at all, is not a roster rule compiled here */
		vexpr_free(x);
		x = NULL;
	}
	if (x != NULL) {
		specialise(x);
		x->aggs = l.aggs;
		x->naggs = l.naggs;
		l.aggs = NULL;
	}
	free(l.aggs);
	free(l.tok);
	return x;
}

struct vexpr *
vexpr_compile(const char *text, vexpr_resolve_fn fn, void *arg)
{
	return compile(text, fn, arg, 0);
}

struct vexpr *
vexpr_compile_roster(const char *text, vexpr_resolve_fn fn, void *arg)
{
	return compile(text, fn, arg, 1);
}

size_t
vexpr_naggs(const struct vexpr *x)
{
	return x->naggs;
}

void
vexpr_agg_clear(struct vx_agg *a, size_t n)
{
	size_t i;
	for (i = 0; i < n; i++) {
		if (a[i].text != NULL)
			free(a[i].text);
		if (a[i].set != NULL)
			free(a[i].set);
	}
	if (n > 0)
		memset(a, 0, n * sizeof *a);
}

/* One row into aggregate st (its node x). */
static void
agg_step(const struct vexpr *x, struct vexpr_env *env, struct vx_agg *st)
{
	struct vx_value v;
	size_t i;
	int c;

	if (x->cmp == A_COUNTSTAR) {
		st->n++;
		return;
	}
	switch (x->kid[0]->op) {
	case N_COL:
		v = *col_value(env, x->kid[0]->slot);
		break;
	case N_CASECI:
		eval_caseci(x->kid[0], env, &v);
		break;
	case N_AND:
	case N_OR:
	case N_ISNULLC:
	case N_CMPCI:
	case N_INCI:
		/* a condition's value is its truth (as eval gives it) */
		bool_value(&v, truth(x->kid[0], env));
		break;
	default:
		eval(x->kid[0], env, &v);
		break;
	}
	if (v.t == VX_NULL)
		return;
	if (v.t == VX_UNK) {
		st->unk = 1;
		return;
	}
	switch (x->cmp) {
	case A_COUNT:
		st->n++;
		return;
	case A_SUM:
		if (v.t != VX_INT || __builtin_add_overflow(st->isum, v.i,
		    &st->isum))
			st->unk = 1;
		st->n++;
		return;
	case A_COUNTD:
		if (v.t != VX_INT) {
			st->unk = 1;
			return;
		}
		for (i = 0; i < st->nset; i++)
			if (st->set[i] == v.i)
				return;
		if (st->nset == st->cap) {
			st->cap = st->cap ? st->cap * 2 : 16;
			st->set = xreallocarray(st->set, st->cap,
			    sizeof *st->set);
		}
		st->set[st->nset++] = v.i;
		st->n++;
		return;
	default: /* A_MIN, A_MAX */
		if (v.t == VX_TEXT && !v.z) {
			st->unk = 1;
			return;
		}
		if (st->n > 0) {
			if ((c = cmp(&v, &st->best)) == 2 ||
			    (c == 0 && v.t != st->best.t)) {
				st->unk = 1; /* mixed classes: not decided */
				return;
			}
			if (x->cmp == A_MIN ? c >= 0 : c <= 0)
				return;
		}
		st->n++;
		st->best = v;
		if (v.t == VX_TEXT) {
			free(st->text);
			st->text = xstrndup(v.s, v.n);
			st->best.s = st->text;
		}
		return;
	}
}

void
vexpr_agg_step(const struct vexpr *x, struct vexpr_env *env,
    struct vx_agg *st)
{
	size_t i;
	for (i = 0; i < x->naggs; i++)
		agg_step(x->aggs[i], env, &st[i]);
}

int
vexpr_agg_truth(const struct vexpr *x, struct vexpr_env *env,
    struct vx_agg *st)
{
	env->agg = st;
	return truth(x, env);
}

void
vexpr_agg_eval(const struct vexpr *x, struct vexpr_env *env,
    struct vx_agg *st, struct vx_value *out)
{
	env->agg = st;
	eval(x, env, out);
}

/* ---- evaluation ------------------------------------------------------ */

void
vexpr_env_row(struct vexpr_env *env, sqlite3_value **slots)
{
	env->slots = slots;
	if (++env->gen == 0) {
		memset(env->vgen, 0, sizeof env->vgen);
		env->nik_gen = 0;
		env->gen = 1;
	}
}

void
vexpr_env_today(struct vexpr_env *env)
{
	const char *t = env->today;
	int i;

	expr_today_text(env->today);
	/* the same day as numbers, for the NIK's century (expr_nik_date
	 * reads today each time; here once a run, as today() is) */
	env->today_ok = 0;
	for (i = 0; i < 10; i++)
		if (i == 4 || i == 7 ? t[i] != '-' : !isdigit((unsigned char)t[i]))
			return;
	if (t[10] != '\0')
		return;
	env->ty = atoi(t);
	env->tm = atoi(t + 5);
	env->td = atoi(t + 8);
	env->today_ok = 1;
}

static void
set_int(struct vx_value *v, int64_t i)
{
	v->t = VX_INT;
	v->i = i;
}

static void
set_text(struct vx_value *v, const char *s, size_t n, int z)
{
	v->t = VX_TEXT;
	v->s = s;
	v->n = n;
	v->z = z;
}

static inline __attribute__((always_inline)) void
read_value(sqlite3_value *a, struct vx_value *v)
{
	vexpr_read_inline(a, v);
}

void
vexpr_value_read(sqlite3_value *a, struct vx_value *v)
{
	read_value(a, v);
}

void
vexpr_env_nik(struct vexpr_env *env, const char *s, size_t n, int rc,
    const struct nik *nk)
{
	if (!env->today_ok)
		return;
	if (rc >= 0) {
		env->nik = *nk;
		rc = expr_nik_century(&env->nik, env->ty, env->tm, env->td);
	}
	env->nik_rc = rc < 0 ? -1 : 0;
	env->nik_s = s;
	env->nik_n = n;
	env->nik_gen = env->gen;
}

/* SQLite's comparison of an integer with a real (sqlite3IntFloatCompare). */
static int
int_real_cmp(int64_t i, double r)
{
	int64_t y;
	double s;

	if (r < -9223372036854775808.0)
		return 1;
	if (r >= 9223372036854775808.0)
		return -1;
	y = (int64_t)r;
	if (i < y)
		return -1;
	if (i > y)
		return 1;
	s = (double)i;
	if (s < r)
		return -1;
	if (s > r)
		return 1;
	return 0;
}

/* a versus b, both neither NULL nor unknown: <0, 0, >0, or 2 when
 * the classes differ (a number and a text: affinity might matter). */
static int
cmp(const struct vx_value *a, const struct vx_value *b)
{
	if (a->t == VX_TEXT || b->t == VX_TEXT) {
		size_t n;
		int c;
		if (a->t != b->t)
			return 2;
		n = a->n < b->n ? a->n : b->n;
		c = n > 0 ? memcmp(a->s, b->s, n) : 0;
		if (c != 0)
			return c < 0 ? -1 : 1;
		return a->n < b->n ? -1 : a->n > b->n;
	}
	if (a->t == VX_INT && b->t == VX_INT)
		return a->i < b->i ? -1 : a->i > b->i;
	if (a->t == VX_INT)
		return int_real_cmp(a->i, b->r);
	if (b->t == VX_INT)
		return -int_real_cmp(b->i, a->r);
	return a->r < b->r ? -1 : a->r > b->r;
}

/* The truth of a value: 1, 0, VX_T_NULL, VX_T_UNK (a text: SQLite
 * reads a number from it). */
static int
truth_of(const struct vx_value *v)
{
	switch (v->t) {
	case VX_NULL:
		return VX_T_NULL;
	case VX_INT:
		return v->i != 0;
	case VX_REAL:
		return v->r != 0.0;
	default:
		return VX_T_UNK;
	}
}

static void
bool_value(struct vx_value *out, int t)
{
	if (t == VX_T_NULL)
		out->t = VX_NULL;
	else if (t == VX_T_UNK)
		out->t = VX_UNK;
	else
		set_int(out, t);
}


/* The comparison op of a and b as a value. */
static void
compare(int op, const struct vx_value *a, const struct vx_value *b,
    struct vx_value *out)
{
	int c;

	if (a->t == VX_UNK || b->t == VX_UNK) {
		out->t = VX_UNK;
		return;
	}
	if (op == N_IS || op == N_ISNOT) {
		if (a->t == VX_NULL || b->t == VX_NULL) {
			set_int(out, (a->t == VX_NULL && b->t == VX_NULL) ==
			    (op == N_IS));
			return;
		}
		op = op == N_IS ? N_EQ : N_NE;
	}
	if (a->t == VX_NULL || b->t == VX_NULL) {
		out->t = VX_NULL;
		return;
	}
	if ((c = cmp(a, b)) == 2) {
		out->t = VX_UNK;
		return;
	}
	switch (op) {
	case N_EQ: set_int(out, c == 0); break;
	case N_NE: set_int(out, c != 0); break;
	case N_LT: set_int(out, c < 0); break;
	case N_LE: set_int(out, c <= 0); break;
	case N_GT: set_int(out, c > 0); break;
	default: set_int(out, c >= 0); break;
	}
}

static void
arith(int op, const struct vx_value *a, const struct vx_value *b,
    struct vx_value *out)
{
	double x, y, r;

	if (a->t == VX_UNK || b->t == VX_UNK || a->t == VX_TEXT ||
	    b->t == VX_TEXT) {
		out->t = VX_UNK;
		return;
	}
	if (a->t == VX_NULL || b->t == VX_NULL) {
		out->t = VX_NULL;
		return;
	}
	if (a->t == VX_INT && b->t == VX_INT) {
		int64_t i;
		int of = 0;
		switch (op) {
		case N_ADD: of = __builtin_add_overflow(a->i, b->i, &i); break;
		case N_SUB: of = __builtin_sub_overflow(a->i, b->i, &i); break;
		case N_MUL: of = __builtin_mul_overflow(a->i, b->i, &i); break;
		default:
			if (b->i == 0) {
				out->t = VX_NULL;
				return;
			}
			if (a->i == INT64_MIN && b->i == -1)
				of = 1;
			else
				i = a->i / b->i;
			break;
		}
		if (of)
			out->t = VX_UNK; /* SQLite goes on in reals */
		else
			set_int(out, i);
		return;
	}
	x = a->t == VX_INT ? (double)a->i : a->r;
	y = b->t == VX_INT ? (double)b->i : b->r;
	switch (op) {
	case N_ADD: r = x + y; break;
	case N_SUB: r = x - y; break;
	case N_MUL: r = x * y; break;
	default:
		if (y == 0.0) {
			out->t = VX_NULL;
			return;
		}
		r = x / y;
		break;
	}
	if (isnan(r)) {
		out->t = VX_UNK;
		return;
	}
	out->t = VX_REAL;
	out->r = r;
}

/* A text argument as a C string: 1 with *s, 0 for NULL, -1 unknown. */
static int
text_arg(const struct vexpr *x, struct vexpr_env *env, struct vx_value *v)
{
	eval(x, env, v);
	if (v->t == VX_NULL)
		return 0;
	if (v->t != VX_TEXT || !v->z)
		return -1;
	return 1;
}

/* The value of slot k, read from SQLite once a row. */
static inline const struct vx_value *
col_value(struct vexpr_env *env, int k)
{
	if (env->vgen[k] != env->gen) {
		vexpr_value_read(env->slots[k], &env->vals[k]);
		env->vgen[k] = env->gen;
	}
	return &env->vals[k];
}

/* The value of operand k: a column's or a literal's where it is kept,
 * else evaluated into buf. */
static inline const struct vx_value *
operand(const struct vexpr *k, struct vexpr_env *env, struct vx_value *buf)
{
	if (k->op == N_COL)
		return col_value(env, k->slot);
	if (k->op == N_LIT)
		return &k->lit;
	eval(k, env, buf);
	return buf;
}

static __attribute__((noinline)) void
eval_in(const struct vexpr *x, struct vexpr_env *env, struct vx_value *out)
{
	struct vx_value a, b, r;
	const struct vx_value *pb;
	size_t i;
	int null = 0, in = x->op == N_IN || (x->op == N_INCI &&
	    x->cmp == N_IN);

	eval(x->kid[0], env, &a);
	if (a.t == VX_UNK || a.t == VX_NULL) {
		out->t = a.t;
		return;
	}
	for (i = 1; i < x->nkid; i++) {
		pb = operand(x->kid[i], env, &b);
		compare(N_EQ, &a, pb, &r);
		if (r.t == VX_UNK) {
			out->t = VX_UNK;
			return;
		}
		if (r.t == VX_NULL)
			null = 1;
		else if (r.i == 1) {
			set_int(out, in);
			return;
		}
	}
	if (null)
		out->t = VX_NULL;
	else
		set_int(out, !in);
}

static __attribute__((noinline)) void
eval_between(const struct vexpr *x, struct vexpr_env *env,
    struct vx_value *out)
{
	struct vx_value a, lo, hi, r1 = {0}, r2 = {0};
	const struct vx_value *pa, *plo, *phi;
	int ta, tb;

	pa = operand(x->kid[0], env, &a);
	plo = operand(x->kid[1], env, &lo);
	phi = operand(x->kid[2], env, &hi);
	compare(N_GE, pa, plo, &r1);
	compare(N_LE, pa, phi, &r2);
	ta = truth_of(&r1);
	tb = truth_of(&r2);
	if (ta == 0 || tb == 0)
		ta = 0;
	else if (ta == VX_T_UNK || tb == VX_T_UNK)
		ta = VX_T_UNK;
	else if (ta == VX_T_NULL || tb == VX_T_NULL)
		ta = VX_T_NULL;
	else
		ta = 1;
	if (x->op == N_NOTBETWEEN && (ta == 0 || ta == 1))
		ta = !ta;
	bool_value(out, ta);
}

static __attribute__((noinline)) void
eval_fn(const struct vexpr *x, struct vexpr_env *env, struct vx_value *out)
{
	struct vx_value a, b;
	size_t i;
	int ta, tb;

	switch (x->op) {
	case N_TRIM: {
		size_t lo, hi;
		eval(x->kid[0], env, &a);
		if (a.t == VX_NULL || a.t == VX_UNK) {
			*out = a;
			return;
		}
		if (a.t != VX_TEXT || !a.z) {
			out->t = VX_UNK;
			return;
		}
		for (lo = 0; lo < a.n && a.s[lo] == ' '; lo++)
			;
		for (hi = a.n; hi > lo && a.s[hi - 1] == ' '; hi--)
			;
		set_text(out, a.s + lo, hi - lo, hi == a.n);
		return;
	}
	case N_TODAY:
		set_text(out, env->today, strlen(env->today), 1);
		return;
	case N_UPPER: {
		/* SQLite's upper() folds a-z only (ICU folds more: any
		 * other byte is not decided) */
		struct vexpr *m = (struct vexpr *)x;
		eval(x->kid[0], env, &a);
		if (a.t == VX_NULL || a.t == VX_UNK) {
			*out = a;
			return;
		}
		if (a.t != VX_TEXT || !a.z) {
			out->t = VX_UNK;
			return;
		}
		if (m->ucap < a.n + 1) {
			m->ucap = a.n + 16;
			m->ubuf = xrealloc(m->ubuf, m->ucap);
		}
		for (i = 0; i < a.n; i++) {
			unsigned char ch = (unsigned char)a.s[i];
			if (ch >= 0x80) {
				out->t = VX_UNK;
				return;
			}
			m->ubuf[i] = (char)(ch >= 'a' && ch <= 'z' ?
			    ch - 'a' + 'A' : ch);
		}
		m->ubuf[a.n] = '\0';
		set_text(out, m->ubuf, a.n, 1);
		return;
	}
	case N_SELECTED:
		ta = text_arg(x->kid[0], env, &a);
		tb = text_arg(x->kid[1], env, &b);
		if (ta == 0 || tb == 0)
			set_int(out, 0);
		else if (ta < 0 || tb < 0)
			out->t = VX_UNK;
		else
			set_int(out, expr_selected(a.s, b.s));
		return;
	case N_NIKDATE:
	case N_NIKSEX: {
		struct nik n;
		ta = text_arg(x->kid[0], env, &a);
		if (ta <= 0) {
			out->t = ta == 0 ? VX_NULL : VX_UNK;
			return;
		}
		/* nik_sex and nik_birth_date of one NIK parse it once */
		if (env->nik_gen != env->gen || env->nik_s != a.s ||
		    env->nik_n != a.n) {
			env->nik_rc = env->today_ok ? expr_nik_date_on(a.s,
			    env->ty, env->tm, env->td, &env->nik) :
			    expr_nik_date(a.s, &env->nik);
			env->nik_s = a.s;
			env->nik_n = a.n;
			env->nik_gen = env->gen;
		}
		if (env->nik_rc < 0) {
			out->t = VX_NULL;
			return;
		}
		n = env->nik;
		if (x->op == N_NIKSEX) {
			set_int(out, (int64_t)n.sex);
			return;
		}
		if (n.year < 0 || n.year > 9999) {
			out->t = VX_UNK;
			return;
		}
		{
			char *buf = ((struct vexpr *)x)->buf;
			buf[0] = (char)('0' + n.year / 1000);
			buf[1] = (char)('0' + n.year / 100 % 10);
			buf[2] = (char)('0' + n.year / 10 % 10);
			buf[3] = (char)('0' + n.year % 10);
			buf[4] = '-';
			buf[5] = (char)('0' + n.month / 10);
			buf[6] = (char)('0' + n.month % 10);
			buf[7] = '-';
			buf[8] = (char)('0' + n.day / 10);
			buf[9] = (char)('0' + n.day % 10);
			buf[10] = '\0';
			set_text(out, buf, 10, 1);
		}
		return;
	}
	case N_NIKREGION: {
		char code[9];
		int known;
		ta = text_arg(x->kid[0], env, &a);
		if (ta <= 0) {
			out->t = ta == 0 ? VX_NULL : VX_UNK;
			return;
		}
		for (i = 0; i < 6; i++)
			if (a.s[i] < '0' || a.s[i] > '9')
				break;
		if (i < 6) {
			/* SQL still needs the table to say 0: without it, NULL */
			if (env->district == NULL || env->district(env->arg,
			    NULL, &known) < 0)
				out->t = VX_UNK;
			else
				set_int(out, 0);
			return;
		}
		nik_district_text(code, a.s);
		if (env->district == NULL ||
		    env->district(env->arg, code, &known) < 0)
			out->t = VX_UNK;
		else
			set_int(out, known);
		return;
	}
	default:
		out->t = VX_UNK;
		return;
	}
}

/*
 * selected(list, code) as expr_selected reads it, over list's n bytes (a
 * text without a NUL inside) and a code of cn bytes: 1 when one of the
 * list's words (separated by blanks) is the code.
 */
static int
sel_has(const char *s, size_t n, const char *code, size_t cn)
{
	const char *p = s, *end = s + n, *q;

	if (cn == 0)
		return 0;
	while (p < end) {
		while (p < end && (*p == ' ' || *p == '\t' || *p == '\r' ||
		    *p == '\n'))
			p++;
		for (q = p; q < end && *q != ' ' && *q != '\t' && *q != '\r' &&
		    *q != '\n'; q++)
			;
		if ((size_t)(q - p) == cn && memcmp(p, code, cn) == 0)
			return 1;
		p = q;
	}
	return 0;
}

/* N_SELECTEDC, selected(column, 'code'): 1, 0 (also for NULL), VX_T_UNK. */
static int
selected_c(const struct vexpr *x, struct vexpr_env *env)
{
	const struct vx_value *c = col_value(env, x->slot);

	if (c->t == VX_NULL)
		return 0;
	if (c->t != VX_TEXT || !c->z)
		return VX_T_UNK;
	return sel_has(c->s, c->n, x->kid[1]->lit.s, x->kid[1]->lit.n);
}

/* N_INCI over an integer: 1 when i is in the list. */
static inline int
in_ints(const struct vexpr *x, int64_t i)
{
	size_t k;

	if (x->masked)
		return i >= 0 && i < 64 && ((x->mask >> i) & 1);
	for (k = 0; k < x->nints; k++)
		if (x->ints[k] == i)
			return 1;
	return 0;
}

/* N_CMPCI over an integer c. */
static inline int
cmp_int(const struct vexpr *x, int64_t c)
{
	return (c >= x->clo && c <= x->chi) != x->cneg;
}

/* CASE WHEN ... THEN ... [ELSE ...] END, the general way. */
static __attribute__((noinline)) void
eval_case(const struct vexpr *x, struct vexpr_env *env, struct vx_value *out)
{
	size_t n = x->nkid - (size_t)x->has_else, i;
	int ta;

	for (i = 0; i + 1 < n; i += 2) {
		ta = truth(x->kid[i], env);
		if (ta == VX_T_UNK) {
			out->t = VX_UNK;
			return;
		}
		if (ta == 1) {
			eval(x->kid[i + 1], env, out);
			return;
		}
	}
	if (x->has_else)
		eval(x->kid[x->nkid - 1], env, out);
	else
		out->t = VX_NULL;
}

/* A WHEN of N_CASECI over an integer: 1 when it holds. */
static inline int
when_int(const struct vexpr *w, int64_t i)
{
	if (w->op == N_INCI)
		return in_ints(w, i) == (w->cmp == N_IN);
	return cmp_int(w, i);
}

/*
 * N_CASECI: each WHEN an N_CMPCI (no default) or N_INCI of one column. Over an
 * integer the first that holds chooses; over NULL none holds (each is
 * NULL); any other value goes the general way.
 */
static void
eval_caseci(const struct vexpr *x, struct vexpr_env *env,
    struct vx_value *out)
{
	const struct vx_value *c = col_value(env, x->slot);
	size_t n = x->nkid - (size_t)x->has_else, i;

	if (c->t == VX_INT) {
		for (i = 0; i + 1 < n; i += 2)
			if (when_int(x->kid[i], c->i)) {
				*out = *operand(x->kid[i + 1], env, out);
				return;
			}
	} else if (c->t != VX_NULL) {
		eval_case(x, env, out);
		return;
	}
	if (x->has_else)
		*out = *operand(x->kid[x->nkid - 1], env, out);
	else
		out->t = VX_NULL;
}

static void
eval(const struct vexpr *x, struct vexpr_env *env, struct vx_value *out)
{
	struct vx_value a, b;
	const struct vx_value *c;
	size_t i;

	switch (x->op) {
	case N_LIT:
		*out = x->lit;
		return;
	case N_COL:
		*out = *col_value(env, x->slot);
		return;
	case N_CMPCI:
		/* column op integer literal */
		c = col_value(env, x->slot);
		if (c->t == VX_INT || c->t == VX_NULL) {
			bool_value(out, truth(x, env));
			return;
		}
		compare(x->cmp, c, &x->lit, out);
		return;
	case N_INCI:
		/* column [NOT] IN (integer literals) */
		c = col_value(env, x->slot);
		if (c->t == VX_INT) {
			set_int(out, in_ints(x, c->i) == (x->cmp == N_IN));
			return;
		}
		if (c->t == VX_NULL)
			out->t = VX_NULL;
		else
			eval_in(x, env, out);
		return;
	case N_AND:
	case N_OR:
	case N_NOT:
	case N_ISNULLC:
	case N_BETWEENCI:
	case N_SELECTEDC:
		bool_value(out, truth(x, env));
		return;
	case N_EQ: case N_NE: case N_LT: case N_LE: case N_GT: case N_GE:
	case N_IS: case N_ISNOT: {
		const struct vx_value *pa = operand(x->kid[0], env, &a);
		compare(x->op, pa, operand(x->kid[1], env, &b), out);
		return;
	}
	case N_IN:
	case N_NOTIN:
		eval_in(x, env, out);
		return;
	case N_BETWEEN:
	case N_NOTBETWEEN:
		eval_between(x, env, out);
		return;
	case N_ADD: case N_SUB: case N_MUL: case N_DIV: {
		const struct vx_value *pa = operand(x->kid[0], env, &a);
		arith(x->op, pa, operand(x->kid[1], env, &b), out);
		return;
	}
	case N_NEG:
		eval(x->kid[0], env, &a);
		if (a.t == VX_INT && a.i != INT64_MIN)
			set_int(out, -a.i);
		else if (a.t == VX_REAL) {
			out->t = VX_REAL;
			out->r = -a.r;
		} else if (a.t == VX_NULL)
			out->t = VX_NULL;
		else
			out->t = VX_UNK;
		return;
	case N_CASE:
		eval_case(x, env, out);
		return;
	case N_CASECI:
		eval_caseci(x, env, out);
		return;
	case N_COALESCE:
		for (i = 0; i < x->nkid; i++) {
			eval(x->kid[i], env, out);
			if (out->t != VX_NULL)
				return;
		}
		return;
	case N_AGG: {
		const struct vx_agg *st = &env->agg[x->slot];
		if (st->unk)
			out->t = VX_UNK;
		else if (x->cmp == A_COUNT || x->cmp == A_COUNTSTAR ||
		    x->cmp == A_COUNTD)
			set_int(out, st->n);
		else if (st->n == 0)
			out->t = VX_NULL;
		else if (x->cmp == A_SUM)
			set_int(out, st->isum);
		else
			*out = st->best;
		return;
	}
	default:
		eval_fn(x, env, out);
		return;
	}
}

static int truth_node(const struct vexpr *x, struct vexpr_env *env);

/*
 * The truth of x as a condition, without building its value where the
 * node is a condition itself. The column tests are decided here (inline
 * where a condition is read), the rest by truth_node.
 */
static inline __attribute__((always_inline)) int
truth(const struct vexpr *x, struct vexpr_env *env)
{
	const struct vx_value *c;

	switch (x->op) {
	case N_ISNULLC:
		c = col_value(env, x->slot);
		if (c->t == VX_UNK)
			return VX_T_UNK;
		return (c->t == VX_NULL) == (x->lit.i == 0);
	case N_CMPCI:
		c = col_value(env, x->slot);
		if (c->t == VX_INT)
			return cmp_int(x, c->i);
		if (c->t == VX_NULL)
			return x->dflt ? x->dres : VX_T_NULL;
		break;
	case N_INCI:
		c = col_value(env, x->slot);
		if (c->t == VX_INT)
			return in_ints(x, c->i) == (x->cmp == N_IN);
		if (c->t == VX_NULL)
			return VX_T_NULL;
		break;
	case N_BETWEENCI:
		c = col_value(env, x->slot);
		if (c->t == VX_INT)
			return c->i >= x->lit.i && c->i <= x->hi;
		if (c->t == VX_NULL)
			return VX_T_NULL;
		break;
	case N_SELECTEDC:
		return selected_c(x, env);
	default:
		break;
	}
	return truth_node(x, env);
}

/* truth's other nodes: AND and OR over any number of terms (each chain
 * flattened by specialise), NOT, and the value of anything else. */
/* The truth of x's value (and so with no value of truth_node's own). */
static __attribute__((noinline)) int
truth_value(const struct vexpr *x, struct vexpr_env *env)
{
	struct vx_value v;

	if (x->op == N_BETWEENCI)
		eval_between(x, env, &v); /* neither an integer nor NULL */
	else
		eval(x, env, &v);
	return truth_of(&v);
}

static __attribute__((noinline)) int
truth_node(const struct vexpr *x, struct vexpr_env *env)
{
	size_t i;
	int t, unk, null;

	switch (x->op) {
	case N_AND:
		/* false wins, then unknown, then NULL */
		unk = null = 0;
		for (i = 0; i < x->nkid; i++) {
			t = truth(x->kid[i], env);
			if (t == 0)
				return 0;
			unk |= t == VX_T_UNK;
			null |= t == VX_T_NULL;
		}
		return unk ? VX_T_UNK : null ? VX_T_NULL : 1;
	case N_OR:
		unk = null = 0;
		for (i = 0; i < x->nkid; i++) {
			t = truth(x->kid[i], env);
			if (t == 1)
				return 1;
			unk |= t == VX_T_UNK;
			null |= t == VX_T_NULL;
		}
		return unk ? VX_T_UNK : null ? VX_T_NULL : 0;
	case N_NOT:
		t = truth(x->kid[0], env);
		return t == 0 || t == 1 ? !t : t;
	default:
		return truth_value(x, env);
	}
}

void
vexpr_eval(const struct vexpr *x, struct vexpr_env *env,
    struct vx_value *out)
{
	eval(x, env, out);
}

int
vexpr_truth(const struct vexpr *x, struct vexpr_env *env)
{
	return truth(x, env);
}
