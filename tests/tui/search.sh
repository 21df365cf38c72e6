#!/bin/sh
# tests/tui/search.sh: the search screen on demo data, driven in tmux at
# 80x24: F3 from the menu, a partial name typed (a prefix of two words)
# shows the person among the hits, Enter opens the household at that
# member (the member's form, then F10 the household's); Ctrl-W and `/`
# from a list; a NIK prefix; a name word with a district word; a filter toggled with Tab and a digit keeps
# the elderly only; PgDn pages; stored control characters are never
# drawn raw.
. tests/lib.sh

DB=$T/search.db
run --db "$DB" demo --households 300 --seed 11
is "$RC" 0 "demo --households 300 exits 0"

# A person in the middle of the data, and a query of two partial words
# that finds them: the first 4 letters of the first word and the first 3
# of the last.
ROW=$(sql "$DB" "SELECT id, parent_id, nik, name FROM member WHERE name LIKE '% %' AND length(name) < 22 ORDER BY id LIMIT 1 OFFSET 400")
MID=$(echo "$ROW" | cut -d'|' -f1)
HID=$(echo "$ROW" | cut -d'|' -f2)
NIK=$(echo "$ROW" | cut -d'|' -f3)
NAME=$(echo "$ROW" | cut -d'|' -f4)
FIRST=$(echo "$NAME" | awk '{print tolower(substr($1, 1, 4))}')
LAST=$(echo "$NAME" | awk '{print toupper(substr($NF, 1, 3))}')
diag "person $MID '$NAME' (NIK $NIK) of household $HID; typing '$FIRST $LAST'"

start
expect "Keluarga" "main menu"
send F3
expect "$(ui_text "Type a name, a NIK or a KK number.")" "F3 opens the search screen"
type_text "$FIRST $LAST"
expect "$NIK" "a partial name (two word prefixes, mixed case) shows the person"
# Every hit matches both words.
BAD=$(screen | sed -n '4,21p' | grep '^A ' | awk -v f="$FIRST" -v l="$LAST" '
    { line = tolower($0); if (index(line, f) == 0 || index(line, tolower(l)) == 0) print }')
is "$BAD" "" "every person shown matches both typed words"

# Move to the person's row and open it.
R=$(row_of "$NIK")
i=3
while [ "$i" -lt "$R" ]; do send Down; i=$((i + 1)); done
send Enter
title_has() { screen_line 1 | grep -F -q -- "$1"; }
# (the name is in the hits too: wait for the form's title)
if _poll 5 title_has "$NAME"; then
	ok "Enter opens the member's form, titled with the person found"
else
	not_ok "Enter opens the member's form, titled with the person found" "$(screen)"
fi
if screen | grep -F -q "$NIK"; then ok "the member's form shows the NIK"; else not_ok "the member's form shows the NIK" "$(screen)"; fi
send F10
expect "#$HID" "F10 from the member goes to the household found (#$HID)"
send F10
expect "$(ui_text "Find:")" "F10 from the household goes back to the search"
expect "$NIK" "the hits are still there"
send F10
expect "$(ui_text "Choose a register:")" "F10 leaves the search screen"

# From a list: `/`, and Ctrl-W.
send Enter
expect "$(ui_text "Title")" "Enter opens the list"
send /
expect "$(ui_text "Type a name, a NIK or a KK number.")" "/ in a list opens the search"
send F10
expect "$(ui_text "Title")" "back to the list"
send C-w
expect "$(ui_text "Type a name, a NIK or a KK number.")" "Ctrl-W in a list opens the search"

# A NIK prefix: the person is among the hits, NIKs in order.
type_text "$(printf '%.12s' "$NIK")"
expect "$NIK" "the first 12 digits of the NIK find the person"
NIKS=$(screen | sed -n '4,21p' | grep -o '[0-9]\{16\}')
is "$NIKS" "$(printf '%s\n' "$NIKS" | sort)" "hits of a NIK prefix come in NIK order"
send C-k

# A name word and a place word (the first 5 letters of the person's
# district): the person among the hits, every person shown named so.
VIL=$(sql "$DB" "SELECT village FROM household WHERE id = $HID")
DW=$(sql "$DB" "SELECT lower(substr(name, 1, 5)) FROM kesra_region WHERE code = substr('$VIL', 1, 8)")
diag "district word '$DW'"
type_text "$FIRST $DW"
expect "$NIK" "a name word and a district word ($FIRST $DW) show the person"
BAD=$(screen | sed -n '4,21p' | grep '^A ' | awk -v f="$FIRST" '{ if (index(tolower($0), f) == 0) print }')
is "$BAD" "" "every person shown has the name word"
send C-k

# The elderly filter (the second of the dictionary's filters): ages >= 60.
type_text "a"
expect "A " "one letter finds persons"
send Tab 2
wait_for "2*" 3
AGES=$(screen | sed -n '4,21p' | grep '^A ' | cut -c43-46 | tr -d ' ')
YOUNG=$(printf '%s\n' "$AGES" | awk '$1 != "" && $1 < 60')
if [ -n "$AGES" ] && [ -z "$YOUNG" ]; then
	ok "Tab 2 (elderly) keeps persons aged 60 and over"
else
	not_ok "Tab 2 (elderly) keeps persons aged 60 and over" "$(screen)"
fi
send 2 Tab
send NPage
expect "$(ui_text "page %d%s" | sed 's/%d%s//')2" "PgDn shows the second page"
send PPage
expect "$(ui_text "page %d%s" | sed 's/%d%s//')1" "PgUp goes back to the first page"

# Stored control characters are shown sanitised.
sql "$DB" "UPDATE member SET name = 'Zzyqx' || char(27) || '[2J' || char(27) || ']0;pwn' || char(7) || 'Evil' WHERE id = $MID"
send C-k
type_text "zzyq"
expect "Evil" "a name with escape sequences is found"
like "$(screen_line 1)" "$(ui_text "Search")" "the title line is intact (no clear-screen sequence reached the terminal)"
if screen | grep -q "$(printf '\033')"; then not_ok "no raw escape on the screen"; else ok "no raw escape on the screen"; fi
send F10 F10 F10
STATUS=$(wait_exit 5)
is "$STATUS" 0 "kesra exits 0"
finish
