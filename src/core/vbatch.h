/*
 * vbatch: the dictionary's checks of one record type compiled into
 * set-based SQLite statements over its table, to find the rows that MAY
 * have a finding without loading them: validate_scan then checks only
 * those (and their households) record by record, exactly as before.
 *
 * The statement of record R (a roster row joined with its parent P as
 * `FROM "R" AS "R" LEFT JOIN "P" AS "P" ON "P".id = "R".parent_id`, so
 * that a field name is a column name and `household.size` the parent's,
 * as in expr.c) keeps the live rows where any of these may fail, each
 * pasted from the dictionary or written in SQL:
 *   - the values of the row: one call of the SQL function kesra_vb_row
 *     (C, registered on the connection) that passes a value only when
 *     validate_value would (a test without allocation, else
 *     validate_value itself), and a region code only when it is in the
 *     region table at its level; a calculated value only when expr.c
 *     would bind it as the type it has in the table;
 *   - per stored field, when relevant: empty and required (fields
 *     grouped by their required and relevant expressions), the
 *     constraint, the choice filter (the codes it refuses, when it reads
 *     the choice only), the region above, unique (an index probe for
 *     another live row; none while the register holds the field's
 *     partial unique index as kesra makes it: SQLite refuses a second
 *     live row with the value);
 *   - the record's rules; the probable-duplicate key (an index probe);
 *   - for a roster, per parent: the row count against min_count and
 *     max_count and the roster rules, as aggregates GROUP BY parent_id
 *     (in the same pass over the rows as their own terms), and parents
 *     without rows.
 * The row terms read CASE WHEN (all but the index probes) THEN mark
 * WHEN (the probes) THEN mark ELSE 0 END, so that a run also says why it
 * kept each row, and which parents' rosters as a whole may fail
 * (vbatch_marked, vbatch_roster_marked): the exact check then runs only
 * what can still find something.
 * The rules, the required and relevant conditions, the constraints and
 * the roster rules that vexpr compiles (vexpr.h: the common SQL of a
 * dictionary) are not in the SQL: kesra_vb_row evaluates them in C over
 * the same columns (with the parent's columns they name as further
 * arguments), and the aggregate kesra_vb_roster the roster rules; vexpr
 * answers "may fail" wherever it might differ from SQLite. Any other
 * expression stays in the statement as written.
 * The set returned is a superset of the rows with findings: a check that
 * cannot be expressed flags the row, and an evaluation that fails makes
 * vbatch_flagged return -1 (the caller then checks every row). It never
 * says whether a warning was accepted: the exact check does.
 *
 * A roster row's terms read its parent's columns: a parent's own odd
 * values are found by the parent's vbatch (validate_scan uses both).
 *
 * Ownership: a vbatch borrows the connection and the schema (free it
 * before either); the connection needs expr_register_functions.
 */
#ifndef KESRA_VBATCH_H
#define KESRA_VBATCH_H

#include <stddef.h>
#include <stdint.h>

#include "schema.h"

typedef struct sqlite3 sqlite3;
struct vbatch;

/* Compile the checks of rec. NULL with *err when a statement fails to
 * prepare (the caller then checks record by record). */
struct vbatch *vbatch_new(sqlite3 *h, const struct schema *s,
    const struct sch_record *rec, char **err);
void vbatch_free(struct vbatch *v);

/*
 * cb(arg, id) for each live row of rec's table with id in [lo_id, hi_id]
 * that may have a finding of its own (field checks, rules, duplicates),
 * in id order. A non-zero return of cb stops there (returned). Returns 0,
 * or -1 with *err when a statement failed (then no row can be trusted).
 */
int vbatch_flagged(struct vbatch *v, int64_t lo_id, int64_t hi_id,
    int (*cb)(void *arg, int64_t id), void *arg, char **err);

