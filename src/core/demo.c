/*
 * demo: synthetic households of Papua Barat Daya, generated from a seed and
 * written in batches (see demo.h for the contract).
 *
 * How a household is made:
 *  1. a village of the province (its code gives the region fields at every
 *     level; villages are visited in code order, as an enumeration goes
 *     area by area), a size of 1-9, an origin (Papuan, Javanese, Batak,
 *     Moluccan, Bugis, Chinese-Indonesian) that gives the names, a welfare
 *     decile (poorer ones likelier) that shapes assets and programmes;
 *  2. persons: a head (18-90), usually a spouse of the other sex, children
 *     younger than the head by 16 years or more, now and then a grandchild
 *     or a parent of the head; birth dates, sexes, NIKs (district code of
 *     the village, or for old registrations in a regency split off Papua
 *     Barat in 2022 the retired 92.xx code; DDMMYY with day + 40 for
 *     women; a serial, never 0000, unique per district and date), heights
 *     of under-fives from the WHO table (z ~ N(-1.4, 1.1): some 30%
 *     stunted), disability (a Washington Group domain at "a lot of
 *     difficulty" or "cannot do at all", codes found by their labels),
 *     pregnancy, marital status, schooling, work, health cover;
 *  3. every stored field filled: by the role its name gives (struct
 *     role_name tables) when its type fits, else by its type; then
 *     calculations and relevance by expr_refresh; a value that fails its
 *     constraint or choice filter is drawn again (fields filled by type
 *     only) or left empty when not required.
 *
 * Invariants:
 * - All randomness comes from one xoshiro256** generator seeded by
 *   splitmix64(seed), drawn in a fixed order: the same seed, dictionary,
 *   region table and today() give the same values.
 * - NIK and KK numbers are unique: a serial counter per 12-digit prefix
 *   (struct u64map); the database is refused when it holds households
 *   already, so nothing stored can collide.
 * - Today is $KESRA_TODAY (YYYY-MM-DD) when set, else the local date, as
 *   the SQL function today() has it, so that ages agree with calculations.
 *   Ages are taken at the household's enumeration date when the dictionary
 *   has one (interview_date, enum_date), as its calculations do.
 * - Writes go through db_tree_save only, inside db_begin/db_commit.
 */
#include "demo.h"

#include <math.h>
#include <pthread.h>
#include <regex.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include "i18n.h"
#include "nik.h"
#include "region.h"
#include "who.h"

#define NITEMS(a) (sizeof (a) / sizeof (a)[0])
#define MAX_SIZE 9   /* persons in a household */
#define NDOMAINS 16  /* d_* fields followed at most */
#define MAX_KIDS 16  /* rosters of the household followed at most */

/* ---- random numbers: xoshiro256** seeded by splitmix64 ------------------ */

struct rng {
	uint64_t s[4];
};

static uint64_t
splitmix64(uint64_t *x)
{
	uint64_t z = (*x += 0x9e3779b97f4a7c15ULL);
	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
	return z ^ (z >> 31);
}

static void
rng_seed(struct rng *r, uint64_t seed)
{
	int i;
	for (i = 0; i < 4; i++)
		r->s[i] = splitmix64(&seed);
}

static uint64_t
rotl(uint64_t x, int k)
{
	return (x << k) | (x >> (64 - k));
}

static uint64_t
rng_next(struct rng *r)
{
	uint64_t *s = r->s, res = rotl(s[1] * 5, 7) * 9, t = s[1] << 17;
	s[2] ^= s[0];
	s[3] ^= s[1];
	s[1] ^= s[2];
	s[0] ^= s[3];
	s[2] ^= t;
	s[3] = rotl(s[3], 45);
	return res;
}

/* 0..n-1 (n >= 1), by multiplication: no modulo bias worth the name. */
static uint32_t
rng_below(struct rng *r, uint32_t n)
{
	return (uint32_t)(((rng_next(r) >> 32) * (uint64_t)n) >> 32);
}

/* lo..hi inclusive. */
static int
rng_range(struct rng *r, int lo, int hi)
{
	return hi <= lo ? lo : lo + (int)rng_below(r, (uint32_t)(hi - lo + 1));
}

/* [0, 1) */
static double
rng_unit(struct rng *r)
{
	return (double)(rng_next(r) >> 11) * 0x1.0p-53;
}

static int
rng_chance(struct rng *r, double p)
{
	return rng_unit(r) < p;
}

/* Standard normal (Box-Muller, one of the pair). */
static double
rng_normal(struct rng *r)
{
	double u = rng_unit(r), v = rng_unit(r);
	if (u < 1e-300)
		u = 1e-300;
	return sqrt(-2.0 * log(u)) * cos(6.283185307179586 * v);
}

/* Index drawn with weights w[0..n-1] (not all zero). */
static size_t
rng_weighted(struct rng *r, const unsigned *w, size_t n)
{
	unsigned total = 0, x;
	size_t i;
	for (i = 0; i < n; i++)
		total += w[i];
	x = rng_below(r, total);
	for (i = 0; i + 1 < n; i++) {
		if (x < w[i])
			return i;
		x -= w[i];
	}
	return n - 1;
}

#define PICK(r, a) ((a)[rng_below((r), (uint32_t)NITEMS(a))])

/* ---- dates as day numbers (days since 1970-01-01) ----------------------- */

static long
days_from_civil(int y, int m, int d)
{
	long era, yoe, doy, doe;
	y -= m <= 2;
	era = (y >= 0 ? y : y - 399) / 400;
	yoe = y - era * 400;
	doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
	doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
	return era * 146097 + doe - 719468;
}

static void
civil_from_days(long z, int *y, int *m, int *d)
{
	long era, doe, yoe, doy, mp;
	z += 719468;
	era = (z >= 0 ? z : z - 146096) / 146097;
	doe = z - era * 146097;
	yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
	doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
	mp = (5 * doy + 2) / 153;
	*d = (int)(doy - (153 * mp + 2) / 5 + 1);
	*m = (int)(mp < 10 ? mp + 3 : mp - 9);
	*y = (int)(yoe + era * 400 + (*m <= 2));
}

/* Today as today() has it: $KESRA_TODAY when valid, else the local date. */
static long
today_days(void)
{
	const char *env = getenv("KESRA_TODAY");
	int y, m, d;
	time_t now;
	struct tm tm;

	if (env != NULL && strlen(env) == 10 && sscanf(env, "%4d-%2d-%2d",
	    &y, &m, &d) == 3 && m >= 1 && m <= 12 && d >= 1 && d <= 31)
		return days_from_civil(y, m, d);
	now = time(NULL);
	if (localtime_r(&now, &tm) == NULL)
		return days_from_civil(2025, 1, 1);
	return days_from_civil(tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday);
}

/* Whole months from day a to day b, as age_months() counts them. */
static int
months_between(long a, long b)
{
	int ay, am, ad, by, bm, bd, n;
	civil_from_days(a, &ay, &am, &ad);
	civil_from_days(b, &by, &bm, &bd);
	n = (by - ay) * 12 + (bm - am);
	if (bd < ad)
		n--;
	return n;
}

/* Whole years from day a to day b, as age() counts them. */
static int
years_between(long a, long b)
{
	int ay, am, ad, by, bm, bd, n;
	civil_from_days(a, &ay, &am, &ad);
	civil_from_days(b, &by, &bm, &bd);
	n = by - ay;
	if (bm < am || (bm == am && bd < ad))
		n--;
	return n;
}

/* ---- unique serials per prefix ------------------------------------------ */

/* Open addressing from a nonzero 64-bit key to the last serial given. */
struct u64map {
	uint64_t *keys;
	uint16_t *vals;
	size_t cap, n;
};

static size_t
map_hash(uint64_t k, size_t cap)
{
	k ^= k >> 33;
	k *= 0xff51afd7ed558ccdULL;
	k ^= k >> 33;
	return (size_t)k & (cap - 1);
}

static uint16_t *
map_slot(struct u64map *m, uint64_t key)
{
	size_t i;

	if ((m->n + 1) * 4 > m->cap * 3) {
		struct u64map g = {0};
		g.cap = m->cap ? m->cap * 2 : 1024;
		g.keys = xcalloc(g.cap, sizeof *g.keys);
		g.vals = xcalloc(g.cap, sizeof *g.vals);
		for (i = 0; i < m->cap; i++)
			if (m->keys[i] != 0) {
				size_t j = map_hash(m->keys[i], g.cap);
				while (g.keys[j] != 0)
					j = (j + 1) & (g.cap - 1);
				g.keys[j] = m->keys[i];
				g.vals[j] = m->vals[i];
			}
		g.n = m->n;
		free(m->keys);
		free(m->vals);
		*m = g;
	}
	for (i = map_hash(key, m->cap); m->keys[i] != 0 && m->keys[i] != key;
	    i = (i + 1) & (m->cap - 1))
		;
	if (m->keys[i] == 0) {
		m->keys[i] = key;
		m->n++;
	}
	return &m->vals[i];
}

static void
map_free(struct u64map *m)
{
	free(m->keys);
	free(m->vals);
}

/*
 * The next serial (1..9999) for a 12-digit prefix: serials given in a
 * district on one date run upwards from a small start with small gaps.
 * 0 when the prefix has used them all (never seen in practice).
 */
static int
next_serial(struct u64map *m, struct rng *r, const char *prefix12)
{
	uint64_t key = strtoull(prefix12, NULL, 10);
	uint16_t *last = map_slot(m, key ? key : 1);
	int next = *last == 0 ? rng_range(r, 1, 30) : *last + rng_range(r, 1, 3);

	if (next > 9999) {
		if (*last >= 9999)
			return 0;
		next = *last + 1;
	}
	*last = (uint16_t)next;
	return next;
}

/* ---- names ----------------------------------------------------------------- */

enum origin { OR_PAPUAN, OR_JAVANESE, OR_BATAK, OR_MOLUCCAN, OR_BUGIS,
	OR_CHINESE, OR_N };
static const unsigned origin_w[OR_N] = {56, 22, 5, 9, 6, 2};

