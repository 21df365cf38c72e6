/*
 * bench_tui: bytes written to the terminal, start-up time and peak
 * RSS of the real ./kesra, driven on a pseudo-terminal at 80x24
 * (TERM=xterm-256color, LANG=C.UTF-8) with the register of the run, beside
 * a bare libform program (bare_libform beside this program, from
 * tests/bench/bare_libform.c) driven with the same keys.
 *
 * Every key is sent alone and everything the program writes is read until
 * it has been quiet for QUIET_MS (or until a marker appears, for keys that
 * wait on the database), as an operator typing on a slow link would see it.
 * BENCH_TRACE=FILE writes every key and its answer (escaped) to FILE.
 *
 * Figures: bytes per typed key, per field move (Tab), per full paint
 * (Ctrl-L on the form), of the first paint (the menu) and of opening the
 * new household form (both beside the baseline's first paint: its form);
 * bytes per saved household (a whole household of the bundled dictionary:
 * location, family, one member, saved with Ctrl-O and seen in SQLite; it is
 * deleted again afterwards so that the register is unchanged); time from
 * exec to the first paint (p50 of START_RUNS runs of each, alternating),
 * with the register of the run and with a new one (`kesra init`);
 * peak RSS (VmHWM) after entering the household.
 */
#include <fcntl.h>
#include <libgen.h>
#include <poll.h>
#include <pty.h>
#include <signal.h>
#include <sqlite3.h>
#include <sys/wait.h>
#include <unistd.h>

#include "bench.h"

#define QUIET_MS 120
#define START_RUNS 7
#define SLOW_MS 20000 /* a marker that takes longer: cannot measure */
#define FIRST_MS 2000 /* the longest wait for a key's answer to begin */

/* ---- the pseudo-terminal driver ------------------------------------------ */

struct tty {
	pid_t pid;
	int fd;
	char *buf; /* everything written since the last mark */
	size_t len, cap;
	double t0, last; /* exec time, time of the last byte read */
	int dead;
};

static char *bare_path; /* the baseline program */
static char *floor_path; /* bare_register: the baseline opening the register */

static int
tty_start(struct tty *t, char *const argv[])
{
	struct winsize ws = {.ws_row = 24, .ws_col = 80};

	memset(t, 0, sizeof *t);
	t->t0 = bench_now();
	t->pid = forkpty(&t->fd, NULL, NULL, &ws);
	if (t->pid < 0)
		return -1;
	if (t->pid == 0) {
		setenv("TERM", "xterm-256color", 1);
		setenv("LANG", "C.UTF-8", 1);
		unsetenv("LC_ALL");
		unsetenv("LINES");
		unsetenv("COLUMNS");
		execv(argv[0], argv);
		_exit(127);
	}
	return 0;
}

/* Read what is there, waiting at most ms; 0 when nothing came. */
static int
tty_read(struct tty *t, int ms)
{
	struct pollfd p = {.fd = t->fd, .events = POLLIN};
	char b[8192];
	ssize_t n;

	if (t->dead || poll(&p, 1, ms) <= 0)
		return 0;
	n = read(t->fd, b, sizeof b);
	if (n <= 0) {
		t->dead = 1;
		return 0;
	}
	if (t->len + (size_t)n + 1 > t->cap) {
		t->cap = (t->len + (size_t)n + 1) * 2;
		t->buf = realloc(t->buf, t->cap);
		if (t->buf == NULL)
			abort();
	}
	memcpy(t->buf + t->len, b, (size_t)n);
	t->len += (size_t)n;
	t->buf[t->len] = '\0';
	t->last = bench_now();
	return 1;
}

static void *
memfind(const char *h, size_t hl, const char *n)
{
	size_t nl = strlen(n);
	return nl <= hl ? memmem(h, hl, n, nl) : NULL;
}

/*
 * Read until marker (NULL: the first byte) has appeared since the mark and
 * then nothing more came for QUIET_MS. Returns the bytes since the mark, -1 when
 * the marker did not come in SLOW_MS.
 */
