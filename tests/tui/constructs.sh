#!/bin/sh
# tests/tui/constructs.sh: every construct of the schema language, driven
# in tmux at 80x24 on the fixture dictionary tests/data/constructs (a small
# Papua Barat Daya region table): cascading region pick lists, skip logic,
# calculations, constraints and patterns, choice filters, a roster of
# household members (add, reorder, remove, save as one tree), roster rules,
# a warning accepted with a reason, both languages. Every save is checked
# in SQLite.
#
# Matches on dictionary labels and messages (from the YAML); UI strings come
# from the catalogue through ui_text. KESRA_TODAY fixes today's date, so
# ages are known: born 15-05-1990 -> 36, 15-05-1996 -> 30, 10-06-2020 -> 6.
. tests/lib.sh

SCHEMA=$TOP/tests/data/constructs
DB=$T/constructs.db
TODAY=2026-11-28
KK1=9601021234560001
KK2=9671011234560002
NIK_HEAD=9601021505900001
NIK_WIFE=9601025505960002
NIK_CHILD=9601021006200003
NIK_OLD=9601024103600004
NIK_TWO=9601020101800005

q() { sql "$DB" "$1"; }
ESC=$(printf '\033')

DRAFTQ=$(ui_text "Errors remain. Save as a draft? y = save as draft, n = go back")
DRAFTQ=$(printf '%.20s' "$DRAFTQ")
UNSAVEDQ=$(ui_text "Unsaved changes. Save them? y = save, n = discard, Esc = stay")
UNSAVEDQ=$(printf '%.24s' "$UNSAVEDQ")
REMOVEQ=$(ui_text "Remove this row? y = remove, n = keep")
REMOVEQ=$(printf '%.16s' "$REMOVEQ")
ROSTER_KEYS=$(ui_text "n add  Enter edit  Del remove  +/- move  F2 save  PgUp/F10 back")
ROSTER_KEYS=$(printf '%.14s' "$ROSTER_KEYS")
END_OF_ROW=$(ui_text "End of the row: F2 or Ctrl-O keeps it")
END_OF_ROW=$(printf '%.12s' "$END_OF_ROW")
OUTSIDE=$(ui_text "Not inside the region chosen above")
NOT_HERE=$(ui_text "This choice does not apply here")
REQUIRED=$(ui_text "Required: this field must be filled in")
NOT_SAVED=$(ui_text "Not saved: each warning needs a reason")
NOT_SAVED=$(printf '%.10s' "$NOT_SAVED")
MENU=$(ui_text "Choose a register:")

# ---- helpers ----------------------------------------------------------------

# The codes listed in the open pick list, in order, space separated: the
# first word after the pop-up's left border ("│ 96.01  Kabupaten Sorong",
# "│ [ ] 1  PKH").
popup_codes() {
	screen | sed -n -E 's/^.*(│|\||x) (\[.\] )?([0-9][0-9.]*)  .*$/\3/p' |
	    tr '\n' ' ' | sed 's/ $//'
}
_popup_is() { [ "$(popup_codes)" = "$1" ]; }
# popup_is CODES DESC: a check that the pick list shows exactly CODES.
popup_is() {
	if _poll 5 _popup_is "$1"; then
		ok "$2"
	else
		not_ok "$2" "got codes:  '$(popup_codes)'" "want codes: '$1'" \
		    "screen:" "$(screen)"
	fi
}

# The rows of the roster list: "name,name,..." in the order shown.
roster_names() {
	screen | sed -n '3,22p' | awk '/^ +[0-9]+  / {
	    s = substr($0, 6, 17); sub(/ +$/, "", s); printf "%s%s", n++ ? "," : "", s }'
}
_roster_is() { [ "$(roster_names)" = "$1" ]; }
roster_is() {
	if _poll 5 _roster_is "$1"; then
		ok "$2"
	else
		not_ok "$2" "got:  '$(roster_names)'" "want: '$1'" "screen:" "$(screen)"
	fi
}
in_roster() { wait_for "$ROSTER_KEYS" "${1:-5}"; }

