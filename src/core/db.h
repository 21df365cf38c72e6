/*
 * db: owns the SQLite connection. Opening checks that the file is a kesra
 * database of this dictionary (or new); migration creates and extends the
 * record tables from the schema; records are saved and read with prepared
 * statements only, one transaction per save (a savepoint inside a
 * transaction the caller opened with db_begin, for batches). The
 * statements of saves are prepared once per connection and kept until
 * db_close.
 *
 * Identity of a kesra file: PRAGMA application_id = DB_APPLICATION_ID,
 * PRAGMA user_version = storage format version, kesra_meta.dictionary = the
 * dictionary name. SQL text is built only from dictionary identifiers, which
 * the schema guarantees are [a-z_][a-z0-9_]*; values are always bound.
 */
#ifndef KESRA_DB_H
#define KESRA_DB_H

#include <stdint.h>

#include "record.h"
#include "schema.h"
#include "util.h"

#define DB_APPLICATION_ID 0x4b455352 /* "KESR" */
#define DB_STORAGE_VERSION 1

enum {
	DB_OPEN_CREATE = 1,   /* create the file if absent */
	DB_OPEN_READONLY = 2, /* never write */
};

struct db;
typedef struct sqlite3 sqlite3;

/*
 * Open path for dictionary s (borrowed; must outlive the db). Fails, without
 * writing anything, when the file is not SQLite, belongs to another program,
 * comes from a newer kesra or was made for another dictionary. A file that
 * this user may not write is opened read-only (see db_readonly).
 */
int db_open(struct db **out, const char *path, const struct schema *s,
    int flags, char **err);
void db_close(struct db *db);
/*
 * 1 when the database is open read-only: asked for (DB_OPEN_READONLY), or
 * because this user may not write the file or its folder (then db_open
 * opens it read-only by itself; every write fails with "read-only").
 */
int db_readonly(const struct db *db);
sqlite3 *db_sqlite(struct db *db);
const char *db_path(const struct db *db);
const struct schema *db_schema(const struct db *db);

/*
 * Create or extend the tables for the schema in one transaction. A new field
 * adds a column; a field no longer in the dictionary keeps its column and
 * data; a changed column type is refused naming the field. When plan is not
 * NULL a line per change is appended. With dry_run nothing is written.
 * Returns 0, or -1 with *err.
 */
int db_migrate(struct db *db, int dry_run, struct sbuf *plan, char **err);

/*
 * A dry run that looks at the result: the migration is made inside the
 * transaction, cb runs on the migrated tables, then everything is rolled
 * back; nothing is written. For counting the stored records that a new
 * constraint or rule would fail.
 */
int db_migrate_preview(struct db *db, struct sbuf *plan,
    int (*cb)(struct db *, void *, char **), void *ctx, char **err);

/*
 * Batches: one transaction around many saves (db_tree_save and
 * db_record_save nest in it as savepoints: a failed save undoes itself
 * only). db_begin opens it (BEGIN IMMEDIATE; -1 when one is open already
 * or the file is read-only), db_commit ends it (on failure everything is
 * rolled back), db_rollback abandons it (nothing when none is open).
 * While it is open, the ids and revisions that saves gave the records
 * hold only if it is committed.
 */
int db_begin(struct db *db, char **err);
/*
 * For bulk writers: a page cache of 256 MiB on this connection, so that
 * a large transaction keeps its pages until COMMIT instead of spilling and
 * rewriting them. Durability is unchanged.
 */
int db_tune_bulk(struct db *db, char **err);
/*
 * For the entry screens: a page cache of 256 KiB on this connection (the
 * default is 2 MiB), so that the resident size stays small on low-spec
 * machines; a screen reads a few pages at a time.
 */
int db_tune_interactive(struct db *db, char **err);
int db_commit(struct db *db, char **err);
void db_rollback(struct db *db);

