#!/bin/sh
# tests/cli/audit.sh: users and roles, the record workflow and the audit
# trail from the command line (kesra user, verify, status, audit), and the
# modes of a database in a group-shared folder.
#
# Other identities are taken with setpriv (as root): uids without a passwd
# entry, which kesra names uidN. Not root: those checks are skipped.
. tests/lib.sh

SCHEMA=$TOP/schema
export KESRA_LANG=en
D=$T/srv
chmod 0711 "$T"
mkdir -p "$D"
chmod 0777 "$D"
DB=$D/k.db
umask 000

# as UID ARGS...: run kesra as uid UID (RC, OUT, ERR as run does)
as() {
	_u=$1
	shift
	NCLI=$((NCLI + 1))
	setpriv --reuid="$_u" --regid="$_u" --clear-groups "$KESRA" \
	    --schema "$SCHEMA" --db "$DB" "$@" >"$T/run.$NCLI.out" \
	    2>"$T/run.$NCLI.err" </dev/null
	RC=$?
	OUT=$(cat "$T/run.$NCLI.out")
	ERR=$(cat "$T/run.$NCLI.err")
}
k() { run --schema "$SCHEMA" --db "$DB" "$@"; }

k demo --households 30
is "$RC" 0 "a demo database to work on"
chmod 0666 "$DB" # SQLite makes it 0644 whatever the umask
ME=$(id -un)

# ---- no users: everyone is admin (single-user install) ----------------------
k user list
is "$OUT" "$(printf 'name\trole\tregions\tdisabled\tcreated_at\tcreated_by')" \
    "user list: a TSV header and no users yet"
IN=$(sql "$DB" "SELECT id FROM household WHERE village LIKE '96.01.%' AND status = 'complete' ORDER BY id LIMIT 1")
OUTSIDE=$(sql "$DB" "SELECT id FROM household WHERE village NOT LIKE '96.01.%' AND status = 'complete' ORDER BY id LIMIT 1")
k verify "$IN"
is "$RC" 0 "with no users, anyone may verify"
k status "$IN" complete
is "$RC" 1 "returning a verified record needs a reason"
like "$ERR" "reason" "... and says so"
k status "$IN" complete --reason "second look"
is "$RC" 0 "... and goes through with one"

# ---- the first user --------------------------------------------------------
k user add uid4242 --role operator --region 96.01
is "$RC" 0 "user add: the first user"
like "$ERR" "$ME added as admin" "... makes the one who set it up admin"
k user add uid4243 --role supervisor --region 96.01
k user add uid4245 --role admin
k user add bad --role boss
is "$RC" 2 "user add: an unknown role is a usage error"
k user list
like "$OUT" "$(printf 'uid4242\toperator\t96.01\t0')" "user list shows role and regions"
like "$OUT" "$(printf '%s\tadmin' "$ME")" "... and the admin who set it up"

# ---- audit trail: append-only ------------------------------------------------
if sqlite3 "$DB" "UPDATE kesra_audit SET new_value = 'x'" 2>"$T/upd.err"; then
	not_ok "UPDATE of kesra_audit with sqlite3 fails"
else
	ok "UPDATE of kesra_audit with sqlite3 fails"
fi
if sqlite3 "$DB" "DELETE FROM kesra_audit" 2>"$T/del.err"; then
	not_ok "DELETE of kesra_audit with sqlite3 fails"
else
	ok "DELETE of kesra_audit with sqlite3 fails"
fi
like "$(cat "$T/del.err")" "append-only" "... saying the trail is append-only"
k audit --record "$IN"
like "$OUT" "$(printf '\tstatus\tcomplete\tverified\t\tstatus')" \
    "kesra audit --record: the verification"
like "$OUT" "$(printf '\tstatus\tverified\tcomplete\tsecond look\tstatus')" \
    "... and the return with its reason"
is "$(printf '%s\n' "$OUT" | head -1)" "$(printf 'seq\tat\tuser\tclient\trecord\trecord_id\tparent_id\tfield\told_value\tnew_value\treason\taction')" \
    "... a TSV header"
