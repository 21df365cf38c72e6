/*
 * ui_entry: the entry form of one record. Heads-down keying: Enter/Tab/Down
 * go to the next field after checking the value (type, required, range,
 * value set, pattern, constraint, uniqueness) with the message on one line;
 * Shift-Tab/Up go back; fields that are not relevant are hidden and
 * skipped, calculations and read-only fields are shown and skipped. F2 or
 * Ctrl-O saves: a top-level record with its rosters in one transaction, a
 * roster row into its household's list. F10 or Ctrl-X goes back, asking
 * when something is unsaved.
 *
 * Invariant: rec holds the checked, canonical value of every field the
 * cursor has left, with calculations and relevance applied (expr_refresh);
 * only the current field's buffer may hold unchecked text. orig is the
 * record as last loaded or saved.
 */
#include <curses.h>
#include <stdlib.h>
#include <string.h>

#include "db.h"
#include "draft.h"
#include "expr.h"
#include "i18n.h"
#include "record.h"
#include "schema.h"
#include "ui.h"
#include "ui_entry.h"
#include "ui_form.h"
#include "user.h"
#include "util.h"
#include "validate.h"

static const char *
rec_get(void *rec, size_t i)
{
	return record_get(rec, i);
}

char *
ui_record_title(const struct record *r)
{
	return record_title(r->def, rec_get, (void *)r);
}

static const struct record *
parent_rec(const struct entry *e)
{
	return e->parent != NULL ? e->parent->rec : NULL;
}

static struct validate_ctx
vctx(const struct entry *e)
{
	struct validate_ctx c = {e->app->x, e->app->db, e->app->lang};
	return c;
}

/* The other rows of the roster a row belongs to (for uniqueness). */
static struct record **
siblings(const struct entry *e, size_t *n)
{
	struct record **v;
	size_t i, k = 0;
	*n = 0;
	if (e->in_roster == NULL || e->in_roster->n == 0)
		return NULL;
	v = xcalloc(e->in_roster->n, sizeof *v);
	for (i = 0; i < e->in_roster->n; i++)
		if ((long)i != e->row)
			v[k++] = e->in_roster->rows[i];
	*n = k;
	return v;
}

static int
enterable(const struct entry *e, size_t idx)
{
	const struct sch_field *f = &e->def->fields[idx];
	return e->relevant[idx] && !f->read_only && f->type != FT_CALCULATE &&
	    f->type != FT_NOTE;
}

/* Region name beside a region field. */
static void
show_region(struct entry *e, size_t idx)
{
	struct db_region reg;
	const char *v = record_get(e->rec, idx);
	char *err = NULL;
	if (v != NULL && db_region_get(e->app->db, v, &reg, &err) == 1) {
		uif_side(e->form, idx, reg.name);
		free(reg.code);
		free(reg.name);
	} else
		uif_side(e->form, idx, "");
	free(err);
}

/* Show every value and the relevance of every field. */
static void
show_all(struct entry *e)
{
	size_t i;
	for (i = 0; i < e->def->nfields; i++) {
		if (i == e->cur && e->form != NULL &&
		    uif_changed(e->form, i))
			continue; /* keep what is being typed */
		if (uif_show(e->form, i, record_get(e->rec, i)) &&
		    e->def->fields[i].type == FT_REGION)
			show_region(e, i);
		uif_enable(e->form, i, e->relevant[i]);
	}
}

/* Calculations and skip logic after a change. */
static void
refresh_values(struct entry *e)
{
	if (e->app->x != NULL)
		expr_refresh(e->app->x, e->rec, parent_rec(e), e->relevant);
	show_all(e);
}

static void
entry_refresh(struct screen *s)
{
	struct entry *e = s->data;
	char *left, *title, right[64];
	const char *pt = uif_page_title(e->form);

	title = ui_record_title(e->rec);
	if (e->parent != NULL)
		left = xasprintf("%s: %s", schema_record_label(e->def,
		    e->app->lang), e->row < 0 ? _("new") : title);
	else if (e->rec->id == 0)
		left = xasprintf("%s: %s", schema_record_label(e->def,
		    e->app->lang), _("new"));
	else
		left = xasprintf("%s #%lld", schema_record_label(e->def,
		    e->app->lang), (long long)e->rec->id);
	free(title);
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

	if (e->form != NULL) {
		e->cur = uif_current(e->form);
		if (uif_changed(e->form, e->cur))
			pending = uif_buffer(e->form, e->cur);
		uif_free(e->form);
		delwin(e->win);
	} else {
		pending = e->pending; /* a resumed draft's */
		e->pending = NULL;
	}
	ui_erase();
	e->win = newwin(LINES - 3, COLS, 1, 0);
	if (e->win == NULL)
		util_fatal("cannot make a window");
	e->form = uif_new(e->def, e->app->lang, e->win);
	show_all(e);
	uif_goto(e->form, e->cur);
	if (pending != NULL) {
		uif_set_text(e->form, e->cur, pending);
		uif_end(e->form);
	}
	free(pending);
	if (e->nrosters > 0)
		ui_keys(_("F1/^G help  F2/^O save  F4/^P choices  F10/^X back  "
		    "PgDn/^V list"));
	else
		ui_keys(_("F1/^G help  F2/^O save  F4/^P choices  F10/^X back  "
		    "PgDn/^V PgUp pages"));
	entry_refresh(s);
}

static void
show_hint(struct entry *e)
{
	const struct sch_field *f = &e->def->fields[uif_current(e->form)];
	const char *hint = sch_text_get(&f->hint, e->app->lang, NULL);
	ui_hint(hint);
}

/*
 * Check the current field and keep its canonical value. strict: an empty
 * required field is an error (moving forward, saving); otherwise it may be
 * left empty for now (moving back).
 */
