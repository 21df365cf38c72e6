/*
 * test_validate: validate_value for every field type (normalised forms,
 * rejections with their rule and message) and validate_record.
 */
#include "testutil.h"

#include "record.h"
#include "validate.h"

static const char dict[] =
    "dictionary: vt\n"
    "languages: [id, en]\n"
    "regions: wilayah.csv\n"
    "value_sets:\n"
    "  sex:\n"
    "    - {code: 1, label: {id: Laki-laki, en: Male}}\n"
    "    - {code: 2, label: {id: Perempuan, en: Female}}\n"
    "  island:\n"
    "    - {code: JW, label: Jawa}\n"
    "    - {code: SM, label: Sumatera}\n"
    "  aid:\n"
    "    - {code: 1, label: PKH}\n"
    "    - {code: 2, label: BPNT}\n"
    "    - {code: 3, label: PIP}\n"
    "    - {code: 10, label: KIS}\n"
    "records:\n"
    "  v:\n"
    "    fields:\n"
    "      - {name: t, type: text}\n"
    "      - {name: i, type: integer}\n"
    "      - {name: age, type: integer, min: 0, max: 130}\n"
    "      - {name: neg, type: integer, min: -10}\n"
    "      - {name: d, type: decimal}\n"
    "      - {name: area, type: decimal, min: 1, max: 10000}\n"
    "      - {name: dt, type: date}\n"
    "      - {name: yn, type: yesno}\n"
    "      - {name: sex, type: select_one, values: sex}\n"
    "      - {name: isl, type: select_one, values: island}\n"
    "      - {name: req, type: text, required: true,\n"
    "         label: {id: Nama, en: Name}}\n"
    "      - {name: reqi, type: integer, required: true, max: 5}\n"
    "      - {name: nik, type: nik}\n"
    "      - {name: kk, type: kk}\n"
    "      - {name: hp, type: phone}\n"
    "      - {name: aid, type: select_multiple, values: aid}\n"
    "      - {name: tags, type: select_multiple, values: island}\n"
    "      - {name: prov, type: region, level: province}\n"
    "      - {name: kab, type: region, level: regency}\n"
    "      - {name: kec, type: region, level: district}\n"
    "      - {name: desa, type: region, level: village}\n"
    "      - {name: calc, type: calculate, calculation: \"i * 2\"}\n"
    "      - {name: info, type: note}\n"
    "      - {name: rtrw, type: text, pattern: '[0-9]{3}/[0-9]{3}'}\n"
    "      - {name: plate, type: text, pattern: '[A-Z]{2}',\n"
    "         constraint_message: {id: Dua huruf besar,\n"
    "         en: Two capital letters}}\n"
    "      - {name: nik32, type: nik, pattern: '32[0-9]*'}\n"
    "      - {name: hp62, type: phone, pattern: '[+]62[0-9]+'}\n"
    "      - {name: desa96, type: region, level: village,\n"
    "         pattern: '96[.].*'}\n";

static struct schema *S;
static const struct sch_record *R;

static int
group_setup(void **state)
{
	(void)state;
	S = tu_schema(dict);
	R = schema_record(S, "v");
	return R != NULL ? 0 : -1;
}

static int
group_teardown(void **state)
{
	(void)state;
	schema_free(S);
	return 0;
}

static const struct sch_field *
field(const char *name)
{
	int i = schema_field_index(R, name);
	if (i < 0)
		fail_msg("no field %s", name);
	return &R->fields[i];
}

/* The value is accepted and stored as want (NULL = empty). */
static void
ok(const char *fname, const char *in, const char *want)
{
	char *norm = (char *)"unset", *msg = (char *)"unset";
	const char *rule = "unset";
	int rc = validate_value(field(fname), in, 0, &norm, &rule, &msg);
	if (rc != 0)
		fail_msg("%s: '%s' refused (%s: %s)", fname, in, rule, msg);
	assert_null(rule);
	assert_null(msg);
	if (want == NULL)
		assert_null(norm);
	else {
		assert_non_null(norm);
		if (strcmp(norm, want) != 0)
			fail_msg("%s: '%s' became '%s', expected '%s'", fname,
			    in, norm, want);
	}
	free(norm);
}

