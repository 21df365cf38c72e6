/*
 * schema: the in-memory model of a data dictionary: records, fields, types,
 * value sets and form layouts. Built by schema_yaml, read by everyone else.
 *
 * Ownership: a struct schema owns every string and array reachable from it;
 * schema_free() releases all of it. Pointers handed out by the lookup
 * functions are borrowed and live as long as the schema.
 * Invariant after schema_finish() without errors: every name is a valid
 * identifier, unique in its scope; every choice field points at its value
 * set; every record has at least one page and every stored field appears on
 * exactly one page.
 */
#ifndef KESRA_SCHEMA_H
#define KESRA_SCHEMA_H

#include <stddef.h>
#include <stdint.h>

#include "util.h"

#define SCHEMA_MAX_LANGS 8
#define SCHEMA_MAX_DUPKEY 4 /* fields in a record's duplicate_key */

enum field_type {
	FT_TEXT,
	FT_INTEGER,
	FT_DECIMAL,
	FT_DATE,
	FT_YESNO,
	FT_SELECT_ONE,
	FT_SELECT_MULTIPLE, /* codes separated by spaces, stored as TEXT */
	FT_REGION,          /* a code of the region table at a level */
	FT_NIK,             /* 16-digit national identity number */
	FT_KK,              /* 16-digit family card number */
	FT_PHONE,
	FT_CALCULATE,       /* stored result of `calculation`, read-only */
	FT_NOTE,            /* shown, never stored */
	FT_COUNT
};

enum severity { SEV_WARNING = 1, SEV_ERROR = 2 };

/* Region levels, as in the Kemendagri code (96.01.02.2001). */
enum region_level {
	RL_NONE,
	RL_PROVINCE,
	RL_REGENCY,
	RL_DISTRICT,
	RL_VILLAGE
};
/* "province".."village" -> level, or RL_NONE. */
enum region_level region_level_lookup(const char *name);
const char *region_level_name(enum region_level l);

/*
 * An expression as written in the dictionary (SQLite syntax over field
 * names), with its place for messages. text == NULL: none.
 */
struct sch_expr {
	char *text;
	int line, col;
};

/* The table of field types: what the loader accepts and how each is stored. */
struct field_type_info {
	const char *name;     /* as written in YAML */
	const char *sql_type; /* column type (STRICT table); NULL = not stored */
	int width;            /* default width on screen */
};
extern const struct field_type_info field_types[FT_COUNT];
/* Returns the type for a YAML name, or -1. */
int field_type_lookup(const char *name);
/* "text, integer, ..." for hints. Static storage. */
const char *field_type_names(void);

/* A text in each of the dictionary's languages; s[i] may be NULL. */
struct sch_text {
	char *s[SCHEMA_MAX_LANGS];
};

struct sch_choice {
	char *code;
	struct sch_text label;
	/* Further columns (any other key of the choice), for choice_filter. */
	char **attr_names, **attr_values;
	size_t nattrs;
};

struct sch_valueset {
	char *name;
	struct sch_choice *choices;
	size_t nchoices;
	int numeric; /* every code is an integer: stored as INTEGER */
	int line, col;
};

struct sch_field {
	char *name;
	enum field_type type;
	struct sch_text label, hint;
	int required;               /* required: true */
	struct sch_expr required_if; /* required: <expression> */
	int has_min, has_max;
	double min, max;
	int width; /* on screen, in columns */
	char *values_name;
	const struct sch_valueset *vs; /* resolved for choice fields */
	char *default_value;        /* literal, in stored form */
	struct sch_expr relevant;   /* false: skipped, stored as NULL */
	struct sch_expr constraint; /* must be true when there is a value */
	struct sch_text constraint_message;
	struct sch_expr calculation;   /* value computed from others */
	struct sch_expr choice_filter; /* over the choice's columns */
	int read_only;
	char *pattern;   /* POSIX extended regex, anchored at both ends */
	void *pattern_re; /* compiled regex_t, owned */
	int persistent;  /* carried into the next record */
	int unique;      /* no two live records share the value */
	enum region_level level; /* region fields */
	char *renamed_from;
	int search;      /* search: true: words found by the search (FTS5) */
	int line, col;
};

struct sch_rule {
	char *name;
	struct sch_expr check; /* true when the record is right */
	enum severity severity;
	struct sch_text message;
	int line, col;
};

/*
 * A named filter of the search (filters:): an expression over the
 * record's own fields, true for the records it keeps.
 */
struct sch_filter {
	char *name;
	struct sch_text label;
	struct sch_expr where;
	int line, col;
};

/* A column of a search result (search_columns:): a field of the record
 * (parent == 0) or of its parent (parent == 1, written parent.field). */
struct sch_colref {
	int parent;
	size_t field;
};

struct sch_page {
	struct sch_text title;
	size_t *fields; /* indices into the record's fields */
	size_t nfields;
};