# field_has LABEL TEXT DESC: a check that the form line of LABEL shows TEXT.
_field_has() { _row_has "$(label_row "$1")" "$2"; }
field_has() {
	if _poll 5 _field_has "$1" "$2"; then
		ok "$3"
	else
		not_ok "$3" "line of '$1': '$(screen_line $(($(label_row "$1") + 1)))'" \
		    "want: '$2'" "screen:" "$(screen)"
	fi
}

# _dim LABEL: the form line of LABEL starts dimmed (SGR 2) and has no input
# field (no underlined cells): the field is hidden.
_dim() {
	_l=$(tm capture-pane -e -p -t "$TM_SESSION" | awk -v t="$1" '
	    { s = $0; gsub(/\033\[[0-9;]*m/, "", s) }
	    index(s, t) == 1 { print; exit }')
	case $_l in
	*"${ESC}[4m"*) return 1 ;;
	"${ESC}[2m$1"* | *"m${ESC}[2m$1"*) return 0 ;;
	esac
	return 1
}

# goto_field LABEL: Up until the cursor is in LABEL (at most 12 times),
# each time waiting until the cursor has left its row.
_cursor_left() { [ "$(cursor_y)" != "$1" ]; }
goto_field() {
	_i=0
	while [ $_i -lt 12 ]; do
		_at_field "$1" && return 0
		_y=$(cursor_y)
		send Up
		_poll 1 _cursor_left "$_y"
		_i=$((_i + 1))
	done
	_at_field "$1"
}

_msg_either() { _msg_has "$1" || _msg_has "$2"; }
# _q_is QUERY WANT: sqlite3 gives WANT (for polling).
_q_is() { [ "$(q "$1")" = "$2" ]; }

# ---- a household: cascading region pick lists -------------------------------
start --env KESRA_TODAY=$TODAY -- --schema "$SCHEMA"
expect "Rumah tangga" "the menu lists the fixture's household record"
like "$(screen_line 1)" "constructs" "the title line names dictionary 'constructs'"
send n
if at_field "Provinsi"; then
	ok "n opens the household form in the province field"
else
	not_ok "n opens the household form in the province field" "$(screen)"
fi
if _poll 5 _row_matches "$(label_row "Provinsi")" ' 96 +Papua Barat Daya *$'; then
	ok "the province default 96 is shown with its name 'Papua Barat Daya'"
else
	not_ok "the province default 96 is shown with its name 'Papua Barat Daya'" "$(screen)"
fi
send Enter
at_field "Kabupaten/kota"
send F4
popup_is "96.01 96.71" "F4 on the regency lists only the regencies of 96"
send Enter
if at_field "Kecamatan" && _field_has "Kabupaten/kota" "Kabupaten Sorong"; then
	ok "Enter picks 96.01, shows 'Kabupaten Sorong', moves to the district"
else
	not_ok "Enter picks 96.01, shows 'Kabupaten Sorong', moves to the district" "$(screen)"
fi
field_has "Kabupaten/kota" " 96.01 " "the regency field holds 96.01"
send F4
popup_is "96.01.01 96.01.02" "F4 on the district lists only the districts of 96.01 (not 96.71.01)"
type_text "ber"
popup_is "96.01.02" "typing 'ber' filters the district list to Beraur"
like "$(screen)" "96.01.02  Beraur" "the filtered list shows 'Beraur'"
send Enter
if at_field "Desa/kelurahan" && _field_has "Kecamatan" "Beraur"; then
	ok "Enter picks Beraur and moves to the village"
else
	not_ok "Enter picks Beraur and moves to the village" "$(screen)"