/*
 * The statement of sql prepared once per connection and kept until
 * db_close (reset, bindings cleared); NULL with *err. The caller never
 * finalizes it, and resets it when done so that no read stays open.
 */
typedef struct sqlite3_stmt sqlite3_stmt;
sqlite3_stmt *db_cached(struct db *db, const char *sql, char **err);

/*
 * The search's memo of this connection (search.c: what does not change
 * between keystrokes), NULL at first; db_close frees it with free_fn.
 */
void *db_search_memo(struct db *db);
void db_set_search_memo(struct db *db, void *memo, void (*free_fn)(void *));

/* 1 if the tables match the schema (hash in kesra_meta equals s->hash). */
int db_is_current(struct db *db);

/* Read a kesra_meta value (caller frees), or NULL. */
char *db_meta_get(struct db *db, const char *key);

/*
 * Insert (r->id == 0) or update a record in one transaction. An update is
 * refused when the stored revision is not r->rev (another operator saved in
 * between): *err names who and when. On success r->id, r->uuid, r->rev are
 * set. user is recorded in created_by / updated_by.
 */
int db_record_save(struct db *db, struct record *r, const char *user,
    char **err);

/* Load record id of type def; -1 with *err when absent or deleted. */
int db_record_load(struct db *db, const struct sch_record *def, int64_t id,
    struct record **out, char **err);

/*
 * The title of record id of type def as record_title gives it for the
 * record db_record_load would load (its stored text), and its parent_id,
 * reading only the title's columns. 0, or -1 with *err when absent or
 * deleted. Caller frees *title.
 */
int db_record_title(struct db *db, const struct sch_record *def, int64_t id,
    char **title, int64_t *parent_id, char **err);

/*
 * Give back the memory of the connection's page cache (the pages are
 * read again from the file when needed): after a scan such as the
 * menu's counts, so that later screens reuse it instead of growing the
 * process beside it.
 */
void db_release_memory(struct db *db);

/* The stored SQL of a schema object of type ("table", "index",
 * "trigger") and name (caller frees), or NULL when there is none. */
char *db_stored_sql(struct db *db, const char *type, const char *name);

/* Count of live (not deleted) records of a type. */
int db_record_count(struct db *db, const struct sch_record *def, int64_t *n,
    char **err);

/* One line of a record list. */
struct db_row {
	int64_t id;
	char *title;      /* raw stored text: sanitise before display */
	char status[16];
	char *updated_at;
};
void db_rows_free(struct db_row *rows, size_t n);

/*
 * A page of at most limit live records in id order (keyset pagination):
 * forward, the records after `after` (0 = from the start); backward, the
 * records before `after` (INT64_MAX = the last page), still returned in
 * ascending order.
 */
int db_record_page(struct db *db, const struct sch_record *def, int64_t after,
    int backward, int limit, struct db_row **rows, size_t *n, char **err);

/*
 * Rosters (records with a parent). Rows of type child under parent_id,
 * live ones only, in `ord` order; accepted warnings are loaded too.
 */
int db_children_load(struct db *db, const struct sch_record *child,
    int64_t parent_id, struct record ***rows, size_t *n, char **err);
/*
 * db_children_load reading only the stored fields of child whose want[i]
 * is set (want: child->nfields bytes); the others are NULL in the rows,
 * as if empty: for a check that reads those fields alone (validate_scan's
 * probes). The system columns and accepted warnings are all there. Rows
 * may also come whole (when their order needs SQLite's).
 */
int db_children_load_some(struct db *db, const struct sch_record *child,
    int64_t parent_id, const unsigned char *want, struct record ***rows,
    size_t *n, char **err);
void db_records_free(struct record **rows, size_t n);
/*
 * The live records of def with id in [lo, hi] in id order, or (by_parent)
 * the live rows of roster def whose parent_id is in [lo, hi], ordered by
 * parent_id, ord, id: as db_record_load and db_children_load load them
 * (accepted warnings too), in one statement (validate_scan's pages).
 */
