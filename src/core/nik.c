/*
 * nik: parsing of NIK and KK numbers and normalising of phone numbers.
 * Pure functions of their input (and of the year, for NIK when ref_year is
 * 0); no storage, no allocation except for messages and the phone result.
 */
#include "nik.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "i18n.h"
#include "util.h"

static int
two(const char *s)
{
	return (s[0] - '0') * 10 + (s[1] - '0');
}

static int
leap(int y)
{
	return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
}

static int
month_days(int y, int m)
{
	static const int dm[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
	return m == 2 && leap(y) ? 29 : dm[m - 1];
}

/* Exactly 16 ASCII digits; otherwise -1 with the reason. */
static int
sixteen_digits(const char *s, char **err)
{
	size_t i, n = strlen(s);
	for (i = 0; i < n; i++)
		if (s[i] < '0' || s[i] > '9') {
			if (strpbrk(s, "Ee") != NULL && strchr(s, '+') != NULL)
				return util_err(err, _("Digits lost to a "
				    "spreadsheet number format; use text"));
			return util_err(err, _("Only digits 0-9 are allowed"));
		}
	if (n != NIK_LEN)
		return util_err(err, _("Must have 16 digits, not %zu"), n);
	return 0;
}

void
nik_district_text(char code[9], const char *s)
{
	/* "pp.rr.dd", without printf (per row) */
	memcpy(code, s, 2);
	code[2] = '.';
	memcpy(code + 3, s + 2, 2);
	code[5] = '.';
	memcpy(code + 6, s + 4, 2);
	code[8] = '\0';
}

/* Digits 1-6 as a district code "pp.rr.dd" with no part 00. */
static int
district(const char *s, char region[9], char **err)
{
	if (two(s) < 11 || two(s + 2) == 0 || two(s + 4) == 0)
		return util_err(err, _("Digits 1-6 are not a district code"));
	if (region != NULL)
		nik_district_text(region, s);
	return 0;
}

static int
this_year(void)
{
	time_t now = time(NULL);
	struct tm tm;
	if (localtime_r(&now, &tm) == NULL)
		return 2000;
	return tm.tm_year + 1900;
}

int
nik_parse(const char *s, int ref_year, struct nik *out, char **err)
{
	struct nik n;
	int dd, mm, yy;

	memset(out, 0, sizeof *out);
	if (sixteen_digits(s, err) < 0 || district(s, n.region, err) < 0)
		return -1;
	dd = two(s + 6);
	mm = two(s + 8);
	yy = two(s + 10);
	n.sex = NIK_MALE;
	if (dd > 40) {
		dd -= 40;
		n.sex = NIK_FEMALE;
	}
	if (ref_year <= 0)
		ref_year = this_year();
	n.year = 2000 + yy;
	while (n.year > ref_year)
		n.year -= 100;
	if (mm < 1 || mm > 12 || dd < 1 || dd > month_days(n.year, mm))
		return util_err(err, _("Digits 7-12 are not a birth date "
		    "DDMMYY (women DD+40)"));
	n.month = mm;
	n.day = dd;
	n.serial = atoi(s + 12);
	if (n.serial == 0)
		return util_err(err, _("The last 4 digits (serial) cannot be "
		    "0000"));
	*out = n;
	return 0;
}

int
nik_kk_parse(const char *s, char region[9], char **err)
{
	char r[9];
	if (sixteen_digits(s, err) < 0 || district(s, r, err) < 0)
		return -1;
	if (region != NULL)
		memcpy(region, r, sizeof r);
	return 0;
}

int
nik_phone_normalize(const char *s, char **out, char **err)
{
	struct sbuf b = {0};
	const char *p;
	size_t nd = 0;

	*out = NULL;
	for (p = s; *p != '\0'; p++) {
		if (*p == ' ' || *p == '-')
			continue;
		if (*p == '+' && b.len == 0)
			sbuf_addc(&b, '+');
		else if (*p >= '0' && *p <= '9') {
			sbuf_addc(&b, *p);
			nd++;
		} else {
			sbuf_free(&b);
			return util_err(err, _("Only digits, spaces, dashes and "
			    "a leading +"));
		}
	}
	if (b.s == NULL || (strncmp(b.s, "08", 2) != 0 &&
	    strncmp(b.s, "+628", 4) != 0 && strncmp(b.s, "628", 3) != 0)) {
		sbuf_free(&b);
		return util_err(err, _("Not an Indonesian number: start with "
		    "08, +628 or 628"));
	}
	if (nd < 9 || nd > 15) {
		sbuf_free(&b);
		return util_err(err, _("Must have 9 to 15 digits, not %zu"), nd);
	}
	*out = sbuf_steal(&b);
	return 0;
}
