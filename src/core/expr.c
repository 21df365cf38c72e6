/*
 * expr: the dictionary's expressions compiled into read-only SQLite
 * statements and evaluated over one record's values; the helper SQL
 * functions age, today, regexp, selected, and for welfare registers
 * nik_birth_date, nik_sex, nik_region_known, age_months and haz.
 *
 * An expression E of record R becomes
 *     SELECT (\nE\n) FROM (SELECT ?1 AS "f1", ...) AS "R"
 * with only the stored fields E names as columns, and for a roster row
 *     SELECT (SELECT (\nE\n) FROM (...) AS "R") FROM (SELECT ?k AS "p1",
 *         ...) AS "P"                     the parent, outer (no join)
 * and a choice_filter, where a bare name is a field first and else a column
 * of the choice (SQLite resolves names from the inner query outwards),
 *     SELECT (SELECT (\nE\n) FROM <record> [, <parent>])
 *         FROM (SELECT ?m AS "code", ?m+1 AS "attr", ...) AS "choice"
 * and a roster rule an aggregate over
 *     (SELECT column1 AS "f1", ... FROM (VALUES (?1, ...), ...)) AS "R"
 * (VALUES rather than UNION ALL: it is not bound by SQLite's limit of 500
 * compound terms; zero rows is `SELECT NULL AS "f1", ... WHERE 0`).
 *
 * Invariants:
 * - SQL text is made of fixed keywords, dictionary identifiers (which the
 *   schema guarantees are [a-z_][a-z0-9_]*, written quoted) and the
 *   expression text; values are always bound, never written into SQL.
 * - Before it is wrapped, E is scanned (scan_expr): no ';', no parameter,
 *   balanced parentheses, no unterminated string or comment. With the
 *   newlines around E, it cannot close the wrapper's parenthesis or
 *   comment its FROM clause away, so the wrapper's subqueries stay the only
 *   source of columns.
 * - Statements are prepared under an authorizer that admits SELECT and the
 *   functions of allowed_functions[] only, and with double-quoted strings
 *   off so that "x" always names a field. SQLite has no getter for the
 *   authorizer: ours is installed just before a prepare and cleared (NULL)
 *   just after, so the rest of the program (db) must not rely on an
 *   authorizer of its own. Installing one expires the connection's
 *   statements, which SQLite re-prepares transparently.
 * - Parameters: ?1.. for the record's stored fields that the expression
 *   names, in field order, then the parent's, then the choice's code and
 *   columns; struct xbind lists them for each statement.
 *   Values are bound SQLITE_STATIC; each evaluation ends with reset and
 *   clear_bindings, so no borrowed pointer outlives the call.
 * - An expr_set exists only when every expression compiled and the
 *   calculations form no cycle; xrec.calc lists the calculated fields
 *   dependencies first.
 */
#include "expr.h"

#include <errno.h>
#include <regex.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include <sqlite3.h>

#include "nik.h"
#include "who.h"

/* Functions an expression may call (SQLITE_FUNCTION in the authorizer). */
static const char *const allowed_functions[] = {
	"abs", "coalesce", "ifnull", "iif", "instr", "length", "lower",
	"upper", "ltrim", "rtrim", "trim", "max", "min", "nullif", "replace",
	"round", "substr", "substring", "typeof", "date", "time", "datetime",
	"julianday", "strftime", "unixepoch", "sum", "count", "total", "avg",
	"group_concat", "printf", "format", "like", "glob", "char", "hex",
	"unicode",
	/* kesra's helpers */
	"age", "today", "regexp", "selected", "nik_birth_date", "nik_sex",
	"nik_region_known", "age_months", "haz",
	NULL
};
#define HELPERS_HINT "kesra's helpers: age(date [, on]), today(), " \
	"regexp(pattern, text), selected(list, code), nik_birth_date(nik), " \
	"nik_sex(nik), nik_region_known(nik), age_months(date [, on]), " \
	"haz(sex, age_months, height_cm)"

/* The per-field expressions, in the order of struct xrec.fst. */
enum xkind {
	XK_RELEVANT,
	XK_REQUIRED,
	XK_CONSTRAINT,
	XK_CALCULATION,
	XK_CHOICE,
	XK_NKINDS
};
static const char *const kind_names[XK_NKINDS] = {
	"relevant", "required", "constraint", "calculation", "choice_filter"
};

/* The columns a choice_filter sees beside `code`. */
struct xchoice {
	const struct sch_valueset *vs;
	const char **cols; /* borrowed from the schema; union over choices */
	size_t ncols;
};

/*
 * The values a field expression or rule binds: the stored fields its text
 * names, each with its parameter. field < def->nfields: the record's;
 * else the parent's field (field - def->nfields).
 */
struct xbind {
	size_t *field;
	int *param;
	size_t n;
};

/* A roster rule: the child fields it names, its statement for n rows. */
/*
 * A roster rule is compiled for a number of rows; the statements for up
 * to XR_KEEP - 1 rows are kept (byn[n]), so that a batch over households
 * of varying sizes does not prepare again for each one.
 */
#define XR_KEEP 24
struct xroster {
	size_t *cols; /* stored child fields the rule names */
	size_t ncols;
	/* stored parent fields it may name, bound as the parent's values
	 * when psome (else all of them) */
	size_t *pcols;
	size_t npcols;
	int psome;
	sqlite3_stmt *st; /* for n rows: byn[n], or its own when n >= XR_KEEP */
	size_t n;
	sqlite3_stmt *byn[XR_KEEP];
};

/*
 * nik_region_known's statement kept for an expr_set (the function's user
 * data): held by the set and by the function's registration, freed when
 * both let go; live while the set exists (it finalizes st when freed, so
 * that the connection can close).
 */
#define NIK_CACHE 64
struct region_kept {
	sqlite3_stmt *st;
	int live, refs;
	/* the districts looked up (see fn_nik_region_known) */
	unsigned int version;
	int valid;
	struct {
		char code[9];
		int known; /* 0, 1 */
	} e[NIK_CACHE];
};

static void
region_kept_unref(void *p)
{
	struct region_kept *k = p;
	if (k != NULL && --k->refs == 0)
		free(k);
}

/*
 * The last results of a field expression or rule whose text calls nothing
 * that depends on the day or the database (det): up to XMEMO_WAYS, each
 * with the values it was evaluated with (one place per hash of the
 * values), and its truth or value (no longer kept for a statement whose
 * values rarely repeat: see XMEMO_TRIAL). The same values again give the same
 * result without a step: the rounds of expr_refresh, the checks after it
 * and the next records of an import or a scan mostly ask again with
 * values already seen.
 */
#define XMEMO_WAYS 256 /* results kept per statement, by hash of values
                        * (this and XMEMO_FIRST: powers of 2, a mask) */
/* A statement starts with XMEMO_FIRST places and gets XMEMO_WAYS after
 * XMEMO_GROW look-ups: a form asks each expression a few dozen times,
 * an import or a scan thousands (256 places for every expression of a
 * form cost about 1 MB of the 8 MB an entry session may take). */
#define XMEMO_FIRST 4
#define XMEMO_GROW 512
/* After XMEMO_TRIAL look-ups, a statement hit less than 1 in XMEMO_MIN
 * times (its values rarely repeat: a NIK, a date) is no longer memoised. */
#define XMEMO_TRIAL 4096
#define XMEMO_MIN 8
struct xmemo_ent {
	uint64_t h;    /* the hash of the values (memo_find's) */
	char *value;
	/* the xbind.n values bound, one after the other (one place to
	 * read): each a byte 0 (NULL) or 1 then the text and its NUL */
	char *vals;
	int truth;     /* eval_truth's result */
	int rc;        /* eval_value's result and value */
	unsigned cap;  /* vals' size */
	unsigned char have;
};
struct xmemo {
	unsigned char det;
	unsigned char pure; /* det as compiled (det goes 0 when unused) */
	struct xmemo_ent *ent; /* nways, allocated when first kept */
	unsigned nways; /* a power of 2 */
	unsigned long nlook, nhit;
	unsigned last; /* the entry of the last look-up, tried first */
};
static void memo_clear(struct xmemo *m, size_t n);

struct xrec {
	const struct sch_record *def;
	const struct sch_record *parent; /* NULL unless a roster */
	struct xmemo *fmemo;  /* nfields * XK_NKINDS */
	struct xmemo *rmemo;  /* def->nrules */
	sqlite3_stmt **fst;   /* nfields * XK_NKINDS; NULL = no expression */
	struct xbind *fbind;  /* nfields * XK_NKINDS: what fst[k] binds */
	size_t *fshare;       /* nfields * XK_NKINDS: the memo fst[k] uses */
	struct xbind *rbind;  /* def->nrules: what rules[k] binds */
	struct xchoice *ch;   /* nfields */
	sqlite3_stmt **rules; /* def->nrules */
	struct xroster *rr;   /* def->nroster_rules */
	size_t *calc;         /* calculated fields, dependencies first */
	size_t ncalc;
	/* expr_refresh's work space (nfields each), kept between calls */
	unsigned char *rel, *saved;
	unsigned *fver;       /* 3 * nfields */
	char **before;
	/* nfields * XK_NKINDS, by fshare: when a relevance was last asked
	 * in the refresh (0: not yet) and its answer */
	unsigned *aseen;
	unsigned char *aval;
};

struct expr_set {
	sqlite3 *h;
	const struct schema *s;
	struct region_kept *region; /* nik_region_known's look-up */
	struct xrec *rec; /* one per s->records[i] */
	size_t nrec;
};

/* Compilation state: where problems go. */
struct cctx {
	struct expr_set *x;
	struct diags *d;
	int nerr;
};

static void report(struct cctx *c, int line, int col, const char *fmt, ...)
    UTIL_PRINTF(4, 5);

static void
report(struct cctx *c, int line, int col, const char *fmt, ...)
{
	va_list ap;
	char *msg;

	va_start(ap, fmt);
	msg = xvasprintf(fmt, ap);
	va_end(ap);
	if (c->d != NULL)
		diags_add(c->d, c->x->s->file, line, col, "%s", msg);
	c->nerr++;
	free(msg);
}

/* ---- helper SQL functions ---------------------------------------------- */

static int
is_leap(int y)
{
	return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
}

static int
days_in_month(int y, int m)
{
	static const int days[12] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31,
		30, 31};
	return m == 2 && is_leap(y) ? 29 : days[m - 1];
}

/*
 * A real calendar date written YYYY-MM-DD, optionally followed by a time
 * ("YYYY-MM-DD HH:MM[:SS[.fff]]", also with 'T'). 0 or -1.
 */
static int
parse_ymd(const char *s, int *y, int *m, int *d)
{
	int i;

	for (i = 0; i < 10; i++) {
		if (i == 4 || i == 7) {
			if (s[i] != '-')
				return -1;
		} else if (s[i] < '0' || s[i] > '9')
			return -1;
	}
	if (s[10] != '\0') {
		if ((s[10] != ' ' && s[10] != 'T') ||
		    s[11] < '0' || s[11] > '9' || s[12] < '0' || s[12] > '9' ||
		    s[13] != ':' ||
		    s[14] < '0' || s[14] > '9' || s[15] < '0' || s[15] > '9' ||
		    s[16 + strspn(s + 16, "0123456789:.")] != '\0')
			return -1;
	}
	*y = (s[0] - '0') * 1000 + (s[1] - '0') * 100 + (s[2] - '0') * 10 +
	    (s[3] - '0');
	*m = (s[5] - '0') * 10 + (s[6] - '0');
	*d = (s[8] - '0') * 10 + (s[9] - '0');
	if (*y < 1 || *m < 1 || *m > 12 || *d < 1 ||
	    *d > days_in_month(*y, *m))
		return -1;
	return 0;
}

