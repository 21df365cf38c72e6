/*
 * user: the users table kesra_user and the rights of each role (see
 * user.h). Part of the core: the save path (db.c) and the verbs ask here.
 *
 * Invariants: a user's regions are kept as one text of codes separated by
 * single spaces; every change to the table writes an audit row (action
 * "user") in the same transaction. SQL text is fixed; values are bound.
 */
#include "user.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <sqlite3.h>

#include "audit.h"
#include "db.h"
#include "i18n.h"
#include "record.h"

static const char user_ddl[] =
    "CREATE TABLE IF NOT EXISTS kesra_user (name TEXT PRIMARY KEY, role "
    "TEXT NOT NULL CHECK (role IN ('operator', 'supervisor', 'admin')), "
    "regions TEXT NOT NULL DEFAULT '', disabled INTEGER NOT NULL DEFAULT 0, "
    "created_at TEXT NOT NULL, created_by TEXT) STRICT";

static const char *const role_names[] = {
	"none", "operator", "supervisor", "admin",
};

const char *
user_role_name(enum user_role r)
{
	return (unsigned)r < 4 ? role_names[r] : "none";
}

enum user_role
user_role_lookup(const char *name)
{
	int i;
	for (i = ROLE_OPERATOR; i <= ROLE_ADMIN; i++)
		if (name != NULL && strcmp(name, role_names[i]) == 0)
			return (enum user_role)i;
	return ROLE_NONE;
}

static int
sql_fail(struct db *db, char **err)
{
	return util_err(err, "%s: kesra_user: %s", db_path(db),
	    sqlite3_errmsg(db_sqlite(db)));
}

static int
have_table(struct db *db)
{
	sqlite3_stmt *st;
	int found;
	if (sqlite3_prepare_v2(db_sqlite(db), "SELECT 1 FROM sqlite_schema "
	    "WHERE type = 'table' AND name = 'kesra_user'", -1, &st,
	    NULL) != SQLITE_OK)
		return 0;
	found = sqlite3_step(st) == SQLITE_ROW;
	sqlite3_finalize(st);
	return found;
}

int
db_user_sync(struct db *db, int dry_run, struct sbuf *plan, char **err)
{
	if (have_table(db))
		return 0;
	if (plan != NULL)
		sbuf_add(plan, _("create table kesra_user (users and roles)\n"));
	if (dry_run)
		return 0;
	if (sqlite3_exec(db_sqlite(db), user_ddl, NULL, NULL, NULL) !=
	    SQLITE_OK)
		return sql_fail(db, err);
	return 0;
}

void
user_info_free(struct user_info *u)
{
	size_t i;
	for (i = 0; i < u->nregions; i++)
		free(u->regions[i]);
	free(u->regions);
	u->regions = NULL;
	u->nregions = 0;
}

static void
split_regions(struct user_info *u, const char *s)
{
	while (s != NULL && *s != '\0') {
		size_t n = strcspn(s, " ");
		if (n > 0) {
			u->regions = xreallocarray(u->regions, u->nregions + 1,
			    sizeof *u->regions);
			u->regions[u->nregions++] = xstrndup(s, n);
		}
		s += n;
		s += *s == ' ';
	}
}

