# tests/cli/modes.sh: file modes of what kesra creates. The default
# database folder ($XDG_DATA_HOME/kesra) is made 0700; the database and
# its WAL and lock files are never readable by other users, even under
# umask 000 (the group part follows the umask).
. tests/lib.sh
SCHEMA=$TOP/tests/data/fault/schema

mode() { stat -c %a "$1"; }

XDG_DATA_HOME=$T/xdg
export XDG_DATA_HOME
(umask 022; "$KESRA" --schema "$SCHEMA" init >"$T/init.out" 2>"$T/init.err")
check "init in the default place" test -f "$T/xdg/kesra/kesra.db"
is "$(mode "$T/xdg/kesra")" 700 "the default database folder is 0700"
is "$(mode "$T/xdg/kesra/kesra.db")" 640 "umask 022: the database is 0640"
unset XDG_DATA_HOME

(umask 000; "$KESRA" --schema "$SCHEMA" --db "$T/open.db" init \
    >/dev/null 2>"$T/init2.err")
is "$(mode "$T/open.db")" 640 "umask 000: the database is 0640 (SQLite makes 0644), not world-readable"
(umask 077; "$KESRA" --schema "$SCHEMA" --db "$T/private.db" init \
    >/dev/null 2>"$T/init3.err")
is "$(mode "$T/private.db")" 600 "umask 077: the database is 0600"

# the WAL and lock files while a writer holds the database open
B=${B:-build/rel}
(umask 000; "$TOP/$B/tools/fault_saver" "$SCHEMA" "$T/open.db" 1 100000 \
    >/dev/null 2>&1) &
pid=$!
n=0
while [ ! -e "$T/open.db-wal" ] && [ "$n" -lt 50 ]; do
	sleep 0.1
	n=$((n + 1))
done
wal=$(mode "$T/open.db-wal" 2>/dev/null)
shm=$(mode "$T/open.db-shm" 2>/dev/null)
kill "$pid" 2>/dev/null
wait "$pid" 2>/dev/null
is "$wal" 640 "the WAL file takes the database's mode"
is "$shm" 640 "the shared-memory file takes the database's mode"
finish