static long
tty_settle(struct tty *t, const char *marker)
{
	double start = bench_now();

	/* every key is answered: wait for the answer to begin (a loaded
	 * machine may take longer than QUIET_MS to start it) */
	while (marker == NULL && t->len == 0 && !t->dead &&
	    bench_now() - start < FIRST_MS / 1000.0)
		tty_read(t, 50);
	while (marker != NULL && !memfind(t->buf, t->len, marker)) {
		if (t->dead || bench_now() - start > SLOW_MS / 1000.0) {
			fprintf(stderr, "bench_tui: no '%s' on the screen "
			    "(last output: %.300s)\n", marker,
			    t->len > 300 ? t->buf + t->len - 300 : t->buf ?
			    t->buf : "");
			return -1;
		}
		tty_read(t, 100);
	}
	while (tty_read(t, QUIET_MS))
		;
	return (long)t->len;
}

static void
tty_mark(struct tty *t)
{
	t->len = 0;
}

/* BENCH_TRACE=FILE: every key and what it was answered with, escaped. */
static FILE *trace_f;

static void
trace_bytes(const char *s, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++) {
		unsigned char c = (unsigned char)s[i];
		if (c == 033)
			fputs("\\e", trace_f);
		else if (c < ' ' || c == 0x7f)
			fprintf(trace_f, "^%c", c ^ 0x40);
		else
			fputc(c, trace_f);
	}
}

/* Send key (a byte string) and read its answer; bytes written, or -1. */
static long
tty_key(struct tty *t, const char *key, const char *marker)
{
	long n;

	while (tty_read(t, 0)) /* nothing left over */
		;
	tty_mark(t);
	if (write(t->fd, key, strlen(key)) < 0)
		return -1;
	n = tty_settle(t, marker);
	if (trace_f != NULL) {
		fputs("key ", trace_f);
		trace_bytes(key, strlen(key));
		fprintf(trace_f, " -> %ld: ", n);
		trace_bytes(t->buf ? t->buf : "", t->len);
		fputc('\n', trace_f);
	}
	return n;
}

/* Type s one key at a time; bytes written in all, or -1. */
static long
tty_type(struct tty *t, const char *s)
{
	long sum = 0, n;
	char k[8];
	size_t i = 0, l;

	while (s[i] != '\0') {
		l = 1;
		while ((s[i + l] & 0xc0) == 0x80)
			l++;
		memcpy(k, s + i, l);
		k[l] = '\0';
		if ((n = tty_key(t, k, NULL)) < 0)
			return -1;
		sum += n;
		i += l;
	}
	return sum;
}

/* Peak RSS (VmHWM) of the child in kB, or -1. */
static long
tty_hwm(struct tty *t)
{
	char path[64], line[256];
	long kb = -1;
	FILE *f;

	snprintf(path, sizeof path, "/proc/%d/status", (int)t->pid);
	if ((f = fopen(path, "r")) == NULL)
		return -1;
	while (fgets(line, sizeof line, f) != NULL)
		if (strncmp(line, "VmHWM:", 6) == 0)
			kb = strtol(line + 6, NULL, 10);
	fclose(f);
	return kb;
}

/* Quit with Ctrl-X (answering n to a question), else kill; reap. */
static void
tty_stop(struct tty *t)
{
	int i, st;

	for (i = 0; i < 8; i++) {
		if (waitpid(t->pid, &st, WNOHANG) == t->pid)
			goto done;
		if (write(t->fd, i % 2 ? "n" : "\030", 1) < 0)
			break;
		while (tty_read(t, 200))
			;
	}
	if (waitpid(t->pid, &st, WNOHANG) != t->pid) {
		kill(t->pid, SIGKILL);
		waitpid(t->pid, &st, 0);
	}
done:
	close(t->fd);
	free(t->buf);
	t->buf = NULL;
}

/* Start, wait for the first paint: its bytes and seconds from exec. */
static int
first_paint(struct tty *t, char *const argv[], long *bytes, double *secs)
{
	if (tty_start(t, argv) < 0)
		return -1;
	if ((*bytes = tty_settle(t, "^X")) < 0)
		return -1;
	*secs = t->last - t->t0;
	return 0;
}

/* ---- the register --------------------------------------------------------- */