int db_records_range(struct db *db, const struct sch_record *def,
    int64_t lo, int64_t hi, int by_parent, struct record ***rows, size_t *n,
    char **err);

/* One roster of a tree: its rows in order, and saved rows removed. */
struct db_roster {
	const struct sch_record *def;
	struct record **rows;
	size_t n;
	const int64_t *deleted; /* ids to mark deleted (deleted_at) */
	size_t ndeleted;
};

/*
 * Save a record and its rosters in one transaction (a savepoint when the
 * caller has one open, see db_begin): the root as
 * db_record_save does (revision check), each row inserted or updated with
 * parent_id = root->id and ord = its position, removed rows marked
 * deleted, and the accepted warnings of every record replaced. On any
 * failure nothing is written and the records keep their ids and revisions.
 */
int db_tree_save(struct db *db, struct record *root,
    const struct db_roster *rosters, size_t nrosters, const char *user,
    char **err);

/*
 * Another live record of the same type holding value in (unique) field:
 * returns 1 and its id, 0 when none, -1 on error. exclude_id: the record
 * itself (0 = none).
 */
int db_find_duplicate(struct db *db, const struct sch_record *def,
    size_t field, const char *value, int64_t exclude_id, int64_t *other_id,
    char **err);

/*
 * Region table (kesra_region: code, name, level, parent, retired), loaded
 * from the dictionary's regions file, and its retired-codes file when it
 * names one (rows with retired = 1), by db_migrate when a file changed.
 * db_region_get and db_region_children see the current rows only; retired
 * district codes are for NIK checks (the SQL function nik_region_known).
 */
struct db_region {
	char *code;
	char *name;
	int level; /* enum region_level */
};
void db_regions_free(struct db_region *v, size_t n);
/*
 * (Re)load kesra_region from the dictionary's regions file (and retired
 * codes file) when the hash of the table format and the files' bytes
 * differs from kesra_meta 'regions_hash' (or the table is missing): both
 * files are checked first, then the table is replaced inside a savepoint
 * (so within the caller's transaction, if any). Adds "load region table
 * (N rows)" to plan; with dry_run writes nothing.
 * No regions file in the dictionary: nothing to do. Returns 0, or -1 with
 * *err (an unreadable or wrong file: its first problem, file:line:col).
 */
int db_region_sync(struct db *db, int dry_run, struct sbuf *plan, char **err);
/*
 * 1 when the region table matches the regions files (or the dictionary
 * names none): for db_is_current, so that a changed file alone triggers a
 * migration. Reads and hashes the files (some 3 ms for 3 MB).
 */
int db_region_current(struct db *db);
/* 1 and *out filled when code is a current region, 0 when not, -1 on error. */
int db_region_get(struct db *db, const char *code, struct db_region *out,
    char **err);
/*
 * Regions of a level under parent (its direct children, or descendants
 * further down; NULL: all of that level), by code, at most limit (<= 0: no
 * limit). filter (NULL or "" = all): only digits and dots look for a code
 * that begins with it, or whose own last part does ("01" finds 11.01);
 * anything else, a name that contains it (case-insensitive for ASCII).
 * Caller frees *out with db_regions_free.
 */
int db_region_children(struct db *db, const char *parent, int level,
    const char *filter, int limit, struct db_region **out, size_t *n,
    char **err);
/*
 * The retired regions (codes no longer in use) of a level under parent
 * (its descendants; NULL: all of that level), by code. Caller frees *out
 * with db_regions_free.
 */
/*
 * The search's index (db_search.c): an external-content FTS5 table per
 * record type with `search: true` fields ("<record>_fts", kept in step by
 * triggers, live rows only) and an index per nik/kk field that is not
 * unique. Builds what is missing or different, from the live rows; adds a
 * line to plan per change; with dry_run writes nothing.
 */
