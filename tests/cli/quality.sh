#!/bin/sh
# tests/cli/quality.sh: `kesra validate` over the DTSEN dictionary. A clean
# demo register yields no finding (exit 0); the same register with the
# mistakes of tests/data/quality/plant.sql (one kind per family, written
# past kesra with the sqlite3 shell) yields exactly the findings of
# tests/data/quality/expected.tsv (family id, record, field, rule,
# severity), exit 1, and every rule the dictionary and the cross-record
# checks know appears among them. Also: the header, --region, usage errors,
# the duplicate-key index and that the sqlite3 shell can still write the
# table (the index uses built-in functions only).
. tests/lib.sh

KESRA_TODAY=2026-11-28
export KESRA_TODAY
DATA=$TOP/tests/data/quality
DB=$T/q.db

run --db "$DB" --schema "$TOP/schema" demo --households 60 --seed 7
is "$RC" 0 "demo register made"

run --db "$DB" --lang en validate
is "$RC" 0 "clean register: exit 0"
is "$OUT" "$(printf 'record\tuuid\tfield\trule\tseverity\tmessage')" \
    "clean register: the header and no finding"
like "$ERR" "60 record(s) checked" "summary on stderr"

idx=$(sql "$DB" "SELECT sql FROM sqlite_schema WHERE name = 'member_duplicate_key'")
like "$idx" "upper(\"name\")" "duplicate-key index over the normalised name"
unlike "$idx" "nik_" "the index uses no kesra function"
# (the index holds the first and last two letters of the normalised name
# and the date as an integer; the look-up compares the full values after)
N=$(printf "trim(replace(replace(replace(replace(replace(replace(upper(%s), '.', ' '), '-', ' '), '''', ''), '  ', ' '), '  ', ' '), '  ', ' '))" '"name"')
plan=$(sql "$DB" "EXPLAIN QUERY PLAN SELECT id FROM member WHERE substr($N, 1, 2) || substr($N, -2) = 'XX' AND CAST(replace(\"birth_date\", '-', '') AS INTEGER) = 20000101 AND $N = 'X' AND +\"birth_date\" = '2000-01-01' AND deleted_at IS NULL AND name IS NOT NULL AND birth_date IS NOT NULL")
like "$plan" "member_duplicate_key" "the look-up uses the index"

cp "$DB" "$T/planted.db"
if sqlite3 -batch "$T/planted.db" <"$DATA/plant.sql" 2>"$T/plant.err"; then
	ok "mistakes planted with the sqlite3 shell"
else
	not_ok "mistakes planted with the sqlite3 shell" "$(cat "$T/plant.err")"
fi

run --db "$T/planted.db" --lang en validate
is "$RC" 1 "planted register: exit 1 (errors)"
printf '%s\n' "$OUT" | sed 1d | cut -f1-5 >"$T/found.tsv"
got=$(sqlite3 -batch :memory: <<SQL
ATTACH '$T/planted.db' AS k;
.mode tabs
CREATE TEMP TABLE f (record, uuid, field, rule, severity);
.import $T/found.tsv f
SELECT coalesce(m.parent_id, h.id), f.record, f.field, f.rule, f.severity
FROM f LEFT JOIN k.member m ON f.record = 'member' AND m.uuid = f.uuid
LEFT JOIN k.household h ON f.record = 'household' AND h.uuid = f.uuid
ORDER BY 1, 2, 3, 4, 5;
SQL
)
want=$(grep -v '^#' "$DATA/expected.tsv")
if [ "$got" = "$want" ]; then
	ok "planted register: exactly the expected findings"
else
	printf '%s\n' "$got" >"$T/got.tsv"
	printf '%s\n' "$want" >"$T/want.tsv"
	not_ok "planted register: exactly the expected findings" \
	    "$(diff "$T/want.tsv" "$T/got.tsv")"
fi

# Every rule of the dictionary (a "- name:" line followed by "check:") and
# every kind of field and cross-record check is among the findings.
rules=$(awk '/^ *- name: / { n = $3; next } n != "" && /check:/ { print n }
    { n = "" }' "$TOP/schema/dtsen.yaml")
kinds="required type range value_set pattern constraint choice_filter region
unique min_count max_count probable_duplicate"
missing=
nr=0
for r in $rules $kinds; do
	nr=$((nr + 1))
	printf '%s\n' "$got" | cut -f4 | grep -qx -- "$r" || missing="$missing $r"
done
is "$missing" "" "every kind of check is planted and found ($nr kinds)"
like "$OUT" "$(printf 'floor_area_per_person\taccepted\t')" \
    "an accepted warning is listed as accepted"
like "$OUT" "Already used by Family member '2." \
    "a NIK used in another family names the other person and family"
like "$OUT" "Probably entered twice: same Name, Date of birth as Family member" \
    "a probable duplicate names the other record"
like "$ERR" "probable_duplicate" "summary by rule"
unlike "$OUT" "$(printf '\033')" "no escape sequence on stdout"

# --region: only the families of that village (family 60: an accepted
# warning only).
v60=$(sql "$T/planted.db" "SELECT village FROM household WHERE id = 60")
run --db "$T/planted.db" --lang en validate --region "$v60"
is "$RC" 0 "--region: exit 0 when its families have no error"
like "$ERR" "1 record(s) checked" "--region: one family checked"
like "$OUT" "accepted" "--region: its accepted warning listed"
run --db "$T/planted.db" validate --region 96.02
n=$(printf '%s\n' "$OUT" | sed 1d | wc -l | tr -d ' ')
check "--region 96.02: some findings ($n)" test "$n" -gt 0
run --db "$T/planted.db" validate --region nowhere
is "$RC" 2 "--region with no region code: usage error"
run --db "$T/planted.db" validate extra
is "$RC" 2 "unexpected argument: usage error"

# --completeness: villages with their share of complete records (family 1
# is a draft), and the fields most often left empty where asked.
v1=$(sql "$T/planted.db" "SELECT village FROM household WHERE id = 1")
nv=$(sql "$T/planted.db" "SELECT count(DISTINCT village) FROM household WHERE deleted_at IS NULL")
run --db "$T/planted.db" --lang en validate --completeness
is "$RC" 0 "--completeness: exit 0"
is "$(printf '%s\n' "$OUT" | head -1)" "$(printf 'village\tname\trecords\tcomplete\tpercent')" \
    "--completeness: the header"
is "$(printf '%s\n' "$OUT" | sed 1d | wc -l | tr -d ' ')" "$nv" \
    "--completeness: a line per village"
like "$OUT" "$(printf '%s\t' "$v1")" "--completeness: the draft's village listed"
is "$(printf '%s\n' "$OUT" | awk -F '\t' -v v="$v1" '$1 == v { print $3, $4, $5 }')" \
    "1 0 0.0" "--completeness: the draft's village is 0% complete"
like "$ERR" "household.head_name: 1 of 60" "--completeness: an empty required field counted"
like "$ERR" "household.power2: " "--completeness: an empty optional field counted"

# The index uses built-in SQL only: the sqlite3 shell can still write.
if sql "$DB" "UPDATE member SET name = 'Nama Baru' WHERE id = 1" 2>"$T/w.err"; then
	ok "the sqlite3 shell can write the member table"
else
	not_ok "the sqlite3 shell can write the member table" "$(cat "$T/w.err")"
fi
finish
