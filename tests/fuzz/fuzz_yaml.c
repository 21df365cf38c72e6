/*
 * fuzz_yaml: libFuzzer target for the dictionary loader. Each input is
 * written as the one dictionary file of a private schema folder (beside a
 * small regions file, so that `regions: regions.csv` loads something) and
 * loaded as `kesra check` does: schema_yaml_load_partial, then every
 * expression compiled by expr_check_schema.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "expr.h"
#include "schema.h"
#include "schema_yaml.h"
#include "util.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static char *dir, *dict;

static void
put(const char *path, const void *data, size_t n)
{
	FILE *f = fopen(path, "wb");
	if (f == NULL || fwrite(data, 1, n, f) != n || fclose(f) != 0) {
		perror(path);
		abort();
	}
}

/* Remove the private folder when the fuzzer exits. */
static void
cleanup(void)
{
	static const char *const names[] = {"dict.yaml", "regions.csv",
	    "wilayah.csv", "wilayah_retired.csv"};
	size_t i;
	for (i = 0; i < sizeof names / sizeof names[0]; i++) {
		char *p = xasprintf("%s/%s", dir, names[i]);
		unlink(p);
		free(p);
	}
	rmdir(dir);
}

static void
setup(void)
{
	static const char regions[] =
	    "code,name,level\n"
	    "92,Papua Barat Daya,province\n"
	    "92.01,Kabupaten Sorong,regency\n"
	    "92.01.01,Aimas,district\n"
	    "92.01.01.2001,Malawili,village\n";
	static const char retired[] =
	    "code,name,level,first_seen,last_seen\n"
	    "91.01,KAB. MERAUKE,regency,2016,2022\n";
	char tmpl[] = "/tmp/kesra-fuzz-yaml-XXXXXX";
	char *p;

	if (mkdtemp(tmpl) == NULL) {
		perror("mkdtemp");
		abort();
	}
	dir = strdup(tmpl);
	p = xasprintf("%s/regions.csv", dir);
	put(p, regions, sizeof regions - 1);
	free(p);
	p = xasprintf("%s/wilayah.csv", dir);
	put(p, regions, sizeof regions - 1);
	free(p);
	p = xasprintf("%s/wilayah_retired.csv", dir);
	put(p, retired, sizeof retired - 1);
	free(p);
	dict = xasprintf("%s/dict.yaml", dir);
	atexit(cleanup);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct diags d = {0};
	struct schema *s;

	if (dir == NULL)
		setup();
	if (size > 256 * 1024)
		return 0;
	put(dict, data, size);
	s = schema_yaml_load_partial(dir, NULL, &d);
	if (s != NULL) {
		expr_check_schema(s, &d);
		schema_free(s);
	}
	diags_free(&d);
	return 0;
}
