/*
 * transfer: CSV import into one record type and CSV / JSON export of one
 * record type (contract in transfer.h). No SQLite here: storage goes
 * through db_* (db.c, db_transfer.c), checks through validate_* and
 * expr_*, the same as the forms.
 *
 * Import invariants:
 * - The whole file is one transaction (db_begin ... db_commit); each row
 *   is saved with db_record_save (a savepoint), so a row refused by
 *   storage undoes only itself (on the fast path the batch's savepoint,
 *   and the batch is done again row by row). With a rejected row and no
 *   --partial the transaction is rolled back: nothing is written.
 * - Rows are read a batch (BATCH_ROWS) at a time, tried on the fast path
 *   (see fast_batch: the results are the exact path's or the batch is
 *   done again by it), so a batch of rows is in memory at a time. What
 *   grows with the file is the set of record ids written so far (16
 *   bytes each), by which a second row for the same record is refused
 *   instead of silently overwriting the first.
 * - The search index of the new rows is added in one statement before
 *   the commit (db_search_defer), not row by row.
 * - Values are never printed raw: messages quote them through
 *   util_sanitize.
 */
#include "transfer.h"

#include <ctype.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "audit.h"
#include "csv.h"
#include "i18n.h"
#include "validate.h"
#include "vbatch.h"

#define PROGRESS_ROWS 2048

/* ---- a set of record ids, each with the line that wrote it ------------ */

struct idset {
	int64_t *id;
	long *line;
	size_t n, cap; /* cap a power of two; 0 = empty slot id */
};

static size_t
idset_slot(const struct idset *s, int64_t id)
{
	uint64_t h = (uint64_t)id * 0x9e3779b97f4a7c15ULL;
	size_t i = (size_t)(h >> 20) & (s->cap - 1);
	while (s->id[i] != 0 && s->id[i] != id)
		i = (i + 1) & (s->cap - 1);
	return i;
}

static long
idset_get(const struct idset *s, int64_t id)
{
	size_t i;
	if (s->cap == 0)
		return 0;
	i = idset_slot(s, id);
	return s->id[i] == id ? s->line[i] : 0;
}

static void
idset_put(struct idset *s, int64_t id, long line)
{
	size_t i;
	if ((s->n + 1) * 2 > s->cap) {
		struct idset o = *s;
		s->cap = o.cap ? o.cap * 2 : 1024;
		s->id = xcalloc(s->cap, sizeof *s->id);
		s->line = xcalloc(s->cap, sizeof *s->line);
		s->n = 0;
		for (i = 0; i < o.cap; i++)
			if (o.id[i] != 0)
				idset_put(s, o.id[i], o.line[i]);
		free(o.id);
		free(o.line);
	}
	i = idset_slot(s, id);
	if (s->id[i] == 0)
		s->n++;
	s->id[i] = id;
	s->line[i] = line;
}

/*
 * The puts of a batch tried on the fast path, to take back when it is
 * done again record by record: each set, id and the line it had (0 =
 * none; a line of 0 reads as absent).
 */
struct jent {
	struct idset *s;
	int64_t id;
	long prev;
};

struct journal {
	struct jent *v;
	size_t n, cap;
	int on;
};

static void
jput(struct journal *j, struct idset *s, int64_t id, long line)
{
	if (j->on) {
		if (j->n == j->cap) {
			j->cap = j->cap ? j->cap * 2 : 256;
			j->v = xreallocarray(j->v, j->cap, sizeof *j->v);
		}
		j->v[j->n].s = s;
		j->v[j->n].id = id;
		j->v[j->n].prev = idset_get(s, id);
		j->n++;
	}
	idset_put(s, id, line);
}

static void
jundo(struct journal *j)
{
	while (j->n > 0) {
		struct jent *e = &j->v[--j->n];
		idset_put(e->s, e->id, e->prev);
	}
}

static void
idset_free(struct idset *s)
{
	free(s->id);
	free(s->line);
}

/* ---- columns ------------------------------------------------------------ */

enum col_kind {
	C_IGNORE, C_FIELD, C_UUID, C_STATUS, C_CREATED_AT, C_CREATED_BY,
	C_UPDATED_AT, C_UPDATED_BY, C_ORD, C_PUUID, C_PKEY, C_ACCEPTED,
	C_NKINDS
};

static const char *const sys_names[C_NKINDS] = {
	[C_UUID] = "uuid", [C_STATUS] = "status",
	[C_CREATED_AT] = "created_at", [C_CREATED_BY] = "created_by",
	[C_UPDATED_AT] = "updated_at", [C_UPDATED_BY] = "updated_by",
	[C_ORD] = "ord", [C_ACCEPTED] = "kesra_accepted",
};

struct col {
	enum col_kind kind;
	int field;
};

struct imp {
	struct db *db;
	struct expr_set *x;
	const struct sch_record *def, *par;
	int key, pkey; /* key fields of def and par, or -1 */
	const struct transfer_import_opts *o;
	struct col *cols;
	size_t ncols;
	int have[C_NKINDS]; /* column index + 1 of each system column */
	struct db_import *h;
	struct idset seen;
	struct idset parents;  /* parents the rows went to, first line */
	struct journal jn;     /* puts of the batch on the fast path */
	struct vbatch *vb;     /* the set-based checks, or NULL */
	int64_t par_id;        /* the parent last loaded */
	struct record *parent;
	/* what found it: its uuid or its key as in the file (the parents
	 * do not change during an import of their rows) */
	char *par_by;
	int par_by_key;
	struct vmemo *vm;      /* ncols: each column's checked values */
};

/*
 * The values of a column repeat (codes, yes/no, small numbers): what
 * from_label and validate_value made of a value is kept per column, by
 * the value as written, so that a value seen before costs a look-up. Only
 * for the types whose check depends on the field and the value alone
 * (and the language, the same for the whole import); a column whose
 * values rarely repeat stops after VM_TRIAL look-ups.
 */
#define VM_WAYS 64
#define VM_MAXLEN 40 /* longer values are not kept */
#define VM_TRIAL 4096
#define VM_MIN 4     /* at least 1 hit in VM_MIN after VM_TRIAL */
struct vmemo_ent {
	char *in;   /* the value as written; NULL: empty place */
	char *norm; /* the value to store (k == 0), or NULL */
	char *msg;  /* why not (k < 0) */
	int k;      /* validate_value's result */
};
struct vmemo {
	struct vmemo_ent *ent; /* VM_WAYS, allocated when first kept */
	unsigned long nlook, nhit;
	int off;
};

static int
vmemo_type(enum field_type t)
{
	return t == FT_INTEGER || t == FT_DECIMAL || t == FT_YESNO ||
	    t == FT_SELECT_ONE || t == FT_SELECT_MULTIPLE || t == FT_REGION;
}

