#!/bin/sh
# tests/tui/own_dictionary.sh: kesra on a dictionary of its own (not the
# bundled one), with no forms/ folder: forms are generated in dictionary
# order, records are stored in a table named after the record.
. tests/lib.sh

MINI=$TOP/tests/data/two_fields/schema
ORDER=$TOP/tests/data/generated/schema
DB=$T/mini.db

# ---- two fields, in a folder of its own ------------------------------------
start -- --schema "$MINI" --db "$DB" --lang en
expect "Person" "the menu lists the record of the own dictionary"
like "$(screen_line 1)" "mini" "the title line names dictionary 'mini'"
unlike "$(screen)" "Household" "the bundled dictionary is not used"
send n
expect "Full name *" "n opens the generated form"
nrow=$(label_row "Full name")
arow=$(label_row "Age")
if [ "$nrow" -ge 0 ] && [ "$arow" -eq $((nrow + 1)) ]; then
	ok "generated form: name, then age below it (dictionary order)"
else
	not_ok "generated form: name, then age below it (dictionary order)" \
	    "rows: name $nrow, age $arow" "$(screen)"
fi
cursor_in "Full name" "the cursor starts in the first field"
send Enter
msg_has "Full name: " "Enter on the empty required name: message names it"
fill "Full name" "Ana María Lópes" &&
fill "Age" "131"
msg_has "Age: " "age 131 (max 130): message names the field"
cursor_in "Age" "the cursor stays in Age"
send C-k
if _poll 5 _row_matches "$(label_row Age)" '^Age[ .]*$'; then
	ok "Ctrl-K clears the field"
else
	not_ok "Ctrl-K clears the field" "$(screen)"
fi
fill "Age" "42" F2
msg_has "Ana María Lópes (42) (#1)" "F2 saves; the message shows the record's title"
is "$(sql "$DB" "SELECT id, name, age, typeof(age), status, rev FROM person")" \
    "1|Ana María Lópes|42|integer|complete|1" "sqlite3: the row in table person"
is "$(sql "$DB" "SELECT group_concat(name, ',') FROM pragma_table_info('person')
    WHERE name IN ('name', 'age')")" "name,age" \
    "sqlite3: one column per field, in dictionary order"
is "$(sql "$DB" "SELECT count(*) FROM sqlite_schema WHERE name = 'household'")" 0 \
    "sqlite3: no table of the bundled dictionary"
is "$(sql "$DB" "SELECT value FROM kesra_meta WHERE key = 'dictionary'")" mini \
    "sqlite3: kesra_meta names dictionary mini"
send F10
expect_gone "Full name" "F10 goes back"
if wait_for "Person" && screen | grep -E -q 'Person +1 '; then
	ok "menu counts 1 person"
else
	not_ok "menu counts 1 person" "$(screen)"
fi
send Enter
expect "Ana María Lópes (42)" "the list shows the saved record's title"
send Enter
if wait_for "Full name" && _row_has "$(label_row Age)" "42"; then
	ok "Enter opens it with its values"
else
	not_ok "Enter opens it with its values" "$(screen)"
fi
send Tab
at_field "Age"
send C-k
fill "Age" "43" C-o
msg_has "(#1)" "Ctrl-O saves the change"
is "$(sql "$DB" "SELECT id, age, rev FROM person")" "1|43|2" \
    "sqlite3: same row, age 43, rev 2"
send C-x
wait_for "Ana María Lópes (43)" >/dev/null
send C-x
wait_for "Person" >/dev/null
send C-x
is "$(wait_exit)" 0 "kesra exits with status 0"
if [ -s "$ERR_FILE" ]; then
	not_ok "nothing on stderr" "$(head -20 "$ERR_FILE")"
else
	ok "nothing on stderr"
fi

# The same dictionary in Indonesian (its first language is en; --lang id
# picks its id labels).
start -- --schema "$MINI" --db "$DB" --lang id
expect "Orang" "--lang id: the record label in Indonesian"
send n
expect "Nama lengkap *" "--lang id: the field labels in Indonesian"
send C-x
wait_gone "Nama lengkap" >/dev/null
send C-x
is "$(wait_exit)" 0 "exit status 0"

# ---- the list: a screenful at a time --------------------------------------
DB=$T/many.db
run --db "$DB" --schema "$MINI" init
sql "$DB" "WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n
    WHERE i < 45) INSERT INTO person (uuid, created_at, status, name, age)
    SELECT 'u' || i, '2024-01-01', 'complete', printf('Person %02d', i), i
    FROM n"