static const char *const papuan_family[] = {
	"Wompere", "Kambu", "Mayor", "Rumbiak", "Kalami", "Malak", "Osok",
	"Kalasuat", "Mobalen", "Ulimpa", "Sapisa", "Klasibin", "Kalagison",
	"Gisim", "Magablo", "Sagisolo", "Fatem", "Howay", "Momot", "Kareth",
	"Sesa", "Bless", "Isir", "Yumame", "Sagrim", "Nauw", "Kaaf", "Antoh",
	"Dimara", "Mambrasar", "Sauyai", "Burdam", "Arempele", "Wainsaf",
	"Rumbekwan", "Rumaropen", "Kafiar", "Krey", "Mansoben", "Yoteni",
	"Ayomi", "Korwa", "Wanma", "Mofu", "Sawaki", "Rumfabe", "Ainusi",
	"Saa", "Kbarek", "Yable", "Ulim", "Kwaktolo", "Idie", "Tigori",
};
static const char *const christian_m[] = {
	"Yohanis", "Yosias", "Markus", "Paulus", "Petrus", "Yakob", "Daniel",
	"Elias", "Frans", "Hendrik", "Isak", "Marthen", "Obed", "Simon",
	"Yulius", "Zakeus", "Abner", "Benny", "Demianus", "Yance", "Nikolas",
	"Melkias", "Yermias", "Otto", "Yunus", "Korneles", "Agustinus",
	"Alfons", "Lukas", "Matius", "Stefanus", "Septinus", "Oktovianus",
	"Yonas", "Hermanus", "Rudolf", "Wellem", "Samuel", "Filipus", "Robert",
};
static const char *const christian_f[] = {
	"Maria", "Martha", "Yohana", "Ribka", "Elisabeth", "Agustina",
	"Yuliana", "Dorkas", "Naomi", "Ester", "Debora", "Sarah", "Lea", "Rut",
	"Ance", "Frida", "Yosina", "Selvi", "Veronika", "Magdalena",
	"Oktovina", "Fransina", "Adolfina", "Mince", "Yakomina", "Mariana",
	"Ferdelina", "Welmina", "Petronela", "Rosalina", "Susana", "Helena",
	"Margaretha", "Kristina", "Yulita", "Orpa", "Salomina", "Dina",
};
static const char *const javanese_m[] = {
	"Budi", "Agus", "Joko", "Slamet", "Bambang", "Heru", "Sugeng",
	"Wahyu", "Eko", "Rudi", "Dedi", "Hendra", "Ahmad", "Muhammad", "Arif",
	"Rizky", "Fajar", "Dimas", "Bayu", "Yusuf", "Hasan", "Irfan",
	"Taufik", "Teguh", "Sutrisno", "Suparman", "Imam", "Adi", "Wawan",
	"Yoga",
};
static const char *const javanese_f[] = {
	"Siti", "Sri", "Dewi", "Rina", "Wati", "Ani", "Yuni", "Endang",
	"Lestari", "Fitri", "Indah", "Ayu", "Putri", "Dian", "Ratna",
	"Sulastri", "Suharti", "Tri", "Nur", "Wulan", "Eka", "Retno", "Winarti",
	"Sumiati",
};
static const char *const javanese_2[] = {
	"Santoso", "Susanto", "Wibowo", "Setiawan", "Hidayat", "Saputra",
	"Pratama", "Nugroho", "Kurniawan", "Prasetyo", "Purnomo", "Hartono",
	"Gunawan", "Firmansyah", "Ramadhan", "Wijaya", "Utomo", "Sutanto",
};
static const char *const javanese_2f[] = {
	"Rahayu", "Handayani", "Wulandari", "Susanti", "Kartika", "Puspita",
	"Anggraini", "Maharani", "Ningsih", "Lestari", "Safitri", "Wahyuni",
	"Purwanti", "Astuti", "Utami", "Rahmawati",
};
static const char *const batak_m[] = {
	"Tigor", "Parlin", "Hotman", "Sahat", "Togar", "Martua", "Benget",
	"Poltak", "Janter", "Bonar", "Robinson", "Jhonson", "Daniel", "Rudolf",
};
static const char *const batak_f[] = {
	"Rosmaida", "Tiurma", "Rugun", "Sondang", "Lamtiur", "Romauli",
	"Nurhayati", "Hotmaida", "Dameria", "Lasma", "Erna", "Rosita",
};
static const char *const batak_family[] = {
	"Saragih", "Sitompul", "Siregar", "Simanjuntak", "Nainggolan",
	"Pardede", "Simatupang", "Hutapea", "Sinaga", "Manurung", "Panjaitan",
	"Sihombing", "Tambunan", "Lubis", "Nasution", "Purba", "Damanik",
};
static const char *const moluccan_family[] = {
	"Sapulete", "Pattikawa", "Latuheru", "Tuhumury", "Pattiasina",
	"Matulessy", "Wattimena", "Lewerissa", "Tupamahu", "Manuputty",
	"Pesulima", "Rumthe", "Sahetapy", "Lumowa", "Sondakh", "Mandagi",
	"Rumengan", "Wenas", "Pangemanan", "Kakerissa",
};
static const char *const bugis_m[] = {
	"Andi", "Baharuddin", "Syamsul", "Amir", "Ridwan", "Jufri", "Hamzah",
	"Sudirman", "Rusdi", "Arifin", "Abdul", "Haris", "Mansur", "Iwan",
};
static const char *const bugis_f[] = {
	"Hasnah", "Nurhayati", "Rahmawati", "Sitti", "Hasriani", "Nurlina",
	"Haslinda", "Ramlah", "Fatimah", "Jumriah", "Nurul", "Asni",
};
static const char *const bugis_2[] = {
	"Rahman", "Syarifuddin", "Basri", "Amiruddin", "Hamid", "Latif",
	"Mappa", "Saleh", "Arsyad", "Tahir", "Said", "Makmur",
};
static const char *const chinese_m[] = {
	"Hendra", "Budi", "Kevin", "Steven", "Yohanes", "Wilson", "Ferry",
	"Hartono", "Ricky", "Edward",
};
static const char *const chinese_f[] = {
	"Lily", "Melinda", "Susan", "Vivian", "Cindy", "Meliana", "Yenny",
	"Linda", "Shinta", "Fenny",
};
static const char *const chinese_family[] = {
	"Wijaya", "Tanoto", "Gunawan", "Halim", "Salim", "Tanjaya", "Kusuma",
	"Santoso", "Lim", "Tan", "Susanto", "Hartanto",
};
static const char *const streets[] = {
	"Basuki Rahmat", "Sam Ratulangi", "Ahmad Yani", "Pendidikan", "Kurana",
	"Klamono", "Sungai Maruni", "Victory", "Malibela", "Frans Kaisepo",
	"Pramuka", "Selat Sele", "Danau Sentani", "Yos Sudarso", "Arfak",
	"Jenderal Sudirman", "Kasuari", "Cenderawasih", "Rajawali", "Trikora",
	"Misi", "Kalajengking", "Bandeng", "Merpati", "Mambruk", "Teluk Bintuni",
};

static const char *const landmarks[] = {
	"Dekat gereja", "Depan sekolah", "Samping masjid", "Dekat pasar",
	"Belakang puskesmas", "Dekat dermaga", "Depan kantor kampung",
	"Dekat lapangan", "Samping kios", "Ujung jalan",
};

/* ---- the model: persons and households -------------------------------- */

/* Relationship to the head, as the usual value set codes them. */
enum rel { REL_HEAD, REL_SPOUSE, REL_CHILD, REL_GRANDCHILD, REL_PARENT,
	REL_OTHER, REL_N };

/* Marital status, Regsosek's codes 1..4. */
enum { MAR_SINGLE = 1, MAR_MARRIED, MAR_DIVORCED, MAR_WIDOWED };

/* School participation, Regsosek's codes 1..3. */
enum { SCH_NEVER = 1, SCH_IN, SCH_LEFT };

struct person {
	int sex;          /* 1 male, 2 female */
	long born;        /* day number */
	int age, months;  /* whole years and months on the reference day */
	enum rel rel;
	char name[96];
	char nik[NIK_LEN + 1];
	int present;      /* presence code: 1 lives here, 5 new member */
	int marital;      /* MAR_* */
	double z;         /* length/height-for-age z-score (under-fives) */
	double height;    /* cm */
	double weight;    /* kg */
	int disabled;     /* a domain at "a lot of difficulty" or worse */
	int domain[NDOMAINS]; /* severity 0 none, 1 some, 2 a lot, 3 cannot */
	int depression;   /* 0 never .. 3 very often */
	int pregnant, breastfeeding;
	int chronic;      /* 0 none, else an illness code */
	int school;       /* SCH_* (age 5 and over) */
	int edu, grade, diploma; /* education codes (Regsosek r413-r415) */
	int worked, hours, work_status, work_sector;
};

struct household {
	char village[REGION_CODE_MAX + 1];
	char kk[NIK_LEN + 1];
	enum origin origin;
	const char *family; /* the head's family name, or NULL */
	struct person p[MAX_SIZE];
	int n;
	int decile;
	long ref;           /* the day ages are taken at */
	long interview;     /* enumeration day */
	int lighting;       /* 1 PLN metered .. 4 not electricity */
	double floor_area;
	char address[80];
	char phone[20];
	char staff[2][96];  /* enumerator, checker */
};

/* ---- what a field's name makes it ----------------------------------------- */

enum role {
	RO_GENERIC,
	/* household */
	RO_KK, RO_MEMBERS, RO_DECILE, RO_WELFARE, RO_RESULT, RO_HEAD_NAME,
	RO_HEAD_NIK, RO_RESPONDENT, RO_STAFF, RO_ADDRESS, RO_LANDMARK,
	RO_PHONE, RO_INTERVIEW, RO_CHECK_DATE, RO_RT, RO_RW, RO_SLS_NAME,
	RO_FLOOR_AREA, RO_LIGHTING, RO_RATE, RO_LIVESTOCK,
	/* person */
	RO_ROW, RO_NAME, RO_NIK, RO_PRESENCE, RO_SEX, RO_BIRTH, RO_AGE,
	RO_MARITAL, RO_REL, RO_PREGNANT, RO_BREASTFEEDING, RO_ID_DOCS,
	RO_SCHOOL, RO_EDU, RO_GRADE, RO_DIPLOMA, RO_WORKED, RO_HOURS,
	RO_WORK_SECTOR, RO_WORK_STATUS, RO_NUTRITION, RO_HEIGHT, RO_WEIGHT,
	RO_CHRONIC, RO_INSURANCE, RO_DISABLED, RO_DOMAIN, RO_DEPRESSION,
	RO_CAREGIVER
};

struct role_name {
	const char *name;
	enum role role;
};

static const struct role_name household_roles[] = {
	{"kk_number", RO_KK}, {"kk", RO_KK}, {"no_kk", RO_KK},
	{"members", RO_MEMBERS}, {"decile", RO_DECILE}, {"desil", RO_DECILE},
	{"welfare_status", RO_WELFARE}, {"result", RO_RESULT},
	{"head_name", RO_HEAD_NAME}, {"head_nik", RO_HEAD_NIK},
	{"respondent", RO_RESPONDENT}, {"enumerator", RO_STAFF},
	{"checker", RO_STAFF}, {"address", RO_ADDRESS},
	{"landmark", RO_LANDMARK}, {"phone", RO_PHONE},
	{"interview_date", RO_INTERVIEW}, {"enum_date", RO_INTERVIEW},
	{"check_date", RO_CHECK_DATE}, {"rt", RO_RT}, {"rw", RO_RW},
	{"sls_name", RO_SLS_NAME}, {"floor_area", RO_FLOOR_AREA},
	{"lighting", RO_LIGHTING},
};

static const struct role_name person_roles[] = {
	{"row_no", RO_ROW}, {"name", RO_NAME}, {"nik", RO_NIK},
	{"presence", RO_PRESENCE}, {"sex", RO_SEX}, {"birth_date", RO_BIRTH},
	{"age", RO_AGE}, {"marital_status", RO_MARITAL},
	{"marital", RO_MARITAL}, {"relationship", RO_REL},
	{"pregnant", RO_PREGNANT}, {"breastfeeding", RO_BREASTFEEDING},
	{"id_docs", RO_ID_DOCS}, {"school_participation", RO_SCHOOL},
	{"edu_level", RO_EDU}, {"grade", RO_GRADE}, {"diploma", RO_DIPLOMA},
	{"worked", RO_WORKED}, {"work_hours", RO_HOURS},
	{"work_sector", RO_WORK_SECTOR}, {"work_status", RO_WORK_STATUS},
	{"nutrition", RO_NUTRITION}, {"height_cm", RO_HEIGHT},
	{"height", RO_HEIGHT}, {"weight_kg", RO_WEIGHT},
	{"weight", RO_WEIGHT}, {"chronic_illness", RO_CHRONIC},
	{"health_insurance", RO_INSURANCE}, {"disability", RO_DISABLED},
	{"disabled", RO_DISABLED}, {"depression", RO_DEPRESSION},
	{"caregiver", RO_CAREGIVER},
	/* Washington Group domains (Regsosek r428a-i), and any d_* field */
	{"seeing", RO_DOMAIN}, {"hearing", RO_DOMAIN}, {"walking", RO_DOMAIN},
	{"hands", RO_DOMAIN}, {"learning", RO_DOMAIN},
	{"behaviour", RO_DOMAIN}, {"speaking", RO_DOMAIN},
	{"self_care", RO_DOMAIN}, {"memory", RO_DOMAIN},
};