/* The value is refused under want_rule, the message containing want_msg. */
static void
bad(const char *fname, const char *in, const char *want_rule,
    const char *want_msg)
{
	char *norm = (char *)"unset", *msg = NULL;
	const char *rule = NULL;
	int rc = validate_value(field(fname), in, 0, &norm, &rule, &msg);
	if (rc != -1)
		fail_msg("%s: '%s' accepted as '%s'", fname, in,
		    norm ? norm : "(empty)");
	assert_null(norm);
	assert_non_null(rule);
	assert_string_equal(rule, want_rule);
	assert_contains(msg, want_msg);
	/* messages are one line with no terminal control */
	assert_null(strpbrk(msg, "\n\r\x1b"));
	free(msg);
}

static void
test_text(void **state)
{
	char *big;
	(void)state;
	ok("t", "Budi Santoso", "Budi Santoso");
	ok("t", "  Siti Aminah \t", "Siti Aminah");
	ok("t", "Jl. Sudirman No. 5, RT 03/RW 07", "Jl. Sudirman No. 5, RT 03/RW 07");
	ok("t", "Andr\xc3\xa9 \xe6\x97\xa5\xe6\x9c\xac", "Andr\xc3\xa9 \xe6\x97\xa5\xe6\x9c\xac");
	ok("t", "", NULL);
	ok("t", "   ", NULL);
	ok("t", NULL, NULL);
	bad("t", "red\x1b[31m", "type", "control characters");
	bad("t", "a\tb", "type", "control characters");
	bad("t", "line1\nline2", "type", "control characters");
	bad("t", "bell\x07", "type", "control characters");
	bad("t", "del\x7f", "type", "control characters");
	bad("t", "bad\xff" "byte", "type", "UTF-8");
	bad("t", "overlong\xc0\xaf", "type", "UTF-8");
	bad("t", "surrogate\xed\xa0\x80", "type", "UTF-8");
	/* 1000 bytes at most */
	big = xmalloc(1002);
	memset(big, 'x', 1001);
	big[1000] = '\0';
	ok("t", big, big);
	big[1000] = 'x';
	big[1001] = '\0';
	bad("t", big, "type", "Too long (at most 1000 bytes)");
	free(big);
}

static void
test_integer(void **state)
{
	(void)state;
	ok("i", "42", "42");
	ok("i", " 42 ", "42");
	ok("i", "007", "7");
	ok("i", "0", "0");
	ok("i", "000", "0");
	ok("i", "+15", "15");
	ok("i", "-15", "-15");
	ok("i", "-007", "-7");
	ok("i", "-0", "0");
	ok("i", "+0", "0");
	ok("i", "123456789012345", "123456789012345"); /* 15 digits */
	ok("i", "0000000000000000042", "42"); /* leading zeros don't count */
	bad("i", "1234567890123456", "type", "Not a whole number"); /* 16 */
	bad("i", "99999999999999999999", "type", "Not a whole number");
	bad("i", "12a", "type", "Not a whole number");
	bad("i", "a12", "type", "Not a whole number");
	bad("i", "1.5", "type", "Not a whole number");
	bad("i", "1,000", "type", "Not a whole number");
	bad("i", "1 000", "type", "Not a whole number");
	bad("i", "-", "type", "Not a whole number");
	bad("i", "+", "type", "Not a whole number");
	bad("i", "--1", "type", "Not a whole number");
	bad("i", "0x10", "type", "Not a whole number");
	bad("i", "1e3", "type", "Not a whole number");
	bad("i", "\xd9\xa3", "type", "Not a whole number"); /* Arabic-Indic 3 */
}

static void
test_integer_range(void **state)
{
	(void)state;
	ok("age", "0", "0");
	ok("age", "130", "130");
	ok("age", "0130", "130");
	bad("age", "131", "range", "Must be from 0 to 130");
	bad("age", "-1", "range", "Must be from 0 to 130");
	ok("neg", "-10", "-10");
	ok("neg", "999999", "999999");
	bad("neg", "-11", "range", "Must be at least -10");
	ok("reqi", "5", "5");
	bad("reqi", "6", "range", "Must be at most 5");
	/* A type error is reported before the range. */
	bad("age", "abc", "type", "Not a whole number");
}

