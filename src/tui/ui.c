/*
 * ui: curses set-up (raw mode, short ESCDELAY, no flow control), the screen
 * stack and main loop, the key table, the fixed lines (title on the first
 * row, message and keys on the last two) and text fitting.
 *
 * Invariant: the terminal is restored on every way out: normal quit, fatal
 * error (util fatal hook), SIGHUP and SIGTERM.
 */
#include "ui.h"

#include <curses.h>
#include <errno.h>
#include <poll.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "db.h"
#include "i18n.h"
#include "schema.h"
#include "util.h"

#define ESC_DELAY_MS 80
#define MAX_SCREENS 16
/* A form left modified this long without a key is kept as a draft
 * (KESRA_DRAFT_IDLE_SECONDS changes it, for tests). */
#define IDLE_SECONDS 30
/* get_wch returning ERR this many times in a row with input pending: the
 * terminal is gone. */
#define MAX_BAD_READS 3
/* A field's hint waits for a pause this long: heads-down typing never
 * pays its bytes (KESRA_HINT_MS changes it, for tests). */
#define HINT_MS 1500

volatile int ui_hangup;

static int idle_ms = IDLE_SECONDS * 1000;
static int hint_ms = HINT_MS;
static int idle_fired;     /* the last ui_read timed out */
static int resize_pending; /* a KEY_RESIZE was read (maybe by a pop-up) */
static int bad_reads;
static char *hint_text;    /* waiting for a pause (ui_hint) */
static int ascii_lines;    /* the terminal has no usable line drawing */
static void show_hint_now(void);

static struct screen *stack[MAX_SCREENS];
static int depth;
static int curses_on;

/* The key table: DESIGN section 5. Control keys follow nano. */
static const struct keybind {
	int code;   /* a KEY_* code or a control character */
	int is_key; /* 1: code is a KEY_* from keypad() */
	enum ui_action action;
} keytable[] = {
	{KEY_F(1), 1, ACT_HELP},      {'G' & 0x1f, 0, ACT_HELP},
	{KEY_F(2), 1, ACT_SAVE},      {'O' & 0x1f, 0, ACT_SAVE},
	{KEY_F(3), 1, ACT_SEARCH},    {'W' & 0x1f, 0, ACT_SEARCH},
	{KEY_F(4), 1, ACT_PICK},      {'P' & 0x1f, 0, ACT_PICK},
	{KEY_F(10), 1, ACT_BACK},     {'X' & 0x1f, 0, ACT_BACK},
	{KEY_F(8), 1, ACT_STATUS},    {'R' & 0x1f, 0, ACT_STATUS},
	{KEY_F(9), 1, ACT_AUDIT},     {'T' & 0x1f, 0, ACT_AUDIT},
	{KEY_IC, 1, ACT_NEW},
	{KEY_NPAGE, 1, ACT_NEXT_PAGE}, {'V' & 0x1f, 0, ACT_NEXT_PAGE},
	{KEY_PPAGE, 1, ACT_PREV_PAGE},
	{KEY_ENTER, 1, ACT_ENTER},    {'\r', 0, ACT_ENTER}, {'\n', 0, ACT_ENTER},
	{'\t', 0, ACT_TAB},           {KEY_BTAB, 1, ACT_BTAB},
	{KEY_UP, 1, ACT_UP},          {KEY_DOWN, 1, ACT_DOWN},
	{KEY_LEFT, 1, ACT_LEFT},      {KEY_RIGHT, 1, ACT_RIGHT},
	{KEY_HOME, 1, ACT_HOME},      {KEY_END, 1, ACT_END},
	{'A' & 0x1f, 0, ACT_HOME},    {'E' & 0x1f, 0, ACT_END},
	{KEY_BACKSPACE, 1, ACT_BACKSPACE}, {127, 0, ACT_BACKSPACE},
	{'H' & 0x1f, 0, ACT_BACKSPACE},
	{KEY_DC, 1, ACT_DELETE},      {'D' & 0x1f, 0, ACT_DELETE},
	{'K' & 0x1f, 0, ACT_CLEAR},
	{'L' & 0x1f, 0, ACT_REDRAW},
	{KEY_RESIZE, 1, ACT_RESIZE},
	{27, 0, ACT_ESC},
	{KEY_F(5), 1, ACT_FINDINGS},  {'F' & 0x1f, 0, ACT_FINDINGS},
};

static void
on_signal(int sig)
{
	(void)sig;
	ui_hangup = 1;
}

static void
ui_end(void)
{
	if (curses_on) {
		endwin();
		curses_on = 0;
	}
}