/*
 * Household yes/no items (programmes, assets) and counts (livestock):
 * the chance of a yes, or of owning any, is base + slope * decile
 * (decile 1 the poorest), and 0 for decile 1 when not poor1.
 */
static const struct rate {
	const char *name;
	double base, slope;
	int poor1; /* allowed in decile 1 */
	int mean;  /* counts: the mean number when there are any */
} rates[] = {
	{"bpnt", 0.62, -0.055, 1, 0}, {"pkh", 0.50, -0.048, 1, 0},
	{"blt_dd", 0.30, -0.028, 1, 0}, {"electricity_subsidy", 0.45, -0.03,
	1, 0}, {"local_aid", 0.18, -0.015, 1, 0},
	{"fertiliser_subsidy", 0.08, -0.004, 1, 0},
	{"lpg_subsidy", 0.20, -0.012, 1, 0},
	{"gas_tank", 0.02, 0.035, 1, 0}, {"fridge", 0.05, 0.055, 1, 0},
	{"ac", 0.0, 0.012, 0, 0}, {"water_heater", 0.0, 0.008, 0, 0},
	{"landline", 0.0, 0.004, 0, 0}, {"tv", 0.08, 0.05, 1, 0},
	{"gold", 0.02, 0.025, 1, 0}, {"computer", 0.0, 0.03, 0, 0},
	{"motorbike", 0.20, 0.05, 1, 0}, {"bicycle", 0.12, 0.01, 1, 0},
	{"car", 0.0, 0.012, 0, 0}, {"boat", 0.16, -0.005, 1, 0},
	{"motorboat", 0.03, 0.008, 1, 0}, {"smartphone", 0.40, 0.05, 1, 0},
	{"land", 0.35, 0.0, 1, 0}, {"house_elsewhere", 0.01, 0.015, 1, 0},
	{"cattle", 0.03, 0.0, 1, 3}, {"buffalo", 0.005, 0.0, 1, 2},
	{"horse", 0.003, 0.0, 1, 1}, {"pigs", 0.25, 0.0, 1, 4},
	{"goats", 0.05, 0.0, 1, 3}, {"poultry", 0.40, 0.0, 1, 8},
};

/* Codes of a value set by what they mean, found from their labels. */
struct sev {
	const char *code[4]; /* severity 0 (none) .. 3 (cannot do at all) */
};

/* Per record type: the role of each field, and what roles need. */
struct recinfo {
	const struct sch_record *def;
	enum role *role;
	int *domain;           /* field -> domain index, -1 */
	struct sev *sev;       /* field -> codes of a domain or frequency */
	const struct rate **rate;
	int is_person;
};

/*
 * A current district and where its NIKs of before the split point: the
 * retired district of the same name (old >= 0), else any retired district
 * of the old regency (ret[first .. first + count - 1]).
 */
struct dmap {
	char code[9];
	long old;
	size_t first, count;
};

struct gen {
	struct db *db;
	struct expr_set *x;
	const struct schema *s;
	struct rng r;
	long today;
	long split;                      /* the day the province began */
	int at_interview;                /* ages at the enumeration date */
	const struct sch_record *hh;     /* the household (root) */
	const struct sch_record *person; /* its roster of persons, or NULL */
	const struct sch_record *kids[MAX_KIDS];
	size_t nkids;
	struct recinfo *info;            /* one per s->records */
	int ndomains;                    /* domain fields of the person */
	const char *rel_code[REL_N];     /* codes in the relationship set */
	char (*vill)[REGION_CODE_MAX + 1];
	size_t nvill;
	struct db_region *ret;           /* retired districts (old NIKs) */
	size_t nret;
	struct dmap *dist;
	size_t ndist;
	struct u64map nik_serial, kk_serial;
	long counter;                    /* for generic unique values */
	const char *user;
};

/*
 * Regencies of Papua Barat Daya and the Papua Barat regencies they were
 * before the province was formed (UU 29/2022, 8 December 2022):
 * registrations made before carry the old code.
 */
static const struct successor {
	const char *now, *was;
} successors[] = {
	{"96.01", "92.01"}, {"96.02", "92.04"}, {"96.03", "92.05"},
	{"96.04", "92.09"}, {"96.05", "92.10"}, {"96.71", "92.71"},
};

static int
type_is(const struct sch_field *f, enum field_type a, enum field_type b)
{
	return f->type == a || f->type == b;
}

/* 1 when f's value set has code (any code does for an integer field). */
static int
has_code(const struct sch_field *f, const char *code)
{
	if (f->type == FT_INTEGER)
		return 1;
	return schema_field_has_choices(f) && f->vs != NULL &&
	    schema_choice(f->vs, code) != NULL;
}

static int
has_int_code(const struct sch_field *f, int code)
{
	char buf[16];
	snprintf(buf, sizeof buf, "%d", code);
	return has_code(f, buf);
}

/* 1 when f has every code of the space-separated list. */
static int
has_codes(const struct sch_field *f, const char *list)
{
	char buf[64];
	const char *p = list;
	size_t n;

	while (*p != '\0') {
		n = strcspn(p, " ");
		snprintf(buf, sizeof buf, "%.*s", (int)n, p);
		if (!has_code(f, buf))
			return 0;
		p += n;
		p += *p == ' ';
	}
	return 1;
}

/* The first code of f whose label (any language) holds a word of words. */
static const char *
code_by_label(const struct sch_field *f, const char *const *words)
{
	size_t i, k, w;
	if (f == NULL || f->vs == NULL)
		return NULL;
	for (w = 0; words[w] != NULL; w++)
		for (i = 0; i < f->vs->nchoices; i++)
			for (k = 0; k < SCHEMA_MAX_LANGS; k++) {
				const char *l = f->vs->choices[i].label.s[k];
				if (l != NULL && strcasestr(l, words[w]) != NULL)
					return f->vs->choices[i].code;
			}
	return NULL;
}

/*
 * The severity codes of a Washington Group question: by the labels
 * (Regsosek puts "cannot do at all" first), else 1..4 from none to
 * cannot (the Washington Group's own order). 0 when neither fits.
 */
static int
find_severity(const struct sch_field *f, struct sev *sv)
{
	static const char *const none[] = {"no difficulty", "tidak mengalami",
		NULL};
	static const char *const some[] = {"some difficulty", "sedikit",
		NULL};
	static const char *const alot[] = {"a lot", "banyak", NULL};
	static const char *const cannot[] = {"cannot", "tidak bisa", NULL};
	static const char *const never[] = {"never", "tidak pernah", NULL};
	static const char *const rarely[] = {"rarely", "jarang", NULL};
	static const char *const vofen[] = {"very often", "sangat sering",
		NULL};
	static const char *const often[] = {"often", "sering", NULL};
	static const char *const wg[] = {"1", "2", "3", "4"};
	int k;

	sv->code[0] = code_by_label(f, none);
	sv->code[1] = code_by_label(f, some);
	sv->code[2] = code_by_label(f, alot);
	sv->code[3] = code_by_label(f, cannot);
	if (sv->code[0] == NULL) { /* a frequency: never .. very often */
		sv->code[0] = code_by_label(f, never);
		sv->code[1] = code_by_label(f, rarely);
		sv->code[3] = code_by_label(f, vofen);
		sv->code[2] = code_by_label(f, often);
		if (sv->code[2] != NULL && sv->code[3] != NULL &&
		    strcmp(sv->code[2], sv->code[3]) == 0)
			sv->code[2] = NULL; /* "often" found "very often" */
	}
	for (k = 0; k < 4; k++)
		if (sv->code[k] == NULL)
			break;
	if (k == 4)
		return 1;
	if (!has_codes(f, "1 2 3 4"))
		return 0;
	for (k = 0; k < 4; k++)
		sv->code[k] = wg[k];
	return 1;
}

static const struct rate *
rate_of(const char *name)
{
	size_t i;
	for (i = 0; i < NITEMS(rates); i++)
		if (strcmp(rates[i].name, name) == 0)
			return &rates[i];
	return NULL;
}

/* A role from a name, kept only when the field's type and codes fit. */
static enum role
role_of(const struct sch_field *f, int person, struct sev *sv,
    const struct rate **rt)
{
	const struct role_name *t = person ? person_roles : household_roles;
	size_t n = person ? NITEMS(person_roles) : NITEMS(household_roles), i;
	enum role ro = RO_GENERIC;

	for (i = 0; i < n; i++)
		if (strcmp(f->name, t[i].name) == 0)
			ro = t[i].role;
	if (ro == RO_GENERIC) {
		if (f->type == FT_KK)
			return RO_KK;
		if (f->type == FT_NIK)
			return person ? RO_NIK : RO_HEAD_NIK;
		if (person && strncmp(f->name, "d_", 2) == 0)
			ro = RO_DOMAIN;
		if (!person && (*rt = rate_of(f->name)) != NULL)
			return (*rt)->mean > 0 ? (f->type == FT_INTEGER ?
			    RO_LIVESTOCK : RO_GENERIC) : (f->type == FT_YESNO ?
			    RO_RATE : RO_GENERIC);
		if (ro == RO_GENERIC)
			return RO_GENERIC;
	}
	switch (ro) {
	case RO_KK:
		return type_is(f, FT_KK, FT_TEXT) ? ro : RO_GENERIC;
	case RO_HEAD_NIK:
	case RO_NIK:
		return type_is(f, FT_NIK, FT_TEXT) ? ro : RO_GENERIC;
	case RO_MEMBERS:
	case RO_AGE:
	case RO_ROW:
	case RO_HOURS:
	case RO_RT:
	case RO_RW:
		return f->type == FT_INTEGER ? ro : RO_GENERIC;
	case RO_DECILE:
		return has_codes(f, "1 10") ? ro : RO_GENERIC;
	case RO_WELFARE:
		return has_codes(f, "1 2 3 4 5") ? ro : RO_GENERIC;
	case RO_RESULT:
	case RO_CAREGIVER:
		return f->type == FT_SELECT_ONE && f->vs != NULL &&
		    f->vs->nchoices > 0 ? ro : RO_GENERIC;
	case RO_HEAD_NAME:
	case RO_RESPONDENT:
	case RO_STAFF:
	case RO_ADDRESS:
	case RO_LANDMARK:
	case RO_SLS_NAME:
	case RO_NAME:
		return f->type == FT_TEXT ? ro : RO_GENERIC;
	case RO_PHONE:
		return type_is(f, FT_PHONE, FT_TEXT) ? ro : RO_GENERIC;
	case RO_INTERVIEW:
	case RO_CHECK_DATE:
	case RO_BIRTH:
		return f->type == FT_DATE ? ro : RO_GENERIC;
	case RO_FLOOR_AREA:
	case RO_HEIGHT:
	case RO_WEIGHT:
		return type_is(f, FT_DECIMAL, FT_INTEGER) ? ro : RO_GENERIC;
	case RO_LIGHTING:
		return has_codes(f, "1 2 3 4") ? ro : RO_GENERIC;
	case RO_SEX:
		return has_codes(f, "1 2") ? ro : RO_GENERIC;
	case RO_REL:
		return has_codes(f, "1 2 3") ? ro : RO_GENERIC;
	case RO_PRESENCE:
		return has_codes(f, "1") ? ro : RO_GENERIC;
	case RO_MARITAL:
		return has_codes(f, "1 2 3 4") ? ro : RO_GENERIC;
	case RO_PREGNANT:
	case RO_BREASTFEEDING:
	case RO_DISABLED:
	case RO_WORKED:
		return f->type == FT_YESNO ? ro : RO_GENERIC;
	case RO_ID_DOCS:
		return f->type == FT_SELECT_MULTIPLE &&
		    has_codes(f, "0 1 2 4") ? ro : RO_GENERIC;
	case RO_INSURANCE:
		return f->type == FT_SELECT_MULTIPLE &&
		    has_codes(f, "0 1 2 4") ? ro : RO_GENERIC;
	case RO_SCHOOL:
		return has_codes(f, "1 2 3") ? ro : RO_GENERIC;
	case RO_EDU:
	case RO_DIPLOMA:
		return has_codes(f, "3 8 13 15 18 19 21") ? ro : RO_GENERIC;
	case RO_GRADE:
		return has_codes(f, "1 2 3 4 5 6 7 8") ? ro : RO_GENERIC;
	case RO_WORK_SECTOR:
		return has_codes(f, "1 3 4 6 11 12 13 20 21") ? ro : RO_GENERIC;
	case RO_WORK_STATUS:
		return has_codes(f, "1 2 3 4 5 6 7 8") ? ro : RO_GENERIC;
	case RO_NUTRITION:
		return f->type == FT_SELECT_ONE && f->vs != NULL ? ro :
		    RO_GENERIC;
	case RO_CHRONIC:
		return has_codes(f, "1 2 3 6") ? ro : RO_GENERIC;
	case RO_DOMAIN:
	case RO_DEPRESSION:
		return find_severity(f, sv) ? ro : RO_GENERIC;
	default:
		return ro;
	}
}