static void
vmemo_free(struct vmemo *vm, size_t n)
{
	size_t i, j;
	for (i = 0; vm != NULL && i < n; i++) {
		for (j = 0; vm[i].ent != NULL && j < VM_WAYS; j++) {
			free(vm[i].ent[j].in);
			free(vm[i].ent[j].norm);
			free(vm[i].ent[j].msg);
		}
		free(vm[i].ent);
	}
	free(vm);
}

/* Case-insensitive equality after trimming ASCII white space. */
static int
name_eq(const char *a, const char *b)
{
	size_t n;

	a = util_trim_span(a, &n); /* without util_trim's copy */
	return strncasecmp(a, b, n) == 0 && b[n] == '\0';
}

/* Resolve a target name (field or system column) for column c. */
static int
resolve(struct imp *m, const char *name, struct col *c, int by_label)
{
	const struct sch_record *def = m->def;
	size_t i, k;
	int l;

	if (name_eq(name, "-")) {
		c->kind = C_IGNORE;
		return 0;
	}
	for (k = 0; k < C_NKINDS; k++)
		if (sys_names[k] != NULL && name_eq(name, sys_names[k])) {
			c->kind = (enum col_kind)k;
			return 0;
		}
	for (i = 0; i < def->nfields; i++)
		if (schema_field_stored(&def->fields[i]) &&
		    name_eq(name, def->fields[i].name)) {
			c->kind = C_FIELD;
			c->field = (int)i;
			return 0;
		}
	if (m->par != NULL) {
		char *pu = xasprintf("%s.uuid", m->par->name);
		char *pk = m->pkey >= 0 ? xasprintf("%s.%s", m->par->name,
		    m->par->fields[m->pkey].name) : NULL;
		int hit = 1;
		if (name_eq(name, pu))
			c->kind = C_PUUID;
		else if (pk != NULL && (name_eq(name, pk) ||
		    name_eq(name, m->par->fields[m->pkey].name)))
			c->kind = C_PKEY;
		else
			hit = 0;
		free(pu);
		free(pk);
		if (hit)
			return 0;
	}
	if (!by_label)
		return -1;
	for (i = 0; i < def->nfields; i++) {
		const struct sch_field *f = &def->fields[i];
		if (!schema_field_stored(f))
			continue;
		for (l = 0; l < SCHEMA_MAX_LANGS; l++)
			if (f->label.s[l] != NULL && name_eq(name,
			    f->label.s[l])) {
				c->kind = C_FIELD;
				c->field = (int)i;
				return 0;
			}
	}
	return -1;
}

/* The mapping file: "header,field" rows (a first row "header,field" is a
 * title). Returns the field name for header h (borrowed), or NULL. */
struct map {
	char **from, **to;
	size_t n;
};

static int
map_load(struct map *mp, FILE *f, const char *name, char **err)
{
	struct csv_reader *r;
	const struct csv_record *rec;
	int rc;

	if (csv_open_file(&r, f, name, ',', err) < 0)
		return -1;
	while ((rc = csv_read(r, &rec, err)) == 1) {
		if (rec->n != 2) {
			csv_close(r);
			return util_err(err, _("%s:%ld: a mapping line is "
			    "header,field (2 columns, not %zu)"), name,
			    rec->line, rec->n);
		}
		if (rec->line == 1 && name_eq(rec->field[0], "header") &&
		    name_eq(rec->field[1], "field"))
			continue;
		mp->from = xreallocarray(mp->from, mp->n + 1, sizeof *mp->from);
		mp->to = xreallocarray(mp->to, mp->n + 1, sizeof *mp->to);
		mp->from[mp->n] = util_trim(rec->field[0]);
		mp->to[mp->n] = util_trim(rec->field[1]);
		if (mp->to[mp->n][0] == '\0') {
			free(mp->to[mp->n]);
			mp->to[mp->n] = xstrdup("-");
		}
		mp->n++;
	}
	csv_close(r);
	return rc < 0 ? -1 : 0;
}

static void
map_free(struct map *mp)
{
	size_t i;
	for (i = 0; i < mp->n; i++) {
		free(mp->from[i]);
		free(mp->to[i]);
	}
	free(mp->from);
	free(mp->to);
}

static void
list_add(struct sbuf *b, const char *s)
{
	char *sv = util_sanitize(s, 0);
	if (b->len > 0)
		sbuf_add(b, ", ");
	sbuf_add(b, sv);
	free(sv);
}

/* Map the header to columns; every problem of the header at once. */
static int
map_header(struct imp *m, const struct csv_record *hd, const struct map *mp,
    const char *name, char **err)
{
	struct sbuf unknown = {0}, dup = {0}, missing = {0};
	int *taken = xcalloc(m->def->nfields + 1, sizeof *taken);
	size_t i, k;
	int rc = -1;

	/* One column holding the other separators: the wrong delimiter. */
	if (hd->n == 1 && m->o->sep != ';' && strchr(hd->field[0], ';')) {
		free(taken);
		return util_err(err, _("%s: the header is separated by ';', "
		    "not '%c': use --sep ';' (a spreadsheet's CSV)"), name,
		    m->o->sep == '\t' ? 't' : m->o->sep);
	}
	if (hd->n == 1 && m->o->sep != '\t' && strchr(hd->field[0], '\t')) {
		free(taken);
		return util_err(err, _("%s: the header is separated by tabs, "
		    "not '%c': use --sep tab"), name, m->o->sep);
	}
	m->ncols = hd->n;
	m->cols = xcalloc(hd->n, sizeof *m->cols);
	for (i = 0; i < hd->n; i++) {
		struct col *c = &m->cols[i];
		const char *target = NULL;
		char *t = util_trim(hd->field[i]);
		if (t[0] == '\0') {
			char *what = xasprintf(_("column %zu (no header)"),
			    i + 1);
			list_add(&unknown, what);
			free(what);
			free(t);
			c->kind = C_IGNORE;
			continue;
		}
		free(t);
		for (k = 0; k < mp->n; k++)
			if (name_eq(hd->field[i], mp->from[k]))
				target = mp->to[k];
		if (target != NULL ? resolve(m, target, c, 0) < 0 :
		    resolve(m, hd->field[i], c, 1) < 0) {
			list_add(&unknown, target != NULL ? target :
			    hd->field[i]);
			c->kind = C_IGNORE;
			continue;
		}
		if (c->kind == C_FIELD) {
			if (taken[c->field]++)
				list_add(&dup, m->def->fields[c->field].name);
		} else if (c->kind != C_IGNORE) {
			if (m->have[c->kind])
				list_add(&dup, sys_names[c->kind] != NULL ?
				    sys_names[c->kind] : hd->field[i]);
			m->have[c->kind] = (int)i + 1;
		}
	}
	for (i = 0; i < m->def->nfields; i++) {
		const struct sch_field *f = &m->def->fields[i];
		if (schema_field_stored(f) && f->required &&
		    f->type != FT_CALCULATE && f->default_value == NULL &&
		    !taken[i])
			list_add(&missing, f->name);
	}
	if (unknown.len > 0)
		util_err(err, _("%s: unknown columns: %s (no such field of %s; "
		    "map them with --map or leave them out)"), name, unknown.s,
		    m->def->name);
	else if (dup.len > 0)
		util_err(err, _("%s: columns given twice: %s"), name, dup.s);
	else if (missing.len > 0)
		util_err(err, _("%s: missing required columns: %s"), name,
		    missing.s);
	else if (m->par != NULL && !m->have[C_PUUID] && !m->have[C_PKEY])
		util_err(err, _("%s: %s rows need a column %s.uuid or %s.%s to "
		    "find their %s"), name, m->def->name, m->par->name,
		    m->par->name, m->pkey >= 0 ? m->par->fields[m->pkey].name :
		    "uuid", m->par->name);
	else
		rc = 0;
	sbuf_free(&unknown);
	sbuf_free(&dup);
	sbuf_free(&missing);
	free(taken);
	return rc;
}

