#!/bin/sh
# tests/cli/drafts.sh: `kesra drafts`, the forms kept when a terminal went
# away (kesra_draft): TSV of this operator's drafts, --all, --user, and
# --discard RECORD ID; stored text is sanitised; usage errors exit 2.
. tests/lib.sh

SCHEMA=$TOP/tests/data/constructs
DB=$T/d.db
ME=$(id -un)
ESC=$(printf '\033')

run --schema "$SCHEMA" --db "$DB" init
is "$RC" 0 "init"
run --schema "$SCHEMA" --db "$DB" drafts
is "$RC|$OUT" "0|user	record	record_id	field	saved_at" "no drafts: the header only"
sql "$DB" "INSERT INTO kesra_draft VALUES ('$ME', 'household', 0, 'kk',
    'x', '2026-11-28 10:00:00'), ('$ME', 'household', 7, 'nik',
    'x', '2026-11-28 11:00:00'), ('$ME', 'household', -1764324000123, 'rt',
    'x', '2026-11-28 08:00:00'), ('other', 'household', 0,
    'bad' || char(27) || '[31m' || char(9) || 'field', 'x', '2026-11-28 09:00:00')"
run --schema "$SCHEMA" --db "$DB" drafts
is "$OUT" "user	record	record_id	field	saved_at
$ME	household	7	nik	2026-11-28 11:00:00
$ME	household	0	kk	2026-11-28 10:00:00
$ME	household	-1764324000123	rt	2026-11-28 08:00:00" "this operator's drafts, newest first"
run --schema "$SCHEMA" --db "$DB" drafts --all
is "$RC" 0 "--all: exit 0"
is "$(printf '%s\n' "$OUT" | wc -l | tr -d ' ')" 5 "--all: every operator's drafts"
unlike "$OUT" "$ESC" "--all: stored control characters are not printed"
like "$OUT" "other	household	0	" "--all: a tab in stored text does not add a column"
run --schema "$SCHEMA" --db "$DB" drafts --user other
is "$(printf '%s\n' "$OUT" | sed -n 2p | cut -f1,2,3)" "other	household	0" "--user other"
run --schema "$SCHEMA" --db "$DB" drafts --discard household 7
is "$RC" 0 "--discard household 7: exit 0"
is "$(sql "$DB" "SELECT count(*) FROM kesra_draft WHERE record_id = 7")" 0 \
    "--discard: the draft is gone"
run --schema "$SCHEMA" --db "$DB" drafts --discard household 7
is "$RC" 1 "--discard again: exit 1"
like "$ERR" "household 7" "--discard again: the error names it"
is "$(sql "$DB" "SELECT count(*) FROM kesra_draft")" 3 "the other drafts stay"
run --schema "$SCHEMA" --db "$DB" drafts --discard household -1764324000123
is "$RC" 0 "--discard of a new record's draft (negative key): exit 0"
is "$(sql "$DB" "SELECT count(*) FROM kesra_draft WHERE record_id < 0")" 0 \
    "--discard: the new record's draft is gone"
for bad in "--discard household" "--discard household x" "--bogus" \
    "--all --discard household 0"; do
	# shellcheck disable=SC2086
	run --schema "$SCHEMA" --db "$DB" drafts $bad
	is "$RC" 2 "usage: drafts $bad exits 2"
done
run --schema "$SCHEMA" --db "$T/absent.db" drafts
is "$RC" 1 "no database: exit 1"
finish
