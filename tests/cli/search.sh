#!/bin/sh
# tests/cli/search.sh: `kesra search` on demo data: TSV with a header, a
# name prefix, a NIK and a KK by full number and prefix, --limit,
# --region by code and by name, --filter, --status, hostile queries, the
# usage errors (exit 2), place words (a district by name, with a name
# word), and `kesra init` building the index of a file whose index is
# gone.
. tests/lib.sh

DB=$T/s.db
KESRA_DB=$DB
export KESRA_DB
run demo --households 200 --seed 5
is "$RC" 0 "demo exits 0"

ROW=$(sql "$DB" "SELECT m.id, m.nik, m.name, h.id, h.kk_number, h.village FROM member m JOIN household h ON h.id = m.parent_id ORDER BY m.id LIMIT 1 OFFSET 123")
MID=$(echo "$ROW" | cut -d'|' -f1)
NIK=$(echo "$ROW" | cut -d'|' -f2)
NAME=$(echo "$ROW" | cut -d'|' -f3)
HID=$(echo "$ROW" | cut -d'|' -f4)
KK=$(echo "$ROW" | cut -d'|' -f5)
VIL=$(echo "$ROW" | cut -d'|' -f6)
WORD=$(echo "$NAME" | awk '{print tolower(substr($1, 1, 3))}')

run search "$WORD" --limit 500
is "$RC" 0 "search exits 0"
is "$(printf '%s\n' "$OUT" | head -1 | cut -f1-4)" "$(printf 'record\tid\troot_id\tstatus')" "TSV header"
like "$OUT" "$(printf 'member\t%s\t%s\t' "$MID" "$HID")" "a 3-letter prefix finds the person, with the household id"
BAD=$(printf '%s\n' "$OUT" | sed 1d | awk -F'\t' -v w="$WORD" '$1 == "member" && index(tolower($5), w) == 0')
# a hit matches at the start of one of its words
BAD=$(printf '%s\n' "$OUT" | sed 1d | awk -F'\t' -v w="$WORD" '$1 == "member" {
    n = split(tolower($5), a, /[^a-z]+/); f = 0
    for (i = 1; i <= n; i++) if (index(a[i], w) == 1) f = 1
    if (!f) print }')
is "$BAD" "" "every person hit has a word starting with '$WORD'"
IDS=$(printf '%s\n' "$OUT" | awk -F'\t' '$1 == "member" {print $2}')
is "$IDS" "$(printf '%s\n' "$IDS" | sort -n)" "person hits come in id order"

run search "$NIK"
is "$(printf '%s\n' "$OUT" | sed 1d | cut -f1,2)" "$(printf 'member\t%s' "$MID")" "a full NIK finds exactly the person"
run search "$(printf '%.10s' "$NIK")" --limit 1000
like "$OUT" "$(printf 'member\t%s\t' "$MID")" "a NIK prefix finds the person"
run search "$KK"
is "$(printf '%s\n' "$OUT" | sed 1d | cut -f1,2)" "$(printf 'household\t%s' "$HID")" "a full KK finds the household"
# a number that is both a NIK and a KK (one statement over both unique
# indexes): the person, then the household
OTHER_MID=$(sql "$DB" "SELECT id FROM member WHERE parent_id <> $HID AND deleted_at IS NULL ORDER BY id LIMIT 1")
OLD_NIK=$(sql "$DB" "SELECT nik FROM member WHERE id = $OTHER_MID")
sql "$DB" "UPDATE member SET nik = '$KK' WHERE id = $OTHER_MID"
run search "$KK"
is "$(printf '%s\n' "$OUT" | sed 1d | cut -f1,2 | tr '\t\n' ': ')" "member:$OTHER_MID household:$HID " "a number both a NIK and a KK finds the person and the household"
run search "$KK" --limit 1
is "$(printf '%s\n' "$OUT" | sed 1d | cut -f1,2 | tr '\t\n' ': ')" "member:$OTHER_MID " "--limit 1 of them: the person"
sql "$DB" "UPDATE member SET nik = '$OLD_NIK' WHERE id = $OTHER_MID"
run search "${NIK}9"
is "$(printf '%s\n' "$OUT" | sed 1d)" "" "17 digits find nothing"

run search a --limit 3
is "$(printf '%s\n' "$OUT" | sed 1d | wc -l | tr -d ' ')" 3 "--limit 3 gives 3 hits"

run search "$WORD" --region "$VIL" --limit 500
OTHER=$(printf '%s\n' "$OUT" | sed 1d | awk -F'\t' -v v="$VIL" '($1 == "member" && $9 != v) || ($1 == "household" && $13 != v)')
like "$OUT" "$(printf 'member\t%s\t' "$MID")" "--region (village code) keeps the person"
is "$OTHER" "" "--region keeps the village's records only"
VNAME=$(sql "$DB" "SELECT name FROM kesra_region WHERE code = '$VIL'")
NSAME=$(sql "$DB" "SELECT count(*) FROM kesra_region WHERE name = '$VNAME' AND level IN (3, 4)")
if [ "$NSAME" = 1 ]; then
	run search "$WORD" --region "$VNAME" --limit 500
	like "$OUT" "$(printf 'member\t%s\t' "$MID")" "--region by the village's name"
else
	run search "$WORD" --region "$VNAME"
	is "$RC" 1 "--region by a name that several places have: exit 1 ($VNAME)"
fi
run search a --region "No Such Place Anywhere"
is "$RC" 1 "--region with an unknown name: exit 1"