/* Today's local date, or $KESRA_TODAY when it holds a valid YYYY-MM-DD. */
static void
today_ymd(int *y, int *m, int *d)
{
	const char *env = getenv("KESRA_TODAY");
	struct tm tm;
	time_t now;

	/* localtime_r once a second per thread: NIK and age checks of a
	 * whole register call this for every person */
	static _Thread_local time_t last = (time_t)-1;
	static _Thread_local int ly, lm, ld;

	if (env != NULL && strlen(env) == 10 && parse_ymd(env, y, m, d) == 0)
		return;
	now = time(NULL);
	if (now == last) {
		*y = ly;
		*m = lm;
		*d = ld;
		return;
	}
	if (localtime_r(&now, &tm) == NULL) {
		*y = 1970;
		*m = *d = 1;
		return;
	}
	*y = ly = tm.tm_year + 1900;
	*m = lm = tm.tm_mon + 1;
	*d = ld = tm.tm_mday;
	last = now;
}

/* A date argument: 0 with y/m/d, -1 for NULL, a non-text or a bad date. */
static int
arg_date(sqlite3_value *v, int *y, int *m, int *d)
{
	const char *s;
	if (sqlite3_value_type(v) != SQLITE_TEXT)
		return -1;
	s = (const char *)sqlite3_value_text(v);
	return s != NULL ? parse_ymd(s, y, m, d) : -1;
}

/*
 * age(date [, on]): whole years from date to on (default today). A 29
 * February birthday is reached on 1 March in other years. NULL for a NULL
 * or malformed date; negative when on comes first.
 */
static void
fn_age(sqlite3_context *ctx, int argc, sqlite3_value **argv)
{
	int by, bm, bd, oy, om, od, years;

	if (arg_date(argv[0], &by, &bm, &bd) < 0) {
		sqlite3_result_null(ctx);
		return;
	}
	if (argc > 1) {
		if (arg_date(argv[1], &oy, &om, &od) < 0) {
			sqlite3_result_null(ctx);
			return;
		}
	} else
		today_ymd(&oy, &om, &od);
	years = oy - by;
	if (om < bm || (om == bm && od < bd))
		years--;
	sqlite3_result_int(ctx, years);
}

/* "%04d-%02d-%02d" into buf (n >= 11 bytes), without printf when it
 * can (called per row). */
static void
ymd_text(char *buf, size_t n, int y, int m, int d)
{
	if (y < 0 || y > 9999 || m < 0 || m > 99 || d < 0 || d > 99) {
		snprintf(buf, n, "%04d-%02d-%02d", y, m, d);
		return;
	}
	buf[0] = (char)('0' + y / 1000);
	buf[1] = (char)('0' + y / 100 % 10);
	buf[2] = (char)('0' + y / 10 % 10);
	buf[3] = (char)('0' + y % 10);
	buf[4] = '-';
	buf[5] = (char)('0' + m / 10);
	buf[6] = (char)('0' + m % 10);
	buf[7] = '-';
	buf[8] = (char)('0' + d / 10);
	buf[9] = (char)('0' + d % 10);
	buf[10] = '\0';
}

/* today(): 'YYYY-MM-DD', local time ($KESRA_TODAY fixes it for tests). */
static void
fn_today(sqlite3_context *ctx, int argc, sqlite3_value **argv)
{
	char buf[32];

	(void)argc;
	(void)argv;
	expr_today_text(buf);
	sqlite3_result_text(ctx, buf, -1, SQLITE_TRANSIENT);
}

void
expr_today_text(char buf[11])
{
	int y, m, d;

	today_ymd(&y, &m, &d);
	ymd_text(buf, 11, y, m, d);
}

static void
regex_free(void *p)
{
	regfree(p);
	free(p);
}

/*
 * regexp(pattern, text), i.e. `text REGEXP pattern`: POSIX extended,
 * unanchored. NULL when either is NULL; an SQL error for a bad pattern.
 * The compiled pattern is kept as auxiliary data while it is constant.
 */
static void
fn_regexp(sqlite3_context *ctx, int argc, sqlite3_value **argv)
{
	regex_t *re;
	const char *pat, *text, *why;
	char buf[160], *msg;
	int rc, fresh = 0;

	(void)argc;
	if (sqlite3_value_type(argv[0]) == SQLITE_NULL ||
	    sqlite3_value_type(argv[1]) == SQLITE_NULL) {
		sqlite3_result_null(ctx);
		return;
	}
	re = sqlite3_get_auxdata(ctx, 0);
	if (re == NULL) {
		if ((pat = (const char *)sqlite3_value_text(argv[0])) == NULL) {
			sqlite3_result_error_nomem(ctx);
			return;
		}
		if (util_regex_check(pat, &why) < 0) {
			msg = xasprintf("regexp: refused regular expression: "
			    "%s", why);
			sqlite3_result_error(ctx, msg, -1);
			free(msg);
			return;
		}
		re = xmalloc(sizeof *re);
		if ((rc = regcomp(re, pat, REG_EXTENDED | REG_NOSUB)) != 0) {
			regerror(rc, re, buf, sizeof buf);
			free(re);
			msg = xasprintf("regexp: bad regular expression "
			    "'%s': %s", pat, buf);
			sqlite3_result_error(ctx, msg, -1);
			free(msg);
			return;
		}
		fresh = 1;
	}
	if ((text = (const char *)sqlite3_value_text(argv[1])) == NULL)
		sqlite3_result_error_nomem(ctx);
	else if ((rc = regexec(re, text, 0, NULL, 0)) == 0 ||
	    rc == REG_NOMATCH)
		sqlite3_result_int(ctx, rc == 0);
	else {
		regerror(rc, re, buf, sizeof buf);
		sqlite3_result_error(ctx, buf, -1);
	}
	/* Last: SQLite may free it at once when the pattern is not constant. */
	if (fresh)
		sqlite3_set_auxdata(ctx, 0, re, regex_free);
}

/*
 * selected(list, code): 1 when the space-separated codes of list (a
 * select_multiple value) include code, else 0 (also for NULLs).
 */
static void
fn_selected(sqlite3_context *ctx, int argc, sqlite3_value **argv)
{
	const char *list, *code;

	(void)argc;
	if (sqlite3_value_type(argv[0]) == SQLITE_NULL ||
	    sqlite3_value_type(argv[1]) == SQLITE_NULL) {
		sqlite3_result_int(ctx, 0);
		return;
	}
	list = (const char *)sqlite3_value_text(argv[0]);
	code = (const char *)sqlite3_value_text(argv[1]);
	if (list == NULL || code == NULL) {
		sqlite3_result_error_nomem(ctx);
		return;
	}
	sqlite3_result_int(ctx, expr_selected(list, code));
}

int
expr_selected(const char *list, const char *code)
{
	const char *p;
	size_t n, len;

	n = strlen(code);
	for (p = list; *p != '\0'; p += len) {
		p += strspn(p, " \t\r\n");
		len = strcspn(p, " \t\r\n");
		if (n > 0 && len == n && memcmp(p, code, n) == 0)
			return 1;
	}
	return 0;
}

/* Compare two dates: <0, 0, >0. */
static int
ymd_cmp(int y1, int m1, int d1, int y2, int m2, int d2)
{
	if (y1 != y2)
		return y1 < y2 ? -1 : 1;
	if (m1 != m2)
		return m1 < m2 ? -1 : 1;
	return d1 < d2 ? -1 : d1 > d2;
}

/*
 * A NIK argument parsed (nik_parse: 16 digits, a district code, a real
 * date, serial not 0000), with the century resolved against today(): the
 * latest birth date not after today. 0, or -1 for NULL or a wrong NIK.
 */
static int
arg_nik(sqlite3_value *v, struct nik *n)
{
	const char *s;

	if (sqlite3_value_type(v) == SQLITE_NULL ||
	    (s = (const char *)sqlite3_value_text(v)) == NULL)
		return -1;
	return expr_nik_date(s, n);
}

int
expr_nik_date(const char *s, struct nik *n)
{
	int ty, tm, td;

	today_ymd(&ty, &tm, &td);
	return expr_nik_date_on(s, ty, tm, td, n);
}

int
expr_nik_date_on(const char *s, int ty, int tm, int td, struct nik *n)
{
	if (nik_parse(s, ty, n, NULL) < 0)
		return -1;
	return expr_nik_century(n, ty, tm, td);
}

int
expr_nik_century(struct nik *n, int ty, int tm, int td)
{
	/* Born later this year would be in the future: a century earlier. */
	if (ymd_cmp(n->year, n->month, n->day, ty, tm, td) > 0) {
		n->year -= 100;
		if (n->day > days_in_month(n->year, n->month))
			return -1; /* 29 February of a year that had none */
	}
	return 0;
}

/*
 * nik_birth_date(nik): the birth date a NIK holds, 'YYYY-MM-DD' (the day
 * less 40 for women), or NULL when it is NULL or not a well-formed NIK.
 */
static void
fn_nik_birth_date(sqlite3_context *ctx, int argc, sqlite3_value **argv)
{
	struct nik n;
	char buf[16];

	(void)argc;
	if (arg_nik(argv[0], &n) < 0) {
		sqlite3_result_null(ctx);
		return;
	}
	ymd_text(buf, sizeof buf, n.year, n.month, n.day);
	sqlite3_result_text(ctx, buf, -1, SQLITE_TRANSIENT);
}

/* nik_sex(nik): 1 (male) or 2 (female, day + 40), NULL when unparsable. */
static void
fn_nik_sex(sqlite3_context *ctx, int argc, sqlite3_value **argv)
{
	struct nik n;

	(void)argc;
	if (arg_nik(argv[0], &n) < 0)
		sqlite3_result_null(ctx);
	else
		sqlite3_result_int(ctx, (int)n.sex);
}

/*
 * nik_region_known(nik): 1 when digits 1-6 of nik, read as pp.rr.dd, are
 * a district of the connection's region table (current or retired: a NIK
 * keeps the code of its first registration), 0 when they are not (or are
 * no digits), NULL for a NULL nik or when there is no region table.
 * The look-up is prepared for each call, except while an expr_set lives
 * (expr_compile registers the function again with a struct region_kept
 * as its user data; expr_free finalizes the statement): a statement kept
 * otherwise would have to be finalized before the connection closes,
 * which SQLite gives no hook for.
 * It runs while the expression's own statement steps, when the
 * authorizer is not installed (expr installs it only around prepares).
 */
/*
 * The districts nik_region_known looked up (in its struct region_kept):
 * a look-up is a step of a statement, and the NIKs and KK numbers of a
 * register share few district codes. Cleared whenever the database
 * changed (SQLite's data version, which any write on any connection
 * moves), so that a region table loaded afterwards is seen.
 */
static void
fn_nik_region_known(sqlite3_context *ctx, int argc, sqlite3_value **argv)
{
	sqlite3 *h = sqlite3_context_db_handle(ctx);
	struct region_kept *c = sqlite3_user_data(ctx);
	sqlite3_stmt *st = NULL, **kept = c != NULL && c->live ? &c->st :
	    NULL;
	const char *s;
	char code[9];
	unsigned int version = 0, slot = 0;
	int i, rc;

	(void)argc;
	if (sqlite3_value_type(argv[0]) == SQLITE_NULL) {
		sqlite3_result_null(ctx);
		return;
	}
	if ((s = (const char *)sqlite3_value_text(argv[0])) == NULL) {
		sqlite3_result_error_nomem(ctx);
		return;
	}
	for (i = 0; i < 6; i++)
		if (s[i] < '0' || s[i] > '9')
			break;
	if (c != NULL && i == 6) {
		nik_district_text(code, s);
		for (slot = 0, i = 0; i < 6; i++)
			slot = slot * 31u + (unsigned char)s[i];
		slot %= NIK_CACHE;
		if (sqlite3_file_control(h, "main", SQLITE_FCNTL_DATA_VERSION,
		    &version) != SQLITE_OK || !c->valid ||
		    version != c->version) {
			memset(c->e, 0, sizeof c->e);
			c->version = version;
			c->valid = 1;
		}
		if (strcmp(c->e[slot].code, code) == 0) {
			sqlite3_result_int(ctx, c->e[slot].known);
			return;
		}
	}
	if (kept != NULL && *kept != NULL)
		st = *kept;
	else if (sqlite3_prepare_v2(h, "SELECT 1 FROM kesra_region WHERE code "
	    "= ?1 AND level = 3", -1, &st, NULL) != SQLITE_OK) {
		sqlite3_finalize(st);
		sqlite3_result_null(ctx); /* no region table here */
		return;
	} else if (kept != NULL)
		*kept = st;
	for (i = 0; i < 6; i++)
		if (s[i] < '0' || s[i] > '9')
			break;
	if (i < 6) {
		if (kept == NULL)
			sqlite3_finalize(st);
		sqlite3_result_int(ctx, 0);
		return;
	}
	nik_district_text(code, s);
	sqlite3_bind_text(st, 1, code, -1, SQLITE_STATIC);
	rc = sqlite3_step(st);
	if (rc == SQLITE_ROW || rc == SQLITE_DONE) {
		sqlite3_result_int(ctx, rc == SQLITE_ROW);
		if (c != NULL) {
			memcpy(c->e[slot].code, code, sizeof code);
			c->e[slot].known = rc == SQLITE_ROW;
		}
	} else
		sqlite3_result_error(ctx, sqlite3_errmsg(h), -1);
	if (kept == NULL)
		sqlite3_finalize(st);
	else {
		sqlite3_reset(st);
		sqlite3_clear_bindings(st);
	}
}

