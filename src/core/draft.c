/*
 * draft: forms being typed kept in kesra_draft (see draft.h): the text
 * form of a drafted tree, and saving, loading and deleting drafts.
 *
 * Invariants: draft_escape's output holds only printable ASCII other than
 * backslash-free tabs, so a state splits on '\t' and '\n' without
 * ambiguity, and draft_unescape(draft_escape(s)) == s for every byte
 * string s. Only fixed SQL text; every value is bound.
 */
#include "draft.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <sqlite3.h>

#include "db.h"
#include "i18n.h"

#define DRAFT_MAGIC "kesra-draft"
#define DRAFT_VERSION "1"

int64_t
draft_new_key(void)
{
	static int64_t last;
	int64_t k = -((int64_t)time(NULL) * 1000 + (int64_t)(getpid() % 1000));
	if (last != 0 && k >= last)
		k = last - 1;
	last = k;
	return k;
}

void
draft_free(struct draft *d)
{
	size_t k;
	if (d == NULL)
		return;
	record_free(d->rec);
	record_free(d->row);
	for (k = 0; k < d->nrosters; k++) {
		db_records_free(d->rosters[k].rows, d->rosters[k].n);
		free(d->rosters[k].deleted);
	}
	free(d->rosters);
	free(d->at.field);
	free(d->at.pending);
	free(d->row_at.field);
	free(d->row_at.pending);
	free(d);
}

char *
draft_escape(const char *s)
{
	struct sbuf b = {0};
	const unsigned char *p;
	sbuf_add(&b, "");
	for (p = (const unsigned char *)s; *p != '\0'; p++) {
		if (*p == '\\')
			sbuf_add(&b, "\\\\");
		else if (*p == '\t')
			sbuf_add(&b, "\\t");
		else if (*p == '\n')
			sbuf_add(&b, "\\n");
		else if (*p < 0x20 || *p >= 0x7f)
			sbuf_addf(&b, "\\x%02x", *p);
		else
			sbuf_addc(&b, (char)*p);
	}
	return sbuf_steal(&b);
}

