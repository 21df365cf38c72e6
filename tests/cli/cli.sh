#!/bin/sh
# tests/cli/cli.sh: the command-line contract (DESIGN section 2): exit
# status 0 / 1 / 2, one line per error on stderr naming the file, line or
# field, and nothing written when a command fails.
#
# Messages may be translated (Indonesian by default), so checks match on
# paths, names and positions; where a word matters, KESRA_LANG=en is set.
. tests/lib.sh

MINI=$TOP/tests/data/two_fields/schema

nlines() { # number of lines in $1 (0 for an empty string)
	if [ -z "$1" ]; then echo 0; else printf '%s\n' "$1" | wc -l | tr -d ' '; fi
}

# expect_usage DESC ARGS...: exit 2, stdout empty, exactly one stderr line.
expect_usage() {
	_d=$1
	shift
	run "$@"
	if [ "$RC" -eq 2 ] && [ -z "$OUT" ] && [ "$(nlines "$ERR")" -eq 1 ]; then
		ok "$_d"
	else
		not_ok "$_d" "$(run_diag)"
	fi
}

# expect_fail DESC WANT DB ARGS...: exit 1, stderr names WANT, nothing on
# stdout, the file DB unchanged (or still absent).
expect_fail() {
	_d=$1 _want=$2 _db=$3
	shift 3
	_before=$(sum_of "$_db")
	run "$@"
	_after=$(sum_of "$_db")
	if [ "$RC" -eq 1 ] && [ -n "$ERR" ] && [ -z "$OUT" ] &&
	    printf '%s' "$ERR" | grep -F -q -- "$_want" &&
	    [ "$_before" = "$_after" ]; then
		ok "$_d"
	else
		not_ok "$_d" "$(run_diag)" "stderr should name: $_want" \
		    "file $_db: before $_before, after $_after"
	fi
}

# dict NAME: write a dictionary (stdin) to $T/NAME/d.yaml.
dict() {
	mkdir -p "$T/$1"
	cat >"$T/$1/d.yaml"
}

# ---- --version, --help, usage errors ----------------------------------------
run --version
if [ "$RC" -eq 0 ] && printf '%s' "$OUT" | grep -E -q '^kesra [0-9]+\.[0-9]+'; then
	ok "--version prints 'kesra X.Y...' and exits 0"
else
	not_ok "--version prints 'kesra X.Y...' and exits 0" "$(run_diag)"
fi
version=$OUT
run -V
is "$RC:$OUT" "0:$version" "-V is --version"
run --help
if [ "$RC" -eq 0 ] && [ -z "$ERR" ]; then
	ok "--help exits 0, nothing on stderr"
else
	not_ok "--help exits 0, nothing on stderr" "$(run_diag)"
fi
for w in init check migrate --db --schema --lang; do
	like "$OUT" "$w" "--help mentions $w"
done
run -h
is "$RC" 0 "-h exits 0"
run --lang en --help
like "$OUT" "Usage" "--lang en --help is in English"
run --help --lang en
like "$OUT" "Usage" "--help --lang en is in English too (options in any order)"
for w in import export backup restore validate search report user audit drafts; do
	like "$OUT" "$w" "--help lists the verb $w"
done

expect_usage "unknown verb: exit 2, one line on stderr" frobnicate
like "$ERR" "frobnicate" "the message names the unknown verb"
expect_usage "--lang fr: exit 2, one line on stderr" --lang fr check
like "$ERR" "'fr'" "the message names the bad language"
run check --lang=de
is "$RC" 2 "--lang=de after the verb: exit 2"
KESRA_LANG=xx run check
is "$RC" 2 "KESRA_LANG=xx: exit 2"
expect_usage "--db without a value: exit 2" check --db
expect_usage "an unexpected argument: exit 2" check extra
like "$ERR" "extra" "the message names the argument"
expect_usage "--dry-run with init: exit 2" --db "$T/never.db" init --dry-run
check "a usage error writes no database" test ! -e "$T/never.db"

# ---- check -------------------------------------------------------------
run check
if [ "$RC" -eq 0 ] && printf '%s' "$OUT" | grep -F -q "dtsen" && [ -z "$ERR" ]; then
	ok "check on the bundled dictionary: exit 0, names dtsen"
else
	not_ok "check on the bundled dictionary: exit 0, names dtsen" "$(run_diag)"
