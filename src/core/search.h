/*
 * search: a typed query -> the records it finds, a page at a time, for the
 * search screen and `kesra search` alike.
 *
 * What is searched comes from the dictionary: the words of fields marked
 * `search: true` (FTS5, each typed word a prefix, case and accents
 * ignored), the nik and kk fields by number (a query of digits only: the
 * full number or a prefix, a range scan on the field's index), and the
 * record filters (`filters:` of a record, by name), place words (below),
 * a region (records whose deepest region field, or their parent's, is
 * that code or under it) and a status.
 *
 * Results come in streams, one per record type (and per number field):
 * rosters (persons) before their parents (households), each in the order
 * of the index it reads (FTS rowid, number, or id), so no query sorts its
 * match set; a position (struct search_pos) continues after the last hit
 * (keyset paging).
 *
 * Place words: a typed word that starts a word of the name of a district
 * or village (kesra_region, case and accents ignored) holding live
 * records, of at most SEARCH_MAX_PLACES such places (a vaguer word is a
 * name word only), may match a record's place instead of its name: a
 * record is found when every word matches its name or (a place word) the
 * place of its deepest region field (a roster's: its parent's). So
 * "Aimas" finds the persons named Aimas, then the people of the places
 * named Aimas; "Maria Aimas" the persons named Maria in Aimas (and the
 * ones named Maria Aimas anywhere). When every word is a place word, the
 * hits whose names match all the words come first (as without places),
 * then the others place by place in the order of the place index
 * (region code, then id); each hit once.
 *
 * A filter of record F applies to a stream of record R when F is R (the
 * record itself), R's parent (a person in an extreme-poor household) or
 * R's roster (a household with an elderly member); a stream to which a
 * chosen filter, the region or a number cannot apply gives nothing.
 *
 * Ownership: hits own their values (search_hits_free); the def, root and
 * field pointers are borrowed from the schema.
 */
#ifndef KESRA_SEARCH_H
#define KESRA_SEARCH_H

#include <stddef.h>
#include <stdint.h>

#include "db.h"
#include "schema.h"
#include "util.h"

#define SEARCH_MAX_FILTERS 16
#define SEARCH_MAX_PLACES 16 /* places a place word may name */

struct search_query {
	const char *text;   /* as typed; NULL or "" = no words */
	const char *region; /* a region code, or NULL */
	const char *status; /* draft, complete, ...; NULL = any */
	const char *filters[SEARCH_MAX_FILTERS]; /* filter names, all apply */
	size_t nfilters;
};

/* Where a page starts: all zero = the first page. */
struct search_pos {
	int stream;
	int64_t id;    /* the last id of an FTS or id-ordered stream */
	char key[40];  /* the last number of a number stream, the last
	                  region code of a place stream */
	int64_t id2;   /* a place stream of a roster: the last parent id */
};

struct search_hit {
	const struct sch_record *def;  /* the record found */
	int64_t id;
	const struct sch_record *root; /* its top-level record (or def) */
	int64_t root_id;
	char status[16];
	size_t ncols;                  /* the record's search columns */
	const struct sch_field **fields; /* ncols, borrowed */
	int *parent;                   /* ncols: 1 = a field of the parent */
	char **vals;                   /* ncols raw stored values, NULL */
	struct search_pos next;        /* the position after this hit */
};

/*
 * At most limit hits after position `after` (NULL = from the start).
 * Returns 0 with *hits and *n (possibly none), or -1 with *err (an unknown
 * filter name among them). A query with no words, no filter, no region
 * and no status finds nothing.
 */
int search_run(struct db *db, const struct search_query *q,
    const struct search_pos *after, int limit, struct search_hit **hits,
    size_t *n, char **err);
void search_hits_free(struct search_hit *h, size_t n);
/* Free what one hit owns (its columns and values), not the hit itself. */
void search_hit_clear(struct search_hit *h);

/*
 * Column i of a hit for display: a choice's label, a region's name (with
 * its code), else the stored value. Raw stored text: sanitise before
 * display. Caller frees; "" for no value.
 */
char *search_display(struct db *db, const struct search_hit *h, size_t i,
    int lang);

/*
 * The columns a hit of record r has (its search_columns, else its searched,
 * nik and kk fields): fills up to max of f and parent, returns how many.
 */
size_t search_columns(const struct schema *s, const struct sch_record *r,
    const struct sch_field **f, int *parent, size_t max);

/* The filter named name and the record it belongs to, or NULL. */
const struct sch_filter *search_filter(const struct schema *s,
    const char *name, const struct sch_record **rec);

/*
 * The FTS5 MATCH text for the typed words: each word a quoted prefix
 * term (quotes doubled), words without a letter or digit dropped; NULL
 * when no word is left. Never lets typed text act as FTS5 syntax.
 * Caller frees.
 */
char *search_match_text(const char *typed);

/* EXPLAIN QUERY PLAN of every statement q runs, appended to out. */
int search_explain(struct db *db, const struct search_query *q,
    struct sbuf *out, char **err);

#endif