fi
fill "Desa/kelurahan" "96.01.01.1001"
msg_has "Desa/kelurahan: $OUTSIDE" \
    "a village of Makbon typed directly is refused: 'not inside the region chosen above'"
cursor_in "Desa/kelurahan" "the cursor stays in the village field"
send C-k
fill "Desa/kelurahan" "96.01.02.9999"
msg_has "Desa/kelurahan: " "a village code that does not exist is refused"
send C-k
wait_gone "96.01.02.9999" >/dev/null
send F4
popup_is "96.01.02.2001 96.01.02.2002 96.01.02.2003 96.01.02.2004 96.01.02.2005 96.01.02.2006 96.01.02.2007 96.01.02.2008 96.01.02.2009 96.01.02.2010 96.01.02.2011 96.01.02.2012 96.01.02.2013" \
    "F4 on the village lists the 13 villages of Beraur only"
type_text "2003"
popup_is "96.01.02.2003" "typing '2003' filters the village list by code"
send Enter
if at_field "Nomor KK" && _field_has "Desa/kelurahan" "Klarion"; then
	ok "Enter picks Klarion and moves to the KK number"
else
	not_ok "Enter picks Klarion and moves to the KK number" "$(screen)"
fi
ok_fill=1
fill "Nomor KK" "$KK1" &&
fill "Alamat" "Jl. Klarion 1" &&
fill "Telepon" "081234567890" || ok_fill=0
is "$ok_fill" 1 "page 1 typed: KK, address, phone"

# ---- skip logic and calculation on page 2 -----------------------------------
if at_field "Jumlah anggota"; then
	ok "Enter on the last field of page 1 goes to page 2"
else
	not_ok "Enter on the last field of page 1 goes to page 2" "$(screen)"
fi
fill "Jumlah anggota" "3"
at_field "Bantuan diterima"
if _poll 5 _dim "Nilai bantuan (Rp)"; then
	ok "aid_amount is hidden (dimmed label, no input field) while aid is empty"
else
	not_ok "aid_amount is hidden (dimmed label, no input field) while aid is empty" \
	    "$(tm capture-pane -e -p -t "$TM_SESSION" | grep -F 'Nilai bantuan' | cat -v)"
fi
send Enter
cursor_in "Luas lantai (m2)" "Enter on an empty aid skips aid_amount (and the note)"
send Up
cursor_in "Bantuan diterima" "Up from the floor area skips aid_amount back to aid"
send F4
popup_is "1 2 3" "F4 on aid opens the multiple-choice list (codes 1 2 3)"
HOWTO=$(ui_text "   Space marks, Enter ends" | sed 's/^ *//')
like "$(screen)" "$HOWTO" "the multiple-choice list shows in full how to use it: '$HOWTO'"
send Space Down Space
if wait_for "[x] 1  PKH" && wait_for "[x] 2  BPNT/Sembako" && _on_screen "[ ] 3  BLT Dana Desa"; then
	ok "Space marks codes 1 and 2"
else
	not_ok "Space marks codes 1 and 2" "$(screen)"
fi
send Enter
if at_field "Nilai bantuan (Rp)"; then
	ok "Enter ends the list; aid_amount appears and takes the cursor"
else
	not_ok "Enter ends the list; aid_amount appears and takes the cursor" "$(screen)"
fi
field_has "Bantuan diterima" " 1 2 " "aid shows the codes '1 2'"
field_has "Bantuan diterima" "PKH, BPNT/Sembako" "aid shows both labels beside"
if _dim "Nilai bantuan (Rp)"; then
	not_ok "aid_amount is no longer dimmed" "$(screen)"
else
	ok "aid_amount is no longer dimmed"
fi
send Enter
msg_has "Nilai bantuan (Rp): $REQUIRED" "aid_amount empty with code 1 chosen: required"
cursor_in "Nilai bantuan (Rp)" "the cursor stays in aid_amount"
fill "Nilai bantuan (Rp)" "150000"
fill "Luas lantai (m2)" "36,5"
if in_roster; then
	ok "Enter after the last field of the household opens the roster list"