static void
setup_roles(struct gen *g)
{
	static const char *const grand[] = {"grandchild", "cucu", NULL};
	static const char *const parent[] = {"parent", "orang tua", "mertua",
		NULL};
	static const char *const other[] = {"other", "lainnya", NULL};
	const struct sch_field *relf = NULL;
	size_t i, j;
	int nd;

	g->info = xcalloc(g->s->nrecords, sizeof *g->info);
	for (i = 0; i < g->s->nrecords; i++) {
		struct recinfo *ri = &g->info[i];
		const struct sch_record *def = &g->s->records[i];
		ri->def = def;
		ri->is_person = def == g->person;
		ri->role = xcalloc(def->nfields, sizeof *ri->role);
		ri->domain = xcalloc(def->nfields, sizeof *ri->domain);
		ri->sev = xcalloc(def->nfields, sizeof *ri->sev);
		ri->rate = xcalloc(def->nfields, sizeof *ri->rate);
		nd = 0;
		for (j = 0; j < def->nfields; j++) {
			const struct sch_field *f = &def->fields[j];
			ri->domain[j] = -1;
			if (!schema_field_stored(f) || f->type == FT_CALCULATE)
				continue;
			if (def != g->hh && !ri->is_person)
				continue; /* other rosters: by type only */
			ri->role[j] = role_of(f, ri->is_person, &ri->sev[j],
			    &ri->rate[j]);
			if (ri->role[j] == RO_DOMAIN && nd < NDOMAINS)
				ri->domain[j] = nd++;
			else if (ri->role[j] == RO_DOMAIN)
				ri->role[j] = RO_GENERIC;
			if (ri->role[j] == RO_REL)
				relf = f;
			if (def == g->hh && ri->role[j] == RO_INTERVIEW)
				g->at_interview = 1;
		}
		if (ri->is_person)
			g->ndomains = nd;
	}
	g->rel_code[REL_HEAD] = "1";
	g->rel_code[REL_SPOUSE] = "2";
	g->rel_code[REL_CHILD] = "3";
	g->rel_code[REL_GRANDCHILD] = code_by_label(relf, grand);
	g->rel_code[REL_PARENT] = code_by_label(relf, parent);
	g->rel_code[REL_OTHER] = code_by_label(relf, other);
	if (g->rel_code[REL_OTHER] == NULL)
		g->rel_code[REL_OTHER] = "3";
	if (g->rel_code[REL_GRANDCHILD] == NULL)
		g->rel_code[REL_GRANDCHILD] = g->rel_code[REL_OTHER];
	if (g->rel_code[REL_PARENT] == NULL)
		g->rel_code[REL_PARENT] = g->rel_code[REL_OTHER];
}

/* The roster of persons: a child record with a NIK, a sex or a name. */
static int
person_score(const struct sch_record *r)
{
	int score = 0;
	size_t i;
	for (i = 0; i < r->nfields; i++) {
		const struct sch_field *f = &r->fields[i];
		if (f->type == FT_NIK)
			score += 4;
		if (strcmp(f->name, "sex") == 0 ||
		    strcmp(f->name, "birth_date") == 0)
			score += 2;
		if (strcmp(f->name, "name") == 0 ||
		    strcmp(f->name, "relationship") == 0)
			score += 1;
	}
	return score;
}

/* The household record and its person roster. */
static int
find_records(struct gen *g, char **err)
{
	const struct schema *s = g->s;
	size_t i, k;
	int best = 0, sc;

	for (i = 0; i < s->nrecords && g->hh == NULL; i++)
		if (s->records[i].parent == NULL &&
		    schema_children(s, &s->records[i], NULL, 0) > 0)
			g->hh = &s->records[i];
	for (i = 0; i < s->nrecords && g->hh == NULL; i++)
		if (s->records[i].parent == NULL)
			g->hh = &s->records[i];
	if (g->hh == NULL)
		return util_err(err, _("the dictionary has no record to fill"));
	g->nkids = schema_children(s, g->hh, g->kids, NITEMS(g->kids));
	if (g->nkids > NITEMS(g->kids))
		g->nkids = NITEMS(g->kids);
	for (k = 0; k < g->nkids; k++)
		if ((sc = person_score(g->kids[k])) > best) {
			best = sc;
			g->person = g->kids[k];
		}
	return 0;
}

/*
 * The villages of province 96, or else of the first province that has
 * any; none when the region table is empty or missing. And the retired
 * districts of the regencies the province was made of.
 */
static int
load_regions(struct gen *g, char **err)
{
	struct db_region *v = NULL, *prov = NULL;
	size_t n = 0, np = 0, i, k;
	char *e = NULL;

	if (db_region_children(g->db, "96", RL_VILLAGE, NULL, 0, &v, &n,
	    &e) < 0) {
		free(e);
		return 0; /* no region table: region fields stay empty */
	}
	if (n == 0 && db_region_children(g->db, NULL, RL_PROVINCE, NULL, 0,
	    &prov, &np, err) == 0)
		for (i = 0; i < np && n == 0; i++) {
			db_regions_free(v, n);
			v = NULL;
			if (db_region_children(g->db, prov[i].code, RL_VILLAGE,
			    NULL, 0, &v, &n, err) < 0) {
				db_regions_free(prov, np);
				return -1;
			}
		}
	db_regions_free(prov, np);
	g->vill = xcalloc(n ? n : 1, sizeof *g->vill);
	for (i = 0; i < n; i++)
		snprintf(g->vill[g->nvill++], sizeof g->vill[0], "%s", v[i].code);
	db_regions_free(v, n);
	for (k = 0; k < NITEMS(successors); k++) {
		struct db_region *r = NULL, *d = NULL;
		size_t nr = 0, nd = 0, first = g->nret;
		if (db_region_retired(g->db, successors[k].was, RL_DISTRICT, &r,
		    &nr, &e) < 0) {
			free(e);
			e = NULL;
			continue;
		}
		g->ret = xreallocarray(g->ret, g->nret + nr + 1,
		    sizeof *g->ret);
		if (nr > 0)
			memcpy(g->ret + g->nret, r, nr * sizeof *r);
		g->nret += nr;
		free(r); /* its strings now belong to g->ret */
		if (nr == 0 || db_region_children(g->db, successors[k].now,
		    RL_DISTRICT, NULL, 0, &d, &nd, &e) < 0) {
			free(e);
			e = NULL;
			continue;
		}
		g->dist = xreallocarray(g->dist, g->ndist + nd + 1,
		    sizeof *g->dist);
		for (i = 0; i < nd; i++) {
			struct dmap *m = &g->dist[g->ndist++];
			size_t j;
			snprintf(m->code, sizeof m->code, "%s", d[i].code);
			m->old = -1;
			m->first = first;
			m->count = nr;
			for (j = first; j < g->nret; j++)
				if (strcasecmp(g->ret[j].name, d[i].name) == 0)
					m->old = (long)j;
		}
		db_regions_free(d, nd);
	}
	return 0;
}

/*
 * The district code (pp.rr.dd) of a NIK or KK registered in village's
 * district on day `when`: today's, or for registrations before the
 * province began, in three cases out of ten the retired Papua Barat code
 * (of the district of the same name when there is one).
 */
static void
old_or_new_district(struct gen *g, const char *village, long when,
    char out[9])
{
	const struct dmap *m = NULL;
	size_t i;

	snprintf(out, 9, "%.8s", village[0] ? village : "96.71.01");
	if (when >= g->split || !rng_chance(&g->r, 0.3))
		return;
	for (i = 0; i < g->ndist && m == NULL; i++)
		if (strcmp(g->dist[i].code, out) == 0)
			m = &g->dist[i];
	if (m == NULL)
		return;
	i = m->old >= 0 ? (size_t)m->old : m->first +
	    rng_below(&g->r, (uint32_t)m->count);
	snprintf(out, 9, "%s", g->ret[i].code);
}

static void
digits6(const char *code, char out[7])
{
	int k = 0;
	for (; *code != '\0' && k < 6; code++)
		if (*code >= '0' && *code <= '9')
			out[k++] = *code;
	out[k] = '\0';
}

/*
 * A unique 16-digit number: the district, a date as DDMMYY (day + add),
 * a serial from map. NIK: the birth date, + 40 for women; KK: the date of
 * issue (movable: a prefix whose serials ran out moves a day earlier).
 * A NIK's date is the person's: should its 9,999 serials all be taken
 * (some 40 are, in ten million households), the number repeats and the
 * save fails on the unique index rather than store a wrong date.
 */
static void
make_number(struct gen *g, struct u64map *map, const char *village,
    long date, int add, int movable, long registered,
    char out[NIK_LEN + 1])
{
	char d[9], d6[7], prefix[13];
	int y, m, dd, serial = 0, tries;

	prefix[0] = '\0';
	for (tries = 0; tries < 100 && serial == 0; tries++,
	    date -= movable) {
		old_or_new_district(g, village, registered, d);
		digits6(d, d6);
		civil_from_days(date, &y, &m, &dd);
		snprintf(prefix, sizeof prefix, "%.6s%02u%02u%02u", d6,
		    (unsigned)(dd + add) % 100u, (unsigned)m % 100u,
		    (unsigned)y % 100u);
		serial = next_serial(map, &g->r, prefix);
	}
	snprintf(out, NIK_LEN + 1, "%.12s%04u", prefix,
	    serial > 0 ? (unsigned)serial % 10000u : 9999u);
}

static const char *
given_name(struct rng *r, enum origin o, int sex)
{
	switch (o) {
	case OR_JAVANESE:
		return sex == 1 ? PICK(r, javanese_m) : PICK(r, javanese_f);
	case OR_BATAK:
		return sex == 1 ? PICK(r, batak_m) : PICK(r, batak_f);
	case OR_BUGIS:
		return sex == 1 ? PICK(r, bugis_m) : PICK(r, bugis_f);
	case OR_CHINESE:
		return sex == 1 ? PICK(r, chinese_m) : PICK(r, chinese_f);
	default:
		return sex == 1 ? PICK(r, christian_m) : PICK(r, christian_f);
	}
}

