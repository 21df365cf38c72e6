/*
 * ui_search: the search screen. The operator types words of a name (or a
 * NIK or KK number) and the hits update as they type: the query runs
 * once the keyboard has been idle for SEARCH_IDLE_MS, so a burst of keys
 * over a slow link costs one query and one paint. Tab moves to the
 * filters (1-9 toggle the dictionary's filters, r a region, s a status,
 * c clears them); PgDn/PgUp page through the hits (keyset positions kept
 * per page, never an OFFSET); Enter opens the household at the person
 * found. Every stored text is drawn through ui_fit (sanitised).
 */
#include <curses.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "db.h"
#include "i18n.h"
#include "schema.h"
#include "search.h"
#include "ui.h"
#include "util.h"

#define SEARCH_IDLE_MS 40
#define INPUT_MAX 120
#define MAX_PAGES 4096

struct sfilter {
	const struct sch_filter *f;
	int on;
};

struct srch {
	char input[INPUT_MAX + 1];
	int in_filters;          /* Tab: keys go to the filter bar */
	struct sfilter *filters; /* every filter of the dictionary */
	size_t nfilters;
	char *region, *region_name;
	int status;              /* index into statuses, 0 = any */
	struct search_hit *hits;
	size_t n;
	int more;                /* a next page exists */
	int sel;
	struct search_pos *pages; /* where each page starts */
	int page;
	int stale;               /* run the query before the next paint */
};

static const char *const statuses[] = {NULL, "draft", "complete",
	"verified", "locked"};
#define NSTATUS ((int)(sizeof statuses / sizeof statuses[0]))

static int
rows(void)
{
	return LINES - 6;
}

static int
asked(const struct srch *q)
{
	size_t i;
	if (q->input[strspn(q->input, " ")] != '\0' || q->region != NULL ||
	    q->status != 0)
		return 1;
	for (i = 0; i < q->nfilters; i++)
		if (q->filters[i].on)
			return 1;
	return 0;
}

/* The hits of the page (an array that may be longer than q->n: see run). */
static void
hits_free(struct srch *q)
{
	size_t i;
	for (i = 0; i < q->n; i++)
		search_hit_clear(&q->hits[i]);
	free(q->hits);
	q->hits = NULL;
	q->n = 0;
}

/* Run the query for the current page. */
static void
run(struct screen *s)
{
	struct srch *q = s->data;
	struct search_query sq;
	struct search_hit *h;
	size_t n, i;
	char *err = NULL;

	hits_free(q);
	q->more = 0;
	q->stale = 0;
	if (!asked(q))
		return;
	memset(&sq, 0, sizeof sq);
	sq.text = q->input;
	sq.region = q->region;
	sq.status = statuses[q->status];
	for (i = 0; i < q->nfilters && sq.nfilters < SEARCH_MAX_FILTERS; i++)
		if (q->filters[i].on)
			sq.filters[sq.nfilters++] = q->filters[i].f->name;
	if (search_run(s->app->db, &sq, &q->pages[q->page], rows() + 1, &h,
	    &n, &err) < 0) {
		ui_error("%s", err);
		free(err);
		return;
	}
	if (n > (size_t)rows()) {
		q->more = 1;
		for (i = (size_t)rows(); i < n; i++)
			search_hit_clear(&h[i]);
		/* the array itself stays, with the first rows() hits */
		n = (size_t)rows();
	}
	q->hits = h;
	q->n = n;
	if (q->sel >= (int)n)
		q->sel = n > 0 ? (int)n - 1 : 0;
}

static void
new_query(struct srch *q)
{
	q->page = 0;
	memset(&q->pages[0], 0, sizeof q->pages[0]);
	q->sel = 0;
	q->stale = 1;
}

/* Width of a result column for field f. */
static int
col_width(const struct sch_field *f)
{
	switch (f->type) {
	case FT_NIK:
	case FT_KK:
		return 16;
	case FT_INTEGER:
	case FT_DECIMAL:
	case FT_CALCULATE:
		return 4;
	case FT_SELECT_ONE:
	case FT_YESNO:
		return 10;
	case FT_REGION:
		return 16;
	default:
		return f->width < 22 ? f->width : 22;
	}
}

static void
draw_hit(struct screen *s, int y, const struct search_hit *h, int selected)
{
	const char *lab = schema_record_label(h->def, s->app->lang);
	char mark[8];
	int x = 2, i;

	snprintf(mark, sizeof mark, "%c", lab[0] != '\0' ? lab[0] : '?');
	if (selected)
		attron(A_REVERSE);
	mvhline(y, 0, ' ', COLS);
	mvaddstr(y, 0, ui_width(mark) == 1 ? mark : " ");
	for (i = 0; i < (int)h->ncols && x < COLS - 1; i++) {
		int w = col_width(h->fields[i]);
		char *v = search_display(s->app->db, h, (size_t)i, s->app->lang);
		char *f;
		if (i == (int)h->ncols - 1 || x + w > COLS - 1)
			w = COLS - 1 - x;
		f = ui_fit(v, w);
		mvaddstr(y, x, f);
		x += w + 1;
		free(f);
		free(v);
	}
	if (selected)
		attroff(A_REVERSE);
}

