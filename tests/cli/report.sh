#!/bin/sh
# tests/cli/report.sh: `kesra report` on a demo register. The recap's
# counts at every region level (all regions -> provinces, a province ->
# regencies, a regency -> districts, a district -> villages, a village) and
# its totals row are checked against counts computed independently with awk
# from `kesra export --record household` and `--record member` of the same
# data (CSV read by column name, quoted fields parsed); a deleted household
# and its members, and a member deleted on its own, must not count. Then
# the output formats: text pages for printing (80 columns, headings on
# every page, form feeds, column groups), CSV and TSV; lists; mistakes.
. tests/lib.sh

DB=$T/kesra.db
KESRA_DB=$DB
export KESRA_DB
run demo --households 400 --seed 11
is "$RC" 0 "demo register of 400 households"
# a deleted household (and its members, still live rows) must not count
sql "$DB" "UPDATE household SET deleted_at = '2026-01-01 00:00:00' WHERE id = 7"
# a member deleted on its own must not count either
sql "$DB" "UPDATE member SET deleted_at = '2026-01-01 00:00:00' WHERE id = (SELECT min(id) FROM member WHERE parent_id = 8)"

# pick FILE COLUMN...: the named columns of a CSV file (see csv_pick.awk)
pick() {
	_f=$1
	shift
	awk -v want="$*" -f "$TOP/tests/data/report/csv_pick.awk" "$_f"
}
"$KESRA" export --record household >"$T/h.export.csv"
is "$?" 0 "kesra export --record household"
"$KESRA" export --record member >"$T/m.export.csv"
is "$?" 0 "kesra export --record member"
pick "$T/h.export.csv" uuid village extreme_poor pkh bpnt >"$T/h.csv"
pick "$T/m.export.csv" household.uuid stunted pregnant_ind elderly disability seeing chronic_ind health_insurance >"$T/m.csv"
is "$(wc -l <"$T/h.csv" | tr -d ' ')" "$(sql "$DB" "SELECT count(*) FROM household WHERE deleted_at IS NULL")" "the export has the live households"

# expected PREFIX LEN: "code,households,persons,extreme,stunted,pregnant,
# elderly,disability,seeing,chronic,pkh,bpnt,pbi" per region under PREFIX
# cut to LEN characters, sorted; then a "Total" line.
expected() {
	awk -F, -v P="$1" -v L="$2" '
	FNR == NR {
		if (substr($2, 1, length(P)) != P) next
		k = substr($2, 1, L); key[$1] = k; seen[k] = 1
		hh[k]++; ep[k] += ($3 == 1); pkh[k] += ($4 == 1); bp[k] += ($5 == 1)
		next
	}
	$1 in key {
		k = key[$1]; per[k]++
		st[k] += ($2 == 1); pr[k] += ($3 == 1); el[k] += ($4 == 1)
		di[k] += ($5 == 1); se[k] += ($6 == 1 || $6 == 2); ch[k] += ($7 == 1)
		n = split($8, a, " "); for (i = 1; i <= n; i++) if (a[i] == "1") { pbi[k]++; break }
	}
	END {
		for (k in seen) {
			printf "%s,%d,%d,%d,%d,%d,%d,%d,%d,%d,%d,%d,%d\n", k, hh[k], per[k], ep[k], st[k], pr[k], el[k], di[k], se[k], ch[k], pkh[k], bp[k], pbi[k]
			t1 += hh[k]; t2 += per[k]; t3 += ep[k]; t4 += st[k]; t5 += pr[k]; t6 += el[k]
			t7 += di[k]; t8 += se[k]; t9 += ch[k]; t10 += pkh[k]; t11 += bp[k]; t12 += pbi[k]
		}
		printf "~Total,%d,%d,%d,%d,%d,%d,%d,%d,%d,%d,%d,%d\n", t1, t2, t3, t4, t5, t6, t7, t8, t9, t10, t11, t12
	}' "$T/h.csv" "$T/m.csv" | sort
}
# got REGION...: the same columns from `kesra report recap --format tsv`
got() {
	"$KESRA" report recap "$@" --format tsv 2>"$T/got.err" |
	    awk -F'\t' 'NR > 1 { c = $1 == "" ? "~Total" : $1
		print c "," $3 "," $4 "," $5 "," $6 "," $7 "," $9 "," $10 "," $11 "," $20 "," $21 "," $22 "," $23 }' | sort
}