shown() { # the records listed, as "first-last count"
	screen | awk '/^ +[0-9]+  Person [0-9]+ / { if (!f) f = $3; l = $3; n++ }
	    END { printf "%s-%s %d", f, l, n }'
}
_shown_is() { [ "$(shown)" = "$1" ]; }
list_is() { # WANT DESC
	if _poll 5 _shown_is "$1"; then
		ok "$2"
	else
		not_ok "$2" "want $1, got $(shown)" "$(screen)"
	fi
}
start -- --schema "$MINI" --db "$DB" --lang en
wait_for "Person"
send Enter
list_is "01-19 19" "the list shows the first screenful (19 of 45)"
like "$(screen_line 1)" "45" "the title line shows the total"
send NPage
list_is "20-38 19" "PgDn shows the next screenful"
send C-v
list_is "39-45 7" "Ctrl-V shows the last, partial screenful"
send NPage
list_is "39-45 7" "PgDn on the last screenful stays"
send PPage
list_is "20-38 19" "PgUp goes back"
send Home
list_is "01-19 19" "Home shows the first screenful"
send End
list_is "27-45 19" "End shows the last screenful"
send Home
list_is "01-19 19" "Home again"
send Down Down Down Enter
expect "Person 04" "Down x3, Enter opens the fourth record"
# "Person 04" is on the list too: wait for the form's title itself
_title_has() { screen_line 1 | grep -F -q -- "$1"; }
_poll 5 _title_has "#4"
like "$(screen_line 1)" "#4" "the form title says #4"
send F10
list_is "01-19 19" "F10 back to the same screenful"
send Up
send Up
send Up
send Up
list_is "01-19 19" "Up at the first record stays on the first screenful"
send F10
wait_for "Person" >/dev/null
send F10
is "$(wait_exit)" 0 "exit status 0"

# ---- someone else saved the record meanwhile: no lost update ----------------
DB=$T/conc.db
run --db "$DB" --schema "$MINI" init
sql "$DB" "INSERT INTO person (uuid, created_at, status, name, age)
    VALUES ('u1', '2024-01-01', 'complete', 'Ani', 30)"
start -- --schema "$MINI" --db "$DB" --lang en
wait_for "Person"
send Enter
wait_for "Ani (30)"
send Enter
expect "Person #1" "record #1 opened"
# another operator saves it while it is open here
sql "$DB" "UPDATE person SET age = 31, rev = rev + 1, updated_by = 'siti',
    updated_at = '2024-02-02 10:00:00'"
send Tab
at_field "Age"
send C-k
fill "Age" "40" F2
msg_has "siti" "F2 on a record changed meanwhile: refused, naming who changed it"
is "$(sql "$DB" "SELECT age, rev FROM person")" "31|2" \
    "sqlite3: the other operator's change is kept (no lost update)"
send n # keep the form as typed (the question offers to reload)
msg_has "siti" "n keeps the form; the message still names who changed it"
send F10
msg_has "$(printf '%.20s' "$(ui_text "Unsaved changes. Save them? y = save, n = discard, Esc = stay" en)")" \
    "F10 asks, since the change was not saved"
send n
wait_for "Ani (31)" >/dev/null
send F10
wait_for "Person" >/dev/null
send F10
is "$(wait_exit)" 0 "exit status 0"

# ---- 24 fields without labels: order, and a second page --------------------
EXPECT1="zulu alpha yankee bravo xray charlie whiskey delta victor echo uniform foxtrot tango golf sierra hotel romeo india quebec juliet papa"
EXPECT2="kilo oscar lima"
labels() { # the first word of each form row (rows 2-22 of the screen)
	screen | sed -n '2,22p' | awk 'NF { printf "%s%s", s, $1; s = " " }'
}
DB=$T/order.db
start -- --schema "$ORDER" --db "$DB"
expect "survey" "a record without a label is listed by its name"
send n
if wait_for "zulu" && wait_for "papa"; then
	is "$(labels)" "$EXPECT1" \
	    "page 1: the first 21 fields, in dictionary order, labelled by name"
else
	not_ok "page 1: the first 21 fields" "$(screen)"
fi
like "$(screen_line 1)" "1/2" "the fields that do not fit go on page 2"
send NPage
if wait_for "kilo"; then
	is "$(labels)" "$EXPECT2" "page 2: the remaining fields in order"
else
	not_ok "page 2: the remaining fields in order" "$(screen)"
fi
send PPage
at_field "zulu"
i=1
ok_fill=1
for n in $EXPECT1 $EXPECT2; do
	fill "$n" "$i" || { ok_fill=0; break; }
	i=$((i + 1))
done
is "$ok_fill" 1 "Enter goes through all 24 fields in order, across the page"
send F2
msg_has "(#1)" "F2 saves"
is "$(sql "$DB" "SELECT zulu, alpha, papa, kilo, lima FROM survey")" \
    "1|2|21|22|24" "sqlite3: each value in its own column"
send F10
wait_gone "zulu" >/dev/null
send F10
is "$(wait_exit)" 0 "exit status 0"

finish
