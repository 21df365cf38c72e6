/*
 * Verb report: run a report of schema/reports.yaml, or list them.
 *
 * Text output is for printing: it fits 80 columns and comes in pages of
 * --page-lines lines (default 60; 0 = one long page), each with the title,
 * the region, the page number and the column headings, separated by form
 * feeds. A table wider than 80 columns is split into column groups, each
 * printed in full (all its pages) with the first column repeated and a
 * "columns a-b of n" line in its header. Cells wider than 30 columns are
 * cut with '~'. Lists are read in pages of LIST_CHUNK rows, never all at
 * once.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli.h"
#include "i18n.h"
#include "report.h"
#include "util.h"

#define TEXT_WIDTH 80
#define CELL_MAX 30
#define LIST_CHUNK 5000

enum fmt { F_TEXT, F_CSV, F_TSV };

struct textout {
	const struct report_table *t;
	const char *title, *where;
	int page_lines;
	int page, line;  /* current page number, lines on it */
	int *w;          /* printed width per column */
	size_t g0, g1;   /* current group: columns g0..g1-1 (plus column 0) */
	size_t ncols;
};

static int
progress(void *ctx, double s)
{
	(void)ctx;
	fputc('\r', stderr);
	fprintf(stderr, _("report running: %.1f s"), s);
	fflush(stderr);
	return 0;
}

/* Print s in w columns: cut with '~' when longer, padded left or right. */
static void
put_cell(const char *raw, int w, int right)
{
	char *s = util_sanitize(raw != NULL ? raw : "", 0);
	int n = (int)utf8_count(s), pad;
	if (n > w) {
		const char *p = s;
		int k = 0;
		while (*p && k < w - 1) {
			int l = utf8_seq_len((const unsigned char *)p,
			    strlen(p));
			p += l > 0 ? l : 1;
			k++;
		}
		fwrite(s, 1, (size_t)(p - s), stdout);
		fputc('~', stdout);
		free(s);
		return;
	}
	pad = w - n;
	if (right)
		printf("%*s%s", pad, "", s);
	else
		printf("%s%*s", s, pad, "");
	free(s);
}

static void
put_row(struct textout *o, char *const *cells)
{
	size_t c;
	put_cell(cells[0], o->w[0], 0);
	for (c = o->g0; c < o->g1; c++) {
		fputs("  ", stdout);
		put_cell(cells[c], o->w[c], o->t->numeric[c]);
	}
	fputc('\n', stdout);
	o->line++;
}

static void
put_rule(struct textout *o)
{
	int n = o->w[0], i;
	size_t c;
	for (c = o->g0; c < o->g1; c++)
		n += 2 + o->w[c];
	for (i = 0; i < n; i++)
		fputc('-', stdout);
	fputc('\n', stdout);
	o->line++;
}

static void
page_head(struct textout *o)
{
	if (o->page > 0)
		fputc('\f', stdout);
	o->page++;
	o->line = 0;
	put_cell(o->title, TEXT_WIDTH - 12, 0);
	printf("  ");
	printf(_("page %4d"), o->page);
	fputc('\n', stdout);
	{
		char *w = util_sanitize(o->where, 0);
		printf("%s\n", w);
		free(w);
	}
	o->line += 2;
	if (o->g0 != 1 || o->g1 != o->ncols) {
		printf(_("columns %zu-%zu of %zu (first column repeated)\n"),
		    o->g0 + 1, o->g1, o->ncols);
		o->line++;
	}
	fputc('\n', stdout);
	o->line++;
	put_row(o, o->t->heads);
	put_rule(o);
}

static void
need_line(struct textout *o, int n)
{
	if (o->page == 0 || (o->page_lines > 0 &&
	    o->line + n > o->page_lines))
		page_head(o);
}

/* Widths: each column's widest cell, heading or total, at most CELL_MAX. */
static int *
text_widths(const struct report_table *t)
{
	int *w = xcalloc(t->ncols, sizeof *w);
	size_t c;
	for (c = 0; c < t->ncols; c++) {
		w[c] = t->widths[c];
		if (w[c] > CELL_MAX)
			w[c] = CELL_MAX;
		if (w[c] < 1)
			w[c] = 1;
	}
	return w;
}

/* The end of the group that starts at g0: as many columns as fit. */
static size_t
group_end(const int *w, size_t ncols, size_t g0)
{
	int used = w[0];
	size_t c = g0;
	while (c < ncols && (c == g0 || used + 2 + w[c] <= TEXT_WIDTH)) {
		used += 2 + w[c];
		c++;
	}
	return c;
}

