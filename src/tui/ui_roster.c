/*
 * ui_roster: the rows of a roster (the members of a household) inside
 * their parent's form. n or Insert adds a row, Enter edits one, Delete or
 * Ctrl-D removes one (asked), + and - move it down and up, F2 saves the
 * whole household, PgUp or F10 goes back to the household's fields, and
 * Tab goes to the next roster when the record has several.
 *
 * The rows live in the top-level entry (struct roster) until it is saved;
 * this screen only shows and rearranges them.
 */
#include <curses.h>
#include <stdlib.h>
#include <string.h>

#include "i18n.h"
#include "record.h"
#include "schema.h"
#include "ui.h"
#include "ui_entry.h"
#include "util.h"

struct rview {
	struct entry *e;
	size_t k;  /* which roster */
	int sel;
	int top;
};

/* The columns shown: the form's roster_columns, else the first three. */
static size_t
columns(const struct sch_record *def, size_t *out, size_t max)
{
	size_t i, n = 0;
	if (def->nroster_columns > 0) {
		for (i = 0; i < def->nroster_columns && n < max; i++)
			out[n++] = def->roster_columns[i];
		return n;
	}
	for (i = 0; i < def->nfields && n < 3 && n < max; i++)
		if (schema_field_stored(&def->fields[i]))
			out[n++] = i;
	return n;
}

/*
 * Column widths: each column as wide as its field needs (a choice shows
 * its code and label), then the widest shrunk until the row fits.
 */
static void
widths(const struct sch_record *def, const size_t *cols, size_t nc, int *cw,
    int avail)
{
	size_t c;
	int total = 0;
	for (c = 0; c < nc; c++) {
		const struct sch_field *f = &def->fields[cols[c]];
		int w = f->width + 1;
		if (f->type == FT_SELECT_ONE)
			w = 18;
		else if (f->type == FT_CALCULATE)
			w = 6;
		if (w < 5)
			w = 5;
		if (w > 30)
			w = 30;
		cw[c] = w;
		total += w;
	}
	while (total > avail) {
		size_t widest = 0;
		for (c = 1; c < nc; c++)
			if (cw[c] > cw[widest])
				widest = c;
		if (cw[widest] <= 5)
			break;
		cw[widest]--;
		total--;
	}
}

static void
roster_draw(struct screen *s)
{
	struct rview *v = s->data;
	struct entry *e = v->e;
	struct roster *ro = &e->rosters[v->k];
	size_t cols[8], nc = columns(ro->def, cols, 8), c;
	int rows = LINES - 5, i, x, cw[8];
	char *title, *left, right[64];

	ui_erase();
	title = ui_record_title(e->rec);
	left = xasprintf("%s %s - %s", schema_record_label(e->def,
	    e->app->lang), title[0] != '\0' ? title : _("(new)"),
	    schema_record_label(ro->def, e->app->lang));
	if (ro->def->max_count > 0)
		snprintf(right, sizeof right, _("%zu rows (%d-%d)"), ro->n,
		    ro->def->min_count, ro->def->max_count);
	else
		snprintf(right, sizeof right, _("%zu rows"), ro->n);
	ui_title(left, right);
	free(left);
	free(title);

	widths(ro->def, cols, nc, cw, COLS - 5);
	attron(A_BOLD);
	mvaddstr(1, 0, " No.");
	for (c = 0, x = 5; c < nc; x += cw[c], c++) {
		char *h = ui_fit(schema_field_label(&ro->def->fields[cols[c]],
		    e->app->lang), cw[c] - 1);
		mvaddstr(1, x, h);
		free(h);
	}
	attroff(A_BOLD);
	if (v->sel >= (int)ro->n)
		v->sel = ro->n > 0 ? (int)ro->n - 1 : 0;
	if (v->sel < v->top)
		v->top = v->sel;
	if (v->sel >= v->top + rows)
		v->top = v->sel - rows + 1;
	for (i = 0; i < rows && v->top + i < (int)ro->n; i++) {
		const struct record *r = ro->rows[v->top + i];
		if (v->top + i == v->sel)
			attron(A_REVERSE);
		mvprintw(2 + i, 0, "%3d ", v->top + i + 1);
		for (c = 0, x = 5; c < nc; x += cw[c], c++) {
			const struct sch_field *f = &ro->def->fields[cols[c]];
			const char *val = record_get(r, cols[c]);
			const struct sch_choice *ch = f->type == FT_SELECT_ONE ?
			    schema_choice(f->vs, val) : NULL;
			char *shown = ch != NULL ? xasprintf("%s %s", val,
			    sch_text_get(&ch->label, e->app->lang, "")) :
			    xstrdup(val != NULL ? val : "");
			char *t = ui_fit(shown, cw[c] - 1);
			free(shown);
			mvprintw(2 + i, x, "%s", t);
			free(t);
		}
		if (v->top + i == v->sel)
			attroff(A_REVERSE);
	}
	if (ro->n == 0)
		mvaddstr(3, 2, _("No rows yet. Press n to add one."));
	ui_keys(_("n add  Enter edit  Del remove  +/- move  F2 save  "
	    "PgUp/F10 back"));
	move(2 + v->sel - v->top, 0);
	refresh();
}