static void
test_decimal(void **state)
{
	(void)state;
	ok("d", "12.5", "12.5");
	ok("d", "12,5", "12.5");
	ok("d", " 12,50 ", "12.5");
	ok("d", "0.1", "0.1");
	ok("d", "-3.25", "-3.25");
	ok("d", "+3.25", "3.25");
	ok("d", "7", "7");
	ok("d", "100", "100");
	ok("d", "2500", "2500");
	ok("d", "007.50", "7.5");
	ok("d", ".5", "0.5");
	ok("d", "5.", "5");
	ok("d", "0.00001", "0.00001");
	ok("d", "123456789012345", "123456789012345");
	bad("d", "1.2.3", "type", "Not a number (use 12.5 or 12,5)");
	bad("d", "1,2,3", "type", "Not a number");
	bad("d", "1.2,3", "type", "Not a number");
	bad("d", "abc", "type", "Not a number");
	bad("d", "1e5", "type", "Not a number");
	bad("d", "-", "type", "Not a number");
	bad("d", ".", "type", "Not a number");
	bad("d", "1-2", "type", "Not a number");
	bad("d", "inf", "type", "Not a number");
	bad("d", "nan", "type", "Not a number");
	bad("d", "1234567890123456", "type", "Not a number"); /* 16 digits */
}

static void
test_decimal_range(void **state)
{
	(void)state;
	ok("area", "1", "1");
	ok("area", "10000", "10000");
	ok("area", "36,5", "36.5");
	bad("area", "0,99", "range", "Must be from 1 to 10000");
	bad("area", "10000.01", "range", "Must be from 1 to 10000");
}

static void
test_date_formats(void **state)
{
	int y = 0, m = 0, d = 0;
	(void)state;
	ok("dt", "17-08-1945", "1945-08-17");
	ok("dt", "17/08/1945", "1945-08-17");
	ok("dt", "17081945", "1945-08-17");
	ok("dt", "1945-08-17", "1945-08-17");
	ok("dt", " 01-01-2000 ", "2000-01-01");
	ok("dt", "31-12-2199", "2199-12-31");
	assert_int_equal(validate_parse_date("05/11/2023", &y, &m, &d), 0);
	assert_int_equal(y, 2023);
	assert_int_equal(m, 11);
	assert_int_equal(d, 5);
}

static void
test_date_calendar(void **state)
{
	(void)state;
	bad("dt", "31-02-2020", "type", "Not a valid date");
	bad("dt", "30-02-2024", "type", "Not a valid date");
	bad("dt", "29-02-2023", "type", "Not a valid date");
	ok("dt", "29-02-2024", "2024-02-29");
	ok("dt", "2024-02-29", "2024-02-29");
	ok("dt", "29022024", "2024-02-29");
	ok("dt", "29-02-2000", "2000-02-29");     /* divisible by 400 */
	bad("dt", "29-02-1900", "type", "Not a valid date"); /* by 100 */
	bad("dt", "31-04-2021", "type", "Not a valid date");
	ok("dt", "31-05-2021", "2021-05-31");
	bad("dt", "00-01-2020", "type", "Not a valid date");
	bad("dt", "01-13-2020", "type", "Not a valid date");
	bad("dt", "01-00-2020", "type", "Not a valid date");
}

static void
test_date_rejects(void **state)
{
	(void)state;
	bad("dt", "1-8-1945", "type", "DD-MM-YYYY or YYYY-MM-DD");
	bad("dt", "17-08/1945", "type", "Not a valid date");
	bad("dt", "1945/08/17", "type", "Not a valid date");
	bad("dt", "17.08.1945", "type", "Not a valid date");
	bad("dt", "170845", "type", "Not a valid date");
	bad("dt", "1708194a", "type", "Not a valid date");
	bad("dt", "yesterday", "type", "Not a valid date");
	bad("dt", "17-08-1849", "type", "Not a valid date"); /* before 1850 */
	bad("dt", "01-01-2201", "type", "Not a valid date");
	bad("dt", "+7-08-1945", "type", "Not a valid date");
}

static void
test_yesno(void **state)
{
	(void)state;
	ok("yn", "1", "1");
	ok("yn", "y", "1");
	ok("yn", "Y", "1");
	ok("yn", "ya", "1");
	ok("yn", "YA", "1");
	ok("yn", "yes", "1");
	ok("yn", "0", "0");
	ok("yn", "2", "0");
	ok("yn", "t", "0");
	ok("yn", "n", "0");
	ok("yn", "tidak", "0");
	ok("yn", "Tidak", "0");
	ok("yn", "no", "0");
	ok("yn", " 1 ", "1");
	ok("yn", "", NULL);
	bad("yn", "3", "type", "Answer 1 (yes) or 0 (no)");
	bad("yn", "x", "type", "Answer 1 (yes) or 0 (no)");
	bad("yn", "11", "type", "Answer 1 (yes) or 0 (no)");
	bad("yn", "yaa", "type", "Answer 1 (yes) or 0 (no)");
	bad("yn", "true", "type", "Answer 1 (yes) or 0 (no)");
}

