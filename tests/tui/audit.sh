#!/bin/sh
# tests/tui/audit.sh: two operators on one household, the verified-record
# workflow and the history screen, driven in tmux at 80x24.
#
# The household is put in with sqlite3; while the form has it open, its
# stored revision moves on (another process verifies it with `kesra
# verify`): the save must be refused naming who and when, and the form
# offers to reload.
. tests/lib.sh
KESRA_SCHEMA=$PWD/tests/data/starter
export KESRA_SCHEMA
DB=$T/kesra.db
ME=$(id -un)

"$KESRA" --db "$DB" init >/dev/null 2>&1
sql "$DB" "INSERT INTO household (uuid, created_at, created_by, status,
    kk_number, head_name, address, rt, rw, members, floor_area, ownership,
    has_electricity, result, interview_date) VALUES ('u1',
    '2024-08-17 10:00:00', 'ani', 'complete', '3201234567890123',
    'Siti Nurhaliza', 'Jl. Pattimura 12', 3, 7, 5, 36.5, '2', 1, '1',
    '2024-08-17')"

start
expect "Rumah tangga" "main menu"
send Enter
expect "Siti Nurhaliza" "the list shows the household"
send Enter
expect "Rumah tangga #1" "Enter opens it"

# someone else changes it meanwhile (a verification bumps the revision)
"$KESRA" --db "$DB" verify 1 >/dev/null 2>"$T/verify.err"
is "$(sql "$DB" "SELECT status, rev FROM household")" "verified|2" \
    "kesra verify from another process: verified, rev 2"

send Tab Tab
if at_field "Alamat"; then
	send C-k
	wait_gone "Jl. Pattimura 12"
	fill "Alamat" "Jl. Lain 1" "" && send F2
fi
CHANGED=$(ui_text "Changed by %s at %s: not saved. Reload it? y = reload, n = keep")
CHANGED=$(printf '%s' "$CHANGED" | sed 's/ %s.*//')
msg_has "$CHANGED $ME " "the second save is refused naming who changed it"
like "$(msg_line)" "$(sql "$DB" "SELECT substr(updated_at, 1, 16) FROM household")" \
    "... and when"
is "$(sql "$DB" "SELECT address, rev FROM household")" "Jl. Pattimura 12|2" \
    "nothing was overwritten"
send y
expect "Jl. Pattimura 12" "y reloads the record as saved now"

# a verified record: a change asks for a reason and returns it to complete
# (the reload kept the cursor in its field)
if at_field "Alamat"; then
	send C-k
	wait_gone "Jl. Pattimura 12"
	fill "Alamat" "Jl. Baru 2" "" && send F2
fi
REASONQ=$(ui_text "This record is verified. Reason for the change:")
expect "$(printf '%.30s' "$REASONQ")" "saving a verified record asks for a reason"
type_text "alamat pindah"
send Enter
msg_has "(#1)" "saved with the reason"
is "$(sql "$DB" "SELECT address, status FROM household")" "Jl. Baru 2|complete" \
    "the change is stored and the record is complete again"
is "$(sql "$DB" "SELECT field, old_value, new_value, reason, user FROM kesra_audit WHERE action = 'update'")" \
    "address|Jl. Pattimura 12|Jl. Baru 2|alamat pindah|$ME" \
    "the audit trail has the field, old and new value, reason and user"

# the history screen
send F9
expect "alamat pindah" "F9 shows the history of the record"
expect "Jl. Pattimura 12 -> Jl. Baru 2" "... with old and new value"
send F10
expect "Rumah tangga #1" "F10 goes back to the form"
send C-t
expect "alamat pindah" "Ctrl-T shows it too"
send Escape
expect "Rumah tangga #1" "Esc goes back"

# verify from the form: F8 / Ctrl-R
send C-r
VERIFY=$(ui_text "Verify")
expect "$VERIFY" "Ctrl-R offers to verify a complete record"
send Enter
wait_for "$(ui_text "verified")"
is "$(sql "$DB" "SELECT status FROM household")" "verified" "... and verifies it"

# the list: status filter
send F10
expect "Siti Nurhaliza" "back in the list"
send s
expect "$(ui_text "draft")" "s filters on draft"
expect_gone "Siti Nurhaliza" "... the verified household is not listed"
send s s
expect "Siti Nurhaliza" "s twice more: verified, listed again"
send F10 F10
wait_exit >/dev/null
finish