int
user_lookup(struct db *db, const char *name, struct user_info *out,
    char **err)
{
	sqlite3_stmt *st;
	int rc;

	memset(out, 0, sizeof *out);
	snprintf(out->name, sizeof out->name, "%s", name != NULL ? name : "");
	/* once per save: a statement kept on the connection */
	if ((st = db_cached(db, "SELECT 1 FROM sqlite_schema WHERE type = "
	    "'table' AND name = 'kesra_user'", err)) == NULL)
		return -1;
	rc = sqlite3_step(st);
	sqlite3_reset(st);
	if (rc != SQLITE_ROW && rc != SQLITE_DONE)
		return sql_fail(db, err);
	if (rc == SQLITE_DONE) {
		out->open = 1;
		out->role = ROLE_ADMIN;
		return 0;
	}
	if ((st = db_cached(db, "SELECT role, regions, disabled, (SELECT "
	    "count(*) FROM kesra_user), (SELECT value FROM kesra_meta WHERE "
	    "key = 'unknown_users') FROM (SELECT 1) LEFT JOIN kesra_user ON "
	    "name = ?", err)) == NULL)
		return -1;
	sqlite3_bind_text(st, 1, out->name, -1, SQLITE_STATIC);
	rc = sqlite3_step(st);
	if (rc != SQLITE_ROW) {
		sqlite3_reset(st);
		return sql_fail(db, err);
	}
	if (sqlite3_column_int64(st, 3) == 0) {
		out->open = 1;
		out->role = ROLE_ADMIN;
	} else if (sqlite3_column_type(st, 0) != SQLITE_NULL) {
		out->known = 1;
		out->disabled = sqlite3_column_int(st, 2) != 0;
		out->role = out->disabled ? ROLE_NONE : user_role_lookup(
		    (const char *)sqlite3_column_text(st, 0));
		split_regions(out, (const char *)sqlite3_column_text(st, 1));
	}
	/* a disabled user is refused, read-only policy or not */
	if (out->role == ROLE_NONE && !out->known &&
	    sqlite3_column_text(st, 4) != NULL &&
	    strcmp((const char *)sqlite3_column_text(st, 4), "read-only") == 0)
		out->read_only = 1;
	sqlite3_reset(st);
	sqlite3_clear_bindings(st);
	return 0;
}

int
user_info_can(const struct user_info *u, enum user_action action,
    char **err)
{
	static const enum user_role need[] = {
		[ACTION_READ] = ROLE_OPERATOR,
		[ACTION_EDIT] = ROLE_OPERATOR,
		[ACTION_ACCEPT] = ROLE_SUPERVISOR,
		[ACTION_VERIFY] = ROLE_SUPERVISOR,
		[ACTION_UNLOCK] = ROLE_ADMIN,
		[ACTION_USERS] = ROLE_ADMIN,
		[ACTION_MIGRATE] = ROLE_ADMIN,
		[ACTION_EXPORT] = ROLE_ADMIN,
	};
	static const char *const what[] = {
		[ACTION_READ] = N_("read this database"),
		[ACTION_EDIT] = N_("enter or change records"),
		[ACTION_ACCEPT] = N_("accept warnings"),
		[ACTION_VERIFY] = N_("verify or lock records"),
		[ACTION_UNLOCK] = N_("unlock records"),
		[ACTION_USERS] = N_("manage users"),
		[ACTION_MIGRATE] = N_("migrate the database"),
		[ACTION_EXPORT] = N_("export records"),
	};
	char *sn;

	if (u->role >= need[action])
		return 1;
	if (u->role == ROLE_NONE && action == ACTION_READ && u->read_only)
		return 1;
	sn = util_sanitize(u->name, 0);
	if (u->role == ROLE_NONE && u->known)
		util_err(err, _("user %s is disabled in this database"), sn);
	else if (u->role == ROLE_NONE && u->read_only)
		util_err(err, _("user %s may only read this database (not a "
		    "kesra user); cannot %s"), sn, _(what[action]));
	else if (u->role == ROLE_NONE)
		util_err(err, _("user %s is not a kesra user of this database; "
		    "ask an admin to run 'kesra user add %s --role operator'"),
		    sn, sn);
	else
		util_err(err, _("user %s (%s) may not %s: that needs the role "
		    "%s"), sn, user_role_name(u->role), _(what[action]),
		    user_role_name(need[action]));
	free(sn);
	return 0;
}

int
user_can(struct db *db, const char *user, enum user_action action,
    char **err)
{
	struct user_info u;
	int rc;

	if (user_lookup(db, user, &u, err) < 0)
		return -1;
	rc = user_info_can(&u, action, err);
	user_info_free(&u);
	return rc;
}

int
user_in_region(const struct user_info *u, const char *code)
{
	size_t i, n;

	if (u->role == ROLE_ADMIN || u->nregions == 0)
		return 1;
	if (code == NULL)
		return 0;
	for (i = 0; i < u->nregions; i++) {
		n = strlen(u->regions[i]);
		if (strncmp(code, u->regions[i], n) == 0)
			return 1;
	}
	return 0;
}