int db_search_sync(struct db *db, int dry_run, struct sbuf *plan, char **err);
/* 1 when the search's index is as db_search_sync would make it (for
 * db_is_current: a file whose index is missing gets it on open). */
int db_search_current(struct db *db);
/*
 * The key of a word of a place name in kesra_place_word: reg (a
 * regency's digits, "9601"), "x", then the len bytes at w in lower case,
 * Latin-1 accents dropped. Into b (reset first).
 */
void db_place_key(struct sbuf *b, const char *reg, const char *w,
    size_t len);
/*
 * For a bulk writer filling a new register (demo): suspend drops the FTS
 * tables and their triggers (FTS5 flushes its pending words at every
 * statement and savepoint, so indexing row by row costs more than the
 * rows), resume builds them again from the live rows in one go. Each in a
 * transaction of its own; none may be open. Until resume, the file is not
 * current (db_search_current), so an interrupted writer leaves a file
 * whose next open rebuilds the index.
 */
int db_search_suspend(struct db *db, char **err);
int db_search_resume(struct db *db, char **err);
/*
 * For a bulk writer inside its own write transaction (import): defer
 * stops adding r's inserted rows to its search index row by row (its
 * insert trigger dropped in the transaction; *mark = the highest id),
 * catch_up adds the live rows above mark in one statement and puts the
 * trigger back as it was, before the commit (a rollback undoes both).
 * Updates and deletes are still indexed row by row. defer returns 1 when
 * deferred, 0 when r has no search index as db_search_sync makes it
 * (nothing done), -1 with *err.
 */
int db_search_defer(struct db *db, const struct sch_record *r, int64_t *mark,
    char **err);
int db_search_catch_up(struct db *db, const struct sch_record *r,
    int64_t mark, char **err);
int db_region_retired(struct db *db, const char *parent, int level,
    struct db_region **out, size_t *n, char **err);

/*
 * Users, workflow and the audit trail (see user.h, audit.h).
 *
 * Every save checks the saver (the user argument) against kesra_user: the
 * role (operator at least), the regions (the top-level record's region
 * field, before and after), a locked record is refused, a verified one may
 * be changed by a supervisor with a reason (db_set_reason) and goes back
 * to complete, an accepted warning needs a supervisor. The save writes
 * its audit rows (a row per changed field) in its transaction.
 */
/* The user of this session: lists (db_record_page, db_record_count) show
 * the top-level records of their regions only. NULL: no filter. */
void db_set_session(struct db *db, const char *user);
/* Lists show records of this status only (NULL: all). */
void db_set_list_status(struct db *db, const char *status);
const char *db_list_status(const struct db *db);
/* The reason of the next save (audit trail; needed to change a verified
 * record); cleared by a successful save. */
void db_set_reason(struct db *db, const char *reason);
/* Bulk writers (demo): a new top-level record gets one audit row (action
 * insert, no field) for itself and its rosters, not one per field. */
void db_set_audit_bulk(struct db *db, int on);
/*
 * A bulk writer inside its own transaction (import), on until it ends:
 * the saver is looked up once (kesra_user does not change within the
 * transaction), not once per save.
 */
void db_set_bulk_saver(struct db *db, int on);
/*
 * off: a save inside a transaction opens no savepoint of its own; the
 * caller holds one, which it rolls back when a save fails (import's
 * batches). On by default.
 */
void db_set_save_savepoint(struct db *db, int on);
/*
 * Import: the next save that inserts its first record gives it these
 * instead of new ones (NULL: a new one): uuid, created_at, created_by,
 * updated_at, updated_by. Cleared by that save (and any save).
 */
#define DB_NSTAMPS 5
void db_set_insert_stamps(struct db *db, const char *const v[DB_NSTAMPS]);
/*
 * Change the status of top-level record id: complete -> verified and
 * verified -> locked (supervisor), locked -> verified (admin: unlock),
 * verified -> complete (supervisor, with a reason). In the user's regions
 * only; written to the audit trail. 0, or -1 with *err.
 */