else
	not_ok "Enter after the last field of the household opens the roster list" "$(screen)"
fi
like "$(screen_line 2)" "Nama" "the roster list has the column 'Nama'"
like "$(screen_line 2)" "Umur" "the roster list has the column 'Umur'"
send PPage
if at_field "Luas lantai (m2)" && _poll 5 _row_matches "$(label_row "Luas per anggota")" ' 12\.2 *$'; then
	ok "PgUp back to the household: area_per_member = round(36.5 / 3, 1) = 12.2"
else
	not_ok "PgUp back to the household: area_per_member = round(36.5 / 3, 1) = 12.2" "$(screen)"
fi
send Enter
if in_roster; then
	ok "the calculated area_per_member is read-only: Enter goes past it to the roster"
else
	not_ok "the calculated area_per_member is read-only: Enter goes past it to the roster" "$(screen)"
fi

# ---- members: pattern, constraint, age, pregnant, choice filter ----------------
send n
expect "Anggota rumah tangga" "n in the roster list opens a member form"
fill "Nama" "Budi 2"
msg_has "Nama: " "the name 'Budi 2' is refused by the pattern"
cursor_in "Nama" "the cursor stays in the name"
send C-k
ok_fill=1
fill "Nama" "Budi Santoso" &&
fill "NIK" "$NIK_HEAD" &&
fill "Jenis kelamin" "1" &&
fill "Tanggal lahir" "01-01-2027" || ok_fill=0
is "$ok_fill" 1 "head typed up to the birth date"
msg_has "Tanggal lahir: Tanggal lahir di masa depan" \
    "a birth date after KESRA_TODAY is refused with the constraint_message"
cursor_in "Tanggal lahir" "the cursor stays in the birth date"
send C-k
fill "Tanggal lahir" "15-05-1990"
if at_field "Hubungan dengan KK" && _poll 5 _row_matches "$(label_row "Umur")" '^Umur +36 *$'; then
	ok "age calculated from the birth date: 36; the cursor skips it"
else
	not_ok "age calculated from the birth date: 36; the cursor skips it" "$(screen)"
fi
fill "Hubungan dengan KK" "1"
if _poll 5 _msg_has "$END_OF_ROW" && at_field "Hubungan dengan KK"; then
	ok "a man: 'pregnant' is skipped (end of the row after the relationship)"
else
	not_ok "a man: 'pregnant' is skipped (end of the row after the relationship)" \
	    "message line: '$(msg_line)'" "$(screen)"
fi
send F2
in_roster
roster_is "Budi Santoso" "F2 keeps the row; the list shows it"

send n
ok_fill=1
fill "Nama" "Siti Aminah" &&
fill "NIK" "$NIK_WIFE" &&
fill "Jenis kelamin" "2" &&
fill "Tanggal lahir" "15-05-1996" &&
fill "Hubungan dengan KK" "2" || ok_fill=0
is "$ok_fill" 1 "spouse typed"
field_has "Umur" " 30" "the spouse's age is 30"
cursor_in "Sedang hamil" "a woman of 30: 'pregnant' is asked"
fill "Sedang hamil" "1" C-o
in_roster
roster_is "Budi Santoso,Siti Aminah" "Ctrl-O keeps the second row"

send n
ok_fill=1
fill "Nama" "Ani" &&
fill "NIK" "$NIK_CHILD" &&
fill "Jenis kelamin" "2" &&
fill "Tanggal lahir" "10-06-2020" || ok_fill=0
is "$ok_fill" 1 "child typed up to the relationship"
field_has "Umur" " 6" "the child's age is 6"
send F4
popup_is "3 4" "a 6-year-old: the relationship list offers 3 and 4, not 1 and 2 (min_age 15)"
send Escape
wait_gone "Lainnya" >/dev/null
fill "Hubungan dengan KK" "1"
msg_has "Hubungan dengan KK: $NOT_HERE" "typing 1 (head) for a 6-year-old is refused"
cursor_in "Hubungan dengan KK" "the cursor stays in the relationship"
send C-k
fill "Hubungan dengan KK" "3"
if _poll 5 _msg_has "$END_OF_ROW" && at_field "Hubungan dengan KK"; then
	ok "a girl of 6: 'pregnant' is skipped"
