/*
 * ui_msg: pop-ups. The pick list (type to filter, Enter chooses, Esc
 * cancels) and the help window. Both are modal and leave the screen below
 * to repaint itself (the caller sets needs_draw).
 */
#include <curses.h>
#include <stdlib.h>
#include <string.h>

#include "i18n.h"
#include "ui.h"
#include "util.h"

static WINDOW *
popup(int h, int w)
{
	WINDOW *win;
	if (h > LINES - 2)
		h = LINES - 2;
	if (w > COLS - 2)
		w = COLS - 2;
	win = newwin(h, w, (LINES - h) / 2, (COLS - w) / 2);
	if (win == NULL)
		util_fatal("cannot make a window");
	keypad(win, TRUE);
	return win;
}

/* Case-insensitive ASCII substring test. */
static int
matches(const char *item, const char *filter)
{
	return filter[0] == '\0' || strcasestr(item, filter) != NULL;
}

/*
 * The pick list. Items come from a static list (filtered here, each shown
 * item remembers its index) or from fetch (called again whenever the
 * filter changes). multi: Space toggles chosen[] and Enter confirms.
 * Returns the index chosen (static), 0 for a fetched choice copied to
 * *picked, or -1 when cancelled.
 */
struct pick {
	const char *title;
	const char *const *items;
	size_t n;
	size_t (*fetch)(void *ctx, const char *filter, char ***items);
	void *ctx;
	unsigned char *chosen; /* multi-select marks, or NULL */
	int current;
	char **picked;
};