/* A KK or NIK of prefix + 4 digits that the register does not hold. */
static int
free_number(sqlite3 *db, const char *sql, const char *prefix, char out[17])
{
	sqlite3_stmt *st;
	int k, found = 0;

	if (sqlite3_prepare_v2(db, sql, -1, &st, NULL) != SQLITE_OK)
		return -1;
	for (k = 9999; k > 0 && !found; k--) {
		snprintf(out, 17, "%s%04d", prefix, k);
		sqlite3_bind_text(st, 1, out, -1, SQLITE_STATIC);
		found = sqlite3_step(st) != SQLITE_ROW;
		sqlite3_reset(st);
	}
	sqlite3_finalize(st);
	return found ? 0 : -1;
}

/* Remove the household the bench saved (and its member), by its KK. */
static int
forget_household(const char *path, const char *kk)
{
	static const char *const sql[] = {
		"DELETE FROM kesra_accept WHERE record = 'member' AND "
		    "record_id IN (SELECT m.id FROM member m JOIN household h "
		    "ON m.parent_id = h.id WHERE h.kk_number = ?1)",
		"DELETE FROM kesra_accept WHERE record = 'household' AND "
		    "record_id IN (SELECT id FROM household WHERE kk_number = ?1)",
		"DELETE FROM member WHERE parent_id IN "
		    "(SELECT id FROM household WHERE kk_number = ?1)",
		"DELETE FROM household WHERE kk_number = ?1",
	};
	sqlite3 *db;
	sqlite3_stmt *st;
	size_t i;
	int rc = 0;

	if (sqlite3_open(path, &db) != SQLITE_OK)
		return -1;
	sqlite3_busy_timeout(db, 5000);
	for (i = 0; i < sizeof sql / sizeof sql[0]; i++) {
		if (sqlite3_prepare_v2(db, sql[i], -1, &st, NULL) != SQLITE_OK) {
			rc = -1;
			continue;
		}
		sqlite3_bind_text(st, 1, kk, -1, SQLITE_STATIC);
		if (sqlite3_step(st) != SQLITE_DONE)
			rc = -1;
		sqlite3_finalize(st);
	}
	if (rc < 0)
		fprintf(stderr, "bench_tui: could not remove the bench "
		    "household KK %s: %s\n", kk, sqlite3_errmsg(db));
	sqlite3_close(db);
	return rc;
}

/*
 * Remove the drafts kept in the bench's register (kesra keeps the form
 * being typed as a draft when it is stopped by a signal, e.g. a bench run
 * stopped by its timeout, and then asks at start whether to resume it: a
 * question the first paint would wait for). Says so when there were any.
 */
static void
forget_drafts(const char *path)
{
	sqlite3 *db;

	if (sqlite3_open(path, &db) != SQLITE_OK) {
		sqlite3_close(db);
		return;
	}
	sqlite3_busy_timeout(db, 5000);
	if (sqlite3_exec(db, "DELETE FROM kesra_draft", NULL, NULL, NULL) ==
	    SQLITE_OK && sqlite3_changes(db) > 0)
		fprintf(stderr, "bench_tui: removed %d draft(s) from the "
		    "register\n", sqlite3_changes(db));
	sqlite3_close(db);
}

/* 1 when the household with this KK is stored, with one member. */
static int
household_saved(const char *path, const char *kk)
{
	sqlite3 *db;
	sqlite3_stmt *st;
	int ok = 0;

	if (sqlite3_open_v2(path, &db, SQLITE_OPEN_READONLY, NULL) != SQLITE_OK)
		return 0;
	if (sqlite3_prepare_v2(db, "SELECT count(*) FROM household h JOIN "
	    "member m ON m.parent_id = h.id WHERE h.kk_number = ? AND "
	    "m.deleted_at IS NULL", -1, &st, NULL) == SQLITE_OK) {
		sqlite3_bind_text(st, 1, kk, -1, SQLITE_STATIC);
		ok = sqlite3_step(st) == SQLITE_ROW &&
		    sqlite3_column_int(st, 0) == 1;
		sqlite3_finalize(st);
	}
	sqlite3_close(db);
	return ok;
}

/* ---- the measures ----------------------------------------------------------- */

/* What one session measures (kesra or the baseline). */
struct keys {
	long first, open, typed, moves, repaint; /* bytes */
	int ntyped, nmoves;
	long hwm_kb; /* peak RSS at the end */
};