run search --filter elderly --limit 100
YOUNG=$(printf '%s\n' "$OUT" | sed 1d | awk -F'\t' '$1 == "member" && $7 < 60')
N=$(printf '%s\n' "$OUT" | sed 1d | grep -c '^member')
if [ "$RC" = 0 ] && [ "$N" -gt 0 ] && [ -z "$YOUNG" ]; then
	ok "--filter elderly alone lists persons aged 60 and over"
else
	not_ok "--filter elderly alone lists persons aged 60 and over" "$(run_diag)"
fi
run search a --status draft
is "$(printf '%s\n' "$OUT" | sed 1d)" "" "--status draft: none in complete demo data"

for Q in '"' 'NEAR(a b)' 'a AND b' '*' '^a' 'name:a' "'" '{name}: a' '-a'; do
	run search "$Q"
	if [ "$RC" = 0 ] && [ -z "$ERR" ]; then ok "hostile query $Q: exit 0, no error"; else not_ok "hostile query $Q" "$(run_diag)"; fi
done

run search
is "$RC" 2 "search with nothing: exit 2"
run search a --limit 0
is "$RC" 2 "--limit 0: exit 2"
run search a --filter nope
is "$RC" 2 "an unknown filter: exit 2"
like "$ERR" "nope" "the unknown filter is named"
run search a b
is "$RC" 2 "two queries: exit 2"

# Place words: a word naming the person's district finds every person of
# the district (and persons so named), a name word with it the person.
DIST=$(printf '%.8s' "$VIL")
DW=$(sql "$DB" "SELECT lower(name) FROM kesra_region WHERE code = '$DIST'" | awk '{print $1}')
run search "$DW" --limit 100000
like "$OUT" "$(printf 'member\t%s\t%s\t' "$MID" "$HID")" "a place word ($DW) finds the person of that district"
like "$OUT" "$(printf 'household\t%s\t' "$HID")" "a place word finds the household of that district"
NDIST=$(sql "$DB" "SELECT count(*) FROM member m JOIN household h ON h.id = m.parent_id WHERE m.deleted_at IS NULL AND h.village LIKE '$DIST.%'")
NHIT=$(printf '%s\n' "$OUT" | awk -F'\t' -v d="$DIST." '$1 == "member" && index($9, d) == 1' | wc -l | tr -d ' ')
is "$NHIT" "$NDIST" "every person of the district, once"
# each hit has the word in its name or in its village's or district's name
printf '%s\n' "$OUT" | sed 1d | awk -F'\t' -v w="$DW" '{
    v = $1 == "member" ? $9 : $13; nm = $1 == "member" ? $5 : $10
    n = split(tolower(nm), a, /[^a-z]+/); f = 0
    for (i = 1; i <= n; i++) if (index(a[i], w) == 1) f = 1
    if (!f) print v }' | sort -u >"$T/places"
BADP=
while read -r v; do
	c=$(sql "$DB" "SELECT count(*) FROM kesra_region WHERE (code = '$v' OR code = substr('$v', 1, 8)) AND (name LIKE '$DW%' OR name LIKE '% $DW%')")
	[ "$c" -gt 0 ] || BADP="$BADP $v"
done <"$T/places"
is "$BADP" "" "every hit by place is in a place named '$DW...'"
run search "$WORD $DW" --limit 1000
like "$OUT" "$(printf 'member\t%s\t' "$MID")" "a name word and a place word ($WORD $DW) find the person"
BAD=$(printf '%s\n' "$OUT" | sed 1d | awk -F'\t' -v w="$WORD" '$1 == "member" {
    n = split(tolower($5), a, /[^a-z]+/); f = 0
    for (i = 1; i <= n; i++) if (index(a[i], w) == 1) f = 1
    if (!f) print }')
is "$BAD" "" "with a place word every person hit still has a word starting with '$WORD'"
N1=$(printf '%s\n' "$OUT" | sed 1d | wc -l | tr -d ' ')
run search "$WORD" --limit 100000
N2=$(printf '%s\n' "$OUT" | sed 1d | wc -l | tr -d ' ')
if [ "$N1" -gt 0 ] && [ "$N1" -lt "$N2" ]; then ok "the place word narrows the name ($N1 of $N2 hits)"; else not_ok "the place word narrows the name" "$N1 of $N2"; fi
run search "$(echo "$DW" | tr 'a-z' 'A-Z')" --limit 100000
NHIT2=$(printf '%s\n' "$OUT" | awk -F'\t' -v d="$DIST." '$1 == "member" && index($9, d) == 1' | wc -l | tr -d ' ')
is "$NHIT2" "$NDIST" "the place word in capitals"

# A file whose index is gone gets it back from init (existing data).
sql "$DB" "DROP TRIGGER member_fts_ai; DROP TRIGGER member_fts_ad; DROP TRIGGER member_fts_au; DROP TABLE member_fts; UPDATE kesra_meta SET value = '2' WHERE key = 'layout'"
run init
like "$OUT" "member_fts" "init rebuilds the search index"
run search "$NIK"
run search "$WORD" --limit 500
like "$OUT" "$(printf 'member\t%s\t' "$MID")" "the rebuilt index finds the person"
N1=$(sql "$DB" "SELECT count(*) FROM member WHERE deleted_at IS NULL")
# (the index keeps no per-row sizes, columnsize=0: count its documents)
N2=$(sql "$DB" "CREATE VIRTUAL TABLE temp.mv USING fts5vocab(main, 'member_fts', 'instance'); SELECT count(DISTINCT doc) FROM temp.mv")
is "$N2" "$N1" "the index holds every live person"
finish
