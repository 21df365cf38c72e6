/*
 * demo: synthetic but plausible register data for trying kesra out and for
 * benchmarks: households of Papua Barat Daya (province 96 of the region
 * table) with their members, written through db_tree_save in batches.
 *
 * Generic over the dictionary: the root record that has a roster of
 * persons is the household; every stored field of it and of its rosters is
 * filled by its type (a code of its value set that passes its choice
 * filter, a number within min/max, a date, yes/no, a region code at its
 * level inside the household's village, a NIK, a KK, a phone), then the
 * fields the welfare dictionary names (kk_number, members, decile, result,
 * name, nik, sex, birth_date, relationship, pregnant, height_cm, d_*, ...)
 * are made consistent with each other; unknown names are just filled by
 * type. Calculations and relevance are applied with expr_refresh, so the
 * stored indicators are the dictionary's own. The same seed gives the same
 * values (record uuids and timestamps differ).
 *
 * Synthetic data must never mix with a real register: a database that
 * holds any record of the household type is refused.
 */
#ifndef KESRA_DEMO_H
#define KESRA_DEMO_H

#include <stdint.h>

#include "db.h"
#include "expr.h"

#define DEMO_MAX_HOUSEHOLDS 10000000L
#define DEMO_BATCH 25000 /* households per transaction */

struct demo_opts {
	long households;  /* 1..DEMO_MAX_HOUSEHOLDS */
	uint64_t seed;
	long batch;       /* households per transaction; 0: DEMO_BATCH */
	const char *user; /* created_by; NULL: "demo" */
	/*
	 * 0: households are made in a thread of their own (on a second,
	 * read-only connection to the file) while this one saves them; the
	 * data is the same either way. 1: all in the caller's thread.
	 */
	int single_thread;
	/* Called after each committed batch (NULL: none). */
	void (*progress)(void *ctx, long done, long total);
	void *progress_ctx;
};

struct demo_result {
	long households; /* written (committed) */
	long persons;    /* rows of the person roster written */
};

/*
 * Generate and write o->households households into db (migrated to its
 * schema), with x compiled on db's connection (used when the households
 * are made in the caller's thread). Each batch is one transaction: on
 * failure the batch under way is rolled back, earlier batches stay, and
 * *res counts what was committed. Returns 0, or -1 with *err.
 */
int demo_run(struct db *db, struct expr_set *x, const struct demo_opts *o,
    struct demo_result *res, char **err);

#endif
