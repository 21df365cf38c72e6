/*
 * Verb search: the search screen's engine (core search) on the command
 * line. Prints the hits as TSV: record, id, root_id (the top-level record
 * to open), status, then one column per search column of any record the
 * query can find (empty where a record has none), raw stored values.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "i18n.h"
#include "search.h"
#include "util.h"

#define MAX_COLS 64

/* Column names: "field" or "parent.field". */
static char *
col_name(const struct sch_record *r, const struct sch_field *f, int parent)
{
	return parent ? xasprintf("%s.%s", r->parent, f->name) :
	    xstrdup(f->name);
}

/* A region given by code, or by the name of one district or village. */
static int
resolve_region(struct db *db, const char *arg, char **code)
{
	struct db_region reg, *v = NULL;
	size_t n = 0, i, exact = 0, pick = 0;
	char *err = NULL, *sa;
	int lv, rc;

	if (arg[strspn(arg, "0123456789.")] == '\0') {
		if ((rc = db_region_get(db, arg, &reg, &err)) < 0) {
			print_err(err);
			return -1;
		}
		if (rc == 0) {
			sa = util_sanitize(arg, 0);
			fprintf(stderr, _("kesra: no region with code '%s'\n"),
			    sa);
			free(sa);
			return -1;
		}
		*code = reg.code;
		free(reg.name);
		return 0;
	}
	for (lv = RL_DISTRICT; lv <= RL_VILLAGE; lv++) {
		struct db_region *w;
		size_t m;
		if (db_region_children(db, NULL, lv, arg, 50, &w, &m,
		    &err) < 0) {
			print_err(err);
			db_regions_free(v, n);
			return -1;
		}
		if (m > 0) {
			v = xreallocarray(v, n + m, sizeof *v);
			memcpy(v + n, w, m * sizeof *w);
			n += m;
		}
		free(w);
	}
	for (i = 0; i < n; i++)
		if (strcasecmp(v[i].name, arg) == 0) {
			exact++;
			pick = i;
		}
	if (exact != 1 && n == 1) {
		exact = 1;
		pick = 0;
	}
	sa = util_sanitize(arg, 0);
	if (exact != 1) {
		if (n == 0)
			fprintf(stderr, _("kesra: no district or village named "
			    "'%s'\n"), sa);
		else {
			fprintf(stderr, _("kesra: '%s' names several places; "
			    "give a code:\n"), sa);
			for (i = 0; i < n && i < 20; i++) {
				char *sn = util_sanitize(v[i].name, 0);
				fprintf(stderr, "%s\t%s\n", v[i].code, sn);
				free(sn);
			}
		}
		free(sa);
		db_regions_free(v, n);
		return -1;
	}
	free(sa);
	*code = xstrdup(v[pick].code);
	db_regions_free(v, n);
	return 0;
}

static void
print_field(const char *v)
{
	char *s = util_sanitize(v != NULL ? v : "", 0);
	char *p;
	for (p = s; *p != '\0'; p++)
		if (*p == '\t')
			*p = ' ';
	fputs(s, stdout);
	free(s);
}

