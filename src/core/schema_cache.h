/*
 * schema_cache: the parsed dictionary kept as a compact binary image in a
 * private cache file, so that a start does not parse the YAML again when
 * the dictionary has not changed.
 *
 * The image is keyed by a hash of kesra's build (its version and the
 * identity of its executable, from the caller), the image format, the
 * two folders and the name, length and bytes of every file the loader
 * reads (the dictionary folder's *.yaml but reports.yaml, the forms'
 * *.yaml). It is input like any other: it is used only when the file is
 * a regular file of this user, private (no group or other bits), its key
 * and checksum match, every count fits in the bytes left, every string is
 * valid UTF-8, every index is in range, and schema_finish() run again over
 * it reports no mistake and gives the same storage hash. Otherwise it is
 * ignored and the YAML is parsed (and a new image written, when the
 * dictionary has no mistakes). Writing is best effort (a temporary file
 * renamed over the old one, mode 0600): a folder that cannot be written
 * costs nothing but the parse.
 */
#ifndef KESRA_SCHEMA_CACHE_H
#define KESRA_SCHEMA_CACHE_H

#include <stdint.h>

#include "schema.h"
#include "util.h"

/* Where the image came from (schema_cache_load's *how). */
enum schema_cache_how {
	SC_PARSED,  /* no usable image: parsed, no image written */
	SC_WRITTEN, /* no usable image: parsed, and a new image written */
	SC_HIT      /* read from the image */
};

/*
 * schema_yaml_load_partial(schema_dir, forms_dir, d) through the cache in
 * cache_dir (NULL: no cache; made 0700 when missing). version identifies
 * kesra's build (part of the key). how (may be NULL) tells what happened.
 */
struct schema *schema_cache_load(const char *schema_dir,
    const char *forms_dir, const char *cache_dir, const char *version,
    struct diags *d, enum schema_cache_how *how);

/* The key of the dictionary in these folders; 0 when a file could not be
 * read (then no image is used or written). */
uint64_t schema_cache_key(const char *schema_dir, const char *forms_dir,
    const char *version);

/* The cache file of these folders in cache_dir (caller frees). */
char *schema_cache_path(const char *cache_dir, const char *schema_dir,
    const char *forms_dir);

/* The image of a finished schema s under key, appended to out. */
void schema_image_write(const struct schema *s, uint64_t key,
    struct sbuf *out);

/* The schema in an image of len bytes, or NULL when it is not a sound
 * image of key. */
struct schema *schema_image_read(const void *image, size_t len,
    uint64_t key);

/* Recompute the checksum of an image of len bytes in place (for tests
 * that damage an image's payload and for fuzzing the reader). */
void schema_image_seal(void *image, size_t len);

#endif