static void
test_select_one(void **state)
{
	(void)state;
	ok("sex", "1", "1");
	ok("sex", "2", "2");
	ok("sex", " 2 ", "2");
	ok("sex", "01", "1");     /* numeric code with a leading zero */
	ok("sex", "+2", "2");
	bad("sex", "3", "value_set", "No code '3': choose 1, 2");
	bad("sex", "0", "value_set", "No code '0'");
	bad("sex", "Male", "value_set", "No code 'Male'");
	ok("isl", "JW", "JW");
	/* Text codes are matched exactly. */
	bad("isl", "jw", "value_set", "No code 'jw': choose JW, SM");
	bad("isl", "0JW", "value_set", "No code '0JW'");
	/* The code is quoted sanitised in the message. */
	bad("isl", "J\x1b[2JW", "value_set", "No code 'J\xef\xbf\xbd[2JW'");
}

static void
test_select_one_long_hint(void **state)
{
	struct sbuf y = {0};
	struct schema *s;
	char *norm = NULL, *msg = NULL;
	const char *rule = NULL;
	int i;
	(void)state;
	sbuf_add(&y, "dictionary: h\nvalue_sets:\n  many:\n");
	for (i = 1; i <= 12; i++)
		sbuf_addf(&y, "    - {code: %d, label: c%d}\n", i, i);
	sbuf_add(&y, "records:\n  r:\n    fields:\n"
	    "      - {name: f, type: select_one, values: many}\n");
	s = tu_schema(y.s);
	sbuf_free(&y);
	assert_int_equal(validate_value(&s->records[0].fields[0], "13", 0, &norm,
	    &rule, &msg), -1);
	assert_string_equal(rule, "value_set");
	/* eight codes, then an ellipsis */
	assert_contains(msg, "choose 1, 2, 3, 4, 5, 6, 7, 8, ... (F4");
	assert_not_contains(msg, "9");
	free(msg);
	assert_int_equal(validate_value(&s->records[0].fields[0], "012", 0,
	    &norm, &rule, &msg), 0);
	assert_string_equal(norm, "12");
	free(norm);
	schema_free(s);
}

static void
test_required(void **state)
{
	(void)state;
	bad("req", "", "required", "Required: this field must be filled in");
	bad("req", "  \t ", "required", "Required");
	bad("req", NULL, "required", "Required");
	bad("reqi", "", "required", "Required");
	ok("req", "x", "x");
	/* Optional fields accept empty. */
	ok("i", "", NULL);
	ok("sex", "", NULL);
	ok("dt", "", NULL);
}

static void
test_validate_record(void **state)
{
	struct record *r = record_new(R);
	struct findings f = {0};
	size_t n;
	(void)state;
	record_set_by_name(r, "t", "ok");
	record_set_by_name(r, "i", "x1");          /* type */
	record_set_by_name(r, "age", "200");       /* range */
	record_set_by_name(r, "dt", "31-02-2020"); /* date */
	record_set_by_name(r, "yn", "1");
	record_set_by_name(r, "sex", "9");         /* value set */
	/* req and reqi left empty: two "required" */
	n = validate_record(r, 1, &f);
	assert_int_equal(n, 6);
	assert_int_equal(f.n, 6);
	assert_int_equal(findings_errors(&f), 6);
	assert_int_equal(f.v[0].field, (size_t)schema_field_index(R, "i"));
	assert_string_equal(f.v[0].rule, "type");
	assert_int_equal(f.v[0].severity, SEV_ERROR);
	assert_int_equal(f.v[1].field, (size_t)schema_field_index(R, "age"));
	assert_string_equal(f.v[1].rule, "range");
	assert_contains(f.v[1].msg, "from 0 to 130");
	assert_int_equal(f.v[2].field, (size_t)schema_field_index(R, "dt"));
	assert_string_equal(f.v[2].rule, "type");
	assert_int_equal(f.v[3].field, (size_t)schema_field_index(R, "sex"));
	assert_string_equal(f.v[3].rule, "value_set");
	assert_int_equal(f.v[4].field, (size_t)schema_field_index(R, "req"));
	assert_string_equal(f.v[4].rule, "required");
	assert_int_equal(f.v[5].field, (size_t)schema_field_index(R, "reqi"));
	assert_string_equal(f.v[5].rule, "required");

	/* Fix them all: no findings; appended count adds to the old list. */
	record_set_by_name(r, "i", "1");
	record_set_by_name(r, "age", "20");
	record_set_by_name(r, "dt", "2020-02-29");
	record_set_by_name(r, "sex", "2");
	record_set_by_name(r, "req", "Nama");
	record_set_by_name(r, "reqi", "3");
	assert_int_equal(validate_record(r, 0, &f), 0);
	assert_int_equal(f.n, 6);
	findings_free(&f);
	assert_int_equal(f.n, 0);
	assert_null(f.v);
	assert_int_equal(validate_record(r, 0, &f), 0);
	assert_int_equal(f.n, 0);
	findings_free(&f);
	record_free(r);
}

