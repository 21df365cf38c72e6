/*
 * ui_menu: the main menu. Lists the record types that are entered on their
 * own (rosters are entered inside their parent), with their counts. Enter
 * opens the list, n or Insert a new record of the highlighted type (the
 * first by default), F10/Ctrl-X quits.
 *
 * The counts come after the first paint: counting a register of a million
 * rows reads the whole table, and the menu should show at once.
 */
#include <curses.h>
#include <stdlib.h>
#include <string.h>

#include "db.h"
#include "i18n.h"
#include "schema.h"
#include "ui.h"
#include "util.h"

/*
 * The other screens, listed under the registers: a letter opens one.
 * Each screen's file adds its line here.
 */
static const struct tool {
	int key;           /* lower-case letter */
	const char *label; /* N_() */
	void (*open)(struct ui_app *);
} tools[] = {
	{'r', N_("Reports"), ui_report_open},
	{'v', N_("Data quality: findings by rule and village"), ui_quality_open},
	{'s', N_("Search (F3)"), ui_search_open},
	{0, NULL, NULL}
};

struct menu {
	size_t *recs; /* indices into schema records */
	size_t n;
	int sel;
	int64_t *counts;
	int stale; /* recount before the next paint */
};

static void
menu_draw(struct screen *s)
{
	struct menu *m = s->data;
	const struct schema *sc = s->app->s;
	char *title, *line;
	size_t i;

	ui_erase();
	title = xasprintf("kesra - %s v%d", sc->name, sc->version);
	ui_title(title, s->app->user);
	free(title);
	mvaddstr(2, 2, _("Choose a register:"));
	for (i = 0; i < m->n; i++) {
		const struct sch_record *r = &sc->records[m->recs[i]];
		char *f;
		line = xasprintf("%zu  %s", i + 1, schema_record_label(r,
		    s->app->lang));
		f = ui_fit(line, COLS - 24);
		if ((int)i == m->sel)
			attron(A_REVERSE);
		mvprintw(4 + (int)i, 4, "%-*s", COLS - 24, f);
		if ((int)i == m->sel)
			attroff(A_REVERSE);
		if (!m->stale)
			mvprintw(4 + (int)i, COLS - 18, _("%8lld records"),
			    (long long)m->counts[i]);
		free(f);
		free(line);
	}
	for (i = 0; tools[i].label != NULL; i++) {
		if (i == 0)
			mvaddstr(5 + (int)m->n, 2, _("Other screens:"));
		mvprintw(7 + (int)(m->n + i), 4, "%c  %s", tools[i].key,
		    _(tools[i].label));
	}
	ui_keys(_("Enter list  n/Ins new  F1/^G help  F10/^X quit"));
	move(4 + m->sel, 4);
	refresh();
	if (!m->stale)
		return;
	for (i = 0; i < m->n; i++) {
		char *err = NULL;
		if (db_record_count(s->app->db, &sc->records[m->recs[i]],
		    &m->counts[i], &err) < 0)
			free(err);
		mvprintw(4 + (int)i, COLS - 18, _("%8lld records"),
		    (long long)m->counts[i]);
	}
	/* counting a big register filled the page cache with index pages
	 * no screen needs next: the form reuses that memory (peak RSS) */
	db_release_memory(s->app->db);
	m->stale = 0;
	move(4 + m->sel, 4);
	refresh();
}

static int
menu_key(struct screen *s, const struct ui_event *ev)
{
	struct menu *m = s->data;
	const struct schema *sc = s->app->s;
	const char *name = m->n > 0 ? sc->records[m->recs[m->sel]].name : NULL;

	switch (ev->action) {
	case ACT_UP:
	case ACT_BTAB:
		if (m->sel > 0)
			m->sel--;
		break;
	case ACT_DOWN:
	case ACT_TAB:
		if (m->sel + 1 < (int)m->n)
			m->sel++;
		break;
	case ACT_ENTER:
		m->stale = 1;
		if (name != NULL)
			ui_list_open(s->app, name);
		return UI_OK;
	case ACT_NEW:
		m->stale = 1;
		if (name != NULL)
			ui_entry_open(s->app, name, 0);
		return UI_OK;
	case ACT_CHAR:
		if ((ev->ch == 'n' || ev->ch == 'N') && name != NULL) {
			m->stale = 1;
			ui_entry_open(s->app, name, 0);
			return UI_OK;
		}
		if (ev->ch >= '1' && ev->ch <= '9' &&
		    (size_t)(ev->ch - '1') < m->n)
			m->sel = (int)(ev->ch - '1');
		if (ev->ch == 'q')
			return UI_QUIT;
		{
			size_t i;
			for (i = 0; tools[i].label != NULL; i++)
				if (ev->ch == (wint_t)tools[i].key) {
					m->stale = 1;
					tools[i].open(s->app);
					return UI_OK;
				}
		}
		break;
	case ACT_HELP:
		ui_help_show(_("Up/Down or 1-9: choose a register\n"
		    "Enter: list its records\n"
		    "n or Insert: new record\n"
		    "F10 or Ctrl-X: quit kesra"), NULL);
		break;
	case ACT_SEARCH:
		m->stale = 1;
		ui_search_open(s->app);
		return UI_OK;
	case ACT_BACK:
		return UI_QUIT;
	default:
		return UI_OK;
	}
	s->needs_draw = 1;
	return UI_OK;
}

static void
menu_leave(struct screen *s)
{
	struct menu *m = s->data;
	free(m->recs);
	free(m->counts);
	free(m);
}

static const struct screen_ops menu_ops = {
	NULL, menu_draw, menu_key, menu_leave
};

void
ui_menu_open(struct ui_app *app)
{
	struct menu *m = xcalloc(1, sizeof *m);
	size_t i;
	m->recs = xcalloc(app->s->nrecords, sizeof *m->recs);
	m->counts = xcalloc(app->s->nrecords, sizeof *m->counts);
	m->stale = 1;
	for (i = 0; i < app->s->nrecords; i++)
		if (app->s->records[i].parent == NULL)
			m->recs[m->n++] = i;
	ui_push(app, &menu_ops, m);
}
