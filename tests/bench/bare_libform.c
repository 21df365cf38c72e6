/*
 * bare_libform: the baseline of bench_tui. A bare libform program with
 * the 13 fields of the household's first page (same labels, widths and
 * places), underlined (the bare libform field that issue 11 measures
 * kesra's fields against: kesra now draws them without an attribute, with
 * a dim dotted leader), with the same title and key lines as kesra's form:
 * Tab/Enter next field, Shift-Tab previous, Ctrl-L repaints, Ctrl-X or F10
 * quits. The same curses set-up as kesra (raw, noecho, nonl, keypad,
 * default colours, a short ESCDELAY). Linked with libform and ncurses only.
 *
 * Built a second time with -DOPEN_REGISTER as bare_register (linked with
 * SQLite too): the same program that first opens the register given as
 * its argument and reads its schema, as any program using it must before
 * its first statement. Not a baseline: bench_tui prints its start-up as
 * the floor of what kesra can reach (the bare program's build and
 * behaviour without the define are unchanged).
 */
#include <curses.h>
#include <form.h>
#include <locale.h>
#ifdef OPEN_REGISTER
#include <sqlite3.h>
#endif

#define KEY_CTRL(c) ((c) & 0x1f)

static const struct {
	const char *label;
	int width;
} lf_fields[] = {
	{"Provinsi *", 14}, {"Kabupaten/kota *", 14}, {"Kecamatan *", 14},
	{"Desa/kelurahan *", 14}, {"Kode SLS/non SLS", 4},
	{"Kode sub SLS", 2}, {"Nama SLS/non SLS", 40}, {"RT", 3},
	{"RW", 3}, {"Alamat (jalan/gang, nomor rumah)", 46},
	{"Landmark/patokan", 40}, {"No. urut bangunan tempat tinggal", 3},
	{"No. urut keluarga (verifikasi)", 3},
};
#define LF_N (sizeof lf_fields / sizeof lf_fields[0])

int
#ifdef OPEN_REGISTER
main(int argc, char **argv)
#else
main(void)
#endif
{
	FIELD *fields[LF_N + 1];
	FORM *form;
	SCREEN *scr;
	wint_t ch;
	size_t i;
	int r;

#ifdef OPEN_REGISTER
	sqlite3 *db;
	sqlite3_stmt *st;
	if (argc < 2 || sqlite3_open_v2(argv[1], &db, SQLITE_OPEN_READWRITE |
	    SQLITE_OPEN_NOMUTEX, NULL) != SQLITE_OK || sqlite3_prepare_v2(db,
	    "SELECT count(*) FROM sqlite_schema", -1, &st, NULL) != SQLITE_OK ||
	    sqlite3_step(st) != SQLITE_ROW)
		return 1;
	sqlite3_finalize(st);
#endif
	setlocale(LC_ALL, "");
	set_escdelay(25);
	if ((scr = newterm(NULL, stdout, stdin)) == NULL)
		return 1;
	set_term(scr);
	raw();
	noecho();
	nonl();
	keypad(stdscr, TRUE);
	if (has_colors()) {
		start_color();
		use_default_colors();
	}
	curs_set(1);
	for (i = 0; i < LF_N; i++) {
		fields[i] = new_field(1, lf_fields[i].width, 3 + (int)i, 33,
		    0, 0);
		set_field_back(fields[i], A_UNDERLINE);
		field_opts_off(fields[i], O_AUTOSKIP);
	}
	fields[LF_N] = NULL;
	form = new_form(fields);
	set_form_win(form, stdscr);
	set_form_sub(form, stdscr);
	/* post_form erases the window: the labels come after */
	post_form(form);
	attron(A_REVERSE);
	mvprintw(0, 0, "%-80s", " Keluarga: baru - Lokasi");
	mvaddstr(0, 72, "hal 1/7");
	attroff(A_REVERSE);
	attron(A_BOLD);
	mvaddstr(1, 0, "Lokasi");
	attroff(A_BOLD);
	for (i = 0; i < LF_N; i++)
		mvaddstr(3 + (int)i, 0, lf_fields[i].label);
	mvaddstr(23, 0, "F1/^G bantuan  F2/^O simpan  F4/^P pilihan  "
	    "F10/^X kembali  PgDn/^V daftar");
	pos_form_cursor(form);
	refresh();
	for (;;) {
		r = get_wch(&ch);
		if (r == ERR)
			continue;
		if (r == KEY_CODE_YES) {
			if (ch == KEY_BTAB || ch == KEY_UP)
				form_driver(form, REQ_PREV_FIELD);
			else if (ch == KEY_DOWN)
				form_driver(form, REQ_NEXT_FIELD);
			else if (ch == KEY_BACKSPACE)
				form_driver(form, REQ_DEL_PREV);
			else if (ch == KEY_F(10))
				break;
		} else if (ch == '\t' || ch == '\r' || ch == '\n') {
			form_driver(form, REQ_NEXT_FIELD);
			form_driver(form, REQ_END_LINE);
		} else if (ch == KEY_CTRL('L')) {
			clearok(curscr, TRUE);
		} else if (ch == KEY_CTRL('X')) {
			break;
		} else if (ch == 0x7f || ch == KEY_CTRL('H')) {
			form_driver(form, REQ_DEL_PREV);
		} else if (ch >= ' ') {
			form_driver_w(form, OK, ch);
		}
		refresh();
	}
	unpost_form(form);
	free_form(form);
	for (i = 0; i < LF_N; i++)
		free_field(fields[i]);
	endwin();
	delscreen(scr);
#ifdef OPEN_REGISTER
	sqlite3_close(db); /* as kesra closes it when it quits */
#endif
	return 0;
}

