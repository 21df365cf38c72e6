/*
 * util: allocation that dies cleanly, strings, UTF-8, sanitising, diagnostics.
 * Nothing here knows about storage or the terminal.
 */
#include "util.h"

#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>
#include <time.h>

static void (*fatal_hook)(void);

void
util_set_fatal_hook(void (*hook)(void))
{
	fatal_hook = hook;
}

_Noreturn void
util_fatal(const char *fmt, ...)
{
	va_list ap;

	if (fatal_hook != NULL) {
		void (*h)(void) = fatal_hook;
		fatal_hook = NULL;
		h();
	}
	fputs("kesra: ", stderr);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	exit(1);
}

void *
xmalloc(size_t n)
{
	void *p = malloc(n ? n : 1);
	if (p == NULL)
		util_fatal("out of memory");
	return p;
}

void *
xcalloc(size_t nmemb, size_t size)
{
	void *p = calloc(nmemb ? nmemb : 1, size ? size : 1);
	if (p == NULL)
		util_fatal("out of memory");
	return p;
}

void *
xrealloc(void *p, size_t n)
{
	void *q = realloc(p, n ? n : 1);
	if (q == NULL)
		util_fatal("out of memory");
	return q;
}

void *
xreallocarray(void *p, size_t nmemb, size_t size)
{
	if (size != 0 && nmemb > SIZE_MAX / size)
		util_fatal("out of memory");
	return xrealloc(p, nmemb * size);
}

char *
xstrdup(const char *s)
{
	return xstrndup(s, strlen(s));
}

char *
xstrndup(const char *s, size_t n)
{
	char *p;
	n = strnlen(s, n);
	p = xmalloc(n + 1);
	memcpy(p, s, n);
	p[n] = '\0';
	return p;
}

char *
xvasprintf(const char *fmt, va_list ap)
{
	char *s;
	if (vasprintf(&s, fmt, ap) < 0)
		util_fatal("out of memory");
	return s;
}

char *
xasprintf(const char *fmt, ...)
{
	va_list ap;
	char *s;
	va_start(ap, fmt);
	s = xvasprintf(fmt, ap);
	va_end(ap);
	return s;
}

int
util_err(char **err, const char *fmt, ...)
{
	va_list ap;
	if (err == NULL)
		return -1;
	free(*err);
	va_start(ap, fmt);
	*err = xvasprintf(fmt, ap);
	va_end(ap);
	return -1;
}

static void
sbuf_grow(struct sbuf *b, size_t extra)
{
	if (b->len + extra + 1 <= b->cap)
		return;
	size_t cap = b->cap ? b->cap : 64;
	while (cap < b->len + extra + 1)
		cap *= 2;
	b->s = xrealloc(b->s, cap);
	b->cap = cap;
	b->s[b->len] = '\0';
}

void
sbuf_addn(struct sbuf *b, const char *s, size_t n)
{
	sbuf_grow(b, n);
	memcpy(b->s + b->len, s, n);
	b->len += n;
	b->s[b->len] = '\0';
}

void
sbuf_add(struct sbuf *b, const char *s)
{
	sbuf_addn(b, s, strlen(s));
}

void
sbuf_addc(struct sbuf *b, char c)
{
	sbuf_addn(b, &c, 1);
}

/*
 * name as an SQL identifier in double quotes, its quotes doubled (names
 * of a loaded dictionary are [a-z_][a-z0-9_]* already; a dictionary with
 * mistakes, which `kesra check` still compiles, may hold anything).
 */
void
sbuf_add_ident(struct sbuf *b, const char *name)
{
	sbuf_addc(b, '"');
	for (; *name != '\0'; name++) {
		if (*name == '"')
			sbuf_addc(b, '"');
		sbuf_addc(b, *name);
	}
	sbuf_addc(b, '"');
}

void
sbuf_addf(struct sbuf *b, const char *fmt, ...)
{
	va_list ap;
	char *s;
	va_start(ap, fmt);
	s = xvasprintf(fmt, ap);
	va_end(ap);
	sbuf_add(b, s);
	free(s);
}

void
sbuf_reset(struct sbuf *b)
{
	b->len = 0;
	if (b->s != NULL)
		b->s[0] = '\0';
}

char *
sbuf_steal(struct sbuf *b)
{
	char *s = b->s != NULL ? b->s : xstrdup("");
	b->s = NULL;
	b->len = b->cap = 0;
	return s;
}

void
sbuf_free(struct sbuf *b)
{
	free(b->s);
	b->s = NULL;
	b->len = b->cap = 0;
}

