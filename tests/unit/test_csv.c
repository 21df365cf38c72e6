/*
 * test_csv: the RFC 4180 reader (quoting, line endings, byte-order mark,
 * separators, every refusal with its line and column, limits, reading
 * across buffer refills) and the writer (quoting, round trips).
 */
#include "testutil.h"

#include "csv.h"

/*
 * Every record of len bytes as "[f1|f2]" lines with the start line in
 * front ("3:[a|b]"); a line break inside a field shows as "\n", a CR as
 * "\r". On an error the last line is "ERR line:col: message".
 */
static char *
dump_mem(const char *buf, size_t len, char sep)
{
	struct csv_reader *r = NULL;
	const struct csv_record *rec;
	struct sbuf b = {0};
	char *err = NULL;
	size_t i, j;
	int rc;

	assert_int_equal(csv_open_mem(&r, buf, len, NULL, sep, &err), 0);
	while ((rc = csv_read(r, &rec, &err)) == 1) {
		sbuf_addf(&b, "%ld:[", rec->line);
		for (i = 0; i < rec->n; i++) {
			if (i > 0)
				sbuf_addc(&b, '|');
			assert_int_equal(strlen(rec->field[i]), rec->len[i]);
			for (j = 0; j < rec->len[i]; j++) {
				char c = rec->field[i][j];
				if (c == '\n')
					sbuf_add(&b, "\\n");
				else if (c == '\r')
					sbuf_add(&b, "\\r");
				else
					sbuf_addc(&b, c);
			}
		}
		sbuf_add(&b, "]\n");
	}
	if (rc < 0) {
		long line, col;
		const char *m = csv_error(r, &line, &col);
		assert_non_null(m);
		assert_non_null(err);
		assert_contains(err, m);
		sbuf_addf(&b, "ERR %ld:%ld: %s", line, col, m);
		/* A failed reader stays failed. */
		free(err);
		err = NULL;
		assert_int_equal(csv_read(r, &rec, &err), -1);
		assert_null(rec);
		assert_non_null(err);
	} else
		assert_null(csv_error(r, NULL, NULL));
	free(err);
	csv_close(r);
	return sbuf_steal(&b);
}

static void
expect(const char *in, const char *want)
{
	char *got = dump_mem(in, strlen(in), ',');
	if (strcmp(got, want) != 0)
		fail_msg("input \"%s\"\n got: %s\nwant: %s", in, got, want);
	free(got);
}

static void
expect_n(const char *in, size_t len, char sep, const char *want)
{
	char *got = dump_mem(in, len, sep);
	if (strcmp(got, want) != 0)
		fail_msg("got: %s\nwant: %s", got, want);
	free(got);
}

static void
test_plain(void **state)
{
	(void)state;
	expect("a,b,c\n1,2,3\n", "1:[a|b|c]\n2:[1|2|3]\n");
	expect("a,b,c\n1,2,3", "1:[a|b|c]\n2:[1|2|3]\n"); /* no final LF */
	expect("a,b\r\nc,d\r\n", "1:[a|b]\n2:[c|d]\n");
	expect("a,b\rc,d\r", "1:[a|b]\n2:[c|d]\n"); /* lone CR (old Mac) */
	expect("a,b\r\nc,d\ne,f\rg\n", "1:[a|b]\n2:[c|d]\n3:[e|f]\n4:[g]\n");
	expect("", "");
	expect("\n\r\n\n", "");
	expect("x", "1:[x]\n");
	/* Empty fields, leading and trailing separators, spaces kept. */
	expect(",,\n", "1:[||]\n");
	expect("a,\n,b\n", "1:[a|]\n2:[|b]\n");
	expect(" a , b \n", "1:[ a | b ]\n");
	/* Blank lines between records are skipped; lines still count. */
	expect("a\n\n\nb\r\n\r\nc\n", "1:[a]\n4:[b]\n6:[c]\n");
	/* UTF-8 passes through. */
	expect("Jayapura,Papua Barat Daya \xe2\x80\x99\n",
	    "1:[Jayapura|Papua Barat Daya \xe2\x80\x99]\n");
}