check_level() { # DESC PREFIX LEN [--region CODE]
	_d=$1 _p=$2 _l=$3
	shift 3
	_e=$(expected "$_p" "$_l")
	_g=$(got "$@")
	if [ "$_e" = "$_g" ] && [ "$(printf '%s\n' "$_e" | wc -l)" -ge 2 ]; then
		ok "$_d ($(($(printf '%s\n' "$_e" | wc -l) - 1)) rows and the totals match awk over kesra export)"
	else
		not_ok "$_d" "expected:" "$_e" "got:" "$_g" "stderr: $(cat "$T/got.err")"
	fi
}

# the region with the most households at each level, from the export
most() { # PREFIX LEN
	awk -F, -v P="$1" -v L="$2" 'substr($2, 1, length(P)) == P { n[substr($2, 1, L)]++ }
	END { for (k in n) print n[k], k }' "$T/h.csv" | sort -k1,1nr -k2 | head -1 | cut -d' ' -f2
}
PROV=$(most "" 2)
REG=$(most "$PROV" 5)
DIS=$(most "$REG" 8)
VIL=$(most "$DIS" 13)
check_level "recap, all regions: one row per province" "" 2
check_level "recap --region $PROV: one row per regency" "$PROV" 5 --region "$PROV"
check_level "recap --region $REG: one row per district" "$REG" 8 --region "$REG"
check_level "recap --region $DIS: one row per village" "$DIS" 13 --region "$DIS"
check_level "recap --region $VIL: the village itself" "$VIL" 13 --region "$VIL"
ALLHH=$(sqlite3 "$DB" "SELECT count(*) FROM household")
run report recap --format tsv
is "$(printf '%s\n' "$OUT" | tail -1 | cut -f3)" "$((ALLHH - 1))" "the deleted household is left out of the totals"

# ---- formats ---------------------------------------------------------------
run report recap --region "$REG" --format csv
is "$RC" 0 "csv: exit 0"
is "$(printf '%s\n' "$OUT" | head -1 | cut -d, -f1-4)" "$(ui_text Code),$(ui_text District),Keluarga,Jiwa" "csv: a heading line (code, region, columns)"
is "$(printf '%s\n' "$OUT" | wc -l)" "$(($(sqlite3 "$DB" "SELECT count(DISTINCT substr(village, 1, 8)) FROM household WHERE deleted_at IS NULL AND village LIKE '$REG%'") + 2))" "csv: heading, a line per district, totals"

run report recap --region "$REG" --page-lines 12
is "$RC" 0 "text: exit 0"
printf '%s\n' "$OUT" >"$T/text.out"
check "text: no line wider than 80 columns" awk 'length($0) > 80 { exit 1 }' "$T/text.out"
NP=$(grep -c "$(ui_text "page %4d" | sed 's/%4d.*//')" "$T/text.out")
NFF=$(tr -cd '\f' <"$T/text.out" | wc -c)
check "text: several pages" test "$NP" -ge 4
is "$NFF" "$((NP - 1))" "text: a form feed between pages ($NP pages)"
is "$(grep -c "^$(ui_text District) " "$T/text.out")" "$NP" "text: the headings repeated on every page"
check "text: a wide table is split into column groups, and says so (columns 2-N of 22)" grep -E -q '^[^ ]+ 2-[0-9]+ [^ ]+ 22 ' "$T/text.out"
awk -v RS='\f' 'END { }
{ n = split($0, l, "\n"); if (n - 1 > 12) bad = 1 } END { exit bad }' "$T/text.out"
is "$?" 0 "text: no page longer than --page-lines 12"
line=$(grep "Total\|$(ui_text Total)" "$T/text.out" | head -1)
check "text: numbers right-aligned (the totals line ends with a digit)" sh -c 'printf "%s\n" "$1" | grep -E -q "[0-9]$"' _ "$line"

