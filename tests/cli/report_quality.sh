#!/bin/sh
# tests/cli/report_quality.sh: the data-quality summary reports (quality:
# per region level; quality_rules: per region level and rule) on the demo
# register with the mistakes of tests/data/quality/plant.sql. At every
# level (all regions and a province -> regencies, a regency -> districts, a
# district -> villages, a village) each row and the totals are compared
# with counts computed independently with awk from `kesra validate
# --region CODE` of the same register (its findings: record, uuid, rule,
# severity), each finding placed at its family and village through
# `kesra export --record household` / `--record member`; the totals also
# with validate's own summary line. Then: drill-down codes, csv, text,
# the `source: findings` mistakes `kesra check` reports.
. tests/lib.sh

KESRA_TODAY=2026-11-28
KESRA_LANG=en
export KESRA_TODAY KESRA_LANG
DB=$T/q.db
KESRA_DB=$DB
export KESRA_DB

run --schema "$TOP/schema" demo --households 60 --seed 7
is "$RC" 0 "demo register made"
if sqlite3 -batch "$DB" <"$TOP/tests/data/quality/plant.sql" 2>"$T/plant.err"; then
	ok "mistakes planted with the sqlite3 shell"
else
	not_ok "mistakes planted with the sqlite3 shell" "$(cat "$T/plant.err")"
fi

pick() { # FILE COLUMN...
	_f=$1
	shift
	awk -v want="$*" -f "$TOP/tests/data/report/csv_pick.awk" "$_f"
}
"$KESRA" export --record household >"$T/h.export.csv" &&
    "$KESRA" export --record member >"$T/m.export.csv"
is "$?" 0 "kesra export of the families and the members"
pick "$T/h.export.csv" uuid village >"$T/h.csv"
pick "$T/m.export.csv" uuid household.uuid >"$T/m.csv"

# findings PREFIX: `kesra validate [--region PREFIX]` as
# "family-uuid,village,rule,severity" lines (validate's summary in
# $T/summary)
findings() {
	if [ -n "$1" ]; then
		"$KESRA" validate --region "$1" >"$T/v.tsv" 2>"$T/v.err"
	else
		"$KESRA" validate >"$T/v.tsv" 2>"$T/v.err"
	fi
	grep "record(s) checked" "$T/v.err" >"$T/summary"
	awk -F'\t' -v OFS=, '
	FILENAME == ARGV[1] { split($0, a, ","); vil[a[1]] = a[2]; next }
	FILENAME == ARGV[2] { split($0, a, ","); fam[a[1]] = a[2]; next }
	FNR > 1 {
		top = $1 == "household" ? $2 : fam[$2]
		print top, (top in vil ? vil[top] : "?"), $4, $5
	}' "$T/h.csv" "$T/m.csv" "$T/v.tsv"
}

# expected PREFIX LEN [rule]: "code,records,with_errors,errors,warnings,
# accepted" per region (village cut to LEN) under PREFIX, sorted, then a
# "~Total" line; with "rule": per region and rule, records being those
# with a finding of the rule, and the totals' records those with any.
expected() {
	findings "$1" >"$T/f.csv"
	awk -F, -v P="$1" -v L="$2" -v BY="$3" '
	FILENAME == ARGV[1] {
		if (substr($2, 1, length(P)) != P) next
		key[$1] = substr($2, 1, L); n++
		if (BY == "") { rec[key[$1]]++; g[key[$1]] = 1 }
		next
	}
	{
		if (!($1 in key)) { print "finding outside the region: " $0; next }
		k = key[$1] (BY != "" ? "," $3 : ""); g[k] = 1
		if (!((k, $1) in seen)) { seen[k, $1] = 1; if (BY != "") rec[k]++ }
		if (!($1 in any)) { any[$1] = 1; nany++ }
		if ($4 == "error") {
			e[k]++; te++
			if (!((k, $1) in eseen)) { eseen[k, $1] = 1; we[k]++ }
			if (!($1 in terr)) { terr[$1] = 1; twe++ }
		} else if ($4 == "warning") { w[k]++; tw++ }
		else { a[k]++; ta++ }
	}
	END {
		for (k in g)
			printf "%s,%d,%d,%d,%d,%d\n", k, rec[k], we[k], e[k], w[k], a[k]
		printf "~Total,%s%d,%d,%d,%d,%d\n", BY != "" ? "," : "", BY != "" ? nany : n, twe, te, tw, ta
	}' "$T/h.csv" "$T/f.csv" | LC_ALL=C sort
}

# got REPORT [--region CODE]: the same from `kesra report REPORT --format tsv`
got() {
	_r=$1
	shift
	"$KESRA" report "$_r" "$@" --format tsv 2>"$T/got.err" | awk -F'\t' -v OFS=, '
	NR > 1 { if (last != "") print last; $2 = ""; line = $0; sub(/^[^,]*,,/, "", line); last = $1 "," line }
	END { sub(/^[^,]*,/, "~Total,", last); print last }' | LC_ALL=C sort
}

