/*
 * Verbs backup and restore: an online copy of the database with the
 * SQLite backup API (db_backup), and its checked return (db_restore).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "cli.h"
#include "i18n.h"
#include "transfer.h"
#include "user.h"
#include "util.h"

/* 1 when path names the database file itself. */
static int
same_file(const char *path, const char *db)
{
	struct stat a, b;
	return stat(path, &a) == 0 && stat(db, &b) == 0 &&
	    a.st_dev == b.st_dev && a.st_ino == b.st_ino;
}

/* The one FILE argument of backup / restore, or NULL after a message. */
static const char *
one_file(struct opts *o, const char *verb)
{
	char *sv;
	if (o->nargs == 1 && o->args[0][0] != '-' && o->args[0][0] != '\0')
		return o->args[0];
	if (o->nargs > 1 || (o->nargs == 1 && o->args[0][0] == '-')) {
		sv = util_sanitize(o->args[o->nargs > 1 ? 1 : 0], 0);
		fprintf(stderr, _("kesra: unexpected argument '%s'; see "
		    "'kesra --help'\n"), sv);
		free(sv);
	} else
		fprintf(stderr, _("kesra: %s needs FILE\n"), verb);
	return NULL;
}

static void
backup_progress(void *ctx, long done, long total)
{
	struct timespec *t0 = ctx;
	if (seconds_since(t0) < 0.5 && done < total)
		return;
	fputc('\r', stderr);
	fprintf(stderr, _("%ld of %ld pages"), done, total);
	if (done >= total)
		fputc('\n', stderr);
	fflush(stderr);
}

/*
 * The FILE argument of verb, the dictionary and the database, once the
 * current user may do action: 0, 2 (usage) or 1 (refused or failed, said).
 */
static int
open_for(struct opts *o, const char *verb, int create, int action,
    const char **file, struct schema **s, struct db **db)
{
	char *sv;

	if ((*file = one_file(o, verb)) == NULL)
		return 2;
	if (same_file(*file, o->db_path)) {
		sv = util_sanitize(*file, 0);
		fprintf(stderr, _("kesra: %s is the database itself\n"), sv);
		free(sv);
		return 1;
	}
	if ((*s = load_schema(o)) == NULL)
		return 1;
	if (open_db(o, *s, create, 0, 0, db) < 0) {
		schema_free(*s);
		return 1;
	}
	if (!cli_allowed(*db, action)) {
		db_close(*db);
		schema_free(*s);
		return 1;
	}
	return 0;
}

int
cmd_backup(struct opts *o)
{
	struct schema *s;
	struct db *db;
	struct timespec t0;
	const char *file;
	char *err = NULL, *sv;
	int rc;

	/* a backup is a full copy of the register: as much as an export */
	if ((rc = open_for(o, "backup", 0, ACTION_EXPORT, &file, &s, &db)) != 0)
		return rc;
	clock_gettime(CLOCK_MONOTONIC, &t0);
	rc = db_backup(db, file, isatty(STDERR_FILENO) ? backup_progress :
	    NULL, &t0, &err);
	if (rc < 0)
		print_err(err);
	else {
		sv = util_sanitize(file, 0);
		printf(_("%s: backup written in %.1f s\n"), sv,
		    seconds_since(&t0));
		free(sv);
	}
	db_close(db);
	schema_free(s);
	return rc < 0 ? 1 : 0;
}

/*
 * Remove the database restore made for nothing: the file (and its journal
 * files) did not exist before and the restore failed.
 */
static void
drop_created(const char *path)
{
	static const char *const suffix[] = { "", "-wal", "-shm", "-journal" };
	char buf[4096];
	size_t i;

	for (i = 0; i < sizeof suffix / sizeof suffix[0]; i++)
		if ((size_t)snprintf(buf, sizeof buf, "%s%s", path, suffix[i]) <
		    sizeof buf)
			unlink(buf);
}

int
cmd_restore(struct opts *o)
{
	struct schema *s;
	struct db *db;
	struct stat st;
	const char *file;
	char *err = NULL, *sv;
	int rc, existed;

	/* replacing the whole register: an admin's job, as a migration */
	existed = stat(o->db_path, &st) == 0;
	if ((rc = open_for(o, "restore", 1, ACTION_MIGRATE, &file, &s,
	    &db)) != 0) {
		if (!existed && rc == 1)
			drop_created(o->db_path);
		return rc;
	}
	rc = db_restore(db, file, &err);
	if (rc < 0)
		print_err(err);
	else {
		sv = util_sanitize(file, 0);
		printf(_("%s: restored from %s\n"), db_path(db), sv);
		free(sv);
	}
	db_close(db);
	schema_free(s);
	/* a refused restore leaves no empty register behind */
	if (rc < 0 && !existed)
		drop_created(o->db_path);
	return rc < 0 ? 1 : 0;
}
