/*
 * ui_quality: the data-quality screen. Runs every check over the register
 * (validate_scan, as `kesra validate` does) and shows the findings grouped
 * by rule or by village with counts (Tab switches), and the completeness
 * of each village (share of records saved complete) with the required
 * fields most often left empty. Enter on a group lists its findings; Enter
 * on a finding opens the record at the offending field (ui_entry_open_at).
 * r runs the checks again (after corrections).
 *
 * The findings are kept in memory for the screen's life: a message and a
 * few ids each.
 */
#include <curses.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "db.h"
#include "i18n.h"
#include "schema.h"
#include "ui.h"
#include "util.h"
#include "validate.h"

enum { SEV_E, SEV_W, SEV_A };
enum { V_RULE, V_VILLAGE, V_COMPLETE, V_COUNT };

struct qfind {
	const struct sch_record *top_def, *def;
	int64_t top_id, id;
	size_t field;
	char *rule, *msg;
	int sev;
	size_t village;
};

struct qgroup {
	char *label;
	long n[3];
	size_t *items;
	size_t nitems;
};

struct quality {
	struct qfind *f;
	size_t nf;
	struct validate_completeness vc; /* villages, empty fields */
	struct validate_ctx c;
	long checked;
	int view;           /* V_* */
	struct qgroup *g;
	size_t ng;
	long group;         /* -1: the groups; else the findings of g[group] */
	char **lines;       /* what is listed now */
	size_t nlines;
	int sel, top;
	int stale;          /* run the checks before the next paint */
};

static void
free_groups(struct quality *q)
{
	size_t i;
	for (i = 0; i < q->ng; i++) {
		free(q->g[i].label);
		free(q->g[i].items);
	}
	free(q->g);
	q->g = NULL;
	q->ng = 0;
	for (i = 0; i < q->nlines; i++)
		free(q->lines[i]);
	free(q->lines);
	q->lines = NULL;
	q->nlines = 0;
}

static void
free_findings(struct quality *q)
{
	size_t i;
	free_groups(q);
	for (i = 0; i < q->nf; i++) {
		free(q->f[i].rule);
		free(q->f[i].msg);
	}
	free(q->f);
	q->f = NULL;
	q->nf = 0;
	validate_completeness_free(&q->vc);
	q->checked = 0;
}

static void
on_record(void *ctx, const struct record *top)
{
	struct quality *q = ctx;
	validate_completeness_add(&q->vc, &q->c, top, top);
}

static void
on_row(void *ctx, const struct record *top, const struct record *r)
{
	struct quality *q = ctx;
	validate_completeness_add(&q->vc, &q->c, top, r);
}

static void
on_finding(void *ctx, const struct record *top, const struct record *r,
    const struct finding *f)
{
	struct quality *q = ctx;
	struct qfind *x;

	q->f = xreallocarray(q->f, q->nf + 1, sizeof *q->f);
	x = &q->f[q->nf++];
	x->top_def = top->def;
	x->top_id = top->id;
	x->def = r->def;
	x->id = r->id;
	x->field = f->field;
	x->rule = xstrdup(f->rule);
	x->msg = xstrdup(f->msg);
	x->sev = f->accepted ? SEV_A : f->severity == SEV_ERROR ? SEV_E : SEV_W;
	x->village = q->vc.cur;
}

/* After each page: the count, and Esc, F10 or Ctrl-X stops the checks. */
static int
on_progress(void *ctx, long done, long total)
{
	int stop = 0, ch;
	(void)ctx;
	ui_message(_("Checking: %ld of %ld records (Esc: stop)"), done, total);
	refresh();
	/* keys typed meanwhile: Esc, F10 or Ctrl-X stop, others are dropped */
	nodelay(stdscr, TRUE);
	while ((ch = getch()) != ERR)
		if (ch == 27 || ch == KEY_F(10) || ch == ('X' & 0x1f))
			stop = 1;
	nodelay(stdscr, FALSE);
	return stop;
}

