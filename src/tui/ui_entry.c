/*
 * ui_entry: the entry form of one record. Heads-down keying: Enter/Tab/Down
 * go to the next field after checking the value (type, required, range,
 * value set) with the message on one line; Shift-Tab/Up go back; F2/Ctrl-O
 * saves in one transaction; F10/Ctrl-X goes back, asking when something is
 * unsaved.
 *
 * Invariant: rec holds the checked, canonical value of every field the
 * cursor has left; only the current field's buffer may hold unchecked text.
 * orig is the record as last loaded or saved: the form is modified when the
 * two differ or the current buffer was edited.
 */
#include <curses.h>
#include <stdlib.h>
#include <string.h>

#include "db.h"
#include "i18n.h"
#include "record.h"
#include "schema.h"
#include "ui.h"
#include "ui_form.h"
#include "util.h"
#include "validate.h"

struct entry {
	const struct sch_record *def;
	struct record *rec;
	struct record *orig;
	struct uif *form;
	WINDOW *win;
	size_t cur; /* schema index of the current field, kept over re-layout */
};

static void
entry_refresh(struct screen *s)
{
	struct entry *e = s->data;
	char *left, right[64];
	const char *pt = uif_page_title(e->form);

	if (e->rec->id == 0)
		left = xasprintf("%s: %s", schema_record_label(e->def,
		    s->app->lang), _("new"));
	else
		left = xasprintf("%s #%lld", schema_record_label(e->def,
		    s->app->lang), (long long)e->rec->id);
	snprintf(right, sizeof right, _("page %d/%d"), uif_page(e->form) + 1,
	    uif_npages(e->form));
	if (pt[0] != '\0') {
		char *l2 = xasprintf("%s - %s", left, pt);
		free(left);
		left = l2;
	}
	ui_title(left, right);
	free(left);
	wnoutrefresh(stdscr);
	uif_cursor(e->form);
	wnoutrefresh(e->win);
	doupdate();
}

static void
entry_draw(struct screen *s)
{
	struct entry *e = s->data;
	char *pending = NULL;
	size_t i;

	if (e->form != NULL) {
		e->cur = uif_current(e->form);
		if (uif_changed(e->form, e->cur))
			pending = uif_buffer(e->form, e->cur);
		uif_free(e->form);
		delwin(e->win);
	}
	erase();
	e->win = newwin(LINES - 3, COLS, 1, 0);
	if (e->win == NULL)
		util_fatal("cannot make a window");
	e->form = uif_new(e->def, s->app->lang, e->win);
	for (i = 0; i < e->def->nfields; i++)
		uif_show(e->form, i, record_get(e->rec, i));
	uif_goto(e->form, e->cur);
	if (pending != NULL)
		uif_set_text(e->form, e->cur, pending);
	free(pending);
	ui_keys(_("F1/^G help  F2/^O save  F4/^P choices  F10/^X back  "
	    "PgDn/^V PgUp pages"));
	entry_refresh(s);
}

static void
show_hint(struct screen *s)
{
	struct entry *e = s->data;
	const struct sch_field *f = &e->def->fields[uif_current(e->form)];
	const char *hint = sch_text_get(&f->hint, s->app->lang, NULL);
	if (hint != NULL)
		ui_message("%s", hint);
	else
		ui_clear_message();
}

/*
 * Check the current field and keep its canonical value. strict: an empty
 * required field is an error (moving forward, saving); otherwise it may be
 * left empty for now (moving back).
 */
static int
commit(struct screen *s, int strict)
{
	struct entry *e = s->data;
	size_t idx = uif_current(e->form);
	const struct sch_field *f = &e->def->fields[idx];
	int changed = uif_changed(e->form, idx);
	char *buf = changed ? uif_buffer(e->form, idx) : NULL;
	char *norm = NULL, *msg = NULL;
	const char *rule = NULL;
	int rc = 0;

	if (validate_value(f, changed ? buf : record_get(e->rec, idx),
	    s->app->lang, &norm, &rule, &msg) < 0) {
		if (strict || strcmp(rule, "required") != 0) {
			ui_error("%s: %s", schema_field_label(f, s->app->lang),
			    msg);
			uif_end(e->form); /* reading the buffer moved the cursor */
			rc = -1;
		}
	} else if (changed) {
		record_set(e->rec, idx, norm);
		uif_show(e->form, idx, norm);
	}
	free(norm);
	free(msg);
	free(buf);
	return rc;
}

static int
modified(struct entry *e)
{
	return !record_values_equal(e->rec, e->orig) ||
	    uif_changed(e->form, uif_current(e->form));
}

