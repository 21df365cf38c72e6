/*
 * draft: a form being typed, kept in the database when the operator's
 * terminal goes away (hang-up, SIGTERM, a broken link) or after an idle
 * time, so that the next start can resume it where it stopped: the values
 * of the record and of every roster row (an unfinished row too), the field
 * the cursor stood in and the text typed there but not yet checked.
 *
 * A draft never touches the real record: it lives in its own table,
 * kesra_draft, one row per (operator, record type, key), saved in a
 * transaction of its own. The key is the record's id, or for a record not
 * saved yet a negative number of its own (draft_new_key), so that two new
 * records never share a draft.
 *
 * The state is text: one line per item, "tag<TAB>value...", every value
 * escaped (backslash, \t, \n, \xHH for any byte outside printable ASCII),
 * so that any stored value (newlines, quotes, control characters, invalid
 * UTF-8) comes back byte for byte. Field names the dictionary no longer has
 * are skipped on reading.
 */
#ifndef KESRA_DRAFT_H
#define KESRA_DRAFT_H

#include <stdint.h>

#include "record.h"
#include "schema.h"
#include "util.h"

struct db;

/* One roster of the drafted tree (rows owned by the draft). */
struct draft_roster {
	const struct sch_record *def;
	struct record **rows;
	size_t n;
	int64_t *deleted; /* saved rows removed before the draft */
	size_t ndeleted;
};

/* Where the operator was, in one form (the record or a roster row). */
struct draft_place {
	char *field;   /* current field name, or NULL */
	char *pending; /* text typed there but not checked yet, or NULL */
};

struct draft {
	struct record *rec;           /* the top-level record (owned) */
	struct draft_place at;        /* in its form */
	struct draft_roster *rosters; /* one per child record type */
	size_t nrosters;
	long roster;       /* roster list shown (index), or -1 */
	long roster_sel;   /* its highlighted row */
	struct record *row; /* roster row being edited (owned), or NULL */
	long row_roster;   /* its roster */
	long row_index;    /* its index there; -1 = a new row */
	struct draft_place row_at;
	char saved_at[32]; /* when loaded: when it was saved */
	int64_t key;       /* record_id in kesra_draft; 0: rec->id */
};

/* A key for the draft of a record not saved yet: negative, and not the
 * same as another one made by this process or (most likely) another. */
int64_t draft_new_key(void);

void draft_free(struct draft *d);

/* The state as text (see above). Caller frees. */
char *draft_serialise(const struct draft *d);
/*
 * Read a state back for dictionary s. Fails with *err when the text is
 * not a draft or names a record type s does not have.
 */
int draft_parse(const struct schema *s, const char *text, struct draft **out,
    char **err);

/* Escaping of one value (exported for tests). Caller frees. */
char *draft_escape(const char *s);
/* Inverse of draft_escape; NULL when s is malformed. Caller frees. */
char *draft_unescape(const char *s);

/* Save (replace) the draft of user for d->rec's type and d->key (or
 * d->rec->id when d->key is 0). */
int draft_save(struct db *db, const char *user, const struct draft *d,
    char **err);
/*
 * The newest draft of user: 1 and *out, 0 when there is none, -1 on error.
 * A draft that no longer parses (dictionary changed) is skipped.
 */
int draft_load(struct db *db, const char *user, struct draft **out,
    char **err);
/* Delete the draft of user for record type `record` and key id. */
int draft_delete(struct db *db, const char *user, const char *record,
    int64_t id, char **err);

/* One line of a list of drafts. */
struct draft_info {
	char *user, *record, *field, *saved_at;
	int64_t id;
};
/* Every draft (user NULL) or those of user, newest first. */
int draft_list(struct db *db, const char *user, struct draft_info **out,
    size_t *n, char **err);
void draft_infos_free(struct draft_info *v, size_t n);

/* The kesra_draft table (a sys_syncs[] step of db_migrate). */
int db_draft_sync(struct db *db, int dry_run, struct sbuf *plan, char **err);

#endif