static void
run_checks(struct screen *s)
{
	struct quality *q = s->data;
	struct validate_scan o = {0};
	char *err = NULL;

	free_findings(q);
	q->c.x = s->app->x;
	q->c.db = s->app->db;
	q->c.lang = s->app->lang;
	validate_completeness_init(&q->vc, s->app->s);
	o.fn = on_finding;
	o.record = on_record;
	o.row = on_row;
	o.progress = on_progress;
	q->checked = validate_scan(&q->c, &o, q, &err);
	if (q->checked < 0) {
		ui_error("%s", err);
		free(err);
		q->checked = 0;
	} else if (o.stopped)
		ui_message(_("Stopped: %ld records checked (r: check all "
		    "again)"), q->checked);
	else
		ui_clear_message();
	q->stale = 0;
}

static char *
village_label(struct screen *s, const char *code)
{
	struct db_region reg;
	char *err = NULL, *out;
	if (code == NULL)
		return xstrdup(_("(no village)"));
	if (db_region_get(s->app->db, code, &reg, &err) == 1) {
		out = xasprintf("%s %s", code, reg.name);
		free(reg.code);
		free(reg.name);
		return out;
	}
	free(err);
	return xstrdup(code);
}

static struct qgroup *
group_for(struct quality *q, const char *label)
{
	size_t i;
	for (i = 0; i < q->ng; i++)
		if (strcmp(q->g[i].label, label) == 0)
			return &q->g[i];
	q->g = xreallocarray(q->g, q->ng + 1, sizeof *q->g);
	memset(&q->g[q->ng], 0, sizeof q->g[q->ng]);
	q->g[q->ng].label = xstrdup(label);
	return &q->g[q->ng++];
}

static void
add_line(struct quality *q, char *line)
{
	q->lines = xreallocarray(q->lines, q->nlines + 1, sizeof *q->lines);
	q->lines[q->nlines++] = line;
}

static int
cmp_group(const void *a, const void *b)
{
	const struct qgroup *x = a, *y = b;
	long nx = x->n[0] + x->n[1], ny = y->n[0] + y->n[1];
	if (x->n[0] != y->n[0])
		return x->n[0] < y->n[0] ? 1 : -1;
	if (nx != ny)
		return nx < ny ? 1 : -1;
	return strcmp(x->label, y->label);
}

/* "[error] member 3, Name: message" */
static char *
finding_line(struct screen *s, const struct qfind *f)
{
	static const char *const mark[] = {N_("error"), N_("warning"),
		N_("accepted")};
	const char *fl = f->field != VALIDATE_NO_FIELD ?
	    schema_field_label(&f->def->fields[f->field], s->app->lang) : NULL;
	return xasprintf("[%s] %s #%lld%s%s: %s", _(mark[f->sev]),
	    schema_record_label(f->def, s->app->lang), (long long)f->id,
	    fl != NULL ? ", " : "", fl != NULL ? fl : "", f->msg);
}

