/*
 * cli.h: shared by main.c and the verbs (src/cmd_*.c). A verb is
 * `int cmd_NAME(struct opts *)` returning the exit status: 0 success,
 * 1 problems found or failure, 2 usage. Verbs use the core only.
 */
#ifndef KESRA_CLI_H
#define KESRA_CLI_H

#include <limits.h>
#include <time.h>

#include "db.h"
#include "expr.h"
#include "schema.h"

struct opts {
	const char *db, *schema, *lang;
	int dry_run;
	char *db_path, *schema_dir, *forms_dir;
	int lang_index; /* into the dictionary's languages */
	char **args;    /* verb arguments */
	int nargs;
};

struct verb {
	const char *name;
	int (*fn)(struct opts *);
	const char *usage;
	const char *help;
	int args; /* 1: fn parses o->args itself (and returns 2 when wrong) */
};

extern char exe_dir[PATH_MAX];

int is_dir(const char *);
int is_file(const char *);
int mkdirs(const char *);
void find_exe_dir(void);
int in_source_tree(void);
void resolve_paths(struct opts *);
const char *current_user(void);
void setup_i18n(const char *lang);
/* Load and check the dictionary; prints every mistake; NULL on failure. */
struct schema *load_schema(struct opts *);
/* Print "kesra: ERR" sanitised, and free err. */
void print_err(char *err);
/* umask 007 when the database's folder is setgid (group-shared). */
int shared_umask(const char *db_path);
int open_db(struct opts *, struct schema *, int create, int dry_run,
    int verbose, struct db **out);
/* 1 when the current user may do action (enum user_action of user.h) on
 * db; else 0 after printing why. */
int cli_allowed(struct db *db, int action);
int cli_open_all(struct opts *, int create, struct schema **,
    struct db **, struct expr_set **);
void cli_close_all(struct schema *, struct db *, struct expr_set *);
/*
 * cli_open_all, except that the expressions of a database that is current
 * (nothing to write) are left for cli_compile: *x may be NULL. For the
 * entry screens, which compile them after the first paint.
 */
int cli_open_all_late(struct opts *, int create, struct schema **,
    struct db **, struct expr_set **);
/* Compile the expressions into *x when NULL: 0, or -1 with d's mistakes. */
int cli_compile(struct schema *, struct db *, struct expr_set **,
    struct diags *d);
/* Value of --name N or --name=N in o->args at *i; NULL if not it (and *bad
 * set when the value is missing). */
const char *arg_value(struct opts *, int *i, const char *name, int *bad);
int parse_count(const char *opt, const char *v, unsigned long long max,
    unsigned long long *out);
double seconds_since(const struct timespec *t0);

/* The verbs */
int cmd_check(struct opts *);
int cmd_demo(struct opts *);
int cmd_drafts(struct opts *);
int cmd_init(struct opts *);
int cmd_migrate(struct opts *);
int cmd_report(struct opts *);
int cmd_import(struct opts *);
int cmd_export(struct opts *);
int cmd_backup(struct opts *);
int cmd_restore(struct opts *);
int cmd_user(struct opts *);
int cmd_audit(struct opts *);
int cmd_status(struct opts *);
int cmd_verify(struct opts *);
int cmd_validate(struct opts *);
int cmd_search(struct opts *);

#endif
