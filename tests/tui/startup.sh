#!/bin/sh
# tests/tui/startup.sh: start-up of the entry screens. The dictionary's
# expressions are compiled after the first paint when the database is
# current (nothing to migrate); a mistake in one still ends kesra with every
# mistake listed and nothing written. When the database needs migrating
# they are compiled before anything is written, as before.
. tests/lib.sh

D=$T/dict
DB=$T/mini.db
mkdir -p "$D"
cp "$TOP/tests/data/two_fields/schema/mini.yaml" "$D/"
run --schema "$D" --db "$DB" init
is "$RC" 0 "init on the two-field dictionary"

# ---- a good dictionary: the menu, then a form whose checks work ----------
start -- --schema "$D" --db "$DB" --lang en
expect "Person" "the menu shows"
send n
expect "Full name *" "n opens the form (expressions compiled after the paint)"
send F10
expect_gone "Full name" "F10 goes back to the menu"
send F10
is "$(wait_exit 10)" 0 "F10 quits with status 0"

# ---- a mistake in an expression of a current database ----------------------
# a constraint is not part of the stored structure: the file stays current
sed 's/max: 130,/max: 130, constraint: "nosuch > 1",/' \
    "$TOP/tests/data/two_fields/schema/mini.yaml" >"$D/mini.yaml"
before=$(cksum <"$DB")
start -- --schema "$D" --db "$DB" --lang en
is "$(wait_exit 10)" 1 "an expression naming an unknown field: exit status 1"
like "$(cat "$ERR_FILE")" "nosuch" "the mistake is named on stderr"
like "$(cat "$ERR_FILE")" "1 problem(s) in the dictionary; nothing was written" \
    "the count of mistakes, and nothing was written"
is "$(cksum <"$DB")" "$before" "the database file is unchanged"

# ---- a changed structure too: checked before the migration -----------------
sed 's/max: 130,/max: 130, constraint: "nosuch > 1",/
s/^      - {name: age/      - {name: note, type: text, width: 10,\
         label: {en: Note, id: Catatan}}\
      - {name: age/' "$TOP/tests/data/two_fields/schema/mini.yaml" >"$D/mini.yaml"
start -- --schema "$D" --db "$DB" --lang en
is "$(wait_exit 10)" 1 "a new field and a bad expression: exit status 1"
like "$(cat "$ERR_FILE")" "nosuch" "the mistake is named on stderr"
is "$(sql "$DB" "SELECT count(*) FROM pragma_table_info('person')
    WHERE name = 'note'")" 0 "the new field's column was not added"

finish
