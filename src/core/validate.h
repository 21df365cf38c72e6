/*
 * validate: checks of values and records against the dictionary.
 * Field checks: type, required, range, value set. Messages are translated
 * (gettext) and name no terminal control; values quoted in messages are
 * sanitised.
 */
#ifndef KESRA_VALIDATE_H
#define KESRA_VALIDATE_H

#include "record.h"
#include "schema.h"

struct finding {
	size_t field;   /* index into the record's fields; VALIDATE_NO_FIELD */
	enum severity severity;
	char *rule;     /* short rule name: "required", "type", "range", ... */
	char *msg;      /* translated, one line */
	long row;       /* roster row (0-based) or -1 for the record itself */
	int accepted;   /* a warning the operator accepted with a reason */
};
#define VALIDATE_NO_FIELD ((size_t)-1)

struct findings {
	struct finding *v;
	size_t n, cap;
};
void findings_free(struct findings *f);
/* Number of findings with severity SEV_ERROR. */
size_t findings_errors(const struct findings *f);

/*
 * Check one typed value. input may have surrounding spaces. On success
 * returns 0 and sets *norm to the canonical stored form (NULL for empty).
 * On failure returns -1, sets *rule and *msg (caller frees both).
 * lang is the schema language index for labels in the message.
 */
int validate_value(const struct sch_field *f, const char *input, int lang,
    char **norm, const char **rule, char **msg);

/* Check every field of a record; appends to out. Returns the error count. */
size_t validate_record(const struct record *r, int lang, struct findings *out);

struct expr_set;
struct db;

/* What the full checks may use; x and db may be NULL (then skipped). */
struct validate_ctx {
	struct expr_set *x;
	struct db *db;
	int lang;
};

/*
 * Checks of field i of r beyond its type (the value is in r already): the
 * required expression, the constraint (with its message), the pattern,
 * the choice filter, and uniqueness among siblings (other unsaved rows of
 * the same roster) and in storage. Returns 0, or -1 with *rule and *msg
 * (caller frees msg).
 */
int validate_field(const struct validate_ctx *c, const struct record *r,
    const struct record *parent, struct record *const *siblings, size_t nsib,
    size_t field, const char **rule, char **msg);

/*
 * Every check of one record: each relevant field (validate_value on the
 * stored value, then validate_field) and the record's rules. Findings for
 * warnings the record has accepted are marked accepted. Returns the number
 * of errors appended to out (with row = -1; the caller may renumber).
 */
size_t validate_record_full(const struct validate_ctx *c,
    const struct record *r, const struct record *parent,
    struct record *const *siblings, size_t nsib, struct findings *out);

/*
 * The rows of roster child under parent: the row count against min_count
 * and max_count, the roster rules (findings with field VALIDATE_NO_FIELD,
 * accepted when parent accepted them), then every row (row = its index).
 * Returns the number of errors appended.
 */
size_t validate_roster(const struct validate_ctx *c, const struct record *parent,
    const struct sch_record *child, struct record *const *rows, size_t n,
    struct findings *out);

/* The rule name of the probable-duplicate warning (duplicate_key). */
#define VALIDATE_DUPLICATE "probable_duplicate"

/*
 * "member '2. SITI' in family '3201... BUDI' (#17)": record id of def
 * named for a message (titles sanitised), with its parent for a roster
 * row. Caller frees.
 */
char *validate_describe(struct db *db, const struct sch_record *def,
    int64_t id, int lang);

/* Parse a date in YYYY-MM-DD, DD-MM-YYYY, DD/MM/YYYY or DDMMYYYY. */
int validate_parse_date(const char *s, int *y, int *m, int *d);

/*
 * Every check over every live record in storage (c->db required): each
 * top-level record with its rosters. fn is called for each finding with
 * the record it concerns. Returns the number of top-level records checked,
 * or -1 with *err.
 */
long validate_all(const struct validate_ctx *c,
    void (*fn)(void *fctx, const struct record *r, const struct finding *f),
    void *fctx, char **err);

/*
 * validate_all with options: fn gets the top-level record a finding
 * belongs to (top) beside the record it concerns (r: top or a roster row
 * of it). region: only top-level records whose region field at that
 * code's level (or below) lies in it. progress, when set, after each page
 * (done and total top-level records); when it returns non-zero the scan
 * stops there and sets stopped. Returns the number of top-level records
 * checked, or -1 with *err.
 * Unless row is set (or exact), a roster row given to fn may hold only
 * its system columns (id, uuid, status...) and the fields its checks
 * read, its other fields empty: fn should name it, not read its values.
 */
struct validate_scan {
	const char *region;
	void (*fn)(void *fctx, const struct record *top,
	    const struct record *r, const struct finding *f);
	int (*progress)(void *pctx, long done, long total);
	void *pctx;
	int stopped; /* set when progress asked to stop */
	/* when set: each top-level record checked, before its findings */
	void (*record)(void *fctx, const struct record *top);
	/* when set: each roster row of top, before the roster's findings */
	void (*row)(void *fctx, const struct record *top,
	    const struct record *r);
	/*
	 * when set: every record checked one by one (the old path, for the
	 * equivalence tests); else the records that the set-based checks
	 * (vbatch) find nothing on are passed over, with the same findings.
	 */
	int exact;
};

/*
 * Completeness: for each field of r that is entered (not a calculation or
 * note), relevant (c->x; all when NULL) and empty, counts[field]++.
 * Returns the number of such fields.
 */
size_t validate_count_empty(const struct validate_ctx *c,
    const struct record *r, const struct record *parent, long *counts);
long validate_scan(const struct validate_ctx *c, struct validate_scan *o,
    void *fctx, char **err);

/*
 * Completeness over a scan: top-level records by village (the top's
 * village field; code NULL when none) with how many are not drafts, and
 * per record type and field how often it was left empty where asked
 * (validate_count_empty). validate_completeness_add takes the top-level
 * record (r == top) and each of its roster rows.
 */
struct validate_village {
	char *code;
	long records, complete;
};
struct validate_completeness {
	const struct schema *s;
	struct validate_village *v;
	size_t nv;
	long **empty; /* [record index][field]: left empty where asked */
	long *seen;   /* [record index]: records and rows counted */
	size_t cur;   /* village of the current top-level record */
};
void validate_completeness_init(struct validate_completeness *vc,
    const struct schema *s);
void validate_completeness_add(struct validate_completeness *vc,
    const struct validate_ctx *c, const struct record *top,
    const struct record *r);
void validate_completeness_free(struct validate_completeness *vc);
/* The village field's value of a top-level record, or NULL. */
const char *validate_village_of(const struct record *r);

#endif