int
user_can_see(struct db *db, const char *user, const struct record *r,
    char **err)
{
	struct user_info u;
	const char *code;
	char *sc, *su;
	int rf, rc = 1;

	if (r->def->parent != NULL || (rf = user_region_field(r->def)) < 0)
		return 1;
	if (user_lookup(db, user, &u, err) < 0)
		return -1;
	code = r->val[rf];
	if (!(u.role == ROLE_NONE && u.read_only) && !user_in_region(&u,
	    code)) {
		sc = util_sanitize(code != NULL ? code : "-", 0);
		su = util_sanitize(user, 0);
		util_err(err, _("%s in region %s is outside the regions of user "
		    "%s"), r->def->name, sc, su);
		free(sc);
		free(su);
		rc = 0;
	}
	user_info_free(&u);
	return rc;
}

int
user_region_field(const struct sch_record *def)
{
	size_t i;
	int best = -1;

	for (i = 0; i < def->nfields; i++)
		if (def->fields[i].type == FT_REGION &&
		    schema_field_stored(&def->fields[i]) && (best < 0 ||
		    def->fields[i].level > def->fields[best].level))
			best = (int)i;
	return best;
}

/* Regions as stored: codes joined by single spaces. */
static char *
join_regions(char *const *regions, size_t n)
{
	struct sbuf b = {0};
	size_t i;
	for (i = 0; i < n; i++) {
		if (i > 0)
			sbuf_addc(&b, ' ');
		sbuf_add(&b, regions[i]);
	}
	return sbuf_steal(&b);
}

static int
check_name(const char *name, char **err)
{
	size_t i, n = name != NULL ? strlen(name) : 0;
	if (n == 0 || n >= 64)
		return util_err(err, _("a user name has 1 to 63 characters"));
	for (i = 0; i < n; i++) {
		unsigned char c = (unsigned char)name[i];
		if (!(c >= 'a' && c <= 'z') && !(c >= 'A' && c <= 'Z') &&
		    !(c >= '0' && c <= '9') && c != '_' && c != '-' &&
		    c != '.' && !(c == '$' && i == n - 1))
			return util_err(err, _("'%c' cannot be part of a user "
			    "name (letters, digits, _ - . only)"), c);
	}
	return 0;
}

static int
check_regions(char *const *regions, size_t n, char **err)
{
	size_t i;
	for (i = 0; i < n; i++)
		if (regions[i][0] == '\0' || strspn(regions[i],
		    "0123456789.") != strlen(regions[i]))
			return util_err(err, _("'%s' is not a region code "
			    "(digits and dots, e.g. 92.01)"), regions[i]);
	return 0;
}

static int
begin(struct db *db, char **err)
{
	if (sqlite3_exec(db_sqlite(db), "BEGIN IMMEDIATE", NULL, NULL, NULL) !=
	    SQLITE_OK)
		return sql_fail(db, err);
	return 0;
}

static int
finish(struct db *db, int rc, char **err)
{
	if (rc == 0 && sqlite3_exec(db_sqlite(db), "COMMIT", NULL, NULL,
	    NULL) != SQLITE_OK)
		rc = sql_fail(db, err);
	if (rc < 0)
		sqlite3_exec(db_sqlite(db), "ROLLBACK", NULL, NULL, NULL);
	return rc;
}

static int
insert_user(struct db *db, const char *name, enum user_role role,
    const char *regions, const char *by, const char *now, char **err)
{
	struct audit_entry e = {0};
	sqlite3_stmt *st;
	int rc;

	if (sqlite3_prepare_v2(db_sqlite(db), "INSERT INTO kesra_user (name, "
	    "role, regions, created_at, created_by) VALUES (?, ?, ?, ?, ?)",
	    -1, &st, NULL) != SQLITE_OK)
		return sql_fail(db, err);
	sqlite3_bind_text(st, 1, name, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 2, user_role_name(role), -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 3, regions, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 4, now, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 5, by, -1, SQLITE_STATIC);
	rc = sqlite3_step(st);
	sqlite3_finalize(st);
	if (rc == SQLITE_CONSTRAINT_PRIMARYKEY || (rc & 0xff) ==
	    SQLITE_CONSTRAINT) {
		char *sn = util_sanitize(name, 0);
		util_err(err, _("user %s exists already; use 'kesra user "
		    "set-role'"), sn);
		free(sn);
		return -1;
	}
	if (rc != SQLITE_DONE)
		return sql_fail(db, err);
	e.record = "kesra_user";
	e.field = name;
	e.new_value = user_role_name(role);
	e.reason = *regions != '\0' ? regions : NULL;
	e.action = "user";
	return db_audit_add(db, now, by, &e, err);
}

