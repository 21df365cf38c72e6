/*
 * fault_saver: saves households through db_tree_save, for the fault
 * injection test (tests/cli/faults.sh), which kills it with SIGKILL at a
 * random moment and then checks the database.
 *
 *   fault_saver SCHEMA_DIR DB FIRST COUNT [BATCH]
 *
 * Saves COUNT households named "hFIRST", "hFIRST+1", ..., each with three
 * members and a long address. BATCH 0 (default): one transaction per
 * household, as the entry form saves; its line "ID NAME" is printed (and
 * flushed) only after db_tree_save returned, i.e. after COMMIT. BATCH N:
 * N households per db_begin/db_commit transaction, as an import does; the
 * N lines are printed after db_commit returned, and every household of
 * the batch carries the batch's name in `batch` (all or none of a batch
 * must be there). Exit 0, or 1 on the first failure (printed on stderr).
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "db.h"
#include "record.h"
#include "schema.h"
#include "schema_yaml.h"
#include "util.h"

int
main(int argc, char **argv)
{
	struct diags d = {0};
	struct schema *s;
	struct db *db;
	const struct sch_record *hh, *mem;
	struct sbuf plan = {0};
	char *err = NULL, name[64], batch[64], *addr;
	long first, count, nbatch, i, j, k;
	int64_t *ids;

	if (argc < 5) {
		fprintf(stderr, "usage: fault_saver SCHEMA_DIR DB FIRST COUNT "
		    "[BATCH]\n");
		return 2;
	}
	first = atol(argv[3]);
	count = atol(argv[4]);
	nbatch = argc > 5 ? atol(argv[5]) : 0;
	if ((s = schema_yaml_load(argv[1], NULL, &d)) == NULL) {
		diags_print(&d, stderr);
		return 1;
	}
	hh = schema_record(s, "household");
	mem = schema_record(s, "member");
	if (db_open(&db, argv[2], s, DB_OPEN_CREATE, &err) < 0 ||
	    (!db_is_current(db) && db_migrate(db, 0, &plan, &err) < 0)) {
		fprintf(stderr, "fault_saver: %s\n", err);
		return 1;
	}
	sbuf_free(&plan);
	/* some kilobytes per household, so that a save spans pages */
	addr = xmalloc(2001);
	memset(addr, 'a', 1000);
	addr[1000] = '\0';
	ids = xcalloc(nbatch > 0 ? (size_t)nbatch : 1, sizeof *ids);
	setvbuf(stdout, NULL, _IOLBF, 0);
	for (i = 0; i < count; i += nbatch > 0 ? nbatch : 1) {
		long n = nbatch > 0 ? nbatch : 1;
		if (i + n > count)
			n = count - i;
		snprintf(batch, sizeof batch, "b%ld", first + i);
		if (nbatch > 0 && db_begin(db, &err) < 0)
			goto fail;
		for (j = 0; j < n; j++) {
			struct record *root = record_new(hh), *rows[3];
			struct db_roster ro = {mem, rows, 3, NULL, 0};
			int rc;
			snprintf(name, sizeof name, "h%ld", first + i + j);
			record_set_by_name(root, "name", name);
			record_set_by_name(root, "address", addr);
			if (nbatch > 0)
				record_set_by_name(root, "batch", batch);
			for (k = 0; k < 3; k++) {
				char mn[80], seq[8];
				rows[k] = record_new(mem);
				snprintf(mn, sizeof mn, "%s.m%ld", name, k);
				snprintf(seq, sizeof seq, "%ld", k + 1);
				record_set_by_name(rows[k], "name", mn);
				record_set_by_name(rows[k], "seq", seq);
			}
			rc = db_tree_save(db, root, &ro, 1, "fault", &err);
			ids[j] = root->id;
			for (k = 0; k < 3; k++)
				record_free(rows[k]);
			record_free(root);
			if (rc < 0)
				goto fail;
			if (nbatch == 0)
				printf("%lld h%ld\n", (long long)ids[0],
				    first + i);
		}
		if (nbatch > 0) {
			if (db_commit(db, &err) < 0)
				goto fail;
			for (j = 0; j < n; j++)
				printf("%lld h%ld\n", (long long)ids[j],
				    first + i + j);
		}
	}
	free(ids);
	free(addr);
	db_close(db);
	schema_free(s);
	return 0;
fail:
	fprintf(stderr, "fault_saver: %s\n", err);
	free(err);
	return 1;
}
