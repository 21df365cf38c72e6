#!/bin/sh
# tests/tui/report_quality.sh: the data-quality summary on the report
# screen at 80x24, on a demo register with the mistakes of
# tests/data/quality/plant.sql: chosen from the list (End, Up), run for all
# regions (a row per regency), the totals row against `kesra validate`,
# Enter drills down to the districts of a regency (its row against
# `kesra validate --region`), F10 goes back up.
. tests/lib.sh

KESRA_TODAY=2026-11-28
export KESRA_TODAY
DB=$T/kesra.db
"$KESRA" --db "$DB" demo --households 60 --seed 7 >/dev/null 2>"$T/demo.err" ||
    { not_ok "demo database" "$(cat "$T/demo.err")"; finish; }
sqlite3 -batch "$DB" <"$TOP/tests/data/quality/plant.sql" 2>"$T/plant.err" ||
    { not_ok "mistakes planted" "$(cat "$T/plant.err")"; finish; }

# "checked errors warnings accepted" of `kesra validate [--region CODE]`
vsum() {
	"$KESRA" --db "$DB" --lang en validate "$@" 2>&1 >/dev/null | grep "record(s) checked" |
	    sed 's/^\([0-9]*\) record(s) checked with their rosters: \([0-9]*\) error(s), \([0-9]*\) warning(s), \([0-9]*\) accepted.*/\1 \2 \3 \4/'
}
# the numbers of a screen line: checked, with errors, errors, warnings, accepted
nums() { awk '{ s = ""; for (i = 1; i <= NF; i++) if ($i ~ /^[0-9]+$/) s = s (s == "" ? "" : " ") $i; print s }'; }
rname() { sql "$DB" "SELECT name FROM kesra_region WHERE code = '$1'"; }

start
expect "$(ui_text "Reports")" "the main menu offers the reports (r)"
send r
expect "Ringkasan mutu data" "the list of reports offers the data-quality summary"
send End Up Enter
expect "Diperiksa" "End, Up, Enter: the data-quality summary runs"
like "$(screen_line 1)" "Ringkasan mutu data" "its title on top"
REG=$(sql "$DB" "SELECT substr(village, 1, 5) FROM household GROUP BY 1 ORDER BY 1 LIMIT 1")
REGN=$(rname "$REG")
expect "$REGN" "a row per regency ($REGN first)"
is "$(screen_line 22 | nums | awk '{ print $1, $3, $4, $5 }')" "$(vsum)" \
    "the totals row: checked, errors, warnings, accepted as kesra validate counts them"
is "$(screen | grep -F -- "$REGN" | head -1 | nums | awk '{ print $1, $3, $4, $5 }')" "$(vsum --region "$REG")" \
    "the row of $REGN as kesra validate --region $REG counts it"
send Enter
expect "$REG $REGN" "Enter drills into the first regency"
expect "$(ui_text "District")" "its districts are listed"
is "$(screen_line 22 | nums | awk '{ print $1, $3, $4, $5 }')" "$(vsum --region "$REG")" \
    "the district view's totals: the regency's findings"
send F10
wait_gone "$REG $REGN" 5
like "$(screen_line 1)" "Ringkasan mutu data" "F10 goes back up to all regions"
send F10
expect "Rekap indikator kesejahteraan" "F10: back to the list of reports"
send F10 F10 F10
wait_exit >/dev/null
finish