/*
 * age_months(date [, on]): whole months from date to on (default today),
 * counted as age() counts years: a month is complete on the same day of
 * the month (31 January -> 28 February is 0 months, -> 1 March is 1).
 * NULL for a NULL or malformed date; negative when on comes first.
 */
static void
fn_age_months(sqlite3_context *ctx, int argc, sqlite3_value **argv)
{
	int by, bm, bd, oy, om, od, months;

	if (arg_date(argv[0], &by, &bm, &bd) < 0 ||
	    (argc > 1 && arg_date(argv[1], &oy, &om, &od) < 0)) {
		sqlite3_result_null(ctx);
		return;
	}
	if (argc < 2)
		today_ymd(&oy, &om, &od);
	months = (oy - by) * 12 + (om - bm);
	if (od < bd)
		months--;
	sqlite3_result_int(ctx, months);
}

/* A numeric argument (integer, real or numeric text): 0 and *out, or -1. */
static int
arg_number(sqlite3_value *v, double *out)
{
	int t = sqlite3_value_numeric_type(v);

	if (t != SQLITE_INTEGER && t != SQLITE_FLOAT)
		return -1;
	*out = sqlite3_value_double(v);
	return 0;
}

/*
 * haz(sex, age_months, height_cm): the WHO length/height-for-age z-score
 * (who_haz), a real. sex 1 or 2, age in completed months 0..60 (a
 * fraction is dropped). NULL when an argument is NULL or out of range.
 */
static void
fn_haz(sqlite3_context *ctx, int argc, sqlite3_value **argv)
{
	double sex, months, height, z;

	(void)argc;
	if (arg_number(argv[0], &sex) < 0 || arg_number(argv[1], &months) < 0 ||
	    arg_number(argv[2], &height) < 0 || (sex != 1.0 && sex != 2.0) ||
	    !(months >= 0.0 && months < WHO_MAX_MONTHS + 1.0) ||
	    who_haz((int)sex, (int)months, height, &z) < 0) {
		sqlite3_result_null(ctx);
		return;
	}
	sqlite3_result_double(ctx, z);
}

/*
 * The helpers: those with one argument fewer read the clock (age,
 * age_months), as today does, and so do the NIK dates (the century);
 * nik_region_known reads the region table: none of these is
 * deterministic.
 */
static const struct helper {
	const char *name;
	int nargs, flags;
	void (*fn)(sqlite3_context *, int, sqlite3_value **);
} helpers[] = {
	{"age", 1, 0, fn_age},
	{"age", 2, SQLITE_DETERMINISTIC, fn_age},
	{"today", 0, 0, fn_today},
	{"regexp", 2, SQLITE_DETERMINISTIC, fn_regexp},
	{"selected", 2, SQLITE_DETERMINISTIC, fn_selected},
	{"nik_birth_date", 1, 0, fn_nik_birth_date},
	{"nik_sex", 1, 0, fn_nik_sex},
	{"nik_region_known", 1, 0, fn_nik_region_known},
	{"age_months", 1, 0, fn_age_months},
	{"age_months", 2, SQLITE_DETERMINISTIC, fn_age_months},
	{"haz", 3, SQLITE_DETERMINISTIC, fn_haz},
};

int
expr_register_functions(sqlite3 *h, char **err)
{
	size_t i;

	/*
	 * No value of a register is anywhere near 16 MB: a dictionary's
	 * expression that builds a bigger string or blob (printf with a huge
	 * width, zeroblob) fails with "string or blob too big" instead of
	 * allocating up to SQLite's default of 1 GB.
	 */
	sqlite3_limit(h, SQLITE_LIMIT_LENGTH, EXPR_MAX_LENGTH);
	for (i = 0; i < sizeof helpers / sizeof helpers[0]; i++) {
		/* nik_region_known keeps its look-ups per connection */
		struct region_kept *rk = NULL;
		if (helpers[i].fn == fn_nik_region_known) {
			rk = xcalloc(1, sizeof *rk);
			rk->refs = 1; /* no statement kept: not live */
		}
		if (sqlite3_create_function_v2(h, helpers[i].name,
		    helpers[i].nargs, SQLITE_UTF8 | helpers[i].flags, rk,
		    helpers[i].fn, NULL, NULL, rk != NULL ? region_kept_unref :
		    NULL) != SQLITE_OK)
			return util_err(err, "cannot register SQL function "
			    "%s(): %s", helpers[i].name, sqlite3_errmsg(h));
	}
	return 0;
}

/* ---- scanning an expression's text ------------------------------------- */

enum tok_type {
	TK_END,
	TK_NAME,    /* bare identifier or keyword */
	TK_QNAME,   /* "quoted", `quoted` or [quoted] identifier */
	TK_LITERAL, /* string, blob or number */
	TK_VAR,     /* ?, ?NNN, :name, @name, $name, #name */
	TK_LP,
	TK_RP,
	TK_DOT,
	TK_SEMI,
	TK_OTHER,
	TK_BAD
};

struct tok {
	enum tok_type type;
	const char *s;
	size_t n;
};

static int
name_start(unsigned char c)
{
	return c == '_' || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
	    c >= 0x80;
}

static int
name_char(unsigned char c)
{
	return name_start(c) || (c >= '0' && c <= '9') || c == '$';
}

static int
digit(unsigned char c)
{
	return c >= '0' && c <= '9';
}

/* The end of a quoted run starting at s (the quote); NULL if unclosed. */
static const unsigned char *
quoted_end(const unsigned char *s, unsigned char close)
{
	for (s++; *s != '\0'; s++)
		if (*s == close) {
			if (close != ']' && s[1] == close)
				s++;
			else
				return s + 1;
		}
	return NULL;
}

/* The token at *p (advancing it), as SQLite's tokenizer would see it. */
static void
lex(const char **p, struct tok *t, const char **why)
{
	const unsigned char *s = (const unsigned char *)*p, *e;

	for (;;) {
		s += strspn((const char *)s, " \t\r\n\f\v");
		if (s[0] == '-' && s[1] == '-') {
			s += strcspn((const char *)s, "\n");
			continue;
		}
		if (s[0] == '/' && s[1] == '*') {
			const char *end = strstr((const char *)s + 2, "*/");
			if (end == NULL) {
				t->type = TK_BAD;
				*why = "unterminated comment";
				goto out;
			}
			s = (const unsigned char *)end + 2;
			continue;
		}
		break;
	}
	t->s = (const char *)s;
	if (*s == '\0') {
		t->type = TK_END;
	} else if (*s == '\'' || ((*s == 'x' || *s == 'X') && s[1] == '\'')) {
		if ((e = quoted_end(*s == '\'' ? s : s + 1, '\'')) == NULL) {
			t->type = TK_BAD;
			*why = "unterminated string";
			goto out;
		}
		t->type = TK_LITERAL;
		s = e;
	} else if (*s == '"' || *s == '`' || *s == '[') {
		if ((e = quoted_end(s, *s == '[' ? ']' : *s)) == NULL) {
			t->type = TK_BAD;
			*why = "unterminated quoted name";
			goto out;
		}
		t->type = TK_QNAME;
		s = e;
	} else if (name_start(*s)) {
		while (name_char(*s))
			s++;
		t->type = TK_NAME;
	} else if (digit(*s) || (*s == '.' && digit(s[1]))) {
		for (; name_char(*s) || *s == '.'; s++)
			if ((*s == 'e' || *s == 'E') &&
			    (s[1] == '+' || s[1] == '-'))
				s++;
		t->type = TK_LITERAL;
	} else if (*s == '?' || *s == ':' || *s == '@' || *s == '$' ||
	    *s == '#') {
		for (s++; name_char(*s); s++)
			;
		t->type = TK_VAR;
	} else {
		t->type = *s == '(' ? TK_LP : *s == ')' ? TK_RP :
		    *s == '.' ? TK_DOT : *s == ';' ? TK_SEMI : TK_OTHER;
		s++;
	}
out:
	if (t->type == TK_BAD)
		t->s = (const char *)s;
	t->n = (size_t)((const char *)s - t->s);
	*p = (const char *)s;
}

/* The name a TK_NAME or TK_QNAME token stands for (caller frees). */
static char *
tok_name(const struct tok *t)
{
	struct sbuf b = {0};
	size_t i;
	char q;

	if (t->type == TK_NAME)
		return xstrndup(t->s, t->n);
	q = t->s[0] == '[' ? ']' : t->s[0];
	for (i = 1; i + 1 < t->n; i++) {
		sbuf_addc(&b, t->s[i]);
		if (t->s[i] == q && q != ']')
			i++;
	}
	return sbuf_steal(&b);
}

/* Called for each column name: qual is "x" in x.name, else NULL. */
typedef void (*name_fn)(void *arg, const char *qual, const char *name);

/*
 * Check that text is one expression that stays inside the wrapper, and
 * call fn (when not NULL) for every name that may be a column: names
 * followed by '(' are functions and skipped. Keywords come through too;
 * callers match names against fields. Returns 0, or -1 with *err.
 */
static int
scan_expr(const char *text, const char *where, name_fn fn, void *arg,
    char **err)
{
	struct tok *v = NULL;
	size_t n = 0, i;
	const char *p = text, *why = NULL;
	char *q, *nm;
	int depth = 0, rc = -1;

	for (;;) {
		struct tok t;
		lex(&p, &t, &why);
		if (t.type == TK_BAD) {
			*err = xasprintf("syntax error in %s: %s", where, why);
			goto out;
		}
		if (t.type == TK_SEMI) {
			*err = xasprintf("a second statement after ';' in %s "
			    "(an expression is a single SQL expression)",
			    where);
			goto out;
		}
		if (t.type == TK_VAR) {
			*err = xasprintf("parameter '%.*s' in %s (name fields, "
			    "not parameters)", (int)t.n, t.s, where);
			goto out;
		}
		if (t.type == TK_LP)
			depth++;
		if (t.type == TK_RP && --depth < 0)
			break;
		if (t.type == TK_END)
			break;
		v = xreallocarray(v, n + 1, sizeof *v);
		v[n++] = t;
	}
	if (depth != 0) {
		*err = xasprintf("syntax error in %s: unbalanced parentheses",
		    where);
		goto out;
	}
	for (i = 0; fn != NULL && i < n; i++) {
		if (v[i].type != TK_NAME && v[i].type != TK_QNAME)
			continue;
		if (i > 0 && v[i - 1].type == TK_DOT)
			continue; /* the tail of a qualified name, seen below */
		if (v[i].type == TK_NAME && i + 1 < n && v[i + 1].type == TK_LP)
			continue; /* a function */
		nm = tok_name(&v[i]);
		if (i + 2 < n && v[i + 1].type == TK_DOT &&
		    (v[i + 2].type == TK_NAME || v[i + 2].type == TK_QNAME)) {
			q = nm;
			nm = tok_name(&v[i + 2]);
			fn(arg, q, nm);
			free(q);
		} else
			fn(arg, NULL, nm);
		free(nm);
	}
	rc = 0;
out:
	free(v);
	return rc;
}