int
cmd_search(struct opts *o)
{
	struct search_query q;
	struct search_hit *hits = NULL;
	struct expr_set *x;
	struct schema *s;
	struct db *db;
	unsigned long long v;
	const char *val, *region = NULL;
	char *err = NULL, *code = NULL;
	char *names[MAX_COLS];
	size_t ncol = 0, nh = 0, i, k;
	int bad = 0, have_q = 0, rc = 1;
	long limit = 50;

	memset(&q, 0, sizeof q);
	for (i = 0; i < (size_t)o->nargs && !bad; i++) {
		int j = (int)i;
		v = 0;
		if ((val = arg_value(o, &j, "--limit", &bad)) != NULL) {
			if (parse_count("--limit", val, 100000, &v) < 0)
				bad = 1;
			else if (v == 0) {
				fprintf(stderr, _("kesra: --limit must be 1 to "
				    "%d\n"), 100000);
				bad = 1;
			}
			limit = (long)v;
		} else if ((val = arg_value(o, &j, "--region", &bad)) != NULL)
			region = val;
		else if ((val = arg_value(o, &j, "--status", &bad)) != NULL)
			q.status = val;
		else if ((val = arg_value(o, &j, "--filter", &bad)) != NULL) {
			if (q.nfilters == SEARCH_MAX_FILTERS)
				bad = 1;
			else
				q.filters[q.nfilters++] = val;
		} else if (!bad && strncmp(o->args[i], "--", 2) != 0 &&
		    !have_q) {
			q.text = o->args[i];
			have_q = 1;
		} else if (!bad) {
			char *sv = util_sanitize(o->args[i], 0);
			fprintf(stderr, _("kesra: unexpected argument '%s'; see "
			    "'kesra --help'\n"), sv);
			free(sv);
			bad = 1;
		}
		i = (size_t)j;
	}
	if (!bad && !have_q && region == NULL && q.status == NULL &&
	    q.nfilters == 0) {
		fprintf(stderr, _("kesra: search needs a QUERY (words of a "
		    "name, or a NIK or KK number), or --region, --status or "
		    "--filter\n"));
		bad = 1;
	}
	if (bad)
		return 2;
	if (cli_open_all(o, 0, &s, &db, &x) < 0)
		return 1;
	for (i = 0; i < q.nfilters; i++)
		if (search_filter(s, q.filters[i], NULL) == NULL) {
			char *sv = util_sanitize(q.filters[i], 0);
			fprintf(stderr, _("kesra: no search filter '%s' in the "
			    "dictionary\n"), sv);
			free(sv);
			rc = 2;
			goto out;
		}
	if (region != NULL) {
		if (resolve_region(db, region, &code) < 0)
			goto out;
		q.region = code;
	}
	if (search_run(db, &q, NULL, (int)limit, &hits, &nh, &err) < 0) {
		print_err(err);
		goto out;
	}
	/* The header: every search column of every record, in the order
	 * of the results (rosters first). */
	for (i = 0; i < 2 * s->nrecords; i++) {
		const struct sch_record *r = &s->records[i % s->nrecords];
		const struct sch_field *f[MAX_COLS];
		int par[MAX_COLS];
		size_t nc;
		if ((r->parent != NULL) != (i < s->nrecords))
			continue;
		nc = search_columns(s, r, f, par, MAX_COLS);
		for (k = 0; k < nc; k++) {
			char *nm = col_name(r, f[k], par[k]);
			size_t j;
			for (j = 0; j < ncol; j++)
				if (strcmp(names[j], nm) == 0)
					break;
			if (j < ncol || ncol == MAX_COLS)
				free(nm);
			else
				names[ncol++] = nm;
		}
	}
	fputs("record\tid\troot_id\tstatus", stdout);
	for (k = 0; k < ncol; k++)
		printf("\t%s", names[k]);
	putchar('\n');
	for (i = 0; i < nh; i++) {
		const struct search_hit *h = &hits[i];
		printf("%s\t%lld\t%lld\t", h->def->name, (long long)h->id,
		    (long long)h->root_id);
		print_field(h->status);
		for (k = 0; k < ncol; k++) {
			const char *cell = NULL;
			size_t c;
			for (c = 0; c < h->ncols; c++) {
				char *nm = col_name(h->def, h->fields[c],
				    h->parent[c]);
				int same = strcmp(nm, names[k]) == 0;
				free(nm);
				if (same) {
					cell = h->vals[c];
					break;
				}
			}
			putchar('\t');
			print_field(cell);
		}
		putchar('\n');
	}
	for (k = 0; k < ncol; k++)
		free(names[k]);
	rc = 0;
out:
	search_hits_free(hits, nh);
	free(code);
	cli_close_all(s, db, x);
	return rc;
}
