/*
 * ui_form: dictionary pages -> libform FIELDs and FORM. Every libform return
 * code is checked; O_BLANK and O_AUTOSKIP are off; buffers are trimmed; text
 * fields scroll sideways up to TEXT_CHARS characters.
 *
 * Layout of a page (window rows): the page title on row 0, then one field a
 * row: label (fitted to the label column, '*' when required), a dim leader
 * of dots up to the field when it can be typed in, input field, and for
 * choice fields the chosen label beside. A page longer than the window
 * continues on the next libform page.
 *
 * Bytes on slow links: input fields carry no attribute (no underline, no
 * reverse), so a typed character costs the character itself; what marks a
 * field is the leader, drawn once with the page.
 */
#include "ui_form.h"

#include <form.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "i18n.h"
#include "ui.h"
#include "util.h"

#define TEXT_CHARS 250
#define LABEL_MAX 32

struct uif {
	const struct sch_record *def;
	int lang;
	WINDOW *win;
	FORM *form;
	FIELD **all;      /* NULL-terminated, every FIELD for libform */
	size_t nall;
	FIELD **input;    /* by schema index */
	FIELD **side;     /* by schema index; NULL when none */
	FIELD **label;    /* by schema index */
	FIELD **lead;     /* by schema index: the dots; NULL when none */
	int *fpage;       /* libform page of each schema field */
	char **shown;     /* by schema index: text last put by uif_show */
	size_t *order;    /* entry order: schema indices */
	size_t norder;
	size_t *title_of; /* libform page -> schema page */
	int npages;
};

static void
must(int rc, const char *what)
{
	if (rc != E_OK && rc != E_REQUEST_DENIED && rc != E_INVALID_FIELD &&
	    rc != E_UNKNOWN_COMMAND)
		util_fatal("libform: %s failed (%d)", what, rc);
}

static FIELD *
add_field(struct uif *f, int w, int row, int col)
{
	FIELD *fld = new_field(1, w, row, col, 0, 0);
	if (fld == NULL)
		util_fatal("libform: new_field failed");
	f->all = xreallocarray(f->all, f->nall + 2, sizeof *f->all);
	f->all[f->nall++] = fld;
	f->all[f->nall] = NULL;
	return fld;
}

static FIELD *
add_static(struct uif *f, const char *text, int w, int row, int col,
    chtype attr)
{
	FIELD *fld;
	char *t;
	if (w <= 0)
		return NULL;
	fld = add_field(f, w, row, col);
	must(field_opts_off(fld, O_ACTIVE | O_EDIT), "field_opts_off");
	t = ui_fit(text, w);
	must(set_field_buffer(fld, 0, t), "set_field_buffer");
	free(t);
	if (attr)
		must(set_field_back(fld, attr), "set_field_back");
	return fld;
}

static int
label_width(const struct uif *f)
{
	size_t i;
	int w = 8;
	for (i = 0; i < f->def->nfields; i++) {
		int l = ui_width(schema_field_label(&f->def->fields[i],
		    f->lang)) + 2;
		if (l > w)
			w = l;
	}
	return w > LABEL_MAX ? LABEL_MAX : w;
}

static void
layout(struct uif *f)
{
	const struct sch_record *def = f->def;
	int rows = getmaxy(f->win), cols = getmaxx(f->win);
	int labelw = label_width(f), fcol = labelw + 1;
	size_t p, j;
	int page = -1;

	for (p = 0; p < def->npages; p++) {
		const struct sch_page *pg = &def->pages[p];
		const char *title = sch_text_get(&pg->title, f->lang, "");
		int row = rows; /* force a new libform page */
		for (j = 0; j < pg->nfields; j++) {
			size_t idx = pg->fields[j];
			const struct sch_field *sf = &def->fields[idx];
			/* one spare cell, so the cursor can stand after the
			 * last character of a full static field */
			int w = sf->width + 1;
			int first = 0;
			FIELD *in, *l;
			char *lab;

			if (row >= rows) {
				page++;
				f->title_of = xreallocarray(f->title_of,
				    (size_t)page + 1, sizeof *f->title_of);
				f->title_of[page] = p;
				row = 0;
				if (title[0] != '\0') {
					FIELD *t = add_static(f, title, cols - 1,
					    0, 0, A_BOLD);
					if (t != NULL)
						must(set_new_page(t, TRUE),
						    "set_new_page");
					row = 2;
				} else
					first = 1;
			}
			if (sf->type == FT_NOTE) {
				/* a note is its label across the window */
				l = add_static(f, schema_field_label(sf, f->lang),
				    cols - 1, row, 0, 0);
				if (first && l != NULL)
					must(set_new_page(l, TRUE),
					    "set_new_page");
				f->label[idx] = l;
				f->fpage[idx] = page;
				row++;
				continue;
			}
			lab = xasprintf("%s%s", schema_field_label(sf, f->lang),
			    sf->required ? " *" : "");
			l = add_static(f, lab, labelw, row, 0, 0);
			if (first && l != NULL)
				must(set_new_page(l, TRUE), "set_new_page");
			f->label[idx] = l;
			if (!sf->read_only && sf->type != FT_CALCULATE) {
				int lw = ui_width(lab) + 1;
				if (labelw - lw >= 2) {
					char *dots = xcalloc((size_t)(labelw -
					    lw) + 1, 1);
					memset(dots, '.', (size_t)(labelw - lw));
					f->lead[idx] = add_static(f, dots,
					    labelw - lw, row, lw, A_DIM);
					free(dots);
				}
			}
			free(lab);
			if (w > cols - fcol - 1)
				w = cols - fcol - 1;
			in = add_field(f, w, row, fcol);
			must(set_field_userptr(in, (void *)(uintptr_t)(idx + 1)),
			    "set_field_userptr");
			must(field_opts_off(in, O_BLANK | O_AUTOSKIP),
			    "field_opts_off");
			if (sf->read_only || sf->type == FT_CALCULATE)
				must(field_opts_off(in, O_EDIT), "field_opts_off");
			if (sf->type == FT_TEXT) {
				must(field_opts_off(in, O_STATIC),
				    "field_opts_off");
				must(set_max_field(in, TEXT_CHARS),
				    "set_max_field");
			}
			f->input[idx] = in;
			f->fpage[idx] = page;
			f->order[f->norder++] = idx;
			if (sf->type == FT_SELECT_ONE || sf->type == FT_YESNO ||
			    sf->type == FT_SELECT_MULTIPLE ||
			    sf->type == FT_REGION)
				f->side[idx] = add_static(f, "",
				    cols - fcol - w - 3, row, fcol + w + 2, 0);
			row++;
		}
	}
	f->npages = page + 1;
}