static void
test_quoted(void **state)
{
	(void)state;
	expect("\"a,b\",\"c\"\"d\"\n", "1:[a,b|c\"d]\n");
	expect("\"\",\"\"\n", "1:[|]\n");
	expect("\"\"\"\"\n", "1:[\"]\n");
	expect("\"\"\"x\"\"\"\n", "1:[\"x\"]\n");
	/* Embedded line breaks are kept as written; lines still count. */
	expect("\"line1\nline2\",x\nnext\n",
	    "1:[line1\\nline2|x]\n3:[next]\n");
	expect("\"a\r\nb\"\r\nc\r\n", "1:[a\\r\\nb]\n3:[c]\n");
	expect("\"a\rb\"\nc\n", "1:[a\\rb]\n3:[c]\n");
	/* Quoted then plain in one record, and the last field quoted. */
	expect("1,\"Lubuk Pakam I,II\",village\n",
	    "1:[1|Lubuk Pakam I,II|village]\n");
	expect("a,\"b\"", "1:[a|b]\n");
	expect("a,\"b\"\r\n", "1:[a|b]\n");
	expect("a,\"\"", "1:[a|]\n");
	/* A quoted field of only line breaks is not a blank line. */
	expect("\"\n\"\n", "1:[\\n]\n");
	/* The separator inside quotes, with ';'. */
	expect_n("\"a;b\";c,d\n", 10, ';', "1:[a;b|c,d]\n");
}

static void
test_bom_and_sep(void **state)
{
	(void)state;
	expect("\xef\xbb\xbf" "code,name\n11,Aceh\n",
	    "1:[code|name]\n2:[11|Aceh]\n");
	/* Only at the very start: later it is a character like any other. */
	expect("a\n\xef\xbb\xbf" "b\n", "1:[a]\n2:[\xef\xbb\xbf" "b]\n");
	expect("\xef\xbb\xbf", "");
	expect("\xef\xbb\xbf\"q\"\n", "1:[q]\n");
	/* A partial mark is invalid UTF-8. */
	expect("\xef\xbb" "a\n", "ERR 1:1: invalid UTF-8 text (save the file "
	    "as UTF-8)");
	expect_n("a;b,c;\"d;e\"\n", 12, ';', "1:[a|b,c|d;e]\n");
	expect_n("a\tb c\t\n", 7, '\t', "1:[a|b c|]\n");
	{
		struct csv_reader *r = (struct csv_reader *)1;
		char *err = NULL;
		assert_int_equal(csv_open_mem(&r, "a", 1, NULL, '"', &err), -1);
		assert_null(r);
		assert_contains(err, "separator");
		free(err);
		err = NULL;
		assert_int_equal(csv_open_mem(&r, "a", 1, NULL, '\n', &err), -1);
		free(err);
		err = NULL;
		assert_int_equal(csv_open_mem(&r, "a", 1, NULL, '\xc3', &err),
		    -1);
		free(err);
	}
}

static void
test_errors(void **state)
{
	(void)state;
	/* Unterminated quote: the place of the opening quote. */
	expect("a,b\nc,\"never\nclosed\n",
	    "1:[a|b]\nERR 2:3: quoted field never closed (a quote is "
	    "missing)");
	expect("\"", "ERR 1:1: quoted field never closed (a quote is "
	    "missing)");
	/* A quote inside an unquoted field: the place of that quote. */
	expect("ok\nab\"c\n", "1:[ok]\nERR 2:3: a quote inside an unquoted "
	    "field (put the whole field in quotes)");
	expect("a, \"b\"\n", "ERR 1:4: a quote inside an unquoted field (put "
	    "the whole field in quotes)");
	/* Text after a closing quote. */
	expect("\"ab\"c,d\n", "ERR 1:5: text after a closing quote (write a "
	    "quote inside quotes as \"\")");
	expect("\"ab\" ,d\n", "ERR 1:5: text after a closing quote (write a "
	    "quote inside quotes as \"\")");
	/* Columns count characters, not bytes. */
	expect("\xc3\xa9\xc3\xa9\"\n", "ERR 1:3: a quote inside an unquoted "
	    "field (put the whole field in quotes)");
}