static void
move_to(struct screen *s, size_t pos)
{
	struct entry *e = s->data;
	uif_goto(e->form, uif_field_at(e->form, pos));
	show_hint(s);
}

static void
move_next(struct screen *s)
{
	struct entry *e = s->data;
	size_t pos = uif_pos(e->form);
	if (commit(s, 1) < 0)
		return;
	if (pos + 1 < uif_count(e->form))
		move_to(s, pos + 1);
	else
		ui_message("%s", _("End of the form: F2 or Ctrl-O saves"));
}

static void
move_prev(struct screen *s)
{
	struct entry *e = s->data;
	size_t pos = uif_pos(e->form);
	if (commit(s, 0) < 0)
		return;
	if (pos > 0)
		move_to(s, pos - 1);
}

static void
move_page(struct screen *s, int delta)
{
	struct entry *e = s->data;
	int p = uif_page(e->form) + delta;
	if (commit(s, delta > 0) < 0)
		return;
	if (p < 0 || p >= uif_npages(e->form))
		return;
	uif_goto_page(e->form, p);
	show_hint(s);
}

static const char *
rec_get(void *rec, size_t i)
{
	return record_get(rec, i);
}

static int
save(struct screen *s)
{
	struct entry *e = s->data;
	struct findings fs = {0};
	char *err = NULL, *title;

	if (commit(s, 1) < 0)
		return -1;
	if (validate_record(e->rec, s->app->lang, &fs) > 0) {
		const struct finding *f = &fs.v[0];
		uif_goto(e->form, f->field);
		ui_error("%s: %s", schema_field_label(&e->def->fields[f->field],
		    s->app->lang), f->msg);
		findings_free(&fs);
		return -1;
	}
	findings_free(&fs);
	snprintf(e->rec->status, sizeof e->rec->status, "complete");
	if (db_record_save(s->app->db, e->rec, s->app->user, &err) < 0) {
		ui_error("%s: %s", _("Not saved"), err);
		free(err);
		return -1;
	}
	record_free(e->orig);
	e->orig = record_copy(e->rec);
	title = record_title(e->def, rec_get, e->rec);
	ui_message(_("Saved: %s (#%lld)"), title, (long long)e->rec->id);
	free(title);
	return 0;
}

static void
pick(struct screen *s)
{
	struct entry *e = s->data;
	size_t idx = uif_current(e->form), i, n;
	const struct sch_field *f = &e->def->fields[idx];
	const char *cur = record_get(e->rec, idx);
	char **items;
	const char **codes;
	int current = 0, chosen;

	if (f->type == FT_YESNO) {
		n = 2;
		items = xcalloc(n, sizeof *items);
		codes = xcalloc(n, sizeof *codes);
		items[0] = xasprintf("1  %s", _("Yes"));
		items[1] = xasprintf("0  %s", _("No"));
		codes[0] = "1";
		codes[1] = "0";
	} else if (f->type == FT_SELECT_ONE && f->vs != NULL) {
		n = f->vs->nchoices;
		items = xcalloc(n, sizeof *items);
		codes = xcalloc(n, sizeof *codes);
		for (i = 0; i < n; i++) {
			const struct sch_choice *c = &f->vs->choices[i];
			items[i] = xasprintf("%s  %s", c->code,
			    sch_text_get(&c->label, s->app->lang, ""));
			codes[i] = c->code;
		}
	} else {
		ui_message("%s", _("This field has no list of choices"));
		return;
	}
	for (i = 0; i < n; i++)
		if (cur != NULL && strcmp(codes[i], cur) == 0)
			current = (int)i;
	chosen = ui_pick(schema_field_label(f, s->app->lang),
	    (const char *const *)items, n, current);
	s->needs_draw = 1;
	if (chosen >= 0) {
		uif_set_text(e->form, idx, codes[chosen]);
		e->cur = idx;
		/* the re-layout keeps the pending text; then commit it */
		entry_draw(s);
		s->needs_draw = 0;
		move_next(s);
	}
	for (i = 0; i < n; i++)
		free(items[i]);
	free(items);
	free(codes);
}

