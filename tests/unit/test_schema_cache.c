/*
 * test_schema_cache: the parsed dictionary's binary image and its cache
 * file. An image reads back to the same schema; a damaged, truncated,
 * stale or foreign image, or one from another dictionary, is refused and
 * the YAML parsed instead; a cache folder that cannot be written costs
 * nothing but the parse; a cache file that is not private, not ours or a
 * symbolic link is not read.
 */
#include "testutil.h"

#include "schema_cache.h"

static const char *const dicts[][2] = {
	{"schema", "forms"},
	{"tests/data/constructs/schema", "tests/data/constructs/forms"},
	{"tests/data/starter/schema", "tests/data/starter/forms"},
	{"tests/data/two_fields/schema", NULL},
	{"tests/data/fault/schema", NULL},
	{"tests/data/generated/schema", NULL},
};
#define NDICTS (sizeof dicts / sizeof dicts[0])

static struct schema *
load_yaml(const char *sdir, const char *fdir)
{
	struct diags d = {0};
	struct schema *s = schema_yaml_load(sdir, fdir, &d);
	if (s == NULL || d.n > 0) {
		tu_diags_dump(&d);
		fail_msg("the dictionary in %s did not load", sdir);
	}
	diags_free(&d);
	return s;
}

/* Every fixture dictionary: image -> schema -> the same image. */
static void
test_round_trip(void **state)
{
	size_t i;
	(void)state;
	for (i = 0; i < NDICTS; i++) {
		struct schema *s = load_yaml(dicts[i][0], dicts[i][1]), *r;
		struct sbuf a = {0}, b = {0};
		size_t k;

		schema_image_write(s, 42, &a);
		r = schema_image_read(a.s, a.len, 42);
		if (r == NULL)
			fail_msg("the image of %s was refused", dicts[i][0]);
		schema_image_write(r, 42, &b);
		assert_int_equal(a.len, b.len);
		assert_memory_equal(a.s, b.s, a.len);
		assert_string_equal(r->hash, s->hash);
		assert_string_equal(r->name, s->name);
		assert_int_equal(r->nrecords, s->nrecords);
		for (k = 0; k < s->nrecords; k++) {
			const struct sch_record *x = &s->records[k],
			    *y = &r->records[k];
			size_t j;
			assert_string_equal(x->name, y->name);
			assert_int_equal(x->nfields, y->nfields);
			assert_int_equal(x->npages, y->npages);
			assert_int_equal(x->nsearch_cols, y->nsearch_cols);
			for (j = 0; j < x->nsearch_cols; j++) {
				assert_int_equal(x->search_cols[j].field,
				    y->search_cols[j].field);
				assert_int_equal(x->search_cols[j].parent,
				    y->search_cols[j].parent);
			}
			for (j = 0; j < x->nfields; j++) {
				const struct sch_field *f = &x->fields[j],
				    *g = &y->fields[j];
				assert_int_equal(f->width, g->width);
				assert_int_equal(f->vs == NULL, g->vs == NULL);
				if (f->vs != NULL)
					assert_string_equal(f->vs->name,
					    g->vs->name);
				assert_int_equal(f->pattern_re == NULL,
				    g->pattern_re == NULL);
			}
		}
		for (k = 0; k < s->nvaluesets; k++)
			assert_int_equal(s->valuesets[k].numeric,
			    r->valuesets[k].numeric);
		sbuf_free(&a);
		sbuf_free(&b);
		schema_free(s);
		schema_free(r);
	}
}

/* Another key, every truncation, every damaged byte: refused. */
static void
test_damaged_images_refused(void **state)
{
	struct schema *s = load_yaml("schema", "forms");
	struct sbuf a = {0};
	char *copy;
	size_t n;

	(void)state;
	schema_image_write(s, 7, &a);
	assert_null(schema_image_read(a.s, a.len, 8));
	for (n = 0; n < a.len; n++)
		assert_null(schema_image_read(a.s, n, 7));
	copy = xmalloc(a.len + 1);
	memcpy(copy, a.s, a.len);
	copy[a.len] = 'x'; /* a byte too many */
	assert_null(schema_image_read(copy, a.len + 1, 7));
	for (n = 0; n < a.len; n += 13) {
		memcpy(copy, a.s, a.len);
		copy[n] ^= 0x20;
		assert_null(schema_image_read(copy, a.len, 7));
	}
	free(copy);
	sbuf_free(&a);
	schema_free(s);
}

/*
 * Damage behind a valid checksum (what the checksum cannot catch): the
 * reader never reads out of bounds or trusts a count (ASan/UBSan in make
 * test SAN=1), and what it accepts is a sound schema whose image reads
 * back the same.
 */
