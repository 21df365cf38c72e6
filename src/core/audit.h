/*
 * audit: the audit trail, table kesra_audit. One row per change (an insert:
 * one row per record, its values shown per field by db_audit_list of one
 * record, see audit.c): when, who
 * (operating-system user), from where (the SSH client address), which
 * record (type, id, uuid; parent_id for a roster row), which field, the
 * old and new values (stored text form), the reason, and the action:
 * insert, update, delete, status, accept (an accepted warning; field =
 * the rule) or user (the users table). Saves write it in the same
 * transaction as the change (db.c). Triggers make the table append-only:
 * an UPDATE or DELETE of it is refused, by kesra or by anyone with the
 * file.
 */
#ifndef KESRA_AUDIT_H
#define KESRA_AUDIT_H

#include <stdint.h>

#include "util.h"

struct db;

struct audit_entry {
	const char *record; /* record type (or kesra_user) */
	int64_t record_id;
	const char *uuid;   /* NULL when none */
	int64_t parent_id;  /* the top-level record of a roster row; 0 none */
	const char *field;  /* NULL: the whole record */
	const char *old_value, *new_value;
	const char *reason;
	const char *action;
};

/* The SSH client address of this process ($SSH_CLIENT or
 * $SSH_CONNECTION, first field), or "" when local. */
const char *audit_client(void);

/* Append one row, at time now (util_now form), in the caller's
 * transaction (or its own). 0, or -1 with *err. */
int db_audit_add(struct db *db, const char *now, const char *user,
    const struct audit_entry *e, char **err);

/*
 * Bulk writers (import's batches): after db_audit_defer(db), the rows
 * db_audit_add appends to db are kept in memory, in their order;
 * db_audit_flush writes them (a statement per AUDIT_CHUNK rows: the same
 * rows, in the same order, as one by one) and stops deferring;
 * db_audit_discard drops them and stops. One database defers at a time.
 */
void db_audit_defer(struct db *db);
int db_audit_flush(struct db *db, char **err);
void db_audit_discard(void);

/* 1 when kesra_audit exists (a file migrated by this kesra). */
int db_audit_exists(struct db *db);

/* Selection for db_audit_list: NULL / 0 = any. */
struct audit_query {
	int64_t record_id;     /* a top-level record and its roster rows */
	const char *user;
	const char *since;     /* YYYY-MM-DD or a time; rows at or after it */
	const char *record;    /* record type of record_id (NULL: any) */
	int limit;             /* 0 = all */
};

struct audit_row {
	int64_t seq, record_id, parent_id;
	char *at, *user, *client, *record, *uuid, *field, *old_value,
	    *new_value, *reason, *action; /* raw stored text */
};
void audit_rows_free(struct audit_row *rows, size_t n);

/*
 * Rows of the trail matching q, oldest first. With q->record_id (the
 * history of one record) an insert row of a whole record comes as one
 * insert row per field it gave a value (same seq), in dictionary order.
 */
int db_audit_list(struct db *db, const struct audit_query *q,
    struct audit_row **rows, size_t *n, char **err);

/* The table, its index and the append-only triggers (sys_syncs). */
int db_audit_sync(struct db *db, int dry_run, struct sbuf *plan, char **err);

#endif