static void
test_bad_bytes(void **state)
{
	static const char nul[] = "a,b\nc\0d\n";
	static const char nulq[] = "\"x\ny\0\"\n";
	(void)state;
	expect("ok\nab\xff\n", "1:[ok]\nERR 2:3: invalid UTF-8 text (save "
	    "the file as UTF-8)");
	expect("\xe9t\xe9\n", "ERR 1:1: invalid UTF-8 text (save the file "
	    "as UTF-8)"); /* Latin-1 */
	expect("x,\xc0\xaf\n", "ERR 1:3: invalid UTF-8 text (save the file "
	    "as UTF-8)"); /* overlong */
	expect("\xed\xa0\x80\n", "ERR 1:1: invalid UTF-8 text (save the file "
	    "as UTF-8)"); /* surrogate */
	expect("\xf4\x90\x80\x80\n", "ERR 1:1: invalid UTF-8 text (save the "
	    "file as UTF-8)"); /* above U+10FFFF */
	expect("\xc3\xa9,\xe2\x82\n", "ERR 1:3: invalid UTF-8 text (save the "
	    "file as UTF-8)"); /* cut short by the line break */
	expect("ab\xc3", "ERR 1:3: invalid UTF-8 text (save the file as "
	    "UTF-8)"); /* cut short by the end */
	expect("\"\xc3\"", "ERR 1:2: invalid UTF-8 text (save the file as "
	    "UTF-8)");
	expect("\xf0\x9f\x98\x80,\xe6\x97\xa5\n",
	    "1:[\xf0\x9f\x98\x80|\xe6\x97\xa5]\n");
	expect_n(nul, sizeof nul - 1, ',', "1:[a|b]\nERR 2:2: NUL byte (this "
	    "is not a text file)");
	expect_n(nulq, sizeof nulq - 1, ',', "ERR 2:2: NUL byte (this is not "
	    "a text file)");
}