static int
count_users(struct db *db, int64_t *n, char **err)
{
	sqlite3_stmt *st;
	int rc;
	if (sqlite3_prepare_v2(db_sqlite(db), "SELECT count(*) FROM "
	    "kesra_user", -1, &st, NULL) != SQLITE_OK)
		return sql_fail(db, err);
	rc = sqlite3_step(st);
	*n = sqlite3_column_int64(st, 0);
	sqlite3_finalize(st);
	return rc == SQLITE_ROW ? 0 : sql_fail(db, err);
}

int
user_add(struct db *db, const char *name, enum user_role role,
    char *const *regions, size_t nregions, const char *by_user,
    char **note, char **err)
{
	char now[32], *reg;
	int64_t n = 0;
	int rc;

	*note = NULL;
	if (check_name(name, err) < 0 || check_regions(regions, nregions,
	    err) < 0)
		return -1;
	if (role == ROLE_NONE)
		return util_err(err, _("the role is operator, supervisor or "
		    "admin"));
	if (!have_table(db))
		return util_err(err, _("%s: the database has no users table; "
		    "run 'kesra migrate'"), db_path(db));
	util_now(now, sizeof now);
	reg = join_regions(regions, nregions);
	if ((rc = begin(db, err)) == 0)
		rc = count_users(db, &n, err);
	if (rc == 0 && n == 0 && !(strcmp(name, by_user) == 0 &&
	    role == ROLE_ADMIN)) {
		char *sb = util_sanitize(by_user, 0);
		if (strcmp(name, by_user) == 0)
			rc = util_err(err, _("the first user must be an admin: "
			    "run 'kesra user add %s --role admin' first"), sb);
		else if ((rc = insert_user(db, by_user, ROLE_ADMIN, "",
		    by_user, now, err)) == 0)
			*note = xasprintf(_("the first user: %s added as "
			    "admin"), sb);
		free(sb);
	}
	if (rc == 0)
		rc = insert_user(db, name, role, reg, by_user, now, err);
	free(reg);
	rc = finish(db, rc, err);
	if (rc < 0) {
		free(*note);
		*note = NULL;
	}
	return rc;
}

/* Set one column of an existing user, with its audit row. */
static int
update_user(struct db *db, const char *name, const char *column,
    const char *value, const char *by_user, char **err)
{
	struct audit_entry e = {0};
	sqlite3_stmt *st;
	char now[32], *sql, *old = NULL;
	int rc;

	if (check_name(name, err) < 0)
		return -1;
	if (!have_table(db))
		return util_err(err, _("%s: the database has no users table; "
		    "run 'kesra migrate'"), db_path(db));
	util_now(now, sizeof now);
	if (begin(db, err) < 0)
		return -1;
	sql = xasprintf("SELECT %s FROM kesra_user WHERE name = ?", column);
	rc = sqlite3_prepare_v2(db_sqlite(db), sql, -1, &st, NULL);
	free(sql);
	if (rc != SQLITE_OK)
		return finish(db, sql_fail(db, err), err);
	sqlite3_bind_text(st, 1, name, -1, SQLITE_STATIC);
	rc = sqlite3_step(st);
	if (rc == SQLITE_ROW)
		old = xstrdup(sqlite3_column_text(st, 0) != NULL ?
		    (const char *)sqlite3_column_text(st, 0) : "");
	sqlite3_finalize(st);
	if (old == NULL) {
		char *sn = util_sanitize(name, 0);
		util_err(err, _("no user %s; see 'kesra user list'"), sn);
		free(sn);
		return finish(db, -1, err);
	}
	sql = xasprintf("UPDATE kesra_user SET %s = ? WHERE name = ?", column);
	rc = sqlite3_prepare_v2(db_sqlite(db), sql, -1, &st, NULL);
	free(sql);
	if (rc != SQLITE_OK) {
		free(old);
		return finish(db, sql_fail(db, err), err);
	}
	sqlite3_bind_text(st, 1, value, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 2, name, -1, SQLITE_STATIC);
	rc = sqlite3_step(st) == SQLITE_DONE ? 0 : sql_fail(db, err);
	sqlite3_finalize(st);
	if (rc == 0) {
		char *f = xasprintf("%s.%s", name, column);
		e.record = "kesra_user";
		e.field = f;
		e.old_value = old;
		e.new_value = value;
		e.action = "user";
		rc = db_audit_add(db, now, by_user, &e, err);
		free(f);
	}
	free(old);
	return finish(db, rc, err);
}