struct uif *
uif_new(const struct sch_record *def, int lang, WINDOW *win)
{
	struct uif *f = xcalloc(1, sizeof *f);
	size_t n = def->nfields;

	f->def = def;
	f->lang = lang;
	f->win = win;
	f->input = xcalloc(n, sizeof *f->input);
	f->side = xcalloc(n, sizeof *f->side);
	f->label = xcalloc(n, sizeof *f->label);
	f->lead = xcalloc(n, sizeof *f->lead);
	f->fpage = xcalloc(n, sizeof *f->fpage);
	f->shown = xcalloc(n, sizeof *f->shown);
	f->order = xcalloc(n, sizeof *f->order);
	layout(f);
	f->form = new_form(f->all);
	if (f->form == NULL)
		util_fatal("libform: new_form failed");
	must(set_form_win(f->form, win), "set_form_win");
	must(set_form_sub(f->form, win), "set_form_sub");
	must(post_form(f->form), "post_form");
	return f;
}

void
uif_free(struct uif *f)
{
	size_t i;
	if (f == NULL)
		return;
	unpost_form(f->form);
	free_form(f->form);
	for (i = 0; i < f->nall; i++)
		free_field(f->all[i]);
	for (i = 0; i < f->def->nfields; i++)
		free(f->shown[i]);
	free(f->all);
	free(f->input);
	free(f->side);
	free(f->label);
	free(f->lead);
	free(f->fpage);
	free(f->shown);
	free(f->order);
	free(f->title_of);
	free(f);
}

size_t
uif_current(const struct uif *f)
{
	FIELD *c = current_field(f->form);
	uintptr_t u = c != NULL ? (uintptr_t)field_userptr(c) : 0;
	return u > 0 ? (size_t)(u - 1) : f->order[0];
}

size_t
uif_pos(const struct uif *f)
{
	size_t cur = uif_current(f), i;
	for (i = 0; i < f->norder; i++)
		if (f->order[i] == cur)
			return i;
	return 0;
}

size_t
uif_count(const struct uif *f)
{
	return f->norder;
}

size_t
uif_field_at(const struct uif *f, size_t pos)
{
	return f->order[pos < f->norder ? pos : f->norder - 1];
}

int
uif_page(const struct uif *f)
{
	return form_page(f->form);
}

int
uif_npages(const struct uif *f)
{
	return f->npages;
}

const char *
uif_page_title(const struct uif *f)
{
	int p = form_page(f->form);
	if (p < 0 || p >= f->npages)
		return "";
	return sch_text_get(&f->def->pages[f->title_of[p]].title, f->lang, "");
}

int
uif_goto(struct uif *f, size_t idx)
{
	if (idx >= f->def->nfields || f->input[idx] == NULL)
		return -1;
	return set_current_field(f->form, f->input[idx]) == E_OK ? 0 : -1;
}

int
uif_goto_page(struct uif *f, int p)
{
	size_t i;
	for (i = 0; i < f->norder; i++)
		if (f->fpage[f->order[i]] == p)
			return uif_goto(f, f->order[i]);
	return -1;
}

void
uif_side(struct uif *f, size_t idx, const char *text)
{
	int rows, cols, frow, fcol, nrow, nbuf;
	char *t;
	if (idx >= f->def->nfields || f->side[idx] == NULL)
		return;
	if (field_info(f->side[idx], &rows, &cols, &frow, &fcol, &nrow,
	    &nbuf) != E_OK)
		cols = 0;
	t = ui_fit(text != NULL ? text : "", cols);
	must(set_field_buffer(f->side[idx], 0, t), "set_field_buffer");
	free(t);
}