static int
pick_run(struct pick *pk)
{
	struct sbuf filter = {0};
	char **fetched = NULL;
	size_t nfetched = 0, *shown = NULL, ns = 0, i;
	int sel = 0, top = 0, result = -1, done = 0, w, h, refetch = 1;
	int want_w;
	WINDOW *win;

	w = ui_width(pk->title) + 6;
	if (pk->chosen != NULL) {
		int hw = ui_width(_("Filter:")) + ui_width(
		    _("   Space marks, Enter ends")) + 12;
		if (hw > w)
			w = hw;
	}
	if (w < 40 && pk->fetch != NULL)
		w = 60;
	if (w < 24)
		w = 24;
	for (i = 0; i < pk->n; i++) {
		int iw = ui_width(pk->items[i]) + 8;
		if (iw > w)
			w = iw;
	}
	want_w = w;
	h = pk->fetch != NULL ? LINES : (int)pk->n + 4;
	if (h < 8)
		h = 8;
	win = popup(h, w);
	h = getmaxy(win);
	w = getmaxx(win);
	sbuf_add(&filter, "");
	while (!done) {
		struct ui_event ev;
		int rows = h - 4, r;
		char *t, *fl;
		const char *const *list = pk->items;
		size_t nlist = pk->n;

		if (pk->fetch != NULL) {
			if (refetch) {
				for (i = 0; i < nfetched; i++)
					free(fetched[i]);
				free(fetched);
				fetched = NULL;
				nfetched = pk->fetch(pk->ctx, filter.s, &fetched);
				refetch = 0;
			}
			list = (const char *const *)fetched;
			nlist = nfetched;
		}
		shown = xreallocarray(shown, nlist ? nlist : 1, sizeof *shown);
		ns = 0;
		for (i = 0; i < nlist; i++)
			if (pk->fetch != NULL || matches(list[i], filter.s)) {
				if ((int)i == pk->current && filter.len == 0)
					sel = (int)ns;
				shown[ns++] = i;
			}
		pk->current = -1;
		if (sel >= (int)ns)
			sel = ns > 0 ? (int)ns - 1 : 0;
		if (sel < top)
			top = sel;
		if (sel >= top + rows)
			top = sel - rows + 1;
		werase(win);
		ui_box(win);
		t = ui_fit(pk->title, w - 4);
		mvwaddstr(win, 0, 2, t);
		free(t);
		for (r = 0; r < rows && top + r < (int)ns; r++) {
			size_t k = shown[top + r];
			char *line = pk->chosen != NULL ? xasprintf("[%c] %s",
			    pk->chosen[k] ? 'x' : ' ', list[k]) :
			    xstrdup(list[k]);
			char *it = ui_fit(line, w - 4);
			if (top + r == sel)
				wattron(win, A_REVERSE);
			mvwprintw(win, 1 + r, 2, "%s", it);
			wclrtoeol(win);
			if (top + r == sel)
				wattroff(win, A_REVERSE);
			free(it);
			free(line);
		}
		ui_box(win);
		t = ui_fit(pk->title, w - 4);
		mvwaddstr(win, 0, 2, t);
		free(t);
		fl = xasprintf("%s %s%s", _("Filter:"), filter.s,
		    pk->chosen != NULL ? _("   Space marks, Enter ends") : "");
		t = ui_fit(fl, w - 4);
		mvwaddstr(win, h - 2, 2, t);
		free(t);
		free(fl);
		wrefresh(win);

		ui_read(&ev);
		if (ui_hangup)
			break;
		switch (ev.action) {
		case ACT_UP:
			if (sel > 0)
				sel--;
			break;
		case ACT_DOWN:
			if (sel + 1 < (int)ns)
				sel++;
			break;
		case ACT_NEXT_PAGE:
			sel += rows;
			break;
		case ACT_PREV_PAGE:
			sel = sel > rows ? sel - rows : 0;
			break;
		case ACT_ENTER:
			if (pk->chosen != NULL) {
				result = 0;
				done = 1;
			} else if (ns > 0) {
				result = (int)shown[sel];
				if (pk->fetch != NULL) {
					*pk->picked = xstrdup(list[shown[sel]]);
					result = 0;
				}
				done = 1;
			}
			break;
		case ACT_ESC:
		case ACT_BACK:
			done = 1;
			break;
		case ACT_RESIZE:
			/* centred again in the new size, filter and choice
			 * kept; the screen below lays itself out after */
			delwin(win);
			touchwin(stdscr);
			wnoutrefresh(stdscr);
			h = pk->fetch != NULL ? LINES : (int)pk->n + 4;
			win = popup(h < 8 ? 8 : h, want_w);
			h = getmaxy(win);
			w = getmaxx(win);
			break;
		case ACT_BACKSPACE:
			while (filter.len > 0 &&
			    (filter.s[filter.len - 1] & 0xc0) == 0x80)
				filter.len--;
			if (filter.len > 0)
				filter.len--;
			filter.s[filter.len] = '\0';
			refetch = 1;
			break;
		case ACT_CHAR:
			if (ev.ch == ' ' && pk->chosen != NULL) {
				if (ns > 0)
					pk->chosen[shown[sel]] ^= 1;
				break;
			}
			if (filter.len < 64) {
				char mb[8];
				int l = wctomb(mb, (wchar_t)ev.ch);
				if (l > 0)
					sbuf_addn(&filter, mb, (size_t)l);
				refetch = 1;
			}
			break;
		default:
			break;
		}
	}
	delwin(win);
	touchwin(stdscr);
	for (i = 0; i < nfetched; i++)
		free(fetched[i]);
	free(fetched);
	sbuf_free(&filter);
	free(shown);
	return result;
}

int
ui_pick(const char *title, const char *const *items, size_t n, int current)
{
	struct pick pk = {title, items, n, NULL, NULL, NULL, current, NULL};
	return pick_run(&pk);
}

int
ui_pick_multi(const char *title, const char *const *items, size_t n,
    unsigned char *chosen)
{
	struct pick pk = {title, items, n, NULL, NULL, chosen, -1, NULL};
	return pick_run(&pk);
}

int
ui_pick_fetch(const char *title, size_t (*fetch)(void *, const char *,
    char ***), void *ctx, char **picked)
{
	struct pick pk = {title, NULL, 0, fetch, ctx, NULL, -1, picked};
	*picked = NULL;
	return pick_run(&pk);
}