const char *
util_trim_span(const char *s, size_t *n)
{
	const char *e;
	while (*s == ' ' || *s == '\t' || *s == '\n' || *s == '\r')
		s++;
	e = s + strlen(s);
	while (e > s && (e[-1] == ' ' || e[-1] == '\t' || e[-1] == '\n' ||
	    e[-1] == '\r'))
		e--;
	*n = (size_t)(e - s);
	return s;
}

char *
util_trim(const char *s)
{
	size_t n;
	s = util_trim_span(s, &n);
	return xstrndup(s, n);
}

int
util_is_ident(const char *s)
{
	size_t i;
	if (s == NULL || !(islower((unsigned char)s[0]) || s[0] == '_'))
		return 0;
	for (i = 0; s[i] != '\0'; i++) {
		unsigned char c = (unsigned char)s[i];
		if (!(islower(c) || isdigit(c) || c == '_') || c > 127)
			return 0;
	}
	return i <= 63;
}

int
utf8_seq_len(const unsigned char *s, size_t avail)
{
	unsigned char c;
	int n, i;
	unsigned cp;

	if (avail == 0)
		return 0; /* read nothing: s may point just past the buffer */
	c = s[0];
	if (c < 0x80)
		return 1;
	if (c >= 0xc2 && c <= 0xdf) {
		n = 2;
		cp = c & 0x1f;
	} else if (c >= 0xe0 && c <= 0xef) {
		n = 3;
		cp = c & 0x0f;
	} else if (c >= 0xf0 && c <= 0xf4) {
		n = 4;
		cp = c & 0x07;
	} else
		return 0;
	if ((size_t)n > avail)
		return 0;
	for (i = 1; i < n; i++) {
		if ((s[i] & 0xc0) != 0x80)
			return 0;
		cp = (cp << 6) | (s[i] & 0x3f);
	}
	if ((n == 3 && cp < 0x800) || (n == 4 && (cp < 0x10000 || cp > 0x10ffff)) ||
	    (cp >= 0xd800 && cp <= 0xdfff))
		return 0;
	return n;
}

int
utf8_valid(const char *s, size_t n)
{
	size_t i = 0;
	while (i < n) {
		int l = utf8_seq_len((const unsigned char *)s + i, n - i);
		if (l == 0)
			return 0;
		i += (size_t)l;
	}
	return 1;
}

size_t
utf8_count(const char *s)
{
	size_t n = 0, len = strlen(s), i = 0;
	while (i < len) {
		int l = utf8_seq_len((const unsigned char *)s + i, len - i);
		i += l > 0 ? (size_t)l : 1;
		n++;
	}
	return n;
}

static unsigned
utf8_decode(const unsigned char *s, int l)
{
	unsigned cp;
	int i;
	if (l == 1)
		return s[0];
	cp = s[0] & (l == 2 ? 0x1f : l == 3 ? 0x0f : 0x07);
	for (i = 1; i < l; i++)
		cp = (cp << 6) | (s[i] & 0x3f);
	return cp;
}

/* Code points that must never reach a terminal as they are. */
static int
unsafe_cp(unsigned cp)
{
	return cp < 0x20 || cp == 0x7f || (cp >= 0x80 && cp < 0xa0) ||
	    (cp >= 0x200b && cp <= 0x200f) || (cp >= 0x202a && cp <= 0x202e) ||
	    (cp >= 0x2066 && cp <= 0x2069) || cp == 0xfeff || cp == 0x2028 ||
	    cp == 0x2029;
}

char *
util_sanitize(const char *s, int ascii_only)
{
	struct sbuf b = {0};
	size_t len, i = 0;

	if (s == NULL)
		return xstrdup("");
	len = strlen(s);
	sbuf_grow(&b, len);
	while (i < len) {
		const unsigned char *p = (const unsigned char *)s + i;
		int l = utf8_seq_len(p, len - i);
		unsigned cp;
		if (l == 0) {
			sbuf_add(&b, ascii_only ? "?" : "\xef\xbf\xbd");
			i++;
			continue;
		}
		cp = utf8_decode(p, l);
		if (cp == '\t' || cp == '\n' || cp == '\r')
			sbuf_addc(&b, ' ');
		else if (unsafe_cp(cp))
			sbuf_add(&b, ascii_only ? "?" : "\xef\xbf\xbd");
		else if (ascii_only && cp > 0x7e)
			sbuf_addc(&b, '?');
		else
			sbuf_addn(&b, (const char *)p, (size_t)l);
		i += (size_t)l;
	}
	return sbuf_steal(&b);
}

