/*
 * csv: an RFC 4180 reader (a byte-at-a-time state machine over a buffered
 * FILE * or a memory buffer) and a writer that quotes only when it must.
 *
 * Invariants of the reader: (line, col) is the place of the next byte;
 * every byte consumed passes through next(), which counts lines (LF, or a
 * CR not followed by LF), counts columns in characters, checks UTF-8 as a
 * stream (so an error names the exact place) and refuses NUL. Fields are
 * unescaped into one growing buffer, NUL-separated; their pointers are
 * fixed up once the record is complete, since the buffer may move while
 * it grows. Once failed, the reader stays failed.
 */
#include "csv.h"

#include <errno.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "i18n.h"

#define CHUNK 65536
#define C_EOF (-1)
#define C_ERR (-2)

struct csv_reader {
	FILE *f;                 /* NULL for a memory reader */
	const unsigned char *p;  /* the bytes at hand */
	unsigned char *own;      /* the FILE buffer, owned */
	size_t pos, len;
	int eof;                 /* no more bytes to fetch */
	int started;             /* the byte-order mark was looked for */
	char *name;
	char sep;
	long line, col;          /* place of the next byte */
	long cline, ccol;        /* place of the byte last returned */
	/* UTF-8 sequence in progress: bytes still needed, range of the next */
	int u_need;
	unsigned char u_lo, u_hi;
	long u_line, u_col;
	/* failure */
	int failed;
	char *errmsg;
	long errline, errcol;
	/* the record being built */
	struct sbuf data;
	size_t *off;
	size_t nf, cap;
	struct csv_record rec;
};

static void
fail(struct csv_reader *r, long line, long col, const char *fmt, ...)
    UTIL_PRINTF(4, 5);

static void
fail(struct csv_reader *r, long line, long col, const char *fmt, ...)
{
	va_list ap;
	if (r->failed)
		return;
	va_start(ap, fmt);
	r->errmsg = xvasprintf(fmt, ap);
	va_end(ap);
	r->errline = line;
	r->errcol = col;
	r->failed = 1;
}

/* Make at least want bytes available from pos, unless the input ends. */
static void
fill(struct csv_reader *r, size_t want)
{
	size_t got;
	if (r->f == NULL || r->eof)
		return;
	while (r->len - r->pos < want && !r->eof) {
		if (r->pos > 0) {
			memmove(r->own, r->own + r->pos, r->len - r->pos);
			r->len -= r->pos;
			r->pos = 0;
		}
		got = fread(r->own + r->len, 1, CHUNK - r->len, r->f);
		r->len += got;
		if (got == 0) {
			if (ferror(r->f))
				fail(r, r->line, r->col, _("read error: %s"),
				    strerror(errno ? errno : EIO));
			r->eof = 1;
		}
	}
}

/* The byte k places ahead, not consumed; C_EOF at the end. */
static int
peek(struct csv_reader *r, size_t k)
{
	if (r->len - r->pos <= k)
		fill(r, k + 1);
	return r->len - r->pos > k ? r->p[r->pos + k] : C_EOF;
}

/* Check one byte as part of the UTF-8 stream; -1 when it is invalid. */
static int
utf8_step(struct csv_reader *r, unsigned c)
{
	if (r->u_need > 0) {
		if (c < r->u_lo || c > r->u_hi) {
			fail(r, r->u_line, r->u_col, _("invalid UTF-8 text "
			    "(save the file as UTF-8)"));
			return -1;
		}
		r->u_need--;
		r->u_lo = 0x80;
		r->u_hi = 0xbf;
		return 0;
	}
	if (c < 0x80)
		return 0;
	r->u_line = r->line;
	r->u_col = r->col;
	r->u_lo = 0x80;
	r->u_hi = 0xbf;
	if (c >= 0xc2 && c <= 0xdf)
		r->u_need = 1;
	else if (c >= 0xe0 && c <= 0xef) {
		r->u_need = 2;
		if (c == 0xe0)
			r->u_lo = 0xa0; /* no overlong forms */
		else if (c == 0xed)
			r->u_hi = 0x9f; /* no surrogates */
	} else if (c >= 0xf0 && c <= 0xf4) {
		r->u_need = 3;
		if (c == 0xf0)
			r->u_lo = 0x90;
		else if (c == 0xf4)
			r->u_hi = 0x8f; /* nothing above U+10FFFF */
	} else {
		fail(r, r->line, r->col, _("invalid UTF-8 text (save the file "
		    "as UTF-8)"));
		return -1;
	}
	return 0;
}