static void
test_damage_behind_checksum(void **state)
{
	struct schema *s = load_yaml("tests/data/constructs/schema",
	    "tests/data/constructs/forms");
	struct sbuf a = {0};
	unsigned int seed = 12345;
	char *copy;
	int i, refused = 0;

	(void)state;
	schema_image_write(s, 1, &a);
	copy = xmalloc(a.len);
	for (i = 0; i < 1500; i++) {
		struct schema *r;
		size_t at = 36 + (size_t)rand_r(&seed) % (a.len - 36);
		memcpy(copy, a.s, a.len);
		switch (i % 3) {
		case 0:
			copy[at] = (char)rand_r(&seed);
			break;
		case 1: /* a length or count made huge */
			copy[at] = (char)0xff;
			if (at + 3 < a.len)
				copy[at + 3] = (char)0x7f;
			break;
		default:
			copy[at] ^= 1;
		}
		schema_image_seal(copy, a.len);
		r = schema_image_read(copy, a.len, 1);
		if (r == NULL) {
			refused++;
			continue;
		}
		{
			struct sbuf b = {0};
			struct schema *r2;
			schema_image_write(r, 1, &b);
			r2 = schema_image_read(b.s, b.len, 1);
			assert_non_null(r2);
			assert_string_equal(r2->hash, r->hash);
			schema_free(r2);
			sbuf_free(&b);
		}
		schema_free(r);
	}
	/* most damage is caught (a changed letter of a label is not) */
	assert_true(refused > 500);
	free(copy);
	sbuf_free(&a);
	schema_free(s);
}

static char *
copy_dict(const char *dir, const char *from, const char *name)
{
	char *sdir = tu_mkdir(dir, name), *src = tu_path(from, "mini.yaml"),
	    *text = tu_read_file(src, NULL);
	assert_non_null(text);
	free(tu_write_file(sdir, "mini.yaml", text));
	free(text);
	free(src);
	return sdir;
}

static struct schema *
load_cached(const char *sdir, const char *cdir, enum schema_cache_how *how)
{
	struct diags d = {0};
	struct schema *s = schema_cache_load(sdir, NULL, cdir, "test", &d,
	    how);
	assert_non_null(s);
	assert_int_equal(d.n, 0);
	diags_free(&d);
	return s;
}

static const char *
person_label(const struct schema *s)
{
	return schema_record_label(schema_record(s, "person"), 0);
}

/* The cache file: written, read, stale, foreign, damaged, not private. */
static void
test_cache_file(void **state)
{
	const char *dir = *state;
	char *sdir = copy_dict(dir, "tests/data/two_fields/schema", "a");
	char *other = copy_dict(dir, "tests/data/two_fields/schema", "b");
	char *cdir = tu_path(dir, "cache/kesra"), *path, *opath, *text;
	char *yaml = tu_path(sdir, "mini.yaml"), *img;
	enum schema_cache_how how;
	struct schema *s;
	struct stat sb;
	size_t len;

	/* first start: parsed, image written, private */
	s = load_cached(sdir, cdir, &how);
	assert_int_equal(how, SC_WRITTEN);
	schema_free(s);
	path = schema_cache_path(cdir, sdir, NULL);
	assert_int_equal(stat(path, &sb), 0);
	assert_int_equal(sb.st_mode & 0777, 0600);
	assert_int_equal(stat(cdir, &sb), 0);
	assert_int_equal(sb.st_mode & 0777, 0700);

	/* next start: read from the image */
	s = load_cached(sdir, cdir, &how);
	assert_int_equal(how, SC_HIT);
	assert_string_equal(person_label(s), "Person");
	schema_free(s);

	/* the dictionary changed: the stale image is not used */
	text = tu_read_file(yaml, NULL);
	*strstr(text, "en: Person") = '\0';
	{
		char *t2 = xasprintf("%sen: Persona%s", text, text +
		    strlen(text) + strlen("en: Person"));
		tu_write_bytes(yaml, t2, strlen(t2));
		free(t2);
	}
	free(text);
	s = load_cached(sdir, cdir, &how);
	assert_int_equal(how, SC_WRITTEN);
	assert_string_equal(person_label(s), "Persona");
	schema_free(s);
	s = load_cached(sdir, cdir, &how);
	assert_int_equal(how, SC_HIT);
	assert_string_equal(person_label(s), "Persona");
	schema_free(s);

	/* the image of another dictionary in this one's place: refused */
	opath = schema_cache_path(cdir, other, NULL);
	assert_string_not_equal(opath, path);
	img = tu_read_file(path, &len);
	tu_write_bytes(opath, img, len);
	chmod(opath, 0600);
	s = load_cached(other, cdir, &how);
	assert_int_equal(how, SC_WRITTEN);
	assert_string_equal(person_label(s), "Person");
	schema_free(s);

	/* a damaged image: refused and written again */
	img[len / 2] ^= 0x55;
	tu_write_bytes(path, img, len);
	chmod(path, 0600);
	s = load_cached(sdir, cdir, &how);
	assert_int_equal(how, SC_WRITTEN);
	assert_string_equal(person_label(s), "Persona");
	schema_free(s);
	tu_write_bytes(path, "garbage", 7);
	chmod(path, 0600);
	s = load_cached(sdir, cdir, &how);
	assert_int_equal(how, SC_WRITTEN);
	schema_free(s);

	/* readable by the group: not read (and replaced by a private one) */
	chmod(path, 0640);
	s = load_cached(sdir, cdir, &how);
	assert_int_equal(how, SC_WRITTEN);
	schema_free(s);
	assert_int_equal(stat(path, &sb), 0);
	assert_int_equal(sb.st_mode & 0777, 0600);

	/* a symbolic link: not followed; its target is left alone */
	{
		char *target = tu_path(dir, "target.bin"), *t;
		size_t tl;
		img = (free(img), tu_read_file(path, &len));
		tu_write_bytes(target, img, len);
		chmod(target, 0600);
		unlink(path);
		assert_int_equal(symlink(target, path), 0);
		s = load_cached(sdir, cdir, &how);
		assert_int_not_equal(how, SC_HIT);
		schema_free(s);
		assert_int_equal(lstat(path, &sb), 0);
		assert_true(S_ISREG(sb.st_mode));
		t = tu_read_file(target, &tl);
		assert_int_equal(tl, len);
		assert_memory_equal(t, img, len);
		free(t);
		free(target);
	}

	/* another user's file: not read */
	if (geteuid() == 0) {
		assert_int_equal(chown(path, 65534, 65534), 0);
		s = load_cached(sdir, cdir, &how);
		assert_int_not_equal(how, SC_HIT);
		schema_free(s);
	}

	free(img);
	free(yaml);
	free(opath);
	free(path);
	free(cdir);
	free(other);
	free(sdir);
}