static const char *
family_name(struct rng *r, enum origin o)
{
	switch (o) {
	case OR_PAPUAN:
		return PICK(r, papuan_family);
	case OR_BATAK:
		return PICK(r, batak_family);
	case OR_MOLUCCAN:
		return PICK(r, moluccan_family);
	case OR_CHINESE:
		return PICK(r, chinese_family);
	default:
		return NULL; /* Javanese and Bugis names carry no family name */
	}
}

/*
 * A full name; family: the family name to carry, NULL for none. avoid:
 * names already given in the household (a given name is not repeated).
 */
static void
person_name(struct rng *r, enum origin o, int sex, const char *family,
    const struct household *h, char *out, size_t n)
{
	const char *g1 = NULL;
	int tries, i, clash;

	for (tries = 0; tries < 8; tries++) {
		g1 = given_name(r, o, sex);
		clash = 0;
		for (i = 0; i < h->n; i++)
			if (strncmp(h->p[i].name, g1, strlen(g1)) == 0 &&
			    h->p[i].name[strlen(g1)] == ' ')
				clash = 1;
		if (!clash)
			break;
	}
	if (family != NULL) {
		snprintf(out, n, "%s %s", g1, family);
		return;
	}
	if (o == OR_JAVANESE && rng_chance(r, 0.7))
		snprintf(out, n, "%s %s", g1, sex == 1 ? PICK(r, javanese_2) :
		    PICK(r, javanese_2f));
	else if (o == OR_BUGIS && rng_chance(r, 0.6))
		snprintf(out, n, "%s %s", g1, PICK(r, bugis_2));
	else
		snprintf(out, n, "%s", g1);
}

/* The day of birth of someone aged `years` on day ref. */
static long
born_aged(struct gen *g, long ref, int years)
{
	return ref - (long)years * 365 - years / 4 - rng_range(&g->r, 0, 364);
}

/* Age of the head: mostly 25-54. */
static int
head_age(struct rng *r)
{
	static const unsigned w[] = {6, 23, 28, 22, 13, 5, 2};
	static const int lo[] = {18, 25, 35, 45, 55, 65, 75};
	static const int hi[] = {24, 34, 44, 54, 64, 74, 90};
	size_t k = rng_weighted(r, w, NITEMS(w));
	return rng_range(r, lo[k], hi[k]);
}

/* WHO weight-for-age medians (kg) at 0, 6, 12, 24, 36, 48, 60 months. */
static double
weight_median(int sex, int months)
{
	static const double boys[] = {3.3, 7.9, 9.6, 12.2, 14.3, 16.3, 18.3};
	static const double girls[] = {3.2, 7.3, 8.9, 11.5, 13.9, 16.1, 18.2};
	static const int at[] = {0, 6, 12, 24, 36, 48, 60};
	const double *w = sex == 1 ? boys : girls;
	int k;
	for (k = 0; k < 6 && months > at[k + 1]; k++)
		;
	if (months >= 60)
		return w[6];
	return w[k] + (w[k + 1] - w[k]) * (months - at[k]) /
	    (double)(at[k + 1] - at[k]);
}

/* Education: level attained by adults, poorer deciles lower. */
static void
education(struct gen *g, const struct household *h, struct person *p)
{
	static const int sd = 3, smp = 8, sma = 13, smk = 15, dip = 18,
	    s1 = 19, s2 = 21, none = 23;
	struct rng *r = &g->r;
	unsigned w[6];
	int d = h->decile, k;

	p->edu = p->grade = p->diploma = 0;
	if (p->age < 5) {
		p->school = 0;
		return;
	}
	if (p->age <= 6)
		p->school = rng_chance(r, 0.55) ? SCH_IN : SCH_NEVER;
	else if (p->age <= 18)
		p->school = rng_chance(r, 0.84 + 0.01 * d) ? SCH_IN :
		    SCH_LEFT;
	else if (p->age <= 24)
		p->school = rng_chance(r, 0.12 + 0.03 * d) ? SCH_IN :
		    SCH_LEFT;
	else
		p->school = rng_chance(r, p->age >= 60 ? 0.25 : 0.06) ?
		    SCH_NEVER : SCH_LEFT;
	if (p->school == SCH_NEVER)
		return;
	if (p->school == SCH_IN) {
		if (p->age <= 12) {
			p->edu = sd;
			p->grade = p->age <= 6 ? 1 : p->age - 6 > 6 ? 6 :
			    p->age - 6;
			p->diploma = none;
		} else if (p->age <= 15) {
			p->edu = smp;
			p->grade = p->age - 12;
			p->diploma = sd;
		} else if (p->age <= 18) {
			p->edu = rng_chance(r, 0.35) ? smk : sma;
			p->grade = p->age - 15;
			p->diploma = smp;
		} else {
			p->edu = s1;
			p->grade = p->age - 18 > 7 ? 7 : p->age - 18;
			p->diploma = sma;
		}
		return;
	}
	/* Left school: the last level, usually completed. */
	if (p->age <= 15) {
		p->edu = sd;
		p->grade = rng_range(r, 3, 6);
		p->diploma = none;
		if (p->grade == 6 && rng_chance(r, 0.5)) {
			p->grade = 8;
			p->diploma = sd;
		}
		return;
	}
	w[0] = (unsigned)(34 - 2 * d);  /* SD */
	w[1] = 24;                      /* SMP */
	w[2] = (unsigned)(20 + 2 * d);  /* SMA/SMK */
	w[3] = (unsigned)(1 + d / 2);   /* D1-D3 */
	w[4] = p->age >= 22 ? (unsigned)(2 + d) : 0; /* S1 */
	w[5] = p->age >= 24 ? (unsigned)(d / 4) : 0; /* S2 */
	k = (int)rng_weighted(r, w, 6);
	p->edu = k == 0 ? sd : k == 1 ? smp : k == 2 ? (rng_chance(r, 0.3) ?
	    smk : sma) : k == 3 ? dip : k == 4 ? s1 : s2;
	if (rng_chance(r, 0.85)) {
		p->grade = 8; /* completed and passed */
		p->diploma = p->edu;
	} else {
		p->grade = p->edu == sd ? rng_range(r, 1, 5) :
		    p->edu >= dip ? rng_range(r, 1, 3) : rng_range(r, 1, 2);
		p->diploma = p->edu == sd ? none : p->edu == smp ? sd :
		    p->edu >= dip ? sma : smp;
	}
}

static void
work(struct gen *g, struct person *p)
{
	static const int sector_code[] = {1, 2, 3, 4, 5, 6, 8, 11, 12, 13, 14,
		20, 21, 22, 24};
	static const unsigned sector_w[] = {9, 5, 10, 12, 3, 8, 3, 6, 14, 5,
		4, 8, 5, 3, 5};
	static const unsigned status_w[] = {30, 10, 3, 18, 10, 7, 8, 14};
	struct rng *r = &g->r;
	double pw;

	if (p->age < 5) {
		p->worked = 0;
		return;
	}
	pw = p->age < 10 ? 0.02 : p->age < 15 ? 0.10 : p->age < 65 ?
	    (p->sex == 1 ? 0.82 : 0.48) : 0.35;
	if (p->school == SCH_IN && p->age >= 15)
		pw *= 0.3;
	p->worked = rng_chance(r, pw);
	if (!p->worked)
		return;
	p->hours = (int)lround(38.0 + 12.0 * rng_normal(r));
	if (p->age < 15)
		p->hours = rng_range(r, 2, 15);
	if (p->hours < 1)
		p->hours = 1;
	if (p->hours > 72)
		p->hours = 72;
	p->work_sector = sector_code[rng_weighted(r, sector_w,
	    NITEMS(sector_w))];
	p->work_status = (int)rng_weighted(r, status_w, NITEMS(status_w)) + 1;
	if (p->age < 18 && (p->work_status == 5 || p->work_status == 3 ||
	    p->work_status == 2))
		p->work_status = 8; /* unpaid family worker */
}

/* Everything about a person but the name, once age and sex are known. */
static void
finish_person(struct gen *g, struct household *h, struct person *p)
{
	static const int ill_code[] = {2, 3, 4, 5, 6, 7, 8, 9, 10, 13, 18};
	static const unsigned ill_w[] = {35, 15, 8, 6, 12, 5, 4, 2, 1, 8, 4};
	struct rng *r = &g->r;
	double adult;
	int k, nd;

	p->age = years_between(p->born, h->ref);
	p->months = months_between(p->born, h->ref);
	if (p->months < 0)
		p->months = 0;
	if (p->age < 0)
		p->age = 0;
	p->present = p->age == 0 && rng_chance(r, 0.4) ? 5 : 1;
	/* Height: WHO standard for under-fives, some 30% below -2 SD. */
	p->z = -1.4 + 1.1 * rng_normal(r);
	if (p->z < -4.5)
		p->z = -4.5;
	if (p->z > 3.0)
		p->z = 3.0;
	if (p->months <= WHO_MAX_MONTHS) {
		p->height = round(who_lhfa_height(p->sex, p->months, p->z) *
		    10.0) / 10.0;
		p->weight = round(weight_median(p->sex, p->months) *
		    (1.0 + 0.06 * p->z + 0.05 * rng_normal(r)) * 10.0) / 10.0;
	} else {
		adult = p->sex == 1 ? 163.0 + 6.5 * rng_normal(r) :
		    152.0 + 6.0 * rng_normal(r);
		if (p->age < 18)
			adult = 110.0 + (adult - 110.0) * (p->age - 5) / 13.0;
		p->height = round(adult * 10.0) / 10.0;
		p->weight = round((p->age < 18 ? 18.0 + 2.6 * (p->age - 5) :
		    (p->sex == 1 ? 62.0 : 55.0)) * (1.0 + 0.12 *
		    rng_normal(r)) * 10.0) / 10.0;
	}
	/* Functioning: a lot of difficulty or worse in some 3% overall. */
	nd = g->ndomains > 0 ? g->ndomains : 9;
	p->disabled = p->age >= 2 && rng_chance(r, p->age >= 60 ? 0.13 :
	    0.027);
	for (k = 0; k < NDOMAINS; k++)
		p->domain[k] = rng_chance(r, p->age >= 60 ? 0.2 : 0.04);
	if (p->disabled) {
		k = (int)rng_below(r, (uint32_t)nd);
		p->domain[k] = rng_chance(r, 0.3) ? 3 : 2;
		if (nd > 1 && rng_chance(r, 0.25))
			p->domain[(k + 1 + (int)rng_below(r,
			    (uint32_t)nd - 1)) % nd] = 2;
	}
	k = (int)rng_below(r, 100);
	p->depression = k < 80 ? 0 : k < 95 ? 1 : k < 99 ? 2 : 3;
	p->pregnant = p->sex == 2 && p->age >= 15 && p->age <= 49 &&
	    rng_chance(r, p->rel == REL_HEAD || p->rel == REL_SPOUSE ?
	    0.042 : 0.008);
	p->chronic = rng_chance(r, p->age >= 60 ? 0.45 : p->age >= 40 ?
	    0.2 : 0.04) ? ill_code[rng_weighted(r, ill_w, NITEMS(ill_w))] : 0;
	/* Marital status from the household's make-up. */
	if (p->age < 16)
		p->marital = MAR_SINGLE;
	else if (p->rel == REL_SPOUSE)
		p->marital = MAR_MARRIED;
	else if (p->rel == REL_HEAD)
		p->marital = h->n > 1 && h->p[1].rel == REL_SPOUSE ?
		    MAR_MARRIED : p->age >= 50 ? (rng_chance(r, 0.75) ?
		    MAR_WIDOWED : MAR_DIVORCED) : (rng_chance(r, 0.5) ?
		    MAR_SINGLE : MAR_DIVORCED);
	else if (p->rel == REL_PARENT)
		p->marital = rng_chance(r, 0.7) ? MAR_WIDOWED : MAR_MARRIED;
	else
		p->marital = rng_chance(r, p->age >= 25 ? 0.35 : 0.08) ?
		    MAR_MARRIED : MAR_SINGLE;
	education(g, h, p);
	work(g, p);
	/* Registered at birth or within three years, not after today. */
	{
		long reg = p->born + rng_range(r, 0, 3 * 365);
		make_number(g, &g->nik_serial, h->village, p->born,
		    p->sex == 2 ? 40 : 0, 0, reg < g->today ? reg : g->today,
		    p->nik);
	}
}