struct sch_record {
	char *name;
	struct sch_text label;
	char *title; /* "${field} ${field}" template; NULL = first field */
	char *parent;
	struct sch_field *fields;
	size_t nfields;
	struct sch_page *pages;
	size_t npages;
	char *form_file; /* the form layout it came from, or NULL if generated */
	size_t *roster_columns; /* fields shown in the parent's roster list */
	size_t nroster_columns;
	struct sch_rule *rules;        /* checks of one record */
	size_t nrules;
	struct sch_rule *roster_rules; /* aggregate checks over all rows */
	size_t nroster_rules;
	int min_count, max_count;      /* rows in a parent; 0 = no limit */
	/*
	 * duplicate_key: fields whose equal values (text normalised, see
	 * validate) mark a probable duplicate of another live record.
	 */
	size_t dup_key[SCHEMA_MAX_DUPKEY];
	size_t ndup_key;
	struct sch_filter *filters;    /* search filters */
	size_t nfilters;
	char **search_col_names;       /* search_columns as written */
	struct sch_colref *search_cols; /* resolved by schema_finish */
	size_t nsearch_cols;
	int line, col;
};

struct schema {
	char *dir;  /* the schema folder */
	char *file; /* the dictionary file */
	char *name;
	int version;
	char *langs[SCHEMA_MAX_LANGS];
	int nlangs;
	struct sch_valueset *valuesets;
	size_t nvaluesets;
	struct sch_record *records;
	size_t nrecords;
	char *regions_file; /* region table CSV (code,name,level), beside */
	/*
	 * Codes no longer in use (code,name,level,first_seen,last_seen),
	 * beside; NULL = none. Loaded into the region table as retired rows,
	 * which only NIK checks see (a NIK keeps its first district code).
	 */
	char *regions_retired_file;
	char hash[17]; /* hex FNV-1a of the storage-relevant structure */
};

struct schema *schema_new(void);
void schema_free(struct schema *s);

/* Text in language lang, falling back to the first language, then to def. */
const char *sch_text_get(const struct sch_text *t, int lang, const char *def);
void sch_text_free(struct sch_text *t);

/* Lookups; NULL or -1 when absent. */
const struct sch_record *schema_record(const struct schema *s, const char *name);
int schema_field_index(const struct sch_record *r, const char *name);
const struct sch_valueset *schema_valueset(const struct schema *s,
    const char *name);
const struct sch_choice *schema_choice(const struct sch_valueset *vs,
    const char *code);
int schema_lang_index(const struct schema *s, const char *code);

/* SQL column type of a field; NULL when the field is not stored. */
const char *schema_field_sql_type(const struct sch_field *f);
/* 1 when a field has a column (every type but note). */
int schema_field_stored(const struct sch_field *f);
/* 1 for types whose values come from a value set. */
int schema_field_has_choices(const struct sch_field *f);
/* Children of a record (rosters whose parent it is), in order. */
size_t schema_children(const struct schema *s, const struct sch_record *r,
    const struct sch_record **out, size_t max);

/* Label of a field in a language, falling back to its name. */
const char *schema_field_label(const struct sch_field *f, int lang);
const char *schema_record_label(const struct sch_record *r, int lang);

/*
 * Resolve references (value sets, parents), check names, generate the
 * default form of records without one and compute the hash. Problems go to
 * d with the dictionary file and the place they were written.
 */
void schema_finish(struct schema *s, struct diags *d);

/* Names the storage reserves for its system columns. */
int schema_reserved_name(const char *name);


/*
 * Reports (schema/reports.yaml), loaded on demand by
 * schema_yaml_load_reports: a mistake there stops reports only, never
 * data entry. An aggregate report counts or sums expressions over a
 * record (and its rosters), grouped by the region code of its region
 * field cut to a level (drill-down through `levels`) and/or by an
 * expression (`by`); a list report shows columns of the records a filter
 * selects. Names are checked against the dictionary by report_check.
 */
enum sch_report_kind { SR_AGGREGATE, SR_LIST };
/* Where an aggregate's rows come from: the records (one SQL statement) or
 * validate's findings over the region (`source: findings`: columns count
 * measures, see report.h). */
enum sch_report_source { SS_RECORDS, SS_FINDINGS };
enum sch_agg {
	SA_COUNT, /* rows where the expression is true */
	SA_SUM,   /* sum of the expression */
	SA_ANY    /* roster columns: parents with a row where it is true */
};

struct sch_rcol {
	char *name;
	struct sch_text label;
	char *record;        /* aggregate: the record counted (NULL: report's) */
	enum sch_agg agg;    /* aggregate */
	struct sch_expr expr;
	int width;           /* list: 0 = from the field or the label */
	int line, col;
};

struct sch_report {
	char *name;
	struct sch_text title;
	enum sch_report_kind kind;
	enum sch_report_source source;
	char *record;
	char *region;        /* region field (of record or its parent) */
	enum region_level levels[4]; /* aggregate drill-down, top first */
	int nlevels;
	struct sch_expr by;  /* aggregate: a second grouping (or the only) */
	struct sch_text by_label;
	struct sch_expr filter;
	struct sch_rcol *cols;
	size_t ncols;
	int line, col;
};

struct sch_reports {
	char *file;
	struct sch_report *v;
	size_t n;
};
void sch_reports_free(struct sch_reports *r);
const struct sch_report *sch_report_find(const struct sch_reports *r,
    const char *name);

#endif