/* No cache, a cache folder that cannot be made, a dictionary with a
 * mistake: parsed every time, nothing written. */
static void
test_cache_unusable(void **state)
{
	const char *dir = *state;
	char *sdir = copy_dict(dir, "tests/data/two_fields/schema", "a");
	char *file = tu_write_file(dir, "afile", "x");
	char *cdir = tu_path(file, "cache"), *yaml, *text, *path;
	enum schema_cache_how how;
	struct diags d = {0};
	struct schema *s;

	s = load_cached(sdir, NULL, &how);
	assert_int_equal(how, SC_PARSED);
	schema_free(s);
	s = load_cached(sdir, "relative/cache", &how);
	assert_int_equal(how, SC_PARSED);
	schema_free(s);
	s = load_cached(sdir, cdir, &how);
	assert_int_equal(how, SC_PARSED);
	assert_string_equal(person_label(s), "Person");
	schema_free(s);
	free(cdir);

	/* a mistake: every mistake reported, no image */
	cdir = tu_path(dir, "cache");
	yaml = tu_path(sdir, "mini.yaml");
	text = tu_read_file(yaml, NULL);
	*strstr(text, "type: integer") = '\0';
	{
		char *t2 = xasprintf("%stype: nosuch%s", text, text +
		    strlen(text) + strlen("type: integer"));
		tu_write_bytes(yaml, t2, strlen(t2));
		free(t2);
	}
	s = schema_cache_load(sdir, NULL, cdir, "test", &d, &how);
	assert_true(d.n > 0);
	assert_int_equal(how, SC_PARSED);
	path = schema_cache_path(cdir, sdir, NULL);
	assert_false(tu_exists(path));
	schema_free(s);
	diags_free(&d);

	/* an unreadable dictionary folder: no key, the loader says why */
	assert_int_equal(schema_cache_key("/nonexistent/kesra", NULL, "t"), 0);
	free(path);
	free(text);
	free(yaml);
	free(cdir);
	free(file);
	free(sdir);
}

/* The key follows the version, the forms and every dictionary byte. */
static void
test_key(void **state)
{
	uint64_t k1 = schema_cache_key("schema", "forms", "1"),
	    k2 = schema_cache_key("schema", "forms", "2"),
	    k3 = schema_cache_key("schema", NULL, "1");
	(void)state;
	assert_int_not_equal(k1, 0);
	assert_int_not_equal(k1, k2);
	assert_int_not_equal(k1, k3);
	assert_true(k1 == schema_cache_key("schema", "forms", "1"));
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_round_trip),
		cmocka_unit_test(test_damaged_images_refused),
		cmocka_unit_test(test_damage_behind_checksum),
		cmocka_unit_test_setup_teardown(test_cache_file,
		    tu_setup_tmp, tu_teardown_tmp),
		cmocka_unit_test_setup_teardown(test_cache_unusable,
		    tu_setup_tmp, tu_teardown_tmp),
		cmocka_unit_test(test_key),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