static int
commit(struct entry *e, int strict)
{
	size_t idx = uif_current(e->form), nsib;
	const struct sch_field *f = &e->def->fields[idx];
	struct validate_ctx c = vctx(e);
	int changed = uif_changed(e->form, idx);
	char *buf = changed ? uif_buffer(e->form, idx) : NULL;
	char *norm = NULL, *msg = NULL, *old = NULL;
	const char *rule = NULL;
	struct record **sib;
	int rc = 0;

	if (!enterable(e, idx)) {
		free(buf);
		return 0;
	}
	if (validate_value(f, changed ? buf : record_get(e->rec, idx),
	    e->app->lang, &norm, &rule, &msg) < 0) {
		if (strict || strcmp(rule, "required") != 0) {
			ui_error("%s: %s", schema_field_label(f, e->app->lang),
			    msg);
			uif_end(e->form); /* reading the buffer moved the cursor */
			rc = -1;
		}
		goto out;
	}
	if (changed) {
		old = record_get(e->rec, idx) ? xstrdup(record_get(e->rec, idx)) :
		    NULL;
		record_set(e->rec, idx, norm);
	}
	free(msg);
	msg = NULL;
	if (norm != NULL || strict) {
		sib = siblings(e, &nsib);
		if (validate_field(&c, e->rec, parent_rec(e), sib, nsib, idx,
		    &rule, &msg) < 0) {
			ui_error("%s: %s", schema_field_label(f, e->app->lang),
			    msg);
			if (changed)
				record_set(e->rec, idx, old);
			uif_end(e->form);
			rc = -1;
		}
		free(sib);
	}
	if (rc == 0 && changed) {
		e->cur = idx;
		uif_show(e->form, idx, norm);
		refresh_values(e);
	}
out:
	free(old);
	free(norm);
	free(msg);
	free(buf);
	return rc;
}

int
ui_entry_modified(struct entry *e)
{
	return !record_values_equal(e->rec, e->orig) || e->rosters_dirty ||
	    (e->form != NULL && uif_changed(e->form, uif_current(e->form)));
}

static void
move_to(struct entry *e, size_t pos)
{
	uif_goto(e->form, uif_field_at(e->form, pos));
	uif_end(e->form); /* typing adds to a value; Ctrl-K clears it */
	e->cur = uif_current(e->form);
	show_hint(e);
}

/* Next enterable position after pos in direction dir, or -1. */
static long
next_pos(const struct entry *e, long pos, int dir)
{
	long n = (long)uif_count(e->form);
	for (pos += dir; pos >= 0 && pos < n; pos += dir)
		if (enterable(e, uif_field_at(e->form, (size_t)pos)))
			return pos;
	return -1;
}

static void
move_next(struct screen *s)
{
	struct entry *e = s->data;
	long pos;
	if (commit(e, 1) < 0)
		return;
	pos = next_pos(e, (long)uif_pos(e->form), 1);
	if (pos >= 0)
		move_to(e, (size_t)pos);
	else if (e->nrosters > 0)
		ui_roster_open(e, 0);
	else
		ui_message("%s", e->parent != NULL ?
		    _("End of the row: F2 or Ctrl-O keeps it") :
		    _("End of the form: F2 or Ctrl-O saves"));
}

static void
move_prev(struct screen *s)
{
	struct entry *e = s->data;
	long pos;
	if (commit(e, 0) < 0)
		return;
	pos = next_pos(e, (long)uif_pos(e->form), -1);
	if (pos >= 0)
		move_to(e, (size_t)pos);
}

static void
move_page(struct screen *s, int delta)
{
	struct entry *e = s->data;
	int p = uif_page(e->form) + delta;
	size_t i, n = uif_count(e->form);

	if (commit(e, delta > 0) < 0)
		return;
	for (; p >= 0 && p < uif_npages(e->form); p += delta)
		for (i = 0; i < n; i++) {
			size_t idx = uif_field_at(e->form, i);
			if (uif_field_page(e->form, idx) == p &&
			    enterable(e, idx)) {
				move_to(e, i);
				return;
			}
		}
	if (delta > 0 && e->nrosters > 0)
		ui_roster_open(e, 0);
}

/*
 * Ask a reason for each warning not yet accepted; 0 when all are, 1 when
 * some are open and this user may not accept warnings (an operator: the
 * record is saved as a draft for a supervisor to accept them).
 */
static int
accept_warnings(struct entry *e, struct findings *fs)
{
	size_t i;
	for (i = 0; i < fs->n; i++)
		if (fs->v[i].severity == SEV_WARNING && !fs->v[i].accepted) {
			char *err = NULL;
			int can = user_can(e->app->db, e->app->user,
			    ACTION_ACCEPT, &err);
			free(err);
			if (can != 1)
				return 1;
			break;
		}
	for (i = 0; i < fs->n; i++) {
		struct finding *f = &fs->v[i];
		struct record *r;
		char *q, *reason = NULL;
		if (f->severity != SEV_WARNING || f->accepted)
			continue;
		/* a roster rule is kept on the parent, a row's on the row */
		if (f->row >= 0 && e->nrosters > 0 && e->parent == NULL) {
			size_t k, at = (size_t)f->row;
			r = NULL;
			for (k = 0; k < e->nrosters && r == NULL; k++) {
				if (at < e->rosters[k].n)
					r = e->rosters[k].rows[at];
				else
					at -= e->rosters[k].n;
			}
			if (r == NULL)
				r = e->rec;
		} else
			r = e->rec;
		q = xasprintf(_("Warning: %s. Reason to accept (Esc: go back):"),
		    f->msg);
		if (ui_prompt(q, &reason) < 0) {
			free(q);
			return -1;
		}
		free(q);
		record_accept(r, f->rule, reason);
		if (r != e->rec)
			e->rosters_dirty = 1;
		free(reason);
	}
	return 0;
}

