/*
 * ui: curses set-up and tear-down, the screen stack, the key table, the
 * title, message and key lines, and text fitting. Screens share one
 * interface (struct screen_ops); the main loop routes each key to the screen
 * on top. Everything drawn from data goes through ui_fit(), which sanitises.
 */
#ifndef KESRA_UI_H
#define KESRA_UI_H

#include <stdint.h>
#include <wchar.h>

struct schema;
struct db;
struct expr_set;
struct record;

struct ui_app {
	struct schema *s;
	struct db *db;
	struct expr_set *x; /* the dictionary's compiled expressions */
	int lang;           /* dictionary language index */
	const char *user;   /* operating-system user */
	/* Per record type (index in s->records): the last record saved in
	 * this session, for `persistent` fields. Owned by the UI. */
	struct record **last;
	/* Start-up work left for after the first paint (compiling the
	 * expressions when x is NULL), or NULL: -1 ends the run with *err. */
	int (*late)(struct ui_app *, char **err);
};

/* Run the interactive screens until the operator quits. */
int ui_run(struct ui_app *app, char **err);

/* What a key means, from the key table (DESIGN section 5). */
enum ui_action {
	ACT_NONE,
	ACT_CHAR,      /* a printable character in ev->ch */
	ACT_HELP,      /* F1, Ctrl-G */
	ACT_SAVE,      /* F2, Ctrl-O */
	ACT_SEARCH,    /* F3, Ctrl-W */
	ACT_BACK,      /* F10, Ctrl-X */
	ACT_PICK,      /* F4, Ctrl-P */
	ACT_NEW,       /* Insert ('n' in lists arrives as ACT_CHAR) */
	ACT_NEXT_PAGE, /* PgDn, Ctrl-V */
	ACT_PREV_PAGE, /* PgUp, Alt-V */
	ACT_ENTER,
	ACT_TAB,
	ACT_BTAB,
	ACT_UP,
	ACT_DOWN,
	ACT_LEFT,
	ACT_RIGHT,
	ACT_HOME,
	ACT_END,
	ACT_BACKSPACE,
	ACT_DELETE,
	ACT_CLEAR,     /* Ctrl-K: clear the field */
	ACT_ESC,
	ACT_REDRAW,    /* Ctrl-L */
	ACT_RESIZE,
	ACT_STATUS,    /* F8, Ctrl-R: verify, lock, unlock the record */
	ACT_AUDIT,     /* F9, Ctrl-T: the record's audit trail */
	ACT_FINDINGS,  /* F5, Ctrl-F: the record's open findings */
};

struct ui_event {
	enum ui_action action;
	wint_t ch;
};

/* Results of a screen's key handler (flags). */
enum {
	UI_OK = 0,
	UI_POP = 1,  /* close this screen */
	UI_QUIT = 2, /* leave kesra */
};

struct screen;
struct screen_ops {
	void (*enter)(struct screen *);
	void (*draw)(struct screen *);  /* full layout and paint */
	int (*key)(struct screen *, const struct ui_event *);
	void (*leave)(struct screen *); /* frees the screen's data */
};

struct screen {
	const struct screen_ops *ops;
	struct ui_app *app;
	void *data;
	int needs_draw;
};

/* Push a new screen on the stack (takes ownership of data via leave). */
void ui_push(struct ui_app *app, const struct screen_ops *ops, void *data);

/* The screen on top of the stack, or NULL. */
struct screen *ui_top(void);

/* Read one key and map it through the key table. */
void ui_read(struct ui_event *ev);

/* The three fixed lines. Text is sanitised and fitted. */
void ui_title(const char *left, const char *right);
void ui_message(const char *fmt, ...);
void ui_error(const char *fmt, ...);
void ui_keys(const char *keys);
void ui_clear_message(void);
/* A hint: cleared now, shown on the message line once the operator pauses
 * (no key for a moment); a key or another message drops it. NULL: none. */
void ui_hint(const char *text);
/* erase() for a screen's full paint, keeping the current message. */
void ui_erase(void);

/* Sanitised copy of s cut to at most width columns; caller frees. */
char *ui_fit(const char *s, int width);
/* Display width of a UTF-8 string (sanitised). */
int ui_width(const char *s);

/* A border around window w (a WINDOW *): line drawing, or ASCII + - |
 * where the terminal has none. */
void ui_box(void *w);

/* Screen too small: 1 while below 80x24 (shows the request to enlarge). */
int ui_too_small(void);

/* Yes/no question on the message line: 1 yes, 0 no, -1 cancelled (Esc). */
int ui_confirm(const char *question);

/* A line of text on the message line: 0 and *out (trimmed, non-empty),
 * or -1 when the operator pressed Esc. */
int ui_prompt(const char *question, char **out);

/* 1 when a key arrives within ms milliseconds (it stays to be read by
 * ui_read), 0 when the keyboard stayed idle. */
int ui_key_pending(int ms);

/* Set when SIGHUP or SIGTERM arrived, or the terminal is gone (EOF,
 * EIO): screens must stop; after it, nothing but endwin touches the
 * terminal. */
extern volatile int ui_hangup;

/* The screens on the stack: depth, and the one at i (0 = bottom). */
int ui_depth(void);
struct screen *ui_screen_at(int i);

/*
 * Drafts (src/core/draft.h): keep the form being typed (the top-level entry
 * on the stack, its rosters, an open roster list and row form) in the
 * database. quiet: no message (hang-up). Returns 1 when a draft was saved,
 * 0 when no form is modified, -1 on failure.
 */
int ui_entry_draft_save(struct ui_app *app, int quiet);
/* At start: offer to resume the operator's newest draft. */
void ui_entry_resume(struct ui_app *app);

/* Screens. */
void ui_menu_open(struct ui_app *app);
void ui_list_open(struct ui_app *app, const char *record);
/* The reports of reports.yaml (nothing pushed when it has mistakes). */
void ui_report_open(struct ui_app *app);
/* The data-quality screen (findings by rule or village, completeness). */
void ui_quality_open(struct ui_app *app);
/* The search screen (F3, Ctrl-W, `/` in lists). */
void ui_search_open(struct ui_app *app);
/* Open the entry form for record type `record`; id 0 = new record. */
void ui_entry_open(struct ui_app *app, const char *record, int64_t id);
/* Open record id at a place: the roster row of record `child` whose id is
 * child_id (NULL or 0: none), and there, or in the record itself, the field
 * named `field` (NULL: the first). For search results and findings. */
void ui_entry_open_at(struct ui_app *app, const char *record, int64_t id,
    const char *child, int64_t child_id, const char *field);
/* The audit trail of top-level record id of type record (and its
 * roster rows), newest last. */
void ui_audit_open(struct ui_app *app, const char *record, int64_t id);
/* Help pop-up for the current screen; field_help may be NULL. */
void ui_help_show(const char *screen_help, const char *field_help);
/* Pick list: returns the index chosen among n items, or -1. */
int ui_pick(const char *title, const char *const *items, size_t n, int current);
/* Several choices: Space toggles chosen[i]; 0 confirmed, -1 cancelled. */
int ui_pick_multi(const char *title, const char *const *items, size_t n,
    unsigned char *chosen);
/*
 * A pick list whose items fetch() returns for the typed filter (it sets
 * *items to n allocated strings, which the pick list frees). On Enter
 * *picked is a copy of the item chosen and 0 is returned; -1 cancelled.
 */
int ui_pick_fetch(const char *title, size_t (*fetch)(void *ctx,
    const char *filter, char ***items), void *ctx, char **picked);

#endif