static int
roster_key(struct screen *s, const struct ui_event *ev)
{
	struct rview *v = s->data;
	struct entry *e = v->e;
	struct roster *ro = &e->rosters[v->k];
	struct record *t;

	switch (ev->action) {
	case ACT_UP:
		if (v->sel > 0)
			v->sel--;
		break;
	case ACT_DOWN:
		if (v->sel + 1 < (int)ro->n)
			v->sel++;
		break;
	case ACT_HOME:
		v->sel = 0;
		break;
	case ACT_END:
		v->sel = ro->n > 0 ? (int)ro->n - 1 : 0;
		break;
	case ACT_NEW:
		ui_entry_open_row(e, v->k, -1);
		v->sel = (int)ro->n; /* the new row, once kept */
		return UI_OK;
	case ACT_ENTER:
		if (ro->n > 0)
			ui_entry_open_row(e, v->k, v->sel);
		else
			ui_entry_open_row(e, v->k, -1);
		return UI_OK;
	case ACT_DELETE:
		if (ro->n == 0)
			break;
		if (ui_confirm(_("Remove this row? y = remove, n = keep")) !=
		    1)
			break;
		t = ro->rows[v->sel];
		if (t->id != 0) {
			ro->deleted = xreallocarray(ro->deleted,
			    ro->ndeleted + 1, sizeof *ro->deleted);
			ro->deleted[ro->ndeleted++] = t->id;
		}
		record_free(t);
		memmove(&ro->rows[v->sel], &ro->rows[v->sel + 1],
		    (ro->n - (size_t)v->sel - 1) * sizeof *ro->rows);
		ro->n--;
		e->rosters_dirty = 1;
		break;
	case ACT_TAB:
		if (e->nrosters > 1) {
			v->k = (v->k + 1) % e->nrosters;
			v->sel = v->top = 0;
		}
		break;
	case ACT_CHAR:
		if (ev->ch == 'n' || ev->ch == 'N') {
			ui_entry_open_row(e, v->k, -1);
			v->sel = (int)ro->n;
			return UI_OK;
		}
		if ((ev->ch == '+' && v->sel + 1 < (int)ro->n) ||
		    (ev->ch == '-' && v->sel > 0)) {
			int o = ev->ch == '+' ? v->sel + 1 : v->sel - 1;
			t = ro->rows[v->sel];
			ro->rows[v->sel] = ro->rows[o];
			ro->rows[o] = t;
			v->sel = o;
			e->rosters_dirty = 1;
			break;
		}
		return UI_OK;
	case ACT_SAVE:
		ui_entry_save(e);
		s->needs_draw = 1;
		return UI_OK;
	case ACT_HELP:
		ui_help_show(_("n or Insert: add a row   Enter: edit the row\n"
		    "Delete or Ctrl-D: remove the row\n"
		    "+ / -: move the row down / up\n"
		    "Tab: next list (when there are several)\n"
		    "F2 or Ctrl-O: save the whole record\n"
		    "PgUp, F10 or Ctrl-X: back to the record's fields"), NULL);
		break;
	case ACT_PREV_PAGE:
	case ACT_BACK:
	case ACT_BTAB:
		return UI_POP;
	default:
		return UI_OK;
	}
	s->needs_draw = 1;
	return UI_OK;
}

static void
roster_leave(struct screen *s)
{
	free(s->data);
}

static const struct screen_ops roster_ops = {
	NULL, roster_draw, roster_key, roster_leave
};

void
ui_roster_open(struct entry *e, size_t k)
{
	struct rview *v;
	if (k >= e->nrosters)
		return;
	v = xcalloc(1, sizeof *v);
	v->e = e;
	v->k = k;
	ui_push(e->app, &roster_ops, v);
}

int
ui_roster_where(const struct screen *s, size_t *k, int *sel)
{
	const struct rview *v;
	if (s == NULL || s->ops != &roster_ops)
		return 0;
	v = s->data;
	*k = v->k;
	*sel = v->sel;
	return 1;
}

void
ui_roster_select(int sel)
{
	struct screen *s = ui_top();
	if (s != NULL && s->ops == &roster_ops && sel >= 0)
		((struct rview *)s->data)->sel = sel;
}
