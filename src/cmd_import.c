/*
 * Verb import: a CSV file into one record type (transfer_import), with a
 * progress bar on a terminal, rejected rows written to --rejects (through
 * a temporary file renamed at the end) and a summary as TSV on stdout.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "cli.h"
#include "i18n.h"
#include "transfer.h"
#include "util.h"

#define SHOWN_REJECTS 10 /* rejected rows named on stderr */

struct bar {
	struct timespec t0;
	int shown;
};

static void
import_progress(void *ctx, long rows, long long bytes, long long total)
{
	struct bar *b = ctx;
	double t = seconds_since(&b->t0), rate = t > 0 ? rows / t : 0;
	int i, w = 20, fill = total > 0 ? (int)(w * bytes / total) : 0;

	if (t < 0.5 && bytes < total)
		return; /* short imports stay quiet */
	if (fill > w)
		fill = w;
	fputs("\r[", stderr);
	for (i = 0; i < w; i++)
		fputc(i < fill ? '#' : '.', stderr);
	fprintf(stderr, "] %3d%% ", total > 0 ? (int)(100 * bytes / total) :
	    0);
	fprintf(stderr, _("%ld rows, %.0f rows/s"), rows, rate);
	if (total > 0 && bytes > 0 && bytes < total) {
		double left = t * (double)(total - bytes) / (double)bytes;
		fputs(", ", stderr);
		fprintf(stderr, _("%d:%02d left"), (int)left / 60,
		    (int)left % 60);
	}
	fputs("   ", stderr);
	if (bytes >= total)
		fputc('\n', stderr);
	fflush(stderr);
	b->shown = 1;
}

struct named {
	const char *file;
	long n;
	struct bar *bar;
};

/* The first rejected rows named on stderr, one line each. */
static void
import_rejected(void *ctx, long line, const char *why)
{
	struct named *nm = ctx;
	char *sf, *sw;
	if (nm->n++ >= SHOWN_REJECTS)
		return;
	if (nm->bar->shown)
		fputc('\n', stderr);
	nm->bar->shown = 0;
	sf = util_sanitize(nm->file, 0);
	sw = util_sanitize(why, 0);
	fprintf(stderr, "kesra: %s:%ld: %s\n", sf, line, sw);
	free(sf);
	free(sw);
}

static int
parse_sep(const char *v, char *sep)
{
	if (strcmp(v, ",") == 0 || strcmp(v, "comma") == 0)
		*sep = ',';
	else if (strcmp(v, ";") == 0 || strcmp(v, "semicolon") == 0)
		*sep = ';';
	else if (strcmp(v, "\t") == 0 || strcmp(v, "tab") == 0)
		*sep = '\t';
	else {
		char *sv = util_sanitize(v, 0);
		fprintf(stderr, _("kesra: --sep is ',', ';' or tab, not "
		    "'%s'\n"), sv);
		free(sv);
		return -1;
	}
	return 0;
}