/* ---- values ------------------------------------------------------------- */

static const struct sch_choice *
choice_by_label(const struct sch_valueset *vs, const char *v)
{
	size_t i;
	int l;
	if (vs == NULL)
		return NULL;
	for (i = 0; i < vs->nchoices; i++)
		for (l = 0; l < SCHEMA_MAX_LANGS; l++)
			if (vs->choices[i].label.s[l] != NULL &&
			    name_eq(v, vs->choices[i].label.s[l]))
				return &vs->choices[i];
	return NULL;
}

/*
 * The value as validate_value takes it: a label of a choice field becomes
 * its code (select_multiple: labels separated by ';'). Caller frees; NULL
 * when it is v itself (no copy).
 */
static char *
from_label(const struct sch_field *f, const char *v)
{
	const struct sch_choice *c;
	if (f->type == FT_SELECT_ONE) {
		if (schema_choice(f->vs, v) == NULL &&
		    (c = choice_by_label(f->vs, v)) != NULL)
			return xstrdup(c->code);
	} else if (f->type == FT_SELECT_MULTIPLE && strchr(v, ';') != NULL) {
		struct sbuf b = {0};
		char *copy = xstrdup(v), *tok, *save = NULL;
		for (tok = strtok_r(copy, ";", &save); tok != NULL;
		    tok = strtok_r(NULL, ";", &save)) {
			char *t = util_trim(tok);
			if (t[0] != '\0') {
				c = choice_by_label(f->vs, t);
				if (b.len > 0)
					sbuf_addc(&b, ' ');
				sbuf_add(&b, c != NULL ? c->code : t);
			}
			free(t);
		}
		free(copy);
		return sbuf_steal(&b);
	} else if (f->type == FT_SELECT_MULTIPLE) {
		char *t = util_trim(v);
		if ((c = choice_by_label(f->vs, t)) != NULL) {
			free(t);
			return xstrdup(c->code);
		}
		free(t);
	}
	return NULL;
}

/*
 * Text from a file may hold line breaks, tabs and other control
 * characters (a spreadsheet cell, a pasted address): import stores them
 * as they are, where the forms refuse them as typed input. The other
 * checks of the field run on a copy with each control byte masked.
 */
static int
has_controls(const char *s)
{
	for (; s != NULL && *s != '\0'; s++)
		if ((unsigned char)*s < 0x20 || *s == 0x7f)
			return 1;
	return 0;
}

static char *
masked(const char *s)
{
	char *m = xstrdup(s), *p;
	for (p = m; *p != '\0'; p++)
		if ((unsigned char)*p < 0x20 || *p == 0x7f)
			*p = '?';
	return m;
}

static void
reason_add(struct sbuf *b, const char *field, const char *msg)
{
	if (b->len > 0)
		sbuf_add(b, "; ");
	if (field != NULL)
		sbuf_addf(b, "%s: ", field);
	sbuf_add(b, msg);
}

static int
blank(const char *s)
{
	return s == NULL || s[strspn(s, " \t")] == '\0';
}

static int
uuid_ok(const char *s)
{
	size_t i;
	if (strlen(s) != 36)
		return 0;
	for (i = 0; i < 36; i++)
		if ((i == 8 || i == 13 || i == 18 || i == 23) ? s[i] != '-' :
		    !isxdigit((unsigned char)s[i]))
			return 0;
	return 1;
}

static int
status_ok(const char *s)
{
	return strcmp(s, "draft") == 0 || strcmp(s, "complete") == 0 ||
	    strcmp(s, "verified") == 0 || strcmp(s, "locked") == 0;
}

/* "rule=reason" lines (reason escaped) into r's acceptances. */
static int
accepted_parse(struct record *r, const char *v)
{
	const char *p = v, *eol, *eq;
	while (*p != '\0') {
		struct sbuf reason = {0};
		char *rule;
		const char *q;
		eol = strchr(p, '\n');
		if (eol == NULL)
			eol = p + strlen(p);
		eq = memchr(p, '=', (size_t)(eol - p));
		if (eq == NULL || eq == p)
			return -1;
		rule = xstrndup(p, (size_t)(eq - p));
		for (q = eq + 1; q < eol; q++) {
			if (*q == '\\' && q + 1 < eol) {
				q++;
				sbuf_addc(&reason, *q == 'n' ? '\n' :
				    *q == 'r' ? '\r' : *q);
			} else
				sbuf_addc(&reason, *q);
		}
		record_accept(r, rule, reason.s != NULL ? reason.s : "");
		free(rule);
		sbuf_free(&reason);
		p = *eol ? eol + 1 : eol;
	}
	return 0;
}

static int
acc_equal(const struct record *a, const struct record *b)
{
	size_t i;
	const char *o;
	if (a->nacc != b->nacc)
		return 0;
	for (i = 0; i < a->nacc; i++)
		if ((o = record_accepted(b, a->acc[i].rule)) == NULL ||
		    strcmp(o, a->acc[i].reason) != 0)
			return 0;
	return 1;
}

/* The value of system column k in row rec, or NULL when none or blank. */
static const char *
sysval(const struct imp *m, const struct csv_record *rec, enum col_kind k)
{
	const char *v;
	if (!m->have[k])
		return NULL;
	v = rec->field[m->have[k] - 1];
	return blank(v) ? NULL : v;
}

/* Quote a value for a message: sanitised and cut. */
static char *
shown(const char *v)
{
	char *cut = xstrndup(v, strnlen(v, 40));
	char *sv = util_sanitize(cut, 0);
	free(cut);
	return sv;
}

