/*
 * ui_audit: the history of one record (its audit trail, with its roster
 * rows), from the entry form (F9 / Ctrl-T). One line per change: when,
 * who, what (field: old -> new) and the reason; Up/Down/PgDn/PgUp
 * scroll, F10/Ctrl-X/Esc go back. Stored text goes through ui_fit.
 */
#include <curses.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <wchar.h>

#include "audit.h"
#include "db.h"
#include "i18n.h"
#include "schema.h"
#include "ui.h"
#include "util.h"

struct trail {
	const struct sch_record *def;
	int64_t id;
	struct audit_row *rows;
	size_t n;
	int top; /* first row shown */
};

static int
visible(void)
{
	return LINES - 5;
}

static const char *
action_label(const char *a)
{
	if (strcmp(a, "insert") == 0)
		return _("new");
	if (strcmp(a, "update") == 0)
		return _("changed");
	if (strcmp(a, "delete") == 0)
		return _("removed");
	if (strcmp(a, "status") == 0)
		return _("status");
	if (strcmp(a, "accept") == 0)
		return _("accepted");
	return a;
}

/* The text of one change: "[member 3] field: old -> new". */
static char *
line_text(const struct trail *t, const struct audit_row *r)
{
	struct sbuf b = {0};

	if (strcmp(r->record, t->def->name) != 0 || r->parent_id != 0)
		sbuf_addf(&b, "[%s %lld] ", r->record, (long long)r->record_id);
	if (r->field != NULL)
		sbuf_addf(&b, "%s: ", r->field);
	if (r->old_value != NULL || strcmp(r->action, "update") == 0)
		sbuf_addf(&b, "%s -> ", r->old_value != NULL ? r->old_value :
		    "-");
	if (r->new_value != NULL)
		sbuf_add(&b, r->new_value);
	else if (r->old_value != NULL || strcmp(r->action, "update") == 0)
		sbuf_add(&b, "-");
	return sbuf_steal(&b);
}

/*
 * Bytes of sanitised text s that fill at most width columns (at least one
 * character, so that wrapping always moves on).
 */
static size_t
fit_bytes(const char *s, int width)
{
	mbstate_t ps;
	size_t n = 0, k;
	wchar_t wc;
	int used = 0, w;

	memset(&ps, 0, sizeof ps);
	while (s[n] != '\0') {
		k = mbrtowc(&wc, s + n, MB_CUR_MAX, &ps);
		if (k == (size_t)-1 || k == (size_t)-2 || k == 0) {
			k = 1;
			w = 1;
			memset(&ps, 0, sizeof ps);
		} else if ((w = wcwidth(wc)) < 0)
			w = 1;
		if (used + w > width && n > 0)
			break;
		used += w;
		n += k;
	}
	return n;
}

static void
trail_draw(struct screen *s)
{
	struct trail *t = s->data;
	char right[64], *title;
	int i, y, w = COLS - 38;

	ui_erase();
	title = xasprintf(_("History of %s #%lld"), schema_record_label(t->def,
	    s->app->lang), (long long)t->id);
	snprintf(right, sizeof right, _("%zu changes"), t->n);
	ui_title(title, right);
	free(title);
	attron(A_BOLD);
	mvprintw(1, 0, "%-16s %-10s %-9s %s", _("Time (UTC)"), _("User"),
	    _("Action"), _("Change"));
	attroff(A_BOLD);
	if (w < 10)
		w = 10;
	/* one change a line; a long one goes on over the next lines */
	for (i = t->top, y = 2; i < (int)t->n && y < 2 + visible(); i++) {
		const struct audit_row *r = &t->rows[i];
		char *at = ui_fit(r->at, 16);
		char *who = ui_fit(r->user != NULL ? r->user : "", 10);
		char *act = ui_fit(action_label(r->action), 9);
		char *txt = line_text(t, r), *clean[2];
		int part;
		clean[0] = util_sanitize(txt, 0);
		clean[1] = r->reason != NULL ? xasprintf(_("reason: %s"),
		    r->reason) : NULL;
		mvprintw(y, 0, "%s%*s %s%*s %s%*s ", at, 16 - ui_width(at), "",
		    who, 10 - ui_width(who), "", act, 9 - ui_width(act), "");
		/* the change, then the reason on a line of its own */
		for (part = 0; part < 2; part++) {
			char *sp = clean[part] != NULL ?
			    util_sanitize(clean[part], 0) : NULL;
			const char *p = sp;
			while (p != NULL && y < 2 + visible()) {
				size_t k = fit_bytes(p, w);
				mvaddnstr(y++, COLS - w, p, (int)k);
				p += k;
				if (*p == '\0')
					break;
			}
			free(sp);
			free(clean[part]);
		}
		free(at);
		free(who);
		free(act);
		free(txt);
	}
	if (t->n == 0)
		mvaddstr(3, 2, _("No history recorded for this record."));
	ui_keys(_("Up/Down PgDn/PgUp scroll  F10/^X back"));
	refresh();
}

static int
trail_key(struct screen *s, const struct ui_event *ev)
{
	struct trail *t = s->data;
	int last = (int)t->n - visible();

	if (last < 0)
		last = 0;
	switch (ev->action) {
	case ACT_UP:
		t->top = t->top > 0 ? t->top - 1 : 0;
		break;
	case ACT_DOWN:
		t->top = t->top < last ? t->top + 1 : last;
		break;
	case ACT_NEXT_PAGE:
		t->top = t->top + visible() < last ? t->top + visible() : last;
		break;
	case ACT_PREV_PAGE:
		t->top = t->top > visible() ? t->top - visible() : 0;
		break;
	case ACT_HOME:
		t->top = 0;
		break;
	case ACT_END:
		t->top = last;
		break;
	case ACT_HELP:
		ui_help_show(_("The changes to this record and its rosters, "
		    "oldest first: time, user, what changed and why.\n"
		    "Up/Down, PgDn/PgUp: scroll   F10, Ctrl-X, Esc: back"),
		    NULL);
		break;
	case ACT_BACK:
	case ACT_ESC:
	case ACT_AUDIT:
		return UI_POP;
	default:
		return UI_OK;
	}
	s->needs_draw = 1;
	return UI_OK;
}

static void
trail_leave(struct screen *s)
{
	struct trail *t = s->data;
	audit_rows_free(t->rows, t->n);
	free(t);
}

static const struct screen_ops trail_ops = {
	NULL, trail_draw, trail_key, trail_leave
};

void
ui_audit_open(struct ui_app *app, const char *record, int64_t id)
{
	struct audit_query q;
	struct trail *t;
	char *err = NULL;
	const struct sch_record *def = schema_record(app->s, record);

	if (def == NULL)
		return;
	t = xcalloc(1, sizeof *t);
	t->def = def;
	t->id = id;
	memset(&q, 0, sizeof q);
	q.record_id = id;
	q.record = def->name;
	if (db_audit_list(app->db, &q, &t->rows, &t->n, &err) < 0) {
		ui_error("%s", err);
		free(err);
		free(t);
		return;
	}
	/* the latest changes in view */
	t->top = (int)t->n > visible() ? (int)t->n - visible() : 0;
	ui_push(app, &trail_ops, t);
}