/* Consume one byte: 0..255, C_EOF at the end, C_ERR after a failure. */
static int
next(struct csv_reader *r)
{
	int c;
	if (r->failed)
		return C_ERR;
	if (r->pos == r->len)
		fill(r, 1);
	if (r->failed)
		return C_ERR;
	r->cline = r->line;
	r->ccol = r->col;
	if (r->pos == r->len) {
		if (r->u_need > 0) {
			fail(r, r->u_line, r->u_col, _("invalid UTF-8 text "
			    "(save the file as UTF-8)"));
			return C_ERR;
		}
		return C_EOF;
	}
	c = r->p[r->pos++];
	if (c == 0) {
		fail(r, r->line, r->col, _("NUL byte (this is not a text "
		    "file)"));
		return C_ERR;
	}
	if (utf8_step(r, (unsigned)c) < 0)
		return C_ERR;
	if (c == '\n' || (c == '\r' && peek(r, 0) != '\n')) {
		r->line++;
		r->col = 1;
	} else if ((c & 0xc0) != 0x80 && c != '\r')
		r->col++;
	return c;
}

static int
open_common(struct csv_reader **out, const char *name, char sep, char **err)
{
	struct csv_reader *r;
	*out = NULL;
	if (sep == '"' || sep == '\r' || sep == '\n' || sep == '\0' ||
	    (unsigned char)sep >= 0x80)
		return util_err(err, _("the CSV separator cannot be a quote, a "
		    "line break, NUL or a non-ASCII byte"));
	r = xcalloc(1, sizeof *r);
	r->name = name != NULL ? xstrdup(name) : NULL;
	r->sep = sep;
	r->line = r->col = 1;
	*out = r;
	return 0;
}

int
csv_open_file(struct csv_reader **out, FILE *f, const char *name, char sep,
    char **err)
{
	if (open_common(out, name, sep, err) < 0)
		return -1;
	(*out)->f = f;
	(*out)->own = xmalloc(CHUNK);
	(*out)->p = (*out)->own;
	return 0;
}

int
csv_open_mem(struct csv_reader **out, const char *buf, size_t len,
    const char *name, char sep, char **err)
{
	if (open_common(out, name, sep, err) < 0)
		return -1;
	(*out)->p = (const unsigned char *)buf;
	(*out)->len = len;
	(*out)->eof = 1;
	return 0;
}

void
csv_close(struct csv_reader *r)
{
	if (r == NULL)
		return;
	free(r->own);
	free(r->name);
	free(r->errmsg);
	sbuf_free(&r->data);
	free(r->off);
	free(r->rec.field);
	free(r->rec.len);
	free(r);
}

const char *
csv_error(const struct csv_reader *r, long *line, long *col)
{
	if (line != NULL)
		*line = r->failed ? r->errline : 0;
	if (col != NULL)
		*col = r->failed ? r->errcol : 0;
	return r->failed ? r->errmsg : NULL;
}

static int
report(struct csv_reader *r, char **err)
{
	if (r->name != NULL)
		return util_err(err, "%s:%ld:%ld: %s", r->name, r->errline,
		    r->errcol, r->errmsg);
	return util_err(err, _("line %ld, column %ld: %s"), r->errline,
	    r->errcol, r->errmsg);
}

/* Start a new field at the current end of the data. */
static int
field_begin(struct csv_reader *r)
{
	if (r->nf == CSV_MAX_FIELDS) {
		fail(r, r->cline, r->ccol, _("more than %d fields in one "
		    "record"), CSV_MAX_FIELDS);
		return -1;
	}
	if (r->nf == r->cap) {
		r->cap = r->cap ? r->cap * 2 : 16;
		r->off = xreallocarray(r->off, r->cap, sizeof *r->off);
	}
	r->off[r->nf++] = r->data.len;
	return 0;
}

static int
field_add(struct csv_reader *r, int c, long fline, long fcol)
{
	if (r->data.len - r->off[r->nf - 1] >= CSV_FIELD_MAX) {
		fail(r, fline, fcol, _("field longer than %d bytes"),
		    CSV_FIELD_MAX);
		return -1;
	}
	sbuf_addc(&r->data, (char)c);
	return 0;
}

/*
 * The fast path: copy the run of plain ASCII bytes at hand (no separator
 * unless quoted, no quote, CR, LF or NUL) to the field in one go, within
 * the field's size limit. The bytes it stops at go through next().
 */
static void
ascii_run(struct csv_reader *r, int quoted)
{
	const unsigned char *p = r->p + r->pos, *q = p, *e = r->p + r->len;
	size_t used = r->data.len - r->off[r->nf - 1], n;
	unsigned char sep = quoted ? 0 : (unsigned char)r->sep;

	if (r->u_need > 0 || used >= CSV_FIELD_MAX)
		return;
	if ((size_t)(e - p) > CSV_FIELD_MAX - used)
		e = p + (CSV_FIELD_MAX - used);
	while (q < e && *q != 0 && *q < 0x80 && *q != '"' && *q != '\r' &&
	    *q != '\n' && *q != sep)
		q++;
	if ((n = (size_t)(q - p)) == 0)
		return;
	sbuf_addn(&r->data, (const char *)p, n);
	r->pos += n;
	r->col += (long)n;
	r->cline = r->line;
	r->ccol = r->col - 1;
}