fi
like "$OUT" "/schema/dtsen.yaml" "check names the dictionary file"
run check --schema "$MINI"
is "$RC" 0 "check --schema DIR after the verb: exit 0"
like "$OUT" "mini" "check --schema DIR checks that dictionary"
KESRA_SCHEMA=$TOP/tests/data/two_fields run check
like "$RC $OUT" "0 " "KESRA_SCHEMA stands in for --schema (a folder holding schema/)"
like "$OUT" "mini" "KESRA_SCHEMA: the dictionary mini is checked"

KESRA_SCHEMA='' run check
if [ "$RC" -eq 0 ] || ! printf '%s\n' "$ERR" | grep -q '^: '; then
	ok "KESRA_SCHEMA='': the default dictionary, or a message naming what is wrong"
else
	not_ok "KESRA_SCHEMA='': the default dictionary, or a message naming what is wrong" \
	    "$(run_diag)" "(an empty variable is usually taken as unset)"
fi

# ---- init ---------------------------------------------------------------
DB=$T/kesra.db
run --db "$DB" init
if [ "$RC" -eq 0 ] && [ -f "$DB" ]; then
	ok "init creates the database (exit 0)"
else
	not_ok "init creates the database (exit 0)" "$(run_diag)"
fi
like "$OUT" "$DB" "init names the database file"
tables=$(sql "$DB" .tables | tr -s ' \n' '  ' | sed 's/ *$//')
like " $tables " " household " "sqlite3 .tables: household"
like " $tables " " kesra_meta " "sqlite3 .tables: kesra_meta"
is "$(sql "$DB" "PRAGMA journal_mode")" wal "the database is in WAL mode"
is "$(sql "$DB" "SELECT value FROM kesra_meta WHERE key = 'dictionary'")" dtsen \
    "kesra_meta records the dictionary"
is "$(sql "$DB" "SELECT count(*) FROM pragma_table_info('household')
    WHERE name IN ('id', 'uuid', 'status', 'rev', 'kk_number', 'enum_date')")" 6 \
    "household has the system columns and one column per field"
sql "$DB" "INSERT INTO household (uuid, created_at, kk_number, head_name,
    members, result) VALUES ('u1', '2024-01-01', '3201234567890123', 'Kept', 2, 1)"
before=$(sum_of "$DB")
run --db "$DB" init
is "$RC" 0 "init a second time: exit 0"
is "$(sql "$DB" "SELECT head_name FROM household")" "Kept" \
    "init a second time keeps the rows"
is "$(sum_of "$DB")" "$before" "init a second time changes nothing"
KESRA_DB=$T/env.db run init
if [ "$RC" -eq 0 ] && [ -f "$T/env.db" ]; then
	ok "KESRA_DB stands in for --db"
else
	not_ok "KESRA_DB stands in for --db" "$(run_diag)"
fi
XDG_DATA_HOME=$T/xdg run init
if [ "$RC" -eq 0 ] && [ -f "$T/xdg/kesra/kesra.db" ]; then
	ok "no --db: \$XDG_DATA_HOME/kesra/kesra.db is created"
else
	not_ok "no --db: \$XDG_DATA_HOME/kesra/kesra.db is created" "$(run_diag)"
fi
XDG_DATA_HOME='' HOME=$T/home run init
if [ "$RC" -eq 0 ] && [ -f "$T/home/.local/share/kesra/kesra.db" ]; then
	ok "no --db, no XDG_DATA_HOME: ~/.local/share/kesra/kesra.db is created"
else
	not_ok "no --db, no XDG_DATA_HOME: ~/.local/share/kesra/kesra.db is created" \
	    "$(run_diag)"
fi
# An empty path would make SQLite open a private temporary database that
# vanishes on exit: the data typed would be lost without a word.
run --db "" init
if [ "$RC" -eq 2 ] && [ "$(nlines "$ERR")" -eq 1 ]; then
	ok "--db '' is a usage error (exit 2, one line)"
else
	not_ok "--db '' is a usage error (exit 2, one line)" "$(run_diag)" \
	    "(exit 0 means a temporary database was used and thrown away)"
fi
XDG_DATA_HOME=$T/xdg2 KESRA_DB='' run init
if [ "$RC" -ne 0 ] || [ -f "$T/xdg2/kesra/kesra.db" ]; then
	ok "KESRA_DB='': an error, or the default database (never a temporary one)"