k audit --user nobody
is "$(printf '%s\n' "$OUT" | wc -l | tr -d ' ')" 1 "kesra audit --user: only that user's rows"
k audit --since 2999-01-01
is "$(printf '%s\n' "$OUT" | wc -l | tr -d ' ')" 1 "kesra audit --since: only later rows"
k audit --user "$ME"
like "$OUT" "$(printf '\tkesra_user\t0\t\tuid4242\t\toperator')" \
    "changes to users are in the trail"

# ---- roles, as other operating-system users ---------------------------------
if [ "$(id -u)" -ne 0 ] || ! command -v setpriv >/dev/null; then
	ok "# SKIP roles as other users (needs root and setpriv)"
else
	as 4242 verify "$IN"
	is "$RC" 1 "an operator cannot verify"
	like "$ERR" "supervisor" "... it needs a supervisor"
	as 4242 user add uid4299 --role admin
	is "$RC" 1 "an operator cannot add users"
	as 4242 user disable uid4243
	is "$RC" 1 "an operator cannot disable users"
	as 4242 migrate
	is "$RC" 1 "an operator cannot migrate"
	like "$ERR" "admin" "... it needs an admin"
	as 4242 audit
	is "$RC" 1 "an operator cannot read the whole trail"
	as 4242 export --record member --out "$D/op.csv"
	is "$RC" 1 "an operator cannot export"
	like "$ERR" "admin" "... it needs an admin"
	[ ! -e "$D/op.csv" ] && [ ! -e "$D/op.csv.tmp" ]
	is "$?" 0 "... and nothing is written"
	as 4242 backup "$D/op.db"
	is "$RC" 1 "an operator cannot take a backup (a copy of everything)"
	[ ! -e "$D/op.db" ]
	is "$?" 0 "... and no copy is made"
	k backup "$D/full.db"
	is "$RC" 0 "an admin takes a backup"
	as 4243 restore "$D/full.db"
	is "$RC" 1 "a supervisor cannot restore over the register"
	like "$ERR" "admin" "... it needs an admin"
	as 4243 verify "$OUTSIDE"
	is "$RC" 1 "a supervisor cannot verify outside their regions"
	like "$ERR" "outside the regions" "... and is told so"
	as 4243 verify "$IN"
	is "$RC" 0 "a supervisor verifies a record of their region"
	as 4243 status "$IN" locked
	is "$RC" 0 "... and locks it"
	as 4243 status "$IN" verified
	is "$RC" 1 "only an admin unlocks"
	as 4245 status "$IN" verified
	is "$RC" 0 "an admin unlocks"
	is "$(sql "$DB" "SELECT user || ' ' || new_value FROM kesra_audit WHERE action = 'status' ORDER BY seq DESC LIMIT 3" | tr '\n' ,)" \
	    "uid4245 verified,uid4243 locked,uid4243 verified," \
	    "each status change is in the trail with its user"
	as 4244 user list
	is "$RC" 1 "an unknown user is refused"
	like "$ERR" "not a kesra user" "... with a clear message"
	k user unknown read-only
	as 4244 user list
	is "$RC" 0 "unknown users may read when configured read-only"
	as 4244 verify "$IN"
	is "$RC" 1 "... but not change anything"
	k user disable uid4243
	as 4243 user list
	is "$RC" 1 "a disabled user is refused"
	like "$ERR" "disabled" "... and told so"
fi

# ---- a group-shared folder: files 0660 ---------------------------------------
G=$T/shared
mkdir -p "$G"
chmod 2770 "$G"
umask 022
run --schema "$SCHEMA" --db "$G/k.db" init
is "$RC" 0 "init in a setgid folder"
modes=$(stat -c '%a' "$G/k.db" "$G/k.db-wal" "$G/k.db-shm" 2>/dev/null | tr '\n' ' ')
case $modes in
"660 660 660 " | "660 " ) ok "database files in a shared folder are 0660 (umask 007): $modes" ;;
*) not_ok "database files in a shared folder are 0660" "modes: $modes" ;;
esac
run --schema "$SCHEMA" --db "$T/private.db" init
is "$(stat -c '%a' "$T/private.db")" 640 "elsewhere the umask is kept, less what others could read"
finish
