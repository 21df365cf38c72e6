#!/bin/sh
# tests/cli/schema_lang.sh: the schema language on the command line, with
# the fixture dictionary that uses every construct (tests/data/constructs):
# `check` accepts it; a broken copy with many mistakes at once is refused
# with every mistake on its own line as file:line:col (by check, init and
# the TUI, which writes nothing); a changed copy (version 2: a renamed
# field, a new field, a new rule) is previewed by `migrate --dry-run`
# without writing, then applied keeping the data.
#
# Messages may be translated; where words matter KESRA_LANG=en is set.
. tests/lib.sh

GOOD=$TOP/tests/data/constructs
KESRA_TODAY=2026-11-28
export KESRA_TODAY

nlines() { # number of lines in $1 (0 for an empty string)
	if [ -z "$1" ]; then echo 0; else printf '%s\n' "$1" | wc -l | tr -d ' '; fi
}

# line_of FILE TEXT: the number of the first line of FILE holding TEXT.
line_of() {
	grep -n -F -- "$2" "$1" | head -1 | cut -d: -f1
}

# has_pos WHAT FILE LINE [WORD]: a check that stderr ($ERR) has a line
# "FILE:LINE:COL: ..." (naming WORD when given).
has_pos() {
	_hits=$(printf '%s\n' "$ERR" | grep -E -- "^$2:$3:[0-9]+: " |
	    grep -F -- "${4:-}")
	if [ -n "$_hits" ]; then
		ok "$1 ($(basename "$2"):$3)"
	else
		not_ok "$1 ($(basename "$2"):$3)" \
		    "want a line '$2:$3:COL: ...'${4:+ naming '$4'}" "stderr:" "$ERR"
	fi
}

# ---- the fixture dictionary passes ---------------------------------------------
run --schema "$GOOD" check
if [ "$RC" -eq 0 ] && [ -z "$ERR" ]; then
	ok "check on tests/data/constructs: exit 0, nothing on stderr"
else
	not_ok "check on tests/data/constructs: exit 0, nothing on stderr" "$(run_diag)"
fi
like "$OUT" "constructs" "check names the dictionary 'constructs'"
like "$OUT" "tests/data/constructs/schema/kesra.yaml" "check names the dictionary file"

# ---- a broken copy: eight mistakes at once ---------------------------------------
# Copy the fixture, then add to the household: a calculation cycle, a
# calculation reading a table, a relevant naming an unknown field, an
# unknown function, a choice_filter on a choice column the value set lacks
# and a region field without level; a roster whose parent does not exist;
# a form page naming an unknown field.
BAD=$T/bad
cp -R "$GOOD" "$BAD"
BY=$BAD/schema/kesra.yaml
BF=$BAD/forms/household.yaml
# expression mistakes, each on a line of its own
sed '/label: {id: Luas per anggota, en: Area per member}}/a\
      - {name: cyc_a, type: calculate, calculation: "cyc_b + 1"}\
      - {name: cyc_b, type: calculate, calculation: "cyc_a + 1"}\
      - {name: n_households, type: calculate,\
         calculation: "(SELECT count(*) FROM household)"}\
      - {name: odd_relevant, type: integer, relevant: "no_such_field > 1"}\
      - {name: odd_function, type: integer, constraint: "frobnicate(odd_function) > 0"}\
      - {name: odd_filter, type: select_one, values: sex,\
         choice_filter: "choice.min_age <= 3"}' "$GOOD/schema/kesra.yaml" >"$T/expr.yaml"
# the same with the structural mistakes as well
{
	sed '/choice_filter: "choice.min_age <= 3"}/a\
      - {name: odd_region, type: region}' "$T/expr.yaml"
	printf '  pet:\n    parent: no_such_record\n    fields:\n      - {name: pet_name, type: text}\n'
} >"$BY"
sed 's/floor_area, area_per_member\]/floor_area, area_per_member, ghost_field]/' \
    "$GOOD/forms/household.yaml" >"$BF"
check "the broken copy differs from the fixture" \
    sh -c "! cmp -s '$BY' '$GOOD/schema/kesra.yaml' && ! cmp -s '$BF' '$GOOD/forms/household.yaml'"

L_CYC_A=$(line_of "$BY" "name: cyc_a,")
L_CYC_B=$(line_of "$BY" "name: cyc_b,")
L_TABLE=$(line_of "$BY" "(SELECT count(*) FROM household)")
L_RELEV=$(line_of "$BY" "no_such_field > 1")
L_FUNC=$(line_of "$BY" "frobnicate(")
L_FILTER=$(line_of "$BY" "choice.min_age <= 3")
L_REGION=$(line_of "$BY" "name: odd_region,")
L_PARENT=$(line_of "$BY" "parent: no_such_record")
L_PET=$(line_of "$BY" "  pet:")
L_FORM=$(line_of "$BF" "ghost_field")

