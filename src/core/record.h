/*
 * record: one record's values in memory, with its system columns.
 *
 * Values are kept in their stored text form (the canonical form that
 * validate_value produces: integers without leading zeros, dates as
 * YYYY-MM-DD, decimals with a dot); NULL means no value. A record owns its
 * strings; def is borrowed from the schema and must outlive the record.
 */
#ifndef KESRA_RECORD_H
#define KESRA_RECORD_H

#include <stdint.h>

#include "schema.h"

struct record {
	const struct sch_record *def;
	int64_t id;        /* 0 = not saved yet */
	char uuid[37];     /* empty until saved */
	int64_t parent_id; /* 0 = none */
	char status[16];
	int64_t rev;       /* revision read from storage; 0 = new */
	char *updated_at, *updated_by;
	int64_t ord;       /* position among its siblings (rosters) */
	char **val;        /* def->nfields values, NULL = empty */
	/* Warnings the operator accepted, with the reason given. */
	struct record_accept {
		char *rule, *reason;
	} *acc;
	size_t nacc;
	/* Values read from storage may share this one allocation (blk, of
	 * blklen bytes; record_free and record_set free the others). */
	char *blk;
	size_t blklen;
};

struct record *record_new(const struct sch_record *def);
void record_free(struct record *r);
struct record *record_copy(const struct record *r);

/* Set field i to a copy of v (NULL or "" clears it). */
void record_set(struct record *r, size_t i, const char *v);
/* record_set taking v, a malloc'd string (freed when it is ""). */
void record_set_owned(struct record *r, size_t i, char *v);
const char *record_get(const struct record *r, size_t i);
/* By name; -1 / NULL if the record has no such field. */
int record_set_by_name(struct record *r, const char *name, const char *v);
const char *record_get_by_name(const struct record *r, const char *name);

/* Accept warning `rule` with a reason (replaces an earlier one);
 * reason NULL withdraws the acceptance. */
void record_accept(struct record *r, const char *rule, const char *reason);
/* The reason warning `rule` was accepted with, or NULL. */
const char *record_accepted(const struct record *r, const char *rule);

/*
 * The value of the nearest region field above level (the highest level
 * below it that has a value) in r, else in parent (may be NULL); NULL when
 * none. Cascading region fields are filtered and checked against it.
 */
const char *record_region_above(const struct record *r,
    const struct record *parent, enum region_level level);

/* 1 if the two records hold the same field values. */
int record_values_equal(const struct record *a, const struct record *b);

/*
 * The record's title from its template (e.g. "${kk_number} ${address}"),
 * or the first field's value. Not sanitised. Caller frees.
 */
char *record_title(const struct sch_record *def,
    const char *(*get)(void *ctx, size_t field), void *ctx);

#endif