/* Field index by name, ignoring case as SQLite does; -1 when absent. */
static int
field_ci(const struct sch_record *r, const char *name)
{
	size_t i;
	for (i = 0; i < r->nfields; i++)
		if (strcasecmp(r->fields[i].name, name) == 0)
			return (int)i;
	return -1;
}

/* Collects the fields of a record an expression names (flags[j] = 1). */
struct uses {
	const struct sch_record *def;
	unsigned char *flags;
};

static void
note_use(void *arg, const char *qual, const char *name)
{
	struct uses *u = arg;
	int j;
	if (qual != NULL && strcasecmp(qual, u->def->name) != 0)
		return;
	if ((j = field_ci(u->def, name)) >= 0)
		u->flags[j] = 1;
}

/* The stored fields an expression names, in its record and the parent. */
struct names {
	const struct sch_record *def, *parent;
	unsigned char *flags; /* def->nfields + parent->nfields */
	char *ambiguous;      /* a bare name both have (first one) */
};

static void
note_name(void *arg, const char *qual, const char *name)
{
	struct names *u = arg;
	int j = -1, k = -1;

	if (qual == NULL || strcasecmp(qual, u->def->name) == 0)
		j = field_ci(u->def, name);
	if (u->parent != NULL && (qual == NULL ||
	    strcasecmp(qual, u->parent->name) == 0))
		k = field_ci(u->parent, name);
	if (j >= 0 && !schema_field_stored(&u->def->fields[j]))
		j = -1;
	if (k >= 0 && !schema_field_stored(&u->parent->fields[k]))
		k = -1;
	if (j >= 0)
		u->flags[j] = 1;
	if (k >= 0)
		u->flags[u->def->nfields + (size_t)k] = 1;
	if (qual == NULL && j >= 0 && k >= 0 && u->ambiguous == NULL)
		u->ambiguous = xstrdup(name);
}

/* ---- preparing --------------------------------------------------------- */

struct auth {
	char *why; /* the first refusal */
};

/*
 * While expr_compile runs, its authorizer stays installed on its connection
 * (held, for held_h): installing one expires every statement of the
 * connection, which per expression costs time that grows with their number.
 */
static struct auth *held;
static sqlite3 *held_h;

static int
authorize(void *arg, int action, const char *a1, const char *a2,
    const char *dbname, const char *trigger)
{
	struct auth *au = arg;
	char *msg;
	size_t i;

	(void)dbname;
	(void)trigger;
	switch (action) {
	case SQLITE_SELECT:
		return SQLITE_OK;
	case SQLITE_FUNCTION:
		for (i = 0; a2 != NULL && allowed_functions[i] != NULL; i++)
			if (sqlite3_stricmp(a2, allowed_functions[i]) == 0)
				return SQLITE_OK;
		msg = xasprintf("function '%s' is not allowed",
		    a2 != NULL ? a2 : "?");
		break;
	case SQLITE_READ:
		msg = xasprintf("expression reads table '%s'",
		    a1 != NULL ? a1 : "?");
		break;
	case SQLITE_PRAGMA:
		msg = xasprintf("expression must not use PRAGMA %s",
		    a1 != NULL ? a1 : "");
		break;
	case SQLITE_ATTACH:
	case SQLITE_DETACH:
		msg = xstrdup("expression must not attach databases");
		break;
	case SQLITE_RECURSIVE:
		msg = xstrdup("expression must not use a recursive query");
		break;
	default:
		msg = xstrdup("expression must not write");
		break;
	}
	if (au->why == NULL)
		au->why = msg;
	else
		free(msg);
	return SQLITE_DENY;
}

/* "code, col1, col2" */
static char *
choice_columns(const struct xchoice *ch)
{
	struct sbuf b = {0};
	size_t i;
	sbuf_add(&b, "code");
	for (i = 0; i < ch->ncols; i++)
		sbuf_addf(&b, ", %s", ch->cols[i]);
	return sbuf_steal(&b);
}

static const char *
after(const char *s, const char *prefix)
{
	size_t n = strlen(prefix);
	return strncmp(s, prefix, n) == 0 ? s + n : NULL;
}

/* A message from sqlite3_prepare in the dictionary's words. */
static char *
explain(const char *msg, const char *where, const struct xchoice *ch)
{
	const char *p;
	char *cols, *m;

	if ((p = after(msg, "no such column: ")) != NULL) {
		if (ch == NULL)
			return xasprintf("unknown field '%s' in %s", p, where);
		cols = choice_columns(ch);
		if (strncasecmp(p, "choice.", 7) == 0)
			m = xasprintf("unknown choice column '%s' in %s "
			    "(value set '%s' has columns: %s)", p + 7, where,
			    ch->vs->name, cols);
		else
			m = xasprintf("unknown field or choice column '%s' in "
			    "%s (value set '%s' has columns: %s)", p, where,
			    ch->vs->name, cols);
		free(cols);
		return m;
	}
	if ((p = after(msg, "no such function: ")) != NULL)
		return xasprintf("unknown function '%s' in %s (%s and SQLite's "
		    "core functions)", p, where, HELPERS_HINT);
	if ((p = after(msg, "no such table: ")) != NULL)
		return xasprintf("expression reads table '%s' in %s", p, where);
	if ((p = after(msg, "ambiguous column name: ")) != NULL)
		return xasprintf("field name '%s' is ambiguous in %s: write "
		    "record.%s", p, where, p);
	if (strstr(msg, "syntax error") != NULL ||
	    strstr(msg, "unrecognized token") != NULL ||
	    strstr(msg, "incomplete input") != NULL)
		return xasprintf("syntax error in %s: %s", where, msg);
	return xasprintf("invalid expression in %s: %s", where, msg);
}

/*
 * Prepare sql (built around an expression) under the authorizer. A
 * statement that is not one read-only SELECT of one column with exactly
 * nparams parameters is refused. 0 with *out, or -1 with *err.
 */
static int
prepare_expr(sqlite3 *h, const char *sql, int nparams, const char *where,
    const struct xchoice *ch, sqlite3_stmt **out, char **err)
{
	struct auth au = {NULL};
	sqlite3_stmt *st = NULL;
	const char *tail = NULL;
	char *msg = NULL;
	int rc, dqs = 1, ret = -1, own = held == NULL || held_h != h;

	*out = NULL;
	if (own) {
		sqlite3_db_config(h, SQLITE_DBCONFIG_DQS_DML, -1, &dqs);
		sqlite3_db_config(h, SQLITE_DBCONFIG_DQS_DML, 0, (int *)NULL);
		sqlite3_set_authorizer(h, authorize, &au);
	} else {
		free(held->why);
		held->why = NULL;
	}
	rc = sqlite3_prepare_v3(h, sql, -1, SQLITE_PREPARE_PERSISTENT, &st,
	    &tail);
	if (rc != SQLITE_OK)
		msg = xstrdup(sqlite3_errmsg(h));
	if (own) {
		sqlite3_set_authorizer(h, NULL, NULL);
		sqlite3_db_config(h, SQLITE_DBCONFIG_DQS_DML, dqs, (int *)NULL);
	} else {
		au.why = held->why;
		held->why = NULL;
	}

	if (rc != SQLITE_OK || st == NULL) {
		if (au.why != NULL)
			*err = xasprintf("%s in %s", au.why, where);
		else
			*err = explain(msg != NULL ? msg : "empty expression",
			    where, ch);
		goto out;
	}
	if (tail != NULL && tail[strspn(tail, " \t\r\n\f\v")] != '\0') {
		*err = xasprintf("a second statement after ';' in %s "
		    "(an expression is a single SQL expression)", where);
		goto out;
	}
	if (!sqlite3_stmt_readonly(st)) {
		*err = xasprintf("expression must not write in %s", where);
		goto out;
	}
	if (sqlite3_column_count(st) != 1 ||
	    sqlite3_bind_parameter_count(st) != nparams) {
		*err = xasprintf("invalid expression in %s: not a single value",
		    where);
		goto out;
	}
	*out = st;
	st = NULL;
	ret = 0;
out:
	sqlite3_finalize(st);
	free(msg);
	free(au.why);
	return ret;
}

/* (SELECT ?p AS "f1", ...) AS "name" for the stored fields of r. */
static void
sql_record(struct sbuf *b, const struct sch_record *r, int *param)
{
	size_t j;
	int any = 0;

	sbuf_add(b, "(SELECT ");
	for (j = 0; j < r->nfields; j++) {
		if (!schema_field_stored(&r->fields[j]))
			continue;
		sbuf_addf(b, "%s?%d AS ", any ? ", " : "", (*param)++);
		sbuf_add_ident(b, r->fields[j].name);
		any = 1;
	}
	if (!any)
		sbuf_add(b, "1");
	sbuf_add(b, ") AS ");
	sbuf_add_ident(b, r->name);
}

/*
 * (SELECT ?p AS "f", ...) AS "record" with the stored fields of r that
 * used flags (from offset in b's field numbering), each recorded in b.
 */
static void
sql_used(struct sbuf *s, const struct sch_record *r, const unsigned char *used,
    size_t offset, struct xbind *b, int *param)
{
	size_t j;
	int any = 0;

	sbuf_add(s, "(SELECT ");
	for (j = 0; j < r->nfields; j++) {
		if (!used[j] || !schema_field_stored(&r->fields[j]))
			continue;
		b->field[b->n] = offset + j;
		b->param[b->n++] = *param;
		sbuf_addf(s, "%s?%d AS ", any ? ", " : "", (*param)++);
		sbuf_add_ident(s, r->fields[j].name);
		any = 1;
	}
	if (!any)
		sbuf_add(s, "1");
	sbuf_add(s, ") AS ");
	sbuf_add_ident(s, r->name);
}

/* (SELECT ?p AS "code", ?p+1 AS "col", ...) AS "choice" */
static void
sql_choice(struct sbuf *b, const struct xchoice *ch, int *param)
{
	size_t i;

	sbuf_addf(b, "(SELECT ?%d AS \"code\"", (*param)++);
	for (i = 0; i < ch->ncols; i++) {
		sbuf_addf(b, ", ?%d AS ", (*param)++);
		sbuf_add_ident(b, ch->cols[i]);
	}
	sbuf_add(b, ") AS \"choice\"");
}

/*
 * Compile expression e of record xr (with the choice subquery when ch is
 * not NULL); b gets the fields to bind. Only the stored fields that E
 * names are columns of the wrapper (a name that is no field stays "no
 * such column"), and a roster row's parent is the outer query of a scalar
 * subquery rather than a join, so that SQLite evaluates both as
 * co-routines, without a temporary table, and each evaluation binds a
 * few values instead of every field of both records. A bare name of a
 * field of both is refused as before (the join called it ambiguous).
 * Problems are reported at e's place; returns NULL then.
 */
/*
 * 0 when expression text t calls a function whose result depends on the
 * day or on the database (today, age, the NIK helpers, SQLite's date and
 * time functions and CURRENT_*: their results are not memoised), else 1.
 * Conservative: such a name followed by '(' anywhere outside a string
 * counts.
 */
static int
text_deterministic(const char *t)
{
	static const char *const nondet[] = {
		"today", "age", "age_months", "nik_birth_date", "nik_sex",
		"nik_region_known", "date", "time", "datetime", "julianday",
		"strftime", "unixepoch", NULL
	};
	const unsigned char *p = (const unsigned char *)t, *q;
	size_t i, n;

	while (*p != '\0') {
		if (*p == '\'') {
			for (p++; *p != '\0' && *p != '\''; p++)
				;
			if (*p != '\0')
				p++;
			continue;
		}
		if (!name_start(*p)) {
			p++;
			continue;
		}
		for (q = p; name_char(*q); q++)
			;
		n = (size_t)(q - p);
		/* CURRENT_DATE, CURRENT_TIME, CURRENT_TIMESTAMP */
		if (n >= 12 && strncasecmp((const char *)p, "current_", 8) ==
		    0)
			return 0;
		while (*q == ' ' || *q == '\t' || *q == '\n' || *q == '\r')
			q++;
		if (*q == '(')
			for (i = 0; nondet[i] != NULL; i++)
				if (strlen(nondet[i]) == n &&
				    strncasecmp((const char *)p, nondet[i],
				    n) == 0)
					return 0;
		p += n;
	}
	return 1;
}

