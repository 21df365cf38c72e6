/*
 * util: allocation that dies cleanly, growable strings, UTF-8 and terminal
 * sanitising, diagnostics lists.
 *
 * Invariants: x*alloc never return NULL; on failure they call the fatal hook
 * (the UI registers one that restores the terminal) and exit(1).
 * Every char * returned by a function here is owned by the caller (free()).
 */
#ifndef KESRA_UTIL_H
#define KESRA_UTIL_H

#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#if defined(__GNUC__)
#define UTIL_PRINTF(a, b) __attribute__((format(printf, a, b)))
#else
#define UTIL_PRINTF(a, b)
#endif

void *xmalloc(size_t n);
void *xcalloc(size_t nmemb, size_t size);
void *xrealloc(void *p, size_t n);
void *xreallocarray(void *p, size_t nmemb, size_t size);
char *xstrdup(const char *s);
char *xstrndup(const char *s, size_t n);
char *xasprintf(const char *fmt, ...) UTIL_PRINTF(1, 2);
char *xvasprintf(const char *fmt, va_list ap);

/* Called before exiting on a fatal error (e.g. to restore the terminal). */
void util_set_fatal_hook(void (*hook)(void));
_Noreturn void util_fatal(const char *fmt, ...) UTIL_PRINTF(1, 2);

/* Set *err (if err is not NULL) to a new formatted message; returns -1. */
int util_err(char **err, const char *fmt, ...) UTIL_PRINTF(2, 3);

/* Growable string. Zero-initialise ({0}) before use. */
struct sbuf {
	char *s;
	size_t len, cap;
};
void sbuf_add(struct sbuf *b, const char *s);
void sbuf_addn(struct sbuf *b, const char *s, size_t n);
void sbuf_addc(struct sbuf *b, char c);
/* name as an SQL identifier: in double quotes, its quotes doubled. */
void sbuf_add_ident(struct sbuf *b, const char *name);
void sbuf_addf(struct sbuf *b, const char *fmt, ...) UTIL_PRINTF(2, 3);
void sbuf_reset(struct sbuf *b);
char *sbuf_steal(struct sbuf *b); /* returns the string (never NULL), resets b */
void sbuf_free(struct sbuf *b);

/* Trim ASCII white space at both ends; returns a new string. */
char *util_trim(const char *s);
/* The same without a copy: where the trimmed text starts in s, *n its
 * length. */
const char *util_trim_span(const char *s, size_t *n);
/* 1 when s is a valid identifier [a-z_][a-z0-9_]* of at most 63 bytes. */
int util_is_ident(const char *s);

/* Length of the valid UTF-8 sequence at s (1..4), or 0 if invalid. */
int utf8_seq_len(const unsigned char *s, size_t avail);
/* 1 if the n bytes at s are valid UTF-8. */
int utf8_valid(const char *s, size_t n);
/* Number of code points (invalid bytes count as one each). */
size_t utf8_count(const char *s);

/*
 * Text safe to send to a terminal: C0 and C1 controls, DEL, bidi overrides
 * and isolates, and invalid UTF-8 become U+FFFD (or '?' when ascii_only).
 * Newlines and tabs become a space. Returns a new string.
 */
char *util_sanitize(const char *s, int ascii_only);

/*
 * A bound on what a POSIX extended regular expression may cost to compile:
 * glibc's regcomp copies a group once per repetition (a+ is aa*, a{3} is
 * aaa), so stacked or nested repetitions grow exponentially and a short
 * pattern can take gigabytes. Returns 0 when pat is at most
 * UTIL_REGEX_MAX bytes, repeats nothing twice in a row (a++), bounds
 * repetitions at 255 and expands to at most UTIL_REGEX_NODES atoms;
 * else -1 and why (static text, English).
 */
#define UTIL_REGEX_MAX 1024
#define UTIL_REGEX_NODES 20000
int util_regex_check(const char *pat, const char **why);

/* 64-bit FNV-1a: used for the dictionary hash (change detection only). */
uint64_t util_fnv1a(uint64_t h, const void *data, size_t n);
#define UTIL_FNV_INIT 0xcbf29ce484222325ULL

/* Diagnostics: every mistake with its place, collected, not just the first. */
struct diag {
	char *file; /* may be NULL */
	int line, col; /* 1-based; 0 = unknown */
	char *msg;
};
struct diags {
	struct diag *v;
	size_t n, cap;
};
void diags_add(struct diags *d, const char *file, int line, int col,
               const char *fmt, ...) UTIL_PRINTF(5, 6);
/* Writes "file:line:col: message" lines; returns the count. */
size_t diags_print(const struct diags *d, void *stdio_file);
void diags_free(struct diags *d);

/* Shortest decimal text that reads back as v (no exponent for usual sizes). */
void util_fmt_double(double v, char *buf, size_t n);

/* Current UTC time as "YYYY-MM-DD HH:MM:SS" into buf (>= 20 bytes). */
void util_now(char *buf, size_t n);
/* A random RFC 4122 version-4 UUID into buf (>= 37 bytes). */
void util_uuid(char *buf, size_t n);

#endif
