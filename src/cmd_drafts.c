/*
 * Verb drafts: the forms kept when a terminal went away (kesra_draft, see
 * src/core/draft.h): list them as TSV, or discard one.
 *
 *   kesra drafts [--all | --user NAME]        list (default: this operator)
 *   kesra drafts --discard RECORD ID [--user NAME]
 *
 * ID is the record's id, or for a record never saved the negative key of
 * its draft, as listed.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "draft.h"
#include "i18n.h"
#include "util.h"

static void
put_field(const char *s, int last)
{
	char *t = util_sanitize(s != NULL ? s : "", 0);
	char *p;
	for (p = t; *p != '\0'; p++)
		if (*p == '\t')
			*p = ' ';
	fputs(t, stdout);
	fputc(last ? '\n' : '\t', stdout);
	free(t);
}

/* A draft's key: an integer, negative for a record never saved. */
static int
parse_id(const char *s, long long *out)
{
	char *end;
	errno = 0;
	*out = strtoll(s, &end, 10);
	if (s[0] == '\0' || *end != '\0' || errno != 0) {
		char *sv = util_sanitize(s, 0);
		fprintf(stderr, _("kesra: --discard: '%s' is not a record id\n"),
		    sv);
		free(sv);
		return -1;
	}
	return 0;
}

int
cmd_drafts(struct opts *o)
{
	const char *user = current_user(), *val, *record = NULL;
	struct draft_info *v = NULL;
	struct expr_set *x;
	struct schema *s;
	struct db *db;
	long long id = 0;
	char *err = NULL;
	size_t n = 0, i;
	int all = 0, discard = 0, bad = 0, rc = 0;

	for (i = 0; i < (size_t)o->nargs && !bad; i++) {
		int k = (int)i;
		if (strcmp(o->args[k], "--all") == 0)
			all = 1;
		else if ((val = arg_value(o, &k, "--user", &bad)) != NULL)
			user = val;
		else if (strcmp(o->args[k], "--discard") == 0) {
			if (k + 2 >= o->nargs) {
				fprintf(stderr, _("kesra: --discard needs a "
				    "record type and an id\n"));
				bad = 1;
			} else if (parse_id(o->args[k + 2], &id) < 0)
				bad = 1;
			else {
				record = o->args[k + 1];
				discard = 1;
				k += 2;
			}
		} else if (!bad) {
			char *sv = util_sanitize(o->args[k], 0);
			fprintf(stderr, _("kesra: unexpected argument '%s'; see "
			    "'kesra --help'\n"), sv);
			free(sv);
			bad = 1;
		}
		i = (size_t)k;
	}
	if (!bad && all && discard) {
		fprintf(stderr, _("kesra: --all lists; --discard needs one "
		    "operator\n"));
		bad = 1;
	}
	if (bad)
		return 2;
	if (cli_open_all(o, 0, &s, &db, &x) < 0)
		return 1;
	if (discard) {
		/* only a draft that is there counts as discarded */
		if (draft_list(db, user, &v, &n, &err) < 0) {
			print_err(err);
			rc = 1;
			goto out;
		}
		for (i = 0; i < n; i++)
			if (strcmp(v[i].record, record) == 0 &&
			    v[i].id == (int64_t)id)
				break;
		if (i == n) {
			char *sr = util_sanitize(record, 0);
			char *su = util_sanitize(user, 0);
			fprintf(stderr, _("kesra: no draft of %s %lld by %s\n"),
			    sr, id, su);
			free(sr);
			free(su);
			rc = 1;
		} else if (draft_delete(db, user, record, (int64_t)id,
		    &err) < 0) {
			print_err(err);
			rc = 1;
		}
		goto out;
	}
	if (draft_list(db, all ? NULL : user, &v, &n, &err) < 0) {
		print_err(err);
		rc = 1;
		goto out;
	}
	printf("user\trecord\trecord_id\tfield\tsaved_at\n");
	for (i = 0; i < n; i++) {
		char num[32];
		snprintf(num, sizeof num, "%lld", (long long)v[i].id);
		put_field(v[i].user, 0);
		put_field(v[i].record, 0);
		put_field(num, 0);
		put_field(v[i].field, 0);
		put_field(v[i].saved_at, 1);
	}
out:
	draft_infos_free(v, n);
	cli_close_all(s, db, x);
	return rc;
}