static int
cmp_age_desc(const void *a, const void *b)
{
	const struct person *x = a, *y = b;
	return (x->born > y->born) - (x->born < y->born);
}

/* Mobile prefixes after 08 (Telkomsel, Indosat, XL, ...). */
static const int operators[] = {11, 12, 13, 21, 22, 23, 52, 53, 81, 82,
	77, 78};

/*
 * Household idx of total. Villages are visited in code order, as an
 * enumeration goes area by area (which also keeps the inserts of a batch
 * close together in the NIK and KK indexes).
 */
static void
make_household(struct gen *g, struct household *h, long idx, long total)
{
	static const unsigned size_w[MAX_SIZE] = {8, 14, 19, 21, 16, 10, 6, 4,
		2};
	static const unsigned decile_w[10] = {17, 15, 13, 12, 10, 9, 8, 7, 5,
		4};
	struct rng *r = &g->r;
	struct person *head, *sp = NULL, *p;
	int size, i, ha, sa = 0, others, parents = 0, age;
	const char *fam;

	memset(h, 0, sizeof *h);
	if (g->nvill > 0)
		snprintf(h->village, sizeof h->village, "%s",
		    g->vill[(size_t)((double)idx / (double)total *
		    (double)g->nvill)]);
	h->interview = g->today - rng_range(r, 0, 180);
	h->ref = g->at_interview ? h->interview : g->today;
	size = (int)rng_weighted(r, size_w, MAX_SIZE) + 1;
	h->origin = (enum origin)rng_weighted(r, origin_w, OR_N);
	h->family = family_name(r, h->origin);
	h->decile = (int)rng_weighted(r, decile_w, 10) + 1;

	head = &h->p[h->n++];
	head->rel = REL_HEAD;
	head->sex = rng_chance(r, 0.86) ? 1 : 2;
	ha = head_age(r);
	head->born = born_aged(g, h->ref, ha);
	person_name(r, h->origin, head->sex, h->family, h, head->name,
	    sizeof head->name);
	if (size >= 2 && rng_chance(r, head->sex == 1 ? 0.88 : 0.3)) {
		int gap = rng_range(r, -2, 8);
		sp = &h->p[h->n++];
		sp->rel = REL_SPOUSE;
		sp->sex = 3 - head->sex;
		sa = head->sex == 1 ? ha - gap : ha + gap;
		if (sa < 17)
			sa = 17;
		sp->born = born_aged(g, h->ref, sa);
		/* A wife keeps her own clan name about half the time. */
		fam = h->family;
		if (sp->sex == 2 && fam != NULL && rng_chance(r, 0.5))
			fam = family_name(r, h->origin);
		person_name(r, h->origin, sp->sex, sp->sex == 1 ?
		    family_name(r, h->origin) : fam, h, sp->name,
		    sizeof sp->name);
	}
	others = size - h->n;
	for (i = 0; i < others; i++) {
		int young = sp != NULL && sa < ha ? sa : ha;
		p = &h->p[h->n++];
		p->sex = rng_chance(r, 0.51) ? 1 : 2;
		if (parents == 0 && ha >= 28 && ha <= 60 &&
		    rng_chance(r, 0.06)) {
			/* a parent of the head */
			parents++;
			p->rel = REL_PARENT;
			age = ha + rng_range(r, 20, 34);
			if (age > 95)
				age = 95;
			p->born = born_aged(g, h->ref, age);
			person_name(r, h->origin, p->sex, p->sex == 1 ?
			    h->family : family_name(r, h->origin), h,
			    p->name, sizeof p->name);
			continue;
		}
		/* A child or grandchild: at least 16 years younger. */
		if (young >= 20 && rng_chance(r, ha <= 45 ? 0.22 : 0.14)) {
			p->born = h->ref - rng_range(r, 0, 5 * 365 - 1);
			age = years_between(p->born, h->ref);
		} else {
			int hi = young - 16 > 32 ? 32 : young - 16;
			age = rng_range(r, hi >= 5 ? 5 : 0, hi > 0 ? hi : 0);
			p->born = born_aged(g, h->ref, age);
		}
		p->rel = ha - age >= 40 && rng_chance(r, 0.7) ?
		    REL_GRANDCHILD : REL_CHILD;
		person_name(r, h->origin, p->sex, h->family, h, p->name,
		    sizeof p->name);
	}
	/* Others eldest first, after the head and spouse. */
	i = sp != NULL ? 2 : 1;
	qsort(&h->p[i], (size_t)(h->n - i), sizeof h->p[0], cmp_age_desc);
	for (i = 0; i < h->n; i++)
		finish_person(g, h, &h->p[i]);
	/* A mother of a child under two breastfeeds, mostly. */
	for (i = 0; i < h->n; i++)
		if (h->p[i].months < 24 && (h->p[i].rel == REL_CHILD))
			for (age = 0; age < h->n && age < 2; age++)
				if (h->p[age].sex == 2 && h->p[age].age <= 54 &&
				    (h->p[age].rel == REL_HEAD ||
				    h->p[age].rel == REL_SPOUSE))
					h->p[age].breastfeeding =
					    rng_chance(r, 0.7);
	/* The family card: issued after the head turned 17, not later than
	 * today, within the last 20 years. */
	{
		long from = head->born + 17L * 365, lo = g->today - 20L * 365,
		    issued;
		if (from < lo)
			from = lo;
		issued = from + (long)rng_below(r, (uint32_t)(g->today - from >
		    0 ? g->today - from : 1));
		make_number(g, &g->kk_serial, h->village, issued, 0, 1, issued,
		    h->kk);
	}
	h->lighting = rng_chance(r, 0.35 + 0.05 * h->decile) ? 1 :
	    (int)rng_below(r, 3) + 2;
	h->floor_area = round(18.0 + 5.0 * h->decile + 5.0 * h->n +
	    8.0 * fabs(rng_normal(r)));
	snprintf(h->address, sizeof h->address, "Jl. %s No. %d",
	    PICK(r, streets), rng_range(r, 1, 150));
	snprintf(h->phone, sizeof h->phone, "08%d%08d", PICK(r, operators),
	    rng_range(r, 0, 99999999));
	for (i = 0; i < 2; i++)
		person_name(r, rng_chance(r, 0.6) ? OR_PAPUAN : OR_JAVANESE,
		    rng_chance(r, 0.5) ? 1 : 2, NULL, h, h->staff[i],
		    sizeof h->staff[i]);
}

/* ---- filling records ----------------------------------------------------- */

static void
set_int(struct record *rec, size_t i, long v)
{
	char buf[32];
	snprintf(buf, sizeof buf, "%ld", v);
	record_set(rec, i, buf);
}

static void
set_double(struct record *rec, size_t i, double v)
{
	char buf[40];
	util_fmt_double(v, buf, sizeof buf);
	record_set(rec, i, buf);
}

static void
set_date(struct record *rec, size_t i, long day)
{
	char buf[16];
	int y, m, d;
	civil_from_days(day, &y, &m, &d);
	snprintf(buf, sizeof buf, "%04d-%02d-%02d", y, m, d);
	record_set(rec, i, buf);
}

/* A number within [lo, hi] that the field's own bounds admit. */
static double
clamp_to(const struct sch_field *f, double v)
{
	if (f->has_max && v > f->max)
		v = f->max;
	if (f->has_min && v < f->min)
		v = f->min;
	return v;
}

/* 1 when text passes the field's pattern (or it has none). */
static int
pattern_ok(const struct sch_field *f, const char *v)
{
	return f->pattern_re == NULL || v == NULL ||
	    regexec(f->pattern_re, v, 0, NULL, 0) == 0;
}

/* A code of the value set by its label's meaning ("None" and the like). */
static int
is_none_choice(const struct sch_choice *c)
{
	static const char *const words[] = {"none", "tidak memiliki",
		"tidak punya", "tidak ada", NULL};
	size_t k, w;
	for (k = 0; k < SCHEMA_MAX_LANGS; k++)
		for (w = 0; words[w] != NULL; w++)
			if (c->label.s[k] != NULL &&
			    strncasecmp(c->label.s[k], words[w],
			    strlen(words[w])) == 0)
				return 1;
	return 0;
}

/* 1 for an optional field numbered 2 or more (power2, power3). */
static int
extra_copy(const struct sch_field *f)
{
	size_t n = strlen(f->name);
	return !f->required && f->required_if.text == NULL && n > 1 &&
	    f->name[n - 1] >= '2' && f->name[n - 1] <= '9';
}

/* A value of field i of rec by its type alone. */
static void
fill_generic(struct gen *g, struct record *rec, size_t i,
    const struct household *h, const struct person *p)
{
	const struct sch_field *f = &rec->def->fields[i];
	const struct person *who = p != NULL ? p : &h->p[0];
	struct rng *r = &g->r;
	char buf[128];
	size_t k;
	double v;

	if (extra_copy(f) && rng_chance(r, 0.9)) {
		record_set(rec, i, NULL);
		return;
	}
	switch (f->type) {
	case FT_TEXT:
		if (f->unique)
			snprintf(buf, sizeof buf, "Contoh %ld", ++g->counter);
		else if (strstr(f->name, "name") != NULL ||
		    strstr(f->name, "nama") != NULL)
			snprintf(buf, sizeof buf, "%s", who->name);
		else if (strstr(f->name, "address") != NULL ||
		    strstr(f->name, "alamat") != NULL)
			snprintf(buf, sizeof buf, "%s", h->address);
		else
			snprintf(buf, sizeof buf, "Contoh");
		if (!pattern_ok(f, buf)) { /* codes: digits of the width */
			int w = f->width > 0 && f->width < 20 ? f->width : 4;
			for (k = 0; k < (size_t)w; k++)
				buf[k] = (char)('0' + (k + 1 == (size_t)w ?
				    1 + rng_below(r, 9) : rng_below(r, 3)));
			buf[w] = '\0';
		}
		record_set(rec, i, pattern_ok(f, buf) ? buf : NULL);
		break;
	case FT_INTEGER:
		if (f->unique)
			v = (double)++g->counter;
		else if (f->has_min && f->has_max && f->max - f->min > 30)
			/* counts and serials: mostly small */
			v = f->min + floor(-log(1.0 - rng_unit(r)) * 4.0) +
			    (f->min < 1 ? rng_below(r, 2) : 0);
		else
			v = floor((f->has_min ? f->min : 0) + rng_unit(r) *
			    ((f->has_max ? f->max : 20) - (f->has_min ?
			    f->min : 0) + 1));
		set_int(rec, i, (long)clamp_to(f, v));
		break;
	case FT_DECIMAL: {
		double lo = f->has_min ? f->min : 1.0;
		double hi = f->has_max ? f->max : lo + 99.0;
		if (hi - lo > 200.0)
			hi = lo + 200.0;
		set_double(rec, i, clamp_to(f, round((lo + rng_unit(r) *
		    (hi - lo)) * 10.0) / 10.0));
		break;
	}
	case FT_DATE:
		if (p != NULL && (strstr(f->name, "birth") != NULL ||
		    strstr(f->name, "lahir") != NULL))
			set_date(rec, i, p->born);
		else
			set_date(rec, i, h->interview);
		break;
	case FT_YESNO:
		record_set(rec, i, rng_chance(r, 0.3) ? "1" : "0");
		break;
	case FT_SELECT_ONE:
		if (f->vs != NULL && f->vs->nchoices > 0)
			record_set(rec, i, f->vs->choices[rng_below(r,
			    (uint32_t)f->vs->nchoices)].code);
		break;
	case FT_SELECT_MULTIPLE: {
		/* One or two codes; a "none" code only alone. */
		struct sbuf b = {0};
		size_t nc = f->vs != NULL ? f->vs->nchoices : 0, a, c;
		if (nc == 0)
			break;
		a = rng_below(r, (uint32_t)nc);
		c = rng_chance(r, 0.3) ? rng_below(r, (uint32_t)nc) : a;
		if (is_none_choice(&f->vs->choices[a]) ||
		    is_none_choice(&f->vs->choices[c]))
			c = a = is_none_choice(&f->vs->choices[a]) ? a : c;
		for (k = 0; k < nc; k++)
			if (k == a || k == c) {
				if (b.len > 0)
					sbuf_addc(&b, ' ');
				sbuf_add(&b, f->vs->choices[k].code);
			}
		record_set(rec, i, b.s);
		sbuf_free(&b);
		break;
	}
	case FT_REGION:
		if (h->village[0] != '\0' && f->level >= RL_PROVINCE &&
		    f->level <= RL_VILLAGE) {
			static const int len[] = {0, 2, 5, 8, 13};
			snprintf(buf, sizeof buf, "%.*s", len[f->level],
			    h->village);
			record_set(rec, i, buf);
		}
		break;
	case FT_NIK:
		record_set(rec, i, who->nik);
		break;
	case FT_KK:
		record_set(rec, i, h->kk);
		break;
	case FT_PHONE:
		snprintf(buf, sizeof buf, "08%d%08ld", f->unique ? 13 : 12,
		    f->unique ? ++g->counter % 100000000 :
		    (long)rng_range(r, 0, 99999999));
		record_set(rec, i, buf);
		break;
	default:
		break;
	}
}

