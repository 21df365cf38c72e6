/*
 * vexpr: a dictionary expression (rule, relevant, required, constraint)
 * compiled to a tree and evaluated in C over a row's SQLite values, for
 * vbatch's set-based pass: the common kinds of expression no longer step
 * through SQLite's VM for every row.
 *
 * What compiles: literals (integers, reals, 'text', NULL, TRUE, FALSE),
 * field names resolved by the caller (bare or `record.field`), = == <> !=
 * < <= > >=, IS [NOT], IS [NOT] NULL, ISNULL, NOTNULL, AND OR NOT,
 * [NOT] IN (list), [NOT] BETWEEN, + - * / and unary - +, CASE WHEN ...
 * [ELSE ...] END, parentheses, coalesce, ifnull, trim(x), today(),
 * selected, nik_birth_date, nik_sex and nik_region_known (the same C code
 * expr.c registers). Anything else: not compiled (vexpr_compile returns
 * NULL; the caller keeps the expression in SQL).
 *
 * Evaluation follows SQLite for the storage classes it decides on: NULL,
 * INTEGER, REAL and TEXT compared with one of the same class (or a number
 * with a number), binary collation. Where SQLite's affinities or implicit
 * conversions could make a difference (text meets a number, a text used
 * as a truth value or in arithmetic, a blob, an integer overflow, a text
 * with a NUL inside, an unknown region table) the result is VX_UNK: the
 * caller must treat the check as possibly failing.
 */
#ifndef KESRA_VEXPR_H
#define KESRA_VEXPR_H

#include <stddef.h>
#include <stdint.h>

#include "nik.h"

typedef struct sqlite3_value sqlite3_value;
struct vexpr;

enum vx_type { VX_NULL, VX_INT, VX_REAL, VX_TEXT, VX_UNK };

struct vx_value {
	int t;              /* enum vx_type */
	int64_t i;
	double r;
	const char *s;      /* VX_TEXT: n bytes, not always NUL-terminated */
	size_t n;
	int z;              /* s[n] == '\0' and no NUL inside */
};

/* A resolver's flag on the slot of a parent's field (roster rules). */
#define VX_PARENT_SLOT 0x10000

/* The slot (argument index) of field name (qual: record name or NULL),
 * or -1 when it is not known: the expression is then not compiled. */
typedef int (*vexpr_resolve_fn)(void *arg, const char *qual,
    const char *name);

/* The most slots an expression may name (slot numbers below this). */
#define VX_MAX_SLOTS 128

/* What an evaluation reads besides the expression (zero-initialise). */
struct vexpr_env {
	sqlite3_value **slots;  /* the row's values by slot: vexpr_env_row */
	/* the slots' values read from SQLite, once a row (gen) */
	unsigned gen;
	unsigned vgen[VX_MAX_SLOTS];
	struct vx_value vals[VX_MAX_SLOTS];
	/* the NIK parsed last in this row (nik_sex, nik_birth_date) */
	unsigned nik_gen;
	const char *nik_s;
	size_t nik_n;
	int nik_rc;
	struct nik nik;
	char today[11];         /* today() for the whole run (vexpr_env_today) */
	int ty, tm, td, today_ok; /* the same as numbers (today_ok: set) */
	/* nik_region_known's look-up of district "pp.rr.dd" (any level 3
	 * region, retired or not): 0 with *known, -1 when unknown */
	int (*district)(void *arg, const char *code, int *known);
	void *arg;
	const struct vx_agg *agg; /* vexpr_agg_truth's states */
};

/* The state of one aggregate of a roster rule over a parent's rows. */
struct vx_agg {
	int64_t n;          /* non-NULL values (rows for count(*)) */
	int64_t isum;
	int unk;            /* a value it does not decide on */
	struct vx_value best; /* min, max */
	char *text;         /* best's text, owned */
	int64_t *set;       /* count(DISTINCT) */
	size_t nset, cap;
};

/* Compile text; NULL when it uses anything not listed above. */
struct vexpr *vexpr_compile(const char *text, vexpr_resolve_fn fn,
    void *arg);
void vexpr_free(struct vexpr *x);

/* A new row: its values (read when first needed). */
void vexpr_env_row(struct vexpr_env *env, sqlite3_value **slots);

/* For nik_sex and nik_birth_date over this row: the NIK text s (n bytes,
 * a slot's value as env holds it) as nik_parse(s, env->ty, nk, NULL)
 * gave it (rc; nk read when rc >= 0), so that vexpr need not parse it
 * again. Nothing without env->today_ok. */
void vexpr_env_nik(struct vexpr_env *env, const char *s, size_t n, int rc,
    const struct nik *nk);

/* An SQLite value as vexpr reads it (a BLOB, or a text SQLite could not
 * give: VX_UNK). */
void vexpr_value_read(sqlite3_value *a, struct vx_value *v);

/* Set env->today as today() gives it now. */
void vexpr_env_today(struct vexpr_env *env);

/* The value of x over env's row (VX_UNK: SQLite might differ). */
void vexpr_eval(const struct vexpr *x, struct vexpr_env *env,
    struct vx_value *out);

/*
 * A roster rule: aggregates sum, count (also count(*) and count(DISTINCT
 * x)), min and max of one argument, over the rows' fields; outside them
 * only literals and the parent's fields (the resolver flags their slots
 * with VX_PARENT_SLOT). NULL when not compiled. Each row goes into the
 * states (vexpr_naggs of them, zeroed) with vexpr_agg_step (env: the
 * row's slots); vexpr_agg_truth then gives the rule's truth with env's
 * parent slots; vexpr_agg_clear frees what the states hold.
 */
struct vexpr *vexpr_compile_roster(const char *text, vexpr_resolve_fn fn,
    void *arg);
size_t vexpr_naggs(const struct vexpr *x);
void vexpr_agg_step(const struct vexpr *x, struct vexpr_env *env,
    struct vx_agg *st);
int vexpr_agg_truth(const struct vexpr *x, struct vexpr_env *env,
    struct vx_agg *st);
void vexpr_agg_eval(const struct vexpr *x, struct vexpr_env *env,
    struct vx_agg *st, struct vx_value *out);
void vexpr_agg_clear(struct vx_agg *st, size_t n);

/* x's truth as a condition: 1 true, 0 false, VX_T_NULL, VX_T_UNK. */
#define VX_T_NULL 2
#define VX_T_UNK 3
int vexpr_truth(const struct vexpr *x, struct vexpr_env *env);

#endif