/* Find and load the parent of a roster row: 0, 1 rejected (why), -1. */
static int
find_parent(struct imp *m, const struct csv_record *rec, struct sbuf *why,
    char **err)
{
	const char *pu = sysval(m, rec, C_PUUID), *pk = sysval(m, rec, C_PKEY);
	int64_t id = 0;
	int rc = 0, del = 0;
	char *sv;

	if (m->parent != NULL && m->par_by != NULL &&
	    m->par_by_key == (pu == NULL) &&
	    strcmp(m->par_by, pu != NULL ? pu : pk != NULL ? pk : "") == 0)
		return 0; /* the same parent as the row before */
	if (pu != NULL) {
		char *t = util_trim(pu);
		rc = db_import_by_uuid(m->h, m->par, t, &id, &del, err);
		if (rc == 1 && del)
			rc = 0;
		if (rc == 0) {
			sv = shown(t);
			reason_add(why, NULL, "");
			sbuf_addf(why, _("no %s with uuid %s"), m->par->name, sv);
			free(sv);
		}
		free(t);
	} else if (pk != NULL) {
		const struct sch_field *f = &m->par->fields[m->pkey];
		char *norm = NULL, *msg = NULL;
		const char *rule;
		if (validate_value(f, pk, m->o->lang, &norm, &rule, &msg) < 0) {
			reason_add(why, f->name, msg);
			free(msg);
			return 1;
		}
		free(msg);
		rc = db_import_by_key(m->h, m->par, norm, &id, err);
		if (rc == 0) {
			sv = shown(norm);
			reason_add(why, NULL, "");
			sbuf_addf(why, _("no %s with %s %s"), m->par->name,
			    f->name, sv);
			free(sv);
		}
		free(norm);
	} else {
		reason_add(why, NULL, "");
		sbuf_addf(why, _("no %s given (uuid or %s)"), m->par->name,
		    m->pkey >= 0 ? m->par->fields[m->pkey].name : "uuid");
		return 1;
	}
	if (rc < 0)
		return -1;
	if (rc == 0)
		return 1;
	if (m->parent == NULL || m->par_id != id) {
		record_free(m->parent);
		m->parent = NULL;
		if (db_record_load(m->db, m->par, id, &m->parent, err) < 0)
			return -1;
		m->par_id = id;
	}
	free(m->par_by);
	m->par_by = xstrdup(pu != NULL ? pu : pk);
	m->par_by_key = pu == NULL;
	return 0;
}

/*
 * Value v (not blank) of column col, field f, as it is stored: *norm, or
 * *msg and -1 (validate_value's result). The caller frees both.
 */
static int
check_value(struct imp *m, size_t col, const struct sch_field *f,
    const char *v, char **norm, char **msg)
{
	struct vmemo *vm = m->vm != NULL ? &m->vm[col] : NULL;
	struct vmemo_ent *e = NULL;
	char *lab;
	const char *rule, *in;
	size_t len;
	int k;

	*norm = NULL;
	*msg = NULL;
	if (vm != NULL && !vm->off && vmemo_type(f->type) &&
	    (len = strnlen(v, VM_MAXLEN + 1)) <= VM_MAXLEN) {
		uint64_t h = util_fnv1a(UTIL_FNV_INIT, v, len);
		if (++vm->nlook == VM_TRIAL && vm->nhit < VM_TRIAL / VM_MIN)
			vm->off = 1;
		else {
			if (vm->ent == NULL)
				vm->ent = xcalloc(VM_WAYS, sizeof *vm->ent);
			e = &vm->ent[(h ^ (h >> 29)) % VM_WAYS];
			if (e->in != NULL && strcmp(e->in, v) == 0) {
				vm->nhit++;
				if (e->norm != NULL)
					*norm = xstrdup(e->norm);
				if (e->msg != NULL)
					*msg = xstrdup(e->msg);
				return e->k;
			}
		}
	}
	if ((lab = from_label(f, v)) != NULL)
		in = lab;
	else
		in = v;
	if (f->type == FT_TEXT && has_controls(in)) {
		char *mk = masked(in);
		k = validate_value(f, mk, m->o->lang, norm, &rule, msg);
		free(mk);
		if (k == 0) {
			free(*norm);
			*norm = util_trim(in);
		}
	} else
		k = validate_value(f, in, m->o->lang, norm, &rule, msg);
	free(lab);
	if (e != NULL) {
		free(e->in);
		free(e->norm);
		free(e->msg);
		e->in = xstrdup(v);
		e->norm = *norm != NULL ? xstrdup(*norm) : NULL;
		e->msg = *msg != NULL ? xstrdup(*msg) : NULL;
		e->k = k;
	}
	return k;
}

enum { ROW_INSERTED, ROW_UPDATED, ROW_UNCHANGED, ROW_REJECTED };

/*
 * One data row: checked, then saved. Returns ROW_*, or -1 with *err on a
 * storage failure (the import stops). why gets the reasons of a
 * rejection; *warned is set when warnings were left open; *out_id is the
 * record written or found unchanged. fast: without the record's checks
 * (validate_record_full), which the caller then runs set-based over the
 * rows written (see fast_batch).
 */