uint64_t
util_fnv1a(uint64_t h, const void *data, size_t n)
{
	const unsigned char *p = data;
	size_t i;
	for (i = 0; i < n; i++) {
		h ^= p[i];
		h *= 0x100000001b3ULL;
	}
	return h;
}

void
diags_add(struct diags *d, const char *file, int line, int col, const char *fmt,
    ...)
{
	va_list ap;
	struct diag *g;

	if (d->n == d->cap) {
		d->cap = d->cap ? d->cap * 2 : 8;
		d->v = xreallocarray(d->v, d->cap, sizeof *d->v);
	}
	g = &d->v[d->n++];
	g->file = file != NULL ? xstrdup(file) : NULL;
	g->line = line;
	g->col = col;
	va_start(ap, fmt);
	g->msg = xvasprintf(fmt, ap);
	va_end(ap);
}

size_t
diags_print(const struct diags *d, void *stdio_file)
{
	FILE *f = stdio_file;
	size_t i;
	for (i = 0; i < d->n; i++) {
		const struct diag *g = &d->v[i];
		char *m = util_sanitize(g->msg, 0);
		if (g->file != NULL && g->line > 0)
			fprintf(f, "%s:%d:%d: %s\n", g->file, g->line, g->col, m);
		else if (g->file != NULL)
			fprintf(f, "%s: %s\n", g->file, m);
		else
			fprintf(f, "%s\n", m);
		free(m);
	}
	return d->n;
}

void
diags_free(struct diags *d)
{
	size_t i;
	for (i = 0; i < d->n; i++) {
		free(d->v[i].file);
		free(d->v[i].msg);
	}
	free(d->v);
	d->v = NULL;
	d->n = d->cap = 0;
}

void
util_now(char *buf, size_t n)
{
	time_t t = time(NULL);
	struct tm tm;
	gmtime_r(&t, &tm);
	strftime(buf, n, "%Y-%m-%d %H:%M:%S", &tm);
}

void
util_uuid(char *buf, size_t n)
{
	unsigned char r[16];
	size_t got = 0;

	while (got < sizeof r) {
		ssize_t k = getrandom(r + got, sizeof r - got, 0);
		if (k < 0) {
			if (errno == EINTR)
				continue;
			util_fatal("no random numbers: %s", strerror(errno));
		}
		got += (size_t)k;
	}
	r[6] = (unsigned char)((r[6] & 0x0f) | 0x40);
	r[8] = (unsigned char)((r[8] & 0x3f) | 0x80);
	snprintf(buf, n,
	    "%02x%02x%02x%02x-%02x%02x-%02x%02x-%02x%02x-%02x%02x%02x%02x%02x%02x",
	    r[0], r[1], r[2], r[3], r[4], r[5], r[6], r[7], r[8], r[9], r[10],
	    r[11], r[12], r[13], r[14], r[15]);
}

/*
 * v as "[-]digits[.digits]" when v == m / 10^k for an integer m below
 * 1e11 (not a multiple of 10 when k > 0) and k <= 4, the decimals of a
 * register, without printf: exactly what the loops of util_fmt_double
 * write for such a value. No other decimal of at most 11 significant
 * digits reads back as v (they lie farther apart than a double's
 * precision), so the shortest %g is m / 10^k, and where %g chooses an
 * exponent the fewest decimals that read back are k. 0 when v is not
 * such a value (or n is too small): the caller formats it.
 */
static int
fmt_short_decimal(double v, char *buf, size_t n)
{
	static const double p10[] = {1, 10, 100, 1000, 10000};
	char d[24];
	long long m = 0;
	size_t k, nd = 0, o = 0, i;
	int neg;

	if (!(v > -1e11 && v < 1e11) || v == 0)
		return 0; /* also NaN; zero's sign: the loops */
	for (k = 0; k < sizeof p10 / sizeof *p10; k++) {
		double mm = v * p10[k];
		if (mm > -1e11 && mm < 1e11 && mm == (double)(long long)mm &&
		    (double)(long long)mm / p10[k] == v) {
			m = (long long)mm;
			break;
		}
	}
	if (k == sizeof p10 / sizeof *p10 || (k > 0 && m % 10 == 0))
		return 0;
	neg = m < 0;
	if (neg)
		m = -m;
	do {
		d[nd++] = (char)('0' + m % 10);
		m /= 10;
	} while (m > 0);
	while (nd < k + 1)
		d[nd++] = '0';
	if ((size_t)neg + nd + (k > 0) + 1 > n)
		return 0;
	if (neg)
		buf[o++] = '-';
	for (i = nd; i > 0; i--) {
		buf[o++] = d[i - 1];
		if (i - 1 == k && k > 0)
			buf[o++] = '.';
	}
	buf[o] = '\0';
	return 1;
}

