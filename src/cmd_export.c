/*
 * Verb export: the live records of one type as CSV or JSON, to stdout or
 * to --out FILE (written to FILE.tmp and renamed when complete, so FILE
 * is never half-written).
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli.h"
#include "i18n.h"
#include "transfer.h"
#include "user.h"
#include "util.h"

int
cmd_export(struct opts *o)
{
	struct schema *s;
	struct db *db;
	const struct sch_record *def;
	const char *record = NULL, *out = NULL, *format = "csv", *v;
	char *err = NULL, *tmp = NULL, *sv;
	FILE *f = stdout;
	int i, bad = 0, flags = 0, rc = 1;
	long n;

	for (i = 0; i < o->nargs && !bad; i++) {
		if ((v = arg_value(o, &i, "--record", &bad)) != NULL)
			record = v;
		else if ((v = arg_value(o, &i, "--format", &bad)) != NULL)
			format = v;
		else if ((v = arg_value(o, &i, "--out", &bad)) != NULL)
			out = v;
		else if (bad)
			break;
		else if (strcmp(o->args[i], "--excel") == 0)
			flags |= TRANSFER_EXCEL;
		else if (strcmp(o->args[i], "--labels") == 0)
			flags |= TRANSFER_LABELS;
		else {
			sv = util_sanitize(o->args[i], 0);
			fprintf(stderr, _("kesra: unexpected argument '%s'; see "
			    "'kesra --help'\n"), sv);
			free(sv);
			bad = 1;
		}
	}
	if (!bad && strcmp(format, "json") == 0)
		flags |= TRANSFER_JSON;
	else if (!bad && strcmp(format, "csv") != 0) {
		sv = util_sanitize(format, 0);
		fprintf(stderr, _("kesra: --format is csv or json, not '%s'\n"),
		    sv);
		free(sv);
		bad = 1;
	}
	if (!bad && (flags & TRANSFER_JSON) && (flags & TRANSFER_EXCEL)) {
		fprintf(stderr, _("kesra: --excel goes with --format csv\n"));
		bad = 1;
	}
	if (!bad && record == NULL) {
		fprintf(stderr, _("kesra: export needs --record NAME\n"));
		bad = 1;
	}
	if (bad)
		return 2;
	if ((s = load_schema(o)) == NULL)
		return 1;
	if ((def = schema_record(s, record)) == NULL) {
		sv = util_sanitize(record, 0);
		fprintf(stderr, _("kesra: no record type '%s' in dictionary "
		    "%s\n"), sv, s->name);
		free(sv);
		schema_free(s);
		return 1;
	}
	if (open_db(o, s, 0, 0, 0, &db) < 0) {
		schema_free(s);
		return 1;
	}
	if (!cli_allowed(db, ACTION_EXPORT))
		goto done;
	if (out != NULL) {
		tmp = xasprintf("%s.tmp", out);
		if ((f = fopen(tmp, "wb")) == NULL) {
			sv = util_sanitize(tmp, 0);
			fprintf(stderr, "kesra: %s: %s\n", sv, strerror(errno));
			free(sv);
			goto done;
		}
	}
	/* On a terminal, text is shown, never sent raw: no escapes. */
	if (out == NULL && isatty(STDOUT_FILENO))
		flags |= TRANSFER_SANITIZE;
	setvbuf(f, NULL, _IOFBF, 1 << 16);
	n = transfer_export(db, def, f, flags, o->lang_index, &err);
	if (n < 0)
		print_err(err);
	if (out != NULL) {
		if (fclose(f) != 0 && n >= 0) {
			sv = util_sanitize(tmp, 0);
			fprintf(stderr, "kesra: %s: %s\n", sv, strerror(errno));
			free(sv);
			n = -1;
		}
		if (n < 0 || rename(tmp, out) != 0) {
			if (n >= 0) {
				sv = util_sanitize(out, 0);
				fprintf(stderr, "kesra: %s: %s\n", sv,
				    strerror(errno));
				free(sv);
			}
			unlink(tmp);
			n = -1;
		}
	}
	rc = n < 0 ? 1 : 0;
done:
	free(tmp);
	db_close(db);
	schema_free(s);
	return rc;
}