static int
import_row(struct imp *m, const struct csv_record *rec, struct sbuf *why,
    int *warned, int fast, int64_t *out_id, char **err)
{
	const struct sch_record *def = m->def;
	struct validate_ctx vc = {m->x, m->db, m->o->lang};
	struct findings fd = {0};
	struct record *old = NULL, *r = NULL;
	const char *uuid = sysval(m, rec, C_UUID), *st;
	int64_t id = 0;
	size_t i;
	long first;
	int rc = ROW_REJECTED, k, del = 0;
	char *sv, *uuid_t = NULL;

	*warned = 0;
	*out_id = 0;
	if (rec->n != m->ncols) {
		reason_add(why, NULL, "");
		sbuf_addf(why, _("%zu columns, the header has %zu"), rec->n,
		    m->ncols);
		return ROW_REJECTED;
	}
	if (m->par != NULL && (k = find_parent(m, rec, why, err)) != 0)
		return k < 0 ? -1 : ROW_REJECTED;

	/* The record this row is: by uuid, else by key. */
	if (uuid != NULL) {
		uuid_t = util_trim(uuid);
		if (!uuid_ok(uuid_t)) {
			sv = shown(uuid_t);
			reason_add(why, "uuid", "");
			sbuf_addf(why, _("'%s' is not a uuid"), sv);
			free(sv);
			goto out;
		}
		if ((k = db_import_by_uuid(m->h, def, uuid_t, &id, &del,
		    err)) < 0) {
			rc = -1;
			goto out;
		}
		if (k == 1 && del) {
			reason_add(why, "uuid", "");
			sbuf_addf(why, _("%s %s was deleted"), def->name,
			    uuid_t);
			goto out;
		}
	} else if (m->key >= 0 && m->cols != NULL) {
		for (i = 0; i < m->ncols; i++)
			if (m->cols[i].kind == C_FIELD &&
			    m->cols[i].field == m->key)
				break;
		if (i < m->ncols && !blank(rec->field[i])) {
			char *norm = NULL, *msg = NULL;
			const char *rule;
			if (validate_value(&def->fields[m->key], rec->field[i],
			    m->o->lang, &norm, &rule, &msg) == 0 &&
			    norm != NULL && db_import_by_key(m->h, def, norm,
			    &id, err) < 0) {
				free(norm);
				free(msg);
				rc = -1;
				goto out;
			}
			free(norm);
			free(msg);
		}
	}
	if (id != 0 && (first = idset_get(&m->seen, id)) != 0) {
		reason_add(why, NULL, "");
		sbuf_addf(why, _("the same %s as line %ld"), def->name, first);
		goto out;
	}
	if (id != 0) {
		if (db_record_load(m->db, def, id, &old, err) < 0) {
			rc = -1;
			goto out;
		}
		if (m->par != NULL && old->parent_id != m->par_id) {
			reason_add(why, NULL, "");
			sbuf_addf(why, _("this %s belongs to another %s"),
			    def->name, m->par->name);
			goto out;
		}
		r = record_copy(old);
	} else {
		r = record_new(def);
		for (i = 0; i < def->nfields; i++)
			if (def->fields[i].default_value != NULL)
				record_set(r, i, def->fields[i].default_value);
		strcpy(r->status, "complete");
		if (m->par != NULL)
			r->parent_id = m->par_id;
	}

	/* Values. */
	for (i = 0; i < m->ncols; i++) {
		const struct sch_field *f;
		char *norm, *msg;
		if (m->cols[i].kind != C_FIELD)
			continue;
		f = &def->fields[m->cols[i].field];
		if (f->type == FT_CALCULATE)
			continue; /* computed below */
		if (blank(rec->field[i])) {
			record_set(r, (size_t)m->cols[i].field, NULL);
			continue;
		}
		k = check_value(m, i, f, rec->field[i], &norm, &msg);
		if (k < 0)
			reason_add(why, f->name, msg);
		else {
			record_set_owned(r, (size_t)m->cols[i].field, norm);
			norm = NULL;
		}
		free(norm);
		free(msg);
	}
	if ((st = sysval(m, rec, C_STATUS)) != NULL) {
		char *t = util_trim(st);
		if (!status_ok(t)) {
			sv = shown(t);
			reason_add(why, "status", "");
			sbuf_addf(why, _("'%s' is not draft, complete, verified "
			    "or locked"), sv);
			free(sv);
		} else
			snprintf(r->status, sizeof r->status, "%s", t);
		free(t);
	}
	if (m->have[C_ACCEPTED]) {
		while (r->nacc > 0)
			record_accept(r, r->acc[0].rule, NULL);
		if ((st = sysval(m, rec, C_ACCEPTED)) != NULL &&
		    accepted_parse(r, st) < 0)
			reason_add(why, "kesra_accepted", _("not rule=reason "
			    "lines"));
	}
	if (id == 0 && m->par != NULL) {
		const char *o = sysval(m, rec, C_ORD);
		char *end;
		if (o != NULL) {
			errno = 0;
			r->ord = strtoll(o, &end, 10);
			if (*end != '\0' || errno != 0 || r->ord < 0)
				reason_add(why, "ord", _("not a whole number"));
		} else if (db_import_next_ord(m->h, m->par_id, &r->ord,
		    err) < 0) {
			rc = -1;
			goto out;
		}
	}
	if (why->len > 0)
		goto out;

	/* The checks of the forms. */
	expr_refresh(m->x, r, m->parent, NULL);
	if (!fast)
		validate_record_full(&vc, r, m->parent, NULL, 0, &fd);
	for (i = 0; i < fd.n; i++) {
		const struct finding *f = &fd.v[i];
		if (f->field != VALIDATE_NO_FIELD &&
		    def->fields[f->field].type == FT_TEXT &&
		    strcmp(f->rule, "type") == 0 &&
		    has_controls(r->val[f->field]))
			continue; /* checked masked above */
		if (f->severity == SEV_ERROR)
			reason_add(why, f->field != VALIDATE_NO_FIELD ?
			    def->fields[f->field].name : NULL, f->msg);
		else if (!f->accepted)
			*warned = 1;
	}
	if (why->len > 0)
		goto out;

	if (old != NULL && record_values_equal(old, r) &&
	    strcmp(old->status, r->status) == 0 && acc_equal(old, r)) {
		jput(&m->jn, &m->seen, id, rec->line);
		*out_id = id;
		rc = ROW_UNCHANGED;
		goto out;
	}
	if (old == NULL) {
		/* the file's uuid and stamps, written by the insert itself */
		const char *stamps[DB_NSTAMPS];
		stamps[0] = uuid_t;
		stamps[1] = sysval(m, rec, C_CREATED_AT);
		stamps[2] = sysval(m, rec, C_CREATED_BY);
		stamps[3] = sysval(m, rec, C_UPDATED_AT);
		stamps[4] = sysval(m, rec, C_UPDATED_BY);
		db_set_insert_stamps(m->db, stamps);
	}
	if (db_record_save(m->db, r, m->o->user, err) < 0) {
		/* refused by storage (e.g. a unique value): the row only */
		reason_add(why, NULL, *err != NULL ? *err : "?");
		free(*err);
		*err = NULL;
		goto out;
	}
	jput(&m->jn, &m->seen, r->id, rec->line);
	if (m->par != NULL && idset_get(&m->parents, m->par_id) == 0)
		jput(&m->jn, &m->parents, m->par_id, rec->line);
	*out_id = r->id;
	rc = old != NULL ? ROW_UPDATED : ROW_INSERTED;
out:
	findings_free(&fd);
	record_free(old);
	record_free(r);
	free(uuid_t);
	return rc;
}

/* A range of ids worth one scan for n rows (else: row by row). */
static int
dense(int64_t lo, int64_t hi, size_t n)
{
	return hi >= lo && (uint64_t)(hi - lo) <= 4 * (uint64_t)n + 1024;
}

/* A parent to check: id, first line, live rows. */
struct pcheck {
	int64_t id, nrows;
	long line;
	char *msg; /* what is wrong, or NULL */
};

/*
 * By row count, then line: a roster rule's statement is compiled for a
 * number of rows, so checking parents of one size together compiles it
 * once per size instead of once per parent.
 */
static int
cmp_size(const void *a, const void *b)
{
	const struct pcheck *x = a, *y = b;
	if (x->nrows != y->nrows)
		return (x->nrows > y->nrows) - (x->nrows < y->nrows);
	return (x->line > y->line) - (x->line < y->line);
}

static int
cmp_line(const void *a, const void *b)
{
	const struct pcheck *x = a, *y = b;
	return (x->line > y->line) - (x->line < y->line);
}

/*
 * The roster rules (and row counts) of every parent the rows went to,
 * over all its live rows, in the order of their first line. Returns the
 * number of parents with a broken error rule, or -1 with *err.
 */
