/*
 * report: a report definition (schema/reports.yaml) run on the register
 * into a table model (column headings, rows, totals) that the report
 * screen and `kesra report` both print.
 *
 * An aggregate report is ONE SQL statement: the report's record grouped
 * by its region field cut to the level below the chosen region (the code
 * prefix: province 2 characters, regency 5, district 8, village 13), and/or
 * by its `by` expression; roster columns are first aggregated per parent
 * record; region names come from kesra_region. The totals row is the sum
 * of the rows. A list report is a page of the records its filter selects,
 * in region-code order (keyset pagination: a page never loads the rows
 * before it, and never more than its limit).
 *
 * An aggregate with `source: findings` (the data-quality summary) is
 * not a statement: validate_scan checks every top-level record of the
 * report's record type in the region, with its rosters, and each row
 * (region cut to the level, and/or the `by` key: rule, record or field
 * of a finding) counts the measures its columns name: records (checked;
 * with `by`: having a finding of the key), records_with_errors (with an
 * open error), errors (open), warnings (open), accepted (warnings
 * accepted with a reason) -- the same counts as `kesra validate`. Its
 * totals row counts records once (not the sum of the rows under `by`).
 *
 * Expressions of reports.yaml are checked as the dictionary's are
 * (read-only, known fields and functions, see expr_check_text) before
 * they are put into a statement.
 *
 * Ownership: a report_table owns all its strings; report_table_free.
 */
#ifndef KESRA_REPORT_H
#define KESRA_REPORT_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "db.h"
#include "schema.h"
#include "util.h"

/*
 * Check every report against the dictionary: its record, region field and
 * levels, the records of its columns, and every expression, each mistake
 * into d at its place in reports.yaml. h has the helper functions
 * registered. Returns the number of mistakes.
 */
size_t report_check(sqlite3 *h, const struct schema *s,
    const struct sch_reports *r, struct diags *d);
/* The same on a private in-memory connection (for `kesra check`). */
size_t report_check_schema(const struct schema *s,
    const struct sch_reports *r, struct diags *d);

/* Where a list page starts: after the row with this key. */
struct report_key {
	char *region; /* the row's region code ("" when none) */
	int64_t parent_id, id;
};

struct report_table {
	const struct sch_report *rep;
	size_t ncols;
	char **heads;      /* ncols headings */
	unsigned char *numeric; /* ncols: 1 = a number (right-aligned) */
	int *widths;       /* ncols: the widest cell or heading, in columns */
	size_t nrows;
	char **cells;      /* nrows * ncols; NULL = no value */
	char **codes;      /* nrows: region code of the row (or NULL) */
	struct report_key *keys; /* lists: nrows keys */
	char **totals;     /* aggregates: ncols (first: the word "Total") */
	char *region;      /* the chosen region (NULL: all) */
	enum region_level level; /* of the rows' regions; RL_NONE: none */
	int drill;         /* 1 when a row's region can be opened below */
	int more;          /* lists: rows follow this page */
};
void report_table_free(struct report_table *t);

/*
 * Progress: called at most every 0.1 s, from half a second into a
 * statement, with the seconds elapsed; returning non-zero stops the
 * report (report_run then fails with "interrupted").
 */
typedef int (*report_progress_fn)(void *ctx, double seconds);

struct expr_set;
struct report_query {
	const char *region;   /* a region code; NULL = all */
	int lang;             /* index into the dictionary's languages */
	int limit;            /* lists: rows per page; <= 0 = all */
	const struct report_key *after; /* lists: NULL = the first page */
	report_progress_fn progress;
	void *progress_ctx;
	/* findings reports: the dictionary's compiled expressions (NULL:
	 * compiled for the run) */
	struct expr_set *x;
};

/*
 * Run report rep (checked with report_check) for query q. An aggregate
 * gets all its rows and the totals; a list the page that q asks for.
 * A region code that is unknown, or a region for a report without a
 * region field, is an error. Returns 0 and *out, or -1 with *err.
 */
int report_run(struct db *db, const struct sch_report *rep,
    const struct report_query *q, struct report_table **out, char **err);

/*
 * The region one level up from code in rep's drill-down (NULL = the top,
 * all regions): for going back up. Caller frees.
 */
char *report_region_up(const struct sch_report *rep, const char *code);

/* The report's title in a language (falls back to its name). */
const char *report_title(const struct sch_report *rep, int lang);


/*
 * The reports of s (s->dir/reports.yaml; none when absent) loaded and
 * checked (on h when not NULL, else on a private connection). NULL when
 * there was any mistake, every one of them in d. Free with
 * sch_reports_free.
 */
struct sch_reports *report_load(const struct schema *s, sqlite3 *h,
    struct diags *d);

/*
 * Write t as CSV (sep ',') or TSV (sep '\t', values sanitised by the
 * caller) with LF line ends: a heading line when with_head, the region
 * code first in aggregates by region, the totals row last when with_totals.
 * 0, or -1 with *err.
 */
int report_write_csv(FILE *f, const struct report_table *t, char sep,
    int with_totals, int with_head, char **err);

#endif