/* Build the groups and the lines of the current view and level. */
static void
build(struct screen *s)
{
	struct quality *q = s->data;
	size_t i, j;

	free_groups(q);
	if (q->view == V_COMPLETE) {
		const struct schema *sc = s->app->s;
		size_t t, best_t = 0, best_i = 0, k;
		unsigned char *used;
		size_t nall = 0;
		/* the ten fields most often left empty where asked, then
		 * the villages */
		add_line(q, xstrdup(_("Fields most often left empty where "
		    "asked:")));
		for (t = 0; t < sc->nrecords; t++)
			nall += sc->records[t].nfields;
		used = xcalloc(nall + 1, 1);
		for (k = 0; k < 10; k++) {
			long best = 0;
			size_t base = 0;
			for (t = 0; t < sc->nrecords; t++) {
				for (j = 0; j < sc->records[t].nfields; j++)
					if (!used[base + j] && q->vc.empty[t][j] >
					    best) {
						best = q->vc.empty[t][j];
						best_t = t;
						best_i = j;
					}
				base += sc->records[t].nfields;
			}
			if (best == 0)
				break;
			base = 0;
			for (t = 0; t < best_t; t++)
				base += sc->records[t].nfields;
			used[base + best_i] = 1;
			add_line(q, xasprintf(_("  %-44.44s %7ld of %ld"),
			    schema_field_label(&sc->records[best_t].fields[best_i],
			    s->app->lang), best, q->vc.seen[best_t]));
		}
		if (k == 0)
			add_line(q, xstrdup(_("  none")));
		free(used);
		add_line(q, xstrdup(""));
		for (i = 0; i < q->vc.nv; i++) {
			const struct validate_village *v = &q->vc.v[i];
			char *vl = village_label(s, v->code);
			add_line(q, xasprintf(_("%-38.38s %7ld records %5.1f%% "
			    "complete"), vl, v->records, v->records ?
			    100.0 * (double)v->complete / (double)v->records :
			    0.0));
			free(vl);
		}
		return;
	}
	for (i = 0; i < q->nf; i++) {
		const struct qfind *f = &q->f[i];
		struct qgroup *g;
		char *label = q->view == V_RULE ? xstrdup(f->rule) :
		    village_label(s, q->vc.v[f->village].code);
		g = group_for(q, label);
		free(label);
		g->n[f->sev]++;
		g->items = xreallocarray(g->items, g->nitems + 1,
		    sizeof *g->items);
		g->items[g->nitems++] = i;
	}
	if (q->ng > 1)
		qsort(q->g, q->ng, sizeof *q->g, cmp_group);
	if (q->group < 0) {
		for (i = 0; i < q->ng; i++)
			add_line(q, xasprintf(_("%-38.38s %6ld err %6ld warn "
			    "%6ld acc"), q->g[i].label, q->g[i].n[SEV_E],
			    q->g[i].n[SEV_W], q->g[i].n[SEV_A]));
		return;
	}
	if ((size_t)q->group >= q->ng)
		return;
	for (i = 0; i < q->g[q->group].nitems; i++)
		add_line(q, finding_line(s, &q->f[q->g[q->group].items[i]]));
}

static int
rows(void)
{
	return LINES - 6;
}

static void
quality_draw(struct screen *s)
{
	struct quality *q = s->data;
	static const char *const views[] = {N_("by rule"), N_("by village"),
		N_("completeness")};
	long nerr = 0, nwarn = 0, nacc = 0;
	char *t, *line;
	size_t i;
	int y;

	if (q->stale) {
		char *label = q->group >= 0 && (size_t)q->group < q->ng ?
		    xstrdup(q->g[q->group].label) : NULL;
		run_checks(s);
		q->group = -1;
		build(s);
		for (i = 0; label != NULL && i < q->ng; i++)
			if (strcmp(q->g[i].label, label) == 0) {
				q->group = (long)i;
				build(s);
				break;
			}
		free(label);
	}
	if (q->lines == NULL && q->nlines == 0)
		build(s);
	if (q->sel >= (int)q->nlines)
		q->sel = q->nlines > 0 ? (int)q->nlines - 1 : 0;
	if (q->sel < q->top)
		q->top = q->sel;
	if (q->sel >= q->top + rows())
		q->top = q->sel - rows() + 1;
	for (i = 0; i < q->nf; i++) {
		if (q->f[i].sev == SEV_E)
			nerr++;
		else if (q->f[i].sev == SEV_W)
			nwarn++;
		else
			nacc++;
	}
	ui_erase();
	t = xasprintf(_("Data quality - %s"), _(views[q->view]));
	ui_title(t, s->app->user);
	free(t);
	line = xasprintf(_("%ld records checked: %ld errors, %ld warnings, "
	    "%ld accepted"), q->checked, nerr, nwarn, nacc);
	t = ui_fit(line, COLS - 2);
	mvaddstr(2, 1, t);
	free(t);
	free(line);
	if (q->group >= 0 && (size_t)q->group < q->ng) {
		line = xasprintf("> %s", q->g[q->group].label);
		t = ui_fit(line, COLS - 2);
		mvaddstr(3, 1, t);
		free(t);
		free(line);
	} else if (q->nf == 0 && q->view != V_COMPLETE)
		mvaddstr(4, 2, _("No findings: every check passes."));
	for (y = 0; y < rows() && q->top + y < (int)q->nlines; y++) {
		int k = q->top + y;
		t = ui_fit(q->lines[k], COLS - 3);
		if (k == q->sel && q->view != V_COMPLETE)
			attron(A_REVERSE);
		mvprintw(4 + y, 1, "%-*s", COLS - 3, t);
		if (k == q->sel && q->view != V_COMPLETE)
			attroff(A_REVERSE);
		free(t);
	}
	if (q->group >= 0)
		ui_keys(_("Enter open record  r recheck  F10/^X groups  "
		    "F1/^G help"));
	else
		ui_keys(_("Enter findings  Tab rule/village/complete  r recheck  "
		    "F10/^X back"));
	move(4 + q->sel - q->top, 1);
	refresh();
}

