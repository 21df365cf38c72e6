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

int
ui_pick(const char *title, const char *const *items, size_t n, int current)
{
	struct sbuf filter = {0};
	size_t *shown = xcalloc(n ? n : 1, sizeof *shown), ns = 0, i;
	int sel = 0, top = 0, result = -1, done = 0, w, h;
	WINDOW *win;

	w = ui_width(title) + 6;
	if (w < 24)
		w = 24;

	for (i = 0; i < n; i++) {
		int iw = ui_width(items[i]) + 4;
		if (iw > w)
			w = iw;
	}
	h = (int)n + 4;
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

		ns = 0;
		for (i = 0; i < n; i++)
			if (matches(items[i], filter.s)) {
				if ((int)i == current && filter.len == 0)
					sel = (int)ns;
				shown[ns++] = i;
			}
		current = -1;
		if (sel >= (int)ns)
			sel = ns > 0 ? (int)ns - 1 : 0;
		if (sel < top)
			top = sel;
		if (sel >= top + rows)
			top = sel - rows + 1;
		werase(win);
		box(win, 0, 0);
		t = ui_fit(title, w - 4);
		mvwaddstr(win, 0, 2, t);
		free(t);
		for (r = 0; r < rows && top + r < (int)ns; r++) {
			char *it = ui_fit(items[shown[top + r]], w - 4);
			if (top + r == sel)
				wattron(win, A_REVERSE);
			mvwprintw(win, 1 + r, 2, "%-*s", w - 4, it);
			if (top + r == sel)
				wattroff(win, A_REVERSE);
			free(it);
		}
		fl = xasprintf("%s %s", _("Filter:"), filter.s);
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
			if (ns > 0)
				result = (int)shown[sel];
			done = ns > 0;
			break;
		case ACT_ESC:
		case ACT_BACK:
			done = 1;
			break;
		case ACT_BACKSPACE:
			while (filter.len > 0 &&
			    (filter.s[filter.len - 1] & 0xc0) == 0x80)
				filter.len--;
			if (filter.len > 0)
				filter.len--;
			filter.s[filter.len] = '\0';
			break;
		case ACT_CHAR:
			if (filter.len < 64) {
				char mb[8];
				int l = wctomb(mb, (wchar_t)ev.ch);
				if (l > 0)
					sbuf_addn(&filter, mb, (size_t)l);
			}
			break;
		default:
			break;
		}
	}
	delwin(win);
	touchwin(stdscr);
	sbuf_free(&filter);
	free(shown);
	return result;
}

/* Draw text lines from row y; returns the next row. */
static int
draw_lines(WINDOW *win, int y, const char *text, int w, int maxy)
{
	const char *p = text;
	while (p != NULL && *p != '\0' && y < maxy) {
		const char *e = strchr(p, '\n');
		char *line = e != NULL ? xstrndup(p, (size_t)(e - p)) : xstrdup(p);
		char *f = ui_fit(line, w);
		mvwaddstr(win, y++, 2, f);
		free(f);
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

	box(win, 0, 0);
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