/* The label of the chosen code(s) of a choice field. Caller frees. */
static char *
choice_labels(const struct uif *f, const struct sch_field *sf, const char *v)
{
	struct sbuf b = {0};
	const char *p = v;
	if (v == NULL)
		return xstrdup("");
	if (sf->type == FT_YESNO)
		return xstrdup(strcmp(v, "1") == 0 ? _("Yes") :
		    strcmp(v, "0") == 0 ? _("No") : "");
	while (*p != '\0') {
		size_t n = strcspn(p, " ");
		char *code = xstrndup(p, n);
		const struct sch_choice *c = schema_choice(sf->vs, code);
		if (c != NULL) {
			if (b.len > 0)
				sbuf_add(&b, ", ");
			sbuf_add(&b, sch_text_get(&c->label, f->lang, ""));
		}
		free(code);
		p += n;
		while (*p == ' ')
			p++;
	}
	return sbuf_steal(&b);
}

int
uif_show(struct uif *f, size_t idx, const char *v)
{
	char *t;
	if (idx >= f->def->nfields || f->input[idx] == NULL)
		return 0;
	t = ui_fit(v != NULL ? v : "", TEXT_CHARS);
	/* a field showing this value already is left alone (the current
	 * one is always set: its buffer may hold typed text) */
	if (f->shown[idx] != NULL && strcmp(f->shown[idx], t) == 0 &&
	    current_field(f->form) != f->input[idx]) {
		free(t);
		return 0;
	}
	must(set_field_buffer(f->input[idx], 0, t), "set_field_buffer");
	free(f->shown[idx]);
	f->shown[idx] = t;
	if (f->def->fields[idx].type != FT_REGION) {
		char *side = choice_labels(f, &f->def->fields[idx], v);
		uif_side(f, idx, side);
		free(side);
	}
	return 1;
}

void
uif_enable(struct uif *f, size_t idx, int on)
{
	if (idx >= f->def->nfields)
		return;
	if (f->input[idx] != NULL) {
		int vis = (field_opts(f->input[idx]) & O_VISIBLE) != 0;
		/* libform refuses to change the current field's options */
		if (vis == (on != 0) || current_field(f->form) == f->input[idx])
			return;
		must(on ? field_opts_on(f->input[idx], O_VISIBLE) :
		    field_opts_off(f->input[idx], O_VISIBLE), "field_opts");
	}
	if (f->side[idx] != NULL)
		must(on ? field_opts_on(f->side[idx], O_VISIBLE) :
		    field_opts_off(f->side[idx], O_VISIBLE), "field_opts");
	if (f->lead[idx] != NULL)
		must(on ? field_opts_on(f->lead[idx], O_VISIBLE) :
		    field_opts_off(f->lead[idx], O_VISIBLE), "field_opts");
	if (f->label[idx] != NULL)
		must(set_field_fore(f->label[idx], on ? A_NORMAL : A_DIM),
		    "set_field_fore");
}

int
uif_field_page(const struct uif *f, size_t idx)
{
	return idx < f->def->nfields ? f->fpage[idx] : -1;
}

void
uif_set_text(struct uif *f, size_t idx, const char *text)
{
	char *t;
	if (idx >= f->def->nfields || f->input[idx] == NULL)
		return;
	t = ui_fit(text, TEXT_CHARS);
	must(set_field_buffer(f->input[idx], 0, t), "set_field_buffer");
	free(t);
}

char *
uif_buffer(struct uif *f, size_t idx)
{
	const char *b;
	if (idx >= f->def->nfields || f->input[idx] == NULL)
		return xstrdup("");
	if (current_field(f->form) == f->input[idx])
		form_driver_w(f->form, KEY_CODE_YES, REQ_VALIDATION);
	b = field_buffer(f->input[idx], 0);
	return util_trim(b != NULL ? b : "");
}

int
uif_changed(struct uif *f, size_t idx)
{
	char *b = uif_buffer(f, idx);
	int changed = strcmp(b, f->shown[idx] != NULL ? f->shown[idx] : "") != 0;
	free(b);
	return changed;
}

static void
request(struct uif *f, int req)
{
	must(form_driver_w(f->form, KEY_CODE_YES, (wchar_t)req), "form_driver");
}

void
uif_char(struct uif *f, wint_t ch)
{
	must(form_driver_w(f->form, OK, (wchar_t)ch), "form_driver");
}

void uif_left(struct uif *f) { request(f, REQ_LEFT_CHAR); }
void uif_right(struct uif *f) { request(f, REQ_RIGHT_CHAR); }
void uif_home(struct uif *f) { request(f, REQ_BEG_FIELD); }
void uif_end(struct uif *f) { request(f, REQ_END_FIELD); }
void uif_backspace(struct uif *f) { request(f, REQ_DEL_PREV); }
void uif_delete(struct uif *f) { request(f, REQ_DEL_CHAR); }
void uif_clear(struct uif *f) { request(f, REQ_CLR_FIELD); }

void
uif_cursor(struct uif *f)
{
	pos_form_cursor(f->form);
}