int
user_set_role(struct db *db, const char *name, enum user_role role,
    const char *by_user, char **err)
{
	if (role == ROLE_NONE)
		return util_err(err, _("the role is operator, supervisor or "
		    "admin"));
	return update_user(db, name, "role", user_role_name(role), by_user,
	    err);
}

int
user_set_regions(struct db *db, const char *name, char *const *regions,
    size_t nregions, const char *by_user, char **err)
{
	char *reg;
	int rc;
	if (check_regions(regions, nregions, err) < 0)
		return -1;
	reg = join_regions(regions, nregions);
	rc = update_user(db, name, "regions", reg, by_user, err);
	free(reg);
	return rc;
}

int
user_set_disabled(struct db *db, const char *name, int disabled,
    const char *by_user, char **err)
{
	return update_user(db, name, "disabled", disabled ? "1" : "0",
	    by_user, err);
}

int
user_set_unknown(struct db *db, const char *policy, const char *by_user,
    char **err)
{
	struct audit_entry e = {0};
	sqlite3_stmt *st;
	char now[32];
	int rc;

	if (strcmp(policy, "refuse") != 0 && strcmp(policy, "read-only") != 0)
		return util_err(err, _("unknown users: 'refuse' or "
		    "'read-only'"));
	util_now(now, sizeof now);
	if (begin(db, err) < 0)
		return -1;
	if (sqlite3_prepare_v2(db_sqlite(db), "INSERT INTO kesra_meta (key, "
	    "value) VALUES ('unknown_users', ?) ON CONFLICT (key) DO UPDATE "
	    "SET value = excluded.value", -1, &st, NULL) != SQLITE_OK)
		return finish(db, sql_fail(db, err), err);
	sqlite3_bind_text(st, 1, policy, -1, SQLITE_STATIC);
	rc = sqlite3_step(st) == SQLITE_DONE ? 0 : sql_fail(db, err);
	sqlite3_finalize(st);
	e.record = "kesra_user";
	e.field = "unknown_users";
	e.new_value = policy;
	e.action = "user";
	if (rc == 0)
		rc = db_audit_add(db, now, by_user, &e, err);
	return finish(db, rc, err);
}

static void
tsv(struct sbuf *b, const unsigned char *v, char end)
{
	char *s = util_sanitize(v != NULL ? (const char *)v : "", 0);
	char *p;
	for (p = s; *p != '\0'; p++)
		if (*p == '\t')
			*p = ' ';
	sbuf_add(b, s);
	sbuf_addc(b, end);
	free(s);
}

int
user_list(struct db *db, struct sbuf *out, char **err)
{
	sqlite3_stmt *st;
	int rc, i;

	sbuf_add(out, "name\trole\tregions\tdisabled\tcreated_at\tcreated_by\n");
	if (!have_table(db))
		return 0;
	if (sqlite3_prepare_v2(db_sqlite(db), "SELECT name, role, regions, "
	    "disabled, created_at, created_by FROM kesra_user ORDER BY name",
	    -1, &st, NULL) != SQLITE_OK)
		return sql_fail(db, err);
	while ((rc = sqlite3_step(st)) == SQLITE_ROW)
		for (i = 0; i < 6; i++)
			tsv(out, sqlite3_column_text(st, i), i < 5 ? '\t' :
			    '\n');
	sqlite3_finalize(st);
	return rc == SQLITE_DONE ? 0 : sql_fail(db, err);
}