else
	not_ok "KESRA_DB='': an error, or the default database (never a temporary one)" \
	    "$(run_diag)"
fi
run --db "$DB"
if [ "$RC" -eq 1 ] && [ "$(nlines "$ERR")" -eq 1 ]; then
	ok "no verb and no terminal: exit 1 with one line"
else
	not_ok "no verb and no terminal: exit 1 with one line" "$(run_diag)"
fi

# ---- mistakes in the dictionary: exit 1, file:line:col, nothing written -------
dict yaml_syntax <<'EOF'
dictionary: bad
records:
  r:
    fields:
      - {name: a, type: text
      - {name: b, type: text}
EOF
expect_fail "malformed YAML: exit 1, names the file" "$T/yaml_syntax/d.yaml" \
    "$T/bad.db" --schema "$T/yaml_syntax" --db "$T/bad.db" init
if printf '%s' "$ERR" | grep -E -q "d\.yaml:[0-9]+:[0-9]+: "; then
	ok "malformed YAML: the message has line:col"
else
	not_ok "malformed YAML: the message has line:col" "$ERR"
fi
check "malformed YAML: no database file created" test ! -e "$T/bad.db"

dict unknown_type <<'EOF'
dictionary: bad
records:
  r:
    fields:
      - {name: a, type: text}
      - {name: b, type: txet}
EOF
expect_fail "unknown type: exit 1, names the file" "d.yaml:6:" \
    "$T/bad.db" --schema "$T/unknown_type" --db "$T/bad.db" init
like "$ERR" "txet" "unknown type: the message names the type"
for ty in text integer decimal date yesno select_one; do
	like "$ERR" "$ty" "unknown type: the known types are listed ($ty)"
done

dict duplicate <<'EOF'
dictionary: bad
records:
  r:
    fields:
      - {name: age, type: integer}
      - {name: age, type: text}
EOF
expect_fail "duplicate field: exit 1, names the file and line" "d.yaml:6:" \
    "$T/bad.db" --schema "$T/duplicate" --db "$T/bad.db" init
like "$ERR" "'age'" "duplicate field: the message names the field"

dict no_valueset <<'EOF'
dictionary: bad
value_sets:
  sex:
    - {code: 1, label: Male}
records:
  r:
    fields:
      - {name: tenure, type: select_one, values: ownership}
EOF
expect_fail "missing value set: exit 1, names the file and line" "d.yaml:8:" \
    "$T/bad.db" --schema "$T/no_valueset" --db "$T/bad.db" check
like "$ERR" "ownership" "missing value set: the message names the value set"
like "$ERR" "tenure" "missing value set: the message names the field"

dict several <<'EOF'
dictionary: bad
records:
  r:
    fields:
      - {name: a, type: txet}
      - {name: b, type: text}
      - {name: b, type: text}
      - {name: c, type: select_one, values: nothere}
      - {name: d, type: integer, mni: 3}
EOF
expect_fail "several mistakes: exit 1" "d.yaml" \
    "$T/bad.db" --schema "$T/several" --db "$T/bad.db" init
for want in "d.yaml:5:" "d.yaml:7:" "d.yaml:8:" "d.yaml:9:"; do
	like "$ERR" "$want" "several mistakes: each is listed ($want)"
done
n=$(printf '%s\n' "$ERR" | grep -c 'd\.yaml:[0-9]*:[0-9]*: ')
if [ "$n" -ge 4 ]; then
	ok "several mistakes: one line each ($n lines with file:line:col)"
else
	not_ok "several mistakes: one line each" "$ERR"
fi
check "no database written for a bad dictionary" test ! -e "$T/bad.db"

expect_fail "a schema folder that does not exist: exit 1, names it" \
    "$T/no/such/folder" "$T/bad.db" --schema "$T/no/such/folder" \
    --db "$T/bad.db" init
check "no database written without a dictionary" test ! -e "$T/bad.db"

mkdir -p "$T/empty_schema"
expect_fail "a folder with no dictionary: exit 1, names it" "$T/empty_schema" \
    "$T/bad.db" --schema "$T/empty_schema" --db "$T/bad.db" init

# ---- unusable database paths -------------------------------------------------
expect_fail "unwritable database path /proc/kesra.db: exit 1, names it" \
    "/proc/kesra.db" /proc/kesra.db --db /proc/kesra.db init
expect_fail "database under a folder that does not exist: exit 1, names it" \
    "$T/nope/kesra.db" "$T/nope/kesra.db" --db "$T/nope/kesra.db" init
check "the missing folder is not created" test ! -e "$T/nope"
mkdir "$T/adir"
expect_fail "a folder given as the database: exit 1, names it" "$T/adir" \
    "$T/adir" --db "$T/adir" init
expect_fail "migrate without a database: exit 1, names it" "$T/missing.db" \
    "$T/missing.db" --db "$T/missing.db" migrate

# ---- someone else's files ---------------------------------------------------
sql "$T/foreign.db" "CREATE TABLE t (x); INSERT INTO t VALUES (1)"
expect_fail "a foreign SQLite file: exit 1, names it, unchanged" \
    "$T/foreign.db" "$T/foreign.db" --db "$T/foreign.db" init
check "the foreign file has no kesra table" \
    test "$(sql "$T/foreign.db" .tables)" = t
printf 'hello, this is not a database\n' >"$T/text.db"
expect_fail "a text file: exit 1, names it, unchanged" "$T/text.db" \
    "$T/text.db" --db "$T/text.db" init
head -c 8192 /dev/urandom >"$T/random.db" 2>/dev/null ||
	dd if=/dev/urandom of="$T/random.db" bs=1024 count=8 2>/dev/null
expect_fail "a random binary file: exit 1, names it, unchanged" \
    "$T/random.db" "$T/random.db" --db "$T/random.db" init
expect_fail "a database of another dictionary: exit 1, unchanged" "$DB" \
    "$DB" --db "$DB" --schema "$MINI" init
like "$ERR" "dtsen" "the message names the database's dictionary"
like "$ERR" "mini" "and the one given"
expect_fail "migrate to another dictionary: refused too" "$DB" \
    "$DB" --db "$DB" --schema "$MINI" migrate

# ---- migration ----------------------------------------------------------------
# v1, then v2 adds a field (and a record), v3 changes a type, v4 drops a field.
mkdir -p "$T/v1" "$T/v2" "$T/v3" "$T/v4"
cat >"$T/v1/mig.yaml" <<'EOF'
dictionary: mig
version: 1
records:
  person:
    title: "${name}"
    fields:
      - {name: name, type: text, required: true}
      - {name: age, type: integer, min: 0, max: 130}
EOF
cat >"$T/v2/mig.yaml" <<'EOF'
dictionary: mig
version: 2
records:
  person:
    title: "${name}"
    fields:
      - {name: name, type: text, required: true}
      - {name: age, type: integer, min: 0, max: 130}
      - {name: phone, type: text}
  visit:
    fields:
      - {name: day, type: date}
EOF
sed 's/version: 2/version: 3/; s/{name: age, type: integer, min: 0, max: 130}/{name: age, type: decimal}/' \
    "$T/v2/mig.yaml" >"$T/v3/mig.yaml"
grep -v 'name: phone' "$T/v2/mig.yaml" | sed 's/version: 2/version: 4/' >"$T/v4/mig.yaml"

MDB=$T/mig.db
run --db "$MDB" --schema "$T/v1" init
is "$RC" 0 "migration: init with v1"
sql "$MDB" "INSERT INTO person (uuid, created_at, name, age) VALUES
    ('a', '2024-01-01', 'Ani', 30), ('b', '2024-01-02', 'Budi', 41)"
before=$(sum_of "$MDB")
run --db "$MDB" --schema "$T/v2" migrate --dry-run
is "$RC" 0 "migrate --dry-run: exit 0"
like "$OUT" "person.phone" "migrate --dry-run lists the new column person.phone"
like "$OUT" "visit" "migrate --dry-run lists the new table visit"
is "$(sum_of "$MDB")" "$before" "migrate --dry-run writes nothing (same checksum)"
is "$(sql "$MDB" "SELECT count(*) FROM pragma_table_info('person') WHERE name = 'phone'")" 0 \
    "migrate --dry-run: no column added"
run --dry-run --db "$MDB" --schema "$T/v2" migrate
is "$RC" 0 "--dry-run before the verb is accepted too"
run --db "$MDB" --schema "$T/v2" migrate
is "$RC" 0 "migrate: exit 0"
like "$OUT" "person.phone" "migrate lists what it did"
is "$(sql "$MDB" "SELECT type FROM pragma_table_info('person') WHERE name = 'phone'")" TEXT \
    "migrate added the column phone TEXT"
is "$(sql "$MDB" "SELECT count(*) FROM sqlite_schema WHERE name = 'visit'")" 1 \
    "migrate created the new table"
is "$(sql "$MDB" "SELECT group_concat(name || ':' || age || ':' || ifnull(phone, 'NULL'), ',')
    FROM (SELECT * FROM person ORDER BY id)")" "Ani:30:NULL,Budi:41:NULL" \
    "migrate kept the rows inserted before"
is "$(sql "$MDB" "SELECT value FROM kesra_meta WHERE key = 'version'")" 2 \
    "kesra_meta records version 2"
before=$(sum_of "$MDB")
run --db "$MDB" --schema "$T/v2" migrate
is "$RC" 0 "migrate again: exit 0"
is "$(sum_of "$MDB")" "$before" "migrate again changes nothing"

expect_fail "a changed type is refused, naming the field" "age" \
    "$MDB" --db "$MDB" --schema "$T/v3" migrate
expect_fail "init with a changed type is refused too" "age" \
    "$MDB" --db "$MDB" --schema "$T/v3" init
is "$(sql "$MDB" "SELECT type FROM pragma_table_info('person') WHERE name = 'age'")" INTEGER \
    "the column keeps its type"

expect_fail "an older dictionary version is refused" "$MDB" \
    "$MDB" --db "$MDB" --schema "$T/v1" init

run --db "$MDB" --schema "$T/v4" migrate --dry-run
if [ "$RC" -eq 0 ] && printf '%s' "$OUT" | grep -F -q phone; then
	ok "dry run of a removed field: exit 0, says phone is kept"
else
	not_ok "dry run of a removed field: exit 0, says phone is kept" "$(run_diag)"
fi
sql "$MDB" "UPDATE person SET phone = '0812' WHERE name = 'Ani'"
run --db "$MDB" --schema "$T/v4" init
is "$RC" 0 "init with a removed field: exit 0"
is "$(sql "$MDB" "SELECT phone FROM person WHERE name = 'Ani'")" 0812 \
    "a removed field keeps its column and data"

# ---- a database locked beyond the timeout ------------------------------------
# sqlite3 holds an exclusive transaction (fed through a fifo, so it stays
# open) while kesra init tries to add a field with a 200 ms busy timeout.
LDB=$T/locked.db
run --db "$LDB" --schema "$T/v1" init
mkfifo "$T/lock.fifo"
sqlite3 "$LDB" <"$T/lock.fifo" >"$T/lock.out" 2>&1 &
lockpid=$!
exec 3>"$T/lock.fifo"
printf "BEGIN EXCLUSIVE;\nINSERT INTO person (uuid, created_at, name) VALUES ('held', '2024-01-01', 'Held');\n.shell touch '%s'\n" \
    "$T/lock.held" >&3
_poll 5 test -f "$T/lock.held"
check "sqlite3 holds the lock" test -f "$T/lock.held"
before=$(sum_of "$LDB")
t0=$(date +%s%N)
KESRA_BUSY_TIMEOUT_MS=200 KESRA_LANG=en run --db "$LDB" --schema "$T/v2" init
t1=$(date +%s%N)
ms=$(((t1 - t0) / 1000000))
if [ "$RC" -eq 1 ] && printf '%s' "$ERR" | grep -F -q locked &&
    printf '%s' "$ERR" | grep -F -q "$LDB"; then
	ok "init on a locked database: exit 1, 'locked', names the file"
else
	not_ok "init on a locked database: exit 1, 'locked', names the file" "$(run_diag)"
fi
if [ "$ms" -lt 3000 ]; then
	ok "KESRA_BUSY_TIMEOUT_MS=200 is honoured (${ms} ms)"
else
	not_ok "KESRA_BUSY_TIMEOUT_MS=200 is honoured" "took ${ms} ms"
fi
is "$(sum_of "$LDB")" "$before" "the locked database file is unchanged"
printf 'ROLLBACK;\n' >&3
exec 3>&-
wait "$lockpid"
is "$(sql "$LDB" "SELECT count(*) FROM pragma_table_info('person') WHERE name = 'phone'")" 0 \
    "no column was added while locked"
run --db "$LDB" --schema "$T/v2" init
is "$RC" 0 "after the lock is gone, init adds the field"

finish