/*
 * The new types. bad80: refused, and the message fits one 80-column line
 * behind a label of 20 columns ("Nomor induk (NIK): ...").
 */
static void
bad80(const char *fname, const char *in, const char *want_rule,
    const char *want_msg)
{
	char *norm = (char *)"unset", *msg = NULL;
	const char *rule = NULL;
	bad(fname, in, want_rule, want_msg);
	assert_int_equal(validate_value(field(fname), in, 0, &norm, &rule,
	    &msg), -1);
	if (20 + 2 + utf8_count(msg) > 80)
		fail_msg("%s: message too long for one line: '%s'", fname, msg);
	free(msg);
}

static void
test_nik(void **state)
{
	(void)state;
	ok("nik", "3273051708850001", "3273051708850001");
	ok("nik", " 3273055708850123 ", "3273055708850123"); /* woman */
	ok("nik", "9671014101009999", "9671014101009999");
	ok("nik", "", NULL);
	bad80("nik", "327305170885000", "type", "Must have 16 digits, not 15");
	bad80("nik", "32730517088500011", "type", "16 digits, not 17");
	bad80("nik", "3273 0517 0885 0001", "type", "Only digits");
	bad80("nik", "3,27305E+15", "type", "spreadsheet");
	bad80("nik", "3273053208850001", "type", "birth date");
	bad80("nik", "3273051713850001", "type", "birth date");
	bad80("nik", "3273053002850001", "type", "birth date");
	bad80("nik", "3273051708850000", "type", "0000");
	bad80("nik", "0073051708850001", "type", "not a district code");
	bad80("nik", "3200051708850001", "type", "not a district code");
}

static void
test_kk(void **state)
{
	(void)state;
	ok("kk", "3201234567890123", "3201234567890123");
	ok("kk", "7371010101010002", "7371010101010002");
	ok("kk", "1101019999990000", "1101019999990000");
	bad80("kk", "320123456789012", "type", "Must have 16 digits, not 15");
	bad80("kk", "32012345678901234", "type", "not 17");
	bad80("kk", "3201-2345-6789-0123", "type", "Only digits");
	bad80("kk", "3200234567890123", "type", "not a district code");
}

static void
test_phone(void **state)
{
	(void)state;
	ok("hp", "0812-3456-7890", "081234567890");
	ok("hp", "+62 812 3456 7890", "+6281234567890");
	ok("hp", "6281234567890", "6281234567890");
	ok("hp", " 081234567 ", "081234567");
	bad80("hp", "08123456", "type", "9 to 15 digits, not 8");
	bad80("hp", "0812345678901234", "type", "not 16");
	bad80("hp", "(0812) 345678", "type", "Only digits, spaces, dashes");
	bad80("hp", "+1 202 555 0100", "type", "start with 08, +628 or 628");
	bad80("hp", "021 5550100", "type", "Not an Indonesian number");
}

static void
test_select_multiple(void **state)
{
	(void)state;
	/* Value-set order, one space, whatever the order typed. */
	ok("aid", "1", "1");
	ok("aid", "3 1", "1 3");
	ok("aid", "10,2", "2 10");
	ok("aid", " 10 , 3,,1  2 ", "1 2 3 10");
	ok("aid", "03 01", "1 3"); /* numeric codes */
	ok("aid", ",", NULL);      /* no code at all: empty */
	ok("tags", "SM JW", "JW SM");
	bad80("aid", "1 4", "value_set", "No code '4': choose 1, 2, 3, 10");
	bad80("aid", "1 2 1", "value_set", "Code '1' is given twice");
	bad80("aid", "1 01", "value_set", "Code '01' is given twice");
	bad80("aid", "1;2", "value_set", "No code '1;2'");
	bad80("tags", "JW jw", "value_set", "No code 'jw'");
	bad80("tags", "JW \x1b[2J", "value_set", "No code '\xef\xbf\xbd[2J'");
	/* A long unknown code is cut in the message. */
	bad80("tags", "XXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXX",
	    "value_set", "No code 'XXXXXXXXXXXX': choose JW, SM");
}