/* Point the record at the finished fields. */
static void
record_finish(struct csv_reader *r)
{
	size_t i, end;
	r->rec.field = xreallocarray(r->rec.field, r->nf, sizeof *r->rec.field);
	r->rec.len = xreallocarray(r->rec.len, r->nf, sizeof *r->rec.len);
	for (i = 0; i < r->nf; i++) {
		end = i + 1 < r->nf ? r->off[i + 1] - 1 : r->data.len - 1;
		r->rec.field[i] = r->data.s + r->off[i];
		r->rec.len[i] = end - r->off[i];
	}
	r->rec.n = r->nf;
}

/*
 * After a field: what ends it. Returns 1 for a separator (another field
 * follows), 0 for the end of the record, -1 on an error.
 */
static int
field_end(struct csv_reader *r, int c)
{
	sbuf_addc(&r->data, '\0');
	if (c == r->sep)
		return 1;
	if (c == '\r' && peek(r, 0) == '\n')
		c = next(r);
	return c == C_ERR ? -1 : 0;
}

/* A quoted field: the opening quote is consumed. */
static int
read_quoted(struct csv_reader *r)
{
	long qline = r->cline, qcol = r->ccol;
	int c;
	for (;;) {
		c = next(r);
		if (c == C_ERR)
			return -1;
		if (c == C_EOF) {
			fail(r, qline, qcol, _("quoted field never closed (a "
			    "quote is missing)"));
			return -1;
		}
		if (c == '"') {
			if (peek(r, 0) != '"')
				break;
			c = next(r);
		}
		if (field_add(r, c, qline, qcol) < 0)
			return -1;
		ascii_run(r, 1);
	}
	c = next(r);
	if (c == C_ERR)
		return -1;
	if (c != r->sep && c != '\n' && c != '\r' && c != C_EOF) {
		fail(r, r->cline, r->ccol, _("text after a closing quote "
		    "(write a quote inside quotes as \"\")"));
		return -1;
	}
	return field_end(r, c);
}

/* An unquoted field whose first byte c is consumed. */
static int
read_plain(struct csv_reader *r, int c)
{
	long fline = r->cline, fcol = r->ccol;
	for (;;) {
		if (c == C_ERR)
			return -1;
		if (c == r->sep || c == '\n' || c == '\r' || c == C_EOF)
			return field_end(r, c);
		if (c == '"') {
			fail(r, r->cline, r->ccol, _("a quote inside an "
			    "unquoted field (put the whole field in quotes)"));
			return -1;
		}
		if (field_add(r, c, fline, fcol) < 0)
			return -1;
		ascii_run(r, 0);
		c = next(r);
	}
}

int
csv_read(struct csv_reader *r, const struct csv_record **rec, char **err)
{
	int c, more;

	*rec = NULL;
	if (r->failed)
		return report(r, err);
	if (!r->started) {
		r->started = 1;
		if (peek(r, 0) == 0xef && peek(r, 1) == 0xbb &&
		    peek(r, 2) == 0xbf)
			r->pos += 3; /* the byte-order mark, not a character */
	}
	sbuf_reset(&r->data);
	r->nf = 0;
	/* Skip blank lines. */
	do
		c = next(r);
	while (c == '\n' || c == '\r');
	if (c == C_ERR)
		return report(r, err);
	if (c == C_EOF)
		return 0;
	r->rec.line = r->cline;
	do {
		if (field_begin(r) < 0)
			return report(r, err);
		if (c == '"')
			more = read_quoted(r);
		else
			more = read_plain(r, c);
		if (more < 0)
			return report(r, err);
		if (more)
			c = next(r);
	} while (more);
	record_finish(r);
	*rec = &r->rec;
	return 1;
}

void
csv_quote(struct sbuf *b, const char *s, char sep)
{
	size_t n;
	const char *p;
	if (s == NULL || s[0] == '\0')
		return;
	n = strlen(s);
	if (strchr(s, sep) == NULL && strpbrk(s, "\"\r\n") == NULL &&
	    s[0] != ' ' && s[0] != '\t' && s[n - 1] != ' ' &&
	    s[n - 1] != '\t' && strncmp(s, CSV_BOM, 3) != 0) {
		sbuf_addn(b, s, n);
		return;
	}
	sbuf_addc(b, '"');
	for (p = s; *p != '\0'; p++) {
		if (*p == '"')
			sbuf_addc(b, '"');
		sbuf_addc(b, *p);
	}
	sbuf_addc(b, '"');
}

int
csv_write_record(FILE *f, const char *const *fields, size_t n, char sep,
    int flags, char **err)
{
	struct sbuf b = {0};
	size_t i;
	int rc = 0;
	for (i = 0; i < n; i++) {
		if (i > 0)
			sbuf_addc(&b, sep);
		csv_quote(&b, fields[i], sep);
	}
	if (n == 1 && b.len == 0)
		sbuf_add(&b, "\"\""); /* a blank line would be skipped */
	sbuf_add(&b, (flags & CSV_LF) ? "\n" : "\r\n");
	if (fwrite(b.s, 1, b.len, f) != b.len || ferror(f))
		rc = util_err(err, _("cannot write the CSV file: %s"),
		    strerror(errno ? errno : EIO));
	sbuf_free(&b);
	return rc;
}