# has_expr PREFIX FILE: each of the five expression mistakes has its line
# in $ERR (FILE: the dictionary run).
has_expr() {
	_c="$2:($L_CYC_A|$L_CYC_B)"
	if printf '%s\n' "$ERR" | grep -E -q "^$_c:[0-9]+: .*cyc_a.*cyc_b|^$_c:[0-9]+: .*cyc_b.*cyc_a"; then
		ok "$1: the calculation cycle cyc_a -> cyc_b -> cyc_a (line $L_CYC_A or $L_CYC_B)"
	else
		not_ok "$1: the calculation cycle cyc_a -> cyc_b -> cyc_a (line $L_CYC_A or $L_CYC_B)" \
		    "stderr:" "$ERR"
	fi
	has_pos "$1: the expression reading table household" "$2" "$L_TABLE" household
	has_pos "$1: the unknown field in a relevant" "$2" "$L_RELEV" no_such_field
	has_pos "$1: the unknown function" "$2" "$L_FUNC" frobnicate
	has_pos "$1: the choice_filter on a missing choice column" "$2" "$L_FILTER" min_age
}

# has_all PREFIX: each of the eight mistakes has its line in $ERR.
has_all() {
	has_expr "$1" "$BY"
	has_pos "$1: the region field without level" "$BY" "$L_REGION" odd_region
	if printf '%s\n' "$ERR" | grep -E "^$BY:($L_PET|$L_PARENT):[0-9]+: " |
	    grep -F -q no_such_record; then
		ok "$1: the roster whose parent does not exist (line $L_PET or $L_PARENT)"
	else
		not_ok "$1: the roster whose parent does not exist (line $L_PET or $L_PARENT)" \
		    "stderr:" "$ERR"
	fi
	has_pos "$1: the form page naming an unknown field" "$BF" "$L_FORM" ghost_field
	_n=$(printf '%s\n' "$ERR" | grep -c -E "^$BAD/(schema|forms)/[a-z]+\.yaml:[0-9]+:[0-9]+: ")
	if [ "$_n" -ge 8 ]; then
		ok "$1: one line per mistake ($_n lines with file:line:col)"
	else
		not_ok "$1: one line per mistake (want 8 lines with file:line:col, got $_n)" \
		    "stderr:" "$ERR"
	fi
}

# The expression mistakes alone (a dictionary otherwise sound): each is
# found, so a miss below comes from the mix, not from the check itself.
mkdir -p "$T/expr_only/schema"
cp "$T/expr.yaml" "$T/expr_only/schema/kesra.yaml"
cp "$GOOD/schema/regions.csv" "$T/expr_only/schema/"
cp -R "$GOOD/forms" "$T/expr_only/forms"
KESRA_LANG=en run --schema "$T/expr_only" check
EY=$T/expr_only/schema/kesra.yaml
if [ "$RC" -eq 1 ] && [ -z "$OUT" ] && [ "$(printf '%s\n' "$ERR" |
    grep -c -E "^$EY:[0-9]+:[0-9]+: ")" -ge 5 ]; then
	ok "the five expression mistakes alone: exit 1, five lines with file:line:col"
else
	not_ok "the five expression mistakes alone: exit 1, five lines with file:line:col" "$(run_diag)"
fi
has_expr "the expression mistakes alone" "$EY"
like "$ERR" "cyc_a -> cyc_b -> cyc_a" "the cycle is named a -> b -> a"
like "$ERR" "age(date" "the unknown function: the message lists kesra's helpers"
like "$ERR" "has columns: code" "the missing choice column: the message lists the value set's columns"

# All eight at once.
KESRA_LANG=en run --schema "$BAD" check
if [ "$RC" -eq 1 ] && [ -z "$OUT" ]; then
	ok "check on the broken copy: exit 1, nothing on stdout"
else
	not_ok "check on the broken copy: exit 1, nothing on stdout" "$(run_diag)"
fi
has_all "check"
CHECK_ERR=$ERR

run --schema "$BAD" --db "$T/bad.db" init
is "$RC" 1 "init on the broken copy: exit 1"
check "init on the broken copy: no database file" test ! -e "$T/bad.db"

# The TUI refuses to start on it: exit 1, the same messages on stderr.
DB=$T/tui_bad.db
start --env KESRA_LANG=en -- --schema "$BAD" --db "$DB"
st=$(wait_exit 10)
is "$st" 1 "the TUI on the broken copy exits with status 1"
ERR=$(cat "$ERR_FILE")
if [ -n "$ERR" ] && [ "$ERR" = "$CHECK_ERR" ]; then
	ok "the TUI prints the same messages as check on stderr"
else
	not_ok "the TUI prints the same messages as check on stderr" \
	    "TUI stderr:" "$ERR" "check stderr:" "$CHECK_ERR"
fi
has_pos "the TUI names the form's unknown field" "$BF" "$L_FORM" ghost_field
check "the TUI writes no database file" test ! -e "$DB"
check "nor its WAL file" test ! -e "$DB-wal"