/* Collect every finding of the entry (and of its rosters at top level). */
static size_t
check_all(struct entry *e, struct findings *fs)
{
	struct validate_ctx c = vctx(e);
	size_t errors, nsib, k, base = 0;
	struct record **sib = siblings(e, &nsib);

	errors = validate_record_full(&c, e->rec, parent_rec(e), sib, nsib, fs);
	free(sib);
	for (k = 0; k < e->nrosters; k++) {
		struct roster *ro = &e->rosters[k];
		size_t before = fs->n, i;
		errors += validate_roster(&c, e->rec, ro->def, ro->rows, ro->n,
		    fs);
		for (i = before; i < fs->n; i++)
			if (fs->v[i].row >= 0)
				fs->v[i].row += (long)base;
		base += ro->n;
	}
	return errors;
}

/* Every finding of the form: the whole tree at top level, else the row. */
static size_t
check_here(struct entry *e, struct findings *fs)
{
	struct validate_ctx c = vctx(e);
	struct record **sib;
	size_t nsib, errors;

	if (e->parent == NULL)
		return check_all(e, fs);
	sib = siblings(e, &nsib);
	errors = validate_record_full(&c, e->rec, parent_rec(e), sib, nsib, fs);
	free(sib);
	return errors;
}

/* Finding row (counted over all rosters) -> roster k, row j; 0 or -1. */
static int
row_at(const struct entry *e, long row, size_t *k, size_t *j)
{
	size_t at = (size_t)row;
	for (*k = 0; row >= 0 && *k < e->nrosters; (*k)++) {
		if (at < e->rosters[*k].n) {
			*j = at;
			return 0;
		}
		at -= e->rosters[*k].n;
	}
	return -1;
}

/* Open findings (errors and warnings not accepted); *first: the first. */
static size_t
open_findings(const struct findings *fs, const struct finding **first)
{
	size_t i, n = 0;
	*first = NULL;
	for (i = 0; i < fs->n; i++)
		if (!fs->v[i].accepted) {
			if (*first == NULL || (fs->v[i].severity == SEV_ERROR &&
			    (*first)->severity != SEV_ERROR))
				*first = &fs->v[i];
			n++;
		}
	return n;
}

/* "Row 2, Name: message" for a finding of e. Caller frees. */
static char *
finding_text(const struct entry *e, const struct finding *f)
{
	const struct sch_record *def = e->def;
	const char *mark = f->accepted ? _("accepted") :
	    f->severity == SEV_ERROR ? _("error") : _("warning");
	size_t k, j;
	struct sbuf b = {0};

	sbuf_addf(&b, "[%s] ", mark);
	if (f->row >= 0 && row_at(e, f->row, &k, &j) == 0) {
		sbuf_addf(&b, _("Row %zu"), j + 1);
		sbuf_add(&b, ", ");
		def = e->rosters[k].def;
	}
	if (f->field != VALIDATE_NO_FIELD)
		sbuf_addf(&b, "%s: ", schema_field_label(&def->fields[f->field],
		    e->app->lang));
	sbuf_add(&b, f->msg);
	return sbuf_steal(&b);
}

/* The message line after opening a saved record with open findings. */
static void
tell_findings(struct entry *e)
{
	struct findings fs = {0};
	const struct finding *first;
	size_t n;
	char *t;

	check_here(e, &fs);
	n = open_findings(&fs, &first);
	if (n > 0) {
		t = finding_text(e, first);
		if (first->severity == SEV_ERROR)
			ui_error(_("%zu open finding(s) (F5/^F: list): %s"), n, t);
		else
			ui_message(_("%zu open finding(s) (F5/^F: list): %s"), n,
			    t);
		free(t);
	}
	findings_free(&fs);
}

static void go_field(struct entry *e, const char *field);

/* F5, Ctrl-F: the list of findings; Enter goes to the one chosen. */
static void
list_findings(struct screen *s)
{
	struct entry *e = s->data;
	struct findings fs = {0};
	char **items;
	size_t i, k, j;
	int pick;

	check_here(e, &fs);
	if (fs.n == 0) {
		ui_message("%s", _("No findings: every check passes"));
		return;
	}
	items = xcalloc(fs.n, sizeof *items);
	for (i = 0; i < fs.n; i++)
		items[i] = finding_text(e, &fs.v[i]);
	pick = ui_pick(_("Findings (Enter: go to it)"),
	    (const char *const *)items, fs.n, 0);
	for (i = 0; i < fs.n; i++)
		free(items[i]);
	free(items);
	s->needs_draw = 1;
	if (pick >= 0) {
		const struct finding *f = &fs.v[pick];
		if (f->row >= 0 && row_at(e, f->row, &k, &j) == 0) {
			const struct sch_record *rd = e->rosters[k].def;
			const char *fname = f->field != VALIDATE_NO_FIELD ?
			    rd->fields[f->field].name : NULL;
			struct entry *row;
			ui_entry_open_row(e, k, (long)j);
			row = ui_top() != NULL ? ui_top()->data : NULL;
			if (row != NULL && row != e)
				go_field(row, fname);
		} else if (f->field != VALIDATE_NO_FIELD) {
			go_field(e, e->def->fields[f->field].name);
			if (e->form != NULL)
				uif_goto(e->form, e->cur);
		}
		ui_message("%s", f->msg);
	}
	findings_free(&fs);
}

/* Show the first error: in this form, go to its field. */
static void
show_first_error(struct entry *e, const struct findings *fs)
{
	size_t i;
	for (i = 0; i < fs->n; i++) {
		const struct finding *f = &fs->v[i];
		if (f->severity != SEV_ERROR)
			continue;
		if (f->row < 0 && f->field != VALIDATE_NO_FIELD) {
			uif_goto(e->form, f->field);
			e->cur = f->field;
			ui_error("%s: %s", schema_field_label(
			    &e->def->fields[f->field], e->app->lang), f->msg);
		} else if (f->row >= 0)
			ui_error(_("Row %ld: %s"), f->row + 1, f->msg);
		else
			ui_error("%s", f->msg);
		return;
	}
}

static void
remember_persistent(struct entry *e)
{
	size_t t = (size_t)(e->def - e->app->s->records);
	record_free(e->app->last[t]);
	e->app->last[t] = record_copy(e->rec);
}