else
	not_ok "a girl of 6: 'pregnant' is skipped" "message line: '$(msg_line)'" "$(screen)"
fi
send F2
in_roster
roster_is "Budi Santoso,Siti Aminah,Ani" "three rows"

# a fourth member by mistake: a woman over 54
send IC
ok_fill=1
fill "Nama" "Salah Input" &&
fill "NIK" "$NIK_OLD" &&
fill "Jenis kelamin" "2" &&
fill "Tanggal lahir" "01-03-1960" &&
fill "Hubungan dengan KK" "4" || ok_fill=0
is "$ok_fill" 1 "Insert adds a fourth row (by mistake)"
field_has "Umur" " 66" "her age is 66"
if _poll 5 _msg_has "$END_OF_ROW" && at_field "Hubungan dengan KK"; then
	ok "a woman of 66 (over 54): 'pregnant' is skipped"
else
	not_ok "a woman of 66 (over 54): 'pregnant' is skipped" "message line: '$(msg_line)'" "$(screen)"
fi
send F2
in_roster
roster_is "Budi Santoso,Siti Aminah,Ani,Salah Input" "four rows"
send DC
msg_has "$REMOVEQ" "Del asks before removing the row"
send n
roster_is "Budi Santoso,Siti Aminah,Ani,Salah Input" "n keeps the row"
send DC
msg_has "$REMOVEQ" "Del asks again"
send y
roster_is "Budi Santoso,Siti Aminah,Ani" "y removes the fourth row"

# reorder: Siti to the top, down again, up again
send Up
sleep 0.1
type_text "-"
roster_is "Siti Aminah,Budi Santoso,Ani" "- moves the selected row (Siti) up"
type_text "+"
roster_is "Budi Santoso,Siti Aminah,Ani" "+ moves it down again"
type_text "-"
roster_is "Siti Aminah,Budi Santoso,Ani" "- moves it up again"
is "$(q "SELECT count(*) FROM household")" 0 "sqlite3: nothing saved before F2"

send F2
if _poll 5 _q_is "SELECT count(*) FROM household" 1; then
	ok "F2 in the roster list saves the household"
else
	not_ok "F2 in the roster list saves the household" "$(screen)"
fi
msg_has "$KK1 Jl. Klarion 1 (#1)" "F2 in the roster list confirms the save on the message line"
HID=$(q "SELECT id FROM household")
is "$(q "SELECT province, regency, district, village FROM household")" \
    "96|96.01|96.01.02|96.01.02.2003" "sqlite3: the region codes 96, 96.01, 96.01.02, 96.01.02.2003"
is "$(q "SELECT kk, address, phone, members, aid, aid_amount, floor_area,
    area_per_member, status FROM household")" \
    "$KK1|Jl. Klarion 1|081234567890|3|1 2|150000|36.5|12.2|complete" \
    "sqlite3: the household row (aid '1 2', aid_amount, area_per_member 12.2, complete)"
is "$(q "SELECT group_concat(ord || ':' || name || ':' || (parent_id = $HID) || ':' ||
    age || ':' || ifnull(pregnant, 'NULL') || ':' || relationship, ',')
    FROM (SELECT * FROM member WHERE deleted_at IS NULL ORDER BY ord)")" \
    "0:Siti Aminah:1:30:1:2,1:Budi Santoso:1:36:NULL:1,2:Ani:1:6:NULL:3" \
    "sqlite3: three members under the household, ord 0,1,2 in the final order, ages stored, pregnant NULL where skipped"
