/*
 * transfer: import of CSV files into a record type, export of a record
 * type as CSV or JSON, and backup / restore of the whole database.
 *
 * Two files: transfer.c (no SQLite: columns, values, validation, the
 * import loop, the export writer) and db_transfer.c (the storage side,
 * prefixed db_: the streaming export query, the look-ups and stamps that
 * import needs, the backup API).
 *
 * The exported columns (and the ones import recognises besides fields):
 *   uuid, status, created_at, created_by, updated_at, updated_by,
 *   for a roster record <parent>.uuid, <parent>.<key> (the parent's first
 *   unique field, e.g. household.kk_number) and ord,
 *   then every stored field in dictionary order,
 *   then kesra_accepted (accepted warnings: "rule=reason" lines, the
 *   reason with \\, \n and \r escaped).
 * A dot or the kesra_ prefix never occurs in a field name, so these never
 * collide with fields. Rows come in id order; deleted records are left
 * out. Import of such a file into an empty database gives back the same
 * uuids, statuses, stamps, positions and acceptances, so exporting again
 * gives the same bytes.
 */
#ifndef KESRA_TRANSFER_H
#define KESRA_TRANSFER_H

#include <stdint.h>
#include <stdio.h>

#include "db.h"
#include "expr.h"
#include "schema.h"
#include "util.h"

/* ---- storage side (db_transfer.c) ------------------------------------- */

/* The first unique stored field of a record (its key), or -1. */
int db_record_key(const struct sch_record *def);

/* A streaming read of the live rows of one record type, in id order. */
struct db_export;
int db_export_open(struct db *db, const struct sch_record *def,
    struct db_export **out, char **err);
size_t db_export_ncols(const struct db_export *x);
const char *db_export_colname(const struct db_export *x, size_t i);
/* The field index of column i, or -1 for a system column. */
int db_export_field(const struct db_export *x, size_t i);
/*
 * Next row: 1 with *vals pointing at ncols values (NULL = none; borrowed,
 * valid until the next call), 0 at the end, -1 with *err.
 */
int db_export_next(struct db_export *x, const char *const **vals, char **err);
/* 1 when value i of the current row is stored as a number. */
int db_export_is_number(const struct db_export *x, size_t i);
void db_export_close(struct db_export *x);

/* The look-ups and writes of one import, prepared once. */
struct db_import;
int db_import_open(struct db *db, const struct sch_record *def,
    struct db_import **out, char **err);
void db_import_close(struct db_import *h);
/*
 * The record with this uuid: 1 and *id (*deleted = 1 when it is a deleted
 * one), 0 when none, -1 on error.
 */
int db_import_by_uuid(struct db_import *h, const struct sch_record *def,
    const char *uuid, int64_t *id, int *deleted, char **err);
/* The live record whose key field holds value: 1 and *id, 0, -1. */
int db_import_by_key(struct db_import *h, const struct sch_record *def,
    const char *value, int64_t *id, char **err);
/* The next free position under parent_id (max(ord) + 1, 0 when none). */
int db_import_next_ord(struct db_import *h, int64_t parent_id, int64_t *ord,
    char **err);
/* The live rows of the imported roster under parent_id. */
int db_import_child_count(struct db_import *h, int64_t parent_id,
    int64_t *n, char **err);
/*
 * A batch of rows tried together (import's fast path): begin opens a
 * savepoint inside the import's transaction; end releases it (keep) or
 * rolls it back first (the batch is then done again row by row).
 */
int db_import_batch_begin(struct db_import *h, char **err);
int db_import_batch_end(struct db_import *h, int keep, char **err);
/*
 * Set the system columns that are not NULL (uuid, created_at, created_by,
 * updated_at, updated_by) of record id, inside the open transaction.
 */
int db_import_stamp(struct db_import *h, int64_t id, const char *uuid,
    const char *created_at, const char *created_by, const char *updated_at,
    const char *updated_by, char **err);