static sqlite3_stmt *
compile_expr(struct cctx *c, const struct xrec *xr, const struct sch_expr *e,
    const char *where, const struct xchoice *ch, struct xbind *b)
{
	size_t nf = xr->def->nfields;
	size_t np = xr->parent != NULL ? xr->parent->nfields : 0;
	struct names u = {xr->def, xr->parent, NULL, NULL};
	struct sbuf sql = {0};
	sqlite3_stmt *st = NULL;
	char *err = NULL;
	int param = 1;

	u.flags = xcalloc(nf + np + 1, 1);
	b->field = xcalloc(nf + np + 1, sizeof *b->field);
	b->param = xcalloc(nf + np + 1, sizeof *b->param);
	b->n = 0;
	if (scan_expr(e->text, where, note_name, &u, &err) < 0)
		goto out;
	if (u.ambiguous != NULL) {
		err = xasprintf("field name '%s' is ambiguous in %s: write "
		    "record.%s", u.ambiguous, where, u.ambiguous);
		goto out;
	}
	if (ch != NULL) /* the choice is the outer scope: see the top */
		sbuf_add(&sql, "SELECT (");
	if (xr->parent != NULL) /* the parent next: a correlated subquery */
		sbuf_add(&sql, "SELECT (");
	sbuf_addf(&sql, "SELECT (\n%s\n) FROM ", e->text);
	sql_used(&sql, xr->def, u.flags, 0, b, &param);
	if (xr->parent != NULL) {
		sbuf_add(&sql, ") FROM ");
		sql_used(&sql, xr->parent, u.flags + nf, nf, b, &param);
	}
	if (ch != NULL) {
		sbuf_add(&sql, ") FROM ");
		sql_choice(&sql, ch, &param);
	}
	prepare_expr(c->x->h, sql.s, param - 1, where, ch, &st, &err);
out:
	if (err != NULL) {
		report(c, e->line, e->col, "%s", err);
		free(err);
	}
	free(u.flags);
	free(u.ambiguous);
	sbuf_free(&sql);
	return st;
}

/*
 * The stored parent fields roster rule text may name (any name of one,
 * bare or qualified by the parent; a bare name the roster also has names
 * the roster's, and binding the parent's too changes nothing): only
 * those are bound for each evaluation, not the parent's whole record
 * (rr->psome). When the names cannot be read, all of them.
 */
static void
roster_parent_cols(const struct xrec *xr, struct xroster *rr,
    const char *text, const char *where)
{
	size_t nf = xr->def->nfields, np, i;
	struct names u = {xr->def, xr->parent, NULL, NULL};
	char *err = NULL;

	rr->psome = 0;
	if (xr->parent == NULL)
		return;
	np = xr->parent->nfields;
	u.flags = xcalloc(nf + np + 1, 1);
	if (scan_expr(text, where, note_name, &u, &err) == 0) {
		rr->pcols = xcalloc(np + 1, sizeof *rr->pcols);
		for (i = 0; i < np; i++)
			if (u.flags[nf + i])
				rr->pcols[rr->npcols++] = i;
		rr->psome = 1;
	}
	free(err);
	free(u.flags);
	free(u.ambiguous);
}

/* The SQL of roster rule k over n rows; *nparams gets its parameters. */
static char *
roster_sql(const struct xrec *xr, size_t k, size_t n, int *nparams)
{
	const struct xroster *rr = &xr->rr[k];
	struct sbuf b = {0};
	size_t i, c;
	int param = 1;

	/* The parent, when there is one, is the outer query: an aggregate
	 * over no rows must still see the parent's values. */
	sbuf_addf(&b, "%sSELECT (\n%s\n) FROM (SELECT ",
	    xr->parent != NULL ? "SELECT (" : "",
	    xr->def->roster_rules[k].check.text);
	for (c = 0; c < rr->ncols; c++) {
		if (n == 0)
			sbuf_add(&b, c > 0 ? ", NULL" : "NULL");
		else
			sbuf_addf(&b, "%scolumn%zu", c > 0 ? ", " : "", c + 1);
		sbuf_add(&b, " AS ");
		sbuf_add_ident(&b, xr->def->fields[rr->cols[c]].name);
	}
	if (rr->ncols == 0)
		sbuf_add(&b, "1");
	if (n == 0)
		sbuf_add(&b, " WHERE 0");
	else {
		sbuf_add(&b, " FROM (VALUES ");
		for (i = 0; i < n; i++) {
			sbuf_add(&b, i > 0 ? ", (" : "(");
			for (c = 0; c < rr->ncols; c++)
				sbuf_addf(&b, "%s?%d", c > 0 ? ", " : "",
				    param++);
			if (rr->ncols == 0)
				sbuf_add(&b, "0");
			sbuf_add(&b, ")");
		}
		sbuf_add(&b, ")");
	}
	sbuf_add(&b, ") AS ");
	sbuf_add_ident(&b, xr->def->name);
	if (xr->parent != NULL && !rr->psome) {
		sbuf_add(&b, ") FROM ");
		sql_record(&b, xr->parent, &param);
	} else if (xr->parent != NULL) {
		/* only the parent's fields the rule may name */
		sbuf_add(&b, ") FROM (SELECT ");
		for (c = 0; c < rr->npcols; c++) {
			sbuf_addf(&b, "%s?%d AS ", c > 0 ? ", " : "", param++);
			sbuf_add_ident(&b, xr->parent->fields[rr->pcols[c]].name);
		}
		if (rr->npcols == 0)
			sbuf_add(&b, "1");
		sbuf_add(&b, ") AS ");
		sbuf_add_ident(&b, xr->parent->name);
	}
	*nparams = param - 1;
	return sbuf_steal(&b);
}

/* Prepare roster rule k for n rows into xr->rr[k]. 0, or -1 with *err. */
static int
roster_prepare(sqlite3 *h, struct xrec *xr, size_t k, size_t n, char **err)
{
	struct xroster *rr = &xr->rr[k];
	char *sql, *where;
	int nparams, rc;

	if (rr->st != NULL && (rr->n >= XR_KEEP || rr->byn[rr->n] != rr->st))
		sqlite3_finalize(rr->st);
	rr->st = NULL;
	if (rr->ncols > 0 && n > (size_t)INT32_MAX / 2 / rr->ncols)
		return util_err(err, "too many roster rows");
	sql = roster_sql(xr, k, n, &nparams);
	where = xasprintf("roster rule '%s'", xr->def->roster_rules[k].name);
	rc = prepare_expr(h, sql, nparams, where, NULL, &rr->st, err);
	rr->n = n;
	if (rc == 0 && n < XR_KEEP)
		rr->byn[n] = rr->st;
	free(where);
	free(sql);
	return rc;
}

/* ---- compiling a record ------------------------------------------------- */

static const struct sch_expr *
field_expr(const struct sch_field *f, int kind)
{
	switch (kind) {
	case XK_RELEVANT:
		return &f->relevant;
	case XK_REQUIRED:
		return &f->required_if;
	case XK_CONSTRAINT:
		return &f->constraint;
	case XK_CALCULATION:
		return &f->calculation;
	default:
		return &f->choice_filter;
	}
}

/* The columns of f's value set, for its choice_filter. */
static void
choice_init(struct xchoice *ch, const struct sch_valueset *vs)
{
	size_t i, j, k;

	ch->vs = vs;
	for (i = 0; i < vs->nchoices; i++)
		for (j = 0; j < vs->choices[i].nattrs; j++) {
			const char *a = vs->choices[i].attr_names[j];
			for (k = 0; k < ch->ncols; k++)
				if (strcmp(ch->cols[k], a) == 0)
					break;
			if (k < ch->ncols)
				continue;
			ch->cols = xreallocarray(ch->cols, ch->ncols + 1,
			    sizeof *ch->cols);
			ch->cols[ch->ncols++] = a;
		}
}

/* Depth-first walk over "calculation i uses calculation j". */
struct corder {
	struct cctx *c;
	const struct sch_record *def;
	const unsigned char *uses; /* nfields * nfields */
	unsigned char *state;      /* 0 new, 1 on the path, 2 done */
	size_t *path, depth;
	size_t *order, n;
};

static void
corder_visit(struct corder *o, size_t i)
{
	size_t nf = o->def->nfields, j, k;
	struct sbuf b = {0};

	o->state[i] = 1;
	o->path[o->depth++] = i;
	for (j = 0; j < nf; j++) {
		if (!o->uses[i * nf + j])
			continue;
		if (o->state[j] == 0)
			corder_visit(o, j);
		else if (o->state[j] == 1) {
			for (k = 0; o->path[k] != j; k++)
				;
			for (; k < o->depth; k++)
				sbuf_addf(&b, "%s -> ",
				    o->def->fields[o->path[k]].name);
			sbuf_add(&b, o->def->fields[j].name);
			report(o->c, o->def->fields[j].calculation.line,
			    o->def->fields[j].calculation.col,
			    "calculations form a cycle: %s", b.s);
			sbuf_free(&b);
		}
	}
	o->depth--;
	o->state[i] = 2;
	o->order[o->n++] = i;
}

/* Order xr's calculations, dependencies first; report every cycle. */
static void
order_calculations(struct cctx *c, struct xrec *xr)
{
	const struct sch_record *def = xr->def;
	size_t nf = def->nfields, i, j;
	unsigned char *uses = xcalloc(nf * nf, 1);
	struct corder o = {c, def, uses, NULL, NULL, 0, NULL, 0};
	struct uses u;

	for (i = 0; i < nf; i++) {
		char *err = NULL;
		if (def->fields[i].calculation.text == NULL)
			continue;
		u.def = def;
		u.flags = uses + i * nf;
		if (scan_expr(def->fields[i].calculation.text, "", note_use,
		    &u, &err) < 0)
			free(err); /* reported when it was compiled */
		for (j = 0; j < nf; j++)
			if (def->fields[j].calculation.text == NULL)
				u.flags[j] = 0;
	}
	o.state = xcalloc(nf, 1);
	o.path = xcalloc(nf, sizeof *o.path);
	o.order = xcalloc(nf, sizeof *o.order);
	for (i = 0; i < nf; i++)
		if (def->fields[i].calculation.text != NULL && o.state[i] == 0)
			corder_visit(&o, i);
	xr->calc = o.order;
	xr->ncalc = o.n;
	free(o.state);
	free(o.path);
	free(uses);
}

/* 1 for the kinds evaluated for a truth (eval_truth): not a value, a choice. */
static int
truth_kind(int kind)
{
	return kind == XK_RELEVANT || kind == XK_REQUIRED ||
	    kind == XK_CONSTRAINT;
}

/* 1 when statements a and b bind the same fields at the same places. */
static int
same_bind(const struct xbind *a, const struct xbind *b)
{
	size_t i;
	if (a->n != b->n)
		return 0;
	for (i = 0; i < a->n; i++)
		if (a->field[i] != b->field[i] || a->param[i] != b->param[i])
			return 0;
	return 1;
}

/*
 * Field expressions of the same SQL text binding the same fields give
 * the same result for the same record (groups of fields share one
 * relevance, e.g.): each uses the memo of the first of them (fshare), so
 * that a record asks each distinct expression once. Only deterministic
 * ones, and a truth only with truths, a calculation with calculations
 * (the memo keeps one or the other); choice filters are not memoised.
 */
static void
share_memos(struct xrec *xr)
{
	size_t n = xr->def->nfields * XK_NKINDS, k, j;

	xr->fshare = xcalloc(n, sizeof *xr->fshare);
	for (k = 0; k < n; k++) {
		int kind = (int)(k % XK_NKINDS);
		xr->fshare[k] = k;
		if (xr->fst[k] == NULL || !xr->fmemo[k].det)
			continue;
		for (j = 0; j < k; j++) {
			int jk = (int)(j % XK_NKINDS);
			if (xr->fshare[j] != j || xr->fst[j] == NULL ||
			    !xr->fmemo[j].det)
				continue;
			if (truth_kind(kind) ? !truth_kind(jk) :
			    kind != XK_CALCULATION || jk != XK_CALCULATION)
				continue;
			if (same_bind(&xr->fbind[j], &xr->fbind[k]) &&
			    strcmp(sqlite3_sql(xr->fst[j]),
			    sqlite3_sql(xr->fst[k])) == 0) {
				xr->fshare[k] = j;
				break;
			}
		}
	}
}

