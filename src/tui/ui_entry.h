/*
 * ui_entry: shared between the entry form (ui_entry.c) and the roster list
 * (ui_roster.c). A top-level entry owns its record and the rows of its
 * rosters in memory until it is saved as one tree; a roster row is edited
 * in an entry of its own whose parent is the top-level entry.
 */
#ifndef KESRA_UI_ENTRY_H
#define KESRA_UI_ENTRY_H

#include <curses.h>
#include <stdint.h>

#include "record.h"
#include "schema.h"
#include "ui.h"
#include "ui_form.h"

struct roster {
	const struct sch_record *def;
	struct record **rows;
	size_t n;
	int64_t *deleted; /* saved rows removed in this session */
	size_t ndeleted;
};

struct entry {
	struct ui_app *app;
	const struct sch_record *def;
	struct record *rec;     /* values being entered (checked) */
	struct record *orig;    /* as loaded or last saved */
	struct entry *parent;   /* for a roster row: the top-level entry */
	struct roster *in_roster; /* for a roster row: its roster */
	long row;               /* its index there; -1 = a new row */
	struct roster *rosters; /* top level: one per child record type */
	size_t nrosters;
	int rosters_dirty;      /* rows added, changed, moved or removed */
	unsigned char *relevant; /* per field */
	struct uif *form;
	WINDOW *win;
	size_t cur;             /* current field, kept over re-layout */
	char *pending;          /* text to put in it on the first paint */
	int64_t draft_key;      /* key of its draft (draft.h); 0: none yet */
};

/* Check, accept warnings and save the whole tree (top-level entry only).
 * Returns 0 when saved. */
int ui_entry_save(struct entry *e);
/* 1 when something is unsaved. */
int ui_entry_modified(struct entry *e);
/* Open the form of row `row` (-1: a new row) of roster k of e. */
void ui_entry_open_row(struct entry *e, size_t k, long row);
/* The roster list screen of entry e, starting at roster k. */
void ui_roster_open(struct entry *e, size_t k);
/* When s is a roster list screen: 1, its roster k and highlighted row. */
int ui_roster_where(const struct screen *s, size_t *k, int *sel);
/* Highlight row sel of the roster list on top of the stack. */
void ui_roster_select(int sel);
/* Title of a record for lists and messages. Caller frees. */
char *ui_record_title(const struct record *r);

#endif