static int
hexval(int c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

char *
draft_unescape(const char *s)
{
	struct sbuf b = {0};
	const char *p;
	sbuf_add(&b, "");
	for (p = s; *p != '\0'; p++) {
		int h, l;
		if (*p != '\\') {
			sbuf_addc(&b, *p);
			continue;
		}
		p++;
		switch (*p) {
		case '\\':
			sbuf_addc(&b, '\\');
			break;
		case 't':
			sbuf_addc(&b, '\t');
			break;
		case 'n':
			sbuf_addc(&b, '\n');
			break;
		case 'x':
			if ((h = hexval(p[1])) < 0 || (l = hexval(p[2])) < 0 ||
			    (h == 0 && l == 0))
				goto bad;
			sbuf_addc(&b, (char)(h * 16 + l));
			p += 2;
			break;
		default:
			goto bad;
		}
	}
	return sbuf_steal(&b);
bad:
	sbuf_free(&b);
	return NULL;
}

/* Append "tag\tv1[\tv2]\n", values escaped (v2 may be NULL). */
static void
put(struct sbuf *b, const char *tag, const char *v1, const char *v2)
{
	char *e;
	sbuf_add(b, tag);
	if (v1 != NULL) {
		e = draft_escape(v1);
		sbuf_addf(b, "\t%s", e);
		free(e);
	}
	if (v2 != NULL) {
		e = draft_escape(v2);
		sbuf_addf(b, "\t%s", e);
		free(e);
	}
	sbuf_addc(b, '\n');
}

static void
put_num(struct sbuf *b, const char *tag, long long n)
{
	sbuf_addf(b, "%s\t%lld\n", tag, n);
}

static void
put_record(struct sbuf *b, const struct record *r)
{
	size_t i;
	put_num(b, "id", r->id);
	put_num(b, "rev", r->rev);
	put_num(b, "parent", r->parent_id);
	put_num(b, "ord", r->ord);
	if (r->uuid[0] != '\0')
		put(b, "uuid", r->uuid, NULL);
	put(b, "status", r->status, NULL);
	for (i = 0; i < r->def->nfields; i++)
		if (r->val[i] != NULL)
			put(b, "v", r->def->fields[i].name, r->val[i]);
	for (i = 0; i < r->nacc; i++)
		put(b, "acc", r->acc[i].rule, r->acc[i].reason);
}

static void
put_place(struct sbuf *b, const struct draft_place *p)
{
	if (p->field != NULL)
		put(b, "field", p->field, NULL);
	if (p->pending != NULL)
		put(b, "pending", p->pending, NULL);
}

char *
draft_serialise(const struct draft *d)
{
	struct sbuf b = {0};
	size_t k, i;

	sbuf_addf(&b, "%s\t%s\n", DRAFT_MAGIC, DRAFT_VERSION);
	put(&b, "record", d->rec->def->name, NULL);
	put_record(&b, d->rec);
	put_place(&b, &d->at);
	for (k = 0; k < d->nrosters; k++) {
		const struct draft_roster *ro = &d->rosters[k];
		put(&b, "roster", ro->def->name, NULL);
		for (i = 0; i < ro->ndeleted; i++)
			put_num(&b, "deleted", ro->deleted[i]);
		for (i = 0; i < ro->n; i++) {
			sbuf_add(&b, "row\n");
			put_record(&b, ro->rows[i]);
		}
	}
	if (d->roster >= 0 && (size_t)d->roster < d->nrosters)
		sbuf_addf(&b, "view\t%s\t%ld\n", d->rosters[d->roster].def->name,
		    d->roster_sel);
	if (d->row != NULL && d->row_roster >= 0 &&
	    (size_t)d->row_roster < d->nrosters) {
		sbuf_addf(&b, "edit\t%s\t%ld\n",
		    d->rosters[d->row_roster].def->name, d->row_index);
		put_record(&b, d->row);
		put_place(&b, &d->row_at);
	}
	sbuf_add(&b, "end\n");
	return sbuf_steal(&b);
}

/* ---- reading ------------------------------------------------------------ */

struct reader {
	const struct schema *s;
	struct draft *d;
	struct record *cur;       /* record the value lines go to, or NULL */
	struct draft_place *place; /* where field/pending lines go */
	struct draft_roster *ro;  /* roster of "row" lines, or NULL (skipped) */
	int ended;
};

static int
parse_long(const char *s, long long *out)
{
	char *end;
	if (s == NULL || s[0] == '\0')
		return -1;
	*out = strtoll(s, &end, 10);
	return *end == '\0' ? 0 : -1;
}

static long
roster_index(const struct draft *d, const char *name)
{
	size_t k;
	for (k = 0; k < d->nrosters; k++)
		if (strcmp(d->rosters[k].def->name, name) == 0)
			return (long)k;
	return -1;
}

/* One record line (id, rev, v, ...) for the current record: 1 handled. */
static int
record_line(struct reader *rd, const char *tag, char **a, size_t na)
{
	struct record *r = rd->cur;
	long long n;
	int i;

	if (strcmp(tag, "v") == 0 || strcmp(tag, "acc") == 0) {
		if (na != 2)
			return -1;
		if (r == NULL)
			return 1;
		if (tag[0] == 'a') {
			record_accept(r, a[0], a[1]);
			return 1;
		}
		if ((i = schema_field_index(r->def, a[0])) >= 0 &&
		    schema_field_stored(&r->def->fields[i]))
			record_set(r, (size_t)i, a[1]);
		return 1;
	}
	if (strcmp(tag, "uuid") == 0 || strcmp(tag, "status") == 0) {
		if (na != 1)
			return -1;
		if (r != NULL)
			snprintf(tag[0] == 'u' ? r->uuid : r->status,
			    tag[0] == 'u' ? sizeof r->uuid : sizeof r->status,
			    "%s", a[0]);
		return 1;
	}
	if (strcmp(tag, "id") == 0 || strcmp(tag, "rev") == 0 ||
	    strcmp(tag, "parent") == 0 || strcmp(tag, "ord") == 0) {
		if (na != 1 || parse_long(a[0], &n) < 0)
			return -1;
		if (r == NULL)
			return 1;
		if (strcmp(tag, "id") == 0)
			r->id = n;
		else if (strcmp(tag, "rev") == 0)
			r->rev = n;
		else if (strcmp(tag, "parent") == 0)
			r->parent_id = n;
		else
			r->ord = n;
		return 1;
	}
	return 0;
}

static int
line(struct reader *rd, const char *tag, char **a, size_t na)
{
	struct draft *d = rd->d;
	const struct sch_record *def;
	long long n;
	long k;
	int rc;

	if (rd->ended)
		return -1;
	if (d->rec == NULL && strcmp(tag, "record") != 0)
		return -1;
	if ((rc = record_line(rd, tag, a, na)) != 0)
		return rc;
	if (strcmp(tag, "record") == 0) {
		if (na != 1 || d->rec != NULL)
			return -1;
		if ((def = schema_record(rd->s, a[0])) == NULL)
			return -2;
		d->rec = record_new(def);
		rd->cur = d->rec;
		rd->place = &d->at;
	} else if (strcmp(tag, "field") == 0 || strcmp(tag, "pending") == 0) {
		char **slot;
		if (na != 1 || rd->place == NULL)
			return -1;
		slot = tag[0] == 'f' ? &rd->place->field : &rd->place->pending;
		free(*slot);
		*slot = xstrdup(a[0]);
	} else if (strcmp(tag, "roster") == 0) {
		if (na != 1)
			return -1;
		rd->cur = NULL;
		rd->place = NULL;
		rd->ro = NULL;
		def = schema_record(rd->s, a[0]);
		if (def == NULL || def->parent == NULL ||
		    strcmp(def->parent, d->rec->def->name) != 0 ||
		    roster_index(d, a[0]) >= 0)
			return 1; /* not (or no longer) a roster of it */
		d->rosters = xreallocarray(d->rosters, d->nrosters + 1,
		    sizeof *d->rosters);
		rd->ro = &d->rosters[d->nrosters++];
		memset(rd->ro, 0, sizeof *rd->ro);
		rd->ro->def = def;
	} else if (strcmp(tag, "deleted") == 0) {
		if (na != 1 || parse_long(a[0], &n) < 0)
			return -1;
		if (rd->ro != NULL) {
			rd->ro->deleted = xreallocarray(rd->ro->deleted,
			    rd->ro->ndeleted + 1, sizeof *rd->ro->deleted);
			rd->ro->deleted[rd->ro->ndeleted++] = n;
		}
	} else if (strcmp(tag, "row") == 0) {
		if (na != 0)
			return -1;
		rd->cur = NULL;
		if (rd->ro != NULL) {
			rd->ro->rows = xreallocarray(rd->ro->rows, rd->ro->n + 1,
			    sizeof *rd->ro->rows);
			rd->cur = rd->ro->rows[rd->ro->n++] =
			    record_new(rd->ro->def);
		}
	} else if (strcmp(tag, "view") == 0 || strcmp(tag, "edit") == 0) {
		if (na != 2 || parse_long(a[1], &n) < 0)
			return -1;
		rd->cur = NULL;
		rd->place = NULL;
		rd->ro = NULL;
		if ((k = roster_index(d, a[0])) < 0)
			return 1;
		if (tag[0] == 'v') {
			d->roster = k;
			d->roster_sel = (long)n;
		} else if (d->row == NULL) {
			d->row_roster = k;
			d->row_index = n < 0 ? -1 : (long)n;
			d->row = record_new(d->rosters[k].def);
			rd->cur = d->row;
			rd->place = &d->row_at;
		}
	} else if (strcmp(tag, "end") == 0) {
		rd->ended = 1;
	}
	/* other tags: from a newer kesra; ignored */
	return 1;
}

int
draft_parse(const struct schema *s, const char *text, struct draft **out,
    char **err)
{
	struct reader rd = {0};
	const char *p = text;
	char *ln = NULL, **a = NULL;
	int first = 1, rc = 0;

	*out = NULL;
	rd.s = s;
	rd.d = xcalloc(1, sizeof *rd.d);
	rd.d->roster = -1;
	rd.d->row_roster = -1;
	rd.d->row_index = -1;
	while (*p != '\0' && rc == 0) {
		size_t len = strcspn(p, "\n"), na = 0, i;
		char *q, *tag;
		ln = xstrndup(p, len);
		p += len + (p[len] == '\n');
		tag = ln;
		q = strchr(ln, '\t');
		if (q != NULL)
			*q++ = '\0';
		while (q != NULL) {
			char *t = strchr(q, '\t');
			if (t != NULL)
				*t++ = '\0';
			a = xreallocarray(a, na + 1, sizeof *a);
			if ((a[na] = draft_unescape(q)) == NULL) {
				rc = -1;
				break;
			}
			na++;
			q = t;
		}
		if (rc == 0 && first) {
			if (strcmp(tag, DRAFT_MAGIC) != 0 || na != 1 ||
			    strcmp(a[0], DRAFT_VERSION) != 0)
				rc = -1;
			first = 0;
		} else if (rc == 0) {
			int r = line(&rd, tag, a, na);
			if (r == -2)
				rc = -2;
			else if (r < 0)
				rc = -1;
		}
		for (i = 0; i < na; i++)
			free(a[i]);
		free(ln);
		ln = NULL;
	}
	free(a);
	if (rc == 0 && (rd.d->rec == NULL || !rd.ended))
		rc = -1;
	if (rc < 0) {
		draft_free(rd.d);
		return util_err(err, rc == -2 ? _("the draft is of a record type "
		    "this dictionary does not have") :
		    _("the draft is damaged"));
	}
	*out = rd.d;
	return 0;
}

/* ---- storage ------------------------------------------------------------ */

static const char draft_ddl[] =
    "CREATE TABLE IF NOT EXISTS kesra_draft (user TEXT NOT NULL, "
    "record TEXT NOT NULL, record_id INTEGER NOT NULL, field TEXT, "
    "state TEXT NOT NULL, saved_at TEXT NOT NULL, "
    "PRIMARY KEY (user, record, record_id)) STRICT";

static int
sql_fail(struct db *db, char **err, const char *what)
{
	return util_err(err, "%s: %s: %s", db_path(db), what,
	    sqlite3_errmsg(db_sqlite(db)));
}

int
db_draft_sync(struct db *db, int dry_run, struct sbuf *plan, char **err)
{
	sqlite3_stmt *st;
	int have;

	if (sqlite3_prepare_v2(db_sqlite(db), "SELECT 1 FROM sqlite_schema "
	    "WHERE type = 'table' AND name = 'kesra_draft'", -1, &st,
	    NULL) != SQLITE_OK)
		return sql_fail(db, err, "kesra_draft");
	have = sqlite3_step(st) == SQLITE_ROW;
	sqlite3_finalize(st);
	if (have)
		return 0;
	if (plan != NULL)
		sbuf_add(plan, _("create table kesra_draft (forms kept when a "
		    "terminal went away)\n"));
	if (dry_run)
		return 0;
	if (sqlite3_exec(db_sqlite(db), draft_ddl, NULL, NULL, NULL) !=
	    SQLITE_OK)
		return sql_fail(db, err, "kesra_draft");
	return 0;
}

static sqlite3_stmt *
prep(struct db *db, const char *sql, char **err)
{
	sqlite3_stmt *st = NULL;
	if (sqlite3_prepare_v2(db_sqlite(db), sql, -1, &st, NULL) !=
	    SQLITE_OK) {
		sqlite3_finalize(st);
		sql_fail(db, err, "kesra_draft");
		return NULL;
	}
	return st;
}

int
draft_save(struct db *db, const char *user, const struct draft *d,
    char **err)
{
	sqlite3_stmt *st;
	char *state, now[32];
	const char *field = d->row != NULL ? d->row_at.field : d->at.field;
	int rc;

	st = prep(db, "INSERT OR REPLACE INTO kesra_draft (user, record, "
	    "record_id, field, state, saved_at) VALUES (?1, ?2, ?3, ?4, ?5, "
	    "?6)", err);
	if (st == NULL)
		return -1;
	state = draft_serialise(d);
	util_now(now, sizeof now);
	sqlite3_bind_text(st, 1, user, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 2, d->rec->def->name, -1, SQLITE_STATIC);
	sqlite3_bind_int64(st, 3, d->key != 0 ? d->key : d->rec->id);
	if (field != NULL)
		sqlite3_bind_text(st, 4, field, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 5, state, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 6, now, -1, SQLITE_STATIC);
	rc = sqlite3_step(st);
	sqlite3_finalize(st);
	free(state);
	return rc == SQLITE_DONE ? 0 : sql_fail(db, err, "kesra_draft");
}

int
draft_load(struct db *db, const char *user, struct draft **out, char **err)
{
	sqlite3_stmt *st;
	int rc, found = 0;

	*out = NULL;
	st = prep(db, "SELECT state, saved_at, record_id FROM kesra_draft "
	    "WHERE user = ?1 "
	    "ORDER BY saved_at DESC, rowid DESC", err);
	if (st == NULL)
		return -1;
	sqlite3_bind_text(st, 1, user, -1, SQLITE_STATIC);
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		const char *text = (const char *)sqlite3_column_text(st, 0);
		const char *at = (const char *)sqlite3_column_text(st, 1);
		char *perr = NULL;
		if (text != NULL && draft_parse(db_schema(db), text, out,
		    &perr) == 0) {
			snprintf((*out)->saved_at, sizeof (*out)->saved_at,
			    "%s", at != NULL ? at : "");
			(*out)->key = sqlite3_column_int64(st, 2);
			found = 1;
			break;
		}
		free(perr);
	}
	sqlite3_finalize(st);
	if (!found && rc != SQLITE_DONE)
		return sql_fail(db, err, "kesra_draft");
	return found;
}