static void
compile_record(struct cctx *c, struct xrec *xr, const struct sch_record *def)
{
	const struct schema *s = c->x->s;
	size_t i, k, nf = def->nfields;
	char *where;

	xr->def = def;
	xr->parent = def->parent != NULL ? schema_record(s, def->parent) : NULL;
	if (xr->parent == def)
		xr->parent = NULL;
	xr->fmemo = xcalloc(nf * XK_NKINDS, sizeof *xr->fmemo);
	xr->rmemo = xcalloc(def->nrules, sizeof *xr->rmemo);
	xr->fst = xcalloc(nf * XK_NKINDS, sizeof *xr->fst);
	xr->fbind = xcalloc(nf * XK_NKINDS, sizeof *xr->fbind);
	xr->rbind = xcalloc(def->nrules, sizeof *xr->rbind);
	xr->ch = xcalloc(nf, sizeof *xr->ch);
	xr->rules = xcalloc(def->nrules, sizeof *xr->rules);
	xr->rr = xcalloc(def->nroster_rules, sizeof *xr->rr);

	for (i = 0; i < nf; i++) {
		const struct sch_field *f = &def->fields[i];
		for (k = 0; k < XK_NKINDS; k++) {
			const struct sch_expr *e = field_expr(f, (int)k);
			const struct xchoice *ch = NULL;
			if (e->text == NULL)
				continue;
			where = xasprintf("%s of field '%s'", kind_names[k],
			    f->name);
			if (k == XK_CHOICE) {
				if (!schema_field_has_choices(f) ||
				    f->vs == NULL) {
					report(c, e->line, e->col, "%s: "
					    "choice_filter is for select_one "
					    "and select_multiple fields with "
					    "values", where);
					free(where);
					continue;
				}
				choice_init(&xr->ch[i], f->vs);
				ch = &xr->ch[i];
			}
			xr->fst[i * XK_NKINDS + k] = compile_expr(c, xr, e,
			    where, ch, &xr->fbind[i * XK_NKINDS + k]);
			xr->fmemo[i * XK_NKINDS + k].det = k != XK_CHOICE &&
			    text_deterministic(e->text);
			xr->fmemo[i * XK_NKINDS + k].pure =
			    xr->fmemo[i * XK_NKINDS + k].det;
			free(where);
		}
	}
	share_memos(xr);
	for (k = 0; k < def->nrules; k++) {
		where = xasprintf("rule '%s'", def->rules[k].name);
		if (def->rules[k].check.text != NULL)
			xr->rules[k] = compile_expr(c, xr, &def->rules[k].check,
			    where, NULL, &xr->rbind[k]);
		xr->rmemo[k].det = def->rules[k].check.text != NULL &&
		    text_deterministic(def->rules[k].check.text);
		free(where);
	}
	/* Search filters: checked here, run by the search over the record's
	 * own table (so they name the record's fields only). */
	for (k = 0; k < def->nfilters; k++) {
		struct xrec own = *xr;
		struct xbind fb = {0};
		sqlite3_stmt *st;
		own.parent = NULL;
		where = xasprintf("filter '%s'", def->filters[k].name);
		if (def->filters[k].where.text != NULL) {
			st = compile_expr(c, &own, &def->filters[k].where,
			    where, NULL, &fb);
			sqlite3_finalize(st);
			free(fb.field);
			free(fb.param);
		}
		free(where);
	}
	for (k = 0; k < def->nroster_rules; k++) {
		const struct sch_expr *e = &def->roster_rules[k].check;
		struct xroster *rr = &xr->rr[k];
		unsigned char *used = xcalloc(nf, 1);
		struct uses u = {def, used};
		char *err = NULL;

		where = xasprintf("roster rule '%s'",
		    def->roster_rules[k].name);
		if (e->text != NULL &&
		    scan_expr(e->text, where, note_use, &u, &err) == 0) {
			rr->cols = xcalloc(nf, sizeof *rr->cols);
			for (i = 0; i < nf; i++)
				if (used[i] &&
				    schema_field_stored(&def->fields[i]))
					rr->cols[rr->ncols++] = i;
			roster_parent_cols(xr, rr, e->text, where);
			/* checked for one row; re-prepared for each count */
			roster_prepare(c->x->h, xr, k, 1, &err);
		}
		if (err != NULL) {
			report(c, e->line, e->col, "%s", err);
			free(err);
		}
		free(used);
		free(where);
	}
	order_calculations(c, xr);
}

struct expr_set *
expr_compile(sqlite3 *h, const struct schema *s, struct diags *d)
{
	struct expr_set *x = xcalloc(1, sizeof *x);
	struct cctx c = {x, d, 0};
	char *err = NULL;
	size_t i;

	x->h = h;
	x->s = s;
	if (expr_register_functions(h, &err) < 0) {
		report(&c, 0, 0, "%s", err);
		free(err);
	} else {
		struct auth au = {NULL};
		int dqs = 1;

		x->region = xcalloc(1, sizeof *x->region);
		x->region->live = 1;
		x->region->refs = 2;
		if (sqlite3_create_function_v2(h, "nik_region_known", 1,
		    SQLITE_UTF8, x->region, fn_nik_region_known, NULL, NULL,
		    region_kept_unref) != SQLITE_OK)
			x->region->live = 0; /* the plain one stays */

		x->nrec = s->nrecords;
		x->rec = xcalloc(s->nrecords, sizeof *x->rec);
		/* the authorizer and no double-quoted strings for the whole
		 * compilation (see held) */
		sqlite3_db_config(h, SQLITE_DBCONFIG_DQS_DML, -1, &dqs);
		sqlite3_db_config(h, SQLITE_DBCONFIG_DQS_DML, 0, (int *)NULL);
		sqlite3_set_authorizer(h, authorize, &au);
		held = &au;
		held_h = h;
		for (i = 0; i < s->nrecords; i++)
			compile_record(&c, &x->rec[i], &s->records[i]);
		held = NULL;
		held_h = NULL;
		sqlite3_set_authorizer(h, NULL, NULL);
		sqlite3_db_config(h, SQLITE_DBCONFIG_DQS_DML, dqs, (int *)NULL);
		free(au.why);
	}
	if (c.nerr > 0) {
		expr_free(x);
		return NULL;
	}
	return x;
}

void
expr_free(struct expr_set *x)
{
	size_t i, k;

	if (x == NULL)
		return;
	if (x->region != NULL) {
		sqlite3_finalize(x->region->st);
		x->region->st = NULL;
		x->region->live = 0;
		region_kept_unref(x->region);
	}
	for (i = 0; i < x->nrec; i++) {
		struct xrec *xr = &x->rec[i];
		if (xr->def == NULL)
			continue;
		for (k = 0; k < xr->def->nfields * XK_NKINDS; k++)
			memo_clear(&xr->fmemo[k], xr->fbind[k].n);
		for (k = 0; k < xr->def->nrules; k++)
			memo_clear(&xr->rmemo[k], xr->rbind[k].n);
		free(xr->fmemo);
		free(xr->rmemo);
		free(xr->fshare);
		free(xr->rel);
		free(xr->fver);
		free(xr->before);
		free(xr->saved);
		free(xr->aseen);
		free(xr->aval);
		for (k = 0; k < xr->def->nfields * XK_NKINDS; k++) {
			sqlite3_finalize(xr->fst[k]);
			free(xr->fbind[k].field);
			free(xr->fbind[k].param);
		}
		for (k = 0; k < xr->def->nfields; k++)
			free(xr->ch[k].cols);
		for (k = 0; k < xr->def->nrules; k++) {
			sqlite3_finalize(xr->rules[k]);
			free(xr->rbind[k].field);
			free(xr->rbind[k].param);
		}
		for (k = 0; k < xr->def->nroster_rules; k++) {
			struct xroster *rr = &xr->rr[k];
			size_t j;
			if (rr->st != NULL && (rr->n >= XR_KEEP ||
			    rr->byn[rr->n] != rr->st))
				sqlite3_finalize(rr->st);
			for (j = 0; j < XR_KEEP; j++)
				sqlite3_finalize(rr->byn[j]);
			free(xr->rr[k].cols);
			free(xr->rr[k].pcols);
		}
		free(xr->fst);
		free(xr->fbind);
		free(xr->rbind);
		free(xr->ch);
		free(xr->rules);
		free(xr->rr);
		free(xr->calc);
	}
	free(x->rec);
	free(x);
}

int
expr_check_schema(const struct schema *s, struct diags *d)
{
	struct expr_set *x;
	sqlite3 *h = NULL;

	if (sqlite3_open_v2(":memory:", &h, SQLITE_OPEN_READWRITE |
	    SQLITE_OPEN_CREATE, NULL) != SQLITE_OK) {
		diags_add(d, s->file, 0, 0, "cannot open SQLite in memory: %s",
		    h != NULL ? sqlite3_errmsg(h) : "out of memory");
		sqlite3_close(h);
		return -1;
	}
	x = expr_compile(h, s, d);
	expr_free(x);
	sqlite3_close(h);
	return x != NULL ? 0 : -1;
}

/* ---- evaluating ---------------------------------------------------------- */

/* [+-]digits that fit in 64 bits. */
static int
looks_integer(const char *s, long long *v)
{
	char *end;
	const char *p = s + (*s == '-' || *s == '+');
	if (!digit((unsigned char)*p) || p[strspn(p, "0123456789")] != '\0')
		return 0;
	errno = 0;
	*v = strtoll(s, &end, 10);
	return errno == 0 && *end == '\0';
}

/* A decimal number: [+-]digits[.digits][e[+-]digits] (or .digits). */
static int
looks_real(const char *s, double *v)
{
	const char *p = s + (*s == '-' || *s == '+');
	size_t a = strspn(p, "0123456789"), b = 0;
	char *end;

	p += a;
	if (*p == '.') {
		b = strspn(p + 1, "0123456789");
		p += 1 + b;
	}
	if (a + b == 0)
		return 0;
	if (*p == 'e' || *p == 'E') {
		p += 1 + (p[1] == '-' || p[1] == '+');
		if (!digit((unsigned char)*p))
			return 0;
		p += strspn(p, "0123456789");
	}
	if (*p != '\0')
		return 0;
	*v = strtod(s, &end);
	return *end == '\0';
}

/* Bind stored text v as a value of SQL column type sqltype. */
static void
bind_value(sqlite3_stmt *st, int i, const char *sqltype, const char *v)
{
	long long n;
	double d;

	if (v == NULL)
		sqlite3_bind_null(st, i);
	else if (strcmp(sqltype, "TEXT") == 0)
		sqlite3_bind_text(st, i, v, -1, SQLITE_STATIC);
	else if (strcmp(sqltype, "REAL") != 0 && looks_integer(v, &n))
		sqlite3_bind_int64(st, i, n);
	else if (looks_real(v, &d))
		sqlite3_bind_double(st, i, d);
	else /* not a number after all: as SQLite would keep it */
		sqlite3_bind_text(st, i, v, -1, SQLITE_STATIC);
}

/* Bind def's stored fields from r (NULLs when r is NULL) from ?first. */
static int
bind_record(sqlite3_stmt *st, int first, const struct sch_record *def,
    const struct record *r)
{
	size_t j;
	for (j = 0; j < def->nfields; j++) {
		if (!schema_field_stored(&def->fields[j]))
			continue;
		bind_value(st, first++, schema_field_sql_type(&def->fields[j]),
		    r != NULL ? r->val[j] : NULL);
	}
	return first;
}

