/*
 * Verb demo: a new database filled with synthetic households.
 */
#include <stdint.h>
#include <stdio.h>
#ifdef __GLIBC__
#include <malloc.h>
#endif
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "cli.h"
#include "demo.h"
#include "i18n.h"
#include "util.h"

static void
demo_progress(void *ctx, long done, long total)
{
	(void)ctx;
	fputc('\r', stderr);
	fprintf(stderr, _("%ld of %ld households"), done, total);
	if (done == total)
		fputc('\n', stderr);
	fflush(stderr);
}

int
cmd_demo(struct opts *o)
{
	struct demo_opts d;
	struct demo_result res;
	struct diags dg = {0};
	struct expr_set *x;
	struct schema *s;
	struct timespec t0;
	struct db *db;
	unsigned long long v;
	char *err = NULL;
	const char *val;
	int i, bad = 0, have_n = 0, rc;

	memset(&d, 0, sizeof d);
	d.seed = 1;
	for (i = 0; i < o->nargs && !bad; i++) {
		v = 0;
		if ((val = arg_value(o, &i, "--households", &bad)) != NULL) {
			if (parse_count("--households", val,
			    DEMO_MAX_HOUSEHOLDS, &v) < 0)
				bad = 1;
			else if (v == 0) {
				fprintf(stderr, _("kesra: --households must be "
				    "1 to %ld\n"), DEMO_MAX_HOUSEHOLDS);
				bad = 1;
			}
			d.households = (long)v;
			have_n = 1;
		} else if ((val = arg_value(o, &i, "--seed", &bad)) != NULL) {
			if (parse_count("--seed", val, UINT64_MAX, &v) < 0)
				bad = 1;
			d.seed = v;
		} else if (!bad) {
			char *sv = util_sanitize(o->args[i], 0);
			fprintf(stderr, _("kesra: unexpected argument '%s'; see "
			    "'kesra --help'\n"), sv);
			free(sv);
			bad = 1;
		}
	}
	if (!bad && !have_n) {
		fprintf(stderr, _("kesra: demo needs --households N\n"));
		bad = 1;
	}
	if (bad)
		return 2;
#ifdef __GLIBC__
	/*
	 * SQLite's temporary tables for expressions come and go for every
	 * row: without this, glibc gives the memory back and faults it in
	 * again each time (a fifth of the run in the kernel).
	 */
	mallopt(M_TRIM_THRESHOLD, 64 << 20);
	mallopt(M_TOP_PAD, 8 << 20);
#endif
	if ((s = load_schema(o)) == NULL)
		return 1;
	if (open_db(o, s, 1, 0, 0, &db) < 0) {
		schema_free(s);
		return 1;
	}
	if (expr_register_functions(db_sqlite(db), &err) < 0 ||
	    (x = expr_compile(db_sqlite(db), s, &dg)) == NULL) {
		if (err != NULL)
			print_err(err);
		diags_print(&dg, stderr);
		diags_free(&dg);
		db_close(db);
		schema_free(s);
		return 1;
	}
	diags_free(&dg);
	if (isatty(STDERR_FILENO))
		d.progress = demo_progress;
	clock_gettime(CLOCK_MONOTONIC, &t0);
	rc = demo_run(db, x, &d, &res, &err);
	if (rc < 0)
		print_err(err);
	/* after a failure: what the batches before it wrote, if anything */
	if (rc == 0 || res.households > 0)
		printf(_("%s: %ld households, %ld persons written in %.1f s\n"),
		    db_path(db), res.households, res.persons,
		    seconds_since(&t0));
	expr_free(x);
	db_close(db);
	schema_free(s);
	return rc < 0 ? 1 : 0;
}