# ---- migration: version 2 renames a field, adds a field and a rule ------------------
V2=$T/v2
cp -R "$GOOD" "$V2"
sed -e 's/^version: 1$/version: 2/' \
    -e 's/title: "${kk} ${address}"/title: "${kk} ${street}"/' \
    -e 's/{name: address, type: text,/{name: street, renamed_from: address, type: text,/' \
    -e '/{name: phone, type: phone, label: {id: Telepon, en: Phone}}/a\
      - {name: rooms, type: integer, min: 1, max: 50,\
         label: {id: Jumlah kamar, en: Rooms}}' \
    -e '/message: {id: Jumlah anggota minimal 1, en: At least one member}/a\
      - name: phone_known\
        check: "phone IS NOT NULL"\
        severity: error\
        message: {id: Telepon wajib diisi, en: Phone needed}' \
    "$GOOD/schema/kesra.yaml" >"$V2/schema/kesra.yaml"
sed 's/kk, address, phone\]/kk, street, phone, rooms]/' "$GOOD/forms/household.yaml" \
    >"$V2/forms/household.yaml"
run --schema "$V2" check
is "$RC" 0 "the version 2 copy passes check"

MDB=$T/mig.db
run --schema "$GOOD" --db "$MDB" init
is "$RC" 0 "migration: init with the constructs dictionary"
sql "$MDB" "INSERT INTO household (uuid, status, created_at, province, regency,
    district, village, kk, address, phone, members, floor_area, area_per_member)
    VALUES ('h1', 'complete', '2026-01-01 08:00:00', '96', '96.01', '96.01.02',
    '96.01.02.2003', '9601021234560001', 'Jl. Klarion 1', '081234567890', 1, 20, 20),
    ('h2', 'complete', '2026-01-01 08:00:00', '96', '96.71', '96.71.01',
    '96.71.01.1004', '9671011234560002', 'Jl. Remu 2', NULL, 1, 30, 30);
    INSERT INTO member (uuid, parent_id, status, created_at, ord, name, nik, sex,
    birth_date, age, relationship) VALUES
    ('m1', 1, 'complete', '2026-01-01 08:00:00', 0, 'Budi Santoso', '9601021505900001',
    1, '1990-05-15', 36, 1),
    ('m2', 2, 'complete', '2026-01-01 08:00:00', 0, 'Yakob Mayor', '9671010101800006',
    1, '1980-01-01', 46, 1)"
is "$(sql "$MDB" "SELECT count(*) FROM household")" 2 "sqlite3: two households inserted"
before=$(sum_of "$MDB")
KESRA_LANG=en run --schema "$V2" --db "$MDB" migrate --dry-run
is "$RC" 0 "migrate --dry-run: exit 0"
like "$OUT" "household.address" "migrate --dry-run names the old column household.address"
if printf '%s\n' "$OUT" | grep -i rename | grep -F household.address | grep -F -q street; then
	ok "migrate --dry-run lists the rename address -> street"
else
	not_ok "migrate --dry-run lists the rename address -> street" "$(run_diag)"
fi
like "$OUT" "household.rooms" "migrate --dry-run lists the new column household.rooms"
if printf '%s\n' "$OUT" | grep -E -q "^would fail: .*rule 'phone_known': 1 record\(s\)$"; then
	ok "migrate --dry-run: would fail: ... rule 'phone_known': 1 record(s)"
else
	not_ok "migrate --dry-run: would fail: ... rule 'phone_known': 1 record(s)" "$(run_diag)"
fi
is "$(sum_of "$MDB")" "$before" "migrate --dry-run leaves the file unchanged (checksum)"
is "$(sql "$MDB" "SELECT group_concat(name, ',') FROM pragma_table_info('household')
    WHERE name IN ('address', 'street', 'rooms')")" "address" \
    "migrate --dry-run: still address, no street, no rooms"
is "$(sql "$MDB" "SELECT value FROM kesra_meta WHERE key = 'version'")" 1 \
    "migrate --dry-run: kesra_meta still at version 1"

KESRA_LANG=en run --schema "$V2" --db "$MDB" migrate
is "$RC" 0 "migrate: exit 0"
like "$OUT" "household.rooms" "migrate lists what it did"
is "$(sql "$MDB" "SELECT group_concat(name, ',') FROM pragma_table_info('household')
    WHERE name IN ('address', 'street', 'rooms')")" "street,rooms" \
    "migrate: address renamed to street, rooms added"
is "$(sql "$MDB" "SELECT group_concat(id || ':' || street || ':' || ifnull(rooms, 'NULL'), ',')
    FROM (SELECT * FROM household ORDER BY id)")" \
    "1:Jl. Klarion 1:NULL,2:Jl. Remu 2:NULL" "migrate: the renamed column keeps the data"
is "$(sql "$MDB" "SELECT count(*) FROM member")" 2 "migrate: the members are kept"
is "$(sql "$MDB" "SELECT value FROM kesra_meta WHERE key = 'version'")" 2 \
    "kesra_meta records version 2"
before=$(sum_of "$MDB")
run --schema "$V2" --db "$MDB" migrate
is "$RC:$(sum_of "$MDB")" "0:$before" "migrate again: exit 0, nothing changed"
run --schema "$GOOD" --db "$MDB" init
is "$RC" 1 "the version 1 dictionary is refused on the migrated database"

finish
