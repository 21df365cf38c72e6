# tests/cli/open_refused.sh: files kesra must not touch. A foreign SQLite
# database, a database from a newer kesra (user_version above this
# storage version), a file that is not SQLite at all and a database of
# another dictionary are refused with a one-line message naming the file,
# exit status 1, and left byte for byte as they were; the entry screens
# refuse them the same way before the terminal is taken.
. tests/lib.sh
SCHEMA=$TOP/tests/data/fault/schema

# a foreign SQLite file
F=$T/foreign.db
sql "$F" "CREATE TABLE accounts(name, pin); INSERT INTO accounts VALUES ('a', 1234)"
before=$(sum_of "$F")
run --schema "$SCHEMA" --db "$F" init
is "$RC" 1 "foreign SQLite file: init exits 1"
like "$ERR" "$F" "foreign SQLite file: the message names the file"
like "$ERR" "kesra" "foreign SQLite file: the message says it is not kesra's"
is "$(printf '%s\n' "$ERR" | wc -l)" 1 "foreign SQLite file: one line"
is "$(sum_of "$F")" "$before" "foreign SQLite file: unchanged"
check "foreign SQLite file: no WAL left beside it" [ ! -e "$F-wal" ]

# a database from a newer kesra
N=$T/newer.db
run --schema "$SCHEMA" --db "$N" init
is "$RC" 0 "a new database made"
sql "$N" "PRAGMA user_version = 99"
before=$(sum_of "$N")
run --schema "$SCHEMA" --db "$N" init
is "$RC" 1 "newer kesra's database: init exits 1"
like "$ERR" "99" "newer kesra's database: the message gives its version"
is "$(sum_of "$N")" "$before" "newer kesra's database: unchanged"
run --schema "$SCHEMA" --db "$N" demo --households 1
is "$RC" 1 "newer kesra's database: demo refuses it too"

# not SQLite at all
X=$T/notes.txt
printf 'Nama,NIK\nYohana,9201014101900001\n' >"$X"
before=$(sum_of "$X")
run --schema "$SCHEMA" --db "$X" init
is "$RC" 1 "text file: init exits 1"
like "$ERR" "SQLite" "text file: the message says it is not an SQLite file"
is "$(sum_of "$X")" "$before" "text file: unchanged"

# another dictionary's database
O=$T/other.db
run --schema "$TOP/tests/data/two_fields" --db "$O" init
before=$(sum_of "$O")
run --schema "$SCHEMA" --db "$O" init
is "$RC" 1 "another dictionary's database: refused"
like "$ERR" "mini" "another dictionary's database: names its dictionary"
is "$(sum_of "$O")" "$before" "another dictionary's database: unchanged"

# the entry screens refuse it before taking the terminal
DB=$F
start --schema "$SCHEMA"
st=$(wait_exit 5)
is "$st" 1 "entry screens on a foreign file: exit 1"
like "$(cat "$ERR_FILE")" "$F" "entry screens on a foreign file: the message names it"
finish
