#!/bin/sh
# tests/tui/quality.sh: the data-quality screen and findings on opening a
# record, in tmux at 80x24 (in English). The register is the demo with the
# mistakes of tests/data/quality/plant.sql (see tests/cli/quality.sh).
#  1. v in the menu runs every check: the counts match `kesra validate`;
#     the groups by rule list every rule; Tab shows them by village and
#     then the completeness of each village.
#  2. Enter on the choice_filter group lists its finding; Enter opens the
#     member at the offending field (ui_entry_open_at); F10 goes back.
#  3. Opening a family with findings shows their count and the first on
#     the message line; F5 lists them; Ctrl-F too; F2 saves it as a draft.
#  4. A clean register: "No findings"; on entry, a NIK of another family
#     and a probable duplicate name the other record.
#  5. Esc stops the checks of a large register after a page.
. tests/lib.sh

KESRA_TODAY=2026-11-28
export KESRA_TODAY
DB=$T/q.db

"$KESRA" --db "$DB" --schema "$TOP/schema" demo --households 60 --seed 7 \
    >/dev/null 2>"$T/demo.err"
cp "$DB" "$T/clean.db"
sqlite3 -batch "$DB" <"$TOP/tests/data/quality/plant.sql"
"$KESRA" --db "$DB" --lang en validate >"$T/v.tsv" 2>"$T/v.err"
nerr=$(awk -F '\t' '$5 == "error"' "$T/v.tsv" | wc -l | tr -d ' ')
nwarn=$(awk -F '\t' '$5 == "warning"' "$T/v.tsv" | wc -l | tr -d ' ')

_at() { [ "$(cursor_y)" = "$(row_of "$1")" ]; }
at_field() { _poll 5 _at "$1"; }
# select TEXT: Down until the cursor is on the line holding TEXT.
select_line() {
	_i=0
	while [ "$_i" -lt 80 ]; do
		_r=$(row_of "$1")
		[ "$_r" -ge 0 ] && [ "$(cursor_y)" = "$_r" ] && return 0
		send Down
		sleep 0.05
		_i=$((_i + 1))
	done
	return 1
}

start --env KESRA_TODAY=$KESRA_TODAY -- --lang en
wait_for "Choose a register:" >/dev/null
like "$(screen)" "v  Data quality" "the menu lists the data-quality screen"
send v
if wait_for "records checked:" 20; then
	ok "v opens the data-quality screen"
else
	not_ok "v opens the data-quality screen" "$(screen)"
fi
like "$(screen)" "Data quality - by rule" "grouped by rule first"
like "$(screen)" "60 records checked: $nerr errors, $nwarn warnings, 1 accepted" \
    "the counts are those of kesra validate"
like "$(screen)" "choice_filter" "a group per rule (choice_filter)"
like "$(screen)" "unique                                      4 err      0 warn      0 acc" \
    "a group per rule with its counts (unique: 4 errors)"
send Tab
if wait_for "Data quality - by village"; then
	ok "Tab: by village"
else
	not_ok "Tab: by village" "$(screen)"
fi
like "$(screen)" "96.01.01.1001" "villages listed by code"
send Tab
if wait_for "% complete"; then
	ok "Tab: completeness of each village"
else
	not_ok "Tab: completeness of each village" "$(screen)"
fi
like "$(screen)" "Fields most often left empty where asked:" \
    "the fields most often left empty are listed"
send BTab BTab
wait_for "Data quality - by rule" >/dev/null
if select_line "choice_filter" && send Enter && wait_for "> choice_filter"; then
	ok "Enter on a rule lists its findings"
else
	not_ok "Enter on a rule lists its findings" "$(screen)"
fi
like "$(screen)" "Highest level of education: This choice does not" \
    "the finding names the field and the message"
send Enter
if at_field "Highest level of education"; then
	ok "Enter opens the member at the offending field"
else
	not_ok "Enter opens the member at the offending field" "$(screen)"
fi
# back: the member, the family, then the findings of the group
# (each F10 waits for the title line to change: no key ahead of the screen)
_title_changed() { [ "$(screen_line 1)" != "$_prev" ] || _on_screen "$_want"; }
back_to() {
	_i=0
	_want=$1
	while [ "$_i" -lt 5 ] && ! _on_screen "$1"; do
		_prev=$(screen_line 1)
		send F10
		_poll 5 _title_changed
		_i=$((_i + 1))
	done
	_on_screen "$1"
}
if back_to "> choice_filter"; then
	ok "F10 goes back to the findings"
else
	not_ok "F10 goes back to the findings" "$(screen)"
