#!/bin/sh
# tests/tui/report.sh: the report screen at 80x24: the recap drilled from
# all regions through province, regency and district to villages and back
# up with F10, each row's counts checked against SQLite; sideways scrolling
# with the first column fixed; a list report; the table exported to CSV.
. tests/lib.sh

DB=$T/kesra.db
"$KESRA" --db "$DB" demo --households 300 --seed 7 >/dev/null 2>"$T/demo.err" ||
    { not_ok "demo database" "$(cat "$T/demo.err")"; finish; }

# households of the region whose code starts with $1 (from SQLite)
hh() { sql "$DB" "SELECT count(*) FROM household WHERE deleted_at IS NULL AND village LIKE '$1%'"; }
# the number in the Keluarga column of the screen row naming $1
row_count() { screen | tail -n +3 | grep -F -- "$1" | head -1 | awk '{ for (i = 1; i <= NF; i++) if ($i ~ /^[0-9]+$/) { print $i; exit } }'; }
rname() { sql "$DB" "SELECT name FROM kesra_region WHERE code = '$1'"; }

ALL=$(ui_text "All regions")
start
expect "$(ui_text "Reports")" "the main menu offers the reports (r)"
send r
expect "Rekap indikator kesejahteraan" "r opens the list of reports"
send Enter
expect "$ALL" "Enter runs the recap for all regions"
expect "Papua Barat Daya" "the top level lists the province"
is "$(row_count "Papua Barat Daya")" "$(hh 96)" "province row: households as SQLite counts them"
like "$(screen_line 22)" "300" "the totals row holds all 300 households"

# down: province -> regencies -> districts -> villages
send Enter
expect "96 Papua Barat Daya" "Enter opens the province: its name in the title"
REG=$(sql "$DB" "SELECT substr(village, 1, 5) FROM household GROUP BY 1 ORDER BY 1 LIMIT 1")
REGN=$(rname "$REG")
expect "$REGN" "the regencies are listed"
is "$(row_count "$REGN")" "$(hh "$REG")" "regency row $REGN: households as SQLite counts them"
send Enter
expect "$REG $REGN" "Enter opens the first regency"
DIS=$(sql "$DB" "SELECT substr(village, 1, 8) FROM household WHERE village LIKE '$REG%' GROUP BY 1 ORDER BY 1 LIMIT 1")
DISN=$(rname "$DIS")
expect "$DISN" "its districts are listed"
is "$(row_count "$DISN")" "$(hh "$DIS")" "district row $DISN: households as SQLite counts them"
send Enter
expect "$DIS $DISN" "Enter opens the first district"
VIL=$(sql "$DB" "SELECT village FROM household WHERE village LIKE '$DIS%' GROUP BY 1 ORDER BY 1 LIMIT 1")
VILN=$(rname "$VIL")
expect "$VILN" "its villages are listed"
is "$(row_count "$VILN")" "$(hh "$VIL")" "village row $VILN: households as SQLite counts them"
TOT=$(screen_line 22 | awk '{ for (i = 1; i <= NF; i++) if ($i ~ /^[0-9]+$/) { print $i; exit } }')
is "$TOT" "$(hh "$DIS")" "the totals row of the district's villages"
send Enter
sleep 0.3
like "$(screen_line 1)" "$DIS $DISN" "Enter on a village row stays (no level below)"

# sideways: the first column stays
H1=$(screen_line 2)
send Right
wait_gone "$(printf '%s' "$H1" | cut -c1-60)" 3
H2=$(screen_line 2)
unlike "$H2" "Keluarga" "Right scrolls the columns (Keluarga leaves)"
like "$H2" "$(ui_text "Village")" "the first column stays"
send Left
expect "Keluarga" "Left scrolls back"

# export
send e
expect "$(ui_text "Export to CSV file:")" "e asks for a file"
type_text "$T/out.csv"
send Enter
expect "$T/out.csv" "the message says where the table was written"
check "the CSV file exists" test -s "$T/out.csv"
is "$(head -1 "$T/out.csv" | cut -d, -f1-3)" "$(ui_text "Code"),$(ui_text "Village"),Keluarga" "CSV header: code, region, columns"
is "$(grep -c "^$DIS" "$T/out.csv")" "$(sql "$DB" "SELECT count(DISTINCT village) FROM household WHERE village LIKE '$DIS%'")" \
    "CSV: one line per village of the district"

# up again
send F10
expect "$REG $REGN" "F10 goes up to the regency"
send C-x
expect "96 Papua Barat Daya" "Ctrl-X goes up to the province"
send F10
expect "$ALL" "F10 goes up to all regions"
send F10
expect "Daftar balita stunting" "F10 at the top: back to the list of reports"

# a list report
N=$(sql "$DB" "SELECT count(*) FROM member WHERE stunted = 1 AND deleted_at IS NULL")
send Down Down Down Down Enter
_poll 5 _row_has 0 "Daftar balita stunting"
like "$(screen_line 1)" "Daftar balita stunting" "a list report opens (its title on top)"
F=$(sql "$DB" "SELECT m.name FROM member m JOIN household h ON h.id = m.parent_id WHERE m.stunted = 1 ORDER BY h.village, h.id, m.id LIMIT 1")
expect "$F" "its first row is the first stunted child by region ($N in all)"
send F4
wait_for "96.71  Kota Sorong"
type_text "96.71"
wait_gone "96.01  Kabupaten Sorong"
send Enter
if _poll 5 _row_has 0 "96.71 Kota Sorong"; then
	ok "F4 picks a region (typed 96.71): its code and name in the title"
else
	not_ok "F4 picks a region (typed 96.71): its code and name in the title" "$(screen)"
fi
F=$(sql "$DB" "SELECT m.name FROM member m JOIN household h ON h.id = m.parent_id WHERE m.stunted = 1 AND h.village LIKE '96.71%' ORDER BY h.village, h.id, m.id LIMIT 1")
like "$(screen_line 3)" "$F" "the list shows the stunted children of Kota Sorong first ($F)"
send F10 F10
expect "$(ui_text "Choose a register:")" "F10 twice: back to the main menu"
send F10
wait_exit >/dev/null
finish