static void
test_limits(void **state)
{
	struct sbuf b = {0};
	char *want, *got;
	size_t i;
	(void)state;

	/* A field of exactly CSV_FIELD_MAX bytes, plain and quoted. */
	for (i = 0; i < CSV_FIELD_MAX; i++)
		sbuf_addc(&b, 'x');
	sbuf_add(&b, ",\"");
	for (i = 0; i < CSV_FIELD_MAX - 1; i++)
		sbuf_addc(&b, 'y');
	sbuf_add(&b, "\"\"\"\n");
	{
		struct csv_reader *r;
		const struct csv_record *rec;
		char *err = NULL;
		assert_int_equal(csv_open_mem(&r, b.s, b.len, NULL, ',', &err),
		    0);
		assert_int_equal(csv_read(r, &rec, &err), 1);
		assert_int_equal(rec->n, 2);
		assert_int_equal(rec->len[0], CSV_FIELD_MAX);
		assert_int_equal(rec->len[1], CSV_FIELD_MAX);
		assert_int_equal(rec->field[1][CSV_FIELD_MAX - 1], '"');
		assert_int_equal(csv_read(r, &rec, &err), 0);
		csv_close(r);
	}
	/* One byte more. */
	sbuf_reset(&b);
	sbuf_add(&b, "ok\nz,");
	for (i = 0; i <= CSV_FIELD_MAX; i++)
		sbuf_addc(&b, 'x');
	got = dump_mem(b.s, b.len, ',');
	assert_string_equal(got, "1:[ok]\nERR 2:3: field longer than 65536 "
	    "bytes");
	free(got);
	sbuf_reset(&b);
	sbuf_add(&b, "\"");
	for (i = 0; i <= CSV_FIELD_MAX; i++)
		sbuf_add(&b, i == 5 ? "\n" : "x");
	sbuf_add(&b, "\"");
	got = dump_mem(b.s, b.len, ',');
	assert_string_equal(got, "ERR 1:1: field longer than 65536 bytes");
	free(got);

	/* CSV_MAX_FIELDS fields, then one more. */
	sbuf_reset(&b);
	for (i = 0; i < CSV_MAX_FIELDS; i++)
		sbuf_add(&b, i ? ",f" : "f");
	sbuf_add(&b, "\n");
	{
		struct csv_reader *r;
		const struct csv_record *rec;
		char *err = NULL;
		assert_int_equal(csv_open_mem(&r, b.s, b.len, NULL, ',', &err),
		    0);
		assert_int_equal(csv_read(r, &rec, &err), 1);
		assert_int_equal(rec->n, CSV_MAX_FIELDS);
		assert_string_equal(rec->field[CSV_MAX_FIELDS - 1], "f");
		csv_close(r);
	}
	b.len--; /* drop the LF */
	sbuf_add(&b, ",\n");
	got = dump_mem(b.s, b.len, ',');
	want = xasprintf("ERR 1:%d: more than 10000 fields in one record",
	    CSV_MAX_FIELDS * 2 + 1);
	assert_string_equal(got, want);
	free(want);
	free(got);
	sbuf_free(&b);
}

static void
test_error_text(void **state)
{
	struct csv_reader *r;
	const struct csv_record *rec;
	char *err = NULL;
	(void)state;
	assert_int_equal(csv_open_mem(&r, "a\n\"b", 4, "regions.csv", ',',
	    &err), 0);
	assert_int_equal(csv_read(r, &rec, &err), 1);
	assert_int_equal(csv_read(r, &rec, &err), -1);
	assert_string_equal(err, "regions.csv:2:1: quoted field never closed "
	    "(a quote is missing)");
	csv_close(r);
	free(err);
	err = NULL;
	assert_int_equal(csv_open_mem(&r, "a\"", 2, NULL, ',', &err), 0);
	assert_int_equal(csv_read(r, &rec, &err), -1);
	assert_string_equal(err, "line 1, column 2: a quote inside an "
	    "unquoted field (put the whole field in quotes)");
	csv_close(r);
	free(err);
}

static void
test_quote_writer(void **state)
{
	static const struct {
		const char *in, *out;
		char sep;
	} cases[] = {
		{"plain", "plain", ','},
		{"", "", ','},
		{"a,b", "\"a,b\"", ','},
		{"a,b", "a,b", ';'},
		{"a;b", "\"a;b\"", ';'},
		{"a\tb", "\"a\tb\"", '\t'},
		{"say \"hi\"", "\"say \"\"hi\"\"\"", ','},
		{"\"", "\"\"\"\"", ','},
		{"two\nlines", "\"two\nlines\"", ','},
		{"cr\r", "\"cr\r\"", ','},
		{" lead", "\" lead\"", ','},
		{"trail ", "\"trail \"", ','},
		{"in side", "in side", ','},
		{"+6281234567890", "+6281234567890", ','},
		{"Kota Sorong \xe2\x80\x99", "Kota Sorong \xe2\x80\x99", ','},
		/* a leading byte-order mark is quoted, else a reader takes it
		 * off when the field starts a file (found by fuzz_csv) */
		{"\xef\xbb\xbfnik", "\"\xef\xbb\xbfnik\"", ','},
		{"a\xef\xbb\xbf", "a\xef\xbb\xbf", ','},
	};
	struct sbuf b = {0};
	size_t i;
	(void)state;
	for (i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		sbuf_reset(&b);
		sbuf_add(&b, "");
		csv_quote(&b, cases[i].in, cases[i].sep);
		if (strcmp(b.s, cases[i].out) != 0)
			fail_msg("'%s' -> '%s', want '%s'", cases[i].in, b.s,
			    cases[i].out);
	}
	sbuf_reset(&b);
	sbuf_add(&b, "");
	csv_quote(&b, NULL, ',');
	assert_string_equal(b.s, "");
	sbuf_free(&b);
}