fi
send F10
wait_for "Data quality - by rule" >/dev/null
if select_line "min_count" && send Enter && wait_for "> min_count"; then
	send Enter
	if wait_for "open finding(s)"; then
		ok "a family opened from the screen shows its open findings"
	else
		not_ok "a family opened from the screen shows its open findings" "$(screen)"
	fi
	like "$(screen)" "member: at least 1 rows" "the first finding on the message line"
	send F5
	if wait_for "Findings (Enter: go to it)"; then
		ok "F5 lists the record's findings"
	else
		not_ok "F5 lists the record's findings" "$(screen)"
	fi
	send Escape
	wait_gone "Findings (Enter: go to it)" >/dev/null
	send C-f
	if wait_for "Findings (Enter: go to it)"; then
		ok "Ctrl-F lists them too"
	else
		not_ok "Ctrl-F lists them too" "$(screen)"
	fi
	send Escape
	wait_gone "Findings (Enter: go to it)" >/dev/null
	# saved with its open error: stored as a draft, and it says so
	send F2
	if wait_for "Errors remain"; then
		send y
		if wait_for "Saved as a draft"; then
			ok "F2 with an open error: saved as a draft, and it says so"
		else
			not_ok "F2 with an open error: saved as a draft, and it says so" "$(screen)"
		fi
	else
		not_ok "F2 with an open error asks to save as a draft" "$(screen)"
	fi
	is "$(sql "$DB" "SELECT status FROM household WHERE id = 15")" "draft" \
	    "sqlite3: a family with an open error is stored as draft, not complete"
else
	not_ok "the min_count group" "$(screen)"
fi
back_to "Choose a register:" >/dev/null
send F10
is "$(wait_exit 5)" 0 "kesra quits"

start --db "$T/clean.db" --env KESRA_TODAY=$KESRA_TODAY -- --lang en
wait_for "Choose a register:" >/dev/null
send v
if wait_for "No findings: every check passes." 20; then
	ok "a clean register: no finding on screen"
else
	not_ok "a clean register: no finding on screen" "$(screen)"
fi
like "$(screen)" "60 records checked: 0 errors, 0 warnings, 0 accepted" "clean counts"
send F10
wait_for "Choose a register:" >/dev/null

# On entry: a new member of family 2 with the NIK of family 1's head is
# refused naming family 1 and its head; with its own NIK but the head's
# name (written differently) and birth date, F5 lists the probable
# duplicate naming the head and family 1.
q() { sql "$T/clean.db" "$1"; }
HNAME=$(q "SELECT name FROM member WHERE parent_id = 1 AND relationship = 1")
HNIK=$(q "SELECT nik FROM member WHERE parent_id = 1 AND relationship = 1")
HBORN=$(q "SELECT birth_date FROM member WHERE parent_id = 1 AND relationship = 1")
KK1=$(q "SELECT kk_number FROM household WHERE id = 1")
NEWNIK=$(printf '%s' "$HNIK" | cut -c1-12)9999
send Enter
wait_for "$KK1" >/dev/null
send Down Enter
wait_for "Family #2" >/dev/null
_i=0
while [ "$_i" -lt 9 ] && ! _on_screen "n add"; do
	send C-v
	wait_for "n add" 1 >/dev/null
	_i=$((_i + 1))
done
send n
if at_field "Row no."; then
	ok "a new member row of family 2"
else
	not_ok "a new member row of family 2" "$(screen)"
fi
type_text 9
send Enter
type_text "$(printf '%s' "$HNAME" | tr '[:lower:]' '[:upper:]')"
send Enter
type_text "$HNIK"
send Enter
if wait_for "Already used by Family member"; then
	ok "a NIK used in another family is refused on entry"
else
	not_ok "a NIK used in another family is refused on entry" "$(screen)"
fi
like "$(screen)" "in Family '$(printf '%.8s' "$KK1")" "the message names the other family"
send C-k
type_text "$NEWNIK"
send Enter
at_field "Presence in the family" >/dev/null
type_text 1
send Enter
type_text 1
send Enter
type_text "$HBORN"
send Enter
send F5
if wait_for "Findings (Enter: go to it)"; then
	ok "F5 in the row lists its findings"
else
	not_ok "F5 in the row lists its findings" "$(screen)"
fi
# the list filters as one types
type_text "Probably"
if wait_for "[warning] Name: Probably entered twice"; then
	ok "the probable duplicate is listed on entry"
else
	not_ok "the probable duplicate is listed on entry" "$(screen)"
fi
send Enter
if at_field "Name"; then
	ok "Enter on it goes to the name"
else
	not_ok "Enter on it goes to the name" "$(screen)"
fi
like "$(screen)" "Probably entered twice" "its message on the message line"
like "$(screen)" "1. $(printf '%s' "$HNAME" | cut -d' ' -f1)" "it names the other person"
send F10
wait_for "Unsaved" 2 >/dev/null && send n
back_to "Choose a register:" >/dev/null
if ! _on_screen "Choose a register:"; then
	wait_for "Unsaved" 1 >/dev/null && send n
	back_to "Choose a register:" >/dev/null
fi
send F10
is "$(wait_exit 5)" 0 "kesra quits"

# Esc stops a long run after the page being checked (500 families).
"$KESRA" --db "$T/big.db" --schema "$TOP/schema" demo --households 1500 \
    --seed 3 >/dev/null 2>"$T/demo2.err"
start --db "$T/big.db" --env KESRA_TODAY=$KESRA_TODAY -- --lang en
wait_for "Choose a register:" >/dev/null
send v Escape
if wait_for "Stopped: 500 records checked" 20; then
	ok "Esc stops the checks after a page"
else
	not_ok "Esc stops the checks after a page" "$(screen)"
fi
like "$(screen)" "500 records checked:" "the findings so far are shown"
send F10
wait_for "Choose a register:" >/dev/null
send F10
is "$(wait_exit 5)" 0 "kesra quits"
finish