static void
help(struct screen *s)
{
	struct entry *e = s->data;
	const struct sch_field *f = &e->def->fields[uif_current(e->form)];
	struct sbuf b = {0};
	char num[32];
	size_t i;

	sbuf_addf(&b, "%s (%s)%s\n", schema_field_label(f, s->app->lang),
	    f->name, f->required ? _(", required") : "");
	sbuf_addf(&b, _("Type: %s"), field_types[f->type].name);
	if (f->has_min) {
		util_fmt_double(f->min, num, sizeof num);
		sbuf_addf(&b, _(", at least %s"), num);
	}
	if (f->has_max) {
		util_fmt_double(f->max, num, sizeof num);
		sbuf_addf(&b, _(", at most %s"), num);
	}
	sbuf_addc(&b, '\n');
	if (f->type == FT_DATE)
		sbuf_addf(&b, "%s\n", _("Dates: DD-MM-YYYY or YYYY-MM-DD"));
	if (f->type == FT_YESNO)
		sbuf_addf(&b, "%s\n", _("1 = yes, 0 = no"));
	if (sch_text_get(&f->hint, s->app->lang, NULL) != NULL)
		sbuf_addf(&b, "%s\n", sch_text_get(&f->hint, s->app->lang, ""));
	if (f->type == FT_SELECT_ONE && f->vs != NULL)
		for (i = 0; i < f->vs->nchoices && i < 8; i++)
			sbuf_addf(&b, "  %s  %s\n", f->vs->choices[i].code,
			    sch_text_get(&f->vs->choices[i].label, s->app->lang,
			    ""));
	ui_help_show(_("Enter, Tab, Down: next field (the value is checked)\n"
	    "Shift-Tab, Up: previous field\n"
	    "F2, Ctrl-O: save the record\n"
	    "F4, Ctrl-P: list of choices (type to filter)\n"
	    "PgDn, Ctrl-V / PgUp, Alt-V: next / previous page\n"
	    "Ctrl-K: clear the field   Ctrl-L: redraw\n"
	    "F10, Ctrl-X: back"), b.s);
	sbuf_free(&b);
	s->needs_draw = 1;
}

static int
entry_key(struct screen *s, const struct ui_event *ev)
{
	struct entry *e = s->data;
	int r;

	switch (ev->action) {
	case ACT_CHAR:
		uif_char(e->form, ev->ch);
		break;
	case ACT_ENTER:
	case ACT_TAB:
	case ACT_DOWN:
		move_next(s);
		break;
	case ACT_BTAB:
	case ACT_UP:
		move_prev(s);
		break;
	case ACT_LEFT:
		uif_left(e->form);
		break;
	case ACT_RIGHT:
		uif_right(e->form);
		break;
	case ACT_HOME:
		uif_home(e->form);
		break;
	case ACT_END:
		uif_end(e->form);
		break;
	case ACT_BACKSPACE:
		uif_backspace(e->form);
		break;
	case ACT_DELETE:
		uif_delete(e->form);
		break;
	case ACT_CLEAR:
		uif_clear(e->form);
		break;
	case ACT_NEXT_PAGE:
		move_page(s, 1);
		break;
	case ACT_PREV_PAGE:
		move_page(s, -1);
		break;
	case ACT_SAVE:
		save(s);
		break;
	case ACT_PICK:
		pick(s);
		break;
	case ACT_HELP:
		help(s);
		return UI_OK;
	case ACT_ESC:
		ui_clear_message();
		break;
	case ACT_SEARCH:
		ui_message("%s", _("Search is not available in this version"));
		break;
	case ACT_BACK:
		if (!modified(e))
			return UI_POP;
		r = ui_confirm(_("Unsaved changes. Save them? y = save, n = "
		    "discard, Esc = stay"));
		if (r == 0 || (r == 1 && save(s) == 0))
			return UI_POP;
		break;
	default:
		break;
	}
	if (!s->needs_draw)
		entry_refresh(s);
	return UI_OK;
}

static void
entry_leave(struct screen *s)
{
	struct entry *e = s->data;
	uif_free(e->form);
	if (e->win != NULL)
		delwin(e->win);
	record_free(e->rec);
	record_free(e->orig);
	free(e);
}

static const struct screen_ops entry_ops = {
	NULL, entry_draw, entry_key, entry_leave
};

void
ui_entry_open(struct ui_app *app, const char *record, int64_t id)
{
	const struct sch_record *def = schema_record(app->s, record);
	struct entry *e;
	struct record *r = NULL;
	char *err = NULL;

	if (def == NULL)
		return;
	if (id > 0 && db_record_load(app->db, def, id, &r, &err) < 0) {
		ui_error("%s", err);
		free(err);
		return;
	}
	e = xcalloc(1, sizeof *e);
	e->def = def;
	e->rec = r != NULL ? r : record_new(def);
	e->orig = record_copy(e->rec);
	e->cur = def->pages[0].nfields > 0 ? def->pages[0].fields[0] : 0;
	ui_push(app, &entry_ops, e);
}