int db_record_set_status(struct db *db, const struct sch_record *def,
    int64_t id, const char *status, const char *user, const char *reason,
    char **err);
/*
 * Probable duplicates (db_quality.c). A record with a duplicate_key has an
 * index "<record>_duplicate_key" over the key's columns, text columns
 * through db_dupkey_norm's expression (built-in SQL functions only, so
 * that any SQLite tool can still write the table), over live rows whose
 * key fields all hold a value. db_dupkey_sync creates, replaces (when the
 * key changed) and drops these indexes (a sys_syncs member).
 */
int db_dupkey_sync(struct db *db, int dry_run, struct sbuf *plan, char **err);

/*
 * The compact uuid index (db_uuid.c): "<record>_uuid" on substr(uuid, 1, 8)
 * and the triggers keeping uuids unique (a sys_syncs member).
 * db_uuid_where: the condition of a look-up by uuid bound as ?1, which
 * walks that index. A table of an older layout (UNIQUE on uuid) is rebuilt
 * by the migration: db_uuid_needs_rebuild says so, db_uuid_rebuild does it
 * (foreign keys must be off).
 */
int db_uuid_sync(struct db *db, int dry_run, struct sbuf *plan, char **err);
/* The index and triggers of one (new) record table. */
int db_uuid_table_sync(struct db *db, const struct sch_record *r,
    char **err);
const char *db_uuid_where(void);
int db_uuid_needs_rebuild(struct db *db, const char *table);
int db_uuid_rebuild(struct db *db, const char *table, int dry_run,
    struct sbuf *plan, char **err);
/*
 * The normalised form of a text operand as SQL (operand: a quoted column
 * or a parameter): upper case (ASCII), '.' and '-' as spaces, apostrophes
 * dropped, runs of up to 8 spaces made one, trimmed. Caller frees.
 */
char *db_dupkey_norm(const char *operand);
/*
 * The CREATE statement of the partial unique index that enforces unique
 * field f of r among live rows ("<record>_<field>_unique"), as SQLite
 * keeps it in sqlite_master. Caller frees.
 */
char *db_unique_index_sql(const struct sch_record *r,
    const struct sch_field *f);
/* The SQL of db_find_probable_duplicate's look-up of def (?1.. the key's
 * values, a text key's normalised as db_dupkey_norm_sql gives it, then
 * the id left out); it walks "<record>_duplicate_key". Caller frees. */
char *db_dupkey_lookup_sql(const struct sch_record *def);
/* The SELECT of def's key values (?1.. as they are) with each text key
 * normalised by db_dupkey_norm's expression, one column each: evaluated
 * once per look-up, not once per use in it. Caller frees. */
char *db_dupkey_norm_sql(const struct sch_record *def);
/* The statement of db_dupkey_norm_sql(def) (norm) or db_dupkey_lookup_sql
 * (def), prepared once per connection and record type, reset; NULL with
 * *err. */
sqlite3_stmt *db_dupkey_stmt(struct db *db, const struct sch_record *def,
    int norm, char **err);
/*
 * The compact form of duplicate-key field f's value that the key's index
 * holds, over operand (a column, qualified or not, or a parameter): a
 * look-up that compares it is walked on the index, and must compare the
 * full values after. Caller frees.
 */
char *db_dupkey_key_expr(const struct sch_field *f, const char *operand);
/*
 * Another live record of r's type (not exclude_id, not one of the ids in
 * skip) whose duplicate_key fields equal r's (text normalised): 1 and its
 * id, 0 when none (or r lacks a key value or the record a key), -1 on
 * error.
 */
int db_find_probable_duplicate(struct db *db, const struct record *r,
    int64_t exclude_id, const int64_t *skip, size_t nskip, int64_t *other_id,
    char **err);

#endif
