#!/bin/sh
# tests/tui/terminals.sh: thin terminals, driven in tmux on the fixture
# dictionary tests/data/constructs.
#
#  1. Every terminal type of DESIGN section 5 (xterm, xterm-256color,
#     screen, tmux-256color, linux, vt100, vt220, ansi) and a vt100 without
#     line drawing (a terminfo entry made here with no acsc): the menu, a
#     form, the pick list with its border (ASCII + - | where the terminal
#     has no line drawing, or only PC code page bytes as ansi has),
#     leaving with control keys only; exit status 0.
#  2. A full household with a member under TERM=vt100 (no colour, no
#     PgDn, no F10): control keys only (Ctrl-P pick lists, Ctrl-V pages,
#     Ctrl-O save, Ctrl-X back); checked in SQLite.
#  3. Resize mid-entry (tmux resize-window): larger, smaller than 80x24
#     (one line asks to enlarge; keys wait), and back, in the household form
#     with text typed but not yet checked, in the roster list and in a
#     member's form: every value, the typed text and the current field stay;
#     a pick list open during a resize is centred again, its filter kept.
. tests/lib.sh

SCHEMA=$TOP/tests/data/constructs
DB=$T/terms.db
TODAY=2026-11-28
NIK_HEAD=9601021505900001
MENU=$(ui_text "Choose a register:")
UNSAVEDQ=$(ui_text "Unsaved changes. Save them? y = save, n = discard, Esc = stay")
UNSAVEDQ=$(printf '%.24s' "$UNSAVEDQ")
ROSTER_KEYS=$(ui_text "n add  Enter edit  Del remove  +/- move  F2 save  PgUp/F10 back")
ROSTER_KEYS=$(printf '%.14s' "$ROSTER_KEYS")
ENLARGE=$(ui_text "Enlarge the terminal to 80x24")
SAVED=$(ui_text "Saved: %s (#%lld)" | sed 's/%s.*//')

q() { sql "$DB" "$1"; }
_field_has() { _row_has "$(label_row "$1")" "$2"; }
field_has() {
	if _poll 5 _field_has "$1" "$2"; then
		ok "$3"
	else
		not_ok "$3" "line of '$1': '$(screen_line $(($(label_row "$1") + 1)))'" \
		    "want: '$2'" "screen:" "$(screen)"
	fi
}

# A vt100 without line drawing, for the ASCII fallback.
mkdir -p "$T/terminfo"
infocmp -x vt100 | sed -e 's/^vt100|[^,]*,/vt100-noacs|vt100 without line drawing,/' \
    -e 's/acsc=[^,]*, *//' -e 's/smacs=[^,]*, *//' -e 's/rmacs=[^,]*, *//' \
    -e 's/enacs=[^,]*, *//' >"$T/noacs.src" &&
    tic -o "$T/terminfo" "$T/noacs.src" 2>/dev/null

# ---- 1. every terminal type --------------------------------------------------
# ansi's line drawing is PC code page bytes, letters on a UTF-8 terminal
# (kesra always writes UTF-8): ASCII too.
for term in xterm xterm-256color screen tmux-256color linux vt100 vt220 ansi \
    vt100-noacs; do
	start --term $term --env TERMINFO="$T/terminfo" \
	    --env KESRA_TODAY=$TODAY -- --schema "$SCHEMA"
	if wait_for "$MENU"; then
		ok "$term: the menu shows"
	else
		not_ok "$term: the menu shows" "$(screen)" "$(cat "$ERR_FILE")"
		continue
	fi
	send n
	at_field "Provinsi"
	send Enter
	at_field "Kabupaten/kota"
	send C-p
	if wait_for "96.01  Kabupaten Sorong"; then
		ok "$term: Ctrl-P opens the pick list"
	else
		not_ok "$term: Ctrl-P opens the pick list" "$(screen)"
	fi
	border=$(screen | grep -F "96.01  Kabupaten Sorong" | head -1)
	case $term in
	vt100-noacs | ansi)
		case $border in
		*"| 96.01  "*) ok "$term: the pick list's border is ASCII" ;;
		*) not_ok "$term: the pick list's border is ASCII" "$(screen)" ;;
		esac
		unlike "$(screen)" "│" "$term: no line-drawing characters"
		unlike "$(screen)" "³" "$term: no code page bytes" ;;
	*)
		# tmux keeps a DEC line-drawing cell as its letter (x for
		# a vertical line), a UTF-8 one as the character itself
		case $border in
		*"│ 96.01  "* | *"x 96.01  "*)
			ok "$term: the pick list's border is drawn with lines" ;;
		*) not_ok "$term: the pick list's border is drawn with lines" "$(screen)" ;;
		esac ;;
	esac
	send Escape
	wait_gone "96.01  Kabupaten Sorong" >/dev/null
	type_text "96.0"
	_poll 5 _field_has "Kabupaten/kota" "96.0"
	send C-x
	msg_has "$UNSAVEDQ" "$term: Ctrl-X asks about the unsaved form"
	send n
	expect "$MENU" "$term: n discards it"
	send C-x
	is "$(wait_exit)" 0 "$term: Ctrl-X quits with status 0"
