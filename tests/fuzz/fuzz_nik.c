/*
 * fuzz_nik: libFuzzer target for the NIK, KK and phone parsers, and for
 * util_sanitize (text from anywhere before it reaches a terminal). The
 * first byte chooses the reference year; the rest is the text (cut at a
 * NUL). What is accepted must hold its promises: a NIK of 16 digits with
 * a real date, a phone number of digits, sanitised text with no control
 * character, no bidi control and valid UTF-8.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "nik.h"
#include "util.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void
check_sanitized(const char *s)
{
	const unsigned char *p = (const unsigned char *)s;
	size_t n = strlen(s);
	int l;

	if (!utf8_valid(s, n))
		abort();
	while (*p != '\0') {
		if (*p < 0x20 || *p == 0x7f)
			abort();
		l = utf8_seq_len(p, strlen((const char *)p));
		if (l == 0)
			abort();
		if (l == 2 && p[0] == 0xc2 && p[1] >= 0x80 && p[1] <= 0x9f)
			abort(); /* C1 */
		if (l == 3 && p[0] == 0xe2 && p[1] == 0x80 &&
		    p[2] >= 0xaa && p[2] <= 0xae)
			abort(); /* U+202A..U+202E */
		if (l == 3 && p[0] == 0xe2 && p[1] == 0x81 &&
		    p[2] >= 0xa6 && p[2] <= 0xa9)
			abort(); /* U+2066..U+2069 */
		p += l;
	}
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct nik n;
	char *text, *err = NULL, *out = NULL, region[9];
	int ref;
	size_t i;

	if (size < 1 || size > 4096)
		return 0;
	ref = data[0] == 0 ? 0 : 1900 + data[0];
	text = xmalloc(size);
	memcpy(text, data + 1, size - 1);
	text[size - 1] = '\0';

	if (nik_parse(text, ref, &n, &err) == 0) {
		if (strlen(text) != NIK_LEN || n.month < 1 || n.month > 12 ||
		    n.day < 1 || n.day > 31 || n.serial < 1 ||
		    n.serial > 9999 || (n.sex != NIK_MALE && n.sex != NIK_FEMALE))
			abort();
		for (i = 0; i < NIK_LEN; i++)
			if (text[i] < '0' || text[i] > '9')
				abort();
	} else {
		if (err == NULL)
			abort();
		free(err);
	}
	err = NULL;
	if (nik_kk_parse(text, region, &err) == 0) {
		if (strlen(text) != NIK_LEN || strlen(region) != 8)
			abort();
	} else
		free(err);
	err = NULL;
	if (nik_phone_normalize(text, &out, &err) == 0) {
		for (i = out[0] == '+'; out[i] != '\0'; i++)
			if (out[i] < '0' || out[i] > '9')
				abort();
		free(out);
	} else
		free(err);

	out = util_sanitize(text, 0);
	check_sanitized(out);
	free(out);
	out = util_sanitize(text, 1);
	for (i = 0; out[i] != '\0'; i++)
		if ((unsigned char)out[i] < 0x20 || (unsigned char)out[i] > 0x7e)
			abort();
	free(out);
	free(text);
	return 0;
}