is "$(q "SELECT count(*) FROM member WHERE name = 'Salah Input' AND deleted_at IS NULL")" 0 \
    "sqlite3: the removed row is absent (or marked deleted)"
is "$(q "SELECT group_concat(DISTINCT status) FROM member")" "complete" \
    "sqlite3: the members of a complete household are stored complete"

# ---- roster rules: exactly one head, unique NIK ---------------------------------
send n
ok_fill=1
fill "Nama" "Dua Kepala" &&
fill "NIK" "$NIK_TWO" &&
fill "Jenis kelamin" "1" &&
fill "Tanggal lahir" "01-01-1980" &&
fill "Hubungan dengan KK" "1" F2 || ok_fill=0
is "$ok_fill" 1 "a second head added"
in_roster
roster_is "Siti Aminah,Budi Santoso,Ani,Dua Kepala" "four rows, two heads"
rev=$(q "SELECT rev FROM household")
# two_heads WHERE: F2 (already sent) shows the roster rule's message, or
# asks to save as a draft and shows it after the answer n.
two_heads() {
	if _poll 5 _msg_either "Harus ada tepat satu kepala keluarga" "$DRAFTQ"; then
		if _msg_has "$DRAFTQ"; then
			ok "two heads, F2 $1: asks to save as a draft"
			send n
			msg_has "Harus ada tepat satu kepala keluarga" \
			    "two heads, F2 $1: after answering n, the message says there must be exactly one head"
		else
			ok "two heads, F2 $1: shows 'Harus ada tepat satu kepala keluarga'"
		fi
	else
		not_ok "two heads, F2 $1: shows the 'exactly one head' message or asks for a draft" \
		    "message line: '$(msg_line)'" "$(screen)"
	fi
	is "$(q "SELECT count(*) FROM member WHERE deleted_at IS NULL")|$(q "SELECT rev, status FROM household")" \
	    "3|$rev|complete" "sqlite3: nothing saved with two heads (F2 $1)"
}
send F2
two_heads "in the roster list"
in_roster
send PPage
wait_gone "$ROSTER_KEYS" >/dev/null
send F2
two_heads "in the household form"
send NPage
in_roster
send End
send DC
msg_has "$REMOVEQ" "Del on the second head asks"
send y
roster_is "Siti Aminah,Budi Santoso,Ani" "the second head removed"

send n
fill "Nama" "Kembar NIK" &&
fill "NIK" "$NIK_HEAD"
msg_has "NIK: " "a NIK already used in the household is refused on the new row"
cursor_in "NIK" "the cursor stays in the NIK"
send F10
msg_has "$UNSAVEDQ" "F10 on the unfinished row asks"
send n
in_roster
roster_is "Siti Aminah,Budi Santoso,Ani" "the unfinished row is discarded"

# ---- a warning accepted with a reason -----------------------------------------------
send PPage
if wait_gone "$ROSTER_KEYS" && goto_field "Jumlah anggota"; then
	ok "PgUp back to the household, Up to the number of members"
else
	not_ok "PgUp back to the household, Up to the number of members" "$(screen)"
fi
send C-k
fill "Jumlah anggota" "4" F2
msg_has "tidak sama dengan jumlah anggota" \
    "members 4 with 3 rows: F2 asks a reason for the warning count_matches"
# At 80 columns the question must still show the warning from its start.
msg_has "Banyak anggota tidak sama dengan jumlah anggota" \
    "the reason question shows the whole warning text"
send Escape
msg_has "$NOT_SAVED" "Esc cancels the save"
is "$(q "SELECT members, rev FROM household")" "3|$rev" "sqlite3: not saved after Esc"
send F2
msg_has "tidak sama dengan jumlah anggota" "F2 asks again"
type_text "satu anggota merantau"
msg_has "satu anggota merantau" "the reason shows on the message line as typed"
send Enter
msg_has "$KK1 Jl. Klarion 1 (#1)" "Enter accepts the reason; the household is saved"
is "$(q "SELECT members, status FROM household")" "4|complete" \
    "sqlite3: members 4, saved as complete"