static void
open_finding(struct screen *s)
{
	struct quality *q = s->data;
	const struct qfind *f;
	if (q->group < 0 || (size_t)q->group >= q->ng || q->sel < 0 ||
	    (size_t)q->sel >= q->g[q->group].nitems)
		return;
	f = &q->f[q->g[q->group].items[q->sel]];
	ui_entry_open_at(s->app, f->top_def->name, f->top_id,
	    f->def != f->top_def ? f->def->name : NULL,
	    f->def != f->top_def ? f->id : 0,
	    f->field != VALIDATE_NO_FIELD ? f->def->fields[f->field].name :
	    NULL);
	/* a row: its own finding (the family's are on its open) */
	if (ui_top() != s && f->def != f->top_def)
		ui_message("%s", f->msg);
}

static int
quality_key(struct screen *s, const struct ui_event *ev)
{
	struct quality *q = s->data;

	switch (ev->action) {
	case ACT_UP:
		if (q->sel > 0)
			q->sel--;
		break;
	case ACT_DOWN:
		if (q->sel + 1 < (int)q->nlines)
			q->sel++;
		break;
	case ACT_NEXT_PAGE:
		q->sel += rows();
		break;
	case ACT_PREV_PAGE:
		q->sel = q->sel > rows() ? q->sel - rows() : 0;
		break;
	case ACT_HOME:
		q->sel = 0;
		break;
	case ACT_END:
		q->sel = q->nlines > 0 ? (int)q->nlines - 1 : 0;
		break;
	case ACT_TAB:
		if (q->group >= 0)
			break;
		q->view = (q->view + 1) % V_COUNT;
		q->sel = q->top = 0;
		build(s);
		break;
	case ACT_BTAB:
		if (q->group >= 0)
			break;
		q->view = (q->view + V_COUNT - 1) % V_COUNT;
		q->sel = q->top = 0;
		build(s);
		break;
	case ACT_ENTER:
		if (q->view == V_COMPLETE)
			break;
		if (q->group < 0) {
			if (q->sel < 0 || (size_t)q->sel >= q->ng)
				break;
			q->group = q->sel;
			q->sel = q->top = 0;
			build(s);
			break;
		}
		open_finding(s);
		return UI_OK;
	case ACT_CHAR:
		if (ev->ch == 'r' || ev->ch == 'R')
			q->stale = 1;
		break;
	case ACT_HELP:
		ui_help_show(_("Every check of the dictionary over every record, "
		    "as 'kesra validate' does.\n"
		    "Tab, Shift-Tab: group by rule, by village, or show the "
		    "completeness of each village\n"
		    "Enter: the findings of a group; on a finding, open the "
		    "record at its field\n"
		    "r: run the checks again (after corrections)\n"
		    "F10, Ctrl-X: back"), NULL);
		break;
	case ACT_BACK:
		if (q->group >= 0) {
			q->sel = (int)q->group;
			q->group = -1;
			q->top = 0;
			build(s);
			break;
		}
		return UI_POP;
	default:
		return UI_OK;
	}
	s->needs_draw = 1;
	return UI_OK;
}

static void
quality_leave(struct screen *s)
{
	struct quality *q = s->data;
	free_findings(q);
	free(q);
}

static const struct screen_ops quality_ops = {
	NULL, quality_draw, quality_key, quality_leave
};

void
ui_quality_open(struct ui_app *app)
{
	struct quality *q = xcalloc(1, sizeof *q);
	q->group = -1;
	q->stale = 1;
	ui_push(app, &quality_ops, q);
}