/* Write with the writer into a temporary file, read it back both ways. */
static void
test_write_read(void **state)
{
	static const char *const rows[][3] = {
		{"code", "name", "level"},
		{"12.07.28.1007", "Lubuk Pakam I,II", "village"},
		{"x", "say \"hi\"\r\nbye", NULL},
		{"", " padded ", "last"},
	};
	const char *one[1] = {""};
	char *dir = *state, *path = tu_path(dir, "w.csv"), *err = NULL, *text;
	FILE *f = fopen(path, "wb");
	size_t i, len;
	(void)state;

	assert_non_null(f);
	for (i = 0; i < 4; i++)
		assert_int_equal(csv_write_record(f, rows[i], 3, ',', 0, &err),
		    0);
	assert_int_equal(csv_write_record(f, one, 1, ',', CSV_LF, &err), 0);
	assert_int_equal(csv_write_record(f, rows[1], 2, ';', CSV_LF, &err),
	    0);
	assert_int_equal(fclose(f), 0);
	text = tu_read_file(path, &len);
	assert_string_equal(text,
	    "code,name,level\r\n"
	    "12.07.28.1007,\"Lubuk Pakam I,II\",village\r\n"
	    "x,\"say \"\"hi\"\"\r\nbye\",\r\n"
	    ",\" padded \",last\r\n"
	    "\"\"\n"
	    "12.07.28.1007;Lubuk Pakam I,II\n");
	{
		char *got = dump_mem(text, len, ',');
		assert_string_equal(got,
		    "1:[code|name|level]\n"
		    "2:[12.07.28.1007|Lubuk Pakam I,II|village]\n"
		    "3:[x|say \"hi\"\\r\\nbye|]\n"
		    "5:[| padded |last]\n"
		    "6:[]\n"
		    "7:[12.07.28.1007;Lubuk Pakam I|II]\n");
		free(got);
	}
	free(text);
	free(path);
}

/* A tiny deterministic generator for the differential test. */
static uint32_t
rnd(uint32_t *s)
{
	*s ^= *s << 13;
	*s ^= *s >> 17;
	*s ^= *s << 5;
	return *s;
}

/*
 * Some 600 KB of records with quotes, separators, CR, LF and multi-byte
 * characters, written with the writer: read back through a FILE (whose
 * 64 KiB refills split escapes, CRLF and UTF-8 sequences) and from memory,
 * every field must come back unchanged.
 */