int
draft_delete(struct db *db, const char *user, const char *record, int64_t id,
    char **err)
{
	sqlite3_stmt *st = prep(db, "DELETE FROM kesra_draft WHERE user = ?1 "
	    "AND record = ?2 AND record_id = ?3", err);
	int rc;
	if (st == NULL)
		return -1;
	sqlite3_bind_text(st, 1, user, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 2, record, -1, SQLITE_STATIC);
	sqlite3_bind_int64(st, 3, id);
	rc = sqlite3_step(st);
	sqlite3_finalize(st);
	return rc == SQLITE_DONE ? 0 : sql_fail(db, err, "kesra_draft");
}

static char *
col_dup(sqlite3_stmt *st, int i)
{
	const char *t = (const char *)sqlite3_column_text(st, i);
	return xstrdup(t != NULL ? t : "");
}

int
draft_list(struct db *db, const char *user, struct draft_info **out,
    size_t *n, char **err)
{
	sqlite3_stmt *st;
	int rc;

	*out = NULL;
	*n = 0;
	st = prep(db, "SELECT user, record, record_id, field, saved_at FROM "
	    "kesra_draft WHERE ?1 IS NULL OR user = ?1 "
	    "ORDER BY saved_at DESC, rowid DESC", err);
	if (st == NULL)
		return -1;
	if (user != NULL)
		sqlite3_bind_text(st, 1, user, -1, SQLITE_STATIC);
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		struct draft_info *i;
		*out = xreallocarray(*out, *n + 1, sizeof **out);
		i = &(*out)[(*n)++];
		i->user = col_dup(st, 0);
		i->record = col_dup(st, 1);
		i->id = sqlite3_column_int64(st, 2);
		i->field = col_dup(st, 3);
		i->saved_at = col_dup(st, 4);
	}
	sqlite3_finalize(st);
	if (rc != SQLITE_DONE) {
		draft_infos_free(*out, *n);
		*out = NULL;
		*n = 0;
		return sql_fail(db, err, "kesra_draft");
	}
	return 0;
}

void
draft_infos_free(struct draft_info *v, size_t n)
{
	size_t i;
	for (i = 0; i < n; i++) {
		free(v[i].user);
		free(v[i].record);
		free(v[i].field);
		free(v[i].saved_at);
	}
	free(v);
}
