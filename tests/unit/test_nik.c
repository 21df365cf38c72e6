/*
 * test_nik: NIK parts (region, birth date with the century resolved, sex,
 * serial), every refusal, KK numbers and phone normalising.
 */
#include "testutil.h"

#include <time.h>

#include "nik.h"

static void
nik_ok(const char *s, int ref, const char *region, int y, int m, int d,
    enum nik_sex sex, int serial)
{
	struct nik n;
	char *err = NULL;
	if (nik_parse(s, ref, &n, &err) != 0)
		fail_msg("NIK %s refused: %s", s, err);
	assert_null(err);
	assert_string_equal(n.region, region);
	if (n.year != y || n.month != m || n.day != d)
		fail_msg("NIK %s: born %04d-%02d-%02d, want %04d-%02d-%02d", s,
		    n.year, n.month, n.day, y, m, d);
	assert_int_equal(n.sex, sex);
	assert_int_equal(n.serial, serial);
}

static void
nik_bad(const char *s, const char *want)
{
	struct nik n;
	char *err = NULL;
	n.serial = 77;
	assert_int_equal(nik_parse(s, 2025, &n, &err), -1);
	assert_contains(err, want);
	assert_int_equal(n.serial, 0); /* cleared on failure */
	assert_true(strlen(err) <= 56); /* fits 80 columns with a label */
	free(err);
}

static void
test_nik_parts(void **state)
{
	(void)state;
	/* Man born 17 August 1985 in Kota Bandung (32.73.05). */
	nik_ok("3273051708850001", 2025, "32.73.05", 1985, 8, 17, NIK_MALE, 1);
	/* Woman: day + 40. */
	nik_ok("3273055708850123", 2025, "32.73.05", 1985, 8, 17, NIK_FEMALE,
	    123);
	nik_ok("9671014101009999", 2025, "96.71.01", 2000, 1, 1, NIK_FEMALE,
	    9999);
	nik_ok("1101017112990002", 2025, "11.01.01", 1999, 12, 31, NIK_FEMALE,
	    2);
	/* Leading zeros of the serial do not make it octal. */
	nik_ok("1101010101010089", 2025, "11.01.01", 2001, 1, 1, NIK_MALE, 89);
}

static void
test_nik_century(void **state)
{
	(void)state;
	/* The latest year not after the reference. */
	nik_ok("3273051708250001", 2025, "32.73.05", 2025, 8, 17, NIK_MALE, 1);
	nik_ok("3273051708260001", 2025, "32.73.05", 1926, 8, 17, NIK_MALE, 1);
	nik_ok("3273051708000001", 2025, "32.73.05", 2000, 8, 17, NIK_MALE, 1);
	nik_ok("3273051708990001", 2025, "32.73.05", 1999, 8, 17, NIK_MALE, 1);
	nik_ok("3273051708260001", 2026, "32.73.05", 2026, 8, 17, NIK_MALE, 1);
	nik_ok("3273051708990001", 1999, "32.73.05", 1999, 8, 17, NIK_MALE, 1);
	nik_ok("3273051708000001", 1999, "32.73.05", 1900, 8, 17, NIK_MALE, 1);
	/* 29 February: 2000 was a leap year, 1900 was not. */
	nik_ok("3273052902000001", 2025, "32.73.05", 2000, 2, 29, NIK_MALE, 1);
	nik_ok("3273056902040001", 2025, "32.73.05", 2004, 2, 29, NIK_FEMALE,
	    1);
	{
		struct nik n;
		char *err = NULL;
		assert_int_equal(nik_parse("3273052902000001", 1999, &n, &err),
		    -1);
		assert_contains(err, "birth date");
		free(err);
	}
	/* ref_year 0: this year, so a birth year is never in the future. */
	{
		struct nik n;
		char *err = NULL;
		time_t now = time(NULL);
		struct tm tm;
		localtime_r(&now, &tm);
		assert_int_equal(nik_parse("3273051708990001", 0, &n, &err), 0);
		assert_int_equal(n.year, 1999);
		assert_int_equal(nik_parse("3273051708000001", 0, &n, &err), 0);
		assert_int_equal(n.year, 2000);
		assert_true(n.year <= tm.tm_year + 1900);
	}
}