check_level() { # DESC PREFIX LEN [--region CODE]
	_d=$1 _p=$2 _l=$3
	shift 3
	for _rep in quality quality_rules; do
		_e=$(expected "$_p" "$_l" "$([ $_rep = quality_rules ] && echo rule)")
		_g=$(got $_rep "$@")
		if [ "$_e" = "$_g" ] && [ "$(printf '%s\n' "$_e" | wc -l)" -ge 2 ]; then
			ok "$_rep $_d ($(($(printf '%s\n' "$_e" | wc -l) - 1)) rows and the totals match kesra validate)"
		else
			not_ok "$_rep $_d" "expected:" "$_e" "got:" "$_g" "stderr: $(cat "$T/got.err")"
		fi
	done
	# the totals row against validate's own summary line
	_t=$(got quality "$@" | grep '^~Total')
	_s=$(sed 's/^\([0-9]*\) record(s) checked with their rosters: \([0-9]*\) error(s), \([0-9]*\) warning(s), \([0-9]*\) accepted.*/\1 \2 \3 \4/' "$T/summary")
	is "$(printf '%s\n' "$_t" | awk -F, '{ print $2, $4, $5, $6 }')" "$_s" \
	    "quality $_d: totals = validate's summary ($_s)"
}

# the places with the most findings, from validate's whole output
findings "" >"$T/all.csv"
most() { # PREFIX LEN
	awk -F, -v P="$1" -v L="$2" 'substr($2, 1, length(P)) == P { n[substr($2, 1, L)]++ }
	END { for (k in n) print n[k], k }' "$T/all.csv" | sort -k1,1nr -k2 | head -1 | cut -d' ' -f2
}
PROV=$(most "" 2)
REG=$(most "$PROV" 5)
DIS=$(most "$REG" 8)
VIL=$(most "$DIS" 13)
check_level "all regions: one row per regency" "" 5
check_level "--region $PROV: one row per regency" "$PROV" 5 --region "$PROV"
check_level "--region $REG: one row per district" "$REG" 8 --region "$REG"
check_level "--region $DIS: one row per village" "$DIS" 13 --region "$DIS"
check_level "--region $VIL: the village itself" "$VIL" 13 --region "$VIL"
run report quality --format tsv
is "$(printf '%s\n' "$OUT" | tail -1 | cut -f3)" "60" "all 60 families checked"
check "the planted register has open errors, warnings and an accepted one" \
    sh -c 'printf "%s\n" "$1" | tail -1 | awk -F"\t" "\$4 > 0 && \$5 > 0 && \$6 > 0 && \$7 > 0 { ok = 1 } END { exit !ok }"' _ "$OUT"

# ---- formats ---------------------------------------------------------------
run report quality --region "$REG" --format csv
is "$RC" 0 "csv: exit 0"
is "$(printf '%s\n' "$OUT" | head -1)" "Code,District,Checked,With errors,Errors,Warnings,Accepted" "csv: the headings"
is "$(printf '%s\n' "$OUT" | sed -n 2p | cut -c1-6)" "$REG." "csv: rows carry the district's code (for drilling down)"
run report quality_rules --region "$DIS"
is "$RC" 0 "text: exit 0"
like "$OUT" "Data quality by rule" "text: the title"
printf '%s\n' "$OUT" >"$T/text.out"
check "text: no line wider than 80 columns" awk 'length($0) > 80 { exit 1 }' "$T/text.out"
KESRA_LANG=id run report quality --format tsv
like "$(printf '%s\n' "$OUT" | head -1)" "Diperiksa" "Indonesian headings by default"

# ---- mistakes in a findings report -------------------------------------------
mkdir "$T/s"
cp "$TOP"/schema/* "$T/s/"
cat >"$T/s/reports.yaml" <<'Y'
reports:
  q:
    type: aggregate
    source: findings
    record: member
    region: village
    filter: "1"
    by: severity
    columns:
      - {name: a, count: records}
      - {name: b, count: "errors + 1"}
  r:
    type: list
    source: sums
    record: household
    columns: [village]
Y
run --schema "$T/s" check
is "$RC" 1 "check: mistakes in a findings report: exit 1"
like "$ERR" "findings are counted per top-level record" "check: a roster as the record"
like "$ERR" "a findings report has no filter" "check: a filter"
like "$ERR" "grouped 'by' rule, record or field, not 'severity'" "check: an unknown 'by'"
like "$ERR" "reports.yaml:11:9: report 'q' column 'b'" "check: a column that is not a measure, at its place"
like "$ERR" "unknown source 'sums'" "check: an unknown source"
finish
