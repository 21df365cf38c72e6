/*
 * fuzz_schema_image: libFuzzer target for the reader of the parsed
 * dictionary's cache image (schema_cache.h). The input is an image whose
 * checksum is made right first (schema_image_seal), so that the fuzzer
 * reaches the reader behind it; its own key is the key asked for. An
 * image the reader accepts is written again and must read back to the
 * same schema (the same image bytes and storage hash).
 */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "schema_cache.h"
#include "util.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct sbuf a = {0}, b = {0};
	struct schema *s, *s2;
	unsigned char *copy;
	uint64_t key = 0;
	int i;

	if (size < 36)
		return 0;
	copy = malloc(size);
	if (copy == NULL)
		return 0;
	memcpy(copy, data, size);
	schema_image_seal(copy, size);
	for (i = 0; i < 8; i++)
		key |= (uint64_t)copy[12 + i] << (8 * i);
	s = schema_image_read(copy, size, key);
	free(copy);
	if (s == NULL)
		return 0;
	schema_image_write(s, key, &a);
	if ((s2 = schema_image_read(a.s, a.len, key)) == NULL)
		abort();
	schema_image_write(s2, key, &b);
	if (a.len != b.len || memcmp(a.s, b.s, a.len) != 0 ||
	    strcmp(s->hash, s2->hash) != 0)
		abort();
	sbuf_free(&a);
	sbuf_free(&b);
	schema_free(s);
	schema_free(s2);
	return 0;
}