static void
search_draw(struct screen *s)
{
	struct srch *q = s->data;
	struct sbuf b = {0};
	char right[64], *f;
	size_t i;
	int y;

	if (q->stale)
		run(s);
	ui_erase();
	snprintf(right, sizeof right, _("page %d%s"), q->page + 1,
	    q->more ? "+" : "");
	ui_title(_("Search"), right);
	/* the filter bar */
	for (i = 0; i < q->nfilters && i < 9; i++)
		sbuf_addf(&b, "%s%zu%s%s", i ? "  " : "", i + 1,
		    q->filters[i].on ? "*" : " ",
		    sch_text_get(&q->filters[i].f->label, s->app->lang,
		    q->filters[i].f->name));
	f = ui_fit(b.len > 0 ? b.s : "", COLS - 1);
	if (q->in_filters)
		attron(A_BOLD);
	mvaddstr(2, 0, f);
	if (q->in_filters)
		attroff(A_BOLD);
	free(f);
	sbuf_free(&b);
	for (i = 0, y = 3; i < q->n; i++, y++)
		draw_hit(s, y, &q->hits[i], (int)i == q->sel && !q->in_filters);
	if (q->n == 0)
		mvaddstr(4, 2, !asked(q) ? _("Type a name, a NIK or a KK "
		    "number.") : _("Nothing found."));
	ui_keys(q->in_filters ? _("1-9 filter  r region  s status  c clear  "
	    "Tab back to the query") : _("Enter open  Tab filters  "
	    "PgDn/PgUp page  ^K clear  F10/^X back"));
	/* region and status at the right of the query line */
	sbuf_addf(&b, "r %s: %s  s %s: %s", _("Region"), q->region_name !=
	    NULL ? q->region_name : _("all"), _("Status"),
	    statuses[q->status] != NULL ? _(statuses[q->status]) : _("all"));
	f = ui_fit(b.s, COLS - 24);
	if (q->in_filters)
		attron(A_BOLD);
	mvaddstr(1, COLS - 1 - ui_width(f), f);
	if (q->in_filters)
		attroff(A_BOLD);
	y = COLS - 3 - ui_width(f);
	free(f);
	sbuf_free(&b);
	/* the query line, last, so that the cursor stays there */
	mvprintw(1, 0, "%s ", _("Find:"));
	f = ui_fit(q->input, y - getcurx(stdscr));
	addstr(f);
	free(f);
	refresh();
}

/* Region pick list: districts and villages whose name has the text. */
static size_t
region_fetch(void *ctx, const char *filter, char ***items)
{
	struct db *db = ctx;
	size_t n = 0, m, i;
	int lv;

	*items = NULL;
	for (lv = RL_DISTRICT; lv <= RL_VILLAGE; lv++) {
		struct db_region *v;
		char *err = NULL;
		if (db_region_children(db, NULL, lv, filter, 100, &v, &m,
		    &err) < 0) {
			free(err);
			continue;
		}
		*items = xreallocarray(*items, n + m + 1, sizeof **items);
		for (i = 0; i < m; i++)
			(*items)[n++] = xasprintf("%s  %s", v[i].code,
			    v[i].name);
		db_regions_free(v, m);
	}
	return n;
}

static void
pick_region(struct screen *s)
{
	struct srch *q = s->data;
	char *picked = NULL, *sp;

	if (q->region != NULL) {
		free(q->region);
		free(q->region_name);
		q->region = q->region_name = NULL;
		return;
	}
	if (ui_pick_fetch(_("Region (district or village)"), region_fetch,
	    s->app->db, &picked) < 0 || picked == NULL)
		return;
	sp = strstr(picked, "  ");
	if (sp != NULL) {
		q->region = xstrndup(picked, (size_t)(sp - picked));
		q->region_name = xstrdup(sp + 2);
	}
	free(picked);
}

static void
open_hit(struct screen *s)
{
	struct srch *q = s->data;
	const struct search_hit *h;

	if (q->n == 0)
		return;
	h = &q->hits[q->sel];
	q->stale = 1; /* the record may change */
	if (h->def != h->root)
		ui_entry_open_at(s->app, h->root->name, h->root_id,
		    h->def->name, h->id, NULL);
	else
		ui_entry_open_at(s->app, h->def->name, h->id, NULL, 0, NULL);
}

