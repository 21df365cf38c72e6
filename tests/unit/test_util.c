/*
 * test_util: strings, UTF-8, terminal sanitising, number formatting, the
 * growable string and the diagnostics list.
 */
#include "testutil.h"

#include <math.h>

#include "util.h"

#define FFFD "\xef\xbf\xbd"

static void
check_sanitize(const char *in, int ascii_only, const char *want)
{
	char *got = util_sanitize(in, ascii_only);
	assert_string_equal(got, want);
	free(got);
}

static void
test_sanitize_escape_sequences(void **state)
{
	(void)state;
	/* ESC never reaches the terminal: the rest shows as plain text. */
	check_sanitize("\x1b[31mred\x1b[0m", 0, FFFD "[31mred" FFFD "[0m");
	check_sanitize("\x1b]0;title\x07", 0, FFFD "]0;title" FFFD);
	check_sanitize("a\x7f" "b", 0, "a" FFFD "b");
	check_sanitize("nul\x01soh", 0, "nul" FFFD "soh");
	check_sanitize("\x1b[2J", 1, "?[2J");
}

static void
test_sanitize_c1_controls(void **state)
{
	(void)state;
	/* U+009B is CSI on terminals that honour 8-bit controls. */
	check_sanitize("x\xc2\x9b" "31m", 0, "x" FFFD "31m");
	check_sanitize("\xc2\x80\xc2\x9f", 0, FFFD FFFD);
	/* U+00A0 and above are ordinary text. */
	check_sanitize("\xc2\xa0" "caf\xc3\xa9", 0, "\xc2\xa0" "caf\xc3\xa9");
	/* A raw 0x9b byte is invalid UTF-8 and replaced too. */
	check_sanitize("\x9b" "1m", 0, FFFD "1m");
}

static void
test_sanitize_bidi(void **state)
{
	(void)state;
	/* U+202E RIGHT-TO-LEFT OVERRIDE, U+2066 LRI, U+200F RLM, BOM. */
	check_sanitize("abc\xe2\x80\xae" "fdp.exe", 0, "abc" FFFD "fdp.exe");
	check_sanitize("\xe2\x81\xa6x\xe2\x81\xa9", 0, FFFD "x" FFFD);
	check_sanitize("\xe2\x80\x8f\xef\xbb\xbf", 0, FFFD FFFD);
	check_sanitize("a\xe2\x80\xa8" "b", 1, "a?b");
	/* Neighbours that are harmless stay: U+2030 PER MILLE SIGN. */
	check_sanitize("5\xe2\x80\xb0", 0, "5\xe2\x80\xb0");
}

static void
test_sanitize_invalid_utf8(void **state)
{
	(void)state;
	check_sanitize("ok\xff" "end", 0, "ok" FFFD "end");
	/* Overlong '/' and a truncated sequence at the end. */
	check_sanitize("\xc0\xaf", 0, FFFD FFFD);
	check_sanitize("euro\xe2\x82", 0, "euro" FFFD FFFD);
	/* Each invalid byte counts once; the valid text after it survives. */
	check_sanitize("\xed\xa0\x80" "z", 0, FFFD FFFD FFFD "z");
	check_sanitize("ok\xff", 1, "ok?");
}

static void
test_sanitize_whitespace_and_ascii(void **state)
{
	(void)state;
	check_sanitize("a\tb\nc\rd", 0, "a b c d");
	check_sanitize("a\tb\nc", 1, "a b c");
	check_sanitize("Jl. Merdeka No. 5", 0, "Jl. Merdeka No. 5");
	/* ascii_only: one '?' per code point, whatever its length. */
	check_sanitize("Andr\xc3\xa9 \xe6\x97\xa5\xf0\x9f\x98\x80!", 1,
	    "Andr? ?" "?!"); /* split: "??!" is a trigraph */
	check_sanitize("Andr\xc3\xa9 \xe6\x97\xa5", 0, "Andr\xc3\xa9 \xe6\x97\xa5");
	check_sanitize("", 0, "");
	check_sanitize(NULL, 0, "");
}