static int
ui_begin(char **err)
{
	const char *term = getenv("TERM");
	SCREEN *scr;
	struct sigaction sa;

	if (term == NULL || term[0] == '\0' || strcmp(term, "dumb") == 0)
		return util_err(err, _("this terminal (TERM=%s) cannot show "
		    "screens; set TERM, e.g. TERM=xterm or TERM=vt100"),
		    term != NULL && term[0] != '\0' ? term : "");
	set_escdelay(ESC_DELAY_MS);
	scr = newterm(NULL, stdout, stdin);
	if (scr == NULL) {
		char *t = util_sanitize(term, 1);
		util_err(err, _("unknown terminal type TERM=%s; try TERM=xterm "
		    "or TERM=vt100"), t);
		free(t);
		return -1;
	}
	set_term(scr);
	curses_on = 1;
	{
		/* Line drawing: none (no acsc), or a PC code page's bytes
		 * (TERM=ansi) that a UTF-8 terminal shows as letters: then
		 * borders are drawn in ASCII. */
		const char *acsc = tigetstr("acsc");
		const unsigned char *p;
		if (acsc == NULL || acsc == (char *)-1 || acsc[0] == '\0')
			ascii_lines = 1;
		else
			for (p = (const unsigned char *)acsc; *p; p++)
				if (*p >= 0x80)
					ascii_lines = 1;
	}
	util_set_fatal_hook(ui_end);
	raw();
	noecho();
	nonl();
	keypad(stdscr, TRUE);
	if (has_colors()) {
		start_color();
		use_default_colors();
	}
	curs_set(1);
	/* Let the terminal scroll and insert/delete lines and characters
	 * where that costs fewer bytes than repainting. */
	idlok(stdscr, TRUE);
	idcok(stdscr, TRUE);
	if ((term = getenv("KESRA_DRAFT_IDLE_SECONDS")) != NULL &&
	    atoi(term) > 0)
		idle_ms = atoi(term) * 1000;
	if ((term = getenv("KESRA_HINT_MS")) != NULL && atoi(term) > 0)
		hint_ms = atoi(term);
	timeout(idle_ms);

	memset(&sa, 0, sizeof sa);
	sa.sa_handler = on_signal;
	sigemptyset(&sa.sa_mask);
	sigaction(SIGHUP, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
	signal(SIGPIPE, SIG_IGN);
	return 0;
}

void
ui_read(struct ui_event *ev)
{
	wint_t ch;
	int r;
	size_t i;

	ev->action = ACT_NONE;
	ev->ch = 0;
	idle_fired = 0;
	if (ui_hangup)
		return;
	if (hint_text != NULL)
		timeout(hint_ms);
	errno = 0;
	r = get_wch(&ch);
	if (hint_text != NULL) {
		timeout(idle_ms);
		if (r == ERR && errno == 0) {
			show_hint_now(); /* a pause: the hint, not idle */
			return;
		}
		free(hint_text);
		hint_text = NULL;
	}
	if (r == ERR) {
		/*
		 * ERR is the idle time-out, a signal, or a terminal that is
		 * gone (EIO, EOF: the read returned 0). Tell them apart
		 * without blocking: a gone terminal reports an error, a
		 * hang-up, or input that get_wch cannot read. Never spin.
		 */
		struct pollfd pf = {STDIN_FILENO, POLLIN, 0};
		int e = errno;
		if (e == EINTR)
			return;
		if (e != 0 || poll(&pf, 1, 0) < 0 ||
		    (pf.revents & (POLLHUP | POLLERR | POLLNVAL)) != 0 ||
		    ((pf.revents & POLLIN) && ++bad_reads >= MAX_BAD_READS)) {
			ui_hangup = 1;
			return;
		}
		if (!(pf.revents & POLLIN)) {
			bad_reads = 0;
			idle_fired = 1;
		}
		return;
	}
	bad_reads = 0;
	if (r == KEY_CODE_YES && ch == KEY_RESIZE)
		resize_pending = 1;
	if (r == OK && ch == 27) {
		/* Alt-V arrives as Esc then v. */
		wint_t next;
		timeout(ESC_DELAY_MS);
		r = get_wch(&next);
		timeout(idle_ms);
		if (r == OK && (next == 'v' || next == 'V')) {
			ev->action = ACT_PREV_PAGE;
			return;
		}
		if (r == KEY_CODE_YES)
			ungetch((int)next); /* a function key right after Esc */
		else if (r != ERR)
			unget_wch((wchar_t)next);
	}
	for (i = 0; i < sizeof keytable / sizeof keytable[0]; i++)
		if (keytable[i].code == (int)ch &&
		    keytable[i].is_key == (r == KEY_CODE_YES)) {
			ev->action = keytable[i].action;
			return;
		}
	if (r == OK && ch >= 0x20 && ch != 0x7f && !(ch >= 0x80 && ch < 0xa0)) {
		ev->action = ACT_CHAR;
		ev->ch = ch;
	}
}

int
ui_key_pending(int ms)
{
	wint_t ch;
	int r;

	timeout(ms);
	r = get_wch(&ch);
	timeout(-1);
	if (r == ERR)
		return 0;
	if (r == KEY_CODE_YES)
		ungetch((int)ch);
	else
		unget_wch((wchar_t)ch);
	return 1;
}

int
ui_width(const char *s)
{
	char *t = util_sanitize(s, 0);
	size_t n = mbstowcs(NULL, t, 0);
	wchar_t *w;
	int width;
	if (n == (size_t)-1) {
		free(t);
		return (int)strlen(s);
	}
	w = xcalloc(n + 1, sizeof *w);
	mbstowcs(w, t, n + 1);
	width = wcswidth(w, n);
	if (width < 0)
		width = (int)n;
	free(w);
	free(t);
	return width;
}

char *
ui_fit(const char *s, int width)
{
	char *t = util_sanitize(s != NULL ? s : "", 0);
	mbstate_t st;
	const char *p = t;
	int used = 0;

	if (width <= 0) {
		t[0] = '\0';
		return t;
	}
	memset(&st, 0, sizeof st);
	while (*p != '\0') {
		wchar_t wc;
		size_t l = mbrtowc(&wc, p, strlen(p), &st);
		int w;
		if (l == (size_t)-1 || l == (size_t)-2 || l == 0)
			break;
		w = wcwidth(wc);
		if (w < 0)
			w = 1;
		if (used + w > width)
			break;
		used += w;
		p += l;
	}
	t[p - t] = '\0';
	return t;
}

void
ui_title(const char *left, const char *right)
{
	char *l, *r;
	int rw;
	r = ui_fit(right != NULL ? right : "", COLS / 2);
	rw = ui_width(r);
	l = ui_fit(left, COLS - rw - 3);
	attron(A_REVERSE);
	mvhline(0, 0, ' ', COLS);
	mvaddstr(0, 1, l);
	mvaddstr(0, COLS - rw - 1, r);
	attroff(A_REVERSE);
	free(l);
	free(r);
}

/* The message on the line above the keys, kept so that a screen that
 * repaints itself (ui_erase) shows it again until the next key. */
static char *msg_text;
static attr_t msg_attr;

static void
paint_message(void)
{
	char *f = ui_fit(msg_text != NULL ? msg_text : "", COLS - 1);
	move(LINES - 2, 0);
	clrtoeol();
	if (msg_attr)
		attron(msg_attr);
	mvaddstr(LINES - 2, 0, f);
	if (msg_attr)
		attroff(msg_attr);
	free(f);
}

static void
message(attr_t attr, const char *fmt, va_list ap)
{
	free(hint_text);
	hint_text = NULL;
	free(msg_text);
	msg_text = xvasprintf(fmt, ap);
	msg_attr = attr;
	paint_message();
}

void
ui_message(const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	message(0, fmt, ap);
	va_end(ap);
}

void
ui_error(const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	message(A_BOLD, fmt, ap);
	va_end(ap);
	beep();
}

void
ui_hint(const char *text)
{
	ui_clear_message();
	if (text != NULL)
		hint_text = xstrdup(text);
}

/* Paint the waiting hint, the cursor left where it stands. */
static void
show_hint_now(void)
{
	int y = 0, x = 0;
	msg_text = hint_text;
	hint_text = NULL;
	msg_attr = 0;
	getsyx(y, x);
	paint_message();
	wnoutrefresh(stdscr);
	setsyx(y, x);
	doupdate();
}

void
ui_clear_message(void)
{
	free(hint_text);
	hint_text = NULL;
	free(msg_text);
	msg_text = NULL;
	move(LINES - 2, 0);
	clrtoeol();
}

void
ui_erase(void)
{
	erase();
	if (msg_text != NULL)
		paint_message();
}

void
ui_keys(const char *keys)
{
	char *f = ui_fit(keys, COLS - 1);
	move(LINES - 1, 0);
	clrtoeol();
	attron(A_REVERSE);
	mvaddstr(LINES - 1, 0, f);
	attroff(A_REVERSE);
	free(f);
}

void
ui_box(void *w)
{
	if (ascii_lines)
		wborder(w, '|', '|', '-', '-', '+', '+', '+', '+');
	else
		box(w, 0, 0);
}

int
ui_too_small(void)
{
	if (LINES >= 24 && COLS >= 80)
		return 0;
	erase();
	mvaddstr(0, 0, _("Enlarge the terminal to 80x24"));
	refresh();
	return 1;
}

int
ui_confirm(const char *question)
{
	struct ui_event ev;
	ui_message("%s", question);
	refresh();
	for (;;) {
		ui_read(&ev);
		if (ui_hangup)
			return -1;
		if (ev.action == ACT_ESC || ev.action == ACT_BACK) {
			ui_clear_message();
			return -1;
		}
		if (ev.action == ACT_RESIZE) {
			/* on the message line of the new size */
			ui_message("%s", question);
			refresh();
		}
		if (ev.action == ACT_CHAR) {
			wint_t c = ev.ch;
			if (c == 'y' || c == 'Y') {
				ui_clear_message();
				return 1;
			}
			if (c == 'n' || c == 'N' || c == 't' || c == 'T') {
				ui_clear_message();
				return 0;
			}
		}
	}
}

void
ui_push(struct ui_app *app, const struct screen_ops *ops, void *data)
{
	struct screen *s;
	if (depth == MAX_SCREENS) {
		ui_error("%s", _("Too many screens open"));
		if (ops->leave != NULL) {
			struct screen tmp = {ops, app, data, 0};
			ops->leave(&tmp);
		}
		return;
	}
	s = xcalloc(1, sizeof *s);
	s->ops = ops;
	s->app = app;
	s->data = data;
	s->needs_draw = 1;
	stack[depth++] = s;
	if (ops->enter != NULL)
		ops->enter(s);
}

struct screen *
ui_top(void)
{
	return depth > 0 ? stack[depth - 1] : NULL;
}

int
ui_depth(void)
{
	return depth;
}

struct screen *
ui_screen_at(int i)
{
	return i >= 0 && i < depth ? stack[i] : NULL;
}

static void
pop(void)
{
	struct screen *s = stack[--depth];
	if (s->ops->leave != NULL)
		s->ops->leave(s);
	free(s);
	if (depth > 0)
		stack[depth - 1]->needs_draw = 1;
}

int
ui_run(struct ui_app *app, char **err)
{
	struct ui_event ev;
	int keyed = 0; /* keys since the last draft */
	int hangup_saved = 0;
	int resumed = 0;
	int rc = 0;

	if (ui_begin(err) < 0)
		return -1;
	ui_menu_open(app);
	if (db_readonly(app->db))
		ui_error(_("Read-only database: records can be viewed, not "
		    "saved"));
	while (depth > 0 && !ui_hangup) {
		struct screen *top = stack[depth - 1];
		int r;
		if (resize_pending) {
			/* read here or inside a pop-up: every screen on the
			 * stack lays itself out again when it shows */
			int i;
			for (i = 0; i < depth; i++)
				stack[i]->needs_draw = 1;
			resize_pending = 0;
		}
		if (top->needs_draw) {
			if (ui_too_small()) {
				/* nothing is lost: keys wait for a size
				 * that fits (hang-ups and idle still count) */
				ui_read(&ev);
				if (idle_fired && keyed &&
				    ui_entry_draft_save(app, 1) >= 0)
					keyed = 0;
				continue;
			}
			top->needs_draw = 0;
			top->ops->draw(top);
		}
		if (!resumed) {
			/* after the first paint: what start-up left for
			 * after it, then a draft to resume? */
			resumed = 1;
			if (app->late != NULL && app->late(app, err) < 0) {
				rc = -1;
				break;
			}
			ui_entry_resume(app);
			continue;
		}
		ui_read(&ev);
		if (ui_hangup)
			break;
		if (ev.action == ACT_NONE) {
			if (idle_fired && keyed &&
			    ui_entry_draft_save(app, 0) >= 0)
				keyed = 0;
			continue;
		}
		keyed = 1;
		if (ev.action == ACT_RESIZE || ev.action == ACT_REDRAW) {
			if (ev.action == ACT_REDRAW)
				clearok(curscr, TRUE);
			top->needs_draw = 1;
			continue;
		}
		free(msg_text); /* shown until the next key */
		msg_text = NULL;
		r = top->ops->key(top, &ev);
		if (r & UI_QUIT)
			break;
		if (r & UI_POP)
			pop();
	}
	if (ui_hangup && ui_entry_draft_save(app, 1) > 0)
		hangup_saved = 1;
	while (depth > 0)
		pop();
	free(msg_text);
	msg_text = NULL;
	free(hint_text);
	hint_text = NULL;
	ui_end();
	util_set_fatal_hook(NULL);
	if (hangup_saved)
		fprintf(stderr, "kesra: %s\n", _("stopped by a hang-up or a "
		    "signal; the form being typed was kept as a draft"));
	return rc;
}