done

# ---- 2. a full household under vt100, control keys only --------------------
start --term vt100 --env KESRA_TODAY=$TODAY -- --schema "$SCHEMA"
expect "$MENU" "vt100: the menu"
send n
at_field "Provinsi"
send Enter
at_field "Kabupaten/kota"
send C-p
wait_for "96.01  Kabupaten Sorong" >/dev/null
send Enter
at_field "Kecamatan"
send C-p
wait_for "96.01.02" >/dev/null
type_text "Beraur"
wait_gone "96.01.01" >/dev/null
send Enter
ok_fill=1
fill "Desa/kelurahan" "96.01.02.2003" &&
fill "Nomor KK" "9601021234560001" &&
fill "Alamat" "Jl. Klarion 12" &&
at_field "Telepon" && send C-v || ok_fill=0
at_field "Jumlah anggota" || ok_fill=0
is "$ok_fill" 1 "vt100: page 1 typed, Ctrl-V to page 2"
fill "Jumlah anggota" "1" &&
fill "Bantuan diterima" "1 2" &&
fill "Nilai bantuan (Rp)" "600000" &&
fill "Luas lantai (m2)" "36" "" || ok_fill=0
send C-v
if wait_for "$ROSTER_KEYS"; then ok "vt100: Ctrl-V at the end goes to the roster"; else not_ok "vt100: Ctrl-V at the end goes to the roster" "$(screen)"; fi
send n
fill "Nama" "Yohanis Kambu" &&
fill "NIK" "$NIK_HEAD" &&
fill "Jenis kelamin" "1" &&
fill "Tanggal lahir" "15-05-1990" || ok_fill=0
at_field "Hubungan dengan KK" && send C-p
wait_for "Kepala keluarga" >/dev/null
send Enter
sleep 0.3
send C-o
wait_for "Yohanis Kambu" >/dev/null
if wait_for "$ROSTER_KEYS"; then ok "vt100: Ctrl-O keeps the member row"; else not_ok "vt100: Ctrl-O keeps the member row" "$(screen)"; fi
send C-o
msg_has "$SAVED" "vt100: Ctrl-O saves the household"
is "$(q "SELECT province, regency, district, village, kk, address, members, aid,
    aid_amount, floor_area, status FROM household")" \
    "96|96.01|96.01.02|96.01.02.2003|9601021234560001|Jl. Klarion 12|1|1 2|600000|36.0|complete" \
    "vt100: sqlite3 has the household as typed"
is "$(q "SELECT name, nik, sex, birth_date, relationship, parent_id FROM member")" \
    "Yohanis Kambu|$NIK_HEAD|1|1990-05-15|1|1" "vt100: sqlite3 has the member"
send C-x
wait_gone "$ROSTER_KEYS" >/dev/null
send C-x
wait_for "$MENU" >/dev/null
send C-x
is "$(wait_exit)" 0 "vt100: Ctrl-X from the roster, the form and the menu quits with status 0"

