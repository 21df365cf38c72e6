/*
 * user: who may do what. Identity is the operating-system user (kesra keeps
 * no passwords); the table kesra_user gives each known user a role and the
 * regions they work in. Roles, each with the rights of the one before:
 * operator (enters and edits records of their regions), supervisor (also
 * verifies, locks, accepts warnings, changes verified records), admin (also
 * users, migration, export, unlock).
 *
 * Bootstrapping: a database with no users (a single-user install, the
 * state of every new file) is open to everyone as admin. Once a user
 * exists, an unknown or disabled user is refused, or may read only when
 * kesra_meta 'unknown_users' is 'read-only' (`kesra user unknown`).
 * Regions: codes; a record is in a region when its region field (the
 * deepest region field of its top-level record) starts with the code; a
 * user with no regions works in all of them.
 */
#ifndef KESRA_USER_H
#define KESRA_USER_H

#include <stdint.h>

#include "schema.h"
#include "util.h"

struct db;

enum user_role {
	ROLE_NONE = 0,   /* unknown or disabled: nothing, or read-only */
	ROLE_OPERATOR,
	ROLE_SUPERVISOR,
	ROLE_ADMIN,
};

enum user_action {
	ACTION_READ,    /* open the database, lists, reports */
	ACTION_EDIT,    /* enter and change records (of one's regions) */
	ACTION_ACCEPT,  /* accept a warning */
	ACTION_VERIFY,  /* verify, lock, return a verified record */
	ACTION_UNLOCK,  /* unlock a locked record */
	ACTION_USERS,   /* kesra user */
	ACTION_MIGRATE, /* apply a changed dictionary */
	ACTION_EXPORT,  /* export records */
};

struct user_info {
	char name[64];
	enum user_role role;
	char **regions; /* codes; none = every region */
	size_t nregions;
	int known;      /* a row of kesra_user (maybe disabled) */
	int disabled;
	int open;       /* no users at all: everyone is admin */
	int read_only;  /* unknown/disabled but unknown_users = read-only */
};

const char *user_role_name(enum user_role r);
/* ROLE_NONE when name is not a role. */
enum user_role user_role_lookup(const char *name);

/*
 * What kesra knows of name. A file without kesra_user, or with no rows, is
 * open: role admin. Returns 0, or -1 with *err (a database error).
 */
int user_lookup(struct db *db, const char *name, struct user_info *out,
    char **err);
void user_info_free(struct user_info *u);

/*
 * 1 when user may do action, 0 when not (with *err saying why, for the
 * operator), -1 on a database error (*err).
 */
int user_can(struct db *db, const char *user, enum user_action action,
    char **err);
/* The same for a user already looked up. */
int user_info_can(const struct user_info *u, enum user_action action,
    char **err);

/* 1 when region code (NULL: none) is within u's regions. */
int user_in_region(const struct user_info *u, const char *code);

/*
 * 1 when user may see top-level record r (its region is theirs, or it has
 * none), 0 when not (*err says why), -1 on error. For screens and verbs
 * that open a record by id (lists filter through db_set_session).
 */
struct record;
int user_can_see(struct db *db, const char *user, const struct record *r,
    char **err);

/* Index of the region field of a top-level record (the deepest), or -1. */
int user_region_field(const struct sch_record *def);

/*
 * The users table. add: a new user (role, regions); when the table is
 * empty and the first user is not by_user as admin, by_user is added as
 * admin first (so the one who sets up keeps control); *note then says so.
 * set_role, set_regions, disable, enable: an existing user. Every change
 * is written to the audit trail (record "kesra_user"). The caller checks
 * ACTION_USERS.
 */
int user_add(struct db *db, const char *name, enum user_role role,
    char *const *regions, size_t nregions, const char *by_user,
    char **note, char **err);
int user_set_role(struct db *db, const char *name, enum user_role role,
    const char *by_user, char **err);
int user_set_regions(struct db *db, const char *name, char *const *regions,
    size_t nregions, const char *by_user, char **err);
int user_set_disabled(struct db *db, const char *name, int disabled,
    const char *by_user, char **err);
/* kesra_meta 'unknown_users': "refuse" or "read-only". */
int user_set_unknown(struct db *db, const char *policy, const char *by_user,
    char **err);

/* kesra_user as TSV with a header (values sanitised) into out. */
int user_list(struct db *db, struct sbuf *out, char **err);

/* The table (db sync function, see sys_syncs in db.c). */
int db_user_sync(struct db *db, int dry_run, struct sbuf *plan, char **err);

#endif