static void
test_region_shape(void **state)
{
	(void)state;
	ok("prov", "96", "96");
	ok("kab", "96.71", "96.71");
	ok("kec", " 96.71.01 ", "96.71.01");
	ok("desa", "96.71.01.1001", "96.71.01.1001");
	/* Existence is checked against the table elsewhere: any code of
	 * the right shape passes here. */
	ok("desa", "99.99.99.9999", "99.99.99.9999");
	bad80("prov", "96.71", "type", "Not a province code (2 digits");
	bad80("kab", "96", "type", "Not a regency code (like 11.01)");
	bad80("kab", "9671", "type", "Not a regency code");
	bad80("kec", "96.71.1", "type", "Not a district code (like 11.01.01)");
	bad80("desa", "96.71.01", "type",
	    "Not a village code (like 11.01.01.2001)");
	bad80("desa", "96.71.01.100", "type", "Not a village code");
	bad80("desa", "Sorong", "type", "Not a village code");
}

static void
test_calculate_and_note(void **state)
{
	char *norm = (char *)"unset", *msg = (char *)"unset";
	const char *rule = "unset";
	(void)state;
	ok("calc", "42", "42");
	ok("calc", "anything at all", "anything at all");
	ok("calc", "", NULL);
	/* A note takes no value, whatever is given. */
	ok("info", "", NULL);
	ok("info", "typed text", NULL);
	assert_int_equal(validate_value(field("info"), NULL, 0, &norm, &rule,
	    &msg), 0);
	assert_null(norm);
	assert_null(rule);
	assert_null(msg);
}

static void
test_pattern(void **state)
{
	char *norm = NULL, *msg = NULL;
	const char *rule = NULL;
	(void)state;
	ok("rtrw", "003/007", "003/007");
	ok("rtrw", "", NULL);
	/* Anchored at both ends. */
	bad80("rtrw", "03/007", "pattern", "Does not match the required "
	    "pattern");
	bad80("rtrw", "003/0071", "pattern", "Does not match");
	bad80("rtrw", "x003/007", "pattern", "Does not match");
	/* The type is checked first. */
	bad80("rtrw", "003/\x01", "type", "control characters");
	/* The constraint message stands in, in the language asked. */
	ok("plate", "DK", "DK");
	bad80("plate", "dk", "pattern", "Dua huruf besar");
	assert_int_equal(validate_value(field("plate"), "D", 1, &norm, &rule,
	    &msg), -1);
	assert_string_equal(rule, "pattern");
	assert_string_equal(msg, "Two capital letters");
	free(msg);
	/* On the canonical form of NIK, phone and region values. */
	ok("nik32", "3273051708850001", "3273051708850001");
	bad80("nik32", "3573051708850001", "pattern", "Does not match");
	bad80("nik32", "3273051708850000", "type", "0000");
	ok("hp62", "+62 812 3456 789", "+62812345678" "9");
	bad80("hp62", "0812 3456 789", "pattern", "Does not match");
	ok("desa96", "96.71.01.1001", "96.71.01.1001");
	bad80("desa96", "11.01.01.2001", "pattern", "Does not match");
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_text),
		cmocka_unit_test(test_integer),
		cmocka_unit_test(test_integer_range),
		cmocka_unit_test(test_decimal),
		cmocka_unit_test(test_decimal_range),
		cmocka_unit_test(test_date_formats),
		cmocka_unit_test(test_date_calendar),
		cmocka_unit_test(test_date_rejects),
		cmocka_unit_test(test_yesno),
		cmocka_unit_test(test_select_one),
		cmocka_unit_test(test_select_one_long_hint),
		cmocka_unit_test(test_required),
		cmocka_unit_test(test_validate_record),
		cmocka_unit_test(test_nik),
		cmocka_unit_test(test_kk),
		cmocka_unit_test(test_phone),
		cmocka_unit_test(test_select_multiple),
		cmocka_unit_test(test_region_shape),
		cmocka_unit_test(test_calculate_and_note),
		cmocka_unit_test(test_pattern),
	};
	return cmocka_run_group_tests(tests, group_setup, group_teardown);
}
