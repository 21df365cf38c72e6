/*
 * region: the Kemendagri region codes (wilayah) in memory: the shape of a
 * code, and the dictionary's regions file (CSV with a header naming the
 * columns code, name and level; other columns are ignored) loaded and
 * checked row by row.
 *
 * A code is dotted digits, one part per level: province "96", regency
 * "96.71", district "96.71.01", village "96.71.01.1001". Its parent is the
 * code without its last part.
 *
 * Ownership: a struct region_table owns its rows and their strings;
 * region_table_free releases them. Rows are sorted by code (byte order,
 * which lists every region right after its parent) and codes are unique.
 */
#ifndef KESRA_REGION_H
#define KESRA_REGION_H

#include <stddef.h>

#include "schema.h"
#include "util.h"

#define REGION_CODE_MAX 13 /* "96.71.01.1001" */
#define REGION_NAME_MAX 200 /* bytes */

struct region {
	const char *code;
	const char *name;
	enum region_level level;
	int line; /* in the file */
};

struct region_table {
	struct region *v; /* sorted by code */
	size_t n;
	char *strings;    /* where code and name point */
};

/* The level a code has by its shape (RL_PROVINCE..RL_VILLAGE), or RL_NONE. */
enum region_level region_code_level(const char *code);

/*
 * The parent of a well-formed code into buf (at least REGION_CODE_MAX + 1
 * bytes): 0, or -1 for a province or a malformed code.
 */
int region_parent(const char *code, char *buf, size_t n);

/*
 * Load a regions file from the len bytes at data (file names it in
 * messages). Every problem goes to d with file and line, the first
 * REGION_MAX_DIAGS of them, then a count of the rest. Returns 0 and the
 * table, or -1 (*out NULL) when there was any problem.
 */
#define REGION_MAX_DIAGS 50
int region_load_mem(const char *file, const char *data, size_t len,
    struct region_table **out, struct diags *d);
/* The same, reading the file at path. */
int region_load(const char *path, struct region_table **out,
    struct diags *d);
/*
 * A file of retired codes (the same columns; first_seen, last_seen and
 * others are ignored), checked against current, the table of codes in
 * use: a parent may be a current or a retired row; a code that is also
 * current is a problem. As region_load_mem otherwise.
 */
int region_load_retired_mem(const char *file, const char *data, size_t len,
    const struct region_table *current, struct region_table **out,
    struct diags *d);
int region_load_retired(const char *path, const struct region_table *current,
    struct region_table **out, struct diags *d);
void region_table_free(struct region_table *t);

/* The row of a code, or NULL. */
const struct region *region_find(const struct region_table *t,
    const char *code);

/*
 * The path of the schema's regions file (schema->dir/regions_file; caller
 * frees), or NULL when the dictionary names none.
 */
char *region_schema_path(const struct schema *s);
/*
 * The path of the schema's retired-codes file (caller frees), or NULL when
 * it names none (or names no regions file).
 */
char *region_retired_path(const struct schema *s);

/*
 * For `kesra check`: load and check the dictionary's regions file and its
 * retired-codes file, every problem into d. Returns the number of rows of
 * both (0 when the dictionary names no file) or -1.
 */
long region_check_schema(const struct schema *s, struct diags *d);

/* The whole file at path into *buf (NUL-terminated) and *len. */
int region_read_file(const char *path, char **buf, size_t *len, char **err);

#endif