is "$(q "SELECT record, record_id, rule, reason FROM kesra_accept")" \
    "household|$HID|count_matches|satu anggota merantau" \
    "sqlite3: kesra_accept holds the reason (household, id, count_matches)"
rev=$(q "SELECT rev FROM household")
send F2
if _poll 5 _msg_either "(#1)" "tidak sama dengan jumlah"; then
	if _msg_has "tidak sama dengan jumlah"; then
		not_ok "an accepted warning is not asked again" "$(screen)"
		send Escape
	else
		ok "an accepted warning is not asked again"
	fi
else
	not_ok "an accepted warning is not asked again" "$(screen)"
fi

# ---- reopen from the list ---------------------------------------------------------------
send F10
if _poll 1 _msg_has "$UNSAVEDQ"; then send n; fi
expect "$MENU" "F10 goes back to the menu (the form was opened from it)"
send Enter
expect "$KK1 Jl. Klarion 1" "Enter: the list shows the household's title"
send Enter
if wait_for "Rumah tangga #$HID" && at_field "Provinsi"; then
	ok "Enter reopens the household"
else
	not_ok "Enter reopens the household" "$(screen)"
fi
field_has "Desa/kelurahan" "Klarion" "the village is shown with its name"
send NPage
field_has "Luas per anggota" " 9.1" "area_per_member recalculated with 4 members: 9.1"
send NPage
in_roster
roster_is "Siti Aminah,Budi Santoso,Ani" "the roster shows the members in the saved order"
if screen | grep -E -q '^ +1  Siti Aminah +9601025505960002 +30 +2 Istri/suami'; then
	ok "the roster columns: name, NIK, age, relationship with its label"
else
	not_ok "the roster columns: name, NIK, age, relationship with its label" "$(screen)"
fi
send Down Enter
if wait_for "Budi Santoso" && at_field "Nama" && _field_has "Umur" " 36"; then
	ok "Enter on the second row opens Budi's form"
else
	not_ok "Enter on the second row opens Budi's form" "$(screen)"
fi
send F10
in_roster
send F10
wait_gone "$ROSTER_KEYS" >/dev/null
send F10
if _poll 1 _msg_has "$UNSAVEDQ"; then
	not_ok "an untouched reopened household leaves without asking" "$(screen)"
	send n
else
	ok "an untouched reopened household leaves without asking"
fi
expect "$KK1 Jl. Klarion 1" "back in the list"
send F10
expect "$MENU" "back in the menu"
send F10
is "$(wait_exit)" 0 "F10 quits with status 0"
if [ -s "$ERR_FILE" ]; then
	not_ok "nothing on stderr" "$(head -20 "$ERR_FILE")"
else
	ok "nothing on stderr"
fi

# ---- the same dictionary in English ----------------------------------------------
UI_LANG=en
ROSTER_KEYS=$(ui_text "n add  Enter edit  Del remove  +/- move  F2 save  PgUp/F10 back")
ROSTER_KEYS=$(printf '%.14s' "$ROSTER_KEYS")
start --env KESRA_TODAY=$TODAY -- --schema "$SCHEMA" --lang en
expect "Household" "--lang en: the menu shows 'Household'"
send n
expect "Province *" "--lang en: the form shows 'Province'"
expect "Regency/city *" "--lang en: 'Regency/city'"
field_has "Province" "Papua Barat Daya" "--lang en: the province default with its name"
send Enter
fill "Regency/city" "96.71"
field_has "Regency/city" "Kota Sorong" "96.71 typed: 'Kota Sorong'"
fill "District" "96.01.01"
msg_has "District: $(ui_text "Not inside the region chosen above")" \
    "--lang en: a district of another regency refused with the English message"
