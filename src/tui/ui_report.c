/*
 * ui_report: the reports of reports.yaml. First a list of the reports
 * (Up/Down, Home/End); Enter runs one for all regions. In a table, Enter on a row of an
 * aggregate opens its region a level down, F10/Ctrl-X goes a level up
 * (at the top: back to the list of reports); F4/Ctrl-P picks a region;
 * Left/Right scroll sideways with the first column fixed; PgDn/PgUp page
 * (a list report is read one screenful at a time, keyset pages, with the
 * keys of the pages before kept for going back); e exports the table on
 * screen (all rows of a list) to a CSV file. A report that runs longer
 * than half a second shows the seconds on the message line.
 */
#include <curses.h>
#include <limits.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "db.h"
#include "i18n.h"
#include "report.h"
#include "schema.h"
#include "ui.h"
#include "util.h"

struct rscreen {
	struct sch_reports *rs;
	int choosing;       /* 1: the list of reports */
	int rsel;           /* report chosen in the list */
	const struct sch_report *rep;
	struct report_table *t;
	char *region;       /* NULL: all regions */
	int sel, top;       /* selected row, first row shown */
	size_t hcol;        /* first scrolled column shown (>= 1) */
	struct report_key *pages; /* lists: the key before each page */
	size_t npages;      /* pages[npages - 1] starts the current page */
};

static int
body_rows(void)
{
	return LINES - 6; /* title, headings, ..., totals, message, keys */
}

static int
on_progress(void *ctx, double secs)
{
	(void)ctx;
	ui_message(_("Working on the report... %.1f s"), secs);
	refresh();
	return 0;
}

static void
free_pages(struct rscreen *r)
{
	size_t i;
	for (i = 0; i < r->npages; i++)
		free(r->pages[i].region);
	free(r->pages);
	r->pages = NULL;
	r->npages = 0;
}

/* Run the report for r->region; a list from the page after `after`. */
static int
run(struct screen *s, const struct report_key *after, int limit,
    struct report_table **out)
{
	struct rscreen *r = s->data;
	struct report_query q;
	char *err = NULL;

	memset(&q, 0, sizeof q);
	q.region = r->region;
	q.lang = s->app->lang;
	q.limit = limit;
	q.after = after;
	q.progress = on_progress;
	q.x = s->app->x;
	if (report_run(s->app->db, r->rep, &q, out, &err) < 0) {
		ui_error("%s", err);
		free(err);
		return -1;
	}
	ui_clear_message();
	return 0;
}

static int
load(struct screen *s, const struct report_key *after)
{
	struct rscreen *r = s->data;
	struct report_table *t;
	if (run(s, after, r->rep->kind == SR_LIST ? body_rows() : 0, &t) < 0)
		return -1;
	report_table_free(r->t);
	r->t = t;
	r->sel = r->top = 0;
	if (r->hcol < 1 || r->hcol >= t->ncols)
		r->hcol = 1;
	return 0;
}

/* A list's next page: remember where it starts. */
static void
next_page(struct screen *s)
{
	struct rscreen *r = s->data;
	struct report_key k;
	if (r->t == NULL || !r->t->more || r->t->nrows == 0)
		return;
	k = r->t->keys[r->t->nrows - 1];
	k.region = xstrdup(k.region);
	r->pages = xreallocarray(r->pages, r->npages + 1, sizeof *r->pages);
	r->pages[r->npages++] = k;
	if (load(s, &r->pages[r->npages - 1]) < 0) {
		free(r->pages[--r->npages].region);
	}
}

static void
prev_page(struct screen *s)
{
	struct rscreen *r = s->data;
	if (r->npages == 0)
		return;
	free(r->pages[--r->npages].region);
	load(s, r->npages > 0 ? &r->pages[r->npages - 1] : NULL);
}

/* Open (or reopen) the report at region (taken). */
static void
open_region(struct screen *s, char *region)
{
	struct rscreen *r = s->data;
	char *old = r->region;
	r->region = region;
	free_pages(r);
	if (load(s, NULL) < 0 && r->t != NULL) {
		/* keep what was shown */
		r->region = old;
		free(region);
		return;
	}
	free(old);
}