static void
test_utf8_seq_len(void **state)
{
	(void)state;
	assert_int_equal(utf8_seq_len((const unsigned char *)"A", 1), 1);
	assert_int_equal(utf8_seq_len((const unsigned char *)"\xc3\xa9", 2), 2);
	assert_int_equal(utf8_seq_len((const unsigned char *)"\xe2\x82\xac", 3),
	    3);
	assert_int_equal(utf8_seq_len(
	    (const unsigned char *)"\xf0\x9f\x98\x80", 4), 4);
	/* Not enough bytes available. */
	assert_int_equal(utf8_seq_len((const unsigned char *)"\xe2\x82\xac", 2),
	    0);
	/* Continuation byte first, 0xf5+ lead bytes. */
	assert_int_equal(utf8_seq_len((const unsigned char *)"\x80", 1), 0);
	assert_int_equal(utf8_seq_len(
	    (const unsigned char *)"\xf5\x80\x80\x80", 4), 0);
}

/* With nothing available, no byte may be read (ASan catches it). */
static void
test_utf8_seq_len_reads_nothing_when_empty(void **state)
{
	char *buf = xmalloc(1);
	(void)state;
	buf[0] = 'a';
	assert_int_equal(utf8_seq_len((const unsigned char *)buf + 1, 0), 0);
	free(buf);
}

static void
test_utf8_valid_edge_cases(void **state)
{
	(void)state;
	assert_true(utf8_valid("", 0));
	assert_true(utf8_valid("plain", 5));
	assert_true(utf8_valid("\xc2\x80", 2));          /* U+0080 */
	assert_true(utf8_valid("\xdf\xbf", 2));          /* U+07FF */
	assert_true(utf8_valid("\xe0\xa0\x80", 3));      /* U+0800 */
	assert_true(utf8_valid("\xed\x9f\xbf", 3));      /* U+D7FF */
	assert_true(utf8_valid("\xee\x80\x80", 3));      /* U+E000 */
	assert_true(utf8_valid("\xef\xbf\xbf", 3));      /* U+FFFF */
	assert_true(utf8_valid("\xf0\x90\x80\x80", 4));  /* U+10000 */
	assert_true(utf8_valid("\xf4\x8f\xbf\xbf", 4));  /* U+10FFFF */
	/* Overlong forms. */
	assert_false(utf8_valid("\xc0\x80", 2));
	assert_false(utf8_valid("\xc1\xbf", 2));
	assert_false(utf8_valid("\xe0\x80\xaf", 3));
	assert_false(utf8_valid("\xe0\x9f\xbf", 3));
	assert_false(utf8_valid("\xf0\x8f\xbf\xbf", 4));
	/* UTF-16 surrogates. */
	assert_false(utf8_valid("\xed\xa0\x80", 3));     /* U+D800 */
	assert_false(utf8_valid("\xed\xbf\xbf", 3));     /* U+DFFF */
	/* Beyond U+10FFFF. */
	assert_false(utf8_valid("\xf4\x90\x80\x80", 4));
	/* Truncated, bad continuation, lone bytes. */
	assert_false(utf8_valid("\xe2\x82", 2));
	assert_false(utf8_valid("\xe2\x28\xa1", 3));
	assert_false(utf8_valid("\xfe", 1));
	assert_false(utf8_valid("\xff", 1));
	/* The length is honoured: a valid prefix of a longer buffer. */
	assert_true(utf8_valid("ab\xff", 2));
	assert_false(utf8_valid("ab\xff", 3));
	/* An embedded NUL is a valid code point for utf8_valid. */
	assert_true(utf8_valid("a\0b", 3));
}

static void
test_utf8_count(void **state)
{
	(void)state;
	assert_int_equal(utf8_count(""), 0);
	assert_int_equal(utf8_count("abc"), 3);
	assert_int_equal(utf8_count("Andr\xc3\xa9"), 5);
	assert_int_equal(utf8_count("\xe6\x97\xa5\xe6\x9c\xac"), 2);
	assert_int_equal(utf8_count("a\xff" "b"), 3);
}

static void
check_trim(const char *in, const char *want)
{
	char *got = util_trim(in);
	assert_string_equal(got, want);
	free(got);
}