static int
filter_key(struct screen *s, const struct ui_event *ev)
{
	struct srch *q = s->data;
	size_t i;

	switch (ev->action) {
	case ACT_TAB:
	case ACT_BTAB:
	case ACT_ESC:
	case ACT_ENTER:
		q->in_filters = 0;
		break;
	case ACT_CHAR:
		if (ev->ch >= '1' && ev->ch <= '9' &&
		    (size_t)(ev->ch - '1') < q->nfilters) {
			q->filters[ev->ch - '1'].on ^= 1;
			new_query(q);
		} else if (ev->ch == 'r' || ev->ch == 'R') {
			pick_region(s);
			new_query(q);
		} else if (ev->ch == 's' || ev->ch == 'S') {
			q->status = (q->status + 1) % NSTATUS;
			new_query(q);
		} else if (ev->ch == 'c' || ev->ch == 'C') {
			for (i = 0; i < q->nfilters; i++)
				q->filters[i].on = 0;
			free(q->region);
			free(q->region_name);
			q->region = q->region_name = NULL;
			q->status = 0;
			new_query(q);
		}
		break;
	default:
		return -1; /* not a filter key: the query's handler */
	}
	s->needs_draw = 1;
	return UI_OK;
}

static int
search_key(struct screen *s, const struct ui_event *ev)
{
	struct srch *q = s->data;
	size_t len = strlen(q->input);
	int r;

	if (q->in_filters && (r = filter_key(s, ev)) >= 0)
		return r;
	switch (ev->action) {
	case ACT_CHAR: {
		char mb[8];
		int n = wctomb(mb, (wchar_t)ev->ch);
		if (n > 0 && len + (size_t)n <= INPUT_MAX) {
			memcpy(q->input + len, mb, (size_t)n);
			q->input[len + (size_t)n] = '\0';
			new_query(q);
		}
		break;
	}
	case ACT_BACKSPACE:
		while (len > 0 && ((unsigned char)q->input[len - 1] & 0xc0) ==
		    0x80)
			len--;
		if (len > 0)
			len--;
		q->input[len] = '\0';
		new_query(q);
		break;
	case ACT_CLEAR:
		q->input[0] = '\0';
		new_query(q);
		break;
	case ACT_TAB:
	case ACT_BTAB:
		q->in_filters = 1;
		break;
	case ACT_UP:
		if (q->sel > 0)
			q->sel--;
		else if (q->page > 0) {
			q->page--;
			q->stale = 1;
			q->sel = rows() - 1;
		}
		break;
	case ACT_DOWN:
		if (q->sel + 1 < (int)q->n)
			q->sel++;
		else if (q->more && q->page + 1 < MAX_PAGES) {
			q->pages[q->page + 1] = q->hits[q->n - 1].next;
			q->page++;
			q->stale = 1;
			q->sel = 0;
		}
		break;
	case ACT_NEXT_PAGE:
		if (q->more && q->n > 0 && q->page + 1 < MAX_PAGES) {
			q->pages[q->page + 1] = q->hits[q->n - 1].next;
			q->page++;
			q->stale = 1;
			q->sel = 0;
		}
		break;
	case ACT_PREV_PAGE:
		if (q->page > 0) {
			q->page--;
			q->stale = 1;
			q->sel = 0;
		}
		break;
	case ACT_HOME:
		new_query(q);
		break;
	case ACT_ENTER:
		open_hit(s);
		return UI_OK;
	case ACT_HELP:
		ui_help_show(_("Type words of a name (each word finds the "
		    "start of a word, whatever the case and accents), or "
		    "digits of a NIK or KK number (the whole number or its "
		    "start).\n"
		    "Up/Down: choose   Enter: open the household at that "
		    "person\n"
		    "PgDn/PgUp, Ctrl-V/Alt-V: next/previous page\n"
		    "Tab: filters (1-9 toggle one, r region, s status, "
		    "c clear)\n"
		    "Ctrl-K: clear the query   F10 or Ctrl-X: back"), NULL);
		break;
	case ACT_BACK:
	case ACT_ESC:
		return UI_POP;
	default:
		return UI_OK;
	}
	/* Typing fast (or pasting): wait for the keyboard to rest before
	 * the query and the paint. */
	if (q->stale && ui_key_pending(SEARCH_IDLE_MS))
		return UI_OK;
	s->needs_draw = 1;
	return UI_OK;
}

static void
search_leave(struct screen *s)
{
	struct srch *q = s->data;
	hits_free(q);
	free(q->filters);
	free(q->pages);
	free(q->region);
	free(q->region_name);
	free(q);
}

static const struct screen_ops search_ops = {
	NULL, search_draw, search_key, search_leave
};

void
ui_search_open(struct ui_app *app)
{
	struct srch *q = xcalloc(1, sizeof *q);
	size_t i, k;

	for (i = 0; i < app->s->nrecords; i++)
		for (k = 0; k < app->s->records[i].nfilters; k++) {
			q->filters = xreallocarray(q->filters, q->nfilters + 1,
			    sizeof *q->filters);
			q->filters[q->nfilters].f = &app->s->records[i].filters[k];
			q->filters[q->nfilters++].on = 0;
		}
	q->pages = xcalloc(MAX_PAGES, sizeof *q->pages);
	ui_push(app, &search_ops, q);
}