static void
put(int y, int x, const char *text, int w, int right)
{
	char *f = ui_fit(text != NULL ? text : "", w);
	int pad = w - ui_width(f);
	if (pad < 0)
		pad = 0;
	if (right)
		mvprintw(y, x, "%*s%s", pad, "", f);
	else
		mvprintw(y, x, "%s%*s", f, pad, "");
	free(f);
}

/* Column widths on screen: at most 30, the first at most 24. */
static int
colw(const struct report_table *t, size_t c)
{
	int w = t->widths[c], max = c == 0 ? 24 : 30;
	return w > max ? max : w < 1 ? 1 : w;
}

/* Paint one line of cells (cells NULL: the headings). */
static size_t
paint_line(const struct rscreen *r, int y, char *const *cells)
{
	const struct report_table *t = r->t;
	int x, w0 = colw(t, 0);
	size_t c;

	put(y, 0, cells[0], w0, 0);
	x = w0;
	for (c = r->hcol; c < t->ncols; c++) {
		int w = colw(t, c);
		if (x + 2 + w > COLS)
			break;
		mvaddstr(y, x, "  ");
		put(y, x + 2, cells[c], w, t->numeric[c]);
		x += 2 + w;
	}
	return c; /* the first column not shown */
}

static const char *
region_label(struct screen *s, char *buf, size_t n)
{
	struct rscreen *r = s->data;
	struct db_region reg;
	char *err = NULL;
	if (r->region == NULL)
		return _("All regions");
	if (db_region_get(s->app->db, r->region, &reg, &err) == 1) {
		snprintf(buf, n, "%s %s", reg.code, reg.name);
		free(reg.code);
		free(reg.name);
		return buf;
	}
	free(err);
	return r->region;
}

static void
draw_choose(struct screen *s)
{
	struct rscreen *r = s->data;
	size_t i;
	int y;

	ui_erase();
	ui_title(_("Reports"), "");
	mvaddstr(1, 2, _("Choose a report:"));
	for (i = 0; i < r->rs->n && (int)i < LINES - 5; i++) {
		const struct sch_report *p = &r->rs->v[i];
		char *line = xasprintf("%-8s %s", p->kind == SR_AGGREGATE ?
		    _("recap") : _("list"), report_title(p, s->app->lang));
		y = 2 + (int)i;
		if ((int)i == r->rsel)
			attron(A_REVERSE);
		put(y, 4, line, COLS - 8, 0);
		if ((int)i == r->rsel)
			attroff(A_REVERSE);
		free(line);
	}
	if (r->rs->n == 0)
		mvaddstr(3, 4, _("No reports: the schema folder has no "
		    "reports.yaml."));
	ui_keys(_("Enter run  F1/^G help  F10/^X back"));
	move(2 + r->rsel, 4);
	refresh();
}

static void
report_draw(struct screen *s)
{
	struct rscreen *r = s->data;
	const struct report_table *t;
	char buf[256], right[300];
	int i, y;
	size_t last;

	if (r->choosing || r->t == NULL) {
		draw_choose(s);
		return;
	}
	t = r->t;
	ui_erase();
	if (r->rep->kind == SR_LIST)
		snprintf(right, sizeof right, _("%s  page %zu"),
		    region_label(s, buf, sizeof buf), r->npages + 1);
	else
		snprintf(right, sizeof right, "%s",
		    region_label(s, buf, sizeof buf));
	ui_title(report_title(r->rep, s->app->lang), right);
	attron(A_BOLD);
	last = paint_line(r, 1, t->heads);
	attroff(A_BOLD);
	if (r->sel >= (int)t->nrows)
		r->sel = t->nrows > 0 ? (int)t->nrows - 1 : 0;
	if (r->sel < r->top)
		r->top = r->sel;
	if (r->sel >= r->top + body_rows())
		r->top = r->sel - body_rows() + 1;
	for (i = 0; i < body_rows() && r->top + i < (int)t->nrows; i++) {
		y = 2 + i;
		if (r->top + i == r->sel)
			attron(A_REVERSE);
		paint_line(r, y, &t->cells[(size_t)(r->top + i) * t->ncols]);
		if (r->top + i == r->sel)
			attroff(A_REVERSE);
	}
	if (t->nrows == 0)
		mvaddstr(3, 2, _("No records."));
	if (t->totals != NULL) {
		attron(A_BOLD);
		paint_line(r, LINES - 3, t->totals);
		attroff(A_BOLD);
	}
	if (r->hcol > 1 || last < t->ncols) {
		snprintf(buf, sizeof buf, _("columns %zu-%zu of %zu"),
		    r->hcol + 1, last, t->ncols);
		put(LINES - 3, COLS - 24, buf, 24, 1);
	}
	ui_keys(t->drill ? _("Enter down  F10/^X up  Left/Right columns  "
	    "F4/^P region  e CSV") : _("PgDn/PgUp  F10/^X back  Left/Right "
	    "columns  F4/^P region  e CSV"));
	move(2 + r->sel - r->top, 0);
	refresh();
}

