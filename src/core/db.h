/*
 * db: owns the SQLite connection. Opening checks that the file is a kesra
 * database of this dictionary (or new); migration creates and extends the
 * record tables from the schema; records are saved and read with prepared
 * statements only, one transaction per save.
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
 * comes from a newer kesra or was made for another dictionary.
 */
int db_open(struct db **out, const char *path, const struct schema *s,
    int flags, char **err);
void db_close(struct db *db);
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

#endif