#define SLS_NAME "Kampung Baru Makbon"

/*
 * The common part: from "Kode SLS", Tab twice to "Nama SLS", type SLS_NAME, Tab six times (to the last field of the page), then
 * Ctrl-L.
 */
static int
keys_common(struct tty *t, struct keys *k)
{
	long n;
	int i;

	k->moves = k->nmoves = 0;
	for (i = 0; i < 2; i++, k->nmoves++) {
		if ((n = tty_key(t, "\t", NULL)) < 0)
			return -1;
		k->moves += n;
	}
	if ((k->typed = tty_type(t, SLS_NAME)) < 0)
		return -1;
	k->ntyped = (int)strlen(SLS_NAME);
	for (i = 0; i < 6; i++, k->nmoves++) {
		if ((n = tty_key(t, "\t", NULL)) < 0)
			return -1;
		k->moves += n;
	}
	if ((k->repaint = tty_key(t, "\014", NULL)) < 0)
		return -1;
	return 0;
}

static int
run_baseline(struct keys *k)
{
	char *argv[] = {bare_path, NULL};
	struct tty t;
	double secs;
	long n;
	int rc;

	if (first_paint(&t, argv, &k->first, &secs) < 0)
		return -1;
	/* The form opens on the first field; kesra's cursor comes to
	 * Kode SLS after the four region fields: four moves. */
	rc = -1;
	if ((n = tty_key(&t, "\t", NULL)) >= 0 &&
	    (n = tty_key(&t, "\t", NULL)) >= 0 &&
	    (n = tty_key(&t, "\t", NULL)) >= 0 &&
	    (n = tty_key(&t, "\t", NULL)) >= 0)
		rc = keys_common(&t, k);
	k->hwm_kb = tty_hwm(&t);
	tty_stop(&t);
	return rc;
}

/*
 * kesra: the menu, n, the region fields, the common keys, then the rest of
 * a household (family page, result 4 = refused, one member), saved with
 * Ctrl-O. *household: bytes from n to the save's confirmation.
 */
static int
run_kesra(const char *db, struct keys *k, long *household)
{
	char *argv[] = {getenv("KESRA"), "--db", (char *)db, "--lang", "id",
	    NULL};
	static const char *const fill[] = {
		"\r", "96.01\r", "96.01.01\r", "96.01.01.1001\r",
	};
	struct tty t;
	sqlite3 *sq;
	char kk[17], nik[17];
	double secs;
	long n, sum = 0;
	size_t i;
	int rc = -1, j;

	if (sqlite3_open_v2(db, &sq, SQLITE_OPEN_READONLY, NULL) != SQLITE_OK)
		return -1;
	j = free_number(sq, "SELECT 1 FROM household WHERE kk_number = ?",
	    "960101310199", kk) < 0 || free_number(sq, "SELECT 1 FROM member "
	    "WHERE nik = ?", "960101290780", nik) < 0;
	sqlite3_close(sq);
	if (j) {
		fprintf(stderr, "bench_tui: no free KK/NIK number\n");
		return -1;
	}
	forget_drafts(db);
	if (first_paint(&t, argv, &k->first, &secs) < 0)
		return -1;
	/* The new household form: its first page's help line. */
#define KEY(s, m) do { if ((n = tty_key(&t, (s), (m))) < 0) goto out; \
	sum += n; } while (0)