static void
text_rows(struct textout *o, const struct report_table *t)
{
	size_t i;
	for (i = 0; i < t->nrows; i++) {
		need_line(o, 1);
		put_row(o, &t->cells[i * t->ncols]);
	}
}

static void
text_totals(struct textout *o)
{
	if (o->t->totals == NULL)
		return;
	need_line(o, 2);
	put_rule(o);
	put_row(o, o->t->totals);
}

static void
tsv_table(const struct report_table *t, int head)
{
	size_t i, c, off = t->level != RL_NONE;
	char *s;
	if (head) {
		if (off)
			fputs(_("Code"), stdout);
		for (c = 0; c < t->ncols; c++) {
			s = util_sanitize(t->heads[c], 0);
			printf("%s%s", off || c ? "\t" : "", s);
			free(s);
		}
		fputc('\n', stdout);
	}
	for (i = 0; i <= t->nrows; i++) {
		char *const *row = i < t->nrows ? &t->cells[i * t->ncols] :
		    t->totals;
		if (row == NULL)
			break;
		if (off) {
			s = util_sanitize(i < t->nrows && t->codes[i] != NULL ?
			    t->codes[i] : "", 0);
			fputs(s, stdout);
			free(s);
		}
		for (c = 0; c < t->ncols; c++) {
			s = util_sanitize(row[c] != NULL ? row[c] : "", 0);
			printf("%s%s", off || c ? "\t" : "", s);
			free(s);
		}
		fputc('\n', stdout);
	}
}

/* Every text of t made safe for a terminal (CSV to a terminal). */
static void
sanitize_table(struct report_table *t)
{
	size_t i, n = t->nrows * t->ncols;
	char *v;
	for (i = 0; i < n; i++)
		if (t->cells[i] != NULL) {
			v = util_sanitize(t->cells[i], 0);
			free(t->cells[i]);
			t->cells[i] = v;
		}
	for (i = 0; i < t->ncols; i++) {
		v = util_sanitize(t->heads[i], 0);
		free(t->heads[i]);
		t->heads[i] = v;
	}
	for (i = 0; t->codes != NULL && i < t->nrows; i++)
		if (t->codes[i] != NULL) {
			v = util_sanitize(t->codes[i], 0);
			free(t->codes[i]);
			t->codes[i] = v;
		}
}

static int
list_reports(const struct sch_reports *rs, int lang)
{
	size_t i;
	printf("name\ttype\trecord\ttitle\n");
	for (i = 0; i < rs->n; i++) {
		char *t = util_sanitize(report_title(&rs->v[i], lang), 0);
		printf("%s\t%s\t%s\t%s\n", rs->v[i].name,
		    rs->v[i].kind == SR_AGGREGATE ? "aggregate" : "list",
		    rs->v[i].record, t);
		free(t);
	}
	return 0;
}

/* "Region: 96.71 Kota Sorong" or "All regions". */
static char *
where_text(struct db *db, const char *code)
{
	struct db_region r;
	char *err = NULL, *s;
	if (code == NULL)
		return xstrdup(_("All regions"));
	if (db_region_get(db, code, &r, &err) == 1) {
		s = xasprintf(_("Region: %s %s"), r.code, r.name);
		free(r.code);
		free(r.name);
		return s;
	}
	free(err);
	return xasprintf(_("Region: %s"), code);
}

static int
run(struct db *db, const struct sch_report *rep, struct report_query *q,
    enum fmt fmt, int page_lines)
{
	struct report_table *t = NULL, *first = NULL;
	struct report_key after = {NULL, 0, 0};
	struct textout o;
	char *err = NULL, *where;
	size_t g0;
	int rc = 0, chunk = 0, tty = isatty(STDERR_FILENO);

