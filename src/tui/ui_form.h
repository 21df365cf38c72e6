/*
 * ui_form: the only libform user. Turns a record's pages into a FORM sized
 * to a window (labels, input fields, the label of the chosen code beside
 * choice fields), moves between fields and pages in dictionary order, and
 * reads trimmed buffers.
 *
 * Ownership: uif_new borrows def and win (both must outlive the form);
 * uif_free releases the FORM and every FIELD.
 */
#ifndef KESRA_UI_FORM_H
#define KESRA_UI_FORM_H

#include <curses.h>
#include <stddef.h>
#include <wchar.h>

#include "schema.h"

struct uif;

struct uif *uif_new(const struct sch_record *def, int lang, WINDOW *win);
void uif_free(struct uif *f);

/* Schema index of the current field. */
size_t uif_current(const struct uif *f);
/* Position of the current field in entry order, and the count. */
size_t uif_pos(const struct uif *f);
size_t uif_count(const struct uif *f);
/* Schema index of the field at entry position pos. */
size_t uif_field_at(const struct uif *f, size_t pos);
/* Current libform page and the number of pages. */
int uif_page(const struct uif *f);
int uif_npages(const struct uif *f);
/* Title of the schema page the current field belongs to (borrowed). */
const char *uif_page_title(const struct uif *f);

/* Make schema field idx current (changing page as needed). */
int uif_goto(struct uif *f, size_t idx);
/* First field of libform page p. */
int uif_goto_page(struct uif *f, int p);

/*
 * Show value v (stored form; may be NULL) in field idx, sanitised, with the
 * label of a chosen code beside it. The text shown is remembered, so that
 * uif_changed() can tell an edit from the display of the stored value.
 * Returns 1 when the field was set, 0 when it showed that value already.
 */
int uif_show(struct uif *f, size_t idx, const char *v);
/* Text beside field idx (the label of a code, a region's name). */
void uif_side(struct uif *f, size_t idx, const char *text);
/* Show (on) or hide and dim (off) field idx: skip logic. */
void uif_enable(struct uif *f, size_t idx, int on);
/* libform page of field idx. */
int uif_field_page(const struct uif *f, size_t idx);
/* Put text in field idx as if typed (uif_changed() then tells). */
void uif_set_text(struct uif *f, size_t idx, const char *text);
/* Trimmed buffer of field idx (syncs the current field first). Caller frees. */
char *uif_buffer(struct uif *f, size_t idx);
/* 1 when the buffer of field idx differs from what uif_show put there. */
int uif_changed(struct uif *f, size_t idx);

/* Editing requests on the current field. */
void uif_char(struct uif *f, wint_t ch);
void uif_left(struct uif *f);
void uif_right(struct uif *f);
void uif_home(struct uif *f);
void uif_end(struct uif *f);
void uif_backspace(struct uif *f);
void uif_delete(struct uif *f);
void uif_clear(struct uif *f);

/* Put the terminal cursor on the current field. */
void uif_cursor(struct uif *f);

#endif
