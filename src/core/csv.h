/*
 * csv: RFC 4180 reading and writing, for the region table, import and
 * export.
 *
 * Reader: streams one record (an array of fields) at a time from a FILE *
 * or a memory buffer, both borrowed for the reader's life. Accepts quoted
 * fields with "" escapes and embedded separators and line breaks, CRLF, LF
 * or a lone CR between records, a UTF-8 byte-order mark at the very start,
 * no final line break. Blank lines (no byte at all) are skipped. Refused,
 * with the line and column: an unterminated quote, a quote inside an
 * unquoted field, text after a closing quote, invalid UTF-8, a NUL byte, a
 * field over CSV_FIELD_MAX bytes, a record over CSV_MAX_FIELDS fields.
 * After an error the reader stays failed: every later csv_read returns -1.
 *
 * Writer: quotes a field only when it must (separator, quote, CR, LF,
 * leading or trailing white space, or a leading byte-order mark, which
 * the reader would take off at the start of a file) and doubles its
 * quotes.
 */
#ifndef KESRA_CSV_H
#define KESRA_CSV_H

#include <stddef.h>
#include <stdio.h>

#include "util.h"

#define CSV_FIELD_MAX (64 * 1024) /* bytes in one field, after unquoting */
#define CSV_MAX_FIELDS 10000      /* fields in one record */

/*
 * One record. Owned by the reader and valid until the next csv_read or
 * csv_close. field[i] is NUL-terminated (a field holds no NUL byte) and
 * len[i] is its length; n >= 1.
 */
struct csv_record {
	char **field;
	size_t *len;
	size_t n;
	long line; /* physical line (1-based) where the record starts */
};

struct csv_reader;

/*
 * A reader over f (from its current position) or over the len bytes at
 * buf. name (copied; may be NULL) is put in front of error messages.
 * sep is the separator: ',' (RFC 4180), ';' (spreadsheets set to a comma
 * decimal) or '\t'; a quote, CR, LF or NUL is refused (-1, *err).
 */
int csv_open_file(struct csv_reader **out, FILE *f, const char *name,
    char sep, char **err);
int csv_open_mem(struct csv_reader **out, const char *buf, size_t len,
    const char *name, char sep, char **err);
void csv_close(struct csv_reader *r);

/*
 * Read the next record: returns 1 and points *rec at it, 0 at the end of
 * the input, -1 on an error: *err is "NAME:LINE:COL: message" (or "line
 * LINE, column COL: message" without a name); csv_error gives the parts.
 */
int csv_read(struct csv_reader *r, const struct csv_record **rec,
    char **err);

/*
 * The last error's message (translated, without its place; NULL when
 * none) and its place: line and column, 1-based, the column counted in
 * characters (an unterminated quote: where it opened; invalid UTF-8: the
 * start of the sequence).
 */
const char *csv_error(const struct csv_reader *r, long *line, long *col);

/* Append one field to b, quoted when it must be. s == NULL writes "". */
void csv_quote(struct sbuf *b, const char *s, char sep);

/* Flags of csv_write_record. */
enum {
	CSV_LF = 1, /* end the line with LF instead of RFC 4180's CRLF */
};

/*
 * Write one record of n fields (NULL = empty) to f, separated by sep and
 * ending with CRLF (or LF with CSV_LF). Returns 0, or -1 with *err on a
 * write error.
 */
int csv_write_record(FILE *f, const char *const *fields, size_t n, char sep,
    int flags, char **err);

/* The UTF-8 byte-order mark that spreadsheets need to read UTF-8. */
#define CSV_BOM "\xef\xbb\xbf"

#endif
