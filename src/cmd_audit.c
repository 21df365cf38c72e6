/*
 * Verbs of the record workflow and the audit trail:
 *   kesra audit [--record ID] [--user U] [--since DATE]   the trail as TSV
 *   kesra status ID verified|locked|complete [--reason TEXT] [--record-type T]
 *   kesra verify ID                                       = status ID verified
 * The trail is for supervisors and admins (it spans every region); the
 * status moves are checked by the core (db_record_set_status).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "audit.h"
#include "cli.h"
#include "i18n.h"
#include "user.h"
#include "util.h"

static void
put(const char *v, char end)
{
	char *s = util_sanitize(v != NULL ? v : "", 0);
	fputs(s, stdout);
	putchar(end);
	free(s);
}

int
cmd_audit(struct opts *o)
{
	struct audit_query q;
	struct audit_row *rows = NULL;
	struct schema *s;
	struct db *db;
	unsigned long long id;
	char *err = NULL, num[32];
	const char *v;
	size_t n = 0, i;
	int k, bad = 0, rc;

	memset(&q, 0, sizeof q);
	for (k = 0; k < o->nargs && !bad; k++) {
		if ((v = arg_value(o, &k, "--record", &bad)) != NULL) {
			if (parse_count("--record", v, INT64_MAX, &id) < 0)
				bad = 1;
			q.record_id = (int64_t)id;
		} else if ((v = arg_value(o, &k, "--user", &bad)) != NULL)
			q.user = v;
		else if ((v = arg_value(o, &k, "--since", &bad)) != NULL)
			q.since = v;
		else if (!bad) {
			char *sv = util_sanitize(o->args[k], 0);
			fprintf(stderr, _("kesra: unexpected argument '%s'; see "
			    "'kesra --help'\n"), sv);
			free(sv);
			bad = 1;
		}
	}
	if (bad)
		return 2;
	if ((s = load_schema(o)) == NULL)
		return 1;
	if (open_db(o, s, 0, 0, 0, &db) < 0) {
		schema_free(s);
		return 1;
	}
	if (q.record_id != 0) {
		for (i = 0; i < s->nrecords; i++)
			if (s->records[i].parent == NULL)
				break;
		q.record = i < s->nrecords ? s->records[i].name : NULL;
	}
	rc = user_can(db, current_user(), ACTION_VERIFY, &err) == 1 ?
	    db_audit_list(db, &q, &rows, &n, &err) : -1;
	if (rc < 0)
		print_err(err);
	else {
		fputs("seq\tat\tuser\tclient\trecord\trecord_id\tparent_id\t"
		    "field\told_value\tnew_value\treason\taction\n", stdout);
		for (i = 0; i < n; i++) {
			const struct audit_row *r = &rows[i];
			snprintf(num, sizeof num, "%lld", (long long)r->seq);
			put(num, '\t');
			put(r->at, '\t');
			put(r->user, '\t');
			put(r->client, '\t');
			put(r->record, '\t');
			snprintf(num, sizeof num, "%lld",
			    (long long)r->record_id);
			put(num, '\t');
			if (r->parent_id != 0)
				snprintf(num, sizeof num, "%lld",
				    (long long)r->parent_id);
			put(r->parent_id != 0 ? num : "", '\t');
			put(r->field, '\t');
			put(r->old_value, '\t');
			put(r->new_value, '\t');
			put(r->reason, '\t');
			put(r->action, '\n');
		}
	}
	audit_rows_free(rows, n);
	db_close(db);
	schema_free(s);
	return rc < 0 ? 1 : 0;
}

static int
set_status(struct opts *o, int verify)
{
	const struct sch_record *def = NULL;
	struct schema *s;
	struct db *db;
	unsigned long long id = 0;
	const char *status = verify ? "verified" : NULL, *reason = NULL;
	const char *type = NULL, *v;
	char *err = NULL;
	size_t i;
	int k, bad = 0, have_id = 0, rc;

	for (k = 0; k < o->nargs && !bad; k++) {
		if ((v = arg_value(o, &k, "--reason", &bad)) != NULL)
			reason = v;
		else if ((v = arg_value(o, &k, "--record-type", &bad)) != NULL)
			type = v;
		else if (bad)
			break;
		else if (!have_id && o->args[k][0] != '-') {
			if (parse_count("ID", o->args[k], INT64_MAX, &id) < 0)
				bad = 1;
			have_id = 1;
		} else if (status == NULL && o->args[k][0] != '-')
			status = o->args[k];
		else {
			char *sv = util_sanitize(o->args[k], 0);
			fprintf(stderr, _("kesra: unexpected argument '%s'; see "
			    "'kesra --help'\n"), sv);
			free(sv);
			bad = 1;
		}
	}
	if (!bad && (!have_id || status == NULL)) {
		fprintf(stderr, verify ? _("kesra: usage: kesra verify ID\n") :
		    _("kesra: usage: kesra status ID verified|locked|complete "
		    "[--reason TEXT]\n"));
		bad = 1;
	}
	if (bad)
		return 2;
	if ((s = load_schema(o)) == NULL)
		return 1;
	for (i = 0; i < s->nrecords && def == NULL; i++)
		if (type != NULL ? strcmp(s->records[i].name, type) == 0 :
		    s->records[i].parent == NULL)
			def = &s->records[i];
	if (def == NULL) {
		char *st = util_sanitize(type != NULL ? type : "", 0);
		fprintf(stderr, _("kesra: no record type '%s' in the "
		    "dictionary\n"), st);
		free(st);
		schema_free(s);
		return 2;
	}
	if (open_db(o, s, 0, 0, 0, &db) < 0) {
		schema_free(s);
		return 1;
	}
	rc = db_record_set_status(db, def, (int64_t)id, status,
	    current_user(), reason, &err);
	if (rc < 0)
		print_err(err);
	else
		printf(_("%s %llu: %s\n"), def->name, id, status);
	db_close(db);
	schema_free(s);
	return rc < 0 ? 1 : 0;
}

int
cmd_status(struct opts *o)
{
	return set_status(o, 0);
}

int
cmd_verify(struct opts *o)
{
	return set_status(o, 1);
}