#define TYPE(s) do { if ((n = tty_type(&t, (s))) < 0) goto out; \
	sum += n; } while (0)
	KEY("n", NULL);
	k->open = n;
	for (i = 0; i < sizeof fill / sizeof fill[0]; i++) {
		const char *s = fill[i];
		/* type the code, then Enter (a database look-up) */
		char code[32];
		snprintf(code, sizeof code, "%.*s", (int)strlen(s) - 1, s);
		TYPE(code);
		KEY("\r", NULL);
	}
	/* now on Kode SLS: the common keys (the Ctrl-L is not part of
	 * entering a household) */
	if (keys_common(&t, k) < 0)
		goto out;
	sum += k->moves + k->typed;
	/* on No. urut keluarga: Enter to the family page */
	KEY("\r", NULL);
	TYPE("Budi Wiratama");
	KEY("\r", NULL);
	TYPE(kk);
	KEY("\r", NULL);
	KEY("\r", NULL);   /* family status */
	TYPE("1");         /* members */
	KEY("\r", NULL);
	for (j = 0; j < 4; j++)
		KEY("\r", NULL); /* dates and names of the officers */
	TYPE("4");         /* result: refused */
	KEY("\r", NULL);
	/* Enter through what remains to the member roster's list */
	for (j = 0; j < 12; j++) {
		KEY("\r", NULL);
		if (memfind(t.buf, t.len, "+/-"))
			break;
	}
	if (j == 12) {
		fprintf(stderr, "bench_tui: the member roster did not "
		    "come\n");
		goto out;
	}
	KEY("n", NULL);
	TYPE("1");
	KEY("\r", NULL);
	/* a surname `kesra demo` never gives: no probable duplicate in any
	 * demo register (its birth dates follow the day it is made) */
	TYPE("Budi Wiratama");
	KEY("\r", NULL);
	TYPE(nik);
	KEY("\r", NULL);
	TYPE("1");         /* presence */
	KEY("\r", NULL);
	TYPE("1");         /* sex */
	KEY("\r", NULL);
	TYPE("29-07-1980");
	KEY("\r", NULL);
	TYPE("1");         /* marital status */
	KEY("\r", NULL);
	TYPE("1");         /* relationship: head */
	KEY("\r", NULL);
	KEY("\017", NULL); /* the row into the list */
	/* Ctrl-O saves the household: wait until SQLite holds it */
	while (tty_read(&t, 0))
		;
	tty_mark(&t);
	if (write(t.fd, "\017", 1) < 0)
		goto out;
	for (j = 0; j < SLOW_MS / 50 && !household_saved(db, kk); j++)
		tty_read(&t, 50);
	if (j == SLOW_MS / 50) {
		fprintf(stderr, "bench_tui: Ctrl-O did not save the "
		    "household (last output: %.300s)\n", t.buf ? t.buf : "");
		goto out;
	}
	if ((n = tty_settle(&t, NULL)) < 0)
		goto out;
	sum += n;
#undef KEY
#undef TYPE
	k->hwm_kb = tty_hwm(&t);
	*household = sum;
	rc = 0;
out:
	tty_stop(&t);
	if (rc == 0 && !household_saved(db, kk)) {
		fprintf(stderr, "bench_tui: the household was not saved\n");
		rc = -1;
	}
	forget_household(db, kk);
	forget_drafts(db);
	return rc;
}

static int
run_startup(const char *db, double *kesra_p50, double *base_p50,
    double *floor_p50)
{
	char *kargv[] = {getenv("KESRA"), "--db", (char *)db, "--lang", "id",
	    NULL};
	char *bargv[] = {bare_path, NULL};
	char *fargv[] = {floor_path, (char *)db, NULL};
	double k[START_RUNS], b[START_RUNS], f[START_RUNS], s;
	struct tty t;
	long bytes;
	int i;

	/* one of each to warm the page cache, not counted */
	if (first_paint(&t, kargv, &bytes, &s) < 0)
		return -1;
	tty_stop(&t);
	if (first_paint(&t, bargv, &bytes, &s) < 0)
		return -1;
	tty_stop(&t);
	for (i = 0; i < START_RUNS; i++) {
		if (first_paint(&t, kargv, &bytes, &k[i]) < 0)
			return -1;
		tty_stop(&t);
		if (first_paint(&t, bargv, &bytes, &b[i]) < 0)
			return -1;
		tty_stop(&t);
		if (floor_p50 == NULL)
			continue;
		if (first_paint(&t, fargv, &bytes, &f[i]) < 0)
			return -1;
		tty_stop(&t);
	}
	*kesra_p50 = bench_percentile(k, START_RUNS, 50);
	*base_p50 = bench_percentile(b, START_RUNS, 50);
	if (floor_p50 != NULL)
		*floor_p50 = bench_percentile(f, START_RUNS, 50);
	return 0;
}