static void
bind_choice(sqlite3_stmt *st, int first, const struct xchoice *ch,
    const struct sch_choice *c)
{
	size_t i, j;
	const char *v;

	bind_value(st, first++, ch->vs->numeric ? "INTEGER" : "TEXT", c->code);
	for (i = 0; i < ch->ncols; i++) {
		v = NULL;
		for (j = 0; j < c->nattrs; j++)
			if (strcmp(c->attr_names[j], ch->cols[i]) == 0)
				v = c->attr_values[j];
		bind_value(st, first++, "ANY", v);
	}
}

static struct xrec *
xrec_of(struct expr_set *x, const struct sch_record *def)
{
	size_t i;
	if (x == NULL || def == NULL)
		return NULL;
	for (i = 0; i < x->nrec; i++)
		if (x->rec[i].def == def)
			return &x->rec[i];
	return NULL;
}

/* Bind the fields b lists from r (and parent; NULLs when absent). */
static void
bind_used(sqlite3_stmt *st, const struct xbind *b, const struct xrec *xr,
    const struct record *r, const struct record *parent)
{
	size_t i, f, nf = xr->def->nfields;
	const struct sch_field *fd;
	const char *v;

	for (i = 0; i < b->n; i++) {
		f = b->field[i];
		if (f < nf) {
			fd = &xr->def->fields[f];
			v = r != NULL ? r->val[f] : NULL;
		} else {
			fd = &xr->parent->fields[f - nf];
			v = parent != NULL ? parent->val[f - nf] : NULL;
		}
		bind_value(st, b->param[i], schema_field_sql_type(fd), v);
	}
}

/* The parent record to bind: NULL unless it is of the expected type. */
static const struct record *
parent_of(const struct xrec *xr, const struct record *parent)
{
	return xr->parent != NULL && parent != NULL &&
	    parent->def == xr->parent ? parent : NULL;
}

/* The statement of a field expression with r's values bound, or NULL. */
static sqlite3_stmt *
field_bound(struct expr_set *x, const struct record *r,
    const struct record *parent, size_t field, int kind,
    const struct sch_choice *c)
{
	struct xrec *xr = r != NULL ? xrec_of(x, r->def) : NULL;
	const struct xbind *b;
	sqlite3_stmt *st;

	if (xr == NULL || field >= xr->def->nfields ||
	    (st = xr->fst[field * XK_NKINDS + kind]) == NULL)
		return NULL;
	b = &xr->fbind[field * XK_NKINDS + kind];
	bind_used(st, b, xr, r, parent_of(xr, parent));
	if (kind == XK_CHOICE)
		bind_choice(st, (int)b->n + 1, &xr->ch[field], c);
	return st;
}

enum { EV_ERROR = -1, EV_FALSE = 0, EV_TRUE = 1, EV_NULL = 2 };

/* The value bind_used binds for field f of b (the parent's beyond nf). */
static const char *
bound_value(const struct xrec *xr, size_t f, const struct record *r,
    const struct record *parent)
{
	size_t nf = xr->def->nfields;
	if (f < nf)
		return r != NULL ? r->val[f] : NULL;
	return parent != NULL ? parent->val[f - nf] : NULL;
}

static void
ent_clear(struct xmemo_ent *e, size_t n)
{
	(void)n; /* the values are in one place */
	free(e->vals);
	e->cap = 0;
	free(e->value);
	e->vals = NULL;
	e->value = NULL;
	e->have = 0;
}

static void
memo_clear(struct xmemo *m, size_t n)
{
	size_t i;
	if (m->ent != NULL)
		for (i = 0; i < m->nways; i++)
			ent_clear(&m->ent[i], n);
	free(m->ent);
	m->ent = NULL;
	m->nways = 0;
	m->last = 0;
}

/* 1 when e holds the result for the values b binds from r and parent. */
static int
ent_same(const struct xmemo_ent *e, const struct xbind *b,
    const struct xrec *xr, const struct record *r,
    const struct record *parent)
{
	const char *v, *p = e->vals;
	size_t i;

	if (!e->have)
		return 0;
	for (i = 0; i < b->n; i++) {
		v = bound_value(xr, b->field[i], r, parent);
		if (*p++ != (v != NULL))
			return 0;
		if (v == NULL)
			continue;
		if (strcmp(v, p) != 0)
			return 0;
		p += strlen(p) + 1;
	}
	return 1;
}

/*
 * The entry of m for the values b binds from r and parent (NULL when m
 * is not memoised); *hit = 1 when it holds their result.
 */
static struct xmemo_ent *
memo_find(struct xmemo *m, const struct xbind *b, const struct xrec *xr,
    const struct record *r, const struct record *parent, int *hit)
{
	uint64_t h = UTIL_FNV_INIT;
	struct xmemo_ent *e;
	const char *v;
	size_t i;

	*hit = 0;
	if (!m->det)
		return NULL;
	if (++m->nlook == XMEMO_TRIAL && m->nhit < XMEMO_TRIAL / XMEMO_MIN) {
		memo_clear(m, b->n);
		m->det = 0;
		return NULL;
	}
	/* the hash first: an entry of another hash is not compared (its
	 * values are not read) */
	for (i = 0; i < b->n; i++) {
		v = bound_value(xr, b->field[i], r, parent);
		/* NULL and "" apart: NUL ends a value, 1 marks NULL */
		h = v != NULL ? util_fnv1a(h, v, strlen(v) + 1) :
		    util_fnv1a(h, "\1", 1);
	}
	if (m->ent != NULL && m->ent[m->last].h == h &&
	    ent_same(&m->ent[m->last], b, xr, r, parent)) {
		*hit = 1;
		m->nhit++;
		return &m->ent[m->last];
	}
	if (m->ent != NULL && m->nways < XMEMO_WAYS && m->nlook >= XMEMO_GROW)
		memo_clear(m, b->n); /* a busy statement: more places */
	if (m->ent == NULL) {
		m->nways = m->nlook >= XMEMO_GROW ? XMEMO_WAYS : XMEMO_FIRST;
		m->ent = xcalloc(m->nways, sizeof *m->ent);
	}
	m->last = (unsigned)((h ^ (h >> 29)) & (m->nways - 1));
	e = &m->ent[m->last];
	if (e->h != h || !ent_same(e, b, xr, r, parent)) {
		/* the place is memo_keep's now: empty until it keeps */
		e->h = h;
		e->have = 0;
		return e;
	}
	*hit = 1;
	m->nhit++;
	return e;
}

/* Keep in e the values b binds (the result is set by the caller). */
static void
memo_keep(struct xmemo_ent *e, const struct xbind *b, const struct xrec *xr,
    const struct record *r, const struct record *parent)
{
	size_t i, len, need = 0;
	const char *v;
	char *p;

	/* the entry's place again (memo_find set its hash); its values
	 * copied one after the other */
	free(e->value);
	e->value = NULL;
	for (i = 0; i < b->n; i++)
		if ((v = bound_value(xr, b->field[i], r, parent)) != NULL)
			need += strlen(v) + 1;
	need += b->n;
	if (need > e->cap) {
		free(e->vals);
		e->cap = need < 64 ? 64 : (unsigned)need;
		e->vals = xmalloc(e->cap);
	}
	for (i = 0, p = e->vals; i < b->n; i++) {
		v = bound_value(xr, b->field[i], r, parent);
		*p++ = v != NULL;
		if (v == NULL)
			continue;
		len = strlen(v) + 1;
		memcpy(p, v, len);
		p += len;
	}
	e->have = 1;
}

/* Step a bound statement for its truth; resets it. */
static int
eval_truth(sqlite3_stmt *st)
{
	int v;

	if (sqlite3_step(st) != SQLITE_ROW)
		v = EV_ERROR;
	else if (sqlite3_column_type(st, 0) == SQLITE_NULL)
		v = EV_NULL;
	else
		v = sqlite3_column_double(st, 0) != 0.0 ? EV_TRUE : EV_FALSE;
	sqlite3_reset(st);
	sqlite3_clear_bindings(st);
	return v;
}

/* Step a bound statement for its value in stored text form; resets it. */
static int
eval_value(sqlite3_stmt *st, char **out)
{
	char buf[64];
	int rc = 0;

	*out = NULL;
	if (sqlite3_step(st) != SQLITE_ROW)
		rc = -1;
	else
		switch (sqlite3_column_type(st, 0)) {
		case SQLITE_NULL:
			break;
		case SQLITE_INTEGER: {
			/* "%lld" without printf (a calculation per row) */
			sqlite3_int64 i = sqlite3_column_int64(st, 0);
			unsigned long long u = i < 0 ?
			    0ULL - (unsigned long long)i :
			    (unsigned long long)i;
			char *p = buf + sizeof buf - 1;
			*p = '\0';
			do {
				*--p = (char)('0' + u % 10);
				u /= 10;
			} while (u > 0);
			if (i < 0)
				*--p = '-';
			*out = xstrdup(p);
			break;
		}
		case SQLITE_FLOAT:
			util_fmt_double(sqlite3_column_double(st, 0), buf,
			    sizeof buf);
			*out = xstrdup(buf);
			break;
		default:
			if (sqlite3_column_text(st, 0) != NULL)
				*out = xstrndup((const char *)
				    sqlite3_column_text(st, 0),
				    (size_t)sqlite3_column_bytes(st, 0));
			break;
		}
	sqlite3_reset(st);
	sqlite3_clear_bindings(st);
	return rc;
}

#define EV_NONE (-2) /* no such expression */

/* The truth of field expression kind (not a choice filter) over r. */
static int
field_truth(struct expr_set *x, const struct record *r,
    const struct record *parent, size_t field, int kind)
{
	struct xrec *xr = r != NULL ? xrec_of(x, r->def) : NULL;
	struct xmemo *m;
	struct xmemo_ent *e;
	const struct xbind *b;
	size_t k = field * XK_NKINDS + (size_t)kind;
	sqlite3_stmt *st;
	int v, hit;

	if (xr == NULL || field >= xr->def->nfields || (st = xr->fst[k]) ==
	    NULL)
		return EV_NONE;
	m = &xr->fmemo[xr->fshare[k]];
	b = &xr->fbind[k];
	parent = parent_of(xr, parent);
	if ((e = memo_find(m, b, xr, r, parent, &hit)) != NULL && hit)
		return e->truth;
	bind_used(st, b, xr, r, parent);
	v = eval_truth(st);
	if (e != NULL && v != EV_ERROR) {
		memo_keep(e, b, xr, r, parent);
		e->truth = v;
	}
	return v;
}

int
expr_relevant(struct expr_set *x, const struct record *r,
    const struct record *parent, size_t field)
{
	int v = field_truth(x, r, parent, field, XK_RELEVANT);
	return v == EV_NONE ? 1 : v == EV_TRUE;
}

int
expr_required(struct expr_set *x, const struct record *r,
    const struct record *parent, size_t field)
{
	if (r == NULL || field >= r->def->nfields)
		return 0;
	if (r->def->fields[field].required)
		return 1;
	return field_truth(x, r, parent, field, XK_REQUIRED) == EV_TRUE;
}

int
expr_constraint(struct expr_set *x, const struct record *r,
    const struct record *parent, size_t field)
{
	int v = field_truth(x, r, parent, field, XK_CONSTRAINT);
	return v == EV_NONE ? 1 : v == EV_TRUE;
}

int
expr_rule(struct expr_set *x, const struct record *r,
    const struct record *parent, size_t rule)
{
	struct xrec *xr = r != NULL ? xrec_of(x, r->def) : NULL;
	struct xmemo *m;
	struct xmemo_ent *e;
	sqlite3_stmt *st;
	int v, hit;

	if (xr == NULL || rule >= xr->def->nrules ||
	    (st = xr->rules[rule]) == NULL)
		return 1;
	m = &xr->rmemo[rule];
	parent = parent_of(xr, parent);
	if ((e = memo_find(m, &xr->rbind[rule], xr, r, parent, &hit)) !=
	    NULL && hit)
		v = e->truth;
	else {
		bind_used(st, &xr->rbind[rule], xr, r, parent);
		v = eval_truth(st);
		if (e != NULL && v != EV_ERROR) {
			memo_keep(e, &xr->rbind[rule], xr, r, parent);
			e->truth = v;
		}
	}
	return v == EV_TRUE || v == EV_NULL;
}

