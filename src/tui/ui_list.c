/*
 * ui_list: the saved records of one type, a screenful at a time with keyset
 * pagination (never loads the whole table). Enter opens a record, n or
 * Insert starts a new one, Home/End jump to the first/last page at once.
 */
#include <curses.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "db.h"
#include "i18n.h"
#include "schema.h"
#include "ui.h"
#include "util.h"

struct list {
	const struct sch_record *def;
	struct db_row *rows;
	size_t n;
	int sel;
	int64_t total;
	int stale; /* reload the page and the count before the next paint */
};

static int
visible(void)
{
	return LINES - 5;
}

/* Load a page; keeps the old one when the new one is empty. */
static int
load(struct screen *s, int64_t after, int backward)
{
	struct list *l = s->data;
	struct db_row *rows;
	size_t n;
	char *err = NULL;

	if (db_record_page(s->app->db, l->def, after, backward, visible(),
	    &rows, &n, &err) < 0) {
		ui_error("%s", err);
		free(err);
		return -1;
	}
	if (n == 0 && l->n > 0) {
		db_rows_free(rows, n);
		return -1;
	}
	db_rows_free(l->rows, l->n);
	l->rows = rows;
	l->n = n;
	return 0;
}

static const char *
status_label(const char *st)
{
	if (strcmp(st, "complete") == 0)
		return _("complete");
	if (strcmp(st, "draft") == 0)
		return _("draft");
	if (strcmp(st, "verified") == 0)
		return _("verified");
	if (strcmp(st, "locked") == 0)
		return _("locked");
	return st;
}

/* 's': show only records of the next status (all, draft, complete,
 * verified, locked, all ...). */
static void
next_status(struct screen *s)
{
	static const char *const cycle[] = {
		NULL, "draft", "complete", "verified", "locked",
	};
	struct list *l = s->data;
	const char *cur = db_list_status(s->app->db);
	size_t i, k = 0;

	for (i = 1; i < sizeof cycle / sizeof cycle[0]; i++)
		if (cur != NULL && strcmp(cur, cycle[i]) == 0)
			k = i;
	k = (k + 1) % (sizeof cycle / sizeof cycle[0]);
	db_set_list_status(s->app->db, cycle[k]);
	db_rows_free(l->rows, l->n);
	l->rows = NULL;
	l->n = 0;
	l->sel = 0;
	l->stale = 1;
	load(s, 0, 0);
}

static void
list_draw(struct screen *s)
{
	struct list *l = s->data;
	char *title, *err = NULL;
	int tw = COLS - 40, i;

	if (l->stale) {
		/* Back from a form: records may have changed. */
		if (db_record_count(s->app->db, l->def, &l->total, &err) < 0)
			free(err);
		load(s, l->n > 0 ? l->rows[0].id - 1 : 0, 0);
		l->stale = 0;
	}
	if (l->sel >= (int)l->n)
		l->sel = l->n > 0 ? (int)l->n - 1 : 0;
	ui_erase();
	title = xasprintf("%s", schema_record_label(l->def, s->app->lang));
	{
		char right[64];
		const char *f = db_list_status(s->app->db);
		if (f != NULL)
			snprintf(right, sizeof right, _("%lld records, %s"),
			    (long long)l->total, status_label(f));
		else
			snprintf(right, sizeof right, _("%lld records"),
			    (long long)l->total);
		ui_title(title, right);
	}
	free(title);
	attron(A_BOLD);
	mvprintw(1, 0, "%8s  %-*s %-10s %s", _("No."), tw, _("Title"),
	    _("Status"), _("Updated"));
	attroff(A_BOLD);
	for (i = 0; i < (int)l->n; i++) {
		const struct db_row *r = &l->rows[i];
		char *t = ui_fit(r->title, tw);
		char *st = ui_fit(status_label(r->status), 10);
		char *up = ui_fit(r->updated_at != NULL ? r->updated_at : "", 16);
		int pad = tw - ui_width(t);
		if (i == l->sel)
			attron(A_REVERSE);
		mvprintw(2 + i, 0, "%8lld  %s%*s %-10s %-16s", (long long)r->id,
		    t, pad > 0 ? pad : 0, "", st, up);
		if (i == l->sel)
			attroff(A_REVERSE);
		free(t);
		free(st);
		free(up);
	}
	if (l->n == 0)
		mvaddstr(3, 2, _("No records yet. Press n to enter one."));
	ui_keys(_("Enter open  n/Ins new  PgDn/PgUp page  Home/End  "
	    "F10/^X back"));
	move(2 + l->sel, 0);
	refresh();
}

static int
list_key(struct screen *s, const struct ui_event *ev)
{
	struct list *l = s->data;

	switch (ev->action) {
	case ACT_UP:
		if (l->sel > 0)
			l->sel--;
		else if (l->n > 0 && load(s, l->rows[0].id, 1) == 0)
			l->sel = (int)l->n - 1;
		break;
	case ACT_DOWN:
		if (l->sel + 1 < (int)l->n)
			l->sel++;
		else if (l->n > 0 && load(s, l->rows[l->n - 1].id, 0) == 0)
			l->sel = 0;
		break;
	case ACT_NEXT_PAGE:
		if (l->n > 0)
			load(s, l->rows[l->n - 1].id, 0);
		break;
	case ACT_PREV_PAGE:
		if (l->n > 0 && load(s, l->rows[0].id, 1) == 0)
			l->sel = 0;
		break;
	case ACT_HOME:
		load(s, 0, 0);
		l->sel = 0;
		break;
	case ACT_END:
		load(s, INT64_MAX, 1);
		l->sel = l->n > 0 ? (int)l->n - 1 : 0;
		break;
	case ACT_ENTER:
		l->stale = 1;
		if (l->n > 0)
			ui_entry_open(s->app, l->def->name, l->rows[l->sel].id);
		return UI_OK;
	case ACT_NEW:
		l->stale = 1;
		ui_entry_open(s->app, l->def->name, 0);
		return UI_OK;
	case ACT_CHAR:
		if (ev->ch == 's' || ev->ch == 'S') {
			next_status(s);
			break;
		}
		if (ev->ch == 'n' || ev->ch == 'N') {
			l->stale = 1;
			ui_entry_open(s->app, l->def->name, 0);
			return UI_OK;
		}
		if (ev->ch != '/')
			return UI_OK;
		/* fall through */
	case ACT_SEARCH:
		l->stale = 1;
		ui_search_open(s->app);
		return UI_OK;
	case ACT_HELP:
		ui_help_show(_("Up/Down: move   PgDn/PgUp, Ctrl-V/Alt-V: page\n"
		    "Home/End: first/last page\n"
		    "Enter: open the record   n or Insert: new record\n"
		    "s: show only draft, complete, verified or locked records\n"
		    "F3, Ctrl-W or /: search\n"
		    "F10 or Ctrl-X: back"), NULL);
		break;
	case ACT_BACK:
		return UI_POP;
	default:
		return UI_OK;
	}
	s->needs_draw = 1;
	return UI_OK;
}

static void
list_leave(struct screen *s)
{
	struct list *l = s->data;
	db_rows_free(l->rows, l->n);
	db_set_list_status(s->app->db, NULL);
	free(l);
}

static const struct screen_ops list_ops = {
	NULL, list_draw, list_key, list_leave
};

void
ui_list_open(struct ui_app *app, const char *record)
{
	struct list *l;
	const struct sch_record *def = schema_record(app->s, record);
	if (def == NULL)
		return;
	l = xcalloc(1, sizeof *l);
	l->def = def;
	l->stale = 1;
	ui_push(app, &list_ops, l);
}