/* A new, empty register in BENCH_TMP made by `kesra init`, or NULL. */
static char *
new_register(void)
{
	const char *tmp = getenv("BENCH_TMP");
	char *path, *argv[6];
	pid_t pid;
	int st;

	if (tmp == NULL || asprintf(&path, "%s/new.db", tmp) < 0)
		return NULL;
	argv[0] = getenv("KESRA");
	argv[1] = "--db";
	argv[2] = path;
	argv[3] = "init";
	argv[4] = NULL;
	if ((pid = fork()) == 0) {
		int fd = open("/dev/null", O_WRONLY);
		if (fd >= 0)
			dup2(fd, 1);
		execv(argv[0], argv);
		_exit(127);
	}
	if (pid < 0 || waitpid(pid, &st, 0) != pid || !WIFEXITED(st) ||
	    WEXITSTATUS(st) != 0) {
		free(path);
		return NULL;
	}
	return path;
}

int
main(int argc, char **argv)
{
	struct keys kk, bk;
	char *self, *empty;
	const char *dir;
	long household = 0;
	double ks, bs, fs = 0;
	int rc = 0;

	if (argc < 2 || getenv("KESRA") == NULL) {
		fprintf(stderr, "usage: KESRA=./kesra bench_tui DB\n");
		return 2;
	}
	if ((self = realpath("/proc/self/exe", NULL)) == NULL)
		return 1;
	dir = dirname(self);
	if (asprintf(&bare_path, "%s/bare_libform", dir) < 0 ||
	    asprintf(&floor_path, "%s/bare_register", dir) < 0)
		return 1;
	free(self);
	if (access(bare_path, X_OK) != 0) {
		fprintf(stderr, "bench_tui: no %s (make bench builds it)\n",
		    bare_path);
		return 1;
	}
	if (getenv("BENCH_TRACE") != NULL && (trace_f = fopen(getenv(
	    "BENCH_TRACE"), "w")) == NULL)
		perror(getenv("BENCH_TRACE"));
	signal(SIGPIPE, SIG_IGN);

	if (run_baseline(&bk) < 0 || run_kesra(argv[1], &kk, &household) < 0) {
		fprintf(stderr, "bench_tui: could not drive the "
		    "household form\n");
		rc = 1;
	} else {
		bench_figure_max("bytes per typed key", (double)kk.typed /
		    kk.ntyped, (double)bk.typed / bk.ntyped, "bytes", 4);
		bench_figure_max("bytes per field move (Tab)", (double)kk.moves /
		    kk.nmoves, (double)bk.moves / bk.nmoves, "bytes", 40);
		bench_figure_max("bytes per full paint (Ctrl-L)",
		    (double)kk.repaint, (double)bk.repaint, "bytes", 2048);
		bench_figure_max("bytes of the first paint (menu)",
		    (double)kk.first, (double)bk.first, "bytes", 2048);
		bench_figure_max("bytes to open a new household",
		    (double)kk.open, (double)bk.first, "bytes", 2048);
		bench_limit("bytes per saved household", (double)household,
		    "bytes", 0);
		bench_figure_max("peak RSS entering a household",
		    kk.hwm_kb / 1024.0, bk.hwm_kb / 1024.0, "MB", 8);
	}
	/* with the floor: the bare program that opens the register first
	 * (bare_register, when built) */
	if (run_startup(argv[1], &ks, &bs, access(floor_path, X_OK) == 0 ?
	    &fs : NULL) < 0) {
		fprintf(stderr, "bench_tui: could not measure start-up\n");
		rc = 1;
	} else {
		bench_figure("start-up to first paint p50", ks * 1000,
		    bs * 1000, "ms", 1.5);
		if (access(floor_path, X_OK) == 0)
			bench_figure("start-up floor: bare + open register p50",
			    fs * 1000, bs * 1000, "ms", 0);
	}
	/* The part that does not grow with the register: a new one. */
	if ((empty = new_register()) == NULL || run_startup(empty, &ks,
	    &bs, NULL) < 0) {
		fprintf(stderr, "bench_tui: could not measure start-up "
		    "with a new register\n");
		rc = 1;
	} else
		bench_figure("start-up, new register p50", ks * 1000,
		    bs * 1000, "ms", 0);
	free(empty);
	free(bare_path);
	free(floor_path);
	return rc;
}
