#!/bin/sh
# tests/cli/layout.sh: a register of layout 3 (uuid TEXT NOT NULL UNIQUE:
# the full uuid in an automatic index; the search index with per-row sizes;
# the duplicate-key index over the full name; an index on
# kesra_region.parent) made from a demo register with the sqlite3 shell,
# then `kesra migrate --dry-run` (plans the rebuild, writes nothing) and
# `kesra init` (the current layout): the same rows, ids and foreign keys, no
# automatic uuid index, the compact indexes, uuids still unique (also for
# the sqlite3 shell), and the look-ups on their indexes.
. tests/lib.sh

DB=$T/l.db
KESRA_DB=$DB
export KESRA_DB
run demo --households 120 --seed 9
is "$RC" 0 "demo exits 0"

# The layout-3 file: each record table rebuilt with UNIQUE on uuid.
old_table() { # NAME: the SQL making table NAME as layout 3 had it
	ddl=$(sql "$DB" "SELECT sql FROM sqlite_schema WHERE name = '$1'" |
	    sed "s/CREATE TABLE \"$1\"/CREATE TABLE \"$1_old\"/; s/uuid TEXT NOT NULL,/uuid TEXT NOT NULL UNIQUE,/")
	printf '%s;\nINSERT INTO "%s_old" SELECT * FROM "%s";\nDROP TABLE "%s";\nALTER TABLE "%s_old" RENAME TO "%s";\n' \
	    "$ddl" "$1" "$1" "$1" "$1" "$1"
}
BEFORE=$(sql "$DB" "SELECT group_concat(id || ':' || uuid || ':' || coalesce(parent_id, '') || ':' || name, ',') FROM (SELECT id, uuid, parent_id, name FROM member ORDER BY id)")
HBEFORE=$(sql "$DB" "SELECT group_concat(id || ':' || uuid || ':' || kk_number, ',') FROM (SELECT * FROM household ORDER BY id)")
{
	echo "PRAGMA foreign_keys = OFF; BEGIN;"
	old_table household
	old_table member
	echo "CREATE INDEX \"member_parent\" ON \"member\" (parent_id);"
	echo "CREATE INDEX kesra_region_parent ON kesra_region (parent, level);"
	echo "UPDATE kesra_meta SET value = '3' WHERE key = 'layout';"
	echo "COMMIT;"
} >"$T/old.sql"
if sqlite3 -batch "$DB" <"$T/old.sql" 2>"$T/old.err"; then
	ok "layout-3 file made with the sqlite3 shell"
else
	not_ok "layout-3 file made with the sqlite3 shell" "$(cat "$T/old.err")"
fi
is "$(sql "$DB" "SELECT count(*) FROM sqlite_schema WHERE name LIKE 'sqlite_autoindex_member%' OR name LIKE 'sqlite_autoindex_household%'")" 2 \
    "the old file has the automatic uuid indexes"

SUM=$(sum_of "$DB")
run --lang en migrate --dry-run
is "$RC" 0 "migrate --dry-run exits 0"
like "$OUT" "rebuild table household (uuid without its full index)" "the dry run plans the household table's rebuild"
like "$OUT" "rebuild table member (uuid without its full index)" "and the member table's"
is "$(sum_of "$DB")" "$SUM" "the dry run writes nothing"

run --lang en init
is "$RC" 0 "init migrates the layout-3 file"
like "$OUT" "rebuild table member" "init says what it rebuilt"
is "$(sql "$DB" "SELECT value FROM kesra_meta WHERE key = 'layout'")" 5 "layout 5 (the current one)"
is "$(sql "$DB" "SELECT live = (SELECT count(*) FROM household WHERE deleted_at IS NULL) FROM kesra_count WHERE record = 'household'")" 1 \
    "the live households counted again after the rebuild"
is "$(sql "$DB" "SELECT count(*) FROM sqlite_schema WHERE name = 'household_count'")" 0 "the old count index dropped"
is "$(sql "$DB" "PRAGMA integrity_check")" ok "integrity_check: ok"
is "$(sql "$DB" "PRAGMA foreign_key_check")" "" "foreign_key_check: nothing"
is "$(sql "$DB" "SELECT \"table\", \"from\" FROM pragma_foreign_key_list('member')")" "household|parent_id" \
    "member still points at household"
AFTER=$(sql "$DB" "SELECT group_concat(id || ':' || uuid || ':' || coalesce(parent_id, '') || ':' || name, ',') FROM (SELECT id, uuid, parent_id, name FROM member ORDER BY id)")
HAFTER=$(sql "$DB" "SELECT group_concat(id || ':' || uuid || ':' || kk_number, ',') FROM (SELECT * FROM household ORDER BY id)")
is "$AFTER" "$BEFORE" "the persons kept: ids, uuids, households, names"
is "$HAFTER" "$HBEFORE" "the households kept"
is "$(sql "$DB" "SELECT count(*) FROM sqlite_schema WHERE name LIKE 'sqlite_autoindex_member%' OR name LIKE 'sqlite_autoindex_household%' OR name = 'kesra_region_parent'")" 0 \
    "no automatic uuid index, no index on kesra_region.parent"
is "$(sql "$DB" "SELECT group_concat(name, ' ') FROM (SELECT name FROM sqlite_schema WHERE tbl_name = 'member' AND type IN ('index', 'trigger') ORDER BY name)")" \
    "member_duplicate_key member_fts_ad member_fts_ai member_fts_au member_nik_unique member_parent member_uuid member_uuid_ai member_uuid_au" \
    "member's indexes and triggers made again"
like "$(sql "$DB" "SELECT sql FROM sqlite_schema WHERE name = 'member_fts'")" "columnsize=0" \
    "the search index without per-row sizes"

# uuids stay unique, also for the sqlite3 shell
U=$(sql "$DB" "SELECT uuid FROM member WHERE id = 7")
if sql "$DB" "INSERT INTO member (uuid, parent_id, created_at) VALUES ('$U', 1, 'x')" 2>"$T/dup.err"; then
	not_ok "a held uuid is refused"
else
	like "$(cat "$T/dup.err")" "UNIQUE constraint failed: member.uuid" "a held uuid is refused"
fi
plan=$(sql "$DB" "EXPLAIN QUERY PLAN SELECT id FROM member WHERE substr(uuid, 1, 8) = substr('$U', 1, 8) AND +uuid = '$U'")
like "$plan" "USING INDEX member_uuid" "the uuid look-up walks member_uuid"
is "$(sql "$DB" "SELECT id FROM member WHERE substr(uuid, 1, 8) = substr('$U', 1, 8) AND +uuid = '$U'")" 7 \
    "and finds the person"

# the search, the export and the audit trail on the migrated file
NAME=$(sql "$DB" "SELECT name FROM member WHERE id = 7")
run search "$NAME" --limit 500
like "$OUT" "$(printf 'member\t7\t')" "search finds the person by name"
NIK=$(sql "$DB" "SELECT nik FROM member WHERE id = 7")
run search "$NIK"
like "$OUT" "$(printf 'member\t7\t')" "search finds the person by NIK"
run export --record member --out "$T/m.csv"
is "$RC" 0 "export exits 0"
run audit --record 3
like "$OUT" "$(printf 'household\t3\t')" "the audit trail shows the household's bulk row"
is "$(sql "$DB" "SELECT count(*) FROM kesra_audit WHERE action = 'insert' AND uuid IS NOT NULL AND record_id = 3 AND record = 'household'")" 0 \
    "the bulk row holds no uuid"

finish