static long
check_rosters(struct imp *m, long *warned, char **err)
{
	const struct sch_record *def = m->def;
	struct sbuf why = {0};
	struct pcheck *v;
	long nbad = 0, rc = -1;
	size_t i, j, n = 0;

	v = xcalloc(m->parents.n + 1, sizeof *v);
	for (i = 0; i < m->parents.cap; i++)
		if (m->parents.id[i] != 0 && m->parents.line[i] != 0) {
			v[n].id = m->parents.id[i];
			v[n].line = m->parents.line[i];
			n++;
		}
	/*
	 * The parents vbatch does not flag have no finding (it returns a
	 * superset): only the others are checked, exactly.
	 */
	if (m->vb != NULL && n > 0) {
		struct vbatch_ids fs = {0};
		int64_t lo = INT64_MAX, hi = 0;
		char *e2 = NULL;
		size_t kept = 0;
		for (i = 0; i < n; i++) {
			lo = v[i].id < lo ? v[i].id : lo;
			hi = v[i].id > hi ? v[i].id : hi;
		}
		if (dense(lo, hi, n) && vbatch_flagged_roster(m->vb, lo, hi,
		    vbatch_ids_add, &fs, &e2) == 0) {
			vbatch_ids_sort(&fs);
			for (i = 0; i < n; i++)
				if (vbatch_ids_has(&fs, v[i].id))
					v[kept++] = v[i];
			n = kept;
		}
		free(e2);
		vbatch_ids_free(&fs);
	}
	for (i = 0; i < n; i++)
		if (db_import_child_count(m->h, v[i].id, &v[i].nrows, err) < 0)
			goto out;
	qsort(v, n, sizeof *v, cmp_size);
	for (i = 0; i < n; i++) {
		struct record *par = NULL, **rows = NULL;
		size_t nrows = 0;
		int warn = 0;
		if (db_record_load(m->db, m->par, v[i].id, &par, err) < 0 ||
		    db_children_load(m->db, def, v[i].id, &rows, &nrows,
		    err) < 0) {
			record_free(par);
			goto out;
		}
		sbuf_reset(&why);
		if (def->min_count > 0 && nrows < (size_t)def->min_count) {
			reason_add(&why, NULL, "");
			sbuf_addf(&why, _("at least %d rows"), def->min_count);
		}
		if (def->max_count > 0 && nrows > (size_t)def->max_count) {
			reason_add(&why, NULL, "");
			sbuf_addf(&why, _("at most %d rows"), def->max_count);
		}
		for (j = 0; j < def->nroster_rules; j++) {
			const struct sch_rule *ru = &def->roster_rules[j];
			if (expr_roster_rule(m->x, def, rows, nrows, par, j))
				continue;
			if (ru->severity == SEV_ERROR)
				reason_add(&why, ru->name, sch_text_get(
				    &ru->message, m->o->lang, ru->name));
			else if (record_accepted(par, ru->name) == NULL)
				warn = 1;
		}
		if (why.len > 0) {
			const char *key = m->pkey >= 0 ?
			    record_get(par, (size_t)m->pkey) : NULL;
			char *sk = util_sanitize(key != NULL ? key : par->uuid,
			    0);
			v[i].msg = xasprintf("%s %s: %s", m->par->name, sk,
			    why.s);
			free(sk);
			nbad++;
		}
		*warned += warn;
		db_records_free(rows, nrows);
		record_free(par);
	}
	qsort(v, n, sizeof *v, cmp_line);
	for (i = 0; i < n; i++)
		if (v[i].msg != NULL && m->o->rejected != NULL)
			m->o->rejected(m->o->rejected_ctx, v[i].line, v[i].msg);
	rc = nbad;
out:
	for (i = 0; i < n; i++)
		free(v[i].msg);
	free(v);
	sbuf_free(&why);
	return rc;
}

/* ---- batches: the fast path ------------------------------------------- */

/*
 * Rows are read BATCH_ROWS at a time. A batch is first written without
 * the record's checks, inside a savepoint; then vbatch (the dictionary's
 * checks as set-based statements, which return a superset of the rows
 * that may have a finding) runs over the ids written. When no row of the
 * batch is flagged, no row has a finding and the batch stands: the exact
 * path would have written the same rows with the same results. Otherwise
 * (a row flagged, refused, rejected for its values, or a range of ids too
 * sparse to scan) the savepoint is rolled back and the batch done again
 * row by row exactly as before, so every result, message and audit row
 * is the exact path's.
 */
#define BATCH_ROWS 32

struct batch {
	struct csv_record rec[BATCH_ROWS]; /* copies */
	char *blob[BATCH_ROWS];            /* each copy's text */
	size_t cap[BATCH_ROWS];            /* its size (kept between batches) */
	size_t fcap[BATCH_ROWS];           /* places of field and len */
	int64_t id[BATCH_ROWS];
	size_t n;
};

static void
batch_put(struct batch *b, const struct csv_record *src)
{
	struct csv_record *d = &b->rec[b->n];
	size_t i, total = 0;
	char *p;

	for (i = 0; i < src->n; i++)
		total += src->len[i] + 1;
	if (b->cap[b->n] < total + 1) {
		free(b->blob[b->n]);
		b->blob[b->n] = xmalloc(total + 1);
		b->cap[b->n] = total + 1;
	}
	p = b->blob[b->n];
	if (b->fcap[b->n] < src->n + 1) {
		d->field = xreallocarray(d->field, src->n + 1,
		    sizeof *d->field);
		d->len = xreallocarray(d->len, src->n + 1, sizeof *d->len);
		b->fcap[b->n] = src->n + 1;
	}
	for (i = 0; i < src->n; i++) {
		memcpy(p, src->field[i], src->len[i]);
		p[src->len[i]] = '\0';
		d->field[i] = p;
		d->len[i] = src->len[i];
		p += src->len[i] + 1;
	}
	d->n = src->n;
	d->line = src->line;
	b->n++;
}

static void
batch_free(struct batch *b)
{
	size_t i;
	for (i = 0; i < BATCH_ROWS; i++) {
		free(b->rec[i].field);
		free(b->rec[i].len);
		free(b->blob[i]);
	}
}

/*
 * The batch on the fast path: 1 when it stands (res counted), 0 when it
 * was taken back (nothing of it written or kept), -1 with *err when the
 * savepoint itself failed.
 */
static int
fast_batch(struct imp *m, struct batch *b, struct sbuf *why,
    struct transfer_import_result *res, char **err)
{
	long cnt[3] = {0, 0, 0};
	struct vbatch_ids fs = {0};
	int64_t lo = INT64_MAX, hi = 0;
	char *e2 = NULL;
	size_t i;
	int k, warned, ok = 1;