/* The codes of a select_multiple, in value set order, from flags. */
static void
set_codes(struct record *rec, size_t i, const char *const *codes,
    const int *on, size_t n)
{
	const struct sch_field *f = &rec->def->fields[i];
	struct sbuf b = {0};
	size_t c, k;

	for (c = 0; c < f->vs->nchoices; c++)
		for (k = 0; k < n; k++)
			if (on[k] && strcmp(f->vs->choices[c].code,
			    codes[k]) == 0) {
				if (b.len > 0)
					sbuf_addc(&b, ' ');
				sbuf_add(&b, codes[k]);
			}
	record_set(rec, i, b.s);
	sbuf_free(&b);
}

static void
fill_id_docs(struct gen *g, struct record *rec, size_t i,
    const struct person *p)
{
	static const char *const codes[] = {"0", "1", "2", "4", "8"};
	struct rng *r = &g->r;
	int on[5] = {0};

	on[1] = rng_chance(r, p->age < 20 ? 0.8 : 0.5);      /* birth cert */
	on[2] = p->age < 17 && rng_chance(r, 0.3);           /* KIA */
	on[3] = (p->age >= 17 || p->marital != MAR_SINGLE) &&
	    rng_chance(r, 0.92);                             /* KTP */
	on[4] = has_code(&rec->def->fields[i], "8") && rng_chance(r, 0.95);
	if (!on[1] && !on[2] && !on[3] && !on[4])
		on[0] = 1;
	set_codes(rec, i, codes, on, 5);
}

static void
fill_insurance(struct gen *g, struct record *rec, size_t i,
    const struct household *h, const struct person *p)
{
	static const char *const codes[] = {"0", "1", "2", "4"};
	struct rng *r = &g->r;
	int on[4] = {0};

	if (rng_chance(r, 0.12))
		on[0] = 1;
	else if (rng_chance(r, h->decile <= 4 ? 0.8 : h->decile <= 7 ?
	    0.4 : 0.1))
		on[1] = 1; /* JKN PBI, paid by the state */
	else if (p->worked && (p->work_status == 4 || p->work_status == 5))
		on[3] = 1;
	else
		on[2] = 1;
	set_codes(rec, i, codes, on, 4);
}

static void
fill_nutrition(struct gen *g, struct record *rec, size_t i,
    const struct person *p)
{
	static const char *const stunt[] = {"stunting", "kerdil", NULL};
	static const char *const waste[] = {"wasting", "kurang gizi", NULL};
	static const char *const normal[] = {"normal", NULL};
	static const char *const norec[] = {"no record", "tidak ada catatan",
		NULL};
	const struct sch_field *f = &rec->def->fields[i];
	const char *cs = code_by_label(f, stunt), *cw = code_by_label(f, waste);
	const char *cn = code_by_label(f, normal), *cr = code_by_label(f, norec);
	struct rng *r = &g->r;
	const char *v;
	int k = (int)rng_below(r, 100);

	if (p->z < -2.0)
		v = k < 85 ? cs : cr;
	else
		v = k < 75 ? cn : k < 93 ? cr : cw;
	if (v == NULL)
		v = cr != NULL ? cr : f->vs->choices[0].code;
	record_set(rec, i, v);
}

/* The value its role gives field i. */
static void
fill_role(struct gen *g, struct record *rec, size_t i,
    const struct recinfo *ri, const struct household *h,
    const struct person *p, int row)
{
	const struct sch_field *f = &rec->def->fields[i];
	const struct rate *rt = ri->rate[i];
	struct rng *r = &g->r;
	double pr;
	int k;

	switch (ri->role[i]) {
	case RO_KK:
		record_set(rec, i, h->kk);
		break;
	case RO_MEMBERS:
		set_int(rec, i, h->n);
		break;
	case RO_DECILE:
		set_int(rec, i, h->decile);
		break;
	case RO_WELFARE:
		set_int(rec, i, h->decile == 1 ? 1 : h->decile <= 3 ? 2 :
		    h->decile == 4 ? 3 : h->decile <= 6 ? 4 : 5);
		break;
	case RO_RESULT:
	case RO_CAREGIVER:
		/* complete; a family member cares */
		record_set(rec, i, f->vs->choices[ri->role[i] == RO_CAREGIVER &&
		    rng_chance(r, 0.2) ? f->vs->nchoices - 1 : 0].code);
		break;
	case RO_HEAD_NAME:
		record_set(rec, i, h->p[0].name);
		break;
	case RO_HEAD_NIK:
		record_set(rec, i, h->p[0].nik);
		break;
	case RO_RESPONDENT:
		record_set(rec, i, h->n > 1 && rng_chance(r, 0.3) ?
		    h->p[1].name : h->p[0].name);
		break;
	case RO_STAFF:
		record_set(rec, i, h->staff[strcmp(f->name, "checker") == 0]);
		break;
	case RO_ADDRESS:
		record_set(rec, i, h->address);
		break;
	case RO_LANDMARK:
		record_set(rec, i, PICK(r, landmarks));
		break;
	case RO_PHONE:
		record_set(rec, i, rng_chance(r, 0.75) ? h->phone : NULL);
		break;
	case RO_INTERVIEW:
		set_date(rec, i, h->interview);
		break;
	case RO_CHECK_DATE: {
		long d = h->interview + rng_range(r, 0, 14);
		set_date(rec, i, d > g->today ? g->today : d);
		break;
	}
	case RO_RT:
	case RO_RW:
		set_int(rec, i, (long)clamp_to(f, rng_range(r, 1,
		    ri->role[i] == RO_RT ? 12 : 5)));
		break;
	case RO_SLS_NAME: {
		char buf[40];
		snprintf(buf, sizeof buf, "RT %03d", rng_range(r, 1, 12));
		record_set(rec, i, buf);
		break;
	}
	case RO_FLOOR_AREA:
		set_double(rec, i, clamp_to(f, h->floor_area));
		break;
	case RO_LIGHTING:
		set_int(rec, i, h->lighting);
		break;
	case RO_RATE:
		pr = rt->base + rt->slope * h->decile;
		if (!rt->poor1 && h->decile == 1)
			pr = 0.0;
		if (strcmp(rt->name, "electricity_subsidy") == 0 &&
		    h->lighting != 1)
			pr = 0.0;
		record_set(rec, i, rng_chance(r, pr) ? "1" : "0");
		break;
	case RO_LIVESTOCK:
		set_int(rec, i, rng_chance(r, rt->base) ? (long)clamp_to(f,
		    1 + floor(-log(1.0 - rng_unit(r)) * rt->mean)) : 0);
		break;
	case RO_ROW:
		set_int(rec, i, row + 1);
		break;
	case RO_NAME:
		record_set(rec, i, p->name);
		break;
	case RO_NIK:
		record_set(rec, i, p->nik);
		break;
	case RO_PRESENCE:
		set_int(rec, i, has_code(f, "5") ? p->present : 1);
		break;
	case RO_SEX:
		set_int(rec, i, p->sex);
		break;
	case RO_BIRTH:
		set_date(rec, i, p->born);
		break;
	case RO_AGE:
		set_int(rec, i, p->age);
		break;
	case RO_MARITAL:
		set_int(rec, i, p->marital);
		break;
	case RO_REL:
		record_set(rec, i, g->rel_code[p->rel]);
		break;
	case RO_PREGNANT:
		record_set(rec, i, p->pregnant ? "1" : "0");
		break;
	case RO_BREASTFEEDING:
		record_set(rec, i, p->breastfeeding ? "1" : "0");
		break;
	case RO_ID_DOCS:
		fill_id_docs(g, rec, i, p);
		break;
	case RO_SCHOOL:
		if (p->school > 0)
			set_int(rec, i, p->school);
		break;
	case RO_EDU:
		if (p->edu > 0)
			set_int(rec, i, p->edu);
		break;
	case RO_GRADE:
		if (p->grade > 0)
			set_int(rec, i, p->grade);
		break;
	case RO_DIPLOMA:
		if (p->diploma > 0)
			set_int(rec, i, p->diploma);
		break;
	case RO_WORKED:
		record_set(rec, i, p->worked ? "1" : "0");
		break;
	case RO_HOURS:
		if (p->worked)
			set_int(rec, i, (long)clamp_to(f, p->hours));
		break;
	case RO_WORK_SECTOR:
		if (p->worked)
			set_int(rec, i, p->work_sector);
		break;
	case RO_WORK_STATUS:
		if (p->worked)
			set_int(rec, i, p->work_status);
		break;
	case RO_NUTRITION:
		fill_nutrition(g, rec, i, p);
		break;
	case RO_HEIGHT:
		if (f->type == FT_INTEGER)
			set_int(rec, i, lround(clamp_to(f, p->height)));
		else
			set_double(rec, i, clamp_to(f, p->height));
		break;
	case RO_WEIGHT:
		set_double(rec, i, clamp_to(f, p->weight));
		break;
	case RO_CHRONIC:
		set_int(rec, i, p->chronic > 0 && has_int_code(f, p->chronic) ?
		    p->chronic : 1);
		break;
	case RO_INSURANCE:
		fill_insurance(g, rec, i, h, p);
		break;
	case RO_DISABLED:
		record_set(rec, i, p->disabled ? "1" : "0");
		break;
	case RO_DOMAIN:
		k = ri->domain[i];
		record_set(rec, i, ri->sev[i].code[p->domain[k]]);
		break;
	case RO_DEPRESSION:
		record_set(rec, i, ri->sev[i].code[p->depression]);
		break;
	default:
		break;
	}
}

/*
 * Values that the dictionary refuses: a generic value failing its
 * constraint or choice filter is drawn again, and emptied (when not
 * required) if it keeps failing. Role values are consistent by
 * construction and not looked at. Returns 1 when something changed.
 */