	if (tty)
		q->progress = progress;
	if (rep->kind == SR_LIST)
		q->limit = LIST_CHUNK;
	if (report_run(db, rep, q, &first, &err) < 0) {
		if (tty)
			fputc('\n', stderr);
		print_err(err);
		return 1;
	}
	if (tty)
		fputs("\r\033[K", stderr);
	where = where_text(db, q->region);
	memset(&o, 0, sizeof o);
	o.t = first;
	o.title = report_title(rep, q->lang);
	o.where = where;
	o.page_lines = page_lines;
	o.ncols = first->ncols;
	o.w = text_widths(first);
	/* text: one pass per column group; CSV/TSV: one pass */
	for (g0 = 1; g0 < first->ncols || (g0 == 1 && first->ncols == 1);) {
		size_t g1 = fmt == F_TEXT ? group_end(o.w, first->ncols, g0) :
		    first->ncols;
		o.g0 = g0;
		o.g1 = g1;
		for (t = first, chunk = 0; t != NULL; chunk++) {
			if (fmt == F_CSV) {
				if (isatty(STDOUT_FILENO))
					sanitize_table(t);
				rc = report_write_csv(stdout, t, ',', 1,
				    chunk == 0, &err);
			}
			else if (fmt == F_TSV)
				tsv_table(t, chunk == 0);
			else {
				o.t = t;
				if (o.page == 0 || (g0 > 1 && chunk == 0))
					page_head(&o);
				text_rows(&o, t);
				text_totals(&o);
				o.t = first;
			}
			if (rc < 0 || !t->more || t->nrows == 0)
				break;
			/* the next page of a list */
			free(after.region);
			after = t->keys[t->nrows - 1];
			after.region = xstrdup(after.region);
			q->after = &after;
			if (t != first)
				report_table_free(t);
			t = NULL;
			if (report_run(db, rep, q, &t, &err) < 0) {
				rc = -1;
				break;
			}
		}
		if (t != first)
			report_table_free(t);
		q->after = NULL;
		if (rc < 0 || fmt != F_TEXT || first->ncols <= 1)
			break;
		g0 = g1;
	}
	if (fmt == F_TEXT)
		fputc('\n', stdout);
	if (rc < 0)
		print_err(err);
	free(after.region);
	free(o.w);
	free(where);
	report_table_free(first);
	return rc < 0 ? 1 : 0;
}

int
cmd_report(struct opts *o)
{
	struct report_query q;
	struct sch_reports *rs = NULL;
	const struct sch_report *rep = NULL;
	struct schema *s = NULL;
	struct db *db = NULL;
	struct diags d = {0};
	unsigned long long v;
	const char *val, *name = NULL, *region = NULL;
	char *err = NULL;
	enum fmt fmt = F_TEXT;
	int i, bad = 0, rc = 1, page_lines = 60;

	for (i = 0; i < o->nargs && !bad; i++) {
		if ((val = arg_value(o, &i, "--region", &bad)) != NULL)
			region = val;
		else if ((val = arg_value(o, &i, "--format", &bad)) != NULL) {
			if (strcmp(val, "text") == 0)
				fmt = F_TEXT;
			else if (strcmp(val, "csv") == 0)
				fmt = F_CSV;
			else if (strcmp(val, "tsv") == 0)
				fmt = F_TSV;
			else {
				fprintf(stderr, _("kesra: --format must be text, "
				    "csv or tsv\n"));
				bad = 1;
			}
		} else if ((val = arg_value(o, &i, "--page-lines", &bad)) !=
		    NULL) {
			if (parse_count("--page-lines", val, 10000, &v) < 0)
				bad = 1;
			else if (v != 0 && v < 10) {
				fprintf(stderr, _("kesra: --page-lines must be 0 "
				    "or at least 10\n"));
				bad = 1;
			}
			page_lines = (int)v;
		} else if (!bad && o->args[i][0] != '-' && name == NULL)
			name = o->args[i];
		else if (!bad) {
			char *sv = util_sanitize(o->args[i], 0);
			fprintf(stderr, _("kesra: unexpected argument '%s'; see "
			    "'kesra --help'\n"), sv);
			free(sv);
			bad = 1;
		}
	}
	if (bad)
		return 2;
	if ((s = load_schema(o)) == NULL)
		return 1;
	if ((rs = report_load(s, NULL, &d)) == NULL) {
		diags_print(&d, stderr);
		fprintf(stderr, _("kesra: %zu problem(s) in the reports\n"), d.n);
		goto out;
	}
	if (name == NULL) {
		rc = list_reports(rs, o->lang_index);
		goto out;
	}
	if ((rep = sch_report_find(rs, name)) == NULL) {
		char *sv = util_sanitize(name, 0);
		fprintf(stderr, _("kesra: no report '%s'; 'kesra report' lists "
		    "them\n"), sv);
		free(sv);
		rc = 2;
		goto out;
	}
	if (open_db(o, s, 0, 0, 0, &db) < 0)
		goto out;
	if (expr_register_functions(db_sqlite(db), &err) < 0) {
		print_err(err);
		goto out;
	}
	memset(&q, 0, sizeof q);
	q.region = region;
	q.lang = o->lang_index;
	rc = run(db, rep, &q, fmt, page_lines);
out:
	diags_free(&d);
	db_close(db);
	sch_reports_free(rs);
	schema_free(s);
	return rc;
}