static size_t
region_fetch(void *ctx, const char *filter, char ***items)
{
	struct screen *s = ctx;
	struct db_region *v = NULL;
	size_t n = 0, i, total = 0;
	char *err = NULL;
	int l;

	*items = NULL;
	for (l = RL_PROVINCE; l <= RL_VILLAGE && total < 500; l++) {
		if (db_region_children(s->app->db, NULL, l, filter,
		    (int)(500 - total), &v, &n, &err) < 0) {
			free(err);
			break;
		}
		*items = xreallocarray(*items, total + n + 1, sizeof **items);
		for (i = 0; i < n; i++)
			(*items)[total++] = xasprintf("%s  %s", v[i].code,
			    v[i].name);
		db_regions_free(v, n);
	}
	return total;
}

static void
export_csv(struct screen *s)
{
	struct rscreen *r = s->data;
	struct report_table *all = NULL;
	char *path = NULL, *err = NULL;
	FILE *f;

	if (ui_prompt(_("Export to CSV file:"), &path) < 0)
		return;
	if (r->rep->kind == SR_LIST) { /* every row, not only this page */
		if (run(s, NULL, 0, &all) < 0) {
			free(path);
			return;
		}
	}
	if ((f = fopen(path, "w")) == NULL) {
		ui_error(_("Cannot write %s: %s"), path, strerror(errno));
	} else if (report_write_csv(f, all != NULL ? all : r->t, ',', 1, 1,
	    &err) < 0 || fclose(f) != 0) {
		ui_error(_("Cannot write %s: %s"), path, err != NULL ? err :
		    strerror(errno));
		free(err);
	} else {
		char *full = realpath(path, NULL);
		ui_message(_("%zu rows written to %s"), (all != NULL ? all :
		    r->t)->nrows, full != NULL ? full : path);
		free(full);
	}
	report_table_free(all);
	free(path);
}

static int
key_choose(struct screen *s, const struct ui_event *ev)
{
	struct rscreen *r = s->data;
	switch (ev->action) {
	case ACT_UP:
		if (r->rsel > 0)
			r->rsel--;
		break;
	case ACT_DOWN:
		if (r->rsel + 1 < (int)r->rs->n)
			r->rsel++;
		break;
	case ACT_HOME:
		r->rsel = 0;
		break;
	case ACT_END:
		r->rsel = r->rs->n > 0 ? (int)r->rs->n - 1 : 0;
		break;
	case ACT_ENTER:
		if (r->rs->n == 0)
			break;
		r->rep = &r->rs->v[r->rsel];
		free(r->region);
		r->region = NULL;
		free_pages(r);
		report_table_free(r->t);
		r->t = NULL;
		r->hcol = 1;
		if (load(s, NULL) == 0)
			r->choosing = 0;
		break;
	case ACT_HELP:
		ui_help_show(_("Up/Down: choose a report\nEnter: run it for "
		    "all regions\nF10 or Ctrl-X: back"), NULL);
		break;
	case ACT_BACK:
		return UI_POP;
	default:
		return UI_OK;
	}
	s->needs_draw = 1;
	return UI_OK;
}