static void
test_trim(void **state)
{
	(void)state;
	check_trim("  Budi  ", "Budi");
	check_trim("\t\r\nBudi Santoso\n", "Budi Santoso");
	check_trim("a  b", "a  b");
	check_trim("", "");
	check_trim(" \t\r\n ", "");
	check_trim("x", "x");
	/* Only ASCII white space: a no-break space is kept. */
	check_trim("\xc2\xa0x ", "\xc2\xa0x");
}

static void
test_is_ident(void **state)
{
	char buf[80];
	(void)state;
	assert_true(util_is_ident("kk_number"));
	assert_true(util_is_ident("_x"));
	assert_true(util_is_ident("a1"));
	assert_false(util_is_ident(NULL));
	assert_false(util_is_ident(""));
	assert_false(util_is_ident("1a"));
	assert_false(util_is_ident("Name"));
	assert_false(util_is_ident("kk-number"));
	assert_false(util_is_ident("kk number"));
	assert_false(util_is_ident("a\"b"));
	assert_false(util_is_ident("caf\xc3\xa9"));
	/* 63 bytes at most. */
	memset(buf, 'a', 63);
	buf[63] = '\0';
	assert_true(util_is_ident(buf));
	buf[63] = 'a';
	buf[64] = '\0';
	assert_false(util_is_ident(buf));
}

static void
check_fmt(double v, const char *want)
{
	char buf[64];
	util_fmt_double(v, buf, sizeof buf);
	assert_string_equal(buf, want);
}

static void
test_fmt_double(void **state)
{
	(void)state;
	check_fmt(0, "0");
	check_fmt(12.5, "12.5");
	check_fmt(-0.5, "-0.5");
	check_fmt(0.1, "0.1");
	check_fmt(1.75, "1.75");
	check_fmt(1234.56, "1234.56");
	check_fmt(1.0 / 3.0, "0.3333333333333333");
	/* Whole numbers that %g would write with an exponent. */
	check_fmt(100, "100");
	check_fmt(1500, "1500");
	check_fmt(-20000, "-20000");
	check_fmt(123456789012345.0, "123456789012345");
	check_fmt(0.00001, "0.00001");
	check_fmt(2.5e-7, "0.00000025");
}

/* Whatever the value, the text reads back as the same double. */
static void
test_fmt_double_round_trips(void **state)
{
	static const double v[] = {3.14159, 99.99, 1e15, 1e20, 1e-12, 6.02e23,
		-7.25e-5, 9007199254740993.0, 0.3, 2.0 / 3.0};
	char buf[64];
	size_t i;
	(void)state;
	for (i = 0; i < sizeof v / sizeof v[0]; i++) {
		util_fmt_double(v[i], buf, sizeof buf);
		if (strtod(buf, NULL) != v[i])
			fail_msg("%.17g was written as %s", v[i], buf);
	}
}

/* util_fmt_double as it was written before its printf-free path. */
static void
ref_fmt_double(double v, char *buf, size_t n)
{
	int prec;
	for (prec = 1; prec <= 17; prec++) {
		snprintf(buf, n, "%.*g", prec, v);
		if (strtod(buf, NULL) == v)
			break;
	}
	if (strchr(buf, 'e') == NULL)
		return;
	for (prec = 0; prec <= 25; prec++) {
		snprintf(buf, n, "%.*f", prec, v);
		if (strtod(buf, NULL) == v)
			return;
	}
	snprintf(buf, n, "%.17g", v);
}

static void
same_fmt(double v, size_t n)
{
	char a[64], b[64];
	memset(a, 'x', sizeof a);
	memset(b, 'x', sizeof b);
	util_fmt_double(v, a, n);
	ref_fmt_double(v, b, n);
	if (strncmp(a, b, n) != 0)
		fail_msg("%.17g (size %zu): %s, not %s", v, n, a, b);
}

/*
 * The printf-free path for short decimals writes exactly what the loops
 * write: decimals m / 10^k of every size around its limits (1e11, four
 * places), their neighbouring doubles, both signs, small buffers.
 */
