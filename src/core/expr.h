/*
 * expr: the dictionary's expressions (relevant, required, constraint,
 * calculation, choice_filter, rules, roster rules) compiled once into
 * read-only SQLite statements. SQLite is the expression engine.
 *
 * An expression E of record R is compiled as
 *     SELECT (E) FROM (SELECT ?1 AS f1, ?2 AS f2, ...) AS R
 * with, for a roster row, the parent record P joined as
 *     , (SELECT ?k AS p1, ...) AS P
 * so that field names are column names, `household.size` is a qualified
 * column, and a name that is neither is SQLite's "no such column". Values
 * are bound with the field's storage type (integers as integers, ...).
 * A roster rule is an aggregate over the rows of the roster, compiled for
 * the number of rows (e.g. `sum(relationship = 1) = 1`), with the parent's
 * fields available as above.
 *
 * An authorizer admits only SELECT and the functions on an allow list; no
 * table, no write, no PRAGMA, no ATTACH. Helper functions registered on the
 * connection: age(date [, on]) in whole years, today() as YYYY-MM-DD,
 * regexp(pattern, text) for `text REGEXP pattern` (POSIX extended,
 * unanchored), and selected(list, code) for select_multiple values.
 *
 * Ownership: an expr_set borrows the schema and the connection; free it
 * before closing either.
 */
#ifndef KESRA_EXPR_H
#define KESRA_EXPR_H

#include <stddef.h>

#include "record.h"
#include "schema.h"
#include "util.h"

typedef struct sqlite3 sqlite3;
struct expr_set;

/* The longest string or blob an expression may build (bytes). */
#define EXPR_MAX_LENGTH (16 << 20)

/* Register the helper functions on a connection; limits its strings and
 * blobs to EXPR_MAX_LENGTH. */
int expr_register_functions(sqlite3 *h, char **err);

/*
 * Compile every expression of the schema on h (functions registered here).
 * Every problem goes to d at the expression's file:line:col: a syntax
 * error, an unknown field (named), an unknown function (named), anything
 * that is not a read-only expression, a cycle among calculations (naming
 * the fields), a choice_filter naming a column the value set lacks.
 * Returns NULL when there was any problem.
 */
struct expr_set *expr_compile(sqlite3 *h, const struct schema *s,
    struct diags *d);
void expr_free(struct expr_set *x);

/* Compile on a private in-memory connection: for `kesra check`. */
int expr_check_schema(const struct schema *s, struct diags *d);

/*
 * Truth of an expression for record r (parent: its parent record for a
 * roster row, else NULL): 1 true, 0 false or NULL result.
 * A field without the expression: relevant -> 1, required -> f->required,
 * constraint -> 1. A failing evaluation counts as false.
 */
int expr_relevant(struct expr_set *x, const struct record *r,
    const struct record *parent, size_t field);
int expr_required(struct expr_set *x, const struct record *r,
    const struct record *parent, size_t field);
int expr_constraint(struct expr_set *x, const struct record *r,
    const struct record *parent, size_t field);
/* Rule k of r's record: 1 when it holds (a NULL result holds), else 0. */
int expr_rule(struct expr_set *x, const struct record *r,
    const struct record *parent, size_t rule);
/* Roster rule k of record type child over its n rows. */
int expr_roster_rule(struct expr_set *x, const struct sch_record *child,
    struct record *const *rows, size_t n, const struct record *parent,
    size_t rule);
/* 1 when choice c of field passes the field's choice_filter (or none). */
int expr_choice_ok(struct expr_set *x, const struct record *r,
    const struct record *parent, size_t field, const struct sch_choice *c);

/*
 * The value of field's calculation in stored text form (integers as
 * "12", reals as util_fmt_double gives, text as is), NULL for a NULL
 * result. Returns 0, or -1 when the field has no calculation.
 */
int expr_calculate(struct expr_set *x, const struct record *r,
    const struct record *parent, size_t field, char **out);

/*
 * Bring r up to date: every calculation in dependency order, then every
 * field that is not relevant set to NULL (repeated until nothing changes,
 * since relevance may depend on calculations and the reverse).
 * relevant_out, when not NULL, gets 1/0 per field. Returns the number of
 * fields whose value changed.
 */
int expr_refresh(struct expr_set *x, struct record *r,
    const struct record *parent, unsigned char *relevant_out);

/* How many field expressions of def answer from another's memo (the
 * same SQL binding the same fields: see share_memos in expr.c). */
size_t expr_shared(struct expr_set *x, const struct sch_record *def);


/*
 * Check one expression written elsewhere (reports.yaml) as the dictionary's
 * are checked: a single read-only SQLite expression over the stored fields
 * of def, its system columns (id, status, created_at, created_by,
 * updated_at, updated_by) and, when parent is not NULL, the parent's as
 * `parent.field` (a bare name both have is ambiguous). Functions as in the
 * dictionary (registered on h). 0, or -1 with *err naming the unknown
 * field or function; where says what is checked.
 */
int expr_check_text(sqlite3 *h, const struct sch_record *def,
    const struct sch_record *parent, const char *text, const char *where,
    char **err);
/*
 * The helpers' own code, for an evaluator outside SQLite (vexpr): today()
 * into buf ('YYYY-MM-DD'); selected(list, code) of two texts; the NIK
 * as nik_birth_date() and nik_sex() read it (0, or -1 when they give
 * NULL).
 */
struct nik;
void expr_today_text(char buf[11]);
int expr_selected(const char *list, const char *code);
int expr_nik_date(const char *s, struct nik *n);
/* expr_nik_date with today given (ty-tm-td), as a run fixes it once. */
int expr_nik_date_on(const char *s, int ty, int tm, int td, struct nik *n);
/* Its second half: n as nik_parse(s, ty, ...) gave it, the century
 * resolved (0, or -1 for a date that is none). */
int expr_nik_century(struct nik *n, int ty, int tm, int td);

#endif