static int
report_key(struct screen *s, const struct ui_event *ev)
{
	struct rscreen *r = s->data;
	struct report_table *t = r->t;
	char *picked = NULL;

	if (r->choosing || t == NULL)
		return key_choose(s, ev);
	switch (ev->action) {
	case ACT_UP:
		if (r->sel > 0)
			r->sel--;
		else if (r->npages > 0) {
			prev_page(s);
			r->sel = r->t->nrows > 0 ? (int)r->t->nrows - 1 : 0;
		}
		break;
	case ACT_DOWN:
		if (r->sel + 1 < (int)t->nrows)
			r->sel++;
		else if (t->more)
			next_page(s);
		break;
	case ACT_NEXT_PAGE:
		if (r->rep->kind == SR_LIST)
			next_page(s);
		else
			r->sel += body_rows();
		break;
	case ACT_PREV_PAGE:
		if (r->rep->kind == SR_LIST)
			prev_page(s);
		else
			r->sel = r->sel > body_rows() ? r->sel - body_rows() : 0;
		break;
	case ACT_HOME:
		if (r->npages > 0) {
			free_pages(r);
			load(s, NULL);
		}
		r->sel = 0;
		break;
	case ACT_END:
		r->sel = t->nrows > 0 ? (int)t->nrows - 1 : 0;
		break;
	case ACT_LEFT:
		if (r->hcol > 1)
			r->hcol--;
		break;
	case ACT_RIGHT:
		if (r->hcol + 1 < t->ncols)
			r->hcol++;
		break;
	case ACT_ENTER:
		if (t->drill && t->nrows > 0 && t->codes != NULL &&
		    t->codes[r->sel] != NULL)
			open_region(s, xstrdup(t->codes[r->sel]));
		break;
	case ACT_PICK:
		if (r->rep->region == NULL) {
			ui_error("%s", _("This report is not by region"));
			return UI_OK;
		}
		if (ui_pick_fetch(_("Region"), region_fetch, s, &picked) == 0 &&
		    picked != NULL)
			open_region(s, xstrndup(picked, strcspn(picked, " ")));
		free(picked);
		break;
	case ACT_CHAR:
		if (ev->ch == 'e' || ev->ch == 'E')
			export_csv(s);
		else
			return UI_OK;
		break;
	case ACT_HELP:
		ui_help_show(_("Up/Down, PgDn/PgUp: move\n"
		    "Enter: open the region of the row, a level down\n"
		    "F10 or Ctrl-X: a level up; at the top, the reports\n"
		    "Left/Right: scroll the columns (the first stays)\n"
		    "F4 or Ctrl-P: choose a region\n"
		    "e: export the table to a CSV file"), NULL);
		break;
	case ACT_BACK:
		if (r->rep->kind == SR_AGGREGATE && r->region != NULL)
			open_region(s, report_region_up(r->rep, r->region));
		else {
			r->choosing = 1;
			ui_clear_message();
		}
		break;
	default:
		return UI_OK;
	}
	s->needs_draw = 1;
	return UI_OK;
}

static void
report_leave(struct screen *s)
{
	struct rscreen *r = s->data;
	free_pages(r);
	report_table_free(r->t);
	free(r->region);
	sch_reports_free(r->rs);
	free(r);
}

static const struct screen_ops report_ops = {
	NULL, report_draw, report_key, report_leave
};

void
ui_report_open(struct ui_app *app)
{
	struct diags d = {0};
	struct sch_reports *rs = report_load(app->s, db_sqlite(app->db), &d);
	struct rscreen *r;

	if (rs == NULL) {
		if (d.n > 0)
			ui_error(_("reports.yaml has %zu mistake(s); the first: "
			    "line %d: %s"), d.n, d.v[0].line, d.v[0].msg);
		diags_free(&d);
		return;
	}
	diags_free(&d);
	r = xcalloc(1, sizeof *r);
	r->rs = rs;
	r->choosing = 1;
	r->hcol = 1;
	ui_push(app, &report_ops, r);
}