int
cmd_import(struct opts *o)
{
	struct transfer_import_opts io;
	struct transfer_import_result res;
	struct expr_set *x;
	struct schema *s;
	struct db *db;
	struct bar bar;
	struct named nm;
	struct stat sb;
	FILE *in = NULL, *map = NULL, *rej = NULL;
	const char *file = NULL, *record = NULL, *mapf = NULL, *rejf = NULL;
	const char *v;
	char *err = NULL, *rejtmp = NULL, *sv;
	int i, bad = 0, rc = 1;

	memset(&io, 0, sizeof io);
	io.sep = ',';
	for (i = 0; i < o->nargs && !bad; i++) {
		if ((v = arg_value(o, &i, "--record", &bad)) != NULL)
			record = v;
		else if ((v = arg_value(o, &i, "--map", &bad)) != NULL)
			mapf = v;
		else if ((v = arg_value(o, &i, "--rejects", &bad)) != NULL)
			rejf = v;
		else if ((v = arg_value(o, &i, "--sep", &bad)) != NULL) {
			if (parse_sep(v, &io.sep) < 0)
				bad = 1;
		} else if (bad)
			break;
		else if (strcmp(o->args[i], "--partial") == 0)
			io.partial = 1;
		else if (file == NULL && (o->args[i][0] != '-' ||
		    strcmp(o->args[i], "-") == 0))
			file = o->args[i];
		else {
			sv = util_sanitize(o->args[i], 0);
			fprintf(stderr, _("kesra: unexpected argument '%s'; see "
			    "'kesra --help'\n"), sv);
			free(sv);
			bad = 1;
		}
	}
	if (!bad && (file == NULL || record == NULL)) {
		fprintf(stderr, _("kesra: import needs FILE.csv and --record "
		    "NAME\n"));
		bad = 1;
	}
	if (bad)
		return 2;
	if (strcmp(file, "-") == 0)
		in = stdin;
	else if ((in = fopen(file, "rb")) == NULL) {
		sv = util_sanitize(file, 0);
		fprintf(stderr, "kesra: %s: %s\n", sv, strerror(errno));
		free(sv);
		return 1;
	}
	if (mapf != NULL && (map = fopen(mapf, "rb")) == NULL) {
		sv = util_sanitize(mapf, 0);
		fprintf(stderr, "kesra: %s: %s\n", sv, strerror(errno));
		free(sv);
		goto out;
	}
	if (rejf != NULL) {
		rejtmp = xasprintf("%s.tmp", rejf);
		if ((rej = fopen(rejtmp, "wb")) == NULL) {
			sv = util_sanitize(rejtmp, 0);
			fprintf(stderr, "kesra: %s: %s\n", sv, strerror(errno));
			free(sv);
			goto out;
		}
	}
	if (cli_open_all(o, 0, &s, &db, &x) < 0)
		goto out;
	io.record = record;
	io.map = map;
	io.map_name = mapf;
	io.rejects = rej;
	io.user = current_user();
	io.lang = o->lang_index;
	if (in != stdin && fstat(fileno(in), &sb) == 0 && S_ISREG(sb.st_mode))
		io.total_bytes = (long long)sb.st_size;
	memset(&bar, 0, sizeof bar);
	clock_gettime(CLOCK_MONOTONIC, &bar.t0);
	nm.file = strcmp(file, "-") == 0 ? "stdin" : file;
	nm.n = 0;
	nm.bar = &bar;
	io.rejected = import_rejected;
	io.rejected_ctx = &nm;
	if (isatty(STDERR_FILENO)) {
		io.progress = import_progress;
		io.progress_ctx = &bar;
	}
	if (transfer_import(db, x, in, strcmp(file, "-") == 0 ? "stdin" :
	    file, &io, &res, &err) < 0) {
		if (bar.shown)
			fputc('\n', stderr);
		print_err(err);
		cli_close_all(s, db, x);
		goto out;
	}
	cli_close_all(s, db, x);
	if (rej != NULL) {
		if (fclose(rej) != 0 || rename(rejtmp, rejf) != 0) {
			sv = util_sanitize(rejf, 0);
			fprintf(stderr, "kesra: %s: %s\n", sv, strerror(errno));
			free(sv);
		}
		rej = NULL;
	}
	printf("rows\tinserted\tupdated\tunchanged\trejected\twarnings\t"
	    "roster_errors\twritten\n%ld\t%ld\t%ld\t%ld\t%ld\t%ld\t%ld\t"
	    "%s\n", res.rows, res.inserted, res.updated, res.unchanged,
	    res.rejected, res.warned, res.roster_errors, res.committed ?
	    "yes" : "no");
	if (res.rejected > SHOWN_REJECTS)
		fprintf(stderr, _("kesra: ... %ld rows rejected in all\n"),
		    res.rejected);
	if ((res.rejected > 0 || res.roster_errors > 0) && !res.committed) {
		sv = util_sanitize(rejf != NULL ? rejf :
		    _("--rejects FILE lists them"), 0);
		fprintf(stderr, _("kesra: nothing written: fix the rejected "
		    "rows (%s) or use --partial to keep the good ones\n"), sv);
		free(sv);
	}
	if (res.warned > 0)
		fprintf(stderr, _("kesra: %ld rows have warnings, left open for "
		    "review\n"), res.warned);
	rc = res.rejected > 0 || res.roster_errors > 0 ? 1 : 0;
out:
	if (rej != NULL) {
		fclose(rej);
		unlink(rejtmp);
	}
	free(rejtmp);
	if (map != NULL)
		fclose(map);
	if (in != NULL && in != stdin)
		fclose(in);
	return rc;
}
