/*
 * Verb user: the users of a shared database and their roles (user.h).
 *   kesra user list
 *   kesra user add NAME --role R [--region CODE]...
 *   kesra user set-role NAME R
 *   kesra user set-region NAME [CODE]...
 *   kesra user disable|enable NAME
 *   kesra user unknown refuse|read-only
 * Every change needs the admin role (anyone, while there are no users);
 * list is for anyone who may open the database.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "i18n.h"
#include "user.h"
#include "util.h"

static int
user_usage(void)
{
	fprintf(stderr, _("kesra: usage: kesra user list | add NAME --role "
	    "operator|supervisor|admin [--region CODE]... | set-role NAME ROLE "
	    "| set-region NAME [CODE]... | disable NAME | enable NAME | unknown "
	    "refuse|read-only\n"));
	return 2;
}

int
cmd_user(struct opts *o)
{
	struct schema *s;
	struct db *db;
	struct sbuf out = {0};
	char **regions, *err = NULL, *note = NULL;
	const char *sub, *name = NULL, *role = NULL, *v, *me = current_user();
	size_t nreg = 0;
	int i, bad = 0, rc = -1;

	if (o->nargs < 1)
		return user_usage();
	sub = o->args[0];
	regions = xcalloc((size_t)o->nargs + 1, sizeof *regions);
	if (strcmp(sub, "list") == 0)
		bad = o->nargs != 1;
	else if (strcmp(sub, "add") == 0) {
		for (i = 1; i < o->nargs && !bad; i++) {
			if ((v = arg_value(o, &i, "--role", &bad)) != NULL)
				role = v;
			else if ((v = arg_value(o, &i, "--region", &bad)) !=
			    NULL)
				regions[nreg++] = (char *)v;
			else if (!bad && name == NULL && o->args[i][0] != '-')
				name = o->args[i];
			else
				bad = 1;
		}
		bad = bad || name == NULL || role == NULL;
	} else if (strcmp(sub, "set-role") == 0) {
		bad = o->nargs != 3;
		name = o->nargs > 1 ? o->args[1] : NULL;
		role = o->nargs > 2 ? o->args[2] : NULL;
	} else if (strcmp(sub, "set-region") == 0) {
		bad = o->nargs < 2;
		name = o->nargs > 1 ? o->args[1] : NULL;
		for (i = 2; i < o->nargs; i++)
			regions[nreg++] = o->args[i];
	} else if (strcmp(sub, "disable") == 0 || strcmp(sub, "enable") == 0 ||
	    strcmp(sub, "unknown") == 0) {
		bad = o->nargs != 2;
		name = o->nargs > 1 ? o->args[1] : NULL;
	} else
		bad = 1;
	if (!bad && role != NULL && user_role_lookup(role) == ROLE_NONE) {
		char *sr = util_sanitize(role, 0);
		fprintf(stderr, _("kesra: the role is operator, supervisor or "
		    "admin, not '%s'\n"), sr);
		free(sr);
		free(regions);
		return 2;
	}
	if (bad) {
		free(regions);
		return user_usage();
	}
	if ((s = load_schema(o)) == NULL) {
		free(regions);
		return 1;
	}
	if (open_db(o, s, 0, 0, 0, &db) < 0) {
		schema_free(s);
		free(regions);
		return 1;
	}
	if (strcmp(sub, "list") == 0) {
		if ((rc = user_list(db, &out, &err)) == 0)
			fputs(out.s, stdout);
	} else if (user_can(db, me, ACTION_USERS, &err) != 1)
		rc = -1;
	else if (strcmp(sub, "add") == 0) {
		rc = user_add(db, name, user_role_lookup(role), regions, nreg,
		    me, &note, &err);
		if (note != NULL)
			fprintf(stderr, "kesra: %s\n", note);
	} else if (strcmp(sub, "set-role") == 0)
		rc = user_set_role(db, name, user_role_lookup(role), me, &err);
	else if (strcmp(sub, "set-region") == 0)
		rc = user_set_regions(db, name, regions, nreg, me, &err);
	else if (strcmp(sub, "unknown") == 0)
		rc = user_set_unknown(db, name, me, &err);
	else
		rc = user_set_disabled(db, name, strcmp(sub, "disable") == 0,
		    me, &err);
	if (rc < 0)
		print_err(err);
	free(note);
	sbuf_free(&out);
	free(regions);
	db_close(db);
	schema_free(s);
	return rc < 0 ? 1 : 0;
}