# ---- 3. resize mid-entry --------------------------------------------------------
resize() { tm resize-window -t "$TM_SESSION" -x "$1" -y "$2"; }
DB=$T/resize.db
start --env KESRA_TODAY=$TODAY -- --schema "$SCHEMA"
expect "$MENU" "resize: the menu"
send n
at_field "Provinsi"
send Enter
fill "Kabupaten/kota" "96.01" &&
fill "Kecamatan" "96.01.02" &&
fill "Desa/kelurahan" "96.01.02.2003" &&
fill "Nomor KK" "9601021234560002" &&
fill "Alamat" "Jl. Sam Ratulangi" ""
resize 100 30
if _poll 5 _row_has 29 "F10" && at_field "Alamat" &&
    _field_has "Alamat" "Jl. Sam Ratulangi" && _field_has "Nomor KK" "9601021234560002" &&
    _field_has "Desa/kelurahan" "Klarion"; then
	ok "resize to 100x30: re-laid out, every value and the typed address kept, cursor in it"
else
	not_ok "resize to 100x30: re-laid out, every value and the typed address kept, cursor in it" \
	    "$(screen)" "cursor: $(cursor)"
fi
resize 70 20
expect "$ENLARGE" "resize to 70x20: one line asks to enlarge"
type_text "x"
resize 80 24
if wait_for "Nomor KK" && at_field "Alamat" && _field_has "Alamat" "Jl. Sam Ratulangi" &&
    _field_has "Nomor KK" "9601021234560002"; then
	ok "back to 80x24: every value and the typed address are back, cursor in it"
else
	not_ok "back to 80x24: every value and the typed address are back, cursor in it" \
	    "$(screen)" "cursor: $(cursor)"
fi
unlike "$(screen)" "Ratulangix" "a key typed while too small is not taken"
type_text " 5"
send Enter
at_field "Telepon" && send Enter
fill "Jumlah anggota" "1" ""
send C-v
wait_for "$ROSTER_KEYS" >/dev/null
send n
fill "Nama" "Maria Sawen" &&
type_text "96010215059"
_poll 5 _field_has "NIK" "96010215059"
resize 90 26
if _poll 5 _row_has 25 "F10" && at_field "NIK" && _field_has "NIK" "96010215059" &&
    _field_has "Nama" "Maria Sawen"; then
	ok "resize in a member's form: the name and the half-typed NIK kept, cursor in NIK"
else
	not_ok "resize in a member's form: the name and the half-typed NIK kept, cursor in NIK" \
	    "$(screen)" "cursor: $(cursor)"
fi
resize 80 24
type_text "00001"
send Enter
fill "Jenis kelamin" "1" &&
fill "Tanggal lahir" "15-05-1990" &&
fill "Hubungan dengan KK" "1" ""
send C-o
wait_for "$ROSTER_KEYS" >/dev/null
resize 120 40
if _poll 5 _row_has 39 "F10" && wait_for "Maria Sawen" && wait_for "$ROSTER_KEYS"; then
	ok "resize in the roster list: the row is still there"
else
	not_ok "resize in the roster list: the row is still there" "$(screen)"
fi
resize 80 24
send C-o
msg_has "$SAVED" "after the resizes, Ctrl-O saves"
is "$(q "SELECT kk, address, members FROM household")" \
    "9601021234560002|Jl. Sam Ratulangi 5|1" "sqlite3: the household typed across resizes"
is "$(q "SELECT name, nik FROM member")" "Maria Sawen|9601021505900001" \
    "sqlite3: the member typed across resizes"

# a pick list open while the terminal is resized: centred again, its
# filter kept, and the choice still works
send C-x
wait_gone "$ROSTER_KEYS" >/dev/null
send C-x
wait_for "$MENU" >/dev/null
send n
at_field "Provinsi"
send Enter
at_field "Kabupaten/kota"
send C-p
wait_for "96.01  Kabupaten Sorong" >/dev/null
type_text "kota"
wait_gone "96.01  Kabupaten Sorong" >/dev/null
resize 110 34
sleep 0.3
if wait_for "96.71  Kota Sorong" && [ "$(screen | grep -F "96.71  Kota Sorong" |
    awk '{ print index($0, "96.71") }')" -gt 20 ]; then
	ok "resize with a pick list open: centred again in 110 columns, filter kept"
else
	not_ok "resize with a pick list open: centred again in 110 columns, filter kept" "$(screen)"
fi
resize 80 24
sleep 0.3
send Enter
field_has "Kabupaten/kota" "Kota Sorong" "the choice made after the resizes is taken"
finish