	if (db_import_batch_begin(m->h, err) < 0)
		return -1;
	/* a row refused takes the whole batch back: no savepoint per row;
	 * the batch's audit rows written together when it stands */
	db_set_save_savepoint(m->db, 0);
	db_audit_defer(m->db);
	m->jn.on = 1;
	m->jn.n = 0;
	for (i = 0; i < b->n && ok; i++) {
		sbuf_reset(why);
		k = import_row(m, &b->rec[i], why, &warned, 1, &b->id[i], &e2);
		free(e2);
		e2 = NULL;
		/*
		 * An update may take away what an earlier row's check
		 * found (another row's duplicate key): the checks after the
		 * batch would miss it. Inserts only add rows, so that the
		 * checks after them find at least what the checks before
		 * them would.
		 */
		if (k < 0 || k == ROW_REJECTED || k == ROW_UPDATED || warned) {
			ok = 0;
			break;
		}
		cnt[k]++;
		if (b->id[i] < lo)
			lo = b->id[i];
		if (b->id[i] > hi)
			hi = b->id[i];
	}
	if (ok && !dense(lo, hi, b->n))
		ok = 0;
	if (ok && vbatch_flagged(m->vb, lo, hi, vbatch_ids_add, &fs, &e2) < 0) {
		/* no row can be trusted: record by record from now on */
		free(e2);
		e2 = NULL;
		vbatch_free(m->vb);
		m->vb = NULL;
		ok = 0;
	}
	if (ok && fs.n > 0) {
		vbatch_ids_sort(&fs);
		for (i = 0; i < b->n && ok; i++)
			if (vbatch_ids_has(&fs, b->id[i]))
				ok = 0;
	}
	vbatch_ids_free(&fs);
	m->jn.on = 0;
	db_set_save_savepoint(m->db, 1);
	if (!ok)
		db_audit_discard();
	else if (db_audit_flush(m->db, &e2) < 0) {
		/* the exact path meets it again, and stops there */
		free(e2);
		ok = 0;
	}
	if (db_import_batch_end(m->h, ok, err) < 0)
		return -1;
	if (!ok) {
		jundo(&m->jn);
		return 0;
	}
	m->jn.n = 0;
	res->rows += (long)b->n;
	res->batched += (long)b->n;
	res->inserted += cnt[ROW_INSERTED];
	res->updated += cnt[ROW_UPDATED];
	res->unchanged += cnt[ROW_UNCHANGED];
	return 1;
}

static int
write_reject(FILE *f, const struct csv_record *rec, const char *why,
    char sep, char **err)
{
	const char **v = xcalloc(rec->n + 1, sizeof *v);
	size_t i;
	int rc;
	for (i = 0; i < rec->n; i++)
		v[i] = rec->field[i];
	v[rec->n] = why;
	rc = csv_write_record(f, v, rec->n + 1, sep, 0, err);
	free(v);
	return rc;
}

int
transfer_import(struct db *db, struct expr_set *x, FILE *in,
    const char *name, const struct transfer_import_opts *o,
    struct transfer_import_result *res, char **err)
{
	const struct schema *s = db_schema(db);
	struct csv_reader *rd = NULL;
	const struct csv_record *rec;
	struct map mp = {0};
	struct imp m;
	struct sbuf why = {0};
	int rc = -1, began = 0, k, fk, warned, fts = 0;
	int64_t fts_mark = 0;
	struct batch *bt = NULL;
	char *rerr = NULL; /* a read error, kept until the rows before it */
	char sep = o->sep ? o->sep : ',';

	memset(res, 0, sizeof *res);
	memset(&m, 0, sizeof m);
	m.db = db;
	m.x = x;
	m.o = o;
	if ((m.def = schema_record(s, o->record)) == NULL) {
		char *sv = util_sanitize(o->record, 0);
		util_err(err, _("no record type '%s' in dictionary %s"), sv,
		    s->name);
		free(sv);
		return -1;
	}
	m.key = db_record_key(m.def);
	m.pkey = -1;
	if (m.def->parent != NULL) {
		m.par = schema_record(s, m.def->parent);
		m.pkey = m.par != NULL ? db_record_key(m.par) : -1;
	}
	if (o->map != NULL && map_load(&mp, o->map, o->map_name, err) < 0)
		goto out;
	if (csv_open_file(&rd, in, name, sep, err) < 0)
		goto out;
	if ((k = csv_read(rd, &rec, err)) <= 0) {
		if (k == 0)
			util_err(err, _("%s is empty: no header line"), name);
		goto out;
	}
	if (map_header(&m, rec, &mp, name, err) < 0)
		goto out;
	if (o->rejects != NULL) {
		const char **hv = xcalloc(rec->n + 1, sizeof *hv);
		size_t i;
		for (i = 0; i < rec->n; i++)
			hv[i] = rec->field[i];
		hv[rec->n] = "reason";
		k = csv_write_record(o->rejects, hv, rec->n + 1, sep, 0, err);
		free(hv);
		if (k < 0)
			goto out;
	}
	if (db_import_open(db, m.def, &m.h, err) < 0 || db_begin(db, err) < 0)
		goto out;
	began = 1;
	db_set_bulk_saver(db, 1);
	/* the search index of the new rows in one go, before the commit */
	if ((fts = db_search_defer(db, m.def, &fts_mark, err)) < 0)
		goto out;
	if (m.x != NULL && !o->exact) {
		char *e2 = NULL;
		/* a statement that does not compile: record by record */
		m.vb = vbatch_new(db_sqlite(db), s, m.def, &e2);
		free(e2);
	}
	bt = xcalloc(1, sizeof *bt);
	m.vm = xcalloc(m.ncols, sizeof *m.vm);
	do {
		long r0 = res->rows;
		size_t j;
		/* a file's error after some rows: those rows first */
		bt->n = 0;
		while (bt->n < BATCH_ROWS && (k = csv_read(rd, &rec, &rerr)) ==
		    1)
			batch_put(bt, rec);
		if (bt->n == 0)
			break;
		if (m.vb != NULL && (fk = fast_batch(&m, bt, &why, res,
		    err)) != 0) {
			if (fk < 0)
				goto out;
			if (o->progress != NULL && r0 / PROGRESS_ROWS !=
			    res->rows / PROGRESS_ROWS)
				o->progress(o->progress_ctx, res->rows,
				    (long long)ftell(in), o->total_bytes);
			continue;
		}
		for (j = 0; j < bt->n; j++) {
			const struct csv_record *rr = &bt->rec[j];
			int64_t id;
			res->rows++;
			sbuf_reset(&why);
			switch (import_row(&m, rr, &why, &warned, 0, &id,
			    err)) {
			case ROW_INSERTED:
				res->inserted++;
				break;
			case ROW_UPDATED:
				res->updated++;
				break;
			case ROW_UNCHANGED:
				res->unchanged++;
				break;
			case ROW_REJECTED:
				res->rejected++;
				if (o->rejected != NULL)
					o->rejected(o->rejected_ctx, rr->line,
					    why.s != NULL ? why.s : "");
				if (o->rejects != NULL && write_reject(
				    o->rejects, rr, why.s != NULL ? why.s : "",
				    sep, err) < 0)
					goto out;
				break;
			default:
				goto out;
			}
			res->warned += warned;
			if (o->progress != NULL && res->rows % PROGRESS_ROWS ==
			    0)
				o->progress(o->progress_ctx, res->rows,
				    (long long)ftell(in), o->total_bytes);
		}
	} while (bt->n == BATCH_ROWS && k == 1);
	if (rerr != NULL) {
		*err = rerr;
		rerr = NULL;
		goto out;
	}
	if (m.par != NULL && m.x != NULL) {
		long wr = 0, nb = check_rosters(&m, &wr, err);
		if (nb < 0)
			goto out;
		res->roster_errors = nb;
		res->warned += wr;
	}
	if (o->progress != NULL)
		o->progress(o->progress_ctx, res->rows, o->total_bytes,
		    o->total_bytes);
	if ((res->rejected > 0 || res->roster_errors > 0) && !o->partial)
		db_rollback(db);
	else {
		if (fts > 0 && db_search_catch_up(db, m.def, fts_mark, err) < 0)
			goto out;
		if (db_commit(db, err) < 0) {
			began = 0;
			goto out;
		}
		res->committed = 1;
	}
	began = 0;
	rc = 0;
out:
	if (began)
		db_rollback(db);
	db_set_bulk_saver(db, 0);
	db_set_save_savepoint(db, 1);
	db_audit_discard();
	if (rc < 0)
		res->committed = 0;
	csv_close(rd);
	vbatch_free(m.vb);
	db_import_close(m.h);
	record_free(m.parent);
	free(m.par_by);
	if (bt != NULL)
		batch_free(bt);
	free(bt);
	free(rerr);
	free(m.jn.v);
	idset_free(&m.seen);
	idset_free(&m.parents);
	map_free(&mp);
	vmemo_free(m.vm, m.ncols);
	free(m.cols);
	sbuf_free(&why);
	return rc;
}