static void
test_fmt_double_fast(void **state)
{
	static const double p10[] = {1, 10, 100, 1000, 10000, 100000, 1e6};
	uint64_t x = 0x9e3779b97f4a7c15ULL;
	char buf[64];
	int i, k;
	size_t n;
	(void)state;
	for (i = 0; i < 30000; i++) {
		long long m;
		double v;
		x ^= x >> 12;
		x ^= x << 25;
		x ^= x >> 27;
		m = (long long)((x * 2685821657736338717ULL) >> (i % 28 + 20));
		k = i % 7;
		v = (double)m / p10[k];
		if (i & 1)
			v = -v;
		same_fmt(v, sizeof buf);
		same_fmt(nextafter(v, 1e300), sizeof buf);
		same_fmt(nextafter(v, -1e300), sizeof buf);
		same_fmt(v * 0.1, sizeof buf);
		snprintf(buf, sizeof buf, "%lld.%0*d", m % 100000000000LL, k,
		    (int)(m % 10000));
		same_fmt(strtod(buf, NULL), sizeof buf);
	}
	for (n = 1; n < 16; n++) {
		same_fmt(12.5, n);
		same_fmt(-1234.5678, n);
		same_fmt(99999999999.0, n);
		same_fmt(0.0001, n);
	}
	same_fmt(-0.0, sizeof buf);
	same_fmt(1e11, sizeof buf);
	same_fmt(99999999999.9, sizeof buf);
	same_fmt(0.30000000000000004, sizeof buf);
	check_fmt(-0.0, "-0");
	check_fmt(35.5, "35.5");
	check_fmt(0.05, "0.05");
	check_fmt(-99999999999.0, "-99999999999");
}

static void
test_sbuf(void **state)
{
	struct sbuf b = {0};
	char *s;
	int i;
	(void)state;
	/* steal on a never-used buffer gives an empty string, not NULL */
	s = sbuf_steal(&b);
	assert_string_equal(s, "");
	free(s);
	sbuf_add(&b, "abc");
	sbuf_addc(&b, '-');
	sbuf_addn(&b, "defXYZ", 3);
	sbuf_addf(&b, "[%d:%s]", 42, "x");
	assert_string_equal(b.s, "abc-def[42:x]");
	assert_int_equal(b.len, 13);
	/* Growth past the first allocation keeps the content. */
	for (i = 0; i < 1000; i++)
		sbuf_addc(&b, (char)('a' + i % 26));
	assert_int_equal(b.len, 1013);
	assert_int_equal(strlen(b.s), 1013);
	assert_true(b.cap > b.len);
	assert_memory_equal(b.s + 13, "abcdefghijklmnopqrstuvwxyzab", 28);
	sbuf_reset(&b);
	assert_int_equal(b.len, 0);
	assert_string_equal(b.s, "");
	sbuf_add(&b, "again");
	s = sbuf_steal(&b);
	assert_string_equal(s, "again");
	assert_null(b.s);
	assert_int_equal(b.len, 0);
	assert_int_equal(b.cap, 0);
	free(s);
	sbuf_add(&b, "freed");
	sbuf_free(&b);
	assert_null(b.s);
	sbuf_free(&b); /* twice is harmless */
}

static void
test_util_err(void **state)
{
	char *err = NULL;
	(void)state;
	assert_int_equal(util_err(&err, "field '%s': %d", "nik", 16), -1);
	assert_string_equal(err, "field 'nik': 16");
	/* A second error replaces the first (no leak). */
	assert_int_equal(util_err(&err, "second"), -1);
	assert_string_equal(err, "second");
	free(err);
	assert_int_equal(util_err(NULL, "ignored %d", 1), -1);
}

static void
test_xasprintf_xstrndup(void **state)
{
	char *s;
	(void)state;
	s = xasprintf("%s-%03d", "kk", 7);
	assert_string_equal(s, "kk-007");
	free(s);
	s = xstrndup("abcdef", 3);
	assert_string_equal(s, "abc");
	free(s);
}