unlike "$(msg_line)" "$OUTSIDE" "--lang en: not the Indonesian message"
send C-k
ok_fill=1
fill "District" "96.71.01" &&
fill "Village" "96.71.01.1004" &&
fill "Family card number" "$KK2" &&
fill "Address" "Jl. Remu 2" &&
fill "Phone" "" &&
fill "Number of members" "1" || ok_fill=0
is "$ok_fill" 1 "--lang en: page 1 typed"
at_field "Aid received"
send F4
popup_is "1 2 3" "--lang en: the aid list"
like "$(screen)" "BLT village fund" "--lang en: the aid list is in English"
send Down Down Space Enter
cursor_in "Aid amount (Rp)" "aid 3 only: the amount appears"
send Enter
if at_field "Floor area (m2)"; then
	ok "aid 3 only (no code 1): the amount is not required"
else
	not_ok "aid 3 only (no code 1): the amount is not required" "message line: '$(msg_line)'" "$(screen)"
fi
send Up
fill "Aid amount (Rp)" "50000"
send Up Up
if goto_field "Aid received"; then
	send C-k
	send Enter
fi
cursor_in "Floor area (m2)" "aid cleared: the amount is skipped again"
if _dim "Aid amount (Rp)" && ! _field_has "Aid amount (Rp)" "50000"; then
	ok "aid cleared: the amount is hidden, its value gone"
else
	not_ok "aid cleared: the amount is hidden, its value gone" "$(screen)"
fi
send Enter
in_roster
like "$(screen_line 2)" "Name" "--lang en: the roster list columns in English"
like "$(screen_line 2)" "Relationship" "--lang en: 'Relationship' column"
send n
expect "Household member" "--lang en: the member form is titled 'Household member'"
ok_fill=1
fill "Name" "Yakob Mayor" &&
fill "NIK" "9671010101800006" &&
fill "Sex" "1" &&
fill "Date of birth" "30-11-2026" || ok_fill=0
msg_has "Date of birth: Birth date in the future" \
    "--lang en: the English constraint_message"
send C-k
fill "Date of birth" "01-01-1980" &&
fill "Relationship to head" "1" C-o || ok_fill=0
is "$ok_fill" 1 "--lang en: a head typed"
in_roster
send F2
if _poll 5 _q_is "SELECT count(*) FROM household WHERE kk = '$KK2'" 1; then
	ok "--lang en: the second household saved"
else
	not_ok "--lang en: the second household saved" "$(screen)"
fi
is "$(q "SELECT province, regency, district, village, ifnull(phone, 'NULL'),
    ifnull(aid, 'NULL'), ifnull(aid_amount, 'NULL'), ifnull(area_per_member, 'NULL'),
    status FROM household WHERE kk = '$KK2'")" \
    "96|96.71|96.71.01|96.71.01.1004|NULL|NULL|NULL|NULL|complete" \
    "sqlite3: skipped aid_amount stored NULL; no floor area, no area_per_member"
is "$(q "SELECT name, age, ifnull(pregnant, 'NULL'), ord FROM member WHERE parent_id =
    (SELECT id FROM household WHERE kk = '$KK2')")" "Yakob Mayor|46|NULL|0" \
    "sqlite3: the member of the second household"
send F10
wait_gone "$ROSTER_KEYS" >/dev/null
send F10
if _poll 1 _msg_has "Unsaved"; then send n; fi
wait_for "$KK2" >/dev/null
send F10
wait_for "Household" >/dev/null
send F10
is "$(wait_exit)" 0 "--lang en: quits with status 0"
if [ -s "$ERR_FILE" ]; then
	not_ok "--lang en: nothing on stderr" "$(head -20 "$ERR_FILE")"
else
	ok "--lang en: nothing on stderr"
fi

finish