/* Draw text from row y, wrapping long lines at spaces; returns the next
 * row. */
static int
draw_lines(WINDOW *win, int y, const char *text, int w, int maxy)
{
	const char *p = text;
	while (p != NULL && *p != '\0' && y < maxy) {
		const char *e = strchr(p, '\n');
		char *raw = e != NULL ? xstrndup(p, (size_t)(e - p)) : xstrdup(p);
		/* sanitised first, so that fitting keeps byte lengths */
		char *line = util_sanitize(raw, 0), *rest = line;
		free(raw);
		do {
			char *f = ui_fit(rest, w);
			size_t n = strlen(f);
			if (rest[n] != '\0') {
				/* break at the last space that fits */
				char *sp = strrchr(f, ' ');
				if (sp != NULL && sp > f) {
					n = (size_t)(sp - f);
					f[n] = '\0';
				}
			}
			mvwaddstr(win, y++, 2, f);
			free(f);
			rest += n;
			while (*rest == ' ')
				rest++;
		} while (*rest != '\0' && y < maxy);
		free(line);
		p = e != NULL ? e + 1 : NULL;
	}
	return y;
}

void
ui_help_show(const char *screen_help, const char *field_help)
{
	WINDOW *win = popup(LINES - 2, 76);
	int h = getmaxy(win), w = getmaxx(win), y = 1;
	struct ui_event ev;

	ui_box(win);
	mvwaddstr(win, 0, 2, _(" Help "));
	if (field_help != NULL) {
		y = draw_lines(win, y, field_help, w - 4, h - 2);
		y++;
	}
	draw_lines(win, y, screen_help, w - 4, h - 2);
	{
		char *f = ui_fit(_("Press any key to close"), w - 4);
		mvwaddstr(win, h - 2, 2, f);
		free(f);
	}
	wrefresh(win);
	ui_read(&ev);
	delwin(win);
	touchwin(stdscr);
}

int
ui_prompt(const char *question, char **out)
{
	struct sbuf b = {0};
	int result = -1;

	*out = NULL;
	sbuf_add(&b, "");
	for (;;) {
		struct ui_event ev;
		/* the start of the question, the end of the answer */
		int aw = ui_width(b.s), qw;
		const char *ans = b.s;
		char *q, *a;
		while (aw > COLS / 2 && *ans != '\0') {
			ans++;
			while ((*ans & 0xc0) == 0x80)
				ans++;
			aw = ui_width(ans);
		}
		qw = COLS - 2 - aw;
		q = ui_fit(question, qw);
		a = ui_fit(ans, COLS - 2 - ui_width(q));
		move(LINES - 2, 0);
		clrtoeol();
		attron(A_BOLD);
		mvaddstr(LINES - 2, 0, q);
		attroff(A_BOLD);
		addch(' ');
		addstr(a);
		refresh();
		free(q);
		free(a);
		ui_read(&ev);
		if (ui_hangup)
			break;
		if (ev.action == ACT_ESC || ev.action == ACT_BACK)
			break;
		if (ev.action == ACT_ENTER) {
			char *t = util_trim(b.s);
			if (t[0] != '\0') {
				*out = t;
				result = 0;
				break;
			}
			free(t);
			beep();
		} else if (ev.action == ACT_BACKSPACE && b.len > 0) {
			while (b.len > 0 && (b.s[b.len - 1] & 0xc0) == 0x80)
				b.len--;
			if (b.len > 0)
				b.len--;
			b.s[b.len] = '\0';
		} else if (ev.action == ACT_CHAR && b.len < 500) {
			char mb[8];
			int l = wctomb(mb, (wchar_t)ev.ch);
			if (l > 0)
				sbuf_addn(&b, mb, (size_t)l);
		}
	}
	move(LINES - 2, 0);
	clrtoeol();
	sbuf_free(&b);
	return result;
}