/*
 * Copy the database to path with the backup API, a few pages at a time,
 * inside one read transaction (a consistent snapshot while others keep
 * writing): into path.tmp, synced, then renamed over path. progress (may
 * be NULL) gets pages done and total. Returns 0, or -1 with *err (path
 * untouched, path.tmp removed).
 */
int db_backup(struct db *db, const char *path,
    void (*progress)(void *, long done, long total), void *ctx, char **err);
/*
 * Check that path is a kesra database of db's dictionary (application_id,
 * dictionary name, version, hash, layout) that passes integrity_check:
 * 0, or -1 with *err saying what is wrong. Reads only.
 */
int db_backup_check(struct db *db, const char *path, char **err);
/*
 * db_backup_check, then replace db's content by path's with the backup
 * API (one write transaction on the live file: other connections see the
 * old or the new database, never a mix). Nothing replaced on failure.
 */
int db_restore(struct db *db, const char *path, char **err);

/* ---- import and export (transfer.c) ----------------------------------- */

struct transfer_import_opts {
	const char *record;   /* record type name */
	FILE *map;            /* mapping file (header,field CSV) or NULL */
	const char *map_name;
	char sep;             /* ',' (default), ';' or '\t' */
	int partial;          /* keep the good rows when some are rejected */
	int exact;            /* row by row only, without the batches'
	                         set-based checks (tests compare the two) */
	FILE *rejects;        /* rejected rows with a reason column, or NULL */
	const char *user;     /* created_by / updated_by */
	int lang;             /* language of messages */
	/* Called now and then: rows read, bytes read, bytes in all (0 = ?). */
	void (*progress)(void *ctx, long rows, long long bytes,
	    long long total);
	void *progress_ctx;
	long long total_bytes;
	/* Called for each rejected row: its first line and the reasons. */
	void (*rejected)(void *ctx, long line, const char *why);
	void *rejected_ctx;
};

struct transfer_import_result {
	long rows;      /* data rows read */
	long inserted;  /* new records */
	long updated;   /* existing records changed */
	long unchanged; /* existing records already equal */
	long rejected;  /* rows refused (written to rejects) */
	long warned;    /* rows with warnings (left open, not accepted) */
	long roster_errors; /* parents whose roster breaks an error rule */
	long batched;   /* rows that stood on the fast path (tests) */
	int committed;  /* 1 when the good rows were written */
};

/*
 * Import the CSV rows of in (name for messages) into records of type
 * o->record. The header maps columns to fields (field names or labels in
 * any language, case-insensitive, or through o->map; see transfer.h's
 * top for the system columns). Each row: values checked and normalised as
 * the forms do (codes or labels for choices, yes/no as 1/0 or 1/2),
 * calculations refreshed, every check of the forms run; an error rejects
 * the row; warnings are left open (not accepted: only an operator gives
 * a reason) and counted. A row whose uuid (or else key) is stored updates
 * that record. For a roster, after the last row, the roster rules and row
 * counts of every parent the rows went to are checked on all its live
 * rows; a broken error rule is reported through o->rejected (line: the
 * first row of that parent) and counted in res->roster_errors. Everything
 * happens in one transaction: with a rejected row or a roster error and
 * no o->partial, nothing is written. Returns 0 (see *res), or -1 with *err for a problem with the
 * file as a whole (header, encoding, mapping, storage): nothing written.
 */
int transfer_import(struct db *db, struct expr_set *x, FILE *in,
    const char *name, const struct transfer_import_opts *o,
    struct transfer_import_result *res, char **err);

enum {
	TRANSFER_JSON = 1,   /* JSON array of objects instead of CSV */
	TRANSFER_EXCEL = 2,  /* BOM, ';', CRLF, decimal comma */
	TRANSFER_LABELS = 4, /* choice labels (in lang) instead of codes */
	TRANSFER_SANITIZE = 8, /* for a terminal: no control in values */
};

/*
 * Write the live records of type def to out in id order, streaming.
 * Returns the number of rows, or -1 with *err.
 */
long transfer_export(struct db *db, const struct sch_record *def, FILE *out,
    int flags, int lang, char **err);

#endif