static int entry_reload(struct entry *e);
static void change_status(struct screen *s);

/*
 * After a save was refused: when someone else saved the record in
 * between (its stored revision moved on), offer to reload it.
 */
static void
offer_reload(struct entry *e)
{
	struct record *now = NULL;
	char *err = NULL;
	int moved;

	if (e->rec->id == 0 || db_record_load(e->app->db, e->def, e->rec->id,
	    &now, &err) < 0) {
		free(err);
		return;
	}
	moved = now->rev != e->rec->rev;
	if (moved) {
		char *q = xasprintf(_("Changed by %s at %s: not saved. Reload "
		    "it? y = reload, n = keep"), now->updated_by != NULL ?
		    now->updated_by : "?", now->updated_at != NULL ?
		    now->updated_at : "?");
		if (ui_confirm(q) != 1)
			ui_error(_("Not saved: changed by %s at %s"),
			    now->updated_by != NULL ? now->updated_by : "?",
			    now->updated_at != NULL ? now->updated_at : "?");
		else if (entry_reload(e) == 0)
			ui_message("%s", _("Reloaded as saved now; your changes "
			    "were dropped"));
		free(q);
	}
	record_free(now);
}

int
ui_entry_save(struct entry *e)
{
	struct findings fs = {0};
	struct db_roster *dr = NULL;
	char *err = NULL, *title;
	size_t k, errors;
	int64_t old_id;
	int rc = -1;

	if (e->form != NULL && commit(e, 1) < 0)
		return -1;
	if (e->app->x != NULL)
		expr_refresh(e->app->x, e->rec, parent_rec(e), e->relevant);
	errors = check_all(e, &fs);
	if (errors > 0) {
		int r;
		if (e->form != NULL)
			show_first_error(e, &fs);
		refresh();
		r = ui_confirm(_("Errors remain. Save as a draft? y = save as "
		    "draft, n = go back"));
		if (r != 1) {
			if (e->form != NULL)
				show_first_error(e, &fs);
			goto out;
		}
		snprintf(e->rec->status, sizeof e->rec->status, "draft");
	} else {
		int a = accept_warnings(e, &fs);
		if (a < 0) {
			ui_message("%s", _("Not saved: each warning needs a "
			    "reason"));
			goto out;
		}
		/* warnings left for a supervisor: a draft */
		snprintf(e->rec->status, sizeof e->rec->status, "%s", a == 1 ?
		    "draft" : "complete");
	}
	if (e->nrosters > 0) {
		dr = xcalloc(e->nrosters, sizeof *dr);
		for (k = 0; k < e->nrosters; k++) {
			size_t i;
			/* rows take the status of their household */
			for (i = 0; i < e->rosters[k].n; i++)
				snprintf(e->rosters[k].rows[i]->status,
				    sizeof e->rosters[k].rows[i]->status, "%s",
				    e->rec->status);
			dr[k].def = e->rosters[k].def;
			dr[k].rows = e->rosters[k].rows;
			dr[k].n = e->rosters[k].n;
			dr[k].deleted = e->rosters[k].deleted;
			dr[k].ndeleted = e->rosters[k].ndeleted;
		}
	}
	/* A verified record: the change needs a reason (audit trail). */
	if (e->orig != NULL && e->rec->id != 0 &&
	    strcmp(e->orig->status, "verified") == 0) {
		char *reason = NULL;
		if (ui_prompt(_("This record is verified. Reason for the "
		    "change:"), &reason) < 0) {
			ui_message("%s", _("Not saved"));
			goto out;
		}
		db_set_reason(e->app->db, reason);
		free(reason);
	}
	old_id = e->draft_key != 0 ? e->draft_key : e->rec->id;
	if (db_tree_save(e->app->db, e->rec, dr, e->nrosters, e->app->user,
	    &err) < 0) {
		db_set_reason(e->app->db, NULL);
		ui_error("%s: %s", _("Not saved"), err);
		free(err);
		refresh();
		offer_reload(e);
		goto out;
	}
	/* saved normally: a draft of it is done with */
	if ((old_id != 0 && draft_delete(e->app->db, e->app->user,
	    e->def->name, old_id, &err) < 0) || (old_id != e->rec->id &&
	    draft_delete(e->app->db, e->app->user, e->def->name, e->rec->id,
	    &err) < 0)) {
		ui_error("%s", err);
		free(err);
		err = NULL;
	}
	e->draft_key = 0;
	for (k = 0; k < e->nrosters; k++) {
		free(e->rosters[k].deleted);
		e->rosters[k].deleted = NULL;
		e->rosters[k].ndeleted = 0;
	}
	e->rosters_dirty = 0;
	record_free(e->orig);
	e->orig = record_copy(e->rec);
	remember_persistent(e);
	title = ui_record_title(e->rec);
	ui_message(strcmp(e->rec->status, "draft") == 0 ?
	    _("Saved as a draft: %s (#%lld)") : _("Saved: %s (#%lld)"), title,
	    (long long)e->rec->id);
	free(title);
	rc = 0;
out:
	free(dr);
	findings_free(&fs);
	return rc;
}

/* A roster row: check it and put it into its household's list. */
static int
keep_row(struct entry *e)
{
	struct findings fs = {0};
	struct validate_ctx c = vctx(e);
	struct roster *ro = e->in_roster;
	struct record **sib;
	size_t nsib;
	int rc = -1;

	if (commit(e, 1) < 0)
		return -1;
	if (e->app->x != NULL)
		expr_refresh(e->app->x, e->rec, parent_rec(e), e->relevant);
	sib = siblings(e, &nsib);
	if (validate_record_full(&c, e->rec, parent_rec(e), sib, nsib,
	    &fs) > 0) {
		show_first_error(e, &fs);
		free(sib);
		goto out;
	}
	free(sib);
	if (accept_warnings(e, &fs) < 0)
		goto out;
	if (e->row < 0) {
		ro->rows = xreallocarray(ro->rows, ro->n + 1, sizeof *ro->rows);
		ro->rows[ro->n++] = record_copy(e->rec);
	} else {
		record_free(ro->rows[e->row]);
		ro->rows[e->row] = record_copy(e->rec);
	}
	e->parent->rosters_dirty = 1;
	remember_persistent(e);
	rc = 0;
out:
	findings_free(&fs);
	return rc;
}

