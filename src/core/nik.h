/*
 * nik: Indonesian identity numbers. A NIK (Nomor Induk Kependudukan) is 16
 * digits: province, regency and district of first registration (2 + 2 +
 * 2), the birth date as DDMMYY with 40 added to the day for women, then a
 * serial of 4 digits, never 0000. A KK (Kartu Keluarga, family card)
 * number is 16 digits whose first 6 are the district code. Phone numbers
 * are Indonesian: 08..., +628... or 628....
 *
 * Only the form is checked here; whether a region code exists (today or
 * retired: a NIK keeps the code of its first registration for life) is for
 * the region table. Errors are translated, one short line each.
 */
#ifndef KESRA_NIK_H
#define KESRA_NIK_H

#define NIK_LEN 16

enum nik_sex { NIK_MALE = 1, NIK_FEMALE = 2 }; /* as the usual value set */

struct nik {
	char region[9];     /* district "pp.rr.dd" */
	int year, month, day; /* birth date, century resolved */
	enum nik_sex sex;
	int serial;         /* 1..9999 */
};

/*
 * Parse a NIK (exactly 16 digits, nothing else). The two-digit birth year
 * is taken as the latest year not after ref_year (ref_year 0: this year):
 * with ref_year 2025, "25" is 2025 and "26" is 1926. Returns 0, or -1 with
 * *err for a wrong length, a non-digit, a region part 00 (or a province
 * below 11), an impossible date or serial 0000.
 */
int nik_parse(const char *s, int ref_year, struct nik *out, char **err);

/*
 * Parse a KK number (exactly 16 digits; the first 6 a district code with
 * no part 00). region may be NULL. Returns 0 or -1 with *err.
 */
int nik_kk_parse(const char *s, char region[9], char **err);

/* The first six digits of s (at least six) as "pp.rr.dd" in code. */
void nik_district_text(char code[9], const char *s);

/*
 * Normalise a phone number: spaces and dashes dropped, a leading + kept,
 * then 08..., +628... or 628... with 9 to 15 digits in all. Returns 0 and
 * *out (caller frees), or -1 with *err.
 */
int nik_phone_normalize(const char *s, char **out, char **err);

#endif