# ---- lists -------------------------------------------------------------------
N=$(sqlite3 "$DB" "SELECT count(*) FROM member m JOIN household h ON h.id = m.parent_id WHERE m.stunted = 1 AND m.deleted_at IS NULL AND h.deleted_at IS NULL")
run report stunted_list --format tsv
is "$RC" 0 "list: exit 0"
is "$(($(printf '%s\n' "$OUT" | wc -l) - 1))" "$N" "list: a line per stunted child (as SQLite counts them)"
FIRST=$(sqlite3 "$DB" "SELECT m.name || '	' || m.nik FROM member m JOIN household h ON h.id = m.parent_id WHERE m.stunted = 1 AND m.deleted_at IS NULL AND h.deleted_at IS NULL ORDER BY h.village, h.id, m.id LIMIT 1")
is "$(printf '%s\n' "$OUT" | sed -n 2p | cut -f1-2)" "$FIRST" "list: by region, name and NIK first"
VN=$(sqlite3 "$DB" "SELECT r.name FROM member m JOIN household h ON h.id = m.parent_id JOIN kesra_region r ON r.code = h.village WHERE m.stunted = 1 AND m.deleted_at IS NULL AND h.deleted_at IS NULL ORDER BY h.village, h.id, m.id LIMIT 1")
is "$(printf '%s\n' "$OUT" | sed -n 2p | cut -f7)" "$VN" "list: the village by name"
NR=$(sqlite3 "$DB" "SELECT count(*) FROM member m JOIN household h ON h.id = m.parent_id WHERE m.elderly = 1 AND m.deleted_at IS NULL AND h.deleted_at IS NULL AND h.village LIKE '$REG%'")
run report elderly_list --region "$REG" --format csv
is "$(($(printf '%s\n' "$OUT" | wc -l) - 1))" "$NR" "list --region: the elderly of $REG only"

run report progress_operator --format tsv
is "$(printf '%s\n' "$OUT" | sed -n 2p | cut -f1,2)" "demo	$((ALLHH - 1))" "progress per operator: the demo's households"
run report progress_daily --region "$DIS" --format tsv
is "$RC" 0 "progress per village per day runs"

# ---- listing and mistakes ----------------------------------------------------
run report
is "$RC" 0 "no NAME: exit 0"
is "$(printf '%s\n' "$OUT" | head -1)" "name	type	record	title" "no NAME: a TSV list of the reports"
like "$OUT" "stunted_list	list	member" "the list names the stunting list"
run report nosuch
is "$RC" 2 "unknown report: exit 2"
like "$ERR" "nosuch" "unknown report: named"
run report recap --region 99.99
is "$RC" 1 "unknown region: exit 1"
like "$ERR" "99.99" "unknown region: named"
run report recap --region abc
is "$RC" 1 "malformed region: exit 1"
run report progress_operator --region "$PROV"
is "$RC" 1 "a region for a report without one: exit 1"
run report recap --format pdf
is "$RC" 2 "bad --format: exit 2"
KESRA_LANG=en run report recap --format tsv
like "$(printf '%s\n' "$OUT" | head -1)" "Families	Persons" "--lang en: English headings"
# ---- kesra check reads reports.yaml ------------------------------------------
KESRA_LANG=en run check
is "$RC" 0 "check: the bundled reports are clean"
like "$OUT" "15 report(s) checked; no problems" "check: says how many reports it checked"
mkdir "$T/s"
cp "$TOP"/schema/* "$T/s/"
cat >"$T/s/reports.yaml" <<'Y'
reports:
  r:
    type: aggregate
    record: household
    region: village
    columns:
      - {name: a, count: "pkhh = 1"}
      - {name: b, record: member, count: "frob(age) > 1"}
  l:
    type: list
    record: member
    colour: red
    columns: [name]
Y
KESRA_LANG=en run --schema "$T/s" check
is "$RC" 1 "check: mistakes in reports.yaml: exit 1"
like "$ERR" "$T/s/reports.yaml:7:26: unknown field 'pkhh'" "check: unknown field named at file:line:col"
like "$ERR" "$T/s/reports.yaml:8:42: unknown function 'frob'" "check: unknown function named at file:line:col"
like "$ERR" "$T/s/reports.yaml:12:5: a report: unknown key 'colour' (known: type," "check: unknown key, with the known ones"
like "$ERR" "3 problem(s) in the reports" "check: every mistake at once, counted"
KESRA_LANG=en run --schema "$T/s" report recap
is "$RC" 1 "report: refused while reports.yaml has mistakes"
like "$ERR" "unknown field 'pkhh'" "report: the mistakes are listed"
finish
