/*
 * fuzz_csv: libFuzzer target for the CSV reader. The first byte chooses
 * the separator (',' ';' or tab); the rest is read as a file, record by
 * record, to the end or the first error. Every record read is written
 * back with csv_write_record and read again: it must give the same fields
 * (the writer quotes what it must, the reader undoes it).
 */
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "csv.h"
#include "util.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void
roundtrip(const struct csv_record *rec, char sep)
{
	struct csv_reader *r2;
	const struct csv_record *back;
	char *buf = NULL, *err = NULL;
	size_t len = 0, i;
	FILE *f;

	/* A record of one empty field writes as a blank line, which the
	 * reader skips: nothing to compare. */
	if (rec->n == 1 && rec->len[0] == 0)
		return;
	if ((f = open_memstream(&buf, &len)) == NULL)
		abort();
	if (csv_write_record(f, (const char *const *)rec->field, rec->n, sep,
	    0, &err) < 0)
		abort();
	fclose(f);
	if (csv_open_mem(&r2, buf, len, NULL, sep, &err) < 0)
		abort();
	if (csv_read(r2, &back, &err) != 1) {
		fprintf(stderr, "written record does not read back: %s\n",
		    err != NULL ? err : "end");
		abort();
	}
	if (back->n != rec->n)
		abort();
	for (i = 0; i < rec->n; i++)
		if (back->len[i] != rec->len[i] ||
		    memcmp(back->field[i], rec->field[i], rec->len[i]) != 0)
			abort();
	csv_close(r2);
	free(buf);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const char seps[] = {',', ';', '\t'};
	struct csv_reader *r;
	const struct csv_record *rec;
	char *err = NULL, sep;
	int rc, n = 0;

	if (size < 1)
		return 0;
	sep = seps[data[0] % 3];
	if (csv_open_mem(&r, (const char *)data + 1, size - 1, "fuzz.csv", sep,
	    &err) < 0)
		abort();
	while ((rc = csv_read(r, &rec, &err)) == 1) {
		if (rec->n < 1)
			abort();
		if (n++ < 8)
			roundtrip(rec, sep);
	}
	if (rc < 0) {
		long line, col;
		if (err == NULL || csv_error(r, &line, &col) == NULL ||
		    line < 1 || col < 1)
			abort();
		free(err);
		/* a failed reader stays failed */
		err = NULL;
		if (csv_read(r, &rec, &err) != -1)
			abort();
		free(err);
	}
	csv_close(r);
	return 0;
}