int
expr_roster_rule(struct expr_set *x, const struct sch_record *child,
    struct record *const *rows, size_t n, const struct record *parent,
    size_t rule)
{
	struct xrec *xr = xrec_of(x, child);
	struct xroster *rr;
	char *err = NULL;
	size_t i, c;
	int p = 1, v;

	if (xr == NULL || rule >= child->nroster_rules)
		return 1;
	rr = &xr->rr[rule];
	if (n < XR_KEEP && rr->byn[n] != NULL) {
		/* a statement of its own (a roster of XR_KEEP rows or more)
		 * is not kept: finalised, else it leaks and keeps the
		 * connection from closing */
		if (rr->st != NULL && rr->n >= XR_KEEP)
			sqlite3_finalize(rr->st);
		rr->st = rr->byn[n];
		rr->n = n;
	}
	if ((rr->st == NULL || rr->n != n) &&
	    roster_prepare(x->h, xr, rule, n, &err) < 0) {
		free(err);
		return 0;
	}
	for (i = 0; i < n; i++)
		for (c = 0; c < rr->ncols; c++) {
			const struct sch_field *f = &child->fields[rr->cols[c]];
			bind_value(rr->st, p++, schema_field_sql_type(f),
			    rows[i] != NULL && rows[i]->def == child ?
			    rows[i]->val[rr->cols[c]] : NULL);
		}
	if (xr->parent != NULL && !rr->psome)
		bind_record(rr->st, p, xr->parent, parent_of(xr, parent));
	else if (xr->parent != NULL) {
		const struct record *pr = parent_of(xr, parent);
		for (c = 0; c < rr->npcols; c++)
			bind_value(rr->st, p++, schema_field_sql_type(
			    &xr->parent->fields[rr->pcols[c]]), pr != NULL ?
			    pr->val[rr->pcols[c]] : NULL);
	}
	v = eval_truth(rr->st);
	return v == EV_TRUE || v == EV_NULL;
}

int
expr_choice_ok(struct expr_set *x, const struct record *r,
    const struct record *parent, size_t field, const struct sch_choice *c)
{
	sqlite3_stmt *st;

	if (c == NULL)
		return 0;
	st = field_bound(x, r, parent, field, XK_CHOICE, c);
	return st == NULL ? 1 : eval_truth(st) == EV_TRUE;
}

/*
 * expr_calculate without copies: *val is the value, held by the memo
 * (valid until the next evaluation) or by *own, which the caller frees.
 */
static int
calc_value(struct expr_set *x, const struct record *r,
    const struct record *parent, size_t field, const char **val, char **own)
{
	struct xrec *xr = r != NULL ? xrec_of(x, r->def) : NULL;
	size_t k = field * XK_NKINDS + XK_CALCULATION;
	const struct record *p;
	struct xmemo *m;
	struct xmemo_ent *e;
	sqlite3_stmt *st;
	int rc, hit;

	*val = NULL;
	*own = NULL;
	if (xr == NULL || field >= xr->def->nfields ||
	    (st = xr->fst[k]) == NULL)
		return -1;
	m = &xr->fmemo[xr->fshare[k]];
	p = parent_of(xr, parent);
	/* a remembered result first: the statement is bound (as
	 * field_bound does) only when it is stepped */
	if ((e = memo_find(m, &xr->fbind[k], xr, r, p, &hit)) != NULL &&
	    hit) {
		*val = e->value;
		return e->rc;
	}
	bind_used(st, &xr->fbind[k], xr, r, p);
	rc = eval_value(st, own);
	if (e != NULL && rc == 0) {
		memo_keep(e, &xr->fbind[k], xr, r, p);
		e->rc = rc;
		e->value = *own; /* the memo's now */
		*own = NULL;
		*val = e->value;
	} else
		*val = *own;
	return rc;
}

size_t
expr_shared(struct expr_set *x, const struct sch_record *def)
{
	struct xrec *xr = xrec_of(x, def);
	size_t k, n = 0;

	if (xr == NULL)
		return 0;
	for (k = 0; k < def->nfields * XK_NKINDS; k++)
		n += xr->fshare[k] != k;
	return n;
}

int
expr_calculate(struct expr_set *x, const struct record *r,
    const struct record *parent, size_t field, char **out)
{
	const char *v;
	char *own;
	int rc = calc_value(x, r, parent, field, &v, &own);

	*out = own != NULL ? own : v != NULL ? xstrdup(v) : NULL;
	return rc;
}

/* Same stored value ("" is no value, as record_set has it). */
static int
same_value(const char *a, const char *b)
{
	if (a != NULL && a[0] == '\0')
		a = NULL;
	if (b != NULL && b[0] == '\0')
		b = NULL;
	if (a == NULL || b == NULL)
		return a == b;
	return strcmp(a, b) == 0;
}

/*
 * 1 when field expression kind of field gives what it gave at clock
 * seen (0: never asked): none, or deterministic with none of the fields
 * it binds changed since (fver: the clock of each field's last change;
 * the parent's do not change during a refresh).
 */
static int
same_since(const struct xrec *xr, size_t field, int kind,
    const unsigned *fver, unsigned seen)
{
	size_t k = field * XK_NKINDS + (size_t)kind, j, nf = xr->def->nfields;
	const struct xbind *b = &xr->fbind[k];

	if (seen == 0)
		return 0;
	if (xr->fst[k] == NULL)
		return 1;
	if (!xr->fmemo[k].pure)
		return 0;
	for (j = 0; j < b->n; j++)
		if (b->field[j] < nf && fver[b->field[j]] > seen)
			return 0;
	return 1;
}

/*
 * expr_relevant within a refresh: a deterministic relevance asked since
 * none of the fields it binds changed (at clock aseen) gives the answer
 * it gave then, for every field whose relevance is the same (fshare).
 */
static int
refresh_relevant(struct expr_set *x, struct xrec *xr, struct record *r,
    const struct record *parent, size_t i, const unsigned *fver,
    unsigned clock)
{
	size_t k = i * XK_NKINDS + XK_RELEVANT, c, j, nf = xr->def->nfields;
	const struct xbind *b;
	int v;

	if (xr->fst[k] == NULL || !xr->fmemo[k].pure)
		return expr_relevant(x, r, parent, i);
	c = xr->fshare[k]; /* binds what k binds */
	b = &xr->fbind[c];
	if (xr->aseen[c] != 0) {
		for (j = 0; j < b->n; j++)
			if (b->field[j] < nf && fver[b->field[j]] > xr->aseen[c])
				break;
		if (j == b->n)
			return xr->aval[c];
	}
	v = expr_relevant(x, r, parent, i);
	xr->aseen[c] = clock;
	xr->aval[c] = (unsigned char)v;
	return v;
}

/* Keep field i's value in before[i] unless kept already. */
static void
keep_before(const struct record *r, size_t i, char **before,
    unsigned char *saved)
{
	if (saved[i])
		return;
	before[i] = r->val[i] != NULL ? xstrdup(r->val[i]) : NULL;
	saved[i] = 1;
}

int
expr_refresh(struct expr_set *x, struct record *r,
    const struct record *parent, unsigned char *relevant_out)
{
	struct xrec *xr = r != NULL ? xrec_of(x, r->def) : NULL;
	size_t nf, i, k, round;
	unsigned char *rel, *saved;
	const char *v;
	char **before, *own;
	int changed, count = 0;
	/*
	 * Each round asks again only what may answer otherwise: an
	 * expression whose bound fields did not change since it was last
	 * asked gives the same (deterministic ones; the others are asked
	 * every round as before).
	 */
	unsigned *fver, *cseen, *rseen, clock = 1;

	if (xr == NULL) {
		if (relevant_out != NULL && r != NULL)
			memset(relevant_out, 1, r->def->nfields);
		return 0;
	}
	nf = xr->def->nfields;
	if (xr->rel == NULL) {
		xr->rel = xcalloc(nf, 1);
		xr->fver = xcalloc(nf * 3, sizeof *xr->fver);
		xr->before = xcalloc(nf, sizeof *xr->before);
		xr->saved = xcalloc(nf, 1);
		xr->aseen = xcalloc(nf * XK_NKINDS, sizeof *xr->aseen);
		xr->aval = xcalloc(nf * XK_NKINDS, 1);
	}
	rel = xr->rel;
	fver = xr->fver;
	/* a field's value before the refresh, kept when it is first set
	 * (saved[i]); a field never set has its value still */
	before = xr->before;
	saved = xr->saved;
	memset(rel, 0, nf);
	memset(fver, 0, nf * 3 * sizeof *fver);
	memset(saved, 0, nf);
	memset(xr->aseen, 0, nf * XK_NKINDS * sizeof *xr->aseen);
	cseen = fver + nf;
	rseen = cseen + nf;

	for (round = 0; round <= nf + 1; round++) {
		changed = 0;
		for (k = 0; k < xr->ncalc; k++) {
			i = xr->calc[k];
			if (same_since(xr, i, XK_RELEVANT, fver, cseen[i]) &&
			    same_since(xr, i, XK_CALCULATION, fver, cseen[i]))
				continue; /* it set r->val[i] already */
			cseen[i] = clock;
			v = NULL;
			own = NULL;
			if (refresh_relevant(x, xr, r, parent, i, fver,
			    clock) && calc_value(x, r, parent, i, &v, &own) < 0)
				v = NULL;
			if (!same_value(v, r->val[i])) {
				keep_before(r, i, before, saved);
				record_set(r, i, v);
				fver[i] = ++clock;
				changed = 1;
			}
			free(own);
		}
		for (i = 0; i < nf; i++) {
			/* an empty field's relevance only matters to the
			 * caller's relevant_out */
			if (relevant_out == NULL && r->val[i] == NULL)
				continue;
			if (!same_since(xr, i, XK_RELEVANT, fver, rseen[i])) {
				rseen[i] = clock;
				rel[i] = (unsigned char)refresh_relevant(x, xr,
				    r, parent, i, fver, clock);
			}
			if (!rel[i] && r->val[i] != NULL) {
				keep_before(r, i, before, saved);
				record_set(r, i, NULL);
				fver[i] = ++clock;
				changed = 1;
			}
		}
		if (!changed)
			break;
	}

	for (i = 0; i < nf; i++) {
		if (!saved[i])
			continue;
		if (!same_value(before[i], r->val[i]))
			count++;
		free(before[i]);
		before[i] = NULL;
	}
	if (relevant_out != NULL)
		memcpy(relevant_out, rel, nf);
	return count;
}

/* ---- expressions of other files (reports) ------------------------------ */

static void
sql_record_sys(struct sbuf *b, const struct sch_record *r, int *param)
{
	static const char *const sys[] = {"id", "status", "created_at",
		"created_by", "updated_at", "updated_by", NULL};
	size_t j;

	sbuf_add(b, "(SELECT ");
	for (j = 0; sys[j] != NULL; j++)
		sbuf_addf(b, "%s?%d AS \"%s\"", j ? ", " : "", (*param)++,
		    sys[j]);
	for (j = 0; j < r->nfields; j++)
		if (schema_field_stored(&r->fields[j]) &&
		    !schema_reserved_name(r->fields[j].name))
			sbuf_addf(b, ", ?%d AS \"%s\"", (*param)++,
			    r->fields[j].name);
	sbuf_addf(b, ") AS \"%s\"", r->name);
}

int
expr_check_text(sqlite3 *h, const struct sch_record *def,
    const struct sch_record *parent, const char *text, const char *where,
    char **err)
{
	struct sbuf sql = {0};
	sqlite3_stmt *st = NULL;
	int param = 1, rc = -1;

	if (scan_expr(text, where, NULL, NULL, err) < 0)
		return -1;
	sbuf_addf(&sql, "SELECT (\n%s\n) FROM ", text);
	sql_record_sys(&sql, def, &param);
	if (parent != NULL) {
		sbuf_add(&sql, " JOIN ");
		sql_record_sys(&sql, parent, &param);
	}
	rc = prepare_expr(h, sql.s, param - 1, where, NULL, &st, err);
	sqlite3_finalize(st);
	sbuf_free(&sql);
	return rc;
}