static void
test_diags(void **state)
{
	struct diags d = {0};
	char *out = NULL;
	size_t outlen = 0;
	FILE *f;
	(void)state;
	diags_add(&d, "schema/dtsen.yaml", 12, 7, "unknown type '%s'", "txt");
	diags_add(&d, "forms/a.yaml", 0, 0, "form for unknown record '%s'", "a");
	diags_add(&d, NULL, 0, 0, "no file %d", 3);
	/* A message with an escape sequence is printed sanitised. */
	diags_add(&d, "x.yaml", 2, 1, "bad \x1b[31mvalue");
	for (int i = 0; i < 20; i++) /* growth */
		diags_add(&d, "g.yaml", i + 1, 1, "g%d", i);
	assert_int_equal(d.n, 24);
	assert_string_equal(d.v[0].file, "schema/dtsen.yaml");
	assert_int_equal(d.v[0].line, 12);
	assert_int_equal(d.v[0].col, 7);
	assert_string_equal(d.v[0].msg, "unknown type 'txt'");
	assert_null(d.v[2].file);
	assert_string_equal(d.v[23].msg, "g19");
	assert_int_equal(d.v[23].line, 20);

	f = open_memstream(&out, &outlen);
	assert_non_null(f);
	assert_int_equal(diags_print(&d, f), 24);
	fclose(f);
	assert_contains(out, "schema/dtsen.yaml:12:7: unknown type 'txt'\n"
	    "forms/a.yaml: form for unknown record 'a'\n"
	    "no file 3\n"
	    "x.yaml:2:1: bad " FFFD "[31mvalue\n"
	    "g.yaml:1:1: g0\n");
	assert_not_contains(out, "\x1b");
	free(out);

	diags_free(&d);
	assert_null(d.v);
	assert_int_equal(d.n, 0);
	diags_free(&d);
}

static void
test_fnv1a(void **state)
{
	(void)state;
	/* Published FNV-1a 64 test vectors. */
	assert_true(util_fnv1a(UTIL_FNV_INIT, "", 0) == 0xcbf29ce484222325ULL);
	assert_true(util_fnv1a(UTIL_FNV_INIT, "a", 1) == 0xaf63dc4c8601ec8cULL);
	assert_true(util_fnv1a(UTIL_FNV_INIT, "foobar", 6) ==
	    0x85944171f73967e8ULL);
	/* Chaining equals hashing the concatenation. */
	assert_true(util_fnv1a(util_fnv1a(UTIL_FNV_INIT, "foo", 3), "bar", 3) ==
	    0x85944171f73967e8ULL);
}

static void
test_uuid_and_now(void **state)
{
	char a[37], b[37], now[32];
	int i;
	(void)state;
	util_uuid(a, sizeof a);
	util_uuid(b, sizeof b);
	assert_int_equal(strlen(a), 36);
	assert_string_not_equal(a, b);
	for (i = 0; i < 36; i++) {
		if (i == 8 || i == 13 || i == 18 || i == 23)
			assert_int_equal(a[i], '-');
		else
			assert_non_null(strchr("0123456789abcdef", a[i]));
	}
	assert_int_equal(a[14], '4');                  /* version 4 */
	assert_non_null(strchr("89ab", a[19]));        /* RFC 4122 variant */
	util_now(now, sizeof now);
	assert_int_equal(strlen(now), 19);
	assert_int_equal(now[4], '-');
	assert_int_equal(now[10], ' ');
	assert_int_equal(now[13], ':');
	assert_true(strncmp(now, "2020", 4) > 0);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_sanitize_escape_sequences),
		cmocka_unit_test(test_sanitize_c1_controls),
		cmocka_unit_test(test_sanitize_bidi),
		cmocka_unit_test(test_sanitize_invalid_utf8),
		cmocka_unit_test(test_sanitize_whitespace_and_ascii),
		cmocka_unit_test(test_utf8_seq_len),
		cmocka_unit_test(test_utf8_seq_len_reads_nothing_when_empty),
		cmocka_unit_test(test_utf8_valid_edge_cases),
		cmocka_unit_test(test_utf8_count),
		cmocka_unit_test(test_trim),
		cmocka_unit_test(test_is_ident),
		cmocka_unit_test(test_fmt_double),
		cmocka_unit_test(test_fmt_double_round_trips),
		cmocka_unit_test(test_fmt_double_fast),
		cmocka_unit_test(test_sbuf),
		cmocka_unit_test(test_util_err),
		cmocka_unit_test(test_xasprintf_xstrndup),
		cmocka_unit_test(test_diags),
		cmocka_unit_test(test_fnv1a),
		cmocka_unit_test(test_uuid_and_now),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