/* ---- export --------------------------------------------------------------- */

static const char *
label_of(const struct sch_field *f, const char *code, int lang)
{
	const struct sch_choice *c = schema_choice(f->vs, code);
	return c != NULL ? sch_text_get(&c->label, lang, c->code) : code;
}

/* A value as written: labels, decimal comma. Returns v or a new string in
 * *tmp. */
static const char *
out_value(const struct sch_field *f, const char *v, int flags, int lang,
    int number, char **tmp)
{
	*tmp = NULL;
	if (v != NULL && (flags & TRANSFER_SANITIZE) && has_controls(v))
		return *tmp = util_sanitize(v, 0);
	if (v == NULL || f == NULL)
		return v;
	if ((flags & TRANSFER_LABELS) && f->type == FT_SELECT_ONE)
		return label_of(f, v, lang);
	if ((flags & TRANSFER_LABELS) && f->type == FT_SELECT_MULTIPLE) {
		struct sbuf b = {0};
		char *copy = xstrdup(v), *tok, *save = NULL;
		for (tok = strtok_r(copy, " ", &save); tok != NULL;
		    tok = strtok_r(NULL, " ", &save)) {
			if (b.len > 0)
				sbuf_add(&b, "; ");
			sbuf_add(&b, label_of(f, tok, lang));
		}
		free(copy);
		return *tmp = sbuf_steal(&b);
	}
	if ((flags & TRANSFER_EXCEL) && number && strchr(v, '.') != NULL) {
		char *p;
		*tmp = xstrdup(v);
		if ((p = strchr(*tmp, '.')) != NULL)
			*p = ',';
		return *tmp;
	}
	return v;
}

static void
json_string(struct sbuf *b, const char *s)
{
	const unsigned char *p;
	sbuf_addc(b, '"');
	for (p = (const unsigned char *)s; *p != '\0'; p++) {
		switch (*p) {
		case '"':
			sbuf_add(b, "\\\"");
			break;
		case '\\':
			sbuf_add(b, "\\\\");
			break;
		case '\n':
			sbuf_add(b, "\\n");
			break;
		case '\r':
			sbuf_add(b, "\\r");
			break;
		case '\t':
			sbuf_add(b, "\\t");
			break;
		default:
			if (*p < 0x20 || *p == 0x7f)
				sbuf_addf(b, "\\u%04x", *p);
			else
				sbuf_addc(b, (char)*p);
		}
	}
	sbuf_addc(b, '"');
}

long
transfer_export(struct db *db, const struct sch_record *def, FILE *out,
    int flags, int lang, char **err)
{
	struct db_export *x;
	const char *const *vals;
	const char **row;
	char **tmp;
	struct sbuf b = {0};
	size_t i, n;
	long rows = 0;
	char sep = (flags & TRANSFER_EXCEL) ? ';' : ',';
	int k;

	if (db_export_open(db, def, &x, err) < 0)
		return -1;
	n = db_export_ncols(x);
	row = xcalloc(n, sizeof *row);
	tmp = xcalloc(n, sizeof *tmp);
	if (flags & TRANSFER_JSON)
		fputs("[", out);
	else {
		if (flags & TRANSFER_EXCEL)
			fputs(CSV_BOM, out);
		for (i = 0; i < n; i++)
			row[i] = db_export_colname(x, i);
		if (csv_write_record(out, row, n, sep, 0, err) < 0)
			goto fail;
	}
	while ((k = db_export_next(x, &vals, err)) == 1) {
		for (i = 0; i < n; i++) {
			int fi = db_export_field(x, i);
			free(tmp[i]);
			row[i] = out_value(fi >= 0 ? &def->fields[fi] : NULL,
			    vals[i], flags, lang, db_export_is_number(x, i),
			    &tmp[i]);
		}
		if (flags & TRANSFER_JSON) {
			sbuf_reset(&b);
			sbuf_add(&b, rows > 0 ? ",\n{" : "\n{");
			for (i = 0; i < n; i++) {
				if (i > 0)
					sbuf_addc(&b, ',');
				json_string(&b, db_export_colname(x, i));
				sbuf_addc(&b, ':');
				if (row[i] == NULL)
					sbuf_add(&b, "null");
				else if (db_export_is_number(x, i) &&
				    row[i] == vals[i])
					sbuf_add(&b, row[i]);
				else
					json_string(&b, row[i]);
			}
			sbuf_addc(&b, '}');
			if (fwrite(b.s, 1, b.len, out) != b.len) {
				util_err(err, _("cannot write: %s"),
				    strerror(errno));
				goto fail;
			}
		} else {
			sbuf_reset(&b);
			for (i = 0; i < n; i++) {
				if (i > 0)
					sbuf_addc(&b, sep);
				csv_quote(&b, row[i], sep);
			}
			if (n == 1 && b.len == 0)
				sbuf_add(&b, "\"\"");
			sbuf_add(&b, "\r\n");
			if (fwrite(b.s, 1, b.len, out) != b.len) {
				util_err(err, _("cannot write: %s"),
				    strerror(errno));
				goto fail;
			}
		}
		rows++;
	}
	if (k < 0)
		goto fail;
	if (flags & TRANSFER_JSON)
		fputs(rows > 0 ? "\n]\n" : "]\n", out);
	if (fflush(out) != 0 || ferror(out)) {
		util_err(err, _("cannot write: %s"), strerror(errno ? errno :
		    EIO));
		goto fail;
	}
	goto done;
fail:
	rows = -1;
done:
	for (i = 0; i < n; i++)
		free(tmp[i]);
	free(tmp);
	free(row);
	sbuf_free(&b);
	db_export_close(x);
	return rows;
}