static void
test_nik_refused(void **state)
{
	(void)state;
	nik_bad("", "16 digits, not 0");
	nik_bad("327305170885001", "16 digits, not 15");
	nik_bad("32730517088500011", "16 digits, not 17");
	nik_bad("3273 0517 0885 0001", "Only digits");
	nik_bad("3273.05.170885.0001", "Only digits");
	nik_bad("327305170885000a", "Only digits");
	nik_bad("\xef\xbc\x93" "273051708850001", "Only digits"); /* fullwidth */
	nik_bad("3.27305E+15", "spreadsheet");
	/* Region parts. */
	nik_bad("0073051708850001", "not a district code");
	nik_bad("1073051708850001", "not a district code");
	nik_bad("3200051708850001", "not a district code");
	nik_bad("3273001708850001", "not a district code");
	/* Dates. */
	nik_bad("3273050008850001", "birth date"); /* day 0 */
	nik_bad("3273053208850001", "birth date"); /* day 32 */
	nik_bad("3273054008850001", "birth date"); /* day 40 = woman day 0 */
	nik_bad("3273057208850001", "birth date"); /* woman day 32 */
	nik_bad("3273051700850001", "birth date"); /* month 0 */
	nik_bad("3273051713850001", "birth date"); /* month 13 */
	nik_bad("3273053104850001", "birth date"); /* 31 April */
	nik_bad("3273053002840001", "birth date"); /* 30 February */
	nik_bad("3273052902850001", "birth date"); /* 1985 not leap */
	nik_bad("3273056902850001", "birth date");
	nik_bad("3273059908850001", "birth date");
	/* Serial. */
	nik_bad("3273051708850000", "0000");
}

static void
test_kk(void **state)
{
	char region[9], *err = NULL;
	(void)state;
	assert_int_equal(nik_kk_parse("3201234567890123", region, &err), 0);
	assert_string_equal(region, "32.01.23");
	assert_int_equal(nik_kk_parse("7371010101010002", NULL, &err), 0);
	/* The rest is any digits: no date is checked, 0000 is fine. */
	assert_int_equal(nik_kk_parse("1101019999990000", region, &err), 0);
	assert_string_equal(region, "11.01.01");
	assert_null(err);
	assert_int_equal(nik_kk_parse("320123456789012", region, &err), -1);
	assert_contains(err, "16 digits, not 15");
	assert_int_equal(nik_kk_parse("32012345678901x3", region, &err), -1);
	assert_contains(err, "Only digits");
	assert_int_equal(nik_kk_parse("3200234567890123", region, &err), -1);
	assert_contains(err, "not a district code");
	assert_int_equal(nik_kk_parse("0001234567890123", region, &err), -1);
	assert_contains(err, "not a district code");
	free(err);
}

static void
phone_ok(const char *in, const char *want)
{
	char *out = NULL, *err = NULL;
	if (nik_phone_normalize(in, &out, &err) != 0)
		fail_msg("phone '%s' refused: %s", in, err);
	assert_string_equal(out, want);
	free(out);
}

static void
phone_bad(const char *in, const char *want)
{
	char *out = (char *)"unset", *err = NULL;
	assert_int_equal(nik_phone_normalize(in, &out, &err), -1);
	assert_null(out);
	assert_contains(err, want);
	assert_true(strlen(err) <= 56);
	free(err);
}

static void
test_phone(void **state)
{
	(void)state;
	phone_ok("081234567890", "081234567890");
	phone_ok("0812-3456-7890", "081234567890");
	phone_ok("0812 3456 7890", "081234567890");
	phone_ok("+62 812-3456-7890", "+6281234567890");
	phone_ok("+6281234567890", "+6281234567890");
	phone_ok("6281234567890", "6281234567890");
	phone_ok("081234567", "081234567"); /* 9 digits */
	phone_ok("081234567890123", "081234567890123"); /* 15 */
	phone_bad("08123456", "9 to 15 digits, not 8");
	phone_bad("0812345678901234", "9 to 15 digits, not 16");
	phone_bad("+62 8 1", "9 to 15 digits, not 4");
	phone_bad("(0812) 3456 7890", "Only digits");
	phone_bad("0812.3456.7890", "Only digits");
	phone_bad("0812+3456", "Only digits");
	phone_bad("++6281234567890", "Only digits");
	phone_bad("0812/34567890", "Only digits");
	phone_bad("+1 202 555 0100", "start with 08, +628 or 628");
	phone_bad("+6221 5550100", "start with 08, +628 or 628");
	phone_bad("0215550100", "start with 08, +628 or 628");
	phone_bad("8123456789", "start with 08, +628 or 628");
	phone_bad("- -", "start with 08");
	phone_bad("", "start with 08");
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_nik_parts),
		cmocka_unit_test(test_nik_century),
		cmocka_unit_test(test_nik_refused),
		cmocka_unit_test(test_kk),
		cmocka_unit_test(test_phone),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