/*
 * For a roster record: cb(arg, parent_id) for each parent id in [lo, hi]
 * (live parents) whose rows may have a finding, whose row count breaks
 * min_count/max_count, whose roster rules may fail, or which has no
 * rows while the roster has a minimum or roster rules. A parent may be
 * reported more than once; in no particular order. 0, or -1 with *err.
 */
int vbatch_flagged_parents(struct vbatch *v, int64_t lo_id, int64_t hi_id,
    int (*cb)(void *arg, int64_t id), void *arg, char **err);

/*
 * The part of vbatch_flagged_parents that is about the roster as a
 * whole, without its rows' own findings: the parents in [lo, hi] whose
 * row count or roster rules may fail, or which have no rows while the
 * roster has a minimum or roster rules (for import, whose rows were
 * checked already). 0, or -1 with *err.
 */
int vbatch_flagged_roster(struct vbatch *v, int64_t lo_id, int64_t hi_id,
    int (*cb)(void *arg, int64_t id), void *arg, char **err);

/*
 * After a complete run of vbatch_flagged or vbatch_flagged_parents (not
 * one stopped by its callback), of the rows it looked at: VB_OWN when
 * row id was flagged by a term other than the unique-value and
 * probable-duplicate index probes, VB_PROBE when by those probes only
 * (then it can have no finding but those two, which the exact check may
 * look for alone), 0 when not flagged (no finding of its own).
 */
#define VB_OWN 1
#define VB_PROBE 2
int vbatch_marked(const struct vbatch *v, int64_t id);

/*
 * After a complete run of vbatch_flagged_parents or vbatch_flagged_roster
 * over a range holding parent_id: 1 when the roster of parent_id as a
 * whole (row count, roster rules, no rows) may fail, else 0.
 */
int vbatch_roster_marked(const struct vbatch *v, int64_t parent_id);

/*
 * For tests: whether printable ASCII text matches pattern (a field's
 * pattern, anchored) by vbatch's own matcher: 1 or 0, -1 when the pattern
 * is not of the simple kind it compiles (regexec decides those).
 */
int vbatch_pattern_test(const char *pattern, const char *text);
/* The same over n texts with one compiled pattern (its kept steps
 * shared): out[i] 1 or 0; -1 when the pattern is not simple. */
int vbatch_pattern_test_many(const char *pattern, const char *const *texts,
    size_t n, int *out);

/*
 * A set of ids gathered through the callbacks above (vbatch_ids_add as cb,
 * the set as arg), then sorted once (vbatch_ids_sort) for look-ups. Zero
 * initialised is empty; vbatch_ids_free releases it.
 */
struct vbatch_ids {
	int64_t *v;
	size_t n, cap;
};
int vbatch_ids_add(void *ids, int64_t id);
void vbatch_ids_sort(struct vbatch_ids *s);
int vbatch_ids_has(const struct vbatch_ids *s, int64_t id);
void vbatch_ids_free(struct vbatch_ids *s);

/*
 * For a run over the whole table (validate_scan without a region): on
 * 1, the next run first reads the duplicate-key fields of every live row
 * once and keeps the hashes of the keys two or more rows share (the key
 * set, ~8 bytes a row while it is made, then a few bytes a shared key);
 * a row whose key is not among them has no probable duplicate and gets
 * no index probe (~2 us a row at a million persons). The set belongs to
 * the snapshot it was made in: when another connection has written since
 * (PRAGMA data_version), every later run probes the index as before.
 * Returns 1 when the set will be used, 0 when the record's key does not
 * allow it (no key, a key field without TEXT affinity, the C
 * normalisation not agreeing with this SQLite's) or on 0 (off).
 */
int vbatch_keyset(struct vbatch *v, int on);
/* For tests: 0 not made yet (or off), 1 made, -1 given up. */
int vbatch_keyset_state(const struct vbatch *v);

/* The SQL of the row statement (for tests and `EXPLAIN`); borrowed. */
const char *vbatch_sql(const struct vbatch *v);

#endif