static size_t
region_fetch(void *ctx, const char *filter, char ***items)
{
	struct entry *e = ctx;
	size_t idx = uif_current(e->form), i, n = 0;
	const struct sch_field *f = &e->def->fields[idx];
	const char *parent = record_region_above(e->rec, parent_rec(e),
	    f->level);
	struct db_region *v = NULL;
	char *err = NULL;

	if (db_region_children(e->app->db, parent, (int)f->level, filter, 500,
	    &v, &n, &err) < 0) {
		free(err);
		*items = NULL;
		return 0;
	}
	*items = xcalloc(n ? n : 1, sizeof **items);
	for (i = 0; i < n; i++)
		(*items)[i] = xasprintf("%s  %s", v[i].code, v[i].name);
	db_regions_free(v, n);
	return n;
}

static void
pick(struct screen *s)
{
	struct entry *e = s->data;
	size_t idx = uif_current(e->form), i, n = 0;
	const struct sch_field *f = &e->def->fields[idx];
	const char *cur = record_get(e->rec, idx);
	char **items = NULL, *value = NULL;
	const char **codes = NULL;
	int current = 0, chosen = -1;

	if (!enterable(e, idx))
		return;
	if (f->type == FT_REGION) {
		char *picked = NULL;
		if (ui_pick_fetch(schema_field_label(f, e->app->lang),
		    region_fetch, e, &picked) == 0 && picked != NULL)
			value = xstrndup(picked, strcspn(picked, " "));
		free(picked);
	} else if (f->type == FT_YESNO || schema_field_has_choices(f)) {
		if (f->type == FT_YESNO) {
			n = 2;
			items = xcalloc(n, sizeof *items);
			codes = xcalloc(n, sizeof *codes);
			items[0] = xasprintf("1  %s", _("Yes"));
			items[1] = xasprintf("0  %s", _("No"));
			codes[0] = "1";
			codes[1] = "0";
		} else {
			items = xcalloc(f->vs->nchoices, sizeof *items);
			codes = xcalloc(f->vs->nchoices, sizeof *codes);
			for (i = 0; i < f->vs->nchoices; i++) {
				const struct sch_choice *c = &f->vs->choices[i];
				if (e->app->x != NULL && !expr_choice_ok(
				    e->app->x, e->rec, parent_rec(e), idx, c))
					continue;
				items[n] = xasprintf("%s  %s", c->code,
				    sch_text_get(&c->label, e->app->lang, ""));
				codes[n++] = c->code;
			}
		}
		if (f->type == FT_SELECT_MULTIPLE) {
			unsigned char *mark = xcalloc(n ? n : 1, 1);
			struct sbuf b = {0};
			for (i = 0; i < n && cur != NULL; i++) {
				char *pad = xasprintf(" %s ", cur);
				char *code = xasprintf(" %s ", codes[i]);
				mark[i] = strstr(pad, code) != NULL;
				free(pad);
				free(code);
			}
			if (ui_pick_multi(schema_field_label(f, e->app->lang),
			    (const char *const *)items, n, mark) == 0) {
				for (i = 0; i < n; i++)
					if (mark[i])
						sbuf_addf(&b, "%s%s",
						    b.len ? " " : "", codes[i]);
				value = sbuf_steal(&b);
			}
			free(mark);
		} else {
			for (i = 0; i < n; i++)
				if (cur != NULL && strcmp(codes[i], cur) == 0)
					current = (int)i;
			chosen = ui_pick(schema_field_label(f, e->app->lang),
			    (const char *const *)items, n, current);
			if (chosen >= 0)
				value = xstrdup(codes[chosen]);
		}
	} else {
		ui_message("%s", _("This field has no list of choices"));
		return;
	}
	s->needs_draw = 1;
	if (value != NULL) {
		uif_set_text(e->form, idx, value);
		e->cur = idx;
		/* the re-layout keeps the pending text; then commit it */
		entry_draw(s);
		s->needs_draw = 0;
		move_next(s);
	}
	free(value);
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

	sbuf_addf(&b, "%s (%s)%s\n", schema_field_label(f, e->app->lang),
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
	if (f->type == FT_SELECT_MULTIPLE)
		sbuf_addf(&b, "%s\n", _("Several codes separated by spaces"));
	if (f->type == FT_REGION)
		sbuf_addf(&b, "%s\n", _("A region code; F4 lists the regions "
		    "under the level above"));
	if (sch_text_get(&f->hint, e->app->lang, NULL) != NULL)
		sbuf_addf(&b, "%s\n", sch_text_get(&f->hint, e->app->lang, ""));
	if (schema_field_has_choices(f) && f->vs != NULL)
		for (i = 0; i < f->vs->nchoices && i < 8; i++)
			sbuf_addf(&b, "  %s  %s\n", f->vs->choices[i].code,
			    sch_text_get(&f->vs->choices[i].label,
			    e->app->lang, ""));
	ui_help_show(_("Enter, Tab, Down: next field (the value is checked)\n"
	    "Shift-Tab, Up: previous field\n"
	    "F2, Ctrl-O: save the record\n"
	    "F4, Ctrl-P: list of choices (type to filter)\n"
	    "PgDn, Ctrl-V / PgUp, Alt-V: next / previous page\n"
	    "Ctrl-K: clear the field   Ctrl-L: redraw\n"
	    "F8, Ctrl-R: verify, lock or unlock (supervisor)\n"
	    "F9, Ctrl-T: history of the record (audit trail)\n"
	    "F5, Ctrl-F: the record's findings (Enter: go to one)\n"
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
		if (e->parent != NULL) {
			if (keep_row(e) == 0)
				return UI_POP;
		} else
			ui_entry_save(e);
		break;
	case ACT_PICK:
		pick(s);
		break;
	case ACT_FINDINGS:
		list_findings(s);
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
	case ACT_STATUS:
		change_status(s);
		break;
	case ACT_AUDIT:
		if (e->parent != NULL || e->rec->id == 0)
			ui_message("%s", _("No history yet: the record is not "
			    "saved"));
		else
			ui_audit_open(e->app, e->def->name, e->rec->id);
		return UI_OK;
	case ACT_BACK:
		if (!ui_entry_modified(e))
			return UI_POP;
		r = ui_confirm(_("Unsaved changes. Save them? y = save, n = "
		    "discard, Esc = stay"));
		if (r == 0) {
			char *err = NULL;
			/* discarded: so is its draft */
			if (e->parent == NULL && draft_delete(e->app->db,
			    e->app->user, e->def->name, e->draft_key != 0 ?
			    e->draft_key : e->rec->id, &err) < 0)
				free(err);
			return UI_POP;
		}
		if (r == 1 && (e->parent != NULL ? keep_row(e) :
		    ui_entry_save(e)) == 0)
			return UI_POP;
		break;
	default:
		break;
	}
	if (!s->needs_draw && s == ui_top())
		entry_refresh(s);
	return UI_OK;
}

static void
free_rosters(struct entry *e)
{
	size_t k;
	for (k = 0; k < e->nrosters; k++) {
		db_records_free(e->rosters[k].rows, e->rosters[k].n);
		free(e->rosters[k].deleted);
	}
	free(e->rosters);
}

/* Load the record and its rosters again as stored (after a conflict or
 * a status change). */
static int
entry_reload(struct entry *e)
{
	struct record *r = NULL;
	struct roster *ro;
	char *err = NULL;
	size_t k;

	if (db_record_load(e->app->db, e->def, e->rec->id, &r, &err) < 0)
		goto fail;
	ro = xcalloc(e->nrosters ? e->nrosters : 1, sizeof *ro);
	for (k = 0; k < e->nrosters; k++) {
		ro[k].def = e->rosters[k].def;
		if (db_children_load(e->app->db, ro[k].def, r->id, &ro[k].rows,
		    &ro[k].n, &err) < 0) {
			while (k-- > 0)
				db_records_free(ro[k].rows, ro[k].n);
			free(ro);
			record_free(r);
			goto fail;
		}
	}
	free_rosters(e);
	e->rosters = ro;
	e->rosters_dirty = 0;
	record_free(e->rec);
	record_free(e->orig);
	e->rec = r;
	if (e->app->x != NULL)
		expr_refresh(e->app->x, e->rec, NULL, e->relevant);
	e->orig = record_copy(e->rec);
	uif_free(e->form); /* the next paint lays out the new values */
	e->form = NULL;
	if (e->win != NULL)
		delwin(e->win);
	e->win = NULL;
	ui_top()->needs_draw = 1;
	return 0;
fail:
	ui_error("%s", err);
	free(err);
	return -1;
}

static const char *
status_name(const char *st)
{
	if (strcmp(st, "verified") == 0)
		return _("verified");
	if (strcmp(st, "locked") == 0)
		return _("locked");
	if (strcmp(st, "complete") == 0)
		return _("complete");
	return _("draft");
}

/* F8 / Ctrl-R: verify, lock, unlock or return the saved record. */
static void
change_status(struct screen *s)
{
	struct entry *e = s->data;
	const char *items[4], *to[4];
	const char *st = e->orig != NULL ? e->orig->status : "draft";
	char *reason = NULL, *err = NULL, *q;
	size_t n = 0;
	int i;

	if (e->parent != NULL || e->rec->id == 0) {
		ui_message("%s", _("Save the record first; the status belongs "
		    "to the household record"));
		return;
	}
	if (ui_entry_modified(e)) {
		ui_message("%s", _("Save or discard the changes first"));
		return;
	}
	if (strcmp(st, "complete") == 0) {
		items[n] = _("Verify");
		to[n++] = "verified";
	} else if (strcmp(st, "verified") == 0) {
		items[n] = _("Lock");
		to[n++] = "locked";
		items[n] = _("Return to complete (needs a reason)");
		to[n++] = "complete";
	} else if (strcmp(st, "locked") == 0) {
		items[n] = _("Unlock (admin)");
		to[n++] = "verified";
	}
	if (n == 0) {
		ui_message(_("The record is %s: only a complete record can be "
		    "verified"), status_name(st));
		return;
	}
	q = xasprintf(_("Status: %s"), status_name(st));
	i = ui_pick(q, items, n, 0);
	free(q);
	s->needs_draw = 1;
	if (i < 0)
		return;
	if (strcmp(to[i], "complete") == 0 && ui_prompt(_("Reason:"),
	    &reason) < 0)
		return;
	if (db_record_set_status(e->app->db, e->def, e->rec->id, to[i],
	    e->app->user, reason, &err) < 0) {
		ui_error("%s", err);
		free(err);
	} else if (entry_reload(e) == 0)
		ui_message(_("Status: %s"), status_name(to[i]));
	free(reason);
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
	free_rosters(e);
	free(e->relevant);
	free(e->pending);
	free(e);
}

static const struct screen_ops entry_ops = {
	NULL, entry_draw, entry_key, entry_leave
};

/* A new record: defaults, then the persistent values of the last one. */
static void
init_new(struct entry *e)
{
	size_t t = (size_t)(e->def - e->app->s->records), i;
	const struct record *last = e->app->last[t];
	for (i = 0; i < e->def->nfields; i++) {
		const struct sch_field *f = &e->def->fields[i];
		if (f->persistent && last != NULL)
			record_set(e->rec, i, record_get(last, i));
		else if (f->default_value != NULL)
			record_set(e->rec, i, f->default_value);
	}
}

static struct entry *
entry_new(struct ui_app *app, const struct sch_record *def, struct record *r)
{
	struct entry *e = xcalloc(1, sizeof *e);
	size_t i;
	e->app = app;
	e->def = def;
	e->row = -1;
	e->rec = r != NULL ? r : record_new(def);
	e->relevant = xcalloc(def->nfields ? def->nfields : 1, 1);
	memset(e->relevant, 1, def->nfields);
	if (r == NULL)
		init_new(e);
	e->cur = def->pages[0].nfields > 0 ? def->pages[0].fields[0] : 0;
	for (i = 0; i < def->nfields; i++)
		if (def->fields[i].type != FT_NOTE) {
			e->cur = i;
			break;
		}
	return e;
}

/* After expressions: start on the first enterable field. */
static void
entry_start(struct entry *e)
{
	size_t i;
	if (e->app->x != NULL)
		expr_refresh(e->app->x, e->rec, parent_rec(e), e->relevant);
	e->orig = record_copy(e->rec);
	for (i = 0; i < e->def->npages; i++) {
		size_t j;
		for (j = 0; j < e->def->pages[i].nfields; j++)
			if (enterable(e, e->def->pages[i].fields[j])) {
				e->cur = e->def->pages[i].fields[j];
				return;
			}
	}
}

static struct entry *
open_top(struct ui_app *app, const char *record, int64_t id)
{
	const struct sch_record *def = schema_record(app->s, record);
	const struct sch_record *kids[16];
	struct entry *e;
	struct record *r = NULL;
	char *err = NULL;
	size_t k, nk;

	if (def == NULL)
		return NULL;
	if (id > 0 && db_record_load(app->db, def, id, &r, &err) < 0) {
		ui_error("%s", err);
		free(err);
		return NULL;
	}
	/* a record of another region (opened by id, e.g. from a search) */
	if (r != NULL && user_can_see(app->db, app->user, r, &err) != 1) {
		ui_error("%s", err);
		free(err);
		record_free(r);
		return NULL;
	}
	e = entry_new(app, def, r);
	nk = schema_children(app->s, def, kids, 16);
	if (nk > 16)
		nk = 16;
	e->rosters = xcalloc(nk ? nk : 1, sizeof *e->rosters);
	for (k = 0; k < nk; k++) {
		struct roster *ro = &e->rosters[e->nrosters++];
		ro->def = kids[k];
		if (id > 0 && db_children_load(app->db, kids[k], id, &ro->rows,
		    &ro->n, &err) < 0) {
			ui_error("%s", err);
			free(err);
			err = NULL;
		}
	}
	entry_start(e);
	ui_push(app, &entry_ops, e);
	if (id > 0)
		tell_findings(e);
	return e;
}

void
ui_entry_open(struct ui_app *app, const char *record, int64_t id)
{
	(void)open_top(app, record, id);
}

/* Make the field named `field` of e current, when it can be entered. */
static void
go_field(struct entry *e, const char *field)
{
	int i;
	if (field == NULL || (i = schema_field_index(e->def, field)) < 0)
		return;
	if (enterable(e, (size_t)i))
		e->cur = (size_t)i;
}

void
ui_entry_open_at(struct ui_app *app, const char *record, int64_t id,
    const char *child, int64_t child_id, const char *field)
{
	struct entry *top = open_top(app, record, id);
	size_t k, j;

	if (top == NULL)
		return;
	if (child != NULL && child_id > 0)
		for (k = 0; k < top->nrosters; k++) {
			struct roster *ro = &top->rosters[k];
			if (strcmp(ro->def->name, child) != 0)
				continue;
			for (j = 0; j < ro->n; j++)
				if (ro->rows[j]->id == child_id) {
					struct entry *row;
					ui_entry_open_row(top, k, (long)j);
					row = ui_top() != NULL ?
					    ui_top()->data : NULL;
					if (row != NULL && row != top)
						go_field(row, field);
					return;
				}
		}
	go_field(top, field);
}

void
ui_entry_open_row(struct entry *top, size_t k, long row)
{
	struct roster *ro = &top->rosters[k];
	struct entry *e;
	struct record *r = NULL;

	if (row >= 0 && (size_t)row < ro->n)
		r = record_copy(ro->rows[row]);
	else
		row = -1;
	if (row < 0 && ro->def->max_count > 0 &&
	    ro->n >= (size_t)ro->def->max_count) {
		ui_error(_("At most %d rows"), ro->def->max_count);
		record_free(r);
		return;
	}
	e = entry_new(top->app, ro->def, r);
	e->parent = top;
	e->in_roster = ro;
	e->row = row;
	entry_start(e);
	ui_push(top->app, &entry_ops, e);
}

/* ---- drafts ---------------------------------------------------------- */

/* The place of the cursor in e's form: field name and unchecked text. */
static void
draft_place_of(struct entry *e, struct draft_place *p)
{
	size_t idx = e->form != NULL ? uif_current(e->form) : e->cur;
	p->field = xstrdup(e->def->fields[idx].name);
	if (e->form != NULL && uif_changed(e->form, idx))
		p->pending = uif_buffer(e->form, idx);
	else if (e->form == NULL && e->pending != NULL)
		p->pending = xstrdup(e->pending);
}

int
ui_entry_draft_save(struct ui_app *app, int quiet)
{
	struct entry *top = NULL, *row = NULL;
	struct draft d;
	size_t k, i, rk = 0;
	int n = ui_depth(), at, sel = 0, view = 0, rc;
	char *err = NULL;

	for (at = 0; at < n; at++) {
		struct screen *s = ui_screen_at(at);
		struct entry *e = s->data;
		if (s->ops == &entry_ops && e->parent == NULL) {
			top = e;
			row = NULL;
			view = 0;
		} else if (s->ops == &entry_ops && top != NULL &&
		    e->parent == top)
			row = e;
		else if (top != NULL && ui_roster_where(s, &rk, &sel))
			view = 1;
	}
	if (top == NULL || (!ui_entry_modified(top) &&
	    (row == NULL || !ui_entry_modified(row))))
		return 0;
	memset(&d, 0, sizeof d);
	/* a saved record's draft is keyed by its id, a new one's by a key
	 * of its own (see draft.h) */
	if (top->rec->id <= 0 && top->draft_key == 0)
		top->draft_key = draft_new_key();
	d.key = top->rec->id > 0 ? top->rec->id : top->draft_key;
	d.rec = record_copy(top->rec);
	draft_place_of(top, &d.at);
	d.nrosters = top->nrosters;
	d.rosters = xcalloc(d.nrosters ? d.nrosters : 1, sizeof *d.rosters);
	for (k = 0; k < top->nrosters; k++) {
		const struct roster *ro = &top->rosters[k];
		struct draft_roster *dr = &d.rosters[k];
		dr->def = ro->def;
		dr->n = ro->n;
		dr->rows = xcalloc(ro->n ? ro->n : 1, sizeof *dr->rows);
		for (i = 0; i < ro->n; i++)
			dr->rows[i] = record_copy(ro->rows[i]);
		dr->ndeleted = ro->ndeleted;
		dr->deleted = xcalloc(ro->ndeleted ? ro->ndeleted : 1,
		    sizeof *dr->deleted);
		for (i = 0; i < ro->ndeleted; i++)
			dr->deleted[i] = ro->deleted[i];
	}
	d.roster = view ? (long)rk : -1;
	d.roster_sel = sel;
	d.row_roster = -1;
	d.row_index = -1;
	if (row != NULL) {
		d.row = record_copy(row->rec);
		d.row_roster = row->in_roster - top->rosters;
		d.row_index = row->row;
		draft_place_of(row, &d.row_at);
	}
	rc = draft_save(app->db, app->user, &d, &err);
	/* draft_free frees what d holds; d itself is on the stack */
	{
		struct draft *h = xcalloc(1, sizeof *h);
		*h = d;
		draft_free(h);
	}
	if (rc < 0) {
		if (!quiet)
			ui_error("%s: %s", _("The draft was not kept"), err);
		free(err);
		return -1;
	}
	if (!quiet) {
		/* reading the typed text may have moved libform's cursor */
		struct screen *s = ui_top();
		if (s != NULL && s->ops == &entry_ops) {
			struct entry *e = s->data;
			uif_cursor(e->form);
			wrefresh(e->win);
		}
	}
	return 1;
}

/* Put the draft's place into entry e: current field and typed text. */
static void
resume_place(struct entry *e, struct draft_place *p)
{
	go_field(e, p->field);
	free(e->pending);
	e->pending = p->pending;
	p->pending = NULL;
}

void
ui_entry_resume(struct ui_app *app)
{
	struct draft *d = NULL;
	struct entry *e;
	char *err = NULL, *title, *q;
	size_t k, j;
	int r;

	if (draft_load(app->db, app->user, &d, &err) <= 0) {
		free(err);
		return;
	}
	title = ui_record_title(d->rec);
	q = xasprintf(_("Resume the unfinished %s %s kept at %s? y = resume, "
	    "n = discard it"), schema_record_label(d->rec->def, app->lang),
	    title[0] != '\0' ? title : _("(new)"), d->saved_at);
	free(title);
	r = ui_confirm(q);
	free(q);
	if (r == 0) {
		if (draft_delete(app->db, app->user, d->rec->def->name,
		    d->key, &err) < 0) {
			ui_error("%s", err);
			free(err);
		}
		draft_free(d);
		return;
	}
	if (r < 0) {
		draft_free(d); /* kept for the next start */
		return;
	}
	e = open_top(app, d->rec->def->name, d->rec->id);
	if (e == NULL) {
		draft_free(d);
		return;
	}
	/* the drafted values, revision and rows replace the stored ones */
	record_free(e->rec);
	e->rec = d->rec;
	d->rec = NULL;
	for (k = 0; k < e->nrosters; k++)
		for (j = 0; j < d->nrosters; j++) {
			struct roster *ro = &e->rosters[k];
			struct draft_roster *dr = &d->rosters[j];
			if (dr->def != ro->def)
				continue;
			db_records_free(ro->rows, ro->n);
			free(ro->deleted);
			ro->rows = dr->rows;
			ro->n = dr->n;
			ro->deleted = dr->deleted;
			ro->ndeleted = dr->ndeleted;
			dr->rows = NULL;
			dr->n = 0;
			dr->deleted = NULL;
			dr->ndeleted = 0;
			if (d->roster == (long)j)
				d->roster = (long)k;
			if (d->row_roster == (long)j)
				d->row_roster = (long)k;
		}
	e->rosters_dirty = 1;
	e->draft_key = d->key;
	if (app->x != NULL)
		expr_refresh(app->x, e->rec, NULL, e->relevant);
	resume_place(e, &d->at);
	if (d->roster >= 0 && (size_t)d->roster < e->nrosters) {
		ui_roster_open(e, (size_t)d->roster);
		ui_roster_select((int)d->roster_sel);
	}
	if (d->row != NULL && d->row_roster >= 0 &&
	    (size_t)d->row_roster < e->nrosters) {
		struct roster *ro = &e->rosters[d->row_roster];
		struct screen *s;
		ui_entry_open_row(e, (size_t)d->row_roster,
		    d->row_index >= 0 && (size_t)d->row_index < ro->n ?
		    d->row_index : -1);
		s = ui_top();
		if (s != NULL && s->ops == &entry_ops && s->data != e) {
			struct entry *re = s->data;
			record_free(re->rec);
			re->rec = d->row;
			d->row = NULL;
			if (app->x != NULL)
				expr_refresh(app->x, re->rec, e->rec,
				    re->relevant);
			resume_place(re, &d->row_at);
		}
	}
	ui_message("%s", _("Draft resumed: F2 saves the record; F10 then n "
	    "discards the draft"));
	draft_free(d);
}