static void
test_file_reader_refills(void **state)
{
	static const char *const bits[] = {
		"a", "Z", "9", ",", "\"", "\r\n", "\n", "\r", " ", ";",
		"\xc3\xa9", "\xe2\x80\x99", "\xf0\x9f\x98\x80", "Kabupaten ",
	};
	char *dir = *state, *path = tu_path(dir, "big.csv"), *err = NULL;
	char ***want;
	size_t *nwant, nrec = 4000, i, j, k;
	uint32_t seed = 12345;
	FILE *f = fopen(path, "wb");
	int pass;

	assert_non_null(f);
	assert_int_equal(fputs(CSV_BOM, f) >= 0, 1);
	want = xcalloc(nrec, sizeof *want);
	nwant = xcalloc(nrec, sizeof *nwant);
	for (i = 0; i < nrec; i++) {
		nwant[i] = 1 + rnd(&seed) % 7;
		want[i] = xcalloc(nwant[i], sizeof **want);
		for (j = 0; j < nwant[i]; j++) {
			struct sbuf b = {0};
			size_t nb = rnd(&seed) % 40;
			for (k = 0; k < nb; k++)
				sbuf_add(&b, bits[rnd(&seed) %
				    (sizeof bits / sizeof bits[0])]);
			want[i][j] = sbuf_steal(&b);
		}
		assert_int_equal(csv_write_record(f, (const char *const *)
		    want[i], nwant[i], ',', i % 2 ? CSV_LF : 0, &err), 0);
	}
	assert_int_equal(fclose(f), 0);

	for (pass = 0; pass < 2; pass++) {
		struct csv_reader *r;
		const struct csv_record *rec;
		char *text = NULL;
		size_t len;
		FILE *in = NULL;
		if (pass == 0) {
			in = fopen(path, "rb");
			assert_non_null(in);
			assert_int_equal(csv_open_file(&r, in, path, ',', &err),
			    0);
		} else {
			text = tu_read_file(path, &len);
			assert_true(len > 5 * 65536);
			assert_int_equal(csv_open_mem(&r, text, len, NULL, ',',
			    &err), 0);
		}
		for (i = 0; i < nrec; i++) {
			int rc = csv_read(r, &rec, &err);
			if (rc != 1)
				fail_msg("pass %d record %zu: %d %s", pass, i,
				    rc, err ? err : "");
			assert_int_equal(rec->n, nwant[i]);
			for (j = 0; j < nwant[i]; j++)
				if (strcmp(rec->field[j], want[i][j]) != 0)
					fail_msg("pass %d record %zu field %zu "
					    "differs", pass, i, j);
		}
		assert_int_equal(csv_read(r, &rec, &err), 0);
		csv_close(r);
		if (in != NULL)
			fclose(in);
		free(text);
	}
	for (i = 0; i < nrec; i++) {
		for (j = 0; j < nwant[i]; j++)
			free(want[i][j]);
		free(want[i]);
	}
	free(want);
	free(nwant);
	free(path);
}

/* A file error is reported at its place even across refills. */
static void
test_file_reader_error_line(void **state)
{
	char *dir = *state, *path = tu_path(dir, "e.csv"), *err = NULL;
	struct csv_reader *r;
	const struct csv_record *rec;
	struct sbuf b = {0};
	FILE *in;
	int i, rc, n = 0;

	for (i = 0; i < 20000; i++)
		sbuf_add(&b, "11.01.01.2001,Keude Bakongan,village\r\n");
	sbuf_add(&b, "11.01,Kab\xe9 Aceh,regency\r\n");
	tu_write_bytes(path, b.s, b.len);
	in = fopen(path, "rb");
	assert_non_null(in);
	assert_int_equal(csv_open_file(&r, in, "e.csv", ',', &err), 0);
	while ((rc = csv_read(r, &rec, &err)) == 1)
		n++;
	assert_int_equal(rc, -1);
	assert_int_equal(n, 20000);
	assert_string_equal(err, "e.csv:20001:10: invalid UTF-8 text (save "
	    "the file as UTF-8)");
	csv_close(r);
	fclose(in);
	free(err);
	sbuf_free(&b);
	free(path);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_plain),
		cmocka_unit_test(test_quoted),
		cmocka_unit_test(test_bom_and_sep),
		cmocka_unit_test(test_errors),
		cmocka_unit_test(test_bad_bytes),
		cmocka_unit_test(test_limits),
		cmocka_unit_test(test_error_text),
		cmocka_unit_test(test_quote_writer),
		cmocka_unit_test_setup_teardown(test_write_read, tu_setup_tmp,
		    tu_teardown_tmp),
		cmocka_unit_test_setup_teardown(test_file_reader_refills,
		    tu_setup_tmp, tu_teardown_tmp),
		cmocka_unit_test_setup_teardown(test_file_reader_error_line,
		    tu_setup_tmp, tu_teardown_tmp),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