static int
repair(struct gen *g, struct record *rec, const struct record *parent,
    const struct recinfo *ri, const struct household *h,
    const struct person *p)
{
	const struct sch_record *def = rec->def;
	size_t i;
	int tries, changed = 0;

	for (i = 0; i < def->nfields; i++) {
		const struct sch_field *f = &def->fields[i];
		if (rec->val[i] == NULL || ri->role[i] != RO_GENERIC ||
		    (f->constraint.text == NULL &&
		    f->choice_filter.text == NULL) || f->type == FT_CALCULATE)
			continue;
		for (tries = 0; tries < 12; tries++) {
			const struct sch_choice *c = f->choice_filter.text &&
			    f->type == FT_SELECT_ONE ? schema_choice(f->vs,
			    rec->val[i]) : NULL;
			if (expr_constraint(g->x, rec, parent, i) &&
			    (c == NULL || expr_choice_ok(g->x, rec, parent, i,
			    c)))
				break;
			fill_generic(g, rec, i, h, p);
			changed = 1;
			if (rec->val[i] == NULL)
				break;
		}
		if (tries == 12 && !f->required) {
			record_set(rec, i, NULL);
			changed = 1;
		}
	}
	return changed;
}

/* Fill a record: by type or role, then calculations and relevance. */
static void
fill_record(struct gen *g, struct record *rec, const struct record *parent,
    const struct household *h, const struct person *p, int row)
{
	const struct recinfo *ri = &g->info[rec->def - g->s->records];
	size_t i;

	snprintf(rec->status, sizeof rec->status, "complete");
	for (i = 0; i < rec->def->nfields; i++) {
		const struct sch_field *f = &rec->def->fields[i];
		if (!schema_field_stored(f) || f->type == FT_CALCULATE)
			continue;
		if (ri->role[i] == RO_GENERIC)
			fill_generic(g, rec, i, h, p);
		else
			fill_role(g, rec, i, ri, h, p, row);
	}
	expr_refresh(g->x, rec, parent, NULL);
	if (repair(g, rec, parent, ri, h, p))
		expr_refresh(g->x, rec, parent, NULL);
}

/* One household made, waiting to be saved: the records and the rosters. */
struct job {
	struct record *root;
	struct record *rows[MAX_KIDS][MAX_SIZE];
	struct db_roster ro[MAX_KIDS];
};

/* Make household idx of total into j: its records filled and refreshed. */
static void
make_job(struct gen *g, struct household *h, long idx, long total,
    struct job *j)
{
	size_t k;
	int i, n;

	make_household(g, h, idx, total);
	memset(j, 0, sizeof *j);
	j->root = record_new(g->hh);
	fill_record(g, j->root, NULL, h, NULL, 0);
	for (k = 0; k < g->nkids; k++) {
		n = g->kids[k] == g->person ? h->n : (int)rng_below(&g->r, 3);
		if (g->kids[k]->min_count > 0 && n < g->kids[k]->min_count)
			n = g->kids[k]->min_count > MAX_SIZE ? MAX_SIZE :
			    g->kids[k]->min_count;
		if (g->kids[k]->max_count > 0 && n > g->kids[k]->max_count)
			n = g->kids[k]->max_count;
		for (i = 0; i < n; i++) {
			j->rows[k][i] = record_new(g->kids[k]);
			fill_record(g, j->rows[k][i], j->root, h, g->kids[k] ==
			    g->person ? &h->p[i] : &h->p[0], i);
		}
		j->ro[k].def = g->kids[k];
		j->ro[k].rows = j->rows[k];
		j->ro[k].n = (size_t)n;
	}
}

static void
job_free(const struct gen *g, struct job *j)
{
	size_t k, i;
	for (k = 0; k < g->nkids; k++)
		for (i = 0; i < j->ro[k].n; i++)
			record_free(j->rows[k][i]);
	record_free(j->root);
	memset(j, 0, sizeof *j);
}

/* Save a job (then free it); *persons counts the person rows saved. */
static int
save_job(const struct gen *g, struct job *j, long *persons, char **err)
{
	size_t k;
	int rc = db_tree_save(g->db, j->root, j->ro, g->nkids, g->user, err);

	for (k = 0; k < g->nkids && rc == 0; k++)
		if (g->kids[k] == g->person)
			*persons += (long)j->ro[k].n;
	job_free(g, j);
	return rc;
}

/*
 * The pipeline: a thread makes the households in order (the one random
 * sequence, on a connection of its own for the expressions) while the
 * caller's thread saves them in the same order; a bounded queue between
 * them. The output is the same as without it.
 */
#define QUEUE 64

struct pipeline {
	pthread_mutex_t mu;
	pthread_cond_t can_put, can_take;
	struct job slot[QUEUE];
	long made, saved; /* jobs put, jobs taken */
	int stop;         /* the saver failed: make no more */
	struct gen *g;
	long total;
};

static void *
maker(void *arg)
{
	struct pipeline *p = arg;
	struct household h;
	long i;

	for (i = 0; i < p->total; i++) {
		pthread_mutex_lock(&p->mu);
		while (p->made - p->saved == QUEUE && !p->stop)
			pthread_cond_wait(&p->can_put, &p->mu);
		if (p->stop) {
			pthread_mutex_unlock(&p->mu);
			break;
		}
		pthread_mutex_unlock(&p->mu);
		/* the slot is the maker's until made is advanced */
		make_job(p->g, &h, i, p->total, &p->slot[i % QUEUE]);
		pthread_mutex_lock(&p->mu);
		p->made++;
		pthread_cond_signal(&p->can_take);
		pthread_mutex_unlock(&p->mu);
	}
	return NULL;
}

/* The next job made, waited for; NULL when the maker ended early. */
static struct job *
take(struct pipeline *p)
{
	struct job *j = NULL;
	pthread_mutex_lock(&p->mu);
	while (p->made == p->saved && p->made < p->total && !p->stop)
		pthread_cond_wait(&p->can_take, &p->mu);
	if (p->made > p->saved)
		j = &p->slot[p->saved % QUEUE];
	pthread_mutex_unlock(&p->mu);
	return j;
}

static void
taken(struct pipeline *p)
{
	pthread_mutex_lock(&p->mu);
	p->saved++;
	pthread_cond_signal(&p->can_put);
	pthread_mutex_unlock(&p->mu);
}

/*
 * A second connection to the file with the expressions compiled on it,
 * for the maker thread; -1 when there cannot be one (a database in
 * memory, say): then everything runs in the caller's thread.
 */
static int
open_maker(struct db *db, struct db **db2, struct expr_set **x2)
{
	struct diags d = {0};
	char *err = NULL;

	*db2 = NULL;
	*x2 = NULL;
	if (strcmp(db_path(db), ":memory:") == 0 || db_path(db)[0] == '\0' ||
	    db_open(db2, db_path(db), db_schema(db), DB_OPEN_READONLY,
	    &err) < 0 || expr_register_functions(db_sqlite(*db2), &err) < 0 ||
	    (*x2 = expr_compile(db_sqlite(*db2), db_schema(db), &d)) == NULL) {
		free(err);
		diags_free(&d);
		db_close(*db2);
		*db2 = NULL;
		return -1;
	}
	diags_free(&d);
	return 0;
}

static void
gen_free(struct gen *g)
{
	size_t i;
	for (i = 0; g->info != NULL && i < g->s->nrecords; i++) {
		free(g->info[i].role);
		free(g->info[i].domain);
		free(g->info[i].sev);
		free(g->info[i].rate);
	}
	free(g->info);
	free(g->vill);
	free(g->dist);
	db_regions_free(g->ret, g->nret);
	map_free(&g->nik_serial);
	map_free(&g->kk_serial);
}

/* Everything counted so far is committed: the result, and progress. */
static void
committed(const struct demo_opts *o, struct demo_result *res, long done,
    long persons)
{
	res->households = done;
	res->persons = persons;
	if (o->progress != NULL)
		o->progress(o->progress_ctx, done, o->households);
}

int
demo_run(struct db *db, struct expr_set *x, const struct demo_opts *o,
    struct demo_result *res, char **err)
{
	struct gen g;
	struct household h;
	struct pipeline *p = NULL;
	struct db *db2 = NULL;
	struct expr_set *x2 = NULL;
	struct job one, *j;
	pthread_t th;
	long i, batch = o->batch > 0 ? o->batch : DEMO_BATCH, done = 0;
	long persons = 0;
	int64_t existing = 0;
	int rc = -1, open = 0, threaded = 0;

	memset(res, 0, sizeof *res);
	if (o->households < 1 || o->households > DEMO_MAX_HOUSEHOLDS)
		return util_err(err, _("the number of households must be 1 to "
		    "%ld"), DEMO_MAX_HOUSEHOLDS);
	memset(&g, 0, sizeof g);
	g.split = days_from_civil(2022, 12, 8);
	g.db = db;
	g.x = x;
	g.s = db_schema(db);
	g.user = o->user != NULL ? o->user : "demo";
	g.today = today_days();
	rng_seed(&g.r, o->seed);
	if (find_records(&g, err) < 0)
		return -1;
	db_set_session(db, NULL); /* count every record, of every region */
	if (db_record_count(db, g.hh, &existing, err) < 0)
		return -1;
	if (existing > 0)
		return util_err(err, _("%s already holds %lld %s record(s); "
		    "synthetic data goes into a database of its own (use "
		    "another --db)"), db_path(db), (long long)existing,
		    g.hh->name);
	setup_roles(&g);
	if (load_regions(&g, err) < 0 || db_tune_bulk(db, err) < 0)
		goto out;
	db_set_audit_bulk(db, 1); /* one audit row per household */
	/* the search's index is built once at the end (db_search_resume) */
	if (db_search_suspend(db, err) < 0)
		goto out;
	if (!o->single_thread && open_maker(db, &db2, &x2) == 0) {
		p = xcalloc(1, sizeof *p);
		pthread_mutex_init(&p->mu, NULL);
		pthread_cond_init(&p->can_put, NULL);
		pthread_cond_init(&p->can_take, NULL);
		g.x = x2;
		p->g = &g;
		p->total = o->households;
		threaded = pthread_create(&th, NULL, maker, p) == 0;
		if (!threaded)
			g.x = x;
	}
	for (i = 0; i < o->households; i++) {
		if (!open) {
			if (db_begin(db, err) < 0)
				goto out;
			open = 1;
		}
		if (threaded) {
			if ((j = take(p)) == NULL) {
				util_err(err, "demo: the maker thread ended "
				    "early");
				goto out;
			}
		} else {
			make_job(&g, &h, i, o->households, &one);
			j = &one;
		}
		rc = save_job(&g, j, &persons, err);
		if (threaded)
			taken(p);
		if (rc < 0)
			goto out;
		rc = -1;
		done++;
		if (done % batch == 0 || i + 1 == o->households) {
			open = 0;
			if (db_commit(db, err) < 0)
				goto out;
			committed(o, res, done, persons);
		}
	}
	if (db_search_resume(db, err) < 0)
		goto out;
	rc = 0;
out:
	if (open)
		db_rollback(db);
	if (threaded) {
		pthread_mutex_lock(&p->mu);
		p->stop = 1;
		pthread_cond_signal(&p->can_put);
		pthread_mutex_unlock(&p->mu);
		pthread_join(th, NULL);
		for (; p->saved < p->made; p->saved++)
			job_free(&g, &p->slot[p->saved % QUEUE]);
	}
	if (p != NULL) {
		pthread_mutex_destroy(&p->mu);
		pthread_cond_destroy(&p->can_put);
		pthread_cond_destroy(&p->can_take);
		free(p);
	}
	expr_free(x2);
	db_close(db2);
	gen_free(&g);
	return rc;
}