void
util_fmt_double(double v, char *buf, size_t n)
{
	int prec;

	if (fmt_short_decimal(v, buf, n))
		return;
	for (prec = 1; prec <= 17; prec++) {
		snprintf(buf, n, "%.*g", prec, v);
		if (strtod(buf, NULL) == v)
			break;
	}
	if (strchr(buf, 'e') == NULL)
		return;
	/*
	 * %g chose an exponent (100 -> "1e+02"): write the fewest decimals
	 * that still read back as v. "%.6f" here turned 100 into
	 * "100.000000" and 1e-12 into "0.000000".
	 */
	for (prec = 0; prec <= 25; prec++) {
		snprintf(buf, n, "%.*f", prec, v);
		if (strtod(buf, NULL) == v)
			return;
	}
	snprintf(buf, n, "%.17g", v); /* too small for plain decimals */
}

/* After `[`: the index just past the closing `]` of a bracket expression. */
static size_t
regex_bracket_end(const char *p, size_t i)
{
	if (p[i] == '^')
		i++;
	if (p[i] == ']')
		i++;
	while (p[i] != '\0' && p[i] != ']') {
		if (p[i] == '[' && (p[i + 1] == ':' || p[i + 1] == '.' ||
		    p[i + 1] == '=')) {
			char c = p[i + 1];
			i += 2;
			while (p[i] != '\0' && !(p[i] == c && p[i + 1] == ']'))
				i++;
			if (p[i] != '\0')
				i += 2;
			continue;
		}
		i++;
	}
	return p[i] == ']' ? i + 1 : i;
}

int
util_regex_check(const char *pat, const char **why)
{
	/* atoms in the open groups; the last atom's size, for a repetition */
	double stack[32], cur = 0, last = 0;
	size_t i = 0, depth = 0;
	int quant = 0; /* the previous token was a repetition */

	if (strlen(pat) > UTIL_REGEX_MAX) {
		*why = "regular expression too long";
		return -1;
	}
	while (pat[i] != '\0') {
		char c = pat[i];
		double times = -1;
		if (c == '*' || c == '+' || c == '?' || (c == '{' &&
		    pat[i + 1] >= '0' && pat[i + 1] <= '9')) {
			if (quant) {
				*why = "regular expression repeats a repetition";
				return -1;
			}
			if (c == '{') {
				long m = 0, n;
				for (i++; pat[i] >= '0' && pat[i] <= '9'; i++)
					if ((m = m * 10 + (pat[i] - '0')) > 255)
						break;
				n = m;
				if (pat[i] == ',') {
					n = m + 1;
					if (pat[i + 1] >= '0' && pat[i + 1] <= '9') {
						for (n = 0, i++; pat[i] >= '0' &&
						    pat[i] <= '9'; i++)
							if ((n = n * 10 +
							    (pat[i] - '0')) > 255)
								break;
					} else
						i++;
				}
				if (m > 255 || n > 255) {
					*why = "regular expression repeats more "
					    "than 255 times";
					return -1;
				}
				while (pat[i] != '\0' && pat[i] != '}')
					i++;
				if (pat[i] != '\0')
					i++;
				times = n > 1 ? (double)n : 1;
			} else {
				times = c == '+' ? 2 : 1;
				i++;
			}
			cur += last * (times - 1);
			last *= times;
			quant = 1;
		} else {
			quant = 0;
			if (c == '(') {
				if (depth == sizeof stack / sizeof stack[0]) {
					*why = "regular expression nests too "
					    "deep";
					return -1;
				}
				stack[depth++] = cur;
				cur = 0;
				last = 0;
				i++;
				continue;
			}
			if (c == ')' && depth > 0) {
				last = cur;
				cur = stack[--depth] + last;
				i++;
			} else if (c == '[') {
				i = regex_bracket_end(pat, i + 1);
				last = 1;
				cur += 1;
			} else if (c == '\\' && pat[i + 1] != '\0') {
				i += 2;
				last = 1;
				cur += 1;
			} else {
				i++;
				last = c == '|' || c == '^' || c == '$' ? 0 : 1;
				cur += last;
			}
		}
		if (cur > UTIL_REGEX_NODES) {
			*why = "regular expression expands too much";
			return -1;
		}
	}
	while (depth > 0)
		cur += stack[--depth];
	if (cur > UTIL_REGEX_NODES) {
		*why = "regular expression expands too much";
		return -1;
	}
	return 0;
}
